/* remote.c - a remote mailbox as input: the options, the URL, credentials,
 * the curl connection, the run loop (--watch) and bc_fetch_write().
 *
 * Records are gathered into batches of up to COMMIT_MESSAGES messages (or
 * COMMIT_BYTES), and every batch is written at the end of a pass (before
 * --watch waits). Order of events for each batch: the state file is saved with the batch's keys as "pending" and the
 * offset and length its records will have in the output; the records are
 * written, flushed and fsync()ed (when the output is a regular file); then
 * the messages are marked on the server (gathered: see mark_written()); the
 * next save moves them to "done". A rerun first settles a pending batch: when the output is a
 * regular file at least OFFSET+LENGTH long its records are there, and the
 * messages count as done (only marked again); when it ends inside them,
 * the half-written records are cut off and the messages processed again;
 * when the output is not a regular file nobody can tell, and they are
 * processed again (at most one batch may then be written twice; never one
 * skipped). Done keys are kept until the server stops listing the message
 * as unprocessed, so a failed mark is retried rather than the message
 * classified again.
 *
 * Credentials come from --credentials FILE (the first line is the password;
 * the file must not be accessible by group or others) or from the
 * environment variable BOUNCECLASS_PASSWORD; the user name from the URL. A
 * password in the URL is refused. Neither is ever printed: messages name
 * the mailbox by its URL without password, and curl's verbose mode is off.
 *
 * Limits: one remote mailbox per PATH, handled one after the other; a
 * message larger than --max-size is cut there (and its record says so);
 * server answers (UID SEARCH, UIDL) larger than BC_FETCH_MAX_RESPONSE fail.
 * libcurl has no IMAP IDLE, so --watch polls every --poll-interval seconds.
 */
#include "fetch-private.h"
#include "options.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_MOVE_TO "Processed"
#define BACKOFF_MAX 60
#define COMMIT_MESSAGES 32      /* records written (and messages marked) at once */
#define COMMIT_BYTES (1u << 20)
#define MARK_MESSAGES 10000     /* messages marked at once, at most */

static struct {
  char *move_to;
  char *keyword;
  gboolean delete;
  char *state;
  gboolean watch;
  gint poll;
  char *credentials;
  gboolean insecure;
  char *cacert;
} O = { .poll = 60 };

/* the entries are BC_FETCH_OPTIONS (options.h), where cli/plugins.c finds
 * their names too */
#define ENTRY(name, arg, field, help, arg_description) \
  { name, 0, 0, arg, &O.field, help, arg_description },
static const GOptionEntry entries[] = {
  BC_FETCH_OPTIONS (ENTRY)
  { NULL }
};
#undef ENTRY

static BcFetch *current;          /* the running fetch, for bc_fetch_write() */
static volatile sig_atomic_t interrupted;

G_DEFINE_QUARK (bc-fetch-error-quark, _bc_fetch_error)

const GOptionEntry *
bc_fetch_entries (void)
{
  return entries;
}

gboolean
bc_fetch_is_url (const char *path)
{
  return path && (g_ascii_strncasecmp (path, "imap://", 7) == 0 ||
                  g_ascii_strncasecmp (path, "imaps://", 8) == 0 ||
                  g_ascii_strncasecmp (path, "pop3://", 7) == 0 ||
                  g_ascii_strncasecmp (path, "pop3s://", 8) == 0);
}

gboolean
bc_fetch_check_options (char **paths)
{
  gboolean remote = FALSE;

  for (guint i = 0; paths && paths[i]; i++)
    remote = remote || bc_fetch_is_url (paths[i]);
  if (!remote && (O.move_to || O.keyword || O.delete || O.state || O.watch || O.credentials ||
                  O.cacert || O.insecure)) {
    g_printerr ("bounceclass: --imap-move-to, --imap-keyword, --delete, --state, --watch, "
                "--credentials, --cacert and --insecure need an imap://, imaps://, pop3:// or "
                "pop3s:// PATH\n");
    return FALSE;
  }
  if ((O.move_to != NULL) + (O.keyword != NULL) + (O.delete != 0) > 1) {
    g_printerr ("bounceclass: --imap-move-to, --imap-keyword and --delete exclude each other\n");
    return FALSE;
  }
  if (O.poll < 1 || O.poll > 86400) {
    g_printerr ("bounceclass: --poll-interval takes 1 to 86400 seconds\n");
    return FALSE;
  }
  return TRUE;
}

