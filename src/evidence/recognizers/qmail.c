/* qmail.c - qmail-send failure notices (and netqmail, vpopmail variants).
 *
 * "Hi. This is the qmail-send program at H." then "I'm afraid I wasn't
 * able to deliver your message to the following addresses." and one block
 * per recipient: "<addr>:" at the margin on a line of its own, the reason
 * on the lines under it (qmail-remote's "Remote host said: ..." and
 * qmail-send's "I'm not going to try again; ..." included) up to a blank
 * line; the copy follows "--- Below this line is a copy of the message."
 * (or "--- Enclosed are the original headers of the message.").
 *
 * Each block is a recipient with the lines under its address as the
 * diagnostic, and nothing else: the intro ("This is a permanent error;
 * I've given up.") is no cause. A blank line straight after the address
 * line is passed over. Clones that write "<addr>: reason" on one line are
 * read the same way. When no block has that shape, the shared block
 * scanner reads the text.
 *
 * Limits: one pass over the report text; a diagnostic holds at most
 * MAX_DIAG bytes; s->max_rcpts recipients are kept (by _bc_scan_add).
 */
#include "recognizers.h"

#include <string.h>

#define MAX_DIAG 2000

static const char *const body[] = {
  "This is the qmail-send program", "qmail-send program at",
  /* qmail's wording kept by clones that rename the program */
  "I'm afraid I wasn't able to deliver your message to the following", NULL
};
enum { NOT_ABLE };
static const char *const phrases[] = { [NOT_ABLE] = "I wasn't able to deliver your message", NULL };
static const BcRecSpec spec = { .body = body, .phrases = phrases };

static gboolean
detect (BcRecProbe *p)
{
  return _bc_rec_spec_match (p) ||
         (_bc_has_prefix_ci (p->m->subject, "failure notice") && _bc_rec_said (p, NOT_ABLE));
}

/* address_line - does @p..@le open a block ("<a@b>:" at the margin, maybe
 * with the reason after it)? Then the address, and *@rest where the rest
 * of the line starts. */
static char *
address_line (const char *p, const char *le, const char **rest)
{
  const char *close;
  char *a;

  if (le - p < 5 || *p != '<')
    return NULL;
  close = memchr (p, '>', le - p);
  if (!close || close + 1 >= le || close[1] != ':' || !memchr (p, '@', close - p))
    return NULL;
  a = _bc_address_find (p, close + 1 - p, NULL);
  if (a)
    *rest = close + 2;
  return a;
}

static void
flush (BcScan *s, char **addr, GString *diag, guint *found)
{
  if (*addr) {
    char *d = _bc_squeeze (diag->str, diag->len);
    if (_bc_scan_add (s, *addr, d))
      (*found)++;
    g_free (d);
  }
  g_clear_pointer (addr, g_free);
  g_string_truncate (diag, 0);
}

/* read_blocks - the blocks of @p..@end (see the header); how many */
static guint
read_blocks (BcScan *s, const char *p, const char *end)
{
  GString *diag = g_string_new (NULL);
  char *addr = NULL;
  guint found = 0;

  while (p < end) {
    const char *nl = memchr (p, '\n', end - p);
    const char *le = nl ? nl : end, *t = p, *rest = NULL;
    char *a;

    while (le > p && (le[-1] == ' ' || le[-1] == '\r' || le[-1] == '\t'))
      le--;
    while (t < le && (*t == ' ' || *t == '\t'))
      t++;
    if (le - t >= 4 && strncmp (t, "--- ", 4) == 0)
      break;
    if (t == le) {
      /* a blank line ends a block that has its reason */
      if (addr && diag->len)
        flush (s, &addr, diag, &found);
    } else if (t == p && (a = address_line (t, le, &rest)) != NULL) {
      flush (s, &addr, diag, &found);
      addr = a;
      while (rest < le && *rest == ' ')
        rest++;
      g_string_append_len (diag, rest, le - rest);
    } else if (addr && diag->len < MAX_DIAG) {
      if (diag->len)
        g_string_append_c (diag, ' ');
      g_string_append_len (diag, t, MIN ((gsize) (le - t), MAX_DIAG - diag->len));
    }
    p = nl ? nl + 1 : end;
  }
  flush (s, &addr, diag, &found);
  g_string_free (diag, TRUE);
  return found;
}

static void
scan (BcScan *s)
{
  const char *marker = _bc_body_find (s->mime, "to the following addresses")
                         ? "to the following addresses" : "qmail-send program";
  const char *b, *e;

  _bc_scan_range (s, marker, NULL, &b, &e);
  if (read_blocks (s, b, e) == 0)
    _bc_scan_section (s, marker, NULL);
}

const BcRecognizer _bc_rec_qmail = { "qmail", detect, scan, &spec };
