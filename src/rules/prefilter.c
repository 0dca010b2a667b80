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
 * Case: patterns are compiled caseless in UTF-8 mode, where a letter
 * matches its other cases: ASCII letters, but also K and U+212A KELVIN
 * SIGN, S and U+017F LONG S, Cyrillic в, В and U+1C80, Greek σ, ς and Σ.
 * _bc_prefilter_scan() reads every character of the BMP folded to one
 * member of its caseless set (_bc_prefilter_fold(), see "case folding"
 * below) and the literals hold the same members, so the filter never
 * rejects a diagnostic the regex would accept, and a Russian, Greek or
 * French pattern is filtered by its words as an English one is. A
 * non-ASCII character in a pattern is a literal byte sequence: the caller
 * writes it folded (rules.c need_literals()), or as the marker byte 0x01,
 * which need_score() knows, where it cannot (past the BMP).
 * _bc_prefilter_scan_ascii() folds A-Z only, for callers that want a plain
 * ASCII-caseless byte search (the recognizers' report phrases and From
 * needles, spec.c); it builds its tables, one phrase per rule, with
 * _bc_prefilter_new_phrases(), which makes a phrase matcher instead of an
 * automaton (see "the phrase matcher" below).
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

/* The reading builds and drops many small sets (each run of literal
 * characters is one, each group's is copied into its parent's): their
 * literals' bytes live in an arena freed with the reading, a set is an
 * array of (bytes, length, score) that shares them, and dropped sets are
 * kept for reuse. Only the sets returned are copied out. */

typedef struct {
  const char *s;            /* in the arena, NUL-ended */
  guint32 len;
  guint32 score;            /* lit_score() */
} Lit;

/* A set of literals, one of which must occur; NULL means "none known". */
typedef struct _Need Need;
struct _Need {
  Lit *v;
  guint len, cap;
  gsize score;              /* need_score(), when @scored */
  gboolean scored;
  Need *next;               /* in Px.spare */
};

typedef struct _Block Block;
struct _Block {
  Block *next;
  gsize used, size;
  char data[];
};

typedef struct {
  const char *p, *end;
  gboolean fail;
  guint depth;
  Need *second;             /* parse_seq/parse_alt: the runner-up set of what
                               they returned (see _bc_prefilter_literals2) */
  Need *spare;              /* dropped sets, for reuse */
  Block *arena;
} Px;

/* arena_copy - @len bytes of @s, NUL-ended, in the arena */
static const char *
arena_copy (Px *x, const char *s, gsize len)
{
  Block *b = x->arena;
  char *d;

  if (!b || b->size - b->used < len + 1) {
    gsize size = MAX (4096, len + 1);
    b = g_malloc (sizeof (Block) + size);
    b->next = x->arena;
    b->used = 0;
    b->size = size;
    x->arena = b;
  }
  d = b->data + b->used;
  memcpy (d, s, len);
  d[len] = 0;
  b->used += len + 1;
  return d;
}

static Need *
need_new (Px *x)
{
  Need *n = x->spare;

  if (n)
    x->spare = n->next;
  else
    n = g_new0 (Need, 1);
  n->len = 0;
  n->scored = FALSE;
  return n;
}

static void
need_free (Px *x, Need *n)
{
  if (n) {
    n->next = x->spare;
    x->spare = n;
  }
}

static void
need_add (Need *n, const Lit *l)
{
  if (n->len == n->cap) {
    n->cap = MAX (8, 2 * n->cap);
    n->v = g_renew (Lit, n->v, n->cap);
  }
  n->v[n->len++] = *l;
  n->scored = FALSE;
}

/* Words that many bounces' diagnostics hold (of 4,220 of them, real and
 * from the corpus: "mail" 31%, "not " 23%, "user" 21%, "recipient" 18%,
 * "error" 11%), by length: as a literal each rules out little, and a
 * rarer word of the same pattern ("(user|mailbox) is full": "full")
 * makes the better set. */
static const char *const common_words[][9] = {
  [3] = { "not", "box", "for", "the", "use", NULL },
  [4] = { "mail", "user", "send", "from", "host", "this", NULL },
  [5] = { "error", "email", NULL },
  [6] = { "reject", "server", "domain", "failed", "sender", NULL },
  [7] = { "message", "unknown", "address", "deliver", "mailbox", "account", NULL },
  [8] = { "rejected", "delivery", NULL },
  [9] = { "recipient", NULL },
};

/* common_word - is @l (@len bytes), without spaces around it, one of
 * common_words? */
static gboolean
common_word (const char *l, gsize len)
{
  while (len && *l == ' ')
    l++, len--;
  while (len && l[len - 1] == ' ')
    len--;
  if (len >= G_N_ELEMENTS (common_words))
    return FALSE;
  for (const char *const *w = common_words[len]; *w; w++)
    if (**w == *l && memcmp (*w, l, len) == 0)
      return TRUE;
  return FALSE;
}

/* lit_score - how selective a literal is: twice its length, but 5 for a
 * common word (common_word(): worse than any other literal of 3 bytes);
 * for one that holds the marker byte 0x01 (a character the caller cannot
 * match by its bytes, see rules.c need_literals()), twice the longest
 * piece without it when that is 3 bytes or more (what the caller keeps),
 * else 5: "some non-ASCII character" lets through less than a literal of 2
 * bytes and more than one of 3. */
static gsize
lit_score (const char *l, gsize len)
{
  gsize longest = 0;

  if (!memchr (l, '\x01', len))
    return len >= 3 && len <= 11 && common_word (l, len) ? 5 : 2 * len;
  for (const char *q = l; *q;) {
    gsize n = strcspn (q, "\x01");
    longest = MAX (longest, n);
    q += n;
    if (*q)
      q++;
  }
  return longest >= 3 ? 2 * longest : 5;
}

static Need *
need_one (Px *x, const char *s, gsize len)
{
  Need *n = need_new (x);
  Lit l;

  l.s = arena_copy (x, s, len);
  l.len = (guint32) len;
  l.score = (guint32) lit_score (l.s, len);
  need_add (n, &l);
  return n;
}

/* score - the shortest literal's lit_score(); higher is more selective. */
static gsize
need_score (Need *n)
{
  if (!n->scored) {
    gsize best = G_MAXSIZE;
    for (guint i = 0; i < n->len; i++)
      best = MIN (best, (gsize) n->v[i].score);
    n->score = best;
    n->scored = TRUE;
  }
  return n->score;
}

