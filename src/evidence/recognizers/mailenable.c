/* mailenable.c - MailEnable server delivery failures.
 *
 * "Message delivery has failed for the following recipients" style text
 * from a MailEnable post office (X-Mailer or text names MailEnable). */
#include "recognizers.h"

static gboolean
detect (const BcMime *m)
{
  static const char *const headers[] = { "X-Mailer: MailEnable", "X-ME-Bayesian", NULL };
  static const char *const body[] = { "MailEnable", NULL };
  static const BcRecSpec spec = { headers, body, NULL, NULL, NULL };

  return _bc_rec_spec_match (m, &spec);
}

const BcRecognizer _bc_rec_mailenable = { "mailenable", detect, _bc_scan_listed };
