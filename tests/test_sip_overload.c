/* SIP overload control against SIPp: past a line's max_calls an INVITE gets
 * 486 Busy Here, past the process's [sip] max_calls or max_invite_rate 503
 * Service Unavailable with Retry-After, at once and before anything is
 * allocated for it; never silence.  The INVITE rate runs on the core clock,
 * so the tests drive it by hand. */
#include <stddef.h>
#include <stdio.h>

#include "../src/providers/sip/sip.h"
#include "sip_helpers.h"

static struct ot_sip_counters counters(void)
{
    struct ot_sip_counters c;
    ot_sip_counters_get(&c);
    return c;
}

/* Two calls held OFFERING (SIPp waits for their rejection), then a third
 * SIPp call that must be refused with `scenario`; then the two are rejected. */
static void third_call_refused(const char *extra_config, const char *scenario, size_t field)
{
    int port = sh_port(0);
    sh_config_line(port, extra_config);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    struct ot_sip_counters before = counters();
    sproc held, refused;
    sh_sipp_start(&held, "uac_we_reject.xml", sh_port(1), port, 2, NULL);
    HCALL h1 = t_expect_offer(&a, hl);
    HCALL h2 = t_expect_offer(&a, hl);
    sh_sipp_start_another(&refused, scenario, sh_port(2), port, 1, NULL);
    sh_expect_success(&refused, SH_SIPP_TIMEOUT_MS);
    t_expect_none(&a); /* the refused call never reached the application */
    struct ot_sip_counters after = counters();
    unsigned long b = *(unsigned long *)(void *)((char *)&before + field);
    unsigned long n = *(unsigned long *)(void *)((char *)&after + field);
    CHECK_EQ(n - b, 1);
    static const unsigned char no[] = {0x04, 'n', 'o'};
    sh_drop_idle_uui(&a, h1, no, sizeof(no));
    sh_drop_idle_uui(&a, h2, no, sizeof(no));
    sh_finish(&a, &held);
}

TEST(sip_overload_line_max_calls_486)
{
    third_call_refused("max_calls = 2\n", "uac_expect_486.xml",
                       offsetof(struct ot_sip_counters, refused_busy));
}

TEST(sip_overload_process_max_calls_503)
{
    third_call_refused("[sip]\nmax_calls = 2\n", "uac_expect_503.xml",
                       offsetof(struct ot_sip_counters, refused_overload));
}

TEST(sip_overload_invite_rate_503)
{
    /* max_invite_rate = 2: a bucket of two INVITEs, refilled at 2 per second
     * of the (manual) core clock. */
    CHECK_RC(otClockSetManual(TRUE), 0);
    int port = sh_port(0);
    sh_config_line(port, "[sip]\nmax_invite_rate = 2\n");
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    struct ot_sip_counters before = counters();
    sproc held, refused, later;
    sh_sipp_start(&held, "uac_we_reject.xml", sh_port(1), port, 2, NULL);
    HCALL h1 = t_expect_offer(&a, hl);
    HCALL h2 = t_expect_offer(&a, hl);
    /* The clock stands still: the bucket is empty, three more are refused. */
    sh_sipp_start_another(&refused, "uac_expect_503.xml", sh_port(2), port, 3, NULL);
    sh_expect_success(&refused, SH_SIPP_TIMEOUT_MS);
    t_expect_none(&a);
    CHECK_EQ(counters().refused_overload - before.refused_overload, 3);
    static const unsigned char no[] = {0x04, 'n', 'o'};
    sh_drop_idle_uui(&a, h1, no, sizeof(no));
    sh_drop_idle_uui(&a, h2, no, sizeof(no));
    sh_expect_success(&held, SH_SIPP_TIMEOUT_MS);
    /* Half a second later, one INVITE's worth is back. */
    CHECK_RC(otClockAdvance(500), 0);
    sh_sipp_start_another(&later, "uac_we_reject.xml", sh_port(3), port, 1, NULL);
    HCALL h3 = t_expect_offer(&a, hl);
    sh_drop_idle_uui(&a, h3, no, sizeof(no));
    sh_expect_success(&later, SH_SIPP_TIMEOUT_MS);
    CHECK_EQ(counters().refused_overload - before.refused_overload, 3);
    sh_wait_dialogs(0);
    t_expect_none(&a);
    t_shutdown(&a);
    CHECK_RC(otClockSetManual(FALSE), 0);
}

