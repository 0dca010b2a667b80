/* test-outcomes.c - reports that are not plain failures (feedback reports,
 * auto-replies, delivered DSNs, forwarded mail) and the headers of the
 * returned original message, read through the whole classifier. A test is
 * data: messages and a Want of what their report says, run by expect(),
 * with a check function for what a Want cannot say. */
#include "tc.h"

#include <string.h>

/* NONE - Want.address: the report has no recipient at all;
 * Want.recognizer: the report names no recognizer */
#define NONE ""

/* Want - what the report of a message must say; NULL fields are not
 * checked. @address: the only recipient's address, or NONE. @reason,
 * @klass, @action, @source: the only recipient's, by the names the JSON
 * output gives them; setting any of them (or @address) wants exactly one
 * recipient. @recognizer: the report's, or NONE. @check: asserts the rest;
 * @rc is the only recipient when one is wanted, else NULL. */
typedef struct {
  const char *address;
  const char *reason;
  const char *klass;
  const char *action;
  const char *source;
  const char *recognizer;
  void (*check) (const BcReport *r, const BcRecipient *rc);
} Want;

/* Sample - a message and what names it in a failure */
typedef struct {
  const char *what;
  const char *msg;
} Sample;

static const char *current;   /* what names the message expect() reads */

/* want_str - assert that @got (NULL: none) is @want (NONE: none; NULL:
 * anything), naming @field and the current message when it is not */
static void
want_str (const char *field, const char *got, const char *want)
{
  if (want && g_strcmp0 (got, *want ? want : NULL) != 0) {
    print_error ("%s: %s is %s, want %s\n", current, field, got ? got : "(none)",
                 *want ? want : "(none)");
    fail ();
  }
}

/* expect - classify @msg, named @what in a failure, and assert @want of
 * its report */
static void
expect (const char *what, const char *msg, const Want *want)
{
  BcReport *r;
  const BcRecipient *rc = NULL;
  gboolean none = want->address && !*want->address;

  current = what;
  r = tc_classify (tc_classifier (), msg);
  if (none && r->recipients->len != 0) {
    rc = g_ptr_array_index (r->recipients, 0);
    print_error ("%s: %u recipients (%s, %s), want none\n", what, r->recipients->len,
                 rc->address ? rc->address : "(none)", rc->reason ? rc->reason : "(none)");
    fail ();
  }
  if (!none && (want->address || want->reason || want->klass || want->action || want->source)) {
    if (r->recipients->len != 1) {
      print_error ("%s: %u recipients, want 1\n", what, r->recipients->len);
      fail ();
    }
    rc = g_ptr_array_index (r->recipients, 0);
    want_str ("address", rc->address, want->address);
    want_str ("reason", rc->reason, want->reason);
    want_str ("class", bc_class_to_string (rc->klass), want->klass);
    want_str ("action", bc_action_to_string (rc->action), want->action);
    want_str ("source", bc_source_to_string (rc->source), want->source);
  }
  want_str ("recognizer", r->recognizer, want->recognizer);
  if (want->check)
    want->check (r, rc);
  bc_report_free (r);
}

/* expect_each - expect() @want of each of the @n @samples */
static void
expect_each (const Sample *samples, gsize n, const Want *want)
{
  for (gsize i = 0; i < n; i++)
    expect (samples[i].what, samples[i].msg, want);
}

static const Want nobody = { .address = NONE };

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
feedback_abuse (const BcReport *r, const BcRecipient *rc)
{
  want_str ("feedback type", r->feedback_type, "abuse");
}

static void
arf_details (const BcReport *r, const BcRecipient *rc)
{
  feedback_abuse (r, rc);
  want_str ("date", rc->date, "Thu, 4 Jan 2024 12:00:00 +0000");
  want_str ("original message id", r->original.message_id, "<news-42@example.org>");
  assert_contains (r->original.list_id, "offers.example.org");
}

static void
test_arf (void **state)
{
  static const Want want = {
    .address = "Complainer@example.com", .reason = "feedback", .klass = "complaint",
    .action = "suppress", .source = "arf", .recognizer = "arf", .check = arf_details,
  };
  char *msg = arf_message ("Feedback-Type: abuse\n"
                           "User-Agent: ExampleFBL/1.0\n"
                           "Version: 1\n"
                           "Original-Mail-From: <bounces@example.org>\n"
                           "Original-Rcpt-To: <Complainer@Example.COM>\n"
                           "Arrival-Date: Thu, 4 Jan 2024 12:00:00 +0000\n"
                           "Reporting-MTA: dns; fbl.isp.example.net\n"
                           "Source-IP: 192.0.2.10\n");

  expect ("ARF", msg, &want);
  g_free (msg);
}

static void
test_arf_recipient_from_original (void **state)
{
  /* no Original-Rcpt-To: the To of the returned message */
  static const Want want = {
    .address = "reader@example.com", .reason = "feedback", .check = feedback_abuse,
  };
  char *msg = arf_message ("Feedback-Type: Abuse\nUser-Agent: ExampleFBL/1.0\nVersion: 1\n");

  expect ("no Original-Rcpt-To", msg, &want);
  g_free (msg);
}

/* no Original-Rcpt-To, and a hidden To or a list's: the VERP envelope
 * sender of the message complained about names the subscriber */
