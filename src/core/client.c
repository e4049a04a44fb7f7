/* Client mode: when the environment (OPENTAPI_SERVER=unix:PATH) or the
 * configuration ([client] server) names a telephony service, every tapi.h
 * function of this process travels to it (rpc.h) and its messages come back
 * into local application queues, so lineGetMessage, USEEVENT descriptors and
 * callback threads work exactly as in embedded mode (app.c does them).
 *
 * One connection per process, opened by the first lineInitialize(Ex) and
 * closed by the last lineShutdown.  A reader thread takes every frame in
 * order: results wake the calling thread, messages are posted to the local
 * application.  Calls are one at a time per process (cl.busy).
 * Lock order: cl.lock is never held while taking the core lock. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ot.h"
#include "rpc.h"

struct appmap {
    HLINEAPP local, remote;
};
struct hreg { /* LPHCALL outs of a request, written at its LINE_REPLY */
    uint32_t seq;
    LPHCALL out[2];
    void *buf;   /* G / Y: the application's structure, filled at the LINE_REPLY */
    DWORD total; /* its size */
    char kind;
    struct hreg *next;
};
struct greg { /* a lineGatherDigits buffer, filled at its LINE_GATHERDIGITS */
    HCALL h;
    LPSTR buf;
    DWORD n;
    struct greg *next;
};
struct pcopy { /* a proxy request this process got: our copy of the service's */
    LINEPROXYREQUEST *copy;
    DWORD size;
    uint64_t token; /* the service's request */
    HLINEAPP app;   /* local */
    HLINE line;
    struct pcopy *next;
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int fd;
    bool connected, dead, disabled, reader_running;
    bool closing; /* the last application went: the connection is being taken down */
    int active; /* remote applications exist (read without the lock) */
    pthread_t reader;
    struct appmap *apps;
    unsigned napps, capps;
    uint32_t next_seq;
    bool busy;          /* a call is in flight */
    uint32_t cur_seq;   /* its number */
    bool cur_done;
    unsigned char *cur_payload;
    size_t cur_len;
    struct hreg *hregs;
    struct greg *gregs; /* in the order of the requests */
    struct pcopy *pcopies;
} cl = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER, .fd = -1};

bool ot_client_active(void) { return __atomic_load_n(&cl.active, __ATOMIC_ACQUIRE) != 0; }

void ot_client_disable(void)
{
    pthread_mutex_lock(&cl.lock);
    cl.disabled = true;
    pthread_mutex_unlock(&cl.lock);
}

bool ot_client_disabled(void)
{
    pthread_mutex_lock(&cl.lock);
    bool d = cl.disabled;
    pthread_mutex_unlock(&cl.lock);
    return d;
}

