/* sweep.c - --sweep MAILDIR: classify each message in new/, append its
 * record to the output file, then move it to cur/ (or to --move-to's cur/).
 *
 * Every message is recorded exactly once, however often the sweep is killed
 * and rerun. Messages go in batches of BATCH (fsync is what costs). Before
 * the records of a batch are appended, MAILDIR/bounceclass-sweep.state is
 * replaced (write, fsync, rename, fsync the directory) by one line per
 * message, "NAME<TAB>OFFSET<TAB>LENGTH": where its record will start in the
 * output and how long it is. The records are then appended in one write and
 * fsync()ed, and only then are the messages moved (and the directories
 * fsync()ed). A rerun reads the state first; for each NAME still in new/:
 *   output size >= OFFSET+LENGTH   its record is there: just move it;
 *   otherwise                      cut the output back to OFFSET (dropping a
 *                                  half-written record) and classify it again.
 * Only one sweep runs on a Maildir at a time (flock on
 * MAILDIR/bounceclass-sweep.lock), and the sweep must be the only writer of
 * its output file.
 *
 * Exit status: 0 done; 1 done, but some messages could not be parsed (their
 * records carry "error"); 75 stopped early (output or move failed, another
 * sweep running): run again later, nothing is lost.
 *
 * For tests only: BOUNCECLASS_SWEEP_CRASH="N:STAGE" kills the process with
 * SIGKILL right after STAGE (state, output or move) of the batch holding the
 * N-th message of the run; BOUNCECLASS_SWEEP_BATCH sets the batch size.
 */
#include "adopt.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATE_NAME "bounceclass-sweep.state"
#define LOCK_NAME "bounceclass-sweep.lock"
#define MAX_NAME 255
#define BATCH 32

typedef struct {
  BcClassifier *cls;
  Format format;
  gboolean explain;
  char *maildir, *new_dir, *dest_cur;
  char *state_path, *state_tmp;
  int out_fd;
  guint batch;
  guint crash_n;
  char crash_stage[16];
  guint seen;               /* messages of this run before the current batch */
  gboolean any_error;
} Sweep;

typedef struct {
  char *name;
  GString *rec;
} Item;

static void
item_free (Item *it)
{
  g_free (it->name);
  g_string_free (it->rec, TRUE);
  g_free (it);
}

static void
crash_point (Sweep *s, guint n_batch, const char *stage)
{
  if (s->crash_n && s->crash_n > s->seen && s->crash_n <= s->seen + n_batch &&
      strcmp (stage, s->crash_stage) == 0)
    kill (getpid (), SIGKILL);
}

static void
fsync_dir (const char *path)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync (fd);
    close (fd);
  }
}

static gboolean
ensure_maildir (const char *dir, GError **error)
{
  static const char *const subs[] = { "cur", "new", "tmp" };

  for (guint i = 0; i < G_N_ELEMENTS (subs); i++) {
    char *p = g_build_filename (dir, subs[i], NULL);
    int r = g_mkdir_with_parents (p, 0700);
    if (r < 0) {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", p,
                   g_strerror (errno));
      g_free (p);
      return FALSE;
    }
    g_free (p);
  }
  return TRUE;
}

/* dest_name - the name in cur/: the Maildir info ":2," added when absent */
static char *
dest_name (const char *name)
{
  return strstr (name, ":2,") ? g_strdup (name) : g_strconcat (name, ":2,", NULL);
}

/* move_message - new/NAME to cur/NAME:2,; the caller fsyncs the directories */
static gboolean
move_message (Sweep *s, const char *name, GError **error)
{
  char *from = g_build_filename (s->new_dir, name, NULL);
  char *dn = dest_name (name);
  char *to = g_build_filename (s->dest_cur, dn, NULL);
  gboolean ok = TRUE;

  if (rename (from, to) < 0 && errno != ENOENT) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "moving %s to %s: %s",
                 from, to, g_strerror (errno));
    ok = FALSE;
  }
  g_free (from);
  g_free (dn);
  g_free (to);
  return ok;
}

static void
sync_moves (Sweep *s)
{
  fsync_dir (s->dest_cur);
  fsync_dir (s->new_dir);
}

static gboolean
write_state (Sweep *s, const GString *text, GError **error)
{
  int fd = open (s->state_tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  gboolean ok = fd >= 0;

  if (ok) {
    ok = write (fd, text->str, text->len) == (ssize_t) text->len && fsync (fd) == 0;
    ok = close (fd) == 0 && ok;
  }
  if (ok)
    ok = rename (s->state_tmp, s->state_path) == 0;
  if (!ok)
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", s->state_path,
                 g_strerror (errno));
  else
    fsync_dir (s->maildir);
  return ok;
}

