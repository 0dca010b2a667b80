/* amazonworkmail.c - Amazon WorkMail bounces.
 *
 * X-Mailer: Amazon WorkMail, sent through SES; the text says "Your message
 * wasn't delivered" (or is empty) and "Technical report:" holds DSN
 * fields, which the MIME stage reads as a DSN. */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: Amazon WorkMail", NULL };
static const BcRecSpec spec = { .headers = headers };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "following recipient", "could not be delivered", NULL };
  _bc_scan_first_section (s, starts, "Technical report");
}

const BcRecognizer _bc_rec_amazonworkmail = { "amazonworkmail", NULL, scan, &spec };
