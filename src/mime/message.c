/* message.c - turn a parsed message into the parts the evidence stage reads.
 *
 * Walks the MIME tree at most limits->max_depth deep and limits->max_parts
 * wide. Only parts that can carry evidence are decoded: text parts, the
 * *delivery-status and feedback-report parts, the headers of a returned
 * message, and one small application/xml part (kept apart as m->xml, not
 * in the free text). Other attachments, images and the body of a returned
 * message are never decoded. Text is converted to UTF-8 and to LF line
 * ends, and at most limits->max_text bytes of each part are kept.
 */
#include "bc-private.h"

#include <string.h>

typedef struct {
  BcMime *m;
  guint parts;
  gboolean have_plain;
  GString *html;            /* text/html kept in case no text/plain comes */
  gboolean xml_daticert;    /* m->xml came from a part named daticert.xml */
} Walk;

/* ---- gconv modules kept loaded -----------------------------------------
 * glibc unloads a charset's gconv module when the last converter from it
 * closes, and GMime and g_convert() open and close a converter for each
 * text. So every message in, say, ISO-8859-2 would dlopen() the module
 * again and munmap() it afterwards, and each munmap flushes the TLB of
 * every core: a fifth of the run time on an mbox of mixed bounces. One
 * converter per charset seen, held for the life of the process, keeps its
 * module loaded. At most MAX_PINNED charsets; a name iconv does not know is
 * remembered too, so that it is tried once. */

#define MAX_PINNED 64

static void
charset_pin (const char *charset)
{
  static GMutex lock;
  static GHashTable *seen;        /* lower-case name -> converter, or NULL */
  const char *name;
  char *key;

  if (!charset || !*charset)
    return;
  name = g_mime_charset_iconv_name (charset);
  if (!name || g_ascii_strcasecmp (name, "utf-8") == 0 || g_ascii_strcasecmp (name, "us-ascii") == 0)
    return;
  key = g_ascii_strdown (name, -1);
  g_mutex_lock (&lock);
  if (!seen)
    seen = g_hash_table_new (g_str_hash, g_str_equal);     /* never freed */
  if (g_hash_table_size (seen) < MAX_PINNED && !g_hash_table_contains (seen, key)) {
    GIConv cd = g_iconv_open ("UTF-8", name);
    g_hash_table_insert (seen, key, cd == (GIConv) -1 ? NULL : cd);
    key = NULL;
  }
  g_mutex_unlock (&lock);
  g_free (key);
}

/* The header block split_head() took out, kept on the part GMime made. */
typedef struct {
  char *text;
  gsize len;
  guint n_fields;
} HeadText;

static void
head_text_free (gpointer data)
{
  HeadText *ht = data;

  g_free (ht->text);
  g_free (ht);
}

static G_DEFINE_QUARK (bc-head, head)

/* name_bits - the two bits (of 128) that header field name @name (@len
 * bytes) sets in a BcMimeMemo's names[]: made of its length and its first,
 * middle and last bytes, ASCII case ignored, as GMime ignores it when it
 * looks a name up */
static inline void
name_bits (const char *name, gsize len, guint *a, guint *b)
{
  guint32 k = (guint32) len;

  if (len)
    k ^= (guint32) _bc_ascii_lower ((guchar) name[0]) << 8 ^
         (guint32) _bc_ascii_lower ((guchar) name[len / 2]) << 16 ^
         (guint32) _bc_ascii_lower ((guchar) name[len - 1]) << 24;
  k *= 0x9e3779b1u;
  *a = k >> 25;
  *b = (k >> 18) & 127;
}

/* pin_raw - charset_pin() the charset of each RFC 2047 encoded word (the
 * first eight) in raw header value @v */
static void
pin_raw (const char *v)
{
  const char *e = v ? strstr (v, "=?") : NULL;

  for (guint k = 0; e && k < 8; k++, e = strstr (e + 2, "=?")) {
    gsize len = strcspn (e + 2, "?* \t\r\n");
    if (len > 0 && len < 40 && e[2 + len] != '\0') {
      char cs[40];
      memcpy (cs, e + 2, len);
      cs[len] = '\0';
      charset_pin (cs);
    }
  }
}

/* pin_header_charsets - pin_raw() the first 64 header fields of @obj
 * (GMime decodes them while it parses, so this serves the messages after
 * this one) */
static void
pin_header_charsets (GMimeObject *obj)
{
  GMimeHeaderList *hl = g_mime_object_get_header_list (obj);
  int n = MIN (hl ? g_mime_header_list_get_count (hl) : 0, 64);

  for (int i = 0; i < n; i++)
    pin_raw (g_mime_header_get_raw_value (g_mime_header_list_get_header_at (hl, i)));
}

/* pin_fields - pin_raw() the first 64 fields of @m, and set the memo's
 * name_bits() of every field name (all bits when there are more than 64
 * fields) */
static void
pin_fields (BcMime *m)
{
  guint64 *names = m->memo->names;
  guint n = MIN (m->n_fields, 64);

  names[0] = names[1] = m->n_fields > 64 ? G_MAXUINT64 : 0;
  for (guint i = 0; i < n; i++) {
    const BcField *f = &m->fields[i];
    if (m->n_fields <= 64 && f->name) {
      guint a, b;
      name_bits (f->name, strlen (f->name), &a, &b);
      names[a >> 6] |= G_GUINT64_CONSTANT (1) << (a & 63);
      names[b >> 6] |= G_GUINT64_CONSTANT (1) << (b & 63);
    }
    pin_raw (f->raw);
  }
}

