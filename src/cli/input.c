/* input.c - read messages from files, mboxes, Maildirs and stdin.
 *
 * Input is read in 256 KiB blocks with read(2). An mbox is split at "From "
 * lines that follow a blank line (or open the file); ">From " quoting
 * (mboxrd) is undone.
 * Only one message is in memory at a time, and at most max_message bytes of
 * it. A Maildir is read from new/ then cur/, each in name order.
 */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
  /* a copy of exactly its size: the reader's buffer is kept for the next
   * message, and a message held in a larger block costs the allocator
   * measurably more while it is classified */
  m->data = g_bytes_new (buf->str, buf->len);
  func (m, ud);
}

/* Reader - the input in blocks through read(2): no stdio locking per line,
 * and a pipe's data is taken as it comes. Lines are handed out as views
 * into the block; a line longer than the block comes in pieces, and only
 * its first piece counts as the start of a line. */
#define READ_BLOCK (256 * 1024)

typedef struct {
  int fd;
  char *buf;
  gsize start, end;
  gboolean eof, mid_line;
  int error;                /* errno of a failed read, 0 if none */
} Reader;

/* fill - reads more after what is held; FALSE at end of input or error */
static gboolean
fill (Reader *r)
{
  ssize_t got;

  if (r->eof)
    return FALSE;
  if (r->start > 0) {
    memmove (r->buf, r->buf + r->start, r->end - r->start);
    r->end -= r->start;
    r->start = 0;
  }
  do
    got = read (r->fd, r->buf + r->end, READ_BLOCK - r->end);
  while (got < 0 && errno == EINTR);
  if (got <= 0) {
    if (got < 0)
      r->error = errno;
    r->eof = TRUE;
    return FALSE;
  }
  r->end += (gsize) got;
  return TRUE;
}

/* held_line - next_line without reading: FALSE when the block holds no
 * line to hand out yet. The views it hands out stay valid until the next
 * fill(). */
static inline gboolean
held_line (Reader *r, const char **line, gsize *len, gboolean *at_start)
{
  const char *b = r->buf + r->start;
  const char *nl = memchr (b, '\n', r->end - r->start);
  gboolean full = r->start == 0 && r->end == READ_BLOCK;

  if (nl || full || (r->eof && r->end > r->start)) {
    gsize n = nl ? (gsize) (nl - b) + 1 : r->end - r->start;
    *line = b;
    *len = n;
    *at_start = !r->mid_line;
    r->mid_line = nl == NULL;
    r->start += n;
    return TRUE;
  }
  return FALSE;
}

/* next_line - the next line (with its newline, if any) or piece of one */
static gboolean
next_line (Reader *r, const char **line, gsize *len, gboolean *at_start)
{
  for (;;) {
    if (held_line (r, line, len, at_start))
      return TRUE;
    if (!fill (r))
      return r->end > r->start ? next_line (r, line, len, at_start) : FALSE;
  }
}

/* append - @len bytes at @s to @buf, as far as @max bytes allow;
 * *@truncated is set when some did not fit. Appending lines one by one or
 * all at once gives the same bytes. */
static void
append (GString *buf, const char *s, gsize len, gsize max, gboolean *truncated)
{
  if (buf->len + len > max) {
    *truncated = TRUE;
    len = buf->len < max ? max - buf->len : 0;
  }
  g_string_append_len (buf, s, len);
}

/* read_mbox - split the input into messages at "From " lines that follow
 * a blank line; @started says that the first separator line has been read
 * already. */
