/* sendmail.c - Sendmail's "Returned mail: see transcript for details".
 *
 * "----- The following addresses had permanent fatal errors -----" then
 * "<addr>" and "(reason: 550 ...)", and "----- Transcript of session
 * follows -----" with the SMTP dialogue.
 */
#include "recognizers.h"

static const char *const body[] = {
  "----- The following addresses had", "----- Transcript of session follows -----", NULL
};
static const BcRecSpec spec = { .body = body };

static gboolean
detect (BcRecProbe *p)
{
  static const char *const subjects[] = { "Returned mail:", "Warning: could not send message", NULL };

  return _bc_subject_starts (p->m, subjects) || _bc_rec_spec_match (p);
}

static void
scan (BcScan *s)
{
  if (_bc_body_find (s->mime, "----- The following addresses had"))
    _bc_scan_section (s, "----- The following addresses had", NULL);
  else
    _bc_scan_section (s, "----- Transcript of session follows", NULL);
}

const BcRecognizer _bc_rec_sendmail = { "sendmail", detect, scan, &spec };
