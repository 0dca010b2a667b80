/* commands.c - `bounceclass ledger COMMAND`: suppress, show, sender-problems,
 * forget, export, over either backend.
 *
 * Every command reads the ledger through the storage interface, folds each
 * (address, List-Id) pair's events in time order through the policy
 * (policy.c) and prints text, JSON Lines or CSV. Decisions are made when a
 * command runs, not when bounces are recorded, so a new policy applies to
 * the whole history. --now evaluates as of an earlier time (events after it
 * are left out). Output strings come from the ledger, i.e. from bounces:
 * control characters were replaced when recorded, JSON and CSV are quoted.
 *
 * Exit status: 0 done, 2 usage error or bad policy file, 3 the ledger could
 * not be opened or read (BC_EXIT_LEDGER), 1 the output could not be written.
 */
#include "ledger.h"

#include <stdio.h>
#include <string.h>

typedef enum { OUT_TEXT, OUT_JSON, OUT_CSV } OutFormat;

typedef struct _Fold Fold;
typedef void (*EventCb) (Fold *f, const BcLedgerEvent *ev, BcEffect effect, const char *note);
typedef void (*GroupCb) (Fold *f);

struct _Fold {
  const BcPolicy *policy;
  gint64 now;
  OutFormat fmt;
  GString *out;
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
  GString *events;          /* show: the group's events, formatted */
  GHashTable *problems;     /* sender-problems: "host\treason" -> Problem */
};

/* ---- output helpers ------------------------------------------------------ */

static void
json_str (GString *s, const char *v)
{
  g_string_append_c (s, '"');
  for (const char *p = v ? v : ""; *p; p++) {
    guchar c = (guchar) *p;
    if (c == '"' || c == '\\')
      g_string_append_printf (s, "\\%c", c);
    else if (c < 0x20)
      g_string_append_printf (s, "\\u%04x", c);
    else
      g_string_append_c (s, (char) c);
  }
  g_string_append_c (s, '"');
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

  if (!f->v.suppressed)
    return;
  since = iso_time (f->v.since);
  switch (f->fmt) {
  case OUT_JSON:
    g_string_append (f->out, "{\"address\":");
    json_str (f->out, f->address);
    g_string_append (f->out, ",\"list_id\":");
    json_str (f->out, f->list);
    g_string_append (f->out, ",\"since\":");
    json_str (f->out, since);
    g_string_append (f->out, ",\"why\":");
    json_str (f->out, f->v.why);
    g_string_append (f->out, "}\n");
    break;
  case OUT_CSV:
    if (f->rows == 0)
      g_string_append (f->out, "address,list_id,since,why\r\n");
    csv_str (f->out, f->address);
    g_string_append_c (f->out, ',');
    csv_str (f->out, f->list);
    g_string_append_c (f->out, ',');
    csv_str (f->out, since);
    g_string_append_c (f->out, ',');
    csv_str (f->out, f->v.why);
    g_string_append (f->out, "\r\n");
    break;
  case OUT_TEXT:
    g_string_append_printf (f->out, "%s\t%s\t%s\t%s\n", f->address, *f->list ? f->list : "-",
                            since, f->v.why);
    break;
  }
  f->rows++;
  g_free (since);
}

/* ---- show ---------------------------------------------------------------- */