GMimeParserOptions *
_bc_parser_options (void)
{
  static GMimeParserOptions *opts;
  static gsize once;

  if (g_once_init_enter (&once)) {
    static const char *fallback[] = { "utf-8", "iso-2022-jp", "shift_jis", "euc-jp",
                                      "gb18030", "koi8-r", "windows-1252", NULL };
    opts = g_mime_parser_options_new ();
    g_mime_parser_options_set_fallback_charsets (opts, fallback);
    /* every 8-bit header or text is tried in these */
    for (guint i = 0; fallback[i]; i++)
      charset_pin (fallback[i]);
    g_mime_parser_options_set_address_compliance_mode (opts, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_parameter_compliance_mode (opts, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_rfc2047_compliance_mode (opts, GMIME_RFC_COMPLIANCE_LOOSE);
    g_once_init_leave (&once, 1);
  }
  return opts;
}

/* normalize_eol - CRLF and lone CR in the @len bytes at @s become LF, in
 * place; returns the new length. The bytes between two CRs move as one
 * run (memchr(), memmove()), not a byte at a time: a CRLF message is
 * a line at a time. */
static gsize
normalize_eol (char *s, gsize len)
{
  char *r, *w, *end;

  r = memchr (s, '\r', len);
  if (!r)
    return len;
  w = r;
  end = s + len;
  while (r < end) {
    /* here *r is a CR */
    const char *cr;
    gsize n;
    *w++ = '\n';
    r++;
    if (r < end && *r == '\n')
      r++;
    cr = memchr (r, '\r', end - r);
    n = (cr ? cr : end) - r;
    memmove (w, r, n);
    w += n;
    r += n;
  }
  return w - s;
}

/* _bc_text_normalize_eol - CRLF and lone CR become LF, in place. */
void
_bc_text_normalize_eol (GString *s)
{
  gsize n = normalize_eol (s->str, s->len);

  if (n != s->len)
    g_string_truncate (s, n);
}

/* seven_bit_prefix - how many bytes from the start are surely below 0x80:
 * the high bits of 32 bytes a step (four words ORed), then 8, then one;
 * @len when none is 0x80 or above, else at most the offset of the first
 * that is (the start of the block holding it). */
static inline gsize
seven_bit_prefix (const char *data, gsize len)
{
  const guint64 highs = G_GUINT64_CONSTANT (0x8080808080808080);
  gsize i = 0;

  for (; i + 32 <= len; i += 32) {
    guint64 v[4];
    memcpy (v, data + i, 32);
    if ((v[0] | v[1] | v[2] | v[3]) & highs)
      return i;
  }
  for (; i + 8 <= len; i += 8) {
    guint64 v;
    memcpy (&v, data + i, 8);
    if (v & highs)
      return i;
  }
  for (; i < len; i++)
    if ((guchar) data[i] >= 0x80)
      return i;
  return len;
}

/* seven_bit - no byte >= 0x80 */
static inline gboolean
seven_bit (const char *data, gsize len)
{
  return seven_bit_prefix (data, len) == len;
}

/* _bc_utf8_validate - g_utf8_validate (@data, @len, NULL): no NUL, and
 * each run of 8-bit bytes valid UTF-8 (a sequence holds no 7-bit byte, so
 * the runs are what the text's sequences make up), the 7-bit text between
 * the runs passed over eight bytes a step */
gboolean
_bc_utf8_validate (const char *data, gsize len)
{
  const guint64 highs = G_GUINT64_CONSTANT (0x8080808080808080);
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  gsize i = 0;

  while (i < len) {
    gsize j;
    /* 7-bit bytes, none of them NUL */
    for (; i + 8 <= len; i += 8) {
      guint64 v;
      memcpy (&v, data + i, 8);
      if ((v & highs) || ((v - ones) & ~v & highs))
        break;
    }
    for (; i < len && (guchar) data[i] < 0x80; i++)
      if (!data[i])
        return FALSE;
    /* the run of 8-bit bytes from here */
    for (j = i; j < len && (guchar) data[j] >= 0x80; j++)
      ;
    if (j > i && !g_utf8_validate (data + i, j - i, NULL))
      return FALSE;
    i = j;
  }
  return TRUE;
}

/* utf8_valid - g_utf8_validate (@data, @len, NULL), the 7-bit start that
 * seven_bit_prefix() found (@ascii bytes) not read again when it holds no
 * NUL (which g_utf8_validate() refuses; every other 7-bit byte is valid
 * UTF-8 and ends no sequence early) */
static gboolean
utf8_valid (const char *data, gsize len, gsize ascii)
{
  if (ascii && memchr (data, 0, ascii))
    ascii = 0;
  return _bc_utf8_validate (data + ascii, len - ascii);
}

/* is_ascii - no byte >= 0x80 and no ESC (memchr(), which glibc does many
 * bytes a step) */
static gboolean
is_ascii (const char *data, gsize len)
{
  return seven_bit (data, len) && !memchr (data, 0x1b, len);
}

/* fold_ascii_copy - @n bytes of @src to @dst with A-Z made a-z, every
 * other byte unchanged; eight bytes a step (a byte is upper case when it
 * is below 0x80 and adding 0x3f carries into bit 7 while adding 0x25 does
 * not). */
static void
fold_ascii_copy (char *dst, const char *src, gsize n)
{
  const guint64 highs = G_GUINT64_CONSTANT (0x8080808080808080);
  gsize i = 0;

  for (; i + 8 <= n; i += 8) {
    guint64 v, low7, upper;
    memcpy (&v, src + i, 8);
    low7 = v & ~highs;
    upper = ((low7 + G_GUINT64_CONSTANT (0x3f3f3f3f3f3f3f3f)) ^
             (low7 + G_GUINT64_CONSTANT (0x2525252525252525))) & ~v & highs;
    v |= upper >> 2;
    memcpy (dst + i, &v, 8);
  }
  for (; i < n; i++) {
    guchar c = (guchar) src[i];
    dst[i] = (char) _bc_ascii_lower (c);
  }
}

/* is_iso2022 - 7-bit text with ISO-2022-JP escapes (ESC $ B, ESC $ @,
 * ESC ( J, and ESC ( I for half-width katakana). */
static gboolean
is_iso2022 (const char *data, gsize len)
{
  gboolean esc = FALSE;

  for (gsize i = 0; i < len; i++) {
    if ((guchar) data[i] >= 0x80)
      return FALSE;
    if (data[i] == 0x1b && i + 2 < len &&
        ((data[i + 1] == '$' && (data[i + 2] == 'B' || data[i + 2] == '@')) ||
         (data[i + 1] == '(' && (data[i + 2] == 'J' || data[i + 2] == 'I'))))
      esc = TRUE;
  }
  return esc;
}

/* looks_latin - undeclared 8-bit text that reads as a single-byte Latin
 * charset: the 8-bit bytes stand inside mostly-ASCII words ("Empf\xe4nger",
 * "d\xe9livr\xe9"), where CJK text has words made mostly of 8-bit bytes.
 * Without this, Shift_JIS (tried first) takes "\xe4n" for a kanji. */
static gboolean
looks_latin (const char *data, gsize len)
{
  gsize high = 0, alpha = 0, i = 0;

  while (i < len) {
    gsize h = 0, a = 0, j = i;
    while (j < len && !g_ascii_isspace (data[j])) {
      if ((guchar) data[j] >= 0x80)
        h++;
      else if (g_ascii_isalpha (data[j]))
        a++;
      j++;
    }
    if (h) {
      high += h;
      alpha += a;
    }
    i = j + 1;
  }
  return high > 0 && high < alpha;
}

static gboolean koi8u_letters (const char *data, gsize len);

/* cyrillic_counts - of the 8-bit bytes of @data (*@high), how many are
 * Cyrillic letters in KOI8 or windows-1251 (*@letters: 0xC0-0xFF, and the
 * Ukrainian and Belarusian letters next to one), and how many of those lie
 * in 0xC0-0xDF (*@low_half), where KOI8 puts lower case and windows-1251
 * upper case. */
static void
cyrillic_counts (const char *data, gsize len, gsize *high, gsize *letters, gsize *low_half)
{
  *high = *letters = *low_half = 0;
  for (gsize i = 0; i < len; i++) {
    guchar c = data[i];
    if (c < 0x80)
      continue;
    (*high)++;
    /* Ukrainian and Belarusian letters (і ї є ґ ў) lie below 0xC0 in both
     * charsets: inside a word of Cyrillic letters they count as letters */
    if (c < 0xc0 && strchr ("\xa1\xa2\xa4\xa5\xa6\xa7\xaa\xad\xaf\xb2\xb3\xb4\xb6\xb7\xba\xbd\xbf", c) &&
        ((i > 0 && (guchar) data[i - 1] >= 0xc0) || (i + 1 < len && (guchar) data[i + 1] >= 0xc0))) {
      (*letters)++;
      continue;
    }
    if (c >= 0xc0) {
      (*letters)++;
      if (c < 0xe0)
        (*low_half)++;
    }
  }
}

/* looks_cyrillic - undeclared 8-bit text that reads as KOI8-R or
 * windows-1251: nearly all 8-bit bytes are letters 0xC0-0xFF, where the CJK
 * double-byte charsets put many bytes in 0x80-0xBF. Russian text is mostly
 * lower case, which KOI8-R puts in 0xC0-0xDF and windows-1251 in
 * 0xE0-0xFF; KOI8 text with Ukrainian letters is KOI8-U. Returns the
 * charset name or NULL. */
static const char *
looks_cyrillic (const char *data, gsize len)
{
  gsize high, letters, low_half;

  cyrillic_counts (data, len, &high, &letters, &low_half);
  if (high < 4 || letters * 20 < high * 19)
    return NULL;
  if (low_half * 2 <= letters)
    return "WINDOWS-1251";
  return koi8u_letters (data, len) ? "KOI8-U" : "KOI8-R";
}

/* frequent_letters - how many bytes of @data are, read in windows-1251
 * (@koi8 FALSE) or KOI8 (@koi8 TRUE), one of the ten commonest Russian and
 * Ukrainian letters (о е а и н т с р в л) in either case. In the right
 * reading they are more than half the letters; in the wrong one a fifth
 * to a half fewer, whatever the case of the text. */
static gsize
frequent_letters (const char *data, gsize len, gboolean koi8)
{
  static const char cp1251_set[] = "\xe0\xe2\xe5\xe8\xeb\xed\xee\xf0\xf1\xf2"
                                   "\xc0\xc2\xc5\xc8\xcb\xcd\xce\xd0\xd1\xd2";
  static const char koi8_set[] = "\xc1\xd7\xc5\xc9\xcc\xce\xcf\xd2\xd3\xd4"
                                 "\xe1\xf7\xe5\xe9\xec\xee\xef\xf2\xf3\xf4";
  const char *set = koi8 ? koi8_set : cp1251_set;
  gsize n = 0;

  for (gsize i = 0; i < len; i++)
    if ((guchar) data[i] >= 0xc0 && memchr (set, data[i], sizeof cp1251_set - 1))
      n++;
  return n;
}

/* cyrillic_mislabel - text labelled windows-1251 that is KOI8, or labelled
 * KOI8 that is windows-1251 (Russian and Ukrainian servers and web mailers
 * that write one and declare their default; both decode any byte, so the
 * label alone never fails). In the wrong charset nearly every letter comes
 * out a capital ("уППВЭЕОЙЕ ОЕ НПЦЕФ") and the common letters turn rarer
 * (by at least a sixth: 1.2 times as many in the other reading).
 * Both must say so, over at least 16 letters, to override the label: a
 * notice in capitals ("ПОСТОЯННЫЕ ОШИБКИ") fails the case test only, and
 * keeps its label. Returns the charset to read @data in, or NULL to keep
 * @iconv_name. */
static const char *
cyrillic_mislabel (const char *data, gsize len, const char *iconv_name)
{
  gboolean koi8 = g_ascii_strncasecmp (iconv_name, "koi8", 4) == 0;
  gboolean cp1251 = g_ascii_strcasecmp (iconv_name, "windows-1251") == 0 ||
                    g_ascii_strcasecmp (iconv_name, "cp1251") == 0;
  gsize high, letters, low_half, as_label, as_other;

  if (!koi8 && !cp1251)
    return NULL;
  cyrillic_counts (data, len, &high, &letters, &low_half);
  if (letters < 16 || letters * 20 < high * 19)
    return NULL;
  as_label = frequent_letters (data, len, koi8);
  as_other = frequent_letters (data, len, !koi8);
  if (as_other * 5 < as_label * 6)
    return NULL;
  if (cp1251 && low_half * 4 >= letters * 3)
    return koi8u_letters (data, len) ? "KOI8-U" : "KOI8-R";
  if (koi8 && low_half * 4 <= letters)
    return "WINDOWS-1251";
  return NULL;
}

/* superset_of - the charset that Windows and most CJK mail software really
 * write under a declared CJK or Cyrillic name: Shift_JIS text carries NEC
 * and IBM characters (①, ㈱) that only CP932 has, "gb2312" text carries GBK
 * characters, "euc-kr" text the extra syllables of CP949 (UHC), "big5"
 * text the CP950 additions.
 * NULL when @iconv_name has no wider relative. Tried only after the
 * declared charset failed, so a text it decodes keeps its reading. */
static const char *
superset_of (const char *iconv_name)
{
  static const struct { const char *name; const char *wider; } map[] = {
    { "shift_jis", "CP932" }, { "shift-jis", "CP932" }, { "sjis", "CP932" },
    { "x-sjis", "CP932" }, { "ms_kanji", "CP932" }, { "csshiftjis", "CP932" },
    { "euc-jp", "EUC-JP-MS" }, { "eucjp", "EUC-JP-MS" }, { "x-euc-jp", "EUC-JP-MS" },
    { "gb2312", "GB18030" }, { "gbk", "GB18030" }, { "euc-cn", "GB18030" },
    { "x-gbk", "GB18030" }, { "cp936", "GB18030" }, { "csgb2312", "GB18030" },
    { "euc-kr", "CP949" }, { "euckr", "CP949" }, { "ks_c_5601-1987", "CP949" },
    { "ksc5601", "CP949" }, { "ks_c_5601", "CP949" },
    { "big5", "CP950" }, { "big-5", "CP950" }, { "x-big5", "CP950" }, { "cn-big5", "CP950" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_ascii_strcasecmp (iconv_name, map[i].name) == 0)
      return map[i].wider;
  return NULL;
}

/* koi8u_letters - KOI8-R text that holds Ukrainian letters: KOI8-U puts
 * і ї є ґ (and their capitals) where KOI8-R has box-drawing characters, and
 * mailers label KOI8-U text "koi8-r". A byte of those eight next to a
 * Cyrillic letter (0xC0 and up) is a letter, never a box line. */
static gboolean
koi8u_letters (const char *data, gsize len)
{
  for (gsize i = 0; i < len; i++) {
    guchar c = data[i];
    if ((c == 0xa4 || c == 0xa6 || c == 0xa7 || c == 0xad || c == 0xb4 || c == 0xb6 ||
         c == 0xb7 || c == 0xbd) &&
        ((i > 0 && (guchar) data[i - 1] >= 0xc0) || (i + 1 < len && (guchar) data[i + 1] >= 0xc0)))
      return TRUE;
  }
  return FALSE;
}

/* convert_all - @data in @charset to UTF-8, or NULL unless every byte
 * converted */
static char *
convert_all (const char *data, gsize len, const char *charset)
{
  gsize r = 0, w = 0;
  char *out;

  charset_pin (charset);
  out = g_convert (data, len, "UTF-8", charset, &r, &w, NULL);
  if (out && r == len)
    return out;
  g_free (out);
  return NULL;
}

/* script_share - of the non-ASCII characters of UTF-8 @s, how many (in
 * percent) are kana (@what 'j'), Hangul syllables ('k') or CJK ideographs
 * and CJK punctuation ('c'); *@n receives the count of non-ASCII ones. */
static guint
script_share (const char *s, char what, gsize *n)
{
  gsize all = 0, hit = 0;

  for (const char *p = s; *p; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    if (c < 0x80)
      continue;
    all++;
    if (what == 'j' ? (c >= 0x3040 && c <= 0x30ff)
        : what == 'k' ? (c >= 0xac00 && c <= 0xd7a3)
        : ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xffef)))
      hit++;
  }
  *n = all;
  return all ? (guint) (hit * 100 / all) : 0;
}

/* looks_cjk - undeclared 8-bit text in a CJK double-byte charset, decoded
 * by the charset whose reading looks like the language: Japanese text is
 * full of kana (CP932, then EUC-JP), Korean text nearly all Hangul
 * syllables (CP949), and Big5 alone puts trail bytes 0x40-0x7E after lead
 * bytes of 0xA1 and up without ever using the leads 0x81-0xA0 that
 * Shift_JIS and GBK need. NULL when none fits (the GMime fallbacks decide);
 * otherwise newly allocated UTF-8. */
static char *
looks_cjk (const char *data, gsize len)
{
  gsize n, low_trail = 0, low_lead = 0;
  char *out;

  if ((out = convert_all (data, len, "CP932"))) {
    if (script_share (out, 'j', &n) >= 10 && n >= 4)
      return out;
    g_free (out);
  }
  if ((out = convert_all (data, len, "EUC-JP"))) {
    if (script_share (out, 'j', &n) >= 10 && n >= 4)
      return out;
    g_free (out);
  }
  if ((out = convert_all (data, len, "CP949"))) {
    if (script_share (out, 'k', &n) >= 85 && n >= 4)
      return out;
    g_free (out);
  }
  for (gsize i = 0; i + 1 < len; i++) {
    guchar c = data[i], d = data[i + 1];
    if (c < 0x80)
      continue;
    if (c <= 0xa0)
      low_lead++;
    else if (d >= 0x40 && d <= 0x7e)
      low_trail++;
    i++;                          /* the pair's trail byte */
  }
  if (low_trail && !low_lead && (out = convert_all (data, len, "CP950"))) {
    if (script_share (out, 'c', &n) >= 85)
      return out;
    g_free (out);
  }
  return NULL;
}

/* fold_halfwidth_kana - @s (UTF-8, taken) with half-width katakana
 * (U+FF61-U+FF9F, which Japanese carriers and Shift_JIS mailers write:
 * "ﾒｰﾙﾎﾞｯｸｽ") made the full-width kana every rule is written in, by NFKC.
 * Text without them is returned as it is, untouched. */
static char *
fold_halfwidth_kana (char *s)
{
  gboolean any = FALSE;
  char *n;

  /* strchr() is the fast way over the (mostly ASCII) text */
  for (const char *c = strchr (s, '\xef'); c && !any; c = strchr (c + 1, '\xef')) {
    const guchar *p = (const guchar *) c;
    any = (p[1] == 0xbd && p[2] >= 0xa1 && p[2] <= 0xbf) ||
          (p[1] == 0xbe && p[2] >= 0x80 && p[2] <= 0x9f);
  }
  if (!any || !(n = g_utf8_normalize (s, -1, G_NORMALIZE_NFKC)))
    return s;
  g_free (s);
  return n;
}

static char *text_decode (const char *data, gsize len, const char *charset);

/* _bc_text_decode - bytes in @charset (or an unknown one) to valid UTF-8.
 * Never fails: undecodable bytes become U+FFFD. */
char *
_bc_text_decode (const char *data, gsize len, const char *charset)
{
  char *out = text_decode (data, len, charset);
  return out ? fold_halfwidth_kana (out) : NULL;
}

static char *
text_decode (const char *data, gsize len, const char *charset)
{
  char *out = NULL;
  const char *cyr = NULL;
  /* the 7-bit start, found once: text with any 8-bit byte is no
   * ISO-2022-JP (is_iso2022() says no at the first; asked once), and its
   * start is not validated as UTF-8 again (utf8_valid()) */
  gsize ascii = seven_bit_prefix (data, len);
  gboolean high = ascii < len;
  gint valid = -1;                /* utf8_valid(), once asked */
  gboolean iso2022;

  if (!high && !memchr (data, 0x1b, len))
    return g_strndup (data, len);
  iso2022 = !high && is_iso2022 (data, len);
  /* 7-bit text with ISO-2022-JP escapes under another label ("euc-jp",
   * "shift_jis", "utf-8": every ASCII-compatible charset "decodes" it
   * and keeps the escapes) is ISO-2022-JP: the ISO-2022-JP block below
   * reads it. A label of the ISO-2022 family is tried as it stands. */
  if (charset && *charset && iso2022 &&
      g_ascii_strncasecmp (g_mime_charset_iconv_name (charset), "iso-2022", 8) != 0)
    charset = NULL;
  if (charset && *charset && g_ascii_strcasecmp (charset, "us-ascii") != 0) {
    const char *name = g_mime_charset_iconv_name (charset);
    if (g_ascii_strcasecmp (name, "utf-8") == 0 || g_ascii_strcasecmp (name, "utf8") == 0) {
      if ((valid = utf8_valid (data, len, ascii)))
        return g_strndup (data, len);
    } else {
      const char *wider;
      /* glibc's ISO-2022-JP passes ESC ( I (half-width katakana) through
       * as text instead of failing: such text goes to ISO-2022-JP-3 */
      if (g_ascii_strcasecmp (name, "iso-2022-jp") == 0 && _bc_memmem (data, len, "\x1b(I", 3) &&
          (out = convert_all (data, len, "ISO-2022-JP-3")))
        return out;
      if ((cyr = cyrillic_mislabel (data, len, name)) && (out = convert_all (data, len, cyr)))
        return out;
      cyr = NULL;
      if (g_ascii_strcasecmp (name, "koi8-r") == 0 && koi8u_letters (data, len) &&
          (out = convert_all (data, len, "KOI8-U")))
        return out;
      /* a Latin-1 label "decodes" any bytes; on text whose 8-bit bytes
       * make whole words (no Latin text does) and read as Japanese, Korean,
       * Big5 or, nearly all ideographs, GBK (a mailer's default label over
       * a CJK server's reply), the CJK reading is the text */
      if ((g_ascii_strcasecmp (name, "iso-8859-1") == 0 || g_ascii_strcasecmp (name, "windows-1252") == 0 ||
           g_ascii_strcasecmp (name, "cp1252") == 0) && !looks_latin (data, len)) {
        gsize n;
        if ((out = looks_cjk (data, len)))
          return out;
        if ((out = convert_all (data, len, "GB18030"))) {
          if (script_share (out, 'c', &n) >= 85 && n >= 4)
            return out;
          g_clear_pointer (&out, g_free);
        }
      }
      if ((out = convert_all (data, len, name)))
        return out;
      if ((wider = superset_of (name)) && (out = convert_all (data, len, wider)))
        return out;
    }
  }
  if (iso2022) {
    /* 7-bit ISO-2022-JP, often undeclared or labelled us-ascii */
    gsize r = 0, w = 0;
    if (_bc_memmem (data, len, "\x1b(I", 3) && (out = convert_all (data, len, "ISO-2022-JP-3")))
      return out;
    out = g_convert (data, len, "UTF-8", "ISO-2022-JP", &r, &w, NULL);
    if (out && r == len)
      return out;
    g_clear_pointer (&out, g_free);
  }
  if (valid < 0 ? utf8_valid (data, len, ascii) : valid)
    return g_strndup (data, len);
  if (looks_latin (data, len) || (cyr = looks_cyrillic (data, len))) {
    gsize r = 0, w = 0;
    charset_pin (cyr ? cyr : "WINDOWS-1252");
    out = g_convert (data, len, "UTF-8", cyr ? cyr : "WINDOWS-1252", &r, &w, NULL);
    if (out && r == len)
      return out;
    g_clear_pointer (&out, g_free);
  }
  if ((out = looks_cjk (data, len)))
    return out;
  out = g_mime_utils_decode_8bit (_bc_parser_options (), data, len);
  if (out && !g_utf8_validate (out, -1, NULL)) {
    char *v = g_utf8_make_valid (out, -1);
    g_free (out);
    out = v;
  }
  return out ? out : g_utf8_make_valid (data, len);
}

static inline int
hex_value (guchar c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* _bc_qp_decode_step - g_mime_encoding_quoted_decode_step() (the same
 * output, the same @state and @save carried from chunk to chunk, so that
 * GMime's flush ends it), with the text between two '=' found by memchr()
 * and copied whole instead of a byte at a time: "=XX" (hex digits, either
 * case) is the byte, "=" before LF or CR LF a soft line break, any other
 * "=" and the two bytes after it stay as they are. @out needs room for
 * @inlen + 2 bytes. */
gsize
_bc_qp_decode_step (const guchar *in, gsize inlen, guchar *out, int *state, guint32 *save)
{
  const guchar *p = in, *end = in + inlen;
  guchar *o = out;
  int st = *state;
  guint32 saved = *save;

  while (p < end) {
    if (st == 0) {
      const guchar *eq = memchr (p, '=', end - p);
      gsize n = (eq ? eq : end) - p;
      memcpy (o, p, n);
      o += n;
      p += n;
      if (eq) {
        p++;
        st = 1;
      }
    } else if (st == 1) {
      guchar c = *p++;
      if (c == '\n') {
        st = 0;
      } else {
        saved = c;
        st = 2;
      }
    } else {
      guchar c = *p++;
      int hi = hex_value ((guchar) saved), lo = hex_value (c);
      if (hi >= 0 && lo >= 0) {
        *o++ = (guchar) (hi << 4 | lo);
      } else if (!(saved == '\r' && c == '\n')) {
        *o++ = '=';
        *o++ = (guchar) saved;
        *o++ = c;
      }
      st = 0;
    }
  }
  *state = st;
  *save = saved;
  return o - out;
}

/* part_bytes - the decoded (transfer-encoding) content of a leaf part, capped. */
static GByteArray *
part_bytes (GMimePart *part, gsize cap)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  GMimeStream *mem;
  GByteArray *ba;

  if (!content)
    return NULL;
  {
    /* no transfer encoding to undo (GMime filters only base64,
     * quoted-printable and uuencode): read the bytes straight from the
     * content stream, at most @cap of them, instead of through a filter
     * stream into a memory stream (two GObjects a part) */
    GMimeContentEncoding enc = g_mime_data_wrapper_get_encoding (content);
    GMimeStream *src = g_mime_data_wrapper_get_stream (content);
    if (src && (enc == GMIME_CONTENT_ENCODING_DEFAULT || enc == GMIME_CONTENT_ENCODING_7BIT ||
                enc == GMIME_CONTENT_ENCODING_8BIT || enc == GMIME_CONTENT_ENCODING_BINARY) &&
        g_mime_stream_reset (src) == 0) {
      gint64 slen = g_mime_stream_length (src);
      gsize have = 0;
      /* one byte more than the length, so that the read that finds the
       * end needs no room of its own */
      ba = g_byte_array_new ();
      g_byte_array_set_size (ba, (guint) (slen >= 0 ? MIN ((guint64) slen + 1, (guint64) cap)
                                                    : MIN (cap, 4096)));
      for (;;) {
        gssize got;
        if (have == ba->len) {
          if (have >= cap)
            break;
          g_byte_array_set_size (ba, (guint) MIN (cap, MAX ((gsize) ba->len * 2, 4096)));
        }
        got = g_mime_stream_read (src, (char *) ba->data + have, ba->len - have);
        if (got <= 0)
          break;
        have += (gsize) got;
        /* all the stream said it holds: the next read would find the
         * end (GMime's memory streams, which the parser makes, give
         * exactly their length), so it is not made */
        if (slen >= 0 && have == (guint64) slen)
          break;
      }
      g_byte_array_set_size (ba, (guint) have);
      g_mime_stream_reset (src);
      return ba;
    }
    /* base64 and quoted-printable: decoded here, a chunk at a time, by
     * the decoder GMime's basic filter runs (the same steps, then its
     * flush), without a filter and two streams; the first @cap bytes are
     * all that is kept, so the reading stops there */
    if (src && (enc == GMIME_CONTENT_ENCODING_BASE64 || enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE) &&
        g_mime_stream_reset (src) == 0) {
      GMimeEncoding state;
      char in[4096];
      gsize have = 0;

      g_mime_encoding_init_decode (&state, enc);
      ba = g_byte_array_new ();
      while (have < cap) {
        gssize got = g_mime_stream_read (src, in, sizeof in);
        if (got <= 0)
          break;
        g_byte_array_set_size (ba, (guint) (have + g_mime_encoding_outlen (&state, (gsize) got)));
        if (enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE)
          have += _bc_qp_decode_step ((const guchar *) in, (gsize) got, ba->data + have,
                                      &state.state, &state.save);
        else
          have += g_mime_encoding_step (&state, in, (gsize) got, (char *) ba->data + have);
      }
      if (have < cap) {
        g_byte_array_set_size (ba, (guint) (have + g_mime_encoding_outlen (&state, 0)));
        have += g_mime_encoding_flush (&state, "", 0, (char *) ba->data + have);
      }
      g_byte_array_set_size (ba, (guint) MIN (have, cap));
      g_mime_stream_reset (src);
      return ba;
    }
  }
  ba = g_byte_array_new ();
  mem = g_mime_stream_mem_new_with_byte_array (ba);
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (mem), FALSE);
  g_mime_data_wrapper_write_to_stream (content, mem);
  g_object_unref (mem);
  if (ba->len > cap)
    g_byte_array_set_size (ba, cap);
  return ba;
}

/* part_text_cap_whole - the text of @part, at most @cap bytes of it (the rest
 * cut off, with a warning). When @whole, a part longer than @cap is not
 * read at all: NULL, and no warning. */
static char *
part_text_cap_whole (BcMime *m, GMimePart *part, gsize cap, gboolean whole)
{
  GMimeContentType *ct = g_mime_object_get_content_type (GMIME_OBJECT (part));
  const char *charset = g_mime_content_type_get_parameter (ct, "charset");
  GByteArray *ba = part_bytes (part, cap + 1);
  char *text;

  if (!ba)
    return whole ? NULL : g_strdup ("");
  if (ba->len > cap) {
    if (whole) {
      g_byte_array_unref (ba);
      return NULL;
    }
    g_byte_array_set_size (ba, cap);
    m->truncated = TRUE;
    g_ptr_array_add (m->warnings, g_strdup ("part text truncated"));
  }
  /* a NUL would end the text early for every later stage (UTF-16 and
   * UCS text has them by design and is converted first) */
  if (!charset || !(_bc_strcasestr (charset, "16") || _bc_strcasestr (charset, "32") ||
                    _bc_strcasestr (charset, "ucs"))) {
    guint8 *z = ba->len ? memchr (ba->data, 0, ba->len) : NULL;
    for (; z; z = memchr (z, 0, ba->data + ba->len - z))
      *z = ' ';
    /* 7-bit text without ESC (and now without NUL) is what
     * _bc_text_decode() would give back, copied: the bytes are taken as
     * they are, NUL-ended, without the copy */
    if (is_ascii ((const char *) ba->data, ba->len)) {
      gsize n = ba->len;
      g_byte_array_append (ba, (const guint8 *) "", 1);
      text = (char *) g_byte_array_free (ba, FALSE);
      text[normalize_eol (text, n)] = '\0';
      return text;
    }
  }
  text = _bc_text_decode ((const char *) ba->data, ba->len, charset);
  g_byte_array_unref (ba);
  if (!text)                          /* no bytes at all */
    return g_strdup ("");
  /* the text up to its first NUL, line ends made LF, in place */
  text[normalize_eol (text, strlen (text))] = '\0';
  return text;
}

/* decoded_fits - is the decoded content of @part surely no longer than
 * @cap bytes, so that reading it (part_text_cap_whole()) could not cut it
 * off? Known without decoding for the transfer encodings part_bytes()
 * reads itself: none of them makes more bytes than it reads (base64 and
 * quoted-printable make fewer), so the encoded length bounds the decoded
 * one. FALSE when unsure. */
static gboolean
decoded_fits (GMimePart *part, gsize cap)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  GMimeContentEncoding enc;
  GMimeStream *src;
  gint64 len;

  if (!content)
    return TRUE;
  enc = g_mime_data_wrapper_get_encoding (content);
  if (enc != GMIME_CONTENT_ENCODING_DEFAULT && enc != GMIME_CONTENT_ENCODING_7BIT &&
      enc != GMIME_CONTENT_ENCODING_8BIT && enc != GMIME_CONTENT_ENCODING_BINARY &&
      enc != GMIME_CONTENT_ENCODING_BASE64 && enc != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE)
    return FALSE;
  if (!(src = g_mime_data_wrapper_get_stream (content)))
    return FALSE;
  len = g_mime_stream_length (src);
  return len >= 0 && (guint64) len <= cap;
}

