/* SIP provider against SIPp (the scenarios in tests/sipp): the scenarios check on the
 * wire what opentapi sends (User-to-User, Reason), and the tests check what
 * the application sees of what SIPp sends.  Every SIPp run is bounded
 * (-timeout, -recv_timeout) and waited for on its exit. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../src/providers/sip/sip.h"
#include "sip_helpers.h"

/* An offered call from SIPp: LINE_APPNEWCALL + OFFERING, caller "sipp". */
static HCALL expect_sipp_offer(tapp *a, HLINE hl)
{
    HCALL h = t_expect_offer(a, hl);
    tcallinfo ci;
    t_callinfo(h, &ci);
    CHECK(!strcmp(t_ci_str(&ci, ci.ci.dwCallerIDSize, ci.ci.dwCallerIDOffset), "sipp"));
    CHECK_EQ(ci.ci.dwOrigin, LINECALLORIGIN_EXTERNAL);
    return h;
}

static void answer(tapp *a, HCALL h)
{
    LONG req = lineAnswer(h, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(a, req, 0);
}

/* SIPp calls us with UUI; we answer and drop with UUI: SIPp checks the BYE's
 * User-to-User and Reason: Q.850;cause=16. */
TEST_THREADED(sip_sipp_we_drop_with_uui)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, "uac_we_drop.xml", sh_port(1), port, 1, NULL);
    HCALL h = expect_sipp_offer(&a, hl);
    static const unsigned char invite_uui[] = {0x04, 'i', 'n', 'v', 'i', 't', 'e'};
    sh_check_uui(h, invite_uui, sizeof(invite_uui));
    char name[64];
    t_callinfo_str(h, offsetof(LINECALLINFO, dwCallerIDNameSize), name, sizeof(name));
    CHECK(!strcmp(name, "SIPp Caller"));
    answer(&a, h);
    static const unsigned char bye[] = {0x04, 'b', 'y', 'e', '!'};
    sh_drop_idle_uui(&a, h, bye, sizeof(bye));
    sh_finish(&a, &sipp);
}

/* SIPp calls us; we drop the offered call: 603 Decline with UUI and
 * Reason: Q.850;cause=21, checked by SIPp. */
TEST(sip_sipp_we_reject_with_uui)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, "uac_we_reject.xml", sh_port(1), port, 1, NULL);
    HCALL h = expect_sipp_offer(&a, hl);
    static const unsigned char no[] = {0x04, 'n', 'o'};
    sh_drop_idle_uui(&a, h, no, sizeof(no));
    sh_finish(&a, &sipp);
}

/* SIPp hangs up with UUI and a Q.850 cause: the application reads the UUI
 * (LINE_CALLINFO before DISCONNECTED) and the mode the cause refines. */
static void sipp_hangs_up(const char *cause, DWORD mode)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    const char *extra[] = {"-set", "uui", "04736970702062796521", "-set", "cause", cause,
                           "-set", "invite_uui", "04696e76697465;encoding=hex;purpose=isdn-uui",
                           NULL};
    sh_sipp_start(&sipp, "uac_drops.xml", sh_port(1), port, 1, extra);
    HCALL h = expect_sipp_offer(&a, hl);
    LONG rel = lineReleaseUserUserInfo(h); /* the INVITE's UUI has been read */
    CHECK_REQ(rel);
    t_expect_reply(&a, rel, 0);
    answer(&a, h);
    t_expect_callinfo(&a, h, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&a, h, LINECALLSTATE_DISCONNECTED, mode);
    static const unsigned char uui[] = {0x04, 's', 'i', 'p', 'p', ' ', 'b', 'y', 'e', '!'};
    sh_check_uui(h, uui, sizeof(uui));
    sh_drop_idle_uui(&a, h, NULL, 0);
    sh_finish(&a, &sipp);
}

TEST_THREADED(sip_sipp_drops_with_uui) { sipp_hangs_up("16", LINEDISCONNECTMODE_NORMAL); }
TEST(sip_sipp_drops_q850_busy) { sipp_hangs_up("17", LINEDISCONNECTMODE_BUSY); }
TEST(sip_sipp_drops_q850_unknown_cause) { sipp_hangs_up("99", LINEDISCONNECTMODE_NORMAL); }

/* We call SIPp (UUI in the INVITE) and abandon while it rings: CANCEL with
 * Reason and UUI (checked by SIPp), the call IDLE at once. */
