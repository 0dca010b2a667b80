/* state.c - the state file of a remote run: which messages of a mailbox
 * have been written, so that a rerun after a crash processes nothing twice
 * and skips nothing.
 *
 * A GKeyFile, group [bounceclass]:
 *   source=imaps://user@host:993/INBOX   the mailbox it belongs to
 *   uidvalidity=N                        IMAP: UIDs below are of this value
 *   done=K;K;...                         written; maybe not marked yet
 *   pending=K;K;...                      the batch being written, and where
 *   pending-offset=O  pending-length=L   its records go in the output (-1:
 *                                        not a regular file)
 * Keys are IMAP UIDs in decimal, or POP3 UIDLs (printable ASCII, checked).
 * The file is replaced atomically (write PATH.tmp, fsync, rename, fsync the
 * directory), and PATH.lock is flock()ed while a run uses it. The state is
 * trusted input of our own making, but still bounded: at most MAX_STATE
 * bytes are read.
 */
#include "fetch-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define GROUP "bounceclass"
#define MAX_STATE (256u << 20)

char *
_bc_fetch_state_default_path (const char *proto, const char *source)
{
  const char *xdg = g_getenv ("XDG_STATE_HOME");
  char *dir = xdg && g_path_is_absolute (xdg)
                ? g_build_filename (xdg, "bounceclass", NULL)
                : g_build_filename (g_get_home_dir (), ".local", "state", "bounceclass", NULL);
  char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, source, -1);
  char *name, *path;

  hash[16] = '\0';
  name = g_strdup_printf ("%s-%s.state", proto, hash);
  path = g_build_filename (dir, name, NULL);
  g_free (dir);
  g_free (hash);
  g_free (name);
  return path;
}

static void
add_keys (GHashTable *set, GPtrArray *arr, char **list)
{
  for (guint i = 0; list && list[i]; i++) {
    if (!*list[i])
      continue;
    if (set)
      g_hash_table_add (set, g_strdup (list[i]));
    else
      g_ptr_array_add (arr, g_strdup (list[i]));
  }
}

