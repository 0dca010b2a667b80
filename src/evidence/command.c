/* command.c - which SMTP command the remote host was answering when it
 * refused a recipient.
 *
 * The command tells much about the cause: a refusal at the greeting or HELO
 * is about the sending host, at MAIL FROM about the sender, at RCPT TO about
 * the recipient, and after DATA about the message (a "user unknown" after
 * DATA comes from a filter, since the address was accepted). MTAs name the
 * command in their own words; this file knows the common ones:
 *   Postfix   "(in reply to RCPT TO command)", "(in reply to end of DATA
 *             command)"
 *   Exim      "SMTP error from remote mail server after RCPT TO:<...>",
 *             "... after end of data", "... after initial connection"
 *   GMX/1&1   "SMTP error from remote server after RCPT command",
 *             "... for TEXT command"
 *   Postfix   "refused to talk to me" (the greeting was a refusal)
 *   qmail     "does not like recipient", "failed after I sent the message",
 *             "but sender was rejected", "but my name was rejected",
 *             "most progress was RCPT TO response"
 *   Sendmail  a transcript: the last ">>> COMMAND" line before "<<< 5xx"
 *   others    "did not like our RCPT TO", "[RCPT_TO]", "SMTP:RCPT",
 *             "in response to the MAIL FROM command", "while sending DATA"
 * The answer is a static string: "CONN", "HELO", "STARTTLS", "AUTH",
 * "MAIL", "RCPT", "DATA", or NULL when the text does not say.
 *
 * Limits: at most MAX_SCAN bytes of any text are searched; the expressions
 * run with a PCRE match limit; nothing is allocated that outlives a call.
 */
#include "bc-private.h"

#include <string.h>

#define MAX_SCAN 16384
#define WINDOW_BEFORE 400
#define WINDOW_AFTER 1200

static GRegex *phrase_re;
static GRegex *transcript_re;

