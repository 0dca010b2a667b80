/* surgemail.c - NetWin SurgeMail bounces.
 *
 * "Your message could not be delivered" from SurgeMail (X-Mailer or the
 * text names SurgeMail / NetWin), address and reason in blocks. */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: SurgeMail", NULL };
static const char *const body[] = { "SurgeMail", "NetWin", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body };

const BcRecognizer _bc_rec_surgemail = { "surgemail", NULL, _bc_scan_listed, &spec };
