/* `tapi answer` and `tapi call`: SIP calls from the command line, on an
 * ad-hoc SIP line (otSetConfig) or a SIP line of OPENTAPI_CONFIG, through the
 * public API only.
 *
 *   tapi answer [--line sip:USER@IP:PORT] [--reject] [--uui HEX] [--drop-after MS] [--calls N]
 *   tapi call   [--line sip:USER@IP:PORT] DEST_URI [--uui HEX] [--drop-after MS] [--calls N]
 *   either: --transfer-to ADDR (lineBlindTransfer once connected)
 *               [--digits STRING] (DTMF once connected; every call prints what it receives)
 *   more options: tapi answer --help (tapi_help_answer_call in tapi.c)
 *
 * answer answers every incoming call (or rejects it: lineDrop while offered),
 * call places calls to DEST_URI one after another.  An answered/connected
 * call is dropped MS ms after it connects (--drop-after), or the tool waits
 * for the far end to hang up.  --uui is sent with the drop or rejection.
 * Both exit after N calls (default 1): 0 when each call went as asked, 1
 * otherwise (or when no call was in progress for --timeout seconds, default
 * 30; 0 waits forever), 2 for a usage error.  A call in progress (offered,
 * dialling, ringing, connected, being cleared) is never ended by --timeout:
 * it ends by --drop-after, by the far end, by SIP's own timers or by a
 * signal.  The timeline goes to stdout, one line
 * per action and message: every LINE_CALLSTATE with its state and mode
 * names, received UUI as hex, and a verdict per call (or one JSON object per
 * line with --json).  --ladder / --svg draw the calls at the end as a ladder
 * diagram: the tool, its SIP line and the far end, with the TAPI functions and
 * messages and, from the SIP message trace, every SIP message.
 *
 * --hold-after MS holds a connected call (lineHold) MS ms after it connects,
 * --hold-for MS takes it off hold that long after the hold succeeded; the far
 * end's hold (CONNECTED ACTIVEHELD) is printed as "held by peer", its end as
 * "resumed by peer".
 *
 * "As asked": answer --reject: the offered call was rejected (our lineDrop
 * took it IDLE); answer --redirect-to ADDR: it was redirected there (our
 * lineRedirect took it IDLE); --transfer-to: the call connected and
 * lineBlindTransfer succeeded (the call IDLE here).  Otherwise: the call
 * connected, every hold and unhold asked for succeeded, and the call ended by
 * our drop or by the far end with DISCONNECTED NORMAL. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "opentapi.h"
#include "tapi.h"
#include "tapi_tool.h"

#define API_VERSION 0x00020002u
#define MAX_UUI 65536u
#define SLICE_MS 200     /* longest single wait: signals are noticed this fast */

struct hexopt {
    unsigned char *p;
    DWORD len;
};

struct opts {
    bool answer;
    const char *line, *dest, *transport, *proxy, *registrar, *username, *password;
    const char *tls_cert, *tls_key, *tls_ca, *tls_verify; /* --tls-*: a TLS --line line */
    const char *redirect_to; /* answer: lineRedirect every offered call there */
    const char *trace, *pcap, *svg;
    const char *transfer_to; /* blind-transfer each call there once connected */
    bool reject, ladder, json;
    bool service_line; /* --line names a line of the telephony service */
    long device; /* -1: the first SIP line of OPENTAPI_CONFIG */
    unsigned char *uui;
    DWORD uui_len;
    struct hexopt call_uui, ring_uui;
    long ring;       /* ms to ring before answering, -1 = no lineAccept */
    long drop_after; /* ms, -1 = wait for the far end */
    long hold_after; /* ms after connecting to lineHold, -1 = never */
    long hold_for;   /* ms on hold before lineUnhold, -1 = stay on hold */
    const char *digits; /* --digits: DTMF sent once connected */
    unsigned long calls;
    unsigned timeout_s;
    int sip_log;
    char user[128];
};

struct tcall {
    bool used;        /* false once finished (freed when its slot is reused) */
    unsigned slot;    /* its index in calls[] */
    unsigned long no; /* 1, 2, ... in the order calls began */
    HCALL h;
    LONG make_req, answer_req, drop_req, accept_req, hold_req, unhold_req, xfer_req;
    bool offered, connected, disconnected, idle, drop_answered, xfer_answered;
    bool peer_held; /* the far end holds the call (CONNECTED ACTIVEHELD) */
    bool redirecting; /* drop_req is --redirect-to's lineRedirect */
    bool monitoring; /* lineMonitorDigits asked for */
    DWORD disc_mode;
    long long drop_at;   /* monotonic ms, 0 = no drop scheduled */
    long long answer_at; /* monotonic ms, 0 = no answer scheduled (--ring) */
    long long hold_at, unhold_at; /* monotonic ms, 0 = none scheduled (--hold-after/-for) */
    char why[192];     /* first reason the call did not go as asked */
};

static volatile sig_atomic_t stop_signal;
static long long t0;
static HLINEAPP app;
/* The calls in progress: a table that grows with them (no fixed limit, so no
 * offer is ever left unhandled); a finished call's slot is reused. */
static struct tcall **calls;
static unsigned ncap;
static unsigned long started, finished, failed;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_signal(int sig) { stop_signal = sig; }

