/* phrases.c - the words that tell a reply, a forward or a bounce, in one
 * table each: the Subject prefixes of replies and forwards, the phrases by
 * which a Subject names a bounce, and those by which a report's text says
 * that mail was not delivered.
 *
 * Prefixes are compared with ASCII case ignored, as mail clients write
 * them. Subject phrases are compared folded (_bc_fold), so that case,
 * accents and ё/е do not matter; only the first 256 bytes of a Subject
 * are read, and one with non-ASCII bytes is folded (allocated) first, an
 * ASCII one compared as is. Text phrases are compared as _bc_body_find()
 * does, ASCII case only: the text is not folded, so accented and 7-bit
 * spellings are both listed. Each entry says where it is used (flags).
 */
#include "bc-private.h"

#include <string.h>

typedef struct {
  const char *text;
  guint uses;
} BcPhrase;

/* Reply and forward prefixes, compared at the start of the Subject (after
 * a gateway's "[EXTERNAL]" tag for a forward) or, for BC_PREFIX_ANSWER,
 * after a non-alphanumeric byte anywhere before a bounce phrase. Which
 * uses an entry has is data kept from the lists these were merged from:
 * - BC_PREFIX_ANSWER is the short list searched inside the Subject; the
 *   others ("r:", "antw:", "pd:", "enc:") were never tried there;
 * - BC_PREFIX_UNWRAP stays wrapped_bounce()'s own short list: a bounce
 *   under a rarer prefix is still unwrapped, as it always was. */
static const BcPhrase prefixes[] = {
  { "re:", BC_PREFIX_REPLY | BC_PREFIX_ANSWER | BC_PREFIX_UNWRAP },
  { "aw:", BC_PREFIX_REPLY | BC_PREFIX_ANSWER },
  { "sv:", BC_PREFIX_REPLY | BC_PREFIX_ANSWER },
  { "odp:", BC_PREFIX_REPLY | BC_PREFIX_ANSWER },
  { "re :", BC_PREFIX_REPLY },
  { "antw:", BC_PREFIX_REPLY },
  { "res:", BC_PREFIX_REPLY },
  { "r:", BC_PREFIX_REPLY },
  { "ynt:", BC_PREFIX_REPLY },
  { "回复:", BC_PREFIX_REPLY },
  { "回复：", BC_PREFIX_REPLY },
  { "回覆:", BC_PREFIX_REPLY },
  { "答复:", BC_PREFIX_REPLY },
  { "返信:", BC_PREFIX_REPLY },
  { "re：", BC_PREFIX_REPLY },
  { "ＲＥ:", BC_PREFIX_REPLY },
  { "ＲＥ：", BC_PREFIX_REPLY },
  { "fwd:", BC_PREFIX_FORWARD | BC_PREFIX_ANSWER | BC_PREFIX_UNWRAP },
  { "fw:", BC_PREFIX_FORWARD | BC_PREFIX_ANSWER | BC_PREFIX_UNWRAP },
  { "wg:", BC_PREFIX_FORWARD | BC_PREFIX_ANSWER | BC_PREFIX_UNWRAP },
  { "tr:", BC_PREFIX_FORWARD | BC_PREFIX_ANSWER | BC_PREFIX_UNWRAP },
  { "rv:", BC_PREFIX_FORWARD | BC_PREFIX_ANSWER | BC_PREFIX_UNWRAP },
  { "enc:", BC_PREFIX_FORWARD | BC_PREFIX_UNWRAP },
  { "vs:", BC_PREFIX_FORWARD | BC_PREFIX_ANSWER },
  { "i:", BC_PREFIX_FORWARD | BC_PREFIX_ANSWER },
  { "doorst:", BC_PREFIX_FORWARD },
  { "vb:", BC_PREFIX_FORWARD },
  { "rif:", BC_PREFIX_FORWARD },
  { "转发:", BC_PREFIX_FORWARD },
  { "転送:", BC_PREFIX_FORWARD },
  { "FW ", BC_PREFIX_FORWARD },
  { "fwd :", BC_PREFIX_FORWARD },
  { "pd:", BC_PREFIX_FORWARD },
  { "vl:", BC_PREFIX_FORWARD },
  { "tov:", BC_PREFIX_FORWARD },
  { "İLT:", BC_PREFIX_FORWARD },
  { "İlt:", BC_PREFIX_FORWARD },
  { "ilt:", BC_PREFIX_FORWARD },
  { "Пересл.:", BC_PREFIX_FORWARD },
  { "пересл.:", BC_PREFIX_FORWARD },
  { "Пересл:", BC_PREFIX_FORWARD },
  { "[fwd:", BC_PREFIX_FORWARD },
};

