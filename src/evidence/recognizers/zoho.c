/* zoho.c - Zoho Mail bounces.
 *
 * From mailer-daemon at zoho.com (X-Mailer: Zoho Mail). The text is
 * Exim-like, "The following address(es) failed:", with each address
 * followed on the same line by "Invalid Address, ERROR_CODE :550,
 * ERROR_CODE :reply". */
#include "recognizers.h"

static gboolean
detect (const BcMime *m)
{
  static const char *const headers[] = { "X-Mailer: Zoho Mail", NULL };
  static const char *const domains[] = { "zoho.com", "zohomail.com", "zoho.eu", "zoho.in", NULL };
  static const BcRecSpec spec = { headers, NULL, NULL, domains, NULL };

  return _bc_rec_spec_match (m, &spec);
}

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "address(es) failed", "following address", "following recipient", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_zoho = { "zoho", detect, scan };
