/* `tapi answer` and `tapi call`: opening the line: an ad-hoc SIP line of
 * --line (otSetConfig), a SIP line of OPENTAPI_CONFIG (--device or the first),
 * or, with OPENTAPI_SERVER, a line of the telephony service.  Split from
 * tapi_sip.c. */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "opentapi.h"
#include "tapi.h"
#include "tapi_tool.h"
#include "tapi_sip.h"

#define API_VERSION 0x00020002u

/* ---- the line -------------------------------------------------------------------- */
/* With OPENTAPI_SERVER: a line the telephony service already has (device
 * number or address); no configuration of our own. */
static int open_service_line(const struct opts *o, HLINE *hl)
{
    LINEINITIALIZEEXPARAMS p;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = sizeof(p);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    DWORD ndev = 0, api = API_VERSION;
    LONG rc = lineInitializeEx(&app, NULL, NULL, o->answer ? "tapi answer" : "tapi call", &ndev,
                               &api, &p);
    if (rc) {
        fprintf(stderr, "tapi: the telephony service (OPENTAPI_SERVER): %s\n", otErrorName(rc));
        return 1;
    }
    DWORD dev = ndev;
    for (DWORD d = 0; d < ndev && dev == ndev; d++) {
        union {
            LINEADDRESSCAPS ac;
            unsigned char raw[sizeof(LINEADDRESSCAPS) + 512];
        } u;
        memset(&u, 0, sizeof(u));
        u.ac.dwTotalSize = sizeof(u);
        char idx[16];
        snprintf(idx, sizeof(idx), "%u", (unsigned)d);
        if (!strcmp(o->line, idx) ||
            (lineGetAddressCaps(app, d, 0, API_VERSION, 0, &u.ac) == 0 && u.ac.dwAddressSize &&
             !strcmp((const char *)u.raw + u.ac.dwAddressOffset, o->line)))
            dev = d;
    }
    if (dev == ndev) {
        fprintf(stderr, "tapi: the telephony service has no line %s for you\n", o->line);
        lineShutdown(app);
        return 1;
    }
    rc = lineOpen(app, dev, hl, API_VERSION, 0, 0,
                  o->answer ? LINECALLPRIVILEGE_OWNER : LINECALLPRIVILEGE_NONE,
                  LINEMEDIAMODE_INTERACTIVEVOICE, NULL);
    if (rc) {
        fprintf(stderr, "tapi: lineOpen: %s\n", otErrorName(rc));
        lineShutdown(app);
        return 1;
    }
    say(NULL, "line %s of the telephony service open, %s", o->line,
        o->answer ? (o->reject ? "rejecting calls" : "answering calls") : "placing calls");
    return 0;
}

/* The device of OPENTAPI_CONFIG to use: --device, or the first SIP line. */
static long pick_device(const struct opts *o, DWORD ndev, char *label, size_t n)
{
    for (DWORD d = 0; d < ndev; d++) {
        union {
            LINEDEVCAPS dc;
            unsigned char raw[sizeof(LINEDEVCAPS) + 1024];
        } u;
        memset(&u, 0, sizeof(u));
        u.dc.dwTotalSize = sizeof(u);
        if (lineGetDevCaps(app, d, API_VERSION, 0, &u.dc) != 0)
            continue;
        const char *info = u.dc.dwProviderInfoSize ? (char *)u.raw + u.dc.dwProviderInfoOffset : "";
        bool sip = !strcmp(info, "opentapi sip");
        if (o->device >= 0 ? (long)d != o->device : !sip)
            continue;
        if (!sip) {
            fprintf(stderr, "tapi: line device %u is not a SIP line (%s)\n", (unsigned)d, info);
            return -1;
        }
        snprintf(label, n, "device %u \"%s\"", (unsigned)d,
                 u.dc.dwLineNameSize ? (char *)u.raw + u.dc.dwLineNameOffset : "");
        return (long)d;
    }
    if (o->device >= 0)
        fprintf(stderr, "tapi: OPENTAPI_CONFIG has no line device %ld\n", o->device);
    else
        fprintf(stderr, "tapi: OPENTAPI_CONFIG has no SIP line\n");
    return -1;
}

