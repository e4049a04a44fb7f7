/* tapisrv, the telephony service (server.c): the entry point that the tapisrv
 * program and `tapi server` share, and the check of the service's sections of
 * a configuration (access.c). */
#ifndef OT_SERVER_SERVER_H
#define OT_SERVER_SERVER_H

#include <stddef.h>
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
struct ot_conf;
/* The service's sections of a configuration ([server], [client], [access]);
 * 0, or -1 and the reason in err.  Run by the configuration checker and by
 * start-up (app.c), so that `tapi config --check` knows them too. */
int ot_conf_check_service(const struct ot_conf *cf, char *err, size_t errlen);
/* Command line of tapisrv and `tapi server` (argv[0] is the program name). */
int ot_server_main(int argc, char **argv);

#endif
