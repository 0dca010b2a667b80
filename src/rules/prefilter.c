/* prefilter.c - literal pre-filters that let most rule regexes never run.
 *
 * From each rule's text= pattern we derive a set of lower-case literals such
 * that every string the pattern can match contains at least one of them
 * ("necessary literals"). All literals of all rules go into one
 * Aho-Corasick automaton; one pass over a diagnostic then says which rules
 * can possibly match it, and only those rules' regexes run.
 *
 * The extraction understands the subset of PCRE the rules files use:
 * literals, escaped punctuation, ., classes, \d \w \s \b and friends,
 * groups (plain and (?:...)), look-around (read as zero-width, its content
 * ignored), alternation and the quantifiers ? * + {n,m}.
 * Anything else (back-references, inline options, \Q, \x.., verbs)
 * makes the pattern "unknown": it gets no literal set and always runs.
 * The extraction is conservative: when unsure, it keeps fewer or shorter
 * literals, which only makes the filter let more through.
 *
 * Case: patterns are compiled caseless in UTF-8 mode, where ASCII letters
 * match their other case and also K matches U+212A KELVIN SIGN and S
 * matches U+017F LONG S. The scan folds those the same way, so the filter
 * never rejects a diagnostic the regex would accept. Literals are ASCII
 * only; a non-ASCII character in a pattern ends the literal run.
 * _bc_prefilter_scan_ascii() folds A-Z only, for callers that want a plain
 * ASCII-caseless byte search (the recognizers' phrase table, spec.c, and
 * the returned-copy markers, mime/message.c); both build their automaton,
 * one phrase per rule, with _bc_prefilter_new_phrases().
 *
 * A second set can be asked for (_bc_prefilter_literals2): the runner-up at
 * each step of the same reading, so also one that every match contains,
 * usually from another part of the pattern. A caller that requires both
 * sets to occur filters far better where the best set is common words
 * ("error", "not ") and the runner-up is not ("ptr", "reverse").
 *
 * Limits: a pattern longer than 64 KiB, nested deeper than 64 groups or
 * yielding more than 4096 literals gets no filter. The automaton is built
 * once per rule set (when the rules are finished) and only read afterwards,
 * so it is safe to share between threads.
 */
#include "prefilter.h"

#include <string.h>

#define MAX_PATTERN 65536
#define MAX_DEPTH 64
#define MAX_LITERALS 4096

/* ---- necessary literals of a pattern ------------------------------------ */

typedef struct {
  const char *p, *end;
  gboolean fail;
  guint depth;
  GPtrArray *second;        /* parse_seq/parse_alt: the runner-up set of what
                               they returned (see _bc_prefilter_literals2) */
} Px;

/* A set of literals, one of which must occur; NULL means "none known". */
typedef GPtrArray Need;

static void
need_free (Need *n)
{
  if (n)
    g_ptr_array_unref (n);
}

static Need *
need_one (const char *s, gsize len)
{
  Need *n = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (n, g_strndup (s, len));
  return n;
}

/* score - the shortest literal's length; longer is more selective. */
static gsize
need_score (const Need *n)
{
  gsize best = G_MAXSIZE;
  for (guint i = 0; i < n->len; i++)
    best = MIN (best, strlen (g_ptr_array_index (n, i)));
  return best;
}

/* better - is @a a better choice than @b? */
static gboolean
need_better (const Need *a, const Need *b)
{
  gsize sa, sb;
  if (!b)
    return TRUE;
  sa = need_score (a);
  sb = need_score (b);
  if (sa != sb)
    return sa > sb;
  return a->len < b->len;
}

static Need *parse_alt (Px *x);

/* quantifier - reads an optional quantifier at x->p; sets *min and returns
 * TRUE when there was one. Lazy and possessive suffixes are skipped. A '{'
 * that is not a well-formed quantifier fails the pattern (PCRE would read it
 * as a literal; we simply give up). */
