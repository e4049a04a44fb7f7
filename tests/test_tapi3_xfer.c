/* TAPI 3 transfers and handoffs on the embedded switch:
 * ITBasicCallControl::Transfer with a consultation call from CreateCall and
 * Finish(FM_ASTRANSFER / FM_ASCONFERENCE), BlindTransfer, HandoffDirect and
 * HandoffIndirect, with the events of every party and Microsoft's errors.
 * The far ends are TAPI 2 applications (bob 101, carol 102). */
#include "test_tapi3.h"

static CALL_PRIVILEGE t3_priv(ITBasicCallControl *c)
{
    ITCallInfo *ci = t3_info(c);
    CALL_PRIVILEGE p = CP_MONITOR;
    CHECK_HR(ITCallInfo_get_Privilege(ci, &p), S_OK);
    ITCallInfo_Release(ci);
    return p;
}

typedef struct {
    t3app x;
    tapp bob, carol;
    HLINE lb, lc;
    ITAddress *a;
    ITBasicCallControl *c1;
    HCALL hb;
} xfer_setup;

/* x (device 0) talks with bob (101); carol (102) waits. */
static void setup(xfer_setup *s)
{
    t3_init(&s->x, "host", T3_EVENTS);
    t_init(&s->bob, "bob");
    t_init(&s->carol, "carol");
    s->lb = t_open(&s->bob, 1, LINECALLPRIVILEGE_OWNER);
    s->lc = t_open(&s->carol, 2, LINECALLPRIVILEGE_OWNER);
    s->a = t3_address(&s->x, 0);
    s->c1 = t3_call_t2(&s->x, s->a, "101", &s->bob, s->lb, &s->hb);
}

static void teardown(xfer_setup *s)
{
    t3_expect_none(&s->x);
    t_expect_none(&s->bob);
    t_expect_none(&s->carol);
    ITAddress_Release(s->a);
    t3_done(&s->x);
    t_shutdown(&s->bob);
    t_shutdown(&s->carol);
    t3_check_stats();
}

/* carol answers the offer on her line; returns her handle. */
static HCALL carol_answers(xfer_setup *s)
{
    HCALL hc = t_expect_offer(&s->carol, s->lc);
    LONG req = lineAnswer(hc, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&s->carol, hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&s->carol, req, 0);
    return hc;
}

