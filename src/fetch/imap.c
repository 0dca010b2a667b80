/* imap.c - one pass over an IMAP folder, and marking what was written.
 *
 * A pass: STATUS gives the folder's UIDVALIDITY; when it differs from the
 * state's, the stored UIDs mean nothing any more and are dropped (with a
 * warning): every message still unprocessed in the folder (still there, in
 * move mode; without the keyword, in keyword mode) is processed again. Then
 * UID SEARCH lists the unprocessed messages, SEARCH_WINDOW UIDs at a time up
 * to the UIDNEXT that STATUS gave; one in the state's done set was written
 * already and is only marked again; each other one is fetched (UID FETCH,
 * through a URL that carries ;UIDVALIDITY= so that curl checks it on
 * SELECT) and handed to the CLI.
 *
 * Marking: UID MOVE to the --imap-move-to folder (UID COPY, STORE \Deleted
 * and UID EXPUNGE when the server lacks MOVE), UID STORE +FLAGS (KW), or with
 * --delete STORE \Deleted and UID EXPUNGE (UIDPLUS). The target folder is
 * CREATEd at the start; "already exists" is fine.
 *
 * Limits: folder names and keywords must be printable ASCII (a folder name
 * with other characters must be given in IMAP's modified UTF-7); UIDs are
 * 32-bit by RFC 3501, anything else in a SEARCH answer is ignored; at most
 * MARK_CHUNK UIDs per marking command. Both windows exist because libcurl
 * refuses an answer whose untagged lines exceed 300 KB.
 */
#include "fetch-private.h"

#include <stdlib.h>
#include <string.h>

/* UIDs per UID SEARCH: its answer is one line, which curl caps at 300 KB */
#define SEARCH_WINDOW 16384
#define MARK_CHUNK 100

/* _bc_imap_quote - @s as an IMAP quoted string. (transfer full) */
char *
_bc_imap_quote (const char *s, GError **error)
{
  GString *q = g_string_new ("\"");

  for (const char *p = s; *p; p++) {
    if ((unsigned char) *p < 0x20 || (unsigned char) *p >= 0x7f) {
      g_set_error (error, BC_FETCH_ERROR, 2, "IMAP folder name \"%s\": only printable ASCII "
                   "(give other names in modified UTF-7)", s);
      g_string_free (q, TRUE);
      return NULL;
    }
    if (*p == '"' || *p == '\\')
      g_string_append_c (q, '\\');
    g_string_append_c (q, *p);
  }
  g_string_append_c (q, '"');
  return g_string_free (q, FALSE);
}

static gboolean
valid_keyword (const char *kw)
{
  if (!kw || !*kw || *kw == '\\' || strlen (kw) > 200)
    return FALSE;
  for (const char *p = kw; *p; p++)
    if ((unsigned char) *p <= 0x20 || (unsigned char) *p >= 0x7f || strchr ("(){%*\"\\]", *p))
      return FALSE;
  return TRUE;
}

static char *
folder_url (BcFetch *f)
{
  return g_strdup_printf ("%s%s;UIDVALIDITY=%" G_GUINT64_FORMAT, f->base, f->path,
                          f->state.uidvalidity);
}

gboolean
_bc_imap_prepare (BcFetch *f, GError **error)
{
  if (f->mark == BC_MARK_KEYWORD && !valid_keyword (f->keyword)) {
    g_set_error (error, BC_FETCH_ERROR, 2, "--imap-keyword %s: not a valid IMAP keyword (an atom "
                 "of printable ASCII, not starting with \\)", f->keyword);
    return FALSE;
  }
  if (f->mark == BC_MARK_MOVE) {
    char *q = _bc_imap_quote (f->move_to, error);
    if (!q)
      return FALSE;
    g_free (q);
    if (strcmp (f->move_to, f->folder) == 0) {
      g_set_error (error, BC_FETCH_ERROR, 2, "--imap-move-to %s is the folder being read",
                   f->move_to);
      return FALSE;
    }
  }
  return TRUE;
}

/* capabilities - CAPABILITY (after login, so it is the full list) */
static gboolean
capabilities (BcFetch *f, GError **error)
{
  GString *ans = g_string_new (NULL);
  gboolean ok = _bc_fetch_perform (f, f->base, "CAPABILITY", FALSE, ans, 1 << 16, NULL,
                                   "CAPABILITY", error);
  if (ok) {
    char *up = g_ascii_strup (ans->str, ans->len);
    f->has_move = strstr (up, " MOVE") != NULL;
    f->caps_known = TRUE;
    g_free (up);
  }
  g_string_free (ans, TRUE);
  return ok;
}

