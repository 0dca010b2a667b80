/* googlegroups.c - Google Groups rejections of a post.
 *
 * From mailer-daemon at googlemail.com, in the poster's language, "the
 * group you tried to contact (NAME) may not exist, or you may not have
 * permission to post"; X-Failed-Recipients names the group address. The
 * report text is the diagnostic. */
#include "recognizers.h"

static const char *const headers[] = { "X-Failed-Recipients: @googlegroups.com", NULL };
static const char *const body[] = { "groups.google.com", "Google Groups", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body };

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
  g_free (diag);
}

const BcRecognizer _bc_rec_googlegroups = { "googlegroups", detect, scan, &spec };
