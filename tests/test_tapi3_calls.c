/* TAPI 3 calls between two TAPI 3 applications, the causes each end sees
 * (busy, bad address, rejected, cancelled), UUI at setup, answer and drop,
 * lines that cannot reject or carry UUI, monitors, object lifetime and
 * Shutdown with calls alive. */
#include "test_tapi3.h"

static const unsigned char make_uui[] = {0x04, 'h', 'i'};
static const unsigned char answer_uui[] = {0x04, 'o', 'k'};
static const unsigned char drop_uui[] = {0x04, 'b', 'y', 'e', 0x00, 0xff};

/* x (device 0) calls y (device 1, registered owner): y is offered the call. */
static ITBasicCallControl *t3_ring_t3(t3app *x, ITAddress *ax, t3app *y, const char *dest,
                                      ITBasicCallControl **pc)
{
    ITBasicCallControl *c = t3_create(ax, dest);
    *pc = c;
    CHECK_HR(ITBasicCallControl_Connect(c, VARIANT_FALSE), S_OK);
    t3_expect_state(x, c, CS_INPROGRESS, CEC_NONE);
    ITBasicCallControl *k = t3_expect_notify(y, CNE_OWNER, 7);
    t3_expect_state(y, k, CS_OFFERING, CEC_NONE);
    return k;
}

TEST(tapi3_to_tapi3_uui_at_setup_answer_and_disconnect)
{
    t3app x, y;
    t3_init(&x, "x", T3_EVENTS);
    t3_init(&y, "y", T3_EVENTS);
    ITAddress *ax = t3_address(&x, 0), *ay = t3_address(&y, 1);
    LONG reg;
    CHECK_HR(ITTAPI_RegisterCallNotifications(y.tapi, ay, VARIANT_FALSE, VARIANT_TRUE,
                                              TAPIMEDIATYPE_AUDIO, 7, &reg),
             S_OK);
    ITBasicCallControl *c = t3_create(ax, "101");
    t3_stage_uui(c, make_uui, sizeof(make_uui));
    CHECK_HR(ITBasicCallControl_Connect(c, VARIANT_FALSE), S_OK);
    t3_expect_state(&x, c, CS_INPROGRESS, CEC_NONE);
    ITBasicCallControl *k = t3_expect_notify(&y, CNE_OWNER, 7);
    t3_expect_state(&y, k, CS_OFFERING, CEC_NONE);
    t3_check_uui(k, make_uui, sizeof(make_uui));
    ITCallInfo *ki = t3_info(k);
    CHECK_HR(ITCallInfo_ReleaseUserUserInfo(ki), S_OK);
    ITCallInfo_Release(ki);

    t3_stage_uui(k, answer_uui, sizeof(answer_uui));
    CHECK_HR(ITBasicCallControl_Answer(k), S_OK);
    CHECK_HR(ITBasicCallControl_Answer(k), E_UNEXPECTED); /* no longer offering */
    t3_expect_state(&y, k, CS_CONNECTED, CEC_NONE);
    t3_expect_info(&x, c, CIC_USERUSERINFO);
    t3_expect_info(&x, c, CIC_CONNECTEDID);
    t3_expect_state(&x, c, CS_CONNECTED, CEC_NONE);
    t3_check_uui(c, answer_uui, sizeof(answer_uui));

    t3_stage_uui(c, drop_uui, sizeof(drop_uui));
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NORMAL), S_OK);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t3_expect_info(&y, k, CIC_USERUSERINFO);
    t3_expect_state(&y, k, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t3_check_uui(k, drop_uui, sizeof(drop_uui));
    CHECK_HR(ITBasicCallControl_Disconnect(k, DC_NORMAL), S_FALSE);
    t3_expect_none(&x);
    t3_expect_none(&y);

    CHECK_HR(ITTAPI_UnregisterNotifications(y.tapi, reg), S_OK);
    CHECK_HR(ITTAPI_UnregisterNotifications(y.tapi, reg), E_INVALIDARG);
    t3_release_last(c);
    t3_release_last(k);
    ITAddress_Release(ax);
    ITAddress_Release(ay);
    t3_done(&x);
    t3_done(&y);
    t3_check_stats();
}

