/* TAPI 3 (issue 5): the object model, ITBasicCallControl::Disconnect with
 * each DISCONNECT_CODE in each call state, UUI staged before Disconnect, the
 * causes both ends see, and TAPI 3 and TAPI 2 applications as the two ends
 * of one call.  Events are pulled with otTapi3GetEvent and checked in order;
 * TAPI 2 ends use the runner's message helpers. */
#include "test_tapi3.h"

static const unsigned char make_uui[] = {0x04, 'h', 'i'};
static const unsigned char drop_uui[] = {0x04, 'b', 'y', 'e', 0x00, 0xff};
static const unsigned char reject_uui[] = {0x04, 'n', 'o'};

/* ---- objects ---- */

TEST(tapi3_objects_addresses_and_interfaces)
{
    ITTAPI *tapi;
    CHECK_HR(otTapi3Create(NULL), E_POINTER);
    CHECK_HR(otTapi3Create(&tapi), S_OK);
    IEnumAddress *e = NULL;
    CHECK_HR(ITTAPI_EnumerateAddresses(tapi, &e), TAPI_E_NOT_INITIALIZED);
    CHECK_HR(ITTAPI_Shutdown(tapi), TAPI_E_NOT_INITIALIZED);
    CHECK_HR(ITTAPI_Initialize(tapi), S_OK);
    CHECK_HR(ITTAPI_Initialize(tapi), E_UNEXPECTED);
    CHECK_HR(ITTAPI_EnumerateAddresses(tapi, NULL), E_POINTER);
    CHECK_HR(ITTAPI_EnumerateAddresses(tapi, &e), S_OK);

    /* The default topology: 15 line devices of one address each. */
    ITAddress *all[20];
    ULONG n = 0;
    CHECK_HR(IEnumAddress_Next(e, 20, all, &n), S_FALSE);
    CHECK_EQ(n, 15);
    CHECK_HR(IEnumAddress_Next(e, 1, all + 15, NULL), S_FALSE);
    CHECK_HR(IEnumAddress_Reset(e), S_OK);
    CHECK_HR(IEnumAddress_Skip(e, 14), S_OK);
    IEnumAddress *clone;
    CHECK_HR(IEnumAddress_Clone(e, &clone), S_OK);
    ITAddress *last;
    CHECK_HR(IEnumAddress_Next(clone, 1, &last, NULL), S_OK);
    CHECK(last == all[14]);
    ITAddress_Release(last);
    IEnumAddress_Release(clone);
    IEnumAddress_Release(e);

    BSTR s = NULL;
    CHECK_HR(ITAddress_get_DialableAddress(all[1], &s), S_OK);
    CHECK(!strcmp(s, "101"));
    CHECK_EQ(SysStringLen(s), 3);
    SysFreeString(s);
    CHECK_HR(ITAddress_get_AddressName(all[1], NULL), E_POINTER);
    CHECK_HR(ITAddress_get_AddressName(all[1], &s), S_OK);
    CHECK(s[0] != '\0');
    SysFreeString(s);
    CHECK_HR(ITAddress_get_ServiceProviderName(all[1], &s), S_OK);
    SysFreeString(s);
    ADDRESS_STATE as;
    CHECK_HR(ITAddress_get_State(all[1], &as), S_OK);
    CHECK_EQ(as, AS_INSERVICE);

    /* QueryInterface: the address's interfaces, the TAPI object's, none else. */
    ITAddressCapabilities *caps;
    CHECK_HR(ITAddress_QueryInterface(all[1], &IID_ITAddressCapabilities, (void **)&caps), S_OK);
    LONG v;
    CHECK_HR(ITAddressCapabilities_get_AddressCapability(caps, AC_LINEID, &v), S_OK);
    CHECK_EQ(v, 1);
    CHECK_HR(ITAddressCapabilities_get_AddressCapability(caps, AC_ADDRESSCAPFLAGS, &v), S_OK);
    CHECK(v & LINEADDRCAPFLAGS_CONFDROP);
    CHECK_HR(ITAddressCapabilities_get_AddressCapability(caps, AC_ADDRESSID, NULL), E_POINTER);
    CHECK_HR(ITAddressCapabilities_get_AddressCapability(caps, (ADDRESS_CAPABILITY)999, &v),
             E_INVALIDARG);
    ITAddress *back;
    CHECK_HR(ITAddressCapabilities_QueryInterface(caps, &IID_ITAddress, (void **)&back), S_OK);
    CHECK(back == all[1]);
    ITAddress_Release(back);
    ITAddressCapabilities_Release(caps);
    void *pv = (void *)1;
    CHECK_HR(ITAddress_QueryInterface(all[1], &IID_ITBasicCallControl, &pv), E_NOINTERFACE);
    CHECK(pv == NULL);
    CHECK_HR(ITAddress_QueryInterface(all[1], &IID_ITAddress, NULL), E_POINTER);
    ITTAPI *owner;
    CHECK_HR(ITAddress_get_TAPIObject(all[1], &owner), S_OK);
    CHECK(owner == tapi);
    ITTAPI_Release(owner);

    IConnectionPointContainer *cpc;
    CHECK_HR(ITTAPI_QueryInterface(tapi, &IID_IConnectionPointContainer, (void **)&cpc), S_OK);
    IConnectionPoint *cp;
    CHECK_HR(IConnectionPointContainer_FindConnectionPoint(cpc, &IID_ITCallInfo, &cp),
             CONNECT_E_NOCONNECTION);
    CHECK_HR(IConnectionPointContainer_FindConnectionPoint(cpc, &IID_ITTAPIEventNotification, &cp),
             S_OK);
    CHECK_HR(IConnectionPoint_Unadvise(cp, 42), CONNECT_E_NOCONNECTION);
    IConnectionPoint_Release(cp);
    IConnectionPointContainer_Release(cpc);

    /* Filters: unknown bits refused; the default is nothing. */
    LONG filter = -1;
    CHECK_HR(ITTAPI_get_EventFilter(tapi, &filter), S_OK);
    CHECK_EQ(filter, 0);
    CHECK_HR(ITTAPI_put_EventFilter(tapi, 0x40000000), E_INVALIDARG);

    for (ULONG i = 0; i < n; i++)
        ITAddress_Release(all[i]);
    CHECK_HR(ITTAPI_Shutdown(tapi), S_OK);
    CHECK_HR(ITTAPI_Shutdown(tapi), TAPI_E_NOT_INITIALIZED);
    CHECK_HR(ITTAPI_Initialize(tapi), E_UNEXPECTED);
    ITTAPI_Release(tapi);
    t3_check_stats();
}