TEST(sip_overload_bad_settings_refused)
{
    /* Out-of-range limits fail the start, with a message, never a crash. */
    const char *bad[] = {"max_calls = 0\n", "max_calls = 100001\n", "max_calls = x\n",
                         "[sip]\nmax_calls = 0\n", "[sip]\nmax_invite_rate = -1\n",
                         "[sip]\nmax_invite_rate = 1000001\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        sh_config_line(sh_port(0), bad[i]);
        HLINEAPP h = 0;
        DWORD n = 0, api = T_API;
        LINEINITIALIZEEXPARAMS p;
        memset(&p, 0, sizeof(p));
        p.dwTotalSize = sizeof(p);
        p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
        LONG rc = lineInitializeEx(&h, NULL, NULL, "bad", &n, &api, &p);
        if (rc == 0) {
            lineShutdown(h);
            FAIL("configuration %s was accepted", bad[i]);
        }
    }
    T_LOG_EXPECT("[sip] max_invite_rate: out of range");
}

TEST(sip_oversized_message_refused_413)
{
    /* A 45 KB INVITE with 4,000 headers (the line's limit is 8 KiB plus twice
     * its 128-byte dwUUICallInfoSize): 413 before parsing, no call offered;
     * an ordinary call right after is offered as usual. */
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    static char headers[5000 * 24];
    size_t n = 0;
    for (unsigned i = 0; i < 4000; i++)
        n += (size_t)snprintf(headers + n, sizeof(headers) - n, "X-H%u: a\n", i);
    const char *subst[] = {"HEADERS", headers, NULL, NULL};
    sproc big, ordinary;
    sh_sipp_start(&big, sh_sipp_template("uac_expect_413.xml", subst), sh_port(1), port, 1,
                  NULL);
    sh_expect_success(&big, SH_SIPP_TIMEOUT_MS);
    t_expect_none(&a);
    sh_sipp_start_another(&ordinary, "uac_we_reject.xml", sh_port(2), port, 1, NULL);
    HCALL h = t_expect_offer(&a, hl);
    static const unsigned char no[] = {0x04, 'n', 'o'};
    sh_drop_idle_uui(&a, h, no, sizeof(no));
    sh_finish(&a, &ordinary);
}

/* RFC 4028: a peer that vanishes once its call is up (no BYE, its port
 * closed).  Our session refresh, due after half the 4 s interval, fails: the
 * call ends DISCONNECTED (TEMPFAILURE: the address refused the refresh)
 * instead of staying up for good.  Whether the peer supports session timers
 * (and asks us to refresh) or not (we refresh anyway, RFC 4028 section 9). */
static void vanished_peer(const char *timer_headers)
{
    int port = sh_port(0);
    sh_config_line(port, "session_expires = 4\n");
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    const char *subst[] = {"TIMER", timer_headers, NULL, NULL};
    sh_sipp_start(&sipp, sh_sipp_template("uac_vanishes.xml", subst), sh_port(1), port, 1, NULL);
    HCALL h = t_expect_offer(&a, hl);
    LONG req = lineAnswer(h, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&a, req, 0);
    sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS); /* SIPp is gone */
    t_expect_state(&a, h, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_TEMPFAILURE);
    t_drop_idle(&a, h);
    sh_wait_dialogs(0);
    t_expect_none(&a);
    t_shutdown(&a);
}

TEST(sip_session_timer_peer_with_timers_vanishes)
{
    vanished_peer("      Supported: timer\n      Session-Expires: 4;refresher=uas\n"
                  "      Min-SE: 4");
}

TEST(sip_session_timer_plain_peer_vanishes) { vanished_peer(""); }

/* Outgoing calls count against the same limits: lineMakeCall when the line
 * has its max_calls calls is LINEERR_CALLUNAVAIL (all its call appearances
 * are in use), when the process has [sip] max_calls SIP calls
 * LINEERR_RESOURCEUNAVAIL; refused at once, with or without a destination,
 * no handle.  The outgoing calls count for an incoming INVITE too (486 /
 * 503), and a call dropped makes room for the next. */
