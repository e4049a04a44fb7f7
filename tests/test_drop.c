/* lineDrop ends a call (issue 2, behaviour 1): the dropping side goes IDLE and
 * gets its LINE_REPLY, the far side goes DISCONNECTED/NORMAL and goes IDLE when
 * it drops in turn.  Both directions, and from the states a connected call
 * can be in. */
#include "test.h"

/* `x` drops its connected call hx; the far end y (hy) sees DISCONNECTED/NORMAL. */
static void drop_connected(tapp *x, HCALL hx, tapp *y, HCALL hy)
{
    LONG req = lineDrop(hx, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(x, hx, LINECALLSTATE_IDLE, 0);
    t_expect_reply(x, req, 0);
    t_expect_state(y, hy, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_none(x);
    t_expect_none(y);

    DWORD mode;
    CHECK_EQ(t_state(hx, &mode), LINECALLSTATE_IDLE);
    CHECK_EQ(t_state(hy, &mode), LINECALLSTATE_DISCONNECTED);
    CHECK_EQ(mode, LINEDISCONNECTMODE_NORMAL);
}

TEST(drop_by_caller_far_end_disconnected_then_idle)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    drop_connected(&p.a, ha, &p.b, hb);
    /* The far side hangs up too: IDLE, and nothing reaches the caller. */
    t_drop_idle(&p.b, hb);
    CHECK_RC(lineDeallocateCall(ha), 0);
    t_pair_done(&p);
}

TEST(drop_by_callee_far_end_disconnected_then_idle)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    drop_connected(&p.b, hb, &p.a, ha);
    t_drop_idle(&p.a, ha);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_pair_done(&p);
}

TEST(drop_twice_is_invalcallstate)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    drop_connected(&p.a, ha, &p.b, hb);
    /* IDLE is final: a second drop is refused and sends nothing. */
    CHECK_RC(lineDrop(ha, NULL, 0), LINEERR_INVALCALLSTATE);
    LONG req = lineDrop(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.b, req, 0);
    CHECK_RC(lineDrop(hb, NULL, 0), LINEERR_INVALCALLSTATE);
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    CHECK_RC(lineDeallocateCall(ha), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_pair_done(&p);
}

TEST(drop_call_on_hold)
{
    tpair p;
    t_pair_init(&p, 2, 3);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "103", &ha, &hb);
    LONG req = lineHold(ha);
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_ONHOLD, 0);
    t_expect_reply(&p.a, req, 0);
    t_expect_none(&p.b); /* holding is this station's business */
    drop_connected(&p.a, ha, &p.b, hb);
    t_drop_idle(&p.b, hb);
    CHECK_RC(lineDeallocateCall(ha), 0);
    t_pair_done(&p);
}

TEST(drop_feature_bit_follows_state)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    LINECALLSTATUS s;
    t_status(ha, &s);
    CHECK_EQ(s.dwCallState, LINECALLSTATE_CONNECTED);
    CHECK_EQ(s.dwCallPrivilege, LINECALLPRIVILEGE_OWNER);
    CHECK(s.dwCallFeatures & LINECALLFEATURE_DROP);
    drop_connected(&p.b, hb, &p.a, ha);
    t_status(ha, &s); /* DISCONNECTED: the app must still drop */
    CHECK(s.dwCallFeatures & LINECALLFEATURE_DROP);
    t_status(hb, &s); /* IDLE: nothing left to drop */
    CHECK_EQ(s.dwCallState, LINECALLSTATE_IDLE);
    CHECK_EQ(s.dwCallFeatures & LINECALLFEATURE_DROP, 0);
    t_drop_idle(&p.a, ha);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_pair_done(&p);
}

TEST(drop_after_busy_and_bad_address)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    /* Unknown number: DIALING, then DISCONNECTED/BADADDRESS. */
    HCALL h = t_make_call(&p.a, p.la, "999", NULL, 0);
    t_expect_state(&p.a, h, LINECALLSTATE_DIALING, 0);
    t_expect_state(&p.a, h, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_BADADDRESS);
    t_expect_none(&p.a);
    t_drop_idle(&p.a, h);
    /* Calling one's own number: busy station. */
    h = t_make_call(&p.a, p.la, "100", NULL, 0);
    t_expect_state(&p.a, h, LINECALLSTATE_DIALING, 0);
    t_expect_state(&p.a, h, LINECALLSTATE_BUSY, LINEBUSYMODE_STATION);
    t_expect_state(&p.a, h, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_BUSY);
    t_expect_none(&p.a);
    t_drop_idle(&p.a, h);
    t_pair_done(&p);
}

TEST(drop_busy_station_in_a_call)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    tapp c;
    t_init(&c, "third");
    HLINE lc = t_open(&c, 2, LINECALLPRIVILEGE_NONE);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    /* 101 is talking to 100: a third party hears busy, the callee sees nothing. */
    HCALL hc = t_make_call(&c, lc, "101", NULL, 0);
    t_expect_state(&c, hc, LINECALLSTATE_DIALING, 0);
    t_expect_state(&c, hc, LINECALLSTATE_BUSY, LINEBUSYMODE_STATION);
    t_expect_state(&c, hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_BUSY);
    t_expect_none(&p.b);
    t_drop_idle(&c, hc);
    drop_connected(&p.a, ha, &p.b, hb);
    t_drop_idle(&p.b, hb);
    CHECK_RC(lineDeallocateCall(ha), 0);
    /* Once both are IDLE the station is free again. */
    t_connect(&c, lc, &p.b, p.lb, "101", &hc, &hb);
    drop_connected(&c, hc, &p.b, hb);
    t_drop_idle(&p.b, hb);
    CHECK_RC(lineDeallocateCall(hc), 0);
    t_expect_none(&c);
    t_shutdown(&c);
    t_pair_done(&p);
}

/* A test that forgets to deallocate its calls (tests/runner_check.sh runs it
 * and expects the failure "before the last lineShutdown"): lineShutdown frees
 * every handle, so only the check in t_shutdown can see it. */
TEST(selftest_forgets_to_deallocate)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    drop_connected(&p.a, ha, &p.b, hb);
    t_drop_idle(&p.b, hb);
    t_pair_done(&p); /* ha was never deallocated */
}