/* prefixes_of - the prefixes of @use (one BC_PREFIX_* flag), NULL-ended,
 * listed once: every message's Subject is compared with them */
static const char *const *
prefixes_of (guint use)
{
  static const char **by_use[4];
  static gsize once;

  if (g_once_init_enter (&once)) {
    for (guint u = 0; u < G_N_ELEMENTS (by_use); u++) {
      guint n = 0;
      by_use[u] = g_new0 (const char *, G_N_ELEMENTS (prefixes) + 1);
      for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
        if (prefixes[i].uses & (1u << u))
          by_use[u][n++] = prefixes[i].text;
    }
    g_once_init_leave (&once, 1);
  }
  return by_use[g_bit_nth_lsf (use, -1)];
}

/* _bc_subject_prefix - @s, past blanks, begins with a prefix of @use (one
 * BC_PREFIX_* flag) */
gboolean
_bc_subject_prefix (const char *s, guint use)
{
  const char *const *list = prefixes_of (use);

  while (*s == ' ' || *s == '\t')
    s++;
  for (guint i = 0; list[i]; i++)
    if (g_ascii_tolower (*s) == g_ascii_tolower (*list[i]) && _bc_has_prefix_ci (s, list[i]))
      return TRUE;
  return FALSE;
}

/* _bc_subject_prefix_before - a prefix of @use stands in @s, at its start
 * or after a non-alphanumeric byte, and ends at or before @at:
 * "[Ticket #4821] Re: Undeliverable: ..." answers a bounce, where a bounce
 * writes "Undeliverable: Re: ..." */
gboolean
_bc_subject_prefix_before (const char *s, const char *at, guint use)
{
  const char *const *list = prefixes_of (use);

  for (const char *p = s; p < at; p++) {
    if (p > s && g_ascii_isalnum (p[-1]))
      continue;
    for (guint i = 0; list[i]; i++)
      if (p + strlen (list[i]) <= at && _bc_has_prefix_ci (p, list[i]))
        return TRUE;
  }
  return FALSE;
}

/* Phrases by which a Subject calls a message a failed delivery, written
 * folded (lower case, no accents, ё as е), as _bc_fold() gives them, so
 * that they are compared as written and none is listed twice for case or
 * accents; _bc_subject_phrases_unfolded() checks that. BC_PHRASE_START
 * ones count only at the start of the Subject: some also title other mail further on ("配信" begins
 * "配信停止", "delayed mail" is a person's words too). BC_PHRASE_INSIDE
 * ones count anywhere (subject_names_bounce()): each names a message,
 * never a parcel ("Przesyłka nie została dostarczona"), and none is a bare
 * word that titles other mail. BC_PHRASE_WEAK ones say nothing of delivery
 * by themselves ("Rejected: Q3 budget"); BC_PHRASE_LEAD and
 * BC_PHRASE_REFUSAL ones point bounce_by_content() at the text. */