static char *
part_text_cap (BcMime *m, GMimePart *part, gsize cap)
{
  return part_text_cap_whole (m, part, cap, FALSE);
}

static char *
part_text (BcMime *m, GMimePart *part)
{
  return part_text_cap (m, part, m->limits->max_text);
}

#define MAX_ORIG_HEADERS (64 * 1024)

/* empty_line - the first "\n\n" in the @len bytes at @p, or NULL; found
 * with memchr() from line end to line end (glibc's memmem() reads a
 * needle of two bytes a byte at a time, several times slower) */
static const guint8 *
empty_line (const guint8 *p, gsize len)
{
  const guint8 *end = p + len, *nl;

  while ((nl = memchr (p, '\n', end - p)) && nl + 1 < end) {
    if (nl[1] == '\n')
      return nl;
    p = nl + 1;
  }
  return NULL;
}

/* header_block_text - the header block of the message held by leaf @part
 * (up to its first empty line, at most MAX_ORIG_HEADERS bytes), as UTF-8
 * text. */
static char *
header_block_text (GMimePart *part)
{
  GByteArray *ba = part_bytes (part, MAX_ORIG_HEADERS);
  gsize start = 0, len;
  const guint8 *e;
  guint8 *z;
  char *text;

  if (!ba)
    return g_strdup ("");
  /* blank lines before the header block are not its end */
  while (start < ba->len && (ba->data[start] == '\n' || ba->data[start] == ' '))
    start++;
  len = ba->len - start;
  e = empty_line (ba->data + start, len);
  if (e)
    len = (gsize) (e - (ba->data + start)) + 1;
  for (z = len ? memchr (ba->data + start, 0, len) : NULL; z;
       z = memchr (z, 0, ba->data + start + len - z))
    *z = ' ';
  text = len ? _bc_text_decode ((const char *) ba->data + start, len, NULL) : NULL;
  g_byte_array_unref (ba);
  if (!text)
    return g_strdup ("");
  text[normalize_eol (text, strlen (text))] = '\0';
  return text;
}