/* ---- output -------------------------------------------------------------------- */
static void say(const struct tcall *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool out_json;

/* The timeline, kept for the ladder diagram (--ladder, --svg). */
struct tl_event {
    double when; /* CLOCK_REALTIME seconds, to merge with the SIP trace */
    unsigned long call;
    char text[160];
};
static struct tl_event *timeline;
static size_t ntimeline, cap_timeline;
static bool keep_timeline;
#define MAX_TIMELINE 200000

static void keep(const struct tcall *c, const char *text)
{
    if (!keep_timeline || ntimeline == MAX_TIMELINE)
        return;
    if (ntimeline == cap_timeline) {
        size_t cap = cap_timeline ? cap_timeline * 2 : 256;
        struct tl_event *b = realloc(timeline, cap * sizeof(*b));
        if (!b)
            return;
        timeline = b;
        cap_timeline = cap;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tl_event *e = &timeline[ntimeline++];
    e->when = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    e->call = c ? c->no : 0;
    size_t n = strlen(text);
    if (n >= sizeof(e->text))
        n = sizeof(e->text) - 1; /* a picture's label: the start is enough */
    memcpy(e->text, text, n);
    e->text[n] = '\0';
}

static void say(const struct tcall *c, const char *fmt, ...)
{
    long long t = now_ms() - t0;
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    keep(c, text);
    if (out_json) {
        printf("{\"time\":%lld.%03lld,\"call\":", t / 1000, t % 1000);
        if (c)
            printf("%lu", c->no);
        else
            printf("null");
        printf(",\"text\":");
        json_str(stdout, text);
        printf("}\n");
    } else if (c)
        printf("%4lld.%03lld call %-4lu %s\n", t / 1000, t % 1000, c->no, text);
    else
        printf("%4lld.%03lld           %s\n", t / 1000, t % 1000, text);
    fflush(stdout);
}

static void hex(char *out, size_t outlen, const unsigned char *p, DWORD len)
{
    static const char digits[] = "0123456789abcdef";
    size_t k = 0;
    for (DWORD i = 0; i < len && k + 2 < outlen; i++) {
        out[k++] = digits[p[i] >> 4];
        out[k++] = digits[p[i] & 15];
    }
    out[k] = '\0';
}

/* ---- arguments ------------------------------------------------------------------- */
static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "tapi: ");
    fprintf(stderr, fmt, arg ? arg : "");
    fprintf(stderr, "\n%s", tapi_help_answer_call);
    return 2;
}

static bool parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
    if (!s || !isdigit((unsigned char)s[0]))
        return false;
    errno = 0;
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool parse_hex(const char *s, struct hexopt *h)
{
    size_t n = strlen(s);
    if (n == 0 || n % 2 || n / 2 > MAX_UUI)
        return false;
    unsigned char *b = malloc(n / 2);
    if (!b)
        return false;
    for (size_t i = 0; i < n; i += 2) {
        int hi = hexval((unsigned char)s[i]), lo = hexval((unsigned char)s[i + 1]);
        if (hi < 0 || lo < 0) {
            free(b);
            return false;
        }
        b[i / 2] = (unsigned char)(hi << 4 | lo);
    }
    free(h->p);
    h->p = b;
    h->len = (DWORD)(n / 2);
    return true;
}

/* Text that goes into the configuration or a request URI: printable, no
 * spaces, no '#' (a comment), bounded. */
static bool clean_text(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || c == '#' || c == '"' || c == '<' || c == '>')
            return false;
    }
    return true;
}

