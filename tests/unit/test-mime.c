/* test-mime.c - the MIME stage (mime/message.c): charsets, transfer
 * encodings, HTML-only reports, attachments, XML parts, line ends. */
#include "tc.h"

#include <string.h>

/* a one-part text/plain bounce whose body is @body (raw bytes) */
static char *
plain_message (const char *ctype, const char *cte, const char *body, gsize body_len, gsize *len)
{
  GString *s = g_string_new (NULL);

  g_string_append (s, "From: MAILER-DAEMON@mx.example.net\n"
                      "To: sender@example.org\n"
                      "Subject: Undeliverable mail\n"
                      "MIME-Version: 1.0\n");
  if (ctype)
    g_string_append_printf (s, "Content-Type: %s\n", ctype);
  if (cte)
    g_string_append_printf (s, "Content-Transfer-Encoding: %s\n", cte);
  g_string_append (s, "\n");
  g_string_append_len (s, body, body_len);
  *len = s->len;
  return g_string_free (s, FALSE);
}

/* check_charset - @utf8 converted to @charset and sent as an 8-bit part
 * must come back as @utf8. */
static void
check_charset (const char *charset, const char *utf8, gboolean declare)
{
  GError *error = NULL;
  gsize n = 0, len;
  char *enc = g_convert (utf8, -1, charset, "UTF-8", NULL, &n, &error);
  char *ctype, *msg;
  BcMime *m;

  if (!enc) {
    print_error ("iconv cannot make %s: %s\n", charset, error->message);
    fail ();
  }
  ctype = declare ? g_strdup_printf ("text/plain; charset=\"%s\"", charset)
                  : g_strdup ("text/plain");
  {
    char *body = g_strconcat ("Delivery to <user@example.com> failed:\n", enc, "\n", NULL);
    msg = plain_message (ctype, "8bit", body, strlen (body), &len);
    g_free (body);
  }
  m = tc_mime (msg, len);
  assert_true (g_utf8_validate (m->body->str, m->body->len, NULL));
  if (!strstr (m->body->str, utf8)) {
    print_error ("%s (%s): body is \"%s\", want \"%s\" in it\n", charset,
                 declare ? "declared" : "undeclared", m->body->str, utf8);
    fail ();
  }
  assert_contains (m->body->str, "user@example.com");
  _bc_mime_free (m);
  g_free (msg);
  g_free (ctype);
  g_free (enc);
}

static const char ja[] = "\xe3\x81\x93\xe3\x81\xae\xe3\x82\xa2\xe3\x83\x89\xe3\x83\xac\xe3\x82\xb9"
                         "\xe3\x81\xaf\xe5\xad\x98\xe5\x9c\xa8\xe3\x81\x97\xe3\x81\xbe\xe3\x81\x9b"
                         "\xe3\x82\x93";                   /* このアドレスは存在しません */
static const char de[] = "Empf\xc3\xa4nger unbekannt: Postfach \xc3\xbc" "berf\xc3\xbcllt \xe2\x80\x93 "
                         "\xe2\x80\x9eGr\xc3\xbc\xc3\x9f" "e\xe2\x80\x9c";   /* Empfänger ... „Grüße“ */
static const char ru[] = "\xd0\x9f\xd0\xbe\xd0\xbb\xd1\x8c\xd0\xb7\xd0\xbe\xd0\xb2\xd0\xb0\xd1\x82"
                         "\xd0\xb5\xd0\xbb\xd1\x8c \xd0\xbd\xd0\xb5 \xd0\xbd\xd0\xb0\xd0\xb9\xd0\xb4"
                         "\xd0\xb5\xd0\xbd";               /* Пользователь не найден */
static const char zh[] = "\xe7\x94\xa8\xe6\x88\xb7\xe4\xb8\x8d\xe5\xad\x98\xe5\x9c\xa8";  /* 用户不存在 */

static void test_iso2022jp (void **state) { check_charset ("ISO-2022-JP", ja, TRUE); }
static void test_shift_jis (void **state) { check_charset ("Shift_JIS", ja, TRUE); }
static void test_windows1252 (void **state) { check_charset ("windows-1252", de, TRUE); }
static void test_windows1251 (void **state) { check_charset ("windows-1251", ru, TRUE); }
static void test_koi8r (void **state) { check_charset ("KOI8-R", ru, TRUE); }
static void test_gb2312 (void **state) { check_charset ("GB2312", zh, TRUE); }
static void test_utf8 (void **state)
{
  check_charset ("UTF-8", ja, TRUE);
  check_charset ("UTF-8", de, TRUE);
}

static void
test_undeclared_8bit (void **state)
{
  /* no charset: UTF-8 is read as UTF-8, ISO-2022-JP is recognised by its
   * escapes, the fallback charsets find the rest. (Undeclared GB2312 is
   * taken for Shift_JIS half-width katakana: a known limit of guessing.) */
  check_charset ("UTF-8", ru, FALSE);
  check_charset ("ISO-2022-JP", ja, FALSE);
  check_charset ("Shift_JIS", ja, FALSE);
  check_charset ("EUC-JP", ja, FALSE);
  check_charset ("KOI8-R", ru, FALSE);
  check_charset ("windows-1251", ru, FALSE);
}

static void
test_undeclared_latin1 (void **state)
{
  /* the commonest undeclared 8-bit text after UTF-8 */
  check_charset ("windows-1252", "Empf\xc3\xa4nger unbekannt", FALSE);
}

static void
test_wrong_charset_is_valid_utf8 (void **state)
{
  /* bytes that are not what the label says still give valid UTF-8 */
  const char body[] = "Delivery to <user@example.com> failed: \xff\xfe\x80 bad\n";
  gsize len;
  char *msg = plain_message ("text/plain; charset=utf-8", "8bit", body, sizeof body - 1, &len);
  BcMime *m = tc_mime (msg, len);

  assert_true (g_utf8_validate (m->body->str, m->body->len, NULL));
  assert_contains (m->body->str, "user@example.com");
  assert_contains (m->body->str, "bad");
  _bc_mime_free (m);
  g_free (msg);
  msg = plain_message ("text/plain; charset=x-no-such-charset", "8bit", body, sizeof body - 1, &len);
  m = tc_mime (msg, len);
  assert_true (g_utf8_validate (m->body->str, m->body->len, NULL));
  assert_contains (m->body->str, "user@example.com");
  _bc_mime_free (m);
  g_free (msg);
}

static void
test_text_decode (void **state)
{
  char *latin = g_convert (de, -1, "ISO-8859-1", "UTF-8", NULL, NULL, NULL);
  char *out;

  /* the helper on its own; "–" and "„“" are not in ISO-8859-1, so use a
   * plain phrase */
  g_free (latin);
  latin = g_convert ("Gr\xc3\xbc\xc3\x9f" "e", -1, "ISO-8859-1", "UTF-8", NULL, NULL, NULL);
  assert_non_null (latin);
  out = _bc_text_decode (latin, strlen (latin), "iso-8859-1");
  assert_string_equal (out, "Gr\xc3\xbc\xc3\x9f" "e");
  g_free (out);
  out = _bc_text_decode ("plain ascii", 11, "utf-16");
  assert_string_equal (out, "plain ascii");
  g_free (out);
  out = _bc_text_decode ("a\x80z", 3, NULL);
  assert_true (g_utf8_validate (out, -1, NULL));
  assert_int_equal (out[0], 'a');
  g_free (out);
  g_free (latin);
}

