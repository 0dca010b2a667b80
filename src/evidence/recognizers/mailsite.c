/* mailsite.c - Rockliffe MailSite bounces.
 *
 * Text names MailSite ("MailSite SMTP Server", "Rockliffe") and lists the
 * recipients with the remote reply. */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: MailSite", NULL };
static const char *const body[] = { "Rockliffe", "MailSite", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body };

const BcRecognizer _bc_rec_mailsite = { "mailsite", NULL, _bc_scan_listed, &spec };
