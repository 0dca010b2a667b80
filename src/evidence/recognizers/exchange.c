/* exchange.c - Microsoft Exchange (2007 and later) and Office 365 NDRs.
 *
 * "Delivery has failed to these recipients or groups:" with each address
 * and a sentence, then "Diagnostic information for administrators:" with
 * "addr" and "Remote Server returned '550 5.1.1 ...'" or "#550 5.1.1 ...##".
 */
#include "recognizers.h"

static const char *const headers[] = { "X-MS-Exchange-Message-Is-Ndr", NULL };
static const char *const body[] = {
  "Delivery has failed to these recipients", "Diagnostic information for administrators",
  "Your message couldn't be delivered", "Your message wasn't delivered", NULL
};
static const BcRecSpec spec = { .headers = headers, .body = body };

static gboolean
detect (BcRecProbe *p)
{
  static const char *const subjects[] = { "Undeliverable:", "Undeliverable mail", NULL };

  if (_bc_rec_spec_match (p))
    return TRUE;
  return _bc_subject_starts (p->m, subjects) && _bc_strcasestr (p->m->from_addr, "microsoftexchange");
}

static void
scan (BcScan *s)
{
  _bc_scan_section (s, NULL, "Original message headers");
}

const BcRecognizer _bc_rec_exchange = { "exchange", detect, scan, &spec };
