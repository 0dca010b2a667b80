/* rules.c - load rules files and find the rule that decides a recipient.
 *
 * A rule is one logical line: a reason, then key=value conditions, quoted
 * the way a POSIX shell quotes (see docs/rules.md). Lines that start with
 * white space continue the rule above. Every condition of a rule must hold;
 * of the rules that hold, the one with the highest precedence wins, then
 * the highest weight, then the earliest in its file. Rules are compiled once
 * when loaded and sorted so that matching stops at the first rule that
 * holds. A shipped pattern is compiled, JIT and all, the first time it
 * runs. A pattern in a rules file given by the user is compiled when
 * loaded, so that a bad one is reported with its file and line, and runs
 * in PCRE's interpreter under a budget of steps for the whole match (see
 * USER_MATCH_BUDGET). The shipped rules, which the test suite compiles
 * (tests/unit/test-ruledata.c), are not checked when loaded: checking their
 * 800-odd patterns took a third of a one-message run. Cheap conditions are
 * checked first; a text pattern runs only when the diagnostic holds a
 * literal of each of the two sets that prefilter.c finds every match
 * contains (need_literals), with the letters of the BMP, in any script,
 * read folded to one case: a Russian or French pattern is ruled out by its
 * words as an English one is. Regular expressions run with a PCRE match
 * limit and on at most max_line bytes of text, so no input can make them
 * backtrack for long.
 *
 * Keys: status, reply, text, not, host, recognizer, dsn-action, source,
 * command, category, weight, permanent (not a condition: the rule's hard reason stays
 * hard under a 4xx code; see rules/taxonomy.c). "command" lists SMTP commands (CONN, HELO, STARTTLS,
 * AUTH, MAIL, RCPT, DATA; see evidence/command.c) and holds when the
 * refusal answered one of them; it adds 20 to the default weight. A
 * recipient whose command is unknown matches only the word "none" in a
 * command list, one with no status code only "none" in a status list.
 */
#include "bc-private.h"
#include "prefilter.h"

#include <string.h>
#include <stdlib.h>
#include <stdio.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#define REGEX_LIMIT "(*LIMIT_MATCH=200000)"
/* A user's pattern runs in PCRE's interpreter under a lower limit. The
 * interpreter counts every backtracking step, so the work of one match is
 * at most the limit for each start position of the (max_line) text. The JIT
 * counts only some of them: "(x)?a*.+bcd|z" ran for minutes on 4 KB of
 * "a" within the JIT's limit. The shipped patterns, written not to chain
 * unbounded repeats and fuzzed against hostile text, keep the JIT. */
#define USER_REGEX_LIMIT "(*LIMIT_MATCH=10000)"
/* ... but that limit counts afresh at each start position, so a pattern
 * that chains unbounded repeats and gives the prefilter no literal
 * ("a*.?a*#|.x") could still spend it at every position: 10 s on 4 KB, the
 * fuzzer found. So a user's pattern is matched by PCRE2 directly (GRegex
 * has no callouts), compiled with an automatic callout before each item,
 * and the callout stops the match once the whole of it, over every start
 * position, has taken this many steps (about 40 ms on this machine). A
 * match stopped there counts as no match. */
#define USER_MATCH_BUDGET 200000u
#define MAX_REPEAT 255           /* largest count of a bounded repeat in a rule */

typedef struct {
  char cls;                 /* '2', '4', '5', 0 for any, or 'n' for "none":
                               the recipient has no status code */
  int sub_lo, sub_hi;       /* -1 for any */
  int det_lo, det_hi;
} StatusPat;

typedef struct {
  char d[3];                /* digit or 'x' */
} ReplyPat;

typedef struct {
  /* what _bc_rules_match() tests, in its order, first: most rules it
   * visits fail one of these, and they share the rule's first cache lines */
  char *text;               /* the pattern, with its match limit */
  char **text_need;         /* literals for the prefilter (non-ASCII
                               characters folded), or NULL */
  gboolean text_filter;     /* text can be ruled out: it needs one of
                               text_need, or (text_high) a non-ASCII byte */
  gboolean text_high;
  char **text_need2;        /* the same for a second set that every match */
  gboolean text_filter2;    /* also holds (_bc_prefilter_literals2) */
  gboolean text_high2;
  guint64 text_leads;       /* the UTF-8 lead bytes (bit b - 0xc0) of the
                               non-ASCII characters text_high stands for
                               (only with text_high or text_high2) */
  char **sources;
  char **dsn_actions;
  char **recognizers;
  GArray *status;           /* StatusPat, NULL when no condition */
  GArray *reply;            /* ReplyPat */
  char **hosts;             /* lower-case; "*" globs or domain suffixes */
  char **categories;        /* the sending MTA's bounce categories */
  char **commands;          /* lower-case SMTP command names */
  pcre2_code *text_user;    /* a user's pattern: matched by user_match() */
  GRegex *text_jit;         /* compiled (JIT) on first use (shipped rules) */
  gsize text_once;
  /* the rest */
  const char *reason;
  int precedence;
  int weight;
  guint order;
  char *origin;
  char *text_src;
  char *not_text;
  GRegex *not_jit;
  gsize not_once;
  pcre2_code *not_user;
  gsize *host_lens;         /* the lengths of hosts[] */
  GPatternSpec **host_globs;
  gboolean permanent;       /* permanent=yes: a 4xx code does not soften it */
} Rule;

struct _BcRuleSet {
  GPtrArray *rules;         /* (Rule *) sorted by _bc_rules_finish() */
  guint next_order;
  BcPrefilter *prefilter;   /* over the sorted rules' text_need */
  guint32 *always;          /* the sorted rules the prefilter cannot rule
                               out by a missing literal alone, ascending */
  guint nalways;
  gboolean trusted;         /* patterns are not checked when parsed */
};

static void
rule_free (Rule *r)
{
  if (!r)
    return;
  g_free (r->origin);
  if (r->status)
    g_array_unref (r->status);
  if (r->reply)
    g_array_unref (r->reply);
  g_free (r->text);
  g_clear_pointer (&r->text_jit, g_regex_unref);
  g_free (r->not_text);
  g_clear_pointer (&r->not_jit, g_regex_unref);
  g_clear_pointer (&r->text_user, pcre2_code_free);
  g_clear_pointer (&r->not_user, pcre2_code_free);
  g_free (r->text_src);
  g_strfreev (r->text_need);
  g_strfreev (r->text_need2);
  if (r->host_globs) {
    for (guint i = 0; r->hosts[i]; i++)
      if (r->host_globs[i])
        g_pattern_spec_free (r->host_globs[i]);
    g_free (r->host_globs);
  }
  g_free (r->host_lens);
  g_strfreev (r->hosts);
  g_strfreev (r->recognizers);
  g_strfreev (r->dsn_actions);
  g_strfreev (r->sources);
  g_strfreev (r->commands);
  g_strfreev (r->categories);
  g_free (r);
}

