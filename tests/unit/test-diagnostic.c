/* test-diagnostic.c - what a free-text recipient's diagnostic holds
 * (evidence/diagnostic.c): the framing of Exim, GMX, qmail and Postfix out
 * of it and its host in remote_mta, the remote server's words kept
 * exactly; and a give-up note said once in the report joining the
 * recipients it concerns. Direct calls, then whole bounces read by the
 * qmail, Exim, Postfix and Sendmail recognizers.
 */
#include "tc.h"

#include <string.h>

/* ---- _bc_diag_unframe ----------------------------------------------------- */

static void
check_unframe (const char *in, const char *want, const char *want_host)
{
  char *host = NULL;
  char *out = _bc_diag_unframe (in, &host);

  if (g_strcmp0 (out, want) != 0 || g_strcmp0 (host, want_host) != 0) {
    print_error ("unframe(\"%s\")\n  = \"%s\" host %s\n want \"%s\" host %s\n", in, out,
                 host ? host : "(none)", want, want_host ? want_host : "(none)");
    fail ();
  }
  g_free (out);
  g_free (host);
}

static void
test_exim (void **state)
{
  /* Exim 4.8x and later: host line, then the command, then the reply */
  check_unframe ("host mx.example.com [192.0.2.1] SMTP error from remote mail server after "
                 "RCPT TO:<a@example.com>: 550 5.1.1 <a@example.com>: Recipient address "
                 "rejected: User unknown",
                 "550 5.1.1 <a@example.com>: Recipient address rejected: User unknown",
                 "mx.example.com");
  /* older Exim: the command first, the host before the reply */
  check_unframe ("SMTP error from remote mail server after MAIL FROM:<s@example.org> SIZE=1543: "
                 "host mx.example.net [192.0.2.20]: 550 5.7.0 Please use the smtp server of "
                 "your ISP.",
                 "550 5.7.0 Please use the smtp server of your ISP.", "mx.example.net");
  check_unframe ("SMTP error from remote mailer after RCPT TO: <b@example.com>: host "
                 "mx.example.com [192.0.2.3]: 550 Unknown user",
                 "550 Unknown user", "mx.example.com");
  check_unframe ("host mx.example.com [203.0.113.50] Delay reason: SMTP error from remote mail "
                 "server after end of data: 452 4.2.2 Mailbox full",
                 "452 4.2.2 Mailbox full", "mx.example.com");
  check_unframe ("host mx.example.com [IPv6:2001:db8::25] SMTP error from remote mail server "
                 "after initial connection: 554 5.7.1 Go away",
                 "554 5.7.1 Go away", "mx.example.com");
  /* Exim's own cause stays; only the host goes */
  check_unframe ("host mail.example.com [198.51.100.23]: Connection timed out",
                 "Connection timed out", "mail.example.com");
  /* a host whose name says "virus" or "spam" leaves the text */
  check_unframe ("host virus-scan.example.com [192.0.2.61] SMTP error from remote mail server "
                 "after end of data: 550 Administrative prohibition",
                 "550 Administrative prohibition", "virus-scan.example.com");
  /* GMX and 1&1 */
  check_unframe ("SMTP error from remote server for RCPT TO command, host: mx00.example.net "
                 "(192.0.2.2) reason: 550 Requested action not taken: mailbox unavailable",
                 "550 Requested action not taken: mailbox unavailable", "mx00.example.net");
  check_unframe ("SMTP error from remote server after RCPT command: host: mx.example.net "
                 "5.1.1 <c@example.net>... User Unknown",
                 "5.1.1 <c@example.net>... User Unknown", "mx.example.net");
}

