/* Transfers whose transferee accepts our REFER and then goes quiet (RFC 3515,
 * RFC 6665 4.1.2.4): no NOTIFY within the line's refer_timeout after the 202,
 * or the implicit subscription a NOTIFY announced expires without a final
 * one.  The transfer then fails as one whose NOTIFY reports a failure does:
 * LINE_REPLY LINEERR_OPERATIONFAILED, the call(s) as they were (scenarios
 * tests/sipp/uas_refer_no_notify.xml, uas_refer_trying_only.xml,
 * uas_refer_held_no_notify.xml).  The waits run on the manual library clock
 * (exact to the millisecond), the attended one on the real clock with
 * refer_timeout = 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/providers/sip/sip.h"
#include "sip_helpers.h"

#define XFER_DEST "sip:carol@127.0.0.1:5999"
#define XFER_DEST_RE "sip:carol@127\\.0\\.0\\.1:5999" /* the Refer-To SIPp expects */

static struct ot_sip_counters counters(void)
{
    struct ot_sip_counters c;
    ot_sip_counters_get(&c);
    return c;
}

static bool accepted_at(const struct ot_sip_counters *c, void *arg)
{
    return c->refers_accepted >= *(const unsigned long *)arg;
}

/* Our REFER's 2xx has been handled (the wait for the first NOTIFY runs). */
static void wait_refer_accepted(unsigned long n)
{
    if (!ot_sip_counters_wait(accepted_at, &n, T_TIMEOUT_MS))
        FAIL("refers_accepted %lu, expected %lu", counters().refers_accepted, n);
}

/* We call SIPp (a scenario) and it answers. */
static HCALL call_sipp(tapp *a, HLINE hl, sproc *sipp, const char *scenario)
{
    sh_sipp_start(sipp, scenario, sh_port(1), 0, 1, NULL);
    char dest[64];
    snprintf(dest, sizeof(dest), "sip:sipp@127.0.0.1:%d", sh_port(1));
    HCALL h = t_make_call(a, hl, dest, NULL, 0);
    t_expect_state(a, h, LINECALLSTATE_DIALING, 0);
    sh_wait_state(a, h, LINECALLSTATE_CONNECTED);
    t_expect_none(a);
    return h;
}

static void expect_devspecific(tapp *a, HCALL h, const char *text)
{
    t_expect_callinfo(a, h, LINECALLINFOSTATE_DEVSPECIFIC);
    tcallinfo ci;
    t_callinfo(h, &ci);
    const char *got = t_ci_str(&ci, ci.ci.dwDevSpecificSize, ci.ci.dwDevSpecificOffset);
    if (strcmp(got, text) != 0)
        FAIL("DevSpecific \"%s\", expected \"%s\"", got, text);
}

/* Blind: SIPp answers 202 and never NOTIFYs.  refer_timeout = 5: nothing
 * 4.999 s after the 202, LINEERR_OPERATIONFAILED at 5 s, the call still
 * CONNECTED and usable: a second lineBlindTransfer sends its REFER (SIPp
 * refuses it, 603), and the drop is the ordinary BYE. */
