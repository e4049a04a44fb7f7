/* SIP provider: drops and rejections at the edges of a call's life, checked
 * on the wire by SIPp (tests/sipp) and in the application's messages: a drop
 * between our 200 OK and its ACK, a drop before any provisional response, a
 * rejection after lineAccept, the configured rejection statuses, a line that
 * may not reject, shutdowns that a silent far end must not hold up.  Every
 * SIPp run is bounded and waited for on its exit; no test sleeps (SIPp's
 * scripted pauses set the timing). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/providers/sip/sip.h"
#include "sip_helpers.h"

/* ---- a drop while our 200 OK waits for its ACK ----------------------------------- */
static const char *late_ack_scenario(bool with_uui)
{
    const char *subst[] = {
        "UUI_CHECK",
        /* with UUI: exactly one User-to-User, with the drop's bytes; without:
         * none at all */
        with_uui ? "<ereg regexp=\"^ *0462796521;encoding=hex;purpose=isdn-uui$\" "
                   "search_in=\"hdr\" header=\"User-to-User:\" check_it=\"true\" "
                   "assign_to=\"uui\"/>"
                   "<ereg regexp=\"[Uu]ser-[Tt]o-[Uu]ser:.*[Uu]ser-[Tt]o-[Uu]ser:\" "
                   "search_in=\"msg\" check_it_inverse=\"true\" assign_to=\"uui1\"/>"
                 : "<ereg regexp=\"[Uu]ser-[Tt]o-[Uu]ser\" search_in=\"msg\" "
                   "check_it_inverse=\"true\" assign_to=\"nouui\"/>",
        "UUI_REF", with_uui ? ",uui,uui1" : ",nouui", NULL};
    return sh_sipp_template("uac_late_ack.xml", subst);
}

/* SIPp holds its ACK back 300 ms; the application answers and drops with UUI
 * at once.  The drop completes as usual (the answer fails: the call is gone
 * before it connected), and the BYE waits for the ACK: SIPp fails the call if
 * the BYE comes first, and checks its User-to-User and Reason. */
TEST_THREADED(sip_drop_before_ack_byes_after_ack)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, late_ack_scenario(true), sh_port(1), port, 1, NULL);
    HCALL h = t_expect_offer(&a, hl);
    LONG ans = lineAnswer(h, NULL, 0);
    CHECK_REQ(ans);
    static const unsigned char bye[] = {0x04, 'b', 'y', 'e', '!'};
    LONG req = lineDrop(h, (LPCSTR)bye, sizeof(bye));
    CHECK_REQ(req);
    t_expect_reply(&a, ans, LINEERR_INVALCALLSTATE);
    t_expect_state(&a, h, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&a, req, 0);
    CHECK_RC(lineDeallocateCall(h), 0);
    sh_finish(&a, &sipp);
}

/* The same with lineClose right after lineAnswer: the line lets the call go,
 * and the BYE (Reason, no UUI) still waits for the ACK. */
TEST(sip_close_before_ack_byes_after_ack)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, late_ack_scenario(false), sh_port(1), port, 1, NULL);
    HCALL h = t_expect_offer(&a, hl);
    CHECK_REQ(lineAnswer(h, NULL, 0));
    CHECK_RC(lineClose(hl), 0);
    LINEMESSAGE m;
    while (t_poll(&a, &m)) /* whatever the close settled (the answer's reply) */
        CHECK(m.dwMessageID == LINE_REPLY);
    sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS);
    sh_wait_dialogs(0);
    t_expect_none(&a);
    t_shutdown(&a);
}

/* The same with lineShutdown of the only application: the provider stops,
 * and its shutdown waits for the ACK before the BYE (Reason, no UUI). */
TEST_THREADED(sip_shutdown_before_ack_byes_after_ack)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, late_ack_scenario(false), sh_port(1), port, 1, NULL);
    HCALL h = t_expect_offer(&a, hl);
    CHECK_REQ(lineAnswer(h, NULL, 0));
    CHECK_RC(lineShutdown(a.h), 0);
    sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS);
    sh_wait_dialogs(0);
}

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* SIPp never ACKs our 200 OK and the only application shuts down: the stop
 * waits for the ACK a bounded time (4 s, the 200 retransmitted meanwhile),
 * then shuts down anyway, and Sofia's shutdown ends the dialog with a BYE
 * that SIPp answers.  lineShutdown takes those 4 s, not the 32 s of the
 * transaction's timeout. */
TEST(sip_shutdown_without_ack_is_bounded)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, "uac_no_ack.xml", sh_port(1), port, 1, NULL);
    HCALL h = t_expect_offer(&a, hl);
    CHECK_REQ(lineAnswer(h, NULL, 0));
    long long t = mono_ms();
    CHECK_RC(lineShutdown(a.h), 0);
    t = mono_ms() - t;
    if (t < 3900 || t > 15000)
        FAIL("lineShutdown took %lld ms; expected the 4 s wait for the ACK and no more than "
             "a shutdown after it",
             t);
    sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS);
    sh_wait_dialogs(0);
}

