/* domino.c - HCL / IBM Lotus Domino (Notes) delivery failure reports.
 *
 * Subject "DELIVERY FAILURE: ..." or "Delivery Status Notification";
 * "Your message ... was not delivered to: addr because: reason" and
 * "Delivery Failure Report"; X-Mailer "Lotus Domino" / "IBM Notes". The
 * older Notes layout puts the cause above the address under "-------
 * Failure Reasons --------" (Subject "Undeliverable message"). */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: Lotus Domino", "X-Mailer: IBM Domino", "X-Mailer: HCL Domino", NULL };
static const char *const body[] = { "was not delivered to:", "Delivery Failure Report",
                                    "------- Failure Reasons", NULL };
static const char *const from[] = { "@", NULL };
static const char *const subjects[] = { "DELIVERY FAILURE:", "DELIVERY_FAILURE:", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body, .from = from, .subjects = subjects };

static void
scan (BcScan *s)
{
  char *diag = _bc_scan_paragraph (s, "because:", TRUE);
  _bc_scan_labelled (s, "was not delivered to:", diag);
  if (!s->recipients->len)
    _bc_scan_section (s, NULL, NULL);
  _bc_scan_give_diag (s, diag, FALSE);
  g_free (diag);
}

const BcRecognizer _bc_rec_domino = { "domino", NULL, scan, &spec };
