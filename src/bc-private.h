/* bc-private.h - declarations shared between the stages of libbounceclass.
 *
 * Nothing here is installed. Cross-file helpers are named _bc_ and marked
 * G_GNUC_INTERNAL so that the library exports only the bc_ API.
 */
#ifndef BC_PRIVATE_H
#define BC_PRIVATE_H

#include <gmime/gmime.h>
#include <bounceclass/bounceclass.h>

G_BEGIN_DECLS

/* _bc_ascii_lower - @c with A-Z made a-z, every other byte as it is (no
 * locale, unlike tolower(3); inline, unlike g_ascii_tolower()) */
static inline guchar
_bc_ascii_lower (guchar c)
{
  return (guchar) (c - 'A') < 26 ? c | 0x20 : c;
}

/* _bc_has_prefix_ci - does @s (NULL: no) start with @prefix, ASCII case
 * ignored? g_ascii_strncasecmp (s, prefix, strlen (prefix)) == 0, inline
 * and without walking the prefix first: most prefixes differ at the first
 * byte, and a shorter @s differs at its NUL */
static inline gboolean
_bc_has_prefix_ci (const char *s, const char *prefix)
{
  if (!s)
    return FALSE;
  for (; *prefix; s++, prefix++)
    if (_bc_ascii_lower ((guchar) *s) != _bc_ascii_lower ((guchar) *prefix))
      return FALSE;
  return TRUE;
}

/* _bc_equal_ci - g_ascii_strcasecmp (@a, @b) == 0, inline (for the hot
 * loops over header names and MIME types) */
static inline gboolean
_bc_equal_ci (const char *a, const char *b)
{
  for (;; a++, b++) {
    guchar x = _bc_ascii_lower ((guchar) *a), y = _bc_ascii_lower ((guchar) *b);
    if (x != y)
      return FALSE;
    if (!x)
      return TRUE;
  }
}

/* ---- mime/ : the message as the later stages see it -------------------- */

/* What the evidence stages work out about a message more than once: its
 * first answer, kept for the later questions (they get the BcMime const;
 * the memo is reached through a pointer). 0: not asked yet, 1: no, 2: yes. */
typedef struct {
  guint8 daemon_from;       /* the From names a mail daemon (autoreply.c) */
  guint8 person_sent;       /* person_sent() (autoreply.c) */
  guint8 passes_on_bounce;  /* _bc_passes_on_bounce() */
  char *head_fold;          /* _bc_fold() of the body's first 4 KiB, or NULL */
  guint64 names[2];         /* a bit (or two) per header field name of the
                               bounce (message.c, name_bits()): a name whose
                               bits are not all set is surely absent */
  guint n_headers;
  struct {
    guint8 len;             /* the field name asked for: its length */
    char name[31];          /* and its bytes, as the caller wrote them */
    const char *value;      /* its answer (NULL: no such field) */
    char *own;              /* the value when the memo owns it */
  } headers[32];
  GSList *overflow;         /* (char *) answers past headers[], owned */
} BcMimeMemo;

/* A header field of the bounce: its name and its raw value as GMime keeps
 * them (g_mime_header_get_name(), g_mime_header_get_raw_value(): the bytes
 * after the colon through the line end, continuation lines included). */
typedef struct {
  const char *name;
  const char *raw;
  gpointer gmime;           /* the GMimeHeader it was read from, or NULL */
} BcField;