static const BcPhrase subject_phrases[] = {
  /* English MTAs' and providers' own titles */
  { "undeliver", BC_PHRASE_START | BC_PHRASE_LEAD },
  { "undelivered", BC_PHRASE_START },
  { "returned mail", BC_PHRASE_START | BC_PHRASE_INSIDE | BC_PHRASE_LEAD },
  { "mail delivery fail", BC_PHRASE_START },
  { "failure notice", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "delivery status notification", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "delivery failure", BC_PHRASE_START },
  { "delivery notification", BC_PHRASE_START | BC_PHRASE_LEAD },
  { "mail system error", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "delivery failed", BC_PHRASE_START },
  { "message delivery failure", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "non remis", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "nondeliverable", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "non-deliverable", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "non delivery", BC_PHRASE_START },
  { "non-delivery", BC_PHRASE_START | BC_PHRASE_INSIDE | BC_PHRASE_LEAD },
  { "unzustellbar", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "nicht zustellbar", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "delivery report", BC_PHRASE_START | BC_PHRASE_LEAD },
  { "mail could not be delivered", BC_PHRASE_START },
  { "could not send message", BC_PHRASE_START },
  { "returned message", BC_PHRASE_START },
  { "delivery has failed", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "failed delivery", BC_PHRASE_START | BC_PHRASE_LEAD },
  { "mail failure", BC_PHRASE_START },
  { "message undeliverable", BC_PHRASE_START },
  { "mail undeliverable", BC_PHRASE_START },
  { "message not deliverable", BC_PHRASE_START },
  { "message not delivered", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "warning: could not send", BC_PHRASE_START },
  { "delayed mail", BC_PHRASE_START },
  { "delivery delayed", BC_PHRASE_START },
  { "delivery problem", BC_PHRASE_START | BC_PHRASE_LEAD },
  { "notice of delivery", BC_PHRASE_START },
  { "bounced mail", BC_PHRASE_START },
  { "permanent error", BC_PHRASE_START },
  { "unable to deliver", BC_PHRASE_START },
  { "error sending", BC_PHRASE_START },
  { "systeme de distribution", BC_PHRASE_START },
  { "no se puede entregar", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "non recapitabile", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "nao entregue", BC_PHRASE_START },
  { "onbestelbaar", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "kan inte levereras", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "не доставлено", BC_PHRASE_START | BC_PHRASE_INSIDE },
  /* Japanese carriers', ISPs' and groupware notices; never a bare "配送",
   * which also titles a shop's shipping notices */
  { "返送", BC_PHRASE_START },
  { "配信", BC_PHRASE_START },
  { "未送达", BC_PHRASE_START },
  { "退信", BC_PHRASE_START },
  { "warning: message", BC_PHRASE_START },
  { "配送エラー", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "配送不能", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "配送失敗", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "送信エラー", BC_PHRASE_START },
  { "送信失敗", BC_PHRASE_START },
  { "メール配信エラー", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "メール配信失敗", BC_PHRASE_START },
  { "メール配送", BC_PHRASE_START },
  { "メール送信エラー", BC_PHRASE_START },
  { "メール送信失敗", BC_PHRASE_START },
  { "メールの送信に失敗", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "メールの配信に失敗", BC_PHRASE_START },
  { "メールの配送に失敗", BC_PHRASE_START },
  { "メールが届きませんでした", BC_PHRASE_START },
  { "不達", BC_PHRASE_START },
  { "配達不能", BC_PHRASE_START },
  /* the same in European languages, as providers' own notices and
   * localized MTA templates title them */
  { "message non delivre", BC_PHRASE_START },
  { "echec de la remise", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "echec de distribution", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "avis de non-remise", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "mensaje no entregado", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "no se pudo entregar", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "error en la entrega", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "mancata consegna", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "notifica di mancata consegna", BC_PHRASE_START },
  { "messaggio non recapitato", BC_PHRASE_START },
  { "mensagem nao entregue", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "nao e possivel entregar", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "falha na entrega", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "wiadomosc niedostarczona", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "nie mozna dostarczyc", BC_PHRASE_START },
  { "nedorucitelna", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "nelze dorucit", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "bericht niet afgeleverd", BC_PHRASE_START },
  { "niet afgeleverd", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "meddelandet kunde inte levereras", BC_PHRASE_START },
  { "kunde inte levereras", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "kan ikke leveres", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "kunne ikke leveres", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "kezbesithetetlen", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "teslim edilemedi", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "ei voitu toimittaa", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "nedorucitelne", BC_PHRASE_START | BC_PHRASE_INSIDE },
  /* servers' localized notices (MDaemon, Kerio, Axigen, IceWarp) and
   * Exchange's localized DSN subjects ("Übermittlungsstatusbenachrichtigung
   * (Fehler)", "Notification d'état de remise (Échec)") */
  { "message non remis", BC_PHRASE_START },
  { "zustellung fehlgeschlagen", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "ubermittlungsstatusbenachrichtigung", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "messaggio non consegnato", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "notificacion de estado de entrega", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "notification d'etat de remise", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "notifica dello stato di recapito", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "notificacao de status de entrega", BC_PHRASE_START | BC_PHRASE_INSIDE },
  /* Russian and Ukrainian providers (Yandex, Mail.ru, Rambler, ukr.net,
   * i.ua), 1C-Bitrix, Kerio and Exchange in Russian */
  { "недоставлено", BC_PHRASE_START },
  { "недоставленное", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "не удалось доставить", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "письмо не доставлено", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "сообщение не доставлено", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "ваше письмо не доставлено", BC_PHRASE_START },
  { "ваше сообщение не доставлено", BC_PHRASE_START },
  { "отчет о недоставке", BC_PHRASE_START },
  { "лист не доставлено", BC_PHRASE_START },
  { "повідомлення не доставлено", BC_PHRASE_START },
  { "недоставлене", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "не вдалося доставити", BC_PHRASE_START | BC_PHRASE_INSIDE },
  /* Chinese providers (QQ/Exmail, NetEase, Sina, Sohu, Aliyun, Coremail,
   * HiNet) and Exchange in Simplified and Traditional Chinese */
  { "系统退信", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "系統退信", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "邮件被退回", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "郵件被退回", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "邮件投递失败", BC_PHRASE_START },
  { "郵件投遞失敗", BC_PHRASE_START },
  { "投递失败", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "邮件发送失败", BC_PHRASE_START },
  { "郵件發送失敗", BC_PHRASE_START },
  { "无法投递", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "無法投遞", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "无法传递", BC_PHRASE_START },
  { "無法傳遞", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "无法送达", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "無法送達", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "郵件無法送達", BC_PHRASE_START },
  /* Korean (Naver, Daum/Kakao, Exchange) */
  { "메일 발송 실패", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "메일 전송 실패", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "[메일 발송 실패]", BC_PHRASE_START },
  { "[메일 전송 실패]", BC_PHRASE_START },
  { "배달 못 함", BC_PHRASE_START | BC_PHRASE_INSIDE },
  { "배달되지 않음", BC_PHRASE_START },
  /* a person titles mail "Rejected: Q3 budget" or "Message you sent
   * blocked?" too; Sieve, Exchange's moderation and gateway (Barracuda)
   * notices with these come from the null sender or software */
  { "rejected:", BC_PHRASE_WEAK },
  { "message you sent", BC_PHRASE_WEAK },
  /* anywhere only: "[SPAM] Non recapitabile", "Re: Unzustellbar",
   * "Powiadomienie: wiadomość nie została dostarczona"; the ru and uk
   * neuter "не доставлено" is said of a message (a parcel is "посылка
   * не доставлена") */
  { "undeliverable", BC_PHRASE_INSIDE },
  { "undelivered mail", BC_PHRASE_INSIDE },
  { "undelivered message", BC_PHRASE_INSIDE },
  { "mail delivery failed", BC_PHRASE_INSIDE },
  { "mail delivery failure", BC_PHRASE_INSIDE },
  { "nondelivery", BC_PHRASE_INSIDE | BC_PHRASE_LEAD },
  { "could not be delivered", BC_PHRASE_INSIDE },
  { "non delivre", BC_PHRASE_INSIDE },
  { "non recapitato", BC_PHRASE_INSIDE },
  { "niedostarczalne", BC_PHRASE_INSIDE },
  { "niedostarczona wiadomosc", BC_PHRASE_INSIDE },
  { "wiadomosc nie została dostarczona", BC_PHRASE_INSIDE },
  { "nie mozna dostarczyc wiadomosci", BC_PHRASE_INSIDE },
  { "zprava nebyla dorucena", BC_PHRASE_INSIDE },
  { "nedorucena zprava", BC_PHRASE_INSIDE },
  { "sprava nebola dorucena", BC_PHRASE_INSIDE },
  { "о недоставке", BC_PHRASE_INSIDE },
  { "投遞失敗", BC_PHRASE_INSIDE },
  /* bounce_by_content() only: wider, since its text must also quote an
   * SMTP refusal; the blocks and rejections of security gateways and
   * cloud filters need a sender that is software */
  { "not delivered", BC_PHRASE_LEAD },
  { "delivery fail", BC_PHRASE_LEAD },
  { "delivery status", BC_PHRASE_LEAD },
  { "delivery error", BC_PHRASE_LEAD },
  { "bounced", BC_PHRASE_LEAD },
  { "mail delivery", BC_PHRASE_LEAD },
  { "message blocked", BC_PHRASE_REFUSAL },
  { "delivery blocked", BC_PHRASE_REFUSAL },
  { "mail blocked", BC_PHRASE_REFUSAL },
  { "email blocked", BC_PHRASE_REFUSAL },
  { "e-mail blocked", BC_PHRASE_REFUSAL },
  { "blocked message", BC_PHRASE_REFUSAL },
  { "blocked email", BC_PHRASE_REFUSAL },
  { "blocked mail", BC_PHRASE_REFUSAL },
  { "rejected", BC_PHRASE_REFUSAL },
};

