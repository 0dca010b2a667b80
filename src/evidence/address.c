/* address.c - find and normalise e-mail addresses.
 *
 * Bounces quote addresses every way there is: "rfc822; <a@b>", quotes,
 * comments, mailto:, trailing dots. Normalising strips all of that and
 * lower-cases the domain; anything that is still not local@domain is
 * rejected (NULL) rather than reported as a recipient. A quoted local part
 * ("kiji tora"@example.com, RFC 5321) is kept with its quotes, unless what
 * they hold is a plain dot-atom; a quoted part with a control character,
 * an unbalanced or stray quote, or more than 64 bytes is rejected.
 *
 * Found in running text, an address ends at white space or punctuation. In
 * Japanese, Chinese and Korean text there is no white space, and the
 * punctuation is full-width ("宛先：a@example.jp、b@example.jp。"), so
 * there an address also ends at a non-ASCII character that is not a
 * letter, mark or digit, and at a Han, Kana, Hangul or full-width character
 * met after ASCII in the same local part or domain label
 * ("a@example.jpへの配送" is a@example.jp). Internationalised addresses
 * written in one script (josé@bücher.example, 山田@例え.jp) are kept whole.
 *
 * An address run into the next word ("a@example.comUser unknown") ends
 * where the last label turns from lower-case letters to a capitalised word
 * ("com" + "User"): no TLD is written that way. Labels in other cases
 * (EXAMPLE.COM, MyCompany.example) and any label but the last are kept.
 */
#include "bc-private.h"

#include <string.h>

#define MAX_ADDR 320

static gboolean
local_char (guchar c)
{
  return g_ascii_isalnum (c) || (c && strchr ("!#$%&'*+-/=?^_`{|}~.", c)) || c >= 0x80;
}

static gboolean
domain_char (guchar c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.' || c == '_' || c >= 0x80;
}

static gboolean
valid_domain (const char *d)
{
  gsize n = strlen (d);

  if (n == 0 || n > 255)
    return FALSE;
  if (d[0] == '[' && d[n - 1] == ']')
    return TRUE;
  if (d[0] == '.' || d[0] == '-')
    return FALSE;
  for (const char *p = d; *p; p++) {
    if (!domain_char (*p))
      return FALSE;
    if (p[0] == '.' && p[1] == '.')
      return FALSE;
  }
  return TRUE;
}

/* strip_comments - drop the "(...)" comments from @s, in place; an
 * unclosed "(" drops the rest of @s. Each pass removes one '(', so the
 * loop ends within strlen (@s) passes. */
static void
strip_comments (char *s)
{
  char *p;

  while ((p = strchr (s, '(')) != NULL) {
    char *q = strchr (p, ')');
    if (!q) {
      *p = '\0';
      break;
    }
    memmove (p, q + 1, strlen (q + 1) + 1);
  }
}

/* quoted_local - the length of the quoted local part that opens @s,
 * closing quote included, when an '@' follows it ("kiji tora"@x: 11);
 * 0 when @s does not open that way, -1 when the quoted part is garbage:
 * RFC 5321 allows printable ASCII (and, RFC 6531, UTF-8) in it, '"' and
 * '\\' only escaped, and at most 64 bytes for the whole local part. */
static gssize
quoted_local (const char *s)
{
  const char *p;

  if (*s != '"')
    return 0;
  for (p = s + 1; *p && p - s < 64; p++) {
    if (*p == '"')
      break;
    if (*p == '\\' && p[1])
      p++;
  }
  if (*p != '"' || p[1] != '@')
    return 0;
  if (p == s + 1)
    return -1;
  for (const char *c = s + 1; c < p; c++)
    if ((guchar) *c < 0x20 || *c == 0x7f)
      return -1;
  return p + 1 - s;
}

/* normalize_quoted - @s opens with the quoted local part of @qlen bytes
 * (see quoted_local()); the address with its domain cleaned like any
 * other. The quotes stay unless what they hold is a plain dot-atom
 * ("kiji"@x is kiji@x). */
static char *
normalize_quoted (char *s, gssize qlen)
{
  char *dom = s + qlen + 1, *p;
  gboolean atom = qlen > 2 && s[1] != '.' && s[qlen - 2] != '.';
  gsize n;
  char *out;

  strip_comments (dom);
  g_strstrip (dom);
  n = strlen (dom);
  while (n > 0 && strchr ("\"'>.,;:]`) \t", dom[n - 1]))
    dom[--n] = '\0';
  if (!valid_domain (dom) || !strchr (dom, '.') || !g_utf8_validate (s, -1, NULL))
    return NULL;
  for (p = s + 1; p < s + qlen - 1 && atom; p++)
    atom = (guchar) *p < 0x80 && *p != '"' && *p != '\\' && local_char (*p) &&
           !(p[0] == '.' && p[1] == '.');
  for (p = dom; *p && (guchar) *p < 0x80 && *p != 'I'; p++)
    ;
  if (*p) {
    dom = g_utf8_strdown (dom, -1);
  } else {
    /* ASCII: lower-cased as in normalize_len() */
    dom = g_strdup (dom);
    for (p = dom; *p; p++)
      *p = g_ascii_tolower (*p);
  }
  out = atom ? g_strdup_printf ("%.*s@%s", (int) qlen - 2, s + 1, dom)
             : g_strdup_printf ("%.*s@%s", (int) qlen, s, dom);
  g_free (dom);
  return out;
}

