/* dragonfly.c - DragonFly Mail Agent (dma) bounces.
 *
 * "This is the DragonFly Mail Agent v0.13 at H." then "There was an error
 * delivering your mail to <addr>." and the remote answer as a paragraph,
 * then "Message headers follow.". One recipient per report. */
#include "recognizers.h"

static const char *const headers[] = { "Received: DragonFly Mail Agent", NULL };
static const char *const body[] = { "This is the DragonFly Mail Agent", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body };

static void
scan (BcScan *s)
{
  char *diag = _bc_scan_paragraph (s, "error delivering your mail to", FALSE);
  _bc_scan_labelled (s, "error delivering your mail to", diag);
  if (!s->recipients->len)
    _bc_scan_section (s, NULL, NULL);
  _bc_scan_give_diag (s, diag, FALSE);
  g_free (diag);
}

const BcRecognizer _bc_rec_dragonfly = { "dragonfly", NULL, scan, &spec };
