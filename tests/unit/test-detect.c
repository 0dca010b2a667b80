/* test-detect.c - recognizer detection (evidence/recognizers/spec.c,
 * registry.c): the tables built once and the per-message probe must give
 * the answers of the plain helpers they replace.
 *
 * The messages are made from the specs themselves: each header entry,
 * report phrase, From needle, domain and Subject prefix of every
 * recognizer, written in the ways that tell a careful implementation from
 * a careless one (other case, folded, RFC 2047-encoded, a second field of
 * the same name, the phrase only in the returned copy, KELVIN SIGN and
 * LONG S for k and s, look-alike and sub-domains). Every message is then
 * put to every table-only recognizer, and the answer must be that of a
 * reference that asks _bc_body_find(), _bc_header_contains(),
 * _bc_from_matches(), _bc_from_domain_is() and _bc_subject_starts() one
 * by one, as detection did before the tables.
 */
#include "tc.h"

#include "evidence/recognizers/recognizers.h"

#include <string.h>

static const BcRecognizer *const table[] = {
#define BC_RECOGNIZER(name) &_bc_rec_##name,
#include "evidence/recognizers/recognizers.def"
#undef BC_RECOGNIZER
  NULL
};

/* ---- the reference: one helper call per entry ---------------------------- */

static gboolean
ref_any_header (const BcMime *m, const char *const *hdrs)
{
  for (; hdrs && *hdrs; hdrs++) {
    const char *colon = strchr (*hdrs, ':');
    if (colon) {
      char *name = g_strndup (*hdrs, colon - *hdrs);
      const char *needle = colon + 1;
      gboolean hit;
      while (*needle == ' ')
        needle++;
      hit = _bc_header_contains (m, name, needle);
      g_free (name);
      if (hit)
        return TRUE;
    } else if (_bc_mime_header (m, *hdrs)) {
      return TRUE;
    }
  }
  return FALSE;
}

/* ref_confirmed - one of @spec's confirm phrases or headers, or a spec
 * without them */
static gboolean
ref_confirmed (const BcMime *m, const BcRecSpec *spec)
{
  gboolean any = (spec->confirm && *spec->confirm) ||
                 (spec->confirm_headers && *spec->confirm_headers);

  if (!any || ref_any_header (m, spec->confirm_headers))
    return TRUE;
  for (const char *const *c = spec->confirm; c && *c; c++)
    if (_bc_body_find (m, *c))
      return TRUE;
  return FALSE;
}

static gboolean
ref_spec_match (const BcMime *m, const BcRecSpec *spec)
{
  gboolean from = FALSE;

  if (ref_any_header (m, spec->headers))
    return TRUE;
  for (const char *const *b = spec->body; b && *b; b++)
    if (_bc_body_find (m, *b))
      return TRUE;
  for (const char *const *b = spec->shared; b && *b; b++)
    if (_bc_body_find (m, *b) && ref_confirmed (m, spec))
      return TRUE;
  if (spec->subjects && !spec->from && !spec->domains)
    return _bc_subject_starts (m, spec->subjects) && ref_confirmed (m, spec);
  if (spec->from && _bc_from_matches (m, spec->from))
    from = TRUE;
  for (const char *const *d = spec->domains; !from && d && *d; d++)
    if (_bc_from_domain_is (m, *d))
      from = TRUE;
  if (from && _bc_looks_like_bounce (m))
    return (!spec->subjects || _bc_subject_starts (m, spec->subjects)) && ref_confirmed (m, spec);
  return FALSE;
}

/* ---- messages ------------------------------------------------------------ */

typedef struct {
  GPtrArray *msgs;          /* (char *) whole messages */
} Set;

static void
add_msg (Set *set, const char *from, const char *subject, const char *headers,
         const char *report)
{
  g_ptr_array_add (set->msgs,
                   g_strdup_printf ("From: %s\nTo: sender@example.org\nSubject: %s\n%s"
                                    "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
                                    "%s\n",
                                    from, subject, headers ? headers : "", report));
}

