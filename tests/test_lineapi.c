/* The device, call-data and "not yet" functions of the TAPI 2.2 line API
 * through the public API: lineGetID, lineGetProviderList, lineGet/SetAppPriority,
 * lineGet/SetNumRings, lineGet/SetDevConfig, lineSetCallData, lineSetMediaMode,
 * lineSetCallParams, lineSetCallTreatment, the functions that answer
 * "not available" (with the capability bits that say so) and phone
 * applications with no phone devices. */
#include "test.h"

typedef union {
    VARSTRING v;
    unsigned char raw[sizeof(VARSTRING) + 1024];
} tvar;

static void var_init(tvar *u, DWORD total)
{
    memset(u, 0, sizeof(*u));
    u->v.dwTotalSize = total;
}

TEST(lineapi_get_id)
{
    tpair p;
    t_pair_init(&p, 0, 3);
    tvar u;
    var_init(&u, sizeof(u));
    CHECK_RC(lineGetID(p.lb, 0, 0, LINECALLSELECT_LINE, &u.v, "tapi/line"), 0);
    CHECK_EQ(u.v.dwStringFormat, STRINGFORMAT_BINARY);
    CHECK_EQ(u.v.dwStringSize, sizeof(DWORD));
    DWORD id;
    memcpy(&id, u.raw + u.v.dwStringOffset, sizeof(id));
    CHECK_EQ(id, 3);
    CHECK_EQ(u.v.dwNeededSize, sizeof(VARSTRING) + sizeof(DWORD));
    CHECK_EQ(u.v.dwUsedSize, u.v.dwNeededSize);
    var_init(&u, sizeof(u));
    CHECK_RC(lineGetID(p.la, 0, 0, LINECALLSELECT_ADDRESS, &u.v, "TAPI/Line"), 0);
    memcpy(&id, u.raw + u.v.dwStringOffset, sizeof(id));
    CHECK_EQ(id, 0);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "103", &ha, &hb);
    var_init(&u, sizeof(u));
    CHECK_RC(lineGetID(0, 0, hb, LINECALLSELECT_CALL, &u.v, "tapi/line"), 0);
    memcpy(&id, u.raw + u.v.dwStringOffset, sizeof(id));
    CHECK_EQ(id, 3);
    /* errors */
    CHECK_RC(lineGetID(p.la, 1, 0, LINECALLSELECT_ADDRESS, &u.v, "tapi/line"),
             LINEERR_INVALADDRESSID);
    CHECK_RC(lineGetID(p.la, 0, 0, LINECALLSELECT_LINE, &u.v, "tapi/phone"),
             LINEERR_INVALDEVICECLASS);
    CHECK_RC(lineGetID(p.la, 0, 0, LINECALLSELECT_LINE, &u.v, "wave/in"),
             LINEERR_INVALDEVICECLASS);
    CHECK_RC(lineGetID(p.la, 0, 0, LINECALLSELECT_LINE, &u.v, NULL), LINEERR_INVALPOINTER);
    CHECK_RC(lineGetID(p.la, 0, 0, LINECALLSELECT_LINE, NULL, "tapi/line"),
             LINEERR_INVALPOINTER);
    CHECK_RC(lineGetID(p.la, 0, 0, 0x10, &u.v, "tapi/line"), LINEERR_INVALCALLSELECT);
    CHECK_RC(lineGetID(0, 0, 0, LINECALLSELECT_LINE, &u.v, "tapi/line"),
             LINEERR_INVALLINEHANDLE);
    CHECK_RC(lineGetID(p.la, 0, 0, LINECALLSELECT_CALL, &u.v, "tapi/line"),
             LINEERR_INVALCALLHANDLE);
    var_init(&u, sizeof(VARSTRING) - 1);
    CHECK_RC(lineGetID(p.la, 0, 0, LINECALLSELECT_LINE, &u.v, "tapi/line"),
             LINEERR_STRUCTURETOOSMALL);
    var_init(&u, sizeof(VARSTRING));
    CHECK_RC(lineGetID(p.la, 0, 0, LINECALLSELECT_LINE, &u.v, "tapi/line"), 0);
    CHECK_EQ(u.v.dwStringSize, 0);
    CHECK_EQ(u.v.dwNeededSize, sizeof(VARSTRING) + sizeof(DWORD));
    t_drop_idle(&p.b, hb);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.a, ha);
    t_pair_done(&p);
}

TEST(lineapi_provider_list)
{
    union {
        LINEPROVIDERLIST pl;
        unsigned char raw[1024];
    } u;
    memset(&u, 0, sizeof(u));
    u.pl.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetProviderList(T_API, &u.pl), 0);
    CHECK(u.pl.dwNumProviders >= 1);
    CHECK_EQ(u.pl.dwProviderListSize, u.pl.dwNumProviders * sizeof(LINEPROVIDERENTRY));
    CHECK_EQ(u.pl.dwUsedSize, u.pl.dwNeededSize);
    LINEPROVIDERENTRY e;
    memcpy(&e, u.raw + u.pl.dwProviderListOffset, sizeof(e));
    CHECK_EQ(e.dwPermanentProviderID, 1);
    CHECK_EQ(e.dwProviderFilenameSize, sizeof("opentapi-sim"));
    CHECK(!strcmp((const char *)u.raw + e.dwProviderFilenameOffset, "opentapi-sim"));
    DWORD needed = u.pl.dwNeededSize;
    memset(&u, 0, sizeof(u));
    u.pl.dwTotalSize = sizeof(LINEPROVIDERLIST);
    CHECK_RC(lineGetProviderList(T_API, &u.pl), 0);
    CHECK_EQ(u.pl.dwNeededSize, needed);
    CHECK_EQ(u.pl.dwUsedSize, sizeof(LINEPROVIDERLIST));
    CHECK_EQ(u.pl.dwProviderListSize, 0);
    u.pl.dwTotalSize = sizeof(LINEPROVIDERLIST) - 1;
    CHECK_RC(lineGetProviderList(T_API, &u.pl), LINEERR_STRUCTURETOOSMALL);
    CHECK_RC(lineGetProviderList(0x00010003, &u.pl), LINEERR_INCOMPATIBLEAPIVERSION);
    CHECK_RC(lineGetProviderList(T_API, NULL), LINEERR_INVALPOINTER);
}

