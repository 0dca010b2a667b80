/* barracuda.c - Barracuda Spam Firewall / Email Security Gateway notices.
 *
 * "Your message to: addr was blocked by our Spam Firewall. The email you
 * sent with the following subject has NOT BEEN DELIVERED:" usually with a
 * DSN part; the subject is "**Message you sent blocked by our bulk email
 * filter**". The "blocked by our Spam Firewall" sentence is the same
 * whatever the cause; a "Reason:" paragraph, when the notice has one,
 * states it (an attachment type, the size, a blocked sender), so it is
 * the diagnostic in place of that sentence. */
#include "recognizers.h"

static const char *const body[] = { "blocked by our Spam Firewall", "Barracuda Networks", NULL };
static const char *const from[] = { "@", NULL };
static const char *const subjects[] = { "**Message you sent blocked", "Message you sent blocked", NULL };
static const BcRecSpec spec = { .body = body, .from = from, .subjects = subjects };

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
