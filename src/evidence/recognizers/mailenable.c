/* mailenable.c - MailEnable server delivery failures.
 *
 * "Message delivery has failed for the following recipients" style text
 * from a MailEnable post office (X-Mailer or text names MailEnable). */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: MailEnable", "X-ME-Bayesian", NULL };
static const char *const body[] = { "MailEnable", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body };

const BcRecognizer _bc_rec_mailenable = { "mailenable", NULL, _bc_scan_listed, &spec };
