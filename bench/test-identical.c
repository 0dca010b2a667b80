/* test-identical.c - an mbox gives the same answers as its single files.
 *
 * Builds an mbox (mboxrd quoting) from every corpus/ sample, runs the
 * bounceclass binary on it with --jobs 1 and --jobs 2 and on the single
 * files, and checks that record i of the mbox equals the record of sample i
 * (the "file" and "index" members aside), and that --jobs 2 writes exactly
 * the bytes --jobs 1 writes. Needs BC_SOURCE_ROOT and BC_BINARY (set by
 * meson test). Limits: the corpus is read whole; it is a few MB.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

static gint
cmp_name (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
collect (const char *dir, GPtrArray *out)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  if (!d)
    return;
  while ((name = g_dir_read_name (d)))
    g_ptr_array_add (names, g_strdup (name));
  g_dir_close (d);
  g_ptr_array_sort (names, cmp_name);
  for (guint i = 0; i < names->len; i++) {
    char *p = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
    if (g_file_test (p, G_FILE_TEST_IS_DIR))
      collect (p, out);
    else if (g_str_has_suffix (p, ".eml")) {
      g_ptr_array_add (out, p);
      p = NULL;
    }
    g_free (p);
  }
  g_ptr_array_unref (names);
}

/* quote - mboxrd: ">" before every line that is ">"* then "From ". */
static void
append_quoted (GString *mbox, const char *data, gsize len)
{
  const char *p = data, *end = data + len;

  while (p < end) {
    const char *nl = memchr (p, '\n', end - p);
    const char *le = nl ? nl + 1 : end, *q = p;
    while (q < le && *q == '>')
      q++;
    if (le - q >= 5 && memcmp (q, "From ", 5) == 0)
      g_string_append_c (mbox, '>');
    g_string_append_len (mbox, p, le - p);
    p = le;
  }
  if (len == 0 || data[len - 1] != '\n')
    g_string_append_c (mbox, '\n');
}

static char *
run (char **argv)
{
  char *out = NULL;
  int status = 0;
  GError *error = NULL;

  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                     &status, &error))
    fail_msg ("cannot run %s: %s", argv[0], error->message);
  /* 0, or 1 when some input had an error record: both are answers */
  assert_true (g_spawn_check_wait_status (status, NULL) || WEXITSTATUS (status) == 1);
  return out;
}

static JsonNode *
record (const char *line)
{
  JsonNode *n = json_from_string (line, NULL);
  assert_non_null (n);
  assert_true (JSON_NODE_HOLDS_OBJECT (n));
  json_object_remove_member (json_node_get_object (n), "file");
  json_object_remove_member (json_node_get_object (n), "index");
  return n;
}

static void
test_mbox_equals_files (void **state)
{
  const char *root = g_getenv ("BC_SOURCE_ROOT"), *bin = g_getenv ("BC_BINARY");
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  GString *mbox = g_string_new (NULL);
  char *corpus, *tmp, *mpath, *one, *two, *single;
  char **l1, **ls;
  guint n;

  if (!root || !bin)
    skip ();
  corpus = g_build_filename (root, "corpus", NULL);
  collect (corpus, files);
  assert_true (files->len > 0);
  for (guint i = 0; i < files->len; i++) {
    char *data;
    gsize len;
    assert_true (g_file_get_contents (g_ptr_array_index (files, i), &data, &len, NULL));
    if (len >= 5 && memcmp (data, "From ", 5) == 0) {
      g_free (data);              /* an mbox itself, not one message */
      g_ptr_array_remove_index (files, i--);
      continue;
    }
    g_string_append (mbox, "From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n");
    append_quoted (mbox, data, len);
    g_string_append_c (mbox, '\n');
    g_free (data);
  }
  tmp = g_dir_make_tmp ("bc-identical-XXXXXX", NULL);
  assert_non_null (tmp);
  mpath = g_build_filename (tmp, "all.mbox", NULL);
  assert_true (g_file_set_contents (mpath, mbox->str, mbox->len, NULL));

  {
    char *a1[] = { (char *) bin, "--json", "--jobs", "1", mpath, NULL };
    char *a2[] = { (char *) bin, "--json", "--jobs", "2", mpath, NULL };
    char **as = g_new0 (char *, files->len + 3);
    as[0] = (char *) bin;
    as[1] = "--json";
    for (guint i = 0; i < files->len; i++)
      as[i + 2] = g_ptr_array_index (files, i);
    one = run (a1);
    two = run (a2);
    single = run (as);
    g_free (as);
  }
  assert_string_equal (one, two);
  l1 = g_strsplit (one, "\n", -1);
  ls = g_strsplit (single, "\n", -1);
  n = g_strv_length (l1);
  assert_int_equal (n, g_strv_length (ls));
  assert_int_equal (n, files->len + 1);       /* + the empty string after the last \n */
  for (guint i = 0; i + 1 < n; i++) {
    JsonNode *a = record (l1[i]), *b = record (ls[i]);
    if (!json_node_equal (a, b))
      fail_msg ("message %u (%s) differs:\n  mbox:   %s\n  single: %s", i + 1,
                (char *) g_ptr_array_index (files, i), l1[i], ls[i]);
    json_node_unref (a);
    json_node_unref (b);
  }

  g_unlink (mpath);
  g_rmdir (tmp);
  g_strfreev (l1);
  g_strfreev (ls);
  g_free (one);
  g_free (two);
  g_free (single);
  g_free (mpath);
  g_free (tmp);
  g_free (corpus);
  g_string_free (mbox, TRUE);
  g_ptr_array_unref (files);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_mbox_equals_files),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
