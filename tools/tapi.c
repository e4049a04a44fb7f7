/* tapi: the opentapi command-line tool.
 *   tapi demo [--list] [SCENARIO...]   scripted scenarios on the embedded switch
 *   tapi lines                          the line devices and their capabilities
 *   tapi config [--default | --check FILE]
 *   tapi answer / tapi call             SIP calls from the command line (docs/sip.md) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentapi.h"
#include "tapi.h"
#include "tapi_tool.h"

/* Provided by tools/tapi_sip.c when the SIP tools are built. */
int tapi_cmd_answer(int argc, char **argv) __attribute__((weak));
int tapi_cmd_call(int argc, char **argv) __attribute__((weak));

static int usage(FILE *f)
{
    fprintf(f,
            "usage: tapi demo [--list] [SCENARIO...]\n"
            "       tapi lines\n"
            "       tapi config --default | --check FILE\n"
            "       tapi answer --line sip:USER@IP:PORT [--reject] [--uui HEX] [--drop-after MS] "
            "[--calls N]\n"
            "       tapi call --line sip:USER@IP:PORT DEST_URI [--uui HEX] [--drop-after MS] "
            "[--calls N]\n"
            "         (answer and call also take --transport udp|tcp, --proxy URI, --sip-log 0-9\n"
            "          and --timeout S: exit after S seconds without a call in progress, default\n"
            "          30, 0 = never; a call in progress is never cut, without --drop-after it\n"
            "          lasts until the far end hangs up)\n"
            "       tapi --version\n"
            "The configuration comes from OPENTAPI_CONFIG (a file) or the built-in default.\n");
    return f == stderr ? 2 : 0;
}

static int cmd_config(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--default")) {
        fputs(otDefaultConfig(), stdout);
        return 0;
    }
    if (argc == 3 && !strcmp(argv[1], "--check")) {
        /* The file is read and checked as start-up reads OPENTAPI_CONFIG; the
         * name is shown with its non-printable bytes escaped. */
        char err[320], name[256];
        size_t o = 0;
        for (const unsigned char *c = (const unsigned char *)argv[2]; *c && o + 5 < sizeof(name);
             c++)
            o += (size_t)snprintf(name + o, sizeof(name) - o,
                                  *c >= 0x20 && *c < 0x7f && *c != '\\' ? "%c" : "\\x%02x", *c);
        name[o] = '\0';
        LONG rc = otCheckConfigFile(argv[2], err, sizeof(err));
        if (rc != 0) {
            fprintf(stderr, "%s: %s (%s)\n", name, err, otErrorName(rc));
            return 1;
        }
        printf("%s: ok\n", name);
        return 0;
    }
    return usage(stderr);
}

int tapi_cmd_lines(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    HLINEAPP app;
    DWORD ndev = 0, api = 0x00020002;
    LINEINITIALIZEEXPARAMS p;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = sizeof(p);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    LONG rc = lineInitializeEx(&app, NULL, NULL, "tapi lines", &ndev, &api, &p);
    if (rc) {
        fprintf(stderr, "tapi: lineInitializeEx: %s\n", otErrorName(rc));
        return 1;
    }
    printf("%-4s %-24s %-10s %-18s %-6s %-6s %s\n", "dev", "name", "number", "sharing",
           "UUI", "conf", "provider");
    for (DWORD d = 0; d < ndev; d++) {
        union {
            LINEDEVCAPS dc;
            unsigned char raw[sizeof(LINEDEVCAPS) + 512];
        } u;
        union {
            LINEADDRESSCAPS ac;
            unsigned char raw[sizeof(LINEADDRESSCAPS) + 512];
        } v;
        memset(&u, 0, sizeof(u));
        memset(&v, 0, sizeof(v));
        u.dc.dwTotalSize = sizeof(u);
        v.ac.dwTotalSize = sizeof(v);
        if (lineGetDevCaps(app, d, 0x00020002, 0, &u.dc) ||
            lineGetAddressCaps(app, d, 0, 0x00020002, 0, &v.ac))
            continue;
        const char *sharing = "?";
        switch (v.ac.dwAddressSharing) {
        case LINEADDRESSSHARING_PRIVATE: sharing = "private"; break;
        case LINEADDRESSSHARING_BRIDGEDEXCL: sharing = "bridged-exclusive"; break;
        case LINEADDRESSSHARING_BRIDGEDSHARED:
            sharing = (u.dc.dwDevCapFlags & LINEDEVCAPFLAGS_CLOSEDROP) ? "bridged-shared"
                                                                       : "party line";
            break;
        }
        printf("%-4u %-24s %-10s %-18s %-6u %-6s %s\n", (unsigned)d,
               (char *)u.raw + u.dc.dwLineNameOffset, (char *)v.raw + v.ac.dwAddressOffset,
               sharing, (unsigned)u.dc.dwUUIDropSize,
               (v.ac.dwAddrCapFlags & LINEADDRCAPFLAGS_CONFDROP) ? "yes" : "no",
               (char *)u.raw + u.dc.dwProviderInfoOffset);
    }
    lineShutdown(app);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr);
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help"))
        return usage(stdout);
    if (!strcmp(cmd, "--version")) {
        printf("tapi (opentapi) %s\n", OPENTAPI_VERSION_STRING);
        return 0;
    }
    if (!strcmp(cmd, "demo"))
        return tapi_cmd_demo(argc - 1, argv + 1);
    if (!strcmp(cmd, "lines"))
        return tapi_cmd_lines(argc - 1, argv + 1);
    if (!strcmp(cmd, "config"))
        return cmd_config(argc - 1, argv + 1);
    if (!strcmp(cmd, "server"))
        return tapi_cmd_server(argc - 1, argv + 1);
    if (!strcmp(cmd, "monitor"))
        return tapi_cmd_monitor(argc - 1, argv + 1);
    if (!strcmp(cmd, "answer") || !strcmp(cmd, "call")) {
        int (*fn)(int, char **) = !strcmp(cmd, "answer") ? tapi_cmd_answer : tapi_cmd_call;
        if (!fn) {
            fprintf(stderr, "tapi: this build has no SIP tools\n");
            return 2;
        }
        return fn(argc - 1, argv + 1);
    }
    return usage(stderr);
}
