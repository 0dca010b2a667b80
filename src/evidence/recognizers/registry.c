/* registry.c - pick the recognizer that wrote a bounce.
 *
 * Recognizers are tried in the order of recognizers.def; the first whose
 * detect() says yes reads the text. detect() looks at headers, From and
 * Subject, and at most at a phrase of the body, so a message costs a few
 * string compares per recognizer.
 *
 * Testing aid: BOUNCECLASS_DISABLE_RECOGNIZERS=name,name,... (or "all")
 * makes the named recognizers act as if they did not exist, so a run shows
 * how the generic handling reads bounces of an MTA it has never seen. The
 * variable is read once per process (the first detection); names are
 * matched case-insensitively, unknown names are reported once on stderr
 * through g_warning and otherwise ignored. At most 64 names are read.
 */
#include "recognizers.h"

#include <string.h>

static const BcRecognizer *const table[] = {
#define BC_RECOGNIZER(name) &_bc_rec_##name,
#include "recognizers.def"
#undef BC_RECOGNIZER
  NULL
};

#define N_RECOGNIZERS (G_N_ELEMENTS (table) - 1)

/* disabled[i]: table[i] is switched off by the environment */
static gboolean disabled[N_RECOGNIZERS + 1];

static void
read_disabled (void)
{
  const char *env = g_getenv ("BOUNCECLASS_DISABLE_RECOGNIZERS");
  char **names;

  if (!env || !*env)
    return;
  names = g_strsplit_set (env, ", ", 65);
  for (guint n = 0; names[n] && n < 64; n++) {
    gboolean known = FALSE;
    if (!names[n][0])
      continue;
    for (guint i = 0; i < N_RECOGNIZERS; i++)
      if (g_ascii_strcasecmp (names[n], "all") == 0 ||
          g_ascii_strcasecmp (names[n], table[i]->name) == 0) {
        disabled[i] = TRUE;
        known = TRUE;
      }
    if (!known)
      g_warning ("BOUNCECLASS_DISABLE_RECOGNIZERS: no recognizer named \"%s\"", names[n]);
  }
  g_strfreev (names);
}

const BcRecognizer *
_bc_recognizer_detect (const BcMime *m)
{
  static gsize once;

  if (g_once_init_enter (&once)) {
    read_disabled ();
    g_once_init_leave (&once, 1);
  }
  for (guint i = 0; table[i]; i++)
    if (!disabled[i] && table[i]->detect (m))
      return table[i];
  return NULL;
}
