/* codes.c - find SMTP reply codes and RFC 3463 enhanced status codes.
 *
 * An enhanced code is class.subject.detail with class 2, 4 or 5, a subject
 * of 0 to 7 (the only ones RFC 3463 and its registry define: Yahoo's
 * "[#4.16.1]" and "- 4.16.50" are its own trace numbers, "Exim 4.98.1" a
 * version) and up to three digits of detail; a reply code is three
 * digits, the first 2, 4 or 5 and the second 0 to 5. Neither may be part
 * of a longer number or of a dotted quad. Allocates nothing.
 */
#include "bc-private.h"

#include <string.h>

static gsize
digits (const char *s, gsize max)
{
  gsize n = 0;
  while (n <= max && g_ascii_isdigit (s[n]))
    n++;
  return n;
}

/* status_at - the length of an enhanced code starting at @s, or 0. */
static gsize
status_at (const char *s)
{
  gsize a, b;

  if (s[0] != '2' && s[0] != '4' && s[0] != '5')
    return 0;
  if (s[1] != '.')
    return 0;
  a = digits (s + 2, 3);
  if (a == 0 || a > 3 || s[2 + a] != '.')
    return 0;
  if (a > 1 || s[2] > '7')
    return 0;                               /* no such subject */
  b = digits (s + 3 + a, 3);
  if (b == 0 || b > 3)
    return 0;
  if (s[3 + a + b] == '.' && g_ascii_isdigit (s[4 + a + b]))
    return 0;                               /* an IP address */
  return 3 + a + b;
}

gboolean
_bc_status_valid (const char *s, gsize len)
{
  return len > 0 && len < 12 && status_at (s) == len;
}

gboolean
_bc_status_is_generic (const char *status)
{
  return status[0] == '\0' || (status[1] == '.' && strcmp (status + 2, "0.0") == 0);
}

static gboolean
boundary_before (const char *text, const char *p)
{
  if (p == text)
    return TRUE;
  return !g_ascii_isalnum (p[-1]) && p[-1] != '.' && p[-1] != '-' && p[-1] != '_';
}

/* status_boundary - as boundary_before, and also after the '-' of a
 * continued SMTP reply line ("550-5.1.1"). */
static gboolean
status_boundary (const char *text, const char *p)
{
  if (p - text >= 4 && p[-1] == '-' && g_ascii_isdigit (p[-2]) && g_ascii_isdigit (p[-3]) &&
      g_ascii_isdigit (p[-4]) && boundary_before (text, p - 4))
    return TRUE;
  return boundary_before (text, p);
}

gboolean
_bc_find_status (const char *text, char out[16])
{
  const char *p;

  if (!text)
    return FALSE;
  const char *ok = NULL;
  gsize okn = 0;

  /* a failure code wins over a success code earlier in a transcript;
   * strcspn() skips to the next digit a code may start with */
  for (p = text; *(p += strcspn (p, "245")); p++) {
    gsize n;
    if (status_boundary (text, p) &&
        (n = status_at (p)) > 0) {
      if (*p == '2') {
        if (!ok)
          ok = p, okn = n;
        p += n - 1;
        continue;
      }
      memcpy (out, p, n);
      out[n] = '\0';
      return TRUE;
    }
  }
  if (ok) {
    memcpy (out, ok, okn);
    out[okn] = '\0';
    return TRUE;
  }
  return FALSE;
}

/* after_code_label - TRUE when @p follows "code:" or "code :" (Zoho's
 * "ERROR CODE :550 - ..."): a labelled reply code, not a time or a port. */
static gboolean
after_code_label (const char *text, const char *p)
{
  const char *q = p;

  if (q == text || q[-1] != ':')
    return FALSE;
  q--;
  while (q > text && q[-1] == ' ' && p - q < 4)
    q--;
  return q - text >= 4 && g_ascii_strncasecmp (q - 4, "code", 4) == 0 &&
         (q - 4 == text || !g_ascii_isalnum (q[-5]));
}

/* reply_with_status - TRUE when @p is "DDD D.D.D" with the same class in
 * both codes: a reply code even straight after a label's colon
 * ("Reason:552 5.2.2", as HTML table cells read once flattened). */
