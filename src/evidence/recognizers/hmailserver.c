/* hmailserver.c - hMailServer bounces.
 *
 * "Your message did not reach some or all of the intended recipients."
 * then "The following recipient(s) could not be reached:" and "addr" with
 * "Error Type: SMTP" and "Remote server (IP) issued an error." and the
 * reply; the text names hMailServer. */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: hMailServer", NULL };
static const char *const body[] = { "hMailServer", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "could not be reached", "following recipient", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_hmailserver = { "hmailserver", NULL, scan, &spec };
