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

/* Per call, not in total: each call's states must come in TAPI's order, each
 * at most once (one call connecting twice and another never fails), and each
 * of its requests gets exactly one LINE_REPLY. */
struct percall {
    int rank;          /* rank of the last state seen (0: none) */
    unsigned seen;     /* LINECALLSTATE_ bits seen */
    LONG req[2];       /* its requests (make/answer, drop) */
    int replies[2];    /* LINE_REPLYs seen for each */
};

static int state_rank(DWORD st)
{
    switch (st) {
    case LINECALLSTATE_OFFERING:
    case LINECALLSTATE_DIALING:
        return 1;
    case LINECALLSTATE_PROCEEDING:
        return 2;
    case LINECALLSTATE_RINGBACK:
        return 3;
    case LINECALLSTATE_CONNECTED:
        return 4;
    case LINECALLSTATE_DISCONNECTED:
        return 5;
    case LINECALLSTATE_IDLE:
        return 6;
    default:
        return 0;
    }
}

/* Call i reached state st: after every state it had, and never twice. */
static void percall_state(struct percall *c, int i, DWORD st)
{
    int r = state_rank(st);
    if (!r)
        FAIL("call %d: unexpected state %s", i, otCallStateName(st));
    if (c->seen & st)
        FAIL("call %d: %s a second time", i, otCallStateName(st));
    if (r <= c->rank)
        FAIL("call %d: %s after a later state (rank %d after %d)", i, otCallStateName(st), r,
             c->rank);
    c->seen |= st;
    c->rank = r;
}

/* A LINE_REPLY: it must answer one request of one call, once, with success. */
static void percall_reply(struct percall *calls, int n, const LINEMESSAGE *m)
{
    for (int i = 0; i < n; i++)
        for (int k = 0; k < 2; k++)
            if (calls[i].req[k] && calls[i].req[k] == (LONG)m->dwParam1) {
                if (calls[i].replies[k]++)
                    FAIL("call %d: a second LINE_REPLY for request %ld", i, (long)m->dwParam1);
                if ((LONG)m->dwParam2 != 0)
                    FAIL("call %d: request %ld failed: %s", i, (long)m->dwParam1,
                         otErrorName((LONG)m->dwParam2));
                return;
            }
    FAIL("LINE_REPLY for request %ld, which no call made", (long)m->dwParam1);
}

