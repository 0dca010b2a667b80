/* zimbra.c - Zimbra Collaboration Suite bounces.
 *
 * Zimbra delivers through Postfix, so the text is Postfix's
 * "<addr>: reason" blocks; the report names Zimbra in its headers. */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: Zimbra", "X-Zimbra-Received", NULL };
static const char *const body[] = { "Zimbra", NULL };
static const char *const from[] = { "zimbra", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body, .from = from };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "The mail system", "following recipient", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_zimbra = { "zimbra", NULL, scan, &spec };
