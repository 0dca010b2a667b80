/* diagnostic.c - what a free-text recipient's diagnostic holds: the
 * receiving server's words and the reporting MTA's own cause, not the
 * MTA's framing; and the cause an NDR states once for the whole message.
 *
 * Framing (_bc_diag_unframe). Some MTAs wrap the remote server's reply in a
 * template of their own that names the host and the SMTP command:
 *   Exim      "host mx.example.com [192.0.2.1]", "host ... [...]: ",
 *             "SMTP error from remote mail server after RCPT TO:<a@b>:",
 *             "... after MAIL FROM:<a@b> SIZE=1234:", "... after end of
 *             data:", "Delay reason:";
 *   GMX, 1&1  "SMTP error from remote server for RCPT TO command, host:
 *             mx.example.com (192.0.2.1) reason:";
 *   qmail     "Connected to 192.0.2.1 but sender was rejected.", "192.0.2.1
 *             does not like recipient.", "192.0.2.1 failed after I sent the
 *             message." (each only before "Remote host said:"), "Remote
 *             host said:", "Giving up on 192.0.2.1.";
 *   Postfix   "host mx.example.com[192.0.2.1] said:", "host ... refused to
 *             talk to me:" (at the start, or after "(expanded from <a>):",
 *             which stays), and the "(in reply to RCPT TO command)" that
 *             ends the text after them.
 * That framing leaves the diagnostic, which keeps the server's words
 * exactly, as a DSN's Diagnostic-Code does; the host goes to the
 * recipient's remote_mta (a DSN's Remote-MTA) when that is still unset.
 * The command stays readable in the report text, where command.c finds it.
 * A host is taken only where the template puts it: at the start of the
 * text or right after another piece of framing, so that a server's own
 * "host x [ip] is listed" stays. The MTA's own cause ("Connection timed
 * out", "Sorry, I couldn't find any host named x") is not framing and
 * stays, and so does the qmail sentence when no reply follows it, since it
 * is then all there is. A text made only of framing is kept whole.
 *
 * Give-up note (_bc_diag_giveup_note). An NDR may say once that the MTA
 * stopped retrying the whole message because it was too old: qmail's "I'm
 * not going to try again; this message has been in the queue too long.",
 * Sendmail's "Message could not be delivered for 5 days", Exim's "retry
 * timeout exceeded". Wherever it stands (the preamble, the transcript, the
 * block of one recipient), it concerns every recipient that was still
 * failing temporarily, and it may be the only evidence of the reason
 * (expired). _bc_diag_add_note() appends it to each recipient whose
 * diagnostic and status carry no permanent code. A delay warning (still
 * retrying) has no give-up note.
 *
 * Limits: a diagnostic is read once, at most MAX_UNFRAME bytes of it (the
 * rest is kept as it is); host names are at most 255 bytes; the note is
 * searched in at most 64 KiB of the report text, paragraphs of at most
 * 2000 bytes, and is at most 300 bytes.
 */
#include "bc-private.h"

#include <string.h>

#define MAX_UNFRAME 4096
#define MAX_HOST 255
#define NOTE_SPAN (64 * 1024)
#define NOTE_PARA 2000
#define NOTE_MAX 300

/* ---- framing -------------------------------------------------------------- */

/* prefix_ci - the length of @prefix when @s starts with it (ASCII case
 * ignored), else 0 */
static inline gsize
prefix_ci (const char *s, const char *prefix)
{
  return _bc_has_prefix_ci (s, prefix) ? strlen (prefix) : 0;
}

static gboolean
host_char (char c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '-' || c == '_';
}

/* host_token - the length of a host name or IPv4 address at @s (letters,
 * digits, '.', '-', '_'; at most MAX_HOST), else 0. A name ends before a
 * final '.' ("Giving up on 192.0.2.1."). */
static gsize
host_token (const char *s)
{
  gsize n = 0;

  while (n <= MAX_HOST && host_char (s[n]))
    n++;
  if (n > MAX_HOST)
    return 0;
  while (n > 0 && s[n - 1] == '.')
    n--;
  return n;
}

/* ip_literal - the length of "[192.0.2.1]" or "[IPv6:2001:db8::1]" at @s,
 * else 0. */
