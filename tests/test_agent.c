/* Call-centre (agent) functions and ACD proxies (src/core/agentapi.c):
 * lineOpen(LINEOPENOPTION_PROXY), LINE_PROXYREQUEST / lineProxyResponse,
 * lineProxyMessage, LINE_PROXYSTATUS, lineGetProxyStatus, with the test as
 * the proxy (test_agent_example.c: the example proxy examples/acd_proxy.c).
 *
 * agent_*: no proxy involved.  acd_*: proxy and applications in this process
 * (in the service stage: clients of one tapisrv, the proxy's requests and the
 * filled structures travelling through it, docs/service.md). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent_test.h"
#include "test.h"

#define U LINEERR_OPERATIONUNAVAIL

/* The next message must be msg on hDevice dev with these parameters. */
void expect_msg_(tapp *a, DWORD msg, DWORD dev, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3,
                 const char *f, int l)
{
    LINEMESSAGE m = t_next(a);
    if (m.dwMessageID != msg || m.hDevice != dev || m.dwParam1 != p1 || m.dwParam2 != p2 ||
        m.dwParam3 != p3)
        ot_test_fail(f, l,
                     "%s: expected message %lu(h=%08x %lx %lx %lx), got %lu(h=%08x %lx %lx %lx)",
                     a->name, (unsigned long)msg, (unsigned)dev, (unsigned long)p1,
                     (unsigned long)p2, (unsigned long)p3, (unsigned long)m.dwMessageID,
                     (unsigned)m.hDevice, (unsigned long)m.dwParam1, (unsigned long)m.dwParam2,
                     (unsigned long)m.dwParam3);
}

/* ---- helpers of test_proxy_limits.c too (agent_test.h) ---- */
LONG open_proxy(tapp *a, DWORD dev, const DWORD *types, DWORD n, DWORD_PTR inst, HLINE *hl)
{
    struct popen p;
    memset(&p, 0, sizeof(p));
    p.cp.dwTotalSize = sizeof(p);
    memcpy(p.types, types, n * sizeof(DWORD));
    p.cp.dwDevSpecificSize = n * (DWORD)sizeof(DWORD);
    p.cp.dwDevSpecificOffset = offsetof(struct popen, types);
    return lineOpen(a->h, dev, hl, T_API, 0, inst, LINECALLPRIVILEGE_OWNER | LINEOPENOPTION_PROXY,
                    LINEMEDIAMODE_INTERACTIVEVOICE, &p.cp);
}

LINEPROXYREQUEST *expect_request_(tapp *p, HLINE pl, DWORD_PTR inst, DWORD type, const char *f,
                                  int l)
{
    LINEMESSAGE m = t_next(p);
    if (m.dwMessageID != LINE_PROXYREQUEST || m.hDevice != pl || m.dwCallbackInstance != inst ||
        !m.dwParam1 || m.dwParam2 || m.dwParam3)
        ot_test_fail(f, l, "%s: expected LINE_PROXYREQUEST on %08x, got message %lu on %08x",
                     p->name, (unsigned)pl, (unsigned long)m.dwMessageID, (unsigned)m.hDevice);
    LINEPROXYREQUEST *r = (LINEPROXYREQUEST *)(uintptr_t)m.dwParam1;
    if (r->dwRequestType != type || r->dwSize < sizeof(LINEPROXYREQUEST))
        ot_test_fail(f, l, "request type %lu (expected %lu), dwSize %lu",
                     (unsigned long)r->dwRequestType, (unsigned long)type,
                     (unsigned long)r->dwSize);
    return r;
}

/* A string of the request (size/offset from its start), NUL-terminated inside. */
static const char *rstr(const LINEPROXYREQUEST *r, DWORD size, DWORD off)
{
    CHECK(size > 0);
    CHECK(off >= sizeof(LINEPROXYREQUEST) - sizeof(r->GetAgentStatus) && off < r->dwSize);
    CHECK(size <= r->dwSize - off);
    const char *s = (const char *)r + off;
    CHECK_EQ(s[size - 1], '\0');
    CHECK_EQ(strlen(s) + 1, size);
    return s;
}

