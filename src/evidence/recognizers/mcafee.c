/* mcafee.c - McAfee Email Gateway (formerly Secure Computing IronMail)
 * delivery status notices.
 *
 * Marked by the header "X-NAI-Header: Modified by McAfee Email Gateway"
 * (or "... IronMail"), which the gateway also puts on ordinary mail, so it
 * counts only on a bounce; the text lists the failed addresses under
 * "--- The following addresses had delivery problems ---", one per line
 * as "<addr>   (reason)", the reason sometimes on indented lines under it.
 *
 * Limits: the shared block scanner over the report text only.
 */
#include "recognizers.h"

static const char *const headers[] = { "X-NAI-Header: McAfee", "X-NAI-Header: IronMail", NULL };
enum { PROBLEMS };
static const char *const phrases[] = {
  [PROBLEMS] = "--- The following addresses had delivery problems ---", NULL
};
static const BcRecSpec spec = { .headers = headers, .phrases = phrases };

static gboolean
detect (BcRecProbe *p)
{
  if (_bc_rec_said (p, PROBLEMS))
    return TRUE;
  /* the gateway stamps every message it passes, bounce or not */
  return _bc_rec_spec_match (p) && _bc_rec_looks_like_bounce (p);
}

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "addresses had delivery problems", "following recipient",
                                        NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_mcafee = { "mcafee", detect, scan, &spec };
