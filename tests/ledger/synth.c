/* synth.c - synthetic bounce messages for the ledger tests (see synth.h).
 * The wording follows what Postfix and RFC 3464 reports say in general;
 * nothing is copied from a corpus file. */
#include "synth.h"

#include <string.h>

const char *const synth_kinds[] = {
  "hard", "soft", "mailbox-full", "spam-block", "authfailure", "delivered", "complaint",
  "auto-reply", NULL,
};

gint64
synth_time (int month, int day, int hour)
{
  GDateTime *dt = g_date_time_new_utc (2026, month, day, hour, 0, 0);
  gint64 t = g_date_time_to_unix (dt);
  g_date_time_unref (dt);
  return t;
}

static char *
rfc5322_date (gint64 at)
{
  GDateTime *dt = g_date_time_new_from_unix_utc (at);
  char *s = g_date_time_format (dt, "%a, %d %b %Y %H:%M:%S +0000");
  g_date_time_unref (dt);
  return s;
}

static char *
original_headers (const char *rcpt, const char *list_id, guint serial)
{
  GString *s = g_string_new (NULL);
  g_string_append_printf (s,
    "Return-Path: <news-bounces@lists.example.org>\n"
    "Message-ID: <orig-%u@lists.example.org>\n"
    "From: News <news@lists.example.org>\n"
    "To: %s\n"
    "Subject: Newsletter %u\n", serial, rcpt, serial);
  if (list_id)
    g_string_append_printf (s, "List-Id: Synthetic list <%s>\n", list_id);
  return g_string_free (s, FALSE);
}

static char *
dsn (const char *action, const char *status, const char *diag, const char *human,
     const char *rcpt, gint64 at, const char *list_id, guint serial, const char *mta)
{
  char *date = rfc5322_date (at);
  char *orig = original_headers (rcpt, list_id, serial);
  char *s = g_strdup_printf (
    "From: Mail Delivery System <MAILER-DAEMON@%s>\n"
    "To: news-bounces@lists.example.org\n"
    "Subject: Delivery Status Notification\n"
    "Date: %s\n"
    "Message-ID: <dsn-%u@%s>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b%u\"\n"
    "\n"
    "--b%u\n"
    "Content-Type: text/plain; charset=us-ascii\n"
    "\n"
    "%s\n"
    "\n"
    "--b%u\n"
    "Content-Type: message/delivery-status\n"
    "\n"
    "Reporting-MTA: dns; %s\n"
    "Arrival-Date: %s\n"
    "\n"
    "Final-Recipient: rfc822; %s\n"
    "Action: %s\n"
    "Status: %s\n"
    "Remote-MTA: dns; %s\n"
    "Diagnostic-Code: smtp; %s\n"
    "Last-Attempt-Date: %s\n"
    "\n"
    "--b%u\n"
    "Content-Type: text/rfc822-headers\n"
    "\n"
    "%s"
    "\n"
    "--b%u--\n",
    mta, date, serial, mta, serial, serial, human, serial, mta, date, rcpt, action, status, mta,
    diag, date, serial, orig, serial);
  g_free (date);
  g_free (orig);
  return s;
}

char *
synth_message (const char *kind, const char *rcpt, gint64 at, const char *list_id, guint serial)
{
  char *date, *orig, *s;

  if (strcmp (kind, "hard") == 0)
    return dsn ("failed", "5.1.1", "550 5.1.1 <mailbox>: Recipient address rejected: User unknown",
                "The mail system could not deliver your message: the mailbox does not exist.",
                rcpt, at, list_id, serial, "mx1.example.com");
  if (strcmp (kind, "soft") == 0)
    return dsn ("failed", "4.4.1", "421 4.4.1 connect to mx2.example.com[192.0.2.25]:25: "
                "Connection timed out", "The mail system gave up: the host did not answer.",
                rcpt, at, list_id, serial, "mx2.example.com");
  if (strcmp (kind, "mailbox-full") == 0)
    return dsn ("failed", "5.2.2", "552 5.2.2 Mailbox full: the user is over quota",
                "The mail system could not deliver your message: the mailbox is full.",
                rcpt, at, list_id, serial, "mx3.example.com");
  if (strcmp (kind, "spam-block") == 0)
    return dsn ("failed", "5.7.1", "554 5.7.1 Service unavailable; Client host [192.0.2.10] "
                "blocked using zen.spamhaus.org", "Your sending host is listed.",
                rcpt, at, list_id, serial, "mx4.example.net");
  if (strcmp (kind, "authfailure") == 0)
    return dsn ("failed", "5.7.26", "550 5.7.26 Unauthenticated email is not accepted: "
                "SPF and DKIM checks failed (DMARC policy reject)",
                "The receiving system rejected the message: it failed authentication.",
                rcpt, at, list_id, serial, "mx5.example.net");
  if (strcmp (kind, "delivered") == 0)
    return dsn ("delivered", "2.0.0", "250 2.0.0 Ok: queued", "Your message was delivered.",
                rcpt, at, list_id, serial, "mx1.example.com");

  date = rfc5322_date (at);
  orig = original_headers (rcpt, list_id, serial);
  if (strcmp (kind, "complaint") == 0)
    s = g_strdup_printf (
      "From: Abuse Desk <fbl@feedback.example.net>\n"
      "To: fbl-reports@lists.example.org\n"
      "Subject: Abuse report\n"
      "Date: %s\n"
      "Message-ID: <arf-%u@feedback.example.net>\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=feedback-report; boundary=\"f%u\"\n"
      "\n"
      "--f%u\n"
      "Content-Type: text/plain; charset=us-ascii\n"
      "\n"
      "This is an email abuse report.\n"
      "\n"
      "--f%u\n"
      "Content-Type: message/feedback-report\n"
      "\n"
      "Feedback-Type: abuse\n"
      "User-Agent: SyntheticFBL/1.0\n"
      "Version: 1\n"
      "Original-Rcpt-To: %s\n"
      "Arrival-Date: %s\n"
      "\n"
      "--f%u\n"
      "Content-Type: text/rfc822-headers\n"
      "\n"
      "%s"
      "\n"
      "--f%u--\n",
      date, serial, serial, serial, serial, rcpt, date, serial, orig, serial);
  else  /* auto-reply */
    s = g_strdup_printf (
      "From: %s\n"
      "To: news-bounces@lists.example.org\n"
      "Subject: Out of office: Newsletter %u\n"
      "Date: %s\n"
      "Message-ID: <ooo-%u@example.com>\n"
      "Auto-Submitted: auto-replied\n"
      "MIME-Version: 1.0\n"
      "Content-Type: text/plain; charset=us-ascii\n"
      "\n"
      "I am out of the office until next week and will read your message then.\n",
      rcpt, serial, date, serial);
  g_free (date);
  g_free (orig);
  return s;
}

void
synth_mbox_append (GString *mbox, const char *msg)
{
  const char *p = msg;

  g_string_append (mbox, "From MAILER-DAEMON Thu Oct  1 00:00:00 2026\n");
  while (*p) {
    const char *nl = strchr (p, '\n');
    gsize len = nl ? (gsize) (nl - p + 1) : strlen (p);
    const char *q = p;
    while (*q == '>')
      q++;
    if (strncmp (q, "From ", 5) == 0)
      g_string_append_c (mbox, '>');
    g_string_append_len (mbox, p, (gssize) len);
    p += len;
  }
  if (mbox->len && mbox->str[mbox->len - 1] != '\n')
    g_string_append_c (mbox, '\n');
  g_string_append_c (mbox, '\n');
}
