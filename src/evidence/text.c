/* text.c - small string helpers the recognizers share.
 *
 * All of them work on UTF-8 text and compare ASCII case-insensitively; none
 * of them allocates except _bc_squeeze().
 */
#include "bc-private.h"

#include <string.h>

const char *
_bc_strcasestr_len (const char *hay, gsize len, const char *needle)
{
  gsize n = strlen (needle);
  char first;

  if (n == 0)
    return hay;
  if (len < n)
    return NULL;
  first = g_ascii_tolower (needle[0]);
  for (gsize i = 0; i + n <= len; i++) {
    if (g_ascii_tolower (hay[i]) == first && g_ascii_strncasecmp (hay + i, needle, n) == 0)
      return hay + i;
  }
  return NULL;
}

const char *
_bc_strcasestr (const char *hay, const char *needle)
{
  return hay ? _bc_strcasestr_len (hay, strlen (hay), needle) : NULL;
}

gboolean
_bc_has_prefix_ci (const char *s, const char *prefix)
{
  return s && g_ascii_strncasecmp (s, prefix, strlen (prefix)) == 0;
}

/* _bc_from_matches - does the bounce's From (name or address) contain any
 * of @needles? */
gboolean
_bc_from_matches (const BcMime *m, const char *const *needles)
{
  for (; *needles; needles++)
    if (_bc_strcasestr (m->from, *needles))
      return TRUE;
  return FALSE;
}

/* _bc_subject_starts - does the Subject begin with any of @prefixes? A
 * forwarded bounce ("Fwd: ...") therefore never matches. */
gboolean
_bc_subject_starts (const BcMime *m, const char *const *prefixes)
{
  const char *s = m->subject;

  while (*s == ' ' || *s == '\t')
    s++;
  for (; *prefixes; prefixes++)
    if (_bc_has_prefix_ci (s, *prefixes))
      return TRUE;
  return FALSE;
}

gboolean
_bc_header_contains (const BcMime *m, const char *header, const char *needle)
{
  const char *v = _bc_mime_header (m, header);
  return v && (!needle || _bc_strcasestr (v, needle));
}

/* _bc_body_find - the first place @needle occurs in the report's own text
 * (not in an inline returned message). */
const char *
_bc_body_find (const BcMime *m, const char *needle)
{
  return _bc_strcasestr_len (m->body->str, m->ndr_len, needle);
}

/* _bc_squeeze - runs of white space become one space; ends trimmed. */
char *
_bc_squeeze (const char *s, gssize len)
{
  GString *out;
  const char *end;
  gboolean space = FALSE;

  if (!s)
    return NULL;
  if (len < 0)
    len = strlen (s);
  end = s + len;
  out = g_string_sized_new (len);
  for (; s < end; s++) {
    if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
      space = TRUE;
      continue;
    }
    if (space && out->len)
      g_string_append_c (out, ' ');
    space = FALSE;
    g_string_append_c (out, *s);
  }
  return g_string_free (out, FALSE);
}

const char *
_bc_next_line (const char *p, const char *end)
{
  const char *nl = memchr (p, '\n', end - p);
  return nl ? nl + 1 : end;
}
