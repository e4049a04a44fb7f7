/* The SIP provider's mapping tables: UUI as RFC 7433 User-to-User hex, the
 * RFC 3326 Reason header's Q.850 causes, final SIP responses to TAPI
 * disconnect modes (docs/sip.md, "Mapping"), and the direction of an SDP
 * body's first stream (docs/sip.md, "Hold").  Pure functions on strings, no
 * Sofia types, so that the tests can feed them anything a network can send.
 * docs/sip.md has the same tables in prose. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sip.h"

#define DIR_BOTH (OT_SIP_SDP_SEND | OT_SIP_SDP_RECV)

/* ---- hex ---------------------------------------------------------------- */
size_t ot_sip_hex_encode(const void *data, size_t len, char *out, size_t outlen)
{
    static const char digits[] = "0123456789abcdef";
    const unsigned char *p = data;
    if (len > (outlen - 1) / 2 || outlen == 0)
        return 0;
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * len] = '\0';
    return 2 * len;
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

long ot_sip_hex_decode(const char *hex, size_t hexlen, unsigned char *out, size_t outlen)
{
    if (hexlen % 2 || hexlen / 2 > outlen)
        return -1;
    for (size_t i = 0; i < hexlen; i += 2) {
        int hi = hexval((unsigned char)hex[i]), lo = hexval((unsigned char)hex[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i / 2] = (unsigned char)(hi << 4 | lo);
    }
    return (long)(hexlen / 2);
}

char *ot_sip_uui_header(const void *data, size_t len)
{
    static const char name[] = "User-to-User: ", params[] = ";encoding=hex;purpose=isdn-uui";
    if (!data || !len || len > OT_SIP_UUI_MAX)
        return NULL;
    size_t n = sizeof(name) - 1 + 2 * len + sizeof(params);
    char *h = malloc(n);
    if (!h)
        return NULL;
    memcpy(h, name, sizeof(name) - 1);
    ot_sip_hex_encode(data, len, h + sizeof(name) - 1, 2 * len + 1);
    memcpy(h + sizeof(name) - 1 + 2 * len, params, sizeof(params));
    return h;
}

/* ---- User-to-User (RFC 7433) --------------------------------------------
 * uui-value = uui-data *(SEMI uui-param); uui-data = token / quoted-string;
 * uui-param = purpose / content / encoding / generic-param. */
struct span {
    const char *p;
    size_t n;
};

static bool span_ieq(struct span s, const char *lit)
{
    size_t n = strlen(lit);
    if (s.n != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)s.p[i]) != tolower((unsigned char)lit[i]))
            return false;
    return true;
}

static struct span trim_span(const char *p, size_t n)
{
    while (n && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '\n'))
        n--;
    return (struct span){p, n};
}

/* Length of one element up to a separator outside quotes; -1 if a quote is
 * left open. */
static long element_len(const char *p, size_t n, char sep)
{
    bool quoted = false;
    for (size_t i = 0; i < n; i++) {
        if (quoted && p[i] == '\\' && i + 1 < n)
            i++;
        else if (p[i] == '"')
            quoted = !quoted;
        else if (!quoted && p[i] == sep)
            return (long)i;
    }
    return quoted ? -1 : (long)n;
}

static bool is_token(struct span s)
{
    static const char extra[] = "-.!%*_+`'~";
    if (!s.n)
        return false;
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (!isalnum(c) && !strchr(extra, c))
            return false;
    }
    return true;
}