/* html_entity - decode the entity at P ('&') into OUT, return what follows.
 * Numeric references (&#39;, &#x27;, &#252;) are decoded whole, so are the
 * markup ones and the Latin-1 letters of the Western European languages
 * that HTML generators write as names (a PHP or Java template's "&eacute;",
 * "&uuml;", "&ntilde;", "&ccedil;"): a localized notice in HTML that spells
 * its accents so reads as the same words as one that does not. Anything
 * else is copied as it is. */
static const char *
html_entity (GString *out, const char *p)
{
  static const struct { const char *e; gunichar c; } ents[] = {
    { "lt", '<' }, { "gt", '>' }, { "amp", '&' }, { "quot", '"' }, { "apos", '\'' },
    { "nbsp", ' ' }, { "laquo", 0xab }, { "raquo", 0xbb }, { "szlig", 0xdf },
    { "Agrave", 0xc0 }, { "Aacute", 0xc1 }, { "Acirc", 0xc2 }, { "Atilde", 0xc3 },
    { "Auml", 0xc4 }, { "Aring", 0xc5 }, { "AElig", 0xc6 }, { "Ccedil", 0xc7 },
    { "Egrave", 0xc8 }, { "Eacute", 0xc9 }, { "Ecirc", 0xca }, { "Euml", 0xcb },
    { "Igrave", 0xcc }, { "Iacute", 0xcd }, { "Icirc", 0xce }, { "Iuml", 0xcf },
    { "Ntilde", 0xd1 }, { "Ograve", 0xd2 }, { "Oacute", 0xd3 }, { "Ocirc", 0xd4 },
    { "Otilde", 0xd5 }, { "Ouml", 0xd6 }, { "Oslash", 0xd8 }, { "Ugrave", 0xd9 },
    { "Uacute", 0xda }, { "Ucirc", 0xdb }, { "Uuml", 0xdc },
    { "agrave", 0xe0 }, { "aacute", 0xe1 }, { "acirc", 0xe2 }, { "atilde", 0xe3 },
    { "auml", 0xe4 }, { "aring", 0xe5 }, { "aelig", 0xe6 }, { "ccedil", 0xe7 },
    { "egrave", 0xe8 }, { "eacute", 0xe9 }, { "ecirc", 0xea }, { "euml", 0xeb },
    { "igrave", 0xec }, { "iacute", 0xed }, { "icirc", 0xee }, { "iuml", 0xef },
    { "ntilde", 0xf1 }, { "ograve", 0xf2 }, { "oacute", 0xf3 }, { "ocirc", 0xf4 },
    { "otilde", 0xf5 }, { "ouml", 0xf6 }, { "oslash", 0xf8 }, { "ugrave", 0xf9 },
    { "uacute", 0xfa }, { "ucirc", 0xfb }, { "uuml", 0xfc },
  };
  const char *q = p + 1;
  gunichar c = 0;
  gsize n = 0;

  if (*q == '#') {
    gboolean hex = q[1] == 'x' || q[1] == 'X';
    q += hex ? 2 : 1;
    while (n < 7 && (hex ? g_ascii_isxdigit (q[n]) : g_ascii_isdigit (q[n]))) {
      c = c * (hex ? 16 : 10) + (hex ? g_ascii_xdigit_value (q[n]) : g_ascii_digit_value (q[n]));
      n++;
    }
    if (n && q[n] == ';' && c && g_unichar_validate (c)) {
      if (c == 0xa0)
        c = ' ';
      g_string_append_unichar (out, c);
      return q + n + 1;
    }
  } else {
    for (guint i = 0; i < G_N_ELEMENTS (ents); i++) {
      n = strlen (ents[i].e);
      /* the markup ones (the first six) in any case, as before */
      if ((i < 6 ? g_ascii_strncasecmp (q, ents[i].e, n) : strncmp (q, ents[i].e, n)) == 0 &&
          q[n] == ';') {
        g_string_append_unichar (out, ents[i].c);
        return q + n + 1;
      }
    }
  }
  g_string_append_c (out, '&');
  return p + 1;
}

enum { TAG_OTHER, TAG_LINE, TAG_CELL };

/* tag_kind - what the tag at @p ('<') makes of the text: a line end (<br,
 * <p, </p, <div, </div, <tr, <li: each a prefix, so "<pre" and "<link"
 * are lines too), a space between cells (<td, <th, </td, </th), or
 * nothing. Decided on the byte after '<' (and '/'), not with a
 * comparison for each prefix in turn. */
static int
tag_kind (const char *p)
{
  switch (_bc_ascii_lower ((guchar) p[1])) {
  case 'b':
    return _bc_has_prefix_ci (p + 2, "r") ? TAG_LINE : TAG_OTHER;
  case 'p':
    return TAG_LINE;
  case 'd':
    return _bc_has_prefix_ci (p + 2, "iv") ? TAG_LINE : TAG_OTHER;
  case 'l':
    return _bc_has_prefix_ci (p + 2, "i") ? TAG_LINE : TAG_OTHER;
  case 't':
    switch (_bc_ascii_lower ((guchar) p[2])) {
    case 'r':
      return TAG_LINE;
    case 'd':
    case 'h':
      return TAG_CELL;
    default:
      return TAG_OTHER;
    }
  case '/':
    switch (_bc_ascii_lower ((guchar) p[2])) {
    case 'p':
      return TAG_LINE;
    case 'd':
      return _bc_has_prefix_ci (p + 3, "iv") ? TAG_LINE : TAG_OTHER;
    case 't':
      return _bc_has_prefix_ci (p + 3, "d") || _bc_has_prefix_ci (p + 3, "h") ? TAG_CELL : TAG_OTHER;
    default:
      return TAG_OTHER;
    }
  default:
    return TAG_OTHER;
  }
}

/* html_to_text - a crude HTML to text: tags dropped, block tags become line
 * breaks, table cells are parted by a space (so that "Reason:</td><td>550"
 * reads "Reason: 550"), the few entities NDRs use are decoded. */
static void
html_to_text (GString *out, const char *html)
{
  const char *p = html;

  while (*p) {
    if (*p == '<') {
      const char *q = strchr (p, '>');
      if (!q)
        break;
      switch (tag_kind (p)) {
      case TAG_LINE:
        g_string_append_c (out, '\n');
        break;
      case TAG_CELL:
        if (out->len && !g_ascii_isspace (out->str[out->len - 1]))
          g_string_append_c (out, ' ');
        break;
      default:
        break;
      }
      p = q + 1;
    } else if (*p == '&') {
      p = html_entity (out, p);
    } else if (*p == '\n') {
      g_string_append_c (out, ' ');
      p++;
    } else {
      /* a run of text up to the next tag, entity or line end, at once */
      gsize n = strcspn (p, "<&\n");
      g_string_append_len (out, p, n);
      p += n;
    }
  }
  g_string_append_c (out, '\n');
}