static gboolean
create_target (BcFetch *f, GError **error)
{
  char *q = _bc_imap_quote (f->move_to, error);
  char *cmd;
  GError *err = NULL;

  if (!q)
    return FALSE;
  cmd = g_strdup_printf ("CREATE %s", q);
  if (!_bc_fetch_perform (f, f->base, cmd, FALSE, NULL, 0, NULL, "CREATE", &err)) {
    /* NO [ALREADYEXISTS] is what we expect most of the time */
    if (err->code != BC_FETCH_EXIT_REFUSED) {
      g_propagate_error (error, err);
      g_free (cmd);
      g_free (q);
      return FALSE;
    }
    g_error_free (err);
  }
  g_free (cmd);
  g_free (q);
  return TRUE;
}

/* uidvalidity - the folder's UIDVALIDITY (0 on error) and UIDNEXT (0
 * when the server gave none) */
static guint64
uidvalidity (BcFetch *f, guint64 *uidnext, GError **error)
{
  char *q = _bc_imap_quote (f->folder, error);
  char *cmd, *p;
  GString *ans = g_string_new (NULL);
  guint64 v = 0;

  *uidnext = 0;
  if (!q)
    return 0;
  cmd = g_strdup_printf ("STATUS %s (UIDVALIDITY UIDNEXT)", q);
  if (_bc_fetch_perform (f, f->base, cmd, FALSE, ans, 1 << 16, NULL, "STATUS", error)) {
    if ((p = strstr (ans->str, "UIDNEXT ")))
      *uidnext = g_ascii_strtoull (p + 8, NULL, 10);
    if ((p = strstr (ans->str, "UIDVALIDITY ")))
      v = g_ascii_strtoull (p + 12, NULL, 10);
    if (!v)
      g_set_error (error, BC_FETCH_ERROR, BC_FETCH_EXIT_REFUSED,
                   "%s: the server gave no UIDVALIDITY", f->display);
  }
  g_free (cmd);
  g_free (q);
  g_string_free (ans, TRUE);
  return v;
}

static int
cmp_u64 (gconstpointer a, gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;
  return x < y ? -1 : x > y;
}

/* search - the UIDs from @lo to @hi (0: to the end) of the unprocessed
 * messages, ascending */
static GArray *
search (BcFetch *f, guint64 lo, guint64 hi, GError **error)
{
  char *url = folder_url (f);
  char range[48];
  char *cmd;
  GString *ans = g_string_new (NULL);
  gboolean cut = FALSE;
  GArray *uids = NULL;

  if (hi)
    g_snprintf (range, sizeof range, "%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT, lo, hi);
  else
    g_snprintf (range, sizeof range, "%" G_GUINT64_FORMAT ":*", lo);
  cmd = f->mark == BC_MARK_KEYWORD
          ? g_strdup_printf ("UID SEARCH UID %s UNDELETED UNKEYWORD %s", range, f->keyword)
          : g_strdup_printf ("UID SEARCH UID %s UNDELETED", range);

  if (_bc_fetch_perform (f, url, cmd, FALSE, ans, BC_FETCH_MAX_RESPONSE, &cut, "UID SEARCH",
                         error)) {
    if (cut)
      g_set_error (error, BC_FETCH_ERROR, BC_FETCH_EXIT_REFUSED,
                   "%s: UID SEARCH answer larger than %u bytes", f->display,
                   BC_FETCH_MAX_RESPONSE);
    else {
      char **lines = g_strsplit (ans->str, "\n", -1);
      uids = g_array_new (FALSE, FALSE, sizeof (guint64));
      for (guint i = 0; lines[i]; i++) {
        char **tok;
        if (!g_str_has_prefix (lines[i], "* SEARCH"))
          continue;
        tok = g_strsplit_set (lines[i] + 8, " \r", -1);
        for (guint j = 0; tok[j]; j++) {
          char *end;
          guint64 u;
          if (!g_ascii_isdigit (tok[j][0]))
            continue;
          u = g_ascii_strtoull (tok[j], &end, 10);
          /* "n:*" also answers the last message when all UIDs are below n */
          if (*end == '\0' && u >= lo && u <= G_MAXUINT32 && (!hi || u <= hi))
            g_array_append_val (uids, u);
        }
        g_strfreev (tok);
      }
      g_strfreev (lines);
      g_array_sort (uids, cmp_u64);
    }
  }
  g_string_free (ans, TRUE);
  g_free (cmd);
  g_free (url);
  return uids;
}

/* uid_set - "1:4,7,9:10" for @ids (ascending runs become ranges) */
static char *
uid_set (const guint64 *ids, guint n)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < n;) {
    guint j = i;
    while (j + 1 < n && ids[j + 1] == ids[j] + 1)
      j++;
    g_string_append_printf (s, "%s%" G_GUINT64_FORMAT, s->len ? "," : "", ids[i]);
    if (j > i)
      g_string_append_printf (s, ":%" G_GUINT64_FORMAT, ids[j]);
    i = j + 1;
  }
  return g_string_free (s, FALSE);
}

