/* commands.c - `bounceclass ledger COMMAND`: suppress, show, sender-problems,
 * forget, export, over either backend.
 *
 * Every command reads the ledger through the storage interface, folds each
 * (address, List-Id) pair's events in time order through the policy
 * (policy.c) and prints text, JSON Lines or CSV. Decisions are made when a
 * command runs, not when bounces are recorded, so a new policy applies to
 * the whole history. --now evaluates as of an earlier time (events after it
 * are left out). Each kind of row lists its fields once (a column table and
 * a function filling values); JSON is written with json-glib, CSV and text
 * from the same values. Output strings come from the ledger, i.e. from
 * bounces: control characters were replaced when recorded, JSON and CSV
 * are quoted.
 *
 * Exit status: 0 done, 2 usage error or bad policy file, 3 the ledger could
 * not be opened or read (BC_EXIT_LEDGER), 1 the output could not be written.
 */
#include "ledger.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

typedef enum { OUT_TEXT, OUT_JSON, OUT_CSV } OutFormat;

/* ---- rows ------------------------------------------------------------------
 * Every kind of output row lists its fields once: a static table of columns
 * (name and type) and a function filling an array of values in that order.
 * The JSON (json-glib), CSV and text writers below are driven by the table;
 * the text layouts of show and sender-problems pick values by index. */

typedef enum { COL_STR, COL_INT, COL_NUM, COL_BOOL } ColType;

typedef struct {
  const char *name;
  ColType type;
} Col;

/* one value; strings are borrowed. omit: left out of the JSON object (an
 * optional member) */
typedef struct {
  const char *s;
  gint64 i;
  double d;
  gboolean omit;
} Val;

#define VSTR(x) ((Val) { .s = (x) ? (x) : "" })
#define VINT(x) ((Val) { .i = (gint64) (x) })
#define VNUM(x) ((Val) { .d = (x) })
#define VBOOL(x) ((Val) { .i = (x) ? 1 : 0 })

/* suppress: one row per suppressed (address, list) */
enum { SU_ADDRESS, SU_LIST, SU_SINCE, SU_WHY, SU_N };
static const Col suppress_cols[SU_N] = {
  { "address", COL_STR }, { "list_id", COL_STR }, { "since", COL_STR }, { "why", COL_STR },
};

/* show: one row per event; the JSON objects (inside the group's "events")
 * leave out the first SHOW_EVENT_KEY columns, which CSV repeats per row */
enum { EV_ADDRESS, EV_LIST, EV_AT, EV_CLASS, EV_REASON, EV_STATUS, EV_RULE, EV_HOST, EV_EFFECT,
       EV_NOTE, EV_N };
#define SHOW_EVENT_KEY 2
static const Col event_cols[EV_N] = {
  { "address", COL_STR }, { "list_id", COL_STR }, { "at", COL_STR }, { "class", COL_STR },
  { "reason", COL_STR }, { "status", COL_STR }, { "rule", COL_STR }, { "host", COL_STR },
  { "effect", COL_STR }, { "note", COL_STR },
};

/* show: one JSON object per (address, list) group, "events" appended */
enum { GR_ADDRESS, GR_LIST, GR_SUPPRESSED, GR_SINCE, GR_SCORE, GR_THRESHOLD, GR_WHY, GR_N };
static const Col group_cols[GR_N] = {
  { "address", COL_STR }, { "list_id", COL_STR }, { "suppressed", COL_BOOL },
  { "since", COL_STR }, { "score", COL_NUM }, { "threshold", COL_NUM }, { "why", COL_STR },
};

/* sender-problems: one row per (host, reason) */
enum { PR_HOST, PR_REASON, PR_BOUNCES, PR_ADDRESSES, PR_FIRST, PR_LAST, PR_STATUS,
       PR_DIAGNOSTIC, PR_N };
static const Col problem_cols[PR_N] = {
  { "host", COL_STR }, { "reason", COL_STR }, { "bounces", COL_INT }, { "addresses", COL_INT },
  { "first", COL_STR }, { "last", COL_STR }, { "status", COL_STR }, { "diagnostic", COL_STR },
};

