/* The telephony service (docs/service.md) across processes: a tapisrv of the
 * test's own, and client processes forked from the runner whose applications
 * are unchanged TAPI code in client mode.  Every child checks its own
 * messages with the ordinary helpers; the parent orders their steps. */
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

#include "svc_helpers.h"

static const unsigned char BYE_A[] = "bye-from-A";

/* ---- per-handle expectations for a monitor that watches several calls ---- */
struct exp {
    DWORD msg, p1, p2;
};
#define ANY 0xFFFFFFFFu
struct track {
    HLINE line;
    HCALL h; /* learned from LINE_APPNEWCALL or the first message on the line */
    const struct exp *seq;
    unsigned n, at;
};

static HLINE line_of(HCALL h)
{
    tcallinfo u;
    t_callinfo(h, &u);
    return u.ci.hLine;
}

/* Reads messages until every track has seen its whole sequence; each message
 * must be the next expected one of its call. */
static void follow(tapp *m, struct track *t, unsigned nt)
{
    for (;;) {
        bool all = true;
        for (unsigned i = 0; i < nt; i++)
            all &= t[i].at == t[i].n;
        if (all)
            return;
        LINEMESSAGE x = t_next(m);
        struct track *k = NULL;
        HCALL h = x.dwMessageID == LINE_APPNEWCALL ? (HCALL)x.dwParam2 : (HCALL)x.hDevice;
        for (unsigned i = 0; i < nt && !k; i++)
            if (t[i].h == h)
                k = &t[i];
        if (!k) { /* a call not seen before: which line is it on? */
            HLINE l = x.dwMessageID == LINE_APPNEWCALL ? (HLINE)x.hDevice : line_of(h);
            for (unsigned i = 0; i < nt && !k; i++)
                if (!t[i].h && t[i].line == l) {
                    k = &t[i];
                    k->h = h;
                }
        }
        if (!k)
            FAIL("%s: message 0x%x for unexpected handle %08x", m->name,
                 (unsigned)x.dwMessageID, (unsigned)h);
        if (k->at == k->n)
            FAIL("%s: extra message %s (0x%x, 0x%x) on %08x", m->name,
                 otMessageName(x.dwMessageID), (unsigned)x.dwParam1, (unsigned)x.dwParam2,
                 (unsigned)h);
        const struct exp *e = &k->seq[k->at++];
        if (x.dwMessageID != e->msg || (e->p1 != ANY && x.dwParam1 != e->p1) ||
            (e->p2 != ANY && x.dwParam2 != e->p2))
            FAIL("%s: call %08x message %u: got %s (0x%x, 0x%x), expected %s (0x%x, 0x%x)",
                 m->name, (unsigned)h, k->at, otMessageName(x.dwMessageID),
                 (unsigned)x.dwParam1, (unsigned)x.dwParam2, otMessageName(e->msg),
                 (unsigned)e->p1, (unsigned)e->p2);
    }
}

/* A lineGetDevCaps round trip: every message queued for this process before
 * it is here when it returns (the service sends them before the result). */
static void sync_with_service(tapp *a)
{
    union {
        LINEDEVCAPS dc;
        unsigned char raw[sizeof(LINEDEVCAPS) + 1024];
    } u;
    memset(&u, 0, sizeof(u));
    u.dc.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetDevCaps(a->h, 0, T_API, 0, &u.dc), 0);
}

