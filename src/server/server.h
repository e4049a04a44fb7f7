/* tapisrv, the telephony service (server.c): the entry point that the tapisrv
 * program and `tapi server` share. */
#ifndef OT_SERVER_SERVER_H
#define OT_SERVER_SERVER_H

#include <stdint.h>

#define OT_SERVER_DEFAULT_SOCKET "/run/opentapi/tapisrv.sock"

struct ot_server_options {
    const char *socket; /* NULL: [server] socket, else OT_SERVER_DEFAULT_SOCKET */
    int ready_fd;       /* >= 0: "ready\n" is written there once clients are accepted */
};

struct ot_server_counters {
    uint64_t connections, calls, messages, bad_frames, foreign_handles, slow_clients;
};

/* Runs until SIGTERM/SIGINT; 0 after a clean stop, 1 when the socket cannot be
 * served (already served, bad path), 2 when the configuration is bad. */
int ot_server_run(const struct ot_server_options *opt);
const char *ot_server_default_socket(void);
void ot_server_get_counters(struct ot_server_counters *out);
/* Command line of tapisrv and `tapi server` (argv[0] is the program name). */
int ot_server_main(int argc, char **argv);

#endif
