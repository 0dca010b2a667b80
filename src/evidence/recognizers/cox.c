/* cox.c - Cox Communications (cox.net) bounces.
 *
 * From a cox.net host; Cox's errors carry "AUP#" codes and a link to
 * cox.com's email error codes page. */
#include "recognizers.h"

static gboolean
detect (const BcMime *m)
{
  static const char *const body[] = { "cox.com/residential/support/email-error", NULL };
  static const char *const domains[] = { "cox.net", "cox.com", "coxmail.com", NULL };
  static const BcRecSpec spec = { NULL, body, NULL, domains, NULL };

  return _bc_rec_spec_match (m, &spec);
}

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "The mail system", "following recipient", "following address", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_cox = { "cox", detect, scan };