typedef struct {
  GMimeObject *msg;         /* the bounce itself (a reference): the MIME part
                               GMime made of the whole message, its header
                               block the message's (_bc_mime_parse_limited),
                               or a GMimeMessage a caller gave */
  GMimeObject *top;         /* the root of its MIME tree (msg itself, or a
                               GMimeMessage's part), or NULL */
  const BcLimits *limits;
  char *from;               /* the bounce's From, decoded, or "" */
  char *from_addr;          /* its address, lower-cased, or "" */
  char *subject;            /* decoded Subject, or "" */
  char *date;               /* Date header, or NULL */
  GString *body;            /* free text of the report: text parts outside any
                               returned message, UTF-8, LF line ends, capped */
  gsize ndr_len;            /* bytes of body before an inline returned message */
  char *body_fold;          /* the body's first ndr_len bytes ASCII lower-cased,
                               NUL-ended, for fast case-insensitive search
                               (_bc_body_find) */
  GPtrArray *dsn;           /* (char *) texts of *delivery-status parts */
  char *arf;                /* text of a message/feedback-report part */
  GMimeObject *orig;        /* returned message or its headers (a reference) */
  GMimeObject *orig_part;   /* the returned message as one leaf part, unparsed
                               (guard.c renames its Content-Type): a reference */
  char *orig_text;          /* text/rfc822-headers content when no message, or
                               the header block of orig_part */
  char *xml;                /* text of the first application/xml part, or of
                               one named daticert.xml (PEC; text/xml too),
                               when at most 64 KiB and max_text; else NULL */
  gboolean is_report;       /* multipart/report */
  gboolean has_attached_message; /* a message/rfc822 part was seen */
  GPtrArray *warnings;      /* (char *) */
  gboolean truncated;
  BcMimeMemo *memo;         /* NULL in a BcMime made by hand: nothing kept */
  /* the bounce's header fields, in order: read from its header block as
   * text when _bc_mime_parse_split() kept that block from GMime, else from
   * msg's header list (see _bc_mime_new()) */
  BcField *fields;
  guint n_fields;
  const char *head;         /* the header block (fields' lines, no empty line
                               after), as g_mime_header_list_to_string()
                               writes it, or NULL */
  gsize head_len;
  char *fields_buf;         /* the fields' bytes, when read from text */
  char *head_buf;           /* head, when made from GMime's list (owned) */
} BcMime;

G_GNUC_INTERNAL BcMime *_bc_mime_new (GMimeObject *msg, const BcLimits *limits);
G_GNUC_INTERNAL void _bc_mime_free (BcMime *m);
G_GNUC_INTERNAL const char *_bc_mime_header (const BcMime *m, const char *name);
G_GNUC_INTERNAL const BcField *_bc_mime_field (const BcMime *m, const char *name);
G_GNUC_INTERNAL char *_bc_field_value (const BcField *f);
G_GNUC_INTERNAL const char *_bc_mime_head (const BcMime *m, gsize *len);
G_GNUC_INTERNAL GMimeObject *_bc_mime_orig_message (const BcMime *m);
G_GNUC_INTERNAL char *_bc_mime_orig_text (const BcMime *m, gsize cap);
G_GNUC_INTERNAL char *_bc_text_decode (const char *data, gsize len, const char *charset);
/* _bc_returned_copy_marker - the start of the line holding the first marker
 * of an inline returned copy ("----- Original message -----", ...) in
 * @text, ASCII case ignored, or @len when none does; the markers, NULL-ended,
 * are _bc_returned_copy_markers() */
G_GNUC_INTERNAL gsize _bc_returned_copy_marker (const char *text, gsize len);
G_GNUC_INTERNAL const char *const *_bc_returned_copy_markers (void);
G_GNUC_INTERNAL void _bc_text_normalize_eol (GString *s);
G_GNUC_INTERNAL gboolean _bc_header_plain (const char *text);
/* _bc_header_unfold - what g_mime_utils_header_unfold() gives, faster */
G_GNUC_INTERNAL char *_bc_header_unfold (const char *value);
/* _bc_header_unfold_into - the same into @out (@size bytes); FALSE when it
 * does not fit */
G_GNUC_INTERNAL gboolean _bc_header_unfold_into (const char *value, char *out, gsize size);
/* _bc_utf8_validate - what g_utf8_validate (@data, @len, NULL) says, faster on
 * text mostly 7-bit */
G_GNUC_INTERNAL gboolean _bc_utf8_validate (const char *data, gsize len);
/* _bc_qp_decode_step - what g_mime_encoding_quoted_decode_step() gives, faster */
G_GNUC_INTERNAL gsize _bc_qp_decode_step (const guchar *in, gsize inlen, guchar *out, int *state,
                                          guint32 *save);
G_GNUC_INTERNAL GMimeObject *_bc_mime_parse_bytes (const char *data, gsize len, GError **error);
G_GNUC_INTERNAL GMimeObject *_bc_mime_parse_split (const char *data, gsize len,
                                                  const BcLimits *limits,
                                                  GPtrArray *warnings, GError **error);
G_GNUC_INTERNAL GMimeObject *_bc_mime_parse_limited (const char *data, gsize len,
                                                     const BcLimits *limits,
                                                     GPtrArray *warnings, GError **error);
/* guard.c: bound header fields, MIME depth and parts before GMime parses */
G_GNUC_INTERNAL gboolean _bc_mime_guard (GByteArray *ba, const BcLimits *limits,
                                         GPtrArray *warnings);
