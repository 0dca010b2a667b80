/* policy.c - the ledger policy: a GKeyFile saying how each class counts,
 * with [list:ID] groups for per-list differences, and the fold that turns an
 * address's events into a verdict.
 *
 * The built-in policy is default-policy.ini, compiled in as a GResource; a
 * --policy file is read over it, so it only needs the keys it changes.
 * Unknown groups, keys, classes and effects are errors naming the file, so
 * a typo never silently changes a decision. Numbers are bounded: threshold
 * and weights 0..1000, windows 1..3650 days.
 *
 * The fold (the Mailman model): a scored class adds its weight once per
 * distinct UTC day; days older than window-days before the current bounce
 * drop out; a gap of more than reset-after-days between bounce days starts
 * the score again; reaching the threshold suppresses. A suppression is kept
 * (later events are still shown) until `ledger forget`.
 */
#include "ledger.h"
#include "bc-ledger-resources.h"

#include <stdlib.h>
#include <string.h>

#define DAY 86400

struct _BcPolicy {
  BcPolicyRules def;
  GHashTable *lists;        /* lower-cased list id -> BcPolicyRules * */
  char *name;
};

static const char *const class_names[BC_N_CLASSES] = {
  "hard", "soft", "spam-block", "mailbox-full", "complaint", "auto-reply", "delivered",
};

static const char *const effect_names[] = {
  "ignore", "suppress", "score", "sender", "reset",
};

int
_bc_class_from_string (const char *s)
{
  for (int i = 0; i < BC_N_CLASSES; i++)
    if (g_strcmp0 (s, class_names[i]) == 0)
      return i;
  return -1;
}

const char *
_bc_effect_to_string (BcEffect e)
{
  return (guint) e < G_N_ELEMENTS (effect_names) ? effect_names[e] : "ignore";
}

/* apply_group - reads the keys of @group into @r (which holds the defaults) */
static gboolean
apply_group (GKeyFile *kf, const char *name, const char *group, BcPolicyRules *r, GError **error)
{
  gsize n = 0;
  char **keys = g_key_file_get_keys (kf, group, &n, NULL);
  gboolean ok = TRUE;

  for (gsize i = 0; ok && keys && keys[i]; i++) {
    const char *k = keys[i];
    char *v = g_strstrip (g_key_file_get_value (kf, group, k, NULL));
    int cls;
    char *end = NULL;
    double d;

    if ((cls = _bc_class_from_string (k)) >= 0) {
      guint e;
      for (e = 0; e < G_N_ELEMENTS (effect_names); e++)
        if (strcmp (v, effect_names[e]) == 0)
          break;
      if (e == G_N_ELEMENTS (effect_names)) {
        g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                     "%s: [%s] %s: unknown effect '%s' (suppress, score, sender, reset or ignore)",
                     name, group, k, v);
        ok = FALSE;
      } else
        r->effect[cls] = (BcEffect) e;
    } else if (g_str_has_suffix (k, "-weight")) {
      char *c = g_strndup (k, strlen (k) - strlen ("-weight"));
      cls = _bc_class_from_string (c);
      g_free (c);
      d = g_ascii_strtod (v, &end);
      if (cls < 0 || !end || *end || end == v || !(d >= 0 && d <= 1000)) {
        g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                     "%s: [%s] %s: needs a known class and a number from 0 to 1000", name, group, k);
        ok = FALSE;
      } else
        r->weight[cls] = d;
    } else if (strcmp (k, "threshold") == 0) {
      d = g_ascii_strtod (v, &end);
      if (!end || *end || end == v || !(d > 0 && d <= 1000)) {
        g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                     "%s: [%s] threshold: needs a number above 0, at most 1000", name, group);
        ok = FALSE;
      } else
        r->threshold = d;
    } else if (strcmp (k, "window-days") == 0 || strcmp (k, "reset-after-days") == 0) {
      long l = strtol (v, &end, 10);
      if (!end || *end || end == v || l < 1 || l > 3650) {
        g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                     "%s: [%s] %s: needs a whole number of days from 1 to 3650", name, group, k);
        ok = FALSE;
      } else if (k[0] == 'w')
        r->window_days = (int) l;
      else
        r->reset_days = (int) l;
    } else {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
                   "%s: [%s] unknown key '%s'", name, group, k);
      ok = FALSE;
    }
    g_free (v);
  }
  g_strfreev (keys);
  return ok;
}

static BcPolicy *load_data (const char *data, gsize len, const char *name,
                            const BcPolicyRules *base, GError **error);

BcPolicy *
_bc_policy_load_data (const char *data, gsize len, const char *name, GError **error)
{
  return load_data (data, len, name, NULL, error);
}

