/* pec.c - Italian PEC (Posta Elettronica Certificata) receipts.
 *
 * A PEC operator reports on a message with a signed receipt whose
 * X-Ricevuta header names its kind (DPR 68/2005 and its technical rules):
 * "errore-consegna" (not delivered), "preavviso-errore-consegna" (no
 * delivery receipt within the first hours: a delay warning), "non-
 * accettazione" (the sender's own operator refused the message),
 * "rilevazione-virus", and "avvenuta-consegna" (delivered). Other kinds
 * (accettazione, presa-in-carico, the posta-certificata envelope) are not
 * reports on a recipient and are left alone.
 *
 * The receipt carries daticert.xml (message.c keeps it as m->xml):
 * <postacert tipo=KIND errore="nessuno|no-dest|no-dominio|virus|altro">,
 * <intestazione> with <destinatari tipo="certificato|esterno">, <dati>
 * with <consegna> (the recipient the receipt is about) and
 * <errore-esteso> (the operator's or remote server's words). Each
 * recipient's diagnostic reads "KIND errore=ERRORE: TEXT", so that rules
 * (40-hosts.rules, recognizer=pec) can take the operator's verdict; for
 * "altro" the text alone decides. Without the XML, the human-readable
 * part is read: the addresses after "indirizzato a", and the sentences
 * after them as the diagnostic. Without X-Ricevuta too, a receipt from the
 * operators' "posta-certificata@" sender is known by its prescribed
 * Subject. The "Identificativo messaggio: opec...@..." line names a
 * message, never a recipient. At most 64 recipients, 64 KiB of XML and
 * 1 KiB of diagnostic text are read.
 */
#include "recognizers.h"

#include <string.h>

#define MAX_PEC_RCPTS 64
#define MAX_PEC_DIAG 1024

static const char *const headers[] = {
  "X-Ricevuta: errore-consegna", "X-Ricevuta: non-accettazione", "X-Ricevuta: rilevazione-virus",
  "X-Ricevuta: avvenuta-consegna", NULL
};
/* a receipt whose X-Ricevuta and daticert.xml a gateway dropped: the
 * operators' system sender and the Subject the rules prescribe */
static const char *const from[] = { "posta-certificata@", NULL };
static const char *const subjects[] = {
  "AVVISO DI MANCATA CONSEGNA", "AVVISO DI NON ACCETTAZIONE", "PREAVVISO DI MANCATA CONSEGNA", NULL
};
static const BcRecSpec spec = { .headers = headers };

/* the kinds read, and the DSN action each stands for */
static const struct {
  const char *kind;
  const char *action;
} kinds[] = {
  { "errore-consegna", "failed" },
  { "preavviso-errore-consegna", "delayed" },
  { "non-accettazione", "failed" },
  { "rilevazione-virus", "failed" },
  { "avvenuta-consegna", "delivered" },
};

static gint
kind_index (const char *v)
{
  char *t;
  gint found = -1;

  if (!v)
    return -1;
  t = g_strstrip (g_ascii_strdown (v, MIN (strlen (v), 64)));
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (strcmp (t, kinds[i].kind) == 0)
      found = (gint) i;
  g_free (t);
  return found;
}

/* kind_of_subject - the kind the Subject names, for a receipt without
 * X-Ricevuta or daticert.xml; -1 when it names none */
static gint
kind_of_subject (const BcMime *m)
{
  if (_bc_has_prefix_ci (m->subject, "AVVISO DI NON ACCETTAZIONE"))
    return kind_index ("non-accettazione");
  if (_bc_has_prefix_ci (m->subject, "PREAVVISO DI MANCATA CONSEGNA"))
    return kind_index ("preavviso-errore-consegna");
  if (_bc_has_prefix_ci (m->subject, "AVVISO DI MANCATA CONSEGNA"))
    return kind_index ("errore-consegna");
  return -1;
}

/* ---- daticert.xml -------------------------------------------------------- */

typedef struct {
  char *tipo, *errore;
  GPtrArray *destinatari;   /* (char *) */
  GPtrArray *consegna;      /* (char *) */
  GString *esteso;
  GString *text;            /* of the element being read */
  const char *in;           /* "destinatari", "consegna", "errore-esteso" or NULL */
  gboolean postacert;
} Dati;

/* token - an attribute value of the DTD's shape: 1 to 32 of a-z and '-' */
static gboolean
token (const char *v)
{
  gsize n = 0;

  for (; v[n]; n++)
    if (n >= 32 || !(g_ascii_isalpha (v[n]) || v[n] == '-'))
      return FALSE;
  return n > 0;
}