/* xml_part - keep the text of an application/xml part (or a text/xml one
 * named daticert.xml) as m->xml: the first one, or one named daticert.xml
 * (the certification data of an Italian PEC receipt) over one that is not.
 * A part longer than MAX_XML (or max_text) is not read. */
#define MAX_XML 65536

static void
xml_part (Walk *w, GMimePart *part)
{
  const char *name = g_mime_part_get_filename (part);
  gboolean daticert = name && g_ascii_strcasecmp (name, "daticert.xml") == 0;
  char *t;

  if (w->m->xml && (w->xml_daticert || !daticert))
    return;
  t = part_text_cap_whole (w->m, part, MIN (w->m->limits->max_text, MAX_XML), TRUE);
  if (!t)
    return;
  g_free (w->m->xml);
  w->m->xml = t;
  w->xml_daticert = daticert;
}

static const char *find_inline_dsn (const char *text, gsize len, const char **out_end);

/* attached_dsn - a report attached as a plain text file ("details.txt")
 * that holds nothing but delivery-status fields is the DSN under the wrong
 * type: read it as one. Any other text attachment is not read. */
static void
attached_dsn (BcMime *m, GMimePart *part)
{
  char *t = part_text (m, part);
  const char *p = t, *d, *dend = NULL;

  while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
    p++;
  d = find_inline_dsn (p, strlen (p), &dend);
  if (d == p)
    g_ptr_array_add (m->dsn, g_strndup (d, dend - d));
  g_free (t);
}

/* mdn_part - an MDN (RFC 8098) that says software (automatic-action)
 * deleted, denied or failed the message, as a Sieve "reject" (RFC 5429)
 * sends it from Cyrus and Dovecot: its fields join the text, where its
 * Final-Recipient names the mailbox that refused (Cyrus's text names
 * none). A read receipt ("displayed", "dispatched", "processed") stays
 * out of the text. */
static void
mdn_part (BcMime *m, GMimePart *part)
{
  static const char *const refused[] = { "deleted", "denied", "failed", NULL };
  char *t = part_text (m, part);
  const char *d = t ? _bc_strcasestr (t, "Disposition:") : NULL;
  const char *le = d ? strchr (d, '\n') : NULL;
  gboolean keep = FALSE;

  if (d && !le)
    le = d + strlen (d);
  /* sent by software: a person's client ("Not read: ...", deleted
   * unread) reports a manual action, which bounces nothing */
  {
    const char *a = d ? _bc_strcasestr (d, "automatic-action") : NULL;
    for (guint i = 0; a && a < le && !keep && refused[i]; i++) {
      const char *f = _bc_strcasestr (d, refused[i]);
      keep = f && f < le;
      /* "deleted" is also what a client's rule that deleted the message
       * unread sends automatically ("was deleted without being read"):
       * only a notice whose text speaks of a rejection is a Sieve reject */
      if (keep && i == 0)
        keep = _bc_strcasestr (m->body->str, "reject") != NULL;
    }
  }
  if (keep) {
    if (m->body->len)
      g_string_append_c (m->body, '\n');
    g_string_append (m->body, t);
  }
  g_free (t);
}

/* has_header - g_mime_object_get_header (@obj, @name) != NULL, without
 * decoding the value: a field with a raw value has a value */
static gboolean
has_header (GMimeObject *obj, const char *name)
{
  GMimeHeaderList *hl = g_mime_object_get_header_list (obj);
  GMimeHeader *h = hl ? g_mime_header_list_get_header (hl, name) : NULL;

  return h && (g_mime_header_get_raw_value (h) || g_mime_object_get_header (obj, name));
}

static void
walk (Walk *w, GMimeObject *obj, guint depth)
{
  BcMime *m = w->m;
  GMimeContentType *ct;
  const char *type, *sub;

  if (depth > m->limits->max_depth) {
    m->truncated = TRUE;
    g_ptr_array_add (m->warnings, g_strdup_printf ("MIME nesting deeper than %u", m->limits->max_depth));
    return;
  }
  if (++w->parts > m->limits->max_parts) {
    if (w->parts == m->limits->max_parts + 1) {
      m->truncated = TRUE;
      g_ptr_array_add (m->warnings, g_strdup_printf ("more than %u MIME parts", m->limits->max_parts));
    }
    return;
  }
  ct = g_mime_object_get_content_type (obj);
  type = ct ? g_mime_content_type_get_media_type (ct) : "text";
  sub = ct ? g_mime_content_type_get_media_subtype (ct) : "plain";
  if (!type) type = "text";
  if (!sub) sub = "plain";

  if (GMIME_IS_MULTIPART (obj)) {
    GMimeMultipart *mp = GMIME_MULTIPART (obj);
    int n = g_mime_multipart_get_count (mp);
    if (_bc_equal_ci (sub, "report"))
      m->is_report = TRUE;
    if (n == 0) {
      /* no boundary line was found: the whole text is the prologue */
      const char *pro = g_mime_multipart_get_prologue (mp);
      const char *epi = g_mime_multipart_get_epilogue (mp);
      for (int k = 0; k < 2; k++) {
        const char *t = k == 0 ? pro : epi;
        gsize tl = t ? MIN (strlen (t), m->limits->max_text) : 0;
        if (tl) {
          char *u = _bc_text_decode (t, tl, NULL);
          GString *gs = g_string_new (u);
          g_free (u);
          _bc_text_normalize_eol (gs);
          if (m->body->len)
            g_string_append_c (m->body, '\n');
          g_string_append_len (m->body, gs->str, gs->len);
          g_string_free (gs, TRUE);
          w->have_plain = TRUE;
        }
      }
    }
    for (int i = 0; i < n; i++)
      walk (w, g_mime_multipart_get_part (mp, i), depth + 1);
    return;
  }
  if (GMIME_IS_MESSAGE_PART (obj)) {
    GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (obj));
    m->has_attached_message = TRUE;
    if (inner)
      pin_header_charsets (GMIME_OBJECT (inner));
    if (inner && !m->orig)
      m->orig = g_object_ref (GMIME_OBJECT (inner));
    return;   /* the returned message is evidence only through its headers */
  }
  if (!GMIME_IS_PART (obj))
    return;
  if (has_header (obj, "X-Bc-Message")) {
    /* a returned message that guard.c kept from GMime: its header block
     * is read as text, the whole of it parsed only if asked for
     * (_bc_mime_orig_message()) */
    m->has_attached_message = TRUE;
    if (!m->orig && !m->orig_part) {
      m->orig_part = g_object_ref (obj);
      g_free (m->orig_text);
      m->orig_text = header_block_text (GMIME_PART (obj));
    }
    return;
  }
  if (_bc_equal_ci (type, "message") || _bc_equal_ci (type, "text")) {
    if (_bc_equal_ci (sub, "delivery-status") || _bc_equal_ci (sub, "global-delivery-status")) {
      /* a DSN holds one block per recipient: room for max_recipients of
       * them, whatever the cap on free text */
      gsize cap = MAX (m->limits->max_text, (gsize) m->limits->max_recipients * 512);
      g_ptr_array_add (m->dsn, part_text_cap (m, GMIME_PART (obj), MIN (cap, m->limits->max_message)));
      return;
    }
    if (_bc_equal_ci (sub, "feedback-report")) {
      if (!m->arf)
        m->arf = part_text (m, GMIME_PART (obj));
      return;
    }
    if (_bc_equal_ci (sub, "rfc822-headers") ||
        _bc_equal_ci (sub, "global-headers") ||
        (_bc_equal_ci (type, "message") &&
         (_bc_equal_ci (sub, "rfc822") || _bc_equal_ci (sub, "global")))) {
      m->has_attached_message = TRUE;
      if (!m->orig && !m->orig_part && !m->orig_text)
        m->orig_text = part_text (m, GMIME_PART (obj));
      return;
    }
  }
  if (_bc_equal_ci (sub, "xml") &&
      (_bc_equal_ci (type, "application") ||
       (_bc_equal_ci (type, "text") && g_mime_part_get_filename (GMIME_PART (obj)) &&
        _bc_equal_ci (g_mime_part_get_filename (GMIME_PART (obj)), "daticert.xml")))) {
    xml_part (w, GMIME_PART (obj));
    return;
  }
  if (_bc_equal_ci (type, "message") && _bc_equal_ci (sub, "disposition-notification")) {
    mdn_part (m, GMIME_PART (obj));
    return;
  }
  if (!_bc_equal_ci (type, "text")) {
    return;   /* attachments and images are never decoded */
  }
  if (g_mime_part_is_attachment (GMIME_PART (obj)) && m->body->len > 0) {
    if (_bc_equal_ci (sub, "plain"))
      attached_dsn (m, GMIME_PART (obj));
    return;
  }
  if (_bc_equal_ci (sub, "html")) {
    char *t;
    /* the HTML is read only when no plain text comes (_bc_mime_new());
     * once some has come, the part is not decoded at all, unless reading
     * it could cut it off, which is flagged */
    if (w->have_plain && decoded_fits (GMIME_PART (obj), m->limits->max_text))
      return;
    t = part_text (m, GMIME_PART (obj));
    if (!w->html)
      w->html = g_string_new (NULL);
    html_to_text (w->html, t);
    g_free (t);
    return;
  }
  if (_bc_equal_ci (sub, "plain") || _bc_equal_ci (sub, "enriched") ||
      !GMIME_IS_MULTIPART (obj)) {
    char *t = part_text (m, GMIME_PART (obj));
    w->have_plain = TRUE;
    if (m->body->len)
      g_string_append_c (m->body, '\n');
    g_string_append (m->body, t);
    g_free (t);
  }
}

/* line_is_header - does the line at @p (ending at @le) look like
 * "Name: value" with a name of header shape? */
static gsize
header_name_len (const char *p, const char *le)
{
  const char *q = p;

  while (q < le && (g_ascii_isalnum (*q) || *q == '-' || *q == '_'))
    q++;
  if (q == p || q >= le || *q != ':' || q - p > 40)
    return 0;
  return q - p;
}

/* starts_header_block - a quoted header block of a returned message: a
 * "Received:" or "Return-Path:" line at the start of a line followed by
 * another header line or a folded continuation. */
static gboolean
starts_header_block (const char *p, const char *end)
{
  static const char *const first[] = { "Received: ", "Return-Path:", "Return-path:", NULL };
  const char *nl;

  for (guint i = 0; first[i]; i++)
    if (strncmp (p, first[i], strlen (first[i])) == 0)
      goto next;
  return FALSE;
next:
  nl = memchr (p, '\n', end - p);
  if (!nl || nl + 1 >= end)
    return FALSE;
  nl++;
  return nl[0] == ' ' || nl[0] == '\t' || header_name_len (nl, end) > 0;
}

/* The markers of an inline returned copy, lower case. None holds a line
 * end, and none is shorter than MARKER_MIN bytes. */
static const char *const markers[] = {
  "this is a copy of the message", "below this line is a copy of the message",
  "original message headers:", "----- original message -----", "original message follows",
  "------ returned message", "----- unsent message follows", "--- original message ---",
  "content of the original message", "the original message was:", "original message header:",
  "----- message header follows -----", "------- original message --------",
  "---------- forwarded message ----------", "message text follows:",
  "the headers of the original message follow", "following is a copy of the message headers",
  "----- the following is a copy of", "message headers follow", "original mail as follows",
  "----- original message header -----", "original message header follows",
  "------ original message headers", "---- start of returned message",
  "returned mail follows", "----- returned mail follows", "unsent message below",
  "------ the original message follows", "the original message follows",
  "--- original message header ---", "-----original message-----",
  "headers of your message follow", "----- message text follows", "this is a copy of your message",
  "header of the original message", "-------original message", "copy of the original message",
  "original message headers follow", "undelivered message follows", NULL
};

