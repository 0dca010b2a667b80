/* test-outcomes.c - reports that are not plain failures (feedback reports,
 * auto-replies, delivered DSNs, forwarded mail) and the headers of the
 * returned original message, read through the whole classifier. */
#include "tc.h"

#include <string.h>

static const BcRecipient *
only (const BcReport *r)
{
  if (r->recipients->len != 1) {
    print_error ("%u recipients, want 1\n", r->recipients->len);
    fail ();
  }
  return g_ptr_array_index (r->recipients, 0);
}

static char *
arf_message (const char *arf_fields)
{
  return g_strdup_printf (
    "From: Feedback Loop <fbl@isp.example.net>\n"
    "To: abuse@example.org\n"
    "Subject: FW: Spam report\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=feedback-report; boundary=\"arf\"\n"
    "\n"
    "--arf\n"
    "Content-Type: text/plain\n"
    "\n"
    "This is an email abuse report for an email message received from IP\n"
    "192.0.2.10 on Thu, 4 Jan 2024 12:00:00 +0000.\n"
    "--arf\n"
    "Content-Type: message/feedback-report\n"
    "\n"
    "%s"
    "--arf\n"
    "Content-Type: message/rfc822\n"
    "\n"
    "From: News <news@example.org>\n"
    "To: Reader <reader@example.com>\n"
    "Subject: Weekly offers\n"
    "Message-ID: <news-42@example.org>\n"
    "List-Id: Offers <offers.example.org>\n"
    "\n"
    "Buy now.\n"
    "--arf--\n", arf_fields);
}

static void
test_arf (void **state)
{
  char *msg = arf_message ("Feedback-Type: abuse\n"
                           "User-Agent: ExampleFBL/1.0\n"
                           "Version: 1\n"
                           "Original-Mail-From: <bounces@example.org>\n"
                           "Original-Rcpt-To: <Complainer@Example.COM>\n"
                           "Arrival-Date: Thu, 4 Jan 2024 12:00:00 +0000\n"
                           "Reporting-MTA: dns; fbl.isp.example.net\n"
                           "Source-IP: 192.0.2.10\n");
  BcReport *r = tc_classify (tc_classifier (), msg);
  const BcRecipient *rc = only (r);

  assert_string_equal (rc->address, "Complainer@example.com");
  assert_string_equal (rc->reason, "feedback");
  assert_int_equal (rc->klass, BC_CLASS_COMPLAINT);
  assert_int_equal (rc->action, BC_ACTION_SUPPRESS);
  assert_int_equal (rc->source, BC_SOURCE_ARF);
  assert_string_equal (r->feedback_type, "abuse");
  assert_string_equal (r->recognizer, "arf");
  assert_string_equal (rc->date, "Thu, 4 Jan 2024 12:00:00 +0000");
  assert_string_equal (r->original.message_id, "<news-42@example.org>");
  assert_contains (r->original.list_id, "offers.example.org");
  bc_report_free (r);
  g_free (msg);
}

static void
test_arf_recipient_from_original (void **state)
{
  /* no Original-Rcpt-To: the To of the returned message */
  char *msg = arf_message ("Feedback-Type: Abuse\nUser-Agent: ExampleFBL/1.0\nVersion: 1\n");
  BcReport *r = tc_classify (tc_classifier (), msg);
  const BcRecipient *rc = only (r);

  assert_string_equal (rc->address, "reader@example.com");
  assert_string_equal (rc->reason, "feedback");
  assert_string_equal (r->feedback_type, "abuse");
  bc_report_free (r);
  g_free (msg);
}

static void
test_autoreply (void **state)
{
  static const char *const variants[] = {
    /* RFC 3834 header and an out-of-office subject */
    "From: Alice Example <Alice@Example.ORG>\n"
    "To: sender@example.com\n"
    "Subject: Out of Office: Your order\n"
    "Auto-Submitted: auto-replied\n"
    "\n"
    "I am away until Monday.\n",
    /* only the header */
    "From: alice@example.org\n"
    "To: sender@example.com\n"
    "Subject: Re: Your order\n"
    "Auto-Submitted: auto-replied (vacation)\n"
    "\n"
    "I am away until Monday.\n",
    /* only X-Autoreply */
    "From: alice@example.org\n"
    "To: sender@example.com\n"
    "Subject: Re: Your order\n"
    "X-Autoreply: yes\n"
    "\n"
    "I am away until Monday.\n",
    /* only the subject */
    "From: alice@example.org\n"
    "To: sender@example.com\n"
    "Subject: Automatic reply: Your order\n"
    "\n"
    "I am away until Monday.\n",
    NULL
  };

  for (guint i = 0; variants[i]; i++) {
    BcReport *r = tc_classify (tc_classifier (), variants[i]);
    const BcRecipient *rc = only (r);
    assert_string_equal (rc->address, "alice@example.org");
    assert_string_equal (rc->reason, "vacation");
    assert_int_equal (rc->klass, BC_CLASS_AUTO_REPLY);
    assert_int_equal (rc->action, BC_ACTION_IGNORE);
    assert_int_equal (rc->source, BC_SOURCE_AUTOREPLY);
    assert_string_equal (r->recognizer, "autoreply");
    bc_report_free (r);
  }
}

