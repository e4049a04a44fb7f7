/* User-user information (behaviour 2): binary buffers with exact lengths on
 * lineDrop, lineMakeCall, lineAnswer, lineAccept and lineSendUserUserInfo;
 * the limits of LINEDEVCAPS (128 on devices 0-13, 0 on station 400); the far
 * side's LINE_CALLINFO(USERUSERINFO) before the state it came with; and
 * lineReleaseUserUserInfo holding back newer UUI. */
#include <stdlib.h>

#include "test.h"

#define LIMIT 128u

/* A recognisable binary pattern with NUL bytes in it. */
static void pattern(unsigned char *buf, DWORD len, unsigned seed)
{
    for (DWORD i = 0; i < len; i++)
        buf[i] = (unsigned char)(i % 7 == 3 ? 0x00 : (i * 31u + seed) & 0xff);
}

static void check_uui(HCALL h, const unsigned char *want, DWORD len)
{
    unsigned char got[512];
    CHECK_EQ(t_uui(h, got, sizeof(got)), len);
    if (len)
        CHECK_MEM(got, want, len);
}

/* Drop x's call (the other side y goes DISCONNECTED/NORMAL), then clear both. */
static void hang_up(tapp *x, HCALL hx, tapp *y, HCALL hy, bool uui_announced)
{
    LONG req = lineDrop(hx, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(x, hx, LINECALLSTATE_IDLE, 0);
    t_expect_reply(x, req, 0);
    if (uui_announced)
        t_expect_callinfo(y, hy, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(y, hy, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(y, hy);
    CHECK_RC(lineDeallocateCall(hx), 0);
}

/* The caller gives up a ringing call: its IDLE, the callee's offer IDLE. */
static void abandon(tpair *p, HCALL ha, HCALL hb)
{
    LONG req = lineDrop(ha, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p->a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p->a, req, 0);
    t_expect_state(&p->b, hb, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(ha), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
}

TEST(uui_devcaps_limits)
{
    tapp a;
    t_init(&a, "caps");
    for (DWORD dev = 0; dev < 15; dev++) {
        union {
            LINEDEVCAPS dc;
            unsigned char raw[2048];
        } u;
        memset(&u, 0, sizeof(u));
        u.dc.dwTotalSize = sizeof(u);
        CHECK_RC(lineGetDevCaps(a.h, dev, T_API, 0, &u.dc), 0);
        DWORD want = dev == 14 ? 0 : LIMIT;
        CHECK_EQ(u.dc.dwUUIAcceptSize, want);
        CHECK_EQ(u.dc.dwUUIAnswerSize, want);
        CHECK_EQ(u.dc.dwUUIMakeCallSize, want);
        CHECK_EQ(u.dc.dwUUIDropSize, want);
        CHECK_EQ(u.dc.dwUUISendUserUserInfoSize, want);
        CHECK_EQ(u.dc.dwUUICallInfoSize, want);
    }
    t_shutdown(&a);
}

TEST(uui_drop_binary_exact_bytes)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    unsigned char uui[LIMIT];
    pattern(uui, LIMIT, 1); /* the limit itself is allowed */
    LONG req = lineDrop(hb, (LPCSTR)uui, LIMIT);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.b, req, 0);
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    check_uui(ha, uui, LIMIT);
    check_uui(hb, uui, 0); /* the sender's own call shows nothing */
    t_drop_idle(&p.a, ha);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_pair_done(&p);
}

TEST(uui_drop_single_zero_byte)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    static const unsigned char zero[1] = {0};
    LONG req = lineDrop(ha, (LPCSTR)zero, 1);
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    check_uui(hb, zero, 1);
    t_drop_idle(&p.b, hb);
    CHECK_RC(lineDeallocateCall(ha), 0);
    t_pair_done(&p);
}

TEST(uui_drop_too_big_leaves_call_untouched)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    unsigned char uui[LIMIT + 1];
    pattern(uui, sizeof(uui), 2);
    CHECK_RC(lineDrop(ha, (LPCSTR)uui, LIMIT + 1), LINEERR_USERUSERINFOTOOBIG);
    CHECK_RC(lineDrop(ha, (LPCSTR)uui, 0xFFFFFFFFu), LINEERR_USERUSERINFOTOOBIG);
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    DWORD mode;
    CHECK_EQ(t_state(ha, &mode), LINECALLSTATE_CONNECTED);
    CHECK_EQ(mode, LINECONNECTEDMODE_ACTIVE);
    CHECK_EQ(t_state(hb, NULL), LINECALLSTATE_CONNECTED);
    /* A NULL buffer means no UUI, whatever the size says. */
    hang_up(&p.a, ha, &p.b, hb, false);
    t_pair_done(&p);
}

