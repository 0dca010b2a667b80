/* test-dsn.c - RFC 3464 delivery-status fields (evidence/dsn.c). */
#include "tc.h"

#include <string.h>

static BcDsn
parse (const char *text, guint max)
{
  BcDsn d = { 0 };
  _bc_dsn_parse (text, strlen (text), &d, max);
  assert_non_null (d.recipients);
  return d;
}

static BcRecipient *
nth (BcDsn *d, guint i)
{
  assert_true (i < d->recipients->len);
  return g_ptr_array_index (d->recipients, i);
}

static const char two_blocks[] =
  "Reporting-MTA: dns; mx.example.net\n"
  "X-Postfix-Queue-ID: 4ABCD\n"
  "Arrival-Date: Mon, 1 Jan 2024 10:00:00 +0000\n"
  "\n"
  "Original-Recipient: rfc822; alias@example.com\n"
  "Final-Recipient: rfc822; Real.User@Example.COM\n"
  "Action: failed\n"
  "Status: 5.1.1\n"
  "Remote-MTA: dns; mx2.example.org\n"
  "Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach\n"
  "    does not exist. Please try double-checking the recipient's email\n"
  "\taddress for typos.\n"
  "Last-Attempt-Date: Mon, 1 Jan 2024 10:00:05 +0000\n"
  "\n"
  "Final-Recipient: rfc822; second@example.org\n"
  "Action: Delayed (will retry)\n"
  "Status: 4.2.2 (mailbox full)\n"
  "Diagnostic-Code: smtp; 452 4.2.2 mailbox full\n";

static void
test_blocks (void **state)
{
  BcDsn d = parse (two_blocks, 100);
  BcRecipient *a, *b;

  assert_int_equal (d.recipients->len, 2);
  assert_string_equal (d.reporting_mta, "mx.example.net");
  assert_string_equal (d.arrival_date, "Mon, 1 Jan 2024 10:00:00 +0000");
  a = nth (&d, 0);
  assert_int_equal (a->source, BC_SOURCE_DSN);
  assert_string_equal (a->address, "Real.User@example.com");
  assert_string_equal (a->original_recipient, "alias@example.com");
  assert_string_equal (a->dsn_action, "failed");
  assert_string_equal (a->status, "5.1.1");
  assert_string_equal (a->remote_mta, "mx2.example.org");
  assert_string_equal (a->date, "Mon, 1 Jan 2024 10:00:05 +0000");
  b = nth (&d, 1);
  assert_string_equal (b->address, "second@example.org");
  assert_null (b->original_recipient);
  assert_string_equal (b->dsn_action, "delayed");
  assert_string_equal (b->status, "4.2.2");
  assert_string_equal (b->diagnostic, "452 4.2.2 mailbox full");
  assert_null (b->remote_mta);
  assert_null (b->date);
  _bc_dsn_clear (&d);
  assert_null (d.recipients);
  assert_null (d.reporting_mta);
}

static void
test_folded_diagnostic (void **state)
{
  BcDsn d = parse (two_blocks, 100);

  /* unfolded: the continuation lines joined with single spaces, the type
   * "smtp;" dropped */
  assert_string_equal (nth (&d, 0)->diagnostic,
                       "550-5.1.1 The email account that you tried to reach does not exist. "
                       "Please try double-checking the recipient's email address for typos.");
  _bc_dsn_clear (&d);
}

static void
test_folded_final_recipient (void **state)
{
  BcDsn d = parse ("Final-Recipient: rfc822;\n"
                   "  folded@example.com\n"
                   "Action: failed\n"
                   "Status: 5.2.1\n", 100);

  assert_int_equal (d.recipients->len, 1);
  assert_string_equal (nth (&d, 0)->address, "folded@example.com");
  assert_string_equal (nth (&d, 0)->status, "5.2.1");
  _bc_dsn_clear (&d);
}

