/* ledger-bench.c - ledger write throughput without classification:
 *
 *   ledger-bench FILE.db|URL [EVENTS]
 *
 * Writes EVENTS (default 50000) new one-recipient messages through the
 * writer (batches of 500 messages, as bounceclass does), then the same
 * again (all duplicates), and prints messages per second for both. The
 * ledger should be fresh. Not a test: for the figures in docs/ledger.md. */
#include "ledger.h"

#include <stdio.h>
#include <stdlib.h>

static double
write_all (BcLedgerStore *st, long n, const char *tag)
{
  BcLedgerWriter *w = _bc_ledger_writer_new (st, 500, 10 * G_USEC_PER_SEC);
  GError *error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  guint64 added = 0;

  for (long i = 0; i < n; i++) {
    BcLedgerMsg m;
    BcLedgerEvent ev = { 0 };
    char key[64], addr[64];
    GPtrArray *a = g_ptr_array_new ();

    g_snprintf (key, sizeof key, "%032lx/0", i);
    g_snprintf (addr, sizeof addr, "user%ld@example.com", i % 5000);
    ev.key = key;
    ev.address = addr;
    ev.at = 1790848800 + i * 60;
    ev.klass = (char *) (i % 3 ? "soft" : "hard");
    ev.reason = (char *) (i % 3 ? "expired" : "userunknown");
    ev.status = (char *) "5.1.1";
    ev.rule = (char *) "rules/30-text.rules:55";
    ev.list_id = (char *) "news.example.org";
    ev.host = (char *) "mx1.example.com";
    ev.diagnostic = (char *) "550 5.1.1 <mailbox>: Recipient address rejected: User unknown";
    ev.recorded = 1795000000;
    g_ptr_array_add (a, &ev);
    m.events = a;
    if (!_bc_ledger_writer_add (w, &m, &error)) {
      fprintf (stderr, "ledger-bench: %s\n", error->message);
      exit (3);
    }
    g_ptr_array_free (a, TRUE);
  }
  if (!_bc_ledger_writer_commit (w, &error)) {
    fprintf (stderr, "ledger-bench: %s\n", error->message);
    exit (3);
  }
  _bc_ledger_writer_stats (w, NULL, &added, NULL);
  {
    double s = (g_get_monotonic_time () - t0) / 1e6;
    printf ("%s: %ld messages in %.2f s: %.0f messages/s (%" G_GUINT64_FORMAT " new)\n", tag, n, s,
            n / s, added);
    _bc_ledger_writer_free (w);
    return n / s;
  }
}

int
main (int argc, char **argv)
{
  GError *error = NULL;
  BcLedgerStore *st;
  long n = argc > 2 ? strtol (argv[2], NULL, 10) : 50000;

  if (argc < 2 || n <= 0) {
    fprintf (stderr, "usage: ledger-bench FILE.db|URL [EVENTS]\n");
    return 2;
  }
  st = _bc_ledger_store_open (argv[1], TRUE, &error);
  if (!st) {
    fprintf (stderr, "ledger-bench: %s\n", error->message);
    return 3;
  }
  printf ("%s backend\n", st->be->name);
  write_all (st, n, "new events");
  write_all (st, n, "duplicates");
  _bc_ledger_store_close (st);
  return 0;
}
