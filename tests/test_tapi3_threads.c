/* TAPI 3 and threads: events through an ITTAPIEventNotification sink on the
 * library's thread (re-entrant calls from the sink, Shutdown and the last
 * Release from inside it), a blocking Connect ended from another thread, and
 * TAPI 3 objects used from several threads at once.  Run under TSan. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "test_tapi3.h"

static const unsigned char drop_uui[] = {0x04, 'b', 'y', 'e'};

/* ---- a sink written as an application writes one ---- */
typedef struct sink {
    ITTAPIEventNotification itf;
    atomic_uint refs;
    sem_t sem;          /* posted after every event, and by the last Release */
    pthread_mutex_t mu; /* guards what the sink records */
    CALL_STATE states[16];
    CALL_STATE_EVENT_CAUSE causes[16];
    unsigned nstates, nnotify;
    bool reject_offers;      /* Disconnect(DC_REJECTED) from inside Event */
    HRESULT reject_hr;
    ITTAPI *shutdown_on_end; /* Shutdown + last Release from inside Event */
    pthread_t thread;
    bool on_other_thread;
} sink;

static sink *sink_of(ITTAPIEventNotification *p) { return (sink *)(void *)p; }

static HRESULT WINAPI s_QueryInterface(ITTAPIEventNotification *This, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_ITTAPIEventNotification)) {
        atomic_fetch_add(&sink_of(This)->refs, 1);
        *ppv = This;
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}
static ULONG WINAPI s_AddRef(ITTAPIEventNotification *This)
{
    return atomic_fetch_add(&sink_of(This)->refs, 1) + 1;
}
static ULONG WINAPI s_Release(ITTAPIEventNotification *This)
{
    ULONG n = atomic_fetch_sub(&sink_of(This)->refs, 1) - 1;
    if (n == 0)
        sem_post(&sink_of(This)->sem);
    return n;
}

static HRESULT WINAPI s_Event(ITTAPIEventNotification *This, TAPI_EVENT type, IDispatch *ev)
{
    sink *s = sink_of(This);
    pthread_mutex_lock(&s->mu);
    s->on_other_thread = !pthread_equal(pthread_self(), s->thread);
    pthread_mutex_unlock(&s->mu);
    if (type == TE_CALLNOTIFICATION) {
        pthread_mutex_lock(&s->mu);
        s->nnotify++;
        pthread_mutex_unlock(&s->mu);
    } else if (type == TE_CALLSTATE) {
        ITCallStateEvent *se;
        if (IDispatch_QueryInterface(ev, &IID_ITCallStateEvent, (void **)&se) == S_OK) {
            CALL_STATE st;
            CALL_STATE_EVENT_CAUSE cause;
            ITCallInfo *ci;
            ITCallStateEvent_get_State(se, &st);
            ITCallStateEvent_get_Cause(se, &cause);
            ITCallStateEvent_get_Call(se, &ci);
            pthread_mutex_lock(&s->mu);
            if (s->nstates < 16) {
                s->states[s->nstates] = st;
                s->causes[s->nstates++] = cause;
            }
            bool reject = s->reject_offers && st == CS_OFFERING;
            ITTAPI *down = st == CS_DISCONNECTED ? s->shutdown_on_end : NULL;
            pthread_mutex_unlock(&s->mu);
            if (reject) {
                ITBasicCallControl *c;
                ITCallInfo_QueryInterface(ci, &IID_ITBasicCallControl, (void **)&c);
                HRESULT hr = ITBasicCallControl_Disconnect(c, DC_REJECTED);
                pthread_mutex_lock(&s->mu);
                s->reject_hr = hr;
                pthread_mutex_unlock(&s->mu);
                ITBasicCallControl_Release(c);
            }
            ITCallInfo_Release(ci);
            ITCallStateEvent_Release(se);
            if (down) {
                ITTAPI_Shutdown(down);
                ITTAPI_Release(down);
            }
        }
    }
    sem_post(&s->sem);
    return S_OK;
}

static const ITTAPIEventNotificationVtbl sink_vtbl = {s_QueryInterface, s_AddRef, s_Release,
                                                      s_Event};