static void
test_qmail (void **state)
{
  check_unframe ("192.0.2.5 does not like recipient. Remote host said: 550 5.1.1 "
                 "<a@example.com>: User unknown Giving up on 192.0.2.5.",
                 "550 5.1.1 <a@example.com>: User unknown", "192.0.2.5");
  check_unframe ("Connected to 203.0.113.70 but sender was rejected. Remote host said: 553 "
                 "sorry, your envelope sender domain must exist (#5.7.1)",
                 "553 sorry, your envelope sender domain must exist (#5.7.1)", "203.0.113.70");
  check_unframe ("198.51.100.33 failed after I sent the message. Remote host said: 552 sorry, "
                 "that message size exceeds my databytes limit (#5.3.4)",
                 "552 sorry, that message size exceeds my databytes limit (#5.3.4)",
                 "198.51.100.33");
  /* no reply follows: qmail's sentence is all there is, and stays */
  check_unframe ("Connected to 192.0.2.7 but connection died. (#4.4.2)",
                 "Connected to 192.0.2.7 but connection died. (#4.4.2)", NULL);
  check_unframe ("Sorry, I couldn't find any host named typo.example.net. (#5.1.2)",
                 "Sorry, I couldn't find any host named typo.example.net. (#5.1.2)", NULL);
  /* only framing: kept whole */
  check_unframe ("Giving up on 192.0.2.8.", "Giving up on 192.0.2.8.", "192.0.2.8");
  /* another MTA's "giving up on" a host name is its cause */
  check_unframe ("Giving up on mx.example.com. Too many retries.",
                 "Giving up on mx.example.com. Too many retries.", NULL);
}

static void
test_postfix (void **state)
{
  check_unframe ("host mx.example.com[192.0.2.30] said: 550 5.1.1 <n@example.net>: Recipient "
                 "address rejected: User unknown (in reply to RCPT TO command)",
                 "550 5.1.1 <n@example.net>: Recipient address rejected: User unknown",
                 "mx.example.com");
  check_unframe ("(expanded from <sales@example.org>): host mx.example.net[192.0.2.30] said: "
                 "452 4.2.2 Mailbox full (in reply to end of DATA command)",
                 "(expanded from <sales@example.org>): 452 4.2.2 Mailbox full", "mx.example.net");
  check_unframe ("host mx.example.com[192.0.2.31] refused to talk to me: 554 5.7.1 Blocked",
                 "554 5.7.1 Blocked", "mx.example.com");
  /* a server quoting its own verification probe: its words, kept */
  check_unframe ("host mx.example.com [192.0.2.25] SMTP error from remote mail server after RCPT "
                 "TO:<y@example.com>: 550 5.1.1 <y@example.com>: Recipient address rejected: "
                 "undeliverable address: host mail.example.com[192.0.2.1] said: 550 5.1.1 User "
                 "unknown (in reply to RCPT TO command)",
                 "550 5.1.1 <y@example.com>: Recipient address rejected: undeliverable address: "
                 "host mail.example.com[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT "
                 "TO command)",
                 "mx.example.com");
  check_unframe ("host mx.example.com[192.0.2.30] said: 450 4.1.1 <z@example.com>: Recipient "
                 "address rejected: unverified address: host mail.example.com[192.0.2.1] said: "
                 "550 5.1.1 User unknown (in reply to RCPT TO command) (in reply to RCPT TO "
                 "command)",
                 "450 4.1.1 <z@example.com>: Recipient address rejected: unverified address: host "
                 "mail.example.com[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO "
                 "command)",
                 "mx.example.com");
}

static void
test_server_words_kept (void **state)
{
  static const char *const same[] = {
    /* a server's words about the sending host are not framing */
    "550 5.7.1 Rejected: host mail.example.com [192.0.2.1] is listed at dnsbl.example.net",
    "554 5.7.1 Service unavailable; Client host [203.0.113.61] blocked using bl.example.net",
    "host mx.example.com [192.0.2.1] is on our blocklist",
    /* a command note without Postfix's framing before it */
    "550 unknown user (in reply to RCPT TO command)",
    "452 4.2.2 Remote host said nothing",
    "",
    NULL
  };

  for (guint i = 0; same[i]; i++)
    check_unframe (same[i], same[i], NULL);
  {
    char *host = NULL, *out = _bc_diag_unframe (NULL, &host);
    assert_null (out);
    assert_null (host);
  }
  {
    /* a host already known is kept */
    char *host = g_strdup ("mx.example.org");
    char *out = _bc_diag_unframe ("host mx.example.com [192.0.2.1]: Connection refused", &host);
    assert_string_equal (out, "Connection refused");
    assert_string_equal (host, "mx.example.org");
    g_free (out);
    g_free (host);
  }
}