static void
test_original_vs_final (void **state)
{
  BcDsn d;

  /* the same address in both: no original_recipient */
  d = parse ("Original-Recipient: rfc822; Same@EXAMPLE.com\n"
             "Final-Recipient: rfc822; same@example.com\n"
             "Action: failed\nStatus: 5.1.1\n", 100);
  assert_int_equal (d.recipients->len, 1);
  assert_string_equal (nth (&d, 0)->address, "same@example.com");
  assert_null (nth (&d, 0)->original_recipient);
  _bc_dsn_clear (&d);

  /* only an Original-Recipient: that is the address reported */
  d = parse ("Original-Recipient: rfc822; only@example.net\n"
             "Action: failed\nStatus: 5.1.1\n", 100);
  assert_int_equal (d.recipients->len, 1);
  assert_string_equal (nth (&d, 0)->address, "only@example.net");
  assert_null (nth (&d, 0)->original_recipient);
  _bc_dsn_clear (&d);

  /* Final-Recipient before Original-Recipient in one block */
  d = parse ("Final-Recipient: rfc822; final@example.net\n"
             "Original-Recipient: rfc822; orig@example.net\n"
             "Action: failed\nStatus: 5.1.1\n", 100);
  assert_int_equal (d.recipients->len, 1);
  assert_string_equal (nth (&d, 0)->address, "final@example.net");
  assert_string_equal (nth (&d, 0)->original_recipient, "orig@example.net");
  _bc_dsn_clear (&d);

  /* X-Actual-Recipient is no recipient of its own */
  d = parse ("Final-Recipient: rfc822; final@example.net\n"
             "X-Actual-Recipient: rfc822; mailbox@host.example.net\n"
             "Action: failed\nStatus: 5.2.2\n", 100);
  assert_int_equal (d.recipients->len, 1);
  assert_string_equal (nth (&d, 0)->address, "final@example.net");
  _bc_dsn_clear (&d);
}

static void
test_missing_blank_lines (void **state)
{
  BcDsn d = parse ("Reporting-MTA: dns; mx.example.net\n"
                   "Original-Recipient: rfc822; a0@example.com\n"
                   "Final-Recipient: rfc822; a@example.com\n"
                   "Action: failed\n"
                   "Status: 5.1.1\n"
                   "Diagnostic-Code: smtp; 550 no such user\n"
                   "Original-Recipient: rfc822; b0@example.com\n"
                   "Final-Recipient: rfc822; b@example.com\n"
                   "Action: failed\n"
                   "Status: 5.2.2\n"
                   "Final-Recipient: rfc822; c@example.com\n"
                   "Action: delayed\n"
                   "Status: 4.4.1\n", 100);

  assert_int_equal (d.recipients->len, 3);
  assert_string_equal (nth (&d, 0)->address, "a@example.com");
  assert_string_equal (nth (&d, 0)->original_recipient, "a0@example.com");
  assert_string_equal (nth (&d, 0)->status, "5.1.1");
  assert_string_equal (nth (&d, 0)->diagnostic, "550 no such user");
  assert_string_equal (nth (&d, 1)->address, "b@example.com");
  assert_string_equal (nth (&d, 1)->original_recipient, "b0@example.com");
  assert_string_equal (nth (&d, 1)->status, "5.2.2");
  assert_null (nth (&d, 1)->diagnostic);
  assert_string_equal (nth (&d, 2)->address, "c@example.com");
  assert_null (nth (&d, 2)->original_recipient);
  assert_string_equal (nth (&d, 2)->status, "4.4.1");
  assert_string_equal (nth (&d, 2)->dsn_action, "delayed");
  _bc_dsn_clear (&d);
}

static void
test_repeated_fields (void **state)
{
  /* the first Status is kept; a second Diagnostic-Code is appended */
  BcDsn d = parse ("Final-Recipient: rfc822; x@example.org\n"
                   "Action: failed\n"
                   "Status: 5.7.1\n"
                   "Status: 4.0.0\n"
                   "Diagnostic-Code: smtp; 554 rejected\n"
                   "Diagnostic-Code: X-Local; blocked by policy\n", 100);

  assert_int_equal (d.recipients->len, 1);
  assert_string_equal (nth (&d, 0)->status, "5.7.1");
  assert_contains (nth (&d, 0)->diagnostic, "554 rejected");
  assert_contains (nth (&d, 0)->diagnostic, "blocked by policy");
  _bc_dsn_clear (&d);
}