/* We call SIPp and abandon the call; SIPp answers the CANCEL (200) but never
 * the INVITE (no 487), so our INVITE transaction stays in flight (64*T1,
 * 32 s), and the only application shuts down.  The stop waits for the final
 * response a bounded time (4 s), then lets the handle go before
 * nua_shutdown, which would otherwise wait for it until its own 30 s limit
 * (the fuzz_sip finding, docs/sip.md). */
/* A line (the only application on it) calls a SIPp running scenario: the
 * call, DIALING. */
static HCALL call_sipp(tapp *a, sproc *sipp, const char *scenario)
{
    sh_config_line(sh_port(0), NULL);
    HLINE hl;
    sh_app_open(a, &hl);
    sh_sipp_start(sipp, scenario, sh_port(1), 0, 1, NULL);
    char dest[64];
    snprintf(dest, sizeof(dest), "sip:sipp@127.0.0.1:%d", sh_port(1));
    HCALL h = t_make_call(a, hl, dest, NULL, 0);
    t_expect_state(a, h, LINECALLSTATE_DIALING, 0);
    return h;
}

TEST(sip_shutdown_cancel_unanswered_is_bounded)
{
    tapp a;
    sproc sipp;
    HCALL h = call_sipp(&a, &sipp, "uas_cancel_no_487.xml");
    /* (NUA reports no 100 Trying: the CANCEL goes once it came) */
    sh_drop_idle_uui(&a, h, NULL, 0);
    sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS); /* it answered the CANCEL */
    long long t = mono_ms();
    CHECK_RC(lineShutdown(a.h), 0);
    t = mono_ms() - t;
    if (t > 10000)
        FAIL("lineShutdown took %lld ms; expected the 4 s wait for the INVITE's final "
             "response and no more than a shutdown after it",
             t);
    sh_wait_dialogs(0);
}

/* The answer crosses our CANCEL while the only application shuts down (SIPp
 * sends its 200 a second after answering the CANCEL): the shutdown, waiting
 * for the INVITE's final response, ACKs it and sends the BYE with the drop's
 * UUI and Reason (checked by SIPp), as a line that is not stopping does. */
TEST(sip_shutdown_cancel_answer_race)
{
    tapp a;
    sproc sipp;
    HCALL h = call_sipp(&a, &sipp, "uas_cancel_race_late.xml");
    sh_expect_state(&a, h, LINECALLSTATE_RINGBACK, 0);
    static const unsigned char race[] = {0x04, 'r', 'a', 'c', 'e'};
    sh_drop_idle_uui(&a, h, race, sizeof(race));
    CHECK_RC(lineShutdown(a.h), 0);
    sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS);
    sh_wait_dialogs(0);
}

/* lineShutdown against a registrar (SIPp, its scenario) that stops
 * answering, right after lineOpen (registered = wait for the REGISTER's
 * 200 first): the transaction in flight would hold the shutdown for 64*T1
 * (timer F, 32 s), or nua_shutdown up to its own 30 s limit.  The stop
 * waits for the answer a bounded time (4 s), then lets the registration's
 * handle go before nua_shutdown: the request was sent (SIPp's scenario
 * needs it) and waited for, and lineShutdown took those 4 s. */
static void shutdown_registrar_silent(const char *scenario, bool registered)
{
    int port = sh_port(0);
    char extra[64];
    snprintf(extra, sizeof(extra), "registrar = sip:127.0.0.1:%d\n", sh_port(1));
    sh_config_line(port, extra);
    sproc sipp;
    sh_sipp_start(&sipp, scenario, sh_port(1), 0, 1, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    if (registered)
        sh_wait_registered(1);
    long long t = mono_ms();
    CHECK_RC(lineShutdown(a.h), 0);
    t = mono_ms() - t;
    if (t < 3900 || t > 10000)
        FAIL("%s: lineShutdown took %lld ms; expected the 4 s wait for the registrar's answer "
             "and no more than a shutdown after it",
             scenario, t);
    sh_wait_registered(0);
    sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS); /* it got what it waits for */
}

/* The registrar answers the REGISTER (200) and never the un-REGISTER. */
TEST(sip_shutdown_unregister_unanswered_is_bounded)
{
    shutdown_registrar_silent("uas_registrar_silent_unregister.xml", true);
}

/* The registrar never answers the REGISTER, still in flight at the stop. */
TEST(sip_shutdown_register_unanswered_is_bounded)
{
    shutdown_registrar_silent("uas_registrar_silent.xml", false);
}

/* The registrar answers the REGISTER (200) during the stop's wait, 1 s
 * late, and never the un-REGISTER that the stop then sends (had the 200
 * come before the stop, the un-REGISTER would be the first test's). */
TEST(sip_shutdown_register_answered_late_unregisters)
{
    shutdown_registrar_silent("uas_registrar_late_silent_unregister.xml", false);
}

/* ---- rejections -------------------------------------------------------------------- */

