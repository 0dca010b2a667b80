/* classify-file.c - the smallest useful libbounceclass program: classify
 * one message file and print a line per failed recipient.
 *
 *   cc -o classify-file classify-file.c $(pkg-config --cflags --libs bounceclass)
 *   ./classify-file bounce.eml
 *
 * Output: ADDRESS<TAB>REASON<TAB>CLASS<TAB>ACTION<TAB>SOURCE, then a
 * "verp" line when the bounce's envelope recipient decoded as VERP.
 * Exit status: 0 classified, 1 the file could not be read or parsed,
 * 2 usage. Limits: the whole file is read into memory; the library itself
 * reads at most BcLimits.max_message bytes of it.
 */
#include <bounceclass/bounceclass.h>

#include <stdio.h>

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BcClassifier) cls = NULL;
  g_autoptr (BcReport) report = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;

  if (argc != 2) {
    fprintf (stderr, "usage: %s MESSAGE-FILE\n", argv[0]);
    return 2;
  }
  if (!g_file_get_contents (argv[1], &data, &len, &error)) {
    fprintf (stderr, "%s\n", error->message);
    return 1;
  }
  cls = bc_classifier_new (NULL, &error);
  if (!cls) {
    fprintf (stderr, "libbounceclass: %s\n", error->message);
    return 1;
  }
  report = bc_classifier_classify_bytes (cls, data, len, &error);
  if (!report) {
    fprintf (stderr, "%s: %s\n", argv[1], error->message);
    return 1;
  }
  for (guint i = 0; i < bc_report_n_recipients (report); i++) {
    const BcRecipient *r = bc_report_get_recipient (report, i);
    printf ("%s\t%s\t%s\t%s\t%s\n", r->address, r->reason, bc_class_to_string (r->klass),
            bc_action_to_string (r->action), bc_source_to_string (r->source));
  }
  if (report->verp)
    printf ("verp\t%s\n", report->verp);
  printf ("libbounceclass %s\n", bc_version ());
  return 0;
}
