/* The SIP message trace: every SIP message the provider sends and receives,
 * in full, written to the file named by OPENTAPI_SIP_TRACE and, at
 * OPENTAPI_LOG=sip=trace, to the log.
 *
 * Where the messages come from: Sofia-SIP's transport layer logs each message
 * it sends or receives when its `log` parameter is on (TPTAG_LOG, set on every
 * nua_create while a trace is wanted).  It writes them through su_log, which
 * the provider redirects to sofia_logger: a stamp line ("send 661 bytes to
 * udp/[127.0.0.1]:5080 at 12:00:00.000000:"), a separator, each line of the
 * message indented by three spaces, and a closing separator, in pieces, one
 * su_log call per piece.  sip_trace_feed reassembles them per thread (each
 * user agent logs from its own engine thread) and writes one record per
 * message.  Line ends are restored as CRLF and the message cut to the byte
 * count of the stamp.
 *
 * The record format (docs/sip.md): a header line
 *   --- sent|recv PROTO LOCAL ->|<- REMOTE TIME N bytes
 * with the addresses as IP:PORT ([IPv6]:PORT) of this side and the far side,
 * TIME in UTC (ISO 8601, microseconds), then exactly N bytes of the message,
 * then a newline.  `tapi trace FILE` reads it back (a summary, a ladder
 * diagram, or a pcap file for Wireshark/tshark and sngrep).
 *
 * Sofia's stamp names only the far side; this side is the line's bind address
 * (with several lines: the top Via of what we send as a request or receive as a
 * response, else the line whose port the request URI names, else the first). */
#include <errno.h>
#include <strings.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ot.h"
#include "siptrace.h"

#define MAX_MSG 65536     /* a longer message is cut (Sofia's own limit is lower) */
#define MAX_THREADS 64    /* engine threads tracked at once: one per SIP line */
#define SEPARATOR "   ------------------------------------------------------------------------"

struct locals {
    char host[64], port[8];
};

/* One thread's message being reassembled. */
struct asm_state {
    pthread_t thread;
    bool used;
    int state; /* 0: between messages, 1: after the stamp, 2: in the message */
    char line[2100];
    size_t linelen;
    char dir[5], proto[8], remote[80];
    unsigned long nbytes;
    char *msg;
    size_t mlen;
    struct timespec when;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static bool active, to_log;
static FILE *file;
static struct locals *locals;
static unsigned nlocals;
static struct asm_state threads[MAX_THREADS];

bool sip_trace_start(const struct sip_line *lines, unsigned n)
{
    pthread_mutex_lock(&mu);
    to_log = ot_log_on(OT_CAT_SIP, OTLOG_TRACE);
    const char *path = getenv("OPENTAPI_SIP_TRACE");
    if (path && *path) {
        file = fopen(path, "a");
        if (!file) {
            char shown[81];
            size_t k = 0;
            for (; path[k] && k < sizeof(shown) - 1; k++)
                shown[k] = path[k] >= 0x20 && path[k] < 0x7f ? path[k] : '?';
            shown[k] = '\0';
            ot_logc(OT_CAT_SIP, OTLOG_WARN, "OPENTAPI_SIP_TRACE=%s: %s: no trace is written",
                    shown, strerror(errno));
        }
    }
    active = file || to_log;
    if (active) {
        locals = calloc(n ? n : 1, sizeof(*locals));
        nlocals = locals ? n : 0;
        for (unsigned i = 0; i < nlocals; i++) {
            snprintf(locals[i].host, sizeof(locals[i].host), "%s", lines[i].bind_host);
            snprintf(locals[i].port, sizeof(locals[i].port), "%s", lines[i].bind_port);
        }
    }
    bool on = active;
    pthread_mutex_unlock(&mu);
    return on;
}

void sip_trace_stop(void)
{
    pthread_mutex_lock(&mu);
    if (file)
        fclose(file);
    file = NULL;
    free(locals);
    locals = NULL;
    nlocals = 0;
    for (unsigned i = 0; i < MAX_THREADS; i++) {
        free(threads[i].msg);
        memset(&threads[i], 0, sizeof(threads[i]));
    }
    active = to_log = false;
    pthread_mutex_unlock(&mu);
}

/* ---- this side's address ---------------------------------------------------- */
/* host:port after "SIP/2.0/PROTO " of the first Via header (full or compact). */
static bool top_via(const char *m, size_t len, char *out, size_t n)
{
    for (size_t i = 0; i + 6 < len; i++) {
        if (m[i] != '\n')
            continue;
        const char *h = m + i + 1;
        size_t rest = len - i - 1, skip = 0;
        if (rest > 4 && !strncasecmp(h, "via:", 4))
            skip = 4;
        else if (rest > 2 && !strncasecmp(h, "v:", 2))
            skip = 2;
        else
            continue;
        const char *p = memchr(h + skip, '/', rest - skip);
        p = p ? memchr(p + 1, '/', len - (size_t)(p + 1 - m)) : NULL;
        p = p ? memchr(p, ' ', len - (size_t)(p - m)) : NULL;
        if (!p)
            return false;
        while (p < m + len && *p == ' ')
            p++;
        size_t k = 0;
        while (p < m + len && !strchr(";, \r\n", *p) && k + 1 < n)
            out[k++] = *p++;
        out[k] = '\0';
        return k > 0;
    }
    return false;
}

static void local_of(const struct asm_state *a, char *out, size_t n)
{
    const struct locals *l = nlocals ? &locals[0] : NULL;
    bool request = strncmp(a->msg, "SIP/2.0 ", 8) != 0;
    bool sent = !strcmp(a->dir, "send");
    if (nlocals > 1 && sent == request && top_via(a->msg, a->mlen, out, n)) {
        const char *after_host = out[0] == '[' ? strchr(out, ']') : out;
        if (!after_host || !strchr(after_host, ':'))
            strncat(out, ":5060", n - strlen(out) - 1);
        return;
    }
    if (nlocals > 1 && !sent && request) {
        /* the port of the request URI: "METHOD sip:user@host:port ..." */
        const char *sp = memchr(a->msg, ' ', a->mlen);
        const char *end = sp ? memchr(sp + 1, ' ', a->mlen - (size_t)(sp + 1 - a->msg)) : NULL;
        for (unsigned i = 0; end && i < nlocals; i++) {
            char want[10];
            snprintf(want, sizeof(want), ":%s", locals[i].port);
            size_t wl = strlen(want);
            for (const char *p = sp; p + wl <= end; p++)
                if (!memcmp(p, want, wl) && (p + wl == end || strchr(";>?", p[wl]))) {
                    l = &locals[i];
                    break;
                }
        }
    }
    if (!l) {
        snprintf(out, n, "0.0.0.0:0");
        return;
    }
    const char *host = strcmp(l->host, "*") ? l->host : "0.0.0.0";
    snprintf(out, n, strchr(host, ':') && host[0] != '[' ? "[%s]:%s" : "%s:%s", host, l->port);
}

/* ---- records ---------------------------------------------------------------- */
static void emit(struct asm_state *a)
{
    if (a->mlen > a->nbytes)
        a->mlen = a->nbytes; /* a last line without CRLF got one */
    char local[96], when[40];
    local_of(a, local, sizeof(local));
    struct tm tm;
    time_t secs = a->when.tv_sec;
    gmtime_r(&secs, &tm);
    size_t k = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when + k, sizeof(when) - k, ".%06ldZ", a->when.tv_nsec / 1000);
    const char *dir = strcmp(a->dir, "send") ? "recv" : "sent";
    if (file) {
        fprintf(file, "--- %s %s %s %s %s %s %zu bytes\n", dir, a->proto, local,
                dir[0] == 's' ? "->" : "<-", a->remote, when, a->mlen);
        fwrite(a->msg, 1, a->mlen, file);
        fputc('\n', file);
        fflush(file);
    }
    if (to_log)
        ot_logc(OT_CAT_SIP, OTLOG_TRACE, "%s %s %s %s %s (%zu bytes)\n%.*s", dir, a->proto,
                local, dir[0] == 's' ? "->" : "<-", a->remote, a->mlen, (int)a->mlen, a->msg);
}

