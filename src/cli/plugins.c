/* plugins.c - load the ledger and fetch modules when the command line asks
 * for them, and stand in for them when it does not.
 *
 * main.c calls the bc_ledger_cli_* and bc_fetch_* functions declared in
 * ledger/ledger.h and fetch/fetch.h; this file defines them. Each forwards
 * to the module's table once the module is loaded, and otherwise does what
 * the feature does when it is not used (no ledger, no remote PATH).
 *
 * bc_ledger_cli_prescan(), which main.c calls before parsing options,
 * decides what to load from the raw arguments:
 *   - the ledger module for --ledger, and for the `ledger` command;
 *   - the fetch module for an argument holding "://" (an imap://, pop3://
 *     ... PATH) or one of the remote options (fetch_options below, from
 *     the same list, fetch/options.h, as the module's entries);
 *   - both for --help, so that it lists every option.
 * A module that is asked for but cannot be loaded is an error (exit 2),
 * except under --help.
 *
 * Where modules are looked for, in order: $BOUNCECLASS_MODULE_DIR; the
 * directory of the running program (a build tree); the install's module
 * directory reached from the program's directory (a relocated or DESTDIR
 * install); the configured BC_MODULEDIR. Modules stay loaded for the
 * process's life.
 */
#include "bc-config.h"
#include "cli/plugins.h"
#include "ledger/ledger.h"
#include "fetch/fetch.h"
#include "fetch/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const BcLedgerPlugin *ledger;
static const BcFetchPlugin *fetch;
static const GOptionEntry no_entries[] = { { NULL } };

/* the remote options, whose entries are in the fetch module (both from
 * BC_FETCH_OPTIONS): given without a PATH, they still load the module,
 * whose check says what is missing */
#define OPTION_NAME(name, arg, field, help, arg_description) "--" name,
static const char *const fetch_options[] = { BC_FETCH_OPTIONS (OPTION_NAME) NULL };
#undef OPTION_NAME

static char *
program_dir (void)
{
  char *exe = g_file_read_link ("/proc/self/exe", NULL);
  char *dir = exe ? g_path_get_dirname (exe) : NULL;
  g_free (exe);
  return dir;
}

