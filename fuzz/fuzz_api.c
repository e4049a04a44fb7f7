/* fuzz_api: random sequences of TAPI calls against the embedded switch.
 *
 * Each input byte string is read as a program: three applications on the
 * default topology make, answer, drop, conference, transfer, deallocate, close
 * lines, drive the clock... with arguments taken from the bytes, valid or not.
 * After every step all messages are read.  The checks (the oracle):
 *   - nothing crashes or hangs (the sanitizers watch memory);
 *   - replies: no request gets two LINE_REPLYs or one it never asked for, and
 *     every request of a line that stayed open gets its reply (all of them:
 *     a program has at most MAXSTEPS requests, every one is tracked);
 *   - TAPI's state machine, per call handle (legal()): nothing after IDLE,
 *     never the same state and mode twice in a row, OFFERING and DIALTONE
 *     only first, ACCEPTED only after OFFERING, DIALING only after DIALTONE,
 *     PROCEEDING only after DIALING, RINGBACK and BUSY only while dialing or
 *     in a call (a transfer), the holds only from CONNECTED, only
 *     DISCONNECTED or IDLE after BUSY, only IDLE after DISCONNECTED (a
 *     monitor's UNKNOWN, the state of a call it joins late, may be followed
 *     by anything);
 *   - every handle of one call (all applications, owners and monitors) that
 *     was live and had been told a state before a step gets the same
 *     sequence of LINE_CALLSTATEs (state and mode) in that step;
 *   - UUI arrives intact: every UUI shown in LINECALLINFO after a
 *     LINE_CALLINFO(USERUSERINFO) is, byte for byte, the first N bytes of the
 *     pattern every sender uses, N a size some request of the program sent;
 *   - after every application shut down nothing is left (otGetStats).
 * The replay mode's --cover checks that the inputs given make every operation
 * succeed at least once (the corpus in fuzz/corpus/api covers every function).
 *
 * Built three ways:
 *   - with libFuzzer (clang -fsanitize=fuzzer): LLVMFuzzerTestOneInput;
 *   - as a replay program: fuzz_api [--cover] FILE...  runs each file once;
 *   - fuzz_api --random N SEED: N generated programs from a fixed seed (the
 *     test suite runs this, so it is deterministic);
 *   - fuzz_api --write-corpus N SEED DIR: writes to DIR the first of N
 *     generated programs that makes each operation succeed (cover-OP). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentapi.h"
#include "tapi.h"

#define NAPPS 3
#define MAXCALLS 48
#define MAXSTEPS 400
#define MAXREQ MAXSTEPS /* at most one request per step: every one is tracked */
#define NOPS 28
#define LOGMAX 24

/* What the oracle knows of one call handle of an application. */
struct fcall {
    HCALL h;
    DWORD callid;     /* dwCallID: the same for every handle of one call */
    bool live;        /* not deallocated (nor its line closed) */
    bool told;        /* has had a LINE_CALLSTATE */
    unsigned told_at; /* the step of its first LINE_CALLSTATE */
    DWORD state, mode; /* the last LINE_CALLSTATE */
    unsigned nlog;    /* this step's LINE_CALLSTATEs */
    DWORD log[LOGMAX][2];
};

struct fapp {
    HLINEAPP h;
    HLINE lines[6];
    DWORD devs[6];
    unsigned nlines;
    HCALL calls[MAXCALLS];
    struct fcall fc[MAXCALLS];
    unsigned ncalls;
};

static struct fapp apps[NAPPS];
static struct {
    LONG id;
    unsigned app;
    int replies;
    bool exempt; /* its line was closed: the reply may be suppressed */
} reqs[MAXREQ];
static unsigned nreqs, step;
/* Where asynchronous functions write new handles: valid until their reply. */
static HCALL outs[MAXREQ + 1][2];
/* Every UUI sent is the first N bytes of this pattern; sent[N]: N was sent. */
static unsigned char pattern[256];
static bool sent[256];
static const char *const numbers[] = {"100", "101", "102", "103", "200", "201",
                                      "300", "400", "999", "", "1"};

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_api: %s\n", what);
    abort();
}