/* hostile input: long runs of framing-like words, truncated framing */
static void
test_hostile (void **state)
{
  GString *s = g_string_new (NULL);
  char *out, *host = NULL;

  for (guint i = 0; i < 3000; i++)
    g_string_append (s, "host a [1 SMTP error from remote server for <a:");
  out = _bc_diag_unframe (s->str, &host);
  assert_non_null (out);
  g_free (out);
  g_free (host);
  host = NULL;
  g_string_truncate (s, 0);
  for (guint i = 0; i < 2000; i++)
    g_string_append (s, "Giving up on 1.2.3.4. ");
  out = _bc_diag_unframe (s->str, &host);
  assert_non_null (out);
  assert_non_null (host);
  assert_string_equal (host, "1.2.3.4");
  g_free (out);
  g_free (host);
  static const char *const cut[] = {
    "host", "host ", "host x", "host x [", "host x [1.2", "host x [1.2]", "host: ", "host: x (",
    "SMTP error from remote server for ", "SMTP error from remote server for x, host:",
    "Connected to ", "Connected to x but sender was rejected.", "Giving up on ",
    "host x[1.2.3.4]", "host x[1.2.3.4] said", "(in reply to ", NULL
  };
  for (guint i = 0; cut[i]; i++) {
    host = NULL;
    out = _bc_diag_unframe (cut[i], &host);
    assert_non_null (out);
    g_free (out);
    g_free (host);
  }
  g_string_free (s, TRUE);
}

/* ---- whole bounces --------------------------------------------------------- */

static const char qmail_msg[] =
  "Return-Path: <>\n"
  "Date: 3 Jun 2025 10:00:00 -0000\n"
  "From: MAILER-DAEMON@mx.example.net\n"
  "To: ops@example.org\n"
  "Subject: failure notice\n"
  "\n"
  "Hi. This is the qmail-send program at mx.example.net.\n"
  "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
  "This is a permanent error; I've given up. Sorry it didn't work out.\n"
  "\n"
  "<ana@example.com>:\n"
  "192.0.2.5 does not like recipient.\n"
  "Remote host said: 550 5.1.1 <ana@example.com>: Recipient address rejected: User unknown\n"
  "Giving up on 192.0.2.5.\n"
  "\n"
  "<bo@example.net>:\n"
  "Connected to 198.51.100.9 but sender was rejected.\n"
  "Remote host said: 553 sorry, your envelope sender domain must exist (#5.7.1)\n"
  "\n"
  "<cy@example.com>:\n"
  "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)\n"
  "I'm not going to try again; this message has been in the queue too long.\n"
  "\n"
  "<di@example.com>:\n"
  "Connected to 192.0.2.44 but connection died. (#4.4.2)\n"
  "\n"
  "--- Below this line is a copy of the message.\n"
  "\n"
  "Subject: x\n\nbody\n";

