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

const BcRecognizer _bc_rec_tencent = { "tencent", detect, _bc_scan_listed };