/* swap_case - ASCII letters of @s in the other case */
static char *
swap_case (const char *s)
{
  char *o = g_strdup (s);
  for (char *p = o; *p; p++)
    *p = g_ascii_isupper (*p) ? g_ascii_tolower (*p) : g_ascii_toupper (*p);
  return o;
}

/* unicode_ks - k and s (either case) as U+212A KELVIN SIGN and U+017F LONG
 * S; NULL when @s has neither */
static char *
unicode_ks (const char *s)
{
  GString *o = g_string_new (NULL);
  gboolean any = FALSE;

  for (const char *p = s; *p; p++) {
    if (*p == 'k' || *p == 'K') {
      g_string_append (o, "\xe2\x84\xaa");
      any = TRUE;
    } else if (*p == 's' || *p == 'S') {
      g_string_append (o, "\xc5\xbf");
      any = TRUE;
    } else
      g_string_append_c (o, *p);
  }
  return g_string_free (o, !any);
}

static void
add_header_variants (Set *set, const char *entry)
{
  const char *colon = strchr (entry, ':');
  const char *bounce = "Undelivered Mail Returned to Sender";
  const char *from = "MAILER-DAEMON@mx.example.net";
  char *h;

  if (!colon) {
    h = g_strdup_printf ("%s: yes\n", entry);
    add_msg (set, from, bounce, h, "text");
    g_free (h);
    h = swap_case (entry);
    {
      char *hh = g_strdup_printf ("%s: yes\n", h);
      add_msg (set, from, bounce, hh, "text");
      g_free (hh);
    }
    g_free (h);
    return;
  }
  {
    char *name = g_strndup (entry, colon - entry);
    const char *needle = colon + 1;
    char *swapped, *enc, *space;
    while (*needle == ' ')
      needle++;
    swapped = swap_case (needle);
    /* plain, other case, inside other words */
    h = g_strdup_printf ("%s: v1.0 %s (build 7)\n", name, swapped);
    add_msg (set, from, bounce, h, "text");
    g_free (h);
    /* the name in the other case */
    {
      char *sn = swap_case (name);
      h = g_strdup_printf ("%s: %s\n", sn, needle);
      add_msg (set, from, bounce, h, "text");
      g_free (h);
      g_free (sn);
    }
    /* folded at its first space, or right after its first byte */
    space = strchr (needle, ' ');
    if (space)
      h = g_strdup_printf ("%s: x %.*s\n %s\n", name, (int) (space - needle), needle, space + 1);
    else
      h = g_strdup_printf ("%s: x %.1s\n %s\n", name, needle, needle + 1);
    add_msg (set, from, bounce, h, "text");
    g_free (h);
    /* white space doubled inside, and left out */
    {
      char **words = g_strsplit (needle, " ", -1);
      char *doubled = g_strjoinv ("  ", words);
      char *joined = g_strjoinv ("", words);
      h = g_strdup_printf ("%s: %s\n", name, doubled);
      add_msg (set, from, bounce, h, "text");
      g_free (h);
      h = g_strdup_printf ("%s: %s\n", name, joined);
      add_msg (set, from, bounce, h, "text");
      g_free (h);
      g_free (doubled);
      g_free (joined);
      g_strfreev (words);
    }
    /* RFC 2047: only the decoded value holds it */
    enc = g_base64_encode ((const guchar *) needle, strlen (needle));
    h = g_strdup_printf ("%s: =?utf-8?b?%s?=\n", name, enc);
    add_msg (set, from, bounce, h, "text");
    g_free (h);
    g_free (enc);
    /* only in the second field of the name: the first one counts */
    h = g_strdup_printf ("%s: something else\n%s: %s\n", name, name, needle);
    add_msg (set, from, bounce, h, "text");
    g_free (h);
    g_free (swapped);
    g_free (name);
  }
}

