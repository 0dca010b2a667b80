/* limits.h - the bounds libbounceclass keeps on hostile input.
 *
 * Every size, depth and count that a message can inflate has a limit here.
 * Past a limit the library truncates, sets the report's truncated flag and
 * records a warning; it fails with BC_ERROR_LIMIT only where going on is
 * pointless. The CLI exposes the ones users may need to change
 * (--max-size, --max-recipients, --time-limit).
 *
 * Before GMime parses a message, a guard pass (src/mime/guard.c) bounds
 * what GMime would otherwise build without limit, derived from these:
 *   header fields: max_headers per header block, 4 * max_headers in all
 *     (a few fields the classifier reads are kept past that);
 *   one header field: 256 KiB;
 *   MIME nesting: 2 * max_depth (deeper containers are read as text);
 *   MIME parts: 4 * max_parts (later boundaries are read as text).
 * Fixed bounds elsewhere: a recipient's diagnostic text (4 KiB from DSN
 * fields, 2000 bytes from free text per block), an address (320 bytes),
 * regular expressions (PCRE match limit 200000 per match, and at most
 * max_line bytes of subject text).
 */
#ifndef BOUNCECLASS_LIMITS_H
#define BOUNCECLASS_LIMITS_H

#include <glib.h>

G_BEGIN_DECLS

#define BC_DEFAULT_MAX_MESSAGE   (32u * 1024 * 1024) /* bytes of one message read */
#define BC_DEFAULT_MAX_DEPTH     32u                 /* MIME nesting walked */
#define BC_DEFAULT_MAX_PARTS     512u                /* MIME parts walked */
#define BC_DEFAULT_MAX_HEADERS   2000u               /* header fields per header block */
#define BC_DEFAULT_MAX_TEXT      (256u * 1024)       /* bytes of text scanned per part */
#define BC_DEFAULT_MAX_LINE      4096u               /* bytes of one line given to a regex */
#define BC_DEFAULT_MAX_RCPTS     10000u              /* recipients per message */
#define BC_DEFAULT_MAX_MSEC      2000u               /* time budget per message */

/**
 * BcLimits:
 * @max_message: bytes of a message that are read; the rest is dropped and
 *   the report is flagged truncated
 * @max_depth: MIME nesting depth walked; GMime is never given more than
 *   twice this
 * @max_parts: MIME parts walked; GMime is never given more than four
 *   times this
 * @max_headers: header fields kept per header block (four times this in
 *   the whole message); the rest are dropped before parsing
 * @max_text: bytes of decoded text scanned per part
 * @max_line: bytes of one line handed to a regular expression
 * @max_recipients: recipients reported per message
 * @max_msec: wall-clock budget per message in milliseconds, counted from
 *   its first byte and checked between stages and per recipient; past it
 *   the report text is no longer scanned, the remaining recipients get
 *   reason "undefined", and the report is flagged with a warning
 *
 * Plain data; initialise with bc_limits_init() and change what you need.
 */
typedef struct {
  gsize max_message;
  guint max_depth;
  guint max_parts;
  guint max_headers;
  gsize max_text;
  gsize max_line;
  guint max_recipients;
  guint max_msec;
} BcLimits;

/**
 * bc_limits_init:
 * @limits: (out caller-allocates): the limits to fill with the defaults
 */
void bc_limits_init (BcLimits *limits);

G_END_DECLS

#endif