TEST(tapi3_cocreateinstance_and_argument_checks)
{
    void *pv = NULL;
    CHECK_HR(CoCreateInstance(&IID_ITTAPI, NULL, CLSCTX_INPROC_SERVER, &IID_ITTAPI, &pv),
             CLASS_E_CLASSNOTAVAILABLE);
    CHECK_HR(CoCreateInstance(&CLSID_TAPI, (IUnknown *)(uintptr_t)8, CLSCTX_INPROC_SERVER,
                              &IID_ITTAPI, &pv),
             CLASS_E_NOAGGREGATION);
    CHECK_HR(CoCreateInstance(&CLSID_TAPI, NULL, CLSCTX_INPROC_SERVER, &IID_ITTAPI, NULL),
             E_POINTER);
    CHECK_HR(CoCreateInstance(&CLSID_TAPI, NULL, CLSCTX_INPROC_SERVER, &IID_ITTAPI, &pv), S_OK);
    t3app x = {pv, "x"};
    CHECK_HR(ITTAPI_Initialize(x.tapi), S_OK);
    ITAddress *a = t3_address(&x, 0);
    ITBasicCallControl *c = NULL;
    BSTR d = SysAllocString("101");
    CHECK_HR(ITAddress_CreateCall(a, d, LINEADDRESSTYPE_PHONENUMBER, TAPIMEDIATYPE_AUDIO, NULL),
             E_POINTER);
    CHECK_HR(ITAddress_CreateCall(a, d, 3, TAPIMEDIATYPE_AUDIO, &c), TAPI_E_INVALADDRESSTYPE);
    CHECK_HR(ITAddress_CreateCall(a, d, LINEADDRESSTYPE_PHONENUMBER, 0, &c),
             TAPI_E_INVALIDMEDIATYPE);
    CHECK_HR(ITAddress_CreateCall(a, d, LINEADDRESSTYPE_PHONENUMBER, 0x40000000, &c),
             TAPI_E_INVALIDMEDIATYPE);
    SysFreeString(d);
    LONG reg;
    CHECK_HR(ITTAPI_RegisterCallNotifications(x.tapi, a, VARIANT_FALSE, VARIANT_FALSE,
                                              TAPIMEDIATYPE_AUDIO, 0, &reg),
             E_INVALIDARG);
    CHECK_HR(ITTAPI_RegisterCallNotifications(x.tapi, a, VARIANT_TRUE, VARIANT_FALSE,
                                              TAPIMEDIATYPE_AUDIO, 0, NULL),
             E_POINTER);
    CHECK_HR(ITTAPI_UnregisterNotifications(x.tapi, 77), E_INVALIDARG);

    c = t3_create(a, "101");
    ITCallInfo *ci = t3_info(c);
    BSTR s;
    CHECK_HR(ITCallInfo_get_CallInfoString(ci, CIS_CALLEDIDNUMBER, &s), S_OK);
    CHECK(!strcmp(s, "101")); /* known before Connect */
    SysFreeString(s);
    CHECK_HR(ITCallInfo_get_CallInfoString(ci, (CALLINFO_STRING)99, &s), E_INVALIDARG);
    LONG v;
    CHECK_HR(ITCallInfo_get_CallInfoLong(ci, CIL_CALLID, &v), TAPI_E_INVALCALLSTATE);
    CHECK_HR(ITCallInfo_get_CallInfoLong(ci, CIL_CALLID, NULL), E_POINTER);
    CHECK_HR(ITCallInfo_SetCallInfoBuffer(ci, CIB_USERUSERINFO, 3, NULL), E_POINTER);
    CHECK_HR(ITCallInfo_SetCallInfoBuffer(ci, CIB_CALLDATABUFFER, 0, NULL), E_NOTIMPL);
    CHECK_HR(ITCallInfo_SetCallInfoBuffer(ci, (CALLINFO_BUFFER)42, 0, NULL), E_INVALIDARG);
    DWORD size;
    BYTE *buf;
    CHECK_HR(ITCallInfo_GetCallInfoBuffer(ci, CIB_USERUSERINFO, NULL, &buf), E_POINTER);
    CHECK_HR(ITCallInfo_GetCallInfoBuffer(ci, CIB_USERUSERINFO, &size, &buf), S_OK);
    CHECK_EQ(size, 0);
    CHECK(buf == NULL);
    CALL_PRIVILEGE priv;
    CHECK_HR(ITCallInfo_get_Privilege(ci, &priv), S_OK);
    CHECK_EQ(priv, CP_OWNER);
    ITAddress *ca;
    CHECK_HR(ITCallInfo_get_Address(ci, &ca), S_OK);
    CHECK(ca == a);
    ITAddress_Release(ca);
    CHECK_HR(ITBasicCallControl_Answer(c), E_UNEXPECTED); /* not offering (Microsoft) */
    CHECK_HR(ITBasicCallControl_Hold(c, VARIANT_TRUE), TAPI_E_INVALCALLSTATE);
    CHECK_HR(ITBasicCallControl_Transfer(c, c, VARIANT_FALSE), E_INVALIDARG);
    CHECK_HR(ITBasicCallControl_Conference(c, NULL, VARIANT_FALSE), E_POINTER);
    CHECK_HR(ITBasicCallControl_Conference(c, c, VARIANT_FALSE), E_INVALIDARG);
    CHECK_HR(ITBasicCallControl_Disconnect(c, (DISCONNECT_CODE)3), E_INVALIDARG);
    ITCallInfo_Release(ci);
    t3_release_last(c);
    ITAddress_Release(a);
    t3_done(&x);
    t3_check_stats();
}

