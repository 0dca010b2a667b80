/* report.c - the BcReport and BcRecipient data and their names. */
#include "bc-private.h"

#include <string.h>

BcRecipient *
_bc_recipient_new (BcSource source)
{
  BcRecipient *r = g_new0 (BcRecipient, 1);
  r->source = source;
  r->reason = "undefined";
  r->klass = BC_CLASS_SOFT;
  r->action = BC_ACTION_RETRY;
  return r;
}

void
_bc_recipient_free (BcRecipient *r)
{
  if (!r)
    return;
  g_free (r->address);
  g_free (r->original_recipient);
  g_free (r->dsn_action);
  g_free (r->diagnostic);
  g_free (r->remote_mta);
  g_free (r->date);
  g_free (r->rule);
  g_free (r->evidence);
  g_free (r);
}

BcReport *
_bc_report_new (void)
{
  BcReport *r = g_new0 (BcReport, 1);
  r->recipients = g_ptr_array_new_with_free_func ((GDestroyNotify) _bc_recipient_free);
  r->warnings = g_ptr_array_new_with_free_func (g_free);
  return r;
}

void
bc_report_free (BcReport *report)
{
  if (!report)
    return;
  g_ptr_array_unref (report->recipients);
  g_ptr_array_unref (report->warnings);
  g_free (report->recognizer);
  g_free (report->reporting_mta);
  g_free (report->feedback_type);
  g_free (report->verp);
  _bc_original_clear (&report->original);
  g_free (report);
}

void
_bc_report_warn (BcReport *r, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_ptr_array_add (r->warnings, g_strdup_vprintf (fmt, ap));
  va_end (ap);
}

/* utf8_valid - g_utf8_validate (@s, -1, NULL), the ASCII text that nearly
 * every string is told eight bytes a step: the validation starts at the
 * first word that holds a byte above 0x7f (what precedes it is ASCII, and
 * valid) */
static gboolean
utf8_valid (const char *s)
{
  const guint64 highs = G_GUINT64_CONSTANT (0x8080808080808080);
  gsize n = strlen (s), i = 0;

  for (; i + 8 <= n; i += 8) {
    guint64 x;
    memcpy (&x, s + i, 8);
    if (x & highs)
      return g_utf8_validate (s + i, -1, NULL);
  }
  for (; i < n; i++)
    if ((guchar) s[i] >= 0x80)
      return g_utf8_validate (s + i, -1, NULL);
  return TRUE;
}

static void
make_valid (char **s)
{
  if (*s && !utf8_valid (*s)) {
    char *v = g_utf8_make_valid (*s, -1);
    g_free (*s);
    *s = v;
  }
}

/* _bc_report_make_valid - every string in @r valid UTF-8, whatever came in. */
void
_bc_report_make_valid (BcReport *r)
{
  for (guint i = 0; i < r->recipients->len; i++) {
    BcRecipient *rc = g_ptr_array_index (r->recipients, i);
    make_valid (&rc->address);
    make_valid (&rc->original_recipient);
    make_valid (&rc->dsn_action);
    make_valid (&rc->diagnostic);
    make_valid (&rc->remote_mta);
    make_valid (&rc->date);
    make_valid (&rc->evidence);
  }
  make_valid (&r->reporting_mta);
  make_valid (&r->feedback_type);
  make_valid (&r->verp);
  make_valid (&r->original.message_id);
  make_valid (&r->original.from);
  make_valid (&r->original.to);
  make_valid (&r->original.subject);
  make_valid (&r->original.list_id);
  for (guint i = 0; i < r->warnings->len; i++)
    make_valid ((char **) &g_ptr_array_index (r->warnings, i));
}

guint
bc_report_n_recipients (const BcReport *report)
{
  g_return_val_if_fail (report != NULL, 0);
  return report->recipients->len;
}

const BcRecipient *
bc_report_get_recipient (const BcReport *report, guint i)
{
  g_return_val_if_fail (report != NULL && i < report->recipients->len, NULL);
  return g_ptr_array_index (report->recipients, i);
}

const char *
bc_class_to_string (BcClass klass)
{
  static const char *const names[] = { "hard", "soft", "spam-block", "mailbox-full",
                                       "complaint", "auto-reply", "delivered" };
  return (guint) klass < G_N_ELEMENTS (names) ? names[klass] : "soft";
}

const char *
bc_action_to_string (BcAction action)
{
  static const char *const names[] = { "suppress", "retry", "ignore" };
  return (guint) action < G_N_ELEMENTS (names) ? names[action] : "retry";
}

const char *
bc_source_to_string (BcSource source)
{
  static const char *const names[] = { "dsn", "text", "header", "arf", "autoreply", "original",
                                       "verp" };
  return (guint) source < G_N_ELEMENTS (names) ? names[source] : "text";
}

GQuark
bc_error_quark (void)
{
  return g_quark_from_static_string ("bounceclass-error-quark");
}

void
bc_limits_init (BcLimits *l)
{
  g_return_if_fail (l != NULL);
  l->max_message = BC_DEFAULT_MAX_MESSAGE;
  l->max_depth = BC_DEFAULT_MAX_DEPTH;
  l->max_parts = BC_DEFAULT_MAX_PARTS;
  l->max_headers = BC_DEFAULT_MAX_HEADERS;
  l->max_text = BC_DEFAULT_MAX_TEXT;
  l->max_line = BC_DEFAULT_MAX_LINE;
  l->max_recipients = BC_DEFAULT_MAX_RCPTS;
  l->max_msec = BC_DEFAULT_MAX_MSEC;
}