G_GNUC_INTERNAL GMimeParserOptions *_bc_parser_options (void);

/* ---- evidence/ : recipients and codes ----------------------------------- */

G_GNUC_INTERNAL BcRecipient *_bc_recipient_new (BcSource source);
G_GNUC_INTERNAL void _bc_recipient_free (BcRecipient *r);

/* address.c */
G_GNUC_INTERNAL char *_bc_address_normalize (const char *raw);
G_GNUC_INTERNAL char *_bc_address_find (const char *text, gsize len, const char **end);

/* codes.c */
G_GNUC_INTERNAL gboolean _bc_status_valid (const char *s, gsize len);
G_GNUC_INTERNAL gboolean _bc_find_status (const char *text, char out[16]);
G_GNUC_INTERNAL gboolean _bc_find_reply (const char *text, char out[4]);
G_GNUC_INTERNAL void _bc_recipient_fill_codes (BcRecipient *r);
G_GNUC_INTERNAL void _bc_recipient_remote_status (BcRecipient *r);
G_GNUC_INTERNAL gboolean _bc_status_is_generic (const char *status);
G_GNUC_INTERNAL char *_bc_reply_unfold (const char *text);

/* dsn.c */
typedef struct {
  char *reporting_mta;
  char *arrival_date;
  GPtrArray *recipients;    /* (BcRecipient *) */
  gboolean overflow;        /* more recipients than max_rcpts were named */
  BcRecipient *nameless;    /* the first block that names its recipient in
                               no usable form ("x400; /C=DE/.../"), or NULL */
  guint n_nameless;         /* how many blocks did so */
} BcDsn;
G_GNUC_INTERNAL void _bc_dsn_parse (const char *text, gsize len, BcDsn *out, guint max_rcpts);
G_GNUC_INTERNAL void _bc_dsn_clear (BcDsn *d);
G_GNUC_INTERNAL char *_bc_field_get (const char *block, const char *name);
/* the sending MTA's own bounce category of each recipient (PowerMTA's
 * X-PowerMTA-BounceCategory): lower-cased address -> lower-cased word, or
 * NULL when the DSN names none */
G_GNUC_INTERNAL GHashTable *_bc_dsn_categories (const BcMime *m, guint max_blocks);

/* command.c: the SMTP command a refusal answered ("CONN", "HELO",
 * "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA") or NULL; static strings */
G_GNUC_INTERNAL const char *_bc_smtp_command_in (const char *text, gsize len);
G_GNUC_INTERNAL const char *_bc_smtp_command_for (const BcMime *m, const BcRecipient *r,
                                                  gboolean only_one);

/* diagnostic.c: the MTA's framing out of a free-text diagnostic (newly
 * allocated; *remote_host, when still NULL, receives the host it named),
 * and the sentence saying the MTA gave up on the whole message for its age
 * (newly allocated, or NULL), appended to the recipients it concerns */
G_GNUC_INTERNAL char *_bc_diag_unframe (const char *diag, char **remote_host);
G_GNUC_INTERNAL char *_bc_diag_giveup_note (const BcMime *m);
G_GNUC_INTERNAL void _bc_diag_add_note (GPtrArray *rcpts, const char *note);
/* _bc_diag_note_wanted - would _bc_diag_add_note() give a note to any of
 * @rcpts? (When none would, the note need not be looked for.) */
G_GNUC_INTERNAL gboolean _bc_diag_note_wanted (GPtrArray *rcpts);
G_GNUC_INTERNAL void _bc_diag_mark_delayed (const BcMime *m, GPtrArray *rcpts);

/* original.c */
G_GNUC_INTERNAL void _bc_original_read (const BcMime *m, BcOriginal *out);
G_GNUC_INTERNAL void _bc_original_from_text (const char *text, BcOriginal *out);
G_GNUC_INTERNAL void _bc_original_clear (BcOriginal *o);
G_GNUC_INTERNAL char *_bc_original_failure (const char *text, const char *addr);

/* verp.c */
typedef struct {
  BcVerpMode mode;
  char prefix[64];          /* "" for any */
  char separator;           /* after the prefix, '+' */
  char equals;              /* stands for '@', '=' */
} BcVerpConfig;
G_GNUC_INTERNAL void _bc_verp_config_init (BcVerpConfig *cfg);
G_GNUC_INTERNAL gboolean _bc_srs_local (const char *local);
G_GNUC_INTERNAL char *_bc_verp_decode (const BcVerpConfig *cfg, const char *address);
G_GNUC_INTERNAL void _bc_verp_apply (const BcVerpConfig *cfg, const BcMime *m, BcReport *report);

