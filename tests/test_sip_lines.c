/* SIP provider: two opentapi SIP lines of one process calling each other
 * directly over 127.0.0.1 (UDP and TCP), UUI limits and configuration
 * errors.  Both providers at once and UUI through INFO: test_sip_mixed.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/providers/sip/sip.h"
#include "sip_helpers.h"

/* Lines 0 (alice) and 1 (bob), each its own user agent on 127.0.0.1. */
static void config_pair(int pa, int pb, const char *transport, const char *extra)
{
    char text[1024];
    snprintf(text, sizeof(text),
             "[line]\nprovider = sip\nname = Alice\nnumber = alice\n"
             "uri = sip:alice@127.0.0.1:%d\ntransport = %s\ndisplay = Alice A\n%s"
             "[line]\nprovider = sip\nname = Bob\nnumber = bob\n"
             "uri = sip:bob@127.0.0.1:%d\ntransport = %s\n%s",
             pa, transport, extra ? extra : "", pb, transport, extra ? extra : "");
    t_config(text);
}

static const unsigned char make_uui[] = {0x04, 'h', 'e', 'l', 'l', 'o'};
static const unsigned char answer_uui[] = {0x04, 'o', 'k'};
static const unsigned char drop_uui[] = {0x04, 'b', 'y', 'e', 0x00, 0xff};

/* alice calls bob (with UUI), bob answers (with UUI): both CONNECTED. */
static void connect_pair(tpair *p, const char *dest, HCALL *ha, HCALL *hb)
{
    *ha = t_make_call(&p->a, p->la, dest, make_uui, sizeof(make_uui));
    t_expect_state(&p->a, *ha, LINECALLSTATE_DIALING, 0);
    *hb = t_expect_offer(&p->b, p->lb);
    sh_check_uui(*hb, make_uui, sizeof(make_uui));
    /* Newer UUI is held back until the application releases what it read. */
    LONG rel = lineReleaseUserUserInfo(*hb);
    CHECK_REQ(rel);
    t_expect_reply(&p->b, rel, 0);
    char s[128];
    t_callinfo_str(*hb, offsetof(LINECALLINFO, dwCallerIDSize), s, sizeof(s));
    CHECK(!strcmp(s, "alice"));
    t_callinfo_str(*hb, offsetof(LINECALLINFO, dwCallerIDNameSize), s, sizeof(s));
    CHECK(!strcmp(s, "Alice A"));
    LONG req = lineAnswer(*hb, (LPCSTR)answer_uui, sizeof(answer_uui));
    CHECK_REQ(req);
    t_expect_state(&p->b, *hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&p->b, req, 0);
    /* The caller: PROCEEDING (100 Trying) may come first, then the answer's
     * UUI, the connected party and CONNECTED. */
    LINEMESSAGE m = t_next(&p->a);
    if (m.dwMessageID == LINE_CALLSTATE && m.dwParam1 == LINECALLSTATE_PROCEEDING)
        m = t_next(&p->a);
    CHECK_EQ(m.dwMessageID, LINE_CALLINFO);
    CHECK_EQ(m.dwParam1, LINECALLINFOSTATE_USERUSERINFO);
    sh_check_uui(*ha, answer_uui, sizeof(answer_uui));
    t_expect_callinfo(&p->a, *ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&p->a, *ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_callinfo_str(*ha, offsetof(LINECALLINFO, dwConnectedIDSize), s, sizeof(s));
    CHECK(!strcmp(s, "bob"));
}

static void drop_with_uui_between_lines(const char *transport, int port0)
{
    config_pair(sh_port(port0), sh_port(port0 + 1), transport, NULL);
    tpair p;
    t_pair_init(&p, 0, 1);
    char dest[64];
    snprintf(dest, sizeof(dest), "sip:bob@127.0.0.1:%d", sh_port(port0 + 1));
    HCALL ha, hb;
    connect_pair(&p, dest, &ha, &hb);

    LONG req = lineDrop(ha, (LPCSTR)drop_uui, sizeof(drop_uui));
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    sh_check_uui(hb, drop_uui, sizeof(drop_uui));
    t_drop_idle(&p.b, hb);
    CHECK_RC(lineDeallocateCall(ha), 0);
    sh_wait_dialogs(0);
    t_pair_done(&p);
}

TEST_THREADED(sip_lines_drop_with_uui_udp) { drop_with_uui_between_lines("udp", 0); }
TEST_THREADED(sip_lines_drop_with_uui_tcp) { drop_with_uui_between_lines("tcp", 2); }

/* UUI larger than the line's limits (uui = 8) is refused with
 * LINEERR_USERUSERINFOTOOBIG before anything goes on the wire, and the call
 * is unchanged; 8 bytes go through, exactly. */
TEST(sip_lines_uui_too_big_refused)
{
    int pa = sh_free_port(), pb = sh_free_port();
    config_pair(pa, pb, "udp", "uui = 8\n");
    tpair p;
    t_pair_init(&p, 0, 1);
    char dest[64];
    snprintf(dest, sizeof(dest), "sip:bob@127.0.0.1:%d", pb);
    static const unsigned char nine[9] = {0x04, 1, 2, 3, 4, 5, 6, 7, 8};
    unsigned char buf[sizeof(LINECALLPARAMS) + sizeof(nine)];
    memset(buf, 0, sizeof(buf));
    LINECALLPARAMS *cp = (LINECALLPARAMS *)(void *)buf;
    cp->dwTotalSize = sizeof(buf);
    cp->dwUserUserInfoSize = sizeof(nine);
    cp->dwUserUserInfoOffset = sizeof(LINECALLPARAMS);
    memcpy(buf + sizeof(LINECALLPARAMS), nine, sizeof(nine));
    HCALL h = 0;
    CHECK_RC(lineMakeCall(p.la, &h, dest, 0, cp), LINEERR_USERUSERINFOTOOBIG);
    CHECK_EQ(h, 0);
    t_expect_none(&p.a);
    HCALL ha = t_make_call(&p.a, p.la, dest, nine, 8);
    t_expect_state(&p.a, ha, LINECALLSTATE_DIALING, 0);
    HCALL hb = t_expect_offer(&p.b, p.lb);
    sh_check_uui(hb, nine, 8);
    CHECK_RC(lineAnswer(hb, (LPCSTR)nine, 9), LINEERR_USERUSERINFOTOOBIG);
    CHECK_RC(lineAccept(hb, (LPCSTR)nine, 9), LINEERR_USERUSERINFOTOOBIG);
    CHECK_RC(lineDrop(hb, (LPCSTR)nine, 9), LINEERR_USERUSERINFOTOOBIG);
    CHECK_EQ(t_state(hb, NULL), LINECALLSTATE_OFFERING);
    t_expect_none(&p.b);
    /* the reject with 8 bytes: the caller reads them exactly */
    LONG req = lineDrop(hb, (LPCSTR)nine + 1, 8);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.b, req, 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    LINEMESSAGE m = t_next(&p.a);
    if (m.dwMessageID == LINE_CALLSTATE && m.dwParam1 == LINECALLSTATE_PROCEEDING)
        m = t_next(&p.a);
    CHECK_EQ(m.dwMessageID, LINE_CALLINFO);
    CHECK_EQ(m.dwParam1, LINECALLINFOSTATE_USERUSERINFO);
    sh_check_uui(ha, nine + 1, 8);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_REJECT);
    t_drop_idle(&p.a, ha);
    sh_wait_dialogs(0);
    t_pair_done(&p);
}

