/* `tapi answer` and `tapi call`: the command line, checked into struct opts
 * (tapi_sip.h); a usage error prints the help (tapi_help_answer_call in
 * tapi.c) and gives exit status 2.  Split from tapi_sip.c. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentapi.h"
#include "tapi.h"
#include "tapi_tool.h"
#include "tapi_sip.h"

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

int parse_args(int argc, char **argv, struct opts *o)
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