/* The sink lives in static storage, not on the test's stack: if a check fails
 * while it is advised, the runner's cleanup shuts the TAPI object down after
 * the jump, and that Release must still find a live sink. */
static sink the_sink;

static sink *sink_init(void)
{
    sink *s = &the_sink;
    memset(s, 0, sizeof(*s));
    s->itf.lpVtbl = &sink_vtbl;
    atomic_init(&s->refs, 1);
    sem_init(&s->sem, 0, 0);
    pthread_mutex_init(&s->mu, NULL);
    s->thread = pthread_self();
    return s;
}

/* What the sink recorded, copied under its lock (checks never run with the
 * lock held: a failing one would leave it locked for the sinker thread). */
static sink sink_snapshot(sink *s)
{
    sink c;
    pthread_mutex_lock(&s->mu);
    memcpy(c.states, s->states, sizeof(c.states));
    memcpy(c.causes, s->causes, sizeof(c.causes));
    c.nstates = s->nstates;
    c.nnotify = s->nnotify;
    c.reject_hr = s->reject_hr;
    c.on_other_thread = s->on_other_thread;
    pthread_mutex_unlock(&s->mu);
    return c;
}

static void sink_done(sink *s)
{
    sem_destroy(&s->sem);
    pthread_mutex_destroy(&s->mu);
}

/* Advise through the connection point, as Windows applications do. */
static DWORD advise(ITTAPI *tapi, sink *s)
{
    IConnectionPointContainer *cpc;
    CHECK_HR(ITTAPI_QueryInterface(tapi, &IID_IConnectionPointContainer, (void **)&cpc), S_OK);
    IConnectionPoint *cp;
    CHECK_HR(IConnectionPointContainer_FindConnectionPoint(cpc, &IID_ITTAPIEventNotification, &cp),
             S_OK);
    DWORD cookie = 0;
    CHECK_HR(IConnectionPoint_Advise(cp, (IUnknown *)(void *)&s->itf, &cookie), S_OK);
    IConnectionPoint_Release(cp);
    IConnectionPointContainer_Release(cpc);
    return cookie;
}

TEST_THREADED(tapi3_sink_rejects_from_inside_event)
{
    sink *s = sink_init();
    s->reject_offers = true;
    t3app y;
    t3_init(&y, "y", TE_CALLNOTIFICATION | TE_CALLSTATE);
    ITAddress *a = t3_address(&y, 1);
    t3_register(&y, a, true, false);
    DWORD cookie = advise(y.tapi, s);
    CHECK_EQ(atomic_load(&s->refs), 2);

    tapp b;
    t_init(&b, "t2");
    HLINE lb = t_open(&b, 0, LINECALLPRIVILEGE_NONE);
    HCALL hb = t_make_call(&b, lb, "101", NULL, 0);
    t_expect_ringback(&b, hb);
    /* notification, OFFERING (the sink rejects), DISCONNECTED */
    for (int i = 0; i < 3; i++)
        CHECK(t_sem_wait(&s->sem, T_TIMEOUT_MS));
    t_expect_state(&b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_REJECT);
    sink got = sink_snapshot(s);
    CHECK_EQ(got.nnotify, 1);
    CHECK_EQ(got.nstates, 2);
    CHECK_EQ(got.states[0], CS_OFFERING);
    CHECK_EQ(got.states[1], CS_DISCONNECTED);
    CHECK_EQ(got.causes[1], CEC_DISCONNECT_REJECTED);
    CHECK_HR(got.reject_hr, S_OK);
    CHECK(got.on_other_thread);
    /* With a sink advised, otTapi3GetEvent finds nothing. */
    t3_expect_none(&y);
    CHECK_HR(otTapi3Unadvise(y.tapi, cookie), S_OK);
    CHECK_HR(otTapi3Unadvise(y.tapi, cookie), CONNECT_E_NOCONNECTION);
    CHECK_EQ(atomic_load(&s->refs), 1);
    t_drop_idle(&b, hb);
    ITAddress_Release(a);
    t3_done(&y);
    t_shutdown(&b);
    sink_done(s);
    t3_check_stats();
}

/* A check that fails while a sink is advised and a call is live: the runner
 * must report it and go on to the next test (tests/runner_check.sh runs it
 * named, before another test, and expects "1 passed, 1 failed"). */