static DWORD call_id(HCALL h)
{
    LINECALLINFO ci;
    memset(&ci, 0, sizeof(ci));
    ci.dwTotalSize = sizeof(ci);
    return lineGetCallInfo(h, &ci) == 0 ? ci.dwCallID : 0;
}

static struct fcall *find_fc(struct fapp *a, HCALL h)
{
    for (unsigned i = 0; i < a->ncalls; i++)
        if (a->calls[i] == h)
            return &a->fc[i];
    return NULL;
}

static struct fcall *add_call(struct fapp *a, HCALL h)
{
    if (!h)
        return NULL;
    struct fcall *f = find_fc(a, h);
    if (f || a->ncalls >= MAXCALLS)
        return f;
    f = &a->fc[a->ncalls];
    memset(f, 0, sizeof(*f));
    f->h = h;
    f->callid = call_id(h);
    f->live = f->callid != 0;
    a->calls[a->ncalls++] = h;
    return f;
}

static unsigned long stat_ok[NOPS], stat_calls, stat_compared, stat_uui;


/* fmt has exactly two %lu/%lx conversions (a1, a2). */
static void failf(const char *fmt, unsigned app, const struct fcall *f, DWORD a1, DWORD a2)
{
    fprintf(stderr, "fuzz_api: step %u, application %u, call handle %08lx (call id %lu): ", step,
            app, f ? (unsigned long)f->h : 0ul, f ? (unsigned long)f->callid : 0ul);
    fprintf(stderr, fmt, (unsigned long)a1, (unsigned long)a2);
    fprintf(stderr, "\n");
    abort();
}

#define B(s) LINECALLSTATE_##s
/* Is `to` a legal next state after `from` (0: none told yet)?  The states a
 * call may come from, per TAPI (a transfer puts the remaining party in
 * RINGBACK or BUSY from wherever it was in the call). */
static bool legal(DWORD from, DWORD to)
{
    if (!from || from == B(UNKNOWN))
        return true; /* the first state told, or after a late monitor's UNKNOWN */
    if (from == B(IDLE))
        return false;
    if (from == B(DISCONNECTED))
        return to == B(IDLE) || to == B(DISCONNECTED); /* a refined mode */
    if (from == B(BUSY))
        return to == B(DISCONNECTED) || to == B(IDLE);
    const DWORD in_call = B(CONNECTED) | B(ONHOLD) | B(CONFERENCED) | B(ONHOLDPENDTRANSFER);
    DWORD may;
    switch (to) {
    case B(OFFERING):
    case B(DIALTONE):
        return false; /* only ever first */
    case B(ACCEPTED): may = B(OFFERING); break;
    case B(DIALING): may = B(DIALTONE); break;
    case B(PROCEEDING): may = B(DIALING); break;
    case B(RINGBACK):
    case B(BUSY): may = B(DIALING) | B(PROCEEDING) | in_call; break;
    case B(ONHOLD):
    case B(ONHOLDPENDCONF):
    case B(ONHOLDPENDTRANSFER): may = B(CONNECTED); break;
    case B(CONFERENCED): may = B(RINGBACK) | in_call; break;
    case B(CONNECTED): may = ~(DWORD)B(DIALTONE); break;
    default: may = ~(DWORD)0; break; /* DISCONNECTED, IDLE */
    }
    return (may & from) != 0;
}

/* A LINE_CALLSTATE for handle f of application app: legal after its last. */
static void on_state(unsigned app, struct fcall *f, DWORD st, DWORD mode)
{
    if (f->told && f->state == st && f->mode == mode && st != B(CONFERENCED))
        failf("LINE_CALLSTATE %lx (mode %lx) twice in a row", app, f, st, mode);
    if (!legal(f->told ? f->state : 0, st))
        failf("illegal transition from %lx to %lx", app, f, f->state, st);
    if (!f->told) {
        f->told = true;
        f->told_at = step;
    }
    f->state = st;
    f->mode = mode;
    if (f->nlog < LOGMAX) {
        f->log[f->nlog][0] = st;
        f->log[f->nlog][1] = st == B(CONFERENCED) ? 0 : mode; /* the parent is per app */
    }
    f->nlog++;
}

/* After a step: every live handle of one call, told a state before this step,
 * got the same LINE_CALLSTATEs in it. */
