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
  static const char *const names[] = { "message-id", "from", "to", "subject", "list-id" };
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
        if ((gsize) (ne - p) == strlen (names[i]) && g_ascii_strncasecmp (p, names[i], ne - p) == 0 &&
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