/* At the end every call went through all of `must` and got both replies. */
static void percall_done(const struct percall *calls, int n, unsigned must)
{
    for (int i = 0; i < n; i++) {
        if ((calls[i].seen & must) != must)
            FAIL("call %d: states seen %x, expected at least %x", i, calls[i].seen, must);
        if (calls[i].replies[0] != 1 || calls[i].replies[1] != 1)
            FAIL("call %d: %d and %d replies to its two requests, expected 1 each", i,
                 calls[i].replies[0], calls[i].replies[1]);
    }
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
    struct percall pc[NCALLS];
    int idle = 0, replies = 0;
    memset(calls, 0, sizeof(calls));
    memset(pc, 0, sizeof(pc));
    for (int i = 0; i < NCALLS; i++) {
        pc[i].req[0] = lineMakeCall(hl, &calls[i], dest, 0, cp);
        CHECK_REQ(pc[i].req[0]);
    }
    long long deadline = now_ms() + LOSS_DEADLINE_MS;
    while (idle < NCALLS || replies < 2 * NCALLS) {
        if (now_ms() > deadline)
            FAIL("after %d s: %d idle, %d replies", LOSS_DEADLINE_MS / 1000, idle, replies);
        LINEMESSAGE m;
        if (lineGetMessage(a.h, &m, 1000) != 0)
            continue;
        if (m.dwMessageID == LINE_REPLY) {
            percall_reply(pc, NCALLS, &m);
            replies++;
            continue;
        }
        int i = find(calls, NCALLS, (HCALL)m.hDevice);
        if (i < 0)
            FAIL("message %s for %08x, not one of our calls", otMessageName(m.dwMessageID),
                 (unsigned)m.hDevice);
        if (m.dwMessageID == LINE_CALLINFO) {
            /* the connected party before CONNECTED, SIPp's UUI before DISCONNECTED */
            if (m.dwParam1 == LINECALLINFOSTATE_CONNECTEDID && pc[i].rank < 4)
                continue;
            if (m.dwParam1 == LINECALLINFOSTATE_USERUSERINFO && pc[i].rank == 4)
                continue;
            FAIL("call %d: LINE_CALLINFO(%lx) after state rank %d", i,
                 (unsigned long)m.dwParam1, pc[i].rank);
        }
        CHECK_EQ(m.dwMessageID, LINE_CALLSTATE);
        percall_state(&pc[i], i, (DWORD)m.dwParam1);
        switch (m.dwParam1) {
        case LINECALLSTATE_DISCONNECTED:
            CHECK_EQ(m.dwParam2, LINEDISCONNECTMODE_NORMAL);
            sh_check_uui(calls[i], bye, sizeof(bye));
            pc[i].req[1] = lineDrop(calls[i], NULL, 0);
            CHECK_REQ(pc[i].req[1]);
            break;
        case LINECALLSTATE_IDLE:
            CHECK_RC(lineDeallocateCall(calls[i]), 0);
            idle++;
            break;
        default:
            break;
        }
    }
    percall_done(pc, NCALLS,
                 LINECALLSTATE_DIALING | LINECALLSTATE_CONNECTED | LINECALLSTATE_DISCONNECTED |
                     LINECALLSTATE_IDLE);
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
    static const unsigned char invite[] = {0x04, 'i', 'n', 'v', 'i', 't', 'e'};
    HCALL calls[NCALLS];
    struct percall pc[NCALLS];
    memset(pc, 0, sizeof(pc));
    int ncalls = 0, idle = 0, replies = 0;
    long long deadline = now_ms() + LOSS_DEADLINE_MS;
    while (idle < NCALLS || replies < 2 * NCALLS) {
        if (now_ms() > deadline)
            FAIL("after %d s: %d offered, %d idle, %d replies", LOSS_DEADLINE_MS / 1000, ncalls,
                 idle, replies);
        LINEMESSAGE m;
        if (lineGetMessage(a.h, &m, 1000) != 0)
            continue;
        switch (m.dwMessageID) {
        case LINE_REPLY:
            percall_reply(pc, ncalls, &m);
            replies++;
            continue;
        case LINE_APPNEWCALL:
            CHECK(ncalls < NCALLS);
            CHECK_EQ(m.dwParam3, LINECALLPRIVILEGE_OWNER);
            calls[ncalls++] = (HCALL)m.dwParam2;
            continue;
        case LINE_CALLINFO:
        case LINE_CALLSTATE:
            break;
        default:
            FAIL("unexpected message %s", otMessageName(m.dwMessageID));
        }
        HCALL h = (HCALL)m.hDevice;
        int i = find(calls, ncalls, h);
        if (i < 0)
            FAIL("message %s for %08x, not one of the offered calls",
                 otMessageName(m.dwMessageID), (unsigned)h);
        if (m.dwMessageID == LINE_CALLINFO) {
            /* the INVITE's UUI is in LINECALLINFO at OFFERING; nothing else
             * changes but the connected party at the answer */
            if (m.dwParam1 == LINECALLINFOSTATE_CONNECTEDID && pc[i].rank < 4)
                continue;
            FAIL("call %d: LINE_CALLINFO(%lx) after state rank %d", i,
                 (unsigned long)m.dwParam1, pc[i].rank);
        }
        percall_state(&pc[i], i, (DWORD)m.dwParam1);
        switch (m.dwParam1) {
        case LINECALLSTATE_OFFERING:
            sh_check_uui(h, invite, sizeof(invite));
            pc[i].req[0] = lineAnswer(h, NULL, 0);
            CHECK_REQ(pc[i].req[0]);
            break;
        case LINECALLSTATE_CONNECTED:
            pc[i].req[1] = lineDrop(h, (LPCSTR)bye, sizeof(bye));
            CHECK_REQ(pc[i].req[1]);
            break;
        case LINECALLSTATE_IDLE:
            CHECK_RC(lineDeallocateCall(h), 0);
            idle++;
            break;
        default:
            FAIL("call %d: unexpected state %s", i, otCallStateName((DWORD)m.dwParam1));
        }
    }
    CHECK_EQ(ncalls, NCALLS);
    percall_done(pc, NCALLS,
                 LINECALLSTATE_OFFERING | LINECALLSTATE_CONNECTED | LINECALLSTATE_IDLE);
    sh_expect_success(&sipp, LOSS_DEADLINE_MS);
    sh_wait_dialogs(0);
    t_expect_none(&a);
    t_shutdown(&a);
}
