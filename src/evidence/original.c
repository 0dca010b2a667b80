/* original.c - headers of the returned original message.
 *
 * The original comes back as message/rfc822, as text/rfc822-headers, or
 * inline after a marker line in a plain-text NDR. Only its headers are read:
 * Message-ID, From, To, Subject and List-Id.
 */
#include "bc-private.h"

#include <string.h>

static char *
decoded (GMimeObject *obj, const char *name)
{
  const char *raw = g_mime_object_get_header (obj, name);
  char *v, *out;

  if (!raw)
    return NULL;
  v = g_mime_utils_header_decode_text (_bc_parser_options (), raw);
  out = _bc_squeeze (v, -1);
  g_free (v);
  if (!g_utf8_validate (out, -1, NULL)) {
    char *valid = g_utf8_make_valid (out, -1);
    g_free (out);
    out = valid;
  }
  return out;
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

void
_bc_original_from_text (const char *text, BcOriginal *out)
{
  GString *s;
  GMimeMessage *msg;
  const char *p = text;

  while (*p == '\n' || *p == ' ')
    p++;
  {
    /* only the header block is read, so the returned body is not parsed */
    const char *blank = strstr (p, "\n\n");
    s = blank ? g_string_new_len (p, blank + 1 - p) : g_string_new (p);
  }
  g_string_append (s, "\n\n");
  msg = _bc_mime_parse_bytes (s->str, s->len, NULL);
  g_string_free (s, TRUE);
  if (msg) {
    from_object (GMIME_OBJECT (msg), out);
    g_object_unref (msg);
  }
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
