/* scan.c - read recipient blocks out of free NDR text.
 *
 * Almost every MTA writes the failed address at the start of a line and the
 * reason on that line or the indented lines under it, up to a blank line.
 * _bc_scan_blocks() reads that shape; recognizers cut the text to the part
 * that holds the blocks and hand it over. When no line opens a block,
 * _bc_scan_sentences() takes the addresses that sentences name ("could not
 * deliver your message to <a@b>") with the paragraph around them.
 * _bc_scan_generic() is both, for bounces from MTAs no recognizer knows;
 * a block whose text names no code (a quoted "To:" header) also takes the
 * sentences that name its address, and a recipient whose text still names
 * no code takes the cause the NDR states once for all, before the list or
 * after it; a recipient (or a list of them refused alike) whose text is a
 * bare failure code ("554 5.7.1 Message rejected") also takes the paragraph
 * written just before its address, when that names no address and quotes
 * no header. An address that "A message sent by", "from" or "please try"
 * introduces is not a recipient, nor is the reporting site's help address
 * ("Questions? Write to support@x", "please contact postmaster@x or\n
 * abuse@x"): the words before it say so, not its local part, since a
 * recipient may be support@x too. "a@b, c@d failed: ..." names two.
 *
 * Limits: one pass over the text per scanner, at most MAX_DIAG bytes of
 * diagnostic per recipient and s->max_rcpts recipients; the shared cause
 * is looked up for at most 50 recipients in at most 64 KiB, 200 lines;
 * the paragraph before a bare code is at most 600 bytes, 20 lines.
 */
#include "recognizers.h"

#include <string.h>

#define MAX_DIAG 2000

BcRecipient *
_bc_scan_add (BcScan *s, const char *address, const char *diag)
{
  BcRecipient *r;

  for (guint i = 0; i < s->recipients->len; i++) {
    r = g_ptr_array_index (s->recipients, i);
    if (g_ascii_strcasecmp (r->address, address) == 0) {
      if (diag && *diag && (!r->diagnostic || !strstr (r->diagnostic, diag)) &&
          (!r->diagnostic || strlen (r->diagnostic) < MAX_DIAG)) {
        char *n = r->diagnostic ? g_strconcat (r->diagnostic, " ", diag, NULL) : g_strdup (diag);
        g_free (r->diagnostic);
        r->diagnostic = n;
      }
      return r;
    }
  }
  if (s->recipients->len >= s->max_rcpts)
    return NULL;
  r = _bc_recipient_new (BC_SOURCE_TEXT);
  r->address = g_strdup (address);
  r->diagnostic = diag && *diag ? g_strdup (diag) : NULL;
  g_ptr_array_add (s->recipients, r);
  return r;
}

/* labels that may stand before a recipient's address on a line */
static const char *const rcpt_labels[] = {
  "to", "recipient", "recipients", "rcpt to", "rcpt", "address", "addresses", "addressee",
  "original-recipient", "final-recipient", "failed recipient", "failed recipients",
  "bad recipient", "invalid recipient", "unknown recipient", "recipient address",
  "recipient's address", "e-mail", "email", "email address", "e-mail address", "mailbox",
  "user", "destinataire", "destinataires", "empfänger", "destinatario", "destinatário",
  "adresse", "failed address", "undeliverable address", "the following address",
  "to address", "receiver", "envelope-to", "x-failed-recipients", "delivery to",
  "member", NULL /* Mailman's bounce action notice: the member whose mail bounced */
};

static gboolean
is_rcpt_label (const char *p, gsize n)
{
  char buf[40];
  gsize i, j = 0;

  if (n >= sizeof buf)
    return FALSE;
  for (i = 0; i < n; i++)
    buf[j++] = g_ascii_tolower (p[i]);
  while (j > 0 && buf[j - 1] == ' ')
    j--;
  buf[j] = '\0';
  for (i = 0; rcpt_labels[i]; i++)
    if (strcmp (buf, rcpt_labels[i]) == 0)
      return TRUE;
  return FALSE;
}

/* is_sender - an address that is the bounce's author, not a recipient */
static gboolean
is_sender (const BcScan *s, const char *addr)
{
  const BcMime *m = s->mime;

  if (m->from_addr[0] && g_ascii_strcasecmp (addr, m->from_addr) == 0)
    return TRUE;
  return _bc_has_prefix_ci (addr, "mailer-daemon@") || _bc_has_prefix_ci (addr, "postmaster@") ||
         _bc_has_prefix_ci (addr, "mailer_daemon@");
}

static gboolean sender_context (const char *line, const char *addr_pos);
static gboolean help_context (const char *line, const char *addr_pos);
static gboolean msgid_label (const char *p, const char *b);

/* block_address - does this line open a recipient block? It does when an
 * address stands near its start and the line is not a header, an SMTP
 * transcript line, a reply or a note in parentheses. *@out_end is set
 * past the address. */
