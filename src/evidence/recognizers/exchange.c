/* exchange.c - Microsoft Exchange (2007 and later) and Office 365 NDRs.
 *
 * "Delivery has failed to these recipients or groups:" with each address
 * and a sentence, then "Diagnostic information for administrators:" with
 * "addr" and "Remote Server returned '550 5.1.1 ...'" or "#550 5.1.1 ...##".
 */
#include "recognizers.h"

static gboolean
detect (const BcMime *m)
{
  static const char *const subjects[] = { "Undeliverable:", "Undeliverable mail", NULL };
  if (_bc_mime_header (m, "X-MS-Exchange-Message-Is-Ndr"))
    return TRUE;
  if (_bc_body_find (m, "Delivery has failed to these recipients") ||
      _bc_body_find (m, "Diagnostic information for administrators") ||
      _bc_body_find (m, "Your message couldn't be delivered") ||
      _bc_body_find (m, "Your message wasn't delivered"))
    return TRUE;
  return _bc_subject_starts (m, subjects) && _bc_strcasestr (m->from_addr, "microsoftexchange");
}

static void
scan (BcScan *s)
{
  _bc_scan_section (s, NULL, "Original message headers");
}

const BcRecognizer _bc_rec_exchange = { "exchange", detect, scan };