/* ---- DC_NORMAL: TAPI 3 caller, TAPI 2 callee ---- */

TEST(tapi3_disconnect_normal_uui_reaches_tapi2)
{
    t3app x;
    t3_init(&x, "t3", T3_EVENTS);
    tapp b;
    t_init(&b, "t2");
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    ITAddress *a = t3_address(&x, 0);
    HCALL hb;
    ITBasicCallControl *c = t3_call_t2(&x, a, "101", &b, lb, &hb);
    CHECK_EQ(t3_state(c), CS_CONNECTED);

    /* UUI staged, then Disconnect: the drop carries it. */
    t3_stage_uui(c, drop_uui, sizeof(drop_uui));
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NORMAL), S_OK);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t_expect_callinfo(&b, hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    CHECK_EQ(t_uui(hb, (unsigned char[64]){0}, 64), sizeof(drop_uui));
    unsigned char got[64];
    CHECK_EQ(t_uui(hb, got, sizeof(got)), sizeof(drop_uui));
    CHECK_MEM(got, drop_uui, sizeof(drop_uui));

    /* Already disconnected: S_FALSE for every code, nothing happens. */
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NORMAL), S_FALSE);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_REJECTED), S_FALSE);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NOANSWER), S_FALSE);
    /* Staging UUI on a disconnected call is refused. */
    ITCallInfo *ci = t3_info(c);
    CHECK_HR(ITCallInfo_SetCallInfoBuffer(ci, CIB_USERUSERINFO, 2, (BYTE *)"xx"),
             TAPI_E_INVALCALLSTATE);
    /* ...and the call object stays readable. */
    BSTR s;
    CHECK_HR(ITCallInfo_get_CallInfoString(ci, CIS_CONNECTEDIDNUMBER, &s), S_OK);
    CHECK(!strcmp(s, "101"));
    SysFreeString(s);
    LONG id;
    CHECK_HR(ITCallInfo_get_CallInfoLong(ci, CIL_CALLID, &id), S_OK);
    CHECK(id != 0);
    CALL_STATE st;
    CHECK_HR(ITCallInfo_get_CallState(ci, &st), S_OK);
    CHECK_EQ(st, CS_DISCONNECTED);
    ITCallInfo_Release(ci);
    t3_expect_none(&x);
    t_expect_none(&b);

    t_drop_idle(&b, hb);
    t3_release_last(c);
    ITAddress_Release(a);
    t3_done(&x);
    t_shutdown(&b);
    t3_check_stats();
}

