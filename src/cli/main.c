/* main.c - the bounceclass command: read messages, classify, print.
 *
 * Messages are read in input order and written in input order. With
 * --jobs N > 1, N worker processes (procpool.c, which says why not
 * threads) classify and format them while this process reads and writes.
 * Messages go to the workers in batches of up to BATCH messages (or
 * BATCH_BYTES), so that they synchronise once per batch rather than once
 * per message; at most WINDOW batches per worker are in flight, so memory stays
 * bounded however large the mailbox. With --ledger or --summary, whose
 * state lives in this process, a GThreadPool does the same work in threads.
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
#include "procpool.h"

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

  /* parallel state: worker processes, or (pool) threads */
  BcProcPool *procs;
  GQueue inflight;          /* (Job *) sent to procs, not yet written, in order */
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
 * On one thread it makes no difference, so it is done only when threads
 * classify (--jobs > 1 with --summary or --ledger), before any input is read (standard input is passed on untouched). If the
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

static gboolean
has_prefix_arg (char **argv, const char *prefix)
{
  for (guint i = 0; argv[i]; i++)
    if (g_str_has_prefix (argv[i], prefix))
      return TRUE;
  return FALSE;
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

/* ---- worker processes (procpool.c) ----------------------------------------
 *
 * A request is a batch of messages, each: flags (1 truncated, 2 error),
 * index (guint64), then the file name, the error and the message, each
 * as a guint64 length and its bytes. An answer is one byte (1 when a
 * message could not be read) and the records. */

static void
put_u64 (GByteArray *ba, guint64 v)
{
  g_byte_array_append (ba, (const guint8 *) &v, sizeof v);
}

static void
put_bytes (GByteArray *ba, const void *data, gsize len)
{
  put_u64 (ba, len);
  if (len)
    g_byte_array_append (ba, data, (guint) len);
}

static void
encode_msg (GByteArray *ba, const BcInputMsg *msg)
{
  gsize len = 0;
  const void *data = msg->data ? g_bytes_get_data (msg->data, &len) : NULL;

  put_u64 (ba, (msg->truncated ? 1 : 0) | (msg->error ? 2 : 0));
  put_u64 (ba, msg->index);
  put_bytes (ba, msg->file, strlen (msg->file));
  put_bytes (ba, msg->error, msg->error ? strlen (msg->error) : 0);
  put_bytes (ba, data, len);
}

/* encode_job - @job's messages as a request; their bytes are released
 * (the pool keeps the request until it is answered) */
static GBytes *
encode_job (Job *job)
{
  GByteArray *ba = g_byte_array_new ();

  for (guint i = 0; i < job->msgs->len; i++) {
    BcInputMsg *msg = g_ptr_array_index (job->msgs, i);
    encode_msg (ba, msg);
    g_clear_pointer (&msg->data, g_bytes_unref);
  }
  return g_byte_array_free_to_bytes (ba);
}

static gboolean
get_u64 (const guint8 **p, const guint8 *end, guint64 *v)
{
  if ((gsize) (end - *p) < sizeof *v)
    return FALSE;
  memcpy (v, *p, sizeof *v);
  *p += sizeof *v;
  return TRUE;
}

static gboolean
get_bytes (const guint8 **p, const guint8 *end, guint64 *len)
{
  if (!get_u64 (p, end, len) || *len > (guint64) (end - *p))
    return FALSE;
  *p += *len;
  return TRUE;
}

/* decode_next - the message at *@p of @request (encode_msg()) into @msg,
 * whose data refers to @request; FALSE at the end */
static gboolean
decode_next (GBytes *request, const guint8 **p, BcInputMsg *msg)
{
  gsize size;
  const guint8 *start = g_bytes_get_data (request, &size), *end = start + size;
  guint64 flags, flen, elen, dlen;
  const guint8 *f, *e, *d;

  memset (msg, 0, sizeof *msg);
  if (!get_u64 (p, end, &flags) || !get_u64 (p, end, &msg->index) ||
      (f = *p + 8, !get_bytes (p, end, &flen)) || (e = *p + 8, !get_bytes (p, end, &elen)) ||
      (d = *p + 8, !get_bytes (p, end, &dlen)))
    return FALSE;
  msg->file = g_strndup ((const char *) f, flen);
  msg->error = flags & 2 ? g_strndup ((const char *) e, elen) : NULL;
  msg->truncated = (flags & 1) != 0;
  if (!msg->error)
    msg->data = g_bytes_new_from_bytes (request, d - start, dlen);
  return TRUE;
}

static void
decoded_clear (BcInputMsg *msg)
{
  g_free (msg->file);
  g_free (msg->error);
  if (msg->data)
    g_bytes_unref (msg->data);
}

/* answer_batch - in a worker: classify and format the messages of
 * @request (encode_job()) */
static GBytes *
answer_batch (GBytes *request, gpointer user_data)
{
  App *app = user_data;
  const guint8 *p = g_bytes_get_data (request, NULL);
  GString *out = g_string_new_len ("", 1);   /* the error byte, set below */
  gboolean err = FALSE;
  BcInputMsg msg;

  while (decode_next (request, &p, &msg)) {
    GString *one = classify_one (app, &msg, &err, NULL);
    g_string_append_len (out, one->str, one->len);
    g_string_free (one, TRUE);
    decoded_clear (&msg);
  }
  out->str[0] = err ? 1 : 0;
  return g_string_free_to_bytes (out);
}

/* take_answer - the records of @answer (answer_batch()) appended to @s;
 * notes an error */
static void
take_answer (App *app, GBytes *answer, GString *s)
{
  gsize len;
  const char *data = g_bytes_get_data (answer, &len);

  if (len && data[0])
    app->any_error = TRUE;
  if (len > 1)
    g_string_append_len (s, data + 1, len - 1);
}

/* rescue - a worker died on the batch @failed: each of its messages is
 * classified alone, each in a worker of its own, so that only the message
 * that kills a worker goes without its answer: its record says why */
static void
rescue (App *app, GBytes *failed, GString *s)
{
  const guint8 *p = g_bytes_get_data (failed, NULL);
  BcInputMsg msg;

  while (decode_next (failed, &p, &msg)) {
    GByteArray *ba = g_byte_array_new ();
    GBytes *one, *answer;
    char *why = NULL;
    encode_msg (ba, &msg);
    one = g_byte_array_free_to_bytes (ba);
    answer = bc_proc_pool_run_alone (app->procs, one, &why);
    if (answer) {
      take_answer (app, answer, s);
      g_bytes_unref (answer);
    } else {
      BcRecordInfo info = { msg.file, msg.index, why };
      app->any_error = TRUE;
      if (msg.index)
        g_printerr ("bounceclass: %s (message %" G_GUINT64_FORMAT "): %s\n", msg.file, msg.index, why);
      else
        g_printerr ("bounceclass: %s: %s\n", msg.file, why);
      bc_cli_render (app->format, app->explain, NULL, &info, s);
      g_free (why);
    }
    g_bytes_unref (one);
    decoded_clear (&msg);
  }
}

/* emit - write @s (taken), the records of the next batch in order, with its
 * --ledger items (taken, may be NULL); mark the batch's remote messages */
static void
emit (App *app, GString *s, GPtrArray *ledger)
{
  GArray *ids = g_queue_pop_head (&app->remote_ids);

  bc_ledger_cli_record (ledger);
  /* written (and committed to the --ledger), then the messages are marked */
  if (ids && bc_ledger_cli_sync ())
    bc_fetch_write (s, (const guint64 *) (gpointer) ids->data, ids->len);
  else
    write_out (s);
  if (ids)
    g_array_unref (ids);
}

/* receive_next - read the answer to the oldest batch in flight and write
 * it; when its worker died on it, rescue() answers its messages one by one */
static void
receive_next (App *app)
{
  Job *job = g_queue_pop_head (&app->inflight);
  char *why = NULL;
  GBytes *failed = NULL;
  GBytes *answer = bc_proc_pool_receive (app->procs, job->seq, &why, &failed);
  GString *s = g_string_new (NULL);

  if (answer) {
    take_answer (app, answer, s);
    g_bytes_unref (answer);
  } else {
    g_printerr ("bounceclass: %s; its messages are classified again one by one\n", why);
    rescue (app, failed, s);
    g_bytes_unref (failed);
    g_free (why);
  }
  app->next_out++;
  emit (app, s, NULL);
  g_ptr_array_unref (job->msgs);
  g_free (job);
}

/* flush_pending - hand the batch being filled to the workers, then write
 * what is done and wait while WINDOW batches per worker are in flight. */
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
  if (app->procs) {
    GBytes *req = encode_job (job);
    bc_proc_pool_send (app->procs, job->seq, req);
    g_bytes_unref (req);
    g_queue_push_tail (&app->inflight, job);
    while (app->next_seq - app->next_out > (guint64) WINDOW * app->jobs)
      receive_next (app);
    return;
  }
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
      emit (app, s, ledger);
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
    if (app->procs) {
      flush_pending (app);
      while (app->next_out < app->next_seq)
        receive_next (app);
    } else if (app->pool) {
      flush_pending (app);
      g_mutex_lock (&app->lock);
      drain (app, app->next_seq, TRUE);
      g_mutex_unlock (&app->lock);
    }
    return;
  }
  bc_cli_progress_tick ();
  if (!app->pool && !app->procs) {
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
    { "jobs", 'J', 0, G_OPTION_ARG_INT, &jobs, "Classify in N worker processes (default 1; 0 = one per core)", "N" },
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
  /* only threads share GSlice's magazines: worker processes do not (the
   * ledger opens later, so its option is looked for in the arguments) */
  if (jobs != 1 && (bc_cli_render_counts () || g_strv_contains ((const char *const *) orig_argv, "--ledger") ||
                    has_prefix_arg (orig_argv, "--ledger=")))
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
  g_queue_init (&app.inflight);
  if (app.jobs > 1 && !bc_ledger_cli_enabled () && !bc_cli_render_counts () &&
      !(app.procs = bc_proc_pool_new (app.jobs, answer_batch, &app))) {
    bc_classifier_free (app.cls);
    g_strfreev (rules);
    g_strfreev (paths);
    return bc_cli_fail_status ();
  }
  if (app.jobs > 1 && !app.procs) {
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

  if (app.procs) {
    flush_pending (&app);
    while (app.next_out < app.next_seq)
      receive_next (&app);
    bc_proc_pool_free (app.procs);
  }
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
