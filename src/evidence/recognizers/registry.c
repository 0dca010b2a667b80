/* registry.c - pick the recognizer that wrote a bounce.
 *
 * Recognizers are tried in the order of recognizers.def; the first whose
 * detect() says yes reads the text. detect() looks at headers, From and
 * Subject, and at most at a phrase of the body, so a message costs a few
 * string compares per recognizer.
 */
#include "recognizers.h"

static const BcRecognizer *const table[] = {
#define BC_RECOGNIZER(name) &_bc_rec_##name,
#include "recognizers.def"
#undef BC_RECOGNIZER
  NULL
};

const BcRecognizer *
_bc_recognizer_detect (const BcMime *m)
{
  for (guint i = 0; table[i]; i++)
    if (table[i]->detect (m))
      return table[i];
  return NULL;
}