/* normalize_len - _bc_address_normalize() of the @len bytes at @raw
 * (which hold no NUL). */
static char *
normalize_len (const char *raw, gsize len)
{
  char buf[MAX_ADDR + 1];
  char *s, *at, *lt, *gt, *p;
  gsize n;

  while (len > 0 && (*raw == ' ' || *raw == '\t' || *raw == '\n'))
    raw++, len--;
  n = len;
  if (n == 0 || n > MAX_ADDR)
    return NULL;
  memcpy (buf, raw, n);
  buf[n] = '\0';
  s = buf;

  /* "rfc822; addr", "utf-8; addr" */
  p = strchr (s, ';');
  if (p && p - s < 12 && !memchr (s, '@', p - s) && !memchr (s, '"', p - s))
    s = p + 1;
  /* <addr> wins over whatever surrounds it */
  lt = strchr (s, '<');
  if (lt && (gt = strchr (lt, '>')) && memchr (lt, '@', gt - lt)) {
    *gt = '\0';
    s = lt + 1;
  }
  g_strstrip (s);
  if (g_ascii_strncasecmp (s, "mailto:", 7) == 0)
    s += 7;
  {
    gssize q = quoted_local (s);
    if (q < 0)
      return NULL;
    if (q > 0)
      return normalize_quoted (s, q);
  }
  strip_comments (s);
  g_strstrip (s);
  /* surrounding quotes, brackets and trailing punctuation */
  while (*s == '"' || *s == '\'' || *s == '<' || *s == '[' || *s == '`')
    s++;
  n = strlen (s);
  {
    /* the ']' that closes an address literal ("user@[192.0.2.55]") stays */
    const char *a = strrchr (s, '@');
    const char *lit = a && a[1] == '[' ? strchr (a, ']') : NULL;
    while (n > 0 && strchr ("\"'>.,;:]`)", s[n - 1]) && s + n - 1 != lit)
      s[--n] = '\0';
  }
  if (n == 0)
    return NULL;
  at = strrchr (s, '@');
  if (!at || at == s || at[1] == '\0')
    return NULL;
  for (p = s; p < at; p++) {
    if (*p == ' ' || *p == '\t' || *p == '<' || *p == '>' || *p == ',' || *p == '"' ||
        (guchar) *p < 0x20)
      return NULL;
  }
  if (!valid_domain (at + 1) || !strchr (at + 1, '.'))
    return NULL;
  if (!g_utf8_validate (s, -1, NULL))
    return NULL;
  for (p = at + 1; *p; p++)
    if ((guchar) *p >= 0x80 || *p == 'I')
      break;
  if (!*p) {
    /* an ASCII domain: lower-cased in place, as g_utf8_strdown() would
     * (which turns 'I' into a dotless i in a Turkic locale: 'I' goes the
     * long way) */
    for (p = at + 1; *p; p++)
      *p = g_ascii_tolower (*p);
    return g_strdup (s);
  }
  {
    char *dom = g_utf8_strdown (at + 1, -1);
    char *out = g_strdup_printf ("%.*s@%s", (int) (at - s), s, dom);
    g_free (dom);
    return out;
  }
}

/* intl_char - the non-ASCII @c may be part of an address: a letter, a mark
 * or a digit, never punctuation, a symbol or a space */
static gboolean
intl_char (gunichar c)
{
  switch (g_unichar_type (c)) {
  case G_UNICODE_LOWERCASE_LETTER:
  case G_UNICODE_MODIFIER_LETTER:
  case G_UNICODE_OTHER_LETTER:
  case G_UNICODE_TITLECASE_LETTER:
  case G_UNICODE_UPPERCASE_LETTER:
  case G_UNICODE_SPACING_MARK:
  case G_UNICODE_ENCLOSING_MARK:
  case G_UNICODE_NON_SPACING_MARK:
  case G_UNICODE_DECIMAL_NUMBER:
  case G_UNICODE_LETTER_NUMBER:
  case G_UNICODE_OTHER_NUMBER:
    return TRUE;
  default:
    return FALSE;
  }
}

/* cjk - @c is written without spaces between words: Han, Hiragana,
 * Katakana, Hangul, or a full-width or half-width form */
