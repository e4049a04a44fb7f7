/* tapi: the opentapi command-line tool.
 *   tapi demo [--list] [--ladder] [--svg FILE] [--json] [SCENARIO...]
 *   tapi lines [--json]                 the line devices and their capabilities
 *   tapi config [--default | --check FILE]
 *   tapi answer / tapi call             SIP calls from the command line (docs/sip.md)
 * Each command is one row of `commands` below, with its help text. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h" /* the library's configuration parser: `tapi lines` starts no provider */
#include "opentapi.h"
#include "tapi.h"
#include "tapi_tool.h"

/* Provided by tools/tapi_sip.c when the SIP tools are built. */
int tapi_cmd_answer(int argc, char **argv) __attribute__((weak));
int tapi_cmd_call(int argc, char **argv) __attribute__((weak));

static const char help_demo[] =
    "usage: tapi demo [--list] [--ladder] [--svg FILE] [--json] [SCENARIO...]\n"
    "Runs scripted scenarios on the embedded switch (all, or those named) and prints a\n"
    "timeline: each action an application takes, and under it every message each\n"
    "application received because of it.\n"
    "  --list      list the scenarios\n"
    "  --ladder    also draw each scenario as a ladder diagram (one column per party)\n"
    "  --svg FILE  write the ladder diagrams to FILE as an SVG picture\n"
    "  --json      one JSON object per action and message instead of the timeline\n"
    "The scenarios are written for the default topology: with OPENTAPI_CONFIG naming\n"
    "another one they stop at the first unexpected result. Exit status: 0 when every\n"
    "scenario went as scripted, 1 when one did not (or lineInitializeEx failed, which\n"
    "stops the demo), 2 for a usage error. The last line sums up.\n";

static const char help_lines[] =
    "usage: tapi lines [--json]\n"
    "Lists the line devices of the configuration (OPENTAPI_CONFIG, or the default\n"
    "topology): number, sharing, whether an offered call can be rejected, the UUI limits\n"
    "in bytes (make call / answer / drop / call info), conferences, the provider, and for\n"
    "SIP lines the URI and the bind address. It starts no provider: no SIP port is bound.\n"
    "With OPENTAPI_SERVER it lists the telephony service's lines that you may use.\n"
    "  --json      one JSON object per line device\n";

static const char help_server[] =
    "usage: tapi server [--socket PATH] [--config FILE] [--ready-fd N]\n"
    "Runs the telephony service (as tapisrv) in the foreground: it owns the configured\n"
    "lines and serves every application whose environment says OPENTAPI_SERVER=unix:PATH.\n"
    "Logs to stderr, stops on SIGTERM. Default socket: [server] socket of the\n"
    "configuration, else /run/opentapi/tapisrv.sock (docs/service.md, man tapisrv).\n";

static const char help_monitor[] =
    "usage: tapi monitor [--json] [--count N] [LINE...]\n"
    "Opens lines (device numbers or addresses; none: every line) as monitor and prints\n"
    "every message as it comes: a timeline, or with --json one JSON object per line.\n"
    "With OPENTAPI_SERVER=unix:PATH it watches the telephony service's lines, and so the\n"
    "calls of every application on the machine. Ends on SIGINT/SIGTERM or after N\n"
    "messages (--count).\n";

static const char help_config[] =
    "usage: tapi config --default | --check FILE\n"
    "  --default     print the default topology as a configuration file\n"
    "  --check FILE  check a configuration file: prints \"FILE: ok\" or the error (exit 1)\n";