static void
test_arf_recipient_from_verp (void **state)
{
  static const struct {
    const char *mail_from;
    const char *return_path;
    const char *to;
    const char *more;          /* more feedback fields */
    const char *want;
  } cases[] = {
    { "<bounces+reader=example.com@example.org>", "<bounces@example.org>",
      "undisclosed-recipients:;", "", "reader@example.com" },
    { "<bounces@example.org>", "<bounces+reader=example.com@example.org>",
      "undisclosed-recipients:;", "", "reader@example.com" },
    { "<bounces@example.org>", "<bounces@example.org>", "undisclosed-recipients:;", "", NONE },
    /* a list's post: its To is the list */
    { "<offers-bounces+reader=example.com@example.org>", "<bounces@example.org>",
      "Offers <offers@example.org>", "", "reader@example.com" },
    /* the report names the complainant: VERP is not asked */
    { "<bounces+other=example.com@example.org>", "<bounces@example.org>",
      "reader@example.com", "Original-Rcpt-To: <reader@example.com>\n", "reader@example.com" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    char *msg = g_strdup_printf (
      "From: Feedback Loop <fbl@isp.example.net>\n"
      "To: fbl@example.org\n"
      "Subject: Email Feedback Report\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=feedback-report; boundary=\"arf\"\n"
      "\n"
      "--arf\n"
      "Content-Type: text/plain\n"
      "\n"
      "This is an email abuse report.\n"
      "--arf\n"
      "Content-Type: message/feedback-report\n"
      "\n"
      "Feedback-Type: abuse\n"
      "Version: 1\n"
      "Original-Mail-From: %s\n"
      "%s"
      "--arf\n"
      "Content-Type: message/rfc822\n"
      "\n"
      "Return-Path: %s\n"
      "From: News <news@example.org>\n"
      "To: %s\n"
      "Subject: Weekly offers\n"
      "\n"
      "Buy now.\n"
      "--arf--\n", cases[i].mail_from, cases[i].more, cases[i].return_path, cases[i].to);
    BcReport *r = tc_classify (tc_classifier (), msg);
    const BcRecipient *rc;
    assert_int_equal (r->recipients->len, 1);
    rc = g_ptr_array_index (r->recipients, 0);
    assert_string_equal (rc->reason, "feedback");
    if (*cases[i].want)
      assert_string_equal (rc->address, cases[i].want);
    else
      assert_true (!rc->address || !*rc->address);
    bc_report_free (r);
    g_free (msg);
  }
}

/* JMRP: the returned message goes to a list or hidden recipients; the
 * complainant is in its X-HmXmrOriginalRecipient header */
static void
test_arf_recipient_from_hotmail_header (void **state)
{
  static const char *const parts[] = {
    "Content-Type: message/rfc822\n\n",
    "Content-Type: text/rfc822-headers\n\n",
  };
  static const Want want = { .address = "reader@example.com", .reason = "feedback" };

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++) {
    char *msg = g_strdup_printf (
      "From: staff@feedback.example.net\n"
      "To: fbl@example.org\n"
      "Subject: complaint about message from 192.0.2.10\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=feedback-report; boundary=\"j\"\n"
      "\n"
      "--j\n"
      "Content-Type: text/plain\n"
      "\n"
      "This is an email abuse report.\n"
      "--j\n"
      "Content-Type: message/feedback-report\n"
      "\n"
      "Feedback-Type: abuse\nUser-Agent: ExampleJMR/1.0\nVersion: 1\n"
      "--j\n"
      "%s"
      "X-HmXmrOriginalRecipient: <reader@example.com>\n"
      "From: News <news@example.org>\n"
      "To: offers-list@example.org\n"
      "Subject: Weekly offers\n"
      "\n"
      "Buy now.\n"
      "--j--\n", parts[i]);

    expect (parts[i], msg, &want);
    g_free (msg);
  }
}

static void
not_arf (const BcReport *r, const BcRecipient *rc)
{
  assert_true (!r->recognizer || strcmp (r->recognizer, "arf") != 0);
}

/* a JMRP report with no feedback part: its Subject and the returned
 * message make it a complaint; the same Subject on a bounce does not */
