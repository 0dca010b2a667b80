/* ftgate.c - FTGate (Floosietek) bounces.
 *
 * The text names FTGate; failed recipients listed in blocks with the
 * remote reply. */
#include "recognizers.h"

static gboolean
detect (const BcMime *m)
{
  static const char *const headers[] = { "X-Mailer: FTGate", NULL };
  static const char *const body[] = { "FTGate", NULL };
  static const BcRecSpec spec = { headers, body, NULL, NULL, NULL };

  return _bc_rec_spec_match (m, &spec);
}

const BcRecognizer _bc_rec_ftgate = { "ftgate", detect, _bc_scan_listed };
