/* autoreply.c - tell auto-replies (RFC 3834) and bounces apart.
 *
 * A bounce comes from a mailer daemon or postmaster, or carries a DSN or an
 * X-Failed-Recipients header, or has an NDR subject. An auto-reply says so
 * in Auto-Submitted, X-Autoreply, X-Autorespond or Precedence, or has one of
 * the usual out-of-office subjects, and is not a bounce. A bounce also
 * carries "Auto-Submitted: auto-replied", so the bounce test comes first.
 */
#include "bc-private.h"

#include <string.h>

static const char *const daemon_from[] = {
  "mailer-daemon", "mailer_daemon", "postmaster", "mail delivery", "maildelivery",
  "mail administrator", "mail system", "mailadmin", "mmdf", "smtpgw", "nobody@",
  "microsoftexchange", "bounce", "mail-daemon", "mailerdaemon", NULL
};

static const char *const bounce_subjects[] = {
  "undeliver", "undelivered", "returned mail", "mail delivery fail", "failure notice",
  "delivery status notification", "delivery failure", "delivery notification",
  "mail system error", "delivery failed", "message delivery failure", "non remis",
  "nondeliverable", "non-deliverable", "non delivery", "non-delivery", "unzustellbar",
  "nicht zustellbar", "delivery report", "mail could not be delivered", "could not send message",
  "returned message", "rejected:", "delivery has failed", "failed delivery", "mail failure",
  "message undeliverable", "mail undeliverable", "message not deliverable",
  "message not delivered", "message you sent", "warning: could not send", "delayed mail",
  "delivery delayed", "delivery problem", "notice of delivery", "bounced mail", "permanent error",
  "unable to deliver", "error sending", "système de distribution", "no se puede entregar",
  "non recapitabile", "não entregue", "onbestelbaar", "kan inte levereras", "не доставлено",
  "返送", "配信", "未送达", "退信", "warning: message", NULL
};

gboolean
_bc_looks_like_bounce (const BcMime *m)
{
  if (m->dsn->len > 0 || _bc_mime_header (m, "X-Failed-Recipients"))
    return TRUE;
  if (_bc_from_matches (m, daemon_from))
    return TRUE;
  if (_bc_subject_starts (m, bounce_subjects))
    return TRUE;
  return FALSE;
}

/* _bc_is_forward - a person passing a bounce on ("Fwd: Undelivered Mail
 * ..."): the forwarder's message is not itself a bounce. */
gboolean
_bc_is_forward (const BcMime *m)
{
  static const char *const fwd[] = { "fwd:", "fw:", "wg:", "tr:", "rv:", "enc:", "doorst:",
                                     "vs:", "vb:", "rif:", "i:", "转发:", "転送:", "FW ", NULL };
  return _bc_subject_starts (m, fwd) && !_bc_from_matches (m, daemon_from);
}

static const char *const auto_subjects[] = {
  "out of office", "out of the office", "auto:", "automatic reply", "autoreply",
  "auto-reply", "auto reply", "auto response", "autoresponse", "auto-response", "vacation",
  "away from", "on vacation", "abwesenheit", "automatische antwort", "réponse automatique",
  "reponse automatique", "absence", "respuesta automática", "respuesta automatica",
  "fuera de la oficina", "risposta automatica", "fuori sede", "resposta automática",
  "ausência", "automatisch antwoord", "afwezig", "frånvaro", "autosvar", "автоответ",
  "автоматический ответ", "自動応答", "自動返信", "不在", "自动回复", "i am out", "i'm out",
  "thank you for your email", "thank you for your message", "thanks for your email", NULL
};

gboolean
_bc_autoreply_detect (const BcMime *m)
{
  const char *as;

  if (_bc_looks_like_bounce (m) || m->arf)
    return FALSE;
  if (_bc_mime_header (m, "X-Autoreply") || _bc_mime_header (m, "X-Autorespond") ||
      _bc_mime_header (m, "X-Autoresponder") || _bc_mime_header (m, "X-Vacation"))
    return TRUE;
  if (_bc_header_contains (m, "Precedence", "auto_reply"))
    return TRUE;
  as = _bc_mime_header (m, "Auto-Submitted");
  if (as && _bc_strcasestr (as, "auto-replied"))
    return TRUE;
  if (_bc_subject_starts (m, auto_subjects))
    return TRUE;
  return FALSE;
}
