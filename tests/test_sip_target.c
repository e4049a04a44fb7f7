/* A peer whose Contact names a URI Sofia-SIP cannot send to (tel:, http:...).
 * Sofia-SIP fails every request of such a dialog at once, and 1.12.11 answers
 * the failure of a BYE it sent by itself (after an ACK it could not send) with
 * another BYE, without end, until the stack thread's stack overflows (found by
 * fuzz_sip; docs/sip.md, "Sofia-SIP and a Contact it cannot send to").  The
 * provider keeps no such dialog: an INVITE with such a Contact is refused, a
 * re-INVITE of the peer that moves the target there ends the call, and a 2xx
 * to our re-INVITE does not move it.  The peer is a UDP socket of the test. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sip_helpers.h"

typedef struct {
    int fd, port, line_port;
    char buf[4096];
} peer;

static void peer_open(peer *p, int line_port)
{
    p->fd = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(p->fd >= 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(p->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    socklen_t sl = sizeof(sa);
    CHECK(getsockname(p->fd, (struct sockaddr *)&sa, &sl) == 0);
    p->port = ntohs(sa.sin_port);
    p->line_port = line_port;
}

static void peer_send(peer *p, const char *msg)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons((unsigned short)p->line_port);
    size_t n = strlen(msg);
    CHECK(sendto(p->fd, msg, n, 0, (struct sockaddr *)&sa, sizeof(sa)) == (ssize_t)n);
}

/* The next message from the line whose first line starts with want (others,
 * e.g. 100 Trying or retransmissions, are skipped); FAIL after T_TIMEOUT_MS. */
static const char *peer_expect(peer *p, const char *want)
{
    for (;;) {
        struct pollfd pf = {.fd = p->fd, .events = POLLIN};
        int r = poll(&pf, 1, (int)T_TIMEOUT_MS);
        if (r <= 0)
            FAIL("no \"%s\" from the line", want);
        ssize_t n = recv(p->fd, p->buf, sizeof(p->buf) - 1, 0);
        CHECK(n > 0);
        p->buf[n] = '\0';
        if (!strncmp(p->buf, want, strlen(want)))
            return p->buf;
    }
}

/* The value of header name (case-insensitive, full name) in msg, into out. */
static void header(const char *msg, const char *name, char *out, size_t outlen)
{
    size_t nl = strlen(name);
    for (const char *l = strstr(msg, "\r\n"); l; l = strstr(l, "\r\n")) {
        l += 2;
        if (!strncasecmp(l, name, nl) && l[nl] == ':') {
            const char *v = l + nl + 1;
            while (*v == ' ')
                v++;
            size_t n = strcspn(v, "\r\n");
            if (n >= outlen)
                n = outlen - 1;
            memcpy(out, v, n);
            out[n] = '\0';
            return;
        }
    }
    FAIL("no %s header in: %.200s", name, msg);
}

#define SDP                                                                                \
    "v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"          \
    "m=audio 9 RTP/AVP 0\r\n"

/* The peer's INVITE: cseq 1 without a To tag starts the call; later ones
 * carry to (with our tag) and refresh the target. */
static void send_invite(peer *p, unsigned call, unsigned cseq, const char *to,
                        const char *contact)
{
    char m[2048];
    snprintf(m, sizeof(m),
             "INVITE sip:opentapi@127.0.0.1:%d SIP/2.0\r\n"
             "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-tgt%u-%u\r\n"
             "Max-Forwards: 70\r\n"
             "From: <sip:peer@127.0.0.1:%d>;tag=peer1\r\n"
             "To: %s\r\n"
             "Call-ID: target-%u-%d@127.0.0.1\r\n"
             "CSeq: %u INVITE\r\n"
             "Contact: %s\r\n"
             "Content-Type: application/sdp\r\n"
             "Content-Length: %zu\r\n\r\n%s",
             p->line_port, p->port, call, cseq, p->port, to, call, p->port, cseq, contact,
             strlen(SDP), SDP);
    peer_send(p, m);
}

static void send_ack(peer *p, unsigned call, unsigned cseq, const char *to, const char *contact)
{
    char m[1024];
    snprintf(m, sizeof(m),
             "ACK sip:opentapi@127.0.0.1:%d SIP/2.0\r\n"
             "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-tgtack%u-%u\r\n"
             "Max-Forwards: 70\r\n"
             "From: <sip:peer@127.0.0.1:%d>;tag=peer1\r\n"
             "To: %s\r\n"
             "Call-ID: target-%u-%d@127.0.0.1\r\n"
             "CSeq: %u ACK\r\n"
             "Contact: %s\r\n"
             "Content-Length: 0\r\n\r\n",
             p->line_port, p->port, call, cseq, p->port, to, call, p->port, cseq, contact);
    peer_send(p, m);
}

/* The peer's response to our INVITE (re-INVITE here) with contact. */
static void send_response(peer *p, const char *req, const char *status, const char *totag,
                          const char *contact)
{
    char via[256], from[256], to[256], callid[128], cseq[64], m[2048];
    header(req, "Via", via, sizeof(via));
    header(req, "From", from, sizeof(from));
    header(req, "To", to, sizeof(to));
    header(req, "Call-ID", callid, sizeof(callid));
    header(req, "CSeq", cseq, sizeof(cseq));
    snprintf(m, sizeof(m),
             "SIP/2.0 %s\r\nVia: %s\r\nFrom: %s\r\nTo: %s%s\r\nCall-ID: %s\r\nCSeq: %s\r\n"
             "Contact: %s\r\nContent-Type: application/sdp\r\nContent-Length: %zu\r\n\r\n%s",
             status, via, from, to, strstr(to, "tag=") ? "" : totag, callid, cseq, contact,
             strlen(SDP), SDP);
    peer_send(p, m);
}


