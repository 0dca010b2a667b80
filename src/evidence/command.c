/* command.c - which SMTP command the remote host was answering when it
 * refused a recipient.
 *
 * The command tells much about the cause: a refusal at the greeting or HELO
 * is about the sending host, at MAIL FROM about the sender, at RCPT TO about
 * the recipient, and after DATA about the message (a "user unknown" after
 * DATA comes from a filter, since the address was accepted). MTAs name the
 * command in their own words; this file knows the common ones:
 *   Postfix   "(in reply to RCPT TO command)", "(in reply to end of DATA
 *             command)"
 *   Exim      "SMTP error from remote mail server after RCPT TO:<...>",
 *             "... after end of data", "... after initial connection"
 *   GMX/1&1   "SMTP error from remote server after RCPT command",
 *             "... for TEXT command"
 *   Postfix   "refused to talk to me" (the greeting was a refusal)
 *   qmail     "does not like recipient", "failed after I sent the message",
 *             "failed on DATA command", "but sender was rejected", "but my
 *             name was rejected", "but greeting failed",
 *             "most progress was RCPT TO response"
 *   Sendmail  a transcript: the last ">>> COMMAND" line before "<<< 5xx"
 *   others    a transcript of "COMMAND -> reply" lines ("MAIL FROM:<a> ->
 *             250 Ok", "RCPT TO:<b> -> 550 No such user", "DATA -> 554
 *             ...", the end of data as ". -> 554", "<CRLF>.<CRLF> -> 554"
 *             or "(end of data) -> 550"): the command whose reply is the
 *             first 4xx or 5xx
 *   IMail     "Additional RCPT TO generated following response:", "DATA
 *             command generated response:", "Server response to MAIL FROM:",
 *             "Unexpected response to EHLO/HELO:", "Unexpected connection
 *             response from server:", "SMTP connection failed,"
 *   others    "did not like our RCPT TO", "[RCPT_TO]", "SMTP:RCPT",
 *             "in response to the MAIL FROM command", "while sending DATA"
 * The answer is a static string: "CONN", "HELO", "STARTTLS", "AUTH",
 * "MAIL", "RCPT", "DATA", or NULL when the text does not say.
 *
 * Speed: the expressions cost about a hundred instructions per byte, and
 * most texts name no command. So a text is first searched, in one pass,
 * for the words the phrases are made of (KEYS below), folded the way a
 * caseless UTF-8 regex reads them (ASCII case, and U+212A KELVIN SIGN as
 * k, U+017F LONG S as s: the only non-ASCII characters that match ASCII
 * letters); the phrase expression runs only when the words of at least one
 * of its alternatives are all there (phrase_possible), the transcript
 * expression only when the text holds both ">>>" and "<<<", the arrow
 * expression only when it holds "->". The words are
 * necessary, not sufficient, so the answers are those of the expressions.
 *
 * Limits: at most MAX_SCAN bytes of any text are searched; the expressions
 * run with a PCRE match limit; nothing is allocated that outlives a call
 * (the expressions and the word tables, about 80 KiB, are made once).
 */
#include "bc-private.h"

#include <string.h>

#define MAX_SCAN 16384
#define WINDOW_BEFORE 400
#define WINDOW_AFTER 1200

/* The words of the phrases in phrase_re. Each alternative there contains
 * all the words that phrase_possible() asks of it, as substrings (no word
 * boundaries are assumed). If phrase_re changes, change these with it. */
enum {
  W_REPLY = 1u << 0, W_RESPONSE = 1u << 1, W_AFTER = 1u << 2, W_COMMAND = 1u << 3,
  W_LIKE = 1u << 4, W_SMTP = 1u << 5, W_PROGRESS = 1u << 6, W_WHILE = 1u << 7,
  W_SENDING = 1u << 8, W_ISSUING = 1u << 9, W_DOES = 1u << 10, W_RECIPIENT = 1u << 11,
  W_FAILED = 1u << 12, W_MESSAGE = 1u << 13, W_SENDER = 1u << 14, W_REJECTED = 1u << 15,
  W_NAME = 1u << 16, W_REFUSED = 1u << 17, W_TALK = 1u << 18, W_GREETING = 1u << 19,
  W_INITIAL = 1u << 20, W_CONNECTION = 1u << 21, W_BRACKET = 1u << 22,
  W_CMD = 1u << 23,         /* a command word after a byte that is not a letter
                               or digit (in phrase_re one follows \s or ':') */
  W_CMD_B = 1u << 24,       /* the same, and not followed by a letter, digit or
                               '_' (where phrase_re has \b or \s after it) */
  W_CMD_ANY = 1u << 25,     /* a command word, whatever is around it */
};

