/* text.c - small string helpers the recognizers share.
 *
 * All of them work on UTF-8 text and compare ASCII case-insensitively; none
 * of them allocates except _bc_squeeze().
 */
#define _GNU_SOURCE 1       /* memmem */
#include "bc-private.h"

#include <string.h>

/* _bc_strcasestr_len - the first @needle in @hay, ASCII case ignored.
 * Candidates are found with memchr() for each case of the needle's first
 * byte (the next position of each is remembered, so the scan is linear),
 * which is far faster than folding every byte of the haystack. */
const char *
_bc_strcasestr_len (const char *hay, gsize len, const char *needle)
{
  gsize n = strlen (needle);
  const char *p, *end, *next_lo = NULL, *next_up = NULL;
  guchar lo, up;

  if (n == 0)
    return hay;
  if (len < n)
    return NULL;
  lo = _bc_ascii_lower ((guchar) needle[0]);
  up = g_ascii_toupper (lo);
  p = hay;
  end = hay + (len - n) + 1;            /* candidates start in [hay, end) */
  while (p < end) {
    const char *c;
    gsize k;
    if (!next_lo || next_lo < p) {
      next_lo = memchr (p, lo, end - p);
      if (!next_lo)
        next_lo = end;
    }
    if (lo == up)
      next_up = next_lo;
    else if (!next_up || next_up < p) {
      next_up = memchr (p, up, end - p);
      if (!next_up)
        next_up = end;
    }
    c = MIN (next_lo, next_up);
    if (c >= end)
      return NULL;
    for (k = 1; k < n && _bc_ascii_lower ((guchar) c[k]) == _bc_ascii_lower ((guchar) needle[k]); k++)
      ;
    if (k == n)
      return c;
    p = c + 1;
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
  if (!s)
    return FALSE;
  /* g_ascii_strncasecmp (s, prefix, strlen (prefix)) == 0, without a call
   * that walks the prefix first: most prefixes differ at the first byte */
  for (; *prefix; s++, prefix++)
    if (_bc_ascii_lower ((guchar) *s) != _bc_ascii_lower ((guchar) *prefix))
      return FALSE;
  return TRUE;
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
/* _bc_memmem - memmem(3), which is not in C11. */
const char *
_bc_memmem (const char *hay, gsize len, const char *needle, gsize n)
{
  return memmem (hay, len, needle, n);
}

const char *
_bc_body_find (const BcMime *m, const char *needle)
{
  char low[256];
  gsize n = strlen (needle);
  const char *f;

  if (!m->body_fold || n >= sizeof low)
    return _bc_strcasestr_len (m->body->str, m->ndr_len, needle);
  for (gsize i = 0; i < n; i++)
    low[i] = (char) _bc_ascii_lower ((guchar) needle[i]);
  f = _bc_memmem (m->body_fold, m->ndr_len, low, n);
  return f ? m->body->str + (f - m->body_fold) : NULL;
}

/* _bc_squeeze - runs of white space become one space; ends trimmed, and
 * a character cut at either end by the caller's byte bounds left out. */
char *
_bc_squeeze (const char *s, gssize len)
{
  char *out, *w;
  const char *end;

  if (!s)
    return NULL;
  if (len < 0)
    len = strlen (s);
  end = s + len;
  /* never longer than the input: written straight into one buffer */
  out = w = g_malloc (len + 1);
  /* callers may also start a window by bytes: a valid text never begins
   * inside a character */
  for (int k = 0; k < 3 && s < end && ((guchar) *s & 0xc0) == 0x80; k++)
    s++;
#define BLANK(c) ((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r')
  while (s < end) {
    /* a run of other bytes, copied as it is: most bytes are above ' ' */
    while (s < end && ((guchar) *s > ' ' || !BLANK (*s)))
      *w++ = *s++;
    /* a run of white space: one space, when text is before and after it */
    if (s < end) {
      while (s < end && BLANK (*s))
        s++;
      if (s < end && w > out)
        *w++ = ' ';
    }
  }
#undef BLANK
  {
    /* callers cut @len by bytes: drop a character left incomplete */
    gsize k = w - out, cont = 0;
    while (k > 0 && cont < 3 && ((guchar) out[k - 1] & 0xc0) == 0x80)
      k--, cont++;
    if (k > 0 && (guchar) out[k - 1] >= 0xc0) {
      guchar lead = out[k - 1];
      gsize need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : 1;
      if (cont < need)
        w = out + k - 1;
    }
  }
  *w = '\0';
  return out;
}

const char *
_bc_next_line (const char *p, const char *end)
{
  const char *nl = memchr (p, '\n', end - p);
  return nl ? nl + 1 : end;
}