static void
dati_start (GMarkupParseContext *ctx, const char *el, const char **names, const char **values,
            gpointer data, GError **error)
{
  Dati *d = data;

  (void) ctx;
  (void) error;
  if (strcmp (el, "postacert") == 0 && !d->postacert) {
    d->postacert = TRUE;
    for (guint i = 0; names[i]; i++) {
      if (strcmp (names[i], "tipo") == 0 && !d->tipo && token (values[i]))
        d->tipo = g_strdup (values[i]);
      else if (strcmp (names[i], "errore") == 0 && !d->errore && token (values[i]))
        d->errore = g_strdup (values[i]);
    }
    return;
  }
  d->in = NULL;
  if (strcmp (el, "destinatari") == 0)
    d->in = "destinatari";
  else if (strcmp (el, "consegna") == 0)
    d->in = "consegna";
  else if (strcmp (el, "errore-esteso") == 0)
    d->in = "errore-esteso";
  g_string_truncate (d->text, 0);
}

static void
dati_end (GMarkupParseContext *ctx, const char *el, gpointer data, GError **error)
{
  Dati *d = data;

  (void) ctx;
  (void) error;
  if (!d->in || strcmp (el, d->in) != 0)
    return;
  if (strcmp (el, "errore-esteso") == 0) {
    if (!d->esteso->len)
      g_string_append_len (d->esteso, d->text->str, MIN (d->text->len, MAX_PEC_DIAG));
  } else {
    GPtrArray *list = strcmp (el, "consegna") == 0 ? d->consegna : d->destinatari;
    char *a = _bc_address_normalize (d->text->str);
    if (a && list->len < MAX_PEC_RCPTS)
      g_ptr_array_add (list, a);
    else
      g_free (a);
  }
  d->in = NULL;
}

static void
dati_text (GMarkupParseContext *ctx, const char *text, gsize len, gpointer data, GError **error)
{
  Dati *d = data;

  (void) ctx;
  (void) error;
  if (d->in && d->text->len < MAX_PEC_DIAG)
    g_string_append_len (d->text, text, MIN (len, MAX_PEC_DIAG - d->text->len));
}

/* read_dati - the fields of daticert.xml; FALSE when @xml holds no
 * <postacert>. Parsing stops at the first error; what came before counts. */
static gboolean
read_dati (const char *xml, Dati *d)
{
  static const GMarkupParser parser = { dati_start, dati_end, dati_text, NULL, NULL };
  GMarkupParseContext *ctx;
  const char *p;

  if (!xml || !(p = strstr (xml, "<postacert")))
    return FALSE;
  ctx = g_markup_parse_context_new (&parser, 0, d, NULL);
  /* from the root element on: the prolog and DOCTYPE say nothing */
  g_markup_parse_context_parse (ctx, p, strlen (p), NULL);
  g_markup_parse_context_free (ctx);
  return d->postacert;
}

/* ---- the human-readable part --------------------------------------------- */

/* text_recipients - the addresses after "indirizzato a": on its line,
 * quoted, or one to a line below it ("b@x (posta certificata)"). A line
 * whose first word is not an address ends the list. Returns where the text
 * after the list starts, or NULL. */
static const char *
text_recipients (BcScan *s, GPtrArray *out)
{
  const BcMime *m = s->mime;
  const char *b = _bc_body_find (m, "indirizzato a");
  const char *end = m->body->str + m->ndr_len;
  const char *p, *stop;

  if (!b || b >= end)
    return NULL;
  p = b + strlen ("indirizzato a");
  stop = MIN (end, p + 2048);
  while (p < stop && out->len < MAX_PEC_RCPTS) {
    const char *aend = NULL, *nl, *at, *q;
    char *a;
    while (p < stop && (*p == ' ' || *p == ':' || *p == '\n' || *p == '\t' || *p == ','))
      p++;
    nl = memchr (p, '\n', stop - p);
    if (!nl)
      nl = stop;
    /* the address must be the first word: no space before its '@' */
    at = memchr (p, '@', nl - p);
    for (q = p; at && q < at; q++)
      if (*q == ' ' || *q == '\t')
        at = NULL;
    if (!at)
      break;
    a = _bc_address_find (p, nl - p, &aend);
    if (!a || !aend || aend <= p) {
      g_free (a);
      break;
    }
    g_ptr_array_add (out, a);
    p = aend;
    while (p < nl && (*p == '"' || *p == '>' || *p == ' '))
      p++;
    if (p < nl && *p == '(') {       /* "(posta certificata)" */
      const char *c = memchr (p, ')', nl - p);
      if (c)
        p = c + 1;
    }
  }
  return p;
}