int open_line(const struct opts *o, HLINE *hl)
{
    if (o->service_line)
        return open_service_line(o, hl);
    LONG rc;
    if (o->line) {
        char cfg[4096];
        DWORD uui_size = 1024;
        if (o->uui_len > uui_size)
            uui_size = o->uui_len;
        if (o->call_uui.len > uui_size)
            uui_size = o->call_uui.len;
        if (o->ring_uui.len > uui_size)
            uui_size = o->ring_uui.len;
        int n = snprintf(cfg, sizeof(cfg),
                         "[sip]\nlog_level = %d\n"
                         "[line]\nprovider = sip\nname = tapi %s\nnumber = %s\nuri = %s\n"
                         "transport = %s\nuui = %u\n%s%s%s%s%s%s%s%s%s%s%s%s"
                         "%s%s%s%s%s%s%s%s%s%s%s%s",
                         o->sip_log, o->answer ? "answer" : "call", o->user, o->line,
                         o->transport, (unsigned)uui_size, o->proxy ? "proxy = " : "",
                         o->proxy ? o->proxy : "", o->proxy ? "\n" : "",
                         o->registrar ? "registrar = " : "", o->registrar ? o->registrar : "",
                         o->registrar ? "\n" : "", o->username ? "username = " : "",
                         o->username ? o->username : "", o->username ? "\n" : "",
                         o->password ? "password = " : "", o->password ? o->password : "",
                         o->password ? "\n" : "", o->tls_cert ? "tls_certificate = " : "",
                         o->tls_cert ? o->tls_cert : "", o->tls_cert ? "\n" : "",
                         o->tls_key ? "tls_key = " : "", o->tls_key ? o->tls_key : "",
                         o->tls_key ? "\n" : "", o->tls_ca ? "tls_ca = " : "",
                         o->tls_ca ? o->tls_ca : "", o->tls_ca ? "\n" : "",
                         o->tls_verify ? "tls_verify = " : "", o->tls_verify ? o->tls_verify : "",
                         o->tls_verify ? "\n" : "");
        if (n < 0 || (size_t)n >= sizeof(cfg)) {
            fprintf(stderr, "tapi: configuration too long\n");
            return 2;
        }
        rc = otSetConfig(cfg);
        if (rc) {
            fprintf(stderr, "tapi: otSetConfig: %s\n", otErrorName(rc));
            return 1;
        }
    }
    LINEINITIALIZEEXPARAMS p;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = sizeof(p);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    DWORD ndev = 0, api = API_VERSION;
    rc = lineInitializeEx(&app, NULL, NULL, o->answer ? "tapi answer" : "tapi call", &ndev,
                          &api, &p);
    if (rc) {
        fprintf(stderr, "tapi: cannot start %s: %s (OPENTAPI_LOG=debug tells more)\n",
                o->line ? "the SIP line" : "the lines of OPENTAPI_CONFIG", otErrorName(rc));
        return 1;
    }
    char label[300];
    long dev = 0;
    if (o->line)
        snprintf(label, sizeof(label), "%s", o->line);
    else if ((dev = pick_device(o, ndev, label, sizeof(label))) < 0) {
        lineShutdown(app);
        return 1;
    }
    rc = lineOpen(app, (DWORD)dev, hl, API_VERSION, 0, 0,
                  o->answer ? LINECALLPRIVILEGE_OWNER : LINECALLPRIVILEGE_NONE,
                  LINEMEDIAMODE_INTERACTIVEVOICE, NULL);
    if (rc) {
        fprintf(stderr, "tapi: lineOpen: %s\n", otErrorName(rc));
        lineShutdown(app);
        return 1;
    }
    say(NULL, "line %s (%s) open, %s", label, o->line ? o->transport : "configured",
        o->answer ? (o->reject ? "rejecting calls" : "answering calls") : "placing calls");
    return 0;
}