static void
add_phrase_variants (Set *set, const char *phrase)
{
  const char *from = "MAILER-DAEMON@mx.example.net";
  const char *subj = "Delivery failure";
  char *swapped = swap_case (phrase), *ks = unicode_ks (phrase), *r;

  r = g_strdup_printf ("Hello.\n\nblah %s blah\n\n<user@example.com>: 550 no\n", swapped);
  add_msg (set, from, subj, NULL, r);
  g_free (r);
  r = g_strdup_printf ("%s", phrase);
  add_msg (set, from, subj, NULL, r);
  g_free (r);
  /* only in the returned copy, after the marker that ends the report */
  r = g_strdup_printf ("Hello.\n\n----- Original message -----\n\n%s\n", phrase);
  add_msg (set, from, subj, NULL, r);
  g_free (r);
  if (ks) {
    r = g_strdup_printf ("Hello.\n\n%s\n", ks);
    add_msg (set, from, subj, NULL, r);
    g_free (r);
  }
  g_free (swapped);
  g_free (ks);
}

static void
add_from_variants (Set *set, const char *needle, const char *const *subjects)
{
  char *swapped = swap_case (needle), *f;

  f = g_strdup_printf ("\"%s Notifier\" <postmaster@example.net>", swapped);
  add_msg (set, f, "Undelivered Mail Returned to Sender", NULL, "text");
  add_msg (set, f, "Hello there", NULL, "text");
  if (subjects && subjects[0])
    add_msg (set, f, subjects[0], NULL, "text");
  g_free (f);
  g_free (swapped);
}

static void
add_domain_variants (Set *set, const char *domain, const char *const *subjects)
{
  char *up = g_ascii_strup (domain, -1), *f;
  const char *subj = subjects && subjects[0] ? subjects[0] : "Undelivered Mail Returned to Sender";

  f = g_strdup_printf ("postmaster@%s", domain);
  add_msg (set, f, subj, NULL, "text");
  add_msg (set, f, "Hello there", NULL, "text");
  g_free (f);
  f = g_strdup_printf ("Mail Delivery System <MAILER-DAEMON@mx1.%s>", up);
  add_msg (set, f, subj, NULL, "text");
  g_free (f);
  f = g_strdup_printf ("postmaster@not%s", domain);
  add_msg (set, f, subj, NULL, "text");
  g_free (f);
  f = g_strdup_printf ("postmaster@%s.example.net", domain);
  add_msg (set, f, subj, NULL, "text");
  g_free (f);
  g_free (up);
}

/* add_confirm_variants - the weak signs of @spec (its Subject, its From,
 * a shared phrase) each with every confirmation of it, and a
 * confirmation under a Subject that is not the spec's */
static void
add_confirm_variants (Set *set, const BcRecSpec *spec)
{
  const char *daemon = "MAILER-DAEMON@mx.example.net";
  const char *subj = spec->subjects && spec->subjects[0] ? spec->subjects[0] : "Delivery failure";
  char *from = spec->from && spec->from[0]
                 ? g_strdup_printf ("\"%s Notifier\" <postmaster@example.net>", spec->from[0])
                 : spec->domains && spec->domains[0]
                   ? g_strdup_printf ("postmaster@%s", spec->domains[0]) : g_strdup (daemon);
  const char *person = "Pat <pat@example.org>";

  for (const char *const *c = spec->confirm; c && *c; c++) {
    char *r = g_strdup_printf ("Hello.\n\nblah %s blah\n", *c);
    add_msg (set, from, subj, NULL, r);
    add_msg (set, person, subj, "Return-Path: <pat@example.org>\n", r);
    add_msg (set, daemon, "Hello there", NULL, r);
    g_free (r);
    for (const char *const *b = spec->shared; b && *b; b++) {
      r = g_strdup_printf ("Hello.\n\n%s\n\n%s\n", *b, *c);
      add_msg (set, person, "Hello there", NULL, r);
      g_free (r);
    }
  }
  for (const char *const *h = spec->confirm_headers; h && *h; h++) {
    const char *colon = strchr (*h, ':');
    char *name = colon ? g_strndup (*h, colon - *h) : g_strdup (*h);
    const char *needle = colon ? colon + 1 : "yes";
    char *line;
    while (*needle == ' ')
      needle++;
    if (g_ascii_strcasecmp (name, "From") == 0) {
      char *f = g_strdup_printf ("%s <postmaster@example.net>", needle);
      add_msg (set, f, subj, NULL, "text");
      g_free (f);
    } else {
      line = g_strdup_printf ("%s: %s\n", name, needle);
      add_msg (set, from, subj, line, "text");
      add_msg (set, person, subj, line, "text");
      for (const char *const *b = spec->shared; b && *b; b++)
        add_msg (set, person, "Hello there", line, *b);
      g_free (line);
    }
    g_free (name);
  }
  g_free (from);
}

