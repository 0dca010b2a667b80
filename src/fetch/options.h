/* options.h - the remote (fetch) options, listed once.
 *
 * The entries of these options live in the fetch module (remote.c), but the
 * program decides whether to load that module from the raw arguments, before
 * any option is parsed (cli/plugins.c), so it must know their names without
 * the module. Both expand this one list, so an option added here is an
 * entry of the module and loads it, and an option cannot be added to the
 * module any other way (remote.c's entries are only this list).
 *
 * BC_FETCH_OPTIONS (X) calls X (name, arg, field, help, arg_description)
 * once per option: name is its long name without "--", arg its
 * GOptionArg, field the member of remote.c's option struct that receives
 * it. Header only, no code: including it links nothing (the program must
 * not pull in libcurl).
 */
#ifndef BC_FETCH_OPTIONS_H
#define BC_FETCH_OPTIONS_H

#define BC_FETCH_OPTIONS(X)                                                             \
  X ("imap-move-to", G_OPTION_ARG_STRING, move_to,                                      \
     "IMAP: move each message to FOLDER once its record is written (default Processed; " \
     "created when missing)", "FOLDER")                                                 \
  X ("imap-keyword", G_OPTION_ARG_STRING, keyword,                                      \
     "IMAP: set keyword KW on each message once its record is written, instead of "     \
     "moving it", "KW")                                                                 \
  X ("delete", G_OPTION_ARG_NONE, delete,                                               \
     "IMAP/POP3: delete each message once its record is written (never done otherwise)", \
     NULL)                                                                              \
  X ("state", G_OPTION_ARG_FILENAME, state,                                             \
     "IMAP/POP3: keep the processing state in FILE (default under "                     \
     "$XDG_STATE_HOME/bounceclass)", "FILE")                                            \
  X ("watch", G_OPTION_ARG_NONE, watch,                                                 \
     "IMAP/POP3: keep going, polling for new mail, reconnecting when the connection "   \
     "drops", NULL)                                                                     \
  X ("poll-interval", G_OPTION_ARG_INT, poll,                                           \
     "With --watch, look for new mail every SECS seconds (default 60)", "SECS")         \
  X ("credentials", G_OPTION_ARG_FILENAME, credentials,                                 \
     "IMAP/POP3: read the password from the first line of FILE (mode 600); else "       \
     "$BOUNCECLASS_PASSWORD", "FILE")                                                   \
  X ("cacert", G_OPTION_ARG_FILENAME, cacert,                                           \
     "IMAP/POP3: trust the CA certificate(s) in FILE (PEM) for the server", "FILE")     \
  X ("insecure", G_OPTION_ARG_NONE, insecure,                                           \
     "IMAP/POP3: do not verify the server's TLS certificate (prints a warning)", NULL)

#endif
