/* yahoo.c - Yahoo! Mail (and Yahoo! Japan, AT&T and Verizon mailboxes it hosts).
 *
 * "Sorry, we were unable to deliver your message to the following
 * address." then "<addr>:" and "Remote host said: 550 ... [RCPT_TO]", the
 * copy after "--- Below this line is a copy of the message.". */
#include "recognizers.h"

static const char *const body[] = { "unable to deliver your message to the following address", NULL };
static const char *const domains[] = { "yahoo.com", "yahoo.co.jp", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "yahoodns.net", "ymail.com", "yahooinc.com", NULL };
static const BcRecSpec spec = { .body = body, .domains = domains };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "to the following address", "following address", NULL };
  _bc_scan_first_section (s, starts, "--- Below this line");
}

const BcRecognizer _bc_rec_yahoo = { "yahoo", NULL, scan, &spec };