static gboolean
quantifier (Px *x, guint *min, gboolean *single)
{
  const char *p = x->p;
  gboolean q = FALSE;

  *min = 1;
  *single = TRUE;
  if (p >= x->end)
    return FALSE;
  if (*p == '?' || *p == '*' || *p == '+') {
    *min = *p == '+' ? 1 : 0;
    *single = *p == '?';
    p++;
    q = TRUE;
  } else if (*p == '{') {
    guint lo = 0, hi = 0, digits = 0;
    gboolean comma = FALSE, hi_digits = FALSE;
    p++;
    while (p < x->end && g_ascii_isdigit (*p) && digits < 6)
      lo = lo * 10 + (*p++ - '0'), digits++;
    if (p < x->end && *p == ',') {
      comma = TRUE;
      p++;
      while (p < x->end && g_ascii_isdigit (*p) && hi < 100000)
        hi = hi * 10 + (*p++ - '0'), hi_digits = TRUE;
    }
    if (digits == 0 || p >= x->end || *p != '}') {
      x->fail = TRUE;
      return FALSE;
    }
    p++;
    *min = lo;
    *single = comma ? (hi_digits && hi <= 1) : lo <= 1;
    q = TRUE;
  }
  if (q && p < x->end && (*p == '?' || *p == '+'))
    p++;
  x->p = p;
  return q;
}

/* skip_class - past a [...] class; x->p is just after the '['. */
static void
skip_class (Px *x)
{
  const char *p = x->p;

  if (p < x->end && *p == '^')
    p++;
  if (p < x->end && *p == ']')
    p++;
  while (p < x->end && *p != ']') {
    if (*p == '\\') {
      p += 2;
      continue;
    }
    if (*p == '[' && p + 1 < x->end && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
      char t = p[1];
      p += 2;
      while (p + 1 < x->end && !(p[0] == t && p[1] == ']'))
        p++;
      p += 2;
      continue;
    }
    p++;
  }
  if (p >= x->end) {
    x->fail = TRUE;
    x->p = x->end;
    return;
  }
  x->p = p + 1;
}

/* parse_seq - one branch of an alternation: the best necessary set of its
 * literal runs and required groups. */
