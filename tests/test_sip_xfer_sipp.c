/* Transfers on SIP lines against SIPp (the scenarios tests/sipp/uas_refer_*.xml, uac_refer*.xml,
 * uac_replaces*.xml): SIPp as the transferee that accepts our REFER and NOTIFYs
 * the outcome, one that refuses it, SIPp sending us a REFER (honoured or
 * refused), and SIPp sending an INVITE with Replaces.  Line to line:
 * test_sip_xfer.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/providers/sip/sip.h"
#include "sip_helpers.h"

#define XFER_DEST "sip:carol@127.0.0.1:5999"
#define XFER_DEST_RE "sip:carol@127\\.0\\.0\\.1:5999" /* the Refer-To SIPp expects */

/* n LINE_CALLINFO(DEVSPECIFIC) of h (a transfer's progress: SIPp's NOTIFYs
 * come back to back, so only the last text is certain), then that text. */
static void expect_progress(tapp *a, HCALL h, unsigned n, const char *last)
{
    for (unsigned i = 0; i < n; i++)
        t_expect_callinfo(a, h, LINECALLINFOSTATE_DEVSPECIFIC);
    tcallinfo ci;
    t_callinfo(h, &ci);
    const char *got = t_ci_str(&ci, ci.ci.dwDevSpecificSize, ci.ci.dwDevSpecificOffset);
    if (strcmp(got, last) != 0)
        FAIL("DevSpecific \"%s\", expected \"%s\"", got, last);
}

/* We call SIPp (scenario with extra arguments) and it answers. */
static HCALL call_sipp(tapp *a, HLINE hl, sproc *sipp, const char *scenario,
                       const char *const *extra)
{
    sh_sipp_start(sipp, scenario, sh_port(1), 0, 1, extra);
    char dest[64];
    snprintf(dest, sizeof(dest), "sip:sipp@127.0.0.1:%d", sh_port(1));
    HCALL h = t_make_call(a, hl, dest, NULL, 0);
    t_expect_state(a, h, LINECALLSTATE_DIALING, 0);
    sh_wait_state(a, h, LINECALLSTATE_CONNECTED);
    t_expect_none(a);
    return h;
}

/* SIPp accepts the REFER (it checks Refer-To and Referred-By) and NOTIFYs
 * 100 Trying, then 200 OK: our call goes IDLE, the request succeeds, and we
 * send BYE (SIPp waits for it). */
TEST_THREADED(sip_xfer_sipp_blind_accepted)
{
    sh_config_line(sh_port(0), NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    const char *subst[] = {"FINAL", "200 OK", "REFERTO", XFER_DEST_RE, NULL};
    HCALL h = call_sipp(&a, hl, &sipp, sh_sipp_template("uas_refer_accept.xml", subst), NULL);
    LONG req = lineBlindTransfer(h, "carol@127.0.0.1:5999", 0);
    CHECK_REQ(req);
    expect_progress(&a, h, 2, "transfer: SIP 200 OK");
    t_expect_state(&a, h, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&a, req, 0);
    CHECK_RC(lineDeallocateCall(h), 0);
    sh_finish(&a, &sipp);
}

/* Attended, SIPp as the held party: lineSetupTransfer, a consultation call
 * to carol (a second line of ours) answered there, lineCompleteTransfer:
 * SIPp checks the REFER's Refer-To is carol's URI with the consultation
 * dialog as an escaped ?Replaces= (call-id%3Bto-tag%3D..%3Bfrom-tag%3D..),
 * NOTIFYs 200; both our calls go IDLE (a BYE to SIPp and one to carol, who
 * never got the transferee's INVITE here). */
TEST_THREADED(sip_xfer_sipp_attended_refer_to_replaces)
{
    sh_carol k;
    sh_carol_init(&k);
    char re[160];
    snprintf(re, sizeof(re),
             "sip:carol@127\\.0\\.0\\.1:%d\\?Replaces=[^;>%%]+%%3Bto-tag%%3D[^;>%%]+"
             "%%3Bfrom-tag%%3D[^;>%%]+",
             k.port);
    sh_config_line(sh_port(0), k.line);
    tapp a, c;
    HLINE hl;
    sh_app_open(&a, &hl);
    t_init(&c, "carol");
    HLINE lc = t_open(&c, 1, LINECALLPRIVILEGE_OWNER);
    sproc sipp;
    const char *subst[] = {"FINAL", "200 OK", "REFERTO", re, NULL};
    HCALL h = call_sipp(&a, hl, &sipp, sh_sipp_template("uas_refer_held.xml", subst), NULL);
    HCALL hc;
    sh_reinvites base;
    HCALL hk = sh_consult_carol(&a, h, &c, lc, &k, &hc, &base);
    LONG req;
    req = lineCompleteTransfer(h, hk, NULL, LINETRANSFERMODE_TRANSFER);
    CHECK_REQ(req);
    expect_progress(&a, h, 2, "transfer: SIP 200 OK");
    t_expect_state(&a, h, LINECALLSTATE_IDLE, 0);
    t_expect_state(&a, hk, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&a, req, 0);
    CHECK_RC(lineDeallocateCall(h), 0);
    CHECK_RC(lineDeallocateCall(hk), 0);
    t_expect_state(&c, hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&c, hc);
    sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS); /* no re-INVITE after the hold */
    sh_wait_dialogs(0);
    sh_reinvites now = sh_reinvites_now();
    CHECK_EQ(now.answered, base.answered + 1);
    CHECK_EQ(now.received, base.received);
    t_shutdown(&c);
    t_expect_none(&a);
    t_shutdown(&a);
}

