/* gobject-churn.c - why --jobs runs worker processes, not threads.
 *
 *   gobject-churn [--processes] N [COUNT]
 *
 * Creates and destroys COUNT (default 1,000,000) of the GMime objects a
 * parse makes (a content type, a header list, a memory stream, in turn) in
 * each of N threads, or with --processes in each of N processes, and prints
 * the wall time and objects per second. With GLib 2.74 (Debian 12) every
 * GObject destroyed takes one global lock, so N threads take about as long
 * as one thread doing all the work, while N processes take as long as one
 * doing its share (bench/README.md). */
#include <gmime/gmime.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static long count = 1000000;

static gpointer
churn (gpointer data)
{
  (void) data;
  for (long i = 0; i < count; i++) {
    GObject *o;
    switch (i % 3) {
    case 0: o = G_OBJECT (g_mime_content_type_new ("text", "plain")); break;
    case 1: o = G_OBJECT (g_mime_header_list_new (NULL)); break;
    default: o = G_OBJECT (g_mime_stream_mem_new ()); break;
    }
    g_object_unref (o);
  }
  return NULL;
}

int
main (int argc, char **argv)
{
  gboolean processes = argc > 1 && strcmp (argv[1], "--processes") == 0;
  int n = argc > 1 + processes ? atoi (argv[1 + processes]) : 0;
  gint64 t0;
  double secs;

  if (n < 1 || n > 64) {
    fprintf (stderr, "usage: gobject-churn [--processes] N [COUNT]\n");
    return 2;
  }
  if (argc > 2 + processes)
    count = atol (argv[2 + processes]);
  g_mime_init ();
  t0 = g_get_monotonic_time ();
  if (processes) {
    for (int i = 0; i < n; i++)
      if (fork () == 0) {
        churn (NULL);
        _exit (0);
      }
    for (int i = 0; i < n; i++)
      wait (NULL);
  } else {
    GThread **t = g_new (GThread *, n);
    for (int i = 0; i < n; i++)
      t[i] = g_thread_new (NULL, churn, NULL);
    for (int i = 0; i < n; i++)
      g_thread_join (t[i]);
    g_free (t);
  }
  secs = (g_get_monotonic_time () - t0) / 1e6;
  printf ("%d %s: %.3f s, %.0f objects/s\n", n, processes ? "processes" : "threads", secs,
          n * (double) count / secs);
  g_mime_shutdown ();
  return 0;
}