/* better - is @a a better choice than @b? */
static gboolean
need_better (Need *a, Need *b)
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
      /* "[:alpha:]" and the like, read as PCRE2 reads them: only when the
       * closing ":]" comes before any "]" (or "[:"); otherwise the "[" is
       * a character of the class, and "[[.]" ends at its first "]" */
      char t = p[1];
      const char *q = p + 2, *close = NULL;
      for (; x->end - q >= 2; q++) {
        if (*q == '\\' && (q[1] == ']' || q[1] == '\\'))
          q++;
        else if ((*q == '[' && q[1] == t) || *q == ']')
          break;
        else if (*q == t && q[1] == ']') {
          close = q;
          break;
        }
      }
      if (close) {
        p = close + 2;
        continue;
      }
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

/* plain - does @c, ASCII, stand for itself in a pattern (but for case)?
 * Not NUL and none of \ ^ $ . [ ( ) | * + ? { */
static inline gboolean
plain (guchar c)
{
  const guint64 lo = 1 | 1ull << '$' | 1ull << '(' | 1ull << ')' | 1ull << '*' |
                     1ull << '+' | 1ull << '.' | 1ull << '?';
  const guint64 hi = 1ull << ('[' - 64) | 1ull << ('\\' - 64) | 1ull << ('^' - 64) |
                     1ull << ('{' - 64) | 1ull << ('|' - 64);

  return c < 64 ? !((lo >> c) & 1) : c < 128 && !((hi >> (c - 64)) & 1);
}

/* parse_seq - one branch of an alternation: the best necessary set of its
 * literal runs and required groups. */
static Need *
parse_seq (Px *x)
{
  char run_stack[256], *run = run_stack;    /* the literal run being read */
  gsize run_len = 0, run_cap = sizeof run_stack;
  Need *best = NULL, *second = NULL;

  /* best is chosen as it always was; second, the best of the rest (other
   * runs and groups, and the groups' own runner-ups), is a set that is
   * also necessary and usually from another part of the branch. A set
   * with a literal under 3 bytes ("ed") would filter nothing: none (a
   * literal that stands for "some non-ASCII character" is kept). */
#define CONSIDER2(n)                                                        \
  do {                                                                      \
    Need *m_ = (n);                                                         \
    if (m_ && need_score (m_) >= 5 && need_better (m_, second)) {           \
      need_free (x, second);                                                \
      second = m_;                                                          \
    } else                                                                  \
      need_free (x, m_);                                                    \
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

#define RUN_RESERVE(n)                                                      \
  do {                                                                      \
    if (run_cap - run_len < (n)) {                                          \
      run_cap = 2 * run_cap + (n);                                          \
      if (run == run_stack)                                                 \
        run = memcpy (g_malloc (run_cap), run_stack, run_len);              \
      else                                                                  \
        run = g_realloc (run, run_cap);                                     \
    }                                                                       \
  } while (0)
#define RUN_APPEND(s, n)                                                    \
  do {                                                                      \
    RUN_RESERVE (n);                                                        \
    memcpy (run + run_len, (s), (n));                                       \
    run_len += (n);                                                         \
  } while (0)
#define FLUSH()                                                             \
  do {                                                                      \
    if (run_len)                                                            \
      CONSIDER (need_one (x, run, run_len));                                \
    run_len = 0;                                                            \
  } while (0)

  while (!x->fail && x->p < x->end && *x->p != '|' && *x->p != ')') {
    guchar c = (guchar) *x->p;
    int kind;                 /* 0 zero-width, 1 literal, 2 other char, 3 group */
    char lit = 0;
    const char *lit_start = &lit;  /* the literal's bytes: @lit, or a */
    gsize lit_len = 1;            /* non-ASCII character in the pattern */
    Need *group = NULL, *group2 = NULL;
    guint min;
    gboolean single;

    if (plain (c)) {
      /* a run of plain characters (the words of most patterns) at once,
       * but for one that a quantifier follows */
      const char *q = x->p + 1;
      gsize n;
      while (q < x->end && plain ((guchar) *q))
        q++;
      if (q < x->end && (*q == '?' || *q == '*' || *q == '+' || *q == '{'))
        q--;
      if ((n = q - x->p) > 0) {
        RUN_RESERVE (n);
        for (gsize i = 0; i < n; i++) {
          guchar b = (guchar) x->p[i];
          run[run_len + i] = (char) (b >= 'A' && b <= 'Z' ? b | 0x20 : b);
        }
        run_len += n;
        x->p = q;
        continue;
      }
    }
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
        need_free (x, group);
        need_free (x, group2);
        x->fail = TRUE;
        break;
      }
      x->p++;
      kind = 3;
      if (look) {
        /* a look-around consumes nothing: what it needs is not needed */
        need_free (x, group);
        need_free (x, group2);
        group = group2 = NULL;
        kind = 0;
      }
    } else if (c == '*' || c == '+' || c == '?' || c == '{') {
      x->fail = TRUE;               /* a quantifier with nothing before it */
      break;
    } else if (c >= 0x80) {
      /* a character outside ASCII: the caller (rules.c need_literals())
       * wrote it folded, as the scan reads the text, so its bytes are a
       * literal like any other */
      lit_start = x->p++;
      while (x->p < x->end && ((guchar) *x->p & 0xc0) == 0x80)
        x->p++;
      lit_len = x->p - lit_start;
      kind = 1;
    } else {
      x->p++;
      kind = 1;
      lit = (char) (c >= 'A' && c <= 'Z' ? c | 0x20 : c);
    }

    if (quantifier (x, &min, &single)) {
      if (x->fail) {
        need_free (x, group);
        need_free (x, group2);
        break;
      }
      if (kind == 0) {
        /* a quantified assertion: harmless, contributes nothing */
      } else if (min == 0) {
        FLUSH ();
        need_free (x, group);
        need_free (x, group2);
      } else if (kind == 1) {
        RUN_APPEND (lit_start, lit_len);
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
      RUN_APPEND (lit_start, lit_len);
      break;
    case 3:
      FLUSH ();
      CONSIDER (group);
      CONSIDER2 (group2);
      break;
    }
  }
  FLUSH ();
  if (run != run_stack)
    g_free (run);
  if (x->fail) {
    need_free (x, best);
    need_free (x, second);
    return NULL;
  }
  x->second = second;
  return best;
#undef FLUSH
#undef RUN_APPEND
#undef RUN_RESERVE
#undef CONSIDER
#undef CONSIDER2
}

