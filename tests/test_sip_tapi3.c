/* TAPI 3 on the SIP provider: two opentapi SIP lines of this process
 * (alice, bob) on 127.0.0.1, a TAPI 3 application on each, or a TAPI 2
 * application at one end, or SIPp.  Disconnect with each DISCONNECT_CODE in
 * each state, UUI staged before it reaching the far end (BYE, 603, CANCEL),
 * the causes both ends see, the cause of each disconnect mode a final
 * response to our INVITE maps to, and Hold (a re-INVITE). */
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
    t3_stage_uui(k, reject_uui, sizeof(reject_uui));
    CHECK_HR(ITBasicCallControl_Disconnect(k, DC_REJECTED), S_OK);
    t3_expect_state(&y, k, CS_DISCONNECTED, CEC_DISCONNECT_REJECTED);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_REJECTED);
    t3_check_uui(c, reject_uui, sizeof(reject_uui));
    t3_release_last(c);
    t3_release_last(k);
    sh_wait_dialogs(0);

    /* DC_NOANSWER: CANCEL with the UUI; the offer goes away at bob. */
    k = ring(&x, ax, &y, &c);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_REJECTED), TAPI_E_INVALCALLSTATE);
    t3_stage_uui(c, drop_uui, sizeof(drop_uui));
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NOANSWER), S_OK);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NOANSWER);
    t3_expect_state(&y, k, CS_DISCONNECTED, CEC_DISCONNECT_CANCELLED);
    t3_check_uui(k, drop_uui, sizeof(drop_uui));
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

/* TAPI 3 Hold on a SIP line (a re-INVITE): alice (TAPI 3) holds bob (TAPI
 * 2): CS_HOLD, bob CONNECTED/ACTIVEHELD; Hold(FALSE): CS_CONNECTED, bob
 * ACTIVE; then held again and disconnected (BYE): bob DISCONNECTED. */
