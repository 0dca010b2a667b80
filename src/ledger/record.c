/* record.c - turn a classified message into ledger events, and write them
 * in transactions of whole messages.
 *
 * Each recipient of a report becomes one event. The key that makes
 * reprocessing a no-op is the MD5 of the message's bytes (hex) and the
 * recipient's index in the report: the same bounce read
 * twice, from a file or from an mbox, gives the same keys. The time is the
 * recipient's date (Last-Attempt-Date, Arrival-Date, or the bounce's Date,
 * as the classifier found it); a missing, unreadable or far-future date
 * (more than a day ahead) becomes the time of the run. Strings are cut to
 * BC_LEDGER_MAX_FIELD bytes on a UTF-8 boundary; a recipient without a
 * usable address is skipped.
 *
 * The address is the recipient's, or, when the bounce's envelope recipient
 * was VERP-decoded (bc_classifier_set_verp(), the --verp options) and the
 * report names one recipient, the decoded subscriber.
 *
 * The writer opens a transaction at the first message of a batch and
 * commits after `batch` messages or `interval` microseconds, so a message is
 * in the ledger whole or not at all, and a killed run loses only its last
 * open batch (which the rerun then records).
 */
#include "ledger.h"

#include <gmime/gmime.h>
#include <string.h>

void
_bc_ledger_msg_free (BcLedgerMsg *m)
{
  if (!m)
    return;
  g_ptr_array_unref (m->events);
  g_free (m);
}

char *
_bc_ledger_normalise_address (const char *address)
{
  char *a, *at, *dom;
  gsize len;

  if (!address)
    return NULL;
  a = g_strstrip (g_strdup (address));
  len = strlen (a);
  if (len >= 2 && a[0] == '<' && a[len - 1] == '>') {
    memmove (a, a + 1, len - 2);
    a[len - 2] = '\0';
    g_strstrip (a);
  }
  at = strrchr (a, '@');
  if (!*a || strlen (a) > BC_LEDGER_MAX_ADDRESS || !at || at == a || !at[1]
      || !g_utf8_validate (a, -1, NULL)) {
    g_free (a);
    return NULL;
  }
  for (const char *p = a; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f || *p == ' ') {
      g_free (a);
      return NULL;
    }
  dom = g_utf8_strdown (at + 1, -1);
  *at = '\0';
  {
    char *out = g_strconcat (a, "@", dom, NULL);
    g_free (a);
    g_free (dom);
    return out;
  }
}

gint64
_bc_ledger_parse_date (const char *date)
{
  GDateTime *dt;
  gint64 t;

  if (!date || !*date || strlen (date) > 200)
    return -1;
  dt = g_mime_utils_header_decode_date (date);
  if (!dt)
    return -1;
  t = g_date_time_to_unix (dt);
  g_date_time_unref (dt);
  /* GMime answers the epoch for some unparsable dates */
  return t > 0 ? t : -1;
}

/* clip - a copy of @s cut to BC_LEDGER_MAX_FIELD bytes on a character
 * boundary, control characters as spaces */