static Need *
parse_alt (Px *x)
{
  Need *all = NULL, *all2 = NULL;
  gboolean unknown = FALSE, own2 = FALSE;

  for (;;) {
    Need *b = parse_seq (x), *b2 = x->second;
    x->second = NULL;
    if (x->fail) {
      need_free (x, b);
      need_free (x, b2);
      break;
    }
    if (!b)
      unknown = TRUE;
    else if (!unknown) {
      /* the runner-up of the alternation: each branch's runner-up, or its
       * best when it has none */
      Need *o = b2 ? b2 : b;
      own2 |= b2 != NULL;
      if (!all) {
        all = need_new (x);
        all2 = need_new (x);
      }
      for (guint i = 0; i < b->len; i++)
        need_add (all, &b->v[i]);
      for (guint i = 0; i < o->len; i++)
        need_add (all2, &o->v[i]);
    }
    need_free (x, b);
    need_free (x, b2);
    if (x->p < x->end && *x->p == '|') {
      x->p++;
      continue;
    }
    break;
  }
  if (x->fail || unknown || (all && all->len > MAX_LITERALS)) {
    need_free (x, all);
    need_free (x, all2);
    return NULL;
  }
  if (all2 && all2->len > MAX_LITERALS)
    need_free (x, all2), all2 = NULL;
  /* when no branch has a runner-up of its own, all2 is all over again: as
   * the runner-up of a group it would keep the sequence around it from
   * taking a set of its own ("(blocked|refused) (spf|dkim)" had the
   * verbs twice, and not the protocols, which are rarer) */
  if (!own2)
    need_free (x, all2), all2 = NULL;
  x->second = all2;
  return all;
}

/* finish - @n as a NULL-ended vector, or NULL when empty or when it holds
 * an empty literal (no filter at all); frees @n. */
static char **
finish (Px *x, Need *n)
{
  char **out;

  if (!n || n->len == 0) {
    need_free (x, n);
    return NULL;
  }
  for (guint i = 0; i < n->len; i++)
    if (!n->v[i].len) {
      need_free (x, n);
      return NULL;
    }
  out = g_new (char *, n->len + 1);
  for (guint i = 0; i < n->len; i++)
    out[i] = g_strndup (n->v[i].s, n->v[i].len);
  out[n->len] = NULL;
  need_free (x, n);
  return out;
}

/* px_clear - frees the arena and the spare sets of @x */
static void
px_clear (Px *x)
{
  while (x->arena) {
    Block *b = x->arena;
    x->arena = b->next;
    g_free (b);
  }
  while (x->spare) {
    Need *n = x->spare;
    x->spare = n->next;
    g_free (n->v);
    g_free (n);
  }
}

char **
_bc_prefilter_literals2 (const char *pattern, char ***second)
{
  Px x = { pattern, pattern + strlen (pattern), FALSE, 0, NULL, NULL, NULL };
  Need *n, *n2;
  char **out;

  if (second)
    *second = NULL;
  if (x.end - x.p > MAX_PATTERN)
    return NULL;
  n = parse_alt (&x);
  n2 = x.second;
  if (x.fail || x.p != x.end || !n) {
    need_free (&x, n);
    need_free (&x, n2);
    px_clear (&x);
    return NULL;
  }
  out = finish (&x, n);
  if (out && second)
    *second = finish (&x, n2);
  else
    need_free (&x, n2);
  px_clear (&x);
  return out;
}

char **
_bc_prefilter_literals (const char *pattern)
{
  return _bc_prefilter_literals2 (pattern, NULL);
}

/* ---- case folding ------------------------------------------------------- */

/* A caseless UTF-8 regex (PCRE2 with UTF, UCP and CASELESS, as GRegex and
 * rules.c compile the rules) takes a character for another when one is the
 * other's other case or both are in one of PCRE2's case sets (k K U+212A;
 * s S U+017F; ß U+1E9E; θ Θ ϑ ϴ; в В U+1C80; ...), one character for one
 * character. Folding both a pattern's literals and the text to one member
 * of each such set keeps the filter sound: if the regex matches, the folded
 * text holds the folded literal.
 *
 * The member is the lower case of the upper case (GLib's simple mappings),
 * with the sets GLib does not give: letter-like symbols that are not
 * letters (Roman numerals U+2160.., circled letters U+24B6..), U+0345
 * COMBINING GREEK YPOGEGRAMMENI (ι), and pairs that only full case folding
 * relates and later PCRE2 versions take for one another (ΐ U+0390 and
 * U+1FD3, ΰ U+03B0 and U+1FE3, the ligatures U+FB05 and U+FB06). A
 * non-ASCII character never folds to ASCII but for U+212A KELVIN SIGN and
 * U+017F LONG S: PCRE2 reads İ U+0130 and ı U+0131 as themselves.
 * Characters past the BMP are not folded (rules.c does not make literals of
 * them). tests/unit/test-prefilter.c checks the whole BMP against PCRE2. */

/* The BMP pages (of 256 characters) that hold characters that fold to
 * another; every other character folds to itself. The unit test checks
 * that fold_compute() changes nothing outside them. */
static const guint8 fold_pages[] = {
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x10, 0x13, 0x1c, 0x1e, 0x1f,
  0x21, 0x24, 0x2c, 0xa6, 0xa7, 0xfb, 0xff,
};

/* fold_compute - the member of @c's case set that the text is read as */
static gunichar
fold_compute (gunichar c)
{
  gunichar k;

  if (c < 0x80)
    return g_ascii_tolower (c);
  if (c >= 0x2160 && c <= 0x216f)
    return c + 0x10;                     /* Roman numerals */
  if (c >= 0x24b6 && c <= 0x24cf)
    return c + 0x1a;                     /* circled letters */
  switch (c) {
  case 0x0345: return 0x03b9;
  case 0x1fd3: return 0x0390;
  case 0x1fe3: return 0x03b0;
  case 0xfb05: return 0xfb06;
  default: break;
  }
  k = g_unichar_tolower (g_unichar_toupper (c));
  if (k < 0x80 && c != 0x212a && c != 0x17f)
    return c;
  return k;
}

/* fold_table - per BMP page, the folded characters, or NULL when every
 * character of the page folds to itself; made once */
static const guint16 *const *
fold_table (void)
{
  static const guint16 *page[256];
  static guint16 rows[G_N_ELEMENTS (fold_pages)][256];
  static gsize once;

  if (g_once_init_enter (&once)) {
    for (guint i = 0; i < G_N_ELEMENTS (fold_pages); i++) {
      gunichar base = (gunichar) fold_pages[i] << 8;
      for (guint j = 0; j < 256; j++)
        rows[i][j] = (guint16) fold_compute (base + j);
      page[fold_pages[i]] = rows[i];
    }
    g_once_init_leave (&once, 1);
  }
  return page;
}

gunichar
_bc_prefilter_fold (gunichar c)
{
  const guint16 *row;

  if (c >= 0x10000)
    return c;
  row = fold_table ()[c >> 8];
  return row ? row[c & 0xff] : c;
}

