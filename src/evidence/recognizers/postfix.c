/* postfix.c - Postfix bounce(8) reports.
 *
 * "This is the mail system at host H." then one block per recipient:
 * "<addr>: reason" or "<addr> (expanded from <alias>): reason", with the
 * reason folded over indented lines.
 */
#include "recognizers.h"

static const char *const body[] = {
  "This is the mail system at host", "This is the Postfix program at host", NULL
};
/* the Subjects are copied by other mailers, over a plain DSN or a text of
 * their own: one counts with the heading Postfix puts above its list
 * whatever its template says, "The mail system" */
static const char *const subjects[] = {
  "Undelivered Mail Returned to Sender", "Delayed Mail (still being retried)",
  "Successful Mail Delivery Report", "Mail Delivery Status Report", NULL
};
static const char *const confirm[] = { "The mail system", NULL };
static const BcRecSpec spec = { .body = body, .subjects = subjects, .confirm = confirm };

/* detect - the spec, or Postfix's own field in the DSN part, which the
 * spec does not read */
static gboolean
detect (BcRecProbe *p)
{
  const BcMime *m = p->m;

  if (_bc_rec_spec_match (p))
    return TRUE;
  for (guint i = 0; i < m->dsn->len; i++)
    if (_bc_strcasestr (g_ptr_array_index (m->dsn, i), "X-Postfix-Queue-ID"))
      return TRUE;
  return FALSE;
}

static void
scan (BcScan *s)
{
  if (_bc_body_find (s->mime, "The mail system"))
    _bc_scan_section (s, "The mail system", NULL);
  else
    _bc_scan_section (s, "The Postfix program", NULL);
}

const BcRecognizer _bc_rec_postfix = { "postfix", detect, scan, &spec };
