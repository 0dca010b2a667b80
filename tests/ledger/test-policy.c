/* test-policy.c - the ledger policy without a database: the built-in
 * policy, [list:ID] overrides, weights, the window, the quiet-day reset,
 * same-day counting, bad policy files, address and date normalisation. */
#include "ledger.h"

#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#define DAY 86400
/* 2026-10-01T10:00:00Z */
#define OCT1 ((gint64) 1790848800)

static BcLedgerEvent
ev (const char *klass, int day)
{
  BcLedgerEvent e = { 0 };
  e.key = (char *) "k";
  e.address = (char *) "a@example.com";
  e.at = OCT1 + (gint64) (day - 1) * DAY;
  e.klass = (char *) klass;
  e.reason = (char *) "r";
  e.status = (char *) "";
  e.rule = (char *) "";
  e.list_id = (char *) "";
  e.host = (char *) "mx.example.net";
  e.diagnostic = (char *) "";
  return e;
}

/* fold - the verdict of @klass events on the given days (0-terminated) */
static gboolean
fold (const BcPolicyRules *r, const char *klass, const int *days, gint64 *since, double *score)
{
  BcVerdict v;
  gboolean s;

  _bc_verdict_init (&v);
  for (const int *d = days; *d; d++) {
    char *note = NULL;
    BcLedgerEvent e = ev (*d < 0 ? "delivered" : klass, *d < 0 ? -*d : *d);
    _bc_verdict_step (&v, r, &e, &note);
    assert_non_null (note);
    g_free (note);
  }
  s = v.suppressed;
  if (since)
    *since = v.since;
  if (score)
    *score = v.score;
  _bc_verdict_clear (&v);
  return s;
}

static void
test_defaults (void **state)
{
  GError *error = NULL;
  BcPolicy *p = _bc_policy_load (NULL, &error);
  const BcPolicyRules *r;
  gint64 since = 0;
  double score = 0;

  assert_non_null (p);
  r = _bc_policy_rules (p, NULL);
  assert_int_equal (r->effect[BC_CLASS_HARD], BC_EFFECT_SUPPRESS);
  assert_int_equal (r->effect[BC_CLASS_COMPLAINT], BC_EFFECT_SUPPRESS);
  assert_int_equal (r->effect[BC_CLASS_SOFT], BC_EFFECT_SCORE);
  assert_int_equal (r->effect[BC_CLASS_MAILBOX_FULL], BC_EFFECT_SCORE);
  assert_int_equal (r->effect[BC_CLASS_SPAM_BLOCK], BC_EFFECT_SENDER);
  assert_int_equal (r->effect[BC_CLASS_AUTO_REPLY], BC_EFFECT_IGNORE);
  assert_int_equal (r->effect[BC_CLASS_DELIVERED], BC_EFFECT_RESET);

  assert_true (fold (r, "hard", (int[]) { 3, 0 }, &since, NULL));
  assert_true (since == OCT1 + 2 * DAY);
  assert_true (fold (r, "soft", (int[]) { 1, 2, 3, 4, 5, 0 }, &since, &score));
  assert_true (since == OCT1 + 4 * DAY);
  assert_true (score == 5);
  assert_false (fold (r, "soft", (int[]) { 1, 2, 3, 4, 0 }, NULL, NULL));
  /* one count per day */
  assert_false (fold (r, "soft", (int[]) { 1, 1, 2, 2, 3, 3, 4, 4, 0 }, NULL, &score));
  assert_true (score == 4);
  /* a gap of 8 days resets; exactly 7 does not */
  assert_false (fold (r, "soft", (int[]) { 1, 2, 3, 4, 13, 0 }, NULL, &score));
  assert_true (score == 1);
  assert_true (fold (r, "soft", (int[]) { 1, 2, 3, 4, 11, 0 }, NULL, NULL));
  /* a bounce day every 7 days keeps the chain: five within 30 days */
  assert_true (fold (r, "mailbox-full", (int[]) { 1, 8, 15, 22, 29, 0 }, &since, NULL));
  assert_true (since == OCT1 + 28 * DAY);
  /* a delivery resets the score */
  assert_false (fold (r, "soft", (int[]) { 1, 2, 3, 4, -5, 6, 7, 0 }, NULL, &score));
  assert_true (score == 2);
  /* sender-side problems never count */
  assert_false (fold (r, "spam-block", (int[]) { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0 }, NULL, NULL));
  assert_false (fold (r, "auto-reply", (int[]) { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0 }, NULL, NULL));
  _bc_policy_free (p);
}

