/* qmail.c - qmail-send failure notices (and netqmail, vpopmail variants).
 *
 * "Hi. This is the qmail-send program at H." then "<addr>:" on a line of
 * its own and the reason under it; the copy follows "--- Below this line
 * is a copy of the message."
 */
#include "recognizers.h"

static gboolean
detect (const BcMime *m)
{
  return _bc_body_find (m, "This is the qmail-send program") != NULL ||
         _bc_body_find (m, "qmail-send program at") != NULL ||
         /* qmail's wording kept by clones that rename the program */
         _bc_body_find (m, "I'm afraid I wasn't able to deliver your message to the following") != NULL ||
         (_bc_has_prefix_ci (m->subject, "failure notice") &&
          _bc_body_find (m, "I wasn't able to deliver your message") != NULL);
}

static void
scan (BcScan *s)
{
  if (_bc_body_find (s->mime, "to the following addresses"))
    _bc_scan_section (s, "to the following addresses", NULL);
  else
    _bc_scan_section (s, "qmail-send program", NULL);
}

const BcRecognizer _bc_rec_qmail = { "qmail", detect, scan };