static DWORD prio(const char *app, DWORD media, DWORD req)
{
    DWORD p = 99;
    CHECK_RC(lineGetAppPriority(app, media, NULL, req, NULL, &p), 0);
    return p;
}

TEST(lineapi_app_priority)
{
    const DWORD V = LINEMEDIAMODE_INTERACTIVEVOICE;
    CHECK_EQ(prio("dialer.exe", V, 0), 0);
    CHECK_RC(lineSetAppPriority("dialer.exe", V, NULL, 0, NULL, 1), 0);
    CHECK_EQ(prio("dialer.exe", V, 0), 1);
    CHECK_EQ(prio("DIALER.EXE", V, 0), 1); /* file names compare without case */
    CHECK_RC(lineSetAppPriority("other.exe", V, NULL, 0, NULL, 1), 0);
    CHECK_EQ(prio("other.exe", V, 0), 1);
    CHECK_EQ(prio("dialer.exe", V, 0), 2);
    /* lists are per media mode and per request mode */
    CHECK_EQ(prio("dialer.exe", LINEMEDIAMODE_AUTOMATEDVOICE, 0), 0);
    CHECK_EQ(prio("dialer.exe", 0, LINEREQUESTMODE_MAKECALL), 0);
    CHECK_RC(lineSetAppPriority("dialer.exe", 0, NULL, LINEREQUESTMODE_MAKECALL, NULL, 1), 0);
    CHECK_EQ(prio("dialer.exe", 0, LINEREQUESTMODE_MAKECALL), 1);
    tvar u;
    var_init(&u, sizeof(u));
    DWORD p = 99;
    CHECK_RC(lineGetAppPriority("dialer.exe", 0, NULL, LINEREQUESTMODE_MAKECALL, &u.v, &p), 0);
    CHECK_EQ(p, 1);
    CHECK_EQ(u.v.dwStringSize, 0); /* no extension */
    /* out of the lists again */
    CHECK_RC(lineSetAppPriority("dialer.exe", V, NULL, 0, NULL, 0), 0);
    CHECK_EQ(prio("dialer.exe", V, 0), 0);
    CHECK_EQ(prio("other.exe", V, 0), 1);
    CHECK_RC(lineSetAppPriority("other.exe", V, NULL, 0, NULL, 0), 0);
    CHECK_RC(lineSetAppPriority("dialer.exe", 0, NULL, LINEREQUESTMODE_MAKECALL, NULL, 0), 0);
    CHECK_EQ(prio("other.exe", V, 0), 0);
    /* errors */
    CHECK_RC(lineSetAppPriority("x", 0, NULL, 0, NULL, 1), LINEERR_INVALREQUESTMODE);
    CHECK_RC(lineSetAppPriority("x", V | LINEMEDIAMODE_AUTOMATEDVOICE, NULL, 0, NULL, 1),
             LINEERR_INVALMEDIAMODE);
    CHECK_RC(lineSetAppPriority("x", 0x80000000u, NULL, 0, NULL, 1), LINEERR_INVALMEDIAMODE);
    CHECK_RC(lineSetAppPriority("x", V, NULL, 0, NULL, 2), LINEERR_INVALPARAM);
    CHECK_RC(lineSetAppPriority(NULL, V, NULL, 0, NULL, 1), LINEERR_INVALPOINTER);
    CHECK_RC(lineSetAppPriority("", V, NULL, 0, NULL, 1), LINEERR_INVALAPPNAME);
    CHECK_RC(lineGetAppPriority("x", V, NULL, 0, NULL, NULL), LINEERR_INVALPOINTER);
    var_init(&u, sizeof(VARSTRING) - 1);
    CHECK_RC(lineGetAppPriority("x", V, NULL, 0, &u.v, &p), LINEERR_STRUCTURETOOSMALL);
}

TEST(lineapi_num_rings)
{
    tapp a, b;
    t_init(&a, "rings-a");
    t_init(&b, "rings-b");
    HLINE la = t_open(&a, 2, LINECALLPRIVILEGE_OWNER);
    HLINE lb = t_open(&b, 2, LINECALLPRIVILEGE_MONITOR);
    DWORD n = 0;
    CHECK_RC(lineGetNumRings(la, 0, &n), 0);
    CHECK_EQ(n, 0xFFFFFFFFu); /* nobody asked */
    CHECK_RC(lineSetNumRings(la, 0, 5), 0);
    CHECK_RC(lineGetNumRings(lb, 0, &n), 0);
    CHECK_EQ(n, 5);
    CHECK_RC(lineSetNumRings(lb, 0, 3), 0);
    CHECK_RC(lineGetNumRings(la, 0, &n), 0);
    CHECK_EQ(n, 3); /* the smallest of all requests */
    CHECK_RC(lineClose(lb), 0);
    CHECK_RC(lineGetNumRings(la, 0, &n), 0);
    CHECK_EQ(n, 5);
    CHECK_RC(lineSetNumRings(la, 1, 2), LINEERR_INVALADDRESSID);
    CHECK_RC(lineSetNumRings(lb, 0, 2), LINEERR_INVALLINEHANDLE);
    CHECK_RC(lineGetNumRings(la, 0, NULL), LINEERR_INVALPOINTER);
    CHECK_RC(lineGetNumRings(la, 1, &n), LINEERR_INVALADDRESSID);
    t_expect_none(&a);
    t_expect_none(&b);
    t_shutdown(&a);
    t_shutdown(&b);
    CHECK_RC(lineGetNumRings(la, 0, &n), LINEERR_UNINITIALIZED);
}