TEST(sip_sipp_we_abandon)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, "uas_abandon.xml", sh_port(1), 0, 1, NULL);
    char dest[64];
    snprintf(dest, sizeof(dest), "sip:sipp@127.0.0.1:%d", sh_port(1));
    static const unsigned char abc[] = {0x04, 'a', 'b', 'c'};
    HCALL h = t_make_call(&a, hl, dest, abc, sizeof(abc));
    t_expect_state(&a, h, LINECALLSTATE_DIALING, 0);
    sh_expect_state(&a, h, LINECALLSTATE_RINGBACK, 0);
    static const unsigned char giveup[] = {0x04, 'g', 'i', 'v', 'e', ' ', 'u', 'p'};
    sh_drop_idle_uui(&a, h, giveup, sizeof(giveup));
    sh_finish(&a, &sipp);
}

/* The answer crosses our CANCEL: opentapi ACKs the 200 and sends BYE with the
 * drop's UUI and Reason; the application saw IDLE only, and no dialog stays. */
TEST_THREADED(sip_sipp_cancel_answer_race)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, "uas_cancel_race.xml", sh_port(1), 0, 1, NULL);
    char dest[64];
    snprintf(dest, sizeof(dest), "sip:sipp@127.0.0.1:%d", sh_port(1));
    HCALL h = t_make_call(&a, hl, dest, NULL, 0);
    t_expect_state(&a, h, LINECALLSTATE_DIALING, 0);
    sh_expect_state(&a, h, LINECALLSTATE_RINGBACK, 0);
    static const unsigned char race[] = {0x04, 'r', 'a', 'c', 'e'};
    sh_drop_idle_uui(&a, h, race, sizeof(race));
    sh_finish(&a, &sipp);
}

/* SIPp answers our INVITE with a final error response carrying UUI and a
 * Reason: the call ends DISCONNECTED with the mapped mode, the UUI readable. */
static void final_response(int portn, const char *status, const char *phrase,
                           const char *cause, DWORD mode)
{
    int port = sh_port(portn);
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    const char *subst[] = {"STATUS", status, "PHRASE", phrase, "CAUSE", cause,
                           "UUI",    "04726561736f6e", NULL};
    sh_sipp_start(&sipp, sh_sipp_template("uas_final.xml", subst), sh_port(portn + 1), 0, 1,
                  NULL);
    char dest[64];
    snprintf(dest, sizeof(dest), "sip:sipp@127.0.0.1:%d", sh_port(portn + 1));
    HCALL h = t_make_call(&a, hl, dest, NULL, 0);
    t_expect_state(&a, h, LINECALLSTATE_DIALING, 0);
    LINEMESSAGE m = t_next(&a);
    if (m.dwMessageID == LINE_CALLSTATE && m.dwParam1 == LINECALLSTATE_PROCEEDING)
        m = t_next(&a);
    if (status[0] == '3') {
        /* where the far end sends the call (its Contact): reported, not followed */
        if (m.dwMessageID != LINE_CALLINFO || m.dwParam1 != LINECALLINFOSTATE_REDIRECTIONID)
            FAIL("%s: expected LINE_CALLINFO(REDIRECTIONID), got message %u (%lx)", status,
                 (unsigned)m.dwMessageID, (unsigned long)m.dwParam1);
        char rid[128];
        t_callinfo_str(h, offsetof(LINECALLINFO, dwRedirectionIDSize), rid, sizeof(rid));
        CHECK(!strcmp(rid, "elsewhere@127.0.0.1"));
        m = t_next(&a);
    }
    if (m.dwMessageID != LINE_CALLINFO || m.dwParam1 != LINECALLINFOSTATE_USERUSERINFO)
        FAIL("%s: expected LINE_CALLINFO(USERUSERINFO), got message %u (%lx)", status,
             (unsigned)m.dwMessageID, (unsigned long)m.dwParam1);
    static const unsigned char reason[] = {0x04, 'r', 'e', 'a', 's', 'o', 'n'};
    sh_check_uui(h, reason, sizeof(reason));
    if (mode == LINEDISCONNECTMODE_BUSY)
        t_expect_state(&a, h, LINECALLSTATE_BUSY,
                       !strcmp(status, "600") ? LINEBUSYMODE_UNKNOWN : LINEBUSYMODE_STATION);
    t_expect_state(&a, h, LINECALLSTATE_DISCONNECTED, mode);
    /* The status and phrase behind the mode: LINECALLINFO's DevSpecific text. */
    tcallinfo u;
    t_callinfo(h, &u);
    char want[96];
    snprintf(want, sizeof(want), "SIP %s %s", status, phrase);
    const char *got = t_ci_str(&u, u.ci.dwDevSpecificSize, u.ci.dwDevSpecificOffset);
    if (strcmp(got, want))
        FAIL("%s: DevSpecific \"%s\", expected \"%s\"", status, got, want);
    sh_drop_idle_uui(&a, h, NULL, 0);
    sh_finish(&a, &sipp);
}

