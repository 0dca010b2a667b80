/* test-golden.c - the golden test: classify every sample of corpus/ and
 * compare the report with the expected answer written beside it.
 *
 * Layout: corpus/FAMILY/NAME.eml with corpus/FAMILY/NAME.json holding
 *   {"recognizer": ..., "recipients": [{"address", "status", "reply_code",
 *    "reason", "class", "action", "original_recipient"?, ...}, ...]}
 * Only the keys present in the .json are compared (a "note" key anywhere is
 * free commentary). The recipients must be as many as expected; each
 * expected recipient is matched to the reported one with the same address
 * (case-insensitive), or by position when it gives no address.
 *
 * Tests:
 *   - one per family directory, naming every mismatching file and field;
 *   - "line-endings": over the whole corpus, the LF, CRLF and CR versions of
 *     each message give byte-identical JSON reports;
 *   - "json-utf8": every report renders as valid UTF-8 that parses as JSON;
 *   - "taxonomy-coverage": every one of the 35 reasons is expected by at
 *     least one sample (and expected answers use only taxonomy words);
 *   - "known-failures-exist": corpus/KNOWN-FAILURES names only real files.
 *
 * corpus/KNOWN-FAILURES lists samples whose mismatches are reported but do
 * not fail the suite ("family/NAME.eml  reason"). A listed file that is
 * missing fails; one that now passes is reported (and fails when the
 * environment sets BC_GOLDEN_STRICT=1), so the list can only shrink.
 *
 * Limits: samples larger than MAX_SAMPLE bytes fail rather than load;
 * directories are walked one level deep (corpus/FAMILY/NAME.eml).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <bounceclass/bounceclass.h>

#define MAX_SAMPLE (4u * 1024 * 1024)

static BcClassifier *cls;
static char *corpus_dir;
static GHashTable *known;       /* "family/NAME.eml" -> reason */

/* The taxonomy's vocabulary, to catch typos in the expected answers. */
static const char *const reasons[] = {
  "userunknown", "hostunknown", "hasmoved", "notaccept", "mailboxfull", "blocked",
  "spamdetected", "badreputation", "requireptr", "policyviolation", "virusdetected",
  "authfailure", "rejected", "filtered", "suspend", "expired", "networkerror", "systemerror",
  "systemfull", "mailererror", "mesgtoobig", "exceedlimit", "toomanyconn", "speeding",
  "norelaying", "syntaxerror", "notcompliantrfc", "contenterror", "securityerror",
  "failedstarttls", "onhold", "undefined", "feedback", "vacation", "delivered", NULL
};
static const char *const classes[] = {
  "hard", "soft", "spam-block", "mailbox-full", "complaint", "auto-reply", "delivered", NULL
};
static const char *const actions[] = { "suppress", "retry", "ignore", NULL };

typedef struct {
  char *name;                   /* family directory name */
  char *path;
} Family;

/* ---- helpers ------------------------------------------------------------ */

static GPtrArray *
list_dir (const char *path, gboolean want_dirs, const char *suffix)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *n;

  if (!dir)
    return out;
  while ((n = g_dir_read_name (dir))) {
    char *full = g_build_filename (path, n, NULL);
    gboolean is_dir = g_file_test (full, G_FILE_TEST_IS_DIR);
    if (n[0] != '.' && is_dir == want_dirs && (!suffix || g_str_has_suffix (n, suffix)))
      g_ptr_array_add (out, g_strdup (n));
    g_free (full);
  }
  g_dir_close (dir);
  return out;
}

static int
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static gboolean
load_sample (const char *path, char **data, gsize *len, GError **error)
{
  GStatBuf st;

  if (g_stat (path, &st) == 0 && (guint64) st.st_size > MAX_SAMPLE) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s is over %u bytes", path,
                 MAX_SAMPLE);
    return FALSE;
  }
  return g_file_get_contents (path, data, len, error);
}

/* classify - the JSON line of the report for @data, or NULL with *err set. */
static char *
classify (const char *data, gsize len, const char *label, char **err)
{
  GError *error = NULL;
  BcReport *report = bc_classifier_classify_bytes (cls, data, len, &error);
  BcRecordInfo info = { label, 0, NULL };
  GString *out;

  if (!report) {
    *err = g_strdup (error ? error->message : "no report and no error");
    g_clear_error (&error);
    return NULL;
  }
  out = g_string_new (NULL);
  bc_report_append_json (report, &info, out);
  bc_report_free (report);
  return g_string_free (out, FALSE);
}

