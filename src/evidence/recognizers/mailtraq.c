/* mailtraq.c - Mailtraq (Enstar) bounces; the text names Mailtraq and lists
 * recipients in blocks. */
#include "recognizers.h"

static const char *const headers[] = { "X-Mailer: Mailtraq", NULL };
static const char *const body[] = { "Mailtraq", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body };

const BcRecognizer _bc_rec_mailtraq = { "mailtraq", NULL, _bc_scan_listed, &spec };
