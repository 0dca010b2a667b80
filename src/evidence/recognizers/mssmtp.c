/* mssmtp.c - Microsoft IIS / Windows SMTP service (SMTPSVC) reports.
 *
 * "This is an automatically generated Delivery Status Notification." and
 * "Delivery to the following recipients failed." (or "was delayed" /
 * "succeeded") with addresses indented under it and a DSN part; the
 * X-DSNContext header is the service's own. */
#include "recognizers.h"

static const char *const headers[] = { "X-DSNContext", NULL };
/* "failed." with its full stop: Gmail's "Delivery to the following
 * recipients failed permanently:" and other mailers' "... failed:" (a
 * Gmail-like sentence, then a list and a cause in their own words) begin
 * the same way and are not this service's */
static const char *const body[] = { "Delivery to the following recipients failed.", "Delivery to the following recipients was delayed", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "Delivery to the following recipients", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_mssmtp = { "mssmtp", NULL, scan, &spec };
