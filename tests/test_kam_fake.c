/* The Kamailio provider against a fake Kamailio (a socket of the test's
 * speaking the evapi netstrings): what a broken or hostile peer can send is
 * ignored and counted, 3,000 random events never break the provider, and a
 * bad [kamailio] or [line] configuration is refused by otCheckConfig and
 * start-up alike (LINEERR_INIFILECORRUPT, the same reason and line).
 * Helpers shared with tests/test_kamailio.c are declared in
 * tests/test_kam.h; every wait is on an event, bounded. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test_kam.h"


/* ---- a fake Kamailio: what a broken or hostile peer can send ---------------- */
static int fake_listen(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK_RC(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    socklen_t len = sizeof(a);
    CHECK_RC(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    CHECK_RC(listen(fd, 4), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

/* Accepts the provider's connection and answers its dialog list with an
 * empty one. */
static int fake_accept(int lfd)
{
    struct pollfd p = {lfd, POLLIN, 0};
    if (poll(&p, 1, 10000) != 1)
        FAIL("the provider did not connect within 10 s");
    int fd = accept(lfd, NULL, NULL);
    CHECK(fd >= 0);
    char buf[512];
    size_t n = 0;
    while (!memchr(buf, ',', n) || !strstr(buf, "dlg.list")) {
        struct pollfd q = {fd, POLLIN, 0};
        if (poll(&q, 1, 10000) != 1 || n + 1 >= sizeof(buf))
            FAIL("no dialog list request from the provider");
        ssize_t r = read(fd, buf + n, sizeof(buf) - 1 - n);
        if (r <= 0)
            FAIL("the provider closed the connection");
        n += (size_t)r;
        buf[n] = '\0';
    }
    const char *id = strstr(buf, "\"id\":");
    CHECK(id != NULL);
    char reply[128];
    int len = snprintf(reply, sizeof(reply), "{\"jsonrpc\":\"2.0\",\"result\":[],\"id\":%ld}",
                       strtol(id + 5, NULL, 10));
    char ns[160];
    int m = snprintf(ns, sizeof(ns), "%d:%s,", len, reply);
    CHECK_EQ(write(fd, ns, (size_t)m), m);
    return fd;
}

static void fake_send(int fd, const char *json)
{
    char ns[1024];
    int m = snprintf(ns, sizeof(ns), "%zu:%s,", strlen(json), json);
    CHECK_EQ(write(fd, ns, (size_t)m), m);
}

struct kwant {
    unsigned long events, unknown, malformed, late;
};

static bool counts_are(const struct ot_kam_counters *c, void *arg)
{
    const struct kwant *w = arg;
    return c->events == w->events && c->unknown == w->unknown && c->malformed == w->malformed &&
           c->rpc_late == w->late;
}

static void wait_counts(unsigned long events, unsigned long unknown, unsigned long malformed,
                        unsigned long late)
{
    struct kwant w = {events, unknown, malformed, late};
    if (!ot_kam_counters_wait(counts_are, &w, 10000)) {
        struct ot_kam_counters c;
        ot_kam_counters_get(&c);
        FAIL("events %lu unknown %lu malformed %lu late %lu: expected %lu %lu %lu %lu", c.events,
             c.unknown, c.malformed, c.rpc_late, events, unknown, malformed, late);
    }
}

/* What Kamailio should never send is ignored and counted: text that is not
 * JSON, objects without the fields of their event, events about dialogs
 * nobody tracks, an answer to no request, a User-to-User that does not
 * parse (the call goes on without it).  A stream that is not netstrings
 * closes the connection: out of service, then back after reconnecting. */
TEST_THREADED(kam_bad_input_ignored_and_counted)
{
    int port, lfd = fake_listen(&port);
    char text[400];
    snprintf(text, sizeof(text),
             "[kamailio]\nevapi = 127.0.0.1:%d\nreconnect_ms = 20\n"
             "[line]\nprovider = kamailio\nnumber = alice\nuri = sip:alice@127.0.0.1\n",
             port);
    t_config(text);
    ot_kam_counters_reset();
    tapp a;
    t_init(&a, "supervisor");
    HLINE hl = t_open(&a, 0, LINECALLPRIVILEGE_OWNER);
    CHECK_RC(lineSetStatusMessages(hl, LINEDEVSTATE_INSERVICE | LINEDEVSTATE_OUTOFSERVICE, 0), 0);
    int fd = fake_accept(lfd);
    expect_devstate(&a, hl, LINEDEVSTATE_INSERVICE);

    fake_send(fd, "hello");
    fake_send(fd, "[1,2]");
    fake_send(fd, "{\"ev\":\"invite\"}");
    wait_counts(0, 0, 3, 0);
    fake_send(fd, "{\"ev\":\"reply\",\"ci\":\"nobody\",\"ft\":\"x\",\"st\":200}");
    fake_send(fd, "{\"ev\":\"bye\",\"ci\":\"nobody\",\"ft\":\"x\"}");
    fake_send(fd, "{\"jsonrpc\":\"2.0\",\"result\":{},\"id\":99999}");
    wait_counts(2, 2, 3, 1);
    /* a call of alice's with a User-to-User that does not parse */
    fake_send(fd, "{\"ev\":\"invite\",\"ci\":\"c1\",\"ft\":\"f1\",\"fu\":\"alice\","
                  "\"fd\":\"127.0.0.1\",\"tu\":\"bob\",\"td\":\"127.0.0.1\",\"cseq\":\"1\","
                  "\"he\":1,\"hi\":2,\"uui\":\"zz;encoding=hex\"}");
    HCALL h = t_expect_newcall(&a, hl, LINECALLPRIVILEGE_OWNER);
    t_expect_state(&a, h, LINECALLSTATE_PROCEEDING, 0);
    fake_send(fd, "{\"ev\":\"reply\",\"ci\":\"c1\",\"ft\":\"f1\",\"st\":\"200\"}");
    fake_send(fd, "{\"ev\":\"reply\",\"ci\":\"c1\",\"ft\":\"f1\",\"st\":99}");
    fake_send(fd, "{\"ev\":\"reply\",\"ci\":\"c1\",\"ft\":\"f1\",\"st\":486,"
                  "\"uui\":\"04;encoding=base64\",\"reason\":\"Q.850;cause=abc\"}");
    t_expect_state(&a, h, LINECALLSTATE_BUSY, LINEBUSYMODE_STATION);
    t_expect_state(&a, h, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_BUSY);
    t_expect_state(&a, h, LINECALLSTATE_IDLE, 0);
    CHECK_EQ(t_uui(h, text, sizeof(text)), 0);
    wait_counts(6, 2, 5, 1);
    CHECK_RC(lineDeallocateCall(h), 0);

    /* not a netstring: the connection goes, and comes back */
    CHECK_EQ(write(fd, "x:{},", 5), 5);
    expect_devstate(&a, hl, LINEDEVSTATE_OUTOFSERVICE);
    close(fd);
    fd = fake_accept(lfd);
    expect_devstate(&a, hl, LINEDEVSTATE_INSERVICE);
    t_expect_none(&a);
    t_shutdown(&a);
    close(fd);
    close(lfd);
}

/* Starts text as the configuration and shuts down again: lineInitializeEx's
 * result, the line devices in *ndev; no application is left either way. */
static LONG start_once(const char *text, DWORD *ndev)
{
    t_config(text);
    HLINEAPP app = 0;
    DWORD ver = T_API;
    LINEINITIALIZEEXPARAMS ip;
    memset(&ip, 0, sizeof(ip));
    ip.dwTotalSize = sizeof(ip);
    ip.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    *ndev = 0;
    LONG rc = lineInitializeEx(&app, NULL, NULL, "kamconf", ndev, &ver, &ip);
    if (rc == 0)
        CHECK_RC(lineShutdown(app), 0);
    OTSTATS st;
    CHECK_RC(otGetStats(&st), 0);
    CHECK_EQ(st.dwApps, 0);
    return rc;
}

/* A configuration the provider refuses: the checker and start-up say the same
 * (LINEERR_INIFILECORRUPT and the reason with its line), nothing left behind. */
static void expect_refused(const char *text, const char *why)
{
    char err[320] = "";
    LONG crc = otCheckConfig(text, err, sizeof(err));
    if (crc != (LONG)LINEERR_INIFILECORRUPT || !strstr(err, why))
        FAIL("otCheckConfig %s \"%s\", expected \"%s\" for:\n%s", otErrorName(crc), err, why,
             text);
    DWORD ndev;
    LONG rc = start_once(text, &ndev);
    if (rc != (LONG)LINEERR_INIFILECORRUPT)
        FAIL("lineInitializeEx %s, expected LINEERR_INIFILECORRUPT (as otCheckConfig) for:\n%s",
             otErrorName(rc), text);
}

/* The [kamailio] section and the Kamailio lines: what start-up refuses, the
 * checker (tapi config --check) refuses too, with the same reason and line;
 * what it accepts, starts. */
TEST(kam_bad_configuration_refused)
{
#define L1 "[line]\nprovider = kamailio\nnumber = a\nuri = sip:a@h\n"
    static const struct {
        const char *text, *why;
    } bad[] = {
        {"[line]\nprovider = kamailio\nnumber = a\n",
         "line 1: [line] (device 0, kamailio): uri must be the phone's address of record"},
        {"[line]\nprovider = kamailio\nnumber = a\nuri = alice\n",
         "line 4: [line] (device 0, kamailio): uri must be"},
        {"[line]\nprovider = kamailio\nnumber = a\nuri = sip:@host\n", "line 4: [line] (device 0"},
        {"[line]\nprovider = kamailio\nnumber = a\nuri = sip:alice@\n", "line 4: [line] (device 0"},
        {"[line]\nprovider = kamailio\nnumber = a\nuri = sip:al ice@host\n",
         "line 4: [line] (device 0"},
        {"[line]\nprovider = kamailio\nnumber = a\nuri = sip:alice@host\nproxy = x\n",
         "line 5: [line] (device 0, kamailio): unknown key proxy"},
        {"[line]\nnumber = s\n[line]\nprovider = kamailio\nnumber = a\nuri = sip:alice@host\n"
         "[line]\nprovider = kamailio\nnumber = b\nuri = sip:alice@HOST\n",
         "line 7: [line] (device 2, kamailio): uri already on device 1"},
        {"[kamailio]\nevapi = localhost:8448\n" L1, "line 2: [kamailio] evapi must be IP:PORT"},
        {"[kamailio]\nevapi = 127.0.0.1:0\n" L1, "line 2: [kamailio] evapi must be IP:PORT"},
        {"[kamailio]\nevapi = 127.0.0.1:65536\n" L1, "line 2: [kamailio] evapi must be IP:PORT"},
        {"[kamailio]\nevapi = ::1:8448\n" L1, "line 2: [kamailio] evapi must be IP:PORT"},
        {"[kamailio]\nrpc_timeout_ms = 5\n" L1, "line 2: [kamailio] rpc_timeout_ms must be 10..60000"},
        {"[kamailio]\nreconnect_ms = -1\n" L1, "line 2: [kamailio] reconnect_ms must be 10..60000"},
        {"[kamailio]\nreconnect_ms = 100\nrpc_timeout = 50\n" L1,
         "line 3: [kamailio]: unknown key rpc_timeout"},
        /* refused even with no Kamailio line at all: "ok" must mean it starts */
        {"[kamailio]\nevapi = nowhere\n[line]\nnumber = 1\n", "line 2: [kamailio] evapi"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_refused(bad[i].text, bad[i].why);
    /* a good one: accepted, and it starts (Kamailio need not be there yet) */
    static const char good[] = "[kamailio]\nevapi = [::1]:8448\nrpc_timeout_ms = 10\n"
                               "reconnect_ms = 60000\n" L1
                               "[line]\nprovider = kamailio\nnumber = b\nuri = sip:b@h\n";
    char err[320] = "?";
    CHECK_RC(otCheckConfig(good, err, sizeof(err)), 0);
    CHECK_EQ(err[0], '\0');
    DWORD ndev;
    CHECK_RC(start_once(good, &ndev), 0);
    CHECK_EQ(ndev, 2);
    CHECK_RC(otSetConfig(NULL), 0);
#undef L1
}

/* ---- random events from the fake Kamailio -------------------------------------- */
static uint64_t rnd_state;
static unsigned rnd(unsigned n)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return (unsigned)(rnd_state % n);
}

static const char *rnd_pick(const char *const *v, unsigned n) { return v[rnd(n)]; }

/* One event of a random shape: known and unknown event names, dialogs that
 * exist and do not, fields missing or of the wrong type, statuses in and out
 * of range, User-to-User and Reason values that parse and do not. */
static int rnd_event(char *out, size_t n)
{
    static const char *const evs[] = {"invite", "reply", "bye", "cancel", "ack", "x", ""};
    static const char *const cis[] = {"c0", "c1", "c2", "c3", "\\u0000", "c1\\\"x"};
    static const char *const users[] = {"alice", "bob", "carol", "", "alice\\u00e9"};
    static const char *const uuis[] = {
        "\"04696e;encoding=hex;purpose=isdn-uui\"", "\"zz\"", "\"0\"", "\"\"",
        "\"04;purpose=other\"", "1", "null", "\"04aabb;encoding=base64\"",
        "\"04aabb,05cc;purpose=isdn-uui\""};
    static const char *const reasons[] = {"\"Q.850;cause=17\"", "\"Q.850;cause=999\"",
                                          "\"SIP;cause=486\"", "\"Q.850\"", "\"\"", "[]",
                                          "\"Q.850;cause=16;text=\\\"x\\\", SIP;cause=200\""};
    static const char *const sts[] = {"180", "183", "200", "486", "603", "487", "99", "700",
                                      "\"200\"", "-1", "2147483648", "1e3"};
    int k = snprintf(out, n, "{");
    if (rnd(8))
        k += snprintf(out + k, n - (size_t)k, "\"ev\":\"%s\",", rnd_pick(evs, 7));
    if (rnd(8))
        k += snprintf(out + k, n - (size_t)k, "\"ci\":\"%s\",", rnd_pick(cis, 6));
    if (rnd(8))
        k += snprintf(out + k, n - (size_t)k, "\"ft\":\"f%u\",", rnd(3));
    if (rnd(2))
        k += snprintf(out + k, n - (size_t)k, "\"tt\":\"t%u\",", rnd(3));
    if (rnd(4))
        k += snprintf(out + k, n - (size_t)k, "\"fu\":\"%s\",\"fd\":\"127.0.0.1\",",
                      rnd_pick(users, 5));
    if (rnd(4))
        k += snprintf(out + k, n - (size_t)k, "\"tu\":\"%s\",\"td\":\"%s\",", rnd_pick(users, 5),
                      rnd(6) ? "127.0.0.1" : "example.com");
    if (rnd(2))
        k += snprintf(out + k, n - (size_t)k, "\"st\":%s,", rnd_pick(sts, 12));
    if (rnd(3) == 0)
        k += snprintf(out + k, n - (size_t)k, "\"uui\":%s,", rnd_pick(uuis, 9));
    if (rnd(3) == 0)
        k += snprintf(out + k, n - (size_t)k, "\"reason\":%s,", rnd_pick(reasons, 7));
    if (rnd(2))
        k += snprintf(out + k, n - (size_t)k, "\"cseq\":\"%u\",\"he\":%u,\"hi\":%u,", rnd(5),
                      rnd(5), rnd(5));
    if (rnd(3) == 0)
        k += snprintf(out + k, n - (size_t)k, "\"fn\":\"\\\"A %u\\\"\",", rnd(9));
    out[k - 1] = out[k - 1] == ',' ? '}' : out[k - 1];
    if (out[k - 1] == '{')
        k += snprintf(out + k, n - (size_t)k, "}");
    return k;
}

/* 3,000 random events (fixed seed) and a few random JSON-RPC answers: the
 * provider counts each as an event, unknown or malformed, never stops, and
 * still reports a well-formed call afterwards.  (Under ASan: no crash, no
 * leak; the runner checks nothing is left after shutdown.) */
TEST_THREADED(kam_random_events_never_break_the_provider)
{
    int port, lfd = fake_listen(&port);
    char text[400];
    snprintf(text, sizeof(text),
             "[kamailio]\nevapi = 127.0.0.1:%d\n"
             "[line]\nprovider = kamailio\nnumber = alice\nuri = sip:alice@127.0.0.1\n"
             "[line]\nprovider = kamailio\nnumber = bob\nuri = sip:bob@127.0.0.1\n",
             port);
    t_config(text);
    ot_kam_counters_reset();
    tapp a;
    t_init(&a, "supervisor");
    HLINE hl = t_open(&a, 0, LINECALLPRIVILEGE_MONITOR);
    t_open(&a, 1, LINECALLPRIVILEGE_MONITOR);
    int fd = fake_accept(lfd);
    wait_service(true);
    rnd_state = 0x9e3779b97f4a7c15ull;
    static HCALL calls[4096];
    unsigned ncalls = 0;
    char ev[1024];
    unsigned long sent = 0;
    for (int i = 0; i < 3000; i++) {
        int k = rnd_event(ev, sizeof(ev));
        if (rnd(50) == 0)
            k = snprintf(ev, sizeof(ev), "{\"jsonrpc\":\"2.0\",\"result\":%s,\"id\":%u}",
                         rnd(2) ? "[]" : "{}", rnd(100));
        char ns[1100];
        int m = snprintf(ns, sizeof(ns), "%d:%s,", k, ev);
        CHECK_EQ(write(fd, ns, (size_t)m), m);
        sent++;
        /* drain the application now and then: the queue stays small */
        LINEMESSAGE msg;
        while (t_poll(&a, &msg))
            if (msg.dwMessageID == LINE_APPNEWCALL && ncalls < 4096)
                calls[ncalls++] = (HCALL)msg.dwParam2;
    }
    /* a well-formed call of alice's still works */
    fake_send(fd, "{\"ev\":\"invite\",\"ci\":\"final\",\"ft\":\"ff\",\"fu\":\"alice\","
                  "\"fd\":\"127.0.0.1\",\"tu\":\"dave\",\"td\":\"127.0.0.1\",\"cseq\":\"1\"}");
    for (;;) {
        LINEMESSAGE msg = t_next(&a);
        if (msg.dwMessageID == LINE_APPNEWCALL && ncalls < 4096)
            calls[ncalls++] = (HCALL)msg.dwParam2;
        if (msg.dwMessageID != LINE_APPNEWCALL || msg.hDevice != hl)
            continue;
        tcallinfo ci;
        t_callinfo((HCALL)msg.dwParam2, &ci);
        if (!strcmp(t_ci_str(&ci, ci.ci.dwCalledIDSize, ci.ci.dwCalledIDOffset), "dave"))
            break;
    }
    struct ot_kam_counters c;
    ot_kam_counters_get(&c);
    CHECK_EQ(c.disconnects, 0);
    if (c.events + c.malformed + c.rpc_late < sent)
        FAIL("events %lu + malformed %lu + late answers %lu < %lu messages sent", c.events,
             c.malformed, c.rpc_late, sent);
    CHECK(ncalls < 4096);
    for (unsigned i = 0; i < ncalls; i++)
        CHECK_RC(lineDeallocateCall(calls[i]), 0);
    t_shutdown_with_calls(&a); /* random events may still be coming */
    close(fd);
    close(lfd);
}
