/* fuzz-text.c - the free-text recognizers and the generic block scanner.
 *
 * Input: the first line is the bounce's From, the second its Subject, the
 * rest its report text (the body of a text/plain message). The first byte
 * of the From line picks which scanner runs: one recognizer's detection
 * and scan() (not only the one detection would pick), or the generic block
 * scanner. Running one scanner per input rather than all of them keeps an
 * execution cheap, so a long run reaches every scanner many million times;
 * libFuzzer learns the selector like any other byte. Recognizer selection
 * and the auto-reply tests run on every input. Recipients must be
 * addresses, at most the limit.
 */
#include "fuzz-common.h"

#include "evidence/recognizers/recognizers.h"
#include <string.h>

#define MAX_RCPTS 50

static const BcRecognizer *const table[] = {
#define BC_RECOGNIZER(name) &_bc_rec_##name,
#include "evidence/recognizers/recognizers.def"
#undef BC_RECOGNIZER
  NULL
};

static void
check_scan (BcScan *s)
{
  FUZZ_CHECK (s->recipients->len <= MAX_RCPTS);
  for (guint i = 0; i < s->recipients->len; i++) {
    BcRecipient *r = g_ptr_array_index (s->recipients, i);
    FUZZ_CHECK (r->address && strchr (r->address, '@'));
    if (r->diagnostic && !g_utf8_validate (r->diagnostic, -1, NULL) && g_getenv ("FUZZ_DEBUG"))
      fprintf (stderr, "diag [%s] addr [%s]\n", r->diagnostic, r->address);
    if (r->diagnostic)
      FUZZ_CHECK (g_utf8_validate (r->diagnostic, -1, NULL));
    _bc_recipient_fill_codes (r);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean inited;
  static BcLimits limits;
  const char *p = (const char *) data, *end = p + size;
  const char *l1 = memchr (p, '\n', size);
  const char *l2 = l1 ? memchr (l1 + 1, '\n', end - l1 - 1) : NULL;
  GString *head;
  GMimeObject *msg;
  BcMime *m;

  if (!inited) {
    g_mime_init ();
    bc_limits_init (&limits);
    limits.max_recipients = MAX_RCPTS;
    inited = TRUE;
  }
  if (!l1 || !l2)
    return 0;
  /* the text goes in as the body of a text/plain message, so that the
   * BcMime (body, its folded copy, ndr_len) is built as for real mail */
  head = g_string_new ("From: ");
  g_string_append_len (head, p, MIN (l1 - p, 300));
  g_string_append (head, "\nSubject: ");
  g_string_append_len (head, l1 + 1, MIN (l2 - l1 - 1, 300));
  g_string_append (head, "\nContent-Type: text/plain; charset=utf-8\n\n");
  g_string_append_len (head, l2 + 1, end - l2 - 1);
  msg = _bc_mime_parse_bytes (head->str, head->len, NULL);
  g_string_free (head, TRUE);
  if (!msg)
    return 0;
  m = _bc_mime_new (msg, &limits);
  g_object_unref (msg);

  {
    guint n = G_N_ELEMENTS (table) - 1, pick = size ? data[0] % (n + 1) : n;
    BcScan s = { .mime = m, .max_rcpts = MAX_RCPTS };
    s.recipients = g_ptr_array_new_with_free_func ((GDestroyNotify) _bc_recipient_free);
    if (pick < n) {
      if (g_getenv ("FUZZ_DEBUG"))
        fprintf (stderr, "recognizer %s\n", table[pick]->name);
      _bc_recognizer_claims (table[pick], m);
      table[pick]->scan (&s);
    } else
      _bc_scan_blocks (&s, m->body->str, m->body->len);
    check_scan (&s);
    g_ptr_array_unref (s.recipients);
    g_free (s.reporting_mta);
    g_free (s.feedback_type);
  }
  _bc_recognizer_detect (m);
  _bc_autoreply_detect (m);
  _bc_looks_like_bounce (m);
  _bc_mime_free (m);
  return 0;
}
