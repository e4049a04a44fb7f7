/* TAPI 3 routing on the embedded switch: ITForwardInformation with
 * ITAddress::Forward / get_CurrentForwardInfo, and ITBasicCallControl::
 * ParkDirect / ParkIndirect / Unpark / Pickup / SwapHold, with the events each
 * party gets and the errors of wrong states and arguments. */
#include "test_tapi3.h"

#define T3_ROUTE_EVENTS (TE_CALLNOTIFICATION | TE_CALLSTATE)

/* x calls y's station dest; y (registered owner, instance 7) answers. */
static void t3_connect(t3app *x, ITAddress *ax, t3app *y, const char *dest,
                       ITBasicCallControl **pc, ITBasicCallControl **pk)
{
    ITBasicCallControl *c = t3_create(ax, dest);
    CHECK_HR(ITBasicCallControl_Connect(c, VARIANT_FALSE), S_OK);
    t3_expect_state(x, c, CS_INPROGRESS, CEC_NONE);
    ITBasicCallControl *k = t3_expect_notify(y, CNE_OWNER, 7);
    t3_expect_state(y, k, CS_OFFERING, CEC_NONE);
    CHECK_HR(ITBasicCallControl_Answer(k), S_OK);
    t3_expect_state(y, k, CS_CONNECTED, CEC_NONE);
    t3_expect_state(x, c, CS_CONNECTED, CEC_NONE);
    *pc = c;
    *pk = k;
}

static LONG t3_reg(t3app *y, ITAddress *a)
{
    LONG reg;
    CHECK_HR(ITTAPI_RegisterCallNotifications(y->tapi, a, VARIANT_FALSE, VARIANT_TRUE,
                                              TAPIMEDIATYPE_AUDIO, 7, &reg),
             S_OK);
    return reg;
}

static void check_bstr(BSTR b, const char *want)
{
    if (!want) {
        CHECK(b == NULL);
        return;
    }
    CHECK(b != NULL);
    CHECK(!strcmp(b, want));
    SysFreeString(b);
}

