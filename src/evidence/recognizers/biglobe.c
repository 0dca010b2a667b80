/* biglobe.c - BIGLOBE (biglobe.ne.jp) bounces.
 *
 * "----- The following addresses had delivery problems -----" with the
 * address, then "----- Non-delivered information -----" and the reason. */
#include "recognizers.h"

static const char *const body[] = { "----- Non-delivered information -----", NULL };
static const char *const domains[] = { "biglobe.ne.jp", NULL };
static const BcRecSpec spec = { .body = body, .domains = domains };

static void
scan (BcScan *s)
{
  const char *b, *e;
  char *diag = _bc_scan_paragraph (s, "----- Non-delivered information", FALSE);
  _bc_scan_range (s, "addresses had", "----- Non-delivered information", &b, &e);
  _bc_scan_blocks (s, b, e - b);
  if (!s->recipients->len)
    _bc_scan_section (s, NULL, NULL);
  _bc_scan_give_diag (s, diag, TRUE);
  g_free (diag);
}

const BcRecognizer _bc_rec_biglobe = { "biglobe", NULL, scan, &spec };
