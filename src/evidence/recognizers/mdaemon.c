/* mdaemon.c - MDaemon (Alt-N / MDaemon Technologies) failure notices.
 *
 * "The attached message had PERMANENT fatal delivery errors!" and a
 * session transcript between "--- Session Transcript ---" and "--- End
 * Transcript ---" that holds "RCPT TO:<addr>" and the remote reply. The
 * header X-MDaemon-Deliver-To names the original sender.
 *
 * Every recipient gets the transcript's paragraph; one whose own RCPT TO
 * was refused (the "<--" reply lines after it, before the next "-->"
 * command, start with 4 or 5) gets that reply instead, so that two
 * recipients refused for different causes in one session keep their own.
 * Limits: the report text only; at most 64 KiB of it is walked, and only
 * for 2 to 64 recipients.
 */
#include "recognizers.h"
#include <string.h>

/* own_reply - the 4xx/5xx reply to "RCPT To:<addr>" in @text, or NULL */
static char *
own_reply (const char *text, gsize len, const char *addr)
{
  const char *end = text + len, *p = text;
  gsize alen = strlen (addr);

  while (p < end) {
    const char *nl = _bc_next_line (p, end);
    const char *cmd = _bc_memmem (p, nl - p, "--> ", 4);
    if (cmd && (gsize) (nl - cmd) > 12 + alen && _bc_has_prefix_ci (cmd + 4, "RCPT To:")) {
      const char *a = cmd + 12;
      if (*a == '<')
        a++;
      if ((gsize) (nl - a) >= alen && g_ascii_strncasecmp (a, addr, alen) == 0 &&
          (a[alen] == '>' || a[alen] == ' ' || a[alen] == '\r' || a[alen] == '\n')) {
        GString *r = g_string_new (NULL);
        const char *q = nl;
        while (q < end && r->len < 2000) {
          const char *qn = _bc_next_line (q, end);
          const char *rep = _bc_memmem (q, qn - q, "<-- ", 4);
          if (!rep || _bc_memmem (q, qn - q, "--> ", 4))
            break;
          rep += 4;
          if (r->len)
            g_string_append_c (r, ' ');
          g_string_append_len (r, rep, qn - rep);
          q = qn;
        }
        if (r->len && (r->str[0] == '4' || r->str[0] == '5')) {
          char *d = _bc_squeeze (r->str, r->len);
          g_string_free (r, TRUE);
          return d;
        }
        g_string_free (r, TRUE);
        return NULL;
      }
    }
    p = nl;
  }
  return NULL;
}

static const char *const headers[] = { "X-MDaemon-Deliver-To", "X-MDRemoteIP", NULL };
static const char *const body[] = { "had PERMANENT fatal delivery errors", "had TEMPORARY delivery errors", NULL };
static const char *const from[] = { "MDaemon", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body, .from = from };

static void
scan (BcScan *s)
{
  char *diag = _bc_scan_paragraph (s, "Session Transcript", FALSE);
  _bc_scan_labelled (s, "RCPT TO:", diag);
  if (!s->recipients->len)
    _bc_scan_section (s, "Session Transcript", NULL);
  _bc_scan_give_diag (s, diag, FALSE);
  g_free (diag);
  if (s->recipients->len > 1 && s->recipients->len <= 64) {
    gsize len = MIN (s->mime->ndr_len, (gsize) 65536);
    for (guint i = 0; i < s->recipients->len; i++) {
      BcRecipient *r = g_ptr_array_index (s->recipients, i);
      char *own;
      if (!r->address || !(own = own_reply (s->mime->body->str, len, r->address)))
        continue;
      g_free (r->diagnostic);
      r->diagnostic = own;
    }
  }
}

const BcRecognizer _bc_rec_mdaemon = { "mdaemon", NULL, scan, &spec };
