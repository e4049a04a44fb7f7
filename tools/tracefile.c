/* Reading the SIP message trace (OPENTAPI_SIP_TRACE, format in docs/sip.md)
 * and writing it as a pcap file.
 *
 * pcap: every message becomes one IPv4 or IPv6 packet (link type RAW) from
 * its sender to its receiver, UDP, or TCP with sequence numbers that follow
 * each direction, so that Wireshark, tshark and sngrep decode it as SIP.  The
 * file is written with Debian's libpcap (pcap_open_dead + pcap_dump) when the
 * tool is built with it. */
#define _DEFAULT_SOURCE /* timegm */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef OT_WITH_PCAP
#include <pcap/pcap.h>
#endif

#include "tapi_tool.h"

#define TRACE_MAX_BYTES (64u << 20) /* a bigger file is refused */

void trace_free(struct trace *t)
{
    free(t->text);
    free(t->rec);
    memset(t, 0, sizeof(*t));
}

static bool parse_time(const char *s, double *out)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    unsigned long usec;
    char z;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%6lu%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &usec, &z) != 8 || z != 'Z')
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t secs = timegm(&tm);
    if (secs == (time_t)-1)
        return false;
    *out = (double)secs + (double)usec / 1e6;
    return true;
}

int trace_read(const char *path, struct trace *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof(*t));
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, len = 0;
    t->text = malloc(cap + 1);
    while (t->text) {
        size_t n = fread(t->text + len, 1, cap - len, f);
        len += n;
        if (len < cap)
            break;
        if (cap >= TRACE_MAX_BYTES) {
            fclose(f);
            snprintf(err, errlen, "larger than %u MiB", TRACE_MAX_BYTES >> 20);
            trace_free(t);
            return -1;
        }
        cap *= 2;
        char *b = realloc(t->text, cap + 1);
        if (!b) {
            free(t->text);
            t->text = NULL;
        } else
            t->text = b;
    }
    fclose(f);
    if (!t->text) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    t->text[len] = '\0';
    size_t pos = 0, rcap = 0;
    while (pos < len) {
        char *nl = memchr(t->text + pos, '\n', len - pos);
        struct trace_rec r;
        memset(&r, 0, sizeof(r));
        char dir[8], arrow[4], when[40];
        size_t n = 0;
        if (!nl || nl - (t->text + pos) > 400) {
            snprintf(err, errlen, "record %u: no header line", t->n + 1);
            trace_free(t);
            return -1;
        }
        *nl = '\0';
        int got = sscanf(t->text + pos, "--- %7s %7s %63s %3s %63s %39s %zu bytes", dir, r.proto,
                         r.local, arrow, r.remote, when, &n);
        *nl = '\n';
        if (got != 7 || (strcmp(dir, "sent") && strcmp(dir, "recv")) ||
            strcmp(arrow, strcmp(dir, "sent") ? "<-" : "->") || !parse_time(when, &r.time) ||
            n > len - (size_t)(nl + 1 - t->text) || n == 0) {
            snprintf(err, errlen, "record %u: not a trace record header", t->n + 1);
            trace_free(t);
            return -1;
        }
        r.sent = !strcmp(dir, "sent");
        r.msg = nl + 1;
        r.len = n;
        pos = (size_t)(nl + 1 - t->text) + n;
        if (pos < len && t->text[pos] == '\n')
            pos++;
        if (t->n == rcap) {
            rcap = rcap ? rcap * 2 : 64;
            struct trace_rec *b = realloc(t->rec, rcap * sizeof(*b));
            if (!b) {
                snprintf(err, errlen, "out of memory");
                trace_free(t);
                return -1;
            }
            t->rec = b;
        }
        t->rec[t->n++] = r;
    }
    return 0;
}

/* The first line of a message (request or status line), printable, bounded. */
void trace_first_line(const struct trace_rec *r, char *out, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < r->len && r->msg[i] != '\r' && r->msg[i] != '\n' && k + 1 < n; i++)
        out[k++] = r->msg[i] >= 0x20 && r->msg[i] < 0x7f ? r->msg[i] : '?';
    out[k] = '\0';
}

/* ---- pcap -------------------------------------------------------------------- */
struct addr {
    int family;
    unsigned char ip[16];
    uint16_t port;
};

static bool parse_addr(const char *s, struct addr *a)
{
    char host[64];
    const char *colon;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof(host))
            return false;
        memcpy(host, s + 1, (size_t)(close - s - 1));
        host[close - s - 1] = '\0';
        colon = close + 1;
        a->family = AF_INET6;
    } else {
        colon = strrchr(s, ':');
        if (!colon || (size_t)(colon - s) >= sizeof(host))
            return false;
        memcpy(host, s, (size_t)(colon - s));
        host[colon - s] = '\0';
        a->family = AF_INET;
    }
    char *end;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (*end || port > 65535)
        return false;
    a->port = (uint16_t)port;
    return inet_pton(a->family, host, a->ip) == 1;
}

static uint32_t sum16(const unsigned char *p, size_t n, uint32_t s)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (uint32_t)(p[n - 1] << 8);
    return s;
}

static uint16_t fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static void put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

/* TCP sequence numbers per direction. */
struct flow {
    struct addr src, dst;
    uint32_t next;
};

