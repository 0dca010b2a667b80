/* imail.c - Ipswitch (Progress) IMail Server failure notices.
 *
 * Subject "Undeliverable Mail" (no colon), X-Mailer "<IMail vX.YY>" or
 * "<SMTP32 vX.YY>", a short text that names each failed address after a
 * label ("Unknown user: addr", "Mailbox full: addr", or the address on a
 * line of its own with the remote reply under it), then "Original message
 * follows." and the returned message inline.
 *
 * Limits: reads only the report text before the returned copy, at most
 * 200 lines and 2000 bytes of diagnostic per address; the label is kept
 * as the diagnostic because it is the cause.
 */
#include "recognizers.h"

#include <string.h>

static const char *const headers[] = { "X-Mailer: <IMail", "X-Mailer: <SMTP32", NULL };
static const char follows[] = "Original message follows";
static const BcRecSpec spec = { .headers = headers };

/* closing_line - IMail's "Original message follows." alone at the start
 * of the line where the returned copy starts (which is where the report
 * text ends). Other servers' rulers round the same words ("----- Original
 * message follows -----", Process Software MX on VMS, under the same
 * Subject "Undeliverable mail") and are not IMail's. */
static gboolean
closing_line (BcRecProbe *p)
{
  const BcMime *m = p->m;
  const char *b = m->body->str + m->ndr_len, *e = m->body->str + m->body->len;
  gsize n = sizeof follows - 1;

  while (b < e && (*b == ' ' || *b == '\t'))
    b++;
  return (gsize) (e - b) >= n && g_ascii_strncasecmp (b, follows, n) == 0;
}

static gboolean
detect (BcRecProbe *p)
{
  static const char *const subjects[] = { "Undeliverable Mail", NULL };

  /* IMail puts its X-Mailer on ordinary mail too: it counts on a bounce */
  if (_bc_rec_spec_match (p))
    return _bc_rec_looks_like_bounce (p);
  /* "Undeliverable Mail" is also other servers' subject: take it only with
   * IMail's closing line */
  return _bc_subject_starts (p->m, subjects) && _bc_rec_looks_like_bounce (p) && closing_line (p);
}

/* label_line - "Label words: addr" where the label is two or more words
 * without an address: the whole line names the cause. One word ("To:",
 * "From:") is a quoted header, not a cause. */
static gboolean
label_line (const char *p, const char *le)
{
  const char *colon = memchr (p, ':', le - p);
  gboolean words = FALSE;

  if (!colon || colon == p || colon - p > 48 || !memchr (colon, '@', le - colon))
    return FALSE;
  for (const char *q = p; q < colon; q++) {
    if (*q == '@' || *q == '<' || *q == '>')
      return FALSE;
    if (*q == ' ' && q > p && q[-1] != ' ')
      words = TRUE;
  }
  return words;
}

static void
scan (BcScan *s)
{
  const BcMime *m = s->mime;
  const char *p = m->body->str, *e = m->body->str + m->ndr_len;
  guint before = s->recipients->len, lines = 0;

  while (p < e && lines++ < 200) {
    const char *nl = memchr (p, '\n', e - p);
    const char *le = nl ? nl : e;
    if (label_line (p, le)) {
      const char *colon = memchr (p, ':', le - p);
      char *a = _bc_address_find (colon + 1, le - colon - 1, NULL);
      if (a) {
        /* the line and what is indented under it */
        const char *x = _bc_next_line (le, e);
        while (x < e && x - p < 2000 && (*x == ' ' || *x == '\t')) {
          const char *xn = memchr (x, '\n', e - x);
          x = xn ? xn + 1 : e;
        }
        {
          char *d = _bc_squeeze (p, MIN (x - p, 2000));
          _bc_scan_add (s, a, d);
          g_free (d);
        }
        g_free (a);
      }
    }
    p = nl ? nl + 1 : e;
  }
  if (s->recipients->len == before)
    _bc_scan_section (s, NULL, NULL);
}

const BcRecognizer _bc_rec_imail = { "imail", detect, scan, &spec };
