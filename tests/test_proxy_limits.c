/* The bounds on the requests pending at ACD proxies (src/core/proxy.h,
 * docs/robustness.md): one application may have 64 pending at proxies, one
 * proxy 1,024 (the defaults; [proxy] max_app_requests / max_requests).  Past
 * either, the agent function fails at once with LINEERR_RESOURCEUNAVAIL:
 * nothing queued, nothing reaches the proxy.  A request counts until its proxy
 * answers it or closes.
 *
 * acd_limit_*: the defaults, in this process and in the service stage (the
 * applications and the proxy clients of one tapisrv); config_proxy_*: the
 * configuration keys (embedded only). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_test.h"
#include "test.h"

#define APP_MAX 64u    /* [proxy] max_app_requests, default */
#define PROXY_MAX 1024u /* [proxy] max_requests, default */
#define FULL LINEERR_RESOURCEUNAVAIL

/* The next n messages of a must be LINE_REPLYs with result rc. */
static void expect_replies_(tapp *a, unsigned n, LONG rc, const char *f, int l)
{
    for (unsigned i = 0; i < n; i++) {
        LINEMESSAGE m = t_next(a);
        if (m.dwMessageID != LINE_REPLY || (LONG)m.dwParam2 != rc)
            ot_test_fail(f, l,
                         "%s: reply %u of %u: expected LINE_REPLY(%s), got message %lu (%lx %lx)",
                         a->name, i + 1, n, otErrorName(rc), (unsigned long)m.dwMessageID,
                         (unsigned long)m.dwParam1, (unsigned long)m.dwParam2);
    }
}
#define expect_replies(a, n, rc) expect_replies_(a, n, rc, __FILE__, __LINE__)

/* The next n messages of a must be LINE_PROXYSTATUS(what). */
static void expect_proxystatus(tapp *a, unsigned n, DWORD what)
{
    for (unsigned i = 0; i < n; i++) {
        LINEMESSAGE m = t_next(a);
        CHECK_EQ(m.dwMessageID, LINE_PROXYSTATUS);
        CHECK_EQ(m.dwParam1, what);
    }
}

/* One lineSetAgentState on line l, which must reach the proxy p (line pl). */
static LINEPROXYREQUEST *set_state(HLINE l, tapp *p, HLINE pl, DWORD_PTR inst, LONG *req)
{
    *req = lineSetAgentState(l, 0, LINEAGENTSTATE_READY, 0);
    CHECK_REQ(*req);
    return expect_request(p, pl, inst, LINEPROXYREQUEST_SETAGENTSTATE);
}

