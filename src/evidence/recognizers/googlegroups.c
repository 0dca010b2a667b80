/* googlegroups.c - Google Groups rejections of a post.
 *
 * From mailer-daemon at googlemail.com, in the poster's language, "the
 * group you tried to contact (NAME) may not exist, or you may not have
 * permission to post"; X-Failed-Recipients names the group address. The
 * report text is the diagnostic. Detection and reading are shared with
 * googleworkspace.c (_bc_google_detect, _bc_google_scan). */
#include "recognizers.h"

static const char *const headers[] = { "X-Failed-Recipients: @googlegroups.com", NULL };
static const char *const body[] = { "groups.google.com", "Google Groups", NULL };
static const BcRecSpec spec = { .headers = headers, .body = body };

/* the report text is the diagnostic; no more (googleworkspace.c also
 * gives it to a recipient read out of the text without one) */
static void
scan (BcScan *s)
{
  g_free (_bc_google_scan (s));
}

const BcRecognizer _bc_rec_googlegroups = { "googlegroups", _bc_google_detect, scan, &spec };