static void
build_set (Set *set)
{
  set->msgs = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; table[i]; i++) {
    const BcRecSpec *spec = table[i]->spec;
    if (!spec)
      continue;
    for (const char *const *h = spec->headers; h && *h; h++)
      add_header_variants (set, *h);
    for (const char *const *b = spec->body; b && *b; b++)
      add_phrase_variants (set, *b);
    for (const char *const *b = spec->shared; b && *b; b++)
      add_phrase_variants (set, *b);
    for (const char *const *b = spec->confirm; b && *b; b++)
      add_phrase_variants (set, *b);
    for (const char *const *b = spec->phrases; b && *b; b++)
      add_phrase_variants (set, *b);
    for (const char *const *f = spec->from; f && *f; f++)
      add_from_variants (set, *f, spec->subjects);
    for (const char *const *d = spec->domains; d && *d; d++)
      add_domain_variants (set, *d, spec->subjects);
    add_confirm_variants (set, spec);
  }
  /* a few that match nothing in particular */
  add_msg (set, "", "", NULL, "");
  add_msg (set, "<>", "Hi", NULL, "Just a note.");
  add_msg (set, "someone@example.com", "Re: lunch", "X-Mailer: Foo 1.0\nReceived: from a by b\n",
           "See you.");
}

/* every table-only recognizer answers every message as the reference */
static void
test_spec_same_answers (void **state)
{
  Set set;
  guint yes = 0, compared = 0;

  (void) state;
  build_set (&set);
  assert_true (set.msgs->len > 500);
  for (guint k = 0; k < set.msgs->len; k++) {
    const char *msg = g_ptr_array_index (set.msgs, k);
    BcMime *m = tc_mime (msg, strlen (msg));
    for (guint i = 0; table[i]; i++) {
      gboolean want, got;
      if (table[i]->detect || !table[i]->spec)
        continue;
      want = ref_spec_match (m, table[i]->spec);
      got = _bc_recognizer_claims (table[i], m);
      if (want != got) {
        print_error ("%s: reference says %d, tables say %d, for:\n%s\n", table[i]->name, want,
                     got, msg);
        fail ();
      }
      yes += want;
      compared++;
    }
    _bc_mime_free (m);
  }
  /* the set must exercise both answers, or it proves nothing */
  assert_true (yes > 300);
  assert_true (compared - yes > 300);
  g_ptr_array_unref (set.msgs);
}

/* the first recognizer in table order that claims a message is the one
 * _bc_recognizer_detect() picks */
static void
test_first_claim_wins (void **state)
{
  Set set;

  (void) state;
  build_set (&set);
  for (guint k = 0; k < set.msgs->len; k++) {
    const char *msg = g_ptr_array_index (set.msgs, k);
    BcMime *m = tc_mime (msg, strlen (msg));
    const BcRecognizer *want = NULL, *got = _bc_recognizer_detect (m);
    for (guint i = 0; table[i] && !want; i++)
      if (_bc_recognizer_claims (table[i], m))
        want = table[i];
    if (want != got) {
      print_error ("first claim %s, detect picked %s, for:\n%s\n", want ? want->name : "none",
                   got ? got->name : "none", msg);
      fail ();
    }
    _bc_mime_free (m);
  }
  g_ptr_array_unref (set.msgs);
}

