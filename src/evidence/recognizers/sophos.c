/* sophos.c - Sophos Email Appliance / PureMessage / Sophos Central notices.
 *
 * Reports name "Sophos" or "PureMessage" and carry X-Sophos-* or
 * X-SASI-* headers; the failed recipients follow "could not be delivered
 * to" in the usual block shape; a cause written apart from them, in a
 * "Reason:" paragraph, goes to each of them. */
#include "recognizers.h"

static const char *const body[] = { "Sophos Email Appliance", "PureMessage", "Sophos Central", NULL };
static const char *const from[] = { "Sophos", NULL };
static const BcRecSpec spec = { .body = body, .from = from };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "following recipient", "following address", "could not be delivered to", NULL };
  char *why;

  _bc_scan_first_section (s, starts, NULL);
  /* the cause often stands apart, after "Reason:" */
  why = _bc_scan_paragraph (s, "Reason:", TRUE);
  _bc_scan_give_diag (s, why, TRUE);
  g_free (why);
}

const BcRecognizer _bc_rec_sophos = { "sophos", NULL, scan, &spec };