static gsize
ip_literal (const char *s)
{
  gsize n = 1;

  if (s[0] != '[')
    return 0;
  n += prefix_ci (s + 1, "ipv6:");
  while (n < 64 && (g_ascii_isxdigit (s[n]) || s[n] == '.' || s[n] == ':'))
    n++;
  return s[n] == ']' && n > 1 ? n + 1 : 0;
}

static void
take_host (char **host, const char *s, gsize n)
{
  if (!*host && n > 0)
    *host = g_strndup (s, n);
}

/* exim_host - "host H [IP]" then ':' or nothing (the line break that Exim
 * puts before the reply was squeezed into a space), or "host: H (IP)" /
 * "host: H" (GMX); at a start of framing only. Without a ':' the text
 * after it must be framing too, a reply code, or the end. */
static gsize
exim_host (const char *s, char **host)
{
  gsize n, h, ip;

  if (!(n = prefix_ci (s, "host ")) && !(n = prefix_ci (s, "host: ")))
    return 0;
  h = host_token (s + n);
  if (!h)
    return 0;
  if (s[n - 2] == ':') {
    /* GMX: "host: H (IP) reason:" or "host: H " before the reply */
    gsize e = n + h;
    if (s[e] == ' ' && s[e + 1] == '(') {
      gsize k = e + 2;
      while (k < e + 48 && (g_ascii_isxdigit (s[k]) || s[k] == '.' || s[k] == ':'))
        k++;
      if (s[k] != ')')
        return 0;
      e = k + 1;
    }
    if (s[e] != ' ' && s[e] != '\0')
      return 0;
    while (s[e] == ' ')
      e++;
    e += prefix_ci (s + e, "reason:");
    take_host (host, s + n, h);
    return e;
  }
  if (s[n + h] != ' ' || !(ip = ip_literal (s + n + h + 1)))
    return 0;
  {
    gsize e = n + h + 1 + ip, k = e;
    if (s[e] == ':') {
      e++;
    } else {
      while (s[k] == ' ')
        k++;
      if (s[k] != '\0' && !g_ascii_isdigit (s[k]) && !prefix_ci (s + k, "smtp error from") &&
          !prefix_ci (s + k, "delay reason:"))
        return 0;
    }
    take_host (host, s + n, h);
    return e;
  }
}

/* exim_smtp_error - "SMTP error from remote mail server after CMD:" and
 * its kin, up to the ':' that ends the command (not the one of "RCPT
 * TO:<a@b>", nor one inside <>). GMX's "..., host: H (IP) reason:" is read
 * on as well. */
static gsize
exim_smtp_error (const char *s, char **host)
{
  static const char *const heads[] = {
    "smtp error from remote mail server after ", "smtp error from remote mailer after ",
    "smtp error from remote server after ", "smtp error from remote server for ", NULL
  };
  gsize n = 0, k;
  gboolean in_angle = FALSE;

  for (guint i = 0; heads[i] && !n; i++)
    n = prefix_ci (s, heads[i]);
  if (!n)
    return 0;
  for (k = n; s[k] && k < n + 300; k++) {
    if (s[k] == '<')
      in_angle = TRUE;
    else if (s[k] == '>')
      in_angle = FALSE;
    else if (s[k] == ':' && !in_angle && (s[k + 1] == ' ' || s[k + 1] == '\0') &&
             s[k + 1 + (s[k + 1] == ' ')] != '<') {
      /* "..., host: H (IP) reason:": the host is framing too */
      if (k >= 5 && g_ascii_strncasecmp (s + k - 5, " host", 5) == 0) {
        gsize h = exim_host (s + k - 4, host);
        if (h)
          return k - 4 + h;
      }
      return k + 1;
    }
  }
  return 0;
}

/* qmail_stage - qmail-remote's sentence naming the host and the stage
 * ("Connected to H but sender was rejected.", "H does not like
 * recipient.", ...), only when "Remote host said:" follows it; the label
 * goes with it. */
