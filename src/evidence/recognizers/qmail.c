/* qmail.c - qmail-send failure notices (and netqmail, vpopmail variants).
 *
 * "Hi. This is the qmail-send program at H." then "<addr>:" on a line of
 * its own and the reason under it; the copy follows "--- Below this line
 * is a copy of the message."
 */
#include "recognizers.h"

static const char *const body[] = {
  "This is the qmail-send program", "qmail-send program at",
  /* qmail's wording kept by clones that rename the program */
  "I'm afraid I wasn't able to deliver your message to the following", NULL
};
enum { NOT_ABLE };
static const char *const phrases[] = { [NOT_ABLE] = "I wasn't able to deliver your message", NULL };
static const BcRecSpec spec = { .body = body, .phrases = phrases };

static gboolean
detect (BcRecProbe *p)
{
  return _bc_rec_spec_match (p) ||
         (_bc_has_prefix_ci (p->m->subject, "failure notice") && _bc_rec_said (p, NOT_ABLE));
}

static void
scan (BcScan *s)
{
  if (_bc_body_find (s->mime, "to the following addresses"))
    _bc_scan_section (s, "to the following addresses", NULL);
  else
    _bc_scan_section (s, "qmail-send program", NULL);
}

const BcRecognizer _bc_rec_qmail = { "qmail", detect, scan, &spec };
