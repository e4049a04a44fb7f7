/* The Kamailio provider: third-party call control of the phones whose calls
 * pass through a Kamailio proxy (docs/kamailio.md).
 *
 * Each [line] is a SIP address of record.  Kamailio (opentapi.cfg) pushes one
 * JSON object per call event (initial INVITE, responses to it, CANCEL, BYE,
 * ACK) over its evapi TCP socket; the provider connects to that socket and
 * sends JSON-RPC requests on the same connection (dlg.list to learn the calls
 * that exist; dlg.dlg_list, then tm.t_uac_start twice and dlg.set_state for a
 * third-party drop; tm.reply_callid to reject an offered call), which
 * Kamailio runs and answers there.  Messages are
 * netstrings ("LEN:JSON,") both ways.
 *
 * A dialog whose From or To is a configured line becomes one TAPI call per
 * configured party (side 0: the caller's line, side 1: the callee's).
 *
 * Threads and locking: one provider thread owns the socket (connect, read,
 * write, timers).  Every field of the state (kamint.h) is guarded by the
 * core lock: provider operations run with it held (they only append to the
 * output buffer and wake the thread), and the thread takes it for each
 * message it handles.
 *
 * This file: the counters, the configuration, start/stop and the provider's
 * table.  The connection is kamconn.c, the dialogs and events kamdlg.c,
 * lineDrop kamdrop.c (kamint.h lists them). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kamint.h"

/* ---- counters ------------------------------------------------------------- */
static pthread_mutex_t cnt_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cnt_cv;
static pthread_once_t cnt_once = PTHREAD_ONCE_INIT;
struct ot_kam_counters kam_cnt;

static void cnt_init(void)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&cnt_cv, &a);
    pthread_condattr_destroy(&a);
}

void kam_cnt_add(unsigned long *field, long delta)
{
    pthread_once(&cnt_once, cnt_init);
    pthread_mutex_lock(&cnt_mu);
    *field = (unsigned long)((long)*field + delta);
    pthread_cond_broadcast(&cnt_cv);
    pthread_mutex_unlock(&cnt_mu);
}

void kam_cnt_service(bool in)
{
    pthread_once(&cnt_once, cnt_init);
    pthread_mutex_lock(&cnt_mu);
    kam_cnt.in_service = in;
    pthread_cond_broadcast(&cnt_cv);
    pthread_mutex_unlock(&cnt_mu);
}

void ot_kam_counters_get(struct ot_kam_counters *out)
{
    pthread_once(&cnt_once, cnt_init);
    pthread_mutex_lock(&cnt_mu);
    *out = kam_cnt;
    pthread_mutex_unlock(&cnt_mu);
}

void ot_kam_counters_reset(void)
{
    pthread_once(&cnt_once, cnt_init);
    pthread_mutex_lock(&cnt_mu);
    unsigned long dialogs = kam_cnt.dialogs;
    bool in = kam_cnt.in_service;
    memset(&kam_cnt, 0, sizeof(kam_cnt));
    kam_cnt.dialogs = dialogs;
    kam_cnt.in_service = in;
    pthread_cond_broadcast(&cnt_cv);
    pthread_mutex_unlock(&cnt_mu);
}

bool ot_kam_counters_wait(bool (*pred)(const struct ot_kam_counters *, void *), void *arg,
                          unsigned timeout_ms)
{
    pthread_once(&cnt_once, cnt_init);
    struct timespec ts = ot_deadline_ms(timeout_ms);
    pthread_mutex_lock(&cnt_mu);
    bool ok;
    while (!(ok = pred(&kam_cnt, arg)))
        if (pthread_cond_timedwait(&cnt_cv, &cnt_mu, &ts) == ETIMEDOUT) {
            ok = pred(&kam_cnt, arg);
            break;
        }
    pthread_mutex_unlock(&cnt_mu);
    return ok;
}

/* ---- state (kamint.h) ------------------------------------------------------------ */
struct kam_state K;
atomic_bool kam_stopping;

/* ---- configuration ------------------------------------------------------------ */
/* "sip:user@host[:port][;params]" (or sips:, or user@host): user and host
 * (case kept; hosts compare case-insensitively).  -1 when malformed. */
