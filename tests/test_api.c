/* Initialization, version negotiation, capabilities and status of the default
 * topology, and the configuration (otSetConfig, OPENTAPI_CONFIG, otCheckConfig). */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "test.h"

/* Configuration errors are explained on stderr; keep the test output clean. */
static LONG init_event(HLINEAPP *h, DWORD *api_inout, DWORD *ndevs)
{
    LINEINITIALIZEEXPARAMS p;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = sizeof(p);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    return lineInitializeEx(h, NULL, NULL, "api", ndevs, api_inout, &p);
}

TEST(api_initialize_reports_version_and_devices)
{
    static const DWORD asked[] = {0x00020000, 0x00020001, 0x00020002, 0x00030000, 0x00030001};
    for (size_t i = 0; i < sizeof(asked) / sizeof(asked[0]); i++) {
        HLINEAPP h = 0;
        DWORD api = asked[i], n = 0;
        LINEINITIALIZEEXPARAMS p;
        memset(&p, 0, sizeof(p));
        p.dwTotalSize = sizeof(p);
        p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT | LINEINITIALIZEEXOPTION_CALLHUBTRACKING;
        CHECK_RC(lineInitializeEx(&h, NULL, NULL, "api", &n, &api, &p), 0);
        CHECK(h != 0);
        CHECK_EQ(api, 0x00020002);
        CHECK_EQ(n, 15);
        CHECK_EQ(p.dwUsedSize, sizeof(p));
        CHECK((intptr_t)p.Handles.hEvent >= 0);
        CHECK_RC(lineShutdown(h), 0);
    }
}