static gboolean mark_some (BcFetch *f, const guint64 *ids, guint n, GError **error);

/* _bc_imap_mark - at most MARK_CHUNK UIDs per command: curl refuses an
 * answer whose untagged lines (an EXPUNGE per message moved) add up to more
 * than 300 KB */
gboolean
_bc_imap_mark (BcFetch *f, const guint64 *ids, guint n, GError **error)
{
  for (guint i = 0; i < n; i += MARK_CHUNK)
    if (!mark_some (f, ids + i, MIN (MARK_CHUNK, n - i), error))
      return FALSE;
  return TRUE;
}

static gboolean
mark_some (BcFetch *f, const guint64 *ids, guint n, GError **error)
{
  char *url = folder_url (f), *set, *q = NULL;
  const char *cmds[4] = { NULL };
  char *owned[4] = { NULL };
  gboolean ok = TRUE;

  if (n == 0) {
    g_free (url);
    return TRUE;
  }
  if (!f->caps_known && f->mark == BC_MARK_MOVE && !capabilities (f, error)) {
    g_free (url);
    return FALSE;
  }
  set = uid_set (ids, n);
  switch (f->mark) {
  case BC_MARK_MOVE:
    q = _bc_imap_quote (f->move_to, NULL);
    if (f->has_move)
      cmds[0] = owned[0] = g_strdup_printf ("UID MOVE %s %s", set, q);
    else {
      cmds[0] = owned[0] = g_strdup_printf ("UID COPY %s %s", set, q);
      cmds[1] = owned[1] = g_strdup_printf ("UID STORE %s +FLAGS.SILENT (\\Deleted)", set);
      cmds[2] = owned[2] = g_strdup_printf ("UID EXPUNGE %s", set);
    }
    break;
  case BC_MARK_KEYWORD:
    cmds[0] = owned[0] = g_strdup_printf ("UID STORE %s +FLAGS.SILENT (%s)", set, f->keyword);
    break;
  case BC_MARK_DELETE:
    cmds[0] = owned[0] = g_strdup_printf ("UID STORE %s +FLAGS.SILENT (\\Deleted)", set);
    cmds[1] = owned[1] = g_strdup_printf ("UID EXPUNGE %s", set);
    break;
  default:
    break;
  }
  for (guint i = 0; ok && cmds[i]; i++)
    ok = _bc_fetch_perform (f, url, cmds[i], FALSE, NULL, 0, NULL,
                            f->mark == BC_MARK_MOVE ? "moving messages" :
                            f->mark == BC_MARK_KEYWORD ? "setting the keyword"
                                                       : "deleting messages", error);
  for (guint i = 0; i < G_N_ELEMENTS (owned); i++)
    g_free (owned[i]);
  g_free (q);
  g_free (set);
  g_free (url);
  return ok;
}

/* prune_window - drops the done keys from @lo to @hi (0: no end) that the
 * SEARCH no longer lists: moved, deleted or given the keyword */
