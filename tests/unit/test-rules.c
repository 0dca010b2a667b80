/* test-rules.c - the rules parser and matcher (rules/rules.c) and the
 * taxonomy (rules/taxonomy.c), alone and through the classifier. */
#include "tc.h"

#include <string.h>

/* ---- helpers ------------------------------------------------------------ */

static BcRuleSet *
ruleset (const char *text)
{
  BcRuleSet *rs = _bc_rules_new ();
  GError *error = NULL;

  if (!_bc_rules_parse (rs, "t.rules", text, strlen (text), 0, &error)) {
    print_error ("parse: %s\n", error->message);
    fail ();
  }
  _bc_rules_finish (rs);
  return rs;
}

/* parse_error - parse @text, expect failure, return the message */
static char *
parse_error (const char *text)
{
  BcRuleSet *rs = _bc_rules_new ();
  GError *error = NULL;
  char *msg;

  if (_bc_rules_parse (rs, "bad.rules", text, strlen (text), 0, &error)) {
    print_error ("parse of \"%s\" succeeded\n", text);
    fail ();
  }
  assert_non_null (error);
  assert_true (g_error_matches (error, BC_ERROR, BC_ERROR_RULES));
  assert_int_equal (_bc_rules_count (rs), 0);
  msg = g_strdup (error->message);
  g_error_free (error);
  _bc_rules_free (rs);
  return msg;
}

static void
input_init (BcRuleInput *in)
{
  memset (in, 0, sizeof *in);
  in->status = "";
  in->reply_code = "";
  in->source = "dsn";
  in->max_line = BC_DEFAULT_MAX_LINE;
}

/* match - the reason the rules give @in, or NULL; the evidence goes to
 * *evidence when that is not NULL. */
static const char *
match (const BcRuleSet *rs, const BcRuleInput *in, char **evidence, const char **origin)
{
  BcRuleMatch m = { 0 };

  if (!_bc_rules_match (rs, in, &m))
    return NULL;
  if (origin)
    *origin = m.origin;
  if (evidence)
    *evidence = m.evidence;
  else
    g_free (m.evidence);
  return m.reason;
}

static void
expect_reason (const BcRuleSet *rs, const BcRuleInput *in, const char *want)
{
  const char *got = match (rs, in, NULL, NULL);
  if (g_strcmp0 (got, want) != 0) {
    print_error ("rules gave %s, want %s (status '%s' reply '%s' diag '%s')\n",
                 got ? got : "(no match)", want ? want : "(no match)", in->status,
                 in->reply_code, in->diagnostic ? in->diagnostic : "");
    fail ();
  }
}

/* ---- parsing: every key -------------------------------------------------- */

static void
test_key_status (void **state)
{
  BcRuleSet *rs = ruleset ("userunknown status=5.1.1\n"
                           "blocked status=5.7.606-649\n"
                           "mailboxfull status=4.2.2,5.2.2\n"
                           "networkerror status=*.4.*\n"
                           "systemerror status=4\n");
  BcRuleInput in;

  input_init (&in);
  in.status = "5.1.1"; expect_reason (rs, &in, "userunknown");
  in.status = "4.1.1"; expect_reason (rs, &in, "systemerror");
  in.status = "5.1.2"; expect_reason (rs, &in, NULL);
  in.status = "5.7.606"; expect_reason (rs, &in, "blocked");
  in.status = "5.7.649"; expect_reason (rs, &in, "blocked");
  in.status = "5.7.650"; expect_reason (rs, &in, NULL);
  in.status = "5.7.1"; expect_reason (rs, &in, NULL);
  in.status = "4.2.2"; expect_reason (rs, &in, "mailboxfull");
  in.status = "5.2.2"; expect_reason (rs, &in, "mailboxfull");
  in.status = "5.4.7"; expect_reason (rs, &in, "networkerror");
  in.status = "4.4.1"; expect_reason (rs, &in, "networkerror");
  in.status = ""; expect_reason (rs, &in, NULL);
  _bc_rules_free (rs);
}

static void
test_key_reply (void **state)
{
  BcRuleSet *rs = ruleset ("mailboxfull reply=452,552\nonhold reply=55x\nsystemerror reply=4XX\n");
  BcRuleInput in;

  input_init (&in);
  in.reply_code = "552"; expect_reason (rs, &in, "mailboxfull");
  in.reply_code = "452"; expect_reason (rs, &in, "mailboxfull");
  in.reply_code = "550"; expect_reason (rs, &in, "onhold");
  in.reply_code = "554"; expect_reason (rs, &in, "onhold");
  in.reply_code = "421"; expect_reason (rs, &in, "systemerror");
  in.reply_code = "530"; expect_reason (rs, &in, NULL);
  in.reply_code = ""; expect_reason (rs, &in, NULL);
  _bc_rules_free (rs);
}

static void
test_key_text_and_not (void **state)
{
  BcRuleSet *rs = ruleset ("userunknown text='user (is )?unknown' not='postmaster|temporar'\n"
                           "spamdetected text=\"spam\"\n");
  BcRuleInput in;

  input_init (&in);
  in.diagnostic = "550 User Unknown"; expect_reason (rs, &in, "userunknown");
  in.diagnostic = "550 user is unknown"; expect_reason (rs, &in, "userunknown");
  in.diagnostic = "550 user unknown (temporarily)"; expect_reason (rs, &in, NULL);
  in.diagnostic = "550 user unknown, ask the POSTMASTER"; expect_reason (rs, &in, NULL);
  in.diagnostic = "looks like SPAM"; expect_reason (rs, &in, "spamdetected");
  in.diagnostic = "nothing"; expect_reason (rs, &in, NULL);
  in.diagnostic = NULL; expect_reason (rs, &in, NULL);
  _bc_rules_free (rs);
}

