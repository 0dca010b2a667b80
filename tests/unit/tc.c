/* tc.c - helpers shared by the unit tests (see tc.h). */
#include "tc.h"

#include <string.h>
#include <glib/gstdio.h>

static BcClassifier *shared_cls;

void
tc_init (void)
{
  static gsize once;

  if (g_once_init_enter (&once)) {
    GError *error = NULL;
    g_mime_init ();
    shared_cls = bc_classifier_new (NULL, &error);
    if (!shared_cls) {
      print_error ("built-in rules: %s\n", error ? error->message : "?");
      fail ();
    }
    g_once_init_leave (&once, 1);
  }
}

BcClassifier *
tc_classifier (void)
{
  tc_init ();
  return shared_cls;
}

BcReport *
tc_classify (BcClassifier *cls, const char *msg)
{
  GError *error = NULL;
  BcReport *r = bc_classifier_classify_bytes (cls, msg, strlen (msg), &error);

  if (!r) {
    print_error ("classify failed: %s\n", error ? error->message : "?");
    fail ();
  }
  return r;
}

static char *
replace_lf (const char *s, const char *with)
{
  GString *out = g_string_new (NULL);
  for (; *s; s++) {
    if (*s == '\n')
      g_string_append (out, with);
    else
      g_string_append_c (out, *s);
  }
  return g_string_free (out, FALSE);
}

char *
tc_crlf (const char *s)
{
  return replace_lf (s, "\r\n");
}

char *
tc_cr (const char *s)
{
  return replace_lf (s, "\r");
}

char *
tc_dsn_message (const char *blocks)
{
  return g_strdup_printf (
    "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\n"
    "To: sender@example.org\n"
    "Subject: Delivery Status Notification (Failure)\n"
    "Date: Tue, 2 Jan 2024 10:00:00 +0000\n"
    "Message-ID: <dsn-1@mx.example.net>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=delivery-status;\n"
    "  boundary=\"BOUNDARY-1\"\n"
    "\n"
    "--BOUNDARY-1\n"
    "Content-Type: text/plain; charset=us-ascii\n"
    "\n"
    "This is an automatically generated Delivery Status Notification.\n"
    "Delivery to one or more recipients failed.\n"
    "\n"
    "--BOUNDARY-1\n"
    "Content-Type: message/delivery-status\n"
    "\n"
    "Reporting-MTA: dns; mx.example.net\n"
    "Arrival-Date: Tue, 2 Jan 2024 09:59:58 +0000\n"
    "\n"
    "%s"
    "\n"
    "--BOUNDARY-1\n"
    "Content-Type: message/rfc822\n"
    "\n"
    "From: Sender <sender@example.org>\n"
    "To: someone@example.com\n"
    "Subject: Monthly news\n"
    "Message-ID: <orig-1@example.org>\n"
    "List-Id: News <news.example.org>\n"
    "\n"
    "Hello.\n"
    "\n"
    "--BOUNDARY-1--\n", blocks);
}

char *
tc_dsn_one (const char *rcpt, const char *action, const char *status, const char *diag)
{
  GString *b = g_string_new (NULL);
  char *msg;

  g_string_append_printf (b, "Final-Recipient: rfc822; %s\n", rcpt);
  g_string_append_printf (b, "Action: %s\n", action ? action : "failed");
  if (status)
    g_string_append_printf (b, "Status: %s\n", status);
  if (diag)
    g_string_append_printf (b, "Diagnostic-Code: smtp; %s\n", diag);
  msg = tc_dsn_message (b->str);
  g_string_free (b, TRUE);
  return msg;
}

BcMime *
tc_mime (const char *msg, gsize len)
{
  static BcLimits limits;
  static gboolean set;
  GError *error = NULL;
  GMimeObject *m;
  BcMime *bm;

  tc_init ();
  if (!set) {
    bc_limits_init (&limits);
    set = TRUE;
  }
  m = _bc_mime_parse_split (msg, len, NULL, NULL, &error);   /* as the classifier */
  if (!m) {
    print_error ("parse failed: %s\n", error ? error->message : "?");
    fail ();
  }
  bm = _bc_mime_new (m, &limits);
  g_object_unref (m);
  return bm;
}

char *
tc_tmpdir (void)
{
  GError *error = NULL;
  char *d = g_dir_make_tmp ("bc-test-XXXXXX", &error);
  if (!d) {
    print_error ("tmpdir: %s\n", error->message);
    fail ();
  }
  return d;
}

void
tc_rmtree (const char *path)
{
  GDir *d = g_dir_open (path, 0, NULL);
  const char *name;

  if (d) {
    while ((name = g_dir_read_name (d))) {
      char *p = g_build_filename (path, name, NULL);
      if (g_file_test (p, G_FILE_TEST_IS_DIR) && !g_file_test (p, G_FILE_TEST_IS_SYMLINK))
        tc_rmtree (p);
      else
        g_unlink (p);
      g_free (p);
    }
    g_dir_close (d);
  }
  g_rmdir (path);
}

char *
tc_write (const char *dir, const char *name, const char *data, gssize len)
{
  char *p = g_build_filename (dir, name, NULL);
  char *parent = g_path_get_dirname (p);
  GError *error = NULL;

  g_mkdir_with_parents (parent, 0700);
  g_free (parent);
  if (!g_file_set_contents (p, data, len, &error)) {
    print_error ("write %s: %s\n", p, error->message);
    fail ();
  }
  return p;
}

const BcRecipient *
tc_find_rcpt (const BcReport *r, const char *address)
{
  for (guint i = 0; i < r->recipients->len; i++) {
    const BcRecipient *rc = g_ptr_array_index (r->recipients, i);
    if (rc->address && g_ascii_strcasecmp (rc->address, address) == 0)
      return rc;
  }
  return NULL;
}

void
tc_assert_contains (const char *hay, const char *needle, const char *file, int line)
{
  if (!hay || !strstr (hay, needle)) {
    print_error ("expected to find \"%s\" in \"%s\"\n", needle, hay ? hay : "(null)");
    _fail (file, line);
  }
}

void
tc_assert_not_contains (const char *hay, const char *needle, const char *file, int line)
{
  if (hay && strstr (hay, needle)) {
    print_error ("did not expect \"%s\" in \"%s\"\n", needle, hay);
    _fail (file, line);
  }
}
