/* fuzz-rules.c - the rules-file parser and matcher.
 *
 * The input is parsed as a user rules file on top of a fresh rule set. A
 * failed parse must leave an error naming the file; a good one is sorted
 * and matched against a few recipients, including a long ReDoS-shaped
 * diagnostic, which must come back within the match limits. As in the
 * product, the rules stop at a deadline (here 500 ms for the three
 * recipients, the classifier's per-message budget): a rules file of many
 * patterns each quadratic on the long diagnostic (a* then a literal that
 * never comes) is cut there, so a libFuzzer timeout means one pattern, or
 * the parse, ran past every limit. The prefilter must never rule out a
 * pattern that matches (_bc_rules_filter_miss()).
 */
#include "fuzz-common.h"

#include "bc-private.h"
#include <string.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static char *long_diag;
  BcRuleSet *rs;
  GError *error = NULL;
  gint64 deadline;
  static const char *const diags[] = {
    "550 5.1.1 <a@example.org>: Recipient address rejected: User unknown",
    "452 4.2.2 Mailbox full", "", NULL
  };

  if (!long_diag) {
    long_diag = g_malloc (5001);
    memset (long_diag, 'a', 5000);
    long_diag[4999] = '!';
    long_diag[5000] = '\0';
  }
  if (size > 65536)
    return 0;
  rs = _bc_rules_new ();
  if (!_bc_rules_parse (rs, "fuzz.rules", (const char *) data, size, 1, &error)) {
    FUZZ_CHECK (error != NULL && error->domain == BC_ERROR);
    FUZZ_CHECK (g_str_has_prefix (error->message, "fuzz.rules"));
    FUZZ_CHECK (_bc_rules_count (rs) == 0);
    g_error_free (error);
    _bc_rules_free (rs);
    return 0;
  }
  FUZZ_CHECK (error == NULL);
  _bc_rules_finish (rs);
  deadline = g_get_monotonic_time () + 500 * 1000;
  for (guint i = 0; i < G_N_ELEMENTS (diags); i++) {
    BcRuleInput in = { 0 };
    BcRuleMatch mt = { 0 };
    in.status = i == 0 ? "5.1.1" : i == 1 ? "4.2.2" : "";
    in.reply_code = i == 0 ? "550" : i == 1 ? "452" : "";
    in.diagnostic = diags[i] ? diags[i] : long_diag;
    in.hosts[0] = "mx.example.org";
    in.hosts[1] = "example.org";
    in.recognizer = "postfix";
    in.dsn_action = "failed";
    in.source = "dsn";
    in.max_line = 4096;
    in.deadline = deadline;
    if (_bc_rules_match (rs, &in, &mt)) {
      FUZZ_CHECK (mt.reason != NULL && mt.origin != NULL);
      FUZZ_CHECK (g_str_has_prefix (mt.origin, "fuzz.rules:"));
      FUZZ_CHECK (mt.evidence == NULL || g_utf8_validate (mt.evidence, -1, NULL));
      g_free (mt.evidence);
    }
  }
  /* the prefilter never rules out a pattern that matches: neither on the
   * diagnostics above nor on the input itself read as a diagnostic (which
   * holds every literal its patterns spell out), as it is and in upper and
   * lower case (the scan folds the cases of every script) */
  {
    char *self = g_utf8_make_valid ((const char *) data, MIN (size, 4096));
    char *up = g_utf8_strup (self, -1), *down = g_utf8_strdown (self, -1);
    FUZZ_CHECK (_bc_rules_filter_miss (rs, diags[0]) == NULL);
    FUZZ_CHECK (_bc_rules_filter_miss (rs, diags[1]) == NULL);
    FUZZ_CHECK (_bc_rules_filter_miss (rs, self) == NULL);
    FUZZ_CHECK (_bc_rules_filter_miss (rs, up) == NULL);
    FUZZ_CHECK (_bc_rules_filter_miss (rs, down) == NULL);
    g_free (up);
    g_free (down);
    g_free (self);
  }
  _bc_rules_free (rs);
  return 0;
}