static JsonNode *
parse_json (const char *text, gssize len, char **err)
{
  JsonParser *p = json_parser_new ();
  GError *error = NULL;
  JsonNode *root = NULL;

  if (json_parser_load_from_data (p, text, len, &error))
    root = json_node_copy (json_parser_get_root (p));
  else
    *err = g_strdup (error->message);
  g_clear_error (&error);
  g_object_unref (p);
  return root;
}

/* node_text - a scalar as text for messages and comparison; NULL for null. */
static char *
node_text (JsonNode *n)
{
  if (!n || JSON_NODE_HOLDS_NULL (n))
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (n)) {
    GType t = json_node_get_value_type (n);
    if (t == G_TYPE_STRING)
      return g_strdup (json_node_get_string (n));
    if (t == G_TYPE_INT64)
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (n));
    if (t == G_TYPE_BOOLEAN)
      return g_strdup (json_node_get_boolean (n) ? "true" : "false");
    if (t == G_TYPE_DOUBLE)
      return g_strdup_printf ("%g", json_node_get_double (n));
  }
  return json_to_string (n, FALSE);
}

/* compare_member - appends a mismatch line to @msgs when @got's member
 * @key differs from @want's. */
static void
compare_member (GString *msgs, const char *file, const char *where, const char *key,
                JsonObject *want, JsonObject *got)
{
  char *w = node_text (json_object_get_member (want, key));
  char *g = got && json_object_has_member (got, key)
    ? node_text (json_object_get_member (got, key)) : NULL;

  if (g_strcmp0 (w, g) != 0)
    g_string_append_printf (msgs, "  %s: %s%s: expected %s%s%s, got %s%s%s\n", file, where, key,
                            w ? "\"" : "", w ? w : "null", w ? "\"" : "",
                            g ? "\"" : "", g ? g : "null", g ? "\"" : "");
  g_free (w);
  g_free (g);
}

static const char *
obj_string (JsonObject *o, const char *key)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;
  if (n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
    return json_node_get_string (n);
  return NULL;
}

/* check_sample - classifies @eml and compares with @json_path. Returns the
 * number of mismatches; their descriptions go to @msgs. */