TEST(api_negotiate_version_ranges)
{
    tapp a;
    t_init(&a, "negotiate");
    static const struct {
        DWORD lo, hi, want; /* want 0: INCOMPATIBLEAPIVERSION */
    } cases[] = {
        {0x00010004, 0x00020002, 0x00020002}, {0x00010004, 0x00030001, 0x00020002},
        {0x00010003, 0x00010004, 0x00010004}, {0x00010004, 0x00010004, 0x00010004},
        {0x00020000, 0x00020000, 0x00020000}, {0x00020000, 0x00020001, 0x00020001},
        {0x00010000, 0x00020000, 0x00020000}, {0x00020002, 0x00030000, 0x00020002},
        /* between published versions: the highest published one below hi */
        {0x00010004, 0x0001FFFF, 0x00010004}, {0x00020000, 0x0002FFFF, 0x00020002},
        {0x00010000, 0x00010003, 0},          {0x00030000, 0x00030001, 0},
        {0x00020002, 0x00020001, 0},          {0x00010005, 0x0001FFFF, 0},
        {0x00020003, 0x0002FFFF, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        DWORD v = 0xAAAAAAAAu;
        LINEEXTENSIONID ext;
        memset(&ext, 0x55, sizeof(ext));
        LONG rc = lineNegotiateAPIVersion(a.h, 3, cases[i].lo, cases[i].hi, &v, &ext);
        if (!cases[i].want) {
            if (rc != (LONG)LINEERR_INCOMPATIBLEAPIVERSION)
                FAIL("negotiate %08x..%08x: got %s, expected INCOMPATIBLEAPIVERSION",
                     (unsigned)cases[i].lo, (unsigned)cases[i].hi, otErrorName(rc));
            continue;
        }
        if (rc != 0 || v != cases[i].want)
            FAIL("negotiate %08x..%08x: got %s, version %08x, expected %08x",
                 (unsigned)cases[i].lo, (unsigned)cases[i].hi, otErrorName(rc), (unsigned)v,
                 (unsigned)cases[i].want);
        CHECK_EQ(ext.dwExtensionID0 | ext.dwExtensionID1 | ext.dwExtensionID2 |
                     ext.dwExtensionID3,
                 0);
        /* What was negotiated opens the line. */
        HLINE hl = 0;
        CHECK_RC(lineOpen(a.h, 3, &hl, v, 0, 0, LINECALLPRIVILEGE_NONE,
                          LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
                 0);
        CHECK_RC(lineClose(hl), 0);
    }
    t_expect_none(&a);
    t_shutdown(&a);
}

typedef union {
    LINEDEVCAPS dc;
    unsigned char raw[4096];
} devcaps_buf;

static const char *caps_str(const void *base, DWORD size, DWORD off)
{
    if (!size)
        return "";
    const char *s = (const char *)base + off;
    CHECK(s[size - 1] == '\0');
    return s;
}

static void devcaps(tapp *a, DWORD dev, devcaps_buf *u)
{
    memset(u, 0, sizeof(*u));
    u->dc.dwTotalSize = sizeof(*u);
    CHECK_RC(lineGetDevCaps(a->h, dev, T_API, 0, &u->dc), 0);
    CHECK_EQ(u->dc.dwUsedSize, u->dc.dwNeededSize);
}

TEST(api_devcaps_default_topology)
{
    tapp a;
    t_init(&a, "devcaps");
    static const char *const names[15] = {
        "Station 100",        "Station 101",        "Station 102",    "Station 103",
        "Station 104",        "Station 105",        "Station 106",    "Station 107",
        "Bridge 200 (A)",     "Bridge 200 (B)",     "Bridge 201 (A)", "Bridge 201 (B)",
        "Party line 300 (A)", "Party line 300 (B)", "Basic 400",
    };
    DWORD perm[15];
    for (DWORD dev = 0; dev < 15; dev++) {
        devcaps_buf u;
        devcaps(&a, dev, &u);
        const char *name = caps_str(&u, u.dc.dwLineNameSize, u.dc.dwLineNameOffset);
        if (strcmp(name, names[dev]))
            FAIL("device %u: line name \"%s\", expected \"%s\"", (unsigned)dev, name,
                 names[dev]);
        CHECK_EQ(u.dc.dwStringFormat, STRINGFORMAT_ASCII);
        CHECK_EQ(u.dc.dwNumAddresses, 1);
        CHECK_EQ(u.dc.dwMaxNumActiveCalls, 1);
        CHECK(u.dc.dwMediaModes & LINEMEDIAMODE_INTERACTIVEVOICE);
        CHECK(u.dc.dwBearerModes & LINEBEARERMODE_VOICE);
        /* Party lines leave calls up when the last application closes. */
        DWORD closedrop = dev == 12 || dev == 13 ? 0 : LINEDEVCAPFLAGS_CLOSEDROP;
        CHECK_EQ(u.dc.dwDevCapFlags & LINEDEVCAPFLAGS_CLOSEDROP, closedrop);
        perm[dev] = u.dc.dwPermanentLineID;
        for (DWORD j = 0; j < dev; j++)
            CHECK(perm[j] != perm[dev]);
        CHECK(strstr(caps_str(&u, u.dc.dwProviderInfoSize, u.dc.dwProviderInfoOffset), "sim"));
    }
    t_shutdown(&a);
}

typedef union {
    LINEADDRESSCAPS ac;
    unsigned char raw[4096];
} addrcaps_buf;

TEST(api_addresscaps_default_topology)
{
    tapp a;
    t_init(&a, "addrcaps");
    static const struct {
        const char *number;
        DWORD sharing;
    } want[15] = {
        {"100", LINEADDRESSSHARING_PRIVATE},       {"101", LINEADDRESSSHARING_PRIVATE},
        {"102", LINEADDRESSSHARING_PRIVATE},       {"103", LINEADDRESSSHARING_PRIVATE},
        {"104", LINEADDRESSSHARING_PRIVATE},       {"105", LINEADDRESSSHARING_PRIVATE},
        {"106", LINEADDRESSSHARING_PRIVATE},       {"107", LINEADDRESSSHARING_PRIVATE},
        {"200", LINEADDRESSSHARING_BRIDGEDSHARED}, {"200", LINEADDRESSSHARING_BRIDGEDSHARED},
        {"201", LINEADDRESSSHARING_BRIDGEDEXCL},   {"201", LINEADDRESSSHARING_BRIDGEDEXCL},
        {"300", LINEADDRESSSHARING_BRIDGEDSHARED}, {"300", LINEADDRESSSHARING_BRIDGEDSHARED},
        {"400", LINEADDRESSSHARING_PRIVATE},
    };
    for (DWORD dev = 0; dev < 15; dev++) {
        addrcaps_buf u;
        memset(&u, 0, sizeof(u));
        u.ac.dwTotalSize = sizeof(u);
        CHECK_RC(lineGetAddressCaps(a.h, dev, 0, T_API, 0, &u.ac), 0);
        CHECK_EQ(u.ac.dwUsedSize, u.ac.dwNeededSize);
        CHECK_EQ(u.ac.dwLineDeviceID, dev);
        const char *addr = caps_str(&u, u.ac.dwAddressSize, u.ac.dwAddressOffset);
        if (strcmp(addr, want[dev].number))
            FAIL("device %u: address \"%s\", expected \"%s\"", (unsigned)dev, addr,
                 want[dev].number);
        CHECK_EQ(u.ac.dwAddressSharing, want[dev].sharing);
        /* The switch bridges conferences everywhere but on the basic station. */
        CHECK_EQ(u.ac.dwAddrCapFlags & LINEADDRCAPFLAGS_CONFDROP,
                 dev == 14 ? 0 : LINEADDRCAPFLAGS_CONFDROP);
        CHECK_EQ(u.ac.dwMaxNumConference, dev == 14 ? 0 : 8);
        CHECK(u.ac.dwCallFeatures & LINECALLFEATURE_DROP);
        CHECK_EQ(u.ac.dwCallFeatures & LINECALLFEATURE_SENDUSERUSER,
                 dev == 14 ? 0 : LINECALLFEATURE_SENDUSERUSER);
        CHECK(u.ac.dwDisconnectModes & LINEDISCONNECTMODE_REJECT);
        CHECK(u.ac.dwDisconnectModes & LINEDISCONNECTMODE_BADADDRESS);
        CHECK_EQ(u.ac.dwBusyModes, LINEBUSYMODE_STATION);
        CHECK_EQ(u.ac.dwMaxNumActiveCalls, 1);
    }
    addrcaps_buf u;
    memset(&u, 0, sizeof(u));
    u.ac.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetAddressCaps(a.h, 0, 1, T_API, 0, &u.ac), LINEERR_INVALADDRESSID);
    t_shutdown(&a);
}

static void address_status(HLINE hl, LINEADDRESSSTATUS *s)
{
    memset(s, 0, sizeof(*s));
    s->dwTotalSize = sizeof(*s);
    CHECK_RC(lineGetAddressStatus(hl, 0, s), 0);
}

static void line_status(HLINE hl, LINEDEVSTATUS *s)
{
    memset(s, 0, sizeof(*s));
    s->dwTotalSize = sizeof(*s);
    CHECK_RC(lineGetLineDevStatus(hl, s), 0);
}

TEST(api_address_and_line_status_follow_calls)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    LINEADDRESSSTATUS as;
    LINEDEVSTATUS ds;
    address_status(p.lb, &as);
    CHECK_EQ(as.dwNumInUse, 0);
    CHECK_EQ(as.dwNumActiveCalls, 0);
    CHECK(as.dwAddressFeatures & LINEADDRFEATURE_MAKECALL);
    line_status(p.lb, &ds);
    CHECK_EQ(ds.dwNumOpens, 1);
    CHECK_EQ(ds.dwNumActiveCalls, 0);
    CHECK_EQ(ds.dwOpenMediaModes, LINEMEDIAMODE_INTERACTIVEVOICE);
    CHECK(ds.dwDevStatusFlags & LINEDEVSTATUSFLAGS_INSERVICE);
    CHECK_RC(lineGetAddressStatus(p.lb, 1, &as), LINEERR_INVALADDRESSID);
    CHECK_RC(lineGetAddressStatus(0, 0, &as), LINEERR_INVALLINEHANDLE);
    CHECK_RC(lineGetLineDevStatus(0, &ds), LINEERR_INVALLINEHANDLE);

    /* Ringing: the offered call is in a state other than idle/onhold, so it
     * counts as active (LINEADDRESSSTATUS.dwNumActiveCalls). */
    HCALL ha, hb;
    t_ring(&p, "101", NULL, 0, &ha, &hb);
    address_status(p.lb, &as);
    CHECK_EQ(as.dwNumActiveCalls, 1);
    address_status(p.la, &as);
    CHECK_EQ(as.dwNumActiveCalls, 1);
    CHECK_EQ(as.dwNumInUse, 1);
    LONG req = lineAnswer(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&p.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&p.b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&p.b, req, 0);
    address_status(p.lb, &as);
    CHECK_EQ(as.dwNumInUse, 1);
    CHECK_EQ(as.dwNumActiveCalls, 1);
    CHECK_EQ(as.dwNumOnHoldCalls, 0);
    CHECK_EQ(as.dwAddressFeatures & LINEADDRFEATURE_MAKECALL, 0);
    line_status(p.lb, &ds);
    CHECK_EQ(ds.dwNumActiveCalls, 1);

    req = lineHold(hb);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_ONHOLD, 0);
    t_expect_reply(&p.b, req, 0);
    address_status(p.lb, &as);
    CHECK_EQ(as.dwNumActiveCalls, 0);
    CHECK_EQ(as.dwNumOnHoldCalls, 1);
    CHECK_EQ(as.dwNumInUse, 1);
    line_status(p.lb, &ds);
    CHECK_EQ(ds.dwNumOnHoldCalls, 1);
    req = lineUnhold(hb);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&p.b, req, 0);
    t_expect_none(&p.a);

    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    address_status(p.lb, &as); /* DISCONNECTED is not idle yet */
    CHECK_EQ(as.dwNumActiveCalls, 1);
    t_drop_idle(&p.b, hb);
    address_status(p.lb, &as);
    CHECK_EQ(as.dwNumActiveCalls, 0);
    CHECK_EQ(as.dwNumInUse, 0);
    address_status(p.la, &as);
    CHECK_EQ(as.dwNumActiveCalls, 0);
    t_pair_done(&p);
}