TEST(tapi3_to_tapi3_causes_rejected_and_cancelled)
{
    t3app x, y;
    t3_init(&x, "x", TE_CALLNOTIFICATION | TE_CALLSTATE);
    t3_init(&y, "y", TE_CALLNOTIFICATION | TE_CALLSTATE);
    ITAddress *ax = t3_address(&x, 0), *ay = t3_address(&y, 1);
    LONG reg;
    CHECK_HR(ITTAPI_RegisterCallNotifications(y.tapi, ay, VARIANT_FALSE, VARIANT_TRUE,
                                              TAPIMEDIATYPE_AUDIO, 7, &reg),
             S_OK);
    /* Rejected: the caller's cause is REJECTED too. */
    ITBasicCallControl *c, *k = t3_ring_t3(&x, ax, &y, "101", &c);
    CHECK_HR(ITBasicCallControl_Disconnect(k, DC_REJECTED), S_OK);
    t3_expect_state(&y, k, CS_DISCONNECTED, CEC_DISCONNECT_REJECTED);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_REJECTED);
    t3_release_last(c);
    t3_release_last(k);
    /* Abandoned with DC_NOANSWER: the offer goes away, cause CANCELLED. */
    k = t3_ring_t3(&x, ax, &y, "101", &c);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NOANSWER), S_OK);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NOANSWER);
    t3_expect_state(&y, k, CS_DISCONNECTED, CEC_DISCONNECT_CANCELLED);
    t3_release_last(c);
    t3_release_last(k);
    /* DC_NORMAL while it rings: the same for the callee. */
    k = t3_ring_t3(&x, ax, &y, "101", &c);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NORMAL), S_OK);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t3_expect_state(&y, k, CS_DISCONNECTED, CEC_DISCONNECT_CANCELLED);
    t3_release_last(c);
    t3_release_last(k);
    /* Connected, the callee hangs up: NORMAL on both sides. */
    k = t3_ring_t3(&x, ax, &y, "101", &c);
    CHECK_HR(ITBasicCallControl_Answer(k), S_OK);
    t3_expect_state(&y, k, CS_CONNECTED, CEC_NONE);
    t3_expect_state(&x, c, CS_CONNECTED, CEC_NONE);
    CHECK_HR(ITBasicCallControl_Disconnect(k, DC_NORMAL), S_OK);
    t3_expect_state(&y, k, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t3_expect_none(&x);
    t3_expect_none(&y);
    t3_release_last(c);
    t3_release_last(k);
    ITAddress_Release(ax);
    ITAddress_Release(ay);
    t3_done(&x);
    t3_done(&y);
    t3_check_stats();
}

TEST(tapi3_remote_causes_busy_badaddress_and_sync_connect)
{
    t3app x;
    t3_init(&x, "x", TE_CALLSTATE);
    ITAddress *a = t3_address(&x, 0);
    /* Its own number: busy.  An unknown number: bad address. */
    ITBasicCallControl *c = t3_create(a, "100");
    CHECK_HR(ITBasicCallControl_Connect(c, VARIANT_FALSE), S_OK);
    t3_expect_state(&x, c, CS_INPROGRESS, CEC_NONE);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_BUSY);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NORMAL), S_FALSE);
    t3_release_last(c);
    c = t3_create(a, "999");
    CHECK_HR(ITBasicCallControl_Connect(c, VARIANT_FALSE), S_OK);
    t3_expect_state(&x, c, CS_INPROGRESS, CEC_NONE);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_BADADDRESS);
    t3_release_last(c);
    /* Synchronous Connect reports the failure itself. */
    c = t3_create(a, "100");
    CHECK_HR(ITBasicCallControl_Connect(c, VARIANT_TRUE), TAPI_E_DESTBUSY);
    CHECK_EQ(t3_state(c), CS_DISCONNECTED);
    t3_expect_state(&x, c, CS_INPROGRESS, CEC_NONE);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_BUSY);
    t3_release_last(c);
    c = t3_create(a, "999");
    CHECK_HR(ITBasicCallControl_Connect(c, VARIANT_TRUE), TAPI_E_DESTUNAVAIL);
    t3_expect_state(&x, c, CS_INPROGRESS, CEC_NONE);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_BADADDRESS);
    t3_release_last(c);
    t3_expect_none(&x);
    ITAddress_Release(a);
    t3_done(&x);
    t3_check_stats();
}