TEST(uui_drop_null_buffer_ignores_size)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    LONG req = lineDrop(ha, NULL, 100000);
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    check_uui(hb, NULL, 0);
    t_drop_idle(&p.b, hb);
    CHECK_RC(lineDeallocateCall(ha), 0);
    t_pair_done(&p);
}

TEST(uui_make_call_read_at_offering)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    unsigned char uui[LIMIT];
    pattern(uui, LIMIT, 3);
    HCALL ha, hb;
    t_ring(&p, "101", uui, LIMIT, &ha, &hb);
    /* No LINE_CALLINFO: the UUI is in LINECALLINFO when OFFERING arrives. */
    t_expect_none(&p.b);
    check_uui(hb, uui, LIMIT);
    LINECALLSTATUS s;
    t_status(hb, &s);
    CHECK(s.dwCallFeatures & LINECALLFEATURE_RELEASEUSERUSERINFO);
    abandon(&p, ha, hb);
    t_pair_done(&p);
}

/* lineMakeCall with dwUserUserInfoSize bytes in LINECALLPARAMS, expecting an error. */
static LONG make_call_uui(HLINE hl, DWORD len)
{
    unsigned char buf[sizeof(LINECALLPARAMS) + LIMIT + 8];
    memset(buf, 0, sizeof(buf));
    LINECALLPARAMS *cp = (LINECALLPARAMS *)(void *)buf;
    cp->dwTotalSize = sizeof(buf);
    cp->dwBearerMode = LINEBEARERMODE_VOICE;
    cp->dwMediaMode = LINEMEDIAMODE_INTERACTIVEVOICE;
    cp->dwUserUserInfoSize = len;
    cp->dwUserUserInfoOffset = sizeof(LINECALLPARAMS);
    HCALL h = 0;
    LONG rc = lineMakeCall(hl, &h, "101", 0, cp);
    CHECK_EQ(h, 0); /* nothing written on a synchronous error */
    return rc;
}

TEST(uui_make_call_too_big)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    CHECK_RC(make_call_uui(p.la, LIMIT + 1), LINEERR_USERUSERINFOTOOBIG);
    /* UUI reaching past dwTotalSize is a bad LINECALLPARAMS, not too big. */
    CHECK_RC(make_call_uui(p.la, LIMIT + 9), LINEERR_INVALCALLPARAMS);
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    OTSTATS st;
    CHECK_RC(otGetStats(&st), 0);
    CHECK_EQ(st.dwCalls, 0);
    CHECK_EQ(st.dwRequests, 0);
    t_pair_done(&p);
}

TEST(uui_answer_read_by_caller)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_ring(&p, "101", NULL, 0, &ha, &hb);
    unsigned char uui[LIMIT + 1];
    pattern(uui, sizeof(uui), 4);
    CHECK_RC(lineAnswer(hb, (LPCSTR)uui, LIMIT + 1), LINEERR_USERUSERINFOTOOBIG);
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    CHECK_EQ(t_state(hb, NULL), LINECALLSTATE_OFFERING);
    LONG req = lineAnswer(hb, (LPCSTR)uui, 17);
    CHECK_REQ(req);
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&p.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&p.b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&p.b, req, 0);
    check_uui(ha, uui, 17);
    hang_up(&p.b, hb, &p.a, ha, false);
    t_pair_done(&p);
}

