/* mdaemon.c - MDaemon (Alt-N / MDaemon Technologies) failure notices.
 *
 * "The attached message had PERMANENT fatal delivery errors!" and a
 * session transcript between "--- Session Transcript ---" and "--- End
 * Transcript ---" that holds "RCPT TO:<addr>" and the remote reply. The
 * header X-MDaemon-Deliver-To names the original sender. */
#include "recognizers.h"

static const char *const headers[] = { "X-MDaemon-Deliver-To", "X-MDRemoteIP", NULL };
static const char *const body[] = { "had PERMANENT fatal delivery errors", "had TEMPORARY delivery errors", NULL };
static const char *const from[] = { "MDaemon", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body, .from = from };

static void
scan (BcScan *s)
{
  char *diag = _bc_scan_paragraph (s, "Session Transcript", FALSE);
  _bc_scan_labelled (s, "RCPT TO:", diag);
  if (!s->recipients->len)
    _bc_scan_section (s, "Session Transcript", NULL);
  _bc_scan_give_diag (s, diag, FALSE);
  g_free (diag);
}

const BcRecognizer _bc_rec_mdaemon = { "mdaemon", NULL, scan, &spec };