static const struct { const char *word; guint32 bit; } KEYS[] = {
  { "reply", W_REPLY }, { "response", W_RESPONSE }, { "after", W_AFTER },
  { "command", W_COMMAND }, { "like", W_LIKE }, { "smtp:", W_SMTP },
  { "progress", W_PROGRESS }, { "while", W_WHILE }, { "sending", W_SENDING },
  { "issuing", W_ISSUING }, { "does", W_DOES }, { "recipient", W_RECIPIENT },
  { "failed", W_FAILED }, { "message", W_MESSAGE }, { "sender", W_SENDER },
  { "rejected", W_REJECTED }, { "name", W_NAME }, { "refused", W_REFUSED },
  { "talk", W_TALK }, { "greeting", W_GREETING }, { "initial", W_INITIAL },
  { "connection", W_CONNECTION },
  { "[rcpt_to]", W_BRACKET }, { "[mail_from]", W_BRACKET }, { "[data]", W_BRACKET },
  { "[connect]", W_BRACKET }, { "[helo]", W_BRACKET }, { "[ehlo]", W_BRACKET },
  /* the command words (every named group but e holds one of them); words_in
   * sets W_CMD and W_CMD_B for them as their neighbours allow */
  { "data", W_CMD }, { "rcpt", W_CMD }, { "mail", W_CMD }, { "helo", W_CMD },
  { "ehlo", W_CMD }, { "starttls", W_CMD }, { "auth", W_CMD }, { "xexch50", W_CMD },
  { "bdat", W_CMD }, { "text", W_CMD },
};

/* phrase_possible - can phrase_re match a text whose words are @w? One
 * line per alternative of phrase_re, in its order. */
static gboolean
phrase_possible (guint32 w)
{
#define ALL(m) ((w & (m)) == (m))
#define ANY(m) ((w & (m)) != 0)
  return (ANY (W_REPLY | W_RESPONSE) && ANY (W_CMD_B)) ||               /* a */
         (ANY (W_AFTER) && ANY (W_CMD_B | W_INITIAL)) ||                /* b */
         ALL (W_COMMAND | W_CMD_B) ||                                   /* c */
         ALL (W_LIKE | W_CMD) ||                                        /* d */
         ANY (W_BRACKET) ||                                             /* e */
         ALL (W_SMTP | W_CMD_B) ||                                      /* f */
         ALL (W_PROGRESS | W_RESPONSE | W_CMD_B) ||                     /* g */
         (ALL (W_WHILE | W_CMD_B) && ANY (W_SENDING | W_ISSUING)) ||    /* h */
         ALL (W_DOES | W_LIKE | W_RECIPIENT) ||                         /* rcpt */
         ALL (W_FAILED | W_AFTER | W_MESSAGE) ||                        /* data */
         ALL (W_FAILED | W_COMMAND | W_CMD_B) ||                        /* data (qmail) */
         ALL (W_SENDER | W_REJECTED) ||                                 /* mail */
         ALL (W_NAME | W_REJECTED) ||                                   /* helo */
         ALL (W_REFUSED | W_TALK) ||                                    /* conn */
         (ANY (W_GREETING) && ANY (W_REJECTED | W_REFUSED | W_FAILED)) ||
         ALL (W_AFTER | W_INITIAL | W_CONNECTION) ||
         /* i and j need W_RESPONSE and W_CMD_B, as a does */
         ALL (W_CONNECTION | W_RESPONSE) || ALL (W_CONNECTION | W_FAILED);   /* imconn */
#undef ALL
#undef ANY
}

/* within - the W_ bits a part of a text whose W_ bits are @w can have: the
 * same words, but a command word can lose a neighbour at the cut. */
static guint32
within (guint32 w)
{
  return w & W_CMD_ANY ? w | W_CMD | W_CMD_B : w;
}

/* Keys by their first four bytes (packed, folded): an open-addressed table
 * of KEY_SLOTS slots, each a prefix and the KEYS index + 1 (0: empty); keys
 * that share a prefix take successive slots. pair_bits has a bit for the
 * last two bytes of each prefix, so that most positions cost one test. */