static guint
check_sample (const char *eml, const char *json_path, const char *label, GString *msgs)
{
  char *data = NULL, *expect_text = NULL, *err = NULL, *line;
  gsize len = 0, elen = 0;
  GError *error = NULL;
  JsonNode *want_root = NULL, *got_root = NULL;
  JsonObject *want, *got;
  JsonArray *want_r, *got_r;
  gsize before = msgs->len;
  guint n_want, n_got;
  gboolean *used = NULL;

  if (!load_sample (eml, &data, &len, &error)) {
    g_string_append_printf (msgs, "  %s: cannot read: %s\n", label, error->message);
    g_clear_error (&error);
    return 1;
  }
  if (!g_file_get_contents (json_path, &expect_text, &elen, &error)) {
    g_string_append_printf (msgs, "  %s: no expected answer: %s\n", label, error->message);
    g_clear_error (&error);
    g_free (data);
    return 1;
  }
  want_root = parse_json (expect_text, (gssize) elen, &err);
  if (!want_root || !JSON_NODE_HOLDS_OBJECT (want_root)) {
    g_string_append_printf (msgs, "  %s: expected answer is not a JSON object: %s\n", label,
                            err ? err : "");
    goto out;
  }
  line = classify (data, len, label, &err);
  if (!line) {
    g_string_append_printf (msgs, "  %s: classify failed: %s\n", label, err);
    goto out;
  }
  if (!g_utf8_validate (line, -1, NULL))
    g_string_append_printf (msgs, "  %s: report JSON is not valid UTF-8\n", label);
  got_root = parse_json (line, -1, &err);
  g_free (line);
  if (!got_root || !JSON_NODE_HOLDS_OBJECT (got_root)) {
    g_string_append_printf (msgs, "  %s: report is not a JSON object: %s\n", label,
                            err ? err : "");
    goto out;
  }
  want = json_node_get_object (want_root);
  got = json_node_get_object (got_root);

  /* top-level keys other than recipients */
  {
    GList *keys = json_object_get_members (want);
    for (GList *k = keys; k; k = k->next) {
      const char *key = k->data;
      if (!g_str_equal (key, "recipients") && !g_str_equal (key, "note"))
        compare_member (msgs, label, "", key, want, got);
    }
    g_list_free (keys);
  }

  if (!json_object_has_member (want, "recipients"))
    goto out;
  want_r = json_object_get_array_member (want, "recipients");
  got_r = json_object_get_array_member (got, "recipients");
  if (!want_r) {
    g_string_append_printf (msgs, "  %s: expected \"recipients\" is not an array\n", label);
    goto out;
  }
  n_want = json_array_get_length (want_r);
  n_got = got_r ? json_array_get_length (got_r) : 0;
  if (n_want != n_got) {
    GString *list = g_string_new (NULL);
    for (guint i = 0; i < n_got; i++) {
      const char *a = obj_string (json_array_get_object_element (got_r, i), "address");
      g_string_append_printf (list, "%s%s", i ? ", " : "", a ? a : "?");
    }
    g_string_append_printf (msgs, "  %s: recipients: expected %u, got %u [%s]\n", label,
                            n_want, n_got, list->str);
    g_string_free (list, TRUE);
  }
  used = g_new0 (gboolean, n_got + 1);
  for (guint i = 0; i < n_want; i++) {
    JsonObject *w = json_array_get_object_element (want_r, i);
    JsonObject *g = NULL;
    const char *addr = obj_string (w, "address");
    char *where;
    GList *keys;

    if (!w) {
      g_string_append_printf (msgs, "  %s: recipients[%u] is not an object\n", label, i);
      continue;
    }
    if (addr) {
      for (guint j = 0; j < n_got && !g; j++) {
        const char *a = obj_string (json_array_get_object_element (got_r, j), "address");
        if (!used[j] && a && g_ascii_strcasecmp (a, addr) == 0) {
          g = json_array_get_object_element (got_r, j);
          used[j] = TRUE;
        }
      }
      if (!g) {
        g_string_append_printf (msgs, "  %s: recipient <%s> not reported\n", label, addr);
        continue;
      }
    } else if (i < n_got) {
      g = json_array_get_object_element (got_r, i);
      used[i] = TRUE;
    } else {
      continue;
    }
    where = g_strdup_printf ("<%s> ", addr ? addr : "?");
    {
      static const char *const keys[] = { "reason", "class", "action" };
      const char *const *vocab[] = { reasons, classes, actions };
      for (guint k = 0; k < G_N_ELEMENTS (keys); k++) {
        const char *v = obj_string (w, keys[k]);
        if (json_object_has_member (w, keys[k]) && !(v && g_strv_contains (vocab[k], v)))
          g_string_append_printf (msgs, "  %s: %sexpected %s \"%s\" is not in the taxonomy\n",
                                  label, where, keys[k], v ? v : "(not a string)");
      }
    }
    keys = json_object_get_members (w);
    for (GList *k = keys; k; k = k->next)
      if (!g_str_equal (k->data, "address") && !g_str_equal (k->data, "note"))
        compare_member (msgs, label, where, k->data, w, g);
    g_list_free (keys);
    g_free (where);
  }

out:
  g_free (used);
  g_free (err);
  g_free (data);
  g_free (expect_text);
  if (want_root)
    json_node_unref (want_root);
  if (got_root)
    json_node_unref (got_root);
  if (msgs->len == before)
    return 0;
  {
    guint n = 0;
    for (gsize i = before; i < msgs->len; i++)
      n += msgs->str[i] == '\n';
    return n;
  }
}

/* print_lines - cmocka formats into a fixed buffer, so long reports are
 * printed a line at a time. */
static void
print_lines (const char *text, gboolean as_message)
{
  char **lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i]; i++) {
    if (!lines[i][0])
      continue;
    if (as_message)
      print_message ("%.900s\n", lines[i]);
    else
      print_error ("%.900s\n", lines[i]);
  }
  g_strfreev (lines);
}

/* ---- the tests ---------------------------------------------------------- */

