/* adopt.h - the CLI's output formats, summary, progress line, output file,
 * VERP options and the two delivery modes (--pipe for MTAs, --sweep for a
 * Maildir). main.c adds bc_cli_entries() to its option group and calls the
 * functions below; everything here keeps its state in one static struct, as
 * a process runs one command.
 */
#ifndef BC_CLI_ADOPT_H
#define BC_CLI_ADOPT_H

#include <bounceclass/bounceclass.h>

typedef enum { FMT_TEXT, FMT_JSON, FMT_TSV, FMT_CSV } Format;

/* exit status of --pipe when the record could not be written: sysexits.h
 * EX_TEMPFAIL, which Postfix pipe(8) and Exim's pipe transport both read as
 * "defer and retry" */
#define BC_EXIT_TEMPFAIL 75

/* bc_cli_prescan - notes --pipe before option parsing, so that even a usage
 * error exits with BC_EXIT_TEMPFAIL under an MTA. */
void bc_cli_prescan (int argc, char **argv);

/* bc_cli_fail_status - the exit status for a usage or set-up error: 2, or
 * BC_EXIT_TEMPFAIL in --pipe mode. */
int bc_cli_fail_status (void);

/* bc_cli_entries - the options this file handles, NULL-terminated. */
const GOptionEntry *bc_cli_entries (void);

/* bc_cli_prepare - applies the options to @cls, opens the output, writes a
 * table header. In --pipe or --sweep mode it then does all the work and
 * returns the exit status; otherwise it returns -1 and main goes on. */
int bc_cli_prepare (BcClassifier *cls, Format format, gboolean explain);

/* bc_cli_render - appends the record(s) for one message to @out in the
 * chosen format and counts it for --summary. Thread-safe. */
void bc_cli_render (Format format, gboolean explain, const BcReport *report,
                    const BcRecordInfo *info, GString *out);

/* bc_cli_progress_tick - one more message read; may redraw the progress
 * line on stderr (only when stderr is a terminal). */
void bc_cli_progress_tick (void);

/* bc_cli_finish - clears the progress line, prints the summary. Returns
 * FALSE when writing the output failed. */
gboolean bc_cli_finish (Format format);

/* sweep.c */
int bc_cli_sweep (BcClassifier *cls, const char *maildir, const char *move_to,
                  const char *output, Format format, gboolean explain);

/* output file helpers shared by --pipe and --sweep (adopt.c) */
int bc_cli_output_open (const char *path);
gboolean bc_cli_output_append (int fd, const char *header, const GString *rec, GError **error);
void bc_cli_table_header (Format format, GString *out);

#endif