static Need *
parse_seq (Px *x)
{
  GString *run = g_string_new (NULL);
  Need *best = NULL, *second = NULL;

  /* best is chosen as it always was; second, the best of the rest (other
   * runs and groups, and the groups' own runner-ups), is a set that is
   * also necessary and usually from another part of the branch. A set
   * with a literal under 3 bytes ("ed") would filter nothing: none. */
#define CONSIDER2(n)                                                        \
  do {                                                                      \
    Need *m_ = (n);                                                         \
    if (m_ && need_score (m_) >= 3 && need_better (m_, second)) {           \
      need_free (second);                                                   \
      second = m_;                                                          \
    } else                                                                  \
      need_free (m_);                                                       \
  } while (0)
#define CONSIDER(n)                                                         \
  do {                                                                      \
    Need *n_ = (n);                                                         \
    if (n_ && need_better (n_, best)) {                                     \
      CONSIDER2 (best);                                                     \
      best = n_;                                                            \
    } else                                                                  \
      CONSIDER2 (n_);                                                       \
  } while (0)

#define FLUSH()                                                             \
  do {                                                                      \
    if (run->len)                                                           \
      CONSIDER (need_one (run->str, run->len));                             \
    g_string_truncate (run, 0);                                             \
  } while (0)

  while (!x->fail && x->p < x->end && *x->p != '|' && *x->p != ')') {
    guchar c = (guchar) *x->p;
    int kind;                 /* 0 zero-width, 1 literal, 2 other char, 3 group */
    char lit = 0;
    Need *group = NULL, *group2 = NULL;
    guint min;
    gboolean single;

    if (c == '\\') {
      guchar e;
      if (x->p + 1 >= x->end) {
        x->fail = TRUE;
        break;
      }
      e = (guchar) x->p[1];
      x->p += 2;
      if (e >= 0x80) {
        x->fail = TRUE;
        break;
      }
      if (!g_ascii_isalnum (e)) {
        kind = 1;
        lit = (char) e;
      } else if (strchr ("bBAzZG", e)) {
        kind = 0;
      } else if (strchr ("dDwWsShHvVNR", e)) {
        kind = 2;
      } else {
        x->fail = TRUE;
        break;
      }
    } else if (c == '^' || c == '$') {
      x->p++;
      kind = 0;
    } else if (c == '.') {
      x->p++;
      kind = 2;
    } else if (c == '[') {
      x->p++;
      skip_class (x);
      kind = 2;
    } else if (c == '(') {
      gboolean look = FALSE;
      x->p++;
      if (x->p < x->end && *x->p == '?') {
        const char *q = x->p + 1;
        if (q < x->end && *q == ':')
          x->p += 2;
        else if (q < x->end && (*q == '=' || *q == '!'))
          x->p += 2, look = TRUE;
        else if (q + 1 < x->end && *q == '<' && (q[1] == '=' || q[1] == '!'))
          x->p += 3, look = TRUE;
        else {
          x->fail = TRUE;
          break;
        }
      } else if (x->p < x->end && *x->p == '*') {
        x->fail = TRUE;             /* (*VERB) */
        break;
      }
      if (++x->depth > MAX_DEPTH) {
        x->fail = TRUE;
        break;
      }
      group = parse_alt (x);
      group2 = x->second;
      x->second = NULL;
      x->depth--;
      if (x->fail || x->p >= x->end || *x->p != ')') {
        need_free (group);
        need_free (group2);
        x->fail = TRUE;
        break;
      }
      x->p++;
      kind = 3;
      if (look) {
        /* a look-around consumes nothing: what it needs is not needed */
        need_free (group);
        need_free (group2);
        group = group2 = NULL;
        kind = 0;
      }
    } else if (c == '*' || c == '+' || c == '?' || c == '{') {
      x->fail = TRUE;               /* a quantifier with nothing before it */
      break;
    } else if (c >= 0x80) {
      x->p++;
      while (x->p < x->end && ((guchar) *x->p & 0xc0) == 0x80)
        x->p++;
      kind = 2;
    } else {
      x->p++;
      kind = 1;
      lit = (char) g_ascii_tolower (c);
    }

    if (quantifier (x, &min, &single)) {
      if (x->fail) {
        need_free (group);
        need_free (group2);
        break;
      }
      if (kind == 0) {
        /* a quantified assertion: harmless, contributes nothing */
      } else if (min == 0) {
        FLUSH ();
        need_free (group);
        need_free (group2);
      } else if (kind == 1) {
        g_string_append_c (run, lit);
        FLUSH ();
      } else if (kind == 3) {
        FLUSH ();
        CONSIDER (group);
        CONSIDER2 (group2);
      } else {
        FLUSH ();
      }
      (void) single;
      continue;
    }
    switch (kind) {
    case 0:
    case 2:
      FLUSH ();
      break;
    case 1:
      g_string_append_c (run, lit);
      break;
    case 3:
      FLUSH ();
      CONSIDER (group);
      CONSIDER2 (group2);
      break;
    }
  }
  FLUSH ();
  g_string_free (run, TRUE);
  if (x->fail) {
    need_free (best);
    need_free (second);
    return NULL;
  }
  x->second = second;
  return best;
#undef FLUSH
#undef CONSIDER
#undef CONSIDER2
}

