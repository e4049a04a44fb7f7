/* TAPI 3 address events (TE_ADDRESS, ITAddressEvent): AE_RINGING for each
 * ring cycle of an offered call (the switch rings on the library clock),
 * AE_MSGWAITON / AE_MSGWAITOFF for the station's message-waiting lamp, once
 * per address however many opens the application has, and only to
 * applications whose event filter has TE_ADDRESS.  AE_STATE for the line
 * going in and out of service is in tests/test_kam_link.c. */
#include "test_tapi3.h"

static void set_msgwait(tapp *w, HLINE lw, BOOL on)
{
    LONG req = lineSetLineDevStatus(lw, LINEDEVSTATUSFLAGS_MSGWAIT, on);
    CHECK_REQ(req);
    t_expect_reply(w, req, 0);
}

TEST(tapi3_address_ringing_until_answered)
{
    CHECK_RC(otClockSetManual(TRUE), 0);
    t3app x, y;
    /* No TE_CALLINFOCHANGE: y's NUMOWNERDECR after x lets go is not waited for. */
    t3_init(&x, "x", TE_CALLNOTIFICATION | TE_CALLSTATE | TE_ADDRESS);
    t3_init(&y, "y", TE_CALLNOTIFICATION | TE_CALLSTATE); /* no TE_ADDRESS: no address events */
    ITAddress *ax = t3_address(&x, 1), *ay = t3_address(&y, 1);
    t3_register(&x, ax, true, false);
    t3_register(&y, ay, false, true);
    CHECK_EQ(t3_address_state(ax), AS_INSERVICE);
    tapp b;
    t_init(&b, "caller");
    HLINE lb = t_open(&b, 0, LINECALLPRIVILEGE_OWNER);
    HCALL hb = t_make_call(&b, lb, "101", NULL, 0);
    t_expect_ringback(&b, hb);
    ITBasicCallControl *k = t3_expect_notify(&x, CNE_OWNER, 0);
    t3_expect_state(&x, k, CS_OFFERING, CEC_NONE);
    t3_expect_address(&x, ax, AE_RINGING);
    ITBasicCallControl *m = t3_expect_notify(&y, CNE_MONITOR, 0);
    t3_expect_state(&y, m, CS_OFFERING, CEC_NONE);
    /* [sim] ring_ms: the next ring 6 s later. */
    CHECK_RC(otClockAdvance(6000), 0);
    t3_expect_address(&x, ax, AE_RINGING);
    CHECK_RC(otClockAdvance(6000), 0);
    t3_expect_address(&x, ax, AE_RINGING);
    /* Answered: the ringing stops (the lamp's event comes next, no ring). */
    CHECK_HR(ITBasicCallControl_Answer(k), S_OK);
    t3_expect_state(&x, k, CS_CONNECTED, CEC_NONE);
    t3_expect_state(&y, m, CS_CONNECTED, CEC_NONE); /* y had no ring before it */
    t_expect_callinfo(&b, hb, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    CHECK_RC(otClockAdvance(60000), 0);
    tapp w;
    t_init(&w, "lamp");
    HLINE lw = t_open(&w, 1, LINECALLPRIVILEGE_NONE);
    set_msgwait(&w, lw, TRUE);
    t3_expect_address(&x, ax, AE_MSGWAITON);
    set_msgwait(&w, lw, FALSE);
    t3_expect_address(&x, ax, AE_MSGWAITOFF);
    t_drop_idle(&b, hb);
    t3_expect_state(&x, k, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t3_expect_state(&y, m, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t3_expect_none(&x);
    t3_expect_none(&y);
    t3_release_last(k);
    ITBasicCallControl_Release(m); /* freed with y (its IDLE may still be on the way) */
    ITAddress_Release(ax);
    ITAddress_Release(ay);
    t_shutdown(&w);
    t_shutdown(&b);
    t3_done(&x);
    t3_done(&y);
    t3_check_stats();
}

/* Two registrations on one address: each address event once; the events go
 * on from the other open when the one they came from is unregistered, and
 * from a new registration after the last one went. */
TEST(tapi3_address_events_once_per_address)
{
    t3app x;
    t3_init(&x, "x", T3_EVENTS | TE_ADDRESS);
    ITAddress *ax = t3_address(&x, 2);
    LONG r1 = t3_register(&x, ax, false, true);
    LONG r2 = t3_register(&x, ax, false, true);
    tapp w;
    t_init(&w, "lamp");
    HLINE lw = t_open(&w, 2, LINECALLPRIVILEGE_NONE);
    set_msgwait(&w, lw, TRUE);
    t3_expect_address(&x, ax, AE_MSGWAITON);
    set_msgwait(&w, lw, FALSE);
    t3_expect_address(&x, ax, AE_MSGWAITOFF); /* not a second MSGWAITON */
    /* r1's open, the first, made them: r2's takes over. */
    CHECK_HR(ITTAPI_UnregisterNotifications(x.tapi, r1), S_OK);
    set_msgwait(&w, lw, TRUE);
    t3_expect_address(&x, ax, AE_MSGWAITON);
    CHECK_HR(ITTAPI_UnregisterNotifications(x.tapi, r2), S_OK);
    LONG r3 = t3_register(&x, ax, false, true);
    set_msgwait(&w, lw, FALSE);
    t3_expect_address(&x, ax, AE_MSGWAITOFF);
    t3_expect_none(&x);
    CHECK_HR(ITTAPI_UnregisterNotifications(x.tapi, r3), S_OK);
    ITAddress_Release(ax);
    t_shutdown(&w);
    t3_done(&x);
    t3_check_stats();
}
