/* adopt.c - output formats, --fields, --summary, the progress line, --output,
 * the VERP options and --pipe (one message from an MTA).
 *
 * --pipe reads one message on standard input and exits 0 once its record is
 * written (and, with --output, flushed to disk under an exclusive lock, so
 * that concurrent deliveries append whole records). Anything that stops the
 * record from being written exits 75, EX_TEMPFAIL, so that Postfix pipe(8)
 * or an Exim pipe transport defers the bounce and tries again later: mail is
 * never dropped because bounceclass failed. A message that is not a bounce,
 * or cannot be parsed, still gets its record and exits 0. A leading mbox
 * "From " line is dropped.
 *
 * The progress line is drawn only when stderr is a terminal, at most four
 * times a second, once a run has taken more than a second (the environment
 * variable BOUNCECLASS_PROGRESS_DELAY_MS changes that delay, for tests).
 */
#include "adopt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static struct {
  /* options */
  char *fields_spec;
  gboolean summary;
  gboolean no_header;
  char *output;
  gboolean pipe;
  char *sweep;
  char *move_to;
  char *verp_prefix;
  char *verp_delimiters;
  gboolean no_verp;
  gboolean no_progress;

  char **fields;            /* parsed --fields, or NULL */
  gboolean piped;           /* --pipe seen by the prescan */

  /* --summary counts */
  GMutex lock;
  guint64 messages, errors, recipients, empty;
  GHashTable *by_class, *by_reason, *by_action;

  /* progress */
  gboolean progress_on;
  gint64 start_us, last_us, delay_us;
  guint64 ticks;
  gboolean progress_drawn;
} S;

static const GOptionEntry entries[] = {
  { "fields", 'F', 0, G_OPTION_ARG_STRING, &S.fields_spec,
    "Columns to print, comma-separated (tsv, csv and text; with json one flat object per "
    "recipient)", "LIST" },
  { "no-header", 0, 0, G_OPTION_ARG_NONE, &S.no_header, "Leave out the tsv/csv header line", NULL },
  { "summary", 's', 0, G_OPTION_ARG_NONE, &S.summary,
    "At the end, print counts per class, reason and action", NULL },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &S.output,
    "Append records to FILE instead of standard output", "FILE" },
  { "pipe", 0, 0, G_OPTION_ARG_NONE, &S.pipe,
    "MTA delivery mode: one message on stdin; exit 75 (EX_TEMPFAIL) unless its record was "
    "written", NULL },
  { "sweep", 0, 0, G_OPTION_ARG_FILENAME, &S.sweep,
    "Classify each message in MAILDIR/new, append its record to --output, then move it to "
    "cur/; safe to kill and rerun", "MAILDIR" },
  { "move-to", 0, 0, G_OPTION_ARG_FILENAME, &S.move_to,
    "With --sweep, move messages to the cur/ of this Maildir folder (relative to MAILDIR)",
    "FOLDER" },
  { "verp-prefix", 0, 0, G_OPTION_ARG_STRING, &S.verp_prefix,
    "Decode only VERP addresses whose local part starts with PREFIX", "PREFIX" },
  { "verp-delimiters", 0, 0, G_OPTION_ARG_STRING, &S.verp_delimiters,
    "VERP separator and '@' stand-in (default \"+=\"; \"-=\" for qmail/ezmlm)", "XY" },
  { "no-verp", 0, 0, G_OPTION_ARG_NONE, &S.no_verp,
    "Do not decode the bounce's VERP envelope recipient", NULL },
  { "no-progress", 0, 0, G_OPTION_ARG_NONE, &S.no_progress,
    "Never draw the progress line on a terminal", NULL },
  { NULL }
};

const GOptionEntry *
bc_cli_entries (void)
{
  return entries;
}

void
bc_cli_prescan (int argc, char **argv)
{
  for (int i = 1; i < argc; i++) {
    if (strcmp (argv[i], "--") == 0)
      break;
    if (strcmp (argv[i], "--pipe") == 0)
      S.piped = TRUE;
  }
}

int
bc_cli_fail_status (void)
{
  return S.piped || S.pipe ? BC_EXIT_TEMPFAIL : 2;
}

/* ---- rendering and --summary --------------------------------------------- */

static void
count (GHashTable *t, const char *key)
{
  gpointer v = g_hash_table_lookup (t, key);
  g_hash_table_insert (t, (gpointer) key, GSIZE_TO_POINTER (GPOINTER_TO_SIZE (v) + 1));
}