static char *
block_address (const BcScan *s, const char *line, gsize len, const char **out_end)
{
  const char *p = line, *end = line + len, *aend = NULL;
  char *addr;
  gsize lead;

  /* every address holds an '@' (_bc_address_find): most lines have none */
  if (!memchr (line, '@', len))
    return NULL;
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  if (p == end)
    return NULL;
  if (g_ascii_isdigit (*p) || *p == '>' || *p == '#' || *p == '(' || *p == '|' || *p == '[' ||
      (p + 3 <= end && strncmp (p, "<<<", 3) == 0) ||
      (p + 2 <= end && strncmp (p, "->", 2) == 0))
    return NULL;
  /* "Word: ..." lines belong to quoted headers unless the word names a
   * recipient */
  {
    const char *colon = memchr (p, ':', MIN ((gsize) (end - p), 32));
    if (colon && colon > p && colon + 1 <= end && (colon + 1 == end || colon[1] == ' ' ||
                                                   colon[1] == '\t' || colon[1] == '<')) {
      gboolean word = TRUE, has_at = FALSE;
      for (const char *q = p; q < colon; q++) {
        if (*q == '@')
          has_at = TRUE;
        if (!(g_ascii_isalnum (*q) || *q == '-' || *q == '_'))
          word = FALSE;
      }
      if (!has_at) {
        static const char *const not_rcpt[] = { "sender", "from", "reply", "return", "originator",
                                                "author", "postmaster", "contact", "owner", NULL };
        for (guint i = 0; not_rcpt[i]; i++)
          if (_bc_strcasestr_len (p, colon - p, not_rcpt[i]))
            return NULL;
        /* "Message ID: <x@y>", "Original Message-ID:": an identifier */
        if (msgid_label (p, colon + 1))
          return NULL;
        if (is_rcpt_label (p, colon - p)) {
          /* fine: "Recipient: <a@b>" */
        } else if (word) {
          return NULL;
        }
      }
    }
  }
  addr = _bc_address_find (p, end - p, &aend);
  if (!addr)
    return NULL;
  *out_end = aend;
  {
    const char *at = memchr (p, '@', end - p);
    lead = at ? (gsize) (at - p) : len;
  }
  /* a CJK sentence has no spaces: much non-ASCII text before the address
   * is a sentence, not a name */
  if (lead > 24) {
    for (const char *q = p; q < p + lead; q++)
      if ((guchar) *q >= 0x80) {
        lead = 1000;
        break;
      }
  }
  if (lead > 72 || is_sender (s, addr)) {
    g_free (addr);
    return NULL;
  }
  /* the address must be the line's first word-ish thing: allow a display
   * name or "RCPT TO:" before it, but not a sentence */
  {
    int spaces = 0;
    /* the spaces aligning Mailman's "Member:     a@b" count as one; not
     * those of a quoted summary ("  To:      a@b", Exchange 2003), which
     * names the returned message's addressee */
    gboolean member = g_ascii_strncasecmp (p, "member:", 7) == 0;
    for (const char *q = p; q < aend && *q != '@'; q++)
      if (*q == ' ' && !(member && q[1] == ' '))
        spaces++;
    if (spaces > 3) {
      g_free (addr);
      return NULL;
    }
  }
  /* "Your message from a@b to c@d ...": words before the address that
   * make it the sender (or a hint) do not open a block */
  {
    const char *at = memchr (p, '@', end - p), *b = at;
    while (b && b > p && b[-1] != ' ' && b[-1] != '<' && b[-1] != '\t' && b[-1] != ':')
      b--;
    if (b && b > p && (sender_context (p, b) || help_context (p, b))) {
      g_free (addr);
      return NULL;
    }
  }
  return addr;
}

/* ends_with_word - the entry of @words (NULL-terminated) that the text
 * @p..@e ends with, ASCII-caselessly, or NULL. With @bounded the entry must
 * also start a word: at @p, or after a character that is not a letter or
 * digit ("from:" ends "Mail from:" but not "Mailfrom:"). */
static const char *
ends_with_word (const char *p, const char *e, const char *const *words, gboolean bounded)
{
  for (guint i = 0; words[i]; i++) {
    gsize n = strlen (words[i]);
    if ((gsize) (e - p) >= n && g_ascii_strncasecmp (e - n, words[i], n) == 0 &&
        (!bounded || (gsize) (e - p) == n || !g_ascii_isalnum (e[-(gssize) n - 1])))
      return words[i];
  }
  return NULL;
}

/* sender_lead_in - does the line @p..@le end with words that introduce the
 * message's author ("A message sent by", "Original sender:", "from")? The
 * address on the next line is then the sender, not a failed recipient. */
static gboolean
sender_lead_in (const char *p, const char *le)
{
  static const char *const tails[] = { "sent by", "sent by:", "sender", "sender:", "from",
                                       "from:", "originator", "originator:", "sent from",
                                       "submitted by", "written by", NULL };
  while (le > p && (le[-1] == ' ' || le[-1] == '\t' || le[-1] == '\r'))
    le--;
  return ends_with_word (p, le, tails, TRUE) != NULL;
}

/* help_lead_in - does the line @p..@le break off in a help sentence whose
 * next line starts with an address ("please contact postmaster@x or",
 * "Questions? Contact the administrator at")? The address is then the
 * site's contact, not a failed recipient. A line ending in ':' or '.'
 * introduces a list and does not count. */
static gboolean
help_lead_in (const char *p, const char *le)
{
  static const char *const tails[] = { " or", " and", ",", " at", " to", " contact", NULL };
  const char *t;

  while (le > p && (le[-1] == ' ' || le[-1] == '\t' || le[-1] == '\r'))
    le--;
  t = ends_with_word (p, le, tails, FALSE);
  return t && (gsize) (le - p) > strlen (t) && help_context (p, le);
}

/* msgid_label - is the address at @b, in the line starting at @p, a
 * message identifier under a label ("ID: <x@y>", "Message-ID: <x@y>",
 * "Msg-Id:", "In-Reply-To:", "References:")? Notices that summarise the
 * returned message (XMail's "ID:", "Mail From:", "Rcpt To:" block) print it
 * in an address's shape. Reads at most 40 bytes before @b. */
static gboolean
msgid_label (const char *p, const char *b)
{
  static const char *const labels[] = { "id:", "in-reply-to:", "references:", NULL };
  const char *e = b;
  while (e > p && b - e < 40 && e[-1] && strchr (" \t<\"", e[-1]))
    e--;
  return ends_with_word (p, e, labels, TRUE) != NULL;
}

/* opens_line - is @b, in the line starting at @p, its first word? */
static gboolean
opens_line (const char *p, const char *b)
{
  for (; p < b; p++)
    if (!strchr (" \t<(\"'", *p))
      return FALSE;
  return TRUE;
}

/* quoted_header_line - "To: a@b, c@d" or "Cc: ..." quoted from the
 * returned message: it lists every addressee, failed or not. */
static gboolean
quoted_header_line (const char *p, const char *le)
{
  while (p < le && (*p == ' ' || *p == '\t'))
    p++;
  return (le - p >= 3 && g_ascii_strncasecmp (p, "to:", 3) == 0) ||
         (le - p >= 3 && g_ascii_strncasecmp (p, "cc:", 3) == 0) ||
         (le - p >= 4 && g_ascii_strncasecmp (p, "bcc:", 4) == 0);
}

/* list_on_line - the addresses that follow the one opening a block on its
 * line, separated by commas, semicolons or "and" ("a@b, c@d and e@f
 * failed: ..."), go to @extra (at most 16; senders are skipped). Returns
 * where the text after the list starts. */
static const char *
list_on_line (const BcScan *s, const char *p, const char *le, GPtrArray *extra)
{
  while (p < le && extra->len < 16) {
    const char *t = p, *te, *aend = NULL;
    char *a;
    while (t < le && (*t == ' ' || *t == '\t' || *t == ',' || *t == ';'))
      t++;
    if (le - t >= 4 && g_ascii_strncasecmp (t, "and ", 4) == 0)
      t += 4;
    while (t < le && (*t == ' ' || *t == '\t'))
      t++;
    te = t;
    while (te < le && *te != ' ' && *te != '\t')
      te++;
    if (!memchr (t, '@', te - t))
      break;
    a = _bc_address_find (t, te - t, &aend);
    if (!a)
      break;
    if (!is_sender (s, a))
      g_ptr_array_add (extra, a);
    else
      g_free (a);
    p = te;
    if (te == t || (te[-1] != ',' && te[-1] != ';' &&
                    !(le - te >= 5 && g_ascii_strncasecmp (te, " and ", 5) == 0) &&
                    !(te + 1 < le && (te[1] == ',' || te[1] == ';'))))
      break;
  }
  return p;
}