static void
test_qmail_message (void **state)
{
  BcReport *r = tc_classify (tc_classifier (), qmail_msg);
  const BcRecipient *a, *b, *c, *d;

  assert_string_equal (r->recognizer, "qmail");
  assert_int_equal (r->recipients->len, 4);
  a = tc_find_rcpt (r, "ana@example.com");
  b = tc_find_rcpt (r, "bo@example.net");
  c = tc_find_rcpt (r, "cy@example.com");
  d = tc_find_rcpt (r, "di@example.com");
  assert_non_null (a);
  assert_non_null (b);
  assert_non_null (c);
  assert_non_null (d);
  assert_string_equal (a->diagnostic,
                       "550 5.1.1 <ana@example.com>: Recipient address rejected: User unknown");
  assert_string_equal (a->remote_mta, "192.0.2.5");
  assert_string_equal (a->reason, "userunknown");
  /* the stage is gone from the text but still read from the report */
  assert_string_equal (b->diagnostic, "553 sorry, your envelope sender domain must exist (#5.7.1)");
  assert_string_equal (b->remote_mta, "198.51.100.9");
  assert_string_equal (b->reason, "rejected");
  /* qmail's own notice is read by the failure it kept retrying before it
   * gave up (rules/30-text.rules) */
  assert_string_equal (c->reason, "networkerror");
  /* the queue lifetime is the message's: di, still failing temporarily,
   * gave up for it as well; ana and bo failed for good before */
  assert_string_equal (d->reason, "expired");
  assert_contains (d->diagnostic, "Connected to 192.0.2.44 but connection died. (#4.4.2)");
  assert_contains (d->diagnostic, "in the queue too long");
  assert_not_contains (a->diagnostic, "queue too long");
  assert_not_contains (b->diagnostic, "queue too long");
  bc_report_free (r);
}

static const char exim_msg[] =
  "Return-path: <>\n"
  "From: Mail Delivery System <Mailer-Daemon@out.example.org>\n"
  "To: shop@example.org\n"
  "Subject: Mail delivery failed: returning message to sender\n"
  "Date: Fri, 17 Oct 2025 11:02:45 +0000\n"
  "\n"
  "This message was created automatically by mail delivery software.\n"
  "\n"
  "A message that you sent could not be delivered to one or more of its\n"
  "recipients. This is a permanent error. The following address(es) failed:\n"
  "\n"
  "  kai@example.com\n"
  "    host spam-relay.example.com [192.0.2.61]\n"
  "    SMTP error from remote mail server after RCPT TO:<kai@example.com>:\n"
  "    550 5.1.1 <kai@example.com>: Recipient address rejected: User unknown\n"
  "  lu@example.net\n"
  "    SMTP error from remote mail server after MAIL FROM:<shop@example.org> SIZE=2210:\n"
  "    host mx.example.net [198.51.100.4]: 550 5.7.1 Access denied\n"
  "\n"
  "------ This is a copy of the message, including all the headers. ------\n"
  "\n"
  "Subject: x\n\nbody\n";

static void
test_exim_message (void **state)
{
  BcReport *r = tc_classify (tc_classifier (), exim_msg);
  const BcRecipient *k, *l;

  assert_string_equal (r->recognizer, "exim");
  k = tc_find_rcpt (r, "kai@example.com");
  l = tc_find_rcpt (r, "lu@example.net");
  assert_non_null (k);
  assert_non_null (l);
  assert_string_equal (k->diagnostic,
                       "550 5.1.1 <kai@example.com>: Recipient address rejected: User unknown");
  assert_string_equal (k->remote_mta, "spam-relay.example.com");
  assert_string_equal (k->reason, "userunknown");
  assert_string_equal (l->diagnostic, "550 5.7.1 Access denied");
  assert_string_equal (l->remote_mta, "mx.example.net");
  /* refused at MAIL FROM, which the report text still says */
  assert_string_equal (l->reason, "rejected");
  bc_report_free (r);
}

static const char postfix_msg[] =
  "Return-Path: <>\n"
  "From: MAILER-DAEMON@relay.example.net (Mail Delivery System)\n"
  "To: news@example.org\n"
  "Subject: Undelivered Mail Returned to Sender\n"
  "Date: Tue, 4 Nov 2025 08:00:00 +0000\n"
  "\n"
  "This is the mail system at host relay.example.net.\n"
  "\n"
  "I'm sorry to have to inform you that your message could not\n"
  "be delivered to one or more recipients. It's attached below.\n"
  "\n"
  "                   The mail system\n"
  "\n"
  "<mo@example.com>: host mx.example.com[192.0.2.30] said: 550 5.1.1 <mo@example.com>:\n"
  "    Recipient address rejected: User unknown in local recipient table (in reply\n"
  "    to RCPT TO command)\n";

