/* test-text.c - the string searches the evidence stages share
 * (evidence/text.c): _bc_strcasestr_len and _bc_memmem give the first
 * place of the needle, as a plain byte-by-byte search would, whichever
 * byte of the needle they look for first and however long the text is.
 */
#include "tc.h"

#include <string.h>

/* the first @needle (@n bytes) in @hay (@len bytes), compared byte by byte
 * (ASCII case ignored when @fold) */
static const char *
plain_find (const char *hay, gsize len, const char *needle, gsize n, gboolean fold)
{
  for (gsize i = 0; i + n <= len; i++) {
    gsize k = 0;
    while (k < n && (fold ? g_ascii_tolower (hay[i + k]) == g_ascii_tolower (needle[k])
                          : hay[i + k] == needle[k]))
      k++;
    if (k == n)
      return hay + i;
  }
  return NULL;
}

/* Bytes the texts are made of: few, so that needles often occur, partly
 * or whole; letters in both cases, the least common ones of the search's
 * table among them, white space, punctuation and UTF-8 bytes. */
static const char alphabet[] = "eEaAqQzZxX  \n-.>@(\xc3\xa9";

static void
random_text (GRand *rng, char *out, gsize len)
{
  for (gsize i = 0; i < len; i++)
    out[i] = alphabet[g_rand_int_range (rng, 0, sizeof alphabet - 1)];
}

static void
test_search_random (void **state)
{
  GRand *rng = g_rand_new_with_seed (20261127);
  char hay[1200], needle[16];
  (void) state;

  for (guint round = 0; round < 20000; round++) {
    /* texts on both sides of the length at which the anchor is chosen */
    gsize len = g_rand_int_range (rng, 0, round % 2 ? 40 : sizeof hay);
    gsize n = g_rand_int_range (rng, 1, 13);      /* both sides of ANCHORED_MAX */
    random_text (rng, hay, len);
    if (len >= n && g_rand_boolean (rng)) {
      /* a needle that occurs: a piece of the text, maybe with its case changed */
      gsize at = g_rand_int_range (rng, 0, len - n + 1);
      memcpy (needle, hay + at, n);
    } else {
      random_text (rng, needle, n);
    }
    needle[n] = '\0';
    if (strlen (needle) != n)
      continue;
    assert_ptr_equal (_bc_memmem (hay, len, needle, n), plain_find (hay, len, needle, n, FALSE));
    for (gsize k = 0; k < n; k++)
      if (g_rand_boolean (rng))
        needle[k] = g_ascii_isupper (needle[k]) ? g_ascii_tolower (needle[k])
                                                : g_ascii_toupper (needle[k]);
    assert_ptr_equal (_bc_strcasestr_len (hay, len, needle), plain_find (hay, len, needle, n, TRUE));
  }
  g_rand_free (rng);
}

static void
test_search_edges (void **state)
{
  GString *s = g_string_new (NULL);
  (void) state;

  /* the needle's least common byte ('q', 'z') first, last, in the middle */
  for (guint i = 0; i < 300; i++)
    g_string_append (s, "the sender ");
  g_string_append (s, "Quiz");
  assert_ptr_equal (_bc_strcasestr_len (s->str, s->len, "quiz"), s->str + s->len - 4);
  assert_ptr_equal (_bc_strcasestr_len (s->str, s->len, "r quiz"), s->str + s->len - 6);
  assert_ptr_equal (_bc_strcasestr_len (s->str, s->len, "quiz!"), NULL);
  assert_ptr_equal (_bc_memmem (s->str, s->len, "Quiz", 4), s->str + s->len - 4);
  assert_ptr_equal (_bc_memmem (s->str, s->len, "quiz", 4), NULL);
  assert_ptr_equal (_bc_memmem (s->str, s->len, "the", 3), s->str);
  assert_ptr_equal (_bc_strcasestr_len (s->str, s->len, "THE SENDER"), s->str);
  /* the needle not whole before the end */
  assert_ptr_equal (_bc_memmem (s->str, s->len - 1, "Quiz", 4), NULL);
  assert_ptr_equal (_bc_strcasestr_len (s->str, s->len - 1, "quiz"), NULL);
  /* an empty needle is found at the start; a text shorter than the needle holds none */
  assert_ptr_equal (_bc_strcasestr_len (s->str, s->len, ""), s->str);
  assert_ptr_equal (_bc_memmem ("ab", 2, "abc", 3), NULL);
  assert_ptr_equal (_bc_strcasestr_len ("ab", 2, "abc"), NULL);
  g_string_free (s, TRUE);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_search_random),
    cmocka_unit_test (test_search_edges),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
