/* Allocation failure: the test runner is linked with malloc, calloc and
 * realloc wrapped (-Wl,--wrap, Makefile), so that the library's allocations
 * (everything in libopentapi.a; not Sofia-SIP's, a shared library) can be made
 * to fail one at a time.  Each sweep runs a scenario again and again, failing
 * its 1st, 2nd, 3rd ... allocation, until a run completes without reaching
 * the failure.  Every run must end without a crash or a leak (ASan/LSan), with
 * every error the documented one (LINEERR_NOMEM), every request that returned
 * an id answered by exactly one LINE_REPLY, nothing left behind after the
 * applications shut down, and the library fully usable afterwards. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "tapi3.h"
#include "test.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

static atomic_long fail_at = -1; /* the allocation (0-based) to fail; -1: none */
static atomic_long seen;         /* allocations since armed */
static atomic_bool injected;

static bool inject(void)
{
    long k = atomic_load(&fail_at);
    if (k < 0)
        return false;
    if (atomic_fetch_add(&seen, 1) != k)
        return false;
    atomic_store(&injected, true);
    return true;
}

void *__wrap_malloc(size_t n) { return inject() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { return inject() ? NULL : __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { return inject() ? NULL : __real_realloc(p, n); }

#define CHECK_HR3(call)                                                                        \
    do {                                                                                       \
        HRESULT hr3_ = (call);                                                                 \
        if (hr3_ != S_OK)                                                                      \
            FAIL("%s: %s", #call, otTapi3ErrorName(hr3_));                                    \
    } while (0)

static void arm(long k)
{
    atomic_store(&seen, 0);
    atomic_store(&injected, false);
    atomic_store(&fail_at, k);
}

static void disarm(void) { atomic_store(&fail_at, -1); }

/* ---- scenarios: every step may fail; the first failure ends the run ---- */
struct run {
    HLINEAPP a, b, c;
    LONG bad;         /* an error that is not LINEERR_NOMEM, 0 if none */
    const char *step; /* where it came */
    bool lost_reply;  /* a request's LINE_REPLY never came */
    bool bad_is_hr;   /* bad is a TAPI 3 HRESULT */
    /* TAPI 3 scenarios: the objects end_run releases */
    ITTAPI *tapi;
    bool tapi_up; /* Initialize succeeded: Shutdown before the Release */
    ITAddress *addr;
    ITBasicCallControl *call;
};

/* false when rc is an error (recorded if it is not the documented one) */
static bool ok(struct run *r, LONG rc, const char *step)
{
    if (rc >= 0)
        return true;
    if (rc != (LONG)LINEERR_NOMEM && !r->bad) {
        r->bad = rc;
        r->step = step;
    }
    return false;
}

static bool init(struct run *r, HLINEAPP *h, const char *name)
{
    LINEINITIALIZEEXPARAMS p;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = sizeof(p);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    DWORD n = 0, api = T_API;
    return ok(r, lineInitializeEx(h, NULL, NULL, name, &n, &api, &p), name);
}

static bool open_line(struct run *r, HLINEAPP app, DWORD dev, HLINE *hl)
{
    return ok(r,
              lineOpen(app, dev, hl, T_API, 0, 0, LINECALLPRIVILEGE_OWNER,
                       LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
              "lineOpen");
}

/* The newest call an application was offered (messages read and dropped). */
static HCALL offered(HLINEAPP app)
{
    HCALL h = 0;
    LINEMESSAGE m;
    while (lineGetMessage(app, &m, 0) == 0)
        if (m.dwMessageID == LINE_APPNEWCALL)
            h = (HCALL)m.dwParam2;
    return h;
}

/* The switch answers at once: a request that returned an id has its one
 * LINE_REPLY queued already, whatever allocation failed (the room for it
 * was reserved when the request was made).  Reads the queue. */
static bool replied(struct run *r, HLINEAPP app, LONG req, const char *step)
{
    unsigned n = 0;
    LINEMESSAGE m;
    while (lineGetMessage(app, &m, 0) == 0)
        n += m.dwMessageID == LINE_REPLY && (LONG)m.dwParam1 == req;
    if (n != 1 && !r->bad) {
        r->bad = n ? (LONG)LINEERR_OPERATIONFAILED : (LONG)LINEERR_NOMEM;
        r->step = n ? "two replies" : step;
        r->lost_reply = n == 0;
    }
    return n == 1;
}

static void drain(HLINEAPP app)
{
    LINEMESSAGE m;
    if (app)
        while (lineGetMessage(app, &m, 0) == 0)
            ;
}

/* The same for TAPI 3: S_OK or S_FALSE go on, E_OUTOFMEMORY is the
 * documented failure. */
static bool hr_ok(struct run *r, HRESULT hr, const char *step)
{
    if (hr == S_OK || hr == S_FALSE)
        return true;
    if (hr != E_OUTOFMEMORY && !r->bad) {
        r->bad = (LONG)hr;
        r->bad_is_hr = true;
        r->step = step;
    }
    return false;
}

static void end_run(struct run *r)
{
    if (r->call)
        ITBasicCallControl_Release(r->call);
    if (r->addr)
        ITAddress_Release(r->addr);
    if (r->tapi) {
        if (r->tapi_up)
            hr_ok(r, ITTAPI_Shutdown(r->tapi), "ITTAPI::Shutdown");
        ITTAPI_Release(r->tapi);
    }
    HLINEAPP apps[] = {r->a, r->b, r->c};
    for (int i = 0; i < 3; i++)
        if (apps[i]) {
            drain(apps[i]);
            LONG rc = lineShutdown(apps[i]);
            if (rc && !r->bad) {
                r->bad = rc;
                r->step = "lineShutdown";
            }
        }
}

/* make (with UUI), answer (with UUI), drop with UUI, far end reads it and
 * drops, both deallocate */
static void scenario_call(struct run *r)
{
    HLINE la, lb;
    if (!init(r, &r->a, "caller") || !init(r, &r->b, "callee") || !open_line(r, r->a, 0, &la) ||
        !open_line(r, r->b, 1, &lb))
        return;
    union {
        LINECALLPARAMS p;
        unsigned char raw[sizeof(LINECALLPARAMS) + 8];
    } cp;
    memset(&cp, 0, sizeof(cp));
    cp.p.dwTotalSize = sizeof(cp);
    cp.p.dwUserUserInfoSize = 5;
    cp.p.dwUserUserInfoOffset = sizeof(LINECALLPARAMS);
    memcpy(cp.raw + sizeof(LINECALLPARAMS), "hello", 5);
    HCALL ha = 0;
    LONG req = lineMakeCall(la, &ha, "101", 0, &cp.p);
    if (!ok(r, req, "lineMakeCall") || !replied(r, r->a, req, "lineMakeCall's reply"))
        return;
    HCALL hb = offered(r->b);
    if (!hb || !ha)
        return; /* a message or handle lost to the failure: nothing to go on with */
    req = lineAnswer(hb, "yes", 3);
    if (!ok(r, req, "lineAnswer") || !replied(r, r->b, req, "lineAnswer's reply"))
        return;
    drain(r->a);
    req = lineDrop(ha, "bye", 3);
    if (!ok(r, req, "lineDrop") || !replied(r, r->a, req, "lineDrop's reply"))
        return;
    union {
        LINECALLINFO ci;
        unsigned char raw[sizeof(LINECALLINFO) + 512];
    } u;
    memset(&u, 0, sizeof(u));
    u.ci.dwTotalSize = sizeof(u);
    if (!ok(r, lineGetCallInfo(hb, &u.ci), "lineGetCallInfo"))
        return;
    drain(r->b);
    req = lineDrop(hb, NULL, 0);
    if (!ok(r, req, "lineDrop far end") || !replied(r, r->b, req, "far end lineDrop's reply") ||
        !ok(r, lineDeallocateCall(ha), "lineDeallocateCall") ||
        !ok(r, lineDeallocateCall(hb), "lineDeallocateCall far end"))
        return;
}

/* host 100 - bob 101 connected, conference set up, carol 102 added, the
 * conference dropped (CONFDROP) */
static void scenario_conference(struct run *r)
{
    HLINE lh, lb, lc;
    if (!init(r, &r->a, "host") || !init(r, &r->b, "bob") || !init(r, &r->c, "carol") ||
        !open_line(r, r->a, 0, &lh) || !open_line(r, r->b, 1, &lb) || !open_line(r, r->c, 2, &lc))
        return;
    HCALL hh = 0, hconf = 0, hk = 0;
    if (!ok(r, lineMakeCall(lh, &hh, "101", 0, NULL), "lineMakeCall"))
        return;
    drain(r->a);
    HCALL hb = offered(r->b);
    if (!hb || !hh || !ok(r, lineAnswer(hb, NULL, 0), "lineAnswer"))
        return;
    drain(r->a);
    if (!ok(r, lineSetupConference(hh, 0, &hconf, &hk, 3, NULL), "lineSetupConference"))
        return;
    drain(r->a);
    if (!hconf || !hk || !ok(r, lineDial(hk, "102", 0), "lineDial"))
        return;
    drain(r->a);
    HCALL hc = offered(r->c);
    if (!hc || !ok(r, lineAnswer(hc, NULL, 0), "lineAnswer carol"))
        return;
    drain(r->a);
    if (!ok(r, lineAddToConference(hconf, hk), "lineAddToConference"))
        return;
    drain(r->a);
    ok(r, lineDrop(hconf, "all", 3), "lineDrop conference");
}

/* TAPI 3: the caller is a TAPI object on device 0 (Initialize, the address,
 * CreateCall with UUI staged, Connect), the callee a line application on
 * device 1 that answers; the caller's Disconnect(DC_NORMAL) with UUI, then
 * the callee drops; everything released.  The layer's reader and event
 * threads allocate too, so a failure can fall on them: a lost event or call
 * update may follow, never a lost reply (the waits are bounded). */
static void scenario_tapi3(struct run *r)
{
    HLINE lb;
    if (!init(r, &r->b, "callee") || !open_line(r, r->b, 1, &lb))
        return;
    if (!hr_ok(r, otTapi3Create(&r->tapi), "otTapi3Create"))
        return;
    if (!hr_ok(r, ITTAPI_Initialize(r->tapi), "ITTAPI::Initialize"))
        return;
    r->tapi_up = true;
    if (!hr_ok(r, otTapi3SetTimeout(r->tapi, T_TIMEOUT_MS), "otTapi3SetTimeout") ||
        !hr_ok(r, ITTAPI_put_EventFilter(r->tapi, TE_CALLSTATE | TE_CALLINFOCHANGE),
               "ITTAPI::put_EventFilter"))
        return;
    IEnumAddress *e = NULL;
    if (!hr_ok(r, ITTAPI_EnumerateAddresses(r->tapi, &e), "ITTAPI::EnumerateAddresses"))
        return;
    HRESULT hr = IEnumAddress_Next(e, 1, &r->addr, NULL); /* device 0 comes first */
    IEnumAddress_Release(e);
    if (hr != S_OK) {
        r->addr = NULL;
        hr_ok(r, hr == S_FALSE ? E_FAIL : hr, "IEnumAddress::Next");
        return;
    }
    BSTR dest = SysAllocString("101");
    if (!dest)
        return; /* the string allocator is the library's too */
    hr = ITAddress_CreateCall(r->addr, dest, LINEADDRESSTYPE_PHONENUMBER, TAPIMEDIATYPE_AUDIO,
                              &r->call);
    SysFreeString(dest);
    if (!hr_ok(r, hr, "ITAddress::CreateCall"))
        return;
    ITCallInfo *ci = NULL;
    if (!hr_ok(r, ITBasicCallControl_QueryInterface(r->call, &IID_ITCallInfo, (void **)&ci),
               "QueryInterface(ITCallInfo)"))
        return;
    static BYTE hello[] = {0x04, 'h', 'i'}, bye[] = {0x04, 'b', 'y', 'e'};
    hr = ITCallInfo_SetCallInfoBuffer(ci, CIB_USERUSERINFO, sizeof(hello), hello);
    if (!hr_ok(r, hr, "ITCallInfo::SetCallInfoBuffer") ||
        !hr_ok(r, ITBasicCallControl_Connect(r->call, VARIANT_FALSE), "ITBasicCallControl::Connect")) {
        ITCallInfo_Release(ci);
        return;
    }
    HCALL hb = offered(r->b);
    if (!hb) {
        ITCallInfo_Release(ci);
        return;
    }
    LONG req = lineAnswer(hb, NULL, 0);
    if (!ok(r, req, "lineAnswer") || !replied(r, r->b, req, "lineAnswer's reply")) {
        ITCallInfo_Release(ci);
        return;
    }
    /* The caller's call connects on the layer's reader thread: wait for its
     * CS_CONNECTED event (bounded: an event lost to the failure ends the wait
     * at the timeout, the Disconnect then ends a call still in progress). */
    for (;;) {
        TAPI_EVENT type;
        IDispatch *ev = NULL;
        if (otTapi3GetEvent(r->tapi, 2000, &type, &ev) != S_OK)
            break;
        CALL_STATE st = CS_IDLE;
        ITCallStateEvent *se = NULL;
        if (type == TE_CALLSTATE &&
            IDispatch_QueryInterface(ev, &IID_ITCallStateEvent, (void **)&se) == S_OK) {
            ITCallStateEvent_get_State(se, &st);
            ITCallStateEvent_Release(se);
        }
        IDispatch_Release(ev);
        if (st == CS_CONNECTED || st == CS_DISCONNECTED)
            break;
    }
    hr = ITCallInfo_SetCallInfoBuffer(ci, CIB_USERUSERINFO, sizeof(bye), bye);
    ITCallInfo_Release(ci);
    if (!hr_ok(r, hr, "ITCallInfo::SetCallInfoBuffer (drop)") ||
        !hr_ok(r, ITBasicCallControl_Disconnect(r->call, DC_NORMAL),
               "ITBasicCallControl::Disconnect"))
        return;
    drain(r->b);
    req = lineDrop(hb, NULL, 0);
    if (!ok(r, req, "lineDrop far end") || !replied(r, r->b, req, "far end lineDrop's reply"))
        return;
    ok(r, lineDeallocateCall(hb), "lineDeallocateCall far end");
}

static void sweep(void (*scenario)(struct run *), const char *name)
{
    /* Out-of-memory records are what the sweep provokes; it checks the results. */
    t_log_quiet();
    OTTAPI3STATS t3base;
    CHECK_HR3(otTapi3GetStats(&t3base));
    long k = 0;
    for (; k < 100000; k++) {
        struct run r;
        memset(&r, 0, sizeof(r));
        arm(k);
        scenario(&r);
        disarm();
        bool reached = atomic_load(&injected);
        end_run(&r);
        if (r.lost_reply)
            FAIL("%s, allocation %ld failed: %s never came", name, k, r.step);
        if (r.bad && r.bad_is_hr)
            FAIL("%s, allocation %ld failed: %s gave %s, expected E_OUTOFMEMORY", name, k,
                 r.step, otTapi3ErrorName((HRESULT)r.bad));
        if (r.bad)
            FAIL("%s, allocation %ld failed: %s gave %s, expected LINEERR_NOMEM", name, k,
                 r.step, otErrorName(r.bad));
        OTTAPI3STATS t3;
        CHECK_HR3(otTapi3GetStats(&t3));
        if (t3.dwTapiObjects != t3base.dwTapiObjects || t3.dwCalls != t3base.dwCalls ||
            t3.dwEvents != t3base.dwEvents || t3.dwEnumerators != t3base.dwEnumerators ||
            t3.dwStrings != t3base.dwStrings || t3.dwTaskMem != t3base.dwTaskMem)
            FAIL("%s, allocation %ld failed: TAPI 3 objects left: %u tapi, %u calls, %u events, "
                 "%u enums, %u strings, %u task blocks",
                 name, k, (unsigned)(t3.dwTapiObjects - t3base.dwTapiObjects),
                 (unsigned)(t3.dwCalls - t3base.dwCalls), (unsigned)(t3.dwEvents - t3base.dwEvents),
                 (unsigned)(t3.dwEnumerators - t3base.dwEnumerators),
                 (unsigned)(t3.dwStrings - t3base.dwStrings),
                 (unsigned)(t3.dwTaskMem - t3base.dwTaskMem));
        OTSTATS st;
        CHECK_RC(otGetStats(&st), 0);
        if (st.dwApps || st.dwCalls || st.dwCallHandles || st.dwRequests || st.dwProviderCalls)
            FAIL("%s, allocation %ld failed: left %u apps, %u calls, %u handles, %u requests, "
                 "%u provider calls",
                 name, k, (unsigned)st.dwApps, (unsigned)st.dwCalls, (unsigned)st.dwCallHandles,
                 (unsigned)st.dwRequests, (unsigned)st.dwProviderCalls);
        if (!reached)
            break; /* the scenario ran through: every allocation in it was tried */
    }
    if (getenv("OT_ALLOC_SWEEP_VERBOSE"))
        fprintf(stderr, "%s: %ld allocations swept\n", name, k);
    CHECK(k > 10); /* the scenario does allocate: the sweep really swept */
    /* And the library works normally afterwards. */
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.b, hb);
    t_pair_done(&p);
}

TEST(alloc_fail_each_in_call_with_uui) { sweep(scenario_call, "call"); }
TEST(alloc_fail_each_in_conference_drop) { sweep(scenario_conference, "conference"); }
TEST(alloc_fail_each_in_tapi3_connect_disconnect) { sweep(scenario_tapi3, "tapi3"); }
