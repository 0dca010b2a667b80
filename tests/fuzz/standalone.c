/* standalone.c - run a fuzz harness over files, without libFuzzer.
 *
 * Usage: fuzz-NAME FILE|DIR...  Each file is read whole (at most 64 MiB)
 * and handed to LLVMFuzzerTestOneInput(); a directory stands for the files
 * under it. Exit status 0 when every input went through, 1 when one could not
 * be read. A failed check aborts.
 */
#include "fuzz-common.h"

static int
run_file (const char *path)
{
  char *data = NULL;
  gsize len = 0;
  GError *error = NULL;

  if (!g_file_get_contents (path, &data, &len, &error)) {
    fprintf (stderr, "%s\n", error->message);
    g_error_free (error);
    return 1;
  }
  LLVMFuzzerTestOneInput ((const uint8_t *) data, len);
  g_free (data);
  return 0;
}

/* run_path - a file, or every file under a directory (recursively). */
static int
run_path (const char *path, guint *n)
{
  int status = 0;

  if (g_file_test (path, G_FILE_TEST_IS_DIR)) {
    GDir *d = g_dir_open (path, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name (d))) {
      char *p;
      if (name[0] == '.')
        continue;
      p = g_build_filename (path, name, NULL);
      status |= run_path (p, n);
      g_free (p);
    }
    if (d)
      g_dir_close (d);
  } else {
    status |= run_file (path);
    (*n)++;
  }
  return status;
}

int
main (int argc, char **argv)
{
  int status = 0;
  guint n = 0;

  for (int i = 1; i < argc; i++)
    status |= run_path (argv[i], &n);
  printf ("%u inputs\n", n);
  return status;
}