static gboolean
reply_with_status (const char *p)
{
  return p[3] == ' ' && status_at (p + 4) > 0 && p[0] == p[4];
}

static gsize
reply_at (const char *text, const char *p)
{
  if ((p[0] != '2' && p[0] != '4' && p[0] != '5') || p[1] < '0' || p[1] > '5' ||
      !g_ascii_isdigit (p[2]))
    return 0;
  if (!boundary_before (text, p) || g_ascii_isalnum (p[3]) || p[3] == '.' || p[3] == '@' ||
      p[3] == '/')
    return 0;
  if (p[3] == ':' && p[4] != ' ' && p[4] != '\0')
    return 0;                               /* a time or a port, not "550: ..." */
  if (p > text && (p[-1] == '+' || p[-1] == '/' || p[-1] == '=' ||
                   (p[-1] == ':' && !after_code_label (text, p) && !reply_with_status (p))))
    return 0;
  return 3;
}

/* _bc_find_reply - prefers a reply code that is followed by an enhanced
 * code ("550 5.1.1", "550-5.1.1") or that opens a line; else the first. */
gboolean
_bc_find_reply (const char *text, char out[4])
{
  const char *p, *first = NULL, *success = NULL;

  if (!text)
    return FALSE;
  /* a failure reply wins over the 2xx replies before it in a transcript */
  for (p = text; *(p += strcspn (p, "245")); p++) {
    if (!reply_at (text, p))
      continue;
    if (p[0] == '2') {
      if (!success)
        success = p;
      continue;
    }
    if ((p[3] == ' ' || p[3] == '-') && status_at (p + 4) && p[0] == p[4]) {
      first = p;
      break;
    }
    if (!first)
      first = p;
  }
  if (!first)
    first = success;
  if (!first)
    return FALSE;
  memcpy (out, first, 3);
  out[3] = '\0';
  return TRUE;
}

/* remote_status - the enhanced status a remote server gave with its reply
 * in @text ("550 5.2.2 Over quota", "550-'5.7.1 ...", "450 4.7.1 <host>:"):
 * the first status right after a reply code of the same class. */
static gboolean
remote_status (const char *text, char out[16])
{
  for (const char *p = text; *(p += strcspn (p, "45")); p++) {
    const char *q;
    gsize n;
    if (!g_ascii_isdigit (p[1]) || !g_ascii_isdigit (p[2]) ||
        (p[3] != ' ' && p[3] != '-') || !boundary_before (text, p))
      continue;
    q = p + 4;
    for (guint k = 0; k < 2 && (*q == '\'' || *q == '(' || *q == '#'); k++)
      q++;
    if (*q == p[0] && (n = status_at (q)) > 0 && n < 16) {
      memcpy (out, q, n);
      out[n] = '\0';
      return TRUE;
    }
  }
  return FALSE;
}

/* expiry - is @st (a valid status) x.4.7, delivery time expired? */
static gboolean
expiry (const char *st)
{
  return strcmp (st + 1, ".4.7") == 0;
}

/* _bc_recipient_fill_codes - complete the codes of @r from its diagnostic:
 * a missing status or reply is read from the text, and a generic DSN status
 * (x.0.0) gives way to a specific code of the same class in the text, or
 * to an expiry code (x.4.7) of either class: that one is the reporting
 * MTA's own verdict written into its diagnostic ("554 4.4.7 Message
 * expired" under "Status: 5.0.0"), not a remote server's cause. A
 * success status is not taken under a failure reply: in a transcript
 * ("MAIL FROM -> 250 2.1.0 Ok, RCPT TO -> 550 No such user") it belongs to
 * an earlier command, and the failure gave none. */
void
_bc_recipient_fill_codes (BcRecipient *r)
{
  char st[16];

  if (!r->diagnostic)
    return;
  if (r->reply_code[0] == '\0')
    _bc_find_reply (r->diagnostic, r->reply_code);
  if (_bc_status_is_generic (r->status) && _bc_find_status (r->diagnostic, st) &&
      !(st[0] == '2' && (r->reply_code[0] == '4' || r->reply_code[0] == '5'))) {
    if (r->status[0] == '\0' || (st[0] == r->status[0] && !_bc_status_is_generic (st)) ||
        (st[0] != '2' && expiry (st)))
      g_strlcpy (r->status, st, sizeof r->status);
  }
}

