/* The Kamailio provider (third-party call control): SIPp "phones" register at
 * Kamailio (tests/kamailio/tpcc.cfg, which includes the provider's
 * src/providers/kamailio/opentapi.cfg as docs/kamailio.md says) and call
 * each other through it; opentapi watches their lines and drops their calls.
 * The phones' scenarios check what opentapi made Kamailio send (BYE, 603 with
 * User-to-User and Reason, each exactly once).  Every wait is on an event
 * (a message, the provider's counters, a child's exit), bounded.
 * This file also defines the helpers of all the Kamailio tests (declared in
 * tests/test_kam.h); the link to Kamailio going down and up is tested in
 * tests/test_kam_link.c, a fake Kamailio's bad and random input and bad
 * configurations in tests/test_kam_fake.c. */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "test_kam.h"

#define CHECK_STR(a, b)                                                                        \
    do {                                                                                       \
        const char *sa_ = (a), *sb_ = (b);                                                     \
        if (strcmp(sa_, sb_))                                                                  \
            FAIL("%s: got \"%s\", expected \"%s\"", #a, sa_, sb_);                           \
    } while (0)

void kam_run(struct kenv *e)
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

void env_start(struct kenv *e)
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

void env_stop(struct kenv *e)
{
    pid_t pgid = e->kam.pid;
    sh_stop(&e->kam);
    CHECK(pgid > 0);
    CHECK(sh_group_gone(pgid));
}

/* [kamailio] evapi at the test's port; lines for the given users. */
void config_lines(const struct kenv *e, const char *const *users, const char *extra)
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

void wait_service(bool in)
{
    if (!ot_kam_counters_wait(in_service_is, &in, 10000))
        FAIL("the Kamailio provider is not %s after 10 s", in ? "in service" : "out of service");
}

static bool dialogs_zero(const struct ot_kam_counters *c, void *arg)
{
    (void)arg;
    return c->dialogs == 0;
}

void wait_no_dialogs(void)
{
    if (!ot_kam_counters_wait(dialogs_zero, NULL, 10000)) {
        struct ot_kam_counters c;
        ot_kam_counters_get(&c);
        FAIL("Kamailio provider: %lu dialogs still tracked, expected 0", c.dialogs);
    }
}

void start_phones(struct kenv *e, sproc *alice, const char *uac, sproc *bob, const char *uas)
{
    sh_sipp_start_another(bob, uas, e->bob, 0, 1, NULL);
    const char *extra[] = {"-s", "bob", NULL};
    sh_sipp_start_another(alice, uac, e->alice, e->port, 1, extra);
}

static const unsigned char invite_uui[] = {0x04, 'i', 'n', 'v', 'i', 't', 'e'};
static const unsigned char answer_uui[] = {0x04, 'a', 'n', 's', 'w', 'e', 'r'};
const unsigned char drop_uui[] = {0x04, 'd', 'r', 'o', 'p'};
static const unsigned char reject_uui[] = {0x04, 'n', 'o'};
static const unsigned char hang_uui[] = {0x04, 'h', 'a', 'n', 'g'};

/* The caller's line: a new call (owner), PROCEEDING, RINGBACK. */
HCALL expect_outgoing(tapp *a, HLINE hl)
{
    HCALL h = t_expect_newcall(a, hl, LINECALLPRIVILEGE_OWNER);
    t_expect_state(a, h, LINECALLSTATE_PROCEEDING, 0);
    t_expect_state(a, h, LINECALLSTATE_RINGBACK, 0);
    return h;
}

/* Both lines see the call connect: the caller hears the answer's UUI. */
void expect_connected(tapp *a, HCALL ha, tapp *b, HCALL hb)
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

void expect_devstate(tapp *a, HLINE hl, DWORD state)
{
    LINEMESSAGE m = t_next(a);
    if (m.dwMessageID != LINE_LINEDEVSTATE || m.hDevice != hl || m.dwParam1 != state)
        FAIL("expected LINE_LINEDEVSTATE(%#x) on line %#x, got message %u (dev %#lx, p1 %#lx)",
             (unsigned)state, (unsigned)hl, (unsigned)m.dwMessageID, (unsigned long)m.hDevice,
             (unsigned long)m.dwParam1);
}

DWORD dev_status_flags(HLINE hl)
{
    LINEDEVSTATUS ds;
    memset(&ds, 0, sizeof(ds));
    ds.dwTotalSize = sizeof(ds);
    CHECK_RC(lineGetLineDevStatus(hl, &ds), 0);
    return ds.dwDevStatusFlags;
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

bool events_are(const struct ot_kam_counters *c, void *arg)
{
    return c->events == *(unsigned long *)arg;
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
