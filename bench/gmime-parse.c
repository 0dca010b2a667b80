/* gmime-parse.c - the benchmark floor: parse every message of an mbox with
 * GMime and do nothing else.
 *
 * usage: gmime-parse [--keep-charsets] MBOX
 * Prints the number of messages parsed. The parser reads the mbox itself
 * (GMIME_FORMAT_MBOX), so this is the cost of MIME parsing alone, with no
 * classification and no output. Limits: none beyond GMime's own.
 *
 * GMime decodes encoded words in headers while it parses, opening and
 * closing a converter each time, and glibc unloads a charset's gconv
 * module when its last converter closes: on an mbox of bounces from many
 * countries the floor spends a large part of its time loading modules
 * again (dlopen, then munmap and its TLB flushes). bounceclass keeps the
 * modules of the charsets it meets loaded (mime/message.c). With
 * --keep-charsets the floor does the same up front for the charsets
 * bounces commonly use, so that it can be compared without that cost.
 */
#include <gmime/gmime.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const common_charsets[] = {
  "ISO-8859-1", "ISO-8859-2", "ISO-8859-5", "ISO-8859-7", "ISO-8859-9", "ISO-8859-15",
  "WINDOWS-1250", "WINDOWS-1251", "WINDOWS-1252", "WINDOWS-1253", "WINDOWS-1254",
  "WINDOWS-1257", "KOI8-R", "KOI8-U", "ISO-2022-JP", "SHIFT_JIS", "EUC-JP", "GB2312", "GBK",
  "GB18030", "BIG5", "EUC-KR", "ISO-2022-KR", "TIS-620", NULL
};

int
main (int argc, char **argv)
{
  GMimeStream *stream;
  GMimeParser *parser;
  guint64 count = 0;
  int fd;

  gboolean keep = argc == 3 && strcmp (argv[1], "--keep-charsets") == 0;

  if (argc != 2 && !keep) {
    fprintf (stderr, "usage: %s [--keep-charsets] MBOX\n", argv[0]);
    return 2;
  }
  if (keep) {
    for (guint i = 0; common_charsets[i]; i++)
      (void) g_iconv_open ("UTF-8", common_charsets[i]);    /* kept open */
    argv++;
  }
  g_mime_init ();
  fd = open (argv[1], O_RDONLY);
  if (fd < 0) {
    perror (argv[1]);
    return 1;
  }
  stream = g_mime_stream_fs_new (fd);
  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MBOX);
  while (!g_mime_parser_eos (parser)) {
    GMimeMessage *msg = g_mime_parser_construct_message (parser, NULL);
    if (!msg)
      break;
    count++;
    g_object_unref (msg);
  }
  g_object_unref (parser);
  g_object_unref (stream);
  printf ("%" G_GUINT64_FORMAT "\n", count);
  g_mime_shutdown ();
  return 0;
}
