/* Transfers on the embedded switch (lineSetupTransfer, lineCompleteTransfer,
 * lineBlindTransfer), and what conference and transfer requests refuse:
 * another application's handle to the consultation call, bad LINECALLPARAMS
 * of the new consultation call.  The host (device 0, 100), bob (101), carol
 * (102) and dave (103) as in tests/test_conf.c, whose helpers
 * (tests/test_conf.h) these tests share.  Every test asserts the message
 * order of every application, not only the final states. */
#include "test_conf.h"

TEST(transfer_complete_joins_the_two_parties)
{
    conf k;
    conf_init(&k);
    t_connect(&k.host, k.lh, &k.bob, k.lb, "101", &k.hb_host, &k.hb);
    LONG req = lineSetupTransfer(k.hb_host, &k.hk, NULL);
    CHECK_REQ(req);
    t_expect_reply(&k.host, req, 0);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    k.hc = consult_reaches(&k.host, k.hk, "102", &k.carol, k.lc);
    req = lineCompleteTransfer(k.hb_host, k.hk, NULL, LINETRANSFERMODE_TRANSFER);
    CHECK_REQ(req);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&k.host, req, 0);
    t_expect_callinfo(&k.bob, k.hb, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_callinfo(&k.carol, k.hc, LINECALLINFOSTATE_CONNECTEDID);
    char id[32];
    t_callinfo_str(k.hb, offsetof(LINECALLINFO, dwConnectedIDSize), id, sizeof(id));
    CHECK(!strcmp(id, "102"));
    t_callinfo_str(k.hc, offsetof(LINECALLINFO, dwConnectedIDSize), id, sizeof(id));
    CHECK(!strcmp(id, "101"));
    /* bob and carol are connected to each other: bob's drop reaches carol */
    req = lineDrop(k.hb, "ciao", 4);
    CHECK_REQ(req);
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&k.bob, req, 0);
    t_expect_callinfo(&k.carol, k.hc, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&k.carol, k.hc);
    t_expect_none(&k.host);
    HCALL all[] = {k.hb_host, k.hk, k.hb};
    dealloc_all(all, 3);
    conf_done(&k);
}

/* The transfer cascade watched by monitors on the host's, bob's and carol's
 * lines: each monitor handle gets what its owner gets, in the same order. */