static const char two_lines[] = "[line]\nname = Desk\nnumber = 500\n"
                                "[line]\nname = Lobby\nnumber = 501\nuui_drop = 4\n";

TEST(api_config_text_replaces_topology)
{
    t_config(two_lines);
    tpair p;
    t_pair_init(&p, 0, 1);
    CHECK_EQ(p.a.ndevs, 2);
    /* While the library runs, its configuration cannot change. */
    CHECK_RC(otSetConfig(otDefaultConfig()), LINEERR_INUSE);
    devcaps_buf u;
    devcaps(&p.a, 1, &u);
    CHECK(!strcmp(caps_str(&u, u.dc.dwLineNameSize, u.dc.dwLineNameOffset), "Lobby"));
    CHECK_EQ(u.dc.dwUUIDropSize, 4);
    CHECK_EQ(u.dc.dwUUIAnswerSize, 128);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "501", &ha, &hb);
    CHECK_RC(lineDrop(hb, "12345", 5), LINEERR_USERUSERINFOTOOBIG);
    LONG req = lineDrop(hb, "1234", 4);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.b, req, 0);
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.a, ha);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_pair_done(&p);
    /* Back to the default once nobody runs. */
    CHECK_RC(otSetConfig(NULL), 0);
    tapp a;
    t_init(&a, "default again");
    CHECK_EQ(a.ndevs, 15);
    t_shutdown(&a);
}

