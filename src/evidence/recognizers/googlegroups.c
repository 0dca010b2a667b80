/* googlegroups.c - Google Groups rejections of a post.
 *
 * From mailer-daemon at googlemail.com, in the poster's language, "the
 * group you tried to contact (NAME) may not exist, or you may not have
 * permission to post"; X-Failed-Recipients names the group address. The
 * report text is the diagnostic. */
#include "recognizers.h"

static gboolean
detect (const BcMime *m)
{
  static const char *const headers[] = { "X-Failed-Recipients: @googlegroups.com", NULL };
  static const char *const body[] = { "groups.google.com", "Google Groups", NULL };
  static const BcRecSpec spec = { headers, body, NULL, NULL, NULL };

  if (!(_bc_from_domain_is (m, "googlemail.com") || _bc_from_domain_is (m, "google.com")))
    return FALSE;
  return _bc_rec_spec_match (m, &spec);
}

static void
scan (BcScan *s)
{
  const BcMime *m = s->mime;
  const char *xf = _bc_mime_header (m, "X-Failed-Recipients");
  char *diag = _bc_squeeze (m->body->str, MIN (m->ndr_len, 1500));
  if (xf) {
    char **parts = g_strsplit (xf, ",", 16);
    for (guint i = 0; parts[i]; i++) {
      char *a = _bc_address_normalize (parts[i]);
      if (a)
        _bc_scan_add (s, a, diag);
      g_free (a);
    }
    g_strfreev (parts);
  }
  if (!s->recipients->len)
    _bc_scan_section (s, NULL, NULL);
  g_free (diag);
}

const BcRecognizer _bc_rec_googlegroups = { "googlegroups", detect, scan };