/* _bc_subject_phrases_unfolded - the first entry of the Subject phrase
 * table that is not written as _bc_fold() gives it, NULL when none: the
 * table is compared as written, so a test asks this */
const char *
_bc_subject_phrases_unfolded (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (subject_phrases); i++) {
    char *f = _bc_fold (subject_phrases[i].text, -1);
    gboolean same = strcmp (f, subject_phrases[i].text) == 0;
    g_free (f);
    if (!same)
      return subject_phrases[i].text;
  }
  return NULL;
}

/* subject_text - the first 256 bytes of @m's Subject made comparable with
 * the folded phrases: an ASCII one lower-cased into @buf, which is what
 * folding it gives, without allocating; another folded into *@own, which
 * the caller frees */
static const char *
subject_text (const BcMime *m, char buf[257], char **own)
{
  gsize n = MIN (strlen (m->subject), 256);

  *own = NULL;
  for (gsize i = 0; i < n; i++) {
    if ((guchar) m->subject[i] >= 0x80)
      return *own = _bc_fold (m->subject, n);
    buf[i] = g_ascii_tolower (m->subject[i]);
  }
  buf[n] = '\0';
  return buf;
}

/* starts_ascii - @s begins with the folded phrase @f: 1 yes, 0 no, -1
 * when a non-ASCII byte of @s decides, which only folding @s can tell */