TEST(sip_tapi3_hold_is_a_reinvite)
{
    config_pair();
    t3app x;
    t3_init(&x, "alice3", TE_CALLSTATE);
    tapp b;
    t_init(&b, "bob2");
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    ITAddress *ax = t3_address(&x, 0);
    ITBasicCallControl *c = create(ax);
    CHECK_HR(ITBasicCallControl_Connect(c, VARIANT_FALSE), S_OK);
    t3_expect_state(&x, c, CS_INPROGRESS, CEC_NONE);
    HCALL hb = t_expect_offer(&b, lb);
    LONG req = lineAnswer(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&b, req, 0);
    t3_expect_state(&x, c, CS_CONNECTED, CEC_NONE);
    CHECK_HR(ITBasicCallControl_Hold(c, VARIANT_FALSE), TAPI_E_INVALCALLSTATE);
    CHECK_HR(ITBasicCallControl_Hold(c, VARIANT_TRUE), S_OK);
    t3_expect_state(&x, c, CS_HOLD, CEC_NONE);
    t_expect_state(&b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    CHECK_HR(ITBasicCallControl_Hold(c, VARIANT_FALSE), S_OK);
    t3_expect_state(&x, c, CS_CONNECTED, CEC_NONE);
    t_expect_state(&b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    CHECK_HR(ITBasicCallControl_Hold(c, VARIANT_TRUE), S_OK);
    t3_expect_state(&x, c, CS_HOLD, CEC_NONE);
    t_expect_state(&b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NORMAL), S_OK);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t_expect_state(&b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&b, hb);
    t3_release_last(c);
    sh_wait_dialogs(0);
    t3_expect_none(&x);
    t_expect_none(&b);
    ITAddress_Release(ax);
    t3_done(&x);
    t_shutdown(&b);
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

static const unsigned char cancel_uui[] = {0x04, 'g', 'i', 'v', 'e', ' ', 'u', 'p'};

/* The codes the test above leaves out, every event of both ends in order
 * (TE_CALLINFOCHANGE included): DC_NORMAL on an offered call (603: the caller
 * sees REJECTED), DC_NORMAL and DC_NOANSWER on a ringing outgoing call
 * (CANCEL), each with staged UUI the far end reads. */
TEST(sip_tapi3_normal_on_offering_and_inprogress_with_uui)
{
    config_pair();
    t3app x, y;
    t3_init(&x, "alice", T3_EVENTS);
    t3_init(&y, "bob", T3_EVENTS);
    ITAddress *ax = t3_address(&x, 0), *ay = t3_address(&y, 1);
    t3_register(&y, ay, true, false);

    /* DC_NORMAL on CS_OFFERING: 603 with the UUI. */
    ITBasicCallControl *c, *k = ring(&x, ax, &y, &c);
    t3_stage_uui(k, reject_uui, sizeof(reject_uui));
    CHECK_HR(ITBasicCallControl_Disconnect(k, DC_NORMAL), S_OK);
    t3_expect_state(&y, k, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t3_expect_none(&y);
    t3_expect_info(&x, c, CIC_USERUSERINFO);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_REJECTED);
    t3_expect_none(&x);
    t3_check_uui(c, reject_uui, sizeof(reject_uui));
    CHECK_HR(ITBasicCallControl_Disconnect(k, DC_NORMAL), S_FALSE);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NORMAL), S_FALSE);
    t3_release_last(c);
    t3_release_last(k);
    sh_wait_dialogs(0);

    /* DC_NORMAL and DC_NOANSWER on CS_INPROGRESS: CANCEL with the UUI; the
     * offer goes away at bob, the CANCEL's UUI announced first. */
    static const int codes[] = {DC_NORMAL, DC_NOANSWER};
    for (int i = 0; i < 2; i++) {
        k = ring(&x, ax, &y, &c);
        t3_stage_uui(c, cancel_uui, sizeof(cancel_uui));
        CHECK_HR(ITBasicCallControl_Disconnect(c, (DISCONNECT_CODE)codes[i]), S_OK);
        t3_expect_state(&x, c, CS_DISCONNECTED,
                        codes[i] == DC_NORMAL ? CEC_DISCONNECT_NORMAL : CEC_DISCONNECT_NOANSWER);
        t3_expect_none(&x);
        t3_expect_info(&y, k, CIC_USERUSERINFO);
        t3_expect_state(&y, k, CS_DISCONNECTED, CEC_DISCONNECT_CANCELLED);
        t3_expect_none(&y);
        t3_check_uui(k, cancel_uui, sizeof(cancel_uui));
        CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NOANSWER), S_FALSE);
        CHECK_HR(ITBasicCallControl_Disconnect(k, DC_REJECTED), S_FALSE);
        t3_release_last(c);
        t3_release_last(k);
        sh_wait_dialogs(0);
    }

    ITAddress_Release(ax);
    ITAddress_Release(ay);
    t3_done(&x);
    t3_done(&y);
    t3_check_stats();
}

/* DC_NOANSWER and DC_NORMAL of a TAPI 3 caller while a TAPI 2 callee is
 * offered the call: the CANCEL's UUI in the callee's LINECALLINFO, announced
 * (LINE_CALLINFO) before the call goes IDLE. */
