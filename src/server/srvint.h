/* Internals of tapisrv, the telephony service, shared by its files:
 *   server.c    the socket, the epoll loop, the clients' connections (frames in
 *               and out, backlog), their applications, start and stop, the
 *               command line;
 *   access.c    the [access] rules and the other service sections of the
 *               configuration, each client's view of the line devices and its
 *               rights on them (LINEMAPPER, lineGetID's device IDs);
 *   dispatch.c  the frames of a connected client: HELLO, then each call
 *               decoded (rpc.c), its handles and rights checked, made on the
 *               core, and its result.
 * Everything here runs on the service's one thread. */
#ifndef OT_SERVER_SRVINT_H
#define OT_SERVER_SRVINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>

#include "ot.h"
#include "rpc.h"
#include "server.h"

#define RIGHT_MONITOR 1u
#define RIGHT_OWNER 2u

enum tag_kind { TAG_LISTEN, TAG_SIGNAL, TAG_CONN, TAG_APP };
struct tag {
    enum tag_kind kind;
};

struct srv_conn;
struct srv_app {
    struct tag tag;
    HLINEAPP h;
    int efd;
    struct srv_conn *conn;
    struct srv_app *next;
};
struct pending { /* LPHCALL outs of a request: the core writes here */
    LONG req;
    uint32_t seq;
    HLINEAPP app;
    HLINE line;
    HCALL out[2];
    void *buf;   /* G / Y: the structure the core fills when the request completes */
    DWORD total; /* its size */
    char kind;   /* 'G' or 'Y' */
    struct pending *next;
};

static inline void pend_free(struct pending *p)
{
    if (p)
        free(p->buf);
    free(p);
}
struct srv_conn {
    struct tag tag;
    int fd;
    uid_t uid;
    gid_t gid;
    pid_t pid;
    gid_t *groups;
    int ngroups;
    char user[64]; /* its user's name (or uid): LINEPROXYREQUEST.dwClientUserName */
    unsigned char *in;
    size_t in_len, in_cap;
    struct ot_wbuf out;
    size_t out_off;
    bool hello, want_out, dead;
    struct srv_app *apps;
    unsigned napps;
    struct pending *pend;
    DWORD *devs; /* visible line devices, the client's numbering */
    unsigned char *rights;
    DWORD ndevs;
    struct srv_conn *next;
};

/* The service's state: one instance (server.c), S in the service's files. */
struct srv_state {
    int ep;
    struct tag listen_tag, signal_tag;
    int lfd, sfd;
    HLINEAPP self;
    struct srv_conn *conns;
    unsigned nconns;
    bool stop;
    const char *path; /* unlinked at exit when we bound it */
    bool bound;
    uid_t my_uid;
    size_t max_backlog;
    struct ot_server_counters counters;
};
extern struct srv_state srv_state;

/* access.c */
/* A HELLO's client: its user's name, its groups, the lines it sees and its
 * rights on them; 0, or -1 when out of memory. */
int srv_compute_view(struct srv_conn *c);
unsigned srv_rights_on_line(const struct srv_conn *c, DWORD server_dev);
LONG srv_map_line(const struct srv_conn *c, struct ot_rpc_args *args);
void srv_map_device_id_out(const struct srv_conn *c, LPVARSTRING v);

/* server.c */
void srv_drain_conn(struct srv_conn *c);
void srv_forget_pending(struct srv_conn *c, HLINEAPP app, HLINE line);
LONG srv_app_open(struct srv_conn *c, const char *name, DWORD api, HLINEAPP *h);
void srv_app_close(struct srv_conn *c, struct srv_app *a);

/* dispatch.c */
/* One frame from a client; -1 closes the connection. */
int srv_on_frame(struct srv_conn *c, const struct ot_rpc_hdr *h, const unsigned char *payload);

#endif
