/* TAPI 3 on the SIP provider: two opentapi SIP lines of this process
 * (alice, bob) on 127.0.0.1, a TAPI 3 application on each, or a TAPI 2
 * application at one end.  Disconnect with each DISCONNECT_CODE, UUI staged
 * before it reaching the far end (BYE, 603), and the causes both ends see. */
#include <stdio.h>

#include "sip_helpers.h"
#include "test_tapi3.h"

static const unsigned char make_uui[] = {0x04, 'h', 'e', 'l', 'l', 'o'};
static const unsigned char answer_uui[] = {0x04, 'o', 'k'};
static const unsigned char drop_uui[] = {0x04, 'b', 'y', 'e', 0x00, 0xff};
static const unsigned char reject_uui[] = {0x04, 'n', 'o'};

static char bob_uri[64];

static void config_pair(void)
{
    int pa = sh_port(10), pb = sh_port(11);
    char text[1024];
    snprintf(text, sizeof(text),
             "[line]\nprovider = sip\nname = Alice\nnumber = alice\n"
             "uri = sip:alice@127.0.0.1:%d\n"
             "[line]\nprovider = sip\nname = Bob\nnumber = bob\n"
             "uri = sip:bob@127.0.0.1:%d\n",
             pa, pb);
    t_config(text);
    snprintf(bob_uri, sizeof(bob_uri), "sip:bob@127.0.0.1:%d", pb);
}

static ITBasicCallControl *create(ITAddress *a)
{
    ITBasicCallControl *c = NULL;
    BSTR d = SysAllocString(bob_uri);
    CHECK_HR(ITAddress_CreateCall(a, d, LINEADDRESSTYPE_DOMAINNAME, TAPIMEDIATYPE_AUDIO, &c),
             S_OK);
    SysFreeString(d);
    return c;
}

/* alice (x) calls bob (y, registered owner): y is offered the call. */
static ITBasicCallControl *ring(t3app *x, ITAddress *ax, t3app *y, ITBasicCallControl **pc)
{
    ITBasicCallControl *c = create(ax);
    *pc = c;
    t3_stage_uui(c, make_uui, sizeof(make_uui));
    CHECK_HR(ITBasicCallControl_Connect(c, VARIANT_FALSE), S_OK);
    t3_expect_state(x, c, CS_INPROGRESS, CEC_NONE);
    ITBasicCallControl *k = t3_expect_notify(y, CNE_OWNER, 0);
    t3_expect_state(y, k, CS_OFFERING, CEC_NONE);
    t3_check_uui(k, make_uui, sizeof(make_uui));
    /* Newer UUI (the drop's) is held back until this one is released. */
    ITCallInfo *ki = t3_info(k);
    CHECK_HR(ITCallInfo_ReleaseUserUserInfo(ki), S_OK);
    ITCallInfo_Release(ki);
    return k;
}

TEST(sip_tapi3_disconnect_codes_between_two_tapi3_apps)
{
    config_pair();
    t3app x, y;
    t3_init(&x, "alice", TE_CALLNOTIFICATION | TE_CALLSTATE);
    t3_init(&y, "bob", TE_CALLNOTIFICATION | TE_CALLSTATE);
    ITAddress *ax = t3_address(&x, 0), *ay = t3_address(&y, 1);
    t3_register(&y, ay, true, false);

    /* DC_NORMAL on a connected call: BYE with the staged UUI. */
    ITBasicCallControl *c, *k = ring(&x, ax, &y, &c);
    t3_stage_uui(k, answer_uui, sizeof(answer_uui));
    CHECK_HR(ITBasicCallControl_Answer(k), S_OK);
    t3_expect_state(&y, k, CS_CONNECTED, CEC_NONE);
    t3_expect_state(&x, c, CS_CONNECTED, CEC_NONE);
    t3_check_uui(c, answer_uui, sizeof(answer_uui));
    t3_stage_uui(c, drop_uui, sizeof(drop_uui));
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NORMAL), S_OK);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t3_expect_state(&y, k, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t3_check_uui(k, drop_uui, sizeof(drop_uui));
    CHECK_HR(ITBasicCallControl_Disconnect(k, DC_NORMAL), S_FALSE);
    t3_release_last(c);
    t3_release_last(k);
    sh_wait_dialogs(0);

    /* DC_REJECTED: 603 with the UUI; the caller's cause is REJECTED. */
    k = ring(&x, ax, &y, &c);
    CHECK_HR(ITBasicCallControl_Disconnect(k, DC_NOANSWER), TAPI_E_INVALCALLSTATE);
    t3_stage_uui(k, reject_uui, sizeof(reject_uui));
    CHECK_HR(ITBasicCallControl_Disconnect(k, DC_REJECTED), S_OK);
    t3_expect_state(&y, k, CS_DISCONNECTED, CEC_DISCONNECT_REJECTED);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_REJECTED);
    t3_check_uui(c, reject_uui, sizeof(reject_uui));
    t3_release_last(c);
    t3_release_last(k);
    sh_wait_dialogs(0);

    /* DC_NOANSWER: CANCEL; the offer goes away at bob. */
    k = ring(&x, ax, &y, &c);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_REJECTED), TAPI_E_INVALCALLSTATE);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NOANSWER), S_OK);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NOANSWER);
    t3_expect_state(&y, k, CS_DISCONNECTED, CEC_DISCONNECT_CANCELLED);
    t3_release_last(c);
    t3_release_last(k);
    sh_wait_dialogs(0);

    t3_expect_none(&x);
    t3_expect_none(&y);
    ITAddress_Release(ax);
    ITAddress_Release(ay);
    t3_done(&x);
    t3_done(&y);
    t3_check_stats();
}