/* a text in @charset, from UTF-8 @utf8, decoded as labelled @label (NULL:
 * unlabelled) must give @utf8 back (@want when it differs) */
static void
roundtrip (const char *utf8, const char *charset, const char *label, const char *want)
{
  gsize n = 0;
  char *bytes = g_convert (utf8, -1, charset, "UTF-8", NULL, &n, NULL);
  char *out;

  assert_non_null (bytes);
  out = _bc_text_decode (bytes, n, label);
  assert_string_equal (out, want ? want : utf8);
  g_free (out);
  g_free (bytes);
}

static void
test_cjk_supersets (void **state)
{
  /* NEC circled digits exist in CP932 only: a "shift_jis" or "x-sjis"
   * label must not turn them into U+FFFD or another charset's reading */
  roundtrip ("\xe2\x91\xa0 \xe5\xae\x9b\xe5\x85\x88\xe3\x81\x8c\xe5\xad\x98\xe5\x9c\xa8\xe3\x81\x97\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93",
             "CP932", "shift_jis", NULL);
  roundtrip ("\xe2\x91\xa0 \xe5\xae\x9b\xe5\x85\x88\xe3\x81\x8c\xe5\xad\x98\xe5\x9c\xa8\xe3\x81\x97\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93",
             "CP932", "x-sjis", NULL);
  /* GBK characters under a gb2312 label: 喆 is not in GB2312 */
  roundtrip ("\xe5\x96\x86\xe8\xaf\x9a \xe6\x94\xb6\xe4\xbb\xb6\xe4\xba\xba\xe9\x82\xae\xe7\xae\xb1\xe5\xb7\xb2\xe6\xbb\xa1",
             "GBK", "gb2312", NULL);
  /* unlabelled EUC-KR is read as Korean, not as EUC-JP kanji */
  roundtrip ("\xeb\xb0\x9b\xeb\x8a\x94 \xec\x82\xac\xeb\x9e\x8c\xec\x9d\x98 \xeb\xa9\x94\xec\x9d\xbc \xec\xa3\xbc\xec\x86\x8c\xea\xb0\x80 "
             "\xec\xa1\xb4\xec\x9e\xac\xed\x95\x98\xec\xa7\x80 \xec\x95\x8a\xec\x8a\xb5\xeb\x8b\x88\xeb\x8b\xa4.", "EUC-KR", NULL, NULL);
  /* unlabelled Big5 (low trail bytes, no Shift_JIS lead bytes) */
  roundtrip ("\xe6\x94\xb6\xe4\xbb\xb6\xe8\x80\x85\xe7\x9a\x84\xe4\xbf\xa1\xe7\xae\xb1\xe5\xb7\xb2\xe6\xbb\xbf\xe3\x80\x82",
             "BIG5", NULL, NULL);
  /* Ukrainian: KOI8-U under a koi8-r label, and unlabelled windows-1251
   * and KOI8-U (і ї є lie below 0xC0 in both) */
  roundtrip ("\xd0\xba\xd0\xbe\xd1\x80\xd0\xb8\xd1\x81\xd1\x82\xd1\x83\xd0\xb2\xd0\xb0\xd1\x87\xd0\xb0 \xd0\xbd\xd0\xb5 "
             "\xd1\x96\xd1\x81\xd0\xbd\xd1\x83\xd1\x94", "KOI8-U", "koi8-r", NULL);
  roundtrip ("\xd1\x82\xd0\xb0\xd0\xba\xd0\xbe\xd1\x97 \xd1\x81\xd0\xba\xd1\x80\xd0\xb8\xd0\xbd\xd1\x8c\xd0\xba\xd0\xb8 "
             "\xd0\xbd\xd0\xb5 \xd1\x96\xd1\x81\xd0\xbd\xd1\x83\xd1\x94", "WINDOWS-1251", NULL, NULL);
  roundtrip ("\xd1\x82\xd0\xb0\xd0\xba\xd0\xbe\xd1\x97 \xd1\x81\xd0\xba\xd1\x80\xd0\xb8\xd0\xbd\xd1\x8c\xd0\xba\xd0\xb8 "
             "\xd0\xbd\xd0\xb5 \xd1\x96\xd1\x81\xd0\xbd\xd1\x83\xd1\x94", "KOI8-U", NULL, NULL);
  /* ISO-2022-JP with half-width katakana (ESC ( I): glibc's ISO-2022-JP
   * passes the escape through; the kana come out full-width */
  {
    const char jis[] = "\x1b(IR0Y\x1b(B ok";
    char *out = _bc_text_decode (jis, sizeof jis - 1, "iso-2022-jp");
    assert_string_equal (out, "\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab ok");   /* メール ok */
    g_free (out);
    out = _bc_text_decode (jis, sizeof jis - 1, NULL);
    assert_string_equal (out, "\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab ok");
    g_free (out);
  }
}

static void
test_quoted_printable (void **state)
{
  const char body[] =
    "Delivery to <user@example.com> failed: Empf=E4nger unbekannt. This line is l=\n"
    "ong and soft-broken. =3D sign.\n";
  gsize len;
  char *msg = plain_message ("text/plain; charset=iso-8859-1", "quoted-printable", body,
                             sizeof body - 1, &len);
  BcMime *m = tc_mime (msg, len);

  assert_contains (m->body->str, "Empf\xc3\xa4nger unbekannt");
  assert_contains (m->body->str, "is long and soft-broken. = sign.");
  assert_not_contains (m->body->str, "=E4");
  _bc_mime_free (m);
  g_free (msg);
}

static void
test_base64 (void **state)
{
  char *text = g_strconcat ("Delivery to <user@example.com> failed:\n", ru, "\n", NULL);
  char *cp1251 = g_convert (text, -1, "windows-1251", "UTF-8", NULL, NULL, NULL);
  char *b64 = g_base64_encode ((const guchar *) cp1251, strlen (cp1251));
  GString *wrapped = g_string_new (NULL);
  gsize len;
  char *msg;
  BcMime *m;

  for (gsize i = 0, n = strlen (b64); i < n; i += 60) {
    g_string_append_len (wrapped, b64 + i, MIN (60, n - i));
    g_string_append_c (wrapped, '\n');
  }
  msg = plain_message ("text/plain; charset=windows-1251", "base64", wrapped->str, wrapped->len, &len);
  m = tc_mime (msg, len);
  assert_contains (m->body->str, ru);
  assert_contains (m->body->str, "user@example.com");
  _bc_mime_free (m);
  g_free (msg);
  g_string_free (wrapped, TRUE);
  g_free (b64);
  g_free (cp1251);
  g_free (text);
}

/* a DSN attached as a plain text file is read as the DSN; another text
 * attachment is not */
