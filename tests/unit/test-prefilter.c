/* test-prefilter.c - the phrase automaton of rules/prefilter.c, as built by
 * _bc_prefilter_new_phrases() for mime/message.c and recognizers/spec.c;
 * the literals of patterns; the case folding of the rules' scan, checked
 * against PCRE2 on the whole BMP. */
#include "tc.h"
#include "rules/prefilter.h"

#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* seen_bits - the rules whose phrase occurs in @text, as a string of 0/1 */
static char *
seen_bits (const BcPrefilter *pf, guint n, const char *text, gboolean ascii)
{
  guint8 seen[8] = { 0 };
  char *out = g_malloc0 (n + 1);

  g_assert (n <= 64);
  if (ascii)
    _bc_prefilter_scan_ascii (pf, text, strlen (text), seen);
  else
    _bc_prefilter_scan (pf, text, strlen (text), seen);
  for (guint i = 0; i < n; i++)
    out[i] = (seen[i >> 3] >> (i & 7)) & 1 ? '1' : '0';
  return out;
}

static void
check (const BcPrefilter *pf, guint n, const char *text, const char *want)
{
  char *got = seen_bits (pf, n, text, TRUE);

  if (strcmp (got, want) != 0) {
    print_error ("scan_ascii(\"%s\") = %s, want %s\n", text, got, want);
    g_free (got);
    fail ();
  }
  g_free (got);
}

static void
test_phrases_fold (void **state)
{
  /* phrases in any case match text in any case */
  static const char *const phrases[] = {
    "Original Message", "returned mail", "USER UNKNOWN", NULL
  };
  BcPrefilter *pf = _bc_prefilter_new_phrases (phrases, 3);

  (void) state;
  assert_int_equal (_bc_prefilter_rules (pf), 3);
  check (pf, 3, "----- original message -----", "100");
  check (pf, 3, "----- RETURNED MAIL follows", "010");
  check (pf, 3, "550 User Unknown; returned Mail", "011");
  check (pf, 3, "nothing to see", "000");
  check (pf, 3, "original messag", "000");
  _bc_prefilter_free (pf);
}

static void
test_phrases_upper_only (void **state)
{
  /* letters that occur only in upper case in the phrases: kept as they
   * were, the automaton would read them as bytes of no literal */
  static const char *const phrases[] = { "QZ" };
  BcPrefilter *pf = _bc_prefilter_new_phrases (phrases, 1);

  (void) state;
  check (pf, 1, "a qz b", "1");
  check (pf, 1, "a QZ b", "1");
  check (pf, 1, "ab", "0");
  check (pf, 1, "q z", "0");
  _bc_prefilter_free (pf);
}

static void
test_phrases_empty (void **state)
{
  /* NULL and "" have no literal: never seen, and the others keep their ids */
  static const char *const phrases[] = { "abc", "", NULL, "xyz" };
  BcPrefilter *pf = _bc_prefilter_new_phrases (phrases, G_N_ELEMENTS (phrases));

  (void) state;
  assert_int_equal (_bc_prefilter_rules (pf), 4);
  check (pf, 4, "xyz abc", "1001");
  check (pf, 4, "", "0000");
  check (pf, 4, "ab xy", "0000");
  _bc_prefilter_free (pf);
}

static void
test_phrases_ascii_only (void **state)
{
  /* the ASCII scan does not read U+212A KELVIN SIGN as k; the rule scan does */
  static const char *const phrases[] = { "kb" };
  BcPrefilter *pf = _bc_prefilter_new_phrases (phrases, 1);
  char *got;

  (void) state;
  check (pf, 1, "10 KB", "1");
  check (pf, 1, "10 \xe2\x84\xaa" "b", "0");
  got = seen_bits (pf, 1, "10 \xe2\x84\xaa" "b", FALSE);
  assert_string_equal (got, "1");
  g_free (got);
  _bc_prefilter_free (pf);
}

static void
test_phrases_none (void **state)
{
  BcPrefilter *pf = _bc_prefilter_new_phrases (NULL, 0);

  (void) state;
  assert_int_equal (_bc_prefilter_rules (pf), 0);
  check (pf, 0, "anything", "");
  _bc_prefilter_free (pf);
}

/* _bc_prefilter_new() itself folds the literals it is given: an upper-case
 * letter found in no lower-case literal must not match any other byte */
