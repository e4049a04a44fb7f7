/* TAPI 3 conference on the embedded switch: ITBasicCallControl::Conference
 * with a consultation call from CreateCall, Finish(FM_ASCONFERENCE), then
 * Disconnect of each party: the conference reverts to a plain call, then
 * ends.  The far ends are TAPI 2 applications (bob 101, carol 102). */
#include "test_tapi3.h"

static const unsigned char bye_bob[] = {0x04, 'b', 'o', 'b'};

TEST(tapi3_conference_three_parties_then_disconnect_each)
{
    t3app x;
    t3_init(&x, "host", T3_EVENTS);
    tapp bob, carol;
    t_init(&bob, "bob");
    t_init(&carol, "carol");
    HLINE lb = t_open(&bob, 1, LINECALLPRIVILEGE_OWNER);
    HLINE lc = t_open(&carol, 2, LINECALLPRIVILEGE_OWNER);
    ITAddress *a = t3_address(&x, 0);
    HCALL hb;
    ITBasicCallControl *c1 = t3_call_t2(&x, a, "101", &bob, lb, &hb);

    /* The consultation call: CreateCall, then Conference dials it. */
    ITBasicCallControl *k = t3_create(a, "102");
    CHECK_HR(ITBasicCallControl_Finish(k, FM_ASCONFERENCE), TAPI_E_INVALCALLSTATE);
    CHECK_HR(ITBasicCallControl_Conference(c1, k, VARIANT_FALSE), S_OK);
    CHECK_HR(ITBasicCallControl_Conference(c1, k, VARIANT_FALSE), TAPI_E_INVALCALLSTATE);
    t3_expect_state(&x, k, CS_INPROGRESS, CEC_NONE);
    CHECK_EQ(t3_state(c1), CS_CONNECTED); /* CONFERENCED on the line */
    t_expect_none(&bob);                  /* bob is simply on hold in the bridge */
    HCALL hc = t_expect_offer(&carol, lc);
    LONG req = lineAnswer(hc, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&carol, hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&carol, req, 0);
    t3_expect_info(&x, k, CIC_CONNECTEDID);
    t3_expect_state(&x, k, CS_CONNECTED, CEC_NONE);
    CHECK_HR(ITBasicCallControl_Finish(k, FM_ASTRANSFER), TAPI_E_NOTSUPPORTED);
    CHECK_HR(ITBasicCallControl_Finish(k, FM_ASCONFERENCE), S_OK);
    t3_expect_none(&x);
    t_expect_none(&bob);
    t_expect_none(&carol);
    CHECK_EQ(t3_state(k), CS_CONNECTED);

    /* bob leaves (with UUI): carol and the host go on as a plain call. */
    t3_stage_uui(c1, bye_bob, sizeof(bye_bob));
    CHECK_HR(ITBasicCallControl_Disconnect(c1, DC_NORMAL), S_OK);
    t3_expect_state(&x, c1, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t_expect_callinfo(&bob, hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&bob, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    unsigned char got[16];
    CHECK_EQ(t_uui(hb, got, sizeof(got)), sizeof(bye_bob));
    CHECK_MEM(got, bye_bob, sizeof(bye_bob));
    t_expect_none(&carol);
    CHECK_EQ(t3_state(k), CS_CONNECTED);
    t3_expect_none(&x);

    /* Then carol's call ends too. */
    CHECK_HR(ITBasicCallControl_Disconnect(k, DC_NORMAL), S_OK);
    t3_expect_state(&x, k, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t_expect_state(&carol, hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t3_expect_none(&x);
    t_drop_idle(&bob, hb);
    t_drop_idle(&carol, hc);
    t3_release_last(k);
    t3_release_last(c1);
    ITAddress_Release(a);
    t3_done(&x);
    t_shutdown(&bob);
    t_shutdown(&carol);
    t3_check_stats();
}

/* A conference partner that hangs up: the host's call object sees it. */
TEST(tapi3_conference_party_hangs_up)
{
    t3app x;
    t3_init(&x, "host", TE_CALLSTATE);
    tapp bob, carol;
    t_init(&bob, "bob");
    t_init(&carol, "carol");
    HLINE lb = t_open(&bob, 1, LINECALLPRIVILEGE_OWNER);
    HLINE lc = t_open(&carol, 2, LINECALLPRIVILEGE_OWNER);
    ITAddress *a = t3_address(&x, 0);
    ITBasicCallControl *c1 = t3_create(a, "101");
    CHECK_HR(ITBasicCallControl_Connect(c1, VARIANT_FALSE), S_OK);
    t3_expect_state(&x, c1, CS_INPROGRESS, CEC_NONE);
    HCALL hb = t_expect_offer(&bob, lb);
    LONG req = lineAnswer(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&bob, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&bob, req, 0);
    t3_expect_state(&x, c1, CS_CONNECTED, CEC_NONE);
    ITBasicCallControl *k = t3_create(a, "102");
    CHECK_HR(ITBasicCallControl_Conference(c1, k, VARIANT_FALSE), S_OK);
    t3_expect_state(&x, k, CS_INPROGRESS, CEC_NONE);
    HCALL hc = t_expect_offer(&carol, lc);
    req = lineAnswer(hc, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&carol, hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&carol, req, 0);
    t3_expect_state(&x, k, CS_CONNECTED, CEC_NONE);
    CHECK_HR(ITBasicCallControl_Finish(k, FM_ASCONFERENCE), S_OK);
    /* carol hangs up: her leg ends, bob stays with the host. */
    t_drop_idle(&carol, hc);
    t3_expect_state(&x, k, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    CHECK_EQ(t3_state(c1), CS_CONNECTED);
    t_expect_none(&bob);
    t3_expect_none(&x);
    CHECK_HR(ITBasicCallControl_Disconnect(c1, DC_NORMAL), S_OK);
    t3_expect_state(&x, c1, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t_expect_state(&bob, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&bob, hb);
    t3_release_last(k);
    t3_release_last(c1);
    ITAddress_Release(a);
    t3_done(&x);
    t_shutdown(&bob);
    t_shutdown(&carol);
    t3_check_stats();
}