/* The TAPI 2 callee rejects (lineDrop on OFFERING): the TAPI 3 caller's
 * cause is REJECTED and it reads the rejection's UUI. */
TEST(tapi3_caller_sees_tapi2_rejection_with_uui)
{
    t3app x;
    t3_init(&x, "x", T3_EVENTS);
    tapp b;
    t_init(&b, "t2");
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    ITAddress *a = t3_address(&x, 0);
    ITBasicCallControl *c = t3_create(a, "101");
    CHECK_HR(ITBasicCallControl_Connect(c, VARIANT_FALSE), S_OK);
    t3_expect_state(&x, c, CS_INPROGRESS, CEC_NONE);
    HCALL hb = t_expect_offer(&b, lb);
    LONG req = lineDrop(hb, (LPCSTR)drop_uui, sizeof(drop_uui));
    CHECK_REQ(req);
    t_expect_state(&b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&b, req, 0);
    t3_expect_info(&x, c, CIC_USERUSERINFO);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_REJECTED);
    t3_check_uui(c, drop_uui, sizeof(drop_uui));
    t3_expect_none(&x);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t3_release_last(c);
    ITAddress_Release(a);
    t3_done(&x);
    t_shutdown(&b);
    t3_check_stats();
}

/* Station 400 carries no UUI and cannot reject. */
TEST(tapi3_line_without_reject_or_uui)
{
    t3app x;
    t3_init(&x, "x", TE_CALLNOTIFICATION | TE_CALLSTATE);
    ITAddress *a = t3_address(&x, 14);
    t3_register(&x, a, true, false);
    tapp b;
    t_init(&b, "t2");
    HLINE lb = t_open(&b, 0, LINECALLPRIVILEGE_NONE);
    HCALL hb = t_make_call(&b, lb, "400", NULL, 0);
    t_expect_ringback(&b, hb);
    ITBasicCallControl *k = t3_expect_notify(&x, CNE_OWNER, 0);
    t3_expect_state(&x, k, CS_OFFERING, CEC_NONE);
    ITCallInfo *ci = t3_info(k);
    CHECK_HR(ITCallInfo_SetCallInfoBuffer(ci, CIB_USERUSERINFO, 1, (BYTE *)"x"),
             TAPI_E_USERUSERINFOTOOBIG);
    CHECK_HR(ITCallInfo_SetCallInfoBuffer(ci, CIB_USERUSERINFO, 0, NULL), S_OK);
    ITCallInfo_Release(ci);
    CHECK_HR(ITBasicCallControl_Disconnect(k, DC_REJECTED), TAPI_E_NOTSUPPORTED);
    CHECK_HR(ITBasicCallControl_Disconnect(k, DC_NORMAL), TAPI_E_NOTSUPPORTED);
    CHECK_EQ(t3_state(k), CS_OFFERING);
    t3_expect_none(&x);
    t_expect_none(&b);
    CHECK_HR(ITBasicCallControl_Answer(k), S_OK);
    t3_expect_state(&x, k, CS_CONNECTED, CEC_NONE);
    t_expect_callinfo(&b, hb, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    CHECK_HR(ITBasicCallControl_Disconnect(k, DC_NORMAL), S_OK);
    t3_expect_state(&x, k, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t_expect_state(&b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&b, hb);
    t3_release_last(k);
    ITAddress_Release(a);
    t3_done(&x);
    t_shutdown(&b);
    t3_check_stats();
}

TEST(tapi3_uui_size_limit)
{
    t3app x;
    t3_init(&x, "x", 0);
    ITAddress *a = t3_address(&x, 0);
    ITBasicCallControl *c = t3_create(a, "101");
    unsigned char big[129];
    memset(big, 'u', sizeof(big));
    ITCallInfo *ci = t3_info(c);
    CHECK_HR(ITCallInfo_SetCallInfoBuffer(ci, CIB_USERUSERINFO, 129, big),
             TAPI_E_USERUSERINFOTOOBIG);
    CHECK_HR(ITCallInfo_SetCallInfoBuffer(ci, CIB_USERUSERINFO, 128, big), S_OK);
    ITCallInfo_Release(ci);
    t3_release_last(c);
    ITAddress_Release(a);
    t3_done(&x);
    t3_check_stats();
}

/* A monitor sees the call and its end but may not act on it. */
TEST(tapi3_monitor_cannot_disconnect)
{
    t3app x;
    t3_init(&x, "x", TE_CALLNOTIFICATION | TE_CALLSTATE);
    ITAddress *a = t3_address(&x, 1);
    t3_register(&x, a, false, true);
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_ring(&p, "101", NULL, 0, &ha, &hb);
    ITBasicCallControl *k = t3_expect_notify(&x, CNE_MONITOR, 0);
    t3_expect_state(&x, k, CS_OFFERING, CEC_NONE);
    ITCallInfo *ci = t3_info(k);
    CALL_PRIVILEGE priv;
    CHECK_HR(ITCallInfo_get_Privilege(ci, &priv), S_OK);
    CHECK_EQ(priv, CP_MONITOR);
    CHECK_HR(ITCallInfo_SetCallInfoBuffer(ci, CIB_USERUSERINFO, 1, (BYTE *)"x"), TAPI_E_NOTOWNER);
    CHECK_HR(ITCallInfo_ReleaseUserUserInfo(ci), TAPI_E_NOTOWNER);
    ITCallInfo_Release(ci);
    CHECK_HR(ITBasicCallControl_Disconnect(k, DC_NORMAL), TAPI_E_NOTOWNER);
    CHECK_HR(ITBasicCallControl_Disconnect(k, DC_REJECTED), TAPI_E_NOTOWNER);
    CHECK_HR(ITBasicCallControl_Answer(k), TAPI_E_NOTOWNER);
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    /* The caller gives up: the monitor sees the offer cancelled. */
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    t3_expect_state(&x, k, CS_DISCONNECTED, CEC_DISCONNECT_CANCELLED);
    CHECK_HR(ITBasicCallControl_Disconnect(k, DC_NORMAL), S_FALSE);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t3_release_last(k);
    ITAddress_Release(a);
    t3_done(&x);
    t_pair_done(&p);
    t3_check_stats();
}

/* ---- lifetime ---- */

TEST(tapi3_refcounts_and_release_of_an_active_call)
{
    t3app x;
    t3_init(&x, "x", TE_CALLSTATE | TE_CALLINFOCHANGE);
    tapp b;
    t_init(&b, "t2");
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    ITAddress *a = t3_address(&x, 0);
    ITBasicCallControl *c = t3_create(a, "101");
    CHECK_EQ(ITBasicCallControl_AddRef(c), 2);
    ITCallInfo *ci = t3_info(c); /* 3: one object behind both interfaces */
    CHECK_EQ(ITCallInfo_AddRef(ci), 4);
    CHECK_EQ(ITCallInfo_Release(ci), 3);
    CHECK_EQ(ITCallInfo_Release(ci), 2);
    CHECK_EQ(ITBasicCallControl_Release(c), 1);
    t3_release_last(c);

    /* An active call outlives the application's references: the TAPI
     * object holds it until it is disconnected. */
    HCALL hb;
    c = t3_call_t2(&x, a, "101", &b, lb, &hb);
    OTTAPI3STATS s;
    OTSTATS cs;
    ITBasicCallControl_Release(c);
    t3_stats(&s);
    CHECK_EQ(s.dwCalls, 1);
    otGetStats(&cs);
    CHECK_EQ(cs.dwCallHandles, 2);
    /* The far end hangs up: the last event holds the last reference. */
    LONG req = lineDrop(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&b, req, 0);
    TAPI_EVENT type;
    IDispatch *ev;
    CHECK_HR(otTapi3GetEvent(x.tapi, T_TIMEOUT_MS, &type, &ev), S_OK);
    CHECK_EQ(type, TE_CALLSTATE);
    ITCallStateEvent *se;
    CHECK_HR(IDispatch_QueryInterface(ev, &IID_ITCallStateEvent, (void **)&se), S_OK);
    CHECK_EQ(IDispatch_Release(ev), 1);
    CALL_STATE st;
    CHECK_HR(ITCallStateEvent_get_State(se, &st), S_OK);
    CHECK_EQ(st, CS_DISCONNECTED);
    ITCallInfo *evc;
    CHECK_HR(ITCallStateEvent_get_Call(se, &evc), S_OK);
    CHECK_EQ(ITCallInfo_Release(evc), 1); /* the event's own reference */
    t3_stats(&s);
    CHECK_EQ(s.dwCalls, 1);
    CHECK_EQ(s.dwEvents, 1);
    CHECK_EQ(ITCallStateEvent_Release(se), 0);
    /* Gone with its line handle; the far end's stays. */
    t3_stats(&s);
    CHECK_EQ(s.dwCalls, 0);
    CHECK_EQ(s.dwEvents, 0);
    otGetStats(&cs);
    CHECK_EQ(cs.dwCallHandles, 1);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t3_expect_none(&x);
    ITAddress_Release(a);
    t3_done(&x);
    t_shutdown(&b);
    t3_check_stats();
}

/* Shutdown with a call up: the line drops it (the far end sees it), the call
 * object reads CS_DISCONNECTED from its last information until released,
 * also after the TAPI object's last reference went. */
TEST(tapi3_shutdown_with_active_call_keeps_object_readable)
{
    t3app x;
    t3_init(&x, "x", T3_EVENTS);
    tapp b;
    t_init(&b, "t2");
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    ITAddress *a = t3_address(&x, 0);
    HCALL hb;
    ITBasicCallControl *c = t3_call_t2(&x, a, "101", &b, lb, &hb);
    ITAddress_Release(a);
    CHECK_HR(ITTAPI_Shutdown(x.tapi), S_OK);
    t_expect_state(&b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t3_forget(&x);
    ITTAPI_Release(x.tapi);
    CHECK_EQ(t3_state(c), CS_DISCONNECTED);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NORMAL), S_FALSE);
    CHECK_HR(ITBasicCallControl_Hold(c, VARIANT_TRUE), TAPI_E_NOT_INITIALIZED);
    ITCallInfo *ci = t3_info(c);
    BSTR s;
    CHECK_HR(ITCallInfo_get_CallInfoString(ci, CIS_CONNECTEDIDNUMBER, &s), S_OK);
    CHECK(!strcmp(s, "101"));
    SysFreeString(s);
    ITAddress *ca;
    CHECK_HR(ITCallInfo_get_Address(ci, &ca), S_OK);
    BSTR name;
    CHECK_HR(ITAddress_get_DialableAddress(ca, &name), S_OK);
    CHECK(!strcmp(name, "100"));
    SysFreeString(name);
    ITAddress_Release(ca);
    ITCallInfo_Release(ci);
    OTTAPI3STATS st;
    t3_stats(&st);
    CHECK_EQ(st.dwTapiObjects, 1); /* kept by the call */
    t3_release_last(c);
    t_drop_idle(&b, hb);
    t_shutdown(&b);
    t3_check_stats();
}

/* Releasing the last reference shuts the object down like Shutdown. */
TEST(tapi3_last_release_shuts_down)
{
    t3app x;
    t3_init(&x, "x", T3_EVENTS);
    tapp b;
    t_init(&b, "t2");
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    ITAddress *a = t3_address(&x, 0);
    HCALL hb;
    ITBasicCallControl *c = t3_call_t2(&x, a, "101", &b, lb, &hb);
    t3_stage_uui(c, drop_uui, sizeof(drop_uui));
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NORMAL), S_OK);
    t_expect_callinfo(&b, hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    /* An event left in the queue, the call, the address: all released. */
    ITBasicCallControl_Release(c);
    ITAddress_Release(a);
    t3_forget(&x);
    ITTAPI_Release(x.tapi);
    t3_check_stats();
    t_drop_idle(&b, hb);
    t_shutdown(&b);
}

