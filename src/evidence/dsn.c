/* dsn.c - read RFC 3464 (and RFC 6533) delivery-status fields.
 *
 * The text is a per-message block followed by per-recipient blocks, each a
 * run of "Name: value" fields with folded continuation lines, separated by
 * blank lines. Real reports drop the blank lines, repeat fields and break
 * lines in odd places, so a new recipient also starts whenever a
 * Final-Recipient arrives for a recipient that already has one. A line
 * that is no field under a Diagnostic-Code continues it, folded or not.
 * At most @max_rcpts recipients are read. _bc_dsn_categories() reads a sending
 * MTA's own per-recipient verdict (X-PowerMTA-BounceCategory) for the
 * rules' category= key.
 */
#include "bc-private.h"

#include <string.h>

typedef struct {
  const char *name;
  gsize name_len;
  GString *value;
} Field;

/* strip_type - "rfc822; a@b" -> "a@b", "smtp; 550 ..." -> "550 ...". Only a
 * short word before the ';' counts as a type. */
static const char *
strip_type (const char *v)
{
  const char *semi = strchr (v, ';');

  if (semi && semi - v <= 24) {
    const char *p = v;
    /* one token ("smtp", "X-Postfix"), then only blanks before the ';':
     * "550 user unknown; try later" has no type */
    while (p < semi && (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.'))
      p++;
    if (p == v)
      return v;
    while (p < semi && (*p == ' ' || *p == '\t'))
      p++;
    if (p != semi)
      return v;
    v = semi + 1;
    while (*v == ' ' || *v == '\t')
      v++;
  }
  return v;
}

/* decode_unitext - RFC 6533 writes a non-ASCII character of a "utf-8"
 * address as "\x{HEX}" (1 to 6 hex digits, a Unicode scalar value other
 * than NUL): "j\x{F6}ran@example.com" -> "jöran@example.com". Anything
 * else, a bad escape included, is kept as it is. Returns a new string or
 * NULL when @v holds no escape. */
static char *
decode_unitext (const char *v)
{
  if (!strstr (v, "\\x{"))
    return NULL;
  GString *out = g_string_sized_new (strlen (v));
  const char *p = v;
  while (*p) {
    if (p[0] == '\\' && p[1] == 'x' && p[2] == '{') {
      const char *q = p + 3;
      gunichar c = 0;
      int n = 0;
      while (n < 6 && g_ascii_isxdigit (*q)) {
        c = c * 16 + g_ascii_xdigit_value (*q);
        q++, n++;
      }
      if (n > 0 && *q == '}' && c != 0 && g_unichar_validate (c)) {
        g_string_append_unichar (out, c);
        p = q + 1;
        continue;
      }
    }
    g_string_append_c (out, *p);
    p++;
  }
  return g_string_free (out, FALSE);
}

static void
set_str (char **slot, const char *v)
{
  if (*slot || !*v)
    return;
  *slot = g_strdup (v);
}

/* field_is - is @name the field name @lit, ASCII case ignored? Most names
 * a DSN block holds differ from @lit at the first byte: that one is
 * compared without a call. */
static inline gboolean
field_is (const char *name, const char *lit)
{
  return _bc_ascii_lower ((guchar) name[0]) == _bc_ascii_lower ((guchar) lit[0]) &&
         g_ascii_strcasecmp (name, lit) == 0;
}

static void
apply (BcDsn *out, BcRecipient **cur, const char *name, const char *value, guint max_rcpts)
{
  BcRecipient *r = *cur;

  if (field_is (name, "Final-Recipient") ||
      field_is (name, "Original-Recipient") ||
      field_is (name, "X-Actual-Recipient")) {
    gboolean final = field_is (name, "Final-Recipient");
    gboolean orig = field_is (name, "Original-Recipient");
    char *decoded = decode_unitext (value);
    char *addr = _bc_address_normalize (strip_type (decoded ? decoded : value));
    g_free (decoded);
    if (!addr)
      return;
    if (!final && !orig) {
      /* X-Actual-Recipient (Sendmail, after alias expansion): a hint
       * only, unless the block has no address yet ("Final-Recipient:
       * LOCAL; user" names none); then it stands in as the
       * Original-Recipient would, and reports that address */
      if (!r && out->recipients->len < max_rcpts) {
        r = _bc_recipient_new (BC_SOURCE_DSN);
        g_ptr_array_add (out->recipients, r);
        *cur = r;
      }
      if (r && !r->address && !r->original_recipient)
        r->original_recipient = addr;
      else
        g_free (addr);
      return;
    }
    if (!r || (final && r->address) || (orig && r->original_recipient)) {
      if (out->recipients->len >= max_rcpts) {
        out->overflow = TRUE;
        g_free (addr);
        *cur = NULL;
        return;
      }
      r = _bc_recipient_new (BC_SOURCE_DSN);
      g_ptr_array_add (out->recipients, r);
      *cur = r;
    }
    if (final)
      r->address = addr;
    else
      r->original_recipient = addr;
    return;
  }
  if (field_is (name, "Reporting-MTA")) {
    set_str (&out->reporting_mta, strip_type (value));
    return;
  }
  if (field_is (name, "Arrival-Date")) {
    set_str (&out->arrival_date, value);
    return;
  }
  if (!r) {
    /* a per-recipient field before the block's Final-Recipient: start the
     * recipient now; the address comes with that field */
    static const char *const per_rcpt[] = { "Action", "Status", "Diagnostic-Code", "Remote-MTA",
                                            "Last-Attempt-Date", NULL };
    gboolean known = FALSE;
    for (guint i = 0; per_rcpt[i]; i++)
      if (field_is (name, per_rcpt[i]))
        known = TRUE;
    if (!known || out->recipients->len >= max_rcpts)
      return;
    r = _bc_recipient_new (BC_SOURCE_DSN);
    g_ptr_array_add (out->recipients, r);
    *cur = r;
  }
  if (field_is (name, "Action")) {
    if (!r->dsn_action) {
      gsize n = strcspn (value, " \t;(");
      r->dsn_action = g_ascii_strdown (value, n);
    }
  } else if (field_is (name, "Status")) {
    gsize n = strcspn (value, " \t;(");
    if (r->status[0] == '\0' && _bc_status_valid (value, n))
      memcpy (r->status, value, n), r->status[n] = '\0';
    /* "Status: 4.0.0 (example.net: host name lookup failure)": the
     * comment is the only diagnostic some MTAs give; a Diagnostic-Code
     * replaces it */
    {
      const char *c = strchr (value + n, '(');
      if (c && !r->diagnostic && strlen (c) > 2)
        r->diagnostic = g_strdup (c);
    }
  } else if (field_is (name, "Diagnostic-Code")) {
    const char *v = strip_type (value);
    char *typed = NULL;
    /* "X-Unix; 75" or "x-unix; temporary failure": the type says a local
     * mailer program failed, which the text alone often does not; keep it
     * as the prefix "x-unix; " so rules can read it (30-text.rules). */
    if (v != value && g_ascii_strncasecmp (value, "x-unix", 6) == 0 && *v) {
      typed = g_strconcat ("x-unix; ", v, NULL);
      v = typed;
    } else if (strstr (v, "=?") && strstr (v, "?=")) {
      /* a server's localized reply written as RFC 2047 encoded-words
       * ("550 =?ISO-2022-JP?B?...?="): the words decoded to UTF-8 */
      typed = g_mime_utils_header_decode_text (_bc_parser_options (), v);
      if (typed && !g_utf8_validate (typed, -1, NULL))
        g_clear_pointer (&typed, g_free);
      if (typed)
        v = typed;
    }
    if (r->diagnostic && r->diagnostic[0] == '(' && *v) {
      g_free (r->diagnostic);                 /* only the Status comment */
      r->diagnostic = g_strdup (v);
    } else if (!r->diagnostic && *v)
      r->diagnostic = g_strdup (v);
    else if (r->diagnostic && *v && strlen (r->diagnostic) < 4000 && !strstr (r->diagnostic, v)) {
      char *n = g_strconcat (r->diagnostic, " ", v, NULL);
      g_free (r->diagnostic);
      r->diagnostic = n;
    }
    g_free (typed);
  } else if (field_is (name, "Remote-MTA")) {
    set_str (&r->remote_mta, strip_type (value));
  } else if (field_is (name, "Last-Attempt-Date")) {
    set_str (&r->date, value);
  }
}

/* field_name_len - the length of "Name" when @line is "Name: value". */
static gsize
field_name_len (const char *line, gsize len)
{
  /* the bytes of a name: letters, digits, '-', '_' (one test per byte) */
  static const guint8 in_name[256] = {
    ['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['a' ... 'z'] = 1, ['-'] = 1, ['_'] = 1,
  };
  const gsize lim = MIN (len, 64);
  gsize i = 0;

  while (i < lim && in_name[(guchar) line[i]])
    i++;
  if (i == 0 || i >= len || line[i] != ':')
    return 0;
  return i;
}

void
_bc_dsn_parse (const char *text, gsize len, BcDsn *out, guint max_rcpts)
{
  const char *p = text, *end = text + len;
  BcRecipient *cur = NULL;
  GString *value = g_string_new (NULL);
  char name[65] = "";

  if (!out->recipients)
    out->recipients = g_ptr_array_new_with_free_func ((GDestroyNotify) _bc_recipient_free);

  while (p <= end) {
    const char *nl = p < end ? memchr (p, '\n', end - p) : NULL;
    const char *le = nl ? nl : end;
    gsize ll = le - p;
    gboolean blank = TRUE;

    for (const char *q = p; q < le; q++)
      if (*q != ' ' && *q != '\t') {
        blank = FALSE;
        break;
      }
    if (!blank && name[0] &&
        ((p[0] == ' ' || p[0] == '\t') ||
         (field_is (name, "Diagnostic-Code") && field_name_len (p, ll) == 0))) {
      /* a folded continuation; or a line of a server's multi-line reply
       * that the reporting MTA copied under Diagnostic-Code without
       * indenting it ("550 5.7.1 Message rejected:\nSpam content
       * detected"): not a field, so still the reply */
      g_string_append_c (value, ' ');
      g_string_append_len (value, p, ll);
    } else {
      if (name[0]) {
        char *v = _bc_squeeze (value->str, value->len);
        apply (out, &cur, name, v, max_rcpts);
        g_free (v);
        name[0] = '\0';
      }
      if (blank) {
        cur = NULL;
      } else {
        gsize n = field_name_len (p, ll);
        if (n) {
          memcpy (name, p, n);
          name[n] = '\0';
          g_string_assign (value, "");
          g_string_append_len (value, p + n + 1, ll - n - 1);
        }
      }
    }
    if (!nl)
      break;
    p = nl + 1;
  }
  if (name[0]) {
    char *v = _bc_squeeze (value->str, value->len);
    apply (out, &cur, name, v, max_rcpts);
    g_free (v);
  }
  g_string_free (value, TRUE);

  /* a block with only an Original-Recipient reports that address; one
   * with fields and no address at all is kept aside (the first of them),
   * for the caller to pair with an address the text names */
  for (guint i = 0; i < out->recipients->len; i++) {
    BcRecipient *r = g_ptr_array_index (out->recipients, i);
    if (!r->address && !r->original_recipient) {
      out->n_nameless++;
      if (!out->nameless)
        out->nameless = g_ptr_array_steal_index (out->recipients, i--);
      else
        g_ptr_array_remove_index (out->recipients, i--);
      continue;
    }
    if (!r->address && r->original_recipient) {
      r->address = r->original_recipient;
      r->original_recipient = NULL;
    }
    if (r->original_recipient && g_ascii_strcasecmp (r->original_recipient, r->address) == 0)
      g_clear_pointer (&r->original_recipient, g_free);
  }
}

void
_bc_dsn_clear (BcDsn *d)
{
  g_clear_pointer (&d->reporting_mta, g_free);
  g_clear_pointer (&d->arrival_date, g_free);
  g_clear_pointer (&d->recipients, g_ptr_array_unref);
  g_clear_pointer (&d->nameless, _bc_recipient_free);
}

/* block_category - add to @map the category @field names in the DSN block
 * [@b, @e), keyed by the block's recipient, unless that recipient has one. */
static void
block_category (const char *b, const char *e, const char *field, GHashTable *map)
{
  char *block = g_strndup (b, e - b);
  char *cat = _bc_field_get (block, field);

  if (cat) {
    char *fr = _bc_field_get (block, "Final-Recipient");
    char *addr;
    gsize n = strspn (cat, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");
    if (!fr)
      fr = _bc_field_get (block, "Original-Recipient");
    addr = fr ? _bc_address_normalize (strip_type (fr)) : NULL;
    /* one word of the vendor's list ("bad-mailbox"), nothing else */
    if (addr && n > 0 && n <= 40 &&
        (cat[n] == '\0' || cat[n] == ' ' || cat[n] == ';' || cat[n] == '(')) {
      char *key = g_ascii_strdown (addr, -1);
      if (!g_hash_table_contains (map, key))
        g_hash_table_insert (map, key, g_ascii_strdown (cat, n));
      else
        g_free (key);
    }
    g_free (addr);
    g_free (fr);
    g_free (cat);
  }
  g_free (block);
}

/* _bc_dsn_categories - the sending MTA's own verdict on each recipient where
 * its DSN gives one per recipient block: PowerMTA writes
 * "X-PowerMTA-BounceCategory: bad-mailbox" (one word of its list:
 * bad-mailbox, bad-domain, inactive-mailbox, quota-issues, spam-related,
 * ...) into each block. The word is that MTA's own reading of the remote
 * reply, so the rules weigh it under any cause the reply states
 * (40-hosts.rules). Only DSN parts that name the field are walked, once,
 * block by block (a block ends at a blank line); the texts are already
 * bounded by the MIME stage, and at most @max_blocks blocks are read.
 * Returns a table from the lower-cased address to the lower-cased word
 * (free with g_hash_table_unref()), or NULL when no DSN names one. */
GHashTable *
_bc_dsn_categories (const BcMime *m, guint max_blocks)
{
  static const char field[] = "X-PowerMTA-BounceCategory";
  GHashTable *map = NULL;
  guint blocks = 0;

  if (!m->dsn)
    return NULL;
  for (guint i = 0; i < m->dsn->len && blocks < max_blocks; i++) {
    const char *t = g_ptr_array_index (m->dsn, i);
    const char *b = t, *p = t;
    if (!_bc_strcasestr (t, field))
      continue;
    if (!map)
      map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    for (;;) {
      const char *nl = strchr (p, '\n');
      const char *le = nl ? nl : p + strlen (p);
      gboolean blank = TRUE;
      for (const char *q = p; q < le; q++)
        if (*q != ' ' && *q != '\t' && *q != '\r') {
          blank = FALSE;
          break;
        }
      if (blank || !nl) {
        const char *e = blank ? p : le;
        if (e > b && blocks++ < max_blocks)
          block_category (b, e, field, map);
        if (!nl || blocks >= max_blocks)
          break;
        b = nl + 1;
      }
      p = nl + 1;
    }
  }
  return map;
}

/* _bc_field_get - the unfolded value of the first field @name in @block,
 * newly allocated, or NULL. */
char *
_bc_field_get (const char *block, const char *name)
{
  gsize n = strlen (name);
  const char *p = block;

  while (p && *p) {
    if (g_ascii_strncasecmp (p, name, n) == 0 && p[n] == ':') {
      const char *v = p + n + 1, *e = v;
      for (;;) {
        const char *nl = strchr (e, '\n');
        if (!nl) {
          e += strlen (e);
          break;
        }
        if (nl[1] == ' ' || nl[1] == '\t')
          e = nl + 1;
        else {
          e = nl;
          break;
        }
      }
      return _bc_squeeze (v, e - v);
    }
    p = strchr (p, '\n');
    if (p)
      p++;
  }
  return NULL;
}
