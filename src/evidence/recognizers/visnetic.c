/* visnetic.c - VisNetic MailServer (Deerfield) bounces; the text names
 * VisNetic and lists recipients in blocks. */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: VisNetic", NULL };
static const char *const body[] = { "VisNetic", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body };

const BcRecognizer _bc_rec_visnetic = { "visnetic", NULL, _bc_scan_listed, &spec };