static void
test_attached_dsn (void **state)
{
  static const char head[] =
    "From: MAILER-DAEMON@mx.example.net\n"
    "To: news@example.org\n"
    "Subject: Delivery Status Notification (Failure)\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=\"b1\"\n"
    "\n"
    "--b1\n"
    "Content-Type: text/plain\n"
    "\n"
    "Your message could not be delivered. Details follow.\n"
    "\n"
    "--b1\n"
    "Content-Type: text/plain; name=\"details.txt\"\n"
    "Content-Disposition: attachment; filename=\"details.txt\"\n"
    "\n";
  static const char dsn[] =
    "\nReporting-MTA: dns; mx.example.net\n"
    "\n"
    "Final-Recipient: rfc822; kim@example.com\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
    "\n--b1--\n";
  static const char other[] =
    "Meeting notes. Final-Recipient: is a DSN field, as in\n"
    "Final-Recipient: rfc822; kim@example.com\n"
    "\n--b1--\n";
  char *msg = g_strconcat (head, dsn, NULL);
  BcMime *m = tc_mime (msg, strlen (msg));

  assert_int_equal (m->dsn->len, 1);
  assert_contains (g_ptr_array_index (m->dsn, 0), "Final-Recipient: rfc822; kim@example.com");
  assert_contains (g_ptr_array_index (m->dsn, 0), "Status: 5.1.1");
  assert_not_contains (m->body->str, "Final-Recipient");
  _bc_mime_free (m);
  g_free (msg);

  msg = g_strconcat (head, other, NULL);
  m = tc_mime (msg, strlen (msg));
  assert_int_equal (m->dsn->len, 0);
  _bc_mime_free (m);
  g_free (msg);
}

static void
test_html_only (void **state)
{
  const char body[] =
    "<html><head><style>p { color: red }</style></head><body>\n"
    "<p>Delivery has failed to these recipients:</p><div><b>user@example.com</b></div>"
    "<p>Remote server said: 550&nbsp;5.1.1 &lt;user@example.com&gt;: User&nbsp;unknown &amp; gone</p>"
    "</body></html>\n";
  gsize len;
  char *msg = plain_message ("text/html; charset=utf-8", NULL, body, sizeof body - 1, &len);
  BcMime *m = tc_mime (msg, len);

  assert_contains (m->body->str, "user@example.com");
  assert_contains (m->body->str, "550 5.1.1 <user@example.com>: User unknown & gone");
  assert_not_contains (m->body->str, "<p>");
  assert_not_contains (m->body->str, "<b>");
  assert_not_contains (m->body->str, "&nbsp;");
  /* block tags break lines: the address stands on a line of its own */
  assert_contains (m->body->str, "\nuser@example.com\n");
  _bc_mime_free (m);
  g_free (msg);
}

/* test_html_tags - which tags break a line (<br, <p, </p, <div, </div, <tr,
 * <li, as prefixes, in any case), which part table cells (<td, <th, </td,
 * </th) and which leave the text as it is */
static void
test_html_tags (void **state)
{
  const char body[] =
    "a<BR/>b<Pre>c</P>d<DiV>e</dIv>f<Tr>g<LI>h<b>i</B>j<bx>k<dl>l<d>m<tA>n<hr>o<Link>p"
    "<table><TD>q</tD><tH>r</Th>s<td>\nt<a\nhref=x>u</tx>v</dx>w</x>x";
  gsize len;
  char *msg = plain_message ("text/html; charset=utf-8", NULL, body, sizeof body - 1, &len);
  BcMime *m = tc_mime (msg, len);

  (void) state;
  /* (the part's last line end is a space, as every line end in HTML) */
  assert_string_equal (m->body->str,
                       "a\nb\nc\nd\ne\nf\ng\nhijklmno\np q r s  tuvwx \n");
  _bc_mime_free (m);
  g_free (msg);
}

static void
test_html_alternative_prefers_plain (void **state)
{
  const char *msg =
    "From: MAILER-DAEMON@mx.example.net\n"
    "Subject: Undeliverable\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/alternative; boundary=alt\n"
    "\n"
    "--alt\n"
    "Content-Type: text/plain\n"
    "\n"
    "PLAIN: user@example.com: user unknown\n"
    "--alt\n"
    "Content-Type: text/html\n"
    "\n"
    "<p>HTML: user@example.com: user unknown</p>\n"
    "--alt--\n";
  BcMime *m = tc_mime (msg, strlen (msg));

  assert_contains (m->body->str, "PLAIN:");
  assert_not_contains (m->body->str, "HTML:");
  _bc_mime_free (m);
}

/* the bounce's From address: the plain shapes read without GMime's address
 * parser, every other shape by it, the same answer either way */
static void
test_from_addr (void **state)
{
  static const struct { const char *from, *want; } cases[] = {
    { "MAILER-DAEMON@mx.Example.net", "mailer-daemon@mx.example.net" },
    { "  postmaster@example.org  ", "postmaster@example.org" },
    { "Mail Delivery System <MAILER-DAEMON@mx.example.net>", "mailer-daemon@mx.example.net" },
    { "<bounce@example.com>", "bounce@example.com" },
    { "\"Mail Delivery, System\" <mailer-daemon@example.com>", "mailer-daemon@example.com" },
    { "postmaster@example.org (Mail Delivery System)", "postmaster@example.org" },
    { "=?utf-8?B?TWFpbCBTeXN0ZW0=?= <mailer@example.net>", "mailer@example.net" },
    { "a@example.com, b@example.com", "a@example.com" },
    { "Undisclosed recipients:;", "" },
    { "Mail System", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    char *msg = g_strdup_printf ("From: %s\nSubject: x\n\nbody\n", cases[i].from);
    BcMime *m = tc_mime (msg, strlen (msg));
    if (strcmp (m->from_addr, cases[i].want) != 0)
      print_error ("case %u: From %s gave \"%s\", want \"%s\"\n", i, cases[i].from, m->from_addr,
                   cases[i].want);
    assert_string_equal (m->from_addr, cases[i].want);
    _bc_mime_free (m);
    g_free (msg);
  }
}

/* the From address of random values of the shapes read without GMime's
 * address parser ("Name" <addr>, addr (Comment), and the plain ones) and
 * of their near misses, against what GMime's parser makes of the same
 * raw value */
static void
test_from_addr_shapes (void **state)
{
  static const char *const names[] = { "", "Mail Delivery System", "A", "Mail, System", "x@y",
                                       "a (b)", "=?utf-8?Q?a?=", "\"", "Post\tmaster", "<a>",
                                       "\\", "Mail.System-1", "caf\xc3\xa9" };
  static const char *const addrs[] = { "MAILER-DAEMON@mx.Example.net", "postmaster@example.org",
                                       "a@b", "@example.com", "a@", "a.@example.com",
                                       "a@@example.com", "a b@example.com", "\"a\"@example.com",
                                       "a@example.com.", "User+tag@Example.COM" };
  static const char *const shapes[] = { "\"%s\" <%s>", " \"%s\"<%s>", "%2$s (%1$s)",
                                        "<%2$s> (%1$s)", "%2$s (%1$s)\n ", "\n \"%s\"\n <%s>",
                                        "Name <%2$s> (%1$s)", "%2$s <a@example.com> (%1$s)",
                                        "\"%s\" %2$s <a@example.com>",
                                        "  %2$s   (%1$s)  ", "\"%s\" %2$s", "%2$s (%1$s) x",
                                        "\"%s\" <%s> (c)", "(%s) %s", "\"%s\" junk <%s>",
                                        "%2$s (%1$s", "\"%s <%s>" };
  guint compared = 0;

  (void) state;
  for (guint sh = 0; sh < G_N_ELEMENTS (shapes); sh++)
    for (guint n = 0; n < G_N_ELEMENTS (names); n++)
      for (guint a = 0; a < G_N_ELEMENTS (addrs); a++) {
        char *from = g_strdup_printf (shapes[sh], names[n], addrs[a]);
        char *msg = g_strdup_printf ("From: %s\nSubject: x\n\nbody\n", from);
        BcMime *m = tc_mime (msg, strlen (msg));
        /* the raw value as GMime keeps it (test_head_split) */
        const BcField *f = _bc_mime_field (m, "From");
        InternetAddressList *list = internet_address_list_parse (_bc_parser_options (), f->raw);
        char *want = NULL;
        if (list && internet_address_list_length (list) > 0) {
          InternetAddress *ia = internet_address_list_get_address (list, 0);
          if (INTERNET_ADDRESS_IS_MAILBOX (ia))
            want = g_ascii_strdown (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)),
                                    -1);
        }
        if (strcmp (m->from_addr, want ? want : "") != 0)
          fail_msg ("From %s gave \"%s\", GMime \"%s\"", from, m->from_addr, want ? want : "");
        compared += want != NULL;
        g_free (want);
        g_clear_object (&list);
        _bc_mime_free (m);
        g_free (msg);
        g_free (from);
      }
  assert_true (compared > 200);
}