/* sip:USER@IP:PORT, IP a dotted IPv4 address or [IPv6]; USER into o->user. */
static bool parse_line_uri(const char *s, struct opts *o)
{
    if (!clean_text(s, 200) || (strncmp(s, "sip:", 4) != 0 && strncmp(s, "sips:", 5) != 0))
        return false;
    const char *user = s + (s[3] == 's' ? 5 : 4), *at = strchr(user, '@');
    if (!at || at == user || (size_t)(at - user) >= sizeof(o->user))
        return false;
    for (const char *p = user; p < at; p++)
        if (!isalnum((unsigned char)*p) && !strchr("-_.!~*'+", *p))
            return false;
    memcpy(o->user, user, (size_t)(at - user));
    o->user[at - user] = '\0';
    const char *host = at + 1, *colon;
    if (*host == '[') {
        const char *close = strchr(host, ']');
        if (!close || close == host + 1 || close[1] != ':')
            return false;
        for (const char *p = host + 1; p < close; p++)
            if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
                return false;
        colon = close + 1;
    } else {
        colon = strchr(host, ':');
        if (!colon || colon == host)
            return false;
        for (const char *p = host; p < colon; p++)
            if (!isdigit((unsigned char)*p) && *p != '.')
                return false;
    }
    unsigned long port;
    return parse_ulong(colon + 1, 1, 65535, &port);
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    o->answer = !strcmp(argv[0], "answer");
    o->drop_after = -1;
    o->hold_after = o->hold_for = -1;
    o->ring = -1;
    o->device = -1;
    o->calls = 1;
    o->timeout_s = 30;
    o->transport = "udp";
    o->sip_log = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        unsigned long n;
        if (!strcmp(a, "--reject")) {
            if (!o->answer)
                return usage_error("--reject is an option of tapi answer%s", "");
            o->reject = true;
            continue;
        }
        if (!strcmp(a, "--ladder") || !strcmp(a, "--json")) {
            *(a[2] == 'l' ? &o->ladder : &o->json) = true;
            continue;
        }
        if (a[0] == '-' && a[1] == '-' && !v)
            return usage_error("%.40s needs a value", a);
        if (!strcmp(a, "--line")) {
            /* A line of the telephony service: its device number or address. */
            const char *srv = getenv("OPENTAPI_SERVER");
            if (strncmp(v, "sip:", 4) != 0 && srv && *srv && clean_text(v, 100))
                o->service_line = true;
            else if (!parse_line_uri(v, o))
                return usage_error("--line must be sip:USER@IP:PORT (or, with OPENTAPI_SERVER, "
                                   "a line of the telephony service), not %.80s", v);
            o->line = v;
        } else if (!strcmp(a, "--uui") || !strcmp(a, "--call-uui") || !strcmp(a, "--ring-uui")) {
            struct hexopt drop_uui = {o->uui, o->uui_len};
            struct hexopt *h = a[2] == 'u' ? &drop_uui : a[2] == 'c' ? &o->call_uui : &o->ring_uui;
            if (h == &o->ring_uui && !o->answer)
                return usage_error("--ring-uui is an option of tapi answer%s", "");
            bool ok = parse_hex(v, h);
            o->uui = drop_uui.p;
            o->uui_len = drop_uui.len;
            if (!ok)
                return usage_error("UUI must be hex, an even number of digits, at most "
                                   "65536 bytes: %.80s", v);
        } else if (!strcmp(a, "--ring")) {
            if (!o->answer)
                return usage_error("--ring is an option of tapi answer%s", "");
            if (!parse_ulong(v, 0, 86400000ul, &n))
                return usage_error("--ring must be milliseconds (0-86400000): %.40s", v);
            o->ring = (long)n;
        } else if (!strcmp(a, "--device")) {
            if (!parse_ulong(v, 0, 100000ul, &n))
                return usage_error("--device must be a line device number: %.40s", v);
            o->device = (long)n;
        } else if (!strcmp(a, "--registrar")) {
            if (!clean_text(v, 200) || strncmp(v, "sip:", 4))
                return usage_error("--registrar must be a SIP URI: %.80s", v);
            o->registrar = v;
        } else if (!strcmp(a, "--username") || !strcmp(a, "--password")) {
            if (!clean_text(v, 120))
                return usage_error("%s: printable, no spaces, at most 120 characters", a);
            *(a[2] == 'u' ? &o->username : &o->password) = v;
        } else if (!strcmp(a, "--trace") || !strcmp(a, "--pcap") || !strcmp(a, "--svg")) {
            if (!*v)
                return usage_error("%s needs a file name", a);
            *(a[2] == 't' ? &o->trace : a[2] == 'p' ? &o->pcap : &o->svg) = v;
        } else if (!strcmp(a, "--transfer-to")) {
            if (!clean_text(v, 250))
                return usage_error("--transfer-to: an address, printable, no spaces, at most 250 "
                                   "characters: %.40s", v ? v : "");
            o->transfer_to = v;
        } else if (!strcmp(a, "--drop-after")) {
            if (!parse_ulong(v, 0, 86400000ul, &n))
                return usage_error("--drop-after must be milliseconds (0-86400000): %.40s", v);
            o->drop_after = (long)n;
        } else if (!strcmp(a, "--hold-after") || !strcmp(a, "--hold-for")) {
            if (!parse_ulong(v, 0, 86400000ul, &n))
                return usage_error("%s must be milliseconds (0-86400000)", a);
            *(a[7] == 'a' ? &o->hold_after : &o->hold_for) = (long)n;
        } else if (!strcmp(a, "--digits")) {
            size_t dl = strlen(v);
            if (!dl || dl > 256 || strspn(v, "0123456789ABCDabcd*#,") != dl)
                return usage_error("--digits: 1 to 256 of 0-9 A-D * # and ',': %.40s", v);
            o->digits = v;
        } else if (!strcmp(a, "--calls")) {
            if (!parse_ulong(v, 1, 100000000ul, &n))
                return usage_error("--calls must be a number of calls (1 or more): %.40s", v);
            o->calls = n;
        } else if (!strcmp(a, "--timeout")) {
            if (!parse_ulong(v, 0, 86400ul, &n))
                return usage_error("--timeout must be seconds (0 = none): %.40s", v);
            o->timeout_s = (unsigned)n;
        } else if (!strcmp(a, "--transport")) {
            if (strcmp(v, "udp") && strcmp(v, "tcp") && strcmp(v, "tls"))
                return usage_error("--transport must be udp, tcp or tls: %.40s", v);
            o->transport = v;
        } else if (!strcmp(a, "--tls-certificate") || !strcmp(a, "--tls-key") ||
                   !strcmp(a, "--tls-ca")) {
            if (!clean_text(v, 200))
                return usage_error("%s: a file name, printable, no spaces, at most 200 "
                                   "characters", a);
            *(a[6] == 'c' && a[7] == 'e' ? &o->tls_cert
              : a[6] == 'k'              ? &o->tls_key
                                         : &o->tls_ca) = v;
        } else if (!strcmp(a, "--redirect-to")) {
            if (!o->answer)
                return usage_error("--redirect-to is an option of tapi answer%s", "");
            if (!clean_text(v, 200))
                return usage_error("--redirect-to must be an address (printable, no spaces): "
                                   "%.80s", v);
            o->redirect_to = v;
        } else if (!strcmp(a, "--tls-verify")) {
            if (strcmp(v, "out") && strcmp(v, "all") && strcmp(v, "none"))
                return usage_error("--tls-verify must be out, all or none: %.40s", v);
            o->tls_verify = v;
        } else if (!strcmp(a, "--proxy")) {
            if (!clean_text(v, 200) || strncmp(v, "sip:", 4))
                return usage_error("--proxy must be a SIP URI: %.80s", v);
            o->proxy = v;
        } else if (!strcmp(a, "--sip-log")) {
            if (!parse_ulong(v, 0, 9, &n))
                return usage_error("--sip-log must be 0-9: %.40s", v);
            o->sip_log = (int)n;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option %.40s", a);
        } else {
            if (o->answer)
                return usage_error("tapi answer takes no destination: %.80s", a);
            if (o->dest)
                return usage_error("one destination only: %.80s", a);
            if (!clean_text(a, 400))
                return usage_error("bad destination %.80s", a);
            o->dest = a;
            continue;
        }
        i++;
    }
    const char *env = getenv("OPENTAPI_CONFIG");
    if (!o->line && !(env && *env))
        return usage_error("--line sip:USER@IP:PORT or a configuration (OPENTAPI_CONFIG) is "
                           "needed%s", "");
    if (o->line && o->device >= 0)
        return usage_error("--device chooses a line of OPENTAPI_CONFIG: not with --line%s", "");
    if (!o->line && (o->proxy || o->registrar || o->username || o->password))
        return usage_error("--proxy, --registrar, --username and --password describe the "
                           "--line line (a configured line has them in OPENTAPI_CONFIG)%s", "");
    if (o->redirect_to && o->reject)
        return usage_error("--redirect-to or --reject, not both%s", "");
    bool tls_opt = o->tls_cert || o->tls_key || o->tls_ca || o->tls_verify;
    if (tls_opt && (!o->line || strcmp(o->transport, "tls")))
        return usage_error("--tls-certificate, --tls-key, --tls-ca and --tls-verify describe a "
                           "--line line with --transport tls%s", "");
    if (o->line && !strcmp(o->transport, "tls") && !o->tls_cert)
        return usage_error("--transport tls needs --tls-certificate FILE%s", "");
    if (!o->answer && !o->dest)
        return usage_error("tapi call needs a destination URI%s", "");
    if (o->hold_for >= 0 && o->hold_after < 0)
        return usage_error("--hold-for needs --hold-after%s", "");
    if (o->reject && o->hold_after >= 0)
        return usage_error("--hold-after holds a connected call: not with --reject%s", "");
    return 0;
}

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