/* blank_line - is the line @p..@le empty or white space only? ('\r' is
 * white space too, though the body text has none: its line ends are LF) */
static gboolean
blank_line (const char *p, const char *le)
{
  for (; p < le; p++)
    if (*p != ' ' && *p != '\t' && *p != '\r')
      return FALSE;
  return TRUE;
}

/* para_end - the end of the paragraph that a non-blank line ending at @le
 * (its '\n', or @end) belongs to: the end of the last line before a blank
 * one or @end. The next line is read only while @from..the end of the line
 * before is shorter than @max bytes: at most @max bytes and one line. */
static const char *
para_end (const char *le, const char *end, const char *from, gsize max)
{
  while (le + 1 < end && (gsize) (le - from) < max) {
    const char *l2 = le + 1;
    const char *n2 = memchr (l2, '\n', end - l2);
    const char *e2 = n2 ? n2 : end;
    if (blank_line (l2, e2))
      break;
    le = e2;
  }
  return le;
}

static gsize
indent_of (const char *p, const char *le)
{
  gsize n = 0;
  for (; p < le && (*p == ' ' || *p == '\t'); p++)
    n += *p == '\t' ? 8 : 1;
  return n;
}

/* reason_follows - does the next non-blank line after @p open with a
 * label for the cause ("Reason: 554 ...", "Diagnostic: ...", "Error: ...")?
 * Such a paragraph explains the address above it, blank line or not
 * ("Your message to a@b was not delivered.\n\nReason: 554 5.7.1 ..."). */
static gboolean
reason_follows (const char *p, const char *end)
{
  static const char *const labels[] = { "reason:", "reason for failure:", "diagnostic:",
                                        "diagnostic-code:", "error:", "details:", NULL };
  while (p < end && (*p == '\n' || *p == ' ' || *p == '\t' || *p == '\r'))
    p++;
  for (guint i = 0; labels[i]; i++) {
    gsize n = strlen (labels[i]);
    if ((gsize) (end - p) >= n && g_ascii_strncasecmp (p, labels[i], n) == 0)
      return TRUE;
  }
  return FALSE;
}

void
_bc_scan_blocks (BcScan *s, const char *text, gsize len)
{
  const char *p = text, *end = text + len;
  GString *diag = g_string_new (NULL);
  char *cur_addr = NULL;
  gsize cur_indent = 0;
  const char *prev = NULL, *prev_end = NULL;   /* the last non-blank line */
  GPtrArray *extra = g_ptr_array_new_with_free_func (g_free); /* list_on_line */

#define FLUSH()                                                          \
  do {                                                                   \
    if (cur_addr) {                                                      \
      char *d = _bc_squeeze (diag->str, MIN (diag->len, MAX_DIAG));      \
      _bc_scan_add (s, cur_addr, d);                                     \
      for (guint x_ = 0; x_ < extra->len; x_++)                          \
        _bc_scan_add (s, g_ptr_array_index (extra, x_), d);              \
      g_ptr_array_set_size (extra, 0);                                   \
      g_free (d);                                                        \
      g_clear_pointer (&cur_addr, g_free);                               \
    }                                                                    \
    g_string_truncate (diag, 0);                                         \
  } while (0)

  while (p < end) {
    const char *nl = memchr (p, '\n', end - p);
    const char *le = nl ? nl : end;
    gsize ll = le - p;
    gsize ind = indent_of (p, le);
    gboolean blank = blank_line (p, le);
    char *addr = NULL;
    const char *aend = NULL;

    if (blank) {
      if (cur_addr && (diag->len == 0 || diag->str[diag->len - 1] == ':')) {
        /* "addr\n\n  reason" or "addr\nFor the following reason:\n\n
         * reason": a blank line after the address or a lead-in */
      } else if (cur_addr && diag->len < 200 && reason_follows (le, end)) {
        /* "addr was not delivered.\n\nReason: 554 ..." */
      } else {
        FLUSH ();
      }
    } else if (cur_addr && ind > cur_indent) {
      /* a line indented under the block's first line belongs to it */
      if (diag->len < MAX_DIAG) {
        g_string_append_c (diag, ' ');
        g_string_append_len (diag, p, ll);
      }
    } else if ((addr = block_address (s, p, ll, &aend)) != NULL && prev &&
               (sender_lead_in (prev, prev_end) || help_lead_in (prev, prev_end))) {
      /* "A message sent by\n\n  <a@b>\n\ncould not be delivered": the
       * author, not a recipient; the line is ordinary text */
      g_clear_pointer (&addr, g_free);
      if (cur_addr && diag->len < MAX_DIAG) {
        g_string_append_c (diag, ' ');
        g_string_append_len (diag, p, ll);
      }
    } else if (addr) {
      if (cur_addr && g_ascii_strcasecmp (cur_addr, addr) == 0) {
        g_string_append_c (diag, ' ');
        g_string_append_len (diag, p, ll);
        g_free (addr);
      } else {
        const char *rest;
        FLUSH ();
        cur_addr = addr;
        cur_indent = ind;
        /* the rest of the line after the address is diagnostic */
        rest = memchr (p, '@', ll);
        while (rest && rest < le && *rest != ' ' && *rest != '\t')
          rest++;
        /* "a@example.comUser unknown": the word glued to the address */
        if (rest && aend < rest && g_ascii_isupper (*aend))
          rest = aend;
        /* "a@example.cn：收件人不存在": CJK words glued to the address
         * (after full-width punctuation or none), without a space, are
         * the diagnostic too; a closing "＞" alone is not */
        if (rest && aend < rest && (guchar) *aend >= 0x80) {
          const char *q = aend, *n;
          while (q < rest && (guchar) *q >= 0x80 &&
                 !g_unichar_isalpha (g_utf8_get_char_validated (q, rest - q)))
            q = (n = g_utf8_find_next_char (q, rest)) ? n : rest;
          if (q < rest && (guchar) *q >= 0x80)
            rest = aend;
        }
        /* "a@b, c@d failed: ...": a list on the line shares the text */
        if (rest && rest < le && (rest[-1] == ',' || rest[-1] == ';') &&
            !quoted_header_line (p, le))
          rest = list_on_line (s, rest, le, extra);
        if (rest && rest < le)
          g_string_append_len (diag, rest, le - rest);
      }
    } else if (cur_addr) {
      if (diag->len < MAX_DIAG) {
        g_string_append_c (diag, ' ');
        g_string_append_len (diag, p, ll);
      }
    } else {
      /* orphan text: a transcript line naming a known recipient joins it */
      const char *aend;
      char *a = memchr (p, '@', ll) ? _bc_address_find (p, ll, &aend) : NULL;
      if (a) {
        for (guint i = 0; i < s->recipients->len; i++) {
          BcRecipient *r = g_ptr_array_index (s->recipients, i);
          if (g_ascii_strcasecmp (r->address, a) == 0) {
            char *d = _bc_squeeze (p, ll);
            _bc_scan_add (s, a, d);
            g_free (d);
            break;
          }
        }
        g_free (a);
      }
    }
    if (!blank) {
      prev = p;
      prev_end = le;
    }
    p = nl ? nl + 1 : end;
  }
  FLUSH ();
  g_free (cur_addr);
  g_ptr_array_unref (extra);
  g_string_free (diag, TRUE);
#undef FLUSH
}

