/* test-address.c - address normalisation and finding (evidence/address.c). */
#include "tc.h"

#include <string.h>

static void
check_norm (const char *raw, const char *want)
{
  char *got = _bc_address_normalize (raw);
  if (g_strcmp0 (got, want) != 0) {
    print_error ("normalize(\"%s\") = \"%s\", want \"%s\"\n", raw, got ? got : "(null)",
                 want ? want : "(null)");
    g_free (got);
    fail ();
  }
  g_free (got);
}

static void
test_plain (void **state)
{
  check_norm ("user@example.com", "user@example.com");
  check_norm ("  user@example.com  ", "user@example.com");
  check_norm ("first.last+tag@sub.example.net", "first.last+tag@sub.example.net");
}

static void
test_dsn_prefix (void **state)
{
  check_norm ("rfc822; user@example.com", "user@example.com");
  check_norm ("rfc822;user@example.com", "user@example.com");
  check_norm ("RFC822; <user@example.com>", "user@example.com");
  check_norm ("utf-8; user@example.org", "user@example.org");
}

static void
test_angle_and_display_name (void **state)
{
  check_norm ("<user@example.com>", "user@example.com");
  check_norm ("John Doe <john@example.com>", "john@example.com");
  check_norm ("\"Doe, John\" <john@example.com>", "john@example.com");
  check_norm ("<<john@example.com>>", "john@example.com");
}

static void
test_quotes (void **state)
{
  check_norm ("\"jane@example.org\"", "jane@example.org");
  check_norm ("'jane@example.org'", "jane@example.org");
  check_norm ("`jane@example.org'", "jane@example.org");
  check_norm ("[jane@example.org]", "jane@example.org");
}

/* RFC 5321 quoted local parts: kept with their quotes when they need
 * them, garbage still rejected */
static void
test_quoted_local_part (void **state)
{
  const char *end = NULL;
  const char *text = "Delivery to \"kiji tora\"@Example.COM failed: 550 5.1.1 unknown";
  char *a;

  check_norm ("\"kiji tora\"@example.com", "\"kiji tora\"@example.com");
  check_norm ("rfc822; \"kiji tora\"@EXAMPLE.com", "\"kiji tora\"@example.com");
  check_norm ("<\"kiji tora\"@example.com>", "\"kiji tora\"@example.com");
  check_norm ("\"a\\\"b\"@example.com", "\"a\\\"b\"@example.com");
  check_norm ("\"kiji\"@example.com", "kiji@example.com");
  check_norm ("\"kiji tora\"@example.com (Kiji).", "\"kiji tora\"@example.com");
  /* unbalanced, empty, control characters, over-long, stray quotes */
  check_norm ("\"kiji tora@example.com", NULL);
  check_norm ("kiji\"tora\"@example.com", NULL);
  check_norm ("\"kiji\"tora\"@example.com", NULL);
  check_norm ("\"\"@example.com", NULL);
  check_norm ("\"kiji\ttora\"@example.com", NULL);
  check_norm ("\"kiji\x01tora\"@example.com", NULL);
  check_norm ("\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa aaaa\"@example.com", NULL);
  check_norm ("\"kiji tora\"@", NULL);
  a = _bc_address_find (text, strlen (text), &end);
  assert_non_null (a);
  assert_string_equal (a, "\"kiji tora\"@example.com");
  assert_string_equal (end, " failed: 550 5.1.1 unknown");
  g_free (a);
  /* a quote that opens no local part leaves the plain address */
  text = "He wrote \"see kiji@example.com\" today";
  a = _bc_address_find (text, strlen (text), NULL);
  assert_non_null (a);
  assert_string_equal (a, "kiji@example.com");
  g_free (a);
}

static void
test_comments (void **state)
{
  check_norm ("jane@example.org (Jane Doe)", "jane@example.org");
  check_norm ("(Jane) jane@example.org", "jane@example.org");
  check_norm ("jane@example.org (unterminated", "jane@example.org");
}

static void
test_mailto (void **state)
{
  check_norm ("mailto:bob@example.net", "bob@example.net");
  check_norm ("MAILTO:bob@example.net", "bob@example.net");
  check_norm ("<mailto:bob@example.net>", "bob@example.net");
}

static void
test_trailing_punctuation (void **state)
{
  check_norm ("bob@example.net.", "bob@example.net");
  check_norm ("bob@example.net...", "bob@example.net");
  check_norm ("bob@example.net,", "bob@example.net");
  check_norm ("bob@example.net:", "bob@example.net");
  check_norm ("bob@example.net;", "bob@example.net");
}

