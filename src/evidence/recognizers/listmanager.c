/* listmanager.c - a mailing list manager refusing a post.
 *
 * Sympa ("Message distribution: Authorization denied", "You are not
 * allowed to send ..."), GNU Mailman 2 and 3 ("Your message to the NAME
 * mailing-list was rejected for the following reasons", "The message is not
 * from a list member"), L-Soft LISTSERV ("You are not authorized to send
 * mail to the NAME list") and Majordomo answer the poster from the list
 * software (sympa@, LISTSERV@) or from a list's -owner, -request or
 * -bounces address. The list refused the poster, not a recipient: the one
 * recipient is the list's own address, and the whole text is the
 * diagnostic. The list address is the first address in the text, on the
 * From's domain, that is not the software's own (a -request or -owner
 * address names its list); else the From address when it is such an
 * address; else none, and the returned message's To is used. Reports with
 * a DSN part or X-Failed-Recipients, and notices that a post is held for
 * the moderator (not refused yet), are not claimed.
 */
#include "recognizers.h"

#include <string.h>

static const char *const from[] = { "sympa", "listserv", "mailman", "majordomo", "-owner@",
                                    "-request@", "-bounces@", "owner-", NULL };

/* phrases[0 .. N_REFUSED - 1] refuse a post; the rest hold it */
static const char *const phrases[] = {
  "authorization denied", "not authorized to send mail to", "not allowed to send",
  "not allowed to post", "not a subscriber", "not subscribed to", "non-member",
  "not from a list member", "automatically rejected", "rejected for the following reason",
  "members-only",
  /* Mailman's and fml's Japanese templates: "投稿は以下の理由で拒否されました",
   * "メンバーではありません", "会員以外からの投稿"; held: "保留" */
  "拒否されました", "メンバーではありません", "会員ではありません", "会員以外", "メンバー以外",
  "being held", "held until", "moderator approval", "awaits moderator", "保留",
  NULL
};
#define N_REFUSED 16

static const BcRecSpec spec = { .phrases = phrases };

static gboolean
detect (BcRecProbe *p)
{
  const BcMime *m = p->m;
  gboolean refused = FALSE;

  if (m->dsn->len > 0 || _bc_mime_header (m, "X-Failed-Recipients") ||
      !_bc_from_matches (m, from))
    return FALSE;
  for (guint i = 0; phrases[i]; i++)
    if (_bc_rec_said (p, i)) {
      if (i >= N_REFUSED)
        return FALSE;                 /* held for the moderator */
      refused = TRUE;
    }
  return refused || _bc_strcasestr (m->subject, "authorization denied") != NULL;
}

/* robot - @addr is the list software's own address, not a list's */
static gboolean
robot (const char *addr)
{
  static const char *const names[] = { "sympa@", "listserv@", "mailman@", "majordomo@",
                                       "listmaster@", "postmaster@", "mailer-daemon@", NULL };
  for (guint i = 0; names[i]; i++)
    if (_bc_has_prefix_ci (addr, names[i]))
      return TRUE;
  return FALSE;
}

/* list_of - the list a list's -owner, -request, -bounces or -admin address
 * or its owner-NAME address stands for; @addr itself otherwise */
static char *
list_of (const char *addr)
{
  static const char *const suffixes[] = { "-owner@", "-request@", "-bounces@", "-admin@", NULL };
  const char *at = strrchr (addr, '@');

  if (!at)
    return NULL;
  for (guint i = 0; suffixes[i]; i++) {
    gsize n = strlen (suffixes[i]) - 1;
    if ((gsize) (at - addr) > n && g_ascii_strncasecmp (at - n, suffixes[i], n) == 0) {
      char *local = g_strndup (addr, at - n - addr);
      char *list = g_strconcat (local, at, NULL);
      g_free (local);
      return list;
    }
  }
  if (_bc_has_prefix_ci (addr, "owner-") && at - addr > 6)
    return g_strdup (addr + 6);
  return g_strdup (addr);
}

/* same_domain - @a and @b share the part after '@' */
static gboolean
same_domain (const char *a, const char *b)
{
  const char *x = strrchr (a, '@'), *y = strrchr (b, '@');
  return x && y && g_ascii_strcasecmp (x, y) == 0;
}

static void
scan (BcScan *s)
{
  const BcMime *m = s->mime;
  const char *p = m->body->str, *e = m->body->str + m->ndr_len, *end = NULL;
  char *diag = _bc_squeeze (m->body->str, MIN (m->ndr_len, 1000));
  char *list = NULL, *a;

  /* at most 32 addresses are looked at */
  for (guint n = 0; !list && n < 32 && p < e && (a = _bc_address_find (p, e - p, &end)); n++) {
    if (m->from_addr[0] && same_domain (a, m->from_addr)) {
      list = list_of (a);
      if (list && robot (list))
        g_clear_pointer (&list, g_free);
    }
    g_free (a);
    p = end;
  }
  if (!list && m->from_addr[0] && !robot (m->from_addr)) {
    list = list_of (m->from_addr);
    if (list && g_ascii_strcasecmp (list, m->from_addr) == 0)
      g_clear_pointer (&list, g_free);  /* not a list's address */
  }
  if (list)
    _bc_scan_add (s, list, diag);
  g_free (list);
  g_free (diag);
}

const BcRecognizer _bc_rec_listmanager = { "listmanager", detect, scan, &spec };
