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
 * write, timers).  Every field below is guarded by the core lock: provider
 * operations run with it held (they only append to the output buffer and
 * wake the thread), and the thread takes it for each message it handles. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
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
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../../core/ot.h"
#include "../sip/sip.h"
#include "kam.h"

#define KAM_MSG_MAX (16u << 20) /* largest netstring accepted (a long dialog list) */
#define KAM_ENDED_KEEP_MS 64000u /* an ended dialog waits this long for its final response */

/* ---- counters ------------------------------------------------------------- */
static pthread_mutex_t cnt_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cnt_cv;
static pthread_once_t cnt_once = PTHREAD_ONCE_INIT;
static struct ot_kam_counters cnt;

static void cnt_init(void)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&cnt_cv, &a);
    pthread_condattr_destroy(&a);
}

static void cnt_add(unsigned long *field, long delta)
{
    pthread_once(&cnt_once, cnt_init);
    pthread_mutex_lock(&cnt_mu);
    *field = (unsigned long)((long)*field + delta);
    pthread_cond_broadcast(&cnt_cv);
    pthread_mutex_unlock(&cnt_mu);
}

static void cnt_service(bool in)
{
    pthread_once(&cnt_once, cnt_init);
    pthread_mutex_lock(&cnt_mu);
    cnt.in_service = in;
    pthread_cond_broadcast(&cnt_cv);
    pthread_mutex_unlock(&cnt_mu);
}

void ot_kam_counters_get(struct ot_kam_counters *out)
{
    pthread_once(&cnt_once, cnt_init);
    pthread_mutex_lock(&cnt_mu);
    *out = cnt;
    pthread_mutex_unlock(&cnt_mu);
}

void ot_kam_counters_reset(void)
{
    pthread_once(&cnt_once, cnt_init);
    pthread_mutex_lock(&cnt_mu);
    unsigned long dialogs = cnt.dialogs;
    bool in = cnt.in_service;
    memset(&cnt, 0, sizeof(cnt));
    cnt.dialogs = dialogs;
    cnt.in_service = in;
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
    while (!(ok = pred(&cnt, arg)))
        if (pthread_cond_timedwait(&cnt_cv, &cnt_mu, &ts) == ETIMEDOUT) {
            ok = pred(&cnt, arg);
            break;
        }
    pthread_mutex_unlock(&cnt_mu);
    return ok;
}

/* ---- state ------------------------------------------------------------------ */
struct kline {
    struct ot_linedev *ld;
    char user[128];
    char host[256];
};

enum kphase { KP_EARLY, KP_RINGING, KP_CONFIRMED, KP_ENDED };

struct kdlg;
struct kside {
    struct kdlg *d;
    struct kline *line;   /* NULL: this party has no line */
    struct ot_call *call; /* NULL once the core let go (or never made) */
};

struct kdlg {
    char *ci, *ft, *tt;
    char cseq[16];
    long long he, hi; /* the dialog module's h_entry, h_id */
    bool has_ids;
    bool acked;           /* the caller's ACK of the 2xx passed: a BYE may be sent */
    enum kphase phase;
    struct kside side[2]; /* 0: the caller's line, 1: the callee's */
    bool await_final;     /* ended by CANCEL or our rejection: a final response is still due */
    uint64_t ended_ms;
    unsigned rpc_pending; /* requests about it not answered yet (timed out included) */
    struct kdrop *drop;   /* the lineDrop being carried out, if any */
    unsigned born_sync;   /* sync generation when learned */
    bool listed;          /* seen in the dialog list being reconciled */
    struct ot_list link;
};

/* One lineDrop being carried out: a rejection is one request (tm.reply_callid);
 * a third-party drop of a connected call is the dialog's data (dlg.dlg_list),
 * then a BYE to each phone (tm.t_uac_start, both sent before either is
 * answered), then the dialog marked ended (dlg.set_state).  See
 * docs/kamailio.md for why not dlg.end_dlg. */
struct kdrop {
    struct ot_req *req;   /* NULL once answered */
    struct kdlg *d;
    int side;             /* the side lineDrop was called on */
    int status, cause;    /* the response of a rejection (0: BYEs) and its Q.850 cause */
    char *hdrs;           /* User-to-User and Reason lines for the BYEs */
    unsigned char *uui;   /* the drop's UUI (what the other party receives) */
    DWORD uui_len;
    unsigned outstanding; /* requests not answered */
    unsigned checks;      /* a rejection: times the dialog was found not ringing yet */
    bool failed;          /* one failed or timed out: nothing more is sent */
};

enum krpc_kind { RPC_SYNC, RPC_DLGINFO, RPC_BYE, RPC_EARLYCHECK, RPC_REJECT, RPC_SETSTATE };
struct krpc {
    long long id;
    enum krpc_kind kind;
    struct kdrop *op;     /* the drop it belongs to (NULL: none) */
    bool timed_out;       /* not answered in time: its drop failed */
    char *held;           /* not sent yet: waits for the ACK of the dialog (RFC 3261 15), */
    uint64_t send_at_ms;  /* or for this time (not 0) */
    uint64_t deadline_ms;
    struct ot_list link;
};

static struct {
    struct kline *lines;
    unsigned nlines;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    char addr_text[80];
    char tag[48]; /* this process's name in the "ended" events it has relayed */
    unsigned rpc_timeout_ms, reconnect_ms;
    struct ot_list dlgs, rpcs;
    /* connection */
    int fd;
    bool connecting, synced;
    uint64_t next_connect_ms;
    unsigned sync_gen;
    long long next_rpc_id;
    unsigned long next_tag;
    char *out;
    size_t out_len, out_cap;
    char *in;
    size_t in_len, in_cap;
    int wake_fd;
    pthread_t thread;
    bool thread_running;
    bool logging;
} K;
static atomic_bool stopping;

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void wake(void)
{
    uint64_t one = 1;
    ssize_t n = write(K.wake_fd, &one, sizeof(one));
    (void)n; /* a full counter still wakes the thread */
}