static void
test_postfix_message (void **state)
{
  BcReport *r = tc_classify (tc_classifier (), postfix_msg);
  const BcRecipient *m;

  assert_string_equal (r->recognizer, "postfix");
  m = tc_find_rcpt (r, "mo@example.com");
  assert_non_null (m);
  assert_string_equal (m->diagnostic, "550 5.1.1 <mo@example.com>: Recipient address rejected: "
                                      "User unknown in local recipient table");
  assert_string_equal (m->remote_mta, "mx.example.com");
  assert_string_equal (m->reason, "userunknown");
  bc_report_free (r);
}

/* Sendmail says once, at the end of the transcript, that it gave up on the
 * message; both recipients were still deferred. */
static const char sendmail_msg[] =
  "Return-Path: <>\n"
  "From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.net>\n"
  "To: <billing@example.org>\n"
  "Subject: Returned mail: see transcript for details\n"
  "Date: Mon, 12 May 2025 09:12:40 -0700\n"
  "\n"
  "The original message was received at Wed, 7 May 2025 09:12:01 -0700\n"
  "from app.example.org [192.0.2.20]\n"
  "\n"
  "   ----- The following addresses had permanent fatal errors -----\n"
  "<lena@example.com>\n"
  "    (reason: 451 4.7.1 Please try again later)\n"
  "<omar@example.net>\n"
  "    (reason: Connection timed out with mx.example.net.)\n"
  "<pia@example.com>\n"
  "    (reason: 550 5.1.1 <pia@example.com>... User unknown)\n"
  "\n"
  "   ----- Transcript of session follows -----\n"
  "... while talking to mx.example.com.:\n"
  ">>> RCPT To:<lena@example.com>\n"
  "<<< 451 4.7.1 Please try again later\n"
  "<lena@example.com>... Deferred: 451 4.7.1 Please try again later\n"
  "<omar@example.net>... Deferred: Connection timed out with mx.example.net.\n"
  "Message could not be delivered for 5 days\n"
  "Message will be deleted from queue\n";

static void
test_sendmail_giveup (void **state)
{
  BcReport *r = tc_classify (tc_classifier (), sendmail_msg);
  const BcRecipient *l, *o, *p;

  assert_string_equal (r->recognizer, "sendmail");
  l = tc_find_rcpt (r, "lena@example.com");
  o = tc_find_rcpt (r, "omar@example.net");
  p = tc_find_rcpt (r, "pia@example.com");
  assert_non_null (l);
  assert_non_null (o);
  assert_non_null (p);
  assert_contains (l->diagnostic, "451 4.7.1 Please try again later");
  assert_contains (l->diagnostic, "Message could not be delivered for 5 days");
  assert_string_equal (l->reason, "expired");
  assert_string_equal (o->reason, "expired");
  /* a permanent refusal is not a give-up for time */
  assert_not_contains (p->diagnostic, "could not be delivered for");
  assert_string_equal (p->reason, "userunknown");
  bc_report_free (r);
}

/* a delay warning is no give-up, whatever its wording */
static const char postfix_delay_msg[] =
  "Return-Path: <>\n"
  "From: MAILER-DAEMON@relay.example.net (Mail Delivery System)\n"
  "To: news@example.org\n"
  "Subject: Delayed Mail (still being retried)\n"
  "Date: Tue, 4 Nov 2025 08:00:00 +0000\n"
  "\n"
  "This is the mail system at host relay.example.net.\n"
  "\n"
  "####################################################################\n"
  "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n"
  "####################################################################\n"
  "\n"
  "Your message could not be delivered for 4 hours.\n"
  "It will be retried until it is 5 days old.\n"
  "\n"
  "                   The mail system\n"
  "\n"
  "<mo@example.com>: connect to mx.example.com[192.0.2.30]:25: Connection refused\n";

static void
test_delay_no_note (void **state)
{
  BcReport *r = tc_classify (tc_classifier (), postfix_delay_msg);
  const BcRecipient *m = tc_find_rcpt (r, "mo@example.com");

  assert_non_null (m);
  assert_not_contains (m->diagnostic, "could not be delivered");
  assert_string_not_equal (m->reason, "expired");
  bc_report_free (r);
}

