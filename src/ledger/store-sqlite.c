/* store-sqlite.c - the SQLite ledger backend (the default: a file, no server).
 *
 * The database runs in WAL mode with synchronous=NORMAL: a crash or SIGKILL
 * loses at most the open transaction, never leaves half of one, and readers
 * never block the writer. Writers take the lock at BEGIN (BEGIN IMMEDIATE)
 * and wait up to the busy timeout for another process to commit: 30 s, or
 * BOUNCECLASS_LEDGER_TIMEOUT_MS milliseconds. SQLite result codes are mapped
 * to BcLedgerErrorCode so that a corrupt file, a locked database and a full
 * disk give distinct messages.
 */
#include "ledger.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  BcLedgerStore parent;
  sqlite3 *db;
  char *path;
  sqlite3_stmt *insert;
  sqlite3_stmt *all;
  sqlite3_stmt *one;
  sqlite3_stmt *forget;
  int version;
  guint64 added;            /* new events in the open transaction */
} SqliteStore;

static int
map_code (int rc)
{
  switch (rc & 0xff) {
  case SQLITE_NOTADB:
  case SQLITE_CORRUPT:
    return BC_LEDGER_ERROR_CORRUPT;
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return BC_LEDGER_ERROR_LOCKED;
  case SQLITE_CANTOPEN:
  case SQLITE_PERM:
  case SQLITE_READONLY:
    return BC_LEDGER_ERROR_OPEN;
  default:
    return BC_LEDGER_ERROR_IO;
  }
}

/* fail - sets @error from the connection's last error */
static void
fail (SqliteStore *s, int rc, const char *what, GError **error)
{
  int code = map_code (rc);
  const char *hint = "";

  if (code == BC_LEDGER_ERROR_CORRUPT)
    hint = " (the file is not a bounceclass ledger or is damaged; nothing was written)";
  else if (code == BC_LEDGER_ERROR_LOCKED)
    hint = " (another process held the write lock longer than the busy timeout)";
  g_set_error (error, BC_LEDGER_ERROR, code, "%s: %s: %s%s", s->path, what,
               s->db ? sqlite3_errmsg (s->db) : sqlite3_errstr (rc), hint);
}

static gboolean
exec (SqliteStore *s, const char *sql, const char *what, GError **error)
{
  int rc = sqlite3_exec (s->db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK) {
    fail (s, rc, what, error);
    return FALSE;
  }
  return TRUE;
}

/* read_version - 0 for an empty database, -1 for one that is not a ledger */
static int
read_version (SqliteStore *s, GError **error)
{
  sqlite3_stmt *st = NULL;
  int rc, v = -1, tables = 0;

  rc = sqlite3_prepare_v2 (s->db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                           " AND name NOT LIKE 'sqlite_%'", -1, &st, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (st)) == SQLITE_ROW)
    tables = sqlite3_column_int (st, 0);
  sqlite3_finalize (st);
  if (rc != SQLITE_ROW) {
    fail (s, rc, "reading the schema", error);
    return -2;
  }
  if (tables == 0)
    return 0;
  rc = sqlite3_prepare_v2 (s->db, "SELECT max(version) FROM schema_version", -1, &st, NULL);
  if (rc == SQLITE_OK && sqlite3_step (st) == SQLITE_ROW)
    v = sqlite3_column_int (st, 0);
  sqlite3_finalize (st);
  if (v <= 0) {
    g_set_error (error, BC_LEDGER_ERROR, BC_LEDGER_ERROR_SCHEMA,
                 "%s: a database, but not a bounceclass ledger (no schema_version)", s->path);
    return -2;
  }
  return v;
}

