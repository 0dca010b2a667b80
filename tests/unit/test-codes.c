/* test-codes.c - status and reply codes in text (evidence/codes.c). */
#include "tc.h"

#include <string.h>

static void
check_status (const char *text, const char *want)
{
  char out[16] = "";
  gboolean found = _bc_find_status (text, out);

  if (want ? (!found || strcmp (out, want) != 0) : found) {
    print_error ("find_status(\"%s\") = %s \"%s\", want \"%s\"\n", text, found ? "TRUE" : "FALSE",
                 out, want ? want : "(none)");
    fail ();
  }
}

static void
check_reply (const char *text, const char *want)
{
  char out[4] = "";
  gboolean found = _bc_find_reply (text, out);

  if (want ? (!found || strcmp (out, want) != 0) : found) {
    print_error ("find_reply(\"%s\") = %s \"%s\", want \"%s\"\n", text, found ? "TRUE" : "FALSE",
                 out, want ? want : "(none)");
    fail ();
  }
}

static void
test_status_found (void **state)
{
  check_status ("5.1.1", "5.1.1");
  check_status ("smtp; 550 5.1.1 <a@example.com>: Recipient address rejected", "5.1.1");
  check_status ("said: 552-5.2.2 The email account is over quota", "5.2.2");
  check_status ("#4.4.7 delivery time expired", "4.4.7");
  check_status ("(5.7.606) Access denied", "5.7.606");
  check_status ("Status: 5.1.10", "5.1.10");
  check_status ("2.0.0 Ok: queued", "2.0.0");
  check_status ("first 4.2.2 then 5.1.1", "4.2.2");
  check_status ("550-5.1.1 The email account that you tried to reach", "5.1.1");
}

static void
test_status_not_in_ip_date_number (void **state)
{
  check_status (NULL, NULL);
  check_status ("", NULL);
  check_status ("connect to [10.5.1.1]: refused", NULL);
  check_status ("host 5.1.1.1 said nothing", NULL);
  check_status ("relay 192.168.4.4.7", NULL);
  check_status ("Datum: 5.12.2023", NULL);
  check_status ("version 25.1.1 of the software", NULL);
  check_status ("a5.1.1 b", NULL);
  check_status ("ticket-5.1.1", NULL);
  check_status ("on 2024-5.1.1", NULL);
  check_status ("code 5.1.1234", NULL);
  check_status ("code 5.1234.1", NULL);
  check_status ("Please try again later [#4.16.1].", NULL);
  check_status ("temporarily deferred - 4.16.50. Please refer", NULL);
  check_status ("(Exim 4.98.1)", NULL);
  check_status ("code 5.8.1", NULL);
  check_status ("3.1.1 is no class", NULL);
  check_status ("5.1 is too short", NULL);
  check_status ("5..1 and 5.1. and .5.1.1", NULL);
  /* the code after an IP is still found */
  check_status ("from [192.0.2.5] 550 5.7.1 refused", "5.7.1");
}

static void
test_status_valid (void **state)
{
  assert_true (_bc_status_valid ("5.1.1", 5));
  assert_true (_bc_status_valid ("4.7.650", 7));
  assert_true (_bc_status_valid ("2.0.0", 5));
  assert_false (_bc_status_valid ("5.1.1", 4));
  assert_false (_bc_status_valid ("5.1.1 ", 6));
  assert_false (_bc_status_valid ("6.1.1", 5));
  assert_false (_bc_status_valid ("5.1", 3));
  assert_false (_bc_status_valid ("5.1.1.1", 7));
  assert_false (_bc_status_valid ("", 0));
}

static void
test_status_generic (void **state)
{
  assert_true (_bc_status_is_generic (""));
  assert_true (_bc_status_is_generic ("5.0.0"));
  assert_true (_bc_status_is_generic ("4.0.0"));
  assert_false (_bc_status_is_generic ("5.1.0"));
  assert_false (_bc_status_is_generic ("5.0.1"));
  assert_false (_bc_status_is_generic ("5.1.1"));
}