BcRuleSet *
_bc_rules_new (void)
{
  BcRuleSet *rs = g_new0 (BcRuleSet, 1);
  rs->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
  return rs;
}

void
_bc_rules_free (BcRuleSet *rs)
{
  if (!rs)
    return;
  g_ptr_array_unref (rs->rules);
  _bc_prefilter_free (rs->prefilter);
  g_free (rs->always);
  g_free (rs);
}

/* _bc_rules_set_trusted - while set, _bc_rules_parse() does not compile
 * patterns to check them (the shipped rules, checked by the tests); each is
 * compiled when it first runs. */
void
_bc_rules_set_trusted (BcRuleSet *rs, gboolean trusted)
{
  rs->trusted = trusted;
}

guint
_bc_rules_count (const BcRuleSet *rs)
{
  return rs->rules->len;
}

/* parse_range - "*", "7", "606-649" into lo/hi; FALSE when malformed. */
static gboolean
parse_range (const char *s, int *lo, int *hi)
{
  char *end;
  long a, b;

  if (strcmp (s, "*") == 0) {
    *lo = *hi = -1;
    return TRUE;
  }
  a = strtol (s, &end, 10);
  if (end == s || a < 0 || a > 999)
    return FALSE;
  b = a;
  if (*end == '-') {
    const char *t = end + 1;
    b = strtol (t, &end, 10);
    if (end == t || b < a || b > 999)
      return FALSE;
  }
  if (*end)
    return FALSE;
  *lo = a;
  *hi = b;
  return TRUE;
}

static gboolean
parse_status (const char *v, GArray **out, int *spec)
{
  char **items = g_strsplit (v, ",", -1);
  gboolean ok = TRUE;

  *out = g_array_new (FALSE, FALSE, sizeof (StatusPat));
  *spec = 0;
  for (guint i = 0; ok && items[i]; i++) {
    char **parts = g_strsplit (g_strstrip (items[i]), ".", 3);
    StatusPat sp = { 0, -1, -1, -1, -1 };
    guint n = g_strv_length (parts);
    int s;

    if (n == 1 && g_ascii_strcasecmp (parts[0], "none") == 0)
      sp.cls = 'n';
    else if (n == 0 || (strcmp (parts[0], "*") != 0 && !(strlen (parts[0]) == 1 &&
                                                          strchr ("245", parts[0][0]))))
      ok = FALSE;
    else {
      sp.cls = parts[0][0] == '*' ? 0 : parts[0][0];
      if (n >= 2 && !parse_range (parts[1], &sp.sub_lo, &sp.sub_hi))
        ok = FALSE;
      if (n >= 3 && !parse_range (parts[2], &sp.det_lo, &sp.det_hi))
        ok = FALSE;
    }
    /* how specific: 5.1.1 60, 5.7.606-649 50, 5.7.* 40, 5.0.0 or 5.* 15 */
    if (sp.det_lo >= 0 && sp.sub_lo > 0 && sp.det_lo == sp.det_hi && sp.det_lo > 0)
      s = 60;
    else if (sp.det_lo > 0)
      s = 50;
    else if (sp.sub_lo > 0)
      s = 40;
    else
      s = 15;
    *spec = MAX (*spec, s);
    g_array_append_val (*out, sp);
    g_strfreev (parts);
  }
  g_strfreev (items);
  return ok;
}

static gboolean
parse_reply (const char *v, GArray **out)
{
  char **items = g_strsplit (v, ",", -1);
  gboolean ok = TRUE;

  *out = g_array_new (FALSE, FALSE, sizeof (ReplyPat));
  for (guint i = 0; ok && items[i]; i++) {
    const char *it = g_strstrip (items[i]);
    ReplyPat rp;
    if (strlen (it) != 3 || !strchr ("12345", it[0]))
      ok = FALSE;
    for (int k = 0; ok && k < 3; k++) {
      char c = g_ascii_tolower (it[k]);
      if (!g_ascii_isdigit (c) && c != 'x')
        ok = FALSE;
      rp.d[k] = c;
    }
    if (ok)
      g_array_append_val (*out, rp);
  }
  g_strfreev (items);
  return ok;
}

static char **
parse_list (const char *v)
{
  char **items = g_strsplit (v, ",", -1);
  for (guint i = 0; items[i]; i++) {
    char *low = g_ascii_strdown (g_strstrip (items[i]), -1);
    g_free (items[i]);
    items[i] = low;
  }
  return items;
}

/* repeat_over - the first bounded repeat ({n}, {n,}, {n,m}) in @src whose
 * count is over MAX_REPEAT, or 0. The match limit counts backtracking
 * points, but a fixed repeat such as .{3000} runs its count between two of
 * them: a* followed by .{3000} on 4,000 bytes took 24 seconds within the
 * limit. With counts capped the work stays bounded by limit x MAX_REPEAT. */
static gulong
repeat_over (const char *src)
{
  gboolean in_class = FALSE;

  if (!strchr (src, '{'))
    return 0;                 /* most patterns: no repeat at all */
  for (const char *p = src; *p; p++) {
    if (*p == '\\') {
      if (!*++p)
        break;
      continue;
    }
    if (in_class) {
      in_class = *p != ']';
      continue;
    }
    if (*p == '[') {
      in_class = TRUE;
      if (p[1] == '^')
        p++;
      if (p[1] == ']')            /* a ']' first in a class is literal */
        p++;
      continue;
    }
    if (*p == '{' && g_ascii_isdigit (p[1])) {
      char *e;
      gulong lo = strtoul (p + 1, &e, 10), hi = 0;
      if (*e == ',' && g_ascii_isdigit (e[1]))
        hi = strtoul (e + 1, &e, 10);
      else if (*e == ',')
        e++;
      if (*e == '}' && MAX (lo, hi) > MAX_REPEAT)
        return MAX (lo, hi);
    }
  }
  return 0;
}

/* regex_new - @pat compiled caseless and JIT-optimised, or without JIT if
 * that fails; NULL, with @error set, when it does not compile. */
static GRegex *
regex_new (const char *pat, GError **error)
{
  GRegex *re = g_regex_new (pat, G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
  if (!re)
    re = g_regex_new (pat, G_REGEX_CASELESS, 0, error);
  return re;
}

/* user_compile - @pat for PCRE2 as GRegex compiles it (UTF-8, Unicode
 * properties, caseless, any newline), with an automatic callout before
 * each item for user_match() to count; NULL with @error set. */
static pcre2_code *
user_compile (const char *pat, GError **error)
{
  pcre2_compile_context *cc = pcre2_compile_context_create (NULL);
  pcre2_code *code;
  int err;
  PCRE2_SIZE off;

  pcre2_set_newline (cc, PCRE2_NEWLINE_ANY);
  code = pcre2_compile ((PCRE2_SPTR) pat, PCRE2_ZERO_TERMINATED,
                        PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_AUTO_CALLOUT,
                        &err, &off, cc);
  pcre2_compile_context_free (cc);
  if (!code) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message (err, msg, sizeof msg);
    g_set_error (error, BC_ERROR, BC_ERROR_RULES, "bad regular expression: %s", (char *) msg);
  }
  return code;
}

