/* original.c - headers of the returned original message.
 *
 * The original comes back as message/rfc822, as text/rfc822-headers, or
 * inline after a marker line in a plain-text NDR. Only its headers are read:
 * Message-ID, From, To, Subject and List-Id.
 */
#include "bc-private.h"

#include <string.h>

/* squeezed - @v with white space squeezed, as valid UTF-8 */
static char *
squeezed (const char *v)
{
  char *out = _bc_squeeze (v, -1);

  if (!g_utf8_validate (out, -1, NULL)) {
    char *valid = g_utf8_make_valid (out, -1);
    g_free (out);
    out = valid;
  }
  return out;
}

/* clean - @raw (a header value as the text carries it, folded or not)
 * decoded from RFC 2047, white space squeezed, valid UTF-8. */
static char *
clean (const char *raw)
{
  char *v, *out;

  if (_bc_header_plain (raw))
    return _bc_squeeze (raw, -1);     /* nothing to decode; ASCII is valid */
  v = g_mime_utils_header_decode_text (_bc_parser_options (), raw);
  out = squeezed (v);
  g_free (v);
  return out;
}

/* decoded - the first @name field of @obj. GMime gives the value already
 * decoded from RFC 2047: it is not decoded again, or a literal "=?...?="
 * the sender encoded would be read as an encoded word. */
static char *
decoded (GMimeObject *obj, const char *name)
{
  const char *v = g_mime_object_get_header (obj, name);

  return v ? squeezed (v) : NULL;
}

static void
from_object (GMimeObject *obj, BcOriginal *out)
{
  out->message_id = decoded (obj, "Message-ID");
  out->from = decoded (obj, "From");
  out->to = decoded (obj, "To");
  out->subject = decoded (obj, "Subject");
  out->list_id = decoded (obj, "List-Id");
}

#define MAX_HEADER_BLOCK (64 * 1024)

/* _bc_original_from_text - the wanted fields of the header block that
 * starts @text (after any blank lines) and ends at the first empty line, at
 * most MAX_HEADER_BLOCK bytes. A plain scan: building a GMimeMessage for a
 * header block cost thirty times as much. The first field of each name
 * counts; continuation lines are unfolded; a line that is neither a field
 * nor a continuation is skipped, as GMime skips it. */
void
_bc_original_from_text (const char *text, BcOriginal *out)
{
#define NAME(s) { s, sizeof s - 1 }
  static const struct { const char *name; gsize len; } names[] = {
    NAME ("message-id"), NAME ("from"), NAME ("to"), NAME ("subject"), NAME ("list-id")
  };
#undef NAME
  char **slots[] = { &out->message_id, &out->from, &out->to, &out->subject, &out->list_id };
  const char *p = text, *end;
  GString *v = g_string_new (NULL);

  while (*p == '\n' || *p == ' ')
    p++;
  end = p + strnlen (p, MAX_HEADER_BLOCK);
  while (p < end && *p != '\n') {
    const char *eol = memchr (p, '\n', end - p), *colon;
    int slot = -1;

    if (!eol)
      eol = end;
    colon = memchr (p, ':', eol - p);
    if (colon && *p != ' ' && *p != '\t') {
      const char *ne = colon;
      while (ne > p && (ne[-1] == ' ' || ne[-1] == '\t'))
        ne--;
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        if ((gsize) (ne - p) == names[i].len && g_ascii_strncasecmp (p, names[i].name, ne - p) == 0 &&
            !*slots[i]) {
          slot = (int) i;
          break;
        }
    }
    if (slot < 0) {
      p = eol < end ? eol + 1 : end;
      continue;
    }
    /* the value, with its continuation lines */
    g_string_truncate (v, 0);
    g_string_append_len (v, colon + 1, eol - colon - 1);
    p = eol < end ? eol + 1 : end;
    while (p < end && (*p == ' ' || *p == '\t')) {
      eol = memchr (p, '\n', end - p);
      if (!eol)
        eol = end;
      g_string_append_c (v, ' ');
      g_string_append_len (v, p, eol - p);
      p = eol < end ? eol + 1 : end;
    }
    *slots[slot] = clean (v->str);
  }
  g_string_free (v, TRUE);
}

