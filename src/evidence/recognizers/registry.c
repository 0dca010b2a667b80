/* registry.c - pick the recognizer that wrote a bounce.
 *
 * Recognizers are tried in the order of recognizers.def; the first that
 * says yes reads the text. A recognizer says yes through its BcRecSpec
 * (spec.c), or through its own detect() when it has one. Either way it
 * asks one BcRecProbe per message, which answers every report phrase of
 * every recognizer from a single pass over the report text and looks each
 * header up once, so a message costs one scan of its report text plus a
 * few string compares per recognizer (From, Subject, header values), not
 * one search of the text per phrase. The first detection reads the
 * environment (below) and builds spec.c's tables, under g_once.
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

static void
ensure_init (void)
{
  static gsize once;

  if (g_once_init_enter (&once)) {
    read_disabled ();
    _bc_rec_specs_init (table, N_RECOGNIZERS);
    g_once_init_leave (&once, 1);
  }
}

static gboolean
claims (BcRecProbe *p, guint i)
{
  const BcRecognizer *r = table[i];

  p->spec = r->spec;
  p->index = i;
  return r->detect ? r->detect (p) : _bc_rec_spec_match (p);
}

const BcRecognizer *
_bc_recognizer_detect (const BcMime *m)
{
  BcRecProbe p;

  ensure_init ();
  _bc_rec_probe_init (&p, m);
  for (guint i = 0; table[i]; i++)
    if (!disabled[i] && claims (&p, i))
      return table[i];
  return NULL;
}

/* _bc_recognizer_claims - would @rec say that @m is its own, were it the
 * only recognizer (the environment's list is not consulted)? FALSE for a
 * recognizer not in the table. For tests and fuzzers. */
gboolean
_bc_recognizer_claims (const BcRecognizer *rec, const BcMime *m)
{
  BcRecProbe p;

  ensure_init ();
  _bc_rec_probe_init (&p, m);
  for (guint i = 0; table[i]; i++)
    if (table[i] == rec)
      return claims (&p, i);
  return FALSE;
}
