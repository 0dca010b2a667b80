/* recognizers.h - the table of free-text NDR recognizers.
 *
 * Each recognizer lives in a file of its own and exports one BcRecognizer.
 * To add one: write NAME.c defining `const BcRecognizer _bc_rec_NAME`, list
 * it here and in registry.c (order matters: specific before general), and
 * add the file to src/meson.build.
 */
#ifndef BC_RECOGNIZERS_H
#define BC_RECOGNIZERS_H

#include "bc-private.h"

#define BC_RECOGNIZER(name) G_GNUC_INTERNAL extern const BcRecognizer _bc_rec_##name;
#include "recognizers.def"
#undef BC_RECOGNIZER

/* table-driven detection (spec.c): a message is the recognizer's when any
 * of @headers ("Name" or "Name: needle") is present, or the report text
 * holds any of @body, or the From contains any of @from or is in one of
 * @domains and (when @subjects is set) the Subject starts with one of
 * @subjects. Lists are NULL-ended; any may be NULL. */
typedef struct {
  const char *const *headers;
  const char *const *body;
  const char *const *from;
  const char *const *domains;
  const char *const *subjects;
} BcRecSpec;

G_GNUC_INTERNAL gboolean _bc_rec_spec_match (const BcMime *m, const BcRecSpec *spec);
G_GNUC_INTERNAL gboolean _bc_from_domain_is (const BcMime *m, const char *domain);

/* shared helpers for recognizers (scan.c) */
G_GNUC_INTERNAL void _bc_scan_section (BcScan *s, const char *start_marker, const char *end_marker);
G_GNUC_INTERNAL void _bc_scan_first_section (BcScan *s, const char *const *starts,
                                             const char *end_marker);
G_GNUC_INTERNAL void _bc_scan_range (const BcScan *s, const char *start_marker,
                                     const char *end_marker, const char **out_b,
                                     const char **out_e);
G_GNUC_INTERNAL void _bc_scan_sentences (BcScan *s, const char *text, gsize len);
G_GNUC_INTERNAL char *_bc_scan_paragraph (const BcScan *s, const char *marker, gboolean same_line);
G_GNUC_INTERNAL void _bc_scan_give_diag (BcScan *s, const char *diag, gboolean all);
/* scans from the first "following recipient", "following address" or "could
 * not be delivered" line: the list shape most small servers write */
G_GNUC_INTERNAL void _bc_scan_listed (BcScan *s);
/* adds each address of X-Failed-Recipients (at most 16) with @diag */
G_GNUC_INTERNAL void _bc_scan_failed_header (BcScan *s, const char *diag);
G_GNUC_INTERNAL void _bc_scan_labelled (BcScan *s, const char *label, const char *diag);

#endif
