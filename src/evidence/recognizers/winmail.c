/* winmail.c - Magic Winmail Server (AMAX) bounces; the text names Winmail
 * Server and lists recipients in blocks. */
#include "recognizers.h"

static gboolean
detect (const BcMime *m)
{
  static const char *const headers[] = { "X-Mailer: Winmail", NULL };
  static const char *const body[] = { "Winmail Server", "Magic Winmail", NULL };
  static const BcRecSpec spec = { headers, body, NULL, NULL, NULL };

  return _bc_rec_spec_match (m, &spec);
}

const BcRecognizer _bc_rec_winmail = { "winmail", detect, _bc_scan_listed };
