/* Requests that are still pending when a drop overtakes them
 * (docs/design.md, "The embedded switch"): with [sim] reply_delay_ms every request but lineDrop
 * takes effect later on the manual clock.  Every request ID gets exactly one
 * LINE_REPLY; an overtaken one fails; a closed line or a shut-down
 * application gets none. */
#include "test.h"

#define DELAY 100u

static void delayed_config(void)
{
    t_config_sim("reply_delay_ms", "100");
    CHECK_RC(otClockSetManual(TRUE), 0);
}

/* lineMakeCall with the reply delay: nothing until the clock moves. */
static HCALL make_call_delayed(tapp *a, HLINE hl, const char *dest)
{
    HCALL h = 0;
    LONG req = lineMakeCall(hl, &h, dest, 0, NULL);
    CHECK_REQ(req);
    CHECK_RC(otClockAdvance(DELAY - 1), 0);
    t_expect_none(a);
    CHECK_EQ(h, 0); /* written with the successful reply only */
    CHECK_RC(otClockAdvance(1), 0);
    t_expect_reply(a, req, 0);
    CHECK(h != 0);
    return h;
}

static void ring_delayed(tpair *p, HCALL *ha, HCALL *hb)
{
    *ha = make_call_delayed(&p->a, p->la, "101");
    t_expect_ringback(&p->a, *ha);
    *hb = t_expect_offer(&p->b, p->lb);
    t_expect_none(&p->a);
    t_expect_none(&p->b);
}

static void connect_delayed(tpair *p, HCALL *ha, HCALL *hb)
{
    ring_delayed(p, ha, hb);
    LONG req = lineAnswer(*hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_none(&p->b);
    CHECK_RC(otClockAdvance(DELAY), 0);
    t_expect_callinfo(&p->a, *ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&p->a, *ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&p->b, *hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&p->b, req, 0);
}

/* After everything settled, time passing brings no late message. */
static void nothing_later(tpair *p)
{
    CHECK_RC(otClockAdvance(10 * DELAY), 0);
    t_expect_none(&p->a);
    t_expect_none(&p->b);
}

TEST(pending_answer_overtaken_by_reject)
{
    delayed_config();
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    ring_delayed(&p, &ha, &hb);
    LONG answer = lineAnswer(hb, NULL, 0);
    CHECK_REQ(answer);
    CHECK_RC(otClockAdvance(DELAY / 2), 0);
    t_expect_none(&p.b);
    /* The drop is immediate and rejects the call; the answer fails. */
    LONG drop = lineDrop(hb, NULL, 0);
    CHECK_REQ(drop);
    CHECK(drop != answer);
    t_expect_reply(&p.b, answer, LINEERR_INVALCALLSTATE);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.b, drop, 0);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_REJECT);
    nothing_later(&p);
    CHECK_EQ(t_state(hb, NULL), LINECALLSTATE_IDLE);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_drop_idle(&p.a, ha);
    nothing_later(&p);
    t_pair_done(&p);
}

TEST(pending_answer_overtaken_by_abandon)
{
    delayed_config();
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    ring_delayed(&p, &ha, &hb);
    LONG answer = lineAnswer(hb, NULL, 0);
    CHECK_REQ(answer);
    LONG drop = lineDrop(ha, NULL, 0);
    CHECK_REQ(drop);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, drop, 0);
    t_expect_reply(&p.b, answer, LINEERR_INVALCALLSTATE);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    nothing_later(&p);
    CHECK_RC(lineDeallocateCall(ha), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_pair_done(&p);
}

TEST(pending_dial_overtaken_by_drop)
{
    delayed_config();
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha = make_call_delayed(&p.a, p.la, NULL);
    t_expect_state(&p.a, ha, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    LONG dial = lineDial(ha, "101", 0);
    CHECK_REQ(dial);
    t_expect_none(&p.a);
    LONG drop = lineDrop(ha, NULL, 0);
    CHECK_REQ(drop);
    t_expect_reply(&p.a, dial, LINEERR_INVALCALLSTATE);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, drop, 0);
    nothing_later(&p); /* and 101 never rang */
    CHECK_RC(lineDeallocateCall(ha), 0);
    t_pair_done(&p);
}

TEST(pending_requests_all_fail_at_drop)
{
    delayed_config();
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    connect_delayed(&p, &ha, &hb);
    LONG send = lineSendUserUserInfo(ha, "hi", 2);
    CHECK_REQ(send);
    LONG hold = lineHold(ha);
    CHECK_REQ(hold);
    LONG release = lineReleaseUserUserInfo(ha); /* completes at once */
    CHECK_REQ(release);
    t_expect_reply(&p.a, release, 0);
    t_expect_none(&p.a);
    LONG drop = lineDrop(ha, NULL, 0);
    CHECK_REQ(drop);
    /* Overtaken requests fail in the order they were made. */
    t_expect_reply(&p.a, send, LINEERR_INVALCALLSTATE);
    t_expect_reply(&p.a, hold, LINEERR_INVALCALLSTATE);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, drop, 0);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    nothing_later(&p);
    /* The far side's own drop is immediate too. */
    t_drop_idle(&p.b, hb);
    CHECK_RC(lineDeallocateCall(ha), 0);
    nothing_later(&p);
    t_pair_done(&p);
}

