/* test-ledger.c - the ledger through the real CLI, on SQLite or, when
 * BC_LEDGER_PG_HOST is set (tests/ledger/pg-run.sh starts a throw-away
 * server and sets it), on PostgreSQL: the same tests for both backends.
 *
 * A synthetic month of bounces (synth.c) is written as an mbox, recorded
 * with `bounceclass --ledger`, and every policy decision is checked through
 * `bounceclass ledger suppress/show`. Then: rerunning is a no-op, forget,
 * VERP bounces are recorded under the decoded subscriber,
 * a run killed with SIGKILL and rerun equals a clean run, two concurrent
 * writers lose nothing, --jobs 2 records what --jobs 1 does, a v1 ledger is
 * migrated, a corrupt, foreign, newer or locked ledger fails with exit 3.
 */
#include "synth.h"
#include "ledger.h"

#include <json-glib/json-glib.h>
#include <fcntl.h>
#include <stdlib.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#ifdef BC_HAVE_PG
#include <libpq-fe.h>
#endif

static const char *binary;
static char *tmpdir;
static const char *pg_host;     /* NULL: SQLite */
static const char *pg_user;
static guint n_ledgers;

/* ---- helpers ------------------------------------------------------------- */

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

#ifdef BC_HAVE_PG
static char *
pg_url (const char *db)
{
  return g_strdup_printf ("postgresql:///%s?host=%s&user=%s", db, pg_host, pg_user);
}

static void
pg_admin (const char *sql)
{
  char *url = pg_url ("postgres");
  PGconn *c = PQconnectdb (url);
  PGresult *r;
  if (PQstatus (c) != CONNECTION_OK)
    fail_msg ("cannot connect to the test server: %s", PQerrorMessage (c));
  r = PQexec (c, sql);
  if (PQresultStatus (r) != PGRES_COMMAND_OK)
    fail_msg ("%s: %s", sql, PQresultErrorMessage (r));
  PQclear (r);
  PQfinish (c);
  g_free (url);
}
#endif

/* new_ledger - a fresh, empty ledger: a file name, or a new database */
static char *
new_ledger (void)
{
  char *name = g_strdup_printf ("ledger%u", ++n_ledgers);
  char *where;

  if (pg_host) {
#ifdef BC_HAVE_PG
    char *sql = g_strdup_printf ("DROP DATABASE IF EXISTS %s", name);
    pg_admin (sql);
    g_free (sql);
    sql = g_strdup_printf ("CREATE DATABASE %s", name);
    pg_admin (sql);
    g_free (sql);
    where = pg_url (name);
#else
    fail_msg ("BC_LEDGER_PG_HOST set but built without PostgreSQL");
    where = NULL;
#endif
  } else {
    char *file = g_strconcat (name, ".db", NULL);
    where = tmp_path (file);
    g_free (file);
  }
  g_free (name);
  return where;
}

/* run - runs bounceclass with @args (NULL-terminated), extra environment
 * "K=V" strings in @env; returns the exit status */
static int
run (char **out, char **err, const char *const *env, ...)
{
  GPtrArray *argv = g_ptr_array_new ();
  char **envp = g_get_environ ();
  GError *error = NULL;
  char *o = NULL, *e = NULL;
  int status = -1;
  va_list ap;
  const char *a;

  g_ptr_array_add (argv, (gpointer) binary);
  va_start (ap, env);
  while ((a = va_arg (ap, const char *)))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  for (guint i = 0; env && env[i]; i++) {
    char **kv = g_strsplit (env[i], "=", 2);
    envp = g_environ_setenv (envp, kv[0], kv[1], TRUE);
    g_strfreev (kv);
  }
  if (!g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, &o, &e,
                     &status, &error))
    fail_msg ("cannot run %s: %s", binary, error->message);
  g_ptr_array_free (argv, TRUE);
  g_strfreev (envp);
  if (out)
    *out = o;
  else
    g_free (o);
  if (err)
    *err = e;
  else {
    if (e && *e && !WIFEXITED (status))
      fprintf (stderr, "%s", e);
    g_free (e);
  }
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

static void
write_file (const char *path, const GString *s)
{
  GError *error = NULL;
  if (!g_file_set_contents (path, s->str, (gssize) s->len, &error))
    fail_msg ("%s", error->message);
}

static int
str_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* export_keys - the ledger's events as sorted lines, without the recording
 * time (which differs between runs) */
