/* procpool.h - worker processes for --jobs: requests go out in order,
 * answers come back in the same order.
 *
 * Why processes and not threads: GLib 2.74 (Debian 12) takes a global lock
 * for every GObject it destroys (the signal handlers' table), and GMime
 * makes some forty GObjects a message. Two threads that only create and
 * destroy GMime objects run no faster than one; two processes share
 * nothing and run twice as fast (bench/README.md has the figures). */
#ifndef BC_CLI_PROCPOOL_H
#define BC_CLI_PROCPOOL_H

#include <glib.h>

typedef struct _BcProcPool BcProcPool;

/* In a worker: the answer to one request (newly allocated). */
typedef GBytes *(*BcProcFunc) (GBytes *request, gpointer user_data);

/* bc_proc_pool_new - forks @n workers, each running @func on the requests
 * it is sent. Call it before any thread exists: a fork copies one thread
 * only. NULL (with a message on stderr) when a worker cannot be started. */
BcProcPool *bc_proc_pool_new (guint n, BcProcFunc func, gpointer user_data);

/* bc_proc_pool_send - the request numbered @seq (0, 1, 2, ... in turn) goes
 * to worker @seq % n. Never blocks for long: each worker takes its requests
 * in as they come, on a thread of its own. The pool keeps @request until
 * its answer is read. */
void bc_proc_pool_send (BcProcPool *pool, guint64 seq, GBytes *request);

/* bc_proc_pool_receive - the answer to request @seq, the lowest not yet
 * received (blocks until it is there). NULL when the worker died on it:
 * *@why then says how (newly allocated) and *@failed holds the request (a
 * reference); the worker is started again, and the requests it had not
 * answered after that one are sent to it anew. */
GBytes *bc_proc_pool_receive (BcProcPool *pool, guint64 seq, char **why, GBytes **failed);

/* bc_proc_pool_run_alone - the answer to @request from a worker of its
 * own, started for it and ended after it (for the parts of a request a
 * worker died on, so that one that kills a worker costs nothing else its
 * answer); NULL with *@why set (newly allocated) when that one dies too. */
GBytes *bc_proc_pool_run_alone (BcProcPool *pool, GBytes *request, char **why);

/* bc_proc_pool_free - tells the workers there is no more work and waits
 * for them to end. */
void bc_proc_pool_free (BcProcPool *pool);

#endif
