/* trendmicro.c - Trend Micro InterScan Messaging Security Suite (IMSS) notices.
 *
 * "Message from InterScan Messaging Security Suite" framed by rows of
 * asterisks, "Unable to deliver message to <addr> (and other recipients
 * in the same domain)." and sometimes "Reason: ...". InterScan MSS also
 * writes the SMTP dialogue under that line as "Sent <<< RCPT TO:<addr>"
 * and "Received >>> 550 ..."; a reply to a command other than RCPT TO
 * (EHLO, MAIL FROM, DATA) names no address and is given to every one. */
#include "recognizers.h"

#include <string.h>

static const char *const headers[] = { "X-Mailer: InterScan", NULL };
static const char *const body[] = { "Message from InterScan", "InterScan Messaging Security",
                                    "Sent <<< RCPT TO:", NULL };
static const char *const from[] = { "InterScan", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body, .from = from };

/* other_reply - the reply InterScan quotes after "Sent <<< CMD" for a
 * command that names no recipient (EHLO, MAIL FROM, DATA), as "Sent <<< CMD
 * Received >>> reply"; NULL when every quoted command is RCPT TO. Such a
 * reply refused the whole message, so it is the cause for every address. */
static char *
other_reply (const BcScan *s)
{
  const BcMime *m = s->mime;
  const char *p = m->body->str, *e = m->body->str + m->ndr_len;

  while (p < e && (p = _bc_strcasestr_len (p, e - p, "Sent <<< ")) != NULL) {
    const char *cmd = p + 9, *le = memchr (cmd, '\n', e - cmd), *r, *re;
    if (!le)
      return NULL;
    p = le;
    if (g_ascii_strncasecmp (cmd, "RCPT", 4) == 0)
      continue;
    r = _bc_next_line (le, e);
    if (r >= e || g_ascii_strncasecmp (r, "Received >>> ", 13) != 0)
      continue;
    re = memchr (r, '\n', e - r);
    return _bc_squeeze (cmd - 9, (re ? re : e) - (cmd - 9));
  }
  return NULL;
}

static void
scan (BcScan *s)
{
  if (_bc_body_find (s->mime, "Received >>> ")) {
    /* the dialogue: the block scanner pairs the reply with the address */
    _bc_scan_section (s, NULL, NULL);
    if (s->recipients->len) {
      char *reply = other_reply (s);
      _bc_scan_give_diag (s, reply, TRUE);
      g_free (reply);
      return;
    }
  }
  {
    /* the cause is the paragraph under "Unable to deliver message to" */
    char *cause = _bc_scan_paragraph (s, "deliver message to", FALSE);
    _bc_scan_labelled (s, "deliver message to", cause);
    g_free (cause);
  }
  if (!s->recipients->len)
    _bc_scan_section (s, NULL, NULL);
  {
    char *reply = other_reply (s);
    _bc_scan_give_diag (s, reply, TRUE);
    g_free (reply);
  }
  {
    char *diag = _bc_scan_paragraph (s, "Message from InterScan", FALSE);
    _bc_scan_give_diag (s, diag, TRUE);
    g_free (diag);
  }
}

const BcRecognizer _bc_rec_trendmicro = { "trendmicro", NULL, scan, &spec };
