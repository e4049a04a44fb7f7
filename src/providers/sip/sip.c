/* The SIP provider ("sip"): every [line] with provider = sip is one SIP user
 * agent (a Sofia-SIP nua_t bound to its own address), and TAPI calls on it
 * are SIP dialogs.  This file owns the provider thread, the NUA callback and
 * the provider operations; the mapping tables are in sipmap.c, the line
 * configuration in sipconf.c, the reasons in docs/sip.md.
 *
 * Threads.  One provider thread runs one su_root; every nua_t is created on
 * it, so NUA delivers every event there (NUA's own protocol engine runs on a
 * thread of its own, one per nua_t).  Provider operations run on application
 * threads with the core lock held; they never block: nua_invite, nua_respond,
 * nua_bye, nua_cancel and nua_info are message posts to the engine.  The
 * callback takes the core lock for the whole event and reports through
 * ot_ev_* / ot_req_complete.
 *
 * Invariants: a struct sip_call lives while the core holds its call (until
 * close_call) or NUA holds its handle (until the dialog is terminated and the
 * handle destroyed, on the provider thread only).  A TAPI call that went IDLE
 * because of lineDrop may still have a dialog finishing (BYE in flight); it
 * is reported to nobody. */
#define _GNU_SOURCE /* malloc_trim */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sipint.h"
#include "siptrace.h"

/* Sofia's module logs (exported data of libsofia-sip-ua). */
extern su_log_t nua_log[];
extern su_log_t nta_log[];
extern su_log_t tport_log[];

static struct {
    struct sip_line *lines;
    unsigned nlines;
    unsigned live_calls;
    su_root_t *root;
    pthread_t thread;
    /* overload control ([sip] max_calls, max_invite_rate): a token bucket of
     * one second's worth of INVITEs, in thousandths, on the core clock */
    unsigned max_calls, max_rate;
    uint64_t rate_tokens, rate_ms;
    unsigned long invites;    /* INVITEs that started a call, admitted or refused */
    unsigned long trim_seen, trim_acc; /* invites at the last tick, since the last trim */
    unsigned trim_more;                /* ticks that trim again after a burst's first trim */
    su_timer_t *trim_timer;
} S;

/* The provider thread runs "detached" from the core while the provider is
 * being torn down (stop, or a failed start): its callbacks then take no core
 * lock and report nothing.  Written before the teardown starts, read by the
 * callbacks before and after they take the lock. */
static atomic_bool detached;
/* Lines stop() is unregistering, and dialogs whose BYE waits for the ACK
 * of our 200 OK (stop_wait); when both are 0 the shutdown starts, or when
 * stop() stops waiting (STOP_ACK_WAIT_MS). */
static atomic_uint unregs_pending;
static atomic_uint acks_pending;
static atomic_bool shutdown_started;
static pthread_mutex_t stop_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stop_cv;
static pthread_once_t stop_once = PTHREAD_ONCE_INIT;
/* How long stop() waits for ACKs before nua_shutdown (which sends its BYE at
 * once): the 200 OK is retransmitted at 0.5, 1.5 and 3.5 s. */
#define STOP_ACK_WAIT_MS 4000

/* start() waits for the provider thread to have created its user agents. */
static pthread_mutex_t init_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t init_cv = PTHREAD_COND_INITIALIZER;
static int init_state; /* 0 pending, 1 running, -1 failed */

/* ---- counters -------------------------------------------------------------- */
static pthread_mutex_t cnt_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cnt_cv;
static pthread_once_t cnt_once = PTHREAD_ONCE_INIT;
static struct ot_sip_counters cnt;

static void cnt_init(void)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&cnt_cv, &ca);
    pthread_condattr_destroy(&ca);
}

static void cnt_add(unsigned long *field, long delta)
{
    pthread_once(&cnt_once, cnt_init);
    pthread_mutex_lock(&cnt_mu);
    *field += (unsigned long)delta;
    pthread_cond_broadcast(&cnt_cv);
    pthread_mutex_unlock(&cnt_mu);
}

static void cnt_set(unsigned long *field, unsigned long value)
{
    pthread_once(&cnt_once, cnt_init);
    pthread_mutex_lock(&cnt_mu);
    *field = value;
    pthread_cond_broadcast(&cnt_cv);
    pthread_mutex_unlock(&cnt_mu);
}

struct ot_sip_counters *sip_counters(void) { return &cnt; }
void sip_count(unsigned long *field) { cnt_add(field, 1); }

void ot_sip_counters_get(struct ot_sip_counters *out)
{
    pthread_mutex_lock(&cnt_mu);
    *out = cnt;
    pthread_mutex_unlock(&cnt_mu);
}

void ot_sip_counters_reset(void)
{
    pthread_mutex_lock(&cnt_mu);
    cnt.uui_malformed = cnt.uui_oversized = cnt.uui_foreign = cnt.register_failed =
        cnt.infos_received = cnt.refer_refused = cnt.replaces_unmatched = cnt.refers_received =
            cnt.dtmf_received = cnt.dtmf_malformed = 0;
    pthread_mutex_unlock(&cnt_mu);
}

void sip_count_dtmf(bool ok) { cnt_add(ok ? &cnt.dtmf_received : &cnt.dtmf_malformed, 1); }

bool ot_sip_counters_wait(bool (*pred)(const struct ot_sip_counters *, void *), void *arg,
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

/* ---- logging ----------------------------------------------------------------- */
static bool sofia_log_on;
static bool trace_on; /* TPTAG_LOG: Sofia logs every message, for siptrace.c */

static void sofia_logger(void *stream, char const *fmt, va_list ap)
{
    (void)stream;
    if (sip_trace_feed(fmt, ap))
        return; /* a SIP message, for the trace */
    if (sofia_log_on)
        vfprintf(stderr, fmt, ap);
}

static void setup_logs(void)
{
    int lv = sip_log_level(ot_setting("sip", "log_level")); /* checked: 0..9 or absent */
    unsigned level = lv > 0 ? (unsigned)lv : 0;
    sofia_log_on = level > 0;
    su_log_t *logs[] = {su_log_default, nua_log, nta_log, tport_log};
    for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
        su_log_redirect(logs[i], sofia_logger, NULL);
        su_log_set_level(logs[i], level);
    }
}

/* ---- calls --------------------------------------------------------------------- */
static struct sip_call *sc_new(struct sip_line *l, struct ot_call *c, bool incoming)
{
    struct sip_call *sc = calloc(1, sizeof(*sc));
    if (!sc)
        return NULL;
    sc->line = l;
    sc->call = c;
    sc->incoming = incoming;
    ot_list_init(&sc->infos);
    sip_hold_init(sc);
    sip_forward_init(sc);
    sip_ring_init(sc);
    sip_xfer_init(sc);
    ot_list_add_tail(&l->calls, &sc->link);
    S.live_calls++;
    l->ncalls++;
    return sc;
}

/* p->conf_consult = k, and k->consult_for = p (no search for a consultation
 * call's parent when it ends). */
static void set_consult(struct sip_call *p, struct sip_call *k)
{
    if (p->conf_consult)
        p->conf_consult->consult_for = NULL;
    p->conf_consult = k;
    if (k) {
        if (k->consult_for && k->consult_for != p)
            k->consult_for->conf_consult = NULL;
        k->consult_for = p;
    }
}

static void sc_free(struct sip_call *sc)
{
    sip_xfer_unlink(sc);
    if (sc->conf_consult)
        set_consult(sc, NULL);
    if (sc->consult_for)
        set_consult(sc->consult_for, NULL);
    sip_forward_done(sc);
    sip_ring_stop(sc);
    ot_list_del(&sc->link);
    if (!sc->is_parent)
        sc->line->ncalls--;
    sip_gen_free(sc);
    free(sc->late_bye_uui);
    free(sc->target);
    free(sc);
    S.live_calls--;
}

/* Freed once neither the core nor NUA knows it. */
static void sc_maybe_free(struct sip_call *sc)
{
    if (!sc->call && !sc->nh && !sc->answer_req && !sc->hold_req && !sc->xfer_req &&
        !sc->swap_req && ot_list_empty(&sc->infos))
        sc_free(sc);
}

static void sc_set_handle(struct sip_call *sc, nua_handle_t *nh)
{
    sc->nh = nh;
    cnt_add(&cnt.dialogs, 1);
}

/* Provider thread only (see sipint.h). */
static void sc_release_handle(struct sip_call *sc)
{
    if (!sc->nh)
        return;
    nua_handle_destroy(sc->nh);
    sc->nh = NULL;
    cnt_add(&cnt.dialogs, -1);
}

/* Requests still waiting for the network fail when the call moves on. */
static void sc_fail_requests(struct sip_call *sc, LONG result)
{
    if (sc->answer_req) {
        struct ot_req *r = sc->answer_req;
        sc->answer_req = NULL;
        ot_req_complete(r, result);
    }
    if (sc->hold_req) { /* its re-INVITE's answer is not waited for */
        struct ot_req *r = sc->hold_req;
        sc->hold_req = NULL;
        ot_req_complete(r, result);
    }
    sip_swap_fail(sc, result);
    while (!ot_list_empty(&sc->infos)) {
        struct sip_pending *p = ot_container_of(sc->infos.next, struct sip_pending, link);
        ot_list_del(&p->link);
        struct ot_req *r = p->req;
        free(p);
        if (r)
            ot_req_complete(r, result);
        else
            sip_dtmf_response(sc, 500); /* the generation ends (CANCEL) */
    }
    sip_xfer_fail(sc, result);
}