/* load_data - parses @data over @base (or over a neutral base where every
 * class is ignored) */
static BcPolicy *
load_data (const char *data, gsize len, const char *name, const BcPolicyRules *base,
           GError **error)
{
  GKeyFile *kf = g_key_file_new ();
  BcPolicy *p = g_new0 (BcPolicy, 1);
  char **groups = NULL;
  GError *e = NULL;
  gboolean ok = TRUE;

  p->name = g_strdup (name);
  p->lists = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  /* a neutral base: everything ignored, a threshold that is never reached
   * by accident; the file (or the built-in one) fills it in */
  for (int i = 0; i < BC_N_CLASSES; i++) {
    p->def.effect[i] = BC_EFFECT_IGNORE;
    p->def.weight[i] = 1;
  }
  p->def.threshold = 5;
  p->def.window_days = 30;
  p->def.reset_days = 7;
  if (base)
    p->def = *base;

  if (len > 1 << 20) {
    g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE, "%s: larger than 1 MiB", name);
    goto fail;
  }
  if (!g_key_file_load_from_data (kf, data, len, G_KEY_FILE_NONE, &e)) {
    g_set_error (error, G_KEY_FILE_ERROR, e->code, "%s: %s", name, e->message);
    g_error_free (e);
    goto fail;
  }
  if (g_key_file_has_group (kf, "default") && !apply_group (kf, name, "default", &p->def, error))
    goto fail;
  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; ok && groups[i]; i++) {
    if (strcmp (groups[i], "default") == 0)
      continue;
    if (g_str_has_prefix (groups[i], "list:") && groups[i][5]) {
      BcPolicyRules *r = g_new (BcPolicyRules, 1);
      *r = p->def;
      ok = apply_group (kf, name, groups[i], r, error);
      g_hash_table_replace (p->lists, g_utf8_strdown (groups[i] + 5, -1), r);
    } else {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND,
                   "%s: unknown group [%s] (use [default] or [list:LIST-ID])", name, groups[i]);
      ok = FALSE;
    }
  }
  g_strfreev (groups);
  if (!ok)
    goto fail;
  g_key_file_free (kf);
  return p;

fail:
  g_key_file_free (kf);
  _bc_policy_free (p);
  return NULL;
}

BcPolicy *
_bc_policy_load (const char *path, GError **error)
{
  BcPolicy *p, *builtin;

  if (!path) {
    static gsize once = 0;
    GBytes *b;
    gsize len;
    const char *data;
    if (g_once_init_enter (&once)) {
      _bc_ledger_register_resource ();
      g_once_init_leave (&once, 1);
    }
    b = g_resources_lookup_data ("/org/bounceclass/ledger/default-policy.ini",
                                 G_RESOURCE_LOOKUP_FLAGS_NONE, error);
    if (!b)
      return NULL;
    data = g_bytes_get_data (b, &len);
    p = _bc_policy_load_data (data, len, "built-in policy", error);
    g_bytes_unref (b);
  } else {
    char *data = NULL;
    gsize len = 0;
    /* a policy file overrides the built-in policy key by key */
    if (!(builtin = _bc_policy_load (NULL, error)))
      return NULL;
    if (!g_file_get_contents (path, &data, &len, error)) {
      _bc_policy_free (builtin);
      return NULL;
    }
    p = load_data (data, len, path, &builtin->def, error);
    _bc_policy_free (builtin);
    g_free (data);
  }
  return p;
}

void
_bc_policy_free (BcPolicy *p)
{
  if (!p)
    return;
  g_hash_table_unref (p->lists);
  g_free (p->name);
  g_free (p);
}

const BcPolicyRules *
_bc_policy_rules (const BcPolicy *p, const char *list_id)
{
  if (list_id && *list_id) {
    char *k = g_utf8_strdown (list_id, -1);
    const BcPolicyRules *r = g_hash_table_lookup (p->lists, k);
    g_free (k);
    if (r)
      return r;
  }
  return &p->def;
}

/* ---- the fold ------------------------------------------------------------ */

typedef struct {
  gint64 day;
  double weight;
} Day;

void
_bc_verdict_init (BcVerdict *v)
{
  memset (v, 0, sizeof *v);
  v->days = g_array_new (FALSE, FALSE, sizeof (Day));
}

void
_bc_verdict_clear (BcVerdict *v)
{
  if (v->days)
    g_array_unref (v->days);
  g_free (v->why);
  memset (v, 0, sizeof *v);
}

static char *
day_string (gint64 t)
{
  GDateTime *dt = g_date_time_new_from_unix_utc (t);
  char *s = dt ? g_date_time_format (dt, "%Y-%m-%d") : g_strdup ("?");
  if (dt)
    g_date_time_unref (dt);
  return s;
}