static void
summary_add (const BcReport *report, const BcRecordInfo *info)
{
  g_mutex_lock (&S.lock);
  S.messages++;
  if (info->error)
    S.errors++;
  else if (!report || report->recipients->len == 0)
    S.empty++;
  if (report && !info->error)
    for (guint i = 0; i < report->recipients->len; i++) {
      const BcRecipient *r = g_ptr_array_index (report->recipients, i);
      S.recipients++;
      /* every key is a static string: class, action and reason names */
      count (S.by_class, bc_class_to_string (r->klass));
      count (S.by_reason, r->reason);
      count (S.by_action, bc_action_to_string (r->action));
    }
  g_mutex_unlock (&S.lock);
}

void
bc_cli_render (Format format, gboolean explain, const BcReport *report, const BcRecordInfo *info,
               GString *out)
{
  const char *const *fields = (const char *const *) S.fields;

  switch (format) {
  case FMT_JSON:
    if (fields)
      bc_report_append_json_fields (report, info, fields, out);
    else
      bc_report_append_json (report, info, out);
    break;
  case FMT_TSV:
    bc_report_append_table (report, info, BC_TABLE_TSV, fields, out);
    break;
  case FMT_CSV:
    bc_report_append_table (report, info, BC_TABLE_CSV, fields, out);
    break;
  case FMT_TEXT:
  default:
    if (fields)
      bc_report_append_table (report, info, BC_TABLE_TEXT, fields, out);
    else
      bc_report_append_text (report, info, explain, out);
    break;
  }
  if (S.summary)
    summary_add (report, info);
}

void
bc_cli_table_header (Format format, GString *out)
{
  if (S.no_header)
    return;
  if (format == FMT_TSV)
    bc_table_append_header (BC_TABLE_TSV, (const char *const *) S.fields, out);
  else if (format == FMT_CSV)
    bc_table_append_header (BC_TABLE_CSV, (const char *const *) S.fields, out);
}

static int
key_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* sorted_keys - @t's keys by name, for output that does not depend on
 * hashing order. */
static GPtrArray *
sorted_keys (GHashTable *t)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter it;
  gpointer k;

  g_hash_table_iter_init (&it, t);
  while (g_hash_table_iter_next (&it, &k, NULL))
    g_ptr_array_add (keys, k);
  g_ptr_array_sort (keys, key_cmp);
  return keys;
}

static void
summary_json_group (GString *out, const char *name, GHashTable *t)
{
  GPtrArray *keys = sorted_keys (t);

  g_string_append_printf (out, ",\"%s\":{", name);
  for (guint i = 0; i < keys->len; i++) {
    const char *k = g_ptr_array_index (keys, i);
    /* keys are taxonomy names: lower-case letters and '-' only */
    g_string_append_printf (out, "%s\"%s\":%" G_GSIZE_FORMAT, i ? "," : "", k,
                            GPOINTER_TO_SIZE (g_hash_table_lookup (t, k)));
  }
  g_string_append_c (out, '}');
  g_ptr_array_unref (keys);
}

static void
summary_text_group (GString *out, const char *name, GHashTable *t)
{
  GPtrArray *keys = sorted_keys (t);

  for (guint i = 0; i < keys->len; i++) {
    const char *k = g_ptr_array_index (keys, i);
    g_string_append_printf (out, "  %-7s %-16s %" G_GSIZE_FORMAT "\n", name, k,
                            GPOINTER_TO_SIZE (g_hash_table_lookup (t, k)));
  }
  g_ptr_array_unref (keys);
}

static void
summary_print (Format format)
{
  GString *out = g_string_new (NULL);
  /* the summary goes where it cannot break a table being read by a program */
  gboolean to_stderr = !S.output && (format == FMT_TSV || format == FMT_CSV || S.fields);

  if (format == FMT_JSON && !to_stderr) {
    g_string_append_printf (out, "{\"summary\":{\"messages\":%" G_GUINT64_FORMAT
                            ",\"errors\":%" G_GUINT64_FORMAT ",\"not_bounces\":%" G_GUINT64_FORMAT
                            ",\"recipients\":%" G_GUINT64_FORMAT,
                            S.messages, S.errors, S.empty, S.recipients);
    summary_json_group (out, "class", S.by_class);
    summary_json_group (out, "reason", S.by_reason);
    summary_json_group (out, "action", S.by_action);
    g_string_append (out, "}}\n");
  } else {
    g_string_append_printf (out, "summary: %" G_GUINT64_FORMAT " messages, %" G_GUINT64_FORMAT
                            " unreadable, %" G_GUINT64_FORMAT " without failed recipients, %"
                            G_GUINT64_FORMAT " recipients\n",
                            S.messages, S.errors, S.empty, S.recipients);
    summary_text_group (out, "class", S.by_class);
    summary_text_group (out, "reason", S.by_reason);
    summary_text_group (out, "action", S.by_action);
  }
  if (to_stderr)
    fputs (out->str, stderr);
  else if (S.output) {
    /* records went to the file; the summary is for whoever ran us */
    fflush (stdout);
    if (write (STDOUT_FILENO, out->str, out->len) < 0)
      g_printerr ("bounceclass: writing the summary: %s\n", g_strerror (errno));
  } else
    fputs (out->str, stdout);
  g_string_free (out, TRUE);
}

