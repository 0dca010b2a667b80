/* aol.c - AOL Mail bounces.
 *
 * From MAILER-DAEMON at aol.com (or its mx hosts); the text is a Postfix
 * or Yahoo-shaped report, read by the generic block scanner. */
#include "recognizers.h"

static const char *const domains[] = { "aol.com", "aol.net", "aim.com", NULL };
static const BcRecSpec spec = { .domains = domains };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "The mail system", "following address", "following recipient", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_aol = { "aol", NULL, scan, &spec };