static void
test_key_host (void **state)
{
  BcRuleSet *rs = ruleset ("blocked host=example.net text=block\n"
                           "spamdetected host='mx*.example.org' text=block\n");
  BcRuleInput in;

  input_init (&in);
  in.diagnostic = "blocked";
  in.hosts[0] = "MX1.Example.NET"; expect_reason (rs, &in, "blocked");
  in.hosts[0] = "example.net"; expect_reason (rs, &in, "blocked");
  in.hosts[0] = "badexample.net"; expect_reason (rs, &in, NULL);
  in.hosts[0] = "example.net.evil.example.com"; expect_reason (rs, &in, NULL);
  in.hosts[0] = "mx7.example.org"; expect_reason (rs, &in, "spamdetected");
  in.hosts[0] = "smtp.example.org"; expect_reason (rs, &in, NULL);
  /* any of the hosts will do */
  in.hosts[0] = "smtp.example.org";
  in.hosts[1] = "relay.example.com";
  in.hosts[2] = "example.net";
  expect_reason (rs, &in, "blocked");
  _bc_rules_free (rs);
}

static void
test_key_recognizer_action_source (void **state)
{
  BcRuleSet *rs = ruleset ("mailererror recognizer=postfix,Exim text=pipe\n"
                           "expired dsn-action=delayed\n"
                           "feedback source=arf\n");
  BcRuleInput in;

  input_init (&in);
  in.diagnostic = "pipe failed";
  in.recognizer = "exim"; expect_reason (rs, &in, "mailererror");
  in.recognizer = "postfix"; expect_reason (rs, &in, "mailererror");
  in.recognizer = "qmail"; expect_reason (rs, &in, NULL);
  in.recognizer = NULL; expect_reason (rs, &in, NULL);
  in.dsn_action = "delayed"; expect_reason (rs, &in, "expired");
  in.dsn_action = "failed"; expect_reason (rs, &in, NULL);
  in.source = "arf"; expect_reason (rs, &in, "feedback");
  _bc_rules_free (rs);
}

static void
test_key_category (void **state)
{
  BcRuleSet *rs = ruleset ("mailboxfull category=quota-issues,Over-Quota\n"
                           "userunknown category=bad-mailbox text=rejected weight=5\n");
  BcRuleInput in;
  char *ev = NULL;

  input_init (&in);
  expect_reason (rs, &in, NULL);
  in.category = "quota-issues"; expect_reason (rs, &in, "mailboxfull");
  in.category = "over-quota"; expect_reason (rs, &in, "mailboxfull");
  in.category = "bad-mailbox"; expect_reason (rs, &in, NULL);
  in.diagnostic = "550 rejected"; expect_reason (rs, &in, "userunknown");
  assert_string_equal (match (rs, &in, &ev, NULL), "userunknown");
  assert_non_null (strstr (ev, "category bad-mailbox"));
  g_free (ev);
  in.category = NULL; expect_reason (rs, &in, NULL);
  _bc_rules_free (rs);
  /* a rule with only a category has a condition; the key is given once */
  g_free (parse_error ("userunknown category=a category=b\n"));
}

/* "none" in a status or command list holds for a recipient with no status
 * code, or whose refusal names no SMTP command */
static void
test_key_none (void **state)
{
  BcRuleSet *rs = ruleset ("filtered command=none status=none,5.0.0 text='no such user'\n"
                           "userunknown command=RCPT,mail text='no such user' weight=10\n");
  BcRuleInput in;
  char *ev = NULL;

  input_init (&in);
  in.diagnostic = "550 no such user";
  expect_reason (rs, &in, "filtered");
  assert_string_equal (match (rs, &in, &ev, NULL), "filtered");
  assert_non_null (strstr (ev, "status none"));
  assert_non_null (strstr (ev, "command none"));
  g_free (ev);
  in.status = "5.0.0"; expect_reason (rs, &in, "filtered");
  in.status = "5.1.1"; expect_reason (rs, &in, NULL);
  in.status = ""; in.command = "RCPT"; expect_reason (rs, &in, "userunknown");
  in.command = "DATA"; expect_reason (rs, &in, NULL);
  _bc_rules_free (rs);
  g_free (parse_error ("filtered status=none.1\n"));
}

static void
test_key_weight_and_comments (void **state)
{
  /* a trailing comment, a continuation line, CRLF line ends */
  BcRuleSet *rs = ruleset ("# a comment\r\n"
                           "\r\n"
                           "userunknown text=unknown weight=10   # trailing comment\r\n"
                           "mailboxfull\r\n"
                           "   text=unknown\r\n"
                           "\r\n"
                           "\tweight=20\r\n");
  BcRuleInput in;
  const char *origin = NULL;

  assert_int_equal (_bc_rules_count (rs), 2);
  input_init (&in);
  in.diagnostic = "user unknown";
  assert_string_equal (match (rs, &in, NULL, &origin), "mailboxfull");
  /* the origin is the rule's first line */
  assert_string_equal (origin, "t.rules:4");
  _bc_rules_free (rs);
}

/* ---- parsing: errors name file:line --------------------------------------- */

static void
expect_error (const char *text, const char *where, const char *what)
{
  char *msg = parse_error (text);
  assert_contains (msg, where);
  if (what)
    assert_contains (msg, what);
  g_free (msg);
}