static void
test_attachments_not_decoded (void **state)
{
  char *secret_b64 = g_base64_encode ((const guchar *) "ATTACHED-SECRET user@example.net unknown", 40);
  char *img_b64 = g_base64_encode ((const guchar *) "IMAGE-SECRET", 12);
  char *msg = g_strdup_printf (
    "From: MAILER-DAEMON@mx.example.net\n"
    "Subject: Undeliverable\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=mix\n"
    "\n"
    "--mix\n"
    "Content-Type: text/plain\n"
    "\n"
    "BODY-TEXT: user@example.com: user unknown\n"
    "--mix\n"
    "Content-Type: application/octet-stream; name=data.bin\n"
    "Content-Disposition: attachment; filename=data.bin\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "%s\n"
    "--mix\n"
    "Content-Type: image/png\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "%s\n"
    "--mix\n"
    "Content-Type: text/plain; name=notes.txt\n"
    "Content-Disposition: attachment; filename=notes.txt\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "%s\n"
    "--mix\n"
    "Content-Type: message/rfc822\n"
    "\n"
    "From: sender@example.org\n"
    "To: user@example.com\n"
    "Subject: The returned one\n"
    "Message-ID: <returned@example.org>\n"
    "\n"
    "INNER-BODY-SECRET\n"
    "--mix--\n", secret_b64, img_b64, secret_b64);
  BcMime *m = tc_mime (msg, strlen (msg));

  assert_contains (m->body->str, "BODY-TEXT");
  assert_not_contains (m->body->str, "ATTACHED-SECRET");
  assert_not_contains (m->body->str, "IMAGE-SECRET");
  assert_not_contains (m->body->str, "INNER-BODY-SECRET");
  /* the returned message is kept unparsed, its header block as text; it
   * is parsed only when asked for */
  assert_true (m->has_attached_message);
  assert_null (m->orig);
  assert_non_null (m->orig_part);
  assert_contains (m->orig_text, "Message-ID: <returned@example.org>");
  assert_not_contains (m->orig_text, "INNER-BODY-SECRET");
  {
    GMimeObject *inner = _bc_mime_orig_message (m);
    assert_non_null (inner);
    assert_string_equal (g_mime_object_get_header (GMIME_OBJECT (inner), "Message-ID"),
                         "<returned@example.org>");
    g_object_unref (inner);
  }
  _bc_mime_free (m);
  g_free (msg);
  g_free (secret_b64);
  g_free (img_b64);
}

/* a small application/xml part is kept apart as m->xml (out of the free
 * text), one named daticert.xml before any other; one too long is dropped
 * without a warning */
static void
test_xml_part (void **state)
{
  char *big = g_strnfill (70000, 'x');
  char *msg = g_strdup_printf (
    "From: posta-certificata@pec.example.net\n"
    "Subject: AVVISO DI MANCATA CONSEGNA: x\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=mix\n"
    "\n"
    "--mix\n"
    "Content-Type: text/plain\n"
    "\n"
    "BODY-TEXT\n"
    "--mix\n"
    "Content-Type: application/xml; name=big.xml\n"
    "\n"
    "<big>%s</big>\n"
    "--mix\n"
    "Content-Type: application/xml; name=other.xml\n"
    "\n"
    "<other>OTHER-XML</other>\n"
    "--mix\n"
    "Content-Type: application/xml; name=\"daticert.xml\"\n"
    "Content-Disposition: inline; filename=\"daticert.xml\"\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "PHBvc3RhY2VydCB0aXBvPSJlcnJvcmUtY29uc2VnbmEiLz4=\n"
    "--mix\n"
    "Content-Type: application/xml; name=later.xml\n"
    "\n"
    "<later>LATER-XML</later>\n"
    "--mix--\n", big);
  BcMime *m = tc_mime (msg, strlen (msg));

  (void) state;
  assert_non_null (m->xml);
  assert_contains (m->xml, "<postacert tipo=\"errore-consegna\"/>");
  assert_not_contains (m->body->str, "postacert");
  assert_not_contains (m->body->str, "OTHER-XML");
  assert_contains (m->body->str, "BODY-TEXT");
  assert_false (m->truncated);
  _bc_mime_free (m);
  g_free (msg);

  /* with no daticert.xml, the first small one */
  msg = g_strdup ("From: a@example.net\nMIME-Version: 1.0\n"
                  "Content-Type: multipart/mixed; boundary=mix\n\n--mix\n"
                  "Content-Type: text/plain\n\nBODY\n--mix\n"
                  "Content-Type: application/xml\n\n<first>FIRST-XML</first>\n--mix\n"
                  "Content-Type: application/xml\n\n<second/>\n--mix--\n");
  m = tc_mime (msg, strlen (msg));
  assert_non_null (m->xml);
  assert_contains (m->xml, "FIRST-XML");
  _bc_mime_free (m);
  g_free (msg);
  g_free (big);
}

static const char eol_message[] =
  "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\n"
  "To: sender@example.org\n"
  "Subject: Undelivered Mail Returned to Sender\n"
  "Date: Wed, 3 Jan 2024 08:00:00 +0100\n"
  "MIME-Version: 1.0\n"
  "Content-Type: multipart/report; report-type=delivery-status;\n"
  "\tboundary=\"eol\"\n"
  "\n"
  "--eol\n"
  "Content-Type: text/plain; charset=us-ascii\n"
  "\n"
  "This is the mail system at host mx.example.net.\n"
  "\n"
  "<gone@example.com>: host mx.example.com[192.0.2.7] said: 550 5.1.1\n"
  "    <gone@example.com>: Recipient address rejected: User unknown\n"
  "\n"
  "--eol\n"
  "Content-Type: message/delivery-status\n"
  "\n"
  "Reporting-MTA: dns; mx.example.net\n"
  "\n"
  "Final-Recipient: rfc822; gone@example.com\n"
  "Action: failed\n"
  "Status: 5.1.1\n"
  "Diagnostic-Code: smtp; 550 5.1.1 <gone@example.com>: Recipient address\n"
  "    rejected: User unknown\n"
  "\n"
  "--eol\n"
  "Content-Type: text/rfc822-headers\n"
  "\n"
  "From: sender@example.org\n"
  "To: gone@example.com\n"
  "Subject: Hello\n"
  "Message-ID: <eol-orig@example.org>\n"
  "\n"
  "--eol--\n";