/* A call from the peer (Contact: its socket), answered and ACKed: CONNECTED.
 * to receives the dialog's To (with our tag). */
static HCALL connected_call(tapp *a, HLINE hl, peer *p, unsigned call, char *to, size_t tolen,
                            const char *contact)
{
    snprintf(to, tolen, "<sip:opentapi@127.0.0.1:%d>", p->line_port);
    send_invite(p, call, 1, to, contact);
    HCALL h = t_expect_offer(a, hl);
    LONG req = lineAnswer(h, NULL, 0);
    CHECK_REQ(req);
    header(peer_expect(p, "SIP/2.0 200"), "To", to, tolen);
    send_ack(p, call, 1, to, contact);
    t_expect_state(a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(a, req, 0);
    return h;
}

/* We drop h: the BYE comes to the peer's socket (the dialog's target is
 * still there), the peer answers it, h goes IDLE and is deallocated. */
static void drop_at_peer(tapp *a, HCALL h, peer *p)
{
    LONG req = lineDrop(h, NULL, 0);
    CHECK_REQ(req);
    const char *bye = peer_expect(p, "BYE sip:peer@127.0.0.1");
    send_response(p, bye, "200 OK", "", "<sip:peer@127.0.0.1>");
    t_expect_state(a, h, LINECALLSTATE_IDLE, 0);
    t_expect_reply(a, req, 0);
    CHECK_RC(lineDeallocateCall(h), 0);
}

/* An INVITE whose Contact is tel: is refused (400) before it is a call; the
 * line takes the next call as usual. */
TEST(sip_target_invite_contact_not_sip_refused)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    peer p;
    peer_open(&p, port);
    char to[256], contact[128];
    snprintf(to, sizeof(to), "<sip:opentapi@127.0.0.1:%d>", port);
    send_invite(&p, 1, 1, to, "<tel:+15550100>");
    peer_expect(&p, "SIP/2.0 400");
    t_expect_none(&a); /* NUA sent the 400 after the provider saw the INVITE */
    snprintf(contact, sizeof(contact), "<sip:peer@127.0.0.1:%d>", p.port);
    HCALL h = connected_call(&a, hl, &p, 2, to, sizeof(to), contact);
    drop_at_peer(&a, h, &p);
    sh_wait_dialogs(0);
    close(p.fd);
    t_shutdown(&a);
}

/* We hold a call; the peer answers our re-INVITE with a 200 OK whose Contact
 * is contact.  The target stays where it was: the ACK and later our BYE go to
 * the peer's socket. */
static void hold_answered_with(const char *contact2)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    peer p;
    peer_open(&p, port);
    char to[256], contact[128], moved[128];
    snprintf(contact, sizeof(contact), "<sip:peer@127.0.0.1:%d>", p.port);
    HCALL h = connected_call(&a, hl, &p, 1, to, sizeof(to), contact);
    LONG req = lineHold(h);
    CHECK_REQ(req);
    snprintf(moved, sizeof(moved), contact2, sh_free_port());
    send_response(&p, peer_expect(&p, "INVITE sip:peer@127.0.0.1"), "200 OK", "", moved);
    peer_expect(&p, "ACK sip:peer@127.0.0.1");
    t_expect_state(&a, h, LINECALLSTATE_ONHOLD, 0);
    t_expect_reply(&a, req, 0);
    drop_at_peer(&a, h, &p);
    sh_wait_dialogs(0);
    close(p.fd);
    t_shutdown(&a);
}

/* A SIP Contact elsewhere: nothing listens there, and the ACK still comes to
 * the peer's socket (the mutant of this fix fails here, before the next test
 * would overflow the stack). */
TEST(sip_target_reinvite_2xx_keeps_target)
{
    hold_answered_with("<sip:moved@127.0.0.1:%d>");
}

/* The reproducer: the 200 OK names tel:.  Were the target moved there, Sofia
 * could not ACK, and its BYEs would recurse until NUA's stack overflows. */
TEST(sip_target_reinvite_2xx_tel_contact)
{
    hold_answered_with("<tel:+1555%d>");
}

/* The peer's re-INVITE names tel: as its Contact: refused (400), and the call
 * ends (DISCONNECTED, UNAVAIL) without a BYE on the wire (none could go). */
TEST(sip_target_peer_reinvite_contact_not_sip_ends_call)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    peer p;
    peer_open(&p, port);
    char to[256], contact[128];
    snprintf(contact, sizeof(contact), "<sip:peer@127.0.0.1:%d>", p.port);
    HCALL h = connected_call(&a, hl, &p, 1, to, sizeof(to), contact);
    send_invite(&p, 1, 2, to, "<tel:+15550100>");
    const char *r = peer_expect(&p, "SIP/2.0 ");
    while (!strncmp(r, "SIP/2.0 1", 9))
        r = peer_expect(&p, "SIP/2.0 ");
    if (strncmp(r, "SIP/2.0 400", 11)) {
        /* The call stayed up: our own BYE ends that dialog (Sofia's, at
         * shutdown, would overflow the stack before this failure shows). */
        char status[64];
        snprintf(status, sizeof(status), "%.*s", (int)strcspn(r, "\r\n"), r);
        CHECK_REQ(lineDrop(h, NULL, 0));
        sh_wait_state(&a, h, LINECALLSTATE_IDLE);
        FAIL("the re-INVITE naming tel: got \"%s\", not 400", status);
    }
    t_expect_state(&a, h, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_UNAVAIL);
    T_LOG_EXPECT("the peer's new Contact is not a SIP URI: ended");
    sh_wait_dialogs(0);
    t_drop_idle(&a, h);
    close(p.fd);
    t_shutdown(&a);
}