static char *
clip (const char *s)
{
  char *out;
  const char *end;

  if (!s)
    return g_strdup ("");
  if (!g_utf8_validate (s, -1, &end))
    out = g_strndup (s, (gsize) (end - s));
  else
    out = g_strdup (s);
  if (strlen (out) > BC_LEDGER_MAX_FIELD) {
    char *cut = g_utf8_find_prev_char (out, out + BC_LEDGER_MAX_FIELD + 1);
    if (cut)
      *cut = '\0';
  }
  for (char *p = out; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  return out;
}

/* list_id - the identifier inside a List-Id's angle brackets, lower-cased */
static char *
list_id (const char *header)
{
  const char *lt, *gt;
  char *id, *out;

  if (!header || !*header)
    return g_strdup ("");
  lt = strrchr (header, '<');
  gt = lt ? strchr (lt, '>') : NULL;
  if (lt && gt)
    id = g_strndup (lt + 1, (gsize) (gt - lt - 1));
  else
    id = g_strdup (header);
  g_strstrip (id);
  out = clip (id);
  g_free (id);
  id = g_utf8_strdown (out, -1);
  g_free (out);
  return id;
}

BcLedgerMsg *
_bc_ledger_msg_new (const BcReport *report, const void *data, gsize len, gint64 now)
{
  BcLedgerMsg *m;
  char *hash, *lid;

  if (!report || !report->recipients || report->recipients->len == 0)
    return NULL;
  /* MD5 names the bytes (identity, not security): 128 bits, and four times
   * cheaper than GLib's SHA-256, which cost 6% of a run */
  hash = g_compute_checksum_for_data (G_CHECKSUM_MD5, data, len);
  lid = list_id (report->original.list_id);
  m = g_new0 (BcLedgerMsg, 1);
  m->events = g_ptr_array_new_with_free_func ((GDestroyNotify) _bc_ledger_event_free);
  for (guint i = 0; i < report->recipients->len; i++) {
    const BcRecipient *r = g_ptr_array_index (report->recipients, i);
    /* a VERP bounce is about one subscriber: the one its envelope names,
     * even when the report names another address (a forward, an alias) */
    char *address = _bc_ledger_normalise_address (report->verp && report->recipients->len == 1
                                                  ? report->verp : r->address);
    BcLedgerEvent *ev;
    gint64 at;

    if (!address)
      continue;
    at = _bc_ledger_parse_date (r->date);
    if (at < 0 || at > now + 86400)
      at = now;
    ev = g_new0 (BcLedgerEvent, 1);
    ev->key = g_strdup_printf ("%s/%u", hash, i);
    ev->address = address;
    ev->at = at;
    ev->klass = g_strdup (bc_class_to_string (r->klass));
    ev->reason = clip (r->reason);
    ev->status = clip (r->status);
    ev->rule = clip (r->rule);
    ev->list_id = g_strdup (lid);
    ev->host = clip (r->remote_mta && *r->remote_mta ? r->remote_mta : report->reporting_mta);
    ev->diagnostic = clip (r->diagnostic);
    ev->recorded = now;
    g_ptr_array_add (m->events, ev);
  }
  g_free (hash);
  g_free (lid);
  if (m->events->len == 0) {
    _bc_ledger_msg_free (m);
    return NULL;
  }
  return m;
}

/* ---- the writer ----------------------------------------------------------- */

struct _BcLedgerWriter {
  BcLedgerStore *st;
  guint batch;
  gint64 interval_us;
  gboolean open;            /* a transaction is open */
  guint in_batch;           /* messages in it */
  gint64 started_us;
  guint64 messages, added, duplicates;
  guint64 pend_events;      /* events sent in the open transaction */
};

BcLedgerWriter *
_bc_ledger_writer_new (BcLedgerStore *st, guint batch, gint64 interval_us)
{
  BcLedgerWriter *w = g_new0 (BcLedgerWriter, 1);
  w->st = st;
  w->batch = batch ? batch : 1;
  w->interval_us = interval_us;
  return w;
}

gboolean
_bc_ledger_writer_add (BcLedgerWriter *w, const BcLedgerMsg *m, GError **error)
{
  if (!m)
    return TRUE;
  if (!w->open) {
    if (!w->st->be->begin (w->st, error))
      return FALSE;
    w->open = TRUE;
    w->in_batch = 0;
    w->started_us = g_get_monotonic_time ();
  }
  for (guint i = 0; i < m->events->len; i++)
    if (!w->st->be->record (w->st, g_ptr_array_index (m->events, i), error))
      return FALSE;     /* the caller aborts: the whole batch is rolled back */
  w->pend_events += m->events->len;
  w->in_batch++;
  if (w->in_batch >= w->batch || g_get_monotonic_time () - w->started_us >= w->interval_us)
    return _bc_ledger_writer_commit (w, error);
  return TRUE;
}

gboolean
_bc_ledger_writer_commit (BcLedgerWriter *w, GError **error)
{
  guint64 added = 0;

  if (!w->open)
    return TRUE;
  if (!w->st->be->commit (w->st, &added, error))
    return FALSE;
  w->open = FALSE;
  w->messages += w->in_batch;
  w->added += added;
  w->duplicates += w->pend_events > added ? w->pend_events - added : 0;
  w->in_batch = 0;
  w->pend_events = 0;
  return TRUE;
}

guint
_bc_ledger_writer_abort (BcLedgerWriter *w)
{
  guint lost = w->open ? w->in_batch : 0;
  if (w->open)
    w->st->be->rollback (w->st);
  w->open = FALSE;
  w->in_batch = 0;
  w->pend_events = 0;
  return lost;
}

void
_bc_ledger_writer_stats (BcLedgerWriter *w, guint64 *messages, guint64 *added, guint64 *duplicates)
{
  if (messages)
    *messages = w->messages;
  if (added)
    *added = w->added;
  if (duplicates)
    *duplicates = w->duplicates;
}

void
_bc_ledger_writer_free (BcLedgerWriter *w)
{
  if (!w)
    return;
  _bc_ledger_writer_abort (w);
  g_free (w);
}
