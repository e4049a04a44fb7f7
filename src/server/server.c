/* tapisrv, the telephony service: one process owns the configuration and the
 * providers and serves every application of the machine over a Unix socket
 * (docs/service.md).  Each client application is an application of this
 * process's core (lineInitializeEx with USEEVENT); its messages are read from
 * that application's queue and sent to the client, and its calls are decoded
 * (rpc.c), checked (the handles are the client's own, the line is visible to
 * the client with the right it asks for) and made on the core.
 *
 * One thread, one epoll loop: the core is non-blocking, so no client can stall
 * another.  A client that sends a malformed frame, exits or stops reading is
 * shut down as if it had called lineShutdown for each of its applications.
 *
 * This file: the socket, the loop, the connections (frames in and out, the
 * backlog of a client that does not read), each client's applications, start
 * and stop, the command line.  access.c holds the [access] rules and each
 * client's view of the lines, dispatch.c what a client's frames ask (srvint.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "srvint.h"

#define DEFAULT_BACKLOG_KB 16384u /* bytes queued for a client that does not read */
#define MAX_APPS_PER_CONN 64u

struct srv_state srv_state;
#define S srv_state /* this file's short name for it */

static void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logmsg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("tapisrv: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* ---- output ---- */
static void conn_close(struct srv_conn *c, const char *why);

static void conn_flush(struct srv_conn *c)
{
    while (c->out_off < c->out.len) {
        ssize_t n = send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n <= 0) {
            c->dead = true;
            return;
        }
        c->out_off += (size_t)n;
    }
    if (c->out_off == c->out.len) {
        c->out.len = c->out_off = 0;
        if (c->out.cap > 1024u * 1024u) { /* give back a burst's memory */
            ot_wbuf_free(&c->out);
        }
    } else if (c->out.len - c->out_off > S.max_backlog) {
        S.counters.slow_clients++;
        c->dead = true; /* it stopped reading: treated as gone */
        return;
    }
    bool want = c->out_off < c->out.len;
    if (want != c->want_out) {
        struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0u), .data.ptr = &c->tag};
        epoll_ctl(S.ep, EPOLL_CTL_MOD, c->fd, &ev);
        c->want_out = want;
    }
}

/* Every queued message of every application of the client goes out as MSG
 * frames; a LINE_REPLY carries the new call handles of its request. */
void srv_drain_conn(struct srv_conn *c)
{
    for (struct srv_app *a = c->apps; a; a = a->next) {
        LINEMESSAGE m;
        while (lineGetMessage(a->h, &m, 0) == 0) {
            uint32_t seq = 0;
            HCALL made[2] = {0, 0};
            struct pending *done = NULL;
            if (m.dwMessageID == LINE_REPLY)
                for (struct pending **pp = &c->pend; *pp; pp = &(*pp)->next)
                    if ((*pp)->req == (LONG)m.dwParam1 && (*pp)->app == a->h) {
                        done = *pp;
                        seq = done->seq;
                        made[0] = done->out[0];
                        made[1] = done->out[1];
                        *pp = done->next;
                        break;
                    }
            /* A LINE_PROXYREQUEST carries a copy of the request (the client's
             * proxy answers with its copy); one no longer pending is not sent. */
            struct ot_wbuf req = {0};
            if (m.dwMessageID == LINE_PROXYREQUEST &&
                !ot_proxy_request_copy((HLINE)m.hDevice, m.dwParam1, &req)) {
                ot_wbuf_free(&req);
                continue;
            }
            size_t f = ot_wbuf_begin_frame(&c->out, OT_RPC_MSG, 0, 0);
            ot_wbuf_u32(&c->out, a->h);
            ot_wbuf_u32(&c->out, m.hDevice);
            ot_wbuf_u32(&c->out, m.dwMessageID);
            ot_wbuf_u64(&c->out, m.dwCallbackInstance);
            ot_wbuf_u64(&c->out, m.dwParam1);
            ot_wbuf_u64(&c->out, m.dwParam2);
            ot_wbuf_u64(&c->out, m.dwParam3);
            ot_wbuf_u32(&c->out, seq);
            ot_wbuf_u32(&c->out, made[0]);
            ot_wbuf_u32(&c->out, made[1]);
            /* then, optionally, a length and bytes: the request of a
             * LINE_PROXYREQUEST, or what the core filled for a G / Y argument */
            if (req.len || req.failed)
                ot_wbuf_put(&c->out, req.data, req.len);
            else if (done && done->buf && (LONG)m.dwParam2 == 0) {
                DWORD n = done->total;
                if (done->kind == 'G') {
                    DWORD used = 0;
                    if (n >= 3 * sizeof(DWORD))
                        memcpy(&used, (unsigned char *)done->buf + 2 * sizeof(DWORD),
                               sizeof(used));
                    n = used <= n && used >= 3 * sizeof(DWORD) ? used : 0;
                }
                ot_wbuf_u32(&c->out, n);
                ot_wbuf_put(&c->out, done->buf, n);
            } else if (m.dwMessageID == LINE_GATHERDIGITS) {
                /* the digits for the client's lineGatherDigits buffer */
                char digits[4096]; /* lineGatherDigits takes at most 4096 */
                int n = ot_app_take_gathered(a->h, (HCALL)m.hDevice, digits, sizeof(digits));
                if (n > 0) {
                    ot_wbuf_u32(&c->out, (uint32_t)n);
                    ot_wbuf_put(&c->out, digits, (size_t)n);
                }
            }
            if (req.failed)
                c->out.failed = true;
            ot_wbuf_free(&req);
            pend_free(done);
            ot_wbuf_end_frame(&c->out, f);
            S.counters.messages++;
        }
    }
    if (c->out.failed)
        c->dead = true;
}

