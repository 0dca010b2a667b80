/* godaddy.c - GoDaddy Workspace / secureserver.net bounces.
 *
 * Exim based: "This message was created automatically by mail delivery
 * software." from a secureserver.net host; GoDaddy's own rejections carry
 * "IB" codes with x.co/rlbounce links. */
#include "recognizers.h"

static const char *const domains[] = { "secureserver.net", "godaddy.com", NULL };
static const BcRecSpec spec = { .domains = domains };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "address(es) failed", "following address", "following recipient", NULL };
  _bc_scan_first_section (s, starts, "This is a copy of the message");
}

const BcRecognizer _bc_rec_godaddy = { "godaddy", NULL, scan, &spec };