/* a delay warning in free text only, from an MTA no recognizer knows: its
 * recipients are delayed, not given up on; a permanent one stays failed */
static const char generic_delay_msg[] =
  "Return-Path: <>\n"
  "From: Mail Delivery Subsystem <MAILER-DAEMON@mail.example.net>\n"
  "To: news@example.org\n"
  "Subject: Warning: Delay in message delivery\n"
  "Date: Tue, 4 Nov 2025 08:00:00 +0000\n"
  "\n"
  "There was a temporary problem delivering your message to the following recipients:\n"
  "\n"
  "    <mo@example.com> (connection to 'mx.example.com' failed: Connection timed out)\n"
  "    <pia@example.net> (host 'mx.example.net' rejected command 'RCPT TO:<pia@example.net>'"
  " with code 550 (5.1.1) 'Mailbox does not exist')\n"
  "\n"
  "The server will keep trying to deliver the message until it expires.\n";

static void
test_generic_delay_warning (void **state)
{
  BcReport *r = tc_classify (tc_classifier (), generic_delay_msg);
  const BcRecipient *m = tc_find_rcpt (r, "mo@example.com");
  const BcRecipient *p = tc_find_rcpt (r, "pia@example.net");

  assert_string_equal (r->recognizer, "generic");
  assert_non_null (m);
  assert_non_null (p);
  assert_string_equal (m->dsn_action, "delayed");
  assert_string_equal (m->reason, "networkerror");
  assert_null (p->dsn_action);
  assert_string_equal (p->reason, "userunknown");
  bc_report_free (r);
}

/* ... also when a recognizer claimed the warning by its words but read
 * nobody out of it, and the generic scan did */
static const char claimed_delay_msg[] =
  "Return-Path: <>\n"
  "From: MAILER-DAEMON@mail.example.net\n"
  "To: news@example.org\n"
  "Subject: Warning: message delayed\n"
  "Date: Tue, 4 Nov 2025 08:00:00 +0000\n"
  "\n"
  "This is a warning message only; you do not need to resend your message.\n"
  "\n"
  "Your message to mo@example.com has not yet been delivered.\n"
  "Reason: connect to mx.example.com[192.0.2.77]:25: Connection timed out\n"
  "\n"
  "Delivery will be retried for 4 more days.\n";

static void
test_claimed_delay_warning (void **state)
{
  BcReport *r = tc_classify (tc_classifier (), claimed_delay_msg);
  const BcRecipient *m = tc_find_rcpt (r, "mo@example.com");

  assert_non_null (m);
  assert_string_equal (m->dsn_action, "delayed");
  assert_string_equal (m->reason, "networkerror");
  bc_report_free (r);
}

/* Exchange's delay notice: its DSN says only "400 4.4.7 Message delayed";
 * the cause (the last error) is in its text and reaches the diagnostic,
 * but the 4.4.7 decides the reason (expired), as the labelled corpora read
 * every 4.4.7 */
static const char exchange_delay_msg[] =
  "Return-Path: <>\n"
  "From: Microsoft Exchange <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@corp.example.com>\n"
  "To: news@example.org\n"
  "Subject: Delivery delayed:Spring offers\n"
  "Date: Tue, 4 Nov 2025 08:00:00 +0000\n"
  "MIME-Version: 1.0\n"
  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"XD\"\n"
  "\n"
  "--XD\n"
  "Content-Type: text/plain; charset=us-ascii\n"
  "\n"
  "Delivery is delayed to these recipients or groups:\n"
  "\n"
  "mo@example.com\n"
  "\n"
  "This message hasn't been delivered yet. Delivery will continue to be attempted.\n"
  "\n"
  "Diagnostic information for administrators:\n"
  "\n"
  "Generating server: EXCH01.corp.example.com\n"
  "\n"
  "mo@example.com\n"
  "Remote Server at mx.example.com (192.0.2.77) returned '400 4.4.7 Message delayed'\n"
  "11/4/2025 7:58:00 AM - Remote Server at mx.example.com (192.0.2.77) returned '451 4.4.0"
  " Primary target IP address responded with: \"421 4.2.1 Unable to connect.\"'\n"
  "\n"
  "Original message headers:\n"
  "\n"
  "From: news@example.org\n"
  "\n"
  "--XD\n"
  "Content-Type: message/delivery-status\n"
  "\n"
  "Reporting-MTA: dns;EXCH01.corp.example.com\n"
  "\n"
  "Final-Recipient: rfc822;mo@example.com\n"
  "Action: delayed\n"
  "Status: 4.4.7\n"
  "Diagnostic-Code: smtp;400 4.4.7 Message delayed\n"
  "\n"
  "--XD--\n";