/* A monitor registration on the address the application calls from: its
 * own outgoing call is one call object, not a second "monitored" one, and
 * EnumerateCalls lists the calls alive on an address. */
TEST(tapi3_own_call_on_monitored_address_and_enumerate_calls)
{
    t3app x;
    t3_init(&x, "x", T3_EVENTS);
    ITAddress *a = t3_address(&x, 0);
    t3_register(&x, a, false, true);
    tapp b;
    t_init(&b, "t2");
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    HCALL hb;
    ITBasicCallControl *c = t3_call_t2(&x, a, "101", &b, lb, &hb); /* no notification */
    IEnumCall *e;
    CHECK_HR(ITAddress_EnumerateCalls(a, NULL), E_POINTER);
    CHECK_HR(ITAddress_EnumerateCalls(a, &e), S_OK);
    ITCallInfo *items[4];
    ULONG n = 0;
    CHECK_HR(IEnumCall_Next(e, 4, items, &n), S_FALSE);
    CHECK_EQ(n, 1);
    ITCallInfo *ci = t3_info(c);
    CHECK(items[0] == ci);
    ITCallInfo_Release(ci);
    ITCallInfo_Release(items[0]);
    IEnumCall_Release(e);

    /* A TAPI 2 caller to this address: the monitor registration reports it. */
    tapp m;
    t_init(&m, "caller");
    HLINE lm = t_open(&m, 2, LINECALLPRIVILEGE_NONE);
    HCALL hm = t_make_call(&m, lm, "100", NULL, 0);
    t_expect_state(&m, hm, LINECALLSTATE_DIALING, 0);
    t_expect_state(&m, hm, LINECALLSTATE_BUSY, LINEBUSYMODE_STATION); /* 100 is talking */
    t_expect_state(&m, hm, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_BUSY);
    t_drop_idle(&m, hm);
    t_shutdown(&m);
    t3_expect_none(&x);

    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NORMAL), S_OK);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t_expect_state(&b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&b, hb);
    t3_release_last(c);
    CHECK_HR(ITAddress_EnumerateCalls(a, &e), S_OK);
    CHECK_HR(IEnumCall_Next(e, 1, items, NULL), S_FALSE);
    IEnumCall_Release(e);
    ITAddress_Release(a);
    t3_done(&x);
    t_shutdown(&b);
    t3_check_stats();
}

