/* test-cli.c - the bounceclass command, run as a subprocess (BC_BINARY):
 * output formats, inputs (file, stdin, mbox, Maildir), --jobs, --rules,
 * errors and exit status. */
#include "tc.h"

#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

typedef struct {
  char *out;
  char *err;
  int status;               /* exit status, or -1 when it did not exit */
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
  memset (r, 0, sizeof *r);
}

static const char *
binary (void)
{
  const char *b = g_getenv ("BC_BINARY");
  if (!b || !g_file_test (b, G_FILE_TEST_IS_EXECUTABLE)) {
    print_error ("BC_BINARY is not set to the bounceclass program\n");
    fail ();
  }
  return b;
}

/* run - BC_BINARY with @args (NULL-ended), with @input (may be NULL) on
 * standard input. */
static Run
run_argv (const char *input, const char *const *args)
{
  GPtrArray *argv = g_ptr_array_new ();
  GSubprocess *p;
  GBytes *in = g_bytes_new (input ? input : "", input ? strlen (input) : 0);
  GBytes *out = NULL, *err = NULL;
  GError *error = NULL;
  Run r = { 0 };

  g_ptr_array_add (argv, (gpointer) binary ());
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  p = g_subprocess_newv ((const char *const *) argv->pdata,
                         G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                         G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  if (!p) {
    print_error ("spawn: %s\n", error->message);
    fail ();
  }
  if (!g_subprocess_communicate (p, in, NULL, &out, &err, &error)) {
    print_error ("communicate: %s\n", error->message);
    fail ();
  }
  r.out = g_strndup (g_bytes_get_size (out) ? g_bytes_get_data (out, NULL) : "",
                     g_bytes_get_size (out));
  r.err = g_strndup (g_bytes_get_size (err) ? g_bytes_get_data (err, NULL) : "",
                     g_bytes_get_size (err));
  r.status = g_subprocess_get_if_exited (p) ? g_subprocess_get_exit_status (p) : -1;
  if (r.status < 0)
    print_error ("bounceclass died: stderr: %s\n", r.err);
  g_bytes_unref (out);
  g_bytes_unref (err);
  g_bytes_unref (in);
  g_object_unref (p);
  g_ptr_array_free (argv, TRUE);
  return r;
}

#define RUN(input, ...) run_argv ((input), (const char *const[]) { __VA_ARGS__, NULL })

static char **
lines (const char *out)
{
  char **l = g_strsplit (out, "\n", -1);
  guint n = g_strv_length (l);
  /* output ends with a newline: drop the empty last piece */
  if (n > 0 && l[n - 1][0] == '\0') {
    g_free (l[n - 1]);
    l[n - 1] = NULL;
  }
  return l;
}

/* parse_records - every line must be one JSON object; returns them. */
static GPtrArray *
parse_records (const char *out)
{
  GPtrArray *recs = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  char **l = lines (out);

  for (guint i = 0; l[i]; i++) {
    JsonParser *parser = json_parser_new ();
    GError *error = NULL;
    JsonNode *root;
    if (!json_parser_load_from_data (parser, l[i], -1, &error)) {
      print_error ("line %u is not JSON (%s): %s\n", i + 1, error->message, l[i]);
      fail ();
    }
    root = json_parser_get_root (parser);
    assert_true (JSON_NODE_HOLDS_OBJECT (root));
    g_ptr_array_add (recs, json_node_copy (root));
    g_object_unref (parser);
  }
  g_strfreev (l);
  return recs;
}

static JsonObject *
rec (GPtrArray *recs, guint i)
{
  assert_true (i < recs->len);
  return json_node_get_object (g_ptr_array_index (recs, i));
}

static JsonObject *
rcpt (JsonObject *record, guint i)
{
  JsonArray *a = json_object_get_array_member (record, "recipients");
  assert_non_null (a);
  assert_true (i < json_array_get_length (a));
  return json_array_get_object_element (a, i);
}

static guint
n_rcpts (JsonObject *record)
{
  JsonArray *a = json_object_get_array_member (record, "recipients");
  assert_non_null (a);
  return json_array_get_length (a);
}

static const char *
str (JsonObject *o, const char *member)
{
  if (!json_object_has_member (o, member)) {
    print_error ("no member \"%s\"\n", member);
    fail ();
  }
  if (json_object_get_null_member (o, member))
    return NULL;
  return json_object_get_string_member (o, member);
}

/* ---- fixtures ------------------------------------------------------------- */

typedef struct {
  char *dir;
  char *two;                /* a DSN with two failed recipients */
  char *one;                /* a DSN with one, 5.1.1 */
} Fix;

static int
setup (void **state)
{
  Fix *f = g_new0 (Fix, 1);
  char *m;

  f->dir = tc_tmpdir ();
  m = tc_dsn_message ("Final-Recipient: rfc822; first@example.com\n"
                      "Action: failed\n"
                      "Status: 5.1.1\n"
                      "Diagnostic-Code: smtp; 550 5.1.1 user unknown\n"
                      "\n"
                      "Final-Recipient: rfc822; second@example.net\n"
                      "Action: failed\n"
                      "Status: 5.2.2\n"
                      "Diagnostic-Code: smtp; 552 5.2.2 mailbox full\n");
  f->two = tc_write (f->dir, "two.eml", m, -1);
  g_free (m);
  m = tc_dsn_one ("lonely@example.org", "failed", "5.1.1", "550 5.1.1 no such user");
  f->one = tc_write (f->dir, "one.eml", m, -1);
  g_free (m);
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  Fix *f = *state;
  tc_rmtree (f->dir);
  g_free (f->dir);
  g_free (f->two);
  g_free (f->one);
  g_free (f);
  return 0;
}

/* ---- tests ---------------------------------------------------------------- */

static void
test_text_output (void **state)
{
  Fix *f = *state;
  Run r = RUN (NULL, f->two, f->one);
  char **l = lines (r.out);

  assert_int_equal (r.status, 0);
  assert_int_equal (g_strv_length (l), 3);
  assert_contains (l[0], f->two);
  assert_contains (l[0], "first@example.com");
  assert_contains (l[0], "hard");
  assert_contains (l[0], "suppress");
  assert_contains (l[0], "userunknown");
  assert_contains (l[0], "5.1.1");
  assert_contains (l[1], "second@example.net");
  assert_contains (l[1], "mailbox-full");
  assert_contains (l[1], "mailboxfull");
  assert_contains (l[2], f->one);
  assert_contains (l[2], "lonely@example.org");
  g_strfreev (l);
  run_clear (&r);
}

static void
check_required_keys (JsonObject *o)
{
  static const char *const rec_keys[] = { "file", "recognizer", "recipients", NULL };
  static const char *const rcpt_keys[] = { "address", "status", "reply_code", "reason", "class",
                                           "action", "diagnostic", "source", "rule", NULL };
  for (guint i = 0; rec_keys[i]; i++)
    if (!json_object_has_member (o, rec_keys[i])) {
      print_error ("record lacks \"%s\"\n", rec_keys[i]);
      fail ();
    }
  for (guint k = 0; k < n_rcpts (o); k++)
    for (guint i = 0; rcpt_keys[i]; i++)
      if (!json_object_has_member (rcpt (o, k), rcpt_keys[i])) {
        print_error ("recipient lacks \"%s\"\n", rcpt_keys[i]);
        fail ();
      }
}

static void
test_json_output (void **state)
{
  Fix *f = *state;
  Run r = RUN (NULL, "--json", f->two, f->one);
  GPtrArray *recs = parse_records (r.out);

  assert_int_equal (r.status, 0);
  assert_int_equal (recs->len, 2);
  for (guint i = 0; i < recs->len; i++)
    check_required_keys (rec (recs, i));
  assert_string_equal (str (rec (recs, 0), "file"), f->two);
  assert_false (json_object_has_member (rec (recs, 0), "index"));
  assert_false (json_object_has_member (rec (recs, 0), "error"));
  assert_int_equal (n_rcpts (rec (recs, 0)), 2);
  assert_string_equal (str (rcpt (rec (recs, 0), 0), "address"), "first@example.com");
  assert_string_equal (str (rcpt (rec (recs, 0), 0), "status"), "5.1.1");
  assert_string_equal (str (rcpt (rec (recs, 0), 0), "reply_code"), "550");
  assert_string_equal (str (rcpt (rec (recs, 0), 0), "reason"), "userunknown");
  assert_string_equal (str (rcpt (rec (recs, 0), 0), "class"), "hard");
  assert_string_equal (str (rcpt (rec (recs, 0), 0), "action"), "suppress");
  assert_string_equal (str (rcpt (rec (recs, 0), 0), "source"), "dsn");
  assert_string_equal (str (rcpt (rec (recs, 0), 1), "reason"), "mailboxfull");
  assert_string_equal (str (rec (recs, 1), "file"), f->one);
  /* --format=json is the same */
  {
    Run r2 = RUN (NULL, "--format=json", f->two, f->one);
    assert_string_equal (r2.out, r.out);
    run_clear (&r2);
  }
  g_ptr_array_unref (recs);
  run_clear (&r);
}

static void
test_stdin (void **state)
{
  char *msg = tc_dsn_one ("piped@example.com", "failed", "5.1.1", "550 5.1.1 user unknown");
  Run r = RUN (msg, "--json", "-");
  GPtrArray *recs = parse_records (r.out);

  assert_int_equal (r.status, 0);
  assert_int_equal (recs->len, 1);
  assert_string_equal (str (rec (recs, 0), "file"), "-");
  assert_string_equal (str (rcpt (rec (recs, 0), 0), "address"), "piped@example.com");
  g_ptr_array_unref (recs);
  run_clear (&r);

  /* no path at all reads stdin too */
  r = RUN (msg, "--json");
  recs = parse_records (r.out);
  assert_int_equal (r.status, 0);
  assert_int_equal (recs->len, 1);
  assert_string_equal (str (rcpt (rec (recs, 0), 0), "address"), "piped@example.com");
  g_ptr_array_unref (recs);
  run_clear (&r);

  /* empty stdin is an error record */
  r = RUN ("", "--json");
  recs = parse_records (r.out);
  assert_int_equal (r.status, 1);
  assert_int_equal (recs->len, 1);
  assert_true (json_object_has_member (rec (recs, 0), "error"));
  g_ptr_array_unref (recs);
  run_clear (&r);
  g_free (msg);
}

/* an mbox of @n bounces, each to a different address; one body line starts
 * with "From " and is quoted */
static char *
make_mbox (const char *dir, const char *name, guint n)
{
  GString *s = g_string_new (NULL);
  char *path;

  for (guint i = 1; i <= n; i++) {
    char *addr = g_strdup_printf ("user%u@example.com", i);
    const char *status = i % 3 == 0 ? "5.2.2" : i % 3 == 1 ? "5.1.1" : "4.4.7";
    char *diag = g_strdup_printf ("%s message %u", i % 3 == 0 ? "552 mailbox full" :
                                  i % 3 == 1 ? "550 user unknown" : "451 timeout", i);
    char *m = tc_dsn_one (addr, i % 3 == 2 ? "delayed" : "failed", status, diag);
    g_string_append_printf (s, "From MAILER-DAEMON Tue Jan  2 10:00:%02u 2024\n", i % 60);
    g_string_append (s, m);
    g_string_append (s, ">From the desk of the sender\n\n");
    g_free (m);
    g_free (diag);
    g_free (addr);
  }
  path = tc_write (dir, name, s->str, s->len);
  g_string_free (s, TRUE);
  return path;
}

static void
test_mbox (void **state)
{
  Fix *f = *state;
  char *mbox = make_mbox (f->dir, "box.mbox", 5);
  Run r = RUN (NULL, "--json", mbox);
  GPtrArray *recs = parse_records (r.out);

  assert_int_equal (r.status, 0);
  assert_int_equal (recs->len, 5);
  for (guint i = 0; i < 5; i++) {
    char *addr = g_strdup_printf ("user%u@example.com", i + 1);
    JsonObject *o = rec (recs, i);
    check_required_keys (o);
    assert_string_equal (str (o, "file"), mbox);
    assert_true (json_object_has_member (o, "index"));
    assert_int_equal (json_object_get_int_member (o, "index"), i + 1);
    assert_int_equal (n_rcpts (o), 1);
    assert_string_equal (str (rcpt (o, 0), "address"), addr);
    g_free (addr);
  }
  g_ptr_array_unref (recs);
  run_clear (&r);

  /* text output names the message */
  r = RUN (NULL, mbox);
  assert_contains (r.out, "#3");
  run_clear (&r);

  /* an mbox on stdin */
  {
    char *data = NULL;
    assert_true (g_file_get_contents (mbox, &data, NULL, NULL));
    r = RUN (data, "--json");
    recs = parse_records (r.out);
    assert_int_equal (recs->len, 5);
    assert_int_equal (json_object_get_int_member (rec (recs, 4), "index"), 5);
    g_ptr_array_unref (recs);
    run_clear (&r);
    g_free (data);
  }
  g_free (mbox);
}

static void
test_maildir (void **state)
{
  Fix *f = *state;
  char *md = g_build_filename (f->dir, "Maildir", NULL);
  char *a = tc_dsn_one ("in-new@example.com", "failed", "5.1.1", "550 user unknown");
  char *b = tc_dsn_one ("in-cur@example.net", "failed", "5.2.2", "552 mailbox full");
  char *c = tc_dsn_one ("in-tmp@example.org", "failed", "5.1.1", "550 user unknown");
  char *pa = tc_write (md, "new/1700000000.1.host", a, -1);
  char *pb = tc_write (md, "cur/1700000001.2.host:2,S", b, -1);
  char *pc = tc_write (md, "tmp/1700000002.3.host", c, -1);
  Run r = RUN (NULL, "--json", md);
  GPtrArray *recs = parse_records (r.out);
  gboolean seen_new = FALSE, seen_cur = FALSE;

  assert_int_equal (r.status, 0);
  assert_int_equal (recs->len, 2);
  for (guint i = 0; i < recs->len; i++) {
    const char *file = str (rec (recs, i), "file");
    const char *addr = str (rcpt (rec (recs, i), 0), "address");
    if (strcmp (file, pa) == 0) {
      assert_string_equal (addr, "in-new@example.com");
      seen_new = TRUE;
    } else if (strcmp (file, pb) == 0) {
      assert_string_equal (addr, "in-cur@example.net");
      seen_cur = TRUE;
    } else {
      print_error ("unexpected file %s\n", file);
      fail ();
    }
  }
  assert_true (seen_new && seen_cur);
  /* new/ is read before cur/ */
  assert_string_equal (str (rec (recs, 0), "file"), pa);
  g_ptr_array_unref (recs);
  run_clear (&r);
  g_free (md);
  g_free (a);
  g_free (b);
  g_free (c);
  g_free (pa);
  g_free (pb);
  g_free (pc);
}

static void
test_mbox_from_in_body (void **state)
{
  /* a "From " line that does not follow a blank line separates nothing */
  Fix *f = *state;
  char *m1 = tc_dsn_one ("one@example.com", "failed", "5.1.1", "550 user unknown");
  char *m2 = tc_dsn_one ("two@example.com", "failed", "5.2.2", "552 mailbox full");
  char *data = g_strdup_printf ("From MAILER-DAEMON Tue Jan  2 10:00:00 2024\n%s"
                                "a line\nFrom here on it is body text\n\n"
                                "From MAILER-DAEMON Tue Jan  2 10:00:01 2024\n%s",
                                m1, m2);
  char *mbox = tc_write (f->dir, "from.mbox", data, -1);
  Run r = RUN (NULL, "--json", mbox);
  GPtrArray *recs = parse_records (r.out);

  assert_int_equal (r.status, 0);
  assert_int_equal (recs->len, 2);
  assert_string_equal (str (rcpt (rec (recs, 0), 0), "address"), "one@example.com");
  assert_string_equal (str (rcpt (rec (recs, 1), 0), "address"), "two@example.com");
  g_ptr_array_unref (recs);
  run_clear (&r);
  g_free (mbox);
  g_free (data);
  g_free (m1);
  g_free (m2);
}

static void
test_control_bytes_in_output (void **state)
{
  /* control and invalid bytes in a diagnostic: still one valid JSON line
   * and one text line per recipient */
  Fix *f = *state;
  char *m = tc_dsn_one ("ctl@example.com", "failed", "5.1.1",
                        "550 user\x01 unknown \x1b[31m red \xff\xfe bytes \"quoted\" back\\slash");
  char *path = tc_write (f->dir, "ctl.eml", m, -1);
  Run r = RUN (NULL, "--json", path);
  GPtrArray *recs = parse_records (r.out);
  const char *diag;

  assert_int_equal (recs->len, 1);
  diag = str (rcpt (rec (recs, 0), 0), "diagnostic");
  assert_non_null (diag);
  assert_true (g_utf8_validate (diag, -1, NULL));
  assert_contains (diag, "\"quoted\"");
  assert_contains (diag, "back\\slash");
  g_ptr_array_unref (recs);
  run_clear (&r);

  r = RUN (NULL, path);
  {
    char **l = lines (r.out);
    assert_int_equal (g_strv_length (l), 1);
    assert_null (strchr (l[0], '\x01'));
    assert_null (strchr (l[0], '\x1b'));
    assert_true (g_utf8_validate (l[0], -1, NULL));
    g_strfreev (l);
  }
  run_clear (&r);
  g_free (path);
  g_free (m);
}

static void
test_not_a_bounce_text (void **state)
{
  Fix *f = *state;
  char *path = tc_write (f->dir, "hello.eml",
                         "From: carol@example.com\nTo: dave@example.net\nSubject: Lunch\n\nNoon?\n", -1);
  Run r = RUN (NULL, path, f->one);
  char **l = lines (r.out);

  /* one line for the message with no recipients, one per recipient */
  assert_int_equal (r.status, 0);
  assert_int_equal (g_strv_length (l), 2);
  assert_contains (l[0], path);
  assert_not_contains (l[0], "@example.net");
  assert_contains (l[1], "lonely@example.org");
  g_strfreev (l);
  run_clear (&r);
  g_free (path);
}

/* With GLib < 2.76, --jobs N executes the program again (G_SLICE, see
 * main.c): standard input must reach the new image whole. */
static void
test_jobs_stdin (void **state)
{
  Fix *f = *state;
  char *mbox = make_mbox (f->dir, "stdin.mbox", 40), *data = NULL;
  char **l;
  Run r1, r2;

  assert_true (g_file_get_contents (mbox, &data, NULL, NULL));
  r1 = RUN (data, "--json", "--jobs", "1");
  r2 = RUN (data, "--json", "--jobs", "2");
  assert_int_equal (r2.status, 0);
  l = lines (r2.out);
  assert_int_equal (g_strv_length (l), 40);
  g_strfreev (l);
  assert_string_equal (r1.out, r2.out);
  run_clear (&r1);
  run_clear (&r2);
  g_free (data);
  g_free (mbox);
}

static void
test_jobs_same_output (void **state)
{
  Fix *f = *state;
  char *mbox = make_mbox (f->dir, "big.mbox", 60);
  Run r1 = RUN (NULL, "--json", "--jobs", "1", f->two, mbox, f->one);
  Run r2 = RUN (NULL, "--json", "--jobs", "2", f->two, mbox, f->one);
  Run r4 = RUN (NULL, "--json", "--jobs=4", f->two, mbox, f->one);
  Run r0 = RUN (NULL, "--json", "--jobs", "0", f->two, mbox, f->one);
  Run t1 = RUN (NULL, "--jobs", "1", mbox);
  Run t2 = RUN (NULL, "-J", "2", mbox);
  GPtrArray *recs = parse_records (r2.out);

  assert_int_equal (r1.status, 0);
  assert_int_equal (r2.status, 0);
  assert_int_equal (recs->len, 62);
  assert_string_equal (r1.out, r2.out);
  assert_string_equal (r1.out, r4.out);
  assert_string_equal (r1.out, r0.out);
  assert_string_equal (t1.out, t2.out);
  /* input order: the file, then the mbox in order, then the file */
  assert_string_equal (str (rec (recs, 0), "file"), f->two);
  for (guint i = 1; i <= 60; i++)
    assert_int_equal (json_object_get_int_member (rec (recs, i), "index"), i);
  assert_string_equal (str (rec (recs, 61), "file"), f->one);
  g_ptr_array_unref (recs);
  run_clear (&r1);
  run_clear (&r2);
  run_clear (&r4);
  run_clear (&r0);
  run_clear (&t1);
  run_clear (&t2);
  g_free (mbox);
}

/* --summary counts every record, whichever thread formats it */
static void
test_jobs_summary (void **state)
{
  Fix *f = *state;
  char *mbox = make_mbox (f->dir, "summary.mbox", 50);
  Run r1 = RUN (NULL, "--json", "--summary", "--jobs", "1", mbox);
  Run r2 = RUN (NULL, "--json", "--summary", "--jobs", "2", mbox);

  assert_int_equal (r2.status, 0);
  assert_string_equal (r1.out, r2.out);
  assert_non_null (strstr (r2.out, "\"summary\":{\"messages\":50,"));
  run_clear (&r1);
  run_clear (&r2);
  g_free (mbox);
}

static void
test_rules_override (void **state)
{
  Fix *f = *state;
  char *rules = tc_write (f->dir, "mine.rules", "# local override\n\nsuspend status=5.1.1 weight=1\n", -1);
  Run r = RUN (NULL, "--json", "--rules", rules, f->one);
  GPtrArray *recs = parse_records (r.out);
  char *want = g_strdup_printf ("%s:3", rules);

  assert_int_equal (r.status, 0);
  assert_string_equal (str (rcpt (rec (recs, 0), 0), "reason"), "suspend");
  assert_string_equal (str (rcpt (rec (recs, 0), 0), "class"), "soft");
  assert_string_equal (str (rcpt (rec (recs, 0), 0), "rule"), want);
  g_ptr_array_unref (recs);
  run_clear (&r);

  /* without it the built-in rules decide */
  r = RUN (NULL, "--json", f->one);
  recs = parse_records (r.out);
  assert_string_equal (str (rcpt (rec (recs, 0), 0), "reason"), "userunknown");
  g_ptr_array_unref (recs);
  run_clear (&r);
  g_free (want);
  g_free (rules);
}

static void
test_rules_broken (void **state)
{
  Fix *f = *state;
  char *rules = tc_write (f->dir, "broken.rules",
                          "userunknown status=5.1.1\n# comment\nmailboxfull text='(unclosed'\n", -1);
  char *want = g_strdup_printf ("%s:3", rules);
  Run r = RUN (NULL, "--rules", rules, f->one);

  assert_int_equal (r.status, 2);
  assert_contains (r.err, want);
  assert_string_equal (r.out, "");
  run_clear (&r);
  g_free (want);

  /* a missing rules file is a usage error too */
  want = g_build_filename (f->dir, "absent.rules", NULL);
  r = RUN (NULL, "--rules", want, f->one);
  assert_int_equal (r.status, 2);
  assert_contains (r.err, "absent.rules");
  run_clear (&r);
  g_free (want);
  g_free (rules);
}

static void
test_unreadable (void **state)
{
  Fix *f = *state;
  char *missing = g_build_filename (f->dir, "no-such-file.eml", NULL);
  char *plain_dir = g_build_filename (f->dir, "not-a-maildir", NULL);
  Run r;
  GPtrArray *recs;

  g_mkdir (plain_dir, 0700);
  r = RUN (NULL, "--json", f->one, missing, plain_dir, f->two);
  recs = parse_records (r.out);
  assert_int_equal (r.status, 1);
  assert_int_equal (recs->len, 4);
  assert_false (json_object_has_member (rec (recs, 0), "error"));
  assert_string_equal (str (rec (recs, 1), "file"), missing);
  assert_true (json_object_has_member (rec (recs, 1), "error"));
  assert_int_equal (n_rcpts (rec (recs, 1)), 0);
  assert_string_equal (str (rec (recs, 2), "file"), plain_dir);
  assert_true (json_object_has_member (rec (recs, 2), "error"));
  assert_false (json_object_has_member (rec (recs, 3), "error"));
  assert_int_equal (n_rcpts (rec (recs, 3)), 2);
  /* and stderr says so */
  assert_contains (r.err, "no-such-file.eml");
  g_ptr_array_unref (recs);
  run_clear (&r);

  /* text output has an error line */
  r = RUN (NULL, missing);
  assert_int_equal (r.status, 1);
  assert_contains (r.out, "error");
  run_clear (&r);

  /* a file without read permission (root reads anything: skip then) */
  if (geteuid () != 0) {
    char *locked = tc_write (f->dir, "locked.eml", "From: a@example.com\n\nx\n", -1);
    g_chmod (locked, 0);
    r = RUN (NULL, "--json", locked);
    recs = parse_records (r.out);
    assert_int_equal (r.status, 1);
    assert_true (json_object_has_member (rec (recs, 0), "error"));
    g_ptr_array_unref (recs);
    run_clear (&r);
    g_free (locked);
  }
  g_free (missing);
  g_free (plain_dir);
}

static void
test_help_version_bad_option (void **state)
{
  Run r = RUN (NULL, "--help");
  char *want;

  assert_int_equal (r.status, 0);
  assert_contains (r.out, "--json");
  assert_contains (r.out, "--rules");
  assert_contains (r.out, "--jobs");
  assert_contains (r.out, "--explain");
  run_clear (&r);

  r = RUN (NULL, "--version");
  assert_int_equal (r.status, 0);
  want = g_strdup_printf ("bounceclass %s", bc_version ());
  assert_contains (r.out, want);
  g_free (want);
  run_clear (&r);

  r = RUN (NULL, "--no-such-option");
  assert_int_equal (r.status, 2);
  assert_contains (r.err, "no-such-option");
  assert_string_equal (r.out, "");
  run_clear (&r);

  r = RUN (NULL, "--jobs", "many");
  assert_int_equal (r.status, 2);
  run_clear (&r);

  r = RUN (NULL, "--jobs", "-3");
  assert_int_equal (r.status, 2);
  run_clear (&r);

  r = RUN (NULL, "--format", "xml");
  assert_int_equal (r.status, 2);
  run_clear (&r);
}

static void
test_explain (void **state)
{
  Fix *f = *state;
  Run r = RUN (NULL, "--explain", f->one);

  assert_int_equal (r.status, 0);
  assert_contains (r.out, "lonely@example.org");
  assert_contains (r.out, "rule: rules/");
  assert_contains (r.out, "evidence:");
  assert_contains (r.out, "5.1.1");
  run_clear (&r);

  /* with a user rule, its file:line and the text it matched */
  {
    char *rules = tc_write (f->dir, "explain.rules", "suspend text='no such (user|person)'\n", -1);
    char *want = g_strdup_printf ("rule: %s:1", rules);
    r = RUN (NULL, "--explain", "--rules", rules, f->one);
    assert_int_equal (r.status, 0);
    assert_contains (r.out, want);
    assert_contains (r.out, "no such user");
    assert_contains (r.out, "suspend");
    run_clear (&r);
    g_free (want);
    g_free (rules);
  }
  /* --json carries the same in "rule" and "evidence" */
  r = RUN (NULL, "--json", f->one);
  {
    GPtrArray *recs = parse_records (r.out);
    assert_true (g_str_has_prefix (str (rcpt (rec (recs, 0), 0), "rule"), "rules/"));
    assert_contains (str (rcpt (rec (recs, 0), 0), "evidence"), "5.1.1");
    g_ptr_array_unref (recs);
  }
  run_clear (&r);
}

static void
test_not_a_message (void **state)
{
  Fix *f = *state;
  char *junk = tc_write (f->dir, "junk.bin", "\x01\x02\x03 no header here\n", -1);
  char *empty = tc_write (f->dir, "empty.eml", "", 0);
  Run r = RUN (NULL, "--json", junk, empty);
  GPtrArray *recs = parse_records (r.out);

  /* whatever is made of it, each input gives exactly one valid record */
  assert_int_equal (recs->len, 2);
  assert_true (json_object_has_member (rec (recs, 1), "error"));
  assert_int_equal (r.status, 1);
  g_ptr_array_unref (recs);
  run_clear (&r);
  g_free (junk);
  g_free (empty);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_text_output, setup, teardown),
    cmocka_unit_test_setup_teardown (test_json_output, setup, teardown),
    cmocka_unit_test_setup_teardown (test_stdin, setup, teardown),
    cmocka_unit_test_setup_teardown (test_mbox, setup, teardown),
    cmocka_unit_test_setup_teardown (test_maildir, setup, teardown),
    cmocka_unit_test_setup_teardown (test_mbox_from_in_body, setup, teardown),
    cmocka_unit_test_setup_teardown (test_control_bytes_in_output, setup, teardown),
    cmocka_unit_test_setup_teardown (test_not_a_bounce_text, setup, teardown),
    cmocka_unit_test_setup_teardown (test_jobs_summary, setup, teardown),
    cmocka_unit_test_setup_teardown (test_jobs_same_output, setup, teardown),
    cmocka_unit_test_setup_teardown (test_jobs_stdin, setup, teardown),
    cmocka_unit_test_setup_teardown (test_rules_override, setup, teardown),
    cmocka_unit_test_setup_teardown (test_rules_broken, setup, teardown),
    cmocka_unit_test_setup_teardown (test_unreadable, setup, teardown),
    cmocka_unit_test_setup_teardown (test_help_version_bad_option, setup, teardown),
    cmocka_unit_test_setup_teardown (test_explain, setup, teardown),
    cmocka_unit_test_setup_teardown (test_not_a_message, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