static void
compile_once (void)
{
  static gsize once;

  if (g_once_init_enter (&once)) {
    /* Each alternative captures the command word in a named group; white
     * space may be a folded line end. */
    phrase_re = g_regex_new (
      "(*LIMIT_MATCH=100000)"
      "(?:in\\s+(?:reply|response)\\s+to\\s+(?:the\\s+)?(?:end\\s+of\\s+)?(?<a>DATA|RCPT\\s+TO|MAIL\\s+FROM|RCPT|MAIL|HELO|EHLO|STARTTLS|AUTH|XEXCH50|BDAT)\\b"
      "|\\bafter\\s+(?<b>end\\s+of\\s+data|data(?!\\s+[a-z])|rcpt\\s+to|mail\\s+from|initial\\s+connection|helo|ehlo|starttls|pipelined\\s+mail\\s+from|pipelined\\s+rcpt\\s+to|sending\\s+data\\s+block)\\b"
      "|(?:after|for)\\s+(?:the\\s+)?(?<c>RCPT|MAIL|DATA|TEXT|HELO|EHLO)\\s+command"
      "|did\\s+not\\s+like\\s+our\\s+(?<d>RCPT\\s+TO|MAIL\\s+FROM|DATA|HELO|EHLO)"
      "|\\[(?<e>RCPT_TO|MAIL_FROM|DATA|CONNECT|HELO|EHLO)\\]"
      "|smtp:(?<f>RCPT|MAIL|DATA|HELO|EHLO)\\b"
      "|most\\s+progress\\s+was\\s+(?<g>RCPT\\s+TO|MAIL\\s+FROM|DATA|HELO|EHLO)\\s+response"
      "|while\\s+(?:sending|issuing)\\s+(?:the\\s+)?(?<h>RCPT\\s+TO|MAIL\\s+FROM|DATA|HELO|EHLO)\\b"
      "|(?<rcpt>does\\s+not\\s+like\\s+recipient)"
      "|(?<data>failed\\s+after\\s+I\\s+sent\\s+the\\s+message)"
      "|(?<mail>but\\s+sender\\s+was\\s+rejected)"
      "|(?<helo>but\\s+my\\s+name\\s+was\\s+rejected)"
      "|(?<conn>refused\\s+to\\s+talk\\s+to\\s+me|greeting\\s+(?:was\\s+)?(?:rejected|refused)|after\\s+initial\\s+connection)"
      ")",
      G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
    /* a Sendmail-style transcript line: ">>> COMMAND" or "<<< 5xx" */
    transcript_re = g_regex_new (
      "(*LIMIT_MATCH=100000)^\\s*(?:(>>>) ?(DATA|RCPT|MAIL|HELO|EHLO|STARTTLS|AUTH|QUIT)\\b"
      "|(<<<) ?[45]\\d\\d)",
      G_REGEX_CASELESS | G_REGEX_MULTILINE | G_REGEX_OPTIMIZE, 0, NULL);
    g_once_init_leave (&once, 1);
  }
}

/* squeeze - collapse each run of white space in @w to one space, in place */
static void
squeeze (char *w)
{
  char *o = w;
  gboolean sp = FALSE;

  for (char *p = w; *p; p++) {
    if (g_ascii_isspace (*p)) {
      sp = TRUE;
      continue;
    }
    if (sp && o != w)
      *o++ = ' ';
    sp = FALSE;
    *o++ = *p;
  }
  *o = '\0';
}

/* normalize - the command word as one of the static names. */
static const char *
normalize (char *w)
{
  if (!w || !*w)
    return NULL;
  squeeze (w);
  if (g_ascii_strncasecmp (w, "rcpt", 4) == 0 || g_ascii_strncasecmp (w, "pipelined rcpt", 14) == 0)
    return "RCPT";
  if (g_ascii_strncasecmp (w, "mail", 4) == 0 || g_ascii_strncasecmp (w, "pipelined mail", 14) == 0)
    return "MAIL";
  if (g_ascii_strncasecmp (w, "end of data", 11) == 0 || g_ascii_strcasecmp (w, "data") == 0 ||
      g_ascii_strcasecmp (w, "text") == 0 || g_ascii_strcasecmp (w, "bdat") == 0 ||
      g_ascii_strcasecmp (w, "xexch50") == 0 || g_ascii_strncasecmp (w, "sending data", 12) == 0)
    return "DATA";
  if (g_ascii_strcasecmp (w, "helo") == 0 || g_ascii_strcasecmp (w, "ehlo") == 0)
    return "HELO";
  if (g_ascii_strcasecmp (w, "initial connection") == 0 || g_ascii_strcasecmp (w, "connect") == 0)
    return "CONN";
  if (g_ascii_strcasecmp (w, "starttls") == 0)
    return "STARTTLS";
  if (g_ascii_strcasecmp (w, "auth") == 0)
    return "AUTH";
  return NULL;
}

static const char *
from_phrase (const char *text, gsize len)
{
  static const char *const groups[] = { "a", "b", "c", "d", "e", "f", "g", "h" };
  static const struct { const char *group; const char *cmd; } fixed[] = {
    { "rcpt", "RCPT" }, { "data", "DATA" }, { "mail", "MAIL" }, { "helo", "HELO" },
    { "conn", "CONN" },
  };
  GMatchInfo *mi = NULL;
  const char *cmd = NULL;

  if (!phrase_re || len == 0)
    return NULL;
  if (g_regex_match_full (phrase_re, text, MIN (len, MAX_SCAN), 0, 0, &mi, NULL)) {
    for (guint i = 0; !cmd && i < G_N_ELEMENTS (groups); i++) {
      char *w = g_match_info_fetch_named (mi, groups[i]);
      cmd = normalize (w);
      g_free (w);
    }
    for (guint i = 0; !cmd && i < G_N_ELEMENTS (fixed); i++) {
      char *w = g_match_info_fetch_named (mi, fixed[i].group);
      if (w && *w)
        cmd = fixed[i].cmd;
      g_free (w);
    }
  }
  g_match_info_free (mi);
  return cmd;
}

/* from_transcript - the last ">>> COMMAND" before the first "<<< 4xx/5xx"
 * in @text. */
static const char *
from_transcript (const char *text, gsize len)
{
  GMatchInfo *mi = NULL;
  const char *last = NULL, *cmd = NULL;

  if (!transcript_re || len == 0)
    return NULL;
  g_regex_match_full (transcript_re, text, MIN (len, MAX_SCAN), 0, 0, &mi, NULL);
  while (g_match_info_matches (mi)) {
    char *out = g_match_info_fetch (mi, 1);
    if (out && *out) {
      char *w = g_match_info_fetch (mi, 2);
      last = normalize (w);
      if (!last && w && g_ascii_strcasecmp (w, "quit") == 0)
        last = NULL;
      g_free (w);
    } else if (last) {
      cmd = last;
      g_free (out);
      break;
    }
    g_free (out);
    if (!g_match_info_next (mi, NULL))
      break;
  }
  g_match_info_free (mi);
  return cmd;
}

/* _bc_smtp_command_in - the command named in @text (@len bytes), or NULL. */
const char *
_bc_smtp_command_in (const char *text, gsize len)
{
  const char *cmd;

  if (!text)
    return NULL;
  compile_once ();
  cmd = from_phrase (text, len);
  if (!cmd)
    cmd = from_transcript (text, len);
  return cmd;
}

/* _bc_smtp_command_for - the command @r was refused at: from its diagnostic,
 * else from the bounce's text around its address, else (when the bounce
 * names one recipient, @only_one) from the whole text of the bounce. */
const char *
_bc_smtp_command_for (const BcMime *m, const BcRecipient *r, gboolean only_one)
{
  const char *cmd = NULL;
  const char *body;
  gsize blen;

  if (r->diagnostic)
    cmd = _bc_smtp_command_in (r->diagnostic, strlen (r->diagnostic));
  if (cmd || !m || !m->body)
    return cmd;
  body = m->body->str;
  blen = m->ndr_len ? MIN (m->ndr_len, m->body->len) : m->body->len;
  blen = MIN (blen, (gsize) 4 * MAX_SCAN);
  if (r->address && *r->address) {
    const char *p = _bc_strcasestr_len (body, blen, r->address);
    if (p) {
      gsize at = p - body;
      gsize lo = at > WINDOW_BEFORE ? at - WINDOW_BEFORE : 0;
      gsize hi = MIN (blen, at + WINDOW_AFTER);
      /* phrases follow the address (Postfix, Exim); a transcript's command
       * comes before the reply that names it (Sendmail) */
      cmd = from_phrase (p, hi - at);
      if (!cmd)
        cmd = from_transcript (body + lo, hi - lo);
    }
  }
  if (!cmd && only_one)
    cmd = _bc_smtp_command_in (body, blen);
  return cmd;
}
