/* winmail.c - Magic Winmail Server (AMAX) bounces; the text names Winmail
 * Server and lists recipients in blocks. */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: Winmail", NULL };
static const char *const body[] = { "Winmail Server", "Magic Winmail", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body };

const BcRecognizer _bc_rec_winmail = { "winmail", NULL, _bc_scan_listed, &spec };
