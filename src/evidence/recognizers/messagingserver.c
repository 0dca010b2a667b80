/* messagingserver.c - Sun Java System / Oracle Communications Messaging
 * Server (iPlanet, formerly Netscape Messaging Server) notifications.
 *
 * "This report relates to a message you sent with the following header
 * fields:" and the quoted headers, then "Your message cannot be delivered
 * to the following recipients:" (or "has been delayed and is still
 * awaiting delivery to the following recipients:") and one block per
 * recipient of indented fields:
 *
 *   Recipient address: addr
 *   Original address: alias           (when it was rewritten)
 *   Reason: Remote SMTP server has rejected address
 *   Diagnostic code: smtp;550 5.1.1 ...
 *   Remote system: dns;mx.example.com (TCP|...) (banner)
 *
 * Subject "Delivery Notification: Delivery has failed" (or "... has been
 * delayed"). A message/delivery-status part usually follows; this reads
 * the text, so text-only copies and the Reason line are not lost.
 *
 * Limits: at most 400 lines of the report text; fields longer than the
 * line are cut at the line end.
 */
#include "recognizers.h"

#include <string.h>

enum { RELATES };
static const char *const phrases[] = {
  [RELATES] = "This report relates to a message you sent with the following header fields", NULL
};
static const BcRecSpec spec = { .phrases = phrases };

static gboolean
detect (BcRecProbe *p)
{
  static const char *const subjects[] = { "Delivery Notification:", NULL };

  if (!_bc_rec_said (p, RELATES))
    return FALSE;
  return _bc_rec_looks_like_bounce (p) || _bc_subject_starts (p->m, subjects);
}

/* field - the value of "Label:" at the start of @p (after indentation),
 * or NULL */
static const char *
field (const char *p, const char *le, const char *label)
{
  gsize n = strlen (label);

  while (p < le && (*p == ' ' || *p == '\t'))
    p++;
  if ((gsize) (le - p) < n || g_ascii_strncasecmp (p, label, n) != 0)
    return NULL;
  p += n;
  while (p < le && (*p == ' ' || *p == '\t'))
    p++;
  return p;
}

static void
scan (BcScan *s)
{
  const BcMime *m = s->mime;
  const char *p = m->body->str, *e = m->body->str + m->ndr_len;
  BcRecipient *cur = NULL;
  GString *diag = g_string_new (NULL);
  guint lines = 0;

#define FLUSH()                                                         \
  do {                                                                  \
    if (cur && diag->len) {                                             \
      char *d = _bc_squeeze (diag->str, MIN (diag->len, 2000));         \
      if (!cur->diagnostic || !*cur->diagnostic) {                      \
        g_free (cur->diagnostic);                                       \
        cur->diagnostic = d;                                            \
      } else {                                                          \
        g_free (d);                                                     \
      }                                                                 \
    }                                                                   \
    cur = NULL;                                                         \
    g_string_truncate (diag, 0);                                        \
  } while (0)

  /* the recipient blocks follow the quoted header fields */
  {
    const char *f = _bc_body_find (m, "following recipients");
    if (f && f < e)
      p = f;
  }
  while (p < e && lines++ < 400) {
    const char *nl = memchr (p, '\n', e - p);
    const char *le = nl ? nl : e;
    const char *v;

    if ((v = field (p, le, "Recipient address:")) != NULL) {
      char *a = _bc_address_find (v, le - v, NULL);
      FLUSH ();
      if (a) {
        cur = _bc_scan_add (s, a, NULL);
        g_free (a);
      }
    } else if (cur && (v = field (p, le, "Original address:")) != NULL) {
      char *a = _bc_address_find (v, le - v, NULL);
      if (a && !cur->original_recipient && g_ascii_strcasecmp (a, cur->address) != 0)
        cur->original_recipient = g_strdup (a);
      g_free (a);
    } else if (cur && (v = field (p, le, "Remote system:")) != NULL) {
      if (!cur->remote_mta) {
        const char *x = v, *b;
        if ((gsize) (le - x) > 4 && g_ascii_strncasecmp (x, "dns;", 4) == 0)
          x += 4;
        while (x < le && *x == ' ')
          x++;
        b = x;
        while (x < le && *x != ' ' && *x != '(' && *x != '[')
          x++;
        if (x > b && x - b < 256)
          cur->remote_mta = g_strndup (b, x - b);
      }
    } else if (cur) {
      gboolean blank = TRUE;
      for (const char *q = p; q < le; q++)
        if (*q != ' ' && *q != '\t') {
          blank = FALSE;
          break;
        }
      if (blank)
        FLUSH ();
      else if (diag->len < 2000) {
        /* "Reason:", "Diagnostic code:" and their continuation lines */
        g_string_append_c (diag, ' ');
        g_string_append_len (diag, p, le - p);
      }
    }
    p = nl ? nl + 1 : e;
  }
  FLUSH ();
  g_string_free (diag, TRUE);
#undef FLUSH
  if (!s->recipients->len)
    _bc_scan_section (s, "following recipients", NULL);
}

const BcRecognizer _bc_rec_messagingserver = { "messagingserver", detect, scan, &spec };