/* As above, but SIPp's NOTIFYs end in 486: the request fails, both calls
 * stay as they were (the held one ONHOLDPENDTRANSFER and held on the wire,
 * the consultation call CONNECTED); when the consultation call is dropped
 * the held call is reconnected and taken off hold: SIPp gets a re-INVITE
 * a=sendrecv (SDP version 3) before our BYE. */
TEST_THREADED(sip_xfer_sipp_attended_fails_then_reconnects)
{
    sh_carol k;
    sh_carol_init(&k);
    const char *re = k.replaces_re;
    sh_config_line(sh_port(0), k.line);
    tapp a, c;
    HLINE hl;
    sh_app_open(&a, &hl);
    t_init(&c, "carol");
    HLINE lc = t_open(&c, 1, LINECALLPRIVILEGE_OWNER);
    sproc sipp;
    const char *subst[] = {"FINAL", "486 Busy Here", "REFERTO", re, NULL};
    HCALL h = call_sipp(&a, hl, &sipp, sh_sipp_template("uas_refer_held_fails.xml", subst), NULL);
    HCALL hc;
    sh_reinvites base;
    HCALL hk = sh_consult_carol(&a, h, &c, lc, &k, &hc, &base);
    LONG req;
    req = lineCompleteTransfer(h, hk, NULL, LINETRANSFERMODE_TRANSFER);
    CHECK_REQ(req);
    expect_progress(&a, h, 2, "transfer: SIP 486 Busy Here");
    t_expect_reply(&a, req, LINEERR_OPERATIONFAILED);
    t_expect_none(&a);
    CHECK_EQ(t_state(h, NULL), LINECALLSTATE_ONHOLDPENDTRANSFER);
    CHECK_EQ(t_state(hk, NULL), LINECALLSTATE_CONNECTED);
    sh_reinvites now = sh_reinvites_now();
    CHECK_EQ(now.answered, base.answered + 1); /* still held */
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

/* The NOTIFYs end in a failure (sipfrag 486): the request fails with
 * LINEERR_OPERATIONFAILED and the call stays CONNECTED; our drop is the
 * ordinary BYE. */
TEST(sip_xfer_sipp_blind_notify_failure)
{
    sh_config_line(sh_port(0), NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    const char *subst[] = {"FINAL", "486 Busy Here", "REFERTO", XFER_DEST_RE, NULL};
    HCALL h = call_sipp(&a, hl, &sipp, sh_sipp_template("uas_refer_accept.xml", subst), NULL);
    LONG req = lineBlindTransfer(h, XFER_DEST, 0);
    CHECK_REQ(req);
    expect_progress(&a, h, 2, "transfer: SIP 486 Busy Here");
    t_expect_reply(&a, req, LINEERR_OPERATIONFAILED);
    t_expect_none(&a);
    CHECK_EQ(t_state(h, NULL), LINECALLSTATE_CONNECTED);
    sh_drop_idle_uui(&a, h, NULL, 0);
    sh_finish(&a, &sipp);
}

/* SIPp refuses the REFER itself (603, 405): LINEERR_OPERATIONFAILED, the
 * call as it was. */
static void refer_refused(const char *status)
{
    sh_config_line(sh_port(0), NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    const char *subst[] = {"STATUS", status, NULL};
    HCALL h = call_sipp(&a, hl, &sipp, sh_sipp_template("uas_refer_refused.xml", subst), NULL);
    /* bad input first: no address, an address that is no URI */
    CHECK_RC(lineBlindTransfer(h, NULL, 0), LINEERR_INVALPOINTER);
    CHECK_RC(lineBlindTransfer(h, "", 0), LINEERR_INVALADDRESS);
    CHECK_RC(lineBlindTransfer(h, "sip:", 0), LINEERR_INVALADDRESS);
    LONG req = lineBlindTransfer(h, XFER_DEST, 0);
    CHECK_REQ(req);
    t_expect_reply(&a, req, LINEERR_OPERATIONFAILED);
    t_expect_none(&a);
    CHECK_EQ(t_state(h, NULL), LINECALLSTATE_CONNECTED);
    sh_drop_idle_uui(&a, h, NULL, 0);
    sh_finish(&a, &sipp);
}

TEST(sip_xfer_sipp_refer_refused_603) { refer_refused("603"); }
TEST(sip_xfer_sipp_refer_refused_405) { refer_refused("405"); }

static bool refers_at(const struct ot_sip_counters *c, void *arg)
{
    const unsigned long *want = arg;
    return c->refers_received == want[0] && c->refer_refused == want[1] &&
           c->replaces_unmatched == want[2];
}

static void wait_refer_counters(unsigned long received, unsigned long refused,
                                unsigned long unmatched)
{
    unsigned long want[3] = {received, refused, unmatched};
    if (!ot_sip_counters_wait(refers_at, want, T_TIMEOUT_MS)) {
        struct ot_sip_counters c;
        ot_sip_counters_get(&c);
        FAIL("counters: refers_received %lu refer_refused %lu replaces_unmatched %lu, "
             "expected %lu %lu %lu",
             c.refers_received, c.refer_refused, c.replaces_unmatched, received, refused,
             unmatched);
    }
}

/* SIPp calls us and transfers us to carol (a second line of ours): a new
 * outgoing call (LINECALLREASON_TRANSFER, related to the first call, SIPp's
 * Referred-By as the redirecting ID) that carol answers; SIPp gets 202 and
 * the NOTIFYs (100 Trying, 200 OK), then hangs up the first call. */
TEST_THREADED(sip_xfer_sipp_refers_us)
{
    int pc = sh_free_port();
    char carol[160];
    snprintf(carol, sizeof(carol),
             "[line]\nprovider = sip\nnumber = carol\nuri = sip:carol@127.0.0.1:%d\n", pc);
    sh_config_line(sh_port(0), carol);
    ot_sip_counters_reset();
    tapp a, c;
    HLINE hl;
    sh_app_open(&a, &hl);
    t_init(&c, "carol");
    HLINE lc = t_open(&c, 1, LINECALLPRIVILEGE_OWNER);
    sproc sipp;
    char port[16];
    snprintf(port, sizeof(port), "%d", pc);
    const char *subst[] = {"CAROL", port, NULL};
    sh_sipp_start(&sipp, sh_sipp_template("uac_refers_us.xml", subst), sh_port(1), sh_port(0), 1,
                  NULL);
    HCALL h = t_expect_offer(&a, hl);
    LONG req = lineAnswer(h, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&a, req, 0);
    HCALL hn = t_expect_newcall(&a, hl, LINECALLPRIVILEGE_OWNER);
    t_expect_state(&a, hn, LINECALLSTATE_DIALING, 0);
    tcallinfo ci;
    t_callinfo(hn, &ci);
    CHECK_EQ(ci.ci.dwReason, LINECALLREASON_TRANSFER);
    CHECK_EQ(ci.ci.dwOrigin, LINECALLORIGIN_OUTBOUND);
    CHECK_EQ(ci.ci.dwRelatedCallID, t_call_id(h));
    CHECK(!strcmp(t_ci_str(&ci, ci.ci.dwRedirectingIDSize, ci.ci.dwRedirectingIDOffset),
                  "referrer"));
    CHECK(!strcmp(t_ci_str(&ci, ci.ci.dwRedirectingIDNameSize, ci.ci.dwRedirectingIDNameOffset),
                  "SIPp Referrer"));
    HCALL hc = t_expect_offer(&c, lc);
    req = lineAnswer(hc, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&c, hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&c, req, 0);
    sh_wait_state(&a, hn, LINECALLSTATE_CONNECTED);
    /* SIPp's BYE ends the transferred call */
    t_expect_state(&a, h, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&a, h);
    sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS);
    wait_refer_counters(1, 0, 0);
    sh_drop_idle_uui(&a, hn, NULL, 0);
    t_expect_state(&c, hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&c, hc);
    sh_wait_dialogs(0);
    t_shutdown(&c);
    t_expect_none(&a);
    t_shutdown(&a);
}

/* REFERs we cannot honour: no Refer-To (400), a tel: URI (501), the line at
 * its max_calls (603), and one outside a dialog (403); each counted, and the
 * call is untouched (no new call, no state). */
TEST_THREADED(sip_xfer_sipp_refer_refusals)
{
    sh_config_line(sh_port(0), "max_calls = 1\n");
    ot_sip_counters_reset();
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, "uac_refer_refused.xml", sh_port(1), sh_port(0), 1, NULL);
    HCALL h = t_expect_offer(&a, hl);
    LONG req = lineAnswer(h, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&a, req, 0);
    t_expect_state(&a, h, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&a, h);
    sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS);
    wait_refer_counters(0, 3, 0);
    sproc out;
    const char *aa[] = {"-aa", NULL}; /* answers Sofia's own NOTIFY (uac_refer_outside.xml) */
    sh_sipp_start_another(&out, "uac_refer_outside.xml", sh_port(2), sh_port(0), 1, aa);
    sh_expect_success(&out, SH_SIPP_TIMEOUT_MS);
    wait_refer_counters(0, 4, 0);
    sh_wait_dialogs(0);
    t_expect_none(&a);
    t_shutdown(&a);
}