gboolean
_bc_prefilter_fold_check (gunichar c)
{
  return c >= 0x10000 || _bc_prefilter_fold (c) == fold_compute (c);
}

/* ---- the phrase matcher ------------------------------------------------ */

/* The phrase tables (_bc_prefilter_new_phrases(): the recognizers' report
 * phrases and From needles) are scanned over whole report texts, and not
 * with the automaton below. (The returned-copy markers, which only the
 * first occurrence of matters, are found by skipping instead: mime/message.c
 * _bc_returned_copy_marker().) Each phrase is found by an
 * anchor: a run of GRAM (4) bytes inside it, or the whole phrase when it
 * is shorter. A scan reads the text once, keeping its last four bytes
 * (ASCII letters in lower case) in a word, and at each byte hashes the
 * word (and, when there are shorter anchors, its last one, two or three
 * bytes) into a bitmap of the anchors. Only where a bit is set does it look
 * the anchor up, in a table whose entry leads to one run of words holding,
 * for each phrase with that anchor, the phrase and its rules; each is
 * compared with the text around.
 *
 * The steps do not depend on one another and the bitmap is small (512
 * bytes for the report phrases), so a scan that runs between the parsing of
 * one message and the next, with the caches full of other things, costs
 * little more than in a loop: measured in the program over 10,000 bounces,
 * the phrase scans took half the time they took with the automaton. For the rules' literals the
 * automaton stays: a diagnostic holds a dozen of them, and there the
 * automaton's one pass beats a look-up for each.
 *
 * Each phrase's anchor is the run of its bytes that the fewest phrases
 * hold: a run that many share ("mail", "ess ") is likely to be common in
 * text too, and its look-ups would be wasted. */

#define GRAM 4

typedef struct {
  guint64 key;              /* anchor bytes (first byte highest) | length << 32;
                               0: an empty slot */
  guint32 run;              /* its literals: code[run ..] */
} Slot;

/* A run in code[]: the number of literals, then for each: its id, length,
 * where the anchor starts in it, its number of rules, the rules, and its
 * bytes (folded) packed four to a word. */
typedef struct {
  guint8 lens;              /* bit L-1: anchors of L bytes exist (L <= 4) */
  guint bits_log2;
  guint64 *bits;            /* the bitmap of anchor hashes */
  Slot *slots;              /* open addressing by anchor */
  guint32 slot_mask;
  guint32 *code;
} Hash;

static const guint8 lower_tab[256] = {
#define R(b) b, b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7
#define S(b) R (b), R (b + 8)
  S (0x00), S (0x10), S (0x20), S (0x30),
  0x40, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
  'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
  S (0x60), S (0x70), S (0x80), S (0x90), S (0xa0), S (0xb0), S (0xc0), S (0xd0), S (0xe0),
  S (0xf0)
#undef S
#undef R
};

/* key_at - the anchor of @len bytes (1 to GRAM) at @p as a look-up key */
static inline guint64
key_at (const guchar *p, guint len)
{
  guint32 w = 0;

  for (guint i = 0; i < len; i++)
    w = w << 8 | p[i];
  return (guint64) w | (guint64) len << 32;
}

static inline guint32
hash_key (guint32 w, guint len, guint bits_log2)
{
  return ((w + len * 0x01000193u) * 0x9e3779b1u) >> (32 - bits_log2);
}

static inline guint32
slot_of (guint64 key, guint32 mask)
{
  return (guint32) ((key * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)) >> 32) & mask;
}

typedef struct {
  guint64 key;
  guint32 lit;
  guint32 at;
} Anchor;

static int
cmp_anchor (gconstpointer a, gconstpointer b)
{
  const Anchor *x = a, *y = b;

  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return x->lit < y->lit ? -1 : x->lit > y->lit;
}