static char *dupstr(const char *s) { return s ? ot_strdup(s) : NULL; }

/* ---- configuration ------------------------------------------------------------ */
/* "sip:user@host[:port][;params]" (or sips:, or user@host): user and host
 * (case kept; hosts compare case-insensitively).  -1 when malformed. */
static int split_uri(const char *s, char *user, size_t ulen, char *host, size_t hlen)
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

static int configure(struct ot_linedev **lines, unsigned nlines)
{
    const char *v = ot_setting("kamailio", "evapi");
    if (!v)
        v = "127.0.0.1:8448";
    if (strlen(v) >= sizeof(K.addr_text) || parse_addr(v, &K.addr, &K.addrlen)) {
        fprintf(stderr, "opentapi: [kamailio] evapi must be IP:PORT (IPv6 as [::1]:PORT), "
                        "not \"%s\"\n", v);
        return -1;
    }
    strcpy(K.addr_text, v);
    K.rpc_timeout_ms = 2000;
    K.reconnect_ms = 500;
    v = ot_setting("kamailio", "rpc_timeout_ms");
    if (v && parse_ms(v, 10, 60000, &K.rpc_timeout_ms)) {
        fprintf(stderr, "opentapi: [kamailio] rpc_timeout_ms must be 10..60000\n");
        return -1;
    }
    v = ot_setting("kamailio", "reconnect_ms");
    if (v && parse_ms(v, 10, 60000, &K.reconnect_ms)) {
        fprintf(stderr, "opentapi: [kamailio] reconnect_ms must be 10..60000\n");
        return -1;
    }
    K.lines = calloc(nlines, sizeof(*K.lines));
    if (!K.lines)
        return -1;
    K.nlines = nlines;
    for (unsigned i = 0; i < nlines; i++) {
        const struct ot_line_conf *cf = ot_linedev_conf(lines[i]);
        DWORD id = ot_linedev_id(lines[i]);
        for (unsigned k = 0; k < cf->nkv; k++)
            if (strcmp(cf->kv[k].key, "uri")) {
                fprintf(stderr, "opentapi: [line] %u (kamailio): unknown key %s\n",
                        (unsigned)id, cf->kv[k].key);
                return -1;
            }
        struct kline *l = &K.lines[i];
        l->ld = lines[i];
        if (split_uri(ot_line_conf_get(cf, "uri"), l->user, sizeof(l->user), l->host,
                      sizeof(l->host))) {
            fprintf(stderr, "opentapi: [line] %u (kamailio): uri must be the phone's address "
                            "of record, e.g. sip:alice@example.com\n", (unsigned)id);
            return -1;
        }
        for (unsigned j = 0; j < i; j++)
            if (!strcmp(K.lines[j].user, l->user) && !strcasecmp(K.lines[j].host, l->host)) {
                fprintf(stderr, "opentapi: [line] %u (kamailio): uri already on line %u\n",
                        (unsigned)id, (unsigned)ot_linedev_id(K.lines[j].ld));
                return -1;
            }
    }
    return 0;
}

static struct kline *find_line(const char *user, const char *host)
{
    if (!user || !host)
        return NULL;
    for (unsigned i = 0; i < K.nlines; i++)
        if (!strcmp(K.lines[i].user, user) && !strcasecmp(K.lines[i].host, host))
            return &K.lines[i];
    return NULL;
}

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

static struct krpc *rpc_send_doc(enum krpc_kind kind, const char *method, json_t *params,
                                 bool hold, json_t *extra);

/* Sends method(params) (params: a JSON array, stolen), or keeps it in
 * r->held when hold; returns the entry or NULL (not connected, no memory). */
static struct krpc *rpc_send_ex(enum krpc_kind kind, const char *method, json_t *params, bool hold)
{
    return rpc_send_doc(kind, method, params, hold, NULL);
}

/* The same with an "opentapi" member (stolen): an event that Kamailio relays to
 * every opentapi connection once the command succeeded (opentapi.cfg), so that
 * other processes watching these lines see what this one made Kamailio do. */
static struct krpc *rpc_send_doc(enum krpc_kind kind, const char *method, json_t *params,
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
    cnt_add(&cnt.rpc_sent, 1);
    wake();
    return r;
}

static struct krpc *rpc_send(enum krpc_kind kind, const char *method, json_t *params)
{
    return rpc_send_ex(kind, method, params, false);
}

/* The dialog's ACK came: the drops that waited for it go out. */
static void release_held(struct kdlg *d)
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

static void rpc_free(struct krpc *r)
{
    ot_list_del(&r->link);
    free(r->held);
    free(r);
}

/* ---- dialogs ------------------------------------------------------------------ */
static struct kdlg *find_dlg(const char *ci, const char *ft)
{
    struct ot_list *pos;
    for (pos = K.dlgs.next; pos != &K.dlgs; pos = pos->next) {
        struct kdlg *d = ot_container_of(pos, struct kdlg, link);
        if (!strcmp(d->ci, ci) && (!ft || !strcmp(d->ft, ft)))
            return d;
    }
    return NULL;
}