static void same_sequences(void)
{
    for (unsigned i = 0; i < NAPPS; i++)
        for (unsigned k = 0; k < apps[i].ncalls; k++) {
            struct fcall *f = &apps[i].fc[k];
            if (!f->live || !f->told || f->told_at >= step || f->nlog > LOGMAX)
                continue;
            for (unsigned j = 0; j < NAPPS; j++)
                for (unsigned q = 0; q < apps[j].ncalls; q++) {
                    struct fcall *g = &apps[j].fc[q];
                    if (g == f || g->callid != f->callid || !g->live || !g->told ||
                        g->told_at >= step || g->nlog > LOGMAX)
                        continue;
                    stat_compared++;
                    if (g->nlog != f->nlog)
                        failf("got %lu LINE_CALLSTATEs in this step, another handle of the call "
                              "got %lu",
                              i, f, f->nlog, g->nlog);
                    for (unsigned n = 0; n < f->nlog; n++)
                        if (f->log[n][0] != g->log[n][0] || f->log[n][1] != g->log[n][1])
                            failf("got state %lx where another handle of the call got %lx", i, f,
                                  f->log[n][0], g->log[n][0]);
                }
        }
    for (unsigned i = 0; i < NAPPS; i++)
        for (unsigned k = 0; k < apps[i].ncalls; k++)
            apps[i].fc[k].nlog = 0;
}

/* A LINE_CALLINFO(USERUSERINFO): the UUI shown is a prefix of the pattern
 * whose size some request sent. */
static void check_uui(unsigned app, struct fcall *f)
{
    union {
        LINECALLINFO ci;
        unsigned char raw[sizeof(LINECALLINFO) + 1024];
    } u;
    memset(&u, 0, sizeof(u));
    u.ci.dwTotalSize = sizeof(u);
    if (lineGetCallInfo(f->h, &u.ci) != 0)
        failf("lineGetCallInfo failed after LINE_CALLINFO(%lx) (%lu)", app, f,
              LINECALLINFOSTATE_USERUSERINFO, 0);
    DWORD n = u.ci.dwUserUserInfoSize;
    if (!n)
        return; /* released meanwhile, or held back until a release */
    stat_uui++;
    if (n >= sizeof(sent) || !sent[n])
        failf("received %lu bytes of UUI, a size nobody sent (limit %lu)", app, f, n,
              (DWORD)sizeof(sent) - 1);
    if ((uint64_t)u.ci.dwUserUserInfoOffset + n > u.ci.dwUsedSize ||
        memcmp(u.raw + u.ci.dwUserUserInfoOffset, pattern, n))
        failf("received UUI of %lu bytes differs from the bytes sent (offset %lu)", app, f, n,
              u.ci.dwUserUserInfoOffset);
}

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
    if (nreqs >= MAXREQ)
        fail("more requests than steps"); /* cannot happen: one request per step */
    reqs[nreqs].id = rc;
    reqs[nreqs].app = app;
    reqs[nreqs].replies = 0;
    reqs[nreqs].exempt = false;
    nreqs++;
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
                if (!found)
                    fail("LINE_REPLY for a request never made");
            } else if (m.dwMessageID == LINE_APPNEWCALL) {
                add_call(&apps[i], (HCALL)m.dwParam2);
            } else if (m.dwMessageID == LINE_CALLSTATE) {
                struct fcall *f = add_call(&apps[i], m.hDevice);
                if (f && f->live)
                    on_state(i, f, (DWORD)m.dwParam1, (DWORD)m.dwParam2);
                if (m.dwParam1 == LINECALLSTATE_CONFERENCED)
                    add_call(&apps[i], (HCALL)m.dwParam2);
            } else if (m.dwMessageID == LINE_CALLINFO &&
                       (m.dwParam1 & LINECALLINFOSTATE_USERUSERINFO)) {
                struct fcall *f = add_call(&apps[i], m.hDevice);
                if (f && f->live)
                    check_uui(i, f);
            }
        }
    }
    same_sequences();
    step++;
}