static void
test_errors (void **state)
{
  expect_error ("userunknown status=5.1.1\n\n# c\nnosuchreason status=5.1.1\n",
                "bad.rules:4:", "nosuchreason");
  expect_error ("UserUnknown status=5.1.1\n", "bad.rules:1:", "UserUnknown");
  expect_error ("userunknown colour=red\n", "bad.rules:1:", "colour");
  expect_error ("userunknown status=5.1.1\nuserunknown text='(unclosed'\n", "bad.rules:2:",
                "regular expression");
  expect_error ("userunknown status=5.1.1\nuserunknown text='open quote\n", "bad.rules:2:", NULL);
  expect_error ("userunknown text=\"open quote\n", "bad.rules:1:", NULL);
  expect_error ("  status=5.1.1\n", "bad.rules:1:", "continuation");
  expect_error ("# header\n\n\tstatus=5.1.1\n", "bad.rules:3:", "continuation");
  expect_error ("userunknown status=6.1.1\n", "bad.rules:1:", "6.1.1");
  expect_error ("userunknown status=5.x.1\n", "bad.rules:1:", NULL);
  expect_error ("userunknown status=5.1.2-1\n", "bad.rules:1:", NULL);
  expect_error ("userunknown status=5.1000.1\n", "bad.rules:1:", NULL);
  expect_error ("userunknown reply=650\n", "bad.rules:1:", "650");
  expect_error ("userunknown reply=55\n", "bad.rules:1:", NULL);
  expect_error ("userunknown reply=5a0\n", "bad.rules:1:", NULL);
  expect_error ("userunknown text=x weight=1001\n", "bad.rules:1:", "weight");
  expect_error ("userunknown text=x weight=-1\n", "bad.rules:1:", "weight");
  expect_error ("userunknown text=x weight=ten\n", "bad.rules:1:", "weight");
  expect_error ("userunknown status=\n", "bad.rules:1:", NULL);
  expect_error ("userunknown status=5.1.1 status=5.1.2\n", "bad.rules:1:", "twice");
  expect_error ("userunknown\n", "bad.rules:1:", "no condition");
  expect_error ("userunknown weight=5 not=foo\n", "bad.rules:1:", "no condition");
  expect_error ("userunknown =5.1.1\n", "bad.rules:1:", NULL);
  expect_error ("notaccept text=x permanent=maybe\n", "bad.rules:1:", "permanent");
  expect_error ("notaccept permanent=yes\n", "bad.rules:1:", "no condition");
  expect_error ("userunknown 5.1.1\n", "bad.rules:1:", NULL);
  /* a rule continued over lines 2-3 is reported at its first line */
  expect_error ("blocked text=x\nuserunknown\n  colour=red\n", "bad.rules:2:", "colour");
  /* not UTF-8 */
  expect_error ("userunknown text='\xff'\n", "bad.rules", "UTF-8");
  /* bounded repeats over 255, in any form; braces that are not a repeat
   * (escaped, in a class, not digits) are left alone */
  expect_error ("blocked text='a*.{3210}x|b'\n", "bad.rules:1:", "3210");
  expect_error ("blocked text='x{256,}'\n", "bad.rules:1:", "256");
  expect_error ("blocked text='x{2,1000}'\n", "bad.rules:1:", "1000");
  expect_error ("blocked text='(?:ab){300}'\n", "bad.rules:1:", "300");
  /* PCRE settings at the start of a pattern would override the match limit */
  expect_error ("blocked text='(*LIMIT_MATCH=99999999)a*.+b|c'\n", "bad.rules:1:", "(*");
  expect_error ("blocked not='(*NO_JIT)x' text=y\n", "bad.rules:1:", "(*");
  {
    const char *ok[] = { "blocked text='x{255}'\n", "blocked text='x{0,255}'\n",
                         "blocked text='\\{9999}'\n", "blocked text='[{]9999}'\n",
                         "blocked text='[]{]9999}'\n", "blocked text='a{x9999}'\n", NULL };
    for (guint i = 0; ok[i]; i++) {
      BcRuleSet *rs = _bc_rules_new ();
      GError *error = NULL;
      if (!_bc_rules_parse (rs, "ok.rules", ok[i], strlen (ok[i]), 0, &error)) {
        print_error ("%s: %s\n", ok[i], error->message);
        fail ();
      }
      _bc_rules_free (rs);
    }
  }
}

static void
test_error_adds_nothing (void **state)
{
  BcRuleSet *rs = ruleset ("userunknown status=5.1.1\n");
  GError *error = NULL;
  const char *bad = "mailboxfull status=5.1.1 weight=999\nbroken colour=red\n";

  assert_int_equal (_bc_rules_count (rs), 1);
  assert_false (_bc_rules_parse (rs, "x.rules", bad, strlen (bad), 5, &error));
  g_clear_error (&error);
  assert_int_equal (_bc_rules_count (rs), 1);
  _bc_rules_free (rs);
}

/* ---- precedence ----------------------------------------------------------- */

static void
test_weight_order (void **state)
{
  BcRuleSet *rs;
  BcRuleInput in;

  input_init (&in);
  in.diagnostic = "mailbox unknown";
  /* the higher weight wins wherever it stands */
  rs = ruleset ("userunknown text=mailbox weight=10\nmailboxfull text=unknown weight=20\n");
  expect_reason (rs, &in, "mailboxfull");
  _bc_rules_free (rs);
  rs = ruleset ("mailboxfull text=unknown weight=20\nuserunknown text=mailbox weight=10\n");
  expect_reason (rs, &in, "mailboxfull");
  _bc_rules_free (rs);
  /* equal weights: the earlier rule wins */
  rs = ruleset ("suspend text=mailbox weight=20\nmailboxfull text=unknown weight=20\n");
  expect_reason (rs, &in, "suspend");
  _bc_rules_free (rs);
  rs = ruleset ("mailboxfull text=unknown weight=20\nsuspend text=mailbox weight=20\n");
  expect_reason (rs, &in, "mailboxfull");
  _bc_rules_free (rs);
  /* default weights: a specific status (60) beats text (50), text beats a
   * generic status (15) and a reply (10) */
  in.status = "5.1.1";
  in.reply_code = "550";
  rs = ruleset ("onhold reply=550\nonhold status=5.0.0\nsuspend text=unknown\nuserunknown status=5.1.1\n");
  expect_reason (rs, &in, "userunknown");
  in.status = "5.0.0";
  expect_reason (rs, &in, "suspend");
  in.diagnostic = "nothing";
  expect_reason (rs, &in, "onhold");
  _bc_rules_free (rs);
}

static void
test_precedence_beats_weight (void **state)
{
  BcRuleSet *rs = _bc_rules_new ();
  const char *builtin = "userunknown status=5.1.1 weight=1000\n";
  const char *user = "mailboxfull text=unknown weight=0\n";
  BcRuleInput in;
  const char *origin = NULL;

  assert_true (_bc_rules_parse (rs, "builtin", builtin, strlen (builtin), 0, NULL));
  assert_true (_bc_rules_parse (rs, "user", user, strlen (user), 1, NULL));
  _bc_rules_finish (rs);
  input_init (&in);
  in.status = "5.1.1";
  in.diagnostic = "user unknown";
  assert_string_equal (match (rs, &in, NULL, &origin), "mailboxfull");
  assert_string_equal (origin, "user:1");
  /* when the user rule does not hold, the built-in one still decides */
  in.diagnostic = "no such person";
  assert_string_equal (match (rs, &in, NULL, &origin), "userunknown");
  assert_string_equal (origin, "builtin:1");
  _bc_rules_free (rs);
}

