/* cli.c - `bounceclass --ledger FILE.db|URL PATH...`: record every
 * classified recipient while classifying.
 *
 * main.c calls bc_ledger_cli_prepare() where it classifies (any thread) and
 * bc_ledger_cli_record() from the thread that writes output, so the ledger
 * is written in input order whatever --jobs is. Messages are committed in
 * batches of BOUNCECLASS_LEDGER_BATCH messages (default 500) or every
 * second, whichever comes first; a message is never split across batches.
 *
 * When a write fails, the open batch is rolled back, the error and the
 * number of messages not recorded are printed, nothing more is recorded
 * and the run exits BC_EXIT_LEDGER once its output is written; running it
 * again records what is missing and nothing twice.
 */
#include "ledger.h"

#include <stdlib.h>
#include <string.h>

static struct {
  char *where;
  BcLedgerStore *st;
  BcLedgerWriter *w;
  gboolean failed;
  const char *mode;         /* "--pipe" or "--sweep" when given */
  guint64 lost;             /* messages with events not recorded after a failure */
} L;

static const GOptionEntry entries[] = {
  { "ledger", 0, 0, G_OPTION_ARG_FILENAME, &L.where,
    "Record every classified recipient in the ledger FILE.db (SQLite) or postgresql://URL; "
    "see 'bounceclass ledger --help'", "FILE.db|URL" },
  { NULL }
};

const GOptionEntry *
bc_ledger_cli_entries (void)
{
  return entries;
}

void
bc_ledger_cli_prescan (int argc, char **argv)
{
  for (int i = 1; i < argc; i++) {
    if (strcmp (argv[i], "--") == 0)
      break;
    if (strcmp (argv[i], "--pipe") == 0)
      L.mode = "--pipe";
    else if (strcmp (argv[i], "--sweep") == 0 || g_str_has_prefix (argv[i], "--sweep="))
      L.mode = "--sweep";
  }
}

gboolean
bc_ledger_cli_enabled (void)
{
  return L.st != NULL;
}

int
bc_ledger_cli_start (void)
{
  GError *error = NULL;
  const char *env;
  long batch = 500;

  if (!L.where)
    return -1;
  if (L.mode) {
    /* refused rather than silently not recorded */
    g_printerr ("bounceclass: --ledger cannot be used with %s; record the results with "
                "'bounceclass --ledger' on the messages instead\n", L.mode);
    return 2;
  }
  env = g_getenv ("BOUNCECLASS_LEDGER_BATCH");
  if (env && *env) {
    batch = strtol (env, NULL, 10);
    if (batch < 1 || batch > 1000000)
      batch = 500;
  }
  L.st = _bc_ledger_store_open (L.where, TRUE, &error);
  if (!L.st) {
    g_printerr ("bounceclass: ledger: %s\n", error->message);
    g_error_free (error);
    return BC_EXIT_LEDGER;
  }
  L.w = _bc_ledger_writer_new (L.st, (guint) batch, G_USEC_PER_SEC);
  return -1;
}

gpointer
bc_ledger_cli_prepare (const BcReport *report, GBytes *data)
{
  gsize len = 0;
  const void *p;

  if (!L.st || !report || !data)
    return NULL;
  p = g_bytes_get_data (data, &len);
  return _bc_ledger_msg_new (report, p ? p : "", len, g_get_real_time () / G_USEC_PER_SEC);
}

void
bc_ledger_cli_item_free (gpointer item)
{
  _bc_ledger_msg_free (item);
}

void
bc_ledger_cli_record (GPtrArray *items)
{
  GError *error = NULL;

  if (!items)
    return;
  for (guint i = 0; i < items->len; i++) {
    BcLedgerMsg *m = g_ptr_array_index (items, i);
    if (!m)
      continue;
    if (L.failed) {
      L.lost++;
      continue;
    }
    if (!_bc_ledger_writer_add (L.w, m, &error)) {
      guint lost = _bc_ledger_writer_abort (L.w);
      L.failed = TRUE;
      L.lost += lost + 1;
      g_printerr ("bounceclass: ledger: %s\n", error->message);
      g_clear_error (&error);
    }
  }
  g_ptr_array_unref (items);
}

gboolean
bc_ledger_cli_sync (void)
{
  GError *error = NULL;

  if (!L.st)
    return TRUE;
  if (L.failed)
    return FALSE;
  if (!_bc_ledger_writer_commit (L.w, &error)) {
    L.lost += _bc_ledger_writer_abort (L.w);
    L.failed = TRUE;
    g_printerr ("bounceclass: ledger: %s\n", error->message);
    g_clear_error (&error);
    return FALSE;
  }
  return TRUE;
}

int
bc_ledger_cli_finish (void)
{
  GError *error = NULL;
  int status = -1;

  if (!L.st)
    return -1;
  if (!L.failed && !_bc_ledger_writer_commit (L.w, &error)) {
    L.lost += _bc_ledger_writer_abort (L.w);
    L.failed = TRUE;
    g_printerr ("bounceclass: ledger: %s\n", error->message);
    g_clear_error (&error);
  }
  if (L.failed) {
    g_printerr ("bounceclass: ledger: %" G_GUINT64_FORMAT " message(s) were not recorded; "
                "run again to record them (nothing is counted twice)\n", L.lost);
    status = BC_EXIT_LEDGER;
  } else if (g_getenv ("BOUNCECLASS_LEDGER_STATS")) {
    guint64 msgs, added, dups;
    _bc_ledger_writer_stats (L.w, &msgs, &added, &dups);
    g_printerr ("bounceclass: ledger: %" G_GUINT64_FORMAT " messages, %" G_GUINT64_FORMAT
                " new events, %" G_GUINT64_FORMAT " already recorded\n", msgs, added, dups);
  }
  _bc_ledger_writer_free (L.w);
  _bc_ledger_store_close (L.st);
  L.w = NULL;
  L.st = NULL;
  g_clear_pointer (&L.where, g_free);
  return status;
}
