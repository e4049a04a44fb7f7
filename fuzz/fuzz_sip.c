/* fuzz_sip: the SIP provider's receive path end to end.  A SIP line of the
 * library listens on 127.0.0.1 (UDP); the harness is its peer, on a UDP
 * socket of its own, and sends the input's SIP messages to the line: Sofia-SIP
 * parses them and our callbacks map them to calls, states, UUI and replies,
 * while a TAPI application on the line answers, rejects, drops and places calls
 * as the input says.  Nothing leaves the machine: a Via, Contact or Route of
 * the input can name any host, to which Sofia would resolve and send, so the
 * harness runs in a network namespace of its own with only a loopback
 * (unshare(CLONE_NEWNET), or in a new user namespace when not privileged),
 * and refuses to run where it cannot make one.
 *
 * Input: blocks separated by NUL bytes.  A block starting with '!' is a list
 * of application actions, one character each:
 *   a answer, A accept, r reject/drop (the newest offered call), c lineMakeCall
 *   to the peer, d drop (the newest call not idle), u lineSendUserUserInfo,
 *   h lineHold (the newest connected call: a re-INVITE, which the input
 *   answers), x deallocate an idle call, s sync (wait until the line handled
 *   everything sent so far).
 * Any other block is one SIP message, sent as one datagram after these
 * substitutions: $L the line's port, $P the peer's port, and from the last
 * INVITE the line sent to the peer: $V its Via, $F its From, $T its To, $I its
 * Call-ID, $S its CSeq (so that responses can match our INVITE), and $R the To
 * of the last response to an INVITE the line sent (its tag: an ACK or BYE in
 * that dialog).
 * The peer answers an INVITE of the line with 100 Trying, every other request
 * with 200 (and a CANCEL also with 487 to the INVITE), and ACKs a failure
 * response of the line to the input's INVITE, so dialogs end.
 *
 * Checked: no crash, leak or undefined behaviour (ASan/UBSan); every LINE_REPLY
 * answers a request the application made, once; no message names a call
 * handle the application deallocated; after each input, once every call was
 * dropped and deallocated, the application holds no call handle.
 * Sync: the harness sends OPTIONS with a CSeq of its own and waits until the
 * provider reports that CSeq (ot_sip_counters: its event comes after those of
 * every earlier message), sending it again as RFC 3261's timer E does (a
 * datagram the kernel dropped is not the line's fault); a line that does not
 * handle it within 30 s is a finding.
 *
 * Built with libFuzzer (-DOT_LIBFUZZER), or as a replay program:
 *   fuzz_sip FILE...   each file once, then lineShutdown (leaks are checked)
 *   FUZZ_SIP_ALARM_US=N fuzz_sip FILE...   the same under a SIGALRM every N us */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../src/providers/sip/sip.h"
#include "opentapi.h"
#include "tapi.h"

#define MAX_BLOCKS 64
#define MAX_CALLS 256 /* room for a call per block besides our own */
#define MAX_REQS 4096
#define SYNC_TIMEOUT_MS 30000u


/* Where the harness reports a finding: stderr, or in libFuzzer runs a copy of
 * it made before -close_fd_mask=2 silences the library's stderr. */
static FILE *report;
static FILE *rep(void) { return report ? report : stderr; }

/* The nameserver of the namespace: every query gets NXDOMAIN (the header
 * turned into a response, the question kept, no answer). */
static void *dns_thread(void *arg)
{
    int fd = (int)(intptr_t)arg;
    unsigned char q[1500];
    for (;;) {
        struct sockaddr_storage from;
        socklen_t fl = sizeof(from);
        ssize_t n = recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&from, &fl);
        if (n < 12)
            continue;
        size_t end = 12;
        while (end < (size_t)n && q[end] && q[end] < 64)
            end += (size_t)q[end] + 1;
        end += 5; /* the root label, QTYPE, QCLASS */
        if (end > (size_t)n)
            continue;
        q[2] = (unsigned char)(0x80 | (q[2] & 0x79)); /* QR, opcode, RD */
        q[3] = 0x83;                                  /* RA, NXDOMAIN */
        q[4] = 0, q[5] = 1;                           /* one question */
        memset(q + 6, 0, 6);                          /* no answer, authority, additional */
        (void)sendto(fd, q, end, 0, (struct sockaddr *)&from, fl);
    }
    return NULL;
}

