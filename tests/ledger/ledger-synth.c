/* ledger-synth.c - writes a synthetic month of bounce events as an mbox:
 *
 *   ledger-synth [--kind KIND] [--addresses N] COUNT FILE.mbox
 *
 * COUNT messages, recipients drawn from N addresses (default COUNT/4),
 * classes in a fixed mix (or only KIND), dates spread over October 2026,
 * List-Ids from three lists. Deterministic: the same arguments give the
 * same bytes. Used by the kill/rerun and concurrency tests and to measure
 * ledger write throughput. */
#include "synth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main (int argc, char **argv)
{
  static const char *const mix[] = { "soft", "soft", "soft", "mailbox-full", "hard", "spam-block",
                                     "delivered", "auto-reply", "authfailure", "complaint" };
  static const char *const lists[] = { NULL, "news.lists.example.org", "announce.example.org" };
  const char *kind = NULL;
  long count, naddr = 0;
  GString *mbox = g_string_new (NULL);
  GRand *rand = g_rand_new_with_seed (8);
  GError *error = NULL;
  int i = 1;

  while (i < argc && argv[i][0] == '-' && argv[i][1] == '-') {
    if (strcmp (argv[i], "--kind") == 0 && i + 1 < argc)
      kind = argv[i + 1];
    else if (strcmp (argv[i], "--addresses") == 0 && i + 1 < argc)
      naddr = strtol (argv[i + 1], NULL, 10);
    else
      break;
    i += 2;
  }
  if (argc - i != 2 || (count = strtol (argv[i], NULL, 10)) <= 0) {
    fprintf (stderr, "usage: ledger-synth [--kind KIND] [--addresses N] COUNT FILE.mbox\n");
    return 2;
  }
  if (naddr <= 0)
    naddr = count / 4 + 1;
  for (long n = 0; n < count; n++) {
    char *rcpt = g_strdup_printf ("user%ld@example.com", (long) g_rand_int_range (rand, 0, (gint32) naddr));
    const char *k = kind ? kind : mix[g_rand_int_range (rand, 0, G_N_ELEMENTS (mix))];
    gint64 at = synth_time (10, g_rand_int_range (rand, 1, 32), g_rand_int_range (rand, 0, 24));
    char *msg = synth_message (k, rcpt, at, lists[g_rand_int_range (rand, 0, 3)], (guint) n);
    synth_mbox_append (mbox, msg);
    g_free (msg);
    g_free (rcpt);
  }
  if (!g_file_set_contents (argv[i + 1], mbox->str, (gssize) mbox->len, &error)) {
    fprintf (stderr, "ledger-synth: %s\n", error->message);
    return 1;
  }
  g_string_free (mbox, TRUE);
  g_rand_free (rand);
  return 0;
}
