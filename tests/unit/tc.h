/* tc.h - helpers shared by the unit tests: building messages, running the
 * classifier, reading temp files. Every message is built here from parts, with
 * addresses under example.com, example.net and example.org.
 */
#ifndef TC_H
#define TC_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "bc-private.h"

/* tc_init - g_mime_init() and the built-in rules, once per process. */
void tc_init (void);

/* tc_classifier - a shared classifier with the built-in rules only. */
BcClassifier *tc_classifier (void);

/* tc_classify - classify @msg (LF line ends as written) and assert it worked. */
BcReport *tc_classify (BcClassifier *cls, const char *msg);

/* tc_crlf, tc_cr - @s with LF turned into CRLF or CR; newly allocated. */
char *tc_crlf (const char *s);
char *tc_cr (const char *s);

/* tc_dsn_message - a multipart/report bounce from a mailer daemon with one
 * delivery-status part holding the per-recipient @blocks (already formatted
 * text), plus a returned message/rfc822 part. Newly allocated. */
char *tc_dsn_message (const char *blocks);

/* tc_dsn_one - tc_dsn_message() for one failed recipient; @status and
 * @diag may be NULL to leave the field out. */
char *tc_dsn_one (const char *rcpt, const char *action, const char *status, const char *diag);

/* tc_mime - a BcMime for @msg with the default limits (kept in a static);
 * free with _bc_mime_free(). */
BcMime *tc_mime (const char *msg, gsize len);

/* tc_tmpdir - a fresh temp directory, removed by tc_rmtree(). */
char *tc_tmpdir (void);
void tc_rmtree (const char *path);
char *tc_write (const char *dir, const char *name, const char *data, gssize len);

/* tc_find_rcpt - the recipient of @r with @address (case-insensitive) or NULL. */
const BcRecipient *tc_find_rcpt (const BcReport *r, const char *address);

/* assert a substring; prints both strings when it is missing. */
#define assert_contains(hay, needle) tc_assert_contains ((hay), (needle), __FILE__, __LINE__)
#define assert_not_contains(hay, needle) tc_assert_not_contains ((hay), (needle), __FILE__, __LINE__)
void tc_assert_contains (const char *hay, const char *needle, const char *file, int line);
void tc_assert_not_contains (const char *hay, const char *needle, const char *file, int line);

#endif
