/* sendmail.c - Sendmail's "Returned mail: see transcript for details".
 *
 * "----- The following addresses had permanent fatal errors -----" then
 * "<addr>" and "(reason: 550 ...)", and "----- Transcript of session
 * follows -----" with the SMTP dialogue. Old Sendmail (V5, and V8 with
 * no "following addresses" list) has the transcript alone.
 *
 * In the transcript Sendmail writes, per host, "... while talking to H.:",
 * the command it sent (">>> RCPT To:<a@b>"), the reply (one or more "<<<
 * 550 ..." lines) and then its own verdict per recipient ("550 5.1.1
 * <a@b>... User unknown", "554 <a@b>... Service unavailable", "<a@b>...
 * Deferred: ..."). When a reply refused MAIL FROM or DATA, that verdict is
 * a generic "Service unavailable" and the cause is the reply above it: the
 * command and reply then go in front of the recipient's diagnostic, unless
 * the diagnostic already holds the reply; and the verdict, Sendmail's own
 * wording of the reply's class, leaves it (drop_verdict). A reply to
 * "RCPT To:<a@b>" is about a@b alone; a "Deferred:" verdict repeats its
 * reply or states a cause of its own (a connection that failed), so it
 * takes none.
 *
 * A warning ("THIS IS A WARNING MESSAGE ONLY", Subject "Warning: could not
 * send message for past 4 hours") lists addresses Sendmail is still trying
 * under "----- The following addresses had transient non-fatal errors
 * -----": those recipients get the DSN action "delayed" when no DSN part
 * gave them one, as a DSN part would have.
 *
 * Limits: the transcript is read once, line by line, up to the next
 * "-----" marker or the end of the report text; a dialogue kept for a
 * verdict holds at most MAX_DIALOGUE bytes.
 */
#include "recognizers.h"

#include <string.h>

#define MAX_DIALOGUE 1000

static const char *const body[] = {
  "----- The following addresses had", "----- Transcript of session follows -----", NULL
};
/* "Returned mail: ..." is the Subject of many mailers that copied
 * Sendmail's: it counts with one of the lines Sendmail opens its notices
 * with (or a list or transcript of its, which claims alone) */
static const char *const subjects[] = { "Returned mail:", "Warning: could not send message", NULL };
static const char *const confirm[] = { "The original message was received at",
                                       "THIS IS A WARNING MESSAGE ONLY", NULL };
static const BcRecSpec spec = { .body = body, .subjects = subjects, .confirm = confirm };

/* verdict_address - the recipient a Sendmail verdict line names: "[NNN
 * [X.Y.Z ]]<a@b>... text" or "a@b... text"; NULL when the line is not
 * one. */
static char *
verdict_address (const char *p, const char *le)
{
  const char *q = p, *aend = NULL, *dots;
  char *a;

  if (le - q >= 4 && g_ascii_isdigit (q[0]) && g_ascii_isdigit (q[1]) &&
      g_ascii_isdigit (q[2]) && (q[3] == ' ' || q[3] == '-')) {
    q += 4;
    if (q < le && g_ascii_isdigit (*q) && q + 1 < le && q[1] == '.') {
      while (q < le && *q != ' ')
        q++;
      while (q < le && *q == ' ')
        q++;
    }
  }
  dots = _bc_memmem (q, le - q, "...", 3);
  if (!dots || dots == q || !memchr (q, '@', dots - q))
    return NULL;
  a = _bc_address_find (q, dots - q, &aend);
  if (a && aend && aend < dots && *aend != '>' && *aend != ' ') {
    g_free (a);
    return NULL;
  }
  return a;
}

/* drop_verdict - Sendmail words its verdict on a refused recipient with
 * the sysexits message of the reply's class, not with the reply: "User
 * unknown" for any 550 to RCPT (a relay refusal, a blocked sender),
 * "Service unavailable" for a refused MAIL FROM or DATA. Once the
 * diagnostic holds the reply, the verdict @v (@n bytes) says nothing the
 * reply does not and may say something it does not mean: it is cut out of
 * @r's diagnostic (its first occurrence, and one space before it). */
static void
drop_verdict (BcRecipient *r, const char *v, gsize n, const GString *reply)
{
  char *d = r->diagnostic;
  const char *f;
  gsize at, len;

  if (!d || n == 0 || (n == reply->len && memcmp (v, reply->str, n) == 0))
    return;
  len = strlen (d);
  f = _bc_memmem (d, len, v, n);
  if (!f)
    return;
  at = f - d;
  if (at > 0 && d[at - 1] == ' ') {
    at--;
    n++;
  }
  memmove (d + at, d + at + n, len - at - n + 1);
  g_strchomp (d);
}

/* transcript_replies - see the header: the reply a verdict follows joins
 * the diagnostic of the recipient the verdict names, when that recipient
 * is already known and its diagnostic lacks the reply. */
