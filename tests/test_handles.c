/* Call handles (behaviour 5): after the drop a handle still answers
 * lineGetCallInfo/lineGetCallStatus until lineDeallocateCall; afterwards, and
 * for zero, garbage and wrong-kind values, every call function returns
 * LINEERR_INVALCALLHANDLE.  lineClose/lineShutdown kill an application's call
 * handles and drop the calls it owned alone.  Handles are per application. */
#include "test.h"

typedef LONG (*call_fn)(HCALL h);
static LONG f_drop(HCALL h) { return lineDrop(h, NULL, 0); }
static LONG f_drop_uui(HCALL h) { return lineDrop(h, "x", 1); }
static LONG f_answer(HCALL h) { return lineAnswer(h, NULL, 0); }
static LONG f_accept(HCALL h) { return lineAccept(h, NULL, 0); }
static LONG f_dial(HCALL h) { return lineDial(h, "101", 0); }
static LONG f_info(HCALL h)
{
    tcallinfo u;
    memset(&u, 0, sizeof(u));
    u.ci.dwTotalSize = sizeof(u);
    return lineGetCallInfo(h, &u.ci);
}
static LONG f_status(HCALL h)
{
    LINECALLSTATUS s;
    memset(&s, 0, sizeof(s));
    s.dwTotalSize = sizeof(s);
    return lineGetCallStatus(h, &s);
}
static LONG f_dealloc(HCALL h) { return lineDeallocateCall(h); }
static LONG f_send(HCALL h) { return lineSendUserUserInfo(h, "x", 1); }
static LONG f_release(HCALL h) { return lineReleaseUserUserInfo(h); }
static LONG f_priv_owner(HCALL h) { return lineSetCallPrivilege(h, LINECALLPRIVILEGE_OWNER); }
static LONG f_priv_monitor(HCALL h) { return lineSetCallPrivilege(h, LINECALLPRIVILEGE_MONITOR); }
static LONG f_hold(HCALL h) { return lineHold(h); }
static LONG f_unhold(HCALL h) { return lineUnhold(h); }
static LONG f_appspecific(HCALL h) { return lineSetAppSpecific(h, 42); }

static const struct {
    const char *name;
    call_fn fn;
} call_fns[] = {
    {"lineDrop", f_drop},
    {"lineDrop+uui", f_drop_uui},
    {"lineAnswer", f_answer},
    {"lineAccept", f_accept},
    {"lineDial", f_dial},
    {"lineGetCallInfo", f_info},
    {"lineGetCallStatus", f_status},
    {"lineDeallocateCall", f_dealloc},
    {"lineSendUserUserInfo", f_send},
    {"lineReleaseUserUserInfo", f_release},
    {"lineSetCallPrivilege(OWNER)", f_priv_owner},
    {"lineSetCallPrivilege(MONITOR)", f_priv_monitor},
    {"lineHold", f_hold},
    {"lineUnhold", f_unhold},
    {"lineSetAppSpecific", f_appspecific},
};
#define NFNS (sizeof(call_fns) / sizeof(call_fns[0]))

/* Every call function refuses h with INVALCALLHANDLE, and nothing is queued. */
static void all_refuse(HCALL h, tapp *a, tapp *b)
{
    for (size_t i = 0; i < NFNS; i++) {
        LONG rc = call_fns[i].fn(h);
        if (rc != (LONG)LINEERR_INVALCALLHANDLE)
            FAIL("%s(%08x): got %s, expected LINEERR_INVALCALLHANDLE", call_fns[i].name,
                 (unsigned)h, otErrorName(rc));
    }
    if (a)
        t_expect_none(a);
    if (b)
        t_expect_none(b);
}

