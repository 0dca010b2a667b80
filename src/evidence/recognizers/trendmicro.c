/* trendmicro.c - Trend Micro InterScan Messaging Security Suite (IMSS) notices.
 *
 * "Message from InterScan Messaging Security Suite" framed by rows of
 * asterisks, "Unable to deliver message to <addr> (and other recipients
 * in the same domain)." and sometimes "Reason: ...". InterScan MSS also
 * writes the SMTP dialogue under that line as "Sent <<< RCPT TO:<addr>"
 * and "Received >>> 550 ...". */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: InterScan", NULL };
static const char *const body[] = { "Message from InterScan", "InterScan Messaging Security",
                                    "Sent <<< RCPT TO:", NULL };
static const char *const from[] = { "InterScan", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body, .from = from };

static void
scan (BcScan *s)
{
  if (_bc_body_find (s->mime, "Received >>> ")) {
    /* the dialogue: the block scanner pairs the reply with the address */
    _bc_scan_section (s, NULL, NULL);
    if (s->recipients->len)
      return;
  }
  {
    /* the cause is the paragraph under "Unable to deliver message to" */
    char *cause = _bc_scan_paragraph (s, "deliver message to", FALSE);
    _bc_scan_labelled (s, "deliver message to", cause);
    g_free (cause);
  }
  if (!s->recipients->len)
    _bc_scan_section (s, NULL, NULL);
  {
    char *diag = _bc_scan_paragraph (s, "Message from InterScan", FALSE);
    _bc_scan_give_diag (s, diag, TRUE);
    g_free (diag);
  }
}

const BcRecognizer _bc_rec_trendmicro = { "trendmicro", NULL, scan, &spec };