TEST(agent_functions_without_a_proxy_are_unavailable)
{
    tapp a;
    t_init(&a, "agent");
    HLINE l = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    union {
        LINEAGENTSTATUS st;
        LINEAGENTCAPS caps;
        LINEAGENTGROUPLIST gl;
        LINEAGENTACTIVITYLIST al;
        LINEAGENTINFO ai;
        LINEAGENTSESSIONINFO si;
        LINEAGENTSESSIONLIST sl;
        LINEQUEUEINFO qi;
        LINEQUEUELIST ql;
        unsigned char raw[512];
    } u;
    memset(&u, 0, sizeof(u));
    u.st.dwTotalSize = sizeof(u);
    GUID g;
    memset(&g, 0, sizeof(g));
    HAGENT hag = 0xABCD;
    HAGENTSESSION hs = 0xABCD;
    char params[8] = "ping";

    /* well-formed: no proxy on the line */
    CHECK_RC(lineGetAgentStatus(l, 0, &u.st), U);
    CHECK_RC(lineGetAgentCaps(a.h, 0, 0, T_API, &u.caps), U);
    CHECK_RC(lineGetAgentActivityList(l, 0, &u.al), U);
    CHECK_RC(lineGetAgentGroupList(l, 0, &u.gl), U);
    CHECK_RC(lineGetGroupList(l, &u.gl), U);
    CHECK_RC(lineGetAgentInfo(l, 1, &u.ai), U);
    CHECK_RC(lineGetAgentSessionInfo(l, 1, &u.si), U);
    CHECK_RC(lineGetAgentSessionList(l, 1, &u.sl), U);
    CHECK_RC(lineGetQueueInfo(l, 1, &u.qi), U);
    CHECK_RC(lineGetQueueList(l, &g, &u.ql), U);
    CHECK_RC(lineSetAgentState(l, 0, LINEAGENTSTATE_READY, LINEAGENTSTATE_NOTREADY), U);
    CHECK_RC(lineSetAgentStateEx(l, 1, LINEAGENTSTATEEX_READY, 0), U);
    CHECK_RC(lineSetAgentActivity(l, 0, 1), U);
    LINEAGENTGROUPLIST empty = {sizeof(empty), 0, 0, 0, 0, 0};
    CHECK_RC(lineSetAgentGroup(l, 0, &empty), U);
    CHECK_RC(lineSetAgentMeasurementPeriod(l, 1, 60), U);
    CHECK_RC(lineSetQueueMeasurementPeriod(l, 1, 60), U);
    CHECK_RC(lineSetAgentSessionState(l, 1, LINEAGENTSESSIONSTATE_READY, 0), U);
    CHECK_RC(lineCreateAgent(l, "1001", "4321", &hag), U);
    CHECK_RC(lineCreateAgent(l, NULL, NULL, &hag), U);
    CHECK_RC(lineCreateAgentSession(l, 1, "4321", 0, &g, &hs), U);
    CHECK_RC(lineAgentSpecific(l, 0, 0, params, sizeof(params)), U);
    CHECK_RC(lineAgentSpecific(l, 0, 0, NULL, 0), U);
    CHECK_EQ(hag, 0xABCD);
    CHECK_EQ(hs, 0xABCD);
    CHECK_MEM(params, "ping", 5);

    /* the handle first */
    CHECK_RC(lineGetAgentStatus(0, 0, &u.st), LINEERR_INVALLINEHANDLE);
    CHECK_RC(lineSetAgentState(0, 0, 7, 0), LINEERR_INVALLINEHANDLE);
    CHECK_RC(lineCreateAgent(0, NULL, NULL, NULL), LINEERR_INVALLINEHANDLE);
    CHECK_RC(lineGetAgentCaps(a.h + 1, 0, 0, T_API, &u.caps), LINEERR_INVALAPPHANDLE);
    CHECK_RC(lineGetAgentCaps(a.h, a.ndevs, 0, T_API, &u.caps), LINEERR_BADDEVICEID);
    /* then the arguments */
    CHECK_RC(lineGetAgentStatus(l, 1, &u.st), LINEERR_INVALADDRESSID);
    CHECK_RC(lineGetAgentStatus(l, 0, NULL), LINEERR_INVALPOINTER);
    u.st.dwTotalSize = sizeof(LINEAGENTSTATUS) - 1;
    CHECK_RC(lineGetAgentStatus(l, 0, &u.st), LINEERR_STRUCTURETOOSMALL);
    u.st.dwTotalSize = sizeof(LINEAGENTGROUPLIST) - 1;
    CHECK_RC(lineGetGroupList(l, &u.gl), LINEERR_STRUCTURETOOSMALL);
    CHECK_RC(lineGetQueueInfo(l, 1, &u.qi), LINEERR_STRUCTURETOOSMALL);
    u.st.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetQueueList(l, NULL, &u.ql), LINEERR_INVALPOINTER);
    CHECK_RC(lineGetAgentCaps(a.h, 0, 0, 0x00010004, &u.caps), LINEERR_INCOMPATIBLEAPIVERSION);
    CHECK_RC(lineGetAgentCaps(a.h, 0, 1, T_API, &u.caps), LINEERR_INVALADDRESSID);
    CHECK_RC(lineGetAgentCaps(a.h, 0, 0, T_API, NULL), LINEERR_INVALPOINTER);
    CHECK_RC(lineSetAgentState(l, 0, LINEAGENTSTATE_READY | LINEAGENTSTATE_NOTREADY, 0),
             LINEERR_INVALAGENTSTATE);
    CHECK_RC(lineSetAgentState(l, 0, 0, 0x400), LINEERR_INVALAGENTSTATE);
    CHECK_RC(lineSetAgentStateEx(l, 1, 0x80, 0), LINEERR_INVALAGENTSTATE);
    CHECK_RC(lineSetAgentSessionState(l, 1, 0x40, 0), LINEERR_INVALAGENTSESSIONSTATE);
    CHECK_RC(lineSetAgentMeasurementPeriod(l, 1, 0), LINEERR_INVALPARAM);
    CHECK_RC(lineSetQueueMeasurementPeriod(l, 1, 0), LINEERR_INVALPARAM);
    CHECK_RC(lineSetAgentActivity(l, 2, 1), LINEERR_INVALADDRESSID);
    CHECK_RC(lineSetAgentGroup(l, 0, NULL), LINEERR_INVALPOINTER);
    struct {
        LINEAGENTGROUPLIST l;
        LINEAGENTGROUPENTRY e;
    } gl;
    memset(&gl, 0, sizeof(gl));
    gl.l.dwTotalSize = sizeof(LINEAGENTGROUPLIST) - 4;
    CHECK_RC(lineSetAgentGroup(l, 0, &gl.l), LINEERR_STRUCTURETOOSMALL);
    gl.l.dwTotalSize = sizeof(gl);
    gl.l.dwNumEntries = 2; /* two entries in the room of one */
    gl.l.dwListSize = sizeof(gl.e);
    gl.l.dwListOffset = sizeof(gl.l);
    CHECK_RC(lineSetAgentGroup(l, 0, &gl.l), LINEERR_INVALAGENTGROUP);
    gl.l.dwNumEntries = 1;
    gl.e.dwNameSize = 8;
    gl.e.dwNameOffset = sizeof(gl) - 4; /* a name past the end */
    CHECK_RC(lineSetAgentGroup(l, 0, &gl.l), LINEERR_INVALAGENTGROUP);
    CHECK_RC(lineCreateAgent(l, "1001", "4321", NULL), LINEERR_INVALPOINTER);
    CHECK_RC(lineCreateAgentSession(l, 1, "4321", 0, NULL, &hs), LINEERR_INVALPOINTER);
    CHECK_RC(lineCreateAgentSession(l, 1, "4321", 0, &g, NULL), LINEERR_INVALPOINTER);
    CHECK_RC(lineCreateAgentSession(l, 1, "4321", 3, &g, &hs), LINEERR_INVALADDRESSID);
    CHECK_RC(lineAgentSpecific(l, 0, 0, NULL, 4), LINEERR_INVALPOINTER);

    /* only a proxy answers and sends proxy messages */
    LINEPROXYREQUEST fake;
    memset(&fake, 0, sizeof(fake));
    CHECK_RC(lineProxyResponse(l, &fake, 0), LINEERR_NOTREGISTERED);
    CHECK_RC(lineProxyResponse(0, &fake, 0), LINEERR_INVALLINEHANDLE);
    CHECK_RC(lineProxyMessage(l, 0, LINE_AGENTSTATUS, 0, LINEAGENTSTATUS_STATE, 4),
             LINEERR_NOTREGISTERED);
    CHECK_RC(lineProxyMessage(0, 0, LINE_AGENTSTATUS, 0, LINEAGENTSTATUS_STATE, 4),
             LINEERR_INVALLINEHANDLE);

    /* no proxy: an empty list */
    union {
        LINEPROXYREQUESTLIST pl;
        unsigned char raw[128];
    } ps;
    memset(&ps, 0xEE, sizeof(ps));
    ps.pl.dwTotalSize = sizeof(ps);
    CHECK_RC(lineGetProxyStatus(a.h, 0, T_API, &ps.pl), 0);
    CHECK_EQ(ps.pl.dwNumEntries, 0);
    CHECK_EQ(ps.pl.dwListSize, 0);
    CHECK_EQ(ps.pl.dwUsedSize, sizeof(LINEPROXYREQUESTLIST));
    CHECK_EQ(ps.pl.dwNeededSize, sizeof(LINEPROXYREQUESTLIST));
    CHECK_RC(lineGetProxyStatus(a.h, 0, 0x00020001, &ps.pl), LINEERR_INCOMPATIBLEAPIVERSION);
    CHECK_RC(lineGetProxyStatus(a.h, a.ndevs, T_API, &ps.pl), LINEERR_BADDEVICEID);
    CHECK_RC(lineGetProxyStatus(a.h + 1, 0, T_API, &ps.pl), LINEERR_INVALAPPHANDLE);
    CHECK_RC(lineGetProxyStatus(a.h, 0, T_API, NULL), LINEERR_INVALPOINTER);
    ps.pl.dwTotalSize = sizeof(LINEPROXYREQUESTLIST) - 1;
    CHECK_RC(lineGetProxyStatus(a.h, 0, T_API, &ps.pl), LINEERR_STRUCTURETOOSMALL);
    t_expect_none(&a);
    t_shutdown(&a);
}