TEST(sip_xfer_timeout_blind_no_notify)
{
    CHECK_RC(otClockSetManual(TRUE), 0);
    sh_config_line(sh_port(0), "refer_timeout = 5\n");
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    const char *subst[] = {"REFERTO", XFER_DEST_RE, NULL};
    HCALL h = call_sipp(&a, hl, &sipp, sh_sipp_template("uas_refer_no_notify.xml", subst));
    struct ot_sip_counters base = counters();
    LONG req = lineBlindTransfer(h, XFER_DEST, 0);
    CHECK_REQ(req);
    wait_refer_accepted(base.refers_accepted + 1);
    CHECK_RC(otClockAdvance(4999), 0);
    t_expect_none(&a);
    CHECK_EQ(t_state(h, NULL), LINECALLSTATE_CONNECTED);
    CHECK_RC(lineBlindTransfer(h, XFER_DEST, 0), LINEERR_INVALCALLSTATE); /* one at a time */
    CHECK_RC(otClockAdvance(1), 0);
    t_expect_reply(&a, req, LINEERR_OPERATIONFAILED);
    t_expect_none(&a);
    CHECK_EQ(t_state(h, NULL), LINECALLSTATE_CONNECTED);
    CHECK_EQ(counters().refer_timeouts, base.refer_timeouts + 1);
    /* the call is as it was: another transfer can start (SIPp refuses it) */
    req = lineBlindTransfer(h, XFER_DEST, 0);
    CHECK_REQ(req);
    t_expect_reply(&a, req, LINEERR_OPERATIONFAILED);
    CHECK_EQ(counters().refers_accepted, base.refers_accepted + 1);
    CHECK_RC(otClockAdvance(60000), 0); /* no timer is left to fire */
    t_expect_none(&a);
    CHECK_EQ(counters().refer_timeouts, base.refer_timeouts + 1);
    sh_drop_idle_uui(&a, h, NULL, 0);
    sh_finish(&a, &sipp);
}

/* SIPp answers 202 and NOTIFYs 100 Trying (Subscription-State substate),
 * then nothing: the transfer fails wait_ms after that NOTIFY, not earlier
 * (refer_timeout = 2 s no longer applies when expires says more). */
static void trying_then_nothing(const char *substate, unsigned wait_ms)
{
    CHECK_RC(otClockSetManual(TRUE), 0);
    sh_config_line(sh_port(0), "refer_timeout = 2\n");
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    const char *subst[] = {"REFERTO", XFER_DEST_RE, "SUBSTATE", substate, NULL};
    HCALL h = call_sipp(&a, hl, &sipp, sh_sipp_template("uas_refer_trying_only.xml", subst));
    struct ot_sip_counters base = counters();
    LONG req = lineBlindTransfer(h, XFER_DEST, 0);
    CHECK_REQ(req);
    expect_devspecific(&a, h, "transfer: SIP 100 Trying");
    wait_refer_accepted(base.refers_accepted + 1); /* the 202 and the NOTIFY, in either order */
    if (wait_ms > 2000) {
        CHECK_RC(otClockAdvance(2000), 0);
        t_expect_none(&a);
        CHECK_RC(otClockAdvance(wait_ms - 2000 - 1), 0);
    } else
        CHECK_RC(otClockAdvance(wait_ms - 1), 0);
    t_expect_none(&a);
    CHECK_EQ(t_state(h, NULL), LINECALLSTATE_CONNECTED);
    CHECK_RC(otClockAdvance(1), 0);
    t_expect_reply(&a, req, LINEERR_OPERATIONFAILED);
    t_expect_none(&a);
    CHECK_EQ(t_state(h, NULL), LINECALLSTATE_CONNECTED);
    CHECK_EQ(counters().refer_timeouts, base.refer_timeouts + 1);
    sh_drop_idle_uui(&a, h, NULL, 0);
    sh_finish(&a, &sipp);
}

TEST(sip_xfer_timeout_trying_then_subscription_expires)
{
    trying_then_nothing("active;expires=10", 10000);
}

/* Without expires, the next NOTIFY is waited for refer_timeout again. */
TEST(sip_xfer_timeout_trying_without_expires) { trying_then_nothing("active", 2000); }

/* Attended, SIPp as the held party, on the real clock (refer_timeout = 1):
 * lineCompleteTransfer's REFER gets 202 and no NOTIFY; a second later the
 * request fails, the held call still ONHOLDPENDTRANSFER (held on the wire)
 * and the consultation call CONNECTED, as after a NOTIFY with a failure;
 * dropping the consultation call reconnects the held one (re-INVITE
 * a=sendrecv), which then drops cleanly. */
