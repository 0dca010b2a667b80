/* scan.c - read recipient blocks out of free NDR text.
 *
 * Almost every MTA writes the failed address at the start of a line and the
 * reason on that line or the indented lines under it, up to a blank line.
 * _bc_scan_blocks() reads that shape; recognizers cut the text to the part
 * that holds the blocks and hand it over. It is also the generic recognizer
 * for bounces from MTAs no recognizer knows.
 */
#include "recognizers.h"

#include <string.h>

#define MAX_DIAG 2000

BcRecipient *
_bc_scan_add (BcScan *s, const char *address, const char *diag)
{
  BcRecipient *r;

  for (guint i = 0; i < s->recipients->len; i++) {
    r = g_ptr_array_index (s->recipients, i);
    if (g_ascii_strcasecmp (r->address, address) == 0) {
      if (diag && *diag && (!r->diagnostic || !strstr (r->diagnostic, diag))) {
        char *n = r->diagnostic ? g_strconcat (r->diagnostic, " ", diag, NULL) : g_strdup (diag);
        g_free (r->diagnostic);
        r->diagnostic = n;
      }
      return r;
    }
  }
  if (s->recipients->len >= s->max_rcpts)
    return NULL;
  r = _bc_recipient_new (BC_SOURCE_TEXT);
  r->address = g_strdup (address);
  r->diagnostic = diag && *diag ? g_strdup (diag) : NULL;
  g_ptr_array_add (s->recipients, r);
  return r;
}

/* starts_block - does this line open a recipient block? It does when an
 * address stands near its start and the line is not a header, an SMTP
 * transcript line or a reply. */
static char *
block_address (const BcScan *s, const char *line, gsize len)
{
  const char *p = line, *end = line + len, *aend = NULL;
  char *addr;
  gsize lead;

  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  if (p == end)
    return NULL;
  if (g_ascii_isdigit (*p) || *p == '>' || *p == '#' ||
      (p + 3 <= end && strncmp (p, "<<<", 3) == 0))
    return NULL;
  /* header-like "Word: ..." lines belong to quoted headers */
  {
    const char *q = p;
    while (q < end && (g_ascii_isalnum (*q) || *q == '-'))
      q++;
    if (q < end && *q == ':' && q > p && q + 1 < end && q[1] == ' ') {
      gsize n = q - p;
      if (!(n == 2 && g_ascii_strncasecmp (p, "to", 2) == 0 && s->recipients->len == 0))
        return NULL;
    }
  }
  addr = _bc_address_find (p, end - p, &aend);
  if (!addr)
    return NULL;
  {
    const char *at = strchr (p, '@');
    lead = at ? (gsize) (at - p) : len;
  }
  if (lead > 72 || (s->mime->from_addr[0] && g_ascii_strcasecmp (addr, s->mime->from_addr) == 0)) {
    g_free (addr);
    return NULL;
  }
  /* the address must be the line's first word-ish thing: allow a display
   * name or "RCPT TO:" before it, but not a sentence */
  {
    int spaces = 0;
    for (const char *q = p; q < aend && *q != '@'; q++)
      if (*q == ' ')
        spaces++;
    if (spaces > 4) {
      g_free (addr);
      return NULL;
    }
  }
  return addr;
}

void
_bc_scan_blocks (BcScan *s, const char *text, gsize len)
{
  const char *p = text, *end = text + len;
  GString *diag = g_string_new (NULL);
  char *cur_addr = NULL;

#define FLUSH()                                                          \
  do {                                                                   \
    if (cur_addr) {                                                      \
      char *d = _bc_squeeze (diag->str, MIN (diag->len, MAX_DIAG));      \
      _bc_scan_add (s, cur_addr, d);                               \
      g_free (d);                                                        \
      g_clear_pointer (&cur_addr, g_free);                               \
    }                                                                    \
    g_string_truncate (diag, 0);                                         \
  } while (0)

  while (p < end) {
    const char *nl = memchr (p, '\n', end - p);
    const char *le = nl ? nl : end;
    gsize ll = le - p;
    gboolean blank = TRUE;
    char *addr;

    for (const char *q = p; q < le; q++)
      if (*q != ' ' && *q != '\t') {
        blank = FALSE;
        break;
      }
    if (blank) {
      if (cur_addr && diag->len == 0) {
        /* "addr\n\n  reason": allow one blank line before the reason */
      } else {
        FLUSH ();
      }
    } else if ((addr = block_address (s, p, ll)) != NULL) {
      if (cur_addr && g_ascii_strcasecmp (cur_addr, addr) == 0) {
        g_string_append_c (diag, ' ');
        g_string_append_len (diag, p, ll);
        g_free (addr);
      } else {
        const char *rest;
        FLUSH ();
        cur_addr = addr;
        /* the rest of the line after the address is diagnostic */
        rest = strchr (p, '@');
        while (rest && rest < le && *rest != ' ' && *rest != '\t')
          rest++;
        if (rest && rest < le)
          g_string_append_len (diag, rest, le - rest);
      }
    } else if (cur_addr) {
      if (diag->len < MAX_DIAG) {
        g_string_append_c (diag, ' ');
        g_string_append_len (diag, p, ll);
      }
    } else {
      /* orphan text: a transcript line naming a known recipient joins it */
      const char *aend;
      char *a = _bc_address_find (p, ll, &aend);
      if (a) {
        for (guint i = 0; i < s->recipients->len; i++) {
          BcRecipient *r = g_ptr_array_index (s->recipients, i);
          if (g_ascii_strcasecmp (r->address, a) == 0) {
            char *d = _bc_squeeze (p, ll);
            _bc_scan_add (s, a, d);
            g_free (d);
            break;
          }
        }
        g_free (a);
      }
    }
    p = nl ? nl + 1 : end;
  }
  FLUSH ();
  g_free (cur_addr);
  g_string_free (diag, TRUE);
#undef FLUSH
}

/* _bc_scan_section - scan the report text from the line after
 * @start_marker (or the start) to @end_marker (or the returned message). */
void
_bc_scan_section (BcScan *s, const char *start_marker, const char *end_marker)
{
  const BcMime *m = s->mime;
  const char *b = m->body->str, *e = m->body->str + m->ndr_len;

  if (start_marker) {
    const char *f = _bc_strcasestr_len (b, e - b, start_marker);
    if (f)
      b = _bc_next_line (f, e);
  }
  if (end_marker) {
    const char *f = _bc_strcasestr_len (b, e - b, end_marker);
    if (f)
      e = f;
  }
  _bc_scan_blocks (s, b, e - b);
}