static Need *
parse_alt (Px *x)
{
  Need *all = NULL, *all2 = NULL;
  gboolean unknown = FALSE;

  for (;;) {
    Need *b = parse_seq (x), *b2 = x->second;
    x->second = NULL;
    if (x->fail) {
      need_free (b);
      need_free (b2);
      break;
    }
    if (!b)
      unknown = TRUE;
    else if (!unknown) {
      /* the runner-up of the alternation: each branch's runner-up, or its
       * best when it has none */
      Need *o = b2 ? b2 : b;
      if (!all) {
        all = g_ptr_array_new_with_free_func (g_free);
        all2 = g_ptr_array_new_with_free_func (g_free);
      }
      for (guint i = 0; i < b->len; i++)
        g_ptr_array_add (all, g_strdup (g_ptr_array_index (b, i)));
      for (guint i = 0; i < o->len; i++)
        g_ptr_array_add (all2, g_strdup (g_ptr_array_index (o, i)));
    }
    need_free (b);
    need_free (b2);
    if (x->p < x->end && *x->p == '|') {
      x->p++;
      continue;
    }
    break;
  }
  if (x->fail || unknown || (all && all->len > MAX_LITERALS)) {
    need_free (all);
    need_free (all2);
    return NULL;
  }
  if (all2 && all2->len > MAX_LITERALS)
    g_clear_pointer (&all2, need_free);
  x->second = all2;
  return all;
}

/* finish - @n as a NULL-ended vector, or NULL when empty or when it holds
 * an empty literal (no filter at all); frees @n. */
static char **
finish (Need *n)
{
  if (!n || n->len == 0) {
    need_free (n);
    return NULL;
  }
  for (guint i = 0; i < n->len; i++)
    if (!*(char *) g_ptr_array_index (n, i)) {
      need_free (n);
      return NULL;
    }
  g_ptr_array_add (n, NULL);
  return (char **) g_ptr_array_free (n, FALSE);
}

char **
_bc_prefilter_literals2 (const char *pattern, char ***second)
{
  Px x = { pattern, pattern + strlen (pattern), FALSE, 0, NULL };
  Need *n, *n2;
  char **out;

  if (second)
    *second = NULL;
  if (x.end - x.p > MAX_PATTERN)
    return NULL;
  n = parse_alt (&x);
  n2 = x.second;
  if (x.fail || x.p != x.end || !n) {
    need_free (n);
    need_free (n2);
    return NULL;
  }
  out = finish (n);
  if (out && second)
    *second = finish (n2);
  else
    need_free (n2);
  return out;
}

char **
_bc_prefilter_literals (const char *pattern)
{
  return _bc_prefilter_literals2 (pattern, NULL);
}

/* ---- the automaton ------------------------------------------------------ */

struct _BcPrefilter {
  guint8 cls[256];          /* byte -> class; 0 = a byte no literal holds */
  guint nclass;
  guint nstates;
  guint32 *next;            /* nstates * nclass, a complete DFA: the next
                               state << 1, | 1 when it ends a literal */
  guint32 *dict;            /* nearest state on the failure chain that ends
                               literals, 0 for none */
  guint32 *out_start;       /* per state: its literals' rules are */
  guint32 *out_len;         /* outs[out_start .. +out_len] */
  guint32 *outs;
  guint nrules;
};

typedef struct {
  GArray *next;             /* guint32, grows by nclass per state */
  GArray *own;              /* GArray * of guint32 rule ids, per state */
} Build;

static guint32
add_state (Build *b, guint nclass)
{
  g_array_set_size (b->next, b->next->len + nclass);   /* zero-filled array */
  {
    GArray *none = NULL;
    g_array_append_val (b->own, none);
  }
  return b->own->len - 1;
}

