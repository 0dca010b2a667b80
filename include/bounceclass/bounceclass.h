/* bounceclass.h - the umbrella header of libbounceclass.
 *
 *   #include <bounceclass/bounceclass.h>
 *
 *   g_autoptr(BcClassifier) cls = bc_classifier_new (NULL, &error);
 *   g_autoptr(BcReport) r = bc_classifier_classify_bytes (cls, buf, len, &error);
 *   for (guint i = 0; i < bc_report_n_recipients (r); i++) {
 *     const BcRecipient *rc = bc_report_get_recipient (r, i);
 *     printf ("%s %s %s\n", rc->address, rc->reason, bc_action_to_string (rc->action));
 *   }
 */
#ifndef BOUNCECLASS_H
#define BOUNCECLASS_H

#include <bounceclass/error.h>
#include <bounceclass/limits.h>
#include <bounceclass/report.h>
#include <bounceclass/classifier.h>
#include <bounceclass/output.h>

G_BEGIN_DECLS

/**
 * bc_version:
 * Returns: (transfer none): the library's version, such as "0.1.0"
 */
const char *bc_version (void);

G_END_DECLS

#endif
