/* docomo.c - NTT docomo (docomo.ne.jp, mopera) bounces.
 *
 * docomo's MTAs are Sendmail-like ("Returned mail: see transcript") from a
 * docomo.ne.jp host; a recipient refusing mail gives "550 Unknown user". */
#include "recognizers.h"

static const char *const domains[] = { "docomo.ne.jp", "mopera.net", "dwmail.jp", NULL };
static const BcRecSpec spec = { .domains = domains };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "The following addresses had", "following recipient", "The mail system", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_docomo = { "docomo", NULL, scan, &spec };