TEST(transfer_complete_monitors_see_every_call)
{
    conf k;
    conf_init(&k);
    t_connect(&k.host, k.lh, &k.bob, k.lb, "101", &k.hb_host, &k.hb);
    LONG req = lineSetupTransfer(k.hb_host, &k.hk, NULL);
    CHECK_REQ(req);
    t_expect_reply(&k.host, req, 0);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    k.hc = consult_reaches(&k.host, k.hk, "102", &k.carol, k.lc);
    tapp mh, mb, mc;
    t_init(&mh, "host-monitor");
    t_init(&mb, "bob-monitor");
    t_init(&mc, "carol-monitor");
    HLINE lmh = t_open(&mh, 0, LINECALLPRIVILEGE_MONITOR);
    HLINE lmb = t_open(&mb, 1, LINECALLPRIVILEGE_MONITOR);
    HLINE lmc = t_open(&mc, 2, LINECALLPRIVILEGE_MONITOR);
    HCALL host_calls[] = {k.hb_host, k.hk}, mhs[2], mbh, mch;
    t_monitor_handles(lmh, host_calls, mhs, 2);
    t_monitor_handles(lmb, &k.hb, &mbh, 1);
    t_monitor_handles(lmc, &k.hc, &mch, 1);
    t_expect_callinfo_each(&k.host, host_calls, 2, LINECALLINFOSTATE_NUMMONITORS);
    t_expect_callinfo(&k.bob, k.hb, LINECALLINFOSTATE_NUMMONITORS);
    t_expect_callinfo(&k.carol, k.hc, LINECALLINFOSTATE_NUMMONITORS);
    req = lineCompleteTransfer(k.hb_host, k.hk, NULL, LINETRANSFERMODE_TRANSFER);
    CHECK_REQ(req);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&k.host, req, 0);
    t_expect_state(&mh, mhs[0], LINECALLSTATE_IDLE, 0);
    t_expect_state(&mh, mhs[1], LINECALLSTATE_IDLE, 0);
    t_expect_callinfo(&k.bob, k.hb, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_callinfo(&mb, mbh, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_callinfo(&k.carol, k.hc, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_callinfo(&mc, mch, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_none(&mh);
    t_expect_none(&mb);
    t_expect_none(&mc);
    /* bob hangs up: his monitor sees IDLE, carol's sees the UUI and DISCONNECTED */
    req = lineDrop(k.hb, "ciao", 4);
    CHECK_REQ(req);
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&k.bob, req, 0);
    t_expect_state(&mb, mbh, LINECALLSTATE_IDLE, 0);
    t_expect_callinfo(&k.carol, k.hc, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_callinfo(&mc, mch, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&mc, mch, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    unsigned char got[8];
    CHECK_EQ(t_uui(mch, got, sizeof(got)), 4);
    CHECK_MEM(got, "ciao", 4);
    t_drop_idle(&k.carol, k.hc);
    t_expect_state(&mc, mch, LINECALLSTATE_IDLE, 0);
    dealloc_all(mhs, 2);
    dealloc_all(&mbh, 1);
    dealloc_all(&mch, 1);
    t_shutdown(&mh);
    t_shutdown(&mb);
    t_shutdown(&mc);
    HCALL all[] = {k.hb_host, k.hk, k.hb};
    dealloc_all(all, 3);
    conf_done(&k);
}

TEST(transfer_complete_as_conference)
{
    conf k;
    conf_init(&k);
    t_connect(&k.host, k.lh, &k.bob, k.lb, "101", &k.hb_host, &k.hb);
    LONG req = lineSetupTransfer(k.hb_host, &k.hk, NULL);
    CHECK_REQ(req);
    t_expect_reply(&k.host, req, 0);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    k.hc = consult_reaches(&k.host, k.hk, "102", &k.carol, k.lc);
    req = lineCompleteTransfer(k.hb_host, k.hk, &k.hconf, LINETRANSFERMODE_CONFERENCE);
    CHECK_REQ(req);
    t_expect_reply(&k.host, req, 0);
    CHECK(k.hconf != 0);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_CONFERENCED, k.hconf);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_CONFERENCED, k.hconf);
    t_expect_state(&k.host, k.hconf, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
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
    HCALL all[] = {k.hb_host, k.hk, k.hconf};
    dealloc_all(all, 3);
    conf_done(&k);
}

TEST(transfer_drop_consultation_reconnects)
{
    conf k;
    conf_init(&k);
    t_connect(&k.host, k.lh, &k.bob, k.lb, "101", &k.hb_host, &k.hb);
    LONG req = lineSetupTransfer(k.hb_host, &k.hk, NULL);
    CHECK_REQ(req);
    t_expect_reply(&k.host, req, 0);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    k.hc = consult_reaches(&k.host, k.hk, "102", &k.carol, k.lc);
    req = lineDrop(k.hk, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&k.host, req, 0);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&k.carol, k.hc);
    t_expect_none(&k.bob);
    t_drop_idle(&k.host, k.hb_host);
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&k.bob, k.hb);
    CHECK_RC(lineDeallocateCall(k.hk), 0);
    conf_done(&k);
}

TEST(transfer_blind_offers_the_party_elsewhere)
{
    conf k;
    conf_init(&k);
    t_connect(&k.host, k.lh, &k.bob, k.lb, "101", &k.hb_host, &k.hb);
    LONG req = lineBlindTransfer(k.hb_host, "102", 0);
    CHECK_REQ(req);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&k.host, req, 0);
    k.hc = t_expect_offer(&k.carol, k.lc);
    char id[32];
    t_callinfo_str(k.hc, offsetof(LINECALLINFO, dwCallerIDSize), id, sizeof(id));
    CHECK(!strcmp(id, "101"));
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_RINGBACK, 0);
    t_expect_callinfo(&k.bob, k.hb, LINECALLINFOSTATE_CALLEDID);
    req = lineAnswer(k.hc, NULL, 0);
    CHECK_REQ(req);
    t_expect_callinfo(&k.bob, k.hb, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&k.carol, req, 0);
    req = lineDrop(k.hc, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&k.carol, req, 0);
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&k.bob, k.hb);
    HCALL all[] = {k.hb_host, k.hc};
    dealloc_all(all, 2);
    conf_done(&k);
}

/* Every message queued now is thrown away (for the bookkeeping messages
 * another application's handles cause; the test asserts what follows). */
static void drain(tapp *a)
{
    LINEMESSAGE m;
    while (t_poll(a, &m))
        ;
}

/* Another application's handle to the same consultation call (the monitor
 * handle LINE_APPNEWCALL gave it), made owner. */