TEST(api_config_from_environment)
{
    char path[] = "/tmp/opentapi-test-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, two_lines, sizeof(two_lines) - 1), (long long)(sizeof(two_lines) - 1));
    close(fd);
    setenv("OPENTAPI_CONFIG", path, 1);
    HLINEAPP h = 0;
    DWORD api = T_API, n = 0;
    LONG rc = init_event(&h, &api, &n);
    unsetenv("OPENTAPI_CONFIG");
    unlink(path);
    CHECK_RC(rc, 0);
    CHECK_EQ(n, 2);
    CHECK_RC(lineShutdown(h), 0);
    /* otSetConfig text wins over the environment. */
    setenv("OPENTAPI_CONFIG", "/nonexistent/opentapi.conf", 1);
    t_config(two_lines);
    rc = init_event(&h, &api, &n);
    CHECK_RC(rc, 0);
    CHECK_EQ(n, 2);
    CHECK_RC(lineShutdown(h), 0);
    /* A file that cannot be read is not a corrupt configuration: the
     * operation failed (test_config.c checks the messages). */
    CHECK_RC(otSetConfig(NULL), 0);
    rc = init_event(&h, &api, &n);
    unsetenv("OPENTAPI_CONFIG");
    CHECK_RC(rc, LINEERR_OPERATIONFAILED);
    T_LOG_EXPECT("cannot read the file: No such file or directory");
}