TEST(acd_limit_one_application_pending_at_proxies)
{
    tapp a, b, p;
    t_init(&a, "agent");
    t_init(&b, "agent2");
    t_init(&p, "proxy");
    HLINE la = t_open(&a, 0, LINECALLPRIVILEGE_NONE), lb = t_open(&b, 0, LINECALLPRIVILEGE_NONE);
    HLINE pl = 0;
    const DWORD types[] = {LINEPROXYREQUEST_SETAGENTSTATE, LINEPROXYREQUEST_GETAGENTSTATUS,
                           LINEPROXYREQUEST_GETAGENTCAPS};
    CHECK_RC(open_proxy(&p, 0, types, 3, 9, &pl), 0);
    expect_proxystatus(&a, 3, LINEPROXYSTATUS_OPEN);
    expect_proxystatus(&b, 3, LINEPROXYSTATUS_OPEN);

    /* up to the bound every request reaches the proxy: one of them is
     * lineGetAgentCaps (of the application, not of a line) */
    LINEPROXYREQUEST *ra[APP_MAX];
    LONG ida[APP_MAX];
    for (unsigned i = 0; i < APP_MAX - 1; i++)
        ra[i] = set_state(la, &p, pl, 9, &ida[i]);
    LINEAGENTCAPS caps;
    memset(&caps, 0, sizeof(caps));
    caps.dwTotalSize = sizeof(caps);
    ida[APP_MAX - 1] = lineGetAgentCaps(a.h, 0, 0, T_API, &caps);
    CHECK_REQ(ida[APP_MAX - 1]);
    ra[APP_MAX - 1] = expect_request(&p, pl, 9, LINEPROXYREQUEST_GETAGENTCAPS);

    /* the next one fails at once, whichever function: nothing reaches the
     * proxy, nothing is queued, the application's buffer is not touched */
    CHECK_RC(lineSetAgentState(la, 0, LINEAGENTSTATE_READY, 0), FULL);
    union {
        LINEAGENTSTATUS st;
        unsigned char raw[256];
    } u, before;
    memset(&u, 0xEE, sizeof(u));
    u.st.dwTotalSize = sizeof(u);
    memcpy(&before, &u, sizeof(u));
    CHECK_RC(lineGetAgentStatus(la, 0, &u.st), FULL);
    CHECK_MEM(&u, &before, sizeof(u));
    CHECK_RC(lineGetAgentCaps(a.h, 0, 0, T_API, &caps), FULL);
    /* the argument checks and "no proxy for it" come first */
    CHECK_RC(lineSetAgentState(la, 1, LINEAGENTSTATE_READY, 0), LINEERR_INVALADDRESSID);
    CHECK_RC(lineSetAgentActivity(la, 0, 1), LINEERR_OPERATIONUNAVAIL);
    t_expect_none(&p);
    t_expect_none(&a);

    /* another application is not held back by it: its own bound */
    LINEPROXYREQUEST *rb[APP_MAX];
    LONG idb[APP_MAX];
    for (unsigned i = 0; i < APP_MAX; i++)
        rb[i] = set_state(lb, &p, pl, 9, &idb[i]);
    CHECK_RC(lineSetAgentState(lb, 0, LINEAGENTSTATE_READY, 0), FULL);
    t_expect_none(&p);

    /* an answer makes room for one more */
    CHECK_RC(lineProxyResponse(pl, ra[0], 0), 0);
    CHECK_RC(wait_reply_on(&a, ida[0]), 0);
    ra[0] = set_state(la, &p, pl, 9, &ida[0]);
    CHECK_RC(lineSetAgentState(la, 0, LINEAGENTSTATE_READY, 0), FULL);
    CHECK_RC(lineProxyResponse(pl, rb[5], LINEERR_OPERATIONFAILED), 0);
    CHECK_RC(wait_reply_on(&b, idb[5]), LINEERR_OPERATIONFAILED);
    rb[5] = set_state(lb, &p, pl, 9, &idb[5]);
    CHECK_RC(lineSetAgentState(lb, 0, LINEAGENTSTATE_READY, 0), FULL);

    /* the application's line closes: its requests stay with the proxy (which
     * may still answer them, unheard) and count until it does */
    CHECK_RC(lineClose(la), 0);
    la = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    CHECK_RC(lineSetAgentState(la, 0, LINEAGENTSTATE_READY, 0), FULL);
    CHECK_RC(lineProxyResponse(pl, ra[7], 0), 0); /* no reply: its line is gone */
    ra[7] = set_state(la, &p, pl, 9, &ida[7]);
    CHECK_RC(lineSetAgentState(la, 0, LINEAGENTSTATE_READY, 0), FULL);
    t_expect_none(&a);

    /* the proxy closes: every request pending at it fails (those of a's open
     * lines and its lineGetAgentCaps reply; b's all), and all room is free */
    CHECK_RC(lineClose(pl), 0);
    expect_replies(&a, 2, LINEERR_OPERATIONFAILED); /* ra[APP_MAX - 1] (caps), ra[7] */
    expect_proxystatus(&a, 3, LINEPROXYSTATUS_CLOSE);
    expect_replies(&b, APP_MAX, LINEERR_OPERATIONFAILED);
    expect_proxystatus(&b, 3, LINEPROXYSTATUS_CLOSE);
    t_expect_none(&a);
    t_expect_none(&b);
    CHECK_RC(open_proxy(&p, 0, types, 3, 10, &pl), 0);
    expect_proxystatus(&a, 3, LINEPROXYSTATUS_OPEN);
    expect_proxystatus(&b, 3, LINEPROXYSTATUS_OPEN);
    for (unsigned i = 0; i < APP_MAX; i++)
        ra[i] = set_state(la, &p, pl, 10, &ida[i]);
    CHECK_RC(lineSetAgentState(la, 0, LINEAGENTSTATE_READY, 0), FULL);
    rb[0] = set_state(lb, &p, pl, 10, &idb[0]);
    t_expect_none(&p);

    /* the proxy's application shuts down: the same */
    t_shutdown(&p);
    expect_replies(&a, APP_MAX, LINEERR_OPERATIONFAILED);
    expect_proxystatus(&a, 3, LINEPROXYSTATUS_CLOSE);
    expect_replies(&b, 1, LINEERR_OPERATIONFAILED);
    expect_proxystatus(&b, 3, LINEPROXYSTATUS_CLOSE);
    t_shutdown(&b);
    t_shutdown(&a);
}