/* SIPp's second INVITE replaces its first call: the new call is offered and
 * answered by the line (LINECALLREASON_TRANSFER, related to the replaced
 * call, the Referred-By as the redirecting ID), then the replaced call gets
 * our BYE and goes DISCONNECTED (NORMAL). */
TEST_THREADED(sip_xfer_sipp_invite_replaces)
{
    sh_config_line(sh_port(0), NULL);
    ot_sip_counters_reset();
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, "uac_replaces.xml", sh_port(1), sh_port(0), 1, NULL);
    HCALL h = t_expect_offer(&a, hl);
    LONG req = lineAnswer(h, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&a, req, 0);
    HCALL h2 = t_expect_offer(&a, hl);
    tcallinfo ci;
    t_callinfo(h2, &ci);
    CHECK_EQ(ci.ci.dwReason, LINECALLREASON_TRANSFER);
    CHECK_EQ(ci.ci.dwRelatedCallID, t_call_id(h));
    CHECK(!strcmp(t_ci_str(&ci, ci.ci.dwCallerIDSize, ci.ci.dwCallerIDOffset), "transferee"));
    CHECK(!strcmp(t_ci_str(&ci, ci.ci.dwRedirectingIDSize, ci.ci.dwRedirectingIDOffset),
                  "referrer"));
    CHECK_RC(lineAnswer(h2, NULL, 0), LINEERR_INVALCALLSTATE); /* the line answered it */
    t_expect_state(&a, h2, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&a, h, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&a, h);
    t_expect_state(&a, h2, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&a, h2);
    sh_finish(&a, &sipp);
}