/* migrate - brings the schema to BC_LEDGER_SCHEMA in one transaction */
static gboolean
migrate (SqliteStore *s, GError **error)
{
  int v;

  /* the common case needs no write lock: a current ledger */
  v = read_version (s, error);
  if (v < -1)
    return FALSE;
  if (v == BC_LEDGER_SCHEMA) {
    s->version = v;
    return TRUE;
  }
  if (!exec (s, "BEGIN IMMEDIATE", "starting the schema check", error))
    return FALSE;
  v = read_version (s, error);
  if (v < -1)
    goto fail;
  if (v > BC_LEDGER_SCHEMA) {
    g_set_error (error, BC_LEDGER_ERROR, BC_LEDGER_ERROR_SCHEMA,
                 "%s: ledger schema version %d is newer than this bounceclass knows (%d)",
                 s->path, v, BC_LEDGER_SCHEMA);
    goto fail;
  }
  for (int step = v + 1; step <= BC_LEDGER_SCHEMA; step++) {
    char *what = g_strdup_printf ("migrating the schema to version %d", step);
    gboolean ok = exec (s, _bc_ledger_schema_step (step, FALSE), what, error);
    g_free (what);
    if (!ok)
      goto fail;
  }
  if (v != BC_LEDGER_SCHEMA) {
    char *sql = g_strdup_printf ("PRAGMA user_version = %d", BC_LEDGER_SCHEMA);
    gboolean ok = exec (s, sql, "setting user_version", error);
    g_free (sql);
    if (!ok)
      goto fail;
  }
  if (!exec (s, "COMMIT", "committing the schema", error))
    goto fail;
  s->version = BC_LEDGER_SCHEMA;
  return TRUE;

fail:
  sqlite3_exec (s->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static void sqlite_close (BcLedgerStore *st);

static BcLedgerStore *
sqlite_open (const char *where, gboolean create, GError **error)
{
  SqliteStore *s = g_new0 (SqliteStore, 1);
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  const char *env = g_getenv ("BOUNCECLASS_LEDGER_TIMEOUT_MS");
  int timeout = 30000;
  int rc;

  s->parent.be = &_bc_ledger_sqlite;
  s->path = g_strdup (where);
  if (env && *env) {
    long t = strtol (env, NULL, 10);
    if (t >= 0 && t <= 3600000)
      timeout = (int) t;
  }
  if (!create && !g_file_test (where, G_FILE_TEST_EXISTS)) {
    g_set_error (error, BC_LEDGER_ERROR, BC_LEDGER_ERROR_OPEN, "%s: no such ledger", where);
    goto fail;
  }
  if (g_file_test (where, G_FILE_TEST_IS_DIR)) {
    g_set_error (error, BC_LEDGER_ERROR, BC_LEDGER_ERROR_OPEN, "%s: is a directory", where);
    goto fail;
  }
  rc = sqlite3_open_v2 (where, &s->db, flags, NULL);
  if (rc != SQLITE_OK) {
    fail (s, rc, "cannot open", error);
    goto fail;
  }
  sqlite3_extended_result_codes (s->db, 0);
  sqlite3_busy_timeout (s->db, timeout);
  /* journal_mode is the first statement that reads the file: a garbage file
   * fails here with SQLITE_NOTADB */
  if (!exec (s, "PRAGMA journal_mode = WAL", "cannot use", error)
      || !exec (s, "PRAGMA synchronous = NORMAL", "cannot use", error)
      || !migrate (s, error))
    goto fail;
  rc = sqlite3_prepare_v2 (s->db,
    "INSERT INTO events (key, address, at, class, reason, status, rule, list_id, host,"
    " diagnostic, recorded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (key) DO NOTHING", -1, &s->insert, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (s->db, "SELECT " BC_LEDGER_COLUMNS " FROM events"
                             " ORDER BY address, list_id, at, id", -1, &s->all, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (s->db, "SELECT " BC_LEDGER_COLUMNS " FROM events WHERE address = ?"
                             " ORDER BY address, list_id, at, id", -1, &s->one, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (s->db, "UPDATE events SET forgotten = 1 WHERE address = ?"
                             " AND forgotten = 0", -1, &s->forget, NULL);
  if (rc != SQLITE_OK) {
    fail (s, rc, "preparing statements", error);
    goto fail;
  }
  return &s->parent;

fail:
  sqlite_close (&s->parent);
  return NULL;
}

static gboolean
sqlite_begin (BcLedgerStore *st, GError **error)
{
  ((SqliteStore *) st)->added = 0;
  return exec ((SqliteStore *) st, "BEGIN IMMEDIATE", "cannot start a transaction", error);
}

static gboolean
sqlite_commit (BcLedgerStore *st, guint64 *added, GError **error)
{
  SqliteStore *s = (SqliteStore *) st;
  if (!exec (s, "COMMIT", "cannot commit", error))
    return FALSE;
  if (added)
    *added = s->added;
  s->added = 0;
  return TRUE;
}

static void
sqlite_rollback (BcLedgerStore *st)
{
  SqliteStore *s = (SqliteStore *) st;
  if (!sqlite3_get_autocommit (s->db))
    sqlite3_exec (s->db, "ROLLBACK", NULL, NULL, NULL);
}

static void
bind_text (sqlite3_stmt *st, int i, const char *v)
{
  sqlite3_bind_text (st, i, v ? v : "", -1, SQLITE_STATIC);
}

static gboolean
sqlite_record (BcLedgerStore *st, const BcLedgerEvent *ev, GError **error)
{
  SqliteStore *s = (SqliteStore *) st;
  sqlite3_stmt *q = s->insert;
  int rc;

  sqlite3_reset (q);
  bind_text (q, 1, ev->key);
  bind_text (q, 2, ev->address);
  sqlite3_bind_int64 (q, 3, ev->at);
  bind_text (q, 4, ev->klass);
  bind_text (q, 5, ev->reason);
  bind_text (q, 6, ev->status);
  bind_text (q, 7, ev->rule);
  bind_text (q, 8, ev->list_id);
  bind_text (q, 9, ev->host);
  bind_text (q, 10, ev->diagnostic);
  sqlite3_bind_int64 (q, 11, ev->recorded);
  rc = sqlite3_step (q);
  sqlite3_reset (q);
  sqlite3_clear_bindings (q);
  if (rc != SQLITE_DONE) {
    fail (s, rc, "cannot record", error);
    return FALSE;
  }
  s->added += (guint64) sqlite3_changes (s->db);
  return TRUE;
}

/* col_text - column @i of the current row as text, "" for NULL; valid until
 * the next step or reset of @q */
static const char *
col_text (sqlite3_stmt *q, int i)
{
  const unsigned char *t = sqlite3_column_text (q, i);
  return t ? (const char *) t : "";
}

static gboolean
sqlite_query (BcLedgerStore *st, const char *address, BcLedgerEventFunc func, gpointer user_data,
              GError **error)
{
  SqliteStore *s = (SqliteStore *) st;
  sqlite3_stmt *q = address ? s->one : s->all;
  gboolean ok = TRUE;
  int rc;

  sqlite3_reset (q);
  if (address)
    bind_text (q, 1, address);
  while ((rc = sqlite3_step (q)) == SQLITE_ROW) {
    BcLedgerEvent ev = { 0 };
    const char *col[BC_LEDGER_N_COLUMNS];
    for (int c = 0; c < BC_LEDGER_N_COLUMNS; c++)
      col[c] = col_text (q, c);
    _bc_ledger_event_from_row (&ev, col);
    if (!func (&ev, user_data)) {
      rc = SQLITE_DONE;
      break;
    }
  }
  if (rc != SQLITE_DONE) {
    fail (s, rc, "cannot read", error);
    ok = FALSE;
  }
  sqlite3_reset (q);
  sqlite3_clear_bindings (q);
  return ok;
}

static gboolean
sqlite_forget (BcLedgerStore *st, const char *address, guint64 *n, GError **error)
{
  SqliteStore *s = (SqliteStore *) st;
  int rc;

  if (!sqlite_begin (st, error))
    return FALSE;
  sqlite3_reset (s->forget);
  bind_text (s->forget, 1, address);
  rc = sqlite3_step (s->forget);
  sqlite3_reset (s->forget);
  sqlite3_clear_bindings (s->forget);
  if (rc != SQLITE_DONE) {
    fail (s, rc, "cannot forget", error);
    sqlite_rollback (st);
    return FALSE;
  }
  if (n)
    *n = (guint64) sqlite3_changes (s->db);
  return sqlite_commit (st, NULL, error);
}

static int
sqlite_schema_version (BcLedgerStore *st)
{
  return ((SqliteStore *) st)->version;
}

static void
sqlite_close (BcLedgerStore *st)
{
  SqliteStore *s = (SqliteStore *) st;

  if (!s)
    return;
  sqlite3_finalize (s->insert);
  sqlite3_finalize (s->all);
  sqlite3_finalize (s->one);
  sqlite3_finalize (s->forget);
  if (s->db) {
    sqlite_rollback (st);
    sqlite3_close (s->db);
  }
  g_free (s->path);
  g_free (s);
}

const BcLedgerBackend _bc_ledger_sqlite = {
  "sqlite",
  sqlite_open,
  sqlite_begin,
  sqlite_record,
  sqlite_commit,
  sqlite_rollback,
  sqlite_query,
  sqlite_forget,
  sqlite_schema_version,
  sqlite_close,
};
