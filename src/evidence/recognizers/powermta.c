/* powermta.c - Port25 PowerMTA delivery reports.
 *
 * Subject "Delivery report"; a DSN whose fields include
 * X-PowerMTA-VirtualMTA / X-PowerMTA-BounceCategory; the text part lists
 * the failed recipients. */
#include "recognizers.h"
#include <string.h>

static const char *const body[] = { "PowerMTA", NULL };
static const char *const from[] = { "@", NULL };
static const char *const subjects[] = { "Delivery report", NULL };
static const BcRecSpec spec = { .body = body, .from = from, .subjects = subjects };

static gboolean
detect (BcRecProbe *p)
{
  const BcMime *m = p->m;

  for (guint i = 0; i < m->dsn->len; i++)
    if (strstr (g_ptr_array_index (m->dsn, i), "X-PowerMTA"))
      return TRUE;
  return _bc_rec_spec_match (p);
}

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "following recipient", "following address", NULL };
  _bc_scan_first_section (s, starts, NULL);
}

const BcRecognizer _bc_rec_powermta = { "powermta", detect, scan, &spec };