static void
test_auto_generated_is_no_vacation (void **state)
{
  /* machine mail that is no reply to anything: not an auto-reply */
  static const char *const variants[] = {
    "From: billing@example.net\n"
    "To: customer@example.com\n"
    "Subject: Your invoice\n"
    "Auto-Submitted: auto-generated\n"
    "\n"
    "Invoice attached.\n",
    "From: news@example.net\n"
    "To: customer@example.com\n"
    "Subject: Weekly digest\n"
    "Precedence: bulk\n"
    "\n"
    "News.\n",
    NULL
  };
  for (guint i = 0; variants[i]; i++) {
    BcReport *r = tc_classify (tc_classifier (), variants[i]);
    assert_int_equal (r->recipients->len, 0);
    bc_report_free (r);
  }
}

static void
test_bounce_with_auto_submitted_is_no_vacation (void **state)
{
  /* a bounce carries Auto-Submitted: auto-replied too */
  const char *msg =
    "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>\n"
    "To: sender@example.org\n"
    "Subject: Undelivered Mail Returned to Sender\n"
    "Auto-Submitted: auto-replied\n"
    "\n"
    "This is the mail system at host mx.example.net.\n"
    "\n"
    "<gone@example.com>: host mx.example.com[192.0.2.7] said: 550 5.1.1\n"
    "    <gone@example.com>: Recipient address rejected: User unknown\n";
  BcReport *r = tc_classify (tc_classifier (), msg);
  const BcRecipient *rc = only (r);

  assert_string_equal (rc->address, "gone@example.com");
  assert_string_not_equal (rc->reason, "vacation");
  assert_int_not_equal (rc->klass, BC_CLASS_AUTO_REPLY);
  assert_string_equal (rc->reason, "userunknown");
  bc_report_free (r);
}

static void
test_delivered (void **state)
{
  static const char *const blocks[] = {
    "Final-Recipient: rfc822; happy@example.com\n"
    "Action: delivered\n"
    "Status: 2.0.0\n"
    "Diagnostic-Code: smtp; 250 2.0.0 Ok: queued as 4ABCD\n",
    "Final-Recipient: rfc822; happy@example.com\n"
    "Action: relayed\n"
    "Status: 2.0.0\n",
    /* a success status without an Action */
    "Final-Recipient: rfc822; happy@example.com\n"
    "Status: 2.1.5\n",
    NULL
  };
  for (guint i = 0; blocks[i]; i++) {
    char *msg = tc_dsn_message (blocks[i]);
    BcReport *r = tc_classify (tc_classifier (), msg);
    const BcRecipient *rc = only (r);
    assert_string_equal (rc->address, "happy@example.com");
    assert_string_equal (rc->reason, "delivered");
    assert_int_equal (rc->klass, BC_CLASS_DELIVERED);
    assert_int_equal (rc->action, BC_ACTION_IGNORE);
    bc_report_free (r);
    g_free (msg);
  }
}

static void
test_mixed_delivered_and_failed (void **state)
{
  char *msg = tc_dsn_message ("Final-Recipient: rfc822; ok@example.com\n"
                              "Action: delivered\n"
                              "Status: 2.0.0\n"
                              "\n"
                              "Final-Recipient: rfc822; bad@example.com\n"
                              "Action: failed\n"
                              "Status: 5.1.1\n"
                              "Diagnostic-Code: smtp; 550 5.1.1 user unknown\n");
  BcReport *r = tc_classify (tc_classifier (), msg);

  assert_int_equal (r->recipients->len, 2);
  assert_int_equal (tc_find_rcpt (r, "ok@example.com")->klass, BC_CLASS_DELIVERED);
  assert_int_equal (tc_find_rcpt (r, "bad@example.com")->klass, BC_CLASS_HARD);
  /* in report order */
  assert_string_equal (((BcRecipient *) g_ptr_array_index (r->recipients, 0))->address,
                       "ok@example.com");
  bc_report_free (r);
  g_free (msg);
}

