/* pop3.c - one pass over a POP3 maildrop, and deleting what was written.
 *
 * A pass: UIDL lists "N UIDL" for each message; a UIDL in the state's done
 * set was written already (with --delete it is deleted again: a DELE only
 * takes effect at QUIT, which a killed run never sent); each other message
 * is fetched (RETR N) and handed to the CLI. Without --delete messages stay
 * on the server and their UIDLs stay in the state, which forgets a UIDL
 * once the server stops listing it. The connection is closed after each
 * pass (QUIT), so that deletions take effect and new mail shows.
 *
 * Limits: a server without UIDL cannot be used (there is nothing to resume
 * by); a UIDL must be 1 to 70 printable ASCII characters (RFC 1939).
 */
#include "fetch-private.h"

#include <string.h>

static gboolean
valid_uidl (const char *s)
{
  gsize n = 0;
  for (; *s; s++, n++)
    if ((unsigned char) *s < 0x21 || (unsigned char) *s > 0x7e || *s == ';')
      return FALSE;
  return n >= 1 && n <= 70;
}

gboolean
_bc_pop3_mark (BcFetch *f, const guint64 *ids, guint n, GError **error)
{
  if (f->mark != BC_MARK_DELETE)
    return TRUE;
  for (guint i = 0; i < n; i++) {
    /* message numbers hold only within the session they came from */
    if (!f->curl) {
      g_set_error (error, BC_FETCH_ERROR, BC_FETCH_EXIT_TEMPFAIL, "%s: connection lost before "
                   "deleting; the messages are deleted on the next pass", f->display);
      return FALSE;
    }
    char *cmd = g_strdup_printf ("DELE %" G_GUINT64_FORMAT, ids[i]);
    gboolean ok = _bc_fetch_perform (f, f->base, cmd, TRUE, NULL, 0, NULL,
                                     "deleting a message", error);
    g_free (cmd);
    if (!ok)
      return FALSE;
  }
  return TRUE;
}

gboolean
_bc_pop3_pass (BcFetch *f, GError **error)
{
  GString *ans = g_string_new (NULL);
  gboolean cut = FALSE, ok;
  GHashTable *present;
  GArray *nums, *redelete;
  GPtrArray *uidls;
  char **lines;

  ok = _bc_fetch_perform (f, f->base, "UIDL", FALSE, ans, BC_FETCH_MAX_RESPONSE, &cut, "UIDL",
                          error);
  if (ok && cut) {
    g_set_error (error, BC_FETCH_ERROR, BC_FETCH_EXIT_REFUSED, "%s: UIDL answer larger than %u "
                 "bytes", f->display, BC_FETCH_MAX_RESPONSE);
    ok = FALSE;
  }
  if (!ok) {
    g_string_free (ans, TRUE);
    return FALSE;
  }
  present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  nums = g_array_new (FALSE, FALSE, sizeof (guint64));
  uidls = g_ptr_array_new_with_free_func (g_free);
  lines = g_strsplit (ans->str, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    char **tok = g_strsplit_set (g_strstrip (lines[i]), " \t", 3);
    char *end;
    guint64 num;

    if (tok[0] && tok[1] && !tok[2]) {
      num = g_ascii_strtoull (tok[0], &end, 10);
      if (*end == '\0' && num > 0 && valid_uidl (tok[1])) {
        g_array_append_val (nums, num);
        g_ptr_array_add (uidls, g_strdup (tok[1]));
        g_hash_table_add (present, g_strdup (tok[1]));
      }
    }
    g_strfreev (tok);
  }
  g_strfreev (lines);
  g_string_free (ans, TRUE);
  _bc_fetch_state_prune (&f->state, present);

  redelete = g_array_new (FALSE, FALSE, sizeof (guint64));
  for (guint i = 0; ok && i < nums->len && !_bc_fetch_stopping (f); i++) {
    guint64 num = g_array_index (nums, guint64, i);
    const char *uidl = g_ptr_array_index (uidls, i);
    char *url, *file;
    GString *data;
    gboolean trunc = FALSE;

    if (g_hash_table_contains (f->state.done, uidl)) {
      g_array_append_val (redelete, num);
      continue;
    }
    url = g_strdup_printf ("%s%" G_GUINT64_FORMAT, f->base, num);
    data = g_string_sized_new (16384);
    if (_bc_fetch_perform (f, url, NULL, FALSE, data, f->max_message, &trunc,
                           "fetching a message", error)) {
      file = g_strdup_printf ("%s;UIDL=%s", f->display, uidl);
      _bc_fetch_deliver (f, num, uidl, file, data, trunc);
      g_free (file);
    } else
      ok = FALSE;
    g_string_free (data, TRUE);
    g_free (url);
  }
  if (ok && redelete->len) {
    GError *err = NULL;
    if (!_bc_pop3_mark (f, (const guint64 *) redelete->data, redelete->len, &err)) {
      g_printerr ("bounceclass: %s\n", err->message);
      g_error_free (err);
      f->mark_failed = TRUE;
    }
  }
  g_array_unref (redelete);
  g_array_unref (nums);
  g_ptr_array_unref (uidls);
  g_hash_table_unref (present);
  return ok;
}