static void
test_domain_lowercased (void **state)
{
  /* the local part keeps its case (it may be case-sensitive), the domain
   * does not */
  check_norm ("Real.User@Example.COM", "Real.User@example.com");
  check_norm ("rfc822; <ALICE@MX.EXAMPLE.NET>", "ALICE@mx.example.net");
  check_norm ("user@EXAMPLE.org.", "user@example.org");
  {
    /* a non-ASCII domain is lower-cased as Unicode */
    char *got = _bc_address_normalize ("user@\xc3\x89XAMPLE.com");
    assert_non_null (got);
    assert_string_equal (got, "user@\xc3\xa9xample.com");
    g_free (got);
  }
}

static void
test_rejects_garbage (void **state)
{
  static const char *const bad[] = {
    "", "   ", "no address here", "@example.com", "user@", "user@@", "user", "user@localhost",
    "user@.example.com", "user@example..com", "user@-example.com", "two words@example.com",
    "user@exa mple.com", "user@exa/mple.com", "<>", "\"\"", "rfc822;", "rfc822; <>",
    "mailto:", "(comment only)", "us\x01r@example.com", "user@ex\xff" "ample.com",
    "us\xc3r@example.com", "user,other@example.com", NULL
  };
  check_norm (NULL, NULL);
  for (guint i = 0; bad[i]; i++)
    check_norm (bad[i], NULL);
}

static void
test_rejects_overlong (void **state)
{
  GString *s = g_string_new (NULL);
  char *got;

  for (int i = 0; i < 400; i++)
    g_string_append_c (s, 'a');
  g_string_append (s, "@example.com");
  got = _bc_address_normalize (s->str);
  assert_null (got);
  /* a long but reasonable address still works */
  g_string_assign (s, "");
  for (int i = 0; i < 64; i++)
    g_string_append_c (s, 'b');
  g_string_append (s, "@example.com");
  got = _bc_address_normalize (s->str);
  assert_non_null (got);
  assert_string_equal (got, s->str);
  g_free (got);
  g_string_free (s, TRUE);
}

static void
test_find (void **state)
{
  const char *text = "Your message to <alice@Example.COM> could not be delivered; "
                     "also bob@example.net.";
  const char *end = NULL;
  char *a = _bc_address_find (text, strlen (text), &end);
  char *b;

  assert_non_null (a);
  assert_string_equal (a, "alice@example.com");
  assert_non_null (end);
  assert_true (end > text && end <= text + strlen (text));
  assert_true (strncmp (end - 3, "COM", 3) == 0);
  /* the search goes on from where the first stopped */
  b = _bc_address_find (end, strlen (end), &end);
  assert_non_null (b);
  assert_string_equal (b, "bob@example.net");
  g_free (a);
  g_free (b);
}

static void
test_address_literal (void **state)
{
  /* a domain that is an address literal keeps its brackets */
  const char *text = "<user@[192.0.2.55]>: host mx.example.com[192.0.2.5] said: 550 unknown";
  const char *end = NULL;
  char *a;

  check_norm ("<user@[192.0.2.55]>", "user@[192.0.2.55]");
  check_norm ("rfc822; user@[192.0.2.55].", "user@[192.0.2.55]");
  a = _bc_address_find (text, strlen (text), &end);
  assert_non_null (a);
  assert_string_equal (a, "user@[192.0.2.55]");
  assert_true (end[-1] == ']');
  g_free (a);
  /* an unclosed or non-numeric one is no address */
  check_norm ("user@[192.0.2.55", NULL);
  a = _bc_address_find ("mail user@[not an ip] now", 25, NULL);
  assert_null (a);
}

static void
test_find_none (void **state)
{
  const char *text = "meet @ noon, mail me at user@ or @example.com";
  const char *end = NULL;
  char *a = _bc_address_find (text, strlen (text), &end);

  assert_null (a);
  assert_ptr_equal (end, text + strlen (text));
  a = _bc_address_find ("", 0, NULL);
  assert_null (a);
}

static void
test_find_bounded (void **state)
{
  /* only the first @len bytes are read: cut before the domain's dot and
   * nothing is found; cut after it and the address is the cut one */
  const char *text = "to carol@example.org now";
  const char *dot = strchr (text, '.');
  char *a = _bc_address_find (text, dot - text, NULL);

  assert_null (a);
  a = _bc_address_find (text, dot - text + 4, NULL);
  assert_non_null (a);
  assert_string_equal (a, "carol@example.org");
  g_free (a);
}

