/* The Kamailio provider's link to Kamailio (its evapi connection), which is
 * what lets TAPI operate the lines: Kamailio stopping and coming back is
 * LINE_LINEDEVSTATE OUTOFSERVICE/INSERVICE and DISCONNECTED/CONNECTED, the
 * LINEDEVSTATUS flags and TAPI 3's AE_STATE follow it; a drop Kamailio does
 * not answer fails and leaves the call; calls Kamailio forgot while it
 * restarted end.  The environment (Kamailio, SIPp phones) and the helpers
 * are tests/test_kamailio.c's (declared in tests/test_kam.h); every wait is
 * on an event, bounded. */
#include <signal.h>
#include <string.h>

#include "test_kam.h"
#include "test_tapi3.h"

static bool late_is(const struct ot_kam_counters *c, void *arg)
{
    return c->rpc_late == *(unsigned long *)arg;
}

/* Kamailio stops: the line reports LINE_LINEDEVSTATE(OUTOFSERVICE) and
 * LINEDEVSTATUS loses INSERVICE, a drop is refused (nothing can be sent);
 * Kamailio comes back on the same ports: INSERVICE again. */
TEST_THREADED(kam_restart_out_of_service_and_back)
{
    struct kenv e;
    env_start(&e);
    const char *users[] = {"alice", NULL};
    config_lines(&e, users, "reconnect_ms = 50\n");
    tapp a;
    t_init(&a, "supervisor");
    HLINE hl = t_open(&a, 0, LINECALLPRIVILEGE_OWNER);
    CHECK_RC(lineSetStatusMessages(hl, LINEDEVSTATE_INSERVICE | LINEDEVSTATE_OUTOFSERVICE, 0), 0);
    LINEDEVCAPS dc;
    memset(&dc, 0, sizeof(dc));
    dc.dwTotalSize = sizeof(dc);
    CHECK_RC(lineGetDevCaps(a.h, 0, T_API, 0, &dc), 0);
    CHECK_EQ(dc.dwLineStates & (LINEDEVSTATE_INSERVICE | LINEDEVSTATE_OUTOFSERVICE),
             LINEDEVSTATE_INSERVICE | LINEDEVSTATE_OUTOFSERVICE);
    /* in service already, or the message comes */
    if (!(dev_status_flags(hl) & LINEDEVSTATUSFLAGS_INSERVICE))
        expect_devstate(&a, hl, LINEDEVSTATE_INSERVICE);
    wait_service(true);
    CHECK_EQ(dev_status_flags(hl) & LINEDEVSTATUSFLAGS_INSERVICE, LINEDEVSTATUSFLAGS_INSERVICE);

    sh_stop(&e.kam);
    expect_devstate(&a, hl, LINEDEVSTATE_OUTOFSERVICE);
    CHECK_EQ(dev_status_flags(hl) & LINEDEVSTATUSFLAGS_INSERVICE, 0);

    kam_run(&e);
    expect_devstate(&a, hl, LINEDEVSTATE_INSERVICE);
    CHECK_EQ(dev_status_flags(hl) & LINEDEVSTATUSFLAGS_INSERVICE, LINEDEVSTATUSFLAGS_INSERVICE);
    struct ot_kam_counters c;
    ot_kam_counters_get(&c);
    if (c.disconnects < 1 || c.connects < 2)
        FAIL("connections lost %lu, completed %lu: expected at least 1 and 2", c.disconnects,
             c.connects);
    t_expect_none(&a);
    t_shutdown(&a);
    env_stop(&e);
}

/* The link to Kamailio is what lets TAPI operate the lines (third-party
 * control): down, LINE_LINEDEVSTATE(DISCONNECTED | OUTOFSERVICE) and
 * LINEDEVSTATUS without CONNECTED and INSERVICE; up again, CONNECTED |
 * INSERVICE and both flags back.  Each open gets the states it enabled, in
 * one message; one that enabled none gets nothing. */
