/* output.h - render a BcReport as JSON Lines, readable text, TSV or CSV.
 *
 * These functions are the only place that formats a report. They append to a
 * caller-owned GString and never fail.
 */
#ifndef BOUNCECLASS_OUTPUT_H
#define BOUNCECLASS_OUTPUT_H

#include <glib.h>
#include <bounceclass/report.h>

G_BEGIN_DECLS

/**
 * BcRecordInfo:
 * @file: (nullable): the path the message was read from, "-" for stdin
 * @index: the 1-based position of the message in an mbox, 0 otherwise
 * @error: (nullable): why the message could not be read; with @error set
 *   the report may be NULL
 */
typedef struct {
  const char *file;
  guint64 index;
  const char *error;
} BcRecordInfo;

/**
 * bc_report_append_json:
 * @report: (nullable): the report, NULL for an error record
 * @info: where the message came from
 * @out: the string to append one line of JSON (with its newline) to
 */
void bc_report_append_json (const BcReport *report, const BcRecordInfo *info, GString *out);

/**
 * bc_report_append_text:
 * @report: (nullable): the report, NULL for an error record
 * @info: where the message came from
 * @explain: also print, under each recipient, the rule that fired and
 *   the evidence it matched
 * @out: the string to append lines to
 */
void bc_report_append_text (const BcReport *report, const BcRecordInfo *info,
                            gboolean explain, GString *out);

/**
 * BcTableFormat:
 * @BC_TABLE_TSV: tab-separated values; backslash, tab, CR and LF inside a
 *   field are written as \\, \t, \r and \n
 * @BC_TABLE_CSV: comma-separated values as RFC 4180 (quoted where needed,
 *   CRLF line ends)
 * @BC_TABLE_TEXT: columns separated by two spaces, "-" for an empty field
 */
typedef enum {
  BC_TABLE_TSV,
  BC_TABLE_CSV,
  BC_TABLE_TEXT,
} BcTableFormat;

/**
 * bc_output_field_names:
 *
 * The columns a row can have: "file", "index", "error", "recognizer",
 * "reporting_mta", "feedback_type", "verp", "address", "original_recipient",
 * "dsn_action", "status", "reply_code", "reason", "class", "action",
 * "source", "diagnostic", "remote_mta", "date", "rule", "evidence",
 * "message_id", "original_from", "original_to", "subject", "list_id".
 *
 * Returns: (transfer none) (array zero-terminated=1): every field name
 */
const char *const *bc_output_field_names (void);

/**
 * bc_output_default_fields:
 * Returns: (transfer none) (array zero-terminated=1): the columns used when
 *   none are chosen: file, index, address, reason, class, action, status,
 *   reply_code, source, recognizer, diagnostic, error
 */
const char *const *bc_output_default_fields (void);

/**
 * bc_output_fields_parse:
 * @spec: a comma-separated list of field names, such as "address,class,action"
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the names, free with g_strfreev();
 *   NULL with @error set (BC_ERROR_INVALID) for an unknown or empty list
 */
char **bc_output_fields_parse (const char *spec, GError **error);

/**
 * bc_table_append_header:
 * @format: the table format
 * @fields: (nullable) (array zero-terminated=1): the columns, NULL for the defaults
 * @out: the string to append the header line to
 */
void bc_table_append_header (BcTableFormat format, const char *const *fields, GString *out);

/**
 * bc_report_append_table:
 * @report: (nullable): the report, NULL for an error record
 * @info: where the message came from
 * @format: the table format
 * @fields: (nullable) (array zero-terminated=1): the columns, NULL for the defaults
 * @out: the string to append rows to
 *
 * Appends one row per recipient; a message with no recipient or with
 * @info->error set gets one row whose recipient fields are empty.
 */
void bc_report_append_table (const BcReport *report, const BcRecordInfo *info,
                             BcTableFormat format, const char *const *fields, GString *out);

/**
 * bc_report_append_json_fields:
 * @report: (nullable): the report, NULL for an error record
 * @info: where the message came from
 * @fields: (nullable) (array zero-terminated=1): the members, NULL for the defaults
 * @out: the string to append to
 *
 * Like bc_report_append_table() but each row is a flat JSON object on a
 * line of its own, with exactly the members @fields names (null where a
 * field has no value; "index" is a number).
 */
void bc_report_append_json_fields (const BcReport *report, const BcRecordInfo *info,
                                   const char *const *fields, GString *out);

G_END_DECLS

#endif