/* Requests whose reply can no longer come (their line or application went). */
void srv_forget_pending(struct srv_conn *c, HLINEAPP app, HLINE line)
{
    for (struct pending **pp = &c->pend; *pp;) {
        struct pending *p = *pp;
        if ((app && p->app == app) || (line && p->line == line)) {
            size_t f = ot_wbuf_begin_frame(&c->out, OT_RPC_FORGET, 0, 0);
            ot_wbuf_u32(&c->out, p->seq);
            ot_wbuf_end_frame(&c->out, f);
            *pp = p->next;
            pend_free(p);
        } else
            pp = &p->next;
    }
}

/* ---- applications ---- */
LONG srv_app_open(struct srv_conn *c, const char *name, DWORD api, HLINEAPP *h)
{
    if (c->napps >= MAX_APPS_PER_CONN)
        return LINEERR_RESOURCEUNAVAIL;
    struct srv_app *a = calloc(1, sizeof(*a));
    if (!a)
        return LINEERR_NOMEM;
    DWORD ndevs;
    LONG rc = ot_app_create_for_server(&a->h, name, api, &ndevs, &a->efd);
    if (rc) {
        free(a);
        return rc;
    }
    a->tag.kind = TAG_APP;
    a->conn = c;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &a->tag};
    if (epoll_ctl(S.ep, EPOLL_CTL_ADD, a->efd, &ev) != 0) {
        lineShutdown(a->h);
        free(a);
        return LINEERR_RESOURCEUNAVAIL;
    }
    a->next = c->apps;
    c->apps = a;
    c->napps++;
    *h = a->h;
    return 0;
}

void srv_app_close(struct srv_conn *c, struct srv_app *a)
{
    epoll_ctl(S.ep, EPOLL_CTL_DEL, a->efd, NULL);
    lineShutdown(a->h); /* closes its lines: CLOSEDROP, messages to the others */
    for (struct srv_app **pp = &c->apps; *pp; pp = &(*pp)->next)
        if (*pp == a) {
            *pp = a->next;
            break;
        }
    c->napps--;
    srv_forget_pending(c, a->h, 0);
    free(a);
}

