/* autoreply.c - tell auto-replies (RFC 3834) and bounces apart.
 *
 * A bounce comes from a mailer daemon or postmaster, or carries a DSN or an
 * X-Failed-Recipients header, or has an NDR subject. An auto-reply says so
 * in Auto-Submitted, X-Autoreply, X-Autorespond, X-Apple-Action or Precedence, or has one of
 * the usual out-of-office subjects, and is not a bounce. A bounce also
 * carries "Auto-Submitted: auto-replied", so the bounce test comes first.
 * Exchange and ticket systems write "Auto-Submitted: auto-generated" on
 * their replies; generated mail counts as an auto-reply only when it
 * answers a message (In-Reply-To or References); an Exchange inbox rule
 * (out-of-office is one) names the mailbox that answered in
 * X-MS-Exchange-Inbox-Rules-Loop. Never an auto-reply: a
 * mailing list manager's notice (From sympa@, LISTSERV@, a list's -owner
 * or -request address), a read receipt (report-type
 * disposition-notification), and, on its Subject or text alone, a bulk
 * mailing (List-Unsubscribe). The classifier asks this before any
 * recognizer, which would claim a notice of "its" server and lose it.
 * An NDR subject alone does not make a bounce of mail an ordinary sender
 * sent that says nothing failed; a subject that says nothing of delivery
 * ("Rejected: ...", "Message you sent ...") needs the null sender or an
 * automated sender. A known bounce phrase further on in the Subject
 * ("[SPAM] Non recapitabile", "Re: Unzustellbar", "Уведомление о
 * недоставке") counts only when software sent the message (the null
 * sender, Auto-Submitted, a no-reply From, a From naming a mail system)
 * and its text says mail was not delivered (subject_names_bounce), and
 * not after a reply prefix ("[Ticket #1] Re: Undeliverable") or between
 * quotation marks (a ticket's title) unless from the null sender. A
 * person forwarding or answering a bounce (quoting it) has not bounced
 * (_bc_is_forward, _bc_is_reply, also after a gateway's "[EXTERNAL]"
 * tag), nor one who passes a bounce on under any Subject, with the
 * bounce's header block in the text (no quote marks, as Outlook writes
 * it) or the bounce attached (_bc_passes_on_bounce), nor one who writes
 * about a bounce in a letter signed with a first name
 * (_bc_describes_bounce). "A person" is what person_sent() says: no null
 * sender, DSN, X-Failed-Recipients, mail daemon or system in the From,
 * Auto-Submitted or no-reply mailbox. A read receipt is never a bounce,
 * whatever Subject it repeats.
 *
 * Out-of-office subjects are compared folded (fold()): case by Unicode
 * case folding, accents dropped, compatibility forms and Turkish dotted and
 * dotless i made one, so "АВТООТВЕТ", "RÉPONSE AUTOMATIQUE", "Reponse
 * automatique" and "OTOMATİK YANIT" all match. Only the first 256 bytes of
 * a Subject with non-ASCII bytes are folded; an ASCII one is compared as is.
 * Last, an auto-reply that says nothing in its headers and keeps the
 * Subject it answers ("Re: ...") is known by its text: one of the first
 * eight lines of a short plain message that is no report, attaches and
 * quotes nothing, says in the first person that the writer is away ("I am
 * out of the office", "Ich bin bis ... nicht im Büro", "Je suis
 * absent(e)"). Only the first 4 KiB of the text are folded for that.
 * Limits: a Subject prefix must be in auto_subjects[] (or weak_subjects[],
 * followed by what weak_end() allows), a Notes-style suffix in
 * notes_suffixes[]; the text test knows
 * only the phrasings in away_groups[] (sixteen languages), and a message
 * longer than 8 KiB is never read as an auto-reply for its text alone.
 */
#include "bc-private.h"

#include <string.h>

static const char *const daemon_from[] = {
  "mailer-daemon", "mailer_daemon", "postmaster", "mail delivery", "maildelivery",
  "mail administrator", "mail system", "mailadmin", "mmdf", "smtpgw", "nobody@",
  "microsoftexchange", "bounce", "mail-daemon", "mailerdaemon", NULL
};

/* memo_ask - the memoized answer *@slot (0, 1 or 2; NULL: none kept) or
 * @ask's for @m, kept */
static gboolean
memo_ask (const BcMime *m, guint8 *slot, gboolean (*ask) (const BcMime *))
{
  gboolean yes;

  if (slot && *slot)
    return *slot == 2;
  yes = ask (m);
  if (slot)
    *slot = yes ? 2 : 1;
  return yes;
}

static gboolean
daemon_from_ask (const BcMime *m)
{
  return _bc_from_matches (m, daemon_from);
}

/* from_daemon - the From names a mail daemon (daemon_from[]) */
static gboolean
from_daemon (const BcMime *m)
{
  return memo_ask (m, m->memo ? &m->memo->daemon_from : NULL, daemon_from_ask);
}

/* head_fold - the first 4 KiB of the body, folded (_bc_fold); owned by
 * @m's memo, or by the caller when *@own is set */
static const char *
head_fold (const BcMime *m, char **own)
{
  char *f;

  *own = NULL;
  if (m->memo && m->memo->head_fold)
    return m->memo->head_fold;
  f = _bc_fold (m->body->str, MIN (m->body->len, 4096));
  if (m->memo)
    m->memo->head_fold = f;
  else
    *own = f;
  return f;
}

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

/* _bc_automated_sender - the message says it was written by software, not
 * by a person: "Auto-Submitted" other than "no" (RFC 3834), or a From whose
 * mailbox is one that nobody reads ("noreply@", "do-not-reply@",
 * "notifications@"). */
gboolean
_bc_automated_sender (const BcMime *m)
{
  static const char *const robots[] = { "noreply@", "no-reply@", "no_reply@", "donotreply@",
                                        "do-not-reply@", "do_not_reply@", "notification@",
                                        "notifications@", "notify@", NULL };
  const char *as = _bc_mime_header (m, "Auto-Submitted");

  while (as && (*as == ' ' || *as == '\t'))
    as++;
  if (as && *as && g_ascii_strncasecmp (as, "no", 2) != 0)
    return TRUE;
  return _bc_from_matches (m, robots);
}

