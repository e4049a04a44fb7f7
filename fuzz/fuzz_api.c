/* fuzz_api: random sequences of TAPI calls against the embedded switch.
 *
 * Each input byte string is read as a program: three applications on the
 * default topology make, answer, drop, conference, transfer, deallocate, close
 * lines, drive the clock... with arguments taken from the bytes, valid or not.
 * After every step all messages are read.  The checks: nothing crashes or
 * hangs (the sanitizers watch memory), no request gets two LINE_REPLYs or one
 * it never asked for, every request of a line that stayed open gets its reply,
 * and after every application shut down nothing is left (otGetStats).
 *
 * Built three ways:
 *   - with libFuzzer (clang -fsanitize=fuzzer): LLVMFuzzerTestOneInput;
 *   - as a replay program: fuzz_api FILE...  runs each file once;
 *   - fuzz_api --random N SEED: N generated programs from a fixed seed (the
 *     test suite runs this, so it is deterministic). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentapi.h"
#include "tapi.h"

#define NAPPS 3
#define MAXCALLS 48
#define MAXREQ 4096

struct fapp {
    HLINEAPP h;
    HLINE lines[6];
    DWORD devs[6];
    unsigned nlines;
    HCALL calls[MAXCALLS];
    unsigned ncalls;
};

static struct fapp apps[NAPPS];
static struct {
    LONG id;
    unsigned app;
    int replies;
    bool exempt; /* its line was closed: the reply may be suppressed */
} reqs[MAXREQ];
static unsigned nreqs;
/* Where asynchronous functions write new handles: valid until their reply. */
static HCALL outs[MAXREQ + 1][2];
static const char *const numbers[] = {"100", "101", "102", "103", "200", "201",
                                      "300", "400", "999", "", "1"};

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_api: %s\n", what);
    abort();
}

static void add_call(struct fapp *a, HCALL h)
{
    if (!h)
        return;
    for (unsigned i = 0; i < a->ncalls; i++)
        if (a->calls[i] == h)
            return;
    if (a->ncalls < MAXCALLS)
        a->calls[a->ncalls++] = h;
}

static unsigned long stat_ok[32], stat_calls;

/* A call in one of the states of mask, owned by the application, or 0. */
static HCALL find_state(struct fapp *a, DWORD mask, HCALL not)
{
    for (unsigned k = 0; k < a->ncalls; k++) {
        LINECALLSTATUS st;
        memset(&st, 0, sizeof(st));
        st.dwTotalSize = sizeof(st);
        if (a->calls[k] != not && lineGetCallStatus(a->calls[k], &st) == 0 &&
            (st.dwCallState & mask) && st.dwCallPrivilege == LINECALLPRIVILEGE_OWNER)
            return a->calls[k];
    }
    return 0;
}
static void note_request(unsigned app, LONG rc)
{
    if (rc <= 0)
        return;
    stat_calls++;
    for (unsigned i = 0; i < nreqs; i++)
        if (reqs[i].id == rc && reqs[i].replies == 0 && !reqs[i].exempt)
            fail("request id reused while still pending");
    if (nreqs < MAXREQ) {
        reqs[nreqs].id = rc;
        reqs[nreqs].app = app;
        reqs[nreqs].replies = 0;
        reqs[nreqs].exempt = false;
        nreqs++;
    }
}

static void drain(void)
{
    for (unsigned i = 0; i < NAPPS; i++) {
        LINEMESSAGE m;
        while (apps[i].h && lineGetMessage(apps[i].h, &m, 0) == 0) {
            if (m.dwMessageID == LINE_REPLY) {
                bool found = false;
                for (unsigned k = nreqs; k-- > 0;)
                    if (reqs[k].id == (LONG)m.dwParam1 && reqs[k].app == i) {
                        if (++reqs[k].replies > 1)
                            fail("two LINE_REPLYs for one request");
                        found = true;
                        if ((LONG)m.dwParam2 == 0) {
                            add_call(&apps[i], outs[k][0]);
                            add_call(&apps[i], outs[k][1]);
                        }
                        break;
                    }
                if (!found && nreqs < MAXREQ)
                    fail("LINE_REPLY for a request never made");
            } else if (m.dwMessageID == LINE_APPNEWCALL) {
                add_call(&apps[i], (HCALL)m.dwParam2);
            } else if (m.dwMessageID == LINE_CALLSTATE) {
                add_call(&apps[i], m.hDevice);
                if (m.dwParam1 == LINECALLSTATE_CONFERENCED)
                    add_call(&apps[i], (HCALL)m.dwParam2);
            }
        }
    }
}