static Hash *
hash_new (char **const *literals, guint nrules)
{
  Hash *pf = g_new0 (Hash, 1);
  GHashTable *ids = g_hash_table_new (g_str_hash, g_str_equal);   /* literal -> id + 1 */
  GHashTable *grams = g_hash_table_new (g_int64_hash, g_int64_equal);
  GPtrArray *strs = g_ptr_array_new_with_free_func (g_free);      /* by id, folded */
  GPtrArray *rules_of = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  GArray *anchors = g_array_new (FALSE, FALSE, sizeof (Anchor));
  GArray *code = g_array_new (FALSE, FALSE, sizeof (guint32));
  gint64 *gram_keys;
  gsize total = 0;
  guint nslots, nkeys = 0;

  /* the distinct literals (ASCII letters folded) and the rules of each, in
   * rising order */
  for (guint r = 0; r < nrules; r++)
    for (guint i = 0; literals[r] && literals[r][i]; i++) {
      char *s;
      guint id;
      GArray *rs;
      if (!*literals[r][i])
        continue;             /* an empty literal would be in every text */
      s = g_strdup (literals[r][i]);
      for (char *c = s; *c; c++)
        *c = (char) lower_tab[(guchar) *c];
      id = GPOINTER_TO_UINT (g_hash_table_lookup (ids, s));
      if (!id) {
        g_ptr_array_add (strs, s);
        g_ptr_array_add (rules_of, g_array_new (FALSE, FALSE, sizeof (guint32)));
        id = strs->len;
        g_hash_table_insert (ids, s, GUINT_TO_POINTER (id));
        total += strlen (s);
      } else
        g_free (s);
      rs = g_ptr_array_index (rules_of, id - 1);
      if (!rs->len || g_array_index (rs, guint32, rs->len - 1) != r)
        g_array_append_val (rs, r);   /* once, however often the rule has it */
    }

  /* how many literals hold each run of GRAM bytes */
  gram_keys = g_new (gint64, MAX (total, 1));
  for (guint i = 0; i < strs->len; i++) {
    const guchar *s = g_ptr_array_index (strs, i);
    guint n = strlen ((const char *) s);
    for (guint a = 0; n >= GRAM && a + GRAM <= n; a++) {
      gint64 *k = &gram_keys[nkeys];
      gboolean dup = FALSE;
      *k = (gint64) key_at (s + a, GRAM);
      for (guint b = 0; b < a && !dup; b++)
        dup = (gint64) key_at (s + b, GRAM) == *k;
      if (dup)
        continue;             /* counted once per literal */
      g_hash_table_insert (grams, k,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (grams, k)) + 1));
      nkeys++;
    }
  }
  /* each literal's anchor: its rarest run, the first of equals */
  for (guint i = 0; i < strs->len; i++) {
    const guchar *s = g_ptr_array_index (strs, i);
    guint n = strlen ((const char *) s);
    Anchor an = { 0, i, 0 };
    if (n < GRAM) {
      an.key = key_at (s, n);
      pf->lens |= 1u << (n - 1);
    } else {
      guint best = G_MAXUINT;
      for (guint a = 0; a + GRAM <= n; a++) {
        gint64 k = (gint64) key_at (s + a, GRAM);
        guint c = GPOINTER_TO_UINT (g_hash_table_lookup (grams, &k));
        if (c < best) {
          best = c;
          an.key = (guint64) k;
          an.at = a;
        }
      }
      pf->lens |= 1u << (GRAM - 1);
    }
    g_array_append_val (anchors, an);
  }
  g_array_sort (anchors, cmp_anchor);

  /* the table of anchors, their runs and their bitmap (16 bits or more
   * per anchor) */
  nkeys = 0;
  for (guint i = 0; i < anchors->len; i++)
    if (!i || g_array_index (anchors, Anchor, i).key != g_array_index (anchors, Anchor, i - 1).key)
      nkeys++;
  for (nslots = 16; nslots < 2 * nkeys; nslots *= 2)
    ;
  pf->slots = g_new0 (Slot, nslots);
  pf->slot_mask = nslots - 1;
  pf->bits_log2 = 12;
  while (pf->bits_log2 < 22 && (1u << pf->bits_log2) < 16 * nkeys)
    pf->bits_log2++;
  pf->bits = g_new0 (guint64, (1u << pf->bits_log2) / 64);
  for (guint i = 0; i < anchors->len;) {
    const Anchor *an = &g_array_index (anchors, Anchor, i);
    guint32 j, h, count = 0, zero = 0;
    for (j = slot_of (an->key, pf->slot_mask); pf->slots[j].key; j = (j + 1) & pf->slot_mask)
      ;
    pf->slots[j].key = an->key;
    pf->slots[j].run = code->len;
    g_array_append_val (code, zero);
    for (; i < anchors->len && g_array_index (anchors, Anchor, i).key == an->key; i++, count++) {
      const Anchor *a = &g_array_index (anchors, Anchor, i);
      const char *s = g_ptr_array_index (strs, a->lit);
      GArray *rs = g_ptr_array_index (rules_of, a->lit);
      guint32 head[4] = { a->lit, (guint32) strlen (s), a->at, rs->len };
      guint32 words = (head[1] + 3) / 4, base;
      g_array_append_vals (code, head, 4);
      g_array_append_vals (code, rs->data, rs->len);
      base = code->len;
      g_array_set_size (code, base + words);
      memset (&g_array_index (code, guint32, base), 0, words * 4);
      memcpy (&g_array_index (code, guint32, base), s, head[1]);
    }
    g_array_index (code, guint32, pf->slots[j].run) = count;
    h = hash_key ((guint32) an->key, (guint) (an->key >> 32), pf->bits_log2);
    pf->bits[h >> 6] |= G_GUINT64_CONSTANT (1) << (h & 63);
  }
  pf->code = (guint32 *) g_array_free (code, FALSE);

  g_free (gram_keys);
  g_hash_table_unref (grams);
  g_hash_table_unref (ids);
  g_ptr_array_unref (strs);
  g_ptr_array_unref (rules_of);
  g_array_unref (anchors);
  return pf;
}


static void
hash_free (Hash *pf)
{
  if (!pf)
    return;
  g_free (pf->bits);
  g_free (pf->slots);
  g_free (pf->code);
  g_free (pf);
}

/* A scan remembers the literals it has found (a few, by their id's low
 * bits), so that a literal that occurs again is not compared again. */
#define DONE 32

/* found - the anchor of @len bytes ending at text[@i] (word @w) has its
 * bit set: look it up, and mark the rules of each of its literals that
 * stands in @text (ASCII letters in either case) */
static G_GNUC_NO_INLINE void
found (const Hash *pf, const guchar *text, gsize n, gsize i, guint32 w, guint len,
       guint8 *seen, guint32 *done)
{
  guint64 key = (guint64) w | (guint64) len << 32;
  const guint32 *c;
  guint32 j, count;

  for (j = slot_of (key, pf->slot_mask); pf->slots[j].key != key; j = (j + 1) & pf->slot_mask)
    if (!pf->slots[j].key)
      return;                 /* a bit shared with another anchor */
  c = pf->code + pf->slots[j].run;
  for (count = *c++; count; count--) {
    guint32 id = c[0], l = c[1], at = c[2], nr = c[3];
    const guint32 *rules = c + 4;
    const guchar *lit = (const guchar *) (rules + nr);
    gsize start = i + 1 - len, m;
    c = rules + nr + (l + 3) / 4;
    if (done[id % DONE] == id + 1 || start < at)
      continue;
    start -= at;
    if (n - start < l)
      continue;
    for (m = 0; m < l && lower_tab[text[start + m]] == lit[m]; m++)
      ;
    if (m < l)
      continue;
    done[id % DONE] = id + 1;
    for (guint32 k = 0; k < nr; k++)
      seen[rules[k] >> 3] |= (guint8) (1u << (rules[k] & 7));
  }
}

static inline gboolean
bit_set (const guint64 *bits, guint32 w, guint len, guint bits_log2)
{
  guint32 h = hash_key (w, len, bits_log2);

  return (bits[h >> 6] >> (h & 63)) & 1;
}

/* scan_folded - the scan proper, over @text with ASCII letters read in
 * lower case; @lens is pf->lens or 8, a constant at each call so that the
 * common case (anchors of GRAM bytes only) is compiled on its own */
static inline void
scan_folded (const Hash *pf, const guchar *text, gsize n, guint8 *seen, guint lens)
{
  const guint64 *bits = pf->bits;
  const guint b = pf->bits_log2;
  guint32 done[DONE] = { 0 };
  guint32 w = 0;

  for (gsize i = 0; i < n; i++) {
    w = w << 8 | lower_tab[text[i]];
    if ((lens & 8) && i >= 3 && G_UNLIKELY (bit_set (bits, w, 4, b)))
      found (pf, text, n, i, w, 4, seen, done);
    if ((lens & 4) && i >= 2 && G_UNLIKELY (bit_set (bits, w & 0xffffff, 3, b)))
      found (pf, text, n, i, w & 0xffffff, 3, seen, done);
    if ((lens & 2) && i >= 1 && G_UNLIKELY (bit_set (bits, w & 0xffff, 2, b)))
      found (pf, text, n, i, w & 0xffff, 2, seen, done);
    if ((lens & 1) && G_UNLIKELY (bit_set (bits, w & 0xff, 1, b)))
      found (pf, text, n, i, w & 0xff, 1, seen, done);
  }
}

static void
hash_scan (const Hash *pf, const guchar *text, gsize n, guint8 *seen)
{
  if (pf->lens == 8)
    scan_folded (pf, text, n, seen, 8);
  else if (pf->lens)
    scan_folded (pf, text, n, seen, 15);
}