/* ---- socket I/O ---- */
static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int read_all(int fd, void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n) {
        ssize_t r = recv(fd, p, n, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

/* One whole frame; *payload is malloc'd (NULL when empty). */
static int read_frame(int fd, struct ot_rpc_hdr *h, unsigned char **payload)
{
    *payload = NULL;
    if (read_all(fd, h, sizeof(*h)) != 0 || h->len > OT_RPC_MAX_FRAME)
        return -1;
    if (!h->len)
        return 0;
    *payload = malloc(h->len);
    if (!*payload || read_all(fd, *payload, h->len) != 0) {
        free(*payload);
        *payload = NULL;
        return -1;
    }
    return 0;
}

/* ---- application map (cl.lock held) ---- */
static HLINEAPP local_of(HLINEAPP remote)
{
    for (unsigned i = 0; i < cl.napps; i++)
        if (cl.apps[i].remote == remote)
            return cl.apps[i].local;
    return 0;
}

static uint32_t remote_of_locked(uint32_t local)
{
    for (unsigned i = 0; i < cl.napps; i++)
        if (cl.apps[i].local == local)
            return cl.apps[i].remote;
    return 0; /* not ours: the server answers LINEERR_INVALAPPHANDLE */
}

static struct hreg *hreg_take(uint32_t seq)
{
    for (struct hreg **pp = &cl.hregs; *pp; pp = &(*pp)->next)
        if ((*pp)->seq == seq) {
            struct hreg *r = *pp;
            *pp = r->next;
            return r;
        }
    return NULL;
}

/* ---- the reader thread ---- */
static void post_local(HLINEAPP local, const LINEMESSAGE *m)
{
    ot_lock();
    struct ot_app *app = ot_app_get(local);
    if (app)
        ot_app_post(app, m->hDevice, m->dwMessageID, m->dwCallbackInstance, m->dwParam1,
                    m->dwParam2, m->dwParam3);
    ot_unlock();
}

static void on_msg(struct ot_rbuf *in)
{
    HLINEAPP remote = ot_rbuf_u32(in);
    LINEMESSAGE m;
    m.hDevice = ot_rbuf_u32(in);
    m.dwMessageID = ot_rbuf_u32(in);
    m.dwCallbackInstance = (DWORD_PTR)ot_rbuf_u64(in);
    m.dwParam1 = (DWORD_PTR)ot_rbuf_u64(in);
    m.dwParam2 = (DWORD_PTR)ot_rbuf_u64(in);
    m.dwParam3 = (DWORD_PTR)ot_rbuf_u64(in);
    uint32_t seq = ot_rbuf_u32(in);
    HCALL made[2];
    made[0] = ot_rbuf_u32(in);
    made[1] = ot_rbuf_u32(in);
    /* optionally: a proxy request, or a structure filled for the request */
    uint32_t blen = 0;
    const unsigned char *blob = NULL;
    if (in->left && (blen = ot_rbuf_u32(in)) != 0)
        blob = ot_rbuf_take(in, blen);
    if (in->bad)
        return;
    struct pcopy *pc = NULL;
    if (m.dwMessageID == LINE_PROXYREQUEST) {
        /* the proxy reads and fills our copy; lineProxyResponse sends it back */
        if (!blob || blen < sizeof(LINEPROXYREQUEST) || !(pc = calloc(1, sizeof(*pc))) ||
            !(pc->copy = malloc(blen))) {
            free(pc);
            return;
        }
        memcpy(pc->copy, blob, blen);
        pc->size = blen;
        pc->token = (uint64_t)m.dwParam1;
        pc->line = m.hDevice;
        m.dwParam1 = (DWORD_PTR)pc->copy;
    }
    pthread_mutex_lock(&cl.lock);
    if (m.dwMessageID == LINE_GATHERDIGITS)
        for (struct greg **pp = &cl.gregs; *pp; pp = &(*pp)->next)
            if ((*pp)->h == (HCALL)m.hDevice) {
                struct greg *g = *pp;
                *pp = g->next;
                /* the digits (none: no digits, or the service lost them) */
                DWORD n = blob ? (blen < g->n ? blen : g->n) : 0;
                if (n)
                    memcpy(g->buf, blob, n);
                if (n < g->n)
                    g->buf[n] = '\0';
                free(g);
                break;
            }
    HLINEAPP local = local_of(remote);
    struct hreg *r = seq ? hreg_take(seq) : NULL;
    if (pc && local) {
        pc->app = local;
        pc->next = cl.pcopies;
        cl.pcopies = pc;
        pc = NULL;
    }
    pthread_mutex_unlock(&cl.lock);
    if (pc) { /* no application for it */
        free(pc->copy);
        free(pc);
        return;
    }
    /* The new handles, and a structure the request filled, are in place before
     * the LINE_REPLY that announces them, as in embedded mode. */
    if (r && m.dwMessageID == LINE_REPLY && (LONG)m.dwParam2 == 0) {
        for (int i = 0; i < 2; i++)
            if (r->out[i])
                *r->out[i] = made[i];
        if (r->buf && blob && r->kind == 'G' && blen >= 3 * sizeof(DWORD) && blen <= r->total) {
            memcpy(r->buf, blob, blen);
            memcpy(r->buf, &r->total, sizeof(DWORD)); /* as the application sized it */
        } else if (r->buf && blob && r->kind == 'Y' && blen == r->total) {
            memcpy(r->buf, blob, blen);
        }
    }
    free(r);
    if (local)
        post_local(local, &m);
}

/* lineProxyResponse of a proxy in this process: the copy it filled goes back
 * to the service's request (a pointer we did not give goes as none). */
LONG ot_client_proxy_response(HLINE hLine, LPLINEPROXYREQUEST req, DWORD result)
{
    pthread_mutex_lock(&cl.lock);
    struct pcopy *pc = cl.pcopies;
    while (pc && !(req && pc->copy == req && pc->line == hLine))
        pc = pc->next;
    /* The bytes travel from a copy taken under the lock: another thread may
     * close the proxy's line (and free pc) while the call is on its way. */
    void *bytes = pc ? malloc(pc->size ? pc->size : 1) : NULL;
    if (bytes)
        memcpy(bytes, pc->copy, pc->size);
    uintptr_t a[5] = {hLine, bytes ? (uintptr_t)pc->token : 0, (uintptr_t)bytes,
                      bytes ? pc->size : 0, result};
    pthread_mutex_unlock(&cl.lock);
    if (pc && !bytes)
        return LINEERR_NOMEM;
    LONG rc = ot_client_call(OT_RPC_ot_proxy_response_remote, a);
    free(bytes);
    if (rc == 0 && a[2]) { /* answered: our copy goes, as TAPI frees the request */
        pthread_mutex_lock(&cl.lock);
        for (struct pcopy **pp = &cl.pcopies; *pp; pp = &(*pp)->next)
            if ((*pp)->copy == req) {
                pc = *pp;
                *pp = pc->next;
                free(pc->copy);
                free(pc);
                break;
            }
        pthread_mutex_unlock(&cl.lock);
    }
    return rc;
}

static void pcopies_forget_locked(HLINEAPP app, HLINE line)
{
    for (struct pcopy **pp = &cl.pcopies; *pp;) {
        struct pcopy *pc = *pp;
        if ((!app && !line) || (app && pc->app == app) || (line && pc->line == line)) {
            *pp = pc->next;
            free(pc->copy);
            free(pc);
        } else
            pp = &pc->next;
    }
}

void ot_client_proxy_forget(HLINEAPP app, HLINE line)
{
    if (!app && !line)
        return;
    pthread_mutex_lock(&cl.lock);
    pcopies_forget_locked(app, line);
    pthread_mutex_unlock(&cl.lock);
}

/* One frame from the service, in order.  -1: the connection is unusable. */
static int on_frame(const struct ot_rpc_hdr *h, const unsigned char *p)
{
    struct ot_rbuf in = {p, h->len, false};
    if (h->type == OT_RPC_RESULT) {
        unsigned char *copy = malloc(h->len ? h->len : 1);
        if (!copy)
            return -1;
        memcpy(copy, p, h->len);
        pthread_mutex_lock(&cl.lock);
        if (cl.busy && !cl.cur_done && h->seq == cl.cur_seq) {
            cl.cur_payload = copy;
            cl.cur_len = h->len;
            cl.cur_done = true;
            copy = NULL;
            pthread_cond_broadcast(&cl.cond);
        }
        pthread_mutex_unlock(&cl.lock);
        free(copy);
    } else if (h->type == OT_RPC_MSG) {
        on_msg(&in);
    } else if (h->type == OT_RPC_FORGET) {
        uint32_t seq = ot_rbuf_u32(&in);
        pthread_mutex_lock(&cl.lock);
        free(hreg_take(seq));
        pthread_mutex_unlock(&cl.lock);
    }
    return 0;
}

static void *reader_main(void *arg)
{
    (void)arg;
    int fd = cl.fd;
    /* Buffered: one recv takes whatever the service sent (a call's messages
     * and its result come in one write), frames are cut from the buffer. */
    size_t cap = 65536, len = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        if (len == cap) {
            size_t ncap = cap * 2;
            unsigned char *nb = ncap <= sizeof(struct ot_rpc_hdr) + OT_RPC_MAX_FRAME
                                    ? realloc(buf, ncap)
                                    : NULL;
            if (!nb)
                break;
            buf = nb;
            cap = ncap;
        }
        ssize_t n = recv(fd, buf + len, cap - len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
        size_t off = 0;
        bool bad = false;
        while (len - off >= sizeof(struct ot_rpc_hdr)) {
            struct ot_rpc_hdr h;
            memcpy(&h, buf + off, sizeof(h));
            if (h.len > OT_RPC_MAX_FRAME) {
                bad = true;
                break;
            }
            if (len - off - sizeof(h) < h.len)
                break;
            if (on_frame(&h, buf + off + sizeof(h)) != 0) {
                bad = true;
                break;
            }
            off += sizeof(h) + h.len;
        }
        if (bad)
            break;
        memmove(buf, buf + off, len - off);
        len -= off;
        if (len == 0 && cap > 65536) { /* a big frame's room goes back */
            unsigned char *nb = realloc(buf, 65536);
            if (nb) {
                buf = nb;
                cap = 65536;
            }
        }
    }
    free(buf);
    /* The server went away (or lineShutdown closed the socket): every local
     * application is told to re-initialize, as TAPI does when its server
     * restarts; calls fail with LINEERR_REINIT from now on. */
    pthread_mutex_lock(&cl.lock);
    bool was_dead = cl.dead;
    cl.dead = true;
    pthread_cond_broadcast(&cl.cond);
    unsigned n = cl.napps;
    HLINEAPP *locals = n ? malloc(n * sizeof(*locals)) : NULL;
    for (unsigned i = 0; locals && i < n; i++)
        locals[i] = cl.apps[i].local;
    pthread_mutex_unlock(&cl.lock);
    if (!was_dead)
        for (unsigned i = 0; locals && i < n; i++) {
            LINEMESSAGE m = {0, LINE_LINEDEVSTATE, 0, LINEDEVSTATE_REINIT, 0, 0};
            post_local(locals[i], &m);
        }
    free(locals);
    return NULL;
}

/* ---- connection ---- */
static LONG connect_server(const char *address)
{
    if (strncmp(address, "unix:", 5) != 0) {
        ot_log("OPENTAPI_SERVER=%s: only unix:PATH is supported", address);
        return LINEERR_NODRIVER;
    }
    const char *path = address + 5;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (!*path || strlen(path) >= sizeof(sa.sun_path)) {
        ot_log("OPENTAPI_SERVER: bad socket path");
        return LINEERR_NODRIVER;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return LINEERR_RESOURCEUNAVAIL;
    int c;
    /* (a signal while the service's backlog is full: a Unix socket may simply try again) */
    while ((c = connect(fd, (struct sockaddr *)&sa, sizeof(sa))) != 0 && errno == EINTR)
        ;
    if (c != 0) {
        ot_log("telephony service %s: %s", path, strerror(errno));
        close(fd);
        return LINEERR_NODRIVER;
    }
    struct ot_wbuf w = {0};
    size_t f = ot_wbuf_begin_frame(&w, OT_RPC_HELLO, 0, 0);
    ot_wbuf_u32(&w, OT_RPC_MAGIC);
    ot_wbuf_u32(&w, OT_RPC_VERSION);
    ot_wbuf_end_frame(&w, f);
    struct ot_rpc_hdr h;
    unsigned char *payload = NULL;
    int bad = w.failed || write_all(fd, w.data, w.len) != 0 || read_frame(fd, &h, &payload) != 0;
    ot_wbuf_free(&w);
    if (!bad) {
        struct ot_rbuf in = {payload, h.len, false};
        uint32_t magic = ot_rbuf_u32(&in), version = ot_rbuf_u32(&in);
        bad = h.type != OT_RPC_HELLO || in.bad || magic != OT_RPC_MAGIC ||
              version != OT_RPC_VERSION;
    }
    free(payload);
    if (bad) {
        ot_log("telephony service %s: no answer in protocol version %u", path, OT_RPC_VERSION);
        close(fd);
        return LINEERR_NODRIVER;
    }
    cl.fd = fd;
    cl.dead = false;
    cl.connected = true;
    if (pthread_create(&cl.reader, NULL, reader_main, NULL) != 0) {
        close(fd);
        cl.fd = -1;
        cl.connected = false;
        return LINEERR_RESOURCEUNAVAIL;
    }
    cl.reader_running = true;
    return 0;
}

/* cl.lock held on entry and on return; the last application is gone. */
static void disconnect_locked(void)
{
    if (!cl.connected)
        return;
    /* A lineInitializeEx meanwhile waits for a new connection (the reader sees
     * this shutdown as the end of the old one, not of the service). */
    cl.closing = true;
    shutdown(cl.fd, SHUT_RDWR);
    bool join = cl.reader_running;
    cl.reader_running = false;
    pthread_mutex_unlock(&cl.lock);
    if (join)
        pthread_join(cl.reader, NULL);
    pthread_mutex_lock(&cl.lock);
    close(cl.fd);
    cl.fd = -1;
    cl.connected = false;
    cl.dead = false;
    while (cl.hregs) {
        struct hreg *r = cl.hregs;
        cl.hregs = r->next;
        free(r);
    }
    while (cl.gregs) {
        struct greg *g = cl.gregs;
        cl.gregs = g->next;
        free(g);
    }
    pcopies_forget_locked(0, 0);
    free(cl.apps);
    cl.apps = NULL;
    cl.napps = cl.capps = 0;
    cl.closing = false;
    pthread_cond_broadcast(&cl.cond);
}

/* ---- calls ----
 * Sends one CALL frame and waits for its RESULT; returns the result and the
 * RESULT's payload after the result (to be freed by the caller). */
static LONG roundtrip(unsigned fn, struct ot_wbuf *w, size_t frame, uint32_t seq,
                      struct hreg *reg, unsigned char **payload, struct ot_rbuf *rest)
{
    *payload = NULL;
    memset(rest, 0, sizeof(*rest));
    ot_wbuf_end_frame(w, frame);
    if (w->failed) {
        free(reg);
        return LINEERR_NOMEM;
    }
    pthread_mutex_lock(&cl.lock);
    while (cl.busy && !cl.dead)
        pthread_cond_wait(&cl.cond, &cl.lock);
    if (cl.dead || !cl.connected) {
        pthread_mutex_unlock(&cl.lock);
        free(reg);
        return LINEERR_REINIT;
    }
    cl.busy = true;
    cl.cur_seq = seq;
    cl.cur_done = false;
    if (reg) {
        reg->next = cl.hregs;
        cl.hregs = reg;
    }
    int fd = cl.fd;
    pthread_mutex_unlock(&cl.lock);
    /* cl.busy makes this thread the only writer. */
    int wrc = write_all(fd, w->data, w->len);
    pthread_mutex_lock(&cl.lock);
    while (wrc == 0 && !cl.cur_done && !cl.dead)
        pthread_cond_wait(&cl.cond, &cl.lock);
    LONG rc = LINEERR_REINIT;
    *payload = NULL;
    if (cl.cur_done) {
        *payload = cl.cur_payload;
        rest->p = cl.cur_payload;
        rest->left = cl.cur_len;
        rest->bad = false;
        rc = (LONG)ot_rbuf_u32(rest);
        if (rest->bad)
            rc = LINEERR_OPERATIONFAILED;
    }
    cl.cur_payload = NULL;
    cl.busy = false;
    /* No LINE_REPLY will come for a call that did not start a request. */
    if (reg && rc <= 0)
        free(hreg_take(seq));
    pthread_cond_broadcast(&cl.cond);
    pthread_mutex_unlock(&cl.lock);
    (void)fn;
    return rc;
}

static uint32_t new_seq(void)
{
    pthread_mutex_lock(&cl.lock);
    uint32_t s = ++cl.next_seq;
    if (!s)
        s = cl.next_seq = 1;
    pthread_mutex_unlock(&cl.lock);
    return s;
}

static uint32_t remote_of(uint32_t local)
{
    pthread_mutex_lock(&cl.lock);
    uint32_t r = remote_of_locked(local);
    pthread_mutex_unlock(&cl.lock);
    return r;
}

LONG ot_client_call(unsigned fn, const uintptr_t *a)
{
    uint32_t seq = new_seq();
    struct ot_wbuf w = {0};
    size_t frame = ot_wbuf_begin_frame(&w, OT_RPC_CALL, (uint16_t)fn, seq);
    LONG rc = ot_rpc_encode_args(fn, a, &w, remote_of);
    if (rc) {
        ot_wbuf_free(&w);
        return rc;
    }
    /* LPHCALL outs are written when the request's LINE_REPLY arrives. */
    struct hreg *reg = NULL;
    const char *sig = ot_rpc_fns[fn].sig;
    for (unsigned i = 0, k = 0; sig[i]; i++)
        if ((sig[i] == 'H' || sig[i] == 'G' || sig[i] == 'Y') && a[i]) {
            if (!reg && !(reg = calloc(1, sizeof(*reg)))) {
                ot_wbuf_free(&w);
                return LINEERR_NOMEM;
            }
            reg->seq = seq;
            if (sig[i] == 'H') {
                reg->out[k++] = (LPHCALL)a[i];
            } else { /* filled at the reply: G a structure, Y a sized buffer */
                reg->buf = (void *)a[i];
                reg->kind = sig[i];
                if (sig[i] == 'Y')
                    reg->total = (DWORD)a[i + 1];
                else
                    memcpy(&reg->total, reg->buf, sizeof(DWORD));
            }
        } else if (sig[i] == 'H')
            k++;
    unsigned char *payload;
    struct ot_rbuf rest;
    rc = roundtrip(fn, &w, frame, seq, reg, &payload, &rest);
    ot_wbuf_free(&w);
    if (fn == OT_RPC_lineDeallocateCall && rc == 0) {
        /* A gather the deallocation ended silently: its message never comes
         * (one that came before the result was delivered, in order). */
        pthread_mutex_lock(&cl.lock);
        for (struct greg **pp = &cl.gregs; *pp;)
            if ((*pp)->h == (HCALL)a[0]) {
                struct greg *g = *pp;
                *pp = g->next;
                free(g);
            } else {
                pp = &(*pp)->next;
            }
        pthread_mutex_unlock(&cl.lock);
    }
    if (payload && ot_rpc_decode_outs(fn, a, rc, &rest) != 0) {
        ot_log("telephony service: malformed result of %s", ot_rpc_fns[fn].name);
        rc = LINEERR_OPERATIONFAILED;
    }
    free(payload);
    return rc;
}

LONG ot_client_gather(HCALL h, DWORD modes, LPSTR buf, DWORD num, LPCSTR term, DWORD first,
                      DWORD inter)
{
    const uintptr_t a[] = {h, modes, (uintptr_t)buf, num, (uintptr_t)term, first, inter};
    struct greg *g = NULL;
    if (buf) { /* registered first: the message may come before the result */
        if (!(g = calloc(1, sizeof(*g))))
            return LINEERR_NOMEM;
        g->h = h;
        g->buf = buf;
        g->n = num;
        pthread_mutex_lock(&cl.lock);
        struct greg **pp = &cl.gregs;
        while (*pp)
            pp = &(*pp)->next;
        *pp = g;
        pthread_mutex_unlock(&cl.lock);
    }
    LONG rc = ot_client_call(OT_RPC_lineGatherDigits, a);
    if (rc && g) { /* no message will come for it */
        pthread_mutex_lock(&cl.lock);
        for (struct greg **pp = &cl.gregs; *pp; pp = &(*pp)->next)
            if (*pp == g) {
                *pp = g->next;
                free(g);
                break;
            }
        pthread_mutex_unlock(&cl.lock);
    }
    return rc;
}

/* lineInitialize(Ex): connects if needed and makes the server's application. */
LONG ot_client_open_app(const char *address, LPCSTR name, DWORD api, HLINEAPP *remote,
                        DWORD *ndevs)
{
    pthread_mutex_lock(&cl.lock);
    while (cl.closing)
        pthread_cond_wait(&cl.cond, &cl.lock);
    if (cl.dead || (!cl.connected && !address)) {
        /* TAPI: re-initialize only after every application shut down */
        pthread_mutex_unlock(&cl.lock);
        return LINEERR_REINIT;
    }
    LONG rc = cl.connected ? 0 : connect_server(address);
    if (!rc) /* the connection stays while the call is in flight */
        __atomic_add_fetch(&cl.active, 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&cl.lock);
    if (rc)
        return rc;
    uint32_t seq = new_seq();
    struct ot_wbuf w = {0};
    size_t frame = ot_wbuf_begin_frame(&w, OT_RPC_CALL, OT_RPC_INITIALIZE, seq);
    size_t n = name ? strnlen(name, 255) : 0;
    ot_wbuf_u32(&w, (uint32_t)n);
    ot_wbuf_put(&w, name, n);
    ot_wbuf_u32(&w, api);
    unsigned char *payload;
    struct ot_rbuf rest;
    rc = roundtrip(OT_RPC_INITIALIZE, &w, frame, seq, NULL, &payload, &rest);
    ot_wbuf_free(&w);
    if (!rc) {
        *remote = ot_rbuf_u32(&rest);
        *ndevs = ot_rbuf_u32(&rest);
        if (rest.bad)
            rc = LINEERR_OPERATIONFAILED;
    }
    free(payload);
    if (rc)
        ot_client_close_app(0, 0);
    return rc;
}

/* Records a local application for its server one (after a successful open). */
LONG ot_client_bind_app(HLINEAPP local, HLINEAPP remote)
{
    pthread_mutex_lock(&cl.lock);
    LONG rc = 0;
    if (cl.napps == cl.capps) {
        unsigned cap = cl.capps ? cl.capps * 2 : 4;
        struct appmap *m = realloc(cl.apps, cap * sizeof(*m));
        if (!m)
            rc = LINEERR_NOMEM;
        else {
            cl.apps = m;
            cl.capps = cap;
        }
    }
    if (!rc)
        cl.apps[cl.napps++] = (struct appmap){local, remote};
    pthread_mutex_unlock(&cl.lock);
    return rc;
}

/* The server's application goes (when remote != 0 and the server is there),
 * the local one is forgotten; the last one closes the connection. */
void ot_client_close_app(HLINEAPP local, HLINEAPP remote)
{
    if (remote) {
        uint32_t seq = new_seq();
        struct ot_wbuf w = {0};
        size_t frame = ot_wbuf_begin_frame(&w, OT_RPC_CALL, OT_RPC_SHUTDOWN, seq);
        ot_wbuf_u32(&w, remote);
        unsigned char *payload;
        struct ot_rbuf rest;
        roundtrip(OT_RPC_SHUTDOWN, &w, frame, seq, NULL, &payload, &rest);
        ot_wbuf_free(&w);
        free(payload);
    }
    pthread_mutex_lock(&cl.lock);
    if (local)
        pcopies_forget_locked(local, 0);
    for (unsigned i = 0; local && i < cl.napps; i++)
        if (cl.apps[i].local == local) {
            cl.apps[i] = cl.apps[--cl.napps];
            break;
        }
    if (__atomic_sub_fetch(&cl.active, 1, __ATOMIC_RELEASE) == 0)
        disconnect_locked();
    pthread_mutex_unlock(&cl.lock);
}

/* lineShutdown in client mode: the remote side first, then the local queue. */
LONG ot_client_shutdown(HLINEAPP local)
{
    pthread_mutex_lock(&cl.lock);
    uint32_t remote = remote_of_locked(local);
    pthread_mutex_unlock(&cl.lock);
    if (!remote)
        return LINEERR_INVALAPPHANDLE;
    LONG rc = ot_app_shutdown_local(local);
    ot_client_close_app(local, remote);
    return rc;
}

LONG ot_client_stats(OTSTATS *st)
{
    if (!ot_client_active())
        return LINEERR_OPERATIONUNAVAIL;
    uint32_t seq = new_seq();
    struct ot_wbuf w = {0};
    size_t frame = ot_wbuf_begin_frame(&w, OT_RPC_CALL, OT_RPC_STATS, seq);
    unsigned char *payload;
    struct ot_rbuf rest;
    LONG rc = roundtrip(OT_RPC_STATS, &w, frame, seq, NULL, &payload, &rest);
    ot_wbuf_free(&w);
    if (!rc) {
        const unsigned char *p = ot_rbuf_take(&rest, sizeof(*st));
        if (p)
            memcpy(st, p, sizeof(*st));
        else
            rc = LINEERR_OPERATIONFAILED;
    }
    free(payload);
    return rc;
}

LONG ot_client_check(unsigned kind, DWORD handle)
{
    uint32_t seq = new_seq();
    struct ot_wbuf w = {0};
    size_t frame = ot_wbuf_begin_frame(&w, OT_RPC_CALL, OT_RPC_CHECK, seq);
    ot_wbuf_u32(&w, kind);
    ot_wbuf_u32(&w, handle);
    unsigned char *payload;
    struct ot_rbuf rest;
    LONG rc = roundtrip(OT_RPC_CHECK, &w, frame, seq, NULL, &payload, &rest);
    ot_wbuf_free(&w);
    free(payload);
    return rc;
}
