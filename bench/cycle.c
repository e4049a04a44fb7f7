/* The call-cycle benchmark on the embedded switch (not a test).
 *
 * One cycle: lineMakeCall -> callee OFFERING -> lineAnswer -> both CONNECTED ->
 * caller lineDrop with 16 bytes of UUI -> callee reads them (lineGetCallInfo)
 * -> callee lineDrop -> both IDLE -> both lineDeallocateCall.  Two USEEVENT
 * applications in one thread, so the figure is for one core.
 *
 * Part 1 runs cycles back to back on one station pair (1,000 .. 1,000,000
 * cycles) and prints cycles per second and ns per cycle for each run: the
 * per-operation cost must not grow with the number of calls processed.
 * Part 2 holds N established calls at once (N = 1,000 .. 100,000 station pairs
 * from a generated configuration), prints the heap bytes per established call
 * (both ends, all library objects) and the cycle cost with N calls standing.
 *
 *   make bench            or   build/bench-cycle [--max-cycles N] [--max-standing N]
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "opentapi.h"
#include "tapi.h"

#define API 0x00020002u

static HLINEAPP app_a, app_b;

static void die(const char *what, LONG rc)
{
    fprintf(stderr, "bench: %s: %s\n", what, otErrorName(rc));
    exit(1);
}

static void init_apps(void)
{
    LINEINITIALIZEEXPARAMS p;
    DWORD n, api = API;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = sizeof(p);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    LONG rc = lineInitializeEx(&app_a, NULL, NULL, "bench-a", &n, &api, &p);
    if (rc)
        die("lineInitializeEx", rc);
    rc = lineInitializeEx(&app_b, NULL, NULL, "bench-b", &n, &api, &p);
    if (rc)
        die("lineInitializeEx", rc);
}

static HLINE open_line(HLINEAPP app, DWORD dev)
{
    HLINE h;
    LONG rc = lineOpen(app, dev, &h, API, 0, 0, LINECALLPRIVILEGE_OWNER,
                       LINEMEDIAMODE_INTERACTIVEVOICE, NULL);
    if (rc)
        die("lineOpen", rc);
    return h;
}

/* Next message of an application, which must be queued already (the switch
 * works synchronously); returns its id and fills m. */
static DWORD next(HLINEAPP app, LINEMESSAGE *m)
{
    LONG rc = lineGetMessage(app, m, 0);
    if (rc)
        die("lineGetMessage (expected a message)", rc);
    return m->dwMessageID;
}

static void drain_until_state(HLINEAPP app, HCALL h, DWORD state)
{
    LINEMESSAGE m;
    for (;;) {
        next(app, &m);
        if (m.dwMessageID == LINE_CALLSTATE && m.hDevice == h && m.dwParam1 == state)
            return;
    }
}

static HCALL wait_offer(HLINEAPP app)
{
    LINEMESSAGE m;
    HCALL h = 0;
    for (;;) {
        next(app, &m);
        if (m.dwMessageID == LINE_APPNEWCALL)
            h = (HCALL)m.dwParam2;
        if (m.dwMessageID == LINE_CALLSTATE && m.dwParam1 == LINECALLSTATE_OFFERING)
            return h;
    }
}

static const unsigned char uui16[16] = "0123456789abcdef";

/* Establish a call from la to number dest answered on b: returns both handles. */
static void establish(HLINE la, const char *dest, HCALL *ha, HCALL *hb)
{
    LINEMESSAGE m;
    LONG req = lineMakeCall(la, ha, dest, 0, NULL);
    if (req <= 0)
        die("lineMakeCall", req);
    next(app_a, &m); /* LINE_REPLY: the switch completes at once */
    if (m.dwMessageID != LINE_REPLY || (LONG)m.dwParam2 != 0)
        die("lineMakeCall reply", (LONG)m.dwParam2);
    *hb = wait_offer(app_b);
    req = lineAnswer(*hb, NULL, 0);
    if (req <= 0)
        die("lineAnswer", req);
    drain_until_state(app_a, *ha, LINECALLSTATE_CONNECTED);
    drain_until_state(app_b, *hb, LINECALLSTATE_CONNECTED);
    next(app_b, &m); /* answer reply */
}