#define KEY_SLOTS 256
static guint32 key_prefix[KEY_SLOTS];
static guint8 key_index[KEY_SLOTS];
static guint64 pair_bits[65536 / 64];
static guchar fold_map[256];    /* next_folded's table; 0xff: look closer */
/* how far a key prefix's last byte is, at least, past a position whose
 * byte and the one before fold to the pair (Wu-Manber, block of 2) */
static guint8 shift_of[65536];

static inline guint
key_hash (guint32 v)
{
  return (v * 2654435761u) >> 24;           /* 8 bits: KEY_SLOTS */
}

static void
keys_init (void)
{
  for (guint c = 0; c < 256; c++)
    fold_map[c] = (guchar) g_ascii_tolower ((gchar) c);
  fold_map[0xe2] = fold_map[0xc5] = 0xff;
  fold_map[0xff] = 0xfe;
  for (guint k = 0; k < G_N_ELEMENTS (KEYS); k++) {
    const guchar *s = (const guchar *) KEYS[k].word;
    guint32 v = (guint32) s[0] << 24 | (guint32) s[1] << 16 | (guint32) s[2] << 8 | s[3];
    guint h = key_hash (v);
    while (key_index[h])
      h = (h + 1) % KEY_SLOTS;
    key_prefix[h] = v;
    key_index[h] = (guint8) (k + 1);
    pair_bits[(v & 0xffff) >> 6] |= G_GUINT64_CONSTANT (1) << (v & 63);
  }
  memset (shift_of, 3, sizeof shift_of);
  for (guint k = 0; k < G_N_ELEMENTS (KEYS); k++) {
    const guchar *s = (const guchar *) KEYS[k].word;
    for (guint e = 1; e <= 3; e++) {
      guint pair = (guint) s[e - 1] << 8 | s[e];
      shift_of[pair] = MIN (shift_of[pair], 3 - e);
    }
  }
}

/* next_folded - the byte at *@pp folded as a caseless UTF-8 regex reads it
 * against ASCII: A-Z as a-z, U+212A KELVIN SIGN as 'k', U+017F LONG S as
 * 's' (*@pp moves past the whole character), any other byte as it is
 * (but 0xff, which UTF-8 never holds, as 0xfe). */
static inline guchar
next_folded (const guchar **pp, const guchar *end)
{
  const guchar *p = *pp;
  guchar c = fold_map[*p++];

  if (G_UNLIKELY (c == 0xff)) {
    /* 0xe2 or 0xc5 (0xff itself, never in UTF-8, maps to 0xfe) */
    c = p[-1];
    if (c == 0xe2 && end - p >= 2 && p[0] == 0x84 && p[1] == 0xaa) {
      c = 'k';
      p += 2;
    } else if (c == 0xc5 && end - p >= 1 && p[0] == 0xbf) {
      c = 's';
      p++;
    }
  }
  *pp = p;
  return c;
}

/* keys_at - the W_ bits of the keys whose folded prefix is @win and whose
 * rest follows at @p; @before is the folded byte before the prefix, 0 at
 * the start of the text. */
static inline guint32
keys_at (guint32 win, guchar before, const guchar *p, const guchar *end)
{
  guint32 w = 0;

  for (guint h = key_hash (win); key_index[h]; h = (h + 1) % KEY_SLOTS) {
    guint32 bit = KEYS[key_index[h] - 1].bit;
    const char *rest = KEYS[key_index[h] - 1].word + 4;
    const guchar *q = p;
    if (key_prefix[h] != win)
      continue;
    while (*rest && q < end && next_folded (&q, end) == (guchar) *rest)
      rest++;
    if (*rest)
      continue;
    if (bit == W_CMD) {
      guchar after = q < end ? next_folded (&q, end) : ' ';
      w |= W_CMD_ANY;
      if (g_ascii_isalnum (before))
        continue;
      if (!g_ascii_isalnum (after) && after != '_')
        bit |= W_CMD_B;
    }
    w |= bit;
  }
  return w;
}

/* words_in - the W_ bits of the KEYS that occur in @text (@len bytes),
 * compared folded (next_folded). A text with neither U+212A nor U+017F
 * folds byte for byte and is read with skips (shift_of); others byte by
 * byte. */
