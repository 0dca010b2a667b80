/* visnetic.c - VisNetic MailServer (Deerfield) bounces; the text names
 * VisNetic and lists recipients in blocks. */
#include "recognizers.h"

static gboolean
detect (const BcMime *m)
{
  static const char *const headers[] = { "X-Mailer: VisNetic", NULL };
  static const char *const body[] = { "VisNetic", NULL };
  static const BcRecSpec spec = { headers, body, NULL, NULL, NULL };

  return _bc_rec_spec_match (m, &spec);
}

const BcRecognizer _bc_rec_visnetic = { "visnetic", detect, _bc_scan_listed };