static void
test_new_folds_literals (void **state)
{
  static char *lit0[] = { "QX", NULL };
  static char *lit1[] = { "zz", NULL };
  char **const lits[] = { lit0, lit1 };
  BcPrefilter *pf = _bc_prefilter_new (lits, 2);

  (void) state;
  check (pf, 2, "qx", "10");
  check (pf, 2, "QX and ZZ", "11");
  check (pf, 2, "ab", "00");
  check (pf, 2, "qa", "00");
  _bc_prefilter_free (pf);
}

/* random_text - @n characters drawn from @alpha (UTF-8 sequences separated
 * by '|') */
static char *
random_text (GRand *rand, const char *const *alpha, guint nalpha, guint n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (s, alpha[g_rand_int_range (rand, 0, nalpha)]);
  return g_string_free (s, FALSE);
}

/* The phrase tables (_bc_prefilter_new_phrases) have a matcher of their
 * own; it must say what the automaton (_bc_prefilter_new) says for the same
 * literals, in both scans. A small alphabet makes phrases overlap, repeat
 * and share their runs; lengths from 1 to 12 take both short anchors and
 * long ones. */
static void
test_phrase_table_as_automaton (void **state)
{
  static const char *const alpha[] = {
    "a", "b", "A", "B", " ", "5", ".", "\xc3\xa9", "\xc3\x89", "\xe2\x84\xaa", "k", "K", "\n"
  };
  GRand *rand = g_rand_new_with_seed (20261127);

  (void) state;
  for (guint round = 0; round < 300; round++) {
    guint n = g_rand_int_range (rand, 1, 40);
    char **phrases = g_new0 (char *, n + 1);
    char ***lits = g_new0 (char **, n);
    BcPrefilter *table, *automaton;
    for (guint i = 0; i < n; i++) {
      /* lower case: the automaton folds ASCII only, as the table does */
      char *t = random_text (rand, alpha, G_N_ELEMENTS (alpha), g_rand_int_range (rand, 1, 13));
      phrases[i] = g_ascii_strdown (t, -1);
      g_free (t);
      lits[i] = g_new0 (char *, 2);
      lits[i][0] = g_strdup (phrases[i]);
    }
    table = _bc_prefilter_new_phrases ((const char *const *) phrases, n);
    automaton = _bc_prefilter_new (lits, n);
    for (guint k = 0; k < 40; k++) {
      char *text = random_text (rand, alpha, G_N_ELEMENTS (alpha), g_rand_int_range (rand, 0, 200));
      for (int ascii = 0; ascii < 2; ascii++) {
        char *want = seen_bits (automaton, n, text, ascii);
        char *got = seen_bits (table, n, text, ascii);
        if (strcmp (got, want) != 0) {
          print_error ("round %u, %s scan of \"%s\": table %s, automaton %s\n", round,
                       ascii ? "ASCII" : "folding", text, got, want);
          fail ();
        }
        g_free (want);
        g_free (got);
      }
      g_free (text);
    }
    _bc_prefilter_free (table);
    _bc_prefilter_free (automaton);
    for (guint i = 0; i < n; i++)
      g_strfreev (lits[i]);
    g_free (lits);
    g_strfreev (phrases);
  }
  g_rand_free (rand);
}

/* joined - @lits as "a|b|c" (NULL: "(none)"), freeing them */
static char *
joined (char **lits)
{
  char *s = lits ? g_strjoinv ("|", lits) : g_strdup ("(none)");
  g_strfreev (lits);
  return s;
}

/* A character that matches only itself caselessly (kana, Han) is a literal
 * of its own bytes: a pattern in Japanese gets a filter of Japanese words,
 * and the scan finds them. */