/* words before an address that make it someone other than a recipient */
static gboolean
sender_context (const char *line, const char *addr_pos)
{
  static const char *const words[] = {
    "from", "sender", "sent by", "by", "envelope-from", "reply-to", "postmaster", "contact",
    "mail from", "owner", "return-path", "generated from", "expanded from", "forwarded",
    /* a hint for the sender, not a failed address: "User has moved;
     * please try <new@x>", "new address is", "now at" */
    "try", "moved to", "new address", "now at", "forward to", "use", NULL
  };
  const char *b = addr_pos;
  gsize n;
  char buf[48];

  /* the 40 bytes before the address, lower-cased */
  while (b > line && addr_pos - b < 40)
    b--;
  n = addr_pos - b;
  for (gsize i = 0; i < n; i++)
    buf[i] = g_ascii_tolower (b[i]);
  buf[n] = '\0';
  /* keep only what follows the last sentence break */
  {
    char *cut = NULL;
    for (char *q = buf; *q; q++)
      if ((*q == '.' && q[1] == ' ') || *q == ';' || *q == ',')
        cut = q + 1;
    if (cut)
      memmove (buf, cut, strlen (cut) + 1);
  }
  for (guint i = 0; words[i]; i++) {
    const char *f = strstr (buf, words[i]);
    if (f) {
      /* the word must be near the address: only "<", ":", spaces or a
       * name may follow it */
      const char *after = f + strlen (words[i]);
      if (strlen (after) < 14 && (f == buf || !g_ascii_isalpha (f[-1])) &&
          !g_ascii_isalpha (*after))
        return TRUE;
    }
  }
  return FALSE;
}

/* help_context - do the words before the address at @addr_pos on its line
 * make it the reporting site's contact ("If you need help, contact a@b",
 * "Questions? a@b", "for more information, please e-mail a@b")? A verb
 * ("contact", "write to") anywhere in the clause holding the address says
 * so; a noun ("questions", "support") only as a label or lead-in
 * ("Questions? a@b", "For assistance, send mail to a@b"), so that a
 * display name ("Customer Support" <a@b>) does not. The clause is the one
 * before when the address opens its own ("Questions? a@b"); at most 80
 * bytes are read. "could not contact" is a failure, not an offer. */
static gboolean opens_request (const char *clause, const char *f);

static gboolean
help_context (const char *line, const char *addr_pos)
{
  static const char *const verbs[] = {
    "contact", "write to", "please e-mail", "please email", "please mail", "e-mail us",
    "email us", "mail us", "for more information", "for further information", "reach us",
    "get in touch", NULL
  };
  static const char *const nouns[] = { "questions", "question", "help", "assistance", "support",
                                       "inquiries", "enquiries", NULL };
  static const char *const negated[] = { "not ", "n't ", "unable to ", "failed to ",
                                         "cannot ", NULL };
  const char *b = addr_pos;
  char buf[88], *clause, *q;
  gboolean lead_in;
  gsize n;

  while (b > line && addr_pos - b < 80)
    b--;
  n = addr_pos - b;
  for (gsize i = 0; i < n; i++)
    buf[i] = g_ascii_tolower (b[i]);
  buf[n] = '\0';
  /* what stands between the words and the address: spaces, '<', quotes,
   * "mailto:" */
  while (n > 0 && strchr (" \t<\"'(", buf[n - 1]))
    buf[--n] = '\0';
  if (n >= 7 && strcmp (buf + n - 7, "mailto:") == 0)
    buf[n -= 7] = '\0';
  lead_in = (n >= 3 && (strcmp (buf + n - 3, " at") == 0 || strcmp (buf + n - 3, " to") == 0)) ||
            (n >= 4 && strcmp (buf + n - 4, " via") == 0);
  /* the clause: from the last sentence break on; when nothing is left,
   * the sentence the break ends */
  clause = buf;
  for (q = buf; *q; q++)
    if ((*q == '.' || *q == '?' || *q == '!' || *q == ';') && (q[1] == ' ' || q[1] == '\0'))
      clause = q + 1;
  if (!*clause && clause > buf) {
    char *e = clause - 1;
    clause = buf;
    for (q = buf; q < e; q++)
      if ((*q == '.' || *q == '?' || *q == '!' || *q == ';') && q[1] == ' ')
        clause = q + 1;
  }
  for (guint k = 0; k < 2; k++) {
    const char *const *words = k == 0 ? verbs : nouns;
    for (guint i = 0; words[i]; i++) {
      gsize wl = strlen (words[i]);
      for (const char *f = strstr (clause, words[i]); f; f = strstr (f + 1, words[i])) {
        const char *after = f + wl;
        gboolean neg = FALSE;
        if ((f > clause && g_ascii_isalpha (f[-1])) || g_ascii_isalpha (*after))
          continue;
        for (guint j = 0; negated[j]; j++) {
          gsize nl = strlen (negated[j]);
          if ((gsize) (f - clause) >= nl && strncmp (f - nl, negated[j], nl) == 0)
            neg = TRUE;
        }
        if (neg)
          continue;
        while (*after == ' ')
          after++;
        if (k == 0 || *after == '?' || *after == ':' || *after == ',' ||
            (lead_in && opens_request (clause, f)))
          return TRUE;
      }
    }
  }
  return FALSE;
}

/* opens_request - does the noun at @f open a request for help in
 * @clause ("For assistance ...", "If you need help ...", "Any questions
 * ...")? Then "... send mail to a@b" is the site's contact. */
