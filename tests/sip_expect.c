/* Helpers of the SIP tests: waits on the SIP provider's counters (dialogs,
 * registrations, re-INVITEs), message expectations that tolerate what SIP
 * makes optional, and the one-line application most SIP tests start from.
 * See sip_helpers.h. */
#include <stdio.h>
#include <string.h>

#include "../src/providers/sip/sip.h"
#include "sip_helpers.h"

/* ---- provider counters ------------------------------------------------------- */
static bool dialogs_are(const struct ot_sip_counters *c, void *arg)
{
    return c->dialogs == *(unsigned long *)arg;
}

void sh_wait_dialogs(unsigned long n)
{
    if (!ot_sip_counters_wait(dialogs_are, &n, 10000)) {
        struct ot_sip_counters c;
        ot_sip_counters_get(&c);
        FAIL("SIP dialogs alive: %lu, expected %lu", c.dialogs, n);
    }
}

sh_reinvites sh_reinvites_now(void)
{
    struct ot_sip_counters c;
    ot_sip_counters_get(&c);
    return (sh_reinvites){c.reinvites_answered, c.reinvites_received};
}

static bool reinvites_reached(const struct ot_sip_counters *c, void *arg)
{
    const sh_reinvites *w = arg;
    return c->reinvites_answered >= w->answered && c->reinvites_received >= w->received;
}

void sh_wait_reinvites(sh_reinvites base, unsigned long answered, unsigned long received)
{
    sh_reinvites want = {base.answered + answered, base.received + received};
    if (!ot_sip_counters_wait(reinvites_reached, &want, T_TIMEOUT_MS)) {
        sh_reinvites now = sh_reinvites_now();
        FAIL("re-INVITEs: %lu answered, %lu received; expected %lu, %lu", now.answered,
             now.received, want.answered, want.received);
    }
}

static bool registered_are(const struct ot_sip_counters *c, void *arg)
{
    return c->registered == *(unsigned long *)arg;
}

void sh_wait_registered(unsigned long n)
{
    if (!ot_sip_counters_wait(registered_are, &n, 10000)) {
        struct ot_sip_counters c;
        ot_sip_counters_get(&c);
        FAIL("SIP lines registered: %lu, expected %lu (failures %lu)", c.registered, n,
             c.register_failed);
    }
}

static bool register_failed_are(const struct ot_sip_counters *c, void *arg)
{
    return c->register_failed == *(unsigned long *)arg;
}

void sh_wait_register_failed(unsigned long n)
{
    if (!ot_sip_counters_wait(register_failed_are, &n, 10000)) {
        struct ot_sip_counters c;
        ot_sip_counters_get(&c);
        FAIL("SIP registrations failed: %lu, expected %lu", c.register_failed, n);
    }
}

/* ---- messages --------------------------------------------------------------------- */
static void describe(const LINEMESSAGE *m, char *buf, size_t n)
{
    if (m->dwMessageID == LINE_CALLSTATE)
        snprintf(buf, n, "LINE_CALLSTATE(h=%08x %s %s)", (unsigned)m->hDevice,
                 otCallStateName((DWORD)m->dwParam1),
                 otCallStateModeName((DWORD)m->dwParam1, (DWORD)m->dwParam2));
    else if (m->dwMessageID == LINE_REPLY)
        snprintf(buf, n, "LINE_REPLY(id=%lu %s)", (unsigned long)m->dwParam1,
                 otErrorName((LONG)m->dwParam2));
    else
        snprintf(buf, n, "%s(h=%08x %lx %lx %lx)", otMessageName(m->dwMessageID),
                 (unsigned)m->hDevice, (unsigned long)m->dwParam1, (unsigned long)m->dwParam2,
                 (unsigned long)m->dwParam3);
}

void sh_expect_state_(tapp *a, HCALL h, DWORD state, DWORD mode, const char *f, int l)
{
    for (;;) {
        LINEMESSAGE m = t_next(a);
        if (m.dwMessageID == LINE_CALLSTATE && m.hDevice == h && m.dwParam1 == state &&
            m.dwParam2 == mode)
            return;
        if (m.dwMessageID == LINE_CALLSTATE && m.hDevice == h && m.dwParam1 != state &&
            (m.dwParam1 == LINECALLSTATE_PROCEEDING || m.dwParam1 == LINECALLSTATE_RINGBACK))
            continue;
        char buf[160];
        describe(&m, buf, sizeof(buf));
        ot_test_fail(f, l, "%s: expected LINE_CALLSTATE(h=%08x %s %s), got %s", a->name,
                     (unsigned)h, otCallStateName(state), otCallStateModeName(state, mode), buf);
    }
}