static void
test_family (void **state)
{
  Family *f = *state;
  GPtrArray *emls = list_dir (f->path, FALSE, ".eml");
  GPtrArray *jsons = list_dir (f->path, FALSE, ".json");
  guint failed = 0, known_failed = 0, xpass = 0;
  GString *report = g_string_new (NULL);

  g_ptr_array_sort (emls, cmp_str);
  if (emls->len == 0)
    fail_msg ("family %s has no samples", f->name);
  for (guint i = 0; i < jsons->len; i++) {
    const char *j = g_ptr_array_index (jsons, i);
    char *stem = g_strndup (j, strlen (j) - 5);
    char *eml = g_strconcat (f->path, G_DIR_SEPARATOR_S, stem, ".eml", NULL);
    if (!g_file_test (eml, G_FILE_TEST_EXISTS)) {
      g_string_append_printf (report, "  %s/%s: expected answer without a sample\n",
                              f->name, j);
      failed++;
    }
    g_free (eml);
    g_free (stem);
  }
  for (guint i = 0; i < emls->len; i++) {
    const char *n = g_ptr_array_index (emls, i);
    char *label = g_strconcat (f->name, "/", n, NULL);
    char *eml = g_build_filename (f->path, n, NULL);
    char *stem = g_strndup (eml, strlen (eml) - 4);
    char *json = g_strconcat (stem, ".json", NULL);
    GString *msgs = g_string_new (NULL);
    guint bad = check_sample (eml, json, label, msgs);
    const char *why = g_hash_table_lookup (known, label);

    if (bad && why) {
      known_failed++;
      print_message ("[ KNOWN    ] %s (%s)\n", label, why);
      print_lines (msgs->str, TRUE);
    } else if (bad) {
      failed++;
      g_string_append (report, msgs->str);
    } else if (why) {
      xpass++;
      print_message ("[ XPASS    ] %s now passes: remove it from corpus/KNOWN-FAILURES\n", label);
    }
    g_string_free (msgs, TRUE);
    g_free (json);
    g_free (stem);
    g_free (eml);
    g_free (label);
  }
  print_message ("[ FAMILY   ] %s: %u samples, %u failing, %u known failures\n", f->name,
                 emls->len, failed, known_failed);
  g_ptr_array_unref (emls);
  g_ptr_array_unref (jsons);
  if (failed) {
    print_lines (report->str, FALSE);
    g_string_free (report, TRUE);
    fail_msg ("%u sample(s) of %s disagree with their expected answers", failed, f->name);
  }
  g_string_free (report, TRUE);
  if (xpass && g_strcmp0 (g_getenv ("BC_GOLDEN_STRICT"), "1") == 0)
    fail_msg ("%u known failure(s) of %s now pass", xpass, f->name);
}

/* eol_variant - @data with every line ending (CRLF, LF or lone CR) turned
 * into @eol. */
static char *
eol_variant (const char *data, gsize len, const char *eol, gsize *out_len)
{
  GString *s = g_string_sized_new (len + len / 16);

  for (gsize i = 0; i < len; i++) {
    if (data[i] == '\r') {
      if (i + 1 < len && data[i + 1] == '\n')
        i++;
      g_string_append (s, eol);
    } else if (data[i] == '\n') {
      g_string_append (s, eol);
    } else {
      g_string_append_c (s, data[i]);
    }
  }
  *out_len = s->len;
  return g_string_free (s, FALSE);
}

static GPtrArray *
all_samples (void)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *fams = list_dir (corpus_dir, TRUE, NULL);

  g_ptr_array_sort (fams, cmp_str);
  for (guint i = 0; i < fams->len; i++) {
    char *dir = g_build_filename (corpus_dir, g_ptr_array_index (fams, i), NULL);
    GPtrArray *emls = list_dir (dir, FALSE, ".eml");
    g_ptr_array_sort (emls, cmp_str);
    for (guint j = 0; j < emls->len; j++)
      g_ptr_array_add (out, g_strconcat (g_ptr_array_index (fams, i), "/",
                                         g_ptr_array_index (emls, j), NULL));
    g_ptr_array_unref (emls);
    g_free (dir);
  }
  g_ptr_array_unref (fams);
  return out;
}

