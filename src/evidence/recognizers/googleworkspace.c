/* googleworkspace.c - Google Workspace (G Suite) sending-side refusals.
 *
 * "** Message not delivered **" then a paragraph on why (Send mail as
 * settings, policy, group permissions); the address is in
 * X-Failed-Recipients or in the paragraph. */
#include "recognizers.h"

static const char *const body[] = { "** Message not delivered **", NULL };
static const BcRecSpec spec = { .body = body };

static gboolean
detect (BcRecProbe *p)
{
  if (!(_bc_from_domain_is (p->m, "googlemail.com") || _bc_from_domain_is (p->m, "google.com")))
    return FALSE;
  return _bc_rec_spec_match (p);
}

static void
scan (BcScan *s)
{
  const BcMime *m = s->mime;
  char *diag = _bc_squeeze (m->body->str, MIN (m->ndr_len, 1500));

  _bc_scan_failed_header (s, diag);
  if (!s->recipients->len)
    _bc_scan_section (s, NULL, NULL);
  _bc_scan_give_diag (s, diag, FALSE);
  g_free (diag);
}

const BcRecognizer _bc_rec_googleworkspace = { "googleworkspace", detect, scan, &spec };
