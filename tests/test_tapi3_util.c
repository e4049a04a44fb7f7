/* Helpers of the TAPI 3 tests: see test_tapi3.h. */
#include <stdlib.h>

#include "test_tapi3.h"

/* TAPI objects of the running test that t3_done has not ended yet: after a
 * failed test the runner's cleanup shuts them down, and what the test still
 * held becomes the baseline of t3_check_stats, so one failure does not fail
 * every TAPI 3 test after it. */
#define T3_MAX_LIVE 16
static ITTAPI *live[T3_MAX_LIVE];
static OTTAPI3STATS baseline;

static void t3_cleanup(void)
{
    bool any = false;
    for (int i = 0; i < T3_MAX_LIVE; i++)
        if (live[i]) {
            ITTAPI_Shutdown(live[i]);
            ITTAPI_Release(live[i]);
            live[i] = NULL;
            any = true;
        }
    if (any)
        otTapi3GetStats(&baseline);
}

__attribute__((constructor)) static void t3_register_cleanup(void) { t_at_cleanup(t3_cleanup); }

static void live_set(ITTAPI *from, ITTAPI *to)
{
    for (int i = 0; i < T3_MAX_LIVE; i++)
        if (live[i] == from) {
            live[i] = to;
            return;
        }
    if (to)
        FAIL("more than %d TAPI objects in one test", T3_MAX_LIVE);
}

void t3_forget(t3app *x) { live_set(x->tapi, NULL); }

void t3_init(t3app *x, const char *name, LONG filter)
{
    x->name = name;
    CHECK_HR(otTapi3Create(&x->tapi), S_OK);
    live_set(NULL, x->tapi);
    CHECK_HR(ITTAPI_Initialize(x->tapi), S_OK);
    CHECK_HR(otTapi3SetTimeout(x->tapi, T_TIMEOUT_MS), S_OK);
    CHECK_HR(ITTAPI_put_EventFilter(x->tapi, filter), S_OK);
}

ITAddress *t3_address(t3app *x, DWORD dev)
{
    IEnumAddress *e;
    CHECK_HR(ITTAPI_EnumerateAddresses(x->tapi, &e), S_OK);
    ITAddress *a, *found = NULL;
    while (!found && IEnumAddress_Next(e, 1, &a, NULL) == S_OK) {
        ITAddressCapabilities *caps;
        CHECK_HR(ITAddress_QueryInterface(a, &IID_ITAddressCapabilities, (void **)&caps), S_OK);
        LONG line;
        CHECK_HR(ITAddressCapabilities_get_AddressCapability(caps, AC_LINEID, &line), S_OK);
        ITAddressCapabilities_Release(caps);
        if ((DWORD)line == dev)
            found = a;
        else
            ITAddress_Release(a);
    }
    IEnumAddress_Release(e);
    CHECK(found != NULL);
    return found;
}

LONG t3_register(t3app *x, ITAddress *a, bool owner, bool monitor)
{
    LONG reg = 0;
    CHECK_HR(ITTAPI_RegisterCallNotifications(x->tapi, a, monitor ? VARIANT_TRUE : VARIANT_FALSE,
                                              owner ? VARIANT_TRUE : VARIANT_FALSE,
                                              TAPIMEDIATYPE_AUDIO, 0, &reg),
             S_OK);
    CHECK(reg != 0);
    return reg;
}

ITBasicCallControl *t3_create(ITAddress *a, const char *dest)
{
    ITBasicCallControl *c = NULL;
    BSTR d = SysAllocString(dest);
    CHECK(d != NULL);
    HRESULT hr = ITAddress_CreateCall(a, d, LINEADDRESSTYPE_PHONENUMBER, TAPIMEDIATYPE_AUDIO, &c);
    SysFreeString(d);
    CHECK_HR(hr, S_OK);
    CHECK(c != NULL);
    return c;
}

