/* Conferences on the embedded switch: the host (device 0, 100) bridges bob
 * (101), carol (102) and dave (103).  Every test asserts the message order
 * of every application, not only the final states.  Transfers, and other
 * applications' handles given to conference and transfer requests, are in
 * tests/test_conf_transfer.c; the helpers both use are declared in
 * tests/test_conf.h. */
#include "test_conf.h"

void conf_init(conf *k)
{
    memset(k, 0, sizeof(*k));
    t_init(&k->host, "host");
    t_init(&k->bob, "bob");
    t_init(&k->carol, "carol");
    t_init(&k->dave, "dave");
    k->lh = t_open(&k->host, 0, LINECALLPRIVILEGE_OWNER);
    k->lb = t_open(&k->bob, 1, LINECALLPRIVILEGE_OWNER);
    k->lc = t_open(&k->carol, 2, LINECALLPRIVILEGE_OWNER);
    k->ld = t_open(&k->dave, 3, LINECALLPRIVILEGE_OWNER);
}

void conf_done(conf *k)
{
    t_expect_none(&k->host);
    t_expect_none(&k->bob);
    t_expect_none(&k->carol);
    t_expect_none(&k->dave);
    t_shutdown(&k->host);
    t_shutdown(&k->bob);
    t_shutdown(&k->carol);
    t_shutdown(&k->dave);
}

