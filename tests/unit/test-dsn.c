/* test-dsn.c - RFC 3464 delivery-status fields (evidence/dsn.c). A parse
 * test is data: a delivery-status text and a Want of the recipients it
 * gives, run by expect(), with a check function for what a Want cannot
 * say. */
#include "tc.h"

#include <string.h>

/* NONE - a Rcpt field that must be absent (NULL), told apart from the
 * empty string by its address */
static const char NONE[] = "(none)";

/* Rcpt - what one recipient must be; NULL fields are not checked, NONE
 * wants the field absent. Every recipient's source is checked to be the
 * DSN. */
typedef struct {
  const char *address;
  const char *original;     /* original_recipient */
  const char *action;       /* dsn_action */
  const char *status;
  const char *diagnostic;
  const char *remote_mta;
  const char *date;
} Rcpt;

/* Want - what a parse must give: exactly @n recipients, the first ones as
 * @rcpt says in order (at most 4; the rest only counted). @check asserts
 * the rest, before the parse is cleared. */
typedef struct {
  guint n;
  Rcpt rcpt[4];
  void (*check) (const BcDsn *d);
} Want;

static const char *current;   /* what names the text expect() parses */
static guint current_rcpt;    /* which of its recipients is compared */

/* want_str - assert that @got is @want (NONE: absent; NULL: anything),
 * naming @field, the current text and recipient when it is not */
static void
want_str (const char *field, const char *got, const char *want)
{
  if (want && (want == NONE ? got != NULL : g_strcmp0 (got, want) != 0)) {
    print_error ("%s: recipient %u: %s is %s%s%s, want %s%s%s\n", current, current_rcpt, field,
                 got ? "\"" : "", got ? got : "(none)", got ? "\"" : "",
                 want != NONE ? "\"" : "", want, want != NONE ? "\"" : "");
    fail ();
  }
}

/* expect_len - parse the first @len bytes of @text with at most @max
 * recipients, named @what in a failure; assert @want of the result, and
 * that _bc_dsn_clear() empties it */
static void
expect_len (const char *what, const char *text, gsize len, guint max, const Want *want)
{
  BcDsn d = { 0 };

  current = what;
  _bc_dsn_parse (text, len, &d, max);
  assert_non_null (d.recipients);
  if (d.recipients->len != want->n) {
    print_error ("%s: %u recipients, want %u\n", what, d.recipients->len, want->n);
    fail ();
  }
  for (guint i = 0; i < want->n && i < G_N_ELEMENTS (want->rcpt); i++) {
    const BcRecipient *r = g_ptr_array_index (d.recipients, i);
    const Rcpt *w = &want->rcpt[i];
    current_rcpt = i;
    want_str ("address", r->address, w->address);
    want_str ("original recipient", r->original_recipient, w->original);
    want_str ("action", r->dsn_action, w->action);
    want_str ("status", r->status, w->status);
    want_str ("diagnostic", r->diagnostic, w->diagnostic);
    want_str ("remote MTA", r->remote_mta, w->remote_mta);
    want_str ("date", r->date, w->date);
    assert_int_equal (r->source, BC_SOURCE_DSN);
  }
  if (want->check)
    want->check (&d);
  _bc_dsn_clear (&d);
  assert_null (d.recipients);
  assert_null (d.reporting_mta);
  assert_null (d.arrival_date);
}

/* expect - expect_len() of all of @text, at most 100 recipients */
static void
expect (const char *what, const char *text, const Want *want)
{
  expect_len (what, text, strlen (text), 100, want);
}

/* Case - a text and what it must give */
typedef struct {
  const char *what;
  const char *text;
  Want want;
} Case;