static void
test_line_ends_equal (void **state)
{
  char *crlf = tc_crlf (eol_message), *cr = tc_cr (eol_message);
  const char *variants[] = { eol_message, crlf, cr };
  GString *json[3];

  for (int i = 0; i < 3; i++) {
    BcMime *m = tc_mime (variants[i], strlen (variants[i]));
    BcReport *r = tc_classify (tc_classifier (), variants[i]);
    BcRecordInfo info = { "x", 0, NULL };

    assert_null (strchr (m->body->str, '\r'));
    assert_int_equal (m->dsn->len, 1);
    assert_null (strchr (g_ptr_array_index (m->dsn, 0), '\r'));
    assert_contains (m->body->str, "Recipient address rejected");
    json[i] = g_string_new (NULL);
    bc_report_append_json (r, &info, json[i]);
    assert_int_equal (r->recipients->len, 1);
    assert_string_equal (((BcRecipient *) g_ptr_array_index (r->recipients, 0))->status, "5.1.1");
    bc_report_free (r);
    _bc_mime_free (m);
  }
  assert_string_equal (json[0]->str, json[1]->str);
  assert_string_equal (json[0]->str, json[2]->str);
  for (int i = 0; i < 3; i++)
    g_string_free (json[i], TRUE);
  g_free (crlf);
  g_free (cr);
}

static void
test_normalize_eol (void **state)
{
  GString *s = g_string_new ("a\r\nb\rc\n\r\r\nd\r");
  _bc_text_normalize_eol (s);
  assert_string_equal (s->str, "a\nb\nc\n\n\nd\n");
  assert_int_equal (s->len, strlen ("a\nb\nc\n\n\nd\n"));
  g_string_free (s, TRUE);
}

/* same_str - equal strings, or both NULL */
static gboolean
same_str (const char *a, const char *b)
{
  return a == b || (a && b && strcmp (a, b) == 0);
}

/* check_head_split - @text read with its header block kept from GMime
 * (_bc_mime_parse_split(), what the classifier does) gives the BcMime the
 * same fields, values, lookups and header block as GMime's own header list
 * (_bc_mime_parse_limited()); returns whether the block was split off. */
static gboolean
check_head_split (const char *text, gsize len)
{
  static const char *const absent[] = { "X-Absent", "Received-Absent", "X", NULL };
  GError *error = NULL, *error2 = NULL;
  BcLimits lim;
  GMimeObject *ps, *pg;
  BcMime *s, *g;
  gsize sl, gl;
  const char *sh, *gh;
  gboolean split;

  bc_limits_init (&lim);
  ps = _bc_mime_parse_split (text, len, &lim, NULL, &error);
  pg = _bc_mime_parse_limited (text, len, &lim, NULL, &error2);
  if (!ps || !pg) {
    assert_true (!ps && !pg);
    assert_string_equal (error->message, error2->message);
    g_clear_error (&error);
    g_clear_error (&error2);
    return FALSE;
  }
  s = _bc_mime_new (ps, &lim);
  g = _bc_mime_new (pg, &lim);
  split = s->fields_buf != NULL;
  assert_int_equal (s->n_fields, g->n_fields);
  for (guint i = 0; i < s->n_fields; i++) {
    /* against GMime's own value of the field it parsed */
    GMimeHeader *gh = g->fields[i].gmime;
    char *vs = _bc_field_value (&s->fields[i]);
    char *vg = g_strdup (gh ? g_mime_header_get_value (gh) : NULL);
    if (!same_str (s->fields[i].name, g->fields[i].name) || !same_str (s->fields[i].raw, g->fields[i].raw) ||
        !same_str (vs, vg) ||
        !same_str (_bc_mime_header (s, s->fields[i].name), _bc_mime_header (g, g->fields[i].name))) {
      print_error ("field %u: [%s] [%s] -> [%s] against [%s] [%s] -> [%s]\n", i, s->fields[i].name,
                   s->fields[i].raw, vs, g->fields[i].name, g->fields[i].raw, vg);
      fail ();
    }
    /* the first field of a name is the one a look-up finds, as in GMime */
    assert_true (_bc_mime_field (s, s->fields[i].name) - s->fields ==
                 _bc_mime_field (g, g->fields[i].name) - g->fields);
    g_free (vs);
    g_free (vg);
  }
  for (guint i = 0; absent[i]; i++)
    assert_true (same_str (_bc_mime_header (s, absent[i]), _bc_mime_header (g, absent[i])));
  assert_string_equal (s->subject, g->subject);
  assert_string_equal (s->from, g->from);
  assert_string_equal (s->from_addr, g->from_addr);
  assert_true (same_str (s->date, g->date));
  assert_string_equal (s->body->str, g->body->str);
  assert_int_equal (s->dsn->len, g->dsn->len);
  assert_int_equal (s->warnings->len, g->warnings->len);
  sh = _bc_mime_head (s, &sl);
  gh = _bc_mime_head (g, &gl);
  assert_int_equal (sl, gl);
  assert_memory_equal (sh, gh, sl);
  if (split) {
    /* GMime was given the MIME fields, every one of them, as they were */
    GMimeHeaderList *hl = g_mime_object_get_header_list (ps);
    int k = 0, n = g_mime_header_list_get_count (hl);
    for (guint i = 0; i < g->n_fields; i++) {
      const char *name = g->fields[i].name;
      GMimeHeader *h;
      if (g_ascii_strncasecmp (name, "Content-", 8) != 0 && g_ascii_strcasecmp (name, "MIME-Version") != 0 &&
          g_ascii_strncasecmp (name, "X-Bc-", 5) != 0)
        continue;
      assert_true (k < n);
      h = g_mime_header_list_get_header_at (hl, k++);
      assert_string_equal (g_mime_header_get_name (h), name);
      assert_string_equal (g_mime_header_get_raw_value (h), g->fields[i].raw);
    }
    assert_int_equal (k, n);
  }
  _bc_mime_free (s);
  _bc_mime_free (g);
  g_object_unref (ps);
  g_object_unref (pg);
  return split;
}

/* The header block kept from GMime reads as GMime reads it: every sample
 * of corpus/, and random blocks of folded, encoded, 8-bit, empty, repeated
 * and odd fields (a block of another shape is left to GMime whole). */
