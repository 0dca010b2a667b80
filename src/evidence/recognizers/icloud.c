/* icloud.c - Apple iCloud Mail (icloud.com, me.com, mac.com) bounces.
 *
 * iCloud's outbound MTAs are Postfix; reports come from a mac.com,
 * me.com or icloud.com host with "<addr>: reason" blocks. */
#include "recognizers.h"

static const char *const domains[] = { "icloud.com", "me.com", "mac.com", "apple.com", NULL };
static const BcRecSpec spec = { .domains = domains };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "The mail system", "following address", "following recipient", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_icloud = { "icloud", NULL, scan, &spec };
