/* store.c - picks the ledger backend and holds what both backends share:
 * the schema, one SQL script per version, and the error domain.
 *
 * Schema history (each step is applied in one transaction on open, so a
 * ledger is always at one version; a newer ledger than this code knows is
 * refused rather than written):
 *   1  events (key, address, at, class, reason, status, rule, list_id, recorded)
 *   2  + host, diagnostic, forgotten; an index on class
 */
#include "ledger.h"

#include <string.h>

G_DEFINE_QUARK (bc-ledger-error-quark, _bc_ledger_error)

void
_bc_ledger_event_free (BcLedgerEvent *ev)
{
  if (!ev)
    return;
  g_free (ev->key);
  g_free (ev->address);
  g_free (ev->klass);
  g_free (ev->reason);
  g_free (ev->status);
  g_free (ev->rule);
  g_free (ev->list_id);
  g_free (ev->host);
  g_free (ev->diagnostic);
  g_free (ev);
}

void
_bc_ledger_event_from_row (BcLedgerEvent *ev, const char *const col[BC_LEDGER_N_COLUMNS])
{
  ev->id = g_ascii_strtoll (col[0], NULL, 10);
  ev->key = (char *) col[1];
  ev->address = (char *) col[2];
  ev->at = g_ascii_strtoll (col[3], NULL, 10);
  ev->klass = (char *) col[4];
  ev->reason = (char *) col[5];
  ev->status = (char *) col[6];
  ev->rule = (char *) col[7];
  ev->list_id = (char *) col[8];
  ev->host = (char *) col[9];
  ev->diagnostic = (char *) col[10];
  ev->recorded = g_ascii_strtoll (col[11], NULL, 10);
  ev->forgotten = g_ascii_strtoll (col[12], NULL, 10) != 0;
}

/* version 1; the spelling differs only in the id column and integer width */
static const char schema_v1_sqlite[] =
  "CREATE TABLE schema_version (version INTEGER NOT NULL);"
  "CREATE TABLE events ("
  " id INTEGER PRIMARY KEY,"
  " key TEXT NOT NULL UNIQUE,"
  " address TEXT NOT NULL,"
  " at INTEGER NOT NULL,"
  " class TEXT NOT NULL,"
  " reason TEXT NOT NULL,"
  " status TEXT NOT NULL DEFAULT '',"
  " rule TEXT NOT NULL DEFAULT '',"
  " list_id TEXT NOT NULL DEFAULT '',"
  " recorded INTEGER NOT NULL);"
  "CREATE INDEX events_by_address ON events (address, list_id, at);"
  "INSERT INTO schema_version VALUES (1);";

static const char schema_v1_pg[] =
  "CREATE TABLE schema_version (version INTEGER NOT NULL);"
  "CREATE TABLE events ("
  " id BIGSERIAL PRIMARY KEY,"
  " key TEXT NOT NULL UNIQUE,"
  " address TEXT NOT NULL,"
  " at BIGINT NOT NULL,"
  " class TEXT NOT NULL,"
  " reason TEXT NOT NULL,"
  " status TEXT NOT NULL DEFAULT '',"
  " rule TEXT NOT NULL DEFAULT '',"
  " list_id TEXT NOT NULL DEFAULT '',"
  " recorded BIGINT NOT NULL);"
  "CREATE INDEX events_by_address ON events (address, list_id, at);"
  "INSERT INTO schema_version VALUES (1);";

static const char schema_v2[] =
  "ALTER TABLE events ADD COLUMN host TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE events ADD COLUMN diagnostic TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE events ADD COLUMN forgotten INTEGER NOT NULL DEFAULT 0;"
  "CREATE INDEX events_by_class ON events (class);"
  "UPDATE schema_version SET version = 2;";

const char *
_bc_ledger_schema_step (int v, gboolean pg)
{
  switch (v) {
  case 1:
    return pg ? schema_v1_pg : schema_v1_sqlite;
  case 2:
    return schema_v2;
  default:
    return NULL;
  }
}

gboolean
_bc_ledger_is_url (const char *where)
{
  return where && (g_str_has_prefix (where, "postgresql://") || g_str_has_prefix (where, "postgres://"));
}

BcLedgerStore *
_bc_ledger_store_open (const char *where, gboolean create, GError **error)
{
  g_return_val_if_fail (where != NULL, NULL);

  if (_bc_ledger_is_url (where)) {
#ifdef BC_HAVE_PG
    return _bc_ledger_pg.open (where, create, error);
#else
    g_set_error (error, BC_LEDGER_ERROR, BC_LEDGER_ERROR_UNSUPPORTED,
                 "this bounceclass was built without PostgreSQL support (meson option postgresql)");
    return NULL;
#endif
  }
  if (!*where) {
    g_set_error (error, BC_LEDGER_ERROR, BC_LEDGER_ERROR_OPEN, "empty ledger path");
    return NULL;
  }
  return _bc_ledger_sqlite.open (where, create, error);
}

void
_bc_ledger_store_close (BcLedgerStore *st)
{
  if (st)
    st->be->close (st);
}