/* ---- reading messages ------------------------------------------------------------ */
static int reason_q850(const sip_t *sip)
{
    if (!sip)
        return -1;
    for (const sip_reason_t *re = sip->sip_reason; re; re = re->re_next) {
        int q = ot_sip_q850_cause(re->re_protocol, re->re_cause);
        if (q >= 0)
            return q;
    }
    return -1;
}

/* The User-to-User of a received message, into the call's LINECALLINFO.
 * Malformed or oversized values are dropped whole, counted and logged; an
 * oversized one also leaves its text in DevSpecific (sipuui.c).  True when
 * one was dropped for its size. */
static bool report_uui(struct sip_call *sc, const sip_t *sip)
{
    if (!sip || !sc->call)
        return false;
    DWORD limit = sc->line->cf->uui_call_info;
    bool foreign = false;
    for (const sip_unknown_t *u = sip->sip_unknown; u; u = u->un_next) {
        if (!u->un_name || strcasecmp(u->un_name, "User-to-User") != 0)
            continue;
        unsigned char *buf = malloc(limit ? limit : 1);
        size_t n = 0;
        if (!buf) {
            ot_logc(OT_CAT_SIP, OTLOG_ERROR, "out of memory reading UUI of call %u",
                    (unsigned)ot_call_id(sc->call));
            return false;
        }
        enum ot_sip_uui_result r = ot_sip_uui_parse(u->un_value, buf, limit, &n);
        if (r == OT_SIP_UUI_OK)
            ot_ev_call_uui(sc->call, buf, (DWORD)n);
        else if (r == OT_SIP_UUI_MALFORMED) {
            ot_logc(OT_CAT_SIP, OTLOG_WARN, "call %u: malformed User-to-User ignored",
                    (unsigned)ot_call_id(sc->call));
            cnt_add(&cnt.uui_malformed, 1); /* after the record: a test that sees it finds both */
        } else if (r == OT_SIP_UUI_TOOBIG) {
            ot_logc(OT_CAT_SIP, OTLOG_WARN,
                    "call %u: User-to-User larger than dwUUICallInfoSize (%u) ignored",
                    (unsigned)ot_call_id(sc->call), (unsigned)limit);
            cnt_add(&cnt.uui_oversized, 1);
            sip_uui_dropped(sc->call, n, limit);
        }
        free(buf);
        if (r != OT_SIP_UUI_NONE)
            return r == OT_SIP_UUI_TOOBIG;
        /* Not TAPI's: counted once per message below, unless a later
         * User-to-User header is. */
        foreign = true;
    }
    if (foreign) {
        cnt_add(&cnt.uui_foreign, 1);
        ot_logc(OT_CAT_SIP, OTLOG_INFO, "call %u: User-to-User of another package ignored",
               (unsigned)ot_call_id(sc->call));
    }
    return false;
}

static void party_from_addr(struct ot_call *c, enum ot_party which, const sip_addr_t *a,
                            bool notify)
{
    if (!a || !c)
        return;
    char name[128] = "";
    if (a->a_display) {
        /* Display names arrive quoted or as tokens. */
        const char *d = a->a_display;
        size_t n = strlen(d);
        if (n >= 2 && d[0] == '"' && d[n - 1] == '"')
            d++, n -= 2;
        if (n >= sizeof(name))
            n = sizeof(name) - 1;
        memcpy(name, d, n);
        name[n] = '\0';
    }
    const char *number = a->a_url->url_user ? a->a_url->url_user : a->a_url->url_host;
    ot_ev_call_party(c, which, number, name[0] ? name : NULL, notify);
}

/* ---- sending -------------------------------------------------------------------- */
#define SDP_TAGS(l) SIPTAG_CONTENT_TYPE_STR("application/sdp"), SIPTAG_PAYLOAD_STR((l)->sdp)

static LONG uui_header(const void *uui, DWORD len, char **out)
{
    *out = NULL;
    if (!uui || !len)
        return 0;
    *out = ot_sip_uui_header(uui, len);
    return *out ? 0 : LINEERR_NOMEM;
}

/* Posts the INVITE of an outgoing call (provider operation context), with a
 * Replaces header when replaces is not NULL (a transfer, sipxfer.c). */
static LONG sc_invite(struct sip_call *sc, const char *dest, const void *uui, DWORD len,
                      const char *replaces)
{
    struct sip_line *l = sc->line;
    char *target = sp_target(l, dest);
    if (!target)
        return LINEERR_INVALADDRESS;
    char *hdr;
    LONG rc = uui_header(uui, len, &hdr);
    if (rc) {
        free(target);
        return rc;
    }
    size_t tl = strlen(target) + 3;
    char *to = malloc(tl);
    nua_handle_t *nh = to ? nua_handle(l->nua, sc, NUTAG_URL(target), TAG_END()) : NULL;
    if (!nh) {
        free(to);
        free(target);
        free(hdr);
        return LINEERR_NOMEM;
    }
    snprintf(to, tl, "<%s>", target);
    sc_set_handle(sc, nh);
    sc->phase = PH_CALLING;
    nua_invite(nh, SIPTAG_TO_STR(to), SDP_TAGS(l), TAG_IF(hdr, SIPTAG_HEADER_STR(hdr)),
               TAG_IF(replaces, SIPTAG_REPLACES_STR(replaces)), TAG_END());
    free(to);
    free(sc->target);
    sc->target = target; /* a transfer's Refer-To */
    free(hdr);
    return 0;
}

#define REASON_NORMAL "Q.850;cause=16" /* normal call clearing */

/* The BYE that was held back: after a 2xx that crossed our CANCEL, or after
 * the ACK of a 200 OK the application dropped before it came.  It carries
 * the drop's User-to-User and the normal-clearing Reason. */
static void sc_late_bye(struct sip_call *sc)
{
    nua_bye(sc->nh, SIPTAG_REASON_STR(REASON_NORMAL),
            TAG_IF(sc->late_bye_uui, SIPTAG_HEADER_STR(sc->late_bye_uui)), TAG_END());
}

/* Ends the SIP side of a call the application dropped (or let go), with the
 * UUI of the drop: CANCEL before an answer, the configured rejection of an
 * offered call, BYE on a dialog.  hdr is a User-to-User header line or NULL.
 * LINEERR_NOMEM (nothing done) when hdr cannot be kept for a later BYE. */
static LONG sc_hangup(struct sip_call *sc, const char *hdr)
{
    struct sip_line *l = sc->line;
    char reason[32];
    char *keep = NULL;
    if (hdr && (sc->phase == PH_CALLING || sc->phase == PH_ANSWERING) &&
        !(keep = ot_strdup(hdr)))
        return LINEERR_NOMEM;
    switch (sc->phase) {
    case PH_CALLING:
        nua_cancel(sc->nh, SIPTAG_REASON_STR(REASON_NORMAL),
                   TAG_IF(hdr, SIPTAG_HEADER_STR(hdr)), TAG_END());
        sc->cancelled = true;
        free(sc->late_bye_uui);
        sc->late_bye_uui = keep;
        sc->phase = PH_ENDING;
        break;
    case PH_OFFERED:
        snprintf(reason, sizeof(reason), "Q.850;cause=%d", l->reject->q850);
        nua_respond(sc->nh, l->reject->status, l->reject->phrase, SIPTAG_REASON_STR(reason),
                    TAG_IF(hdr, SIPTAG_HEADER_STR(hdr)), TAG_END());
        sc->phase = PH_ENDING;
        break;
    case PH_ANSWERING:
        /* Our 200 OK waits for its ACK, and the callee must not send BYE
         * before it (RFC 3261 13.3.1.4, 15): on_ready sends it when the ACK
         * comes.  If none comes, the dialog ends without one (on_terminated). */
        free(sc->late_bye_uui);
        sc->late_bye_uui = keep;
        sc->bye_on_ack = true;
        sc->phase = PH_ENDING;
        break;
    case PH_CONFIRMED:
        nua_bye(sc->nh, SIPTAG_REASON_STR(REASON_NORMAL), TAG_IF(hdr, SIPTAG_HEADER_STR(hdr)),
                TAG_END());
        sc->phase = PH_ENDING;
        break;
    default:
        break; /* nothing on the wire, or already ending */
    }
    return 0;
}

/* ---- conferences: one TAPI parent call holding several dialogs -------------------
 * The parent is a sip_call without a handle (is_parent); its members are the
 * calls whose core conf_parent is the parent; conf_consult is the
 * consultation call being set up for it.  Signalling only: nothing mixes
 * media.  As on the embedded switch (LINEADDRCAPFLAGS_CONFDROP), dropping the
 * parent drops every member (one BYE each); a member that leaves (dropped,
 * removed, or hung up by its far end) leaves alone, and a conference left
 * with one party reverts to a plain call (parent IDLE, the survivor
 * CONNECTED). */
static struct sip_call *conf_of(const struct sip_call *sc)
{
    struct ot_call *p = sc->call ? ot_call_conf_parent(sc->call) : NULL;
    return p ? ot_call_drv(p) : NULL;
}