static void
test_forwarded_not_a_bounce (void **state)
{
  /* a person forwards a bounce: no recipient of the forward failed */
  const char *msg =
    "From: Bob Example <bob@example.com>\n"
    "To: helpdesk@example.org\n"
    "Subject: Fwd: Undelivered Mail Returned to Sender\n"
    "Date: Fri, 5 Jan 2024 09:00:00 +0000\n"
    "\n"
    "Hi, I got this, can you check?\n"
    "\n"
    "---------- Forwarded message ----------\n"
    "From: MAILER-DAEMON@mx.example.net\n"
    "Subject: Undelivered Mail Returned to Sender\n"
    "\n"
    "<gone@example.net>: host mx.example.net said: 550 5.1.1 User unknown\n";
  BcReport *r = tc_classify (tc_classifier (), msg);

  if (r->recipients->len != 0) {
    print_error ("forwarded mail gave %u recipients, first %s (%s)\n", r->recipients->len,
                 ((BcRecipient *) g_ptr_array_index (r->recipients, 0))->address,
                 ((BcRecipient *) g_ptr_array_index (r->recipients, 0))->reason);
    fail ();
  }
  bc_report_free (r);
}

/* a person answers a bounce and quotes it: no recipient; a gateway's bounce
 * that keeps a "Re:" subject and quotes nothing is still a bounce */
static void
test_reply_not_a_bounce (void **state)
{
  static const char *const quoting[] = {
    "> <gone@example.net>: host mx.example.net said: 550 5.1.1 User unknown\n"
    "> (in reply to RCPT TO command)\n> \n",
    "-----Original Message-----\nFrom: Mail Delivery System <MAILER-DAEMON@mx.example.net>\n"
    "\n<gone@example.net>: host mx.example.net said: 550 5.1.1 User unknown\n",
  };
  for (guint i = 0; i < G_N_ELEMENTS (quoting); i++) {
    char *msg = g_strdup_printf (
      "Return-Path: <bob@example.com>\n"
      "From: Bob Example <bob@example.com>\n"
      "To: helpdesk@example.org\n"
      "Subject: Re: Undelivered Mail Returned to Sender\n"
      "Date: Fri, 5 Jan 2024 09:00:00 +0000\n"
      "\n"
      "The address is wrong, use gone2@example.net.\n"
      "\n"
      "On Fri, 5 Jan 2024, Mail Delivery System wrote:\n"
      "> This is the mail system at host mx.example.net.\n"
      "%s", quoting[i]);
    BcReport *r = tc_classify (tc_classifier (), msg);
    if (r->recipients->len != 0) {
      print_error ("reply %u gave %u recipients, first %s\n", i, r->recipients->len,
                   ((BcRecipient *) g_ptr_array_index (r->recipients, 0))->address);
      fail ();
    }
    bc_report_free (r);
    g_free (msg);
  }
  {
    const char *msg =
      "From: post_master@gw.example.net\n"
      "To: sender@example.org\n"
      "Subject: Re: Test message\n"
      "\n"
      "Error: Invalid user address\n"
      "\n"
      "Error message below:\n"
      "550 - Requested action not taken: no such user here\n"
      "\n"
      "Message details:\n"
      "  RCPT TO: gone@example.net\n";
    BcReport *r = tc_classify (tc_classifier (), msg);
    assert_non_null (tc_find_rcpt (r, "gone@example.net"));
    bc_report_free (r);
  }
}

static void
test_ordinary_mail_not_a_bounce (void **state)
{
  const char *msg =
    "From: carol@example.com\n"
    "To: dave@example.net\n"
    "Subject: Lunch?\n"
    "\n"
    "Are you free at noon? Write to eve@example.org too.\n";
  BcReport *r = tc_classify (tc_classifier (), msg);

  assert_int_equal (r->recipients->len, 0);
  assert_null (r->recognizer);
  bc_report_free (r);
}

/* ---- the returned original ------------------------------------------------ */

static const char orig_headers[] =
  "From: Sender Name <sender@example.org>\n"
  "To: Gone <gone@example.com>\n"
  "Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgQmVybGlu?=\n"   /* Grüße aus Berlin */
  "Message-ID: <orig-77@example.org>\n"
  "List-Id: Berlin news <berlin.example.org>\n"
  "Date: Fri, 5 Jan 2024 09:00:00 +0000\n";

static void
check_original (const BcReport *r)
{
  assert_string_equal (r->original.message_id, "<orig-77@example.org>");
  assert_contains (r->original.from, "sender@example.org");
  assert_contains (r->original.to, "gone@example.com");
  assert_string_equal (r->original.subject, "Gr\xc3\xbc\xc3\x9f" "e aus Berlin");
  assert_contains (r->original.list_id, "<berlin.example.org>");
}

