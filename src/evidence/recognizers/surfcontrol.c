/* surfcontrol.c - SurfControl E-mail Filter (Websense) notices.
 *
 * "Your message could not be sent. A transcript of the attempts to send
 * the message follows." then "Addressed To: addr" and the remote reply;
 * X-Mailer names SurfControl. */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: SurfControl", NULL };
static const char *const body[] = { "A transcript of the attempts to send the message follows", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body };

static void
scan (BcScan *s)
{
  char *diag = _bc_scan_paragraph (s, "Failed to send to", TRUE);
  _bc_scan_labelled (s, "Addressed To:", diag);
  if (!s->recipients->len)
    _bc_scan_section (s, NULL, NULL);
  _bc_scan_give_diag (s, diag, FALSE);
  g_free (diag);
}

const BcRecognizer _bc_rec_surfcontrol = { "surfcontrol", NULL, scan, &spec };