static void
test_reply_found (void **state)
{
  check_reply ("550 Requested action not taken", "550");
  check_reply ("smtp; 452 4.2.2 over quota", "452");
  check_reply ("host said: 554-5.7.1 rejected", "554");
  check_reply ("(421) try later", "421");
  check_reply ("remote said 550", "550");
  check_reply ("250 2.0.0 Ok", "250");
  /* a labelled code: "ERROR CODE :550 - ..." (Zoho), "code: 554" */
  check_reply ("user@example.com, ERROR CODE :550 - mailbox unavailable", "550");
  check_reply ("Error code:554 relaying denied", "554");
  /* straight after a label's colon when an enhanced code of its class
   * follows (HTML table cells flattened: "Reason:552 5.2.2 ...") */
  check_reply ("Reason:552 5.2.2 mailbox is over quota", "552");
}

static void
test_reply_not_in_ip_date_number (void **state)
{
  check_reply (NULL, NULL);
  check_reply ("", NULL);
  check_reply ("connect to 192.168.255.1 failed", NULL);
  check_reply ("[203.0.113.250] refused", NULL);
  check_reply ("Date: Tue, 12 Mar 2024 10:25:43 +0500", NULL);
  check_reply ("in the year 2024 at 14:52:45", NULL);
  check_reply ("size 5242880 bytes", NULL);
  check_reply ("ticket 55012", NULL);
  check_reply ("ticket 5501", NULL);
  check_reply ("code x550 y", NULL);
  check_reply ("mail 550@example.com", NULL);
  check_reply ("port :550 and path /550", NULL);
  check_reply ("barcode:550 and zipcode :450", NULL);
  check_reply ("version 5.5.0", NULL);
  check_reply ("code 560 and 580 and 6xx", NULL);
  check_reply ("code 5.1.1 only", NULL);
  /* after a colon, an enhanced code of another class, or none, is not enough */
  check_reply ("Reason:552 4.2.2 odd", NULL);
  check_reply ("Reason:552 mailbox full", NULL);
  check_reply ("at 10:450 seconds", NULL);
}

static void
test_reply_prefers_code_with_status (void **state)
{
  /* a reply followed by an enhanced code of its class wins over an
   * earlier bare one */
  check_reply ("421 busy, later: 550 5.1.1 user unknown", "550");
  check_reply ("421 busy, later: 550-5.1.1 user unknown", "550");
  /* but not when the classes differ */
  check_reply ("554 try again, 550 4.2.2 odd", "554");
  check_reply ("550 4.2.2 odd, 452 4.2.2 full", "452");
}

static void
test_fill_codes (void **state)
{
  BcRecipient *r = _bc_recipient_new (BC_SOURCE_DSN);

  /* nothing to read from */
  _bc_recipient_fill_codes (r);
  assert_string_equal (r->status, "");
  assert_string_equal (r->reply_code, "");

  /* both read from the text */
  r->diagnostic = g_strdup ("550 5.1.1 <a@example.com>: user unknown");
  _bc_recipient_fill_codes (r);
  assert_string_equal (r->status, "5.1.1");
  assert_string_equal (r->reply_code, "550");

  /* a specific status is kept */
  g_strlcpy (r->status, "5.2.2", sizeof r->status);
  _bc_recipient_fill_codes (r);
  assert_string_equal (r->status, "5.2.2");

  /* a transcript's success status of an earlier command is not the
   * status of a failure that gave none */
  g_clear_pointer (&r->diagnostic, g_free);
  r->status[0] = r->reply_code[0] = '\0';
  r->diagnostic = g_strdup ("MAIL FROM:<b@example.org> -> 250 2.1.0 Ok RCPT TO:<a@example.com> -> "
                            "550 No such user - psmtp");
  _bc_recipient_fill_codes (r);
  assert_string_equal (r->status, "");
  assert_string_equal (r->reply_code, "550");
  /* ... while a success report keeps it */
  g_clear_pointer (&r->diagnostic, g_free);
  r->status[0] = r->reply_code[0] = '\0';
  r->diagnostic = g_strdup ("250 2.1.5 Ok, delivered");
  _bc_recipient_fill_codes (r);
  assert_string_equal (r->status, "2.1.5");
  assert_string_equal (r->reply_code, "250");
  g_strlcpy (r->status, "5.2.2", sizeof r->status);

  /* a reply that is set is kept */
  g_strlcpy (r->reply_code, "421", sizeof r->reply_code);
  _bc_recipient_fill_codes (r);
  assert_string_equal (r->reply_code, "421");
  _bc_recipient_free (r);
}