static char *
export_keys (const char *ledger, guint *n)
{
  char *out = NULL;
  int rc = run (&out, NULL, NULL, "ledger", "export", "--format", "json", "--ledger", ledger, NULL);
  char **lines;
  GPtrArray *keep = g_ptr_array_new_with_free_func (g_free);
  char *joined;

  assert_int_equal (rc, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    JsonParser *p;
    JsonObject *o;
    if (!*lines[i])
      continue;
    p = json_parser_new ();
    assert_true (json_parser_load_from_data (p, lines[i], -1, NULL));
    o = json_node_get_object (json_parser_get_root (p));
    g_ptr_array_add (keep, g_strdup_printf ("%s|%s|%s|%s|%s|%s|%s",
      json_object_get_string_member (o, "key"), json_object_get_string_member (o, "address"),
      json_object_get_string_member (o, "at"), json_object_get_string_member (o, "class"),
      json_object_get_string_member (o, "reason"), json_object_get_string_member (o, "list_id"),
      json_object_get_string_member (o, "host")));
    g_object_unref (p);
  }
  g_ptr_array_sort (keep, str_cmp);
  if (n)
    *n = keep->len;
  g_ptr_array_add (keep, NULL);
  joined = g_strjoinv ("\n", (char **) keep->pdata);
  g_ptr_array_free (keep, TRUE);
  g_strfreev (lines);
  g_free (out);
  return joined;
}

static guint
count_events (const char *ledger)
{
  guint n = 0;
  g_free (export_keys (ledger, &n));
  return n;
}

/* suppressed - `ledger suppress --format json` as a set of
 * "address|list|since-day" strings */
static GHashTable *
suppressed (const char *ledger, const char *policy, const char *now)
{
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  char *out = NULL, *err = NULL;
  char **lines;
  int rc;

  if (policy)
    rc = run (&out, &err, NULL, "ledger", "suppress", "--format", "json", "--ledger", ledger,
              "--now", now, "--policy", policy, NULL);
  else
    rc = run (&out, &err, NULL, "ledger", "suppress", "--format", "json", "--ledger", ledger,
              "--now", now, NULL);
  if (rc != 0)
    fail_msg ("ledger suppress: exit %d: %s", rc, err);
  if (g_getenv ("BC_TEST_VERBOSE"))
    fprintf (stderr, "suppress:\n%s", out);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    JsonParser *p;
    JsonObject *o;
    if (!*lines[i])
      continue;
    p = json_parser_new ();
    assert_true (json_parser_load_from_data (p, lines[i], -1, NULL));
    o = json_node_get_object (json_parser_get_root (p));
    g_hash_table_add (set, g_strdup_printf ("%s|%s|%.10s",
      json_object_get_string_member (o, "address"), json_object_get_string_member (o, "list_id"),
      json_object_get_string_member (o, "since")));
    g_object_unref (p);
  }
  g_strfreev (lines);
  g_free (out);
  g_free (err);
  return set;
}

static void
assert_set (GHashTable *got, const char *const *want)
{
  guint n = 0;
  for (; want[n]; n++)
    if (!g_hash_table_contains (got, want[n])) {
      GString *s = g_string_new (NULL);
      GHashTableIter it;
      gpointer k;
      g_hash_table_iter_init (&it, got);
      while (g_hash_table_iter_next (&it, &k, NULL))
        g_string_append_printf (s, " %s", (char *) k);
      fail_msg ("expected suppressed: %s; got:%s", want[n], s->str);
    }
  if (g_hash_table_size (got) != n) {
    GString *s = g_string_new (NULL);
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init (&it, got);
    while (g_hash_table_iter_next (&it, &k, NULL))
      g_string_append_printf (s, " %s", (char *) k);
    fail_msg ("expected %u suppressed, got %u:%s", n, g_hash_table_size (got), s->str);
  }
}

/* ---- the synthetic month ------------------------------------------------- */

typedef struct {
  const char *kind;
  const char *rcpt;
  int day;
  const char *list;
} Ev;

