/* A TAPI 2.x application written only from Microsoft's documentation of the
 * line functions (no opentapi extension): it finds two lines, calls from one to
 * the other, answers, drops with user-user information and checks that the far
 * end reads it, then deallocates everything.  Every message is checked, in
 * order (one application owns both lines, so one queue holds both sides), the
 * far end's disconnect mode included, and none may be left at the end.  Built
 * against an installed opentapi with `pkg-config --cflags --libs opentapi`. */
#include <stdio.h>
#include <string.h>
#include <tapi.h>

static HLINEAPP hApp;

static int fail(const char *what, LONG r)
{
    fprintf(stderr, "sample: %s failed: 0x%08lx\n", what, (unsigned long)(DWORD)r);
    return 1;
}

#define ANY ((DWORD_PTR)-1)

/* The next message (lineGetMessage, 5 s) must be id for hDevice dev with
 * dwParam1 p1 and dwParam2 p2 (ANY: any value); prints both on a mismatch. */
static int expect(DWORD id, DWORD dev, DWORD_PTR p1, DWORD_PTR p2, LINEMESSAGE *out)
{
    LONG r = lineGetMessage(hApp, out, 5000);
    if (r)
        return fail("lineGetMessage", r);
    if (out->dwMessageID == id && out->hDevice == dev && out->dwParam1 == p1 &&
        (p2 == ANY || out->dwParam2 == p2))
        return 0;
    fprintf(stderr,
            "sample: expected message %lu (device %08lx, %lx, %lx), got %lu (device %08lx, "
            "%lx, %lx)\n",
            (unsigned long)id, (unsigned long)dev, (unsigned long)p1, (unsigned long)p2,
            (unsigned long)out->dwMessageID, (unsigned long)out->hDevice,
            (unsigned long)out->dwParam1, (unsigned long)out->dwParam2);
    return 1;
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
        if (expect(LINE_REPLY, 0, (DWORD_PTR)r, 0, &msg) ||
            expect(LINE_CALLSTATE, hCall, LINECALLSTATE_DIALING, 0, &msg) ||
            expect(LINE_CALLSTATE, hCall, LINECALLSTATE_PROCEEDING, 0, &msg) ||
            expect(LINE_APPNEWCALL, hLine[1], 0, ANY, &msg))
            return 1;
    }
    hOffered = (HCALL)msg.dwParam2;
    if (!hOffered || msg.dwParam3 != LINECALLPRIVILEGE_OWNER)
        return fail("LINE_APPNEWCALL privilege", (LONG)msg.dwParam3);
    if (expect(LINE_CALLSTATE, hOffered, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE, &msg) ||
        expect(LINE_CALLSTATE, hCall, LINECALLSTATE_RINGBACK, 0, &msg))
        return 1;
    r = lineAnswer(hOffered, NULL, 0);
    if (r <= 0)
        return fail("lineAnswer", r);
    if (expect(LINE_CALLINFO, hCall, LINECALLINFOSTATE_CONNECTEDID, 0, &msg) ||
        expect(LINE_CALLSTATE, hOffered, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE, &msg) ||
        expect(LINE_CALLSTATE, hCall, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE, &msg) ||
        expect(LINE_REPLY, 0, (DWORD_PTR)r, 0, &msg))
        return 1;
    r = lineDrop(hCall, "goodbye", 7);
    if (r <= 0)
        return fail("lineDrop", r);
    /* the dropping side goes IDLE; the far end gets the UUI, then
     * DISCONNECTED with the mode NORMAL */
    if (expect(LINE_CALLSTATE, hCall, LINECALLSTATE_IDLE, 0, &msg) ||
        expect(LINE_CALLINFO, hOffered, LINECALLINFOSTATE_USERUSERINFO, 0, &msg) ||
        expect(LINE_CALLSTATE, hOffered, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL,
               &msg) ||
        expect(LINE_REPLY, 0, (DWORD_PTR)r, 0, &msg))
        return 1;
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
    if (r <= 0)
        return fail("lineDrop far end", r);
    if (expect(LINE_CALLSTATE, hOffered, LINECALLSTATE_IDLE, 0, &msg) ||
        expect(LINE_REPLY, 0, (DWORD_PTR)r, 0, &msg))
        return 1;
    if ((r = lineDeallocateCall(hCall)) || (r = lineDeallocateCall(hOffered)))
        return fail("lineDeallocateCall", r);
    if (lineGetMessage(hApp, &msg, 0) == 0) {
        fprintf(stderr, "sample: a message left at the end: %lu (device %08lx, %lx)\n",
                (unsigned long)msg.dwMessageID, (unsigned long)msg.hDevice,
                (unsigned long)msg.dwParam1);
        return 1;
    }
    lineClose(hLine[0]);
    lineClose(hLine[1]);
    if ((r = lineShutdown(hApp)))
        return fail("lineShutdown", r);
    printf("sample: call placed, answered, dropped with UUI, read at the far end\n");
    return 0;
}
