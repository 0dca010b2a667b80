/* autoreply.c - tell auto-replies (RFC 3834) and bounces apart.
 *
 * A bounce comes from a mailer daemon or postmaster, or carries a DSN or an
 * X-Failed-Recipients header, or has an NDR subject. An auto-reply says so
 * in Auto-Submitted, X-Autoreply, X-Autorespond or Precedence, or has one of
 * the usual out-of-office subjects, and is not a bounce. A bounce also
 * carries "Auto-Submitted: auto-replied", so the bounce test comes first.
 * An NDR subject alone does not make a bounce of mail an ordinary sender
 * sent that says nothing failed. A person forwarding or answering a bounce
 * (quoting it) has not bounced (_bc_is_forward, _bc_is_reply).
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

/* ordinary_sender - the message came back to an ordinary envelope sender:
 * a Return-Path that is there and is not the null sender "<>". A bounce is
 * sent from the null sender (RFC 5321 section 4.5.5); a bounce stored
 * without its Return-Path says nothing either way. */
static gboolean
ordinary_sender (const BcMime *m)
{
  const char *rp = _bc_mime_header (m, "Return-Path");

  if (!rp)
    return FALSE;
  while (*rp == ' ' || *rp == '\t')
    rp++;
  return *rp && !g_str_has_prefix (rp, "<>");
}

/* says_not_delivered - the report text says, in English, that mail was not
 * delivered */
static gboolean
says_not_delivered (const BcMime *m)
{
  static const char *const phrases[] = {
    "not be delivered", "not delivered", "undeliverable", "delivery failed",
    "delivery has failed", "could not deliver", "unable to deliver", "cannot deliver",
    "failed permanently", "permanent error", "delivery to the following",
    "following recipient", "following address", "delivery failure", "was rejected",
    "could not be sent", "returned to sender", NULL
  };
  for (guint i = 0; phrases[i]; i++)
    if (_bc_body_find (m, phrases[i]))
      return TRUE;
  return FALSE;
}

gboolean
_bc_looks_like_bounce (const BcMime *m)
{
  if (m->dsn->len > 0 || _bc_mime_header (m, "X-Failed-Recipients"))
    return TRUE;
  if (_bc_from_matches (m, daemon_from))
    return TRUE;
  /* an NDR subject, unless an ordinary sender sent it and its text does not
   * say anything failed ("Delivery notification: your parcel ...") */
  if (_bc_subject_starts (m, bounce_subjects))
    return !ordinary_sender (m) || says_not_delivered (m);
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

/* quotes - the text quotes another message: at least three lines that start
 * with ">", an attribution line ("On ... wrote:"), or a mail client's
 * "-----Original Message-----" separator. Reads at most the first 64 KiB. */
static gboolean
quotes (const BcMime *m)
{
  static const char *const said[] = {
    " wrote:", " schrieb:", " a écrit", " escribió:", " ha scritto:", " escreveu:",
    " schreef:", " skrev:", " napisał:", " написал", "-----original message-----",
    "-----ursprüngliche nachricht-----", "-----message d'origine-----",
    "-----mensaje original-----", "-----messaggio originale-----", "-----mensagem original-----",
    "-----oorspronkelijk bericht-----", "-----ursprungligt meddelande-----",
    "-----исходное сообщение-----", NULL
  };
  const char *p = m->body->str, *end = p + MIN (m->body->len, 64 * 1024);
  guint quoted = 0;

  while (p < end && quoted < 3) {
    const char *nl = memchr (p, '\n', end - p);
    if (*p == '>')
      quoted++;
    p = nl ? nl + 1 : end;
  }
  if (quoted >= 3)
    return TRUE;
  for (guint i = 0; said[i]; i++)
    if (_bc_strcasestr_len (m->body->str, end - m->body->str, said[i]))
      return TRUE;
  return FALSE;
}

/* _bc_is_reply - a person answering a bounce ("Re: Undelivered Mail ...")
 * and quoting it: the reply is not itself a bounce. It has a reply prefix,
 * comes from no mailer daemon and not from the null sender, carries no DSN
 * part, no X-Failed-Recipients and no Auto-Submitted, and quotes. A bounce
 * that keeps the Subject of the message it returns ("Re: ..." from a
 * gateway) quotes nothing, so it is still read. */
gboolean
_bc_is_reply (const BcMime *m)
{
  static const char *const re[] = { "re:", "re :", "aw:", "sv:", "antw:", "res:", "odp:", "r:",
                                    "ynt:", "回复:", "回复：", "回覆:", "答复:", "返信:",
                                    "re：", "ＲＥ:", "ＲＥ：", NULL };
  const char *rp = _bc_mime_header (m, "Return-Path");
  const char *as = _bc_mime_header (m, "Auto-Submitted");

  if (!_bc_subject_starts (m, re) || _bc_from_matches (m, daemon_from))
    return FALSE;
  if (m->dsn->len > 0 || _bc_mime_header (m, "X-Failed-Recipients"))
    return FALSE;
  if (as) {
    while (*as == ' ' || *as == '\t')
      as++;
    if (g_ascii_strncasecmp (as, "no", 2) != 0)
      return FALSE;                 /* auto-generated: not a person */
  }
  if (rp) {
    while (*rp == ' ' || *rp == '\t')
      rp++;
    if (g_str_has_prefix (rp, "<>"))
      return FALSE;
  }
  return quotes (m);
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
