/* gmail.c - Gmail's "Delivery Status Notification (Failure)" messages.
 *
 * "Delivery to the following recipient failed permanently:" and the
 * address indented under it, then "Technical details of permanent
 * failure:" with the remote server's answer. Newer ones say "Your message
 * wasn't delivered to X because ..." and "The response from the remote
 * server was:". A notice whose text names none of the addresses in
 * X-Failed-Recipients (the old Google Groups refusal greets the sender by
 * address and names the group only by its name) is read from the header.
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

/* names_failed - whether X-Failed-Recipients is absent, or the notice
 * text (before the returned message) names one of its addresses */
static gboolean
names_failed (const BcMime *m)
{
  const char *xf = _bc_mime_header (m, "X-Failed-Recipients");
  char **parts;
  gboolean named = FALSE;

  if (!xf)
    return TRUE;
  parts = g_strsplit (xf, ",", 16);
  for (guint i = 0; parts[i] && !named; i++) {
    char *a = _bc_address_normalize (parts[i]);
    if (a)
      named = _bc_strcasestr_len (m->body->str, m->ndr_len, a) != NULL;
    g_free (a);
  }
  g_strfreev (parts);
  return named;
}

static void
scan (BcScan *s)
{
  static const char *const answers[] = { "The response from the remote server was:",
                                         "The response was:", "Technical details of", NULL };
  if (!names_failed (s->mime)) {
    g_free (_bc_google_scan (s));
    return;
  }
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
