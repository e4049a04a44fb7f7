/* SIP provider under 10% packet loss (SIPp -lost 10, both directions of
 * every message SIPp handles): 20 calls each way, and every one must end
 * correctly on both sides.  SIPp's exit status says its side went as
 * scripted (UUI and Reason checked on every call); the application checks its
 * own side, and that no dialog is left.  Bounded: SIPp -timeout 60 s, the
 * event loop 60 s.
 *
 * Under loss a message gets through after some retransmissions, and RFC 3261
 * lets a transaction retransmit for 64*T1 = 32 s (Timer B and F for requests,
 * the UAS's 2xx until the ACK comes): SIPp retransmits that long too (9
 * retransmissions, the interval doubling from T1 = 500 ms up to T2 = 4 s).
 * Each of SIPp's waits must last as long, not the helpers' 10 s receive
 * timeout: within 10 s an exchange (BYE and its 200, 200 and its ACK) gets 5
 * tries, each failing one time in 5 (10% loss each way), so one exchange in
 * 4000 ran out of them: about 1 run in 100 failed (seen: SIPp's BYE sent 5
 * times, each time it or our 200 lost, "receive timeout on message 5"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/providers/sip/sip.h"
#include "sip_helpers.h"

#define NCALLS 20
#define LOSS_DEADLINE_MS 60000

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#define LOSSY "-lost", "10", "-recv_timeout", "32000", "-timeout", "60s"
static const char *const lossy[] = {LOSSY, "-r", "20", "-l", "20", NULL};

static int find(const HCALL *calls, int n, HCALL h)
{
    for (int i = 0; i < n; i++)
        if (calls[i] == h)
            return i;
    return -1;
}

/* We place 20 calls at once; SIPp answers each and hangs up with UUI; we read
 * it and drop. */
TEST(sip_loss_sipp_hangs_up)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    t_init(&a, "lossy");
    HLINE hl = t_open(&a, 0, LINECALLPRIVILEGE_OWNER);
    sproc sipp;
    const char *extra[] = {LOSSY, NULL};
    sh_sipp_start(&sipp, "uas_hangs_up.xml", sh_port(1), 0, NCALLS, extra);

    static const unsigned char abc[] = {0x04, 'a', 'b', 'c'};
    static const unsigned char bye[] = {0x04, 'b', 'y', 'e', '!'};
    unsigned char buf[sizeof(LINECALLPARAMS) + sizeof(abc)];
    memset(buf, 0, sizeof(buf));
    LINECALLPARAMS *cp = (LINECALLPARAMS *)(void *)buf;
    cp->dwTotalSize = sizeof(buf);
    cp->dwUserUserInfoSize = sizeof(abc);
    cp->dwUserUserInfoOffset = sizeof(LINECALLPARAMS);
    memcpy(buf + sizeof(LINECALLPARAMS), abc, sizeof(abc));
    char dest[64];
    snprintf(dest, sizeof(dest), "sip:sipp@127.0.0.1:%d", sh_port(1));

    HCALL calls[NCALLS];
    LONG make_req[NCALLS], drop_req[NCALLS];
    int connected = 0, disconnected = 0, idle = 0, replies = 0;
    memset(calls, 0, sizeof(calls));
    memset(drop_req, 0, sizeof(drop_req));
    for (int i = 0; i < NCALLS; i++) {
        make_req[i] = lineMakeCall(hl, &calls[i], dest, 0, cp);
        CHECK_REQ(make_req[i]);
    }
    long long deadline = now_ms() + LOSS_DEADLINE_MS;
    while (idle < NCALLS || replies < 2 * NCALLS) {
        if (now_ms() > deadline)
            FAIL("after %d s: %d connected, %d disconnected, %d idle, %d replies",
                 LOSS_DEADLINE_MS / 1000, connected, disconnected, idle, replies);
        LINEMESSAGE m;
        if (lineGetMessage(a.h, &m, 1000) != 0)
            continue;
        if (m.dwMessageID == LINE_REPLY) {
            CHECK_EQ((LONG)m.dwParam2, 0);
            replies++;
            continue;
        }
        int i = find(calls, NCALLS, (HCALL)m.hDevice);
        CHECK(i >= 0);
        if (m.dwMessageID == LINE_CALLINFO) {
            CHECK(m.dwParam1 == LINECALLINFOSTATE_USERUSERINFO ||
                  m.dwParam1 == LINECALLINFOSTATE_CONNECTEDID);
            continue;
        }
        CHECK_EQ(m.dwMessageID, LINE_CALLSTATE);
        switch (m.dwParam1) {
        case LINECALLSTATE_DIALING:
        case LINECALLSTATE_PROCEEDING:
        case LINECALLSTATE_RINGBACK:
            break;
        case LINECALLSTATE_CONNECTED:
            connected++;
            break;
        case LINECALLSTATE_DISCONNECTED:
            CHECK_EQ(m.dwParam2, LINEDISCONNECTMODE_NORMAL);
            sh_check_uui(calls[i], bye, sizeof(bye));
            disconnected++;
            drop_req[i] = lineDrop(calls[i], NULL, 0);
            CHECK_REQ(drop_req[i]);
            break;
        case LINECALLSTATE_IDLE:
            CHECK(drop_req[i] > 0);
            CHECK_RC(lineDeallocateCall(calls[i]), 0);
            idle++;
            break;
        default:
            FAIL("call %d: unexpected state %s", i, otCallStateName((DWORD)m.dwParam1));
        }
    }
    CHECK_EQ(connected, NCALLS);
    CHECK_EQ(disconnected, NCALLS);
    sh_expect_success(&sipp, LOSS_DEADLINE_MS);
    sh_wait_dialogs(0);
    t_expect_none(&a);
    t_shutdown(&a);
}