/* otTapi3Advise / otTapi3Unadvise: the sink registration as functions. */
typedef struct count_sink {
    ITTAPIEventNotification itf;
    int refs; /* this test's thread only touches it before/after the sinker */
} count_sink;
static HRESULT WINAPI cs_qi(ITTAPIEventNotification *This, REFIID riid, void **ppv)
{
    (void)riid;
    *ppv = This;
    __atomic_add_fetch(&((count_sink *)(void *)This)->refs, 1, __ATOMIC_SEQ_CST);
    return S_OK;
}
static ULONG WINAPI cs_addref(ITTAPIEventNotification *This)
{
    return (ULONG)__atomic_add_fetch(&((count_sink *)(void *)This)->refs, 1, __ATOMIC_SEQ_CST);
}
static ULONG WINAPI cs_release(ITTAPIEventNotification *This)
{
    return (ULONG)__atomic_sub_fetch(&((count_sink *)(void *)This)->refs, 1, __ATOMIC_SEQ_CST);
}
static HRESULT WINAPI cs_event(ITTAPIEventNotification *This, TAPI_EVENT t, IDispatch *e)
{
    (void)This, (void)t, (void)e;
    return S_OK;
}
static const ITTAPIEventNotificationVtbl count_vtbl = {cs_qi, cs_addref, cs_release, cs_event};