/* null_sender - the Return-Path is there and is the null sender "<>" */
static gboolean
null_sender (const BcMime *m)
{
  const char *rp = _bc_mime_header (m, "Return-Path");

  while (rp && (*rp == ' ' || *rp == '\t'))
    rp++;
  return rp && g_str_has_prefix (rp, "<>");
}

static char **fold_all (const char *const *list);
static gboolean disposition_notification (const BcMime *m);

/* Who a notice with such a Subject may come from when its headers claim
 * nothing: a From that names software ("Почтовая система", "Système de
 * messagerie", "Poštový systém", "Mailserver", "System Administrator"),
 * compared folded. */
static const char *const system_from[] = {
  "system", "systeem", "sistema", "administrator", "administrateur", "amministratore",
  "server", "serwer", "servidor", "serveur", "gateway", "relay", "kerio", "poczta",
  "servizio posta", "почтов", "поштов", "служба доставки", "система", "メールシステム",
  "メールサーバ", "邮件系统", "郵件系統", NULL
};

/* folded_has - the first 256 bytes of @s, folded, contain one of the
 * folded strings in @list */
static gboolean
folded_has (const char *s, char **list)
{
  char *f = _bc_fold (s, MIN (strlen (s), 256));
  gboolean found = FALSE;

  for (guint i = 0; list[i] && !found; i++)
    found = strstr (f, list[i]) != NULL;
  g_free (f);
  return found;
}

/* _bc_quoted_at - @at, a place in @s, stands between quotation marks
 * ("...", “...”, «...», „...“): a Subject that quotes a title ("Your
 * ticket \"Undeliverable emails\" was updated") names something else by
 * it, where a bounce's own phrase is never quoted */
gboolean
_bc_quoted_at (const char *s, const char *at)
{
  gboolean straight = FALSE;
  gint curly = 0;

  for (const char *p = s; p < at && *p; p++) {
    if (*p == '"')
      straight = !straight;
    else if (g_str_has_prefix (p, "\xe2\x80\x9c") || g_str_has_prefix (p, "\xe2\x80\x9e") ||
             g_str_has_prefix (p, "\xc2\xab"))
      curly++;                      /* “ „ « */
    else if ((g_str_has_prefix (p, "\xe2\x80\x9d") || g_str_has_prefix (p, "\xc2\xbb")) &&
             curly > 0)
      curly--;                      /* ” » */
  }
  return straight || curly > 0;
}

/* subject_names_bounce - a bounce phrase anywhere in the Subject of a
 * message that software sent: the null sender, an automated sender
 * (Auto-Submitted, a no-reply From), or a From that names software. A
 * person who forwards, answers or describes a bounce ("Fwd: Undeliverable",
 * "Re: Delivery failure", "Pytanie: wiadomość nie została dostarczona")
 * is none of these; bulk mail (List-Unsubscribe, List-Id) never counts.
 * The text must also say that mail was not delivered: an out-of-office
 * notice answering a bounce ("Automatic reply: Undeliverable: ...",
 * Auto-Submitted, and from the null sender where Sieve's vacation sends
 * it) says only that its writer is away, and so does a read receipt.
 * A From naming software counts only without a reply or forward prefix.
 * Folds the Subject only once the sender qualifies. */
static gboolean
subject_names_bounce (const BcMime *m)
{
  static char **systems;
  static gsize once;
  gboolean null = null_sender (m), automated = !null && _bc_automated_sender (m);

  if (!m->subject[0] || _bc_mime_header (m, "List-Unsubscribe") || _bc_mime_header (m, "List-Id"))
    return FALSE;
  if (g_once_init_enter (&once)) {
    systems = fold_all (system_from);
    g_once_init_leave (&once, 1);
  }
  if (!null && !automated &&
      (_bc_subject_prefix (m->subject, BC_PREFIX_ANSWER) || !folded_has (m->from, systems)))
    return FALSE;
  /* a gateway returning "Re: Unzustellbar: ..." sends from the null
   * sender; from another, a prefix before the phrase or quotation marks
   * around it make an answer to a bounce or a ticket's title */
  if (!_bc_subject_phrase_in (m, BC_PHRASE_INSIDE, null ? 0 : BC_PREFIX_ANSWER))
    return FALSE;
  return _bc_says_not_delivered (m, BC_SAYS_FAILED);
}

gboolean
_bc_looks_like_bounce (const BcMime *m)
{
  guint starts;

  if (m->dsn->len > 0 || _bc_mime_header (m, "X-Failed-Recipients"))
    return TRUE;
  if (from_daemon (m))
    return TRUE;
  /* a read receipt (RFC 8098), which RFC 8098 sends from the null sender
   * and whose Subject repeats the one it was read under ("Read:
   * Undeliverable items in your order") */
  if (disposition_notification (m))
    return FALSE;
  /* an NDR subject, unless an ordinary sender sent it and its text does not
   * say anything failed ("Delivery notification: your parcel ...") */
  starts = _bc_subject_phrase_starts (m, BC_PHRASE_START | BC_PHRASE_WEAK);
  if (starts & BC_PHRASE_START)
    return !ordinary_sender (m) || _bc_says_not_delivered (m, BC_SAYS_FAILED);
  /* a weak subject needs a sender that is no person: the null sender or
   * software (a DSN part, a daemon From were asked above) */
  if (starts & BC_PHRASE_WEAK)
    return null_sender (m) || _bc_automated_sender (m);
  return subject_names_bounce (m);
}

/* _bc_is_forward - a person passing a bounce on ("Fwd: Undelivered Mail
 * ..."): the forwarder's message is not itself a bounce. */
