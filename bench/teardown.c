/* Standing calls and teardown on the embedded switch (not a test).
 *
 * For N = 10 .. 100,000: application X makes N calls on one station (each in
 * DIALTONE, all standing at once) and never reads its messages.  Printed:
 *   make ns/call   lineMakeCall cost with 0..N calls standing at the station
 *   drop ns/call   lineDrop + lineDeallocateCall of X's last min(N / 2, 1000) calls,
 *                  one after another, the others standing (the close path of
 *                  one call beside N)
 *   cycle ns       cost of one call cycle between two other stations (another
 *                  application, B) while the N calls stand
 *   shutdown ms    lineShutdown(X): every handle destroyed, every call dropped
 *                  (the N - k calls still standing)
 *   ns/call        shutdown time / (N - k)
 *   B max stall    the longest single API call of application B (one thread
 *                  of its own, calling lineGetCallStatus and lineGetMessage in
 *                  a loop) while X's lineShutdown runs on the main thread; on a
 *                  busy machine this includes the times B's thread was not
 *                  scheduled at all (compare with the N = 10 row)
 *   B p99.9        the time 99.9% of those calls stayed under (power of 2)
 *   B ops          how many calls B made during the shutdown
 * Per-call costs must not depend on N, and B must not stall for more than a
 * few milliseconds whatever N is.
 *
 * --sip: X's station is a SIP line (127.0.0.1, a free port; max_calls raised to
 * 100,000, so N stops there) and X's calls are SIP calls in DIALTONE (no
 * INVITE: nothing goes on the network): the SIP provider's bookkeeping of a
 * call (make, drop, close) beside N others.  B stays on the switch.
 *
 *   make bench-teardown    or   build/bench-teardown [--min N] [--max N] [--sip]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "opentapi.h"
#include "tapi.h"

#define API 0x00020002u

static void die(const char *what, LONG rc)
{
    fprintf(stderr, "bench: %s: %s\n", what, otErrorName(rc));
    exit(1);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static HLINEAPP init_app(const char *name)
{
    LINEINITIALIZEEXPARAMS p;
    DWORD n, api = API;
    HLINEAPP h;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = sizeof(p);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    LONG rc = lineInitializeEx(&h, NULL, NULL, name, &n, &api, &p);
    if (rc)
        die("lineInitializeEx", rc);
    return h;
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

static void drain(HLINEAPP app)
{
    LINEMESSAGE m;
    while (lineGetMessage(app, &m, 0) == 0)
        ;
}

/* B: one call cycle between its two lines (make, answer, drop, deallocate). */
static void cycle(HLINEAPP b, HLINE l1)
{
    HCALL h1 = 0, h2 = 0;
    LINEMESSAGE m;
    LONG req = lineMakeCall(l1, &h1, "d", 0, NULL);
    if (req <= 0)
        die("lineMakeCall (B)", req);
    while (!h2) {
        if (lineGetMessage(b, &m, 0))
            die("B: no offer", 0);
        if (m.dwMessageID == LINE_APPNEWCALL)
            h2 = (HCALL)m.dwParam2;
    }
    if ((req = lineAnswer(h2, NULL, 0)) <= 0)
        die("lineAnswer (B)", req);
    if ((req = lineDrop(h1, NULL, 0)) <= 0)
        die("lineDrop (B)", req);
    if ((req = lineDrop(h2, NULL, 0)) <= 0)
        die("lineDrop (B far)", req);
    drain(b);
    LONG rc = lineDeallocateCall(h1);
    if (!rc)
        rc = lineDeallocateCall(h2);
    if (rc)
        die("lineDeallocateCall (B)", rc);
}

static struct {
    HLINEAPP app;
    HCALL call;
    atomic_bool stop, started;
    double max_stall;
    unsigned long ops;
    unsigned long hist[32]; /* ops by duration: bucket k holds [2^k, 2^(k+1)) us */
} probe;

/* The duration that 99.9% of B's operations stayed under (bucket bound). */
static double p999_ms(void)
{
    unsigned long seen = 0, want = probe.ops - probe.ops / 1000;
    for (unsigned k = 0; k < 32; k++) {
        seen += probe.hist[k];
        if (seen >= want)
            return (double)(1ul << (k + 1)) / 1000.0;
    }
    return probe.max_stall * 1e3;
}

/* B's thread: API calls back to back, the longest one remembered. */
static void *probe_main(void *arg)
{
    (void)arg;
    LINECALLSTATUS s;
    LINEMESSAGE m;
    atomic_store(&probe.started, true);
    while (!atomic_load(&probe.stop)) {
        double t0 = now_s();
        memset(&s, 0, sizeof(s));
        s.dwTotalSize = sizeof(s);
        LONG rc = lineGetCallStatus(probe.call, &s);
        if (rc)
            die("lineGetCallStatus (B)", rc);
        (void)lineGetMessage(probe.app, &m, 0);
        double d = now_s() - t0;
        if (d > probe.max_stall)
            probe.max_stall = d;
        unsigned k = 0;
        for (double us = d * 1e6; us >= 2.0 && k < 31; us /= 2.0)
            k++;
        probe.hist[k]++;
        probe.ops++;
    }
    return NULL;
}

