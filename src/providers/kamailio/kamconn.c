/* The Kamailio provider's connection to Kamailio's evapi socket (kam.c,
 * docs/kamailio.md): netstrings ("LEN:JSON,") both ways, the JSON-RPC
 * requests and the matching of their responses (by id; late, failed and
 * timed-out ones counted), the reconnection and the dialog list asked for at
 * each connection, the timers, and the provider thread that owns the socket. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kamint.h"

/* ---- output ------------------------------------------------------------------- */
static int out_append(const char *s, size_t n)
{
    char head[24];
    int h = snprintf(head, sizeof(head), "%zu:", n);
    size_t need = K.out_len + (size_t)h + n + 1;
    if (need > K.out_cap) {
        size_t cap = K.out_cap ? K.out_cap : 4096;
        while (cap < need)
            cap *= 2;
        char *p = realloc(K.out, cap);
        if (!p)
            return -1;
        K.out = p;
        K.out_cap = cap;
    }
    memcpy(K.out + K.out_len, head, (size_t)h);
    memcpy(K.out + K.out_len + h, s, n);
    K.out[K.out_len + (size_t)h + n] = ',';
    K.out_len = need;
    return 0;
}

/* Sends method(params) (params: a JSON array, stolen), or keeps it in
 * r->held when hold; returns the entry or NULL (not connected, no memory). */
static struct krpc *rpc_send_ex(enum krpc_kind kind, const char *method, json_t *params, bool hold)
{
    return kam_rpc_send_doc(kind, method, params, hold, NULL);
}

/* The same with an "opentapi" member (stolen): an event that Kamailio relays to
 * every opentapi connection once the command succeeded (opentapi.cfg), so that
 * other processes watching these lines see what this one made Kamailio do. */
struct krpc *kam_rpc_send_doc(enum krpc_kind kind, const char *method, json_t *params,
                                 bool hold, json_t *extra)
{
    if (K.fd < 0 || K.connecting) {
        json_decref(params);
        json_decref(extra);
        return NULL;
    }
    struct krpc *r = calloc(1, sizeof(*r));
    if (!r) {
        json_decref(params);
        json_decref(extra);
        return NULL;
    }
    r->id = ++K.next_rpc_id;
    r->kind = kind;
    json_t *doc = json_pack("{s:s, s:s, s:o, s:I}", "jsonrpc", "2.0", "method", method,
                            "params", params ? params : json_array(), "id", (json_int_t)r->id);
    if (doc && extra)
        json_object_set(doc, "opentapi", extra);
    json_decref(extra);
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!text || (!hold && out_append(text, strlen(text)))) {
        free(text);
        free(r);
        return NULL;
    }
    if (hold)
        r->held = text;
    else
        free(text);
    r->deadline_ms = now_ms() + K.rpc_timeout_ms;
    ot_list_add_tail(&K.rpcs, &r->link);
    kam_cnt_add(&kam_cnt.rpc_sent, 1);
    wake();
    return r;
}

static struct krpc *rpc_send(enum krpc_kind kind, const char *method, json_t *params)
{
    return rpc_send_ex(kind, method, params, false);
}

/* The dialog's ACK came: the drops that waited for it go out. */
void kam_release_held(struct kdlg *d)
{
    struct ot_list *pos;
    for (pos = K.rpcs.next; pos != &K.rpcs; pos = pos->next) {
        struct krpc *r = ot_container_of(pos, struct krpc, link);
        if (r->op && r->op->d == d && r->held && !r->send_at_ms) {
            if (out_append(r->held, strlen(r->held)) == 0)
                wake();
            free(r->held);
            r->held = NULL;
        }
    }
}

void kam_rpc_free(struct krpc *r)
{
    ot_list_del(&r->link);
    free(r->held);
    free(r);
}