TEST(tapi3_route_forward_information_and_forward)
{
    t3app x, y, z;
    t3_init(&x, "x", T3_ROUTE_EVENTS);
    t3_init(&y, "y", T3_ROUTE_EVENTS);
    t3_init(&z, "z", T3_ROUTE_EVENTS);
    ITAddress *ax = t3_address(&x, 0), *ay = t3_address(&y, 1), *az = t3_address(&z, 2);
    LONG ry = t3_reg(&y, ay), rz = t3_reg(&z, az);
    /* the address says what it can do */
    ITAddressCapabilities *caps;
    CHECK_HR(ITAddress_QueryInterface(ay, &IID_ITAddressCapabilities, (void **)&caps), S_OK);
    LONG v = 0;
    CHECK_HR(ITAddressCapabilities_get_AddressCapability(caps, AC_FORWARDMODES, &v), S_OK);
    CHECK_EQ(v, 0xFFFF);
    CHECK_HR(ITAddressCapabilities_get_AddressCapability(caps, AC_PARKSUPPORT, &v), S_OK);
    CHECK_EQ(v, LINEPARKMODE_DIRECTED | LINEPARKMODE_NONDIRECTED);
    CHECK_HR(ITAddressCapabilities_get_AddressCapability(caps, AC_MAXFWDNUMRINGS, &v), S_OK);
    CHECK_EQ(v, 99);
    CHECK_HR(ITAddressCapabilities_get_AddressCapability(caps, AC_CALLCOMPLETIONMODES, &v),
             S_OK);
    CHECK_EQ(v, LINECALLCOMPLMODE_CAMPON | LINECALLCOMPLMODE_CALLBACK);
    CHECK_HR(ITAddressCapabilities_get_AddressCapability(caps, AC_ADDRESSFEATURES, &v), S_OK);
    CHECK(v & LINEADDRFEATURE_FORWARD);
    ITAddressCapabilities_Release(caps);
    ITForwardInformation *f = NULL;
    CHECK_HR(ITAddress_CreateForwardInfoObject(ay, NULL), E_POINTER);
    CHECK_HR(ITAddress_CreateForwardInfoObject(ay, &f), S_OK);
    ITForwardInformation *f2 = NULL;
    CHECK_HR(ITForwardInformation_QueryInterface(f, &IID_ITForwardInformation, (void **)&f2),
             S_OK);
    CHECK(f2 == f);
    ITForwardInformation_Release(f2);
    void *no = NULL;
    CHECK_HR(ITForwardInformation_QueryInterface(f, &IID_ITAddress, &no), E_NOINTERFACE);
    /* the object's own rules */
    CHECK_HR(ITForwardInformation_SetForwardType(f, 3, "102", NULL), E_INVALIDARG);
    CHECK_HR(ITForwardInformation_SetForwardType(f, LINEFORWARDMODE_UNKNOWN, "102", NULL),
             E_INVALIDARG);
    CHECK_HR(ITForwardInformation_SetForwardType(f, LINEFORWARDMODE_UNCOND, NULL, NULL),
             E_POINTER);
    CHECK_HR(ITForwardInformation_SetForwardType(f, LINEFORWARDMODE_UNCOND, "", NULL),
             E_INVALIDARG);
    CHECK_HR(ITForwardInformation_SetForwardType(f, LINEFORWARDMODE_BUSYSPECIFIC, "102", NULL),
             E_INVALIDARG);
    CHECK_HR(ITForwardInformation_put_NumRingsNoAnswer(f, -1), E_INVALIDARG);
    CHECK_HR(ITForwardInformation_put_NumRingsNoAnswer(f, 3), S_OK);
    CHECK_HR(ITForwardInformation_SetForwardType(f, LINEFORWARDMODE_UNCOND, "103", NULL), S_OK);
    CHECK_HR(ITForwardInformation_SetForwardType(f, LINEFORWARDMODE_UNCOND, "102", NULL), S_OK);
    CHECK_HR(ITForwardInformation_SetForwardType(f, LINEFORWARDMODE_BUSYSPECIFIC, "103", "100"),
             S_OK);
    BSTR d = NULL, c = NULL;
    CHECK_HR(ITForwardInformation_GetForwardType(f, LINEFORWARDMODE_BUSYSPECIFIC, &d, &c), S_OK);
    check_bstr(d, "103");
    check_bstr(c, "100");
    CHECK_HR(ITForwardInformation_get_ForwardTypeDestination(f, LINEFORWARDMODE_NOANSW, &d),
             S_OK);
    check_bstr(d, NULL);
    CHECK_HR(ITForwardInformation_get_ForwardTypeCaller(f, 0, &c), E_INVALIDARG);

    CHECK_HR(ITAddress_Forward(ay, f, NULL), S_OK);
    ITForwardInformation *cur = NULL;
    CHECK_HR(ITAddress_get_CurrentForwardInfo(ay, &cur), S_OK);
    LONG rings = 0;
    CHECK_HR(ITForwardInformation_get_NumRingsNoAnswer(cur, &rings), S_OK);
    CHECK_EQ(rings, 3);
    CHECK_HR(ITForwardInformation_get_ForwardTypeDestination(cur, LINEFORWARDMODE_UNCOND, &d),
             S_OK);
    check_bstr(d, "102");
    CHECK_HR(ITForwardInformation_get_ForwardTypeCaller(cur, LINEFORWARDMODE_BUSYSPECIFIC, &c),
             S_OK);
    check_bstr(c, "100");
    ITForwardInformation_Release(cur);

    /* a call to 101 rings at 102 */
    ITBasicCallControl *call = t3_create(ax, "101");
    CHECK_HR(ITBasicCallControl_Connect(call, VARIANT_FALSE), S_OK);
    t3_expect_state(&x, call, CS_INPROGRESS, CEC_NONE);
    ITBasicCallControl *k = t3_expect_notify(&z, CNE_OWNER, 7);
    t3_expect_state(&z, k, CS_OFFERING, CEC_NONE);
    t3_expect_none(&y);
    ITCallInfo *ki = t3_info(k);
    LONG reason = 0;
    CHECK_HR(ITCallInfo_get_CallInfoLong(ki, CIL_REASON, &reason), S_OK);
    CHECK_EQ(reason, LINECALLREASON_FWDUNCOND);
    BSTR who = NULL;
    CHECK_HR(ITCallInfo_get_CallInfoString(ki, CIS_REDIRECTINGIDNUMBER, &who), S_OK);
    check_bstr(who, "101");
    ITCallInfo_Release(ki);
    CHECK_HR(ITBasicCallControl_Disconnect(call, DC_NORMAL), S_OK);
    t3_expect_state(&x, call, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t3_expect_state(&z, k, CS_DISCONNECTED, CEC_DISCONNECT_CANCELLED);
    t3_release_last(call);
    t3_release_last(k);

    /* cancelled */
    CHECK_HR(ITAddress_Forward(ay, NULL, NULL), S_OK);
    CHECK_HR(ITAddress_get_CurrentForwardInfo(ay, &cur), S_OK);
    CHECK_HR(ITForwardInformation_get_ForwardTypeDestination(cur, LINEFORWARDMODE_UNCOND, &d),
             S_OK);
    check_bstr(d, NULL);
    ITForwardInformation_Release(cur);
    CHECK_HR(ITForwardInformation_Clear(f), S_OK);
    CHECK_HR(ITForwardInformation_get_NumRingsNoAnswer(f, &rings), S_OK);
    CHECK_EQ(rings, 0);
    ITForwardInformation_Release(f);
    t3_expect_none(&x);
    t3_expect_none(&y);
    t3_expect_none(&z);
    CHECK_HR(ITTAPI_UnregisterNotifications(y.tapi, ry), S_OK);
    CHECK_HR(ITTAPI_UnregisterNotifications(z.tapi, rz), S_OK);
    ITAddress_Release(ax);
    ITAddress_Release(ay);
    ITAddress_Release(az);
    t3_done(&x);
    t3_done(&y);
    t3_done(&z);
    t3_check_stats();
}

TEST(tapi3_route_park_unpark_and_pickup)
{
    t3app x, y, z;
    t3_init(&x, "x", T3_ROUTE_EVENTS);
    t3_init(&y, "y", T3_ROUTE_EVENTS);
    t3_init(&z, "z", T3_ROUTE_EVENTS);
    ITAddress *ax = t3_address(&x, 0), *ay = t3_address(&y, 1), *az = t3_address(&z, 2);
    LONG ry = t3_reg(&y, ay);
    ITBasicCallControl *c, *k;
    t3_connect(&x, ax, &y, "101", &c, &k);
    /* non-directed park: y leaves, x stays connected */
    BSTR where = NULL;
    CHECK_HR(ITBasicCallControl_ParkIndirect(k, NULL), E_POINTER);
    CHECK_HR(ITBasicCallControl_ParkIndirect(k, &where), S_OK);
    check_bstr(where, "*701");
    t3_expect_state(&y, k, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t3_expect_none(&x);
    CHECK_EQ(t3_state(c), CS_CONNECTED);
    CHECK_HR(ITBasicCallControl_ParkDirect(k, "555"), TAPI_E_INVALCALLSTATE);
    /* unparked at z */
    ITBasicCallControl *u = t3_create(az, "*709");
    CHECK_HR(ITBasicCallControl_Unpark(u), TAPI_E_INVALADDRESS); /* nothing there */
    t3_release_last(u);
    u = t3_create(az, "");
    CHECK_HR(ITBasicCallControl_Unpark(u), TAPI_E_INVALADDRESS);
    t3_release_last(u);
    u = t3_create(az, "*701");
    CHECK_HR(ITBasicCallControl_Unpark(u), S_OK);
    t3_expect_state(&z, u, CS_CONNECTED, CEC_NONE);
    CHECK_HR(ITBasicCallControl_Unpark(u), TAPI_E_INVALCALLSTATE);
    /* directed park at 555, unparked at y */
    CHECK_HR(ITBasicCallControl_ParkDirect(u, NULL), E_POINTER);
    CHECK_HR(ITBasicCallControl_ParkDirect(u, "555"), S_OK);
    t3_expect_state(&z, u, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    ITBasicCallControl *v = t3_create(ay, "555");
    CHECK_HR(ITBasicCallControl_Unpark(v), S_OK);
    t3_expect_state(&y, v, CS_CONNECTED, CEC_NONE);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NORMAL), S_OK);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t3_expect_state(&y, v, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t3_release_last(c);
    t3_release_last(k);
    t3_release_last(u);
    t3_release_last(v);

    /* pickup: the call ringing at 101 is taken at 102 */
    ITBasicCallControl *pk = t3_create(az, "101");
    CHECK_HR(ITBasicCallControl_Pickup(pk, NULL), TAPI_E_OPERATIONFAILED); /* nothing rings */
    t3_release_last(pk);
    c = t3_create(ax, "101");
    CHECK_HR(ITBasicCallControl_Connect(c, VARIANT_FALSE), S_OK);
    t3_expect_state(&x, c, CS_INPROGRESS, CEC_NONE);
    k = t3_expect_notify(&y, CNE_OWNER, 7);
    t3_expect_state(&y, k, CS_OFFERING, CEC_NONE);
    pk = t3_create(az, "101");
    CHECK_HR(ITBasicCallControl_Pickup(pk, NULL), S_OK);
    t3_expect_state(&z, pk, CS_CONNECTED, CEC_NONE);
    t3_expect_state(&y, k, CS_DISCONNECTED, CEC_DISCONNECT_CANCELLED);
    t3_expect_state(&x, c, CS_CONNECTED, CEC_NONE);
    CHECK_HR(ITBasicCallControl_Disconnect(pk, DC_NORMAL), S_OK);
    t3_expect_state(&z, pk, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t3_expect_none(&x);
    t3_expect_none(&y);
    t3_expect_none(&z);
    t3_release_last(c);
    t3_release_last(k);
    t3_release_last(pk);
    CHECK_HR(ITTAPI_UnregisterNotifications(y.tapi, ry), S_OK);
    ITAddress_Release(ax);
    ITAddress_Release(ay);
    ITAddress_Release(az);
    t3_done(&x);
    t3_done(&y);
    t3_done(&z);
    t3_check_stats();
}

TEST(tapi3_route_swap_hold)
{
    t3app x, y, z;
    t3_init(&x, "x", T3_ROUTE_EVENTS);
    t3_init(&y, "y", T3_ROUTE_EVENTS);
    t3_init(&z, "z", T3_ROUTE_EVENTS);
    ITAddress *ax = t3_address(&x, 0), *ay = t3_address(&y, 1), *az = t3_address(&z, 2);
    LONG ry = t3_reg(&y, ay), rz = t3_reg(&z, az);
    ITBasicCallControl *c, *k1, *k2, *m;
    t3_connect(&x, ax, &y, "101", &c, &k1);
    CHECK_HR(ITBasicCallControl_Hold(k1, VARIANT_TRUE), S_OK);
    t3_expect_state(&y, k1, CS_HOLD, CEC_NONE);
    t3_connect(&y, ay, &z, "102", &k2, &m);
    CHECK_HR(ITBasicCallControl_SwapHold(k2, NULL), E_POINTER);
    CHECK_HR(ITBasicCallControl_SwapHold(k2, c), E_INVALIDARG); /* another TAPI object's */
    CHECK_HR(ITBasicCallControl_SwapHold(k1, k2), TAPI_E_INVALCALLSTATE); /* the wrong way */
    CHECK_HR(ITBasicCallControl_SwapHold(k2, k1), S_OK);
    t3_expect_state(&y, k2, CS_HOLD, CEC_NONE);
    t3_expect_state(&y, k1, CS_CONNECTED, CEC_NONE);
    t3_expect_none(&x);
    t3_expect_none(&z);
    CHECK_HR(ITBasicCallControl_SwapHold(k1, k2), S_OK);
    t3_expect_state(&y, k1, CS_HOLD, CEC_NONE);
    t3_expect_state(&y, k2, CS_CONNECTED, CEC_NONE);
    CHECK_HR(ITBasicCallControl_Disconnect(k2, DC_NORMAL), S_OK);
    t3_expect_state(&y, k2, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t3_expect_state(&z, m, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NORMAL), S_OK);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t3_expect_state(&y, k1, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t3_expect_none(&x);
    t3_expect_none(&y);
    t3_expect_none(&z);
    t3_release_last(c);
    t3_release_last(k1);
    t3_release_last(k2);
    t3_release_last(m);
    CHECK_HR(ITTAPI_UnregisterNotifications(y.tapi, ry), S_OK);
    CHECK_HR(ITTAPI_UnregisterNotifications(z.tapi, rz), S_OK);
    ITAddress_Release(ax);
    ITAddress_Release(ay);
    ITAddress_Release(az);
    t3_done(&x);
    t3_done(&y);
    t3_done(&z);
    t3_check_stats();
}