TEST_THREADED(selftest_fails_with_sink_advised)
{
    sink *s = sink_init();
    t3app y;
    t3_init(&y, "y", TE_CALLNOTIFICATION | TE_CALLSTATE);
    ITAddress *a = t3_address(&y, 1);
    t3_register(&y, a, true, false);
    advise(y.tapi, s);
    tapp b;
    t_init(&b, "t2");
    HLINE lb = t_open(&b, 0, LINECALLPRIVILEGE_NONE);
    HCALL hb = t_make_call(&b, lb, "101", NULL, 0);
    t_expect_ringback(&b, hb);
    CHECK(t_sem_wait(&s->sem, T_TIMEOUT_MS)); /* the notification reached the sink */
    ITAddress_Release(a);
    FAIL("deliberate failure with a sink advised and a call offered");
}

/* Waits (bounded) for the TAPI 3 counters to reach zero: the sinker thread
 * of a TAPI object shut down from inside its sink lets go of it last. */
static void wait_stats_zero(void)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        OTTAPI3STATS st;
        t3_stats(&st);
        if (!st.dwTapiObjects && !st.dwCalls && !st.dwEvents)
            break;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        CHECK(t1.tv_sec - t0.tv_sec < (time_t)(T_TIMEOUT_MS / 1000));
        sched_yield();
    }
    t3_check_stats();
}

TEST_THREADED(tapi3_shutdown_and_last_release_from_inside_sink)
{
    sink *s = sink_init();
    t3app x;
    t3_init(&x, "x", TE_CALLSTATE);
    ITAddress *a = t3_address(&x, 0);
    advise(x.tapi, s);
    ITTAPIEventNotification_Release(&s->itf); /* the TAPI object holds the only one */
    ITBasicCallControl *c = t3_create(a, "999");
    ITAddress_Release(a);
    /* The sink shuts the object down at CS_DISCONNECTED and releases the
     * application's last reference to it. */
    t3_forget(&x);
    pthread_mutex_lock(&s->mu);
    s->shutdown_on_end = x.tapi;
    pthread_mutex_unlock(&s->mu);
    CHECK_HR(ITBasicCallControl_Connect(c, VARIANT_FALSE), S_OK);
    ITBasicCallControl_Release(c);
    CHECK(t_sem_wait(&s->sem, T_TIMEOUT_MS)); /* INPROGRESS */
    CHECK(t_sem_wait(&s->sem, T_TIMEOUT_MS)); /* DISCONNECTED */
    CHECK(t_sem_wait(&s->sem, T_TIMEOUT_MS)); /* the TAPI object let go of the sink */
    sink got = sink_snapshot(s);
    CHECK_EQ(got.nstates, 2);
    CHECK_EQ(got.causes[1], CEC_DISCONNECT_BADADDRESS);
    CHECK_EQ(atomic_load(&s->refs), 0);
    wait_stats_zero();
    sink_done(s);
}

/* A synchronous Connect waits for the answer; another thread disconnects. */
struct connector {
    struct th th;
    ITBasicCallControl *c;
    HRESULT hr;
};

static void *connect_main(void *arg)
{
    struct connector *k = arg;
    k->hr = ITBasicCallControl_Connect(k->c, VARIANT_TRUE);
    return NULL;
}

