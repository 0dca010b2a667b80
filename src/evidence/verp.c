/* verp.c - recover the failed address from the bounce's envelope recipient.
 *
 * A mailing list that sends with VERP (variable envelope return path) puts
 * the subscriber into its own return address:
 *
 *     list-bounces+alice=example.org@lists.example.com  ->  alice@example.org
 *
 * The MTA addresses the bounce to that return path, so the bounce's
 * X-Original-To, Delivered-To, Envelope-To or To names the subscriber even
 * when the report itself hides the recipient. This file decodes such an
 * address (prefix, then a separator, then the subscriber with '@' replaced by
 * a second delimiter) and hands the result to the classifier.
 *
 * Sender Rewriting Scheme addresses (SRS0=HHH=TT=domain=local@forwarder,
 * SRS1=...) also contain '=' and a domain; they encode the original sender
 * of a forwarded message, not a subscriber, and are never decoded as VERP.
 *
 * Limits: addresses longer than 320 bytes are ignored; at most
 * MAX_HEADER_ADDRS addresses of each envelope header are looked at.
 */
#include "bc-private.h"

#include <string.h>

#define MAX_ADDR 320
#define MAX_HEADER_ADDRS 16

void
_bc_verp_config_init (BcVerpConfig *cfg)
{
  cfg->mode = BC_VERP_AUTO;
  cfg->prefix[0] = '\0';
  cfg->separator = '+';
  cfg->equals = '=';
}

/* _bc_srs_local - TRUE when @local (a local part, or what follows a VERP
 * prefix) is an SRS0/SRS1 address: "SRS0" or "SRS1", then '=', '+' or '-'. */
gboolean
_bc_srs_local (const char *local)
{
  return local && g_ascii_strncasecmp (local, "SRS", 3) == 0 &&
         (local[3] == '0' || local[3] == '1') && local[4] &&
         strchr ("=+-", local[4]) != NULL;
}

char *
bc_srs_decode (const char *address)
{
  char *norm = _bc_address_normalize (address);
  char *out = NULL;
  char **f = NULL;
  const char *at;

  if (!norm)
    return NULL;
  at = strrchr (norm, '@');
  if (!_bc_srs_local (norm))
    goto done;
  {
    char *local = g_strndup (norm + 5, at - norm - 5);
    guint n;
    /* SRS1=HHH=first-forwarder==HHH=TT=domain=local: the SRS0 part follows
     * the double '=' */
    if (norm[3] == '1') {
      char *dbl = strstr (local, "==");
      if (!dbl) {
        g_free (local);
        goto done;
      }
      memmove (local, dbl + 2, strlen (dbl + 2) + 1);
    }
    f = g_strsplit (local, "=", 4);
    g_free (local);
    n = g_strv_length (f);
    /* HHH=TT=domain=local; the local part may itself hold '=' */
    if (n == 4 && f[2][0] && f[3][0]) {
      char *a = g_strdup_printf ("%s@%s", f[3], f[2]);
      out = _bc_address_normalize (a);
      g_free (a);
    }
  }
done:
  g_strfreev (f);
  g_free (norm);
  return out;
}

/* decode - the VERP-encoded address in @address under @cfg, or NULL. */
static char *
decode (const BcVerpConfig *cfg, const char *address)
{
  char *norm, *out = NULL;
  const char *at, *rest, *eq, *p;
  gsize plen = strlen (cfg->prefix);

  if (cfg->mode == BC_VERP_OFF || !address || strlen (address) > MAX_ADDR)
    return NULL;
  norm = _bc_address_normalize (address);
  if (!norm)
    return NULL;
  at = strrchr (norm, '@');
  if (_bc_srs_local (norm))
    goto done;
  if (plen) {
    if ((gsize) (at - norm) <= plen + 1 || g_ascii_strncasecmp (norm, cfg->prefix, plen) != 0 ||
        norm[plen] != cfg->separator)
      goto done;
    rest = norm + plen + 1;
    /* ezmlm puts a message number between the prefix and the address:
     * list-return-42-alice=example.org@ */
    for (p = rest; p < at && g_ascii_isdigit (*p); p++)
      ;
    if (p > rest && p < at && *p == cfg->separator)
      rest = p + 1;
  } else {
    const char *sep = memchr (norm, cfg->separator, at - norm);
    if (!sep || sep == norm)
      goto done;
    rest = sep + 1;
  }
  if (_bc_srs_local (rest))
    goto done;
  /* the last '=' before the '@' stands for the subscriber's '@': a domain
   * holds no '=' while a local part may */
  eq = NULL;
  for (p = rest; p < at; p++)
    if (*p == cfg->equals)
      eq = p;
  if (!eq || eq == rest || eq + 1 >= at)
    goto done;
  {
    char *a = g_strdup_printf ("%.*s@%.*s", (int) (eq - rest), rest, (int) (at - eq - 1), eq + 1);
    out = _bc_address_normalize (a);
    g_free (a);
  }
done:
  g_free (norm);
  return out;
}

char *
_bc_verp_decode (const BcVerpConfig *cfg, const char *address)
{
  return decode (cfg, address);
}