static int open_line(const struct opts *o, HLINE *hl)
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

/* ---- calls ---------------------------------------------------------------------------- */
static struct tcall *call_new(void)
{
    unsigned i = 0;
    while (i < ncap && calls[i] && calls[i]->used)
        i++;
    if (i == ncap) {
        unsigned n = ncap ? ncap * 2 : 64;
        struct tcall **nc = realloc(calls, n * sizeof(*nc));
        if (!nc)
            return NULL;
        memset(nc + ncap, 0, (n - ncap) * sizeof(*nc));
        calls = nc;
        ncap = n;
    }
    struct tcall *c = i < ncap && calls[i] ? calls[i] : calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    memset(c, 0, sizeof(*c));
    c->used = true;
    c->slot = i;
    c->no = ++started;
    calls[i] = c;
    return c;
}

static struct tcall *call_by_handle(HCALL h)
{
    for (unsigned i = 0; i < ncap; i++)
        if (calls[i] && calls[i]->used && calls[i]->h == h && h)
            return calls[i];
    return NULL;
}

static struct tcall *call_by_request(LONG id)
{
    for (unsigned i = 0; i < ncap; i++)
        if (calls[i] && calls[i]->used && id > 0 &&
            (calls[i]->make_req == id || calls[i]->answer_req == id || calls[i]->drop_req == id ||
             calls[i]->accept_req == id || calls[i]->hold_req == id ||
             calls[i]->unhold_req == id || calls[i]->xfer_req == id))
            return calls[i];
    return NULL;
}

/* Why the call failed, in the provider's words (LINECALLINFO's DevSpecific
 * text, e.g. "SIP 503 DNS Error (local)"); "" when it says nothing. */
static void call_cause(HCALL h, char *out, size_t n)
{
    union {
        LINECALLINFO ci;
        unsigned char raw[sizeof(LINECALLINFO) + 2048];
    } u;
    memset(&u, 0, sizeof(u));
    u.ci.dwTotalSize = sizeof(u);
    out[0] = '\0';
    if (lineGetCallInfo(h, &u.ci) == 0 && u.ci.dwDevSpecificSize > 1)
        snprintf(out, n, "%.*s", (int)u.ci.dwDevSpecificSize - 1,
                 (const char *)u.raw + u.ci.dwDevSpecificOffset);
}

static void call_fail(struct tcall *c, const char *why)
{
    if (!c->why[0])
        snprintf(c->why, sizeof(c->why), "%s", why);
}

/* The call is over for the tool: verdict, handle released. */
static void call_finish(struct tcall *c)
{
    if (c->h)
        lineDeallocateCall(c->h);
    if (c->why[0]) {
        failed++;
        say(c, "FAILED: %s", c->why);
    } else
        say(c, "ok");
    finished++;
    c->used = false;
}

/* --hold-after / --hold-for: lineHold or lineUnhold; the state and the reply
 * come as messages. */
static void hold(struct tcall *c, bool on)
{
    LONG r = on ? lineHold(c->h) : lineUnhold(c->h);
    *(on ? &c->hold_at : &c->unhold_at) = 0;
    if (r < 0) {
        say(c, "%s: %s", on ? "lineHold" : "lineUnhold", otErrorName(r));
        call_fail(c, on ? "lineHold failed" : "lineUnhold failed");
        return;
    }
    *(on ? &c->hold_req : &c->unhold_req) = r;
    say(c, "%s -> request %ld", on ? "lineHold" : "lineUnhold", (long)r);
}

static void drop(struct tcall *c, const unsigned char *uui, DWORD len, const char *what)
{
    LONG r = lineDrop(c->h, (LPCSTR)uui, len);
    c->drop_at = c->hold_at = c->unhold_at = 0;
    if (r < 0) {
        say(c, "%s: lineDrop: %s", what, otErrorName(r));
        call_fail(c, "lineDrop failed");
        call_finish(c); /* nothing more will happen to it */
        return;
    }
    c->drop_req = r;
    if (len) {
        char hx[2 * 64 + 1]; /* the first 64 bytes */
        hex(hx, sizeof(hx), uui, len);
        say(c, "%s: lineDrop, UUI %s%s -> request %ld", what, hx, len > 64 ? "..." : "",
            (long)r);
    } else
        say(c, "%s: lineDrop -> request %ld", what, (long)r);
}