static guint32
words_in (const char *text, gsize len)
{
  const guchar *t = (const guchar *) text, *end = t + len;
  guint32 w = 0, win = 0;       /* the last four folded bytes; no prefix has a 0 */

  if (!memchr (text, 0xc5, len) &&
      (!memchr (text, 0xe2, len) || !_bc_memmem (text, len, "\xe2\x84\xaa", 3))) {
    for (gsize i = 3; i < len;) {
      guint s = shift_of[(guint) fold_map[t[i - 1]] << 8 | fold_map[t[i]]];
      if (s) {
        i += s;
        continue;
      }
      win = (guint32) fold_map[t[i - 3]] << 24 | (guint32) fold_map[t[i - 2]] << 16 |
            (guint32) fold_map[t[i - 1]] << 8 | fold_map[t[i]];
      w |= keys_at (win, i > 3 ? fold_map[t[i - 4]] : 0, t + i + 1, end);
      i++;
    }
    return w;
  }
  for (const guchar *p = t; p < end;) {
    guchar before = win >> 24;
    win = win << 8 | next_folded (&p, end);
    if (pair_bits[(win & 0xffff) >> 6] & (G_GUINT64_CONSTANT (1) << (win & 63)))
      w |= keys_at (win, before, p, end);
  }
  return w;
}

static GRegex *phrase_re;
static GRegex *transcript_re;
static GRegex *arrow_re;