/* ---- progress ------------------------------------------------------------ */

static void
progress_init (void)
{
  const char *d = g_getenv ("BOUNCECLASS_PROGRESS_DELAY_MS");

  S.progress_on = !S.no_progress && !S.pipe && isatty (STDERR_FILENO);
  S.delay_us = d ? g_ascii_strtoll (d, NULL, 10) * 1000 : G_USEC_PER_SEC;
  S.start_us = g_get_monotonic_time ();
}

static void
progress_draw (gint64 now)
{
  double secs = (now - S.start_us) / 1e6;
  char line[128];
  int n = g_snprintf (line, sizeof line, "\rbounceclass: %" G_GUINT64_FORMAT " messages, %.0f/s ",
                      S.ticks, secs > 0 ? S.ticks / secs : 0.0);
  if (write (STDERR_FILENO, line, MIN (n, (int) sizeof line - 1)) > 0)
    S.progress_drawn = TRUE;
  S.last_us = now;
}

void
bc_cli_progress_tick (void)
{
  gint64 now;

  S.ticks++;
  if (!S.progress_on)
    return;
  now = g_get_monotonic_time ();
  if (now - S.start_us >= S.delay_us && now - S.last_us >= G_USEC_PER_SEC / 4)
    progress_draw (now);
}

static void
progress_clear (void)
{
  static const char blank[] = "\r                                                            \r";

  if (S.progress_drawn && write (STDERR_FILENO, blank, sizeof blank - 1) < 0)
    S.progress_drawn = FALSE;
  S.progress_drawn = FALSE;
}

/* ---- output file ----------------------------------------------------------- */

int
bc_cli_output_open (const char *path)
{
  return open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

static gboolean
write_all (int fd, const char *p, gsize n, GError **error)
{
  while (n > 0) {
    ssize_t w = write (fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      int e = w < 0 ? errno : EIO;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s", g_strerror (e));
      return FALSE;
    }
    p += w;
    n -= (gsize) w;
  }
  return TRUE;
}

/* bc_cli_output_append - appends @rec (after @header when the file is
 * empty) under an exclusive flock(), then fsync()s. */
gboolean
bc_cli_output_append (int fd, const char *header, const GString *rec, GError **error)
{
  struct stat st;
  gboolean ok = TRUE;
  GString *all;

  if (flock (fd, LOCK_EX) < 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "lock: %s",
                 g_strerror (errno));
    return FALSE;
  }
  all = g_string_new (NULL);
  if (header && *header && fstat (fd, &st) == 0 && st.st_size == 0)
    g_string_append (all, header);
  g_string_append_len (all, rec->str, rec->len);
  /* one write, so a reader never sees half a record from a live writer */
  ok = write_all (fd, all->str, all->len, error);
  if (ok && fsync (fd) < 0 && errno != EINVAL) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "fsync: %s",
                 g_strerror (errno));
    ok = FALSE;
  }
  flock (fd, LOCK_UN);
  g_string_free (all, TRUE);
  return ok;
}

/* ---- --pipe ------------------------------------------------------------- */