/* The parent's members, from the core's list of them (no walk over the
 * line's calls). */
static unsigned conf_members(struct sip_call *parent, struct sip_call **first)
{
    unsigned n = 0;
    if (first)
        *first = NULL;
    if (!parent->call)
        return 0;
    for (struct ot_call *mc = ot_call_next_member(parent->call, NULL); mc;
         mc = ot_call_next_member(parent->call, mc)) {
        struct sip_call *m = ot_call_drv(mc);
        if (m && m != parent && m->call == mc) {
            if (!n && first)
                *first = m;
            n++;
        }
    }
    return n;
}

static struct sip_call *consult_parent(const struct sip_call *sc)
{
    return sc->consult_for && sc->consult_for->is_parent ? sc->consult_for : NULL;
}

/* Conference members on hold (the conference waits for its consultation
 * call) or off it: a re-INVITE each, as lineHold would send. */
static void conf_hold_members(struct sip_call *p, bool hold)
{
    if (!p->call)
        return;
    for (struct ot_call *mc = ot_call_next_member(p->call, NULL); mc;
         mc = ot_call_next_member(p->call, mc)) {
        struct sip_call *m = ot_call_drv(mc);
        if (m && m != p && m->call == mc)
            ot_sip_hold(m, hold, NULL); /* a member with no confirmed dialog: nothing to send */
    }
}

