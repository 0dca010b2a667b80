/* mailmarshal.c - Trustwave (Marshal) MailMarshal SMTP notices.
 *
 * "Your message:" with From and Subject, "Could not be delivered because
 * of" and the reason, "The following recipients were affected:" and one
 * address per line, then "Additional Information" fields. */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: MailMarshal", NULL };
static const char *const body[] = { "The following recipients were affected", "MailMarshal", NULL };
/* The Subject "Undeliverable Mail:" is also PMDF's and other old
 * servers', so it counts only with MailMarshal's own "Could not be
 * delivered because of" above the cause, on a bounce (any From: "" is in
 * every one). */
static const char *const from[] = { "", NULL };
static const char *const subjects[] = { "Undeliverable Mail:", NULL };
static const char *const confirm[] = { "Could not be delivered because of", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body, .from = from,
                                .subjects = subjects, .confirm = confirm };

static void
scan (BcScan *s)
{
  const char *b, *e;
  char *diag = _bc_scan_paragraph (s, "Could not be delivered because of", FALSE);
  _bc_scan_range (s, "recipients were affected", "Additional Information", &b, &e);
  _bc_scan_blocks (s, b, e - b);
  if (!s->recipients->len)
    _bc_scan_section (s, NULL, NULL);
  _bc_scan_give_diag (s, diag, TRUE);
  g_free (diag);
}

const BcRecognizer _bc_rec_mailmarshal = { "mailmarshal", NULL, scan, &spec };