/* Each address plays one policy case in October 2026. */
static const Ev month[] = {
  /* hard: suppressed at once, on its day */
  { "hard", "hard@example.com", 3, NULL },
  /* complaint: suppressed at once */
  { "complaint", "complainer@example.org", 9, NULL },
  /* soft on five distinct days: suppressed on the fifth */
  { "soft", "soft5@example.com", 1, NULL }, { "soft", "soft5@example.com", 2, NULL },
  { "soft", "soft5@example.com", 3, NULL }, { "soft", "soft5@example.com", 4, NULL },
  { "soft", "soft5@example.com", 5, NULL }, { "soft", "soft5@example.com", 6, NULL },
  /* five soft bounces on four days: one day counts once, not suppressed */
  { "soft", "sameday@example.com", 1, NULL }, { "soft", "sameday@example.com", 2, NULL },
  { "soft", "sameday@example.com", 2, NULL }, { "soft", "sameday@example.com", 3, NULL },
  { "soft", "sameday@example.com", 4, NULL },
  /* mailbox-full counts like soft: suppressed on the fifth day */
  { "mailbox-full", "full@example.net", 10, NULL }, { "mailbox-full", "full@example.net", 12, NULL },
  { "mailbox-full", "full@example.net", 14, NULL }, { "mailbox-full", "full@example.net", 16, NULL },
  { "mailbox-full", "full@example.net", 18, NULL },
  /* soft with a gap of more than 7 days: reset, never five in a chain */
  { "soft", "gap@example.com", 1, NULL }, { "soft", "gap@example.com", 2, NULL },
  { "soft", "gap@example.com", 3, NULL }, { "soft", "gap@example.com", 4, NULL },
  { "soft", "gap@example.com", 13, NULL }, { "soft", "gap@example.com", 14, NULL },
  { "soft", "gap@example.com", 15, NULL }, { "soft", "gap@example.com", 16, NULL },
  /* the control: the same days without the gap is suppressed */
  { "soft", "nogap@example.com", 1, NULL }, { "soft", "nogap@example.com", 2, NULL },
  { "soft", "nogap@example.com", 3, NULL }, { "soft", "nogap@example.com", 4, NULL },
  { "soft", "nogap@example.com", 10, NULL },
  /* spam-block and auth failures on many days: never suppressed */
  { "spam-block", "blocked@example.org", 1, NULL }, { "spam-block", "blocked@example.org", 2, NULL },
  { "spam-block", "blocked@example.org", 3, NULL }, { "spam-block", "blocked@example.org", 4, NULL },
  { "spam-block", "blocked@example.org", 5, NULL }, { "spam-block", "blocked@example.org", 6, NULL },
  { "authfailure", "blocked@example.org", 7, NULL }, { "authfailure", "dmarc@example.net", 7, NULL },
  /* delivered resets: four soft, delivered, two soft: not suppressed */
  { "soft", "delivered@example.com", 20, NULL }, { "soft", "delivered@example.com", 21, NULL },
  { "soft", "delivered@example.com", 22, NULL }, { "soft", "delivered@example.com", 23, NULL },
  { "delivered", "delivered@example.com", 24, NULL },
  { "soft", "delivered@example.com", 25, NULL }, { "soft", "delivered@example.com", 26, NULL },
  /* the control without the delivery: suppressed on the 25th */
  { "soft", "undelivered@example.com", 20, NULL }, { "soft", "undelivered@example.com", 21, NULL },
  { "soft", "undelivered@example.com", 22, NULL }, { "soft", "undelivered@example.com", 23, NULL },
  { "soft", "undelivered@example.com", 25, NULL }, { "soft", "undelivered@example.com", 26, NULL },
  /* auto-replies every day: ignored */
  { "auto-reply", "away@example.com", 1, NULL }, { "auto-reply", "away@example.com", 2, NULL },
  { "auto-reply", "away@example.com", 3, NULL }, { "auto-reply", "away@example.com", 4, NULL },
  { "auto-reply", "away@example.com", 5, NULL }, { "auto-reply", "away@example.com", 6, NULL },
  /* per-list: three soft days on two lists; suppressed only where the
   * policy file sets threshold 3 (announce), never with the defaults */
  { "soft", "member@example.org", 5, "announce.example.org" },
  { "soft", "member@example.org", 6, "announce.example.org" },
  { "soft", "member@example.org", 7, "announce.example.org" },
  { "soft", "member@example.org", 5, "news.example.org" },
  { "soft", "member@example.org", 6, "news.example.org" },
  { "soft", "member@example.org", 7, "news.example.org" },
  /* the domain is lower-cased: these count as one address */
  { "hard", "Mixed@EXAMPLE.NET", 11, NULL },
  /* after the --now of the test: left out */
  { "hard", "later@example.com", 30, NULL },
};

static char *
write_month (void)
{
  GString *mbox = g_string_new (NULL);
  char *path = tmp_path ("month.mbox");

  for (guint i = 0; i < G_N_ELEMENTS (month); i++) {
    char *m = synth_message (month[i].kind, month[i].rcpt, synth_time (10, month[i].day, 8 + i % 10),
                             month[i].list, i);
    synth_mbox_append (mbox, m);
    g_free (m);
  }
  write_file (path, mbox);
  g_string_free (mbox, TRUE);
  return path;
}