static int
count_step (pcre2_callout_block *block, void *data)
{
  guint *left = data;

  (void) block;
  if (*left == 0)
    return PCRE2_ERROR_CALLOUT;             /* the budget is spent: stop */
  (*left)--;
  return 0;
}

/* user_match - whether @code matches @subject (@len bytes, UTF-8) within
 * USER_MATCH_BUDGET steps over all start positions; the matched text in
 * *@matched (newly allocated) when @matched is not NULL. */
static gboolean
user_match (const pcre2_code *code, const char *subject, gsize len, char **matched)
{
  pcre2_match_data *md = pcre2_match_data_create_from_pattern (code, NULL);
  pcre2_match_context *mc = pcre2_match_context_create (NULL);
  guint left = USER_MATCH_BUDGET;
  int rc;

  pcre2_set_callout (mc, count_step, &left);
  rc = pcre2_match (code, (PCRE2_SPTR) subject, len, 0, 0, md, mc);
  if (rc >= 0 && matched) {
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer (md);
    *matched = ov[1] >= ov[0] ? g_strndup (subject + ov[0], ov[1] - ov[0]) : g_strdup ("");
  }
  pcre2_match_context_free (mc);
  pcre2_match_data_free (md);
  return rc >= 0;
}

/* compile - the pattern @src with its match limit (newly allocated), or
 * NULL with @error set. With @check (an untrusted file) it is compiled now,
 * so that a bad one is reported where it is, into *@user for user_match()
 * (owned by the rule). Otherwise (the shipped rules) jit() compiles it on
 * first use: most rules never run in a process (the prefilter rules them
 * out), and JIT-compiling all of them took half the start-up time. */
static char *
compile (const char *src, gboolean check, pcre2_code **user, GError **error)
{
  gulong over = repeat_over (src);
  char *pat;

  if (over) {
    g_set_error (error, BC_ERROR, BC_ERROR_RULES,
                 "a bounded repeat of %lu is over the limit of %u (large counts make matching slow)",
                 over, MAX_REPEAT);
    return NULL;
  }
  /* "(*LIMIT_MATCH=...)" and the other settings PCRE reads at the start of
   * a pattern would follow ours, and the last one wins */
  if (g_str_has_prefix (src, "(*")) {
    g_set_error (error, BC_ERROR, BC_ERROR_RULES,
                 "a pattern may not start with \"(*\" (PCRE settings such as (*LIMIT_MATCH=) are set by bounceclass)");
    return NULL;
  }
  pat = g_strconcat (check ? USER_REGEX_LIMIT : REGEX_LIMIT, src, NULL);
  if (check) {
    /* GRegex's compile gives the error message users know; PCRE2 then
     * compiles the same pattern, with GRegex's options, for user_match() */
    GRegex *re = g_regex_new (pat, G_REGEX_CASELESS, 0, error);
    if (!re) {
      g_free (pat);
      return NULL;
    }
    g_regex_unref (re);
    *user = user_compile (pat, error);
    if (!*user) {
      g_free (pat);
      return NULL;
    }
  }
  return pat;
}

/* jit - the regex of @pat in *@slot, compiled once, on first use
 * (thread-safe: rules are matched from several threads); NULL, a rule that
 * never holds, only for a pattern that does not compile (the shipped ones
 * all do: a unit test compiles each). */
static GRegex *
jit (const char *pat, GRegex **slot, gsize *once)
{
  if (g_once_init_enter (once)) {
    *slot = regex_new (pat, NULL);
    g_once_init_leave (once, 1);
  }
  return *slot;
}

/* unmarked_need - @lits (from the 0x01-marked pattern of need_literals,
 * taken) as literals without the marker, NULL when none; *@high when one
 * of them stands for a non-ASCII character; *@known FALSE when @lits is
 * NULL. */
static char **
unmarked_need (char **lits, gboolean *known, gboolean *high)
{
  guint n = 0;

  *known = *high = FALSE;
  if (!lits)
    return NULL;
  *known = TRUE;
  /* in place: a literal without the marker stays as it is */
  for (guint i = 0; lits[i]; i++) {
    char *l = lits[i];
    const char *best = NULL;
    gsize best_len = 0;
    if (!strchr (l, '\x01')) {
      lits[n++] = l;
      continue;
    }
    for (const char *q = l; *q;) {
      gsize k = strcspn (q, "\x01");
      if (k > best_len) {
        best = q;
        best_len = k;
      }
      q += k;
      if (*q)
        q++;
    }
    if (best_len >= 3)
      lits[n++] = g_strndup (best, best_len);
    else
      *high = TRUE;
    g_free (l);
  }
  lits[n] = NULL;
  if (n == 0) {
    g_free (lits);
    return NULL;
  }
  return lits;
}

/* need_literals - what every match of the text pattern @src contains, for
 * the prefilter: one of the returned literals (NULL-ended, or NULL when
 * none), or, when *@high is set, a non-ASCII character. *@known is
 * FALSE when nothing can be said (the pattern must always run). The same
 * for the second set of prefilter.c, which every match holds as well, in
 * *@need2, *@known2, *@high2.
 *
 * The prefilter's scan reads each character of the BMP folded to one
 * member of its caseless set (_bc_prefilter_fold(): ß for ß and U+1E9E, в
 * for В and U+1C80, k for K and U+212A KELVIN SIGN), so each such
 * character of the pattern outside an escape is written folded, and a
 * Russian, Greek or French pattern has literals of its own words, as a
 * Japanese one (whose characters fold to themselves) does. A character
 * past the BMP, which the scan does not fold, is replaced by the byte 0x01,
 * which is then a literal character like any other; a literal that holds
 * it stands for its longest piece without it if that is 3 bytes or more,
 * else for "some non-ASCII character" (*@high). This is sound because in
 * a caseless UTF-8 pattern a non-ASCII character matches only non-ASCII
 * characters, except KELVIN SIGN and U+017F LONG S, which fold to k and
 * s. */