TEST(lineapi_dev_config)
{
    tvar u;
    var_init(&u, sizeof(u));
    CHECK_RC(lineGetDevConfig(0, &u.v, "tapi/line"), LINEERR_UNINITIALIZED);
    tapp a;
    t_init(&a, "devcfg");
    CHECK_RC(lineGetDevConfig(8, &u.v, "tapi/line"), 0);
    CHECK_EQ(u.v.dwStringFormat, STRINGFORMAT_ASCII);
    const char *cfg = (const char *)u.raw + u.v.dwStringOffset;
    CHECK_EQ(strlen(cfg) + 1, u.v.dwStringSize);
    CHECK(strstr(cfg, "number = 200\n") != NULL);
    CHECK(strstr(cfg, "sharing = bridged-shared\n") != NULL);
    /* restoring what lineGetDevConfig gave is accepted; anything else is not */
    CHECK_RC(lineSetDevConfig(8, (LPVOID)cfg, u.v.dwStringSize, "tapi/line"), 0);
    CHECK_RC(lineSetDevConfig(9, (LPVOID)cfg, u.v.dwStringSize, "tapi/line"),
             LINEERR_INVALPARAM); /* the other station of 200: another name */
    CHECK_RC(lineSetDevConfig(0, (LPVOID)cfg, u.v.dwStringSize, "tapi/line"),
             LINEERR_INVALPARAM);
    CHECK_RC(lineSetDevConfig(8, (LPVOID)cfg, u.v.dwStringSize - 1, "tapi/line"),
             LINEERR_INVALPARAM);
    CHECK_RC(lineSetDevConfig(8, NULL, 4, "tapi/line"), LINEERR_INVALPOINTER);
    CHECK_RC(lineSetDevConfig(8, (LPVOID)cfg, u.v.dwStringSize, "comm/datamodem"),
             LINEERR_INVALDEVICECLASS);
    CHECK_RC(lineGetDevConfig(a.ndevs, &u.v, "tapi/line"), LINEERR_BADDEVICEID);
    CHECK_RC(lineGetDevConfig(0, &u.v, NULL), LINEERR_INVALPOINTER);
    DWORD need = u.v.dwNeededSize;
    var_init(&u, sizeof(VARSTRING));
    CHECK_RC(lineGetDevConfig(8, &u.v, "tapi/line"), 0);
    CHECK_EQ(u.v.dwStringSize, 0);
    CHECK_EQ(u.v.dwNeededSize, need);
    var_init(&u, 8);
    CHECK_RC(lineGetDevConfig(8, &u.v, "tapi/line"), LINEERR_STRUCTURETOOSMALL);
    t_shutdown(&a);
}

TEST(lineapi_set_call_data_reaches_every_handle)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    tapp m;
    t_init(&m, "monitor");
    HLINE lm = t_open(&m, 1, LINECALLPRIVILEGE_MONITOR);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    HCALL hm = t_expect_newcall(&m, lm, LINECALLPRIVILEGE_MONITOR);
    t_expect_state_priv(&m, hm, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE,
                        LINECALLPRIVILEGE_MONITOR);
    t_expect_state_priv(&m, hm, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE, 0);
    /* the capabilities announce it */
    LINECALLSTATUS st;
    t_status(hb, &st);
    CHECK_EQ(st.dwCallFeatures & LINECALLFEATURE_SETCALLDATA, LINECALLFEATURE_SETCALLDATA);
    t_status(hm, &st);
    CHECK_EQ(st.dwCallFeatures, 0);

    LONG req = lineSetCallData(hb, "hello", 5);
    CHECK_REQ(req);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_CALLDATA);
    t_expect_reply(&p.b, req, 0);
    t_expect_callinfo(&m, hm, LINECALLINFOSTATE_CALLDATA);
    t_expect_none(&p.a); /* the caller's call is another call object */
    tcallinfo u;
    t_callinfo(hm, &u);
    CHECK_EQ(u.ci.dwCallDataSize, 5);
    CHECK_MEM(u.raw + u.ci.dwCallDataOffset, "hello", 5);
    t_callinfo(ha, &u);
    CHECK_EQ(u.ci.dwCallDataSize, 0);
    /* errors */
    CHECK_RC(lineSetCallData(hm, "x", 1), LINEERR_NOTOWNER);
    CHECK_RC(lineSetCallData(hb, NULL, 1), LINEERR_INVALPOINTER);
    static char big[4097];
    CHECK_RC(lineSetCallData(hb, big, sizeof(big)), LINEERR_INVALPARAM);
    CHECK_RC(lineSetCallData(0, "x", 1), LINEERR_INVALCALLHANDLE);
    /* the largest the address capabilities allow, then cleared */
    req = lineSetCallData(hb, big, 4096);
    CHECK_REQ(req);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_CALLDATA);
    t_expect_reply(&p.b, req, 0);
    t_expect_callinfo(&m, hm, LINECALLINFOSTATE_CALLDATA);
    req = lineSetCallData(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_CALLDATA);
    t_expect_reply(&p.b, req, 0);
    t_expect_callinfo(&m, hm, LINECALLINFOSTATE_CALLDATA);
    t_callinfo(hm, &u);
    CHECK_EQ(u.ci.dwCallDataSize, 0);

    t_drop_idle(&p.b, hb);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&m, hm, LINECALLSTATE_IDLE, 0);
    /* IDLE: no more call data */
    CHECK_RC(lineSetCallData(hm, "x", 1), LINEERR_NOTOWNER);
    CHECK_RC(lineSetCallPrivilege(hm, LINECALLPRIVILEGE_OWNER), 0);
    t_expect_none(&m);
    CHECK_RC(lineSetCallData(hm, "x", 1), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineDeallocateCall(hm), 0);
    t_drop_idle(&p.a, ha);
    t_expect_none(&m);
    t_shutdown(&m);
    t_pair_done(&p);
}

