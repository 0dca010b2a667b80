/* spec.c - the detection most recognizers share, driven by a table.
 *
 * A recognizer that only needs "From contains X, or the Subject starts with
 * Y, or header Z is there, or the report says P", where a sign that other
 * mailers show too may count only beside one of the family's own
 * sentences or headers (@confirm), gives a BcRecSpec; one with logic of
 * its own gives a detect() too, which asks the probe (_bc_rec_spec_match,
 * _bc_rec_said, _bc_rec_looks_like_bounce). Only headers, From, Subject
 * and the report's own text (not the returned message) are read. The
 * confirmation is asked only once the sign it confirms is there, so a
 * spec whose sign a message lacks costs it nothing more.
 *
 * The first detection builds, from every recognizer's spec:
 * - one phrase table (rules/prefilter.c, _bc_prefilter_new_phrases()) of
 *   all report phrases (@body, @shared, @confirm and @phrases), each phrase
 *   its own "rule", and one of all From needles;
 * - a hash of all From domains, each naming the recognizers that list it;
 * - the header entries (@headers and @confirm_headers), split once into a
 *   name (shared by the entries that spell it the same) and a needle.
 * A message then costs one pass over its report text and one over its
 * From, each made only when the first question needs it and answering all
 * phrases (or needles) at once as bits in the probe; a few hash look-ups
 * for the tails of the From domain; at most one look-up per header name;
 * and at most one _bc_looks_like_bounce(). The answers are those of the
 * helpers the specs used to call one by one: a phrase is found when the
 * first ndr_len bytes of the report text hold it (_bc_body_find), a From
 * needle when the From holds it (_bc_from_matches), both with A-Z matching
 * a-z and nothing else folded (no Unicode case); a domain as
 * _bc_from_domain_is(); a header as _bc_header_contains().
 *
 * Limits: the BC_REC_MAX_ sizes of recognizers.h bound the tables (going
 * over aborts at the first detection, naming the limit), and no spec
 * domain may be empty or longer than 255 bytes. The tables are built under
 * registry.c's g_once and never changed after, so any number of threads
 * may detect at once, each with its own probe.
 */
#include "recognizers.h"

#include "rules/prefilter.h"

#include <string.h>

typedef struct {
  guint name;               /* into names[] and probe->header[] */
  const char *needle;       /* in the spec's own string; NULL: presence */
} HeaderNeedle;

typedef struct {
  guint body, nbody;        /* phrase ids of spec->body[0 ..] */
  guint shared, nshared;    /* of spec->shared */
  guint confirm, nconfirm;  /* of spec->confirm */
  guint phrases, nphrases;  /* of spec->phrases */
  guint from, nfrom;        /* From needle ids of spec->from[0 ..] */
  guint header0, nheaders;  /* needles[header0 .. header0 + nheaders - 1] */
  guint cheader0, ncheaders; /* the same for spec->confirm_headers */
  gboolean by_subject;      /* no @from, @domains: the Subject claims */
} RecIndex;

/* a set of strings searched for at once: id i is bit i of the answer */
typedef struct {
  BcPrefilter *ac;
  guint n;
  guint32 *empty;           /* ids of "" (found in any text) */
  guint nempty;
} Needles;

static Needles report;              /* spec->body and spec->phrases */
static Needles from_needles;        /* spec->from */
static char **names;                /* distinct header names */
static guint n_names;
#define NAME_BUCKETS 64
G_STATIC_ASSERT (BC_REC_MAX_HEADER_NAMES < 255);
static guint8 by_length[NAME_BUCKETS][BC_REC_MAX_HEADER_NAMES + 1];
                                    /* names of each length (the last
                                       bucket: that long or longer) by
                                       id + 1, 0-ended */
static HeaderNeedle *needles;
static RecIndex *rec_index;         /* per recognizer, table order */
static GHashTable *domains;         /* lower-cased domain -> GArray of
                                       recognizer indexes naming it */
static gsize max_domain;            /* longest of them */

static guint
name_id (GPtrArray *seen, const char *name, gsize len)
{
  for (guint i = 0; i < seen->len; i++) {
    const char *s = g_ptr_array_index (seen, i);
    if (strlen (s) == len && memcmp (s, name, len) == 0)
      return i;
  }
  if (seen->len >= BC_REC_MAX_HEADER_NAMES)
    g_error ("recognizer specs name more than %d headers: raise BC_REC_MAX_HEADER_NAMES",
             BC_REC_MAX_HEADER_NAMES);
  g_ptr_array_add (seen, g_strndup (name, len));
  return seen->len - 1;
}

/* add - gives the strings of @list the next ids of @lits (the spec's own
 * strings, borrowed; a "" id, which always holds, also goes to @empty);
 * returns the first */