/* Failures Sofia-SIP reports itself, with no peer to answer: a name that does
 * not resolve, no transport to the destination, a port that refuses (ICMP,
 * TCP reset), no response at all.  line_extra: keys of the calling line. */
static void local_failure_on(const char *line_extra, const char *dest, DWORD mode,
                             const char *cause)
{
    sh_config_line(sh_port(18), line_extra);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    HCALL h = t_make_call(&a, hl, dest, NULL, 0);
    sh_wait_state(&a, h, LINECALLSTATE_DISCONNECTED);
    DWORD got_mode = 0;
    CHECK_EQ(t_state(h, &got_mode), LINECALLSTATE_DISCONNECTED);
    CHECK_EQ(got_mode, mode);
    tcallinfo u;
    t_callinfo(h, &u);
    const char *got = t_ci_str(&u, u.ci.dwDevSpecificSize, u.ci.dwDevSpecificOffset);
    if (strcmp(got, cause))
        FAIL("%s: DevSpecific \"%s\", expected \"%s\"", dest, got, cause);
    sh_drop_idle_uui(&a, h, NULL, 0);
    t_shutdown(&a);
}

static void local_failure(const char *dest, DWORD mode, const char *cause)
{
    local_failure_on(NULL, dest, mode, cause);
}

TEST(sip_cause_unresolvable_host_is_badaddress)
{
    local_failure("sip:nobody@host.invalid", LINEDISCONNECTMODE_BADADDRESS,
                  "SIP 503 DNS Error (local)");
}

TEST(sip_cause_no_transport_is_unreachable)
{
    char dest[80];
    snprintf(dest, sizeof(dest), "sip:nobody@127.0.0.1:%d;transport=tcp", sh_port(19));
    local_failure(dest, LINEDISCONNECTMODE_UNREACHABLE, "SIP 503 No transport (local)");
}

/* UDP to a port nobody listens on: ICMP port unreachable, our stack's 503. */
TEST(sip_cause_icmp_unreachable_is_unreachable)
{
    char dest[80];
    snprintf(dest, sizeof(dest), "sip:nobody@127.0.0.1:%d", sh_free_port());
    local_failure(dest, LINEDISCONNECTMODE_UNREACHABLE, "SIP 503 Service Unavailable (local)");
}

/* TCP to a port nobody listens on: connection refused, our stack's 503. */
TEST(sip_cause_connection_refused_is_unreachable)
{
    char dest[80];
    snprintf(dest, sizeof(dest), "sip:nobody@127.0.0.1:%d", sh_free_port());
    local_failure_on("transport = tcp\n", dest, LINEDISCONNECTMODE_UNREACHABLE,
                     "SIP 503 Service Unavailable (local)");
}

/* A peer that never answers (a UDP socket that reads nothing): our stack's
 * 408 after no_response_timeout (1 s here, 32 s by default) is UNREACHABLE,
 * unlike a peer's 408 (NOANSWER, sip_sipp_408_noanswer). */
TEST(sip_cause_no_response_is_unreachable)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(fd >= 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    socklen_t sl = sizeof(sa);
    CHECK(getsockname(fd, (struct sockaddr *)&sa, &sl) == 0);
    char dest[80];
    snprintf(dest, sizeof(dest), "sip:silent@127.0.0.1:%d", ntohs(sa.sin_port));
    local_failure_on("no_response_timeout = 1\n", dest, LINEDISCONNECTMODE_UNREACHABLE,
                     "SIP 408 Request Timeout (local)");
    close(fd);
}

