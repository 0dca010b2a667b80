/* table.c - reports as rows: TSV, CSV, selected columns, flat JSON.
 *
 * One row per recipient; a message with no recipient, or one that could not
 * be read, still gets one row (address empty, error set) so that every input
 * message is accounted for. The columns are named fields (see
 * bc_output_field_names()).
 *
 * TSV follows the IANA text/tab-separated-values rules: a field never holds
 * a tab or a line end, so backslash, tab, CR and LF are written as \\, \t,
 * \r and \n. CSV follows RFC 4180: a field holding a comma, a quote, CR or
 * LF, or starting or ending with a space, is quoted and its quotes doubled;
 * lines end in CRLF. Other control characters become '?' in both. Fields
 * are cut at MAX_FIELD characters.
 */
#include "bc-private.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define MAX_FIELD 2000

static const char *const field_names[] = {
  "file", "index", "error", "recognizer", "reporting_mta", "feedback_type", "verp",
  "address", "original_recipient", "dsn_action", "status", "reply_code", "reason", "class",
  "action", "source", "diagnostic", "remote_mta", "date", "rule", "evidence",
  "message_id", "original_from", "original_to", "subject", "list_id", NULL
};

static const char *const default_fields[] = {
  "file", "index", "address", "reason", "class", "action", "status", "reply_code", "source",
  "recognizer", "diagnostic", "error", NULL
};

const char *const *
bc_output_field_names (void)
{
  return field_names;
}

const char *const *
bc_output_default_fields (void)
{
  return default_fields;
}

static gboolean
known_field (const char *name)
{
  for (guint i = 0; field_names[i]; i++)
    if (g_str_equal (field_names[i], name))
      return TRUE;
  return FALSE;
}

char **
bc_output_fields_parse (const char *spec, GError **error)
{
  char **parts;
  GPtrArray *out;

  g_return_val_if_fail (spec != NULL, NULL);
  parts = g_strsplit (spec, ",", 64);
  out = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; parts[i]; i++) {
    char *f = g_strstrip (parts[i]);
    if (!*f)
      continue;
    if (!known_field (f)) {
      char *all = g_strjoinv (",", (char **) field_names);
      g_set_error (error, BC_ERROR, BC_ERROR_INVALID, "unknown field '%s' (known: %s)", f, all);
      g_free (all);
      g_strfreev (parts);
      g_ptr_array_unref (out);
      return NULL;
    }
    g_ptr_array_add (out, g_strdup (f));
  }
  g_strfreev (parts);
  if (out->len == 0) {
    g_set_error (error, BC_ERROR, BC_ERROR_INVALID, "no field named in '%s'", spec);
    g_ptr_array_unref (out);
    return NULL;
  }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

/* value - the field @name of one row; NULL when it has none. @buf holds
 * numbers. */
static const char *
value (const char *name, const BcReport *rep, const BcRecordInfo *info, const BcRecipient *r,
       char buf[32])
{
  const BcOriginal *o = rep ? &rep->original : NULL;

  switch (name[0]) {
  case 'a':
    if (g_str_equal (name, "address"))
      return r ? r->address : NULL;
    if (g_str_equal (name, "action"))
      return r ? bc_action_to_string (r->action) : NULL;
    break;
  case 'c':
    if (g_str_equal (name, "class"))
      return r ? bc_class_to_string (r->klass) : NULL;
    break;
  case 'd':
    if (g_str_equal (name, "diagnostic"))
      return r ? r->diagnostic : NULL;
    if (g_str_equal (name, "dsn_action"))
      return r ? r->dsn_action : NULL;
    if (g_str_equal (name, "date"))
      return r ? r->date : NULL;
    break;
  case 'e':
    if (g_str_equal (name, "error"))
      return info->error;
    if (g_str_equal (name, "evidence"))
      return r ? r->evidence : NULL;
    break;
  case 'f':
    if (g_str_equal (name, "file"))
      return info->file ? info->file : "-";
    if (g_str_equal (name, "feedback_type"))
      return rep ? rep->feedback_type : NULL;
    break;
  case 'i':
    if (g_str_equal (name, "index")) {
      if (!info->index)
        return NULL;
      g_snprintf (buf, 32, "%" G_GUINT64_FORMAT, info->index);
      return buf;
    }
    break;
  case 'l':
    if (g_str_equal (name, "list_id"))
      return o ? o->list_id : NULL;
    break;
  case 'm':
    if (g_str_equal (name, "message_id"))
      return o ? o->message_id : NULL;
    break;
  case 'o':
    if (g_str_equal (name, "original_recipient"))
      return r ? r->original_recipient : NULL;
    if (g_str_equal (name, "original_from"))
      return o ? o->from : NULL;
    if (g_str_equal (name, "original_to"))
      return o ? o->to : NULL;
    break;
  case 'r':
    if (g_str_equal (name, "reason"))
      return r ? r->reason : NULL;
    if (g_str_equal (name, "reply_code"))
      return r && r->reply_code[0] ? r->reply_code : NULL;
    if (g_str_equal (name, "recognizer"))
      return rep ? rep->recognizer : NULL;
    if (g_str_equal (name, "reporting_mta"))
      return rep ? rep->reporting_mta : NULL;
    if (g_str_equal (name, "remote_mta"))
      return r ? r->remote_mta : NULL;
    if (g_str_equal (name, "rule"))
      return r ? r->rule : NULL;
    break;
  case 's':
    if (g_str_equal (name, "status"))
      return r && r->status[0] ? r->status : NULL;
    if (g_str_equal (name, "source"))
      return r ? bc_source_to_string (r->source) : NULL;
    if (g_str_equal (name, "subject"))
      return o ? o->subject : NULL;
    break;
  case 'v':
    if (g_str_equal (name, "verp"))
      return rep ? rep->verp : NULL;
    break;
  }
  return NULL;
}