static char **
need_literals (const char *src, gboolean *known, gboolean *high, char ***need2,
               gboolean *known2, gboolean *high2)
{
  GString *t;
  char **lits, **lits2;

  if (strchr (src, '\x01')) {
    /* the marker itself in a pattern: say nothing */
    *need2 = NULL;
    *known = *high = *known2 = *high2 = FALSE;
    return NULL;
  }
  t = g_string_sized_new (strlen (src));
  for (const char *p = src; *p;) {
    if (*p == '\\' && p[1]) {
      /* an escape stays as it is (prefilter.c gives up on a non-ASCII one) */
      const char *n = g_utf8_next_char (p + 1);
      g_string_append_len (t, p, n - p);
      p = n;
    } else if ((guchar) *p >= 0x80) {
      gunichar c = g_utf8_get_char_validated (p, -1);
      const char *n = g_utf8_next_char (p);
      if (c == (gunichar) -1 || c == (gunichar) -2) {
        /* not UTF-8 (the pattern will not compile): say nothing */
        g_string_free (t, TRUE);
        *need2 = NULL;
        *known = *high = *known2 = *high2 = FALSE;
        return NULL;
      }
      if (c < 0x10000) {
        char u[6];
        g_string_append_len (t, u, g_unichar_to_utf8 (_bc_prefilter_fold (c), u));
      } else
        g_string_append_c (t, '\x01');
      p = n;
    } else {
      /* a run of ASCII but '\\' */
      const char *q = p + 1;
      while (*q && (guchar) *q < 0x80 && *q != '\\')
        q++;
      g_string_append_len (t, p, q - p);
      p = q;
    }
  }
  lits = _bc_prefilter_literals2 (t->str, &lits2);
  g_string_free (t, TRUE);
  *need2 = unmarked_need (lits2, known2, high2);
  return unmarked_need (lits, known, high);
}

/* lead_bit - the bit of lead_bytes() for the UTF-8 lead byte of @c
 * (non-ASCII) */
static guint64
lead_bit (gunichar c)
{
  char b[6];

  g_unichar_to_utf8 (c, b);
  return G_GUINT64_CONSTANT (1) << ((guchar) b[0] - 0xc0);
}

/* case_leads - _bc_prefilter_fold() -> the lead bits of every character
 * of the BMP that folds to it, where that is more than one, made once (only
 * when a rule needs it: see lead_bytes()) */
static GHashTable *
case_leads (void)
{
  static GHashTable *table;
  static gsize once;

  if (g_once_init_enter (&once)) {
    GHashTable *t = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
    for (gunichar u = 0x80; u < 0x10000; u++) {
      gunichar k = _bc_prefilter_fold (u);
      guint64 *bits;
      if (k == u)
        continue;                      /* counted with those that fold to it */
      bits = g_hash_table_lookup (t, GUINT_TO_POINTER (k));
      if (!bits) {
        bits = g_new0 (guint64, 1);
        g_hash_table_insert (t, GUINT_TO_POINTER (k), bits);
      }
      *bits |= lead_bit (u) | (k >= 0x80 ? lead_bit (k) : 0);
    }
    table = t;                           /* never freed */
    g_once_init_leave (&once, 1);
  }
  return table;
}

/* char_leads - the lead bytes of @c (non-ASCII) and of the characters of
 * its case set; G_MAXUINT64 when that set holds an ASCII character (KELVIN
 * SIGN and LONG S aside: they are read as k and s; the fold gives no other) */
static guint64
char_leads (gunichar c)
{
  gunichar k;
  const guint64 *bits;

  if (c < 0x80)
    return 0;
  k = _bc_prefilter_fold (c);
  if (k < 0x80 && c != 0x212a && c != 0x17f)
    return G_MAXUINT64;
  /* past the BMP (not folded), the other cases of a character (Deseret,
   * Osage, Adlam, ...) start with the same byte, 0xf0, as it does */
  bits = g_hash_table_lookup (case_leads (), GUINT_TO_POINTER (k));
  return lead_bit (c) | (bits ? *bits : 0);
}

/* lead_bytes - the UTF-8 lead bytes (bit b - 0xc0 for lead byte b) that a
 * text holds when the caseless pattern @src matches it through one of its
 * non-ASCII characters (outside escapes): each character's own, and those
 * of every character that folds alike (char_leads(): not only its upper
 * and lower case, but ß and U+1E9E, θ and ϑ, Cyrillic в and U+1C80). A
 * character next to a '-' may end a range ("[а-я]"): every character of
 * the range counts (all lead bytes for a range of more than 8192, or past
 * 65,536 characters in all). A character with an ASCII case other than
 * KELVIN SIGN and LONG S (read as k and s) makes every lead byte count, as
 * does a byte that is not UTF-8. need_literals() says whether the pattern
 * needs a non-ASCII character it has no literal for (*@high: since the BMP
 * is folded, only one past it); this narrows which. Worked out only for
 * such a rule. */
static guint64
lead_bytes (const char *src)
{
  guint64 leads = 0;
  gint64 budget = 65536;          /* characters looked at, over all ranges */

  for (const char *p = src; *p;) {
    const char *q;
    gunichar c, lo, hi;
    if (*p == '\\' && p[1]) {
      p = g_utf8_next_char (p + 1);
      continue;
    }
    if ((guchar) *p < 0x80) {
      p++;
      continue;
    }
    c = g_utf8_get_char_validated (p, -1);
    if (c == (gunichar) -1 || c == (gunichar) -2)
      return G_MAXUINT64;
    q = g_utf8_next_char (p);
    lo = hi = c;
    if (*q == '-' && q[1] && q[1] != ']' && q[1] != '\\') {
      gunichar d = g_utf8_get_char_validated (q + 1, -1);
      if (d == (gunichar) -1 || d == (gunichar) -2)
        return G_MAXUINT64;
      lo = MIN (c, d);
      hi = MAX (c, d);
    } else if (p - src >= 2 && p[-1] == '-' && p[-2] != '\\') {
      gunichar d = (guchar) p[-2];
      if (d >= 0x80) {
        const char *b = g_utf8_find_prev_char (src, p - 1);
        d = b ? g_utf8_get_char_validated (b, -1) : (gunichar) -1;
        if (d == (gunichar) -1 || d == (gunichar) -2)
          return G_MAXUINT64;
      }
      lo = MIN (c, d);
      hi = MAX (c, d);
    }
    if (hi - lo > 8192 || (budget -= hi - lo + 1) < 0)
      return G_MAXUINT64;
    for (gunichar u = lo; u <= hi; u++) {
      if (u >= 0xd800 && u <= 0xdfff)
        continue;
      leads |= char_leads (u);
      if (leads == G_MAXUINT64)
        return leads;
    }
    p = q;
  }
  return leads;
}

/* _bc_rules_split_plain - @text split into words as g_shell_parse_argv()
 * splits it, for the lines it reads plainly: words of ordinary characters
 * and '...' quotes, apart by spaces and tabs, and maybe a comment ('#' at
 * the start or after a space, and more after it: to the end). FALSE, and
 * nothing set, for any other line (a backslash or double quote outside
 * single quotes, a '#' inside a word or after a tab, a control character,
 * an open quote, no word): the shell parser takes those, and gives its own
 * errors. Nearly every line of the rules files is plain, and the shell
 * parser took a fifth of the start-up. tests/unit/test-rules.c compares
 * the two on random lines. */
