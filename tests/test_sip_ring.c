/* SIP lines ring like the switch's stations: an offered call sends
 * LINE_LINEDEVSTATE(RINGING, ring mode 1, count from 0) at the offer and every
 * ring_ms ([line] key) on the library clock, to the opens that enabled it,
 * until it is answered, rejected or CANCELled.  An application that answers
 * after lineGetNumRings rings works against SIPp. */
#include <stdio.h>
#include <string.h>

#include "sip_helpers.h"

static void expect_ring_(tapp *a, HLINE hl, DWORD count, const char *f, int l)
{
    LINEMESSAGE m = t_next(a);
    if (m.dwMessageID != LINE_LINEDEVSTATE || m.hDevice != hl ||
        m.dwParam1 != LINEDEVSTATE_RINGING || m.dwParam2 != 1 || m.dwParam3 != count)
        ot_test_fail(f, l, "expected RINGING %u, got message %u (%#lx, %#lx, %#lx)",
                     (unsigned)count, (unsigned)m.dwMessageID, (unsigned long)m.dwParam1,
                     (unsigned long)m.dwParam2, (unsigned long)m.dwParam3);
}
#define expect_ring(a, hl, n) expect_ring_(a, hl, n, __FILE__, __LINE__)

/* A SIP line with ring_ms = 1000, opened with RINGING enabled, the clock manual. */
static void ring_line(tapp *a, HLINE *hl)
{
    CHECK_RC(otClockSetManual(TRUE), 0);
    sh_config_line(sh_port(0), "ring_ms = 1000\n");
    sh_app_open(a, hl);
    CHECK_RC(lineSetStatusMessages(*hl, LINEDEVSTATE_RINGING, 0), 0);
}

/* The application answers after lineGetNumRings rings (3): rings 0, 1, 2 one
 * ring_ms apart, then lineAnswer (SIPp gets its 200 and hangs up); no ring
 * after the answer. */
TEST(sip_ring_count_then_answer)
{
    tapp a;
    HLINE hl;
    ring_line(&a, &hl);
    CHECK_RC(lineSetNumRings(hl, 0, 3), 0);
    DWORD want = 0;
    CHECK_RC(lineGetNumRings(hl, 0, &want), 0);
    CHECK_EQ(want, 3);
    sproc sipp;
    const char *extra[] = {"-set", "uui", "04627965", "-set", "cause", "16",
                           "-set", "invite_uui", "04696e76697465;encoding=hex;purpose=isdn-uui",
                           NULL};
    sh_sipp_start(&sipp, "uac_drops.xml", sh_port(1), sh_port(0), 1, extra);
    HCALL h = t_expect_offer(&a, hl);
    DWORD rings = 0;
    expect_ring(&a, hl, rings++);
    LONG rel = lineReleaseUserUserInfo(h); /* the INVITE's UUI has been read */
    CHECK_REQ(rel);
    t_expect_reply(&a, rel, 0);
    while (rings < want) {
        CHECK_RC(otClockAdvance(999), 0);
        t_expect_none(&a);
        CHECK_RC(otClockAdvance(1), 0);
        expect_ring(&a, hl, rings++);
    }
    LONG req = lineAnswer(h, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&a, req, 0);
    t_expect_callinfo(&a, h, LINECALLINFOSTATE_USERUSERINFO); /* the BYE's */
    t_expect_state(&a, h, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    CHECK_RC(otClockAdvance(10000), 0);
    t_expect_none(&a);
    sh_drop_idle_uui(&a, h, NULL, 0);
    sh_finish(&a, &sipp);
}

/* SIPp gives up (CANCEL) after our 180: the rings stop with the offer. */
TEST(sip_ring_stops_at_cancel)
{
    tapp a;
    HLINE hl;
    ring_line(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, "uac_cancels.xml", sh_port(1), sh_port(0), 1, NULL);
    HCALL h = t_expect_offer(&a, hl);
    expect_ring(&a, hl, 0);
    CHECK_RC(otClockAdvance(1000), 0);
    expect_ring(&a, hl, 1);
    LONG req = lineAccept(h, NULL, 0); /* 180: SIPp CANCELs */
    CHECK_REQ(req);
    t_expect_state(&a, h, LINECALLSTATE_ACCEPTED, 0);
    t_expect_reply(&a, req, 0);
    t_expect_callinfo(&a, h, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&a, h, LINECALLSTATE_IDLE, 0);
    CHECK_RC(otClockAdvance(10000), 0);
    t_expect_none(&a);
    CHECK_RC(lineDeallocateCall(h), 0);
    sh_finish(&a, &sipp);
}

/* Rejected (603): the rings stop; an open that did not enable RINGING never
 * hears one; ring_ms = 0 rings once. */
TEST(sip_ring_stops_at_reject)
{
    tapp a, m;
    HLINE hl;
    ring_line(&a, &hl);
    t_init(&m, "monitor");
    HLINE lm = t_open(&m, 0, LINECALLPRIVILEGE_MONITOR);
    sproc sipp;
    sh_sipp_start(&sipp, "uac_we_reject.xml", sh_port(1), sh_port(0), 1, NULL);
    HCALL h = t_expect_offer(&a, hl);
    expect_ring(&a, hl, 0);
    CHECK_RC(otClockAdvance(1000), 0);
    expect_ring(&a, hl, 1);
    static const unsigned char no[] = {0x04, 'n', 'o'};
    sh_drop_idle_uui(&a, h, no, sizeof(no));
    CHECK_RC(otClockAdvance(10000), 0);
    t_expect_none(&a);
    LINEMESSAGE mm;
    while (t_poll(&m, &mm))
        CHECK(mm.dwMessageID != LINE_LINEDEVSTATE);
    (void)lm;
    t_shutdown_with_calls(&m);
    sh_finish(&a, &sipp);
}

TEST(sip_ring_ms_zero_rings_once)
{
    CHECK_RC(otClockSetManual(TRUE), 0);
    sh_config_line(sh_port(0), "ring_ms = 0\n");
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    CHECK_RC(lineSetStatusMessages(hl, LINEDEVSTATE_RINGING, 0), 0);
    sproc sipp;
    sh_sipp_start(&sipp, "uac_we_reject.xml", sh_port(1), sh_port(0), 1, NULL);
    HCALL h = t_expect_offer(&a, hl);
    expect_ring(&a, hl, 0);
    CHECK_RC(otClockAdvance(60000), 0);
    t_expect_none(&a);
    static const unsigned char no[] = {0x04, 'n', 'o'};
    sh_drop_idle_uui(&a, h, no, sizeof(no));
    sh_finish(&a, &sipp);
}
