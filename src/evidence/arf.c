/* arf.c - RFC 5965 feedback reports (complaints).
 *
 * The complained-about recipient is Original-Rcpt-To, else
 * Removal-Recipient, else the To of the returned message. The report gives
 * one recipient whose reason the rules set from source "arf".
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

gboolean
_bc_arf_read (const BcMime *m, BcReport *report)
{
  char *type, *rcpt = NULL, *v;
  BcRecipient *r;

  if (!m->arf)
    return FALSE;
  type = _bc_field_get (m->arf, "Feedback-Type");
  if (type) {
    char *low = g_ascii_strdown (type, strcspn (type, " \t;"));
    g_free (type);
    type = low;
  }
  report->feedback_type = type;

  v = _bc_field_get (m->arf, "Original-Rcpt-To");
  rcpt = first_address (v);
  g_free (v);
  if (!rcpt) {
    v = _bc_field_get (m->arf, "Removal-Recipient");
    rcpt = first_address (v);
    g_free (v);
  }
  if (!rcpt && report->original.to)
    rcpt = first_address (report->original.to);
  if (!rcpt)
    rcpt = g_strdup ("");

  {
    /* more complainants than one: a record for each after the first */
    GPtrArray *more = all_fields (m->arf, "Original-Rcpt-To", m->limits->max_recipients);
    for (guint i = 1; i < more->len; i++) {
      BcRecipient *x = _bc_recipient_new (BC_SOURCE_ARF);
      x->address = g_strdup (g_ptr_array_index (more, i));
      x->diagnostic = type ? g_strdup_printf ("feedback-type: %s", type) : NULL;
      x->date = _bc_field_get (m->arf, "Arrival-Date");
      g_ptr_array_add (report->recipients, x);
    }
    g_ptr_array_unref (more);
  }
  r = _bc_recipient_new (BC_SOURCE_ARF);
  r->address = rcpt;
  r->diagnostic = type ? g_strdup_printf ("feedback-type: %s", type) : NULL;
  r->reply_code[0] = '\0';
  r->date = _bc_field_get (m->arf, "Arrival-Date");
  if (!r->date)
    r->date = _bc_field_get (m->arf, "Received-Date");
  report->reporting_mta = _bc_field_get (m->arf, "Reporting-MTA");
  g_ptr_array_insert (report->recipients, 0, r);
  return TRUE;
}
