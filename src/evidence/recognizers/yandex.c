/* yandex.c - Yandex.Mail bounces.
 *
 * From mailer-daemon at yandex.ru (yandex.com, ya.ru): Russian and
 * English text "Message was not accepted -- invalid mailbox" or "Your
 * message was not delivered" with a DSN part naming the recipients. */
#include "recognizers.h"

static const char *const domains[] = { "yandex.ru", "yandex.com", "ya.ru", "yandex.net", "yandex.by", "yandex.kz", "yandex.ua", NULL };
static const BcRecSpec spec = { .domains = domains };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "following recipient", "following address", "not delivered", "not accepted", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_yandex = { "yandex", NULL, scan, &spec };
