/* amazonses.c - Amazon SES bounces: SNS JSON notifications and DSNs.
 *
 * SES reports a bounce, complaint or delivery either as a DSN from
 * MAILER-DAEMON@*.amazonses.com (read as any DSN), or, when the sender
 * subscribed an e-mail address to the SNS topic, as a JSON document in the
 * text: {"notificationType":"Bounce","bounce":{"bouncedRecipients":[{
 * "emailAddress","action","status","diagnosticCode"}]}}, "Complaint" with
 * complainedRecipients, "Delivery" with delivery.recipients and
 * smtpResponse. SES event publishing (configuration sets) writes the same
 * objects under "eventType" instead of "notificationType", sent through
 * SNS or forwarded as they are, pretty-printed or not. SNS mail folds long lines (a "!" and a newline and a
 * space), which are joined before parsing. At most 64 KiB of JSON is read.
 */
#include "recognizers.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define MAX_JSON 65536

static const char *const headers[] = { "X-SES-Outgoing", "X-Amz-Sns-Message-Type", NULL };
static const char *const body[] = { "{\"notificationType\":", "\"notificationType\" :",
                                    "\"eventType\":\"Bounce\"", "\"eventType\": \"Bounce\"",
                                    "\"eventType\":\"Complaint\"", "\"eventType\": \"Complaint\"",
                                    NULL };
static const char *const domains[] = { "amazonses.com", "sns.amazonaws.com", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body, .domains = domains };

static gboolean
detect (BcRecProbe *p)
{
  if (_bc_header_contains (p->m, "X-Mailer", "Amazon WorkMail"))
    return FALSE;
  return _bc_rec_spec_match (p);
}

static const char *
obj_str (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
         ? json_node_get_string (n) : NULL;
}

static JsonObject *
obj_obj (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static JsonArray *
obj_arr (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  return n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

/* json_text - the JSON document in the text with SNS folds undone. */
static char *
json_text (const BcMime *m)
{
  const char *b = strchr (m->body->str, '{');
  const char *e;
  GString *out;

  if (!b)
    return NULL;
  e = strrchr (b, '}');
  if (!e || e - b > MAX_JSON)
    return NULL;
  out = g_string_sized_new (e - b + 2);
  for (const char *p = b; p <= e; p++) {
    if (*p == '!' && p[1] == '\n' && p[2] == ' ') {
      p += 2;
      continue;
    }
    if (*p == '\n' && p[1] == ' ') {
      p += 1;
      continue;
    }
    if (*p == '\n')
      continue;
    g_string_append_c (out, *p);
  }
  return g_string_free (out, FALSE);
}

static void
add_rcpt (BcScan *s, const char *addr, const char *action, const char *status, const char *diag,
          BcSource source, const char *remote)
{
  char *a = addr ? _bc_address_normalize (addr) : NULL;
  BcRecipient *r;
  const char *d = diag;

  if (!a)
    return;
  if (d && g_ascii_strncasecmp (d, "smtp;", 5) == 0)
    for (d += 5; *d == ' '; d++)
      ;
  r = _bc_scan_add (s, a, d);
  g_free (a);
  if (!r)
    return;
  r->source = source;
  if (action && !r->dsn_action)
    r->dsn_action = g_ascii_strdown (action, -1);
  if (status && _bc_status_valid (status, strlen (status)))
    g_strlcpy (r->status, status, sizeof r->status);
  if (remote && !r->remote_mta)
    r->remote_mta = g_strdup (remote);
}

static gboolean
scan_json (BcScan *s)
{
  char *text = json_text (s->mime);
  JsonParser *parser;
  JsonObject *root, *o;
  const char *type;
  gboolean ok = FALSE;

  if (!text)
    return FALSE;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    goto out;
  root = json_node_get_object (json_parser_get_root (parser));
  /* an SNS envelope holds the notification as a string in "Message" */
  if (!obj_str (root, "notificationType") && !obj_str (root, "eventType") && obj_str (root, "Message")) {
    JsonParser *inner = json_parser_new ();
    if (json_parser_load_from_data (inner, obj_str (root, "Message"), -1, NULL) &&
        JSON_NODE_HOLDS_OBJECT (json_parser_get_root (inner))) {
      g_object_unref (parser);
      parser = inner;
      root = json_node_get_object (json_parser_get_root (parser));
    } else {
      g_object_unref (inner);
    }
  }
  type = obj_str (root, "notificationType");
  if (!type)
    type = obj_str (root, "eventType");
  if (!type)
    goto out;
  if (g_ascii_strcasecmp (type, "Bounce") == 0 && (o = obj_obj (root, "bounce"))) {
    JsonArray *a = obj_arr (o, "bouncedRecipients");
    const char *remote = obj_str (o, "reportingMTA");
    for (guint i = 0; a && i < json_array_get_length (a); i++) {
      JsonObject *r = json_array_get_object_element (a, i);
      const char *diag = obj_str (r, "diagnosticCode");
      char *fallback = NULL;
      if (!diag)
        diag = fallback = g_strdup_printf ("%s %s", obj_str (o, "bounceType") ? obj_str (o, "bounceType") : "",
                                           obj_str (o, "bounceSubType") ? obj_str (o, "bounceSubType") : "");
      add_rcpt (s, obj_str (r, "emailAddress"), obj_str (r, "action"), obj_str (r, "status"), diag,
                BC_SOURCE_TEXT, NULL);
      g_free (fallback);
    }
    (void) remote;
    ok = TRUE;
  } else if (g_ascii_strcasecmp (type, "Complaint") == 0 && (o = obj_obj (root, "complaint"))) {
    JsonArray *a = obj_arr (o, "complainedRecipients");
    const char *ft = obj_str (o, "complaintFeedbackType");
    char *diag = g_strdup_printf ("feedback-type: %s", ft ? ft : "abuse");
    for (guint i = 0; a && i < json_array_get_length (a); i++) {
      JsonObject *r = json_array_get_object_element (a, i);
      add_rcpt (s, obj_str (r, "emailAddress"), NULL, NULL, diag, BC_SOURCE_ARF, NULL);
    }
    if (!s->feedback_type)
      s->feedback_type = g_ascii_strdown (ft ? ft : "abuse", -1);
    g_free (diag);
    ok = TRUE;
  } else if (g_ascii_strcasecmp (type, "Delivery") == 0 && (o = obj_obj (root, "delivery"))) {
    JsonArray *a = obj_arr (o, "recipients");
    const char *resp = obj_str (o, "smtpResponse");
    char st[16] = "";
    if (resp)
      _bc_find_status (resp, st);
    for (guint i = 0; a && i < json_array_get_length (a); i++) {
      JsonNode *n = json_array_get_element (a, i);
      if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
        add_rcpt (s, json_node_get_string (n), "delivered", st[0] ? st : "2.0.0", resp,
                  BC_SOURCE_TEXT, obj_str (o, "remoteMtaIp"));
    }
    ok = TRUE;
  }
out:
  g_object_unref (parser);
  g_free (text);
  return ok;
}

static void
scan (BcScan *s)
{
  if ((_bc_body_find (s->mime, "notificationType") || _bc_body_find (s->mime, "\"eventType\"")) &&
      scan_json (s))
    return;
  _bc_scan_section (s, NULL, NULL);
}

const BcRecognizer _bc_rec_amazonses = { "amazonses", detect, scan, &spec };
