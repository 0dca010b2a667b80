/* tencent.c - Tencent QQ Mail / Foxmail / Exmail bounces.
 *
 * From a qq.com or exmail host, Chinese and English text ("Your message
 * could not be delivered") with the recipient and the remote reply. */
#include "recognizers.h"

static const char *const domains[] = { "qq.com", "foxmail.com", "exmail.qq.com", "tencent.com", NULL };
static const BcRecSpec spec = { .domains = domains };

const BcRecognizer _bc_rec_tencent = { "tencent", NULL, _bc_scan_listed, &spec };
