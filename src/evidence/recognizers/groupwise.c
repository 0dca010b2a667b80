/* groupwise.c - Novell / Micro Focus GroupWise (GWIA) status messages.
 *
 * Subject "Message status - undeliverable", then "The message that you
 * sent was undeliverable to the following:" with "addr (reason)" lines
 * and "Possible solutions:" advice. A GroupWise post office names its own
 * users without a domain ("bob (user not found)"): such a name is matched
 * against the local parts of the returned message's To; one matching no
 * To address (a Bcc) is left out. */
#include "recognizers.h"

#include <string.h>

static const char *const headers[] = { "X-Mailer: GroupWise", "X-Mailer: Novell GroupWise", NULL };
static const char *const body[] = { "GroupWise Internet Agent", NULL };
static const char *const from[] = { "@", NULL };
static const char *const subjects[] = { "Message status - undeliverable", NULL };
enum { UNDELIVERABLE_TO, TRUNCATED, SOLUTIONS };
static const char *const phrases[] = {
  [UNDELIVERABLE_TO] = "was undeliverable to the following:",
  [TRUNCATED] = "Possibly truncated original message follows",
  [SOLUTIONS] = "Possible solutions:",
  NULL
};
static const BcRecSpec spec = { .headers = headers, .body = body, .from = from,
                                .subjects = subjects, .phrases = phrases };

/* "was undeliverable to the following:" alone is not GroupWise's (Novell
 * NetMail words its notices alike): it counts with the lines GWIA writes
 * under the list, "Possibly truncated original message follows:" or
 * "Possible solutions:". Not the spec's @shared and @confirm: those would
 * hold its Subject, which is its own and claims alone, to the same lines. */
static gboolean
detect (BcRecProbe *p)
{
  return _bc_rec_spec_match (p) ||
         (_bc_rec_said (p, UNDELIVERABLE_TO) &&
          (_bc_rec_said (p, TRUNCATED) || _bc_rec_said (p, SOLUTIONS)));
}

/* to_address_for - the address in @to whose local part is @name, or NULL;
 * newly allocated. */
static char *
to_address_for (const char *to, const char *name, gsize name_len)
{
  const char *p = to, *e = to + strlen (to), *aend;
  char *a;

  while (p < e && (a = _bc_address_find (p, e - p, &aend)) != NULL) {
    const char *at = strchr (a, '@');
    if (at && (gsize) (at - a) == name_len && g_ascii_strncasecmp (a, name, name_len) == 0)
      return a;
    g_free (a);
    if (aend <= p)
      break;
    p = aend;
  }
  return NULL;
}

/* scan_local_names - "\tname (reason)" lines with no domain, in the
 * section after one of @starts. */
static void
scan_local_names (BcScan *s, const char *const *starts)
{
  BcOriginal o = { 0 };
  const char *b = NULL, *e = NULL;

  for (guint i = 0; starts[i] && !b; i++)
    if (_bc_body_find (s->mime, starts[i]))
      _bc_scan_range (s, starts[i], "Possible solutions", &b, &e);
  if (!b)
    return;
  _bc_original_read (s->mime, &o);
  if (!o.to) {
    _bc_original_clear (&o);
    return;
  }
  while (b < e && s->recipients->len < s->max_rcpts) {
    const char *nl = memchr (b, '\n', e - b), *le = nl ? nl : e, *n, *ne, *rp;
    for (n = b; n < le && (*n == ' ' || *n == '\t'); n++)
      ;
    for (ne = n; ne < le && (g_ascii_isalnum (*ne) || (*ne && strchr ("._+-'", *ne))); ne++)
      ;
    for (rp = ne; rp < le && *rp == ' '; rp++)
      ;
    if (ne > n && ne - n <= 64 && rp > ne && rp < le && *rp == '(' && le[-1] == ')') {
      char *addr = to_address_for (o.to, n, ne - n);
      if (addr) {
        char *d = g_strndup (rp + 1, le - rp - 2);
        _bc_scan_add (s, addr, d);
        g_free (d);
        g_free (addr);
      }
    }
    b = nl ? nl + 1 : e;
  }
  _bc_original_clear (&o);
}

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "undeliverable to the following:", "could not be delivered to the following", NULL };
  guint before = s->recipients->len;

  _bc_scan_first_section (s, starts, "Possible solutions");
  if (s->recipients->len == before)
    scan_local_names (s, starts);
}

const BcRecognizer _bc_rec_groupwise = { "groupwise", detect, scan, &spec };