gboolean
_bc_is_forward (const BcMime *m)
{
  const char *s = m->subject, *close;

  if (from_daemon (m))
    return FALSE;
  if (_bc_subject_prefix (s, BC_PREFIX_FORWARD))
    return TRUE;
  /* after a gateway's tag: "[EXTERNAL] FW: Undeliverable: ...", "[EXT] Fwd: ..." */
  while (*s == ' ' || *s == '\t')
    s++;
  if (*s != '[' || !(close = strchr (s, ']')) || close - s > 24)
    return FALSE;
  return _bc_subject_prefix (close + 1, BC_PREFIX_FORWARD);
}

/* person_sent - nothing says software sent @m: not the null sender, no
 * DSN part, no X-Failed-Recipients, no mail daemon or mail system in the
 * From, no Auto-Submitted or no-reply mailbox (_bc_automated_sender) */
static gboolean
person_sent_ask (const BcMime *m)
{
  static char **systems;
  static gsize once;

  if (null_sender (m) || m->dsn->len > 0 || m->arf || _bc_mime_header (m, "X-Failed-Recipients") ||
      from_daemon (m) || _bc_automated_sender (m))
    return FALSE;
  if (g_once_init_enter (&once)) {
    systems = fold_all (system_from);
    g_once_init_leave (&once, 1);
  }
  return !folded_has (m->from, systems);
}

static gboolean
person_sent (const BcMime *m)
{
  return memo_ask (m, m->memo ? &m->memo->person_sent : NULL, person_sent_ask);
}

/* Labels that open the From line of a header block a mail client writes
 * above a forwarded or quoted message (Outlook, Gmail, Apple Mail,
 * Thunderbird, in their languages), as the clients write them: compared
 * with ASCII case ignored */
static const char *const from_labels[] = {
  "from:", "von:", "de:", "de :", "da:", "van:", "Från:", "fra:", "od:", "Lähettäjä:",
  "Feladó:", "kimden:", "От:", "Від:", "差出人:", "差出人：", "发件人:", "发件人：", "寄件者:",
  "寄件者：", "보낸 사람:", "afzender:", "remitente:", "mittente:", "Expéditeur:", "absender:",
  NULL
};

/* daemon_in_text_block - a line of the text (at most 64 KiB, quote marks
 * and indentation skipped) that names a mail daemon after a From label:
 * a bounce's header block quoted below a person's words */
static gboolean
daemon_in_text_block (const BcMime *m)
{
  const char *p = m->body->str, *end = p + MIN (m->body->len, 64 * 1024);

  while (p < end) {
    const char *nl = memchr (p, '\n', end - p), *e = nl ? nl : end, *q = p;
    while (q < e && (*q == ' ' || *q == '\t' || *q == '>' || *q == '*'))
      q++;
    for (guint i = 0; from_labels[i]; i++) {
      if ((gsize) (e - q) > strlen (from_labels[i]) && _bc_has_prefix_ci (q, from_labels[i])) {
        char *line = g_strndup (q, e - q);
        gboolean hit = FALSE;
        for (guint j = 0; daemon_from[j] && !hit; j++)
          hit = _bc_strcasestr (line, daemon_from[j]) != NULL;
        g_free (line);
        if (hit)
          return TRUE;
        break;
      }
    }
    p = nl ? nl + 1 : end;
  }
  return FALSE;
}

/* attached_bounce - the message attached to @m is a bounce: a delivery
 * report, or a message from a mail daemon */
static gboolean
attached_bounce (const BcMime *m)
{
  char *ct = NULL, *from = NULL;
  gboolean hit;

  if (m->orig) {
    const char *c = g_mime_object_get_header (m->orig, "Content-Type");
    const char *f = g_mime_object_get_header (m->orig, "From");
    ct = c ? g_strdup (c) : NULL;
    from = f ? g_strdup (f) : NULL;
  } else if (m->orig_text) {
    ct = _bc_field_get (m->orig_text, "Content-Type");
    from = _bc_field_get (m->orig_text, "From");
  }
  hit = (ct && _bc_strcasestr (ct, "report-type=delivery-status")) ||
        (from && _bc_strcasestr (from, "mailer-daemon")) ||
        (from && _bc_strcasestr (from, "postmaster"));
  g_free (ct);
  g_free (from);
  return hit;
}

/* _bc_passes_on_bounce - a person passing a bounce on whatever the
 * Subject says ("Why does my mail to Kate bounce?", "PD: ...", "RE:
 * Undeliverable: ..." with Outlook's header block and no quote marks):
 * a person sent it (person_sent) and its text quotes a header block whose
 * From is a mail daemon, or the message attached is a bounce. A relay
 * that wraps a bounce sends from the null sender or a daemon. */
static gboolean
passes_on_bounce_ask (const BcMime *m)
{
  if (!person_sent (m))
    return FALSE;
  return attached_bounce (m) || daemon_in_text_block (m);
}

gboolean
_bc_passes_on_bounce (const BcMime *m)
{
  return memo_ask (m, m->memo ? &m->memo->passes_on_bounce : NULL, passes_on_bounce_ask);
}

/* How a person opens and closes a message, folded: a greeting on the
 * first line, a closing formula on a short line */
static const char *const greetings[] = {
  "hi", "hello", "hey", "dear", "good morning", "good afternoon", "good evening",
  "hallo", "guten tag", "guten morgen", "liebe", "lieber", "sehr geehrte", "moin", "servus",
  "bonjour", "bonsoir", "salut", "madame", "monsieur", "hola", "buenos días", "buenas tardes",
  "estimado", "estimada", "buongiorno", "buonasera", "ciao", "salve", "gentile", "olá", "bom dia",
  "boa tarde", "prezado", "prezada", "beste", "goedemorgen", "goedemiddag", "hej", "hei", "moi",
  "hejsan", "dzień dobry", "witam", "cześć", "dobrý den", "ahoj", "szia", "jó napot", "merhaba",
  "здравствуйте", "добрый день", "доброе утро", "привет", "уважаемый", "уважаемая", "вітаю",
  "добрий день", "お世話になっております", "お世話になります", "お疲れ様です", "您好", "你好",
  "안녕하세요", NULL
};
static const char *const closings[] = {
  "thanks", "thank you", "regards", "best", "kind regards", "cheers", "sincerely", "viele grüße",
  "grüße", "gruß", "lg", "mit freundlichen grüßen", "cordialement", "bien à vous", "merci",
  "bonne journée", "saludos", "un saludo", "gracias", "atentamente", "grazie", "cordiali saluti",
  "saluti", "obrigado", "obrigada", "cumprimentos", "atenciosamente", "abraços", "groeten",
  "met vriendelijke groet", "mvh", "med vänliga hälsningar", "hälsningar", "vh", "pozdrawiam",
  "pozdrowienia", "s pozdravem", "üdvözlettel", "saygılarımla", "с уважением", "спасибо",
  "заранее спасибо", "з повагою", "よろしくお願いいたします", "よろしくお願いします", "谢谢",
  "此致", "감사합니다", NULL
};

