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

/* shared helpers for recognizers (scan.c) */
G_GNUC_INTERNAL void _bc_scan_section (BcScan *s, const char *start_marker, const char *end_marker);

#endif