/* recover - finish what a killed sweep left: see the file comment. */
static gboolean
recover (Sweep *s, GError **error)
{
  char *text = NULL, **lines;
  struct stat st;
  gboolean ok = TRUE, moved = FALSE;

  if (!g_file_get_contents (s->state_path, &text, NULL, NULL))
    return TRUE;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; ok && lines[i]; i++) {
    char **f = g_strsplit (lines[i], "\t", 3);
    char *path;
    if (!*lines[i]) {
      g_strfreev (f);
      continue;
    }
    if (g_strv_length (f) != 3 || !*f[0] || strchr (f[0], '/')) {
      g_printerr ("bounceclass: %s: line %u is not a sweep state; ignored\n", s->state_path,
                  i + 1);
      g_strfreev (f);
      continue;
    }
    path = g_build_filename (s->new_dir, f[0], NULL);
    if (g_file_test (path, G_FILE_TEST_EXISTS) && fstat (s->out_fd, &st) == 0) {
      gint64 offset = g_ascii_strtoll (f[1], NULL, 10);
      gint64 length = g_ascii_strtoll (f[2], NULL, 10);
      if (offset >= 0 && length > 0 && st.st_size >= offset + length) {
        /* recorded before the kill, not yet moved */
        ok = move_message (s, f[0], error);
        moved = TRUE;
      } else {
        /* not (wholly) recorded: this and every later record are redone */
        if (st.st_size > offset && offset >= 0) {
          g_printerr ("bounceclass: sweep: dropping a half-written record of %s\n", f[0]);
          if (ftruncate (s->out_fd, offset) < 0) {
            g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "truncate: %s",
                         g_strerror (errno));
            ok = FALSE;
          }
        }
        g_free (path);
        g_strfreev (f);
        break;
      }
    }
    g_free (path);
    g_strfreev (f);
  }
  if (moved)
    sync_moves (s);
  if (ok)
    unlink (s->state_path);
  g_strfreev (lines);
  g_free (text);
  return ok;
}

/* read_capped - at most @max bytes of @path; *truncated when there was more.
 * NULL with *err set when it cannot be read. */
static GBytes *
read_capped (const char *path, gsize max, gboolean *truncated, int *err)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  GByteArray *ba;
  guint8 chunk[65536];

  *truncated = FALSE;
  if (fd < 0) {
    *err = errno;
    return NULL;
  }
  ba = g_byte_array_new ();
  for (;;) {
    ssize_t n = read (fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      *err = errno;
      close (fd);
      g_byte_array_unref (ba);
      return NULL;
    }
    if (n == 0)
      break;
    if (ba->len + (gsize) n > max) {
      g_byte_array_append (ba, chunk, max - ba->len);
      *truncated = TRUE;
      break;
    }
    g_byte_array_append (ba, chunk, n);
  }
  close (fd);
  return g_byte_array_free_to_bytes (ba);
}

static int
name_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static gboolean
sane_name (const char *name)
{
  if (name[0] == '.' || strlen (name) > MAX_NAME)
    return FALSE;
  for (const char *p = name; *p; p++)
    if ((guchar) *p < 0x20 || *p == '/')
      return FALSE;
  return TRUE;
}

/* classify - the record of new/NAME, or NULL when the file has gone */
static Item *
classify (Sweep *s, const char *name)
{
  char *path = g_build_filename (s->new_dir, name, NULL);
  char *dn = dest_name (name);
  char *final = g_build_filename (s->dest_cur, dn, NULL);
  gboolean truncated = FALSE;
  int err = 0;
  GBytes *data;
  BcReport *report = NULL;
  GError *cerr = NULL;
  BcRecordInfo info = { final, 0, NULL };
  Item *it = NULL;

  data = read_capped (path, bc_classifier_get_limits (s->cls)->max_message, &truncated, &err);
  if (!data && err == ENOENT)
    goto out;   /* taken by someone else meanwhile */
  bc_cli_progress_tick ();
  if (!data)
    info.error = g_strerror (err);
  else {
    gsize len;
    const char *p = g_bytes_get_data (data, &len);
    report = bc_classifier_classify_bytes (s->cls, p, len, &cerr);
    if (!report)
      info.error = cerr->message;
    else if (truncated) {
      report->truncated = TRUE;
      g_ptr_array_add (report->warnings,
                       g_strdup ("message larger than the size limit; the rest was not read"));
    }
  }
  if (info.error) {
    s->any_error = TRUE;
    g_printerr ("bounceclass: %s: %s\n", path, info.error);
  }
  it = g_new0 (Item, 1);
  it->name = g_strdup (name);
  it->rec = g_string_new (NULL);
  bc_cli_render (s->format, s->explain, report, &info, it->rec);
out:
  g_clear_error (&cerr);
  bc_report_free (report);
  if (data)
    g_bytes_unref (data);
  g_free (path);
  g_free (dn);
  g_free (final);
  return it;
}