/* ---- evidence ------------------------------------------------------------- */

static void
test_evidence (void **state)
{
  BcRuleSet *rs = ruleset ("userunknown status=5.1.1 reply=550 text='user unknown' host=example.net "
                           "recognizer=postfix dsn-action=failed source=dsn\n");
  BcRuleInput in;
  char *ev = NULL;

  input_init (&in);
  in.status = "5.1.1";
  in.reply_code = "550";
  in.diagnostic = "550 5.1.1 <x@example.net>: User Unknown in virtual table";
  in.hosts[0] = "mx.example.net";
  in.recognizer = "postfix";
  in.dsn_action = "failed";
  assert_string_equal (match (rs, &in, &ev, NULL), "userunknown");
  /* each condition that held shows the value it held on; the text shows
   * what matched, as written in the diagnostic */
  assert_contains (ev, "5.1.1");
  assert_contains (ev, "550");
  assert_contains (ev, "User Unknown");
  assert_not_contains (ev, "virtual table");
  assert_contains (ev, "mx.example.net");
  assert_contains (ev, "postfix");
  assert_contains (ev, "failed");
  assert_contains (ev, "dsn");
  g_free (ev);
  _bc_rules_free (rs);

  rs = ruleset ("mailboxfull text='quota'\n");
  in.diagnostic = "over QUOTA";
  assert_string_equal (match (rs, &in, &ev, NULL), "mailboxfull");
  assert_contains (ev, "QUOTA");
  assert_not_contains (ev, "5.1.1");
  assert_not_contains (ev, "mx.example.net");
  g_free (ev);
  _bc_rules_free (rs);
}

/* ---- bounded text --------------------------------------------------------- */

static void
test_max_line (void **state)
{
  BcRuleSet *rs = ruleset ("userunknown text='user unknown'\nmailboxfull text='\xc3\xa9'\n");
  GString *s = g_string_new (NULL);
  BcRuleInput in;

  input_init (&in);
  in.max_line = 100;
  for (int i = 0; i < 200; i++)
    g_string_append_c (s, 'x');
  g_string_append (s, " user unknown");
  in.diagnostic = s->str;
  expect_reason (rs, &in, NULL);
  in.max_line = 4096;
  expect_reason (rs, &in, "userunknown");
  /* a cut inside a multi-byte character still leaves valid text */
  g_string_assign (s, "");
  for (int i = 0; i < 100; i++)
    g_string_append (s, "\xc3\xa9");
  in.diagnostic = s->str;
  in.max_line = 51;
  expect_reason (rs, &in, "mailboxfull");
  g_string_free (s, TRUE);
  _bc_rules_free (rs);
}

static void
test_regex_backtracking_bounded (void **state)
{
  /* a catastrophic pattern on a long line must return, not hang */
  BcRuleSet *rs = ruleset ("userunknown text='(a+)+$'\n");
  GString *s = g_string_new (NULL);
  BcRuleInput in;
  gint64 t0;

  for (int i = 0; i < 4000; i++)
    g_string_append_c (s, 'a');
  g_string_append_c (s, '!');
  input_init (&in);
  in.diagnostic = s->str;
  t0 = g_get_monotonic_time ();
  expect_reason (rs, &in, NULL);
  assert_true (g_get_monotonic_time () - t0 < 5 * G_USEC_PER_SEC);
  g_string_free (s, TRUE);
  _bc_rules_free (rs);
}

/* the prefilter may only skip a text pattern that cannot match: for each
 * pattern and diagnostic the rules must say what the expression alone says
 * (non-ASCII patterns, the two literal sets, U+212A and U+017F, the sets
 * of more than two characters; test-prefilter.c checks the fold itself on
 * the whole BMP) */
