/* Errors (behaviour 6): the documented LINEERR_ codes for bad states,
 * privileges, pointers, handles, versions and structure sizes, and the rule
 * that a function that returned an error sends no message at all. */
#include "test.h"

static void CALLBACK dummy_callback(DWORD dev, DWORD msg, DWORD_PTR inst, DWORD_PTR p1,
                                    DWORD_PTR p2, DWORD_PTR p3)
{
    (void)dev, (void)msg, (void)inst, (void)p1, (void)p2, (void)p3;
}

static LONG init_ex(HLINEAPP *h, DWORD options, DWORD api, DWORD total)
{
    LINEINITIALIZEEXPARAMS p;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = total;
    p.dwOptions = options;
    DWORD n = 0;
    return lineInitializeEx(h, NULL, dummy_callback, "errors", &n, &api, &p);
}

static void check_no_apps(void)
{
    OTSTATS st;
    CHECK_RC(otGetStats(&st), 0);
    CHECK_EQ(st.dwApps, 0);
}

TEST(errors_before_initialize)
{
    check_no_apps();
    HLINE hl = 0;
    HCALL hc = 0;
    LINEMESSAGE m;
    DWORD v = 0;
    LINEEXTENSIONID ext;
    union {
        LINEDEVCAPS dc;
        unsigned char raw[1024];
    } u;
    memset(&u, 0, sizeof(u));
    u.dc.dwTotalSize = sizeof(u);
    CHECK_RC(lineShutdown(0x40000000u), LINEERR_UNINITIALIZED);
    CHECK_RC(lineGetMessage(0x40000000u, &m, 0), LINEERR_UNINITIALIZED);
    CHECK_RC(lineOpen(0x40000000u, 0, &hl, T_API, 0, 0, LINECALLPRIVILEGE_NONE,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             LINEERR_UNINITIALIZED);
    CHECK_RC(lineNegotiateAPIVersion(0x40000000u, 0, T_API, T_API, &v, &ext),
             LINEERR_UNINITIALIZED);
    CHECK_RC(lineGetDevCaps(0x40000000u, 0, T_API, 0, &u.dc), LINEERR_UNINITIALIZED);
    CHECK_RC(lineClose(0x80000000u), LINEERR_UNINITIALIZED);
    CHECK_RC(lineMakeCall(0x80000000u, &hc, "101", 0, NULL), LINEERR_UNINITIALIZED);
    CHECK_RC(lineDrop(0xC0000000u, NULL, 0), LINEERR_UNINITIALIZED);
    CHECK_RC(lineDeallocateCall(0xC0000000u), LINEERR_UNINITIALIZED);
    CHECK_EQ(hl, 0);
    CHECK_EQ(hc, 0);
    check_no_apps();
}

TEST(errors_after_shutdown)
{
    tapp a, b;
    t_init(&a, "a");
    t_init(&b, "b");
    HLINEAPP old = a.h;
    t_shutdown(&a);
    /* Another application keeps the library up: the handle is just invalid. */
    LINEMESSAGE m;
    HLINE hl = 0;
    CHECK_RC(lineShutdown(old), LINEERR_INVALAPPHANDLE);
    CHECK_RC(lineGetMessage(old, &m, 0), LINEERR_INVALAPPHANDLE);
    CHECK_RC(lineOpen(old, 0, &hl, T_API, 0, 0, LINECALLPRIVILEGE_NONE,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             LINEERR_INVALAPPHANDLE);
    t_expect_none(&b);
    t_shutdown(&b);
    /* Nobody left: the library is uninitialized again. */
    CHECK_RC(lineShutdown(old), LINEERR_UNINITIALIZED);
    CHECK_RC(lineGetMessage(old, &m, 0), LINEERR_UNINITIALIZED);
    check_no_apps();
}

TEST(errors_initialize_arguments)
{
    HLINEAPP h = 0;
    DWORD n = 0, api = T_API;
    LINEINITIALIZEEXPARAMS p;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = sizeof(p);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    CHECK_RC(lineInitializeEx(NULL, NULL, NULL, "x", &n, &api, &p), LINEERR_INVALPOINTER);
    CHECK_RC(lineInitializeEx(&h, NULL, NULL, "x", NULL, &api, &p), LINEERR_INVALPOINTER);
    CHECK_RC(lineInitializeEx(&h, NULL, NULL, "x", &n, NULL, &p), LINEERR_INVALPOINTER);
    /* The callback models need a callback. */
    CHECK_RC(lineInitializeEx(&h, NULL, NULL, "x", &n, &api, NULL), LINEERR_INVALPOINTER);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEHIDDENWINDOW;
    CHECK_RC(lineInitializeEx(&h, NULL, NULL, "x", &n, &api, &p), LINEERR_INVALPOINTER);
    CHECK_RC(lineInitialize(&h, NULL, NULL, "x", &n), LINEERR_INVALPOINTER);
    CHECK_RC(lineInitialize(NULL, NULL, dummy_callback, "x", &n), LINEERR_INVALPOINTER);
    CHECK_RC(lineInitialize(&h, NULL, dummy_callback, "x", NULL), LINEERR_INVALPOINTER);
    /* No completion ports on POSIX; unknown options are refused too. */
    CHECK_RC(init_ex(&h, LINEINITIALIZEEXOPTION_USECOMPLETIONPORT, T_API, sizeof(p)),
             LINEERR_INVALPARAM);
    CHECK_RC(init_ex(&h, LINEINITIALIZEEXOPTION_USECOMPLETIONPORT |
                             LINEINITIALIZEEXOPTION_CALLHUBTRACKING,
                     T_API, sizeof(p)),
             LINEERR_INVALPARAM);
    CHECK_RC(init_ex(&h, 0, T_API, sizeof(p)), LINEERR_INVALPARAM);
    CHECK_RC(init_ex(&h, 4, T_API, sizeof(p)), LINEERR_INVALPARAM);
    CHECK_RC(init_ex(&h, LINEINITIALIZEEXOPTION_USEEVENT, T_API, sizeof(p) - 1),
             LINEERR_STRUCTURETOOSMALL);
    /* lineInitializeEx is TAPI 2.0 and later. */
    CHECK_RC(init_ex(&h, LINEINITIALIZEEXOPTION_USEEVENT, 0x00010004, sizeof(p)),
             LINEERR_INCOMPATIBLEAPIVERSION);
    CHECK_EQ(h, 0);
    check_no_apps();
}

TEST(errors_null_pointers)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    LINEEXTENSIONID ext;
    DWORD v;
    CHECK_RC(lineMakeCall(p.la, NULL, "102", 0, NULL), LINEERR_INVALPOINTER);
    CHECK_RC(lineGetCallInfo(ha, NULL), LINEERR_INVALPOINTER);
    CHECK_RC(lineGetCallStatus(ha, NULL), LINEERR_INVALPOINTER);
    CHECK_RC(lineGetMessage(p.a.h, NULL, 0), LINEERR_INVALPOINTER);
    CHECK_RC(lineOpen(p.a.h, 2, NULL, T_API, 0, 0, LINECALLPRIVILEGE_NONE,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             LINEERR_INVALPOINTER);
    CHECK_RC(lineNegotiateAPIVersion(p.a.h, 0, T_API, T_API, NULL, &ext), LINEERR_INVALPOINTER);
    CHECK_RC(lineNegotiateAPIVersion(p.a.h, 0, T_API, T_API, &v, NULL), LINEERR_INVALPOINTER);
    CHECK_RC(lineGetDevCaps(p.a.h, 0, T_API, 0, NULL), LINEERR_INVALPOINTER);
    CHECK_RC(lineGetAddressCaps(p.a.h, 0, 0, T_API, 0, NULL), LINEERR_INVALPOINTER);
    CHECK_RC(lineGetAddressStatus(p.la, 0, NULL), LINEERR_INVALPOINTER);
    CHECK_RC(lineGetLineDevStatus(p.la, NULL), LINEERR_INVALPOINTER);
    CHECK_RC(lineGetNewCalls(p.la, 0, LINECALLSELECT_LINE, NULL), LINEERR_INVALPOINTER);
    CHECK_RC(lineSendUserUserInfo(ha, NULL, 1), LINEERR_INVALPOINTER);
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    CHECK_EQ(t_state(ha, NULL), LINECALLSTATE_CONNECTED);
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.b, hb);
    /* lineDial's address is checked in DIALTONE. */
    HCALL h = t_make_call(&p.a, p.la, NULL, NULL, 0);
    t_expect_state(&p.a, h, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    CHECK_RC(lineDial(h, NULL, 0), LINEERR_INVALPOINTER);
    CHECK_RC(lineDial(h, "", 0), LINEERR_INVALADDRESS);
    CHECK_RC(lineDial(h, "10\n1", 0), LINEERR_INVALADDRESS);
    CHECK_RC(lineMakeCall(p.la, &h, "1\x01", 0, NULL), LINEERR_INVALADDRESS);
    t_expect_none(&p.a);
    t_drop_idle(&p.a, h);
    t_pair_done(&p);
}

TEST(errors_drop_idle_and_monitor)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    tapp m;
    t_init(&m, "monitor");
    /* Owner and monitor: the callee app owns, the second app watches. */
    HLINE lm = t_open(&m, 1, LINECALLPRIVILEGE_MONITOR | LINECALLPRIVILEGE_OWNER);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    HCALL hm = t_expect_newcall(&m, lm, LINECALLPRIVILEGE_MONITOR);
    t_expect_state_priv(&m, hm, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE,
                        LINECALLPRIVILEGE_MONITOR);
    t_expect_state(&m, hm, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    CHECK_RC(lineDrop(hm, NULL, 0), LINEERR_NOTOWNER);
    CHECK_RC(lineDrop(hm, "x", 1), LINEERR_NOTOWNER);
    CHECK_RC(lineHold(hm), LINEERR_NOTOWNER);
    CHECK_RC(lineSendUserUserInfo(hm, "x", 1), LINEERR_NOTOWNER);
    CHECK_RC(lineSetAppSpecific(hm, 1), LINEERR_NOTOWNER);
    t_expect_none(&m);
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    CHECK_EQ(t_state(hb, NULL), LINECALLSTATE_CONNECTED);
    t_drop_idle(&p.b, hb);
    t_expect_state(&m, hm, LINECALLSTATE_IDLE, 0);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    /* The monitor's handle of an IDLE call: still NOTOWNER (privilege first). */
    CHECK_RC(lineDrop(hm, NULL, 0), LINEERR_NOTOWNER);
    CHECK_RC(lineDeallocateCall(hm), 0);
    LONG req = lineDrop(ha, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    CHECK_RC(lineDrop(ha, NULL, 0), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineDrop(ha, "x", 1), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineDeallocateCall(ha), 0);
    t_expect_none(&m);
    t_shutdown(&m);
    t_pair_done(&p);
}

TEST(errors_wrong_call_state)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_ring(&p, "101", NULL, 0, &ha, &hb);
    /* RINGBACK is not answerable, holdable or dialable. */
    CHECK_RC(lineAnswer(ha, NULL, 0), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineAccept(ha, NULL, 0), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineHold(ha), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineUnhold(ha), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineHold(hb), LINEERR_INVALCALLSTATE);
    LONG req = lineAnswer(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&p.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&p.b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&p.b, req, 0);
    CHECK_RC(lineAnswer(hb, NULL, 0), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineAccept(hb, NULL, 0), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineUnhold(hb), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineDial(hb, "102", 0), LINEERR_INVALCALLSTATE);
    /* One call at a time on a private station. */
    HCALL h2 = 0;
    CHECK_RC(lineMakeCall(p.la, &h2, "102", 0, NULL), LINEERR_CALLUNAVAIL);
    CHECK_EQ(h2, 0);
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    CHECK_RC(lineSendUserUserInfo(hb, "x", 1), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineHold(hb), LINEERR_INVALCALLSTATE);
    t_drop_idle(&p.b, hb);
    t_pair_done(&p);
}

TEST(errors_bad_devices_and_versions)
{
    tapp a;
    t_init(&a, "versions");
    HLINE hl = 0;
    union {
        LINEDEVCAPS dc;
        LINEADDRESSCAPS ac;
        unsigned char raw[2048];
    } u;
    memset(&u, 0, sizeof(u));
    u.dc.dwTotalSize = sizeof(u);
    CHECK_RC(lineOpen(a.h, a.ndevs, &hl, T_API, 0, 0, LINECALLPRIVILEGE_NONE,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             LINEERR_BADDEVICEID);
    CHECK_RC(lineOpen(a.h, 0xFFFFFFFEu, &hl, T_API, 0, 0, LINECALLPRIVILEGE_NONE,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             LINEERR_BADDEVICEID);
    /* 0xFFFFFFFF is LINEMAPPER: no line carries data-modem calls. */
    CHECK_RC(lineOpen(a.h, LINEMAPPER, &hl, T_API, 0, 0, LINECALLPRIVILEGE_OWNER,
                      LINEMEDIAMODE_DATAMODEM, NULL),
             LINEERR_LINEMAPPERFAILED);
    CHECK_RC(lineGetDevCaps(a.h, a.ndevs, T_API, 0, &u.dc), LINEERR_BADDEVICEID);
    u.ac.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetAddressCaps(a.h, a.ndevs, 0, T_API, 0, &u.ac), LINEERR_BADDEVICEID);
    DWORD v;
    LINEEXTENSIONID ext;
    CHECK_RC(lineNegotiateAPIVersion(a.h, a.ndevs, T_API, T_API, &v, &ext), LINEERR_BADDEVICEID);
    static const DWORD bad_versions[] = {0, 0x00010003, 0x00020003, 0x00030000, 0x00030001};
    for (size_t i = 0; i < sizeof(bad_versions) / sizeof(bad_versions[0]); i++) {
        DWORD ver = bad_versions[i];
        CHECK_RC(lineOpen(a.h, 0, &hl, ver, 0, 0, LINECALLPRIVILEGE_NONE,
                          LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
                 LINEERR_INCOMPATIBLEAPIVERSION);
        u.dc.dwTotalSize = sizeof(u);
        CHECK_RC(lineGetDevCaps(a.h, 0, ver, 0, &u.dc), LINEERR_INCOMPATIBLEAPIVERSION);
        u.ac.dwTotalSize = sizeof(u);
        CHECK_RC(lineGetAddressCaps(a.h, 0, 0, ver, 0, &u.ac), LINEERR_INCOMPATIBLEAPIVERSION);
    }
    /* No provider extensions. */
    CHECK_RC(lineOpen(a.h, 0, &hl, T_API, 1, 0, LINECALLPRIVILEGE_NONE,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             LINEERR_INCOMPATIBLEEXTVERSION);
    /* Privileges and media modes. */
    CHECK_RC(lineOpen(a.h, 0, &hl, T_API, 0, 0, 0, LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             LINEERR_INVALPRIVSELECT);
    CHECK_RC(lineOpen(a.h, 0, &hl, T_API, 0, 0, 0x10, LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             LINEERR_INVALPRIVSELECT);
    CHECK_RC(lineOpen(a.h, 0, &hl, T_API, 0, 0, LINECALLPRIVILEGE_OWNER, 0, NULL),
             LINEERR_INVALMEDIAMODE);
    CHECK_RC(lineOpen(a.h, 0, &hl, T_API, 0, 0, LINECALLPRIVILEGE_OWNER,
                      LINEMEDIAMODE_DATAMODEM, NULL),
             LINEERR_INVALMEDIAMODE);
    CHECK_EQ(hl, 0);
    CHECK_RC(lineOpen(0x40001234u, 0, &hl, T_API, 0, 0, LINECALLPRIVILEGE_NONE,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             LINEERR_INVALAPPHANDLE);
    CHECK_RC(lineClose(0), LINEERR_INVALLINEHANDLE);
    CHECK_RC(lineClose(a.h), LINEERR_INVALLINEHANDLE);
    t_expect_none(&a);
    t_shutdown(&a);
}

/* A variable-size query with a buffer of `total` bytes. */
typedef LONG (*var_query)(void *ctx, void *buf);
static LONG q_devcaps(void *ctx, void *buf)
{
    return lineGetDevCaps(((tapp *)ctx)->h, 0, T_API, 0, buf);
}
static LONG q_addrcaps(void *ctx, void *buf)
{
    return lineGetAddressCaps(((tapp *)ctx)->h, 0, 0, T_API, 0, buf);
}
static HCALL q_call;
static HLINE q_line;
static LONG q_callinfo(void *ctx, void *buf)
{
    (void)ctx;
    return lineGetCallInfo(q_call, buf);
}
static LONG q_callstatus(void *ctx, void *buf)
{
    (void)ctx;
    return lineGetCallStatus(q_call, buf);
}
static LONG q_devstatus(void *ctx, void *buf)
{
    (void)ctx;
    return lineGetLineDevStatus(q_line, buf);
}
static LONG q_addrstatus(void *ctx, void *buf)
{
    (void)ctx;
    return lineGetAddressStatus(q_line, 0, buf);
}

/* Below min: STRUCTURETOOSMALL and the buffer untouched after dwTotalSize.
 * With `size` bytes (>= min): success, nothing written beyond them, and a
 * buffer of the dwNeededSize it reports holds everything. */
static void check_sizes(const char *what, var_query q, void *ctx, DWORD min, DWORD size)
{
    static unsigned char buf[4096];
    DWORD *hdr = (DWORD *)(void *)buf;
    for (DWORD total = 0; total < min; total += (total < 16 ? 4 : 7)) {
        memset(buf, 0xAB, sizeof(buf));
        hdr[0] = total;
        LONG rc = q(ctx, buf);
        if (rc != (LONG)LINEERR_STRUCTURETOOSMALL)
            FAIL("%s with dwTotalSize %u: got %s, expected STRUCTURETOOSMALL", what,
                 (unsigned)total, otErrorName(rc));
        CHECK_EQ(buf[sizeof(DWORD)], 0xAB);
    }
    memset(buf, 0xAB, sizeof(buf));
    hdr[0] = size;
    LONG rc = q(ctx, buf);
    if (rc != 0)
        FAIL("%s with dwTotalSize %u: got %s", what, (unsigned)size, otErrorName(rc));
    CHECK(hdr[2] <= size);    /* dwUsedSize */
    CHECK(hdr[1] >= hdr[2]);  /* dwNeededSize */
    CHECK_EQ(buf[size], 0xAB); /* nothing written beyond dwTotalSize */
    DWORD needed = hdr[1];
    CHECK(needed <= sizeof(buf));
    memset(buf, 0, sizeof(buf));
    hdr[0] = needed;
    CHECK_RC(q(ctx, buf), 0);
    if (hdr[1] != needed || hdr[2] != needed)
        FAIL("%s: a buffer of dwNeededSize %u gave dwNeededSize %u, dwUsedSize %u", what,
             (unsigned)needed, (unsigned)hdr[1], (unsigned)hdr[2]);
}

TEST(errors_structure_sizes)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    q_call = ha;
    q_line = p.la;
    /* The smallest structures a 2.x application may pass. */
    DWORD min = offsetof(LINEDEVCAPS, dwSettableDevStatus);
    check_sizes("LINEDEVCAPS", q_devcaps, &p.a, min, min);
    check_sizes("LINEDEVCAPS", q_devcaps, &p.a, min, sizeof(LINEDEVCAPS) - 4);
    check_sizes("LINEDEVCAPS", q_devcaps, &p.a, min, sizeof(LINEDEVCAPS));
    min = offsetof(LINEADDRESSCAPS, dwPredictiveAutoTransferStates);
    check_sizes("LINEADDRESSCAPS", q_addrcaps, &p.a, min, min);
    check_sizes("LINEADDRESSCAPS", q_addrcaps, &p.a, min, sizeof(LINEADDRESSCAPS));
    min = offsetof(LINECALLINFO, dwCallerIDAddressType);
    check_sizes("LINECALLINFO", q_callinfo, NULL, min, min);
    check_sizes("LINECALLINFO", q_callinfo, NULL, min, sizeof(LINECALLINFO) - 4);
    check_sizes("LINECALLINFO", q_callinfo, NULL, min, sizeof(LINECALLINFO));
    min = sizeof(LINECALLSTATUS);
    check_sizes("LINECALLSTATUS", q_callstatus, NULL, min, min);
    min = offsetof(LINEDEVSTATUS, dwAvailableMediaModes);
    check_sizes("LINEDEVSTATUS", q_devstatus, NULL, min, min);
    check_sizes("LINEDEVSTATUS", q_devstatus, NULL, min, sizeof(LINEDEVSTATUS));
    min = sizeof(LINEADDRESSSTATUS);
    check_sizes("LINEADDRESSSTATUS", q_addrstatus, NULL, min, min);
    t_expect_none(&p.a);
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.b, hb);
    t_pair_done(&p);
}

TEST(errors_callinfo_needed_size_for_strings)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    /* Exactly the fixed part: every string is left out, dwNeededSize counts them. */
    union {
        LINECALLINFO ci;
        unsigned char raw[sizeof(LINECALLINFO) + 512];
    } u;
    memset(&u, 0, sizeof(u));
    u.ci.dwTotalSize = sizeof(LINECALLINFO);
    CHECK_RC(lineGetCallInfo(hb, &u.ci), 0);
    CHECK_EQ(u.ci.dwUsedSize, sizeof(LINECALLINFO));
    /* caller id "100", name "Station 100", called "101", "Station 101", connected
     * "100", "Station 100", displayable address "100"; no app name: the call was
     * not made by an application of this process (it came in). */
    DWORD strings = 4 + 12 + 4 + 12 + 4 + 12 + 4;
    CHECK_EQ(u.ci.dwNeededSize, sizeof(LINECALLINFO) + strings);
    CHECK_EQ(u.ci.dwCallerIDSize, 0);
    CHECK_EQ(u.ci.dwCallerIDOffset, 0);
    CHECK_EQ(u.ci.dwCallerIDFlags, LINECALLPARTYID_ADDRESS | LINECALLPARTYID_NAME);
    CHECK_EQ(u.ci.dwCallID != 0, 1);
    u.ci.dwTotalSize = u.ci.dwNeededSize;
    CHECK_RC(lineGetCallInfo(hb, &u.ci), 0);
    CHECK_EQ(u.ci.dwUsedSize, u.ci.dwNeededSize);
    CHECK_EQ(u.ci.dwCallerIDSize, 4);
    CHECK(!memcmp(u.raw + u.ci.dwCallerIDOffset, "100", 4));
    CHECK_EQ(u.ci.dwAppNameSize, 0);
    /* the caller's call carries the name of the application that made it */
    memset(&u, 0, sizeof(u));
    u.ci.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetCallInfo(ha, &u.ci), 0);
    CHECK_EQ(u.ci.dwAppNameSize, strlen(p.a.name) + 1);
    CHECK(!strcmp((const char *)u.raw + u.ci.dwAppNameOffset, p.a.name));
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.b, hb);
    t_pair_done(&p);
}

TEST(errors_new_calls_list_too_small)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    tapp m;
    t_init(&m, "late monitor");
    HLINE lm = t_open(&m, 1, LINECALLPRIVILEGE_NONE);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    union {
        LINECALLLIST cl;
        unsigned char raw[sizeof(LINECALLLIST) + 64];
    } u;
    memset(&u, 0, sizeof(u));
    u.cl.dwTotalSize = sizeof(LINECALLLIST) - 1;
    CHECK_RC(lineGetNewCalls(lm, 0, LINECALLSELECT_LINE, &u.cl), LINEERR_STRUCTURETOOSMALL);
    CHECK_RC(lineGetNewCalls(lm, 0, 0, &u.cl), LINEERR_INVALCALLSELECT);
    CHECK_RC(lineGetNewCalls(lm, 1, LINECALLSELECT_ADDRESS, &u.cl), LINEERR_INVALADDRESSID);
    /* Room for no handle: nothing created, dwNeededSize says one more. */
    u.cl.dwTotalSize = sizeof(LINECALLLIST);
    CHECK_RC(lineGetNewCalls(lm, 0, LINECALLSELECT_LINE, &u.cl), 0);
    CHECK_EQ(u.cl.dwNeededSize, sizeof(LINECALLLIST) + sizeof(HCALL));
    CHECK_EQ(u.cl.dwCallsNumEntries, 0);
    OTSTATS st;
    CHECK_RC(otGetStats(&st), 0);
    CHECK_EQ(st.dwCallHandles, 2);
    t_expect_none(&m);
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.b, hb);
    t_expect_none(&m);
    t_shutdown(&m);
    t_pair_done(&p);
}

TEST(errors_get_message_timeout)
{
    tapp a;
    t_init(&a, "timeout");
    LINEMESSAGE m;
    memset(&m, 0x5A, sizeof(m));
    /* Nothing queued: a poll or an expired timeout is OPERATIONFAILED. */
    CHECK_RC(lineGetMessage(a.h, &m, 0), LINEERR_OPERATIONFAILED);
    CHECK_RC(lineGetMessage(a.h, &m, 1), LINEERR_OPERATIONFAILED);
    CHECK_EQ(m.dwMessageID, 0x5A5A5A5Au); /* untouched */
    HLINE hl = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    HCALL h = 0;
    LONG req = lineMakeCall(hl, &h, NULL, 0, NULL);
    CHECK_REQ(req);
    /* Queued messages come at once, whatever the timeout. */
    CHECK_RC(lineGetMessage(a.h, &m, INFINITE), 0);
    CHECK_EQ(m.dwMessageID, LINE_REPLY);
    CHECK_EQ(m.dwParam1, (DWORD_PTR)req);
    CHECK_RC(lineGetMessage(a.h, &m, 1000), 0);
    CHECK_EQ(m.dwMessageID, LINE_CALLSTATE);
    CHECK_EQ(m.dwParam1, LINECALLSTATE_DIALTONE);
    t_drop_idle(&a, h);
    t_expect_none(&a);
    t_shutdown(&a);
}