/* _bc_recipient_remote_status - once @r is decided: when the remote
 * server's reply in the diagnostic carries its own status of the same
 * class, specific (not x.0.0) and other than the reporting MTA's, that is
 * the status reported ("550 5.2.2 Over quota" under a DSN's 5.1.1, "<421
 * 4.4.2 Connection timed out>" under 4.4.7). The rules have read the
 * reporting MTA's status, which they were written for. */
void
_bc_recipient_remote_status (BcRecipient *r)
{
  char st[16];

  if (r->diagnostic && r->status[0] && remote_status (r->diagnostic, st) &&
      st[0] == r->status[0] && !_bc_status_is_generic (st) && strcmp (st, r->status) != 0)
    g_strlcpy (r->status, st, sizeof r->status);
}

/* line_end - the length of the line break at @p ("\n", "\r\n", "\r"),
 * 0 when there is none */
static gsize
line_end (const char *p)
{
  if (p[0] == '\r')
    return p[1] == '\n' ? 2 : 1;
  return p[0] == '\n' ? 1 : 0;
}

/* _bc_reply_unfold - @text without the prefixes that repeat a multi-line
 * SMTP reply's code on each of its lines once they are joined: "421-4.7.0
 * ... an unusual rate of 421-4.7.0 unsolicited mail ... To protect our 421
 * 4.7.0 users" reads "421-4.7.0 ... an unusual rate of unsolicited mail ...
 * To protect our users", so that a phrase broken over the reply's lines
 * matches. Only a reply that opens with "DDD-" (4xx or 5xx) is continued;
 * only its own code, standing after a blank or a line break, is taken out,
 * with the status of the same class that follows it; a line break before
 * it stays. A code (and status) that is all of the last line ("550-over
 * 550-quota 550") goes with the blanks before it and its own line break.
 * The first line keeps its codes, so the code is still found once.
 * Returns a new string, or NULL when there is nothing to take out. One
 * pass over the text. */
char *
_bc_reply_unfold (const char *text)
{
  const char *p, *first = NULL;
  GString *out = NULL;
  const char *copied;

  if (!text)
    return NULL;
  for (p = text; *(p += strcspn (p, "45")); p++)
    if (reply_at (text, p) && p[3] == '-') {
      first = p;
      break;
    }
  if (!first)
    return NULL;
  copied = text;
  for (p = first + 4; *p; p++) {
    const char *q, *keep;
    gsize n;
    if ((p[-1] != ' ' && p[-1] != '\t' && p[-1] != '\n' && p[-1] != '\r') ||
        strncmp (p, first, 3) != 0 ||
        (p[3] != '-' && p[3] != ' ' && p[3] != '\0' && !line_end (p + 3)) || !reply_at (text, p))
      continue;
    q = p + 3;
    if (*q == '-' || *q == ' ')
      q++;
    if (*q == first[0] && (n = status_at (q)) > 0 &&
        (q[n] == ' ' || q[n] == '\t' || q[n] == '\0' || line_end (q + n)))
      q += n;
    while (*q == ' ' || *q == '\t')
      q++;
    keep = p;
    if (*q == '\0' || line_end (q)) {
      /* the code ends the text or its line: nothing of the reply follows
       * it, so the blanks before it go too, and its line break when the
       * code had a line of its own */
      while (keep > copied && (keep[-1] == ' ' || keep[-1] == '\t'))
        keep--;
      if (keep > copied && (keep[-1] == '\n' || keep[-1] == '\r'))
        q += line_end (q);
    }
    if (!out)
      out = g_string_sized_new (strlen (text));
    g_string_append_len (out, copied, keep - copied);
    copied = q;
    p = q > p ? q - 1 : p;
  }
  if (!out)
    return NULL;
  g_string_append (out, copied);
  return g_string_free (out, FALSE);
}