/* A network namespace of our own with the loopback up (before any thread
 * or socket of ours: threads made later inherit it). */
static void isolate(void)
{
    static bool done;
    if (done)
        return;
    if (unshare(CLONE_NEWNET) != 0 && unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) {
        fprintf(rep(), "fuzz_sip: cannot make a network namespace (%s): not run, as the "
                       "input's addresses would be reached\n", strerror(errno));
        exit(2);
    }
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) != 0 ||
        (ifr.ifr_flags |= IFF_UP, ioctl(s, SIOCSIFFLAGS, &ifr) != 0)) {
        fprintf(rep(), "fuzz_sip: cannot bring the loopback up: %s\n", strerror(errno));
        exit(2);
    }
    close(s);
    /* The nameservers of /etc/resolv.conf become local addresses here, each
     * answered by dns_thread.  Unreachable, they make Sofia-SIP's resolver
     * retry socket+connect in a busy loop that stops the line; refused (ICMP),
     * they lead it to a use-after-free (sres_resolver_error): Sofia findings
     * (docs/testing.md), kept out of the way. */
    FILE *rc = fopen("/etc/resolv.conf", "r");
    char line[256], ns[64], cmd[160];
    while (rc && fgets(line, sizeof(line), rc))
        if (sscanf(line, " nameserver %63[0-9a-fA-F.:]", ns) == 1) {
            bool v6 = strchr(ns, ':') != NULL;
            snprintf(cmd, sizeof(cmd), "ip addr add %s/%d dev lo 2>/dev/null", ns, v6 ? 128 : 32);
            if (system(cmd) == -1)
                break;
            struct sockaddr_storage sa;
            memset(&sa, 0, sizeof(sa));
            socklen_t sl;
            if (v6) {
                struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&sa;
                a6->sin6_family = AF_INET6;
                a6->sin6_port = htons(53);
                sl = sizeof(*a6);
                if (inet_pton(AF_INET6, ns, &a6->sin6_addr) != 1)
                    continue;
            } else {
                struct sockaddr_in *a4 = (struct sockaddr_in *)&sa;
                a4->sin_family = AF_INET;
                a4->sin_port = htons(53);
                sl = sizeof(*a4);
                if (inet_pton(AF_INET, ns, &a4->sin_addr) != 1)
                    continue;
            }
            int d = socket(sa.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            pthread_t t;
            if (d < 0 || bind(d, (struct sockaddr *)&sa, sl) != 0 ||
                pthread_create(&t, NULL, dns_thread, (void *)(intptr_t)d) != 0) {
                fprintf(rep(), "fuzz_sip: cannot answer DNS at %s: %s\n", ns, strerror(errno));
                exit(2);
            }
            pthread_detach(t);
        }
    if (rc)
        fclose(rc);
    done = true;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    int fd = dup(2);
    report = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (report)
        setvbuf(report, NULL, _IONBF, 0);
    isolate();
    return 0;
}

static int peer = -1, line_port, peer_port;
static HLINEAPP app;
static HLINE hline;
static unsigned long sync_cseq = 1000000;
/* the last INVITE the line sent to the peer */
static char inv_via[600], inv_from[400], inv_to[400], inv_callid[300], inv_cseq[64];
/* the To of the last response to an INVITE the line sent (with its tag) */
static char resp_to[400];
/* the line's recent INVITEs, for the 487 that answers each one's CANCEL */
static struct invite {
    char via[600], from[400], to[400], callid[300], cseq[64];
} invites[16];
static unsigned invites_next;

static struct call {
    HCALL h;
    DWORD state;
} calls[MAX_CALLS];
static unsigned ncalls;
/* Recently deallocated handles.  Messages queued before the deallocation may
 * still be read, until the queue was once empty (armed). */