TEST(tapi3_advise_functions_and_limits)
{
    t3app x;
    t3_init(&x, "x", 0);
    count_sink s = {{&count_vtbl}, 1};
    DWORD cookies[17];
    CHECK_HR(otTapi3Advise(x.tapi, NULL, cookies), E_POINTER);
    CHECK_HR(otTapi3Advise(NULL, &s.itf, cookies), E_POINTER);
    for (int i = 0; i < 16; i++)
        CHECK_HR(otTapi3Advise(x.tapi, &s.itf, &cookies[i]), S_OK);
    CHECK_HR(otTapi3Advise(x.tapi, &s.itf, &cookies[16]), CONNECT_E_ADVISELIMIT);
    CHECK_EQ(__atomic_load_n(&s.refs, __ATOMIC_SEQ_CST), 17);
    for (int i = 0; i < 8; i++)
        CHECK_HR(otTapi3Unadvise(x.tapi, cookies[i]), S_OK);
    CHECK_EQ(__atomic_load_n(&s.refs, __ATOMIC_SEQ_CST), 9);
    /* Shutdown lets go of the others. */
    t3_done(&x);
    CHECK_EQ(__atomic_load_n(&s.refs, __ATOMIC_SEQ_CST), 1);
    t3_check_stats();
}

/* Microsoft: an application may let an incoming call ring a while and then
 * give up on it with DC_NOANSWER. */
