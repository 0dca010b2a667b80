/* mailtraq.c - Mailtraq (Enstar) bounces; the text names Mailtraq and lists
 * recipients in blocks. */
#include "recognizers.h"

static gboolean
detect (const BcMime *m)
{
  static const char *const headers[] = { "X-Mailer: Mailtraq", NULL };
  static const char *const body[] = { "Mailtraq", NULL };
  static const BcRecSpec spec = { headers, body, NULL, NULL, NULL };

  return _bc_rec_spec_match (m, &spec);
}

const BcRecognizer _bc_rec_mailtraq = { "mailtraq", detect, _bc_scan_listed };