/* After a member or the consultation call left: reconnect, or revert. */
static void conf_check(struct sip_call *p)
{
    if (!p->call || p->dropping || ot_call_state(p->call) == LINECALLSTATE_IDLE)
        return;
    struct sip_call *first;
    unsigned n = conf_members(p, &first);
    if (p->conf_consult) {
        if (n == 0) { /* nothing left to add the consultation call to */
            set_consult(p, NULL);
            ot_ev_call_state(p->call, LINECALLSTATE_IDLE, 0);
        }
        return;
    }
    if (n >= 2) {
        if (ot_call_state(p->call) == LINECALLSTATE_ONHOLDPENDCONF) {
            conf_hold_members(p, false);
            ot_ev_call_state(p->call, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        }
        return;
    }
    ot_ev_call_state(p->call, LINECALLSTATE_IDLE, 0);
    if (n == 1) {
        /* Two parties left (this station and one): a plain call again. */
        ot_ev_call_conf_parent(first->call, NULL);
        ot_sip_hold(first, false, NULL); /* held while the conference waited */
        if (first->phase == PH_CONFIRMED)
            ot_ev_call_state(first->call, LINECALLSTATE_CONNECTED, sip_connected_mode(first));
        else if (first->phase == PH_CALLING)
            ot_ev_call_state(first->call, LINECALLSTATE_RINGBACK, 0);
    }
}

/* sc is no longer in its conference, nor its consultation call. */
static void conf_left(struct sip_call *sc)
{
    struct sip_call *p = conf_of(sc);
    if (p) {
        ot_ev_call_conf_parent(sc->call, NULL);
        conf_check(p);
        return;
    }
    p = consult_parent(sc);
    if (p) {
        set_consult(p, NULL);
        conf_check(p);
    } else if (sc->consult_for)
        sip_xfer_consult_left(sc);
}

static void sc_idle(struct sip_call *sc)
{
    if (!sc->call)
        return;
    ot_ev_call_state(sc->call, LINECALLSTATE_IDLE, 0);
    conf_left(sc);
}

/* DISCONNECTED; a call nobody owns has nobody to drop it, so it goes on to IDLE. */
static void sc_disconnect(struct sip_call *sc, DWORD mode)
{
    struct ot_call *c = sc->call;
    if (!c)
        return;
    DWORD s = ot_call_state(c);
    if (s == LINECALLSTATE_IDLE || s == LINECALLSTATE_DISCONNECTED)
        return;
    ot_ev_call_state(c, LINECALLSTATE_DISCONNECTED, mode);
    conf_left(sc);
    if (!ot_call_has_owner(c))
        ot_ev_call_state(c, LINECALLSTATE_IDLE, 0);
}

/* ---- NUA events (provider thread, core lock held) ---------------------------------- */
/* One INVITE's worth of the [sip] max_invite_rate bucket, if there is one. */
static bool rate_take(void)
{
    if (!S.max_rate)
        return true;
    uint64_t now = ot_clock_now(), cap = (uint64_t)S.max_rate * 1000u;
    if (now > S.rate_ms) {
        S.rate_tokens += (now - S.rate_ms) * S.max_rate; /* max_rate per 1000 ms */
        if (S.rate_tokens > cap)
            S.rate_tokens = cap;
    }
    S.rate_ms = now;
    if (S.rate_tokens < 1000u)
        return false;
    S.rate_tokens -= 1000u;
    return true;
}

/* Overload control, before anything is allocated for the call: over the
 * INVITE rate or the process's max_calls, 503 with Retry-After; a line that
 * has max_calls calls is busy, 486.  Never silence. */
static bool invite_admitted(struct sip_line *l, nua_handle_t *nh, const sip_t *sip)
{
    const char *retry = NULL;
    S.invites++;
    if (!rate_take())
        retry = OT_SIP_RETRY_AFTER_RATE;
    else if (S.live_calls >= S.max_calls)
        retry = OT_SIP_RETRY_AFTER_FULL;
    if (retry) {
        nua_respond(nh, SIP_503_SERVICE_UNAVAILABLE, SIPTAG_RETRY_AFTER_STR(retry),
                    SIPTAG_REASON_STR("Q.850;cause=42"), TAG_END());
        cnt_add(&cnt.refused_overload, 1);
    } else if (sip_forward_invite(l, nh, sip, l->ncalls >= l->max_calls)) {
        /* lineForward: 302 (sipredirect.c) */
    } else if (l->ncalls >= l->max_calls) {
        nua_respond(nh, SIP_486_BUSY_HERE, SIPTAG_REASON_STR("Q.850;cause=17"), TAG_END());
        cnt_add(&cnt.refused_busy, 1);
    } else
        return true;
    nua_handle_destroy(nh);
    return false;
}

/* Outgoing calls (lineMakeCall, a conference's consultation call) count
 * against the same limits as incoming INVITEs (docs/sip.md, Overload control):
 * the process at [sip] max_calls is out of resources, a line at its max_calls
 * has no call appearance left. */
static LONG outgoing_admitted(const struct sip_line *l)
{
    if (S.live_calls >= S.max_calls)
        return LINEERR_RESOURCEUNAVAIL;
    if (l->ncalls >= l->max_calls)
        return LINEERR_CALLUNAVAIL;
    return 0;
}

static void on_invite(struct sip_line *l, nua_handle_t *nh, const sip_t *sip)
{
    struct sip_call *old = NULL;
    if (!invite_admitted(l, nh, sip) || !sip_xfer_check_replaces(l, nh, sip, &old))
        return;
    struct sip_call *sc = sc_new(l, NULL, true);
    if (!sc) {
        nua_respond(nh, SIP_500_INTERNAL_SERVER_ERROR, TAG_END());
        nua_handle_destroy(nh);
        return;
    }
    nua_handle_bind(nh, sc);
    sc_set_handle(sc, nh);
    sc->phase = PH_OFFERED;
    struct ot_call *c = ot_ev_new_call(l->ld, 0, LINECALLORIGIN_EXTERNAL, sc);
    if (!c) {
        ot_logc(OT_CAT_SIP, OTLOG_ERROR, "out of memory offering a call on line %u",
                (unsigned)l->id);
        nua_respond(nh, SIP_500_INTERNAL_SERVER_ERROR, TAG_END());
        sc->phase = PH_ENDING;
        return; /* freed when NUA reports the dialog terminated */
    }
    sc->call = c;
    if (sip) {
        party_from_addr(c, OT_PARTY_CALLER, sip->sip_from, false);
        party_from_addr(c, OT_PARTY_CALLED, sip->sip_to, false);
        sip_redirect_read(c, sip); /* P-Asserted-Identity, Diversion, History-Info */
    }
    sip_xfer_incoming(sc, sip, old);
    /* UUI that came with the INVITE is in LINECALLINFO when OFFERING arrives. */
    bool dropped = report_uui(sc, sip);
    sip_hold_offer(sc, sip); /* a call that starts on hold */
    ot_ev_call_state(c, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE);
    if (dropped) /* announced once the call has handles */
        ot_ev_call_info(c, LINECALLINFOSTATE_DEVSPECIFIC);
    if (!ot_call_has_owner(c)) {
        /* Nobody could answer (the line is not open with owner privilege). */
        nua_respond(nh, SIP_480_TEMPORARILY_UNAVAILABLE, SIPTAG_REASON_STR("Q.850;cause=18"),
                    TAG_END());
        sc->phase = PH_ENDING;
        ot_ev_call_state(c, LINECALLSTATE_IDLE, 0);
    } else if (!sip_xfer_answer_replacing(sc)) {
        sip_forward_arm(sc, sip); /* lineForward on no answer */
        sip_ring_start(sc);
    }
}

bool sip_auth_reply(struct sip_line *l, nua_handle_t *nh, const sip_t *sip)
{
    if (!l->password || !sip)
        return false;
    const msg_auth_t *au = sip->sip_www_authenticate ? sip->sip_www_authenticate
                                                     : sip->sip_proxy_authenticate;
    if (!au || !au->au_scheme)
        return false;
    const char *realm = msg_params_find(au->au_params, "realm=");
    if (!realm)
        return false;
    size_t n = strlen(au->au_scheme) + strlen(realm) + strlen(l->username) +
               strlen(l->password) + 8;
    char *cred = malloc(n);
    if (!cred)
        return false;
    /* scheme:"realm":user:password; the realm parameter keeps its quotes. */
    snprintf(cred, n, "%s:%s%s%s:%s:%s", au->au_scheme, realm[0] == '"' ? "" : "\"", realm,
             realm[0] == '"' ? "" : "\"", l->username, l->password);
    nua_authenticate(nh, NUTAG_AUTH(cred), TAG_END());
    free(cred);
    return true;
}

static void on_r_invite(struct sip_call *sc, int status, const char *phrase, const sip_t *sip)
{
    struct ot_call *c = sc->call;
    if (status == 100 && sip && sip->sip_status && sip->sip_status->st_status != 100)
        return; /* NUA restarting the request (e.g. with credentials) */
    if (sc->phase == PH_ENDING) {
        if (status >= 200 && status < 300 && sc->cancelled) {
            /* A 2xx crossed our CANCEL.  NUA has sent the ACK; the BYE that
             * follows carries the UUI the application gave to lineDrop. */
            sc_late_bye(sc);
        }
        return;
    }
    if (sc->phase != PH_CALLING)
        return;
    if (status < 300 && sc->referrer)
        sip_xfer_progress(sc, status, phrase); /* NOTIFY the referrer (sipxfer.c) */
    if (status < 200) {
        if (!c)
            return;
        DWORD s = ot_call_state(c);
        if (status > 100)
            report_uui(sc, sip); /* e.g. lineAccept's UUI in a 180 */
        if (status == 180 || status == 183)
            ot_ev_call_state(c, LINECALLSTATE_RINGBACK, 0);
        else if (s == LINECALLSTATE_DIALING)
            ot_ev_call_state(c, LINECALLSTATE_PROCEEDING, 0);
        return;
    }
    if (status < 300) {
        sc->phase = PH_CONFIRMED;
        if (c) {
            report_uui(sc, sip); /* lineAnswer's UUI */
            if (sip)
                party_from_addr(c, OT_PARTY_CONNECTED, sip->sip_to, true);
            ot_ev_call_state(c, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        }
        return;
    }
    if (status == 401 || status == 407)
        sc->challenged = status;
    if ((status == 401 || status == 407) && sc->auth_tries++ < 2 &&
        sip_auth_reply(sc->line, sc->nh, sip))
        return;
    sc->phase = PH_DONE;
    if (sc->referrer)
        sip_xfer_progress(sc, status, phrase);
    if (c) {
        int q = reason_q850(sip);
        /* Sofia answers a repeated challenge for credentials it already sent
         * with its own 904 (no matching challenge): the proxy refused them,
         * which is the challenge's status for the application. */
        int st = status == 904 && sc->challenged ? sc->challenged : status;
        /* Made by our own stack (NTA flags its responses), not the peer's. */
        bool local = !sip || nta_sip_is_internal(sip);
        DWORD mode = local ? ot_sip_local_status_mode(st, phrase) : 0;
        if (!mode)
            mode = ot_sip_status_mode(st, q);
        char cause[160];
        snprintf(cause, sizeof(cause), "SIP %d %.100s%s", st, phrase ? phrase : "",
                 local ? " (local)" : "");
        ot_ev_call_cause(c, cause);
        if (st >= 300 && st < 400)
            sip_redirect_response(c, sip); /* reported, not followed */
        report_uui(sc, sip);
        if (mode == LINEDISCONNECTMODE_BUSY)
            ot_ev_call_state(c, LINECALLSTATE_BUSY,
                             status == 600 ? LINEBUSYMODE_UNKNOWN : LINEBUSYMODE_STATION);
        sc_disconnect(sc, mode);
    }
    if (status == 401 || status == 407)
        sc_release_handle(sc); /* NUA waits for credentials that will not come */
}

static void on_bye(struct sip_call *sc, const sip_t *sip)
{
    sc->bye_on_ack = false; /* the far end ended the dialog first */
    if (sc->phase == PH_ENDING || sc->phase == PH_DONE)
        return; /* our own BYE crossed it: the call is already IDLE */
    sc->phase = PH_DONE;
    if (!sc->call || sip_xfer_absorb_bye(sc))
        return;
    report_uui(sc, sip);
    sc_disconnect(sc, ot_sip_bye_mode(reason_q850(sip)));
}

static void on_cancel(struct sip_call *sc, const sip_t *sip)
{
    if (sc->phase != PH_OFFERED && sc->phase != PH_ANSWERING)
        return;
    sc->phase = PH_DONE;
    /* An answer that lost the race against the CANCEL fails. */
    sc_fail_requests(sc, LINEERR_INVALCALLSTATE);
    if (sc->call && ot_call_state(sc->call) != LINECALLSTATE_IDLE) {
        report_uui(sc, sip);
        sc_idle(sc);
    }
}

static void on_info(struct sip_call *sc, const sip_t *sip)
{
    if (!sc->call || ot_call_state(sc->call) == LINECALLSTATE_IDLE)
        return;
    if (sip_info_is_dtmf(sip)) { /* NUA answers it 200 OK, malformed or not */
        sip_count_dtmf(sip_dtmf_received(sc, sip));
        return;
    }
    cnt_add(&cnt.infos_received, 1);
    report_uui(sc, sip);
}

static void on_r_info(struct sip_call *sc, int status)
{
    if (status < 200 || ot_list_empty(&sc->infos))
        return;
    struct sip_pending *p = ot_container_of(sc->infos.next, struct sip_pending, link);
    ot_list_del(&p->link);
    struct ot_req *r = p->req;
    free(p);
    if (r)
        ot_req_complete(r, status < 300 ? 0 : LINEERR_OPERATIONFAILED);
    else
        sip_dtmf_response(sc, status);
}

static void on_ready(struct sip_call *sc)
{
    if (sc->bye_on_ack) {
        /* The ACK of a 200 OK the application dropped (or let go) before
         * it came: now the BYE it asked for. */
        sc->bye_on_ack = false;
        sc_late_bye(sc);
        return;
    }
    if (sc->phase != PH_ANSWERING)
        return;
    sc->phase = PH_CONFIRMED;
    if (sc->call) {
        ot_ev_call_state(sc->call, LINECALLSTATE_CONNECTED, sip_connected_mode(sc));
        if (sc->answer_req) {
            struct ot_req *r = sc->answer_req;
            sc->answer_req = NULL;
            ot_req_complete(r, 0);
        }
    }
    sip_xfer_on_ready(sc); /* a replacing call: the replaced one ends */
}

/* The dialog is over on the SIP side: whatever the call has not been told
 * yet (an ACK that never came, a transport failure) becomes DISCONNECTED, and
 * the handle goes back to NUA. */
static void on_terminated(struct sip_call *sc, int status)
{
    enum sip_phase was = sc->phase;
    sc->phase = PH_DONE;
    sc->bye_on_ack = false; /* no ACK came: no BYE is needed (RFC 3261 13.3.1.4) */
    sc_fail_requests(sc, LINEERR_OPERATIONFAILED);
    if (sc->call && was != PH_ENDING && was != PH_DONE) {
        ot_logc(OT_CAT_SIP, OTLOG_INFO,
                "call %u: dialog ended (%d) without a BYE or final response",
                (unsigned)ot_call_id(sc->call), status);
        sc_disconnect(sc, status >= 300 ? ot_sip_status_mode(status, -1)
                                        : LINEDISCONNECTMODE_UNAVAIL);
    }
    sc_release_handle(sc);
    sc_maybe_free(sc);
}

static void on_register(struct sip_line *l, nua_event_t ev, int status, const sip_t *sip)
{
    if (ev == nua_r_unregister || status < 200)
        return;
    if (status < 300) {
        l->reg_auth_tries = 0;
        if (!l->registered) {
            l->registered = true;
            cnt_add(&cnt.registered, 1);
        }
        return;
    }
    if ((status == 401 || status == 407) && l->reg_auth_tries++ < 2 &&
        sip_auth_reply(l, l->reg_nh, sip))
        return;
    ot_logc(OT_CAT_SIP, OTLOG_WARN, "line %u: registration at %s failed: %d", (unsigned)l->id,
            l->registrar, status);
    if (l->registered) {
        l->registered = false;
        cnt_add(&cnt.registered, -1);
    }
    cnt_add(&cnt.register_failed, 1);
}

/* Teardown: nothing is reported; the thread leaves su_root_run once every
 * user agent has finished its shutdown. */
static void shutdown_all(void)
{
    for (unsigned i = 0; i < S.nlines; i++)
        if (S.lines[i].nua)
            nua_shutdown(S.lines[i].nua);
}

static void stop_cv_init(void)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&stop_cv, &ca);
    pthread_condattr_destroy(&ca);
}

/* Once: from the provider thread when nothing is left to wait for, or from
 * stop() when it stops waiting. */
