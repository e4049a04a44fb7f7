/* The call-cycle benchmark through the telephony service (not a test).
 *
 * Starts build/tapisrv with 2*P stations (P up to 8 pairs), then P caller and
 * P callee processes, each a client in its own process.  One cycle: caller
 * lineMakeCall -> callee OFFERING -> lineAnswer -> caller CONNECTED -> caller
 * lineDrop with 16 bytes of UUI -> callee DISCONNECTED (its UUI read) ->
 * callee lineDrop -> both IDLE -> both lineDeallocateCall.
 * Prints, for P = 1 and P = 8: cycles per second for all pairs, CPU per cycle
 * of every process (service and clients), and the time from the caller's
 * lineDrop to the callee's LINE_CALLSTATE(DISCONNECTED) (median, p99), next to
 * the embedded figure of the same cycle (two applications in one process).
 *   make bench-service    or   build/bench-service [--seconds S]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "opentapi.h"
#include "tapi.h"

#define API 0x00020002u
#define MAX_PAIRS 8
#define MAX_SAMPLES 200000

struct shared {
    volatile int stop;
    volatile int fan_ready, fan_got, fan_go;
    volatile int ready[MAX_PAIRS]; /* the callee's line is open */
    volatile uint64_t cycles[MAX_PAIRS];
    volatile uint64_t drop_ns[MAX_PAIRS]; /* the caller's lineDrop time of the current cycle */
    uint32_t nlat;
    uint64_t lat[MAX_SAMPLES];
};
static struct shared *sh;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what, LONG rc)
{
    fprintf(stderr, "bench-service: %s: %s\n", what, otErrorName(rc));
    exit(1);
}

