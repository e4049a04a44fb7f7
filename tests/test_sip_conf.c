/* A local conference on a SIP line: one TAPI conference call on the host's
 * line holding a SIP dialog to each party.  The parties are other opentapi
 * SIP lines of this process (they see the BYE as DISCONNECTED with its UUI)
 * or SIPp (which checks each BYE's User-to-User and Reason on the wire).
 * As in tests/test_conf.c, every test asserts the order of every
 * application's messages.  Dialog counts (two per call between two opentapi
 * lines) show on the SIP side what went and what stayed.  A party waits on
 * hold while the conference waits for its consultation call (a re-INVITE,
 * sendonly): an opentapi party sees CONNECTED/ACTIVEHELD, then ACTIVE when it
 * is added; the tests wait for every re-INVITE to be answered before going
 * on, so that none is in flight when a BYE goes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/providers/sip/sip.h"
#include "sip_helpers.h"

typedef struct sconf {
    tapp host, bob, carol, dave;
    HLINE lh, lb, lc, ld;
    int port[4];
    HCALL hb_host, hb;   /* host's call to bob, bob's call */
    HCALL hconf, hk, hc; /* conference, host's consultation call to carol, carol's call */
} sconf;

static void sconf_init(sconf *k)
{
    memset(k, 0, sizeof(*k));
    static const char *const names[] = {"host", "bob", "carol", "dave"};
    char text[1600];
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        k->port[i] = sh_free_port();
        n += (size_t)snprintf(text + n, sizeof(text) - n,
                              "[line]\nprovider = sip\nname = %s\nnumber = %s\n"
                              "uri = sip:%s@127.0.0.1:%d\n",
                              names[i], names[i], names[i], k->port[i]);
    }
    t_config(text);
    t_init(&k->host, "host");
    t_init(&k->bob, "bob");
    t_init(&k->carol, "carol");
    t_init(&k->dave, "dave");
    k->lh = t_open(&k->host, 0, LINECALLPRIVILEGE_OWNER);
    k->lb = t_open(&k->bob, 1, LINECALLPRIVILEGE_OWNER);
    k->lc = t_open(&k->carol, 2, LINECALLPRIVILEGE_OWNER);
    k->ld = t_open(&k->dave, 3, LINECALLPRIVILEGE_OWNER);
}

static void sconf_done(sconf *k)
{
    sh_wait_dialogs(0);
    t_expect_none(&k->host);
    t_expect_none(&k->bob);
    t_expect_none(&k->carol);
    t_expect_none(&k->dave);
    t_shutdown(&k->host);
    t_shutdown(&k->bob);
    t_shutdown(&k->carol);
    t_shutdown(&k->dave);
}

static void dest_of(const sconf *k, int i, const char *name, char *out, size_t n)
{
    snprintf(out, n, "sip:%s@127.0.0.1:%d", name, k->port[i]);
}

/* The host's side of an answer: PROCEEDING if a 100 Trying came first, then
 * the connected party and CONNECTED. */
