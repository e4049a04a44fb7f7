/* SIP provider through Kamailio (tests/kamailio/kamailio.cfg) as outbound
 * proxy and registrar: two opentapi SIP lines of one process register with
 * digest credentials, then call each other through it; the drop's UUI and a
 * rejection's UUI cross the proxy end to end.  Each test starts its own
 * Kamailio on a free 127.0.0.1 port and checks that none of its processes is
 * left once it is stopped. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/providers/sip/sip.h"
#include "sip_helpers.h"

/* alice (line 0) and bob (line 1): addresses of record at the proxy's domain,
 * each user agent bound to its own port, REGISTER with digest (the proxy's
 * password is "secret"), every request through the proxy. */
static void config_via_proxy(int proxy, int pa, int pb, const char *password)
{
    char text[1400];
    snprintf(text, sizeof(text),
             "[line]\nprovider = sip\nname = Alice\nnumber = alice\n"
             "uri = sip:alice@127.0.0.1:%d\nbind = 127.0.0.1:%d\ndisplay = Alice A\n"
             "proxy = sip:127.0.0.1:%d\nregistrar = sip:127.0.0.1:%d\n"
             "username = alice\npassword = %s\nexpires = 300\n"
             "[line]\nprovider = sip\nname = Bob\nnumber = bob\n"
             "uri = sip:bob@127.0.0.1:%d\nbind = 127.0.0.1:%d\n"
             "proxy = sip:127.0.0.1:%d\nregistrar = sip:127.0.0.1:%d\n"
             "username = bob\npassword = %s\nexpires = 300\n",
             proxy, pa, proxy, proxy, password, proxy, pb, proxy, proxy, password);
    t_config(text);
}

struct kam {
    sproc proc;
    int port;
};

static void kam_start(struct kam *k)
{
    k->port = sh_free_port();
    sh_kamailio_start(&k->proc, k->port);
}

/* Stops Kamailio; none of its processes may be left. */
static void kam_stop(struct kam *k)
{
    pid_t pgid = k->proc.pid;
    sh_stop(&k->proc);
    CHECK(pgid > 0);
    CHECK(sh_group_gone(pgid));
}

/* Both lines registered (after a 401 challenge each). */
static void start_registered(struct kam *k, tpair *p)
{
    kam_start(k);
    config_via_proxy(k->port, sh_free_port(), sh_free_port(), "secret");
    ot_sip_counters_reset();
    t_pair_init(p, 0, 1);
    sh_wait_registered(2);
}

/* Both applications shut down first (the lines un-REGISTER while the proxy
 * still answers), then the proxy goes. */
static void finish(struct kam *k, tpair *p)
{
    sh_wait_dialogs(0);
    t_pair_done(p);
    sh_wait_registered(0);
    kam_stop(k);
}

static const unsigned char make_uui[] = {0x04, 'v', 'i', 'a', ' ', 'p', 'r', 'o', 'x', 'y'};
static const unsigned char drop_uui[] = {0x04, 'b', 'y', 'e', 0x00, 0x7f, 0x80, 0xff};
static const unsigned char reject_uui[] = {0x04, 'n', 'o', ',', ' ', ';', 't', 'h', 'x'};

/* alice dials bob by name: the request URI is at alice's domain (the proxy),
 * which finds bob's registered contact. */
static HCALL call_bob(tpair *p, HCALL *hb)
{
    HCALL ha = t_make_call(&p->a, p->la, "bob", make_uui, sizeof(make_uui));
    t_expect_state(&p->a, ha, LINECALLSTATE_DIALING, 0);
    *hb = t_expect_offer(&p->b, p->lb);
    sh_check_uui(*hb, make_uui, sizeof(make_uui));
    tcallinfo ci;
    t_callinfo(*hb, &ci);
    CHECK(!strcmp(t_ci_str(&ci, ci.ci.dwCallerIDSize, ci.ci.dwCallerIDOffset), "alice"));
    CHECK(!strcmp(t_ci_str(&ci, ci.ci.dwCallerIDNameSize, ci.ci.dwCallerIDNameOffset),
                  "Alice A"));
    return ha;
}

