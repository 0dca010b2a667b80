/* gmail.c - Gmail's "Delivery Status Notification (Failure)" messages.
 *
 * "Delivery to the following recipient failed permanently:" and the
 * address indented under it, then "Technical details of permanent
 * failure:" with the remote server's answer. Newer ones say "Your message
 * wasn't delivered to X because ..." and "The response from the remote
 * server was:".
 */
#include "recognizers.h"

static gboolean
detect (const BcMime *m)
{
  if (_bc_strcasestr (m->from_addr, "@google") || _bc_strcasestr (m->from_addr, "@googlemail"))
    return TRUE;
  return _bc_body_find (m, "Delivery to the following recipient") != NULL ||
         _bc_body_find (m, "Technical details of permanent failure") != NULL;
}

static void
scan (BcScan *s)
{
  _bc_scan_section (s, NULL, NULL);
}

const BcRecognizer _bc_rec_gmail = { "gmail", detect, scan };