static void host_sees_answer(tapp *host, HCALL h)
{
    LINEMESSAGE m = t_next(host);
    if (m.dwMessageID == LINE_CALLSTATE && m.hDevice == h &&
        m.dwParam1 == LINECALLSTATE_PROCEEDING)
        m = t_next(host);
    if (m.dwMessageID != LINE_CALLINFO || m.hDevice != h ||
        m.dwParam1 != LINECALLINFOSTATE_CONNECTEDID)
        FAIL("host: expected LINE_CALLINFO(CONNECTEDID) of %08x, got %s(%08x %lx)", (unsigned)h,
             otMessageName(m.dwMessageID), (unsigned)m.hDevice, (unsigned long)m.dwParam1);
    t_expect_state(host, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
}

/* The party p answers the host's call h: CONNECTED on both sides. */
static HCALL party_answers(tapp *host, HCALL h, tapp *p, HLINE lp)
{
    HCALL hp = t_expect_offer(p, lp);
    LONG req = lineAnswer(hp, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(p, hp, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(p, req, 0);
    host_sees_answer(host, h);
    return hp;
}

/* The host dials dest on the consultation call hk; party p answers. */
static HCALL consult_reaches(tapp *host, HCALL hk, const char *dest, tapp *p, HLINE lp)
{
    LONG req = lineDial(hk, dest, 0);
    CHECK_REQ(req);
    t_expect_reply(host, req, 0);
    t_expect_state(host, hk, LINECALLSTATE_DIALING, 0);
    return party_answers(host, hk, p, lp);
}

/* host-bob connected, then lineSetupConference. */
static void sconf_setup(sconf *k)
{
    char dest[64];
    dest_of(k, 1, "bob", dest, sizeof(dest));
    k->hb_host = t_make_call(&k->host, k->lh, dest, NULL, 0);
    t_expect_state(&k->host, k->hb_host, LINECALLSTATE_DIALING, 0);
    k->hb = party_answers(&k->host, k->hb_host, &k->bob, k->lb);
    LONG req = lineSetupConference(k->hb_host, 0, &k->hconf, &k->hk, 3, NULL);
    CHECK_REQ(req);
    t_expect_reply(&k->host, req, 0);
    CHECK(k->hconf && k->hk && k->hconf != k->hk);
    t_expect_state(&k->host, k->hb_host, LINECALLSTATE_CONFERENCED, k->hconf);
    t_expect_state(&k->host, k->hconf, LINECALLSTATE_ONHOLDPENDCONF, 0);
    t_expect_state(&k->host, k->hk, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    /* bob waits on hold */
    t_expect_state(&k->bob, k->hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    t_expect_none(&k->bob);
}

/* host, bob and carol in one conference: two SIP calls, four dialogs. */
static void sconf_three(sconf *k)
{
    sh_reinvites base = sh_reinvites_now();
    sconf_setup(k);
    char dest[64];
    dest_of(k, 2, "carol", dest, sizeof(dest));
    k->hc = consult_reaches(&k->host, k->hk, dest, &k->carol, k->lc);
    LONG req = lineAddToConference(k->hconf, k->hk);
    CHECK_REQ(req);
    t_expect_state(&k->host, k->hk, LINECALLSTATE_CONFERENCED, k->hconf);
    t_expect_state(&k->host, k->hconf, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&k->host, req, 0);
    /* bob is taken off hold, in the conference */
    t_expect_state(&k->bob, k->hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    sh_wait_reinvites(base, 2, 2);
    sh_wait_dialogs(4);
    t_expect_none(&k->host);
    t_expect_none(&k->bob);
    t_expect_none(&k->carol);
}

static void dealloc_all(HCALL *h, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        CHECK_RC(lineDeallocateCall(h[i]), 0);
}

static const unsigned char bye_all[] = {0x04, 'b', 'y', 'e', ' ', 'a', 'l', 'l'};

/* lineDrop of the conference: a BYE to every party, each with the UUI. */
TEST_THREADED(sip_conf_drop_sends_bye_to_every_party)
{
    sconf k;
    sconf_init(&k);
    sconf_three(&k);
    LONG req = lineDrop(k.hconf, (LPCSTR)bye_all, sizeof(bye_all));
    CHECK_REQ(req);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hconf, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&k.host, req, 0);
    t_expect_callinfo(&k.bob, k.hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    sh_check_uui(k.hb, bye_all, sizeof(bye_all));
    t_expect_callinfo(&k.carol, k.hc, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    sh_check_uui(k.hc, bye_all, sizeof(bye_all));
    t_drop_idle(&k.bob, k.hb);
    t_drop_idle(&k.carol, k.hc);
    CHECK_RC(lineDrop(k.hconf, NULL, 0), LINEERR_INVALCALLSTATE);
    HCALL all[] = {k.hb_host, k.hk, k.hconf};
    dealloc_all(all, 3);
    sconf_done(&k);
}

/* The same drop with a monitor on the host's line and on each far end's: a
 * LINE_CALLSTATE for every call of the cascade on the monitor's own handle,
 * in the owners' order, the UUI readable on the far ends' monitor handles. */
TEST_THREADED(sip_conf_drop_monitors_host_and_far_ends)
{
    sconf k;
    sconf_init(&k);
    sconf_three(&k);
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

    LONG req = lineDrop(k.hconf, (LPCSTR)bye_all, sizeof(bye_all));
    CHECK_REQ(req);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hconf, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&k.host, req, 0);
    t_expect_state(&mh, mhs[0], LINECALLSTATE_IDLE, 0);
    t_expect_state(&mh, mhs[1], LINECALLSTATE_IDLE, 0);
    t_expect_state(&mh, mhs[2], LINECALLSTATE_IDLE, 0);
    t_expect_callinfo(&k.bob, k.hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_callinfo(&mb, mbh, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&mb, mbh, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    sh_check_uui(mbh, bye_all, sizeof(bye_all));
    t_expect_callinfo(&k.carol, k.hc, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_callinfo(&mc, mch, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&mc, mch, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    sh_check_uui(mch, bye_all, sizeof(bye_all));
    t_expect_none(&mh);
    t_expect_none(&mb);
    t_expect_none(&mc);
    t_drop_idle(&k.bob, k.hb);
    t_expect_state(&mb, mbh, LINECALLSTATE_IDLE, 0);
    t_drop_idle(&k.carol, k.hc);
    t_expect_state(&mc, mch, LINECALLSTATE_IDLE, 0);
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
    sconf_done(&k);
}

/* The host's line closed under a conference: its handles are gone, a BYE
 * goes to each party; monitors on the host's line see every call of the
 * conference go IDLE once, the parties' monitors see DISCONNECTED, then IDLE
 * when the party hangs up. */
TEST_THREADED(sip_conf_close_line_monitors_see_every_call)
{
    sconf k;
    sconf_init(&k);
    sconf_three(&k);
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
    t_expect_state_each(&mh, mhs, 3, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&mb, mbh, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&mc, mch, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_none(&mh);
    t_expect_none(&mb);
    t_expect_none(&mc);
    t_drop_idle(&k.bob, k.hb);
    t_expect_state(&mb, mbh, LINECALLSTATE_IDLE, 0);
    t_drop_idle(&k.carol, k.hc);
    t_expect_state(&mc, mch, LINECALLSTATE_IDLE, 0);
    dealloc_all(mhs, 3);
    dealloc_all(&mbh, 1);
    dealloc_all(&mch, 1);
    t_shutdown(&mh);
    t_shutdown(&mb);
    t_shutdown(&mc);
    sconf_done(&k);
}

/* lineRemoveFromConference in a conference of four: exactly one BYE (carol's
 * two dialogs end, the other four stay), the conference goes on; its drop
 * then reaches the two left. */
TEST_THREADED(sip_conf_remove_sends_one_bye)
{
    sconf k;
    sconf_init(&k);
    sconf_three(&k);
    HCALL hk2 = 0;
    sh_reinvites base = sh_reinvites_now();
    LONG req = linePrepareAddToConference(k.hconf, &hk2, NULL);
    CHECK_REQ(req);
    t_expect_reply(&k.host, req, 0);
    t_expect_state(&k.host, k.hconf, LINECALLSTATE_ONHOLDPENDCONF, 0);
    t_expect_state(&k.host, hk2, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    /* the conference waits: every party on hold */
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    char dest[64];
    dest_of(&k, 3, "dave", dest, sizeof(dest));
    HCALL hd = consult_reaches(&k.host, hk2, dest, &k.dave, k.ld);
    req = lineAddToConference(k.hconf, hk2);
    CHECK_REQ(req);
    t_expect_state(&k.host, hk2, LINECALLSTATE_CONFERENCED, k.hconf);
    t_expect_state(&k.host, k.hconf, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&k.host, req, 0);
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    sh_wait_reinvites(base, 4, 4);
    sh_wait_dialogs(6);

    req = lineRemoveFromConference(k.hk);
    CHECK_REQ(req);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&k.host, req, 0);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    sh_wait_dialogs(4);
    t_expect_none(&k.host);
    t_expect_none(&k.bob);
    t_expect_none(&k.dave);
    CHECK_EQ(t_state(k.hconf, NULL), LINECALLSTATE_CONNECTED);
    CHECK_EQ(t_state(k.hb, NULL), LINECALLSTATE_CONNECTED);
    CHECK_EQ(t_state(hd, NULL), LINECALLSTATE_CONNECTED);
    CHECK_RC(lineRemoveFromConference(k.hk), LINEERR_INVALCALLSTATE);
    t_drop_idle(&k.carol, k.hc);

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
    sconf_done(&k);
}

/* Removing one of two parties: one BYE, and the conference reverts to a
 * plain call (parent IDLE, bob's leg CONNECTED) that still talks. */
TEST(sip_conf_remove_of_three_reverts)
{
    sconf k;
    sconf_init(&k);
    sconf_three(&k);
    LONG req = lineRemoveFromConference(k.hk);
    CHECK_REQ(req);
    t_expect_state(&k.host, k.hk, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hconf, LINECALLSTATE_IDLE, 0);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&k.host, req, 0);
    t_expect_state(&k.carol, k.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    sh_wait_dialogs(2);
    t_expect_none(&k.bob);
    t_drop_idle(&k.carol, k.hc);
    LINECALLLIST list = {sizeof(list)};
    CHECK_RC(lineGetConfRelatedCalls(k.hb_host, &list), LINEERR_NOCONFERENCE);
    /* bob hangs up the plain call that is left */
    req = lineDrop(k.hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&k.bob, k.hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&k.bob, req, 0);
    t_expect_state(&k.host, k.hb_host, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&k.host, k.hb_host);
    HCALL all[] = {k.hk, k.hconf, k.hb};
    dealloc_all(all, 3);
    sconf_done(&k);
}

/* A party hangs up by itself: its leg is DISCONNECTED and leaves, the
 * conference of two reverts. */
TEST(sip_conf_party_hangs_up_reverts)
{
    sconf k;
    sconf_init(&k);
    sconf_three(&k);
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
    sconf_done(&k);
}

/* The parties are two SIPp user agents, which check on the wire that each
 * gets one BYE with the conference drop's User-to-User and
 * Reason: Q.850;cause=16; the first also that it was held (sendonly) while
 * the conference waited, and taken off hold (sendrecv) when it was made. */
TEST_THREADED(sip_conf_drop_sipp_parties)
{
    int port = sh_free_port(), p1 = sh_free_port(), p2 = sh_free_port();
    char text[256];
    snprintf(text, sizeof(text),
             "[line]\nprovider = sip\nname = host\nnumber = host\n"
             "uri = sip:host@127.0.0.1:%d\n",
             port);
    t_config(text);
    sproc s1, s2;
    sh_sipp_start(&s1, "uas_expect_bye_held.xml", p1, 0, 1, NULL);
    sh_sipp_start_another(&s2, "uas_expect_bye.xml", p2, 0, 1, NULL);
    tapp a;
    t_init(&a, "host");
    HLINE hl = t_open(&a, 0, LINECALLPRIVILEGE_OWNER);
    char d1[64], d2[64];
    snprintf(d1, sizeof(d1), "sip:sipp@127.0.0.1:%d", p1);
    snprintf(d2, sizeof(d2), "sip:sipp@127.0.0.1:%d", p2);
    sh_reinvites base = sh_reinvites_now();
    HCALL h1 = t_make_call(&a, hl, d1, NULL, 0);
    t_expect_state(&a, h1, LINECALLSTATE_DIALING, 0);
    sh_wait_state(&a, h1, LINECALLSTATE_CONNECTED);
    HCALL hconf = 0, hk = 0;
    LONG req = lineSetupConference(h1, 0, &hconf, &hk, 3, NULL);
    CHECK_REQ(req);
    t_expect_reply(&a, req, 0);
    t_expect_state(&a, h1, LINECALLSTATE_CONFERENCED, hconf);
    t_expect_state(&a, hconf, LINECALLSTATE_ONHOLDPENDCONF, 0);
    t_expect_state(&a, hk, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    req = lineDial(hk, d2, 0);
    CHECK_REQ(req);
    t_expect_reply(&a, req, 0);
    t_expect_state(&a, hk, LINECALLSTATE_DIALING, 0);
    sh_wait_state(&a, hk, LINECALLSTATE_CONNECTED);
    req = lineAddToConference(hconf, hk);
    CHECK_REQ(req);
    t_expect_state(&a, hk, LINECALLSTATE_CONFERENCED, hconf);
    t_expect_state(&a, hconf, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&a, req, 0);
    sh_wait_reinvites(base, 2, 0); /* the first party held, then taken off hold */
    static const unsigned char uui[] = {0x04, 'c', 'o', 'n', 'f'};
    req = lineDrop(hconf, (LPCSTR)uui, sizeof(uui));
    CHECK_REQ(req);
    t_expect_state(&a, h1, LINECALLSTATE_IDLE, 0);
    t_expect_state(&a, hk, LINECALLSTATE_IDLE, 0);
    t_expect_state(&a, hconf, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&a, req, 0);
    sh_expect_success(&s1, SH_SIPP_TIMEOUT_MS);
    sh_expect_success(&s2, SH_SIPP_TIMEOUT_MS);
    HCALL all[] = {h1, hk, hconf};
    dealloc_all(all, 3);
    sh_wait_dialogs(0);
    t_expect_none(&a);
    t_shutdown(&a);
}