/* custom detect(): the phrases they ask about by index */
static void
test_custom_phrases (void **state)
{
  static const char exim_yes[] =
    "From: Mail Delivery System <Mailer-Daemon@mx.example.net>\n"
    "To: sender@example.org\nSubject: Bounce\nX-Failed-Recipients: user@example.com\n\n"
    "This message COULD NOT BE DELIVERED to its recipient.\n";
  static const char exim_no[] =
    "From: Mail Delivery System <Mailer-Daemon@mx.example.net>\n"
    "To: sender@example.org\nSubject: Bounce\n\n"
    "This message could not be delivered to its recipient.\n";
  static const char courier_yes[] =
    "From: Courier mail server at mx.example.net <@>\n"
    "To: sender@example.org\nSubject: Hi\n\nThis is a notice.\n";
  static const char courier_body[] =
    "From: postmaster@example.net\n"
    "To: sender@example.org\nSubject: NOTICE: mail delivery status.\n\n"
    "This is a delivery status notification from mx.example.net,\n"
    "RUNNING THE COURIER MAIL SERVER, version 1.\n";
  static const char courier_quoted[] =
    "From: person@example.net\n"
    "To: sender@example.org\nSubject: look at this\n\n"
    "Hi.\n\n----- Original message -----\n\nrunning the Courier mail server\n";
  BcMime *m;

  (void) state;
  m = tc_mime (exim_yes, strlen (exim_yes));
  assert_true (_bc_recognizer_claims (&_bc_rec_exim, m));
  _bc_mime_free (m);
  m = tc_mime (exim_no, strlen (exim_no));
  assert_false (_bc_recognizer_claims (&_bc_rec_exim, m));
  _bc_mime_free (m);
  m = tc_mime (courier_yes, strlen (courier_yes));
  assert_true (_bc_recognizer_claims (&_bc_rec_courier, m));
  _bc_mime_free (m);
  m = tc_mime (courier_body, strlen (courier_body));
  assert_true (_bc_recognizer_claims (&_bc_rec_courier, m));
  _bc_mime_free (m);
  m = tc_mime (courier_quoted, strlen (courier_quoted));
  assert_false (_bc_recognizer_claims (&_bc_rec_courier, m));
  _bc_mime_free (m);
}

/* a sign that other mailers show too claims only beside the family's own
 * words (the spec's confirm): OpenSMTPD's Subject from a MAILER-DAEMON,
 * Exim's Subject from anyone, Barracuda's only on a bounce, fml's From
 * and Subject with a header of its lists, Exchange's shared line with its
 * codes */
static void
test_confirm (void **state)
{
  static const struct {
    const BcRecognizer *rec;
    gboolean yes;
    const char *msg;
  } cases[] = {
    { &_bc_rec_opensmtpd, FALSE,
      "From: MAILER-DAEMON@mx.example.net\nSubject: Delivery status notification: error\n\n"
      "Hi.\n" },
    { &_bc_rec_opensmtpd, TRUE,
      "From: MAILER-DAEMON@mx.example.net\nSubject: Delivery status notification: error\n\n"
      "An error has occurred while attempting to deliver a message for the following list of "
      "recipients:\n\nuser@example.com: 550 no\n" },
    { &_bc_rec_exim, TRUE,
      "From: Pat <pat@example.org>\nReturn-Path: <pat@example.org>\n"
      "Subject: Warning: message 1abc delayed\n\nA message that you sent has not yet been "
      "delivered.\n" },
    { &_bc_rec_exim, FALSE,
      "From: MAILER-DAEMON@mx.example.net\nSubject: Mail delivery failed\n\nNo.\n" },
    { &_bc_rec_barracuda, FALSE,
      "From: Pat <pat@example.org>\nReturn-Path: <pat@example.org>\n"
      "Subject: Message you sent blocked by our bulk email filter\n\nSpam Firewall\n" },
    { &_bc_rec_barracuda, TRUE,
      "From: Pat <pat@example.org>\nReturn-Path: <>\n"
      "Subject: Message you sent blocked by our bulk email filter\n\nSpam Firewall\n" },
    { &_bc_rec_barracuda, TRUE,
      "From: Barracuda <gw@example.net>\nReturn-Path: <>\n"
      "Subject: Message you sent blocked by our bulk email filter\n\nNo.\n" },
    { &_bc_rec_fml, FALSE,
      "From: list-admin@example.org\nReturn-Path: <>\nSubject: Rejected: post\n\nNo.\n" },
    { &_bc_rec_fml, TRUE,
      "From: list-admin@example.org\nReturn-Path: <>\nSubject: Rejected: post\n"
      "X-ML-Name: list\n\nNo.\n" },
    { &_bc_rec_exchange2003, FALSE,
      "From: Pat <pat@example.org>\nSubject: Hi\n\n"
      "The following recipient(s) could not be reached:\n" },
    { &_bc_rec_exchange2003, TRUE,
      "From: Pat <pat@example.org>\nSubject: Hi\n\n"
      "The following recipient(s) could not be reached:\n\n  user@example.com\n"
      "    <mx.example.com #5.1.1>\n" },
  };

  (void) state;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    BcMime *m = tc_mime (cases[i].msg, strlen (cases[i].msg));
    if (_bc_recognizer_claims (cases[i].rec, m) != cases[i].yes) {
      print_error ("%s should%s claim:\n%s\n", cases[i].rec->name, cases[i].yes ? "" : " not",
                   cases[i].msg);
      fail ();
    }
    _bc_mime_free (m);
  }
}

