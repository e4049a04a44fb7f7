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
 * shut down as if it had called lineShutdown for each of its applications. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
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

#include "ot.h"
#include "rpc.h"
#include "server.h"

#define DEFAULT_BACKLOG_KB 16384u /* bytes queued for a client that does not read */
#define MAX_APPS_PER_CONN 64u
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

static void pend_free(struct pending *p)
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

static struct {
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
} S;

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

/* ---- access rules ([access] in the configuration) ----
 * key: a line's number, or * for every line; value: "owner:LIST monitor:LIST",
 * LIST = comma-separated user names, uids, @group names, @gids or *. */
static bool entry_matches(const struct srv_conn *c, const char *e, size_t n)
{
    char name[128];
    if (!n || n >= sizeof(name))
        return false;
    memcpy(name, e, n);
    name[n] = '\0';
    if (!strcmp(name, "*"))
        return true;
    bool group = name[0] == '@';
    const char *id = group ? name + 1 : name;
    char *end;
    unsigned long num = strtoul(id, &end, 10);
    bool numeric = *id && !*end;
    if (!group) {
        if (numeric)
            return num == c->uid;
        struct passwd *pw = getpwnam(id);
        return pw && pw->pw_uid == c->uid;
    }
    gid_t g;
    if (numeric)
        g = (gid_t)num;
    else {
        struct group *gr = getgrnam(id);
        if (!gr)
            return false;
        g = gr->gr_gid;
    }
    if (g == c->gid)
        return true;
    for (int i = 0; i < c->ngroups; i++)
        if (c->groups[i] == g)
            return true;
    return false;
}

static bool list_matches(const struct srv_conn *c, const char *list, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && list[j] != ',')
            j++;
        if (entry_matches(c, list + i, j - i))
            return true;
        i = j + 1;
    }
    return false;
}

static unsigned rights_for(const struct srv_conn *c, const struct ot_linedev *ld)
{
    if (c->uid == 0 || c->uid == S.my_uid)
        return RIGHT_OWNER | RIGHT_MONITOR;
    const char *rule = ot_setting("access", ld->conf.number);
    if (!rule)
        rule = ot_setting("access", "*");
    if (!rule)
        return 0; /* no rule: only root and the service's own user */
    unsigned r = 0;
    const char *p = rule;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        const char *w = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        size_t n = (size_t)(p - w);
        if (n > 6 && !strncmp(w, "owner:", 6) && list_matches(c, w + 6, n - 6))
            r |= RIGHT_OWNER | RIGHT_MONITOR;
        else if (n > 8 && !strncmp(w, "monitor:", 8) && list_matches(c, w + 8, n - 8))
            r |= RIGHT_MONITOR;
    }
    return r;
}

/* An [access] rule's syntax: words owner:LIST or monitor:LIST, lists not empty. */
static int check_rule(const char *rule)
{
    const char *p = rule;
    int words = 0;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        const char *w = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        size_t n = (size_t)(p - w);
        if (!((n > 6 && !strncmp(w, "owner:", 6)) || (n > 8 && !strncmp(w, "monitor:", 8))))
            return -1;
        words++;
    }
    return words ? 0 : -1;
}

/* The telephony service's sections, checked with the rest of the configuration
 * (start-up and otCheckConfig alike, so `tapi config --check` knows them):
 * [server] socket / max_backlog_kb, [client] server, [access] rules. */