static void
test_line_endings (void **state)
{
  GPtrArray *samples = all_samples ();
  static const char *const eols[] = { "\n", "\r\n", "\r" };
  static const char *const names[] = { "LF", "CRLF", "CR" };
  guint failed = 0;

  assert_true (samples->len > 0);
  for (guint i = 0; i < samples->len; i++) {
    const char *label = g_ptr_array_index (samples, i);
    char *path = g_build_filename (corpus_dir, label, NULL);
    char *data = NULL, *out[3] = { NULL, NULL, NULL };
    gsize len = 0;
    GError *error = NULL;

    if (!load_sample (path, &data, &len, &error)) {
      print_error ("  %s: cannot read: %s\n", label, error->message);
      g_clear_error (&error);
      failed++;
      g_free (path);
      continue;
    }
    for (int v = 0; v < 3; v++) {
      gsize vlen;
      char *var = eol_variant (data, len, eols[v], &vlen);
      char *err = NULL;
      out[v] = classify (var, vlen, label, &err);
      if (!out[v]) {
        out[v] = g_strdup_printf ("(error: %s)", err);
      }
      g_free (err);
      g_free (var);
    }
    for (int v = 1; v < 3; v++)
      if (strcmp (out[0], out[v]) != 0) {
        gsize k = 0;
        while (out[0][k] && out[0][k] == out[v][k])
          k++;
        print_error ("  %s: %s and %s reports differ at byte %" G_GSIZE_FORMAT
                     ":\n    LF:   ...%.120s\n    %-5s ...%.120s\n", label, names[0],
                     names[v], k, out[0] + (k > 40 ? k - 40 : 0), names[v],
                     out[v] + (k > 40 ? k - 40 : 0));
        failed++;
        break;
      }
    for (int v = 0; v < 3; v++)
      g_free (out[v]);
    g_free (data);
    g_free (path);
  }
  print_message ("[ EOL      ] %u samples, %u with line-ending dependent reports\n",
                 samples->len, failed);
  g_ptr_array_unref (samples);
  if (failed)
    fail_msg ("%u sample(s) give different reports for LF, CRLF and CR", failed);
}

static void
test_json_utf8 (void **state)
{
  GPtrArray *samples = all_samples ();
  guint failed = 0;

  for (guint i = 0; i < samples->len; i++) {
    const char *label = g_ptr_array_index (samples, i);
    char *path = g_build_filename (corpus_dir, label, NULL);
    char *data = NULL, *line, *err = NULL;
    gsize len = 0;
    JsonNode *root;

    if (!load_sample (path, &data, &len, NULL)) {
      g_free (path);
      failed++;
      continue;
    }
    line = classify (data, len, label, &err);
    if (!line) {
      print_error ("  %s: classify failed: %s\n", label, err);
      failed++;
    } else if (!g_utf8_validate (line, -1, NULL)) {
      print_error ("  %s: report is not valid UTF-8\n", label);
      failed++;
    } else if (!g_str_has_suffix (line, "}\n") || strchr (line, '\n') != line + strlen (line) - 1) {
      print_error ("  %s: report is not one line\n", label);
      failed++;
    } else if (!(root = parse_json (line, -1, &err))) {
      print_error ("  %s: report is not JSON: %s\n", label, err);
      failed++;
    } else {
      json_node_unref (root);
    }
    g_free (err);
    g_free (line);
    g_free (data);
    g_free (path);
  }
  g_ptr_array_unref (samples);
  if (failed)
    fail_msg ("%u report(s) are not valid one-line UTF-8 JSON", failed);
}

/* test_coverage - every reason of the taxonomy has at least one sample. */
static void
test_coverage (void **state)
{
  GPtrArray *samples = all_samples ();
  GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint missing = 0;

  for (guint i = 0; i < samples->len; i++) {
    const char *label = g_ptr_array_index (samples, i);
    char *stem = g_strndup (label, strlen (label) - 4);
    char *path = g_strconcat (corpus_dir, G_DIR_SEPARATOR_S, stem, ".json", NULL);
    char *text = NULL, *err = NULL;
    gsize len = 0;
    JsonNode *root;

    if (g_file_get_contents (path, &text, &len, NULL)
        && (root = parse_json (text, (gssize) len, &err))) {
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
      JsonArray *a = o && json_object_has_member (o, "recipients")
        ? json_object_get_array_member (o, "recipients") : NULL;
      for (guint j = 0; a && j < json_array_get_length (a); j++) {
        const char *r = obj_string (json_array_get_object_element (a, j), "reason");
        if (r)
          g_hash_table_add (seen, g_strdup (r));
      }
      json_node_unref (root);
    }
    g_free (err);
    g_free (text);
    g_free (path);
    g_free (stem);
  }
  for (guint i = 0; reasons[i]; i++)
    if (!g_hash_table_contains (seen, reasons[i])) {
      print_error ("  no sample expects reason \"%s\"\n", reasons[i]);
      missing++;
    }
  print_message ("[ COVERAGE ] %u samples, %u of %u reasons covered\n", samples->len,
                 g_hash_table_size (seen), g_strv_length ((char **) reasons));
  g_hash_table_unref (seen);
  g_ptr_array_unref (samples);
  if (missing)
    fail_msg ("%u taxonomy reason(s) have no sample", missing);
}