ITCallInfo *t3_info(ITBasicCallControl *c)
{
    ITCallInfo *ci = NULL;
    CHECK_HR(ITBasicCallControl_QueryInterface(c, &IID_ITCallInfo, (void **)&ci), S_OK);
    return ci;
}

ITBasicCallControl *t3_bcc(ITCallInfo *ci)
{
    ITBasicCallControl *c = NULL;
    CHECK_HR(ITCallInfo_QueryInterface(ci, &IID_ITBasicCallControl, (void **)&c), S_OK);
    return c;
}

static IDispatch *next_event(t3app *x, TAPI_EVENT *type, const char *f, int l)
{
    IDispatch *ev = NULL;
    HRESULT hr = otTapi3GetEvent(x->tapi, T_TIMEOUT_MS, type, &ev);
    if (hr != S_OK || !ev)
        ot_test_fail(f, l, "%s: no event (%s)", x->name, otTapi3ErrorName(hr));
    return ev;
}

/* The event's call is c (compared by ITCallInfo identity). */
static void check_call(ITCallInfo *got, ITBasicCallControl *c, const char *f, int l)
{
    if (!c)
        return;
    ITCallInfo *want = t3_info(c);
    ITCallInfo_Release(want);
    if (got != want)
        ot_test_fail(f, l, "event of another call");
}

void t3_expect_state_(t3app *x, ITBasicCallControl *c, CALL_STATE s, CALL_STATE_EVENT_CAUSE cause,
                      const char *f, int l)
{
    TAPI_EVENT type;
    IDispatch *ev = next_event(x, &type, f, l);
    if (type != TE_CALLSTATE) {
        IDispatch_Release(ev);
        if (type == TE_CALLINFOCHANGE)
            ot_test_fail(f, l, "%s: got TE_CALLINFOCHANGE, expected TE_CALLSTATE %s", x->name,
                         otTapi3CallStateName(s));
        ot_test_fail(f, l, "%s: got %s, expected TE_CALLSTATE %s", x->name, otTapi3EventName(type),
                     otTapi3CallStateName(s));
    }
    ITCallStateEvent *se;
    CHECK_HR(IDispatch_QueryInterface(ev, &IID_ITCallStateEvent, (void **)&se), S_OK);
    IDispatch_Release(ev);
    CALL_STATE gs;
    CALL_STATE_EVENT_CAUSE gc;
    ITCallInfo *ci;
    CHECK_HR(ITCallStateEvent_get_State(se, &gs), S_OK);
    CHECK_HR(ITCallStateEvent_get_Cause(se, &gc), S_OK);
    CHECK_HR(ITCallStateEvent_get_Call(se, &ci), S_OK);
    ITCallStateEvent_Release(se);
    ITCallInfo_Release(ci); /* the call object outlives its events */
    if (gs != s || gc != cause)
        ot_test_fail(f, l, "%s: got %s/%s, expected %s/%s", x->name, otTapi3CallStateName(gs),
                     otTapi3CauseName(gc), otTapi3CallStateName(s), otTapi3CauseName(cause));
    check_call(ci, c, f, l);
}

void t3_expect_info_(t3app *x, ITBasicCallControl *c, CALLINFOCHANGE_CAUSE cic, const char *f,
                     int l)
{
    TAPI_EVENT type;
    IDispatch *ev = next_event(x, &type, f, l);
    ITCallInfoChangeEvent *ie = NULL;
    HRESULT hr = IDispatch_QueryInterface(ev, &IID_ITCallInfoChangeEvent, (void **)&ie);
    IDispatch_Release(ev);
    if (type != TE_CALLINFOCHANGE || hr != S_OK)
        ot_test_fail(f, l, "%s: got %s, expected TE_CALLINFOCHANGE %d", x->name,
                     otTapi3EventName(type), (int)cic);
    CALLINFOCHANGE_CAUSE got;
    ITCallInfo *ci;
    CHECK_HR(ITCallInfoChangeEvent_get_Cause(ie, &got), S_OK);
    CHECK_HR(ITCallInfoChangeEvent_get_Call(ie, &ci), S_OK);
    ITCallInfoChangeEvent_Release(ie);
    ITCallInfo_Release(ci);
    if (got != cic)
        ot_test_fail(f, l, "%s: TE_CALLINFOCHANGE cause %d, expected %d", x->name, (int)got,
                     (int)cic);
    check_call(ci, c, f, l);
}