/* The host dials on a consultation call hk; the party on line lp answers. */
HCALL consult_reaches(tapp *host, HCALL hk, const char *number, tapp *p, HLINE lp)
{
    LONG req = lineDial(hk, number, 0);
    CHECK_REQ(req);
    t_expect_reply(host, req, 0);
    t_expect_state(host, hk, LINECALLSTATE_DIALING, 0);
    t_expect_state(host, hk, LINECALLSTATE_PROCEEDING, 0);
    t_expect_state(host, hk, LINECALLSTATE_RINGBACK, 0);
    HCALL hp = t_expect_offer(p, lp);
    req = lineAnswer(hp, NULL, 0);
    CHECK_REQ(req);
    t_expect_callinfo(host, hk, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(host, hk, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(p, hp, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(p, req, 0);
    return hp;
}

/* host-bob connected, then lineSetupConference: bob's call CONFERENCED. */
void conf_setup(conf *k)
{
    t_connect(&k->host, k->lh, &k->bob, k->lb, "101", &k->hb_host, &k->hb);
    LONG req = lineSetupConference(k->hb_host, 0, &k->hconf, &k->hk, 3, NULL);
    CHECK_REQ(req);
    t_expect_reply(&k->host, req, 0);
    CHECK(k->hconf && k->hk && k->hconf != k->hk);
    t_expect_state(&k->host, k->hb_host, LINECALLSTATE_CONFERENCED, k->hconf);
    t_expect_state(&k->host, k->hconf, LINECALLSTATE_ONHOLDPENDCONF, 0);
    t_expect_state(&k->host, k->hk, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    t_expect_none(&k->bob);
}

/* A three-party conference: host, bob, carol. */
static void conf_three(conf *k)
{
    conf_setup(k);
    k->hc = consult_reaches(&k->host, k->hk, "102", &k->carol, k->lc);
    LONG req = lineAddToConference(k->hconf, k->hk);
    CHECK_REQ(req);
    t_expect_state(&k->host, k->hk, LINECALLSTATE_CONFERENCED, k->hconf);
    t_expect_state(&k->host, k->hconf, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&k->host, req, 0);
    t_expect_none(&k->host);
    t_expect_none(&k->bob);
    t_expect_none(&k->carol);
}

void dealloc_all(HCALL *h, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        CHECK_RC(lineDeallocateCall(h[i]), 0);
}

TEST(conf_host_drop_drops_every_party)
{
    conf k;
    conf_init(&k);
    conf_three(&k);
    LONG req = lineDrop(k.hconf, "bye all", 7);
    CHECK_REQ(req);
    /* every call of the host changes, each with its own LINE_CALLSTATE */
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hconf, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&k.host, req, 0);
    /* and every far end is disconnected, with the UUI of the drop */
    unsigned char got[16];
    t_expect_callinfo(&k.bob, k.hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    CHECK_EQ(t_uui(k.hb, got, sizeof(got)), 7);
    CHECK_MEM(got, "bye all", 7);
    t_expect_callinfo(&k.carol, k.hc, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    CHECK_EQ(t_uui(k.hc, got, sizeof(got)), 7);
    t_drop_idle(&k.bob, k.hb);
    t_drop_idle(&k.carol, k.hc);
    /* a second drop of the conference: it is IDLE */
    CHECK_RC(lineDrop(k.hconf, NULL, 0), LINEERR_INVALCALLSTATE);
    HCALL all[] = {k.hb_host, k.hk, k.hconf};
    dealloc_all(all, 3);
    conf_done(&k);
}

/* Monitors on every line of a conference (the host's and each far end's) get
 * a LINE_CALLSTATE for every call of the cascade, on their own handle of that
 * call, in the order the owners get them; and nothing else. */
TEST(conf_drop_monitors_host_and_far_ends)
{
    conf k;
    conf_init(&k);
    conf_three(&k);
    tapp mh, mb, mc;
    t_init(&mh, "host-monitor");
    t_init(&mb, "bob-monitor");
    t_init(&mc, "carol-monitor");
    HLINE lmh = t_open(&mh, 0, LINECALLPRIVILEGE_MONITOR);
    HLINE lmb = t_open(&mb, 1, LINECALLPRIVILEGE_MONITOR);
    HLINE lmc = t_open(&mc, 2, LINECALLPRIVILEGE_MONITOR);
    HCALL host_calls[] = {k.hb_host, k.hk, k.hconf}, mhs[3], mbh, mch;
    t_monitor_handles(lmh, host_calls, mhs, 3);
    t_monitor_handles(lmb, &k.hb, &mbh, 1);
    t_monitor_handles(lmc, &k.hc, &mch, 1);
    t_expect_callinfo_each(&k.host, host_calls, 3, LINECALLINFOSTATE_NUMMONITORS);
    t_expect_callinfo(&k.bob, k.hb, LINECALLINFOSTATE_NUMMONITORS);
    t_expect_callinfo(&k.carol, k.hc, LINECALLINFOSTATE_NUMMONITORS);
    CHECK_EQ(t_state(mhs[2], NULL), LINECALLSTATE_CONNECTED);
    CHECK_EQ(t_state(mhs[0], NULL), LINECALLSTATE_CONFERENCED);
    CHECK_EQ(t_state(mhs[1], NULL), LINECALLSTATE_CONFERENCED);

    LONG req = lineDrop(k.hconf, "bye all", 7);
    CHECK_REQ(req);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hconf, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&k.host, req, 0);
    t_expect_state(&mh, mhs[0], LINECALLSTATE_IDLE, 0);
    t_expect_state(&mh, mhs[1], LINECALLSTATE_IDLE, 0);
    t_expect_state(&mh, mhs[2], LINECALLSTATE_IDLE, 0);
    t_expect_none(&mh);
    unsigned char got[16];
    t_expect_callinfo(&k.bob, k.hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_callinfo(&mb, mbh, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&mb, mbh, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    CHECK_EQ(t_uui(mbh, got, sizeof(got)), 7);
    CHECK_MEM(got, "bye all", 7);
    t_expect_none(&mb);
    t_expect_callinfo(&k.carol, k.hc, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_callinfo(&mc, mch, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&mc, mch, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    CHECK_EQ(t_uui(mch, got, sizeof(got)), 7);
    CHECK_MEM(got, "bye all", 7);
    t_expect_none(&mc);
    /* the far ends hang up: their monitors see IDLE */
    t_drop_idle(&k.bob, k.hb);
    t_expect_state(&mb, mbh, LINECALLSTATE_IDLE, 0);
    t_drop_idle(&k.carol, k.hc);
    t_expect_state(&mc, mch, LINECALLSTATE_IDLE, 0);
    /* every handle stays queryable until deallocated */
    for (unsigned i = 0; i < 3; i++)
        CHECK_EQ(t_state(mhs[i], NULL), LINECALLSTATE_IDLE);
    CHECK_EQ(t_state(mbh, NULL), LINECALLSTATE_IDLE);
    dealloc_all(mhs, 3);
    dealloc_all(&mbh, 1);
    dealloc_all(&mch, 1);
    dealloc_all(host_calls, 3);
    t_expect_none(&mh);
    t_expect_none(&mb);
    t_expect_none(&mc);
    t_shutdown(&mh);
    t_shutdown(&mb);
    t_shutdown(&mc);
    conf_done(&k);
}

TEST(conf_participant_drop_reverts_to_two_party_call)
{
    conf k;
    conf_init(&k);
    conf_three(&k);
    /* the host drops carol's leg: only carol goes; two parties are left */
    LONG req = lineDrop(k.hk, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hconf, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&k.host, req, 0);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_none(&k.bob);
    t_drop_idle(&k.carol, k.hc);
    /* host and bob still talk */
    CHECK_EQ(t_state(k.hb, NULL), LINECALLSTATE_CONNECTED);
    LINECALLLIST list = {sizeof(list)};
    CHECK_RC(lineGetConfRelatedCalls(k.hb_host, &list), LINEERR_NOCONFERENCE);
    req = lineDrop(k.hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&k.bob, req, 0);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&k.host, k.hb_host);
    HCALL all[] = {k.hk, k.hconf, k.hb};
    dealloc_all(all, 3);
    conf_done(&k);
}

TEST(conf_far_end_hangup_reverts)
{
    conf k;
    conf_init(&k);
    conf_three(&k);
    /* carol hangs up: the host's leg to her is DISCONNECTED and leaves the conference */
    LONG req = lineDrop(k.hc, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&k.carol, req, 0);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&k.host, k.hconf, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_none(&k.bob);
    t_drop_idle(&k.host, k.hk);
    t_drop_idle(&k.host, k.hb_host);
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&k.bob, k.hb);
    HCALL all[] = {k.hconf, k.hc};
    dealloc_all(all, 2);
    conf_done(&k);
}

TEST(conf_remove_from_conference_of_four)
{
    conf k;
    conf_init(&k);
    conf_three(&k);
    HCALL hk2 = 0, hd;
    LONG req = linePrepareAddToConference(k.hconf, &hk2, NULL);
    CHECK_REQ(req);
    t_expect_reply(&k.host, req, 0);
    t_expect_state(&k.host, k.hconf, LINECALLSTATE_ONHOLDPENDCONF, 0);
    t_expect_state(&k.host, hk2, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    hd = consult_reaches(&k.host, hk2, "103", &k.dave, k.ld);
    req = lineAddToConference(k.hconf, hk2);
    CHECK_REQ(req);
    t_expect_state(&k.host, hk2, LINECALLSTATE_CONFERENCED, k.hconf);
    t_expect_state(&k.host, k.hconf, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&k.host, req, 0);
    /* remove carol: dwRemoveFromConfState is IDLE, the conference goes on */
    req = lineRemoveFromConference(k.hk);
    CHECK_REQ(req);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&k.host, req, 0);
    t_expect_none(&k.host);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_none(&k.bob);
    t_expect_none(&k.dave);
    CHECK_EQ(t_state(k.hconf, NULL), LINECALLSTATE_CONNECTED);
    CHECK_RC(lineRemoveFromConference(k.hk), LINEERR_INVALCALLSTATE);
    t_drop_idle(&k.carol, k.hc);
    /* the rest is dropped with the conference call */
    req = lineDrop(k.hconf, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, hk2, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hconf, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&k.host, req, 0);
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&k.dave, hd, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&k.bob, k.hb);
    t_drop_idle(&k.dave, hd);
    HCALL all[] = {k.hb_host, k.hk, hk2, k.hconf};
    dealloc_all(all, 4);
    conf_done(&k);
}

TEST(conf_drop_consultation_reconnects_held_call)
{
    conf k;
    conf_init(&k);
    conf_setup(&k);
    /* the consultation call rings carol, then the host gives up on it */
    LONG req = lineDial(k.hk, "102", 0);
    CHECK_REQ(req);
    t_expect_reply(&k.host, req, 0);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_DIALING, 0);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_PROCEEDING, 0);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_RINGBACK, 0);
    k.hc = t_expect_offer(&k.carol, k.lc);
    req = lineDrop(k.hk, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hconf, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&k.host, req, 0);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_IDLE, 0);
    t_expect_none(&k.bob);
    t_drop_idle(&k.host, k.hb_host);
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&k.bob, k.hb);
    HCALL all[] = {k.hk, k.hconf, k.hc};
    dealloc_all(all, 3);
    conf_done(&k);
}