static void start_shutdown(void)
{
    if (atomic_exchange(&shutdown_started, true))
        return;
    shutdown_all();
    pthread_once(&stop_once, stop_cv_init);
    pthread_mutex_lock(&stop_mu);
    pthread_cond_broadcast(&stop_cv);
    pthread_mutex_unlock(&stop_mu);
}

static void stop_progress(void)
{
    if (atomic_load(&unregs_pending) == 0 && atomic_load(&acks_pending) == 0)
        start_shutdown();
}

static void detached_event(nua_event_t ev, int status, struct sip_line *l, struct sip_call *sc,
                           tagi_t tags[])
{
    if (ev == nua_r_unregister && status >= 200 && l && l->unregistering) {
        /* Shut down once every line is unregistered: nua_shutdown would
         * otherwise find the un-REGISTER in flight and look again only on
         * its next one-second tick. */
        l->unregistering = false;
        atomic_fetch_sub(&unregs_pending, 1);
        stop_progress();
        return;
    }
    if (ev == nua_i_state && sc && sc->stop_wait && !atomic_load(&shutdown_started)) {
        /* A dialog whose BYE waits for the ACK (stop() marked it): the BYE
         * when the ACK comes, the shutdown once the dialog is over. */
        int cs = -1;
        tl_gets(tags, NUTAG_CALLSTATE_REF(cs), TAG_END());
        if (cs == nua_callstate_ready && sc->bye_on_ack) {
            sc->bye_on_ack = false;
            sc_late_bye(sc);
        } else if (cs == nua_callstate_terminated) {
            sc->stop_wait = false;
            atomic_fetch_sub(&acks_pending, 1);
            stop_progress();
        }
        return;
    }
    if (ev != nua_r_shutdown || status < 200 || !l)
        return;
    l->shutdown_done = true;
    for (unsigned i = 0; i < S.nlines; i++)
        if (S.lines[i].nua && !S.lines[i].shutdown_done)
            return;
    /* Hand the handles we still hold back before nua_destroy. */
    for (unsigned i = 0; i < S.nlines; i++) {
        struct sip_line *x = &S.lines[i];
        struct ot_list *pos;
        for (pos = x->calls.next; pos != &x->calls; pos = pos->next)
            sc_release_handle(ot_container_of(pos, struct sip_call, link));
        if (x->reg_nh)
            nua_handle_destroy(x->reg_nh), x->reg_nh = NULL;
    }
    su_root_break(S.root);
}

static void provider_event(nua_event_t ev, int status, char const *phrase, nua_t *nua,
                      struct sip_line *l, nua_handle_t *nh, struct sip_call *sc,
                      sip_t const *sip, tagi_t tags[])
{
    if (atomic_load(&detached)) {
        detached_event(ev, status, l, sc, tags);
        return;
    }
    ot_lock();
    if (atomic_load(&detached)) {
        /* stop() began while we waited for the lock. */
        ot_unlock();
        detached_event(ev, status, l, sc, tags);
        return;
    }
    /* sc->call is read under the lock: an application thread clears it
     * (close_call) and the core may free the call right after. */
    ot_logc(OT_CAT_SIP, OTLOG_DEBUG, "line %u: %s %d %s (call %u)", l ? (unsigned)l->id : 0u,
            nua_event_name(ev), status, phrase ? phrase : "",
            sc && sc->call ? (unsigned)ot_call_id(sc->call) : 0u);
    switch (ev) {
    case nua_i_invite:
        if (!sc)
            on_invite(l, nh, sip);
        else if (sc->phase == PH_CONFIRMED) { /* re-INVITE (refresh, hold): siphold.c */
            sip_hold_i_invite(sc, nh, sip);
            cnt_add(&cnt.reinvites_received, 1);
        }
        else
            nua_respond(nh, SIP_491_REQUEST_PENDING, TAG_END());
        break;
    case nua_r_invite:
        if (sc && sip_hold_r_invite(sc, status, phrase, sip)) {
            if (status >= 200)
                cnt_add(&cnt.reinvites_answered, 1);
        } else if (sc)
            on_r_invite(sc, status, phrase, sip);
        break;
    case nua_i_state:
        if (sc) {
            int cs = -1;
            tl_gets(tags, NUTAG_CALLSTATE_REF(cs), TAG_END());
            if (cs == nua_callstate_ready)
                on_ready(sc);
            else if (cs == nua_callstate_terminated)
                on_terminated(sc, status);
        }
        break;
    case nua_i_bye:
        if (sc)
            on_bye(sc, sip);
        break;
    case nua_i_cancel:
        if (sc)
            on_cancel(sc, sip);
        break;
    case nua_i_info:
        if (sc)
            on_info(sc, sip);
        break;
    case nua_r_info:
        if (sc)
            on_r_info(sc, status);
        break;
    case nua_r_refer:
        if (sc)
            sip_xfer_on_r_refer(sc, status);
        break;
    case nua_i_notify:
        if (sc)
            sip_xfer_on_notify(sc, sip, tags);
        break;
    case nua_i_refer:
        sip_xfer_on_refer(l, nua, nh, sc, sip, tags);
        break;
    case nua_r_register:
    case nua_r_unregister:
        if (nh && nh == l->reg_nh)
            on_register(l, ev, status, sip);
        break;
    case nua_i_options:
        if (sip && sip->sip_cseq)
            cnt_set(&cnt.options_cseq, sip->sip_cseq->cs_seq);
        break;
    case nua_i_error:
        ot_logc(OT_CAT_SIP, OTLOG_DEBUG, "line %u: %d %s", l ? (unsigned)l->id : 0u, status,
                phrase ? phrase : "");
        break;
    case nua_r_bye:
    case nua_r_cancel:
    case nua_i_ack:
    case nua_i_active:
    case nua_i_terminated:
    case nua_r_shutdown:
    case nua_i_prack:
    case nua_r_prack:
        break;
    default:
        break;
    }
    /* A request outside any call (OPTIONS, INFO, MESSAGE...): NUA answered it;
     * the handle it made for it is ours to release.  A REFER outside a call
     * has a NOTIFY of Sofia's own on its way: its handle goes with that
     * NOTIFY's final response (destroying it before crashes Sofia 1.12.11). */
    bool indication = ev <= nua_i_media_error || ev >= nua_i_network_changed;
    if (nh && !sc && indication && ev != nua_i_invite && ev != nua_i_error &&
        ev != nua_i_refer && (!l || nh != l->reg_nh))
        nua_handle_destroy(nh);
    else if (nh && !sc && ev == nua_r_notify && status >= 200 && (!l || nh != l->reg_nh))
        nua_handle_destroy(nh);
    ot_unlock();
}

/* ---- the provider thread ------------------------------------------------------- */
/* Every TRIM_PERIOD_MS: once a burst of at least TRIM_MIN_BURST INVITEs (a
 * flood) has subsided (this period saw at most a tenth of what came since the
 * last trim), the memory malloc kept for it goes back to the system
 * (malloc_trim), and again at the TRIM_MORE ticks after: Sofia frees a
 * finished transaction only within 32 s (a 503 whose ACK was lost is
 * retransmitted that long, a BYE whose 200 was lost too), so what it still
 * held at the first trim is returned by a later one (docs/robustness.md). */
#define TRIM_PERIOD_MS 10000
#define TRIM_MIN_BURST 1000u
#define TRIM_MORE 4u /* 40 s > Sofia's 32 s */

static void trim_tick(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
    (void)magic, (void)t, (void)arg;
    if (atomic_load(&detached))
        return;
    ot_lock();
    if (atomic_load(&detached)) { /* stop() released the lock to join us */
        ot_unlock();
        return;
    }
    unsigned long d = S.invites - S.trim_seen;
    S.trim_seen = S.invites;
    S.trim_acc += d;
    bool trim = S.trim_acc >= TRIM_MIN_BURST && d <= S.trim_acc / 10;
    if (trim) {
        S.trim_acc = 0;
        S.trim_more = TRIM_MORE;
    } else if (S.trim_more) {
        S.trim_more--;
        trim = true;
    }
    ot_unlock();
    if (trim)
        malloc_trim(0);
}

/* The largest SIP message the line accepts: what its UUI limit needs in hex
 * (the UUI a far end may send is at most dwUUICallInfoSize bytes), plus room
 * for an ordinary message.  Sofia refuses a larger one before parsing it. */
static size_t sip_max_message(const struct sip_line *l)
{
    return OT_SIP_MESSAGE_BASE + 2u * (size_t)l->cf->uui_call_info;
}