/* starts_word - @line begins with @w and a non-letter follows it */
static gboolean
starts_word (const char *line, const char *e, const char *w)
{
  gsize n = strlen (w);
  return (gsize) (e - line) >= n && strncmp (line, w, n) == 0 &&
         (line + n == e || (!g_ascii_isalpha (line[n]) && (guchar) line[n] < 0x80) ||
          (guchar) w[n - 1] >= 0x80);
}

/* Words of a display name that is a team's or a service's, not a
 * person's ("Customer Care", "Support Team", "Mail Router"), folded */
static const char *const role_words[] = {
  "customer", "care", "support", "service", "services", "team", "mail", "email", "e-mail",
  "delivery", "system", "admin", "help", "desk", "helpdesk", "center", "centre", "info",
  "notification", "notifications", "postmaster", "router", "security", "the", NULL
};

/* signed_by_writer - the folded line [@q, @e) is the writer's signature:
 * the first word of the From's display name alone ("Ana"), or the whole
 * display name when it is two words of no team or service ("Cleo Park");
 * a template signs with its sender's full name ("Example ISP Customer
 * Care"), a person with a first name */
static gboolean
signed_by_writer (const char *q, const char *e, const char *first, const char *full)
{
  for (;;) {
    if (q < e && (*q == '-' || *q == ' '))
      q++;
    else if (e - q >= 3 && (g_str_has_prefix (q, "\xe2\x80\x93") || g_str_has_prefix (q, "\xe2\x80\x94")))
      q += 3;                       /* "– Ana", "— Ana" */
    else
      break;
  }
  if (first && (gsize) (e - q) == strlen (first) && strncmp (q, first, e - q) == 0)
    return TRUE;
  return full && (gsize) (e - q) == strlen (full) && strncmp (q, full, e - q) == 0;
}

/* _bc_describes_bounce - a person writing about a bounce in their own
 * words, no bounce quoted or attached (that is _bc_passes_on_bounce):
 * a person sent it (person_sent), it attaches no message, and its text
 * (the first 4 KiB, folded) is a letter the writer signed: a line that
 * is the first name of the From's display name (or the two-word name),
 * the first name in the opening line where Japanese and Chinese put it
 * ("お世話になっております。田中です。"), or a From that is also the To (a
 * note to oneself, a saved copy) -- and with it a greeting on the first
 * line, a closing formula on a short line, or a question. A template
 * that greets its reader ("Dear customer") signs with its sender's full
 * name, never a first name alone. */
gboolean
_bc_describes_bounce (const BcMime *m)
{
  static char **greet, **close, **roles;
  static gsize once;
  const char *to = _bc_mime_header (m, "To");
  char *own, *first = NULL, *full = NULL, *to_addr;
  const char *text;
  const char *p, *end;
  guint lines = 0;
  gboolean greeted = FALSE, closed = FALSE, asked = FALSE, signed_ = FALSE;

  if (m->has_attached_message || m->is_report || m->body->len == 0 || !person_sent (m))
    return FALSE;
  if (g_once_init_enter (&once)) {
    greet = fold_all (greetings);
    close = fold_all (closings);
    roles = fold_all (role_words);
    g_once_init_leave (&once, 1);
  }
  /* the display name: "Ana Ruiz <ana@...>" gives "ana" and "ana ruiz" */
  {
    const char *f = m->from, *lt = strchr (f, '<');
    while (*f == ' ' || *f == '"')
      f++;
    if (lt && lt > f) {
      const char *ne = lt;
      gsize n = strcspn (f, " \"<,");
      gchar **words;
      guint nw;
      gboolean role = FALSE;
      while (ne > f && (ne[-1] == ' ' || ne[-1] == '"'))
        ne--;
      full = _bc_fold (f, ne - f);
      words = g_strsplit (full, " ", -1);
      nw = g_strv_length (words);
      for (guint i = 0; words[i] && !role; i++)
        for (guint j = 0; roles[j] && !role; j++)
          role = g_str_equal (words[i], roles[j]);
      g_strfreev (words);
      if (!role && n >= 2 && f + n <= ne)
        first = _bc_fold (f, n);
      if (role || nw != 2)
        g_clear_pointer (&full, g_free);
    }
  }
  to_addr = to ? _bc_address_find (to, strlen (to), NULL) : NULL;
  signed_ = to_addr && m->from_addr[0] && g_ascii_strcasecmp (to_addr, m->from_addr) == 0;
  g_free (to_addr);
  text = head_fold (m, &own);
  p = text;
  end = text + strlen (text);
  while (p < end) {
    const char *nl = memchr (p, '\n', end - p), *e = nl ? nl : end, *q = p;
    while (q < e && (*q == ' ' || *q == '\t' || *q == '\r'))
      q++;
    while (e > q && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == ','))
      e--;
    if (q < e && *q != '>') {
      if (lines++ == 0) {
        for (guint i = 0; greet[i] && !greeted; i++)
          greeted = starts_word (q, e, greet[i]);
        if (first && (guchar) first[0] >= 0x80 && _bc_memmem (q, e - q, first, strlen (first)))
          signed_ = TRUE;
      }
      if (e - q <= 40) {
        for (guint i = 0; close[i] && !closed; i++)
          closed = starts_word (q, e, close[i]);
        if (!signed_)
          signed_ = signed_by_writer (q, e, first, full);
      }
      if (!asked)
        asked = _bc_memmem (q, e - q, "?", 1) || _bc_memmem (q, e - q, "\xef\xbc\x9f", 3);
    }
    p = nl ? nl + 1 : end;
  }
  g_free (own);
  g_free (first);
  g_free (full);
  return signed_ && (greeted || closed || asked);
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
  const char *rp, *as;

  if (!_bc_subject_prefix (m->subject, BC_PREFIX_REPLY) || from_daemon (m))
    return FALSE;
  rp = _bc_mime_header (m, "Return-Path");
  as = _bc_mime_header (m, "Auto-Submitted");
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

