/* fetch.h - read bounces from a remote mailbox: IMAP and POP3 over libcurl.
 *
 * The CLI hands a PATH that is an imap://, imaps://, pop3:// or pop3s:// URL
 * to bc_fetch_run(), which fetches each message not processed yet and gives
 * it to the CLI's usual BcInputFunc, so formats, order and --jobs behave as
 * for files. The CLI then gives each remote message's formatted records back
 * to bc_fetch_write(), which writes them, and only once they are written
 * (flushed, and fsync()ed when the output is a regular file) marks the
 * messages on the server (move, keyword or delete) and records them in the
 * state file. See docs/remote.md.
 *
 * One fetch runs at a time in a process; its state is kept in this module.
 * Everything here runs on the CLI's main thread.
 */
#ifndef BC_FETCH_H
#define BC_FETCH_H

#include <glib.h>
#include "cli/input.h"

/* exit statuses of a remote run, beyond the CLI's 0, 1 and 2 */
#define BC_FETCH_EXIT_LOGIN 4     /* the server refused the user name or password */
#define BC_FETCH_EXIT_TLS 5       /* TLS failed: certificate not trusted, wrong host, no STARTTLS */
#define BC_FETCH_EXIT_REFUSED 6   /* the server refused a command: no such folder, ... */
#define BC_FETCH_EXIT_TEMPFAIL 75 /* server unreachable, connection lost, output or mark failed */

/* bc_fetch_is_url - TRUE when @path names a remote mailbox (by its scheme). */
gboolean bc_fetch_is_url (const char *path);

/* bc_fetch_entries - the remote options, NULL-terminated, for the CLI's
 * option group. */
const GOptionEntry *bc_fetch_entries (void);

/* bc_fetch_check_options - FALSE, with a message on stderr, when a remote
 * option is given without a remote PATH among @paths (NULL-terminated). */
gboolean bc_fetch_check_options (char **paths);

/* bc_fetch_run - processes the mailbox at @url: each message not processed
 * yet becomes a BcInputMsg (its remote_id set) passed to @func; @func is
 * called with NULL when everything read so far must be written out (at the
 * end of each pass, before waiting for new mail). With --watch it runs until
 * SIGINT or SIGTERM. Returns an exit status: 0, or one of BC_FETCH_EXIT_*,
 * or 2 for a usage error (password in the URL, credentials missing or
 * readable by others); errors are reported on stderr, without credentials. */
int bc_fetch_run (const char *url, gsize max_message, BcInputFunc func, gpointer user_data);

/* bc_fetch_write - takes @out (transfer full), the records of the remote
 * messages @ids[0..@n), to be written to standard output in batches (one
 * every 32 messages, and at the end of each pass); once a batch is written,
 * its messages are marked and recorded in the state file. Called by the CLI
 * in input order, on the thread that called bc_fetch_run(). Outside a run
 * it just writes. */
void bc_fetch_write (GString *out, const guint64 *ids, guint n);

#endif
