/* argosoft.c - ArGoSoft Mail Server bounces.
 *
 * The text names ArGoSoft Mail Server and gives "Recipient: addr" with
 * the reason. */
#include "recognizers.h"

static gboolean
detect (const BcMime *m)
{
  static const char *const headers[] = { "X-Mailer: ArGoSoft", NULL };
  static const char *const body[] = { "ArGoSoft", NULL };
  static const BcRecSpec spec = { headers, body, NULL, NULL, NULL };

  return _bc_rec_spec_match (m, &spec);
}

const BcRecognizer _bc_rec_argosoft = { "argosoft", detect, _bc_scan_listed };