static void
test_literals_uncased (void **state)
{
  char *got;
  char **lits;
  BcPrefilter *pf;

  (void) state;
  got = joined (_bc_prefilter_literals ("(メールボックス|受信箱)(が|は)?(いっぱい|一杯)"));
  assert_string_equal (got, "メールボックス|受信箱");
  g_free (got);
  /* a quantifier takes the whole character, not its last byte */
  got = joined (_bc_prefilter_literals ("送信者?ドメイン"));
  assert_string_equal (got, "ドメイン");
  g_free (got);

  lits = _bc_prefilter_literals ("(ウイルス|病毒)");
  pf = _bc_prefilter_new ((char **const *) &lits, 1);
  got = seen_bits (pf, 1, "550 ウイルスを検出しました", FALSE);
  assert_string_equal (got, "1");
  g_free (got);
  got = seen_bits (pf, 1, "550 发现病毒", FALSE);
  assert_string_equal (got, "1");
  g_free (got);
  got = seen_bits (pf, 1, "550 宛先不明です", FALSE);
  assert_string_equal (got, "0");
  g_free (got);
  _bc_prefilter_free (pf);
  g_strfreev (lits);
}

/* both sets (first, then second) of @pattern as "a|b ; c|d" */
static char *
both_sets (const char *pattern)
{
  char **two = NULL;
  char *a = joined (_bc_prefilter_literals2 (pattern, &two));
  char *b = joined (two);
  char *out = g_strdup_printf ("%s ; %s", a, b);

  g_free (a);
  g_free (b);
  return out;
}

/* The second set comes from another part of the pattern, not from a copy
 * of the first; common words make poor sets. */
static void
test_literals_second_set (void **state)
{
  static const char *const cases[][2] = {
    /* a group whose branches have no runner-up gives none: the protocols */
    { "(blocked|refused) (spf|dkim|dmarc)", "blocked|refused ; spf|dkim|dmarc" },
    { "abc|def", "abc|def ; (none)" },
    /* a branch's own runner-up, and another's best */
    { "(abcd (xyz|uvw)|ghij)", "abcd |ghij ; xyz|uvw|ghij" },
    /* common words ("rejected", "user", "mailbox", "mail") come last */
    { "(rejected|refused) by (spf|dkim|dmarc)", " by  ; spf|dkim|dmarc" },
    { "(user|mailbox) (is )?full.{0,9}quota", "quota ; full" },
    { "mail ?box (is )?full", "full ; box " },
  };

  (void) state;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    char *got = both_sets (cases[i][0]);
    if (strcmp (got, cases[i][1]) != 0)
      print_error ("\"%s\": %s, want %s\n", cases[i][0], got, cases[i][1]);
    assert_string_equal (got, cases[i][1]);
    g_free (got);
  }
}

/* The marker byte 0x01 stands for a character that cannot be matched by
 * its bytes: a run of markers is worth less than a word of 3 ASCII bytes
 * (it would only say "some non-ASCII character"), more than one of 2. */
static void
test_literals_marker_score (void **state)
{
  char *got;

  (void) state;
  got = joined (_bc_prefilter_literals ("kota.\x01\x01\x01\x01\x01\x01"));
  assert_string_equal (got, "kota");
  g_free (got);
  got = joined (_bc_prefilter_literals ("ab.\x01\x01\x01\x01\x01\x01"));
  assert_string_equal (got, "\x01\x01\x01\x01\x01\x01");
  g_free (got);
}

/* caseless - @pat compiled as GRegex compiles the rules (UTF-8, Unicode
 * properties, caseless) */
static pcre2_code *
caseless (const char *pat)
{
  int err;
  PCRE2_SIZE off;
  pcre2_code *re = pcre2_compile ((PCRE2_SPTR) pat, PCRE2_ZERO_TERMINATED,
                                  PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS, &err, &off, NULL);

  assert_non_null (re);
  return re;
}

/* Soundness of the fold: whenever a caseless regex takes one character of
 * the BMP for another, both fold alike (_bc_prefilter_fold()), so the
 * filter never rules out text the regex matches. Every character of the
 * BMP is compiled as a pattern and run over every character it could take:
 * those that a caseless class of its whole page (256 characters) takes,
 * found in one pass over a string of all the BMP per page. A class adds
 * every other case of its members, as a lone character matches them; a
 * run of this test over the whole BMP for every character (1.5 minutes)
 * found the same 2,454 pairs with PCRE2 10.42. */