/* r is answered or given up: forgotten, and its drop told. */
static void rpc_done(struct krpc *r)
{
    struct kdrop *op = r->op;
    struct kdlg *d = op ? op->d : NULL;
    kam_rpc_free(r);
    if (!op)
        return;
    d->rpc_pending--;
    kam_op_rpc_done(op);
    kam_dlg_maybe_free(d);
}

/* ---- RPC responses ---------------------------------------------------------------- */
static void handle_rpc_reply(json_t *o)
{
    long long id;
    if (!jint(o, "id", &id)) {
        kam_cnt_add(&kam_cnt.malformed, 1);
        return;
    }
    struct krpc *r = NULL;
    struct ot_list *pos;
    for (pos = K.rpcs.next; pos != &K.rpcs; pos = pos->next) {
        struct krpc *x = ot_container_of(pos, struct krpc, link);
        if (x->id == id) {
            r = x;
            break;
        }
    }
    if (!r || r->timed_out)
        kam_cnt_add(&kam_cnt.rpc_late, 1);
    if (!r)
        return;
    json_t *err = json_object_get(o, "error");
    json_t *result = json_object_get(o, "result");
    bool ok = !err && result;
    if (!ok && !r->timed_out) {
        kam_cnt_add(&kam_cnt.rpc_failed, 1);
        json_t *m = json_is_object(err) ? json_object_get(err, "message") : NULL;
        ot_log("kamailio: RPC %lld failed: %s", id, json_is_string(m) ? json_string_value(m)
                                                                     : "no result");
    }
    if (r->kind == RPC_SYNC) {
        if (ok && json_is_array(result))
            kam_sync_done(result);
        else {
            /* without the list the lines cannot be trusted: try again later */
            ot_log("kamailio: dialog list refused; reconnecting");
            shutdown(K.fd, SHUT_RDWR);
        }
        kam_rpc_free(r);
        return;
    }
    struct kdrop *op = r->op;
    if (op) {
        if (!ok)
            op->failed = true;
        if (!op->failed && r->kind == RPC_DLGINFO)
            kam_send_byes(op, result);
        else if (!op->failed && r->kind == RPC_EARLYCHECK)
            kam_reject_when_ringing(op, result);
        else if (!op->failed && r->kind == RPC_REJECT)
            kam_drop_done(op);
        else if (!op->failed && r->kind == RPC_BYE && op->outstanding == 1) {
            /* both BYEs are out: the call is over; Kamailio forgets the dialog */
            kam_drop_done(op);
            struct kdlg *d = op->d;
            json_t *params = d->tt ? json_pack("[s,s,s,i]", d->ci, d->ft, d->tt, 5) : NULL;
            if (params)
                kam_rpc_send_doc(RPC_SETSTATE, "dlg.set_state", params, false, kam_ended_event(op));
        }
    }
    rpc_done(r);
}

static void handle_message(const char *msg, size_t len)
{
    json_error_t e;
    json_t *o = json_loadb(msg, len, 0, &e);
    if (!json_is_object(o)) {
        kam_cnt_add(&kam_cnt.malformed, 1);
        if (K.logging)
            ot_log("kamailio: not a JSON object: %s", e.text);
        json_decref(o);
        return;
    }
    if (json_object_get(o, "jsonrpc"))
        handle_rpc_reply(o);
    else
        kam_handle_event(o);
    json_decref(o);
}

/* ---- the connection ------------------------------------------------------------- */
/* r failed (no answer in time, or the connection went): its drop fails now.
 * keep: r stays for its late answer (which only counts and frees). */
static void fail_rpc(struct krpc *r, const char *why, bool keep)
{
    if (!r->timed_out) {
        kam_cnt_add(&kam_cnt.rpc_failed, 1);
        ot_log("kamailio: RPC %lld %s", r->id, why);
    }
    r->timed_out = true;
    if (r->op) {
        r->op->failed = true;
        kam_op_answer(r->op, LINEERR_OPERATIONFAILED);
    }
    if (!keep)
        rpc_done(r);
}

