/* The telephony service (docs/service.md) across processes: a tapisrv of the
 * test's own, and client processes forked from the runner whose applications
 * are unchanged TAPI code in client mode.  Every child checks its own
 * messages with the ordinary helpers; the parent orders their steps.
 * This file: calls across processes, clients that die, the service going
 * away and coming back, each client's own handles, offers to the first owner
 * process, and the README's demo with the tapi tool.  The access rules, the
 * configuration and the socket are in test_service_access.c, clients that
 * misbehave on the socket in test_service_frames.c. */
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

#include "test_service.h"

static const unsigned char BYE_A[] = "bye-from-A";

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
