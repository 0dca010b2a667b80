/* powermta.c - Port25 PowerMTA delivery reports.
 *
 * Subject "Delivery report"; a DSN whose fields include
 * X-PowerMTA-VirtualMTA / X-PowerMTA-BounceCategory; the text part lists
 * the failed recipients. */
#include "recognizers.h"
#include <string.h>

static const char *const body[] = { "PowerMTA", NULL };
static const BcRecSpec spec = { .body = body };

/* subject_is_report - the Subject is "Delivery report" and nothing more:
 * PP (the X.400 MTA) starts its own with the same words, "Delivery Report
 * (failure) for addr" */
static gboolean
subject_is_report (const BcMime *m)
{
  static const char report[] = "Delivery report";
  const char *s = m->subject;
  gsize n = sizeof report - 1;

  while (*s == ' ' || *s == '\t')
    s++;
  if (g_ascii_strncasecmp (s, report, n) != 0)
    return FALSE;
  for (s += n; *s; s++)
    if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
      return FALSE;
  return TRUE;
}

static gboolean
detect (BcRecProbe *p)
{
  const BcMime *m = p->m;

  for (guint i = 0; i < m->dsn->len; i++)
    if (strstr (g_ptr_array_index (m->dsn, i), "X-PowerMTA"))
      return TRUE;
  return _bc_rec_spec_match (p) || (subject_is_report (m) && _bc_rec_looks_like_bounce (p));
}

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "following recipient", "following address", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_powermta = { "powermta", detect, scan, &spec };