#define CONTROL(c) ((guchar) (c) < 0x20 && (c) != '\t')   /* NUL too */
gboolean
_bc_rules_split_plain (const char *text, int *argc, char ***argv)
{
  gboolean quote = FALSE;
  guint n = 0;
  char **v, *buf, *o;
  const char *p = text, *end;

  for (;;) {
    while (!CONTROL (*p) && *p != '\'' && *p != '\\' && *p != '"' && *p != '#')
      p++;
    if (!*p)
      break;
    if (*p == '\'') {
      for (p++; !CONTROL (*p) && *p != '\''; p++)
        ;
      if (*p != '\'')
        return FALSE;         /* open, or a control character */
      p++;
      quote = TRUE;
    } else if (*p == '#' && (p == text || p[-1] == ' ') && p[1]) {
      /* a comment (one of a lone '#' is an error to the shell parser) */
      const char *q = p + 1;
      while (!CONTROL (*q))
        q++;
      if (*q)
        return FALSE;
      break;
    } else
      return FALSE;
  }
  end = p;
  if (!quote && text + strspn (text, " \t") == end)
    return FALSE;             /* no word */
  /* at most a word for every two bytes */
  v = g_new (char *, (end - text) / 2 + 2);
  buf = g_malloc (end - text + 1);
  for (p = text; p < end;) {
    if (*p == ' ' || *p == '\t') {
      p++;
      continue;
    }
    o = buf;
    while (p < end && *p != ' ' && *p != '\t') {
      const char *q;
      if (*p == '\'') {
        q = strchr (p + 1, '\'');
        memcpy (o, p + 1, q - p - 1);
        o += q - p - 1;
        p = q + 1;
      } else {
        for (q = p; q < end && *q != ' ' && *q != '\t' && *q != '\''; q++)
          ;
        memcpy (o, p, q - p);
        o += q - p;
        p = q;
      }
    }
    v[n++] = g_strndup (buf, o - buf);
  }
  v[n] = NULL;
  g_free (buf);
  *argc = (int) n;
  *argv = v;
  return TRUE;
}
#undef CONTROL

#define FAIL(...)                                                            \
  do {                                                                       \
    g_set_error (error, BC_ERROR, BC_ERROR_RULES, __VA_ARGS__);              \
    goto out;                                                                \
  } while (0)

static Rule *
parse_rule (const char *name, guint line, const char *text, int precedence, gboolean check,
            GError **error)
{
  char **argv = NULL;
  int argc = 0;
  GError *e = NULL;
  Rule *r = NULL, *ret = NULL;
  int weight = 0, status_spec = 0;
  gboolean have_weight = FALSE;

  if (!_bc_rules_split_plain (text, &argc, &argv) && !g_shell_parse_argv (text, &argc, &argv, &e)) {
    g_set_error (error, BC_ERROR, BC_ERROR_RULES, "%s:%u: %s", name, line, e->message);
    g_error_free (e);
    return NULL;
  }
  r = g_new0 (Rule, 1);
  {
    /* "name:line", without printf (a thousand rules at each start) */
    char digits[12], *d = digits + sizeof digits - 1;
    guint l = line;
    *d = 0;
    do
      *--d = (char) ('0' + l % 10);
    while (l /= 10);
    r->origin = g_strconcat (name, ":", d, NULL);
  }
  r->precedence = precedence;
  r->reason = _bc_reason_intern (argv[0]);
  if (!r->reason)
    FAIL ("%s:%u: unknown reason '%s'", name, line, argv[0]);
  if (argc < 2)
    FAIL ("%s:%u: rule for '%s' has no condition", name, line, argv[0]);
  for (int i = 1; i < argc; i++) {
    const char *eq = strchr (argv[i], '=');
    char *key;
    const char *v;
    if (!eq || eq == argv[i])
      FAIL ("%s:%u: expected key=value, got '%s'", name, line, argv[i]);
    key = g_strndup (argv[i], eq - argv[i]);
    v = eq + 1;
#define IS(k) (strcmp (key, k) == 0)
#define ONCE(field) do { if (field) { g_free (key); FAIL ("%s:%u: '%s' given twice", name, line, argv[i]); } } while (0)
    if (!*v) {
      g_free (key);
      FAIL ("%s:%u: empty value in '%s'", name, line, argv[i]);
    }
    if (IS ("status")) {
      ONCE (r->status);
      if (!parse_status (v, &r->status, &status_spec)) {
        g_free (key);
        FAIL ("%s:%u: bad status pattern '%s'", name, line, v);
      }
      weight += status_spec;
    } else if (IS ("reply")) {
      ONCE (r->reply);
      if (!parse_reply (v, &r->reply)) {
        g_free (key);
        FAIL ("%s:%u: bad reply pattern '%s'", name, line, v);
      }
      weight += 10;
    } else if (IS ("text") || IS ("not")) {
      char **slot = IS ("text") ? &r->text : &r->not_text;
      ONCE (*slot);
      *slot = compile (v, check, IS ("text") ? &r->text_user : &r->not_user, &e);
      if (!*slot) {
        g_free (key);
        g_set_error (error, BC_ERROR, BC_ERROR_RULES, "%s:%u: bad regular expression: %s",
                     name, line, e->message);
        g_error_free (e);
        goto out;
      }
      if (IS ("text")) {
        r->text_src = g_strdup (v);
        r->text_need = need_literals (v, &r->text_filter, &r->text_high, &r->text_need2,
                                      &r->text_filter2, &r->text_high2);
        if (r->text_high || r->text_high2)
          r->text_leads = lead_bytes (v);
        weight += 50;
      }
    } else if (IS ("host")) {
      ONCE (r->hosts);
      r->hosts = parse_list (v);
      r->host_globs = g_new0 (GPatternSpec *, g_strv_length (r->hosts) + 1);
      r->host_lens = g_new0 (gsize, g_strv_length (r->hosts) + 1);
      for (guint k = 0; r->hosts[k]; k++) {
        r->host_lens[k] = strlen (r->hosts[k]);
        if (strpbrk (r->hosts[k], "*?"))
          r->host_globs[k] = g_pattern_spec_new (r->hosts[k]);
      }
      weight += 20;
    } else if (IS ("recognizer")) {
      ONCE (r->recognizers);
      r->recognizers = parse_list (v);
      weight += 10;
    } else if (IS ("dsn-action")) {
      ONCE (r->dsn_actions);
      r->dsn_actions = parse_list (v);
      weight += 30;
    } else if (IS ("source")) {
      ONCE (r->sources);
      r->sources = parse_list (v);
      weight += 30;
    } else if (IS ("command")) {
      ONCE (r->commands);
      r->commands = parse_list (v);
      weight += 20;
    } else if (IS ("category")) {
      ONCE (r->categories);
      r->categories = parse_list (v);
      weight += 20;
    } else if (IS ("permanent")) {
      if (g_ascii_strcasecmp (v, "yes") == 0 || g_ascii_strcasecmp (v, "true") == 0)
        r->permanent = TRUE;
      else if (g_ascii_strcasecmp (v, "no") != 0 && g_ascii_strcasecmp (v, "false") != 0) {
        g_free (key);
        FAIL ("%s:%u: permanent must be yes or no, got '%s'", name, line, v);
      }
    } else if (IS ("weight")) {
      char *end;
      long w = strtol (v, &end, 10);
      if (*end || w < 0 || w > 1000) {
        g_free (key);
        FAIL ("%s:%u: weight must be 0 to 1000, got '%s'", name, line, v);
      }
      have_weight = TRUE;
      r->weight = (int) w;
    } else {
      g_set_error (error, BC_ERROR, BC_ERROR_RULES, "%s:%u: unknown key '%s'", name, line, key);
      g_free (key);
      goto out;
    }
    g_free (key);
#undef IS
#undef ONCE
  }
  if (!r->status && !r->reply && !r->text && !r->hosts && !r->recognizers &&
      !r->dsn_actions && !r->sources && !r->commands && !r->categories)
    FAIL ("%s:%u: rule for '%s' has no condition", name, line, argv[0]);
  if (!have_weight)
    r->weight = weight;
  ret = r;
  r = NULL;
out:
  rule_free (r);
  g_strfreev (argv);
  return ret;
}