static void
test_fold_pcre2 (void **state)
{
  GString *all = g_string_new (NULL);
  pcre2_match_data *md = pcre2_match_data_create (4, NULL);
  guint pairs = 0, ascii = 0;

  (void) state;
  for (gunichar u = 1; u < 0x10000; u++)
    if (u < 0xd800 || u > 0xdfff)
      g_string_append_unichar (all, u);
  for (guint page = 0; page < 0x100; page++) {
    gunichar lo = MAX (page << 8, 1), hi = page << 8 | 0xff;
    GString *cands = g_string_new (NULL);
    char pat[64];
    pcre2_code *re;
    PCRE2_SIZE at = 0;
    if (page >= 0xd8 && page <= 0xdf)
      continue;                 /* surrogates */
    g_snprintf (pat, sizeof pat, "[\\x{%x}-\\x{%x}]", lo, hi);
    re = caseless (pat);
    pcre2_jit_compile (re, PCRE2_JIT_COMPLETE);
    /* (the strings are valid UTF-8: unchecked, or PCRE2 would read the
     * whole of it at each call) */
    while (pcre2_match (re, (PCRE2_SPTR) all->str, all->len, at, PCRE2_NO_UTF_CHECK, md,
                        NULL) >= 0) {
      PCRE2_SIZE *ov = pcre2_get_ovector_pointer (md);
      g_string_append_len (cands, all->str + ov[0], ov[1] - ov[0]);
      at = ov[1];
    }
    pcre2_code_free (re);
    for (gunichar c = lo; c <= hi; c++) {
      g_snprintf (pat, sizeof pat, "\\x{%x}", c);
      re = caseless (pat);
      at = 0;
      while (pcre2_match (re, (PCRE2_SPTR) cands->str, cands->len, at, PCRE2_NO_UTF_CHECK, md,
                          NULL) >= 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer (md);
        gunichar t = g_utf8_get_char (cands->str + ov[0]);
        at = ov[1];
        if (t == c)
          continue;
        pairs++;
        ascii += t < 0x80 || c < 0x80;
        if (_bc_prefilter_fold (c) != _bc_prefilter_fold (t)) {
          print_error ("U+%04X and U+%04X match caselessly, but fold to U+%04X and U+%04X\n",
                       c, t, _bc_prefilter_fold (c), _bc_prefilter_fold (t));
          fail ();
        }
      }
      pcre2_code_free (re);
      /* the table misses no page */
      if (!_bc_prefilter_fold_check (c)) {
        print_error ("U+%04X folds in fold_compute() on a page not in fold_pages\n", c);
        fail ();
      }
    }
    g_string_free (cands, TRUE);
  }
  /* the pairs are there at all: a-z, K and U+212A, S and U+017F */
  assert_true (pairs > 2000);
  assert_int_equal (ascii, 2 * 26 + 2 * 2 + 2 * 2);
  pcre2_match_data_free (md);
  g_string_free (all, TRUE);
}

/* the known traps, folded alike */
static void
test_fold_sets (void **state)
{
  static const gunichar sets[][4] = {
    { 'k', 'K', 0x212a },          /* KELVIN SIGN */
    { 's', 'S', 0x017f },          /* LONG S */
    { 0x00df, 0x1e9e },            /* ß, capital sharp s */
    { 0x03c3, 0x03c2, 0x03a3 },    /* σ ς Σ */
    { 0x03b8, 0x03d1, 0x0398, 0x03f4 },   /* θ ϑ Θ ϴ */
    { 0x03c9, 0x03a9, 0x2126 },    /* ω Ω OHM SIGN */
    { 0x00e5, 0x00c5, 0x212b },    /* å Å ANGSTROM SIGN */
    { 0x03b9, 0x0399, 0x0345, 0x1fbe },   /* ι Ι ypogegrammeni, prosgegrammeni */
    { 0x0432, 0x0412, 0x1c80 },    /* в В rounded ve */
    { 0x0442, 0x0422, 0x1c84, 0x1c85 },   /* т Т tall and three-legged te */
    { 0x0390, 0x1fd3 },            /* ΐ */
    { 0x03b0, 0x1fe3 },            /* ΰ */
    { 0xfb05, 0xfb06 },            /* ligatures long s t, s t */
    { 0x13a0, 0xab70 },            /* Cherokee */
    { 0x2160, 0x2170 },            /* Roman numeral one */
    { 0x24b6, 0x24d0 },            /* circled A */
    { 0xff21, 0xff41 },            /* fullwidth A */
  };

  (void) state;
  for (guint i = 0; i < G_N_ELEMENTS (sets); i++)
    for (guint j = 1; j < 4 && sets[i][j]; j++)
      assert_int_equal (_bc_prefilter_fold (sets[i][j]), _bc_prefilter_fold (sets[i][0]));
  /* a non-ASCII letter never folds to ASCII but for those two */
  assert_int_equal (_bc_prefilter_fold (0x0130), 0x0130);
  assert_int_equal (_bc_prefilter_fold (0x0131), 0x0131);
  assert_int_equal (_bc_prefilter_fold ('I'), 'i');
  /* uncased and past the BMP: themselves */
  assert_int_equal (_bc_prefilter_fold (0x4e2d), 0x4e2d);
  assert_int_equal (_bc_prefilter_fold (0x10400), 0x10400);
}

