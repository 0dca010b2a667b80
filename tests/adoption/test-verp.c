/* test-verp.c - VERP decoding, SRS refusal, and where a recipient's address
 * comes from when the report hides it (DSN, text, header, VERP, original).
 *
 * Messages are the files in tests/adoption/data/ plus ones built here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <bounceclass/bounceclass.h>

static BcClassifier *cls;

static char *
data_path (const char *name)
{
  const char *root = g_getenv ("BC_SOURCE_ROOT");
  return g_build_filename (root ? root : ".", "tests", "adoption", "data", name, NULL);
}

static BcReport *
classify_file (BcClassifier *c, const char *name)
{
  char *path = data_path (name), *data = NULL;
  gsize len = 0;
  GError *error = NULL;
  BcReport *r;

  if (!g_file_get_contents (path, &data, &len, &error))
    fail_msg ("%s: %s", path, error->message);
  r = bc_classifier_classify_bytes (c, data, len, &error);
  assert_non_null (r);
  g_free (data);
  g_free (path);
  return r;
}

static BcReport *
classify_text (BcClassifier *c, const char *text)
{
  GError *error = NULL;
  BcReport *r = bc_classifier_classify_bytes (c, text, strlen (text), &error);
  assert_non_null (r);
  return r;
}

static void
check_decode (const char *in, const char *prefix, const char *delims, const char *want)
{
  char *got = bc_verp_decode (in, prefix, delims);
  if (want == NULL) {
    if (got)
      fail_msg ("%s decoded to %s, expected nothing", in, got);
  } else {
    if (!got)
      fail_msg ("%s did not decode, expected %s", in, want);
    assert_string_equal (got, want);
  }
  g_free (got);
}

static void
test_decode (void **state)
{
  check_decode ("list-bounces+alice=example.org@lists.example.com", NULL, NULL,
                "alice@example.org");
  check_decode ("<list-bounces+alice=Example.ORG@lists.example.com>", NULL, NULL,
                "alice@example.org");
  /* a '=' in the subscriber's own local part: the last one is the '@' */
  check_decode ("owner+bo=b=example.net@lists.example.com", NULL, NULL, "bo=b@example.net");
  /* a '+' in the subscriber's local part survives: only the first splits */
  check_decode ("list-bounces+carol+news=example.com@lists.example.com", NULL, NULL,
                "carol+news@example.com");
  /* not VERP */
  check_decode ("list-bounces@lists.example.com", NULL, NULL, NULL);
  check_decode ("alice+tag@example.com", NULL, NULL, NULL);
  check_decode ("list-bounces+alice=localhost@lists.example.com", NULL, NULL, NULL);
  check_decode ("+alice=example.org@lists.example.com", NULL, NULL, NULL);
  check_decode ("list+=example.org@lists.example.com", NULL, NULL, NULL);
  check_decode ("list+alice=@lists.example.com", NULL, NULL, NULL);
  check_decode ("", NULL, NULL, NULL);
  check_decode ("not an address", NULL, NULL, NULL);
  /* an explicit prefix must match */
  check_decode ("list-bounces+alice=example.org@lists.example.com", "list-bounces", NULL,
                "alice@example.org");
  check_decode ("other+alice=example.org@lists.example.com", "list-bounces", NULL, NULL);
  /* qmail/ezmlm: '-' separator and a message number after the prefix */
  check_decode ("list-return-42-alice=example.org@lists.example.com", "list-return", "-=",
                "alice@example.org");
  check_decode ("list-return-mary-jane=example.org@lists.example.com", "list-return", "-=",
                "mary-jane@example.org");
  /* other delimiters */
  check_decode ("bounce.dave#example.net@lists.example.com", NULL, ".#", "dave@example.net");
  check_decode ("list+alice=example.org@lists.example.com", NULL, "+", NULL);
  check_decode ("list+alice=example.org@lists.example.com", NULL, "++", NULL);
}