/* One uui-value.  Returns NONE when it is not an isdn-uui value. */
static enum ot_sip_uui_result parse_value(struct span v, unsigned char *out, size_t outlen,
                                          size_t *outn)
{
    long dl = element_len(v.p, v.n, ';');
    if (dl < 0)
        return OT_SIP_UUI_MALFORMED;
    struct span data = trim_span(v.p, (size_t)dl);
    bool encoding_hex = true, ours = true, bad = false;
    size_t pos = (size_t)dl;
    while (pos < v.n) {
        pos++; /* the ';' */
        long pl = element_len(v.p + pos, v.n - pos, ';');
        if (pl < 0)
            return OT_SIP_UUI_MALFORMED;
        struct span prm = trim_span(v.p + pos, (size_t)pl);
        pos += (size_t)pl;
        const char *eq = memchr(prm.p, '=', prm.n);
        struct span name = trim_span(prm.p, eq ? (size_t)(eq - prm.p) : prm.n);
        struct span val = eq ? trim_span(eq + 1, prm.n - (size_t)(eq - prm.p) - 1)
                             : (struct span){"", 0};
        if (!is_token(name)) {
            bad = true;
            continue;
        }
        if (val.n >= 2 && val.p[0] == '"' && val.p[val.n - 1] == '"')
            val = (struct span){val.p + 1, val.n - 2};
        if (span_ieq(name, "purpose"))
            ours = ours && span_ieq(val, "isdn-uui");
        else if (span_ieq(name, "content"))
            ours = ours && span_ieq(val, "isdn-uui");
        else if (span_ieq(name, "encoding"))
            encoding_hex = span_ieq(val, "hex");
    }
    if (!ours)
        return OT_SIP_UUI_NONE; /* another package: not for TAPI */
    if (bad || !encoding_hex)
        return OT_SIP_UUI_MALFORMED;
    if (data.n >= 2 && data.p[0] == '"' && data.p[data.n - 1] == '"')
        data = (struct span){data.p + 1, data.n - 2};
    if (data.n == 0 || data.n % 2)
        return OT_SIP_UUI_MALFORMED;
    for (size_t i = 0; i < data.n; i++)
        if (hexval((unsigned char)data.p[i]) < 0)
            return OT_SIP_UUI_MALFORMED;
    if (data.n / 2 > outlen) {
        *outn = data.n / 2; /* what it would have taken */
        return OT_SIP_UUI_TOOBIG;
    }
    long n = ot_sip_hex_decode(data.p, data.n, out, outlen);
    if (n <= 0)
        return OT_SIP_UUI_MALFORMED;
    *outn = (size_t)n;
    return OT_SIP_UUI_OK;
}

enum ot_sip_uui_result ot_sip_uui_parse(const char *value, unsigned char *out, size_t outlen,
                                        size_t *outn)
{
    if (!value)
        return OT_SIP_UUI_NONE;
    size_t n = strlen(value), pos = 0;
    if (trim_span(value, n).n == 0)
        return OT_SIP_UUI_MALFORMED;
    while (pos <= n) {
        long el = element_len(value + pos, n - pos, ',');
        if (el < 0)
            return OT_SIP_UUI_MALFORMED;
        struct span v = trim_span(value + pos, (size_t)el);
        if (v.n == 0)
            return OT_SIP_UUI_MALFORMED; /* ",," or a trailing comma */
        enum ot_sip_uui_result r = parse_value(v, out, outlen, outn);
        if (r != OT_SIP_UUI_NONE)
            return r;
        pos += (size_t)el + 1;
    }
    return OT_SIP_UUI_NONE;
}

/* ---- Reason and disconnect modes ------------------------------------------ */
int ot_sip_q850_cause(const char *protocol, const char *cause)
{
    if (!protocol || !cause || strcasecmp(protocol, "Q.850") != 0)
        return -1;
    if (!*cause || strlen(cause) > 3)
        return -1;
    int v = 0;
    for (const char *p = cause; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
    }
    return v <= 127 ? v : -1;
}

/* Q.850 (ITU-T) cause values and the TAPI mode each one means; the pairs
 * follow docs/sip.md (RFC 4497 / FreeSWITCH's table). */