ITBasicCallControl *t3_expect_notify_(t3app *x, CALL_NOTIFICATION_EVENT cne, LONG instance,
                                      const char *f, int l)
{
    TAPI_EVENT type;
    IDispatch *ev = next_event(x, &type, f, l);
    ITCallNotificationEvent *ne = NULL;
    HRESULT hr = IDispatch_QueryInterface(ev, &IID_ITCallNotificationEvent, (void **)&ne);
    IDispatch_Release(ev);
    if (type != TE_CALLNOTIFICATION || hr != S_OK)
        ot_test_fail(f, l, "%s: got %s, expected TE_CALLNOTIFICATION", x->name,
                     otTapi3EventName(type));
    CALL_NOTIFICATION_EVENT got;
    LONG inst;
    ITCallInfo *ci;
    CHECK_HR(ITCallNotificationEvent_get_Event(ne, &got), S_OK);
    CHECK_HR(ITCallNotificationEvent_get_CallbackInstance(ne, &inst), S_OK);
    CHECK_HR(ITCallNotificationEvent_get_Call(ne, &ci), S_OK);
    ITCallNotificationEvent_Release(ne);
    CHECK_EQ(got, cne);
    CHECK_EQ(inst, instance);
    ITBasicCallControl *c = t3_bcc(ci);
    ITCallInfo_Release(ci);
    return c;
}

void t3_expect_address_(t3app *x, ITAddress *a, ADDRESS_EVENT ae, const char *f, int l)
{
    TAPI_EVENT type;
    IDispatch *ev = next_event(x, &type, f, l);
    ITAddressEvent *e = NULL;
    HRESULT hr = IDispatch_QueryInterface(ev, &IID_ITAddressEvent, (void **)&e);
    IDispatch_Release(ev);
    if (type != TE_ADDRESS || hr != S_OK)
        ot_test_fail(f, l, "%s: got %s, expected TE_ADDRESS", x->name, otTapi3EventName(type));
    ADDRESS_EVENT got;
    ITAddress *ga = NULL;
    ITTerminal *term = (ITTerminal *)1;
    CHECK_HR(ITAddressEvent_get_Event(e, &got), S_OK);
    CHECK_HR(ITAddressEvent_get_Address(e, &ga), S_OK);
    CHECK_HR(ITAddressEvent_get_Terminal(e, &term), S_OK);
    ITAddressEvent_Release(e);
    ITAddress_Release(ga);
    if (got != ae)
        ot_test_fail(f, l, "%s: address event %d, expected %d", x->name, (int)got, (int)ae);
    if (ga != a)
        ot_test_fail(f, l, "%s: address event of another address", x->name);
    if (term)
        ot_test_fail(f, l, "%s: address event with a terminal", x->name);
}

ADDRESS_STATE t3_address_state(ITAddress *a)
{
    ADDRESS_STATE s = (ADDRESS_STATE)-1;
    CHECK_HR(ITAddress_get_State(a, &s), S_OK);
    return s;
}

void t3_expect_none_(t3app *x, const char *f, int l)
{
    TAPI_EVENT type;
    IDispatch *ev = NULL;
    HRESULT hr = otTapi3GetEvent(x->tapi, 0, &type, &ev);
    if (hr != S_FALSE) {
        if (ev)
            IDispatch_Release(ev);
        ot_test_fail(f, l, "%s: unexpected %s (%s)", x->name, otTapi3EventName(type),
                     otTapi3ErrorName(hr));
    }
}

void t3_done(t3app *x)
{
    t3_expect_none(x);
    CHECK_HR(ITTAPI_Shutdown(x->tapi), S_OK);
    live_set(x->tapi, NULL);
    ITTAPI_Release(x->tapi);
    x->tapi = NULL;
}