static void
test_bad_fields (void **state)
{
  /* an invalid status is not taken; a garbage address is no recipient;
   * fields before any recipient are ignored */
  BcDsn d = parse ("Status: 5.1.1\n"
                   "Action: failed\n"
                   "\n"
                   "Final-Recipient: rfc822; not an address\n"
                   "Action: failed\n"
                   "Status: 5.1.1\n"
                   "\n"
                   "Final-Recipient: rfc822; ok@example.com\n"
                   "Action: failed\n"
                   "Status: 5.1\n", 100);

  assert_int_equal (d.recipients->len, 1);
  assert_string_equal (nth (&d, 0)->address, "ok@example.com");
  assert_string_equal (nth (&d, 0)->status, "");
  _bc_dsn_clear (&d);
}

static void
test_diagnostic_type (void **state)
{
  /* "smtp;", "X-Postfix;" are types and go; a diagnostic without a type
   * keeps all its words even when a ';' follows them */
  BcDsn d = parse ("Final-Recipient: rfc822; a@example.com\n"
                   "Diagnostic-Code: X-Postfix; host said: 550 user unknown\n"
                   "\n"
                   "Final-Recipient: rfc822; b@example.com\n"
                   "Diagnostic-Code: 550 user unknown; try later\n"
                   "\n"
                   "Final-Recipient: rfc822; c@example.com\n"
                   "Diagnostic-Code: smtp ; 552 quota exceeded\n", 100);

  assert_int_equal (d.recipients->len, 3);
  assert_string_equal (nth (&d, 0)->diagnostic, "host said: 550 user unknown");
  assert_string_equal (nth (&d, 1)->diagnostic, "550 user unknown; try later");
  assert_string_equal (nth (&d, 2)->diagnostic, "552 quota exceeded");
  _bc_dsn_clear (&d);
}

static void
test_max_recipients (void **state)
{
  GString *s = g_string_new (NULL);
  BcDsn d;

  for (int i = 0; i < 10; i++)
    g_string_append_printf (s, "Final-Recipient: rfc822; u%d@example.com\nAction: failed\n"
                               "Status: 5.1.1\n\n", i);
  d = parse (s->str, 3);
  assert_int_equal (d.recipients->len, 3);
  assert_string_equal (nth (&d, 2)->address, "u2@example.com");
  _bc_dsn_clear (&d);
  g_string_free (s, TRUE);
}

static void
test_empty_and_garbage (void **state)
{
  BcDsn d = parse ("", 100);
  assert_int_equal (d.recipients->len, 0);
  _bc_dsn_clear (&d);
  d = parse ("\n\n   \n: :\n:\nFinal-Recipient\nFinal-Recipient:\n  \n", 100);
  assert_int_equal (d.recipients->len, 0);
  _bc_dsn_clear (&d);
  {
    /* no nul inside the counted length is needed: parse a prefix only */
    const char *t = "Final-Recipient: rfc822; cut@example.com\nAction: failed\n";
    BcDsn e = { 0 };
    _bc_dsn_parse (t, strlen ("Final-Recipient: rfc822; cut@example.com"), &e, 100);
    assert_int_equal (e.recipients->len, 1);
    assert_string_equal (nth (&e, 0)->address, "cut@example.com");
    assert_null (nth (&e, 0)->dsn_action);
    _bc_dsn_clear (&e);
  }
}