/* A SIP line the provider refuses (unknown key, bad values, two lines on one
 * port): lineInitializeEx fails with LINEERR_INIFILECORRUPT, whatever other
 * provider the file also uses, and the next configuration starts cleanly
 * (test_sip_config.c: the checker agrees; a port in use is LINEERR_NODRIVER). */
TEST(sip_lines_bad_config_refused)
{
    int port = sh_free_port();
    char text[600];
    static const char *const bad[] = {
        "bogus = 1\n", "transport = sctp\n", "expires = 5\n", "reject_status = 404\n",
        "proxy = http://x\n", "display = a\"b\n", "bind = sip:u@127.0.0.1:5\n",
    };
    static const char *const logged[] = {
        "unknown key bogus", "transport must be", "expires must be", "reject_status must be",
        "proxy must be", "display may not", "bind must be",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]) * 2; i++) {
        /* every case alone, then after a switch station */
        snprintf(text, sizeof(text),
                 "%s[line]\nprovider = sip\nnumber = a\nuri = sip:a@127.0.0.1:%d\n%s",
                 i % 2 ? "[line]\nnumber = 100\n" : "", port, bad[i / 2]);
        t_config(text);
        HLINEAPP h = 0;
        DWORD n = 0, api = T_API;
        LINEINITIALIZEEXPARAMS p;
        memset(&p, 0, sizeof(p));
        p.dwTotalSize = sizeof(p);
        p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
        LONG rc = lineInitializeEx(&h, NULL, NULL, "bad", &n, &api, &p);
        if (rc != (LONG)LINEERR_INIFILECORRUPT)
            FAIL("case %zu (%s): %s, expected LINEERR_INIFILECORRUPT", i, bad[i / 2],
                 otErrorName(rc));
        T_LOG_EXPECT(logged[i / 2]);
    }
    /* two lines on one port: the second could never bind */
    snprintf(text, sizeof(text),
             "[line]\nprovider = sip\nnumber = a\nuri = sip:a@127.0.0.1:%d\n"
             "[line]\nprovider = sip\nnumber = b\nuri = sip:b@127.0.0.1:%d\n",
             port, port);
    t_config(text);
    tapp a;
    HLINEAPP h = 0;
    DWORD n = 0, api = T_API;
    LINEINITIALIZEEXPARAMS p;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = sizeof(p);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    CHECK_RC(lineInitializeEx(&h, NULL, NULL, "bad", &n, &api, &p), LINEERR_INIFILECORRUPT);
    T_LOG_EXPECT("like the [line] of line 1");
    config_pair(port, sh_free_port(), "udp", NULL);
    t_init(&a, "good");
    CHECK_EQ(a.ndevs, 2);
    t_shutdown(&a);
}