CALL_STATE t3_state(ITBasicCallControl *c)
{
    ITCallInfo *ci = t3_info(c);
    CALL_STATE s;
    CHECK_HR(ITCallInfo_get_CallState(ci, &s), S_OK);
    ITCallInfo_Release(ci);
    return s;
}

void t3_check_uui_(ITBasicCallControl *c, const void *p, DWORD n, const char *f, int l)
{
    ITCallInfo *ci = t3_info(c);
    DWORD size = 0;
    BYTE *buf = NULL;
    CHECK_HR(ITCallInfo_GetCallInfoBuffer(ci, CIB_USERUSERINFO, &size, &buf), S_OK);
    ITCallInfo_Release(ci);
    bool same = size == n && (!n || memcmp(buf, p, n) == 0);
    CoTaskMemFree(buf);
    if (!same)
        ot_test_fail(f, l, "UUI of %u bytes, expected %u bytes", (unsigned)size, (unsigned)n);
}

void t3_stage_uui(ITBasicCallControl *c, const void *p, DWORD n)
{
    ITCallInfo *ci = t3_info(c);
    CHECK_HR(ITCallInfo_SetCallInfoBuffer(ci, CIB_USERUSERINFO, n, (BYTE *)(uintptr_t)p), S_OK);
    ITCallInfo_Release(ci);
}

void t3_release_last_(ITBasicCallControl *c, const char *f, int l)
{
    OTTAPI3STATS before, after;
    otTapi3GetStats(&before);
    ULONG n = ITBasicCallControl_Release(c);
    otTapi3GetStats(&after);
    if (n != 0 || after.dwCalls + 1 != before.dwCalls)
        ot_test_fail(f, l, "Release returned %u, calls %u -> %u: not the last reference",
                     (unsigned)n, (unsigned)before.dwCalls, (unsigned)after.dwCalls);
}

void t3_stats(OTTAPI3STATS *s)
{
    CHECK_HR(otTapi3GetStats(s), S_OK);
    s->dwTapiObjects -= baseline.dwTapiObjects;
    s->dwCalls -= baseline.dwCalls;
    s->dwEvents -= baseline.dwEvents;
    s->dwEnumerators -= baseline.dwEnumerators;
    s->dwStrings -= baseline.dwStrings;
    s->dwTaskMem -= baseline.dwTaskMem;
}

void t3_check_stats_(const char *f, int l)
{
    OTTAPI3STATS s;
    t3_stats(&s);
    if (s.dwTapiObjects || s.dwCalls || s.dwEvents || s.dwEnumerators || s.dwStrings ||
        s.dwTaskMem)
        ot_test_fail(f, l,
                     "TAPI 3 objects left: %u tapi, %u calls, %u events, %u enums, %u strings, "
                     "%u task blocks",
                     (unsigned)s.dwTapiObjects, (unsigned)s.dwCalls, (unsigned)s.dwEvents,
                     (unsigned)s.dwEnumerators, (unsigned)s.dwStrings, (unsigned)s.dwTaskMem);
}

ITBasicCallControl *t3_call_t2(t3app *x, ITAddress *ax, const char *dest, tapp *b, HLINE lb,
                               HCALL *hb)
{
    ITBasicCallControl *c = t3_create(ax, dest);
    CHECK_EQ(t3_state(c), CS_IDLE);
    CHECK_HR(ITBasicCallControl_Connect(c, VARIANT_FALSE), S_OK);
    t3_expect_state(x, c, CS_INPROGRESS, CEC_NONE);
    *hb = t_expect_offer(b, lb);
    LONG req = lineAnswer(*hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(b, *hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(b, req, 0);
    t3_expect_info(x, c, CIC_CONNECTEDID);
    t3_expect_state(x, c, CS_CONNECTED, CEC_NONE);
    t3_expect_none(x);
    t_expect_none(b);
    return c;
}
