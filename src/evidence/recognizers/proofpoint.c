/* proofpoint.c - Proofpoint Protection Server / Essentials bounces.
 *
 * Proofpoint relays with Sendmail or Postfix underneath; its own text says
 * "Message rejected by Proofpoint" or links support.proofpoint.com, and
 * its headers carry X-Proofpoint-*. Blocks are read generically. */
#include "recognizers.h"

static const char *const body[] = { "Proofpoint Essentials", "This message was rejected by Proofpoint", NULL };
static const char *const domains[] = { "pphosted.com", NULL };
static const BcRecSpec spec = { .body = body, .domains = domains };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "following recipient", "following address", "The mail system", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_proofpoint = { "proofpoint", NULL, scan, &spec };