static HCALL foreign_owner_handle(tapp *spy, HCALL mine)
{
    tcallinfo want;
    t_callinfo(mine, &want);
    LINEMESSAGE m;
    HCALL found = 0;
    unsigned seen = 0;
    while (t_poll(spy, &m)) {
        /* a monitor learns of a call by LINE_APPNEWCALL or its first LINE_CALLSTATE */
        HCALL h = m.dwMessageID == LINE_APPNEWCALL   ? (HCALL)m.dwParam2
                  : m.dwMessageID == LINE_CALLSTATE ? (HCALL)m.hDevice
                                                    : 0;
        tcallinfo got;
        if (!h || h == found)
            continue;
        seen++;
        t_callinfo(h, &got);
        if (got.ci.dwCallID == want.ci.dwCallID)
            found = h;
    }
    if (!found)
        FAIL("no handle of %s to call id %u among %u messages", spy->name,
             (unsigned)want.ci.dwCallID, seen);
    CHECK(found != mine);
    CHECK_RC(lineSetCallPrivilege(found, LINECALLPRIVILEGE_OWNER), 0);
    drain(spy);
    return found;
}

TEST(conf_transfer_refuse_another_applications_consult_handle)
{
    /* A second application owns a handle to the host's consultation call (same
     * line device, same call): the host may not use it with its own call. */
    conf k;
    conf_init(&k);
    tapp spy;
    t_init(&spy, "spy");
    t_open(&spy, 0, LINECALLPRIVILEGE_MONITOR);
    t_connect(&k.host, k.lh, &k.bob, k.lb, "101", &k.hb_host, &k.hb);
    LONG req = lineSetupTransfer(k.hb_host, &k.hk, NULL);
    CHECK_REQ(req);
    t_expect_reply(&k.host, req, 0);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    k.hc = consult_reaches(&k.host, k.hk, "102", &k.carol, k.lc);
    HCALL foreign = foreign_owner_handle(&spy, k.hk);
    drain(&k.host);
    HCALL hconf = 0;
    CHECK_RC(lineCompleteTransfer(k.hb_host, foreign, NULL, LINETRANSFERMODE_TRANSFER),
             LINEERR_INVALCONSULTCALLHANDLE);
    CHECK_RC(lineCompleteTransfer(k.hb_host, foreign, &hconf, LINETRANSFERMODE_CONFERENCE),
             LINEERR_INVALCONSULTCALLHANDLE);
    CHECK_EQ(hconf, 0);
    t_expect_none(&k.host);
    t_expect_none(&k.carol);
    CHECK_EQ(t_state(k.hb_host, NULL), LINECALLSTATE_ONHOLDPENDTRANSFER);
    t_shutdown_with_calls(&spy);
    drain(&k.host);
    /* With its own handle the host completes the transfer. */
    req = lineCompleteTransfer(k.hb_host, k.hk, NULL, LINETRANSFERMODE_TRANSFER);
    CHECK_REQ(req);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&k.host, req, 0);
    drain(&k.bob);
    drain(&k.carol);
    t_drop_idle(&k.bob, k.hb);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&k.carol, k.hc);
    HCALL all[] = {k.hb_host, k.hk};
    dealloc_all(all, 2);
    conf_done(&k);
}

TEST(conf_add_refuses_another_applications_consult_handle)
{
    conf k;
    conf_init(&k);
    tapp spy;
    t_init(&spy, "spy");
    t_open(&spy, 0, LINECALLPRIVILEGE_MONITOR);
    conf_setup(&k);
    k.hc = consult_reaches(&k.host, k.hk, "102", &k.carol, k.lc);
    HCALL foreign = foreign_owner_handle(&spy, k.hk);
    drain(&k.host);
    CHECK_RC(lineAddToConference(k.hconf, foreign), LINEERR_INVALCONSULTCALLHANDLE);
    t_expect_none(&k.host);
    t_expect_none(&k.carol);
    CHECK_EQ(t_state(k.hk, NULL), LINECALLSTATE_CONNECTED);
    t_shutdown_with_calls(&spy);
    drain(&k.host);
    LONG req = lineDrop(k.hconf, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_IDLE, 0);
    drain(&k.host);
    drain(&k.bob);
    drain(&k.carol);
    /* the consultation call was not a member: it is still up, drop it */
    if (t_state(k.hk, NULL) != LINECALLSTATE_IDLE) {
        req = lineDrop(k.hk, NULL, 0);
        CHECK_REQ(req);
        t_expect_state(&k.host, k.hk, LINECALLSTATE_IDLE, 0);
        t_expect_reply(&k.host, req, 0);
    }
    drain(&k.carol);
    CHECK_EQ(t_state(k.hc, NULL), LINECALLSTATE_DISCONNECTED);
    CHECK_RC(lineDeallocateCall(k.hc), 0);
    CHECK_EQ(t_state(k.hb, NULL), LINECALLSTATE_DISCONNECTED);
    CHECK_RC(lineDeallocateCall(k.hb), 0);
    HCALL all[] = {k.hb_host, k.hk, k.hconf};
    dealloc_all(all, 3);
    conf_done(&k);
}