static struct {
    HCALL h;
    bool armed;
} gone[32];
static unsigned ngone, gone_next;
static LONG reqs[MAX_REQS]; /* requests waiting for their LINE_REPLY */
static unsigned nreqs;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(rep(), "fuzz_sip: ");
    vfprintf(rep(), fmt, ap);
    fputc('\n', rep());
    va_end(ap);
    abort();
}

/* Sofia-SIP 1.12.11 (Debian 12) leaks the requests it builds by itself (the
 * ACK, and the BYE that ends the dialog) for a 200 OK to our INVITE whose
 * Contact it cannot use (nua_base_client_response: found by this target, in
 * Sofia, before the provider sees the response).  Sofia is built without
 * frame pointers, so the leak's stack shows only su_home_new of its library:
 * this target leaves leaks of memory Sofia allocated to Sofia and judges ours.
 * (The test runner under ASan judges every leak.) */
const char *__lsan_default_suppressions(void);
/* (It replaces the SIP provider's own, which the ASan build of the library
 * has for Sofia-SIP's TLS leaks inside OpenSSL: those are named here too.) */
const char *__lsan_default_suppressions(void)
{
    return "leak:libsofia-sip-ua.so\nleak:libcrypto.so\nleak:libssl.so\n";
}

/* ---- the peer ---------------------------------------------------------------- */
static bool trace; /* FUZZ_SIP_TRACE=1: every datagram on stderr */