int kam_split_uri(const char *s, char *user, size_t ulen, char *host, size_t hlen)
{
    if (!s)
        return -1;
    if (!strncasecmp(s, "sip:", 4))
        s += 4;
    else if (!strncasecmp(s, "sips:", 5))
        s += 5;
    const char *at = strchr(s, '@');
    if (!at || at == s || (size_t)(at - s) >= ulen)
        return -1;
    memcpy(user, s, (size_t)(at - s));
    user[at - s] = '\0';
    const char *h = at + 1, *e;
    if (*h == '[') {
        e = strchr(h, ']');
        if (!e)
            return -1;
        e++;
    } else
        e = h + strcspn(h, ":;>?");
    if (e == h || (size_t)(e - h) >= hlen)
        return -1;
    memcpy(host, h, (size_t)(e - h));
    host[e - h] = '\0';
    for (const char *p = user; *p; p++)
        if ((unsigned char)*p <= ' ' || strchr("<>\"", *p))
            return -1;
    for (const char *p = host; *p; p++)
        if ((unsigned char)*p <= ' ' || strchr("<>\"@", *p))
            return -1;
    return 0;
}

/* "IP:PORT" or "[IPv6]:PORT" */
static int parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[64];
    const char *colon;
    if (*s == '[') {
        const char *e = strchr(s, ']');
        if (!e || e[1] != ':' || (size_t)(e - s - 1) >= sizeof(host))
            return -1;
        memcpy(host, s + 1, (size_t)(e - s - 1));
        host[e - s - 1] = '\0';
        colon = e + 1;
    } else {
        colon = strchr(s, ':');
        if (!colon || strchr(colon + 1, ':') || (size_t)(colon - s) >= sizeof(host))
            return -1; /* an IPv6 address needs its brackets */
        memcpy(host, s, (size_t)(colon - s));
        host[colon - s] = '\0';
    }
    char *end;
    errno = 0;
    long port = strtol(colon + 1, &end, 10);
    if (errno || *end || end == colon + 1 || port < 1 || port > 65535)
        return -1;
    memset(ss, 0, sizeof(*ss));
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        *len = sizeof(*a4);
    } else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        *len = sizeof(*a6);
    } else
        return -1;
    return 0;
}

static int parse_ms(const char *v, unsigned lo, unsigned hi, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (errno || *end || end == v || *v == '-' || n < lo || n > hi)
        return -1;
    *out = (unsigned)n;
    return 0;
}

/* The [kamailio] section's settings, read the one way the checker and start()
 * share: NULL when every value is good (then in *out), else the key that is
 * not (its text in *why). */
struct kam_settings {
    struct sockaddr_storage addr;
    socklen_t addrlen;
    char addr_text[sizeof(K.addr_text)];
    unsigned rpc_timeout_ms, reconnect_ms;
};
static const char *read_settings(const char *evapi, const char *rpc, const char *reconnect,
                                 struct kam_settings *out, const char **why)
{
    if (!evapi)
        evapi = "127.0.0.1:8448";
    if (strlen(evapi) >= sizeof(out->addr_text) || parse_addr(evapi, &out->addr, &out->addrlen)) {
        *why = "must be IP:PORT (IPv6 as [::1]:PORT)";
        return "evapi";
    }
    strcpy(out->addr_text, evapi);
    out->rpc_timeout_ms = 2000;
    out->reconnect_ms = 500;
    *why = "must be 10..60000";
    if (rpc && parse_ms(rpc, 10, 60000, &out->rpc_timeout_ms))
        return "rpc_timeout_ms";
    if (reconnect && parse_ms(reconnect, 10, 60000, &out->reconnect_ms))
        return "reconnect_ms";
    return NULL;
}

/* A Kamailio [line] (device id): its only key is uri, the phone's address of
 * record, split into user and host; the same checks for both callers. */
static int read_line(const struct ot_line_conf *lc, unsigned id, char *user, size_t ulen,
                     char *host, size_t hlen, char *err, size_t errlen)
{
    for (unsigned k = 0; k < lc->nkv; k++)
        if (strcmp(lc->kv[k].key, "uri")) {
            snprintf(err, errlen, "line %u: [line] (device %u, kamailio): unknown key %s",
                     lc->kv[k].lineno, id, lc->kv[k].key);
            return -1;
        }
    unsigned at = 0;
    const char *uri = ot_line_conf_get_at(lc, "uri", &at);
    if (kam_split_uri(uri, user, ulen, host, hlen)) {
        snprintf(err, errlen,
                 "line %u: [line] (device %u, kamailio): uri must be the phone's address of "
                 "record, e.g. sip:alice@example.com",
                 at ? at : lc->lineno, id);
        return -1;
    }
    return 0;
}

