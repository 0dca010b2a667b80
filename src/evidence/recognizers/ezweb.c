/* ezweb.c - au by KDDI (ezweb.ne.jp, au.com) bounces.
 *
 * Japanese text (ISO-2022-JP) then "Each of the following recipients was
 * rejected by a remote mail server." (or "was undeliverable"), with
 * "Recipient: <addr>" and the ">>> / <<<" dialogue under it. Older notices
 * state the cause for every recipient in one fixed English sentence before
 * the list ("The user(s) account is disabled.", "Your message was not
 * delivered within 0 days and 1 hours."): each recipient gets it in front
 * of its own text. Limits: the first such sentence only. */
#include "recognizers.h"

static const char *const body[] = { "Each of the following recipients was", "The user(s) account is", NULL };
static const char *const domains[] = { "ezweb.ne.jp", "au.com", "kddi.com", NULL };
static const BcRecSpec spec = { .body = body, .domains = domains };

static void
scan (BcScan *s)
{
  static const char *const starts[] = { "Each of the following recipients", NULL };
  static const char *const verdicts[] = { "The user(s) account is", "Your message was not delivered within", NULL };
  _bc_scan_first_section (s, starts, NULL);
  for (guint i = 0; verdicts[i]; i++) {
    char *diag = _bc_scan_paragraph (s, verdicts[i], TRUE);
    if (diag) {
      _bc_scan_give_diag (s, diag, TRUE);
      g_free (diag);
      break;
    }
  }
}

const BcRecognizer _bc_rec_ezweb = { "ezweb", NULL, scan, &spec };
