/* text.c - the readable output: one line per recipient.
 *
 *   FILE: ADDRESS  CLASS  ACTION  STATUS  REPLY  REASON  "DIAGNOSTIC"
 *
 * Control characters in any field are shown as '?', so a line is a line.
 */
#include "bc-private.h"

#include <string.h>

static void
append_clean (GString *out, const char *s, gsize max)
{
  gsize n = 0;

  if (!s || !*s) {
    g_string_append_c (out, '-');
    return;
  }
  for (const char *p = s; *p && n < max; p = g_utf8_next_char (p), n++) {
    gunichar c = g_utf8_get_char (p);
    if (c < 0x20 || c == 0x7f)
      g_string_append_c (out, '?');
    else
      g_string_append_unichar (out, c);
  }
  if (n >= max)
    g_string_append (out, "...");
}

void
bc_report_append_text (const BcReport *report, const BcRecordInfo *info, gboolean explain,
                       GString *out)
{
  char pos[32] = "";
  g_autofree char *file = NULL;

  {
    /* a path is bytes, not always UTF-8, and may hold control characters */
    g_autofree char *valid = g_utf8_make_valid (info->file ? info->file : "-", -1);
    GString *f = g_string_new (NULL);
    append_clean (f, valid, 1024);
    file = g_string_free (f, FALSE);
  }

  if (info->index)
    g_snprintf (pos, sizeof pos, "#%" G_GUINT64_FORMAT, info->index);
  if (info->error) {
    g_string_append_printf (out, "%s%s: error: ", file, pos);
    append_clean (out, info->error, 500);
    g_string_append_c (out, '\n');
    return;
  }
  if (!report || report->recipients->len == 0) {
    g_string_append_printf (out, "%s%s: no failed recipients (%s)\n", file, pos,
                            report && report->recognizer ? report->recognizer : "not a bounce");
    return;
  }
  for (guint i = 0; i < report->recipients->len; i++) {
    const BcRecipient *r = g_ptr_array_index (report->recipients, i);
    g_string_append_printf (out, "%s%s: ", file, pos);
    append_clean (out, r->address, 320);
    g_string_append_printf (out, "  %s  %s  %s  %s  %s  \"", bc_class_to_string (r->klass),
                            bc_action_to_string (r->action), r->status[0] ? r->status : "-",
                            r->reply_code[0] ? r->reply_code : "-", r->reason);
    append_clean (out, r->diagnostic, 300);
    g_string_append (out, "\"\n");
    if (explain) {
      g_string_append (out, "    rule: ");
      append_clean (out, r->rule, 200);
      g_string_append (out, "\n    evidence: ");
      append_clean (out, r->evidence, 300);
      g_string_append_printf (out, "\n    source: %s, recognizer: %s\n", bc_source_to_string (r->source),
                              report->recognizer ? report->recognizer : "-");
    }
  }
}