/* forget: one row */
enum { FO_ADDRESS, FO_FORGOTTEN, FO_N };
static const Col forget_cols[FO_N] = { { "address", COL_STR }, { "forgotten", COL_INT } };

/* export: one row per recorded event */
enum { EX_KEY, EX_ADDRESS, EX_AT, EX_CLASS, EX_REASON, EX_STATUS, EX_RULE, EX_LIST, EX_HOST,
       EX_DIAGNOSTIC, EX_RECORDED, EX_FORGOTTEN, EX_N };
static const Col export_cols[EX_N] = {
  { "key", COL_STR }, { "address", COL_STR }, { "at", COL_STR }, { "class", COL_STR },
  { "reason", COL_STR }, { "status", COL_STR }, { "rule", COL_STR }, { "list_id", COL_STR },
  { "host", COL_STR }, { "diagnostic", COL_STR }, { "recorded", COL_STR },
  { "forgotten", COL_BOOL },
};

/* the event fields that show and export both write, by their index in
 * each one's columns */
typedef struct {
  guint address, list, klass, reason, status, rule, host;
} EventIdx;
static const EventIdx show_event_idx = { EV_ADDRESS, EV_LIST, EV_CLASS, EV_REASON, EV_STATUS,
                                         EV_RULE, EV_HOST };
static const EventIdx export_idx = { EX_ADDRESS, EX_LIST, EX_CLASS, EX_REASON, EX_STATUS,
                                     EX_RULE, EX_HOST };

static void
event_vals (Val *v, const EventIdx *ix, const BcLedgerEvent *ev)
{
  v[ix->address] = VSTR (ev->address);
  v[ix->list] = VSTR (ev->list_id);
  v[ix->klass] = VSTR (ev->klass);
  v[ix->reason] = VSTR (ev->reason);
  v[ix->status] = VSTR (ev->status);
  v[ix->rule] = VSTR (ev->rule);
  v[ix->host] = VSTR (ev->host);
}

typedef struct _Fold Fold;
typedef void (*EventCb) (Fold *f, const BcLedgerEvent *ev, BcEffect effect, const char *note);
typedef void (*GroupCb) (Fold *f);

struct _Fold {
  const BcPolicy *policy;
  gint64 now;
  OutFormat fmt;
  GString *out;
  JsonGenerator *gen;       /* --format json */
  EventCb on_event;
  GroupCb on_group;
  /* the current (address, list) group */
  char *address;
  char *list;
  const BcPolicyRules *rules;
  BcVerdict v;
  guint counted;            /* events that were not ignored or sender-side */
  guint sender;
  /* per command */
  guint rows;
  GString *events;          /* show, text: the group's events, formatted */
  JsonArray *jevents;       /* show, json: the group's events */
  GHashTable *problems;     /* sender-problems: "host\treason" -> Problem */
};

/* ---- output helpers ------------------------------------------------------ */

/* val_text - a non-string value as CSV/text shows it, in buf */
static const char *
val_text (const Col *c, const Val *v, char *buf, gsize size)
{
  switch (c->type) {
  case COL_STR:
    return v->s ? v->s : "";
  case COL_INT:
    g_snprintf (buf, size, "%" G_GINT64_FORMAT, v->i);
    return buf;
  case COL_NUM:
    g_snprintf (buf, size, "%g", v->d);
    return buf;
  case COL_BOOL:
    return v->i ? "1" : "0";
  }
  return "";
}

/* json_row - a JSON object of columns [from, n); caller owns it */
static JsonObject *
json_row (const Col *cols, const Val *vals, guint from, guint n)
{
  JsonObject *o = json_object_new ();

  for (guint i = from; i < n; i++) {
    if (vals[i].omit)
      continue;
    switch (cols[i].type) {
    case COL_STR:
      json_object_set_string_member (o, cols[i].name, vals[i].s ? vals[i].s : "");
      break;
    case COL_INT:
      json_object_set_int_member (o, cols[i].name, vals[i].i);
      break;
    case COL_NUM:
      /* whole numbers stay integers ("score":3, not 3.0) */
      if (vals[i].d == (double) (gint64) vals[i].d && vals[i].d > -1e15 && vals[i].d < 1e15)
        json_object_set_int_member (o, cols[i].name, (gint64) vals[i].d);
      else
        json_object_set_double_member (o, cols[i].name, vals[i].d);
      break;
    case COL_BOOL:
      json_object_set_boolean_member (o, cols[i].name, vals[i].i != 0);
      break;
    }
  }
  return o;
}