static void open_lines(unsigned i)
{
    static const DWORD plan[NAPPS][6] = {{0, 8, 12, 3, 0, 0}, {1, 9, 13, 4, 0, 0},
                                         {2, 10, 11, 14, 5, 0}};
    static const unsigned n[NAPPS] = {4, 4, 5};
    struct fapp *a = &apps[i];
    a->nlines = 0;
    for (unsigned k = 0; k <= n[i]; k++) {
        /* its own lines (the first also as monitor), then the next
         * application's first line as a monitor only: every call there has
         * handles in two applications, which the oracle compares */
        DWORD dev = k < n[i] ? plan[i][k] : plan[(i + 1) % NAPPS][0];
        DWORD priv = k == n[i]  ? LINECALLPRIVILEGE_MONITOR
                     : k == 0   ? LINECALLPRIVILEGE_OWNER | LINECALLPRIVILEGE_MONITOR
                                : LINECALLPRIVILEGE_OWNER;
        HLINE hl = 0;
        if (lineOpen(a->h, dev, &hl, 0x00020002, 0, 0, priv, LINEMEDIAMODE_INTERACTIVEVOICE,
                     NULL) == 0) {
            a->lines[a->nlines] = hl;
            a->devs[a->nlines++] = dev;
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
    const unsigned char *uui = pattern;
    for (unsigned i = 0; i < sizeof(pattern); i++)
        pattern[i] = (unsigned char)(i * 37u + 11u);
    memset(sent, 0, sizeof(sent));
    memset(apps, 0, sizeof(apps));
    nreqs = 0;
    step = 0;
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
    for (unsigned steps = 0; cur.n && steps < MAXSTEPS; steps++) {
        unsigned op = next(&cur) % 28, ai = next(&cur) % NAPPS;
        struct fapp *a = &apps[ai];
        HCALL h = pick_state(a, &cur, want1[op]), h2 = pick_state(a, &cur, want2[op]);
        unsigned v = next(&cur);
        DWORD len = (v & 0x80) ? (v & 0x7f) + (v & 1 ? 64 : 0) : 0;
        const char *num = numbers[next(&cur) % (sizeof(numbers) / sizeof(numbers[0]))];
        HLINE hl = a->nlines ? a->lines[v % a->nlines] : 0;
        unsigned slot = nreqs;
        HCALL *o1 = &outs[slot][0], *o2 = &outs[slot][1];
        *o1 = *o2 = 0;
        LINECALLLIST list[4];
        union {
            LINECALLINFO ci;
            unsigned char raw[sizeof(LINECALLINFO) + 512];
        } info;
        LINECALLSTATUS st;
        LONG rc = 0;
        bool op_sync_ok = false; /* a synchronous function that succeeded */
        switch (op) {
        case 0:
        case 1: {
            unsigned char buf[sizeof(LINECALLPARAMS) + sizeof(pattern)];
            LINECALLPARAMS *cp = NULL;
            if (len) {
                memset(buf, 0, sizeof(buf));
                cp = (LINECALLPARAMS *)(void *)buf;
                cp->dwTotalSize = (DWORD)sizeof(buf);
                cp->dwUserUserInfoSize = len;
                cp->dwUserUserInfoOffset = sizeof(LINECALLPARAMS);
                memcpy(buf + sizeof(LINECALLPARAMS), uui, len);
            }
            rc = lineMakeCall(hl, o1, op ? num : NULL, 0, cp);
            break;
        }
        case 2: rc = lineDial(h, num, 0); break;
        case 3: rc = lineAnswer(h, len ? (LPCSTR)uui : NULL, len); break;
        case 4: rc = lineAccept(h, len ? (LPCSTR)uui : NULL, len); break;
        case 5:
        case 6: rc = lineDrop(h, len ? (LPCSTR)uui : NULL, len); break;
        case 7:
            rc = lineDeallocateCall(h);
            op_sync_ok = rc == 0;
            if (rc == 0) {
                struct fcall *f = find_fc(a, h);
                if (f)
                    f->live = false;
            }
            break;
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
            op_sync_ok = lineGetCallInfo(h, &info.ci) == 0;
            memset(&st, 0, sizeof(st));
            st.dwTotalSize = sizeof(st);
            op_sync_ok &= lineGetCallStatus(h, &st) == 0;
            break;
        case 20:
            memset(list, 0, sizeof(list));
            list[0].dwTotalSize = (v & 1) ? sizeof(list) : sizeof(LINECALLLIST);
            op_sync_ok = lineGetConfRelatedCalls(h, list) == 0;
            if (op_sync_ok && list[0].dwCallsNumEntries) {
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
            op_sync_ok = rc == 0;
            break;
        case 22:
            /* close one line and open it again: its handles die, its calls drop */
            if (hl && lineClose(hl) == 0) {
                op_sync_ok = true;
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
            op_sync_ok = otClockAdvance(v * 10u) == 0;
            break;
        }
        /* the UUI sizes the program sent (refused ones too: a size only widens
         * what the oracle accepts) */
        if (op == 0 || op == 1 || op == 3 || op == 4 || op == 5 || op == 6)
            sent[len] = true;
        else if (op == 17)
            sent[len ? len : 1] = true;
        if (rc > 0 || (rc == 0 && op_sync_ok))
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

/* The function each operation calls (--cover and --write-corpus count per
 * function: some have two operations). */
static const char *const op_fn[NOPS] = {
    "lineMakeCall", "lineMakeCall", "lineDial", "lineAnswer", "lineAccept", "lineDrop",
    "lineDrop", "lineDeallocateCall", "lineHold", "lineUnhold", "lineSetupConference",
    "linePrepareAddToConference", "lineAddToConference", "lineRemoveFromConference",
    "lineSetupTransfer", "lineCompleteTransfer", "lineBlindTransfer", "lineSendUserUserInfo",
    "lineReleaseUserUserInfo", "lineGetCallInfo", "lineGetConfRelatedCalls",
    "lineSetCallPrivilege", "lineClose", "otClockAdvance", "lineAnswer", "lineDial",
    "lineAddToConference", "lineCompleteTransfer"};

/* Has some operation calling op_fn[op] succeeded? */
static bool fn_covered(const unsigned long *ok, int op)
{
    for (int i = 0; i < NOPS; i++)
        if (ok[i] && !strcmp(op_fn[i], op_fn[op]))
            return true;
    return false;
}

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
        printf("fuzz_api: %lu random programs ran clean; %lu handle sequences compared, %lu "
               "received UUIs checked; operations that succeeded:",
               n, stat_compared, stat_uui);
        for (int i = 0; i < NOPS; i++)
            printf(" %lu", stat_ok[i]);
        printf("\n");
        return 0;
    }
    if (argc == 5 && !strcmp(argv[1], "--write-corpus")) {
        /* the first generated program that makes each function succeed */
        unsigned long n = strtoul(argv[2], NULL, 10);
        replay_seed(argv[3]);
        unsigned char buf[2048];
        unsigned long before[NOPS];
        int left = 0;
        for (unsigned long i = 0; i < n; i++) {
            size_t len = 64 + replay_rnd() % (sizeof(buf) - 64);
            for (size_t k = 0; k < len; k++)
                buf[k] = (unsigned char)replay_rnd();
            memcpy(before, stat_ok, sizeof(before));
            run(buf, len);
            left = 0;
            for (int op = 0; op < NOPS; op++) {
                if (!fn_covered(stat_ok, op))
                    left++;
                if (!stat_ok[op] || fn_covered(before, op))
                    continue;
                char path[512];
                snprintf(path, sizeof(path), "%s/cover-%s", argv[4], op_fn[op]);
                FILE *f = fopen(path, "wb");
                if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
                    perror(path);
                    return 1;
                }
                printf("%s: program %lu\n", path, i);
                memcpy(before, stat_ok, sizeof(before)); /* one file per function */
            }
            if (!left)
                return 0;
        }
        fprintf(stderr, "fuzz_api: %d functions never succeeded in %lu programs\n", left, n);
        return 1;
    }
    bool cover = argc > 1 && !strcmp(argv[1], "--cover");
    int rc = replay_files("fuzz_api", argc - 1 - cover, argv + 1 + cover, run, 1 << 16);
    if (rc || !cover)
        return rc;
    int missing = 0;
    for (int op = 0; op < NOPS; op++)
        if (!fn_covered(stat_ok, op)) {
            fprintf(stderr, "fuzz_api: no input makes %s succeed\n", op_fn[op]);
            missing++;
        }
    if (missing)
        return 1;
    printf("fuzz_api: the inputs make every function succeed\n");
    return 0;
}
#endif