/* text_diag - the sentences from @from to the message identifier or the
 * end of the report, squeezed; NULL when empty */
static char *
text_diag (const BcMime *m, const char *from)
{
  const char *end = m->body->str + m->ndr_len;
  const char *id;
  char *d;

  if (!from || from >= end)
    return NULL;
  id = _bc_strcasestr_len (from, end - from, "identificativo messaggio");
  if (id)
    end = id;
  d = _bc_squeeze (from, MIN ((gsize) (end - from), MAX_PEC_DIAG));
  if (d && !*d)
    g_clear_pointer (&d, g_free);
  return d;
}

static void
add (BcScan *s, const char *addr, const char *diag, const char *action)
{
  BcRecipient *r;

  if (!addr)
    return;
  r = _bc_scan_add (s, addr, diag);
  if (r && !r->dsn_action)
    r->dsn_action = g_strdup (action);
  if (r && strcmp (action, "delivered") == 0 && !r->status[0])
    g_strlcpy (r->status, "2.0.0", sizeof r->status);
}

static void
scan (BcScan *s)
{
  Dati d = { 0 };
  GPtrArray *text_rcpts = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *rcpts;
  const char *after, *errore;
  char *tdiag, *diag;
  gint k;

  d.destinatari = g_ptr_array_new_with_free_func (g_free);
  d.consegna = g_ptr_array_new_with_free_func (g_free);
  d.esteso = g_string_new (NULL);
  d.text = g_string_new (NULL);
  read_dati (s->mime->xml, &d);

  k = kind_index (_bc_mime_header (s->mime, "X-Ricevuta"));
  if (k < 0)
    k = kind_index (d.tipo);
  if (k < 0)
    k = kind_of_subject (s->mime);
  if (k < 0)
    goto out;
  after = text_recipients (s, text_rcpts);
  tdiag = text_diag (s->mime, after);
  /* "nessuno": no error to name */
  errore = d.errore && *d.errore && g_ascii_strcasecmp (d.errore, "nessuno") != 0 ? d.errore : NULL;
  g_strstrip (d.esteso->str);
  d.esteso->len = strlen (d.esteso->str);
  diag = g_strdup_printf ("%s%s%s: %s", kinds[k].kind, errore ? " errore=" : "", errore ? errore : "",
                          d.esteso->len ? d.esteso->str : tdiag ? tdiag : "");
  {
    char *sq = _bc_squeeze (diag, -1);
    g_free (diag);
    diag = sq;
  }
  /* the recipient the receipt is about; a refusal before sending concerns
   * them all */
  if (d.consegna->len && strcmp (kinds[k].kind, "non-accettazione") != 0)
    rcpts = d.consegna;
  else if (d.destinatari->len)
    rcpts = d.destinatari;
  else
    rcpts = text_rcpts;
  for (guint i = 0; i < rcpts->len; i++)
    add (s, g_ptr_array_index (rcpts, i), diag, kinds[k].action);
  g_free (diag);
  g_free (tdiag);
out:
  g_ptr_array_unref (text_rcpts);
  g_ptr_array_unref (d.destinatari);
  g_ptr_array_unref (d.consegna);
  g_string_free (d.esteso, TRUE);
  g_string_free (d.text, TRUE);
  g_free (d.tipo);
  g_free (d.errore);
}

/* detect - the X-Ricevuta kinds of the spec (a preavviso among them), the
 * operators' sender with a receipt's Subject, or, with the header gone, a
 * daticert.xml of one of those kinds */
static gboolean
detect (BcRecProbe *p)
{
  const char *x;

  if (_bc_rec_spec_match (p))
    return TRUE;
  /* the operator's sender and a prescribed Subject say it is a receipt,
   * whatever else the message looks like */
  if (_bc_from_matches (p->m, from) && _bc_subject_starts (p->m, subjects))
    return TRUE;
  if (kind_index (_bc_mime_header (p->m, "X-Ricevuta")) >= 0)
    return TRUE;
  if (_bc_mime_header (p->m, "X-Ricevuta"))
    return FALSE;           /* accettazione, presa-in-carico: no report */
  x = p->m->xml ? strstr (p->m->xml, "<postacert") : NULL;
  if (x) {
    const char *t = strstr (x, "tipo=\"");
    const char *e = t ? strchr (t + 6, '"') : NULL;
    if (e && e - t < 80) {
      char *v = g_strndup (t + 6, e - t - 6);
      gboolean ok = kind_index (v) >= 0;
      g_free (v);
      return ok;
    }
  }
  return FALSE;
}

const BcRecognizer _bc_rec_pec = { "pec", detect, scan, &spec };