static gint
starts_ascii (const char *s, const char *f)
{
  for (; *f; s++, f++) {
    if ((guchar) *s >= 0x80)
      return -1;
    if (g_ascii_tolower (*s) != *f)
      return 0;
  }
  return 1;
}

/* may_start - @s, a Subject past blanks that begins with a non-ASCII
 * character, may begin with a folded phrase of the START or WEAK kind: its
 * first character (with the marks and Hangul vowels and finals that
 * compose with it), folded, begins one. Folding that much is far cheaper
 * than folding the Subject, which most Subjects need not. */
static gboolean
may_start (const char *s)
{
  char *head;
  const char *e = s;
  gboolean may;

  if (!*s || (guchar) *s < 0x80)
    return TRUE;
  do {
    gunichar c;
    e = g_utf8_next_char (e);
    c = g_utf8_get_char_validated (e, -1);
    if (c == (gunichar) -1 || c == (gunichar) -2 ||
        !(g_unichar_ismark (c) || (c >= 0x1160 && c <= 0x11ff)))
      break;
  } while (*e);
  head = _bc_fold (s, e - s);
  /* a lone mark folds to nothing, a no-break space to a blank: decide on
   * the whole Subject */
  may = head[0] == '\0' || head[0] == ' ';
  for (guint i = 0; i < G_N_ELEMENTS (subject_phrases) && !may; i++)
    may = (subject_phrases[i].uses & (BC_PHRASE_START | BC_PHRASE_WEAK)) &&
          (guchar) head[0] == (guchar) subject_phrases[i].text[0];
  g_free (head);
  return may;
}

/* _bc_subject_phrase_starts - the BC_PHRASE_* flags of @uses borne by the
 * phrases the Subject begins with (past blanks), 0 when none. The raw
 * Subject decides for most phrases; it is folded only when a non-ASCII
 * byte stands where a phrase is compared, as in a localized one. */