/* batch - classify, record and move @names[from, to). FALSE stops. */
static gboolean
batch (Sweep *s, GPtrArray *names, guint from, guint to, GError **error)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  GString *state = g_string_new (NULL), *all = g_string_new (NULL);
  struct stat st;
  gboolean ok = FALSE;
  goffset off;

  for (guint i = from; i < to; i++) {
    Item *it = classify (s, g_ptr_array_index (names, i));
    if (it)
      g_ptr_array_add (items, it);
  }
  if (items->len == 0) {
    ok = TRUE;
    goto out;
  }
  if (fstat (s->out_fd, &st) < 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "output: %s",
                 g_strerror (errno));
    goto out;
  }
  off = st.st_size;
  if (off == 0)
    bc_cli_table_header (s->format, all);
  for (guint i = 0; i < items->len; i++) {
    Item *it = g_ptr_array_index (items, i);
    gsize start = all->len;
    g_string_append_len (all, it->rec->str, it->rec->len);
    /* a header written with the first record belongs to it */
    g_string_append_printf (state, "%s\t%" G_GINT64_FORMAT "\t%" G_GSIZE_FORMAT "\n", it->name,
                            (gint64) (i == 0 ? off : off + (goffset) start),
                            i == 0 ? all->len : all->len - start);
  }
  if (!write_state (s, state, error))
    goto out;
  crash_point (s, to - from, "state");
  if (!bc_cli_output_append (s->out_fd, NULL, all, error))
    goto out;
  crash_point (s, to - from, "output");
  for (guint i = 0; i < items->len; i++)
    if (!move_message (s, ((Item *) g_ptr_array_index (items, i))->name, error))
      goto out;
  sync_moves (s);
  crash_point (s, to - from, "move");
  ok = TRUE;
out:
  s->seen += to - from;
  g_ptr_array_unref (items);
  g_string_free (state, TRUE);
  g_string_free (all, TRUE);
  return ok;
}

int
bc_cli_sweep (BcClassifier *cls, const char *maildir, const char *move_to, const char *output,
              Format format, gboolean explain)
{
  Sweep s = { 0 };
  GError *error = NULL;
  char *lock_path, *dest;
  int lock_fd = -1, status = 0;
  GDir *dir;
  GPtrArray *names;
  const char *crash = g_getenv ("BOUNCECLASS_SWEEP_CRASH");
  const char *bsize = g_getenv ("BOUNCECLASS_SWEEP_BATCH");

  s.cls = cls;
  s.format = format;
  s.explain = explain;
  s.maildir = g_strdup (maildir);
  s.new_dir = g_build_filename (maildir, "new", NULL);
  dest = !move_to ? g_strdup (maildir)
         : g_path_is_absolute (move_to) ? g_strdup (move_to)
         : g_build_filename (maildir, move_to, NULL);
  s.dest_cur = g_build_filename (dest, "cur", NULL);
  s.state_path = g_build_filename (maildir, STATE_NAME, NULL);
  s.state_tmp = g_build_filename (maildir, STATE_NAME ".tmp", NULL);
  s.out_fd = -1;
  s.batch = BATCH;
  if (bsize && atoi (bsize) > 0)
    s.batch = MIN (atoi (bsize), 10000);
  if (crash && sscanf (crash, "%u:%15s", &s.crash_n, s.crash_stage) != 2)
    s.crash_n = 0;

  lock_path = g_build_filename (maildir, LOCK_NAME, NULL);
  if (!g_file_test (s.new_dir, G_FILE_TEST_IS_DIR)) {
    g_printerr ("bounceclass: %s is not a Maildir (no new/)\n", maildir);
    status = 2;
    goto out;
  }
  lock_fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0 || flock (lock_fd, LOCK_EX | LOCK_NB) < 0) {
    g_printerr ("bounceclass: %s: %s\n", lock_path,
                errno == EWOULDBLOCK ? "another sweep is running" : g_strerror (errno));
    status = BC_EXIT_TEMPFAIL;
    goto out;
  }
  if (!ensure_maildir (dest, &error))
    goto fail;
  s.out_fd = bc_cli_output_open (output);
  if (s.out_fd < 0) {
    g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", output,
                 g_strerror (errno));
    goto fail;
  }
  if (!recover (&s, &error))
    goto fail;

  dir = g_dir_open (s.new_dir, 0, &error);
  if (!dir)
    goto fail;
  names = g_ptr_array_new_with_free_func (g_free);
  for (const char *n; (n = g_dir_read_name (dir));)
    if (sane_name (n))
      g_ptr_array_add (names, g_strdup (n));
  g_dir_close (dir);
  g_ptr_array_sort (names, name_cmp);
  for (guint i = 0; i < names->len && !error; i += s.batch)
    if (!batch (&s, names, i, MIN (i + s.batch, names->len), &error) && !error)
      g_set_error (&error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "sweep stopped");
  g_ptr_array_unref (names);
  if (error)
    goto fail;
  unlink (s.state_path);
  status = s.any_error ? 1 : 0;
  goto out;
fail:
  g_printerr ("bounceclass: sweep of %s stopped: %s\n", maildir, error->message);
  g_error_free (error);
  status = BC_EXIT_TEMPFAIL;
out:
  if (s.out_fd >= 0)
    close (s.out_fd);
  if (lock_fd >= 0)
    close (lock_fd);
  g_free (lock_path);
  g_free (dest);
  g_free (s.maildir);
  g_free (s.new_dir);
  g_free (s.dest_cur);
  g_free (s.state_path);
  g_free (s.state_tmp);
  return status;
}