static char *
report_with_original (const char *ctype, const char *trailer)
{
  return g_strdup_printf (
    "From: MAILER-DAEMON@mx.example.net\n"
    "To: sender@example.org\n"
    "Subject: Undelivered Mail Returned to Sender\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"o\"\n"
    "\n"
    "--o\n"
    "Content-Type: text/plain\n"
    "\n"
    "Delivery failed.\n"
    "--o\n"
    "Content-Type: message/delivery-status\n"
    "\n"
    "Reporting-MTA: dns; mx.example.net\n"
    "\n"
    "Final-Recipient: rfc822; gone@example.com\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
    "\n"
    "--o\n"
    "Content-Type: %s\n"
    "\n"
    "%s"
    "%s"
    "--o--\n", ctype, orig_headers, trailer);
}

static void
test_original_message_rfc822 (void **state)
{
  char *msg = report_with_original ("message/rfc822", "\nBody of the original.\n");
  BcReport *r = tc_classify (tc_classifier (), msg);

  check_original (r);
  bc_report_free (r);
  g_free (msg);
}

static void
test_original_rfc822_headers (void **state)
{
  char *msg = report_with_original ("text/rfc822-headers", "");
  BcReport *r = tc_classify (tc_classifier (), msg);

  check_original (r);
  bc_report_free (r);
  g_free (msg);
}

/* a Subject whose decoded text is itself an encoded word is decoded once,
 * whether the original comes as message/rfc822 (GMime decodes it) or as
 * text/rfc822-headers (read as text) */
static void
test_original_decoded_once (void **state)
{
  static const char *const ctypes[] = { "message/rfc822", "text/rfc822-headers" };

  for (guint i = 0; i < G_N_ELEMENTS (ctypes); i++) {
    char *msg = report_with_original (ctypes[i], "\nBody.\n");
    GString *s = g_string_new (msg);
    BcReport *r;

    /* base64 of the 16 bytes "=?UTF-8?B?YWJj?=" */
    assert_true (g_string_replace (s, "=?UTF-8?B?R3LDvMOfZSBhdXMgQmVybGlu?=",
                                   "=?UTF-8?B?PT9VVEYtOD9CP1lXSmo/PQ==?=", 1) == 1);
    r = tc_classify (tc_classifier (), s->str);
    if (g_strcmp0 (r->original.subject, "=?UTF-8?B?YWJj?=") != 0) {
      print_error ("%s: subject \"%s\", want the literal \"=?UTF-8?B?YWJj?=\"\n", ctypes[i],
                   r->original.subject ? r->original.subject : "(null)");
      fail ();
    }
    bc_report_free (r);
    g_string_free (s, TRUE);
    g_free (msg);
  }
}

static void
test_original_inline (void **state)
{
  char *msg = g_strdup_printf (
    "From: MAILER-DAEMON@mx.example.net\n"
    "To: sender@example.org\n"
    "Subject: failure notice\n"
    "\n"
    "Hi. This is the qmail-send program at mx.example.net.\n"
    "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
    "\n"
    "<gone@example.com>:\n"
    "Sorry, no mailbox here by that name. (#5.1.1)\n"
    "\n"
    "--- Below this line is a copy of the message.\n"
    "\n"
    "%s"
    "\n"
    "Body of the original, naming other@example.net.\n", orig_headers);
  BcReport *r = tc_classify (tc_classifier (), msg);

  check_original (r);
  /* the inline copy is not read for recipients */
  assert_null (tc_find_rcpt (r, "other@example.net"));
  assert_non_null (tc_find_rcpt (r, "gone@example.com"));
  bc_report_free (r);
  g_free (msg);
}

static void
test_fallback_to_original_to (void **state)
{
  /* a bounce that names nobody in its text: the returned message's To */
  char *msg = g_strdup_printf (
    "From: MAILER-DAEMON@mx.example.net\n"
    "To: sender@example.org\n"
    "Subject: Undeliverable\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=\"f\"\n"
    "\n"
    "--f\n"
    "Content-Type: text/plain\n"
    "\n"
    "Your message could not be delivered: mailbox full.\n"
    "--f\n"
    "Content-Type: message/rfc822\n"
    "\n"
    "%s\nbody\n"
    "--f--\n", orig_headers);
  BcReport *r = tc_classify (tc_classifier (), msg);
  const BcRecipient *rc = only (r);

  assert_string_equal (rc->address, "gone@example.com");
  assert_int_equal (rc->source, BC_SOURCE_ORIGINAL);
  assert_string_equal (rc->reason, "mailboxfull");
  bc_report_free (r);

  /* a To of several addresses: nothing says which failed, nobody is named */
  {
    GString *s = g_string_new (msg);
    assert_true (g_string_replace (s, "To: Gone <gone@example.com>",
                                   "To: Gone <gone@example.com>, other@example.net", 1) == 1);
    r = tc_classify (tc_classifier (), s->str);
    if (r->recipients->len != 0) {
      print_error ("a To of two gave %u recipients, first %s\n", r->recipients->len,
                   ((BcRecipient *) g_ptr_array_index (r->recipients, 0))->address);
      fail ();
    }
    bc_report_free (r);
    g_string_free (s, TRUE);
  }
  g_free (msg);
}