static void
test_field_get (void **state)
{
  const char *block = "Feedback-Type: abuse\n"
                      "User-Agent: Example-FBL/1.0\n"
                      "Original-Rcpt-To: <victim@example.com>\n"
                      "Source-IP: 192.0.2.1\n"
                      "Long-Field: one\n"
                      "  two\n"
                      "\tthree\n"
                      "Last: end";
  char *v;

  v = _bc_field_get (block, "feedback-type");
  assert_string_equal (v, "abuse");
  g_free (v);
  v = _bc_field_get (block, "Long-Field");
  assert_string_equal (v, "one two three");
  g_free (v);
  v = _bc_field_get (block, "Last");
  assert_string_equal (v, "end");
  g_free (v);
  assert_null (_bc_field_get (block, "Feedback"));
  assert_null (_bc_field_get (block, "Agent"));
  assert_null (_bc_field_get (block, "Missing"));
  assert_null (_bc_field_get ("", "Last"));
}

/* through the classifier: the report carries the DSN's fields */
static void
test_in_message (void **state)
{
  char *msg = tc_dsn_message (two_blocks + strlen ("Reporting-MTA: dns; mx.example.net\n"
                                                   "X-Postfix-Queue-ID: 4ABCD\n"
                                                   "Arrival-Date: Mon, 1 Jan 2024 10:00:00 +0000\n"
                                                   "\n"));
  BcReport *r = tc_classify (tc_classifier (), msg);
  const BcRecipient *a, *b;

  assert_int_equal (r->recipients->len, 2);
  assert_string_equal (r->reporting_mta, "mx.example.net");
  a = tc_find_rcpt (r, "Real.User@example.com");
  b = tc_find_rcpt (r, "second@example.org");
  assert_non_null (a);
  assert_non_null (b);
  assert_string_equal (a->status, "5.1.1");
  assert_string_equal (a->reply_code, "550");
  assert_string_equal (a->remote_mta, "mx2.example.org");
  assert_string_equal (a->date, "Mon, 1 Jan 2024 10:00:05 +0000");
  assert_string_equal (a->original_recipient, "alias@example.com");
  assert_string_equal (a->reason, "userunknown");
  assert_int_equal (a->klass, BC_CLASS_HARD);
  assert_int_equal (a->action, BC_ACTION_SUPPRESS);
  /* without a Last-Attempt-Date the Arrival-Date is the date */
  assert_string_equal (b->date, "Tue, 2 Jan 2024 09:59:58 +0000");
  assert_string_equal (b->reason, "mailboxfull");
  assert_int_equal (b->action, BC_ACTION_RETRY);
  assert_string_equal (r->original.message_id, "<orig-1@example.org>");
  bc_report_free (r);
  g_free (msg);
}

/* X-PowerMTA-BounceCategory: the category of the recipient's own block
 * decides a vague reply, a stated cause still wins, and a category in
 * another recipient's block is not taken */
static void
test_vendor_category (void **state)
{
  const char *msg =
    "From: postmaster@pmta.example.org\n"
    "To: bounce@example.org\n"
    "Subject: Delivery report\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n"
    "\n"
    "--b\n"
    "Content-Type: text/plain\n"
    "\n"
    "Delivery report.\n"
    "--b\n"
    "Content-Type: message/delivery-status\n"
    "\n"
    "Reporting-MTA: dns; pmta.example.org\n"
    "\n"
    "Final-Recipient: rfc822; vague@example.com\n"
    "Action: failed\n"
    "Status: 5.0.0\n"
    "Diagnostic-Code: smtp; 552 Requested mail action aborted\n"
    "X-PowerMTA-BounceCategory: quota-issues\n"
    "\n"
    "Final-Recipient: rfc822; stated@example.com\n"
    "Action: failed\n"
    "Status: 5.0.0\n"
    "Diagnostic-Code: smtp; 550 no such user here\n"
    "X-PowerMTA-BounceCategory: spam-related\n"
    "\n"
    "Final-Recipient: rfc822; other@example.com\n"
    "Action: failed\n"
    "Status: 5.0.0\n"
    "Diagnostic-Code: smtp; 554 Requested mail action aborted\n"
    "--b--\n";
  BcReport *r = tc_classify (tc_classifier (), msg);
  const BcRecipient *a = tc_find_rcpt (r, "vague@example.com");
  const BcRecipient *b = tc_find_rcpt (r, "stated@example.com");
  const BcRecipient *c = tc_find_rcpt (r, "other@example.com");

  assert_non_null (a);
  assert_non_null (b);
  assert_non_null (c);
  assert_string_equal (a->reason, "mailboxfull");
  assert_string_equal (b->reason, "userunknown");
  assert_string_not_equal (c->reason, "mailboxfull");
  bc_report_free (r);
}