static void
test_srs (void **state)
{
  char *s;

  /* SRS addresses are never VERP, whatever the separator */
  check_decode ("SRS0=x7Kq=TT=example.org=alice@forwarder.example.net", NULL, NULL, NULL);
  check_decode ("srs0+x7Kq=TT=example.org=alice.smith@forwarder.example.net", NULL, NULL, NULL);
  check_decode ("SRS1=Hh=fwd1.example.com==x7Kq=TT=example.org=alice@fwd2.example.net", NULL,
                NULL, NULL);
  check_decode ("bounces+SRS0=x7Kq=TT=example.org=alice.smith@forwarder.example.net", NULL, NULL,
                NULL);
  check_decode ("bounces+SRS0=x7Kq=TT=example.org=alice.smith@forwarder.example.net", "bounces",
                NULL, NULL);
  /* but "srs" alone at the start of a name is an ordinary local part */
  check_decode ("srsly+bob=example.net@lists.example.com", NULL, NULL, "bob@example.net");

  s = bc_srs_decode ("SRS0=x7Kq=TT=example.org=alice@forwarder.example.net");
  assert_non_null (s);
  assert_string_equal (s, "alice@example.org");
  g_free (s);
  s = bc_srs_decode ("SRS1=Hh=fwd1.example.com==x7Kq=TT=example.org=alice@fwd2.example.net");
  assert_non_null (s);
  assert_string_equal (s, "alice@example.org");
  g_free (s);
  assert_null (bc_srs_decode ("list-bounces+alice=example.org@lists.example.com"));
  assert_null (bc_srs_decode ("SRS0=only=two@forwarder.example.net"));
  assert_null (bc_srs_decode ("SRS1=no-double-equals=x@forwarder.example.net"));
}

static void
expect_one (BcReport *r, const char *address, BcSource source, const char *verp)
{
  const BcRecipient *rc;

  assert_int_equal (bc_report_n_recipients (r), 1);
  rc = bc_report_get_recipient (r, 0);
  assert_string_equal (rc->address, address);
  if (rc->source != source)
    fail_msg ("%s: source %s, expected %s", address, bc_source_to_string (rc->source),
              bc_source_to_string (source));
  if (verp) {
    assert_non_null (r->verp);
    assert_string_equal (r->verp, verp);
  } else if (r->verp)
    fail_msg ("unexpected verp %s", r->verp);
}

/* the address comes from the DSN; the VERP envelope agrees and is reported */
static void
test_source_dsn (void **state)
{
  BcReport *r = classify_file (cls, "dsn-verp.eml");
  expect_one (r, "bob@example.net", BC_SOURCE_DSN, "bob@example.net");
  assert_string_equal (bc_report_get_recipient (r, 0)->reason, "userunknown");
  bc_report_free (r);
}

static void
test_source_text (void **state)
{
  BcReport *r = classify_file (cls, "freetext.eml");
  /* the text names grace; the envelope's VERP names someone else and is
   * reported beside, not in place of, what the report says */
  expect_one (r, "grace@example.com", BC_SOURCE_TEXT, "someone@example.com");
  bc_report_free (r);
}

static void
test_source_header (void **state)
{
  BcReport *r = classify_file (cls, "header-only.eml");
  expect_one (r, "carol@example.org", BC_SOURCE_HEADER, NULL);
  bc_report_free (r);
}

static void
test_source_verp (void **state)
{
  BcReport *r = classify_file (cls, "hidden-verp.eml");
  expect_one (r, "alice@example.org", BC_SOURCE_VERP, "alice@example.org");
  assert_string_equal (bc_report_get_recipient (r, 0)->reason, "userunknown");
  bc_report_free (r);
}

static void
test_source_original (void **state)
{
  BcReport *r = classify_file (cls, "original-to.eml");
  expect_one (r, "dave@example.net", BC_SOURCE_ORIGINAL, NULL);
  bc_report_free (r);
  /* the same bounce sent to a VERP address: the returned To is the list,
   * the envelope names the subscriber */
  r = classify_file (cls, "original-verp.eml");
  expect_one (r, "erin@example.net", BC_SOURCE_VERP, "erin@example.net");
  bc_report_free (r);
}

static void
test_srs_envelope (void **state)
{
  BcReport *r = classify_file (cls, "srs.eml");
  expect_one (r, "frank@example.com", BC_SOURCE_DSN, NULL);
  bc_report_free (r);
}

/* the envelope headers are read in order: X-Original-To, Delivered-To,
 * Envelope-To, To */
static void
test_envelope_headers (void **state)
{
  static const char *const names[] = { "X-Original-To", "Delivered-To", "Envelope-To", "To" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    char *msg = g_strdup_printf (
      "From: MAILER-DAEMON@mx.example.net\n"
      "%s%s: bounces+hal=example.org@lists.example.com\n"
      "Subject: Undelivered Mail Returned to Sender\n\n"
      "Your message could not be delivered. Mailbox does not exist.\n",
      strcmp (names[i], "To") == 0 ? "" : "To: owner@lists.example.com\n", names[i]);
    BcReport *r = classify_text (cls, msg);
    expect_one (r, "hal@example.org", BC_SOURCE_VERP, "hal@example.org");
    bc_report_free (r);
    g_free (msg);
  }
}