static void
test_exchange_delay_cause (void **state)
{
  BcReport *r = tc_classify (tc_classifier (), exchange_delay_msg);
  const BcRecipient *m = tc_find_rcpt (r, "mo@example.com");

  assert_non_null (m);
  assert_string_equal (m->dsn_action, "delayed");
  assert_contains (m->diagnostic, "Unable to connect");
  /* the cause is read, but Status 4.4.7 decides: expired (30-text.rules) */
  assert_string_equal (m->reason, "expired");
  bc_report_free (r);
}

/* a localized Exchange notice (German, text only) is Exchange's: known by
 * its translated "Diagnostic information for administrators" label, read
 * up to its translated label of the returned headers, whose To is no
 * recipient */
static const char exchange_de_msg[] =
  "Return-Path: <>\n"
  "From: postmaster@corp.example.com\n"
  "To: news@example.org\n"
  "Subject: Unzustellbar: Spring offers\n"
  "Date: Tue, 4 Nov 2025 08:00:00 +0000\n"
  "MIME-Version: 1.0\n"
  "Content-Type: text/plain; charset=utf-8\n"
  "Content-Transfer-Encoding: 8bit\n"
  "\n"
  "Die Zustellung an folgende Empfänger oder Gruppen ist fehlgeschlagen:\n"
  "\n"
  "mo@example.com\n"
  "\n"
  "Diagnoseinformationen für Administratoren:\n"
  "\n"
  "Generierender Server: EXCH01.corp.example.com\n"
  "\n"
  "mo@example.com\n"
  "mx.example.com #552 5.2.2 Mailbox full ##\n"
  "\n"
  "Ursprüngliche Nachrichtenkopfzeilen:\n"
  "\n"
  "From: news@example.org\n"
  "To: pia@example.net\n"
  "Subject: Spring offers\n";

static void
test_exchange_localized (void **state)
{
  BcReport *r = tc_classify (tc_classifier (), exchange_de_msg);
  const BcRecipient *m = tc_find_rcpt (r, "mo@example.com");

  assert_string_equal (r->recognizer, "exchange");
  assert_int_equal (r->recipients->len, 1);
  assert_non_null (m);
  assert_string_equal (m->reason, "mailboxfull");
  bc_report_free (r);
}

/* A relay that could not deliver a message which was itself a bounce says
 * only that it failed; the failure quoted in what it returns, for the same
 * recipient, is the only word on the cause (_bc_original_failure). */
#define RELAY_HEAD                                                              \
  "Return-Path: <>\n"                                                           \
  "From: postmaster@relay.example.net\n"                                        \
  "To: <list@example.org>\n"                                                    \
  "Subject: Mail could not be delivered\n"                                      \
  "Date: Thu, 6 Nov 2025 10:00:00 +0000\n"                                      \
  "MIME-Version: 1.0\n"                                                         \
  "Content-Type: multipart/mixed; boundary=\"b1\"\n"                            \
  "\n"                                                                          \
  "--b1\n"                                                                      \
  "Content-Type: text/plain\n"                                                  \
  "\n"                                                                          \
  "The following mail could not be delivered.\n"
