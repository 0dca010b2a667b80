/* main.c - the bounceclass command: read messages, classify, print.
 *
 * Messages are read in input order and written in input order. With
 * --jobs N > 1 a GThreadPool classifies and formats them while this thread
 * reads. Messages go to the pool in batches of up to BATCH messages (or
 * BATCH_BYTES), so that threads synchronise once per batch rather than once
 * per message; at most WINDOW batches per worker are in flight, so memory stays
 * bounded however large the mailbox.
 *
 * Exit status: 0 every message was read, 1 some input could not be read
 * (its record carries "error"), 2 usage error or unreadable rules file,
 * 3 the --ledger could not be opened or written (src/ledger/cli.c),
 * 75 under --pipe or --sweep when a result could not be written; 4, 5, 6
 * and 75 for a remote mailbox (src/fetch/fetch.h).
 *
 * A remote mailbox (imaps://...) is read by src/fetch: its messages carry a
 * remote_id, and their records go out through bc_fetch_write(), which marks
 * them on the server once written. It calls on_message (NULL) when all read
 * so far must be written out.
 *
 * With --ledger, each message's events are prepared where it is classified
 * and recorded by the thread that writes output, so in input order.
 */
#include <bounceclass/bounceclass.h>
#include "bc-config.h"
#include "input.h"
#include "adopt.h"
#include "ledger/ledger.h"
#include "fetch/fetch.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define WINDOW 4
#define BATCH 32
#define BATCH_BYTES (1u << 20)

/* Format (text, json, tsv, csv) is declared in adopt.h */

typedef struct {
  BcClassifier *cls;
  Format format;
  gboolean explain;
  guint jobs;
  gboolean any_error;

  /* parallel state */
  GThreadPool *pool;
  GMutex lock;
  GCond cond;
  guint64 next_seq;         /* sequence number of the next batch sent */
  guint64 next_out;         /* sequence number of the next batch written */
  GHashTable *done;         /* seq -> GString * (formatted output) */
  GHashTable *ledger_done;  /* seq -> GPtrArray * (ledger items), with --ledger */
  struct _Job *pending;     /* the batch being filled */
  gsize pending_bytes;
  GArray *pending_ids;      /* remote_id of the batch's remote messages (src/fetch) */
  GQueue remote_ids;        /* one GArray * (or NULL) per batch sent, in order */
} App;

typedef struct _Job {
  guint64 seq;
  GPtrArray *msgs;          /* (BcInputMsg *) in input order */
} Job;

/* slice_to_malloc - with GLib older than 2.76, run the rest of the program
 * with G_SLICE=always-malloc, by executing ourselves again with it set.
 *
 * GMime's objects and GLib's containers come from g_slice_alloc(), whose
 * magazine layer (GLib < 2.76; later versions made it plain malloc) keeps
 * per-thread caches that trade chunks through one locked depot. With two
 * threads classifying, that made --jobs 2 take a third more CPU time than
 * --jobs 1 for the same messages: 1.24 times the one-thread speed on 2
 * cores, against 1.70 with the variable set (perf stat -r 5, 10,000
 * messages). GSlice reads the variable once, when GLib initialises itself
 * before main(), so setting it here is too late; a new image reads it.
 * On one thread it makes no difference, so it is done only for --jobs > 1,
 * before any input is read (standard input is passed on untouched). If the
 * exec fails, the program simply goes on as it is. */
static void
slice_to_malloc (char **argv)
{
  if (glib_check_version (2, 76, 0) == NULL || g_getenv ("G_SLICE"))
    return;
  g_setenv ("G_SLICE", "always-malloc", TRUE);
  fflush (NULL);
  execv ("/proc/self/exe", argv);
}

/* classify_one - the formatted record(s) for one input message. Errors go
 * to stderr too. */