TEST(acd_proxy_open_checks_registers_and_announces)
{
    tapp a, b, p, q;
    t_init(&a, "agent22");
    t_init(&b, "agent20");
    t_init(&p, "proxy");
    t_init(&q, "proxy2");
    HLINE la = 0, lb = 0, pl = 0, ql = 0;
    CHECK_RC(lineOpen(a.h, 0, &la, T_API, 0, 11, LINECALLPRIVILEGE_NONE,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             0);
    CHECK_RC(lineOpen(b.h, 0, &lb, 0x00020000, 0, 12, LINECALLPRIVILEGE_MONITOR,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             0);

    /* refused opens */
    const DWORD two[] = {LINEPROXYREQUEST_SETAGENTSTATE, LINEPROXYREQUEST_GETAGENTSTATUS};
    struct popen po;
    memset(&po, 0, sizeof(po));
    po.cp.dwTotalSize = sizeof(po);
    po.types[0] = LINEPROXYREQUEST_GETAGENTSTATUS;
    po.cp.dwDevSpecificSize = 4;
    po.cp.dwDevSpecificOffset = offsetof(struct popen, types);
    CHECK_RC(lineOpen(p.h, 0, &pl, T_API, 0, 0, LINECALLPRIVILEGE_MONITOR | LINEOPENOPTION_PROXY,
                      LINEMEDIAMODE_INTERACTIVEVOICE, &po.cp),
             LINEERR_INVALPRIVSELECT); /* a proxy is an owner */
    CHECK_RC(lineOpen(p.h, 0, &pl, 0x00010004, 0, 0, LINECALLPRIVILEGE_OWNER | LINEOPENOPTION_PROXY,
                      LINEMEDIAMODE_INTERACTIVEVOICE, &po.cp),
             LINEERR_INVALPRIVSELECT); /* TAPI 2.0 and later */
    CHECK_RC(lineOpen(p.h, 0, &pl, T_API, 0, 0, LINECALLPRIVILEGE_OWNER | LINEOPENOPTION_PROXY,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             LINEERR_INVALPOINTER);
    po.cp.dwTotalSize = sizeof(LINECALLPARAMS) - 1;
    CHECK_RC(lineOpen(p.h, 0, &pl, T_API, 0, 0, LINECALLPRIVILEGE_OWNER | LINEOPENOPTION_PROXY,
                      LINEMEDIAMODE_INTERACTIVEVOICE, &po.cp),
             LINEERR_STRUCTURETOOSMALL);
    po.cp.dwTotalSize = sizeof(po);
    static const struct {
        DWORD size, off, type;
    } bad[] = {
        {0, offsetof(struct popen, types), LINEPROXYREQUEST_GETAGENTSTATUS},  /* no types */
        {3, offsetof(struct popen, types), LINEPROXYREQUEST_GETAGENTSTATUS},  /* not DWORDs */
        {4, sizeof(struct popen) - 2, LINEPROXYREQUEST_GETAGENTSTATUS},       /* past the end */
        {4, 0xFFFFFFF0u, LINEPROXYREQUEST_GETAGENTSTATUS},                    /* wraps */
        {4, offsetof(struct popen, types), 0},                                /* no such type */
        {4, offsetof(struct popen, types), LINEPROXYREQUEST_SETAGENTSTATEEX + 1},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        po.cp.dwDevSpecificSize = bad[i].size;
        po.cp.dwDevSpecificOffset = bad[i].off;
        po.types[0] = bad[i].type;
        CHECK_RC(lineOpen(p.h, 0, &pl, T_API, 0, 0, LINECALLPRIVILEGE_OWNER | LINEOPENOPTION_PROXY,
                          LINEMEDIAMODE_INTERACTIVEVOICE, &po.cp),
                 LINEERR_INVALPARAM);
    }
    CHECK_EQ(pl, 0);
    t_expect_none(&a);

    /* the proxy of two types: TAPI 2.2 opens of the line hear of each */
    CHECK_RC(open_proxy(&p, 0, two, 2, 21, &pl), 0);
    expect_msg(&a, LINE_PROXYSTATUS, la, LINEPROXYSTATUS_OPEN, LINEPROXYREQUEST_SETAGENTSTATE, 0);
    expect_msg(&a, LINE_PROXYSTATUS, la, LINEPROXYSTATUS_OPEN, LINEPROXYREQUEST_GETAGENTSTATUS,
               0);
    t_expect_none(&b); /* a TAPI 2.0 open: LINE_PROXYSTATUS is TAPI 2.2 */
    t_expect_none(&p);
    /* a second proxy of one of them on the same line: registered after the first */
    const DWORD one[] = {LINEPROXYREQUEST_GETAGENTSTATUS};
    CHECK_RC(open_proxy(&q, 0, one, 1, 31, &ql), 0);
    expect_msg(&a, LINE_PROXYSTATUS, la, LINEPROXYSTATUS_OPEN, LINEPROXYREQUEST_GETAGENTSTATUS,
               0);
    /* the first proxy has the line open too */
    expect_msg(&p, LINE_PROXYSTATUS, pl, LINEPROXYSTATUS_OPEN, LINEPROXYREQUEST_GETAGENTSTATUS,
               0);
    t_expect_none(&q);

    union {
        LINEPROXYREQUESTLIST pl;
        unsigned char raw[128];
    } ps;
    memset(&ps, 0, sizeof(ps));
    ps.pl.dwTotalSize = sizeof(ps);
    CHECK_RC(lineGetProxyStatus(a.h, 0, T_API, &ps.pl), 0);
    CHECK_EQ(ps.pl.dwNumEntries, 2);
    CHECK_EQ(ps.pl.dwListSize, 8);
    DWORD list[2];
    memcpy(list, ps.raw + ps.pl.dwListOffset, sizeof(list));
    CHECK_EQ(list[0], LINEPROXYREQUEST_SETAGENTSTATE);
    CHECK_EQ(list[1], LINEPROXYREQUEST_GETAGENTSTATUS);
    CHECK_EQ(ps.pl.dwUsedSize, sizeof(LINEPROXYREQUESTLIST) + 8);
    /* too small for the list: dwNeededSize says how much */
    ps.pl.dwTotalSize = sizeof(LINEPROXYREQUESTLIST) + 4;
    CHECK_RC(lineGetProxyStatus(a.h, 0, T_API, &ps.pl), 0);
    CHECK_EQ(ps.pl.dwNumEntries, 0);
    CHECK_EQ(ps.pl.dwNeededSize, sizeof(LINEPROXYREQUESTLIST) + 8);
    CHECK_EQ(ps.pl.dwUsedSize, sizeof(LINEPROXYREQUESTLIST));
    /* another line has no proxy */
    ps.pl.dwTotalSize = sizeof(ps);
    CHECK_RC(lineGetProxyStatus(a.h, 1, T_API, &ps.pl), 0);
    CHECK_EQ(ps.pl.dwNumEntries, 0);

    /* the first registered gets the request */
    union {
        LINEAGENTSTATUS st;
        unsigned char raw[256];
    } u;
    memset(&u, 0, sizeof(u));
    u.st.dwTotalSize = sizeof(u);
    LONG req = lineGetAgentStatus(la, 0, &u.st);
    CHECK_REQ(req);
    LINEPROXYREQUEST *r = expect_request(&p, pl, 21, LINEPROXYREQUEST_GETAGENTSTATUS);
    t_expect_none(&q);
    /* its close: the pending request fails, then the line hears of the close */
    CHECK_RC(lineClose(pl), 0);
    (void)r; /* freed by the close: the proxy no longer touches it */
    t_expect_reply(&a, req, LINEERR_OPERATIONFAILED);
    expect_msg(&a, LINE_PROXYSTATUS, la, LINEPROXYSTATUS_CLOSE, LINEPROXYREQUEST_SETAGENTSTATE,
               0);
    expect_msg(&a, LINE_PROXYSTATUS, la, LINEPROXYSTATUS_CLOSE, LINEPROXYREQUEST_GETAGENTSTATUS,
               0);
    expect_msg(&q, LINE_PROXYSTATUS, ql, LINEPROXYSTATUS_CLOSE, LINEPROXYREQUEST_SETAGENTSTATE, 0);
    expect_msg(&q, LINE_PROXYSTATUS, ql, LINEPROXYSTATUS_CLOSE, LINEPROXYREQUEST_GETAGENTSTATUS,
               0);
    CHECK(memcmp(u.raw + 4, (unsigned char[8]){0}, 8) == 0); /* nothing written */
    /* now the second proxy handles GETAGENTSTATUS, nobody SETAGENTSTATE */
    CHECK_RC(lineSetAgentState(la, 0, LINEAGENTSTATE_READY, 0), U);
    req = lineGetAgentStatus(la, 0, &u.st);
    CHECK_REQ(req);
    r = expect_request(&q, ql, 31, LINEPROXYREQUEST_GETAGENTSTATUS);
    CHECK_RC(lineProxyResponse(ql, r, LINEERR_RESOURCEUNAVAIL), 0);
    t_expect_reply(&a, req, LINEERR_RESOURCEUNAVAIL);
    CHECK_RC(lineGetProxyStatus(a.h, 0, T_API, &ps.pl), 0);
    CHECK_EQ(ps.pl.dwNumEntries, 1);
    /* the proxy's lineShutdown ends its registration as its lineClose does */
    t_shutdown(&q);
    expect_msg(&a, LINE_PROXYSTATUS, la, LINEPROXYSTATUS_CLOSE, LINEPROXYREQUEST_GETAGENTSTATUS,
               0);
    CHECK_RC(lineGetAgentStatus(la, 0, &u.st), U);
    t_expect_none(&b);
    t_shutdown(&p);
    t_shutdown(&b);
    t_shutdown(&a);
}

/* Fills a LINEAGENTSTATUS in a request as a proxy does: READY, one group. */
static void fill_status(LINEAGENTSTATUS *s)
{
    DWORD total = s->dwTotalSize;
    memset((unsigned char *)s + 4, 0, sizeof(*s) - 4);
    s->dwState = LINEAGENTSTATE_READY;
    s->dwNextState = LINEAGENTSTATE_WORKINGAFTERCALL;
    s->dwNumEntries = 1;
    s->dwGroupListSize = sizeof(LINEAGENTGROUPENTRY);
    s->dwGroupListOffset = sizeof(*s);
    LINEAGENTGROUPENTRY e;
    memset(&e, 0, sizeof(e));
    e.GroupID.dwGroupID1 = 0x1234;
    e.dwNameSize = 6;
    e.dwNameOffset = sizeof(*s) + sizeof(e);
    memcpy((unsigned char *)s + sizeof(*s), &e, sizeof(e));
    memcpy((unsigned char *)s + e.dwNameOffset, "sales", 6);
    s->dwNeededSize = s->dwUsedSize = e.dwNameOffset + 6;
    CHECK(s->dwUsedSize <= total);
}

TEST(acd_proxy_request_carries_the_call_and_response_completes_it)
{
    tapp a, p;
    t_init(&a, "agent");
    t_init(&p, "proxy");
    HLINE la = 0, pl = 0;
    CHECK_RC(lineOpen(a.h, 0, &la, T_API, 0, 7, LINECALLPRIVILEGE_NONE,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             0);
    DWORD all[LINEPROXYREQUEST_SETAGENTSTATEEX];
    for (DWORD t = 1; t <= LINEPROXYREQUEST_SETAGENTSTATEEX; t++)
        all[t - 1] = t;
    CHECK_RC(open_proxy(&p, 0, all, LINEPROXYREQUEST_SETAGENTSTATEEX, 99, &pl), 0);
    for (DWORD t = 1; t <= LINEPROXYREQUEST_SETAGENTSTATEEX; t++)
        expect_msg(&a, LINE_PROXYSTATUS, la, LINEPROXYSTATUS_OPEN, t, 0);

    /* lineGetAgentStatus: the application's structure travels in the request */
    union {
        LINEAGENTSTATUS st;
        unsigned char raw[300];
    } u;
    memset(&u, 0, sizeof(u));
    u.st.dwTotalSize = sizeof(u);
    LONG req = lineGetAgentStatus(la, 0, &u.st);
    CHECK_REQ(req);
    LINEPROXYREQUEST *r = expect_request(&p, pl, 99, LINEPROXYREQUEST_GETAGENTSTATUS);
    CHECK_EQ(r->dwClientAppAPIVersion, T_API);
    CHECK_EQ(r->GetAgentStatus.dwAddressID, 0);
    CHECK_EQ(r->GetAgentStatus.AgentStatus.dwTotalSize, sizeof(u));
    CHECK(r->dwSize >= offsetof(LINEPROXYREQUEST, GetAgentStatus.AgentStatus) + sizeof(u));
    CHECK(strlen(rstr(r, r->dwClientUserNameSize, r->dwClientUserNameOffset)) > 0);
    CHECK(strlen(rstr(r, r->dwClientMachineNameSize, r->dwClientMachineNameOffset)) > 0);
    t_expect_none(&a); /* nothing until the proxy answers */
    /* the proxy's mistakes: refused, the request stays */
    CHECK_RC(lineProxyResponse(la, r, 0), LINEERR_NOTREGISTERED);
    CHECK_RC(lineProxyResponse(pl, NULL, 0), LINEERR_INVALPOINTER);
    CHECK_RC(lineProxyResponse(pl, (LPLINEPROXYREQUEST)(void *)u.raw, 0), LINEERR_INVALPOINTER);
    CHECK_RC(lineProxyResponse(pl, r, 5), LINEERR_INVALPARAM); /* not 0 nor a LINEERR_ */
    r->GetAgentStatus.AgentStatus.dwUsedSize = sizeof(u) + 1;  /* more than it has */
    CHECK_RC(lineProxyResponse(pl, r, 0), LINEERR_INVALPARAM);
    t_expect_none(&a);
    fill_status(&r->GetAgentStatus.AgentStatus);
    DWORD used = r->GetAgentStatus.AgentStatus.dwUsedSize;
    CHECK_RC(lineProxyResponse(pl, r, 0), 0);
    t_expect_reply(&a, req, 0);
    CHECK_EQ(u.st.dwTotalSize, sizeof(u));
    CHECK_EQ(u.st.dwUsedSize, used);
    CHECK_EQ(u.st.dwState, LINEAGENTSTATE_READY);
    CHECK_EQ(u.st.dwNextState, LINEAGENTSTATE_WORKINGAFTERCALL);
    CHECK_EQ(u.st.dwNumEntries, 1);
    LINEAGENTGROUPENTRY e;
    memcpy(&e, u.raw + u.st.dwGroupListOffset, sizeof(e));
    CHECK_EQ(e.GroupID.dwGroupID1, 0x1234);
    CHECK(!strcmp((const char *)u.raw + e.dwNameOffset, "sales"));
    /* answered: the request is gone */
    CHECK_RC(lineProxyResponse(pl, r, 0), LINEERR_INVALPOINTER);

    /* an error result: the application's buffer is left alone */
    memset(&u, 0, sizeof(u));
    u.st.dwTotalSize = sizeof(u);
    req = lineGetAgentStatus(la, 0, &u.st);
    CHECK_REQ(req);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_GETAGENTSTATUS);
    fill_status(&r->GetAgentStatus.AgentStatus);
    CHECK_RC(lineProxyResponse(pl, r, LINEERR_INVALAGENTSTATE), 0);
    t_expect_reply(&a, req, LINEERR_INVALAGENTSTATE);
    CHECK_EQ(u.st.dwState, 0);
    CHECK_EQ(u.st.dwUsedSize, 0);

    /* a structure bigger than the room the proxy needs: dwNeededSize comes back */
    union {
        LINEAGENTSTATUS st;
        unsigned char raw[sizeof(LINEAGENTSTATUS)];
    } small;
    memset(&small, 0, sizeof(small));
    small.st.dwTotalSize = sizeof(small);
    req = lineGetAgentStatus(la, 0, &small.st);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_GETAGENTSTATUS);
    CHECK_EQ(r->GetAgentStatus.AgentStatus.dwTotalSize, sizeof(small));
    LINEAGENTSTATUS *s = &r->GetAgentStatus.AgentStatus;
    s->dwNeededSize = sizeof(LINEAGENTSTATUS) + 100;
    s->dwUsedSize = sizeof(LINEAGENTSTATUS);
    s->dwState = LINEAGENTSTATE_NOTREADY;
    CHECK_RC(lineProxyResponse(pl, r, 0), 0);
    t_expect_reply(&a, req, 0);
    CHECK_EQ(small.st.dwNeededSize, sizeof(LINEAGENTSTATUS) + 100);
    CHECK_EQ(small.st.dwState, LINEAGENTSTATE_NOTREADY);

    /* a structure of more than the protocol carries: room capped, the size as it was */
    const DWORD big = 2u * 1024u * 1024u;
    LINEAGENTSTATUS *huge = calloc(1, big);
    CHECK(huge != NULL);
    huge->dwTotalSize = big;
    req = lineGetAgentStatus(la, 0, huge);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_GETAGENTSTATUS);
    CHECK_EQ(r->GetAgentStatus.AgentStatus.dwTotalSize, 1024u * 1024u - 8192u);
    CHECK(r->dwSize <= 1024u * 1024u);
    fill_status(&r->GetAgentStatus.AgentStatus);
    CHECK_RC(lineProxyResponse(pl, r, 0), 0);
    t_expect_reply(&a, req, 0);
    CHECK_EQ(huge->dwTotalSize, big);
    CHECK_EQ(huge->dwState, LINEAGENTSTATE_READY);
    CHECK_EQ(huge->dwUsedSize, used);
    free(huge);

    /* lineSetAgentState: the states in the request */
    req = lineSetAgentState(la, 0, LINEAGENTSTATE_READY, LINEAGENTSTATE_BUSYACD);
    CHECK_REQ(req);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_SETAGENTSTATE);
    CHECK_EQ(r->SetAgentState.dwAgentState, LINEAGENTSTATE_READY);
    CHECK_EQ(r->SetAgentState.dwNextAgentState, LINEAGENTSTATE_BUSYACD);
    /* what the proxy tells the line reaches every open but its own */
    CHECK_RC(lineProxyMessage(pl, 0, LINE_AGENTSTATUS, 0, LINEAGENTSTATUS_STATE,
                              LINEAGENTSTATE_READY),
             0);
    CHECK_RC(lineProxyResponse(pl, r, 0), 0);
    expect_msg(&a, LINE_AGENTSTATUS, la, 0, LINEAGENTSTATUS_STATE, LINEAGENTSTATE_READY);
    t_expect_reply(&a, req, 0);

    /* lineCreateAgent: ID and PIN as strings; the handle the proxy gives */
    HAGENT hag = 0;
    req = lineCreateAgent(la, "1001", "4321", &hag);
    CHECK_REQ(req);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_CREATEAGENT);
    CHECK(!strcmp(rstr(r, r->CreateAgent.dwAgentIDSize, r->CreateAgent.dwAgentIDOffset), "1001"));
    CHECK(!strcmp(rstr(r, r->CreateAgent.dwAgentPINSize, r->CreateAgent.dwAgentPINOffset),
                  "4321"));
    r->CreateAgent.hAgent = 77;
    CHECK_EQ(hag, 0); /* not before the reply */
    CHECK_RC(lineProxyResponse(pl, r, 0), 0);
    t_expect_reply(&a, req, 0);
    CHECK_EQ(hag, 77);
    /* without an ID or PIN: none in the request */
    req = lineCreateAgent(la, NULL, NULL, &hag);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_CREATEAGENT);
    CHECK_EQ(r->CreateAgent.dwAgentIDSize, 0);
    CHECK_EQ(r->CreateAgent.dwAgentPINSize, 0);
    r->CreateAgent.hAgent = 78;
    CHECK_RC(lineProxyResponse(pl, r, LINEERR_INVALAGENTID), 0);
    t_expect_reply(&a, req, LINEERR_INVALAGENTID);
    CHECK_EQ(hag, 77); /* a failure writes no handle */

    /* lineCreateAgentSession */
    GUID g = {0x11, 2, 3, {4, 5, 6, 7, 8, 9, 10, 11}};
    HAGENTSESSION hs = 0;
    req = lineCreateAgentSession(la, 77, "4321", 0, &g, &hs);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_CREATEAGENTSESSION);
    CHECK_EQ(r->CreateAgentSession.hAgent, 77);
    CHECK_MEM(&r->CreateAgentSession.GroupID, &g, sizeof(g));
    CHECK(!strcmp(rstr(r, r->CreateAgentSession.dwAgentPINSize,
                       r->CreateAgentSession.dwAgentPINOffset),
                  "4321"));
    r->CreateAgentSession.hAgentSession = 500;
    CHECK_RC(lineProxyResponse(pl, r, 0), 0);
    t_expect_reply(&a, req, 0);
    CHECK_EQ(hs, 500);

    /* lineAgentSpecific: the parameter block goes there and back */
    char params[6] = "hello";
    req = lineAgentSpecific(la, 0, 3, params, sizeof(params));
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_AGENTSPECIFIC);
    CHECK_EQ(r->AgentSpecific.dwAgentExtensionIDIndex, 3);
    CHECK_EQ(r->AgentSpecific.dwSize, sizeof(params));
    CHECK_MEM(r->AgentSpecific.Params, "hello", 6);
    memcpy(r->AgentSpecific.Params, "HELLO", 6);
    CHECK_RC(lineProxyResponse(pl, r, 0), 0);
    t_expect_reply(&a, req, 0);
    CHECK_MEM(params, "HELLO", 6);

    /* lineSetAgentGroup: the application's list travels whole */
    struct {
        LINEAGENTGROUPLIST l;
        LINEAGENTGROUPENTRY e;
        char name[8];
    } gl;
    memset(&gl, 0, sizeof(gl));
    gl.l.dwTotalSize = sizeof(gl);
    gl.l.dwNumEntries = 1;
    gl.l.dwListSize = sizeof(gl.e);
    gl.l.dwListOffset = sizeof(gl.l);
    gl.e.GroupID.dwGroupID4 = 9;
    gl.e.dwNameSize = 8;
    gl.e.dwNameOffset = sizeof(gl.l) + sizeof(gl.e);
    memcpy(gl.name, "support", 8);
    req = lineSetAgentGroup(la, 0, &gl.l);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_SETAGENTGROUP);
    CHECK_MEM(&r->SetAgentGroup.GroupList, &gl, sizeof(gl));
    CHECK_RC(lineProxyResponse(pl, r, 0), 0);
    t_expect_reply(&a, req, 0);

    /* the other requests: type and arguments in their union member */
    union {
        LINEQUEUEINFO qi;
        LINEQUEUELIST ql;
        LINEAGENTINFO ai;
        LINEAGENTSESSIONINFO si;
        LINEAGENTSESSIONLIST sl;
        LINEAGENTACTIVITYLIST al;
        LINEAGENTGROUPLIST gl;
        unsigned char raw[256];
    } v;
    memset(&v, 0, sizeof(v));
    v.qi.dwTotalSize = sizeof(v);
    req = lineGetQueueInfo(la, 42, &v.qi);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_GETQUEUEINFO);
    CHECK_EQ(r->GetQueueInfo.dwQueueID, 42);
    r->GetQueueInfo.QueueInfo.dwUsedSize = r->GetQueueInfo.QueueInfo.dwNeededSize =
        sizeof(LINEQUEUEINFO);
    r->GetQueueInfo.QueueInfo.dwCurrentCallsQueued = 3;
    CHECK_RC(lineProxyResponse(pl, r, 0), 0);
    t_expect_reply(&a, req, 0);
    CHECK_EQ(v.qi.dwCurrentCallsQueued, 3);
    req = lineGetQueueList(la, &g, &v.ql);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_GETQUEUELIST);
    CHECK_MEM(&r->GetQueueList.GroupID, &g, sizeof(g));
    CHECK_RC(lineProxyResponse(pl, r, LINEERR_INVALAGENTGROUP), 0);
    t_expect_reply(&a, req, LINEERR_INVALAGENTGROUP);
    req = lineGetAgentInfo(la, 77, &v.ai);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_GETAGENTINFO);
    CHECK_EQ(r->GetAgentInfo.hAgent, 77);
    CHECK_EQ(r->GetAgentInfo.AgentInfo.dwTotalSize, sizeof(v));
    r->GetAgentInfo.AgentInfo.dwUsedSize = sizeof(LINEAGENTINFO);
    r->GetAgentInfo.AgentInfo.dwMeasurementPeriod = 61;
    CHECK_RC(lineProxyResponse(pl, r, 0), 0);
    t_expect_reply(&a, req, 0);
    CHECK_EQ(v.ai.dwMeasurementPeriod, 61);
    CHECK_EQ(v.ai.dwTotalSize, sizeof(v));
    req = lineGetAgentSessionInfo(la, 500, &v.si);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_GETAGENTSESSIONINFO);
    CHECK_EQ(r->GetAgentSessionInfo.hAgentSession, 500);
    CHECK_RC(lineProxyResponse(pl, r, LINEERR_OPERATIONFAILED), 0);
    t_expect_reply(&a, req, LINEERR_OPERATIONFAILED);
    req = lineGetAgentSessionList(la, 77, &v.sl);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_GETAGENTSESSIONLIST);
    CHECK_EQ(r->GetAgentSessionList.hAgent, 77);
    CHECK_RC(lineProxyResponse(pl, r, LINEERR_OPERATIONFAILED), 0);
    t_expect_reply(&a, req, LINEERR_OPERATIONFAILED);
    req = lineGetAgentActivityList(la, 0, &v.al);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_GETAGENTACTIVITYLIST);
    CHECK_RC(lineProxyResponse(pl, r, LINEERR_OPERATIONFAILED), 0);
    t_expect_reply(&a, req, LINEERR_OPERATIONFAILED);
    req = lineGetAgentGroupList(la, 0, &v.gl);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_GETAGENTGROUPLIST);
    CHECK_RC(lineProxyResponse(pl, r, LINEERR_OPERATIONFAILED), 0);
    t_expect_reply(&a, req, LINEERR_OPERATIONFAILED);
    req = lineGetGroupList(la, &v.gl);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_GETGROUPLIST);
    CHECK_EQ(r->GetGroupList.GroupList.dwTotalSize, sizeof(v));
    CHECK_RC(lineProxyResponse(pl, r, LINEERR_OPERATIONFAILED), 0);
    t_expect_reply(&a, req, LINEERR_OPERATIONFAILED);
    req = lineSetAgentActivity(la, 0, 5);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_SETAGENTACTIVITY);
    CHECK_EQ(r->SetAgentActivity.dwActivityID, 5);
    CHECK_RC(lineProxyResponse(pl, r, LINEERR_INVALAGENTACTIVITY), 0);
    t_expect_reply(&a, req, LINEERR_INVALAGENTACTIVITY);
    req = lineSetAgentStateEx(la, 77, LINEAGENTSTATEEX_BUSYACD, LINEAGENTSTATEEX_READY);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_SETAGENTSTATEEX);
    CHECK_EQ(r->SetAgentStateEx.hAgent, 77);
    CHECK_EQ(r->SetAgentStateEx.dwAgentState, LINEAGENTSTATEEX_BUSYACD);
    CHECK_EQ(r->SetAgentStateEx.dwNextAgentState, LINEAGENTSTATEEX_READY);
    CHECK_RC(lineProxyResponse(pl, r, 0), 0);
    t_expect_reply(&a, req, 0);
    req = lineSetAgentMeasurementPeriod(la, 77, 30);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_SETAGENTMEASUREMENTPERIOD);
    CHECK_EQ(r->SetAgentMeasurementPeriod.hAgent, 77);
    CHECK_EQ(r->SetAgentMeasurementPeriod.dwMeasurementPeriod, 30);
    CHECK_RC(lineProxyResponse(pl, r, 0), 0);
    t_expect_reply(&a, req, 0);
    req = lineSetQueueMeasurementPeriod(la, 42, 31);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_SETQUEUEMEASUREMENTPERIOD);
    CHECK_EQ(r->SetQueueMeasurementPeriod.dwQueueID, 42);
    CHECK_EQ(r->SetQueueMeasurementPeriod.dwMeasurementPeriod, 31);
    CHECK_RC(lineProxyResponse(pl, r, 0), 0);
    t_expect_reply(&a, req, 0);
    req = lineSetAgentSessionState(la, 500, LINEAGENTSESSIONSTATE_BUSYONCALL, 0);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_SETAGENTSESSIONSTATE);
    CHECK_EQ(r->SetAgentSessionState.hAgentSession, 500);
    CHECK_EQ(r->SetAgentSessionState.dwAgentSessionState, LINEAGENTSESSIONSTATE_BUSYONCALL);
    CHECK_RC(lineProxyResponse(pl, r, 0), 0);
    t_expect_reply(&a, req, 0);

    /* lineGetAgentCaps names the device: the reply goes to the application */
    union {
        LINEAGENTCAPS c;
        unsigned char raw[200];
    } caps;
    memset(&caps, 0, sizeof(caps));
    caps.c.dwTotalSize = sizeof(caps);
    req = lineGetAgentCaps(a.h, 0, 0, 0x00020000, &caps.c);
    CHECK_REQ(req);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_GETAGENTCAPS);
    CHECK_EQ(r->dwClientAppAPIVersion, 0x00020000);
    CHECK_EQ(r->GetAgentCaps.AgentCaps.dwTotalSize, sizeof(caps));
    r->GetAgentCaps.AgentCaps.dwUsedSize = sizeof(LINEAGENTCAPS);
    r->GetAgentCaps.AgentCaps.dwMaxNumGroupEntries = 4;
    CHECK_RC(lineProxyResponse(pl, r, 0), 0);
    expect_msg(&a, LINE_REPLY, 0, (DWORD_PTR)req, 0, 0);
    CHECK_EQ(caps.c.dwMaxNumGroupEntries, 4);
    /* lineGetAgentCaps on a line without a proxy */
    CHECK_RC(lineGetAgentCaps(a.h, 1, 0, T_API, &caps.c), U);

    /* the requester closes its line first: the answer reaches nobody */
    memset(&u, 0, sizeof(u));
    u.st.dwTotalSize = sizeof(u);
    req = lineGetAgentStatus(la, 0, &u.st);
    r = expect_request(&p, pl, 99, LINEPROXYREQUEST_GETAGENTSTATUS);
    CHECK_RC(lineClose(la), 0);
    fill_status(&r->GetAgentStatus.AgentStatus);
    CHECK_RC(lineProxyResponse(pl, r, 0), 0);
    CHECK_EQ(u.st.dwUsedSize, 0); /* not written: the application closed the line */
    t_expect_none(&a);
    t_expect_none(&p);
    t_shutdown(&p);
    t_shutdown(&a);
}