/* ---- DC_REJECTED: TAPI 2 caller, TAPI 3 callee ---- */

TEST(tapi3_reject_offered_call_from_tapi2)
{
    t3app x;
    t3_init(&x, "t3", T3_EVENTS);
    ITAddress *a = t3_address(&x, 1);
    t3_register(&x, a, true, false);
    tapp b;
    t_init(&b, "t2");
    HLINE lb = t_open(&b, 0, LINECALLPRIVILEGE_NONE);

    HCALL hb = t_make_call(&b, lb, "101", make_uui, sizeof(make_uui));
    t_expect_state(&b, hb, LINECALLSTATE_DIALING, 0);
    t_expect_state(&b, hb, LINECALLSTATE_PROCEEDING, 0);
    t_expect_state(&b, hb, LINECALLSTATE_RINGBACK, 0);
    ITBasicCallControl *c = t3_expect_notify(&x, CNE_OWNER, 0);
    t3_expect_state(&x, c, CS_OFFERING, CEC_NONE);
    CHECK_EQ(t3_state(c), CS_OFFERING);
    t3_check_uui(c, make_uui, sizeof(make_uui)); /* UUI of the offer */
    ITCallInfo *ci = t3_info(c);
    BSTR s;
    CHECK_HR(ITCallInfo_get_CallInfoString(ci, CIS_CALLERIDNUMBER, &s), S_OK);
    CHECK(!strcmp(s, "100"));
    SysFreeString(s);
    CALL_PRIVILEGE priv;
    CHECK_HR(ITCallInfo_get_Privilege(ci, &priv), S_OK);
    CHECK_EQ(priv, CP_OWNER);
    CHECK_HR(ITCallInfo_ReleaseUserUserInfo(ci), S_OK);
    ITCallInfo_Release(ci);

    t3_stage_uui(c, reject_uui, sizeof(reject_uui));
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_REJECTED), S_OK);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_REJECTED);
    t_expect_callinfo(&b, hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_REJECT);
    unsigned char got[64];
    CHECK_EQ(t_uui(hb, got, sizeof(got)), sizeof(reject_uui));
    CHECK_MEM(got, reject_uui, sizeof(reject_uui));
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_REJECTED), S_FALSE);
    t3_expect_none(&x);
    t_expect_none(&b);

    t_drop_idle(&b, hb);
    t3_release_last(c);
    ITAddress_Release(a);
    t3_done(&x);
    t_shutdown(&b);
    t3_check_stats();
}