TEST(conf_prepare_add_then_drop_consultation_returns_to_connected)
{
    conf k;
    conf_init(&k);
    conf_three(&k);
    HCALL hk2 = 0;
    LONG req = linePrepareAddToConference(k.hconf, &hk2, NULL);
    CHECK_REQ(req);
    t_expect_reply(&k.host, req, 0);
    t_expect_state(&k.host, k.hconf, LINECALLSTATE_ONHOLDPENDCONF, 0);
    t_expect_state(&k.host, hk2, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    /* a second consultation call at the same time is refused */
    HCALL hk3 = 0;
    CHECK_RC(linePrepareAddToConference(k.hconf, &hk3, NULL), LINEERR_INVALCALLSTATE);
    CHECK_EQ(hk3, 0);
    req = lineDrop(hk2, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&k.host, hk2, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hconf, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&k.host, req, 0);
    req = lineDrop(k.hconf, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hconf, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&k.host, req, 0);
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&k.bob, k.hb);
    t_drop_idle(&k.carol, k.hc);
    HCALL all[] = {k.hb_host, k.hk, hk2, k.hconf};
    dealloc_all(all, 4);
    conf_done(&k);
}

TEST(conf_related_calls_give_monitor_handles)
{
    conf k;
    conf_init(&k);
    tapp m;
    t_init(&m, "monitor");
    HLINE lm = 0;
    CHECK_RC(lineOpen(m.h, 0, &lm, T_API, 0, 0, LINECALLPRIVILEGE_MONITOR, 0, NULL), 0);
    conf_three(&k);
    union {
        LINECALLLIST l;
        unsigned char raw[sizeof(LINECALLLIST) + 16 * sizeof(HCALL)];
    } u;
    /* too small: dwNeededSize says how much */
    LINECALLLIST small = {sizeof(small)};
    CHECK_RC(lineGetConfRelatedCalls(k.hb_host, &small), 0);
    CHECK_EQ(small.dwNeededSize, sizeof(LINECALLLIST) + 3 * sizeof(HCALL));
    CHECK_EQ(small.dwCallsNumEntries, 0);
    /* the host: element 0 is the parent, then the members (its own handles) */
    memset(&u, 0, sizeof(u));
    u.l.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetConfRelatedCalls(k.hk, &u.l), 0);
    CHECK_EQ(u.l.dwCallsNumEntries, 3);
    HCALL got[3];
    memcpy(got, u.raw + u.l.dwCallsOffset, sizeof(got));
    CHECK_EQ(got[0], k.hconf);
    CHECK_EQ(got[1], k.hb_host);
    CHECK_EQ(got[2], k.hk);
    /* the monitor was told about every call; it gives up its parent handle and
     * gets a fresh monitor handle from the related-call list */
    LINEMESSAGE msg;
    HCALL mparent = 0, mmember = 0;
    while (t_poll(&m, &msg)) {
        if (msg.dwMessageID == LINE_CALLSTATE && msg.dwParam1 == LINECALLSTATE_CONFERENCED)
            mmember = (HCALL)msg.hDevice, mparent = (HCALL)msg.dwParam2;
    }
    CHECK(mparent && mmember);
    CHECK_RC(lineDrop(mparent, NULL, 0), LINEERR_NOTOWNER);
    CHECK_RC(lineRemoveFromConference(mmember), LINEERR_NOTOWNER);
    CHECK_RC(lineDeallocateCall(mparent), 0);
    /* the owner is told the number of monitors changed */
    t_expect_callinfo(&k.host, k.hconf, LINECALLINFOSTATE_NUMMONITORS);
    memset(&u, 0, sizeof(u));
    u.l.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetConfRelatedCalls(mmember, &u.l), 0);
    t_expect_callinfo(&k.host, k.hconf, LINECALLINFOSTATE_NUMMONITORS);
    t_expect_none(&k.host);
    CHECK_EQ(u.l.dwCallsNumEntries, 3);
    memcpy(got, u.raw + u.l.dwCallsOffset, sizeof(got));
    CHECK(got[0] != 0 && got[0] != mparent);
    LINECALLSTATUS st;
    memset(&st, 0, sizeof(st));
    st.dwTotalSize = sizeof(st);
    CHECK_RC(lineGetCallStatus(got[0], &st), 0);
    CHECK_EQ(st.dwCallPrivilege, LINECALLPRIVILEGE_MONITOR);
    CHECK_EQ(st.dwCallState, LINECALLSTATE_CONNECTED);
    /* a plain call has no conference */
    CHECK_RC(lineGetConfRelatedCalls(k.hb, &u.l), LINEERR_NOCONFERENCE);
    /* the conference drop reaches the monitor for every call */
    LONG req = lineDrop(k.hconf, NULL, 0);
    CHECK_REQ(req);
    /* each of its handles exactly once, in the host's order: members, parent */
    t_expect_state(&m, got[1], LINECALLSTATE_IDLE, 0);
    t_expect_state(&m, got[2], LINECALLSTATE_IDLE, 0);
    t_expect_state(&m, got[0], LINECALLSTATE_IDLE, 0);
    t_expect_none(&m);
    for (unsigned i = 0; i < 3; i++)
        CHECK_RC(lineDeallocateCall(got[i]), 0);
    t_shutdown(&m);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hconf, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&k.host, req, 0);
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&k.bob, k.hb);
    t_drop_idle(&k.carol, k.hc);
    HCALL all[] = {k.hb_host, k.hk, k.hconf};
    dealloc_all(all, 3);
    conf_done(&k);
}