static void
test_prefilter_agrees_with_regex (void **state)
{
  static const char *const patterns[] = {
    "ящик (заблокирован|отключен)",
    "(メールボックス|受信箱)(が|は)?(いっぱい|一杯)",
    "die gruppe, die sie kontaktieren möchten|группа, с которой вы",
    "(ip|ＩＰ|送信元).{0,20}(ブロック|拒否され)",
    "(reverse|rdns|\\bptr\\b).{0,40}(fail|missing|not (found|set))|no (ptr|reverse)",
    "\\b(rtr|dyn|cbl):[a-z0-9]{1,4}\\b",
    "unresolv(able|ed) (ip|host)",
    "\u212aelvin|lo\u017fs",
    "over quota|quota exceeded",
    "é{2}t",
    /* the other case of a character, or of one in a range, may start with
     * another UTF-8 lead byte than the character written */
    "спис[а-я]{1,3} спам",
    "ÿ{2}",
    "[à-ÿ]x{2}",
    "ς{2}",
    "ß{2}",
    "Ω{2}",
    "θ{2}",
    /* uncased characters (kana, Han) are literals of their own bytes, next
     * to cased ones that are not */
    "(ウイルス|ウィルス)(が|を)?(検出|検知)|вирус[а-я]* (обнаружен|найден)",
    "kota(sı)? (aşıldı|doldu)",
    "送信者?ドメイン",
    /* cased characters are literals folded to one member of their caseless
     * set, also where that set holds more than two, or characters of two
     * UTF-8 lengths, or symbols that are not letters */
    "в доставке отказано",
    "straße",
    "İstanbul",
    "ⱥⱦ",
    "ⅻ ⓐ",
    "ι{2}x",
    "ﬅ",
    "ꭰꭱ",
    "ａｂｃ",
    /* past the BMP: not folded, the lead bytes stand for it */
    "𐐨𐐯",
  };
  static const char *const diags[] = {
    "550 ящик заблокирован", "550 ЯЩИК ОТКЛЮЧЕН", "550 mailbox disabled",
    "552 メールボックスがいっぱい", "552 受信箱一杯です", "552 mailbox full",
    "Die Gruppe, die Sie kontaktieren MÖCHTEN, gibt es nicht", "Группа, с которой вы",
    "die gruppe, die sie kontaktieren mochten",
    "ＩＰがブロックされました", "ip address 192.0.2.1 is blocked: ブロック", "ip blocked",
    "550 Reverse DNS lookup failed", "PTR record not found", "no PTR for 192.0.2.1",
    "error: not found", "reverse", "failed reverse",
    "421 RTR:BL", "dynamic ip refused", "CBL:x1 listed", "dyn:",
    "Unresolvable host", "unresolved ip 192.0.2.1", "unresolved",
    "KELVIN", "\u212aelvin", "lo\u017fs of data", "LOSS", "los",
    "Over Quota", "quota exceeded", "quota",
    "ÉÉT", "éét", "eet", "",
    "СПИСОК СПАМ", "список спам", "ŸŸ", "ŸXX", "Σσ", "ẞẞ",
    "Ωω", "couldn’t deliver", "ϑϑ", "ΘΘ", "",
    "ウイルスが検出されました", "ウィルス検知", "ВИРУС обнаружен", "вирусы найден",
    "KOTASI AŞILDI", "kota doldu", "kotasi asildi", "送信ドメイン", "送信者ドメインが", "ドメイ",
    "В ДОСТАВКЕ ОТКАЗАНО", "\u1c80 доставке отказано", "в доставке", "STRASSE", "STRA\u1e9eE",
    "straße", "İSTANBUL", "istanbul", "ıstanbul", "ȺȾ", "Ⱥⱦ", "Ⅻ Ⓐ", "ⅻ ⓐ", "XII A",
    "\u0345\u1fbeX", "ΙιX", "ﬆ", "ﬅ", "ᎠᎡ", "ꭰᎡ", "ＡＢＣ", "ABC", "𐐀𐐇", "𐐨𐐯", "𐐀",
  };
  int bad = 0;

  for (guint p = 0; p < G_N_ELEMENTS (patterns); p++) {
    char *q = g_shell_quote (patterns[p]);
    char *text = g_strdup_printf ("userunknown text=%s\n", q);
    BcRuleSet *rs = ruleset (text);
    GRegex *re = g_regex_new (patterns[p], G_REGEX_CASELESS, 0, NULL);
    BcRuleInput in;

    assert_non_null (re);
    input_init (&in);
    for (guint d = 0; d < G_N_ELEMENTS (diags); d++) {
      gboolean want = g_regex_match (re, diags[d], 0, NULL);
      gboolean got;
      in.diagnostic = diags[d];
      got = match (rs, &in, NULL, NULL) != NULL;
      if (got != want) {
        print_error ("pattern '%s', diagnostic '%s': rules %d, regex %d\n", patterns[p], diags[d],
                     got, want);
        bad++;
      }
    }
    g_regex_unref (re);
    _bc_rules_free (rs);
    g_free (text);
    g_free (q);
  }
  assert_int_equal (bad, 0);
}

/* ---- taxonomy ------------------------------------------------------------- */

static const struct {
  const char *reason;
  BcClass klass;
  BcAction action;
} table[] = {   /* docs/taxonomy.md */
  { "userunknown", BC_CLASS_HARD, BC_ACTION_SUPPRESS },
  { "hostunknown", BC_CLASS_HARD, BC_ACTION_SUPPRESS },
  { "hasmoved", BC_CLASS_HARD, BC_ACTION_SUPPRESS },
  { "notaccept", BC_CLASS_HARD, BC_ACTION_SUPPRESS },
  { "mailboxfull", BC_CLASS_MAILBOX_FULL, BC_ACTION_RETRY },
  { "blocked", BC_CLASS_SPAM_BLOCK, BC_ACTION_RETRY },
  { "spamdetected", BC_CLASS_SPAM_BLOCK, BC_ACTION_RETRY },
  { "badreputation", BC_CLASS_SPAM_BLOCK, BC_ACTION_RETRY },
  { "requireptr", BC_CLASS_SPAM_BLOCK, BC_ACTION_RETRY },
  { "policyviolation", BC_CLASS_SPAM_BLOCK, BC_ACTION_RETRY },
  { "virusdetected", BC_CLASS_SPAM_BLOCK, BC_ACTION_RETRY },
  { "authfailure", BC_CLASS_SPAM_BLOCK, BC_ACTION_RETRY },
  { "rejected", BC_CLASS_SPAM_BLOCK, BC_ACTION_RETRY },
  { "filtered", BC_CLASS_SPAM_BLOCK, BC_ACTION_RETRY },
  { "suspend", BC_CLASS_SOFT, BC_ACTION_RETRY },
  { "expired", BC_CLASS_SOFT, BC_ACTION_RETRY },
  { "networkerror", BC_CLASS_SOFT, BC_ACTION_RETRY },
  { "systemerror", BC_CLASS_SOFT, BC_ACTION_RETRY },
  { "systemfull", BC_CLASS_SOFT, BC_ACTION_RETRY },
  { "mailererror", BC_CLASS_SOFT, BC_ACTION_RETRY },
  { "mesgtoobig", BC_CLASS_SOFT, BC_ACTION_RETRY },
  { "exceedlimit", BC_CLASS_SOFT, BC_ACTION_RETRY },
  { "toomanyconn", BC_CLASS_SOFT, BC_ACTION_RETRY },
  { "speeding", BC_CLASS_SOFT, BC_ACTION_RETRY },
  { "norelaying", BC_CLASS_SOFT, BC_ACTION_RETRY },
  { "syntaxerror", BC_CLASS_SOFT, BC_ACTION_RETRY },
  { "notcompliantrfc", BC_CLASS_SOFT, BC_ACTION_RETRY },
  { "contenterror", BC_CLASS_SOFT, BC_ACTION_RETRY },
  { "securityerror", BC_CLASS_SOFT, BC_ACTION_RETRY },
  { "failedstarttls", BC_CLASS_SOFT, BC_ACTION_RETRY },
  { "onhold", BC_CLASS_SOFT, BC_ACTION_RETRY },
  { "undefined", BC_CLASS_SOFT, BC_ACTION_RETRY },
  { "feedback", BC_CLASS_COMPLAINT, BC_ACTION_SUPPRESS },
  { "vacation", BC_CLASS_AUTO_REPLY, BC_ACTION_IGNORE },
  { "delivered", BC_CLASS_DELIVERED, BC_ACTION_IGNORE },
};