/* The offer on lb answered: OFFERING, then CONNECTED and the reply. */
static HCALL answer_offer(tapp *b, HLINE lb)
{
    HCALL hb = t_expect_offer(b, lb);
    LONG req = lineAnswer(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(b, req, 0);
    return hb;
}

/* The far end answered a call that rings: its id, then CONNECTED. */
static void expect_answered(tapp *a, HCALL ha)
{
    t_expect_callinfo(a, ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
}

/* ---- roles ---- */
static void role_caller(void *arg)
{
    (void)arg;
    tapp a;
    t_init(&a, "A");
    CHECK_EQ(a.ndevs, 15);
    HLINE la = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    svc_wait_word(); /* everybody is there */
    HCALL ha = t_make_call(&a, la, "101", NULL, 0);
    t_expect_ringback(&a, ha);
    svc_say("ringing %u %u", (unsigned)ha, (unsigned)la);
    expect_answered(&a, ha);
    svc_say("connected");
    svc_wait_word(); /* drop */
    LONG req = lineDrop(ha, (LPCSTR)BYE_A, sizeof(BYE_A));
    CHECK_REQ(req);
    t_expect_state(&a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&a, req, 0);
    /* After the drop the handle answers until deallocated. */
    CHECK_EQ(t_state(ha, NULL), LINECALLSTATE_IDLE);
    char called[32];
    t_callinfo_str(ha, offsetof(LINECALLINFO, dwCalledIDSize), called, sizeof(called));
    CHECK(!strcmp(called, "101"));
    sync_with_service(&a);
    t_expect_none(&a);
    svc_say("dropped");
    svc_wait_word(); /* deallocate */
    CHECK_RC(lineDeallocateCall(ha), 0);
    LINECALLSTATUS s = {.dwTotalSize = sizeof(s)};
    CHECK_RC(lineGetCallStatus(ha, &s), LINEERR_INVALCALLHANDLE);
    t_shutdown(&a);
}

static void role_callee(void *arg)
{
    (void)arg;
    tapp b;
    t_init(&b, "B");
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    svc_say("ready");
    HCALL hb = answer_offer(&b, lb);
    svc_say("answered");
    /* The far end's drop: its UUI first, then DISCONNECTED. */
    t_expect_callinfo(&b, hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    unsigned char got[64];
    CHECK_EQ(t_uui(hb, got, sizeof(got)), sizeof(BYE_A));
    CHECK_MEM(got, BYE_A, sizeof(BYE_A));
    LONG drop = lineDrop(hb, NULL, 0);
    CHECK_REQ(drop);
    t_expect_state(&b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&b, drop, 0);
    /* Still readable after IDLE, UUI included. */
    CHECK_EQ(t_state(hb, NULL), LINECALLSTATE_IDLE);
    CHECK_EQ(t_uui(hb, got, sizeof(got)), sizeof(BYE_A));
    sync_with_service(&b);
    t_expect_none(&b);
    svc_say("idle");
    svc_wait_word(); /* deallocate */
    CHECK_RC(lineDeallocateCall(hb), 0);
    CHECK_RC(lineDeallocateCall(hb), LINEERR_INVALCALLHANDLE);
    t_shutdown(&b);
}

static const struct exp MON_CALLER_LINE[] = {
    {LINE_CALLSTATE, LINECALLSTATE_UNKNOWN, ANY},
    {LINE_CALLSTATE, LINECALLSTATE_DIALING, 0},
    {LINE_CALLSTATE, LINECALLSTATE_PROCEEDING, 0},
    {LINE_CALLSTATE, LINECALLSTATE_RINGBACK, 0},
    {LINE_CALLINFO, LINECALLINFOSTATE_CONNECTEDID, 0},
    {LINE_CALLSTATE, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE},
    {LINE_CALLSTATE, LINECALLSTATE_IDLE, 0},
};
static const struct exp MON_CALLEE_LINE[] = {
    {LINE_APPNEWCALL, 0, ANY},
    {LINE_CALLSTATE, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE},
    {LINE_CALLSTATE, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE},
    {LINE_CALLINFO, LINECALLINFOSTATE_USERUSERINFO, 0},
    {LINE_CALLSTATE, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL},
    {LINE_CALLSTATE, LINECALLSTATE_IDLE, 0},
};

static void role_monitor(void *arg)
{
    (void)arg;
    tapp m;
    t_init(&m, "C");
    HLINE l0 = t_open(&m, 0, LINECALLPRIVILEGE_MONITOR);
    HLINE l1 = t_open(&m, 1, LINECALLPRIVILEGE_MONITOR);
    svc_say("ready");
    struct track t[2] = {{l0, 0, MON_CALLER_LINE, 7, 0}, {l1, 0, MON_CALLEE_LINE, 6, 0}};
    follow(&m, t, 2);
    sync_with_service(&m);
    t_expect_none(&m);
    /* Both handles answer after IDLE; the callee side's has the UUI. */
    CHECK_EQ(t_state(t[0].h, NULL), LINECALLSTATE_IDLE);
    unsigned char got[64];
    CHECK_EQ(t_uui(t[1].h, got, sizeof(got)), sizeof(BYE_A));
    CHECK_MEM(got, BYE_A, sizeof(BYE_A));
    svc_say("seen");
    svc_wait_word(); /* deallocate */
    CHECK_RC(lineDeallocateCall(t[0].h), 0);
    CHECK_RC(lineDeallocateCall(t[1].h), 0);
    t_shutdown(&m);
}

/* The service holds nothing for the clients that went (its own application
 * aside, which otGetServiceStats does not count). */
static void role_stats(void *arg)
{
    (void)arg;
    tapp p;
    t_init(&p, "stats");
    OTSTATS st;
    CHECK_RC(otGetServiceStats(&st), 0);
    CHECK_EQ(st.dwApps, 1); /* this probe */
    CHECK_EQ(st.dwCalls, 0);
    CHECK_EQ(st.dwCallHandles, 0);
    CHECK_EQ(st.dwRequests, 0);
    CHECK_EQ(st.dwProviderCalls, 0);
    t_shutdown(&p);
    CHECK_RC(otGetServiceStats(&st), LINEERR_OPERATIONUNAVAIL);
}

static void expect_service_empty(const svc *s)
{
    svc_child p;
    svc_child_start(&p, s, "stats", role_stats, NULL);
    svc_child_wait(&p);
}

/* The end of a test: nothing left in the service, which stops cleanly. */
static void svc_finish(svc *s)
{
    expect_service_empty(s);
    svc_stop(s);
    svc_cleanup(s);
}

TEST_THREADED(service_call_and_drop_with_uui_across_three_processes)
{
    svc s;
    svc_start(&s, NULL);
    svc_child a, b, c;
    svc_child_start(&c, &s, "monitor C", role_monitor, NULL);
    svc_expect(&c, "ready");
    svc_child_start(&b, &s, "callee B", role_callee, NULL);
    svc_expect(&b, "ready");
    svc_child_start(&a, &s, "caller A", role_caller, NULL);
    svc_tell(&a, "go");
    svc_expect(&a, "ringing");
    svc_expect(&b, "answered");
    svc_expect(&a, "connected");
    svc_tell(&a, "drop");
    svc_expect(&a, "dropped");
    svc_expect(&b, "idle");
    svc_expect(&c, "seen");
    svc_tell(&a, "deallocate");
    svc_tell(&b, "deallocate");
    svc_tell(&c, "deallocate");
    svc_child_wait(&a);
    svc_child_wait(&b);
    svc_child_wait(&c);
    svc_finish(&s);
}

/* ---- a client that dies ---- */
static void role_connected_caller(void *arg)
{
    (void)arg;
    tapp a;
    t_init(&a, "A");
    HLINE la = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    svc_wait_word();
    HCALL ha = t_make_call(&a, la, "101", NULL, 0);
    t_expect_ringback(&a, ha);
    expect_answered(&a, ha);
    svc_say("connected");
    svc_wait_word(); /* never comes: the test kills this process */
}

static void role_callee_sees_far_end_go(void *arg)
{
    (void)arg;
    tapp b;
    t_init(&b, "B");
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    svc_say("ready");
    HCALL hb = answer_offer(&b, lb);
    svc_say("answered");
    /* The caller's process was killed: the service shut its application down
     * as lineShutdown would, and CLOSEDROP dropped its call. */
    t_expect_state(&b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&b, hb);
    sync_with_service(&b);
    t_expect_none(&b);
    t_shutdown(&b);
}

static const struct exp MON_KILLED_CALLEE_LINE[] = {
    {LINE_APPNEWCALL, 0, ANY},
    {LINE_CALLSTATE, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE},
    {LINE_CALLSTATE, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE},
    {LINE_CALLSTATE, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL},
    {LINE_CALLSTATE, LINECALLSTATE_IDLE, 0},
};

static void role_monitor_callee_line(void *arg)
{
    (void)arg;
    tapp m;
    t_init(&m, "C");
    HLINE l1 = t_open(&m, 1, LINECALLPRIVILEGE_MONITOR);
    svc_say("ready");
    struct track t = {l1, 0, MON_KILLED_CALLEE_LINE, 5, 0};
    follow(&m, &t, 1);
    CHECK_RC(lineDeallocateCall(t.h), 0);
    sync_with_service(&m);
    t_expect_none(&m);
    t_shutdown(&m);
}

TEST_THREADED(service_killed_client_is_shut_down_and_its_call_dropped)
{
    svc s;
    svc_start(&s, NULL);
    svc_child a, b, c;
    svc_child_start(&c, &s, "monitor C", role_monitor_callee_line, NULL);
    svc_expect(&c, "ready");
    svc_child_start(&b, &s, "callee B", role_callee_sees_far_end_go, NULL);
    svc_expect(&b, "ready");
    svc_child_start(&a, &s, "caller A", role_connected_caller, NULL);
    svc_tell(&a, "go");
    svc_expect(&b, "answered");
    svc_expect(&a, "connected");
    svc_child_kill(&a); /* kill -9 */
    svc_child_wait(&b);
    svc_child_wait(&c);
    svc_finish(&s);
}

/* ---- the service goes away and comes back ---- */
static void role_survives_restart(void *arg)
{
    (void)arg;
    tapp a;
    t_init(&a, "A");
    HLINE la = t_open(&a, 0, LINECALLPRIVILEGE_OWNER);
    svc_say("open");
    /* TAPI's way of saying "the service restarted": re-initialize. */
    LINEMESSAGE m = t_next(&a);
    CHECK_EQ(m.dwMessageID, LINE_LINEDEVSTATE);
    CHECK_EQ(m.dwParam1, LINEDEVSTATE_REINIT);
    t_expect_none(&a);
    HCALL h = 0;
    CHECK_RC(lineMakeCall(la, &h, "101", 0, NULL), LINEERR_REINIT);
    CHECK_RC(lineClose(la), LINEERR_REINIT);
    HLINEAPP second;
    DWORD n, api = T_API;
    LINEINITIALIZEEXPARAMS p = {.dwTotalSize = sizeof(p),
                                .dwOptions = LINEINITIALIZEEXOPTION_USEEVENT};
    CHECK_RC(lineInitializeEx(&second, NULL, NULL, "second", &n, &api, &p), LINEERR_REINIT);
    t_shutdown(&a); /* the last application: the next initialize connects anew */
    svc_say("shut down");
    svc_wait_word(); /* the service is back */
    t_init(&a, "A again");
    CHECK_EQ(a.ndevs, 15);
    la = t_open(&a, 0, LINECALLPRIVILEGE_OWNER);
    CHECK_RC(lineClose(la), 0);
    t_shutdown(&a);
}

TEST_THREADED(service_gone_means_reinit_and_back_means_working_again)
{
    svc s;
    svc_start(&s, NULL);
    svc_child a;
    svc_child_start(&a, &s, "client", role_survives_restart, NULL);
    svc_expect(&a, "open");
    svc_kill(&s); /* a crash: no goodbye */
    svc_expect(&a, "shut down");
    svc_restart(&s, NULL);
    svc_tell(&a, "back");
    svc_child_wait(&a);
    /* SIGTERM: the same for a client that is connected. */
    svc_child_start(&a, &s, "client 2", role_survives_restart, NULL);
    svc_expect(&a, "open");
    svc_stop(&s);
    svc_expect(&a, "shut down");
    svc_restart(&s, NULL);
    svc_tell(&a, "back");
    svc_child_wait(&a);
    svc_finish(&s);
}

/* ---- handles are each client's own ---- */
static void role_owner_of_a_call(void *arg)
{
    (void)arg;
    tapp a;
    t_init(&a, "A");
    HLINE la = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    HCALL ha = t_make_call(&a, la, NULL, NULL, 0);
    t_expect_state(&a, ha, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    svc_say("handles %u %u %u", (unsigned)a.h, (unsigned)la, (unsigned)ha);
    svc_wait_word(); /* the other client tried them */
    CHECK_EQ(t_state(ha, NULL), LINECALLSTATE_DIALTONE);
    t_drop_idle(&a, ha);
    LINECALLSTATUS st = {.dwTotalSize = sizeof(st)};
    CHECK_RC(lineGetCallStatus(ha, &st), LINEERR_INVALCALLHANDLE); /* stale */
    sync_with_service(&a);
    t_expect_none(&a);
    t_shutdown(&a);
}

static unsigned foreign[3];

static void role_intruder(void *arg)
{
    (void)arg;
    tapp b;
    t_init(&b, "B");
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    HLINEAPP app = foreign[0];
    HLINE line = foreign[1];
    HCALL call = foreign[2];
    LINECALLSTATUS st = {.dwTotalSize = sizeof(st)};
    CHECK_RC(lineGetCallStatus(call, &st), LINEERR_INVALCALLHANDLE);
    CHECK_RC(lineDrop(call, NULL, 0), LINEERR_INVALCALLHANDLE);
    CHECK_RC(lineDeallocateCall(call), LINEERR_INVALCALLHANDLE);
    CHECK_RC(lineSetCallPrivilege(call, LINECALLPRIVILEGE_OWNER), LINEERR_INVALCALLHANDLE);
    CHECK_RC(lineClose(line), LINEERR_INVALLINEHANDLE);
    HCALL h = 0;
    CHECK_RC(lineMakeCall(line, &h, "101", 0, NULL), LINEERR_INVALLINEHANDLE);
    CHECK_RC(lineAddToConference(call, call), LINEERR_INVALCONFCALLHANDLE);
    /* Application handles are each process's own values: one this process
     * does not have is refused. */
    HLINE l2;
    CHECK(app != 0);
    CHECK_RC(lineOpen(0x7654321u, 2, &l2, T_API, 0, 0, LINECALLPRIVILEGE_OWNER,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             LINEERR_INVALAPPHANDLE);
    CHECK_RC(lineShutdown(0x7654321u), LINEERR_INVALAPPHANDLE);
    /* Its own handles work. */
    CHECK_RC(lineClose(lb), 0);
    t_shutdown(&b);
}

TEST(service_refuses_another_clients_handles)
{
    svc s;
    svc_start(&s, NULL);
    svc_child a, b;
    svc_child_start(&a, &s, "owner A", role_owner_of_a_call, NULL);
    const char *h = svc_expect(&a, "handles ");
    CHECK_EQ(sscanf(h, "%u %u %u", &foreign[0], &foreign[1], &foreign[2]), 3);
    svc_child_start(&b, &s, "intruder B", role_intruder, NULL);
    svc_child_wait(&b);
    svc_tell(&a, "done");
    svc_child_wait(&a);
    svc_finish(&s);
}

/* ---- offering when several processes own a line: the first opener ---- */
static void role_first_owner(void *arg)
{
    (void)arg;
    tapp b;
    t_init(&b, "B1");
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    svc_say("open");
    HCALL hb = t_expect_offer(&b, lb);
    svc_say("offered");
    svc_wait_word();
    t_drop_idle(&b, hb); /* rejects it */
    CHECK_RC(lineClose(lb), 0);
    sync_with_service(&b);
    t_expect_none(&b);
    svc_say("closed");
    t_shutdown(&b);
}

static void role_second_owner(void *arg)
{
    (void)arg;
    tapp b;
    t_init(&b, "B2");
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    svc_say("open");
    svc_wait_word(); /* the first call was offered to B1 */
    sync_with_service(&b);
    t_expect_none(&b); /* an owner-only open hears nothing of B1's call */
    svc_say("heard nothing");
    HCALL hb = t_expect_offer(&b, lb); /* B1 closed: the next call is ours */
    t_drop_idle(&b, hb);
    t_shutdown(&b);
}

static void role_calls_twice(void *arg)
{
    (void)arg;
    tapp a;
    t_init(&a, "A");
    HLINE la = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    for (int i = 0; i < 2; i++) {
        svc_wait_word();
        HCALL ha = t_make_call(&a, la, "101", NULL, 0);
        t_expect_ringback(&a, ha);
        svc_say("ringing");
        t_expect_state(&a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_REJECT);
        t_drop_idle(&a, ha);
    }
    t_shutdown(&a);
}

TEST(service_offers_to_the_first_owner_process)
{
    svc s;
    svc_start(&s, NULL);
    svc_child a, b1, b2;
    svc_child_start(&b1, &s, "owner B1", role_first_owner, NULL);
    svc_expect(&b1, "open");
    svc_child_start(&b2, &s, "owner B2", role_second_owner, NULL);
    svc_expect(&b2, "open");
    svc_child_start(&a, &s, "caller A", role_calls_twice, NULL);
    svc_tell(&a, "call");
    svc_expect(&a, "ringing");
    svc_expect(&b1, "offered");
    svc_tell(&b2, "check");
    svc_expect(&b2, "heard nothing");
    svc_tell(&b1, "reject");
    svc_expect(&b1, "closed");
    svc_tell(&a, "call");
    svc_expect(&a, "ringing");
    svc_child_wait(&b2);
    svc_child_wait(&a);
    svc_child_wait(&b1);
    svc_finish(&s);
}

/* ---- access rules ---- */
static void become_nobody(void)
{
    if (geteuid() != 0)
        FAIL("this test changes the client's user: run it as root (as CI does)");
    CHECK_RC(setgroups(0, NULL), 0);
    CHECK_RC(setresgid(65534, 65534, 65534), 0);
    CHECK_RC(setresuid(65534, 65534, 65534), 0);
}

static const char *number_of(tapp *a, DWORD dev)
{
    static union {
        LINEADDRESSCAPS ac;
        unsigned char raw[sizeof(LINEADDRESSCAPS) + 512];
    } u;
    memset(&u, 0, sizeof(u));
    u.ac.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetAddressCaps(a->h, dev, 0, T_API, 0, &u.ac), 0);
    return (const char *)u.raw + u.ac.dwAddressOffset;
}

static void role_restricted_user(void *arg)
{
    (void)arg;
    become_nobody();
    tapp a;
    t_init(&a, "nobody");
    /* [access]: 100 owner, 101 monitor, 102 owner by group: three lines, in the
     * service's order, numbered from 0 for this client. */
    CHECK_EQ(a.ndevs, 3);
    CHECK(!strcmp(number_of(&a, 0), "100"));
    CHECK(!strcmp(number_of(&a, 1), "101"));
    CHECK(!strcmp(number_of(&a, 2), "102"));
    union {
        LINEDEVCAPS dc;
        unsigned char raw[sizeof(LINEDEVCAPS) + 512];
    } u = {.dc.dwTotalSize = sizeof(u)};
    CHECK_RC(lineGetDevCaps(a.h, 3, T_API, 0, &u.dc), LINEERR_BADDEVICEID);
    HLINE l;
    CHECK_RC(lineOpen(a.h, 3, &l, T_API, 0, 0, LINECALLPRIVILEGE_MONITOR,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             LINEERR_BADDEVICEID);
    /* 101: monitor only. */
    CHECK_RC(lineOpen(a.h, 1, &l, T_API, 0, 0, LINECALLPRIVILEGE_OWNER,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             LINEERR_INVALPRIVSELECT);
    CHECK_RC(lineOpen(a.h, 1, &l, T_API, 0, 0, LINECALLPRIVILEGE_NONE,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             LINEERR_INVALPRIVSELECT);
    HLINE lm = t_open(&a, 1, LINECALLPRIVILEGE_MONITOR);
    HCALL h = 0;
    CHECK_RC(lineMakeCall(lm, &h, "100", 0, NULL), LINEERR_INVALPRIVSELECT);
    /* Nor may a monitor route the line's calls elsewhere (forwarding them all
     * to itself), lock the line or cancel its call completions. */
    union {
        LINEFORWARDLIST fl;
        unsigned char raw[sizeof(LINEFORWARDLIST) + 16];
    } fw;
    memset(&fw, 0, sizeof(fw));
    fw.fl.dwTotalSize = sizeof(fw);
    fw.fl.dwNumEntries = 1;
    fw.fl.ForwardList[0].dwForwardMode = LINEFORWARDMODE_UNCOND;
    fw.fl.ForwardList[0].dwDestAddressSize = 4;
    fw.fl.ForwardList[0].dwDestAddressOffset = sizeof(LINEFORWARDLIST);
    memcpy(fw.raw + sizeof(LINEFORWARDLIST), "102", 4);
    HCALL consult = 0;
    CHECK_RC(lineForward(lm, TRUE, 0, &fw.fl, 1, &consult, NULL), LINEERR_INVALPRIVSELECT);
    CHECK_RC(lineForward(lm, TRUE, 0, NULL, 1, &consult, NULL), LINEERR_INVALPRIVSELECT);
    CHECK_RC(lineUncompleteCall(lm, 1), LINEERR_INVALPRIVSELECT);
    CHECK_RC(lineSetLineDevStatus(lm, LINEDEVSTATUSFLAGS_LOCKED, TRUE), LINEERR_INVALPRIVSELECT);
    /* 100 and 102: owner. */
    HLINE lo = t_open(&a, 0, LINECALLPRIVILEGE_OWNER | LINECALLPRIVILEGE_MONITOR);
    HLINE lg = t_open(&a, 2, LINECALLPRIVILEGE_OWNER);
    /* A call from 100 to 101: our monitor handle on 101 cannot become owner. */
    HCALL ha = t_make_call(&a, lo, "101", NULL, 0);
    static const struct exp ringback[] = {{LINE_CALLSTATE, LINECALLSTATE_DIALING, 0},
                                          {LINE_CALLSTATE, LINECALLSTATE_PROCEEDING, 0},
                                          {LINE_CALLSTATE, LINECALLSTATE_RINGBACK, 0}};
    static const struct exp offer[] = {
        {LINE_APPNEWCALL, 0, ANY},
        {LINE_CALLSTATE, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE}};
    struct track t[2] = {{lo, ha, ringback, 3, 0}, {lm, 0, offer, 2, 0}};
    follow(&a, t, 2);
    HCALL hm = t[1].h;
    CHECK_RC(lineSetCallPrivilege(hm, LINECALLPRIVILEGE_OWNER), LINEERR_INVALPRIVSELECT);
    CHECK_RC(lineDrop(hm, NULL, 0), LINEERR_NOTOWNER);
    LONG req = lineDrop(ha, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_state(&a, hm, LINECALLSTATE_IDLE, 0); /* the offer goes with the caller */
    t_expect_reply(&a, req, 0);
    CHECK_RC(lineDeallocateCall(ha), 0);
    CHECK_RC(lineDeallocateCall(hm), 0);
    CHECK_RC(lineClose(lg), 0);
    sync_with_service(&a);
    t_expect_none(&a);
    t_shutdown(&a);
}

static void role_default_rules_user(void *arg)
{
    (void)arg;
    become_nobody();
    tapp a;
    t_init(&a, "nobody");
    CHECK_EQ(a.ndevs, 0); /* no rule: only root and the service's own user */
    HLINE l;
    CHECK_RC(lineOpen(a.h, 0, &l, T_API, 0, 0, LINECALLPRIVILEGE_MONITOR,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             LINEERR_BADDEVICEID);
    t_shutdown(&a);
}

TEST(service_access_rules_decide_lines_and_privileges)
{
    char conf[8192];
    snprintf(conf, sizeof(conf),
             "%s\n[access]\n100 = owner:nobody\n101 = monitor:65534,someone-else\n"
             "102 = monitor:root owner:@nogroup\n",
             otDefaultConfig());
    svc s;
    svc_start(&s, conf);
    svc_child c;
    svc_child_start(&c, &s, "nobody", role_restricted_user, NULL);
    svc_child_wait(&c);
    svc_finish(&s);
    svc_start(&s, NULL);
    svc_child_start(&c, &s, "nobody, default rules", role_default_rules_user, NULL);
    svc_child_wait(&c);
    svc_stop(&s);
    svc_cleanup(&s);
}

TEST(service_refuses_a_bad_access_rule_at_start)
{
    char conf[8192];
    snprintf(conf, sizeof(conf), "%s\n[access]\n100 = owner:nobody everybody\n",
             otDefaultConfig());
    svc s;
    memset(&s, 0, sizeof(s));
    snprintf(s.dir, sizeof(s.dir), "/tmp/otsvc.XXXXXX");
    CHECK(mkdtemp(s.dir) != NULL);
    char path[128], cmd[1500];
    snprintf(path, sizeof(path), "%s/bad.conf", s.dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    fputs(conf, f);
    fclose(f);
    char exe[1024];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    CHECK(n > 0);
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0';
    snprintf(cmd, sizeof(cmd), "%s/tapisrv --socket %s/s.sock --config %s 2>%s/tapisrv.log",
             exe, s.dir, path, s.dir);
    int st = system(cmd);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 2);
    CHECK(strstr(svc_log(&s), "[access] 100") != NULL);
    svc_cleanup(&s);
}

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

/* ---- the README's demo: two shell commands call each other through the
 * service while `tapi monitor --json` shows both sides ---- */
TEST(service_cli_call_answer_and_monitor)
{
    svc s;
    svc_start(&s, NULL);
    svc_child mon, ans, call;
    const char *margs[] = {"tapi", "monitor", "--json", "--count", "13", "100", "101", NULL};
    svc_exec(&mon, &s, "tapi monitor", margs);
    CHECK(strstr(svc_hear(&mon), "\"msg\":\"ready\",\"lines\":2") != NULL);
    const char *aargs[] = {"tapi", "answer", "--line", "101", "--calls", "1", NULL};
    svc_exec(&ans, &s, "tapi answer", aargs);
    CHECK(strstr(svc_hear(&ans), "line 101 of the telephony service open") != NULL);
    const char *cargs[] = {"tapi", "call", "--line", "100", "101", "--uui", "6279652d41",
                           "--drop-after", "0", NULL};
    svc_exec(&call, &s, "tapi call", cargs);
    /* The monitor's lines, in order per call (100: the caller's, 101: the callee's). */
    static const char *const on100[] = {"UNKNOWN", "DIALING", "PROCEEDING", "RINGBACK",
                                        "CONNECTEDID", "CONNECTED", "IDLE"};
    static const char *const on101[] = {"LINE_APPNEWCALL", "OFFERING", "CONNECTED",
                                        "USERUSERINFO", "DISCONNECTED", "IDLE"};
    unsigned i100 = 0, i101 = 0;
    for (int k = 0; k < 13; k++) {
        const char *l = svc_hear(&mon);
        bool caller = strstr(l, "\"number\":\"100\"") != NULL;
        const char *want = caller ? (i100 < 7 ? on100[i100++] : "?")
                                  : (i101 < 6 ? on101[i101++] : "?");
        if (!strstr(l, want))
            FAIL("monitor line %d: expected %s in %s", k, want, l);
        if (strstr(l, "USERUSERINFO") && !strstr(l, "\"uui\":\"6279652d41\""))
            FAIL("monitor: the UUI of the drop is missing: %s", l);
        if (strstr(l, "DISCONNECTED") && !strstr(l, "\"mode\":\"NORMAL\""))
            FAIL("monitor: %s", l);
    }
    CHECK_EQ(i100, 7);
    CHECK_EQ(i101, 6);
    svc_exec_wait(&mon);
    svc_exec_wait(&call);
    svc_exec_wait(&ans);
    svc_finish(&s);
}

/* ---- a client that stops reading is let go, the others go on ---- */
#include "rpc.h"

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

/* ---- the configuration may name the service instead of the environment ---- */
static void role_configured_client(void *arg)
{
    const char *conf_path = arg;
    unsetenv("OPENTAPI_SERVER");
    setenv("OPENTAPI_CONFIG", conf_path, 1);
    tapp a;
    t_init(&a, "configured");
    CHECK_EQ(a.ndevs, 15); /* the service's lines, not this file's one line */
    OTSTATS st;
    CHECK_RC(otGetServiceStats(&st), 0);
    CHECK_EQ(st.dwApps, 1);
    t_shutdown(&a);
    /* OPENTAPI_SERVER=none wins over the file: embedded, the file's line. */
    setenv("OPENTAPI_SERVER", "none", 1);
    t_init(&a, "embedded");
    CHECK_EQ(a.ndevs, 1);
    CHECK_RC(otGetServiceStats(&st), LINEERR_OPERATIONUNAVAIL);
    t_shutdown(&a);
}

TEST(service_named_by_the_client_configuration)
{
    svc s;
    svc_start(&s, NULL);
    char path[160];
    snprintf(path, sizeof(path), "%s/client.conf", s.dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    fprintf(f, "[client]\nserver = %s\n[line]\nname = mine\nnumber = 900\n", s.address);
    CHECK_EQ(fclose(f), 0);
    svc_child c;
    svc_child_start(&c, &s, "configured client", role_configured_client, path);
    svc_child_wait(&c);
    svc_finish(&s);
}

TEST(service_tapi_lines_lists_the_service_lines_of_the_user)
{
    svc s;
    svc_start(&s, NULL);
    svc_child c;
    const char *args[] = {"tapi", "lines", NULL};
    svc_exec(&c, &s, "tapi lines", args);
    CHECK(strstr(svc_hear(&c), "name") != NULL); /* the heading */
    for (int i = 0; i < 15; i++) {
        const char *l = svc_hear(&c);
        char want[16];
        snprintf(want, sizeof(want), "%-4d", i);
        if (strncmp(l, want, 4) != 0)
            FAIL("tapi lines: line %d is \"%s\"", i, l);
    }
    svc_exec_wait(&c);
    svc_stop(&s);
    svc_cleanup(&s);
}

/* ---- the service's sections are checked with the rest of the configuration ---- */
TEST(service_sections_checked_like_the_rest)
{
    static const struct {
        const char *text, *why;
    } bad[] = {
        {"[access]\n100 = owner:\n", "[access] 100"},
        {"[access]\n* = everybody\n", "[access] *"},
        {"[access]\n100 =\n", "[access] 100"},
        {"[server]\nmax_backlog_kb = 1\n", "max_backlog_kb"},
        {"[server]\nmax_backlog_kb = lots\n", "max_backlog_kb"},
        {"[server]\nport = 5\n", "unknown key port"},
        {"[client]\nserver = tcp:1.2.3.4:5\n", "unix:PATH or none"},
        {"[client]\nserver = unix:\n", "unix:PATH or none"},
        {"[client]\nbackup = unix:/x\n", "unknown key backup"},
    };
    char text[512], err[320];
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(text, sizeof(text), "[line]\nnumber = 100\n%s", bad[i].text);
        err[0] = '\0';
        LONG rc = otCheckConfig(text, err, sizeof(err));
        if (rc != (LONG)LINEERR_INIFILECORRUPT || !strstr(err, bad[i].why))
            FAIL("case %zu: %s \"%s\", expected INIFILECORRUPT \"...%s...\"", i, otErrorName(rc),
                 err, bad[i].why);
    }
    CHECK_RC(otCheckConfig("[line]\nnumber = 100\n[access]\n100 = owner:alice,@staff monitor:*\n"
                           "* = monitor:1000\n[server]\nsocket = /run/x.sock\n"
                           "max_backlog_kb = 64\n[client]\nserver = unix:/run/x.sock\n",
                           err, sizeof(err)),
             0);
    /* and start-up refuses what the checker refuses */
    t_config("[line]\nnumber = 100\n[access]\n100 = owner:\n");
    HLINEAPP h;
    DWORD n, api = T_API;
    LINEINITIALIZEEXPARAMS p = {.dwTotalSize = sizeof(p),
                                .dwOptions = LINEINITIALIZEEXOPTION_USEEVENT};
    CHECK_RC(lineInitializeEx(&h, NULL, NULL, "bad access", &n, &api, &p),
             LINEERR_INIFILECORRUPT);
    T_LOG_EXPECT("[access] 100");
}

/* ---- a socket already served is refused with a clear message; systemd's
 * socket activation hands the service its listening socket ---- */
static int run_tapisrv(const char *dir, const char *args, const char *log)
{
    char exe[1024], cmd[2600];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    CHECK(n > 0);
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0';
    snprintf(cmd, sizeof(cmd), "%s/tapisrv %s 2>%s/%s", exe, args, dir, log);
    int st = system(cmd);
    CHECK(WIFEXITED(st));
    return WEXITSTATUS(st);
}

TEST(service_refuses_a_socket_already_served)
{
    svc s;
    svc_start(&s, NULL);
    char args[200], path[200];
    snprintf(args, sizeof(args), "--socket %s", s.sock);
    CHECK_EQ(run_tapisrv(s.dir, args, "second.log"), 1);
    snprintf(path, sizeof(path), "%s/second.log", s.dir);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    char line[512] = "";
    size_t got = fread(line, 1, sizeof(line) - 1, f);
    fclose(f);
    line[got] = '\0';
    if (!strstr(line, "is already served by another tapisrv"))
        FAIL("the second tapisrv said: %s", line);
    /* the first one goes on serving */
    svc_finish(&s);
}

static void role_activated_client(void *arg)
{
    (void)arg;
    tapp a;
    t_init(&a, "activated");
    CHECK_EQ(a.ndevs, 15);
    t_shutdown(&a);
}

TEST(service_takes_the_socket_systemd_passes)
{
    svc s;
    memset(&s, 0, sizeof(s));
    snprintf(s.dir, sizeof(s.dir), "/tmp/otsvc.XXXXXX");
    CHECK(mkdtemp(s.dir) != NULL);
    snprintf(s.sock, sizeof(s.sock), "%s/activated.sock", s.dir);
    snprintf(s.address, sizeof(s.address), "unix:%s", s.sock);
    /* What systemd does for tapisrv.socket: bind and listen, then start the
     * service with the socket as descriptor 3 and LISTEN_PID/LISTEN_FDS. */
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(lfd >= 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", s.sock);
    CHECK_RC(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    CHECK_RC(listen(lfd, 16), 0);
    int ready[2];
    CHECK_RC(pipe(ready), 0);
    char exe[1024];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    CHECK(n > 0);
    exe[n] = '\0';
    strcpy(strrchr(exe, '/') + 1, "tapisrv");
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(lfd, 3);
        dup2(ready[1], 4);
        char num[16];
        snprintf(num, sizeof(num), "%d", (int)getpid());
        setenv("LISTEN_PID", num, 1);
        setenv("LISTEN_FDS", "1", 1);
        unsetenv("OPENTAPI_CONFIG");
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        execl(exe, exe, "--ready-fd", "4", (char *)NULL);
        _exit(127);
    }
    close(ready[1]);
    close(lfd);
    s.pid = pid;
    s.pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    struct pollfd pf = {ready[0], POLLIN, 0};
    char word[8] = "";
    CHECK(poll(&pf, 1, 10000) == 1 && read(ready[0], word, sizeof(word)) > 0);
    close(ready[0]);
    CHECK(!strncmp(word, "ready", 5));
    svc_child c;
    svc_child_start(&c, &s, "activated client", role_activated_client, NULL);
    svc_child_wait(&c);
    svc_stop(&s);
    /* a passed socket is systemd's: the service leaves the path alone */
    CHECK_RC(access(s.sock, F_OK), 0);
    svc_cleanup(&s);
}