/* The scan reads every character of the BMP as its fold: one literal
 * "<fold>" per character of the pages that fold, and each "<c>" must hit
 * its own; the bytes around a character stay in step. */
static void
test_scan_folds (void **state)
{
  GPtrArray *chars = g_ptr_array_new ();
  char ***lits;
  BcPrefilter *pf;
  guint8 *seen;
  guint n;

  (void) state;
  for (gunichar u = 0x80; u < 0x10000; u++)
    if ((u < 0xd800 || u > 0xdfff) && _bc_prefilter_fold (u) != u)
      g_ptr_array_add (chars, GUINT_TO_POINTER (u));
  /* and some that fold to themselves, on pages that fold and that do not */
  g_ptr_array_add (chars, GUINT_TO_POINTER (0x0431));
  g_ptr_array_add (chars, GUINT_TO_POINTER (0x00e9));
  g_ptr_array_add (chars, GUINT_TO_POINTER (0x30e1));
  g_ptr_array_add (chars, GUINT_TO_POINTER (0xd55c));
  n = chars->len;
  lits = g_new0 (char **, n);
  for (guint i = 0; i < n; i++) {
    gunichar k = _bc_prefilter_fold (GPOINTER_TO_UINT (g_ptr_array_index (chars, i)));
    char b[8] = { 0 };
    g_unichar_to_utf8 (k, b);
    lits[i] = g_new0 (char *, 2);
    lits[i][0] = g_strdup_printf ("<%s>", b);
  }
  pf = _bc_prefilter_new ((char **const *) lits, n);
  seen = g_malloc ((n + 7) / 8);
  for (guint i = 0; i < n; i++) {
    gunichar c = GPOINTER_TO_UINT (g_ptr_array_index (chars, i));
    char b[8] = { 0 }, *text;
    g_unichar_to_utf8 (c, b);
    text = g_strdup_printf ("x\xc3\xa9<%s>\xe4\xb8\xad", b);
    memset (seen, 0, (n + 7) / 8);
    _bc_prefilter_scan (pf, text, strlen (text), seen);
    if (!(seen[i >> 3] & (1u << (i & 7)))) {
      print_error ("the scan of U+%04X does not find its fold U+%04X\n", c,
                   _bc_prefilter_fold (c));
      fail ();
    }
    g_free (text);
  }
  /* a cut or stray byte is read as it is */
  memset (seen, 0, (n + 7) / 8);
  _bc_prefilter_scan (pf, "<\xd0", 2, seen);
  _bc_prefilter_scan (pf, "<\xe2\x84", 3, seen);
  _bc_prefilter_scan (pf, "\x80\xbf<\xff>", 5, seen);
  for (guint i = 0; i < (n + 7) / 8; i++)
    assert_int_equal (seen[i], 0);
  g_free (seen);
  _bc_prefilter_free (pf);
  for (guint i = 0; i < n; i++)
    g_strfreev (lits[i]);
  g_free (lits);
  g_ptr_array_unref (chars);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_phrases_fold),
    cmocka_unit_test (test_phrases_upper_only),
    cmocka_unit_test (test_phrases_empty),
    cmocka_unit_test (test_phrases_ascii_only),
    cmocka_unit_test (test_phrases_none),
    cmocka_unit_test (test_new_folds_literals),
    cmocka_unit_test (test_phrase_table_as_automaton),
    cmocka_unit_test (test_literals_uncased),
    cmocka_unit_test (test_literals_second_set),
    cmocka_unit_test (test_literals_marker_score),
    cmocka_unit_test (test_fold_pcre2),
    cmocka_unit_test (test_fold_sets),
    cmocka_unit_test (test_scan_folds),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