static GString *
classify_one (App *app, BcInputMsg *msg, gboolean *had_error, GPtrArray *ledger)
{
  GString *out = g_string_sized_new (1024);
  BcRecordInfo info = { msg->file, msg->index, msg->error };
  BcReport *report = NULL;
  GError *error = NULL;
  char *err_text = NULL;

  if (!msg->error) {
    gsize len;
    const char *data = g_bytes_get_data (msg->data, &len);
    report = bc_classifier_classify_bytes (app->cls, data, len, &error);
    if (!report) {
      err_text = g_strdup (error->message);
      info.error = err_text;
      g_error_free (error);
    } else if (msg->truncated) {
      report->truncated = TRUE;
      g_ptr_array_add (report->warnings, g_strdup ("message larger than the size limit; the rest was not read"));
    }
  }
  if (info.error) {
    *had_error = TRUE;
    if (msg->index)
      g_printerr ("bounceclass: %s (message %" G_GUINT64_FORMAT "): %s\n", msg->file, msg->index, info.error);
    else
      g_printerr ("bounceclass: %s: %s\n", msg->file, info.error);
  }
  bc_cli_render (app->format, app->explain, report, &info, out);
  if (ledger && report && !info.error)
    g_ptr_array_add (ledger, bc_ledger_cli_prepare (report, msg->data));
  bc_report_free (report);
  g_free (err_text);
  return out;
}

static void
write_out (GString *s)
{
  fwrite (s->str, 1, s->len, stdout);
  g_string_free (s, TRUE);
}

static void drain (App *app, guint64 upto, gboolean wait);

static void
worker (gpointer data, gpointer user_data)
{
  Job *job = data;
  App *app = user_data;
  gboolean err = FALSE;
  GString *out = NULL;
  GPtrArray *ledger = app->ledger_done ? g_ptr_array_new_with_free_func (bc_ledger_cli_item_free) : NULL;

  for (guint i = 0; i < job->msgs->len; i++) {
    GString *one = classify_one (app, g_ptr_array_index (job->msgs, i), &err, ledger);
    if (!out)
      out = one;
    else {
      g_string_append_len (out, one->str, one->len);
      g_string_free (one, TRUE);
    }
  }
  if (!out)
    out = g_string_new (NULL);
  g_mutex_lock (&app->lock);
  if (err)
    app->any_error = TRUE;
  g_hash_table_insert (app->done, GUINT_TO_POINTER ((guint) job->seq), out);
  if (ledger)
    g_hash_table_insert (app->ledger_done, GUINT_TO_POINTER ((guint) job->seq), ledger);
  g_cond_broadcast (&app->cond);
  g_mutex_unlock (&app->lock);
  g_ptr_array_unref (job->msgs);
  g_free (job);
}

/* flush_pending - hand the batch being filled to the pool, then write what
 * is done and wait while WINDOW batches per worker are in flight. */
static void
flush_pending (App *app)
{
  Job *job = app->pending;

  if (!job)
    return;
  app->pending = NULL;
  app->pending_bytes = 0;
  job->seq = app->next_seq++;
  g_queue_push_tail (&app->remote_ids, app->pending_ids);
  app->pending_ids = NULL;
  g_thread_pool_push (app->pool, job, NULL);
  g_mutex_lock (&app->lock);
  drain (app, app->next_seq > (guint64) WINDOW * app->jobs
                  ? app->next_seq - (guint64) WINDOW * app->jobs : 0, TRUE);
  g_mutex_unlock (&app->lock);
}

/* drain - write every finished record that is next in order; with @wait,
 * block until the records up to @upto are written. Called with the lock. */