static void
test_modes (void **state)
{
  GError *error = NULL;
  BcClassifier *c = bc_classifier_new (NULL, &error);
  BcReport *r;

  assert_non_null (c);
  /* off: nothing decoded; the hidden bounce names nobody */
  assert_true (bc_classifier_set_verp (c, BC_VERP_OFF, NULL, NULL, &error));
  r = classify_file (c, "hidden-verp.eml");
  assert_null (r->verp);
  assert_int_equal (bc_report_n_recipients (r), 0);
  bc_report_free (r);
  /* a prefix that does not match */
  assert_true (bc_classifier_set_verp (c, BC_VERP_AUTO, "other-list", NULL, &error));
  r = classify_file (c, "hidden-verp.eml");
  assert_null (r->verp);
  bc_report_free (r);
  /* the right prefix */
  assert_true (bc_classifier_set_verp (c, BC_VERP_AUTO, "list-bounces", "+=", &error));
  r = classify_file (c, "hidden-verp.eml");
  expect_one (r, "alice@example.org", BC_SOURCE_VERP, "alice@example.org");
  bc_report_free (r);
  /* bad arguments are refused and leave the setting alone */
  assert_false (bc_classifier_set_verp (c, BC_VERP_AUTO, NULL, "+", &error));
  assert_true (g_error_matches (error, BC_ERROR, BC_ERROR_INVALID));
  g_clear_error (&error);
  assert_false (bc_classifier_set_verp (c, BC_VERP_AUTO, NULL, "==", &error));
  g_clear_error (&error);
  assert_false (bc_classifier_set_verp (c, BC_VERP_AUTO, NULL, "+@", &error));
  g_clear_error (&error);
  {
    char longp[100];
    memset (longp, 'a', sizeof longp - 1);
    longp[sizeof longp - 1] = '\0';
    assert_false (bc_classifier_set_verp (c, BC_VERP_AUTO, longp, NULL, &error));
    g_clear_error (&error);
  }
  r = classify_file (c, "hidden-verp.eml");
  expect_one (r, "alice@example.org", BC_SOURCE_VERP, "alice@example.org");
  bc_report_free (r);
  bc_classifier_free (c);
}

/* an auto-reply sent to a VERP address is still an auto-reply from its
 * sender; the VERP address is only reported */
static void
test_autoreply_untouched (void **state)
{
  BcReport *r = classify_text (cls,
    "From: Ivan <ivan@example.com>\n"
    "To: list-bounces+ivan=example.com@lists.example.com\n"
    "Subject: Out of office\n"
    "Auto-Submitted: auto-replied\n\n"
    "I am away until Monday.\n");
  if (bc_report_n_recipients (r) == 1) {
    const BcRecipient *rc = bc_report_get_recipient (r, 0);
    assert_int_not_equal (rc->source, BC_SOURCE_VERP);
  }
  assert_non_null (r->verp);
  bc_report_free (r);
}

/* hostile envelope headers: long, many addresses, no crash, bounded */
static void
test_hostile (void **state)
{
  GString *msg = g_string_new ("From: MAILER-DAEMON@mx.example.net\nTo: ");
  BcReport *r;

  for (int i = 0; i < 500; i++)
    g_string_append_printf (msg, "a%d+b=c@d.example, ", i);
  g_string_append (msg, "\nSubject: Undelivered Mail Returned to Sender\nX-Original-To: ");
  for (int i = 0; i < 2000; i++)
    g_string_append (msg, "x+=");
  g_string_append (msg, "@example.com\n\nMailbox does not exist.\n");
  r = classify_text (cls, msg->str);
  bc_report_free (r);
  g_string_free (msg, TRUE);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_decode),
    cmocka_unit_test (test_srs),
    cmocka_unit_test (test_source_dsn),
    cmocka_unit_test (test_source_text),
    cmocka_unit_test (test_source_header),
    cmocka_unit_test (test_source_verp),
    cmocka_unit_test (test_source_original),
    cmocka_unit_test (test_srs_envelope),
    cmocka_unit_test (test_envelope_headers),
    cmocka_unit_test (test_modes),
    cmocka_unit_test (test_autoreply_untouched),
    cmocka_unit_test (test_hostile),
  };
  GError *error = NULL;
  int rc;

  cls = bc_classifier_new (NULL, &error);
  if (!cls) {
    g_printerr ("%s\n", error->message);
    return 1;
  }
  rc = cmocka_run_group_tests (tests, NULL, NULL);
  bc_classifier_free (cls);
  return rc;
}
