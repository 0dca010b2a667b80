/* plugins.h - the ledger and the remote mailboxes as loadable modules.
 *
 * src/ledger (SQLite, libpq) and src/fetch (libcurl) pull in some thirty
 * shared libraries. Linked into the program, they were loaded and relocated
 * on every run, and made up most of the start-up time of a run on one
 * message (an MTA pipe runs bounceclass once per bounce). They are built as
 * the modules bounceclass-ledger.so and bounceclass-fetch.so, and
 * src/cli/plugins.c loads one only when the command line asks for it.
 *
 * Each module exports one table of functions under the name given below;
 * the program checks its abi field before using it.
 */
#ifndef BC_CLI_PLUGINS_H
#define BC_CLI_PLUGINS_H

#include <glib.h>
#include <gmodule.h>
#include <bounceclass/bounceclass.h>
#include "cli/input.h"

#define BC_PLUGIN_ABI 1

#define BC_LEDGER_PLUGIN_SYMBOL "bc_ledger_plugin"
typedef struct {
  guint abi;
  void (*prescan) (int argc, char **argv);
  const GOptionEntry *(*entries) (void);
  gboolean (*enabled) (void);
  int (*start) (void);
  gpointer (*prepare) (const BcReport *report, GBytes *data);
  void (*record) (GPtrArray *items);
  gboolean (*sync) (void);
  int (*finish) (void);
  void (*item_free) (gpointer item);
  int (*command_main) (int argc, char **argv);
} BcLedgerPlugin;

#define BC_FETCH_PLUGIN_SYMBOL "bc_fetch_plugin"
typedef struct {
  guint abi;
  gboolean (*is_url) (const char *path);
  const GOptionEntry *(*entries) (void);
  gboolean (*check_options) (char **paths);
  int (*run) (const char *url, gsize max_message, BcInputFunc func, gpointer user_data);
  void (*write) (GString *out, const guint64 *ids, guint n);
} BcFetchPlugin;

#endif
