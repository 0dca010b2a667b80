/* json.c - one JSON Lines record per message, written with json-glib.
 *
 * The record is {"file", "index"?, "error"?, "recognizer", "recipients":
 * [...], "original": {...}, "warnings"?}; docs/json-schema.md describes
 * it. Strings in a report are valid UTF-8 already, and json-glib escapes
 * control characters, so the line is always valid JSON.
 */
#include "bc-private.h"

#include <json-glib/json-glib.h>

static void
member (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
member_opt (JsonBuilder *b, const char *name, const char *value)
{
  if (value)
    member (b, name, value);
}

static void
recipient (JsonBuilder *b, const BcRecipient *r)
{
  json_builder_begin_object (b);
  member (b, "address", r->address ? r->address : "");
  member (b, "status", r->status);
  member (b, "reply_code", r->reply_code);
  member (b, "reason", r->reason);
  member (b, "class", bc_class_to_string (r->klass));
  member (b, "action", bc_action_to_string (r->action));
  member_opt (b, "original_recipient", r->original_recipient);
  member_opt (b, "dsn_action", r->dsn_action);
  member (b, "diagnostic", r->diagnostic);
  member_opt (b, "remote_mta", r->remote_mta);
  member_opt (b, "date", r->date);
  member (b, "source", bc_source_to_string (r->source));
  member (b, "rule", r->rule);
  member_opt (b, "evidence", r->evidence);
  json_builder_end_object (b);
}

void
bc_report_append_json (const BcReport *report, const BcRecordInfo *info, GString *out)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  char *text;

  g_return_if_fail (info != NULL && out != NULL);
  json_builder_begin_object (b);
  member (b, "file", info->file ? info->file : "-");
  if (info->index) {
    json_builder_set_member_name (b, "index");
    json_builder_add_int_value (b, (gint64) info->index);
  }
  if (info->error) {
    char *e = g_utf8_make_valid (info->error, -1);
    member (b, "error", e);
    g_free (e);
  }
  member (b, "recognizer", report ? report->recognizer : NULL);
  json_builder_set_member_name (b, "recipients");
  json_builder_begin_array (b);
  if (report)
    for (guint i = 0; i < report->recipients->len; i++)
      recipient (b, g_ptr_array_index (report->recipients, i));
  json_builder_end_array (b);
  if (report) {
    const BcOriginal *o = &report->original;
    member_opt (b, "reporting_mta", report->reporting_mta);
    member_opt (b, "feedback_type", report->feedback_type);
    if (o->message_id || o->from || o->to || o->subject || o->list_id) {
      json_builder_set_member_name (b, "original");
      json_builder_begin_object (b);
      member_opt (b, "message_id", o->message_id);
      member_opt (b, "from", o->from);
      member_opt (b, "to", o->to);
      member_opt (b, "subject", o->subject);
      member_opt (b, "list_id", o->list_id);
      json_builder_end_object (b);
    }
    if (report->truncated) {
      json_builder_set_member_name (b, "truncated");
      json_builder_add_boolean_value (b, TRUE);
    }
    if (report->warnings->len) {
      json_builder_set_member_name (b, "warnings");
      json_builder_begin_array (b);
      for (guint i = 0; i < report->warnings->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (report->warnings, i));
      json_builder_end_array (b);
    }
  }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  g_string_append (out, text);
  g_string_append_c (out, '\n');
  g_free (text);
}