/* ---- connections ---- */
static void conn_close(struct srv_conn *c, const char *why)
{
    if (why)
        logmsg("client pid %ld uid %lu: %s", (long)c->pid, (unsigned long)c->uid, why);
    epoll_ctl(S.ep, EPOLL_CTL_DEL, c->fd, NULL);
    /* Its applications go as with lineShutdown: calls it owned alone are
     * dropped where CLOSEDROP says so, the other clients get their messages. */
    while (c->apps)
        srv_app_close(c, c->apps);
    while (c->pend) {
        struct pending *p = c->pend;
        c->pend = p->next;
        pend_free(p);
    }
    close(c->fd);
    for (struct srv_conn **pp = &S.conns; *pp; pp = &(*pp)->next)
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    S.nconns--;
    free(c->in);
    ot_wbuf_free(&c->out);
    free(c->devs);
    free(c->rights);
    free(c->groups);
    free(c);
}

/* Reads and serves what the client sent; NULL, or why it must go. */
static const char *conn_read(struct srv_conn *c)
{
    for (;;) {
        if (c->in_cap - c->in_len < 65536) {
            size_t cap = c->in_cap ? c->in_cap * 2 : 65536;
            if (cap > sizeof(struct ot_rpc_hdr) + OT_RPC_MAX_FRAME + 65536)
                cap = sizeof(struct ot_rpc_hdr) + OT_RPC_MAX_FRAME + 65536;
            if (cap > c->in_cap) {
                unsigned char *b = realloc(c->in, cap);
                if (!b)
                    return "out of memory";
                c->in = b;
                c->in_cap = cap;
            }
        }
        ssize_t n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n <= 0)
            return n == 0 ? "" : "read error"; /* "": it closed, nothing to say */
        c->in_len += (size_t)n;
        /* Whole frames, in order. */
        size_t off = 0;
        while (c->in_len - off >= sizeof(struct ot_rpc_hdr) && !c->dead) {
            struct ot_rpc_hdr h;
            memcpy(&h, c->in + off, sizeof(h));
            if (h.len > OT_RPC_MAX_FRAME) {
                S.counters.bad_frames++;
                return "oversized frame: disconnected";
            }
            if (c->in_len - off - sizeof(h) < h.len)
                break;
            if (srv_on_frame(c, &h, c->in + off + sizeof(h)) != 0) {
                S.counters.bad_frames++;
                conn_flush(c);
                return "malformed frame: disconnected";
            }
            off += sizeof(h) + h.len;
        }
        memmove(c->in, c->in + off, c->in_len - off);
        c->in_len -= off;
        conn_flush(c);
        if (c->dead)
            return "stopped reading: disconnected";
        if ((size_t)n < 65536)
            break;
    }
    if (c->in_len == 0 && c->in_cap > 65536) { /* a big frame's buffer goes */
        free(c->in);
        c->in = NULL;
        c->in_cap = 0;
    }
    return NULL;
}

static void on_accept(void)
{
    for (;;) {
        int fd = accept4(S.lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EMFILE || errno == ENFILE)
                logmsg("accept: %s (raise the open files limit)", strerror(errno));
            return;
        }
        struct ucred cr;
        socklen_t len = sizeof(cr);
        struct srv_conn *c = calloc(1, sizeof(*c));
        if (!c || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0) {
            free(c);
            close(fd);
            continue;
        }
        c->tag.kind = TAG_CONN;
        c->fd = fd;
        c->uid = cr.uid;
        c->gid = cr.gid;
        c->pid = cr.pid;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &c->tag};
        if (epoll_ctl(S.ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
            free(c);
            close(fd);
            continue;
        }
        c->next = S.conns;
        S.conns = c;
        S.nconns++;
        S.counters.connections++;
    }
}