TEST(conf_errors)
{
    conf k;
    conf_init(&k);
    HCALL hc1 = 0, hc2 = 0;
    /* NULL call with a line: no LINEADDRCAPFLAGS_SETUPCONFNULL */
    CHECK_RC(lineSetupConference(0, k.lh, &hc1, &hc2, 3, NULL), LINEERR_OPERATIONUNAVAIL);
    CHECK_RC(lineSetupConference(0, 0, &hc1, &hc2, 3, NULL), LINEERR_INVALLINEHANDLE);
    t_connect(&k.host, k.lh, &k.bob, k.lb, "101", &k.hb_host, &k.hb);
    CHECK_RC(lineSetupConference(k.hb_host, 0, NULL, &hc2, 3, NULL), LINEERR_INVALPOINTER);
    CHECK_RC(lineSetupConference(k.hb_host, 0, &hc1, &hc2, 9, NULL), LINEERR_CONFERENCEFULL);
    CHECK_RC(lineAddToConference(k.hb_host, k.hb_host), LINEERR_INVALCONFCALLHANDLE);
    CHECK_RC(lineRemoveFromConference(k.hb_host), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineCompleteTransfer(k.hb_host, k.hb_host, NULL, LINETRANSFERMODE_TRANSFER),
             LINEERR_INVALCONSULTCALLHANDLE);
    CHECK_RC(lineCompleteTransfer(k.hb_host, k.hb_host, NULL, 7), LINEERR_INVALTRANSFERMODE);
    CHECK_RC(lineBlindTransfer(k.hb_host, NULL, 0), LINEERR_INVALPOINTER);
    CHECK_RC(lineBlindTransfer(k.hb_host, "999", 0), LINEERR_INVALADDRESS);
    CHECK_EQ(hc1, 0);
    CHECK_EQ(hc2, 0);
    t_expect_none(&k.host);
    /* station 400 has no conferences */
    tapp b4;
    t_init(&b4, "basic");
    HLINE l4 = t_open(&b4, 14, LINECALLPRIVILEGE_OWNER);
    HCALL h4 = t_make_call(&b4, l4, "102", NULL, 0);
    t_expect_state(&b4, h4, LINECALLSTATE_DIALING, 0);
    t_expect_state(&b4, h4, LINECALLSTATE_PROCEEDING, 0);
    t_expect_state(&b4, h4, LINECALLSTATE_RINGBACK, 0);
    k.hc = t_expect_offer(&k.carol, k.lc);
    LONG req = lineAnswer(k.hc, NULL, 0);
    CHECK_REQ(req);
    t_expect_callinfo(&b4, h4, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&b4, h4, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&k.carol, req, 0);
    CHECK_RC(lineSetupConference(h4, 0, &hc1, &hc2, 3, NULL), LINEERR_OPERATIONUNAVAIL);
    CHECK_RC(lineSetupTransfer(h4, &hc2, NULL), LINEERR_OPERATIONUNAVAIL);
    CHECK_RC(lineBlindTransfer(h4, "101", 0), LINEERR_OPERATIONUNAVAIL);
    /* a call that is not CONNECTED cannot start a conference */
    req = lineDrop(k.hc, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&k.carol, req, 0);
    t_expect_state(&b4, h4, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&b4, h4);
    t_shutdown(&b4);
    CHECK_RC(lineDeallocateCall(k.hc), 0);
    req = lineDrop(k.hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&k.bob, req, 0);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    CHECK_RC(lineSetupConference(k.hb_host, 0, &hc1, &hc2, 3, NULL), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineSetupTransfer(k.hb_host, &hc2, NULL), LINEERR_INVALCALLSTATE);
    t_drop_idle(&k.host, k.hb_host);
    CHECK_RC(lineDeallocateCall(k.hb), 0);
    conf_done(&k);
}

