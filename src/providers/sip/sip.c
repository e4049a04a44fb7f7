/* The SIP provider ("sip"): every [line] with provider = sip is one SIP user
 * agent (a Sofia-SIP nua_t bound to its own address), and TAPI calls on it
 * are SIP dialogs.  This file owns the provider: its state, the provider
 * thread and its user agents (line set-up, start and stop, the teardown),
 * the counters, Sofia's logs, the records of calls (allocation, handles) and
 * overload control.  The rest of the provider: sipevent.c (the NUA callback
 * and the events of calls and registrations), sipcall.c (a call's SIP side:
 * reading and sending messages, hang-up, conference bookkeeping), sipops.c
 * (the provider operations and the provider table); the mapping tables are
 * in sipmap.c, the line configuration in sipconf.c, the reasons in
 * docs/sip.md.
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
    su_timer_t *stop_timer; /* the end of stop()'s wait (STOP_ACK_WAIT_MS) */
} S;

/* The provider thread runs "detached" from the core while the provider is
 * being torn down (stop, or a failed start): its callbacks then take no core
 * lock and report nothing.  Written before the teardown starts, read by the
 * callbacks before and after they take the lock. */
atomic_bool sip_detached; /* sipint.h: the callback (sipevent.c) reads it */
/* Lines stop() is unregistering (their un-REGISTER has no final response
 * yet), and dialogs stop() waits for (stop_wait: a BYE waiting for the ACK
 * of our 200 OK, an INVITE we CANCELed waiting for its final response); when
 * both are 0 the shutdown starts, or when the wait ends (STOP_ACK_WAIT_MS). */
static atomic_uint unregs_pending;
static atomic_uint acks_pending;
static atomic_bool shutdown_started;
static pthread_mutex_t stop_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stop_cv;
static pthread_once_t stop_once = PTHREAD_ONCE_INIT;
/* How long stop() waits for ACKs before nua_shutdown (which sends its BYE at
 * once): the 200 OK is retransmitted at 0.5, 1.5 and 3.5 s.  The same wait
 * bounds the one for the final responses of the INVITEs we CANCELed: after
 * it their handles are destroyed.  nua_shutdown would otherwise wait for them
 * (RFC 3261 9.1: 64*T1, Sofia's timer D, 32 s, when the peer answers the
 * CANCEL but never the INVITE) and give up only at its own 30 s limit; and
 * Sofia-SIP 1.12.11 ignores nua_handle_destroy once nua_shutdown was called
 * (nua_signal drops every signal but the shutdown), so they must go before.
 * It bounds the wait for the un-REGISTERs too (retransmitted at 0.5, 1.5 and
 * 3.5 s): a registrar that no longer answers would hold the shutdown for
 * 64*T1 (timer F, 32 s), and nua_shutdown would wait for the transaction as
 * well, so the registration handles still unregistering go first. */
#define STOP_ACK_WAIT_MS 4000
/* stop()'s own wait, should the provider thread's timer not end it. */
#define STOP_WAIT_LIMIT_MS (STOP_ACK_WAIT_MS + 2000)

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

void sip_cnt_add(unsigned long *field, long delta)
{
    pthread_once(&cnt_once, cnt_init);
    pthread_mutex_lock(&cnt_mu);
    *field += (unsigned long)delta;
    pthread_cond_broadcast(&cnt_cv);
    pthread_mutex_unlock(&cnt_mu);
}

void sip_cnt_set(unsigned long *field, unsigned long value)
{
    pthread_once(&cnt_once, cnt_init);
    pthread_mutex_lock(&cnt_mu);
    *field = value;
    pthread_cond_broadcast(&cnt_cv);
    pthread_mutex_unlock(&cnt_mu);
}

struct ot_sip_counters *sip_counters(void) { return &cnt; }
void sip_count(unsigned long *field) { sip_cnt_add(field, 1); }

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

void sip_count_dtmf(bool ok)
{
    sip_cnt_add(ok ? &cnt.dtmf_received : &cnt.dtmf_malformed, 1);
}

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

/* ---- call records (their SIP side: sipcall.c) ----------------------------------- */
struct sip_call *sip_sc_new(struct sip_line *l, struct ot_call *c, bool incoming)
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