/* valid_utf8 - g_utf8_validate (@data, @len, NULL), faster on the rules
 * files, which are mostly ASCII: runs of ASCII (but NUL) are passed over
 * eight bytes at a time, and only the runs of other bytes between them,
 * which hold whole characters when the text is valid, are given to GLib */
static gboolean
valid_utf8 (const char *data, gsize len)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  const guint64 highs = G_GUINT64_CONSTANT (0x8080808080808080);
  const char *p = data, *end = data + len;

  while (p < end) {
    const char *q;
    guint64 w;
    if (end - p >= 8) {
      memcpy (&w, p, 8);
      if (!(w & highs) && !((w - ones) & ~w & highs)) {
        p += 8;               /* ASCII, no NUL */
        continue;
      }
    }
    if ((guchar) *p - 1u < 0x7f) {
      p++;
      continue;
    }
    if (!*p)
      return FALSE;
    for (q = p; q < end && (guchar) *q >= 0x80; q++)
      ;
    if (!g_utf8_validate_len (p, q - p, NULL))
      return FALSE;
    p = q;
  }
  return TRUE;
}

gboolean
_bc_rules_parse (BcRuleSet *rs, const char *name, const char *data, gsize len, int precedence,
                 GError **error)
{
  GPtrArray *added = g_ptr_array_new ();
  const char *p = data, *end = data + len;
  GString *logical = g_string_new (NULL);
  guint lineno = 0, start_line = 0;
  gboolean ok = TRUE;

  if (!valid_utf8 (data, len)) {
    g_set_error (error, BC_ERROR, BC_ERROR_RULES, "%s: not valid UTF-8", name);
    ok = FALSE;
    goto done;
  }
  while (ok) {
    const char *nl = p < end ? memchr (p, '\n', end - p) : NULL;
    const char *le = nl ? nl : end;
    gboolean at_end = p >= end;
    gboolean cont = !at_end && (*p == ' ' || *p == '\t');
    const char *q = p, *te = le;

    while (te > p && te[-1] == '\r')    /* CRLF: no CR in any piece */
      te--;
    if (!at_end)
      lineno++;
    while (q < le && (*q == ' ' || *q == '\t' || *q == '\r'))
      q++;
    if (!at_end && (q == le || *q == '#')) {
      /* blank or comment lines neither start nor end a rule */
    } else if (cont && logical->len) {
      g_string_append_c (logical, ' ');
      g_string_append_len (logical, q, te - q);
    } else {
      if (logical->len) {
        Rule *r = parse_rule (name, start_line, logical->str, precedence, !rs->trusted, error);
        if (!r) {
          ok = FALSE;
          break;
        }
        r->order = rs->next_order++;
        g_ptr_array_add (added, r);
        g_string_truncate (logical, 0);
      }
      if (at_end)
        break;
      if (cont) {
        g_set_error (error, BC_ERROR, BC_ERROR_RULES, "%s:%u: continuation line with no rule above",
                     name, lineno);
        ok = FALSE;
        break;
      }
      start_line = lineno;
      g_string_append_len (logical, q, te - q);
    }
    if (!nl)
      p = end;
    else
      p = nl + 1;
  }
done:
  if (ok) {
    for (guint i = 0; i < added->len; i++)
      g_ptr_array_add (rs->rules, g_ptr_array_index (added, i));
  } else {
    for (guint i = 0; i < added->len; i++)
      rule_free (g_ptr_array_index (added, i));
  }
  g_ptr_array_unref (added);
  g_string_free (logical, TRUE);
  return ok;
}

static gint
rule_cmp (gconstpointer a, gconstpointer b)
{
  const Rule *x = *(const Rule *const *) a, *y = *(const Rule *const *) b;
  if (x->precedence != y->precedence)
    return y->precedence - x->precedence;
  if (x->weight != y->weight)
    return y->weight - x->weight;
  return x->order < y->order ? -1 : x->order > y->order;
}

void
_bc_rules_finish (BcRuleSet *rs)
{
  char ***lits;

  g_ptr_array_sort (rs->rules, rule_cmp);
  /* one automaton over every text rule's literals, indexed by position:
   * rule i's first set is entry i, its second entry n + i */
  lits = g_new0 (char **, 2 * rs->rules->len + 1);
  for (guint i = 0; i < rs->rules->len; i++) {
    const Rule *r = g_ptr_array_index (rs->rules, i);
    lits[i] = r->text_need;
    lits[rs->rules->len + i] = r->text_need2;
  }
  _bc_prefilter_free (rs->prefilter);
  rs->prefilter = _bc_prefilter_new ((char **const *) lits, 2 * rs->rules->len);
  g_free (lits);
  /* every other rule needs its literal bit: _bc_rules_match() visits only
   * these and the rules whose bit a diagnostic sets */
  g_free (rs->always);
  rs->always = g_new (guint32, MAX (rs->rules->len, 1));
  rs->nalways = 0;
  for (guint i = 0; i < rs->rules->len; i++) {
    const Rule *r = g_ptr_array_index (rs->rules, i);
    if (!(r->text && r->text_filter && r->text_need && !r->text_high))
      rs->always[rs->nalways++] = i;
  }
}

/* Candidates: the rules _bc_rules_match() looks at, in order. With no
 * prefilter bits (@seen NULL), every rule; else the rules of @always and
 * those whose first-set bit is in @seen, merged. */
typedef struct {
  const guint32 *always;
  guint nalways, ai;
  const guint8 *seen;
  guint nrules;
  guint bit;                /* the next rule index not yet given */
} Cands;

