/* The Kamailio provider (third-party call control): SIPp "phones" register at
 * Kamailio (tests/kamailio/tpcc.cfg, which includes the provider's
 * src/providers/kamailio/opentapi.cfg as docs/kamailio.md says) and call
 * each other through it; opentapi watches their lines and drops their calls.
 * The phones' scenarios check what opentapi made Kamailio send (BYE, 603 with
 * User-to-User and Reason, each exactly once).  Every wait is on an event
 * (a message, the provider's counters, a child's exit), bounded. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../src/providers/kamailio/kam.h"
#include "sip_helpers.h"
#include "test_tapi3.h"

#define CHECK_STR(a, b)                                                                        \
    do {                                                                                       \
        const char *sa_ = (a), *sb_ = (b);                                                     \
        if (strcmp(sa_, sb_))                                                                  \
            FAIL("%s: got \"%s\", expected \"%s\"", #a, sa_, sb_);                           \
    } while (0)

struct kenv {
    sproc kam;
    int port, evport, alice, bob;
    char evdefine[64];
};

static void kam_run(struct kenv *e)
{
    const char *defs[] = {e->evdefine, NULL};
    sh_kamailio_start_cfg(&e->kam, "tpcc.cfg", e->port, defs);
}

/* bob registers his contact (127.0.0.1:e->bob) with a one-call SIPp. */
static void register_phone(struct kenv *e, const char *user, int port)
{
    sproc r;
    const char *extra[] = {"-s", user, NULL};
    sh_sipp_start_another(&r, "kam_register.xml", port, e->port, 1, extra);
    sh_expect_success(&r, SH_SIPP_TIMEOUT_MS);
}

static void env_start(struct kenv *e)
{
    sh_reset();
    memset(e, 0, sizeof(*e));
    e->port = sh_free_port();
    e->evport = sh_free_port();
    e->alice = sh_free_port();
    e->bob = sh_free_port();
    snprintf(e->evdefine, sizeof(e->evdefine), "OPENTAPI_EVAPI=\"127.0.0.1:%d\"", e->evport);
    kam_run(e);
    register_phone(e, "bob", e->bob);
    ot_kam_counters_reset();
}

static void env_stop(struct kenv *e)
{
    pid_t pgid = e->kam.pid;
    sh_stop(&e->kam);
    CHECK(pgid > 0);
    CHECK(sh_group_gone(pgid));
}

/* [kamailio] evapi at the test's port; lines for the given users. */
static void config_lines(const struct kenv *e, const char *const *users, const char *extra)
{
    char text[2000];
    int n = snprintf(text, sizeof(text), "[kamailio]\nevapi = 127.0.0.1:%d\n%s", e->evport,
                     extra ? extra : "");
    for (int i = 0; users[i]; i++)
        n += snprintf(text + n, sizeof(text) - (size_t)n,
                      "[line]\nprovider = kamailio\nname = %s\nnumber = %s\n"
                      "uri = sip:%s@127.0.0.1\n",
                      users[i], users[i], users[i]);
    t_config(text);
}

static bool in_service_is(const struct ot_kam_counters *c, void *arg)
{
    return c->in_service == *(bool *)arg;
}

static void wait_service(bool in)
{
    if (!ot_kam_counters_wait(in_service_is, &in, 10000))
        FAIL("the Kamailio provider is not %s after 10 s", in ? "in service" : "out of service");
}

static bool dialogs_zero(const struct ot_kam_counters *c, void *arg)
{
    (void)arg;
    return c->dialogs == 0;
}

static void wait_no_dialogs(void)
{
    if (!ot_kam_counters_wait(dialogs_zero, NULL, 10000)) {
        struct ot_kam_counters c;
        ot_kam_counters_get(&c);
        FAIL("Kamailio provider: %lu dialogs still tracked, expected 0", c.dialogs);
    }
}

static void start_phones(struct kenv *e, sproc *alice, const char *uac, sproc *bob,
                         const char *uas)
{
    sh_sipp_start_another(bob, uas, e->bob, 0, 1, NULL);
    const char *extra[] = {"-s", "bob", NULL};
    sh_sipp_start_another(alice, uac, e->alice, e->port, 1, extra);
}

static const unsigned char invite_uui[] = {0x04, 'i', 'n', 'v', 'i', 't', 'e'};
static const unsigned char answer_uui[] = {0x04, 'a', 'n', 's', 'w', 'e', 'r'};
static const unsigned char drop_uui[] = {0x04, 'd', 'r', 'o', 'p'};
static const unsigned char reject_uui[] = {0x04, 'n', 'o'};
static const unsigned char hang_uui[] = {0x04, 'h', 'a', 'n', 'g'};

