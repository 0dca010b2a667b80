/* courier.c - Courier MTA delivery status notifications.
 *
 * From "Courier mail server at HOST" (often with the empty address "<@>"),
 * Subject "NOTICE: mail delivery status." or "WARNING: delayed mail.", and
 * "This is a delivery status notification from HOST, running the Courier
 * mail server". Under "UNDELIVERABLE MAIL" (or "DELAYS IN DELIVERING YOUR
 * MESSAGE") each recipient stands as "<addr>:" with the remote host
 * indented under it and the ">>> command" / "<<< reply" dialogue after
 * that; a rule of dashes and "If your message was also sent to additional
 * recipients" end the list. Usually followed by a message/delivery-status
 * part, which the DSN reader handles; this reads the text-only form.
 *
 * Limits: the scan is the shared block scanner over the report text only.
 */
#include "recognizers.h"

enum { RUNNING_COURIER };
static const char *const phrases[] = {
  [RUNNING_COURIER] = "running the Courier mail server", NULL
};
static const BcRecSpec spec = { .phrases = phrases };

static gboolean
detect (BcRecProbe *p)
{
  static const char *const from[] = { "Courier mail server at", NULL };
  static const char *const subjects[] = { "NOTICE: mail delivery status", "WARNING: delayed mail",
                                          NULL };
  const BcMime *m = p->m;

  if (!_bc_from_matches (m, from) && !_bc_rec_said (p, RUNNING_COURIER))
    return FALSE;
  /* Courier's bounces may have no usable From address ("<@>"), so
   * _bc_looks_like_bounce() cannot always vouch for them; its Subject or
   * the empty address does. A person quoting one has neither. */
  return _bc_rec_looks_like_bounce (p) || _bc_subject_starts (m, subjects) || !m->from_addr[0];
}

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "UNDELIVERABLE MAIL", "DELAYS IN DELIVERING",
                                        "following recipients", NULL };
  _bc_scan_first_section (s, starts, "If your message was also sent to additional");
}

const BcRecognizer _bc_rec_courier = { "courier", detect, scan, &spec };