static void show_uui(struct tcall *c)
{
    union {
        LINECALLINFO ci;
        unsigned char raw[sizeof(LINECALLINFO) + MAX_UUI + 4096];
    } *u = malloc(sizeof(*u));
    if (!u)
        return;
    memset(&u->ci, 0, sizeof(u->ci));
    u->ci.dwTotalSize = sizeof(*u);
    LONG r = lineGetCallInfo(c->h, &u->ci);
    if (r == 0 && u->ci.dwUserUserInfoSize &&
        (uint64_t)u->ci.dwUserUserInfoOffset + u->ci.dwUserUserInfoSize <= u->ci.dwUsedSize) {
        DWORD n = u->ci.dwUserUserInfoSize;
        char *hx = malloc(2 * (size_t)n + 1);
        if (hx) {
            hex(hx, 2 * (size_t)n + 1, u->raw + u->ci.dwUserUserInfoOffset, n);
            say(c, "  UUI %s (%u bytes)", hx, (unsigned)n);
            free(hx);
        }
        /* Read: let newer UUI (e.g. the drop's) through. */
        lineReleaseUserUserInfo(c->h);
    }
    free(u);
}

static void show_offer(struct tcall *c)
{
    union {
        LINECALLINFO ci;
        unsigned char raw[sizeof(LINECALLINFO) + 2048];
    } u;
    memset(&u, 0, sizeof(u));
    u.ci.dwTotalSize = sizeof(u);
    if (lineGetCallInfo(c->h, &u.ci) != 0)
        return;
    const char *id = "", *name = "";
    if (u.ci.dwCallerIDSize && u.ci.dwCallerIDOffset + u.ci.dwCallerIDSize <= u.ci.dwUsedSize &&
        u.raw[u.ci.dwCallerIDOffset + u.ci.dwCallerIDSize - 1] == '\0')
        id = (const char *)u.raw + u.ci.dwCallerIDOffset;
    if (u.ci.dwCallerIDNameSize &&
        u.ci.dwCallerIDNameOffset + u.ci.dwCallerIDNameSize <= u.ci.dwUsedSize &&
        u.raw[u.ci.dwCallerIDNameOffset + u.ci.dwCallerIDNameSize - 1] == '\0')
        name = (const char *)u.raw + u.ci.dwCallerIDNameOffset;
    say(c, "  from %s%s%s%s", id, name[0] ? " (" : "", name, name[0] ? ")" : "");
}

/* "what -> request N", with the UUI sent (the first 64 bytes as hex). */
static void say_uui(const struct tcall *c, const char *what, const struct hexopt *u, LONG req)
{
    if (u->len) {
        char hx[2 * 64 + 1];
        hex(hx, sizeof(hx), u->p, u->len);
        say(c, "%s, UUI %s%s -> request %ld", what, hx, u->len > 64 ? "..." : "", (long)req);
    } else
        say(c, "%s -> request %ld", what, (long)req);
}

/* --transfer-to: lineBlindTransfer of the connected call; the reply says how
 * it went (the call goes IDLE first when it succeeds). */
static void transfer(const struct opts *o, struct tcall *c)
{
    LONG r = lineBlindTransfer(c->h, o->transfer_to, 0);
    if (r < 0) {
        say(c, "lineBlindTransfer %s: %s", o->transfer_to, otErrorName(r));
        call_fail(c, "lineBlindTransfer failed");
        drop(c, NULL, 0, "clear");
        return;
    }
    c->xfer_req = r;
    say(c, "lineBlindTransfer %s -> request %ld", o->transfer_to, (long)r);
    say(c, "transfer: REFER sent, waiting for its outcome");
}

/* The offered call: answered (with --call-uui's UUI) or rejected. */
static void answer_or_reject(const struct opts *o, struct tcall *c)
{
    c->answer_at = 0;
    if (o->reject) {
        drop(c, o->uui, o->uui_len, "reject");
        return;
    }
    if (o->redirect_to) {
        /* the request that takes the call IDLE, as a drop's would */
        LONG r = lineRedirect(c->h, o->redirect_to, 0);
        if (r < 0) {
            say(c, "lineRedirect %s: %s", o->redirect_to, otErrorName(r));
            call_fail(c, "lineRedirect failed");
            drop(c, NULL, 0, "give up");
            return;
        }
        c->drop_req = r;
        c->redirecting = true;
        say(c, "lineRedirect %s -> request %ld", o->redirect_to, (long)r);
        return;
    }
    LONG r = lineAnswer(c->h, (LPCSTR)o->call_uui.p, o->call_uui.len);
    if (r < 0) {
        say(c, "lineAnswer: %s", otErrorName(r));
        call_fail(c, "lineAnswer failed");
        drop(c, NULL, 0, "give up");
    } else {
        c->answer_req = r;
        say_uui(c, "lineAnswer", &o->call_uui, r);
    }
}