/* The caller's line: a new call (owner), PROCEEDING, RINGBACK. */
static HCALL expect_outgoing(tapp *a, HLINE hl)
{
    HCALL h = t_expect_newcall(a, hl, LINECALLPRIVILEGE_OWNER);
    t_expect_state(a, h, LINECALLSTATE_PROCEEDING, 0);
    t_expect_state(a, h, LINECALLSTATE_RINGBACK, 0);
    return h;
}

/* Both lines see the call connect: the caller hears the answer's UUI. */
static void expect_connected(tapp *a, HCALL ha, tapp *b, HCALL hb)
{
    t_expect_callinfo(a, ha, LINECALLINFOSTATE_USERUSERINFO);
    sh_check_uui(ha, answer_uui, sizeof(answer_uui));
    t_expect_callinfo(a, ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_callinfo(b, hb, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
}

static void check_parties(HCALL hb)
{
    tcallinfo ci;
    t_callinfo(hb, &ci);
    CHECK_STR(t_ci_str(&ci, ci.ci.dwCallerIDSize, ci.ci.dwCallerIDOffset), "alice");
    CHECK_STR(t_ci_str(&ci, ci.ci.dwCallerIDNameSize, ci.ci.dwCallerIDNameOffset), "Alice A");
    CHECK_STR(t_ci_str(&ci, ci.ci.dwCalledIDSize, ci.ci.dwCalledIDOffset), "bob");
    CHECK_EQ(ci.ci.dwOrigin, LINECALLORIGIN_INBOUND);
}

/* Two applications: the supervisor of alice's line, and of bob's line
 * (owners, so that they may drop and release UUI). */
static void open_both(const struct kenv *e, tpair *p)
{
    const char *users[] = {"alice", "bob", NULL};
    config_lines(e, users, NULL);
    t_init(&p->a, "supervisor-a");
    p->la = t_open(&p->a, 0, LINECALLPRIVILEGE_OWNER);
    t_init(&p->b, "supervisor-b");
    p->lb = t_open(&p->b, 1, LINECALLPRIVILEGE_OWNER);
    wait_service(true);
}

/* alice calls bob, bob answers; the supervisor of alice's line drops the
 * connected call with UUI: both phones get a BYE with our User-to-User and
 * Reason (their scenarios check each appears once); bob's line sees
 * DISCONNECTED NORMAL with the drop's UUI, then IDLE. */
TEST_THREADED(kam_drop_connected_call_both_phones_get_bye)
{
    struct kenv e;
    env_start(&e);
    tpair p;
    open_both(&e, &p);
    sproc alice, bob;
    start_phones(&e, &alice, "kam_uac_bye.xml", &bob, "kam_uas_bye.xml");

    HCALL ha = expect_outgoing(&p.a, p.la);
    HCALL hb = t_expect_offer(&p.b, p.lb);
    check_parties(hb);
    expect_connected(&p.a, ha, &p.b, hb);

    LONG req = lineDrop(ha, (LPCSTR)drop_uui, sizeof(drop_uui));
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_USERUSERINFO);
    sh_check_uui(hb, drop_uui, sizeof(drop_uui));
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    sh_expect_success(&alice, SH_SIPP_TIMEOUT_MS);
    sh_expect_success(&bob, SH_SIPP_TIMEOUT_MS);
    CHECK_RC(lineDeallocateCall(ha), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    wait_no_dialogs();
    t_pair_done(&p);
    env_stop(&e);
}

/* The supervisor of bob's line drops the offered (ringing) call: Kamailio
 * answers alice 603 with our UUI and Reason cause 21 and CANCELs bob's
 * phone; alice's line sees the UUI, DISCONNECTED REJECT, IDLE. */
TEST(kam_reject_offered_call_603_and_cancel)
{
    struct kenv e;
    env_start(&e);
    tpair p;
    open_both(&e, &p);
    sproc alice, bob;
    start_phones(&e, &alice, "kam_uac_rejected.xml", &bob, "kam_uas_cancel.xml");
    /* RINGBACK on alice's line: bob's phone rings (the 180 passed), so the
     * INVITE's transaction is there to be answered */
    HCALL ha = expect_outgoing(&p.a, p.la);
    HCALL hb = t_expect_offer(&p.b, p.lb);
    sh_check_uui(hb, invite_uui, sizeof(invite_uui));
    check_parties(hb);
    LONG req = lineDrop(hb, (LPCSTR)reject_uui, sizeof(reject_uui));
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.b, req, 0);
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_USERUSERINFO);
    sh_check_uui(ha, reject_uui, sizeof(reject_uui));
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_REJECT);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    sh_expect_success(&alice, SH_SIPP_TIMEOUT_MS);
    sh_expect_success(&bob, SH_SIPP_TIMEOUT_MS);
    CHECK_RC(lineDeallocateCall(ha), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    wait_no_dialogs(); /* bob's 487 closed the transaction */
    t_pair_done(&p);
    env_stop(&e);
}

