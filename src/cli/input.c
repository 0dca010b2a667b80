/* input.c - read messages from files, mboxes, Maildirs and stdin.
 *
 * An mbox is read a line at a time and split at "From " lines that follow
 * a blank line (or open the file); ">From " quoting (mboxrd) is undone.
 * Only one message is in memory at a time, and at most max_message bytes of
 * it. A Maildir is read from new/ then cur/, each in name order.
 */
#include "input.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

void
bc_input_msg_free (BcInputMsg *msg)
{
  if (!msg)
    return;
  g_free (msg->file);
  g_free (msg->error);
  if (msg->data)
    g_bytes_unref (msg->data);
  g_free (msg);
}

static void
emit_error (const char *file, guint64 index, const char *error, BcInputFunc func, gpointer ud)
{
  BcInputMsg *m = g_new0 (BcInputMsg, 1);
  m->file = g_strdup (file);
  m->index = index;
  m->error = g_strdup (error);
  func (m, ud);
}

static void
emit (const char *file, guint64 index, GString *buf, gboolean truncated, BcInputFunc func,
      gpointer ud)
{
  BcInputMsg *m = g_new0 (BcInputMsg, 1);
  m->file = g_strdup (file);
  m->index = index;
  m->truncated = truncated;
  m->data = g_string_free_to_bytes (buf);
  func (m, ud);
}

/* read_mbox - split @fp into messages; @started says that the first "From "
 * separator line has been read already. */
static void
read_mbox (FILE *fp, const char *file, gsize max_message, gboolean started, BcInputFunc func,
           gpointer ud)
{
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  GString *buf = NULL;
  guint64 index = 0;
  gboolean prev_blank = TRUE, truncated = FALSE;

  if (started) {
    buf = g_string_sized_new (8192);
    index = 1;
    prev_blank = FALSE;
  }
  while ((n = getline (&line, &cap, fp)) >= 0) {
    gboolean sep = prev_blank && n >= 5 && memcmp (line, "From ", 5) == 0;
    if (sep) {
      if (buf) {
        /* the blank line before a separator belongs to the separator */
        if (buf->len && buf->str[buf->len - 1] == '\n')
          g_string_truncate (buf, buf->len - 1);
        if (buf->len && buf->str[buf->len - 1] == '\r')
          g_string_truncate (buf, buf->len - 1);
        emit (file, index, buf, truncated, func, ud);
      }
      buf = g_string_sized_new (8192);
      index++;
      truncated = FALSE;
      prev_blank = FALSE;
      continue;
    }
    prev_blank = (n == 1 && line[0] == '\n') || (n == 2 && line[0] == '\r' && line[1] == '\n');
    if (!buf) {                            /* text before the first separator */
      buf = g_string_sized_new (8192);
      index++;
    }
    {
      const char *l = line;
      gsize len = n;
      if (line[0] == '>') {
        gsize k = 0;
        while (k < len && line[k] == '>')
          k++;
        if (len - k >= 5 && memcmp (line + k, "From ", 5) == 0)
          l++, len--;
      }
      if (buf->len + len > max_message) {
        truncated = TRUE;
        len = buf->len < max_message ? max_message - buf->len : 0;
      }
      g_string_append_len (buf, l, len);
    }
  }
  if (ferror (fp)) {
    if (buf)
      g_string_free (buf, TRUE);
    emit_error (file, index + 1, g_strerror (errno), func, ud);
  } else if (buf) {
    emit (file, index, buf, truncated, func, ud);
  }
  free (line);
}

static void
read_stream (FILE *fp, const char *file, gsize max_message, BcInputFunc func, gpointer ud)
{
  char head[5];
  size_t got = fread (head, 1, sizeof head, fp);
  GString *buf;
  gboolean truncated = FALSE;
  char chunk[65536];
  size_t n;

  if (got == 5 && memcmp (head, "From ", 5) == 0) {
    /* an mbox: the rest of this first line is the separator */
    int c;
    while ((c = getc (fp)) != EOF && c != '\n')
      ;
    read_mbox (fp, file, max_message, TRUE, func, ud);
    return;
  }
  buf = g_string_new_len (head, got);
  while ((n = fread (chunk, 1, sizeof chunk, fp)) > 0) {
    if (buf->len + n > max_message) {
      truncated = TRUE;
      n = buf->len < max_message ? max_message - buf->len : 0;
    }
    g_string_append_len (buf, chunk, n);
  }
  if (ferror (fp)) {
    emit_error (file, 0, g_strerror (errno), func, ud);
    g_string_free (buf, TRUE);
    return;
  }
  if (buf->len == 0) {
    g_string_free (buf, TRUE);
    emit_error (file, 0, "empty input", func, ud);
    return;
  }
  emit (file, 0, buf, truncated, func, ud);
}

static void
read_file (const char *path, gsize max_message, BcInputFunc func, gpointer ud)
{
  FILE *fp = fopen (path, "rb");
  if (!fp) {
    char *e = g_strdup_printf ("cannot open: %s", g_strerror (errno));
    emit_error (path, 0, e, func, ud);
    g_free (e);
    return;
  }
  read_stream (fp, path, max_message, func, ud);
  fclose (fp);
}

static int
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static gboolean
read_maildir (const char *path, gsize max_message, BcInputFunc func, gpointer ud)
{
  static const char *const subs[] = { "new", "cur" };
  gboolean any = FALSE;

  for (guint s = 0; s < G_N_ELEMENTS (subs); s++) {
    char *dir = g_build_filename (path, subs[s], NULL);
    GDir *d = g_dir_open (dir, 0, NULL);
    GPtrArray *names;
    const char *name;

    if (!d) {
      g_free (dir);
      continue;
    }
    any = TRUE;
    names = g_ptr_array_new_with_free_func (g_free);
    while ((name = g_dir_read_name (d)))
      if (name[0] != '.')
        g_ptr_array_add (names, g_strdup (name));
    g_dir_close (d);
    g_ptr_array_sort (names, cmp_str);
    for (guint i = 0; i < names->len; i++) {
      char *f = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      read_file (f, max_message, func, ud);
      g_free (f);
    }
    g_ptr_array_unref (names);
    g_free (dir);
  }
  return any;
}

void
bc_input_read (const char *path, gsize max_message, BcInputFunc func, gpointer ud)
{
  struct stat st;

  if (strcmp (path, "-") == 0) {
    read_stream (stdin, "-", max_message, func, ud);
    return;
  }
  if (stat (path, &st) != 0) {
    char *e = g_strdup_printf ("cannot open: %s", g_strerror (errno));
    emit_error (path, 0, e, func, ud);
    g_free (e);
    return;
  }
  if (S_ISDIR (st.st_mode)) {
    if (!read_maildir (path, max_message, func, ud))
      emit_error (path, 0, "is a directory, and not a Maildir (no cur/ or new/)", func, ud);
    return;
  }
  read_file (path, max_message, func, ud);
}