static void on_state(const struct opts *o, struct tcall *c, DWORD state, DWORD mode)
{
    const char *mname = otCallStateModeName(state, mode);
    say(c, "LINE_CALLSTATE %s%s%s", otCallStateName(state), mname[0] ? " " : "", mname);
    if (!c->monitoring && state != LINECALLSTATE_IDLE && state != LINECALLSTATE_DISCONNECTED) {
        /* from the first state on, so that no digit of the far end is missed;
         * a line that detects none says so once */
        c->monitoring = true;
        LONG r = lineMonitorDigits(c->h, LINEDIGITMODE_DTMF);
        if (r)
            say(c, "lineMonitorDigits: %s", otErrorName(r));
    }
    switch (state) {
    case LINECALLSTATE_OFFERING:
        c->offered = true;
        show_offer(c);
        show_uui(c);
        if (o->ring >= 0 || o->ring_uui.len) {
            /* 180 Ringing (with --ring-uui's UUI), then answer after --ring ms */
            LONG r = lineAccept(c->h, (LPCSTR)o->ring_uui.p, o->ring_uui.len);
            if (r < 0) {
                say(c, "lineAccept: %s", otErrorName(r));
                call_fail(c, "lineAccept failed");
            } else {
                c->accept_req = r;
                say_uui(c, "lineAccept", &o->ring_uui, r);
            }
            if (o->ring > 0) {
                c->answer_at = now_ms() + o->ring;
                break;
            }
        }
        answer_or_reject(o, c);
        break;
    case LINECALLSTATE_CONNECTED:
        if (!c->connected && o->transfer_to && !o->reject)
            transfer(o, c);
        else if (!c->connected && o->digits) {
            LONG r = lineGenerateDigits(c->h, LINEDIGITMODE_DTMF, o->digits, 0);
            say(c, "lineGenerateDigits %s -> %s", o->digits, otErrorName(r));
            if (r) {
                call_fail(c, "lineGenerateDigits failed");
                if (o->drop_after >= 0)
                    c->drop_at = now_ms() + o->drop_after;
            } /* else the drop is timed from LINE_GENERATE */
        } else if (!c->connected && o->drop_after >= 0)
            c->drop_at = now_ms() + o->drop_after;
        if (!c->connected && o->hold_after >= 0)
            c->hold_at = now_ms() + o->hold_after;
        if (mode == LINECONNECTEDMODE_ACTIVEHELD && !c->peer_held)
            say(c, "held by peer");
        else if (mode != LINECONNECTEDMODE_ACTIVEHELD && c->peer_held)
            say(c, "resumed by peer");
        c->peer_held = mode == LINECONNECTEDMODE_ACTIVEHELD;
        c->connected = true;
        if (o->reject)
            call_fail(c, "connected although rejected");
        break;
    case LINECALLSTATE_DISCONNECTED:
        c->disconnected = true;
        c->disc_mode = mode;
        c->drop_at = c->answer_at = c->hold_at = c->unhold_at = 0;
        /* A drop already asked for crossed the far end's: as asked. */
        if (!c->drop_req) {
            char why[192], cause[128];
            call_cause(c->h, cause, sizeof(cause));
            if (cause[0]) /* e.g. "failed: SIP 503 DNS Error (local) -> BADADDRESS" */
                snprintf(why, sizeof(why), "%s -> %s", cause, mname);
            else
                snprintf(why, sizeof(why), "the far end ended it: DISCONNECTED %s", mname);
            if (!c->connected || mode != LINEDISCONNECTMODE_NORMAL || o->reject)
                call_fail(c, why);
            drop(c, NULL, 0, "clear");
        }
        break;
    case LINECALLSTATE_IDLE:
        c->idle = true;
        c->drop_at = c->answer_at = c->hold_at = c->unhold_at = 0;
        if (!c->drop_req && !c->disconnected && !c->xfer_req)
            call_fail(c, c->offered ? "the caller abandoned the offer" : "went IDLE");
        break;
    default:
        break;
    }
}

static void on_reply(const struct opts *o, struct tcall *c, LONG id, LONG result)
{
    say(c, "LINE_REPLY request %ld %s", (long)id, otErrorName(result));
    if (id == c->make_req) {
        if (result) {
            call_fail(c, "lineMakeCall failed");
            c->h = 0;
            call_finish(c);
        }
    } else if (id == c->answer_req) {
        if (result)
            call_fail(c, "lineAnswer failed");
    } else if (id == c->accept_req) {
        if (result)
            call_fail(c, "lineAccept failed");
    } else if (id == c->xfer_req) {
        c->xfer_answered = true;
        if (result) {
            say(c, "transfer: failed (%s), the call stays", otErrorName(result));
            call_fail(c, "the transfer failed");
            if (!c->idle && !c->drop_req)
                drop(c, NULL, 0, "clear");
        } else
            say(c, "transfer: done, the call is the transfer target's now");
    } else if (id == c->drop_req) {
        c->drop_answered = true;
        if (result)
            call_fail(c, c->redirecting ? "lineRedirect failed" : "lineDrop failed");
    } else if (id == c->hold_req) {
        if (result)
            call_fail(c, "lineHold failed");
        else if (o->hold_for >= 0 && !c->disconnected && !c->drop_req)
            c->unhold_at = now_ms() + o->hold_for;
    } else if (id == c->unhold_req) {
        if (result)
            call_fail(c, "lineUnhold failed");
    }
}

/* A call is over for the tool once it is IDLE and the drop that took it
 * there (if any) has its reply, or once that drop failed. */
static void maybe_finish(struct tcall *c)
{
    if (c->used && ((c->idle && (!c->drop_req || c->drop_answered) &&
                     (!c->xfer_req || c->xfer_answered)) ||
                    (c->drop_answered && c->why[0])))
        call_finish(c);
}