TEST_THREADED(sip_kamailio_drop_with_uui)
{
    struct kam k;
    tpair p;
    start_registered(&k, &p);
    HCALL hb, ha = call_bob(&p, &hb);
    LONG rel = lineReleaseUserUserInfo(hb);
    CHECK_REQ(rel);
    t_expect_reply(&p.b, rel, 0);
    LONG req = lineAnswer(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&p.b, req, 0);
    /* alice: maybe PROCEEDING (100 from the proxy), the connected party, CONNECTED */
    LINEMESSAGE m = t_next(&p.a);
    if (m.dwMessageID == LINE_CALLSTATE && m.dwParam1 == LINECALLSTATE_PROCEEDING)
        m = t_next(&p.a);
    CHECK_EQ(m.dwMessageID, LINE_CALLINFO);
    CHECK_EQ(m.dwParam1, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&p.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);

    /* alice drops with UUI: the BYE follows the record-route through the proxy */
    req = lineDrop(ha, (LPCSTR)drop_uui, sizeof(drop_uui));
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    sh_check_uui(hb, drop_uui, sizeof(drop_uui));
    t_drop_idle(&p.b, hb);
    CHECK_RC(lineDeallocateCall(ha), 0);
    finish(&k, &p);
}

/* bob rejects the offered call with UUI: 603 through the proxy, alice sees
 * DISCONNECTED REJECT and reads the UUI. */
TEST(sip_kamailio_reject_with_uui)
{
    struct kam k;
    tpair p;
    start_registered(&k, &p);
    HCALL hb, ha = call_bob(&p, &hb);
    LONG req = lineDrop(hb, (LPCSTR)reject_uui, sizeof(reject_uui));
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.b, req, 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    LINEMESSAGE m = t_next(&p.a);
    if (m.dwMessageID == LINE_CALLSTATE && m.dwParam1 == LINECALLSTATE_PROCEEDING)
        m = t_next(&p.a);
    CHECK_EQ(m.dwMessageID, LINE_CALLINFO);
    CHECK_EQ(m.dwParam1, LINECALLINFOSTATE_USERUSERINFO);
    sh_check_uui(ha, reject_uui, sizeof(reject_uui));
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_REJECT);
    t_drop_idle(&p.a, ha);
    finish(&k, &p);
}

/* bob hangs up (BYE from the callee's side through the proxy) with UUI. */
TEST(sip_kamailio_callee_drops_with_uui)
{
    struct kam k;
    tpair p;
    start_registered(&k, &p);
    HCALL hb, ha = call_bob(&p, &hb);
    LONG req = lineAnswer(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&p.b, req, 0);
    sh_wait_state(&p.a, ha, LINECALLSTATE_CONNECTED);
    req = lineDrop(hb, (LPCSTR)drop_uui, sizeof(drop_uui));
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.b, req, 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    sh_check_uui(ha, drop_uui, sizeof(drop_uui));
    t_drop_idle(&p.a, ha);
    finish(&k, &p);
}

/* alice abandons while bob's line offers the call: the proxy forwards the
 * CANCEL and bob's offer goes IDLE. */