/* ---- the automaton ------------------------------------------------------ */

/* A trie of the literals with failure links (Aho-Corasick), stored sparse:
 * each state's children are a run of (class, child) pairs, searched in
 * line, and a step that finds no child follows the failure links. Only the
 * root, where a scan of ordinary text spends most of its steps, has a full
 * row. A full table (every state by every class) would take megabytes for
 * the shipped rules (31,000 states by 146 classes) and a cache miss on
 * nearly every step of a scan, and its construction would be most of the
 * start-up; the sparse trie takes under a megabyte, and a scan walks
 * at most two steps back along the failure links per byte on average
 * (each byte deepens the state by at most one).
 *
 * A child is stored as its state << 1, | 1 when that state ends a literal
 * (its own or on its dictionary chain), so that a step reads nothing but
 * the trie. States are numbered in the sorted order of the literals.
 *
 * The states nearest the root, where nearly all steps of a scan are, also
 * get a full row of the finished automaton (child or failure already
 * followed), in breadth-first order up to DENSE_CELLS cells: the root and
 * every state of the phrase tables, and the first two levels of the
 * shipped rules' trie. A step from such a state is one table read; the
 * sparse search and the failure links serve only the deeper states. */
struct _BcPrefilter {
  guint8 cls[256];          /* byte -> class; 0 = a byte no literal holds */
  guint nclass;
  guint nstates;
  guint32 *root;            /* nclass: the root's children (0: none) */
  guint32 *row;             /* nstates: a state's row of dense, or NO_ROW */
  guint32 *dense;           /* rows of nclass steps, encoded as eto */
  gboolean full;            /* every state has a row, numbered as the state */
  guint32 *first;           /* nstates + 1: state s's children are */
  guint8 *ecls;             /* ecls/eto[first[s] .. first[s + 1]] */
  guint32 *eto;
  guint32 *fail;            /* failure link, a plain state */
  guint32 *dict;            /* nearest state on the failure chain that ends
                               literals, 0 for none */
  guint32 *out_start;       /* per state: its literals' rules are */
  guint32 *out_len;         /* outs[out_start .. +out_len] */
  guint32 *outs;
  guint nrules;
  const guint16 *const *fold;   /* fold_table() */
  Hash *hash;               /* a phrase table: the above are not used */
};

typedef struct {
  guint64 head;             /* its first 8 classes, the first highest */
  guint32 key;              /* the literal as its classes, NUL-ended, at
                               keys + key */
  guint32 rule;
} Entry;

/* entry_less - does @x sort before @y: by the classes, then by rule */
static inline gboolean
entry_less (const Entry *x, const Entry *y, const guchar *keys)
{
  int c;

  if (x->head != y->head)
    return x->head < y->head;
  if ((x->head & 0xff) &&
      (c = strcmp ((const char *) keys + x->key + 8, (const char *) keys + y->key + 8)))
    return c < 0;
  return x->rule < y->rule;
}

/* merge_sort - @e (@n) by entry_less(), @tmp as large */
static void
merge_sort (Entry *e, Entry *tmp, gsize n, const guchar *keys)
{
  gsize h = n / 2, i = 0, j = h, o = 0;

  if (n <= 12) {
    for (gsize a = 1; a < n; a++) {
      Entry v = e[a];
      gsize b = a;
      for (; b > 0 && entry_less (&v, &e[b - 1], keys); b--)
        e[b] = e[b - 1];
      e[b] = v;
    }
    return;
  }
  merge_sort (e, tmp, h, keys);
  merge_sort (e + h, tmp, n - h, keys);
  if (!entry_less (&e[h], &e[h - 1], keys))
    return;                   /* already in order */
  while (i < h && j < n)
    tmp[o++] = entry_less (&e[j], &e[i], keys) ? e[j++] : e[i++];
  while (i < h)
    tmp[o++] = e[i++];
  memcpy (e, tmp, o * sizeof (Entry));
}

/* sort_entries - @e (@n), in rising order of rule, in the order of
 * entry_less(): a radix sort by head, which keeps the order of rules, and
 * then a merge sort of each run of equal heads of literals longer than
 * that. Entries that compare equal (a literal twice in one rule) are
 * alike for the trie. */
static void
sort_entries (Entry *e, gsize n, const guchar *keys)
{
  Entry *tmp = g_new (Entry, MAX (n, 1)), *a = e, *b = tmp;

  for (guint shift = 0; shift < 64 && n; shift += 8) {
    gsize count[256] = { 0 }, at = 0;
    for (gsize i = 0; i < n; i++)
      count[(a[i].head >> shift) & 0xff]++;
    if (count[(a[0].head >> shift) & 0xff] == n)
      continue;               /* one byte for all */
    for (guint c = 0; c < 256; c++) {
      gsize k = count[c];
      count[c] = at;
      at += k;
    }
    for (gsize i = 0; i < n; i++)
      b[count[(a[i].head >> shift) & 0xff]++] = a[i];
    a = b;
    b = a == e ? tmp : e;
  }
  if (a != e)
    memcpy (e, a, n * sizeof (Entry));
  for (gsize i = 0, j; i < n; i = j) {
    for (j = i + 1; j < n && e[j].head == e[i].head; j++)
      ;
    if (j - i > 1 && (e[i].head & 0xff))
      merge_sort (e + i, tmp, j - i, keys);
  }
  g_free (tmp);
}

#define NO_ROW G_MAXUINT32
#define DENSE_CELLS (1u << 18)    /* 1 MiB of rows at most */

/* child - the child of state @s (not the root) by class @c, 0 if none */
static inline guint32
child (const BcPrefilter *pf, guint32 s, guint c)
{
  for (guint32 k = pf->first[s]; k < pf->first[s + 1]; k++)
    if (pf->ecls[k] == c)
      return pf->eto[k];
  return 0;
}

/* step - from state @s by a byte of class @c (not 0): the next state,
 * encoded as in eto */
static inline guint32
step (const BcPrefilter *pf, guint32 s, guint c)
{
  for (;;) {
    guint32 e, r = pf->row[s];
    if (r != NO_ROW)
      return pf->dense[(gsize) r * pf->nclass + c];
    if ((e = child (pf, s, c)))
      return e;
    s = pf->fail[s];
  }
}