static void
test_head_split (void **state)
{
  static const char *const names[] = { "From", "from", "Subject", "To", "Date", "Received", "X-Mailer",
                                        "Content-Type", "content-transfer-encoding", "MIME-Version",
                                        "X-Failed-Recipients", "Auto-Submitted", "X-Bc-Message", "a",
                                        "DKIM-Signature", "Message-ID", "X-", "Content-", "Mime-version",
                                        "Content-Disposition", "Content-Disposition" };
  static const char *const values[] = { " plain value", "", " ", "   lead and trail  ",
                                         " =?utf-8?q?caf=C3=A9?= au lait",
                                         " =?iso-8859-1?b?b+k=?= x", " \xe9t\xe9 8-bit",
                                         " \xe3\x81\x82 utf-8", " \"Name, Q\" <user@example.com>",
                                         " MAILER-DAEMON@mx.example.net (Mail Delivery System)",
                                         " a@example.org, b@example.org", " =?bogus", " <>",
                                         " text/plain; charset=utf-8", " multipart/report; boundary=\"b\"",
                                         " 7bit", " 1.0", " tab\there", " attachment; filename=a.txt",
                                         " attachment", " base64" };
  const char *root = g_getenv ("BC_SOURCE_ROOT");
  GRand *r = g_rand_new_with_seed (3464);
  guint files = 0, split = 0, random_split = 0;

  if (root) {
    char *dir = g_build_filename (root, "corpus", NULL);
    GQueue dirs = G_QUEUE_INIT;
    g_queue_push_tail (&dirs, dir);
    while (!g_queue_is_empty (&dirs)) {
      char *d = g_queue_pop_head (&dirs);
      GDir *gd = g_dir_open (d, 0, NULL);
      const char *e;
      while (gd && (e = g_dir_read_name (gd))) {
        char *path = g_build_filename (d, e, NULL), *text;
        gsize len;
        if (g_file_test (path, G_FILE_TEST_IS_DIR)) {
          g_queue_push_tail (&dirs, path);
          continue;
        }
        if (g_str_has_suffix (e, ".eml") && g_file_get_contents (path, &text, &len, NULL)) {
          files++;
          split += check_head_split (text, len);
          g_free (text);
        }
        g_free (path);
      }
      if (gd)
        g_dir_close (gd);
      g_free (d);
    }
    /* nearly every sample takes the split path; all read the same */
    assert_true (files > 1000);
    assert_true (split * 10 > files * 9);
  }
  for (int k = 0; k < 3000; k++) {
    GString *s = g_string_new (NULL);
    int n = g_rand_int_range (r, 0, 12);
    gboolean ct = FALSE;
    for (int i = 0; i < n; i++) {
      const char *name = names[g_rand_int_range (r, 0, G_N_ELEMENTS (names))];
      if (g_ascii_strcasecmp (name, "Content-Type") == 0) {
        if (ct)
          continue;
        ct = TRUE;
      }
      g_string_append_printf (s, "%s:%s", name, values[g_rand_int_range (r, 0, G_N_ELEMENTS (values))]);
      while (g_rand_int_range (r, 0, 4) == 0)
        g_string_append_printf (s, "\n%s%s", g_rand_boolean (r) ? " " : "\t",
                                values[g_rand_int_range (r, 0, G_N_ELEMENTS (values))] + 1);
      g_string_append_c (s, '\n');
    }
    switch (g_rand_int_range (r, 0, 8)) {
    case 0:
      g_string_append (s, "No colon here\n");             /* another shape: GMime's */
      break;
    case 1:
      g_string_prepend (s, " leading continuation\n");
      break;
    case 2:
      g_string_append (s, "Name with space: x\n");
      break;
    default:
      break;
    }
    g_string_append (s, "\nuser@example.com: user unknown\n");
    random_split += check_head_split (s->str, s->len);
    g_string_free (s, TRUE);
  }
  assert_true (random_split > 1000);
  g_rand_free (r);
}

static void
test_limits (void **state)
{
  BcLimits lim;
  GString *big = g_string_new (NULL);
  GError *error = NULL;
  GMimeObject *msg;
  BcMime *m;
  gsize len;
  char *text;

  for (int i = 0; i < 5000; i++)
    g_string_append (big, "line of text\n");
  text = plain_message ("text/plain", NULL, big->str, big->len, &len);
  bc_limits_init (&lim);
  lim.max_text = 1000;
  msg = _bc_mime_parse_bytes (text, len, &error);
  assert_non_null (msg);
  m = _bc_mime_new (msg, &lim);
  assert_true (m->body->len <= 1000);
  assert_true (m->truncated);
  assert_true (m->warnings->len > 0);
  _bc_mime_free (m);
  g_object_unref (msg);
  g_free (text);
  g_string_free (big, TRUE);

  /* an HTML part after the plain text is not read, but one longer than
   * max_text is still flagged as cut off, in whatever transfer encoding;
   * a short one is not */
  for (int k = 0; k < 4; k++) {
    static const char *const cte[] = { "7bit", "quoted-printable", "base64", "7bit" };
    GString *s = g_string_new ("From: MAILER-DAEMON@mx.example.net\n"
                               "Subject: Undeliverable\n"
                               "MIME-Version: 1.0\n"
                               "Content-Type: multipart/alternative; boundary=alt\n"
                               "\n"
                               "--alt\n"
                               "Content-Type: text/plain\n"
                               "\n"
                               "user@example.com: user unknown\n"
                               "--alt\n"
                               "Content-Type: text/html\n");
    g_string_append_printf (s, "Content-Transfer-Encoding: %s\n\n", cte[k]);
    for (int i = 0; i < (k == 3 ? 10 : 500); i++)
      g_string_append (s, k == 2 ? "PHA+SFRNTDwvcD4K\n" : "<p>HTML =3D text</p>\n");
    g_string_append (s, "--alt--\n");
    msg = _bc_mime_parse_bytes (s->str, s->len, &error);
    assert_non_null (msg);
    m = _bc_mime_new (msg, &lim);
    assert_contains (m->body->str, "user unknown");
    assert_not_contains (m->body->str, "HTML");
    assert_true (m->truncated == (k != 3));
    assert_true ((m->warnings->len > 0) == (k != 3));
    _bc_mime_free (m);
    g_object_unref (msg);
    g_string_free (s, TRUE);
  }

  /* empty input is an error, not a crash */
  assert_null (_bc_mime_parse_bytes ("", 0, &error));
  assert_true (g_error_matches (error, BC_ERROR, BC_ERROR_EMPTY));
  g_clear_error (&error);
}

/* The guard reads a body only for boundary lines: one right after a blank
 * line, after lines that start with '-' or "--" but are no boundary, and
 * the closing one of an inner multipart are all found (a returned message
 * in a part found that way has its Content-Type renamed); body bytes stay
 * as they are. */
static void
test_guard_boundaries (void **state)
{
  static const char in[] =
    "From: MAILER-DAEMON@mx.example.net\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\n"
    "\n"
    "\n"
    "--outer\n"
    "Content-Type: multipart/alternative; boundary=inner\n"
    "\n"
    "- a list item\n"
    "-- a signature line\n"
    "--outer-not-quite\n"
    "--inner\n"
    "Content-Type: text/plain\n"
    "\n"
    "text\n"
    "\n"
    "--inner--\n"
    "\n"
    "--outer\n"
    "Content-Type: message/rfc822\n"
    "\n"
    "Subject: the returned message\n"
    "\n"
    "---- its body ----\n"
    "--outer--\n"
    "epilogue -- with dashes\n";
  GByteArray *ba = g_byte_array_new ();
  BcLimits lim;
  char *out;

  (void) state;
  bc_limits_init (&lim);
  g_byte_array_append (ba, (const guint8 *) in, sizeof in - 1);
  assert_false (_bc_mime_guard (ba, &lim, NULL));
  out = g_strndup ((const char *) ba->data, ba->len);
  assert_int_equal (ba->len, sizeof in - 1);
  assert_non_null (strstr (out, "\nX-Bc-Message: message/rfc822\n"));
  /* all else as it was */
  memcpy (strstr (out, "X-Bc-Message"), "Content-Type", 12);
  assert_string_equal (out, in);
  g_free (out);
  g_byte_array_unref (ba);
}

/* KOI8-R under a windows-1251 label and windows-1251 under a koi8-r label
 * (Russian servers that declare their default charset): read by the case
 * of the letters; a notice in capitals keeps its label */
