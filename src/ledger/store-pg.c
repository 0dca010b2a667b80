/* store-pg.c - the PostgreSQL ledger backend (several bounce hosts, one
 * ledger), through libpq.
 *
 * The ledger is the same schema as the SQLite one (store.c), in the
 * database the URL names (postgresql://[user@][host][:port]/dbname?...; a
 * unix socket directory goes in ?host=/path). Schema migration runs in one
 * transaction under an advisory lock, so two hosts opening a fresh database
 * at once do not both create it. Inserts use ON CONFLICT (key) DO NOTHING,
 * so concurrent writers and reruns never count a bounce twice. Rows are read
 * in chunks through a cursor, so a large ledger is never held in memory.
 * Built only with the meson option postgresql (auto: when libpq is found).
 */
#include "ledger.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

/* an arbitrary constant: the advisory lock that serialises migrations */
#define MIGRATION_LOCK 0x6263ad6572

/* queries sent in a pipeline before their results are read: bounded, so
 * neither side's socket buffer fills while the other waits */
#define PIPELINE_CHUNK 256

typedef struct {
  BcLedgerStore parent;
  PGconn *conn;
  char *where;          /* the URL with any password blanked, for messages */
  int version;
  gboolean pipeline;    /* in pipeline mode: a write transaction is open */
  guint inflight;       /* queries sent since the last sync */
  guint64 added;        /* new events in the open transaction */
  gboolean prepared;    /* bc_insert exists on the connection */
  gboolean preparing;   /* bc_insert was sent in the open pipeline */
} PgStore;

/* redact - the URL without a password */
static char *
redact (const char *url)
{
  const char *at = strchr (url, '@');
  const char *scheme_end = strstr (url, "://");
  const char *colon;

  if (!at || !scheme_end || at < scheme_end)
    return g_strdup (url);
  colon = memchr (scheme_end + 3, ':', (gsize) (at - scheme_end - 3));
  if (!colon)
    return g_strdup (url);
  return g_strdup_printf ("%.*s:***%s", (int) (colon - url), url, at);
}

static void
fail (PgStore *s, const PGresult *res, const char *what, GError **error)
{
  const char *state = res ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
  const char *msg = res ? PQresultErrorMessage (res) : PQerrorMessage (s->conn);
  char *text = g_strstrip (g_strdup (msg && *msg ? msg : "unknown error"));
  int code = BC_LEDGER_ERROR_IO;

  if (state && (strcmp (state, "55P03") == 0 || strcmp (state, "40P01") == 0
                || strcmp (state, "57014") == 0))
    code = BC_LEDGER_ERROR_LOCKED;    /* lock not available, deadlock, timeout */
  else if (state && g_str_has_prefix (state, "XX"))
    code = BC_LEDGER_ERROR_CORRUPT;
  else if (state && strcmp (state, "42P01") == 0)
    code = BC_LEDGER_ERROR_SCHEMA;
  else if (!res || PQstatus (s->conn) != CONNECTION_OK)
    code = BC_LEDGER_ERROR_OPEN;
  g_set_error (error, BC_LEDGER_ERROR, code, "%s: %s: %s", s->where, what, text);
  g_free (text);
}

static gboolean
exec (PgStore *s, const char *sql, const char *what, GError **error)
{
  PGresult *res = PQexec (s->conn, sql);
  gboolean ok = PQresultStatus (res) == PGRES_COMMAND_OK || PQresultStatus (res) == PGRES_TUPLES_OK;
  if (!ok)
    fail (s, res, what, error);
  PQclear (res);
  return ok;
}

