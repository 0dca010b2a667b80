/* verizon.c - Verizon Wireless MMS/SMS gateway (vtext.com, vzwpix.com) notices.
 *
 * "Message could not be delivered to mobile." and "Error: ..." then
 * "Original Message:" with the From and To of the message; the To is the
 * failed handset address. */
#include "recognizers.h"

static const char *const from[] = { "MMSC NDR", NULL };
static const char *const domains[] = { "vzwpix.com", "vtext.com", "vzw.com", "verizon.net", NULL };
static const BcRecSpec spec = { .from = from, .domains = domains };

static void
scan (BcScan *s)
{
  char *diag = _bc_scan_paragraph (s, "could not be delivered", TRUE);
  if (!diag)
    diag = _bc_scan_paragraph (s, "Error:", TRUE);
  _bc_scan_labelled (s, "\nTo:", diag);
  if (!s->recipients->len)
    _bc_scan_labelled (s, "RCPT TO:", diag);
  if (!s->recipients->len)
    _bc_scan_section (s, NULL, "Original Message");
  _bc_scan_give_diag (s, diag, FALSE);
  g_free (diag);
}

const BcRecognizer _bc_rec_verizon = { "verizon", NULL, scan, &spec };
