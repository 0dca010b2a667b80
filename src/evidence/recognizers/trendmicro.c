/* trendmicro.c - Trend Micro InterScan Messaging Security Suite (IMSS) notices.
 *
 * "Message from InterScan Messaging Security Suite" framed by rows of
 * asterisks, "Unable to deliver message to <addr> (and other recipients
 * in the same domain)." and sometimes "Reason: ...". */
#include "recognizers.h"

static gboolean
detect (const BcMime *m)
{
  static const char *const headers[] = { "X-Mailer: InterScan", NULL };
  static const char *const body[] = { "Message from InterScan", "InterScan Messaging Security", NULL };
  static const char *const from[] = { "InterScan", NULL };
  static const BcRecSpec spec = { headers, body, from, NULL, NULL };

  return _bc_rec_spec_match (m, &spec);
}

static void
scan (BcScan *s)
{
  _bc_scan_labelled (s, "deliver message to", NULL);
  if (!s->recipients->len)
    _bc_scan_section (s, NULL, NULL);
  {
    char *diag = _bc_scan_paragraph (s, "Message from InterScan", FALSE);
    _bc_scan_give_diag (s, diag, TRUE);
    g_free (diag);
  }
}

const BcRecognizer _bc_rec_trendmicro = { "trendmicro", detect, scan };