TEST(handle_answers_queries_after_idle_until_deallocated)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    tcallinfo before;
    t_callinfo(hb, &before);
    static const unsigned char uui[] = {0x04, 0x00, 0x01, 0x02};
    LONG req = lineDrop(ha, (LPCSTR)uui, sizeof(uui));
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.b, hb); /* ...and deallocates hb */
    all_refuse(hb, &p.a, &p.b);

    /* The caller's IDLE handle still tells everything about the call. */
    LINECALLSTATUS s;
    t_status(ha, &s);
    CHECK_EQ(s.dwCallState, LINECALLSTATE_IDLE);
    CHECK_EQ(s.dwCallStateMode, 0);
    CHECK_EQ(s.dwCallPrivilege, LINECALLPRIVILEGE_OWNER);
    CHECK_EQ(s.dwCallFeatures, 0);
    tcallinfo u;
    t_callinfo(ha, &u);
    CHECK_EQ(u.ci.hLine, p.la);
    CHECK_EQ(u.ci.dwLineDeviceID, 0);
    CHECK_EQ(u.ci.dwOrigin, LINECALLORIGIN_OUTBOUND);
    CHECK(u.ci.dwCallID != 0);
    CHECK(u.ci.dwCallID != before.ci.dwCallID); /* each line's call has its own id */
    CHECK_EQ(u.ci.dwNumOwners, 1);
    CHECK_EQ(u.ci.dwNumMonitors, 0);
    CHECK(!strcmp(t_ci_str(&u, u.ci.dwCallerIDSize, u.ci.dwCallerIDOffset), "100"));
    CHECK(!strcmp(t_ci_str(&u, u.ci.dwCalledIDSize, u.ci.dwCalledIDOffset), "101"));
    CHECK(!strcmp(t_ci_str(&u, u.ci.dwConnectedIDSize, u.ci.dwConnectedIDOffset), "101"));
    CHECK(!strcmp(t_ci_str(&u, u.ci.dwConnectedIDNameSize, u.ci.dwConnectedIDNameOffset),
                  "Station 101"));
    CHECK_EQ(u.ci.dwUserUserInfoSize, 0); /* it sent UUI, it received none */
    /* The callee's side, as seen before the drop. */
    CHECK_EQ(before.ci.dwOrigin, LINECALLORIGIN_INTERNAL);
    CHECK(!strcmp(t_ci_str(&before, before.ci.dwCallerIDSize, before.ci.dwCallerIDOffset),
                  "100"));
    CHECK(!strcmp(t_ci_str(&before, before.ci.dwCallerIDNameSize,
                           before.ci.dwCallerIDNameOffset),
                  "Station 100"));
    CHECK(!strcmp(t_ci_str(&before, before.ci.dwCalledIDSize, before.ci.dwCalledIDOffset),
                  "101"));

    CHECK_RC(lineDeallocateCall(ha), 0);
    all_refuse(ha, &p.a, &p.b);
    t_pair_done(&p);
}

TEST(handle_disconnected_keeps_uui_after_idle)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    static const unsigned char uui[] = {0x00, 0x00, 0x7f};
    LONG req = lineDrop(hb, (LPCSTR)uui, sizeof(uui));
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.b, req, 0);
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    req = lineDrop(ha, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    /* IDLE: the UUI received at the disconnect is still there. */
    unsigned char got[16];
    CHECK_EQ(t_uui(ha, got, sizeof(got)), sizeof(uui));
    CHECK_MEM(got, uui, sizeof(uui));
    CHECK_RC(lineDeallocateCall(ha), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_pair_done(&p);
}

TEST(handle_bad_values_refused)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    const HCALL bad[] = {
        0, 0xFFFFFFFFu, 0xDEADBEEFu, 0x12345678u, 1u,
        ha + 0x1000u,     /* a slot never used */
        ha ^ 0x00400000u, /* the same slot in another generation */
        hb ^ 0x00400000u, (HCALL)p.la, (HCALL)p.lb, (HCALL)p.a.h, (HCALL)p.b.h,
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        all_refuse(bad[i], &p.a, &p.b);
    /* None of it touched the real call. */
    CHECK_EQ(t_state(ha, NULL), LINECALLSTATE_CONNECTED);
    CHECK_EQ(t_state(hb, NULL), LINECALLSTATE_CONNECTED);
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.b, hb);
    t_pair_done(&p);
}

