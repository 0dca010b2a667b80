/* guard.c - bound what GMime is given before it parses a message.
 *
 * GMime builds an object for every header field and every MIME part it
 * meets, with no limit of its own: 32 MB of "a:b" lines become 8 million
 * header objects (gigabytes, minutes), and deep or wide multiparts cost
 * time on every line. This pass runs once over the message bytes (LF line
 * ends already) and rewrites them in place, never growing them:
 *
 *   - header fields: at most limits->max_headers per header block and four
 *     times that in the whole message; the rest are dropped, except the few
 *     fields the classifier reads (the first 64 of them);
 *   - one header field holds at most BC_GUARD_MAX_FIELD bytes;
 *   - a header block keeps its first Content-Type field only;
 *   - MIME nesting (multiparts and message/rfc822 parts) at most
 *     2 * limits->max_depth deep: a deeper container's Content-Type is
 *     renamed (X-Bc-Defused), so GMime reads it as a text leaf;
 *   - MIME parts at most 4 * limits->max_parts: a later boundary line is
 *     defused (its first byte becomes a space), so the rest stays text;
 *   - a message/rfc822 (global, news) part's Content-Type is renamed
 *     X-Bc-Message: the returned message is evidence only through its
 *     header block, and GMime building it costs a fifth of a bounce's parse.
 *
 * Header blocks are found the way GMime finds them: they end at an empty
 * line only (white-space lines are continuations), and a boundary line of
 * any open multipart ends a part wherever it stands. Each cut adds one
 * warning. Linear in the input; the boundary stack is bounded by the depth
 * limit.
 */
#include "bc-private.h"

#include <string.h>

#define BC_GUARD_MAX_FIELD (256u * 1024)
#define MAX_KEPT_ESSENTIAL 64
#define MAX_BOUNDARY 256

typedef struct {
  char *boundary;           /* NULL for a message/rfc822 level */
  gsize len;
} Level;

typedef struct {
  GArray *stack;            /* Level */
  GPtrArray *warnings;
  const BcLimits *limits;
  gboolean cut;
  gboolean warned_headers, warned_field, warned_depth, warned_parts, warned_ct;
  /* the header block being read */
  gboolean in_headers;
  guint block_fields;
  guint total_fields;
  guint essential_kept;
  gboolean skipping;        /* dropping the current field's lines */
  gboolean field_is_ct;     /* the current field is the kept Content-Type */
  gsize field_len;
  gssize ct_at;             /* output offset of the block's Content-Type, or -1 */
  GString *ct;              /* its value */
  guint parts;
} Guard;

