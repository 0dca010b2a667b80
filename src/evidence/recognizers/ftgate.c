/* ftgate.c - FTGate (Floosietek) bounces.
 *
 * The text names FTGate; failed recipients listed in blocks with the
 * remote reply. */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: FTGate", NULL };
static const char *const body[] = { "FTGate", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body };

const BcRecognizer _bc_rec_ftgate = { "ftgate", NULL, _bc_scan_listed, &spec };