/* fold_piece - _bc_fold() of @n bytes of @s that hold a byte above 0x7f */
static char *
fold_piece (const char *s, gsize n)
{
  char *valid, *nfkd, *cf, *out;
  GString *bare;

  valid = g_utf8_make_valid (s, n);
  nfkd = g_utf8_normalize (valid, -1, G_NORMALIZE_ALL);
  g_free (valid);
  if (!nfkd)
    return g_ascii_strdown (s, n);
  cf = g_utf8_casefold (nfkd, -1);
  g_free (nfkd);
  bare = g_string_sized_new (strlen (cf));
  for (const char *p = cf; *p; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    if (c >= 0x300 && c <= 0x36f)
      continue;
    if (c == 0x131)
      c = 'i';
    else if (c == 0x2019)
      c = '\'';
    g_string_append_unichar (bare, c);
  }
  g_free (cf);
  out = g_utf8_normalize (bare->str, bare->len, G_NORMALIZE_ALL_COMPOSE);
  if (!out)
    out = g_strdup (bare->str);
  g_string_free (bare, TRUE);
  return out;
}

/* _bc_fold - @len bytes of @s (-1: all) made comparable whatever their case,
 * accents or compatibility forms: made valid UTF-8, decomposed (NFKD),
 * case folded, combining marks U+0300..U+036F dropped, dotless i (U+0131)
 * made "i" and the typographic apostrophe (U+2019) "'", then composed again
 * (NFKC, so that Hangul syllables and kana come back whole). ASCII text is
 * only lower-cased, which is the same. Newly allocated.
 * A line break is a character that no step changes, joins or reorders
 * with its neighbours, and an invalid byte is replaced alone: the text
 * folds line by line as it does whole. Lines of ASCII only (blank lines,
 * addresses, links, a signature) are then lower-cased, and only the runs
 * of other lines go through the normalizations. */
char *
_bc_fold (const char *s, gssize len)
{
  gsize n = len < 0 ? strlen (s) : (gsize) len;
  const char *p, *e = s + n, *run = NULL;   /* run: where lines to normalize start */
  GString *out;
  gsize i;

  for (i = 0; i < n && (guchar) s[i] < 0x80 && s[i]; i++)
    ;
  if (i == n)
    return g_ascii_strdown (s, n);
  if (!memchr (s + i, '\n', n - i) || memchr (s + i, '\0', n - i))
    return fold_piece (s, n);
  out = g_string_sized_new (n);
  for (p = s; p < e;) {
    const char *nl = memchr (p, '\n', e - p), *le = nl ? nl + 1 : e, *q = p;
    while (q < le && (guchar) *q < 0x80)
      q++;
    if (q < le) {
      if (!run)
        run = p;                      /* the line joins the run */
    } else {
      if (run) {
        char *f = fold_piece (run, p - run);
        g_string_append (out, f);
        g_free (f);
        run = NULL;
      }
      for (q = p; q < le; q++)
        g_string_append_c (out, (char) _bc_ascii_lower ((guchar) *q));
    }
    p = le;
  }
  if (run) {
    char *f = fold_piece (run, e - run);
    g_string_append (out, f);
    g_free (f);
  }
  return g_string_free (out, FALSE);
}

/* fold_all - the strings of the NULL-ended @list, folded, in a new
 * NULL-ended array that is never freed (built once per table). */
static char **
fold_all (const char *const *list)
{
  guint n = g_strv_length ((char **) list);
  char **out = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    out[i] = _bc_fold (list[i], -1);
  return out;
}

/* Subject prefixes of auto-replies: Outlook's and Exchange's "Automatic
 * reply" and older "Out of Office" in its languages, the Sieve vacation
 * default "Auto:", and what people write in other clients (Gmail, Apple
 * Mail, Thunderbird, Zimbra) for an out-of-office message. Written as
 * they are spelled; compared folded, so one spelling serves every case
 * and the accentless one. */