static gboolean
opens_request (const char *clause, const char *f)
{
  static const char *const before[] = { "for ", "need ", "any ", "have ", "further ", NULL };

  while (clause < f && *clause == ' ')
    clause++;
  if (clause == f)
    return TRUE;
  for (guint i = 0; before[i]; i++) {
    gsize n = strlen (before[i]);
    if ((gsize) (f - clause) >= n && strncmp (f - n, before[i], n) == 0)
      return TRUE;
  }
  return FALSE;
}

/* _bc_scan_sentences - the addresses that sentences of @text name, each
 * with its line and the next paragraph as diagnostic. Skips the bounce's
 * author, its addressee and addresses a word like "from" introduces. */
void
_bc_scan_sentences (BcScan *s, const char *text, gsize len)
{
  const char *p = text, *end = text + len;
  const char *to = _bc_mime_header (s->mime, "To");
  char *to_addr = to ? _bc_address_find (to, strlen (to), NULL) : NULL;
  const char *prev = NULL;    /* the line before */

  while (p < end) {
    const char *nl = memchr (p, '\n', end - p);
    const char *le = nl ? nl : end;
    const char *q = p;

    while (q < le && memchr (q, '@', le - q)) {
      const char *aend = NULL, *at = memchr (q, '@', le - q);
      const char *b = at;
      char *a;
      while (b > q && b[-1] != ' ' && b[-1] != '<' && b[-1] != '(' && b[-1] != '"' &&
             b[-1] != '\'' && b[-1] != ':' && b[-1] != '\t')
        b--;
      /* a quoted local part ("kiji tora"@b) starts at its opening quote */
      if (b == at && at - q >= 3 && at[-1] == '"')
        for (const char *o = at - 1; o > q && at - o < 64; o--)
          if (o[-1] == '"') {
            b = o - 1;
            break;
          }
      a = _bc_address_find (b, le - b, &aend);
      if (!a)
        break;
      if (!is_sender (s, a) && !(to_addr && g_ascii_strcasecmp (a, to_addr) == 0) &&
          !sender_context (p, b) && !help_context (p, b) && !msgid_label (p, b) &&
          !(prev && opens_line (p, b) && help_lead_in (prev, p - 1)) &&
          !_bc_strcasestr_len (p, le - p, "http") &&
          !(b > p && b[-1] == '='))
      {
        /* diagnostic: the rest of this paragraph, or the next one when
         * the address stands alone; it ends before a line naming
         * another address */
        const char *de = _bc_next_line (le, end), *x = de;
        gboolean any = FALSE, skipping = TRUE, colon_end = FALSE, extended = FALSE;
        while (x < end && x - p < MAX_DIAG) {
          const char *xn = memchr (x, '\n', end - x);
          const char *xe = xn ? xn : end;
          gboolean blank = blank_line (x, xe);
          if (blank) {
            /* a paragraph ending in ':' introduces the next one ("The
             * server answered:\n\n    452 4.2.2 Over quota") */
            if (any || !skipping) {
              if (!colon_end || extended)
                break;
              extended = TRUE;
            }
          } else {
            const char *xa = memchr (x, '@', xe - x);
            const char *xl = xe;
            while (xl > x && (xl[-1] == ' ' || xl[-1] == '\t'))
              xl--;
            colon_end = xl > x && xl[-1] == ':';
            if (xa) {
              /* a line naming another address ends the paragraph, unless
               * that address is a sender or a hint ("please try <x>") */
              const char *xb = xa;
              char *other;
              gboolean differs;
              while (xb > x && xb[-1] != ' ' && xb[-1] != '<' && xb[-1] != '(' &&
                     xb[-1] != '"' && xb[-1] != '\'' && xb[-1] != ':' && xb[-1] != '\t')
                xb--;
              other = _bc_address_find (xb, xe - xb, NULL);
              differs = other && g_ascii_strcasecmp (other, a) != 0 && !sender_context (x, xb) &&
                        !help_context (x, xb);
              g_free (other);
              if (differs)
                break;
            }
            any = TRUE;
            skipping = FALSE;
          }
          x = xn ? xn + 1 : end;
          de = x;
          if (blank && de - le > 1 && !any)
            skipping = TRUE;
        }
        {
          gsize dl = MIN (de - p, MAX_DIAG);
          char *d;
          if (aend > p && aend < p + dl && g_ascii_isupper (*aend) && g_ascii_isalpha (aend[-1])) {
            /* "a@example.comUser unknown": the glued word parted from
             * the address, so that the rules see "User unknown" */
            GString *g = g_string_new_len (p, aend - p);
            g_string_append_c (g, ' ');
            g_string_append_len (g, aend, p + dl - aend);
            d = _bc_squeeze (g->str, g->len);
            g_string_free (g, TRUE);
          } else {
            d = _bc_squeeze (p, dl);
          }
          _bc_scan_add (s, a, d);
          g_free (d);
        }
      }
      g_free (a);
      q = aend && aend > at ? aend : at + 1;
    }
    prev = p;
    p = nl ? nl + 1 : end;
  }
  g_free (to_addr);
}

/* drop_senders - when a scan found several addresses and some of them are
 * the bounce's addressee (the original sender), those are not recipients. */
static void
drop_senders (BcScan *s, guint from)
{
  const char *to = _bc_mime_header (s->mime, "To");
  char *to_addr;

  if (!to || s->recipients->len - from < 2)
    return;
  to_addr = _bc_address_find (to, strlen (to), NULL);
  if (!to_addr)
    return;
  for (guint i = from; i < s->recipients->len && s->recipients->len - from > 1;) {
    BcRecipient *r = g_ptr_array_index (s->recipients, i);
    if (g_ascii_strcasecmp (r->address, to_addr) == 0)
      g_ptr_array_remove_index (s->recipients, i);
    else
      i++;
  }
  g_free (to_addr);
}

/* weak_diag - a diagnostic with no reply code and no status: a block
 * that only quoted a header ("To: a@b" under "The original message was
 * sent to:"), which says nothing of the cause. An empty one is not weak:
 * _bc_scan_generic() gives it the whole text. */
static gboolean
weak_diag (const char *d)
{
  char st[16], rc[4];
  return d && *d && !_bc_find_status (d, st) && !_bc_find_reply (d, rc);
}

/* enrich_weak - recipients the block scan found with a weak diagnostic
 * also get the sentences that name them ("We were unable to deliver your
 * message to a@b because ..."); no recipient is added. */