/* DC_NORMAL on an offered call rejects it too (lineDrop does). */
TEST(tapi3_disconnect_normal_on_offering_rejects)
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
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NORMAL), S_OK);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t_expect_state(&b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_REJECT);
    t_drop_idle(&b, hb);
    t3_release_last(c);
    ITAddress_Release(a);
    t3_done(&x);
    t_shutdown(&b);
    t3_check_stats();
}

/* ---- DC_NOANSWER: abandoning an unanswered outgoing call ---- */

TEST(tapi3_noanswer_abandons_ringing_call)
{
    t3app x;
    t3_init(&x, "t3", TE_CALLSTATE);
    tapp b;
    t_init(&b, "t2");
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    ITAddress *a = t3_address(&x, 0);
    ITBasicCallControl *c = t3_create(a, "101");
    /* CS_IDLE: nothing to disconnect yet. */
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NOANSWER), S_FALSE);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NORMAL), S_FALSE);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_REJECTED), S_FALSE);
    CHECK_HR(ITBasicCallControl_Connect(c, VARIANT_FALSE), S_OK);
    CHECK_HR(ITBasicCallControl_Connect(c, VARIANT_FALSE), TAPI_E_INVALCALLSTATE);
    t3_expect_state(&x, c, CS_INPROGRESS, CEC_NONE);
    HCALL hb = t_expect_offer(&b, lb);
    /* CS_INPROGRESS: only an offered call can be rejected. */
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_REJECTED), TAPI_E_INVALCALLSTATE);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NOANSWER), S_OK);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NOANSWER);
    t_expect_state(&b, hb, LINECALLSTATE_IDLE, 0); /* the offer disappears */
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NOANSWER), S_FALSE);
    t3_expect_none(&x);
    t_expect_none(&b);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t3_release_last(c);
    ITAddress_Release(a);
    t3_done(&x);
    t_shutdown(&b);
    t3_check_stats();
}

/* DC_NOANSWER is for outgoing calls: refused on a connected one, and on an
 * incoming call in progress. */
TEST(tapi3_noanswer_and_rejected_refused_when_connected)
{
    t3app x;
    t3_init(&x, "t3", T3_EVENTS);
    tapp b;
    t_init(&b, "t2");
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    ITAddress *a = t3_address(&x, 0);
    HCALL hb;
    ITBasicCallControl *c = t3_call_t2(&x, a, "101", &b, lb, &hb);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NOANSWER), TAPI_E_INVALCALLSTATE);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_REJECTED), TAPI_E_INVALCALLSTATE);
    CHECK_EQ(t3_state(c), CS_CONNECTED);
    t3_expect_none(&x);
    t_expect_none(&b);
    /* Hold: the same rules, and DC_NORMAL ends a held call. */
    CHECK_HR(ITBasicCallControl_Hold(c, VARIANT_FALSE), TAPI_E_INVALCALLSTATE);
    CHECK_HR(ITBasicCallControl_Hold(c, VARIANT_TRUE), S_OK);
    t3_expect_state(&x, c, CS_HOLD, CEC_NONE);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NOANSWER), TAPI_E_INVALCALLSTATE);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_REJECTED), TAPI_E_INVALCALLSTATE);
    CHECK_HR(ITBasicCallControl_Hold(c, VARIANT_FALSE), S_OK);
    t3_expect_state(&x, c, CS_CONNECTED, CEC_NONE);
    CHECK_HR(ITBasicCallControl_Hold(c, VARIANT_TRUE), S_OK);
    t3_expect_state(&x, c, CS_HOLD, CEC_NONE);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NORMAL), S_OK);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t_expect_state(&b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&b, hb);
    t3_release_last(c);
    ITAddress_Release(a);
    t3_done(&x);
    t_shutdown(&b);
    t3_check_stats();
}