static const char *const auto_subjects[] = {
  /* en */
  "out of office", "out of the office", "auto:", "automatic reply", "autoreply",
  "auto-reply", "auto reply", "auto response", "autoresponse", "auto-response", "autoresponder",
  "automatic response", "automated response", "automated reply", "away from", "away:",
  "away until", "on vacation", "i am out", "i'm out", "thank you for your email",
  "thank you for your message", "thanks for your email",
  /* de */
  "abwesenheit", "automatische antwort", "abwesend", "nicht im büro", "außer haus",
  "im urlaub",
  /* fr */
  "réponse automatique", "absent du bureau", "absente du bureau",
  "absent(e) du bureau",
  /* es, it, pt */
  "respuesta automática", "fuera de la oficina", "risposta automatica", "fuori sede",
  "fuori ufficio", "resposta automática", "ausência", "ausente",
  /* nl, sv, da, nb, fi */
  "automatisch antwoord", "afwezig", "frånvaro", "autosvar", "automatiskt svar",
  "automatisk svar", "fravær", "automaattinen vastaus",
  /* pl, cs, sk, hu, ro */
  "automatyczna odpowiedź", "odpowiedź automatyczna", "nieobecność", "poza biurem",
  "automatická odpověď", "nepřítomnost", "mimo kancelář", "automatická odpoveď",
  "automatikus válasz", "házon kívül", "răspuns automat",
  /* hr, sr, sl, bg, uk, ru, el, lt, lv, et */
  "automatski odgovor", "samodejni odgovor", "автоматичен отговор", "автоматична відповідь",
  "автоответ", "автоматический ответ", "вне офиса", "αυτόματη απάντηση",
  "automatinis atsakymas", "automātiskā atbilde", "automaatne vastus",
  /* tr, he, ar, fa, vi, id, ms, th, hi */
  "otomatik yanıt", "otomatik cevap", "ofis dışında", "תשובה אוטומטית", "رد تلقائي",
  "پاسخ خودکار", "trả lời tự động", "balasan otomatis", "balasan automatik",
  "ตอบกลับอัตโนมัติ", "स्वचालित उत्तर", "स्वचालित जवाब",
  /* is, eu, ca, sr (Cyrillic), kk */
  "sjálfvirkt svar", "erantzun automatikoa", "resposta automàtica", "аутоматски одговор",
  "автоматты жауап",
  /* ja, zh, ko */
  "自動応答", "自動返信", "不在", "休暇", "自动回复", "自动答复", "自動回覆", "자동 회신", "자동회신",
  "자동 응답", "부재중", "부재 중",
  /* a word that also begins ordinary subjects ("Vacation deals for
   * November", "Absence request approved"), only in the forms an
   * out-of-office notice takes */
  "vacation reply", "vacation notice", "vacation message", "vacation response",
  "vacation auto", "absence du bureau",
  NULL
};

/* Subject words that begin auto-replies and ordinary mail alike: one counts
 * only when the Subject ends there or goes on with punctuation or a date
 * ("Vacation", "Absence : ...", "Vacation - back 3 Nov", "Vacation until
 * Monday"), see weak_end(). */
static const char *const weak_subjects[] = {
  "vacation", "absence", NULL
};

/* weak_end - @s, the rest of a Subject after a weak_subjects[] word, ends
 * it the way an out-of-office notice does */
static gboolean
weak_end (const char *s)
{
  static const char *const words[] = { "until ", "till ", "through ", NULL };

  while (*s == ' ' || *s == '\t')
    s++;
  if (!*s || strchr (":-([!.,/|", *s) || g_ascii_isdigit (*s) ||
      g_str_has_prefix (s, "\xe2\x80\x93"))        /* en dash */
    return TRUE;
  for (guint i = 0; words[i]; i++)
    if (_bc_has_prefix_ci (s, words[i]))
      return TRUE;
  /* "Vacation from 27 October", not "Absence from work policy" */
  return _bc_has_prefix_ci (s, "from ") && g_ascii_isdigit (s[5]);
}

/* How Lotus Notes and Domino title an out-of-office notice: the person's
 * name, then these words, at the end of the Subject ("Jane Doe is out of
 * the office.", "Hans Maier ist außer Haus."). Written as spelled,
 * compared folded. */
static const char *const notes_suffixes[] = {
  " is out of the office", " ist außer haus", " ist nicht im büro", " est absent(e)",
  " est absent", " est absente", " está fuera de la oficina", " está ausente",
  " è fuori ufficio", " è assente", " is afwezig", " is niet op kantoor",
  " är inte på kontoret", " er ikke på kontoret", NULL
};

/* auto_subject - the Subject begins with one of auto_subjects[] (after an
 * opening bracket, if any) or with a weak_subjects[] word that weak_end()
 * allows, or ends the way Lotus Notes writes it (notes_suffixes[], "Jane
 * Doe/Example is out of the office.") */
static gboolean
auto_subject (const BcMime *m)
{
  static char **folded, **suffixes;
  static gsize once;
  const char *s = m->subject, *p;
  char *f;
  gsize n;
  gboolean found = FALSE;

  if (g_once_init_enter (&once)) {
    folded = fold_all (auto_subjects);
    suffixes = fold_all (notes_suffixes);
    g_once_init_leave (&once, 1);
  }
  while (*s == ' ' || *s == '\t')
    s++;
  /* a tag in brackets: "[Auto-Reply] ...", "[Out of Office] ...",
   * "【自動返信】..." (U+3010) or its full-width "［" (U+FF3B) */
  if (*s == '[' || *s == '(')
    s++;
  else if (g_str_has_prefix (s, "\xe3\x80\x90") || g_str_has_prefix (s, "\xef\xbc\xbb"))
    s += 3;
  /* cheap first: the folded prefixes that are ASCII compare with ASCII
   * case ignored, and the others cannot match an ASCII start */
  for (guint i = 0; folded[i]; i++)
    if (_bc_has_prefix_ci (s, folded[i]))
      return TRUE;
  for (guint i = 0; weak_subjects[i]; i++)
    if (_bc_has_prefix_ci (s, weak_subjects[i]) && weak_end (s + strlen (weak_subjects[i])))
      return TRUE;
  n = strlen (s);
  f = _bc_fold (s, MIN (n, 256));
  for (gsize i = 0; i < MIN (n, 256) && !found; i++)
    found = (guchar) s[i] >= 0x80;
  if (found) {
    found = FALSE;
    for (guint i = 0; folded[i] && !found; i++)
      found = g_str_has_prefix (f, folded[i]);
  }
  /* the Notes form: one of notes_suffixes[] and nothing after it but a
   * full stop, spaces or "!" (a Subject cut at 256 bytes has no end) */
  for (guint i = 0; n <= 256 && suffixes[i] && !found; i++) {
    for (p = strstr (f, suffixes[i]); p && !found; p = strstr (p + 1, suffixes[i])) {
      const char *e = p + strlen (suffixes[i]);
      while (*e == '.' || *e == ' ' || *e == '!')
        e++;
      found = *e == '\0';
    }
  }
  g_free (f);
  return found;
}

/* Who is away, in the first person, and how the text goes on to say so:
 * the second phrase must follow the first on the same line within the
 * group's gap of folded bytes, room for an adverb ("I am currently out of
 * the office") or, where the language puts it there, a date ("Ich bin vom
 * 24.12. bis einschließlich 6.1. nicht im Büro"). A group whose first
 * list is NULL holds phrases that say it alone. */