static void
test_policy_month (void **state)
{
  char *ledger = new_ledger (), *mbox = write_month ();
  char *policy = tmp_path ("lists.ini"), *out = NULL;
  GString *pol = g_string_new ("[list:Announce.Example.org]\nthreshold = 3\n");
  GHashTable *got;
  static const char *const want[] = {
    "hard@example.com||2026-10-03",
    "complainer@example.org||2026-10-09",
    "soft5@example.com||2026-10-05",
    "full@example.net||2026-10-18",
    "nogap@example.com||2026-10-10",
    "undelivered@example.com||2026-10-25",
    "Mixed@example.net||2026-10-11",
    NULL
  };
  static const char *const want_lists[] = {
    "hard@example.com||2026-10-03",
    "complainer@example.org||2026-10-09",
    "soft5@example.com||2026-10-05",
    "full@example.net||2026-10-18",
    "nogap@example.com||2026-10-10",
    "undelivered@example.com||2026-10-25",
    "Mixed@example.net||2026-10-11",
    "member@example.org|announce.example.org|2026-10-07",
    NULL
  };

  assert_int_equal (run (NULL, NULL, NULL, "--ledger", ledger, mbox, NULL), 0);
  assert_int_equal (count_events (ledger), G_N_ELEMENTS (month));

  got = suppressed (ledger, NULL, "2026-10-28");
  assert_set (got, want);
  g_hash_table_unref (got);

  write_file (policy, pol);
  got = suppressed (ledger, policy, "2026-10-28");
  assert_set (got, want_lists);
  g_hash_table_unref (got);

  /* show explains: the gap reset, the sender-side problems */
  assert_int_equal (run (&out, NULL, NULL, "ledger", "show", "gap@example.com", "--ledger", ledger,
                         "--now", "2026-10-28", NULL), 0);
  assert_non_null (strstr (out, "more than the quiet days passed"));
  assert_non_null (strstr (out, "not suppressed"));
  g_free (out);
  assert_int_equal (run (&out, NULL, NULL, "ledger", "show", "blocked@example.org", "--ledger",
                         ledger, NULL), 0);
  assert_non_null (strstr (out, "sender-side problem"));
  assert_null (strstr (out, "SUPPRESSED"));
  g_free (out);
  assert_int_equal (run (&out, NULL, NULL, "ledger", "show", "soft5@example.com", "--ledger",
                         ledger, "--format", "json", NULL), 0);
  assert_non_null (strstr (out, "\"suppressed\":true"));
  g_free (out);
  /* sender-problems groups by host and reason */
  assert_int_equal (run (&out, NULL, NULL, "ledger", "sender-problems", "--ledger", ledger,
                         "--format", "csv", NULL), 0);
  assert_non_null (strstr (out, "mx4.example.net,blocked,6,1,"));
  assert_non_null (strstr (out, "mx5.example.net,authfailure,2,2,"));
  g_free (out);

  /* a bad policy file is a usage error naming the key */
  g_string_assign (pol, "[default]\nsoft = sometimes\n");
  write_file (policy, pol);
  {
    char *err = NULL;
    assert_int_equal (run (NULL, &err, NULL, "ledger", "suppress", "--ledger", ledger,
                           "--policy", policy, NULL), 2);
    assert_non_null (strstr (err, "sometimes"));
    g_free (err);
  }
  g_string_free (pol, TRUE);
  g_free (policy);
  g_free (ledger);
  g_free (mbox);
}

static void
test_rerun_and_forget (void **state)
{
  char *ledger = new_ledger (), *mbox = write_month ();
  const char *stats[] = { "BOUNCECLASS_LEDGER_STATS=1", NULL };
  char *before, *after, *err = NULL, *out = NULL;
  GHashTable *got;

  assert_int_equal (run (NULL, NULL, NULL, "--ledger", ledger, mbox, NULL), 0);
  before = export_keys (ledger, NULL);
  /* the same bounces again, twice, once with --jobs 2: nothing new */
  assert_int_equal (run (NULL, &err, stats, "--ledger", ledger, mbox, NULL), 0);
  assert_non_null (strstr (err, " 0 new events"));
  g_free (err);
  assert_int_equal (run (NULL, NULL, NULL, "--jobs", "2", "--ledger", ledger, mbox, NULL), 0);
  after = export_keys (ledger, NULL);
  assert_string_equal (before, after);
  g_free (after);

  /* forget: the address leaves the suppress list, and stays out when the
   * old bounces are read again */
  assert_int_equal (run (&out, NULL, NULL, "ledger", "forget", "hard@EXAMPLE.com", "--ledger",
                         ledger, NULL), 0);
  g_free (out);
  assert_int_equal (run (&out, NULL, NULL, "ledger", "forget", "hard@example.com", "--ledger",
                         ledger, NULL), 0);
  assert_non_null (strstr (out, "0 events forgotten"));
  g_free (out);
  assert_int_equal (run (NULL, NULL, NULL, "--ledger", ledger, mbox, NULL), 0);
  got = suppressed (ledger, NULL, "2026-10-28");
  assert_false (g_hash_table_contains (got, "hard@example.com||2026-10-03"));
  assert_true (g_hash_table_contains (got, "soft5@example.com||2026-10-05"));
  g_hash_table_unref (got);
  /* a new hard bounce after the forget counts again */
  {
    GString *s = g_string_new (NULL);
    char *m = synth_message ("hard", "hard@example.com", synth_time (10, 20, 9), NULL, 9999);
    char *p = tmp_path ("again.eml");
    g_string_append (s, m);
    write_file (p, s);
    assert_int_equal (run (NULL, NULL, NULL, "--ledger", ledger, p, NULL), 0);
    got = suppressed (ledger, NULL, "2026-10-28");
    assert_true (g_hash_table_contains (got, "hard@example.com||2026-10-20"));
    g_hash_table_unref (got);
    g_string_free (s, TRUE);
    g_free (m);
    g_free (p);
  }
  g_free (before);
  g_free (ledger);
  g_free (mbox);
}