TEST(tapi3_noanswer_on_incoming_offering)
{
    t3app x;
    t3_init(&x, "t3", TE_CALLNOTIFICATION | TE_CALLSTATE);
    ITAddress *a = t3_address(&x, 1);
    t3_register(&x, a, true, false);
    tapp b;
    t_init(&b, "t2");
    HLINE lb = t_open(&b, 0, LINECALLPRIVILEGE_NONE);
    HCALL hb = t_make_call(&b, lb, "101", NULL, 0);
    t_expect_ringback(&b, hb);
    ITBasicCallControl *c = t3_expect_notify(&x, CNE_OWNER, 0);
    t3_expect_state(&x, c, CS_OFFERING, CEC_NONE);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NOANSWER), S_OK);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NOANSWER);
    t_expect_state(&b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_REJECT);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NOANSWER), S_FALSE);
    CHECK_HR(ITBasicCallControl_Answer(c), E_UNEXPECTED);
    t3_expect_none(&x);
    t_drop_idle(&b, hb);
    t3_release_last(c);
    ITAddress_Release(a);
    t3_done(&x);
    t_shutdown(&b);
    t3_check_stats();
}

/* Connect(VARIANT_FALSE) that returned S_OK, then Disconnect at once: the
 * call is never CS_IDLE after Connect (Microsoft: a call never goes back to
 * idle), so Disconnect always ends it and the far end stops ringing.  The
 * line's first LINE_CALLSTATE may still be on its way when Connect returns;
 * many rounds give that a chance to show. */
TEST(tapi3_connect_then_disconnect_at_once_never_leaves_far_end_ringing)
{
    t3app x;
    t3_init(&x, "t3", TE_CALLSTATE);
    tapp b;
    t_init(&b, "t2");
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    ITAddress *a = t3_address(&x, 0);
    for (int round = 0; round < 300; round++) {
        ITBasicCallControl *c = t3_create(a, "101");
        CHECK_HR(ITBasicCallControl_Connect(c, VARIANT_FALSE), S_OK);
        CALL_STATE s = t3_state(c);
        if (s == CS_IDLE)
            FAIL("round %d: CS_IDLE after a successful Connect", round);
        CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NORMAL), S_OK);
        t3_expect_state(&x, c, CS_INPROGRESS, CEC_NONE);
        t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
        HCALL hb = t_expect_offer(&b, lb);
        t_expect_state(&b, hb, LINECALLSTATE_IDLE, 0); /* the offer went away */
        CHECK_RC(lineDeallocateCall(hb), 0);
        t_expect_none(&b);
        t3_expect_none(&x);
        t3_release_last(c);
    }
    ITAddress_Release(a);
    t3_done(&x);
    t_shutdown(&b);
    t3_check_stats();
}