char *
bc_verp_decode (const char *address, const char *prefix, const char *delimiters)
{
  BcVerpConfig cfg;

  _bc_verp_config_init (&cfg);
  if (prefix) {
    if (strlen (prefix) >= sizeof cfg.prefix)
      return NULL;
    strcpy (cfg.prefix, prefix);
  }
  if (delimiters) {
    if (strlen (delimiters) != 2 || delimiters[0] == delimiters[1])
      return NULL;
    cfg.separator = delimiters[0];
    cfg.equals = delimiters[1];
  }
  return decode (&cfg, address);
}

/* guessed_from_to - @address, the complainant of a feedback report, was
 * only taken from the To of the reported message: the report has no
 * Original-Rcpt-To or Removal-Recipient field. A list's post is addressed
 * to the list, so that To names no subscriber. */
static gboolean
guessed_from_to (const BcMime *m, const BcReport *report, const char *address)
{
  char *v, *to;
  gboolean same;

  if (!m->arf || !report->original.to)
    return FALSE;
  if ((v = _bc_field_get (m->arf, "Original-Rcpt-To")) ||
      (v = _bc_field_get (m->arf, "Removal-Recipient"))) {
    g_free (v);
    return FALSE;
  }
  to = _bc_address_find (report->original.to, strlen (report->original.to), NULL);
  same = to && g_ascii_strcasecmp (to, address) == 0;
  g_free (to);
  return same;
}

/* arf_verp - a feedback report that names no complainant (no
 * Original-Rcpt-To, the returned message's To hidden or
 * "undisclosed-recipients:;", or only a To, which a list's post addresses
 * to the list) still has the envelope sender of the message complained
 * about, in its Original-Mail-From field or the returned message's
 * Return-Path: when that is VERP, it names the subscriber. The report's
 * own envelope goes to the feedback loop address, never VERP. */
static void
arf_verp (const BcVerpConfig *cfg, const BcMime *m, BcReport *report)
{
  BcRecipient *r;
  char *from = NULL, *a = NULL;

  if (!report->recognizer || !g_str_equal (report->recognizer, "arf") ||
      report->recipients->len != 1)
    return;
  r = g_ptr_array_index (report->recipients, 0);
  if (r->address && *r->address && !guessed_from_to (m, report, r->address))
    return;
  if (m->arf && (from = _bc_field_get (m->arf, "Original-Mail-From")))
    a = decode (cfg, from);
  if (!a && m->orig && GMIME_IS_OBJECT (m->orig)) {
    const char *rp = g_mime_object_get_header (m->orig, "Return-Path");
    a = rp ? decode (cfg, rp) : NULL;
  } else if (!a && m->orig_part && m->orig_text) {
    char *rp = _bc_field_get (m->orig_text, "Return-Path");
    a = rp ? decode (cfg, rp) : NULL;
    g_free (rp);
  }
  g_free (from);
  if (a) {
    g_free (r->address);
    r->address = a;
  }
}

/* header_verp - the first address in header @name of the bounce that
 * decodes as VERP. */
static char *
header_verp (const BcVerpConfig *cfg, const BcMime *m, const char *name)
{
  const char *value = _bc_mime_header (m, name);
  const char *p, *end;
  guint n = 0;

  /* a VERP local part holds both delimiters, copied verbatim from the
   * header: without them no address in it decodes */
  if (!value || !strchr (value, cfg->separator) || !strchr (value, cfg->equals))
    return NULL;
  p = value;
  end = value + strlen (value);
  while (p < end && n++ < MAX_HEADER_ADDRS) {
    const char *stop = NULL;
    char *a = _bc_address_find (p, end - p, &stop);
    char *d;
    if (!a)
      break;
    d = decode (cfg, a);
    g_free (a);
    if (d)
      return d;
    if (!stop || stop <= p)
      break;
    p = stop;
  }
  return NULL;
}

/* _bc_verp_apply - sets report->verp from the bounce's envelope recipient,
 * then uses it as the recipient of a bounce that names nobody, or in place
 * of a recipient guessed from the returned message's To (for a list, that
 * To is usually the list itself). */
void
_bc_verp_apply (const BcVerpConfig *cfg, const BcMime *m, BcReport *report)
{
  static const char *const headers[] = { "X-Original-To", "Delivered-To", "Envelope-To", "To" };
  char *verp = NULL;

  if (cfg->mode == BC_VERP_OFF)
    return;
  arf_verp (cfg, m, report);
  for (guint i = 0; !verp && i < G_N_ELEMENTS (headers); i++)
    verp = header_verp (cfg, m, headers[i]);
  if (!verp)
    return;
  g_free (report->verp);
  report->verp = verp;
  if (!report->recognizer || g_str_equal (report->recognizer, "autoreply") ||
      g_str_equal (report->recognizer, "arf"))
    return;
  if (report->recipients->len == 0 && report->recipients->len < m->limits->max_recipients) {
    BcRecipient *r = _bc_recipient_new (BC_SOURCE_VERP);
    gsize n = MIN (m->ndr_len, 1500);
    r->address = g_strdup (verp);
    if (n)
      r->diagnostic = _bc_squeeze (m->body->str, n);
    r->date = g_strdup (m->date);
    g_ptr_array_add (report->recipients, r);
  } else if (report->recipients->len == 1) {
    BcRecipient *r = g_ptr_array_index (report->recipients, 0);
    if (r->source == BC_SOURCE_ORIGINAL) {
      g_free (r->address);
      r->address = g_strdup (verp);
      r->source = BC_SOURCE_VERP;
    }
  }
}