static gsize
qmail_stage (const char *s, char **host)
{
  static const char *const connected[] = {
    " but sender was rejected.", " but my name was rejected.", " but greeting failed.", NULL
  };
  static const char *const after[] = {
    " does not like recipient.", " failed after I sent the message.",
    " failed on DATA command.", NULL
  };
  gsize n = prefix_ci (s, "connected to "), h, tail = 0, said;
  const char *const *tails = n ? connected : after;

  h = host_token (s + n);
  if (!h)
    return 0;
  for (guint i = 0; tails[i] && !tail; i++)
    tail = prefix_ci (s + n + h, tails[i]);
  if (!tail)
    return 0;
  said = n + h + tail;
  while (s[said] == ' ')
    said++;
  if (!prefix_ci (s + said, "remote host said:"))
    return 0;
  take_host (host, s + n, h);
  return said + strlen ("remote host said:");
}

/* qmail_giving_up - "Giving up on 192.0.2.1." (qmail names the address;
 * another MTA's "giving up on mx.example.com" is a cause, and stays) */
static gsize
qmail_giving_up (const char *s, char **host)
{
  gsize n = prefix_ci (s, "giving up on "), h;

  if (!n || !(h = host_token (s + n)) || s[n + h] != '.' ||
      (s[n + h + 1] != ' ' && s[n + h + 1] != '\0'))
    return 0;
  for (gsize k = 0; k < h; k++)
    if (!g_ascii_isdigit (s[n + k]) && s[n + k] != '.')
      return 0;
  take_host (host, s + n, h);
  return n + h + 1;
}

/* postfix_host - "host H[IP] said:" or "host H[IP] refused to talk to me:" */
static gsize
postfix_host (const char *s, char **host)
{
  gsize n = prefix_ci (s, "host "), h, ip, t;

  if (!n || !(h = host_token (s + n)) || !(ip = ip_literal (s + n + h)))
    return 0;
  t = n + h + ip;
  if (!(prefix_ci (s + t, " said:") || prefix_ci (s + t, " refused to talk to me:")))
    return 0;
  take_host (host, s + n, h);
  return t + (s[t + 1] == 's' || s[t + 1] == 'S' ? strlen (" said:")
                                                 : strlen (" refused to talk to me:"));
}

/* expanded_note - "(expanded from <a@b>): " at @s: its length, else 0 */
static gsize
expanded_note (const char *s)
{
  gsize n = prefix_ci (s, "(expanded from "), k;

  if (!n)
    return 0;
  for (k = n; k < n + 300 && s[k] && s[k] != ')'; k++)
    ;
  return s[k] == ')' && s[k + 1] == ':' ? k + 2 : 0;
}

/* postfix_in_reply - " (in reply to CMD command)" ending the text (one
 * inside the server's words, quoting another host, stays) */
static gsize
postfix_in_reply (const char *s)
{
  gsize n = prefix_ci (s, "(in reply to "), k = 0;
  const char *close;

  if (!n)
    return 0;
  while (k < 48 && s[n + k] && s[n + k] != ')')
    k++;
  close = s[n + k] == ')' ? s + n + k : NULL;
  if (!close || close - (s + n) < 8 || g_ascii_strncasecmp (close - 8, " command", 8) != 0)
    return 0;
  for (k = 1; close[k] == ' ' || close[k] == '.'; k++)
    ;
  return close[k] == '\0' ? close + 1 - s : 0;
}