static gboolean
cjk (gunichar c)
{
  GUnicodeScript s;

  if (c >= 0xFF00 && c <= 0xFFEF)
    return TRUE;
  s = g_unichar_get_script (c);
  return s == G_UNICODE_SCRIPT_HAN || s == G_UNICODE_SCRIPT_HIRAGANA ||
         s == G_UNICODE_SCRIPT_KATAKANA || s == G_UNICODE_SCRIPT_HANGUL;
}

/* local_start - where the local part ending at @at begins, at or after
 * @text: back over local-part characters (see the header) */
static const char *
local_start (const char *text, const char *at)
{
  const char *b = at;
  gboolean ascii = FALSE;   /* an ASCII letter or digit is in the part */

  while (b > text) {
    guchar c = b[-1];
    if (c < 0x80) {
      if (!local_char (c))
        break;
      ascii = ascii || g_ascii_isalnum (c);
      b--;
    } else {
      const char *q = g_utf8_find_prev_char (text, b);
      gunichar u;
      if (!q)
        break;
      u = g_utf8_get_char_validated (q, b - q);
      if (u == (gunichar) -1 || u == (gunichar) -2 || !intl_char (u) || (ascii && cjk (u)))
        break;
      b = q;
    }
  }
  return b;
}

/* quoted_start - where the local part ending at @at begins, at or after
 * @text: its opening quote when a quoted local part ends there
 * ("kiji tora"@x, on one line, at most 64 bytes), else local_start() */
static const char *
quoted_start (const char *text, const char *at)
{
  if (at - text >= 3 && at[-1] == '"') {
    for (const char *q = at - 1; q > text && at - q < 64 && q[-1] != '\n'; q--)
      if (q[-1] == '"' && !(q - 1 > text && q[-2] == '\\'))
        return q - 1;
  }
  return local_start (text, at);
}

/* domain_end - where the domain that starts at @d ends, before @limit:
 * over domain characters (see the header) */
static const char *
domain_end (const char *d, const char *limit)
{
  const char *e = d;
  gboolean ascii = FALSE;   /* an ASCII letter or digit is in the label */

  if (e < limit && *e == '[') {
    /* an address literal, "user@[192.0.2.55]" or "[IPv6:2001:db8::1]" */
    const char *q = e + 1;
    if (limit - q >= 5 && g_ascii_strncasecmp (q, "IPv6:", 5) == 0)
      q += 5;
    while (q < limit && q - e < 48 && (g_ascii_isxdigit (*q) || *q == '.' || *q == ':'))
      q++;
    return q < limit && *q == ']' && q > e + 1 ? q + 1 : e;
  }

  while (e < limit) {
    guchar c = *e;
    if (c < 0x80) {
      if (!domain_char (c))
        break;
      ascii = c == '.' ? FALSE : ascii || g_ascii_isalnum (c);
      e++;
    } else {
      gunichar u = g_utf8_get_char_validated (e, limit - e);
      if (u == (gunichar) -1 || u == (gunichar) -2 || !intl_char (u) || (ascii && cjk (u)))
        break;
      e = g_utf8_next_char (e);
    }
  }
  return e;
}

/* glued_word - where a capitalised word glued to the domain @d..@e
 * begins ("example.comUser": at "User"), or @e when there is none. The
 * last label must be lower-case letters followed by one upper-case letter
 * and lower-case letters only, and a dot must come before it. */
static const char *
glued_word (const char *d, const char *e)
{
  const char *l = e, *q;

  while (l > d && l[-1] != '.')
    l--;
  if (l == d)
    return e;
  for (q = l; q < e && g_ascii_islower (*q); q++)
    ;
  if (q - l < 2 || q + 2 > e || !g_ascii_isupper (*q))
    return e;
  for (const char *r = q + 1; r < e; r++)
    if (!g_ascii_islower (*r))
      return e;
  return q;
}

/* _bc_address_normalize - a clean "local@domain" or NULL. */
char *
_bc_address_normalize (const char *raw)
{
  return raw ? normalize_len (raw, strlen (raw)) : NULL;
}

/* _bc_address_find - the first address-shaped token in @text; *end is set
 * past it. */
char *
_bc_address_find (const char *text, gsize len, const char **end)
{
  const char *limit = text + len;
  const char *at = text;

  while ((at = memchr (at, '@', limit - at)) != NULL) {
    const char *b = quoted_start (text, at), *e = domain_end (at + 1, limit);
    while (e > at + 1 && (e[-1] == '.' || e[-1] == '-'))
      e--;
    e = glued_word (at + 1, e);
    if (b < at && e > at + 1) {
      char *addr = normalize_len (b, e - b);
      if (!addr && *b == '"' && (b = local_start (text, at)) < at)
        addr = normalize_len (b, e - b);
      if (addr) {
        if (end)
          *end = e;
        return addr;
      }
    }
    at++;
  }
  if (end)
    *end = limit;
  return NULL;
}
