/* mailsite.c - Rockliffe MailSite bounces.
 *
 * Text names MailSite ("MailSite SMTP Server", "Rockliffe") and lists the
 * recipients with the remote reply. */
#include "recognizers.h"

static gboolean
detect (const BcMime *m)
{
  static const char *const headers[] = { "X-Mailer: MailSite", NULL };
  static const char *const body[] = { "Rockliffe", "MailSite", NULL };
  static const BcRecSpec spec = { headers, body, NULL, NULL, NULL };

  return _bc_rec_spec_match (m, &spec);
}

const BcRecognizer _bc_rec_mailsite = { "mailsite", detect, _bc_scan_listed };
