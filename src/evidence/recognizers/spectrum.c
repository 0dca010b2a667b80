/* spectrum.c - Spectrum / Charter / Time Warner Cable (charter.net, rr.com,
 * twc.com, spectrum.net) bounces, read by the generic block scanner. */
#include "recognizers.h"

static const char *const domains[] = { "charter.net", "rr.com", "twc.com", "spectrum.net", "brighthouse.com", NULL };
static const BcRecSpec spec = { .domains = domains };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "The mail system", "following recipient", "following address", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_spectrum = { "spectrum", NULL, scan, &spec };
