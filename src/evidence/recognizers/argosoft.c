/* argosoft.c - ArGoSoft Mail Server bounces.
 *
 * The text names ArGoSoft Mail Server and gives "Recipient: addr" with
 * the reason. */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: ArGoSoft", NULL };
static const char *const body[] = { "ArGoSoft", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body };

const BcRecognizer _bc_rec_argosoft = { "argosoft", NULL, _bc_scan_listed, &spec };
