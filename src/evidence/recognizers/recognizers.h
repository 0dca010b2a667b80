/* recognizers.h - the table of free-text NDR recognizers.
 *
 * Each recognizer lives in a file of its own and exports one BcRecognizer.
 * To add one: write NAME.c defining `const BcRecognizer _bc_rec_NAME`, list
 * it in recognizers.def (order matters: specific before general), and add
 * the file to src/meson.build.
 *
 * Detection is declared, not searched for, wherever it can be: a
 * recognizer gives a BcRecSpec (headers, report phrases, From, domains,
 * Subject prefixes, and the family's own words that a sign shared with
 * other mailers needs beside it) and, only when it needs logic the table
 * cannot say, a detect() that asks the BcRecProbe. Every report phrase of
 * every spec is known at start-up, so one pass over the report text
 * (spec.c) answers all of them for a message; detect() never searches the
 * report text for a phrase itself. Limits: over all specs, at most BC_REC_MAX_PHRASES report
 * phrases, BC_REC_MAX_FROM From needles and BC_REC_MAX_HEADER_NAMES
 * distinct header names, and at most BC_REC_MAX_RECOGNIZERS recognizers
 * (checked once, at the first detection; going over is a programming
 * error that aborts with a message saying which limit to raise).
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
 * @subjects, on a bounce (_bc_looks_like_bounce).
 *
 * The rest is for signs that other mailers show too: a From, a Subject, a
 * sentence copied from the family. @confirm (report phrases) and
 * @confirm_headers (entries as @headers) are the family's own words and
 * stamps; when either is set, a claim by From or domain needs one of them
 * too. So does a claim by Subject alone, which a spec makes by giving
 * @subjects without @from and @domains (no bounce is asked: the family's
 * own sentence under its Subject says enough; @from { "" }, which any From
 * holds, asks for a bounce as well), and a claim by @shared, report phrases
 * that are the family's but not only its. @headers and @body claim alone.
 *
 * @phrases decide nothing by themselves: they are report phrases a
 * detect() of its own asks about one by one, by their index
 * (_bc_rec_said). Lists are NULL-ended; any may be NULL. Header names are
 * compared as written (GMime's lookup ignores case); needles, phrases and
 * From needles ignore ASCII case. */
struct _BcRecSpec {
  const char *const *headers;
  const char *const *body;
  const char *const *from;
  const char *const *domains;
  const char *const *subjects;
  const char *const *shared;
  const char *const *confirm;
  const char *const *confirm_headers;
  const char *const *phrases;
};

#define BC_REC_MAX_RECOGNIZERS 256
#define BC_REC_MAX_PHRASES 512
#define BC_REC_MAX_FROM 128
#define BC_REC_MAX_HEADER_NAMES 64

/* BcRecProbe - one message being detected, and what has been found out
 * about it so far. It lives on the stack of _bc_recognizer_detect() for one
 * message only, so threads never share one; the tables it reads are built
 * once and only read afterwards. Only @m is for detect() to read directly;
 * the rest belongs to spec.c. */
struct _BcRecProbe {
  const BcMime *m;
  /* private (spec.c, registry.c) */
  const BcRecSpec *spec;    /* of the recognizer being asked */
  guint index;              /* its place in the table */
  gint8 bounce;             /* _bc_looks_like_bounce(), -1: not asked yet */
  gboolean scanned;         /* said[] holds the phrases of the report */
  gboolean from_scanned;    /* from_said[] holds the From needles */
  gboolean domains_known;   /* in_domain[] is filled */
  guint8 said[BC_REC_MAX_PHRASES / 8];
  guint8 from_said[BC_REC_MAX_FROM / 8];
  guint8 in_domain[BC_REC_MAX_RECOGNIZERS / 8];
  gboolean headers_read;    /* header[] is filled */
  const BcField *header[BC_REC_MAX_HEADER_NAMES]; /* first of each name */
  const char *bare_of;      /* the raw header value last asked of plain_value() */
  gboolean bare_all;        /* GMime decodes it: bare[] does not hold it */
  char bare[4096];          /* else it unfolded, as GMime gives it */
};

/* _bc_recognizer_claims - registry.c: does @rec alone say @m is its own? */
G_GNUC_INTERNAL gboolean _bc_recognizer_claims (const BcRecognizer *rec, const BcMime *m);

/* set up by registry.c */
G_GNUC_INTERNAL void _bc_rec_specs_init (const BcRecognizer *const *table, guint n);
G_GNUC_INTERNAL void _bc_rec_probe_init (BcRecProbe *p, const BcMime *m);

/* for detect(): the asked recognizer's spec as above; phrase @i of its
 * spec->phrases in the report text; _bc_looks_like_bounce() asked once */
G_GNUC_INTERNAL gboolean _bc_rec_spec_match (BcRecProbe *p);
G_GNUC_INTERNAL gboolean _bc_rec_said (BcRecProbe *p, guint i);
G_GNUC_INTERNAL gboolean _bc_rec_looks_like_bounce (BcRecProbe *p);
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
/* the same list (with "could not be delivered to"), each recipient taking
 * the cause of a "Reason:" paragraph written apart from it, prepended */
G_GNUC_INTERNAL void _bc_scan_listed_reason (BcScan *s);
/* adds each address of X-Failed-Recipients (at most 16) with @diag */
G_GNUC_INTERNAL void _bc_scan_failed_header (BcScan *s, const char *diag);
G_GNUC_INTERNAL void _bc_scan_labelled (BcScan *s, const char *label, const char *diag);
/* exchange.c: the remote server's own specific status inside Exchange's
 * "#5.0.0 smtp;550 5.7.1 ..." wrapping, also read by exchange2003.c */
G_GNUC_INTERNAL gboolean _bc_exchange_remote_status (const char *diag, char out[16]);
/* googleworkspace.c, also used by googlegroups.c: detect() for reports from
 * Google's mailer (From at googlemail.com or google.com, and the asked
 * spec); the recipients of X-Failed-Recipients, else of the report text,
 * with the squeezed report text (at most 1500 bytes) as diagnostic, which
 * is returned (transfer full) */
G_GNUC_INTERNAL gboolean _bc_google_detect (BcRecProbe *p);
G_GNUC_INTERNAL char *_bc_google_scan (BcScan *s);

#endif
