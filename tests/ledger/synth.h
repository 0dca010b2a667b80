/* synth.h - synthetic bounce messages for the ledger tests: DSNs (RFC 3464)
 * of a chosen class, recipient, date and List-Id, an ARF complaint and an
 * RFC 3834 auto-reply, plus an mbox writer. All addresses are under
 * example.com/.net/.org. */
#ifndef BC_TEST_SYNTH_H
#define BC_TEST_SYNTH_H

#include <glib.h>

/* kinds: "hard", "soft", "mailbox-full", "spam-block", "authfailure",
 * "delivered", "complaint", "auto-reply" */
extern const char *const synth_kinds[];

/* synth_message - one bounce; @serial makes the Message-ID (and so the
 * bytes) unique; @list_id may be NULL. Returns: (transfer full) */
char *synth_message (const char *kind, const char *rcpt, gint64 at, const char *list_id,
                     guint serial);

/* synth_mbox_append - appends @msg to @mbox as one mboxrd message */
void synth_mbox_append (GString *mbox, const char *msg);

/* synth_time - unix time of 2026-MM-DD HH:00 UTC */
gint64 synth_time (int month, int day, int hour);

#endif
