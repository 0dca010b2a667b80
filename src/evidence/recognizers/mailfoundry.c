/* mailfoundry.c - MailFoundry gateway bounces.
 *
 * Subject "Message delivery has failed"; "Unable to deliver message to:
 * <addr>" then "Delivery failed for the following reason:" with the
 * remote server's answer. */
#include "recognizers.h"

static const char *const body[] = { "Delivery failed for the following reason:", "MAILFOUNDRY", NULL };
static const char *const from[] = { "@", NULL };
static const char *const subjects[] = { "Message delivery has failed", NULL };
static const BcRecSpec spec = { .body = body, .from = from, .subjects = subjects };

static void
scan (BcScan *s)
{
  char *diag = _bc_scan_paragraph (s, "Delivery failed for the following reason:", FALSE);
  _bc_scan_labelled (s, "Unable to deliver message to:", diag);
  if (!s->recipients->len)
    _bc_scan_section (s, NULL, NULL);
  _bc_scan_give_diag (s, diag, FALSE);
  g_free (diag);
}

const BcRecognizer _bc_rec_mailfoundry = { "mailfoundry", NULL, scan, &spec };
