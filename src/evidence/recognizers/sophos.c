/* sophos.c - Sophos Email Appliance / PureMessage / Sophos Central notices.
 *
 * Reports name "Sophos" or "PureMessage" and carry X-Sophos-* or
 * X-SASI-* headers; the failed recipients follow "could not be delivered
 * to" in the usual block shape; a cause written apart from them, in a
 * "Reason:" paragraph, goes to each of them. */
#include "recognizers.h"

static const char *const body[] = { "Sophos Email Appliance", "PureMessage", "Sophos Central", NULL };
static const char *const from[] = { "Sophos", NULL };
static const BcRecSpec spec = { .body = body, .from = from };

const BcRecognizer _bc_rec_sophos = { "sophos", NULL, _bc_scan_listed_reason, &spec };