/* The i-th Kamailio line (device id) into out[i]; refused when one of out[0..i-1]
 * (devices ids[0..i-1]) has the same address of record: two lines on one phone. */
static int read_kline(const struct ot_line_conf *lc, unsigned id, struct kline *out, unsigned i,
                      unsigned *ids, char *err, size_t errlen)
{
    struct kline *l = &out[i];
    ids[i] = id;
    if (read_line(lc, id, l->user, sizeof(l->user), l->host, sizeof(l->host), err, errlen))
        return -1;
    for (unsigned j = 0; j < i; j++)
        if (!strcmp(out[j].user, l->user) && !strcasecmp(out[j].host, l->host)) {
            snprintf(err, errlen, "line %u: [line] (device %u, kamailio): uri already on device %u",
                     lc->lineno, id, ids[j]);
            return -1;
        }
    return 0;
}

/* check_config: what start() refuses, without a socket or a thread: the
 * [kamailio] section (its three keys, nothing else) and the Kamailio lines. */
static int kam_check_config(const struct ot_conf *cf, char *err, size_t errlen)
{
    const char *section, *value;
    unsigned lineno;
    for (unsigned i = 0;; i++) {
        const char *key = ot_conf_key(cf, i, &section, &value, &lineno);
        if (!key)
            break;
        if (strcmp(section, "kamailio"))
            continue;
        if (strcmp(key, "evapi") && strcmp(key, "rpc_timeout_ms") && strcmp(key, "reconnect_ms")) {
            snprintf(err, errlen, "line %u: [kamailio]: unknown key %s", lineno, key);
            return -1;
        }
    }
    struct kam_settings set;
    const char *why;
    const char *bad = read_settings(ot_conf_get_at(cf, "kamailio", "evapi", NULL),
                                    ot_conf_get_at(cf, "kamailio", "rpc_timeout_ms", NULL),
                                    ot_conf_get_at(cf, "kamailio", "reconnect_ms", NULL), &set,
                                    &why);
    if (bad) {
        ot_conf_get_at(cf, "kamailio", bad, &lineno);
        snprintf(err, errlen, "line %u: [kamailio] %s %s", lineno, bad, why);
        return -1;
    }
    unsigned total = ot_conf_nlines(cf), n = 0;
    struct kline *ls = calloc(total ? total : 1, sizeof(*ls));
    unsigned *ids = calloc(total ? total : 1, sizeof(*ids));
    int rc = ls && ids ? 0 : -2;
    if (rc)
        snprintf(err, errlen, "out of memory");
    for (unsigned i = 0; i < total && !rc; i++) {
        const struct ot_line_conf *lc = ot_conf_line(cf, i);
        if (!strcmp(lc->provider, "kamailio"))
            rc = read_kline(lc, i, ls, n++, ids, err, errlen);
    }
    free(ls);
    free(ids);
    return rc;
}

/* start(): the settings and lines, read as kam_check_config read them (start-up
 * ran it first, so this fails only when out of memory). */
static int configure(struct ot_linedev **lines, unsigned nlines)
{
    char err[300];
    struct kam_settings set;
    const char *why;
    const char *bad = read_settings(ot_setting("kamailio", "evapi"),
                                    ot_setting("kamailio", "rpc_timeout_ms"),
                                    ot_setting("kamailio", "reconnect_ms"), &set, &why);
    if (bad) {
        fprintf(stderr, "opentapi: [kamailio] %s %s\n", bad, why);
        return -1;
    }
    K.addr = set.addr;
    K.addrlen = set.addrlen;
    strcpy(K.addr_text, set.addr_text);
    K.rpc_timeout_ms = set.rpc_timeout_ms;
    K.reconnect_ms = set.reconnect_ms;
    K.lines = calloc(nlines ? nlines : 1, sizeof(*K.lines));
    unsigned *ids = calloc(nlines ? nlines : 1, sizeof(*ids));
    int rc = K.lines && ids ? 0 : -1;
    if (!rc)
        K.nlines = nlines;
    for (unsigned i = 0; i < nlines && !rc; i++) {
        K.lines[i].ld = lines[i];
        rc = read_kline(ot_linedev_conf(lines[i]), (unsigned)ot_linedev_id(lines[i]), K.lines, i,
                        ids, err, sizeof(err));
        if (rc)
            fprintf(stderr, "opentapi: %s\n", err);
    }
    free(ids);
    return rc;
}