static gboolean
migrate (PgStore *s, GError **error)
{
  PGresult *res;
  int v = 0;
  char *sql;

  if (!exec (s, "BEGIN", "starting the schema check", error))
    return FALSE;
  sql = g_strdup_printf ("SELECT pg_advisory_xact_lock(%lld)", (long long) MIGRATION_LOCK);
  if (!exec (s, sql, "locking the schema", error)) {
    g_free (sql);
    goto fail;
  }
  g_free (sql);
  res = PQexec (s->conn, "SELECT to_regclass('schema_version') IS NOT NULL,"
                " to_regclass('events') IS NOT NULL");
  if (PQresultStatus (res) != PGRES_TUPLES_OK) {
    fail (s, res, "reading the schema", error);
    PQclear (res);
    goto fail;
  }
  if (strcmp (PQgetvalue (res, 0, 0), "t") != 0) {
    gboolean foreign = strcmp (PQgetvalue (res, 0, 1), "t") == 0;
    PQclear (res);
    if (foreign) {
      g_set_error (error, BC_LEDGER_ERROR, BC_LEDGER_ERROR_SCHEMA,
                   "%s: has an events table but is not a bounceclass ledger (no schema_version)",
                   s->where);
      goto fail;
    }
  } else {
    PQclear (res);
    res = PQexec (s->conn, "SELECT coalesce(max(version), 0) FROM schema_version");
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
      fail (s, res, "reading the schema version", error);
      PQclear (res);
      goto fail;
    }
    v = atoi (PQgetvalue (res, 0, 0));
    PQclear (res);
  }
  if (v > BC_LEDGER_SCHEMA) {
    g_set_error (error, BC_LEDGER_ERROR, BC_LEDGER_ERROR_SCHEMA,
                 "%s: ledger schema version %d is newer than this bounceclass knows (%d)",
                 s->where, v, BC_LEDGER_SCHEMA);
    goto fail;
  }
  for (int step = v + 1; step <= BC_LEDGER_SCHEMA; step++) {
    char *what = g_strdup_printf ("migrating the schema to version %d", step);
    gboolean ok = exec (s, _bc_ledger_schema_step (step, TRUE), what, error);
    g_free (what);
    if (!ok)
      goto fail;
  }
  if (!exec (s, "COMMIT", "committing the schema", error))
    goto fail;
  s->version = BC_LEDGER_SCHEMA;
  return TRUE;

fail:
  PQclear (PQexec (s->conn, "ROLLBACK"));
  return FALSE;
}

static void pg_close (BcLedgerStore *st);

static BcLedgerStore *
pg_open (const char *where, gboolean create, GError **error)
{
  PgStore *s = g_new0 (PgStore, 1);
  const char *env = g_getenv ("BOUNCECLASS_LEDGER_TIMEOUT_MS");
  long timeout = 30000;
  char *sql;

  s->parent.be = &_bc_ledger_pg;
  s->where = redact (where);
  if (env && *env) {
    long t = strtol (env, NULL, 10);
    if (t >= 0 && t <= 3600000)
      timeout = t;
  }
  s->conn = PQconnectdb (where);
  if (!s->conn || PQstatus (s->conn) != CONNECTION_OK) {
    char *text = g_strstrip (g_strdup (s->conn ? PQerrorMessage (s->conn) : "out of memory"));
    g_set_error (error, BC_LEDGER_ERROR, BC_LEDGER_ERROR_OPEN, "%s: cannot connect: %s",
                 s->where, text);
    g_free (text);
    goto fail;
  }
  /* a lock wait longer than the timeout fails the batch instead of hanging */
  sql = g_strdup_printf ("SET lock_timeout = %ld; SET client_min_messages = warning", timeout);
  if (!exec (s, sql, "cannot configure the session", error)) {
    g_free (sql);
    goto fail;
  }
  g_free (sql);
  if (!migrate (s, error))
    goto fail;
  return &s->parent;

fail:
  pg_close (&s->parent);
  return NULL;
}

/* sync_read - ends the pipeline segment and reads every result sent since
 * the last sync; counts inserted rows; the first error wins */
