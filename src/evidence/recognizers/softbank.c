/* softbank.c - SoftBank mobile (softbank.ne.jp, i.softbank.jp, vodafone, disney.ne.jp)
 * bounces, Japanese text with the address on its own line. */
#include "recognizers.h"

static const char *const domains[] = { "softbank.ne.jp", "i.softbank.jp", "vodafone.ne.jp", "disney.ne.jp", NULL };
static const BcRecSpec spec = { .domains = domains };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "The following addresses had", "following recipient", "The mail system", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_softbank = { "softbank", NULL, scan, &spec };
