/* fortimail.c - Fortinet FortiMail / FortiGate mail filter notices.
 *
 * Reports name FortiMail or FortiGuard (antispam or antivirus) and the
 * recipients are listed in the usual blocks; a cause written apart from
 * them, in a "Reason:" paragraph, goes to each of them. */
#include "recognizers.h"

static const char *const body[] = { "FortiMail", "FortiGuard", NULL };
static const char *const from[] = { "FortiMail", "FortiGate", NULL };
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

const BcRecognizer _bc_rec_fortimail = { "fortimail", NULL, scan, &spec };