static const struct {
    int cause;
    DWORD mode;
} q850_modes[] = {
    {1, LINEDISCONNECTMODE_BADADDRESS},     /* unallocated number */
    {2, LINEDISCONNECTMODE_UNREACHABLE},    /* no route to transit network */
    {3, LINEDISCONNECTMODE_UNREACHABLE},    /* no route to destination */
    {16, LINEDISCONNECTMODE_NORMAL},        /* normal call clearing */
    {17, LINEDISCONNECTMODE_BUSY},          /* user busy */
    {18, LINEDISCONNECTMODE_NOANSWER},      /* no user responding */
    {19, LINEDISCONNECTMODE_NOANSWER},      /* no answer from user */
    {20, LINEDISCONNECTMODE_UNREACHABLE},   /* subscriber absent */
    {21, LINEDISCONNECTMODE_REJECT},        /* call rejected */
    {22, LINEDISCONNECTMODE_NUMBERCHANGED}, /* number changed */
    {23, LINEDISCONNECTMODE_FORWARDED},     /* redirection to new destination */
    {26, LINEDISCONNECTMODE_PICKUP},        /* non-selected user clearing */
    {27, LINEDISCONNECTMODE_OUTOFORDER},    /* destination out of order */
    {28, LINEDISCONNECTMODE_BADADDRESS},    /* invalid number format */
    {31, LINEDISCONNECTMODE_NORMAL},        /* normal, unspecified */
    {34, LINEDISCONNECTMODE_CONGESTION},    /* no circuit/channel available */
    {38, LINEDISCONNECTMODE_OUTOFORDER},    /* network out of order */
    {41, LINEDISCONNECTMODE_TEMPFAILURE},   /* temporary failure */
    {42, LINEDISCONNECTMODE_CONGESTION},    /* switching equipment congestion */
    {49, LINEDISCONNECTMODE_QOSUNAVAIL},    /* quality of service not available */
    {54, LINEDISCONNECTMODE_BLOCKED},       /* incoming calls barred */
    {55, LINEDISCONNECTMODE_BLOCKED},       /* incoming calls barred within CUG */
    {58, LINEDISCONNECTMODE_INCOMPATIBLE},  /* bearer capability not available */
    {65, LINEDISCONNECTMODE_INCOMPATIBLE},  /* bearer capability not implemented */
    {88, LINEDISCONNECTMODE_INCOMPATIBLE},  /* incompatible destination */
};

DWORD ot_sip_q850_mode(int cause)
{
    for (size_t i = 0; i < sizeof(q850_modes) / sizeof(q850_modes[0]); i++)
        if (q850_modes[i].cause == cause)
            return q850_modes[i].mode;
    return 0;
}

DWORD ot_sip_bye_mode(int q850)
{
    DWORD m = q850 >= 0 ? ot_sip_q850_mode(q850) : 0;
    return m ? m : LINEDISCONNECTMODE_NORMAL;
}

/* Final responses to an INVITE.  A status missing here falls back to the
 * Q.850 cause of the response's Reason header, if any, then to UNKNOWN (4xx)
 * or UNAVAIL (5xx, 6xx). */
static const struct {
    int status;
    DWORD mode;
} status_modes[] = {
    {401, LINEDISCONNECTMODE_BLOCKED}, /* our credentials were refused */
    {402, LINEDISCONNECTMODE_BLOCKED},
    {403, LINEDISCONNECTMODE_REJECT},
    {404, LINEDISCONNECTMODE_BADADDRESS},
    {407, LINEDISCONNECTMODE_BLOCKED},
    {408, LINEDISCONNECTMODE_NOANSWER},
    {410, LINEDISCONNECTMODE_NUMBERCHANGED},
    {414, LINEDISCONNECTMODE_BADADDRESS},
    {415, LINEDISCONNECTMODE_INCOMPATIBLE},
    {480, LINEDISCONNECTMODE_NOANSWER},
    {482, LINEDISCONNECTMODE_UNREACHABLE}, /* loop detected */
    {483, LINEDISCONNECTMODE_UNREACHABLE}, /* too many hops */
    {484, LINEDISCONNECTMODE_BADADDRESS},
    {485, LINEDISCONNECTMODE_BADADDRESS},
    {486, LINEDISCONNECTMODE_BUSY},
    {487, LINEDISCONNECTMODE_CANCELLED}, /* terminated by someone else */
    {488, LINEDISCONNECTMODE_INCOMPATIBLE},
    {502, LINEDISCONNECTMODE_OUTOFORDER},
    {600, LINEDISCONNECTMODE_BUSY},
    {603, LINEDISCONNECTMODE_REJECT},
    {604, LINEDISCONNECTMODE_BADADDRESS},
    {606, LINEDISCONNECTMODE_INCOMPATIBLE},
};

DWORD ot_sip_status_mode(int status, int q850)
{
    if (status >= 300 && status < 400)
        return LINEDISCONNECTMODE_FORWARDED;
    if (status == 503)
        return q850 == 34 || q850 == 42 ? LINEDISCONNECTMODE_CONGESTION
                                        : LINEDISCONNECTMODE_TEMPFAILURE;
    for (size_t i = 0; i < sizeof(status_modes) / sizeof(status_modes[0]); i++)
        if (status_modes[i].status == status)
            return status_modes[i].mode;
    DWORD m = q850 >= 0 ? ot_sip_q850_mode(q850) : 0;
    if (m && m != LINEDISCONNECTMODE_NORMAL)
        return m;
    return status >= 500 ? LINEDISCONNECTMODE_UNAVAIL : LINEDISCONNECTMODE_UNKNOWN;
}

