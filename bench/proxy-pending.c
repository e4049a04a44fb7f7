/* bench/proxy-pending.c - the bound on requests pending at an ACD proxy
 * (docs/robustness.md, ACD proxies that do not answer).
 *
 *   build/bench-proxy-pending N [--unbounded]
 *
 * One application makes N lineSetAgentState requests on device 0, whose
 * proxy (another application of this process) never answers; prints how many
 * were taken and refused (LINEERR_RESOURCEUNAVAIL) and the heap they took
 * (mallinfo2, in use before and after).  --unbounded sets both [proxy] bounds
 * to their largest value, 65,536: what the library did before the bounds, up
 * to that count. */
#define _GNU_SOURCE
#include <malloc.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentapi.h"
#include "tapi.h"

static HLINEAPP init(const char *name)
{
    LINEINITIALIZEEXPARAMS p;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = sizeof(p);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    HLINEAPP h = 0;
    DWORD n = 0, api = 0x00020002;
    LONG rc = lineInitializeEx(&h, NULL, NULL, name, &n, &api, &p);
    if (rc) {
        fprintf(stderr, "lineInitializeEx: %s\n", otErrorName(rc));
        exit(1);
    }
    return h;
}

struct proxy_params {
    LINECALLPARAMS cp;
    DWORD type;
};

int main(int argc, char **argv)
{
    if (argc < 2 || atoi(argv[1]) <= 0 || (argc > 2 && strcmp(argv[2], "--unbounded"))) {
        fprintf(stderr, "usage: bench-proxy-pending N [--unbounded]\n");
        return 2;
    }
    unsigned n = (unsigned)atoi(argv[1]);
    if (argc > 2) {
        const char *def = otDefaultConfig();
        size_t len = strlen(def) + 128;
        char *text = malloc(len);
        if (!text)
            return 1;
        snprintf(text, len, "%s[proxy]\nmax_app_requests = 65536\nmax_requests = 65536\n", def);
        LONG rc = otSetConfig(text);
        free(text);
        if (rc)
            return 1;
    }
    HLINEAPP p = init("proxy"), a = init("agent");
    struct proxy_params pp;
    memset(&pp, 0, sizeof(pp));
    pp.cp.dwTotalSize = sizeof(pp);
    pp.type = LINEPROXYREQUEST_SETAGENTSTATE;
    pp.cp.dwDevSpecificSize = sizeof(DWORD);
    pp.cp.dwDevSpecificOffset = offsetof(struct proxy_params, type);
    HLINE pl = 0, la = 0;
    LONG rc = lineOpen(p, 0, &pl, 0x00020002, 0, 0, LINECALLPRIVILEGE_OWNER | LINEOPENOPTION_PROXY,
                       LINEMEDIAMODE_INTERACTIVEVOICE, &pp.cp);
    if (!rc)
        rc = lineOpen(a, 0, &la, 0x00020000, 0, 0, LINECALLPRIVILEGE_NONE,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL);
    if (rc) {
        fprintf(stderr, "lineOpen: %s\n", otErrorName(rc));
        return 1;
    }
    struct mallinfo2 m0 = mallinfo2();
    unsigned taken = 0, refused = 0, other = 0;
    for (unsigned i = 0; i < n; i++) {
        LONG r = lineSetAgentState(la, 0, LINEAGENTSTATE_READY, 0);
        if (r > 0)
            taken++;
        else if (r == (LONG)LINEERR_RESOURCEUNAVAIL)
            refused++;
        else
            other++;
    }
    struct mallinfo2 m1 = mallinfo2();
    size_t grew = m1.uordblks > m0.uordblks ? m1.uordblks - m0.uordblks : 0;
    printf("%u requests: %u taken, %u LINEERR_RESOURCEUNAVAIL, %u other; heap +%zu bytes "
           "(%.0f per request taken)\n",
           n, taken, refused, other, grew, taken ? (double)grew / taken : 0.0);
    lineShutdown(a);
    lineShutdown(p);
    return other ? 1 : 0;
}