static void
test_window (void **state)
{
  const char ini[] = "[default]\nsoft = score\nthreshold = 3\nwindow-days = 5\nreset-after-days = 10\n";
  BcPolicy *p = _bc_policy_load_data (ini, sizeof ini - 1, "t", NULL);
  const BcPolicyRules *r;
  BcVerdict v;
  double score;

  assert_non_null (p);
  r = _bc_policy_rules (p, "");
  /* days 1, 4, 7: day 1 left the 5-day window before day 7 */
  assert_false (fold (r, "soft", (int[]) { 1, 4, 7, 0 }, NULL, &score));
  assert_true (score == 2);
  assert_true (fold (r, "soft", (int[]) { 1, 3, 5, 0 }, NULL, NULL));
  /* the score as of later: stale after reset-after-days */
  _bc_verdict_init (&v);
  {
    char *note = NULL;
    BcLedgerEvent e = ev ("soft", 1);
    _bc_verdict_step (&v, r, &e, &note);
    g_free (note);
  }
  assert_true (_bc_verdict_score_at (&v, r, OCT1 + 2 * DAY) == 1);
  assert_true (_bc_verdict_score_at (&v, r, OCT1 + 11 * DAY) == 0);
  _bc_verdict_clear (&v);
  _bc_policy_free (p);
}

static void
test_lists (void **state)
{
  const char ini[] =
    "[default]\nhard = suppress\nsoft = score\nthreshold = 5\n"
    "[list:Announce.Example.ORG]\nthreshold = 2\nsoft-weight = 1\nhard = score\nhard-weight = 2\n";
  BcPolicy *p = _bc_policy_load_data (ini, sizeof ini - 1, "t", NULL);
  const BcPolicyRules *d, *l;

  assert_non_null (p);
  d = _bc_policy_rules (p, "other.example.org");
  l = _bc_policy_rules (p, "announce.example.org");
  assert_true (d != l);
  assert_true (d->threshold == 5);
  assert_true (l->threshold == 2);
  /* keys not in the list group come from [default] */
  assert_int_equal (l->effect[BC_CLASS_SOFT], BC_EFFECT_SCORE);
  assert_false (fold (d, "soft", (int[]) { 1, 2, 0 }, NULL, NULL));
  assert_true (fold (l, "soft", (int[]) { 1, 2, 0 }, NULL, NULL));
  /* weights: one hard bounce day weighs 2 = the threshold */
  assert_true (fold (l, "hard", (int[]) { 1, 0 }, NULL, NULL));
  _bc_policy_free (p);
}

static void
test_bad_files (void **state)
{
  static const char *const bad[] = {
    "[default]\nsoft = often\n",
    "[default]\nthreshold = -1\n",
    "[default]\nthreshold = many\n",
    "[default]\nwindow-days = 0\n",
    "[default]\nsoftish = score\n",
    "[default]\nspam-weight = 1\n",
    "[lists]\nx = 1\n",
    "[list:]\nthreshold = 1\n",
    "not a key file",
    NULL
  };
  for (guint i = 0; bad[i]; i++) {
    GError *error = NULL;
    BcPolicy *p = _bc_policy_load_data (bad[i], strlen (bad[i]), "bad.ini", &error);
    assert_null (p);
    assert_non_null (error);
    assert_non_null (strstr (error->message, "bad.ini"));
    g_error_free (error);
  }
}

static void
test_normalise (void **state)
{
  static const char *const cases[][2] = {
    { "Alice@EXAMPLE.Org", "Alice@example.org" },
    { " <bob@Example.COM> ", "bob@example.com" },
    { "a@b@Example.NET", "a@b@example.net" },
    { "no-at-sign", NULL },
    { "@example.com", NULL },
    { "x@", NULL },
    { "bad space@example.com", NULL },
    { "", NULL },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    char *n = _bc_ledger_normalise_address (cases[i][0]);
    assert_string_equal (n ? n : "(null)", cases[i][1] ? cases[i][1] : "(null)");
    g_free (n);
  }
  assert_true (_bc_ledger_parse_date ("Thu, 01 Oct 2026 10:00:00 +0000") == OCT1);
  assert_true (_bc_ledger_parse_date ("Thu, 01 Oct 2026 12:00:00 +0200") == OCT1);
  assert_true (_bc_ledger_parse_date ("yesterday-ish") == -1);
  assert_true (_bc_ledger_parse_date (NULL) == -1);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_defaults),
    cmocka_unit_test (test_window),
    cmocka_unit_test (test_lists),
    cmocka_unit_test (test_bad_files),
    cmocka_unit_test (test_normalise),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
