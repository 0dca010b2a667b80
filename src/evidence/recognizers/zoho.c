/* zoho.c - Zoho Mail bounces.
 *
 * From mailer-daemon at zoho.com (X-Mailer: Zoho Mail). The text is
 * Exim-like, "The following address(es) failed:", with each address
 * followed on the same line by "Invalid Address, ERROR_CODE :550,
 * ERROR_CODE :reply". */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: Zoho Mail", NULL };
static const char *const domains[] = { "zoho.com", "zohomail.com", "zoho.eu", "zoho.in", NULL };
static const BcRecSpec spec = { .headers = headers, .domains = domains };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "address(es) failed", "following address", "following recipient", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_zoho = { "zoho", NULL, scan, &spec };
