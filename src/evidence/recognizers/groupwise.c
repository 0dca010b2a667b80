/* groupwise.c - Novell / Micro Focus GroupWise (GWIA) status messages.
 *
 * Subject "Message status - undeliverable", then "The message that you
 * sent was undeliverable to the following:" with "addr (reason)" lines
 * and "Possible solutions:" advice. */
#include "recognizers.h"

static gboolean
detect (const BcMime *m)
{
  static const char *const headers[] = { "X-Mailer: GroupWise", "X-Mailer: Novell GroupWise", NULL };
  static const char *const body[] = { "was undeliverable to the following:", "GroupWise Internet Agent", NULL };
  static const char *const from[] = { "@", NULL };
  static const char *const subjects[] = { "Message status - undeliverable", NULL };
  static const BcRecSpec spec = { headers, body, from, NULL, subjects };

  return _bc_rec_spec_match (m, &spec);
}

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "undeliverable to the following:", "could not be delivered to the following", NULL };
  _bc_scan_first_section (s, starts, "Possible solutions");
}

const BcRecognizer _bc_rec_groupwise = { "groupwise", detect, scan };