/* json_line - write o as one line of JSON Lines; takes o */
static void
json_line (Fold *f, JsonObject *o)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), o);

  json_generator_set_root (f->gen, node);
  json_generator_to_gstring (f->gen, f->out);
  g_string_append_c (f->out, '\n');
  json_generator_set_root (f->gen, NULL);
  json_node_unref (node);
  json_object_unref (o);
}

static void
csv_str (GString *s, const char *v)
{
  if (!v)
    v = "";
  if (strpbrk (v, ",\"\r\n") == NULL) {
    g_string_append (s, v);
    return;
  }
  g_string_append_c (s, '"');
  for (const char *p = v; *p; p++) {
    if (*p == '"')
      g_string_append_c (s, '"');
    g_string_append_c (s, *p);
  }
  g_string_append_c (s, '"');
}

/* sep_row - a CSV (quoted, CRLF) or text (tab-separated, empty as "-", LF)
 * line; header: the column names instead of the values */
static void
sep_row (GString *s, OutFormat fmt, const Col *cols, const Val *vals, guint n, gboolean header)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint i = 0; i < n; i++) {
    const char *t = header ? cols[i].name : val_text (&cols[i], &vals[i], buf, sizeof buf);
    if (i)
      g_string_append_c (s, fmt == OUT_CSV ? ',' : '\t');
    if (header)
      g_string_append (s, t);
    else if (fmt == OUT_CSV)
      csv_str (s, t);
    else
      g_string_append (s, *t ? t : "-");
  }
  g_string_append (s, fmt == OUT_CSV ? "\r\n" : "\n");
}

/* write_row - one row in f's format, a CSV header before the first; text
 * rows as sep_row (commands with their own text layout do not call this) */
static void
write_row (Fold *f, const Col *cols, const Val *vals, guint n)
{
  switch (f->fmt) {
  case OUT_JSON:
    json_line (f, json_row (cols, vals, 0, n));
    break;
  case OUT_CSV:
    if (f->rows == 0)
      sep_row (f->out, OUT_CSV, cols, NULL, n, TRUE);
    sep_row (f->out, OUT_CSV, cols, vals, n, FALSE);
    break;
  case OUT_TEXT:
    sep_row (f->out, OUT_TEXT, cols, vals, n, FALSE);
    break;
  }
  f->rows++;
}

static char *
iso_time (gint64 t)
{
  GDateTime *dt = g_date_time_new_from_unix_utc (t);
  char *s = dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("?");
  if (dt)
    g_date_time_unref (dt);
  return s;
}

static char *
iso_day (gint64 t)
{
  char *s = iso_time (t);
  if (strlen (s) > 10)
    s[10] = '\0';
  return s;
}

/* ---- the fold ------------------------------------------------------------ */

static void
group_end (Fold *f)
{
  if (f->address && f->on_group)
    f->on_group (f);
  g_clear_pointer (&f->address, g_free);
  g_clear_pointer (&f->list, g_free);
  _bc_verdict_clear (&f->v);
  f->counted = f->sender = 0;
}

static gboolean
fold_event (const BcLedgerEvent *ev, gpointer user_data)
{
  Fold *f = user_data;
  BcEffect e;
  char *note = NULL;

  if (ev->at > f->now)
    return TRUE;
  if (!f->address || strcmp (f->address, ev->address) != 0 || strcmp (f->list, ev->list_id) != 0) {
    group_end (f);
    f->address = g_strdup (ev->address);
    f->list = g_strdup (ev->list_id);
    f->rules = _bc_policy_rules (f->policy, ev->list_id);
    _bc_verdict_init (&f->v);
  }
  e = _bc_verdict_step (&f->v, f->rules, ev, &note);
  if (!ev->forgotten) {
    if (e == BC_EFFECT_SENDER)
      f->sender++;
    else if (e != BC_EFFECT_IGNORE)
      f->counted++;
  }
  if (f->on_event)
    f->on_event (f, ev, e, note);
  g_free (note);
  return TRUE;
}