void sip_sc_free(struct sip_call *sc)
{
    sip_xfer_unlink(sc);
    if (sc->conf_consult)
        sip_set_consult(sc, NULL);
    if (sc->consult_for)
        sip_set_consult(sc->consult_for, NULL);
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

void sip_sc_set_handle(struct sip_call *sc, nua_handle_t *nh)
{
    sc->nh = nh;
    sip_cnt_add(&cnt.dialogs, 1);
}

/* Provider thread only (see sipint.h). */
void sip_sc_release_handle(struct sip_call *sc)
{
    if (!sc->nh)
        return;
    nua_handle_destroy(sc->nh);
    sc->nh = NULL;
    sip_cnt_add(&cnt.dialogs, -1);
}

/* ---- overload control ----------------------------------------------------------- */
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
bool sip_invite_admitted(struct sip_line *l, nua_handle_t *nh, const sip_t *sip)
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
        sip_cnt_add(&cnt.refused_overload, 1);
    } else if (sip_forward_invite(l, nh, sip, l->ncalls >= l->max_calls)) {
        /* lineForward: 302 (sipredirect.c) */
    } else if (l->ncalls >= l->max_calls) {
        nua_respond(nh, SIP_486_BUSY_HERE, SIPTAG_REASON_STR("Q.850;cause=17"), TAG_END());
        sip_cnt_add(&cnt.refused_busy, 1);
    } else
        return true;
    nua_handle_destroy(nh);
    return false;
}

/* Outgoing calls (lineMakeCall, a conference's consultation call) count
 * against the same limits as incoming INVITEs (docs/sip.md, Overload control):
 * the process at [sip] max_calls is out of resources, a line at its max_calls
 * has no call appearance left. */
LONG sip_outgoing_admitted(const struct sip_line *l)
{
    if (S.live_calls >= S.max_calls)
        return LINEERR_RESOURCEUNAVAIL;
    if (l->ncalls >= l->max_calls)
        return LINEERR_CALLUNAVAIL;
    return 0;
}

/* ---- teardown ------------------------------------------------------------------ */
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