/* Russian, Ukrainian, Chinese and Korean NDR subjects make a bounce of a
 * notice whose sender is no mailer daemon (Mail.ru's noreply, 1C-Bitrix,
 * Aliyun, Daum); from an ordinary sender the text must also say nothing
 * was delivered. Compared folded, in capitals and with ё or without
 * accents too. */
static void
test_localized_subjects (void **state)
{
  static const char *const subjects[] = {
    "Письмо не доставлено", "Не удалось доставить письмо", "Недоставленное сообщение",
    "Лист не доставлено", "Повідомлення не доставлено", "系统退信", "邮件投递失败通知",
    "郵件無法送達", "無法傳遞: 週報", "메일 발송 실패 안내", "메일 전송 실패", "배달 못 함: 주간 보고",
    "ПИСЬМО НЕ ДОСТАВЛЕНО", "Отчёт о недоставке", "ÉCHEC DE LA REMISE", "Mensagem nao entregue",
    "NEDORUČITELNÁ ZPRÁVA", NULL
  };
  static const char shop[] =
    "From: shop@example.net\nReturn-Path: <shop@example.net>\nTo: sender@example.org\n"
    "Subject: 退件通知\n\n您的包裹已退回仓库。\n";
  static const char shop_ndr[] =
    "From: noreply@crm.example.net\nReturn-Path: <noreply@crm.example.net>\nTo: sender@example.org\n"
    "Subject: Письмо не доставлено\n\nВаше письмо не доставлено: адрес получателя не существует.\n";
  BcMime *m;

  (void) state;
  for (guint i = 0; subjects[i]; i++) {
    char *msg = g_strdup_printf ("From: noreply@crm.example.net\nTo: sender@example.org\nSubject: %s\n\n"
                                 "Recipient: user@example.com\n", subjects[i]);
    m = tc_mime (msg, strlen (msg));
    if (!_bc_looks_like_bounce (m)) {
      print_error ("not a bounce: %s\n", subjects[i]);
      fail ();
    }
    _bc_mime_free (m);
    g_free (msg);
  }
  m = tc_mime (shop, strlen (shop));
  assert_false (_bc_looks_like_bounce (m));
  _bc_mime_free (m);
  m = tc_mime (shop_ndr, strlen (shop_ndr));
  assert_true (_bc_looks_like_bounce (m));
  _bc_mime_free (m);
}

/* the Subject phrases are compared as written, so each must be written as
 * folding makes it; an accented or capital entry would never match */
static void
test_subject_phrases_folded (void **state)
{
  (void) state;
  assert_null (_bc_subject_phrases_unfolded ());
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_spec_same_answers),
    cmocka_unit_test (test_first_claim_wins),
    cmocka_unit_test (test_custom_phrases),
    cmocka_unit_test (test_confirm),
    cmocka_unit_test (test_localized_subjects),
    cmocka_unit_test (test_subject_phrases_folded),
  };
  /* the first detection reads it: every recognizer takes part here */
  g_unsetenv ("BOUNCECLASS_DISABLE_RECOGNIZERS");
  tc_init ();
  return cmocka_run_group_tests (tests, NULL, NULL);
}
