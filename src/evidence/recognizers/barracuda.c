/* barracuda.c - Barracuda Spam Firewall / Email Security Gateway notices.
 *
 * "Your message to: addr was blocked by our Spam Firewall. The email you
 * sent with the following subject has NOT BEEN DELIVERED:" usually with a
 * DSN part; the subject is "**Message you sent blocked by our bulk email
 * filter**". The "blocked by our Spam Firewall" sentence is the same
 * whatever the cause; a "Reason:" paragraph, when the notice has one,
 * states it (an attachment type, the size, a blocked sender), so it is
 * the diagnostic in place of that sentence. Its Subject counts only with
 * one of its signs (detect()). */
#include "recognizers.h"

static const char *const body[] = { "blocked by our Spam Firewall", "Barracuda Networks", NULL };
/* Barracuda's own words, asked only under its Subject: the "(Spam
 * Firewall)" of its Received-From-MTA, its "has NOT BEEN DELIVERED" */
static const char *const phrases[] = { "Spam Firewall", "has NOT BEEN DELIVERED", NULL };
static const BcRecSpec spec = { .body = body, .phrases = phrases };

/* detect - Barracuda's sentence or name in the text, or its Subject
 * "Message you sent blocked" on a bounce that also shows Barracuda: its
 * own phrases, its name in From, or the headers it stamps. The Subject
 * alone is not Barracuda's: a person or another gateway may write it. */
static gboolean
detect (BcRecProbe *p)
{
  static const char *const subjects[] = { "**Message you sent blocked", "Message you sent blocked",
                                          NULL };
  static const char *const names[] = { "barracuda", NULL };
  const BcMime *m = p->m;

  if (_bc_rec_spec_match (p))
    return TRUE;
  if (!_bc_subject_starts (m, subjects) || !_bc_rec_looks_like_bounce (p))
    return FALSE;
  return _bc_rec_said (p, 0) || _bc_rec_said (p, 1) || _bc_from_matches (m, names) ||
         _bc_mime_header (m, "X-Barracuda-Connect") || _bc_mime_header (m, "X-ASG-Orig-Subj");
}

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

const BcRecognizer _bc_rec_barracuda = { "barracuda", detect, scan, &spec };
