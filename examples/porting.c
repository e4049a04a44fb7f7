/* porting.c - the Linux side of docs/porting.md: a TAPI 2.x application's
 * event loop with lineInitializeEx(USEEVENT), where the event handle is a file
 * descriptor that poll() watches instead of WaitForSingleObject.
 * Station 100 calls 101 on the embedded switch; 101 answers; 100 hangs up.
 * Exits 0 when every step happened.  Build:
 *   cc porting.c $(pkg-config --cflags --libs opentapi) */
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tapi.h"

/* Wait for the next message: poll() the descriptor, then lineGetMessage. */
static LONG next_message(HLINEAPP app, int fd, LINEMESSAGE *m)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 5000) != 1)
        return -1; /* 5 s without a message: something is wrong */
    return lineGetMessage(app, m, 0);
}

int main(void)
{
    HLINEAPP app;
    DWORD ndev = 0, api = 0x00020002;
    LINEINITIALIZEEXPARAMS ip;
    memset(&ip, 0, sizeof(ip));
    ip.dwTotalSize = sizeof(ip);
    ip.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    LONG rc = lineInitializeEx(&app, NULL, NULL, "porting", &ndev, &api, &ip);
    if (rc) {
        fprintf(stderr, "lineInitializeEx: 0x%08x\n", (unsigned)rc); /* DWORD/LONG: 32 bits */
        return 1;
    }
    int fd = (int)(intptr_t)ip.Handles.hEvent; /* the HANDLE is a file descriptor */
    HLINE l100, l101;
    if (lineOpen(app, 0, &l100, api, 0, 0, LINECALLPRIVILEGE_NONE,
                 LINEMEDIAMODE_INTERACTIVEVOICE, NULL) ||
        lineOpen(app, 1, &l101, api, 0, 0, LINECALLPRIVILEGE_OWNER,
                 LINEMEDIAMODE_INTERACTIVEVOICE, NULL)) {
        fprintf(stderr, "lineOpen failed\n");
        lineShutdown(app);
        return 1;
    }
    HCALL caller = 0, callee = 0;
    rc = lineMakeCall(l100, &caller, "101", 0, NULL);
    printf("lineMakeCall -> request %ld\n", (long)rc);
    int ok = 0;
    LINEMESSAGE m;
    while (rc > 0 && next_message(app, fd, &m) == 0) {
        if (m.dwMessageID == LINE_APPNEWCALL) {
            callee = (HCALL)m.dwParam2;
            printf("101: offered call, answering\n");
            lineAnswer(callee, NULL, 0);
        } else if (m.dwMessageID == LINE_CALLSTATE && m.hDevice == caller) {
            printf("100: call state 0x%08x\n", (unsigned)m.dwParam1); /* %u for DWORD */
            if (m.dwParam1 == LINECALLSTATE_CONNECTED)
                lineDrop(caller, NULL, 0);
            if (m.dwParam1 == LINECALLSTATE_IDLE) {
                ok = 1;
                break;
            }
        }
    }
    if (caller)
        lineDeallocateCall(caller);
    if (callee)
        lineDeallocateCall(callee);
    lineShutdown(app);
    printf("%s\n", ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
