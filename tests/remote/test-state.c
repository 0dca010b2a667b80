/* test-state.c - the state file of remote runs (src/fetch/state.c): saved
 * and loaded back, replaced atomically (no .tmp left), locked against a
 * second run, refused for another mailbox, pending settled to done, done
 * pruned to what the server still lists, forgotten on UIDVALIDITY change. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include "fetch/fetch-private.h"

#define SRC "imaps://u@localhost:993/INBOX"

static char *
tmp_state (void)
{
  char *dir = g_dir_make_tmp ("bc-state-XXXXXX", NULL);
  char *path = g_build_filename (dir, "sub", "x.state", NULL);
  g_free (dir);
  return path;
}

static void
cleanup (const char *path)
{
  char *lock = g_strconcat (path, ".lock", NULL);
  char *sub = g_path_get_dirname (path);
  char *dir = g_path_get_dirname (sub);
  g_unlink (path);
  g_unlink (lock);
  g_rmdir (sub);
  g_rmdir (dir);
  g_free (lock);
  g_free (sub);
  g_free (dir);
}

static void
test_round_trip (void **unused)
{
  char *path = tmp_state (), *tmp;
  BcFetchState st = { 0 }, back = { 0 };
  GError *error = NULL;

  (void) unused;
  assert_true (_bc_fetch_state_open (&st, path, SRC, &error));
  assert_int_equal (g_hash_table_size (st.done), 0);
  st.uidvalidity = 1795634565;
  g_hash_table_add (st.done, g_strdup ("7"));
  g_hash_table_add (st.done, g_strdup ("12"));
  g_ptr_array_add (st.pending, g_strdup ("13"));
  st.pending_offset = 4096;
  st.pending_length = 300;
  assert_true (_bc_fetch_state_save (&st, &error));
  tmp = g_strconcat (path, ".tmp", NULL);
  assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));

  /* a second run is locked out while the first holds the state */
  assert_false (_bc_fetch_state_open (&back, path, SRC, &error));
  assert_int_equal (error->code, BC_FETCH_EXIT_TEMPFAIL);
  g_clear_error (&error);
  _bc_fetch_state_close (&back);
  _bc_fetch_state_close (&st);

  memset (&back, 0, sizeof back);
  assert_true (_bc_fetch_state_open (&back, path, SRC, &error));
  assert_int_equal (back.uidvalidity, 1795634565);
  assert_int_equal (g_hash_table_size (back.done), 2);
  assert_true (g_hash_table_contains (back.done, "7"));
  assert_true (g_hash_table_contains (back.done, "12"));
  assert_int_equal (back.pending->len, 1);
  assert_string_equal (g_ptr_array_index (back.pending, 0), "13");
  assert_int_equal (back.pending_offset, 4096);
  assert_int_equal (back.pending_length, 300);

  /* settle: pending joins done; prune: keep what the server still lists */
  _bc_fetch_state_settle (&back);
  assert_int_equal (back.pending->len, 0);
  assert_int_equal (back.pending_offset, -1);
  assert_true (g_hash_table_contains (back.done, "13"));
  {
    GHashTable *present = g_hash_table_new (g_str_hash, g_str_equal);
    g_hash_table_add (present, "12");
    g_hash_table_add (present, "99");
    _bc_fetch_state_prune (&back, present);
    g_hash_table_unref (present);
  }
  assert_int_equal (g_hash_table_size (back.done), 1);
  assert_true (g_hash_table_contains (back.done, "12"));
  _bc_fetch_state_forget (&back);
  assert_int_equal (g_hash_table_size (back.done), 0);
  assert_true (_bc_fetch_state_save (&back, &error));
  _bc_fetch_state_close (&back);

  /* a state of one mailbox is not used for another */
  memset (&back, 0, sizeof back);
  assert_false (_bc_fetch_state_open (&back, path, "imaps://u@localhost:993/Other", &error));
  assert_int_equal (error->code, 2);
  assert_non_null (strstr (error->message, "--state"));
  g_clear_error (&error);
  _bc_fetch_state_close (&back);

  cleanup (path);
  g_free (tmp);
  g_free (path);
}

static void
test_garbage (void **unused)
{
  char *path = tmp_state (), *dir = g_path_get_dirname (path);
  BcFetchState st = { 0 };
  GError *error = NULL;

  (void) unused;
  g_mkdir_with_parents (dir, 0700);
  assert_true (g_file_set_contents (path, "\x01\x02 not [a key file\n=\n", -1, NULL));
  assert_false (_bc_fetch_state_open (&st, path, SRC, &error));
  assert_int_equal (error->code, 2);
  g_clear_error (&error);
  _bc_fetch_state_close (&st);
  cleanup (path);
  g_free (dir);
  g_free (path);
}

static void
test_default_path (void **unused)
{
  char *a, *b, *c;

  (void) unused;
  g_setenv ("XDG_STATE_HOME", "/var/tmp/xdg", TRUE);
  a = _bc_fetch_state_default_path ("imap", SRC);
  b = _bc_fetch_state_default_path ("imap", SRC);
  c = _bc_fetch_state_default_path ("imap", "imaps://u@localhost:993/Other");
  assert_true (g_str_has_prefix (a, "/var/tmp/xdg/bounceclass/imap-"));
  assert_true (g_str_has_suffix (a, ".state"));
  assert_string_equal (a, b);
  assert_string_not_equal (a, c);
  g_free (a);
  g_free (b);
  g_free (c);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_round_trip),
    cmocka_unit_test (test_garbage),
    cmocka_unit_test (test_default_path),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