static void
enrich_weak (BcScan *s, guint from, const char *text, gsize len)
{
  BcScan tmp = *s;
  gboolean any = FALSE;

  for (guint i = from; i < s->recipients->len && !any; i++) {
    BcRecipient *r = g_ptr_array_index (s->recipients, i);
    any = weak_diag (r->diagnostic);
  }
  if (!any)
    return;
  tmp.recipients = g_ptr_array_new_with_free_func ((GDestroyNotify) _bc_recipient_free);
  tmp.max_rcpts = MIN (s->max_rcpts, 200);     /* bounds the pairing below */
  _bc_scan_sentences (&tmp, text, len);
  for (guint j = 0; j < tmp.recipients->len; j++) {
    BcRecipient *t = g_ptr_array_index (tmp.recipients, j);
    for (guint i = from; i < s->recipients->len; i++) {
      BcRecipient *r = g_ptr_array_index (s->recipients, i);
      if (g_ascii_strcasecmp (r->address, t->address) == 0 && weak_diag (r->diagnostic) &&
          t->diagnostic && !strstr (r->diagnostic, t->diagnostic)) {
        /* the sentence often holds the block's text already: then it
         * replaces it rather than repeating it */
        char *n = strstr (t->diagnostic, r->diagnostic)
                    ? g_strdup (t->diagnostic)
                    : g_strconcat (t->diagnostic, " ", r->diagnostic, NULL);
        g_free (r->diagnostic);
        r->diagnostic = n;
        break;
      }
    }
  }
  g_ptr_array_unref (tmp.recipients);
}

/* named_in - which recipient of the scan @b..@e names: its index, -1 for
 * none, -2 for more than one (at most 50 recipients are compared). */
static gint
named_in (const BcScan *s, guint from, const char *b, const char *e)
{
  gint found = -1;

  if (!memchr (b, '@', e - b))
    return -1;
  for (guint i = from; i < s->recipients->len && i < from + 50; i++) {
    BcRecipient *r = g_ptr_array_index (s->recipients, i);
    if (_bc_strcasestr_len (b, e - b, r->address)) {
      if (found != -1)
        return -2;
      found = (gint) i;
    }
  }
  return found;
}

/* utf8_from - @p moved forward past continuation bytes, so that a text
 * cut at a byte count starts on a character (the body is UTF-8). */
static const char *
utf8_from (const char *p, const char *end)
{
  while (p < end && ((guchar) *p & 0xC0) == 0x80)
    p++;
  return p;
}

/* utf8_upto - @p moved back so that [@lo, @p) does not end inside a
 * character. */
static const char *
utf8_upto (const char *lo, const char *p)
{
  const char *q = p;

  while (q > lo && p - q < 4 && ((guchar) q[-1] & 0xC0) == 0x80)
    q--;
  if (q > lo && (guchar) q[-1] >= 0xC0) {
    guchar lead = (guchar) q[-1];
    int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    if (p - (q - 1) < need)
      return q - 1;
  }
  return p;
}

/* give_postamble - the cause written after the list ("    a@b\n\nMessage
 * will be retried for 2 more days\n\nTechnical details of temporary
 * failure:\n421 4.7.28 ..."): the first paragraph from @b on that holds a
 * reply or status code and names no other recipient goes to each recipient
 * flagged in @needs whose diagnostic is still weak. Reads at most 200
 * lines, takes at most 600 bytes. */
static void
give_postamble (BcScan *s, guint from, const char *b, const char *end, const gboolean *needs)
{
  const char *p = b, *para = NULL;
  guint lines = 0;
  gint named;

  while (p < end && lines++ < 200) {
    const char *nl = memchr (p, '\n', end - p);
    const char *le = nl ? nl : end;
    if (blank_line (p, le)) {
      para = NULL;
    } else {
      char *line = g_strndup (p, MIN ((gsize) (le - p), 1000));
      char st[16], rc[4];
      gboolean code = _bc_find_status (line, st) || _bc_find_reply (line, rc);
      g_free (line);
      if (!para)
        para = p;
      if (code) {
        /* the whole paragraph around the code line */
        const char *pe = para_end (le, end, para, 600);
        pe = utf8_upto (para, MIN (pe, para + 600));
        named = named_in (s, from, para, pe);
        for (guint i = from; i < s->recipients->len && named != -2; i++) {
          BcRecipient *r = g_ptr_array_index (s->recipients, i);
          if (needs[i - from] && weak_diag (r->diagnostic) &&
              (named == -1 || named == (gint) i)) {
            char *d = _bc_squeeze (para, pe - para);
            char *n = g_strconcat (r->diagnostic, " ", d, NULL);
            g_free (d);
            g_free (r->diagnostic);
            r->diagnostic = n;
          }
        }
        return;
      }
    }
    p = nl ? nl + 1 : end;
  }
}

/* bare_mention - does the first line (in @span bytes of @text) naming
 * @addr say nothing else after it? A bare list entry ("    a@b") or a
 * quoted "To: a@b, c@d" carries no cause of its own; "a@b ... unknown
 * host" does, and keeps it alone. */
static gboolean
bare_mention (const char *text, gsize span, const char *addr)
{
  const char *at = _bc_strcasestr_len (text, span, addr), *e = text + span, *p;

  if (!at)
    return TRUE;
  p = at + strlen (addr);
  while (p < e && *p != '\n') {
    const char *w;
    if (strchr (" \t\r,;:>)]\"'", *p)) {
      p++;
      continue;
    }
    /* another address of a list is not a cause */
    for (w = p; w < e && *w != ' ' && *w != '\t' && *w != '\n'; w++)
      ;
    if (!memchr (p, '@', w - p))
      return FALSE;
    p = w;
  }
  return TRUE;
}

/* first_naming - the start of the first line of @text that names one of
 * the recipients from @from on (at most 50 of them, case ignored), read in
 * at most @span bytes; NULL when none is named there. */
static const char *
first_naming (const BcScan *s, guint from, const char *text, gsize span)
{
  const char *first = NULL;

  for (guint i = from; i < s->recipients->len && i < from + 50; i++) {
    const BcRecipient *r = g_ptr_array_index (s->recipients, i);
    const char *at = _bc_strcasestr_len (text, first ? (gsize) (first - text) : span, r->address);
    if (at)
      first = at;
  }
  if (!first)
    return NULL;
  while (first > text && first[-1] != '\n')
    first--;
  return first;
}

/* give_preamble - a recipient whose diagnostic still names no code (only
 * the quoted "To:" of the returned message, or a list entry under "The
 * following recipients were affected:") takes the text before the first
 * line that names any recipient: an NDR that states one cause for all its
 * recipients states it there ("Could not be delivered because of\n\n550
 * 5.1.1 User unknown\n\nThe following recipients were affected:"). At most
 * PREAMBLE bytes, the ones nearest the list; the search for addresses reads
 * at most 64 KiB of text. */
