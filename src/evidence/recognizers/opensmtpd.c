/* opensmtpd.c - OpenSMTPD's MAILER-DAEMON reports.
 *
 * "This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail." then
 * "An error has occurred while attempting to deliver a message for the
 * following list of recipients:" (a delay report: "A message is delayed
 * for more than 4 hours for the following list of recipients:") and one
 * line per recipient, "addr: reason", at the margin while newer versions
 * indent the surrounding text by four spaces; newer versions also say
 * "Your message could not be delivered to one or more recipients" and add
 * a DSN part. The list ends at "Below is a copy of the original message:"
 * or, in a delay report, at "Please note that this is only a temporary
 * failure report."
 *
 * Each "addr: reason" line is a recipient with its reason alone as the
 * diagnostic: the reason is all OpenSMTPD says, and the surrounding text
 * ("temporary failure report", "DO NOT REPLY") is no cause. When no line
 * has that shape, the shared block scanner reads the list.
 *
 * A delay report's recipients get the DSN action "delayed" when no DSN
 * part gave them one: OpenSMTPD is still trying.
 *
 * Limits: one pass over the list, lines longer than 4 KiB are skipped;
 * s->max_rcpts recipients are kept (by _bc_scan_add).
 */
#include "recognizers.h"

#include <string.h>

#define MAX_LINE 4096

/* The "DO NOT REPLY" greeting is OpenSMTPD's own. Its Subject ("Delivery
 * status notification: error") from a MAILER-DAEMON is not: other mailers
 * title their notices "Delivery Status Notification: ...", from the same
 * mailbox, in words of their own. So the Subject counts only with one of
 * OpenSMTPD's sentences: the heading of its list ("... for the following
 * list of recipients:") or the ruler before the returned copy ("Below is
 * a copy of the original message:"). */
static const char *const body[] = { "This is the MAILER-DAEMON, please DO NOT REPLY", NULL };
static const char *const from[] = { "MAILER-DAEMON", NULL };
static const char *const subjects[] = { "Delivery status notification:", NULL };
static const char *const confirm[] = { "the following list of recipients",
                                       "Below is a copy of the original message", NULL };
static const BcRecSpec spec = { .body = body, .from = from, .subjects = subjects,
                                .confirm = confirm };

/* read_lines - the "addr: reason" lines of @p..@end; how many were read */
static guint
read_lines (BcScan *s, const char *p, const char *end)
{
  guint found = 0;

  while (p < end) {
    const char *nl = memchr (p, '\n', end - p);
    const char *le = nl ? nl : end, *colon, *aend = NULL, *r;
    char *a, *d;

    while (le > p && (le[-1] == ' ' || le[-1] == '\r' || le[-1] == '\t'))
      le--;
    /* at the margin, an address, ": ", a reason */
    if (le - p > 3 && le - p < MAX_LINE && *p != ' ' && *p != '\t' &&
        (colon = _bc_memmem (p, le - p, ": ", 2)) != NULL &&
        memchr (p, '@', colon - p) && !memchr (p, ' ', colon - p) &&
        (a = _bc_address_find (p, colon - p, &aend)) != NULL) {
      for (r = colon + 2; r < le && *r == ' '; r++)
        ;
      d = _bc_squeeze (r, le - r);
      if (_bc_scan_add (s, a, d))
        found++;
      g_free (d);
      g_free (a);
    }
    p = nl ? nl + 1 : end;
  }
  return found;
}

/* mark_delayed - see the header */
static void
mark_delayed (BcScan *s, guint from)
{
  if (!_bc_body_find (s->mime, "this is only a temporary failure report") &&
      !_bc_body_find (s->mime, "A message is delayed for more than"))
    return;
  for (guint i = from; i < s->recipients->len; i++) {
    BcRecipient *r = g_ptr_array_index (s->recipients, i);
    if (!r->dsn_action)
      r->dsn_action = g_strdup ("delayed");
  }
}

static void
scan (BcScan *s)
{
  guint before = s->recipients->len;

  static const char *const starts[] = {
    "following list of recipients", "could not be delivered to one or more", "recipients:", NULL
  };
  static const char *const ends[] = {
    "Below is a copy", "Please note that this is only a temporary", NULL
  };
  const char *b = NULL, *e = NULL;

  for (guint i = 0; starts[i] && !b; i++)
    if (_bc_body_find (s->mime, starts[i]))
      _bc_scan_range (s, starts[i], NULL, &b, &e);
  if (b) {
    for (guint i = 0; ends[i]; i++) {
      const char *f = _bc_strcasestr_len (b, e - b, ends[i]);
      if (f)
        e = f;
    }
    if (read_lines (s, b, e) > 0) {
      mark_delayed (s, before);
      return;
    }
  }
  _bc_scan_first_section (s, starts, "Below is a copy");
  mark_delayed (s, before);
}

const BcRecognizer _bc_rec_opensmtpd = { "opensmtpd", NULL, scan, &spec };