TEST_THREADED(sip_xfer_timeout_attended_no_notify)
{
    sh_carol k;
    sh_carol_init(&k);
    const char *re = k.replaces_re;
    char extra[260];
    snprintf(extra, sizeof(extra), "refer_timeout = 1\n%s", k.line);
    sh_config_line(sh_port(0), extra);
    tapp a, c;
    HLINE hl;
    sh_app_open(&a, &hl);
    t_init(&c, "carol");
    HLINE lc = t_open(&c, 1, LINECALLPRIVILEGE_OWNER);
    sproc sipp;
    const char *subst[] = {"REFERTO", re, NULL};
    HCALL h = call_sipp(&a, hl, &sipp, sh_sipp_template("uas_refer_held_no_notify.xml", subst));
    HCALL hc;
    sh_reinvites base;
    HCALL hk = sh_consult_carol(&a, h, &c, lc, &k, &hc, &base);
    LONG req;
    struct ot_sip_counters cbase = counters();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    req = lineCompleteTransfer(h, hk, NULL, LINETRANSFERMODE_TRANSFER);
    CHECK_REQ(req);
    t_expect_reply(&a, req, LINEERR_OPERATIONFAILED);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000L + (t1.tv_nsec - t0.tv_nsec) / 1000000L;
    if (ms < 1000)
        FAIL("the transfer failed after %ld ms, before refer_timeout (1 s)", ms);
    t_expect_none(&a);
    CHECK_EQ(counters().refers_accepted, cbase.refers_accepted + 1);
    CHECK_EQ(counters().refer_timeouts, cbase.refer_timeouts + 1);
    CHECK_EQ(t_state(h, NULL), LINECALLSTATE_ONHOLDPENDTRANSFER);
    CHECK_EQ(t_state(hk, NULL), LINECALLSTATE_CONNECTED);
    CHECK_EQ(sh_reinvites_now().answered, base.answered + 1); /* still held */
    /* the consultation call ends: the held call is back, off hold */
    req = lineDrop(hk, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&a, hk, LINECALLSTATE_IDLE, 0);
    t_expect_state(&a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&a, req, 0);
    CHECK_RC(lineDeallocateCall(hk), 0);
    t_expect_state(&c, hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&c, hc);
    sh_wait_reinvites(base, 2, 0); /* SIPp answered the sendrecv */
    sh_drop_idle_uui(&a, h, NULL, 0);
    t_shutdown(&c);
    sh_finish(&a, &sipp);
}

/* The call ends while the wait runs (the application drops it): the request
 * fails at once, and the timer is gone with it (nothing fires later, and the
 * sip_call is freed: ASan would see a timer left in the heap). */
TEST(sip_xfer_timeout_call_dropped_while_waiting)
{
    CHECK_RC(otClockSetManual(TRUE), 0);
    sh_config_line(sh_port(0), "refer_timeout = 5\n");
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    const char *subst[] = {"REFERTO", XFER_DEST_RE, "SUBSTATE", "active;expires=30", NULL};
    HCALL h = call_sipp(&a, hl, &sipp, sh_sipp_template("uas_refer_trying_only.xml", subst));
    struct ot_sip_counters base = counters();
    LONG req = lineBlindTransfer(h, XFER_DEST, 0);
    CHECK_REQ(req);
    expect_devspecific(&a, h, "transfer: SIP 100 Trying");
    wait_refer_accepted(base.refers_accepted + 1);
    LONG drop = lineDrop(h, NULL, 0);
    CHECK_REQ(drop);
    t_expect_reply(&a, req, LINEERR_OPERATIONFAILED);
    t_expect_state(&a, h, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&a, drop, 0);
    CHECK_RC(lineDeallocateCall(h), 0);
    sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS);
    sh_wait_dialogs(0);
    CHECK_RC(otClockAdvance(60000), 0);
    t_expect_none(&a);
    CHECK_EQ(counters().refer_timeouts, base.refer_timeouts);
    t_shutdown(&a);
}
