/* fetch-private.h - declarations shared by the files of src/fetch: the
 * running fetch (remote.c), its state file (state.c) and the two protocols
 * (imap.c, pop3.c). Not for the CLI: it uses fetch.h.
 */
#ifndef BC_FETCH_PRIVATE_H
#define BC_FETCH_PRIVATE_H

#include <curl/curl.h>
#include "fetch.h"

/* largest server response we keep (a UID SEARCH or UIDL listing) */
#define BC_FETCH_MAX_RESPONSE (64u << 20)

#define BC_FETCH_ERROR (_bc_fetch_error_quark ())
GQuark _bc_fetch_error_quark (void);
/* error codes are the exit statuses: BC_FETCH_EXIT_* (and 2 for usage) */

/* ---- state.c ------------------------------------------------------------ */

typedef struct {
  char *path;               /* the state file */
  int lock_fd;              /* flock()ed PATH.lock, -1 when not open */
  char *source;             /* the mailbox it belongs to (URL without password) */
  guint64 uidvalidity;      /* IMAP: the folder's UIDVALIDITY, 0 unknown */
  GHashTable *done;         /* keys (char *) written, maybe not yet marked */
  GPtrArray *pending;       /* keys (char *) of the batch being written */
  gint64 pending_offset;    /* where its records start in the output, -1 unknown */
  gint64 pending_length;    /* and their length */
} BcFetchState;

/* _bc_fetch_state_default_path - $XDG_STATE_HOME/bounceclass/PROTO-HASH.state,
 * HASH from @source. (transfer full) */
char *_bc_fetch_state_default_path (const char *proto, const char *source);

/* _bc_fetch_state_open - locks @path (another run on the same state fails
 * with BC_FETCH_EXIT_TEMPFAIL) and loads it; a missing file is an empty
 * state, a state of another @source is an error. */
gboolean _bc_fetch_state_open (BcFetchState *st, const char *path, const char *source,
                               GError **error);

/* _bc_fetch_state_save - writes the state to PATH.tmp, fsync()s it and
 * renames it over PATH, then fsync()s the directory. */
gboolean _bc_fetch_state_save (BcFetchState *st, GError **error);

/* _bc_fetch_state_forget - drops everything keyed (on UIDVALIDITY change). */
void _bc_fetch_state_forget (BcFetchState *st);

/* _bc_fetch_state_prune - drops done keys not in @present (char * set). */
void _bc_fetch_state_prune (BcFetchState *st, GHashTable *present);

/* _bc_fetch_state_settle - moves the pending keys to done. */
void _bc_fetch_state_settle (BcFetchState *st);

void _bc_fetch_state_close (BcFetchState *st);

/* ---- remote.c ----------------------------------------------------------- */

typedef enum { BC_PROTO_IMAP, BC_PROTO_POP3 } BcProto;
typedef enum { BC_MARK_MOVE, BC_MARK_KEYWORD, BC_MARK_DELETE, BC_MARK_NONE } BcMark;

typedef struct _BcFetch BcFetch;

struct _BcFetch {
  BcProto proto;
  BcMark mark;
  const char *move_to;      /* BC_MARK_MOVE: the folder */
  const char *keyword;      /* BC_MARK_KEYWORD: the keyword */
  char *display;            /* scheme://user@host:port/path, for messages and records */
  char *base;               /* scheme://host:port/ as given to curl */
  char *path;               /* URL path without its '/', still %-encoded (IMAP folder) */
  char *folder;             /* the folder, decoded (IMAP), "INBOX" by default */
  char *user, *password, *login_options;
  gboolean need_starttls;   /* imap:// and pop3:// */

  CURL *curl;
  char errbuf[CURL_ERROR_SIZE];
  gsize max_message;
  BcInputFunc func;
  gpointer func_data;

  BcFetchState state;
  gboolean resumed;         /* the pending batch of the last run was settled */
  GHashTable *id_keys;      /* remote_id -> key (char *), messages handed out */
  GString *wbuf;            /* records gathered by bc_fetch_write(), not yet written */
  GArray *wids;             /* and the ids (guint64) of their messages */
  GArray *unmarked;         /* ids of messages written but not yet marked */
  gboolean stop;            /* output failed: stop fetching */
  gboolean mark_failed;     /* some mark failed: exit 75 (marked again next run) */
  gboolean has_move;        /* IMAP MOVE capability */
  gboolean caps_known;
};

/* _bc_fetch_perform - one curl request on @f's connection: @url (full), with
 * @custom as the command when not NULL (@nobody for commands without a
 * multi-line answer). The answer, up to @cap bytes, is appended to @sink
 * when not NULL (*@truncated set when cut). On failure sets @error with
 * one of BC_FETCH_EXIT_* as code and a message that names @what. */
gboolean _bc_fetch_perform (BcFetch *f, const char *url, const char *custom, gboolean nobody,
                            GString *sink, gsize cap, gboolean *truncated, const char *what,
                            GError **error);

/* _bc_fetch_deliver - hands one fetched message to the CLI: @data (CRLF made
 * LF), its record name @file, its @key; remembers @id -> @key. */
void _bc_fetch_deliver (BcFetch *f, guint64 id, const char *key, const char *file,
                        GString *data, gboolean truncated);

/* _bc_fetch_stopping - TRUE once SIGINT/SIGTERM came or output failed. */
gboolean _bc_fetch_stopping (BcFetch *f);

/* ---- imap.c, pop3.c ----------------------------------------------------- */

/* one pass over the mailbox: everything not processed yet is delivered,
 * then written (the caller calls func (NULL) at the end) */
gboolean _bc_imap_pass (BcFetch *f, GError **error);
gboolean _bc_imap_mark (BcFetch *f, const guint64 *ids, guint n, GError **error);
gboolean _bc_imap_prepare (BcFetch *f, GError **error);
char *_bc_imap_quote (const char *s, GError **error);
gboolean _bc_pop3_pass (BcFetch *f, GError **error);
gboolean _bc_pop3_mark (BcFetch *f, const guint64 *ids, guint n, GError **error);

#endif