char *
_bc_diag_unframe (const char *diag, char **remote_host)
{
  GString *out;
  const char *s = diag;
  gsize len, i = 0;
  gboolean start = TRUE;       /* a start of framing: the text's, or after framing */
  gboolean postfix = FALSE, cut = FALSE;
  char *host = NULL, *res;

  if (!diag || !*diag)
    return g_strdup (diag);
  len = strlen (diag);
  /* every piece of framing holds one of these: without them the text
   * stays whole, and the walk below need not try each word */
  if (!_bc_strcasestr_len (diag, len, "host") && !_bc_strcasestr_len (diag, len, "smtp error") &&
      !_bc_strcasestr_len (diag, len, "giving up on") &&
      !_bc_strcasestr_len (diag, len, "(expanded from") &&
      !_bc_strcasestr_len (diag, len, "(in reply to") &&
      !_bc_strcasestr_len (diag, len, "delay reason:"))
    return g_strdup (diag);
  out = g_string_sized_new (len);
  while (i < len && i < MAX_UNFRAME) {
    const char *p = s + i;
    gboolean word = i == 0 || p[-1] == ' ' || p[-1] == '(';
    gsize n = 0;

    if (*p == ' ') {
      g_string_append_c (out, ' ');
      i++;
      continue;
    }
    if (start && (n = exim_host (p, &host)) == 0 && (n = prefix_ci (p, "delay reason:")) == 0 &&
        (n = postfix_host (p, &host)) != 0)
      postfix = TRUE;
    if (start && !n && (n = expanded_note (p)) != 0) {
      /* Postfix's "(expanded from <a@b>):" says which alias; it stays,
       * and the framing may follow it */
      g_string_append_len (out, p, n);
      i += n;
      continue;
    }
    if (!n && word) {
      if ((n = exim_smtp_error (p, &host)) == 0 && (n = qmail_stage (p, &host)) == 0 &&
          (n = prefix_ci (p, "remote host said:")) == 0)
        n = qmail_giving_up (p, &host);
      if (!n && postfix)
        n = postfix_in_reply (p);
    }
    if (n) {
      cut = TRUE;
      start = TRUE;
      i += n;
      continue;
    }
    start = FALSE;
    g_string_append_c (out, *p);
    i++;
  }
  if (i < len)
    g_string_append (out, s + i);
  res = _bc_squeeze (out->str, out->len);
  g_string_free (out, TRUE);
  if (!cut || !*res) {
    /* nothing but framing: the text stays whole */
    g_free (res);
    res = g_strdup (diag);
  }
  if (remote_host && !*remote_host && host)
    *remote_host = host;
  else
    g_free (host);
  return res;
}

/* ---- give-up note ----------------------------------------------------------- */

/* The phrases that say the MTA gave up for the message's age, lower case.
 * "could not be delivered for " counts only before a number ("... for 5
 * days"); Postfix's warning "could not be delivered for more than 4
 * hour(s)" does not. */
static const char *const giveup[] = {
  "queue too long", "too long in the queue", "too long in queue", "retry timeout exceeded",
  "could not be delivered for ", NULL
};

/* A delay warning: the MTA is still trying. */
static const char *const still_trying[] = {
  "warning only", "this is a warning", "no action is required", "will keep trying",
  "will be retried", "still being retried", "not yet been delivered", "still undelivered",
  "will continue trying", "temporary problem delivering", NULL
};

/* giveup_at - where the first give-up phrase of @text (@len bytes, any
 * case) starts, or NULL; *@plen receives its length. */
static const char *
giveup_at (const char *text, gsize len, gsize *plen)
{
  const char *best = NULL;

  for (guint i = 0; giveup[i]; i++) {
    gsize n = strlen (giveup[i]);
    const char *p = text, *e = text + len, *f;
    guint tries = 0;
    while ((f = _bc_strcasestr_len (p, e - p, giveup[i])) != NULL && tries++ < 8) {
      if (i != 4 || (f + n < e && g_ascii_isdigit (f[n]))) {
        if (!best || f < best) {
          best = f;
          *plen = n;
        }
        break;
      }
      p = f + n;
    }
  }
  return best;
}