TEST_THREADED(kam_link_down_is_disconnected)
{
    struct kenv e;
    env_start(&e);
    const char *users[] = {"alice", NULL};
    config_lines(&e, users, "reconnect_ms = 50\n");
    tapp a, b, q;
    t_init(&a, "all-four");
    wait_service(true); /* the link is up before anyone opens the line */
    t_init(&b, "connected-only");
    t_init(&q, "quiet");
    HLINE ha = t_open(&a, 0, LINECALLPRIVILEGE_MONITOR);
    HLINE hb = t_open(&b, 0, LINECALLPRIVILEGE_MONITOR);
    HLINE hq = t_open(&q, 0, LINECALLPRIVILEGE_MONITOR);
    const DWORD link = LINEDEVSTATE_CONNECTED | LINEDEVSTATE_DISCONNECTED;
    const DWORD service = LINEDEVSTATE_INSERVICE | LINEDEVSTATE_OUTOFSERVICE;
    LINEDEVCAPS dc;
    memset(&dc, 0, sizeof(dc));
    dc.dwTotalSize = sizeof(dc);
    CHECK_RC(lineGetDevCaps(a.h, 0, T_API, 0, &dc), 0);
    CHECK_EQ(dc.dwLineStates & (link | service), link | service);
    CHECK_RC(lineSetStatusMessages(ha, link | service, 0), 0);
    CHECK_RC(lineSetStatusMessages(hb, link, 0), 0);
    const DWORD up = LINEDEVSTATUSFLAGS_CONNECTED | LINEDEVSTATUSFLAGS_INSERVICE;
    CHECK_EQ(dev_status_flags(ha) & up, up);

    sh_stop(&e.kam);
    expect_devstate(&a, ha, LINEDEVSTATE_DISCONNECTED | LINEDEVSTATE_OUTOFSERVICE);
    expect_devstate(&b, hb, LINEDEVSTATE_DISCONNECTED);
    CHECK_EQ(dev_status_flags(ha) & up, 0);
    CHECK_EQ(dev_status_flags(hq) & up, 0);

    kam_run(&e);
    expect_devstate(&a, ha, LINEDEVSTATE_CONNECTED | LINEDEVSTATE_INSERVICE);
    expect_devstate(&b, hb, LINEDEVSTATE_CONNECTED);
    CHECK_EQ(dev_status_flags(hb) & up, up);
    t_expect_none(&a);
    t_expect_none(&b);
    t_expect_none(&q);
    t_shutdown(&q);
    t_shutdown(&b);
    t_shutdown(&a);
    env_stop(&e);
}

/* TAPI 3 on a Kamailio line: the link going down is AE_STATE with
 * ITAddress::get_State AS_OUTOFSERVICE, coming back AE_STATE and
 * AS_INSERVICE (TE_ADDRESS in the filter, a registration on the address). */
TEST_THREADED(kam_tapi3_address_state_follows_the_link)
{
    struct kenv e;
    env_start(&e);
    const char *users[] = {"alice", NULL};
    config_lines(&e, users, "reconnect_ms = 50\n");
    t3app x;
    t3_init(&x, "x", TE_ADDRESS);
    wait_service(true);
    ITAddress *ax = t3_address(&x, 0);
    LONG reg = t3_register(&x, ax, false, true);
    CHECK_EQ(t3_address_state(ax), AS_INSERVICE);
    sh_stop(&e.kam);
    t3_expect_address(&x, ax, AE_STATE);
    CHECK_EQ(t3_address_state(ax), AS_OUTOFSERVICE);
    kam_run(&e);
    t3_expect_address(&x, ax, AE_STATE);
    CHECK_EQ(t3_address_state(ax), AS_INSERVICE);
    t3_expect_none(&x);
    CHECK_HR(ITTAPI_UnregisterNotifications(x.tapi, reg), S_OK);
    ITAddress_Release(ax);
    t3_done(&x);
    env_stop(&e);
    t3_check_stats();
}

/* Kamailio does not answer the drop (stopped with SIGSTOP): the request
 * fails with LINEERR_OPERATIONFAILED after rpc_timeout_ms and the call is
 * left CONNECTED on both lines.  When Kamailio runs again its late answer is
 * counted and nothing more is sent (the phones keep talking); a second drop
 * then ends the call (both phones get the BYE with our UUI and Reason). */