static void teardown(HCALL ha, HCALL hb)
{
    LINEMESSAGE m;
    union {
        LINECALLINFO ci;
        unsigned char raw[sizeof(LINECALLINFO) + 256];
    } u;
    LONG req = lineDrop(ha, (LPCSTR)uui16, sizeof(uui16));
    if (req <= 0)
        die("lineDrop", req);
    drain_until_state(app_a, ha, LINECALLSTATE_IDLE);
    next(app_a, &m); /* drop reply */
    next(app_b, &m); /* LINE_CALLINFO(USERUSERINFO) */
    if (m.dwMessageID != LINE_CALLINFO)
        die("expected LINE_CALLINFO", 0);
    drain_until_state(app_b, hb, LINECALLSTATE_DISCONNECTED);
    u.ci.dwTotalSize = sizeof(u);
    LONG rc = lineGetCallInfo(hb, &u.ci);
    if (rc || u.ci.dwUserUserInfoSize != 16 ||
        memcmp(u.raw + u.ci.dwUserUserInfoOffset, uui16, 16))
        die("far end's UUI", rc);
    req = lineDrop(hb, NULL, 0);
    if (req <= 0)
        die("lineDrop far end", req);
    drain_until_state(app_b, hb, LINECALLSTATE_IDLE);
    next(app_b, &m);
    if ((rc = lineDeallocateCall(ha)) || (rc = lineDeallocateCall(hb)))
        die("lineDeallocateCall", rc);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double run_cycles(HLINE la, const char *dest, unsigned long n)
{
    double t0 = now_s();
    for (unsigned long i = 0; i < n; i++) {
        HCALL ha, hb;
        establish(la, dest, &ha, &hb);
        teardown(ha, hb);
    }
    return now_s() - t0;
}

static size_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

static char *pairs_config(unsigned pairs)
{
    /* caller stations 1..pairs are "c<i>", callees "d<i>"; plus the bench pair. */
    size_t cap = (size_t)pairs * 2 * 64 + 256, len = 0;
    char *s = malloc(cap);
    if (!s)
        die("malloc", 0);
    len += (size_t)snprintf(s + len, cap - len,
                            "[sim]\nno_answer_ms = 0\n[line]\nnumber = a\n[line]\nnumber = b\n");
    for (unsigned i = 0; i < pairs; i++)
        len += (size_t)snprintf(s + len, cap - len, "[line]\nnumber = c%u\n[line]\nnumber = d%u\n",
                                i, i);
    return s;
}

int main(int argc, char **argv)
{
    unsigned long max_cycles = 1000000;
    unsigned max_standing = 100000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--max-cycles"))
            max_cycles = strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--max-standing"))
            max_standing = (unsigned)strtoul(argv[i + 1], NULL, 10);
    }
    printf("opentapi call-cycle benchmark (embedded switch, one thread)\n");
    printf("cycle = make, offered, answer, connected, drop + 16 B UUI, far end reads it,\n"
           "        far end drops, both IDLE, both deallocated\n\n");

    /* Part 1: back-to-back cycles. */
    char *cfg = pairs_config(0);
    otSetConfig(cfg);
    free(cfg);
    init_apps();
    HLINE la = open_line(app_a, 0);
    open_line(app_b, 1);
    run_cycles(la, "b", 1000); /* warm-up */
    printf("%-12s %14s %12s\n", "cycles", "cycles/s", "ns/cycle");
    for (unsigned long n = 1000; n <= max_cycles; n *= 10) {
        double t = run_cycles(la, "b", n);
        printf("%-12lu %14.0f %12.0f\n", n, (double)n / t, t * 1e9 / (double)n);
        fflush(stdout);
    }
    lineShutdown(app_a);
    lineShutdown(app_b);

    /* Part 2: N calls established at once. */
    printf("\n%-12s %16s %16s %12s\n", "standing", "bytes/call", "cycles/s", "ns/cycle");
    for (unsigned n = 1000; n <= max_standing; n *= 10) {
        cfg = pairs_config(n);
        otSetConfig(cfg);
        free(cfg);
        init_apps();
        la = open_line(app_a, 0);
        open_line(app_b, 1);
        HLINE *lc = malloc(sizeof(HLINE) * n);
        HCALL *hc = malloc(sizeof(HCALL) * n * 2);
        char num[24];
        for (unsigned i = 0; i < n; i++) {
            lc[i] = open_line(app_a, 2 + 2 * i);
            open_line(app_b, 3 + 2 * i);
        }
        /* Warm the queues and handle tables to their working size first. */
        run_cycles(la, "b", 1000);
        size_t before = heap_in_use();
        for (unsigned i = 0; i < n; i++) {
            snprintf(num, sizeof(num), "d%u", i);
            establish(lc[i], num, &hc[2 * i], &hc[2 * i + 1]);
        }
        size_t after = heap_in_use();
        unsigned long cycles = 100000;
        double t = run_cycles(la, "b", cycles);
        printf("%-12u %16.0f %16.0f %12.0f\n", n, (double)(after - before) / n,
               (double)cycles / t, t * 1e9 / (double)cycles);
        fflush(stdout);
        for (unsigned i = 0; i < n; i++)
            teardown(hc[2 * i], hc[2 * i + 1]);
        free(lc);
        free(hc);
        lineShutdown(app_a);
        lineShutdown(app_b);
    }
    otSetConfig(NULL);
    OTSTATS st;
    otGetStats(&st);
    if (st.dwCalls || st.dwCallHandles) {
        fprintf(stderr, "bench: objects left behind\n");
        return 1;
    }
    return 0;
}