static void
compile_once (void)
{
  static gsize once;

  if (g_once_init_enter (&once)) {
    /* Each alternative captures the command word in a named group; white
     * space may be a folded line end. */
    phrase_re = g_regex_new (
      "(*LIMIT_MATCH=100000)"
      "(?:in\\s+(?:reply|response)\\s+to\\s+(?:the\\s+)?(?:end\\s+of\\s+)?(?<a>DATA|RCPT\\s+TO|MAIL\\s+FROM|RCPT|MAIL|HELO|EHLO|STARTTLS|AUTH|XEXCH50|BDAT)\\b"
      "|\\bafter\\s+(?<b>end\\s+of\\s+data|data(?!\\s+[a-z])|rcpt\\s+to|mail\\s+from|initial\\s+connection|helo|ehlo|starttls|pipelined\\s+mail\\s+from|pipelined\\s+rcpt\\s+to|sending\\s+data\\s+block)\\b"
      "|(?:after|for)\\s+(?:the\\s+)?(?<c>RCPT|MAIL|DATA|TEXT|HELO|EHLO)\\s+command"
      "|did\\s+not\\s+like\\s+our\\s+(?<d>RCPT\\s+TO|MAIL\\s+FROM|DATA|HELO|EHLO)"
      "|\\[(?<e>RCPT_TO|MAIL_FROM|DATA|CONNECT|HELO|EHLO)\\]"
      "|smtp:(?<f>RCPT|MAIL|DATA|HELO|EHLO)\\b"
      "|most\\s+progress\\s+was\\s+(?<g>RCPT\\s+TO|MAIL\\s+FROM|DATA|HELO|EHLO)\\s+response"
      "|while\\s+(?:sending|issuing)\\s+(?:the\\s+)?(?<h>RCPT\\s+TO|MAIL\\s+FROM|DATA|HELO|EHLO)\\b"
      "|(?<rcpt>does\\s+not\\s+like\\s+recipient)"
      "|(?<data>failed\\s+after\\s+I\\s+sent\\s+the\\s+message|failed\\s+on\\s+DATA\\s+command)"
      "|(?<mail>but\\s+sender\\s+was\\s+rejected)"
      "|(?<helo>but\\s+my\\s+name\\s+was\\s+rejected)"
      "|(?<conn>refused\\s+to\\s+talk\\s+to\\s+me|greeting\\s+(?:was\\s+)?(?:rejected|refused|failed)|after\\s+initial\\s+connection)"
      "|(?<i>RCPT\\s+TO|DATA)\\s+(?:command\\s+)?generated\\s+(?:following\\s+)?response"
      "|(?:server|unexpected)\\s+response\\s+to\\s+(?<j>MAIL\\s+FROM|EHLO|HELO)\\b"
      "|(?<imconn>unexpected\\s+connection\\s+response\\s+from\\s+server|smtp\\s+connection\\s+failed)"
      ")",
      G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
    /* a Sendmail-style transcript line: ">>> COMMAND" or "<<< 5xx" */
    transcript_re = g_regex_new (
      "(*LIMIT_MATCH=100000)^\\s*(?:(>>>) ?(DATA|RCPT|MAIL|HELO|EHLO|STARTTLS|AUTH|QUIT)\\b"
      "|(<<<) ?[45]\\d\\d)",
      G_REGEX_CASELESS | G_REGEX_MULTILINE | G_REGEX_OPTIMIZE, 0, NULL);
    /* a "COMMAND -> reply" line: the command word (not inside another
     * word), its argument ("TO:<a@b>", "FROM:<a@b> SIZE=10", at most a few
     * words), the arrow and the reply code. A line may be a folded part of
     * a diagnostic, so the command need not open a line. The argument
     * holds no "->", so an MTA's own "mailbox unavailable -> 550 ..." (a
     * cause followed by the reply that gave it) names no command. The
     * end of the message data is written as the line that ends it, ". ->
     * 554 ...", or named, "<CRLF>.<CRLF> -> 554", "(end of data) -> 550"
     * (group 2): the reply to DATA's second half. A lone dot stands apart
     * (at the start or after white space): a sentence's full stop
     * ("... gave up. -> 550") is none. */
    arrow_re = g_regex_new (
      "(*LIMIT_MATCH=100000)(?:(?<![a-z0-9_.-])(RCPT\\s+TO|MAIL\\s+FROM|DATA|BDAT|HELO|EHLO|STARTTLS|AUTH|QUIT)"
      "(?:\\s*:\\s*<[^<>\\r\\n]{0,256}>)?(?:[ \\t]+[^\\s<>]{1,64}){0,4}?"
      "|((?:^|(?<=\\s))\\.|<CR>\\s*<LF>\\.<CR>\\s*<LF>|<CRLF>\\.<CRLF>|\\(end\\s+of\\s+data\\)|(?<![a-z0-9_.-])end\\s+of\\s+data))"
      "[ \\t]*->[ \\t]*([2-5]\\d\\d)(?!\\d)",
      G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
    keys_init ();
    g_once_init_leave (&once, 1);
  }
}

/* squeeze - collapse each run of white space in @w to one space, in place */
static void
squeeze (char *w)
{
  char *o = w;
  gboolean sp = FALSE;

  for (char *p = w; *p; p++) {
    if (g_ascii_isspace (*p)) {
      sp = TRUE;
      continue;
    }
    if (sp && o != w)
      *o++ = ' ';
    sp = FALSE;
    *o++ = *p;
  }
  *o = '\0';
}

/* normalize - the command word as one of the static names. */
static const char *
normalize (char *w)
{
  if (!w || !*w)
    return NULL;
  squeeze (w);
  if (g_ascii_strncasecmp (w, "rcpt", 4) == 0 || g_ascii_strncasecmp (w, "pipelined rcpt", 14) == 0)
    return "RCPT";
  if (g_ascii_strncasecmp (w, "mail", 4) == 0 || g_ascii_strncasecmp (w, "pipelined mail", 14) == 0)
    return "MAIL";
  if (g_ascii_strncasecmp (w, "end of data", 11) == 0 || g_ascii_strcasecmp (w, "data") == 0 ||
      g_ascii_strcasecmp (w, "text") == 0 || g_ascii_strcasecmp (w, "bdat") == 0 ||
      g_ascii_strcasecmp (w, "xexch50") == 0 || g_ascii_strncasecmp (w, "sending data", 12) == 0)
    return "DATA";
  if (g_ascii_strcasecmp (w, "helo") == 0 || g_ascii_strcasecmp (w, "ehlo") == 0)
    return "HELO";
  if (g_ascii_strcasecmp (w, "initial connection") == 0 || g_ascii_strcasecmp (w, "connect") == 0)
    return "CONN";
  if (g_ascii_strcasecmp (w, "starttls") == 0)
    return "STARTTLS";
  if (g_ascii_strcasecmp (w, "auth") == 0)
    return "AUTH";
  return NULL;
}

/* from_phrase - the command a phrase in @text (@len bytes) names, or NULL.
 * @words: the W_ bits of the text when the caller has them, else NULL. */
static const char *
from_phrase (const char *text, gsize len, const guint32 *words)
{
  static const char *const groups[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j" };
  static const struct { const char *group; const char *cmd; } fixed[] = {
    { "rcpt", "RCPT" }, { "data", "DATA" }, { "mail", "MAIL" }, { "helo", "HELO" },
    { "conn", "CONN" }, { "imconn", "CONN" },
  };
  GMatchInfo *mi = NULL;
  const char *cmd = NULL;

  if (!phrase_re || len == 0)
    return NULL;
  len = MIN (len, MAX_SCAN);
  if (!phrase_possible (words ? *words : words_in (text, len)))
    return NULL;
  if (g_regex_match_full (phrase_re, text, len, 0, 0, &mi, NULL)) {
    for (guint i = 0; !cmd && i < G_N_ELEMENTS (groups); i++) {
      char *w = g_match_info_fetch_named (mi, groups[i]);
      cmd = normalize (w);
      g_free (w);
    }
    for (guint i = 0; !cmd && i < G_N_ELEMENTS (fixed); i++) {
      char *w = g_match_info_fetch_named (mi, fixed[i].group);
      if (w && *w)
        cmd = fixed[i].cmd;
      g_free (w);
    }
  }
  g_match_info_free (mi);
  return cmd;
}

/* has_triple - does @text (@len bytes) hold @c three times in a row? */
static gboolean
has_triple (const char *text, gsize len, char c)
{
  const char *p = text, *end = text + len;

  while (end - p >= 3 && (p = memchr (p, c, end - p - 2))) {
    if (p[1] == c && p[2] == c)
      return TRUE;
    p++;
  }
  return FALSE;
}

/* greeting_refused - is the "<<<" line at @at in @text the first line
 * after Sendmail's "... while talking to HOST:"? Then no command was sent
 * yet: the reply is the greeting. */
static gboolean
greeting_refused (const char *text, gsize at)
{
  static const char lead[] = "while talking to ";
  gsize eol, bol;

  /* the line before the "<<<" line */
  if (at == 0)
    return FALSE;
  eol = at - 1;
  while (eol > 0 && (text[eol] == '\n' || text[eol] == '\r' || text[eol] == ' ' || text[eol] == '\t'))
    eol--;
  if (text[eol] != ':')
    return FALSE;
  bol = eol;
  while (bol > 0 && text[bol - 1] != '\n' && text[bol - 1] != '\r')
    bol--;
  return eol - bol > sizeof lead && _bc_memmem (text + bol, eol - bol, lead, sizeof lead - 1) != NULL;
}

/* has_refusal_arrow - does @text (@len bytes) hold "->", then spaces or
 * tabs, then '4' or '5'? Every match of arrow_re that from_arrow takes
 * holds that (the digits after it are not checked here: \d may be any
 * Unicode digit); most texts with "->" have none (a transcript's "->
 * 250 Ok", an arrow in prose), and the expression costs about a hundred
 * instructions per byte. */
static gboolean
has_refusal_arrow (const char *text, gsize len)
{
  const char *end = text + len, *p = text, *a;

  while ((a = _bc_memmem (p, end - p, "->", 2)) != NULL) {
    const char *c = a + 2;
    while (c < end && (*c == ' ' || *c == '\t'))
      c++;
    if (c < end && (*c == '4' || *c == '5'))
      return TRUE;
    p = a + 2;
  }
  return FALSE;
}

/* from_arrow - the command of the first "COMMAND -> 4xx/5xx" line in @text
 * (@len bytes), DATA for a refused end of data (". -> 554"), or NULL. */
static const char *
from_arrow (const char *text, gsize len)
{
  GMatchInfo *mi = NULL;
  const char *cmd = NULL;

  if (!arrow_re || len < 2 || !has_refusal_arrow (text, len))
    return NULL;
  g_regex_match_full (arrow_re, text, len, 0, 0, &mi, NULL);
  while (g_match_info_matches (mi)) {
    char *code = g_match_info_fetch (mi, 3);
    if (code && (code[0] == '4' || code[0] == '5')) {
      char *w = g_match_info_fetch (mi, 1);
      /* NULL for QUIT: a refused QUIT says nothing; no word: the end of
       * the data */
      cmd = w && *w ? normalize (w) : "DATA";
      g_free (w);
      g_free (code);
      break;
    }
    g_free (code);
    if (!g_match_info_next (mi, NULL))
      break;
  }
  g_match_info_free (mi);
  return cmd;
}

/* from_transcript - the last ">>> COMMAND" before the first "<<< 4xx/5xx"
 * in @text; else "CONN" when a reply directly follows Sendmail's "...
 * while talking to HOST:" line, before any command was sent. A transcript
 * of "COMMAND -> reply" lines (from_arrow) is read first. */
static const char *
from_transcript (const char *text, gsize len)
{
  GMatchInfo *mi = NULL;
  const char *last = NULL, *cmd = NULL;
  gboolean sent = FALSE;        /* a ">>>" line came before */
  gboolean greeting = FALSE;    /* a refused greeting came before any ">>>" */

  if (!transcript_re || len == 0)
    return NULL;
  len = MIN (len, MAX_SCAN);
  if ((cmd = from_arrow (text, len)) != NULL)
    return cmd;
  /* a command needs a ">>>" line and a "<<<" line after it; a refused
   * greeting has only the "<<<" line */
  if (!has_triple (text, len, '<'))
    return NULL;
  g_regex_match_full (transcript_re, text, len, 0, 0, &mi, NULL);
  while (g_match_info_matches (mi)) {
    char *out = g_match_info_fetch (mi, 1);
    if (out && *out) {
      char *w = g_match_info_fetch (mi, 2);
      sent = TRUE;
      last = normalize (w);
      if (!last && w && g_ascii_strcasecmp (w, "quit") == 0)
        last = NULL;
      g_free (w);
    } else if (last) {
      cmd = last;
      g_free (out);
      break;
    } else if (!sent && !greeting) {
      gint at = -1;
      g_match_info_fetch_pos (mi, 3, &at, NULL);
      greeting = at >= 0 && greeting_refused (text, (gsize) at);
    }
    g_free (out);
    if (!g_match_info_next (mi, NULL))
      break;
  }
  g_match_info_free (mi);
  /* a later host's command and reply, if any, say more */
  return cmd ? cmd : greeting ? "CONN" : NULL;
}

/* _bc_smtp_command_in - the command named in @text (@len bytes), or NULL. */
const char *
_bc_smtp_command_in (const char *text, gsize len)
{
  const char *cmd;

  if (!text)
    return NULL;
  compile_once ();
  cmd = from_phrase (text, len, NULL);
  if (!cmd)
    cmd = from_transcript (text, len);
  return cmd;
}

/* _bc_smtp_command_for - the command @r was refused at: from its diagnostic,
 * else from the bounce's text around its address, else (when the bounce
 * names one recipient, @only_one) from the whole text of the bounce. */
const char *
_bc_smtp_command_for (const BcMime *m, const BcRecipient *r, gboolean only_one)
{
  const char *cmd = NULL;
  const char *body;
  gsize blen, scan;
  guint32 body_words = 0;       /* W_ bits of body[0 .. scan) when have_words */
  gboolean have_words = FALSE;

  compile_once ();             /* also when there is no diagnostic */
  if (r->diagnostic)
    cmd = _bc_smtp_command_in (r->diagnostic, strlen (r->diagnostic));
  if (cmd || !m || !m->body)
    return cmd;
  body = m->body->str;
  blen = m->ndr_len ? MIN (m->ndr_len, m->body->len) : m->body->len;
  blen = MIN (blen, (gsize) 4 * MAX_SCAN);
  scan = MIN (blen, MAX_SCAN);
  if (r->address && *r->address) {
    const char *p = _bc_strcasestr_len (body, blen, r->address);
    if (p) {
      gsize at = p - body;
      gsize lo = at > WINDOW_BEFORE ? at - WINDOW_BEFORE : 0;
      gsize hi = MIN (blen, at + WINDOW_AFTER);
      /* phrases follow the address (Postfix, Exim); a transcript's command
       * comes before the reply that names it (Sendmail). The whole text
       * is read below anyway when @only_one: a window inside it holds no
       * word it lacks (within), so when those make no phrase, neither do
       * the window's. */
      if (only_one && hi <= scan && !have_words) {
        body_words = words_in (body, scan);
        have_words = TRUE;
      }
      if (!(only_one && hi <= scan) || phrase_possible (within (body_words)))
        cmd = from_phrase (p, hi - at, NULL);
      if (!cmd) {
        /* "COMMAND -> reply" lines name the address ("RCPT TO:<a> ->
         * 550") or follow it: the lines before the address's own are
         * another recipient's, so they are read from there first */
        gsize bol = at;
        while (bol > lo && body[bol - 1] != '\n' && body[bol - 1] != '\r')
          bol--;
        cmd = from_arrow (body + bol, hi - bol);
      }
      if (!cmd)
        cmd = from_transcript (body + lo, hi - lo);
    }
  }
  if (!cmd && only_one) {
    cmd = from_phrase (body, blen, have_words ? &body_words : NULL);
    if (!cmd)
      cmd = from_transcript (body, blen);
  }
  return cmd;
}