TEST(sip_sipp_486_busy) { final_response(0, "486", "Busy Here", "17", LINEDISCONNECTMODE_BUSY); }
TEST(sip_sipp_600_busy)
{
    final_response(2, "600", "Busy Everywhere", "17", LINEDISCONNECTMODE_BUSY);
}
TEST(sip_sipp_603_reject)
{
    final_response(4, "603", "Decline", "21", LINEDISCONNECTMODE_REJECT);
}
TEST(sip_sipp_403_reject)
{
    final_response(6, "403", "Forbidden", "21", LINEDISCONNECTMODE_REJECT);
}
TEST(sip_sipp_404_badaddress)
{
    final_response(8, "404", "Not Found", "1", LINEDISCONNECTMODE_BADADDRESS);
}
TEST(sip_sipp_604_badaddress)
{
    final_response(16, "604", "Does Not Exist Anywhere", "1", LINEDISCONNECTMODE_BADADDRESS);
}
TEST(sip_sipp_484_badaddress)
{
    final_response(10, "484", "Address Incomplete", "28", LINEDISCONNECTMODE_BADADDRESS);
}
TEST(sip_sipp_480_noanswer)
{
    final_response(12, "480", "Temporarily Unavailable", "19", LINEDISCONNECTMODE_NOANSWER);
}
TEST(sip_sipp_408_noanswer)
{
    final_response(14, "408", "Request Timeout", "18", LINEDISCONNECTMODE_NOANSWER);
}
TEST(sip_sipp_503_tempfailure)
{
    final_response(16, "503", "Service Unavailable", "41", LINEDISCONNECTMODE_TEMPFAILURE);
}
TEST(sip_sipp_503_congestion)
{
    final_response(0, "503", "Service Unavailable", "34", LINEDISCONNECTMODE_CONGESTION);
}
TEST(sip_sipp_410_numberchanged)
{
    final_response(2, "410", "Gone", "22", LINEDISCONNECTMODE_NUMBERCHANGED);
}
TEST(sip_sipp_502_outoforder)
{
    final_response(4, "502", "Bad Gateway", "27", LINEDISCONNECTMODE_OUTOFORDER);
}
TEST(sip_sipp_488_incompatible)
{
    final_response(6, "488", "Not Acceptable Here", "88", LINEDISCONNECTMODE_INCOMPATIBLE);
}
TEST(sip_sipp_302_forwarded)
{
    final_response(8, "302", "Moved Temporarily", "23", LINEDISCONNECTMODE_FORWARDED);
}
TEST(sip_sipp_402_blocked)
{
    final_response(0, "402", "Payment Required", "127", LINEDISCONNECTMODE_BLOCKED);
}
TEST(sip_sipp_482_unreachable)
{
    final_response(2, "482", "Loop Detected", "127", LINEDISCONNECTMODE_UNREACHABLE);
}
TEST(sip_sipp_487_cancelled)
{
    final_response(4, "487", "Request Terminated", "127", LINEDISCONNECTMODE_CANCELLED);
}
/* Codes without an entry: the Q.850 cause decides, else UNKNOWN (4xx) or
 * UNAVAIL (5xx/6xx). */
TEST(sip_sipp_499_fallback_unknown)
{
    final_response(10, "499", "Whatever", "127", LINEDISCONNECTMODE_UNKNOWN);
}
TEST(sip_sipp_599_fallback_unavail)
{
    final_response(12, "599", "Whatever", "127", LINEDISCONNECTMODE_UNAVAIL);
}
TEST(sip_sipp_499_q850_decides)
{
    final_response(14, "499", "Whatever", "27", LINEDISCONNECTMODE_OUTOFORDER);
}

/* Nobody has the line open: 480 with Reason: Q.850;cause=18 at once (checked
 * by SIPp). */
TEST(sip_sipp_line_not_open_480)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    t_init(&a, "idle");
    sproc sipp;
    sh_sipp_start(&sipp, "uac_expect_480.xml", sh_port(1), port, 1, NULL);
    sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS);
    sh_wait_dialogs(0);
    t_expect_none(&a);
    t_shutdown(&a);
}

/* SIPp abandons its call while it rings here (CANCEL with UUI): the offered
 * call goes IDLE, the CANCEL's UUI announced first; SIPp gets 200 + 487. */
TEST(sip_sipp_caller_cancels)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, "uac_cancels.xml", sh_port(1), port, 1, NULL);
    HCALL h = expect_sipp_offer(&a, hl);
    LONG req = lineAccept(h, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&a, h, LINECALLSTATE_ACCEPTED, 0);
    t_expect_reply(&a, req, 0);
    t_expect_callinfo(&a, h, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&a, h, LINECALLSTATE_IDLE, 0);
    static const unsigned char uui[] = {0x04, 'g', 'i', 'v', 'e', ' ', 'u', 'p'};
    sh_check_uui(h, uui, sizeof(uui));
    CHECK_RC(lineDrop(h, NULL, 0), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineDeallocateCall(h), 0);
    sh_finish(&a, &sipp);
}