/* The earliest marker is found by skipping (Wu and Manber's scheme): a
 * window of MARKER_MIN bytes slides along the text, and the BLOCK (4)
 * bytes that end it, folded and hashed, say how far it may move without
 * passing a place where the first MARKER_MIN bytes of a marker could end:
 * skip[h] is the least distance, over all markers, from a block hashing
 * to h inside those bytes to their end (MARKER_MIN - BLOCK + 1 for a
 * block none holds). At distance 0 the markers whose first MARKER_MIN
 * bytes end in a block of that hash (a chain from first[h]) are compared.
 * Most steps move the window many bytes, so the scan reads a fraction of
 * the text, where a pass of the phrase matcher read and hashed every byte
 * (and the returned copy after the marker, often most of a plain-text
 * NDR, is not read at all): over 2,000 real bounces 3 M instructions
 * instead of 47 M. */
#define MARKER_MIN 20
#define BLOCK 4
#define SKIP_BITS 13
G_STATIC_ASSERT (BLOCK == 4);       /* block_hash() reads a 32-bit word */

typedef struct {
  guint8 skip[1u << SKIP_BITS];
  guint8 first[1u << SKIP_BITS];          /* the first marker whose window ends in
                                             a block of this hash, + 1; 0: none */
  guint8 next[G_N_ELEMENTS (markers) - 1]; /* the next such, + 1 */
  guint8 len[G_N_ELEMENTS (markers) - 1];
} MarkerSkip;

/* block_hash - the hash of the BLOCK bytes at @p, A-Z read as a-z (the
 * four folded at once as in fold_ascii_copy()) */
static inline guint
block_hash (const guchar *p)
{
  guint32 v, low7;

  memcpy (&v, p, 4);
  low7 = v & 0x7f7f7f7fu;
  v |= (((low7 + 0x3f3f3f3fu) ^ (low7 + 0x25252525u)) & ~v & 0x80808080u) >> 2;
  return (v * 0x9e3779b1u) >> (32 - SKIP_BITS);
}

static const MarkerSkip *
marker_skip (void)
{
  static MarkerSkip t;
  static gsize once;

  if (g_once_init_enter (&once)) {
    memset (t.skip, MARKER_MIN - BLOCK + 1, sizeof t.skip);
    for (guint i = G_N_ELEMENTS (markers) - 1; i-- > 0;) {
      const guchar *s = (const guchar *) markers[i];
      guint h;
      g_assert (strlen (markers[i]) >= MARKER_MIN && strlen (markers[i]) < 256 &&
                !strchr (markers[i], '\n'));
      t.len[i] = (guint8) strlen (markers[i]);
      for (guint q = BLOCK - 1; q < MARKER_MIN; q++) {
        h = block_hash (s + q + 1 - BLOCK);
        t.skip[h] = MIN (t.skip[h], MARKER_MIN - 1 - q);
      }
      h = block_hash (s + MARKER_MIN - BLOCK);
      t.next[i] = t.first[h];
      t.first[h] = (guint8) (i + 1);
    }
    g_once_init_leave (&once, 1);
  }
  return &t;
}

/* _bc_returned_copy_marker - the start of the line that holds the first
 * marker of a returned copy in @text (@len bytes, A-Z read as a-z), or
 * @len when none does */
gsize
_bc_returned_copy_marker (const char *text, gsize len)
{
  const MarkerSkip *t = marker_skip ();
  const guchar *u = (const guchar *) text;
  gsize pos = MARKER_MIN - 1;       /* the window's last byte */

  while (pos < len) {
    guint h = block_hash (u + pos + 1 - BLOCK);
    guint k = t->skip[h];
    if (G_LIKELY (k)) {
      pos += k;
      continue;
    }
    /* a marker whose window ends here starts at pos + 1 - MARKER_MIN */
    for (guint c = t->first[h]; c; c = t->next[c - 1]) {
      guint i = c - 1;
      gsize s = pos + 1 - MARKER_MIN, n = t->len[i], j;
      if (len - s < n)
        continue;
      for (j = 0; j < n && _bc_ascii_lower (u[s + j]) == (guchar) markers[i][j]; j++)
        ;
      if (j == n) {
        while (s > 0 && text[s - 1] != '\n')
          s--;
        return s;
      }
    }
    pos++;
  }
  return len;
}

/* _bc_returned_copy_markers - the markers, NULL-ended (for the unit test) */
const char *const *
_bc_returned_copy_markers (void)
{
  return markers;
}

/* find_returned_copy - where a plain-text NDR starts quoting the returned
 * message: the start of the marker line, or @len when there is none. */
static gsize
find_returned_copy (const char *text, gsize len)
{
  gsize best = _bc_returned_copy_marker (text, len);
  const char *p = text, *end;

  /* an unannounced copy: a header block at the start of a line */
  end = text + best;
  while (p < end) {
    if ((*p == 'R') && starts_header_block (p, text + len))
      return p - text;
    p = memchr (p, '\n', end - p);
    if (!p)
      break;
    p++;
  }
  return best;
}

static gboolean
dsn_field (const char *p, gsize n)
{
  static const char *const names[] = {
    "Reporting-MTA", "Received-From-MTA", "Arrival-Date", "Original-Envelope-Id",
    "DSN-Gateway", "Final-Recipient", "Original-Recipient", "Action", "Status", "Remote-MTA",
    "Diagnostic-Code", "Last-Attempt-Date", "Will-Retry-Until", "Final-Log-ID",
    "X-Actual-Recipient", NULL
  };
  if (n > 2 && (p[0] == 'X' || p[0] == 'x') && p[1] == '-')
    return TRUE;
  for (guint i = 0; names[i]; i++)
    if (strlen (names[i]) == n && g_ascii_strncasecmp (p, names[i], n) == 0)
      return TRUE;
  return FALSE;
}

/* find_inline_dsn - delivery-status fields written into the text (a
 * broken MIME structure, or an NDR that quotes its DSN): the run of DSN
 * field blocks that holds a Final- or Original-Recipient. Returns its start
 * and sets *out_end, or returns NULL. */
static const char *
find_inline_dsn (const char *text, gsize len, const char **out_end)
{
  const char *end = text + len, *p = text;
  const char *rcpt = NULL;

  while (p < end) {
    if ((*p == 'F' || *p == 'f' || *p == 'O' || *p == 'o') &&
        (g_ascii_strncasecmp (p, "Final-Recipient:", 16) == 0 ||
         g_ascii_strncasecmp (p, "Original-Recipient:", 19) == 0)) {
      rcpt = p;
      break;
    }
    p = memchr (p, '\n', end - p);
    if (!p)
      break;
    p++;
  }
  if (!rcpt)
    return NULL;
  {
    /* back up over the field lines (and one blank line) before it */
    const char *start = rcpt, *q = rcpt;
    gboolean blank_seen = FALSE;
    while (q > text) {
      const char *ls = q - 1;
      while (ls > text && ls[-1] != '\n')
        ls--;
      if (ls == q - 1) {                      /* blank line */
        if (blank_seen)
          break;
        blank_seen = TRUE;
      } else {
        gsize n = header_name_len (ls, q - 1);
        if (n && dsn_field (ls, n))
          start = ls;
        else if (!(ls[0] == ' ' || ls[0] == '\t') || n)
          break;
      }
      q = ls;
    }
    /* forward over field lines, folds and blank lines between blocks */
    q = rcpt;
    while (q < end) {
      const char *nl = memchr (q, '\n', end - q);
      const char *le = nl ? nl : end;
      if (le == q) {
        const char *nx = nl + 1;
        gsize n = nx < end ? header_name_len (nx, end) : 0;
        if (!(n && dsn_field (nx, n)))
          break;
      } else if (!(q[0] == ' ' || q[0] == '\t')) {
        gsize n = header_name_len (q, le);
        if (!(n && dsn_field (q, n)))
          break;
      }
      q = nl ? nl + 1 : end;
    }
    *out_end = q;
    return start;
  }
}

/* _bc_header_plain - @text is 7-bit and holds no "=?": RFC 2047 decoding
 * (g_mime_utils_header_decode_text) gives it back unchanged, as does
 * making it valid UTF-8, so both can be skipped. */
gboolean
_bc_header_plain (const char *text)
{
  gsize len = strlen (text);

  /* a word at a time, then each '=' (memchr()), not a test per byte */
  if (!seven_bit (text, len))
    return FALSE;
  for (const char *q = memchr (text, '=', len); q; q = memchr (q + 1, '=', text + len - (q + 1)))
    if (q[1] == '?')
      return FALSE;
  return TRUE;
}

