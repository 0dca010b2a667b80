/* activehunter.c - ActiveHunter (TeamGen, Japan) mail filter notices.
 *
 * "Reference ActiveHunter" in the text or X-AHMailID header; the failed
 * address precedes "||" with the reason after "pattern". */
#include "recognizers.h"

static gboolean
detect (const BcMime *m)
{
  static const char *const headers[] = { "X-AHMailid", "X-AHMailID", NULL };
  static const char *const body[] = { "ActiveHunter", NULL };
  static const char *const from[] = { "ActiveHunter", NULL };
  static const BcRecSpec spec = { headers, body, from, NULL, NULL };

  return _bc_rec_spec_match (m, &spec);
}

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "ActiveHunter", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_activehunter = { "activehunter", detect, scan };