static void
test_taxonomy (void **state)
{
  for (guint i = 0; i < G_N_ELEMENTS (table); i++) {
    const char *in = _bc_reason_intern (table[i].reason);
    BcRecipient *r = _bc_recipient_new (BC_SOURCE_DSN);
    assert_non_null (in);
    assert_string_equal (in, table[i].reason);
    /* interned: one pointer per reason */
    assert_ptr_equal (in, _bc_reason_intern (table[i].reason));
    assert_int_equal (_bc_reason_class (in), table[i].klass);
    g_strlcpy (r->status, "5.0.0", sizeof r->status);
    _bc_decide (r, in);
    if (r->klass != table[i].klass || r->action != table[i].action) {
      print_error ("%s: class %s action %s\n", table[i].reason, bc_class_to_string (r->klass),
                   bc_action_to_string (r->action));
      fail ();
    }
    assert_ptr_equal (r->reason, in);
    _bc_recipient_free (r);
  }
  assert_null (_bc_reason_intern ("nosuchreason"));
  assert_null (_bc_reason_intern (""));
  assert_null (_bc_reason_intern ("UserUnknown"));
}

static void
test_temporary_never_hard (void **state)
{
  static const char *const hard[] = { "userunknown", "hostunknown", "hasmoved", "notaccept", NULL };

  for (guint i = 0; hard[i]; i++) {
    BcRecipient *r = _bc_recipient_new (BC_SOURCE_DSN);
    const char *reason = _bc_reason_intern (hard[i]);

    g_strlcpy (r->status, "4.1.1", sizeof r->status);
    _bc_decide (r, reason);
    assert_string_equal (r->reason, hard[i]);
    assert_int_equal (r->klass, BC_CLASS_SOFT);
    assert_int_equal (r->action, BC_ACTION_RETRY);

    /* a 4xx reply with no status */
    r->status[0] = '\0';
    g_strlcpy (r->reply_code, "450", sizeof r->reply_code);
    _bc_decide (r, reason);
    assert_int_equal (r->klass, BC_CLASS_SOFT);

    /* a delayed DSN with no codes at all */
    r->reply_code[0] = '\0';
    r->dsn_action = g_strdup ("delayed");
    _bc_decide (r, reason);
    assert_int_equal (r->klass, BC_CLASS_SOFT);

    /* permanent: hard */
    g_strlcpy (r->status, "5.1.1", sizeof r->status);
    g_clear_pointer (&r->dsn_action, g_free);
    _bc_decide (r, reason);
    assert_int_equal (r->klass, BC_CLASS_HARD);
    assert_int_equal (r->action, BC_ACTION_SUPPRESS);
    _bc_recipient_free (r);
  }
  {
    /* other classes are not changed by a temporary code */
    BcRecipient *r = _bc_recipient_new (BC_SOURCE_DSN);
    g_strlcpy (r->status, "4.2.2", sizeof r->status);
    _bc_decide (r, _bc_reason_intern ("mailboxfull"));
    assert_int_equal (r->klass, BC_CLASS_MAILBOX_FULL);
    _bc_recipient_free (r);
  }
}

/* ---- through the classifier with the built-in rules ----------------------- */

static const BcRecipient *
only (const BcReport *r)
{
  assert_int_equal (r->recipients->len, 1);
  return g_ptr_array_index (r->recipients, 0);
}

static BcReport *
classify_dsn (BcClassifier *cls, const char *status, const char *diag, const char *action)
{
  char *msg = tc_dsn_one ("rcpt@example.com", action, status, diag);
  BcReport *r = tc_classify (cls, msg);
  g_free (msg);
  return r;
}

static void
test_builtin_text_beats_generic_code (void **state)
{
  BcClassifier *cls = tc_classifier ();
  BcReport *r;

  /* 5.0.0 with a text that names the cause */
  r = classify_dsn (cls, "5.0.0", "550 5.0.0 Mailbox quota exceeded", NULL);
  assert_string_equal (only (r)->reason, "mailboxfull");
  bc_report_free (r);
  /* a bare 550 with a text that names the cause */
  r = classify_dsn (cls, NULL, "550 Requested action not taken: mailbox full", NULL);
  assert_string_equal (only (r)->reason, "mailboxfull");
  assert_string_equal (only (r)->reply_code, "550");
  bc_report_free (r);
  r = classify_dsn (cls, "5.0.0", "550 Your message looks like spam", NULL);
  assert_int_equal (only (r)->klass, BC_CLASS_SPAM_BLOCK);
  bc_report_free (r);
  /* and a bare 550 on its own is not "user unknown" */
  r = classify_dsn (cls, NULL, "550 Requested action not taken", NULL);
  assert_string_not_equal (only (r)->reason, "userunknown");
  assert_int_not_equal (only (r)->klass, BC_CLASS_HARD);
  bc_report_free (r);
}

static void
test_builtin_code_beats_vague_text (void **state)
{
  BcClassifier *cls = tc_classifier ();
  BcReport *r;

  r = classify_dsn (cls, "5.1.1", "550 Delivery failed, please try again later", NULL);
  assert_string_equal (only (r)->reason, "userunknown");
  assert_int_equal (only (r)->klass, BC_CLASS_HARD);
  assert_int_equal (only (r)->action, BC_ACTION_SUPPRESS);
  bc_report_free (r);
  r = classify_dsn (cls, "5.2.2", "552 mailbox unavailable, deferred", NULL);
  assert_string_equal (only (r)->reason, "mailboxfull");
  bc_report_free (r);
}