static void open_lines(unsigned i)
{
    static const DWORD plan[NAPPS][6] = {{0, 8, 12, 3, 0, 0}, {1, 9, 13, 4, 0, 0},
                                         {2, 10, 11, 14, 5, 0}};
    static const unsigned n[NAPPS] = {4, 4, 5};
    struct fapp *a = &apps[i];
    a->nlines = 0;
    for (unsigned k = 0; k < n[i]; k++) {
        DWORD priv = LINECALLPRIVILEGE_OWNER | (k == 0 ? LINECALLPRIVILEGE_MONITOR : 0);
        HLINE hl = 0;
        if (lineOpen(a->h, plan[i][k], &hl, 0x00020002, 0, 0, priv,
                     LINEMEDIAMODE_INTERACTIVEVOICE, NULL) == 0) {
            a->lines[a->nlines] = hl;
            a->devs[a->nlines++] = plan[i][k];
        }
    }
}

struct cursor {
    const unsigned char *p;
    size_t n;
};
static unsigned next(struct cursor *c)
{
    if (!c->n)
        return 0;
    c->n--;
    return *c->p++;
}

static HCALL pick_call(struct fapp *a, struct cursor *c)
{
    unsigned v = next(c);
    if (v == 255)
        return 0xC0ABCDEF; /* garbage */
    if (!a->ncalls)
        return 0;
    return a->calls[v % a->ncalls];
}

/* A call of the application in one of the states of mask, if it has one;
 * half of the time (by the input) any call: both valid and invalid uses. */
static HCALL pick_state(struct fapp *a, struct cursor *c, DWORD mask)
{
    unsigned v = next(c);
    if (!(v & 1) || !mask)
        return pick_call(a, c);
    for (unsigned k = 0; k < a->ncalls; k++) {
        HCALL h = a->calls[(k + v) % a->ncalls];
        LINECALLSTATUS st;
        memset(&st, 0, sizeof(st));
        st.dwTotalSize = sizeof(st);
        if (lineGetCallStatus(h, &st) == 0 && (st.dwCallState & mask) &&
            st.dwCallPrivilege == LINECALLPRIVILEGE_OWNER)
            return h;
    }
    return pick_call(a, c);
}

static const DWORD want1[28] = {
    [2] = LINECALLSTATE_DIALTONE,
    [3] = LINECALLSTATE_OFFERING | LINECALLSTATE_ACCEPTED | LINECALLSTATE_CONNECTED,
    [4] = LINECALLSTATE_OFFERING,
    [5] = LINECALLSTATE_CONNECTED | LINECALLSTATE_RINGBACK | LINECALLSTATE_DISCONNECTED,
    [6] = LINECALLSTATE_CONFERENCED | LINECALLSTATE_ONHOLDPENDCONF | LINECALLSTATE_OFFERING,
    [8] = LINECALLSTATE_CONNECTED,
    [9] = LINECALLSTATE_ONHOLD,
    [10] = LINECALLSTATE_CONNECTED,
    [11] = LINECALLSTATE_CONNECTED,
    [12] = LINECALLSTATE_ONHOLDPENDCONF,
    [13] = LINECALLSTATE_CONFERENCED,
    [14] = LINECALLSTATE_CONNECTED,
    [15] = LINECALLSTATE_ONHOLDPENDTRANSFER,
    [16] = LINECALLSTATE_CONNECTED,
    [17] = LINECALLSTATE_CONNECTED | LINECALLSTATE_OFFERING,
};
static const DWORD want2[28] = {
    [12] = LINECALLSTATE_CONNECTED | LINECALLSTATE_RINGBACK | LINECALLSTATE_ONHOLD,
    [15] = LINECALLSTATE_CONNECTED | LINECALLSTATE_RINGBACK,
};