/* One complete line of the thread's output (without its newline). */
static void take_line(struct asm_state *a, const char *line)
{
    switch (a->state) {
    case 0: {
        char dir[5], via[5], proto[8], host[64], port[8];
        if (sscanf(line, "%4s %lu bytes %4s %7[a-z0-9]/[%63[^]]]:%7[0-9]", dir, &a->nbytes, via,
                   proto, host, port) != 6)
            return; /* not a message stamp: nothing of ours */
        snprintf(a->dir, sizeof(a->dir), "%s", dir);
        snprintf(a->proto, sizeof(a->proto), "%s", proto);
        snprintf(a->remote, sizeof(a->remote), strchr(host, ':') ? "[%s]:%s" : "%s:%s", host,
                 port);
        clock_gettime(CLOCK_REALTIME, &a->when);
        a->mlen = 0;
        a->state = 1;
        return;
    }
    case 1:
        a->state = strncmp(line, SEPARATOR, strlen(SEPARATOR)) ? 0 : 2;
        return;
    default:
        if (!strcmp(line, SEPARATOR)) {
            if (a->msg)
                emit(a);
            a->state = 0;
            return;
        }
        if (!a->msg && !(a->msg = malloc(MAX_MSG)))
            return;
        const char *text = strncmp(line, "   ", 3) ? line : line + 3;
        size_t n = strlen(text);
        if (a->mlen + n + 2 <= MAX_MSG) {
            memcpy(a->msg + a->mlen, text, n);
            memcpy(a->msg + a->mlen + n, "\r\n", 2);
            a->mlen += n + 2;
        }
    }
}

bool sip_trace_feed(const char *fmt, va_list ap)
{
    if (!active)
        return false; /* read without the mutex: set before the user agents exist */
    char piece[2100];
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(piece, sizeof(piece), fmt, aq);
    va_end(aq);
    if (n < 0)
        return false;
    pthread_mutex_lock(&mu);
    struct asm_state *a = NULL, *free_slot = NULL;
    pthread_t self = pthread_self();
    for (unsigned i = 0; i < MAX_THREADS && !a; i++) {
        if (threads[i].used && pthread_equal(threads[i].thread, self))
            a = &threads[i];
        else if (!threads[i].used && !free_slot)
            free_slot = &threads[i];
    }
    bool ours;
    if (a && (a->state != 0 || a->linelen))
        ours = true; /* inside a message */
    else
        ours = (!strncmp(piece, "send ", 5) || !strncmp(piece, "recv ", 5)) &&
               strstr(piece, " bytes ");
    if (!ours) {
        pthread_mutex_unlock(&mu);
        return false;
    }
    if (!a && free_slot) {
        a = free_slot;
        a->used = true;
        a->thread = self;
    }
    for (const char *p = piece; a && *p; p++) {
        if (*p == '\n') {
            a->line[a->linelen] = '\0';
            take_line(a, a->line);
            a->linelen = 0;
        } else if (a->linelen + 1 < sizeof(a->line))
            a->line[a->linelen++] = *p;
    }
    pthread_mutex_unlock(&mu);
    return true;
}
