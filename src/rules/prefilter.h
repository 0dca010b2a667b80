/* prefilter.h - necessary-literal pre-filters for rule regexes (internal). */
#ifndef BC_PREFILTER_H
#define BC_PREFILTER_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct _BcPrefilter BcPrefilter;

/* _bc_prefilter_literals - lower-case literals one of which every match of
 * the caseless @pattern contains, NULL-ended; NULL when none can be said
 * (the pattern must then always run). Free with g_strfreev(). */
G_GNUC_INTERNAL char **_bc_prefilter_literals (const char *pattern);
/* _bc_prefilter_literals2 - the same, and in *@second another such set, to
 * be required as well (the runner-up of the same reading; it may share
 * literals with the first), or NULL. Free both with g_strfreev(). */
G_GNUC_INTERNAL char **_bc_prefilter_literals2 (const char *pattern, char ***second);

/* _bc_prefilter_new - an automaton over @literals[0 .. nrules-1] (a NULL
 * entry: that rule has no literals). ASCII letters fold: a literal may be
 * given in any case. */
G_GNUC_INTERNAL BcPrefilter *_bc_prefilter_new (char **const *literals, guint nrules);
/* _bc_prefilter_new_phrases - a phrase table (a matcher for texts as long
 * as message bodies, see prefilter.c) with one literal per rule:
 * @phrases[r] (r < @n), ASCII-lower-cased (copied; the caller keeps
 * @phrases). A NULL or empty phrase: that rule has no literal and never
 * matches (a caller that wants "always" says so itself). */
G_GNUC_INTERNAL BcPrefilter *_bc_prefilter_new_phrases (const char *const *phrases, guint n);
G_GNUC_INTERNAL void _bc_prefilter_free (BcPrefilter *pf);
G_GNUC_INTERNAL guint _bc_prefilter_rules (const BcPrefilter *pf);

/* _bc_prefilter_scan - sets bit r of @seen (nrules bits, zeroed by the
 * caller) for every rule r one of whose literals occurs in @text, read with
 * each character of the BMP folded (_bc_prefilter_fold()). */
G_GNUC_INTERNAL void _bc_prefilter_scan (const BcPrefilter *pf, const char *text, gsize len,
                                         guint8 *seen);
/* _bc_prefilter_scan_ascii - as _bc_prefilter_scan(), but only the ASCII
 * letters A-Z fold (to a-z): the caseless byte search of _bc_body_find(),
 * with no Unicode letters read as ASCII. */
G_GNUC_INTERNAL void _bc_prefilter_scan_ascii (const BcPrefilter *pf, const char *text,
                                               gsize len, guint8 *seen);

/* _bc_prefilter_fold - the member of @c's caseless set that
 * _bc_prefilter_scan() reads @c as (ASCII letters: lower case; past the
 * BMP: @c itself): a caseless UTF-8 regex takes two characters for one
 * another only when they fold alike. A literal holding a non-ASCII
 * character must hold it folded. */
G_GNUC_INTERNAL gunichar _bc_prefilter_fold (gunichar c);
/* _bc_prefilter_fold_check - for the unit test: does the table that
 * _bc_prefilter_fold() reads agree with the mapping it was made from at
 * @c (that is, does it miss no page that folds)? */
G_GNUC_INTERNAL gboolean _bc_prefilter_fold_check (gunichar c);

G_END_DECLS

#endif