static void outgoing_refused(const char *extra, LONG expected, const char *scenario,
                             size_t field)
{
    int port = sh_port(0);
    sh_config_line(port, extra);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    HCALL h[3];
    for (int i = 0; i < 2; i++) {
        h[i] = t_make_call(&a, hl, NULL, NULL, 0);
        t_expect_state(&a, h[i], LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    }
    char dest[64];
    snprintf(dest, sizeof(dest), "sip:nobody@127.0.0.1:%d", sh_port(1));
    h[2] = 0;
    CHECK_RC(lineMakeCall(hl, &h[2], NULL, 0, NULL), expected);
    CHECK_RC(lineMakeCall(hl, &h[2], dest, 0, NULL), expected);
    CHECK_EQ(h[2], 0);
    t_expect_none(&a);
    struct ot_sip_counters before = counters();
    sproc refused;
    sh_sipp_start(&refused, scenario, sh_port(2), port, 1, NULL);
    sh_expect_success(&refused, SH_SIPP_TIMEOUT_MS);
    t_expect_none(&a);
    struct ot_sip_counters after = counters();
    unsigned long b = *(unsigned long *)(void *)((char *)&before + field);
    unsigned long n = *(unsigned long *)(void *)((char *)&after + field);
    CHECK_EQ(n - b, 1);
    sh_drop_idle_uui(&a, h[0], NULL, 0);
    h[2] = t_make_call(&a, hl, NULL, NULL, 0);
    t_expect_state(&a, h[2], LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    sh_drop_idle_uui(&a, h[1], NULL, 0);
    sh_drop_idle_uui(&a, h[2], NULL, 0);
    sh_wait_dialogs(0);
    t_expect_none(&a);
    t_shutdown(&a);
}

TEST(sip_overload_outgoing_line_max_calls_callunavail)
{
    outgoing_refused("max_calls = 2\n", LINEERR_CALLUNAVAIL, "uac_expect_486.xml",
                     offsetof(struct ot_sip_counters, refused_busy));
}

TEST(sip_overload_outgoing_process_max_calls_resourceunavail)
{
    outgoing_refused("[sip]\nmax_calls = 2\n", LINEERR_RESOURCEUNAVAIL, "uac_expect_503.xml",
                     offsetof(struct ot_sip_counters, refused_overload));
}

/* A conference's consultation call is an outgoing call: on a line with
 * max_calls = 1 and one call up, lineSetupConference is LINEERR_CALLUNAVAIL
 * and the call stays as it was (CONNECTED, droppable). */
TEST(sip_overload_outgoing_conference_consult_callunavail)
{
    int p0 = sh_free_port(), p1 = sh_free_port();
    char text[512];
    snprintf(text, sizeof(text),
             "[line]\nprovider = sip\nname = host\nnumber = host\n"
             "uri = sip:host@127.0.0.1:%d\nmax_calls = 1\n"
             "[line]\nprovider = sip\nname = bob\nnumber = bob\nuri = sip:bob@127.0.0.1:%d\n",
             p0, p1);
    t_config(text);
    tapp host, bob;
    t_init(&host, "host");
    t_init(&bob, "bob");
    HLINE lh = t_open(&host, 0, LINECALLPRIVILEGE_OWNER);
    HLINE lb = t_open(&bob, 1, LINECALLPRIVILEGE_OWNER);
    char dest[64];
    snprintf(dest, sizeof(dest), "sip:bob@127.0.0.1:%d", p1);
    HCALL hh = t_make_call(&host, lh, dest, NULL, 0);
    t_expect_state(&host, hh, LINECALLSTATE_DIALING, 0);
    HCALL hb = t_expect_offer(&bob, lb);
    LONG req = lineAnswer(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&bob, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&bob, req, 0);
    sh_wait_state(&host, hh, LINECALLSTATE_CONNECTED);
    HCALL hconf = 0, hk = 0;
    CHECK_RC(lineSetupConference(hh, 0, &hconf, &hk, 3, NULL), LINEERR_CALLUNAVAIL);
    CHECK(hconf == 0 && hk == 0);
    HCALL h2 = 0;
    CHECK_RC(lineMakeCall(lh, &h2, NULL, 0, NULL), LINEERR_CALLUNAVAIL);
    t_expect_none(&host);
    LINECALLSTATUS st;
    t_status(hh, &st);
    CHECK_EQ(st.dwCallState, LINECALLSTATE_CONNECTED);
    sh_drop_idle_uui(&host, hh, NULL, 0);
    sh_wait_state(&bob, hb, LINECALLSTATE_DISCONNECTED);
    t_drop_idle(&bob, hb);
    sh_wait_dialogs(0);
    t_expect_none(&host);
    t_expect_none(&bob);
    t_shutdown(&host);
    t_shutdown(&bob);
}