static const char *const en_who[] = { "i am", "i'm", "i will be", "i'll be", "i shall be", NULL };
static const char *const en_away[] = {
  "out of the office", "out of office", "away from the office", "away from my office",
  "on vacation", "on holiday", "on leave", "on annual leave", "on parental leave",
  "on maternity leave", "on paternity leave", "on sick leave", "on a business trip",
  "away from my mail", "away from my email", "away from my e-mail", "away from email",
  "travelling", "traveling", "out of town", "away on business", NULL
};
static const char *const de_who[] = { "ich bin", "ich befinde mich", NULL };
static const char *const de_away[] = { "nicht im büro", "nicht im hause", "außer haus",
                                       "abwesend", "im urlaub", NULL };
static const char *const fr_who[] = { "je suis", "je serai", NULL };
static const char *const fr_away[] = { "absent", "absente", "en congé", "en congés", "en vacances", "hors du bureau", NULL };
static const char *const es_who[] = { "estoy", "estaré", "me encuentro", NULL };
static const char *const es_away[] = { "fuera de la oficina", "de vacaciones", "ausente", NULL };
static const char *const it_who[] = { "sono", "sarò", NULL };
static const char *const it_away[] = { "fuori ufficio", "fuori sede", "in ferie", "assente", NULL };
static const char *const pt_who[] = { "estou", "estarei", NULL };
static const char *const pt_away[] = { "ausente", "fora do escritório", "de férias", NULL };
static const char *const nl_who[] = { "ik ben", NULL };
static const char *const nl_away[] = { "afwezig", "met vakantie", "op vakantie",
                                       "niet op kantoor", "niet aanwezig", NULL };
static const char *const sv_who[] = { "jag är", NULL };
static const char *const sv_away[] = { "ledig", "på semester", "inte på kontoret", NULL };
static const char *const da_who[] = { "jeg er", NULL };
static const char *const da_away[] = { "på ferie", "fraværende", "ikke på kontoret",
                                       "ikke til stede", NULL };
static const char *const pl_who[] = { "jestem", "przebywam", NULL };
static const char *const pl_away[] = { "na urlopie", "poza biurem", "nieobecny", "nieobecna", NULL };
static const char *const cs_who[] = { "jsem", "budu", NULL };
static const char *const cs_away[] = { "na dovolené", "mimo kancelář", "nepřítomen",
                                       "nepřítomna", NULL };
static const char *const zh_who[] = { "我", NULL };
static const char *const zh_away[] = { "休假", "不在办公室", "不在辦公室", NULL };
static const char *const alone[] = {
  "izindeyim", "tatildeyim", "ofis dışındayım",                       /* tr */
  "я в отпуске", "нахожусь в отпуске", "я отсутствую", "меня нет в офисе", /* ru */
  "不在にしております", "不在にしています", "休暇をいただいております",  /* ja */
  "휴가 중입니다", "휴가중입니다", "부재중입니다", "부재 중입니다",     /* ko */
  NULL
};

static const struct {
  const char *const *who;
  const char *const *away;
  guint gap;
} away_groups[] = {
  { en_who, en_away, 16 }, { de_who, de_away, 64 }, { fr_who, fr_away, 16 },
  { es_who, es_away, 16 }, { it_who, it_away, 16 }, { pt_who, pt_away, 16 },
  { nl_who, nl_away, 48 }, { sv_who, sv_away, 32 }, { da_who, da_away, 32 },
  { pl_who, pl_away, 24 }, { cs_who, cs_away, 32 }, { zh_who, zh_away, 48 },
  { NULL, alone, 0 }
};

/* Lines that open a quoted message in a person's reply (Outlook's header
 * block, separators), folded: the text test stops there. */
static const char *const quote_starts[] = {
  "from:", "sent:", "von:", "gesendet:", "de:", "de :", "da:", "van:", "från:", "fra:",
  "od:", "от:", "-----", "_____", "发件人", "寄件者", "差出人", "보낸 사람", NULL
};

static inline gboolean
word_byte (char c)
{
  return g_ascii_isalnum (c);
}

/* found_word - the first @needle that starts in [@p, @p + @within] and
 * ends by @end and is not part of a longer ASCII word, or NULL; @line is
 * where the line starts (@p or before) */
static const char *
found_word (const char *line, const char *p, gsize within, const char *end, const char *needle)
{
  gsize n = strlen (needle);
  const char *start = line;
  const char *stop = (gsize) (end - p) - MIN ((gsize) (end - p), n) > within ? p + within + n : end;

  while (p < stop) {
    const char *f = _bc_memmem (p, stop - p, needle, n);
    if (!f)
      return NULL;
    if ((f == start || !word_byte (needle[0]) || !word_byte (f[-1])) &&
        (f + n >= end || !word_byte (needle[n - 1]) || !word_byte (f[n])))
      return f;
    p = f + 1;
  }
  return NULL;
}

/* line_says_away - the folded line [@p, @end) says its writer is away */
static gboolean
line_says_away (const char *p, const char *end, char ***groups)
{
  for (guint g = 0; g < G_N_ELEMENTS (away_groups); g++) {
    char **who = groups[2 * g], **away = groups[2 * g + 1];
    if (!who) {
      for (guint i = 0; away[i]; i++)
        if (found_word (p, p, G_MAXSIZE, end, away[i]))
          return TRUE;
      continue;
    }
    for (guint i = 0; who[i]; i++) {
      const char *w = p, *f;
      while ((f = found_word (p, w, G_MAXSIZE, end, who[i]))) {
        const char *after = f + strlen (who[i]);
        for (guint j = 0; away[j]; j++) {
          if (found_word (p, after, away_groups[g].gap, end, away[j]))
            return TRUE;
        }
        w = f + 1;
      }
    }
  }
  return FALSE;
}