/* Many applications, one proxy that does not answer: 1,024 pending at it, then
 * every application's next request fails at once, while another proxy (of
 * another line) still takes requests. */
TEST(acd_limit_one_proxy_pending_of_all_applications)
{
    enum { NAPPS = PROXY_MAX / APP_MAX + 1 };
    tapp ag[NAPPS], p, q;
    HLINE l[NAPPS], l1[NAPPS];
    char name[32];
    for (unsigned i = 0; i < NAPPS; i++) {
        snprintf(name, sizeof(name), "agent%u", i);
        t_init(&ag[i], name);
        /* TAPI 2.0 opens: no LINE_PROXYSTATUS */
        CHECK_RC(lineOpen(ag[i].h, 0, &l[i], 0x00020000, 0, 0, LINECALLPRIVILEGE_NONE,
                          LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
                 0);
        CHECK_RC(lineOpen(ag[i].h, 1, &l1[i], 0x00020000, 0, 0, LINECALLPRIVILEGE_NONE,
                          LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
                 0);
    }
    t_init(&p, "proxy");
    t_init(&q, "proxy1");
    HLINE pl = 0, ql = 0;
    const DWORD type = LINEPROXYREQUEST_SETAGENTSTATE;
    CHECK_RC(open_proxy(&p, 0, &type, 1, 3, &pl), 0);
    CHECK_RC(open_proxy(&q, 1, &type, 1, 4, &ql), 0);

    static LINEPROXYREQUEST *r[PROXY_MAX];
    static LONG id[PROXY_MAX];
    for (unsigned n = 0; n < PROXY_MAX; n++)
        r[n] = set_state(l[n / APP_MAX], &p, pl, 3, &id[n]);
    /* the proxy is full: the last application has made no request yet */
    CHECK_RC(lineSetAgentState(l[NAPPS - 1], 0, LINEAGENTSTATE_READY, 0), FULL);
    t_expect_none(&p);
    t_expect_none(&ag[NAPPS - 1]);
    /* another proxy (of line 1) still takes requests: the bound is per proxy */
    LONG qid;
    LINEPROXYREQUEST *qr = set_state(l1[NAPPS - 1], &q, ql, 4, &qid);
    CHECK_RC(lineProxyResponse(ql, qr, 0), 0);
    CHECK_RC(wait_reply_on(&ag[NAPPS - 1], qid), 0);
    t_expect_none(&q);

    /* one answer: room for one request, of any application */
    CHECK_RC(lineProxyResponse(pl, r[100], 0), 0);
    CHECK_RC(wait_reply_on(&ag[100 / APP_MAX], id[100]), 0);
    r[100] = set_state(l[NAPPS - 1], &p, pl, 3, &id[100]);
    CHECK_RC(lineSetAgentState(l[NAPPS - 1], 0, LINEAGENTSTATE_READY, 0), FULL);
    t_expect_none(&p);

    /* the requests of an application that shuts down stay with the proxy until
     * it answers them: still counted */
    t_shutdown(&ag[0]);
    CHECK_RC(lineSetAgentState(l[NAPPS - 1], 0, LINEAGENTSTATE_READY, 0), FULL);
    CHECK_RC(lineProxyResponse(pl, r[0], 0), 0);
    CHECK_RC(lineProxyResponse(pl, r[1], 0), 0);
    r[0] = set_state(l[NAPPS - 1], &p, pl, 3, &id[0]);
    r[1] = set_state(l[1], &p, pl, 3, &id[1]); /* it had 63: r[100] was answered */
    CHECK_RC(lineSetAgentState(l[NAPPS - 1], 0, LINEAGENTSTATE_READY, 0), FULL);
    t_expect_none(&p);

    /* the proxy closes: every pending request fails */
    CHECK_RC(lineClose(pl), 0);
    for (unsigned i = 1; i < NAPPS - 1; i++)
        expect_replies(&ag[i], APP_MAX, LINEERR_OPERATIONFAILED);
    expect_replies(&ag[NAPPS - 1], 2, LINEERR_OPERATIONFAILED);
    for (unsigned i = 1; i < NAPPS; i++)
        t_shutdown(&ag[i]);
    t_shutdown(&q);
    t_shutdown(&p);
}

/* The default topology with a [proxy] section of these lines. */
static char *config_with_proxy(const char *lines)
{
    const char *def = otDefaultConfig();
    size_t n = strlen(def) + strlen(lines) + 16;
    char *text = malloc(n);
    CHECK(text != NULL);
    snprintf(text, n, "%s[proxy]\n%s", def, lines);
    return text;
}

TEST(config_proxy_bounds_are_set_and_checked)
{
    char *text = config_with_proxy("max_app_requests = 2\nmax_requests = 3\n");
    LONG crc = otSetConfig(text);
    free(text);
    CHECK_RC(crc, 0);
    tapp a, b, p;
    t_init(&a, "agent");
    t_init(&b, "agent2");
    t_init(&p, "proxy");
    HLINE pl = 0, la = 0, lb = 0;
    const DWORD type = LINEPROXYREQUEST_SETAGENTSTATE;
    CHECK_RC(open_proxy(&p, 0, &type, 1, 1, &pl), 0);
    CHECK_RC(lineOpen(a.h, 0, &la, 0x00020000, 0, 0, LINECALLPRIVILEGE_NONE,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             0);
    CHECK_RC(lineOpen(b.h, 0, &lb, 0x00020000, 0, 0, LINECALLPRIVILEGE_NONE,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             0);
    LONG id[3];
    LINEPROXYREQUEST *r[3];
    r[0] = set_state(la, &p, pl, 1, &id[0]);
    r[1] = set_state(la, &p, pl, 1, &id[1]);
    CHECK_RC(lineSetAgentState(la, 0, LINEAGENTSTATE_READY, 0), FULL); /* a: 2 */
    r[2] = set_state(lb, &p, pl, 1, &id[2]);
    CHECK_RC(lineSetAgentState(lb, 0, LINEAGENTSTATE_READY, 0), FULL); /* the proxy: 3 */
    t_expect_none(&p);
    CHECK_RC(lineProxyResponse(pl, r[0], 0), 0);
    CHECK_RC(wait_reply_on(&a, id[0]), 0);
    r[0] = set_state(lb, &p, pl, 1, &id[0]);
    CHECK_RC(lineSetAgentState(lb, 0, LINEAGENTSTATE_READY, 0), FULL); /* b: 2, the proxy: 3 */
    CHECK_RC(lineClose(pl), 0);
    expect_replies(&a, 1, LINEERR_OPERATIONFAILED);
    expect_replies(&b, 2, LINEERR_OPERATIONFAILED);
    t_shutdown(&p);
    t_shutdown(&b);
    t_shutdown(&a);

    /* the checker and start-up refuse what is not 1..65536, and other keys */
    static const char *const bad[] = {
        "max_app_requests = 0\n",     "max_requests = 65537\n", "max_requests = -1\n",
        "max_app_requests = \n",      "max_requests = 12x\n",   "max_requests = +5\n",
        "max_app_requests = 99999999999999999999\n", "max_pending = 5\n",
    };
    char err[256];
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        text = config_with_proxy(bad[i]);
        crc = otCheckConfig(text, err, sizeof(err));
        if (crc != (LONG)LINEERR_INIFILECORRUPT || !strstr(err, "[proxy]"))
            FAIL("%s: otCheckConfig gave %s (%s)", bad[i], otErrorName(crc), err);
        t_log_quiet();
        crc = otSetConfig(text);
        free(text);
        CHECK_RC(crc, 0);
        HLINEAPP h = 0;
        DWORD api = T_API, n = 0;
        LINEINITIALIZEEXPARAMS ip;
        memset(&ip, 0, sizeof(ip));
        ip.dwTotalSize = sizeof(ip);
        ip.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
        CHECK_RC(lineInitializeEx(&h, NULL, NULL, "config", &n, &api, &ip),
                 LINEERR_INIFILECORRUPT);
    }
    text = config_with_proxy("max_app_requests = 65536\nmax_requests = 1\n");
    CHECK_RC(otCheckConfig(text, err, sizeof(err)), 0);
    free(text);
}
