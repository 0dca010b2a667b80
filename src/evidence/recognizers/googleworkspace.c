/* googleworkspace.c - Google Workspace (G Suite) sending-side refusals.
 *
 * "** Message not delivered **" then a paragraph on why (Send mail as
 * settings, policy, group permissions); the address is in
 * X-Failed-Recipients or in the paragraph. The detection and the reading
 * of Google's reports are shared with googlegroups.c. */
#include "recognizers.h"

static const char *const body[] = { "** Message not delivered **", NULL };
static const BcRecSpec spec = { .body = body };

/* _bc_google_detect - a report from Google's mailer (From at
 * googlemail.com or google.com) that the asked recognizer's spec matches.
 * Shared with googlegroups.c. */
gboolean
_bc_google_detect (BcRecProbe *p)
{
  if (!(_bc_from_domain_is (p->m, "googlemail.com") || _bc_from_domain_is (p->m, "google.com")))
    return FALSE;
  return _bc_rec_spec_match (p);
}

/* _bc_google_scan - each address of X-Failed-Recipients, else those of the
 * report text, with the report text (at most 1500 bytes, squeezed) as the
 * diagnostic; returns that text, which the caller frees. Shared with
 * googlegroups.c. */
char *
_bc_google_scan (BcScan *s)
{
  const BcMime *m = s->mime;
  char *diag = _bc_squeeze (m->body->str, MIN (m->ndr_len, 1500));

  _bc_scan_failed_header (s, diag);
  if (!s->recipients->len)
    _bc_scan_section (s, NULL, NULL);
  return diag;
}

static void
scan (BcScan *s)
{
  char *diag = _bc_google_scan (s);

  /* the paragraph on why is also the cause of a recipient read out of the
   * text without one */
  _bc_scan_give_diag (s, diag, FALSE);
  g_free (diag);
}

const BcRecognizer _bc_rec_googleworkspace = { "googleworkspace", _bc_google_detect, scan, &spec };
