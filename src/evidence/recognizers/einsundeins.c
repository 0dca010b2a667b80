/* einsundeins.c - 1&1 / IONOS (kundenserver.de, 1and1, ionos) bounces.
 *
 * "This message was created automatically by mail delivery software." then
 * "The following address failed:", the address alone, "For the following
 * reason:" and the reason paragraph, and "--- The header of the original
 * message is following. ---". */
#include "recognizers.h"

static const char *const domains[] = { "kundenserver.de", "1and1.com", "1and1.de", "1und1.de", "ionos.com", "ionos.de", "perfora.net", "oneandone.net", NULL };
static const BcRecSpec spec = { .domains = domains };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "address failed", "address(es) failed", "following recipient", NULL };
  _bc_scan_first_section (s, starts, "header of the original message");
  {
    char *diag = _bc_scan_paragraph (s, "For the following reason:", FALSE);
    _bc_scan_give_diag (s, diag, TRUE);
    g_free (diag);
  }
}

const BcRecognizer _bc_rec_einsundeins = { "einsundeins", NULL, scan, &spec };