TEST(lineapi_media_mode_and_call_params)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    tapp m;
    t_init(&m, "monitor");
    HLINE lm = t_open(&m, 1, LINECALLPRIVILEGE_MONITOR);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    HCALL hm = t_expect_newcall(&m, lm, LINECALLPRIVILEGE_MONITOR);
    t_expect_state_priv(&m, hm, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE,
                        LINECALLPRIVILEGE_MONITOR);
    t_expect_state_priv(&m, hm, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE, 0);
    tcallinfo u;
    t_callinfo(hb, &u);
    CHECK_EQ(u.ci.dwMediaMode, LINEMEDIAMODE_INTERACTIVEVOICE);
    CHECK_RC(lineSetMediaMode(hb, LINEMEDIAMODE_AUTOMATEDVOICE), 0);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_MEDIAMODE);
    t_expect_callinfo(&m, hm, LINECALLINFOSTATE_MEDIAMODE);
    /* the far station's call takes the mode (test_digits.c: LINE_MONITORMEDIA) */
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_MEDIAMODE);
    t_callinfo(ha, &u);
    CHECK_EQ(u.ci.dwMediaMode, LINEMEDIAMODE_AUTOMATEDVOICE);
    t_callinfo(hm, &u);
    CHECK_EQ(u.ci.dwMediaMode, LINEMEDIAMODE_AUTOMATEDVOICE);
    /* UNKNOWN narrowed to a set; the same mode again sends nothing */
    const DWORD set = LINEMEDIAMODE_UNKNOWN | LINEMEDIAMODE_INTERACTIVEVOICE |
                      LINEMEDIAMODE_AUTOMATEDVOICE;
    CHECK_RC(lineSetMediaMode(hb, set), 0);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_MEDIAMODE);
    t_expect_callinfo(&m, hm, LINECALLINFOSTATE_MEDIAMODE);
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_MEDIAMODE);
    CHECK_RC(lineSetMediaMode(hb, set), 0);
    t_expect_none(&p.b);
    t_expect_none(&m);
    CHECK_RC(lineSetMediaMode(hb, LINEMEDIAMODE_INTERACTIVEVOICE | LINEMEDIAMODE_AUTOMATEDVOICE),
             LINEERR_INVALMEDIAMODE);
    CHECK_RC(lineSetMediaMode(hb, LINEMEDIAMODE_G3FAX), LINEERR_INVALMEDIAMODE);
    CHECK_RC(lineSetMediaMode(hb, 0), LINEERR_INVALMEDIAMODE);
    CHECK_RC(lineSetMediaMode(hm, LINEMEDIAMODE_INTERACTIVEVOICE), LINEERR_NOTOWNER);

    /* call parameters: voice, no rate, no dial parameters is all there is */
    LONG req = lineSetCallParams(hb, LINEBEARERMODE_VOICE, 0, 0, NULL);
    CHECK_REQ(req);
    t_expect_reply(&p.b, req, 0);
    LINEDIALPARAMS dp;
    memset(&dp, 0, sizeof(dp));
    req = lineSetCallParams(hb, LINEBEARERMODE_VOICE, 0, 0, &dp);
    CHECK_REQ(req);
    t_expect_reply(&p.b, req, 0);
    CHECK_RC(lineSetCallParams(hb, LINEBEARERMODE_DATA, 0, 0, NULL),
             LINEERR_BEARERMODEUNAVAIL);
    CHECK_RC(lineSetCallParams(hb, LINEBEARERMODE_VOICE | LINEBEARERMODE_DATA, 0, 0, NULL),
             LINEERR_INVALBEARERMODE);
    CHECK_RC(lineSetCallParams(hb, LINEBEARERMODE_VOICE, 64000, 64000, NULL),
             LINEERR_RATEUNAVAIL);
    CHECK_RC(lineSetCallParams(hb, LINEBEARERMODE_VOICE, 2, 1, NULL), LINEERR_INVALRATE);
    dp.dwDialPause = 100;
    CHECK_RC(lineSetCallParams(hb, LINEBEARERMODE_VOICE, 0, 0, &dp), LINEERR_INVALPARAM);
    CHECK_RC(lineSetCallParams(hm, LINEBEARERMODE_VOICE, 0, 0, NULL), LINEERR_NOTOWNER);
    /* no call treatments on this switch (LINEADDRESSCAPS.dwNumCallTreatments 0) */
    CHECK_RC(lineSetCallTreatment(hb, LINECALLTREATMENT_MUSIC), LINEERR_OPERATIONUNAVAIL);
    CHECK_RC(lineSetCallTreatment(hm, LINECALLTREATMENT_MUSIC), LINEERR_NOTOWNER);
    union {
        LINEADDRESSCAPS ac;
        unsigned char raw[4096];
    } caps;
    memset(&caps, 0, sizeof(caps));
    caps.ac.dwTotalSize = sizeof(caps);
    CHECK_RC(lineGetAddressCaps(p.b.h, 1, 0, T_API, 0, &caps.ac), 0);
    CHECK_EQ(caps.ac.dwNumCallTreatments, 0);
    CHECK_EQ(caps.ac.dwMaxCallDataSize, 4096);
    CHECK_EQ(caps.ac.dwCallInfoStates & (LINECALLINFOSTATE_CALLDATA | LINECALLINFOSTATE_MEDIAMODE),
             LINECALLINFOSTATE_CALLDATA | LINECALLINFOSTATE_MEDIAMODE);

    t_drop_idle(&p.b, hb);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&m, hm, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hm), 0);
    req = lineSetCallParams(ha, LINEBEARERMODE_VOICE, 0, 0, NULL); /* DISCONNECTED: fine */
    CHECK_REQ(req);
    t_expect_reply(&p.a, req, 0);
    t_drop_idle(&p.a, ha);
    t_expect_none(&m);
    t_shutdown(&m);
    t_pair_done(&p);
}

