/* classifier.c - the pipeline: MIME, then evidence, then rules.
 *
 *   1. mime/     the message becomes text parts, DSN parts and the
 *                returned message's headers (BcMime);
 *   2. evidence/ recipients come from a feedback report, the DSN parts, the
 *                free text read by a recognizer, or the generic scanner;
 *                a DSN and free text naming the same address are merged;
 *   3. rules/    each recipient's reason comes from the first rule that
 *                holds, and its class and action from the taxonomy.
 */
#include "bc-private.h"
#include "bc-config.h"

#include <string.h>
#include <stdlib.h>

struct _BcClassifier {
  BcLimits limits;
  BcRuleSet *rules;
  int next_precedence;
  BcVerpConfig verp;
};

#define RESOURCE_DIR "/org/bounceclass/rules"

const char *
bc_version (void)
{
  return BC_VERSION;
}

static int
str_ptr_cmp (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* load_builtin - the rules compiled in as a GResource, files in name order. */
static gboolean
load_builtin (BcRuleSet *rs, GError **error)
{
  char **names = g_resources_enumerate_children (RESOURCE_DIR, 0, error);
  gboolean ok = TRUE;

  if (!names)
    return FALSE;
  qsort (names, g_strv_length (names), sizeof (char *), str_ptr_cmp);
  /* the shipped patterns are compiled when first used, not checked here:
   * tests/unit/test-ruledata.c compiles every one of them */
  _bc_rules_set_trusted (rs, TRUE);
  for (guint i = 0; ok && names[i]; i++) {
    char *path = g_strconcat (RESOURCE_DIR "/", names[i], NULL);
    GBytes *bytes = g_resources_lookup_data (path, 0, error);
    char *label = g_strconcat ("rules/", names[i], NULL);
    if (!bytes)
      ok = FALSE;
    else {
      gsize len;
      const char *data = g_bytes_get_data (bytes, &len);
      ok = _bc_rules_parse (rs, label, data, len, 0, error);
      g_bytes_unref (bytes);
    }
    g_free (label);
    g_free (path);
  }
  _bc_rules_set_trusted (rs, FALSE);
  g_strfreev (names);
  return ok;
}

/* the GResource holding the rules files, registered once per process */
void _bc_rules_register_resource (void);

BcClassifier *
bc_classifier_new (const BcLimits *limits, GError **error)
{
  BcClassifier *cls = g_new0 (BcClassifier, 1);
  static gsize once;

  if (g_once_init_enter (&once)) {
    g_mime_init ();
    _bc_rules_register_resource ();
    g_once_init_leave (&once, 1);
  }
  if (limits)
    cls->limits = *limits;
  else
    bc_limits_init (&cls->limits);
  cls->rules = _bc_rules_new ();
  cls->next_precedence = 1;
  _bc_verp_config_init (&cls->verp);
  if (!load_builtin (cls->rules, error)) {
    bc_classifier_free (cls);
    return NULL;
  }
  _bc_rules_finish (cls->rules);
  return cls;
}

gboolean
bc_classifier_add_rules_data (BcClassifier *cls, const char *name, const char *data, gssize len,
                              GError **error)
{
  g_return_val_if_fail (cls != NULL && data != NULL, FALSE);
  if (len < 0)
    len = strlen (data);
  if (!_bc_rules_parse (cls->rules, name ? name : "rules", data, len, cls->next_precedence, error))
    return FALSE;
  cls->next_precedence++;
  _bc_rules_finish (cls->rules);
  return TRUE;
}

gboolean
bc_classifier_add_rules_file (BcClassifier *cls, const char *path, GError **error)
{
  char *data = NULL;
  gsize len = 0;
  gboolean ok;

  g_return_val_if_fail (cls != NULL && path != NULL, FALSE);
  if (!g_file_get_contents (path, &data, &len, error))
    return FALSE;
  ok = bc_classifier_add_rules_data (cls, path, data, len, error);
  g_free (data);
  return ok;
}

gboolean
bc_classifier_set_verp (BcClassifier *cls, BcVerpMode mode, const char *prefix,
                        const char *delimiters, GError **error)
{
  g_return_val_if_fail (cls != NULL, FALSE);
  if (delimiters && (strlen (delimiters) != 2 || delimiters[0] == delimiters[1] ||
                     !g_ascii_isgraph (delimiters[0]) || !g_ascii_isgraph (delimiters[1]) ||
                     delimiters[0] == '@' || delimiters[1] == '@')) {
    g_set_error (error, BC_ERROR, BC_ERROR_INVALID,
                 "VERP delimiters must be two different characters, such as \"+=\"");
    return FALSE;
  }
  if (prefix && strlen (prefix) >= sizeof cls->verp.prefix) {
    g_set_error (error, BC_ERROR, BC_ERROR_INVALID, "VERP prefix longer than %u bytes",
                 (guint) sizeof cls->verp.prefix - 1);
    return FALSE;
  }
  cls->verp.mode = mode == BC_VERP_OFF ? BC_VERP_OFF : BC_VERP_AUTO;
  g_strlcpy (cls->verp.prefix, prefix ? prefix : "", sizeof cls->verp.prefix);
  cls->verp.separator = delimiters ? delimiters[0] : '+';
  cls->verp.equals = delimiters ? delimiters[1] : '=';
  return TRUE;
}

const BcLimits *
bc_classifier_get_limits (const BcClassifier *cls)
{
  return &cls->limits;
}

void
bc_classifier_free (BcClassifier *cls)
{
  if (!cls)
    return;
  _bc_rules_free (cls->rules);
  g_free (cls);
}

/* ---- evidence ------------------------------------------------------------ */

static BcRecipient *
find_by_address (GPtrArray *list, const BcRecipient *r)
{
  for (guint i = 0; i < list->len; i++) {
    BcRecipient *t = g_ptr_array_index (list, i);
    if (g_ascii_strcasecmp (t->address, r->address) == 0 ||
        (r->original_recipient && g_ascii_strcasecmp (t->address, r->original_recipient) == 0))
      return t;
  }
  return NULL;
}

/* diag_is_delay_label - @d names no cause, only that delivery is delayed:
 * Exchange writes "Diagnostic-Code: smtp;400 4.4.7 Message delayed" in
 * every delay notice and the cause (the last error, "returned '451 4.4.0
 * Primary target IP address responded with: ... Unable to connect'") only
 * in its text. Codes before the words are skipped. */
static gboolean
diag_is_delay_label (const char *d)
{
  while (*d == ' ' || g_ascii_isdigit (*d) || *d == '.')
    d++;
  return g_ascii_strncasecmp (d, "message delayed", 15) == 0 && (!d[15] || d[15] == '.');
}

/* diag_is_refusal_label - @d names no cause, only that the recipient's
 * server may not take the message: Exchange's "550 5.7.1
 * RESOLVER.RST.NotAuthorized; not authorized" and "Delivery not authorized,
 * message refused" stand in the DSN of every delivery restriction, whose
 * cause (a moderator's rejection, a group's allowed senders, the recipient's
 * external-senders setting) is written only in the text. Codes before the
 * words are skipped; nothing may follow them but a period. */
static gboolean
diag_is_refusal_label (const char *d)
{
  static const char *const labels[] = { "resolver.rst.notauthorized; not authorized",
                                        "delivery not authorized, message refused", NULL };

  while (*d == ' ' || g_ascii_isdigit (*d) || *d == '.' || *d == '#')
    d++;
  for (guint i = 0; labels[i]; i++) {
    gsize n = strlen (labels[i]);
    if (g_ascii_strncasecmp (d, labels[i], n) == 0 && strspn (d + n, ". #") == strlen (d + n))
      return TRUE;
  }
  return FALSE;
}

/* merge - a DSN recipient takes what it lacks from the free text naming the
 * same address; the text recipient is then dropped, never counted twice. A
 * DSN diagnostic that says nearly nothing (a few characters, only that
 * the message is delayed, or only that it was not authorized) is followed
 * by the text's. */
static void
merge (BcRecipient *dsn, BcRecipient *text)
{
  if (!dsn->diagnostic && text->diagnostic)
    dsn->diagnostic = g_strdup (text->diagnostic);
  else if (dsn->diagnostic && text->diagnostic &&
           (diag_is_delay_label (dsn->diagnostic) || diag_is_refusal_label (dsn->diagnostic)) &&
           strstr (text->diagnostic, dsn->diagnostic)) {
    g_free (dsn->diagnostic);               /* the text quotes it, and says more */
    dsn->diagnostic = g_strdup (text->diagnostic);
  } else if (dsn->diagnostic && text->diagnostic &&
             (strlen (dsn->diagnostic) < 12 || diag_is_delay_label (dsn->diagnostic) ||
              diag_is_refusal_label (dsn->diagnostic)) &&
             !strstr (text->diagnostic, dsn->diagnostic)) {
    char *n = g_strconcat (dsn->diagnostic, " ", text->diagnostic, NULL);
    g_free (dsn->diagnostic);
    dsn->diagnostic = n;
  }
  if (!dsn->status[0] && text->status[0])
    memcpy (dsn->status, text->status, sizeof dsn->status);
  if (!dsn->reply_code[0] && text->reply_code[0])
    memcpy (dsn->reply_code, text->reply_code, sizeof dsn->reply_code);
  if (!dsn->remote_mta && text->remote_mta)
    dsn->remote_mta = g_strdup (text->remote_mta);
}

/* diag_says_nothing - @r has no real diagnostic: none, a few characters,
 * only the comment of its Status field (often just the RFC 3463 name of
 * the code, "(other or undefined network or routing status)"), or only its
 * own address (a text recipient list merged in, "<a@example.com>"). */
static gboolean
diag_says_nothing (const BcRecipient *r)
{
  const char *d = r->diagnostic;
  gsize n;

  if (!d || (n = strlen (d)) < 12 || (d[0] == '(' && d[n - 1] == ')' && !memchr (d + 1, '(', n - 2)))
    return TRUE;
  while (*d == ' ' || *d == '<')
    d++;
  n = r->address ? strlen (r->address) : 0;
  if (n && g_ascii_strncasecmp (d, r->address, n) == 0) {
    d += n;
    while (*d == ' ' || *d == '>' || *d == ':' || *d == ',' || *d == ';' || *d == '.')
      d++;
    return *d == '\0';
  }
  return FALSE;
}

/* unframe - the free-text recipients' diagnostics keep the servers' words
 * and the MTA's causes, not its framing; the host it names becomes the
 * remote MTA (diagnostic.c). */
static void
unframe (GPtrArray *rcpts)
{
  for (guint i = 0; i < rcpts->len; i++) {
    BcRecipient *r = g_ptr_array_index (rcpts, i);
    char *d;
    if (!r->diagnostic)
      continue;
    d = _bc_diag_unframe (r->diagnostic, &r->remote_mta);
    g_free (r->diagnostic);
    r->diagnostic = d;
  }
}

/* in_header_text - does @addr occur in the @len bytes of header text (or
 * message text) at @text, outside a To, Cc or Bcc field when
 * @skip_addressees? The returned message's addressees are the failed
 * recipients too; its Return-Path, From, Sender and trace fields are not. */
static gboolean
in_header_text (const char *text, gsize len, const char *addr, gboolean skip_addressees)
{
  const char *e = text + len, *f;

  for (f = text; f < e && (f = _bc_strcasestr_len (f, e - f, addr)) != NULL; f += strlen (addr)) {
    const char *ls = f;
    for (;;) {
      while (ls > text && ls[-1] != '\n')
        ls--;
      if (ls == text || (*ls != ' ' && *ls != '\t'))
        break;
      ls--;                       /* a folded line: back to its field */
    }
    if (!(skip_addressees && (_bc_has_prefix_ci (ls, "to:") || _bc_has_prefix_ci (ls, "cc:") ||
                              _bc_has_prefix_ci (ls, "bcc:"))))
      return TRUE;
  }
  return FALSE;
}

/* in_headers - does a header of @obj (nullable) hold @addr (see
 * in_header_text())? */
static gboolean
in_headers (GMimeObject *obj, const char *addr, gboolean skip_addressees)
{
  char *h;
  gboolean hit;

  if (!obj)
    return FALSE;
  h = g_mime_header_list_to_string (g_mime_object_get_header_list (obj), NULL);
  hit = h && in_header_text (h, strlen (h), addr, skip_addressees);
  g_free (h);
  return hit;
}

/* in_bounce_headers - does a header of the bounce hold @addr? */
static gboolean
in_bounce_headers (const BcMime *m, const char *addr)
{
  gsize len;
  const char *h = _bc_mime_head (m, &len);

  return len && in_header_text (h, len, addr, FALSE);
}

/* quoted_somewhere - is @addr written where it names no failed recipient:
 * a header of the bounce (its To, Delivered-To, X-Original-To, ...), a
 * header of the returned message or of its inline copy other than To and
 * Cc, the body of an inline copy, another recipient's diagnostic ("550
 * 5.7.1 <sender@x>... Access denied"), or a header or trace line of the
 * report text ("To: a@b", "Received: ... for <a@b>")? Reads at most 64 KiB
 * of the report text and of an inline copy. */
static gboolean
quoted_somewhere (const BcMime *m, const BcReport *report, const char *addr)
{
  const char *b = m->body->str, *e = b + MIN (m->ndr_len, (gsize) 64 * 1024), *f;

  if (g_ascii_strcasecmp (addr, m->from_addr) == 0 ||
      in_bounce_headers (m, addr) || in_headers (m->orig, addr, TRUE) ||
      (m->orig_text && in_header_text (m->orig_text, strlen (m->orig_text), addr, TRUE)) ||
      (report->original.from && _bc_strcasestr (report->original.from, addr)))
    return TRUE;
  if (m->ndr_len < m->body->len &&
      in_header_text (b + m->ndr_len, MIN (m->body->len - m->ndr_len, (gsize) 64 * 1024), addr,
                      TRUE))
    return TRUE;
  for (guint i = 0; i < report->recipients->len; i++) {
    const BcRecipient *r = g_ptr_array_index (report->recipients, i);
    if (r->diagnostic && _bc_strcasestr (r->diagnostic, addr))
      return TRUE;
  }
  for (f = b; f < e && (f = _bc_strcasestr_len (f, e - f, addr)) != NULL; f += strlen (addr)) {
    const char *ls = f;
    while (ls > b && ls[-1] != '\n')
      ls--;
    if (ls < f && (ls[0] == ' ' || ls[0] == '\t' || ls[0] == '>') &&
        _bc_strcasestr_len (ls, f - ls, "for "))
      return TRUE;                  /* a folded Received line */
    while (ls < f && (*ls == ' ' || *ls == '\t' || *ls == '>'))
      ls++;
    {
      const char *c = memchr (ls, ':', f - ls);
      gboolean word = c && c > ls;
      for (const char *q = ls; word && q < c; q++)
        word = g_ascii_isalnum (*q) || *q == '-';
      /* "To: a@b", "Received: ... for <a@b>", "Reply-To: ..."; not the
       * labels a report writes before a recipient */
      if (word && !_bc_has_prefix_ci (ls, "recipient") && !_bc_has_prefix_ci (ls, "rcpt") &&
          !_bc_has_prefix_ci (ls, "address") && !_bc_has_prefix_ci (ls, "final-recipient") &&
          !_bc_has_prefix_ci (ls, "original-recipient"))
        return TRUE;
    }
  }
  return FALSE;
}

/* own_error - does @d state a refusal or deferral of its own: a 4.x.x or
 * 5.x.x status or a 4xx or 5xx reply code? */
static gboolean
own_error (const char *d)
{
  char st[16], rc[4];

  if (!d)
    return FALSE;
  return (_bc_find_status (d, st) && (st[0] == '4' || st[0] == '5')) ||
         (_bc_find_reply (d, rc) && (rc[0] == '4' || rc[0] == '5'));
}

/* sender_as_recipient - a DSN whose one Final-Recipient is the bounce's
 * own addressee (the original sender), while the text names one other
 * address and the DSN's diagnostic names it too ("550 5.1.1 <b@x>:
 * Recipient address rejected"): the generator wrote the envelope sender
 * into the field. @dsn then takes the address of @text, so that the
 * sender is not told to suppress itself. A message the sender sent to
 * itself keeps its address: its diagnostic names no other one. */
static void
sender_as_recipient (const BcMime *m, BcRecipient *dsn, const BcRecipient *text)
{
  const char *to = _bc_mime_header (m, "To");
  char *to_addr;

  if (!to || !dsn->address || !dsn->diagnostic || !text->address)
    return;
  to_addr = _bc_address_find (to, strlen (to), NULL);
  if (to_addr && g_ascii_strcasecmp (dsn->address, to_addr) == 0 &&
      g_ascii_strcasecmp (text->address, to_addr) != 0 &&
      _bc_strcasestr (dsn->diagnostic, text->address)) {
    g_free (dsn->address);
    dsn->address = g_strdup (text->address);
  }
  g_free (to_addr);
}

static const char *
domain_of (const char *addr)
{
  const char *at = addr ? strrchr (addr, '@') : NULL;
  return at ? at + 1 : NULL;
}

/* fallback_recipients - a bounce that named nobody in a form we read:
 * X-Failed-Recipients, else the returned message's To when it holds one
 * address only (of several, nothing says which one failed, and guessing
 * would suppress an address that may be fine). */
static void
fallback_recipients (const BcMime *m, BcReport *report, BcScan *scan)
{
  const char *xf = _bc_mime_header (m, "X-Failed-Recipients");
  char *diag = NULL;

  {
    /* the NDR text itself is the best diagnostic there is */
    gsize n = MIN (m->ndr_len, 1500);
    if (n)
      diag = _bc_squeeze (m->body->str, n);
  }
  if (xf) {
    char **parts = g_strsplit (xf, ",", -1);
    for (guint i = 0; parts[i] && report->recipients->len < m->limits->max_recipients; i++) {
      char *a = _bc_address_normalize (parts[i]);
      if (a) {
        BcRecipient *r = _bc_recipient_new (BC_SOURCE_HEADER);
        BcRecipient *t;
        r->address = a;
        if ((t = find_by_address (scan->recipients, r)))
          r->diagnostic = g_strdup (t->diagnostic);
        else
          r->diagnostic = g_strdup (diag);
        g_ptr_array_add (report->recipients, r);
      }
    }
    g_strfreev (parts);
  }
  if (report->recipients->len == 0 && report->original.to) {
    const char *to = report->original.to, *end = NULL;
    char *a = _bc_address_find (to, strlen (to), &end);
    char *second = a ? _bc_address_find (end, strlen (end), NULL) : NULL;
    if (second) {
      g_free (second);
      g_clear_pointer (&a, g_free);
    }
    if (a) {
      BcRecipient *r = _bc_recipient_new (BC_SOURCE_ORIGINAL);
      r->address = a;
      r->diagnostic = g_strdup (diag);
      g_ptr_array_add (report->recipients, r);
    }
  }
  g_free (diag);
}

/* unsubscribe_request - a mail client's one-click unsubscribe message
 * (Apple Mail sends "X-Apple-Unsubscribe: true" to the List-Unsubscribe
 * mailto address): a complaint-like opt-out from its sender. */
static gboolean
unsubscribe_request (const BcMime *m, BcReport *report)
{
  BcRecipient *r;

  if (!_bc_header_contains (m, "X-Apple-Unsubscribe", "true") || !m->from_addr[0])
    return FALSE;
  r = _bc_recipient_new (BC_SOURCE_ARF);
  r->address = g_strdup (m->from_addr);
  r->diagnostic = g_strdup ("feedback-type: opt-out (unsubscribe request)");
  g_ptr_array_add (report->recipients, r);
  report->feedback_type = g_strdup ("opt-out");
  report->recognizer = g_strdup ("unsubscribe");
  return TRUE;
}

/* refusal_quoted - the report text (its first 16 KiB) quotes an SMTP
 * refusal: a 4xx/5xx reply code followed by an enhanced status code of the
 * same class ("550 5.1.1", "452-4.2.2", "554 #5.7.1"). */
static gboolean
refusal_quoted (const BcMime *m)
{
  const char *t = m->body->str;
  gsize n = MIN (m->ndr_len, 16 * 1024);

  for (gsize i = 0; i + 9 <= n; i++) {
    const char *p = t + i, *q;
    gsize k = 0;
    if ((p[0] != '4' && p[0] != '5') || !g_ascii_isdigit (p[1]) || p[1] > '5' ||
        !g_ascii_isdigit (p[2]) || (p[3] != ' ' && p[3] != '-') ||
        (i > 0 && g_ascii_isalnum (p[-1])))
      continue;
    q = p + 4;
    if (*q == '#')
      q++;
    if (q >= t + n || *q != p[0])
      continue;
    while (q + k < t + n && k < 12 && (g_ascii_isdigit (q[k]) || q[k] == '.'))
      k++;
    if (_bc_status_valid (q, k))
      return TRUE;
  }
  return FALSE;
}

/* bounce_by_content - a bounce no header gives away (From "MDaemon@host" or
 * "Courier mail server at host", Subject "Permanent Delivery Failure" or
 * "NOTICE: mail delivery status."): it comes from the null sender or its
 * subject speaks of a failed delivery, and its text both says a message
 * was not delivered and quotes an SMTP refusal. A person who writes about
 * a bounce rarely does all of that; a forward was ruled out before.
 * Security gateways and cloud filters title their notices "Message
 * blocked: ...", "Delivery blocked", "Message rejected": a subject that
 * speaks of a block or a rejection counts only when the sender is
 * software (_bc_automated_sender), since a person's "Message rejected: ..."
 * saying "my mail was rejected, they said 554 5.7.1 ..." says as much.
 * Costs a few compares unless the subject or Return-Path already points to
 * a bounce. */
static gboolean
bounce_by_content (const BcMime *m)
{
  const char *rp = _bc_mime_header (m, "Return-Path");
  gboolean lead = FALSE;

  if (rp) {
    while (*rp == ' ' || *rp == '\t')
      rp++;
    lead = g_str_has_prefix (rp, "<>");
  }
  if (!lead)
    lead = _bc_subject_phrase_in (m, BC_PHRASE_LEAD | (_bc_automated_sender (m) ? BC_PHRASE_REFUSAL : 0),
                                  BC_PREFIX_ANSWER) != 0;
  if (!lead)
    return FALSE;
  return _bc_says_not_delivered (m, BC_SAYS_REFUSED) && refusal_quoted (m);
}

static void
gather (const BcMime *m, BcReport *report, gint64 deadline)
{
  BcDsn dsn = { 0 };
  BcScan scan = { 0 };
  const BcRecognizer *rec;
  gboolean bounce, autoreply;
  gboolean generic = FALSE;   /* the generic scan read the text */

  _bc_original_read (m, &report->original);
  if (_bc_arf_read (m, report)) {
    report->recognizer = g_strdup ("arf");
    return;
  }
  if (unsubscribe_request (m, report))
    return;
  if (_bc_is_forward (m) || _bc_is_reply (m) || _bc_passes_on_bounce (m))
    return;                       /* a person forwarding or answering a bounce */
  bounce = _bc_looks_like_bounce (m) || bounce_by_content (m);
  /* an auto-reply is told before any recognizer is asked: a recognizer
   * that knows a server by its X-Mailer or Received lines (Zimbra, Domino,
   * GroupWise, Kerio, MDaemon, ...) would claim the out-of-office notice
   * that server sends too, read nobody out of it, and the auto-reply
   * would be lost */
  autoreply = !bounce && m->dsn->len == 0 && _bc_autoreply_detect (m);
  /* a person writing about a bounce, which the Subject or a recognizer
   * that knows the phrases quoted would take for one */
  if (!autoreply && _bc_describes_bounce (m))
    return;
  for (guint i = 0; i < m->dsn->len; i++) {
    const char *t = g_ptr_array_index (m->dsn, i);
    _bc_dsn_parse (t, strlen (t), &dsn, m->limits->max_recipients);
  }
  scan.mime = m;
  scan.recipients = g_ptr_array_new_with_free_func ((GDestroyNotify) _bc_recipient_free);
  scan.max_rcpts = m->limits->max_recipients;

  if (g_get_monotonic_time () > deadline) {
    /* parsing took the whole budget: the DSN fields (bounded, already
     * read) still count; the free text is not scanned */
    rec = NULL;
    report->truncated = TRUE;
    _bc_report_warn (report, "time budget of %u ms spent before the report text was read",
                     m->limits->max_msec);
  } else {
    rec = autoreply ? NULL : _bc_recognizer_detect (m);
    if (rec)
      rec->scan (&scan);
    /* no recognizer, or one that claimed the message but read nobody out
     * of it (its phrases matched, its layout did not): the generic scan */
    if ((!rec && bounce) || (rec && scan.recipients->len == 0 && bounce && m->dsn->len == 0)) {
      _bc_scan_generic (&scan, m->body->str, m->ndr_len);
      generic = TRUE;
    }
    unframe (scan.recipients);
  }

  /* the DSN's one block names its recipient in no usable form
   * ("Final-Recipient: x400; /C=DE/.../") and the text names one address:
   * that is the block's recipient */
  if (dsn.n_nameless == 1 && dsn.recipients && dsn.recipients->len == 0 &&
      scan.recipients->len == 1) {
    const BcRecipient *t = g_ptr_array_index (scan.recipients, 0);
    dsn.nameless->address = g_strdup (t->address);
    g_ptr_array_add (dsn.recipients, g_steal_pointer (&dsn.nameless));
  }
  if (dsn.recipients && dsn.recipients->len) {
    gboolean *used = g_new0 (gboolean, scan.recipients->len + 1);
    guint matched = 0, named = 0;  /* DSN recipients the text lists, with an address */
    if (dsn.recipients->len == 1 && scan.recipients->len == 1)
      sender_as_recipient (m, g_ptr_array_index (dsn.recipients, 0),
                           g_ptr_array_index (scan.recipients, 0));
    for (guint i = 0; i < dsn.recipients->len; i++) {
      BcRecipient *r = g_ptr_array_index (dsn.recipients, i);
      BcRecipient *t;
      if (!r->address)
        continue;
      named++;
      if ((t = find_by_address (scan.recipients, r))) {
        merge (r, t);
        matched++;
        for (guint j = 0; j < scan.recipients->len; j++)
          if (g_ptr_array_index (scan.recipients, j) == t)
            used[j] = TRUE;
      } else if ((!r->diagnostic || strlen (r->diagnostic) < 12) && scan.recipients->len == 1 &&
                 dsn.recipients->len == 1) {
        merge (r, g_ptr_array_index (scan.recipients, 0));
        used[0] = TRUE;
      }
      if (diag_says_nothing (r) && dsn.recipients->len == 1 && m->ndr_len > 0) {
        /* a lone DSN recipient with no real diagnostic: the NDR text is
         * the best there is */
        const char *b = m->body->str, *tr = _bc_body_find (m, "Transcript of session follows");
        char *text;
        if (tr)                             /* the transcript, not the preamble */
          b = tr + strlen ("Transcript of session follows");
        text = _bc_squeeze (b, MIN ((gsize) (m->body->str + m->ndr_len - b), 1500));
        char *n = r->diagnostic ? g_strconcat (r->diagnostic, " ", text, NULL) : g_strdup (text);
        g_free (r->diagnostic);
        g_free (text);
        r->diagnostic = n;
      }
      g_ptr_array_add (report->recipients, r);
      dsn.recipients->pdata[i] = NULL;
    }
    /* the text lists every one of the DSN's recipients and another one
     * with its own 4xx/5xx error, written nowhere else (not a header, a
     * trace line, another recipient's diagnostic, the returned message
     * but for its To and Cc): the DSN left it out, it failed too. When a
     * DSN recipient is missing from the text, the extra address may be it
     * written otherwise, and nothing is added. At most 16 are added, out
     * of at most 32 candidates looked up. */
    for (guint j = 0, added = 0, tries = 0; matched > 0 && matched == named &&
                                            j < scan.recipients->len && added < 16 && tries < 32;
         j++) {
      BcRecipient *t = g_ptr_array_index (scan.recipients, j);
      gboolean dup = FALSE;
      if (used[j] || !t->address || !own_error (t->diagnostic))
        continue;
      for (guint k = 0; k < report->recipients->len && !dup; k++) {
        const BcRecipient *r = g_ptr_array_index (report->recipients, k);
        dup = (r->address && g_ascii_strcasecmp (r->address, t->address) == 0) ||
              (r->original_recipient && g_ascii_strcasecmp (r->original_recipient, t->address) == 0);
      }
      if (dup || report->recipients->len >= m->limits->max_recipients)
        continue;
      if (tries++, quoted_somewhere (m, report, t->address))
        continue;
      g_ptr_array_add (report->recipients, t);
      scan.recipients->pdata[j] = NULL;
      added++;
    }
    g_free (used);
    report->recognizer = g_strdup (rec ? rec->name : "rfc3464");
  } else if (scan.recipients->len) {
    if (scan.recipients->len == 1 && m->ndr_len > 0) {
      /* one recipient read out of the text with nothing said about it (a
       * delay notice that names the address on a line of its own, the
       * cause in a "Reason:" paragraph the recognizer does not know): the
       * NDR text is the best diagnostic there is */
      BcRecipient *r = g_ptr_array_index (scan.recipients, 0);
      if (!r->diagnostic || !*r->diagnostic) {
        g_free (r->diagnostic);
        r->diagnostic = _bc_squeeze (m->body->str, MIN (m->ndr_len, 1500));
      }
    }
    for (guint i = 0; i < scan.recipients->len; i++) {
      g_ptr_array_add (report->recipients, g_ptr_array_index (scan.recipients, i));
      scan.recipients->pdata[i] = NULL;
    }
    report->recognizer = g_strdup (rec ? rec->name : "generic");
  } else if (rec || bounce) {
    fallback_recipients (m, report, &scan);
    report->recognizer = g_strdup (rec ? rec->name : "generic");
  } else if (autoreply) {
    char *from = m->from_addr[0] ? g_strdup (m->from_addr) : NULL;
    if (from) {
      BcRecipient *r = _bc_recipient_new (BC_SOURCE_AUTOREPLY);
      r->address = from;
      r->diagnostic = g_strdup (m->subject);
      g_ptr_array_add (report->recipients, r);
    }
    report->recognizer = g_strdup ("autoreply");
  }
  if (report->recipients->len) {
    /* "this message has been in the queue too long", said once for all
     * (and looked for only when a recipient could take it) */
    if (_bc_diag_note_wanted (report->recipients)) {
      char *note = _bc_diag_giveup_note (m);
      _bc_diag_add_note (report->recipients, note);
      g_free (note);
    }
    /* ... or, in a text-only warning read by the generic scan (no
     * recognizer knows the MTA, or the one that claimed it read nobody),
     * that it is still trying; a recognizer that read its recipients says
     * so itself, or keeps its family's convention */
    if (generic)
      _bc_diag_mark_delayed (m, report->recipients);
  }
  if (dsn.overflow) {
    report->truncated = TRUE;
    _bc_report_warn (report, "more than %u recipients; the rest were not read",
                     m->limits->max_recipients);
  }
  if (!report->reporting_mta && dsn.reporting_mta)
    report->reporting_mta = g_strdup (dsn.reporting_mta);
  for (guint i = 0; i < report->recipients->len; i++) {
    BcRecipient *r = g_ptr_array_index (report->recipients, i);
    if (!r->date)
      r->date = g_strdup (dsn.arrival_date ? dsn.arrival_date : m->date);
  }
  if (scan.feedback_type && !report->feedback_type)
    report->feedback_type = g_strdup (scan.feedback_type);
  g_ptr_array_unref (scan.recipients);
  g_free (scan.reporting_mta);
  g_free (scan.feedback_type);
  _bc_dsn_clear (&dsn);
}

/* wrapped_bounce - the bounce inside @m when @m is a bounce whose own
 * evidence names no failure (no DSN, no code in any diagnostic) and whose
 * returned message is itself a bounce; NULL otherwise. Forwarded bounces
 * ("Fwd:") and non-bounces are never unwrapped. */
static GMimeObject *
wrapped_bounce (const BcMime *m, const BcReport *report)
{
  GMimeObject *inner = NULL;
  const char *ct, *from;

  if (!_bc_looks_like_bounce (m) || _bc_subject_prefix (m->subject, BC_PREFIX_UNWRAP) || m->arf ||
      _bc_passes_on_bounce (m))
    return NULL;
  for (guint i = 0; i < report->recipients->len; i++) {
    BcRecipient *r = g_ptr_array_index (report->recipients, i);
    char st[16], rc[4];
    if (r->source == BC_SOURCE_DSN || r->source == BC_SOURCE_ARF || r->status[0] ||
        _bc_find_status (r->diagnostic, st) || _bc_find_reply (r->diagnostic, rc))
      return NULL;
  }
  if (m->orig_part && m->orig_text) {
    /* the returned message is not parsed yet: its header block says
     * whether it is a bounce, and only one is parsed */
    char *c = _bc_field_get (m->orig_text, "Content-Type");
    char *f = _bc_field_get (m->orig_text, "From");
    gboolean bounce = (c && _bc_strcasestr (c, "report-type=delivery-status")) ||
                      (f && (_bc_strcasestr (f, "mailer-daemon") || _bc_strcasestr (f, "postmaster")));
    g_free (c);
    g_free (f);
    if (!bounce)
      return NULL;
    inner = _bc_mime_orig_message (m);
  } else if (m->orig) {
    inner = _bc_mime_orig_message (m);
  } else if (m->ndr_len < m->body->len) {
    const char *t = m->body->str + m->ndr_len;
    const char *nl = strchr (t, '\n');
    if (nl && _bc_strcasestr_len (t, MIN (strlen (t), 4096), "multipart/report"))
      inner = _bc_mime_parse_bytes (nl + 1, strlen (nl + 1), NULL);
  }
  if (!inner)
    return NULL;
  ct = g_mime_object_get_header (inner, "Content-Type");
  from = g_mime_object_get_header (inner, "From");
  if ((ct && _bc_strcasestr (ct, "report-type=delivery-status")) ||
      (from && (_bc_strcasestr (from, "mailer-daemon") || _bc_strcasestr (from, "postmaster"))))
    return inner;
  g_object_unref (inner);
  return NULL;
}

/* ---- decision ------------------------------------------------------------ */

typedef struct {
  const BcMime *m;
  const BcRecipient *r;
  gboolean only_one;
} CommandQuery;

static const char *
command_of (gpointer data)
{
  const CommandQuery *q = data;
  return _bc_smtp_command_for (q->m, q->r, q->only_one);
}

/* returned_cause - for @r, which no rule decided and which has no code of
 * its own, the failure that the returned message states for it
 * (_bc_original_failure), read by the rules with @in's other facts into
 * @match. *@orig_text keeps the returned message's text for the next
 * recipient ("" when there is none). */
static gboolean
returned_cause (BcClassifier *cls, const BcMime *m, const BcRecipient *r, const BcRuleInput *in,
                char **orig_text, BcRuleMatch *match)
{
  BcRuleInput q = *in;
  char status[16] = "", reply[4] = "";
  g_autofree char *line = NULL;
  char *evidence;

  if (r->status[0] || r->reply_code[0] || !r->address)
    return FALSE;
  if (!*orig_text) {
    *orig_text = _bc_mime_orig_text (m, cls->limits.max_text);
    if (!*orig_text)
      *orig_text = g_strdup ("");
  }
  if (!(line = _bc_original_failure (*orig_text, r->address)))
    return FALSE;
  if (!_bc_find_status (line, status))
    status[0] = '\0';
  if (!_bc_find_reply (line, reply))
    reply[0] = '\0';
  q.status = status;
  q.reply_code = reply;
  q.diagnostic = line;
  q.command = NULL;                 /* the command of the quoted session is */
  q.command_fn = NULL;              /* not this bounce's */
  if (!_bc_rules_match (cls->rules, &q, match))
    return FALSE;
  evidence = g_strdup_printf ("returned message \"%s\"; %s", line,
                              match->evidence ? match->evidence : "");
  g_free (match->evidence);
  match->evidence = evidence;
  return TRUE;
}

static void
decide (BcClassifier *cls, const BcMime *m, BcReport *report, gint64 deadline)
{
  g_autofree char *orig_text = NULL;   /* for returned_cause() */
  const char *from_domain = domain_of (m->from_addr);
  /* read once for all recipients: looking each one up in the DSN text
   * would cost the square of their number */
  GHashTable *categories = _bc_dsn_categories (m, cls->limits.max_recipients + 1);

  for (guint i = 0; i < report->recipients->len; i++) {
    BcRecipient *r = g_ptr_array_index (report->recipients, i);
    BcRuleInput in = { 0 };
    BcRuleMatch match = { 0 };
    CommandQuery cq;
    guint h = 0;
    g_autofree char *unfolded = NULL;

    _bc_recipient_fill_codes (r);
    if (g_get_monotonic_time () > deadline) {
      if (i == 0 || !g_str_equal (r->reason, "undefined"))
        _bc_report_warn (report, "time budget of %u ms spent; later recipients left undefined",
                         cls->limits.max_msec);
      report->truncated = TRUE;
      _bc_decide (r, "undefined");
      continue;
    }
    in.status = r->status;
    in.reply_code = r->reply_code;
    /* a multi-line reply reads as one sentence once its repeated
     * "550-5.1.1" line prefixes are out; the record keeps them */
    unfolded = _bc_reply_unfold (r->diagnostic);
    in.diagnostic = unfolded ? unfolded : r->diagnostic;
    if (r->remote_mta)
      in.hosts[h++] = r->remote_mta;
    if (report->reporting_mta)
      in.hosts[h++] = report->reporting_mta;
    if (from_domain && *from_domain)
      in.hosts[h++] = from_domain;
    if (domain_of (r->address))
      in.hosts[h++] = domain_of (r->address);
    in.recognizer = report->recognizer;
    in.dsn_action = r->dsn_action;
    in.source = bc_source_to_string (r->source);
    if (categories && r->address) {
      char *key = g_ascii_strdown (r->address, -1);
      in.category = g_hash_table_lookup (categories, key);
      g_free (key);
    }
    cq.m = m;
    cq.r = r;
    cq.only_one = report->recipients->len == 1;
    in.command_fn = command_of;
    in.command_data = &cq;
    in.max_line = cls->limits.max_line;
    in.deadline = deadline;
    if (_bc_rules_match (cls->rules, &in, &match) ||
        returned_cause (cls, m, r, &in, &orig_text, &match)) {
      _bc_decide_permanent (r, match.reason, match.permanent);
      r->rule = g_strdup (match.origin);
      r->evidence = match.evidence;
      _bc_recipient_remote_status (r);
    } else {
      _bc_decide (r, "undefined");
      if (g_get_monotonic_time () > deadline) {
        /* the budget ran out inside the rules: the later recipients are
         * cut by the check above, this one is said here */
        report->truncated = TRUE;
        _bc_report_warn (report, "time budget of %u ms spent while deciding %s", cls->limits.max_msec,
                         r->address ? r->address : "a recipient");
      }
    }
  }
  if (categories)
    g_hash_table_unref (categories);
}

/* classify - the report for @message; @deadline (monotonic microseconds)
 * is when the time budget, counted from the first byte read, runs out.
 * Every stage is bounded by the size limits; the budget is checked between
 * stages and per recipient, so a message that is slow in any stage stops at
 * the next check with what it has, flagged truncated. */
static BcReport *
classify (BcClassifier *cls, GMimeObject *message, gint64 deadline)
{
  BcReport *report;
  BcMime *m;

  report = _bc_report_new ();
  m = _bc_mime_new (message, &cls->limits);
  gather (m, report, deadline);
  if (g_get_monotonic_time () <= deadline) {
    /* a bounce that only wraps the real one (a relay returning a bounce
     * it could not deliver): read the inner one instead */
    GMimeObject *inner = wrapped_bounce (m, report);
    if (inner) {
      BcMime *im = _bc_mime_new (inner, &cls->limits);
      g_ptr_array_set_size (report->recipients, 0);
      g_clear_pointer (&report->recognizer, g_free);
      g_clear_pointer (&report->reporting_mta, g_free);
      _bc_original_clear (&report->original);
      gather (im, report, deadline);
      for (guint i = 0; i < im->warnings->len; i++)
        g_ptr_array_add (m->warnings, g_strdup (g_ptr_array_index (im->warnings, i)));
      m->truncated |= im->truncated;
      _bc_mime_free (im);
      g_object_unref (inner);
    }
  }
  _bc_verp_apply (&cls->verp, m, report);
  decide (cls, m, report, deadline);
  for (guint i = 0; i < m->warnings->len; i++)
    g_ptr_array_add (report->warnings, g_strdup (g_ptr_array_index (m->warnings, i)));
  report->truncated |= m->truncated;
  _bc_mime_free (m);
  _bc_report_make_valid (report);
  return report;
}

BcReport *
bc_classifier_classify_message (BcClassifier *cls, GMimeMessage *message, GError **error)
{
  g_return_val_if_fail (cls != NULL && GMIME_IS_MESSAGE (message), NULL);
  return classify (cls, GMIME_OBJECT (message),
                   g_get_monotonic_time () + (gint64) cls->limits.max_msec * 1000);
}

BcReport *
bc_classifier_classify_bytes (BcClassifier *cls, const char *data, gsize len, GError **error)
{
  GMimeObject *msg;
  BcReport *report;
  GPtrArray *guard_warnings;
  gboolean cut = FALSE;
  gint64 deadline;

  g_return_val_if_fail (cls != NULL, NULL);
  deadline = g_get_monotonic_time () + (gint64) cls->limits.max_msec * 1000;
  if (len > cls->limits.max_message) {
    len = cls->limits.max_message;
    cut = TRUE;
  }
  guard_warnings = g_ptr_array_new_with_free_func (g_free);
  msg = _bc_mime_parse_split (data, len, &cls->limits, guard_warnings, error);
  if (!msg) {
    g_ptr_array_unref (guard_warnings);
    return NULL;
  }
  report = classify (cls, msg, deadline);
  g_object_unref (msg);
  if (report && guard_warnings->len) {
    report->truncated = TRUE;
    for (guint i = 0; i < guard_warnings->len; i++)
      g_ptr_array_add (report->warnings, g_strdup (g_ptr_array_index (guard_warnings, i)));
  }
  g_ptr_array_unref (guard_warnings);
  if (report && cut) {
    report->truncated = TRUE;
    _bc_report_warn (report, "message larger than %" G_GSIZE_FORMAT " bytes; the rest was not read",
                     cls->limits.max_message);
  }
  return report;
}

BcReport *
bc_classifier_classify_stream (BcClassifier *cls, GMimeStream *stream, GError **error)
{
  GByteArray *ba;
  GMimeStream *mem;
  BcReport *report;

  g_return_val_if_fail (cls != NULL && GMIME_IS_STREAM (stream), NULL);
  ba = g_byte_array_new ();
  mem = g_mime_stream_mem_new_with_byte_array (ba);
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (mem), FALSE);
  if (g_mime_stream_write_to_stream (stream, mem) < 0) {
    g_set_error (error, BC_ERROR, BC_ERROR_IO, "could not read the stream");
    g_object_unref (mem);
    g_byte_array_unref (ba);
    return NULL;
  }
  g_object_unref (mem);
  report = bc_classifier_classify_bytes (cls, (const char *) ba->data, ba->len, error);
  g_byte_array_unref (ba);
  return report;
}
