/* test-prefilter.c - the phrase automaton of rules/prefilter.c, as built by
 * _bc_prefilter_new_phrases() for mime/message.c and recognizers/spec.c. */
#include "tc.h"
#include "rules/prefilter.h"

#include <string.h>

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
    cmocka_unit_test (test_literals_uncased),
    cmocka_unit_test (test_literals_marker_score),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