/* ---- start, loop, stop ---- */
static int listen_on(const char *path)
{
    /* systemd socket activation: LISTEN_PID is us, the socket is fd 3. */
    const char *lp = getenv("LISTEN_PID"), *lf = getenv("LISTEN_FDS");
    if (lp && lf && strtol(lp, NULL, 10) == (long)getpid() && strtol(lf, NULL, 10) >= 1) {
        int fd = 3;
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        unsetenv("LISTEN_PID");
        unsetenv("LISTEN_FDS");
        logmsg("listening on the socket systemd passed");
        return fd;
    }
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path)) {
        logmsg("socket path too long: %s", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    /* The directory, if it is ours to make (e.g. /run/opentapi). */
    char dir[sizeof(sa.sun_path)];
    strcpy(dir, path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
            logmsg("cannot create %s: %s", dir, strerror(errno));
            return -1;
        }
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        logmsg("socket: %s", strerror(errno));
        return -1;
    }
    int b = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    if (b != 0 && errno == EADDRINUSE) {
        /* Served by a running tapisrv, or left behind by one that died? */
        int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int served = probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0;
        if (probe >= 0)
            close(probe);
        struct stat st;
        if (served) {
            logmsg("%s is already served by another tapisrv", path);
            close(fd);
            return -1;
        }
        if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
            logmsg("%s exists and is not a socket", path);
            close(fd);
            return -1;
        }
        unlink(path); /* stale */
        if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
            logmsg("bind %s: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
    } else if (b != 0) {
        logmsg("bind %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    /* Anyone may connect; what a client may do is the [access] rules' say. */
    chmod(path, 0666);
    if (listen(fd, 512) != 0) {
        logmsg("listen %s: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    S.path = path;
    S.bound = true;
    return fd;
}

static void raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

const char *ot_server_default_socket(void) { return OT_SERVER_DEFAULT_SOCKET; }

void ot_server_get_counters(struct ot_server_counters *out) { *out = S.counters; }

int ot_server_run(const struct ot_server_options *opt)
{
    memset(&S, 0, sizeof(S));
    S.lfd = S.sfd = S.ep = -1;
    S.my_uid = geteuid();
    ot_client_disable(); /* OPENTAPI_SERVER in our environment names us */
    signal(SIGPIPE, SIG_IGN);
    raise_fd_limit();
    /* Blocked before any thread exists (the core's timer thread, the SIP
     * provider's), so that SIGTERM reaches only our signalfd. */
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    pthread_sigmask(SIG_BLOCK, &mask, NULL);

    /* Our own application keeps the core (configuration, providers) up for the
     * service's whole life, and checks the configuration at start. */
    DWORD ndevs, api = 0x00020002u;
    LINEINITIALIZEEXPARAMS p = {.dwTotalSize = sizeof(p),
                                .dwOptions = LINEINITIALIZEEXOPTION_USEEVENT};
    LONG rc = lineInitializeEx(&S.self, NULL, NULL, "tapisrv", &ndevs, &api, &p);
    if (rc) {
        logmsg("cannot start: %s (the configuration or a provider; see above)", otErrorName(rc));
        return 2;
    }
    const char *path = opt && opt->socket ? opt->socket : NULL;
    char confpath[256];
    ot_lock();
    const char *v = ot_setting("server", "socket");
    snprintf(confpath, sizeof(confpath), "%s", v ? v : OT_SERVER_DEFAULT_SOCKET);
    const char *kb = ot_setting("server", "max_backlog_kb"); /* checked: 16..1048576 */
    unsigned long backlog = kb ? strtoul(kb, NULL, 10) : DEFAULT_BACKLOG_KB;
    ot_unlock();
    S.max_backlog = (size_t)backlog * 1024u;
    if (!path)
        path = confpath;
    S.sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    S.ep = epoll_create1(EPOLL_CLOEXEC);
    S.lfd = S.ep >= 0 && S.sfd >= 0 ? listen_on(path) : -1;
    if (S.lfd < 0) {
        if (S.sfd >= 0)
            close(S.sfd);
        if (S.ep >= 0)
            close(S.ep);
        lineShutdown(S.self);
        return 1;
    }
    S.listen_tag.kind = TAG_LISTEN;
    S.signal_tag.kind = TAG_SIGNAL;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &S.listen_tag};
    epoll_ctl(S.ep, EPOLL_CTL_ADD, S.lfd, &ev);
    ev.data.ptr = &S.signal_tag;
    epoll_ctl(S.ep, EPOLL_CTL_ADD, S.sfd, &ev);
    logmsg("serving %u line device%s on %s (protocol %u)", (unsigned)ndevs, ndevs == 1 ? "" : "s",
           S.bound ? path : "the passed socket", OT_RPC_VERSION);
    if (opt && opt->ready_fd >= 0) { /* tests and scripts: we accept from now on */
        ssize_t w = write(opt->ready_fd, "ready\n", 6);
        (void)w;
        close(opt->ready_fd);
    }

    struct epoll_event evs[64];
    while (!S.stop) {
        int n = epoll_wait(S.ep, evs, 64, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            logmsg("epoll_wait: %s", strerror(errno));
            break;
        }
        for (int i = 0; i < n; i++) {
            struct tag *t = evs[i].data.ptr;
            if (t->kind == TAG_LISTEN) {
                on_accept();
            } else if (t->kind == TAG_SIGNAL) {
                struct signalfd_siginfo si;
                while (read(S.sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
                    logmsg("stopping (%s)", si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
                    S.stop = true;
                }
            } else if (t->kind == TAG_APP) {
                struct srv_app *a = (struct srv_app *)(void *)t;
                struct srv_conn *c = a->conn;
                srv_drain_conn(c);
                conn_flush(c);
                if (c->dead) {
                    conn_close(c, "stopped reading: disconnected");
                    break; /* the rest of evs may name what conn_close freed */
                }
            } else if (t->kind == TAG_CONN) {
                struct srv_conn *c = (struct srv_conn *)(void *)t;
                const char *why = NULL;
                if (evs[i].events & EPOLLOUT)
                    conn_flush(c);
                if (c->dead)
                    why = "stopped reading: disconnected";
                else if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                    why = conn_read(c);
                if (why) {
                    conn_close(c, *why ? why : NULL);
                    break;
                }
            }
        }
    }
    /* SIGTERM: every client goes as with lineShutdown (CLOSEDROP), then the
     * providers stop with our own application. */
    while (S.conns)
        conn_close(S.conns, NULL);
    lineShutdown(S.self);
    close(S.lfd);
    close(S.sfd);
    close(S.ep);
    if (S.bound)
        unlink(S.path);
    logmsg("stopped");
    return 0;
}

/* ---- command line (tapisrv and `tapi server`) ---- */
static void usage(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s [--socket PATH] [--config FILE] [--ready-fd N]\n"
            "The opentapi telephony service: owns the configured lines and serves every\n"
            "TAPI application of the machine whose environment says\n"
            "OPENTAPI_SERVER=unix:PATH. Runs in the foreground, logs to stderr, stops on\n"
            "SIGTERM (calls of closing lines follow CLOSEDROP, as with lineShutdown).\n"
            "  --socket PATH  the Unix socket (default: [server] socket of the\n"
            "                 configuration, else %s)\n"
            "  --config FILE  the configuration (default: OPENTAPI_CONFIG, else the\n"
            "                 embedded switch's default topology)\n"
            "  --ready-fd N   write \"ready\" to descriptor N once clients are accepted\n"
            "Exit status: 0 stopped by a signal, 1 socket in use or unusable, 2 bad\n"
            "configuration or arguments. See docs/service.md.\n",
            prog, OT_SERVER_DEFAULT_SOCKET);
}

int ot_server_main(int argc, char **argv)
{
    struct ot_server_options opt = {NULL, -1};
    const char *prog = argc > 0 ? argv[0] : "tapisrv";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout, prog);
            return 0;
        }
        if (!strcmp(a, "-v") || !strcmp(a, "--version")) {
            printf("tapisrv (opentapi) %s, protocol %u\n", OPENTAPI_VERSION_STRING,
                   OT_RPC_VERSION);
            return 0;
        }
        if (i + 1 >= argc || (strcmp(a, "--socket") && strcmp(a, "--config") &&
                              strcmp(a, "--ready-fd"))) {
            fprintf(stderr, "%s: %s %s\n", prog,
                    i + 1 >= argc && a[0] == '-' ? "missing value for" : "unknown argument", a);
            usage(stderr, prog);
            return 2;
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--socket"))
            opt.socket = v;
        else if (!strcmp(a, "--config"))
            setenv("OPENTAPI_CONFIG", v, 1);
        else {
            char *end;
            long fd = strtol(v, &end, 10);
            if (*end || fd < 0 || fd > 65535) {
                fprintf(stderr, "%s: --ready-fd needs a descriptor number\n", prog);
                return 2;
            }
            opt.ready_fd = (int)fd;
        }
    }
    return ot_server_run(&opt);
}
