/* output.h - render a BcReport as JSON Lines or as readable text.
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

G_END_DECLS

#endif