static void
test_arf_jmrp_without_feedback_part (void **state)
{
  static const struct {
    const char *from;
    Want want;
  } cases[] = {
    { "staff@feedback.example.net",
      { .address = "reader@example.com", .reason = "feedback", .recognizer = "arf",
        .check = feedback_abuse } },
    { "MAILER-DAEMON@mx.example.net", { .check = not_arf } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    char *msg = g_strdup_printf (
      "From: %s\n"
      "To: fbl@example.org\n"
      "Subject: complaint about message from 192.0.2.10\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"j\"\n"
      "\n"
      "--j\n"
      "Content-Type: text/plain\n"
      "\n"
      "This is an email abuse report.\n"
      "--j\n"
      "Content-Type: message/rfc822\n"
      "\n"
      "X-HmXmrOriginalRecipient: <reader@example.com>\n"
      "From: News <news@example.org>\n"
      "To: offers-list@example.org\n"
      "Subject: Weekly offers\n"
      "\n"
      "Buy now.\n"
      "--j--\n", cases[i].from);

    expect (cases[i].from, msg, &cases[i].want);
    g_free (msg);
  }
}

/* an auto-reply from alice@example.org */
static const Want vacation = {
  .address = "alice@example.org", .reason = "vacation", .klass = "auto-reply",
  .action = "ignore", .source = "autoreply", .recognizer = "autoreply",
};

static void
test_autoreply (void **state)
{
  static const Sample samples[] = {
    { "RFC 3834 header and an out-of-office subject",
      "From: Alice Example <Alice@Example.ORG>\n"
      "To: sender@example.com\n"
      "Subject: Out of Office: Your order\n"
      "Auto-Submitted: auto-replied\n"
      "\n"
      "I am away until Monday.\n" },
    { "only the header",
      "From: alice@example.org\n"
      "To: sender@example.com\n"
      "Subject: Re: Your order\n"
      "Auto-Submitted: auto-replied (vacation)\n"
      "\n"
      "I am away until Monday.\n" },
    { "only X-Autoreply",
      "From: alice@example.org\n"
      "To: sender@example.com\n"
      "Subject: Re: Your order\n"
      "X-Autoreply: yes\n"
      "\n"
      "I am away until Monday.\n" },
    { "only the subject",
      "From: alice@example.org\n"
      "To: sender@example.com\n"
      "Subject: Automatic reply: Your order\n"
      "\n"
      "I am away until Monday.\n" },
  };

  expect_each (samples, G_N_ELEMENTS (samples), &vacation);
}

static void
test_auto_generated_is_no_vacation (void **state)
{
  /* machine mail that is no reply to anything: not an auto-reply */
  static const Sample samples[] = {
    { "auto-generated invoice",
      "From: billing@example.net\n"
      "To: customer@example.com\n"
      "Subject: Your invoice\n"
      "Auto-Submitted: auto-generated\n"
      "\n"
      "Invoice attached.\n" },
    { "bulk digest",
      "From: news@example.net\n"
      "To: customer@example.com\n"
      "Subject: Weekly digest\n"
      "Precedence: bulk\n"
      "\n"
      "News.\n" },
  };

  expect_each (samples, G_N_ELEMENTS (samples), &nobody);
}

static void
not_auto_reply (const BcReport *r, const BcRecipient *rc)
{
  assert_int_not_equal (rc->klass, BC_CLASS_AUTO_REPLY);
}

static void
test_bounce_with_auto_submitted_is_no_vacation (void **state)
{
  /* a bounce carries Auto-Submitted: auto-replied too */
  static const Want want = {
    .address = "gone@example.com", .reason = "userunknown", .check = not_auto_reply,
  };
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

  expect ("bounce with Auto-Submitted", msg, &want);
}

/* an auto-reply from a server that a recognizer knows by its X-Mailer
 * (Zimbra, GroupWise, Domino, Kerio, ...): the recognizer must not claim
 * it and lose it */
static void
test_autoreply_from_known_server (void **state)
{
  static const Sample samples[] = {
    { "Zimbra out-of-office",
      "From: alice@example.org\n"
      "To: sender@example.com\n"
      "Subject: Out of Office\n"
      "Auto-Submitted: auto-replied (zimbra; vacation)\n"
      "X-Mailer: Zimbra 9.0.0_GA_4546\n"
      "\n"
      "I am away until Monday.\n" },
    { "GroupWise auto reply",
      "From: alice@example.org\n"
      "To: sender@example.com\n"
      "Subject: Auto Reply: Your order\n"
      "X-Mailer: Novell GroupWise Internet Agent 14.2.2\n"
      "\n"
      "I am on leave until 3 November.\n" },
    { "Domino out-of-office",
      "From: Alice Example <alice@example.org>\n"
      "To: sender@example.com\n"
      "Subject: Alice Example is out of the office.\n"
      "X-Mailer: Lotus Domino Release 9.0.1FP10\n"
      "\n"
      "I will be out of the office starting 20.10.2025.\n" },
  };

  expect_each (samples, G_N_ELEMENTS (samples), &vacation);
}

/* Exchange and ticket systems mark out-of-office replies
 * "auto-generated", but write them as replies */
static void
test_autoreply_generated_reply (void **state)
{
  static const Sample samples[] = {
    { "auto-generated, In-Reply-To",
      "From: alice@example.org\n"
      "To: sender@example.com\n"
      "Subject: Your order\n"
      "Auto-Submitted: auto-generated\n"
      "In-Reply-To: <order-1@example.com>\n"
      "\n"
      "Your request has been received.\n" },
    { "auto-generated, References",
      "From: alice@example.org\n"
      "To: sender@example.com\n"
      "Subject: [Help] Your order\n"
      "Auto-Submitted: auto-generated\n"
      "References: <order-1@example.com>\n"
      "\n"
      "Ticket 42 opened.\n" },
    { "Exchange inbox rule of the From mailbox",
      "From: Alice Example <alice@example.org>\n"
      "To: sender@example.com\n"
      "Subject: Alice has left Example Corp\n"
      "X-MS-Exchange-Inbox-Rules-Loop: Alice@example.org\n"
      "\n"
      "Please write to sales@example.org.\n" },
  };

  expect_each (samples, G_N_ELEMENTS (samples), &vacation);
}

/* Exchange's "Automatic reply:" in languages the first table missed, and
 * the Notes subject in German and French */
static void
test_autoreply_subject_more_languages (void **state)
{
  static const char *const subjects[] = {
    "Balasan automatik: Your order", "Sjálfvirkt svar: Your order",
    "Erantzun automatikoa: Your order", "\xd0\x90\xd1\x83\xd1\x82\xd0\xbe\xd0\xbc\xd0\xb0\xd1\x82\xd1\x81\xd0\xba\xd0\xb8 \xd0\xbe\xd0\xb4\xd0\xb3\xd0\xbe\xd0\xb2\xd0\xbe\xd1\x80: Your order",
    "\xe0\xb8\x95\xe0\xb8\xad\xe0\xb8\x9a\xe0\xb8\x81\xe0\xb8\xa5\xe0\xb8\xb1\xe0\xb8\x9a\xe0\xb8\xad\xe0\xb8\xb1\xe0\xb8\x95\xe0\xb9\x82\xe0\xb8\x99\xe0\xb8\xa1\xe0\xb8\xb1\xe0\xb8\x95\xe0\xb8\xb4: Your order",
    "Alice Example ist au\xc3\x9f" "er Haus.", "Alice Example est absent(e).",
    "Vacation", "Absence : Your order", "Vacation until Monday",
  };

  for (guint i = 0; i < G_N_ELEMENTS (subjects); i++) {
    char *msg = g_strdup_printf ("From: alice@example.org\n"
                                 "To: sender@example.com\n"
                                 "Subject: %s\n"
                                 "MIME-Version: 1.0\n"
                                 "Content-Type: text/plain; charset=utf-8\n"
                                 "\n"
                                 "Back soon.\n", subjects[i]);
    expect (subjects[i], msg, &vacation);
    g_free (msg);
  }
}

/* what looks like an auto-reply and is none: a list manager's notice
 * marked auto-replied, a read receipt marked so, a newsletter whose
 * Subject begins like an out-of-office notice, ordinary subjects that
 * begin with "Vacation" or "Absence" */
static void
test_autoreply_look_alikes (void **state)
{
  static const Sample samples[] = {
    { "list manager notice",
      "From: events-owner@lists.example.org\n"
      "To: sender@example.com\n"
      "Subject: Your message to Events awaits moderator approval\n"
      "Auto-Submitted: auto-replied\n"
      "\n"
      "Your mail is being held until the list moderator can review it.\n" },
    { "Sympa notice",
      "From: SYMPA <sympa@lists.example.org>\n"
      "To: sender@example.com\n"
      "Subject: Message distributed\n"
      "Auto-Submitted: auto-replied\n"
      "\n"
      "Your message has been distributed.\n" },
    { "read receipt marked auto-replied",
      "From: alice@example.org\n"
      "To: sender@example.com\n"
      "Subject: Read: Your order\n"
      "Auto-Submitted: auto-replied\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=disposition-notification; boundary=\"m\"\n"
      "\n"
      "--m\n"
      "Content-Type: text/plain\n"
      "\n"
      "Your message was displayed.\n"
      "--m\n"
      "Content-Type: message/disposition-notification\n"
      "\n"
      "Final-Recipient: rfc822;alice@example.org\n"
      "Disposition: automatic-action/MDN-sent-automatically; displayed\n"
      "--m--\n" },
    { "newsletter",
      "From: news@example.net\n"
      "To: sender@example.com\n"
      "Subject: Out of office: how to switch off this summer\n"
      "List-Unsubscribe: <mailto:unsubscribe@example.net>\n"
      "\n"
      "Ten tips.\n" },
    { "Exchange inbox rule redirecting another author's mail",
      "From: bob@example.net\n"
      "To: sender@example.com\n"
      "Subject: Your order\n"
      "X-MS-Exchange-Inbox-Rules-Loop: alice@example.org\n"
      "\n"
      "Where is my order?\n" },
    { "vacation deals",
      "From: deals@example.net\n"
      "To: sender@example.com\n"
      "Subject: Vacation deals for November\n"
      "\n"
      "Cabins from $89.\n" },
    { "absence request",
      "From: hr@example.net\n"
      "To: sender@example.com\n"
      "Subject: Absence request approved\n"
      "Auto-Submitted: auto-generated\n"
      "\n"
      "Approved.\n" },
  };

  expect_each (samples, G_N_ELEMENTS (samples), &nobody);
}

static void
test_delivered (void **state)
{
  static const Sample blocks[] = {
    { "delivered",
      "Final-Recipient: rfc822; happy@example.com\n"
      "Action: delivered\n"
      "Status: 2.0.0\n"
      "Diagnostic-Code: smtp; 250 2.0.0 Ok: queued as 4ABCD\n" },
    { "relayed",
      "Final-Recipient: rfc822; happy@example.com\n"
      "Action: relayed\n"
      "Status: 2.0.0\n" },
    { "a success status without an Action",
      "Final-Recipient: rfc822; happy@example.com\n"
      "Status: 2.1.5\n" },
  };
  static const Want want = {
    .address = "happy@example.com", .reason = "delivered", .klass = "delivered",
    .action = "ignore",
  };

  for (guint i = 0; i < G_N_ELEMENTS (blocks); i++) {
    char *msg = tc_dsn_message (blocks[i].msg);
    expect (blocks[i].what, msg, &want);
    g_free (msg);
  }
}

static void
delivered_then_failed (const BcReport *r, const BcRecipient *rc)
{
  assert_int_equal (r->recipients->len, 2);
  assert_int_equal (tc_find_rcpt (r, "ok@example.com")->klass, BC_CLASS_DELIVERED);
  assert_int_equal (tc_find_rcpt (r, "bad@example.com")->klass, BC_CLASS_HARD);
  /* in report order */
  want_str ("first address", ((BcRecipient *) g_ptr_array_index (r->recipients, 0))->address,
            "ok@example.com");
}

static void
test_mixed_delivered_and_failed (void **state)
{
  static const Want want = { .check = delivered_then_failed };
  char *msg = tc_dsn_message ("Final-Recipient: rfc822; ok@example.com\n"
                              "Action: delivered\n"
                              "Status: 2.0.0\n"
                              "\n"
                              "Final-Recipient: rfc822; bad@example.com\n"
                              "Action: failed\n"
                              "Status: 5.1.1\n"
                              "Diagnostic-Code: smtp; 550 5.1.1 user unknown\n");

  expect ("delivered and failed", msg, &want);
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

  expect ("forwarded mail", msg, &nobody);
}

static void
names_gone_net (const BcReport *r, const BcRecipient *rc)
{
  assert_non_null (tc_find_rcpt (r, "gone@example.net"));
}

/* a person answers a bounce and quotes it: no recipient; a gateway's bounce
 * that keeps a "Re:" subject and quotes nothing is still a bounce */
static void
test_reply_not_a_bounce (void **state)
{
  static const Sample quoting[] = {
    { "quoted with \">\"",
      "> <gone@example.net>: host mx.example.net said: 550 5.1.1 User unknown\n"
      "> (in reply to RCPT TO command)\n> \n" },
    { "below -----Original Message-----",
      "-----Original Message-----\nFrom: Mail Delivery System <MAILER-DAEMON@mx.example.net>\n"
      "\n<gone@example.net>: host mx.example.net said: 550 5.1.1 User unknown\n" },
  };
  static const Want gateway = { .check = names_gone_net };

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
      "%s", quoting[i].msg);
    expect (quoting[i].what, msg, &nobody);
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
    expect ("gateway bounce with a Re: subject", msg, &gateway);
  }
}