static uint32_t *flow_seq(struct flow *flows, unsigned *nflows, unsigned cap,
                          const struct addr *s, const struct addr *d)
{
    for (unsigned i = 0; i < *nflows; i++)
        if (!memcmp(&flows[i].src, s, sizeof(*s)) && !memcmp(&flows[i].dst, d, sizeof(*d)))
            return &flows[i].next;
    if (*nflows == cap)
        return NULL;
    flows[*nflows].src = *s;
    flows[*nflows].dst = *d;
    flows[*nflows].next = 1000u * (*nflows + 1);
    return &flows[(*nflows)++].next;
}

/* One packet: IP header, UDP or TCP header, the message.  Returns its size. */
static size_t build_packet(unsigned char *pkt, size_t cap, const struct addr *s,
                           const struct addr *d, bool tcp, uint32_t seq, uint32_t ack,
                           const char *msg, size_t len)
{
    size_t iph = s->family == AF_INET ? 20 : 40, l4 = tcp ? 20 : 8;
    if (iph + l4 + len > cap || iph + l4 + len > 65535)
        return 0;
    memset(pkt, 0, iph + l4);
    unsigned char *l = pkt + iph;
    memcpy(l + l4, msg, len);
    size_t alen = s->family == AF_INET ? 4 : 16;
    /* pseudo-header sum for the UDP/TCP checksum */
    uint32_t ps = sum16(s->ip, alen, 0);
    ps = sum16(d->ip, alen, ps);
    ps += (uint32_t)(tcp ? 6 : 17) + (uint32_t)(l4 + len);
    put16(l, s->port);
    put16(l + 2, d->port);
    if (tcp) {
        put32(l + 4, seq);
        put32(l + 8, ack);
        l[12] = 5 << 4;
        l[13] = 0x18; /* PSH, ACK */
        put16(l + 14, 65535);
        put16(l + 16, fold(sum16(l, l4 + len, ps)));
    } else {
        put16(l + 4, (uint16_t)(l4 + len));
        uint16_t c = fold(sum16(l, l4 + len, ps));
        put16(l + 6, c ? c : 0xffff);
    }
    if (s->family == AF_INET) {
        pkt[0] = 0x45;
        put16(pkt + 2, (uint16_t)(iph + l4 + len));
        pkt[6] = 0x40; /* don't fragment */
        pkt[8] = 64;
        pkt[9] = tcp ? 6 : 17;
        memcpy(pkt + 12, s->ip, 4);
        memcpy(pkt + 16, d->ip, 4);
        put16(pkt + 10, fold(sum16(pkt, 20, 0)));
    } else {
        pkt[0] = 0x60;
        put16(pkt + 4, (uint16_t)(l4 + len));
        pkt[6] = tcp ? 6 : 17;
        pkt[7] = 64;
        memcpy(pkt + 8, s->ip, 16);
        memcpy(pkt + 24, d->ip, 16);
    }
    return iph + l4 + len;
}

int trace_write_pcap(const struct trace *t, const char *path, char *err, size_t errlen)
{
#ifndef OT_WITH_PCAP
    (void)t;
    (void)path;
    snprintf(err, errlen, "this tapi was built without libpcap (Debian libpcap-dev)");
    return -1;
#else
    pcap_t *p = pcap_open_dead(DLT_RAW, 65535);
    if (!p) {
        snprintf(err, errlen, "pcap_open_dead failed");
        return -1;
    }
    pcap_dumper_t *d = pcap_dump_open(p, path);
    if (!d) {
        snprintf(err, errlen, "%s", pcap_geterr(p));
        pcap_close(p);
        return -1;
    }
    static unsigned char pkt[65536];
    struct flow flows[64];
    unsigned nflows = 0;
    int rc = 0;
    for (unsigned i = 0; i < t->n && rc == 0; i++) {
        const struct trace_rec *r = &t->rec[i];
        struct addr local, remote;
        if (!parse_addr(r->local, &local) || !parse_addr(r->remote, &remote) ||
            local.family != remote.family) {
            snprintf(err, errlen, "record %u: addresses %.63s and %.63s do not make a packet",
                     i + 1, r->local, r->remote);
            rc = -1;
            break;
        }
        const struct addr *s = r->sent ? &local : &remote, *dst = r->sent ? &remote : &local;
        bool tcp = !strcmp(r->proto, "tcp");
        uint32_t seq = 0, ack = 0;
        if (tcp) {
            uint32_t *fs = flow_seq(flows, &nflows, 64, s, dst);
            uint32_t *bs = flow_seq(flows, &nflows, 64, dst, s);
            if (fs && bs) {
                seq = *fs;
                ack = *bs;
                *fs += (uint32_t)r->len;
            }
        }
        size_t n = build_packet(pkt, sizeof(pkt), s, dst, tcp, seq, ack, r->msg, r->len);
        if (!n) {
            snprintf(err, errlen, "record %u: too big for one packet", i + 1);
            rc = -1;
            break;
        }
        struct pcap_pkthdr h;
        memset(&h, 0, sizeof(h));
        h.ts.tv_sec = (time_t)r->time;
        h.ts.tv_usec = (suseconds_t)((r->time - (double)h.ts.tv_sec) * 1e6 + 0.5);
        if (h.ts.tv_usec >= 1000000) {
            h.ts.tv_sec++;
            h.ts.tv_usec -= 1000000;
        }
        h.caplen = h.len = (bpf_u_int32)n;
        pcap_dump((u_char *)d, &h, pkt);
    }
    if (pcap_dump_flush(d) != 0 && rc == 0) {
        snprintf(err, errlen, "cannot write %s", path);
        rc = -1;
    }
    pcap_dump_close(d);
    pcap_close(p);
    return rc;
#endif
}