/* An INVITE whose Replaces matches nothing: 481, no call, counted. */
TEST(sip_xfer_sipp_replaces_unknown_481)
{
    sh_config_line(sh_port(0), NULL);
    ot_sip_counters_reset();
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, "uac_replaces_unknown.xml", sh_port(1), sh_port(0), 1, NULL);
    sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS);
    wait_refer_counters(0, 0, 1);
    sh_wait_dialogs(0);
    t_expect_none(&a);
    t_shutdown(&a);
}

/* SIPp transfers us to carol, who does not answer, and hangs up its own call
 * before the transfer has an outcome (the referrer's dialog is gone, so no
 * NOTIFY can tell it).  Then the application drops the call made for the
 * REFER first and deallocates the referrer's call after it: the two calls'
 * links must be gone with the first (under ASan, a use-after-free the fuzz_sip
 * replay found when they were not). */
TEST_THREADED(sip_xfer_sipp_referrer_gone_before_the_outcome)
{
    int pc = sh_free_port();
    char carol[160];
    snprintf(carol, sizeof(carol),
             "[line]\nprovider = sip\nnumber = carol\nuri = sip:carol@127.0.0.1:%d\n", pc);
    sh_config_line(sh_port(0), carol);
    ot_sip_counters_reset();
    tapp a, c;
    HLINE hl;
    sh_app_open(&a, &hl);
    t_init(&c, "carol");
    HLINE lc = t_open(&c, 1, LINECALLPRIVILEGE_OWNER);
    sproc sipp;
    char port[16];
    snprintf(port, sizeof(port), "%d", pc);
    const char *subst[] = {"CAROL", port, NULL};
    sh_sipp_start(&sipp, sh_sipp_template("uac_refers_us_then_bye.xml", subst), sh_port(1),
                  sh_port(0), 1, NULL);
    HCALL h = t_expect_offer(&a, hl);
    LONG req = lineAnswer(h, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&a, req, 0);
    HCALL hn = t_expect_newcall(&a, hl, LINECALLPRIVILEGE_OWNER);
    t_expect_state(&a, hn, LINECALLSTATE_DIALING, 0);
    HCALL hc = t_expect_offer(&c, lc); /* carol rings and does not answer */
    /* SIPp's BYE ends the first call while the transfer's call still rings */
    t_expect_state(&a, h, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS);
    wait_refer_counters(1, 0, 0);
    /* the transfer's call goes first (CANCEL to carol), the referrer's after */
    sh_drop_idle_uui(&a, hn, NULL, 0);
    t_expect_state(&c, hc, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hc), 0);
    t_drop_idle(&a, h);
    sh_wait_dialogs(0);
    t_shutdown(&c);
    t_expect_none(&a);
    t_shutdown(&a);
}