guint
_bc_subject_phrase_starts (const BcMime *m, guint uses)
{
  char *own = NULL;
  const char *s = m->subject;
  gboolean undecided = FALSE;
  guint hit = 0;

  while (*s == ' ' || *s == '\t')
    s++;
  for (guint i = 0; i < G_N_ELEMENTS (subject_phrases); i++) {
    gint r;
    if (!(subject_phrases[i].uses & uses & ~hit))
      continue;
    r = starts_ascii (s, subject_phrases[i].text);
    if (r > 0)
      hit |= subject_phrases[i].uses & uses;
    undecided |= r < 0;
  }
  if (!undecided || !may_start (s))
    return hit;
  own = _bc_fold (m->subject, MIN (strlen (m->subject), 256));
  for (s = own; *s == ' ' || *s == '\t'; s++)
    ;
  for (guint i = 0; i < G_N_ELEMENTS (subject_phrases); i++)
    if ((subject_phrases[i].uses & uses & ~hit) && g_str_has_prefix (s, subject_phrases[i].text))
      hit |= subject_phrases[i].uses & uses;
  g_free (own);
  return hit;
}

/* _bc_subject_phrase_in - the BC_PHRASE_* flags of @uses borne by the first
 * phrase of @uses anywhere in the Subject, 0 when none; with @answer
 * (BC_PREFIX_*) not 0, also 0 when that phrase follows a prefix of @answer
 * (an answer to a bounce) or stands between quotation marks (a ticket's
 * title, _bc_quoted_at) */
guint
_bc_subject_phrase_in (const BcMime *m, guint uses, guint answer)
{
  char *own, buf[257];
  const char *s = subject_text (m, buf, &own), *first = NULL;
  guint found = 0;

  for (guint i = 0; i < G_N_ELEMENTS (subject_phrases); i++) {
    const char *p;
    if (!(subject_phrases[i].uses & uses) || !(p = strstr (s, subject_phrases[i].text)))
      continue;
    if (!first || p < first)
      first = p, found = 0;
    if (p == first)
      found |= subject_phrases[i].uses & uses;
  }
  if (first && answer &&
      (_bc_quoted_at (s, first) || _bc_subject_prefix_before (s, first, answer)))
    found = 0;
  g_free (own);
  return found;
}

/* Phrases by which a report's text says that mail was not delivered:
 * BC_SAYS_FAILED in English and other languages (says_not_delivered()),
 * BC_SAYS_REFUSED the English ones bounce_by_content() reads beside a
 * quoted SMTP refusal, which adds blocks and rejections */
