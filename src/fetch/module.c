/* module.c - remote mailboxes as the loadable module bounceclass-fetch.so:
 * the table src/cli/plugins.c looks up. */
#include "fetch.h"
#include "cli/plugins.h"

G_MODULE_EXPORT extern const BcFetchPlugin bc_fetch_plugin;

const BcFetchPlugin bc_fetch_plugin = {
  BC_PLUGIN_ABI,
  bc_fetch_is_url,
  bc_fetch_entries,
  bc_fetch_check_options,
  bc_fetch_run,
  bc_fetch_write,
};