static void
test_cyrillic_mislabel (void **state)
{
  /* "Сообщение не может быть доставлено: пользователь не найден" */
  const char *ru = "\xd0\xa1\xd0\xbe\xd0\xbe\xd0\xb1\xd1\x89\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb5 \xd0\xbd\xd0\xb5 "
                   "\xd0\xbc\xd0\xbe\xd0\xb6\xd0\xb5\xd1\x82 \xd0\xb1\xd1\x8b\xd1\x82\xd1\x8c "
                   "\xd0\xb4\xd0\xbe\xd1\x81\xd1\x82\xd0\xb0\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xbe: "
                   "\xd0\xbf\xd0\xbe\xd0\xbb\xd1\x8c\xd0\xb7\xd0\xbe\xd0\xb2\xd0\xb0\xd1\x82\xd0\xb5\xd0\xbb\xd1\x8c "
                   "\xd0\xbd\xd0\xb5 \xd0\xbd\xd0\xb0\xd0\xb9\xd0\xb4\xd0\xb5\xd0\xbd";
  /* "ПОСТОЯННЫЕ ОШИБКИ ДОСТАВКИ" */
  const char *caps = "\xd0\x9f\xd0\x9e\xd0\xa1\xd0\xa2\xd0\x9e\xd0\xaf\xd0\x9d\xd0\x9d\xd0\xab\xd0\x95 "
                     "\xd0\x9e\xd0\xa8\xd0\x98\xd0\x91\xd0\x9a\xd0\x98 "
                     "\xd0\x94\xd0\x9e\xd0\xa1\xd0\xa2\xd0\x90\xd0\x92\xd0\x9a\xd0\x98";

  (void) state;
  roundtrip (ru, "KOI8-R", "windows-1251", NULL);
  roundtrip (ru, "WINDOWS-1251", "koi8-r", NULL);
  roundtrip (ru, "KOI8-R", "cp1251", NULL);
  /* "Ваше письмо не может быть доставлено по адресу. Причина: Почтовый
   * ящик не существует." has fewer common letters to tell by */
  roundtrip ("\xd0\x92\xd0\xb0\xd1\x88\xd0\xb5 \xd0\xbf\xd0\xb8\xd1\x81\xd1\x8c\xd0\xbc\xd0\xbe "
             "\xd0\xbd\xd0\xb5 \xd0\xbc\xd0\xbe\xd0\xb6\xd0\xb5\xd1\x82 \xd0\xb1\xd1\x8b\xd1\x82\xd1\x8c "
             "\xd0\xb4\xd0\xbe\xd1\x81\xd1\x82\xd0\xb0\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xbe "
             "\xd0\xbf\xd0\xbe \xd0\xb0\xd0\xb4\xd1\x80\xd0\xb5\xd1\x81\xd1\x83. "
             "\xd0\x9f\xd1\x80\xd0\xb8\xd1\x87\xd0\xb8\xd0\xbd\xd0\xb0: "
             "\xd0\x9f\xd0\xbe\xd1\x87\xd1\x82\xd0\xbe\xd0\xb2\xd1\x8b\xd0\xb9 "
             "\xd1\x8f\xd1\x89\xd0\xb8\xd0\xba \xd0\xbd\xd0\xb5 "
             "\xd1\x81\xd1\x83\xd1\x89\xd0\xb5\xd1\x81\xd1\x82\xd0\xb2\xd1\x83\xd0\xb5\xd1\x82.",
             "WINDOWS-1251", "koi8-r", NULL);
  /* labels that are right stay right */
  roundtrip (ru, "KOI8-R", "koi8-r", NULL);
  roundtrip (ru, "WINDOWS-1251", "windows-1251", NULL);
  roundtrip (caps, "WINDOWS-1251", "windows-1251", NULL);
  roundtrip (caps, "KOI8-R", "koi8-r", NULL);
}

/* naive_marker - _bc_returned_copy_marker() the slow way: each marker's
 * first place, the least of them, back to its line start */
static gsize
naive_marker (const char *text, gsize len)
{
  const char *const *mk = _bc_returned_copy_markers ();
  gsize best = len;

  for (guint i = 0; mk[i]; i++) {
    const char *f = _bc_strcasestr_len (text, len, mk[i]);
    if (f && (gsize) (f - text) < best)
      best = f - text;
  }
  while (best < len && best > 0 && text[best - 1] != '\n')
    best--;
  return best;
}

/* test_returned_copy_marker - the skipping search for the markers of a
 * returned copy agrees with the naive one on texts made of markers whole,
 * cut, in mixed case or with a byte changed, among filler words, line
 * ends, NULs and 8-bit bytes */
static void
test_returned_copy_marker (void **state)
{
  static const char *const filler[] = {
    "message ", "original ", "the ", "copy ", "follows", "\n", "  ", "-----", "headers ",
    "\xc3\xa9", "mail ", "returned ", "of ", ": ", "below ", "line ", "R", "\t", "ess",
  };
  const char *const *mk = _bc_returned_copy_markers ();
  guint nmk = g_strv_length ((char **) mk);
  GRand *r = g_rand_new_with_seed (20261127);
  GString *t = g_string_new (NULL);
  guint hits = 0;

  (void) state;
  assert_int_equal (_bc_returned_copy_marker ("", 0), 0);
  assert_int_equal (_bc_returned_copy_marker ("x\n---- Start of Returned Message", 32), 2);
  for (guint round = 0; round < 20000; round++) {
    guint pieces = g_rand_int_range (r, 0, 24);
    gsize got, want;
    g_string_truncate (t, 0);
    for (guint k = 0; k < pieces; k++) {
      guint what = g_rand_int_range (r, 0, 10);
      if (what < 6) {
        g_string_append (t, filler[g_rand_int_range (r, 0, G_N_ELEMENTS (filler))]);
      } else if (what == 9) {
        g_string_append_c (t, (char) g_rand_int_range (r, 0, 256));
      } else {
        const char *m = mk[g_rand_int_range (r, 0, nmk)];
        gsize n = strlen (m), from = 0, to = n, at = t->len;
        if (what == 7)          /* a cut marker: its head or its tail */
          g_rand_boolean (r) ? (to = g_rand_int_range (r, 1, n)) : (from = g_rand_int_range (r, 1, n));
        g_string_append_len (t, m + from, to - from);
        for (gsize c = at; c < t->len; c++)
          if (g_rand_int_range (r, 0, 4) == 0)
            t->str[c] = g_ascii_toupper (t->str[c]);
        if (what == 8)          /* one byte changed */
          t->str[at + g_rand_int_range (r, 0, to - from)] ^= (char) g_rand_int_range (r, 1, 3);
      }
    }
    got = _bc_returned_copy_marker (t->str, t->len);
    want = naive_marker (t->str, t->len);
    if (got != want)
      fail_msg ("round %u: %zu, not %zu, in \"%s\"", round, (size_t) got, (size_t) want, t->str);
    hits += want < t->len;
  }
  /* the texts were not all without markers */
  assert_true (hits > 5000);
  g_string_free (t, TRUE);
  g_rand_free (r);
}

/* _bc_header_unfold() against GMime's g_mime_utils_header_unfold() on
 * random values made of white space, line ends and other bytes (8-bit
 * ones too), folded and not */