/* LINECALLPARAMS of the new consultation call are checked like lineMakeCall's. */
TEST(conf_transfer_call_params_checked)
{
    conf k;
    conf_init(&k);
    t_connect(&k.host, k.lh, &k.bob, k.lb, "101", &k.hb_host, &k.hb);
    union {
        LINECALLPARAMS p;
        unsigned char raw[sizeof(LINECALLPARAMS) + 16];
    } u;
    memset(&u, 0, sizeof(u));
    u.p.dwTotalSize = sizeof(u);
    u.p.dwUserUserInfoSize = 4;
    u.p.dwUserUserInfoOffset = sizeof(u) - 2; /* runs past dwTotalSize */
    HCALL h1 = 0, h2 = 0;
    CHECK_RC(lineSetupTransfer(k.hb_host, &h1, &u.p), LINEERR_INVALCALLPARAMS);
    CHECK_RC(lineSetupConference(k.hb_host, 0, &h1, &h2, 3, &u.p), LINEERR_INVALCALLPARAMS);
    u.p.dwUserUserInfoOffset = 0xFFFFFFF0u; /* offset + size wraps 32 bits */
    u.p.dwUserUserInfoSize = 0x20;
    CHECK_RC(lineSetupTransfer(k.hb_host, &h1, &u.p), LINEERR_INVALCALLPARAMS);
    CHECK_RC(lineSetupConference(k.hb_host, 0, &h1, &h2, 3, &u.p), LINEERR_INVALCALLPARAMS);
    u.p.dwUserUserInfoSize = 0;
    u.p.dwTotalSize = 8; /* smaller than the fixed part */
    CHECK_RC(lineSetupTransfer(k.hb_host, &h1, &u.p), LINEERR_STRUCTURETOOSMALL);
    CHECK_RC(lineSetupConference(k.hb_host, 0, &h1, &h2, 3, &u.p), LINEERR_STRUCTURETOOSMALL);
    u.p.dwTotalSize = sizeof(u);
    u.p.dwBearerMode = LINEBEARERMODE_DATA;
    CHECK_RC(lineSetupTransfer(k.hb_host, &h1, &u.p), LINEERR_INVALBEARERMODE);
    CHECK_EQ(h1, 0);
    CHECK_EQ(h2, 0);
    t_expect_none(&k.host);
    CHECK_EQ(t_state(k.hb_host, NULL), LINECALLSTATE_CONNECTED);
    /* A conference: linePrepareAddToConference checks them too. */
    u.p.dwBearerMode = 0;
    LONG req = lineSetupConference(k.hb_host, 0, &k.hconf, &k.hk, 3, &u.p);
    CHECK_REQ(req);
    t_expect_reply(&k.host, req, 0);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_CONFERENCED, k.hconf);
    t_expect_state(&k.host, k.hconf, LINECALLSTATE_ONHOLDPENDCONF, 0);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    k.hc = consult_reaches(&k.host, k.hk, "102", &k.carol, k.lc);
    req = lineAddToConference(k.hconf, k.hk);
    CHECK_REQ(req);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_CONFERENCED, k.hconf);
    t_expect_state(&k.host, k.hconf, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&k.host, req, 0);
    u.p.dwUserUserInfoSize = 4;
    u.p.dwUserUserInfoOffset = sizeof(u) - 2;
    HCALL h3 = 0;
    CHECK_RC(linePrepareAddToConference(k.hconf, &h3, &u.p), LINEERR_INVALCALLPARAMS);
    u.p.dwUserUserInfoSize = 0;
    u.p.dwTotalSize = 8;
    CHECK_RC(linePrepareAddToConference(k.hconf, &h3, &u.p), LINEERR_STRUCTURETOOSMALL);
    CHECK_EQ(h3, 0);
    t_expect_none(&k.host);
    CHECK_EQ(t_state(k.hconf, NULL), LINECALLSTATE_CONNECTED);
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
    HCALL all[] = {k.hb_host, k.hk, k.hconf};
    dealloc_all(all, 3);
    conf_done(&k);
}