BcPrefilter *
_bc_prefilter_new (char **const *literals, guint nrules)
{
  BcPrefilter *pf = g_new0 (BcPrefilter, 1);
  Entry *entries;
  guchar *keys, *k;
  guint32 *parent, *outs, *out_state, *path, *queue, *fill;
  guint8 *pcls;
  gsize maxlen = 0, total = 0;
  guint nentries = 0, nstates, nouts = 0, nclass = 1, qh = 0, qt = 0;

  pf->nrules = nrules;
  pf->fold = fold_table ();
  for (guint r = 0; r < nrules; r++)
    for (guint i = 0; literals[r] && literals[r][i]; i++) {
      gsize n = strlen (literals[r][i]);
      if (!n)
        continue;             /* an empty literal would be in every text */
      maxlen = MAX (maxlen, n);
      total += n;
      nentries++;
    }

  /* classes: every byte some literal holds, letters folded (an upper-case
   * letter of a literal takes its lower-case class, so that it never falls
   * into class 0, "any other byte"). Each literal is written as the string
   * of its classes (never 0), which sort and share prefixes as plain bytes,
   * with 8 bytes of padding past it for its head; sorting these (rather
   * than the literals through the class table) and the arrays written in
   * place (not appended to one by one) took start-up from 24 to 11 million
   * instructions */
  entries = g_new (Entry, MAX (nentries, 1));
  keys = k = g_malloc0 (total + 9 * (gsize) nentries + 8);
  nentries = 0;
  for (guint r = 0; r < nrules; r++)
    for (guint i = 0; literals[r] && literals[r][i]; i++) {
      const guchar *s = (const guchar *) literals[r][i];
      Entry *e = &entries[nentries];
      guint64 h = 0;
      if (!*s)
        continue;
      e->key = (guint32) (k - keys);
      e->rule = r;
      for (; *s; s++) {
        guchar c = lower_tab[*s];
        if (!pf->cls[c])
          pf->cls[c] = nclass++;
        *k++ = pf->cls[c];
      }
      for (guint j = 0; j < 8; j++)
        h = h << 8 | keys[e->key + j];
      e->head = h;
      k += 9;                 /* its NUL, 8 of padding (zeroed) */
      nentries++;
    }
  for (int c = 'A'; c <= 'Z'; c++)
    pf->cls[c] = pf->cls[c | 0x20];
  pf->nclass = nclass;
  /* the sort: by the classes (the first eight as one number), then by
   * rule, as before: the states are numbered in this order */
  sort_entries (entries, nentries, keys);

  /* the trie, one literal after another in sorted order: a literal shares
   * the states of its common prefix with the one before it */
  path = g_new0 (guint32, maxlen + 1);
  parent = g_new (guint32, total + 1);
  pcls = g_new (guint8, total + 1);
  outs = g_new (guint32, MAX (nentries, 1));
  out_state = g_new (guint32, MAX (nentries, 1));
  parent[0] = 0;
  pcls[0] = 0;
  nstates = 1;
  for (guint i = 0; i < nentries; i++) {
    const Entry *e = &entries[i];
    const Entry *prev = i ? &entries[i - 1] : NULL;
    const guchar *key = keys + e->key, *pkey = prev ? keys + prev->key : NULL;
    gsize d = 0;
    if (prev)
      while (key[d] && key[d] == pkey[d])
        d++;
    if (prev && !key[d] && !pkey[d] && prev->rule == e->rule)
      continue;               /* the same literal twice in one rule */
    for (; key[d]; d++) {
      parent[nstates] = path[d];
      pcls[nstates] = key[d];
      path[d + 1] = nstates++;
    }
    outs[nouts] = e->rule;
    out_state[nouts++] = path[d];
  }
  pf->nstates = nstates;

  /* children, in runs per parent (in the order they were made, which is
   * by class) */
  pf->first = g_new0 (guint32, pf->nstates + 1);
  pf->ecls = g_new (guint8, MAX (pf->nstates, 1));
  pf->eto = g_new (guint32, MAX (pf->nstates, 1));
  for (guint32 s = 1; s < pf->nstates; s++)
    pf->first[parent[s] + 1]++;
  for (guint32 s = 0; s < pf->nstates; s++)
    pf->first[s + 1] += pf->first[s];
  fill = g_memdup2 (pf->first, pf->nstates * sizeof (guint32));
  for (guint32 s = 1; s < pf->nstates; s++) {
    guint32 k = fill[parent[s]]++;
    pf->ecls[k] = pcls[s];
    pf->eto[k] = s;
  }
  g_free (fill);
  pf->root = g_new0 (guint32, nclass);
  for (guint32 k = pf->first[0]; k < pf->first[1]; k++)
    pf->root[pf->ecls[k]] = pf->eto[k];

  /* each state's outputs: the entries are sorted, so a state's rules are
   * one run of them */
  pf->out_start = g_new0 (guint32, pf->nstates);
  pf->out_len = g_new0 (guint32, pf->nstates);
  for (guint i = 0; i < nouts; i++) {
    guint32 s = out_state[i];
    if (!pf->out_len[s]++)
      pf->out_start[s] = i;
  }
  pf->outs = outs;

  /* breadth first: failure and dictionary links. The root's children and
   * their children's links are still plain states here. */
  pf->fail = g_new0 (guint32, pf->nstates);
  pf->dict = g_new0 (guint32, pf->nstates);
  queue = g_new (guint32, MAX (pf->nstates, 1));
  for (guint32 k = pf->first[0]; k < pf->first[1]; k++)
    queue[qt++] = pf->eto[k];
  while (qh < qt) {
    guint32 s = queue[qh++];
    for (guint32 k = pf->first[s]; k < pf->first[s + 1]; k++) {
      guint32 t = pf->eto[k], f = pf->fail[s], g = 0;
      guint c = pf->ecls[k];
      for (;;) {
        g = f == 0 ? pf->root[c] : child (pf, f, c);
        if (g || f == 0)
          break;
        f = pf->fail[f];
      }
      pf->fail[t] = g;
      pf->dict[t] = pf->out_len[g] ? g : pf->dict[g];
      queue[qt++] = t;
    }
  }
  /* now mark in each child whether it ends a literal */
  for (guint32 k = 0; k + 1 < pf->nstates; k++) {
    guint32 t = pf->eto[k];
    pf->eto[k] = t << 1 | (pf->out_len[t] || pf->dict[t]);
  }
  for (guint c = 0; c < nclass; c++) {
    guint32 t = pf->root[c];
    pf->root[c] = t << 1 | (t && (pf->out_len[t] || pf->dict[t]));
  }

  /* full rows, breadth first: a state's failure link is shallower, so its
   * row is made before the state's own */
  {
    guint nrows = MAX (1u, MIN ((guint) pf->nstates, DENSE_CELLS / MAX (nclass, 1u)));
    pf->row = g_new (guint32, MAX (pf->nstates, 1));
    pf->dense = g_new (guint32, (gsize) nrows * nclass);
    for (guint32 s = 0; s < pf->nstates; s++)
      pf->row[s] = NO_ROW;
    pf->row[0] = 0;
    memcpy (pf->dense, pf->root, nclass * sizeof (guint32));
    /* when every state has its row, a state's row is the state itself, and
     * an ASCII scan needs no look-up of it */
    pf->full = nrows == pf->nstates;
    for (guint i = 0; i + 1 < nrows && i < qt; i++) {
      guint32 s = queue[i], r = pf->full ? s : i + 1, *d = pf->dense + (gsize) r * nclass;
      const guint32 *f = pf->dense + (gsize) pf->row[pf->fail[s]] * nclass;
      pf->row[s] = r;
      memcpy (d, f, nclass * sizeof (guint32));
      for (guint32 k = pf->first[s]; k < pf->first[s + 1]; k++)
        d[pf->ecls[k]] = pf->eto[k];
    }
  }
  g_free (queue);
  g_free (path);
  g_free (entries);
  g_free (keys);
  g_free (parent);
  g_free (pcls);
  g_free (out_state);
  return pf;
}