static gpointer
load (const char *file, const char *symbol, char **why)
{
  char *dirs[4] = { NULL };
  const char *env = g_getenv ("BOUNCECLASS_MODULE_DIR");
  char *exe_dir = program_dir ();
  gpointer table = NULL;
  GString *errors = g_string_new (NULL);

  dirs[0] = env && *env ? g_strdup (env) : NULL;
  dirs[1] = exe_dir ? g_strdup (exe_dir) : NULL;
  dirs[2] = exe_dir && BC_MODULEDIR_FROM_BINDIR[0]
              ? g_build_filename (exe_dir, BC_MODULEDIR_FROM_BINDIR, NULL) : NULL;
  dirs[3] = g_strdup (BC_MODULEDIR);
  for (guint i = 0; i < G_N_ELEMENTS (dirs) && !table; i++) {
    char *path;
    GModule *mod;
    if (!dirs[i])
      continue;
    path = g_build_filename (dirs[i], file, NULL);
    if (g_file_test (path, G_FILE_TEST_EXISTS)) {
      mod = g_module_open (path, G_MODULE_BIND_LOCAL);
      if (!mod)
        g_string_append_printf (errors, "%s%s", errors->len ? "; " : "", g_module_error ());
      else if (!g_module_symbol (mod, symbol, &table) || !table ||
               *(const guint *) table != BC_PLUGIN_ABI) {
        g_string_append_printf (errors, "%s%s: not a bounceclass %s module of this version",
                                errors->len ? "; " : "", path, symbol);
        table = NULL;
        g_module_close (mod);
      } else {
        g_module_make_resident (mod);
      }
    }
    g_free (path);
  }
  if (!table && why)
    *why = errors->len ? g_strdup (errors->str)
                       : g_strdup_printf ("%s not found (looked in $BOUNCECLASS_MODULE_DIR, %s, %s)",
                                          file, exe_dir ? exe_dir : "the program's directory",
                                          BC_MODULEDIR);
  g_string_free (errors, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    g_free (dirs[i]);
  g_free (exe_dir);
  return table;
}

static void
need (gpointer *slot, const char *file, const char *symbol, const char *what, gboolean must)
{
  char *why = NULL;

  if (*slot)
    return;
  *slot = load (file, symbol, &why);
  if (!*slot && must) {
    fprintf (stderr, "bounceclass: %s needs the module %s: %s\n", what, file, why);
    g_free (why);
    exit (2);
  }
  g_free (why);
}

static gboolean
is_option (const char *arg, const char *name)
{
  gsize n = strlen (name);
  return strncmp (arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

void
bc_ledger_cli_prescan (int argc, char **argv)
{
  gboolean help = FALSE, want_ledger = FALSE, want_fetch = FALSE;

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp (a, "--") == 0) {
      for (i++; i < argc; i++)
        want_fetch = want_fetch || strstr (argv[i], "://") != NULL;
      break;
    }
    if (strcmp (a, "-h") == 0 || strcmp (a, "-?") == 0 || g_str_has_prefix (a, "--help"))
      help = TRUE;
    else if (is_option (a, "--ledger"))
      want_ledger = TRUE;
    else if (strstr (a, "://"))
      want_fetch = TRUE;
    else
      for (guint k = 0; fetch_options[k]; k++)
        want_fetch = want_fetch || is_option (a, fetch_options[k]);
  }
  if (want_ledger || help)
    need ((gpointer *) &ledger, "bounceclass-ledger.so", BC_LEDGER_PLUGIN_SYMBOL, "--ledger", !help);
  if (want_fetch || help)
    need ((gpointer *) &fetch, "bounceclass-fetch.so", BC_FETCH_PLUGIN_SYMBOL,
          "reading a remote mailbox", !help);
  if (ledger)
    ledger->prescan (argc, argv);
}

int
bc_ledger_command_main (int argc, char **argv)
{
  need ((gpointer *) &ledger, "bounceclass-ledger.so", BC_LEDGER_PLUGIN_SYMBOL,
        "'bounceclass ledger'", TRUE);
  return ledger->command_main (argc, argv);
}

const GOptionEntry *
bc_ledger_cli_entries (void)
{
  return ledger ? ledger->entries () : no_entries;
}

gboolean
bc_ledger_cli_enabled (void)
{
  return ledger && ledger->enabled ();
}

int
bc_ledger_cli_start (void)
{
  return ledger ? ledger->start () : -1;
}

gpointer
bc_ledger_cli_prepare (const BcReport *report, GBytes *data)
{
  return ledger ? ledger->prepare (report, data) : NULL;
}

void
bc_ledger_cli_record (GPtrArray *items)
{
  if (ledger)
    ledger->record (items);
  else if (items)
    g_ptr_array_unref (items);
}

gboolean
bc_ledger_cli_sync (void)
{
  return ledger ? ledger->sync () : TRUE;
}

int
bc_ledger_cli_finish (void)
{
  return ledger ? ledger->finish () : -1;
}

void
bc_ledger_cli_item_free (gpointer item)
{
  if (ledger)
    ledger->item_free (item);
}

gboolean
bc_fetch_is_url (const char *path)
{
  return fetch && fetch->is_url (path);
}

const GOptionEntry *
bc_fetch_entries (void)
{
  return fetch ? fetch->entries () : no_entries;
}

gboolean
bc_fetch_check_options (char **paths)
{
  return fetch ? fetch->check_options (paths) : TRUE;
}

int
bc_fetch_run (const char *url, gsize max_message, BcInputFunc func, gpointer user_data)
{
  return fetch ? fetch->run (url, max_message, func, user_data) : 2;
}

void
bc_fetch_write (GString *out, const guint64 *ids, guint n)
{
  if (fetch) {
    fetch->write (out, ids, n);
    return;
  }
  fwrite (out->str, 1, out->len, stdout);
  g_string_free (out, TRUE);
}