static int
run_pipe (BcClassifier *cls, Format format, gboolean explain)
{
  gsize max = bc_classifier_get_limits (cls)->max_message;
  GByteArray *buf = g_byte_array_new ();
  gboolean truncated = FALSE;
  guint8 chunk[65536];
  BcRecordInfo info = { "-", 0, NULL };
  BcReport *report;
  GError *error = NULL;
  GString *rec = g_string_new (NULL), *header = g_string_new (NULL);
  int status = 0;

  for (;;) {
    ssize_t n = read (STDIN_FILENO, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      g_printerr ("bounceclass: reading standard input: %s\n", g_strerror (errno));
      g_byte_array_unref (buf);
      g_string_free (rec, TRUE);
      g_string_free (header, TRUE);
      return BC_EXIT_TEMPFAIL;
    }
    if (n == 0)
      break;
    /* read to the end even past the limit, so the MTA's write never fails */
    if (buf->len + (gsize) n > max)
      truncated = TRUE;
    if (buf->len < max)
      g_byte_array_append (buf, chunk, MIN ((gsize) n, max - buf->len));
  }
  bc_cli_progress_tick ();
  /* an mbox "From " line (Exim's default message_prefix, procmail) is not
   * part of the message */
  if (buf->len > 5 && memcmp (buf->data, "From ", 5) == 0) {
    guint8 *nl = memchr (buf->data, '\n', buf->len);
    g_byte_array_remove_range (buf, 0, nl ? (guint) (nl - buf->data + 1) : buf->len);
  }
  report = bc_classifier_classify_bytes (cls, (const char *) buf->data, buf->len, &error);
  if (!report) {
    info.error = error->message;
    g_printerr ("bounceclass: standard input: %s\n", error->message);
  } else if (truncated) {
    report->truncated = TRUE;
    g_ptr_array_add (report->warnings,
                     g_strdup ("message larger than the size limit; the rest was not read"));
  }
  bc_cli_render (format, explain, report, &info, rec);
  bc_cli_table_header (format, header);
  if (S.output) {
    int fd = bc_cli_output_open (S.output);
    GError *werr = NULL;
    if (fd < 0) {
      g_printerr ("bounceclass: %s: %s\n", S.output, g_strerror (errno));
      status = BC_EXIT_TEMPFAIL;
    } else {
      if (!bc_cli_output_append (fd, header->str, rec, &werr)) {
        g_printerr ("bounceclass: %s: %s\n", S.output, werr->message);
        g_error_free (werr);
        status = BC_EXIT_TEMPFAIL;
      }
      if (close (fd) < 0 && status == 0) {
        g_printerr ("bounceclass: %s: %s\n", S.output, g_strerror (errno));
        status = BC_EXIT_TEMPFAIL;
      }
    }
  } else {
    if (!S.no_header)
      fputs (header->str, stdout);
    fwrite (rec->str, 1, rec->len, stdout);
    if (fflush (stdout) != 0 || ferror (stdout)) {
      g_printerr ("bounceclass: writing standard output: %s\n", g_strerror (errno));
      status = BC_EXIT_TEMPFAIL;
    }
  }
  g_clear_error (&error);
  bc_report_free (report);
  g_byte_array_unref (buf);
  g_string_free (rec, TRUE);
  g_string_free (header, TRUE);
  return status;
}

/* ---- set-up and finish --------------------------------------------------- */

int
bc_cli_prepare (BcClassifier *cls, Format format, gboolean explain)
{
  GError *error = NULL;

  g_mutex_init (&S.lock);
  S.by_class = g_hash_table_new (g_str_hash, g_str_equal);
  S.by_reason = g_hash_table_new (g_str_hash, g_str_equal);
  S.by_action = g_hash_table_new (g_str_hash, g_str_equal);
  if (S.fields_spec && !(S.fields = bc_output_fields_parse (S.fields_spec, &error))) {
    g_printerr ("bounceclass: --fields: %s\n", error->message);
    g_error_free (error);
    return bc_cli_fail_status ();
  }
  if (!bc_classifier_set_verp (cls, S.no_verp ? BC_VERP_OFF : BC_VERP_AUTO, S.verp_prefix,
                               S.verp_delimiters, &error)) {
    g_printerr ("bounceclass: %s\n", error->message);
    g_error_free (error);
    return bc_cli_fail_status ();
  }
  if (S.pipe && S.sweep) {
    g_printerr ("bounceclass: --pipe and --sweep exclude each other\n");
    return bc_cli_fail_status ();
  }
  if (S.move_to && !S.sweep) {
    g_printerr ("bounceclass: --move-to needs --sweep\n");
    return bc_cli_fail_status ();
  }
  progress_init ();
  if (S.pipe)
    return run_pipe (cls, format, explain);
  if (S.sweep) {
    int status;
    if (!S.output) {
      g_printerr ("bounceclass: --sweep needs --output FILE, where records are kept\n");
      return bc_cli_fail_status ();
    }
    status = bc_cli_sweep (cls, S.sweep, S.move_to, S.output, format, explain);
    progress_clear ();
    if (S.summary)
      summary_print (format);
    return status;
  }
  if (S.output) {
    struct stat st;
    if (!freopen (S.output, "a", stdout)) {
      g_printerr ("bounceclass: %s: %s\n", S.output, g_strerror (errno));
      return bc_cli_fail_status ();
    }
    if (fstat (fileno (stdout), &st) == 0 && st.st_size > 0)
      S.no_header = TRUE;   /* appending to a table that has its header */
  }
  {
    GString *h = g_string_new (NULL);
    bc_cli_table_header (format, h);
    fputs (h->str, stdout);
    g_string_free (h, TRUE);
  }
  return -1;
}

gboolean
bc_cli_finish (Format format)
{
  gboolean ok;

  progress_clear ();
  ok = fflush (stdout) == 0 && !ferror (stdout);
  if (!ok)
    g_printerr ("bounceclass: writing the output: %s\n", g_strerror (errno));
  if (S.summary)
    summary_print (format);
  return ok;
}