#define RELAY_INNER                                                             \
  "--b1\n"                                                                      \
  "Content-Type: message/rfc822\n"                                              \
  "\n"                                                                          \
  "Received: from mx.example.com (mx.example.com [192.0.2.7]) by relay\n"       \
  "  for <kim@example.com>; 550 ways, Thu, 6 Nov 2025 09:00:00 +0000\n"         \
  "From: list@example.org\n"                                                    \
  "To: kim@example.com\n"                                                       \
  "Subject: kim@example.com\n"                                                  \
  "\n"                                                                          \
  "----- Transcript of session follows -----\n"                                 \
  "... while talking to mx.example.com.:\n"                                     \
  ">>> RCPT To:<kim@example.com>\n"                                             \
  "<<< 550 5.1.1 <kim@example.com>... Invalid recipient\n"                      \
  "<xkim@example.com>... 552 5.2.2 Mailbox full\n"                              \
  "\n"                                                                          \
  "--b1--\n"

static const char relay_msg[] =
  RELAY_HEAD "Reason: Unable to deliver message to <kim@example.com>.\n\n" RELAY_INNER;
/* the address the quoted lines name is another one's tail */
static const char relay_other_msg[] =
  RELAY_HEAD "Reason: Unable to deliver message to <im@example.com>.\n\n" RELAY_INNER;
/* the bounce's own word decides */
static const char relay_own_msg[] =
  RELAY_HEAD "Reason: 452 4.2.2 <kim@example.com> mailbox over quota\n\n" RELAY_INNER;

static void
test_returned_cause (void **state)
{
  BcClassifier *cls = tc_classifier ();
  BcReport *r;
  const BcRecipient *k;
  char *line;

  r = tc_classify (cls, relay_msg);
  k = tc_find_rcpt (r, "kim@example.com");
  assert_non_null (k);
  assert_string_equal (k->reason, "userunknown");
  assert_contains (k->evidence, "returned message \"550 5.1.1 <kim@example.com>... Invalid recipient\"");
  assert_string_equal (k->status, "");          /* the bounce itself gave none */
  bc_report_free (r);

  r = tc_classify (cls, relay_other_msg);
  k = tc_find_rcpt (r, "im@example.com");
  assert_non_null (k);
  assert_string_equal (k->reason, "undefined");
  bc_report_free (r);

  r = tc_classify (cls, relay_own_msg);
  k = tc_find_rcpt (r, "kim@example.com");
  assert_non_null (k);
  assert_string_equal (k->reason, "mailboxfull");
  assert_not_contains (k->evidence, "returned message");
  bc_report_free (r);

  /* the reply on the line after the RCPT TO that names the address */
  line = _bc_original_failure ("Subject: x\n\n>>> RCPT TO:<Ann@Example.com>\n"
                               "<<< 554 5.7.1 Relay access denied\n", "ann@example.com");
  assert_string_equal (line, "554 5.7.1 Relay access denied");
  g_free (line);
  /* header lines are not read, nor lines without a failure reply */
  line = _bc_original_failure ("Received: by mx for <ann@example.com>; 550 x\n\n"
                               "ann@example.com wrote 250 2.0.0 words\n", "ann@example.com");
  assert_null (line);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_exim),
    cmocka_unit_test (test_qmail),
    cmocka_unit_test (test_postfix),
    cmocka_unit_test (test_server_words_kept),
    cmocka_unit_test (test_hostile),
    cmocka_unit_test (test_qmail_message),
    cmocka_unit_test (test_exim_message),
    cmocka_unit_test (test_postfix_message),
    cmocka_unit_test (test_sendmail_giveup),
    cmocka_unit_test (test_delay_no_note),
    cmocka_unit_test (test_generic_delay_warning),
    cmocka_unit_test (test_claimed_delay_warning),
    cmocka_unit_test (test_exchange_delay_cause),
    cmocka_unit_test (test_exchange_localized),
    cmocka_unit_test (test_returned_cause),
  };

  tc_init ();
  return cmocka_run_group_tests (tests, NULL, NULL);
}
