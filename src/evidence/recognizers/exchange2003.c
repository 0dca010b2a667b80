/* exchange2003.c - Microsoft Exchange 5.5 / 2000 / 2003 non-delivery reports.
 *
 * "Your message did not reach some or all of the intended recipients."
 * with To/Subject/Sent, then "The following recipient(s) could not be
 * reached:" and "addr on DATE" with the reason and an MSEXCH: code
 * indented under it. X-Mailer: Internet Mail Service or X-MS-TNEF-Correlator.
 * A remote server's refusal is wrapped in Exchange's own code, "<host
 * #5.0.0 smtp;550 5.7.1 Unable to relay>": the remote's status, when
 * specific, is kept instead of Exchange's generic one (exchange.c). */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: Internet Mail Service", "X-MS-Embedded-Report", "X-MimeOLE: Produced By Microsoft Exchange", NULL };
static const char *const body[] = { "did not reach the following recipient", "MSEXCH:", NULL };
/* "could not be reached:" only after the word "recipient", as Exchange
 * writes it: MMDF's "the following addressees could not be reached:" is
 * not Exchange's and reads better through the generic scan. Even so the
 * line is others' too (Lotus cc:Mail, hMailServer, which copied the whole
 * layout): it counts with Exchange's opening sentence or one of its
 * "<host #5.1.1>" codes. */
static const char *const shared[] = {
  "recipient could not be reached:", "recipient(s) could not be reached:",
  "recipients could not be reached:", "cannot be reached:", NULL
};
static const char *const confirm[] = {
  "did not reach some or all of the intended recipients", " #5.", " #4.", NULL
};
static const BcRecSpec spec = { .headers = headers, .body = body, .shared = shared,
                                .confirm = confirm };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "could not be reached", "cannot be reached", "did not reach the following recipient", NULL };
  _bc_scan_first_section (s, starts, NULL);
  for (guint i = 0; i < s->recipients->len; i++) {
    BcRecipient *r = g_ptr_array_index (s->recipients, i);
    char st[16];
    if (_bc_exchange_remote_status (r->diagnostic, st))
      g_strlcpy (r->status, st, sizeof r->status);
  }
}

const BcRecognizer _bc_rec_exchange2003 = { "exchange2003", NULL, scan, &spec };