static void run(const unsigned char *data, size_t size)
{
    struct cursor cur = {data, size};
    unsigned char uui[160];
    memset(uui, 0x5a, sizeof(uui));
    memset(apps, 0, sizeof(apps));
    nreqs = 0;
    bool delay = next(&cur) & 1;
    if (delay) {
        char cfg[4096];
        snprintf(cfg, sizeof(cfg), "%s", otDefaultConfig());
        char *p = strstr(cfg, "reply_delay_ms = 0");
        if (p)
            memcpy(p, "reply_delay_ms = 7", 18);
        otSetConfig(cfg);
    } else
        otSetConfig(NULL);
    otClockSetManual(TRUE);
    for (unsigned i = 0; i < NAPPS; i++) {
        LINEINITIALIZEEXPARAMS ip;
        memset(&ip, 0, sizeof(ip));
        ip.dwTotalSize = sizeof(ip);
        ip.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
        DWORD nd, api = 0x00020002;
        if (lineInitializeEx(&apps[i].h, NULL, NULL, "fuzz", &nd, &api, &ip))
            fail("lineInitializeEx");
        open_lines(i);
    }
    for (unsigned steps = 0; cur.n && steps < 400; steps++) {
        unsigned op = next(&cur) % 28, ai = next(&cur) % NAPPS;
        struct fapp *a = &apps[ai];
        HCALL h = pick_state(a, &cur, want1[op]), h2 = pick_state(a, &cur, want2[op]);
        unsigned v = next(&cur);
        DWORD len = (v & 0x80) ? (v & 0x7f) + (v & 1 ? 64 : 0) : 0;
        const char *num = numbers[next(&cur) % (sizeof(numbers) / sizeof(numbers[0]))];
        HLINE hl = a->nlines ? a->lines[v % a->nlines] : 0;
        unsigned slot = nreqs < MAXREQ ? nreqs : MAXREQ;
        HCALL *o1 = &outs[slot][0], *o2 = &outs[slot][1];
        *o1 = *o2 = 0;
        LINECALLLIST list[4];
        union {
            LINECALLINFO ci;
            unsigned char raw[sizeof(LINECALLINFO) + 512];
        } info;
        LINECALLSTATUS st;
        LONG rc = 0;
        switch (op) {
        case 0:
        case 1: {
            unsigned char buf[sizeof(LINECALLPARAMS) + 160];
            LINECALLPARAMS *cp = NULL;
            if (len) {
                memset(buf, 0, sizeof(buf));
                cp = (LINECALLPARAMS *)(void *)buf;
                cp->dwTotalSize = (DWORD)sizeof(buf);
                cp->dwUserUserInfoSize = len;
                cp->dwUserUserInfoOffset = sizeof(LINECALLPARAMS);
            }
            rc = lineMakeCall(hl, o1, op ? num : NULL, 0, cp);
            break;
        }
        case 2: rc = lineDial(h, num, 0); break;
        case 3: rc = lineAnswer(h, len ? (LPCSTR)uui : NULL, len); break;
        case 4: rc = lineAccept(h, len ? (LPCSTR)uui : NULL, len); break;
        case 5:
        case 6: rc = lineDrop(h, len ? (LPCSTR)uui : NULL, len); break;
        case 7: rc = lineDeallocateCall(h); break;
        case 8: rc = lineHold(h); break;
        case 9: rc = lineUnhold(h); break;
        case 10: rc = lineSetupConference(h, v & 1 ? hl : 0, o1, o2, 3 + (v & 7), NULL); break;
        case 11: rc = linePrepareAddToConference(h, o1, NULL); break;
        case 12: rc = lineAddToConference(h, h2); break;
        case 13: rc = lineRemoveFromConference(h); break;
        case 14: rc = lineSetupTransfer(h, o1, NULL); break;
        case 15:
            rc = lineCompleteTransfer(h, h2, o1,
                                      v & 1 ? LINETRANSFERMODE_CONFERENCE
                                            : LINETRANSFERMODE_TRANSFER);
            break;
        case 16: rc = lineBlindTransfer(h, num, 0); break;
        case 17: rc = lineSendUserUserInfo(h, (LPCSTR)uui, len ? len : 1); break;
        case 18: rc = lineReleaseUserUserInfo(h); break;
        case 19:
            memset(&info, 0, sizeof(info));
            info.ci.dwTotalSize = (v & 1) ? sizeof(info) : sizeof(LINECALLINFO) - 40;
            lineGetCallInfo(h, &info.ci);
            memset(&st, 0, sizeof(st));
            st.dwTotalSize = sizeof(st);
            lineGetCallStatus(h, &st);
            break;
        case 20:
            memset(list, 0, sizeof(list));
            list[0].dwTotalSize = (v & 1) ? sizeof(list) : sizeof(LINECALLLIST);
            if (lineGetConfRelatedCalls(h, list) == 0 && list[0].dwCallsNumEntries) {
                HCALL got[8];
                DWORD k = list[0].dwCallsNumEntries > 8 ? 8 : list[0].dwCallsNumEntries;
                memcpy(got, (unsigned char *)list + list[0].dwCallsOffset, k * sizeof(HCALL));
                for (DWORD i = 0; i < k; i++)
                    add_call(a, got[i]);
            }
            break;
        case 21:
            rc = lineSetCallPrivilege(h, v & 1 ? LINECALLPRIVILEGE_OWNER
                                               : LINECALLPRIVILEGE_MONITOR);
            break;
        case 22:
            /* close one line and open it again: its handles die, its calls drop */
            if (hl && lineClose(hl) == 0) {
                for (unsigned k = 0; k < nreqs; k++)
                    if (reqs[k].app == ai)
                        reqs[k].exempt = true;
                a->ncalls = 0; /* stale handles are kept out: they are tested elsewhere */
                HLINE nh = 0;
                DWORD dev = a->devs[v % a->nlines];
                if (lineOpen(a->h, dev, &nh, 0x00020002, 0, 0, LINECALLPRIVILEGE_OWNER,
                             LINEMEDIAMODE_INTERACTIVEVOICE, NULL) == 0)
                    a->lines[v % a->nlines] = nh;
            }
            break;
        case 24: /* some application answers a call offered to it */
            for (unsigned i = 0; i < NAPPS; i++) {
                HCALL x = find_state(&apps[(ai + i) % NAPPS], LINECALLSTATE_OFFERING, 0);
                if (x) {
                    ai = (ai + i) % NAPPS;
                    rc = lineAnswer(x, NULL, 0);
                    break;
                }
            }
            break;
        case 25: /* dial a station on a call with dial tone (e.g. a consultation call) */
            h = find_state(a, LINECALLSTATE_DIALTONE, 0);
            rc = h ? lineDial(h, numbers[v % 8], 0) : 0;
            break;
        case 26: /* add a connected call to a waiting conference */
            h = find_state(a, LINECALLSTATE_ONHOLDPENDCONF, 0);
            h2 = find_state(a, LINECALLSTATE_CONNECTED | LINECALLSTATE_RINGBACK, h);
            rc = h && h2 ? lineAddToConference(h, h2) : 0;
            break;
        case 27: /* complete a transfer waiting on a consultation call */
            h = find_state(a, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
            h2 = find_state(a, LINECALLSTATE_CONNECTED | LINECALLSTATE_RINGBACK, h);
            rc = h && h2 ? lineCompleteTransfer(h, h2, o1,
                                                (v & 1) ? LINETRANSFERMODE_CONFERENCE
                                                        : LINETRANSFERMODE_TRANSFER)
                         : 0;
            break;
        default:
            otClockAdvance(v * 10u);
            break;
        }
        if (rc > 0)
            stat_ok[op]++;
        note_request(ai, rc);
        drain();
    }
    /* Let every delayed request and timer run, then check the replies. */
    otClockAdvance(120000);
    drain();
    for (unsigned k = 0; k < nreqs; k++)
        if (!reqs[k].exempt && reqs[k].replies != 1)
            fail("a request of an open line got no LINE_REPLY");
    for (unsigned i = 0; i < NAPPS; i++)
        if (lineShutdown(apps[i].h))
            fail("lineShutdown");
    OTSTATS s;
    otGetStats(&s);
    if (s.dwApps || s.dwCalls || s.dwCallHandles || s.dwRequests || s.dwProviderCalls)
        fail("objects left behind after every application shut down");
    otClockSetManual(FALSE);
    otSetConfig(NULL);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    run(data, size);
    return 0;
}

#ifndef OT_LIBFUZZER
#include "replay.h"

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "--random")) {
        unsigned long n = strtoul(argv[2], NULL, 10);
        replay_seed(argv[3]);
        unsigned char buf[2048];
        for (unsigned long i = 0; i < n; i++) {
            size_t len = 64 + replay_rnd() % (sizeof(buf) - 64);
            for (size_t k = 0; k < len; k++)
                buf[k] = (unsigned char)replay_rnd();
            run(buf, len);
        }
        printf("fuzz_api: %lu random programs ran clean; requests accepted per operation:", n);
        for (int i = 0; i < 28; i++)
            printf(" %lu", stat_ok[i]);
        printf("\n");
        return 0;
    }
    return replay_files("fuzz_api", argc - 1, argv + 1, run, 1 << 16);
}
#endif
