/* exchange2003.c - Microsoft Exchange 5.5 / 2000 / 2003 non-delivery reports.
 *
 * "Your message did not reach some or all of the intended recipients."
 * with To/Subject/Sent, then "The following recipient(s) could not be
 * reached:" and "addr on DATE" with the reason and an MSEXCH: code
 * indented under it. X-Mailer: Internet Mail Service or X-MS-TNEF-Correlator. */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: Internet Mail Service", "X-MS-Embedded-Report", "X-MimeOLE: Produced By Microsoft Exchange", NULL };
static const char *const body[] = { "did not reach the following recipient", "MSEXCH:", "could not be reached:", "cannot be reached:", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "could not be reached", "cannot be reached", "did not reach the following recipient", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_exchange2003 = { "exchange2003", NULL, scan, &spec };