/* alice's phone hangs up itself (BYE with UUI and Reason cause 16): bob's
 * line sees the UUI and DISCONNECTED NORMAL, then IDLE; alice's line, whose
 * phone hung up, goes IDLE. */
TEST(kam_phone_hangs_up_monitor_sees_disconnected)
{
    struct kenv e;
    env_start(&e);
    tpair p;
    open_both(&e, &p);
    sproc alice, bob;
    start_phones(&e, &alice, "kam_uac_hangup.xml", &bob, "kam_uas_answer.xml");
    HCALL ha = expect_outgoing(&p.a, p.la);
    HCALL hb = t_expect_offer(&p.b, p.lb);
    expect_connected(&p.a, ha, &p.b, hb);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_USERUSERINFO);
    sh_check_uui(hb, hang_uui, sizeof(hang_uui));
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    sh_expect_success(&alice, SH_SIPP_TIMEOUT_MS);
    sh_expect_success(&bob, SH_SIPP_TIMEOUT_MS);
    CHECK_RC(lineDeallocateCall(ha), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    wait_no_dialogs();
    t_pair_done(&p);
    env_stop(&e);
}

/* bob's phone is busy (486 with Reason Q.850 cause 17): alice's line sees
 * BUSY, then DISCONNECTED BUSY and IDLE; the offer on bob's line goes away. */
TEST(kam_busy_phone_disconnected_busy)
{
    struct kenv e;
    env_start(&e);
    tpair p;
    open_both(&e, &p);
    sproc alice, bob;
    start_phones(&e, &alice, "kam_uac_busy.xml", &bob, "kam_uas_busy.xml");
    HCALL ha = t_expect_newcall(&p.a, p.la, LINECALLPRIVILEGE_OWNER);
    t_expect_state(&p.a, ha, LINECALLSTATE_PROCEEDING, 0);
    HCALL hb = t_expect_offer(&p.b, p.lb);
    t_expect_state(&p.a, ha, LINECALLSTATE_BUSY, LINEBUSYMODE_STATION);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_BUSY);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    sh_expect_success(&alice, SH_SIPP_TIMEOUT_MS);
    sh_expect_success(&bob, SH_SIPP_TIMEOUT_MS);
    CHECK_RC(lineDeallocateCall(ha), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    wait_no_dialogs();
    t_pair_done(&p);
    env_stop(&e);
}

static bool events_at_least(const struct ot_kam_counters *c, void *arg)
{
    return c->unknown >= *(unsigned long *)arg;
}

/* Only carol has a line: alice's call to bob (and its own hang-up) is not
 * touched and nothing reaches carol's application; every event of that call
 * is about a dialog the provider does not track (counted). */
TEST(kam_unconfigured_phones_untouched)
{
    struct kenv e;
    env_start(&e);
    const char *users[] = {"carol", NULL};
    config_lines(&e, users, NULL);
    tapp a;
    t_init(&a, "carol");
    t_open(&a, 0, LINECALLPRIVILEGE_OWNER | LINECALLPRIVILEGE_MONITOR);
    wait_service(true);
    sproc alice, bob;
    start_phones(&e, &alice, "kam_uac_hangup.xml", &bob, "kam_uas_answer.xml");
    sh_expect_success(&alice, SH_SIPP_TIMEOUT_MS);
    sh_expect_success(&bob, SH_SIPP_TIMEOUT_MS);
    /* invite, 180, 200, ACK, BYE: five events, none about a tracked dialog */
    unsigned long five = 5;
    if (!ot_kam_counters_wait(events_at_least, &five, 10000)) {
        struct ot_kam_counters c;
        ot_kam_counters_get(&c);
        FAIL("unknown-dialog events: %lu, expected 5", c.unknown);
    }
    struct ot_kam_counters c;
    ot_kam_counters_get(&c);
    CHECK_EQ(c.unknown, c.events);
    CHECK_EQ(c.dialogs, 0);
    CHECK_EQ(c.rpc_sent, 1); /* the dialog list, nothing else */
    t_expect_none(&a);
    t_shutdown(&a);
    env_stop(&e);
}

static bool events_are(const struct ot_kam_counters *c, void *arg)
{
    return c->events == *(unsigned long *)arg;
}

static bool late_is(const struct ot_kam_counters *c, void *arg)
{
    return c->rpc_late == *(unsigned long *)arg;
}

static bool learned_is(const struct ot_kam_counters *c, void *arg)
{
    return c->learned == *(unsigned long *)arg && c->in_service;
}

/* A monitor that starts while alice and bob are talking learns their call
 * from Kamailio's dialog list (CONNECTED on both lines, party ids from the
 * dialog) and drops it: both phones get the BYE with our UUI and Reason. */