static guint
add (GPtrArray *lits, GArray *empty, const char *const *list)
{
  guint first = lits->len;

  for (; list && *list; list++) {
    if (!**list) {
      guint32 id = lits->len;
      g_array_append_val (empty, id);
    }
    g_ptr_array_add (lits, (gpointer) *list);
  }
  return first;
}

static void
needles_build (Needles *n, GPtrArray *lits, GArray *empty, guint max, const char *what)
{
  if (lits->len > max)
    g_error ("recognizer specs hold %u %s: raise its BC_REC_MAX_ limit (%u)", lits->len, what,
             max);
  n->n = lits->len;
  n->ac = _bc_prefilter_new_phrases ((const char *const *) lits->pdata, lits->len);
  g_ptr_array_free (lits, TRUE);
  n->nempty = empty->len;
  n->empty = (guint32 *) g_array_free (empty, FALSE);
}

/* needles_scan - sets in @bits (n bits) the ids found in @text */
static void
needles_scan (const Needles *n, const char *text, gsize len, guint8 *bits)
{
  memset (bits, 0, (n->n + 7) / 8);
  _bc_prefilter_scan_ascii (n->ac, text, len, bits);
  for (guint i = 0; i < n->nempty; i++)
    bits[n->empty[i] >> 3] |= (guint8) (1u << (n->empty[i] & 7));
}

/* add_headers - appends the entries of @list to @hn, their names to @seen */
static void
add_headers (GPtrArray *seen, GArray *hn, const char *const *list)
{
  for (; list && *list; list++) {
    const char *colon = strchr (*list, ':');
    HeaderNeedle e;
    if (colon) {
      e.name = name_id (seen, *list, colon - *list);
      e.needle = colon + 1;
      while (*e.needle == ' ')
        e.needle++;
    } else {
      e.name = name_id (seen, *list, strlen (*list));
      e.needle = NULL;
    }
    g_array_append_val (hn, e);
  }
}

/* plain_value - the value GMime decodes @raw to, in p->bare, when that
 * is @raw unfolded: a raw value of 7-bit bytes without "=?" is given back
 * unchanged by GMime's decoding (_bc_header_plain(), as message.c's
 * header look-ups rely on), so the value is the raw one without white
 * space at its ends and without CR and LF (_bc_header_unfold_into(), as
 * g_mime_utils_header_unfold() gives it).
 * NULL for any other value (or one of 4 KiB or more), which GMime decodes.
 * The answer is kept in @p for the next needle of the same header (the
 * first Received and X-Mailer are asked for by several recognizers). */
static const char *
plain_value (BcRecProbe *p, const char *raw)
{
  if (p->bare_of != raw) {
    p->bare_of = raw;
    p->bare_all = !_bc_header_plain (raw) || !_bc_header_unfold_into (raw, p->bare, sizeof p->bare);
  }
  return p->bare_all ? NULL : p->bare;
}

static inline gboolean
bit (const guint8 *bits, guint i)
{
  return (bits[i >> 3] >> (i & 7)) & 1;
}

/* _bc_rec_specs_init - build the tables for @table[0 .. n-1]; called once,
 * before any detection, by registry.c. */
