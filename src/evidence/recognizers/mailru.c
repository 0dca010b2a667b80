/* mailru.c - Mail.ru bounces.
 *
 * Mail.ru runs Exim: "This message was created automatically by mail
 * delivery software." and "The following address(es) failed:" with the
 * address indented and the SMTP error under it; subject in Russian then
 * "Mail failure.". */
#include "recognizers.h"

static const char *const domains[] = { "mail.ru", "corp.mail.ru", "inbox.ru", "bk.ru", "list.ru", NULL };
static const BcRecSpec spec = { .domains = domains };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "address(es) failed", "following address", "following recipient", NULL };
  _bc_scan_first_section (s, starts, "This is a copy of the message");
}

const BcRecognizer _bc_rec_mailru = { "mailru", NULL, scan, &spec };
