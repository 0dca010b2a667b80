/* outlook.c - Outlook.com / Hotmail / Live / MSN consumer mail bounces.
 *
 * From postmaster at hotmail.com, outlook.com, live.com or msn.com; older
 * ones are IIS SMTPSVC reports ("Delivery to the following recipients
 * failed.") with a DSN part, newer ones Exchange Online's. */
#include "recognizers.h"

static const char *const headers[] = { "X-Message-Delivery", "X-Message-Info", NULL };
static const char *const domains[] = { "hotmail.com", "outlook.com", "live.com", "msn.com", "hotmail.co.uk", "hotmail.co.jp", "hotmail.fr", "live.jp", NULL };
static const char *const subjects[] = { "Delivery Status Notification", "Undeliverable", NULL };
static const BcRecSpec spec = { .headers = headers, .domains = domains, .subjects = subjects };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "following recipients failed", "Delivery has failed to these recipients", "following recipient", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_outlook = { "outlook", NULL, scan, &spec };
