/* Monitors: an application that opens a line with
 * LINECALLPRIVILEGE_MONITOR gets its own handle to every call there and every
 * state change; calls another application makes appear as LINE_CALLSTATE
 * (UNKNOWN) after the creator's reply.  lineGetNewCalls and
 * lineSetCallPrivilege hand out and change privileges. */
#include "test.h"

TEST(monitor_sees_incoming_call_stream)
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
    t_expect_state_priv(&m, hm, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE, 0);
    t_expect_none(&m);
    static const unsigned char uui[] = {1, 0, 2};
    LONG req = lineDrop(ha, (LPCSTR)uui, sizeof(uui));
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_callinfo(&m, hm, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&m, hm, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    unsigned char got[8];
    CHECK_EQ(t_uui(hm, got, sizeof(got)), sizeof(uui));
    CHECK_MEM(got, uui, sizeof(uui));
    t_drop_idle(&p.b, hb);
    t_expect_state(&m, hm, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hm), 0);
    CHECK_RC(lineDeallocateCall(ha), 0);
    t_expect_none(&m);
    t_shutdown(&m);
    t_pair_done(&p);
}

TEST(monitor_sees_outgoing_call_as_unknown_after_reply)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    tapp m;
    t_init(&m, "monitor");
    HLINE lm = t_open(&m, 0, LINECALLPRIVILEGE_MONITOR); /* the caller's line */
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    /* No LINE_APPNEWCALL: UNKNOWN with the monitor privilege, then the states. */
    LINEMESSAGE msg = t_next(&m);
    CHECK_EQ(msg.dwMessageID, LINE_CALLSTATE);
    HCALL hm = (HCALL)msg.hDevice;
    CHECK(hm != 0 && hm != ha);
    CHECK_EQ(msg.dwParam1, LINECALLSTATE_UNKNOWN);
    CHECK_EQ(msg.dwParam3, LINECALLPRIVILEGE_MONITOR);
    t_expect_state_priv(&m, hm, LINECALLSTATE_DIALING, 0, 0);
    t_expect_state(&m, hm, LINECALLSTATE_PROCEEDING, 0);
    t_expect_state(&m, hm, LINECALLSTATE_RINGBACK, 0);
    t_expect_callinfo(&m, hm, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&m, hm, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_none(&m);
    tcallinfo u;
    t_callinfo(hm, &u);
    CHECK_EQ(u.ci.hLine, lm);
    CHECK_EQ(u.ci.dwOrigin, LINECALLORIGIN_OUTBOUND);
    CHECK(!strcmp(t_ci_str(&u, u.ci.dwCalledIDSize, u.ci.dwCalledIDOffset), "101"));
    t_drop_idle(&p.b, hb);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&m, hm, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.a, ha);
    t_expect_state(&m, hm, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hm), 0);
    t_expect_none(&m);
    t_shutdown(&m);
    t_pair_done(&p);
}

TEST(monitor_becomes_owner_and_drops)
{
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
    CHECK_RC(lineSetCallPrivilege(hm, 0), LINEERR_INVALCALLPRIVILEGE);
    CHECK_RC(lineSetCallPrivilege(hm, LINECALLPRIVILEGE_NONE), LINEERR_INVALCALLPRIVILEGE);
    CHECK_RC(lineSetCallPrivilege(hm, LINECALLPRIVILEGE_OWNER | LINECALLPRIVILEGE_MONITOR),
             LINEERR_INVALCALLPRIVILEGE);
    CHECK_RC(lineSetCallPrivilege(hm, LINECALLPRIVILEGE_MONITOR), 0); /* no change */
    t_expect_none(&p.b);
    CHECK_RC(lineSetCallPrivilege(hm, LINECALLPRIVILEGE_OWNER), 0);
    /* The others hear of the new owner; the one that caused it does not. */
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_NUMOWNERINCR | LINECALLINFOSTATE_NUMMONITORS);
    t_expect_none(&m);
    LINECALLSTATUS s;
    t_status(hm, &s);
    CHECK_EQ(s.dwCallPrivilege, LINECALLPRIVILEGE_OWNER);
    CHECK(s.dwCallFeatures & LINECALLFEATURE_DROP);
    tcallinfo u;
    t_callinfo(hb, &u);
    CHECK_EQ(u.ci.dwNumOwners, 2);
    CHECK_EQ(u.ci.dwNumMonitors, 0);
    /* Two owners: the first may step back to monitor. */
    CHECK_RC(lineSetCallPrivilege(hb, LINECALLPRIVILEGE_MONITOR), 0);
    t_expect_callinfo(&m, hm, LINECALLINFOSTATE_NUMOWNERDECR | LINECALLINFOSTATE_NUMMONITORS);
    t_expect_none(&p.b);
    CHECK_RC(lineDrop(hb, NULL, 0), LINEERR_NOTOWNER);
    /* The sole owner of a live call may not (lineSetCallPrivilege docs). */
    CHECK_RC(lineSetCallPrivilege(hm, LINECALLPRIVILEGE_MONITOR), LINEERR_INVALCALLSTATE);
    t_expect_none(&p.b);
    t_expect_none(&m);
    LONG req = lineDrop(hm, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&m, hm, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&m, req, 0);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    /* IDLE: now the owner may become a monitor. */
    CHECK_RC(lineSetCallPrivilege(hm, LINECALLPRIVILEGE_MONITOR), 0);
    t_expect_none(&p.b);
    CHECK_RC(lineDeallocateCall(hm), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_drop_idle(&p.a, ha);
    t_expect_none(&m);
    t_shutdown(&m);
    t_pair_done(&p);
}

