/* Dropping an outgoing call before it is answered abandons it (behaviour 4):
 * in DIALTONE nobody else knows of it; in RINGBACK the callee's offer just
 * disappears (IDLE, with no DISCONNECTED first). */
#include "test.h"

TEST(abandon_in_dialtone)
{
    tapp a;
    t_init(&a, "caller");
    HLINE la = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    HCALL h = t_make_call(&a, la, NULL, NULL, 0);
    t_expect_state(&a, h, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    t_expect_none(&a);
    LINECALLSTATUS s;
    t_status(h, &s);
    CHECK_EQ(s.dwCallState, LINECALLSTATE_DIALTONE);
    CHECK(s.dwCallFeatures & LINECALLFEATURE_DIAL);
    CHECK(s.dwCallFeatures & LINECALLFEATURE_DROP);
    t_drop_idle(&a, h);
    t_expect_none(&a);
    t_shutdown(&a);
}

TEST(abandon_empty_destination_is_dialtone)
{
    /* An empty string is "no address" too (lineMakeCall docs). */
    tapp a;
    t_init(&a, "caller");
    HLINE la = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    HCALL h = t_make_call(&a, la, "", NULL, 0);
    t_expect_state(&a, h, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    t_drop_idle(&a, h);
    t_expect_none(&a);
    t_shutdown(&a);
}

TEST(abandon_in_ringback_offer_disappears)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_ring(&p, "101", NULL, 0, &ha, &hb);
    LONG req = lineDrop(ha, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    /* IDLE straight from OFFERING: nothing to hang up at the callee. */
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    CHECK_EQ(t_state(hb, NULL), LINECALLSTATE_IDLE);
    CHECK_RC(lineDrop(hb, NULL, 0), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineAnswer(hb, NULL, 0), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineDeallocateCall(ha), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_pair_done(&p);
}

TEST(abandon_accepted_offer_disappears)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_ring(&p, "101", NULL, 0, &ha, &hb);
    LONG req = lineAccept(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_ACCEPTED, 0);
    t_expect_reply(&p.b, req, 0);
    req = lineDrop(ha, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(ha), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_pair_done(&p);
}

TEST(abandon_after_dial_from_dialtone)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha = t_make_call(&p.a, p.la, NULL, NULL, 0);
    t_expect_state(&p.a, ha, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    t_expect_none(&p.b);
    LONG req = lineDial(ha, "101", 0);
    CHECK_REQ(req);
    t_expect_reply(&p.a, req, 0);
    t_expect_ringback(&p.a, ha);
    HCALL hb = t_expect_offer(&p.b, p.lb);
    char called[32];
    t_callinfo_str(ha, offsetof(LINECALLINFO, dwCalledIDSize), called, sizeof(called));
    CHECK(!strcmp(called, "101"));
    /* The switch takes whole numbers once: no more digits in RINGBACK. */
    CHECK_RC(lineDial(ha, "5", 0), LINEERR_INVALCALLSTATE);
    req = lineDrop(ha, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(ha), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_pair_done(&p);
}

TEST(abandon_call_to_unopened_station)
{
    /* Nobody has 102 open: it rings all the same, and the abandon clears it. */
    tapp a;
    t_init(&a, "caller");
    HLINE la = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    HCALL h = t_make_call(&a, la, "102", NULL, 0);
    t_expect_ringback(&a, h);
    OTSTATS st;
    CHECK_RC(otGetStats(&st), 0);
    CHECK_EQ(st.dwCalls, 2); /* the caller's call and the one ringing at 102 */
    CHECK_EQ(st.dwCallHandles, 1);
    t_drop_idle(&a, h);
    CHECK_RC(otGetStats(&st), 0);
    CHECK_EQ(st.dwCalls, 0);
    CHECK_EQ(st.dwProviderCalls, 0);
    t_expect_none(&a);
    t_shutdown(&a);
}