TEST(kam_unanswered_drop_fails_and_leaves_call)
{
    struct kenv e;
    env_start(&e);
    tpair p;
    const char *users[] = {"alice", "bob", NULL};
    config_lines(&e, users, "rpc_timeout_ms = 300\n");
    t_init(&p.a, "supervisor-a");
    p.la = t_open(&p.a, 0, LINECALLPRIVILEGE_OWNER);
    t_init(&p.b, "supervisor-b");
    p.lb = t_open(&p.b, 1, LINECALLPRIVILEGE_OWNER);
    wait_service(true);
    sproc alice, bob;
    start_phones(&e, &alice, "kam_uac_bye.xml", &bob, "kam_uas_bye.xml");
    HCALL ha = expect_outgoing(&p.a, p.la);
    HCALL hb = t_expect_offer(&p.b, p.lb);
    expect_connected(&p.a, ha, &p.b, hb);

    /* the ACK is through (invite, 180, 200, ACK): the drop goes out at once */
    unsigned long four = 4;
    if (!ot_kam_counters_wait(events_are, &four, 10000))
        FAIL("the call's ACK was not reported");
    CHECK_RC(kill(-e.kam.pid, SIGSTOP), 0);
    LONG req = lineDrop(ha, (LPCSTR)drop_uui, sizeof(drop_uui));
    CHECK_REQ(req);
    t_expect_reply(&p.a, req, LINEERR_OPERATIONFAILED);
    DWORD mode = 0;
    CHECK_EQ(t_state(ha, &mode), LINECALLSTATE_CONNECTED);
    CHECK_EQ(t_state(hb, &mode), LINECALLSTATE_CONNECTED);
    struct ot_kam_counters c;
    ot_kam_counters_get(&c);
    CHECK_EQ(c.rpc_failed, 1);
    t_expect_none(&p.a);
    t_expect_none(&p.b);

    CHECK_RC(kill(-e.kam.pid, SIGCONT), 0);
    /* the late answer (the dialog's data) is counted; nothing more is sent */
    unsigned long one = 1;
    if (!ot_kam_counters_wait(late_is, &one, 10000))
        FAIL("the late answer was not counted");
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    CHECK_EQ(t_state(ha, &mode), LINECALLSTATE_CONNECTED);

    /* a second drop goes through: both phones get the BYE */
    req = lineDrop(ha, (LPCSTR)drop_uui, sizeof(drop_uui));
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    sh_expect_success(&alice, SH_SIPP_TIMEOUT_MS);
    sh_expect_success(&bob, SH_SIPP_TIMEOUT_MS);
    CHECK_RC(lineDeallocateCall(ha), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    wait_no_dialogs();
    t_pair_done(&p);
    env_stop(&e);
}

/* Kamailio restarts during a call and comes back without its dialogs: once
 * in service again the provider's resynchronisation ends the call it can no
 * longer see (DISCONNECTED UNKNOWN, IDLE on both lines); the phones, which
 * know nothing of it, are stopped by the test. */
TEST(kam_restart_ends_calls_kamailio_forgot)
{
    struct kenv e;
    env_start(&e);
    tpair p;
    const char *users[] = {"alice", "bob", NULL};
    config_lines(&e, users, "reconnect_ms = 50\n");
    t_init(&p.a, "supervisor-a");
    p.la = t_open(&p.a, 0, LINECALLPRIVILEGE_OWNER);
    t_init(&p.b, "supervisor-b");
    p.lb = t_open(&p.b, 1, LINECALLPRIVILEGE_OWNER);
    wait_service(true);
    sproc alice, bob;
    start_phones(&e, &alice, "kam_uac_bye.xml", &bob, "kam_uas_bye.xml");
    HCALL ha = expect_outgoing(&p.a, p.la);
    HCALL hb = t_expect_offer(&p.b, p.lb);
    expect_connected(&p.a, ha, &p.b, hb);

    sh_stop(&e.kam);
    wait_service(false);
    kam_run(&e);
    wait_service(true);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_UNKNOWN);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_UNKNOWN);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(ha), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    wait_no_dialogs();
    sh_stop(&alice);
    sh_stop(&bob);
    t_pair_done(&p);
    env_stop(&e);
}
