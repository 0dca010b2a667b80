/* surgemail.c - NetWin SurgeMail bounces.
 *
 * "Your message could not be delivered" from SurgeMail (X-Mailer or the
 * text names SurgeMail / NetWin), address and reason in blocks. */
#include "recognizers.h"

static gboolean
detect (const BcMime *m)
{
  static const char *const headers[] = { "X-Mailer: SurgeMail", NULL };
  static const char *const body[] = { "SurgeMail", "NetWin", NULL };
  static const BcRecSpec spec = { headers, body, NULL, NULL, NULL };

  return _bc_rec_spec_match (m, &spec);
}

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "following recipient", "following address", "could not be delivered", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_surgemail = { "surgemail", detect, scan };