TEST(uui_accept_read_by_caller)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_ring(&p, "101", NULL, 0, &ha, &hb);
    unsigned char uui[LIMIT + 1];
    pattern(uui, sizeof(uui), 5);
    CHECK_RC(lineAccept(hb, (LPCSTR)uui, LIMIT + 1), LINEERR_USERUSERINFOTOOBIG);
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    CHECK_EQ(t_state(hb, NULL), LINECALLSTATE_OFFERING);
    LONG req = lineAccept(hb, (LPCSTR)uui, LIMIT);
    CHECK_REQ(req);
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&p.b, hb, LINECALLSTATE_ACCEPTED, 0);
    t_expect_reply(&p.b, req, 0);
    t_expect_none(&p.a); /* still RINGBACK */
    CHECK_EQ(t_state(ha, NULL), LINECALLSTATE_RINGBACK);
    check_uui(ha, uui, LIMIT);
    abandon(&p, ha, hb);
    t_pair_done(&p);
}

/* lineSendUserUserInfo from x to y on a call in any allowed state. */
static void send_uui(tapp *x, HCALL hx, tapp *y, HCALL hy, unsigned seed)
{
    unsigned char uui[LIMIT + 1];
    pattern(uui, sizeof(uui), seed);
    CHECK_RC(lineSendUserUserInfo(hx, (LPCSTR)uui, LIMIT + 1), LINEERR_USERUSERINFOTOOBIG);
    t_expect_none(x);
    t_expect_none(y);
    LONG req = lineSendUserUserInfo(hx, (LPCSTR)uui, LIMIT);
    CHECK_REQ(req);
    t_expect_callinfo(y, hy, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_reply(x, req, 0);
    t_expect_none(x);
    t_expect_none(y);
    check_uui(hy, uui, LIMIT);
}

TEST(uui_send_both_ways_with_release)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    send_uui(&p.a, ha, &p.b, hb, 6);
    send_uui(&p.b, hb, &p.a, ha, 7);
    /* Release, so that the next UUI is shown at once again. */
    LONG req = lineReleaseUserUserInfo(hb);
    CHECK_REQ(req);
    t_expect_reply(&p.b, req, 0);
    send_uui(&p.a, ha, &p.b, hb, 8);
    hang_up(&p.a, ha, &p.b, hb, false);
    t_pair_done(&p);
}

TEST(uui_send_while_ringing)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_ring(&p, "101", NULL, 0, &ha, &hb);
    send_uui(&p.a, ha, &p.b, hb, 9); /* RINGBACK -> OFFERING */
    send_uui(&p.b, hb, &p.a, ha, 10); /* and back */
    abandon(&p, ha, hb);
    t_pair_done(&p);
}

TEST(uui_send_bad_arguments)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    CHECK_RC(lineSendUserUserInfo(ha, NULL, 4), LINEERR_INVALPOINTER);
    CHECK_RC(lineSendUserUserInfo(ha, "x", 0), LINEERR_INVALPARAM);
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    hang_up(&p.a, ha, &p.b, hb, false);
    /* Neither DISCONNECTED nor IDLE calls carry UUI any more. */
    t_pair_done(&p);
}