static void
show_event (Fold *f, const BcLedgerEvent *ev, BcEffect effect, const char *note)
{
  char *at = iso_time (ev->at);

  switch (f->fmt) {
  case OUT_JSON:
    if (f->events->len)
      g_string_append_c (f->events, ',');
    g_string_append (f->events, "{\"at\":");
    json_str (f->events, at);
    g_string_append (f->events, ",\"class\":");
    json_str (f->events, ev->klass);
    g_string_append (f->events, ",\"reason\":");
    json_str (f->events, ev->reason);
    g_string_append (f->events, ",\"status\":");
    json_str (f->events, ev->status);
    g_string_append (f->events, ",\"rule\":");
    json_str (f->events, ev->rule);
    g_string_append (f->events, ",\"host\":");
    json_str (f->events, ev->host);
    g_string_append (f->events, ",\"effect\":");
    json_str (f->events, ev->forgotten ? "forgotten" : _bc_effect_to_string (effect));
    g_string_append (f->events, ",\"note\":");
    json_str (f->events, note);
    g_string_append (f->events, "}");
    break;
  case OUT_CSV:
    if (f->rows++ == 0)
      g_string_append (f->out, "address,list_id,at,class,reason,status,rule,host,effect,note\r\n");
    csv_str (f->out, ev->address);
    g_string_append_c (f->out, ',');
    csv_str (f->out, ev->list_id);
    g_string_append_c (f->out, ',');
    csv_str (f->out, at);
    g_string_append_c (f->out, ',');
    csv_str (f->out, ev->klass);
    g_string_append_c (f->out, ',');
    csv_str (f->out, ev->reason);
    g_string_append_c (f->out, ',');
    csv_str (f->out, ev->status);
    g_string_append_c (f->out, ',');
    csv_str (f->out, ev->rule);
    g_string_append_c (f->out, ',');
    csv_str (f->out, ev->host);
    g_string_append_c (f->out, ',');
    csv_str (f->out, ev->forgotten ? "forgotten" : _bc_effect_to_string (effect));
    g_string_append_c (f->out, ',');
    csv_str (f->out, note);
    g_string_append (f->out, "\r\n");
    break;
  case OUT_TEXT:
    g_string_append_printf (f->events, "  %s  %-12s %-15s %-6s %s\n      -> %s\n", at, ev->klass,
                            ev->reason, *ev->status ? ev->status : "-",
                            *ev->rule ? ev->rule : "", note);
    break;
  }
  g_free (at);
}

static void
show_group (Fold *f)
{
  char *since = f->v.suppressed ? iso_time (f->v.since) : NULL;
  char *why = f->v.suppressed ? g_strdup (f->v.why) : not_why (f);

  switch (f->fmt) {
  case OUT_JSON:
    g_string_append (f->out, "{\"address\":");
    json_str (f->out, f->address);
    g_string_append (f->out, ",\"list_id\":");
    json_str (f->out, f->list);
    g_string_append_printf (f->out, ",\"suppressed\":%s", f->v.suppressed ? "true" : "false");
    if (since) {
      g_string_append (f->out, ",\"since\":");
      json_str (f->out, since);
    }
    g_string_append_printf (f->out, ",\"score\":%g,\"threshold\":%g,\"why\":",
                            _bc_verdict_score_at (&f->v, f->rules, f->now), f->rules->threshold);
    json_str (f->out, why);
    g_string_append (f->out, ",\"events\":[");
    g_string_append_len (f->out, f->events->str, (gssize) f->events->len);
    g_string_append (f->out, "]}\n");
    break;
  case OUT_CSV:
    break;      /* one row per event, written as they come */
  case OUT_TEXT:
    g_string_append_printf (f->out, "%s%s%s\n", f->address,
                            *f->list ? "  list " : "  (no list)", f->list);
    g_string_append_len (f->out, f->events->str, (gssize) f->events->len);
    if (f->v.suppressed)
      g_string_append_printf (f->out, "  SUPPRESSED since %s: %s\n", since, why);
    else
      g_string_append_printf (f->out, "  not suppressed: %s\n", why);
    break;
  }
  g_string_truncate (f->events, 0);
  f->rows++;
  g_free (since);
  g_free (why);
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
  gpointer v;

  g_hash_table_iter_init (&it, f->problems);
  while (g_hash_table_iter_next (&it, NULL, &v))
    g_ptr_array_add (all, v);

  g_ptr_array_sort (all, problem_cmp);
  if (f->fmt == OUT_CSV)
    g_string_append (f->out, "host,reason,bounces,addresses,first,last,status,diagnostic\r\n");
  for (guint i = 0; i < all->len; i++) {
    Problem *p = g_ptr_array_index (all, i);
    char *first = iso_time (p->first), *last = iso_time (p->last);
    guint naddr = g_hash_table_size (p->addresses);
    switch (f->fmt) {
    case OUT_JSON:
      g_string_append (f->out, "{\"host\":");
      json_str (f->out, p->host);
      g_string_append (f->out, ",\"reason\":");
      json_str (f->out, p->reason);
      g_string_append_printf (f->out, ",\"bounces\":%" G_GUINT64_FORMAT ",\"addresses\":%u,\"first\":",
                              p->count, naddr);
      json_str (f->out, first);
      g_string_append (f->out, ",\"last\":");
      json_str (f->out, last);
      g_string_append (f->out, ",\"status\":");
      json_str (f->out, p->status);
      g_string_append (f->out, ",\"diagnostic\":");
      json_str (f->out, p->diagnostic);
      g_string_append (f->out, "}\n");
      break;
    case OUT_CSV:
      csv_str (f->out, p->host);
      g_string_append_c (f->out, ',');
      csv_str (f->out, p->reason);
      g_string_append_printf (f->out, ",%" G_GUINT64_FORMAT ",%u,%s,%s,", p->count, naddr, first, last);
      csv_str (f->out, p->status);
      g_string_append_c (f->out, ',');
      csv_str (f->out, p->diagnostic);
      g_string_append (f->out, "\r\n");
      break;
    case OUT_TEXT:
      g_string_append_printf (f->out, "%s  %s  %" G_GUINT64_FORMAT " bounce%s, %u address%s, %s .. %s\n"
                              "    last: %s %s\n",
                              *p->host ? p->host : "(unknown host)", p->reason, p->count,
                              p->count == 1 ? "" : "s", naddr, naddr == 1 ? "" : "es", first, last,
                              *p->status ? p->status : "-", p->diagnostic);
      break;
    }
    g_free (first);
    g_free (last);
  }
  if (f->fmt == OUT_TEXT && all->len == 0)
    g_string_append (f->out, "no sender-side problems recorded\n");
  g_ptr_array_unref (all);
}