gboolean
_bc_fetch_state_open (BcFetchState *st, const char *path, const char *source, GError **error)
{
  char *dir = g_path_get_dirname (path);
  char *lock = g_strconcat (path, ".lock", NULL);
  GKeyFile *kf = NULL;
  char *text = NULL;
  gsize len = 0;
  GError *err = NULL;
  gboolean ok = FALSE;

  st->path = g_strdup (path);
  st->source = g_strdup (source);
  st->lock_fd = -1;
  st->done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  st->pending = g_ptr_array_new_with_free_func (g_free);
  st->pending_offset = -1;

  if (g_mkdir_with_parents (dir, 0700) < 0) {
    g_set_error (error, BC_FETCH_ERROR, 2, "state directory %s: %s", dir, g_strerror (errno));
    goto out;
  }
  st->lock_fd = open (lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (st->lock_fd < 0) {
    g_set_error (error, BC_FETCH_ERROR, 2, "%s: %s", lock, g_strerror (errno));
    goto out;
  }
  if (flock (st->lock_fd, LOCK_EX | LOCK_NB) < 0) {
    g_set_error (error, BC_FETCH_ERROR, BC_FETCH_EXIT_TEMPFAIL,
                 "%s is in use by another bounceclass run", path);
    goto out;
  }
  if (!g_file_get_contents (path, &text, &len, &err)) {
    if (g_error_matches (err, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
      g_clear_error (&err);
      ok = TRUE;
    } else {
      g_set_error (error, BC_FETCH_ERROR, 2, "state file: %s", err->message);
      g_error_free (err);
    }
    goto out;
  }
  if (len > MAX_STATE) {
    g_set_error (error, BC_FETCH_ERROR, 2, "state file %s is larger than %u bytes", path,
                 MAX_STATE);
    goto out;
  }
  kf = g_key_file_new ();
  if (!g_key_file_load_from_data (kf, text, len, G_KEY_FILE_NONE, &err)) {
    g_set_error (error, BC_FETCH_ERROR, 2, "state file %s: %s", path, err->message);
    g_error_free (err);
    goto out;
  }
  {
    char *src = g_key_file_get_string (kf, GROUP, "source", NULL);
    char **done = g_key_file_get_string_list (kf, GROUP, "done", NULL, NULL);
    char **pend = g_key_file_get_string_list (kf, GROUP, "pending", NULL, NULL);

    if (g_strcmp0 (src, source) != 0) {
      g_set_error (error, BC_FETCH_ERROR, 2,
                   "state file %s belongs to %s, not to %s; name another with --state", path,
                   src ? src : "(nothing)", source);
    } else {
      st->uidvalidity = g_key_file_get_uint64 (kf, GROUP, "uidvalidity", NULL);
      add_keys (st->done, NULL, done);
      add_keys (NULL, st->pending, pend);
      st->pending_offset = g_key_file_get_int64 (kf, GROUP, "pending-offset", NULL);
      st->pending_length = g_key_file_get_int64 (kf, GROUP, "pending-length", NULL);
      if (!g_key_file_has_key (kf, GROUP, "pending-offset", NULL))
        st->pending_offset = -1;
      ok = TRUE;
    }
    g_free (src);
    g_strfreev (done);
    g_strfreev (pend);
  }
out:
  if (kf)
    g_key_file_free (kf);
  g_free (text);
  g_free (dir);
  g_free (lock);
  return ok;
}

static void
fsync_dir (const char *path)
{
  char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync (fd);
    close (fd);
  }
  g_free (dir);
}

static int
cmp_keys (gconstpointer a, gconstpointer b)
{
  const char *x = *(char *const *) a, *y = *(char *const *) b;
  size_t lx = strlen (x), ly = strlen (y);
  /* numbers in numeric order; UIDLs in any stable order */
  return lx != ly ? (lx < ly ? -1 : 1) : strcmp (x, y);
}

gboolean
_bc_fetch_state_save (BcFetchState *st, GError **error)
{
  GKeyFile *kf = g_key_file_new ();
  GPtrArray *done = g_ptr_array_new ();
  GHashTableIter it;
  gpointer key;
  char *data, *tmp;
  gsize len;
  int fd;
  gboolean ok;

  g_key_file_set_comment (kf, NULL, NULL,
                          " bounceclass remote state: messages written (see docs/remote.md)",
                          NULL);
  g_key_file_set_string (kf, GROUP, "source", st->source);
  if (st->uidvalidity)
    g_key_file_set_uint64 (kf, GROUP, "uidvalidity", st->uidvalidity);
  g_hash_table_iter_init (&it, st->done);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_ptr_array_add (done, key);
  g_ptr_array_sort (done, cmp_keys);
  g_key_file_set_string_list (kf, GROUP, "done", (const char *const *) done->pdata, done->len);
  if (st->pending->len) {
    g_key_file_set_string_list (kf, GROUP, "pending", (const char *const *) st->pending->pdata,
                                st->pending->len);
    g_key_file_set_int64 (kf, GROUP, "pending-offset", st->pending_offset);
    g_key_file_set_int64 (kf, GROUP, "pending-length", st->pending_length);
  }
  g_ptr_array_free (done, TRUE);
  data = g_key_file_to_data (kf, &len, NULL);
  g_key_file_free (kf);

  tmp = g_strconcat (st->path, ".tmp", NULL);
  fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ok = fd >= 0;
  if (ok) {
    ok = write (fd, data, len) == (ssize_t) len && fsync (fd) == 0;
    ok = close (fd) == 0 && ok;
  }
  if (ok)
    ok = rename (tmp, st->path) == 0;
  if (!ok) {
    g_set_error (error, BC_FETCH_ERROR, BC_FETCH_EXIT_TEMPFAIL, "writing the state file %s: %s",
                 st->path, g_strerror (errno));
    unlink (tmp);
  } else
    fsync_dir (st->path);
  g_free (tmp);
  g_free (data);
  return ok;
}

void
_bc_fetch_state_forget (BcFetchState *st)
{
  g_hash_table_remove_all (st->done);
  g_ptr_array_set_size (st->pending, 0);
  st->pending_offset = -1;
  st->pending_length = 0;
}

void
_bc_fetch_state_prune (BcFetchState *st, GHashTable *present)
{
  GHashTableIter it;
  gpointer key;

  g_hash_table_iter_init (&it, st->done);
  while (g_hash_table_iter_next (&it, &key, NULL))
    if (!g_hash_table_contains (present, key))
      g_hash_table_iter_remove (&it);
}

void
_bc_fetch_state_settle (BcFetchState *st)
{
  for (guint i = 0; i < st->pending->len; i++)
    g_hash_table_add (st->done, g_strdup (g_ptr_array_index (st->pending, i)));
  g_ptr_array_set_size (st->pending, 0);
  st->pending_offset = -1;
  st->pending_length = 0;
}

void
_bc_fetch_state_close (BcFetchState *st)
{
  if (st->lock_fd >= 0)
    close (st->lock_fd);
  st->lock_fd = -1;
  g_clear_pointer (&st->done, g_hash_table_unref);
  g_clear_pointer (&st->pending, g_ptr_array_unref);
  g_clear_pointer (&st->path, g_free);
  g_clear_pointer (&st->source, g_free);
}
