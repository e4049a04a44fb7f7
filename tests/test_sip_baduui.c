/* User-to-User from the network that TAPI must not take: malformed (bad hex,
 * odd length, empty data, an open quote, an unknown encoding), another
 * package (purpose/content not isdn-uui), or larger than the line's
 * dwUUICallInfoSize (16 bytes here).  Each is ignored whole (never truncated),
 * counted in the provider's counters and logged; the call is offered and ends
 * as it would without it.  SIPp (tests/sipp/uac_bad_uui.xml) sends the INVITE
 * and the BYE with the header values each test chooses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/providers/sip/sip.h"
#include "sip_helpers.h"

#define LIMIT 16 /* uui_call_info of the line */

static const char good_invite[] = "04696e76697465;encoding=hex;purpose=isdn-uui";
static const unsigned char good_invite_bytes[] = {0x04, 'i', 'n', 'v', 'i', 't', 'e'};
static const char good_bye[] = "0462796521;encoding=hex;purpose=isdn-uui";
static const unsigned char good_bye_bytes[] = {0x04, 'b', 'y', 'e', '!'};

struct expect {
    unsigned long malformed, oversized, foreign;
    /* an oversized UUI is not dropped silently: LINE_CALLINFO(DEVSPECIFIC)
     * and this DevSpecific text (NULL: none expected) */
    const char *dropped_invite, *dropped_bye;
};

static void check_devspecific(HCALL h, const char *want)
{
    tcallinfo u;
    t_callinfo(h, &u);
    const char *got = t_ci_str(&u, u.ci.dwDevSpecificSize, u.ci.dwDevSpecificOffset);
    if (strcmp(got, want))
        FAIL("DevSpecific \"%s\", expected \"%s\"", got, want);
}

static void check_counters(const struct expect *e)
{
    struct ot_sip_counters c;
    ot_sip_counters_get(&c);
    CHECK_EQ(c.uui_malformed, e->malformed);
    CHECK_EQ(c.uui_oversized, e->oversized);
    CHECK_EQ(c.uui_foreign, e->foreign);
    /* what matters is logged at the default level (foreign UUI is not ours: info) */
    for (unsigned long i = 0; i < e->malformed; i++)
        T_LOG_EXPECT("warn: sip: call 1: malformed User-to-User ignored");
    for (unsigned long i = 0; i < e->oversized; i++)
        T_LOG_EXPECT("warn: sip: call 1: User-to-User larger than dwUUICallInfoSize");
}

/* SIPp calls with invite_uui, we answer, SIPp hangs up with bye_uui.  The
 * offered call must show invite_bytes (NULL: no UUI), the disconnect
 * bye_bytes (NULL: no LINE_CALLINFO, the UUI stays what it was). */
static void run_case(const char *invite_uui, const unsigned char *invite_bytes, DWORD invite_len,
                     const char *bye_uui, const unsigned char *bye_bytes, DWORD bye_len,
                     const struct expect *e)
{
    int port = sh_free_port();
    char line_extra[64];
    snprintf(line_extra, sizeof(line_extra), "uui_call_info = %d\n", LIMIT);
    sh_config_line(port, line_extra);
    ot_sip_counters_reset();
    tapp a;
    t_init(&a, "baduui");
    HLINE hl = t_open(&a, 0, LINECALLPRIVILEGE_OWNER);
    sproc sipp;
    const char *extra[] = {"-set", "invite_uui", invite_uui, "-set", "bye_uui", bye_uui, NULL};
    sh_sipp_start(&sipp, "uac_bad_uui.xml", sh_free_port(), port, 1, extra);
    HCALL h = t_expect_offer(&a, hl);
    if (e->dropped_invite) {
        t_expect_callinfo(&a, h, LINECALLINFOSTATE_DEVSPECIFIC);
        check_devspecific(h, e->dropped_invite);
    }
    sh_check_uui(h, invite_bytes, invite_bytes ? invite_len : 0);
    if (invite_bytes) {
        LONG rel = lineReleaseUserUserInfo(h);
        CHECK_REQ(rel);
        t_expect_reply(&a, rel, 0);
    }
    LONG req = lineAnswer(h, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&a, req, 0);
    if (bye_bytes)
        t_expect_callinfo(&a, h, LINECALLINFOSTATE_USERUSERINFO);
    if (e->dropped_bye)
        t_expect_callinfo(&a, h, LINECALLINFOSTATE_DEVSPECIFIC);
    t_expect_state(&a, h, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    if (e->dropped_bye)
        check_devspecific(h, e->dropped_bye);
    if (bye_bytes)
        sh_check_uui(h, bye_bytes, bye_len);
    else
        sh_check_uui(h, invite_bytes, invite_bytes ? invite_len : 0);
    t_drop_idle(&a, h);
    sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS);
    sh_wait_dialogs(0);
    t_expect_none(&a);
    t_shutdown(&a);
    check_counters(e);
}