static void dlg_free(struct kdlg *d)
{
    ot_list_del(&d->link);
    free(d->ci);
    free(d->ft);
    free(d->tt);
    free(d);
    cnt_add(&cnt.dialogs, -1);
}

/* Forgets d once nothing refers to it any more. */
static void dlg_maybe_free(struct kdlg *d)
{
    if (!d->side[0].call && !d->side[1].call && !d->rpc_pending &&
        (d->phase != KP_ENDED || !d->await_final))
        dlg_free(d);
}

static void set_state(struct kdlg *d, int i, DWORD state, DWORD mode)
{
    if (d->side[i].call)
        ot_ev_call_state(d->side[i].call, state, mode);
}

/* The dialog is over.  actor: the side whose phone ended it (its call goes
 * IDLE), or -1; the other sides go DISCONNECTED(mode), then IDLE. */
static void dlg_end(struct kdlg *d, int actor, DWORD mode)
{
    d->phase = KP_ENDED;
    d->ended_ms = now_ms();
    for (int i = 0; i < 2; i++) {
        if (!d->side[i].call)
            continue;
        if (i != actor)
            set_state(d, i, LINECALLSTATE_DISCONNECTED, mode);
        set_state(d, i, LINECALLSTATE_IDLE, 0);
    }
}

/* UUI from a User-to-User value, for the party that received it. */
static void deliver_uui(struct kdlg *d, int i, const char *value)
{
    struct ot_call *c = d->side[i].call;
    if (!value || !c)
        return;
    DWORD max = ot_linedev_conf(ot_call_linedev(c))->uui_call_info;
    unsigned char *buf = malloc(max ? max : 1);
    if (!buf)
        return;
    size_t n = 0;
    enum ot_sip_uui_result r = ot_sip_uui_parse(value, buf, max, &n);
    if (r == OT_SIP_UUI_OK && n)
        ot_ev_call_uui(c, buf, (DWORD)n);
    else if (K.logging && r != OT_SIP_UUI_OK)
        ot_log("kamailio: call %u: User-to-User ignored (%s)", (unsigned)ot_call_id(c),
               r == OT_SIP_UUI_TOOBIG ? "larger than dwUUICallInfoSize"
                                      : r == OT_SIP_UUI_NONE ? "another package" : "malformed");
    free(buf);
}

/* The Q.850 cause of a Reason value ("Q.850;cause=16;text=..."), or -1. */
static int reason_cause(const char *v)
{
    if (!v)
        return -1;
    /* several reasons may be comma-separated: the Q.850 one counts */
    char buf[256];
    while (*v) {
        size_t n = strcspn(v, ",");
        if (n < sizeof(buf)) {
            memcpy(buf, v, n);
            buf[n] = '\0';
            char *semi = strchr(buf, ';');
            char *proto = buf;
            while (*proto == ' ' || *proto == '\t')
                proto++;
            if (semi) {
                *semi = '\0';
                char *e = semi;
                while (e > proto && (e[-1] == ' ' || e[-1] == '\t'))
                    *--e = '\0';
                char *p = semi + 1;
                while (p && *p) {
                    while (*p == ' ' || *p == '\t')
                        p++;
                    char *next = strchr(p, ';');
                    if (next)
                        *next++ = '\0';
                    if (!strncasecmp(p, "cause=", 6)) {
                        char *c = p + 6;
                        c[strcspn(c, " \t")] = '\0';
                        int q = ot_sip_q850_cause(proto, c);
                        if (q >= 0)
                            return q;
                    }
                    p = next;
                }
            }
        }
        v += n;
        if (*v == ',')
            v++;
    }
    return -1;
}

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool jint(json_t *o, const char *key, long long *out)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        return false;
    *out = json_integer_value(v);
    return true;
}

/* A display name without its quotes (Kamailio's $fn keeps them). */
static void unquote(const char *s, char *out, size_t n)
{
    size_t len = s ? strlen(s) : 0;
    if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
        s++;
        len -= 2;
    }
    if (len >= n)
        len = n - 1;
    if (len)
        memcpy(out, s, len);
    out[len] = '\0';
}

/* A new dialog seen from its INVITE (or the dialog list); NULL when no party
 * has a line (or out of memory). */
static struct kdlg *dlg_new(const char *ci, const char *ft, const char *fu, const char *fd,
                            const char *tu, const char *td, const char *fn)
{
    struct kline *lc = find_line(fu, fd), *le = find_line(tu, td);
    if (!lc && !le)
        return NULL;
    struct kdlg *d = calloc(1, sizeof(*d));
    if (!d || !(d->ci = dupstr(ci)) || !(d->ft = dupstr(ft))) {
        if (d) {
            free(d->ci);
            free(d);
        }
        ot_log("kamailio: out of memory tracking call %s", ci);
        return NULL;
    }
    d->born_sync = K.sync_gen;
    d->side[0].d = d->side[1].d = d;
    d->side[0].line = lc;
    d->side[1].line = le;
    ot_list_add_tail(&K.dlgs, &d->link);
    cnt_add(&cnt.dialogs, 1);
    char name[128];
    unquote(fn, name, sizeof(name));
    for (int i = 0; i < 2; i++) {
        struct kline *l = d->side[i].line;
        if (!l)
            continue;
        struct ot_call *c = ot_ev_new_call(l->ld, 0,
                                           i == 0 ? LINECALLORIGIN_OUTBOUND
                                                  : LINECALLORIGIN_INBOUND,
                                           &d->side[i]);
        if (!c) {
            ot_log("kamailio: out of memory offering call %s on line %u", ci,
                   (unsigned)ot_linedev_id(l->ld));
            continue;
        }
        d->side[i].call = c;
        ot_ev_call_party(c, OT_PARTY_CALLER, fu, name[0] ? name : NULL, false);
        ot_ev_call_party(c, OT_PARTY_CALLED, tu, NULL, false);
    }
    if (d->side[0].call && d->side[1].call) {
        ot_ev_call_related(d->side[0].call, ot_call_id(d->side[1].call));
        ot_ev_call_related(d->side[1].call, ot_call_id(d->side[0].call));
    }
    return d;
}

