/* mimecast.c - Mimecast gateway rejections.
 *
 * From a Mimecast host (mimecast.com / mimecast-offshore.com) or naming
 * "Mimecast" and linking community.mimecast.com / mimecast.com/docs; the
 * reason is the SMTP line with a Mimecast error code ("554 Host network
 * not allowed"). */
#include "recognizers.h"

static gboolean
detect (const BcMime *m)
{
  static const char *const body[] = { "Mimecast Ltd", "Mimecast Services", NULL };
  static const char *const domains[] = { "mimecast.com", "mimecast-offshore.com", "mimecast.co.za", NULL };
  static const BcRecSpec spec = { NULL, body, NULL, domains, NULL };

  return _bc_rec_spec_match (m, &spec);
}

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "following recipient", "following address", "The mail system", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_mimecast = { "mimecast", detect, scan };