/* Functions whose feature is not there yet answer the documented error after
 * checking their handle, and the capabilities do not announce the feature. */
TEST(lineapi_not_yet_functions_say_so)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    const LONG U = LINEERR_OPERATIONUNAVAIL;
    tvar u;
    var_init(&u, sizeof(u));
    DWORD id = 0;
    /* digits, tones and media: test_digits.c */
    CHECK_RC(lineSetMediaControl(0, 0, hb, LINECALLSELECT_CALL, NULL, 0, NULL, 0, NULL, 0, NULL,
                                 0),
             U);
    CHECK_RC(lineSetMediaControl(p.lb, 0, 0, 0x10, NULL, 0, NULL, 0, NULL, 0, NULL, 0),
             LINEERR_INVALCALLSELECT);
    CHECK_RC(lineSetCallQualityOfService(hb, NULL, 0, NULL, 0), U);
    CHECK_RC(lineSetTerminal(p.lb, 0, 0, LINECALLSELECT_LINE, LINETERMMODE_BUTTONS, 0, 1), U);
    CHECK_RC(lineDevSpecific(p.lb, 0, 0, NULL, 0), U);
    CHECK_RC(lineDevSpecificFeature(p.lb, 1, NULL, 0), U);
    CHECK_RC(lineNegotiateExtVersion(p.a.h, 0, T_API, 1, 2, &id), U);
    CHECK_RC(lineConfigDialog(0, NULL, "tapi/line"), U);
    CHECK_RC(lineConfigDialogEdit(0, NULL, "tapi/line", NULL, 0, &u.v), U);
    CHECK_RC(lineAddProvider("x.tsp", NULL, &id), U);
    CHECK_RC(lineConfigProvider(NULL, 1), U);
    CHECK_RC(lineRemoveProvider(1, NULL), U);
    HICON icon = (HICON)&id;
    CHECK_RC(lineGetIcon(0, NULL, &icon), U);
    CHECK(icon == NULL);
    CHECK_RC(tapiRequestMediaCall(NULL, 0, "wave", "", 0, 0, "101", "app", NULL, NULL),
             TAPIERR_REQUESTFAILED);
    CHECK_RC(tapiRequestDrop(NULL, 0), TAPIERR_REQUESTFAILED);
    /* (the agent functions: tests/test_agent.c) */
    /* the handle is checked first */
    CHECK_RC(lineDevSpecific(0, 0, 0, NULL, 0), LINEERR_INVALLINEHANDLE);
    CHECK_RC(lineSetTerminal(0, 0, 0, LINECALLSELECT_CALL, LINETERMMODE_BUTTONS, 0, 1),
             LINEERR_INVALCALLHANDLE);
    CHECK_RC(lineConfigDialog(p.a.ndevs, NULL, "tapi/line"), LINEERR_BADDEVICEID);
    t_expect_none(&p.a);
    t_expect_none(&p.b);

    /* and the capabilities agree */
    union {
        LINEDEVCAPS dc;
        LINEADDRESSCAPS ac;
        unsigned char raw[4096];
    } caps;
    memset(&caps, 0, sizeof(caps));
    caps.dc.dwTotalSize = sizeof(caps);
    CHECK_RC(lineGetDevCaps(p.b.h, 1, T_API, 0, &caps.dc), 0);
    /* (lineSetLineDevStatus: test_status.c; forwarding: tests/test_route.c) */
    CHECK_EQ(caps.dc.dwLineFeatures & ~(DWORD)(LINEFEATURE_FORWARD | LINEFEATURE_FORWARDFWD),
             LINEFEATURE_MAKECALL | LINEFEATURE_SETDEVSTATUS);
    CHECK_EQ(caps.dc.dwMedCtlDigitMaxListSize, 0);
    CHECK_EQ(caps.dc.dwMedCtlMediaMaxListSize, 0);
    CHECK_EQ(caps.dc.dwSettableDevStatus, LINEDEVSTATUSFLAGS_MSGWAIT | LINEDEVSTATUSFLAGS_LOCKED);
    CHECK_EQ(caps.dc.dwNumTerminals, 0);
    memset(&caps, 0, sizeof(caps));
    caps.ac.dwTotalSize = sizeof(caps);
    CHECK_RC(lineGetAddressCaps(p.b.h, 1, 0, T_API, 0, &caps.ac), 0);
    CHECK_EQ(caps.ac.dwNumCompletionMessages, 0);
    CHECK_EQ(caps.ac.dwCallFeatures &
                 (LINECALLFEATURE_SETMEDIACONTROL |
                  LINECALLFEATURE_SETTREATMENT |
                  LINECALLFEATURE_SETQOS | LINECALLFEATURE_SETTERMINAL),
             0);
    CHECK_EQ(caps.ac.dwAddressFeatures &
                 (LINEADDRFEATURE_SETMEDIACONTROL |
                  LINEADDRFEATURE_SETTERMINAL),
             0);
    LINECALLSTATUS st;
    t_status(hb, &st);
    CHECK_EQ(st.dwCallFeatures & LINECALLFEATURE_SETTREATMENT,
             0);
    t_drop_idle(&p.b, hb);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.a, ha);
    t_pair_done(&p);
    /* without an application */
    CHECK_RC(lineGenerateDigits(hb, LINEDIGITMODE_DTMF, "1", 0), LINEERR_UNINITIALIZED);
}

static void CALLBACK phone_cb(DWORD dev, DWORD msg, DWORD_PTR inst, DWORD_PTR p1, DWORD_PTR p2,
                              DWORD_PTR p3)
{
    (void)dev, (void)msg, (void)inst, (void)p1, (void)p2, (void)p3;
}