static inline guint
cands_next (Cands *c)
{
  guint ia, b;

  if (!c->seen)
    return c->bit++;
  ia = c->ai < c->nalways ? c->always[c->ai] : c->nrules;
  for (b = c->bit; b < ia;) {
    guint byte = c->seen[b >> 3] >> (b & 7);
    if (byte) {
      b += (guint) __builtin_ctz (byte);
      break;
    }
    b = (b | 7) + 1;
  }
  if (b < ia) {
    c->bit = b + 1;
    return b;
  }
  if (ia < c->nrules) {
    c->ai++;
    c->bit = ia + 1;
    return ia;
  }
  return c->nrules;
}

/* ---- matching ------------------------------------------------------------ */

/* Per-call facts about the input, worked out once instead of per rule. */
#define HOST_BUF 256
typedef struct {
  gboolean status_ok;       /* the status has a class, subject and detail */
  int sub, det;
  char *hosts[5];           /* in->hosts lower-cased, NULL-ended: in buf, or
                               allocated when longer */
  gsize host_len[4];
  char buf[4][HOST_BUF];
} Prepared;

/* two_numbers - as sscanf (@s, "%d.%d", @a, @b) == 2, without the cost */
static gboolean
two_numbers (const char *s, int *a, int *b)
{
  char *e;
  long x, y;

  x = strtol (s, &e, 10);
  if (e == s || *e != '.')
    return FALSE;
  s = e + 1;
  y = strtol (s, &e, 10);
  if (e == s)
    return FALSE;
  *a = (int) x;
  *b = (int) y;
  return TRUE;
}

static void
prepare (const BcRuleInput *in, Prepared *pp)
{
  pp->status_ok = in->status[0] && two_numbers (in->status + 2, &pp->sub, &pp->det);
  for (guint h = 0; h < 5; h++)
    pp->hosts[h] = NULL;
  for (guint h = 0; h < 4 && in->hosts[h]; h++) {
    gsize n = strlen (in->hosts[h]);
    if (n < HOST_BUF) {
      for (gsize k = 0; k <= n; k++) {
        char c = in->hosts[h][k];
        pp->buf[h][k] = c >= 'A' && c <= 'Z' ? c | 0x20 : c;   /* g_ascii_tolower */
      }
      pp->hosts[h] = pp->buf[h];
    } else
      pp->hosts[h] = g_ascii_strdown (in->hosts[h], -1);
    pp->host_len[h] = n;
  }
}

static void
prepared_clear (Prepared *pp)
{
  for (guint h = 0; h < 4; h++)
    if (pp->hosts[h] != pp->buf[h])
      g_free (pp->hosts[h]);
}

static gboolean
status_match (const GArray *pats, const char *status, const Prepared *pp)
{
  int sub = pp->sub, det = pp->det;

  for (guint i = 0; i < pats->len; i++) {
    const StatusPat *p = &g_array_index (pats, StatusPat, i);
    if (p->cls == 'n') {
      if (!status[0])
        return TRUE;
      continue;
    }
    if (!pp->status_ok)
      continue;
    if (p->cls && p->cls != status[0])
      continue;
    if (p->sub_lo >= 0 && (sub < p->sub_lo || sub > p->sub_hi))
      continue;
    if (p->det_lo >= 0 && (det < p->det_lo || det > p->det_hi))
      continue;
    return TRUE;
  }
  return FALSE;
}

static gboolean
reply_match (const GArray *pats, const char *reply)
{
  if (!reply[0])
    return FALSE;
  for (guint i = 0; i < pats->len; i++) {
    const ReplyPat *p = &g_array_index (pats, ReplyPat, i);
    gboolean ok = TRUE;
    for (int k = 0; k < 3; k++)
      if (p->d[k] != 'x' && p->d[k] != reply[k])
        ok = FALSE;
    if (ok)
      return TRUE;
  }
  return FALSE;
}

static gboolean
in_list (char *const *list, const char *v)
{
  if (!v)
    return FALSE;
  for (guint i = 0; list[i]; i++)
    if (g_ascii_strcasecmp (list[i], v) == 0)
      return TRUE;
  return FALSE;
}

/* command_match - @command (NULL when the text names none) is in @list,
 * where "none" stands for no command */
static gboolean
command_match (char *const *list, const char *command)
{
  if (command)
    return in_list (list, command);
  for (guint i = 0; list[i]; i++)
    if (g_ascii_strcasecmp (list[i], "none") == 0)
      return TRUE;
  return FALSE;
}

static const char *
host_match (const Rule *r, const char *const *hosts, const Prepared *pp)
{
  for (guint h = 0; h < 4 && hosts[h]; h++) {
    const char *low = pp->hosts[h];
    gsize hl = pp->host_len[h];
    for (guint i = 0; r->hosts[i]; i++) {
      gboolean ok;
      if (r->host_globs[i])
        ok = g_pattern_spec_match_string (r->host_globs[i], low);
      else {
        gsize n = r->host_lens[i];
        ok = hl >= n && memcmp (low + hl - n, r->hosts[i], n) == 0 &&
             (hl == n || low[hl - n - 1] == '.' || low[hl - n - 1] == '@');
      }
      if (ok)
        return hosts[h];
    }
  }
  return NULL;
}

#define SEEN(k) ((seen[(k) >> 3] & (1u << ((k) & 7))) != 0)

/* lead_bytes_of - the UTF-8 lead bytes in @text (bit b - 0xc0) */
static guint64
lead_bytes_of (const char *text)
{
  guint64 leads = 0;

  for (const guchar *c = (const guchar *) text; *c; c++)
    if (*c >= 0xc0)
      leads |= G_GUINT64_CONSTANT (1) << (*c - 0xc0);
  return leads;
}

/* filter_rejects - does the prefilter say that text rule @r (the @i-th of
 * @nrules, with text_filter) cannot match a diagnostic whose prefilter bits
 * are @seen (NULL when the rule needs none) and whose lead bytes are
 * @diag_leads? */
static inline gboolean
filter_rejects (const Rule *r, guint i, guint nrules, const guint8 *seen, guint64 diag_leads)
{
  if (!(r->text_high && (r->text_leads & diag_leads)) && !(r->text_need && SEEN (i)))
    return TRUE;
  return r->text_filter2 && !(r->text_high2 && (r->text_leads & diag_leads)) &&
         !(r->text_need2 && SEEN (nrules + i));
}

/* _bc_rules_filter_miss - for the tests and the fuzzer: the text pattern of
 * the first (sorted) rule of @rs that matches @diag (valid UTF-8) although
 * the prefilter says it cannot, NULL when there is none. */