static void
prune_window (BcFetch *f, GArray *uids, guint64 lo, guint64 hi)
{
  GHashTable *present = g_hash_table_new (g_int64_hash, g_int64_equal);
  GHashTableIter it;
  gpointer key;

  for (guint i = 0; i < uids->len; i++)
    g_hash_table_add (present, &g_array_index (uids, guint64, i));
  g_hash_table_iter_init (&it, f->state.done);
  while (g_hash_table_iter_next (&it, &key, NULL)) {
    guint64 u = g_ascii_strtoull (key, NULL, 10);
    if (u >= lo && (!hi || u <= hi) && !g_hash_table_contains (present, &u))
      g_hash_table_iter_remove (&it);
  }
  g_hash_table_unref (present);
}

/* process - fetches and hands out each of @uids not yet written; those
 * written but not marked are marked */
static gboolean
process (BcFetch *f, GArray *uids, GError **error)
{
  GArray *remark = g_array_new (FALSE, FALSE, sizeof (guint64));
  char *url = folder_url (f);
  gboolean ok = TRUE;

  for (guint i = 0; ok && i < uids->len && !_bc_fetch_stopping (f); i++) {
    guint64 uid = g_array_index (uids, guint64, i);
    char key[24], *msg_url, *file;
    GString *data;
    gboolean cut = FALSE;

    g_snprintf (key, sizeof key, "%" G_GUINT64_FORMAT, uid);
    if (g_hash_table_contains (f->state.done, key)) {
      g_array_append_val (remark, uid);     /* written; its mark did not happen */
      continue;
    }
    msg_url = g_strdup_printf ("%s/;UID=%s", url, key);
    data = g_string_sized_new (16384);
    if (_bc_fetch_perform (f, msg_url, NULL, FALSE, data, f->max_message, &cut,
                           "fetching a message", error)) {
      file = g_strdup_printf ("%s;UIDVALIDITY=%" G_GUINT64_FORMAT "/;UID=%s", f->display,
                              f->state.uidvalidity, key);
      _bc_fetch_deliver (f, uid, key, file, data, cut);
      g_free (file);
    } else if ((*error)->code == BC_FETCH_EXIT_REFUSED) {
      /* gone since the SEARCH (another client), or UIDVALIDITY changed: the
       * next pass sees it again if it is still there */
      g_printerr ("bounceclass: %s (UID %s skipped for now)\n", (*error)->message, key);
      g_clear_error (error);
    } else
      ok = FALSE;
    g_string_free (data, TRUE);
    g_free (msg_url);
  }
  g_free (url);
  if (ok && remark->len && f->mark != BC_MARK_NONE) {
    GError *err = NULL;
    if (!_bc_imap_mark (f, (const guint64 *) (gpointer) remark->data, remark->len, &err)) {
      g_printerr ("bounceclass: %s\n", err->message);
      g_error_free (err);
      f->mark_failed = TRUE;
    }
  }
  g_array_unref (remark);
  return ok;
}

gboolean
_bc_imap_pass (BcFetch *f, GError **error)
{
  guint64 v, uidnext, lo = 1;
  gboolean ok = TRUE;

  if (f->mark == BC_MARK_MOVE && !create_target (f, error))
    return FALSE;
  if (!(v = uidvalidity (f, &uidnext, error)))
    return FALSE;
  if (f->state.uidvalidity && f->state.uidvalidity != v) {
    g_printerr ("bounceclass: %s: UIDVALIDITY changed (%" G_GUINT64_FORMAT " -> %"
                G_GUINT64_FORMAT "): the stored state no longer applies; every message still "
                "%s is processed again\n", f->display, f->state.uidvalidity, v,
                f->mark == BC_MARK_KEYWORD ? "without the keyword" : "in the folder");
    _bc_fetch_state_forget (&f->state);
  }
  if (f->state.uidvalidity != v) {
    f->state.uidvalidity = v;
    if (!_bc_fetch_state_save (&f->state, error))
      return FALSE;
  }
  /* window by window up to UIDNEXT as STATUS saw it; later mail is the
   * next pass's. Without UIDNEXT, one search to the end. */
  do {
    guint64 hi = uidnext > lo && uidnext - lo > SEARCH_WINDOW ? lo + SEARCH_WINDOW - 1 : 0;
    GArray *uids = search (f, lo, hi ? hi : (uidnext > lo ? uidnext - 1 : 0), error);
    if (!uids)
      return FALSE;
    prune_window (f, uids, lo, hi ? hi : 0);
    ok = process (f, uids, error);
    g_array_unref (uids);
    lo = hi + 1;
    if (!hi)
      break;
  } while (ok && !_bc_fetch_stopping (f));
  return ok;
}
