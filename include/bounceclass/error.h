/* error.h - the GError domain of libbounceclass.
 *
 * Every fallible call takes a GError ** last and sets an error from the
 * BC_ERROR domain. Mail that is malformed but readable is not an error: it
 * gives a report with warnings.
 */
#ifndef BOUNCECLASS_ERROR_H
#define BOUNCECLASS_ERROR_H

#include <glib.h>

G_BEGIN_DECLS

#define BC_ERROR (bc_error_quark ())

/**
 * BcErrorCode:
 * @BC_ERROR_PARSE: the input could not be read as a message at all
 * @BC_ERROR_IO: reading the input failed
 * @BC_ERROR_RULES: a rules file is malformed (the message names file:line)
 * @BC_ERROR_LIMIT: a hard limit made going on pointless
 * @BC_ERROR_EMPTY: the input holds no bytes
 * @BC_ERROR_INVALID: an argument is out of range (such as VERP delimiters)
 */
typedef enum {
  BC_ERROR_PARSE,
  BC_ERROR_IO,
  BC_ERROR_RULES,
  BC_ERROR_LIMIT,
  BC_ERROR_EMPTY,
  BC_ERROR_INVALID,
} BcErrorCode;

GQuark bc_error_quark (void);

G_END_DECLS

#endif