void sh_wait_state_(tapp *a, HCALL h, DWORD state, const char *f, int l)
{
    for (;;) {
        LINEMESSAGE m = t_next(a);
        if (m.dwMessageID == LINE_CALLSTATE && m.hDevice == h && m.dwParam1 == state)
            return;
        if ((m.dwMessageID == LINE_CALLSTATE || m.dwMessageID == LINE_CALLINFO) && m.hDevice == h)
            continue;
        char buf[160];
        describe(&m, buf, sizeof(buf));
        ot_test_fail(f, l, "%s: waiting for LINE_CALLSTATE(h=%08x %s), got %s", a->name,
                     (unsigned)h, otCallStateName(state), buf);
    }
}

void sh_check_uui_(HCALL h, const void *uui, DWORD len, const char *f, int l)
{
    unsigned char got[4096];
    DWORD n = t_uui(h, got, sizeof(got));
    if (n != len || (len && memcmp(got, uui, len)))
        ot_test_fail(f, l, "UUI of call %08x: %u bytes, expected %u (or different bytes)",
                     (unsigned)h, (unsigned)n, (unsigned)len);
}

void sh_config_line(int port, const char *extra)
{
    char text[512];
    snprintf(text, sizeof(text),
             "[line]\nprovider = sip\nname = opentapi\nnumber = opentapi\n"
             "uri = sip:opentapi@127.0.0.1:%d\n%s",
             port, extra ? extra : "");
    t_config(text);
}

void sh_app_open(tapp *a, HLINE *hl)
{
    t_init(a, "sip");
    *hl = t_open(a, 0, LINECALLPRIVILEGE_OWNER);
}

void sh_drop_idle_uui(tapp *a, HCALL h, const void *uui, DWORD len)
{
    LONG req = lineDrop(h, (LPCSTR)uui, len);
    CHECK_REQ(req);
    t_expect_state(a, h, LINECALLSTATE_IDLE, 0);
    t_expect_reply(a, req, 0);
    CHECK_RC(lineDeallocateCall(h), 0);
}

void sh_finish(tapp *a, sproc *sipp)
{
    sh_expect_success(sipp, SH_SIPP_TIMEOUT_MS);
    sh_wait_dialogs(0);
    t_expect_none(a);
    t_shutdown(a);
}

/* ---- attended transfers ------------------------------------------------------ */
void sh_carol_init(sh_carol *k)
{
    k->port = sh_free_port();
    snprintf(k->line, sizeof(k->line),
             "[line]\nprovider = sip\nnumber = carol\nuri = sip:carol@127.0.0.1:%d\n", k->port);
    snprintf(k->uri, sizeof(k->uri), "sip:carol@127.0.0.1:%d", k->port);
    snprintf(k->replaces_re, sizeof(k->replaces_re), "sip:carol@127\\.0\\.0\\.1:%d\\?Replaces=.+",
             k->port);
}

HCALL sh_consult_carol(tapp *a, HCALL h, tapp *c, HLINE lc, const sh_carol *k, HCALL *hc,
                       sh_reinvites *base)
{
    HCALL hk = 0;
    *base = sh_reinvites_now();
    LONG req = lineSetupTransfer(h, &hk, NULL);
    CHECK_REQ(req);
    t_expect_reply(a, req, 0);
    t_expect_state(a, h, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    t_expect_state(a, hk, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    sh_wait_reinvites(*base, 1, 0); /* SIPp held: its 200 (recvonly) came */
    req = lineDial(hk, k->uri, 0);
    CHECK_REQ(req);
    t_expect_reply(a, req, 0);
    t_expect_state(a, hk, LINECALLSTATE_DIALING, 0);
    *hc = t_expect_offer(c, lc);
    LONG ans = lineAnswer(*hc, NULL, 0);
    CHECK_REQ(ans);
    t_expect_state(c, *hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(c, ans, 0);
    sh_wait_state(a, hk, LINECALLSTATE_CONNECTED);
    return hk;
}