static void
test_ordinary_mail_not_a_bounce (void **state)
{
  static const Want want = { .address = NONE, .recognizer = NONE };
  const char *msg =
    "From: carol@example.com\n"
    "To: dave@example.net\n"
    "Subject: Lunch?\n"
    "\n"
    "Are you free at noon? Write to eve@example.org too.\n";

  expect ("ordinary mail", msg, &want);
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
check_original (const BcReport *r, const BcRecipient *rc)
{
  want_str ("original message id", r->original.message_id, "<orig-77@example.org>");
  assert_contains (r->original.from, "sender@example.org");
  assert_contains (r->original.to, "gone@example.com");
  want_str ("original subject", r->original.subject, "Gr\xc3\xbc\xc3\x9f" "e aus Berlin");
  assert_contains (r->original.list_id, "<berlin.example.org>");
}

static const Want original = { .check = check_original };

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

  expect ("message/rfc822", msg, &original);
  g_free (msg);
}

static void
test_original_rfc822_headers (void **state)
{
  char *msg = report_with_original ("text/rfc822-headers", "");

  expect ("text/rfc822-headers", msg, &original);
  g_free (msg);
}

static void
subject_decoded_once (const BcReport *r, const BcRecipient *rc)
{
  want_str ("original subject", r->original.subject, "=?UTF-8?B?YWJj?=");
}