static gboolean
sync_read (PgStore *s, GError **error)
{
  gboolean ok = TRUE, synced = FALSE;

  if (!PQpipelineSync (s->conn)) {
    fail (s, NULL, "cannot send", error);
    return FALSE;
  }
  while (!synced) {
    PGresult *res = PQgetResult (s->conn);
    if (!res) {
      if (PQstatus (s->conn) != CONNECTION_OK) {
        if (ok)
          fail (s, NULL, "connection lost", error);
        return FALSE;
      }
      continue;         /* the end of one query's results */
    }
    switch (PQresultStatus (res)) {
    case PGRES_PIPELINE_SYNC:
      synced = TRUE;
      break;
    case PGRES_COMMAND_OK:
      s->added += g_ascii_strtoull (PQcmdTuples (res), NULL, 10);
      break;
    case PGRES_PIPELINE_ABORTED:
      break;            /* after an error, reported below */
    default:
      if (ok)
        fail (s, res, "cannot record", error);
      ok = FALSE;
      break;
    }
    PQclear (res);
  }
  s->inflight = 0;
  if (ok && s->preparing)
    s->prepared = TRUE;
  s->preparing = FALSE;
  return ok;
}

static gboolean
send_simple (PgStore *s, const char *sql, GError **error)
{
  if (!PQsendQueryParams (s->conn, sql, 0, NULL, NULL, NULL, NULL, 0)) {
    fail (s, NULL, "cannot send", error);
    return FALSE;
  }
  s->inflight++;
  return TRUE;
}

static void pg_rollback (BcLedgerStore *st);

/* pg_begin - opens a write transaction in pipeline mode: the inserts are
 * sent without waiting for each answer, which is read in chunks */
static gboolean
pg_begin (BcLedgerStore *st, GError **error)
{
  PgStore *s = (PgStore *) st;

  if (!PQenterPipelineMode (s->conn)) {
    fail (s, NULL, "cannot start a transaction", error);
    return FALSE;
  }
  s->pipeline = TRUE;
  s->added = 0;
  s->inflight = 0;
  if (!send_simple (s, "BEGIN", error)) {
    pg_rollback (st);
    return FALSE;
  }
  /* prepared with the first write, not at open: it needs the table's lock,
   * and a lock wait belongs to a batch (reported, retried by a rerun) */
  if (!s->prepared) {
    if (!PQsendPrepare (s->conn, "bc_insert",
          "INSERT INTO events (key, address, at, class, reason, status, rule, list_id, host,"
          " diagnostic, recorded) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
          " ON CONFLICT (key) DO NOTHING", 11, NULL)) {
      fail (s, NULL, "cannot send", error);
      pg_rollback (st);
      return FALSE;
    }
    s->inflight++;
    s->preparing = TRUE;
  }
  return TRUE;
}

static gboolean
pg_commit (BcLedgerStore *st, guint64 *added, GError **error)
{
  PgStore *s = (PgStore *) st;

  if (!s->pipeline) {
    g_set_error (error, BC_LEDGER_ERROR, BC_LEDGER_ERROR_IO, "%s: commit without a transaction",
                 s->where);
    return FALSE;
  }
  if (!send_simple (s, "COMMIT", error) || !sync_read (s, error))
    return FALSE;       /* the caller rolls back */
  PQexitPipelineMode (s->conn);
  s->pipeline = FALSE;
  if (added)
    *added = s->added;
  return TRUE;
}

static void
pg_rollback (BcLedgerStore *st)
{
  PgStore *s = (PgStore *) st;

  if (!s->conn || PQstatus (s->conn) != CONNECTION_OK)
    return;
  if (s->pipeline) {
    if (s->inflight)
      sync_read (s, NULL);
    PQexitPipelineMode (s->conn);
    s->pipeline = FALSE;
  }
  if (PQtransactionStatus (s->conn) != PQTRANS_IDLE)
    PQclear (PQexec (s->conn, "ROLLBACK"));
}

