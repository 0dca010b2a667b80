/* gmx.c - GMX and WEB.DE (United Internet) bounces.
 *
 * From MAILER-DAEMON at gmx.net, gmx.com, web.de or mail.com; Exim-like
 * "This message was created automatically by mail delivery software",
 * the address on a line of its own and "Reason:" with the answer. */
#include "recognizers.h"

static const char *const domains[] = { "gmx.net", "gmx.com", "gmx.de", "gmx.at", "gmx.ch", "web.de", "mail.com", NULL };
static const BcRecSpec spec = { .domains = domains };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "address(es) failed", "following address", "following recipient", NULL };
  _bc_scan_first_section (s, starts, NULL);
  {
    char *diag = _bc_scan_paragraph (s, "Reason:", TRUE);
    _bc_scan_give_diag (s, diag, FALSE);
    g_free (diag);
  }
}

const BcRecognizer _bc_rec_gmx = { "gmx", NULL, scan, &spec };