static gboolean
run_fold (Fold *f, BcLedgerStore *st, const char *address, GError **error)
{
  gboolean ok = st->be->query (st, address, fold_event, f, error);
  group_end (f);
  return ok;
}

/* not_why - why the current group is not suppressed, one line */
static char *
not_why (Fold *f)
{
  double score = _bc_verdict_score_at (&f->v, f->rules, f->now);
  char *s;

  if (f->counted == 0)
    return g_strdup_printf ("nothing counts against it (%u event%s%s)", f->v.n_events,
                            f->v.n_events == 1 ? "" : "s",
                            f->sender ? ", sender-side problems only" : "");
  if (score == 0 && f->v.last_scored) {
    char *d = iso_day (f->v.last_scored);
    s = g_strdup_printf ("score 0 of %g: no bounce counted in the %d days since %s",
                         f->rules->threshold, f->rules->reset_days, d);
    g_free (d);
    return s;
  }
  return g_strdup_printf ("score %g of %g (counted bounce days within %d days; it starts again "
                          "after %d quiet days)", score, f->rules->threshold,
                          f->rules->window_days, f->rules->reset_days);
}

/* ---- suppress ------------------------------------------------------------ */

static void
suppress_group (Fold *f)
{
  char *since;
  Val v[SU_N];

  if (!f->v.suppressed)
    return;
  since = iso_time (f->v.since);
  v[SU_ADDRESS] = VSTR (f->address);
  v[SU_LIST] = VSTR (f->list);
  v[SU_SINCE] = VSTR (since);
  v[SU_WHY] = VSTR (f->v.why);
  write_row (f, suppress_cols, v, SU_N);
  g_free (since);
}

/* ---- show ---------------------------------------------------------------- */

static void
show_event (Fold *f, const BcLedgerEvent *ev, BcEffect effect, const char *note)
{
  char *at = iso_time (ev->at);
  Val v[EV_N];

  event_vals (v, &show_event_idx, ev);
  v[EV_AT] = VSTR (at);
  v[EV_EFFECT] = VSTR (ev->forgotten ? "forgotten" : _bc_effect_to_string (effect));
  v[EV_NOTE] = VSTR (note);

  switch (f->fmt) {
  case OUT_JSON:
    json_array_add_object_element (f->jevents, json_row (event_cols, v, SHOW_EVENT_KEY, EV_N));
    break;
  case OUT_CSV:
    write_row (f, event_cols, v, EV_N);
    break;
  case OUT_TEXT:
    g_string_append_printf (f->events, "  %s  %-12s %-15s %-6s %s\n      -> %s\n", v[EV_AT].s,
                            v[EV_CLASS].s, v[EV_REASON].s,
                            *v[EV_STATUS].s ? v[EV_STATUS].s : "-", v[EV_RULE].s, v[EV_NOTE].s);
    break;
  }
  g_free (at);
}

/* show_json_group - one show object: the group columns, then "events";
 * takes events */
static void
show_json_group (Fold *f, const Val *v, JsonArray *events)
{
  JsonObject *o = json_row (group_cols, v, 0, GR_N);

  json_object_set_array_member (o, "events", events);
  json_line (f, o);
}

