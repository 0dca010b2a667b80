/* hmailserver.c - hMailServer bounces.
 *
 * "Your message did not reach some or all of the intended recipients."
 * then "The following recipient(s) could not be reached:" and "addr" with
 * "Error Type: SMTP" and "Remote server (IP) issued an error." and the
 * reply; the text names hMailServer, or at least has its fields. */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: hMailServer", NULL };
static const char *const body[] = { "hMailServer", NULL };
enum { REACHED, ERROR_TYPE, DESCRIPTION, REPLIED };
static const char *const phrases[] = {
  [REACHED] = "recipient(s) could not be reached:", [ERROR_TYPE] = "Error Type:",
  [DESCRIPTION] = "Error Description:", [REPLIED] = "Remote server replied:", NULL
};
static const BcRecSpec spec = { .headers = headers, .body = body, .phrases = phrases };

/* Not every notice names hMailServer (a DNS failure has no remote reply to
 * quote): Exchange's layout with hMailServer's own fields under the address
 * is one too, "Error Type:" and then "Error Description:" or "Remote
 * server replied:". Kerio Connect copies the layout and "Error Type:" but
 * words the rest its own way. */
static gboolean
detect (BcRecProbe *p)
{
  return _bc_rec_spec_match (p) ||
         (_bc_rec_said (p, REACHED) && _bc_rec_said (p, ERROR_TYPE) &&
          (_bc_rec_said (p, DESCRIPTION) || _bc_rec_said (p, REPLIED)));
}

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "could not be reached", "following recipient", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_hmailserver = { "hmailserver", detect, scan, &spec };