static void
test_remote_status (void **state)
{
  static const struct {
    const char *status, *diagnostic, *want;
  } cases[] = {
    /* the remote server's own code beats the reporting MTA's */
    { "5.1.1", "smtp; 552 5.2.2 Over quota", "5.2.2" },
    { "5.1.0", "Unknown address error 550-'5.7.1 <a@example.com>... Access denied'", "5.7.1" },
    { "4.4.7", "554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>", "4.4.2" },
    { "4.4.7", "450 4.7.1 Client host rejected", "4.7.1" },
    /* not a generic one, not one of another class, not one without a reply */
    { "4.5.0", "421 4.0.0 try later", "4.5.0" },
    { "5.1.1", "421 4.2.2 full", "5.1.1" },
    { "5.1.1", "user unknown (5.2.2 said elsewhere)", "5.1.1" },
    { "5.1.1", "550 #5.1.1 RESOLVER.ADR.RecipNotFound", "5.1.1" },
    { "", "550 5.1.1 user unknown", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    BcRecipient *r = _bc_recipient_new (BC_SOURCE_DSN);
    g_strlcpy (r->status, cases[i].status, sizeof r->status);
    r->diagnostic = g_strdup (cases[i].diagnostic);
    _bc_recipient_remote_status (r);
    if (strcmp (r->status, cases[i].want) != 0)
      fail_msg ("'%s' under %s: got %s, want %s", cases[i].diagnostic, cases[i].status, r->status,
                cases[i].want);
    _bc_recipient_free (r);
  }
}

static void
test_fill_codes_generic_status (void **state)
{
  BcRecipient *r = _bc_recipient_new (BC_SOURCE_DSN);

  /* a generic DSN status gives way to a specific code of its class */
  g_strlcpy (r->status, "5.0.0", sizeof r->status);
  r->diagnostic = g_strdup ("smtp; 550 5.1.1 user unknown");
  _bc_recipient_fill_codes (r);
  assert_string_equal (r->status, "5.1.1");
  _bc_recipient_free (r);

  /* ... never to one of another class */
  r = _bc_recipient_new (BC_SOURCE_DSN);
  g_strlcpy (r->status, "5.0.0", sizeof r->status);
  r->diagnostic = g_strdup ("452 4.2.2 mailbox full");
  _bc_recipient_fill_codes (r);
  assert_string_equal (r->status, "5.0.0");
  assert_string_equal (r->reply_code, "452");
  _bc_recipient_free (r);

  /* ... but to an expiry code of either class: the MTA's own verdict */
  r = _bc_recipient_new (BC_SOURCE_DSN);
  g_strlcpy (r->status, "5.0.0", sizeof r->status);
  r->diagnostic = g_strdup ("554 4.4.7 Message expired: unable to deliver in 840 minutes");
  _bc_recipient_fill_codes (r);
  assert_string_equal (r->status, "4.4.7");
  _bc_recipient_free (r);
  r = _bc_recipient_new (BC_SOURCE_DSN);
  g_strlcpy (r->status, "4.0.0", sizeof r->status);
  r->diagnostic = g_strdup ("554 5.4.7 Delivery time limit reached");
  _bc_recipient_fill_codes (r);
  assert_string_equal (r->status, "5.4.7");
  _bc_recipient_free (r);
  /* (a specific status stays, whatever the diagnostic says) */
  r = _bc_recipient_new (BC_SOURCE_DSN);
  g_strlcpy (r->status, "5.1.1", sizeof r->status);
  r->diagnostic = g_strdup ("451 4.4.7 expired");
  _bc_recipient_fill_codes (r);
  assert_string_equal (r->status, "5.1.1");
  _bc_recipient_free (r);

  /* ... and not to another generic one */
  r = _bc_recipient_new (BC_SOURCE_DSN);
  g_strlcpy (r->status, "4.0.0", sizeof r->status);
  r->diagnostic = g_strdup ("451 4.0.0 later");
  _bc_recipient_fill_codes (r);
  assert_string_equal (r->status, "4.0.0");
  _bc_recipient_free (r);

  /* an IP in the diagnostic is no status */
  r = _bc_recipient_new (BC_SOURCE_TEXT);
  r->diagnostic = g_strdup ("connect to 5.4.3.2[5.4.3.2]:25: Connection timed out");
  _bc_recipient_fill_codes (r);
  assert_string_equal (r->status, "");
  assert_string_equal (r->reply_code, "");
  _bc_recipient_free (r);
}

static void
test_reply_unfold (void **state)
{
  static const struct {
    const char *text, *want;              /* want NULL: nothing taken out */
  } cases[] = {
    { "421-4.7.0 [192.0.2.41] Our system has detected an unusual rate of "
      "421-4.7.0 unsolicited mail originating from your IP address. "
      "To protect our 421 4.7.0 users from spam",
      "421-4.7.0 [192.0.2.41] Our system has detected an unusual rate of unsolicited mail "
      "originating from your IP address. To protect our users from spam" },
    { "550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 "
      "double-checking. 550 5.1.1 https://support.example.com/x - gsmtp",
      "550-5.1.1 The email account that you tried to reach does not exist. Please try "
      "double-checking. https://support.example.com/x - gsmtp" },
    /* a reply code alone continues it too */
    { "554-mx.example.com 554 Your access has been rejected",
      "554-mx.example.com Your access has been rejected" },
    /* after a framing text */
    { "host said: 552-5.2.2 over 552-5.2.2 quota", "host said: 552-5.2.2 over quota" },
    /* continuations with no enhanced code, on lines of their own */
    { "550-Mailbox unavailable\n550 does not exist here",
      "550-Mailbox unavailable\ndoes not exist here" },
    { "550-5.1.1 The email account that you tried to reach does not exist.\r\n550 5.1.1 Please check",
      "550-5.1.1 The email account that you tried to reach does not exist.\r\nPlease check" },
    /* a last line that is the code alone, or the code and status alone */
    { "550-The mailbox is over 550-quota 550", "550-The mailbox is over quota" },
    { "550-The mailbox is over\n550-quota\n550\n", "550-The mailbox is over\nquota\n" },
    { "550-5.1.1 The account does not 550 5.1.1", "550-5.1.1 The account does not" },
    /* a single-line reply, another code, or no code: left alone */
    { "550 5.1.1 user unknown; 550 again", NULL },
    { "550-5.1.1 user 421 4.7.0 unknown", NULL },
    { "user unknown", NULL },
    { "", NULL },
  };

  assert_null (_bc_reply_unfold (NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    char *got = _bc_reply_unfold (cases[i].text);
    if (g_strcmp0 (got, cases[i].want) != 0)
      fail_msg ("'%s': got '%s', want '%s'", cases[i].text, got ? got : "(null)",
                cases[i].want ? cases[i].want : "(null)");
    g_free (got);
  }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_status_found),
    cmocka_unit_test (test_status_not_in_ip_date_number),
    cmocka_unit_test (test_status_valid),
    cmocka_unit_test (test_status_generic),
    cmocka_unit_test (test_reply_found),
    cmocka_unit_test (test_reply_not_in_ip_date_number),
    cmocka_unit_test (test_reply_prefers_code_with_status),
    cmocka_unit_test (test_fill_codes),
    cmocka_unit_test (test_remote_status),
    cmocka_unit_test (test_fill_codes_generic_status),
    cmocka_unit_test (test_reply_unfold),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