static void
drain (App *app, guint64 upto, gboolean wait)
{
  for (;;) {
    GString *s;
    while ((s = g_hash_table_lookup (app->done, GUINT_TO_POINTER ((guint) app->next_out)))) {
      GPtrArray *ledger = NULL;
      g_hash_table_remove (app->done, GUINT_TO_POINTER ((guint) app->next_out));
      if (app->ledger_done)
        g_hash_table_steal_extended (app->ledger_done, GUINT_TO_POINTER ((guint) app->next_out),
                                     NULL, (gpointer *) &ledger);
      app->next_out++;
      g_mutex_unlock (&app->lock);
      bc_ledger_cli_record (ledger);
      {
        GArray *ids = g_queue_pop_head (&app->remote_ids);
        /* written (and committed to the --ledger), then the messages are marked */
        if (ids && bc_ledger_cli_sync ())
          bc_fetch_write (s, (const guint64 *) (gpointer) ids->data, ids->len);
        else
          write_out (s);
        if (ids)
          g_array_unref (ids);
      }
      g_mutex_lock (&app->lock);
    }
    if (!wait || app->next_out >= upto)
      return;
    g_cond_wait (&app->cond, &app->lock);
  }
}

static void
on_message (BcInputMsg *msg, gpointer user_data)
{
  App *app = user_data;

  if (!msg) {                   /* a remote source waits: write out all read so far */
    if (app->pool) {
      flush_pending (app);
      g_mutex_lock (&app->lock);
      drain (app, app->next_seq, TRUE);
      g_mutex_unlock (&app->lock);
    }
    return;
  }
  bc_cli_progress_tick ();
  if (!app->pool) {
    gboolean err = FALSE;
    GPtrArray *ledger = bc_ledger_cli_enabled () ? g_ptr_array_new_with_free_func (bc_ledger_cli_item_free) : NULL;
    GString *rec = classify_one (app, msg, &err, ledger);
    bc_ledger_cli_record (ledger);
    if (msg->remote_id && bc_ledger_cli_sync ())
      bc_fetch_write (rec, &msg->remote_id, 1);
    else
      write_out (rec);
    if (err)
      app->any_error = TRUE;
    bc_input_msg_free (msg);
    return;
  }
  if (!app->pending) {
    app->pending = g_new0 (Job, 1);
    app->pending->msgs = g_ptr_array_new_with_free_func ((GDestroyNotify) bc_input_msg_free);
  }
  g_ptr_array_add (app->pending->msgs, msg);
  if (msg->remote_id) {
    if (!app->pending_ids)
      app->pending_ids = g_array_new (FALSE, FALSE, sizeof (guint64));
    g_array_append_val (app->pending_ids, msg->remote_id);
  }
  app->pending_bytes += msg->data ? g_bytes_get_size (msg->data) : 0;
  if (app->pending->msgs->len >= BATCH || app->pending_bytes >= BATCH_BYTES)
    flush_pending (app);
}

static gboolean
parse_format (const char *name, const char *value, gpointer data, GError **error)
{
  Format *f = data;
  if (g_strcmp0 (value, "text") == 0)
    *f = FMT_TEXT;
  else if (g_strcmp0 (value, "json") == 0)
    *f = FMT_JSON;
  else if (g_strcmp0 (value, "tsv") == 0)
    *f = FMT_TSV;
  else if (g_strcmp0 (value, "csv") == 0)
    *f = FMT_CSV;
  else {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 "unknown format '%s' (use text, json, tsv or csv)", value);
    return FALSE;
  }
  return TRUE;
}

