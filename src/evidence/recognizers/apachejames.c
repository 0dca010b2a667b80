/* apachejames.c - Apache James server bounces.
 *
 * "Error message below:" with the SMTP reply, then "Message details:"
 * listing "RCPT TO: addr" lines; the subject is the original one with
 * "Re:" before it, so detection reads the body phrases. */
#include "recognizers.h"

static gboolean
detect (const BcMime *m)
{
  static const char *const headers[] = { "X-Mailer: Apache James", NULL };
  static const char *const body[] = { "Error message below:", "Apache James", NULL };
  static const BcRecSpec spec = { headers, body, NULL, NULL, NULL };

  return _bc_rec_spec_match (m, &spec);
}

static void
scan (BcScan *s)
{
  char *diag = _bc_scan_paragraph (s, "Error message below:", FALSE);
  _bc_scan_labelled (s, "RCPT TO:", diag);
  if (!s->recipients->len)
    _bc_scan_section (s, "Error message below:", NULL);
  _bc_scan_give_diag (s, diag, FALSE);
  g_free (diag);
}

const BcRecognizer _bc_rec_apachejames = { "apachejames", detect, scan };