void
_bc_rec_specs_init (const BcRecognizer *const *table, guint n)
{
  GPtrArray *lits = g_ptr_array_new ();          /* (const char *) per phrase id */
  GArray *empty = g_array_new (FALSE, FALSE, sizeof (guint32));
  GPtrArray *from_lits = g_ptr_array_new ();
  GArray *from_empty = g_array_new (FALSE, FALSE, sizeof (guint32));
  GPtrArray *seen = g_ptr_array_new ();
  GArray *hn = g_array_new (FALSE, FALSE, sizeof (HeaderNeedle));

  if (n > BC_REC_MAX_RECOGNIZERS)
    g_error ("%u recognizers: raise BC_REC_MAX_RECOGNIZERS (%d)", n, BC_REC_MAX_RECOGNIZERS);
  rec_index = g_new0 (RecIndex, n);
  domains = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++) {
    const BcRecSpec *spec = table[i]->spec;
    RecIndex *ix = &rec_index[i];

    if (!spec)
      continue;
    ix->body = add (lits, empty, spec->body);
    ix->nbody = lits->len - ix->body;
    ix->shared = add (lits, empty, spec->shared);
    ix->nshared = lits->len - ix->shared;
    ix->confirm = add (lits, empty, spec->confirm);
    ix->nconfirm = lits->len - ix->confirm;
    ix->phrases = add (lits, empty, spec->phrases);
    ix->nphrases = lits->len - ix->phrases;
    ix->from = add (from_lits, from_empty, spec->from);
    ix->nfrom = from_lits->len - ix->from;
    ix->header0 = hn->len;
    add_headers (seen, hn, spec->headers);
    ix->nheaders = hn->len - ix->header0;
    ix->cheader0 = hn->len;
    add_headers (seen, hn, spec->confirm_headers);
    ix->ncheaders = hn->len - ix->cheader0;
    ix->by_subject = spec->subjects && !spec->from && !spec->domains;
    /* a Subject or a shared phrase with nothing to confirm it would claim
     * every message that has it */
    if ((ix->by_subject || ix->nshared) && !ix->nconfirm && !ix->ncheaders)
      g_error ("recognizer %s: Subjects without From, or shared phrases, need a confirm list",
               table[i]->name);
    for (const char *const *d = spec->domains; d && *d; d++) {
      char *key = g_ascii_strdown (*d, -1);
      GArray *recs = g_hash_table_lookup (domains, key);
      guint r = i;
      if (!**d)
        g_error ("recognizer %s: an empty domain in its spec", table[i]->name);
      if (!recs) {
        recs = g_array_new (FALSE, FALSE, sizeof (guint));
        g_hash_table_insert (domains, g_strdup (key), recs);
      }
      g_array_append_val (recs, r);
      max_domain = MAX (max_domain, strlen (key));
      g_free (key);
    }
  }
  if (max_domain >= 256)
    g_error ("a recognizer spec names a domain of %" G_GSIZE_FORMAT " bytes (at most 255)",
             max_domain);
  needles_build (&report, lits, empty, BC_REC_MAX_PHRASES, "report phrases");
  needles_build (&from_needles, from_lits, from_empty, BC_REC_MAX_FROM, "From needles");
  n_names = seen->len;
  for (guint i = 0; i < n_names; i++) {
    guint8 *b = by_length[MIN (strlen (g_ptr_array_index (seen, i)), NAME_BUCKETS - 1)];
    while (*b)
      b++;
    *b = (guint8) (i + 1);
  }
  g_ptr_array_add (seen, NULL);
  names = (char **) g_ptr_array_free (seen, FALSE);
  needles = (HeaderNeedle *) g_array_free (hn, FALSE);
}

void
_bc_rec_probe_init (BcRecProbe *p, const BcMime *m)
{
  p->m = m;
  p->spec = NULL;
  p->index = 0;
  p->bounce = -1;
  p->scanned = p->from_scanned = p->domains_known = p->headers_read = FALSE;
  p->bare_of = NULL;
}

/* scan_report - answers every report phrase for the message, once */
static void
scan_report (BcRecProbe *p)
{
  const BcMime *m = p->m;

  needles_scan (&report, m->body_fold ? m->body_fold : m->body->str, m->ndr_len, p->said);
  p->scanned = TRUE;
}

/* said - is phrase @id in the report text? The first question scans it.
 * Inline: asked a few hundred times a message, mostly answered by one bit. */
static inline gboolean
said (BcRecProbe *p, guint id)
{
  if (G_UNLIKELY (!p->scanned))
    scan_report (p);
  return bit (p->said, id);
}

/* from_has - does the From (name or address) hold From needle @id? */
static gboolean
from_has (BcRecProbe *p, guint id)
{
  if (!p->from_scanned) {
    const char *from = p->m->from ? p->m->from : "";
    needles_scan (&from_needles, from, strlen (from), p->from_said);
    p->from_scanned = TRUE;
  }
  return bit (p->from_said, id);
}

/* in_domain - is the From address in one of the domains of recognizer
 * @rec (as _bc_from_domain_is: the domain or a subdomain of it)? The first
 * question looks each tail of the address's domain that starts it or
 * follows a dot (and is no longer than the longest spec domain) up. */
static gboolean
in_domain (BcRecProbe *p, guint rec)
{
  if (!p->domains_known) {
    const char *at = strrchr (p->m->from_addr, '@');
    memset (p->in_domain, 0, sizeof p->in_domain);
    if (at) {
      gsize hl = strlen (++at);
      char key[256];
      for (gsize i = hl > max_domain ? hl - max_domain : 0; i < hl; i++) {
        GArray *recs;
        if (i > 0 && at[i - 1] != '.')
          continue;
        for (gsize k = i; k <= hl; k++)
          key[k - i] = (char) _bc_ascii_lower ((guchar) at[k]);
        if ((recs = g_hash_table_lookup (domains, key)))
          for (guint r = 0; r < recs->len; r++) {
            guint x = g_array_index (recs, guint, r);
            p->in_domain[x >> 3] |= (guint8) (1u << (x & 7));
          }
      }
    }
    p->domains_known = TRUE;
  }
  return bit (p->in_domain, rec);
}

/* read_headers - the first header of each name in names[], walking the
 * message's header list once: what g_mime_object_get_header() would pick
 * (the first field of the name, the name's ASCII case ignored), without a
 * hash look-up per name. */
