/* cox.c - Cox Communications (cox.net) bounces.
 *
 * From a cox.net host; Cox's errors carry "AUP#" codes and a link to
 * cox.com's email error codes page. */
#include "recognizers.h"

static const char *const body[] = { "cox.com/residential/support/email-error", NULL };
static const char *const domains[] = { "cox.net", "cox.com", "coxmail.com", NULL };
static const BcRecSpec spec = { .body = body, .domains = domains };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "The mail system", "following recipient", "following address", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_cox = { "cox", NULL, scan, &spec };
