/* ledger.h - the bounce ledger: storage interface, events, policy, CLI glue.
 *
 * The ledger lives in the bounceclass program, not in libbounceclass. One
 * storage interface (BcLedgerBackend, a small vtable) has two backends:
 * SQLite (store-sqlite.c, a file path) and PostgreSQL (store-pg.c, a
 * postgresql:// or postgres:// URL, built when libpq is found). The policy
 * (policy.c) and the commands (commands.c) only see the interface.
 *
 * Every string in a BcLedgerEvent is owned by the event; events handed to a
 * BcLedgerEventFunc are owned by the backend and valid during the call only.
 */
#ifndef BC_LEDGER_H
#define BC_LEDGER_H

#include <bounceclass/bounceclass.h>

/* exit status of every ledger failure: cannot open, corrupt, locked, not a
 * ledger, schema too new, server gone, write failed */
#define BC_EXIT_LEDGER 3

/* the schema this code writes; older ledgers are migrated on open */
#define BC_LEDGER_SCHEMA 2

/* bounds on what one event stores */
#define BC_LEDGER_MAX_FIELD 512     /* bytes of diagnostic, rule, host, list */
#define BC_LEDGER_MAX_ADDRESS 320   /* an address longer than that is skipped */

#define BC_LEDGER_ERROR (_bc_ledger_error_quark ())
GQuark _bc_ledger_error_quark (void);

typedef enum {
  BC_LEDGER_ERROR_OPEN,         /* cannot open or create */
  BC_LEDGER_ERROR_CORRUPT,      /* not a database, or damaged */
  BC_LEDGER_ERROR_LOCKED,       /* another writer held the lock too long */
  BC_LEDGER_ERROR_SCHEMA,       /* written by a newer bounceclass, or not a ledger */
  BC_LEDGER_ERROR_IO,           /* a read or write failed */
  BC_LEDGER_ERROR_UNSUPPORTED,  /* backend not built in */
} BcLedgerErrorCode;

/* One classified recipient of one message. */
typedef struct {
  gint64 id;            /* set by queries */
  char *key;            /* idempotency key: MD5 of the message + "/" + recipient index */
  char *address;        /* normalised */
  gint64 at;            /* unix time (UTC) of the bounce */
  char *klass;          /* "hard", "soft", ... */
  char *reason;
  char *status;         /* "5.1.1" or "" */
  char *rule;           /* "file:line" or "" */
  char *list_id;        /* List-Id of the returned message, or "" */
  char *host;           /* reporting or remote MTA, or "" */
  char *diagnostic;     /* truncated to BC_LEDGER_MAX_FIELD, or "" */
  gint64 recorded;      /* unix time it was written */
  gboolean forgotten;   /* set by `ledger forget` */
} BcLedgerEvent;

void _bc_ledger_event_free (BcLedgerEvent *ev);

/* the columns both backends read an event from, in this order */
#define BC_LEDGER_COLUMNS "id, key, address, at, class, reason, status, rule, list_id, host, " \
  "diagnostic, recorded, forgotten"
#define BC_LEDGER_N_COLUMNS 13

/* _bc_ledger_event_from_row - fills @ev from one row of BC_LEDGER_COLUMNS,
 * each column read as text (@col[i] never NULL; numbers in decimal). The
 * strings are @col's, not copied: @ev is valid while they are. */
void _bc_ledger_event_from_row (BcLedgerEvent *ev, const char *const col[BC_LEDGER_N_COLUMNS]);

/* ---- storage interface --------------------------------------------------- */

typedef struct _BcLedgerStore BcLedgerStore;
typedef struct _BcLedgerBackend BcLedgerBackend;

/* return FALSE to stop the query early */
typedef gboolean (*BcLedgerEventFunc) (const BcLedgerEvent *ev, gpointer user_data);

struct _BcLedgerBackend {
  const char *name;
  /* open (or, with @create, create), set WAL and busy timeout, migrate to
   * BC_LEDGER_SCHEMA */
  BcLedgerStore *(*open) (const char *where, gboolean create, GError **error);
  gboolean (*begin) (BcLedgerStore *st, GError **error);
  /* insert unless the key exists (a backend may send it only at commit) */
  gboolean (*record) (BcLedgerStore *st, const BcLedgerEvent *ev, GError **error);
  /* *added: how many of the transaction's events were new */
  gboolean (*commit) (BcLedgerStore *st, guint64 *added, GError **error);
  void (*rollback) (BcLedgerStore *st);
  /* events of @address (or all when NULL), ordered by address, list, time, id */
  gboolean (*query) (BcLedgerStore *st, const char *address, BcLedgerEventFunc func,
                     gpointer user_data, GError **error);
  /* mark the address's events forgotten (kept, so reprocessing stays a no-op) */
  gboolean (*forget) (BcLedgerStore *st, const char *address, guint64 *n, GError **error);
  int (*schema_version) (BcLedgerStore *st);
  void (*close) (BcLedgerStore *st);
};

struct _BcLedgerStore {
  const BcLedgerBackend *be;
};

extern const BcLedgerBackend _bc_ledger_sqlite;
#ifdef BC_HAVE_PG
extern const BcLedgerBackend _bc_ledger_pg;
#endif

/* _bc_ledger_store_open - a path opens SQLite, a postgresql:// URL PostgreSQL.
 * Returns: (transfer full) (nullable): close with _bc_ledger_store_close() */
BcLedgerStore *_bc_ledger_store_open (const char *where, gboolean create, GError **error);
void _bc_ledger_store_close (BcLedgerStore *st);
gboolean _bc_ledger_is_url (const char *where);