static void
test_verp (void **state)
{
  char *ledger = new_ledger (), *off = new_ledger (), *path = tmp_path ("verp.eml");
  char *m = synth_message ("hard", "forward@Example.NET", synth_time (10, 2, 9), NULL, 4242);
  char **parts = g_strsplit (m, "To: news-bounces@lists.example.org\n", 2);
  char *verp = g_strjoinv ("To: news-bounces+member=Example.ORG@lists.example.org\n", parts);
  GString *s = g_string_new (verp);
  char *out = NULL;

  assert_non_null (parts[1]);
  write_file (path, s);
  /* decoded: the subscriber the list knows */
  assert_int_equal (run (NULL, NULL, NULL, "--ledger", ledger, path, NULL), 0);
  assert_int_equal (run (&out, NULL, NULL, "ledger", "export", "--format", "csv", "--ledger",
                         ledger, NULL), 0);
  assert_non_null (strstr (out, ",member@example.org,"));
  assert_null (strstr (out, "forward@"));
  g_free (out);
  /* --no-verp: the address the report names */
  assert_int_equal (run (NULL, NULL, NULL, "--no-verp", "--ledger", off, path, NULL), 0);
  assert_int_equal (run (&out, NULL, NULL, "ledger", "export", "--format", "csv", "--ledger",
                         off, NULL), 0);
  assert_non_null (strstr (out, ",forward@example.net,"));
  g_free (out);
  g_string_free (s, TRUE);
  g_free (verp);
  g_strfreev (parts);
  g_free (m);
  g_free (path);
  g_free (ledger);
  g_free (off);
}

/* ---- big runs ------------------------------------------------------------ */

static char *
synth_mbox (const char *name, guint count, guint first_serial, guint addresses)
{
  GString *mbox = g_string_new (NULL);
  static const char *const mix[] = { "soft", "soft", "hard", "mailbox-full", "spam-block",
                                     "delivered", "auto-reply", "complaint" };
  char *path = tmp_path (name);

  for (guint n = 0; n < count; n++) {
    /* each message depends on its serial only, so files that share serials
     * share those messages byte for byte */
    GRand *r = g_rand_new_with_seed (first_serial + n);
    char *rcpt = g_strdup_printf ("user%u@example.com", g_rand_int_range (r, 0, (gint32) addresses));
    char *m = synth_message (mix[g_rand_int_range (r, 0, G_N_ELEMENTS (mix))], rcpt,
                             synth_time (10, g_rand_int_range (r, 1, 32), g_rand_int_range (r, 0, 24)),
                             n % 3 ? "news.example.org" : NULL, first_serial + n);
    synth_mbox_append (mbox, m);
    g_free (m);
    g_free (rcpt);
    g_rand_free (r);
  }
  write_file (path, mbox);
  g_string_free (mbox, TRUE);
  return path;
}