TEST(pending_requests_complete_in_order)
{
    delayed_config();
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    connect_delayed(&p, &ha, &hb);
    LONG hold = lineHold(ha);
    CHECK_REQ(hold);
    CHECK_RC(otClockAdvance(DELAY / 2), 0);
    LONG send = lineSendUserUserInfo(hb, "x", 1);
    CHECK_REQ(send);
    CHECK_RC(otClockAdvance(DELAY / 2), 0);
    t_expect_state(&p.a, ha, LINECALLSTATE_ONHOLD, 0);
    t_expect_reply(&p.a, hold, 0);
    t_expect_none(&p.b);
    CHECK_RC(otClockAdvance(DELAY / 2), 0);
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_reply(&p.b, send, 0);
    LONG unhold = lineUnhold(ha);
    CHECK_REQ(unhold);
    CHECK_RC(otClockAdvance(DELAY), 0);
    t_expect_state(&p.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&p.a, unhold, 0);
    nothing_later(&p);
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.b, hb);
    t_pair_done(&p);
}

TEST(pending_make_call_then_line_closed)
{
    delayed_config();
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL h = 0;
    LONG req = lineMakeCall(p.la, &h, "101", 0, NULL);
    CHECK_REQ(req);
    CHECK_RC(lineClose(p.la), 0);
    nothing_later(&p); /* no reply for a closed line, and 101 never rang */
    CHECK_EQ(h, 0);
    OTSTATS st;
    CHECK_RC(otGetStats(&st), 0);
    CHECK_EQ(st.dwRequests, 0);
    CHECK_EQ(st.dwCalls, 0);
    t_pair_done(&p);
}

TEST(pending_requests_of_shut_down_app)
{
    delayed_config();
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    ring_delayed(&p, &ha, &hb);
    CHECK_REQ(lineAccept(hb, NULL, 0));
    CHECK_REQ(lineSendUserUserInfo(hb, "x", 1));
    /* The callee leaves: its offered call is rejected, no reply for anyone gone. */
    t_shutdown_with_calls(&p.b);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_REJECT);
    CHECK_RC(otClockAdvance(10 * DELAY), 0);
    t_expect_none(&p.a);
    OTSTATS st;
    CHECK_RC(otGetStats(&st), 0);
    CHECK_EQ(st.dwRequests, 0);
    t_drop_idle(&p.a, ha);
    t_expect_none(&p.a);
    t_shutdown(&p.a);
}

TEST(pending_reply_delivered_after_deallocate)
{
    /* From API 2.0 a deallocated handle's pending replies are still delivered. */
    delayed_config();
    tpair p;
    t_pair_init(&p, 0, 1);
    tapp m;
    t_init(&m, "monitor");
    HLINE lm = t_open(&m, 1, LINECALLPRIVILEGE_MONITOR);
    HCALL ha, hb;
    ring_delayed(&p, &ha, &hb);
    HCALL hm = t_expect_newcall(&m, lm, LINECALLPRIVILEGE_MONITOR);
    t_expect_state(&m, hm, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE);
    LONG answer = lineAnswer(hb, NULL, 0);
    CHECK_REQ(answer);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_expect_callinfo(&m, hm, LINECALLINFOSTATE_NUMOWNERDECR);
    CHECK_RC(otClockAdvance(DELAY), 0);
    t_expect_reply(&p.b, answer, 0);
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&p.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&m, hm, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    /* The caller hangs up; the ownerless far end is cleared. */
    t_drop_idle(&p.a, ha);
    t_expect_state(&m, hm, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&m, hm, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hm), 0);
    nothing_later(&p);
    t_expect_none(&m);
    t_shutdown(&m);
    t_pair_done(&p);
}

TEST(pending_reply_when_last_handle_closes_the_call)
{
    /* The sole owner deallocates a connected call with a request pending: the
     * call is closed (and dropped, CLOSEDROP), the request fails, its reply
     * still comes (API 2.0), and the far end hears the disconnect. */
    delayed_config();
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    connect_delayed(&p, &ha, &hb);
    LONG hold = lineHold(ha);
    CHECK_REQ(hold);
    CHECK_RC(lineDeallocateCall(ha), 0);
    t_expect_reply(&p.a, hold, LINEERR_INVALCALLSTATE);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    nothing_later(&p);
    t_drop_idle(&p.b, hb);
    t_pair_done(&p);
}