void sip_detached_event(nua_event_t ev, int status, struct sip_line *l, struct sip_call *sc,
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
    if (ev == nua_r_register && status >= 200 && l && l->reg_waiting &&
        !atomic_load(&shutdown_started)) {
        /* The REGISTER that was in flight when stop() began: a success is
         * undone at once (the same wait), a failure leaves nothing to undo
         * (no new challenge is answered now). */
        l->reg_waiting = false;
        if (status < 300 && l->reg_nh) {
            l->unregistering = true;
            nua_unregister(l->reg_nh, TAG_END());
        } else {
            atomic_fetch_sub(&unregs_pending, 1);
            stop_progress();
        }
        return;
    }
    if (ev == nua_i_state && sc && sc->stop_wait && !atomic_load(&shutdown_started)) {
        /* A dialog stop() waits for: the BYE when the ACK comes (or when a
         * 2xx crossed our CANCEL), the shutdown once the dialog is over. */
        int cs = -1;
        tl_gets(tags, NUTAG_CALLSTATE_REF(cs), TAG_END());
        if (cs == nua_callstate_ready && (sc->bye_on_ack || sc->cancelled)) {
            sc->bye_on_ack = false;
            sc->cancelled = false; /* its BYE: nua_shutdown may wait for it */
            sip_sc_late_bye(sc);
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
            sip_sc_release_handle(ot_container_of(pos, struct sip_call, link));
        if (x->reg_nh)
            nua_handle_destroy(x->reg_nh), x->reg_nh = NULL;
    }
    su_root_break(S.root);
}

/* The end of stop()'s wait (provider thread, S.stop_timer): the INVITEs we
 * CANCELed that still have no final response are let go (nua_handle_destroy,
 * before nua_shutdown: see STOP_ACK_WAIT_MS; Sofia's transaction layer still
 * ACKs a late 487 and answers a late 2xx with ACK and BYE until the user
 * agent is destroyed), so are the registrations whose un-REGISTER (or
 * REGISTER) has no final response (its transaction ends with the user
 * agent), then the shutdown starts. */
static void stop_timeout(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
    (void)magic, (void)t, (void)arg;
    if (atomic_load(&shutdown_started))
        return;
    for (unsigned i = 0; i < S.nlines; i++) {
        struct sip_line *l = &S.lines[i];
        if ((l->unregistering || l->reg_waiting) && l->reg_nh) {
            l->unregistering = l->reg_waiting = false;
            atomic_fetch_sub(&unregs_pending, 1);
            nua_handle_destroy(l->reg_nh);
            l->reg_nh = NULL;
        }
        struct ot_list *pos;
        for (pos = S.lines[i].calls.next; pos != &S.lines[i].calls; pos = pos->next) {
            struct sip_call *sc = ot_container_of(pos, struct sip_call, link);
            if (sc->stop_wait && sc->cancelled) {
                sc->stop_wait = false;
                sip_sc_release_handle(sc);
            }
        }
    }
    start_shutdown();
}

/* stop() asks the provider thread to time its wait (a message to its root:
 * timers belong to the thread of their root). */
static void stop_timer_arm(su_root_magic_t *magic, su_msg_r msg, su_msg_arg_t *arg)
{
    (void)magic, (void)msg, (void)arg;
    if (atomic_load(&shutdown_started) || S.stop_timer)
        return;
    S.stop_timer = su_timer_create(su_root_task(S.root), STOP_ACK_WAIT_MS);
    if (S.stop_timer)
        su_timer_set(S.stop_timer, stop_timeout, NULL);
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
    if (atomic_load(&sip_detached))
        return;
    ot_lock();
    if (atomic_load(&sip_detached)) { /* stop() released the lock to join us */
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
            S.root, sip_provider_event, l, NUTAG_URL(l->bind_url), SIPTAG_FROM_STR(l->from),
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
            if (l->reg_nh) {
                l->reg_pending = true;
                nua_register(l->reg_nh, SIPTAG_EXPIRES_STR(expires), TAG_END());
            }
        }
    } else {
        /* Tear down what was created; callbacks must not wait for the core lock,
         * which start() holds while it waits for us. */
        atomic_store(&sip_detached, true);
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
    if (S.stop_timer)
        su_timer_destroy(S.stop_timer);
    S.stop_timer = NULL;
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
                sip_cnt_add(&cnt.dialogs, -1); /* freed by nua_destroy */
            sip_sc_free(sc);
        }
        if (l->registered)
            sip_cnt_add(&cnt.registered, -1);
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

int sp_start(struct ot_linedev **lines, unsigned n)
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

    atomic_store(&sip_detached, false);
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

void sp_stop(void)
{
    if (!S.lines)
        return;
    /* From here the provider thread reports nothing.  Registered lines
     * un-REGISTER first (sip_detached_event starts the shutdown when the last
     * answer comes, stop_timeout after STOP_ACK_WAIT_MS at the latest);
     * nua_shutdown ends every dialog (BYE, CANCEL) and whatever registration
     * is left, and reports nua_r_shutdown, after which the thread destroys
     * the user agents. */
    /* Dialogs whose BYE waits for an ACK (a call let go between our 200 OK
     * and its ACK): nua_shutdown would send its BYE before the ACK, so the
     * shutdown waits for them, a bounded time.  So it does for the INVITEs we
     * CANCELed whose final response has not come yet, which nua_shutdown
     * would wait for up to 30 s (see STOP_ACK_WAIT_MS).  Marked before
     * `sip_detached`: from then on only the provider thread touches them. */
    unsigned acks = 0;
    for (unsigned i = 0; i < S.nlines; i++) {
        struct ot_list *pos;
        for (pos = S.lines[i].calls.next; pos != &S.lines[i].calls; pos = pos->next) {
            struct sip_call *sc = ot_container_of(pos, struct sip_call, link);
            bool cancelled = sc->cancelled && sc->phase == PH_ENDING;
            sc->stop_wait = (sc->bye_on_ack || cancelled) && sc->nh;
            sip_forward_done(sc); /* no timer fires during the teardown */
            acks += sc->stop_wait;
        }
    }
    /* Registered lines un-REGISTER; a line whose REGISTER is still in flight
     * waits for its final response (and un-REGISTERs after a success):
     * nua_shutdown would wait for it up to its 30 s limit.  Marked before
     * `sip_detached` too: the provider thread reads them once it sees it. */
    unsigned n = 0;
    for (unsigned i = 0; i < S.nlines; i++) {
        struct sip_line *l = &S.lines[i];
        bool reg = l->nua && l->reg_nh;
        l->unregistering = reg && l->registered;
        l->reg_waiting = reg && !l->registered && l->reg_pending;
        n += l->unregistering || l->reg_waiting;
    }
    atomic_store(&unregs_pending, n);
    atomic_store(&acks_pending, acks);
    atomic_store(&shutdown_started, false);
    atomic_store(&sip_detached, true);
    bool wait = acks || n;
    if (n) {
        for (unsigned i = 0; i < S.nlines; i++)
            if (S.lines[i].unregistering)
                nua_unregister(S.lines[i].reg_nh, TAG_END());
    } else
        stop_progress();
    /* The registrations are waited for as the dialogs are (STOP_ACK_WAIT_MS).
     * Sent after the resets and marks that stop_timer_arm and stop_timeout
     * read, and after this thread's last look at the lines: stop_timeout
     * may destroy their reg_nh. */
    su_msg_r arm = SU_MSG_R_INIT;
    if (wait && su_msg_new(arm, 0) == 0)
        su_msg_send_to(arm, su_root_task(S.root), stop_timer_arm);
    /* stop() is called with the core lock held, and a callback may be waiting
     * for it: release it around the join.  This is safe because core_stop runs
     * under life_lock with no application left, so no other thread can use the
     * core meanwhile, and a callback that gets the lock sees `sip_detached` and
     * leaves without touching anything. */
    pthread_mutex_unlock(&ot_g.lock);
    if (wait) {
        /* The provider thread starts the shutdown (stop_timeout at the
         * latest); this wait is bounded all the same. */
        pthread_once(&stop_once, stop_cv_init);
        struct timespec ts = ot_deadline_ms(STOP_WAIT_LIMIT_MS);
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

/* ---- for the other files of the provider (sipint.h) ------------------------------ */
unsigned sp_live_calls(void) { return S.live_calls; }
bool sip_process_full(void) { return S.live_calls >= S.max_calls; }
