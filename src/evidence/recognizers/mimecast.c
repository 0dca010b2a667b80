/* mimecast.c - Mimecast gateway rejections and alerts.
 *
 * Its own alert says "An email that you attempted to send to the
 * following address could not be delivered:" with "-- addr", then "The
 * problem appears to be :" and "Additional information follows :", each
 * with a "-- " paragraph; the subject is "[Postmaster] Email Delivery
 * Failure". Relayed rejections are read generically.
 *
 * From a Mimecast host (mimecast.com / mimecast-offshore.com) or naming
 * "Mimecast" and linking community.mimecast.com / mimecast.com/docs; the
 * reason is the SMTP line with a Mimecast error code ("554 Host network
 * not allowed"). */
#include "recognizers.h"

static const char *const body[] = { "Mimecast Ltd", "Mimecast Services", "The problem appears to be :", NULL };
/* the gateway signs its notices "Mimecast <postmaster@...>" from the
 * customer's own domain too */
static const char *const from[] = { "Mimecast", NULL };
static const char *const domains[] = { "mimecast.com", "mimecast-offshore.com", "mimecast.co.za", NULL };
static const BcRecSpec spec = { .body = body, .from = from, .domains = domains };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "following address", "following recipient", NULL };
  _bc_scan_first_section (s, starts, NULL);
  /* "The problem appears to be :" and "Additional information follows :"
   * each head a paragraph of their own */
  {
    char *problem = _bc_scan_paragraph (s, "The problem appears to be", FALSE);
    char *more = _bc_scan_paragraph (s, "Additional information follows", FALSE);
    char *diag = g_strjoin (" ", problem ? problem : "", more ? more : "", NULL);
    g_strstrip (diag);
    for (guint i = 0; *diag && i < s->recipients->len; i++) {
      BcRecipient *r = g_ptr_array_index (s->recipients, i);
      g_free (r->diagnostic);
      r->diagnostic = g_strdup (diag);
    }
    g_free (problem);
    g_free (more);
    g_free (diag);
  }
}

const BcRecognizer _bc_rec_mimecast = { "mimecast", NULL, scan, &spec };