static void
read_headers (BcRecProbe *p)
{
  guint n = p->m->n_fields;

  memset (p->header, 0, n_names * sizeof p->header[0]);
  for (guint i = 0; i < n; i++) {
    const BcField *h = &p->m->fields[i];
    const char *name = h->name;
    gsize len;
    if (!name)
      continue;
    len = strlen (name);
    for (const guint8 *b = by_length[MIN (len, NAME_BUCKETS - 1)]; *b; b++) {
      guint k = *b - 1;
      if (!p->header[k] && _bc_equal_ci (name, names[k]))
        p->header[k] = h;
    }
  }
  p->headers_read = TRUE;
}

/* header_holds - does @hdr's decoded value hold @h's needle (or, for a
 * bare name, have a value)? */
static gboolean
header_holds (BcRecProbe *p, const BcField *hdr, const HeaderNeedle *h)
{
  const char *v;
  char *own;
  gboolean hit;

  if (h->needle && hdr->raw && (v = plain_value (p, hdr->raw)))
    return _bc_strcasestr (v, h->needle) != NULL;
  own = _bc_field_value (hdr);
  hit = own && (!h->needle || _bc_strcasestr (own, h->needle));
  g_free (own);
  return hit;
}

/* header_is - does the message have header @h, and (for a "Name:
 * needle" entry) does its decoded value hold the needle? As
 * _bc_header_contains(), but the headers are read once per message and a
 * value with nothing to decode is read as it is (plain_value()). Inline
 * as said(): most messages lack most names. */
static inline gboolean
header_is (BcRecProbe *p, const HeaderNeedle *h)
{
  if (G_UNLIKELY (!p->headers_read))
    read_headers (p);
  return p->header[h->name] && header_holds (p, p->header[h->name], h);
}

gboolean
_bc_rec_said (BcRecProbe *p, guint i)
{
  const RecIndex *ix = &rec_index[p->index];

  g_return_val_if_fail (i < ix->nphrases, FALSE);
  return said (p, ix->phrases + i);
}

gboolean
_bc_rec_looks_like_bounce (BcRecProbe *p)
{
  if (p->bounce < 0)
    p->bounce = _bc_looks_like_bounce (p->m) ? 1 : 0;
  return p->bounce;
}

/* _bc_from_domain_is - is the bounce's From address in @domain or one of
 * its subdomains? */
gboolean
_bc_from_domain_is (const BcMime *m, const char *domain)
{
  const char *at = strrchr (m->from_addr, '@');
  gsize dl = strlen (domain), hl;

  if (!at)
    return FALSE;
  at++;
  hl = strlen (at);
  if (hl < dl || g_ascii_strcasecmp (at + hl - dl, domain) != 0)
    return FALSE;
  return hl == dl || at[hl - dl - 1] == '.';
}

/* confirmed - does the report say one of the spec's @confirm phrases, or
 * the message carry one of its @confirm_headers? TRUE when the spec has
 * neither: its From needs no confirming. */
static gboolean
confirmed (BcRecProbe *p, const RecIndex *ix)
{
  if (!ix->nconfirm && !ix->ncheaders)
    return TRUE;
  for (guint i = 0; i < ix->nconfirm; i++)
    if (said (p, ix->confirm + i))
      return TRUE;
  for (guint i = 0; i < ix->ncheaders; i++)
    if (header_is (p, &needles[ix->cheader0 + i]))
      return TRUE;
  return FALSE;
}

gboolean
_bc_rec_spec_match (BcRecProbe *p)
{
  const BcRecSpec *spec = p->spec;
  const RecIndex *ix = &rec_index[p->index];
  gboolean from = FALSE;

  if (!spec)
    return FALSE;
  for (guint i = 0; i < ix->nheaders; i++)
    if (header_is (p, &needles[ix->header0 + i]))
      return TRUE;
  for (guint i = 0; i < ix->nbody; i++)
    if (said (p, ix->body + i))
      return TRUE;
  /* every weak sign needs the confirmation: without it, neither this
   * phrase nor a From or Subject below can claim */
  for (guint i = 0; i < ix->nshared; i++)
    if (said (p, ix->shared + i))
      return confirmed (p, ix);
  if (ix->by_subject)
    return _bc_subject_starts (p->m, spec->subjects) && confirmed (p, ix);
  for (guint i = 0; !from && i < ix->nfrom; i++)
    from = from_has (p, ix->from + i);
  if (!from && spec->domains)
    from = in_domain (p, p->index);
  /* a From alone says who wrote the message, not that it is a bounce;
   * the bounce is asked last, as the dearest question */
  return from && (!spec->subjects || _bc_subject_starts (p->m, spec->subjects)) &&
         confirmed (p, ix) && _bc_rec_looks_like_bounce (p);
}