static void
transcript_replies (BcScan *s)
{
  const char *p, *end;
  GString *dialogue, *reply;
  char *rcpt = NULL;        /* the address of a ">>> RCPT To:" command */

  _bc_scan_range (s, "Transcript of session follows", NULL, &p, &end);
  if (!_bc_strcasestr_len (p, end - p, "\n<<< "))
    return;
  dialogue = g_string_new (NULL);
  reply = g_string_new (NULL);
  while (p < end) {
    const char *nl = memchr (p, '\n', end - p);
    const char *le = nl ? nl : end, *t = p;

    while (t < le && (*t == ' ' || *t == '\t'))
      t++;
    while (le > t && (le[-1] == ' ' || le[-1] == '\r'))
      le--;
    if (le - t >= 5 && strncmp (t, "-----", 5) == 0)
      break;
    if (le - t >= 4 && strncmp (t, ">>> ", 4) == 0) {
      g_string_truncate (reply, 0);
      g_string_truncate (dialogue, 0);
      g_string_append_len (dialogue, t, MIN (le - t, MAX_DIALOGUE / 2));
      g_clear_pointer (&rcpt, g_free);
      if (le - t > 12 && g_ascii_strncasecmp (t + 4, "RCPT To:", 8) == 0)
        rcpt = _bc_address_find (t + 12, le - t - 12, NULL);
    } else if (le - t >= 4 && strncmp (t, "<<< ", 4) == 0) {
      if (reply->len + (le - t) < MAX_DIALOGUE / 2) {
        if (reply->len)
          g_string_append_c (reply, ' ');
        g_string_append_len (reply, t + 4, le - t - 4);
        g_string_append_c (dialogue, ' ');
        g_string_append_len (dialogue, t, le - t);
      }
    } else if (le - t >= 3 && strncmp (t, "...", 3) == 0) {
      g_string_truncate (reply, 0);
      g_string_truncate (dialogue, 0);
    } else if (reply->len && (reply->str[0] == '4' || reply->str[0] == '5') &&
               !_bc_strcasestr_len (t, le - t, "... Deferred")) {
      char *a = verdict_address (t, le);
      if (a && rcpt && g_ascii_strcasecmp (a, rcpt) != 0)
        g_clear_pointer (&a, g_free);
      for (guint i = 0; a && i < s->recipients->len; i++) {
        BcRecipient *r = g_ptr_array_index (s->recipients, i);
        char *n;
        if (g_ascii_strcasecmp (r->address, a) != 0)
          continue;
        if (!r->diagnostic || !strstr (r->diagnostic, reply->str)) {
          n = r->diagnostic ? g_strconcat (dialogue->str, " ", r->diagnostic, NULL)
                            : g_strdup (dialogue->str);
          g_free (r->diagnostic);
          r->diagnostic = n;
        }
        drop_verdict (r, t, le - t, reply);
        break;
      }
      g_free (a);
    }
    p = nl ? nl + 1 : end;
  }
  g_free (rcpt);
  g_string_free (dialogue, TRUE);
  g_string_free (reply, TRUE);
}

/* mark_delayed - the recipients of a warning, or those listed under
 * "transient non-fatal errors", are "delayed" (see the header) */
static void
mark_delayed (BcScan *s, guint from)
{
  static const char *const subjects[] = { "Warning: could not send message", NULL };
  const char *b = NULL, *e = NULL;
  gboolean all = _bc_subject_starts (s->mime, subjects) ||
                 _bc_body_find (s->mime, "THIS IS A WARNING MESSAGE ONLY") != NULL;

  if (!all) {
    if (!_bc_body_find (s->mime, "----- The following addresses had transient"))
      return;
    _bc_scan_range (s, "----- The following addresses had transient", NULL, &b, &e);
    {
      const char *f = _bc_strcasestr_len (b, e - b, "-----");
      if (f)
        e = f;
    }
  }
  for (guint i = from; i < s->recipients->len; i++) {
    BcRecipient *r = g_ptr_array_index (s->recipients, i);
    if (r->dsn_action || !r->address)
      continue;
    if (all || _bc_strcasestr_len (b, e - b, r->address))
      r->dsn_action = g_strdup ("delayed");
  }
}

static void
scan (BcScan *s)
{
  guint before = s->recipients->len;

  if (_bc_body_find (s->mime, "----- The following addresses had"))
    _bc_scan_section (s, "----- The following addresses had", NULL);
  else
    _bc_scan_section (s, "----- Transcript of session follows", NULL);
  if (s->recipients->len) {
    transcript_replies (s);
    mark_delayed (s, before);
  }
}

const BcRecognizer _bc_rec_sendmail = { "sendmail", NULL, scan, &spec };
