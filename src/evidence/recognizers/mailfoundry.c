/* mailfoundry.c - MailFoundry gateway bounces.
 *
 * Subject "Message delivery has failed"; "Unable to deliver message to:
 * <addr>" then "Delivery failed for the following reason:" with the
 * remote server's answer. */
#include "recognizers.h"

/* the gateway's heading of the cause, or its name, claims alone.
 * "Message delivery has failed" titles other mailers' notices too, in
 * words of their own; the Subject counts only with the gateway's label
 * for the recipient ("Unable to deliver message to: <addr>"). */
static const char *const body[] = { "Delivery failed for the following reason:", "MAILFOUNDRY",
                                    NULL };
static const char *const from[] = { "@", NULL };
static const char *const subjects[] = { "Message delivery has failed", NULL };
static const char *const confirm[] = { "Unable to deliver message to:", NULL };
static const BcRecSpec spec = { .body = body, .from = from, .subjects = subjects,
                                .confirm = confirm };

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
