/* The switch's no-answer timer on the manual clock: an unanswered call ends
 * after [sim] no_answer_ms with the caller DISCONNECTED/NOANSWER and the offer
 * IDLE.  Nothing sleeps: otClockAdvance fires due timers before it returns. */
#include "test.h"

static void manual_no_answer(const char *ms)
{
    t_config_sim("no_answer_ms", ms);
    CHECK_RC(otClockSetManual(TRUE), 0);
}

TEST(timer_no_answer_ends_ringing_call)
{
    manual_no_answer("1000");
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_ring(&p, "101", NULL, 0, &ha, &hb);
    CHECK_RC(otClockAdvance(999), 0);
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    CHECK_RC(otClockAdvance(1), 0);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NOANSWER);
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    DWORD mode;
    CHECK_EQ(t_state(ha, &mode), LINECALLSTATE_DISCONNECTED);
    CHECK_EQ(mode, LINEDISCONNECTMODE_NOANSWER);
    CHECK_RC(lineAnswer(hb, NULL, 0), LINEERR_INVALCALLSTATE);
    t_drop_idle(&p.a, ha);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_pair_done(&p);
}

TEST(timer_no_answer_while_accepted)
{
    manual_no_answer("500");
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_ring(&p, "101", NULL, 0, &ha, &hb);
    LONG req = lineAccept(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_ACCEPTED, 0);
    t_expect_reply(&p.b, req, 0);
    CHECK_RC(otClockAdvance(500), 0);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NOANSWER);
    t_drop_idle(&p.a, ha);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_pair_done(&p);
}

TEST(timer_stopped_by_answer_and_by_abandon)
{
    manual_no_answer("1000");
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_ring(&p, "101", NULL, 0, &ha, &hb);
    CHECK_RC(otClockAdvance(600), 0);
    LONG req = lineAnswer(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&p.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&p.b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&p.b, req, 0);
    CHECK_RC(otClockAdvance(5000), 0);
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.b, hb);
    /* An abandoned call's timer goes with it. */
    t_ring(&p, "101", NULL, 0, &ha, &hb);
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    CHECK_RC(otClockAdvance(5000), 0);
    t_pair_done(&p);
}

TEST(timer_no_answer_at_unopened_station)
{
    manual_no_answer("2000");
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha;
    t_ring(&p, "105", NULL, 0, &ha, NULL); /* nobody has 105 open */
    CHECK_RC(otClockAdvance(2000), 0);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NOANSWER);
    OTSTATS st;
    CHECK_RC(otGetStats(&st), 0);
    CHECK_EQ(st.dwCalls, 1); /* the offer at 105 is gone */
    t_drop_idle(&p.a, ha);
    t_pair_done(&p);
}

TEST(timer_zero_means_ring_forever)
{
    manual_no_answer("0");
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_ring(&p, "101", NULL, 0, &ha, &hb);
    CHECK_RC(otClockAdvance(86400000u), 0);
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    CHECK_EQ(t_state(hb, NULL), LINECALLSTATE_OFFERING);
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_pair_done(&p);
}

TEST(timer_two_calls_expire_in_order)
{
    manual_no_answer("1000");
    tapp a, b, c;
    t_init(&a, "a");
    t_init(&b, "b");
    t_init(&c, "c");
    HLINE la = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    HLINE lc = t_open(&c, 2, LINECALLPRIVILEGE_NONE);
    HCALL h1 = t_make_call(&a, la, "101", NULL, 0);
    HCALL o1 = t_expect_offer(&b, lb);
    CHECK_RC(otClockAdvance(400), 0);
    HCALL h2 = t_make_call(&c, lc, "103", NULL, 0);
    CHECK_RC(otClockAdvance(600), 0); /* the first call's time is up */
    t_expect_state(&b, o1, LINECALLSTATE_IDLE, 0);
    t_expect_ringback(&a, h1);
    t_expect_state(&a, h1, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NOANSWER);
    t_expect_ringback(&c, h2);
    t_expect_none(&c);
    CHECK_RC(otClockAdvance(399), 0);
    t_expect_none(&c);
    CHECK_RC(otClockAdvance(1), 0);
    t_expect_state(&c, h2, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NOANSWER);
    t_drop_idle(&a, h1);
    t_drop_idle(&c, h2);
    CHECK_RC(lineDeallocateCall(o1), 0);
    t_expect_none(&a);
    t_expect_none(&b);
    t_expect_none(&c);
    t_shutdown(&a);
    t_shutdown(&b);
    t_shutdown(&c);
}

TEST(timer_clock_advance_needs_manual_mode)
{
    CHECK_RC(otClockSetManual(FALSE), 0);
    CHECK_RC(otClockAdvance(1), LINEERR_OPERATIONUNAVAIL);
    CHECK_RC(otClockSetManual(TRUE), 0);
    CHECK_RC(otClockAdvance(1), 0);
}