static void *provider_main(void *arg)
{
    (void)arg;
    bool ok = true;
    S.root = su_root_create(NULL);
    if (!S.root)
        ok = false;
    for (unsigned i = 0; ok && i < S.nlines; i++) {
        struct sip_line *l = &S.lines[i];
        char why[128];
        if (sip_line_probe_bind(l, why, sizeof(why)) != 0) {
            ot_logc(OT_CAT_SIP, OTLOG_ERROR, "line %u: cannot bind %s: %s", (unsigned)l->id,
                    l->bind_url, why);
            ok = false;
            break;
        }
        if (l->tls && sip_tls_stage(l, why, sizeof(why)) != 0) {
            ot_logc(OT_CAT_SIP, OTLOG_ERROR, "line %u: %s", (unsigned)l->id, why);
            ok = false;
            break;
        }
        l->nua = nua_create(
            S.root, provider_event, l, NUTAG_URL(l->bind_url), SIPTAG_FROM_STR(l->from),
            NUTAG_MEDIA_ENABLE(0), NUTAG_AUTOALERT(0), NUTAG_AUTOANSWER(0), NUTAG_AUTOACK(1),
            NUTAG_ENABLEINVITE(1), NUTAG_SESSION_TIMER(l->session_expires),
            NUTAG_MIN_SE(l->session_expires < OT_SIP_MIN_SE ? l->session_expires : OT_SIP_MIN_SE),
            NUTAG_SESSION_REFRESHER(l->session_expires ? nua_any_refresher : nua_no_refresher),
            NUTAG_AUTO302(0), NUTAG_AUTO305(0),
            NUTAG_MAX_RETRY_AFTER(0), NUTAG_M_USERNAME(l->user),
            NUTAG_OUTBOUND("no-options-keepalive, no-validate, no-natify"), NUTAG_KEEPALIVE(0),
            SIPTAG_ALLOW_STR("INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, PRACK, UPDATE, REFER, NOTIFY"),
            NUTAG_APPL_METHOD("REFER"), SIPTAG_SUPPORTED_STR("timer, 100rel, replaces"),
            SIPTAG_USER_AGENT_STR("opentapi/" OPENTAPI_VERSION_STRING),
            NTATAG_MAXSIZE(sip_max_message(l)), TAG_IF(l->proxy, NUTAG_PROXY(l->proxy)),
            TAG_IF(l->registrar, NUTAG_REGISTRAR(l->registrar)),
            TPTAG_UDP_RMEM(OT_SIP_UDP_RMEM), TAG_IF(trace_on, TPTAG_LOG(1)),
            TAG_IF(l->tls, TPTAG_CERTIFICATE(l->tls_dir)),
            TAG_IF(l->tls, TPTAG_TLS_VERIFY_POLICY(l->tls_verify)),
            TAG_IF(l->tls, TPTAG_TLS_VERIFY_DEPTH(OT_SIP_TLS_DEPTH)),
            TAG_IF(l->tls, TPTAG_TLS_VERSION(0)), TAG_IF(l->tls, TPTAG_SDWN_ERROR(1)),
            TAG_IF(l->t1x64_ms, NTATAG_SIP_T1X64(l->t1x64_ms)),
            TAG_END());
        sip_tls_unstage(l); /* read while the transport was bound */
        if (!l->nua) {
            ot_logc(OT_CAT_SIP, OTLOG_ERROR, "line %u: cannot bind %s", (unsigned)l->id,
                    l->bind_url);
            ok = false;
        }
    }
    bool any = false;
    for (unsigned i = 0; i < S.nlines; i++)
        any |= S.lines[i].nua != NULL;
    if (ok) {
        for (unsigned i = 0; i < S.nlines; i++) {
            struct sip_line *l = &S.lines[i];
            if (!l->registrar)
                continue;
            char expires[16];
            snprintf(expires, sizeof(expires), "%u", l->expires);
            l->reg_nh = nua_handle(l->nua, NULL, SIPTAG_TO_STR(l->from), TAG_END());
            if (l->reg_nh)
                nua_register(l->reg_nh, SIPTAG_EXPIRES_STR(expires), TAG_END());
        }
    } else {
        /* Tear down what was created; callbacks must not wait for the core lock,
         * which start() holds while it waits for us. */
        atomic_store(&detached, true);
        for (unsigned i = 0; i < S.nlines; i++)
            if (S.lines[i].nua)
                nua_shutdown(S.lines[i].nua);
    }
    if (ok && any) {
        S.trim_timer = su_timer_create(su_root_task(S.root), TRIM_PERIOD_MS);
        if (S.trim_timer)
            su_timer_run(S.trim_timer, trim_tick, NULL);
    }
    pthread_mutex_lock(&init_mu);
    init_state = ok ? 1 : -1;
    pthread_cond_broadcast(&init_cv);
    pthread_mutex_unlock(&init_mu);

    if (any)
        su_root_run(S.root); /* until every user agent has shut down */
    if (S.trim_timer)
        su_timer_destroy(S.trim_timer);
    S.trim_timer = NULL;
    for (unsigned i = 0; i < S.nlines; i++)
        if (S.lines[i].nua) {
            nua_destroy(S.lines[i].nua);
            S.lines[i].nua = NULL;
        }
    if (S.root)
        su_root_destroy(S.root);
    S.root = NULL;
    return NULL;
}

static void free_lines(void)
{
    sip_trace_stop(); /* no user agent is left to log a message */
    for (unsigned i = 0; i < S.nlines; i++) {
        struct sip_line *l = &S.lines[i];
        while (!ot_list_empty(&l->calls)) {
            struct sip_call *sc = ot_container_of(l->calls.next, struct sip_call, link);
            /* No application is left: requests are dropped, not answered. */
            if (sc->answer_req)
                ot_req_discard(sc->answer_req);
            if (sc->hold_req)
                ot_req_discard(sc->hold_req);
            sip_swap_discard(sc);
            while (!ot_list_empty(&sc->infos)) {
                struct sip_pending *p = ot_container_of(sc->infos.next, struct sip_pending, link);
                ot_list_del(&p->link);
                ot_req_discard(p->req);
                free(p);
            }
            if (sc->call)
                ot_call_set_drv(sc->call, NULL);
            if (sc->referrer) { /* no user agent is left for its NOTIFY */
                sc->referrer->referred = NULL;
                sc->referrer = NULL;
            }
            if (sc->nh)
                cnt_add(&cnt.dialogs, -1); /* freed by nua_destroy */
            sc_free(sc);
        }
        if (l->registered)
            cnt_add(&cnt.registered, -1);
        if (l->ld)
            ot_linedev_set_drv(l->ld, NULL);
        sip_line_unconfigure(l);
    }
    free(S.lines);
    memset(&S, 0, sizeof(S));
}

/* A [sip] number (checked by sip_check_config), def when absent. */
static long sip_setting(const char *key, unsigned long def)
{
    const char *v = ot_setting("sip", key);
    unsigned long n;
    if (!v)
        return (long)def;
    return sip_number_key(key, v, &n) == 0 ? (long)n : -1;
}