static inline gboolean
is_lwsp (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* _bc_header_unfold_into - g_mime_utils_header_unfold() (@value without
 * the white space at either end and without CR and LF) written to @out
 * (@size bytes), NUL-ended; FALSE, with @out untouched, when the trimmed
 * value has @size bytes or more. Found with strlen() and memchr() rather
 * than a byte at a time, and the common value without a fold copied
 * whole. */
gboolean
_bc_header_unfold_into (const char *value, char *out, gsize size)
{
  const char *s = value, *e, *nl, *cr;
  char *o;

  while (is_lwsp (*s))
    s++;
  e = s + strlen (s);
  while (e > s && is_lwsp (e[-1]))
    e--;
  if ((gsize) (e - s) >= size)
    return FALSE;
  nl = memchr (s, '\n', e - s);
  cr = memchr (s, '\r', nl ? nl - s : e - s);
  if (!nl && !cr) {
    memcpy (out, s, e - s);
    out[e - s] = '\0';
    return TRUE;
  }
  /* up to the first line-end byte whole, the rest a byte at a time */
  nl = cr ? cr : nl;
  memcpy (out, s, nl - s);
  o = out + (nl - s);
  for (s = nl; s < e; s++)
    if (*s != '\r' && *s != '\n')
      *o++ = *s;
  *o = '\0';
  return TRUE;
}

/* _bc_header_unfold - _bc_header_unfold_into(), newly allocated */
char *
_bc_header_unfold (const char *value)
{
  gsize size = strlen (value) + 1;
  char *out = g_malloc (size);

  _bc_header_unfold_into (value, out, size);
  return out;
}

/* plain_from_addr - the address of a From value of the common plain
 * shapes, "addr" or "Display Name <addr>" (ASCII, no quotes, comments,
 * groups, lists or encoded words), lower-cased, newly allocated; NULL for
 * any other shape, which GMime's address parser reads instead (it builds
 * a list object and one per address, a fair part of a small bounce). */
static char *
plain_from_addr (const char *raw)
{
  const char *p, *lt = NULL, *gt = NULL, *a, *e;

  /* a byte's class: 0 plain, 1 never in these shapes, 2 '=' (not before
   * '?'), 3 '<', 4 '>'; one look-up a byte */
  static const guint8 kind[256] = {
    [0x80 ... 0xff] = 1, ['"'] = 1, ['('] = 1, [')'] = 1, [','] = 1, [';'] = 1, [':'] = 1,
    ['\\'] = 1, ['['] = 1, ['='] = 2, ['<'] = 3, ['>'] = 4,
  };

  for (p = raw; *p; p++) {
    switch (kind[(guchar) *p]) {
    case 0:
      break;
    case 1:
      return NULL;
    case 2:
      if (p[1] == '?')
        return NULL;
      break;
    case 3:
      if (lt)
        return NULL;
      lt = p;
      break;
    default:
      if (!lt || gt)
        return NULL;
      gt = p;
    }
  }
  if (lt) {
    if (!gt)
      return NULL;
    for (p = gt + 1; *p; p++)              /* nothing but blanks after '>' */
      if (!g_ascii_isspace (*p))
        return NULL;
    a = lt + 1;
    e = gt;
  } else {
    a = raw;
    e = raw + strlen (raw);
    while (a < e && g_ascii_isspace (*a))
      a++;
    while (e > a && g_ascii_isspace (e[-1]))
      e--;
  }
  /* one word with one '@' inside it, letters on both sides */
  {
    const char *at = NULL;
    if (a == e)
      return NULL;
    for (p = a; p < e; p++) {
      if (g_ascii_isspace (*p) || *p == '<' || *p == '>')
        return NULL;
      if (*p == '@') {
        if (at)
          return NULL;
        at = p;
      }
    }
    if (!at || at == a || at + 1 == e || e[-1] == '.' || at[1] == '.' || at[-1] == '.' || *a == '.')
      return NULL;
  }
  {
    /* g_ascii_strdown (a, e - a), without a call a byte */
    char *out = g_malloc ((gsize) (e - a) + 1);
    for (gsize i = 0; i < (gsize) (e - a); i++)
      out[i] = (char) _bc_ascii_lower ((guchar) a[i]);
    out[e - a] = '\0';
    return out;
  }
}

/* plain_word - are the @len bytes at @p a display name or comment of
 * plain characters: printable ASCII or blanks, none of the specials (the
 * quote, backslash, parentheses, brackets, "<>@,;:"), no encoded word? Such
 * text GMime's address parser passes over whole, as plain_from_addr()'s
 * names. */
static gboolean
plain_word (const char *p, gsize len)
{
  for (gsize i = 0; i < len; i++) {
    guchar c = (guchar) p[i];
    if (c >= 0x7f || (c < 0x20 && c != '\t') || strchr ("\"\\()[]<>@,;:", c) ||
        (c == '=' && i + 1 < len && p[i + 1] == '?'))
      return FALSE;
  }
  return TRUE;
}

/* bare_angle - does @p hold a '<' with nothing but white space before it?
 * (plain_from_addr() takes any plain text before the '<' for a name, which
 * GMime reads otherwise when it holds an '@'; these shapes take none.) */
static gboolean
bare_angle (const char *p)
{
  while (g_ascii_isspace (*p))
    p++;
  return *p == '<';
}

/* plain_from_addr_quoted - plain_from_addr() for three more common shapes,
 * "\"Display Name\" <addr>", "addr (Comment)" and "<addr> (Comment)", the
 * name or comment of plain_word() characters; NULL for any other shape */
static char *
plain_from_addr_quoted (const char *raw)
{
  const char *p = raw, *close;
  char *rest, *addr;

  while (g_ascii_isspace (*p))
    p++;
  if (*p == '"') {
    if (!(close = strchr (p + 1, '"')) || !plain_word (p + 1, close - (p + 1)) ||
        !bare_angle (close + 1))
      return NULL;
    /* what follows the name is a "<addr>" of the plain shape */
    return plain_from_addr (close + 1);
  }
  {
    const char *open = strchr (p, '('), *q;
    if (!open || !(close = strchr (open + 1, ')')) ||
        !plain_word (open + 1, close - (open + 1)) || (strchr (p, '<') && !bare_angle (p)))
      return NULL;
    for (q = close + 1; *q; q++)           /* nothing but blanks after ')' */
      if (!g_ascii_isspace (*q))
        return NULL;
    rest = g_strndup (p, open - p);
    addr = plain_from_addr (rest);
    g_free (rest);
    return addr;
  }
}

/* first_from_addr - the address of the first mailbox in the From fields of
 * @m, lower-cased, newly allocated, or NULL: what GMimeMessage reads (each
 * From field's raw value parsed, the first address of all of them, a group
 * counting as no mailbox), also for a part GMime made no message of. */
static char *
first_from_addr (const BcMime *m)
{
  InternetAddressList *from = NULL, *owned = NULL;
  char *addr = NULL;

  if (GMIME_IS_MESSAGE (m->msg)) {
    from = g_mime_message_get_from (GMIME_MESSAGE (m->msg));
  } else {
    for (guint i = 0; i < m->n_fields && !owned; i++) {
      const char *name = m->fields[i].name, *raw = m->fields[i].raw;
      if (!name || !raw || g_ascii_strcasecmp (name, "From") != 0)
        continue;
      if ((addr = plain_from_addr (raw)) || (addr = plain_from_addr_quoted (raw)))
        return addr;
      owned = internet_address_list_parse (_bc_parser_options (), raw);
      if (owned && internet_address_list_length (owned) == 0)
        g_clear_object (&owned);
    }
    from = owned;
  }
  if (from && internet_address_list_length (from) > 0) {
    InternetAddress *ia = internet_address_list_get_address (from, 0);
    if (INTERNET_ADDRESS_IS_MAILBOX (ia))
      addr = g_ascii_strdown (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)), -1);
  }
  g_clear_object (&owned);
  return addr;
}

/* field_decoded - the first @name field of @m as valid UTF-8. The value is
 * decoded from RFC 2047 (and from 8-bit charsets, by the parser options)
 * as GMime decodes it (_bc_field_value()): decoding it again would turn a
 * literal "=?...?=" that a sender encoded into something else. */
static char *
field_decoded (const BcMime *m, const char *name)
{
  const BcField *f = _bc_mime_field (m, name);
  char *v, *valid;

  if (!f)
    return NULL;
  v = _bc_field_value (f);
  if (!v || _bc_header_plain (v))
    return v;
  valid = g_utf8_make_valid (v, -1);
  g_free (v);
  return valid;
}

/* fields_from_text - @m's fields, read from the @len bytes of header block
 * at @text (head_shape()'s shape, without its empty line; @n fields) into
 * m->fields_buf: for each field its name and its raw value, each
 * NUL-ended. */
static void
fields_from_text (BcMime *m, const char *text, gsize len, guint n)
{
  const char *p = text, *end = text + len;
  char *o;

  m->fields = g_new (BcField, MAX (n, 1));
  /* each field's bytes, less its colon, plus two NULs */
  m->fields_buf = o = g_malloc (len + n + 1);
  m->n_fields = 0;
  while (p < end) {
    const char *colon = memchr (p, ':', end - p), *e = colon;
    BcField *f = &m->fields[m->n_fields++];
    /* the value runs to the end of the last continuation line */
    do
      e = (const char *) memchr (e, '\n', end - e) + 1;
    while (e < end && (*e == ' ' || *e == '\t'));
    f->name = o;
    memcpy (o, p, colon - p);
    o += colon - p;
    *o++ = '\0';
    f->raw = o;
    memcpy (o, colon + 1, e - (colon + 1));
    o += e - (colon + 1);
    *o++ = '\0';
    f->gmime = NULL;
    p = e;
  }
}

/* fields_from_gmime - @m's fields, those of msg's header list, with the
 * header block as g_mime_header_list_to_string() writes it */
static void
fields_from_gmime (BcMime *m)
{
  GMimeHeaderList *hl = g_mime_object_get_header_list (m->msg);
  int n = hl ? g_mime_header_list_get_count (hl) : 0;

  m->fields = g_new (BcField, MAX (n, 1));
  m->n_fields = 0;
  for (int i = 0; i < n; i++) {
    GMimeHeader *h = g_mime_header_list_get_header_at (hl, i);
    BcField *f = &m->fields[m->n_fields++];
    f->name = g_mime_header_get_name (h);
    f->raw = g_mime_header_get_raw_value (h);
    f->gmime = h;
  }
  if (hl) {
    m->head = m->head_buf = g_mime_header_list_to_string (hl, NULL);
    m->head_len = m->head ? strlen (m->head) : 0;
  }
}

BcMime *
_bc_mime_new (GMimeObject *msg, const BcLimits *limits)
{
  BcMime *m = g_new0 (BcMime, 1);
  Walk w = { m, 0, FALSE, NULL, FALSE };
  GMimeObject *top;

  m->msg = g_object_ref (msg);
  m->limits = limits;
  m->body = g_string_new (NULL);
  m->dsn = g_ptr_array_new_with_free_func (g_free);
  m->warnings = g_ptr_array_new_with_free_func (g_free);
  /* the memo's header table is read only up to n_headers: not cleared */
  m->memo = g_new (BcMimeMemo, 1);
  m->memo->daemon_from = m->memo->person_sent = m->memo->passes_on_bounce = 0;
  m->memo->head_fold = NULL;
  m->memo->overflow = NULL;
  m->memo->n_headers = 0;

  {
    HeadText *ht = g_object_get_qdata (G_OBJECT (msg), head_quark ());
    if (ht) {
      fields_from_text (m, ht->text, ht->len, ht->n_fields);
      m->head = ht->text;     /* the part keeps it */
      m->head_len = ht->len;
    } else
      fields_from_gmime (m);
  }
  pin_fields (m);
  m->subject = field_decoded (m, "Subject");
  if (!m->subject)
    m->subject = g_strdup ("");
  m->from = field_decoded (m, "From");
  if (!m->from)
    m->from = g_strdup ("");
  m->from_addr = first_from_addr (m);
  if (!m->from_addr)
    m->from_addr = g_strdup ("");
  m->date = field_decoded (m, "Date");

  {
    /* a header block beyond max_headers is not looked at: flag it */
    guint nh = m->n_fields;
    if (nh > 0 && nh > limits->max_headers) {
      m->truncated = TRUE;
      g_ptr_array_add (m->warnings, g_strdup_printf ("more than %u header fields; the rest were not looked at",
                                                     limits->max_headers));
    }
  }
  top = GMIME_IS_MESSAGE (msg) ? g_mime_message_get_mime_part (GMIME_MESSAGE (msg)) : msg;
  m->top = top;
  if (top)
    walk (&w, top, 0);
  if (!w.have_plain && w.html)
    g_string_append (m->body, w.html->str);
  if (w.html)
    g_string_free (w.html, TRUE);
  m->ndr_len = find_returned_copy (m->body->str, m->body->len);
  if (m->dsn->len == 0) {
    /* DSN fields in the text: read them as a DSN, and keep them out of
     * the free text */
    const char *dend = NULL;
    const char *d = find_inline_dsn (m->body->str, m->body->len, &dend);
    if (d && (gsize) (d - m->body->str) <= m->ndr_len + 2) {
      g_ptr_array_add (m->dsn, g_strndup (d, dend - d));
      m->ndr_len = MIN (m->ndr_len, (gsize) (d - m->body->str));
    }
  }
  /* only the report's own text is searched (_bc_body_find) */
  m->body_fold = g_malloc (m->ndr_len + 1);
  fold_ascii_copy (m->body_fold, m->body->str, m->ndr_len);
  m->body_fold[m->ndr_len] = '\0';
  return m;
}

void
_bc_mime_free (BcMime *m)
{
  if (!m)
    return;
  g_free (m->fields);
  g_free (m->fields_buf);
  g_free (m->head_buf);
  g_clear_object (&m->msg);
  g_clear_object (&m->orig);
  g_clear_object (&m->orig_part);
  g_free (m->from);
  g_free (m->from_addr);
  g_free (m->subject);
  g_free (m->date);
  g_free (m->arf);
  g_free (m->orig_text);
  g_free (m->xml);
  g_string_free (m->body, TRUE);
  g_free (m->body_fold);
  g_ptr_array_unref (m->dsn);
  g_ptr_array_unref (m->warnings);
  if (m->memo) {
    g_free (m->memo->head_fold);
    for (guint i = 0; i < m->memo->n_headers; i++)
      g_free (m->memo->headers[i].own);
    g_slist_free_full (m->memo->overflow, g_free);
  }
  g_free (m->memo);
  g_free (m);
}

/* _bc_mime_field - the first field of the bounce named @name (ASCII case
 * ignored, as GMime looks names up), or NULL */
const BcField *
_bc_mime_field (const BcMime *m, const char *name)
{
  for (guint i = 0; i < m->n_fields; i++)
    if (m->fields[i].name && g_ascii_strcasecmp (m->fields[i].name, name) == 0)
      return &m->fields[i];
  return NULL;
}

/* _bc_field_value - the value of @f as g_mime_header_get_value() gives it
 * (unfolded, decoded from RFC 2047 and from 8-bit charsets by the parser
 * options), newly allocated; NULL when it has none. A raw value with
 * nothing to decode (_bc_header_plain) is only unfolded, which gives the
 * same without the cost of GMime's decoding. */
