/* taxonomy.c - reason -> class -> action, as docs/taxonomy.md sets it.
 *
 * A reason that would be hard becomes soft when the status or reply code
 * says the failure is temporary (4.x.x, 4xx): the receiver asked to be
 * tried again. The exception is a rule marked permanent=yes, whose text
 * states a cause no retry can mend (a null MX, RFC 7505): some MTAs give
 * it a 4.x.x status while they report the delivery as failed.
 */
#include "bc-private.h"

#include <string.h>

static const struct {
  const char *reason;
  BcClass klass;
} reasons[] = {
  { "userunknown", BC_CLASS_HARD },        { "hostunknown", BC_CLASS_HARD },
  { "hasmoved", BC_CLASS_HARD },           { "notaccept", BC_CLASS_HARD },
  { "mailboxfull", BC_CLASS_MAILBOX_FULL },
  { "blocked", BC_CLASS_SPAM_BLOCK },      { "spamdetected", BC_CLASS_SPAM_BLOCK },
  { "badreputation", BC_CLASS_SPAM_BLOCK }, { "requireptr", BC_CLASS_SPAM_BLOCK },
  { "policyviolation", BC_CLASS_SPAM_BLOCK }, { "virusdetected", BC_CLASS_SPAM_BLOCK },
  { "authfailure", BC_CLASS_SPAM_BLOCK },  { "rejected", BC_CLASS_SPAM_BLOCK },
  { "filtered", BC_CLASS_SPAM_BLOCK },
  { "suspend", BC_CLASS_SOFT },            { "expired", BC_CLASS_SOFT },
  { "networkerror", BC_CLASS_SOFT },       { "systemerror", BC_CLASS_SOFT },
  { "systemfull", BC_CLASS_SOFT },         { "mailererror", BC_CLASS_SOFT },
  { "mesgtoobig", BC_CLASS_SOFT },         { "exceedlimit", BC_CLASS_SOFT },
  { "toomanyconn", BC_CLASS_SOFT },        { "speeding", BC_CLASS_SOFT },
  { "norelaying", BC_CLASS_SOFT },         { "syntaxerror", BC_CLASS_SOFT },
  { "notcompliantrfc", BC_CLASS_SOFT },    { "contenterror", BC_CLASS_SOFT },
  { "securityerror", BC_CLASS_SOFT },      { "failedstarttls", BC_CLASS_SOFT },
  { "onhold", BC_CLASS_SOFT },             { "undefined", BC_CLASS_SOFT },
  { "feedback", BC_CLASS_COMPLAINT },      { "vacation", BC_CLASS_AUTO_REPLY },
  { "delivered", BC_CLASS_DELIVERED },
};

/* _bc_reason_intern - the static spelling of @name, or NULL when @name is
 * not in the taxonomy. */
const char *
_bc_reason_intern (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (strcmp (reasons[i].reason, name) == 0)
      return reasons[i].reason;
  return NULL;
}

BcClass
_bc_reason_class (const char *reason)
{
  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (strcmp (reasons[i].reason, reason) == 0)
      return reasons[i].klass;
  return BC_CLASS_SOFT;
}

static gboolean
temporary (const BcRecipient *r)
{
  if (r->status[0])
    return r->status[0] == '4';
  if (r->reply_code[0])
    return r->reply_code[0] == '4';
  return r->dsn_action && strcmp (r->dsn_action, "delayed") == 0;
}

void
_bc_decide (BcRecipient *r, const char *reason)
{
  _bc_decide_permanent (r, reason, FALSE);
}

void
_bc_decide_permanent (BcRecipient *r, const char *reason, gboolean permanent)
{
  r->reason = reason;
  r->klass = _bc_reason_class (reason);
  if (r->klass == BC_CLASS_HARD && !permanent && temporary (r))
    r->klass = BC_CLASS_SOFT;
  switch (r->klass) {
  case BC_CLASS_HARD:
  case BC_CLASS_COMPLAINT:
    r->action = BC_ACTION_SUPPRESS;
    break;
  case BC_CLASS_AUTO_REPLY:
  case BC_CLASS_DELIVERED:
    r->action = BC_ACTION_IGNORE;
    break;
  default:
    r->action = BC_ACTION_RETRY;
  }
}
