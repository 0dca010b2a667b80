/* test-providers.c - the big providers' and sending platforms' own report
 * layouts, read through the whole classifier: Amazon SES event publishing
 * ("eventType" records, through SNS or forwarded as they are) and a Gmail
 * notice whose text names none of its X-Failed-Recipients addresses. */
#include "tc.h"

#include <string.h>

/* one_rcpt - classify @msg and assert that it reports exactly @address
 * with @reason; returns the report for further checks (caller frees) */
static BcReport *
one_rcpt (const char *msg, const char *address, const char *reason)
{
  BcReport *r = tc_classify (tc_classifier (), msg);
  const BcRecipient *rc;

  if (r->recipients->len != 1) {
    print_error ("%u recipients, want 1 (%s)\n", r->recipients->len, address);
    fail ();
  }
  rc = tc_find_rcpt (r, address);
  if (!rc) {
    print_error ("no recipient %s\n", address);
    fail ();
  }
  assert_string_equal (rc->reason, reason);
  return r;
}

static char *
sns_message (const char *json)
{
  return g_strdup_printf (
    "From: AWS Notifications <no-reply@sns.example.com>\n"
    "To: bounces@example.org\n"
    "Subject: AWS Notification Message\n"
    "Date: Tue, 3 Jun 2025 10:00:07 +0000\n"
    "Message-ID: <sns-1@example.org>\n"
    "x-amz-sns-message-type: Notification\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\n"
    "\n"
    "%s\n"
    "\n"
    "--\n"
    "If you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:\n"
    "https://sns.example.com/unsubscribe.html?Endpoint=bounces@example.org\n", json);
}

#define SES_MAIL "\"mail\":{\"timestamp\":\"2025-06-03T10:00:02.000Z\",\"source\":\"news@example.org\"," \
                 "\"messageId\":\"0100018f-cccc\",\"destination\":[\"member@example.com\"]}"

/* an event-publishing bounce names its type under "eventType": only the
 * bounced recipient is reported, not the sender nor mail.destination twice */
static void
test_ses_event_bounce (void **state)
{
  char *msg = sns_message (
    "{\"eventType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Transient\",\"bounceSubType\":\"MailboxFull\","
    "\"bouncedRecipients\":[{\"emailAddress\":\"member@example.com\",\"action\":\"failed\",\"status\":\"5.2.2\"}],"
    "\"timestamp\":\"2025-06-03T10:00:03.000Z\",\"feedbackId\":\"0100018f-aaaa\"}," SES_MAIL "}");
  BcReport *r = one_rcpt (msg, "member@example.com", "mailboxfull");

  assert_string_equal (r->recognizer, "amazonses");
  bc_report_free (r);
  g_free (msg);
}

/* the same record forwarded as it is (pretty-printed, no SNS header) */
static void
test_ses_event_bounce_pretty (void **state)
{
  const char *msg =
    "From: SES Events <ses-events@example.org>\n"
    "To: bounces@example.org\n"
    "Subject: SES bounce event\n"
    "Date: Tue, 3 Jun 2025 10:00:07 +0000\n"
    "Message-ID: <ev-2@example.org>\n"
    "\n"
    "{\n"
    "  \"eventType\": \"Bounce\",\n"
    "  \"bounce\": {\n"
    "    \"bounceType\": \"Permanent\",\n"
    "    \"bounceSubType\": \"General\",\n"
    "    \"bouncedRecipients\": [\n"
    "      {\n"
    "        \"emailAddress\": \"gone@example.com\",\n"
    "        \"action\": \"failed\",\n"
    "        \"status\": \"5.1.1\",\n"
    "        \"diagnosticCode\": \"smtp; 550 5.1.1 RESOLVER.ADR.RecipNotFound; not found\"\n"
    "      }\n"
    "    ]\n"
    "  },\n"
    "  \"mail\": {\n"
    "    \"source\": \"news@example.org\",\n"
    "    \"destination\": [\"gone@example.com\"]\n"
    "  }\n"
    "}\n";
  BcReport *r = one_rcpt (msg, "gone@example.com", "userunknown");

  assert_string_equal (r->recognizer, "amazonses");
  bc_report_free (r);
}

/* an event-publishing complaint is a feedback report */
static void
test_ses_event_complaint (void **state)
{
  char *msg = sns_message (
    "{\"eventType\":\"Complaint\",\"complaint\":{\"complainedRecipients\":[{\"emailAddress\":\"member@example.com\"}],"
    "\"timestamp\":\"2025-06-03T10:30:00.000Z\",\"feedbackId\":\"0100018f-dddd\"}," SES_MAIL "}");
  BcReport *r = one_rcpt (msg, "member@example.com", "feedback");

  assert_string_equal (r->feedback_type, "abuse");
  bc_report_free (r);
  g_free (msg);
}

/* the old Google Groups refusal greets the sender by address and names the
 * group by name only: the group's address is in X-Failed-Recipients */
static void
test_gmail_failed_header_only (void **state)
{
  const char *msg =
    "From: Mail Delivery Subsystem <mailer-daemon@googlemail.example.com>\n"
    "To: news@example.org\n"
    "Subject: Delivery Status Notification (Failure)\n"
    "Date: Tue, 3 Jun 2014 03:00:05 -0700\n"
    "Message-ID: <gg-1@google.example.com>\n"
    "X-Failed-Recipients: staff@example.com\n"
    "\n"
    "Hello news@example.org,\n"
    "\n"
    "We're writing to let you know that the group you tried to contact (staff) may not exist, "
    "or you may not have permission to post messages to the group. A few more details on why you "
    "weren't able to post:\n"
    "\n"
    " * You might have spelled or formatted the group name incorrectly.\n"
    " * The owner of the group may have removed this group.\n"
    " * You may need to join the group before receiving permission to post.\n"
    " * This group may not be open to posting.\n"
    "\n"
    "----- Original message -----\n"
    "\n"
    "From: Example News <news@example.org>\n"
    "To: staff@example.com\n"
    "Subject: Quarterly update\n"
    "\n"
    "Hello\n";
  BcReport *r = one_rcpt (msg, "staff@example.com", "rejected");

  bc_report_free (r);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_ses_event_bounce),
    cmocka_unit_test (test_ses_event_bounce_pretty),
    cmocka_unit_test (test_ses_event_complaint),
    cmocka_unit_test (test_gmail_failed_header_only),
  };

  tc_init ();
  return cmocka_run_group_tests (tests, NULL, NULL);
}