char *
_bc_diag_giveup_note (const BcMime *m)
{
  const char *body = m->body->str, *f = NULL, *e, *b, *x;
  gsize span = MIN (m->ndr_len, NOTE_SPAN), n = 0;
  char *line, *note;

  /* the phrases' rarest words first: most reports hold none of them */
  if (!_bc_body_find (m, "queue") && !_bc_body_find (m, "retry timeout") &&
      !_bc_body_find (m, "delivered for "))
    return NULL;
  for (guint i = 0; still_trying[i]; i++)
    if (_bc_body_find (m, still_trying[i]))
      return NULL;
  f = giveup_at (body, span, &n);
  if (!f)
    return NULL;
  /* the sentence: from the line's start or the last sentence break
   * before the phrase, to the first break after it or the line's end */
  b = f;
  while (b > body && b[-1] != '\n' && f - b < NOTE_MAX / 2 &&
         !((b[-1] == ' ' || b[-1] == '\t') && b - 1 > body &&
           (b[-2] == '.' || b[-2] == '!' || b[-2] == '?')))
    b--;
  e = body + span;
  x = f + n;
  while (x < e && *x != '\n' && x - b < NOTE_MAX &&
         !((*x == '.' || *x == '!' || *x == '?') &&
           (x + 1 == e || x[1] == ' ' || x[1] == '\n' || x[1] == '\t' || x[1] == '\r')))
    x++;
  if (x < e && (*x == '.' || *x == '!' || *x == '?'))
    x++;
  /* the byte bounds may have stopped inside a character: the note holds
   * whole characters only */
  while (b < f && ((guchar) *b & 0xc0) == 0x80)
    b++;
  while (x > f + n && x < e && ((guchar) *x & 0xc0) == 0x80)
    x--;
  line = _bc_squeeze (b, x - b);
  note = *line ? line : NULL;
  if (!note)
    g_free (line);
  return note;
}

/* permanent - does @r carry a permanent code (status or reply 5xx)? */
static gboolean
permanent (const BcRecipient *r)
{
  char st[16], rc[4];

  if (r->status[0] == '5' || r->reply_code[0] == '5')
    return TRUE;
  return r->diagnostic && ((_bc_find_status (r->diagnostic, st) && st[0] == '5') ||
                           (_bc_find_reply (r->diagnostic, rc) && rc[0] == '5'));
}

/* takes_note - could @r be given the give-up note? Not a complaint nor an
 * auto-reply, not a recipient its DSN calls anything but failed, not one
 * whose own code is permanent */
static gboolean
takes_note (const BcRecipient *r)
{
  return r->source != BC_SOURCE_ARF && r->source != BC_SOURCE_AUTOREPLY &&
         (!r->dsn_action || g_ascii_strcasecmp (r->dsn_action, "failed") == 0) && !permanent (r);
}

gboolean
_bc_diag_note_wanted (GPtrArray *rcpts)
{
  for (guint i = 0; i < rcpts->len; i++)
    if (takes_note (g_ptr_array_index (rcpts, i)))
      return TRUE;
  return FALSE;
}

void
_bc_diag_add_note (GPtrArray *rcpts, const char *note)
{
  if (!note || !*note)
    return;
  for (guint i = 0; i < rcpts->len; i++) {
    BcRecipient *r = g_ptr_array_index (rcpts, i);
    gsize n;
    if (!takes_note (r))
      continue;
    if (r->diagnostic && (_bc_strcasestr (r->diagnostic, note) ||
                          giveup_at (r->diagnostic, strlen (r->diagnostic), &n)))
      continue;                 /* it says so already */
    {
      char *d = r->diagnostic && *r->diagnostic ? g_strconcat (r->diagnostic, " ", note, NULL)
                                                : g_strdup (note);
      g_free (r->diagnostic);
      r->diagnostic = d;
    }
  }
}

/* _bc_diag_mark_delayed - a delay warning written as free text only (no
 * DSN part gives an Action) says once that the MTA is still trying ("The
 * server will keep trying", "There was a temporary problem delivering your
 * message"): each recipient read out of that text with no permanent code
 * is delayed, as a DSN's "Action: delayed" would say, so that the rules
 * read its cause as a delay's (a timed-out connection in a warning is a
 * network error; the message has not expired). A recognizer's own verdict
 * (dsn_action set) stays. */
void
_bc_diag_mark_delayed (const BcMime *m, GPtrArray *rcpts)
{
  gboolean trying = FALSE;

  if ((m->dsn && m->dsn->len > 0) || m->arf || m->ndr_len == 0)
    return;
  for (guint i = 0; still_trying[i] && !trying; i++)
    trying = _bc_body_find (m, still_trying[i]) != NULL;
  if (!trying)
    return;
  for (guint i = 0; i < rcpts->len; i++) {
    BcRecipient *r = g_ptr_array_index (rcpts, i);
    if (r->source == BC_SOURCE_TEXT && !r->dsn_action && !permanent (r))
      r->dsn_action = g_strdup ("delayed");
  }
}