int ot_conf_check_service(const struct ot_conf *cf, char *err, size_t errlen)
{
    const char *section, *value;
    unsigned lineno;
    for (unsigned i = 0;; i++) {
        const char *key = ot_conf_key(cf, i, &section, &value, &lineno);
        if (!key)
            return 0;
        if (!strcmp(section, "access")) {
            if (check_rule(value) != 0) {
                snprintf(err, errlen, "line %u: [access] %s: each word is owner:LIST or "
                         "monitor:LIST (LIST: users, uids, @groups, @gids or *)", lineno, key);
                return -1;
            }
        } else if (!strcmp(section, "server")) {
            char *end;
            unsigned long kb = strtoul(value, &end, 10);
            if (!strcmp(key, "socket")) {
                if (!*value || strlen(value) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
                    snprintf(err, errlen, "line %u: [server] socket: a path of at most %zu bytes",
                             lineno, sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
                    return -1;
                }
            } else if (!strcmp(key, "max_backlog_kb")) {
                if (!*value || *end || *value == '-' || kb < 16 || kb > 1048576) {
                    snprintf(err, errlen, "line %u: [server] max_backlog_kb must be 16..1048576",
                             lineno);
                    return -1;
                }
            } else {
                snprintf(err, errlen, "line %u: [server]: unknown key %s", lineno, key);
                return -1;
            }
        } else if (!strcmp(section, "client")) {
            if (strcmp(key, "server")) {
                snprintf(err, errlen, "line %u: [client]: unknown key %s", lineno, key);
                return -1;
            }
            if (strcmp(value, "none") && (strncmp(value, "unix:", 5) || !value[5])) {
                snprintf(err, errlen, "line %u: [client] server must be unix:PATH or none",
                         lineno);
                return -1;
            }
        }
    }
}

static int compute_view(struct srv_conn *c)
{
    struct passwd *pw = getpwuid(c->uid);
    if (pw && strlen(pw->pw_name) < sizeof(c->user))
        snprintf(c->user, sizeof(c->user), "%s", pw->pw_name);
    else
        snprintf(c->user, sizeof(c->user), "%lu", (unsigned long)c->uid);
    if (pw) {
        int n = 64;
        for (int tries = 0; tries < 4; tries++) {
            gid_t *g = realloc(c->groups, (size_t)n * sizeof(*g));
            if (!g)
                return -1;
            c->groups = g;
            int want = n;
            if (getgrouplist(pw->pw_name, c->gid, g, &want) >= 0) {
                c->ngroups = want;
                break;
            }
            n = want > n ? want : n * 2;
        }
    }
    ot_lock();
    c->devs = calloc(ot_g.nlines ? ot_g.nlines : 1, sizeof(*c->devs));
    c->rights = calloc(ot_g.nlines ? ot_g.nlines : 1, 1);
    if (c->devs && c->rights)
        for (DWORD i = 0; i < ot_g.nlines; i++) {
            unsigned r = rights_for(c, ot_g.lines[i]);
            if (r) {
                c->devs[c->ndevs] = i;
                c->rights[c->ndevs++] = (unsigned char)r;
            }
        }
    ot_unlock();
    return c->devs && c->rights ? 0 : -1;
}

static unsigned rights_on_line(const struct srv_conn *c, DWORD server_dev)
{
    for (DWORD i = 0; i < c->ndevs; i++)
        if (c->devs[i] == server_dev)
            return c->rights[i];
    return 0;
}

/* A device ID this client does not have (LINEERR_BADDEVICEID in the core);
 * not UINT32_MAX, which is LINEMAPPER. */
#define OT_SRV_NODEV 0xFFFFFFFEu

/* lineOpen(LINEMAPPER) of a client: the core's choice among the lines the
 * client may open with the privilege asked for (server numbering, in a[1]). */
static LONG map_line(const struct srv_conn *c, struct ot_rpc_args *args)
{
    DWORD priv = (DWORD)args->a[6] & 0xFFFFu;
    DWORD *ok = calloc(c->ndevs ? c->ndevs : 1, sizeof(*ok)), n = 0, dev = 0;
    if (!ok)
        return LINEERR_NOMEM;
    for (DWORD i = 0; i < c->ndevs; i++) {
        unsigned r = c->rights[i];
        if ((priv & LINECALLPRIVILEGE_MONITOR) && !(r & RIGHT_MONITOR))
            continue;
        if ((priv & LINECALLPRIVILEGE_OWNER || priv & LINECALLPRIVILEGE_NONE) &&
            !(r & RIGHT_OWNER))
            continue;
        ok[n++] = c->devs[i];
    }
    ot_lock();
    LONG rc = ot_g.started ? ot_line_mapper((DWORD)args->a[7],
                                            (const LINECALLPARAMS *)args->a[8], ok, n, &dev)
                           : (LONG)LINEERR_UNINITIALIZED;
    ot_unlock();
    free(ok);
    if (!rc)
        args->a[1] = dev;
    return rc;
}

/* lineGetID("tapi/line") answers the service's device ID: the client
 * numbers its lines from 0 (compute_view), so it gets its own. */
static void map_device_id_out(const struct srv_conn *c, LPVARSTRING v)
{
    DWORD id;
    if (!v || v->dwStringFormat != STRINGFORMAT_BINARY || v->dwStringSize != sizeof(id) ||
        v->dwStringOffset > v->dwUsedSize || v->dwUsedSize - v->dwStringOffset < sizeof(id))
        return;
    unsigned char *p = (unsigned char *)v + v->dwStringOffset;
    memcpy(&id, p, sizeof(id));
    for (DWORD i = 0; i < c->ndevs; i++)
        if (c->devs[i] == id) {
            memcpy(p, &i, sizeof(i));
            return;
        }
}

/* ---- handles: whose are they ---- */
static HLINEAPP app_of_handle(char kind, DWORD h, DWORD *line_dev, HLINE *hline)
{
    HLINEAPP app = 0;
    ot_lock();
    if (kind == 'l') {
        struct ot_open *o = ot_open_get(h);
        if (o) {
            app = o->app->handle;
            *line_dev = o->ld->id;
            *hline = o->handle;
        }
    } else {
        struct ot_callref *r = ot_callref_get(h);
        if (r) {
            app = r->open->app->handle;
            *line_dev = r->call->ld->id;
            *hline = r->open->handle;
        }
    }
    ot_unlock();
    return app;
}

static struct srv_app *conn_app(struct srv_conn *c, HLINEAPP h)
{
    for (struct srv_app *a = c->apps; a; a = a->next)
        if (a->h == h)
            return a;
    return NULL;
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
static void drain_conn(struct srv_conn *c)
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
static void forget_pending(struct srv_conn *c, HLINEAPP app, HLINE line)
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
static LONG app_open(struct srv_conn *c, const char *name, DWORD api, HLINEAPP *h)
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

static void app_close(struct srv_conn *c, struct srv_app *a)
{
    epoll_ctl(S.ep, EPOLL_CTL_DEL, a->efd, NULL);
    lineShutdown(a->h); /* closes its lines: CLOSEDROP, messages to the others */
    for (struct srv_app **pp = &c->apps; *pp; pp = &(*pp)->next)
        if (*pp == a) {
            *pp = a->next;
            break;
        }
    c->napps--;
    forget_pending(c, a->h, 0);
    free(a);
}

/* ---- calls ---- */
#define OT_RPC_THUNK(name, sig, flags, ...)                                                      \
    static LONG th_##name(const uintptr_t *a) { return name(__VA_ARGS__); }
OT_RPC_FUNCTIONS(OT_RPC_THUNK)
#undef OT_RPC_THUNK
static LONG (*const thunks[OT_RPC_FN_COUNT])(const uintptr_t *a) = {
#define OT_RPC_THUNKREF(name, sig, flags, ...) th_##name,
    OT_RPC_FUNCTIONS(OT_RPC_THUNKREF)
#undef OT_RPC_THUNKREF
};

static LONG handle_error(char kind)
{
    switch (kind) {
    case 'l': return LINEERR_INVALLINEHANDLE;
    case 'f': return LINEERR_INVALCONFCALLHANDLE;
    case 'k': return LINEERR_INVALCONSULTCALLHANDLE;
    default: return LINEERR_INVALCALLHANDLE;
    }
}

/* The generic call: arguments checked against the client's rights, then the
 * core function, then its outs. */
static LONG do_call(struct srv_conn *c, unsigned fn, uint32_t seq, struct ot_rpc_args *args,
                    struct ot_wbuf *res)
{
    const char *sig = ot_rpc_fns[fn].sig;
    DWORD line_dev = UINT32_MAX; /* line of the first handle */
    HLINE line = 0;
    HLINEAPP app = 0;
    struct pending *pend = NULL;
    LONG rc = 0;
    for (unsigned i = 0; sig[i] && !rc; i++) {
        switch (sig[i]) {
        case 'a':
            app = conn_app(c, (HLINEAPP)args->a[i]) ? (HLINEAPP)args->a[i] : 0;
            args->a[i] = app; /* 0: the core answers LINEERR_INVALAPPHANDLE */
            break;
        case 'd':
            if (fn == OT_RPC_lineOpen && args->a[i] == LINEMAPPER) {
                /* The first of this client's lines it may open so that fits. */
                rc = map_line(c, args);
                if (rc)
                    break;
            } else
                args->a[i] = args->a[i] < c->ndevs ? c->devs[args->a[i]] : OT_SRV_NODEV;
            if (line_dev == UINT32_MAX)
                line_dev = (DWORD)args->a[i];
            break;
        case 'l': case 'c': case 'f': case 'k': {
            if (!args->a[i])
                break; /* NULL handles mean what the function says */
            DWORD dev = 0;
            HLINE hl = 0;
            HLINEAPP owner = app_of_handle(sig[i] == 'l' ? 'l' : 'c', (DWORD)args->a[i], &dev, &hl);
            if (!owner || !conn_app(c, owner)) {
                rc = handle_error(sig[i]);
                S.counters.foreign_handles++;
                break;
            }
            if (line_dev == UINT32_MAX) {
                line_dev = dev;
                line = hl;
                app = owner;
            }
            break;
        }
        case 'H': case 'G': case 'Y':
            if (args->a[i] && !pend && !(pend = calloc(1, sizeof(*pend))))
                rc = LINEERR_NOMEM;
            break;
        default:
            break;
        }
    }
    /* LPHCALL outs: the first H is out[0], the second out[1]. */
    if (!rc && pend) {
        unsigned k = 0;
        for (unsigned i = 0; sig[i]; i++)
            if (sig[i] == 'H') {
                if (args->a[i])
                    args->a[i] = (uintptr_t)&pend->out[k];
                k++;
            } else if ((sig[i] == 'G' || sig[i] == 'Y') && args->a[i] && !pend->buf) {
                /* filled when the request completes: kept until its LINE_REPLY
                 * (or until it is forgotten: its line or application went) */
                pend->buf = args->owned[i];
                args->owned[i] = NULL;
                pend->total = args->vb_total[i];
                pend->kind = sig[i];
            }
    }
    /* Rights on the line: opening it with a privilege, creating or taking calls. */
    if (!rc && fn == OT_RPC_lineOpen && line_dev != UINT32_MAX && line_dev < ot_g.nlines) {
        DWORD priv = (DWORD)args->a[6] & 0xFFFFu;
        unsigned r = rights_on_line(c, line_dev);
        if (((priv & LINECALLPRIVILEGE_MONITOR) && !(r & RIGHT_MONITOR)) ||
            (((priv & LINECALLPRIVILEGE_OWNER) || (priv & LINECALLPRIVILEGE_NONE)) &&
             !(r & RIGHT_OWNER)))
            rc = LINEERR_INVALPRIVSELECT;
    }
    if (!rc && line_dev != UINT32_MAX &&
        ((ot_rpc_fns[fn].flags & OT_RPC_NEEDS_OWNER) ||
         (fn == OT_RPC_lineSetCallPrivilege && args->a[1] == LINECALLPRIVILEGE_OWNER)) &&
        !(rights_on_line(c, line_dev) & RIGHT_OWNER))
        rc = LINEERR_INVALPRIVSELECT;
    if (!rc) {
        ot_agent_client_user(c->user); /* the agent functions' requests name it */
        rc = thunks[fn](args->a);
        ot_agent_client_user(NULL);
    }
    if (pend && rc > 0) {
        pend->req = rc;
        pend->seq = seq;
        pend->app = app;
        pend->line = line;
        pend->next = c->pend;
        c->pend = pend;
    } else
        pend_free(pend);
    if (fn == OT_RPC_lineGetID && rc == 0)
        map_device_id_out(c, (LPVARSTRING)args->a[4]);
    ot_rpc_encode_outs(fn, args, rc, res);
    return rc;
}

static void send_result(struct srv_conn *c, uint32_t seq, uint16_t fn, struct ot_wbuf *res)
{
    size_t f = ot_wbuf_begin_frame(&c->out, OT_RPC_RESULT, fn, seq);
    ot_wbuf_put(&c->out, res->data, res->len);
    ot_wbuf_end_frame(&c->out, f);
}

/* One frame from a client; -1 closes the connection. */
static int on_frame(struct srv_conn *c, const struct ot_rpc_hdr *h, const unsigned char *payload)
{
    struct ot_rbuf in = {payload, h->len, false};
    if (!c->hello) {
        uint32_t magic = ot_rbuf_u32(&in), version = ot_rbuf_u32(&in);
        if (h->type != OT_RPC_HELLO || in.bad || magic != OT_RPC_MAGIC)
            return -1;
        struct ot_wbuf *o = &c->out;
        size_t f = ot_wbuf_begin_frame(o, OT_RPC_HELLO, 0, 0);
        ot_wbuf_u32(o, OT_RPC_MAGIC);
        ot_wbuf_u32(o, OT_RPC_VERSION);
        ot_wbuf_u32(o, (uint32_t)getpid());
        ot_wbuf_end_frame(o, f);
        if (version != OT_RPC_VERSION)
            return -1; /* it reads our version, then sees the close */
        c->hello = true;
        return compute_view(c);
    }
    if (h->type != OT_RPC_CALL)
        return -1;
    struct ot_wbuf res = {0};
    LONG rc;
    S.counters.calls++;
    if (h->fn == OT_RPC_INITIALIZE) {
        uint32_t n = ot_rbuf_u32(&in);
        const unsigned char *name = n <= 255 ? ot_rbuf_take(&in, n) : NULL;
        DWORD api = ot_rbuf_u32(&in);
        if (!name || in.bad || in.left || memchr(name, '\0', n))
            return -1;
        char buf[256];
        memcpy(buf, name, n);
        buf[n] = '\0';
        HLINEAPP app = 0;
        rc = app_open(c, buf, api, &app);
        ot_wbuf_u32(&res, (uint32_t)rc);
        ot_wbuf_u32(&res, app);
        ot_wbuf_u32(&res, c->ndevs);
    } else if (h->fn == OT_RPC_SHUTDOWN) {
        HLINEAPP happ = ot_rbuf_u32(&in);
        if (in.bad || in.left)
            return -1;
        struct srv_app *a = conn_app(c, happ);
        rc = a ? 0 : LINEERR_INVALAPPHANDLE;
        if (a) {
            drain_conn(c); /* what was queued before still goes out, in order */
            app_close(c, a);
        }
        ot_wbuf_u32(&res, (uint32_t)rc);
    } else if (h->fn == OT_RPC_CHECK) {
        uint32_t kind = ot_rbuf_u32(&in), handle = ot_rbuf_u32(&in);
        if (in.bad || in.left || kind < 1 || kind > 3)
            return -1;
        DWORD dev = 0;
        HLINE hl = 0;
        if (kind == 3)
            rc = handle < c->ndevs ? 0 : LINEERR_BADDEVICEID;
        else {
            HLINEAPP owner = app_of_handle(kind == 1 ? 'l' : 'c', handle, &dev, &hl);
            rc = owner && conn_app(c, owner) ? 0
                 : kind == 1                 ? LINEERR_INVALLINEHANDLE
                                             : LINEERR_INVALCALLHANDLE;
        }
        ot_wbuf_u32(&res, (uint32_t)rc);
    } else if (h->fn == OT_RPC_STATS) {
        if (in.left)
            return -1;
        OTSTATS st;
        otGetStats(&st);
        st.dwApps = st.dwApps ? st.dwApps - 1 : 0; /* the service's own application */
        ot_wbuf_u32(&res, 0);
        ot_wbuf_put(&res, &st, sizeof(st));
    } else {
        struct ot_rpc_args args;
        if (h->fn >= OT_RPC_FN_COUNT || ot_rpc_decode_args(h->fn, &in, &args) != 0)
            return -1;
        rc = do_call(c, h->fn, h->seq, &args, &res);
        HLINE closed = h->fn == OT_RPC_lineClose && rc == 0 ? (HLINE)args.a[0] : 0;
        ot_rpc_args_free(&args);
        if (closed) { /* replies already queued still carry their handles */
            drain_conn(c);
            forget_pending(c, 0, closed);
        }
    }
    /* Messages the call caused reach the client before its result. */
    drain_conn(c);
    send_result(c, h->seq, h->fn, &res);
    bool failed = res.failed;
    ot_wbuf_free(&res);
    return failed ? -1 : 0;
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
        app_close(c, c->apps);
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
            if (on_frame(c, &h, c->in + off + sizeof(h)) != 0) {
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
                drain_conn(c);
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
