/* exim.c - Exim bounce and delay messages.
 *
 * "A message that you sent could not be delivered to one or more of its
 * recipients. ... The following address(es) failed:" then each address
 * indented by two spaces with the SMTP error indented under it. The copy
 * of the message follows "------ This is a copy of the message".
 */
#include "recognizers.h"

static const char *const body[] = {
  "This message was created automatically by mail delivery software", NULL
};
enum { COULD_NOT };
static const char *const phrases[] = { [COULD_NOT] = "could not be delivered", NULL };
static const BcRecSpec spec = { .body = body, .phrases = phrases };

static gboolean
detect (BcRecProbe *p)
{
  static const char *const subjects[] = {
    "Mail delivery failed", "Warning: message", "Mail failure", NULL
  };
  if (_bc_subject_starts (p->m, subjects))
    return TRUE;
  if (_bc_rec_spec_match (p))
    return TRUE;
  return _bc_rec_said (p, COULD_NOT) && _bc_mime_header (p->m, "X-Failed-Recipients") != NULL;
}

static void
scan (BcScan *s)
{
  static const char *const starts[] = {
    "address(es) failed:", "following addresses failed", "has not yet been delivered",
    "could not be delivered to one or more", NULL
  };
  for (guint i = 0; starts[i]; i++)
    if (_bc_body_find (s->mime, starts[i])) {
      _bc_scan_section (s, starts[i], NULL);
      return;
    }
  _bc_scan_section (s, NULL, NULL);
}

const BcRecognizer _bc_rec_exim = { "exim", detect, scan, &spec };