static void
test_find_skips_bad_candidates (void **state)
{
  const char *text = "user@localhost rejected, then dave@example.com";
  char *a = _bc_address_find (text, strlen (text), NULL);

  assert_non_null (a);
  assert_string_equal (a, "dave@example.com");
  g_free (a);
}

typedef struct { const char *text, *want; } FindCase;

/* check_find - _bc_address_find() on each case's text finds its want */
static void
check_find (const FindCase *cases, gsize n)
{
  for (guint i = 0; i < n; i++) {
    char *a = _bc_address_find (cases[i].text, strlen (cases[i].text), NULL);
    if (g_strcmp0 (a, cases[i].want) != 0) {
      print_error ("case %u: found \"%s\", want \"%s\"\n", i, a ? a : "(none)", cases[i].want);
      fail ();
    }
    g_free (a);
  }
}

/* in Japanese and Chinese text an address is glued to the words and the
 * full-width punctuation around it; addresses in one script stay whole */
static void
test_find_in_cjk_text (void **state)
{
  static const FindCase cases[] = {
    { "\xe5\xae\x9b\xe5\x85\x88\xef\xbc\x9a" "user2@example.jp",             /* 宛先：a@b */
      "user2@example.jp" },
    { "user1@example.jp\xe3\x81\xb8\xe3\x81\xae\xe9\x85\x8d\xe9\x80\x81",   /* a@bへの配送 */
      "user1@example.jp" },
    { "<a@example.jp>\xe3\x80\x81" "b@example.cn\xef\xbc\x8c\xe5\xae\x9b",   /* 、b@c，宛 */
      "a@example.jp" },
    { "\xe6\x94\xb6\xe4\xbb\xb6\xe4\xba\xba" "li.na@example.net\xe3\x80\x82", /* 收件人li.na@x。 */
      "li.na@example.net" },
    { "to jos\xc3\xa9@b\xc3\xbc" "cher.example.de today",                      /* josé@bücher */
      "jos\xc3\xa9@b\xc3\xbc" "cher.example.de" },
    { "\xef\xbc\x9a\xe5\xb1\xb1\xe7\x94\xb0@\xe4\xbe\x8b\xe3\x81\x88.jp\xe3\x80\x82", /* ：山田@例え.jp。 */
      "\xe5\xb1\xb1\xe7\x94\xb0@\xe4\xbe\x8b\xe3\x81\x88.jp" },
  };
  (void) state;
  check_find (cases, G_N_ELEMENTS (cases));
  {
    /* the second address after the full-width comma is found from there */
    const char *text = "<a@example.jp>\xe3\x80\x81" "b@example.cn\xef\xbc\x8c";
    const char *end = NULL;
    char *a = _bc_address_find (text, strlen (text), &end);
    char *b = _bc_address_find (end, strlen (end), NULL);
    assert_string_equal (b, "b@example.cn");
    g_free (a);
    g_free (b);
  }
}

/* an address glued to the next word ends where a capitalised word starts
 * after the last label's lower-case letters; other cases are kept whole */
static void
test_find_glued_word (void **state)
{
  static const FindCase cases[] = {
    { "cody.c@example.comUser unknown", "cody.c@example.com" },
    { "a@b.co.ukMailbox full", "a@b.co.uk" },
    { "a@example.com", "a@example.com" },
    { "a@Example.COM", "a@example.com" },
    { "a@b.co.uk", "a@b.co.uk" },
    { "a@example.COMUser", "a@example.comuser" },
    { "a@mail.MyCompany.com", "a@mail.mycompany.com" },
    { "a@example.comERROR", "a@example.comerror" },
    { "a@example.cOm", "a@example.com" },
  };
  (void) state;
  check_find (cases, G_N_ELEMENTS (cases));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_plain),
    cmocka_unit_test (test_dsn_prefix),
    cmocka_unit_test (test_angle_and_display_name),
    cmocka_unit_test (test_quotes),
    cmocka_unit_test (test_quoted_local_part),
    cmocka_unit_test (test_comments),
    cmocka_unit_test (test_mailto),
    cmocka_unit_test (test_trailing_punctuation),
    cmocka_unit_test (test_domain_lowercased),
    cmocka_unit_test (test_rejects_garbage),
    cmocka_unit_test (test_rejects_overlong),
    cmocka_unit_test (test_find),
    cmocka_unit_test (test_find_none),
    cmocka_unit_test (test_address_literal),
    cmocka_unit_test (test_find_bounded),
    cmocka_unit_test (test_find_skips_bad_candidates),
    cmocka_unit_test (test_find_in_cjk_text),
    cmocka_unit_test (test_find_glued_word),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