/* ---- export -------------------------------------------------------------- */

static gboolean
export_event (const BcLedgerEvent *ev, gpointer user_data)
{
  Fold *f = user_data;
  char *at = iso_time (ev->at), *rec = iso_time (ev->recorded);
  const char *names[] = { "key", "address", "at", "class", "reason", "status", "rule", "list_id",
                          "host", "diagnostic", "recorded", "forgotten" };
  const char *vals[] = { ev->key, ev->address, at, ev->klass, ev->reason, ev->status, ev->rule,
                         ev->list_id, ev->host, ev->diagnostic, rec,
                         ev->forgotten ? "1" : "0" };

  switch (f->fmt) {
  case OUT_JSON:
    g_string_append_c (f->out, '{');
    for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
      if (i)
        g_string_append_c (f->out, ',');
      json_str (f->out, names[i]);
      g_string_append_c (f->out, ':');
      if (i == G_N_ELEMENTS (names) - 1)
        g_string_append (f->out, ev->forgotten ? "true" : "false");
      else
        json_str (f->out, vals[i]);
    }
    g_string_append (f->out, "}\n");
    break;
  case OUT_CSV:
  case OUT_TEXT:
    if (f->rows == 0) {
      for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
        if (i)
          g_string_append_c (f->out, f->fmt == OUT_CSV ? ',' : '\t');
        g_string_append (f->out, names[i]);
      }
      g_string_append (f->out, f->fmt == OUT_CSV ? "\r\n" : "\n");
    }
    for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
      if (i)
        g_string_append_c (f->out, f->fmt == OUT_CSV ? ',' : '\t');
      if (f->fmt == OUT_CSV)
        csv_str (f->out, vals[i]);
      else
        g_string_append (f->out, *vals[i] ? vals[i] : "-");
    }
    g_string_append (f->out, f->fmt == OUT_CSV ? "\r\n" : "\n");
    break;
  }
  f->rows++;
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
  if (strcmp (cmd, "suppress") == 0) {
    f.on_group = suppress_group;
    if (!run_fold (&f, st, NULL, &error))
      goto ledger_error;
  } else if (strcmp (cmd, "show") == 0) {
    f.events = g_string_new (NULL);
    f.on_event = show_event;
    f.on_group = show_group;
    if (!run_fold (&f, st, address, &error))
      goto ledger_error;
    if (f.rows == 0 && fmt == OUT_TEXT)
      g_string_append_printf (f.out, "%s: no events recorded; not suppressed\n", address);
    else if (f.rows == 0 && fmt == OUT_JSON) {
      g_string_append (f.out, "{\"address\":");
      json_str (f.out, address);
      g_string_append (f.out, ",\"list_id\":\"\",\"suppressed\":false,\"score\":0,\"why\":"
                       "\"no events recorded\",\"events\":[]}\n");
    }
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
    if (fmt == OUT_JSON) {
      g_string_append (f.out, "{\"address\":");
      json_str (f.out, address);
      g_string_append_printf (f.out, ",\"forgotten\":%" G_GUINT64_FORMAT "}\n", n);
    } else if (fmt == OUT_CSV) {
      g_string_append (f.out, "address,forgotten\r\n");
      csv_str (f.out, address);
      g_string_append_printf (f.out, ",%" G_GUINT64_FORMAT "\r\n", n);
    } else
      g_string_append_printf (f.out, "%s: %" G_GUINT64_FORMAT " event%s forgotten\n", address, n,
                              n == 1 ? "" : "s");
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