/* a Subject whose decoded text is itself an encoded word is decoded once,
 * whether the original comes as message/rfc822 (GMime decodes it) or as
 * text/rfc822-headers (read as text) */
static void
test_original_decoded_once (void **state)
{
  static const char *const ctypes[] = { "message/rfc822", "text/rfc822-headers" };
  static const Want want = { .check = subject_decoded_once };

  for (guint i = 0; i < G_N_ELEMENTS (ctypes); i++) {
    char *msg = report_with_original (ctypes[i], "\nBody.\n");
    GString *s = g_string_new (msg);

    /* base64 of the 16 bytes "=?UTF-8?B?YWJj?=" */
    assert_true (g_string_replace (s, "=?UTF-8?B?R3LDvMOfZSBhdXMgQmVybGlu?=",
                                   "=?UTF-8?B?PT9VVEYtOD9CP1lXSmo/PQ==?=", 1) == 1);
    expect (ctypes[i], s->str, &want);
    g_string_free (s, TRUE);
    g_free (msg);
  }
}

static void
original_inline (const BcReport *r, const BcRecipient *rc)
{
  check_original (r, rc);
  /* the inline copy is not read for recipients */
  assert_null (tc_find_rcpt (r, "other@example.net"));
  assert_non_null (tc_find_rcpt (r, "gone@example.com"));
}

static void
test_original_inline (void **state)
{
  static const Want want = { .check = original_inline };
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

  expect ("inline original", msg, &want);
  g_free (msg);
}

static void
test_fallback_to_original_to (void **state)
{
  /* a bounce that names nobody in its text: the returned message's To */
  static const Want want = {
    .address = "gone@example.com", .reason = "mailboxfull", .source = "original",
  };
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
  GString *s = g_string_new (msg);

  expect ("a To of one", msg, &want);
  /* a To of several addresses: nothing says which failed, nobody is named */
  assert_true (g_string_replace (s, "To: Gone <gone@example.com>",
                                 "To: Gone <gone@example.com>, other@example.net", 1) == 1);
  expect ("a To of two", s->str, &nobody);
  g_string_free (s, TRUE);
  g_free (msg);
}

static void
both_failed (const BcReport *r, const BcRecipient *rc)
{
  assert_int_equal (r->recipients->len, 2);
  assert_non_null (tc_find_rcpt (r, "one@example.com"));
  assert_non_null (tc_find_rcpt (r, "Two@example.net"));
  want_str ("address", tc_find_rcpt (r, "Two@example.net")->address, "Two@example.net");
}

static void
test_x_failed_recipients (void **state)
{
  static const Want want = { .check = both_failed };
  const char *msg =
    "From: Mail Delivery System <Mailer-Daemon@mx.example.net>\n"
    "To: sender@example.org\n"
    "Subject: Mail delivery failed: returning message to sender\n"
    "X-Failed-Recipients: one@example.com, Two@EXAMPLE.net\n"
    "\n"
    "A message that you sent could not be delivered.\n";

  expect ("X-Failed-Recipients", msg, &want);
}

static void
cause_said_once (const BcReport *r, const BcRecipient *rc)
{
  static const char cause[] = "Unable to deliver message after multiple retries";
  const char *first;

  rc = tc_find_rcpt (r, "neko@example.com");
  assert_non_null (rc);
  assert_non_null (rc->diagnostic);
  first = strstr (rc->diagnostic, cause);
  assert_non_null (first);
  assert_null (strstr (first + 1, cause));
}

/* a cause the block scan found and a sentence naming the same recipient
 * that holds it too are said once, not twice */
static void
test_diagnostic_said_once (void **state)
{
  static const Want want = { .check = cause_said_once };
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

  expect ("cause in block and sentence", msg, &want);
}

static void
codes_from_cells (const BcReport *r, const BcRecipient *rc)
{
  want_str ("status", rc->status, "5.1.1");
  want_str ("reply code", rc->reply_code, "550");
}

/* an HTML-only notice that lists recipients in a table: the cells are
 * read apart, so the address does not run into the code after it */
static void
test_html_table_cells (void **state)
{
  static const Want want = { .address = "member@example.com", .check = codes_from_cells };
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

  expect ("HTML table", msg, &want);
}

static void
cause_before (const BcReport *r, const BcRecipient *rc)
{
  assert_contains (rc->diagnostic, "classified as spam");
  assert_contains (rc->diagnostic, "554 5.7.1 Message rejected");
  assert_null (strstr (rc->diagnostic, "created automatically"));
}

