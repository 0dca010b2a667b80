/* icewarp.c - IceWarp (formerly Merak) mail server bounces.
 *
 * Text names IceWarp or Merak Mail Server; "Your message did not reach
 * its recipient(s)" with the address and "Reason:". */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: IceWarp", "X-Mailer: Merak", NULL };
static const char *const body[] = { "IceWarp", "Merak Mail Server", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body };

static void
scan (BcScan *s)
{
  _bc_scan_listed (s);
  {
    char *diag = _bc_scan_paragraph (s, "Reason:", TRUE);
    _bc_scan_give_diag (s, diag, FALSE);
    g_free (diag);
  }
}

const BcRecognizer _bc_rec_icewarp = { "icewarp", NULL, scan, &spec };
