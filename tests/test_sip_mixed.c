/* SIP provider beside the embedded switch, and UUI through INFO between two
 * opentapi SIP lines: a configuration mixing both providers numbers its
 * devices in file order and runs calls on both at once; lineSendUserUserInfo
 * on a connected SIP call reaches the far application as
 * LINE_CALLINFO(USERUSERINFO) with the exact bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/providers/sip/sip.h"
#include "sip_helpers.h"

/* LINEDEVCAPS strings of a device: provider info and line name. */
static void dev_strings(tapp *a, DWORD dev, char *provider, char *name, size_t n)
{
    union {
        LINEDEVCAPS dc;
        unsigned char raw[sizeof(LINEDEVCAPS) + 1024];
    } u;
    memset(&u, 0, sizeof(u));
    u.dc.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetDevCaps(a->h, dev, T_API, 0, &u.dc), 0);
    CHECK(u.dc.dwUsedSize <= sizeof(u));
    struct {
        DWORD size, offset;
        char *out;
    } f[] = {{u.dc.dwProviderInfoSize, u.dc.dwProviderInfoOffset, provider},
             {u.dc.dwLineNameSize, u.dc.dwLineNameOffset, name}};
    for (size_t i = 0; i < 2; i++) {
        CHECK(f[i].size > 0 && f[i].size <= n);
        CHECK((size_t)f[i].offset + f[i].size <= u.dc.dwUsedSize);
        memcpy(f[i].out, u.raw + f[i].offset, f[i].size);
        CHECK_EQ(f[i].out[f[i].size - 1], '\0');
    }
}

/* sim, sip, sim: devices 0, 1, 2 in file order, each naming its provider; a
 * switch call from device 0 to device 2 connects and ends while the SIP line
 * is open and SIPp's call to it is rejected (603 + UUI + Reason, checked by
 * SIPp). */
TEST(sip_mixed_sim_sip_sim)
{
    int port = sh_port(0);
    char text[512];
    snprintf(text, sizeof(text),
             "[line]\nname = Sim A\nnumber = 100\n"
             "[line]\nprovider = sip\nname = SIP B\nnumber = opentapi\n"
             "uri = sip:opentapi@127.0.0.1:%d\n"
             "[line]\nname = Sim C\nnumber = 102\n",
             port);
    t_config(text);
    tapp s;
    t_init(&s, "sip");
    CHECK_EQ(s.ndevs, 3);
    static const char *const want[3][2] = {
        {"opentapi sim", "Sim A"}, {"opentapi sip", "SIP B"}, {"opentapi sim", "Sim C"}};
    for (DWORD d = 0; d < 3; d++) {
        char provider[64], name[64];
        dev_strings(&s, d, provider, name, sizeof(provider));
        if (strcmp(provider, want[d][0]) || strcmp(name, want[d][1]))
            FAIL("device %u: provider \"%s\", name \"%s\"; expected \"%s\", \"%s\"",
                 (unsigned)d, provider, name, want[d][0], want[d][1]);
    }
    HLINE hs = t_open(&s, 1, LINECALLPRIVILEGE_OWNER);

    tpair p;
    t_pair_init(&p, 0, 2);
    CHECK_EQ(p.a.ndevs, 3);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "102", &ha, &hb);
    char s_id[32];
    t_callinfo_str(hb, offsetof(LINECALLINFO, dwCallerIDSize), s_id, sizeof(s_id));
    CHECK(!strcmp(s_id, "100"));

    /* The SIP line, meanwhile: SIPp calls it, the call is rejected. */
    sproc sipp;
    sh_sipp_start(&sipp, "uac_we_reject.xml", sh_port(1), port, 1, NULL);
    HCALL hc = t_expect_offer(&s, hs);
    static const unsigned char no[] = {0x04, 'n', 'o'};
    LONG req = lineDrop(hc, (LPCSTR)no, sizeof(no));
    CHECK_REQ(req);
    t_expect_state(&s, hc, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&s, req, 0);
    CHECK_RC(lineDeallocateCall(hc), 0);
    sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS);
    sh_wait_dialogs(0);

    /* The switch call was not disturbed, and ends as usual. */
    CHECK_EQ(t_state(ha, NULL), LINECALLSTATE_CONNECTED);
    CHECK_EQ(t_state(hb, NULL), LINECALLSTATE_CONNECTED);
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    req = lineDrop(ha, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.b, hb);
    CHECK_RC(lineDeallocateCall(ha), 0);
    t_pair_done(&p);
    t_expect_none(&s);
    t_shutdown(&s);
}