static void send_to_line(const char *msg, size_t len)
{
    if (trace)
        fprintf(stderr, "--- to the line:\n%.*s\n", (int)len, msg);
    struct sockaddr_in to;
    memset(&to, 0, sizeof(to));
    to.sin_family = AF_INET;
    to.sin_port = htons((uint16_t)line_port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    (void)sendto(peer, msg, len, 0, (struct sockaddr *)&to, sizeof(to));
}

/* The value of header name (or its compact form) in msg, into out. */
static bool header(const char *msg, const char *name, char compact, char *out, size_t outlen)
{
    size_t nl = strlen(name);
    for (const char *p = strstr(msg, "\r\n"); p && p[2] && !(p[2] == '\r' && p[3] == '\n');
         p = strstr(p + 2, "\r\n")) {
        const char *h = p + 2, *v = NULL;
        if (!strncasecmp(h, name, nl) && (h[nl] == ':' || h[nl] == ' '))
            v = h + nl;
        else if (compact && (h[0] == compact || h[0] == (compact ^ 0x20)) &&
                 (h[1] == ':' || h[1] == ' '))
            v = h + 1;
        if (!v)
            continue;
        while (*v == ' ' || *v == ':')
            v++;
        const char *e = strstr(v, "\r\n");
        size_t n = e ? (size_t)(e - v) : strlen(v);
        if (n >= outlen)
            n = outlen - 1;
        memcpy(out, v, n);
        out[n] = '\0';
        return true;
    }
    out[0] = '\0';
    return false;
}

static void respond(const char *via, const char *from, const char *to, const char *callid,
                    const char *cseq, const char *status)
{
    char buf[2400];
    int n = snprintf(buf, sizeof(buf),
                     "SIP/2.0 %s\r\nVia: %s\r\nFrom: %s\r\nTo: %s%s\r\nCall-ID: %s\r\n"
                     "CSeq: %s\r\nContent-Length: 0\r\n\r\n",
                     status, via, from, to,
                     strstr(to, "tag=") || !strncmp(status, "100", 3) ? "" : ";tag=peer", callid,
                     cseq);
    if (n > 0 && (size_t)n < sizeof(buf))
        send_to_line(buf, (size_t)n);
}

/* One message the line sent: an INVITE is remembered, other requests are
 * answered.  Returns 'I' for an INVITE, 'R' for a response, 'Q' for another
 * request. */
static char from_line(char *msg)
{
    if (!strncmp(msg, "SIP/2.0", 7)) { /* a response to what we sent */
        char cseq[64];
        header(msg, "CSeq", 0, cseq, sizeof(cseq));
        if (strstr(cseq, "INVITE")) {
            header(msg, "To", 't', resp_to, sizeof(resp_to));
            /* A failure response to an INVITE of the input: its ACK (the
             * transaction's), or the line would repeat it for 32 s. */
            int status = atoi(msg + 7);
            if (status >= 300) {
                char via[600], from[400], callid[300], ack[2400];
                header(msg, "Via", 'v', via, sizeof(via));
                header(msg, "From", 'f', from, sizeof(from));
                header(msg, "Call-ID", 'i', callid, sizeof(callid));
                int n = snprintf(ack, sizeof(ack),
                                 "ACK sip:fuzz@127.0.0.1:%d SIP/2.0\r\nVia: %s\r\n"
                                 "Max-Forwards: 70\r\nFrom: %s\r\nTo: %s\r\nCall-ID: %s\r\n"
                                 "CSeq: %ld ACK\r\nContent-Length: 0\r\n\r\n",
                                 line_port, via, from, resp_to, callid, atol(cseq));
                if (n > 0 && (size_t)n < sizeof(ack))
                    send_to_line(ack, (size_t)n);
            }
        }
        return 'R';
    }
    char via[600], from[400], to[400], callid[300], cseq[64];
    header(msg, "Via", 'v', via, sizeof(via));
    header(msg, "From", 'f', from, sizeof(from));
    header(msg, "To", 't', to, sizeof(to));
    header(msg, "Call-ID", 'i', callid, sizeof(callid));
    header(msg, "CSeq", 0, cseq, sizeof(cseq));
    if (!strncmp(msg, "INVITE ", 7)) {
        memcpy(inv_via, via, sizeof(via));
        memcpy(inv_from, from, sizeof(from));
        memcpy(inv_to, to, sizeof(to));
        memcpy(inv_callid, callid, sizeof(callid));
        memcpy(inv_cseq, cseq, sizeof(cseq));
        struct invite *iv = &invites[invites_next++ % (sizeof(invites) / sizeof(invites[0]))];
        memcpy(iv->via, via, sizeof(via));
        memcpy(iv->from, from, sizeof(from));
        memcpy(iv->to, to, sizeof(to));
        memcpy(iv->callid, callid, sizeof(callid));
        memcpy(iv->cseq, cseq, sizeof(cseq));
        /* 100 Trying at once: without a provisional response the line could
         * not CANCEL it, and it would wait for its 32 s timeout. */
        respond(via, from, to, callid, cseq, "100 Trying");
        return 'I';
    }
    if (strncmp(msg, "ACK ", 4)) {
        respond(via, from, to, callid, cseq, "200 OK");
        if (!strncmp(msg, "CANCEL ", 7)) /* the INVITE it cancels: same Via */
            for (size_t i = 0; i < sizeof(invites) / sizeof(invites[0]); i++)
                if (!strcmp(invites[i].via, via) && !strcmp(invites[i].callid, callid))
                    respond(invites[i].via, invites[i].from, invites[i].to, invites[i].callid,
                            invites[i].cseq, "487 Request Terminated");
    }
    return 'Q';
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Handles what the line sent until a message of that kind ('I', 'R', 'Q',
 * '*' any; 0: none, only what is there now) or timeout_ms; true when it came.
 * The wait is for timeout_ms in all: a signal that interrupts poll() (EINTR:
 * libFuzzer's -timeout watchdog is a SIGALRM every 601 s) resumes it for the
 * time left, and messages of other kinds do not restart it. */
static bool from_line_until(char kind, int timeout_ms)
{
    static char msg[8192];
    const long long deadline = now_ms() + (kind ? timeout_ms : 0);
    for (;;) {
        struct pollfd pf = {.fd = peer, .events = POLLIN};
        long long left = deadline - now_ms();
        int r = poll(&pf, 1, left > 0 ? (int)left : 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        ssize_t n = recv(peer, msg, sizeof(msg) - 1, MSG_DONTWAIT);
        if (n <= 0)
            continue;
        msg[n] = '\0';
        if (trace)
            fprintf(stderr, "--- from the line:\n%s\n", msg);
        char got = from_line(msg);
        if (kind && (kind == '*' || got == kind))
            return true;
    }
}

static void pump(void) { from_line_until(0, 0); }

struct sched_snap {
    int tid;
    unsigned long long cpu, wait, slices;
};
static unsigned sched_snapshot(struct sched_snap *out, unsigned max)
{
    DIR *d = opendir("/proc/self/task");
    unsigned n = 0;
    struct dirent *e;
    while (d && n < max && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[300];
        snprintf(path, sizeof(path), "/proc/self/task/%.255s/schedstat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        if (fscanf(f, "%llu %llu %llu", &out[n].cpu, &out[n].wait, &out[n].slices) == 3) {
            out[n].tid = atoi(e->d_name);
            n++;
        }
        fclose(f);
    }
    if (d)
        closedir(d);
    return n;
}

/* What each thread got since before: CPU and time waiting to run, to tell a
 * line that stopped from one that was starved of CPU on a loaded machine. */
static void report_threads(const struct sched_snap *before, unsigned nb)
{
    struct sched_snap after[64];
    unsigned na = sched_snapshot(after, 64);
    for (unsigned i = 0; i < na; i++)
        for (unsigned j = 0; j < nb; j++)
            if (after[i].tid == before[j].tid)
                fprintf(rep(), "fuzz_sip: thread %d meanwhile: cpu %.3f s, run queue %.3f s\n",
                        after[i].tid, (double)(after[i].cpu - before[j].cpu) / 1e9,
                        (double)(after[i].wait - before[j].wait) / 1e9);
}

static bool cseq_reached(const struct ot_sip_counters *c, void *arg)
{
    return c->options_cseq == *(unsigned long *)arg;
}

/* Datagrams the kernel dropped at the line's socket (its receive buffer full:
 * the line's thread did not run while a burst arrived), from /proc/net/udp. */
static unsigned long socket_drops(int port);
static unsigned long line_socket_drops(void) { return socket_drops(line_port); }

/* The same for the socket of 127.0.0.1:port in this namespace (the peer's). */
static unsigned long socket_drops(int port)
{
    FILE *f = fopen("/proc/self/net/udp", "r");
    char l[512];
    unsigned long drops = 0;
    while (f && fgets(l, sizeof(l), f)) {
        /* sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout
         * inode ref pointer drops */
        char *tok[13], *save = NULL;
        unsigned nt = 0;
        for (char *t = strtok_r(l, " \n", &save); t && nt < 13; t = strtok_r(NULL, " \n", &save))
            tok[nt++] = t;
        const char *colon = nt == 13 ? strchr(tok[1], ':') : NULL;
        if (colon && strtol(colon + 1, NULL, 16) == port)
            drops = strtoul(tok[12], NULL, 10);
    }
    if (f)
        fclose(f);
    return drops;
}

/* Waits until the line has handled every message sent before.  The OPTIONS
 * travels over UDP like any request, so it is retransmitted as RFC 3261's
 * timer E says (500 ms, doubling, at most 4 s): on a loaded machine the line's
 * socket can overflow during a burst of the input's datagrams and the kernel
 * drops what does not fit (the input's own datagrams may be lost too, which
 * costs coverage only).  A line that handles none of the copies within
 * SYNC_TIMEOUT_MS is stuck; the report gives the socket's drops and what CPU
 * the threads got meanwhile, to tell a stuck line from a starved one. */
static void sync_line(void)
{
    unsigned long seq = ++sync_cseq;
    char buf[600];
    int n = snprintf(buf, sizeof(buf),
                     "OPTIONS sip:fuzz@127.0.0.1:%d SIP/2.0\r\n"
                     "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-sync-%lu\r\n"
                     "Max-Forwards: 70\r\nFrom: <sip:sync@127.0.0.1:%d>;tag=sync%lu\r\n"
                     "To: <sip:fuzz@127.0.0.1:%d>\r\nCall-ID: sync-%lu@fuzz\r\n"
                     "CSeq: %lu OPTIONS\r\nContent-Length: 0\r\n\r\n",
                     line_port, peer_port, seq, peer_port, seq, line_port, seq, seq);
    struct sched_snap before[64];
    unsigned nb = sched_snapshot(before, 64);
    unsigned waited = 0, interval = 500, copies = 0;
    for (;;) {
        send_to_line(buf, (size_t)n);
        copies++;
        unsigned t = interval < SYNC_TIMEOUT_MS - waited ? interval : SYNC_TIMEOUT_MS - waited;
        if (ot_sip_counters_wait(cseq_reached, &seq, t))
            break;
        waited += t;
        if (waited >= SYNC_TIMEOUT_MS) {
            report_threads(before, nb);
            fail("the SIP line did not handle OPTIONS %lu within %u ms (%u copies sent; the "
                 "kernel dropped %lu datagrams at the line's socket in this run)",
                 seq, SYNC_TIMEOUT_MS, copies, line_socket_drops());
        }
        if (interval < 4000)
            interval *= 2;
    }
    pump();
}

/* ---- the application ------------------------------------------------------------ */
static struct call *find(HCALL h)
{
    for (unsigned i = 0; i < ncalls; i++)
        if (calls[i].h == h)
            return &calls[i];
    return NULL;
}

/* A request the application made: its LINE_REPLY is due. */
static void expect_reply(LONG rc)
{
    if (rc <= 0)
        return;
    for (unsigned i = 0; i < nreqs; i++)
        if (reqs[i] == rc)
            fail("request id %ld returned twice", (long)rc);
    if (nreqs < MAX_REQS)
        reqs[nreqs++] = rc;
}

static void drain(void)
{
    LINEMESSAGE m;
    while (lineGetMessage(app, &m, 0) == 0) {
        if (m.dwMessageID == LINE_REPLY) {
            unsigned i = 0;
            while (i < nreqs && reqs[i] != (LONG)m.dwParam1)
                i++;
            if (i == nreqs)
                fail("LINE_REPLY for request %ld, which is not waiting", (long)m.dwParam1);
            reqs[i] = reqs[--nreqs];
            continue;
        }
        if (m.dwMessageID != LINE_CALLSTATE && m.dwMessageID != LINE_CALLINFO)
            continue;
        HCALL h = (HCALL)m.hDevice;
        bool old = false;
        for (unsigned i = 0; i < ngone; i++)
            if (gone[i].h == h) {
                if (gone[i].armed)
                    fail("message 0x%lx for call handle 0x%lx, deallocated before",
                         (unsigned long)m.dwMessageID, (unsigned long)h);
                old = true; /* queued before its deallocation */
            }
        if (old)
            continue;
        struct call *c = find(h);
        if (!c) {
            if (ncalls == MAX_CALLS)
                fail("more than %d calls", MAX_CALLS);
            c = &calls[ncalls++];
            c->h = h;
            c->state = 0;
        }
        if (c && m.dwMessageID == LINE_CALLSTATE)
            c->state = (DWORD)m.dwParam1;
    }
    for (unsigned i = 0; i < ngone; i++)
        gone[i].armed = true;
}

static struct call *newest(DWORD states)
{
    for (unsigned i = ncalls; i-- > 0;)
        if (calls[i].state & states)
            return &calls[i];
    return NULL;
}

static void deallocate(struct call *c)
{
    const unsigned cap = sizeof(gone) / sizeof(gone[0]);
    if (lineDeallocateCall(c->h) == 0) {
        gone[gone_next].h = c->h;
        gone[gone_next].armed = false;
        gone_next = (gone_next + 1) % cap;
        if (ngone < cap)
            ngone++;
    }
    *c = calls[--ncalls];
}

static void action(char a)
{
    static const char uui[] = "\x04opentapi";
    struct call *c;
    char dest[64];
    switch (a) {
    case 'a':
        if ((c = newest(LINECALLSTATE_OFFERING | LINECALLSTATE_ACCEPTED))) {
            LONG rc = lineAnswer(c->h, uui, sizeof(uui) - 1);
            expect_reply(rc);
            /* its 200 OK, whose To tag the input's ACK ($R) needs */
            if (rc > 0)
                from_line_until('R', 1000);
        }
        break;
    case 'A':
        if ((c = newest(LINECALLSTATE_OFFERING)))
            expect_reply(lineAccept(c->h, uui, sizeof(uui) - 1));
        break;
    case 'r':
        if ((c = newest(LINECALLSTATE_OFFERING | LINECALLSTATE_ACCEPTED)))
            expect_reply(lineDrop(c->h, uui, sizeof(uui) - 1));
        break;
    case 'c':
        if (ncalls < MAX_CALLS - MAX_BLOCKS) {
            HCALL h = 0;
            snprintf(dest, sizeof(dest), "sip:peer@127.0.0.1:%d", peer_port);
            struct sched_snap before[64];
            unsigned nb = sched_snapshot(before, 64);
            long long t0 = now_ms();
            LONG rc = lineMakeCall(hline, &h, dest, 0, NULL);
            if (rc > 0 && !from_line_until('I', (int)SYNC_TIMEOUT_MS)) {
                report_threads(before, nb);
                fail("lineMakeCall succeeded but no INVITE came in %lld ms (datagrams the "
                     "kernel dropped so far at the peer's socket: %lu, at the line's: %lu)",
                     now_ms() - t0, socket_drops(peer_port), line_socket_drops());
            }
            expect_reply(rc);
            if (rc > 0 && !find(h)) {
                calls[ncalls].h = h;
                calls[ncalls++].state = 0;
            }

        }
        break;
    case 'd':
        if ((c = newest(~(DWORD)LINECALLSTATE_IDLE)))
            expect_reply(lineDrop(c->h, uui, sizeof(uui) - 1));
        break;
    case 'u':
        if ((c = newest(LINECALLSTATE_CONNECTED)))
            expect_reply(lineSendUserUserInfo(c->h, uui, sizeof(uui) - 1));
        break;
    case 'h':
        if ((c = newest(LINECALLSTATE_CONNECTED)))
            expect_reply(lineHold(c->h));
        break;
    case 'x':
        if ((c = newest(LINECALLSTATE_IDLE)))
            deallocate(c);
        break;
    case 's':
        sync_line();
        break;
    default:
        break;
    }
    pump();
    drain();
}

/* ---- one input -------------------------------------------------------------------- */
static void send_block(const unsigned char *b, size_t n)
{
    static char out[16384];
    size_t o = 0;
    for (size_t i = 0; i < n && o < sizeof(out) - 700; i++) {
        const char *sub = NULL;
        char num[16];
        if (b[i] == '$' && i + 1 < n) {
            switch (b[i + 1]) {
            case 'L': snprintf(num, sizeof(num), "%d", line_port), sub = num; break;
            case 'P': snprintf(num, sizeof(num), "%d", peer_port), sub = num; break;
            case 'V': sub = inv_via; break;
            case 'F': sub = inv_from; break;
            case 'T': sub = inv_to; break;
            case 'I': sub = inv_callid; break;
            case 'S': sub = inv_cseq; break;
            case 'R': sub = resp_to; break;
            }
        }
        if (sub) {
            size_t k = strlen(sub);
            memcpy(out + o, sub, k);
            o += k;
            i++;
        } else
            out[o++] = (char)b[i];
    }
    send_to_line(out, o);
}

static void setup(void)
{
    if (peer >= 0)
        return;
    isolate();
    trace = getenv("FUZZ_SIP_TRACE") != NULL;
    struct sockaddr_in a;
    socklen_t al = sizeof(a);
    int probe = socket(AF_INET, SOCK_DGRAM, 0);
    peer = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (probe < 0 || peer < 0 || bind(probe, (struct sockaddr *)&a, sizeof(a)) ||
        getsockname(probe, (struct sockaddr *)&a, &al))
        fail("cannot make a socket on 127.0.0.1");
    line_port = ntohs(a.sin_port);
    close(probe); /* the line binds it next */
    a.sin_port = 0;
    al = sizeof(a);
    if (bind(peer, (struct sockaddr *)&a, sizeof(a)) ||
        getsockname(peer, (struct sockaddr *)&a, &al))
        fail("cannot bind the peer's socket");
    peer_port = ntohs(a.sin_port);
    char conf[300];
    snprintf(conf, sizeof(conf),
             "[line]\nprovider = sip\nnumber = fuzz\nname = fuzz\n"
             "uri = sip:fuzz@127.0.0.1:%d\nuui = 200\n",
             line_port);
    if (otSetConfig(conf) != 0)
        fail("otSetConfig");
    LINEINITIALIZEEXPARAMS p;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = sizeof(p);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    DWORD n = 0, api = 0x00020002;
    LONG rc = lineInitializeEx(&app, NULL, NULL, "fuzz_sip", &n, &api, &p);
    if (rc)
        fail("lineInitializeEx: %s", otErrorName(rc));
    rc = lineOpen(app, 0, &hline, 0x00020002, 0, 0, LINECALLPRIVILEGE_OWNER,
                  LINEMEDIAMODE_INTERACTIVEVOICE, NULL);
    if (rc)
        fail("lineOpen: %s", otErrorName(rc));
}

static void run(const unsigned char *data, size_t size)
{
    setup();
    const unsigned char *p = data, *end = data + size;
    unsigned blocks = 0;
    while (p < end && blocks++ < MAX_BLOCKS) {
        const unsigned char *z = memchr(p, 0, (size_t)(end - p));
        size_t n = z ? (size_t)(z - p) : (size_t)(end - p);
        if (n && p[0] == '!') {
            for (size_t i = 1; i < n && i < 32; i++)
                action((char)p[i]);
        } else if (n) {
            send_block(p, n);
        }
        p += n + (z ? 1 : 0);
    }
    /* Clean up: every call dropped and deallocated. */
    sync_line();
    drain();
    for (unsigned i = 0; i < ncalls; i++)
        if (calls[i].state != LINECALLSTATE_IDLE)
            expect_reply(lineDrop(calls[i].h, NULL, 0));
    sync_line();
    drain();
    while (ncalls)
        deallocate(&calls[ncalls - 1]);
    sync_line();
    drain();
    OTSTATS st;
    otGetStats(&st);
    if (st.dwCallHandles != 0)
        fail("%u call handles left after every call was deallocated",
             (unsigned)st.dwCallHandles);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size <= 16384)
        run(data, size);
    return 0;
}

#ifndef OT_LIBFUZZER
#include "replay.h"

#include <stdatomic.h>

static atomic_bool shut;

static void *shutdown_thread(void *arg)
{
    (void)arg;
    lineShutdown(app);
    atomic_store(&shut, true);
    return NULL;
}

static void on_alarm(int sig) { (void)sig; }

/* FUZZ_SIP_ALARM_US=N: a SIGALRM every N microseconds, with a handler that
 * does nothing and without SA_RESTART, as libFuzzer's -timeout watchdog has
 * (there every 601 s): the main thread (the harness, the application) gets
 * them, so every wait of the harness and every call into the library must
 * take an interrupted system call in its stride (CI replays so). */
static void signal_storm(void)
{
    const char *e = getenv("FUZZ_SIP_ALARM_US");
    long us = e ? strtol(e, NULL, 10) : 0;
    if (us <= 0)
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    struct itimerval it = {{us / 1000000, us % 1000000}, {us / 1000000, us % 1000000}};
    if (sigaction(SIGALRM, &sa, NULL) != 0 || setitimer(ITIMER_REAL, &it, NULL) != 0)
        fail("FUZZ_SIP_ALARM_US: %s", strerror(errno));
}

int main(int argc, char **argv)
{
    isolate();
    signal_storm();
    int rc = replay_files("fuzz_sip", argc - 1, argv + 1, run, 16384);
    if (peer >= 0 && (trace || getenv("FUZZ_SIP_DROPS")))
        fprintf(stderr, "fuzz_sip: datagrams the kernel dropped at the line's socket: %lu\n",
                line_socket_drops());
    if (peer >= 0) {
        /* The peer goes on answering (the BYEs of the shutdown) until it is done. */
        pthread_t t;
        if (pthread_create(&t, NULL, shutdown_thread, NULL))
            fail("pthread_create");
        while (!atomic_load(&shut)) {
            struct pollfd pf = {.fd = peer, .events = POLLIN};
            poll(&pf, 1, 50);
            pump();
        }
        pthread_join(t, NULL);
        otSetConfig(NULL);
        close(peer);
    }
    return rc;
}
#endif
