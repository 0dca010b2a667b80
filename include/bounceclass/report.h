/* report.h - what libbounceclass says about one message.
 *
 * A BcReport holds the recipients in report order and the headers of the
 * returned original message. It is plain read-only data: every string in it
 * is valid UTF-8 and is owned by the report, valid until bc_report_free().
 */
#ifndef BOUNCECLASS_REPORT_H
#define BOUNCECLASS_REPORT_H

#include <glib.h>

G_BEGIN_DECLS

/**
 * BcClass:
 * The class of a recipient, see docs/taxonomy in the README.
 */
typedef enum {
  BC_CLASS_HARD,
  BC_CLASS_SOFT,
  BC_CLASS_SPAM_BLOCK,
  BC_CLASS_MAILBOX_FULL,
  BC_CLASS_COMPLAINT,
  BC_CLASS_AUTO_REPLY,
  BC_CLASS_DELIVERED,
} BcClass;

/**
 * BcAction:
 * What the sending software should do with the address.
 */
typedef enum {
  BC_ACTION_SUPPRESS,
  BC_ACTION_RETRY,
  BC_ACTION_IGNORE,
} BcAction;

/**
 * BcSource:
 * Where a recipient's address was read.
 */
typedef enum {
  BC_SOURCE_DSN,          /* an RFC 3464 delivery-status part */
  BC_SOURCE_TEXT,         /* the free text of an NDR */
  BC_SOURCE_HEADER,       /* X-Failed-Recipients or a similar header */
  BC_SOURCE_ARF,          /* an RFC 5965 feedback report */
  BC_SOURCE_AUTOREPLY,    /* the sender of an RFC 3834 auto-reply */
  BC_SOURCE_ORIGINAL,     /* the To of the returned original message */
  BC_SOURCE_VERP,         /* decoded from the bounce's VERP envelope recipient */
} BcSource;

/**
 * BcRecipient:
 * @address: the final recipient, normalised (domain lower-cased)
 * @original_recipient: (nullable): the Original-Recipient where it differs
 * @dsn_action: (nullable): the DSN Action field: failed, delayed, delivered,
 *   relayed or expanded
 * @status: an RFC 3463 code such as "5.1.1", or "" when none was found
 * @reply_code: an SMTP reply code such as "550", or ""
 * @diagnostic: (nullable): the diagnostic text, unfolded
 * @remote_mta: (nullable): the host that answered
 * @date: (nullable): Last-Attempt-Date or the bounce's date
 * @reason: the reason from the taxonomy, a static string
 * @klass: the class
 * @action: what to do with the address
 * @rule: (nullable): where the deciding rule lives, "file:line"
 * @evidence: (nullable): what the rule matched, for --explain
 * @source: where the address came from
 */
typedef struct {
  char *address;
  char *original_recipient;
  char *dsn_action;
  char status[16];
  char reply_code[4];
  char *diagnostic;
  char *remote_mta;
  char *date;
  const char *reason;
  BcClass klass;
  BcAction action;
  char *rule;
  char *evidence;
  BcSource source;
} BcRecipient;

/**
 * BcOriginal:
 * Headers of the returned original message; each (nullable).
 */
typedef struct {
  char *message_id;
  char *from;
  char *to;
  char *subject;
  char *list_id;
} BcOriginal;

/**
 * BcReport:
 * @recipients: (element-type BcRecipient): in report order
 * @recognizer: (nullable): which recognizer read the message ("rfc3464",
 *   "postfix", "arf", "autoreply", ...); NULL when it is not a bounce
 * @reporting_mta: (nullable): the host that wrote the report
 * @feedback_type: (nullable): the ARF Feedback-Type
 * @original: headers of the returned message
 * @warnings: (element-type utf8): problems met while reading
 * @truncated: TRUE when a limit cut the input short
 * @verp: (nullable): the address decoded from the bounce's VERP envelope
 *   recipient (see bc_classifier_set_verp())
 */
typedef struct {
  GPtrArray *recipients;
  char *recognizer;
  char *reporting_mta;
  char *feedback_type;
  BcOriginal original;
  GPtrArray *warnings;
  gboolean truncated;
  char *verp;
} BcReport;

/**
 * bc_report_free:
 * @report: (transfer full) (nullable): a report
 */
void bc_report_free (BcReport *report);

/**
 * bc_report_n_recipients:
 * Returns: how many recipients @report holds
 */
guint bc_report_n_recipients (const BcReport *report);

/**
 * bc_report_get_recipient:
 * Returns: (transfer none): the @i-th recipient, owned by @report
 */
const BcRecipient *bc_report_get_recipient (const BcReport *report, guint i);

/**
 * bc_class_to_string:
 * Returns: (transfer none): "hard", "soft", "spam-block", ...
 */
const char *bc_class_to_string (BcClass klass);

/**
 * bc_action_to_string:
 * Returns: (transfer none): "suppress", "retry" or "ignore"
 */
const char *bc_action_to_string (BcAction action);

/**
 * bc_source_to_string:
 * Returns: (transfer none): "dsn", "text", "header", "arf", "autoreply",
 *   "original" or "verp"
 */
const char *bc_source_to_string (BcSource source);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BcReport, bc_report_free)

G_END_DECLS

#endif