static void
causes_of_their_own (const BcReport *r, const BcRecipient *rc)
{
  assert_int_equal (r->recipients->len, 2);
  want_str ("a1 reason", tc_find_rcpt (r, "a1@example.com")->reason, "userunknown");
  want_str ("a2 reason", tc_find_rcpt (r, "a2@example.com")->reason, "mailboxfull");
  assert_null (strstr (tc_find_rcpt (r, "a1@example.com")->diagnostic, "spam"));
}

/* a free-text NDR that writes the cause before the address and only a
 * bare code line after it: the cause is the recipient's too. Two blocks
 * with codes of their own do not take a shared lead-in. */
static void
test_generic_cause_before_address (void **state)
{
  static const Want want_one = {
    .address = "kiji@example.com", .reason = "spamdetected", .check = cause_before,
  };
  static const Want want_two = { .check = causes_of_their_own };
  const char *one =
    "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\n"
    "To: sender@example.org\n"
    "Subject: Undelivered Mail\n"
    "\n"
    "This message was created automatically by the mail system.\n"
    "\n"
    "Your message to the following recipient was rejected because it was\n"
    "classified as spam by our content filter.\n"
    "\n"
    "kiji@example.com\n"
    "\n"
    "554 5.7.1 Message rejected\n";
  const char *two =
    "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\n"
    "To: sender@example.org\n"
    "Subject: Undelivered Mail\n"
    "\n"
    "Some recipients were refused as spam or for other reasons.\n"
    "\n"
    "a1@example.com\n"
    "550 5.1.1 User unknown\n"
    "\n"
    "a2@example.com\n"
    "552 5.2.2 Mailbox full\n";

  expect ("cause before one address", one, &want_one);
  expect ("two blocks with codes", two, &want_two);
}

/* dsn_with_text - a DSN naming d1@example.com (user unknown) whose
 * readable part is @human, delivered through X-Original-To
 * bounces+77@example.org, returning a message from list-bounces@example.org
 * to d1 and d5; newly allocated */
static char *
dsn_with_text (const char *human)
{
  return g_strdup_printf (
    "X-Original-To: bounces+77@example.org\n"
    "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\n"
    "To: news@example.org\n"
    "Subject: Delivery Status Notification (Failure)\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n"
    "\n"
    "--b\n"
    "Content-Type: text/plain\n"
    "\n"
    "%s"
    "--b\n"
    "Content-Type: message/delivery-status\n"
    "\n"
    "Reporting-MTA: dns; mx.example.net\n"
    "\n"
    "Final-Recipient: rfc822; d1@example.com\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
    "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n"
    "--b\n"
    "Content-Type: message/rfc822\n"
    "\n"
    "Return-Path: <list-bounces@example.org>\n"
    "From: News <news@example.org>\n"
    "To: d1@example.com, d5@example.com\n"
    "Subject: News\n"
    "\n"
    "Hello.\n"
    "--b--\n", human);
}

static void
text_recipients_too (const BcReport *r, const BcRecipient *rc)
{
  assert_int_equal (r->recipients->len, 3);
  want_str ("d1 reason", tc_find_rcpt (r, "d1@example.com")->reason, "userunknown");
  rc = tc_find_rcpt (r, "d2@example.com");
  assert_non_null (rc);
  want_str ("d2 reason", rc->reason, "mailboxfull");
  want_str ("d2 source", bc_source_to_string (rc->source), "text");
  assert_non_null (tc_find_rcpt (r, "d5@example.com"));
}

/* a DSN that leaves out a recipient the text lists with its own error:
 * the text's recipient is reported too, also when the returned message
 * was addressed to it; an address the bounce's or the returned message's
 * other headers hold (the envelope sender, a Delivered-To) is not */
static void
test_dsn_text_only_recipient (void **state)
{
  static const Want three = { .check = text_recipients_too };
  static const Want d1 = { .address = "d1@example.com" };
  char *msg = dsn_with_text ("Delivery to the following recipients failed.\n\n"
                             "   d1@example.com\n   550 5.1.1 User unknown\n\n"
                             "   d2@example.com\n   552 5.2.2 Mailbox full\n\n"
                             "   d5@example.com\n   550 5.7.1 Relaying denied\n");

  expect ("recipients only the text lists", msg, &three);
  g_free (msg);

  msg = dsn_with_text ("Delivery to the following recipient failed.\n\n"
                       "   d1@example.com\n   550 5.1.1 User unknown\n\n"
                       "   bounces+77@example.org\n   550 5.7.1 Access denied\n\n"
                       "   list-bounces@example.org\n   550 5.7.1 Access denied\n");
  expect ("envelope addresses in the text", msg, &d1);
  g_free (msg);
}

/* a recipient whose local part is quoted keeps the quotes */
static void
test_quoted_local_part_reported (void **state)
{
  static const Want want = { .address = "\"kiji tora\"@example.com", .reason = "mailboxfull" };
  const char *msg =
    "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\n"
    "To: sender@example.org\n"
    "Subject: Undelivered Mail Returned to Sender\n"
    "\n"
    "Your message could not be delivered to one or more recipients.\n"
    "\n"
    "<\"kiji tora\"@example.com>: host mx.example.com[192.0.2.7] said: 552 5.2.2\n"
    "    Mailbox full (in reply to RCPT TO command)\n";

  expect ("quoted local part", msg, &want);
}

/* ar_message - an ordinary-looking reply from alice@example.org with
 * @subject (already encoded), the extra header lines @headers ("" for
 * none) and the UTF-8 @body; newly allocated */
static char *
ar_message (const char *subject, const char *headers, const char *body)
{
  return g_strdup_printf ("From: Alice Example <alice@example.org>\n"
                          "To: sender@example.com\n"
                          "Subject: %s\n"
                          "%s"
                          "MIME-Version: 1.0\n"
                          "Content-Type: text/plain; charset=utf-8\n"
                          "Content-Transfer-Encoding: 8bit\n"
                          "\n"
                          "%s", subject, headers, body);
}