BcPrefilter *
_bc_prefilter_new (char **const *literals, guint nrules)
{
  BcPrefilter *pf = g_new0 (BcPrefilter, 1);
  Build b;
  guint nclass = 1;
  guint32 *fail;
  guint32 *queue;
  guint qh = 0, qt = 0, nouts = 0;

  pf->nrules = nrules;
  /* classes: every byte some literal holds, letters folded (an upper-case
   * letter of a literal takes its lower-case class, so that it never falls
   * into class 0, "any other byte") */
  for (guint r = 0; r < nrules; r++)
    for (guint i = 0; literals[r] && literals[r][i]; i++)
      for (const guchar *s = (const guchar *) literals[r][i]; *s; s++) {
        guchar c = g_ascii_tolower (*s);
        if (!pf->cls[c])
          pf->cls[c] = nclass++;
      }
  for (int c = 'A'; c <= 'Z'; c++)
    pf->cls[c] = pf->cls[c | 0x20];
  pf->nclass = nclass;

  b.next = g_array_new (FALSE, TRUE, sizeof (guint32));
  b.own = g_array_new (FALSE, FALSE, sizeof (GArray *));
  add_state (&b, nclass);                       /* the root, state 0 */
  for (guint r = 0; r < nrules; r++)
    for (guint i = 0; literals[r] && literals[r][i]; i++) {
      guint32 s = 0;
      GArray **own;
      for (const guchar *p = (const guchar *) literals[r][i]; *p; p++) {
        guint c = pf->cls[*p];
        guint32 t = g_array_index (b.next, guint32, s * nclass + c);
        if (!t) {
          t = add_state (&b, nclass);
          g_array_index (b.next, guint32, s * nclass + c) = t;
        }
        s = t;
      }
      own = &g_array_index (b.own, GArray *, s);
      if (!*own)
        *own = g_array_new (FALSE, FALSE, sizeof (guint32));
      if ((*own)->len == 0 || g_array_index (*own, guint32, (*own)->len - 1) != r) {
        guint32 rr = r;
        g_array_append_val (*own, rr);
        nouts++;
      }
    }

  pf->nstates = b.own->len;
  pf->next = (guint32 *) g_array_free (b.next, FALSE);
  fail = g_new0 (guint32, pf->nstates);
  pf->dict = g_new0 (guint32, pf->nstates);
  queue = g_new (guint32, pf->nstates);

  /* breadth first: failure links, dictionary links, missing transitions */
  for (guint c = 0; c < nclass; c++) {
    guint32 t = pf->next[c];
    if (t) {
      fail[t] = 0;
      queue[qt++] = t;
    }
  }
  while (qh < qt) {
    guint32 s = queue[qh++];
    GArray *fo = g_array_index (b.own, GArray *, fail[s]);
    pf->dict[s] = fo && fo->len ? fail[s] : pf->dict[fail[s]];
    for (guint c = 0; c < nclass; c++) {
      guint32 t = pf->next[s * nclass + c];
      if (t) {
        fail[t] = pf->next[fail[s] * nclass + c];
        queue[qt++] = t;
      } else {
        pf->next[s * nclass + c] = pf->next[fail[s] * nclass + c];
      }
    }
  }
  /* class 0 (bytes in no literal) always goes back to the root */

  /* Renumber the states breadth first (the root, then the queue's order):
   * a scan spends nearly all its steps in the shallow states, which then
   * share the first rows of the table and stay in cache however large the
   * automaton. And say in bit 0 of each transition whether the state it
   * leads to ends a literal (its own or on its dictionary chain), so that
   * a scan step reads nothing but the table. Every state but the root is
   * in the queue once: it is reached through the trie. */
  g_assert (qt + 1 == pf->nstates);
  {
    guint32 *rank = g_new (guint32, pf->nstates);
    guint32 *next = g_new (guint32, (gsize) pf->nstates * nclass);
    guint32 *dict = g_new (guint32, pf->nstates);
    guint32 k = 0;

    rank[0] = 0;
    for (guint i = 0; i < qt; i++)
      rank[queue[i]] = i + 1;
    for (guint s = 0; s < pf->nstates; s++) {
      dict[rank[s]] = rank[pf->dict[s]];
      for (guint c = 0; c < nclass; c++) {
        guint32 t = pf->next[s * nclass + c];
        GArray *o = g_array_index (b.own, GArray *, t);
        guint32 ends = (o && o->len) || pf->dict[t];
        next[(gsize) rank[s] * nclass + c] = rank[t] << 1 | ends;
      }
    }
    pf->out_start = g_new0 (guint32, pf->nstates);
    pf->out_len = g_new0 (guint32, pf->nstates);
    pf->outs = g_new (guint32, MAX (nouts, 1));
    for (guint i = 0; i < pf->nstates; i++) {
      guint32 s = i == 0 ? 0 : queue[i - 1];          /* the state ranked i */
      GArray *o = g_array_index (b.own, GArray *, s);
      pf->out_start[i] = k;
      if (o) {
        memcpy (pf->outs + k, o->data, o->len * sizeof (guint32));
        pf->out_len[i] = o->len;
        k += o->len;
        g_array_unref (o);
      }
    }
    g_free (pf->next);
    g_free (pf->dict);
    pf->next = next;
    pf->dict = dict;
    g_free (rank);
  }
  g_array_unref (b.own);
  g_free (fail);
  g_free (queue);
  return pf;
}