/* Newer UUI waits until the application releases what it was shown. */
TEST(uui_release_shows_held_uui)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    static const unsigned char first[] = {0x04, 'o', 'n', 'e', 0x00};
    static const unsigned char second[] = {0x04, 0x00, 't', 'w', 'o', 0xff};
    HCALL ha, hb;
    t_ring(&p, "101", first, sizeof(first), &ha, &hb);
    LONG req = lineAnswer(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&p.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&p.b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&p.b, req, 0);
    /* The caller drops with UUI; the callee has not released the first UUI,
     * so it only sees DISCONNECTED and still reads the first bytes. */
    req = lineDrop(ha, (LPCSTR)second, sizeof(second));
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_none(&p.b);
    check_uui(hb, first, sizeof(first));
    LINECALLSTATUS s;
    t_status(hb, &s);
    CHECK(s.dwCallFeatures & LINECALLFEATURE_RELEASEUSERUSERINFO);
    /* Released: the held UUI replaces it, announced by LINE_CALLINFO. */
    req = lineReleaseUserUserInfo(hb);
    CHECK_REQ(req);
    t_expect_reply(&p.b, req, 0);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_none(&p.b);
    check_uui(hb, second, sizeof(second));
    /* Releasing with nothing held announces nothing. */
    req = lineReleaseUserUserInfo(hb);
    CHECK_REQ(req);
    t_expect_reply(&p.b, req, 0);
    t_expect_none(&p.b);
    check_uui(hb, second, sizeof(second));
    t_drop_idle(&p.b, hb);
    CHECK_RC(lineDeallocateCall(ha), 0);
    t_pair_done(&p);
}

TEST(uui_station_400_carries_none)
{
    tpair p;
    t_pair_init(&p, 14, 1); /* 400 calls 101 */
    static const unsigned char one[1] = {0x04};
    CHECK_RC(make_call_uui(p.la, 1), LINEERR_USERUSERINFOTOOBIG);
    HCALL ha, hb;
    t_ring(&p, "101", NULL, 0, &ha, &hb);
    CHECK_RC(lineSendUserUserInfo(ha, (LPCSTR)one, 1), LINEERR_USERUSERINFOTOOBIG);
    LONG req = lineAnswer(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&p.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&p.b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&p.b, req, 0);
    CHECK_RC(lineDrop(ha, (LPCSTR)one, 1), LINEERR_USERUSERINFOTOOBIG);
    CHECK_RC(lineSendUserUserInfo(ha, (LPCSTR)one, 1), LINEERR_USERUSERINFOTOOBIG);
    /* UUI sent to 400 is not kept there (dwUUICallInfoSize 0): no message,
     * a warning in the log. */
    req = lineSendUserUserInfo(hb, (LPCSTR)one, 1);
    CHECK_REQ(req);
    t_expect_reply(&p.b, req, 0);
    T_LOG_EXPECT("warn: core: call 1: received UUI of 1 bytes exceeds dwUUICallInfoSize 0: ignored");
    t_expect_none(&p.a);
    check_uui(ha, NULL, 0);
    /* Empty UUI is no UUI: allowed on 400. */
    hang_up(&p.a, ha, &p.b, hb, false);
    t_pair_done(&p);
}

TEST(uui_station_400_answer_accept_drop_too_big)
{
    tpair p;
    t_pair_init(&p, 0, 14); /* 100 calls 400 with UUI: 400 does not keep it */
    static const unsigned char one[1] = {0x04};
    HCALL ha, hb;
    t_ring(&p, "400", one, 1, &ha, &hb);
    check_uui(hb, NULL, 0);
    T_LOG_EXPECT("received UUI of 1 bytes exceeds dwUUICallInfoSize 0: ignored");
    CHECK_RC(lineAccept(hb, (LPCSTR)one, 1), LINEERR_USERUSERINFOTOOBIG);
    CHECK_RC(lineAnswer(hb, (LPCSTR)one, 1), LINEERR_USERUSERINFOTOOBIG);
    CHECK_RC(lineDrop(hb, (LPCSTR)one, 1), LINEERR_USERUSERINFOTOOBIG);
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    CHECK_EQ(t_state(hb, NULL), LINECALLSTATE_OFFERING);
    LONG req = lineAnswer(hb, (LPCSTR)one, 0);
    CHECK_REQ(req);
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&p.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&p.b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&p.b, req, 0);
    hang_up(&p.b, hb, &p.a, ha, false);
    t_pair_done(&p);
}