static void
test_kill_and_rerun (void **state)
{
  const guint total = 12000;
  char *mbox = synth_mbox ("big.mbox", total, 100000, 3000);
  char *clean = new_ledger (), *killed = new_ledger ();
  char *want, *got;
  const char *argv[] = { binary, "--ledger", killed, mbox, NULL };
  char **envp = g_environ_setenv (g_get_environ (), "BOUNCECLASS_LEDGER_BATCH", "25", TRUE);
  GError *error = NULL;
  GPid pid;
  guint n = 0, polls = 0;
  int status;
  int devnull = open ("/dev/null", O_WRONLY);

  assert_int_equal (run (NULL, NULL, NULL, "--ledger", clean, mbox, NULL), 0);
  want = export_keys (clean, &n);
  assert_int_equal (n, total);

  if (!g_spawn_async_with_fds (NULL, (char **) argv, envp, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                               &pid, -1, devnull, -1, &error))
    fail_msg ("%s", error->message);
  /* wait for some batches to be committed, then kill without warning */
  for (;;) {
    g_usleep (20000);
    if (++polls > 3000)
      fail_msg ("the ledger run recorded nothing in 60 s");
    if (!pg_host) {
      char *path = g_strdup (killed);
      gboolean exists = g_file_test (path, G_FILE_TEST_EXISTS);
      g_free (path);
      if (!exists)
        continue;
    }
    if (run (NULL, NULL, NULL, "ledger", "export", "--format", "csv", "--ledger", killed, NULL) != 0)
      continue;
    n = count_events (killed);
    if (n > 0)
      break;
  }
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  close (devnull);
  assert_true (WIFSIGNALED (status));
  n = count_events (killed);
  print_message ("killed after %u of %u events were committed\n", n, total);
  assert_true (n > 0 && n < total);
  /* whole batches only: a batch of 25 one-recipient messages */
  assert_int_equal (n % 25, 0);

  assert_int_equal (run (NULL, NULL, NULL, "--ledger", killed, mbox, NULL), 0);
  got = export_keys (killed, &n);
  assert_int_equal (n, total);
  assert_string_equal (want, got);
  /* the decisions agree too */
  {
    char *a = NULL, *b = NULL;
    assert_int_equal (run (&a, NULL, NULL, "ledger", "suppress", "--format", "csv", "--ledger",
                           clean, NULL), 0);
    assert_int_equal (run (&b, NULL, NULL, "ledger", "suppress", "--format", "csv", "--ledger",
                           killed, NULL), 0);
    assert_string_equal (a, b);
    assert_true (strlen (a) > 100);
    g_free (a);
    g_free (b);
  }
  g_strfreev (envp);
  g_free (want);
  g_free (got);
  g_free (mbox);
  g_free (clean);
  g_free (killed);
}

static void
test_concurrent_writers (void **state)
{
  /* a and b overlap by half: the union has 1.5 x 3000 events */
  char *a = synth_mbox ("a.mbox", 3000, 200000, 500);
  char *b = synth_mbox ("b.mbox", 3000, 201500, 500);
  char *shared = new_ledger (), *ref = new_ledger ();
  const char *argv_a[] = { binary, "--jobs", "2", "--ledger", shared, a, NULL };
  const char *argv_b[] = { binary, "--ledger", shared, b, NULL };
  char **envp = g_environ_setenv (g_get_environ (), "BOUNCECLASS_LEDGER_BATCH", "50", TRUE);
  GError *error = NULL;
  GPid pa, pb;
  int sa, sb, devnull = open ("/dev/null", O_WRONLY);
  char *want, *got;
  guint n;

  /* create the ledger first: both then only write events */
  assert_int_equal (run (NULL, NULL, NULL, "--ledger", ref, a, b, NULL), 0);
  if (!g_spawn_async_with_fds (NULL, (char **) argv_a, envp, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                               NULL, &pa, -1, devnull, -1, &error)
      || !g_spawn_async_with_fds (NULL, (char **) argv_b, envp, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                                  NULL, &pb, -1, devnull, -1, &error))
    fail_msg ("%s", error->message);
  waitpid (pa, &sa, 0);
  waitpid (pb, &sb, 0);
  g_spawn_close_pid (pa);
  g_spawn_close_pid (pb);
  close (devnull);
  assert_true (WIFEXITED (sa) && WEXITSTATUS (sa) == 0);
  assert_true (WIFEXITED (sb) && WEXITSTATUS (sb) == 0);
  want = export_keys (ref, &n);
  assert_true (n >= 4500);      /* a message may name more than one recipient */
  {
    guint m = 0;
    got = export_keys (shared, &m);
    assert_int_equal (m, n);
  }
  assert_string_equal (want, got);
  g_strfreev (envp);
  g_free (want);
  g_free (got);
  g_free (a);
  g_free (b);
  g_free (shared);
  g_free (ref);
}

/* ---- schema, corruption, locks ------------------------------------------- */

static const char v1_row[] =
  "INSERT INTO events (key, address, at, class, reason, status, rule, list_id, recorded)"
  " VALUES ('k1/0', 'old@example.com', 1790000000, 'hard', 'userunknown', '5.1.1', 'x:1', '',"
  " 1790000000);";