/* The same cascade watched by monitors on the host's line and on each far
 * end's: the host's handles are gone with its line, its monitor sees every
 * call of the conference go IDLE, each once; the far ends' monitors see
 * their call DISCONNECTED, then IDLE when the party hangs up. */
TEST(conf_close_line_monitors_see_every_call)
{
    conf k;
    conf_init(&k);
    conf_three(&k);
    tapp mh, mb, mc;
    t_init(&mh, "host-monitor");
    t_init(&mb, "bob-monitor");
    t_init(&mc, "carol-monitor");
    HLINE lmh = t_open(&mh, 0, LINECALLPRIVILEGE_MONITOR);
    HLINE lmb = t_open(&mb, 1, LINECALLPRIVILEGE_MONITOR);
    HLINE lmc = t_open(&mc, 2, LINECALLPRIVILEGE_MONITOR);
    HCALL host_calls[] = {k.hb_host, k.hk, k.hconf}, mhs[3], mbh, mch;
    t_monitor_handles(lmh, host_calls, mhs, 3);
    t_monitor_handles(lmb, &k.hb, &mbh, 1);
    t_monitor_handles(lmc, &k.hc, &mch, 1);
    t_expect_callinfo_each(&k.host, host_calls, 3, LINECALLINFOSTATE_NUMMONITORS);
    t_expect_callinfo(&k.bob, k.hb, LINECALLINFOSTATE_NUMMONITORS);
    t_expect_callinfo(&k.carol, k.hc, LINECALLINFOSTATE_NUMMONITORS);
    CHECK_RC(lineClose(k.lh), 0);
    t_expect_none(&k.host);
    CHECK_RC(lineGetCallStatus(k.hconf, NULL), LINEERR_INVALCALLHANDLE);
    t_expect_state_each(&mh, mhs, 3, LINECALLSTATE_IDLE, 0);
    t_expect_none(&mh);
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&mb, mbh, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&mc, mch, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&k.bob, k.hb);
    t_expect_state(&mb, mbh, LINECALLSTATE_IDLE, 0);
    t_drop_idle(&k.carol, k.hc);
    t_expect_state(&mc, mch, LINECALLSTATE_IDLE, 0);
    for (unsigned i = 0; i < 3; i++)
        CHECK_EQ(t_state(mhs[i], NULL), LINECALLSTATE_IDLE);
    dealloc_all(mhs, 3);
    dealloc_all(&mbh, 1);
    dealloc_all(&mch, 1);
    t_shutdown(&mh);
    t_shutdown(&mb);
    t_shutdown(&mc);
    conf_done(&k);
}

TEST(conf_close_line_drops_conference)
{
    conf k;
    conf_init(&k);
    conf_three(&k);
    /* the host's application closes its line: the calls it owned alone are
     * dropped, so both parties are disconnected */
    CHECK_RC(lineClose(k.lh), 0);
    t_expect_none(&k.host);
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&k.bob, k.hb);
    t_drop_idle(&k.carol, k.hc);
    conf_done(&k);
}
