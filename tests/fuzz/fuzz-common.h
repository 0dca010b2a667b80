/* fuzz-common.h - shared set-up for the libFuzzer harnesses.
 *
 * Each harness defines LLVMFuzzerTestOneInput(). Built with -Dfuzzing=true
 * it links against libFuzzer; otherwise standalone.c supplies a main() that
 * feeds it every file named on the command line, so the regression inputs
 * under tests/fuzz/regress/ run as ordinary tests. Any failed check calls
 * abort(), which both libFuzzer and meson report.
 */
#ifndef BC_FUZZ_COMMON_H
#define BC_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                   \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf (stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      abort ();                                                            \
    }                                                                      \
  } while (0)

/* fuzz_check_line - @s (@len bytes) is valid UTF-8 and holds no control
 * character but LF; with @one_line, only one LF, at the end. */
static inline void
fuzz_check_line (const char *s, gsize len, gboolean one_line)
{
  FUZZ_CHECK (g_utf8_validate (s, len, NULL));
  for (gsize i = 0; i < len; i++) {
    guchar c = s[i];
    if (c == '\n')
      FUZZ_CHECK (!one_line || i + 1 == len);
    else
      FUZZ_CHECK (c >= 0x20 && c != 0x7f);
  }
}

#endif