TEST(handle_stale_stays_invalid_while_slots_are_reused)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL stale = t_make_call(&p.a, p.la, NULL, NULL, 0);
    t_expect_state(&p.a, stale, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    t_drop_idle(&p.a, stale);
    for (int i = 0; i < 300; i++) {
        HCALL h = t_make_call(&p.a, p.la, NULL, NULL, 0);
        CHECK(h != stale);
        t_expect_state(&p.a, h, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
        CHECK_RC(lineDrop(stale, NULL, 0), LINEERR_INVALCALLHANDLE);
        t_drop_idle(&p.a, h);
    }
    all_refuse(stale, &p.a, &p.b);
    t_pair_done(&p);
}

TEST(handle_per_application)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    tapp m;
    t_init(&m, "monitor");
    HLINE lm = t_open(&m, 1, LINECALLPRIVILEGE_MONITOR);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    HCALL hm = t_expect_newcall(&m, lm, LINECALLPRIVILEGE_MONITOR);
    t_expect_state_priv(&m, hm, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE,
                        LINECALLPRIVILEGE_MONITOR);
    t_expect_state(&m, hm, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_none(&m);
    /* Same call, another application: another handle, its own privilege. */
    CHECK(hm != hb);
    LINECALLSTATUS s;
    t_status(hm, &s);
    CHECK_EQ(s.dwCallPrivilege, LINECALLPRIVILEGE_MONITOR);
    CHECK_EQ(s.dwCallFeatures, 0);
    t_status(hb, &s);
    CHECK_EQ(s.dwCallPrivilege, LINECALLPRIVILEGE_OWNER);
    tcallinfo ub, um;
    t_callinfo(hb, &ub);
    t_callinfo(hm, &um);
    CHECK_EQ(ub.ci.dwCallID, um.ci.dwCallID);
    CHECK_EQ(um.ci.hLine, lm);
    CHECK_EQ(ub.ci.hLine, p.lb);
    CHECK_EQ(um.ci.dwNumOwners, 1);
    CHECK_EQ(um.ci.dwNumMonitors, 1);
    CHECK_RC(lineDrop(hm, NULL, 0), LINEERR_NOTOWNER);
    t_expect_none(&m);
    t_expect_none(&p.b);
    /* The owner's deallocation leaves the monitor's handle alone. */
    t_drop_idle(&p.b, hb);
    t_expect_state(&m, hm, LINECALLSTATE_IDLE, 0);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    CHECK_EQ(t_state(hm, NULL), LINECALLSTATE_IDLE);
    CHECK_RC(lineDeallocateCall(hm), 0);
    CHECK_RC(lineDeallocateCall(hm), LINEERR_INVALCALLHANDLE);
    t_drop_idle(&p.a, ha);
    t_expect_none(&m);
    t_shutdown(&m);
    t_pair_done(&p);
}

/* What closing the caller's line or shutting its application down does. */
static void close_or_shutdown(bool shutdown)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    tapp other;
    t_init(&other, "other"); /* keeps the library initialized */
    HCALL ha, hb, hdt;
    HLINE la2 = t_open(&p.a, 2, LINECALLPRIVILEGE_NONE);
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    hdt = t_make_call(&p.a, la2, NULL, NULL, 0);
    t_expect_state(&p.a, hdt, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    HLINEAPP old_app = p.a.h;
    if (shutdown) {
        t_shutdown_with_calls(&p.a);
    } else {
        CHECK_RC(lineClose(p.la), 0);
        CHECK_RC(lineClose(p.la), LINEERR_INVALLINEHANDLE);
    }
    /* The far end hears the drop; the caller's handles are dead at once. */
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    all_refuse(ha, NULL, &p.b);
    if (shutdown) {
        all_refuse(hdt, NULL, &p.b);
    } else {
        /* lineClose is per line: the call on the other line is alive. */
        t_expect_none(&p.a);
        CHECK_EQ(t_state(hdt, NULL), LINECALLSTATE_DIALTONE);
        t_drop_idle(&p.a, hdt);
        t_expect_none(&p.a);
    }
    t_drop_idle(&p.b, hb);
    OTSTATS st;
    CHECK_RC(otGetStats(&st), 0);
    CHECK_EQ(st.dwCalls, 0);
    CHECK_EQ(st.dwCallHandles, 0);
    CHECK_EQ(st.dwProviderCalls, 0);
    if (shutdown) {
        CHECK_RC(lineOpen(old_app, 0, &la2, T_API, 0, 0, LINECALLPRIVILEGE_NONE,
                          LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
                 LINEERR_INVALAPPHANDLE);
        CHECK_RC(lineShutdown(old_app), LINEERR_INVALAPPHANDLE);
    } else {
        t_shutdown(&p.a);
    }
    t_expect_none(&other);
    t_shutdown(&other);
    t_expect_none(&p.b);
    t_shutdown(&p.b);
}

TEST(handle_line_close_kills_handles_and_drops) { close_or_shutdown(false); }
TEST(handle_shutdown_kills_handles_and_drops) { close_or_shutdown(true); }

TEST(handle_close_does_not_drop_shared_ownership)
{
    /* Two owners of one call: closing one leaves the call to the other. */
    tpair p;
    t_pair_init(&p, 0, 1);
    tapp o2;
    t_init(&o2, "second owner");
    HLINE l2 = t_open(&o2, 1, LINECALLPRIVILEGE_MONITOR);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    HCALL h2 = t_expect_newcall(&o2, l2, LINECALLPRIVILEGE_MONITOR);
    t_expect_state(&o2, h2, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE);
    t_expect_state(&o2, h2, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    CHECK_RC(lineSetCallPrivilege(h2, LINECALLPRIVILEGE_OWNER), 0);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_NUMOWNERINCR | LINECALLINFOSTATE_NUMMONITORS);
    t_expect_none(&o2);
    CHECK_RC(lineClose(p.lb), 0);
    t_expect_callinfo(&o2, h2, LINECALLINFOSTATE_NUMOWNERDECR);
    t_expect_none(&p.a);
    t_expect_none(&o2);
    CHECK_EQ(t_state(h2, NULL), LINECALLSTATE_CONNECTED);
    CHECK_EQ(t_state(ha, NULL), LINECALLSTATE_CONNECTED);
    t_drop_idle(&o2, h2);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.a, ha);
    t_expect_none(&o2);
    t_shutdown(&o2);
    t_pair_done(&p);
}

TEST(handle_values_not_repeated_after_restart)
{
    /* The library stops with its last application and starts again with the
     * next: handles of the first run must not name objects of the second. */
    tapp a;
    t_init(&a, "first");
    HLINEAPP old_app = a.h;
    HLINE old_line = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    HCALL old_call = t_make_call(&a, old_line, NULL, NULL, 0);
    t_expect_state(&a, old_call, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    t_shutdown_with_calls(&a); /* the library stops with the call */
    CHECK_RC(lineShutdown(old_app), LINEERR_UNINITIALIZED);

    tapp b;
    t_init(&b, "second");
    HLINE line = t_open(&b, 0, LINECALLPRIVILEGE_NONE);
    HCALL call = t_make_call(&b, line, NULL, NULL, 0);
    t_expect_state(&b, call, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    CHECK(b.h != old_app);
    CHECK(line != old_line);
    CHECK(call != old_call);
    CHECK_RC(lineDrop(old_call, NULL, 0), LINEERR_INVALCALLHANDLE);
    CHECK_RC(lineClose(old_line), LINEERR_INVALLINEHANDLE);
    CHECK_RC(lineShutdown(old_app), LINEERR_INVALAPPHANDLE);
    t_expect_none(&b);
    CHECK_EQ(t_state(call, NULL), LINECALLSTATE_DIALTONE);
    t_drop_idle(&b, call);
    t_shutdown(&b);
}

TEST(handle_last_owner_deallocates_disconnected_call)
{
    /* Since API 2.0 the sole owner may deallocate without dropping.  A call
     * nobody holds any more is closed: its station must be free again. */
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_expect_none(&p.b);
    OTSTATS st;
    CHECK_RC(otGetStats(&st), 0);
    CHECK_EQ(st.dwCalls, 0);
    CHECK_EQ(st.dwProviderCalls, 0);
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.b, hb);
    t_pair_done(&p);
}

TEST(handle_last_owner_deallocates_connected_call)
{
    /* The last handle of a connected call goes: TSPI_lineCloseCall with
     * CLOSEDROP drops it, the far end hears the disconnect. */
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_expect_none(&p.b);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.a, ha);
    t_pair_done(&p);
}

TEST(handle_owner_deallocates_monitored_call)
{
    /* With a monitor still holding a handle the call is untouched (API 2.0). */
    tpair p;
    t_pair_init(&p, 0, 1);
    tapp m;
    t_init(&m, "monitor");
    HLINE lm = t_open(&m, 1, LINECALLPRIVILEGE_MONITOR);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    HCALL hm = t_expect_newcall(&m, lm, LINECALLPRIVILEGE_MONITOR);
    t_expect_state(&m, hm, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE);
    t_expect_state(&m, hm, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_expect_callinfo(&m, hm, LINECALLINFOSTATE_NUMOWNERDECR);
    t_expect_none(&m);
    t_expect_none(&p.a);
    CHECK_EQ(t_state(ha, NULL), LINECALLSTATE_CONNECTED);
    CHECK_EQ(t_state(hm, NULL), LINECALLSTATE_CONNECTED);
    /* The caller hangs up: the ownerless appearance is cleared at once. */
    t_drop_idle(&p.a, ha);
    t_expect_state(&m, hm, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&m, hm, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hm), 0);
    t_expect_none(&m);
    t_shutdown(&m);
    t_pair_done(&p);
}

TEST(handle_sole_owner_deallocate_api_1_4)
{
    /* Below API 2.0 the sole owner must drop first. */
    tapp a, b;
    t_init(&a, "caller");
    t_init(&b, "callee 1.4");
    HLINE la = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    HLINE lb = 0;
    CHECK_RC(lineOpen(b.h, 1, &lb, 0x00010004, 0, 7, LINECALLPRIVILEGE_OWNER,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             0);
    HCALL ha = t_make_call(&a, la, "101", NULL, 0);
    t_expect_ringback(&a, ha);
    /* A 1.4 application learns the handle from the first LINE_CALLSTATE
     * (no LINE_APPNEWCALL before 2.0). */
    LINEMESSAGE m = t_next(&b);
    CHECK_EQ(m.dwMessageID, LINE_CALLSTATE);
    CHECK_EQ(m.dwParam1, LINECALLSTATE_OFFERING);
    CHECK_EQ(m.dwParam3, LINECALLPRIVILEGE_OWNER);
    CHECK_EQ(m.dwCallbackInstance, 7);
    HCALL hb = (HCALL)m.hDevice;
    CHECK_RC(lineDeallocateCall(hb), LINEERR_INVALCALLSTATE);
    t_expect_none(&b);
    CHECK_EQ(t_state(hb, NULL), LINECALLSTATE_OFFERING);
    t_drop_idle(&a, ha);
    t_expect_state(&b, hb, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_expect_none(&a);
    t_expect_none(&b);
    t_shutdown(&a);
    t_shutdown(&b);
}

/* ---- the same for line and application handles ---- */
static LONG l_close(HLINE h) { return lineClose(h); }
static LONG l_makecall(HLINE h)
{
    HCALL hc = 0;
    return lineMakeCall(h, &hc, "101", 0, NULL);
}
static LONG l_addrstatus(HLINE h)
{
    LINEADDRESSSTATUS s;
    memset(&s, 0, sizeof(s));
    s.dwTotalSize = sizeof(s);
    return lineGetAddressStatus(h, 0, &s);
}
static LONG l_devstatus(HLINE h)
{
    LINEDEVSTATUS s;
    memset(&s, 0, sizeof(s));
    s.dwTotalSize = sizeof(s);
    return lineGetLineDevStatus(h, &s);
}
static LONG l_newcalls(HLINE h)
{
    LINECALLLIST l;
    memset(&l, 0, sizeof(l));
    l.dwTotalSize = sizeof(l);
    return lineGetNewCalls(h, 0, LINECALLSELECT_LINE, &l);
}
static LONG l_setstatus(HLINE h) { return lineSetStatusMessages(h, 0, 0); }
static LONG l_getstatus(HLINE h)
{
    DWORD a, b;
    return lineGetStatusMessages(h, &a, &b);
}
static LONG l_addressid(HLINE h)
{
    DWORD id;
    return lineGetAddressID(h, &id, LINEADDRESSMODE_DIALABLEADDR, "100", 4);
}

static LONG a_shutdown(HLINEAPP h) { return lineShutdown(h); }
static LONG a_open(HLINEAPP h)
{
    HLINE hl = 0;
    return lineOpen(h, 0, &hl, T_API, 0, 0, LINECALLPRIVILEGE_NONE,
                    LINEMEDIAMODE_INTERACTIVEVOICE, NULL);
}
static LONG a_devcaps(HLINEAPP h)
{
    union {
        LINEDEVCAPS dc;
        unsigned char raw[1024];
    } u;
    memset(&u, 0, sizeof(u));
    u.dc.dwTotalSize = sizeof(u);
    return lineGetDevCaps(h, 0, T_API, 0, &u.dc);
}
static LONG a_addrcaps(HLINEAPP h)
{
    union {
        LINEADDRESSCAPS ac;
        unsigned char raw[1024];
    } u;
    memset(&u, 0, sizeof(u));
    u.ac.dwTotalSize = sizeof(u);
    return lineGetAddressCaps(h, 0, 0, T_API, 0, &u.ac);
}
static LONG a_negotiate(HLINEAPP h)
{
    DWORD v;
    LINEEXTENSIONID ext;
    return lineNegotiateAPIVersion(h, 0, T_API, T_API, &v, &ext);
}
static LONG a_getmessage(HLINEAPP h)
{
    LINEMESSAGE m;
    return lineGetMessage(h, &m, 0);
}

TEST(handle_bad_line_and_app_handles_refused)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    HLINE closed = t_open(&p.a, 2, LINECALLPRIVILEGE_NONE);
    CHECK_RC(lineClose(closed), 0);
    tapp gone;
    t_init(&gone, "gone");
    HLINEAPP gone_app = gone.h;
    t_shutdown(&gone);

    static const struct {
        const char *name;
        LONG (*fn)(HLINE);
    } line_fns[] = {
        {"lineClose", l_close},
        {"lineMakeCall", l_makecall},
        {"lineGetAddressStatus", l_addrstatus},
        {"lineGetLineDevStatus", l_devstatus},
        {"lineGetNewCalls", l_newcalls},
        {"lineSetStatusMessages", l_setstatus},
        {"lineGetStatusMessages", l_getstatus},
        {"lineGetAddressID", l_addressid},
    };
    const HLINE bad_lines[] = {0, closed, 0xFFFFFFFFu, 0x12345678u, (HLINE)ha, (HLINE)p.a.h,
                               p.la ^ 0x00400000u};
    for (size_t i = 0; i < sizeof(line_fns) / sizeof(line_fns[0]); i++)
        for (size_t k = 0; k < sizeof(bad_lines) / sizeof(bad_lines[0]); k++) {
            LONG rc = line_fns[i].fn(bad_lines[k]);
            if (rc != (LONG)LINEERR_INVALLINEHANDLE)
                FAIL("%s(%08x): got %s, expected LINEERR_INVALLINEHANDLE", line_fns[i].name,
                     (unsigned)bad_lines[k], otErrorName(rc));
        }

    static const struct {
        const char *name;
        LONG (*fn)(HLINEAPP);
    } app_fns[] = {
        {"lineShutdown", a_shutdown},
        {"lineOpen", a_open},
        {"lineGetDevCaps", a_devcaps},
        {"lineGetAddressCaps", a_addrcaps},
        {"lineNegotiateAPIVersion", a_negotiate},
        {"lineGetMessage", a_getmessage},
    };
    const HLINEAPP bad_apps[] = {0, gone_app, 0xFFFFFFFFu, 0x12345678u, (HLINEAPP)ha,
                                 (HLINEAPP)p.la, p.a.h ^ 0x00400000u};
    for (size_t i = 0; i < sizeof(app_fns) / sizeof(app_fns[0]); i++)
        for (size_t k = 0; k < sizeof(bad_apps) / sizeof(bad_apps[0]); k++) {
            LONG rc = app_fns[i].fn(bad_apps[k]);
            if (rc != (LONG)LINEERR_INVALAPPHANDLE)
                FAIL("%s(%08x): got %s, expected LINEERR_INVALAPPHANDLE", app_fns[i].name,
                     (unsigned)bad_apps[k], otErrorName(rc));
        }
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    CHECK_EQ(t_state(ha, NULL), LINECALLSTATE_CONNECTED);
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.b, hb);
    t_pair_done(&p);
}