TEST(lineapi_phone_apps_see_no_devices)
{
    HPHONEAPP h1 = 0, h2 = 0;
    DWORD n = 99, api = 0x00020002;
    PHONEINITIALIZEEXPARAMS ip;
    memset(&ip, 0, sizeof(ip));
    ip.dwTotalSize = sizeof(ip);
    ip.dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT;
    CHECK_RC(phoneInitializeEx(&h1, NULL, NULL, "phone", &n, &api, &ip), 0);
    CHECK(h1 != 0);
    CHECK_EQ(n, 0);
    CHECK_EQ(api, 0x00020002);
    CHECK_EQ(ip.dwUsedSize, sizeof(ip));
    n = 99;
    CHECK_RC(phoneInitialize(&h2, NULL, phone_cb, "phone1", &n), 0);
    CHECK(h2 != 0 && h2 != h1);
    CHECK_EQ(n, 0);
    PHONEMESSAGE m;
    CHECK_RC(phoneGetMessage(h1, &m, 0), PHONEERR_OPERATIONFAILED); /* nothing to deliver */
    CHECK_RC(phoneGetMessage(h2, &m, 0), PHONEERR_INVALAPPHANDLE);  /* callback model */
    CHECK_RC(phoneGetMessage(h1, NULL, 0), PHONEERR_INVALPOINTER);
    DWORD v = 0;
    PHONEEXTENSIONID ext;
    HPHONE hp = 0;
    CHECK_RC(phoneNegotiateAPIVersion(h1, 0, 0x00010004, 0x00020002, &v, &ext),
             PHONEERR_BADDEVICEID);
    CHECK_RC(phoneOpen(h1, 0, &hp, 0x00020002, 0, 0, 0x00000002),
             PHONEERR_BADDEVICEID);
    CHECK_RC(phoneGetDevCaps(h1, 0, 0x00020002, 0, NULL), PHONEERR_BADDEVICEID);
    CHECK_RC(phoneNegotiateExtVersion(h1, 0, 0x00020002, 0, 0, &v), PHONEERR_BADDEVICEID);
    CHECK_RC(phoneGetIcon(0, NULL, NULL), PHONEERR_BADDEVICEID);
    CHECK_RC(phoneConfigDialog(0, NULL, NULL), PHONEERR_BADDEVICEID);
    CHECK_RC(phoneClose(1), PHONEERR_INVALPHONEHANDLE);
    CHECK_RC(phoneGetHookSwitch(1, &v), PHONEERR_INVALPHONEHANDLE);
    CHECK_RC(phoneSetRing(1, 0, 0), PHONEERR_INVALPHONEHANDLE);
    CHECK_RC(phoneGetStatus(1, NULL), PHONEERR_INVALPHONEHANDLE);
    CHECK_RC(phoneSetDisplay(1, 0, 0, "x", 1), PHONEERR_INVALPHONEHANDLE);
    CHECK_RC(phoneGetID(1, NULL, "tapi/phone"), PHONEERR_INVALPHONEHANDLE);
    /* and lines have no phone class */
    CHECK_RC(phoneShutdown(h1), 0);
    CHECK_RC(phoneShutdown(h1), PHONEERR_INVALAPPHANDLE);
    CHECK_RC(phoneOpen(h1, 0, &hp, 0x00020002, 0, 0, 0x00000002),
             PHONEERR_INVALAPPHANDLE);
    CHECK_RC(phoneShutdown(h2), 0);
    /* bad arguments */
    CHECK_RC(phoneInitializeEx(NULL, NULL, NULL, "p", &n, &api, &ip), PHONEERR_INVALPOINTER);
    api = 0x00010004;
    CHECK_RC(phoneInitializeEx(&h1, NULL, NULL, "p", &n, &api, &ip),
             PHONEERR_INCOMPATIBLEAPIVERSION);
    api = 0x00020002;
    ip.dwOptions = PHONEINITIALIZEEXOPTION_USECOMPLETIONPORT;
    CHECK_RC(phoneInitializeEx(&h1, NULL, NULL, "p", &n, &api, &ip), PHONEERR_INVALPARAM);
    ip.dwOptions = PHONEINITIALIZEEXOPTION_USEHIDDENWINDOW;
    CHECK_RC(phoneInitializeEx(&h1, NULL, NULL, "p", &n, &api, &ip), PHONEERR_INVALPOINTER);
    ip.dwTotalSize = 4;
    CHECK_RC(phoneInitializeEx(&h1, NULL, phone_cb, "p", &n, &api, &ip),
             PHONEERR_STRUCTURETOOSMALL);
    CHECK_RC(phoneInitialize(&h1, NULL, NULL, "p", &n), PHONEERR_INVALPOINTER);
}

/* Assisted telephony: tapiRequestMakeCall reaches the registered recipient
 * (LINE_REQUEST), which reads the request with lineGetRequest. */
static void expect_request(tapp *r, DWORD instance, const char *dest, const char *app,
                           const char *party, const char *comment)
{
    LINEMESSAGE m = t_next(r);
    CHECK_EQ(m.dwMessageID, LINE_REQUEST);
    CHECK_EQ(m.hDevice, 0);
    CHECK_EQ(m.dwCallbackInstance, instance);
    CHECK_EQ(m.dwParam1, LINEREQUESTMODE_MAKECALL);
    LINEREQMAKECALL q;
    memset(&q, 0x55, sizeof(q));
    CHECK_RC(lineGetRequest(r->h, LINEREQUESTMODE_MAKECALL, &q), 0);
    if (strcmp(q.szDestAddress, dest) || strcmp(q.szAppName, app) ||
        strcmp(q.szCalledParty, party) || strcmp(q.szComment, comment))
        FAIL("request \"%s\" \"%s\" \"%s\" \"%s\", expected \"%s\" \"%s\" \"%s\" \"%s\"",
             q.szDestAddress, q.szAppName, q.szCalledParty, q.szComment, dest, app, party,
             comment);
}