/* out-of-office subjects in other languages and in other case: folded by
 * Unicode, not ASCII, and accents, ß and Turkish dotted I do not matter */
static void
test_autoreply_subject_folded (void **state)
{
  static const char *const subjects[] = {
    "=?utf-8?q?R=C3=89PONSE_AUTOMATIQUE_=3A_Votre_commande?=",    /* RÉPONSE AUTOMATIQUE */
    "=?koi8-r?b?4ff07+/09+X0OiD6wcvB2g==?=",                     /* АВТООТВЕТ */
    "=?windows-1251?b?wOLy7uzg8uj35fHq6Okg7vLi5fI6IMfg6uDn?=",  /* Автоматический ответ */
    "=?iso-8859-9?q?OTOMAT=DDK_YANIT=3A_Sipari=FE?=",            /* OTOMATİK YANIT */
    "=?iso-8859-2?q?AUTOMATICK=C1_ODPOV=CC=CF=3A_Objedn=E1vka?=", /* AUTOMATICKÁ ODPOVĚĎ */
    "=?iso-8859-2?q?Odpowied=BC_automatyczna=3A_Zam=F3wienie?=", /* Odpowiedź automatyczna */
    "=?gb2312?b?19S2r7TwuLQ6ILaptaU=?=",                          /* 自动答复 */
    "=?euc-kr?b?wNq1vyDIuL3FOiDB1rmu?=",                          /* 자동 회신 */
    "=?iso-8859-7?b?wdXUz8zB1McgwdDBzdTH08c6INDh8eHj4+Xr3+E=?=",  /* ΑΥΤΟΜΑΤΗ ΑΠΑΝΤΗΣΗ */
    "=?iso-8859-1?q?AU=DFER_HAUS=3A_Bestellung?=",                /* AUßER HAUS */
    "=?utf-8?b?RnLDpW52YXJvOiBCZXN0w6RsbG5pbmc=?=",               /* Frånvaro */
    "Automatiskt svar: Order",
    "Automaattinen vastaus: Tilaus",
    "Reponse automatique : Votre commande",
    "Jane Doe/Example is out of the office.",                     /* Lotus Notes */
    NULL
  };

  for (guint i = 0; subjects[i]; i++) {
    char *msg = ar_message (subjects[i], "", "Back on Monday.\n");
    expect (subjects[i], msg, &vacation);
    g_free (msg);
  }
}

/* the out-of-office tag in brackets, as help desks and some clients
 * write it */
static void
test_autoreply_subject_bracketed (void **state)
{
  static const char *const subjects[] = {
    "[Auto-Reply] Your order",
    "[Out of Office] Re: Your order",
    "(Automatic reply) Your order",
    "=?utf-8?b?44CQ6Ieq5YuV6L+U5L+h44CR44GU5rOo5paH?=",  /* 【自動返信】ご注文 */
    NULL
  };

  for (guint i = 0; subjects[i]; i++) {
    char *msg = ar_message (subjects[i], "", "Thank you.\n");
    expect (subjects[i], msg, &vacation);
    g_free (msg);
  }
  {
    char *msg = ar_message ("[Weekly] Your order", "", "Thank you.\n");
    expect ("[Weekly]", msg, &nobody);
    g_free (msg);
  }
}

/* an auto-reply with no RFC 3834 header and the Subject it answers: its
 * first lines say its writer is away */
static void
test_autoreply_text (void **state)
{
  static const char *const bodies[] = {
    "Hello,\n\nI am currently out of the office until 5 December with limited access to email.\n",
    "Thank you for your message.\n\nI\xe2\x80\x99m on annual leave until Monday.\n",
    "Guten Tag,\nich bin vom 24.12.2026 bis einschlie\xc3\x9flich 06.01.2027 nicht im B\xc3\xbcro.\n",
    "ICH BIN BIS ZUM 30.11. NICHT IM B\xc3\x9cRO.\n",
    "Bonjour,\nJe suis absent(e) du bureau jusqu'au 30 novembre inclus.\n",
    "Estoy fuera de la oficina hasta el 30 de noviembre.\n",
    "Ik ben tot en met 30 november afwezig.\n",
    "Dzie\xc5\x84 dobry, jestem na urlopie do 30 listopada.\n",
    "Dobr\xc3\xbd den, do 30. listopadu jsem na dovolen\xc3\xa9.\n",
    "Merhaba, 30 Kas\xc4\xb1m tarihine kadar \xc4\xb0ZINDEY\xc4\xb0M.\n",
    "\xd0\x97\xd0\xb4\xd1\x80\xd0\xb0\xd0\xb2\xd1\x81\xd1\x82\xd0\xb2\xd1\x83\xd0\xb9\xd1\x82\xd0\xb5! "
    "\xd0\xaf \xd0\x92 \xd0\x9e\xd0\xa2\xd0\x9f\xd0\xa3\xd0\xa1\xd0\x9a\xd0\x95 \xd0\xb4\xd0\xbe 30 "
    "\xd0\xbd\xd0\xbe\xd1\x8f\xd0\xb1\xd1\x80\xd1\x8f.\n",                 /* Я В ОТПУСКЕ */
    "\xe6\x82\xa8\xe5\xa5\xbd\xef\xbc\x8c\xe6\x88\x91\xe5\xb0\x86\xe4\xba\x8e" "11"
    "\xe6\x9c\x88" "30" "\xe6\x97\xa5\xe5\x89\x8d\xe4\xbc\x91\xe5\x81\x87\xe3\x80\x82\n", /* 我将于…休假 */
    "11\xec\x9b\x94 30\xec\x9d\xbc\xea\xb9\x8c\xec\xa7\x80 \xed\x9c\xb4\xea\xb0\x80 "
    "\xec\xa4\x91\xec\x9e\x85\xeb\x8b\x88\xeb\x8b\xa4.\n",                 /* 휴가 중입니다 */
    NULL
  };

  for (guint i = 0; bodies[i]; i++) {
    char *msg = ar_message ("Re: Your order", "", bodies[i]);
    expect (bodies[i], msg, &vacation);
    g_free (msg);
  }
}