/* A UDP port of 127.0.0.1 free now (the kernel's choice). */
static int free_port(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a;
    socklen_t n = sizeof(a);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) ||
        getsockname(s, (struct sockaddr *)&a, &n))
        die("no free UDP port", 0);
    close(s);
    return ntohs(a.sin_port);
}

int main(int argc, char **argv)
{
    unsigned max = 100000, min = 0;
    bool sip = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--sip"))
            sip = true;
        else if (i + 1 < argc && !strcmp(argv[i], "--max"))
            max = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (i + 1 < argc && !strcmp(argv[i], "--min"))
            min = (unsigned)strtoul(argv[++i], NULL, 10);
    }
    /* a: X's station; b..: B's stations (c calls d; b holds B's probe call). */
    char cfg[512];
    if (sip) {
        snprintf(cfg, sizeof(cfg),
                 "[sim]\nno_answer_ms = 0\n[sip]\nmax_calls = 1000000\nmax_invite_rate = 0\n"
                 "[line]\nprovider = sip\nnumber = a\nuri = sip:a@127.0.0.1:%d\n"
                 "max_calls = 100000\n"
                 "[line]\nnumber = b\n[line]\nnumber = c\n[line]\nnumber = d\n",
                 free_port());
        if (max > 100000)
            max = 100000;
    } else
        snprintf(cfg, sizeof(cfg), "[sim]\nno_answer_ms = 0\n"
                                   "[line]\nnumber = a\n[line]\nnumber = b\n[line]\nnumber = c\n"
                                   "[line]\nnumber = d\n");
    otSetConfig(cfg);
    printf("opentapi teardown benchmark (%s; X never reads its messages)\n\n",
           sip ? "X on a SIP line, its calls in DIALTONE; B on the switch" : "embedded switch");
    printf("%-9s %12s %12s %10s %12s %9s %13s %13s %9s\n", "standing", "make ns/call",
           "drop ns/call", "cycle ns", "shutdown ms", "ns/call", "B max stall", "B p99.9",
           "B ops");
    unsigned sizes[] = {10, 1000, 10000, 100000, 1000000};
    for (unsigned si = 0; si < sizeof(sizes) / sizeof(sizes[0]) && sizes[si] <= max; si++) {
        unsigned n = sizes[si];
        if (n < min)
            continue;
        HLINEAPP b = init_app("bench-B");
        HLINE lb = open_line(b, 1), lc = open_line(b, 2);
        open_line(b, 3);
        HLINEAPP x = init_app("bench-X");
        HLINE lx = open_line(x, 0);
        /* B's probe call: a dial tone on b. */
        LONG req = lineMakeCall(lb, &probe.call, NULL, 0, NULL);
        if (req <= 0)
            die("lineMakeCall (probe)", req);
        drain(b);
        unsigned k = n < 2000 ? n / 2 : 1000; /* the calls dropped one by one */
        HCALL *last = malloc(sizeof(HCALL) * k);
        if (!last)
            die("malloc", 0);
        double t0 = now_s();
        for (unsigned i = 0; i < n; i++) {
            HCALL h;
            req = lineMakeCall(lx, &h, NULL, 0, NULL);
            if (req <= 0)
                die("lineMakeCall (X)", req);
            if (i >= n - k)
                last[i - (n - k)] = h; /* valid: the provider completed at once */
        }
        double make = now_s() - t0;
        t0 = now_s();
        for (unsigned i = k; i-- > 0;) {
            req = lineDrop(last[i], NULL, 0);
            if (req <= 0)
                die("lineDrop (X)", req);
            LONG rc = lineDeallocateCall(last[i]);
            if (rc)
                die("lineDeallocateCall (X)", rc);
        }
        double drop = now_s() - t0;
        free(last);
        OTSTATS st;
        otGetStats(&st);
        if (st.dwCalls < n - k)
            die("calls missing", 0);
        unsigned cycles = 2000;
        for (unsigned i = 0; i < 200; i++)
            cycle(b, lc); /* warm-up */
        t0 = now_s();
        for (unsigned i = 0; i < cycles; i++)
            cycle(b, lc);
        double cyc = now_s() - t0;
        /* X's teardown while B's thread works. */
        probe.app = b;
        probe.max_stall = 0;
        probe.ops = 0;
        memset(probe.hist, 0, sizeof(probe.hist));
        atomic_store(&probe.stop, false);
        atomic_store(&probe.started, false);
        pthread_t th;
        if (pthread_create(&th, NULL, probe_main, NULL))
            die("pthread_create", 0);
        while (!atomic_load(&probe.started))
            ;
        t0 = now_s();
        LONG rc = lineShutdown(x);
        double down = now_s() - t0;
        atomic_store(&probe.stop, true);
        pthread_join(th, NULL);
        if (rc)
            die("lineShutdown (X)", rc);
        printf("%-9u %12.0f %12.0f %10.0f %12.2f %9.0f %10.2f ms %10.3f ms %9lu\n", n,
               make * 1e9 / n, drop * 1e9 / k, cyc * 1e9 / cycles, down * 1e3,
               down * 1e9 / (n - k), probe.max_stall * 1e3, p999_ms(), probe.ops);
        fflush(stdout);
        lineShutdown(b);
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
