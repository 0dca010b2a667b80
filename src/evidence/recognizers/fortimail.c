/* fortimail.c - Fortinet FortiMail / FortiGate mail filter notices.
 *
 * Reports name FortiMail or FortiGuard (antispam or antivirus) and the
 * recipients are listed in the usual blocks; a cause written apart from
 * them, in a "Reason:" paragraph, goes to each of them. */
#include "recognizers.h"

static const char *const body[] = { "FortiMail", "FortiGuard", NULL };
static const char *const from[] = { "FortiMail", "FortiGate", NULL };
static const BcRecSpec spec = { .body = body, .from = from };

const BcRecognizer _bc_rec_fortimail = { "fortimail", NULL, _bc_scan_listed_reason, &spec };
