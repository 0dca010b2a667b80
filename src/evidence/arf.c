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

  r = _bc_recipient_new (BC_SOURCE_ARF);
  r->address = rcpt;
  r->diagnostic = type ? g_strdup_printf ("feedback-type: %s", type) : NULL;
  r->reply_code[0] = '\0';
  r->date = _bc_field_get (m->arf, "Arrival-Date");
  if (!r->date)
    r->date = _bc_field_get (m->arf, "Received-Date");
  report->reporting_mta = _bc_field_get (m->arf, "Reporting-MTA");
  g_ptr_array_add (report->recipients, r);
  return TRUE;
}
