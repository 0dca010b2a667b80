/* text.c - small string helpers the recognizers share.
 *
 * All of them work on UTF-8 text and compare ASCII case-insensitively; none
 * of them allocates except _bc_squeeze().
 */
#define _GNU_SOURCE 1       /* memmem */
#include "bc-private.h"

#include <string.h>

/* How common a byte is in the texts searched (English prose, addresses,
 * host names), in no exact unit: the searches below look for a needle's
 * least common byte (its anchor), so that few places need a closer look.
 * Only speed depends on it. Unlisted bytes count 0; both cases of a letter
 * count the same. */
#define L2(c, v) [c] = v, [c - 'a' + 'A'] = v
static const guint8 commonness[256] = {
  [' '] = 40, ['\n'] = 30, ['\r'] = 20, ['\t'] = 10,
  L2 ('e', 26), L2 ('t', 25), L2 ('a', 24), L2 ('o', 23), L2 ('i', 22), L2 ('n', 21),
  L2 ('s', 20), L2 ('r', 19), L2 ('h', 18), L2 ('l', 17), L2 ('d', 16), L2 ('c', 15),
  L2 ('u', 14), L2 ('m', 13), L2 ('f', 12), L2 ('p', 11), L2 ('g', 10), L2 ('w', 9),
  L2 ('y', 8), L2 ('b', 7), L2 ('v', 6), L2 ('k', 5), L2 ('x', 4), L2 ('j', 3),
  L2 ('q', 2), L2 ('z', 1),
  ['0'] = 12, ['1'] = 12, ['2'] = 12, ['3'] = 11, ['4'] = 11, ['5'] = 12, ['6'] = 10,
  ['7'] = 10, ['8'] = 10, ['9'] = 10,
  ['.'] = 14, ['-'] = 10, ['/'] = 8, [':'] = 8, [','] = 8, ['='] = 8, ['@'] = 6,
  ['<'] = 6, ['>'] = 6, ['_'] = 4, ['('] = 4, [')'] = 4, ['\''] = 4, ['"'] = 4,
  /* UTF-8: lead bytes (0xe3 in every kana) more than continuation bytes */
  [0x80 ... 0xbf] = 6, [0xc0 ... 0xff] = 12,
};
#undef L2

/* anchor_of - the index of the least common byte of @needle (@n > 0
 * bytes), the first of equals */
static inline gsize
anchor_of (const char *needle, gsize n)
{
  gsize a = 0;

  for (gsize i = 1; i < n; i++)
    if (commonness[(guchar) needle[i]] < commonness[(guchar) needle[a]])
      a = i;
  return a;
}

/* anchored_find - memmem(3) of @needle (@n > 0 bytes) in @hay (@len
 * bytes): each place that holds the anchor is compared whole. For a short
 * needle with an uncommon byte, memchr(3) passes over most of the text
 * faster than memmem's shifts, which are at most the needle's length. */
static const char *
anchored_find (const char *hay, gsize len, const char *needle, gsize n)
{
  gsize a;
  const char *p, *end;

  if (len < n)
    return NULL;
  a = anchor_of (needle, n);
  p = hay + a;
  end = hay + (len - n) + a + 1;          /* anchors lie in [hay + a, end) */
  while (p < end && (p = memchr (p, needle[a], end - p)) != NULL) {
    if (memcmp (p - a, needle, n) == 0)
      return p - a;
    p++;
  }
  return NULL;
}

/* Needles up to this long are searched by anchor; longer ones by memmem */
#define ANCHORED_MAX 7
/* _bc_strcasestr_len anchors on the first byte in texts shorter than this */
#define ANCHOR_MIN_HAY 256

/* casestr_at - the first @needle (@n > 0 bytes) in @hay (@len >= @n
 * bytes), ASCII case ignored; candidates are found by the needle's byte
 * @a (see _bc_strcasestr_len). */
static inline const char *
casestr_at (const char *hay, gsize len, const char *needle, gsize n, gsize a)
{
  const char *p, *end, *next_lo = NULL, *next_up = NULL;
  guchar lo, up;

  lo = _bc_ascii_lower ((guchar) needle[a]);
  up = g_ascii_toupper (lo);
  p = hay + a;
  end = hay + (len - n) + a + 1;        /* candidates for byte @a lie in [hay + a, end) */
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
    c -= a;                             /* where the needle would start */
    /* byte @a matches; when it is the first, it is not compared again */
    for (k = a == 0;
         k < n && _bc_ascii_lower ((guchar) c[k]) == _bc_ascii_lower ((guchar) needle[k]); k++)
      ;
    if (k == n)
      return c;
    p = c + a + 1;
  }
  return NULL;
}

/* _bc_strcasestr_len - the first @needle in @hay, ASCII case ignored.
 * Candidates are found with memchr() for each case of the needle's least
 * common byte (anchor_of; in a short text, where choosing costs more than
 * it saves, its first byte; the next position of each case is remembered,
 * so the scan is linear), which is far faster than folding every byte of
 * the haystack. */
const char *
_bc_strcasestr_len (const char *hay, gsize len, const char *needle)
{
  gsize n = strlen (needle);

  if (n == 0)
    return hay;
  if (len < n)
    return NULL;
  if (len < ANCHOR_MIN_HAY)
    return casestr_at (hay, len, needle, n, 0);
  return casestr_at (hay, len, needle, n, anchor_of (needle, n));
}

const char *
_bc_strcasestr (const char *hay, const char *needle)
{
  return hay ? _bc_strcasestr_len (hay, strlen (hay), needle) : NULL;
}


/* _bc_from_matches - does the bounce's From (name or address) contain any
 * of @needles? */
gboolean
_bc_from_matches (const BcMime *m, const char *const *needles)
{
  gsize len;

  if (!m->from)
    return FALSE;
  len = strlen (m->from);
  for (; *needles; needles++)
    if (_bc_strcasestr_len (m->from, len, *needles))
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

/* _bc_memmem - memmem(3), which is not in C11; a short needle is searched
 * by its anchor (anchored_find). */
const char *
_bc_memmem (const char *hay, gsize len, const char *needle, gsize n)
{
  if (n > 0 && n <= ANCHORED_MAX)
    return anchored_find (hay, len, needle, n);
  return memmem (hay, len, needle, n);
}

/* _bc_body_find - the first place @needle occurs in the report's own text
 * (not in an inline returned message). */
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