void
_bc_original_read (const BcMime *m, BcOriginal *out)
{
  if (m->orig)
    from_object (m->orig, out);
  else if (m->orig_text)
    _bc_original_from_text (m->orig_text, out);
  else if (m->ndr_len < m->body->len) {
    const char *p = m->body->str + m->ndr_len;
    /* skip the marker line itself */
    const char *nl = strchr (p, '\n');
    if (nl)
      _bc_original_from_text (nl + 1, out);
  }
}

void
_bc_original_clear (BcOriginal *o)
{
  g_clear_pointer (&o->message_id, g_free);
  g_clear_pointer (&o->from, g_free);
  g_clear_pointer (&o->to, g_free);
  g_clear_pointer (&o->subject, g_free);
  g_clear_pointer (&o->list_id, g_free);
}

/* address_char - can @c be part of an address next to one (so that a
 * match there is inside a longer address)? */
static gboolean
address_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_' || c == '+' || c == '=' || c == '@';
}

/* names - does @line (@len bytes) name @addr (@alen bytes), caseless, as
 * a whole address rather than part of a longer one? */
static gboolean
names (const char *line, gsize len, const char *addr, gsize alen)
{
  const char *end = line + len;

  for (const char *p = line; p < end && (p = _bc_strcasestr_len (p, end - p, addr)); p++) {
    const char *after = p + alen;
    if ((p == line || (!address_char (p[-1]) && p[-1] != '.')) &&
        (after >= end || !(address_char (*after) ||
                           (*after == '.' && after + 1 < end && g_ascii_isalnum (after[1])))))
      return TRUE;
  }
  return FALSE;
}

/* failure_line - @p..@eol (a line) as a new string when it carries a 4xx or
 * 5xx reply, the "<<<" of a session transcript and outer white space taken
 * off; else NULL. */
static char *
failure_line (const char *p, const char *eol)
{
  char *line = g_strndup (p, eol - p);
  char code[4];
  char *s;

  if (!_bc_find_reply (line, code) || (code[0] != '4' && code[0] != '5')) {
    g_free (line);
    return NULL;
  }
  s = g_strstrip (line);
  if (g_str_has_prefix (s, "<<<"))
    s += 3;
  while (g_ascii_isspace (*s))
    s++;
  memmove (line, s, strlen (s) + 1);
  return line;
}

/* _bc_original_failure - the failure that the body of a returned message
 * @text (header block first) states for @addr, as a new string, or NULL:
 * a line naming @addr with a 4xx or 5xx reply ("<<< 550 5.1.1
 * <a@example.org>... User unknown"), or the reply on the line after an
 * "RCPT TO" that names it.
 *
 * A relay that cannot deliver a message which is itself a bounce often
 * says only that it failed ("Unable to deliver message to <a@...>"); the
 * earlier failure for the same recipient, quoted in what it returns, is
 * then the only word on the cause. The header block is skipped: its
 * Received lines name the recipient beside numbers of every kind. */
char *
_bc_original_failure (const char *text, const char *addr)
{
  const char *p, *end;
  gsize alen;

  if (!text || !addr || !*addr)
    return NULL;
  alen = strlen (addr);
  end = text + strlen (text);
  /* past the header block: the first empty line */
  for (p = text; p < end;) {
    const char *eol = memchr (p, '\n', end - p);
    const char *q = p;
    while (q < (eol ? eol : end) && (*q == ' ' || *q == '\t' || *q == '\r'))
      q++;
    p = eol ? eol + 1 : end;
    if (q == (eol ? eol : end))
      break;
  }
  while (p < end) {
    const char *eol = memchr (p, '\n', end - p);
    const char *next;
    char *found;

    if (!eol)
      eol = end;
    next = eol < end ? eol + 1 : end;
    if (names (p, eol - p, addr, alen)) {
      if ((found = failure_line (p, eol)))
        return found;
      if (_bc_strcasestr_len (p, eol - p, "rcpt to") && next < end) {
        const char *e2 = memchr (next, '\n', end - next);
        if ((found = failure_line (next, e2 ? e2 : end)))
          return found;
      }
    }
    p = next;
  }
  return NULL;
}
