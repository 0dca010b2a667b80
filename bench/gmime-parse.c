/* gmime-parse.c - the benchmark floor: parse every message of an mbox with
 * GMime and do nothing else.
 *
 * usage: gmime-parse MBOX
 * Prints the number of messages parsed. The parser reads the mbox itself
 * (GMIME_FORMAT_MBOX), so this is the cost of MIME parsing alone, with no
 * classification and no output. Limits: none beyond GMime's own.
 */
#include <gmime/gmime.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  GMimeStream *stream;
  GMimeParser *parser;
  guint64 count = 0;
  int fd;

  if (argc != 2) {
    fprintf (stderr, "usage: %s MBOX\n", argv[0]);
    return 2;
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