TEST(kam_late_monitor_learns_call_and_drops_it)
{
    struct kenv e;
    env_start(&e);
    tpair p;
    open_both(&e, &p);
    sproc alice, bob;
    start_phones(&e, &alice, "kam_uac_bye.xml", &bob, "kam_uas_bye.xml");
    HCALL ha = expect_outgoing(&p.a, p.la);
    HCALL hb = t_expect_offer(&p.b, p.lb);
    expect_connected(&p.a, ha, &p.b, hb);
    /* the ACK is through (invite, 180, 200, ACK): Kamailio lists the call
     * as confirmed; the first monitors go away, the call goes on (no
     * CLOSEDROP) */
    unsigned long four = 4;
    if (!ot_kam_counters_wait(events_are, &four, 10000))
        FAIL("the call's ACK was not reported");
    LINEDEVCAPS dc;
    memset(&dc, 0, sizeof(dc));
    dc.dwTotalSize = sizeof(dc);
    CHECK_RC(lineGetDevCaps(p.a.h, 0, T_API, 0, &dc), 0);
    CHECK_EQ(dc.dwDevCapFlags & LINEDEVCAPFLAGS_CLOSEDROP, 0);
    CHECK_RC(lineDeallocateCall(ha), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_pair_done(&p);
    wait_service(false);
    ot_kam_counters_reset();

    /* Kamailio holds its answer to the dialog list until the line is open
     * (a call learned before any open has no handle: the application would
     * have to ask lineGetNewCalls) */
    CHECK_RC(kill(-e.kam.pid, SIGSTOP), 0);
    tapp late;
    t_init(&late, "late");
    HLINE hl = t_open(&late, 1, LINECALLPRIVILEGE_OWNER);
    CHECK_RC(kill(-e.kam.pid, SIGCONT), 0);
    unsigned long one = 1;
    if (!ot_kam_counters_wait(learned_is, &one, 10000))
        FAIL("the provider did not learn the call from the dialog list");
    HCALL h = t_expect_newcall(&late, hl, LINECALLPRIVILEGE_OWNER);
    t_expect_state(&late, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    tcallinfo ci;
    t_callinfo(h, &ci);
    CHECK_STR(t_ci_str(&ci, ci.ci.dwCallerIDSize, ci.ci.dwCallerIDOffset), "alice");
    CHECK_STR(t_ci_str(&ci, ci.ci.dwCalledIDSize, ci.ci.dwCalledIDOffset), "bob");
    LONG req = lineDrop(h, (LPCSTR)drop_uui, sizeof(drop_uui));
    CHECK_REQ(req);
    t_expect_state(&late, h, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&late, req, 0);
    sh_expect_success(&alice, SH_SIPP_TIMEOUT_MS);
    sh_expect_success(&bob, SH_SIPP_TIMEOUT_MS);
    CHECK_RC(lineDeallocateCall(h), 0);
    wait_no_dialogs();
    t_expect_none(&late);
    t_shutdown(&late);
    env_stop(&e);
}

static void expect_devstate(tapp *a, HLINE hl, DWORD state)
{
    LINEMESSAGE m = t_next(a);
    if (m.dwMessageID != LINE_LINEDEVSTATE || m.hDevice != hl || m.dwParam1 != state)
        FAIL("expected LINE_LINEDEVSTATE(%#x) on line %#x, got message %u (dev %#lx, p1 %#lx)",
             (unsigned)state, (unsigned)hl, (unsigned)m.dwMessageID, (unsigned long)m.hDevice,
             (unsigned long)m.dwParam1);
}

static DWORD dev_status_flags(HLINE hl)
{
    LINEDEVSTATUS ds;
    memset(&ds, 0, sizeof(ds));
    ds.dwTotalSize = sizeof(ds);
    CHECK_RC(lineGetLineDevStatus(hl, &ds), 0);
    return ds.dwDevStatusFlags;
}

/* Kamailio stops: the line reports LINE_LINEDEVSTATE(OUTOFSERVICE) and
 * LINEDEVSTATUS loses INSERVICE, a drop is refused (nothing can be sent);
 * Kamailio comes back on the same ports: INSERVICE again. */
TEST_THREADED(kam_restart_out_of_service_and_back)
{
    struct kenv e;
    env_start(&e);
    const char *users[] = {"alice", NULL};
    config_lines(&e, users, "reconnect_ms = 50\n");
    tapp a;
    t_init(&a, "supervisor");
    HLINE hl = t_open(&a, 0, LINECALLPRIVILEGE_OWNER);
    CHECK_RC(lineSetStatusMessages(hl, LINEDEVSTATE_INSERVICE | LINEDEVSTATE_OUTOFSERVICE, 0), 0);
    LINEDEVCAPS dc;
    memset(&dc, 0, sizeof(dc));
    dc.dwTotalSize = sizeof(dc);
    CHECK_RC(lineGetDevCaps(a.h, 0, T_API, 0, &dc), 0);
    CHECK_EQ(dc.dwLineStates & (LINEDEVSTATE_INSERVICE | LINEDEVSTATE_OUTOFSERVICE),
             LINEDEVSTATE_INSERVICE | LINEDEVSTATE_OUTOFSERVICE);
    /* in service already, or the message comes */
    if (!(dev_status_flags(hl) & LINEDEVSTATUSFLAGS_INSERVICE))
        expect_devstate(&a, hl, LINEDEVSTATE_INSERVICE);
    wait_service(true);
    CHECK_EQ(dev_status_flags(hl) & LINEDEVSTATUSFLAGS_INSERVICE, LINEDEVSTATUSFLAGS_INSERVICE);

    sh_stop(&e.kam);
    expect_devstate(&a, hl, LINEDEVSTATE_OUTOFSERVICE);
    CHECK_EQ(dev_status_flags(hl) & LINEDEVSTATUSFLAGS_INSERVICE, 0);

    kam_run(&e);
    expect_devstate(&a, hl, LINEDEVSTATE_INSERVICE);
    CHECK_EQ(dev_status_flags(hl) & LINEDEVSTATUSFLAGS_INSERVICE, LINEDEVSTATUSFLAGS_INSERVICE);
    struct ot_kam_counters c;
    ot_kam_counters_get(&c);
    if (c.disconnects < 1 || c.connects < 2)
        FAIL("connections lost %lu, completed %lu: expected at least 1 and 2", c.disconnects,
             c.connects);
    t_expect_none(&a);
    t_shutdown(&a);
    env_stop(&e);
}

/* The link to Kamailio is what lets TAPI operate the lines (third-party
 * control): down, LINE_LINEDEVSTATE(DISCONNECTED | OUTOFSERVICE) and
 * LINEDEVSTATUS without CONNECTED and INSERVICE; up again, CONNECTED |
 * INSERVICE and both flags back.  Each open gets the states it enabled, in
 * one message; one that enabled none gets nothing. */
TEST_THREADED(kam_link_down_is_disconnected)
{
    struct kenv e;
    env_start(&e);
    const char *users[] = {"alice", NULL};
    config_lines(&e, users, "reconnect_ms = 50\n");
    tapp a, b, q;
    t_init(&a, "all-four");
    wait_service(true); /* the link is up before anyone opens the line */
    t_init(&b, "connected-only");
    t_init(&q, "quiet");
    HLINE ha = t_open(&a, 0, LINECALLPRIVILEGE_MONITOR);
    HLINE hb = t_open(&b, 0, LINECALLPRIVILEGE_MONITOR);
    HLINE hq = t_open(&q, 0, LINECALLPRIVILEGE_MONITOR);
    const DWORD link = LINEDEVSTATE_CONNECTED | LINEDEVSTATE_DISCONNECTED;
    const DWORD service = LINEDEVSTATE_INSERVICE | LINEDEVSTATE_OUTOFSERVICE;
    LINEDEVCAPS dc;
    memset(&dc, 0, sizeof(dc));
    dc.dwTotalSize = sizeof(dc);
    CHECK_RC(lineGetDevCaps(a.h, 0, T_API, 0, &dc), 0);
    CHECK_EQ(dc.dwLineStates & (link | service), link | service);
    CHECK_RC(lineSetStatusMessages(ha, link | service, 0), 0);
    CHECK_RC(lineSetStatusMessages(hb, link, 0), 0);
    const DWORD up = LINEDEVSTATUSFLAGS_CONNECTED | LINEDEVSTATUSFLAGS_INSERVICE;
    CHECK_EQ(dev_status_flags(ha) & up, up);

    sh_stop(&e.kam);
    expect_devstate(&a, ha, LINEDEVSTATE_DISCONNECTED | LINEDEVSTATE_OUTOFSERVICE);
    expect_devstate(&b, hb, LINEDEVSTATE_DISCONNECTED);
    CHECK_EQ(dev_status_flags(ha) & up, 0);
    CHECK_EQ(dev_status_flags(hq) & up, 0);

    kam_run(&e);
    expect_devstate(&a, ha, LINEDEVSTATE_CONNECTED | LINEDEVSTATE_INSERVICE);
    expect_devstate(&b, hb, LINEDEVSTATE_CONNECTED);
    CHECK_EQ(dev_status_flags(hb) & up, up);
    t_expect_none(&a);
    t_expect_none(&b);
    t_expect_none(&q);
    t_shutdown(&q);
    t_shutdown(&b);
    t_shutdown(&a);
    env_stop(&e);
}

/* TAPI 3 on a Kamailio line: the link going down is AE_STATE with
 * ITAddress::get_State AS_OUTOFSERVICE, coming back AE_STATE and
 * AS_INSERVICE (TE_ADDRESS in the filter, a registration on the address). */
TEST_THREADED(kam_tapi3_address_state_follows_the_link)
{
    struct kenv e;
    env_start(&e);
    const char *users[] = {"alice", NULL};
    config_lines(&e, users, "reconnect_ms = 50\n");
    t3app x;
    t3_init(&x, "x", TE_ADDRESS);
    wait_service(true);
    ITAddress *ax = t3_address(&x, 0);
    LONG reg = t3_register(&x, ax, false, true);
    CHECK_EQ(t3_address_state(ax), AS_INSERVICE);
    sh_stop(&e.kam);
    t3_expect_address(&x, ax, AE_STATE);
    CHECK_EQ(t3_address_state(ax), AS_OUTOFSERVICE);
    kam_run(&e);
    t3_expect_address(&x, ax, AE_STATE);
    CHECK_EQ(t3_address_state(ax), AS_INSERVICE);
    t3_expect_none(&x);
    CHECK_HR(ITTAPI_UnregisterNotifications(x.tapi, reg), S_OK);
    ITAddress_Release(ax);
    t3_done(&x);
    env_stop(&e);
    t3_check_stats();
}

/* Kamailio does not answer the drop (stopped with SIGSTOP): the request
 * fails with LINEERR_OPERATIONFAILED after rpc_timeout_ms and the call is
 * left CONNECTED on both lines.  When Kamailio runs again its late answer is
 * counted and nothing more is sent (the phones keep talking); a second drop
 * then ends the call (both phones get the BYE with our UUI and Reason). */
TEST(kam_unanswered_drop_fails_and_leaves_call)
{
    struct kenv e;
    env_start(&e);
    tpair p;
    const char *users[] = {"alice", "bob", NULL};
    config_lines(&e, users, "rpc_timeout_ms = 300\n");
    t_init(&p.a, "supervisor-a");
    p.la = t_open(&p.a, 0, LINECALLPRIVILEGE_OWNER);
    t_init(&p.b, "supervisor-b");
    p.lb = t_open(&p.b, 1, LINECALLPRIVILEGE_OWNER);
    wait_service(true);
    sproc alice, bob;
    start_phones(&e, &alice, "kam_uac_bye.xml", &bob, "kam_uas_bye.xml");
    HCALL ha = expect_outgoing(&p.a, p.la);
    HCALL hb = t_expect_offer(&p.b, p.lb);
    expect_connected(&p.a, ha, &p.b, hb);

    /* the ACK is through (invite, 180, 200, ACK): the drop goes out at once */
    unsigned long four = 4;
    if (!ot_kam_counters_wait(events_are, &four, 10000))
        FAIL("the call's ACK was not reported");
    CHECK_RC(kill(-e.kam.pid, SIGSTOP), 0);
    LONG req = lineDrop(ha, (LPCSTR)drop_uui, sizeof(drop_uui));
    CHECK_REQ(req);
    t_expect_reply(&p.a, req, LINEERR_OPERATIONFAILED);
    DWORD mode = 0;
    CHECK_EQ(t_state(ha, &mode), LINECALLSTATE_CONNECTED);
    CHECK_EQ(t_state(hb, &mode), LINECALLSTATE_CONNECTED);
    struct ot_kam_counters c;
    ot_kam_counters_get(&c);
    CHECK_EQ(c.rpc_failed, 1);
    t_expect_none(&p.a);
    t_expect_none(&p.b);

    CHECK_RC(kill(-e.kam.pid, SIGCONT), 0);
    /* the late answer (the dialog's data) is counted; nothing more is sent */
    unsigned long one = 1;
    if (!ot_kam_counters_wait(late_is, &one, 10000))
        FAIL("the late answer was not counted");
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    CHECK_EQ(t_state(ha, &mode), LINECALLSTATE_CONNECTED);

    /* a second drop goes through: both phones get the BYE */
    req = lineDrop(ha, (LPCSTR)drop_uui, sizeof(drop_uui));
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    sh_expect_success(&alice, SH_SIPP_TIMEOUT_MS);
    sh_expect_success(&bob, SH_SIPP_TIMEOUT_MS);
    CHECK_RC(lineDeallocateCall(ha), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    wait_no_dialogs();
    t_pair_done(&p);
    env_stop(&e);
}

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

static void expect_nodriver(const char *text)
{
    t_config(text);
    HLINEAPP app = 0;
    DWORD ndev = 0, ver = T_API;
    LINEINITIALIZEEXPARAMS ip;
    memset(&ip, 0, sizeof(ip));
    ip.dwTotalSize = sizeof(ip);
    ip.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    LONG rc = lineInitializeEx(&app, NULL, NULL, "bad", &ndev, &ver, &ip);
    if (rc == 0)
        lineShutdown(app);
    if (rc != (LONG)LINEERR_NODRIVER)
        FAIL("configuration accepted (%s), expected LINEERR_NODRIVER:\n%s", otErrorName(rc), text);
}

/* Configuration checked at start: LINEERR_NODRIVER, nothing left behind. */
TEST(kam_bad_configuration_refused)
{
    static const char *const bad[] = {
        "[line]\nprovider = kamailio\nnumber = a\n",
        "[line]\nprovider = kamailio\nnumber = a\nuri = alice\n",
        "[line]\nprovider = kamailio\nnumber = a\nuri = sip:@host\n",
        "[line]\nprovider = kamailio\nnumber = a\nuri = sip:alice@\n",
        "[line]\nprovider = kamailio\nnumber = a\nuri = sip:al ice@host\n",
        "[line]\nprovider = kamailio\nnumber = a\nuri = sip:alice@host\nproxy = x\n",
        "[line]\nprovider = kamailio\nnumber = a\nuri = sip:alice@host\n"
        "[line]\nprovider = kamailio\nnumber = b\nuri = sip:alice@HOST\n",
        "[kamailio]\nevapi = localhost:8448\n[line]\nprovider = kamailio\nnumber = a\nuri = sip:a@h\n",
        "[kamailio]\nevapi = 127.0.0.1:0\n[line]\nprovider = kamailio\nnumber = a\nuri = sip:a@h\n",
        "[kamailio]\nevapi = 127.0.0.1:65536\n[line]\nprovider = kamailio\nnumber = a\nuri = sip:a@h\n",
        "[kamailio]\nevapi = ::1:8448\n[line]\nprovider = kamailio\nnumber = a\nuri = sip:a@h\n",
        "[kamailio]\nrpc_timeout_ms = 5\n[line]\nprovider = kamailio\nnumber = a\nuri = sip:a@h\n",
        "[kamailio]\nreconnect_ms = -1\n[line]\nprovider = kamailio\nnumber = a\nuri = sip:a@h\n",
        NULL,
    };
    for (int i = 0; bad[i]; i++)
        expect_nodriver(bad[i]);
}

/* The supervisor of alice's line drops alice's own call while it rings:
 * Kamailio answers alice 487 with our UUI and Reason cause 16 and CANCELs
 * bob's phone; bob's line sees DISCONNECTED CANCELLED, then IDLE. */
TEST(kam_drop_ringing_call_from_callers_line)
{
    struct kenv e;
    env_start(&e);
    tpair p;
    open_both(&e, &p);
    sproc alice, bob;
    start_phones(&e, &alice, "kam_uac_abandoned.xml", &bob, "kam_uas_cancel.xml");
    HCALL ha = expect_outgoing(&p.a, p.la);
    HCALL hb = t_expect_offer(&p.b, p.lb);
    LONG req = lineDrop(ha, (LPCSTR)drop_uui, sizeof(drop_uui));
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_CANCELLED);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    sh_expect_success(&alice, SH_SIPP_TIMEOUT_MS);
    sh_expect_success(&bob, SH_SIPP_TIMEOUT_MS);
    CHECK_RC(lineDeallocateCall(ha), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    wait_no_dialogs();
    t_pair_done(&p);
    env_stop(&e);
}

/* Kamailio restarts during a call and comes back without its dialogs: once
 * in service again the provider's resynchronisation ends the call it can no
 * longer see (DISCONNECTED UNKNOWN, IDLE on both lines); the phones, which
 * know nothing of it, are stopped by the test. */
TEST(kam_restart_ends_calls_kamailio_forgot)
{
    struct kenv e;
    env_start(&e);
    tpair p;
    const char *users[] = {"alice", "bob", NULL};
    config_lines(&e, users, "reconnect_ms = 50\n");
    t_init(&p.a, "supervisor-a");
    p.la = t_open(&p.a, 0, LINECALLPRIVILEGE_OWNER);
    t_init(&p.b, "supervisor-b");
    p.lb = t_open(&p.b, 1, LINECALLPRIVILEGE_OWNER);
    wait_service(true);
    sproc alice, bob;
    start_phones(&e, &alice, "kam_uac_bye.xml", &bob, "kam_uas_bye.xml");
    HCALL ha = expect_outgoing(&p.a, p.la);
    HCALL hb = t_expect_offer(&p.b, p.lb);
    expect_connected(&p.a, ha, &p.b, hb);

    sh_stop(&e.kam);
    wait_service(false);
    kam_run(&e);
    wait_service(true);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_UNKNOWN);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_UNKNOWN);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(ha), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    wait_no_dialogs();
    sh_stop(&alice);
    sh_stop(&bob);
    t_pair_done(&p);
    env_stop(&e);
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

/* A line of `tapi monitor`'s output (up to 10 s for it), or NULL at its end
 * (f unbuffered, so that poll() tells whether a byte waits). */
static const char *monitor_line(FILE *f, char *buf, size_t n)
{
    struct pollfd p = {fileno(f), POLLIN, 0};
    if (poll(&p, 1, 10000) != 1)
        FAIL("tapi monitor printed nothing for 10 s");
    return fgets(buf, (int)n, f);
}

/* Two processes watch alice and bob: this one and `tapi monitor` (started
 * during the call: it learns it from the dialog list).  This one drops the
 * call; Kamailio relays what the drop did to every opentapi connection, so
 * the other process sees the drop's UUI, DISCONNECTED NORMAL and IDLE on
 * both lines although no BYE passed Kamailio's routes. */
TEST(kam_other_process_sees_our_drop)
{
    struct kenv e;
    env_start(&e);
    tpair p;
    open_both(&e, &p);
    sproc alice, bob;
    start_phones(&e, &alice, "kam_uac_bye.xml", &bob, "kam_uas_bye.xml");
    HCALL ha = expect_outgoing(&p.a, p.la);
    HCALL hb = t_expect_offer(&p.b, p.lb);
    expect_connected(&p.a, ha, &p.b, hb);
    unsigned long four = 4;
    if (!ot_kam_counters_wait(events_are, &four, 10000))
        FAIL("the call's ACK was not reported");

    char conf[300], cmd[1200];
    snprintf(conf, sizeof(conf), "%s/kam-monitor.ini", sh_tmpdir());
    FILE *cf = fopen(conf, "w");
    CHECK(cf != NULL);
    fprintf(cf,
            "[kamailio]\nevapi = 127.0.0.1:%d\n"
            "[line]\nprovider = kamailio\nnumber = alice\nuri = sip:alice@127.0.0.1\n"
            "[line]\nprovider = kamailio\nnumber = bob\nuri = sip:bob@127.0.0.1\n",
            e.evport);
    fclose(cf);
    /* 2 x (new call, CONNECTED, the UUI, DISCONNECTED, IDLE) */
    snprintf(cmd, sizeof(cmd),
             "OPENTAPI_CONFIG=%s timeout 20 %s monitor --count 10 alice bob 2>&1", conf,
             sh_tapi_path());
    /* Kamailio holds its dialog list until the monitor's lines are open
     * ("watching"): calls learned before an open get no handle (an
     * application finds them with lineGetNewCalls, which tapi monitor does
     * not call) */
    CHECK_RC(kill(-e.kam.pid, SIGSTOP), 0);
    FILE *mon = popen(cmd, "r");
    CHECK(mon != NULL);
    setvbuf(mon, NULL, _IONBF, 0); /* poll() sees every byte not read yet */
    char line[512], all[4096] = "";
    if (!monitor_line(mon, line, sizeof(line)) || !strstr(line, "watching 2 lines"))
        FAIL("tapi monitor did not start: %s", line);
    CHECK_RC(kill(-e.kam.pid, SIGCONT), 0);
    int connected = 0;
    while (connected < 2) {
        if (!monitor_line(mon, line, sizeof(line)))
            FAIL("tapi monitor ended before it learned the call:\n%s", all);
        strncat(all, line, sizeof(all) - strlen(all) - 1);
        connected += strstr(line, "CONNECTED") != NULL;
    }
    LONG req = lineDrop(ha, (LPCSTR)drop_uui, sizeof(drop_uui));
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    while (monitor_line(mon, line, sizeof(line)))
        strncat(all, line, sizeof(all) - strlen(all) - 1);
    int rc = pclose(mon);
    int disc = 0, idle = 0, uui = 0;
    for (const char *s = all; (s = strstr(s, "DISCONNECTED NORMAL")); s++)
        disc++;
    for (const char *s = all; (s = strstr(s, " IDLE")); s++)
        idle++;
    for (const char *s = all; (s = strstr(s, "UUI 0464726f70")); s++)
        uui++;
    if (rc != 0 || disc != 2 || idle != 2 || uui != 2)
        FAIL("tapi monitor (status %d) saw %d DISCONNECTED NORMAL, %d IDLE, %d UUI, expected 2 "
             "each:\n%s", rc, disc, idle, uui, all);
    sh_expect_success(&alice, SH_SIPP_TIMEOUT_MS);
    sh_expect_success(&bob, SH_SIPP_TIMEOUT_MS);
    CHECK_RC(lineDeallocateCall(ha), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    wait_no_dialogs();
    t_pair_done(&p);
    env_stop(&e);
}