static void disconnect(const char *why)
{
    if (K.fd >= 0) {
        close(K.fd);
        K.fd = -1;
        kam_cnt_add(&kam_cnt.disconnects, 1);
        ot_log("kamailio: connection to %s lost (%s)", K.addr_text, why);
    }
    K.connecting = false;
    K.synced = false;
    K.out_len = 0;
    K.in_len = 0;
    while (!ot_list_empty(&K.rpcs))
        fail_rpc(ot_container_of(K.rpcs.next, struct krpc, link), "not answered: disconnected",
                 false);
    kam_set_service(false);
    K.next_connect_ms = now_ms() + K.reconnect_ms;
}

/* The dialog list; dialogs learned from events from now on are newer than it. */
static struct krpc *sync_request(void)
{
    K.sync_gen++;
    return rpc_send(RPC_SYNC, "dlg.list", NULL);
}

static void start_connect(void)
{
    int fd = socket(K.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        K.next_connect_ms = now_ms() + K.reconnect_ms;
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    K.fd = fd;
    if (connect(fd, (struct sockaddr *)&K.addr, K.addrlen) == 0)
        K.connecting = false;
    else if (errno == EINPROGRESS)
        K.connecting = true;
    else {
        close(fd);
        K.fd = -1;
        K.next_connect_ms = now_ms() + K.reconnect_ms;
        return;
    }
    if (!K.connecting && !sync_request())
        disconnect("no memory");
}

static void connected(void)
{
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(K.fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
        close(K.fd);
        K.fd = -1;
        K.connecting = false;
        K.next_connect_ms = now_ms() + K.reconnect_ms;
        return;
    }
    K.connecting = false;
    if (!sync_request())
        disconnect("no memory");
}

/* Parses complete netstrings of the input buffer. */
static void parse_input(void)
{
    size_t off = 0;
    while (off < K.in_len && K.fd >= 0) {
        size_t digits = 0, n = 0;
        while (off + digits < K.in_len && K.in[off + digits] >= '0' && K.in[off + digits] <= '9' &&
               digits < 9) {
            n = n * 10 + (size_t)(K.in[off + digits] - '0');
            digits++;
        }
        if (off + digits == K.in_len)
            break; /* length not complete yet */
        if (!digits || K.in[off + digits] != ':' || n > KAM_MSG_MAX) {
            kam_cnt_add(&kam_cnt.malformed, 1);
            disconnect("not a netstring");
            return;
        }
        size_t start = off + digits + 1;
        if (K.in_len < start + n + 1)
            break;
        if (K.in[start + n] != ',') {
            kam_cnt_add(&kam_cnt.malformed, 1);
            disconnect("not a netstring");
            return;
        }
        handle_message(K.in + start, n);
        off = start + n + 1;
    }
    if (K.fd >= 0 && off) {
        memmove(K.in, K.in + off, K.in_len - off);
        K.in_len -= off;
    }
}

static void read_input(void)
{
    for (;;) {
        if (K.in_cap - K.in_len < 4096) {
            size_t cap = K.in_cap ? K.in_cap * 2 : 65536;
            if (cap > KAM_MSG_MAX + 64) {
                if (K.in_cap >= KAM_MSG_MAX + 64) {
                    disconnect("message too long");
                    return;
                }
                cap = KAM_MSG_MAX + 64;
            }
            char *p = realloc(K.in, cap);
            if (!p) {
                disconnect("no memory");
                return;
            }
            K.in = p;
            K.in_cap = cap;
        }
        ssize_t n = recv(K.fd, K.in + K.in_len, K.in_cap - K.in_len, 0);
        if (n > 0) {
            /* acknowledge at once: evapi writes small messages without
             * TCP_NODELAY, so a delayed ACK would hold its next one back
             * (Nagle) for up to 40 ms */
            int one = 1;
            setsockopt(K.fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
            K.in_len += (size_t)n;
            parse_input();
            if (K.fd < 0)
                return;
            continue;
        }
        if (n == 0)
            disconnect("closed by Kamailio");
        else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            disconnect(strerror(errno));
        return;
    }
}

static void flush_output(void)
{
    while (K.out_len && K.fd >= 0 && !K.connecting) {
        ssize_t n = send(K.fd, K.out, K.out_len, MSG_NOSIGNAL);
        if (n > 0) {
            memmove(K.out, K.out + n, K.out_len - (size_t)n);
            K.out_len -= (size_t)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        else if (n < 0 && errno == EINTR)
            continue;
        else {
            disconnect(n < 0 ? strerror(errno) : "send failed");
            return;
        }
    }
}

/* Expired requests fail; ended dialogs stop waiting for their final response. */
static uint64_t run_timers(void)
{
    uint64_t now = now_ms(), next = now + 1000;
    struct ot_list *pos, *tmp;
    ot_list_foreach_safe(pos, tmp, &K.rpcs)
    {
        struct krpc *r = ot_container_of(pos, struct krpc, link);
        if (r->held && r->send_at_ms) {
            if (r->send_at_ms <= now) {
                if (out_append(r->held, strlen(r->held)) == 0) {
                    free(r->held);
                    r->held = NULL;
                    r->send_at_ms = 0;
                } else
                    fail_rpc(r, "not sent: no memory", false);
                continue;
            }
            if (r->send_at_ms < next)
                next = r->send_at_ms;
            continue;
        }
        if (r->deadline_ms <= now) {
            if (r->kind == RPC_SYNC) {
                kam_rpc_free(r);
                disconnect("dialog list not answered in time");
                return now + K.reconnect_ms;
            }
            if (r->held)
                fail_rpc(r, "not sent: the call's ACK did not come in time", false);
            else if (!r->timed_out)
                fail_rpc(r, "not answered in time", true);
            continue;
        } else if (r->deadline_ms < next)
            next = r->deadline_ms;
    }
    ot_list_foreach_safe(pos, tmp, &K.dlgs)
    {
        struct kdlg *d = ot_container_of(pos, struct kdlg, link);
        if (d->phase == KP_ENDED && d->await_final && now - d->ended_ms >= KAM_ENDED_KEEP_MS) {
            d->await_final = false;
            kam_dlg_maybe_free(d);
        }
    }
    if (K.fd < 0 && K.next_connect_ms < next)
        next = K.next_connect_ms;
    return next;
}

void *kam_thread(void *arg)
{
    (void)arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    for (;;) {
        ot_lock();
        if (atomic_load(&kam_stopping)) {
            ot_unlock();
            break;
        }
        if (K.fd < 0 && now_ms() >= K.next_connect_ms)
            start_connect();
        flush_output();
        uint64_t next = run_timers();
        struct pollfd p[2] = {{.fd = K.wake_fd, .events = POLLIN}, {.fd = K.fd, .events = 0}};
        if (K.fd >= 0)
            p[1].events = POLLIN | (K.connecting || K.out_len ? POLLOUT : 0);
        ot_unlock();

        uint64_t now = now_ms();
        int timeout = next > now ? (int)(next - now) : 0;
        int n = poll(p, p[1].fd >= 0 ? 2 : 1, timeout);
        if (n < 0 && errno != EINTR)
            break;
        if (p[0].revents & POLLIN) {
            uint64_t v;
            ssize_t r = read(K.wake_fd, &v, sizeof(v));
            (void)r;
        }
        if (p[1].fd < 0 || !p[1].revents)
            continue;
        ot_lock();
        if (!atomic_load(&kam_stopping) && K.fd == p[1].fd) {
            if (K.connecting && (p[1].revents & (POLLOUT | POLLERR | POLLHUP)))
                connected();
            else if (p[1].revents & (POLLIN | POLLERR | POLLHUP))
                read_input();
        }
        ot_unlock();
    }
    return NULL;
}