static const char *reject_scenario(const char *status, const char *cause, bool after_180)
{
    const char *subst[] = {"STATUS", status,  "CAUSE", cause, "UUI", "046e6f",
                           "RINGING", after_180 ? "false" : "true", NULL};
    return sh_sipp_template("uac_reject_status.xml", subst);
}

/* reject_status = N: lineDrop on the offered call answers N with UUI and the
 * status's Q.850 cause in Reason (checked by SIPp). */
static void reject_with(const char *status, const char *cause)
{
    int port = sh_port(0);
    char extra[64];
    snprintf(extra, sizeof(extra), "reject_status = %s\n", status);
    sh_config_line(port, extra);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, reject_scenario(status, cause, false), sh_port(1), port, 1, NULL);
    HCALL h = t_expect_offer(&a, hl);
    static const unsigned char no[] = {0x04, 'n', 'o'};
    sh_drop_idle_uui(&a, h, no, sizeof(no));
    sh_finish(&a, &sipp);
}

TEST(sip_reject_status_486) { reject_with("486", "17"); }
TEST(sip_reject_status_480) { reject_with("480", "19"); }
TEST(sip_reject_status_600) { reject_with("600", "17"); }

/* lineAccept (180), then lineDrop: the ACCEPTED call is rejected, 603 with
 * UUI and Reason: Q.850;cause=21 after the 180 (checked by SIPp). */
TEST(sip_reject_after_accept)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, reject_scenario("603", "21", true), sh_port(1), port, 1, NULL);
    HCALL h = t_expect_offer(&a, hl);
    LONG acc = lineAccept(h, NULL, 0);
    CHECK_REQ(acc);
    t_expect_state(&a, h, LINECALLSTATE_ACCEPTED, 0);
    t_expect_reply(&a, acc, 0);
    static const unsigned char no[] = {0x04, 'n', 'o'};
    sh_drop_idle_uui(&a, h, no, sizeof(no));
    sh_finish(&a, &sipp);
}

/* reject = no: lineDrop on the offered call is LINEERR_OPERATIONUNAVAIL and
 * changes nothing: the call still rings (lineAccept sends a 180), and can
 * still be answered; the connected call drops as usual (BYE with UUI and
 * Reason, checked by SIPp).  SIPp waits for our 200 OK, so nothing it sends
 * can end the call while the test checks it.  (It used to CANCEL right after
 * the 180, which could overtake the check after lineAccept: the call was
 * already IDLE and lineDrop said LINEERR_INVALCALLSTATE, seen under ASan.) */
TEST(sip_reject_no_keeps_ringing)
{
    int port = sh_port(0);
    sh_config_line(port, "reject = no\n");
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, "uac_we_drop.xml", sh_port(1), port, 1, NULL);
    HCALL h = t_expect_offer(&a, hl);
    static const unsigned char no[] = {0x04, 'n', 'o'};
    CHECK_RC(lineDrop(h, (LPCSTR)no, sizeof(no)), LINEERR_OPERATIONUNAVAIL);
    CHECK_RC(lineDrop(h, NULL, 0), LINEERR_OPERATIONUNAVAIL);
    DWORD mode;
    CHECK_EQ(t_state(h, &mode), LINECALLSTATE_OFFERING);
    t_expect_none(&a);
    LONG acc = lineAccept(h, NULL, 0);
    CHECK_REQ(acc);
    t_expect_state(&a, h, LINECALLSTATE_ACCEPTED, 0);
    t_expect_reply(&a, acc, 0);
    CHECK_RC(lineDrop(h, NULL, 0), LINEERR_OPERATIONUNAVAIL);
    CHECK_EQ(t_state(h, &mode), LINECALLSTATE_ACCEPTED);
    t_expect_none(&a);
    LONG ans = lineAnswer(h, NULL, 0);
    CHECK_REQ(ans);
    t_expect_state(&a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&a, ans, 0);
    static const unsigned char bye[] = {0x04, 'b', 'y', 'e', '!'};
    sh_drop_idle_uui(&a, h, bye, sizeof(bye));
    sh_finish(&a, &sipp);
}

/* ---- abandon before any response ------------------------------------------------------ */
/* lineDrop while DIALING, before SIPp sent anything: IDLE at once; the
 * CANCEL waits for the 180 (SIPp fails an earlier one) and carries the
 * drop's UUI and Reason; SIPp's 487 is ACKed and no dialog is left. */
TEST(sip_drop_while_dialing_cancels_after_1xx)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, "uas_early_abandon.xml", sh_port(1), 0, 1, NULL);
    char dest[64];
    snprintf(dest, sizeof(dest), "sip:sipp@127.0.0.1:%d", sh_port(1));
    HCALL h = t_make_call(&a, hl, dest, NULL, 0);
    t_expect_state(&a, h, LINECALLSTATE_DIALING, 0);
    static const unsigned char giveup[] = {0x04, 'g', 'i', 'v', 'e', ' ', 'u', 'p'};
    sh_drop_idle_uui(&a, h, giveup, sizeof(giveup));
    sh_finish(&a, &sipp);
}