static gboolean
pg_record (BcLedgerStore *st, const BcLedgerEvent *ev, GError **error)
{
  PgStore *s = (PgStore *) st;
  char at[24], recorded[24];
  const char *values[11];

  g_snprintf (at, sizeof at, "%" G_GINT64_FORMAT, ev->at);
  g_snprintf (recorded, sizeof recorded, "%" G_GINT64_FORMAT, ev->recorded);
  values[0] = ev->key;
  values[1] = ev->address;
  values[2] = at;
  values[3] = ev->klass;
  values[4] = ev->reason;
  values[5] = ev->status ? ev->status : "";
  values[6] = ev->rule ? ev->rule : "";
  values[7] = ev->list_id ? ev->list_id : "";
  values[8] = ev->host ? ev->host : "";
  values[9] = ev->diagnostic ? ev->diagnostic : "";
  values[10] = recorded;
  if (!PQsendQueryPrepared (s->conn, "bc_insert", 11, values, NULL, NULL, 0)) {
    fail (s, NULL, "cannot send", error);
    return FALSE;
  }
  if (++s->inflight >= PIPELINE_CHUNK)
    return sync_read (s, error);
  return TRUE;
}

static gboolean
pg_query (BcLedgerStore *st, const char *address, BcLedgerEventFunc func, gpointer user_data,
          GError **error)
{
  PgStore *s = (PgStore *) st;
  gboolean ok = FALSE, stop = FALSE;
  const char *values[1] = { address };
  PGresult *res;

  if (!exec (s, "BEGIN", "cannot start reading", error))
    return FALSE;
  res = PQexecParams (s->conn,
    address ? "DECLARE bc_events NO SCROLL CURSOR FOR SELECT " BC_LEDGER_COLUMNS " FROM events"
              " WHERE address = $1 ORDER BY address, list_id, at, id"
            : "DECLARE bc_events NO SCROLL CURSOR FOR SELECT " BC_LEDGER_COLUMNS " FROM events"
              " ORDER BY address, list_id, at, id",
    address ? 1 : 0, NULL, address ? values : NULL, NULL, NULL, 0);
  if (PQresultStatus (res) != PGRES_COMMAND_OK) {
    fail (s, res, "cannot read", error);
    PQclear (res);
    goto out;
  }
  PQclear (res);
  while (!stop) {
    int n;
    res = PQexec (s->conn, "FETCH 1000 FROM bc_events");
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
      fail (s, res, "cannot read", error);
      PQclear (res);
      goto out;
    }
    n = PQntuples (res);
    for (int i = 0; i < n && !stop; i++) {
      BcLedgerEvent ev = { 0 };
      const char *col[BC_LEDGER_N_COLUMNS];
      for (int c = 0; c < BC_LEDGER_N_COLUMNS; c++)
        col[c] = PQgetvalue (res, i, c);
      _bc_ledger_event_from_row (&ev, col);
      if (!func (&ev, user_data))
        stop = TRUE;
    }
    PQclear (res);
    if (n == 0)
      break;
  }
  ok = TRUE;
out:
  if (ok)
    ok = exec (s, "COMMIT", "cannot finish reading", error);
  else
    pg_rollback (st);
  return ok;
}

static gboolean
pg_forget (BcLedgerStore *st, const char *address, guint64 *n, GError **error)
{
  PgStore *s = (PgStore *) st;
  const char *values[1] = { address };
  PGresult *res = PQexecParams (s->conn,
    "UPDATE events SET forgotten = 1 WHERE address = $1 AND forgotten = 0",
    1, NULL, values, NULL, NULL, 0);
  gboolean ok = PQresultStatus (res) == PGRES_COMMAND_OK;

  if (!ok)
    fail (s, res, "cannot forget", error);
  else if (n)
    *n = g_ascii_strtoull (PQcmdTuples (res), NULL, 10);
  PQclear (res);
  return ok;
}

static int
pg_schema_version (BcLedgerStore *st)
{
  return ((PgStore *) st)->version;
}

static void
pg_close (BcLedgerStore *st)
{
  PgStore *s = (PgStore *) st;

  if (!s)
    return;
  if (s->conn) {
    if (PQstatus (s->conn) == CONNECTION_OK)
      pg_rollback (st);
    PQfinish (s->conn);
  }
  g_free (s->where);
  g_free (s);
}

const BcLedgerBackend _bc_ledger_pg = {
  "postgresql",
  pg_open,
  pg_begin,
  pg_record,
  pg_commit,
  pg_rollback,
  pg_query,
  pg_forget,
  pg_schema_version,
  pg_close,
};