/* text_says_away - a short plain message, no report, attaching and quoting
 * nothing, with no "Auto-Submitted: no", says in one of its first eight
 * lines that its writer is away. Lines quoted with ">" are skipped; a
 * quoted message's header block ends the search. */
static gboolean
text_says_away (const BcMime *m)
{
  static char ***groups;            /* who, away of each group, folded */
  static char **seps;
  static gsize once;
  const char *as = _bc_mime_header (m, "Auto-Submitted");
  char *own;
  const char *text, *p, *end;
  guint lines = 0;
  gboolean away = FALSE;

  if (m->is_report || m->has_attached_message || m->orig || m->arf || m->dsn->len > 0)
    return FALSE;
  if (m->body->len == 0 || m->body->len > 8192 || m->ndr_len < m->body->len)
    return FALSE;                   /* long, or a copy of a message follows */
  if (as) {
    while (*as == ' ' || *as == '\t')
      as++;
    if (g_ascii_strncasecmp (as, "no", 2) == 0)
      return FALSE;                 /* a person says a person wrote it */
  }
  if (quotes (m))
    return FALSE;
  if (g_once_init_enter (&once)) {
    char ***t = g_new0 (char **, 2 * G_N_ELEMENTS (away_groups));
    for (guint g = 0; g < G_N_ELEMENTS (away_groups); g++) {
      t[2 * g] = away_groups[g].who ? fold_all (away_groups[g].who) : NULL;
      t[2 * g + 1] = fold_all (away_groups[g].away);
    }
    seps = fold_all (quote_starts);
    groups = t;
    g_once_init_leave (&once, 1);
  }
  text = head_fold (m, &own);
  p = text;
  end = text + strlen (text);
  while (p < end && lines < 8 && !away) {
    const char *nl = memchr (p, '\n', end - p), *e = nl ? nl : end, *q = p;
    gboolean stop = FALSE;
    while (q < e && (*q == ' ' || *q == '\t' || *q == '\r'))
      q++;
    if (q < e && *q != '>') {
      for (guint i = 0; seps[i] && !stop; i++)
        stop = g_str_has_prefix (q, seps[i]);
      if (stop)
        break;
      lines++;
      away = line_says_away (q, e, groups);
    }
    p = nl ? nl + 1 : end;
  }
  g_free (own);
  return away;
}

/* list_robot - the From is a mailing list manager (the software's own
 * address or a list's -owner or -request address; a -bounces one already
 * looks like a bounce): its notices (held for moderation, subscription
 * confirmed, message distributed) may be marked auto-replied but answer
 * for no member */
static gboolean
list_robot (const BcMime *m)
{
  static const char *const robots[] = { "sympa@", "listserv@", "mailman@", "majordomo@",
                                        "-owner@", "-request@", NULL };
  for (guint i = 0; robots[i]; i++)
    if (_bc_strcasestr (m->from_addr, robots[i]))
      return TRUE;
  return g_ascii_strncasecmp (m->from_addr, "owner-", 6) == 0;
}

/* generated_reply - Exchange, Outlook and ticket systems mark their
 * out-of-office notices and acknowledgements "Auto-Submitted:
 * auto-generated" (RFC 3834 would say auto-replied) but write them as a
 * reply: In-Reply-To or References names the message answered. Mail that
 * is generated but answers nothing (an invoice, an alert) has neither. */
static gboolean
generated_reply (const BcMime *m)
{
  return _bc_header_contains (m, "Auto-Submitted", "auto-generated") &&
         (_bc_mime_header (m, "In-Reply-To") || _bc_mime_header (m, "References"));
}

/* rule_reply - Exchange writes the mailbox whose inbox rule generated a
 * message in X-MS-Exchange-Inbox-Rules-Loop; out-of-office notices are
 * such rules. When the mailbox is the From, the mailbox itself answered
 * (a redirect keeps the first author's From, a forward says "FW:" and is
 * told before). */
static gboolean
rule_reply (const BcMime *m)
{
  const char *v = _bc_mime_header (m, "X-MS-Exchange-Inbox-Rules-Loop");
  char *a;
  gboolean same;

  if (!v || !m->from_addr[0])
    return FALSE;
  a = _bc_address_normalize (v);
  same = a && g_ascii_strcasecmp (a, m->from_addr) == 0;
  g_free (a);
  return same;
}

/* disposition_notification - a read receipt (RFC 8098 MDN), which some
 * clients send marked auto-replied: it says the message was seen, and is
 * no auto-reply of a member */
static gboolean
disposition_notification (const BcMime *m)
{
  GMimeObject *top = m->top;
  GMimeContentType *ct = top ? g_mime_object_get_content_type (top) : NULL;
  const char *rt = ct ? g_mime_content_type_get_parameter (ct, "report-type") : NULL;

  return m->is_report && rt && g_ascii_strcasecmp (rt, "disposition-notification") == 0;
}

gboolean
_bc_autoreply_detect (const BcMime *m)
{
  const char *as;

  if (_bc_looks_like_bounce (m) || m->arf || list_robot (m) || disposition_notification (m))
    return FALSE;
  if (_bc_mime_header (m, "X-Autoreply") || _bc_mime_header (m, "X-Autorespond") ||
      _bc_mime_header (m, "X-Autoresponder") || _bc_mime_header (m, "X-Vacation"))
    return TRUE;
  if (_bc_header_contains (m, "Precedence", "auto_reply"))
    return TRUE;
  /* iCloud Mail's vacation responder marks its replies so */
  if (_bc_header_contains (m, "X-Apple-Action", "vacation"))
    return TRUE;
  as = _bc_mime_header (m, "Auto-Submitted");
  if (as && _bc_strcasestr (as, "auto-replied"))
    return TRUE;
  if (generated_reply (m) || rule_reply (m))
    return TRUE;
  /* the Subject and the text are weaker signs, which a newsletter
   * ("Vacation deals", "Out of office: how to switch off") shows too */
  if (_bc_mime_header (m, "List-Unsubscribe"))
    return FALSE;
  if (auto_subject (m))
    return TRUE;
  return text_says_away (m);
}