static void
put_tsv (GString *out, const char *s)
{
  guint n = 0;

  if (!s)
    return;
  for (const char *p = s; *p && n < MAX_FIELD; p = g_utf8_next_char (p), n++) {
    gunichar c = g_utf8_get_char (p);
    switch (c) {
    case '\\': g_string_append (out, "\\\\"); break;
    case '\t': g_string_append (out, "\\t"); break;
    case '\n': g_string_append (out, "\\n"); break;
    case '\r': g_string_append (out, "\\r"); break;
    default:
      if (c < 0x20 || c == 0x7f)
        g_string_append_c (out, '?');
      else
        g_string_append_unichar (out, c);
    }
  }
}

static void
put_csv (GString *out, const char *s)
{
  gsize len;
  gboolean quote;
  guint n = 0;

  if (!s)
    return;
  len = strlen (s);
  quote = strpbrk (s, ",\"\r\n") != NULL || (len && (s[0] == ' ' || s[len - 1] == ' '));
  if (quote)
    g_string_append_c (out, '"');
  for (const char *p = s; *p && n < MAX_FIELD; p = g_utf8_next_char (p), n++) {
    gunichar c = g_utf8_get_char (p);
    if (c == '"')
      g_string_append (out, "\"\"");
    else if (c == '\r' || c == '\n')
      g_string_append_c (out, (char) c);
    else if (c < 0x20 || c == 0x7f)
      g_string_append_c (out, '?');
    else
      g_string_append_unichar (out, c);
  }
  if (quote)
    g_string_append_c (out, '"');
}

static void
put_text (GString *out, const char *s)
{
  guint n = 0;

  if (!s || !*s) {
    g_string_append_c (out, '-');
    return;
  }
  for (const char *p = s; *p && n < MAX_FIELD; p = g_utf8_next_char (p), n++) {
    gunichar c = g_utf8_get_char (p);
    g_string_append_unichar (out, c < 0x20 || c == 0x7f ? '?' : c);
  }
}

static void
put (BcTableFormat format, GString *out, const char *s)
{
  char *valid = NULL;

  /* file names and error texts may come in any encoding */
  if (s && !g_utf8_validate (s, -1, NULL))
    s = valid = g_utf8_make_valid (s, -1);
  if (format == BC_TABLE_CSV)
    put_csv (out, s);
  else if (format == BC_TABLE_TEXT)
    put_text (out, s);
  else
    put_tsv (out, s);
  g_free (valid);
}

static const char *
field_sep (BcTableFormat format)
{
  return format == BC_TABLE_CSV ? "," : format == BC_TABLE_TEXT ? "  " : "\t";
}

static const char *
line_end (BcTableFormat format)
{
  return format == BC_TABLE_CSV ? "\r\n" : "\n";
}

void
bc_table_append_header (BcTableFormat format, const char *const *fields, GString *out)
{
  g_return_if_fail (out != NULL);
  if (!fields)
    fields = default_fields;
  for (guint i = 0; fields[i]; i++) {
    if (i)
      g_string_append (out, field_sep (format));
    put (format, out, fields[i]);
  }
  g_string_append (out, line_end (format));
}

static void
row (BcTableFormat format, const char *const *fields, const BcReport *rep,
     const BcRecordInfo *info, const BcRecipient *r, GString *out)
{
  char buf[32];

  for (guint i = 0; fields[i]; i++) {
    if (i)
      g_string_append (out, field_sep (format));
    put (format, out, value (fields[i], rep, info, r, buf));
  }
  g_string_append (out, line_end (format));
}

void
bc_report_append_table (const BcReport *report, const BcRecordInfo *info, BcTableFormat format,
                        const char *const *fields, GString *out)
{
  g_return_if_fail (info != NULL && out != NULL);
  if (!fields)
    fields = default_fields;
  if (info->error || !report || report->recipients->len == 0) {
    row (format, fields, info->error ? NULL : report, info, NULL, out);
    return;
  }
  for (guint i = 0; i < report->recipients->len; i++)
    row (format, fields, report, info, g_ptr_array_index (report->recipients, i), out);
}

void
bc_report_append_json_fields (const BcReport *report, const BcRecordInfo *info,
                              const char *const *fields, GString *out)
{
  guint n;

  g_return_if_fail (info != NULL && out != NULL);
  if (!fields)
    fields = default_fields;
  n = (info->error || !report || report->recipients->len == 0) ? 1 : report->recipients->len;
  for (guint i = 0; i < n; i++) {
    const BcRecipient *r = (info->error || !report || report->recipients->len == 0)
                             ? NULL : g_ptr_array_index (report->recipients, i);
    g_autoptr (JsonBuilder) b = json_builder_new ();
    g_autoptr (JsonGenerator) gen = json_generator_new ();
    g_autoptr (JsonNode) root = NULL;
    char buf[32], *text;

    json_builder_begin_object (b);
    for (guint f = 0; fields[f]; f++) {
      const char *v = value (fields[f], info->error ? NULL : report, info, r, buf);
      json_builder_set_member_name (b, fields[f]);
      if (g_str_equal (fields[f], "index"))
        json_builder_add_int_value (b, (gint64) info->index);
      else if (!v)
        json_builder_add_null_value (b);
      else if (g_utf8_validate (v, -1, NULL))
        json_builder_add_string_value (b, v);
      else {
        char *valid = g_utf8_make_valid (v, -1);
        json_builder_add_string_value (b, valid);
        g_free (valid);
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
}
