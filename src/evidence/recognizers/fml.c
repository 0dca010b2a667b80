/* fml.c - fml mailing list manager error replies.
 *
 * fml answers a post it refuses (not a member, loop alert, command error)
 * from the list's -admin or -ctl address, with X-MLServer: fml. The
 * address in angle brackets in the text is the list the post was for;
 * the whole text is the diagnostic. */
#include "recognizers.h"
#include <string.h>

static const char *const headers[] = { "X-MLServer: fml", "X-ML-Server: fml", NULL };
static const char *const from[] = { "-admin@", "-ctl@", "-request@", NULL };
static const char *const subjects[] = { "You ", "Loop Alert", "Command error", "Not member", "Rejected", NULL };
/* The X-MLServer header names fml. Its From ("list-admin@", "-ctl@",
 * "-request@") and Subjects ("You ...", "Rejected ...") are other list
 * managers' and people's too: Mailman's "-request@" writes "You have been
 * unsubscribed ...", a person at "it-admin@" answers "Rejected: ...". So
 * they count only with a header fml adds to every mail of a list
 * (X-ML-Name, X-ML-Info) or one of its sentences: the ruler before the
 * returned post ("Original mail as follows:") or the pointer to the
 * list's guide. */
static const char *const confirm[] = { "Original mail as follows", "the general guide of this list",
                                       NULL };
static const char *const confirm_headers[] = { "X-ML-Name", "X-ML-Info", NULL };
static const BcRecSpec spec = { .headers = headers, .from = from, .subjects = subjects,
                                .confirm = confirm, .confirm_headers = confirm_headers };

static void
scan (BcScan *s)
{
  const BcMime *m = s->mime;
  char *diag = _bc_squeeze (m->body->str, MIN (m->ndr_len, 1000));
  const char *lt = _bc_body_find (m, "<");
  char *a = lt ? _bc_address_find (lt, m->ndr_len - (lt - m->body->str), NULL) : NULL;
  if (!a) {
    const char *to = _bc_mime_header (m, "To");
    a = to ? _bc_address_find (to, strlen (to), NULL) : NULL;
  }
  if (a)
    _bc_scan_add (s, a, diag);
  g_free (a);
  g_free (diag);
}

const BcRecognizer _bc_rec_fml = { "fml", NULL, scan, &spec };
