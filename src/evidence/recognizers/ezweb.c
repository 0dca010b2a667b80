/* ezweb.c - au by KDDI (ezweb.ne.jp, au.com) bounces.
 *
 * Japanese text (ISO-2022-JP) then "Each of the following recipients was
 * rejected by a remote mail server." (or "was undeliverable"), with
 * "Recipient: <addr>" and the ">>> / <<<" dialogue under it. */
#include "recognizers.h"

static const char *const body[] = { "Each of the following recipients was", NULL };
static const char *const domains[] = { "ezweb.ne.jp", "au.com", "kddi.com", NULL };
static const BcRecSpec spec = { .body = body, .domains = domains };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "Each of the following recipients", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_ezweb = { "ezweb", NULL, scan, &spec };
