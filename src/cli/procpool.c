/* procpool.c - worker processes for --jobs (procpool.h says why).
 *
 * Each worker is a fork of the program once its rules are compiled, so the
 * compiled rules are shared with it page for page. It talks to the parent
 * over two Unix sockets: requests in, answers out, each a frame of a 64-bit
 * length and that many bytes. A thread in the worker takes requests in as
 * they come, so the parent's sends never wait on a worker busy with an
 * earlier one (and a worker writing a long answer never waits on a parent
 * blocked in a send). The parent sends with MSG_NOSIGNAL: a worker that
 * died shows as an end of file where its answer should be, not as a
 * SIGPIPE that would end the parent too. */
#include "procpool.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
  guint64 seq;
  GBytes *request;
} Pending;

typedef struct {
  pid_t pid;                /* -1 when it could not be started */
  int req_fd;               /* the parent's end: requests out */
  int ans_fd;               /* the parent's end: answers in */
  GQueue pending;           /* (Pending *) sent, not yet answered, in order */
} Worker;

struct _BcProcPool {
  guint n;
  Worker *w;
  BcProcFunc func;
  gpointer user_data;
};

static gboolean
write_all (int fd, const void *buf, gsize len)
{
  const char *p = buf;

  while (len > 0) {
    ssize_t k = send (fd, p, len, MSG_NOSIGNAL);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return FALSE;
    p += k;
    len -= (gsize) k;
  }
  return TRUE;
}

static gboolean
read_all (int fd, void *buf, gsize len)
{
  char *p = buf;

  while (len > 0) {
    ssize_t k = read (fd, p, len);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return FALSE;
    p += k;
    len -= (gsize) k;
  }
  return TRUE;
}

static gboolean
write_frame (int fd, GBytes *b)
{
  gsize len;
  const void *data = g_bytes_get_data (b, &len);
  guint64 n = len;

  return write_all (fd, &n, sizeof n) && write_all (fd, data, len);
}

/* read_frame - the next frame on @fd, NULL at the end or on an error */
static GBytes *
read_frame (int fd)
{
  guint64 n;
  char *buf;

  if (!read_all (fd, &n, sizeof n) || n > G_MAXSIZE / 2)
    return NULL;
  buf = g_malloc (n ? n : 1);
  if (!read_all (fd, buf, n)) {
    g_free (buf);
    return NULL;
  }
  return g_bytes_new_take (buf, n);
}

/* ---- the worker ----------------------------------------------------------- */

static int end_marker;                   /* pushed at the end of the requests */

typedef struct {
  int fd;
  GAsyncQueue *q;
} Reader;

static gpointer
reader (gpointer data)
{
  Reader *r = data;
  GBytes *b;

  while ((b = read_frame (r->fd)))
    g_async_queue_push (r->q, b);
  g_async_queue_push (r->q, &end_marker);
  return NULL;
}

static void G_GNUC_NORETURN
worker_main (int req_fd, int ans_fd, BcProcFunc func, gpointer user_data)
{
  Reader r = { req_fd, g_async_queue_new () };
  gpointer item;

  g_thread_unref (g_thread_new ("requests", reader, &r));
  while ((item = g_async_queue_pop (r.q)) != &end_marker) {
    GBytes *answer = func (item, user_data);
    gboolean ok = write_frame (ans_fd, answer);
    g_bytes_unref (answer);
    g_bytes_unref (item);
    if (!ok)
      _exit (1);                         /* the parent is gone */
  }
  /* not exit(): the atexit handlers and stdio buffers are the parent's */
  _exit (0);
}

/* ---- the parent ----------------------------------------------------------- */

static gboolean
spawn (BcProcPool *pool, Worker *w)
{
  int req[2], ans[2];
  pid_t pid;

  w->pid = -1;
  w->req_fd = w->ans_fd = -1;
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, req) < 0)
    return FALSE;
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ans) < 0) {
    close (req[0]);
    close (req[1]);
    return FALSE;
  }
  fflush (NULL);
  pid = fork ();
  if (pid < 0) {
    close (req[0]);
    close (req[1]);
    close (ans[0]);
    close (ans[1]);
    return FALSE;
  }
  if (pid == 0) {
    int null = open ("/dev/null", O_RDONLY);
    /* the other workers' sockets: held here, they would never see their
     * end of file if the parent died */
    for (guint i = 0; i < pool->n; i++)
      if (&pool->w[i] != w) {
        if (pool->w[i].req_fd >= 0)
          close (pool->w[i].req_fd);
        if (pool->w[i].ans_fd >= 0)
          close (pool->w[i].ans_fd);
      }
    close (req[1]);
    close (ans[0]);
    if (null >= 0) {
      dup2 (null, STDIN_FILENO);          /* the input is the parent's */
      close (null);
    }
    worker_main (req[0], ans[1], pool->func, pool->user_data);
  }
  close (req[0]);
  close (ans[1]);
  w->pid = pid;
  w->req_fd = req[1];
  w->ans_fd = ans[0];
  return TRUE;
}

