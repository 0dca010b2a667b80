/* messagelabs.c - Symantec / Broadcom MessageLabs (Email Security.cloud) bounces.
 *
 * From a messagelabs.com host, "This is an automatically generated Delivery
 * Status Notification" style with "Delivery to the following recipients
 * failed." and the remote answer after "Reason:". */
#include "recognizers.h"

static const char *const domains[] = { "messagelabs.com", NULL };
static const BcRecSpec spec = { .domains = domains };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "following recipients failed", "following recipient", NULL };
  _bc_scan_first_section (s, starts, NULL);
  {
    char *diag = _bc_scan_paragraph (s, "Reason:", TRUE);
    _bc_scan_give_diag (s, diag, FALSE);
    g_free (diag);
  }
}

const BcRecognizer _bc_rec_messagelabs = { "messagelabs", NULL, scan, &spec };