TEST(sip_kamailio_abandon)
{
    struct kam k;
    tpair p;
    start_registered(&k, &p);
    HCALL hb, ha = call_bob(&p, &hb);
    LONG req = lineAccept(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_ACCEPTED, 0);
    t_expect_reply(&p.b, req, 0);
    sh_wait_state(&p.a, ha, LINECALLSTATE_RINGBACK);
    req = lineDrop(ha, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    CHECK_RC(lineDeallocateCall(ha), 0);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    finish(&k, &p);
}

/* A wrong password: the proxy challenges again, the lines give up after
 * their retries (counted as failed registrations) and register nothing. */
TEST(sip_kamailio_bad_password)
{
    struct kam k;
    kam_start(&k);
    config_via_proxy(k.port, sh_free_port(), sh_free_port(), "wrong");
    ot_sip_counters_reset();
    tpair p;
    t_pair_init(&p, 0, 1);
    sh_wait_register_failed(2);
    T_LOG_EXPECT("registration at sip:127.0.0.1:"); /* each line's, in either order */
    T_LOG_EXPECT("registration at sip:127.0.0.1:");
    struct ot_sip_counters c;
    ot_sip_counters_get(&c);
    CHECK_EQ(c.registered, 0);
    t_pair_done(&p);
    kam_stop(&k);
}

/* Shutting the lines down un-REGISTERs them: afterwards the proxy no longer
 * knows bob, and a call to him ends 404 -> DISCONNECTED BADADDRESS. */
TEST(sip_kamailio_unregister_on_shutdown)
{
    struct kam k;
    tpair p;
    start_registered(&k, &p);
    t_pair_done(&p);
    sh_wait_registered(0);
    char text[600];
    snprintf(text, sizeof(text),
             "[line]\nprovider = sip\nname = Alice\nnumber = alice\n"
             "uri = sip:alice@127.0.0.1:%d\nbind = 127.0.0.1:%d\n"
             "proxy = sip:127.0.0.1:%d\nregistrar = sip:127.0.0.1:%d\n"
             "username = alice\npassword = secret\n",
             k.port, sh_free_port(), k.port, k.port);
    t_config(text);
    tapp a;
    t_init(&a, "alice");
    HLINE hl = t_open(&a, 0, LINECALLPRIVILEGE_OWNER);
    sh_wait_registered(1);
    HCALL h = t_make_call(&a, hl, "bob", NULL, 0);
    t_expect_state(&a, h, LINECALLSTATE_DIALING, 0);
    sh_wait_state(&a, h, LINECALLSTATE_DISCONNECTED);
    DWORD mode = 0;
    CHECK_EQ(t_state(h, &mode), LINECALLSTATE_DISCONNECTED);
    CHECK_EQ(mode, LINEDISCONNECTMODE_BADADDRESS);
    t_drop_idle(&a, h);
    sh_wait_dialogs(0);
    t_expect_none(&a);
    t_shutdown(&a);
    sh_wait_registered(0);
    kam_stop(&k);
}

/* The proxy challenges every initial INVITE (407, kamailio.cfg): alice's
 * INVITE is repeated with her credentials and the call goes through, her
 * UUI and the drop's UUI end to end.  Kamailio's log shows the challenge
 * and then the authorized INVITE. */
TEST(sip_kamailio_invite_challenged)
{
    struct kam k;
    tpair p;
    start_registered(&k, &p);
    HCALL hb, ha = call_bob(&p, &hb);
    LONG req = lineReleaseUserUserInfo(hb); /* the INVITE's UUI was read */
    CHECK_REQ(req);
    t_expect_reply(&p.b, req, 0);
    req = lineAnswer(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&p.b, req, 0);
    sh_wait_state(&p.a, ha, LINECALLSTATE_CONNECTED);
    req = lineDrop(ha, (LPCSTR)drop_uui, sizeof(drop_uui));
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    CHECK_RC(lineDeallocateCall(ha), 0);
    sh_wait_state(&p.b, hb, LINECALLSTATE_DISCONNECTED);
    sh_check_uui(hb, drop_uui, sizeof(drop_uui));
    t_drop_idle(&p.b, hb);
    const char *log = sh_output(&k.proc);
    const char *ch = strstr(log, "test: INVITE challenged (alice)");
    const char *ok = strstr(log, "test: INVITE authorized (alice)");
    if (!ch || !ok || ok < ch)
        FAIL("Kamailio did not challenge, then authorize alice's INVITE:\n%s", log);
    finish(&k, &p);
}

/* A caller with the wrong password (no registration, only the proxy): its
 * INVITE is challenged again after each try, and the call ends
 * DISCONNECTED BLOCKED; bob, registered, is never offered anything. */
TEST(sip_kamailio_invite_bad_password)
{
    struct kam k;
    kam_start(&k);
    char text[1000];
    snprintf(text, sizeof(text),
             "[line]\nprovider = sip\nname = Alice\nnumber = alice\n"
             "uri = sip:alice@127.0.0.1:%d\nbind = 127.0.0.1:%d\n"
             "proxy = sip:127.0.0.1:%d\nusername = alice\npassword = wrong\n"
             "[line]\nprovider = sip\nname = Bob\nnumber = bob\n"
             "uri = sip:bob@127.0.0.1:%d\nbind = 127.0.0.1:%d\n"
             "proxy = sip:127.0.0.1:%d\nregistrar = sip:127.0.0.1:%d\n"
             "username = bob\npassword = secret\nexpires = 300\n",
             k.port, sh_free_port(), k.port, k.port, sh_free_port(), k.port, k.port);
    t_config(text);
    ot_sip_counters_reset();
    tpair p;
    t_pair_init(&p, 0, 1);
    sh_wait_registered(1);
    HCALL ha = t_make_call(&p.a, p.la, "bob", NULL, 0);
    t_expect_state(&p.a, ha, LINECALLSTATE_DIALING, 0);
    sh_wait_state(&p.a, ha, LINECALLSTATE_DISCONNECTED);
    DWORD mode = 0;
    CHECK_EQ(t_state(ha, &mode), LINECALLSTATE_DISCONNECTED);
    CHECK_EQ(mode, LINEDISCONNECTMODE_BLOCKED);
    t_drop_idle(&p.a, ha);
    t_expect_none(&p.b);
    CHECK(strstr(sh_output(&k.proc), "test: INVITE authorized (alice)") == NULL);
    finish(&k, &p);
}

/* The runner killed while Kamailio runs (tests/runner_check.sh): it prints
 * Kamailio's process group and kills itself with SIGKILL, so no cleanup of its
 * own runs; the script then checks that no process of the group is left. */
TEST(selftest_killed_with_kamailio_running)
{
    struct kam k;
    kam_start(&k);
    printf("kamailio process group %d\n", (int)k.proc.pid);
    fflush(stdout);
    kill(getpid(), SIGKILL);
}