/* ---- operations (lineDrop: kamdrop.c) ---------------------------------------------- */
static void kam_close_call(struct ot_call *c)
{
    struct kside *s = ot_call_drv(c);
    if (!s)
        return;
    struct kdlg *d = s->d;
    s->call = NULL;
    ot_call_set_drv(c, NULL);
    /* a drop in flight keeps going; its request is answered now */
    if (d->drop && d->drop->req && ot_req_call(d->drop->req) == c)
        kam_op_answer(d->drop, 0);
    kam_dlg_maybe_free(d);
}

static unsigned kam_live_calls(void)
{
    unsigned n = 0;
    struct ot_list *pos;
    if (!K.dlgs.next)
        return 0; /* not started */
    for (pos = K.dlgs.next; pos != &K.dlgs; pos = pos->next) {
        struct kdlg *d = ot_container_of(pos, struct kdlg, link);
        n += (d->side[0].call != NULL) + (d->side[1].call != NULL);
    }
    return n;
}

static void free_all(void)
{
    while (!ot_list_empty(&K.rpcs)) {
        struct krpc *r = ot_container_of(K.rpcs.next, struct krpc, link);
        struct kdrop *op = r->op;
        kam_rpc_free(r);
        if (op && !--op->outstanding) {
            /* no application is left: the request is dropped, not answered */
            if (op->req)
                ot_req_discard(op->req);
            free(op->hdrs);
            free(op->uui);
            free(op);
        }
    }
    while (!ot_list_empty(&K.dlgs)) {
        struct kdlg *d = ot_container_of(K.dlgs.next, struct kdlg, link);
        for (int i = 0; i < 2; i++)
            if (d->side[i].call)
                ot_call_set_drv(d->side[i].call, NULL);
        kam_dlg_free(d);
    }
    if (K.fd >= 0)
        close(K.fd);
    if (K.wake_fd >= 0)
        close(K.wake_fd);
    free(K.out);
    free(K.in);
    free(K.lines);
    memset(&K, 0, sizeof(K));
    K.fd = K.wake_fd = -1;
}

static int kam_start(struct ot_linedev **lines, unsigned nlines)
{
    memset(&K, 0, sizeof(K));
    K.fd = -1;
    K.wake_fd = -1;
    ot_list_init(&K.dlgs);
    ot_list_init(&K.rpcs);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(K.tag, sizeof(K.tag), "%ld.%ld.%ld", (long)getpid(), (long)ts.tv_sec,
             (long)ts.tv_nsec);
    const char *lg = getenv("OPENTAPI_LOG");
    K.logging = lg && *lg && strcmp(lg, "0");
    if (configure(lines, nlines)) {
        free_all();
        return -1;
    }
    K.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (K.wake_fd < 0) {
        free_all();
        return -1;
    }
    for (unsigned i = 0; i < nlines; i++) {
        ot_linedev_set_drv(lines[i], &K.lines[i]);
        ot_linedev_add_line_states(lines[i], LINEDEVSTATE_INSERVICE | LINEDEVSTATE_OUTOFSERVICE |
                                                 LINEDEVSTATE_CONNECTED |
                                                 LINEDEVSTATE_DISCONNECTED);
        ot_ev_line_link(lines[i], false); /* until the link is up */
    }
    kam_cnt_service(false);
    atomic_store(&kam_stopping, false);
    if (pthread_create(&K.thread, NULL, kam_thread, NULL)) {
        free_all();
        return -1;
    }
    K.thread_running = true;
    return 0;
}

static void kam_stop(void)
{
    if (K.thread_running) {
        atomic_store(&kam_stopping, true);
        wake();
        /* the thread may be waiting for the core lock, which our caller holds */
        pthread_mutex_unlock(&ot_g.lock);
        pthread_join(K.thread, NULL);
        pthread_mutex_lock(&ot_g.lock);
        K.thread_running = false;
    }
    for (unsigned i = 0; i < K.nlines; i++)
        ot_linedev_set_drv(K.lines[i].ld, NULL);
    free_all();
    kam_cnt_service(false);
}

const struct ot_provider ot_kamailio_provider = {
    .size = sizeof(struct ot_provider),
    .name = "kamailio",
    .start = kam_start,
    .stop = kam_stop,
    .drop = kam_drop,
    .close_call = kam_close_call,
    .live_calls = kam_live_calls,
    .check_config = kam_check_config,
};