/* Final responses our own SIP stack makes (nta_sip_is_internal) when the
 * far end gave none: a name that does not resolve is a bad address; no
 * transport, a transport error (ICMP unreachable, connection refused, a TLS
 * handshake or certificate refused: Sofia's plain "503 Service Unavailable")
 * and no response at all (timer B's 408) are an unreachable destination.
 * Any other status of our stack (e.g. NUA's 904 after a refused challenge)
 * is mapped as a peer's. */
static const struct {
    int status;
    const char *phrase; /* NULL: any */
    DWORD mode;
} local_failures[] = {
    {503, "DNS Error", LINEDISCONNECTMODE_BADADDRESS},
    {503, NULL, LINEDISCONNECTMODE_UNREACHABLE},
    {408, NULL, LINEDISCONNECTMODE_UNREACHABLE},
};

DWORD ot_sip_local_status_mode(int status, const char *phrase)
{
    for (size_t i = 0; i < sizeof(local_failures) / sizeof(local_failures[0]); i++)
        if (status == local_failures[i].status &&
            (!local_failures[i].phrase || (phrase && !strcmp(phrase, local_failures[i].phrase))))
            return local_failures[i].mode;
    return 0;
}

static const struct ot_sip_reject rejects[] = {
    {403, "Forbidden", 21},
    {480, "Temporarily Unavailable", 19},
    {486, "Busy Here", 17},
    {600, "Busy Everywhere", 17},
    {603, "Decline", 21},
};

const struct ot_sip_reject *ot_sip_reject_lookup(int status)
{
    for (size_t i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++)
        if (rejects[i].status == status)
            return &rejects[i];
    return NULL;
}

/* ---- SDP direction (siphold.c uses it) -------------------------------------
 * RFC 4566 lines "x=value"; only what says whether a stream is held is read:
 * the direction attributes (RFC 3264 6.1) and the connection address. */
const char *ot_sip_sdp_dir_name(int dir)
{
    static const char *const names[] = {"inactive", "sendonly", "recvonly", "sendrecv"};
    return dir >= 0 && dir <= DIR_BOTH ? names[dir] : "?";
}

static bool line_is(const char *l, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    return n == k && !memcmp(l, lit, k);
}

/* "c=IN IP4 0.0.0.0" (a TTL "/N" may follow the address). */
static bool c_line_zero(const char *l, size_t n)
{
    static const char zero[] = "c=IN IP4 0.0.0.0";
    size_t k = sizeof(zero) - 1;
    return n >= k && !memcmp(l, zero, k) && (n == k || l[k] == '/');
}

int ot_sip_sdp_direction(const char *sdp, size_t len)
{
    if (!sdp || len < 3 || memcmp(sdp, "v=0", 3) != 0)
        return -1;
    static const char *const attrs[] = {"a=inactive", "a=sendonly", "a=recvonly", "a=sendrecv"};
    int session = -1, media = -1;
    bool have_m = false, session_zero = false, media_zero = false, media_c = false;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(sdp + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - sdp) : len;
        const char *l = sdp + pos;
        size_t n = end - pos;
        pos = end + 1;
        if (n && l[n - 1] == '\r')
            n--;
        if (n == 0)
            continue; /* an empty line (e.g. the last CRLF twice) */
        if (memchr(l, '\0', n) || n < 2 || l[1] != '=' || l[0] < 'a' || l[0] > 'z')
            return -1;
        if (l[0] == 'm') {
            if (have_m)
                break; /* only the first stream counts */
            have_m = true;
        } else if (l[0] == 'a') {
            for (int d = 0; d <= DIR_BOTH; d++)
                if (line_is(l, n, attrs[d]))
                    *(have_m ? &media : &session) = d;
        } else if (l[0] == 'c') {
            if (have_m) {
                media_c = true;
                media_zero = c_line_zero(l, n);
            } else
                session_zero = c_line_zero(l, n);
        }
    }
    if (!have_m)
        return -1;
    int d = media >= 0 ? media : session >= 0 ? session : DIR_BOTH;
    if (media_c ? media_zero : session_zero)
        d &= ~OT_SIP_SDP_RECV;
    return d;
}
