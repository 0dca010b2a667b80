/* opensmtpd.c - OpenSMTPD's MAILER-DAEMON reports.
 *
 * "This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail." then
 * "An error has occurred while attempting to deliver a message for the
 * following list of recipients:" and "addr: reason" lines; newer versions
 * say "Your message could not be delivered to one or more recipients" and
 * add a DSN part. The copy follows "Below is a copy of the original
 * message:". */
#include "recognizers.h"

static const char *const body[] = { "This is the MAILER-DAEMON, please DO NOT REPLY", NULL };
static const char *const from[] = { "MAILER-DAEMON", NULL };
static const char *const subjects[] = { "Delivery status notification:", NULL };
static const BcRecSpec spec = { .body = body, .from = from, .subjects = subjects };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "following list of recipients", "could not be delivered to one or more", "recipients:", NULL };
  _bc_scan_first_section (s, starts, "Below is a copy");
}

const BcRecognizer _bc_rec_opensmtpd = { "opensmtpd", NULL, scan, &spec };