/* what the text test must leave alone: the words too far down, quoted, in
 * a person's reply below the quoted header block, in a long text, in mail
 * that says a person wrote it, or only near "I am" */
static void
test_autoreply_text_not_enough (void **state)
{
  static const struct {
    const char *headers;
    const char *body;
  } cases[] = {
    { "", "1\n2\n3\n4\n5\n6\n7\n8\n9\nI am out of the office until Monday.\n" },
    { "", "Thanks, noted.\n\n> I am out of the office until Monday.\n> Back on 5 May.\n" },
    { "", "Thanks, noted.\n\nFrom: Bob <bob@example.net>\nSent: Monday\n"
          "Subject: Automatic reply: Your order\n\nI am out of the office until Monday.\n" },
    { "", "Thanks, noted.\n\n-----Original Message-----\nI am out of the office until Monday.\n" },
    { "Auto-Submitted: no\n", "I am out of the office until Monday.\n" },
    { "", "I am writing to say the whole team will be out of the office on Friday.\n" },
    { "", "I am sure the printer is away from the office network.\n" },
    { "", "Sorry to hear that you are on vacation.\n" },
    { "", "I amend: the shop is on holiday hours.\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    char *msg = ar_message ("Re: Your order", cases[i].headers, cases[i].body);
    expect (cases[i].body, msg, &nobody);
    g_free (msg);
  }
  {
    /* a long text, whatever its first line says */
    GString *body = g_string_new ("I am out of the office until Monday.\n");
    char *msg;
    while (body->len < 10000)
      g_string_append (body, "Minutes of the meeting, item after item, for the record.\n");
    msg = ar_message ("Re: Your order", "", body->str);
    expect ("long text", msg, &nobody);
    g_free (msg);
    g_string_free (body, TRUE);
  }
}

/* a bounce or a complaint that carries an out-of-office text stays what
 * it is */
static void
test_autoreply_text_in_bounce (void **state)
{
  static const Want gone = { .address = "gone@example.com", .reason = "userunknown" };
  static const Want complaint = { .reason = "feedback" };
  const char *bounce =
    "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\n"
    "To: alice@example.org\n"
    "Subject: Re: Your order\n"
    "\n"
    "I am out of the office until Monday.\n"
    "\n"
    "<gone@example.com>: host mx.example.com[192.0.2.7] said: 550 5.1.1\n"
    "    <gone@example.com>: Recipient address rejected: User unknown\n";
  char *msg, *t;
  GString *g;

  expect ("bounce", bounce, &gone);

  /* a DSN returning an out-of-office reply that could not be delivered */
  expect ("DSN returning an auto-reply",
          "From: MAILER-DAEMON@mx.example.net\n"
          "To: alice@example.org\n"
          "Subject: Re: Your order\n"
          "MIME-Version: 1.0\n"
          "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n"
          "\n"
          "--b\n"
          "Content-Type: text/plain\n"
          "\n"
          "I am out of the office until Monday.\n"
          "--b\n"
          "Content-Type: message/delivery-status\n"
          "\n"
          "Reporting-MTA: dns; mx.example.net\n"
          "\n"
          "Final-Recipient: rfc822; gone@example.com\n"
          "Action: failed\n"
          "Status: 5.1.1\n"
          "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n"
          "--b\n"
          "Content-Type: message/rfc822\n"
          "\n"
          "From: alice@example.org\n"
          "To: gone@example.com\n"
          "Subject: Automatic reply: Your order\n"
          "\n"
          "I am out of the office until Monday.\n"
          "--b--\n",
          &gone);

  /* the complaint's own text says "I am out of the office" */
  msg = arf_message ("Feedback-Type: abuse\nUser-Agent: ExampleFBL/1.0\nVersion: 1\n"
                     "Original-Rcpt-To: <complainer@example.com>\n");
  t = strstr (msg, "This is an email abuse report");
  g = g_string_new_len (msg, t - msg);
  g_string_append (g, "I am out of the office until Monday.\n");
  g_string_append (g, t);
  expect ("complaint", g->str, &complaint);
  g_string_free (g, TRUE);
  g_free (msg);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_arf),
    cmocka_unit_test (test_arf_recipient_from_original),
    cmocka_unit_test (test_arf_recipient_from_hotmail_header),
    cmocka_unit_test (test_arf_recipient_from_verp),
    cmocka_unit_test (test_arf_jmrp_without_feedback_part),
    cmocka_unit_test (test_autoreply),
    cmocka_unit_test (test_auto_generated_is_no_vacation),
    cmocka_unit_test (test_bounce_with_auto_submitted_is_no_vacation),
    cmocka_unit_test (test_autoreply_subject_folded),
    cmocka_unit_test (test_autoreply_subject_bracketed),
    cmocka_unit_test (test_autoreply_text),
    cmocka_unit_test (test_autoreply_text_not_enough),
    cmocka_unit_test (test_autoreply_text_in_bounce),
    cmocka_unit_test (test_autoreply_from_known_server),
    cmocka_unit_test (test_autoreply_generated_reply),
    cmocka_unit_test (test_autoreply_subject_more_languages),
    cmocka_unit_test (test_autoreply_look_alikes),
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
    cmocka_unit_test (test_generic_cause_before_address),
    cmocka_unit_test (test_dsn_text_only_recipient),
    cmocka_unit_test (test_quoted_local_part_reported),
  };
  tc_init ();
  return cmocka_run_group_tests (tests, NULL, NULL);
}