static void
test_header_unfold (void **state)
{
  static const char alphabet[] = " \t\r\n\r\nab=?\x80\xe9\x0b\x0c\x01-";
  GRand *r = g_rand_new_with_seed (20261127);
  GString *t = g_string_new (NULL);
  guint folded = 0, fits = 0;

  (void) state;
  for (guint round = 0; round < 100000; round++) {
    guint n = g_rand_int_range (r, 0, 24);
    char *got, *want;
    g_string_truncate (t, 0);
    for (guint i = 0; i < n; i++)
      g_string_append_c (t, alphabet[g_rand_int_range (r, 0, sizeof alphabet - 1)]);
    got = _bc_header_unfold (t->str);
    want = g_mime_utils_header_unfold (t->str);
    if (strcmp (got, want) != 0)
      fail_msg ("round %u: \"%s\", not \"%s\", for \"%s\"", round, got, want, t->str);
    {
      /* into a buffer: the same when the value, white space at its ends
       * left out (its CR and LF still in), fits with its NUL; else FALSE
       * with the buffer untouched */
      char buf[8];
      const char *a = t->str, *z = t->str + t->len;
      gsize need;
      while (a < z && strchr (" \t\r\n", *a))
        a++;
      while (z > a && strchr (" \t\r\n", z[-1]))
        z--;
      need = (gsize) (z - a) + 1;
      memset (buf, 'x', sizeof buf);
      if (_bc_header_unfold_into (t->str, buf, sizeof buf) != (need <= sizeof buf))
        fail_msg ("round %u: fits %zu bytes in 8 judged otherwise", round, (size_t) need);
      if (need <= sizeof buf ? strcmp (buf, want) != 0 : memchr (buf, 'x', sizeof buf) != buf)
        fail_msg ("round %u: buffer holds the wrong bytes for \"%s\"", round, t->str);
      fits += need <= sizeof buf;
    }
    folded += strchr (t->str, '\n') != NULL;
    g_free (got);
    g_free (want);
  }
  assert_true (folded > 10000);
  assert_true (fits > 10000 && fits < 90000);
  g_string_free (t, TRUE);
  g_rand_free (r);
}

/* _bc_utf8_validate() against g_utf8_validate() on random text: 7-bit
 * runs (a NUL now and then), characters of every length (surrogates and
 * code points past U+10FFFF among them), stray 8-bit bytes, cut anywhere */
static void
test_utf8_validate (void **state)
{
  GRand *r = g_rand_new_with_seed (20261127);
  GString *t = g_string_new (NULL);
  guint valid = 0;

  (void) state;
  for (guint round = 0; round < 100000; round++) {
    guint pieces = g_rand_int_range (r, 0, 12);
    gsize len;
    g_string_truncate (t, 0);
    for (guint i = 0; i < pieces; i++) {
      char buf[8];
      switch (g_rand_int_range (r, 0, 6)) {
      case 0:
        g_string_append (t, "plain text ");
        break;
      case 1:
        g_string_append_len (t, "\0", g_rand_int_range (r, 0, 40) == 0 ? 1 : 0);
        break;
      case 2:
      case 3: {
        static const guint32 tops[] = { 0x100, 0x800, 0x10000, 0x110000, 0x7fffffff };
        gunichar c = g_rand_int_range (r, 0x80, tops[g_rand_int_range (r, 0, 5)]);
        g_string_append_len (t, buf, g_unichar_to_utf8 (c, buf));
        break;
      }
      case 4:
        g_string_append_c (t, (char) g_rand_int_range (r, 0x80, 0x100));
        break;
      default:
        g_string_append_c (t, (char) g_rand_int_range (r, 1, 0x80));
      }
    }
    len = t->len ? g_rand_int_range (r, 0, t->len + 1) : 0;
    if (_bc_utf8_validate (t->str, len) != g_utf8_validate (t->str, len, NULL))
      fail_msg ("round %u: %zu bytes judged otherwise", round, (size_t) len);
    valid += g_utf8_validate (t->str, len, NULL);
  }
  /* neither answer was rare */
  assert_true (valid > 20000 && valid < 80000);
  g_string_free (t, TRUE);
  g_rand_free (r);
}

/* _bc_qp_decode_step() against GMime's decoder: random input (soft
 * breaks, hex escapes valid and not, 8-bit bytes) cut into random chunks,
 * each side ended by GMime's flush from the state it left */
static void
test_qp_decode (void **state)
{
  static const char alphabet[] = "==\r\n \tabAF09gG=\x80\xff=";
  GRand *r = g_rand_new_with_seed (20261127);
  guint escapes = 0;

  (void) state;
  for (guint round = 0; round < 100000; round++) {
    guint n = g_rand_int_range (r, 0, 40);
    char in[40], want[128], got[128];
    gsize nw = 0, ng = 0, at = 0;
    GMimeEncoding e1, e2;
    for (guint i = 0; i < n; i++)
      in[i] = round & 1 ? (char) g_rand_int_range (r, 0, 256)
                        : alphabet[g_rand_int_range (r, 0, sizeof alphabet - 1)];
    g_mime_encoding_init_decode (&e1, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
    g_mime_encoding_init_decode (&e2, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
    while (at < n) {
      gsize k = g_rand_int_range (r, 1, n - at + 1);
      nw += g_mime_encoding_step (&e1, in + at, k, want + nw);
      ng += _bc_qp_decode_step ((const guchar *) in + at, k, (guchar *) got + ng, &e2.state,
                                &e2.save);
      at += k;
    }
    nw += g_mime_encoding_flush (&e1, "", 0, want + nw);
    ng += g_mime_encoding_flush (&e2, "", 0, got + ng);
    if (nw != ng || memcmp (want, got, nw) != 0)
      fail_msg ("round %u: %zu bytes, not %zu, or other bytes", round, (size_t) ng, (size_t) nw);
    escapes += nw < n;
  }
  /* the inputs were not all without escapes */
  assert_true (escapes > 10000);
  g_rand_free (r);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_iso2022jp),
    cmocka_unit_test (test_shift_jis),
    cmocka_unit_test (test_windows1252),
    cmocka_unit_test (test_windows1251),
    cmocka_unit_test (test_koi8r),
    cmocka_unit_test (test_gb2312),
    cmocka_unit_test (test_utf8),
    cmocka_unit_test (test_undeclared_8bit),
    cmocka_unit_test (test_undeclared_latin1),
    cmocka_unit_test (test_wrong_charset_is_valid_utf8),
    cmocka_unit_test (test_text_decode),
    cmocka_unit_test (test_cjk_supersets),
    cmocka_unit_test (test_cyrillic_mislabel),
    cmocka_unit_test (test_quoted_printable),
    cmocka_unit_test (test_base64),
    cmocka_unit_test (test_html_only),
    cmocka_unit_test (test_html_tags),
    cmocka_unit_test (test_html_alternative_prefers_plain),
    cmocka_unit_test (test_attachments_not_decoded),
    cmocka_unit_test (test_from_addr),
    cmocka_unit_test (test_from_addr_shapes),
    cmocka_unit_test (test_xml_part),
    cmocka_unit_test (test_line_ends_equal),
    cmocka_unit_test (test_normalize_eol),
    cmocka_unit_test (test_limits),
    cmocka_unit_test (test_guard_boundaries),
    cmocka_unit_test (test_attached_dsn),
    cmocka_unit_test (test_returned_copy_marker),
    cmocka_unit_test (test_header_unfold),
    cmocka_unit_test (test_head_split),
    cmocka_unit_test (test_qp_decode),
    cmocka_unit_test (test_utf8_validate),
  };
  tc_init ();
  return cmocka_run_group_tests (tests, NULL, NULL);
}