static HLINEAPP init(const char *name)
{
    LINEINITIALIZEEXPARAMS p = {.dwTotalSize = sizeof(p),
                                .dwOptions = LINEINITIALIZEEXOPTION_USEEVENT};
    DWORD n, api = API;
    HLINEAPP h;
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

/* The next message that is a LINE_CALLSTATE in states (others are skipped);
 * returns the state. */
static DWORD wait_states(HLINEAPP app, DWORD states)
{
    for (;;) {
        LINEMESSAGE m;
        LONG rc = lineGetMessage(app, &m, 10000);
        if (rc)
            die("lineGetMessage", rc);
        if (m.dwMessageID == LINE_CALLSTATE && (m.dwParam1 & states))
            return (DWORD)m.dwParam1;
    }
}

/* The next message that is a LINE_CALLSTATE with state (others are skipped). */
static HCALL wait_state(HLINEAPP app, DWORD state, HCALL *newcall)
{
    for (;;) {
        LINEMESSAGE m;
        LONG rc = lineGetMessage(app, &m, 10000);
        if (rc)
            die("lineGetMessage", rc);
        if (m.dwMessageID == LINE_APPNEWCALL && newcall)
            *newcall = (HCALL)m.dwParam2;
        if (m.dwMessageID == LINE_CALLSTATE && m.dwParam1 == state)
            return (HCALL)m.hDevice;
    }
}

static const char uui16[16] = "0123456789abcdef";

static void caller(int pair, bool service)
{
    HLINEAPP a = init("caller");
    HLINE la = open_line(a, (DWORD)(2 * pair));
    char dest[16];
    snprintf(dest, sizeof(dest), "%d", 1000 + 2 * pair + 1);
    while (!sh->ready[pair])
        usleep(1000);
    while (!sh->stop) {
        HCALL h = 0;
        LONG req = lineMakeCall(la, &h, dest, 0, NULL);
        if (req <= 0)
            die("lineMakeCall", req);
        /* The callee may not have deallocated the last call yet: its station is
         * busy then, and the cycle is made again (not counted). */
        if (wait_states(a, LINECALLSTATE_CONNECTED | LINECALLSTATE_BUSY |
                               LINECALLSTATE_DISCONNECTED) != LINECALLSTATE_CONNECTED) {
            lineDrop(h, NULL, 0);
            wait_state(a, LINECALLSTATE_IDLE, NULL);
            lineDeallocateCall(h);
            continue;
        }
        sh->drop_ns[pair] = now_ns();
        if ((req = lineDrop(h, uui16, sizeof(uui16))) <= 0)
            die("lineDrop", req);
        wait_state(a, LINECALLSTATE_IDLE, NULL);
        lineDeallocateCall(h);
        sh->cycles[pair]++;
        if (!service)
            break;
    }
    lineShutdown(a);
}

static void callee(int pair)
{
    HLINEAPP b = init("callee");
    open_line(b, (DWORD)(2 * pair + 1));
    sh->ready[pair] = 1;
    for (;;) {
        HCALL h = 0;
        LINEMESSAGE m;
        LONG rc = lineGetMessage(b, &m, 200);
        if (rc) {
            if (sh->stop)
                break;
            continue;
        }
        if (m.dwMessageID != LINE_APPNEWCALL)
            continue;
        h = (HCALL)m.dwParam2;
        if ((rc = lineAnswer(h, NULL, 0)) <= 0)
            die("lineAnswer", rc);
        wait_state(b, LINECALLSTATE_DISCONNECTED, NULL);
        uint64_t lat = now_ns() - sh->drop_ns[pair];
        uint32_t i = __atomic_fetch_add(&sh->nlat, 1, __ATOMIC_RELAXED);
        if (i < MAX_SAMPLES)
            sh->lat[i] = lat;
        union {
            LINECALLINFO ci;
            unsigned char raw[sizeof(LINECALLINFO) + 256];
        } u = {.ci.dwTotalSize = sizeof(u)};
        if (lineGetCallInfo(h, &u.ci) || u.ci.dwUserUserInfoSize != sizeof(uui16))
            die("UUI", LINEERR_OPERATIONFAILED);
        lineDrop(h, NULL, 0);
        wait_state(b, LINECALLSTATE_IDLE, NULL);
        lineDeallocateCall(h);
    }
    lineShutdown(b);
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

static double cpu_s(const struct rusage *r)
{
    return (double)r->ru_utime.tv_sec + (double)r->ru_utime.tv_usec / 1e6 +
           (double)r->ru_stime.tv_sec + (double)r->ru_stime.tv_usec / 1e6;
}

static const char *config_path(int pairs)
{
    static char path[64];
    snprintf(path, sizeof(path), "/tmp/bench-service-%d.conf", (int)getpid());
    FILE *f = fopen(path, "w");
    if (!f)
        die("config", LINEERR_OPERATIONFAILED);
    for (int i = 0; i < 2 * pairs; i++)
        fprintf(f, "[line]\nname = S%d\nnumber = %d\n", 1000 + i, 1000 + i);
    fclose(f);
    return path;
}

/* tapisrv on a socket of ours with the configuration conf; returns its pid
 * once it accepts clients, the address for OPENTAPI_SERVER in addr. */
static pid_t start_service(const char *srvbin, const char *conf, char *addr, size_t n)
{
    static char sock[64];
    snprintf(sock, sizeof(sock), "/tmp/bench-service-%d.sock", (int)getpid());
    snprintf(addr, n, "unix:%s", sock);
    int ready[2];
    if (pipe(ready))
        exit(1);
    fflush(stdout);
    pid_t srv = fork();
    if (srv == 0) {
        char fd[8];
        snprintf(fd, sizeof(fd), "%d", ready[1]);
        close(ready[0]);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        execl(srvbin, srvbin, "--socket", sock, "--config", conf, "--ready-fd", fd, (char *)NULL);
        _exit(127);
    }
    close(ready[1]);
    char w[8];
    if (read(ready[0], w, sizeof(w)) <= 0) {
        fprintf(stderr, "bench-service: %s did not start\n", srvbin);
        exit(1);
    }
    close(ready[0]);
    return srv;
}

static void run(int pairs, double seconds, const char *srvbin)
{
    const char *conf = config_path(MAX_PAIRS);
    char addr[80];
    pid_t srv = start_service(srvbin, conf, addr, sizeof(addr));
    memset((void *)sh, 0, sizeof(*sh));
    pid_t kids[2 * MAX_PAIRS];
    for (int i = 0; i < 2 * pairs; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            setenv("OPENTAPI_SERVER", addr, 1);
            if (i % 2)
                caller(i / 2, true);
            else
                callee(i / 2);
            _exit(0);
        }
    }
    uint64_t t0 = now_ns();
    usleep((useconds_t)(seconds * 1e6));
    uint64_t done = 0;
    for (int i = 0; i < pairs; i++)
        done += sh->cycles[i];
    double elapsed = (double)(now_ns() - t0) / 1e9;
    sh->stop = 1;
    for (int i = 0; i < 2 * pairs; i++)
        waitpid(kids[i], NULL, 0);
    kill(srv, SIGTERM);
    waitpid(srv, NULL, 0);
    unlink(conf);
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    static double cpu_before;
    double cpu = cpu_s(&ru) - cpu_before;
    cpu_before = cpu_s(&ru);
    uint32_t n = sh->nlat < MAX_SAMPLES ? sh->nlat : MAX_SAMPLES;
    qsort(sh->lat, n, sizeof(sh->lat[0]), cmp_u64);
    printf("service, %d pair%s: %8.0f cycles/s  %6.1f us CPU/cycle (all processes)  "
           "drop->DISCONNECTED median %5.1f us  p99 %6.1f us  (%llu cycles)\n",
           pairs, pairs == 1 ? " " : "s", (double)done / elapsed,
           done ? cpu / (double)done * 1e6 : 0.0, n ? (double)sh->lat[n / 2] / 1e3 : 0.0,
           n ? (double)sh->lat[n * 99 / 100] / 1e3 : 0.0, (unsigned long long)done);
}

static void embedded(double seconds)
{
    /* The same cycle, both applications in this process, one thread. */
    const char *conf = config_path(1);
    setenv("OPENTAPI_CONFIG", conf, 1);
    unsetenv("OPENTAPI_SERVER");
    HLINEAPP a = init("caller"), b = init("callee");
    HLINE la = open_line(a, 0);
    open_line(b, 1);
    uint64_t t0 = now_ns(), n = 0;
    struct rusage r0, r1;
    getrusage(RUSAGE_SELF, &r0);
    while (now_ns() - t0 < (uint64_t)(seconds * 1e9)) {
        HCALL h = 0, hb = 0;
        lineMakeCall(la, &h, "1001", 0, NULL);
        wait_state(b, LINECALLSTATE_OFFERING, &hb);
        lineAnswer(hb, NULL, 0);
        wait_state(a, LINECALLSTATE_CONNECTED, NULL);
        lineDrop(h, uui16, sizeof(uui16));
        wait_state(b, LINECALLSTATE_DISCONNECTED, NULL);
        lineDrop(hb, NULL, 0);
        wait_state(a, LINECALLSTATE_IDLE, NULL);
        wait_state(b, LINECALLSTATE_IDLE, NULL);
        lineDeallocateCall(h);
        lineDeallocateCall(hb);
        /* Drain replies. */
        LINEMESSAGE m;
        while (lineGetMessage(a, &m, 0) == 0) {
        }
        while (lineGetMessage(b, &m, 0) == 0) {
        }
        n++;
    }
    getrusage(RUSAGE_SELF, &r1);
    double el = (double)(now_ns() - t0) / 1e9;
    printf("embedded, 1 pair:  %8.0f cycles/s  %6.1f us CPU/cycle\n", (double)n / el,
           (cpu_s(&r1) - cpu_s(&r0)) / (double)n * 1e6);
    lineShutdown(a);
    lineShutdown(b);
    unlink(conf);
    unsetenv("OPENTAPI_CONFIG");
}

static long rss_kb(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long kb = -1;
    while (f && fgets(line, sizeof(line), f))
        if (!strncmp(line, "VmRSS:", 6))
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

/* N client processes, each with line 1001 open as monitor; one call to 1001 is
 * answered and dropped: every monitor must get its DISCONNECTED. */
static void fanout(int n, const char *srvbin)
{
    const char *conf = config_path(1);
    char addr[80];
    pid_t srv = start_service(srvbin, conf, addr, sizeof(addr));
    long rss0 = rss_kb(srv);
    memset((void *)sh, 0, sizeof(*sh));
    pid_t *kids = calloc((size_t)n + 2, sizeof(*kids));
    for (int i = 0; i < n; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            setenv("OPENTAPI_SERVER", addr, 1);
            HLINEAPP m = init("monitor");
            HLINE l;
            LONG rc = lineOpen(m, 1, &l, API, 0, 0, LINECALLPRIVILEGE_MONITOR,
                               LINEMEDIAMODE_INTERACTIVEVOICE, NULL);
            if (rc)
                die("lineOpen monitor", rc);
            __atomic_fetch_add(&sh->fan_ready, 1, __ATOMIC_SEQ_CST);
            wait_state(m, LINECALLSTATE_DISCONNECTED, NULL);
            __atomic_fetch_add(&sh->fan_got, 1, __ATOMIC_SEQ_CST);
            lineShutdown(m);
            _exit(0);
        }
        if (kids[i] < 0) {
            fprintf(stderr, "bench-service: fork %d: %s\n", i, strerror(errno));
            exit(1);
        }
    }
    uint64_t t = now_ns();
    while (sh->fan_ready < n && now_ns() - t < 120000000000ull)
        usleep(10000);
    long rss1 = rss_kb(srv);
    /* The call: callee answers 1001, caller drops. */
    kids[n] = fork();
    if (kids[n] == 0) {
        setenv("OPENTAPI_SERVER", addr, 1);
        callee(0);
        _exit(0);
    }
    kids[n + 1] = fork();
    if (kids[n + 1] == 0) {
        setenv("OPENTAPI_SERVER", addr, 1);
        caller(0, false);
        _exit(0);
    }
    waitpid(kids[n + 1], NULL, 0);
    uint64_t t_drop = sh->drop_ns[0];
    while (sh->fan_got < n && now_ns() - t_drop < 60000000000ull)
        usleep(1000);
    uint64_t t_all = now_ns();
    sh->stop = 1;
    for (int i = 0; i <= n; i++)
        waitpid(kids[i], NULL, 0);
    kill(srv, SIGTERM);
    waitpid(srv, NULL, 0);
    unlink(conf);
    printf("fanout: %d monitor clients, %d got the DISCONNECTED of the dropped call, the last "
           "%.1f ms after lineDrop; service memory %.1f KiB per connected client (RSS %ld -> "
           "%ld KiB)\n",
           n, sh->fan_got, (double)(t_all - t_drop) / 1e6, (double)(rss1 - rss0) / n, rss0,
           rss1);
    free(kids);
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--fanout")) {
        char srv[1100];
        ssize_t k = readlink("/proc/self/exe", srv, sizeof(srv) - 20);
        if (k <= 0)
            return 1;
        srv[k] = '\0';
        strcpy(strrchr(srv, '/') + 1, "tapisrv");
        sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        fanout(atoi(argv[2]), srv);
        return 0;
    }
    double seconds = 5;
    if (argc == 3 && !strcmp(argv[1], "--seconds"))
        seconds = atof(argv[2]);
    char srvbin[1100];
    ssize_t k = readlink("/proc/self/exe", srvbin, sizeof(srvbin) - 20);
    if (k <= 0)
        return 1;
    srvbin[k] = '\0';
    strcpy(strrchr(srvbin, '/') + 1, "tapisrv");
    sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        return 1;
    if (!getenv("BENCH_NO_EMBEDDED"))
        embedded(seconds);
    fflush(stdout);
    run(1, seconds, srvbin);
    run(8, seconds, srvbin);
    return 0;
}
