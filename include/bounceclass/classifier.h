/* classifier.h - classify bounce messages.
 *
 * A BcClassifier holds the compiled rules and the limits. Build one per
 * process, add user rules, then classify any number of messages. Adding
 * rules is not thread-safe; once rules are added, the classify functions
 * may be called from many threads at once on the same classifier.
 */
#ifndef BOUNCECLASS_CLASSIFIER_H
#define BOUNCECLASS_CLASSIFIER_H

#include <glib.h>
#include <gmime/gmime.h>
#include <bounceclass/limits.h>
#include <bounceclass/report.h>

G_BEGIN_DECLS

typedef struct _BcClassifier BcClassifier;

/**
 * bc_classifier_new:
 * @limits: (nullable): limits to copy; NULL for the defaults
 * @error: return location for a #GError
 *
 * Creates a classifier with the rules compiled into the library. Calls
 * g_mime_init() if nobody has.
 *
 * Returns: (transfer full) (nullable): a classifier, free with
 *   bc_classifier_free(); NULL with @error set when the built-in rules fail
 *   to load.
 */
BcClassifier *bc_classifier_new (const BcLimits *limits, GError **error);

/**
 * bc_classifier_add_rules_file:
 * @cls: a #BcClassifier
 * @path: a rules file (see bounceclass-rules(5))
 * @error: return location for a #GError
 *
 * Adds user rules. They take precedence over the built-in rules, and a
 * file added later takes precedence over one added earlier.
 *
 * Returns: FALSE with @error set (BC_ERROR_RULES naming file:line, or a
 *   GFileError) when the file cannot be read or parsed; no rule of it is
 *   added then.
 */
gboolean bc_classifier_add_rules_file (BcClassifier *cls, const char *path, GError **error);

/**
 * bc_classifier_add_rules_data:
 * @cls: a #BcClassifier
 * @name: the name used in error messages and in #BcRecipient.rule
 * @data: rules text, @len bytes
 * @len: length of @data, or -1 when it is nul-terminated
 * @error: return location for a #GError
 *
 * Like bc_classifier_add_rules_file() for rules held in memory.
 */
gboolean bc_classifier_add_rules_data (BcClassifier *cls, const char *name,
                                       const char *data, gssize len, GError **error);

/**
 * bc_classifier_classify_bytes:
 * @cls: a #BcClassifier
 * @data: a whole RFC 5322 message, any line endings
 * @len: length of @data
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the report, free with
 *   bc_report_free(); NULL with @error set when @data is empty or is not a
 *   message at all.
 */
BcReport *bc_classifier_classify_bytes (BcClassifier *cls, const char *data, gsize len,
                                        GError **error);

/**
 * bc_classifier_classify_stream:
 * @cls: a #BcClassifier
 * @stream: a stream positioned at the start of one message; read to its end
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): as bc_classifier_classify_bytes().
 */
BcReport *bc_classifier_classify_stream (BcClassifier *cls, GMimeStream *stream, GError **error);

/**
 * bc_classifier_classify_message:
 * @cls: a #BcClassifier
 * @message: (transfer none): a parsed message; not modified
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): as bc_classifier_classify_bytes().
 */
BcReport *bc_classifier_classify_message (BcClassifier *cls, GMimeMessage *message,
                                          GError **error);

/**
 * BcVerpMode:
 * @BC_VERP_OFF: never decode VERP addresses
 * @BC_VERP_AUTO: decode the bounce's envelope recipient when it has the
 *   VERP shape (the default)
 *
 * See bc_classifier_set_verp() and docs/api.md.
 */
typedef enum {
  BC_VERP_OFF,
  BC_VERP_AUTO,
} BcVerpMode;

/**
 * bc_classifier_set_verp:
 * @cls: a #BcClassifier
 * @mode: %BC_VERP_OFF or %BC_VERP_AUTO
 * @prefix: (nullable): the local part before the separator, such as
 *   "list-bounces"; only addresses that start with it (case-insensitive) are
 *   decoded. NULL or "" accepts any prefix and splits at the first separator.
 * @delimiters: (nullable): two different characters: the separator after
 *   the prefix and the character standing for the subscriber's '@'. NULL
 *   for "+=" (the Postfix and Mailman convention); "-=" for qmail/ezmlm.
 * @error: return location for a #GError
 *
 * Says how the envelope recipient of a bounce (its X-Original-To,
 * Delivered-To, Envelope-To or To, in that order) is decoded:
 * list-bounces+alice=example.org@lists.example.com gives alice@example.org.
 * The result is #BcReport.verp. When the report names no recipient, or only
 * one guessed from the returned message's To, the decoded address becomes
 * the recipient with source %BC_SOURCE_VERP. SRS addresses (SRS0=..., SRS1=...)
 * are never decoded. Not thread-safe: call before classifying.
 *
 * Returns: FALSE with @error set (BC_ERROR_INVALID) when @delimiters is not
 *   two different printable characters or @prefix is longer than 63 bytes.
 */
gboolean bc_classifier_set_verp (BcClassifier *cls, BcVerpMode mode, const char *prefix,
                                 const char *delimiters, GError **error);

/**
 * bc_verp_decode:
 * @address: an address such as "list-bounces+alice=example.org@lists.example.com"
 * @prefix: (nullable): as for bc_classifier_set_verp()
 * @delimiters: (nullable): as for bc_classifier_set_verp()
 *
 * Returns: (transfer full) (nullable): the encoded address, normalised, or
 *   NULL when @address is not VERP (SRS addresses never are); free with g_free()
 */
char *bc_verp_decode (const char *address, const char *prefix, const char *delimiters);

/**
 * bc_srs_decode:
 * @address: an SRS0 or SRS1 address such as
 *   "SRS0=HHH=TT=example.org=alice@forwarder.example.net"
 *
 * Returns: (transfer full) (nullable): the original sender it encodes
 *   ("alice@example.org"), or NULL; the hash is not checked. Free with g_free().
 */
char *bc_srs_decode (const char *address);

/**
 * bc_classifier_get_limits:
 * Returns: (transfer none): the limits in force, owned by @cls
 */
const BcLimits *bc_classifier_get_limits (const BcClassifier *cls);

/**
 * bc_classifier_free:
 * @cls: (transfer full) (nullable): a classifier
 */
void bc_classifier_free (BcClassifier *cls);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BcClassifier, bc_classifier_free)

G_END_DECLS

#endif
