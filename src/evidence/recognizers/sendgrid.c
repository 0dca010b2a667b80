/* sendgrid.c - SendGrid (Twilio) bounce messages.
 *
 * "This is an automatically generated message from SendGrid." and
 * "I'm sorry to have to tell you that your message was not able to be
 * delivered to one of its intended recipients.", then "addr: reason". */
#include "recognizers.h"

static const char *const body[] = { "message from SendGrid", "contact SendGrid support", NULL };
static const char *const domains[] = { "sendgrid.net", "sendgrid.com", NULL };
static const BcRecSpec spec = { .body = body, .domains = domains };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "intended recipients", "SendGrid support", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_sendgrid = { "sendgrid", NULL, scan, &spec };
