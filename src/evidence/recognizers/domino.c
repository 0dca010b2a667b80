/* domino.c - HCL / IBM Lotus Domino (Notes) delivery failure reports.
 *
 * Subject "DELIVERY FAILURE: ..." (in capitals) or "Delivery Status
 * Notification";
 * "Your message ... was not delivered to: addr because: reason" and
 * "Delivery Failure Report"; X-Mailer "Lotus Domino" / "IBM Notes". The
 * older Notes layout puts the cause above the address under "-------
 * Failure Reasons --------" (Subject "Undeliverable message"). A server
 * set to another language prints the same layout with its labels
 * translated; the German, French, Spanish, Italian and Portuguese ones are
 * known here. Without a Domino header or Subject, a notice is claimed only
 * when it has both labels of one language, English included. Other
 * languages fall to the generic scanner.
 */
#include "recognizers.h"

#include <string.h>

static const char *const headers[] = { "X-Mailer: Lotus Domino", "X-Mailer: IBM Domino", "X-Mailer: HCL Domino", NULL };
static const char *const body[] = { "Delivery Failure Report", "------- Failure Reasons", NULL };

/* the "was not delivered to:" and "because:" labels, in pairs:
 * phrases[2 * i] and phrases[2 * i + 1] are of one language (en, de, fr,
 * es, it, pt). Either label alone is not Domino's: PP (the X.400 MTA) also
 * writes "Your message was not delivered to:", then "for the following
 * reason:". */
static const char *const phrases[] = {
  "was not delivered to:", "because:",
  "wurde nicht zugestellt an:", "weil:",
  "n'a pas été remis à", "parce que",
  "no se ha entregado a:", "porque:",
  "non è stato consegnato a:", "perché:",
  "não foi entregue a:", "porque:",
  NULL
};
#define N_LANGS 6

static const BcRecSpec spec = { .headers = headers, .body = body, .phrases = phrases };

/* localized - the index of the language whose two labels the report text
 * holds, or -1 */
static int
localized (BcRecProbe *p)
{
  for (guint i = 0; i < N_LANGS; i++)
    if (_bc_rec_said (p, 2 * i) && _bc_rec_said (p, 2 * i + 1))
      return (int) i;
  return -1;
}

/* shouted_subject - the Subject starts "DELIVERY FAILURE:" in capitals, as
 * Domino writes it. Compared with case: "Delivery failure: ..." is many
 * other senders' Subject. */
static gboolean
shouted_subject (const BcMime *m)
{
  static const char *const subjects[] = { "DELIVERY FAILURE:", "DELIVERY_FAILURE:", NULL };
  const char *s = m->subject;

  while (*s == ' ' || *s == '\t')
    s++;
  for (guint i = 0; subjects[i]; i++)
    if (strncmp (s, subjects[i], strlen (subjects[i])) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
detect (BcRecProbe *p)
{
  if (_bc_rec_spec_match (p) || localized (p) >= 0)
    return TRUE;
  return shouted_subject (p->m) && _bc_rec_looks_like_bounce (p);
}

/* cause - what Domino wrote after @label ("because:"): the rest of that
 * line, or the paragraph below it when the line ends with the label (its
 * own layout). NULL when the report text lacks @label. */
static char *
cause (const BcScan *s, const char *label)
{
  const BcMime *m = s->mime;
  const char *e = m->body->str + m->ndr_len;
  const char *f = _bc_body_find (m, label), *v, *le;

  if (!f)
    return NULL;
  v = MIN (f + strlen (label), e);
  while (v < e && (*v == ' ' || *v == '\t' || *v == ':'))
    v++;
  le = v < e ? memchr (v, '\n', (gsize) (e - v)) : NULL;
  if (!le)
    le = e;
  if (le > v)
    return _bc_squeeze (v, MIN (le - v, 1000));
  return _bc_scan_paragraph (s, label, FALSE);
}

static void
scan (BcScan *s)
{
  char *diag = cause (s, "because:");

  /* a localized notice: its "because:" label, when the English one is not there */
  for (guint i = 0; !diag && i < N_LANGS; i++)
    if (_bc_body_find (s->mime, phrases[2 * i]))
      diag = cause (s, phrases[2 * i + 1]);
  _bc_scan_labelled (s, "was not delivered to:", diag);
  if (!s->recipients->len)
    _bc_scan_section (s, NULL, NULL);
  if (diag && *diag && s->recipients->len == 1) {
    /* the cause Domino names beats the whole text the section scan took;
     * of several recipients, each may have a cause of its own */
    BcRecipient *r = g_ptr_array_index (s->recipients, 0);
    g_free (r->diagnostic);
    r->diagnostic = g_strdup (diag);
  } else
    _bc_scan_give_diag (s, diag, FALSE);
  g_free (diag);
}

const BcRecognizer _bc_rec_domino = { "domino", detect, scan, &spec };
