/* input.h - where messages come from: files, mboxes, Maildirs, stdin. */
#ifndef BC_CLI_INPUT_H
#define BC_CLI_INPUT_H

#include <glib.h>

typedef struct {
  char *file;               /* path as given, "-" for stdin, or a Maildir file */
  guint64 index;            /* 1-based position in an mbox, 0 otherwise */
  GBytes *data;             /* the message, NULL when @error is set */
  char *error;              /* why it could not be read */
  gboolean truncated;       /* the message was longer than max_message */
  guint64 remote_id;        /* from a remote mailbox (src/fetch): its id there,
                             * to hand back to bc_fetch_write(); 0 otherwise */
} BcInputMsg;

/* Called once per message, in input order; takes ownership of @msg. A
 * remote source (src/fetch) also calls it with NULL, meaning "write out
 * every record read so far" (before it waits for new mail). */
typedef void (*BcInputFunc) (BcInputMsg *msg, gpointer user_data);

void bc_input_msg_free (BcInputMsg *msg);

/* bc_input_read - reads @path ("-" for stdin) and calls @func for each
 * message in it: one for a message file, one per message of an mbox, one
 * per file of a Maildir's new/ and cur/. Every failure becomes a message
 * with its error set, so nothing is lost. */
void bc_input_read (const char *path, gsize max_message, BcInputFunc func, gpointer user_data);

#endif