TEST(sip_tapi3_abandon_uui_to_tapi2)
{
    config_pair();
    t3app x;
    t3_init(&x, "alice3", T3_EVENTS);
    tapp b;
    t_init(&b, "bob2");
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    ITAddress *ax = t3_address(&x, 0);
    static const int codes[] = {DC_NOANSWER, DC_NORMAL};
    for (int i = 0; i < 2; i++) {
        ITBasicCallControl *c = create(ax);
        CHECK_HR(ITBasicCallControl_Connect(c, VARIANT_FALSE), S_OK);
        t3_expect_state(&x, c, CS_INPROGRESS, CEC_NONE);
        HCALL hb = t_expect_offer(&b, lb);
        t3_stage_uui(c, cancel_uui, sizeof(cancel_uui));
        CHECK_HR(ITBasicCallControl_Disconnect(c, (DISCONNECT_CODE)codes[i]), S_OK);
        t3_expect_state(&x, c, CS_DISCONNECTED,
                        codes[i] == DC_NORMAL ? CEC_DISCONNECT_NORMAL : CEC_DISCONNECT_NOANSWER);
        t3_expect_none(&x);
        t_expect_callinfo(&b, hb, LINECALLINFOSTATE_USERUSERINFO);
        t_expect_state(&b, hb, LINECALLSTATE_IDLE, 0);
        t_expect_none(&b);
        sh_check_uui(hb, cancel_uui, sizeof(cancel_uui));
        CHECK_RC(lineDeallocateCall(hb), 0);
        t3_release_last(c);
        sh_wait_dialogs(0);
    }
    ITAddress_Release(ax);
    t3_done(&x);
    t_shutdown(&b);
    t3_check_stats();
}

/* A TAPI 3 caller on one SIP line (alice), SIPp the far end. */
static void config_alice(int port)
{
    char text[256];
    snprintf(text, sizeof(text),
             "[line]\nprovider = sip\nname = Alice\nnumber = alice\n"
             "uri = sip:alice@127.0.0.1:%d\n",
             port);
    t_config(text);
}

static ITBasicCallControl *create_to_sipp(ITAddress *a, int port)
{
    char dest[64];
    snprintf(dest, sizeof(dest), "sip:sipp@127.0.0.1:%d", port);
    ITBasicCallControl *c = NULL;
    BSTR d = SysAllocString(dest);
    CHECK_HR(ITAddress_CreateCall(a, d, LINEADDRESSTYPE_DOMAINNAME, TAPIMEDIATYPE_AUDIO, &c),
             S_OK);
    SysFreeString(d);
    return c;
}

/* DC_NOANSWER and DC_NORMAL of a ringing outgoing call on the wire: SIPp
 * (uas_abandon.xml) checks the INVITE's UUI, and the CANCEL's User-to-User
 * (the UUI staged before Disconnect) and Reason: Q.850;cause=16.  A TAPI 2
 * monitor of the line tells when the 180 has arrived (RINGBACK). */
TEST(sip_tapi3_abandon_cancel_on_wire)
{
    static const unsigned char abc[] = {0x04, 'a', 'b', 'c'};
    static const int codes[] = {DC_NOANSWER, DC_NORMAL};
    for (int i = 0; i < 2; i++) {
        int port = sh_port(12 + 2 * i), sport = sh_port(13 + 2 * i);
        config_alice(port);
        t3app x;
        t3_init(&x, "alice", T3_EVENTS);
        tapp m;
        t_init(&m, "monitor");
        t_open(&m, 0, LINECALLPRIVILEGE_MONITOR);
        ITAddress *ax = t3_address(&x, 0);
        sproc sipp;
        sh_sipp_start(&sipp, "uas_abandon.xml", sport, 0, 1, NULL);
        ITBasicCallControl *c = create_to_sipp(ax, sport);
        t3_stage_uui(c, abc, sizeof(abc));
        CHECK_HR(ITBasicCallControl_Connect(c, VARIANT_FALSE), S_OK);
        t3_expect_state(&x, c, CS_INPROGRESS, CEC_NONE);
        LINEMESSAGE msg = t_next(&m);
        CHECK_EQ(msg.dwMessageID, LINE_CALLSTATE);
        HCALL hm = (HCALL)msg.hDevice;
        if (msg.dwParam1 != LINECALLSTATE_RINGBACK)
            sh_wait_state(&m, hm, LINECALLSTATE_RINGBACK);
        t3_stage_uui(c, cancel_uui, sizeof(cancel_uui));
        CHECK_HR(ITBasicCallControl_Disconnect(c, (DISCONNECT_CODE)codes[i]), S_OK);
        t3_expect_state(&x, c, CS_DISCONNECTED,
                        codes[i] == DC_NORMAL ? CEC_DISCONNECT_NORMAL : CEC_DISCONNECT_NOANSWER);
        t3_expect_none(&x);
        sh_wait_state(&m, hm, LINECALLSTATE_IDLE);
        CHECK_RC(lineDeallocateCall(hm), 0);
        sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS);
        t3_release_last(c);
        sh_wait_dialogs(0);
        t_expect_none(&m);
        ITAddress_Release(ax);
        t3_done(&x);
        t_shutdown(&m);
        t3_check_stats();
    }
}

