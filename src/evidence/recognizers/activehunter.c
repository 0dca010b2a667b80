/* activehunter.c - ActiveHunter (TeamGen, Japan) mail filter notices.
 *
 * "Reference ActiveHunter" in the text or X-AHMailID header; the failed
 * address precedes "||" with the reason after "pattern". */
#include "recognizers.h"

static const char *const headers[] = { "X-AHMailid", "X-AHMailID", NULL };
static const char *const body[] = { "ActiveHunter", NULL };
static const char *const from[] = { "ActiveHunter", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body, .from = from };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "ActiveHunter", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_activehunter = { "activehunter", NULL, scan, &spec };