BcPrefilter *
_bc_prefilter_new_phrases (const char *const *phrases, guint n)
{
  char ***lits = g_new0 (char **, MAX (n, 1));
  BcPrefilter *pf;

  for (guint r = 0; r < n; r++)
    if (phrases[r] && *phrases[r]) {
      lits[r] = g_new0 (char *, 2);
      lits[r][0] = g_ascii_strdown (phrases[r], -1);
    }
  pf = _bc_prefilter_new ((char **const *) lits, n);
  for (guint r = 0; r < n; r++)
    g_strfreev (lits[r]);
  g_free (lits);
  return pf;
}

void
_bc_prefilter_free (BcPrefilter *pf)
{
  if (!pf)
    return;
  g_free (pf->next);
  g_free (pf->dict);
  g_free (pf->out_start);
  g_free (pf->out_len);
  g_free (pf->outs);
  g_free (pf);
}

guint
_bc_prefilter_rules (const BcPrefilter *pf)
{
  return pf->nrules;
}

static inline void
mark (const BcPrefilter *pf, guint32 s, guint8 *seen)
{
  if (!pf->out_len[s])
    s = pf->dict[s];
  while (s) {
    for (guint32 i = 0; i < pf->out_len[s]; i++) {
      guint32 r = pf->outs[pf->out_start[s] + i];
      seen[r >> 3] |= (guint8) (1u << (r & 7));
    }
    s = pf->dict[s];
  }
}

void
_bc_prefilter_scan (const BcPrefilter *pf, const char *text, gsize len, guint8 *seen)
{
  const guchar *p = (const guchar *) text, *end = p + len;
  guint32 s = 0;
  const guint nclass = pf->nclass;

  while (p < end) {
    guchar c = *p++;
    if (G_UNLIKELY (c >= 0x80)) {
      /* the two non-ASCII letters a caseless UTF-8 regex matches as ASCII */
      if (c == 0xe2 && end - p >= 2 && p[0] == 0x84 && p[1] == 0xaa) {
        c = 'k';
        p += 2;
      } else if (c == 0xc5 && end - p >= 1 && p[0] == 0xbf) {
        c = 's';
        p += 1;
      }
    }
    s = pf->next[(s >> 1) * nclass + pf->cls[c]];
    if (s & 1)
      mark (pf, s >> 1, seen);
  }
}

/* mark_cold - mark(), kept out of the scan loop below */
static G_GNUC_NO_INLINE void
mark_cold (const BcPrefilter *pf, guint32 s, guint8 *seen)
{
  mark (pf, s, seen);
}

void
_bc_prefilter_scan_ascii (const BcPrefilter *pf, const char *text, gsize len, guint8 *seen)
{
  const guchar *p = (const guchar *) text, *end = p + len;
  /* in locals: the stores to @seen (bytes) may alias anything */
  const guint32 *next = pf->next;
  const guint8 *cls = pf->cls;
  const guint nclass = pf->nclass;
  guint32 s = 0;

  while (p < end) {
    s = next[(s >> 1) * nclass + cls[*p++]];
    if (G_UNLIKELY (s & 1))
      mark_cold (pf, s >> 1, seen);
  }
}