TEST(monitor_get_new_calls)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    /* An application opens the line after the call began: it asks for it. */
    tapp m;
    t_init(&m, "late");
    HLINE lm = t_open(&m, 1, LINECALLPRIVILEGE_NONE);
    union {
        LINECALLLIST cl;
        unsigned char raw[sizeof(LINECALLLIST) + 16 * sizeof(HCALL)];
    } u;
    memset(&u, 0, sizeof(u));
    u.cl.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetNewCalls(lm, 0, LINECALLSELECT_LINE, &u.cl), 0);
    CHECK_EQ(u.cl.dwCallsNumEntries, 1);
    CHECK_EQ(u.cl.dwCallsSize, sizeof(HCALL));
    CHECK_EQ(u.cl.dwUsedSize, sizeof(LINECALLLIST) + sizeof(HCALL));
    HCALL hm;
    memcpy(&hm, u.raw + u.cl.dwCallsOffset, sizeof(hm));
    CHECK(hm != hb);
    /* the owner hears that the call has one more monitor */
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_NUMMONITORS);
    LINECALLSTATUS s;
    t_status(hm, &s);
    CHECK_EQ(s.dwCallState, LINECALLSTATE_CONNECTED);
    CHECK_EQ(s.dwCallPrivilege, LINECALLPRIVILEGE_MONITOR);
    /* Asking again gives nothing new; the same holds for the address. */
    CHECK_RC(lineGetNewCalls(lm, 0, LINECALLSELECT_ADDRESS, &u.cl), 0);
    CHECK_EQ(u.cl.dwCallsNumEntries, 0);
    t_expect_none(&m);
    /* From now on the new handle hears the call. */
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&m, hm, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.b, hb);
    t_expect_state(&m, hm, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hm), 0);
    /* IDLE calls are not new calls. */
    CHECK_RC(lineGetNewCalls(lm, 0, LINECALLSELECT_LINE, &u.cl), 0);
    CHECK_EQ(u.cl.dwCallsNumEntries, 0);
    t_expect_none(&m);
    t_shutdown(&m);
    t_pair_done(&p);
}

TEST(monitor_only_line_rings_without_owner)
{
    /* Nobody owns 101, a monitor watches: the call rings, the caller abandons. */
    tapp a, m;
    t_init(&a, "caller");
    t_init(&m, "monitor");
    HLINE la = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    HLINE lm = t_open(&m, 1, LINECALLPRIVILEGE_MONITOR);
    HCALL ha = t_make_call(&a, la, "101", NULL, 0);
    t_expect_ringback(&a, ha);
    HCALL hm = t_expect_newcall(&m, lm, LINECALLPRIVILEGE_MONITOR);
    t_expect_state(&m, hm, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE);
    CHECK_RC(lineAnswer(hm, NULL, 0), LINEERR_NOTOWNER);
    t_drop_idle(&a, ha);
    t_expect_state(&m, hm, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hm), 0);
    t_expect_none(&a);
    t_expect_none(&m);
    t_shutdown(&a);
    t_shutdown(&m);
}