#define ANSWER_CALL_OPTIONS \
    "answer answers (or rejects) incoming calls, call places calls to DEST_URI one after\n" \
    "another; both print a timeline of every call state (mode, received UUI as hex).\n" \
    "  --line URI        an ad-hoc SIP line at sip:USER@IP:PORT; without it the line\n" \
    "                    comes from OPENTAPI_CONFIG (see --device)\n" \
    "  --device N        with OPENTAPI_CONFIG: the line device (default: the first SIP line)\n" \
    "  --reject          answer: reject every call (lineDrop while offered)\n" \
    "  --redirect-to ADDR  answer: redirect every call there (lineRedirect: SIP 302)\n" \
    "  --uui HEX         UUI sent with the drop or the rejection\n" \
    "  --call-uui HEX    UUI on the INVITE (call) or on the 200 that answers (answer)\n" \
    "  --ring-uui HEX    answer: accept first, a 180 Ringing with this UUI\n" \
    "  --ring MS         answer: let each call ring MS ms (after a 180) before answering\n" \
    "  --drop-after MS   drop a connected call after MS ms (default: wait for the far end);\n" \
    "                    with --digits, MS ms after the last digit went out\n" \
    "  --digits STRING   send these DTMF digits (0-9 A-D * #, ',' a pause) once connected\n" \
    "                    (SIP INFO); every call prints the digits it receives\n" \
    "  --hold-after MS   put a connected call on hold after MS ms (lineHold)\n" \
    "  --hold-for MS     with --hold-after: take it off hold MS ms later (lineUnhold)\n" \
    "  --transfer-to ADDR  blind-transfer each call to ADDR once connected (SIP REFER);\n" \
    "                    the call is as asked when the transfer succeeds\n" \
    "  --calls N         handle N calls (default 1)\n" \
    "  --timeout S       exit after S s without a call in progress (default 30, 0 = never);\n" \
    "                    a call in progress is never cut\n" \
    "  --transport udp|tcp|tls, --proxy URI, --registrar URI, --username NAME,\n" \
    "  --password SECRET the line's transport, outbound proxy, registrar, credentials\n" \
    "  --tls-certificate FILE, --tls-key FILE, --tls-ca FILE|DIR, --tls-verify out|all|none\n" \
    "                    with --transport tls: the line's certificate, key, CAs, checks\n" \
    "  --sip-log 0-9     Sofia-SIP's own log level (stderr)\n" \
    "  --ladder          draw the calls as a ladder diagram at the end\n" \
    "  --svg FILE        write that ladder diagram to FILE as SVG\n" \
    "  --json            one JSON object per timeline line instead of text\n" \
    "Exit status: 0 when every call went as asked, 1 otherwise, 2 for a usage error.\n"

const char tapi_help_answer_call[] =
    "usage: tapi answer [--line sip:USER@IP:PORT] [options]\n"
    "       tapi call [--line sip:USER@IP:PORT] DEST_URI [options]\n" ANSWER_CALL_OPTIONS;
static const char help_answer[] =
    "usage: tapi answer [--line sip:USER@IP:PORT] [options]\n" ANSWER_CALL_OPTIONS;
static const char help_call[] =
    "usage: tapi call [--line sip:USER@IP:PORT] DEST_URI [options]\n" ANSWER_CALL_OPTIONS;

const char tapi_help_trace[] =
    "usage: tapi trace FILE [--pcap OUT] [--ladder] [--svg OUT] [--json]\n"
    "Reads a SIP message trace (written where OPENTAPI_SIP_TRACE names) and prints one\n"
    "line per message (time, direction, transport, addresses, first line).\n"
    "  --pcap OUT   write the messages as a pcap file (Wireshark, tshark -r, sngrep -I)\n"
    "  --ladder     draw a ladder diagram: one column per address, one arrow per message\n"
    "  --svg OUT    write that ladder diagram as an SVG picture\n"
    "  --json       one JSON object per message\n";

static int cmd_config(int argc, char **argv);
static int cmd_answer(int argc, char **argv);
static int cmd_call(int argc, char **argv);

/* The commands: name, entry point, help. */
static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} commands[] = {
    {"demo", tapi_cmd_demo, help_demo},
    {"lines", tapi_cmd_lines, help_lines},
    {"config", cmd_config, help_config},
    {"answer", cmd_answer, help_answer},
    {"call", cmd_call, help_call},
    {"trace", tapi_cmd_trace, tapi_help_trace},
    {"server", tapi_cmd_server, help_server},
    {"monitor", tapi_cmd_monitor, help_monitor},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int usage(FILE *f)
{
    fprintf(f, "usage: tapi [-h | --help] [-v | --version] COMMAND [OPTIONS]\n"
               "commands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++) {
        const char *u = commands[i].help + strlen("usage: ");
        const char *nl = strchr(u, '\n');
        fprintf(f, "  %.*s\n", (int)(nl - u), u);
    }
    fprintf(f,
            "`tapi COMMAND --help` describes a command (and `man tapi` all of them).\n"
            "Environment:\n"
            "  OPENTAPI_CONFIG=FILE   the line devices (default: the built-in embedded switch)\n"
            "  OPENTAPI_LOG=SPEC      what the library logs to stderr: a level, off, error,\n"
            "                         warn (the default), info, debug or trace, then optional\n"
            "                         CATEGORY=LEVEL pairs (core, config, sim, sip), e.g.\n"
            "                         OPENTAPI_LOG=debug,sip=trace\n"
            "  OPENTAPI_SIP_TRACE=FILE  every SIP message sent and received, in full, as text\n");
    return f == stderr ? 2 : 0;
}

int tapi_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return 1;
    return 0;
}

static int cmd_answer(int argc, char **argv)
{
    if (!tapi_cmd_answer) {
        fprintf(stderr, "tapi: this build has no SIP tools\n");
        return 2;
    }
    return tapi_cmd_answer(argc, argv);
}

