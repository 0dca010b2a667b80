/* arf.c - RFC 5965 feedback reports (complaints).
 *
 * The complained-about recipient is Original-Rcpt-To, else
 * Removal-Recipient, else the X-HmXmrOriginalRecipient header Microsoft's
 * JMRP puts in the returned message (its To is often a list or hidden),
 * else the To of the returned message, else (verp.c, after the report is
 * read) the subscriber a VERP envelope sender of the reported message
 * encodes. The report gives
 * one recipient whose reason the rules set from source "arf".
 * A report whose feedback part is labelled text/plain (some generators
 * send it so) is read from the free text, but only when the message says
 * report-type=feedback-report and a line starts with "Feedback-Type:".
 * Microsoft's JMRP also sends reports with no feedback part at all: the
 * Subject "complaint about message from <IP>" and the returned message
 * attached; such a report is read as Feedback-Type abuse (a user pressed
 * "Junk"), but only with a returned message and when it is no bounce.
 */
#include "bc-private.h"

#include <string.h>

static char *
first_address (const char *v)
{
  char *a;

  if (!v)
    return NULL;
  a = _bc_address_normalize (v);
  if (!a)
    a = _bc_address_find (v, strlen (v), NULL);
  return a;
}

/* all_fields - the addresses of every @name field in @block, in order,
 * without repeats (a report about one message sent to several
 * complainants lists each). */
static GPtrArray *
all_fields (const char *block, const char *name, guint max)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  gsize n = strlen (name);

  for (const char *p = block; p && *p && out->len < max;) {
    if (g_ascii_strncasecmp (p, name, n) == 0 && p[n] == ':') {
      const char *e = strchr (p, '\n');
      char *v = g_strndup (p + n + 1, e ? (gsize) (e - p - n - 1) : strlen (p + n + 1));
      char *a = first_address (v);
      gboolean dup = FALSE;
      for (guint i = 0; a && i < out->len; i++)
        if (g_ascii_strcasecmp (g_ptr_array_index (out, i), a) == 0)
          dup = TRUE;
      if (a && !dup)
        g_ptr_array_add (out, a);
      else
        g_free (a);
      g_free (v);
    }
    p = strchr (p, '\n');
    if (p)
      p++;
  }
  return out;
}

/* arf_in_text - the feedback fields of a feedback-report whose second part
 * is not labelled message/feedback-report: from the line that starts with
 * "Feedback-Type:" to the next blank line of the free text, newly
 * allocated, or NULL. */
static char *
arf_in_text (const BcMime *m)
{
  GMimeObject *top = m->top;
  GMimeContentType *ct = top ? g_mime_object_get_content_type (top) : NULL;
  const char *rt = ct ? g_mime_content_type_get_parameter (ct, "report-type") : NULL;
  const char *p = m->body->str, *end = p + m->body->len;

  if (!m->is_report || !rt || g_ascii_strcasecmp (rt, "feedback-report") != 0)
    return NULL;
  while (p < end) {
    const char *nl = memchr (p, '\n', end - p);
    if ((gsize) (end - p) > 14 && g_ascii_strncasecmp (p, "Feedback-Type:", 14) == 0) {
      const char *e = p;
      while (e < end) {
        const char *n2 = memchr (e, '\n', end - e);
        if (!n2 || n2 == e) {
          e = n2 ? n2 : end;
          break;
        }
        e = n2 + 1;
      }
      return g_strndup (p, e - p);
    }
    if (!nl)
      break;
    p = nl + 1;
  }
  return NULL;
}

/* hotmail_recipient - the address in the returned message's
 * X-HmXmrOriginalRecipient header (message/rfc822 or text/rfc822-headers),
 * newly allocated, or NULL */
static char *
hotmail_recipient (const BcMime *m)
{
  const char *name = "X-HmXmrOriginalRecipient";
  char *v = NULL, *a;

  if (m->orig && GMIME_IS_OBJECT (m->orig)) {
    const char *h = g_mime_object_get_header (m->orig, name);
    v = h ? g_strdup (h) : NULL;
  } else if (m->orig_text) {
    v = _bc_field_get (m->orig_text, name);
  }
  a = first_address (v);
  g_free (v);
  return a;
}

/* jmrp_bare - a JMRP report without a feedback part: the Subject says
 * "complaint about message from ", a returned message is attached, there
 * is no DSN and the message does not look like a bounce (no mailer daemon
 * From, NDR Subject or X-Failed-Recipients). */
static gboolean
jmrp_bare (const BcMime *m)
{
  static const char *const subj[] = { "complaint about message from ", NULL };

  return (m->orig || m->orig_part) && m->dsn->len == 0 && _bc_subject_starts (m, subj) &&
         !_bc_looks_like_bounce (m);
}

gboolean
_bc_arf_read (const BcMime *m, BcReport *report)
{
  char *type, *rcpt = NULL, *v, *found = NULL;
  const char *arf = m->arf;
  BcRecipient *r;

  if (!arf)
    arf = found = arf_in_text (m);
  if (!arf && jmrp_bare (m))
    arf = found = g_strdup ("Feedback-Type: abuse\n");
  if (!arf)
    return FALSE;
  type = _bc_field_get (arf, "Feedback-Type");
  if (type) {
    char *low = g_ascii_strdown (type, strcspn (type, " \t;"));
    g_free (type);
    type = low;
  }
  report->feedback_type = type;

  v = _bc_field_get (arf, "Original-Rcpt-To");
  rcpt = first_address (v);
  g_free (v);
  if (!rcpt) {
    v = _bc_field_get (arf, "Removal-Recipient");
    rcpt = first_address (v);
    g_free (v);
  }
  if (!rcpt)
    rcpt = hotmail_recipient (m);
  if (!rcpt && report->original.to)
    rcpt = first_address (report->original.to);
  if (!rcpt)
    rcpt = g_strdup ("");

  {
    /* more complainants than one: a record for each after the first */
    GPtrArray *more = all_fields (arf, "Original-Rcpt-To", m->limits->max_recipients);
    for (guint i = 1; i < more->len; i++) {
      BcRecipient *x = _bc_recipient_new (BC_SOURCE_ARF);
      x->address = g_strdup (g_ptr_array_index (more, i));
      x->diagnostic = type ? g_strdup_printf ("feedback-type: %s", type) : NULL;
      x->date = _bc_field_get (arf, "Arrival-Date");
      g_ptr_array_add (report->recipients, x);
    }
    g_ptr_array_unref (more);
  }
  r = _bc_recipient_new (BC_SOURCE_ARF);
  r->address = rcpt;
  r->diagnostic = type ? g_strdup_printf ("feedback-type: %s", type) : NULL;
  r->reply_code[0] = '\0';
  r->date = _bc_field_get (arf, "Arrival-Date");
  if (!r->date)
    r->date = _bc_field_get (arf, "Received-Date");
  report->reporting_mta = _bc_field_get (arf, "Reporting-MTA");
  g_ptr_array_insert (report->recipients, 0, r);
  g_free (found);
  return TRUE;
}