static gint64
day_of (gint64 t)
{
  return t >= 0 ? t / DAY : (t - DAY + 1) / DAY;
}

static double
sum_since (const GArray *days, gint64 first_day)
{
  double s = 0;
  for (guint i = 0; i < days->len; i++) {
    const Day *d = &g_array_index (days, Day, i);
    if (d->day >= first_day)
      s += d->weight;
  }
  return s;
}

BcEffect
_bc_verdict_step (BcVerdict *v, const BcPolicyRules *r, const BcLedgerEvent *ev, char **note)
{
  int cls = _bc_class_from_string (ev->klass);
  BcEffect e = cls >= 0 ? r->effect[cls] : BC_EFFECT_IGNORE;
  char *when = day_string (ev->at);
  char *n = NULL;

  v->n_events++;
  if (ev->forgotten) {
    *note = g_strdup ("forgotten (ledger forget): not counted");
    g_free (when);
    return BC_EFFECT_IGNORE;
  }
  switch (e) {
  case BC_EFFECT_IGNORE:
    n = g_strdup_printf ("%s: ignored", ev->klass);
    break;
  case BC_EFFECT_SENDER:
    n = g_strdup_printf ("%s: a sender-side problem (%s%s%s); not counted against the address",
                         ev->klass, ev->reason, *ev->host ? " at " : "", ev->host);
    break;
  case BC_EFFECT_SUPPRESS:
    if (!v->suppressed) {
      v->suppressed = TRUE;
      v->since = ev->at;
      g_free (v->why);
      v->why = g_strdup_printf ("%s (%s%s%s) on %s: suppress at once", ev->klass,
                                ev->reason, *ev->status ? " " : "", ev->status, when);
      n = g_strdup_printf ("%s: suppress at once", ev->klass);
    } else
      n = g_strdup_printf ("%s: suppress (already suppressed)", ev->klass);
    break;
  case BC_EFFECT_RESET:
    g_array_set_size (v->days, 0);
    v->score = 0;
    v->last_scored = 0;
    n = g_strdup_printf ("%s: score reset to 0%s", ev->klass,
                         v->suppressed ? " (the suppression stands)" : "");
    break;
  case BC_EFFECT_SCORE: {
    gint64 day = day_of (ev->at);
    gint64 first = day - r->window_days + 1;
    gboolean reset = FALSE, same = FALSE;
    guint i;

    if (v->days->len > 0) {
      gint64 last = g_array_index (v->days, Day, v->days->len - 1).day;
      if (day - last > r->reset_days) {
        g_array_set_size (v->days, 0);
        reset = TRUE;
      }
    }
    /* keep the array sorted by day; events come in time order, so the new
     * day is almost always last */
    for (i = 0; i < v->days->len; i++) {
      Day *d = &g_array_index (v->days, Day, i);
      if (d->day == day) {
        if (r->weight[cls] > d->weight)
          d->weight = r->weight[cls];
        same = TRUE;
        break;
      }
      if (d->day > day)
        break;
    }
    if (!same) {
      Day d = { day, r->weight[cls] };
      g_array_insert_val (v->days, i, d);
    }
    while (v->days->len > 0 && g_array_index (v->days, Day, 0).day < first)
      g_array_remove_index (v->days, 0);
    v->score = sum_since (v->days, first);
    v->last_scored = ev->at;
    n = g_strdup_printf ("%s: %sscore %g of %g (%u bounce day%s within %d days)%s", ev->klass,
                         reset ? "more than the quiet days passed, new " : "",
                         v->score, r->threshold, v->days->len, v->days->len == 1 ? "" : "s",
                         r->window_days, same ? "; same day, not counted again" : "");
    if (!v->suppressed && v->score >= r->threshold) {
      v->suppressed = TRUE;
      v->since = ev->at;
      g_free (v->why);
      v->why = g_strdup_printf ("score %g reached the threshold %g on %s: %u bounce days "
                                "within %d days, the last %s (%s)", v->score, r->threshold,
                                when, v->days->len, r->window_days, ev->klass, ev->reason);
      {
        char *t = n;
        n = g_strconcat (t, "; suppressed", NULL);
        g_free (t);
      }
    }
    break;
  }
  }
  g_free (when);
  *note = n;
  return e;
}

double
_bc_verdict_score_at (const BcVerdict *v, const BcPolicyRules *r, gint64 now)
{
  gint64 day = day_of (now);

  if (v->days->len == 0)
    return 0;
  if (day - g_array_index (v->days, Day, v->days->len - 1).day > r->reset_days)
    return 0;
  return sum_since (v->days, day - r->window_days + 1);
}