static void
read_mbox (Reader *r, const char *file, gsize max_message, gboolean started, BcInputFunc func,
           gpointer ud)
{
  const char *line;
  gsize n;
  gboolean at_start;
  GString *buf = g_string_sized_new (8192);
  guint64 index = 0;
  gboolean in_msg = FALSE;                 /* a message is being read into @buf */
  gboolean prev_blank = TRUE, truncated = FALSE, skip_sep_rest = FALSE;
  /* Lines that go into @buf unchanged are collected as one run of the
   * block and appended at once: before any other change to @buf, and
   * before the block is refilled (which moves its bytes). */
  const char *run = NULL;
  gsize run_len = 0;

  if (started) {
    in_msg = TRUE;
    index = 1;
    prev_blank = FALSE;
  }
#define FLUSH_RUN()                                                   \
  G_STMT_START {                                                      \
    if (run_len)                                                      \
      append (buf, run, run_len, max_message, &truncated);            \
    run_len = 0;                                                      \
  } G_STMT_END

  for (;;) {
    gboolean sep;
    if (!held_line (r, &line, &n, &at_start)) {
      FLUSH_RUN ();
      if (!next_line (r, &line, &n, &at_start))
        break;
    }
    if (!at_start) {
      /* the rest of a long line */
      if (!skip_sep_rest && in_msg) {
        FLUSH_RUN ();
        append (buf, line, n, max_message, &truncated);
      }
      continue;
    }
    skip_sep_rest = FALSE;
    sep = prev_blank && n >= 5 && memcmp (line, "From ", 5) == 0;
    if (sep) {
      FLUSH_RUN ();
      if (in_msg) {
        /* the blank line before a separator belongs to the separator */
        if (buf->len && buf->str[buf->len - 1] == '\n')
          g_string_truncate (buf, buf->len - 1);
        if (buf->len && buf->str[buf->len - 1] == '\r')
          g_string_truncate (buf, buf->len - 1);
        emit (file, index, buf, truncated, func, ud);
      }
      g_string_truncate (buf, 0);
      in_msg = TRUE;
      index++;
      truncated = FALSE;
      prev_blank = FALSE;
      skip_sep_rest = TRUE;
      continue;
    }
    prev_blank = (n == 1 && line[0] == '\n') || (n == 2 && line[0] == '\r' && line[1] == '\n');
    if (!in_msg) {                         /* text before the first separator */
      in_msg = TRUE;
      index++;
    }
    if (line[0] == '>') {
      gsize k = 0;
      while (k < n && line[k] == '>')
        k++;
      if (n - k >= 5 && memcmp (line + k, "From ", 5) == 0) {
        /* ">From " quoting undone: the line goes in without its first '>' */
        FLUSH_RUN ();
        append (buf, line + 1, n - 1, max_message, &truncated);
        continue;
      }
    }
    if (run_len && run + run_len == line) {
      run_len += n;
    } else {
      FLUSH_RUN ();
      run = line;
      run_len = n;
    }
    /* The whole lines held after a line that is not blank join the run
     * at the cost of finding their ends, as long as none can be special:
     * blank ("\n", "\r\n"), quoted ('>'), or a separator (which follows
     * a blank line). */
    while (!prev_blank && line[n - 1] == '\n') {
      const char *b = r->buf + r->start, *e = r->buf + r->end, *nl;
      if (b == e || *b == '\n' || *b == '\r' || *b == '>' || run + run_len != b ||
          !(nl = memchr (b, '\n', e - b)))
        break;
      run_len += (gsize) (nl + 1 - b);
      r->start += (gsize) (nl + 1 - b);
    }
  }
  FLUSH_RUN ();
#undef FLUSH_RUN
  if (r->error)
    emit_error (file, index + 1, g_strerror (r->error), func, ud);
  else if (in_msg)
    emit (file, index, buf, truncated, func, ud);
  g_string_free (buf, TRUE);
}

static void
read_stream (int fd, const char *file, gsize max_message, BcInputFunc func, gpointer ud)
{
  Reader r = { fd, g_malloc (READ_BLOCK), 0, 0, FALSE, FALSE, 0 };
  GString *buf;
  gboolean truncated = FALSE;

  while (r.end < 5 && fill (&r))
    ;
  if (r.end >= 5 && memcmp (r.buf, "From ", 5) == 0) {
    /* an mbox: its first line is the separator */
    const char *line;
    gsize n;
    gboolean at_start;
    while (next_line (&r, &line, &n, &at_start) && line[n - 1] != '\n')
      ;
    read_mbox (&r, file, max_message, TRUE, func, ud);
    g_free (r.buf);
    return;
  }
  buf = g_string_new (NULL);
  do {
    gsize n = r.end - r.start;
    if (buf->len + n > max_message) {
      truncated = TRUE;
      n = buf->len < max_message ? max_message - buf->len : 0;
    }
    g_string_append_len (buf, r.buf + r.start, n);
    r.start = r.end;
  } while (fill (&r));
  g_free (r.buf);
  if (r.error) {
    emit_error (file, 0, g_strerror (r.error), func, ud);
    g_string_free (buf, TRUE);
    return;
  }
  if (buf->len == 0) {
    g_string_free (buf, TRUE);
    emit_error (file, 0, "empty input", func, ud);
    return;
  }
  emit (file, 0, buf, truncated, func, ud);
  g_string_free (buf, TRUE);
}

static void
read_file (const char *path, gsize max_message, BcInputFunc func, gpointer ud)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    char *e = g_strdup_printf ("cannot open: %s", g_strerror (errno));
    emit_error (path, 0, e, func, ud);
    g_free (e);
    return;
  }
  read_stream (fd, path, max_message, func, ud);
  close (fd);
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
    read_stream (STDIN_FILENO, "-", max_message, func, ud);
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