/* SIPp places 20 calls to us; we answer each and drop it with UUI once it is
 * connected; SIPp checks every BYE's UUI and Reason. */
TEST_THREADED(sip_loss_we_drop)
{
    int port = sh_port(2);
    sh_config_line(port, NULL);
    tapp a;
    t_init(&a, "lossy");
    t_open(&a, 0, LINECALLPRIVILEGE_OWNER);
    sproc sipp;
    sh_sipp_start(&sipp, "uac_we_drop_lossy.xml", sh_port(3), port, NCALLS, lossy);

    static const unsigned char bye[] = {0x04, 'b', 'y', 'e', '!'};
    HCALL calls[NCALLS];
    int ncalls = 0, connected = 0, idle = 0, replies = 0;
    long long deadline = now_ms() + LOSS_DEADLINE_MS;
    while (idle < NCALLS || replies < 2 * NCALLS) {
        if (now_ms() > deadline)
            FAIL("after %d s: %d offered, %d connected, %d idle, %d replies",
                 LOSS_DEADLINE_MS / 1000, ncalls, connected, idle, replies);
        LINEMESSAGE m;
        if (lineGetMessage(a.h, &m, 1000) != 0)
            continue;
        switch (m.dwMessageID) {
        case LINE_REPLY:
            CHECK_EQ((LONG)m.dwParam2, 0);
            replies++;
            continue;
        case LINE_APPNEWCALL:
            CHECK(ncalls < NCALLS);
            calls[ncalls++] = (HCALL)m.dwParam2;
            continue;
        case LINE_CALLINFO:
            continue;
        case LINE_CALLSTATE:
            break;
        default:
            FAIL("unexpected message %s", otMessageName(m.dwMessageID));
        }
        HCALL h = (HCALL)m.hDevice;
        CHECK(find(calls, ncalls, h) >= 0);
        switch (m.dwParam1) {
        case LINECALLSTATE_OFFERING:
            CHECK_REQ(lineAnswer(h, NULL, 0));
            break;
        case LINECALLSTATE_CONNECTED:
            connected++;
            CHECK_REQ(lineDrop(h, (LPCSTR)bye, sizeof(bye)));
            break;
        case LINECALLSTATE_IDLE:
            CHECK_RC(lineDeallocateCall(h), 0);
            idle++;
            break;
        default:
            FAIL("unexpected state %s", otCallStateName((DWORD)m.dwParam1));
        }
    }
    CHECK_EQ(connected, NCALLS);
    sh_expect_success(&sipp, LOSS_DEADLINE_MS);
    sh_wait_dialogs(0);
    t_expect_none(&a);
    t_shutdown(&a);
}