char *
_bc_field_value (const BcField *f)
{
  char *unfolded, *v;

  if (f->raw && _bc_header_plain (f->raw))
    return _bc_header_unfold (f->raw);
  if (f->gmime)
    return g_strdup (g_mime_header_get_value (f->gmime));
  if (!f->raw)
    return NULL;
  unfolded = g_mime_utils_header_unfold (f->raw);
  v = g_mime_utils_header_decode_text (_bc_parser_options (), unfolded);
  g_free (unfolded);
  return v;
}

/* _bc_mime_head - the bounce's header block as g_mime_header_list_to_string()
 * writes it: the fields' lines, without the empty line after them ("" for
 * none); *@len its length */
const char *
_bc_mime_head (const BcMime *m, gsize *len)
{
  *len = m->head ? m->head_len : 0;
  return m->head ? m->head : "";
}

/* _bc_mime_header - the value of the first @name field of the bounce, as
 * g_mime_object_get_header() gives it. The later stages ask for the same
 * few fields again and again, most of them absent: each answer is kept in
 * the memo under the name as written (a name written otherwise is looked
 * up again, with the same answer). */
const char *
_bc_mime_header (const BcMime *m, const char *name)
{
  BcMimeMemo *memo = m->memo;
  const BcField *f;
  const char *value = NULL;
  char *own = NULL;
  gsize n;

  if (!memo)
    return m->msg ? g_mime_object_get_header (m->msg, name) : NULL;
  n = strlen (name);
  {
    /* most names asked for are absent: most are known absent here */
    guint a, b;
    name_bits (name, n, &a, &b);
    if (!((memo->names[a >> 6] >> (a & 63)) & 1) || !((memo->names[b >> 6] >> (b & 63)) & 1))
      return NULL;
  }
  if (n <= sizeof memo->headers[0].name)
    for (guint i = 0; i < memo->n_headers; i++)
      if (memo->headers[i].len == n && memcmp (memo->headers[i].name, name, n) == 0)
        return memo->headers[i].value;
  if ((f = _bc_mime_field (m, name)))
    value = own = _bc_field_value (f);
  if (n <= sizeof memo->headers[0].name && memo->n_headers < G_N_ELEMENTS (memo->headers)) {
    memo->headers[memo->n_headers].len = (guint8) n;
    memcpy (memo->headers[memo->n_headers].name, name, n);
    memo->headers[memo->n_headers].value = value;
    memo->headers[memo->n_headers].own = own;
    memo->n_headers++;
  } else if (own) {
    /* no room: kept in the memo's overflow list, freed with it */
    memo->overflow = g_slist_prepend (memo->overflow, own);
  }
  return value;
}

/* _bc_mime_orig_message - the returned message of @m, parsed (a new
 * reference), or NULL when it has none. */
GMimeObject *
_bc_mime_orig_message (const BcMime *m)
{
  GByteArray *ba;
  GMimeObject *msg = NULL;

  if (m->orig)
    return GMIME_IS_MESSAGE (m->orig) ? g_object_ref (m->orig) : NULL;
  if (!m->orig_part)
    return NULL;
  ba = part_bytes (GMIME_PART (m->orig_part), m->limits->max_message);
  if (ba && ba->len)
    msg = _bc_mime_parse_limited ((const char *) ba->data, ba->len, m->limits, NULL, NULL);
  if (ba)
    g_byte_array_unref (ba);
  if (msg)
    pin_header_charsets (msg);
  return msg;
}

/* _bc_mime_orig_text - the returned message of @m as text, its header
 * block and body as they were sent (the transfer encodings of its own parts
 * are not undone), at most @cap bytes, made valid UTF-8; NULL when there is
 * none. */
char *
_bc_mime_orig_text (const BcMime *m, gsize cap)
{
  char *text = NULL;

  if (m->orig_part) {
    GByteArray *ba = part_bytes (GMIME_PART (m->orig_part), cap);
    if (ba && ba->len)
      text = g_utf8_make_valid ((const char *) ba->data, ba->len);
    if (ba)
      g_byte_array_unref (ba);
  } else if (m->orig && GMIME_IS_MESSAGE (m->orig)) {
    /* a caller's GMimeMessage: its message/rfc822 parts were parsed */
    char *raw = g_mime_object_to_string (m->orig, NULL);
    if (raw && *raw)
      text = g_utf8_make_valid (raw, MIN (strlen (raw), cap));
    g_free (raw);
  }
  return text;
}

/* _bc_mime_parse_bytes - parse one message held in memory, with the
 * default limits; see _bc_mime_parse_limited(). */
GMimeObject *
_bc_mime_parse_bytes (const char *data, gsize len, GError **error)
{
  return _bc_mime_parse_limited (data, len, NULL, NULL, error);
}

/* head_shape - the length of the header block at the start of the @len
 * bytes at @p (LF line ends), through the empty line that ends it, with
 * its number of fields in *@n_fields, when
 * every line of it has the plain shape: a field name of printable ASCII
 * (no colon, no blank) followed at once by a colon, or a continuation line
 * (a blank first) after such a line; 0 otherwise, and when no empty line
 * ends it or it holds a NUL. In a block of this shape GMime's fields are
 * these lines and nothing else: a name is the bytes before the colon, and
 * the raw value the rest of the line with its continuation lines. */
static gsize
head_shape (const guint8 *p, gsize len, guint *n_fields)
{
  gsize i = 0;

  *n_fields = 0;
  while (i < len) {
    const guint8 *nl = memchr (p + i, '\n', len - i);
    gsize e;
    if (!nl)
      return 0;
    e = (gsize) (nl - p);
    if (e == i)
      return memchr (p, '\0', i) ? 0 : i + 1;      /* the empty line */
    if (p[i] == ' ' || p[i] == '\t') {
      if (i == 0)
        return 0;
    } else {
      gsize k = i;
      while (k < e && p[k] > 0x20 && p[k] < 0x7f && p[k] != ':')
        k++;
      if (k == i || k == e || p[k] != ':')
        return 0;
      (*n_fields)++;
    }
    i = e + 1;
  }
  return 0;
}

/* mime_field - is the field that starts at @p (@n bytes to the line end)
 * one GMime must see to parse the MIME tree: Content-*, MIME-Version, or
 * a field guard.c renamed (X-Bc-*)? */
static gboolean
mime_field (const guint8 *p, gsize n)
{
  return (n >= 8 && g_ascii_strncasecmp ((const char *) p, "Content-", 8) == 0) ||
         (n >= 13 && g_ascii_strncasecmp ((const char *) p, "MIME-Version:", 13) == 0) ||
         (n >= 5 && g_ascii_strncasecmp ((const char *) p, "X-Bc-", 5) == 0);
}

/* split_head - when the header block of @ba has the plain shape
 * (head_shape()), take it out: newly allocated, it is returned (its
 * fields' lines, without the empty line) with *@head_len and *@n_fields
 * set, and @ba keeps only the fields GMime needs (mime_field()), the empty
 * line and the body. NULL, @ba unchanged, for any other block. */
static char *
split_head (GByteArray *ba, gsize *head_len, guint *n_fields)
{
  gsize hl = head_shape (ba->data, ba->len, n_fields), i = 0, o = 0;
  gboolean keep = FALSE;
  char *head;

  if (hl < 2)
    return NULL;
  head = g_strndup ((const char *) ba->data, hl - 1);
  *head_len = hl - 1;
  /* kept lines move forward in place: the output never passes the input */
  while (i < hl - 1) {
    const guint8 *nl = memchr (ba->data + i, '\n', hl - 1 - i);
    gsize e = (gsize) (nl - ba->data) + 1;
    if (ba->data[i] != ' ' && ba->data[i] != '\t')
      keep = mime_field (ba->data + i, e - i);
    if (keep) {
      memmove (ba->data + o, ba->data + i, e - i);
      o += e - i;
    }
    i = e;
  }
  if (o < hl - 1) {
    memmove (ba->data + o, ba->data + hl - 1, ba->len - (hl - 1));
    g_byte_array_set_size (ba, (guint) (ba->len - (hl - 1 - o)));
  }
  return head;
}

static GMimeObject *
parse (const char *data, gsize len, const BcLimits *limits, GPtrArray *warnings,
       gboolean split, GError **error);

/* _bc_mime_parse_limited - parse one message held in memory. The bytes are
 * copied with line ends made LF, so CRLF, CR and LF input read alike, and
 * cut down by _bc_mime_guard() to @limits (NULL: the defaults) before
 * GMime sees them; what was cut is added to @warnings (may be NULL). */
GMimeObject *
_bc_mime_parse_limited (const char *data, gsize len, const BcLimits *limits,
                        GPtrArray *warnings, GError **error)
{
  return parse (data, len, limits, warnings, FALSE, error);
}

/* _bc_mime_parse_split - _bc_mime_parse_limited(), but GMime is not given
 * the header fields of the message's own header block that it needs not
 * parse the MIME tree, when the block has the plain shape (head_shape()).
 * GMime builds an object for every field, and building and freeing those
 * of the bounce's header block was a fifth of the whole run on real
 * bounces. The block is kept with the part as text instead
 * (_bc_mime_new() reads its fields from there), so that what a caller of
 * _bc_mime_new() sees does not change. Only for a part handed to
 * _bc_mime_new(): its other readers would miss the fields. */
GMimeObject *
_bc_mime_parse_split (const char *data, gsize len, const BcLimits *limits,
                      GPtrArray *warnings, GError **error)
{
  return parse (data, len, limits, warnings, TRUE, error);
}

static GMimeObject *
parse (const char *data, gsize len, const BcLimits *limits, GPtrArray *warnings,
       gboolean split, GError **error)
{
  char *head = NULL;
  gsize head_len = 0;
  guint n_fields = 0;
  BcLimits defaults;
  GMimeStream *stream;
  GMimeParser *parser;
  GMimeObject *msg;
  GByteArray *ba;

  if (len == 0) {
    g_set_error (error, BC_ERROR, BC_ERROR_EMPTY, "empty input");
    return NULL;
  }
  if (memchr (data, '\r', len)) {
    GString *s = g_string_new_len (data, len);
    _bc_text_normalize_eol (s);
    ba = g_byte_array_new_take ((guint8 *) s->str, s->len);
    g_string_free (s, FALSE);
  } else {
    ba = g_byte_array_sized_new (len + 1);
    g_byte_array_append (ba, (const guint8 *) data, len);
  }
  /* a last line without its newline reads like any other line, as it does
   * when the same message comes in an mbox (where every line has one) */
  if (ba->len && ba->data[ba->len - 1] != '\n')
    g_byte_array_append (ba, (const guint8 *) "\n", 1);
  if (!limits) {
    bc_limits_init (&defaults);
    limits = &defaults;
  }
  _bc_mime_guard (ba, limits, warnings);
  if (split)
    head = split_head (ba, &head_len, &n_fields);
  stream = g_mime_stream_mem_new_with_byte_array (ba);   /* takes ba */
  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  /* the whole message as one MIME part: its header block is the
   * message's, and GMime does not build the GMimeMessage around it (which
   * parses every address field, a fifth of the parse) */
  msg = g_mime_parser_construct_part (parser, _bc_parser_options ());
  g_object_unref (parser);
  g_object_unref (stream);
  if (!msg)
    g_set_error (error, BC_ERROR, BC_ERROR_PARSE, "not a message: no header block could be parsed");
  else if (head) {
    HeadText *ht = g_new (HeadText, 1);
    ht->text = head;
    ht->len = head_len;
    ht->n_fields = n_fields;
    g_object_set_qdata_full (G_OBJECT (msg), head_quark (), ht, head_text_free);
    head = NULL;
  }
  g_free (head);
  return msg;
}