/* expect_each - expect() each of the @n @cases */
static void
expect_each (const Case *cases, gsize n)
{
  for (gsize i = 0; i < n; i++)
    expect (cases[i].what, cases[i].text, &cases[i].want);
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

/* the two recipients of two_blocks */
#define TWO_BLOCKS_A(diag) \
  { .address = "Real.User@example.com", .original = "alias@example.com", .action = "failed", \
    .status = "5.1.1", .diagnostic = (diag), .remote_mta = "mx2.example.org", \
    .date = "Mon, 1 Jan 2024 10:00:05 +0000" }
#define TWO_BLOCKS_B \
  { .address = "second@example.org", .original = NONE, .action = "delayed", .status = "4.2.2", \
    .diagnostic = "452 4.2.2 mailbox full", .remote_mta = NONE, .date = NONE }

static void
two_blocks_fields (const BcDsn *d)
{
  current_rcpt = 0;
  want_str ("reporting MTA", d->reporting_mta, "mx.example.net");
  want_str ("arrival date", d->arrival_date, "Mon, 1 Jan 2024 10:00:00 +0000");
}

static void
test_blocks (void **state)
{
  static const Want want = {
    2, { TWO_BLOCKS_A (NULL), TWO_BLOCKS_B }, two_blocks_fields,
  };

  expect ("two blocks", two_blocks, &want);
}

static void
test_folded_diagnostic (void **state)
{
  /* unfolded: the continuation lines joined with single spaces, the type
   * "smtp;" dropped */
  static const Want want = {
    2, { TWO_BLOCKS_A ("550-5.1.1 The email account that you tried to reach does not exist. "
                       "Please try double-checking the recipient's email address for typos."),
         TWO_BLOCKS_B },
  };

  expect ("folded Diagnostic-Code", two_blocks, &want);
}

static void
test_folded_final_recipient (void **state)
{
  static const Want want = { 1, { { .address = "folded@example.com", .status = "5.2.1" } } };

  expect ("folded Final-Recipient",
          "Final-Recipient: rfc822;\n"
          "  folded@example.com\n"
          "Action: failed\n"
          "Status: 5.2.1\n", &want);
}

static void
test_original_vs_final (void **state)
{
  static const Case cases[] = {
    { "the same address in both: no original_recipient",
      "Original-Recipient: rfc822; Same@EXAMPLE.com\n"
      "Final-Recipient: rfc822; same@example.com\n"
      "Action: failed\nStatus: 5.1.1\n",
      { 1, { { .address = "same@example.com", .original = NONE } } } },
    { "only an Original-Recipient: that is the address reported",
      "Original-Recipient: rfc822; only@example.net\n"
      "Action: failed\nStatus: 5.1.1\n",
      { 1, { { .address = "only@example.net", .original = NONE } } } },
    { "Final-Recipient before Original-Recipient in one block",
      "Final-Recipient: rfc822; final@example.net\n"
      "Original-Recipient: rfc822; orig@example.net\n"
      "Action: failed\nStatus: 5.1.1\n",
      { 1, { { .address = "final@example.net", .original = "orig@example.net" } } } },
    { "X-Actual-Recipient is no recipient of its own",
      "Final-Recipient: rfc822; final@example.net\n"
      "X-Actual-Recipient: rfc822; mailbox@host.example.net\n"
      "Action: failed\nStatus: 5.2.2\n",
      { 1, { { .address = "final@example.net" } } } },
  };

  expect_each (cases, G_N_ELEMENTS (cases));
}

static void
test_missing_blank_lines (void **state)
{
  static const Want want = { 3, {
    { .address = "a@example.com", .original = "a0@example.com", .status = "5.1.1",
      .diagnostic = "550 no such user" },
    { .address = "b@example.com", .original = "b0@example.com", .status = "5.2.2",
      .diagnostic = NONE },
    { .address = "c@example.com", .original = NONE, .status = "4.4.1", .action = "delayed" },
  } };

  expect ("no blank lines between blocks",
          "Reporting-MTA: dns; mx.example.net\n"
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
          "Status: 4.4.1\n", &want);
}

static void
test_unindented_diagnostic (void **state)
{
  /* a multi-line reply copied under Diagnostic-Code without folding: the
   * lines that are no field continue it; a field ends it */
  static const Want want = { 2, {
    { .address = "a@example.com", .status = "5.7.1",
      .diagnostic = "550 5.7.1 Message rejected: Spam content detected by the filter",
      .remote_mta = "mx.example.com" },
    { .address = "b@example.com", .status = "5.1.1", .diagnostic = "550 5.1.1 no such user" },
  } };

  expect ("unindented Diagnostic-Code lines",
          "Reporting-MTA: dns; mx.example.net\n"
          "\n"
          "Final-Recipient: rfc822; a@example.com\n"
          "Action: failed\n"
          "Status: 5.7.1\n"
          "Diagnostic-Code: smtp; 550 5.7.1 Message rejected:\n"
          "Spam content detected by the filter\n"
          "Remote-MTA: dns; mx.example.com\n"
          "\n"
          "Final-Recipient: rfc822; b@example.com\n"
          "Action: failed\n"
          "Status: 5.1.1\n"
          "Diagnostic-Code: smtp; 550 5.1.1 no such user\n", &want);
}

static void
test_nameless_block (void **state)
{
  /* a block whose Final-Recipient is no address is no recipient, but is
   * kept aside with its fields (the first of them), and counted */
  static const char text[] =
    "Reporting-MTA: dns; gw.example.net\n"
    "\n"
    "Final-Recipient: x400; /C=DE/ADMD= /PRMD=EXAMPLE/O=EXAMPLE/S=Schulz/G=Hanna/\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
    "Diagnostic-Code: x400; 1 (unrecognized originator/recipient name)\n"
    "\n"
    "Final-Recipient: x400; /C=DE/S=Other/\n"
    "Action: failed\n"
    "Status: 5.1.2\n";
  BcDsn d = { 0 };

  _bc_dsn_parse (text, strlen (text), &d, 100);
  assert_int_equal (d.recipients->len, 0);
  assert_int_equal (d.n_nameless, 2);
  assert_non_null (d.nameless);
  assert_null (d.nameless->address);
  assert_string_equal (d.nameless->status, "5.1.1");
  assert_string_equal (d.nameless->dsn_action, "failed");
  assert_string_equal (d.nameless->diagnostic, "1 (unrecognized originator/recipient name)");
  _bc_dsn_clear (&d);
  assert_null (d.nameless);
}

/* ... and when the text names one address, the block reports it */
static const char nameless_msg[] =
  "From: Mail Delivery System <MAILER-DAEMON@gw.example.net>\n"
  "To: sender@example.org\n"
  "Subject: Delivery Status Notification (Failure)\n"
  "MIME-Version: 1.0\n"
  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
  "\n"
  "--B\n"
  "Content-Type: text/plain\n"
  "\n"
  "Your message could not be delivered to the following recipient:\n"
  "\n"
  "  hanna.schulz@example.com\n"
  "\n"
  "--B\n"
  "Content-Type: message/delivery-status\n"
  "\n"
  "Reporting-MTA: dns; gw.example.net\n"
  "\n"
  "Final-Recipient: x400; /C=DE/ADMD= /PRMD=EXAMPLE/O=EXAMPLE/S=Schulz/G=Hanna/\n"
  "Action: failed\n"
  "Status: 5.1.1\n"
  "\n"
  "--B--\n";

static void
test_nameless_block_in_message (void **state)
{
  BcReport *r = tc_classify (tc_classifier (), nameless_msg);
  const BcRecipient *h;

  assert_int_equal (r->recipients->len, 1);
  h = tc_find_rcpt (r, "hanna.schulz@example.com");
  assert_non_null (h);
  assert_string_equal (h->status, "5.1.1");
  assert_string_equal (h->dsn_action, "failed");
  assert_string_equal (h->reason, "userunknown");
  bc_report_free (r);
}

static void
both_diagnostics (const BcDsn *d)
{
  const BcRecipient *r = g_ptr_array_index (d->recipients, 0);

  assert_contains (r->diagnostic, "554 rejected");
  assert_contains (r->diagnostic, "blocked by policy");
}

static void
test_repeated_fields (void **state)
{
  /* the first Status is kept; a second Diagnostic-Code is appended */
  static const Want want = { 1, { { .status = "5.7.1" } }, both_diagnostics };

  expect ("repeated fields",
          "Final-Recipient: rfc822; x@example.org\n"
          "Action: failed\n"
          "Status: 5.7.1\n"
          "Status: 4.0.0\n"
          "Diagnostic-Code: smtp; 554 rejected\n"
          "Diagnostic-Code: X-Local; blocked by policy\n", &want);
}

static void
test_bad_fields (void **state)
{
  /* an invalid status is not taken; a garbage address is no recipient;
   * fields before any recipient are ignored */
  static const Want want = { 1, { { .address = "ok@example.com", .status = "" } } };

  expect ("bad fields",
          "Status: 5.1.1\n"
          "Action: failed\n"
          "\n"
          "Final-Recipient: rfc822; not an address\n"
          "Action: failed\n"
          "Status: 5.1.1\n"
          "\n"
          "Final-Recipient: rfc822; ok@example.com\n"
          "Action: failed\n"
          "Status: 5.1\n", &want);
}

static void
test_diagnostic_type (void **state)
{
  /* "smtp;", "X-Postfix;" are types and go; a diagnostic without a type
   * keeps all its words even when a ';' follows them */
  static const Want want = { 3, {
    { .diagnostic = "host said: 550 user unknown" },
    { .diagnostic = "550 user unknown; try later" },
    { .diagnostic = "552 quota exceeded" },
  } };

  expect ("diagnostic types",
          "Final-Recipient: rfc822; a@example.com\n"
          "Diagnostic-Code: X-Postfix; host said: 550 user unknown\n"
          "\n"
          "Final-Recipient: rfc822; b@example.com\n"
          "Diagnostic-Code: 550 user unknown; try later\n"
          "\n"
          "Final-Recipient: rfc822; c@example.com\n"
          "Diagnostic-Code: smtp ; 552 quota exceeded\n", &want);
}

static void
test_max_recipients (void **state)
{
  static const Want want = { 3, { { 0 }, { 0 }, { .address = "u2@example.com" } } };
  GString *s = g_string_new (NULL);

  for (int i = 0; i < 10; i++)
    g_string_append_printf (s, "Final-Recipient: rfc822; u%d@example.com\nAction: failed\n"
                               "Status: 5.1.1\n\n", i);
  expect_len ("ten recipients, at most three", s->str, s->len, 3, &want);
  g_string_free (s, TRUE);
}

static void
test_empty_and_garbage (void **state)
{
  static const Want nobody = { 0 };
  static const Want cut = { 1, { { .address = "cut@example.com", .action = NONE } } };
  /* no nul inside the counted length is needed: parse a prefix only */
  static const char t[] = "Final-Recipient: rfc822; cut@example.com\nAction: failed\n";

  expect ("empty", "", &nobody);
  expect ("garbage", "\n\n   \n: :\n:\nFinal-Recipient\nFinal-Recipient:\n  \n", &nobody);
  expect_len ("a prefix", t, strlen ("Final-Recipient: rfc822; cut@example.com"), 100, &cut);
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
  /* a name, and the value of its field (NULL: none); a name is matched
   * whole, case ignored, and the value unfolded */
  static const struct {
    const char *name;
    const char *want;
  } cases[] = {
    { "feedback-type", "abuse" }, { "Long-Field", "one two three" }, { "Last", "end" },
    { "Feedback", NULL }, { "Agent", NULL }, { "Missing", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    char *v = _bc_field_get (block, cases[i].name);
    if (g_strcmp0 (v, cases[i].want) != 0) {
      print_error ("field %s is %s, want %s\n", cases[i].name, v ? v : "(none)",
                   cases[i].want ? cases[i].want : "(none)");
      fail ();
    }
    g_free (v);
  }
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
  const BcRecipient *rc;

  assert_int_equal (r->recipients->len, 1);
  rc = g_ptr_array_index (r->recipients, 0);
  assert_string_equal (rc->address, "us\xc3\xa9r@example.com");
  assert_string_equal (rc->status, "5.1.1");
  assert_int_equal (rc->source, BC_SOURCE_DSN);
  bc_report_free (r);
}

static void
test_unitext_escapes (void **state)
{
  /* RFC 6533 "\x{HEX}" in a utf-8 address is the character itself; a bad
   * escape (no digits, too many, a surrogate, NUL, unclosed) stays as it is */
  static const Want want = { 2, {
    { .address = "j\xc3\xb6ran@example.com", .original = "\xf0\x9f\x98\x80x\xc3\xa9@example.com" },
    { .address = "a\\x{}b\\x{1234567}c\\x{D800}d\\x{0}e\\x{41@example.com" },
  } };

  expect ("unitext escapes",
          "Final-Recipient: utf-8; j\\x{F6}ran@example.com\n"
          "Original-Recipient: utf-8; \\x{1F600}x\\x{e9}@example.com\n"
          "Action: failed\n"
          "\n"
          "Final-Recipient: utf-8; a\\x{}b\\x{1234567}c\\x{D800}d\\x{0}e\\x{41@example.com\n"
          "Action: failed\n", &want);
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
    cmocka_unit_test (test_unindented_diagnostic),
    cmocka_unit_test (test_nameless_block),
    cmocka_unit_test (test_nameless_block_in_message),
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
