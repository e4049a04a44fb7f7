/* The telephony service (docs/service.md) across processes, part 3: clients
 * that misbehave on the socket are let go alone.  Garbage, oversized,
 * truncated and unknown frames close only their connection; a client that
 * stops reading is let go once [server] max_backlog_kb waits for it, while
 * another client goes on calling. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rpc.h"
#include "test_service.h"

/* ---- a client that speaks nonsense is closed alone ---- */
static int raw_connect(const svc *s)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK(fd >= 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", s->sock);
    CHECK_RC(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    return fd;
}

/* The server must close the connection (read gives EOF) within the hang limit. */
static void expect_closed(int fd)
{
    char buf[256];
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 10000) != 1)
            FAIL("the service kept a connection that sent nonsense");
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n <= 0)
            break; /* its HELLO answer may come first */
    }
    close(fd);
}

static void send_bytes(int fd, const void *p, size_t n)
{
    CHECK_EQ(write(fd, p, n), (ssize_t)n);
}

static void hello(int fd)
{
    uint32_t h[5] = {8, 1 | (0u << 16), 0, 0x5041544fu, 1};
    send_bytes(fd, h, sizeof(h));
}

static void role_bystander(void *arg)
{
    (void)arg;
    tapp b;
    t_init(&b, "bystander");
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    svc_say("open");
    svc_wait_word();
    sync_with_service(&b);
    t_expect_none(&b); /* no REINIT: the service is fine */
    CHECK_RC(lineClose(lb), 0);
    t_shutdown(&b);
}

TEST(service_closes_only_the_client_that_sends_a_bad_frame)
{
    svc s;
    svc_start(&s, NULL);
    svc_child b;
    svc_child_start(&b, &s, "bystander", role_bystander, NULL);
    svc_expect(&b, "open");
    /* Garbage instead of HELLO. */
    int fd = raw_connect(&s);
    send_bytes(fd, "GET / HTTP/1.0\r\n\r\n", 18);
    expect_closed(fd);
    /* A frame longer than the protocol allows. */
    fd = raw_connect(&s);
    hello(fd);
    uint32_t big[3] = {0xFFFFFFF0u, 2, 1};
    send_bytes(fd, big, sizeof(big));
    expect_closed(fd);
    /* A call whose arguments are cut short (lineDrop: handle, UUI length 100, no bytes). */
    fd = raw_connect(&s);
    hello(fd);
    uint32_t cut[6] = {12, 2 | (14u << 16), 7, 0xc0000001u, 100, 3};
    send_bytes(fd, cut, sizeof(cut));
    expect_closed(fd);
    /* An unknown function number. */
    fd = raw_connect(&s);
    hello(fd);
    uint32_t unknown[3] = {0, 2 | (999u << 16), 8};
    send_bytes(fd, unknown, sizeof(unknown));
    expect_closed(fd);
    /* A client that says HELLO and vanishes mid-frame. */
    fd = raw_connect(&s);
    hello(fd);
    uint32_t half[2] = {40, 2};
    send_bytes(fd, half, sizeof(half));
    close(fd);
    svc_tell(&b, "check");
    svc_child_wait(&b);
    CHECK(strstr(svc_log(&s), "malformed frame") != NULL);
    CHECK(strstr(svc_log(&s), "oversized frame") != NULL);
    svc_finish(&s);
}

/* ---- a client that stops reading is let go, the others go on ---- */

static uint32_t same_app(uint32_t a) { return a; }

static void raw_frame_result(int fd, uint32_t seq, LONG *result, uint32_t *first_out)
{
    for (;;) {
        struct ot_rpc_hdr h;
        unsigned char buf[4096];
        CHECK_EQ(read(fd, &h, sizeof(h)), (ssize_t)sizeof(h));
        CHECK(h.len <= sizeof(buf));
        size_t got = 0;
        while (got < h.len) {
            ssize_t n = read(fd, buf + got, h.len - got);
            CHECK(n > 0);
            got += (size_t)n;
        }
        if (h.type == OT_RPC_RESULT && h.seq == seq) {
            memcpy(result, buf, 4);
            if (first_out && h.len >= 12)
                memcpy(first_out, buf + 4, 4);
            return;
        }
    }
}

/* The next message that is not LINE_CALLINFO(NUMMONITORS): the monitor that is
 * let go changes the callee's monitor count at a moment the test can't know. */
static LINEMESSAGE next_but_monitors(tapp *a)
{
    for (;;) {
        LINEMESSAGE m = t_next(a);
        if (!(m.dwMessageID == LINE_CALLINFO && m.dwParam1 == LINECALLINFOSTATE_NUMMONITORS))
            return m;
    }
}

static void expect_msg(tapp *a, DWORD id, DWORD dev, DWORD_PTR p1, DWORD_PTR p2)
{
    LINEMESSAGE m = next_but_monitors(a);
    if (m.dwMessageID != id || (dev && m.hDevice != dev) || m.dwParam1 != p1 ||
        m.dwParam2 != p2)
        FAIL("%s: got message 0x%x (h=%08x, 0x%lx, 0x%lx), expected 0x%x (h=%08x, 0x%lx, 0x%lx)",
             a->name, (unsigned)m.dwMessageID, (unsigned)m.hDevice, (unsigned long)m.dwParam1,
             (unsigned long)m.dwParam2, (unsigned)id, (unsigned)dev, (unsigned long)p1,
             (unsigned long)p2);
}