/* ---- UUI through INFO --------------------------------------------------------------- */
static bool infos_are(const struct ot_sip_counters *c, void *arg)
{
    return c->infos_received == *(unsigned long *)arg;
}

/* Sends uui on call `from` of app x; app y reads it on call `to`: the reply
 * follows the INFO's 200, LINE_CALLINFO(USERUSERINFO) announces it, the
 * bytes are exact, and the call stays CONNECTED on both sides. */
static void send_info(tapp *x, HCALL from, tapp *y, HCALL to, const unsigned char *uui,
                      DWORD len)
{
    LONG req = lineSendUserUserInfo(from, (LPCSTR)uui, len);
    CHECK_REQ(req);
    t_expect_callinfo(y, to, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_reply(x, req, 0);
    sh_check_uui(to, uui, len);
    LONG rel = lineReleaseUserUserInfo(to);
    CHECK_REQ(rel);
    t_expect_reply(y, rel, 0);
    CHECK_EQ(t_state(from, NULL), LINECALLSTATE_CONNECTED);
    CHECK_EQ(t_state(to, NULL), LINECALLSTATE_CONNECTED);
    t_expect_none(x);
    t_expect_none(y);
}

/* Two opentapi SIP lines, connected: lineSendUserUserInfo both ways (INFO
 * with User-to-User), binary bytes included; UUI over dwUUISendUserUserInfoSize
 * is refused and nothing is sent. */
TEST_THREADED(sip_lines_send_uui_info)
{
    int pa = sh_free_port(), pb = sh_free_port();
    char text[600];
    snprintf(text, sizeof(text),
             "[line]\nprovider = sip\nname = Alice\nnumber = alice\n"
             "uri = sip:alice@127.0.0.1:%d\nuui_send = 16\n"
             "[line]\nprovider = sip\nname = Bob\nnumber = bob\n"
             "uri = sip:bob@127.0.0.1:%d\nuui_send = 16\n",
             pa, pb);
    t_config(text);
    ot_sip_counters_reset();
    tpair p;
    t_pair_init(&p, 0, 1);
    char dest[64];
    snprintf(dest, sizeof(dest), "sip:bob@127.0.0.1:%d", pb);
    HCALL ha = t_make_call(&p.a, p.la, dest, NULL, 0);
    t_expect_state(&p.a, ha, LINECALLSTATE_DIALING, 0);
    HCALL hb = t_expect_offer(&p.b, p.lb);
    LONG req = lineAnswer(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&p.b, req, 0);
    sh_wait_state(&p.a, ha, LINECALLSTATE_CONNECTED); /* PROCEEDING, CONNECTEDID on the way */
    t_expect_none(&p.a);

    static const unsigned char a2b[] = {0x04, 'i', 'n', 'f', 'o', 0x00, 0xff, 0x7f};
    static const unsigned char b2a[] = {0x04, 'b', 'a', 'c', 'k'};
    static const unsigned char big[17] = {0x04};
    send_info(&p.a, ha, &p.b, hb, a2b, sizeof(a2b));
    send_info(&p.b, hb, &p.a, ha, b2a, sizeof(b2a));
    unsigned long two = 2;
    CHECK(ot_sip_counters_wait(infos_are, &two, 5000));
    CHECK_RC(lineSendUserUserInfo(ha, (LPCSTR)big, sizeof(big)), LINEERR_USERUSERINFOTOOBIG);
    t_expect_none(&p.b); /* nothing was sent */
    req = lineSendUserUserInfo(ha, (LPCSTR)big, 16); /* exactly the limit */
    CHECK_REQ(req);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_reply(&p.a, req, 0);
    sh_check_uui(hb, big, 16);
    t_expect_none(&p.b);
    struct ot_sip_counters c;
    ot_sip_counters_get(&c);
    CHECK_EQ(c.infos_received, 3);

    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.b, hb);
    sh_wait_dialogs(0);
    t_pair_done(&p);
}