/* A BYE whose User-to-User is not usable: DISCONNECTED NORMAL without
 * LINE_CALLINFO, the INVITE's UUI still in LINECALLINFO. */
static void bad_bye_(const char *bye_uui, unsigned long malformed, unsigned long oversized,
                     unsigned long foreign, const char *dropped)
{
    struct expect e = {malformed, oversized, foreign, NULL, dropped};
    run_case(good_invite, good_invite_bytes, sizeof(good_invite_bytes), bye_uui, NULL, 0, &e);
}

#define bad_bye(u, m, o, f) bad_bye_(u, m, o, f, NULL)

TEST(sip_baduui_bye_bad_hex) { bad_bye("04zz21;encoding=hex;purpose=isdn-uui", 1, 0, 0); }
TEST(sip_baduui_bye_odd_length) { bad_bye("0462796;encoding=hex;purpose=isdn-uui", 1, 0, 0); }
TEST(sip_baduui_bye_empty_data) { bad_bye(";encoding=hex;purpose=isdn-uui", 1, 0, 0); }
TEST(sip_baduui_bye_open_quote) { bad_bye("\"0462796521;encoding=hex", 1, 0, 0); }
TEST(sip_baduui_bye_unknown_encoding)
{
    bad_bye("BGJ5ZSE=;encoding=base64;purpose=isdn-uui", 1, 0, 0);
}
TEST(sip_baduui_bye_bad_param) { bad_bye("0462796521;=x;purpose=isdn-uui", 1, 0, 0); }
TEST(sip_baduui_bye_unknown_purpose) { bad_bye("0462796521;purpose=x-private", 0, 0, 1); }
TEST(sip_baduui_bye_unknown_content) { bad_bye("0462796521;content=x-private", 0, 0, 1); }
/* 17 bytes against dwUUICallInfoSize 16: ignored whole, never cut to 16. */
TEST_THREADED(sip_baduui_bye_oversized)
{
    bad_bye_("0400112233445566778899aabbccddeeff;encoding=hex;purpose=isdn-uui", 0, 1, 0,
             "UUI dropped: 17 bytes > 16");
}

/* Exactly dwUUICallInfoSize bytes are delivered. */
TEST(sip_baduui_bye_at_limit)
{
    static const unsigned char b16[LIMIT] = {0x04, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
                                             0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
    struct expect e = {0, 0, 0};
    run_case(good_invite, good_invite_bytes, sizeof(good_invite_bytes),
             "0400112233445566778899AABBCCDDEE;encoding=hex;purpose=isdn-uui", b16, sizeof(b16),
             &e);
}

/* No purpose and no encoding: RFC 7434's defaults (isdn-uui, hex) apply. */
TEST(sip_baduui_bye_no_params_is_isdn_uui)
{
    struct expect e = {0, 0, 0};
    run_case(good_invite, good_invite_bytes, sizeof(good_invite_bytes), "0462796521",
             good_bye_bytes, sizeof(good_bye_bytes), &e);
}

/* Another package first, then ours (two values in one header): ours is taken. */
TEST(sip_baduui_bye_second_value_ours)
{
    struct expect e = {0, 0, 0};
    run_case(good_invite, good_invite_bytes, sizeof(good_invite_bytes),
             "abcd;purpose=x-private, 0462796521;encoding=hex;purpose=isdn-uui", good_bye_bytes,
             sizeof(good_bye_bytes), &e);
}

/* The INVITE's User-to-User is bad: the call is offered without UUI, and the
 * BYE's good UUI still arrives. */
static void bad_invite_(const char *invite_uui, unsigned long malformed,
                        unsigned long oversized, unsigned long foreign, const char *dropped)
{
    struct expect e = {malformed, oversized, foreign, dropped, NULL};
    run_case(invite_uui, NULL, 0, good_bye, good_bye_bytes, sizeof(good_bye_bytes), &e);
}

#define bad_invite(u, m, o, f) bad_invite_(u, m, o, f, NULL)

TEST(sip_baduui_invite_bad_hex) { bad_invite("04g0;encoding=hex;purpose=isdn-uui", 1, 0, 0); }
TEST(sip_baduui_invite_odd_length) { bad_invite("046;encoding=hex;purpose=isdn-uui", 1, 0, 0); }
TEST(sip_baduui_invite_unknown_purpose) { bad_invite("0461;purpose=foo", 0, 0, 1); }
TEST(sip_baduui_invite_oversized)
{
    /* 200 bytes against 16 */
    char big[512];
    size_t k = 0;
    for (int i = 0; i < 200; i++)
        k += (size_t)snprintf(big + k, sizeof(big) - k, "%02x", i);
    snprintf(big + k, sizeof(big) - k, ";encoding=hex;purpose=isdn-uui");
    bad_invite_(big, 0, 1, 0, "UUI dropped: 200 bytes > 16");
}