/* the SQL of each schema version, shared by both backends: step @v builds
 * version v from v-1 (v = 1 creates). NULL past BC_LEDGER_SCHEMA.
 * @pg selects the PostgreSQL spelling. */
const char *_bc_ledger_schema_step (int v, gboolean pg);

/* ---- events from reports (record.c) -------------------------------------- */

typedef struct {
  GPtrArray *events;    /* (BcLedgerEvent *) of one message */
} BcLedgerMsg;

void _bc_ledger_msg_free (BcLedgerMsg *m);

/* _bc_ledger_normalise_address - trims, drops <>, lower-cases the domain.
 * Returns: (transfer full) (nullable): NULL when it is no address */
char *_bc_ledger_normalise_address (const char *address);

/* _bc_ledger_parse_date - an RFC 5322 date to unix time, or -1 */
gint64 _bc_ledger_parse_date (const char *date);

/* _bc_ledger_msg_new - the events of one classified message; @data is the
 * message's bytes (hashed for the key); @now is used when it has no date.
 * Returns: (transfer full) (nullable): NULL when it names no recipient */
BcLedgerMsg *_bc_ledger_msg_new (const BcReport *report, const void *data, gsize len, gint64 now);

/* the writer: one transaction per batch of whole messages */
typedef struct _BcLedgerWriter BcLedgerWriter;
BcLedgerWriter *_bc_ledger_writer_new (BcLedgerStore *st, guint batch, gint64 interval_us);
/* adds all events of @m (or none); commits every @batch messages or @interval */
gboolean _bc_ledger_writer_add (BcLedgerWriter *w, const BcLedgerMsg *m, GError **error);
gboolean _bc_ledger_writer_commit (BcLedgerWriter *w, GError **error);
/* rolls back what is not committed; returns the number of messages lost */
guint _bc_ledger_writer_abort (BcLedgerWriter *w);
void _bc_ledger_writer_stats (BcLedgerWriter *w, guint64 *messages, guint64 *added,
                              guint64 *duplicates);
void _bc_ledger_writer_free (BcLedgerWriter *w);

/* ---- policy (policy.c) --------------------------------------------------- */

typedef enum {
  BC_EFFECT_IGNORE,     /* not counted */
  BC_EFFECT_SUPPRESS,   /* suppress at once */
  BC_EFFECT_SCORE,      /* weight per distinct day */
  BC_EFFECT_SENDER,     /* a sender-side problem; never counts */
  BC_EFFECT_RESET,      /* clears the score */
} BcEffect;

#define BC_N_CLASSES 7

typedef struct {
  BcEffect effect[BC_N_CLASSES];   /* indexed by BcClass */
  double weight[BC_N_CLASSES];
  double threshold;
  int window_days;
  int reset_days;
} BcPolicyRules;

typedef struct _BcPolicy BcPolicy;

/* _bc_policy_load - @path or, when NULL, the built-in default policy.
 * Errors name the file and the key. */
BcPolicy *_bc_policy_load (const char *path, GError **error);
BcPolicy *_bc_policy_load_data (const char *data, gsize len, const char *name, GError **error);
void _bc_policy_free (BcPolicy *p);
const BcPolicyRules *_bc_policy_rules (const BcPolicy *p, const char *list_id);
const char *_bc_effect_to_string (BcEffect e);
int _bc_class_from_string (const char *s);   /* BcClass or -1 */

/* the state of one (address, list) pair, folded over its events in time order */
typedef struct {
  gboolean suppressed;
  gint64 since;         /* when it became suppressed */
  char *why;            /* one line */
  double score;         /* score after the last event */
  GArray *days;         /* (gint64 day, double weight) pairs in the chain */
  gint64 last_scored;   /* time of the last scored event, or 0 */
  guint n_events;
} BcVerdict;

void _bc_verdict_init (BcVerdict *v);
void _bc_verdict_clear (BcVerdict *v);
/* folds @ev in; returns the effect it had and, in @note, why (transfer full) */
BcEffect _bc_verdict_step (BcVerdict *v, const BcPolicyRules *r, const BcLedgerEvent *ev,
                           char **note);
/* the score as of @now (0 when the chain went stale) */
double _bc_verdict_score_at (const BcVerdict *v, const BcPolicyRules *r, gint64 now);

/* ---- CLI (cli.c, commands.c) --------------------------------------------- */

/* notes --pipe and --sweep, which do not record into a ledger (yet) */
void bc_ledger_cli_prescan (int argc, char **argv);
/* --ledger for the classify command */
const GOptionEntry *bc_ledger_cli_entries (void);
gboolean bc_ledger_cli_enabled (void);
/* opens the ledger given by --ledger; returns -1, or BC_EXIT_LEDGER after
 * printing the error */
int bc_ledger_cli_start (void);
/* thread-safe: what to record for one message (NULL when nothing) */
gpointer bc_ledger_cli_prepare (const BcReport *report, GBytes *data);
/* from the thread that writes output, in input order; takes @items
 * (a GPtrArray of bc_ledger_cli_prepare() results, may be NULL) */
void bc_ledger_cli_record (GPtrArray *items);
/* commits what is recorded so far (before remote messages are marked as
 * processed); FALSE when the ledger failed, so they must not be marked.
 * TRUE without --ledger. */
gboolean bc_ledger_cli_sync (void);
/* commits; returns -1, or BC_EXIT_LEDGER after printing the error */
int bc_ledger_cli_finish (void);
/* a free function for bc_ledger_cli_prepare() results */
void bc_ledger_cli_item_free (gpointer item);

/* bounceclass ledger ...; argv[0] is "ledger" */
int bc_ledger_command_main (int argc, char **argv);

#endif