TEST(tapi3_transfer_consult_then_finish_as_transfer)
{
    xfer_setup s;
    setup(&s);
    ITBasicCallControl *k = t3_create(s.a, "102");
    /* Not a consultation call yet; not a call; the call itself. */
    CHECK_HR(ITBasicCallControl_Finish(k, FM_ASTRANSFER), TAPI_E_INVALCALLSTATE);
    CHECK_HR(ITBasicCallControl_Transfer(s.c1, NULL, VARIANT_FALSE), E_INVALIDARG);
    CHECK_HR(ITBasicCallControl_Transfer(s.c1, s.c1, VARIANT_FALSE), E_INVALIDARG);
    /* Only a connected call is transferred. */
    CHECK_HR(ITBasicCallControl_Transfer(k, s.c1, VARIANT_FALSE), TAPI_E_INVALCALLSTATE);

    CHECK_HR(ITBasicCallControl_Transfer(s.c1, k, VARIANT_FALSE), S_OK);
    t3_expect_state(&s.x, s.c1, CS_HOLD, CEC_NONE); /* ONHOLDPENDTRANSFER */
    t3_expect_state(&s.x, k, CS_INPROGRESS, CEC_NONE);
    CHECK_HR(ITBasicCallControl_Transfer(s.c1, k, VARIANT_FALSE), TAPI_E_INVALCALLSTATE);
    t_expect_none(&s.bob); /* bob is simply on hold */
    HCALL hc = carol_answers(&s);
    t3_expect_info(&s.x, k, CIC_CONNECTEDID);
    t3_expect_state(&s.x, k, CS_CONNECTED, CEC_NONE);
    t3_expect_none(&s.x);

    /* Finish: bob and carol talk, the host's two calls are over. */
    CHECK_HR(ITBasicCallControl_Finish(k, FM_ASTRANSFER), S_OK);
    t3_expect_state(&s.x, s.c1, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t3_expect_state(&s.x, k, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    CHECK_HR(ITBasicCallControl_Finish(k, FM_ASTRANSFER), TAPI_E_INVALCALLSTATE);
    t_expect_callinfo(&s.bob, s.hb, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_callinfo(&s.carol, hc, LINECALLINFOSTATE_CONNECTEDID);
    char who[32];
    t_callinfo_str(s.hb, offsetof(LINECALLINFO, dwConnectedIDSize), who, sizeof(who));
    CHECK(!strcmp(who, "102"));
    t_callinfo_str(hc, offsetof(LINECALLINFO, dwConnectedIDSize), who, sizeof(who));
    CHECK(!strcmp(who, "101"));
    CHECK_EQ(t_state(s.hb, NULL), LINECALLSTATE_CONNECTED);
    t_drop_idle(&s.bob, s.hb);
    t_expect_state(&s.carol, hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&s.carol, hc);
    t3_release_last(k);
    t3_release_last(s.c1);
    teardown(&s);
}

/* Finish(FM_ASCONFERENCE) on a Transfer's consultation call: the three talk,
 * and the next Conference would add to that conference. */
TEST(tapi3_transfer_finish_as_conference)
{
    xfer_setup s;
    setup(&s);
    ITBasicCallControl *k = t3_create(s.a, "102");
    CHECK_HR(ITBasicCallControl_Transfer(s.c1, k, VARIANT_FALSE), S_OK);
    t3_expect_state(&s.x, s.c1, CS_HOLD, CEC_NONE);
    t3_expect_state(&s.x, k, CS_INPROGRESS, CEC_NONE);
    HCALL hc = carol_answers(&s);
    t3_expect_info(&s.x, k, CIC_CONNECTEDID);
    t3_expect_state(&s.x, k, CS_CONNECTED, CEC_NONE);
    CHECK_HR(ITBasicCallControl_Finish(k, (FINISH_MODE)7), E_INVALIDARG);
    CHECK_HR(ITBasicCallControl_Finish(k, FM_ASCONFERENCE), S_OK);
    t3_expect_state(&s.x, s.c1, CS_CONNECTED, CEC_NONE); /* CONFERENCED */
    t3_expect_none(&s.x);
    CHECK_EQ(t3_state(k), CS_CONNECTED);
    t_expect_none(&s.bob);
    t_expect_none(&s.carol);
    /* The host leaves bob: carol stays with the host. */
    CHECK_HR(ITBasicCallControl_Disconnect(s.c1, DC_NORMAL), S_OK);
    t3_expect_state(&s.x, s.c1, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t_expect_state(&s.bob, s.hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    CHECK_EQ(t3_state(k), CS_CONNECTED);
    CHECK_HR(ITBasicCallControl_Disconnect(k, DC_NORMAL), S_OK);
    t3_expect_state(&s.x, k, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t_expect_state(&s.carol, hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&s.bob, s.hb);
    t_drop_idle(&s.carol, hc);
    t3_release_last(k);
    t3_release_last(s.c1);
    teardown(&s);
}

/* fSync: Transfer returns when the consultation call is connected, or with
 * TAPI_E_DROPPED when it failed; the held call can then be ended. */
TEST(tapi3_transfer_sync_to_a_bad_number_is_dropped)
{
    xfer_setup s;
    setup(&s);
    ITBasicCallControl *k = t3_create(s.a, "999");
    CHECK_HR(ITBasicCallControl_Transfer(s.c1, k, VARIANT_TRUE), TAPI_E_DROPPED);
    t3_expect_state(&s.x, s.c1, CS_HOLD, CEC_NONE);
    t3_expect_state(&s.x, k, CS_INPROGRESS, CEC_NONE);
    t3_expect_state(&s.x, k, CS_DISCONNECTED, CEC_DISCONNECT_BADADDRESS);
    CHECK_HR(ITBasicCallControl_Finish(k, FM_ASTRANSFER), TAPI_E_INVALCALLSTATE);
    /* The switch gives the held call back (LINEADDRCAPFLAGS_AUTORECONNECT). */
    t3_expect_state(&s.x, s.c1, CS_CONNECTED, CEC_NONE);
    t3_expect_none(&s.x);
    /* A consultation call without a destination cannot be made. */
    ITBasicCallControl *k2 = t3_create(s.a, "");
    CHECK_HR(ITBasicCallControl_Transfer(s.c1, k2, VARIANT_FALSE), E_INVALIDARG);
    t3_release_last(k2);
    CHECK_HR(ITBasicCallControl_Disconnect(s.c1, DC_NORMAL), S_OK);
    t3_expect_state(&s.x, s.c1, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t_expect_state(&s.bob, s.hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&s.bob, s.hb);
    t3_release_last(k);
    t3_release_last(s.c1);
    teardown(&s);
}

TEST(tapi3_blind_transfer_hands_the_call_on)
{
    xfer_setup s;
    setup(&s);
    CHECK_HR(ITBasicCallControl_BlindTransfer(s.c1, NULL), E_POINTER);
    CHECK_HR(ITBasicCallControl_BlindTransfer(s.c1, (BSTR) "102"), S_OK);
    t3_expect_state(&s.x, s.c1, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    CHECK_HR(ITBasicCallControl_BlindTransfer(s.c1, (BSTR) "102"), TAPI_E_INVALCALLSTATE);
    /* bob hears carol's station ring, then talks to her. */
    t_expect_state(&s.bob, s.hb, LINECALLSTATE_RINGBACK, 0);
    t_expect_callinfo(&s.bob, s.hb, LINECALLINFOSTATE_CALLEDID);
    HCALL hc = carol_answers(&s);
    t_expect_callinfo(&s.bob, s.hb, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&s.bob, s.hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_drop_idle(&s.carol, hc);
    t_expect_state(&s.bob, s.hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&s.bob, s.hb);
    t3_release_last(s.c1);
    teardown(&s);
}

/* Station 400 (conference = 0) cannot transfer: E_FAIL, and its
 * capabilities say so. */
TEST(tapi3_transfer_refused_where_the_address_cannot)
{
    t3app x;
    t3_init(&x, "basic", T3_EVENTS);
    tapp bob;
    t_init(&bob, "bob");
    HLINE lb = t_open(&bob, 1, LINECALLPRIVILEGE_OWNER);
    ITAddress *a = t3_address(&x, 14);
    ITAddressCapabilities *caps = NULL;
    CHECK_HR(ITAddress_QueryInterface(a, &IID_ITAddressCapabilities, (void **)&caps), S_OK);
    LONG v = -1;
    CHECK_HR(ITAddressCapabilities_get_AddressCapability(caps, AC_TRANSFERMODES, &v), S_OK);
    CHECK_EQ(v, 0);
    CHECK_HR(ITAddressCapabilities_get_AddressCapability(caps, AC_CALLFEATURES1, &v), S_OK);
    CHECK_EQ((DWORD)v & LINECALLFEATURE_BLINDTRANSFER, 0);
    ITAddressCapabilities_Release(caps);
    HCALL hb;
    ITBasicCallControl *c = t3_call_t2(&x, a, "101", &bob, lb, &hb);
    ITBasicCallControl *k = t3_create(a, "102");
    CHECK_HR(ITBasicCallControl_Transfer(c, k, VARIANT_FALSE), E_FAIL);
    CHECK_HR(ITBasicCallControl_BlindTransfer(c, (BSTR) "102"), E_FAIL);
    t3_expect_none(&x);
    t_expect_none(&bob);
    CHECK_EQ(t3_state(c), CS_CONNECTED);
    CHECK_EQ(t3_state(k), CS_IDLE);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NORMAL), S_OK);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t_expect_state(&bob, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&bob, hb);
    t3_release_last(k);
    t3_release_last(c);
    ITAddress_Release(a);
    t3_done(&x);
    t_shutdown(&bob);
    t3_check_stats();
}

/* HandoffDirect to a TAPI 2 application by name, HandoffIndirect by media
 * type: the target owns the call, the TAPI 3 application keeps watching it. */
TEST(tapi3_handoff_direct_and_indirect)
{
    t3app x;
    t3_init(&x, "giver", T3_EVENTS);
    tapp bob, tgt;
    t_init(&bob, "bob");
    t_init(&tgt, "target");
    HLINE lb = t_open(&bob, 1, LINECALLPRIVILEGE_OWNER);
    ITAddress *a = t3_address(&x, 0);
    HCALL hb;
    ITBasicCallControl *c = t3_call_t2(&x, a, "101", &bob, lb, &hb);
    CHECK_HR(ITBasicCallControl_HandoffDirect(c, NULL), E_POINTER);
    CHECK_HR(ITBasicCallControl_HandoffDirect(c, (BSTR) ""), E_INVALIDARG);
    /* Nobody of that name has the line open; the application itself. */
    CHECK_HR(ITBasicCallControl_HandoffDirect(c, (BSTR) "target"), TAPI_E_TARGETNOTFOUND);
    CHECK_HR(ITBasicCallControl_HandoffIndirect(c, TAPIMEDIATYPE_AUDIO), TAPI_E_TARGETNOTFOUND);
    CHECK_HR(ITBasicCallControl_HandoffIndirect(c, 0x12345), TAPI_E_INVALIDMEDIATYPE);
    CHECK_HR(ITBasicCallControl_HandoffIndirect(c, TAPIMEDIATYPE_AUDIO | TAPIMEDIATYPE_VIDEO),
             TAPI_E_INVALIDMEDIATYPE);
    CHECK_HR(ITBasicCallControl_HandoffDirect(c, (BSTR) "opentapi TAPI3"), TAPI_E_TARGETSELF);
    HLINE lt = t_open(&tgt, 0, LINECALLPRIVILEGE_OWNER);
    CHECK_HR(ITBasicCallControl_HandoffDirect(c, (BSTR) "TARGET"), S_OK);
    HCALL ht = t_expect_newcall(&tgt, lt, LINECALLPRIVILEGE_OWNER);
    t_expect_state_priv(&tgt, ht, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE,
                        LINECALLPRIVILEGE_OWNER);
    t_expect_callinfo(&tgt, ht, LINECALLINFOSTATE_NUMOWNERDECR | LINECALLINFOSTATE_NUMMONITORS);
    CHECK_EQ(t3_priv(c), CP_MONITOR);
    t3_expect_info(&x, c, CIC_NUMOWNERINCR);
    t3_expect_none(&x);
    /* A monitor hands nothing off, nor drops. */
    CHECK_HR(ITBasicCallControl_HandoffDirect(c, (BSTR) "target"), TAPI_E_NOTOWNER);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NORMAL), TAPI_E_NOTOWNER);
    /* The target gives it back by media type: the TAPI 3 application, a
     * monitor of its line, is not an owner open; the target is its own. */
    CHECK_RC(lineHandoff(ht, NULL, LINEMEDIAMODE_INTERACTIVEVOICE), LINEERR_TARGETSELF);
    /* bob hangs up: both applications see the end. */
    t_drop_idle(&bob, hb);
    t_expect_state(&tgt, ht, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t_drop_idle(&tgt, ht);
    t3_release_last(c);

    /* Indirect: the owner open for the media type takes it. */
    c = t3_call_t2(&x, a, "101", &bob, lb, &hb);
    CHECK_HR(ITBasicCallControl_HandoffIndirect(c, TAPIMEDIATYPE_AUDIO), S_OK);
    t3_expect_info(&x, c, CIC_NUMOWNERINCR);
    ht = t_expect_newcall(&tgt, lt, LINECALLPRIVILEGE_OWNER);
    t_expect_state_priv(&tgt, ht, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE,
                        LINECALLPRIVILEGE_OWNER);
    t_expect_callinfo(&tgt, ht, LINECALLINFOSTATE_NUMOWNERDECR | LINECALLINFOSTATE_NUMMONITORS);
    CHECK_EQ(t3_priv(c), CP_MONITOR);
    t_drop_idle(&tgt, ht);
    t_expect_state(&bob, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t_drop_idle(&bob, hb);
    t3_release_last(c);
    t3_expect_none(&x);
    t_expect_none(&bob);
    t_expect_none(&tgt);
    ITAddress_Release(a);
    t3_done(&x);
    t_shutdown(&bob);
    t_shutdown(&tgt);
    t3_check_stats();
}