/* arf.c, autoreply.c */
G_GNUC_INTERNAL gboolean _bc_arf_read (const BcMime *m, BcReport *report);
G_GNUC_INTERNAL gboolean _bc_autoreply_detect (const BcMime *m);
G_GNUC_INTERNAL gboolean _bc_looks_like_bounce (const BcMime *m);
G_GNUC_INTERNAL gboolean _bc_automated_sender (const BcMime *m);
G_GNUC_INTERNAL gboolean _bc_is_forward (const BcMime *m);
G_GNUC_INTERNAL gboolean _bc_is_reply (const BcMime *m);
G_GNUC_INTERNAL gboolean _bc_passes_on_bounce (const BcMime *m);
G_GNUC_INTERNAL gboolean _bc_describes_bounce (const BcMime *m);
G_GNUC_INTERNAL gboolean _bc_quoted_at (const char *s, const char *at);
G_GNUC_INTERNAL char *_bc_fold (const char *s, gssize len);

/* phrases.c: where an entry of its tables is used */
typedef enum {
  BC_PREFIX_REPLY = 1 << 0,   /* opens a person's reply (_bc_is_reply) */
  BC_PREFIX_FORWARD = 1 << 1, /* opens a person's forward (_bc_is_forward) */
  BC_PREFIX_ANSWER = 1 << 2,  /* before a bounce phrase, makes an answer of the message */
  BC_PREFIX_UNWRAP = 1 << 3,  /* a bounce under it is not unwrapped (wrapped_bounce) */
} BcPrefixUse;
typedef enum {
  BC_PHRASE_START = 1 << 0,   /* at the start: a bounce (_bc_looks_like_bounce) */
  BC_PHRASE_WEAK = 1 << 1,    /* at the start: a bounce when software sent it */
  BC_PHRASE_INSIDE = 1 << 2,  /* anywhere: a bounce when software sent it */
  BC_PHRASE_LEAD = 1 << 3,    /* anywhere: read the text (bounce_by_content) */
  BC_PHRASE_REFUSAL = 1 << 4, /* the same, when software sent it */
} BcPhraseUse;
typedef enum {
  BC_SAYS_FAILED = 1 << 0,    /* the text says mail was not delivered */
  BC_SAYS_REFUSED = 1 << 1,   /* the same, or that it was blocked (bounce_by_content) */
} BcSaysUse;
G_GNUC_INTERNAL gboolean _bc_subject_prefix (const char *s, guint use);
G_GNUC_INTERNAL gboolean _bc_subject_prefix_before (const char *s, const char *at, guint use);
G_GNUC_INTERNAL guint _bc_subject_phrase_starts (const BcMime *m, guint uses);
G_GNUC_INTERNAL guint _bc_subject_phrase_in (const BcMime *m, guint uses, guint answer);
G_GNUC_INTERNAL gboolean _bc_says_not_delivered (const BcMime *m, guint uses);
G_GNUC_INTERNAL const char *_bc_subject_phrases_unfolded (void);

/* recognizers/ */
typedef struct {
  const BcMime *mime;
  GPtrArray *recipients;    /* (BcRecipient *) found in the text */
  char *reporting_mta;
  char *feedback_type;      /* set by a recognizer that reads a complaint */
  guint max_rcpts;
} BcScan;

typedef struct _BcRecSpec BcRecSpec;     /* recognizers/recognizers.h */
typedef struct _BcRecProbe BcRecProbe;   /* recognizers/recognizers.h */

typedef struct {
  const char *name;
  /* says from headers, From, Subject and phrases of the report (asked
   * through @p, spec.c) whether the message is this MTA's; NULL: @spec
   * alone decides */
  gboolean (*detect) (BcRecProbe *p);
  /* reads recipient blocks from the free text into s->recipients */
  void (*scan) (BcScan *s);
  /* the table-driven part of detection (recognizers.h), or NULL */
  const BcRecSpec *spec;
} BcRecognizer;

G_GNUC_INTERNAL const BcRecognizer *_bc_recognizer_detect (const BcMime *m);
G_GNUC_INTERNAL const BcRecognizer *_bc_recognizer_generic (void);
G_GNUC_INTERNAL BcRecipient *_bc_scan_add (BcScan *s, const char *address, const char *diag);
G_GNUC_INTERNAL void _bc_scan_blocks (BcScan *s, const char *text, gsize len);
G_GNUC_INTERNAL void _bc_scan_generic (BcScan *s, const char *text, gsize len);