static void
test_global_delivery_status (void **state)
{
  /* RFC 6533: message/global-delivery-status with a UTF-8 address */
  const char *msg =
    "From: MAILER-DAEMON@mx.example.net\n"
    "To: sender@example.org\n"
    "Subject: Undeliverable\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=global-delivery-status; boundary=\"gds\"\n"
    "\n"
    "--gds\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "\n"
    "Delivery failed.\n"
    "--gds\n"
    "Content-Type: message/global-delivery-status\n"
    "\n"
    "Reporting-MTA: dns; mx.example.net\n"
    "\n"
    "Final-Recipient: utf-8; us\xc3\xa9r@Example.COM\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
    "Diagnostic-Code: smtp; 550 5.1.1 mailbox unavailable\n"
    "--gds--\n";
  BcReport *r = tc_classify (tc_classifier (), msg);

  assert_int_equal (r->recipients->len, 1);
  assert_string_equal (((BcRecipient *) g_ptr_array_index (r->recipients, 0))->address,
                       "us\xc3\xa9r@example.com");
  assert_string_equal (((BcRecipient *) g_ptr_array_index (r->recipients, 0))->status, "5.1.1");
  assert_int_equal (((BcRecipient *) g_ptr_array_index (r->recipients, 0))->source, BC_SOURCE_DSN);
  bc_report_free (r);
}

static void
test_unitext_escapes (void **state)
{
  /* RFC 6533 "\x{HEX}" in a utf-8 address is the character itself; a bad
   * escape (no digits, too many, a surrogate, NUL, unclosed) stays as it is */
  BcDsn d = parse ("Final-Recipient: utf-8; j\\x{F6}ran@example.com\n"
                   "Original-Recipient: utf-8; \\x{1F600}x\\x{e9}@example.com\n"
                   "Action: failed\n"
                   "\n"
                   "Final-Recipient: utf-8; a\\x{}b\\x{1234567}c\\x{D800}d\\x{0}e\\x{41@example.com\n"
                   "Action: failed\n", 100);

  assert_int_equal (d.recipients->len, 2);
  assert_string_equal (nth (&d, 0)->address, "j\xc3\xb6ran@example.com");
  assert_string_equal (nth (&d, 0)->original_recipient, "\xf0\x9f\x98\x80x\xc3\xa9@example.com");
  assert_string_equal (nth (&d, 1)->address,
                       "a\\x{}b\\x{1234567}c\\x{D800}d\\x{0}e\\x{41@example.com");
  _bc_dsn_clear (&d);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_blocks),
    cmocka_unit_test (test_folded_diagnostic),
    cmocka_unit_test (test_folded_final_recipient),
    cmocka_unit_test (test_original_vs_final),
    cmocka_unit_test (test_missing_blank_lines),
    cmocka_unit_test (test_repeated_fields),
    cmocka_unit_test (test_bad_fields),
    cmocka_unit_test (test_diagnostic_type),
    cmocka_unit_test (test_max_recipients),
    cmocka_unit_test (test_empty_and_garbage),
    cmocka_unit_test (test_field_get),
    cmocka_unit_test (test_in_message),
    cmocka_unit_test (test_global_delivery_status),
    cmocka_unit_test (test_vendor_category),
    cmocka_unit_test (test_unitext_escapes),
  };
  tc_init ();
  return cmocka_run_group_tests (tests, NULL, NULL);
}