BcProcPool *
bc_proc_pool_new (guint n, BcProcFunc func, gpointer user_data)
{
  BcProcPool *pool = g_new0 (BcProcPool, 1);

  pool->n = n;
  pool->w = g_new0 (Worker, n);
  pool->func = func;
  pool->user_data = user_data;
  for (guint i = 0; i < n; i++)
    pool->w[i].req_fd = pool->w[i].ans_fd = -1;
  for (guint i = 0; i < n; i++) {
    g_queue_init (&pool->w[i].pending);
    if (!spawn (pool, &pool->w[i])) {
      g_printerr ("bounceclass: cannot start a worker process: %s\n", g_strerror (errno));
      bc_proc_pool_free (pool);
      return NULL;
    }
  }
  return pool;
}

void
bc_proc_pool_send (BcProcPool *pool, guint64 seq, GBytes *request)
{
  Worker *w = &pool->w[seq % pool->n];
  Pending *p = g_new (Pending, 1);

  p->seq = seq;
  p->request = g_bytes_ref (request);
  g_queue_push_tail (&w->pending, p);
  /* a failed send shows when the answer is read */
  if (w->pid > 0)
    write_frame (w->req_fd, request);
}

static void
pending_free (Pending *p)
{
  g_bytes_unref (p->request);
  g_free (p);
}

/* reap - wait for @w's process; how it ended, in words (newly allocated) */
static char *
reap (Worker *w)
{
  int status = 0;
  pid_t r;

  if (w->req_fd >= 0)
    close (w->req_fd);
  if (w->ans_fd >= 0)
    close (w->ans_fd);
  w->req_fd = w->ans_fd = -1;
  do
    r = waitpid (w->pid, &status, 0);
  while (r < 0 && errno == EINTR);
  w->pid = -1;
  if (r < 0)
    return g_strdup ("the worker process was lost");
  if (WIFSIGNALED (status))
    return g_strdup_printf ("the worker process was killed by signal %d (%s)", WTERMSIG (status),
                            g_strsignal (WTERMSIG (status)));
  return g_strdup_printf ("the worker process ended with status %d", WEXITSTATUS (status));
}

GBytes *
bc_proc_pool_receive (BcProcPool *pool, guint64 seq, char **why, GBytes **failed)
{
  Worker *w = &pool->w[seq % pool->n];
  Pending *head = g_queue_peek_head (&w->pending);
  GBytes *answer = NULL;

  g_return_val_if_fail (head && head->seq == seq, NULL);
  *why = NULL;
  if (w->pid > 0 && (answer = read_frame (w->ans_fd))) {
    pending_free (g_queue_pop_head (&w->pending));
    return answer;
  }
  /* it died on this request, or could not be started again earlier */
  *why = w->pid > 0 ? reap (w) : g_strdup ("no worker process could be started");
  head = g_queue_pop_head (&w->pending);
  *failed = head->request;
  g_free (head);
  if (spawn (pool, w))
    for (GList *l = w->pending.head; l; l = l->next)
      write_frame (w->req_fd, ((Pending *) l->data)->request);
  return NULL;
}

GBytes *
bc_proc_pool_run_alone (BcProcPool *pool, GBytes *request, char **why)
{
  Worker w = { 0 };
  GBytes *answer;
  char *how;

  *why = NULL;
  if (!spawn (pool, &w)) {
    *why = g_strdup_printf ("cannot start a worker process: %s", g_strerror (errno));
    return NULL;
  }
  write_frame (w.req_fd, request);
  close (w.req_fd);                      /* one request: it ends after it */
  w.req_fd = -1;
  answer = read_frame (w.ans_fd);
  how = reap (&w);
  if (answer)
    g_free (how);
  else
    *why = how;
  return answer;
}

void
bc_proc_pool_free (BcProcPool *pool)
{
  if (!pool)
    return;
  /* an end of file on its requests ends each worker; with its answers'
   * socket closed too, one still writing answers nobody reads ends at once */
  for (guint i = 0; i < pool->n; i++) {
    Worker *w = &pool->w[i];
    if (w->req_fd >= 0)
      close (w->req_fd);
    if (w->ans_fd >= 0)
      close (w->ans_fd);
    w->req_fd = w->ans_fd = -1;
  }
  for (guint i = 0; i < pool->n; i++) {
    Worker *w = &pool->w[i];
    if (w->pid > 0) {
      int status;
      while (waitpid (w->pid, &status, 0) < 0 && errno == EINTR)
        ;
    }
    g_queue_clear_full (&w->pending, (GDestroyNotify) pending_free);
  }
  g_free (pool->w);
  g_free (pool);
}
