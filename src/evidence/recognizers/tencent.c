/* tencent.c - Tencent QQ Mail / Foxmail / Exmail bounces.
 *
 * From a qq.com or exmail host, Chinese and English text ("Your message
 * could not be delivered") with the recipient and the remote reply. */
#include "recognizers.h"

static gboolean
detect (const BcMime *m)
{
  static const char *const domains[] = { "qq.com", "foxmail.com", "exmail.qq.com", "tencent.com", NULL };
  static const BcRecSpec spec = { NULL, NULL, NULL, domains, NULL };

  return _bc_rec_spec_match (m, &spec);
}

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "following recipient", "following address", "could not be delivered", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_tencent = { "tencent", detect, scan };
