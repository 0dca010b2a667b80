/* test-table.c - TSV, CSV, selected fields and flat JSON rows. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <json-glib/json-glib.h>

#include "bc-private.h"

static BcReport *
sample (void)
{
  BcReport *r = _bc_report_new ();
  BcRecipient *a = _bc_recipient_new (BC_SOURCE_DSN);
  BcRecipient *b = _bc_recipient_new (BC_SOURCE_VERP);

  a->address = g_strdup ("alice@example.org");
  strcpy (a->status, "5.1.1");
  strcpy (a->reply_code, "550");
  a->diagnostic = g_strdup ("550 5.1.1 \"alice\", unknown\tuser\nbye\\");
  _bc_decide (a, "userunknown");
  b->address = g_strdup ("bob@example.net");
  b->diagnostic = g_strdup (" blocked, see https://example.net/?a=1 ");
  _bc_decide (b, "blocked");
  g_ptr_array_add (r->recipients, a);
  g_ptr_array_add (r->recipients, b);
  r->recognizer = g_strdup ("postfix");
  r->verp = g_strdup ("alice@example.org");
  return r;
}

static void
test_tsv (void **state)
{
  BcReport *r = sample ();
  BcRecordInfo info = { "in\tbox", 3, NULL };
  const char *fields[] = { "file", "index", "address", "class", "action", "status",
                           "reply_code", "source", "verp", "diagnostic", NULL };
  GString *out = g_string_new (NULL);
  char **lines;

  bc_table_append_header (BC_TABLE_TSV, fields, out);
  bc_report_append_table (r, &info, BC_TABLE_TSV, fields, out);
  lines = g_strsplit (out->str, "\n", -1);
  assert_int_equal (g_strv_length (lines), 4);   /* header, 2 rows, "" */
  assert_string_equal (lines[0], "file\tindex\taddress\tclass\taction\tstatus\treply_code\tsource\t"
                                 "verp\tdiagnostic");
  assert_string_equal (lines[1], "in\\tbox\t3\talice@example.org\thard\tsuppress\t5.1.1\t550\tdsn\t"
                                 "alice@example.org\t550 5.1.1 \"alice\", unknown\\tuser\\nbye\\\\");
  assert_string_equal (lines[2], "in\\tbox\t3\tbob@example.net\tspam-block\tretry\t\t\tverp\t"
                                 "alice@example.org\t blocked, see https://example.net/?a=1 ");
  assert_string_equal (lines[3], "");
  g_strfreev (lines);
  g_string_free (out, TRUE);
  bc_report_free (r);
}

static void
test_csv (void **state)
{
  BcReport *r = sample ();
  BcRecordInfo info = { "a,b.eml", 0, NULL };
  const char *fields[] = { "file", "index", "address", "reason", "diagnostic", NULL };
  GString *out = g_string_new (NULL);

  bc_table_append_header (BC_TABLE_CSV, fields, out);
  bc_report_append_table (r, &info, BC_TABLE_CSV, fields, out);
  assert_string_equal (out->str,
    "file,index,address,reason,diagnostic\r\n"
    "\"a,b.eml\",,alice@example.org,userunknown,\"550 5.1.1 \"\"alice\"\", unknown?user\nbye\\\"\r\n"
    "\"a,b.eml\",,bob@example.net,blocked,\" blocked, see https://example.net/?a=1 \"\r\n");
  g_string_free (out, TRUE);
  bc_report_free (r);
}

static void
test_empty_and_error_rows (void **state)
{
  BcReport *r = _bc_report_new ();
  BcRecordInfo ok = { "x.eml", 0, NULL };
  BcRecordInfo bad = { "y.eml", 2, "empty input" };
  GString *out = g_string_new (NULL);

  r->recognizer = g_strdup ("autoreply");
  bc_report_append_table (r, &ok, BC_TABLE_TSV, NULL, out);
  bc_report_append_table (NULL, &bad, BC_TABLE_TSV, NULL, out);
  assert_string_equal (out->str,
    "x.eml\t\t\t\t\t\t\t\t\tautoreply\t\t\n"
    "y.eml\t2\t\t\t\t\t\t\t\t\t\tempty input\n");
  g_string_truncate (out, 0);
  bc_report_append_table (NULL, &bad, BC_TABLE_TEXT, (const char *const[]) { "file", "error", NULL },
                          out);
  assert_string_equal (out->str, "y.eml  empty input\n");
  g_string_free (out, TRUE);
  bc_report_free (r);
}

static void
test_fields_parse (void **state)
{
  GError *error = NULL;
  char **f = bc_output_fields_parse (" address, class ,action,,verp", &error);

  assert_non_null (f);
  assert_int_equal (g_strv_length (f), 4);
  assert_string_equal (f[0], "address");
  assert_string_equal (f[3], "verp");
  g_strfreev (f);
  assert_null (bc_output_fields_parse ("address,nosuch", &error));
  assert_true (g_error_matches (error, BC_ERROR, BC_ERROR_INVALID));
  g_clear_error (&error);
  assert_null (bc_output_fields_parse (" , ", &error));
  g_clear_error (&error);
  /* every advertised field renders */
  for (const char *const *n = bc_output_field_names (); *n; n++) {
    const char *one[] = { *n, NULL };
    BcReport *r = sample ();
    BcRecordInfo info = { "f", 1, NULL };
    GString *out = g_string_new (NULL);
    bc_report_append_table (r, &info, BC_TABLE_CSV, one, out);
    assert_true (g_str_has_suffix (out->str, "\r\n"));
    g_string_free (out, TRUE);
    bc_report_free (r);
  }
}

static void
test_json_fields (void **state)
{
  BcReport *r = sample ();
  BcRecordInfo info = { "m.eml", 7, NULL };
  const char *fields[] = { "index", "address", "class", "remote_mta", NULL };
  GString *out = g_string_new (NULL);
  char **lines;

  bc_report_append_json_fields (r, &info, fields, out);
  lines = g_strsplit (out->str, "\n", -1);
  assert_int_equal (g_strv_length (lines), 3);
  for (int i = 0; i < 2; i++) {
    g_autoptr (JsonParser) p = json_parser_new ();
    JsonObject *o;
    assert_true (json_parser_load_from_data (p, lines[i], -1, NULL));
    o = json_node_get_object (json_parser_get_root (p));
    assert_int_equal (json_object_get_size (o), 4);
    assert_int_equal (json_object_get_int_member (o, "index"), 7);
    assert_string_equal (json_object_get_string_member (o, "address"),
                         i ? "bob@example.net" : "alice@example.org");
    assert_true (json_object_get_null_member (o, "remote_mta"));
  }
  g_strfreev (lines);
  g_string_free (out, TRUE);
  bc_report_free (r);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_tsv),
    cmocka_unit_test (test_csv),
    cmocka_unit_test (test_empty_and_error_rows),
    cmocka_unit_test (test_fields_parse),
    cmocka_unit_test (test_json_fields),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