static void
warn (Guard *g, gboolean *once, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static void
warn (Guard *g, gboolean *once, const char *fmt, ...)
{
  va_list ap;

  g->cut = TRUE;
  if (*once || !g->warnings)
    return;
  *once = TRUE;
  va_start (ap, fmt);
  g_ptr_array_add (g->warnings, g_strdup_vprintf (fmt, ap));
  va_end (ap);
}

/* field_name_len - the length of the name of header field @line: the
 * bytes before white space and the colon, 0 when there is no colon. */
static gsize
field_name_len (const char *line, gsize len)
{
  static const guint8 ends_name[256] = { [':'] = 1, [' '] = 1, ['\t'] = 1 };
  const gsize lim = MIN (len, 64);
  gsize n = 0, i;

  /* one test per byte: every header line comes here */
  while (n < lim && !ends_name[(guchar) line[n]])
    n++;
  for (i = n; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
    ;
  return i < len && line[i] == ':' ? n : 0;
}

/* @lit is lower case; its first byte is compared first: most differ there */
#define NAME_IS(line, n, lit) ((n) == sizeof (lit) - 1 && ((line)[0] | 0x20) == (lit)[0] && \
                               _bc_has_prefix_ci ((line), (lit)))

/* essential - a field the classifier reads: kept past the header limit. */
static gboolean
essential (const char *line, gsize n)
{
  static const struct { const char *name; gsize len; } names[] = {
#define N(s) { s, sizeof (s) - 1 }
    N ("content-type"), N ("content-transfer-encoding"), N ("content-disposition"),
    N ("mime-version"), N ("from"), N ("to"), N ("subject"), N ("date"), N ("message-id"),
    N ("x-failed-recipients"), N ("auto-submitted"), N ("return-path"), N ("reply-to"),
    N ("sender"), N ("list-id"), N ("precedence"),
#undef N
  };
  if (n == 0)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (names[i].len == n && g_ascii_strncasecmp (line, names[i].name, n) == 0)
      return TRUE;
  return FALSE;
}

/* boundary_of - the boundary parameter of a multipart Content-Type value,
 * newly allocated, or NULL. */
static char *
boundary_of (const char *v)
{
  const char *p = v;

  while ((p = strchr (p, '=')) != NULL) {
    const char *k = p;
    while (k > v && (k[-1] == ' ' || k[-1] == '\t'))
      k--;
    if (k - v >= 8 && g_ascii_strncasecmp (k - 8, "boundary", 8) == 0 &&
        (k - v == 8 || strchr ("; \t", k[-9]))) {
      const char *s = p + 1, *e;
      while (*s == ' ' || *s == '\t')
        s++;
      if (*s == '"') {
        s++;
        e = strchr (s, '"');
        if (!e)
          e = s + strlen (s);
      } else {
        e = s;
        while (*e && *e != ';' && *e != ' ' && *e != '\t')
          e++;
      }
      if (e > s && e - s <= MAX_BOUNDARY)
        return g_strndup (s, e - s);
      return NULL;
    }
    p++;
  }
  return NULL;
}

/* type_is - is Content-Type value @v (white space skipped) the media type
 * @type, not one that merely starts with it (message/global-headers)? */
static gboolean
type_is (const char *v, const char *type)
{
  gsize n = strlen (type);

  return _bc_has_prefix_ci (v, type) &&
         (v[n] == '\0' || v[n] == ';' || v[n] == ' ' || v[n] == '\t' || v[n] == '(');
}

static void
pop_to (Guard *g, guint n)
{
  while (g->stack->len > n) {
    g_free (g_array_index (g->stack, Level, g->stack->len - 1).boundary);
    g_array_set_size (g->stack, g->stack->len - 1);
  }
}

/* end_headers - the header block is over: open the container its
 * Content-Type names, or defuse it when that is too deep. */
static void
end_headers (Guard *g, char *out)
{
  gboolean message = FALSE;
  char *boundary = NULL;

  g->in_headers = FALSE;
  if (g->ct_at < 0)
    return;
  {
    const char *v = g->ct->str;
    while (*v == ' ' || *v == '\t')
      v++;
    if (_bc_has_prefix_ci (v, "multipart/"))
      boundary = boundary_of (v);
    else
      message = type_is (v, "message/rfc822") || type_is (v, "message/global") ||
                type_is (v, "message/news");
  }
  if (!boundary && !message)
    return;
  if (g->stack->len >= 2 * g->limits->max_depth) {
    /* "Content-Type" becomes "X-Bc-Defused", as long: no longer a
     * Content-Type, so GMime reads the part as text */
    memcpy (out + g->ct_at, "X-Bc-Defused", 12);
    warn (g, &g->warned_depth, "MIME nesting deeper than %u; the inner parts were read as text",
          2 * g->limits->max_depth);
    g_free (boundary);
    return;
  }
  {
    Level l = { boundary, boundary ? strlen (boundary) : 0 };
    g_array_append_val (g->stack, l);
  }
  if (message) {
    /* "Content-Type" becomes "X-Bc-Message", as long: GMime keeps the
     * returned message as one leaf part instead of building an object for
     * each of its header fields and parts; message.c reads its header
     * block as text and parses it only when it must (see walk()) */
    memcpy (out + g->ct_at, "X-Bc-Message", 12);
    g->in_headers = TRUE;          /* the inner message's header block */
    g->block_fields = 0;
    g->ct_at = -1;
    g->skipping = FALSE;
    g->field_is_ct = FALSE;
    g_string_truncate (g->ct, 0);
  }
}

/* match_boundary - the stack index whose boundary @line is, with *end set
 * for a closing one; -1 when none. */
static int
match_boundary (Guard *g, const char *line, gsize len, gboolean *end)
{
  if (len < 3 || line[0] != '-' || line[1] != '-')
    return -1;
  for (int i = (int) g->stack->len - 1; i >= 0; i--) {
    const Level *l = &g_array_index (g->stack, Level, i);
    gsize k;
    if (!l->boundary || len < 2 + l->len || memcmp (line + 2, l->boundary, l->len) != 0)
      continue;
    k = 2 + l->len;
    *end = FALSE;
    if (k + 2 <= len && line[k] == '-' && line[k + 1] == '-') {
      *end = TRUE;
      k += 2;
    }
    while (k < len && (line[k] == ' ' || line[k] == '\t'))
      k++;
    if (k == len)
      return i;
  }
  return -1;
}

static void
start_block (Guard *g)
{
  g->in_headers = TRUE;
  g->block_fields = 0;
  g->ct_at = -1;
  g->skipping = FALSE;
  g->field_is_ct = FALSE;
  g_string_truncate (g->ct, 0);
}

/* _bc_mime_guard - apply the limits above to @ba (LF line ends) in place.
 * Warnings go to @warnings when it is not NULL. Returns TRUE when anything
 * was dropped or defused. */
gboolean
_bc_mime_guard (GByteArray *ba, const BcLimits *limits, GPtrArray *warnings)
{
  Guard g = { 0 };
  char *buf = (char *) ba->data;
  gsize r = 0, w = 0, n = ba->len;
  const guint block_max = limits->max_headers;
  const guint total_max = limits->max_headers * 4;

  g.stack = g_array_new (FALSE, FALSE, sizeof (Level));
  g.warnings = warnings;
  g.limits = limits;
  g.ct = g_string_new (NULL);
  start_block (&g);

  while (r < n) {
    const char *nl;
    gsize ll, take;
    const char *line;
    gboolean keep = TRUE, end = FALSE;
    int b;

    if (!g.in_headers && !(n - r >= 2 && buf[r] == '-' && buf[r + 1] == '-')) {
      /* In a body only a boundary line counts, and it starts with "--":
       * the lines up to the next one that does are kept as they are, in
       * one move. With no container open, none can count any more. */
      gsize e = n;
      if (g.stack->len > 0) {
        const char *d = buf + r;
        while ((d = memchr (d, '-', buf + n - d)) != NULL) {
          if (d > buf + r && d[-1] == '\n' && buf + n - d >= 2 && d[1] == '-')
            break;
          d++;
        }
        e = d ? (gsize) (d - buf) : n;
      }
      if (w != r)
        memmove (buf + w, buf + r, e - r);
      w += e - r;
      r = e;
      continue;
    }
    nl = memchr (buf + r, '\n', n - r);
    ll = (nl ? (gsize) (nl - (buf + r)) : n - r);   /* without the LF */
    take = ll + (nl ? 1 : 0);
    line = buf + r;
    b = match_boundary (&g, line, ll, &end);

    if (b >= 0) {
      if (end) {
        pop_to (&g, b + 1);
        pop_to (&g, b);
        g.in_headers = FALSE;
      } else if (++g.parts > 4 * limits->max_parts) {
        warn (&g, &g.warned_parts, "more than %u MIME parts; the rest were read as text",
              4 * limits->max_parts);
        buf[r] = ' ';              /* defused: no longer a boundary line */
      } else {
        pop_to (&g, b + 1);
        start_block (&g);
      }
    } else if (g.in_headers) {
      if (ll == 0) {
        memmove (buf + w, line, take);
        w += take;
        r += take;
        end_headers (&g, buf);
        continue;
      }
      if (line[0] == ' ' || line[0] == '\t') {        /* continuation */
        if (g.skipping)
          keep = FALSE;
        else if ((g.field_len += take) > BC_GUARD_MAX_FIELD) {
          warn (&g, &g.warned_field, "a header field longer than %u bytes was cut",
                BC_GUARD_MAX_FIELD);
          keep = FALSE;
          g.skipping = TRUE;
        }
      } else {
        gsize nlen = field_name_len (line, ll);
        gboolean is_ct = NAME_IS (line, nlen, "content-type");
        g.skipping = FALSE;
        g.field_is_ct = FALSE;
        g.field_len = take;
        g.block_fields++;
        g.total_fields++;
        if (g.block_fields > block_max || g.total_fields > total_max) {
          /* essential() is asked only here, past the limit */
          if (!essential (line, nlen) || g.essential_kept >= MAX_KEPT_ESSENTIAL) {
            warn (&g, &g.warned_headers, "more than %u header fields; the rest were dropped",
                  g.block_fields > block_max ? block_max : total_max);
            keep = FALSE;
          } else {
            g.essential_kept++;
          }
        }
        if (keep && is_ct && g.ct_at >= 0) {
          warn (&g, &g.warned_ct, "a second Content-Type field in one header block was dropped");
          keep = FALSE;
        }
        if (!keep)
          g.skipping = TRUE;
        if (keep && ll > BC_GUARD_MAX_FIELD) {
          warn (&g, &g.warned_field, "a header field longer than %u bytes was cut",
                BC_GUARD_MAX_FIELD);
          memmove (buf + w, line, BC_GUARD_MAX_FIELD);
          buf[w + BC_GUARD_MAX_FIELD] = '\n';
          if (is_ct) {
            g.ct_at = w;
            g_string_assign (g.ct, "");
          }
          w += BC_GUARD_MAX_FIELD + 1;
          r += take;
          g.skipping = TRUE;
          continue;
        }
        if (keep && is_ct) {
          const char *colon = memchr (line, ':', ll);
          g.ct_at = w;
          g.field_is_ct = TRUE;
          g_string_truncate (g.ct, 0);
          g_string_append_len (g.ct, colon + 1, MIN (ll - (colon + 1 - line), 4096));
        }
      }
      /* a kept continuation of the Content-Type joins its value */
      if (keep && (line[0] == ' ' || line[0] == '\t') && g.ct_at >= 0 && g.ct->len < 4096 &&
          g.field_is_ct) {
        g_string_append_c (g.ct, ' ');
        g_string_append_len (g.ct, line, MIN (ll, 4096));
      }
    }
    if (keep) {
      if (w != r)
        memmove (buf + w, buf + r, take);
      w += take;
    }
    r += take;
  }
  g_byte_array_set_size (ba, w);
  pop_to (&g, 0);
  g_array_unref (g.stack);
  g_string_free (g.ct, TRUE);
  return g.cut;
}