#define PREAMBLE 800
static void
give_preamble (BcScan *s, guint from, const char *text, gsize len)
{
  const char *first, *b;
  gsize span = MIN (len, 64 * 1024);
  gboolean any = FALSE;
  gboolean *needs;
  char *pre;

  if (s->recipients->len <= from)
    return;
  needs = g_new0 (gboolean, s->recipients->len - from);
  for (guint i = from; i < s->recipients->len; i++) {
    BcRecipient *r = g_ptr_array_index (s->recipients, i);
    needs[i - from] = weak_diag (r->diagnostic) &&
                      (i >= from + 50 || bare_mention (text, span, r->address));
    any |= needs[i - from];
  }
  if (!any) {
    g_free (needs);
    return;
  }
  first = first_naming (s, from, text, span);
  if (!first) {
    g_free (needs);
    return;
  }
  b = utf8_from (first - MIN ((gsize) (first - text), PREAMBLE), first);
  pre = first > text ? _bc_squeeze (b, first - b) : NULL;
  for (guint i = from; pre && *pre && i < s->recipients->len; i++) {
    BcRecipient *r = g_ptr_array_index (s->recipients, i);
    if (needs[i - from] && !strstr (r->diagnostic, pre)) {
      char *n = g_strconcat (pre, " ", r->diagnostic, NULL);
      g_free (r->diagnostic);
      r->diagnostic = n;
    }
  }
  g_free (pre);
  give_postamble (s, from, first, text + len, needs);
  g_free (needs);
}

/* thin_diag - a diagnostic that holds a failure code (4.x.x, 5.x.x, 4xx,
 * 5xx) and hardly anything else ("554 5.7.1 Message rejected", "550
 * Rejected"): at most 4 words and 80 bytes, two non-ASCII characters
 * counting as a word (CJK text has no spaces). Such a line gives the
 * family of the refusal only; the sentence the NDR writes before the
 * address often says what it was. */
static gboolean
thin_diag (const char *d)
{
  char st[16], rc[4];
  int words = 0, wide = 0;

  if (!d || strlen (d) > 80 ||
      !((_bc_find_status (d, st) && (st[0] == '4' || st[0] == '5')) ||
        (_bc_find_reply (d, rc) && (rc[0] == '4' || rc[0] == '5'))))
    return FALSE;
  for (const char *p = d; *p;) {
    if ((guchar) *p >= 0xC0) {
      wide++;
      p++;
    } else if (g_ascii_isalpha (*p)) {
      words++;
      while (g_ascii_isalpha (*p) || *p == '-' || *p == '\'')
        p++;
    } else {
      p++;
    }
  }
  return words + wide / 2 <= 4;
}

/* header_like - does the line @p..@le look like a mail header or a
 * transcript line ("Received: ...", "Subject: ...", "RCPT TO:<...>")? */
static gboolean
header_like (const char *p, const char *le)
{
  static const char *const names[] = { "received:", "from:", "to:", "cc:", "subject:", "date:",
                                       "message-id:", "return-path:", "reply-to:", "sender:",
                                       "content-", "mime-version:", "x-", "rcpt to", "mail from",
                                       NULL };
  while (p < le && (*p == ' ' || *p == '\t' || *p == '>'))
    p++;
  for (guint i = 0; names[i]; i++) {
    gsize n = strlen (names[i]);
    if ((gsize) (le - p) >= n && g_ascii_strncasecmp (p, names[i], n) == 0)
      return TRUE;
  }
  return FALSE;
}

/* give_lead - the recipients of a scan that all carry the same thin
 * diagnostic (see thin_diag(); one recipient, or a list refused with one
 * code) take the paragraph written just before the first line naming
 * them, and the one before that when it ends in ':' ("Your message was
 * classified as spam.\n\nThe following address failed:\n\n  a@b\n\n
 * 554 5.7.1 Message rejected"). The paragraph is not taken when it names
 * an address or holds a header or transcript line: it is then someone
 * else's block, a quoted header or the returned message. At most LEAD
 * bytes, 20 lines; the search for the first line reads at most 64 KiB. */