static int cmd_call(int argc, char **argv)
{
    if (!tapi_cmd_call) {
        fprintf(stderr, "tapi: this build has no SIP tools\n");
        return 2;
    }
    return tapi_cmd_call(argc, argv);
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
    fputs(help_config, stderr);
    return 2;
}

/* ---- tapi lines ----------------------------------------------------------------- */
static const char *sharing_name(const struct ot_line_conf *c)
{
    switch (c->sharing) {
    case LINEADDRESSSHARING_PRIVATE: return "private";
    case LINEADDRESSSHARING_BRIDGEDEXCL: return "bridged-exclusive";
    case LINEADDRESSSHARING_BRIDGEDSHARED: return c->party_line ? "party line" : "bridged-shared";
    default: return "?";
    }
}

/* A SIP line's bind address: its `bind`, or the host and port of its uri. */
static void sip_bind(const struct ot_line_conf *c, char *out, size_t n)
{
    const char *b = ot_line_conf_get(c, "bind");
    if (b) {
        snprintf(out, n, "%s", b);
        return;
    }
    const char *uri = ot_line_conf_get(c, "uri");
    const char *host = uri ? strchr(uri, '@') : NULL;
    host = host ? host + 1 : (uri && !strncmp(uri, "sip:", 4) ? uri + 4 : NULL);
    if (!host) {
        snprintf(out, n, "?");
        return;
    }
    size_t len = strcspn(host, ";>?");
    const char *close = host[0] == '[' ? memchr(host, ']', len) : NULL;
    const char *colon =
        memchr(close ? close : host, ':', len - (size_t)((close ? close : host) - host));
    snprintf(out, n, "%.*s%s", (int)len, host, colon ? "" : ":5060");
}

/* With OPENTAPI_SERVER: the telephony service's lines that this user may see,
 * through the line API (the service's configuration is not ours to read). */
static int lines_of_service(int json)
{
    HLINEAPP app;
    DWORD ndev = 0, api = 0x00020002;
    LINEINITIALIZEEXPARAMS p = {.dwTotalSize = sizeof(p),
                                .dwOptions = LINEINITIALIZEEXOPTION_USEEVENT};
    LONG rc = lineInitializeEx(&app, NULL, NULL, "tapi lines", &ndev, &api, &p);
    if (rc) {
        fprintf(stderr, "tapi: the telephony service (OPENTAPI_SERVER): %s\n", otErrorName(rc));
        return 1;
    }
    if (!json)
        printf("%-4s %-22s %-10s %-17s %-22s %-4s %s\n", "dev", "name", "number", "sharing",
               "UUI make/ans/drop/info", "conf", "provider");
    for (DWORD d = 0; d < ndev; d++) {
        union {
            LINEDEVCAPS dc;
            unsigned char raw[sizeof(LINEDEVCAPS) + 1024];
        } u = {.dc.dwTotalSize = sizeof(u)};
        union {
            LINEADDRESSCAPS ac;
            unsigned char raw[sizeof(LINEADDRESSCAPS) + 1024];
        } v = {.ac.dwTotalSize = sizeof(v)};
        if (lineGetDevCaps(app, d, 0x00020002, 0, &u.dc) ||
            lineGetAddressCaps(app, d, 0, 0x00020002, 0, &v.ac))
            continue;
        const char *name = u.dc.dwLineNameSize ? (char *)u.raw + u.dc.dwLineNameOffset : "";
        const char *number = v.ac.dwAddressSize ? (char *)v.raw + v.ac.dwAddressOffset : "";
        const char *prov = u.dc.dwProviderInfoSize ? (char *)u.raw + u.dc.dwProviderInfoOffset : "";
        const char *sharing =
            v.ac.dwAddressSharing == LINEADDRESSSHARING_PRIVATE      ? "private"
            : v.ac.dwAddressSharing == LINEADDRESSSHARING_BRIDGEDEXCL ? "bridged-exclusive"
            : (u.dc.dwDevCapFlags & LINEDEVCAPFLAGS_CLOSEDROP)        ? "bridged-shared"
                                                                      : "party";
        char uui[48];
        snprintf(uui, sizeof(uui), "%u/%u/%u/%u", (unsigned)u.dc.dwUUIMakeCallSize,
                 (unsigned)u.dc.dwUUIAnswerSize, (unsigned)u.dc.dwUUIDropSize,
                 (unsigned)u.dc.dwUUICallInfoSize);
        int conf = (v.ac.dwAddrCapFlags & LINEADDRCAPFLAGS_CONFDROP) != 0;
        if (json) {
            printf("{\"device\":%u,\"name\":", (unsigned)d);
            json_str(stdout, name);
            printf(",\"number\":");
            json_str(stdout, number);
            printf(",\"sharing\":\"%s\",\"uui\":\"%s\",\"conference\":%s,\"provider\":", sharing,
                   uui, conf ? "true" : "false");
            json_str(stdout, prov);
            printf(",\"service\":true}\n");
        } else
            printf("%-4u %-22s %-10s %-17s %-22s %-4s %s\n", (unsigned)d, name, number, sharing, uui,
                   conf ? "yes" : "no", prov);
    }
    lineShutdown(app);
    return 0;
}