/* ---- setup -------------------------------------------------------------- */

static void
load_known_failures (void)
{
  char *path = g_build_filename (corpus_dir, "KNOWN-FAILURES", NULL);
  char *text = NULL;
  char **lines;

  known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!g_file_get_contents (path, &text, NULL, NULL)) {
    g_free (path);
    return;
  }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    char *l = g_strstrip (lines[i]);
    char *sp;
    if (!*l || *l == '#')
      continue;
    sp = l + strcspn (l, " \t");
    if (*sp) {
      *sp++ = '\0';
      g_strstrip (sp);
    }
    g_hash_table_replace (known, g_strdup (l), g_strdup (*sp ? sp : "no reason given"));
  }
  g_strfreev (lines);
  g_free (text);
  g_free (path);
}

static void
test_known_failures_exist (void **state)
{
  GHashTableIter it;
  gpointer k, v;
  guint missing = 0;

  g_hash_table_iter_init (&it, known);
  while (g_hash_table_iter_next (&it, &k, &v)) {
    char *path = g_build_filename (corpus_dir, k, NULL);
    if (!g_file_test (path, G_FILE_TEST_IS_REGULAR)) {
      print_error ("  KNOWN-FAILURES names %s, which does not exist\n", (char *) k);
      missing++;
    }
    g_free (path);
  }
  if (missing)
    fail_msg ("%u stale entries in corpus/KNOWN-FAILURES", missing);
}

int
main (void)
{
  const char *root = g_getenv ("BC_SOURCE_ROOT");
  GError *error = NULL;
  BcLimits limits;
  GPtrArray *fams;
  struct CMUnitTest *tests;
  Family *fam;
  guint n = 0;
  int rc;

  if (!root)
    root = ".";
  corpus_dir = g_build_filename (root, "corpus", NULL);
  bc_limits_init (&limits);
  limits.max_msec = 60000;      /* sanitizer builds are slow; never hit the budget */
  cls = bc_classifier_new (&limits, &error);
  if (!cls) {
    g_printerr ("cannot build classifier: %s\n", error ? error->message : "?");
    return 1;
  }
  load_known_failures ();
  fams = list_dir (corpus_dir, TRUE, NULL);
  g_ptr_array_sort (fams, cmp_str);
  if (fams->len == 0) {
    g_printerr ("no corpus families under %s\n", corpus_dir);
    return 1;
  }
  tests = g_new0 (struct CMUnitTest, fams->len + 4);
  fam = g_new0 (Family, fams->len);
  for (guint i = 0; i < fams->len; i++) {
    fam[i].name = g_ptr_array_index (fams, i);
    fam[i].path = g_build_filename (corpus_dir, fam[i].name, NULL);
    tests[n].name = g_strdup_printf ("family:%s", fam[i].name);
    tests[n].test_func = test_family;
    tests[n].initial_state = &fam[i];
    n++;
  }
  tests[n].name = "line-endings";
  tests[n++].test_func = test_line_endings;
  tests[n].name = "json-utf8";
  tests[n++].test_func = test_json_utf8;
  tests[n].name = "taxonomy-coverage";
  tests[n++].test_func = test_coverage;
  tests[n].name = "known-failures-exist";
  tests[n++].test_func = test_known_failures_exist;
  rc = _cmocka_run_group_tests ("golden", tests, n, NULL, NULL);

  for (guint i = 0; i < fams->len; i++) {
    g_free ((char *) tests[i].name);
    g_free (fam[i].path);
  }
  g_free (tests);
  g_free (fam);
  g_ptr_array_unref (fams);
  g_hash_table_unref (known);
  g_free (corpus_dir);
  bc_classifier_free (cls);
  return rc;
}
