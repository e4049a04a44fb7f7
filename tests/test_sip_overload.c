/* SIP overload control against SIPp: past a line's max_calls an INVITE gets
 * 486 Busy Here, past the process's [sip] max_calls or max_invite_rate 503
 * Service Unavailable with Retry-After, at once and before anything is
 * allocated for it; never silence.  The INVITE rate runs on the core clock,
 * so the tests drive it by hand. */
#include <stddef.h>

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