static int sp_start(struct ot_linedev **lines, unsigned n)
{
    long max_calls = sip_setting("max_calls", OT_SIP_DEFAULT_CALLS);
    long max_rate = sip_setting("max_invite_rate", OT_SIP_DEFAULT_INVITE_RATE);
    if (max_calls < 0 || max_rate < 0)
        return -1;
    memset(&S, 0, sizeof(S));
    S.max_calls = (unsigned)max_calls;
    S.max_rate = (unsigned)max_rate;
    S.rate_tokens = (uint64_t)S.max_rate * 1000u;
    S.rate_ms = ot_clock_now();
    S.lines = calloc(n, sizeof(*S.lines));
    if (!S.lines)
        return -1;
    S.nlines = n;
    for (unsigned i = 0; i < n; i++) {
        struct sip_line *l = &S.lines[i];
        l->ld = lines[i];
        l->cf = ot_linedev_conf(lines[i]);
        l->id = ot_linedev_id(lines[i]);
        ot_list_init(&l->calls);
    }
    for (unsigned i = 0; i < n; i++) {
        char err[320];
        if (sip_line_configure(&S.lines[i], S.lines[i].cf, S.lines[i].id, err, sizeof(err)) !=
            0) {
            ot_logc(OT_CAT_CONFIG, OTLOG_ERROR, "%s", err);
            free_lines();
            return -1;
        }
        ot_linedev_set_drv(lines[i], &S.lines[i]);
        /* the peer's hold (siphold.c); answering holds no other call */
        ot_linedev_add_connected_modes(lines[i], LINECONNECTEDMODE_ACTIVEHELD);
        ot_linedev_set_answer_mode(lines[i], LINEANSWERMODE_NONE);
        ot_linedev_add_line_states(lines[i], LINEDEVSTATE_RINGING);
    }
    /* su_init ignores SIGPIPE for the whole process; a library must not, so
     * the application's disposition is put back.  Our threads block every
     * signal, so a broken TCP connection gives EPIPE there, never a signal. */
    struct sigaction old_pipe;
    sigaction(SIGPIPE, NULL, &old_pipe);
    su_init();
    sigaction(SIGPIPE, &old_pipe, NULL);
    setup_logs();

    atomic_store(&detached, false);
    init_state = 0;
    trace_on = sip_trace_start(S.lines, S.nlines);
    sigset_t all, old;
    sigfillset(&all);
    /* Not the signals of a fault: blocked, they kill the process silently
     * (the kernel forces them), so no sanitizer or crash handler could say
     * where a stack thread crashed. */
    static const int faults[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGABRT};
    for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
        sigdelset(&all, faults[i]);
    pthread_sigmask(SIG_BLOCK, &all, &old); /* inherited by NUA's threads too */
    int prc = pthread_create(&S.thread, NULL, provider_main, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (prc != 0) {
        free_lines();
        su_deinit();
        return -1;
    }
    /* Waiting here with the core lock held is safe: the provider thread takes
     * it only from NUA callbacks, and none runs before init_state is set (a
     * failed start tears down detached, without the lock). */
    pthread_mutex_lock(&init_mu);
    while (init_state == 0)
        pthread_cond_wait(&init_cv, &init_mu);
    int st = init_state;
    pthread_mutex_unlock(&init_mu);
    /* Sofia's TLS set-up ignores SIGPIPE again (tls_init_master). */
    sigaction(SIGPIPE, &old_pipe, NULL);
    if (st < 0) {
        pthread_join(S.thread, NULL);
        free_lines();
        su_deinit();
        return -1;
    }
    return 0;
}

static void sp_stop(void)
{
    if (!S.lines)
        return;
    /* From here the provider thread reports nothing.  Registered lines
     * un-REGISTER first (detached_event starts the shutdown when the last
     * answer comes); nua_shutdown ends every dialog (BYE, CANCEL) and whatever
     * registration is left, and reports nua_r_shutdown, after which the
     * thread destroys the user agents. */
    /* Dialogs whose BYE waits for an ACK (a call let go between our 200 OK
     * and its ACK): nua_shutdown would send its BYE before the ACK, so the
     * shutdown waits for them, a bounded time.  Marked before `detached`:
     * from then on only the provider thread touches them. */
    unsigned acks = 0;
    for (unsigned i = 0; i < S.nlines; i++) {
        struct ot_list *pos;
        for (pos = S.lines[i].calls.next; pos != &S.lines[i].calls; pos = pos->next) {
            struct sip_call *sc = ot_container_of(pos, struct sip_call, link);
            sc->stop_wait = sc->bye_on_ack && sc->nh;
            sip_forward_done(sc); /* no timer fires during the teardown */
            acks += sc->stop_wait;
        }
    }
    atomic_store(&acks_pending, acks);
    atomic_store(&shutdown_started, false);
    atomic_store(&detached, true);
    unsigned n = 0;
    for (unsigned i = 0; i < S.nlines; i++) {
        struct sip_line *l = &S.lines[i];
        l->unregistering = l->nua && l->reg_nh && l->registered;
        n += l->unregistering;
    }
    atomic_store(&unregs_pending, n);
    if (n) {
        for (unsigned i = 0; i < S.nlines; i++)
            if (S.lines[i].unregistering)
                nua_unregister(S.lines[i].reg_nh, TAG_END());
    } else
        stop_progress();
    /* stop() is called with the core lock held, and a callback may be waiting
     * for it: release it around the join.  This is safe because core_stop runs
     * under life_lock with no application left, so no other thread can use the
     * core meanwhile, and a callback that gets the lock sees `detached` and
     * leaves without touching anything. */
    pthread_mutex_unlock(&ot_g.lock);
    if (acks) {
        pthread_once(&stop_once, stop_cv_init);
        struct timespec ts = ot_deadline_ms(STOP_ACK_WAIT_MS);
        pthread_mutex_lock(&stop_mu);
        while (!atomic_load(&shutdown_started))
            if (pthread_cond_timedwait(&stop_cv, &stop_mu, &ts) == ETIMEDOUT)
                break;
        pthread_mutex_unlock(&stop_mu);
        start_shutdown(); /* no-op when it started */
    }
    pthread_join(S.thread, NULL);
    pthread_mutex_lock(&ot_g.lock);
    free_lines();
    su_deinit();
}

/* ---- provider operations (application threads, core lock held) ------------------ */
static struct sip_call *call_sc(struct ot_call *c) { return ot_call_drv(c); }

static LONG sp_make_call(struct ot_req *r, struct ot_call *c, const char *dest,
                          const LINECALLPARAMS *params, const void *uui, DWORD len)
{
    (void)params;
    struct sip_line *l = ot_linedev_drv(ot_call_linedev(c));
    if (!l || !l->nua)
        return LINEERR_OPERATIONFAILED;
    LONG admit = outgoing_admitted(l);
    if (admit)
        return admit;
    struct sip_call *sc = sc_new(l, c, false);
    if (!sc)
        return LINEERR_NOMEM;
    if (dest) {
        LONG rc = sc_invite(sc, dest, uui, len, NULL);
        if (rc) {
            sc_free(sc);
            return rc;
        }
    }
    ot_call_set_drv(c, sc);
    ot_req_complete(r, 0); /* the handle is valid before its first state */
    ot_ev_call_party(c, OT_PARTY_CALLER, l->user, l->display, false);
    if (!dest) {
        ot_ev_call_state(c, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
        return 0;
    }
    ot_ev_call_party(c, OT_PARTY_CALLED, dest, NULL, false);
    ot_ev_call_state(c, LINECALLSTATE_DIALING, 0);
    return 0;
}

static LONG sp_dial(struct ot_req *r, struct ot_call *c, const char *dest)
{
    struct sip_call *sc = call_sc(c);
    if (!sc || ot_call_state(c) != LINECALLSTATE_DIALTONE || sc->phase != PH_NONE)
        return LINEERR_OPERATIONUNAVAIL; /* no overlap dialling in SIP */
    LONG rc = sc_invite(sc, dest, NULL, 0, NULL);
    if (rc)
        return rc;
    ot_req_complete(r, 0);
    ot_ev_call_party(c, OT_PARTY_CALLED, dest, NULL, false);
    ot_ev_call_state(c, LINECALLSTATE_DIALING, 0);
    return 0;
}

static LONG sp_answer(struct ot_req *r, struct ot_call *c, const void *uui, DWORD len)
{
    struct sip_call *sc = call_sc(c);
    if (!sc || sc->phase != PH_OFFERED || sc->answer_req)
        return LINEERR_INVALCALLSTATE;
    char *hdr, *sdp;
    LONG rc = uui_header(uui, len, &hdr);
    if (!rc && (rc = sip_hold_answer_sdp(sc, &sdp)) != 0)
        free(hdr);
    if (rc)
        return rc;
    nua_respond(sc->nh, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR("application/sdp"),
                SIPTAG_PAYLOAD_STR(sdp ? sdp : sc->line->sdp),
                TAG_IF(hdr, SIPTAG_HEADER_STR(hdr)), TAG_END());
    free(hdr);
    free(sdp);
    /* CONNECTED, and the reply, when the ACK arrives (on_ready). */
    sc->phase = PH_ANSWERING;
    sc->answer_req = r;
    return 0;
}

static LONG sp_accept(struct ot_req *r, struct ot_call *c, const void *uui, DWORD len)
{
    struct sip_call *sc = call_sc(c);
    if (!sc || sc->phase != PH_OFFERED)
        return LINEERR_INVALCALLSTATE;
    char *hdr;
    LONG rc = uui_header(uui, len, &hdr);
    if (rc)
        return rc;
    nua_respond(sc->nh, SIP_180_RINGING, TAG_IF(hdr, SIPTAG_HEADER_STR(hdr)), TAG_END());
    free(hdr);
    ot_ev_call_state(c, LINECALLSTATE_ACCEPTED, 0);
    ot_req_complete(r, 0);
    return 0;
}

static LONG sp_send_uui(struct ot_req *r, struct ot_call *c, const void *uui, DWORD len)
{
    struct sip_call *sc = call_sc(c);
    if (!sc || sc->phase != PH_CONFIRMED || ot_call_state(c) != LINECALLSTATE_CONNECTED)
        return LINEERR_OPERATIONUNAVAIL; /* INFO only in a confirmed dialog */
    char *hdr;
    struct sip_pending *p = malloc(sizeof(*p));
    LONG rc = p ? uui_header(uui, len, &hdr) : (LONG)LINEERR_NOMEM;
    if (rc) {
        free(p);
        return rc;
    }
    nua_info(sc->nh, SIPTAG_HEADER_STR(hdr), TAG_END());
    free(hdr);
    p->req = r;
    ot_list_add_tail(&sc->infos, &p->link);
    return 0;
}

static LONG sp_drop(struct ot_req *r, struct ot_call *c, const void *uui, DWORD len)
{
    struct sip_call *sc = call_sc(c);
    DWORD s = ot_call_state(c);
    if (sc && (s == LINECALLSTATE_OFFERING || s == LINECALLSTATE_ACCEPTED) &&
        sc->phase == PH_OFFERED && !sc->line->cf->can_reject)
        return LINEERR_OPERATIONUNAVAIL;
    char *hdr;
    LONG rc = uui_header(uui, len, &hdr);
    if (rc)
        return rc;
    if (!sc) {
        ot_ev_call_state(c, LINECALLSTATE_IDLE, 0);
    } else if (sc->is_parent) {
        /* CONFDROP: every party goes, one BYE each, each call its own IDLE. */
        sc->dropping = true;
        /* The members in creation order, then the consultation call (always
         * the newest): from the core's member list, not the line's calls. */
        struct ot_call *mc = ot_call_next_member(c, NULL);
        struct sip_call *consult = sc->conf_consult;
        while (mc || consult) {
            struct sip_call *m;
            if (mc) {
                m = ot_call_drv(mc);
                mc = ot_call_next_member(c, mc); /* before m leaves the list */
            } else {
                m = consult;
                consult = NULL;
            }
            if (!m || !m->call || (conf_of(m) != sc && sc->conf_consult != m))
                continue;
            if (sc_hangup(m, hdr) != 0) {
                ot_logc(OT_CAT_SIP, OTLOG_ERROR,
                        "call %u: out of memory keeping the drop's UUI, sent without it",
                        (unsigned)ot_call_id(m->call));
                sc_hangup(m, NULL);
            }
            sc_fail_requests(m, LINEERR_INVALCALLSTATE);
            if (conf_of(m))
                ot_ev_call_conf_parent(m->call, NULL);
            ot_ev_call_state(m->call, LINECALLSTATE_IDLE, 0);
        }
        set_consult(sc, NULL);
        sc->dropping = false;
        ot_ev_call_state(c, LINECALLSTATE_IDLE, 0);
    } else {
        rc = sc_hangup(sc, hdr);
        if (rc) {
            free(hdr);
            return rc;
        }
        sc_fail_requests(sc, LINEERR_INVALCALLSTATE);
        sc_idle(sc);
    }
    free(hdr);
    ot_req_complete(r, 0);
    return 0;
}

static LONG sp_redirect(struct ot_req *r, struct ot_call *c, const char *dest)
{
    return sip_redirect(r, call_sc(c), dest);
}

static void sp_close_call(struct ot_call *c)
{
    struct sip_call *sc = call_sc(c);
    if (!sc)
        return;
    sc_fail_requests(sc, LINEERR_INVALCALLSTATE);
    sip_gen_free(sc);
    /* The core let go while the dialog is still up (e.g. the line closed). */
    sc_hangup(sc, NULL);
    struct sip_call *p = consult_parent(sc);
    if (p)
        set_consult(p, NULL);
    ot_call_set_drv(c, NULL);
    sc->call = NULL;
    sc_maybe_free(sc);
}

/* ---- conference operations -------------------------------------------------------- */
static struct sip_call *parent_new(struct sip_line *l, struct ot_call *conf)
{
    struct sip_call *p = sc_new(l, conf, false);
    if (p) {
        p->is_parent = true;
        l->ncalls--; /* no dialog of its own: not a call for max_calls */
    }
    return p;
}

static LONG sp_setup_conf(struct ot_req *r, struct ot_call *c, struct ot_call *conf,
                          struct ot_call *consult, DWORD nparties)
{
    struct sip_call *sc = call_sc(c);
    if (!sc || sc->is_parent || sc->phase != PH_CONFIRMED || conf_of(sc) || sip_swap_busy(sc))
        return LINEERR_INVALCALLSTATE; /* a conference starts from a connected call */
    struct sip_line *l = sc->line;
    if (nparties > l->cf->max_conf)
        return LINEERR_CONFERENCEFULL;
    LONG admit = outgoing_admitted(l);
    if (admit)
        return admit;
    struct sip_call *p = parent_new(l, conf);
    struct sip_call *k = p ? sc_new(l, consult, false) : NULL;
    if (!k) {
        if (p)
            sc_free(p);
        return LINEERR_NOMEM;
    }
    ot_call_set_drv(conf, p);
    ot_call_set_drv(consult, k);
    set_consult(p, k);
    ot_ev_call_party(consult, OT_PARTY_CALLER, l->user, l->display, false);
    ot_req_complete(r, 0);
    ot_sip_hold(sc, true, NULL); /* the party waits on hold, as on the switch */
    ot_ev_call_conf_parent(c, conf);
    ot_ev_call_state(c, LINECALLSTATE_CONFERENCED, 0);
    ot_ev_call_state(conf, LINECALLSTATE_ONHOLDPENDCONF, 0);
    ot_ev_call_state(consult, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    return 0;
}

static LONG sp_prepare_add(struct ot_req *r, struct ot_call *conf, struct ot_call *consult)
{
    struct sip_call *p = call_sc(conf);
    if (!p || !p->is_parent || p->conf_consult ||
        ot_call_state(conf) != LINECALLSTATE_CONNECTED)
        return LINEERR_INVALCALLSTATE;
    LONG admit = outgoing_admitted(p->line);
    if (admit)
        return admit;
    struct sip_call *k = sc_new(p->line, consult, false);
    if (!k)
        return LINEERR_NOMEM;
    ot_call_set_drv(consult, k);
    set_consult(p, k);
    ot_ev_call_party(consult, OT_PARTY_CALLER, p->line->user, p->line->display, false);
    ot_req_complete(r, 0);
    conf_hold_members(p, true);
    ot_ev_call_state(conf, LINECALLSTATE_ONHOLDPENDCONF, 0);
    ot_ev_call_state(consult, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    return 0;
}

static LONG sp_add_to_conf(struct ot_req *r, struct ot_call *conf, struct ot_call *consult)
{
    struct sip_call *p = call_sc(conf), *k = call_sc(consult);
    if (!p || !p->is_parent || !k || k->is_parent || k->line != p->line || conf_of(k) ||
        sip_swap_busy(k) ||
        (k->phase != PH_CONFIRMED && k->phase != PH_CALLING))
        return LINEERR_INVALCALLSTATE;
    if (consult_parent(k) && consult_parent(k) != p)
        return LINEERR_INVALCALLSTATE; /* another conference's consultation call */
    if (conf_members(p, NULL) + 1 >= p->line->cf->max_conf)
        return LINEERR_CONFERENCEFULL;
    if (p->conf_consult == k)
        set_consult(p, NULL);
    ot_ev_call_conf_parent(consult, conf);
    conf_hold_members(p, false); /* the new party too: it may have been held */
    ot_ev_call_state(consult, LINECALLSTATE_CONFERENCED, 0);
    ot_ev_call_state(conf, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    ot_req_complete(r, 0);
    return 0;
}

static LONG sp_remove_from_conf(struct ot_req *r, struct ot_call *c)
{
    struct sip_call *sc = call_sc(c);
    if (!sc || !conf_of(sc) || ot_call_state(c) != LINECALLSTATE_CONFERENCED)
        return LINEERR_INVALCALLSTATE;
    /* dwRemoveFromConfState is IDLE: the removed party is dropped, one BYE. */
    sc_hangup(sc, NULL);
    sc_fail_requests(sc, LINEERR_INVALCALLSTATE);
    sc_idle(sc);
    ot_req_complete(r, 0);
    return 0;
}

static unsigned sp_live_calls(void) { return S.live_calls; }

/* For sipxfer.c (sipint.h). */
struct sip_call *sip_sc_new(struct sip_line *l, struct ot_call *c, bool incoming)
{
    return sc_new(l, c, incoming);
}
struct sip_call *sip_parent_new(struct sip_line *l, struct ot_call *conf)
{
    return parent_new(l, conf);
}
void sip_set_consult(struct sip_call *p, struct sip_call *k) { set_consult(p, k); }
LONG sip_sc_invite(struct sip_call *sc, const char *dest, const void *uui, DWORD len,
                   const char *replaces)
{
    return sc_invite(sc, dest, uui, len, replaces);
}
LONG sip_sc_hangup(struct sip_call *sc, const char *hdr) { return sc_hangup(sc, hdr); }
void sip_sc_idle(struct sip_call *sc) { sc_idle(sc); }
void sip_sc_disconnect(struct sip_call *sc, DWORD mode) { sc_disconnect(sc, mode); }
void sip_sc_fail_requests(struct sip_call *sc, LONG result) { sc_fail_requests(sc, result); }
void sip_sc_maybe_free(struct sip_call *sc) { sc_maybe_free(sc); }
bool sip_process_full(void) { return S.live_calls >= S.max_calls; }
void sip_party_from_addr(struct ot_call *c, enum ot_party which, const sip_addr_t *a, bool notify)
{
    party_from_addr(c, which, a, notify);
}

const struct ot_provider ot_sip_provider = {
    .size = sizeof(struct ot_provider),
    .name = "sip",
    .start = sp_start,
    .stop = sp_stop,
    .make_call = sp_make_call,
    .dial = sp_dial,
    .answer = sp_answer,
    .accept = sp_accept,
    .drop = sp_drop,
    .send_uui = sp_send_uui,
    .hold = sip_op_hold,
    .unhold = sip_op_unhold,
    .close_call = sp_close_call,
    .setup_conf = sp_setup_conf,
    .prepare_add = sp_prepare_add,
    .add_to_conf = sp_add_to_conf,
    .remove_from_conf = sp_remove_from_conf,
    .setup_transfer = sip_setup_transfer,
    .complete_transfer = sip_complete_transfer,
    .blind_transfer = sip_blind_transfer,
    .live_calls = sp_live_calls,
    .check_config = sip_check_config,
    .redirect = sp_redirect,
    .swap_hold = sip_op_swap_hold,
    /* every LINEFORWARDMODE_ from UNCOND to BUSYNASPECIFIC: the core matches
     * the variants, the line asks for UNCOND, BUSY and NOANSW */
    .forward_modes = 0xFFFFu,
    /* the referring party of a transferred call (sipxfer.c) */
    .redirecting_id_flags = LINECALLPARTYID_ADDRESS | LINECALLPARTYID_NAME,
    /* a transfer's progress in LINECALLINFO's DevSpecific text (sipxfer.c) */
    .call_info_states = LINECALLINFOSTATE_DEVSPECIFIC,
    .generate_digits = sip_generate_digits,
    .generate_cancel = sip_generate_cancel,
    .generate_digit_modes = LINEDIGITMODE_DTMF,
    .detect_digit_modes = LINEDIGITMODE_DTMF | LINEDIGITMODE_DTMFEND,
};