static void
test_builtin_4xx_never_hard (void **state)
{
  BcClassifier *cls = tc_classifier ();
  BcReport *r;

  r = classify_dsn (cls, "4.1.1", "450 4.1.1 <rcpt@example.com>: Recipient address rejected: "
                                  "User unknown in local recipient table", "delayed");
  assert_string_equal (only (r)->reason, "userunknown");
  assert_int_equal (only (r)->klass, BC_CLASS_SOFT);
  assert_int_equal (only (r)->action, BC_ACTION_RETRY);
  bc_report_free (r);
  r = classify_dsn (cls, NULL, "450 no such user here", NULL);
  assert_int_not_equal (only (r)->klass, BC_CLASS_HARD);
  assert_int_equal (only (r)->action, BC_ACTION_RETRY);
  bc_report_free (r);
  r = classify_dsn (cls, "4.4.4", "451 4.4.4 host not found", "delayed");
  assert_int_not_equal (only (r)->klass, BC_CLASS_HARD);
  bc_report_free (r);
}

static void
test_builtin_8bit_diagnostic (void **state)
{
  /* an undeclared 8-bit byte in the DSN part must not stop the text rules
   * (a regex on invalid UTF-8 matches nothing) */
  BcClassifier *cls = tc_classifier ();
  BcReport *r = classify_dsn (cls, NULL,
                              "550 Empf\xe4nger unbekannt: user unknown (in reply to RCPT TO command)",
                              NULL);

  assert_true (g_utf8_validate (only (r)->diagnostic, -1, NULL));
  assert_string_equal (only (r)->reason, "userunknown");
  bc_report_free (r);
}

static void
test_builtin_rule_and_evidence (void **state)
{
  BcClassifier *cls = tc_classifier ();
  BcReport *r = classify_dsn (cls, "5.1.1", "550 5.1.1 user unknown", NULL);
  const BcRecipient *rc = only (r);

  assert_non_null (rc->rule);
  assert_true (g_str_has_prefix (rc->rule, "rules/"));
  assert_non_null (strchr (rc->rule, ':'));
  assert_non_null (rc->evidence);
  assert_true (strlen (rc->evidence) > 0);
  bc_report_free (r);
}

static void
test_user_rules_beat_builtin (void **state)
{
  BcClassifier *cls = bc_classifier_new (NULL, NULL);
  GError *error = NULL;
  BcReport *r;

  assert_non_null (cls);
  r = classify_dsn (cls, "5.1.1", "550 5.1.1 user unknown", NULL);
  assert_string_equal (only (r)->reason, "userunknown");
  bc_report_free (r);

  /* a user rule of weight 0 beats a built-in rule of any weight */
  assert_true (bc_classifier_add_rules_data (cls, "mine", "# mine\nsuspend text='user unknown' weight=0\n",
                                             -1, &error));
  r = classify_dsn (cls, "5.1.1", "550 5.1.1 user unknown", NULL);
  assert_string_equal (only (r)->reason, "suspend");
  assert_int_equal (only (r)->klass, BC_CLASS_SOFT);
  assert_string_equal (only (r)->rule, "mine:2");
  assert_contains (only (r)->evidence, "user unknown");
  bc_report_free (r);

  /* rules added later beat rules added earlier */
  assert_true (bc_classifier_add_rules_data (cls, "later", "mailboxfull status=5.1.1 weight=0\n", -1,
                                             &error));
  r = classify_dsn (cls, "5.1.1", "550 5.1.1 user unknown", NULL);
  assert_string_equal (only (r)->reason, "mailboxfull");
  assert_string_equal (only (r)->rule, "later:1");
  bc_report_free (r);

  /* a broken file is refused whole and changes nothing */
  assert_false (bc_classifier_add_rules_data (cls, "broken.rules",
                                              "hostunknown status=5.1.1\nhostunknown bogus=1\n", -1,
                                              &error));
  assert_true (g_error_matches (error, BC_ERROR, BC_ERROR_RULES));
  assert_contains (error->message, "broken.rules:2");
  g_clear_error (&error);
  r = classify_dsn (cls, "5.1.1", "550 5.1.1 user unknown", NULL);
  assert_string_equal (only (r)->reason, "mailboxfull");
  bc_report_free (r);

  /* other messages are still decided by the built-in rules */
  r = classify_dsn (cls, "5.2.2", "552 5.2.2 over quota", NULL);
  assert_string_equal (only (r)->reason, "mailboxfull");
  assert_true (g_str_has_prefix (only (r)->rule, "rules/"));
  bc_report_free (r);
  bc_classifier_free (cls);
}

static void
test_rules_file (void **state)
{
  BcClassifier *cls = bc_classifier_new (NULL, NULL);
  char *dir = tc_tmpdir ();
  char *good = tc_write (dir, "good.rules", "blocked text='user unknown'\n", -1);
  char *bad = tc_write (dir, "bad.rules", "blocked text='user unknown'\n\nblocked text='(x'\n", -1);
  char *missing = g_build_filename (dir, "missing.rules", NULL);
  GError *error = NULL;
  BcReport *r;
  char *want;

  assert_false (bc_classifier_add_rules_file (cls, missing, &error));
  assert_true (error->domain == G_FILE_ERROR);
  g_clear_error (&error);
  assert_false (bc_classifier_add_rules_file (cls, bad, &error));
  want = g_strdup_printf ("%s:3", bad);
  assert_contains (error->message, want);
  g_free (want);
  g_clear_error (&error);
  assert_true (bc_classifier_add_rules_file (cls, good, &error));
  r = classify_dsn (cls, "5.1.1", "550 5.1.1 user unknown", NULL);
  assert_string_equal (only (r)->reason, "blocked");
  want = g_strdup_printf ("%s:1", good);
  assert_string_equal (only (r)->rule, want);
  g_free (want);
  bc_report_free (r);
  bc_classifier_free (cls);
  tc_rmtree (dir);
  g_free (dir);
  g_free (good);
  g_free (bad);
  g_free (missing);
}

/* permanent=yes: the rule's hard reason stays hard under a 4xx code, and
 * says so in its evidence; without it the same rule is softened */