static void role_busy_caller(void *arg)
{
    (void)arg;
    tpair p;
    t_pair_init(&p, 0, 1);
    OTSTATS st;
    unsigned cycles = 0;
    /* Calls until the service let the silent client go (only our two
     * applications are left); bounded. */
    for (;;) {
        CHECK_RC(otGetServiceStats(&st), 0);
        if (st.dwApps == 2)
            break;
        if (++cycles > 20000)
            FAIL("the service still holds the client that does not read");
        HCALL ha = t_make_call(&p.a, p.la, "101", NULL, 0);
        t_expect_ringback(&p.a, ha);
        LINEMESSAGE m = next_but_monitors(&p.b);
        CHECK_EQ(m.dwMessageID, LINE_APPNEWCALL);
        HCALL hb = (HCALL)m.dwParam2;
        expect_msg(&p.b, LINE_CALLSTATE, hb, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE);
        LONG req = lineAnswer(hb, NULL, 0);
        CHECK_REQ(req);
        expect_msg(&p.b, LINE_CALLSTATE, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        expect_msg(&p.b, LINE_REPLY, 0, (DWORD_PTR)req, 0);
        t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_CONNECTEDID);
        t_expect_state(&p.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        t_drop_idle(&p.a, ha);
        expect_msg(&p.b, LINE_CALLSTATE, hb, LINECALLSTATE_DISCONNECTED,
                   LINEDISCONNECTMODE_NORMAL);
        req = lineDrop(hb, NULL, 0);
        CHECK_REQ(req);
        expect_msg(&p.b, LINE_CALLSTATE, hb, LINECALLSTATE_IDLE, 0);
        expect_msg(&p.b, LINE_REPLY, 0, (DWORD_PTR)req, 0);
        CHECK_RC(lineDeallocateCall(hb), 0);
    }
    /* The last stats call came after the service let it go: every message
     * is here; only the monitor count may be left to read. */
    LINEMESSAGE m;
    while (t_poll(&p.b, &m))
        if (!(m.dwMessageID == LINE_CALLINFO && m.dwParam1 == LINECALLINFOSTATE_NUMMONITORS))
            FAIL("callee: unexpected message 0x%x", (unsigned)m.dwMessageID);
    svc_say("cycles %u", cycles);
    t_pair_done(&p);
}

TEST(service_lets_go_of_a_client_that_stops_reading)
{
    char conf[8192];
    snprintf(conf, sizeof(conf), "%s\n[server]\nmax_backlog_kb = 64\n", otDefaultConfig());
    svc s;
    svc_start(&s, conf);
    int fd = raw_connect(&s);
    hello(fd);
    LONG rc;
    struct ot_wbuf w = {0};
    size_t f = ot_wbuf_begin_frame(&w, OT_RPC_CALL, OT_RPC_INITIALIZE, 1);
    ot_wbuf_u32(&w, 6);
    ot_wbuf_put(&w, "silent", 6);
    ot_wbuf_u32(&w, T_API);
    ot_wbuf_end_frame(&w, f);
    send_bytes(fd, w.data, w.len);
    ot_wbuf_free(&w);
    uint32_t app = 0;
    /* the HELLO answer comes first: skip it */
    struct ot_rpc_hdr h;
    unsigned char hbuf[64];
    CHECK_EQ(read(fd, &h, sizeof(h)), (ssize_t)sizeof(h));
    CHECK(h.type == OT_RPC_HELLO && h.len <= sizeof(hbuf));
    CHECK_EQ(read(fd, hbuf, h.len), (ssize_t)h.len);
    raw_frame_result(fd, 1, &rc, &app);
    CHECK_RC(rc, 0);
    /* lineOpen(app, 1, &hl, ..., MONITOR): the monitor of the callee's line. */
    HLINE dummy;
    uintptr_t a[9] = {app, 1, (uintptr_t)&dummy, T_API, 0, 0, LINECALLPRIVILEGE_MONITOR,
                      LINEMEDIAMODE_INTERACTIVEVOICE, 0};
    f = ot_wbuf_begin_frame(&w, OT_RPC_CALL, OT_RPC_lineOpen, 2);
    CHECK_RC(ot_rpc_encode_args(OT_RPC_lineOpen, a, &w, same_app), 0);
    ot_wbuf_end_frame(&w, f);
    send_bytes(fd, w.data, w.len);
    ot_wbuf_free(&w);
    raw_frame_result(fd, 2, &rc, NULL);
    CHECK_RC(rc, 0);
    /* From here it reads nothing. */
    svc_child c;
    svc_child_start(&c, &s, "busy caller", role_busy_caller, NULL);
    const char *n = svc_expect(&c, "cycles ");
    CHECK(atoi(n) > 0);
    svc_child_wait(&c);
    CHECK(strstr(svc_log(&s), "stopped reading: disconnected") != NULL);
    expect_closed(fd);
    svc_finish(&s);
}
