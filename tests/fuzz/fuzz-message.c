/* fuzz-message.c - the whole path: bytes -> MIME -> evidence -> rules ->
 * JSON and text output.
 *
 * Checks that a report or a clean error comes back, that the JSON record
 * is one line of valid UTF-8 without raw control characters that parses
 * back as an object, and that the text output is valid UTF-8 lines. The
 * time budget is lowered so that a slow input shows as a libFuzzer timeout
 * only when the budget itself is not kept.
 */
#include "fuzz-common.h"

#include <bounceclass/bounceclass.h>
#include <json-glib/json-glib.h>
#include <string.h>

static BcClassifier *cls;

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  BcReport *report;
  GError *error = NULL;
  BcRecordInfo info = { "fuzz", 0, NULL };
  GString *out;

  if (!cls) {
    BcLimits limits;
    bc_limits_init (&limits);
    limits.max_msec = 500;
    cls = bc_classifier_new (&limits, NULL);
    FUZZ_CHECK (cls != NULL);
  }
  report = bc_classifier_classify_bytes (cls, (const char *) data, size, &error);
  if (!report) {
    FUZZ_CHECK (error != NULL && error->domain == BC_ERROR);
    info.error = error->message;
  } else {
    FUZZ_CHECK (error == NULL);
    for (guint i = 0; i < bc_report_n_recipients (report); i++) {
      const BcRecipient *r = bc_report_get_recipient (report, i);
      FUZZ_CHECK (r->reason != NULL);
      FUZZ_CHECK (strlen (r->status) < sizeof r->status);
    }
  }

  out = g_string_new (NULL);
  bc_report_append_json (report, &info, out);
  fuzz_check_line (out->str, out->len, TRUE);
  {
    JsonParser *p = json_parser_new ();
    FUZZ_CHECK (json_parser_load_from_data (p, out->str, out->len, NULL));
    FUZZ_CHECK (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p)));
    g_object_unref (p);
  }
  g_string_truncate (out, 0);
  bc_report_append_text (report, &info, TRUE, out);
  fuzz_check_line (out->str, out->len, FALSE);
  g_string_free (out, TRUE);

  bc_report_free (report);
  g_clear_error (&error);
  return 0;
}