static void
test_migration (void **state)
{
  char *ledger = new_ledger (), *out = NULL, *err = NULL;

  if (!pg_host) {
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal (sqlite3_open (ledger, &db), SQLITE_OK);
    assert_int_equal (sqlite3_exec (db, _bc_ledger_schema_step (1, FALSE), NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal (sqlite3_exec (db, v1_row, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal (sqlite3_exec (db, "PRAGMA user_version = 1", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close (db);
    assert_int_equal (run (&out, NULL, NULL, "ledger", "export", "--format", "csv", "--ledger",
                           ledger, NULL), 0);
    assert_non_null (strstr (out, "k1/0,old@example.com,"));
    g_free (out);
    assert_int_equal (sqlite3_open (ledger, &db), SQLITE_OK);
    assert_int_equal (sqlite3_prepare_v2 (db, "SELECT (SELECT version FROM schema_version),"
                                          " (SELECT forgotten FROM events), user_version"
                                          " FROM pragma_user_version", -1, &st, NULL), SQLITE_OK);
    assert_int_equal (sqlite3_step (st), SQLITE_ROW);
    assert_int_equal (sqlite3_column_int (st, 0), BC_LEDGER_SCHEMA);
    assert_int_equal (sqlite3_column_int (st, 1), 0);
    assert_int_equal (sqlite3_column_int (st, 2), BC_LEDGER_SCHEMA);
    sqlite3_finalize (st);
    /* a ledger from the future is refused, untouched */
    assert_int_equal (sqlite3_exec (db, "UPDATE schema_version SET version = 99", NULL, NULL, NULL),
                      SQLITE_OK);
    sqlite3_close (db);
  } else {
#ifdef BC_HAVE_PG
    PGconn *c = PQconnectdb (ledger);
    PGresult *r;
    assert_int_equal (PQstatus (c), CONNECTION_OK);
    PQclear (PQexec (c, _bc_ledger_schema_step (1, TRUE)));
    r = PQexec (c, v1_row);
    assert_int_equal (PQresultStatus (r), PGRES_COMMAND_OK);
    PQclear (r);
    assert_int_equal (run (&out, NULL, NULL, "ledger", "export", "--format", "csv", "--ledger",
                           ledger, NULL), 0);
    assert_non_null (strstr (out, "k1/0,old@example.com,"));
    g_free (out);
    r = PQexec (c, "SELECT (SELECT version FROM schema_version), (SELECT forgotten FROM events)");
    assert_int_equal (PQresultStatus (r), PGRES_TUPLES_OK);
    assert_int_equal (atoi (PQgetvalue (r, 0, 0)), BC_LEDGER_SCHEMA);
    assert_int_equal (atoi (PQgetvalue (r, 0, 1)), 0);
    PQclear (r);
    PQclear (PQexec (c, "UPDATE schema_version SET version = 99"));
    PQfinish (c);
#endif
  }
  assert_int_equal (run (NULL, &err, NULL, "ledger", "suppress", "--ledger", ledger, NULL),
                    BC_EXIT_LEDGER);
  assert_non_null (strstr (err, "newer than this bounceclass"));
  g_free (err);
  g_free (ledger);
}

static void
test_corrupt (void **state)
{
  char *mbox = write_month (), *err = NULL, *out = NULL;

  if (!pg_host) {
    char *garbage = tmp_path ("garbage.db"), *foreign = tmp_path ("foreign.db"), *data = NULL;
    GString *g = g_string_new (NULL);
    gsize len;
    sqlite3 *db;

    for (int i = 0; i < 4096; i++)
      g_string_append_c (g, (char) (i * 7 + 3));
    write_file (garbage, g);
    assert_int_equal (run (&out, &err, NULL, "--ledger", garbage, mbox, NULL), BC_EXIT_LEDGER);
    assert_non_null (strstr (err, "not a bounceclass ledger or is damaged"));
    assert_string_equal (out, "");          /* nothing was classified unrecorded */
    g_free (err);
    g_free (out);
    assert_int_equal (run (NULL, &err, NULL, "ledger", "suppress", "--ledger", garbage, NULL),
                      BC_EXIT_LEDGER);
    assert_non_null (strstr (err, garbage));
    g_free (err);
    /* the file is left as it was */
    assert_true (g_file_get_contents (garbage, &data, &len, NULL));
    assert_int_equal (len, g->len);
    assert_memory_equal (data, g->str, len);
    g_free (data);

    /* a database that is not a ledger */
    assert_int_equal (sqlite3_open (foreign, &db), SQLITE_OK);
    assert_int_equal (sqlite3_exec (db, "CREATE TABLE t (x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close (db);
    assert_int_equal (run (NULL, &err, NULL, "--ledger", foreign, mbox, NULL), BC_EXIT_LEDGER);
    assert_non_null (strstr (err, "not a bounceclass ledger"));
    g_free (err);
    /* a missing ledger for a query command */
    assert_int_equal (run (NULL, &err, NULL, "ledger", "export", "--ledger", "/nonexistent/x.db",
                           NULL), BC_EXIT_LEDGER);
    assert_non_null (strstr (err, "no such ledger"));
    g_free (err);
    g_string_free (g, TRUE);
    g_free (garbage);
    g_free (foreign);
  } else {
    /* no server on that socket directory */
    char *url = g_strdup_printf ("postgresql:///x?host=%s/none&user=%s", tmpdir, pg_user);
    assert_int_equal (run (NULL, &err, NULL, "--ledger", url, mbox, NULL), BC_EXIT_LEDGER);
    assert_non_null (strstr (err, "cannot connect"));
    g_free (err);
    g_free (url);
  }
  g_free (mbox);
}

static void
test_locked (void **state)
{
  char *ledger = new_ledger (), *mbox = write_month (), *err = NULL, *out = NULL;
  const char *env[] = { "BOUNCECLASS_LEDGER_TIMEOUT_MS=300", NULL };
  sqlite3 *db = NULL;
#ifdef BC_HAVE_PG
  PGconn *c = NULL;
#endif

  /* create it, then hold the write lock from here */
  assert_int_equal (run (NULL, NULL, NULL, "ledger", "export", "--ledger", ledger, NULL),
                    pg_host ? 0 : BC_EXIT_LEDGER);
  if (!pg_host) {
    GString *empty = g_string_new (NULL);
    char *one = tmp_path ("one.eml");
    char *m = synth_message ("hard", "first@example.com", synth_time (10, 1, 1), NULL, 1);
    g_string_append (empty, m);
    write_file (one, empty);
    assert_int_equal (run (NULL, NULL, NULL, "--ledger", ledger, one, NULL), 0);
    assert_int_equal (sqlite3_open (ledger, &db), SQLITE_OK);
    assert_int_equal (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    g_string_free (empty, TRUE);
    g_free (one);
    g_free (m);
  } else {
#ifdef BC_HAVE_PG
    PGresult *r;
    c = PQconnectdb (ledger);
    assert_int_equal (PQstatus (c), CONNECTION_OK);
    r = PQexec (c, "BEGIN; LOCK TABLE events IN EXCLUSIVE MODE");
    assert_int_equal (PQresultStatus (r), PGRES_COMMAND_OK);
    PQclear (r);
#endif
  }
  assert_int_equal (run (&out, &err, env, "--ledger", ledger, mbox, NULL), BC_EXIT_LEDGER);
  assert_true (strstr (err, "lock") != NULL);
  assert_non_null (strstr (err, "not recorded; run again"));
  g_free (err);
  g_free (out);
  if (db) {
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close (db);
  }
#ifdef BC_HAVE_PG
  if (c)
    PQfinish (c);
#endif
  /* released: the rerun records everything */
  assert_int_equal (run (NULL, NULL, env, "--ledger", ledger, mbox, NULL), 0);
  assert_int_equal (count_events (ledger), G_N_ELEMENTS (month) + (pg_host ? 0 : 1));
  g_free (ledger);
  g_free (mbox);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_policy_month),
    cmocka_unit_test (test_rerun_and_forget),
    cmocka_unit_test (test_verp),
    cmocka_unit_test (test_migration),
    cmocka_unit_test (test_corrupt),
    cmocka_unit_test (test_locked),
    cmocka_unit_test (test_concurrent_writers),
    cmocka_unit_test (test_kill_and_rerun),
  };
  GError *error = NULL;
  int rc;

  binary = g_getenv ("BC_BINARY");
  if (!binary) {
    fprintf (stderr, "BC_BINARY is not set\n");
    return 1;
  }
  pg_host = g_getenv ("BC_LEDGER_PG_HOST");
  pg_user = g_getenv ("BC_LEDGER_PG_USER");
  if (pg_host && !*pg_host)
    pg_host = NULL;
  if (!pg_user)
    pg_user = "bc";
#ifndef BC_HAVE_PG
  if (pg_host) {
    fprintf (stderr, "built without PostgreSQL support\n");
    return 77;
  }
#endif
  tmpdir = g_dir_make_tmp ("bc-ledger-XXXXXX", &error);
  if (!tmpdir) {
    fprintf (stderr, "%s\n", error->message);
    return 1;
  }
  rc = cmocka_run_group_tests_name (pg_host ? "ledger-postgresql" : "ledger-sqlite", tests, NULL, NULL);
  if (!g_getenv ("BC_KEEP_TMP")) {
    char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (system (cmd) != 0)
      fprintf (stderr, "could not remove %s\n", tmpdir);
    g_free (cmd);
  }
  g_free (tmpdir);
  return rc;
}