static void on_message(const struct opts *o, const LINEMESSAGE *m)
{
    switch (m->dwMessageID) {
    case LINE_APPNEWCALL: {
        if (!o->answer || started >= o->calls)
            break; /* not ours to take: left offering, dropped at shutdown */
        struct tcall *c = call_new();
        if (!c) {
            /* Never left ringing unanswered: refused, and counted as failed. */
            say(NULL, "out of memory: call refused");
            lineDrop((HCALL)m->dwParam2, NULL, 0);
            lineDeallocateCall((HCALL)m->dwParam2);
            failed++;
            finished++;
            started++;
            break;
        }
        c->h = (HCALL)m->dwParam2;
        say(c, "LINE_APPNEWCALL");
        break;
    }
    case LINE_CALLSTATE: {
        struct tcall *c = call_by_handle((HCALL)m->hDevice);
        if (!c)
            break;
        on_state(o, c, (DWORD)m->dwParam1, (DWORD)m->dwParam2);
        maybe_finish(c);
        break;
    }
    case LINE_CALLINFO: {
        struct tcall *c = call_by_handle((HCALL)m->hDevice);
        if (c && (m->dwParam1 & LINECALLINFOSTATE_USERUSERINFO)) {
            say(c, "LINE_CALLINFO USERUSERINFO");
            show_uui(c);
        }
        if (c && (m->dwParam1 & LINECALLINFOSTATE_DEVSPECIFIC)) {
            /* a transfer's progress ("transfer: SIP 180 Ringing"), or received
             * UUI the line could not take ("UUI dropped: ...", docs/sip.md) */
            char text[160];
            call_cause(c->h, text, sizeof(text));
            say(c, "LINE_CALLINFO DEVSPECIFIC%s%s", text[0] ? " " : "", text);
            if (!strncmp(text, "UUI dropped", 11))
                say(c, "  warning: %s", text);
        }
        break;
    }
    case LINE_MONITORDIGITS: {
        struct tcall *c = call_by_handle((HCALL)m->hDevice);
        if (c)
            say(c, "LINE_MONITORDIGITS %c", (char)(m->dwParam1 & 0xff));
        break;
    }
    case LINE_GENERATE: {
        struct tcall *c = call_by_handle((HCALL)m->hDevice);
        if (!c)
            break;
        bool done = m->dwParam1 == LINEGENERATETERM_DONE;
        say(c, "LINE_GENERATE %s", done ? "DONE" : "CANCEL");
        if (!done)
            call_fail(c, "the digits were not all sent");
        if (o->drop_after >= 0 && c->connected && !c->disconnected && !c->drop_req)
            c->drop_at = now_ms() + o->drop_after;
        break;
    }
    case LINE_REPLY: {
        struct tcall *c = call_by_request((LONG)m->dwParam1);
        if (!c)
            break; /* lineReleaseUserUserInfo */
        on_reply(o, c, (LONG)m->dwParam1, (LONG)m->dwParam2);
        maybe_finish(c);
        break;
    }
    default:
        break;
    }
}

static bool place_call(const struct opts *o, HLINE hl)
{
    struct tcall *c = call_new();
    if (!c)
        return false;
    LINECALLPARAMS *cp = NULL;
    if (o->call_uui.len) {
        cp = calloc(1, sizeof(LINECALLPARAMS) + o->call_uui.len);
        if (!cp) {
            say(c, "out of memory");
            call_fail(c, "out of memory");
            c->h = 0;
            call_finish(c);
            return true;
        }
        cp->dwTotalSize = (DWORD)(sizeof(LINECALLPARAMS) + o->call_uui.len);
        cp->dwUserUserInfoSize = o->call_uui.len;
        cp->dwUserUserInfoOffset = sizeof(LINECALLPARAMS);
        memcpy((unsigned char *)cp + sizeof(LINECALLPARAMS), o->call_uui.p, o->call_uui.len);
    }
    LONG r = lineMakeCall(hl, &c->h, o->dest, 0, cp);
    free(cp);
    if (r < 0) {
        say(c, "lineMakeCall %s: %s", o->dest, otErrorName(r));
        call_fail(c, "lineMakeCall failed");
        c->h = 0;
        call_finish(c);
        return true;
    }
    c->make_req = r;
    char what[460];
    snprintf(what, sizeof(what), "lineMakeCall %s", o->dest);
    say_uui(c, what, &o->call_uui, r);
    return true;
}

/* Every call in calls[] was started (call_new) and is not finished yet
 * (call_finish frees its slot). */
static unsigned long active_calls(void) { return started - finished; }

static int run(const struct opts *o)
{
    HLINE hl = 0;
    int rc = open_line(o, &hl);
    if (rc)
        return rc;
    /* --timeout counts only while no call is in progress: a connected call
     * waiting for the far end (no --drop-after) is never cut short. */
    long long idle_since = now_ms();
    bool timed_out = false;
    while (finished < o->calls && !stop_signal) {
        if (!o->answer && active_calls() == 0 && started < o->calls)
            place_call(o, hl);
        /* Due drops first, then wait for a message until the next one. */
        long long now = now_ms(), next = now + SLICE_MS;
        for (unsigned i = 0; i < ncap; i++) {
            struct tcall *c = calls[i];
            if (c && c->used && c->answer_at) {
                if (c->answer_at <= now)
                    answer_or_reject(o, c);
                else if (c->answer_at < next)
                    next = c->answer_at;
            }
            if (c && c->used && c->hold_at) {
                if (c->hold_at <= now)
                    hold(c, true);
                else if (c->hold_at < next)
                    next = c->hold_at;
            }
            if (c && c->used && c->unhold_at) {
                if (c->unhold_at <= now)
                    hold(c, false);
                else if (c->unhold_at < next)
                    next = c->unhold_at;
            }
            if (!c || !c->used || !c->drop_at)
                continue;
            if (c->drop_at <= now)
                drop(c, o->uui, o->uui_len, "drop");
            else if (c->drop_at < next)
                next = c->drop_at;
        }
        if (finished >= o->calls)
            break;
        LINEMESSAGE m;
        DWORD wait = (DWORD)(next > now ? next - now : 0);
        if (lineGetMessage(app, &m, wait) == 0) {
            bool busy = active_calls() > 0;
            on_message(o, &m);
            if (busy || active_calls())
                idle_since = now_ms();
            continue;
        }
        if (active_calls()) {
            idle_since = now_ms();
            continue;
        }
        if (o->timeout_s && now_ms() - idle_since > (long long)o->timeout_s * 1000) {
            timed_out = true;
            break;
        }
    }
    if (stop_signal)
        say(NULL, "stopped by signal %d", (int)stop_signal);
    else if (timed_out)
        say(NULL, "timeout: no call in progress for %u s", o->timeout_s);
    unsigned long unfinished = o->calls - finished;
    for (unsigned i = 0; i < ncap; i++) {
        if (calls[i] && calls[i]->used) {
            call_fail(calls[i], "not finished");
            call_finish(calls[i]);
        }
        free(calls[i]);
    }
    free(calls);
    calls = NULL;
    ncap = 0;
    lineShutdown(app);
    otSetConfig(NULL);
    say(NULL, "%lu call%s: %lu ok, %lu failed%s", finished, finished == 1 ? "" : "s",
        finished - failed, failed, unfinished ? ", not all calls happened" : "");
    return failed == 0 && finished == o->calls && !unfinished ? 0 : 1;
}

