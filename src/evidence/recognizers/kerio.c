/* kerio.c - Kerio Connect (Kerio MailServer) delivery reports.
 *
 * Written by "Kerio Connect" (the From name or X-Mailer), with the
 * failed recipients listed one per line under "could not be delivered to
 * the following recipients" or Exchange-like "could not be reached". */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: Kerio", NULL };
static const char *const body[] = { "Kerio Connect", "Kerio MailServer", NULL };
static const char *const from[] = { "Kerio", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body, .from = from };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "following recipient", "could not be reached", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_kerio = { "kerio", NULL, scan, &spec };