int tapi_cmd_lines(int argc, char **argv)
{
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else {
            fprintf(stderr, "tapi lines: unknown option %s\n", argv[i]);
            fputs(help_lines, stderr);
            return 2;
        }
    }
    const char *srv = getenv("OPENTAPI_SERVER");
    if (srv && *srv && strcmp(srv, "none") != 0)
        return lines_of_service(json);
    const char *path = getenv("OPENTAPI_CONFIG");
    char *text = NULL;
    size_t len = 0;
    struct ot_conf cf;
    char err[320];
    if (path && *path && ot_conf_read_file(path, &text, &len, err, sizeof(err)) != 0) {
        fprintf(stderr, "tapi: %s\n", err);
        return 1;
    }
    const char *conf_text = text ? text : otDefaultConfig();
    if (ot_conf_parse(conf_text, text ? len : strlen(conf_text), &cf, err, sizeof(err)) != 0) {
        fprintf(stderr, "tapi: %s: %s\n", text ? path : "default configuration", err);
        free(text);
        return 1;
    }
    free(text);
    if (!json)
        printf("%-4s %-22s %-10s %-17s %-6s %-22s %-4s %-8s %s\n", "dev", "name", "number",
               "sharing", "reject", "UUI make/ans/drop/info", "conf", "provider", "SIP uri, bind");
    for (unsigned d = 0; d < cf.nlines; d++) {
        const struct ot_line_conf *c = &cf.lines[d];
        char uui[48], bind[300] = "";
        snprintf(uui, sizeof(uui), "%u/%u/%u/%u", (unsigned)c->uui_make_call,
                 (unsigned)c->uui_answer, (unsigned)c->uui_drop, (unsigned)c->uui_call_info);
        int sip = !strcmp(c->provider, "sip");
        const char *uri = sip ? ot_line_conf_get(c, "uri") : NULL;
        if (sip)
            sip_bind(c, bind, sizeof(bind));
        if (json) {
            printf("{\"device\":%u,\"name\":", d);
            json_str(stdout, c->name);
            printf(",\"number\":");
            json_str(stdout, c->number);
            printf(",\"sharing\":");
            json_str(stdout, sharing_name(c));
            printf(",\"can_reject\":%s,\"uui\":{\"make_call\":%u,\"answer\":%u,\"accept\":%u,"
                   "\"drop\":%u,\"send\":%u,\"call_info\":%u},\"conference\":%u,\"provider\":",
                   c->can_reject ? "true" : "false", (unsigned)c->uui_make_call,
                   (unsigned)c->uui_answer, (unsigned)c->uui_accept, (unsigned)c->uui_drop,
                   (unsigned)c->uui_send, (unsigned)c->uui_call_info, (unsigned)c->max_conf);
            json_str(stdout, c->provider);
            if (sip) {
                printf(",\"uri\":");
                json_str(stdout, uri ? uri : "");
                printf(",\"bind\":");
                json_str(stdout, bind);
            }
            printf("}\n");
        } else {
            char conf[16];
            snprintf(conf, sizeof(conf), "%u", (unsigned)c->max_conf);
            char row[1024];
            snprintf(row, sizeof(row), "%-4u %-22s %-10s %-17s %-6s %-22s %-4s %-8s %s%s%s", d,
                     c->name, c->number, sharing_name(c), c->can_reject ? "yes" : "no", uui,
                     c->max_conf ? conf : "no", c->provider, uri ? uri : "", sip ? ", " : "",
                     bind);
            size_t n = strlen(row);
            while (n && row[n - 1] == ' ')
                row[--n] = '\0';
            printf("%s\n", row);
        }
    }
    ot_conf_free(&cf);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr);
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help"))
        return usage(stdout);
    if (!strcmp(cmd, "-v") || !strcmp(cmd, "--version")) {
        printf("tapi (opentapi) %s\n", OPENTAPI_VERSION_STRING);
        return 0;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(cmd, commands[i].name)) {
            if (tapi_wants_help(argc - 1, argv + 1)) {
                fputs(commands[i].help, stdout);
                return 0;
            }
            return commands[i].run(argc - 1, argv + 1);
        }
    fprintf(stderr, "tapi: unknown command \"%.40s\" (tapi --help lists the commands)\n", cmd);
    return 2;
}
