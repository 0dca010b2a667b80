/* module.c - the ledger as the loadable module bounceclass-ledger.so: the
 * table src/cli/plugins.c looks up. */
#include "ledger.h"
#include "cli/plugins.h"

G_MODULE_EXPORT extern const BcLedgerPlugin bc_ledger_plugin;

const BcLedgerPlugin bc_ledger_plugin = {
  BC_PLUGIN_ABI,
  bc_ledger_cli_prescan,
  bc_ledger_cli_entries,
  bc_ledger_cli_enabled,
  bc_ledger_cli_start,
  bc_ledger_cli_prepare,
  bc_ledger_cli_record,
  bc_ledger_cli_sync,
  bc_ledger_cli_finish,
  bc_ledger_cli_item_free,
  bc_ledger_command_main,
};