TEST(acd_proxy_message_reaches_the_line_and_is_checked)
{
    tapp a, b, c, p;
    t_init(&a, "agent22");
    t_init(&b, "agent20");
    t_init(&c, "other-line");
    t_init(&p, "proxy");
    HLINE la = 0, lb = 0, pl = 0;
    CHECK_RC(lineOpen(a.h, 0, &la, T_API, 0, 1, LINECALLPRIVILEGE_NONE,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             0);
    CHECK_RC(lineOpen(b.h, 0, &lb, 0x00020000, 0, 2, LINECALLPRIVILEGE_NONE,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             0);
    HLINE lc = t_open(&c, 1, LINECALLPRIVILEGE_NONE);
    const DWORD one[] = {LINEPROXYREQUEST_GETQUEUEINFO};
    CHECK_RC(open_proxy(&p, 0, one, 1, 3, &pl), 0);
    expect_msg(&a, LINE_PROXYSTATUS, la, LINEPROXYSTATUS_OPEN, LINEPROXYREQUEST_GETQUEUEINFO, 0);

    CHECK_RC(lineProxyMessage(pl, 0, LINE_AGENTSTATUS, 0, LINEAGENTSTATUS_STATE,
                              LINEAGENTSTATE_NOTREADY),
             0);
    expect_msg(&a, LINE_AGENTSTATUS, la, 0, LINEAGENTSTATUS_STATE, LINEAGENTSTATE_NOTREADY);
    expect_msg(&b, LINE_AGENTSTATUS, lb, 0, LINEAGENTSTATUS_STATE, LINEAGENTSTATE_NOTREADY);
    CHECK_RC(lineProxyMessage(pl, 0, LINE_AGENTSPECIFIC, 2, 0xAA, 0xBB), 0);
    expect_msg(&a, LINE_AGENTSPECIFIC, la, 2, 0xAA, 0xBB);
    expect_msg(&b, LINE_AGENTSPECIFIC, lb, 2, 0xAA, 0xBB);
    /* the TAPI 2.2 messages reach the TAPI 2.2 opens */
    CHECK_RC(lineProxyMessage(pl, 0, LINE_QUEUESTATUS, 1, LINEQUEUESTATUS_UPDATEINFO, 0), 0);
    CHECK_RC(lineProxyMessage(pl, 0, LINE_AGENTSTATUSEX, 77, LINEAGENTSTATUSEX_STATE,
                              LINEAGENTSTATEEX_READY),
             0);
    CHECK_RC(lineProxyMessage(pl, 0, LINE_AGENTSESSIONSTATUS, 500,
                              LINEAGENTSESSIONSTATUS_NEWSESSION, LINEAGENTSESSIONSTATE_NOTREADY),
             0);
    CHECK_RC(lineProxyMessage(pl, 0, LINE_GROUPSTATUS, LINEGROUPSTATUS_NEWGROUP, 0, 0), 0);
    CHECK_RC(lineProxyMessage(pl, 0, LINE_PROXYSTATUS, LINEPROXYSTATUS_ALLOPENFORACD, 0, 0), 0);
    expect_msg(&a, LINE_QUEUESTATUS, la, 1, LINEQUEUESTATUS_UPDATEINFO, 0);
    expect_msg(&a, LINE_AGENTSTATUSEX, la, 77, LINEAGENTSTATUSEX_STATE, LINEAGENTSTATEEX_READY);
    expect_msg(&a, LINE_AGENTSESSIONSTATUS, la, 500, LINEAGENTSESSIONSTATUS_NEWSESSION,
               LINEAGENTSESSIONSTATE_NOTREADY);
    expect_msg(&a, LINE_GROUPSTATUS, la, LINEGROUPSTATUS_NEWGROUP, 0, 0);
    expect_msg(&a, LINE_PROXYSTATUS, la, LINEPROXYSTATUS_ALLOPENFORACD, 0, 0);

    /* refused: other messages, bad parameters, a call handle */
    CHECK_RC(lineProxyMessage(pl, 0, LINE_CALLSTATE, LINECALLSTATE_IDLE, 0, 0),
             LINEERR_INVALPARAM);
    CHECK_RC(lineProxyMessage(pl, 0, LINE_REPLY, 1, 0, 0), LINEERR_INVALPARAM);
    CHECK_RC(lineProxyMessage(pl, 0, LINE_PROXYREQUEST, 1, 0, 0), LINEERR_INVALPARAM);
    CHECK_RC(lineProxyMessage(pl, 0, LINE_AGENTSTATUS, 0, 0, 0), LINEERR_INVALPARAM);
    CHECK_RC(lineProxyMessage(pl, 0, LINE_AGENTSTATUS, 0, 0x200, 0), LINEERR_INVALPARAM);
    CHECK_RC(lineProxyMessage(pl, 0, LINE_AGENTSTATUS, 1, LINEAGENTSTATUS_STATE, 0),
             LINEERR_INVALPARAM); /* address 1 */
    CHECK_RC(lineProxyMessage(pl, 0, LINE_QUEUESTATUS, 1, 8, 0), LINEERR_INVALPARAM);
    CHECK_RC(lineProxyMessage(pl, 0, LINE_PROXYSTATUS, LINEPROXYSTATUS_OPEN, 0, 0),
             LINEERR_INVALPARAM);
    CHECK_RC(lineProxyMessage(pl, 0x30000001, LINE_AGENTSTATUS, 0, LINEAGENTSTATUS_STATE, 0),
             LINEERR_INVALCALLHANDLE);
    CHECK_RC(lineProxyMessage(lc, 0, LINE_AGENTSTATUS, 0, LINEAGENTSTATUS_STATE, 0),
             LINEERR_NOTREGISTERED);
    t_expect_none(&a);
    t_expect_none(&b);
    t_expect_none(&c); /* another line hears nothing */
    t_expect_none(&p); /* nor the proxy itself */
    t_shutdown(&p);
    expect_msg(&a, LINE_PROXYSTATUS, la, LINEPROXYSTATUS_CLOSE, LINEPROXYREQUEST_GETQUEUEINFO, 0);
    t_shutdown(&c);
    t_shutdown(&b);
    t_shutdown(&a);
}

/* ---- helpers of test_agent_example.c too (agent_test.h) ---- */
LONG wait_reply_on(tapp *a, LONG req)
{
    CHECK_REQ(req);
    LINEMESSAGE m = t_next(a);
    if (m.dwMessageID != LINE_REPLY || (LONG)m.dwParam1 != req)
        FAIL("%s: expected LINE_REPLY(%ld), got message %lu (%lx %lx %lx)", a->name, (long)req,
             (unsigned long)m.dwMessageID, (unsigned long)m.dwParam1, (unsigned long)m.dwParam2,
             (unsigned long)m.dwParam3);
    return (LONG)m.dwParam2;
}

const char *entry_name(const unsigned char *base, DWORD size, DWORD off)
{
    CHECK(size > 0);
    CHECK_EQ(base[off + size - 1], '\0');
    return (const char *)base + off;
}

/* The application goes (lineClose; lineShutdown for lineGetAgentCaps) and
 * frees its structure while the proxy works on its request: the proxy's
 * answer completes the request without touching that memory, and nothing
 * is left behind. */
TEST(acd_proxy_answer_after_the_application_went)
{
    tapp a, p;
    t_init(&a, "agent");
    t_init(&p, "proxy");
    HLINE la = 0, pl = 0;
    CHECK_RC(lineOpen(a.h, 0, &la, T_API, 0, 7, LINECALLPRIVILEGE_NONE,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             0);
    DWORD types[] = {LINEPROXYREQUEST_GETAGENTSTATUS, LINEPROXYREQUEST_GETAGENTCAPS};
    CHECK_RC(open_proxy(&p, 0, types, 2, 5, &pl), 0);
    expect_msg(&a, LINE_PROXYSTATUS, la, LINEPROXYSTATUS_OPEN, LINEPROXYREQUEST_GETAGENTCAPS, 0);
    expect_msg(&a, LINE_PROXYSTATUS, la, LINEPROXYSTATUS_OPEN, LINEPROXYREQUEST_GETAGENTSTATUS, 0);
    LINEAGENTSTATUS *st = calloc(1, 512);
    CHECK(st != NULL);
    st->dwTotalSize = 512;
    CHECK_REQ(lineGetAgentStatus(la, 0, st));
    LINEPROXYREQUEST *r = expect_request(&p, pl, 5, LINEPROXYREQUEST_GETAGENTSTATUS);
    CHECK_RC(lineClose(la), 0);
    free(st);
    fill_status(&r->GetAgentStatus.AgentStatus);
    CHECK_RC(lineProxyResponse(pl, r, 0), 0);
    CHECK_RC(lineProxyResponse(pl, r, 0), LINEERR_INVALPOINTER);

    LINEAGENTCAPS *caps = calloc(1, 512);
    CHECK(caps != NULL);
    caps->dwTotalSize = 512;
    CHECK_REQ(lineGetAgentCaps(a.h, 0, 0, T_API, caps));
    r = expect_request(&p, pl, 5, LINEPROXYREQUEST_GETAGENTCAPS);
    t_shutdown(&a);
    free(caps);
    r->GetAgentCaps.AgentCaps.dwUsedSize = sizeof(LINEAGENTCAPS);
    r->GetAgentCaps.AgentCaps.dwNeededSize = sizeof(LINEAGENTCAPS);
    memset((unsigned char *)&r->GetAgentCaps.AgentCaps + 12, 0x5A,
           sizeof(LINEAGENTCAPS) - 12);
    CHECK_RC(lineProxyResponse(pl, r, 0), 0);
    t_expect_none(&p);
    t_shutdown(&p);
}