static void
show_group (Fold *f)
{
  char *since = f->v.suppressed ? iso_time (f->v.since) : NULL;
  char *why = f->v.suppressed ? g_strdup (f->v.why) : not_why (f);
  Val v[GR_N];

  v[GR_ADDRESS] = VSTR (f->address);
  v[GR_LIST] = VSTR (f->list);
  v[GR_SUPPRESSED] = VBOOL (f->v.suppressed);
  v[GR_SINCE] = VSTR (since);
  v[GR_SINCE].omit = since == NULL;
  v[GR_SCORE] = VNUM (_bc_verdict_score_at (&f->v, f->rules, f->now));
  v[GR_THRESHOLD] = VNUM (f->rules->threshold);
  v[GR_WHY] = VSTR (why);

  switch (f->fmt) {
  case OUT_JSON:
    show_json_group (f, v, f->jevents);
    f->jevents = json_array_new ();
    break;
  case OUT_CSV:
    break;      /* one row per event, written as they come */
  case OUT_TEXT:
    g_string_append_printf (f->out, "%s%s%s\n", v[GR_ADDRESS].s,
                            *v[GR_LIST].s ? "  list " : "  (no list)", v[GR_LIST].s);
    g_string_append_len (f->out, f->events->str, (gssize) f->events->len);
    if (v[GR_SUPPRESSED].i)
      g_string_append_printf (f->out, "  SUPPRESSED since %s: %s\n", v[GR_SINCE].s, v[GR_WHY].s);
    else
      g_string_append_printf (f->out, "  not suppressed: %s\n", v[GR_WHY].s);
    g_string_truncate (f->events, 0);
    break;
  }
  f->rows++;
  g_free (since);
  g_free (why);
}

/* show_nothing - show for an address without events */
static void
show_nothing (Fold *f, const char *address)
{
  Val v[GR_N];

  if (f->fmt == OUT_TEXT) {
    g_string_append_printf (f->out, "%s: no events recorded; not suppressed\n", address);
    return;
  }
  if (f->fmt != OUT_JSON)
    return;
  v[GR_ADDRESS] = VSTR (address);
  v[GR_LIST] = VSTR ("");
  v[GR_SUPPRESSED] = VBOOL (FALSE);
  v[GR_SINCE] = VSTR (NULL);
  v[GR_SINCE].omit = TRUE;
  v[GR_SCORE] = VNUM (0);
  v[GR_THRESHOLD] = VNUM (0);
  v[GR_THRESHOLD].omit = TRUE;
  v[GR_WHY] = VSTR ("no events recorded");
  show_json_group (f, v, json_array_new ());
}

/* ---- sender-problems ----------------------------------------------------- */

typedef struct {
  char *host;
  char *reason;
  guint64 count;
  GHashTable *addresses;
  gint64 first, last;
  char *status;
  char *diagnostic;
} Problem;

static void
problem_free (Problem *p)
{
  g_free (p->host);
  g_free (p->reason);
  g_hash_table_unref (p->addresses);
  g_free (p->status);
  g_free (p->diagnostic);
  g_free (p);
}

static void
problem_event (Fold *f, const BcLedgerEvent *ev, BcEffect effect, const char *note)
{
  Problem *p;
  char *k;

  if (ev->forgotten || (effect != BC_EFFECT_SENDER && strcmp (ev->reason, "authfailure") != 0))
    return;
  k = g_strdup_printf ("%s\t%s", ev->host, ev->reason);
  p = g_hash_table_lookup (f->problems, k);
  if (!p) {
    p = g_new0 (Problem, 1);
    p->host = g_strdup (ev->host);
    p->reason = g_strdup (ev->reason);
    p->addresses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    p->first = p->last = ev->at;
    g_hash_table_insert (f->problems, k, p);
  } else
    g_free (k);
  p->count++;
  if (g_hash_table_size (p->addresses) < 100000)
    g_hash_table_add (p->addresses, g_strdup (ev->address));
  p->first = MIN (p->first, ev->at);
  if (ev->at >= p->last || !p->diagnostic) {
    p->last = MAX (p->last, ev->at);
    g_free (p->status);
    g_free (p->diagnostic);
    p->status = g_strdup (ev->status);
    p->diagnostic = g_strdup (ev->diagnostic);
  }
}

static int
problem_cmp (gconstpointer a, gconstpointer b)
{
  const Problem *x = *(Problem *const *) a, *y = *(Problem *const *) b;
  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  if (strcmp (x->host, y->host) != 0)
    return strcmp (x->host, y->host);
  return strcmp (x->reason, y->reason);
}

