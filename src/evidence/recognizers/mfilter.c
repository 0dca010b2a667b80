/* mfilter.c - m-FILTER (Digital Arts) bounces.
 *
 * Japanese text naming m-FILTER, the failed address on a line of its own,
 * then "-------server message" with the reply, "-------SMTP command" and
 * "-------original message". */
#include "recognizers.h"

#include <string.h>

static const char *const headers[] = { "X-Mailer: m-FILTER", NULL };
static const char *const body[] = { "-------server message", "m-FILTER", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body };

static void
scan (BcScan *s)
{
  char *diag = _bc_scan_paragraph (s, "-------server message", FALSE);
  const char *b, *e;
  _bc_scan_range (s, NULL, "-------server message", &b, &e);
  _bc_scan_blocks (s, b, e - b);
  if (!s->recipients->len)
    _bc_scan_section (s, NULL, "-------original message");
  {
    /* "-------SMTP command" names the command the reply answered: keep it
     * in the form command.c reads ("[DATA]", "[RCPT_TO]") */
    char *cmd = _bc_scan_paragraph (s, "-------SMTP command", FALSE);
    if (diag && cmd && strlen (cmd) <= 12) {
      gboolean word = TRUE;
      for (char *c = cmd; *c; c++) {
        if (*c == ' ')
          *c = '_';
        else if (!g_ascii_isalpha (*c))
          word = FALSE;
        *c = g_ascii_toupper (*c);
      }
      if (word) {
        char *n = g_strdup_printf ("%s [%s]", diag, cmd);
        g_free (diag);
        diag = n;
      }
    }
    g_free (cmd);
  }
  if (diag) {
    for (guint i = 0; i < s->recipients->len; i++) {
      BcRecipient *r = g_ptr_array_index (s->recipients, i);
      g_free (r->diagnostic);
      r->diagnostic = g_strdup (diag);
    }
  }
  g_free (diag);
}

const BcRecognizer _bc_rec_mfilter = { "mfilter", NULL, scan, &spec };