static void
test_key_permanent (void **state)
{
  BcRuleSet *rs = ruleset ("notaccept text='null mx' permanent=yes\n"
                           "hostunknown text='no such domain' permanent=no\n");
  BcRuleInput in;
  BcRuleMatch m = { 0 };
  BcRecipient *r = _bc_recipient_new (BC_SOURCE_DSN);

  input_init (&in);
  in.status = "4.0.0";
  in.diagnostic = "returned Null MX";
  assert_true (_bc_rules_match (rs, &in, &m));
  assert_true (m.permanent);
  assert_non_null (strstr (m.evidence, "permanent"));
  g_strlcpy (r->status, "4.0.0", sizeof r->status);
  _bc_decide_permanent (r, m.reason, m.permanent);
  assert_int_equal (r->klass, BC_CLASS_HARD);
  assert_int_equal (r->action, BC_ACTION_SUPPRESS);
  g_free (m.evidence);

  memset (&m, 0, sizeof m);
  in.diagnostic = "no such domain";
  assert_true (_bc_rules_match (rs, &in, &m));
  assert_false (m.permanent);
  assert_null (strstr (m.evidence, "permanent"));
  _bc_decide_permanent (r, m.reason, m.permanent);
  assert_int_equal (r->klass, BC_CLASS_SOFT);
  g_free (m.evidence);

  /* a reason that is not hard is never made hard by it */
  _bc_decide_permanent (r, _bc_reason_intern ("mailboxfull"), TRUE);
  assert_int_equal (r->klass, BC_CLASS_MAILBOX_FULL);
  _bc_recipient_free (r);
  _bc_rules_free (rs);
}

/* the shipped rules: a null MX reported as failed with 4.0.0 (as Gmail
 * does) is hard; another notaccept text under 4xx is still soft */
static void
test_builtin_null_mx_permanent (void **state)
{
  BcClassifier *cls = tc_classifier ();
  BcReport *r;

  r = classify_dsn (cls, "4.0.0", "DNS Error: The domain example.net doesn't receive email "
                                  "according to the administrator: returned Null MX", "failed");
  assert_string_equal (only (r)->reason, "notaccept");
  assert_int_equal (only (r)->klass, BC_CLASS_HARD);
  bc_report_free (r);
  r = classify_dsn (cls, "4.3.2", "452 4.3.2 host does not accept mail right now", "delayed");
  assert_int_not_equal (only (r)->klass, BC_CLASS_HARD);
  bc_report_free (r);
}

/* _bc_rules_split_plain() (the rules parser's fast path) must split every
 * line it takes as g_shell_parse_argv() does, and leave to it every line
 * the shell parser refuses: lines as the rules files write them, and
 * random lines of quotes, backslashes, comments, blanks and control
 * characters */
static gboolean
split_as_shell (const char *line)
{
  int ac1, ac2;
  char **av1, **av2;

  if (!_bc_rules_split_plain (line, &ac1, &av1))
    return FALSE;
  if (!g_shell_parse_argv (line, &ac2, &av2, NULL)) {
    print_error ("split, but the shell parser refuses: \"%s\"\n", line);
    fail ();
  }
  assert_int_equal (ac1, ac2);
  for (int i = 0; i <= ac1; i++)
    assert_string_equal (av1[i] ? av1[i] : "(null)", av2[i] ? av2[i] : "(null)");
  g_strfreev (av1);
  g_strfreev (av2);
  return TRUE;
}

static void
test_split_plain_as_shell (void **state)
{
  static const char *const lines[] = {
    "userunknown  text='\\bno such (user|mailbox)' weight=62",
    "feedback   source=arf   weight=1000   # RFC 5965 feedback report",
    "blocked\ttext='#1 (spam|abuse) it''s' not='a b'c host=*.example.com",
    "x text='' weight=1 #",
    "#",
    "   ",
  };
  static const char *const pieces[] = {
    "a", "b", "=", "'", "'", "\"", "\\", "#", " ", " ", "\t", "\n", "\r", "\x01",
    "\xc3\xa9", "text='", "weight=5", "$", "`", "\v", "\f", "~", "*", "(", "|", ";",
  };
  GRand *rnd = g_rand_new_with_seed (42);
  GString *s = g_string_new (NULL);
  guint fast = 0;

  /* the first three are plain; a lone '#' and no word go to the shell
   * parser, which refuses them */
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    assert_int_equal (split_as_shell (lines[i]), i < 3);
  for (guint it = 0; it < 200000; it++) {
    guint n = g_rand_int_range (rnd, 0, it % 3 ? 12 : 30);
    guint np = it % 2 ? G_N_ELEMENTS (pieces) : 13;
    g_string_truncate (s, 0);
    for (guint j = 0; j < n; j++)
      g_string_append (s, pieces[g_rand_int_range (rnd, 0, np)]);
    fast += split_as_shell (s->str);
  }
  assert_true (fast > 10000);
  g_string_free (s, TRUE);
  g_rand_free (rnd);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_key_status),
    cmocka_unit_test (test_split_plain_as_shell),
    cmocka_unit_test (test_key_category),
    cmocka_unit_test (test_key_none),
    cmocka_unit_test (test_key_reply),
    cmocka_unit_test (test_key_text_and_not),
    cmocka_unit_test (test_key_host),
    cmocka_unit_test (test_key_recognizer_action_source),
    cmocka_unit_test (test_key_weight_and_comments),
    cmocka_unit_test (test_key_permanent),
    cmocka_unit_test (test_errors),
    cmocka_unit_test (test_error_adds_nothing),
    cmocka_unit_test (test_weight_order),
    cmocka_unit_test (test_precedence_beats_weight),
    cmocka_unit_test (test_evidence),
    cmocka_unit_test (test_max_line),
    cmocka_unit_test (test_regex_backtracking_bounded),
    cmocka_unit_test (test_taxonomy),
    cmocka_unit_test (test_temporary_never_hard),
    cmocka_unit_test (test_builtin_text_beats_generic_code),
    cmocka_unit_test (test_builtin_code_beats_vague_text),
    cmocka_unit_test (test_builtin_4xx_never_hard),
    cmocka_unit_test (test_builtin_null_mx_permanent),
    cmocka_unit_test (test_builtin_8bit_diagnostic),
    cmocka_unit_test (test_builtin_rule_and_evidence),
    cmocka_unit_test (test_user_rules_beat_builtin),
    cmocka_unit_test (test_rules_file),
    cmocka_unit_test (test_prefilter_agrees_with_regex),
  };
  tc_init ();
  return cmocka_run_group_tests (tests, NULL, NULL);
}