/* ---- connection ---------------------------------------------------------- */

static size_t
sink_write (char *ptr, size_t size, size_t nmemb, void *userdata)
{
  struct { GString *s; gsize cap; gboolean *truncated; } *k = userdata;
  size_t len = size * nmemb;

  if (k->s) {
    gsize room = k->s->len < k->cap ? k->cap - k->s->len : 0;
    g_string_append_len (k->s, ptr, MIN (room, len));
    if (len > room && k->truncated)
      *k->truncated = TRUE;
  }
  return len;
}

static int
status_of (CURLcode rc)
{
  switch (rc) {
  case CURLE_LOGIN_DENIED:
    return BC_FETCH_EXIT_LOGIN;
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_USE_SSL_FAILED:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_INVALIDCERTSTATUS:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_CRL_BADFILE:
    return BC_FETCH_EXIT_TLS;
  case CURLE_QUOTE_ERROR:
  case CURLE_REMOTE_FILE_NOT_FOUND:
  case CURLE_REMOTE_ACCESS_DENIED:
  case CURLE_UNSUPPORTED_PROTOCOL:
  case CURLE_URL_MALFORMAT:
  case CURLE_WEIRD_SERVER_REPLY:
    return BC_FETCH_EXIT_REFUSED;
  default:
    return BC_FETCH_EXIT_TEMPFAIL;
  }
}

static const char *
hint_of (int status)
{
  switch (status) {
  case BC_FETCH_EXIT_LOGIN:
    return "login refused: check the user name and the password";
  case BC_FETCH_EXIT_TLS:
    return "TLS failed: the server's certificate is not trusted or does not match the host "
           "(see --cacert), or the server offers no STARTTLS";
  case BC_FETCH_EXIT_REFUSED:
    return "the server refused";
  default:
    return "server unreachable or connection lost";
  }
}