/* text helpers shared by recognizers (evidence/text.c) */
G_GNUC_INTERNAL const char *_bc_strcasestr (const char *hay, const char *needle);
G_GNUC_INTERNAL const char *_bc_strcasestr_len (const char *hay, gsize len, const char *needle);
G_GNUC_INTERNAL gboolean _bc_from_matches (const BcMime *m, const char *const *needles);
G_GNUC_INTERNAL gboolean _bc_subject_starts (const BcMime *m, const char *const *prefixes);
G_GNUC_INTERNAL gboolean _bc_header_contains (const BcMime *m, const char *header, const char *needle);
G_GNUC_INTERNAL const char *_bc_body_find (const BcMime *m, const char *needle);
G_GNUC_INTERNAL const char *_bc_memmem (const char *hay, gsize len, const char *needle, gsize n);
G_GNUC_INTERNAL char *_bc_squeeze (const char *s, gssize len);
G_GNUC_INTERNAL const char *_bc_next_line (const char *p, const char *end);

/* ---- rules/ : reason, class and action ---------------------------------- */

typedef struct _BcRuleSet BcRuleSet;

typedef struct {
  const char *status;       /* "" when none */
  const char *reply_code;   /* "" when none */
  const char *diagnostic;   /* may be NULL */
  const char *hosts[5];     /* remote MTA, reporting MTA, bounce From domain,
                               recipient domain; NULL-ended */
  const char *recognizer;   /* may be NULL */
  const char *dsn_action;   /* may be NULL */
  const char *source;       /* "dsn", "text", ... */
  const char *category;     /* the sending MTA's bounce category, may be NULL */
  const char *command;      /* SMTP command refused (command.c), may be NULL */
  /* when set, finds the command (into command) the first time a rule asks
   * for it, so that text rules that decide first never pay for it */
  const char *(*command_fn) (gpointer data);
  gpointer command_data;
  gsize max_line;
  gint64 deadline;          /* monotonic time past which no regex runs; 0: none */
} BcRuleInput;

typedef struct {
  const char *reason;       /* static */
  const char *origin;       /* "file:line", owned by the rule set */
  char *evidence;           /* newly allocated */
  gboolean permanent;       /* the rule says its cause is permanent */
} BcRuleMatch;

G_GNUC_INTERNAL BcRuleSet *_bc_rules_new (void);
G_GNUC_INTERNAL void _bc_rules_free (BcRuleSet *rs);
G_GNUC_INTERNAL gboolean _bc_rules_parse (BcRuleSet *rs, const char *name, const char *data,
                                          gsize len, int precedence, GError **error);
G_GNUC_INTERNAL void _bc_rules_set_trusted (BcRuleSet *rs, gboolean trusted);
G_GNUC_INTERNAL void _bc_rules_finish (BcRuleSet *rs);
G_GNUC_INTERNAL gboolean _bc_rules_match (const BcRuleSet *rs, const BcRuleInput *in,
                                          BcRuleMatch *out);
G_GNUC_INTERNAL guint _bc_rules_count (const BcRuleSet *rs);
G_GNUC_INTERNAL const char *_bc_rules_filter_miss (const BcRuleSet *rs, const char *diag);
G_GNUC_INTERNAL gboolean _bc_rules_split_plain (const char *text, int *argc, char ***argv);

/* taxonomy.c */
G_GNUC_INTERNAL const char *_bc_reason_intern (const char *name);
G_GNUC_INTERNAL BcClass _bc_reason_class (const char *reason);
G_GNUC_INTERNAL void _bc_decide (BcRecipient *r, const char *reason);
/* _bc_decide_permanent - as _bc_decide(), but when @permanent a hard reason
 * stays hard whatever temporary code came with it (a rule with
 * permanent=yes: the text states a cause that retrying cannot mend). */
G_GNUC_INTERNAL void _bc_decide_permanent (BcRecipient *r, const char *reason,
                                           gboolean permanent);

/* ---- report/ ------------------------------------------------------------ */

G_GNUC_INTERNAL BcReport *_bc_report_new (void);
G_GNUC_INTERNAL void _bc_report_warn (BcReport *r, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
G_GNUC_INTERNAL void _bc_report_make_valid (BcReport *r);

G_END_DECLS

#endif
