/* gmail.c - Gmail's "Delivery Status Notification (Failure)" messages.
 *
 * "Delivery to the following recipient failed permanently:" and the
 * address indented under it, then "Technical details of permanent
 * failure:" with the remote server's answer. Newer ones say "Your message
 * wasn't delivered to X because ..." and "The response from the remote
 * server was:".
 */
#include "recognizers.h"

#include <string.h>

static const char *const body[] = {
  "Delivery to the following recipient failed permanently",
  "Delivery to the following recipient has been delayed",
  "Technical details of permanent failure", NULL
};
static const BcRecSpec spec = { .body = body };

static gboolean
detect (BcRecProbe *p)
{
  const BcMime *m = p->m;

  /* an out-of-office from a Googler is not a bounce */
  if ((_bc_strcasestr (m->from_addr, "@google") || _bc_strcasestr (m->from_addr, "@googlemail")) &&
      _bc_rec_looks_like_bounce (p))
    return TRUE;
  return _bc_rec_spec_match (p);
}

static void
scan (BcScan *s)
{
  static const char *const answers[] = { "The response from the remote server was:",
                                         "The response was:", "Technical details of", NULL };
  _bc_scan_section (s, NULL, NULL);
  /* the newer layout names the address in a sentence and gives the
   * remote answer in a paragraph of its own */
  for (guint i = 0; answers[i]; i++) {
    char *diag = _bc_scan_paragraph (s, answers[i], FALSE);
    if (diag) {
      for (guint j = 0; j < s->recipients->len; j++) {
        BcRecipient *r = g_ptr_array_index (s->recipients, j);
        if (!r->diagnostic || !strstr (r->diagnostic, diag)) {
          char *n = r->diagnostic ? g_strconcat (r->diagnostic, " ", diag, NULL) : g_strdup (diag);
          g_free (r->diagnostic);
          r->diagnostic = n;
        }
      }
      g_free (diag);
      break;
    }
  }
}

const BcRecognizer _bc_rec_gmail = { "gmail", detect, scan, &spec };