static void dlg_connected(struct kdlg *d)
{
    if (d->phase == KP_CONFIRMED || d->phase == KP_ENDED)
        return;
    d->phase = KP_CONFIRMED;
    for (int i = 0; i < 2; i++) {
        struct ot_call *c = d->side[i].call;
        if (!c)
            continue;
        set_state(d, i, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    }
}

/* ---- events --------------------------------------------------------------------- */
static void ev_invite(json_t *o)
{
    const char *ci = jstr(o, "ci"), *ft = jstr(o, "ft");
    const char *fu = jstr(o, "fu"), *fd = jstr(o, "fd"), *tu = jstr(o, "tu"), *td = jstr(o, "td");
    if (!ci || !ft || !fu || !fd || !tu || !td) {
        cnt_add(&cnt.malformed, 1);
        return;
    }
    if (find_dlg(ci, ft))
        return; /* already known (from the dialog list) */
    struct kdlg *d = dlg_new(ci, ft, fu, fd, tu, td, jstr(o, "fn"));
    if (!d) {
        cnt_add(&cnt.unknown, 1);
        return;
    }
    const char *cseq = jstr(o, "cseq");
    if (cseq && strlen(cseq) < sizeof(d->cseq))
        strcpy(d->cseq, cseq);
    if (jint(o, "he", &d->he) && jint(o, "hi", &d->hi))
        d->has_ids = true;
    deliver_uui(d, 1, jstr(o, "uui"));
    set_state(d, 0, LINECALLSTATE_PROCEEDING, 0);
    set_state(d, 1, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE);
}

static void ev_reply(json_t *o, struct kdlg *d)
{
    long long st;
    if (!jint(o, "st", &st) || st < 100 || st > 699) {
        cnt_add(&cnt.malformed, 1);
        return;
    }
    if (d->phase == KP_ENDED) {
        if (st >= 300)
            d->await_final = false;
        dlg_maybe_free(d);
        return;
    }
    const char *uui = jstr(o, "uui");
    if (st < 200) {
        if (d->phase == KP_EARLY) {
            d->phase = KP_RINGING;
            deliver_uui(d, 0, uui);
            set_state(d, 0, LINECALLSTATE_RINGBACK, 0);
        }
        return;
    }
    if (st < 300) {
        if (d->phase == KP_CONFIRMED)
            return; /* a retransmission, or another branch */
        const char *tt = jstr(o, "tt");
        if (tt && !d->tt)
            d->tt = dupstr(tt);
        deliver_uui(d, 0, uui);
        if (d->side[0].call && d->side[1].line)
            ot_ev_call_party(d->side[0].call, OT_PARTY_CONNECTED, d->side[1].line->user, NULL,
                             true);
        else if (d->side[0].call)
            ot_ev_call_party(d->side[0].call, OT_PARTY_CONNECTED, jstr(o, "tu"), NULL, true);
        if (d->side[1].call)
            ot_ev_call_party(d->side[1].call, OT_PARTY_CONNECTED, jstr(o, "fu"), NULL, true);
        dlg_connected(d);
        return;
    }
    /* a final failure: the caller's call is DISCONNECTED with the status's
     * mode; the offer on the callee's line goes away (IDLE) */
    deliver_uui(d, 0, uui);
    DWORD mode = ot_sip_status_mode((int)st, reason_cause(jstr(o, "reason")));
    d->phase = KP_ENDED;
    d->ended_ms = now_ms();
    if (st == 486 || st == 600)
        set_state(d, 0, LINECALLSTATE_BUSY, LINEBUSYMODE_STATION);
    set_state(d, 0, LINECALLSTATE_DISCONNECTED, mode);
    set_state(d, 0, LINECALLSTATE_IDLE, 0);
    set_state(d, 1, LINECALLSTATE_IDLE, 0);
    dlg_maybe_free(d);
}

static void ev_cancel(json_t *o, struct kdlg *d)
{
    if (d->phase == KP_ENDED || d->phase == KP_CONFIRMED)
        return;
    /* the caller abandoned: its own call is IDLE, the offer goes away */
    deliver_uui(d, 1, jstr(o, "uui"));
    d->await_final = true;
    dlg_end(d, 0, LINEDISCONNECTMODE_CANCELLED);
    set_state(d, 1, LINECALLSTATE_IDLE, 0);
    dlg_maybe_free(d);
}

static void ev_bye(json_t *o, struct kdlg *d, const char *ft)
{
    if (d->phase == KP_ENDED)
        return;
    int from = !strcmp(ft, d->ft) ? 0 : 1;
    deliver_uui(d, 1 - from, jstr(o, "uui"));
    dlg_end(d, from, ot_sip_bye_mode(reason_cause(jstr(o, "reason"))));
    dlg_maybe_free(d);
}

/* Another opentapi process dropped this call through Kamailio. */
static void ev_ended(json_t *o, struct kdlg *d)
{
    if (d->phase == KP_ENDED)
        return;
    const char *uui = jstr(o, "uui");
    int cause = reason_cause(jstr(o, "reason"));
    long long st;
    if (jint(o, "st", &st) && st >= 300 && st < 700) {
        /* the caller got the final response; the offer goes away */
        deliver_uui(d, 0, uui);
        d->phase = KP_ENDED;
        d->ended_ms = now_ms();
        d->await_final = true;
        set_state(d, 0, LINECALLSTATE_DISCONNECTED, ot_sip_status_mode((int)st, cause));
        set_state(d, 0, LINECALLSTATE_IDLE, 0);
        set_state(d, 1, LINECALLSTATE_IDLE, 0);
    } else {
        deliver_uui(d, 0, uui);
        deliver_uui(d, 1, uui);
        dlg_end(d, -1, ot_sip_bye_mode(cause));
    }
    dlg_maybe_free(d);
}

static void handle_event(json_t *o)
{
    const char *ev = jstr(o, "ev"), *ci = jstr(o, "ci"), *ft = jstr(o, "ft");
    if (!ev || !ci || !ft) {
        cnt_add(&cnt.malformed, 1);
        return;
    }
    cnt_add(&cnt.events, 1);
    if (K.logging)
        ot_log("kamailio: event %s %s", ev, ci);
    if (!strcmp(ev, "invite")) {
        ev_invite(o);
        return;
    }
    const char *by = jstr(o, "by");
    if (!strcmp(ev, "ended") && by && !strcmp(by, K.tag))
        return; /* our own drop, already reported */
    /* a BYE from the callee carries the callee's tag as From tag */
    struct kdlg *d = find_dlg(ci, strcmp(ev, "bye") ? ft : NULL);
    if (d && !strcmp(ev, "bye") && strcmp(d->ft, ft) && (!d->tt || strcmp(d->tt, ft)))
        d = NULL;
    if (!d) {
        cnt_add(&cnt.unknown, 1);
        return;
    }
    if (!strcmp(ev, "reply"))
        ev_reply(o, d);
    else if (!strcmp(ev, "cancel"))
        ev_cancel(o, d);
    else if (!strcmp(ev, "bye"))
        ev_bye(o, d, ft);
    else if (!strcmp(ev, "ended"))
        ev_ended(o, d);
    else if (!strcmp(ev, "ack")) {
        /* the ACK of a 2xx: the call is up even if its 2xx went unseen */
        if (d->phase != KP_ENDED)
            dlg_connected(d);
        if (!d->acked) {
            d->acked = true;
            release_held(d);
        }
    }
    else
        cnt_add(&cnt.malformed, 1);
}

/* ---- RPC results ---------------------------------------------------------------- */
static void learn(json_t *item)
{
    const char *ci = jstr(item, "call-id");
    json_t *caller = json_object_get(item, "caller"), *callee = json_object_get(item, "callee");
    const char *ft = json_is_object(caller) ? jstr(caller, "tag") : NULL;
    long long state, he, hi;
    if (!ci || !ft || !jint(item, "state", &state) || !jint(item, "h_entry", &he) ||
        !jint(item, "h_id", &hi)) {
        cnt_add(&cnt.malformed, 1);
        return;
    }
    if (state < 1 || state > 4)
        return; /* deleted */
    struct kdlg *d = find_dlg(ci, ft);
    if (d) {
        d->listed = true;
        if (state >= 3 && d->phase != KP_ENDED)
            dlg_connected(d);
        if (state == 4 && !d->acked) {
            d->acked = true;
            release_held(d);
        }
        return;
    }
    char fu[128], fd[256], tu[128], td[256];
    if (split_uri(jstr(item, "from_uri"), fu, sizeof(fu), fd, sizeof(fd)) ||
        split_uri(jstr(item, "to_uri"), tu, sizeof(tu), td, sizeof(td)))
        return; /* not a user's dialog */
    d = dlg_new(ci, ft, fu, fd, tu, td, NULL);
    if (!d)
        return;
    d->listed = true;
    d->he = he;
    d->hi = hi;
    d->has_ids = true;
    const char *cseq = jstr(caller, "cseq");
    if (cseq && strlen(cseq) < sizeof(d->cseq))
        strcpy(d->cseq, cseq);
    const char *tt = json_is_object(callee) ? jstr(callee, "tag") : NULL;
    if (tt && *tt)
        d->tt = dupstr(tt);
    cnt_add(&cnt.learned, 1);
    d->acked = state == 4;
    if (state >= 3) {
        set_state(d, 0, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        set_state(d, 1, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        d->phase = KP_CONFIRMED;
    } else {
        d->phase = state == 2 ? KP_RINGING : KP_EARLY;
        set_state(d, 0, state == 2 ? LINECALLSTATE_RINGBACK : LINECALLSTATE_PROCEEDING, 0);
        set_state(d, 1, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE);
    }
}

static void set_service(bool in)
{
    for (unsigned i = 0; i < K.nlines; i++)
        ot_ev_line_link(K.lines[i].ld, in);
    cnt_service(in);
}

static void sync_done(json_t *result)
{
    unsigned gen = K.sync_gen; /* dialogs born since the list was asked for have this */
    struct ot_list *pos, *tmp;
    for (pos = K.dlgs.next; pos != &K.dlgs; pos = pos->next)
        ot_container_of(pos, struct kdlg, link)->listed = false;
    size_t i;
    json_t *item;
    json_array_foreach(result, i, item)
    {
        if (json_is_object(item))
            learn(item);
    }
    /* dialogs known before the list was asked for and missing from it ended
     * while we could not see them */
    ot_list_foreach_safe(pos, tmp, &K.dlgs)
    {
        struct kdlg *d = ot_container_of(pos, struct kdlg, link);
        if (!d->listed && d->born_sync < gen && d->phase != KP_ENDED) {
            d->await_final = false;
            dlg_end(d, -1, LINEDISCONNECTMODE_UNKNOWN);
            dlg_maybe_free(d);
        }
    }
    K.synced = true;
    cnt_add(&cnt.connects, 1);
    set_service(true);
}

static void drop_done(struct kdrop *op)
{
    struct kdlg *d = op->d;
    int me = op->side, other = 1 - op->side;
    if (d->phase == KP_ENDED) {
        /* ended on its own meanwhile: nothing more to report */
        set_state(d, me, LINECALLSTATE_IDLE, 0);
        return;
    }
    if (d->side[other].call && op->uui_len)
        ot_ev_call_uui(d->side[other].call, op->uui, op->uui_len);
    if (op->status) {
        d->await_final = true;
        dlg_end(d, me, ot_sip_status_mode(op->status, op->cause));
    } else
        dlg_end(d, me, LINEDISCONNECTMODE_NORMAL);
}

/* The application's answer (once). */
static void op_answer(struct kdrop *op, LONG result)
{
    if (op->req)
        ot_req_complete(op->req, result);
    op->req = NULL;
}

/* A request of op is over (answered, failed, or never sent). */
static void op_rpc_done(struct kdrop *op)
{
    if (--op->outstanding)
        return;
    op_answer(op, op->failed ? LINEERR_OPERATIONFAILED : 0);
    if (op->d->drop == op)
        op->d->drop = NULL;
    free(op->hdrs);
    free(op->uui);
    free(op);
}

static struct krpc *op_rpc_doc(struct kdrop *op, enum krpc_kind kind, const char *method,
                               json_t *params, bool hold, json_t *extra)
{
    struct krpc *r = rpc_send_doc(kind, method, params, hold, extra);
    if (!r)
        return NULL;
    r->op = op;
    op->outstanding++;
    op->d->rpc_pending++;
    return r;
}

static struct krpc *op_rpc(struct kdrop *op, enum krpc_kind kind, const char *method,
                           json_t *params, bool hold)
{
    return op_rpc_doc(op, kind, method, params, hold, NULL);
}

/* The "ended" event of a drop, which Kamailio relays to the other opentapi
 * processes once its last command succeeded: the final status sent to the
 * caller (a rejection), or none (BYEs), with the drop's UUI and Reason. */
static json_t *ended_event(const struct kdrop *op)
{
    char reason[40];
    snprintf(reason, sizeof(reason), "Q.850;cause=%d", op->cause);
    json_t *e = json_pack("{s:s, s:s, s:s, s:s, s:s}", "ev", "ended", "ci", op->d->ci, "ft",
                          op->d->ft, "by", K.tag, "reason", reason);
    if (e && op->status)
        json_object_set_new(e, "st", json_integer(op->status));
    char *u = op->uui_len ? ot_sip_uui_header(op->uui, op->uui_len) : NULL;
    const char *colon = u ? strchr(u, ':') : NULL;
    if (e && colon)
        json_object_set_new(e, "uui", json_string(colon + 2));
    free(u);
    return e;
}

/* r is answered or given up: forgotten, and its drop told. */
static void rpc_done(struct krpc *r)
{
    struct kdrop *op = r->op;
    struct kdlg *d = op ? op->d : NULL;
    rpc_free(r);
    if (!op)
        return;
    d->rpc_pending--;
    op_rpc_done(op);
    dlg_maybe_free(d);
}

/* "<sip:a;lr>,<sip:b;lr>": the first URI, or "." when the set is empty. */
static void first_route(const char *set, char *out, size_t n)
{
    const char *lt = set ? strchr(set, '<') : NULL, *gt = lt ? strchr(lt, '>') : NULL;
    if (!lt || !gt || (size_t)(gt - lt - 1) >= n) {
        snprintf(out, n, ".");
        return;
    }
    memcpy(out, lt + 1, (size_t)(gt - lt - 1));
    out[gt - lt - 1] = '\0';
}

/* One BYE within the dialog, from the leg `from` to the leg `to` (objects of
 * dlg.dlg_list: tag, contact, cseq, route_set, socket). */
static bool send_bye(struct kdrop *op, const char *ci, const char *from_uri, json_t *from,
                     const char *to_uri, json_t *to)
{
    const char *ftag = jstr(from, "tag"), *cseq = jstr(from, "cseq"), *ttag = jstr(to, "tag");
    const char *contact = jstr(to, "contact"), *routes = jstr(to, "route_set");
    const char *sock = jstr(to, "socket");
    if (!ftag || !ttag || !contact || !*contact)
        return false;
    char *end;
    unsigned long n = cseq ? strtoul(cseq, &end, 10) : 0;
    char hop[512];
    first_route(routes, hop, sizeof(hop));
    size_t len = strlen(from_uri) + strlen(to_uri) + strlen(ftag) + strlen(ttag) + strlen(ci) +
                 (routes ? strlen(routes) : 0) + strlen(op->hdrs) + 160;
    char *h = malloc(len);
    if (!h)
        return false;
    snprintf(h, len,
             "From: <%s>;tag=%s\r\nTo: <%s>;tag=%s\r\nCall-ID: %s\r\nCSeq: %lu BYE\r\n"
             "%s%s%sMax-Forwards: 70\r\n%s",
             from_uri, ftag, to_uri, ttag, ci, n + 1, routes && *routes ? "Route: " : "",
             routes && *routes ? routes : "", routes && *routes ? "\r\n" : "", op->hdrs);
    json_t *params = json_pack("[s,s,s,s,s]", "BYE", contact, hop,
                               sock && *sock ? sock : ".", h);
    free(h);
    return params && op_rpc(op, RPC_BYE, "tm.t_uac_start", params, false);
}

/* The dialog's data came: a BYE to each phone. */
static void send_byes(struct kdrop *op, json_t *result)
{
    json_t *dl = json_is_array(result) ? json_array_get(result, 0) : result;
    const char *ci = json_is_object(dl) ? jstr(dl, "call-id") : NULL;
    const char *fu = ci ? jstr(dl, "from_uri") : NULL, *tu = ci ? jstr(dl, "to_uri") : NULL;
    json_t *caller = ci ? json_object_get(dl, "caller") : NULL;
    json_t *callee = ci ? json_object_get(dl, "callee") : NULL;
    if (!fu || !tu || !json_is_object(caller) || !json_is_object(callee) ||
        !send_bye(op, ci, fu, caller, tu, callee) || !send_bye(op, ci, tu, callee, fu, caller)) {
        ot_log("kamailio: call %s: cannot build the BYEs from the dialog's data", op->d->ci);
        op->failed = true;
    }
}

/* The response of a rejection (tm.reply_callid), or NULL. */
static struct krpc *send_reject(struct kdrop *op)
{
    struct kdlg *d = op->d;
    char tag[40];
    snprintf(tag, sizeof(tag), "ot%lx.%lu", (unsigned long)getpid(), ++K.next_tag);
    json_t *params = json_pack("[i,s,s,s,s,s]", op->status,
                               op->status == 603 ? "Decline" : "Request Terminated", d->ci,
                               d->cseq, tag, op->hdrs);
    return params ? op_rpc_doc(op, RPC_REJECT, "tm.reply_callid", params, false,
                               ended_event(op))
                  : NULL;
}

/* dlg.dlg_list of an offered call, before it is rejected: tm answers the
 * caller and kills the callee's branch without a CANCEL when that branch has
 * no provisional response yet; so the rejection waits until the dialog
 * module has seen the phone ring (state 2, early), asking again every
 * 20 ms, at most 50 times (then it goes anyway). */
static void reject_when_ringing(struct kdrop *op, json_t *result)
{
    json_t *dl = json_is_array(result) ? json_array_get(result, 0) : result;
    long long state = 0;
    if (!json_is_object(dl) || !jint(dl, "state", &state)) {
        op->failed = true;
        return;
    }
    if (state >= 2 || ++op->checks > 50) {
        if (!send_reject(op))
            op->failed = true;
        return;
    }
    struct kdlg *d = op->d;
    json_t *params = json_pack("[s,s]", d->ci, d->ft);
    struct krpc *r = params ? op_rpc(op, RPC_EARLYCHECK, "dlg.dlg_list", params, true) : NULL;
    if (!r) {
        op->failed = true;
        return;
    }
    r->send_at_ms = now_ms() + 20;
    r->deadline_ms = r->send_at_ms + K.rpc_timeout_ms;
}

static void handle_rpc_reply(json_t *o)
{
    long long id;
    if (!jint(o, "id", &id)) {
        cnt_add(&cnt.malformed, 1);
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
        cnt_add(&cnt.rpc_late, 1);
    if (!r)
        return;
    json_t *err = json_object_get(o, "error");
    json_t *result = json_object_get(o, "result");
    bool ok = !err && result;
    if (!ok && !r->timed_out) {
        cnt_add(&cnt.rpc_failed, 1);
        json_t *m = json_is_object(err) ? json_object_get(err, "message") : NULL;
        ot_log("kamailio: RPC %lld failed: %s", id, json_is_string(m) ? json_string_value(m)
                                                                     : "no result");
    }
    if (r->kind == RPC_SYNC) {
        if (ok && json_is_array(result))
            sync_done(result);
        else {
            /* without the list the lines cannot be trusted: try again later */
            ot_log("kamailio: dialog list refused; reconnecting");
            shutdown(K.fd, SHUT_RDWR);
        }
        rpc_free(r);
        return;
    }
    struct kdrop *op = r->op;
    if (op) {
        if (!ok)
            op->failed = true;
        if (!op->failed && r->kind == RPC_DLGINFO)
            send_byes(op, result);
        else if (!op->failed && r->kind == RPC_EARLYCHECK)
            reject_when_ringing(op, result);
        else if (!op->failed && r->kind == RPC_REJECT)
            drop_done(op);
        else if (!op->failed && r->kind == RPC_BYE && op->outstanding == 1) {
            /* both BYEs are out: the call is over; Kamailio forgets the dialog */
            drop_done(op);
            struct kdlg *d = op->d;
            json_t *params = d->tt ? json_pack("[s,s,s,i]", d->ci, d->ft, d->tt, 5) : NULL;
            if (params)
                rpc_send_doc(RPC_SETSTATE, "dlg.set_state", params, false, ended_event(op));
        }
    }
    rpc_done(r);
}

static void handle_message(const char *msg, size_t len)
{
    json_error_t e;
    json_t *o = json_loadb(msg, len, 0, &e);
    if (!json_is_object(o)) {
        cnt_add(&cnt.malformed, 1);
        if (K.logging)
            ot_log("kamailio: not a JSON object: %s", e.text);
        json_decref(o);
        return;
    }
    if (json_object_get(o, "jsonrpc"))
        handle_rpc_reply(o);
    else
        handle_event(o);
    json_decref(o);
}

/* ---- the connection ------------------------------------------------------------- */
/* r failed (no answer in time, or the connection went): its drop fails now.
 * keep: r stays for its late answer (which only counts and frees). */
static void fail_rpc(struct krpc *r, const char *why, bool keep)
{
    if (!r->timed_out) {
        cnt_add(&cnt.rpc_failed, 1);
        ot_log("kamailio: RPC %lld %s", r->id, why);
    }
    r->timed_out = true;
    if (r->op) {
        r->op->failed = true;
        op_answer(r->op, LINEERR_OPERATIONFAILED);
    }
    if (!keep)
        rpc_done(r);
}

static void disconnect(const char *why)
{
    if (K.fd >= 0) {
        close(K.fd);
        K.fd = -1;
        cnt_add(&cnt.disconnects, 1);
        ot_log("kamailio: connection to %s lost (%s)", K.addr_text, why);
    }
    K.connecting = false;
    K.synced = false;
    K.out_len = 0;
    K.in_len = 0;
    while (!ot_list_empty(&K.rpcs))
        fail_rpc(ot_container_of(K.rpcs.next, struct krpc, link), "not answered: disconnected",
                 false);
    set_service(false);
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
            cnt_add(&cnt.malformed, 1);
            disconnect("not a netstring");
            return;
        }
        size_t start = off + digits + 1;
        if (K.in_len < start + n + 1)
            break;
        if (K.in[start + n] != ',') {
            cnt_add(&cnt.malformed, 1);
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
                rpc_free(r);
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
            dlg_maybe_free(d);
        }
    }
    if (K.fd < 0 && K.next_connect_ms < next)
        next = K.next_connect_ms;
    return next;
}

static void *kam_thread(void *arg)
{
    (void)arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    for (;;) {
        ot_lock();
        if (atomic_load(&stopping)) {
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
        if (!atomic_load(&stopping) && K.fd == p[1].fd) {
            if (K.connecting && (p[1].revents & (POLLOUT | POLLERR | POLLHUP)))
                connected();
            else if (p[1].revents & (POLLIN | POLLERR | POLLHUP))
                read_input();
        }
        ot_unlock();
    }
    return NULL;
}

/* ---- operations ------------------------------------------------------------------ */
static char *uui_and_reason(const void *uui, DWORD len, int cause)
{
    char *u = len ? ot_sip_uui_header(uui, len) : NULL;
    if (len && !u)
        return NULL;
    size_t n = (u ? strlen(u) + 2 : 0) + 40;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%sReason: Q.850;cause=%d\r\n", u ? u : "", u ? "\r\n" : "", cause);
    free(u);
    return s;
}

static LONG kam_drop(struct ot_req *req, struct ot_call *c, const void *uui, DWORD len)
{
    struct kside *s = ot_call_drv(c);
    if (!s)
        return LINEERR_INVALCALLSTATE;
    struct kdlg *d = s->d;
    int me = (int)(s - d->side);
    if (d->phase == KP_ENDED) {
        ot_ev_call_state(c, LINECALLSTATE_IDLE, 0);
        ot_req_complete(req, 0);
        return 0;
    }
    if (!K.synced)
        return LINEERR_OPERATIONFAILED; /* Kamailio out of reach: nothing was done */
    if (d->drop)
        return LINEERR_INVALCALLSTATE; /* a drop is on its way */
    const struct ot_line_conf *cf = ot_linedev_conf(ot_call_linedev(c));
    struct kdrop *op = calloc(1, sizeof(*op));
    if (!op)
        return LINEERR_NOMEM;
    op->d = d;
    op->side = me;
    op->cause = OT_SIP_Q850_NORMAL;
    LONG rc = LINEERR_NOMEM;
    if (d->phase != KP_CONFIRMED) {
        /* not answered yet: the proxy answers the caller itself, and cancels
         * the ringing branch.  On the callee's line that is a rejection
         * (603), on the caller's an abandon (487). */
        rc = LINEERR_OPERATIONUNAVAIL;
        if (me == 1 && !cf->can_reject)
            goto fail;
        rc = LINEERR_OPERATIONFAILED;
        if (!d->cseq[0])
            goto fail;
        op->status = me == 1 ? 603 : 487;
        op->cause = me == 1 ? 21 : OT_SIP_Q850_NORMAL;
    }
    rc = LINEERR_NOMEM;
    op->hdrs = uui_and_reason(uui, len, op->cause);
    if (!op->hdrs || (len && !(op->uui = malloc(len))))
        goto fail;
    if (len)
        memcpy(op->uui, uui, len);
    op->uui_len = len;
    /* both start with the dialog's data: a rejection to see whether the
     * phone rings yet, a drop for the BYEs */
    json_t *params = json_pack("[s,s]", d->ci, d->ft);
    rc = LINEERR_OPERATIONFAILED;
    if (!params || !op_rpc(op, op->status ? RPC_EARLYCHECK : RPC_DLGINFO, "dlg.dlg_list", params,
                           !op->status && !d->acked))
        goto fail;
    op->req = req;
    d->drop = op;
    return 0;
fail:
    free(op->hdrs);
    free(op->uui);
    free(op);
    return rc;
}

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
        op_answer(d->drop, 0);
    dlg_maybe_free(d);
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
        rpc_free(r);
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
        dlg_free(d);
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
    cnt_service(false);
    atomic_store(&stopping, false);
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
        atomic_store(&stopping, true);
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
    cnt_service(false);
}

const struct ot_provider ot_kamailio_provider = {
    .size = sizeof(struct ot_provider),
    .name = "kamailio",
    .start = kam_start,
    .stop = kam_stop,
    .drop = kam_drop,
    .close_call = kam_close_call,
    .live_calls = kam_live_calls,
};