const char *
_bc_rules_filter_miss (const BcRuleSet *rs, const char *diag)
{
  const guint nrules = rs->rules->len;
  gsize nbytes = (2 * nrules + 7) / 8;
  guint8 *seen;
  guint64 leads;
  const char *miss = NULL;

  if (!rs->prefilter || _bc_prefilter_rules (rs->prefilter) != 2 * nrules)
    return NULL;
  seen = g_malloc0 (MAX (nbytes, 1));
  _bc_prefilter_scan (rs->prefilter, diag, strlen (diag), seen);
  leads = lead_bytes_of (diag);
  for (guint i = 0; i < nrules && !miss; i++) {
    const Rule *r = g_ptr_array_index (rs->rules, i);
    GRegex *re;
    if (!r->text || !r->text_filter || !filter_rejects (r, i, nrules, seen, leads))
      continue;
    if (r->text_user ? user_match (r->text_user, diag, strlen (diag), NULL)
                     : (re = jit (r->text, (GRegex **) &r->text_jit, (gsize *) &r->text_once)) &&
                       g_regex_match (re, diag, 0, NULL))
      miss = r->text;
  }
  g_free (seen);
  return miss;
}

gboolean
_bc_rules_match (const BcRuleSet *rs, const BcRuleInput *in, BcRuleMatch *out)
{
  const char *diag = NULL;
  char *diag_copy = NULL;                  /* diag when cut to max_line */
  gsize diag_len = 0;
  gboolean found = FALSE;
  guint8 seen_buf[512], *seen = NULL;      /* prefilter bits */
  Cands cands = { 0 };
  const char *command = in->command;
  gboolean command_known = in->command_fn == NULL;
  const guint nrules = rs->rules->len;
  gboolean filter = rs->prefilter && _bc_prefilter_rules (rs->prefilter) == 2 * nrules;
  guint64 diag_leads = 0;                  /* the lead bytes in diag (bit b - 0xc0) */
  gboolean leads_known = FALSE;
  Prepared pp;

  if (in->diagnostic) {
    gsize n = strlen (in->diagnostic);
    diag = in->diagnostic;
    if (!g_utf8_validate (diag, n, NULL)) {
      /* GRegex hands PCRE2 the text unchecked, and a pattern that looks
       * behind can then read outside it: only valid UTF-8 is matched */
      diag = diag_copy = g_utf8_make_valid (in->diagnostic, n);
      n = strlen (diag);
    }
    if (n > in->max_line) {
      const char *e = g_utf8_find_prev_char (diag, diag + in->max_line + 1);
      char *cut;
      n = e ? (gsize) (e - diag) : in->max_line;
      cut = g_strndup (diag, n);
      g_free (diag_copy);
      diag = diag_copy = cut;
    }
    diag_len = n;
  }
  prepare (in, &pp);
  if (diag && filter) {
    gsize nbytes = (2 * nrules + 7) / 8;
    seen = nbytes <= sizeof seen_buf ? seen_buf : g_malloc (nbytes);
    memset (seen, 0, nbytes);
    _bc_prefilter_scan (rs->prefilter, diag, diag_len, seen);
  }
  cands.always = rs->always;
  cands.nalways = rs->nalways;
  cands.seen = seen;
  cands.nrules = nrules;

  for (guint i = cands_next (&cands); i < nrules && !found; i = cands_next (&cands)) {
    const Rule *r = g_ptr_array_index (rs->rules, i);
    GMatchInfo *mi = NULL;
    char *user_text = NULL;       /* what a user's pattern matched */
    GRegex *re;
    const char *host = NULL;

    /* the conditions are checked cheapest first (all must hold, so the
     * order changes nothing but the cost): the prefilter (which most rules
     * fail), the lists, the status and reply, the hosts, the command
     * (found once, when a rule first asks), the expressions */
    if (r->text && r->text_filter && diag && filter) {
      /* a set this pattern needs has nothing in diag: it cannot match */
      if (!leads_known && (r->text_high || r->text_high2)) {
        leads_known = TRUE;
        diag_leads = lead_bytes_of (diag);
      }
      if (filter_rejects (r, i, nrules, seen, diag_leads))
        continue;
    }
    if (r->sources && !in_list (r->sources, in->source))
      continue;
    if (r->dsn_actions && !in_list (r->dsn_actions, in->dsn_action))
      continue;
    if (r->recognizers && !in_list (r->recognizers, in->recognizer))
      continue;
    if (r->status && !status_match (r->status, in->status, &pp))
      continue;
    if (r->reply && !reply_match (r->reply, in->reply_code))
      continue;
    if (r->hosts && !(host = host_match (r, in->hosts, &pp)))
      continue;
    if (r->categories && !in_list (r->categories, in->category))
      continue;
    if (r->commands && !command_known) {
      command = in->command_fn (in->command_data);
      command_known = TRUE;
    }
    if (r->commands && !command_match (r->commands, command))
      continue;
    if (r->text && in->deadline && g_get_monotonic_time () > in->deadline)
      break;                      /* the message's time budget is spent */
    if (r->text && !(diag &&
                     (r->text_user ? user_match (r->text_user, diag, diag_len, &user_text)
                                   : (re = jit (r->text, (GRegex **) &r->text_jit,
                                                (gsize *) &r->text_once)) &&
                                     g_regex_match (re, diag, 0, &mi)))) {
      if (mi)
        g_match_info_free (mi);
      continue;
    }
    if (r->not_text && diag &&
        (r->not_user ? user_match (r->not_user, diag, diag_len, NULL)
                     : (re = jit (r->not_text, (GRegex **) &r->not_jit, (gsize *) &r->not_once)) &&
                       g_regex_match (re, diag, 0, NULL))) {
      if (mi)
        g_match_info_free (mi);
      g_free (user_text);
      continue;
    }
    found = TRUE;
    out->reason = r->reason;
    out->origin = r->origin;
    out->permanent = r->permanent;
    {
      GString *ev = g_string_new (NULL);
      if (r->status)
        g_string_append_printf (ev, "status %s; ", in->status[0] ? in->status : "none");
      if (r->reply)
        g_string_append_printf (ev, "reply %s; ", in->reply_code);
      if (mi) {
        char *m = g_match_info_fetch (mi, 0);
        g_string_append_printf (ev, "text \"%s\"; ", m ? m : "");
        g_free (m);
      } else if (user_text) {
        g_string_append_printf (ev, "text \"%s\"; ", user_text);
      }
      if (host)
        g_string_append_printf (ev, "host %s; ", host);
      if (r->recognizers)
        g_string_append_printf (ev, "recognizer %s; ", in->recognizer);
      if (r->dsn_actions)
        g_string_append_printf (ev, "action %s; ", in->dsn_action);
      if (r->sources)
        g_string_append_printf (ev, "source %s; ", in->source);
      if (r->commands)
        g_string_append_printf (ev, "command %s; ", command ? command : "none");
      if (r->categories)
        g_string_append_printf (ev, "category %s; ", in->category);
      if (r->permanent)
        g_string_append (ev, "permanent; ");
      if (ev->len >= 2)
        g_string_truncate (ev, ev->len - 2);
      out->evidence = g_string_free (ev, FALSE);
    }
    if (mi)
      g_match_info_free (mi);
    g_free (user_text);
  }
  g_free (diag_copy);
  prepared_clear (&pp);
  if (seen && seen != seen_buf)
    g_free (seen);
  return found;
}
