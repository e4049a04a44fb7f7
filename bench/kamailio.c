/* The Kamailio provider's benchmark program (bench/kamailio.sh runs it with
 * Kamailio and the SIPp phones; not a test).
 *
 * One application opens alice's and bob's lines (provider kamailio) as owner
 * and handles every message: each call alice's phone makes is two TAPI calls
 * (one per line).  When alice's call is CONNECTED, a share of the calls is
 * dropped (lineDrop with 5 bytes of UUI); the time from lineDrop to its
 * LINE_REPLY is recorded: the provider posts that reply only once Kamailio
 * has answered both BYE commands (tm.t_uac_start answers after sending its
 * request), so it is the time until both BYEs are on the wire.  Every IDLE
 * call is deallocated.  The program ends when alice's line has seen N calls
 * go IDLE and prints: messages handled and per second, drops, the drop
 * latency (median, p99, max), and its own CPU time per call.
 *
 *   bench-kamailio --evapi PORT --calls N [--share PERCENT] [--timeout S]
 * It prints "ready" once the lines are in service. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "opentapi.h"
#include "tapi.h"

#define API 0x00020002u

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void die(const char *what, LONG rc)
{
    fprintf(stderr, "bench-kamailio: %s: %s\n", what, otErrorName(rc));
    exit(1);
}

int main(int argc, char **argv)
{
    int evport = 0;
    long calls = 0, share = 50, timeout_s = 600;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--evapi"))
            evport = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--calls"))
            calls = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--share"))
            share = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--timeout"))
            timeout_s = atol(argv[i + 1]);
    }
    if (evport <= 0 || evport > 65535 || calls <= 0 || calls > 10000000 || share < 0 ||
        share > 100 || timeout_s <= 0) {
        fprintf(stderr, "usage: bench-kamailio --evapi PORT --calls N [--share PERCENT] "
                        "[--timeout S]\n");
        return 2;
    }
    char conf[600];
    snprintf(conf, sizeof(conf),
             "[kamailio]\nevapi = 127.0.0.1:%d\n"
             "[line]\nprovider = kamailio\nnumber = alice\nuri = sip:alice@127.0.0.1\n"
             "[line]\nprovider = kamailio\nnumber = bob\nuri = sip:bob@127.0.0.1\n",
             evport);
    LONG rc = otSetConfig(conf);
    if (rc)
        die("otSetConfig", rc);
    HLINEAPP app;
    DWORD ndev, api = API;
    LINEINITIALIZEEXPARAMS ip;
    memset(&ip, 0, sizeof(ip));
    ip.dwTotalSize = sizeof(ip);
    ip.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    if ((rc = lineInitializeEx(&app, NULL, NULL, "bench-kamailio", &ndev, &api, &ip)))
        die("lineInitializeEx", rc);
    HLINE la, lb;
    if ((rc = lineOpen(app, 0, &la, API, 0, 0, LINECALLPRIVILEGE_OWNER,
                       LINEMEDIAMODE_INTERACTIVEVOICE, NULL)))
        die("lineOpen alice", rc);
    if ((rc = lineOpen(app, 1, &lb, API, 0, 0, LINECALLPRIVILEGE_OWNER,
                       LINEMEDIAMODE_INTERACTIVEVOICE, NULL)))
        die("lineOpen bob", rc);
    lineSetStatusMessages(la, LINEDEVSTATE_INSERVICE, 0);
    LINEDEVSTATUS ds;
    memset(&ds, 0, sizeof(ds));
    ds.dwTotalSize = sizeof(ds);
    lineGetLineDevStatus(la, &ds);
    LINEMESSAGE m;
    double deadline = now_ms() + (double)timeout_s * 1e3;
    while (!(ds.dwDevStatusFlags & LINEDEVSTATUSFLAGS_INSERVICE)) {
        if (lineGetMessage(app, &m, 1000) == 0 && m.dwMessageID == LINE_LINEDEVSTATE)
            break;
        if (now_ms() > deadline)
            die("waiting for the lines to be in service", LINEERR_OPERATIONFAILED);
        lineGetLineDevStatus(la, &ds);
    }
    printf("ready\n");
    fflush(stdout);

    size_t cap = (size_t)calls * 2 + 16;
    LONG *req_id = calloc(cap, sizeof(LONG));
    double *req_t0 = calloc(cap, sizeof(double));
    double *lat = calloc(cap, sizeof(double));
    if (!req_id || !req_t0 || !lat)
        die("out of memory", LINEERR_NOMEM);
    size_t nreq = 0, nlat = 0;
    long connected = 0, idle_a = 0, drop_failed = 0;
    unsigned long messages = 0;
    double t_first = 0, t_last = 0, cpu0 = cpu_ms();
    while (idle_a < calls) {
        if (now_ms() > deadline) {
            fprintf(stderr, "bench-kamailio: timeout with %ld of %ld calls done\n", idle_a, calls);
            break;
        }
        if (lineGetMessage(app, &m, 1000) != 0)
            continue;
        messages++;
        t_last = now_ms();
        if (!t_first)
            t_first = t_last;
        HCALL h = (HCALL)m.hDevice;
        if (m.dwMessageID == LINE_CALLSTATE && m.dwParam1 == LINECALLSTATE_CONNECTED) {
            LINECALLINFO ci;
            memset(&ci, 0, sizeof(ci));
            ci.dwTotalSize = sizeof(ci);
            if (lineGetCallInfo(h, &ci) == 0 && ci.hLine == la) {
                connected++;
                if (connected * share / 100 != (connected - 1) * share / 100 && nreq < cap) {
                    static const unsigned char uui[] = {0x04, 'd', 'r', 'o', 'p'};
                    double t0 = now_ms();
                    LONG id = lineDrop(h, (LPCSTR)uui, sizeof(uui));
                    if (id > 0) {
                        req_id[nreq] = id;
                        req_t0[nreq++] = t0;
                    } else
                        drop_failed++;
                }
            }
        } else if (m.dwMessageID == LINE_CALLSTATE && m.dwParam1 == LINECALLSTATE_IDLE) {
            LINECALLINFO ci;
            memset(&ci, 0, sizeof(ci));
            ci.dwTotalSize = sizeof(ci);
            if (lineGetCallInfo(h, &ci) == 0 && ci.hLine == la)
                idle_a++;
            lineDeallocateCall(h);
        } else if (m.dwMessageID == LINE_REPLY) {
            for (size_t i = nreq; i-- > 0;)
                if (req_id[i] == (LONG)m.dwParam1) {
                    if (m.dwParam2 == 0)
                        lat[nlat++] = t_last - req_t0[i];
                    else
                        drop_failed++;
                    req_id[i] = 0;
                    break;
                }
        }
    }
    double cpu = cpu_ms() - cpu0, wall = t_last - t_first;
    qsort(lat, nlat, sizeof(double), cmp_double);
    printf("calls %ld, connected %ld, messages %lu in %.3f s: %.0f messages/s\n", idle_a,
           connected, messages, wall / 1e3, wall > 0 ? (double)messages / (wall / 1e3) : 0.0);
    printf("drops %zu ok, %ld failed; lineDrop -> both BYEs sent: median %.3f ms, p99 %.3f ms, "
           "max %.3f ms\n",
           nlat, drop_failed, nlat ? lat[nlat / 2] : 0.0,
           nlat ? lat[(size_t)((double)(nlat - 1) * 0.99)] : 0.0, nlat ? lat[nlat - 1] : 0.0);
    printf("opentapi CPU %.1f ms: %.3f ms per call\n", cpu, idle_a ? cpu / (double)idle_a : 0.0);
    lineShutdown(app);
    free(req_id);
    free(req_t0);
    free(lat);
    return idle_a == calls && drop_failed == 0 ? 0 : 1;
}