int
main (int argc, char **argv)
{
  App app = { 0 };
  gboolean json = FALSE, version = FALSE;
  char **rules = NULL, **paths = NULL;
  gint jobs = 1, max_rcpts = 0, max_msec = 0;
  gint64 max_size = 0;
  Format format = FMT_TEXT;
  GError *error = NULL;
  BcLimits limits;
  GOptionContext *ctx;
  GOptionGroup *group;
  GOptionEntry entries[] = {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, "Write JSON Lines, one object per message", NULL },
    { "format", 'f', 0, G_OPTION_ARG_CALLBACK, (gpointer) parse_format,
      "Output format: text (default), json, tsv or csv", "FORMAT" },
    { "explain", 'e', 0, G_OPTION_ARG_NONE, &app.explain,
      "Show the rule that fired and the evidence it matched", NULL },
    { "rules", 'r', 0, G_OPTION_ARG_FILENAME_ARRAY, &rules,
      "Add a rules file; it takes precedence over the built-in rules (repeatable)", "FILE" },
    { "jobs", 'J', 0, G_OPTION_ARG_INT, &jobs, "Classify on N threads (default 1; 0 = one per core)", "N" },
    { "max-size", 0, 0, G_OPTION_ARG_INT64, &max_size,
      "Read at most BYTES of each message (default 32 MiB)", "BYTES" },
    { "max-recipients", 0, 0, G_OPTION_ARG_INT, &max_rcpts,
      "Report at most N recipients per message (default 10000)", "N" },
    { "time-limit", 0, 0, G_OPTION_ARG_INT, &max_msec,
      "Spend at most MS milliseconds classifying one message (default 2000)", "MS" },
    { "version", 'V', 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, "[PATH...]" },
    { NULL }
  };
  int status = 0, fetch_status = 0;
  char **orig_argv;

  if (argc > 1 && strcmp (argv[1], "ledger") == 0)
    return bc_ledger_command_main (argc - 1, argv + 1);
  bc_ledger_cli_prescan (argc, argv);
  bc_cli_prescan (argc, argv);
  orig_argv = g_strdupv (argv);     /* g_option_context_parse() edits argv */
  ctx = g_option_context_new ("[PATH...] - classify bounce messages");
  g_option_context_set_summary (ctx,
    "Reads bounces (DSNs, NDRs, feedback reports, auto-replies) and says for each\n"
    "recipient what happened and what the sender should do. A PATH is a message\n"
    "file, an mbox or a Maildir; with no PATH, or '-', standard input is read.\n"
    "A PATH imaps://USER@HOST/FOLDER, imap:// (STARTTLS), pop3s:// or pop3://\n"
    "(STARTTLS) reads a remote mailbox; see the IMAP/POP3 options and remote.md.");
  g_option_context_set_description (ctx,
    "Exit status: 0 every message was read; 1 some input could not be read (its\n"
    "record carries an error); 2 usage error or bad rules file; 3 the --ledger\n"
    "could not be opened or written (corrupt, locked, server gone; what was not\n"
    "recorded is reported, and a rerun records it once); 75 (EX_TEMPFAIL)\n"
    "under --pipe or --sweep when the result could not be written.\n"
    "Remote mailboxes: 4 login refused; 5 TLS failed (certificate not trusted or\n"
    "not for this host, no STARTTLS); 6 the server refused (no such folder); 75\n"
    "server unreachable, connection lost, or a mark failed: run again, nothing\n"
    "is lost or processed twice.\n"
    "'bounceclass ledger --help' lists the commands on the ledger.\n"
    "See bounceclass(1) and bounceclass-rules(5).");
  group = g_option_group_new (NULL, NULL, NULL, &format, NULL);
  g_option_group_add_entries (group, entries);
  g_option_group_add_entries (group, bc_cli_entries ());
  g_option_group_add_entries (group, bc_fetch_entries ());
  g_option_group_add_entries (group, bc_ledger_cli_entries ());
  g_option_context_set_main_group (ctx, group);
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("bounceclass: %s\nTry 'bounceclass --help'.\n", error->message);
    g_error_free (error);
    g_option_context_free (ctx);
    g_strfreev (orig_argv);
    return bc_cli_fail_status ();
  }
  g_option_context_free (ctx);
  if (jobs != 1)
    slice_to_malloc (orig_argv);
  g_strfreev (orig_argv);
  if (version) {
    printf ("bounceclass %s (libbounceclass %s, GMime %u.%u.%u)\n", BC_VERSION, bc_version (),
            gmime_major_version, gmime_minor_version, gmime_micro_version);
    g_strfreev (rules);
    g_strfreev (paths);
    return 0;
  }
  if (jobs < 0 || max_size < 0 || max_rcpts < 0 || max_msec < 0) {
    g_printerr ("bounceclass: --jobs, --max-size, --max-recipients and --time-limit take a number >= 0\n");
    g_strfreev (rules);
    g_strfreev (paths);
    return bc_cli_fail_status ();
  }
  if (!bc_fetch_check_options (paths)) {
    g_strfreev (rules);
    g_strfreev (paths);
    return bc_cli_fail_status ();
  }
  app.format = json ? FMT_JSON : format;

  bc_limits_init (&limits);
  if (max_size > 0)
    limits.max_message = (gsize) max_size;
  if (max_rcpts > 0)
    limits.max_recipients = max_rcpts;
  if (max_msec > 0)
    limits.max_msec = max_msec;
  app.cls = bc_classifier_new (&limits, &error);
  if (!app.cls) {
    g_printerr ("bounceclass: built-in rules: %s\n", error->message);
    g_error_free (error);
    g_strfreev (rules);
    g_strfreev (paths);
    return bc_cli_fail_status ();
  }
  for (guint i = 0; rules && rules[i]; i++) {
    if (!bc_classifier_add_rules_file (app.cls, rules[i], &error)) {
      g_printerr ("bounceclass: %s\n", error->message);
      g_error_free (error);
      bc_classifier_free (app.cls);
      g_strfreev (rules);
      g_strfreev (paths);
      return bc_cli_fail_status ();
    }
  }
  if ((status = bc_ledger_cli_start ()) >= 0) {
    bc_classifier_free (app.cls);
    g_strfreev (rules);
    g_strfreev (paths);
    return status == 2 ? bc_cli_fail_status () : status;
  }
  if ((status = bc_cli_prepare (app.cls, app.format, app.explain)) >= 0) {
    bc_classifier_free (app.cls);
    g_strfreev (rules);
    g_strfreev (paths);
    return status;
  }
  status = 0;

  app.jobs = jobs == 0 ? g_get_num_processors () : (guint) jobs;
  if (app.jobs > 1) {
    g_mutex_init (&app.lock);
    g_cond_init (&app.cond);
    app.done = g_hash_table_new (g_direct_hash, g_direct_equal);
    if (bc_ledger_cli_enabled ())
      app.ledger_done = g_hash_table_new (g_direct_hash, g_direct_equal);
    app.pool = g_thread_pool_new (worker, &app, app.jobs, TRUE, NULL);
  }

  if (!paths || !paths[0])
    bc_input_read ("-", limits.max_message, on_message, &app);
  else
    for (guint i = 0; paths[i]; i++)
      if (bc_fetch_is_url (paths[i])) {
        int st = bc_fetch_run (paths[i], limits.max_message, on_message, &app);
        fetch_status = MAX (fetch_status, st);
      } else
        bc_input_read (paths[i], limits.max_message, on_message, &app);

  if (app.pool) {
    flush_pending (&app);
    g_mutex_lock (&app.lock);
    drain (&app, app.next_seq, TRUE);
    g_mutex_unlock (&app.lock);
    g_thread_pool_free (app.pool, FALSE, TRUE);
    g_hash_table_unref (app.done);
    if (app.ledger_done)
      g_hash_table_unref (app.ledger_done);
    g_mutex_clear (&app.lock);
    g_cond_clear (&app.cond);
  }
  if (!bc_cli_finish (app.format))
    app.any_error = TRUE;
  fflush (stdout);
  if (app.any_error)
    status = 1;
  if (fetch_status)
    status = fetch_status;
  if (bc_ledger_cli_finish () >= 0)
    status = BC_EXIT_LEDGER;
  bc_classifier_free (app.cls);
  g_strfreev (rules);
  g_strfreev (paths);
  return status;
}