static void
problems_print (Fold *f)
{
  GPtrArray *all = g_ptr_array_new ();
  GHashTableIter it;
  gpointer p_;

  g_hash_table_iter_init (&it, f->problems);
  while (g_hash_table_iter_next (&it, NULL, &p_))
    g_ptr_array_add (all, p_);

  g_ptr_array_sort (all, problem_cmp);
  if (f->fmt == OUT_CSV)  /* a header even when there is no row */
    sep_row (f->out, OUT_CSV, problem_cols, NULL, PR_N, TRUE);
  for (guint i = 0; i < all->len; i++) {
    Problem *p = g_ptr_array_index (all, i);
    char *first = iso_time (p->first), *last = iso_time (p->last);
    guint naddr = g_hash_table_size (p->addresses);
    Val v[PR_N];

    v[PR_HOST] = VSTR (p->host);
    v[PR_REASON] = VSTR (p->reason);
    v[PR_BOUNCES] = VINT (MIN (p->count, (guint64) G_MAXINT64));
    v[PR_ADDRESSES] = VINT (naddr);
    v[PR_FIRST] = VSTR (first);
    v[PR_LAST] = VSTR (last);
    v[PR_STATUS] = VSTR (p->status);
    v[PR_DIAGNOSTIC] = VSTR (p->diagnostic);
    switch (f->fmt) {
    case OUT_JSON:
      json_line (f, json_row (problem_cols, v, 0, PR_N));
      break;
    case OUT_CSV:
      sep_row (f->out, OUT_CSV, problem_cols, v, PR_N, FALSE);
      break;
    case OUT_TEXT:
      g_string_append_printf (f->out, "%s  %s  %" G_GINT64_FORMAT " bounce%s, %u address%s, %s .. %s\n"
                              "    last: %s %s\n",
                              *v[PR_HOST].s ? v[PR_HOST].s : "(unknown host)", v[PR_REASON].s,
                              v[PR_BOUNCES].i, v[PR_BOUNCES].i == 1 ? "" : "s", naddr,
                              naddr == 1 ? "" : "es", v[PR_FIRST].s, v[PR_LAST].s,
                              *v[PR_STATUS].s ? v[PR_STATUS].s : "-", v[PR_DIAGNOSTIC].s);
      break;
    }
    g_free (first);
    g_free (last);
  }
  if (f->fmt == OUT_TEXT && all->len == 0)
    g_string_append (f->out, "no sender-side problems recorded\n");
  g_ptr_array_unref (all);
}

/* ---- forget -------------------------------------------------------------- */

static void
forget_print (Fold *f, const char *address, guint64 n)
{
  Val v[FO_N];

  v[FO_ADDRESS] = VSTR (address);
  v[FO_FORGOTTEN] = VINT (MIN (n, (guint64) G_MAXINT64));
  if (f->fmt == OUT_TEXT)
    g_string_append_printf (f->out, "%s: %" G_GINT64_FORMAT " event%s forgotten\n",
                            v[FO_ADDRESS].s, v[FO_FORGOTTEN].i, v[FO_FORGOTTEN].i == 1 ? "" : "s");
  else
    write_row (f, forget_cols, v, FO_N);
}

/* ---- export -------------------------------------------------------------- */

static gboolean
export_event (const BcLedgerEvent *ev, gpointer user_data)
{
  Fold *f = user_data;
  char *at = iso_time (ev->at), *rec = iso_time (ev->recorded);
  Val v[EX_N];

  event_vals (v, &export_idx, ev);
  v[EX_KEY] = VSTR (ev->key);
  v[EX_AT] = VSTR (at);
  v[EX_DIAGNOSTIC] = VSTR (ev->diagnostic);
  v[EX_RECORDED] = VSTR (rec);
  v[EX_FORGOTTEN] = VBOOL (ev->forgotten);
  /* text has a header line too */
  if (f->fmt == OUT_TEXT && f->rows == 0)
    sep_row (f->out, OUT_TEXT, export_cols, NULL, EX_N, TRUE);
  write_row (f, export_cols, v, EX_N);
  g_free (at);
  g_free (rec);
  /* stream large exports */
  if (f->out->len > (1u << 20)) {
    fwrite (f->out->str, 1, f->out->len, stdout);
    g_string_truncate (f->out, 0);
  }
  return TRUE;
}

