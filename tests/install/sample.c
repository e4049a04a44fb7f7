/* A TAPI 2.x application written only from Microsoft's documentation of the
 * line functions (no opentapi extension): it finds two lines, calls from one to
 * the other, answers, drops with user-user information and checks that the far
 * end reads it, then deallocates everything.  Built against an installed
 * opentapi with `pkg-config --cflags --libs opentapi`. */
#include <stdio.h>
#include <string.h>
#include <tapi.h>

static HLINEAPP hApp;

static int fail(const char *what, LONG r)
{
    fprintf(stderr, "sample: %s failed: 0x%08lx\n", what, (unsigned long)(DWORD)r);
    return 1;
}

/* Waits (lineGetMessage, 5 s) for a message matching id and, if nonzero, param1. */
static int wait_for(DWORD id, DWORD_PTR p1, LINEMESSAGE *out)
{
    for (;;) {
        LONG r = lineGetMessage(hApp, out, 5000);
        if (r)
            return fail("lineGetMessage", r);
        if (out->dwMessageID == id && (!p1 || out->dwParam1 == p1))
            return 0;
    }
}

int main(void)
{
    LINEINITIALIZEEXPARAMS params;
    DWORD dwNumDevs = 0, dwAPIVersion = TAPI_CURRENT_VERSION, dev, v[2];
    LINEEXTENSIONID ext;
    LINEMESSAGE msg;
    HLINE hLine[2];
    HCALL hCall = 0, hOffered = 0;
    LONG r;

    memset(&params, 0, sizeof(params));
    params.dwTotalSize = sizeof(params);
    params.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    if ((r = lineInitializeEx(&hApp, NULL, NULL, "sample", &dwNumDevs, &dwAPIVersion, &params)))
        return fail("lineInitializeEx", r);
    if (dwNumDevs < 2)
        return fail("two line devices", 0);
    for (dev = 0; dev < 2; dev++) {
        LINEDEVCAPS caps;
        if ((r = lineNegotiateAPIVersion(hApp, dev, 0x00010004, 0x00020002, &v[dev], &ext)))
            return fail("lineNegotiateAPIVersion", r);
        memset(&caps, 0, sizeof(caps));
        caps.dwTotalSize = sizeof(caps);
        if ((r = lineGetDevCaps(hApp, dev, v[dev], 0, &caps)))
            return fail("lineGetDevCaps", r);
        if (caps.dwUUIDropSize < 16)
            return fail("dwUUIDropSize", (LONG)caps.dwUUIDropSize);
        if ((r = lineOpen(hApp, dev, &hLine[dev], v[dev], 0, 0, LINECALLPRIVILEGE_OWNER,
                          LINEMEDIAMODE_INTERACTIVEVOICE, NULL)))
            return fail("lineOpen", r);
    }
    /* Find the dialable address of line 1. */
    {
        unsigned char buf[sizeof(LINEADDRESSCAPS) + 256];
        LPLINEADDRESSCAPS ac = (LPLINEADDRESSCAPS)buf;
        char number[64];
        memset(buf, 0, sizeof(buf));
        ac->dwTotalSize = sizeof(buf);
        if ((r = lineGetAddressCaps(hApp, 1, 0, v[1], 0, ac)))
            return fail("lineGetAddressCaps", r);
        memcpy(number, buf + ac->dwAddressOffset, ac->dwAddressSize);
        r = lineMakeCall(hLine[0], &hCall, number, 0, NULL);
        if (r <= 0)
            return fail("lineMakeCall", r);
        if (wait_for(LINE_REPLY, (DWORD_PTR)r, &msg) || msg.dwParam2)
            return fail("lineMakeCall reply", (LONG)msg.dwParam2);
    }
    if (wait_for(LINE_APPNEWCALL, 0, &msg))
        return 1;
    hOffered = (HCALL)msg.dwParam2;
    if (wait_for(LINE_CALLSTATE, LINECALLSTATE_OFFERING, &msg))
        return 1;
    r = lineAnswer(hOffered, NULL, 0);
    if (r <= 0)
        return fail("lineAnswer", r);
    if (wait_for(LINE_REPLY, (DWORD_PTR)r, &msg) || msg.dwParam2)
        return fail("lineAnswer reply", (LONG)msg.dwParam2);
    r = lineDrop(hCall, "goodbye", 7);
    if (r <= 0)
        return fail("lineDrop", r);
    if (wait_for(LINE_CALLSTATE, LINECALLSTATE_DISCONNECTED, &msg) || msg.hDevice != hOffered)
        return fail("far end DISCONNECTED", 0);
    {
        unsigned char buf[sizeof(LINECALLINFO) + 512];
        LPLINECALLINFO ci = (LPLINECALLINFO)buf;
        memset(buf, 0, sizeof(buf));
        ci->dwTotalSize = sizeof(buf);
        if ((r = lineGetCallInfo(hOffered, ci)))
            return fail("lineGetCallInfo", r);
        if (ci->dwUserUserInfoSize != 7 || memcmp(buf + ci->dwUserUserInfoOffset, "goodbye", 7))
            return fail("UUI at the far end", (LONG)ci->dwUserUserInfoSize);
    }
    r = lineDrop(hOffered, NULL, 0);
    if (r <= 0 || wait_for(LINE_REPLY, (DWORD_PTR)r, &msg))
        return fail("lineDrop far end", r);
    if ((r = lineDeallocateCall(hCall)) || (r = lineDeallocateCall(hOffered)))
        return fail("lineDeallocateCall", r);
    lineClose(hLine[0]);
    lineClose(hLine[1]);
    if ((r = lineShutdown(hApp)))
        return fail("lineShutdown", r);
    printf("sample: call placed, answered, dropped with UUI, read at the far end\n");
    return 0;
}
