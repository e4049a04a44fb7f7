/* Transfers on SIP lines (src/providers/sip/sipxfer.c, docs/sip.md
 * "Transfers"): three opentapi SIP lines of one process, alice (0), bob (1)
 * and carol (2): alice calls bob, bob transfers alice to carol, blind (REFER)
 * or attended (REFER with Replaces).  Against SIPp: test_sip_xfer_sipp.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/providers/sip/sip.h"
#include "sip_helpers.h"

struct trio {
    tapp a, b, c, m; /* m: a monitor of alice's line */
    HLINE la, lb, lc, lm;
    int pa, pb, pc;
    char to_bob[64], to_carol[64];
};

static void trio_init(struct trio *t)
{
    t->pa = sh_free_port(), t->pb = sh_free_port(), t->pc = sh_free_port();
    char text[1024];
    snprintf(text, sizeof(text),
             "[line]\nprovider = sip\nnumber = alice\nuri = sip:alice@127.0.0.1:%d\n"
             "[line]\nprovider = sip\nnumber = bob\nuri = sip:bob@127.0.0.1:%d\n"
             "display = Bob B\n"
             "[line]\nprovider = sip\nnumber = carol\nuri = sip:carol@127.0.0.1:%d\n",
             t->pa, t->pb, t->pc);
    t_config(text);
    snprintf(t->to_bob, sizeof(t->to_bob), "sip:bob@127.0.0.1:%d", t->pb);
    snprintf(t->to_carol, sizeof(t->to_carol), "sip:carol@127.0.0.1:%d", t->pc);
    t_init(&t->a, "alice");
    t_init(&t->b, "bob");
    t_init(&t->c, "carol");
    t_init(&t->m, "monitor");
    t->la = t_open(&t->a, 0, LINECALLPRIVILEGE_OWNER);
    t->lb = t_open(&t->b, 1, LINECALLPRIVILEGE_OWNER);
    t->lc = t_open(&t->c, 2, LINECALLPRIVILEGE_OWNER);
    t->lm = t_open(&t->m, 0, LINECALLPRIVILEGE_MONITOR);
}

static void trio_done(struct trio *t)
{
    sh_wait_dialogs(0);
    t_shutdown(&t->a);
    t_shutdown(&t->b);
    t_shutdown(&t->c);
    t_shutdown(&t->m);
}

