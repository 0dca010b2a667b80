/* haraka.c - Haraka (Node.js MTA) bounces.
 *
 * Haraka borrows Exim's Subject ("Mail delivery failed: returning message
 * to sender") but names itself in the text ("This is the Haraka mailer
 * at HOST.") and in a "Received: (Haraka N invoked for bounce)" line. Each
 * failed address follows as "<addr>: CODE text", then a DSN part. */
#include "recognizers.h"

static const char *const headers[] = { "Received: (Haraka", NULL };
static const char *const body[] = { "This is the Haraka mailer", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body };

static void
scan (BcScan *s)
{
  static const char *const starts[] = {
    "wasn't able to deliver your message", "was not able to deliver your message", NULL
  };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_haraka = { "haraka", NULL, scan, &spec };