/* ---- main ---------------------------------------------------------------- */

static gboolean
parse_out_format (const char *name, const char *value, gpointer data, GError **error)
{
  OutFormat *f = data;
  if (g_strcmp0 (value, "text") == 0)
    *f = OUT_TEXT;
  else if (g_strcmp0 (value, "json") == 0)
    *f = OUT_JSON;
  else if (g_strcmp0 (value, "csv") == 0)
    *f = OUT_CSV;
  else {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 "unknown format '%s' (use text, json or csv)", value);
    return FALSE;
  }
  return TRUE;
}

static int
usage (const char *msg)
{
  g_printerr ("bounceclass ledger: %s\nTry 'bounceclass ledger --help'.\n", msg);
  return 2;
}

int
bc_ledger_command_main (int argc, char **argv)
{
  char *where = NULL, *policy_path = NULL, *now_s = NULL;
  char **args = NULL;
  OutFormat fmt = OUT_TEXT;
  GOptionContext *ctx;
  GOptionGroup *group;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "ledger", 'l', 0, G_OPTION_ARG_FILENAME, &where,
      "The ledger: FILE.db (SQLite) or postgresql://URL (default: $BOUNCECLASS_LEDGER)",
      "FILE.db|URL" },
    { "format", 'f', 0, G_OPTION_ARG_CALLBACK, (gpointer) parse_out_format,
      "Output format: text (default), json (JSON Lines) or csv", "FORMAT" },
    { "policy", 'p', 0, G_OPTION_ARG_FILENAME, &policy_path,
      "Read this policy file over the built-in policy (see docs/policy.md)", "FILE" },
    { "now", 0, 0, G_OPTION_ARG_STRING, &now_s,
      "Decide as of this time (RFC 3339 or YYYY-MM-DD, UTC); later events are left out", "TIME" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &args, NULL, "COMMAND [ADDRESS]" },
    { NULL }
  };
  BcLedgerStore *st = NULL;
  BcPolicy *policy = NULL;
  Fold f = { 0 };
  const char *cmd;
  char *address = NULL;
  int status = 0;

  g_set_prgname ("bounceclass ledger");
  ctx = g_option_context_new ("- decide over time from the bounce ledger");
  g_option_context_set_summary (ctx,
    "Commands:\n"
    "  suppress          the addresses to unsubscribe now, and why\n"
    "  show ADDRESS      the address's history and why it is or is not suppressed\n"
    "  sender-problems   spam-block and authentication failures by reporting host\n"
    "                    and reason: problems of the sender, not of the recipients\n"
    "  forget ADDRESS    stop counting the address's past bounces (after resubscribe)\n"
    "  export            every recorded event\n"
    "\n"
    "The ledger is filled by 'bounceclass --ledger FILE.db|URL PATH...'.");
  g_option_context_set_description (ctx,
    "Exit status: 0 done; 1 the output could not be written; 2 usage error or bad\n"
    "policy file; 3 the ledger could not be opened or read (missing, corrupt,\n"
    "locked, not a ledger, newer schema, server unreachable).\n"
    "See bounceclass(1), docs/ledger.md and docs/policy.md.");
  group = g_option_group_new (NULL, NULL, NULL, &fmt, NULL);
  g_option_group_add_entries (group, entries);
  g_option_context_set_main_group (ctx, group);
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    status = usage (error->message);
    g_error_free (error);
    g_option_context_free (ctx);
    goto out;
  }
  g_option_context_free (ctx);

  if (!args || !args[0]) {
    status = usage ("no command (suppress, show, sender-problems, forget or export)");
    goto out;
  }
  cmd = args[0];
  if (strcmp (cmd, "show") == 0 || strcmp (cmd, "forget") == 0) {
    if (!args[1] || args[2]) {
      status = usage ("show and forget take one ADDRESS");
      goto out;
    }
    address = _bc_ledger_normalise_address (args[1]);
    if (!address) {
      status = usage ("not an address");
      goto out;
    }
  } else if (strcmp (cmd, "suppress") == 0 || strcmp (cmd, "sender-problems") == 0
             || strcmp (cmd, "export") == 0) {
    if (args[1]) {
      status = usage ("this command takes no argument");
      goto out;
    }
  } else {
    char *m = g_strdup_printf ("unknown command '%s'", cmd);
    status = usage (m);
    g_free (m);
    goto out;
  }

  f.now = g_get_real_time () / G_USEC_PER_SEC;
  if (now_s) {
    GDateTime *dt = NULL;
    if (strlen (now_s) == 10) {
      char *full = g_strconcat (now_s, "T23:59:59Z", NULL);
      dt = g_date_time_new_from_iso8601 (full, NULL);
      g_free (full);
    } else {
      GTimeZone *utc = g_time_zone_new_utc ();
      dt = g_date_time_new_from_iso8601 (now_s, utc);
      g_time_zone_unref (utc);
    }
    if (!dt) {
      status = usage ("--now takes YYYY-MM-DD or an RFC 3339 time");
      goto out;
    }
    f.now = g_date_time_to_unix (dt);
    g_date_time_unref (dt);
  }
  if (!where && g_getenv ("BOUNCECLASS_LEDGER") && *g_getenv ("BOUNCECLASS_LEDGER"))
    where = g_strdup (g_getenv ("BOUNCECLASS_LEDGER"));
  if (!where) {
    status = usage ("no ledger: give --ledger FILE.db|URL or set BOUNCECLASS_LEDGER");
    goto out;
  }
  policy = _bc_policy_load (policy_path, &error);
  if (!policy) {
    g_printerr ("bounceclass ledger: policy: %s\n", error->message);
    g_error_free (error);
    status = 2;
    goto out;
  }
  st = _bc_ledger_store_open (where, FALSE, &error);
  if (!st) {
    g_printerr ("bounceclass ledger: %s\n", error->message);
    g_error_free (error);
    status = BC_EXIT_LEDGER;
    goto out;
  }

  f.policy = policy;
  f.fmt = fmt;
  f.out = g_string_new (NULL);
  if (fmt == OUT_JSON)
    f.gen = json_generator_new ();
  if (strcmp (cmd, "suppress") == 0) {
    f.on_group = suppress_group;
    if (!run_fold (&f, st, NULL, &error))
      goto ledger_error;
  } else if (strcmp (cmd, "show") == 0) {
    f.events = g_string_new (NULL);
    f.jevents = json_array_new ();
    f.on_event = show_event;
    f.on_group = show_group;
    if (!run_fold (&f, st, address, &error))
      goto ledger_error;
    if (f.rows == 0)
      show_nothing (&f, address);
  } else if (strcmp (cmd, "sender-problems") == 0) {
    f.problems = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) problem_free);
    f.on_event = problem_event;
    if (!run_fold (&f, st, NULL, &error))
      goto ledger_error;
    problems_print (&f);
  } else if (strcmp (cmd, "forget") == 0) {
    guint64 n = 0;
    if (!st->be->forget (st, address, &n, &error))
      goto ledger_error;
    forget_print (&f, address, n);
  } else {
    if (!st->be->query (st, NULL, export_event, &f, &error))
      goto ledger_error;
  }
  fwrite (f.out->str, 1, f.out->len, stdout);
  if (fflush (stdout) != 0 || ferror (stdout)) {
    g_printerr ("bounceclass ledger: cannot write the output\n");
    status = 1;
  }
  goto out;

ledger_error:
  g_printerr ("bounceclass ledger: %s\n", error->message);
  g_error_free (error);
  status = BC_EXIT_LEDGER;
out:
  if (f.out)
    g_string_free (f.out, TRUE);
  if (f.events)
    g_string_free (f.events, TRUE);
  if (f.jevents)
    json_array_unref (f.jevents);
  g_clear_object (&f.gen);
  if (f.problems)
    g_hash_table_unref (f.problems);
  _bc_ledger_store_close (st);
  _bc_policy_free (policy);
  g_free (address);
  g_free (where);
  g_free (policy_path);
  g_free (now_s);
  g_strfreev (args);
  return status;
}
