/* spec.c - the detection most recognizers share, driven by a table.
 *
 * A recognizer that only needs "From contains X, or the Subject starts with
 * Y, or header Z is there, or the report says P" fills a BcRecSpec and calls
 * _bc_rec_spec_match(). Only headers, From, Subject and the report's own
 * text (not the returned message) are read.
 */
#include "recognizers.h"

#include <string.h>

static gboolean
any_header (const BcMime *m, const char *const *hdrs)
{
  for (; hdrs && *hdrs; hdrs++) {
    const char *colon = strchr (*hdrs, ':');
    if (colon) {
      char *name = g_strndup (*hdrs, colon - *hdrs);
      const char *needle = colon + 1;
      gboolean hit;
      while (*needle == ' ')
        needle++;
      hit = _bc_header_contains (m, name, needle);
      g_free (name);
      if (hit)
        return TRUE;
    } else if (_bc_mime_header (m, *hdrs)) {
      return TRUE;
    }
  }
  return FALSE;
}

/* _bc_from_domain_is - is the bounce's From address in @domain or one of
 * its subdomains? */
gboolean
_bc_from_domain_is (const BcMime *m, const char *domain)
{
  const char *at = strrchr (m->from_addr, '@');
  gsize dl = strlen (domain), hl;

  if (!at)
    return FALSE;
  at++;
  hl = strlen (at);
  if (hl < dl || g_ascii_strcasecmp (at + hl - dl, domain) != 0)
    return FALSE;
  return hl == dl || at[hl - dl - 1] == '.';
}

gboolean
_bc_rec_spec_match (const BcMime *m, const BcRecSpec *spec)
{
  gboolean from = FALSE;

  if (any_header (m, spec->headers))
    return TRUE;
  for (const char *const *b = spec->body; b && *b; b++)
    if (_bc_body_find (m, *b))
      return TRUE;
  if (spec->from && _bc_from_matches (m, spec->from))
    from = TRUE;
  for (const char *const *d = spec->domains; !from && d && *d; d++)
    if (_bc_from_domain_is (m, *d))
      from = TRUE;
  /* a From alone says who wrote the message, not that it is a bounce */
  if (from && _bc_looks_like_bounce (m))
    return !spec->subjects || _bc_subject_starts (m, spec->subjects);
  return FALSE;
}