static const BcPhrase text_phrases[] = {
  { "not be delivered", BC_SAYS_FAILED | BC_SAYS_REFUSED },
  { "not delivered", BC_SAYS_FAILED | BC_SAYS_REFUSED },
  { "undeliverable", BC_SAYS_FAILED | BC_SAYS_REFUSED },
  { "delivery failed", BC_SAYS_FAILED | BC_SAYS_REFUSED },
  { "delivery has failed", BC_SAYS_FAILED | BC_SAYS_REFUSED },
  { "delivery error", BC_SAYS_REFUSED },
  { "could not deliver", BC_SAYS_FAILED | BC_SAYS_REFUSED },
  { "unable to deliver", BC_SAYS_FAILED | BC_SAYS_REFUSED },
  { "cannot deliver", BC_SAYS_FAILED | BC_SAYS_REFUSED },
  { "failed permanently", BC_SAYS_FAILED | BC_SAYS_REFUSED },
  { "permanent error", BC_SAYS_FAILED | BC_SAYS_REFUSED },
  { "delivery to the following", BC_SAYS_FAILED | BC_SAYS_REFUSED },
  { "following recipient", BC_SAYS_FAILED | BC_SAYS_REFUSED },
  { "following address", BC_SAYS_FAILED | BC_SAYS_REFUSED },
  { "delivery failure", BC_SAYS_FAILED | BC_SAYS_REFUSED },
  { "was rejected", BC_SAYS_FAILED | BC_SAYS_REFUSED },
  { "were rejected", BC_SAYS_REFUSED },
  { "has been rejected", BC_SAYS_REFUSED },
  { "could not be sent", BC_SAYS_FAILED | BC_SAYS_REFUSED },
  { "was blocked", BC_SAYS_REFUSED },
  { "were blocked", BC_SAYS_REFUSED },
  { "has been blocked", BC_SAYS_REFUSED },
  { "returned to sender", BC_SAYS_FAILED },
  /* ja: "配信できませんでした", "届きませんでした", "送信に失敗しました" */
  { "配信できませんでした", BC_SAYS_FAILED },
  { "配送できませんでした", BC_SAYS_FAILED },
  { "送信できませんでした", BC_SAYS_FAILED },
  { "届きませんでした", BC_SAYS_FAILED },
  { "送信に失敗しました", BC_SAYS_FAILED },
  { "配信に失敗しました", BC_SAYS_FAILED },
  { "配送に失敗しました", BC_SAYS_FAILED },
  /* ru, uk, zh, ko */
  { "не доставлено", BC_SAYS_FAILED },
  { "не удалось доставить", BC_SAYS_FAILED },
  { "не может быть доставлено", BC_SAYS_FAILED },
  { "не вдалося доставити", BC_SAYS_FAILED },
  { "未能送达", BC_SAYS_FAILED },
  { "无法投递", BC_SAYS_FAILED },
  { "投递失败", BC_SAYS_FAILED },
  { "無法傳遞", BC_SAYS_FAILED },
  { "無法送達", BC_SAYS_FAILED },
  { "전달되지 않았", BC_SAYS_FAILED },
  { "전달되지 못했", BC_SAYS_FAILED },
  { "배달하지 못했", BC_SAYS_FAILED },
  { "전송에 실패", BC_SAYS_FAILED },
  /* de fr es it pt nl pl cs sk, accented and 7-bit; the Polish "Dostarczenie
   * wiadomości do ... nie powiodło się" names the delivery first */
  { "nicht zugestellt", BC_SAYS_FAILED },
  { "nicht zustellbar", BC_SAYS_FAILED },
  { "pas pu être remis", BC_SAYS_FAILED },
  { "pas pu etre remis", BC_SAYS_FAILED },
  { "pas été remis", BC_SAYS_FAILED },
  { "pas ete remis", BC_SAYS_FAILED },
  { "no se pudo entregar", BC_SAYS_FAILED },
  { "no pudo ser entregado", BC_SAYS_FAILED },
  { "non è stato recapitato", BC_SAYS_FAILED },
  { "non e' stato recapitato", BC_SAYS_FAILED },
  { "non è stato possibile recapitare", BC_SAYS_FAILED },
  { "não foi possível entregar", BC_SAYS_FAILED },
  { "nao foi possivel entregar", BC_SAYS_FAILED },
  { "niet worden bezorgd", BC_SAYS_FAILED },
  { "niet afgeleverd", BC_SAYS_FAILED },
  { "nie została dostarczona", BC_SAYS_FAILED },
  { "nie zostala dostarczona", BC_SAYS_FAILED },
  { "nie można było dostarczyć", BC_SAYS_FAILED },
  { "nie mozna bylo dostarczyc", BC_SAYS_FAILED },
  { "nie można dostarczyć", BC_SAYS_FAILED },
  { "nie mozna dostarczyc", BC_SAYS_FAILED },
  { "dostarczenie wiadomości do", BC_SAYS_FAILED },
  { "dostarczenie wiadomosci do", BC_SAYS_FAILED },
  { "dostarczenie do tych", BC_SAYS_FAILED },
  { "nebylo možné doručit", BC_SAYS_FAILED },
  { "nebylo mozne dorucit", BC_SAYS_FAILED },
  { "nebyla doručena", BC_SAYS_FAILED },
  { "nebyla dorucena", BC_SAYS_FAILED },
  { "nelze doručit", BC_SAYS_FAILED },
  { "nelze dorucit", BC_SAYS_FAILED },
  { "nebolo možné doručiť", BC_SAYS_FAILED },
  { "nebola doručená", BC_SAYS_FAILED },
};

/* _bc_says_not_delivered - the report's own text has a phrase of @uses
 * (BC_SAYS_*) */
gboolean
_bc_says_not_delivered (const BcMime *m, guint uses)
{
  for (guint i = 0; i < G_N_ELEMENTS (text_phrases); i++)
    if ((text_phrases[i].uses & uses) && _bc_body_find (m, text_phrases[i].text))
      return TRUE;
  return FALSE;
}