/* Each line disconnect mode of docs/tapi3.md's cause table, from a final
 * response SIPp (uas_final.xml) gives our INVITE: the TAPI 3 caller's events
 * in order (the response's UUI announced before CS_DISCONNECTED) and the cause
 * the mode maps to; the modes without a cause of their own give FAILED. */
static const struct {
    const char *status, *phrase, *q850;
    CALL_STATE_EVENT_CAUSE cause; /* the line's mode, as sip_sipp_* test it */
} finals[] = {
    {"603", "Decline", "21", CEC_DISCONNECT_REJECTED},                /* REJECT */
    {"486", "Busy Here", "17", CEC_DISCONNECT_BUSY},                  /* BUSY */
    {"480", "Temporarily Unavailable", "19", CEC_DISCONNECT_NOANSWER}, /* NOANSWER */
    {"404", "Not Found", "1", CEC_DISCONNECT_BADADDRESS},             /* BADADDRESS */
    {"487", "Request Terminated", "16", CEC_DISCONNECT_CANCELLED},    /* CANCELLED */
    {"402", "Payment Required", "54", CEC_DISCONNECT_BLOCKED},        /* BLOCKED */
    {"499", "Whatever", "54", CEC_DISCONNECT_BLOCKED},                /* BLOCKED (Q.850) */
    {"503", "Service Unavailable", "41", CEC_DISCONNECT_FAILED},      /* TEMPFAILURE */
    {"503", "Service Unavailable", "34", CEC_DISCONNECT_FAILED},      /* CONGESTION */
    {"482", "Loop Detected", "127", CEC_DISCONNECT_FAILED},           /* UNREACHABLE */
    {"499", "Whatever", "127", CEC_DISCONNECT_FAILED},                /* UNKNOWN */
    {"599", "Whatever", "127", CEC_DISCONNECT_FAILED},                /* UNAVAIL */
};

TEST(sip_tapi3_final_response_causes)
{
    int port = sh_port(0);
    config_alice(port);
    t3app x;
    t3_init(&x, "alice", T3_EVENTS);
    ITAddress *ax = t3_address(&x, 0);
    static const unsigned char reason[] = {0x04, 'r', 'e', 'a', 's', 'o', 'n'};
    for (size_t i = 0; i < sizeof(finals) / sizeof(finals[0]); i++) {
        int sport = sh_port(1 + (int)i);
        const char *subst[] = {"STATUS", finals[i].status, "PHRASE", finals[i].phrase,
                               "CAUSE",  finals[i].q850,   "UUI",    "04726561736f6e",
                               NULL};
        sproc sipp;
        sh_sipp_start(&sipp, sh_sipp_template("uas_final.xml", subst), sport, 0, 1, NULL);
        ITBasicCallControl *c = create_to_sipp(ax, sport);
        CHECK_HR(ITBasicCallControl_Connect(c, VARIANT_FALSE), S_OK);
        t3_expect_state(&x, c, CS_INPROGRESS, CEC_NONE);
        t3_expect_info(&x, c, CIC_USERUSERINFO);
        t3_expect_state(&x, c, CS_DISCONNECTED, finals[i].cause);
        t3_expect_none(&x);
        t3_check_uui(c, reason, sizeof(reason));
        CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NORMAL), S_FALSE);
        sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS);
        t3_release_last(c);
        sh_wait_dialogs(0);
    }
    ITAddress_Release(ax);
    t3_done(&x);
    t3_check_stats();
}