TEST(lineapi_assisted_telephony_reaches_the_recipient)
{
    tapp r1, r2;
    t_init(&r1, "dialer-one");
    t_init(&r2, "dialer-two");
    LINEREQMAKECALL q;
    CHECK_RC(tapiRequestMakeCall("101", "crm", "Bob", NULL), TAPIERR_NOREQUESTRECIPIENT);
    CHECK_RC(lineGetRequest(r1.h, LINEREQUESTMODE_MAKECALL, &q), LINEERR_NOTREGISTERED);
    CHECK_RC(lineRegisterRequestRecipient(r1.h, 77, LINEREQUESTMODE_MAKECALL, 1), 0);
    CHECK_RC(lineRegisterRequestRecipient(r2.h, 88, LINEREQUESTMODE_MAKECALL, 1), 0);
    CHECK_RC(tapiRequestMakeCall("101", "crm", "Bob", "about the order"), 0);
    expect_request(&r1, 77, "101", "crm", "Bob", "about the order"); /* registered first */
    CHECK_RC(lineGetRequest(r1.h, LINEREQUESTMODE_MAKECALL, &q), LINEERR_NOREQUEST);
    t_expect_none(&r2);
    /* first on the priority list wins */
    CHECK_RC(lineSetAppPriority("dialer-two", 0, NULL, LINEREQUESTMODE_MAKECALL, NULL, 1), 0);
    CHECK_RC(tapiRequestMakeCall("102", NULL, NULL, NULL), 0);
    expect_request(&r2, 88, "102", "", "", "");
    t_expect_none(&r1);
    CHECK_RC(lineSetAppPriority("dialer-two", 0, NULL, LINEREQUESTMODE_MAKECALL, NULL, 0), 0);
    /* long fields are cut to their Windows sizes */
    char longname[100];
    memset(longname, 'n', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    CHECK_RC(tapiRequestMakeCall("103", longname, NULL, NULL), 0);
    LINEMESSAGE m = t_next(&r1);
    CHECK_EQ(m.dwMessageID, LINE_REQUEST);
    CHECK_RC(lineGetRequest(r1.h, LINEREQUESTMODE_MAKECALL, &q), 0);
    CHECK_EQ(strlen(q.szAppName), TAPIMAXAPPNAMESIZE - 1);
    /* a full queue */
    for (int i = 0; i < 16; i++)
        CHECK_RC(tapiRequestMakeCall("104", NULL, NULL, NULL), 0);
    CHECK_RC(tapiRequestMakeCall("104", NULL, NULL, NULL), TAPIERR_REQUESTQUEUEFULL);
    for (int i = 0; i < 16; i++) {
        m = t_next(&r1);
        CHECK_EQ(m.dwMessageID, LINE_REQUEST);
        CHECK_RC(lineGetRequest(r1.h, LINEREQUESTMODE_MAKECALL, &q), 0);
    }
    /* errors */
    char longdest[100];
    memset(longdest, '1', sizeof(longdest) - 1);
    longdest[sizeof(longdest) - 1] = '\0';
    CHECK_RC(tapiRequestMakeCall(longdest, NULL, NULL, NULL), TAPIERR_INVALDESTADDRESS);
    CHECK_RC(tapiRequestMakeCall("", NULL, NULL, NULL), TAPIERR_INVALDESTADDRESS);
    CHECK_RC(tapiRequestMakeCall(NULL, NULL, NULL, NULL), TAPIERR_INVALDESTADDRESS);
    CHECK_RC(tapiRequestMakeCall("10\n1", NULL, NULL, NULL), TAPIERR_INVALDESTADDRESS);
    CHECK_RC(lineGetRequest(r1.h, LINEREQUESTMODE_DROP, &q), LINEERR_INVALREQUESTMODE);
    CHECK_RC(lineGetRequest(r1.h, LINEREQUESTMODE_MAKECALL, NULL), LINEERR_INVALPOINTER);
    CHECK_RC(lineGetRequest(r1.h, LINEREQUESTMODE_MEDIACALL, &q), LINEERR_NOTREGISTERED);
    CHECK_RC(lineGetRequest(0, LINEREQUESTMODE_MAKECALL, &q), LINEERR_INVALAPPHANDLE);
    CHECK_RC(lineRegisterRequestRecipient(r1.h, 0, 0, 1), LINEERR_INVALREQUESTMODE);
    CHECK_RC(lineRegisterRequestRecipient(r1.h, 0, LINEREQUESTMODE_DROP, 1),
             LINEERR_INVALREQUESTMODE);
    CHECK_RC(lineRegisterRequestRecipient(0, 0, LINEREQUESTMODE_MAKECALL, 1),
             LINEERR_INVALAPPHANDLE);
    /* unregistered, then shut down: the requests go elsewhere, then nowhere */
    CHECK_RC(lineRegisterRequestRecipient(r1.h, 77, LINEREQUESTMODE_MAKECALL, 0), 0);
    CHECK_RC(lineGetRequest(r1.h, LINEREQUESTMODE_MAKECALL, &q), LINEERR_NOTREGISTERED);
    CHECK_RC(tapiRequestMakeCall("105", NULL, NULL, NULL), 0);
    expect_request(&r2, 88, "105", "", "", "");
    t_expect_none(&r1);
    t_shutdown(&r2);
    CHECK_RC(tapiRequestMakeCall("106", NULL, NULL, NULL), TAPIERR_NOREQUESTRECIPIENT);
    t_shutdown(&r1);
    CHECK_RC(tapiRequestMakeCall("106", NULL, NULL, NULL), TAPIERR_NOREQUESTRECIPIENT);
}

/* lineHandoff: by media mode to the application that opened the line as
 * owner for it (priority list first), and directed by application name. */
TEST(lineapi_handoff_by_media_mode_and_by_name)
{
    tpair p;
    t_pair_init(&p, 0, 1); /* "callee" owns line 1's calls */
    tapp m, h1, h2;
    t_init(&m, "monitor-app");
    t_init(&h1, "fax-one");
    t_init(&h2, "fax-two");
    HLINE lm = t_open(&m, 1, LINECALLPRIVILEGE_MONITOR);
    HLINE l1 = 0, l2 = 0;
    CHECK_RC(lineOpen(h1.h, 1, &l1, T_API, 0, 0, LINECALLPRIVILEGE_OWNER,
                      LINEMEDIAMODE_AUTOMATEDVOICE, NULL),
             0);
    CHECK_RC(lineOpen(h2.h, 1, &l2, T_API, 0, 0, LINECALLPRIVILEGE_OWNER,
                      LINEMEDIAMODE_AUTOMATEDVOICE, NULL),
             0);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    HCALL hm = t_expect_newcall(&m, lm, LINECALLPRIVILEGE_MONITOR);
    t_expect_state_priv(&m, hm, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE,
                        LINECALLPRIVILEGE_MONITOR);
    t_expect_state_priv(&m, hm, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE, 0);
    t_expect_none(&h1); /* owner opens after the first get no handle */
    t_expect_none(&h2);

    /* errors first: nothing changes */
    CHECK_RC(lineHandoff(hb, NULL, LINEMEDIAMODE_INTERACTIVEVOICE), LINEERR_TARGETSELF);
    CHECK_RC(lineHandoff(hb, NULL, LINEMEDIAMODE_G3FAX), LINEERR_TARGETNOTFOUND);
    CHECK_RC(lineHandoff(hb, NULL, 0), LINEERR_INVALMEDIAMODE);
    CHECK_RC(lineHandoff(hb, NULL, LINEMEDIAMODE_G3FAX | LINEMEDIAMODE_AUTOMATEDVOICE),
             LINEERR_INVALMEDIAMODE);
    CHECK_RC(lineHandoff(hb, "callee", 0), LINEERR_TARGETSELF);
    CHECK_RC(lineHandoff(hb, "nobody", 0), LINEERR_TARGETNOTFOUND);
    CHECK_RC(lineHandoff(hb, "caller", 0), LINEERR_TARGETNOTFOUND); /* not on line 1 */
    CHECK_RC(lineHandoff(hb, "", 0), LINEERR_INVALPARAM);
    CHECK_RC(lineHandoff(hm, "fax-one", 0), LINEERR_NOTOWNER);
    CHECK_RC(lineHandoff(0, "fax-one", 0), LINEERR_INVALCALLHANDLE);
    t_expect_none(&p.b);
    t_expect_none(&m);

    /* by media mode: the priority list picks fax-two over the first open */
    CHECK_RC(lineSetAppPriority("fax-two", LINEMEDIAMODE_AUTOMATEDVOICE, NULL, 0, NULL, 1), 0);
    CHECK_RC(lineHandoff(hb, NULL, LINEMEDIAMODE_AUTOMATEDVOICE), 0);
    CHECK_RC(lineSetAppPriority("fax-two", LINEMEDIAMODE_AUTOMATEDVOICE, NULL, 0, NULL, 0), 0);
    HCALL h2c = t_expect_newcall(&h2, l2, LINECALLPRIVILEGE_OWNER);
    t_expect_state_priv(&h2, h2c, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE,
                        LINECALLPRIVILEGE_OWNER);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_NUMOWNERINCR);
    t_expect_callinfo(&m, hm, LINECALLINFOSTATE_NUMOWNERINCR);
    t_expect_none(&h1);
    tcallinfo u;
    t_callinfo(hb, &u);
    CHECK_EQ(u.ci.dwNumOwners, 2);
    CHECK_EQ(u.ci.dwNumMonitors, 1);
    /* again: fax-two owns it already; fax-one is next */
    CHECK_RC(lineHandoff(hb, "fax-two", 0), 0);
    t_expect_none(&h2);
    CHECK_RC(lineHandoff(h2c, NULL, LINEMEDIAMODE_AUTOMATEDVOICE), 0);
    HCALL h1c = t_expect_newcall(&h1, l1, LINECALLPRIVILEGE_OWNER);
    t_expect_state_priv(&h1, h1c, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE,
                        LINECALLPRIVILEGE_OWNER);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_NUMOWNERINCR);
    t_expect_callinfo(&m, hm, LINECALLINFOSTATE_NUMOWNERINCR);
    t_expect_callinfo(&h2, h2c, LINECALLINFOSTATE_NUMOWNERINCR);

    /* directed to a monitor: its handle becomes an owner handle */
    CHECK_RC(lineHandoff(hb, "MONITOR-APP", 0), 0);
    t_expect_state_priv(&m, hm, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE,
                        LINECALLPRIVILEGE_OWNER);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_NUMOWNERINCR | LINECALLINFOSTATE_NUMMONITORS);
    t_expect_callinfo(&h1, h1c, LINECALLINFOSTATE_NUMOWNERINCR | LINECALLINFOSTATE_NUMMONITORS);
    t_expect_callinfo(&h2, h2c, LINECALLINFOSTATE_NUMOWNERINCR | LINECALLINFOSTATE_NUMMONITORS);
    LINECALLSTATUS st;
    t_status(hm, &st);
    CHECK_EQ(st.dwCallPrivilege, LINECALLPRIVILEGE_OWNER);
    t_callinfo(hb, &u);
    CHECK_EQ(u.ci.dwNumOwners, 4);
    CHECK_EQ(u.ci.dwNumMonitors, 0);

    /* the new owner can drop the call */
    LONG req = lineDrop(hm, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&m, hm, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&m, req, 0);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_state(&h1, h1c, LINECALLSTATE_IDLE, 0);
    t_expect_state(&h2, h2c, LINECALLSTATE_IDLE, 0);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    CHECK_RC(lineDeallocateCall(hm), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    CHECK_RC(lineDeallocateCall(h1c), 0);
    CHECK_RC(lineDeallocateCall(h2c), 0);
    t_drop_idle(&p.a, ha);
    t_expect_none(&m);
    t_expect_none(&h1);
    t_expect_none(&h2);
    t_shutdown(&m);
    t_shutdown(&h1);
    t_shutdown(&h2);
    t_pair_done(&p);
}
