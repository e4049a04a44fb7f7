/* tapi monitor [--json] [--count N] [LINE...]: opens lines as monitor and
 * prints every message as it comes, one line each (a timeline, or one JSON
 * object per line for scripts).  LINE is a device number or a line's address;
 * none means every line.  With OPENTAPI_SERVER it watches the telephony
 * service's lines, and so the calls of every other application.
 * Uses the public API only. */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "opentapi.h"
#include "tapi.h"
#include "tapi_tool.h"

#define API 0x00020002u

struct mon {
    HLINEAPP app;
    DWORD ndevs;
    bool json;
    char (*numbers)[64]; /* per device */
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void device_number(HLINEAPP app, DWORD dev, char *out, size_t n)
{
    union {
        LINEADDRESSCAPS ac;
        unsigned char raw[sizeof(LINEADDRESSCAPS) + 512];
    } u;
    memset(&u, 0, sizeof(u));
    u.ac.dwTotalSize = sizeof(u);
    out[0] = '\0';
    if (lineGetAddressCaps(app, dev, 0, API, 0, &u.ac) == 0 && u.ac.dwAddressSize)
        snprintf(out, n, "%.*s", (int)u.ac.dwAddressSize - 1,
                 (const char *)u.raw + u.ac.dwAddressOffset);
}

/* The call's ids and received UUI (hex), for the first sight and for UUI. */
struct callview {
    char caller[64], called[64], uui[520];
    DWORD call_id;
};
static void view_call(HCALL h, struct callview *v)
{
    union {
        LINECALLINFO ci;
        unsigned char raw[sizeof(LINECALLINFO) + 2048];
    } u;
    memset(&u, 0, sizeof(u));
    memset(v, 0, sizeof(*v));
    u.ci.dwTotalSize = sizeof(u);
    if (lineGetCallInfo(h, &u.ci) != 0)
        return;
    v->call_id = u.ci.dwCallID;
    if (u.ci.dwCallerIDSize)
        snprintf(v->caller, sizeof(v->caller), "%.*s", (int)u.ci.dwCallerIDSize - 1,
                 (const char *)u.raw + u.ci.dwCallerIDOffset);
    if (u.ci.dwCalledIDSize)
        snprintf(v->called, sizeof(v->called), "%.*s", (int)u.ci.dwCalledIDSize - 1,
                 (const char *)u.raw + u.ci.dwCalledIDOffset);
    for (DWORD i = 0; i < u.ci.dwUserUserInfoSize && i < 256; i++)
        snprintf(v->uui + 2 * i, 3, "%02x", u.raw[u.ci.dwUserUserInfoOffset + i]);
}

static void print(struct mon *m, const LINEMESSAGE *x)
{
    DWORD dev = (DWORD)x->dwCallbackInstance;
    const char *number = dev < m->ndevs ? m->numbers[dev] : "?";
    HCALL call = x->dwMessageID == LINE_APPNEWCALL ? (HCALL)x->dwParam2 : (HCALL)x->hDevice;
    char name[40];
    snprintf(name, sizeof(name), "LINE_%s", otMessageName(x->dwMessageID));
    char detail[160] = "";
    struct callview v;
    bool have_view = false;
    if (x->dwMessageID == LINE_CALLSTATE) {
        const char *mode = otCallStateModeName((DWORD)x->dwParam1, (DWORD)x->dwParam2);
        snprintf(detail, sizeof(detail), "%s%s%s", otCallStateName((DWORD)x->dwParam1),
                 *mode ? " " : "", mode);
        have_view = true;
    } else if (x->dwMessageID == LINE_CALLINFO) {
        tapi_info_names((DWORD)x->dwParam1, detail, sizeof(detail));
        if (!detail[0])
            snprintf(detail, sizeof(detail), "0x%x", (unsigned)x->dwParam1);
        have_view = true;
    } else if (x->dwMessageID == LINE_APPNEWCALL) {
        have_view = true;
    }
    if (have_view)
        view_call(call, &v);
    if (m->json) {
        printf("{\"time_ms\":%llu,\"msg\":", (unsigned long long)now_ms());
        json_str(stdout, name);
        printf(",\"device\":%u,\"number\":", (unsigned)dev);
        json_str(stdout, number);
        if (have_view) {
            printf(",\"call\":\"%08x\",\"call_id\":%u,\"caller\":", (unsigned)call,
                   (unsigned)v.call_id);
            json_str(stdout, v.caller);
            printf(",\"called\":");
            json_str(stdout, v.called);
        }
        if (x->dwMessageID == LINE_CALLSTATE) {
            printf(",\"state\":");
            json_str(stdout, otCallStateName((DWORD)x->dwParam1));
            printf(",\"mode\":");
            json_str(stdout, otCallStateModeName((DWORD)x->dwParam1, (DWORD)x->dwParam2));
        } else if (x->dwMessageID == LINE_CALLINFO) {
            printf(",\"info\":");
            json_str(stdout, detail);
        }
        if (have_view && v.uui[0])
            printf(",\"uui\":\"%s\"", v.uui);
        printf(",\"p1\":%lu,\"p2\":%lu,\"p3\":%lu}\n", (unsigned long)x->dwParam1,
               (unsigned long)x->dwParam2, (unsigned long)x->dwParam3);
    } else {
        printf("%-8s %-16s call %08x%s%s", number, name, (unsigned)call, detail[0] ? "  " : "",
               detail);
        if (x->dwMessageID == LINE_APPNEWCALL || (x->dwMessageID == LINE_CALLSTATE &&
                                                   x->dwParam1 == LINECALLSTATE_UNKNOWN))
            printf("  from \"%s\" to \"%s\"", v.caller, v.called);
        if (x->dwMessageID == LINE_CALLINFO && (x->dwParam1 & LINECALLINFOSTATE_USERUSERINFO))
            printf("  UUI %s", v.uui);
        printf("\n");
    }
    fflush(stdout);
}

/* Calls already up when the line was opened (lineGetNewCalls gives monitor
 * handles to them): each is shown as a LINE_CALLSTATE with its current state. */
static void existing_calls(struct mon *m, HLINE hl, DWORD dev)
{
    union {
        LINECALLLIST cl;
        unsigned char raw[sizeof(LINECALLLIST) + 256 * sizeof(HCALL)];
    } u;
    memset(&u, 0, sizeof(u));
    u.cl.dwTotalSize = sizeof(u);
    if (lineGetNewCalls(hl, 0, LINECALLSELECT_LINE, &u.cl) != 0)
        return;
    for (DWORD i = 0; i < u.cl.dwCallsNumEntries && i < 256; i++) {
        HCALL h;
        memcpy(&h, u.raw + u.cl.dwCallsOffset + i * sizeof(HCALL), sizeof(h));
        LINECALLSTATUS st;
        memset(&st, 0, sizeof(st));
        st.dwTotalSize = sizeof(st);
        if (lineGetCallStatus(h, &st) != 0)
            continue;
        LINEMESSAGE x = {h, LINE_CALLSTATE, dev, st.dwCallState, st.dwCallStateMode,
                         LINECALLPRIVILEGE_MONITOR};
        print(m, &x);
        if (st.dwCallState == LINECALLSTATE_IDLE)
            lineDeallocateCall(h);
    }
}

static int usage(FILE *f)
{
    fprintf(f, "usage: tapi monitor [--json] [--count N] [LINE...]\n"
               "Opens the lines (device numbers or addresses; none: every line) as monitor\n"
               "and prints every message as it comes: a timeline, or with --json one JSON\n"
               "object per line. --count N: exit after N messages. Ends on SIGINT/SIGTERM.\n"
               "With OPENTAPI_SERVER=unix:PATH it watches the telephony service's lines:\n"
               "the calls of every application on the machine (docs/service.md).\n");
    return f == stderr ? 2 : 0;
}

int tapi_cmd_monitor(int argc, char **argv)
{
    struct mon m = {0};
    long count = -1;
    int first_line = argc;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return usage(stdout);
        if (!strcmp(argv[i], "--json"))
            m.json = true;
        else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
            char *end;
            count = strtol(argv[++i], &end, 10);
            if (*end || count <= 0)
                return usage(stderr);
        } else if (argv[i][0] == '-')
            return usage(stderr);
        else {
            first_line = i;
            break;
        }
    }
    /* Signals first, so that no thread of the library takes them. */
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &mask, NULL);
    int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
    LINEINITIALIZEEXPARAMS p = {.dwTotalSize = sizeof(p),
                                .dwOptions = LINEINITIALIZEEXOPTION_USEEVENT};
    DWORD api = API;
    LONG rc = lineInitializeEx(&m.app, NULL, NULL, "tapi monitor", &m.ndevs, &api, &p);
    if (rc) {
        fprintf(stderr, "tapi monitor: lineInitializeEx: %s\n", otErrorName(rc));
        return 1;
    }
    int efd = (int)(intptr_t)p.Handles.hEvent;
    m.numbers = calloc(m.ndevs ? m.ndevs : 1, sizeof(*m.numbers));
    for (DWORD d = 0; m.numbers && d < m.ndevs; d++)
        device_number(m.app, d, m.numbers[d], sizeof(m.numbers[d]));
    unsigned opened = 0;
    int status = 0;
    for (DWORD d = 0; m.numbers && d < m.ndevs; d++) {
        bool want = first_line == argc;
        for (int i = first_line; i < argc && !want; i++) {
            char *end;
            unsigned long n = strtoul(argv[i], &end, 10);
            want = (!*end && n == d) || !strcmp(argv[i], m.numbers[d]);
        }
        if (!want)
            continue;
        HLINE hl;
        rc = lineOpen(m.app, d, &hl, API, 0, d, LINECALLPRIVILEGE_MONITOR,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL);
        if (rc) {
            fprintf(stderr, "tapi monitor: line %u (%s): %s\n", (unsigned)d, m.numbers[d],
                    otErrorName(rc));
            status = 1;
        } else {
            opened++;
            existing_calls(&m, hl, d);
        }
    }
    for (int i = first_line; i < argc; i++) { /* every name must have matched */
        bool found = false;
        for (DWORD d = 0; m.numbers && d < m.ndevs && !found; d++) {
            char *end;
            unsigned long n = strtoul(argv[i], &end, 10);
            found = (!*end && n == d) || !strcmp(argv[i], m.numbers[d]);
        }
        if (!found) {
            fprintf(stderr, "tapi monitor: no line %s\n", argv[i]);
            status = 1;
        }
    }
    if (!opened || status) {
        lineShutdown(m.app);
        free(m.numbers);
        return 1;
    }
    if (!m.json)
        fprintf(stderr, "tapi monitor: watching %u line%s\n", opened, opened == 1 ? "" : "s");
    if (m.json) {
        printf("{\"msg\":\"ready\",\"lines\":%u}\n", opened);
        fflush(stdout);
    }
    for (long seen = 0; count < 0 || seen < count;) {
        struct pollfd pf[2] = {{efd, POLLIN, 0}, {sfd, POLLIN, 0}};
        if (poll(pf, 2, -1) < 0)
            continue;
        if (pf[1].revents)
            break;
        LINEMESSAGE x;
        while ((count < 0 || seen < count) && lineGetMessage(m.app, &x, 0) == 0) {
            print(&m, &x);
            seen++;
            if (x.dwMessageID == LINE_LINEDEVSTATE && x.dwParam1 == LINEDEVSTATE_REINIT) {
                fprintf(stderr, "tapi monitor: the telephony service went away\n");
                count = seen; /* stop */
                status = 1;
            }
            /* A monitor's handle is its to free once the call is over. */
            if (x.dwMessageID == LINE_CALLSTATE && x.dwParam1 == LINECALLSTATE_IDLE)
                lineDeallocateCall((HCALL)x.hDevice);
        }
    }
    lineShutdown(m.app);
    free(m.numbers);
    close(sfd);
    return status;
}