static void
test_x_failed_recipients (void **state)
{
  const char *msg =
    "From: Mail Delivery System <Mailer-Daemon@mx.example.net>\n"
    "To: sender@example.org\n"
    "Subject: Mail delivery failed: returning message to sender\n"
    "X-Failed-Recipients: one@example.com, Two@EXAMPLE.net\n"
    "\n"
    "A message that you sent could not be delivered.\n";
  BcReport *r = tc_classify (tc_classifier (), msg);

  assert_int_equal (r->recipients->len, 2);
  assert_non_null (tc_find_rcpt (r, "one@example.com"));
  assert_non_null (tc_find_rcpt (r, "Two@example.net"));
  assert_string_equal (tc_find_rcpt (r, "Two@example.net")->address, "Two@example.net");
  bc_report_free (r);
}

/* a cause the block scan found and a sentence naming the same recipient
 * that holds it too are said once, not twice */
static void
test_diagnostic_said_once (void **state)
{
  const char *msg =
    "From: MAILER-DAEMON@mx.example.net\n"
    "To: sender@example.org\n"
    "Subject: Failure Notice\n"
    "\n"
    "Sorry, we were unable to deliver your message to the following address.\n"
    "\n"
    "<neko@example.com>:\n"
    "Unable to deliver message after multiple retries, giving up.\n"
    "\n"
    "--- Below this line is a copy of the message.\n";
  static const char cause[] = "Unable to deliver message after multiple retries";
  BcReport *r = tc_classify (tc_classifier (), msg);
  const BcRecipient *rc = tc_find_rcpt (r, "neko@example.com");
  const char *first;

  assert_non_null (rc);
  assert_non_null (rc->diagnostic);
  first = strstr (rc->diagnostic, cause);
  assert_non_null (first);
  assert_null (strstr (first + 1, cause));
  bc_report_free (r);
}

/* an HTML-only notice that lists recipients in a table: the cells are
 * read apart, so the address does not run into the code after it */
static void
test_html_table_cells (void **state)
{
  const char *msg =
    "From: postmaster@mx.example.net\n"
    "To: sender@example.org\n"
    "Subject: Undeliverable: report\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/html; charset=us-ascii\n"
    "\n"
    "<html><body><p>Your message could not be delivered to these recipients:</p>"
    "<table><tr><td>member@example.com</td><td>550</td><td>5.1.1 mailbox unknown</td></tr>"
    "</table></body></html>\n";
  BcReport *r = tc_classify (tc_classifier (), msg);
  const BcRecipient *rc;

  assert_int_equal (r->recipients->len, 1);
  rc = tc_find_rcpt (r, "member@example.com");
  assert_non_null (rc);
  assert_string_equal (rc->status, "5.1.1");
  assert_string_equal (rc->reply_code, "550");
  bc_report_free (r);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_arf),
    cmocka_unit_test (test_arf_recipient_from_original),
    cmocka_unit_test (test_autoreply),
    cmocka_unit_test (test_auto_generated_is_no_vacation),
    cmocka_unit_test (test_bounce_with_auto_submitted_is_no_vacation),
    cmocka_unit_test (test_delivered),
    cmocka_unit_test (test_mixed_delivered_and_failed),
    cmocka_unit_test (test_forwarded_not_a_bounce),
    cmocka_unit_test (test_reply_not_a_bounce),
    cmocka_unit_test (test_ordinary_mail_not_a_bounce),
    cmocka_unit_test (test_original_message_rfc822),
    cmocka_unit_test (test_original_rfc822_headers),
    cmocka_unit_test (test_original_decoded_once),
    cmocka_unit_test (test_original_inline),
    cmocka_unit_test (test_fallback_to_original_to),
    cmocka_unit_test (test_x_failed_recipients),
    cmocka_unit_test (test_diagnostic_said_once),
    cmocka_unit_test (test_html_table_cells),
  };
  tc_init ();
  return cmocka_run_group_tests (tests, NULL, NULL);
}