BcPrefilter *
_bc_prefilter_new_phrases (const char *const *phrases, guint n)
{
  char ***lits = g_new0 (char **, MAX (n, 1));
  BcPrefilter *pf = g_new0 (BcPrefilter, 1);

  for (guint r = 0; r < n; r++)
    if (phrases[r] && *phrases[r]) {
      lits[r] = g_new0 (char *, 2);
      lits[r][0] = g_ascii_strdown (phrases[r], -1);
    }
  pf->nrules = n;
  pf->fold = fold_table ();
  pf->hash = hash_new ((char **const *) lits, n);
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
  hash_free (pf->hash);
  g_free (pf->root);
  g_free (pf->row);
  g_free (pf->dense);
  g_free (pf->first);
  g_free (pf->ecls);
  g_free (pf->eto);
  g_free (pf->fail);
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

/* mark - set the bits of the rules whose literals end at state @s or on
 * its dictionary chain */
static G_GNUC_NO_INLINE void
mark (const BcPrefilter *pf, guint32 s, guint8 *seen)
{
  /* in locals: the stores to @seen (bytes) may alias anything */
  const guint32 *out_len = pf->out_len, *out_start = pf->out_start;
  const guint32 *outs = pf->outs, *dict = pf->dict;

  if (!out_len[s])
    s = dict[s];
  while (s) {
    const guint32 *o = outs + out_start[s], *e = o + out_len[s];
    for (; o < e; o++)
      seen[*o >> 3] |= (guint8) (1u << (*o & 7));
    s = dict[s];
  }
}

static void scan_bytes (const BcPrefilter *pf, const guchar *p, gsize len, guint8 *seen);

void
_bc_prefilter_scan (const BcPrefilter *pf, const char *text, gsize len, guint8 *seen)
{
  const guchar *p = (const guchar *) text, *end = p + len;
  const guint16 *const *fold = pf->fold;
  guchar stack[512], *buf, *o;

  /* the text with every character of the BMP folded, then scanned as
   * bytes: at most 3 bytes for each 2 (a 2-byte character can fold to a
   * 3-byte one) */
  if (len == 0)
    return;
  stack[0] = 0;               /* GCC cannot tell that only what is written is read */
  buf = len <= sizeof stack / 2 ? stack : g_malloc (len / 2 * 3 + 3);
  o = buf;
  while (p < end) {
    guchar c = *p++;
    gunichar u, k;
    const guint16 *row;
    if (G_LIKELY (c < 0x80)) {
      *o++ = c;
      continue;
    }
    /* a character of 2 or 3 bytes (U+0080..U+FFFF) is read folded; any
     * other byte as it is (a continuation byte, of a character that folds
     * to itself, comes here on its own) */
    if (c >= 0xc2 && c < 0xe0 && p < end && (p[0] & 0xc0) == 0x80)
      u = (gunichar) (c & 0x1f) << 6 | (p[0] & 0x3f);
    else if (c >= 0xe0 && c < 0xf0 && end - p >= 2 && (p[0] & 0xc0) == 0x80 &&
             (p[1] & 0xc0) == 0x80)
      u = (gunichar) (c & 0x0f) << 12 | (gunichar) (p[0] & 0x3f) << 6 | (p[1] & 0x3f);
    else {
      *o++ = c;
      continue;
    }
    /* uncased pages (CJK, kana, Hangul, Arabic, ...) and characters that
     * are their own fold go byte by byte, as they are */
    row = fold[u >> 8];
    if (!row || (k = row[u & 0xff]) == u) {
      *o++ = c;
      continue;
    }
    p += c < 0xe0 ? 1 : 2;
    if (k < 0x80)
      *o++ = (guchar) k;
    else if (k < 0x800) {
      *o++ = (guchar) (0xc0 | k >> 6);
      *o++ = (guchar) (0x80 | (k & 0x3f));
    } else {
      *o++ = (guchar) (0xe0 | k >> 12);
      *o++ = (guchar) (0x80 | ((k >> 6) & 0x3f));
      *o++ = (guchar) (0x80 | (k & 0x3f));
    }
  }
  scan_bytes (pf, buf, o - buf, seen);
  if (buf != stack)
    g_free (buf);
}

/* scan_ascii - the loop of _bc_prefilter_scan_ascii(); @full is a
 * constant at each call, so each call is compiled on its own: a fully
 * dense automaton steps by one table read, with no look-up of the row */
static inline void
scan_ascii (const BcPrefilter *pf, const guchar *p, const guchar *end, guint8 *seen,
            gboolean full)
{
  const guint8 *cls = pf->cls;
  const guint32 *dense = pf->dense;
  const gsize nclass = pf->nclass;
  guint32 s = 0;

  while (p < end) {
    guint c = cls[*p++];
    guint32 e;
    if (!c) {
      s = 0;
      continue;
    }
    e = full ? dense[s * nclass + c] : step (pf, s, c);
    s = e >> 1;
    if (G_UNLIKELY (e & 1))
      mark (pf, s, seen);
  }
}

/* scan_bytes - _bc_prefilter_scan_ascii(), for either kind of table */
static void
scan_bytes (const BcPrefilter *pf, const guchar *p, gsize len, guint8 *seen)
{
  if (pf->hash)
    hash_scan (pf->hash, p, len, seen);
  else if (pf->full)
    scan_ascii (pf, p, p + len, seen, TRUE);
  else
    scan_ascii (pf, p, p + len, seen, FALSE);
}

void
_bc_prefilter_scan_ascii (const BcPrefilter *pf, const char *text, gsize len, guint8 *seen)
{
  scan_bytes (pf, (const guchar *) text, len, seen);
}
