/* axigen.c - Axigen mail server reports.
 *
 * "This is an automatically generated message" from Axigen (X-Mailer or
 * the text names AXIGEN), the failed addresses listed with the reason. */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: Axigen", "X-AxigenSpam-Level", NULL };
static const char *const body[] = { "Axigen", "AXIGEN", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body };

const BcRecognizer _bc_rec_axigen = { "axigen", NULL, _bc_scan_listed, &spec };
