/* sendmail.c - Sendmail's "Returned mail: see transcript for details".
 *
 * "----- The following addresses had permanent fatal errors -----" then
 * "<addr>" and "(reason: 550 ...)", and "----- Transcript of session
 * follows -----" with the SMTP dialogue.
 */
#include "recognizers.h"

static gboolean
detect (const BcMime *m)
{
  static const char *const subjects[] = { "Returned mail:", "Warning: could not send message", NULL };
  if (_bc_subject_starts (m, subjects))
    return TRUE;
  return _bc_body_find (m, "----- The following addresses had") != NULL ||
         _bc_body_find (m, "----- Transcript of session follows -----") != NULL;
}

static void
scan (BcScan *s)
{
  if (_bc_body_find (s->mime, "----- The following addresses had"))
    _bc_scan_section (s, "----- The following addresses had", NULL);
  else
    _bc_scan_section (s, "----- Transcript of session follows", NULL);
}

const BcRecognizer _bc_rec_sendmail = { "sendmail", detect, scan };