/* caller calls dest, callee answers: both CONNECTED, queues empty. */
static void connect_call(tapp *caller, HLINE lcaller, tapp *callee, HLINE lcallee,
                         const char *dest, HCALL *hr, HCALL *he)
{
    *hr = t_make_call(caller, lcaller, dest, NULL, 0);
    t_expect_state(caller, *hr, LINECALLSTATE_DIALING, 0);
    *he = t_expect_offer(callee, lcallee);
    LONG req = lineAnswer(*he, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(callee, *he, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(callee, req, 0);
    sh_wait_state(caller, *hr, LINECALLSTATE_CONNECTED);
    t_expect_none(caller);
    t_expect_none(callee);
}

/* The monitor's handle of the call alice's application made: announced by a
 * LINE_CALLSTATE (UNKNOWN) with the monitor privilege; the states after it
 * are left for monitor_done. */
static HCALL monitor_sees(struct trio *t)
{
    LINEMESSAGE m = t_next(&t->m);
    CHECK_EQ(m.dwMessageID, LINE_CALLSTATE);
    CHECK_EQ(m.dwParam3, LINECALLPRIVILEGE_MONITOR);
    return (HCALL)m.hDevice;
}

/* The monitor's LINE_APPNEWCALL for the call alice makes for a REFER (the
 * first call's messages, h, may come before it), then its DIALING. */
static HCALL monitor_newcall(struct trio *t, HCALL h)
{
    LINEMESSAGE m;
    do
        m = t_next(&t->m);
    while (m.hDevice == h);
    CHECK_EQ(m.dwMessageID, LINE_APPNEWCALL);
    CHECK_EQ(m.hDevice, t->lm);
    CHECK_EQ(m.dwParam3, LINECALLPRIVILEGE_MONITOR);
    HCALL hn = (HCALL)m.dwParam2;
    t_expect_state_priv(&t->m, hn, LINECALLSTATE_DIALING, 0, LINECALLPRIVILEGE_MONITOR);
    return hn;
}

/* Every message left at the monitor is about h or hn, and the last one of hn
 * is IDLE; then both handles go. */
static void monitor_done(struct trio *t, HCALL h, HCALL hn)
{
    LINEMESSAGE m;
    DWORD last = 0;
    while (t_poll(&t->m, &m)) {
        CHECK(m.hDevice == h || m.hDevice == hn);
        if (m.hDevice == hn && m.dwMessageID == LINE_CALLSTATE)
            last = (DWORD)m.dwParam1;
    }
    CHECK_EQ(last, LINECALLSTATE_IDLE);
    CHECK_RC(lineDeallocateCall(h), 0);
    CHECK_RC(lineDeallocateCall(hn), 0);
}

/* LINE_CALLINFO(DEVSPECIFIC) of h: the transfer's progress, whose text in
 * LINECALLINFO's DevSpecific part is then text. */
static void expect_progress(tapp *a, HCALL h, const char *text)
{
    t_expect_callinfo(a, h, LINECALLINFOSTATE_DEVSPECIFIC);
    tcallinfo ci;
    t_callinfo(h, &ci);
    const char *got = t_ci_str(&ci, ci.ci.dwDevSpecificSize, ci.ci.dwDevSpecificOffset);
    if (strcmp(got, text) != 0)
        FAIL("%s: DevSpecific \"%s\", expected \"%s\"", a->name, got, text);
}

/* The new call alice makes for bob's REFER: LINE_APPNEWCALL + DIALING, made
 * by the line for a transfer, bob as the redirecting (referring) party. */
static HCALL expect_referred_call(struct trio *t, HCALL ha, const char *dest)
{
    HCALL hn = t_expect_newcall(&t->a, t->la, LINECALLPRIVILEGE_OWNER);
    t_expect_state_priv(&t->a, hn, LINECALLSTATE_DIALING, 0, LINECALLPRIVILEGE_OWNER);
    tcallinfo ci;
    t_callinfo(hn, &ci);
    CHECK_EQ(ci.ci.dwOrigin, LINECALLORIGIN_OUTBOUND);
    CHECK_EQ(ci.ci.dwReason, LINECALLREASON_TRANSFER);
    CHECK_EQ(ci.ci.dwRelatedCallID, t_call_id(ha));
    CHECK_EQ(ci.ci.dwRedirectingIDFlags, LINECALLPARTYID_ADDRESS | LINECALLPARTYID_NAME);
    CHECK(!strcmp(t_ci_str(&ci, ci.ci.dwRedirectingIDSize, ci.ci.dwRedirectingIDOffset), "bob"));
    CHECK(!strcmp(t_ci_str(&ci, ci.ci.dwRedirectingIDNameSize, ci.ci.dwRedirectingIDNameOffset),
                  "Bob B"));
    CHECK(!strncmp(t_ci_str(&ci, ci.ci.dwCalledIDSize, ci.ci.dwCalledIDOffset), dest,
                   strlen(dest)));
    return hn;
}

/* Blind: bob's lineBlindTransfer sends alice a REFER; alice calls carol
 * (a new call, LINECALLREASON_TRANSFER, its monitor sees it too); carol
 * answers, alice's NOTIFY 200 completes bob's request, bob's call goes IDLE
 * and his BYE ends alice's first call. */
TEST_THREADED(sip_xfer_lines_blind)
{
    struct trio t;
    trio_init(&t);
    HCALL ha, hb;
    connect_call(&t.a, t.la, &t.b, t.lb, t.to_bob, &ha, &hb);
    HCALL hma = monitor_sees(&t);
    LINECALLSTATUS st;
    t_status(hb, &st);
    CHECK_EQ(st.dwCallFeatures & LINECALLFEATURE_BLINDTRANSFER, LINECALLFEATURE_BLINDTRANSFER);
    /* wrong state: an offered call cannot be transferred */
    HCALL hx = t_make_call(&t.c, t.lc, t.to_bob, NULL, 0);
    t_expect_state(&t.c, hx, LINECALLSTATE_DIALING, 0);
    HCALL hbx = t_expect_offer(&t.b, t.lb);
    CHECK_RC(lineBlindTransfer(hbx, t.to_carol, 0), LINEERR_INVALCALLSTATE);
    sh_drop_idle_uui(&t.b, hbx, NULL, 0);
    sh_wait_state(&t.c, hx, LINECALLSTATE_DISCONNECTED);
    t_drop_idle(&t.c, hx);

    LONG req = lineBlindTransfer(hb, t.to_carol, 0);
    CHECK_REQ(req);
    HCALL hn = expect_referred_call(&t, ha, t.to_carol);
    HCALL hmn = monitor_newcall(&t, hma);
    HCALL hc = t_expect_offer(&t.c, t.lc);
    char s[64];
    t_callinfo_str(hc, offsetof(LINECALLINFO, dwCallerIDSize), s, sizeof(s));
    CHECK(!strcmp(s, "alice"));
    /* bob: the progress (alice's NOTIFY 100 Trying), nothing else yet */
    expect_progress(&t.b, hb, "transfer: SIP 100 Trying");
    t_expect_none(&t.b);
    CHECK_EQ(t_state(hb, NULL), LINECALLSTATE_CONNECTED);
    LONG ans = lineAnswer(hc, NULL, 0);
    CHECK_REQ(ans);
    t_expect_state(&t.c, hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&t.c, ans, 0);
    sh_wait_state(&t.a, hn, LINECALLSTATE_CONNECTED);
    /* bob: NOTIFY 200, the call IDLE on this station, then the reply */
    expect_progress(&t.b, hb, "transfer: SIP 200 OK");
    t_expect_state(&t.b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&t.b, req, 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    /* alice: bob's BYE ends the first call */
    t_expect_state(&t.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&t.a, ha);
    sh_drop_idle_uui(&t.a, hn, NULL, 0);
    t_expect_state(&t.c, hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&t.c, hc);
    monitor_done(&t, hma, hmn);
    trio_done(&t);
}

/* Blind, and the destination refuses: carol rejects the call alice makes
 * for the REFER (603), alice's NOTIFY carries it, bob's request fails with
 * LINEERR_OPERATIONFAILED and his call with alice is as it was. */
TEST_THREADED(sip_xfer_lines_blind_refused_by_target)
{
    struct trio t;
    trio_init(&t);
    HCALL ha, hb;
    connect_call(&t.a, t.la, &t.b, t.lb, t.to_bob, &ha, &hb);
    HCALL hma = monitor_sees(&t);
    LONG req = lineBlindTransfer(hb, t.to_carol, 0);
    CHECK_REQ(req);
    HCALL hn = expect_referred_call(&t, ha, t.to_carol);
    HCALL hmn = monitor_newcall(&t, hma);
    HCALL hc = t_expect_offer(&t.c, t.lc);
    expect_progress(&t.b, hb, "transfer: SIP 100 Trying");
    sh_drop_idle_uui(&t.c, hc, NULL, 0); /* 603 Decline */
    sh_wait_state(&t.a, hn, LINECALLSTATE_DISCONNECTED);
    DWORD mode;
    CHECK_EQ(t_state(hn, &mode), LINECALLSTATE_DISCONNECTED);
    CHECK_EQ(mode, LINEDISCONNECTMODE_REJECT);
    expect_progress(&t.b, hb, "transfer: SIP 603 Decline");
    t_expect_reply(&t.b, req, LINEERR_OPERATIONFAILED);
    t_expect_none(&t.b);
    CHECK_EQ(t_state(hb, NULL), LINECALLSTATE_CONNECTED);
    CHECK_EQ(t_state(ha, NULL), LINECALLSTATE_CONNECTED);
    t_drop_idle(&t.a, hn);
    t_expect_none(&t.a);
    /* the call goes on: bob hangs up as usual */
    sh_drop_idle_uui(&t.b, hb, NULL, 0);
    t_expect_state(&t.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&t.a, ha);
    monitor_done(&t, hma, hmn);
    trio_done(&t);
}

/* Attended: bob puts alice on hold for a transfer (locally), calls carol,
 * and completes the transfer: alice gets a REFER whose Refer-To carries the
 * bob-carol dialog as Replaces, her INVITE replaces bob's call at carol
 * (carol's new call answered by the line, the old one DISCONNECTED), and
 * alice's NOTIFY 200 ends both of bob's calls. */
TEST_THREADED(sip_xfer_lines_attended)
{
    struct trio t;
    trio_init(&t);
    HCALL ha, hb;
    connect_call(&t.a, t.la, &t.b, t.lb, t.to_bob, &ha, &hb);
    HCALL hma = monitor_sees(&t);
    LINECALLSTATUS st;
    t_status(hb, &st);
    CHECK_EQ(st.dwCallFeatures & (LINECALLFEATURE_SETUPTRANSFER | LINECALLFEATURE_BLINDTRANSFER),
             LINECALLFEATURE_SETUPTRANSFER | LINECALLFEATURE_BLINDTRANSFER);
    HCALL hk = 0;
    sh_reinvites base = sh_reinvites_now();
    LONG req = lineSetupTransfer(hb, &hk, NULL);
    CHECK_REQ(req);
    t_expect_reply(&t.b, req, 0);
    CHECK(hk != 0);
    t_expect_state(&t.b, hb, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    t_expect_state(&t.b, hk, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    /* alice is held on the wire (bob's re-INVITE, sendonly) */
    t_expect_state(&t.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    sh_wait_reinvites(base, 1, 1);
    t_status(hb, &st);
    CHECK_EQ(st.dwCallFeatures & (LINECALLFEATURE_COMPLETETRANSF | LINECALLFEATURE_DROP |
                                  LINECALLFEATURE_BLINDTRANSFER),
             LINECALLFEATURE_COMPLETETRANSF | LINECALLFEATURE_DROP);
    /* a consultation call that is not connected cannot complete a transfer */
    CHECK_RC(lineCompleteTransfer(hb, hk, NULL, LINETRANSFERMODE_TRANSFER),
             LINEERR_INVALCALLSTATE);
    CHECK_RC(lineBlindTransfer(hb, t.to_carol, 0), LINEERR_INVALCALLSTATE);
    req = lineDial(hk, t.to_carol, 0);
    CHECK_REQ(req);
    t_expect_reply(&t.b, req, 0);
    t_expect_state(&t.b, hk, LINECALLSTATE_DIALING, 0);
    HCALL hc = t_expect_offer(&t.c, t.lc);
    LONG ans = lineAnswer(hc, NULL, 0);
    CHECK_REQ(ans);
    t_expect_state(&t.c, hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&t.c, ans, 0);
    sh_wait_state(&t.b, hk, LINECALLSTATE_CONNECTED);
    t_expect_none(&t.a);

    /* alice gets the REFER while held: nothing takes her off hold */
    req = lineCompleteTransfer(hb, hk, NULL, LINETRANSFERMODE_TRANSFER);
    CHECK_REQ(req);
    HCALL hn = expect_referred_call(&t, ha, t.to_carol);
    HCALL hmn = monitor_newcall(&t, hma);
    /* carol: the replacing call is offered and answered by the line */
    HCALL hc2 = t_expect_offer(&t.c, t.lc);
    tcallinfo ci;
    t_callinfo(hc2, &ci);
    CHECK_EQ(ci.ci.dwReason, LINECALLREASON_TRANSFER);
    CHECK_EQ(ci.ci.dwRelatedCallID, t_call_id(hc));
    CHECK(!strcmp(t_ci_str(&ci, ci.ci.dwCallerIDSize, ci.ci.dwCallerIDOffset), "alice"));
    t_expect_state(&t.c, hc2, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&t.c, hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&t.c, hc);
    sh_wait_state(&t.a, hn, LINECALLSTATE_CONNECTED);
    /* bob: the progress (100, 200: the first text may be overtaken by the
     * second before it is read), both calls IDLE, then the reply */
    t_expect_callinfo(&t.b, hb, LINECALLINFOSTATE_DEVSPECIFIC);
    expect_progress(&t.b, hb, "transfer: SIP 200 OK");
    t_expect_state(&t.b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_state(&t.b, hk, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&t.b, req, 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    CHECK_RC(lineDeallocateCall(hk), 0);
    t_expect_state(&t.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&t.a, ha);
    /* alice and carol talk; carol hangs up */
    sh_drop_idle_uui(&t.c, hc2, NULL, 0);
    t_expect_state(&t.a, hn, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&t.a, hn);
    monitor_done(&t, hma, hmn);
    sh_reinvites now = sh_reinvites_now();
    CHECK_EQ(now.answered, base.answered + 1); /* the hold alone */
    CHECK_EQ(now.received, base.received + 1);
    trio_done(&t);
}

/* lineCompleteTransfer(CONFERENCE) stays the local conference, and a
 * consultation call that ends gives the held call back (AUTORECONNECT);
 * alice is held on the wire while bob consults and taken off hold by
 * either (a re-INVITE each way, ACTIVEHELD then ACTIVE at alice). */
TEST_THREADED(sip_xfer_lines_conference_and_reconnect)
{
    struct trio t;
    trio_init(&t);
    HCALL ha, hb;
    connect_call(&t.a, t.la, &t.b, t.lb, t.to_bob, &ha, &hb);
    HCALL hma = monitor_sees(&t);
    HCALL hk = 0;
    sh_reinvites base = sh_reinvites_now();
    LONG req = lineSetupTransfer(hb, &hk, NULL);
    CHECK_REQ(req);
    t_expect_reply(&t.b, req, 0);
    t_expect_state(&t.b, hb, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    t_expect_state(&t.b, hk, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    t_expect_state(&t.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    sh_wait_reinvites(base, 1, 1);
    /* the consultation call is abandoned: the held call is connected again */
    req = lineDrop(hk, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&t.b, hk, LINECALLSTATE_IDLE, 0);
    t_expect_state(&t.b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&t.b, req, 0);
    CHECK_RC(lineDeallocateCall(hk), 0);
    t_expect_state(&t.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    sh_wait_reinvites(base, 2, 2);
    /* again, and this time a conference */
    req = lineSetupTransfer(hb, &hk, NULL);
    CHECK_REQ(req);
    t_expect_reply(&t.b, req, 0);
    t_expect_state(&t.b, hb, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    t_expect_state(&t.b, hk, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    t_expect_state(&t.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    sh_wait_reinvites(base, 3, 3);
    req = lineDial(hk, t.to_carol, 0);
    CHECK_REQ(req);
    t_expect_reply(&t.b, req, 0);
    t_expect_state(&t.b, hk, LINECALLSTATE_DIALING, 0);
    HCALL hc = t_expect_offer(&t.c, t.lc);
    LONG ans = lineAnswer(hc, NULL, 0);
    CHECK_REQ(ans);
    t_expect_state(&t.c, hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&t.c, ans, 0);
    sh_wait_state(&t.b, hk, LINECALLSTATE_CONNECTED);
    HCALL hconf = 0;
    CHECK_RC(lineCompleteTransfer(hb, hk, NULL, 0x99), LINEERR_INVALTRANSFERMODE);
    req = lineCompleteTransfer(hb, hk, &hconf, LINETRANSFERMODE_CONFERENCE);
    CHECK_REQ(req);
    t_expect_reply(&t.b, req, 0);
    CHECK(hconf != 0);
    t_expect_state(&t.b, hb, LINECALLSTATE_CONFERENCED, hconf);
    t_expect_state(&t.b, hk, LINECALLSTATE_CONFERENCED, hconf);
    t_expect_state(&t.b, hconf, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&t.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    sh_wait_reinvites(base, 4, 4);
    t_expect_none(&t.a);
    t_expect_none(&t.c); /* carol, the consultation call, was never held */
    /* dropping the conference drops both parties (one BYE each) */
    req = lineDrop(hconf, NULL, 0);
    CHECK_REQ(req);
    LINEMESSAGE m;
    for (int i = 0; i < 3; i++) {
        m = t_next(&t.b);
        CHECK_EQ(m.dwMessageID, LINE_CALLSTATE);
        CHECK_EQ(m.dwParam1, LINECALLSTATE_IDLE);
    }
    t_expect_reply(&t.b, req, 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    CHECK_RC(lineDeallocateCall(hk), 0);
    CHECK_RC(lineDeallocateCall(hconf), 0);
    t_expect_state(&t.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&t.a, ha);
    t_expect_state(&t.c, hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&t.c, hc);
    LINEMESSAGE mm;
    while (t_poll(&t.m, &mm))
        CHECK(mm.hDevice == hma);
    CHECK_RC(lineDeallocateCall(hma), 0);
    trio_done(&t);
}

/* The transferee's application shuts down while the call it makes for the
 * REFER still rings: that call is cancelled (carol's offer goes IDLE), the
 * first call ends with alice's BYE, and bob's request fails
 * (LINEERR_OPERATIONFAILED) — whichever bob hears first; nothing is left. */
TEST_THREADED(sip_xfer_lines_transferee_shuts_down)
{
    struct trio t;
    trio_init(&t);
    HCALL ha, hb;
    connect_call(&t.a, t.la, &t.b, t.lb, t.to_bob, &ha, &hb);
    LONG req = lineBlindTransfer(hb, t.to_carol, 0);
    CHECK_REQ(req);
    HCALL hn = expect_referred_call(&t, ha, t.to_carol);
    (void)hn;
    HCALL hc = t_expect_offer(&t.c, t.lc);
    t_shutdown_with_calls(&t.a);
    t_shutdown_with_calls(&t.m);
    sh_wait_state(&t.c, hc, LINECALLSTATE_IDLE);
    CHECK_RC(lineDeallocateCall(hc), 0);
    bool replied = false, disconnected = false;
    while (!replied || !disconnected) {
        LINEMESSAGE m = t_next(&t.b);
        if (m.dwMessageID == LINE_CALLINFO) { /* progress: 100 Trying, 487 */
            CHECK_EQ(m.hDevice, hb);
            CHECK_EQ(m.dwParam1, LINECALLINFOSTATE_DEVSPECIFIC);
            continue;
        }
        if (m.dwMessageID == LINE_REPLY) {
            CHECK(!replied);
            CHECK_EQ(m.dwParam1, (DWORD_PTR)req);
            CHECK_EQ((DWORD)m.dwParam2, (DWORD)LINEERR_OPERATIONFAILED);
            replied = true;
        } else {
            CHECK_EQ(m.dwMessageID, LINE_CALLSTATE);
            CHECK_EQ(m.hDevice, hb);
            CHECK_EQ(m.dwParam1, LINECALLSTATE_DISCONNECTED);
            disconnected = true;
        }
    }
    t_drop_idle(&t.b, hb);
    sh_wait_dialogs(0);
    t_shutdown(&t.b);
    t_shutdown(&t.c);
}