TEST_THREADED(tapi3_sync_connect_answered_and_disconnected_from_other_threads)
{
    t3app x;
    t3_init(&x, "x", TE_CALLSTATE);
    tapp b;
    t_init(&b, "t2");
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    ITAddress *a = t3_address(&x, 0);

    /* Answered: Connect(VARIANT_TRUE) returns S_OK once connected. */
    struct connector k = {{"connector", ""}, t3_create(a, "101"), E_FAIL};
    pthread_t th;
    CHECK_EQ(pthread_create(&th, NULL, connect_main, &k), 0);
    HCALL hb = t_expect_offer(&b, lb);
    LONG req = lineAnswer(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&b, req, 0);
    pthread_join(th, NULL);
    CHECK_HR(k.hr, S_OK);
    t3_expect_state(&x, k.c, CS_INPROGRESS, CEC_NONE);
    t3_expect_state(&x, k.c, CS_CONNECTED, CEC_NONE);
    t3_stage_uui(k.c, drop_uui, sizeof(drop_uui));
    CHECK_HR(ITBasicCallControl_Disconnect(k.c, DC_NORMAL), S_OK);
    t3_expect_state(&x, k.c, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t_expect_callinfo(&b, hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&b, hb);
    t3_release_last(k.c);

    /* Not answered: this thread disconnects while Connect waits. */
    k.c = t3_create(a, "101");
    k.hr = E_FAIL;
    CHECK_EQ(pthread_create(&th, NULL, connect_main, &k), 0);
    hb = t_expect_offer(&b, lb);
    t3_expect_state(&x, k.c, CS_INPROGRESS, CEC_NONE);
    CHECK_HR(ITBasicCallControl_Disconnect(k.c, DC_NOANSWER), S_OK);
    pthread_join(th, NULL);
    CHECK_HR(k.hr, TAPI_E_DESTNOANSWER);
    t3_expect_state(&x, k.c, CS_DISCONNECTED, CEC_DISCONNECT_NOANSWER);
    t_expect_state(&b, hb, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t3_release_last(k.c);
    t3_expect_none(&x);
    ITAddress_Release(a);
    t3_done(&x);
    t_shutdown(&b);
    t3_check_stats();
}

/* Several threads, each with its own pair of TAPI 3 objects, run call
 * cycles at the same time (devices 2..7), checking every event. */
#define CYCLES 25

struct pairrun {
    struct th th;
    DWORD dev;
};

static bool next_state(struct th *t, t3app *x, CALL_STATE want, CALL_STATE_EVENT_CAUSE cause,
                       ITBasicCallControl **call)
{
    TAPI_EVENT type;
    IDispatch *ev = NULL;
    HRESULT hr = otTapi3GetEvent(x->tapi, T_TIMEOUT_MS, &type, &ev);
    if (hr != S_OK)
        return th_fail(t, "%s: no event (%s)", x->name, otTapi3ErrorName(hr));
    if (type == TE_CALLNOTIFICATION) {
        ITCallNotificationEvent *ne;
        IDispatch_QueryInterface(ev, &IID_ITCallNotificationEvent, (void **)&ne);
        IDispatch_Release(ev);
        ITCallInfo *ci;
        ITCallNotificationEvent_get_Call(ne, &ci);
        ITCallNotificationEvent_Release(ne);
        ITCallInfo_QueryInterface(ci, &IID_ITBasicCallControl, (void **)call);
        ITCallInfo_Release(ci);
        return next_state(t, x, want, cause, call);
    }
    ITCallStateEvent *se = NULL;
    IDispatch_QueryInterface(ev, &IID_ITCallStateEvent, (void **)&se);
    IDispatch_Release(ev);
    if (!se)
        return th_fail(t, "%s: %s, expected TE_CALLSTATE", x->name, otTapi3EventName(type));
    CALL_STATE st;
    CALL_STATE_EVENT_CAUSE c;
    ITCallStateEvent_get_State(se, &st);
    ITCallStateEvent_get_Cause(se, &c);
    ITCallStateEvent_Release(se);
    if (st != want || c != cause)
        return th_fail(t, "%s: %s/%s, expected %s/%s", x->name, otTapi3CallStateName(st),
                       otTapi3CauseName(c), otTapi3CallStateName(want), otTapi3CauseName(cause));
    return true;
}

static void *pair_main(void *arg)
{
    struct pairrun *r = arg;
    struct th *t = &r->th;
    ITTAPI *tx = NULL, *ty = NULL;
    if (otTapi3Create(&tx) || otTapi3Create(&ty) || ITTAPI_Initialize(tx) ||
        ITTAPI_Initialize(ty)) {
        th_fail(t, "initialize");
        goto out;
    }
    t3app x = {tx, "x"}, y = {ty, "y"};
    ITTAPI_put_EventFilter(tx, TE_CALLSTATE);
    ITTAPI_put_EventFilter(ty, TE_CALLSTATE | TE_CALLNOTIFICATION);
    ITAddress *ax = NULL, *ay = NULL, *a;
    IEnumAddress *e;
    ITTAPI_EnumerateAddresses(tx, &e);
    for (DWORD i = 0; IEnumAddress_Next(e, 1, &a, NULL) == S_OK; i++)
        if (i == r->dev)
            ax = a;
        else
            ITAddress_Release(a);
    IEnumAddress_Release(e);
    ITTAPI_EnumerateAddresses(ty, &e);
    for (DWORD i = 0; IEnumAddress_Next(e, 1, &a, NULL) == S_OK; i++)
        if (i == r->dev + 1)
            ay = a;
        else
            ITAddress_Release(a);
    IEnumAddress_Release(e);
    LONG reg;
    if (!ax || !ay ||
        ITTAPI_RegisterCallNotifications(ty, ay, VARIANT_FALSE, VARIANT_TRUE, TAPIMEDIATYPE_AUDIO,
                                         0, &reg) != S_OK) {
        th_fail(t, "addresses");
        goto release;
    }
    char dest[8];
    snprintf(dest, sizeof(dest), "%u", (unsigned)(100 + r->dev + 1));
    for (int i = 0; i < CYCLES; i++) {
        ITBasicCallControl *c = NULL, *k = NULL;
        BSTR d = SysAllocString(dest);
        HRESULT hr = ITAddress_CreateCall(ax, d, LINEADDRESSTYPE_PHONENUMBER, TAPIMEDIATYPE_AUDIO,
                                          &c);
        SysFreeString(d);
        bool ok = TH_OK(t, hr == S_OK) && TH_OK(t, ITBasicCallControl_Connect(c, 0) == S_OK) &&
                  next_state(t, &x, CS_INPROGRESS, CEC_NONE, NULL) &&
                  next_state(t, &y, CS_OFFERING, CEC_NONE, &k) && TH_OK(t, k != NULL) &&
                  TH_OK(t, ITBasicCallControl_Answer(k) == S_OK) &&
                  next_state(t, &y, CS_CONNECTED, CEC_NONE, NULL) &&
                  next_state(t, &x, CS_CONNECTED, CEC_NONE, NULL);
        if (ok) {
            ITCallInfo *ci;
            ITBasicCallControl_QueryInterface(c, &IID_ITCallInfo, (void **)&ci);
            ok = TH_OK(t, ITCallInfo_SetCallInfoBuffer(ci, CIB_USERUSERINFO, sizeof(drop_uui),
                                                       (BYTE *)(uintptr_t)drop_uui) == S_OK);
            ITCallInfo_Release(ci);
        }
        ok = ok && TH_OK(t, ITBasicCallControl_Disconnect(c, DC_NORMAL) == S_OK) &&
             next_state(t, &x, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL, NULL) &&
             next_state(t, &y, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL, NULL);
        if (ok) {
            ITCallInfo *ci;
            ITBasicCallControl_QueryInterface(k, &IID_ITCallInfo, (void **)&ci);
            DWORD size = 0;
            BYTE *buf = NULL;
            ITCallInfo_GetCallInfoBuffer(ci, CIB_USERUSERINFO, &size, &buf);
            ok = TH_OK(t, size == sizeof(drop_uui) && !memcmp(buf, drop_uui, size));
            CoTaskMemFree(buf);
            ITCallInfo_Release(ci);
        }
        if (c)
            ITBasicCallControl_Release(c);
        if (k)
            ITBasicCallControl_Release(k);
        if (!ok)
            break;
    }
release:
    if (ax)
        ITAddress_Release(ax);
    if (ay)
        ITAddress_Release(ay);
out:
    if (tx) {
        ITTAPI_Shutdown(tx);
        ITTAPI_Release(tx);
    }
    if (ty) {
        ITTAPI_Shutdown(ty);
        ITTAPI_Release(ty);
    }
    return NULL;
}

TEST_THREADED(tapi3_concurrent_call_cycles_on_three_threads)
{
    struct pairrun r[3] = {{{"pair 2-3", ""}, 2}, {{"pair 4-5", ""}, 4}, {{"pair 6-7", ""}, 6}};
    pthread_t th[3];
    for (int i = 0; i < 3; i++)
        CHECK_EQ(pthread_create(&th[i], NULL, pair_main, &r[i]), 0);
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 3; i++)
        th_report(&r[i].th);
    t3_check_stats();
}
