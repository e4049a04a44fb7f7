/* Call-centre (agent) functions and ACD proxies (src/core/agentapi.c):
 * lineOpen(LINEOPENOPTION_PROXY), LINE_PROXYREQUEST / lineProxyResponse,
 * lineProxyMessage, LINE_PROXYSTATUS, lineGetProxyStatus, and the example
 * proxy examples/acd_proxy.c serving an agent application.
 *
 * agent_*: no proxy involved, also run through the telephony service.
 * acd_*: a proxy in this process (the test itself, or the example's thread);
 * the service does not carry proxy requests (docs/service.md), so the service
 * stage leaves them out. */
#define ACD_PROXY_NO_MAIN
#include "../examples/acd_proxy.c"

#include <signal.h>
#include <stdlib.h>

#include "svc_helpers.h"
#include "test.h"

#define U LINEERR_OPERATIONUNAVAIL

/* The next message must be msg on hDevice dev with these parameters. */
static void expect_msg_(tapp *a, DWORD msg, DWORD dev, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3,
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
#define expect_msg(a, msg, dev, p1, p2, p3) expect_msg_(a, msg, dev, p1, p2, p3, __FILE__, __LINE__)

/* lineOpen as a proxy of the n request types. */
struct popen {
    LINECALLPARAMS cp;
    DWORD types[24];
};
static LONG open_proxy(tapp *a, DWORD dev, const DWORD *types, DWORD n, DWORD_PTR inst,
                       HLINE *hl)
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

/* The LINE_PROXYREQUEST the proxy must get next, on its line pl. */
static LINEPROXYREQUEST *expect_request_(tapp *p, HLINE pl, DWORD_PTR inst, DWORD type,
                                        const char *f, int l)
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
#define expect_request(p, pl, inst, type) expect_request_(p, pl, inst, type, __FILE__, __LINE__)

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

/* ---- the example proxy (examples/acd_proxy.c) on its own thread ---- */
static LONG wait_reply_on(tapp *a, LONG req)
{
    CHECK_REQ(req);
    LINEMESSAGE m = t_next(a);
    if (m.dwMessageID != LINE_REPLY || (LONG)m.dwParam1 != req)
        FAIL("%s: expected LINE_REPLY(%ld), got message %lu (%lx %lx %lx)", a->name, (long)req,
             (unsigned long)m.dwMessageID, (unsigned long)m.dwParam1, (unsigned long)m.dwParam2,
             (unsigned long)m.dwParam3);
    return (LONG)m.dwParam2;
}

static const char *entry_name(const unsigned char *base, DWORD size, DWORD off)
{
    CHECK(size > 0);
    CHECK_EQ(base[off + size - 1], '\0');
    return (const char *)base + off;
}

/* A test that fails while the example proxy runs leaves it to this (the
 * runner shuts down only the applications of t_init). */
static struct acd_proxy *live_proxy;
static void stop_live_proxy(void)
{
    if (live_proxy)
        acd_proxy_stop(live_proxy);
    live_proxy = NULL;
}

TEST_THREADED(acd_example_proxy_serves_an_agent_application)
{
    static struct acd_proxy proxy;
    static bool registered;
    if (!registered)
        t_at_cleanup(stop_live_proxy);
    registered = true;
    tapp a;
    t_init(&a, "agent");
    HLINE l = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    CHECK_RC(acd_proxy_start(0, &proxy), 0);
    live_proxy = &proxy;
    for (DWORD t = 1; t <= LINEPROXYREQUEST_SETAGENTSTATEEX; t++)
        expect_msg(&a, LINE_PROXYSTATUS, l, LINEPROXYSTATUS_OPEN, t, 0);

    /* an agent (TAPI 2.2): created NOTREADY, then READY */
    HAGENT ag = 0;
    LONG req = lineCreateAgent(l, "1001", "4321", &ag);
    CHECK_REQ(req);
    LINEMESSAGE m = t_next(&a);
    CHECK_EQ(m.dwMessageID, LINE_AGENTSTATUSEX);
    CHECK_EQ(m.dwParam2, LINEAGENTSTATUSEX_NEWAGENT);
    CHECK_EQ(m.dwParam3, LINEAGENTSTATEEX_NOTREADY);
    CHECK_RC(wait_reply_on(&a, req), 0);
    CHECK(ag != 0);
    CHECK_EQ(m.dwParam1, ag);
    HAGENT dup = 0;
    CHECK_RC(wait_reply_on(&a, lineCreateAgent(l, "1001", "x", &dup)), LINEERR_INVALAGENTID);
    CHECK_EQ(dup, 0);
    req = lineSetAgentStateEx(l, ag, LINEAGENTSTATEEX_READY, 0);
    expect_msg(&a, LINE_AGENTSTATUSEX, l, ag, LINEAGENTSTATUSEX_STATE, LINEAGENTSTATEEX_READY);
    CHECK_RC(wait_reply_on(&a, req), 0);
    union {
        LINEAGENTINFO i;
        unsigned char raw[256];
    } ai;
    memset(&ai, 0, sizeof(ai));
    ai.i.dwTotalSize = sizeof(ai);
    CHECK_RC(wait_reply_on(&a, lineGetAgentInfo(l, ag, &ai.i)), 0);
    CHECK_EQ(ai.i.dwAgentState, LINEAGENTSTATEEX_READY);
    CHECK_EQ(ai.i.dwMeasurementPeriod, 60);
    CHECK_RC(wait_reply_on(&a, lineGetAgentInfo(l, ag + 100, &ai.i)), LINEERR_INVALAGENTID);

    /* the address's agent (TAPI 2.0): READY needs a group */
    CHECK_RC(wait_reply_on(&a, lineSetAgentState(l, 0, LINEAGENTSTATE_READY, 0)),
             LINEERR_INVALAGENTSTATE);
    union {
        LINEAGENTGROUPLIST g;
        unsigned char raw[512];
    } groups;
    memset(&groups, 0, sizeof(groups));
    groups.g.dwTotalSize = sizeof(groups);
    CHECK_RC(wait_reply_on(&a, lineGetGroupList(l, &groups.g)), 0);
    CHECK_EQ(groups.g.dwNumEntries, 2);
    LINEAGENTGROUPENTRY ge[2];
    memcpy(ge, groups.raw + groups.g.dwListOffset, sizeof(ge));
    CHECK(!strcmp(entry_name(groups.raw, ge[0].dwNameSize, ge[0].dwNameOffset), "sales"));
    CHECK(!strcmp(entry_name(groups.raw, ge[1].dwNameSize, ge[1].dwNameOffset), "support"));
    CHECK(groups.g.dwUsedSize <= sizeof(groups) && groups.g.dwUsedSize == groups.g.dwNeededSize);
    /* too small for the list: the fixed part and dwNeededSize */
    union {
        LINEAGENTGROUPLIST g;
        unsigned char raw[sizeof(LINEAGENTGROUPLIST) + 8];
    } tiny;
    memset(&tiny, 0, sizeof(tiny));
    tiny.g.dwTotalSize = sizeof(tiny);
    CHECK_RC(wait_reply_on(&a, lineGetAgentGroupList(l, 0, &tiny.g)), 0);
    CHECK_EQ(tiny.g.dwNumEntries, 0);
    CHECK_EQ(tiny.g.dwNeededSize, groups.g.dwNeededSize);
    CHECK_EQ(tiny.g.dwTotalSize, sizeof(tiny));

    /* join "support" (the entry as lineGetGroupList gave it) */
    struct {
        LINEAGENTGROUPLIST l;
        LINEAGENTGROUPENTRY e;
    } set;
    memset(&set, 0, sizeof(set));
    set.l.dwTotalSize = sizeof(set);
    set.l.dwNumEntries = 1;
    set.l.dwListSize = sizeof(set.e);
    set.l.dwListOffset = sizeof(set.l);
    set.e.GroupID = ge[1].GroupID;
    req = lineSetAgentGroup(l, 0, &set.l);
    expect_msg(&a, LINE_AGENTSTATUS, l, 0, LINEAGENTSTATUS_GROUP | LINEAGENTSTATUS_GROUPLIST, 0);
    CHECK_RC(wait_reply_on(&a, req), 0);
    set.e.GroupID.dwGroupID1 ^= 1; /* no such group */
    CHECK_RC(wait_reply_on(&a, lineSetAgentGroup(l, 0, &set.l)), LINEERR_INVALAGENTGROUP);
    req = lineSetAgentState(l, 0, LINEAGENTSTATE_READY, LINEAGENTSTATE_WORKINGAFTERCALL);
    expect_msg(&a, LINE_AGENTSTATUS, l, 0, LINEAGENTSTATUS_STATE | LINEAGENTSTATUS_NEXTSTATE,
               LINEAGENTSTATE_READY);
    CHECK_RC(wait_reply_on(&a, req), 0);
    req = lineSetAgentActivity(l, 0, 2);
    expect_msg(&a, LINE_AGENTSTATUS, l, 0, LINEAGENTSTATUS_ACTIVITY, 0);
    CHECK_RC(wait_reply_on(&a, req), 0);
    CHECK_RC(wait_reply_on(&a, lineSetAgentActivity(l, 0, 99)), LINEERR_INVALAGENTACTIVITY);

    union {
        LINEAGENTSTATUS s;
        unsigned char raw[512];
    } st;
    memset(&st, 0, sizeof(st));
    st.s.dwTotalSize = sizeof(st);
    CHECK_RC(wait_reply_on(&a, lineGetAgentStatus(l, 0, &st.s)), 0);
    CHECK_EQ(st.s.dwState, LINEAGENTSTATE_READY);
    CHECK_EQ(st.s.dwNextState, LINEAGENTSTATE_WORKINGAFTERCALL);
    CHECK_EQ(st.s.dwActivityID, 2);
    CHECK(!strcmp(entry_name(st.raw, st.s.dwActivitySize, st.s.dwActivityOffset), "email"));
    CHECK_EQ(st.s.dwNumEntries, 1);
    LINEAGENTGROUPENTRY mine;
    memcpy(&mine, st.raw + st.s.dwGroupListOffset, sizeof(mine));
    CHECK(!strcmp(entry_name(st.raw, mine.dwNameSize, mine.dwNameOffset), "support"));

    union {
        LINEAGENTACTIVITYLIST l;
        unsigned char raw[256];
    } acts;
    memset(&acts, 0, sizeof(acts));
    acts.l.dwTotalSize = sizeof(acts);
    CHECK_RC(wait_reply_on(&a, lineGetAgentActivityList(l, 0, &acts.l)), 0);
    CHECK_EQ(acts.l.dwNumEntries, 3);
    LINEAGENTACTIVITYENTRY ae;
    memcpy(&ae, acts.raw + acts.l.dwListOffset + 2 * sizeof(ae), sizeof(ae));
    CHECK_EQ(ae.dwID, 3);
    CHECK(!strcmp(entry_name(acts.raw, ae.dwNameSize, ae.dwNameOffset), "break"));

    union {
        LINEAGENTCAPS c;
        unsigned char raw[256];
    } caps;
    memset(&caps, 0, sizeof(caps));
    caps.c.dwTotalSize = sizeof(caps);
    CHECK_RC(wait_reply_on(&a, lineGetAgentCaps(a.h, 0, 0, T_API, &caps.c)), 0);
    CHECK_EQ(caps.c.dwMaxNumGroupEntries, 2);
    CHECK(caps.c.dwStates & LINEAGENTSTATE_READY);
    CHECK(!strcmp(entry_name(caps.raw, caps.c.dwAgentHandlerInfoSize,
                             caps.c.dwAgentHandlerInfoOffset),
                  "opentapi example ACD"));

    /* sessions: the agent's PIN, a known group */
    HAGENTSESSION se = 0;
    GUID support;
    memcpy(&support, &ge[1].GroupID, sizeof(support));
    CHECK_RC(wait_reply_on(&a, lineCreateAgentSession(l, ag, "0000", 0, &support, &se)),
             LINEERR_INVALPASSWORD);
    CHECK_EQ(se, 0);
    req = lineCreateAgentSession(l, ag, "4321", 0, &support, &se);
    m = t_next(&a);
    CHECK_EQ(m.dwMessageID, LINE_AGENTSESSIONSTATUS);
    CHECK_EQ(m.dwParam2, LINEAGENTSESSIONSTATUS_NEWSESSION);
    CHECK_RC(wait_reply_on(&a, req), 0);
    CHECK(se != 0);
    CHECK_EQ(m.dwParam1, se);
    req = lineSetAgentSessionState(l, se, LINEAGENTSESSIONSTATE_READY, 0);
    expect_msg(&a, LINE_AGENTSESSIONSTATUS, l, se, LINEAGENTSESSIONSTATUS_STATE,
               LINEAGENTSESSIONSTATE_READY);
    CHECK_RC(wait_reply_on(&a, req), 0);
    union {
        LINEAGENTSESSIONLIST l;
        unsigned char raw[256];
    } sl;
    memset(&sl, 0, sizeof(sl));
    sl.l.dwTotalSize = sizeof(sl);
    CHECK_RC(wait_reply_on(&a, lineGetAgentSessionList(l, ag, &sl.l)), 0);
    CHECK_EQ(sl.l.dwNumEntries, 1);
    LINEAGENTSESSIONENTRY sen;
    memcpy(&sen, sl.raw + sl.l.dwListOffset, sizeof(sen));
    CHECK_EQ(sen.hAgentSession, se);
    CHECK_EQ(sen.hAgent, ag);
    CHECK_MEM(&sen.GroupID, &support, sizeof(GUID));
    union {
        LINEAGENTSESSIONINFO i;
        unsigned char raw[256];
    } si;
    memset(&si, 0, sizeof(si));
    si.i.dwTotalSize = sizeof(si);
    CHECK_RC(wait_reply_on(&a, lineGetAgentSessionInfo(l, se, &si.i)), 0);
    CHECK_EQ(si.i.dwAgentSessionState, LINEAGENTSESSIONSTATE_READY);

    /* the queue of "support" */
    union {
        LINEQUEUELIST l;
        unsigned char raw[256];
    } ql;
    memset(&ql, 0, sizeof(ql));
    ql.l.dwTotalSize = sizeof(ql);
    CHECK_RC(wait_reply_on(&a, lineGetQueueList(l, &support, &ql.l)), 0);
    CHECK_EQ(ql.l.dwNumEntries, 1);
    LINEQUEUEENTRY qe;
    memcpy(&qe, ql.raw + ql.l.dwListOffset, sizeof(qe));
    CHECK_EQ(qe.dwQueueID, ACD_QUEUE_ID);
    CHECK(!strcmp(entry_name(ql.raw, qe.dwNameSize, qe.dwNameOffset), "general"));
    req = lineSetQueueMeasurementPeriod(l, ACD_QUEUE_ID, 120);
    expect_msg(&a, LINE_QUEUESTATUS, l, ACD_QUEUE_ID, LINEQUEUESTATUS_UPDATEINFO, 0);
    CHECK_RC(wait_reply_on(&a, req), 0);
    union {
        LINEQUEUEINFO q;
        unsigned char raw[128];
    } qi;
    memset(&qi, 0, sizeof(qi));
    qi.q.dwTotalSize = sizeof(qi);
    CHECK_RC(wait_reply_on(&a, lineGetQueueInfo(l, ACD_QUEUE_ID, &qi.q)), 0);
    CHECK_EQ(qi.q.dwMeasurementPeriod, 120);
    CHECK_RC(wait_reply_on(&a, lineGetQueueInfo(l, 9, &qi.q)), LINEERR_INVALPARAM);

    char ping[4] = {'p', 'i', 'n', 'g'};
    CHECK_RC(wait_reply_on(&a, lineAgentSpecific(l, 0, 0, ping, sizeof(ping))), 0);
    CHECK_MEM(ping, "pong", 4);

    /* the proxy goes: its registrations end, the functions are unavailable */
    live_proxy = NULL;
    CHECK_RC(acd_proxy_stop(&proxy), 0);
    CHECK_EQ(proxy.answered, 26);
    for (DWORD t = 1; t <= LINEPROXYREQUEST_SETAGENTSTATEEX; t++)
        expect_msg(&a, LINE_PROXYSTATUS, l, LINEPROXYSTATUS_CLOSE, t, 0);
    CHECK_RC(lineGetAgentStatus(l, 0, &st.s), U);
    t_shutdown(&a);
}

/* ---- through the telephony service: the example proxy as a process of its
 * own serving an agent application in another (docs/service.md) ---- */
static void role_agent(void *arg)
{
    (void)arg;
    tapp a;
    t_init(&a, "agent");
    HLINE l = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    union {
        LINEPROXYREQUESTLIST pl;
        unsigned char raw[256];
    } ps;
    memset(&ps, 0, sizeof(ps));
    ps.pl.dwTotalSize = sizeof(ps);
    CHECK_RC(lineGetProxyStatus(a.h, 0, T_API, &ps.pl), 0);
    CHECK_EQ(ps.pl.dwNumEntries, LINEPROXYREQUEST_SETAGENTSTATEEX);

    HAGENT ag = 0;
    LONG req = lineCreateAgent(l, "2002", "1111", &ag);
    CHECK_REQ(req);
    LINEMESSAGE m = t_next(&a);
    CHECK_EQ(m.dwMessageID, LINE_AGENTSTATUSEX);
    CHECK_EQ(m.dwParam2, LINEAGENTSTATUSEX_NEWAGENT);
    CHECK_RC(wait_reply_on(&a, req), 0);
    CHECK(ag != 0); /* written by the proxy in its process, in place before the reply */
    CHECK_EQ(m.dwParam1, ag);

    union {
        LINEAGENTGROUPLIST g;
        unsigned char raw[512];
    } groups;
    memset(&groups, 0, sizeof(groups));
    groups.g.dwTotalSize = sizeof(groups);
    CHECK_RC(wait_reply_on(&a, lineGetGroupList(l, &groups.g)), 0);
    CHECK_EQ(groups.g.dwTotalSize, sizeof(groups));
    CHECK_EQ(groups.g.dwNumEntries, 2);
    LINEAGENTGROUPENTRY ge[2];
    memcpy(ge, groups.raw + groups.g.dwListOffset, sizeof(ge));
    CHECK(!strcmp(entry_name(groups.raw, ge[1].dwNameSize, ge[1].dwNameOffset), "support"));
    struct {
        LINEAGENTGROUPLIST l;
        LINEAGENTGROUPENTRY e;
    } set;
    memset(&set, 0, sizeof(set));
    set.l.dwTotalSize = sizeof(set);
    set.l.dwNumEntries = 1;
    set.l.dwListSize = sizeof(set.e);
    set.l.dwListOffset = sizeof(set.l);
    set.e.GroupID = ge[1].GroupID;
    req = lineSetAgentGroup(l, 0, &set.l);
    expect_msg(&a, LINE_AGENTSTATUS, l, 0, LINEAGENTSTATUS_GROUP | LINEAGENTSTATUS_GROUPLIST, 0);
    CHECK_RC(wait_reply_on(&a, req), 0);
    req = lineSetAgentState(l, 0, LINEAGENTSTATE_READY, 0);
    expect_msg(&a, LINE_AGENTSTATUS, l, 0, LINEAGENTSTATUS_STATE, LINEAGENTSTATE_READY);
    CHECK_RC(wait_reply_on(&a, req), 0);
    CHECK_RC(wait_reply_on(&a, lineSetAgentActivity(l, 0, 99)), LINEERR_INVALAGENTACTIVITY);

    union {
        LINEAGENTSTATUS s;
        unsigned char raw[512];
    } st;
    memset(&st, 0, sizeof(st));
    st.s.dwTotalSize = sizeof(st);
    CHECK_RC(wait_reply_on(&a, lineGetAgentStatus(l, 0, &st.s)), 0);
    CHECK_EQ(st.s.dwTotalSize, sizeof(st));
    CHECK_EQ(st.s.dwState, LINEAGENTSTATE_READY);
    CHECK_EQ(st.s.dwNumEntries, 1);
    LINEAGENTGROUPENTRY mine;
    memcpy(&mine, st.raw + st.s.dwGroupListOffset, sizeof(mine));
    CHECK(!strcmp(entry_name(st.raw, mine.dwNameSize, mine.dwNameOffset), "support"));
    union {
        LINEQUEUEINFO q;
        unsigned char raw[128];
    } qi;
    memset(&qi, 0, sizeof(qi));
    qi.q.dwTotalSize = sizeof(qi);
    CHECK_RC(wait_reply_on(&a, lineGetQueueInfo(l, ACD_QUEUE_ID, &qi.q)), 0);
    CHECK_EQ(qi.q.dwMeasurementPeriod, 300);
    char ping[4] = {'p', 'i', 'n', 'g'};
    CHECK_RC(wait_reply_on(&a, lineAgentSpecific(l, 0, 0, ping, sizeof(ping))), 0);
    CHECK_MEM(ping, "pong", 4);
    /* an error of the proxy's, and the checks made before any proxy */
    union {
        LINEAGENTINFO i;
        unsigned char raw[128];
    } ai;
    memset(&ai, 0, sizeof(ai));
    ai.i.dwTotalSize = sizeof(ai);
    CHECK_RC(wait_reply_on(&a, lineGetAgentInfo(l, ag + 1000, &ai.i)), LINEERR_INVALAGENTID);
    CHECK_EQ(ai.i.dwUsedSize, 0);
    CHECK_RC(lineGetAgentStatus(l, 1, &st.s), LINEERR_INVALADDRESSID);
    CHECK_RC(lineGetAgentStatus(l, 0, NULL), LINEERR_INVALPOINTER);
    CHECK_RC(lineGetAgentStatus(0, 0, &st.s), LINEERR_INVALLINEHANDLE);
    LINEPROXYREQUEST fake;
    memset(&fake, 0, sizeof(fake));
    CHECK_RC(lineProxyResponse(l, &fake, 0), LINEERR_NOTREGISTERED);
    t_expect_none(&a);
    svc_say("done");
    svc_wait_word(); /* the proxy process stopped */
    for (DWORD t = 1; t <= LINEPROXYREQUEST_SETAGENTSTATEEX; t++)
        expect_msg(&a, LINE_PROXYSTATUS, l, LINEPROXYSTATUS_CLOSE, t, 0);
    CHECK_RC(lineGetAgentStatus(l, 0, &st.s), U);
    svc_say("closed");
    t_shutdown(&a);
}

TEST(service_acd_proxy_process_serves_an_agent_process)
{
    svc s;
    svc_start(&s, NULL);
    svc_child px, ag;
    const char *const args[] = {"examples/acd_proxy", "--serve", "0", NULL};
    svc_exec(&px, &s, "acd_proxy", args);
    svc_expect(&px, "ready");
    svc_child_start(&ag, &s, "agent", role_agent, NULL);
    svc_expect(&ag, "done");
    CHECK_EQ(kill(px.pid, SIGTERM), 0);
    const char *n = svc_expect(&px, "answered ");
    CHECK_EQ(strtoul(n, NULL, 10), 9); /* every request the agent made */
    svc_exec_wait(&px);
    svc_tell(&ag, "stop");
    svc_expect(&ag, "closed");
    svc_child_wait(&ag);
    svc_stop(&s);
    svc_cleanup(&s);
}