static gboolean
connect_handle (BcFetch *f)
{
  CURL *c = curl_easy_init ();

  if (!c)
    return FALSE;
  f->curl = c;
  f->caps_known = FALSE;
  curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (c, CURLOPT_ERRORBUFFER, f->errbuf);
  curl_easy_setopt (c, CURLOPT_USERNAME, f->user);
  curl_easy_setopt (c, CURLOPT_PASSWORD, f->password);
  if (f->login_options)
    curl_easy_setopt (c, CURLOPT_LOGIN_OPTIONS, f->login_options);
#if CURL_AT_LEAST_VERSION(7, 85, 0)
  curl_easy_setopt (c, CURLOPT_PROTOCOLS_STR, "imap,imaps,pop3,pop3s");
#else
  curl_easy_setopt (c, CURLOPT_PROTOCOLS,
                    (long) (CURLPROTO_IMAP | CURLPROTO_IMAPS | CURLPROTO_POP3 | CURLPROTO_POP3S));
#endif
  if (f->need_starttls)
    curl_easy_setopt (c, CURLOPT_USE_SSL, (long) CURLUSESSL_ALL);
  if (O.cacert)
    curl_easy_setopt (c, CURLOPT_CAINFO, O.cacert);
  if (O.insecure) {
    curl_easy_setopt (c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt (c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  curl_easy_setopt (c, CURLOPT_CONNECTTIMEOUT, 30L);
  /* a connection that carries nothing for a minute is dead */
  curl_easy_setopt (c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (c, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, sink_write);
  return TRUE;
}

static void
disconnect_handle (BcFetch *f)
{
  if (f->curl)
    curl_easy_cleanup (f->curl);   /* sends LOGOUT / QUIT: POP3 deletions take effect */
  f->curl = NULL;
}

gboolean
_bc_fetch_perform (BcFetch *f, const char *url, const char *custom, gboolean nobody,
                   GString *sink, gsize cap, gboolean *truncated, const char *what,
                   GError **error)
{
  struct { GString *s; gsize cap; gboolean *truncated; } k = { sink, cap, truncated };
  CURLcode rc;

  if (!f->curl && !connect_handle (f)) {
    g_set_error (error, BC_FETCH_ERROR, BC_FETCH_EXIT_TEMPFAIL, "%s: cannot make a curl handle",
                 f->display);
    return FALSE;
  }
  f->errbuf[0] = '\0';
  curl_easy_setopt (f->curl, CURLOPT_URL, url);
  curl_easy_setopt (f->curl, CURLOPT_CUSTOMREQUEST, custom);
  curl_easy_setopt (f->curl, CURLOPT_NOBODY, nobody ? 1L : 0L);
  curl_easy_setopt (f->curl, CURLOPT_WRITEDATA, &k);
  rc = curl_easy_perform (f->curl);
  curl_easy_setopt (f->curl, CURLOPT_WRITEDATA, NULL);
  if (rc != CURLE_OK) {
    int status = status_of (rc);
    g_set_error (error, BC_FETCH_ERROR, status, "%s: %s: %s (%s)", f->display, what,
                 hint_of (status), f->errbuf[0] ? f->errbuf : curl_easy_strerror (rc));
    /* a plain NO leaves the session as it was; anything else may not */
    if (status != BC_FETCH_EXIT_REFUSED)
      disconnect_handle (f);
    return FALSE;
  }
  return TRUE;
}

/* ---- URL and credentials ------------------------------------------------- */

static char *
url_part (CURLU *u, CURLUPart part, unsigned flags)
{
  char *v = NULL, *copy;

  if (curl_url_get (u, part, &v, flags) != CURLUE_OK || !v)
    return NULL;
  copy = g_strdup (v);
  curl_free (v);
  return copy;
}

static gboolean
parse_url (BcFetch *f, const char *url, GError **error)
{
  CURLU *u = curl_url ();
  char *scheme = NULL, *pass = NULL, *host = NULL, *port = NULL, *path = NULL, *query = NULL;
  gboolean ok = FALSE;

  if (curl_url_set (u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    g_set_error (error, BC_FETCH_ERROR, 2, "not a valid mailbox URL (expected "
                 "imaps://USER@HOST[:PORT]/FOLDER or pop3s://USER@HOST[:PORT])");
    goto out;
  }
  scheme = url_part (u, CURLUPART_SCHEME, 0);
  pass = url_part (u, CURLUPART_PASSWORD, 0);
  f->user = url_part (u, CURLUPART_USER, CURLU_URLDECODE);
  f->login_options = url_part (u, CURLUPART_OPTIONS, CURLU_URLDECODE);
  host = url_part (u, CURLUPART_HOST, 0);
  port = url_part (u, CURLUPART_PORT, CURLU_DEFAULT_PORT);
  path = url_part (u, CURLUPART_PATH, 0);
  query = url_part (u, CURLUPART_QUERY, 0);
  if (pass) {
    /* do not echo the URL: it holds the password */
    g_set_error (error, BC_FETCH_ERROR, 2, "the mailbox URL holds a password; it would be "
                 "visible to every user in the process list. Remove it, and put the password "
                 "in a file named by --credentials (mode 600) or in $BOUNCECLASS_PASSWORD");
    goto out;
  }
  if (!host || !*host || !port) {
    g_set_error (error, BC_FETCH_ERROR, 2, "%s: no host in the URL", url);
    goto out;
  }
  if (!f->user || !*f->user) {
    g_set_error (error, BC_FETCH_ERROR, 2, "%s: no user in the URL (imaps://USER@HOST/FOLDER)",
                 url);
    goto out;
  }
  if (query) {
    g_set_error (error, BC_FETCH_ERROR, 2, "%s: a query (?...) is not supported", url);
    goto out;
  }
  {
    char *lower = g_ascii_strdown (scheme, -1);
    g_free (scheme);
    scheme = lower;
  }
  f->proto = g_str_has_prefix (scheme, "imap") ? BC_PROTO_IMAP : BC_PROTO_POP3;
  f->need_starttls = strcmp (scheme, "imap") == 0 || strcmp (scheme, "pop3") == 0;
  {
    const char *p = path ? path : "";
    while (*p == '/')
      p++;
    if (strchr (p, ';')) {
      g_set_error (error, BC_FETCH_ERROR, 2, "%s: name the folder only (no ;UID= or "
                   ";UIDVALIDITY=): bounceclass keeps track of UIDs itself", url);
      goto out;
    }
    if (f->proto == BC_PROTO_POP3 && *p) {
      g_set_error (error, BC_FETCH_ERROR, 2, "%s: a POP3 URL has no folder", url);
      goto out;
    }
    f->path = g_strdup (*p ? p : "INBOX");
    f->folder = g_uri_unescape_string (f->path, NULL);
    if (!f->folder) {
      g_set_error (error, BC_FETCH_ERROR, 2, "%s: bad %%-escape in the folder", url);
      goto out;
    }
  }
  {
    char *user_enc = g_uri_escape_string (f->user, NULL, FALSE);
    f->base = g_strdup_printf ("%s://%s:%s/", scheme, host, port);
    f->display = g_strdup_printf ("%s://%s@%s:%s/%s", scheme, user_enc, host, port,
                                  f->proto == BC_PROTO_IMAP ? f->path : "");
    g_free (user_enc);
  }
  ok = TRUE;
out:
  if (pass) {
    memset (pass, 0, strlen (pass));
    g_free (pass);
  }
  g_free (scheme);
  g_free (host);
  g_free (port);
  g_free (path);
  g_free (query);
  curl_url_cleanup (u);
  return ok;
}

static gboolean
read_credentials (BcFetch *f, GError **error)
{
  if (O.credentials) {
    struct stat st;
    char *text = NULL, *nl;
    gsize len;
    GError *err = NULL;

    if (stat (O.credentials, &st) < 0) {
      g_set_error (error, BC_FETCH_ERROR, 2, "--credentials %s: %s", O.credentials,
                   g_strerror (errno));
      return FALSE;
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
      g_set_error (error, BC_FETCH_ERROR, 2, "--credentials %s: group or others may read it; "
                   "refusing (chmod 600 %s)", O.credentials, O.credentials);
      return FALSE;
    }
    if (st.st_size > 4096) {
      g_set_error (error, BC_FETCH_ERROR, 2, "--credentials %s: larger than 4096 bytes",
                   O.credentials);
      return FALSE;
    }
    if (!g_file_get_contents (O.credentials, &text, &len, &err)) {
      g_set_error (error, BC_FETCH_ERROR, 2, "--credentials: %s", err->message);
      g_error_free (err);
      return FALSE;
    }
    if ((nl = strpbrk (text, "\r\n")))
      *nl = '\0';
    f->password = g_strdup (text);
    memset (text, 0, len);
    g_free (text);
  } else if (g_getenv ("BOUNCECLASS_PASSWORD"))
    f->password = g_strdup (g_getenv ("BOUNCECLASS_PASSWORD"));
  if (!f->password || !*f->password) {
    g_set_error (error, BC_FETCH_ERROR, 2, "%s: no password: give --credentials FILE or set "
                 "BOUNCECLASS_PASSWORD", f->display);
    return FALSE;
  }
  return TRUE;
}

/* ---- delivering and writing ---------------------------------------------- */

gboolean
_bc_fetch_stopping (BcFetch *f)
{
  return f->stop || interrupted;
}

void
_bc_fetch_deliver (BcFetch *f, guint64 id, const char *key, const char *file, GString *data,
                   gboolean truncated)
{
  BcInputMsg *msg = g_new0 (BcInputMsg, 1);
  char *w = data->str;

  /* the server sends CRLF; a message in a file has LF: classify the same bytes */
  for (gsize r = 0; r < data->len; r++)
    if (!(data->str[r] == '\r' && r + 1 < data->len && data->str[r + 1] == '\n'))
      *w++ = data->str[r];
  g_string_truncate (data, w - data->str);
  msg->file = g_strdup (file);
  msg->remote_id = id;
  msg->truncated = truncated;
  if (data->len == 0)
    msg->error = g_strdup ("empty message");
  else
    msg->data = g_bytes_new (data->str, data->len);
  g_hash_table_insert (f->id_keys, g_memdup2 (&id, sizeof id), g_strdup (key));
  f->func (msg, f->func_data);
}

static gboolean
output_is_file (struct stat *st)
{
  return fstat (fileno (stdout), st) == 0 && S_ISREG (st->st_mode);
}

/* mark_written - marks the messages whose records are written. Marks are
 * gathered up to MARK_MESSAGES (and done at the end of every pass): after
 * an expunge, Dovecot on Maildir re-reads the folder on the FETCHes that
 * follow, so one MOVE per batch of 32 made move mode 2-3 times slower.
 * Until marked, a message is in the state's done set, so a rerun only
 * marks it. */
static void
mark_written (BcFetch *f)
{
  GError *error = NULL;
  gboolean marked;

  if (!f->unmarked->len)
    return;
  marked = f->proto == BC_PROTO_IMAP
             ? _bc_imap_mark (f, (const guint64 *) (gpointer) f->unmarked->data,
                              f->unmarked->len, &error)
             : _bc_pop3_mark (f, (const guint64 *) (gpointer) f->unmarked->data,
                              f->unmarked->len, &error);
  if (!marked) {
    g_printerr ("bounceclass: %s (the records are written; marking is retried next run)\n",
                error->message);
    g_clear_error (&error);
    f->mark_failed = TRUE;
  } else if (f->proto == BC_PROTO_IMAP) {
    /* the server now says "processed" itself (moved, keyword, deleted): the
     * state need not, and stays small during a long pass */
    for (guint i = 0; i < f->unmarked->len; i++) {
      char key[24];
      g_snprintf (key, sizeof key, "%" G_GUINT64_FORMAT, g_array_index (f->unmarked, guint64, i));
      g_hash_table_remove (f->state.done, key);
      for (guint j = 0; j < f->state.pending->len; j++)
        if (strcmp (g_ptr_array_index (f->state.pending, j), key) == 0) {
          g_ptr_array_remove_index (f->state.pending, j);
          break;
        }
    }
  }
  g_array_set_size (f->unmarked, 0);
}

/* commit - writes the records gathered by bc_fetch_write(), then marks
 * their messages (see the top of this file) */
static void
commit (BcFetch *f)
{
  GError *error = NULL;
  struct stat st;
  gboolean regular, ok;
  const guint64 *ids = (const guint64 *) (gpointer) f->wids->data;
  guint n = f->wids->len;

  if (f->stop || (n == 0 && f->wbuf->len == 0))
    goto out;
  /* the previous batch is on disk: it is done; this one is pending */
  _bc_fetch_state_settle (&f->state);
  for (guint i = 0; i < n; i++) {
    const char *key = g_hash_table_lookup (f->id_keys, &ids[i]);
    if (key)
      g_ptr_array_add (f->state.pending, g_strdup (key));
  }
  fflush (stdout);
  regular = output_is_file (&st);
  f->state.pending_offset = regular ? (gint64) st.st_size : -1;
  f->state.pending_length = (gint64) f->wbuf->len;
  if (!_bc_fetch_state_save (&f->state, &error)) {
    g_printerr ("bounceclass: %s; stopping, nothing is lost\n", error->message);
    g_error_free (error);
    f->stop = TRUE;
    goto out;
  }
  ok = fwrite (f->wbuf->str, 1, f->wbuf->len, stdout) == f->wbuf->len && fflush (stdout) == 0;
  if (ok && regular && fsync (fileno (stdout)) < 0 && errno != EINVAL)
    ok = FALSE;
  if (!ok) {
    g_printerr ("bounceclass: writing the output: %s; stopping, messages stay unmarked\n",
                g_strerror (errno));
    f->stop = TRUE;
    goto out;
  }
  if (f->mark != BC_MARK_NONE && n) {
    g_array_append_vals (f->unmarked, ids, n);
    if (f->unmarked->len >= MARK_MESSAGES)
      mark_written (f);
  }
out:
  for (guint i = 0; i < n; i++)
    g_hash_table_remove (f->id_keys, &ids[i]);
  g_string_truncate (f->wbuf, 0);
  g_array_set_size (f->wids, 0);
}

void
bc_fetch_write (GString *out, const guint64 *ids, guint n)
{
  BcFetch *f = current;

  if (!f) {
    fwrite (out->str, 1, out->len, stdout);
    g_string_free (out, TRUE);
    return;
  }
  /* gathered, so that the fsync()s and the mark are paid once per batch */
  g_string_append_len (f->wbuf, out->str, out->len);
  g_array_append_vals (f->wids, ids, n);
  g_string_free (out, TRUE);
  if (f->wids->len >= COMMIT_MESSAGES || f->wbuf->len >= COMMIT_BYTES)
    commit (f);
}

/* settle_last_run - what became of the batch being written when the last
 * run stopped (see the top of this file). */
static gboolean
settle_last_run (BcFetch *f, GError **error)
{
  BcFetchState *st = &f->state;
  struct stat sb;
  gint64 off = st->pending_offset, end = off + st->pending_length;

  if (!st->pending->len)
    return TRUE;
  fflush (stdout);
  if (off >= 0 && output_is_file (&sb) && sb.st_size >= end)
    _bc_fetch_state_settle (st);
  else {
    if (off >= 0 && output_is_file (&sb) && sb.st_size > off) {
      g_printerr ("bounceclass: %s: the output ends inside the records of the last run's "
                  "unfinished batch; cutting it back to %" G_GINT64_FORMAT " bytes\n",
                  f->display, off);
      if (ftruncate (fileno (stdout), off) < 0)
        g_printerr ("bounceclass: cutting the output: %s\n", g_strerror (errno));
    }
    g_ptr_array_set_size (st->pending, 0);
    st->pending_offset = -1;
    st->pending_length = 0;
  }
  return _bc_fetch_state_save (st, error);
}

/* ---- the run ------------------------------------------------------------- */

static void
on_signal (int sig)
{
  (void) sig;
  interrupted = 1;
}

static void
nap (int secs)
{
  for (int i = 0; i < secs * 10 && !interrupted; i++)
    g_usleep (G_USEC_PER_SEC / 10);
}

static void
fetch_free (BcFetch *f)
{
  disconnect_handle (f);
  _bc_fetch_state_close (&f->state);
  if (f->password) {
    memset (f->password, 0, strlen (f->password));
    g_free (f->password);
  }
  g_free (f->display);
  g_free (f->base);
  g_free (f->path);
  g_free (f->folder);
  g_free (f->user);
  g_free (f->login_options);
  if (f->id_keys)
    g_hash_table_unref (f->id_keys);
  if (f->wbuf)
    g_string_free (f->wbuf, TRUE);
  if (f->wids)
    g_array_unref (f->wids);
  if (f->unmarked)
    g_array_unref (f->unmarked);
  g_free (f);
}

static gboolean
pass (BcFetch *f, GError **error)
{
  gboolean ok;

  ok = f->proto == BC_PROTO_IMAP ? _bc_imap_pass (f, error) : _bc_pop3_pass (f, error);
  /* write out everything read, so that it is marked */
  f->func (NULL, f->func_data);
  commit (f);
  mark_written (f);
  _bc_fetch_state_settle (&f->state);
  if (!f->stop) {
    GError *err = NULL;
    if (!_bc_fetch_state_save (&f->state, &err)) {
      g_printerr ("bounceclass: %s\n", err->message);
      g_error_free (err);
      f->stop = TRUE;
    }
  }
  if (f->proto == BC_PROTO_POP3)
    disconnect_handle (f);      /* QUIT: deletions take effect, new mail shows next time */
  return ok;
}

int
bc_fetch_run (const char *url, gsize max_message, BcInputFunc func, gpointer user_data)
{
  static gboolean curl_ready;
  BcFetch *f = g_new0 (BcFetch, 1);
  GError *error = NULL;
  int status = 0, backoff = 1;
  gboolean succeeded = FALSE;
  struct sigaction sa = { 0 }, old_int, old_term;

  /* whatever was read before (other PATHs) goes out before this source */
  func (NULL, user_data);
  if (!curl_ready) {
    curl_global_init (CURL_GLOBAL_DEFAULT);
    curl_ready = TRUE;
  }
  f->func = func;
  f->func_data = user_data;
  f->max_message = max_message;
  f->id_keys = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  f->wbuf = g_string_new (NULL);
  f->wids = g_array_new (FALSE, FALSE, sizeof (guint64));
  f->unmarked = g_array_new (FALSE, FALSE, sizeof (guint64));
  f->state.lock_fd = -1;
  if (!parse_url (f, url, &error) || !read_credentials (f, &error))
    goto fail;
  if (O.delete)
    f->mark = BC_MARK_DELETE;
  else if (f->proto == BC_PROTO_POP3) {
    if (O.move_to || O.keyword) {
      g_set_error (&error, BC_FETCH_ERROR, 2, "%s: POP3 cannot move messages or set keywords; "
                   "they are kept (or deleted with --delete)", f->display);
      goto fail;
    }
    f->mark = BC_MARK_NONE;
  } else if (O.keyword) {
    f->mark = BC_MARK_KEYWORD;
    f->keyword = O.keyword;
  } else {
    f->mark = BC_MARK_MOVE;
    f->move_to = O.move_to ? O.move_to : DEFAULT_MOVE_TO;
  }
  if (O.insecure)
    g_printerr ("bounceclass: warning: --insecure: the server's TLS certificate is not "
                "verified; anyone on the path can read the password and the mail\n");
  if (f->proto == BC_PROTO_IMAP && !_bc_imap_prepare (f, &error))
    goto fail;
  {
    char *path = O.state ? g_strdup (O.state)
                         : _bc_fetch_state_default_path (f->proto == BC_PROTO_IMAP ? "imap"
                                                                                  : "pop3",
                                                         f->display);
    gboolean ok = _bc_fetch_state_open (&f->state, path, f->display, &error);
    g_free (path);
    if (!ok || !settle_last_run (f, &error))
      goto fail;
  }

  sa.sa_handler = on_signal;
  sigemptyset (&sa.sa_mask);
  if (O.watch) {
    sigaction (SIGINT, &sa, &old_int);
    sigaction (SIGTERM, &sa, &old_term);
  }
  current = f;
  for (;;) {
    if (pass (f, &error)) {
      backoff = 1;
      succeeded = TRUE;
      if (!O.watch || _bc_fetch_stopping (f))
        break;
      nap (O.poll);
    } else {
      int code = error->code;
      g_printerr ("bounceclass: %s\n", error->message);
      g_clear_error (&error);
      disconnect_handle (f);
      /* a setting that is wrong shows on the first pass; after one went
       * well, --watch takes any failure (a server killed mid-handshake
       * looks like a TLS error) as passing */
      if (!O.watch || (code != BC_FETCH_EXIT_TEMPFAIL && !succeeded) ||
          _bc_fetch_stopping (f)) {
        status = code;
        break;
      }
      g_printerr ("bounceclass: %s: reconnecting in %d s\n", f->display, backoff);
      nap (backoff);
      backoff = MIN (backoff * 2, BACKOFF_MAX);
    }
    if (_bc_fetch_stopping (f))
      break;
  }
  current = NULL;
  if (O.watch) {
    sigaction (SIGINT, &old_int, NULL);
    sigaction (SIGTERM, &old_term, NULL);
  }
  if (!status && (f->stop || (f->mark_failed && !O.watch)))
    status = BC_FETCH_EXIT_TEMPFAIL;
  fetch_free (f);
  return status;

fail:
  g_printerr ("bounceclass: %s\n", error->message);
  status = error->code;
  g_error_free (error);
  fetch_free (f);
  return status;
}
