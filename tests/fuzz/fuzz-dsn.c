/* fuzz-dsn.c - the RFC 3464 field parser and the code finders.
 *
 * The input is made valid UTF-8 first, as message.c does for every part,
 * then parsed as a delivery-status text. Every recipient must have an
 * address, a well-formed status (or none) and codes filled from its
 * diagnostic without overrun; at most the recipient limit may come back.
 */
#include "fuzz-common.h"

#include "bc-private.h"
#include <string.h>

#define MAX_RCPTS 50

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean inited;
  BcDsn dsn = { 0 };
  char *text, *f;

  if (!inited) {
    g_mime_init ();
    inited = TRUE;
  }
  text = _bc_text_decode ((const char *) data, size, "utf-8");

  _bc_dsn_parse (text, strlen (text), &dsn, MAX_RCPTS);
  FUZZ_CHECK (dsn.recipients != NULL);
  FUZZ_CHECK (dsn.recipients->len <= MAX_RCPTS);
  for (guint i = 0; i < dsn.recipients->len; i++) {
    BcRecipient *r = g_ptr_array_index (dsn.recipients, i);
    FUZZ_CHECK (strlen (r->status) < sizeof r->status);
    if (r->status[0])
      FUZZ_CHECK (_bc_status_valid (r->status, strlen (r->status)));
    _bc_recipient_fill_codes (r);
    FUZZ_CHECK (strlen (r->reply_code) < sizeof r->reply_code);
    if (r->address)
      FUZZ_CHECK (strchr (r->address, '@') != NULL);
  }
  _bc_dsn_clear (&dsn);

  /* the other readers of the same kind of text */
  f = _bc_field_get (text, "Diagnostic-Code");
  g_free (f);
  {
    char st[16], rc[4];
    if (_bc_find_status (text, st))
      FUZZ_CHECK (_bc_status_valid (st, strlen (st)));
    if (_bc_find_reply (text, rc))
      FUZZ_CHECK (strlen (rc) == 3);
  }
  {
    const char *end = NULL;
    char *a = _bc_address_find (text, strlen (text), &end);
    FUZZ_CHECK (end != NULL && end >= text && end <= text + strlen (text));
    g_free (a);
  }
  g_free (text);
  return 0;
}