/* ---- pictures: the TAPI timeline and the SIP trace in one ladder diagram ---- */
static void draw_ladder(const struct opts *o, const struct trace *t)
{
    const char *me = o->answer ? "tapi answer" : "tapi call";
    const char *line = o->line ? o->line : "SIP line";
    char title[300];
    snprintf(title, sizeof(title), "%s on %s", me, line);
    ladder_begin(title);
    ladder_party(me);
    ladder_party(line);
    size_t i = 0;
    unsigned k = 0;
    while (i < ntimeline || (t && k < t->n)) {
        bool sip = t && k < t->n && (i == ntimeline || t->rec[k].time < timeline[i].when);
        if (sip) {
            const struct trace_rec *r = &t->rec[k++];
            char first[120];
            trace_first_line(r, first, sizeof(first));
            if (r->sent)
                ladder_event(line, r->remote, "%s", first);
            else
                ladder_event(r->remote, line, "%s", first);
            continue;
        }
        const struct tl_event *e = &timeline[i++];
        char call[32] = "";
        if (e->call)
            snprintf(call, sizeof(call), "call %lu: ", e->call);
        if (!strncmp(e->text, "LINE_", 5))
            ladder_event(line, me, "%s%s", call, e->text);
        else if (!strncmp(e->text, "line", 4) && strstr(e->text, "-> request"))
            ladder_event(me, line, "%s%s", call, e->text);
        else if (strstr(e->text, ": lineDrop"))
            ladder_event(me, line, "%s%s", call, e->text);
        else if (e->call && (!strcmp(e->text, "ok") || !strncmp(e->text, "FAILED", 6)))
            ladder_event(me, me, "%s%s", call, e->text);
    }
}

/* After the run: the trace as pcap, the ladder diagram.  0 or 1. */
static int pictures(const struct opts *o, const char *trace_path)
{
    int rc = 0;
    struct trace t;
    bool have = false;
    char err[200];
    if (trace_path) {
        if (trace_read(trace_path, &t, err, sizeof(err)) == 0)
            have = true;
        else if (strcmp(err, "record 1: no header line")) { /* an empty trace is no error */
            fprintf(stderr, "tapi: SIP trace %.200s: %s\n", trace_path, err);
            rc = 1;
        }
    }
    if (o->pcap) {
        struct trace none = {NULL, NULL, 0};
        if (trace_write_pcap(have ? &t : &none, o->pcap, err, sizeof(err)) != 0) {
            fprintf(stderr, "tapi: %.200s: %s\n", o->pcap, err);
            rc = 1;
        }
    }
    if (o->ladder || o->svg) {
        draw_ladder(o, have ? &t : NULL);
        if (o->ladder && !o->json)
            ladder_print_last(stdout);
        if (o->svg && ladder_write_svg(o->svg) != 0) {
            fprintf(stderr, "tapi: cannot write %.200s\n", o->svg);
            rc = 1;
        }
        ladder_free();
    }
    if (have)
        trace_free(&t);
    return rc;
}

static int cmd(int argc, char **argv)
{
    struct opts o;
    memset(&o, 0, sizeof(o));
    int rc = parse_args(argc, argv, &o);
    char tmp_trace[] = "/tmp/tapi-trace-XXXXXX";
    const char *trace_path = NULL;
    bool tmp_made = false;
    if (rc == 0) {
        out_json = o.json;
        keep_timeline = o.ladder || o.svg;
        /* The SIP message trace: asked for, or needed for the pcap and the ladder. */
        if (o.trace) {
            FILE *f = fopen(o.trace, "w");
            if (!f) {
                fprintf(stderr, "tapi: %.200s: %s\n", o.trace, strerror(errno));
                rc = 1;
            } else {
                fclose(f);
                trace_path = o.trace;
            }
        } else if (o.pcap || keep_timeline) {
            int fd = mkstemp(tmp_trace);
            if (fd < 0) {
                fprintf(stderr, "tapi: a temporary trace file: %s\n", strerror(errno));
                rc = 1;
            } else {
                close(fd);
                tmp_made = true;
                trace_path = tmp_trace;
            }
        }
        if (trace_path)
            setenv("OPENTAPI_SIP_TRACE", trace_path, 1);
    }
    if (rc == 0) {
        t0 = now_ms();
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        rc = run(&o);
        int prc = pictures(&o, trace_path);
        if (rc == 0)
            rc = prc;
    }
    if (tmp_made)
        unlink(tmp_trace);
    free(timeline);
    free(o.uui);
    free(o.call_uui.p);
    free(o.ring_uui.p);
    return rc;
}

int tapi_cmd_answer(int argc, char **argv) { return cmd(argc, argv); }
int tapi_cmd_call(int argc, char **argv) { return cmd(argc, argv); }