/* A TAPI 2 application at alice, TAPI 3 at bob, and the other way round. */
TEST(sip_tapi3_mixed_with_tapi2_both_directions)
{
    config_pair();
    t3app y;
    t3_init(&y, "bob", TE_CALLNOTIFICATION | TE_CALLSTATE);
    ITAddress *ay = t3_address(&y, 1);
    t3_register(&y, ay, true, false);
    tapp a;
    t_init(&a, "alice");
    HLINE la = t_open(&a, 0, LINECALLPRIVILEGE_OWNER);

    /* TAPI 2 calls TAPI 3; TAPI 3 answers and disconnects with UUI. */
    HCALL ha = t_make_call(&a, la, bob_uri, make_uui, sizeof(make_uui));
    ITBasicCallControl *k = t3_expect_notify(&y, CNE_OWNER, 0);
    t3_expect_state(&y, k, CS_OFFERING, CEC_NONE);
    t3_check_uui(k, make_uui, sizeof(make_uui));
    ITCallInfo *ki = t3_info(k);
    CHECK_HR(ITCallInfo_ReleaseUserUserInfo(ki), S_OK);
    ITCallInfo_Release(ki);
    CHECK_HR(ITBasicCallControl_Answer(k), S_OK);
    t3_expect_state(&y, k, CS_CONNECTED, CEC_NONE);
    sh_wait_state(&a, ha, LINECALLSTATE_CONNECTED);
    t3_stage_uui(k, drop_uui, sizeof(drop_uui));
    CHECK_HR(ITBasicCallControl_Disconnect(k, DC_NORMAL), S_OK);
    t3_expect_state(&y, k, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t_expect_callinfo(&a, ha, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    sh_check_uui(ha, drop_uui, sizeof(drop_uui));
    t_drop_idle(&a, ha);
    t3_release_last(k);
    sh_wait_dialogs(0);
    ITAddress_Release(ay);
    t3_done(&y);

    /* TAPI 3 calls TAPI 2 (now at bob); TAPI 2 rejects with UUI. */
    t3app x;
    t3_init(&x, "alice3", TE_CALLSTATE | TE_CALLINFOCHANGE);
    t_shutdown(&a);
    tapp b;
    t_init(&b, "bob2");
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    ITAddress *ax = t3_address(&x, 0);
    ITBasicCallControl *c = create(ax);
    CHECK_HR(ITBasicCallControl_Connect(c, VARIANT_FALSE), S_OK);
    t3_expect_state(&x, c, CS_INPROGRESS, CEC_NONE);
    HCALL hb = t_expect_offer(&b, lb);
    LONG req = lineDrop(hb, (LPCSTR)reject_uui, sizeof(reject_uui));
    CHECK_REQ(req);
    t_expect_state(&b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&b, req, 0);
    t3_expect_info(&x, c, CIC_USERUSERINFO);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_REJECTED);
    t3_check_uui(c, reject_uui, sizeof(reject_uui));
    CHECK_RC(lineDeallocateCall(hb), 0);
    t3_release_last(c);
    sh_wait_dialogs(0);
    t3_expect_none(&x);
    ITAddress_Release(ax);
    t3_done(&x);
    t_shutdown(&b);
    t3_check_stats();
}
