/* apachejames.c - Apache James server bounces.
 *
 * "Error message below:" with the SMTP reply, then "Message details:"
 * listing "RCPT TO: addr" lines; the subject is the original one with
 * "Re:" before it, so detection reads the body phrases. */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: Apache James", NULL };
static const char *const body[] = { "Error message below:", "Apache James", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body };

static void
scan (BcScan *s)
{
  char *diag = _bc_scan_paragraph (s, "Error message below:", FALSE);
  _bc_scan_labelled (s, "RCPT TO:", diag);
  if (!s->recipients->len)
    _bc_scan_section (s, "Error message below:", NULL);
  _bc_scan_give_diag (s, diag, FALSE);
  g_free (diag);
}

const BcRecognizer _bc_rec_apachejames = { "apachejames", NULL, scan, &spec };