TEST(api_config_bad_is_inifilecorrupt)
{
    static const char *const bad[] = {
        "[line]\nname = no number\n",
        "[line]\nnumber = 1\nsharing = sometimes\n",
        "[line]\nnumber = 1\nuui = -1\n",
        "[line]\nnumber = 1\nreject = perhaps\n",
        "[line]\nnumber = 1\nconference = 2\n",
        "key = outside a section\n",
        "[line\nnumber = 1\n",
        "[line]\nnumber = 1\nprovider = nosuchprovider\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char err[256] = "";
        LONG crc = otCheckConfig(bad[i], err, sizeof(err));
        t_config(bad[i]);
        HLINEAPP h = 0;
        DWORD api = T_API, n = 0;
        LONG rc = init_event(&h, &api, &n);
        if (rc != (LONG)LINEERR_INIFILECORRUPT)
            FAIL("config %zu: lineInitializeEx gave %s", i, otErrorName(rc));
        /* start-up logs what the checker says */
        CHECK(err[0] != '\0');
        T_LOG_EXPECT(err);
        CHECK_EQ(h, 0);
        OTSTATS st;
        CHECK_RC(otGetStats(&st), 0);
        CHECK_EQ(st.dwApps, 0);
        /* otCheckConfig refuses what start-up refuses, providers included. */
        CHECK_RC(crc, LINEERR_INIFILECORRUPT);
        CHECK(err[0] != '\0');
    }
    char err[64] = "x";
    CHECK_RC(otCheckConfig(otDefaultConfig(), err, sizeof(err)), 0);
    CHECK_EQ(err[0], '\0');
    CHECK_RC(otCheckConfig(NULL, err, sizeof(err)), LINEERR_INVALPOINTER);
    CHECK_RC(otCheckConfig(two_lines, NULL, 0), 0);
}

TEST(api_config_sim_settings)
{
    t_config_sim("no_answer_ms", "1500");
    tapp a;
    t_init(&a, "sim settings");
    CHECK_EQ(a.ndevs, 15);
    t_shutdown(&a);
    /* A [sim] value the switch cannot use is a configuration error, which
     * the checker finds as start-up does. */
    t_config_sim("reply_delay_ms", "soon");
    HLINEAPP h = 0;
    DWORD api = T_API, n = 0;
    LONG rc = init_event(&h, &api, &n);
    CHECK_RC(rc, LINEERR_INIFILECORRUPT);
    CHECK_EQ(h, 0);
    OTSTATS st;
    CHECK_RC(otGetStats(&st), 0);
    CHECK_EQ(st.dwApps, 0);
    T_LOG_EXPECT("reply_delay_ms: expected milliseconds");
}

TEST(api_open_accepts_published_versions_only)
{
    tapp a;
    t_init(&a, "versions");
    static const struct {
        DWORD v;
        LONG rc;
    } cases[] = {{0x00010004, 0},
                 {0x00010005, (LONG)LINEERR_INCOMPATIBLEAPIVERSION},
                 {0x0001FFFF, (LONG)LINEERR_INCOMPATIBLEAPIVERSION},
                 {0x00020000, 0},
                 {0x00020001, 0},
                 {0x00020002, 0},
                 {0x00020003, (LONG)LINEERR_INCOMPATIBLEAPIVERSION},
                 {0x00030000, (LONG)LINEERR_INCOMPATIBLEAPIVERSION}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        HLINE hl = 0;
        LINEDEVCAPS dc;
        memset(&dc, 0, sizeof(dc));
        dc.dwTotalSize = sizeof(dc);
        CHECK_RC(lineGetDevCaps(a.h, 0, cases[i].v, 0, &dc), cases[i].rc);
        CHECK_RC(lineOpen(a.h, 0, &hl, cases[i].v, 0, 0, LINECALLPRIVILEGE_OWNER,
                          LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
                 cases[i].rc);
        if (hl)
            CHECK_RC(lineClose(hl), 0);
    }
    t_shutdown(&a);
}