#define LEAD 600
static void
give_lead (BcScan *s, guint from, const char *text, gsize len)
{
  const BcRecipient *r0;
  const char *first, *p, *b, *e;
  guint paras = 0, lines = 0;
  gboolean inpara = FALSE;
  char *lead;

  if (s->recipients->len <= from || s->recipients->len - from > 50)
    return;
  r0 = g_ptr_array_index (s->recipients, from);
  if (!thin_diag (r0->diagnostic))
    return;
  for (guint i = from; i < s->recipients->len; i++) {
    BcRecipient *r = g_ptr_array_index (s->recipients, i);
    if (!r->diagnostic || g_ascii_strcasecmp (r->diagnostic, r0->diagnostic) != 0)
      return;
  }
  first = first_naming (s, from, text, MIN (len, 64 * 1024));
  if (!first)
    return;
  /* back over blank lines, then over the paragraph (and the one before
   * when it ends in ':') */
  p = e = first;
  b = NULL;
  while (p > text && lines < 20) {
    const char *le = p - 1, *ls = le;
    while (ls > text && ls[-1] != '\n')
      ls--;
    if (blank_line (ls, le)) {
      if (inpara) {
        /* a paragraph is complete: one more when it is a lead-in */
        const char *t = e;
        inpara = FALSE;
        while (t > b && (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r'))
          t--;
        if (++paras >= 2 || t == b || t[-1] != ':')
          break;
      }
    } else {
      if (first - ls > LEAD)
        break;
      if (!b)
        e = le;
      if (memchr (ls, '@', le - ls) || header_like (ls, le))
        return;
      b = ls;
      inpara = TRUE;
      lines++;
    }
    p = ls;
  }
  if (!b)
    return;
  lead = _bc_squeeze (b, first - b);
  for (guint i = from; lead && *lead && i < s->recipients->len; i++) {
    BcRecipient *r = g_ptr_array_index (s->recipients, i);
    if (!strstr (r->diagnostic, lead)) {
      char *n = g_strconcat (lead, " ", r->diagnostic, NULL);
      g_free (r->diagnostic);
      r->diagnostic = n;
    }
  }
  g_free (lead);
}

/* _bc_scan_generic - blocks, else sentences, over @text; recipients whose
 * text names no code then take the cause stated before or after the list,
 * and those whose text is a bare code the sentence written before it. */
void
_bc_scan_generic (BcScan *s, const char *text, gsize len)
{
  guint before = s->recipients->len;

  _bc_scan_blocks (s, text, len);
  if (s->recipients->len == before)
    _bc_scan_sentences (s, text, len);
  else
    enrich_weak (s, before, text, len);
  drop_senders (s, before);
  give_preamble (s, before, text, len);
  give_lead (s, before, text, len);
  /* an address standing alone, its reason elsewhere in the text ("The
   * account is disabled.\n\n<a@b>"): the text is the diagnostic */
  for (guint i = before; i < s->recipients->len; i++) {
    BcRecipient *r = g_ptr_array_index (s->recipients, i);
    if (!r->diagnostic || !*r->diagnostic) {
      g_free (r->diagnostic);
      r->diagnostic = _bc_squeeze (text, MIN (len, 1000));
    }
  }
}

/* _bc_scan_range - the report text from the line after @start_marker (or
 * the start) to @end_marker (or the returned message). */
void
_bc_scan_range (const BcScan *s, const char *start_marker, const char *end_marker,
                const char **out_b, const char **out_e)
{
  const BcMime *m = s->mime;
  const char *b = m->body->str, *e = m->body->str + m->ndr_len;

  if (start_marker) {
    const char *f = _bc_strcasestr_len (b, e - b, start_marker);
    if (f)
      b = _bc_next_line (f, e);
  }
  if (end_marker) {
    const char *f = _bc_strcasestr_len (b, e - b, end_marker);
    if (f)
      e = f;
  }
  *out_b = b;
  *out_e = e;
}

/* _bc_scan_section - scan the report text from the line after
 * @start_marker (or the start) to @end_marker (or the returned message). */
void
_bc_scan_section (BcScan *s, const char *start_marker, const char *end_marker)
{
  const char *b, *e;

  _bc_scan_range (s, start_marker, end_marker, &b, &e);
  _bc_scan_generic (s, b, e - b);
}

/* _bc_scan_first_section - like _bc_scan_section() with the first of
 * @starts that occurs in the text (or the whole text). */
void
_bc_scan_first_section (BcScan *s, const char *const *starts, const char *end_marker)
{
  guint before = s->recipients->len;

  for (guint i = 0; starts[i]; i++)
    if (_bc_body_find (s->mime, starts[i])) {
      _bc_scan_section (s, starts[i], end_marker);
      break;
    }
  /* the addresses may stand before the marker ("<a@b>\n\nEach of the
   * following recipients was rejected") */
  if (s->recipients->len == before)
    _bc_scan_section (s, NULL, end_marker);
}

/* _bc_scan_paragraph - the squeezed text from the line after @marker (or
 * the marker's own line when @same_line) to the next blank line, at most
 * MAX_DIAG bytes; NULL when @marker is not in the report. */
char *
_bc_scan_paragraph (const BcScan *s, const char *marker, gboolean same_line)
{
  const BcMime *m = s->mime;
  const char *e = m->body->str + m->ndr_len;
  const char *f = _bc_body_find (m, marker), *b, *nl;

  if (!f)
    return NULL;
  b = same_line ? f : _bc_next_line (f, e);
  /* skip blank lines before the paragraph */
  while (b < e && (*b == '\n' || *b == ' ' || *b == '\t'))
    b++;
  if (b >= e)
    return NULL;
  /* read on while the text so far, with its newline, is under MAX_DIAG
   * bytes (para_end() counts it without) */
  nl = memchr (b, '\n', e - b);
  return _bc_squeeze (b, para_end (nl ? nl : e, e, b, MAX_DIAG - 1) - b);
}

/* _bc_scan_give_diag - @diag for every recipient that has none, or is only
 * a note like "(expanded from ...)"; prepended when @all. */
void
_bc_scan_give_diag (BcScan *s, const char *diag, gboolean all)
{
  if (!diag || !*diag)
    return;
  for (guint i = 0; i < s->recipients->len; i++) {
    BcRecipient *r = g_ptr_array_index (s->recipients, i);
    if (!r->diagnostic || !*r->diagnostic) {
      g_free (r->diagnostic);
      r->diagnostic = g_strdup (diag);
    } else if (all && !strstr (r->diagnostic, diag)) {
      char *n = g_strconcat (diag, " ", r->diagnostic, NULL);
      g_free (r->diagnostic);
      r->diagnostic = n;
    }
  }
}

/* _bc_scan_labelled - addresses written after @label ("RCPT TO:",
 * "Recipient:", "To:") anywhere in the report text, in order. */
void
_bc_scan_labelled (BcScan *s, const char *label, const char *diag)
{
  const BcMime *m = s->mime;
  const char *p = m->body->str, *e = m->body->str + m->ndr_len;

  while (p < e && (p = _bc_strcasestr_len (p, e - p, label)) != NULL) {
    const char *v = MIN (p + strlen (label), e);
    const char *le = memchr (v, '\n', e - v);
    char *a;
    if (!le)
      le = e;
    a = _bc_address_find (v, le - v, NULL);
    if (a) {
      if (!is_sender (s, a))
        _bc_scan_add (s, a, diag);
      g_free (a);
    }
    p = le;
  }
}

/* _bc_scan_failed_header - each address X-Failed-Recipients names becomes
 * a recipient with @diag; at most 16 are read. */
void
_bc_scan_failed_header (BcScan *s, const char *diag)
{
  const char *xf = _bc_mime_header (s->mime, "X-Failed-Recipients");
  char **parts;

  if (!xf)
    return;
  parts = g_strsplit (xf, ",", 16);
  for (guint i = 0; parts[i]; i++) {
    char *a = _bc_address_normalize (parts[i]);
    if (a)
      _bc_scan_add (s, a, diag);
    g_free (a);
  }
  g_strfreev (parts);
}

/* _bc_scan_listed - the scan of servers that introduce the failed addresses
 * with "the following recipient(s)/address(es)" or "could not be delivered". */
void
_bc_scan_listed (BcScan *s)
{
  static const char *const starts[] = { "following recipient", "following address",
                                        "could not be delivered", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

/* _bc_scan_listed_reason - the scan of filter appliances (FortiMail,
 * Sophos) that list the failed addresses after "the following
 * recipient(s)/address(es)" or "could not be delivered to" and write the
 * cause apart from them, in a "Reason:" paragraph: that paragraph goes to
 * each recipient, before what its block says. */
void
_bc_scan_listed_reason (BcScan *s)
{
  static const char *const starts[] = { "following recipient", "following address",
                                        "could not be delivered to", NULL };
  char *why;

  _bc_scan_first_section (s, starts, NULL);
  why = _bc_scan_paragraph (s, "Reason:", TRUE);
  _bc_scan_give_diag (s, why, TRUE);
  g_free (why);
}