TEST(several_apps_call_each_other)
{
    /* Four applications in one process, two calls at once, crossed drops. */
    tapp x[4];
    HLINE l[4];
    static const char *const names[4] = {"w", "x", "y", "z"};
    for (int i = 0; i < 4; i++) {
        t_init(&x[i], names[i]);
        l[i] = t_open(&x[i], (DWORD)(4 + i), LINECALLPRIVILEGE_OWNER);
    }
    HCALL h01, h10, h23, h32;
    t_connect(&x[0], l[0], &x[1], l[1], "105", &h01, &h10);
    t_connect(&x[2], l[2], &x[3], l[3], "107", &h23, &h32);
    /* 104 is talking: a second call from it is refused at once. */
    HCALL busy = 0;
    CHECK_RC(lineMakeCall(l[0], &busy, "106", 0, NULL), LINEERR_CALLUNAVAIL);
    /* Each call is cleared from a different side. */
    t_drop_idle(&x[1], h10);
    t_drop_idle(&x[2], h23);
    t_expect_state(&x[0], h01, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&x[3], h32, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&x[0], h01);
    t_drop_idle(&x[3], h32);
    /* Now the other way round. */
    t_connect(&x[3], l[3], &x[0], l[0], "104", &h32, &h01);
    t_drop_idle(&x[0], h01);
    t_expect_state(&x[3], h32, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&x[3], h32);
    for (int i = 0; i < 4; i++) {
        t_expect_none(&x[i]);
        t_shutdown(&x[i]);
    }
}

TEST(monitor_hears_app_specific_changes)
{
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
    CHECK_RC(lineSetAppSpecific(hm, 7), LINEERR_NOTOWNER);
    CHECK_RC(lineSetAppSpecific(hb, 0xC0FFEEu), 0);
    /* The other applications hear of it; the one that set it does not. */
    t_expect_callinfo(&m, hm, LINECALLINFOSTATE_APPSPECIFIC);
    t_expect_none(&p.b);
    t_expect_none(&p.a); /* the caller's call is another call */
    tcallinfo u;
    t_callinfo(hm, &u);
    CHECK_EQ(u.ci.dwAppSpecific, 0xC0FFEEu);
    t_callinfo(ha, &u);
    CHECK_EQ(u.ci.dwAppSpecific, 0);
    t_drop_idle(&p.b, hb);
    t_expect_state(&m, hm, LINECALLSTATE_IDLE, 0);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    LONG req = lineDrop(ha, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    /* Still settable after IDLE, where no LINE_CALLINFO is sent any more. */
    CHECK_RC(lineSetAppSpecific(ha, 5), 0);
    t_callinfo(ha, &u);
    CHECK_EQ(u.ci.dwAppSpecific, 5);
    CHECK_RC(lineDeallocateCall(ha), 0);
    CHECK_RC(lineDeallocateCall(hm), 0);
    t_expect_none(&m);
    t_shutdown(&m);
    t_pair_done(&p);
}

TEST(monitor_closing_is_announced_to_the_owner)
{
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
    /* Closing the monitor's line is like deallocating its handle. */
    CHECK_RC(lineClose(lm), 0);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_NUMMONITORS);
    t_expect_none(&m);
    tcallinfo u;
    t_callinfo(hb, &u);
    CHECK_EQ(u.ci.dwNumMonitors, 0);
    CHECK_RC(lineGetCallStatus(hm, NULL), LINEERR_INVALCALLHANDLE);
    /* The call itself goes on. */
    CHECK_EQ(t_state(hb, NULL), LINECALLSTATE_CONNECTED);
    t_drop_idle(&p.b, hb);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.a, ha);
    t_expect_none(&m);
    t_shutdown(&m);
    t_pair_done(&p);
}

TEST(monitor_hears_nothing_of_a_refused_make_call)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    tapp m;
    t_init(&m, "monitor");
    t_open(&m, 0, LINECALLPRIVILEGE_MONITOR);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    LINEMESSAGE msg = t_next(&m);
    HCALL hm = (HCALL)msg.hDevice;
    CHECK_EQ(msg.dwParam1, LINECALLSTATE_UNKNOWN);
    t_expect_ringback(&m, hm);
    t_expect_callinfo(&m, hm, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&m, hm, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    /* A second call from the busy station is refused at once: nobody hears of it. */
    HCALL h2 = 0;
    CHECK_RC(lineMakeCall(p.la, &h2, "102", 0, NULL), LINEERR_CALLUNAVAIL);
    t_expect_none(&m);
    t_expect_none(&p.a);
    OTSTATS st;
    CHECK_RC(otGetStats(&st), 0);
    CHECK_EQ(st.dwCallHandles, 3);
    CHECK_EQ(st.dwRequests, 0);
    t_drop_idle(&p.a, ha);
    t_expect_state(&m, hm, LINECALLSTATE_IDLE, 0);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.b, hb);
    CHECK_RC(lineDeallocateCall(hm), 0);
    t_expect_none(&m);
    t_shutdown(&m);
    t_pair_done(&p);
}
