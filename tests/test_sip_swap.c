/* lineSwapHold on SIP lines (src/providers/sip/siphold.c, docs/sip.md
 * "Swap hold"): the active call is held (re-INVITE sendonly), then the held
 * one taken off hold (re-INVITE sendrecv); the states change after both
 * 2xx.  Between three opentapi SIP lines of this process (the far parties
 * see the wire: ACTIVEHELD / ACTIVE; a monitor of the swapping line sees
 * every state) and against two SIPp peers, which check each SDP on the wire
 * and refuse a re-INVITE where the test wants the roll-back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/providers/sip/sip.h"
#include "sip_helpers.h"

static void expect_mode(HCALL h, DWORD state, DWORD mode)
{
    DWORD m = 0;
    CHECK_EQ(t_state(h, &m), state);
    CHECK_EQ(m, mode);
}

static DWORD call_features(HCALL h)
{
    LINECALLSTATUS s;
    t_status(h, &s);
    return s.dwCallFeatures;
}

/* The caller's side of an answer: PROCEEDING if a 100 came first, the
 * connected party, CONNECTED/ACTIVE. */
static void caller_sees_answer(tapp *a, HCALL h)
{
    LINEMESSAGE m = t_next(a);
    if (m.dwMessageID == LINE_CALLSTATE && m.hDevice == h &&
        m.dwParam1 == LINECALLSTATE_PROCEEDING)
        m = t_next(a);
    if (m.dwMessageID != LINE_CALLINFO || m.hDevice != h ||
        m.dwParam1 != LINECALLINFOSTATE_CONNECTEDID)
        FAIL("expected LINE_CALLINFO(CONNECTEDID) of %08x, got %s(%08x %lx)", (unsigned)h,
             otMessageName(m.dwMessageID), (unsigned)m.hDevice, (unsigned long)m.dwParam1);
    t_expect_state(a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
}

/* ---- three opentapi lines: alice talks to bob and carol --------------------------- */
typedef struct trio {
    tapp alice, bob, carol;
    HLINE la, lb, lc;
    int port[3];
} trio;

static void trio_init(trio *t)
{
    memset(t, 0, sizeof(*t));
    static const char *const names[] = {"alice", "bob", "carol"};
    char text[1200];
    size_t n = 0;
    for (int i = 0; i < 3; i++) {
        t->port[i] = sh_free_port();
        n += (size_t)snprintf(text + n, sizeof(text) - n,
                              "[line]\nprovider = sip\nname = %s\nnumber = %s\n"
                              "uri = sip:%s@127.0.0.1:%d\n",
                              names[i], names[i], names[i], t->port[i]);
    }
    t_config(text);
    t_init(&t->alice, "alice");
    t_init(&t->bob, "bob");
    t_init(&t->carol, "carol");
    t->la = t_open(&t->alice, 0, LINECALLPRIVILEGE_OWNER);
    t->lb = t_open(&t->bob, 1, LINECALLPRIVILEGE_OWNER);
    t->lc = t_open(&t->carol, 2, LINECALLPRIVILEGE_OWNER);
}

/* alice calls party i (tapp p, line lp), which answers. */
static void trio_call(trio *t, int i, const char *name, tapp *p, HLINE lp, HCALL *ha, HCALL *hp)
{
    char dest[64];
    snprintf(dest, sizeof(dest), "sip:%s@127.0.0.1:%d", name, t->port[i]);
    *ha = t_make_call(&t->alice, t->la, dest, NULL, 0);
    t_expect_state(&t->alice, *ha, LINECALLSTATE_DIALING, 0);
    *hp = t_expect_offer(p, lp);
    LONG req = lineAnswer(*hp, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(p, *hp, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(p, req, 0);
    caller_sees_answer(&t->alice, *ha);
}

/* alice: bob held (lineHold), carol active.  Swap: carol held, bob
 * CONNECTED, then the reply; bob sees ACTIVE again, carol ACTIVEHELD; the
 * monitor of alice's line sees both states.  Swap back.  Wrong states and
 * a swap already running are refused; lineHold of a call in a swap too. */
TEST_THREADED(sip_swap_hold_between_lines)
{
    trio t;
    trio_init(&t);
    HCALL hab, hb, hac, hc;
    trio_call(&t, 1, "bob", &t.bob, t.lb, &hab, &hb);
    CHECK_EQ(call_features(hab) & LINECALLFEATURE_SWAPHOLD, 0); /* nothing held */
    sh_reinvites base = sh_reinvites_now();
    LONG req = lineHold(hab);
    CHECK_REQ(req);
    t_expect_state(&t.alice, hab, LINECALLSTATE_ONHOLD, 0);
    t_expect_reply(&t.alice, req, 0);
    t_expect_state(&t.bob, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    sh_wait_reinvites(base, 1, 1);
    trio_call(&t, 2, "carol", &t.carol, t.lc, &hac, &hc);
    CHECK(call_features(hac) & LINECALLFEATURE_SWAPHOLD);
    CHECK(call_features(hab) & LINECALLFEATURE_SWAPHOLD);
    CHECK_EQ(call_features(hb) & LINECALLFEATURE_SWAPHOLD, 0); /* bob has one call */

    tapp mon;
    t_init(&mon, "alice-monitor");
    HLINE lm = t_open(&mon, 0, LINECALLPRIVILEGE_MONITOR);
    HCALL owners[2] = {hab, hac}, mons[2];
    t_monitor_handles(lm, owners, mons, 2);
    t_expect_callinfo_each(&t.alice, owners, 2, LINECALLINFOSTATE_NUMMONITORS);

    /* refused before anything is sent */
    CHECK_RC(lineSwapHold(hab, hac), LINEERR_INVALCALLSTATE); /* the wrong way round */
    CHECK_RC(lineSwapHold(hac, hac), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineSwapHold(mons[1], mons[0]), LINEERR_NOTOWNER);
    CHECK_RC(lineSwapHold(hac, hb), LINEERR_INVALCALLHANDLE); /* bob's */

    base = sh_reinvites_now();
    req = lineSwapHold(hac, hab);
    CHECK_REQ(req);
    CHECK_RC(lineSwapHold(hac, hab), LINEERR_INVALCALLSTATE); /* one at a time */
    CHECK_RC(lineHold(hac), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineUnhold(hab), LINEERR_INVALCALLSTATE);
    HCALL hx = 0, hy = 0;
    CHECK_RC(lineSetupConference(hac, 0, &hx, &hy, 3, NULL), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineSetupTransfer(hac, &hx, NULL), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineBlindTransfer(hac, "sip:dave@127.0.0.1:9", 0), LINEERR_INVALCALLSTATE);
    CHECK(hx == 0 && hy == 0);
    t_expect_state(&t.alice, hac, LINECALLSTATE_ONHOLD, 0);
    t_expect_state(&t.alice, hab, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&t.alice, req, 0);
    t_expect_state(&mon, mons[1], LINECALLSTATE_ONHOLD, 0);
    t_expect_state(&mon, mons[0], LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    /* carol was held before bob was taken off hold */
    t_expect_state(&t.carol, hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    t_expect_state(&t.bob, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    sh_wait_reinvites(base, 2, 2);
    CHECK(call_features(hac) & LINECALLFEATURE_SWAPHOLD);

    /* and back */
    req = lineSwapHold(hab, hac);
    CHECK_REQ(req);
    t_expect_state(&t.alice, hab, LINECALLSTATE_ONHOLD, 0);
    t_expect_state(&t.alice, hac, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&t.alice, req, 0);
    t_expect_state(&mon, mons[0], LINECALLSTATE_ONHOLD, 0);
    t_expect_state(&mon, mons[1], LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&t.bob, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    t_expect_state(&t.carol, hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    sh_wait_reinvites(base, 4, 4);
    t_expect_none(&t.alice);
    t_expect_none(&t.bob);
    t_expect_none(&t.carol);
    t_expect_none(&mon);

    /* the parties hang up */
    req = lineDrop(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&t.bob, hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&t.bob, req, 0);
    t_expect_state(&t.alice, hab, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&mon, mons[0], LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    CHECK_EQ(call_features(hac) & LINECALLFEATURE_SWAPHOLD, 0); /* nothing held any more */
    req = lineDrop(hc, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&t.carol, hc, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&t.carol, req, 0);
    t_expect_state(&t.alice, hac, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&mon, mons[1], LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&t.alice, hab);
    t_drop_idle(&t.alice, hac);
    t_expect_state(&mon, mons[0], LINECALLSTATE_IDLE, 0);
    t_expect_state(&mon, mons[1], LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(mons[0]), 0);
    CHECK_RC(lineDeallocateCall(mons[1]), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    CHECK_RC(lineDeallocateCall(hc), 0);
    sh_wait_dialogs(0);
    t_expect_none(&t.alice);
    t_expect_none(&t.bob);
    t_expect_none(&t.carol);
    t_expect_none(&mon);
    t_shutdown(&mon);
    t_shutdown(&t.alice);
    t_shutdown(&t.bob);
    t_shutdown(&t.carol);
}

/* A drop of the held call while the swap runs: the swap fails
 * (LINEERR_INVALCALLSTATE) before the drop's IDLE, and the active call,
 * held on the wire meanwhile, is taken off hold again (carol sees
 * ACTIVEHELD, then ACTIVE): its wire follows its TAPI state, CONNECTED. */
TEST(sip_swap_hold_held_call_dropped_meanwhile)
{
    trio t;
    trio_init(&t);
    HCALL hab, hb, hac, hc;
    trio_call(&t, 1, "bob", &t.bob, t.lb, &hab, &hb);
    LONG req = lineHold(hab);
    CHECK_REQ(req);
    t_expect_state(&t.alice, hab, LINECALLSTATE_ONHOLD, 0);
    t_expect_reply(&t.alice, req, 0);
    t_expect_state(&t.bob, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    trio_call(&t, 2, "carol", &t.carol, t.lc, &hac, &hc);
    sh_reinvites base = sh_reinvites_now();
    LONG swap = lineSwapHold(hac, hab);
    CHECK_REQ(swap);
    req = lineDrop(hab, NULL, 0);
    CHECK_REQ(req);
    t_expect_reply(&t.alice, swap, LINEERR_INVALCALLSTATE);
    t_expect_state(&t.alice, hab, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&t.alice, req, 0);
    /* bob may have been taken off hold before the BYE (the swap's second
     * re-INVITE, when carol's 200 came before the drop) */
    sh_wait_state(&t.bob, hb, LINECALLSTATE_DISCONNECTED);
    t_drop_idle(&t.bob, hb);
    t_expect_state(&t.carol, hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    t_expect_state(&t.carol, hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    sh_wait_reinvites(base, 2, 2);
    expect_mode(hac, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_none(&t.alice);
    CHECK_RC(lineDeallocateCall(hab), 0);
    req = lineDrop(hac, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&t.alice, hac, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&t.alice, req, 0);
    t_expect_state(&t.carol, hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&t.carol, hc);
    CHECK_RC(lineDeallocateCall(hac), 0);
    sh_wait_dialogs(0);
    t_expect_none(&t.alice);
    t_expect_none(&t.bob);
    t_expect_none(&t.carol);
    t_shutdown(&t.alice);
    t_shutdown(&t.bob);
    t_shutdown(&t.carol);
}

/* A transfer's pair: alice's lineSetupTransfer holds bob
 * (ONHOLDPENDTRANSFER; on the wire sendonly: bob sees ACTIVEHELD), her
 * consultation call reaches carol.  The swap is the plain one on the wire
 * (carol held first, then bob taken off hold): the consultation call waits
 * (ONHOLDPENDTRANSFER), bob's call is CONNECTED, and the roles follow:
 * dropping bob's call, now the consultation call, gives carol's back
 * (CONNECTED, as the transfer's held call, and off hold on the wire). */
TEST(sip_swap_hold_in_a_transfer)
{
    trio t;
    trio_init(&t);
    HCALL hab, hb, hc;
    trio_call(&t, 1, "bob", &t.bob, t.lb, &hab, &hb);
    tapp mon;
    t_init(&mon, "alice-monitor");
    HLINE lm = t_open(&mon, 0, LINECALLPRIVILEGE_MONITOR);
    HCALL mb;
    t_monitor_handles(lm, &hab, &mb, 1);
    t_expect_callinfo(&t.alice, hab, LINECALLINFOSTATE_NUMMONITORS);
    HCALL hk = 0;
    sh_reinvites base = sh_reinvites_now();
    LONG req = lineSetupTransfer(hab, &hk, NULL);
    CHECK_REQ(req);
    t_expect_reply(&t.alice, req, 0);
    t_expect_state(&t.alice, hab, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    t_expect_state(&t.alice, hk, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    t_expect_state(&t.bob, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    sh_wait_reinvites(base, 1, 1);
    /* the monitor gets a handle of the consultation call at once */
    LINEMESSAGE m = t_next(&mon);
    CHECK_EQ(m.dwMessageID, LINE_CALLSTATE);
    CHECK_EQ(m.dwParam3, LINECALLPRIVILEGE_MONITOR);
    HCALL mk = (HCALL)m.hDevice;
    CHECK(mk != mb);
    t_expect_state(&mon, mb, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    char dest[64];
    snprintf(dest, sizeof(dest), "sip:carol@127.0.0.1:%d", t.port[2]);
    req = lineDial(hk, dest, 0);
    CHECK_REQ(req);
    t_expect_reply(&t.alice, req, 0);
    t_expect_state(&t.alice, hk, LINECALLSTATE_DIALING, 0);
    hc = t_expect_offer(&t.carol, t.lc);
    LONG ans = lineAnswer(hc, NULL, 0);
    CHECK_REQ(ans);
    t_expect_state(&t.carol, hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&t.carol, ans, 0);
    caller_sees_answer(&t.alice, hk);
    sh_wait_state(&mon, mk, LINECALLSTATE_CONNECTED); /* through its other states */
    t_expect_none(&mon);
    CHECK(call_features(hk) & LINECALLFEATURE_SWAPHOLD);
    CHECK(call_features(hab) & LINECALLFEATURE_SWAPHOLD);

    base = sh_reinvites_now();
    req = lineSwapHold(hk, hab);
    CHECK_REQ(req);
    CHECK_RC(lineSwapHold(hk, hab), LINEERR_INVALCALLSTATE); /* one at a time */
    CHECK_RC(lineCompleteTransfer(hab, hk, NULL, LINETRANSFERMODE_TRANSFER),
             LINEERR_INVALCALLSTATE);
    t_expect_state(&t.alice, hk, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    t_expect_state(&t.alice, hab, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&t.alice, req, 0);
    t_expect_state(&mon, mk, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    t_expect_state(&mon, mb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    CHECK_RC(lineSwapHold(hk, hab), LINEERR_INVALCALLSTATE); /* the wrong way now */
    /* carol was held before bob was taken off hold */
    t_expect_state(&t.carol, hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    t_expect_state(&t.bob, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    sh_wait_reinvites(base, 2, 2);
    t_expect_none(&t.bob);
    t_expect_none(&t.carol);

    /* bob's call is the consultation call now: its end gives carol's back */
    req = lineDrop(hab, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&t.alice, hab, LINECALLSTATE_IDLE, 0);
    t_expect_state(&t.alice, hk, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&t.alice, req, 0);
    t_expect_state(&mon, mb, LINECALLSTATE_IDLE, 0);
    t_expect_state(&mon, mk, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&t.bob, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&t.bob, hb);
    CHECK_RC(lineDeallocateCall(hab), 0);
    t_expect_state(&t.carol, hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    sh_wait_reinvites(base, 3, 3); /* carol off hold */
    req = lineDrop(hk, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&t.alice, hk, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&t.alice, req, 0);
    t_expect_state(&mon, mk, LINECALLSTATE_IDLE, 0);
    t_expect_state(&t.carol, hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&t.carol, hc);
    CHECK_RC(lineDeallocateCall(hk), 0);
    CHECK_RC(lineDeallocateCall(mb), 0);
    CHECK_RC(lineDeallocateCall(mk), 0);
    sh_wait_dialogs(0);
    t_expect_none(&t.alice);
    t_expect_none(&t.bob);
    t_expect_none(&t.carol);
    t_expect_none(&mon);
    t_shutdown(&mon);
    t_shutdown(&t.alice);
    t_shutdown(&t.bob);
    t_shutdown(&t.carol);
}

/* The roles follow the swap into lineCompleteTransfer: after the swap,
 * completing with (carol's call, now waiting; bob's, now active) sends carol
 * the REFER with bob's dialog as Replaces: carol's new call replaces
 * alice's at bob, and alice's two calls end. */
TEST(sip_swap_hold_then_complete_transfer)
{
    trio t;
    trio_init(&t);
    HCALL hab, hb, hc, hk = 0;
    trio_call(&t, 1, "bob", &t.bob, t.lb, &hab, &hb);
    sh_reinvites base = sh_reinvites_now();
    LONG req = lineSetupTransfer(hab, &hk, NULL);
    CHECK_REQ(req);
    t_expect_reply(&t.alice, req, 0);
    t_expect_state(&t.alice, hab, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    t_expect_state(&t.alice, hk, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    t_expect_state(&t.bob, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    sh_wait_reinvites(base, 1, 1);
    char dest[64];
    snprintf(dest, sizeof(dest), "sip:carol@127.0.0.1:%d", t.port[2]);
    req = lineDial(hk, dest, 0);
    CHECK_REQ(req);
    t_expect_reply(&t.alice, req, 0);
    t_expect_state(&t.alice, hk, LINECALLSTATE_DIALING, 0);
    hc = t_expect_offer(&t.carol, t.lc);
    LONG ans = lineAnswer(hc, NULL, 0);
    CHECK_REQ(ans);
    t_expect_state(&t.carol, hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&t.carol, ans, 0);
    caller_sees_answer(&t.alice, hk);
    req = lineSwapHold(hk, hab);
    CHECK_REQ(req);
    t_expect_state(&t.alice, hk, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    t_expect_state(&t.alice, hab, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&t.alice, req, 0);
    t_expect_state(&t.carol, hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    t_expect_state(&t.bob, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    sh_wait_reinvites(base, 3, 3);

    /* carol, held, gets the REFER */
    req = lineCompleteTransfer(hk, hab, NULL, LINETRANSFERMODE_TRANSFER);
    CHECK_REQ(req);
    /* carol: a new call for the REFER, related to her call with alice */
    HCALL hn = t_expect_newcall(&t.carol, t.lc, LINECALLPRIVILEGE_OWNER);
    t_expect_state_priv(&t.carol, hn, LINECALLSTATE_DIALING, 0, LINECALLPRIVILEGE_OWNER);
    tcallinfo ci;
    t_callinfo(hn, &ci);
    CHECK_EQ(ci.ci.dwReason, LINECALLREASON_TRANSFER);
    CHECK_EQ(ci.ci.dwRelatedCallID, t_call_id(hc));
    /* bob: the replacing call, answered by the line; alice's call ends */
    HCALL hb2 = t_expect_offer(&t.bob, t.lb);
    t_callinfo(hb2, &ci);
    CHECK_EQ(ci.ci.dwReason, LINECALLREASON_TRANSFER);
    CHECK_EQ(ci.ci.dwRelatedCallID, t_call_id(hb));
    CHECK(!strcmp(t_ci_str(&ci, ci.ci.dwCallerIDSize, ci.ci.dwCallerIDOffset), "carol"));
    t_expect_state(&t.bob, hb2, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&t.bob, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&t.bob, hb);
    sh_wait_state(&t.carol, hn, LINECALLSTATE_CONNECTED);
    /* alice: the REFER's progress on the waiting call, both calls IDLE, the reply */
    sh_wait_state(&t.alice, hk, LINECALLSTATE_IDLE);
    t_expect_state(&t.alice, hab, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&t.alice, req, 0);
    CHECK_RC(lineDeallocateCall(hk), 0);
    CHECK_RC(lineDeallocateCall(hab), 0);
    t_expect_state(&t.carol, hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&t.carol, hc);
    /* bob and carol talk; bob hangs up */
    sh_drop_idle_uui(&t.bob, hb2, NULL, 0);
    t_expect_state(&t.carol, hn, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&t.carol, hn);
    sh_wait_dialogs(0);
    sh_reinvites now = sh_reinvites_now();
    CHECK_EQ(now.answered, base.answered + 3); /* nothing took carol off hold */
    CHECK_EQ(now.received, base.received + 3);
    t_expect_none(&t.alice);
    t_expect_none(&t.bob);
    t_expect_none(&t.carol);
    t_shutdown(&t.alice);
    t_shutdown(&t.bob);
    t_shutdown(&t.carol);
}

/* ---- against two SIPp peers ------------------------------------------------------ */
/* The line calls SIPp 1 (held with lineHold) and SIPp 2 (active), then
 * swaps; scen1 / scen2 say what each SIPp accepts.  A monitor of the line
 * (mon) has handles m[0], m[1] of the calls.  Returns the swap's request;
 * h1, h2 the calls. */
static LONG sipp_swap(tapp *a, HLINE *hl, sproc *s1, const char *scen1, sproc *s2,
                      const char *scen2, HCALL *h1, HCALL *h2, tapp *mon, HCALL m[2])
{
    int port = sh_free_port(), p1 = sh_free_port(), p2 = sh_free_port();
    sh_config_line(port, NULL);
    sh_sipp_start(s1, scen1, p1, 0, 1, NULL);
    sh_sipp_start_another(s2, scen2, p2, 0, 1, NULL);
    sh_app_open(a, hl);
    char d1[64], d2[64];
    snprintf(d1, sizeof(d1), "sip:sipp@127.0.0.1:%d", p1);
    snprintf(d2, sizeof(d2), "sip:sipp@127.0.0.1:%d", p2);
    *h1 = t_make_call(a, *hl, d1, NULL, 0);
    t_expect_state(a, *h1, LINECALLSTATE_DIALING, 0);
    sh_wait_state(a, *h1, LINECALLSTATE_CONNECTED);
    LONG req = lineHold(*h1);
    CHECK_REQ(req);
    t_expect_state(a, *h1, LINECALLSTATE_ONHOLD, 0);
    t_expect_reply(a, req, 0);
    *h2 = t_make_call(a, *hl, d2, NULL, 0);
    t_expect_state(a, *h2, LINECALLSTATE_DIALING, 0);
    sh_wait_state(a, *h2, LINECALLSTATE_CONNECTED);
    t_expect_none(a);
    CHECK(call_features(*h2) & LINECALLFEATURE_SWAPHOLD);
    t_init(mon, "monitor");
    HLINE lm = t_open(mon, 0, LINECALLPRIVILEGE_MONITOR);
    HCALL owners[2] = {*h1, *h2};
    t_monitor_handles(lm, owners, m, 2);
    t_expect_callinfo_each(a, owners, 2, LINECALLINFOSTATE_NUMMONITORS);
    req = lineSwapHold(*h2, *h1);
    CHECK_REQ(req);
    return req;
}

static void sipp_done(tapp *a, HCALL h1, HCALL h2, sproc *s1, sproc *s2, tapp *mon, HCALL m[2])
{
    t_expect_none(mon);
    sh_drop_idle_uui(a, h1, NULL, 0);
    sh_drop_idle_uui(a, h2, NULL, 0);
    t_expect_state(mon, m[0], LINECALLSTATE_IDLE, 0);
    t_expect_state(mon, m[1], LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(m[0]), 0);
    CHECK_RC(lineDeallocateCall(m[1]), 0);
    t_expect_none(mon);
    t_shutdown(mon);
    sh_expect_success(s1, SH_SIPP_TIMEOUT_MS);
    sh_finish(a, s2);
}

/* Both accept: SIPp 2 gets sendonly (version 2), then SIPp 1 sendrecv
 * (version 3); SIPp 2 is taken off hold later with lineUnhold (sendrecv,
 * version 3), as uas_hold.xml checks. */
TEST(sip_swap_hold_sipp)
{
    tapp a, mon;
    HLINE hl;
    sproc s1, s2;
    HCALL h1, h2, m[2];
    sh_reinvites base = sh_reinvites_now();
    LONG req = sipp_swap(&a, &hl, &s1, "uas_hold.xml", &s2, "uas_hold.xml", &h1, &h2, &mon, m);
    t_expect_state(&a, h2, LINECALLSTATE_ONHOLD, 0);
    t_expect_state(&a, h1, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&a, req, 0);
    t_expect_state(&mon, m[1], LINECALLSTATE_ONHOLD, 0);
    t_expect_state(&mon, m[0], LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    sh_wait_reinvites(base, 3, 0);
    req = lineUnhold(h2);
    CHECK_REQ(req);
    t_expect_state(&a, h2, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&a, req, 0);
    t_expect_state(&mon, m[1], LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    sipp_done(&a, h1, h2, &s1, &s2, &mon, m);
}

/* SIPp 2 refuses the hold (488): LINEERR_OPERATIONFAILED, nothing changed,
 * and SIPp 1 gets no re-INVITE (its next one is lineUnhold's, version 3). */
TEST(sip_swap_hold_sipp_first_refused)
{
    tapp a, mon;
    HLINE hl;
    sproc s1, s2;
    HCALL h1, h2, m[2];
    const char *subst[] = {"STATUS", "488", "PHRASE", "Not Acceptable Here", NULL};
    sh_reinvites base = sh_reinvites_now();
    LONG req = sipp_swap(&a, &hl, &s1, "uas_hold.xml", &s2,
                         sh_sipp_template("uas_hold_refused.xml", subst), &h1, &h2, &mon, m);
    t_expect_reply(&a, req, LINEERR_OPERATIONFAILED);
    sh_wait_reinvites(base, 2, 0);
    t_expect_none(&a);
    expect_mode(h1, LINECALLSTATE_ONHOLD, 0);
    expect_mode(h2, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    CHECK(call_features(h2) & LINECALLFEATURE_SWAPHOLD);
    t_expect_none(&mon); /* nothing changed */
    req = lineUnhold(h1);
    CHECK_REQ(req);
    t_expect_state(&a, h1, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&a, req, 0);
    t_expect_state(&mon, m[0], LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    sipp_done(&a, h1, h2, &s1, &s2, &mon, m);
}

/* SIPp 1 refuses the unhold (488): SIPp 2, held meanwhile, is taken off
 * hold again (the roll-back: sendrecv, version 3, uas_hold.xml), then the
 * request fails with LINEERR_OPERATIONFAILED and no state changed. */
TEST(sip_swap_hold_sipp_second_refused_rolls_back)
{
    tapp a, mon;
    HLINE hl;
    sproc s1, s2;
    HCALL h1, h2, m[2];
    sh_reinvites base = sh_reinvites_now();
    LONG req = sipp_swap(&a, &hl, &s1, "uas_hold_unhold_refused.xml", &s2, "uas_hold.xml", &h1,
                         &h2, &mon, m);
    t_expect_reply(&a, req, LINEERR_OPERATIONFAILED);
    sh_wait_reinvites(base, 4, 0);
    t_expect_none(&a);
    expect_mode(h1, LINECALLSTATE_ONHOLD, 0);
    expect_mode(h2, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    sipp_done(&a, h1, h2, &s1, &s2, &mon, m);
}

/* Both refuse taking off hold: the roll-back fails too; SIPp 2 stays held on
 * the wire, so its call goes ONHOLD here before the reply
 * (LINEERR_OPERATIONFAILED): both calls ONHOLD, as the wire is. */
TEST(sip_swap_hold_sipp_rollback_refused)
{
    tapp a, mon;
    HLINE hl;
    sproc s1, s2;
    HCALL h1, h2, m[2];
    sh_reinvites base = sh_reinvites_now();
    LONG req = sipp_swap(&a, &hl, &s1, "uas_hold_unhold_refused.xml", &s2,
                         "uas_hold_unhold_refused.xml", &h1, &h2, &mon, m);
    t_expect_state(&a, h2, LINECALLSTATE_ONHOLD, 0);
    t_expect_reply(&a, req, LINEERR_OPERATIONFAILED);
    t_expect_state(&mon, m[1], LINECALLSTATE_ONHOLD, 0);
    sh_wait_reinvites(base, 4, 0);
    t_expect_none(&a);
    expect_mode(h1, LINECALLSTATE_ONHOLD, 0);
    CHECK_EQ(call_features(h1) & LINECALLFEATURE_SWAPHOLD, 0); /* nothing active */
    CHECK(call_features(h2) & LINECALLFEATURE_UNHOLD);
    sipp_done(&a, h1, h2, &s1, &s2, &mon, m);
}

/* A transfer's pair against SIPp: lineSetupTransfer holds SIPp 1 on the
 * wire (sendonly, version 2), the consultation call reaches SIPp 2.  The
 * swap holds SIPp 2 (sendonly, version 2), then SIPp 1 refuses the unhold
 * (488): the roll-back takes SIPp 2 off hold (sendrecv, version 3), and the
 * request fails with LINEERR_OPERATIONFAILED, the roles unchanged. */
TEST(sip_swap_hold_sipp_transfer_second_refused_rolls_back)
{
    int port = sh_free_port(), p1 = sh_free_port(), p2 = sh_free_port();
    sh_config_line(port, NULL);
    sproc s1, s2;
    sh_sipp_start(&s1, "uas_hold_unhold_refused.xml", p1, 0, 1, NULL);
    sh_sipp_start_another(&s2, "uas_hold.xml", p2, 0, 1, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    char d1[64], d2[64];
    snprintf(d1, sizeof(d1), "sip:sipp@127.0.0.1:%d", p1);
    snprintf(d2, sizeof(d2), "sip:sipp@127.0.0.1:%d", p2);
    HCALL h1 = t_make_call(&a, hl, d1, NULL, 0);
    t_expect_state(&a, h1, LINECALLSTATE_DIALING, 0);
    sh_wait_state(&a, h1, LINECALLSTATE_CONNECTED);
    sh_reinvites base = sh_reinvites_now();
    HCALL hk = 0;
    LONG req = lineSetupTransfer(h1, &hk, NULL);
    CHECK_REQ(req);
    t_expect_reply(&a, req, 0);
    t_expect_state(&a, h1, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    t_expect_state(&a, hk, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    sh_wait_reinvites(base, 1, 0); /* SIPp 1 held */
    req = lineDial(hk, d2, 0);
    CHECK_REQ(req);
    t_expect_reply(&a, req, 0);
    t_expect_state(&a, hk, LINECALLSTATE_DIALING, 0);
    sh_wait_state(&a, hk, LINECALLSTATE_CONNECTED);
    t_expect_none(&a);
    req = lineSwapHold(hk, h1);
    CHECK_REQ(req);
    t_expect_reply(&a, req, LINEERR_OPERATIONFAILED);
    sh_wait_reinvites(base, 4, 0); /* hold 2, unhold 1 refused, roll-back 2 */
    t_expect_none(&a);
    expect_mode(h1, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    expect_mode(hk, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    /* the roles stayed: the consultation call completes the transfer */
    CHECK(call_features(h1) & LINECALLFEATURE_COMPLETETRANSF);
    sh_drop_idle_uui(&a, h1, NULL, 0);
    sh_drop_idle_uui(&a, hk, NULL, 0);
    sh_expect_success(&s1, SH_SIPP_TIMEOUT_MS);
    sh_finish(&a, &s2);
}

/* As above, and SIPp 2 refuses the roll-back too: the consultation call
 * keeps its role and state (CONNECTED: no ONHOLD as for plain calls, which
 * would leave the pair with nothing active), and the wire is asked once
 * more for what that state says: SIPp 2 accepts the second sendrecv
 * (uas_hold_unhold_refused_once.xml).  The request fails with
 * LINEERR_OPERATIONFAILED. */
TEST(sip_swap_hold_sipp_transfer_rollback_refused)
{
    int port = sh_free_port(), p1 = sh_free_port(), p2 = sh_free_port();
    sh_config_line(port, NULL);
    sproc s1, s2;
    sh_sipp_start(&s1, "uas_hold_unhold_refused.xml", p1, 0, 1, NULL);
    sh_sipp_start_another(&s2, "uas_hold_unhold_refused_once.xml", p2, 0, 1, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    char d1[64], d2[64];
    snprintf(d1, sizeof(d1), "sip:sipp@127.0.0.1:%d", p1);
    snprintf(d2, sizeof(d2), "sip:sipp@127.0.0.1:%d", p2);
    HCALL h1 = t_make_call(&a, hl, d1, NULL, 0);
    t_expect_state(&a, h1, LINECALLSTATE_DIALING, 0);
    sh_wait_state(&a, h1, LINECALLSTATE_CONNECTED);
    sh_reinvites base = sh_reinvites_now();
    HCALL hk = 0;
    LONG req = lineSetupTransfer(h1, &hk, NULL);
    CHECK_REQ(req);
    t_expect_reply(&a, req, 0);
    t_expect_state(&a, h1, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    t_expect_state(&a, hk, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    sh_wait_reinvites(base, 1, 0);
    req = lineDial(hk, d2, 0);
    CHECK_REQ(req);
    t_expect_reply(&a, req, 0);
    t_expect_state(&a, hk, LINECALLSTATE_DIALING, 0);
    sh_wait_state(&a, hk, LINECALLSTATE_CONNECTED);
    t_expect_none(&a);
    req = lineSwapHold(hk, h1);
    CHECK_REQ(req);
    t_expect_reply(&a, req, LINEERR_OPERATIONFAILED);
    /* hold 2, unhold 1 refused, roll-back 2 refused, sendrecv 2 again */
    sh_wait_reinvites(base, 5, 0);
    t_expect_none(&a);
    expect_mode(h1, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    expect_mode(hk, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    sh_drop_idle_uui(&a, h1, NULL, 0);
    sh_drop_idle_uui(&a, hk, NULL, 0);
    sh_expect_success(&s1, SH_SIPP_TIMEOUT_MS);
    sh_finish(&a, &s2);
}
