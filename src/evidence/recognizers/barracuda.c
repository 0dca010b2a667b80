/* barracuda.c - Barracuda Spam Firewall / Email Security Gateway notices.
 *
 * "Your message to: addr was blocked by our Spam Firewall. The email you
 * sent with the following subject has NOT BEEN DELIVERED:" usually with a
 * DSN part; the subject is "**Message you sent blocked by our bulk email
 * filter**". The "blocked by our Spam Firewall" sentence is the same
 * whatever the cause; a "Reason:" paragraph, when the notice has one,
 * states it (an attachment type, the size, a blocked sender), so it is
 * the diagnostic in place of that sentence. Its Subject counts only with
 * one of its signs (the spec's confirm). */
#include "recognizers.h"

static const char *const body[] = { "blocked by our Spam Firewall", "Barracuda Networks", NULL };
/* its Subject "Message you sent blocked", from any sender on a bounce ("" is
 * in every From), that also shows Barracuda: its own words (the "(Spam
 * Firewall)" of its Received-From-MTA, its "has NOT BEEN DELIVERED"), its
 * name in From, or the headers it stamps. The Subject alone is not
 * Barracuda's: a person or another gateway may write it. */
static const char *const from[] = { "", NULL };
static const char *const subjects[] = { "**Message you sent blocked", "Message you sent blocked",
                                        NULL };
static const char *const confirm[] = { "Spam Firewall", "has NOT BEEN DELIVERED", NULL };
static const char *const confirm_headers[] = { "From: barracuda", "X-Barracuda-Connect",
                                               "X-ASG-Orig-Subj", NULL };
static const BcRecSpec spec = { .body = body, .from = from, .subjects = subjects,
                                .confirm = confirm, .confirm_headers = confirm_headers };

static void
scan (BcScan *s)
{
  char *diag = _bc_scan_paragraph (s, "Reason:", TRUE);

  if (!diag)
    diag = _bc_scan_paragraph (s, "was blocked by", TRUE);
  _bc_scan_labelled (s, "Your message to:", diag);
  if (!s->recipients->len)
    _bc_scan_section (s, NULL, NULL);
  _bc_scan_give_diag (s, diag, FALSE);
  g_free (diag);
}

const BcRecognizer _bc_rec_barracuda = { "barracuda", NULL, scan, &spec };
