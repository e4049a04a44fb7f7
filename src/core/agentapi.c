/* The call-centre (ACD agent) functions of TAPI 2.2 and their proxy.
 *
 * TAPI itself knows nothing of agents: an ACD proxy application opens a line
 * with LINEOPENOPTION_PROXY, listing in its LINECALLPARAMS' DevSpecific area
 * the LINEPROXYREQUEST_ types it handles.  An agent function (lineSetAgentState,
 * lineGetAgentStatus, ...) on that line is checked here, becomes a
 * LINEPROXYREQUEST sent to the proxy (LINE_PROXYREQUEST, dwParam1 = the
 * request, which this library owns) and returns a request ID; the proxy's
 * lineProxyResponse completes it: for the Get* requests the structure the proxy
 * filled is copied into the application's buffer, then the application gets its
 * LINE_REPLY, and the request memory is freed.  A proxy that closes with
 * requests pending fails them with LINEERR_OPERATIONFAILED.  Without a proxy
 * for the request type the function fails with LINEERR_OPERATIONUNAVAIL.
 *
 * The proxy of a type is the first open of the line that registered for it
 * (Microsoft: LINE_PROXYREQUEST goes "only to the first application that
 * registered"); a later registration takes over when it closes.
 *
 * Client mode: the telephony service does not carry proxy requests (the
 * request lives in the proxy's process and the application's buffer in
 * another), so tapisrv refuses proxy opens (LINEERR_INVALPRIVSELECT) and an
 * agent function of a client fails, after its checks, with
 * LINEERR_OPERATIONUNAVAIL (docs/service.md).
 *
 * Invariant: every pending request is on `pending`, named by its buffer, and is
 * touched only with the core lock held; lineProxyResponse looks the pointer up
 * there before reading anything through it. */
#define _GNU_SOURCE
#include <pthread.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ot.h"
#include "rpc.h"

#define PROXY_TYPE_MAX LINEPROXYREQUEST_SETAGENTSTATEEX
/* A structure the proxy fills gets at most this much room (its dwNeededSize
 * tells the application when that is not enough). */
#define PROXY_IO_MAX OT_RPC_MAX_BUFFER
#define API_2_0 0x00020000u
#define API_2_2 0x00020002u

struct preq {
    struct ot_list link;
    LINEPROXYREQUEST *buf;
    HLINE proxy;          /* the proxy's open */
    struct ot_req *req;   /* the application's request: its LINE_REPLY */
    size_t io_off;        /* structure (or AgentSpecific parameters) copied back */
    DWORD io_len;         /* its room in buf */
    DWORD io_fixed;       /* fixed part of the structure */
    bool io_raw;          /* parameters without a TAPI header (lineAgentSpecific) */
    void *out;            /* the application's structure or parameters */
    DWORD out_total;      /* its size (dwTotalSize, or dwSize) */
    DWORD *out_handle;    /* lphAgent / lphAgentSession */
    size_t handle_off;    /* where the proxy wrote it */
};
static struct ot_list pending = {&pending, &pending};

/* What one function asks of the proxy. */
struct pspec {
    LINEPROXYREQUEST fixed; /* dwRequestType and the union members by name */
    size_t io_off;          /* 0: no structure */
    const void *in;         /* copied to io_off (in_len bytes) */
    DWORD in_len, io_len, io_fixed;
    bool io_raw, copy_back;
    void *out;
    DWORD out_total;
    DWORD *out_handle;
    size_t handle_off;
    const char *str[2];     /* strings appended, their Size fields at str_at[i] */
    size_t str_at[2];
};

/* The caller of one function: its open (or application), with the core lock
 * held unless remote. */
struct caller {
    bool remote;
    struct ot_open *o;     /* NULL for lineGetAgentCaps */
    struct ot_app *app;
    struct ot_linedev *ld;
    DWORD api;
};

static bool is_type(DWORD t) { return t >= 1 && t <= PROXY_TYPE_MAX; }

/* ---- registration (lineOpen / lineClose) ---- */
LONG ot_proxy_open_check(DWORD priv, DWORD api, const LINECALLPARAMS *p, DWORD *types)
{
    *types = 0;
    /* The service cannot carry proxy requests between processes. */
    if (ot_client_disabled())
        return LINEERR_INVALPRIVSELECT;
    if (api < API_2_0 || !(priv & LINECALLPRIVILEGE_OWNER))
        return LINEERR_INVALPRIVSELECT;
    if (!p)
        return LINEERR_INVALPOINTER;
    if (p->dwTotalSize < sizeof(LINECALLPARAMS))
        return LINEERR_STRUCTURETOOSMALL;
    DWORD size = p->dwDevSpecificSize, off = p->dwDevSpecificOffset;
    if (!size || size % sizeof(DWORD) || off > p->dwTotalSize || size > p->dwTotalSize - off)
        return LINEERR_INVALPARAM;
    const unsigned char *list = (const unsigned char *)p + off;
    for (DWORD i = 0; i < size / sizeof(DWORD); i++) {
        DWORD t;
        memcpy(&t, list + i * sizeof(DWORD), sizeof(t));
        if (!is_type(t))
            return LINEERR_INVALPARAM;
        *types |= 1u << t;
    }
    return 0;
}

/* LINE_PROXYSTATUS(what, type) to the other TAPI 2.2 opens of the line. */
static void announce(struct ot_open *proxy, DWORD what)
{
    struct ot_list *pos;
    for (DWORD t = 1; t <= PROXY_TYPE_MAX; t++) {
        if (!(proxy->proxy_types & (1u << t)))
            continue;
        for (pos = proxy->ld->opens.next; pos != &proxy->ld->opens; pos = pos->next) {
            struct ot_open *x = ot_container_of(pos, struct ot_open, ld_link);
            if (x != proxy && x->api_version >= API_2_2)
                ot_app_post(x->app, x->handle, LINE_PROXYSTATUS, x->instance, what, t, 0);
        }
    }
}

void ot_proxy_opened(struct ot_open *o) { announce(o, LINEPROXYSTATUS_OPEN); }

static void preq_free(struct preq *q)
{
    ot_list_del(&q->link);
    free(q->buf);
    free(q);
}

void ot_proxy_closing(struct ot_open *o)
{
    struct ot_list *pos, *tmp;
    ot_list_foreach_safe(pos, tmp, &pending)
    {
        struct preq *q = ot_container_of(pos, struct preq, link);
        if (q->proxy != o->handle)
            continue;
        ot_req_complete(q->req, LINEERR_OPERATIONFAILED);
        preq_free(q);
    }
    announce(o, LINEPROXYSTATUS_CLOSE);
}

static struct ot_open *find_proxy(struct ot_linedev *ld, DWORD type)
{
    struct ot_list *pos;
    for (pos = ld->opens.next; pos != &ld->opens; pos = pos->next) {
        struct ot_open *x = ot_container_of(pos, struct ot_open, ld_link);
        if (x->proxy_types & (1u << type))
            return x;
    }
    return NULL;
}

/* ---- building and sending a request ---- */
static size_t str_room(const char *s) { return s ? strlen(s) + 1 : 0; }

static void put_str(unsigned char *base, size_t *pos, const char *s, size_t size_at)
{
    if (!s || !size_at)
        return;
    DWORD n = (DWORD)strlen(s) + 1, off = (DWORD)*pos;
    memcpy(base + *pos, s, n);
    memcpy(base + size_at, &n, sizeof(n));
    memcpy(base + size_at + sizeof(DWORD), &off, sizeof(off));
    *pos += n;
}

/* The client machine and user names of every request: this process's, looked
 * up once (a user database lookup must not run under the core lock each time). */
static char who_host[256], who_user[256];
static pthread_once_t who_once = PTHREAD_ONCE_INIT;
static void who_init(void)
{
    if (gethostname(who_host, sizeof(who_host) - 1) != 0)
        who_host[0] = '\0';
    struct passwd pw, *pwp = NULL;
    char pwbuf[1024];
    if (getpwuid_r(geteuid(), &pw, pwbuf, sizeof(pwbuf), &pwp) == 0 && pwp)
        snprintf(who_user, sizeof(who_user), "%s", pwp->pw_name);
}

static LINEPROXYREQUEST *build(const struct pspec *s, DWORD api)
{
    const char *host = who_host, *user = who_user;
    size_t len = s->io_off ? s->io_off + s->io_len : 0;
    if (len < sizeof(LINEPROXYREQUEST))
        len = sizeof(LINEPROXYREQUEST);
    len = (len + 7u) & ~(size_t)7u;
    size_t strings = len;
    len += str_room(s->str[0]) + str_room(s->str[1]) + str_room(host) + str_room(user);
    unsigned char *b = calloc(1, len);
    if (!b)
        return NULL;
    memcpy(b, &s->fixed, sizeof(s->fixed));
    if (s->io_off && s->in)
        memcpy(b + s->io_off, s->in, s->in_len);
    if (s->io_off && !s->io_raw)
        memcpy(b + s->io_off, &s->io_len, sizeof(DWORD)); /* dwTotalSize: the room it has */
    LINEPROXYREQUEST *r = (LINEPROXYREQUEST *)(void *)b;
    r->dwSize = (DWORD)len;
    r->dwClientAppAPIVersion = api;
    for (int i = 0; i < 2; i++)
        put_str(b, &strings, s->str[i], s->str_at[i]);
    put_str(b, &strings, host[0] ? host : NULL, offsetof(LINEPROXYREQUEST, dwClientMachineNameSize));
    put_str(b, &strings, user[0] ? user : NULL, offsetof(LINEPROXYREQUEST, dwClientUserNameSize));
    return r;
}

static struct ot_req *new_req(const struct caller *c)
{
    if (c->o)
        return ot_req_new(c->o, OT_REQ_GENERIC);
    struct ot_req *r = ot_req_new(NULL, OT_REQ_GENERIC);
    if (!r)
        return NULL;
    if (ot_msgq_reserve(&c->app->queue) != 0) {
        ot_req_discard(r);
        return NULL;
    }
    r->reserved = true;
    r->app = c->app->handle;
    return r;
}

static LONG submit(const struct caller *c, const struct pspec *s)
{
    struct ot_open *p = find_proxy(c->ld, s->fixed.dwRequestType);
    if (!p)
        return LINEERR_OPERATIONUNAVAIL; /* no proxy handles this request on this line */
    struct preq *q = calloc(1, sizeof(*q));
    LINEPROXYREQUEST *buf = q ? build(s, c->api) : NULL;
    struct ot_req *r = buf ? new_req(c) : NULL;
    if (!r) {
        free(buf);
        free(q);
        return LINEERR_NOMEM;
    }
    q->buf = buf;
    q->proxy = p->handle;
    q->req = r;
    if (s->copy_back) {
        q->io_off = s->io_off;
        q->io_len = s->io_len;
        q->io_fixed = s->io_fixed;
        q->io_raw = s->io_raw;
        q->out = s->out;
        q->out_total = s->out_total;
    }
    q->out_handle = s->out_handle;
    q->handle_off = s->handle_off;
    ot_list_add_tail(&pending, &q->link);
    ot_app_post(p->app, p->handle, LINE_PROXYREQUEST, p->instance, (DWORD_PTR)buf, 0, 0);
    return r->id;
}

/* ---- the common steps of every agent function ---- */
static LONG begin_line(struct caller *c, HLINE h)
{
    memset(c, 0, sizeof(*c));
    pthread_once(&who_once, who_init);
    if (ot_client_active()) {
        c->remote = true;
        return ot_client_check(1, h);
    }
    ot_lock();
    LONG rc = ot_check_started();
    if (!rc && !(c->o = ot_open_get(h)))
        rc = LINEERR_INVALLINEHANDLE;
    if (!rc) {
        c->app = c->o->app;
        c->ld = c->o->ld;
        c->api = c->o->api_version;
    }
    return rc;
}

static LONG finish(struct caller *c, LONG rc, const struct pspec *s)
{
    if (c->remote) /* the service has no proxies (see the top) */
        return rc ? rc : (LONG)LINEERR_OPERATIONUNAVAIL;
    if (!rc)
        rc = submit(c, s);
    ot_unlock();
    return rc;
}

static void spec_init(struct pspec *s, DWORD type)
{
    memset(s, 0, sizeof(*s));
    s->fixed.dwRequestType = type;
}

/* Our lines have one address. */
static LONG check_address(DWORD id) { return id == 0 ? 0 : LINEERR_INVALADDRESSID; }

/* A variable-size structure the proxy fills (Get* requests): the
 * application's structure goes into the request with room of its dwTotalSize
 * (at most PROXY_IO_MAX) and comes back filled. */
static LONG want_out(struct pspec *s, void *p, DWORD fixed, size_t at)
{
    if (!p)
        return LINEERR_INVALPOINTER;
    DWORD total;
    memcpy(&total, p, sizeof(total));
    if (total < fixed)
        return LINEERR_STRUCTURETOOSMALL;
    s->io_off = at;
    s->io_len = total > PROXY_IO_MAX ? PROXY_IO_MAX : total;
    s->io_fixed = fixed;
    s->in = p;
    s->in_len = s->io_len;
    s->copy_back = true;
    s->out = p;
    s->out_total = total;
    return 0;
}

/* One state constant (a single bit of mask), or 0 for "no change". */
static bool one_state(DWORD v, DWORD mask) { return !v || (!(v & (v - 1)) && (v & mask) == v); }

/* ---- the functions ---- */
LONG lineGetAgentStatus(HLINE hLine, DWORD dwAddressID, LPLINEAGENTSTATUS lpAgentStatus)
{
    struct caller c;
    struct pspec s;
    spec_init(&s, LINEPROXYREQUEST_GETAGENTSTATUS);
    s.fixed.GetAgentStatus.dwAddressID = dwAddressID;
    LONG rc = begin_line(&c, hLine);
    if (!rc)
        rc = check_address(dwAddressID);
    if (!rc)
        rc = want_out(&s, lpAgentStatus, sizeof(LINEAGENTSTATUS),
                      offsetof(LINEPROXYREQUEST, GetAgentStatus.AgentStatus));
    return finish(&c, rc, &s);
}

LONG lineGetAgentActivityList(HLINE hLine, DWORD dwAddressID,
                              LPLINEAGENTACTIVITYLIST lpAgentActivityList)
{
    struct caller c;
    struct pspec s;
    spec_init(&s, LINEPROXYREQUEST_GETAGENTACTIVITYLIST);
    s.fixed.GetAgentActivityList.dwAddressID = dwAddressID;
    LONG rc = begin_line(&c, hLine);
    if (!rc)
        rc = check_address(dwAddressID);
    if (!rc)
        rc = want_out(&s, lpAgentActivityList, sizeof(LINEAGENTACTIVITYLIST),
                      offsetof(LINEPROXYREQUEST, GetAgentActivityList.ActivityList));
    return finish(&c, rc, &s);
}

LONG lineGetAgentGroupList(HLINE hLine, DWORD dwAddressID,
                           LPLINEAGENTGROUPLIST lpAgentGroupList)
{
    struct caller c;
    struct pspec s;
    spec_init(&s, LINEPROXYREQUEST_GETAGENTGROUPLIST);
    s.fixed.GetAgentGroupList.dwAddressID = dwAddressID;
    LONG rc = begin_line(&c, hLine);
    if (!rc)
        rc = check_address(dwAddressID);
    if (!rc)
        rc = want_out(&s, lpAgentGroupList, sizeof(LINEAGENTGROUPLIST),
                      offsetof(LINEPROXYREQUEST, GetAgentGroupList.GroupList));
    return finish(&c, rc, &s);
}

LONG lineGetGroupList(HLINE hLine, LPLINEAGENTGROUPLIST lpGroupList)
{
    struct caller c;
    struct pspec s;
    spec_init(&s, LINEPROXYREQUEST_GETGROUPLIST);
    LONG rc = begin_line(&c, hLine);
    if (!rc)
        rc = want_out(&s, lpGroupList, sizeof(LINEAGENTGROUPLIST),
                      offsetof(LINEPROXYREQUEST, GetGroupList.GroupList));
    return finish(&c, rc, &s);
}

LONG lineGetAgentInfo(HLINE hLine, HAGENT hAgent, LPLINEAGENTINFO lpAgentInfo)
{
    struct caller c;
    struct pspec s;
    spec_init(&s, LINEPROXYREQUEST_GETAGENTINFO);
    s.fixed.GetAgentInfo.hAgent = hAgent;
    LONG rc = begin_line(&c, hLine);
    if (!rc)
        rc = want_out(&s, lpAgentInfo, sizeof(LINEAGENTINFO),
                      offsetof(LINEPROXYREQUEST, GetAgentInfo.AgentInfo));
    return finish(&c, rc, &s);
}

LONG lineGetAgentSessionInfo(HLINE hLine, HAGENTSESSION hAgentSession,
                             LPLINEAGENTSESSIONINFO lpAgentSessionInfo)
{
    struct caller c;
    struct pspec s;
    spec_init(&s, LINEPROXYREQUEST_GETAGENTSESSIONINFO);
    s.fixed.GetAgentSessionInfo.hAgentSession = hAgentSession;
    LONG rc = begin_line(&c, hLine);
    if (!rc)
        rc = want_out(&s, lpAgentSessionInfo, sizeof(LINEAGENTSESSIONINFO),
                      offsetof(LINEPROXYREQUEST, GetAgentSessionInfo.SessionInfo));
    return finish(&c, rc, &s);
}

LONG lineGetAgentSessionList(HLINE hLine, HAGENT hAgent,
                             LPLINEAGENTSESSIONLIST lpAgentSessionList)
{
    struct caller c;
    struct pspec s;
    spec_init(&s, LINEPROXYREQUEST_GETAGENTSESSIONLIST);
    s.fixed.GetAgentSessionList.hAgent = hAgent;
    LONG rc = begin_line(&c, hLine);
    if (!rc)
        rc = want_out(&s, lpAgentSessionList, sizeof(LINEAGENTSESSIONLIST),
                      offsetof(LINEPROXYREQUEST, GetAgentSessionList.SessionList));
    return finish(&c, rc, &s);
}

LONG lineGetQueueInfo(HLINE hLine, DWORD dwQueueID, LPLINEQUEUEINFO lpLineQueueInfo)
{
    struct caller c;
    struct pspec s;
    spec_init(&s, LINEPROXYREQUEST_GETQUEUEINFO);
    s.fixed.GetQueueInfo.dwQueueID = dwQueueID;
    LONG rc = begin_line(&c, hLine);
    if (!rc)
        rc = want_out(&s, lpLineQueueInfo, sizeof(LINEQUEUEINFO),
                      offsetof(LINEPROXYREQUEST, GetQueueInfo.QueueInfo));
    return finish(&c, rc, &s);
}

LONG lineGetQueueList(HLINE hLine, LPGUID lpGroupID, LPLINEQUEUELIST lpQueueList)
{
    struct caller c;
    struct pspec s;
    spec_init(&s, LINEPROXYREQUEST_GETQUEUELIST);
    LONG rc = begin_line(&c, hLine);
    if (!rc && !lpGroupID)
        rc = LINEERR_INVALPOINTER;
    if (!rc) {
        memcpy(&s.fixed.GetQueueList.GroupID, lpGroupID, sizeof(GUID));
        rc = want_out(&s, lpQueueList, sizeof(LINEQUEUELIST),
                      offsetof(LINEPROXYREQUEST, GetQueueList.QueueList));
    }
    return finish(&c, rc, &s);
}

LONG lineSetAgentState(HLINE hLine, DWORD dwAddressID, DWORD dwAgentState,
                       DWORD dwNextAgentState)
{
    struct caller c;
    struct pspec s;
    spec_init(&s, LINEPROXYREQUEST_SETAGENTSTATE);
    s.fixed.SetAgentState.dwAddressID = dwAddressID;
    s.fixed.SetAgentState.dwAgentState = dwAgentState;
    s.fixed.SetAgentState.dwNextAgentState = dwNextAgentState;
    LONG rc = begin_line(&c, hLine);
    if (!rc)
        rc = check_address(dwAddressID);
    if (!rc && (!one_state(dwAgentState, 0x3FFu) || !one_state(dwNextAgentState, 0x3FFu)))
        rc = LINEERR_INVALAGENTSTATE;
    return finish(&c, rc, &s);
}

LONG lineSetAgentStateEx(HLINE hLine, HAGENT hAgent, DWORD dwAgentState, DWORD dwNextAgentState)
{
    struct caller c;
    struct pspec s;
    spec_init(&s, LINEPROXYREQUEST_SETAGENTSTATEEX);
    s.fixed.SetAgentStateEx.hAgent = hAgent;
    s.fixed.SetAgentStateEx.dwAgentState = dwAgentState;
    s.fixed.SetAgentStateEx.dwNextAgentState = dwNextAgentState;
    LONG rc = begin_line(&c, hLine);
    if (!rc && (!one_state(dwAgentState, 0x7Fu) || !one_state(dwNextAgentState, 0x7Fu)))
        rc = LINEERR_INVALAGENTSTATE;
    return finish(&c, rc, &s);
}

LONG lineSetAgentActivity(HLINE hLine, DWORD dwAddressID, DWORD dwActivityID)
{
    struct caller c;
    struct pspec s;
    spec_init(&s, LINEPROXYREQUEST_SETAGENTACTIVITY);
    s.fixed.SetAgentActivity.dwAddressID = dwAddressID;
    s.fixed.SetAgentActivity.dwActivityID = dwActivityID;
    LONG rc = begin_line(&c, hLine);
    if (!rc)
        rc = check_address(dwAddressID);
    return finish(&c, rc, &s);
}

/* A LINEAGENTGROUPLIST the application gives: every entry and name inside
 * its dwTotalSize. */
static LONG check_group_list(const LINEAGENTGROUPLIST *g)
{
    if (!g)
        return LINEERR_INVALPOINTER;
    if (g->dwTotalSize < sizeof(LINEAGENTGROUPLIST))
        return LINEERR_STRUCTURETOOSMALL;
    DWORD total = g->dwTotalSize;
    if (total > PROXY_IO_MAX)
        return LINEERR_INVALPARAM;
    if (!g->dwNumEntries)
        return 0;
    uint64_t need = (uint64_t)g->dwNumEntries * sizeof(LINEAGENTGROUPENTRY);
    if (need > g->dwListSize || g->dwListOffset > total || g->dwListSize > total - g->dwListOffset)
        return LINEERR_INVALAGENTGROUP;
    const unsigned char *base = (const unsigned char *)g;
    for (DWORD i = 0; i < g->dwNumEntries; i++) {
        LINEAGENTGROUPENTRY e;
        memcpy(&e, base + g->dwListOffset + i * sizeof(e), sizeof(e));
        if (e.dwNameSize && (e.dwNameOffset > total || e.dwNameSize > total - e.dwNameOffset))
            return LINEERR_INVALAGENTGROUP;
    }
    return 0;
}

LONG lineSetAgentGroup(HLINE hLine, DWORD dwAddressID, LPLINEAGENTGROUPLIST lpAgentGroupList)
{
    struct caller c;
    struct pspec s;
    spec_init(&s, LINEPROXYREQUEST_SETAGENTGROUP);
    s.fixed.SetAgentGroup.dwAddressID = dwAddressID;
    LONG rc = begin_line(&c, hLine);
    if (!rc)
        rc = check_address(dwAddressID);
    if (!rc)
        rc = check_group_list(lpAgentGroupList);
    if (!rc) {
        s.io_off = offsetof(LINEPROXYREQUEST, SetAgentGroup.GroupList);
        s.in = lpAgentGroupList;
        s.in_len = s.io_len = lpAgentGroupList->dwTotalSize;
    }
    return finish(&c, rc, &s);
}

LONG lineSetAgentMeasurementPeriod(HLINE hLine, HAGENT hAgent, DWORD dwMeasurementPeriod)
{
    struct caller c;
    struct pspec s;
    spec_init(&s, LINEPROXYREQUEST_SETAGENTMEASUREMENTPERIOD);
    s.fixed.SetAgentMeasurementPeriod.hAgent = hAgent;
    s.fixed.SetAgentMeasurementPeriod.dwMeasurementPeriod = dwMeasurementPeriod;
    LONG rc = begin_line(&c, hLine);
    if (!rc && !dwMeasurementPeriod)
        rc = LINEERR_INVALPARAM;
    return finish(&c, rc, &s);
}

LONG lineSetQueueMeasurementPeriod(HLINE hLine, DWORD dwQueueID, DWORD dwMeasurementPeriod)
{
    struct caller c;
    struct pspec s;
    spec_init(&s, LINEPROXYREQUEST_SETQUEUEMEASUREMENTPERIOD);
    s.fixed.SetQueueMeasurementPeriod.dwQueueID = dwQueueID;
    s.fixed.SetQueueMeasurementPeriod.dwMeasurementPeriod = dwMeasurementPeriod;
    LONG rc = begin_line(&c, hLine);
    if (!rc && !dwMeasurementPeriod)
        rc = LINEERR_INVALPARAM;
    return finish(&c, rc, &s);
}

LONG lineSetAgentSessionState(HLINE hLine, HAGENTSESSION hAgentSession,
                              DWORD dwAgentSessionState, DWORD dwNextAgentSessionState)
{
    struct caller c;
    struct pspec s;
    spec_init(&s, LINEPROXYREQUEST_SETAGENTSESSIONSTATE);
    s.fixed.SetAgentSessionState.hAgentSession = hAgentSession;
    s.fixed.SetAgentSessionState.dwAgentSessionState = dwAgentSessionState;
    s.fixed.SetAgentSessionState.dwNextAgentSessionState = dwNextAgentSessionState;
    LONG rc = begin_line(&c, hLine);
    if (!rc &&
        (!one_state(dwAgentSessionState, 0x3Fu) || !one_state(dwNextAgentSessionState, 0x3Fu)))
        rc = LINEERR_INVALAGENTSESSIONSTATE;
    return finish(&c, rc, &s);
}

/* Agent IDs and PINs travel as strings inside the request. */
#define AGENT_STR_MAX 1024u
static LONG check_str(const char *s)
{
    return s && strnlen(s, AGENT_STR_MAX + 1) > AGENT_STR_MAX ? LINEERR_INVALPARAM : 0;
}

LONG lineCreateAgent(HLINE hLine, LPSTR lpszAgentID, LPSTR lpszAgentPIN, LPHAGENT lphAgent)
{
    struct caller c;
    struct pspec s;
    spec_init(&s, LINEPROXYREQUEST_CREATEAGENT);
    LONG rc = begin_line(&c, hLine);
    if (!rc && !lphAgent)
        rc = LINEERR_INVALPOINTER;
    if (!rc && !(rc = check_str(lpszAgentID)))
        rc = check_str(lpszAgentPIN);
    if (!rc) {
        s.str[0] = lpszAgentID;
        s.str_at[0] = offsetof(LINEPROXYREQUEST, CreateAgent.dwAgentIDSize);
        s.str[1] = lpszAgentPIN;
        s.str_at[1] = offsetof(LINEPROXYREQUEST, CreateAgent.dwAgentPINSize);
        s.out_handle = lphAgent;
        s.handle_off = offsetof(LINEPROXYREQUEST, CreateAgent.hAgent);
    }
    return finish(&c, rc, &s);
}

LONG lineCreateAgentSession(HLINE hLine, HAGENT hAgent, LPSTR lpszAgentPIN,
                            DWORD dwWorkingAddressID, LPGUID lpGroupID,
                            LPHAGENTSESSION lphAgentSession)
{
    struct caller c;
    struct pspec s;
    spec_init(&s, LINEPROXYREQUEST_CREATEAGENTSESSION);
    s.fixed.CreateAgentSession.hAgent = hAgent;
    s.fixed.CreateAgentSession.dwWorkingAddressID = dwWorkingAddressID;
    LONG rc = begin_line(&c, hLine);
    if (!rc && (!lpGroupID || !lphAgentSession))
        rc = LINEERR_INVALPOINTER;
    if (!rc)
        rc = check_address(dwWorkingAddressID);
    if (!rc)
        rc = check_str(lpszAgentPIN);
    if (!rc) {
        memcpy(&s.fixed.CreateAgentSession.GroupID, lpGroupID, sizeof(GUID));
        s.str[0] = lpszAgentPIN;
        s.str_at[0] = offsetof(LINEPROXYREQUEST, CreateAgentSession.dwAgentPINSize);
        s.out_handle = lphAgentSession;
        s.handle_off = offsetof(LINEPROXYREQUEST, CreateAgentSession.hAgentSession);
    }
    return finish(&c, rc, &s);
}

LONG lineAgentSpecific(HLINE hLine, DWORD dwAddressID, DWORD dwAgentExtensionIDIndex,
                       LPVOID lpParams, DWORD dwSize)
{
    struct caller c;
    struct pspec s;
    spec_init(&s, LINEPROXYREQUEST_AGENTSPECIFIC);
    s.fixed.AgentSpecific.dwAddressID = dwAddressID;
    s.fixed.AgentSpecific.dwAgentExtensionIDIndex = dwAgentExtensionIDIndex;
    s.fixed.AgentSpecific.dwSize = dwSize;
    LONG rc = begin_line(&c, hLine);
    if (!rc)
        rc = check_address(dwAddressID);
    if (!rc && dwSize && !lpParams)
        rc = LINEERR_INVALPOINTER;
    if (!rc && dwSize > PROXY_IO_MAX)
        rc = LINEERR_INVALPARAM;
    if (!rc && dwSize) { /* the parameter block goes to the proxy and comes back */
        s.io_off = offsetof(LINEPROXYREQUEST, AgentSpecific.Params);
        s.in = lpParams;
        s.in_len = s.io_len = dwSize;
        s.io_raw = true;
        s.copy_back = true;
        s.out = lpParams;
        s.out_total = dwSize;
    }
    return finish(&c, rc, &s);
}

LONG lineGetAgentCaps(HLINEAPP hLineApp, DWORD dwDeviceID, DWORD dwAddressID,
                      DWORD dwAppAPIVersion, LPLINEAGENTCAPS lpAgentCaps)
{
    struct caller c;
    struct pspec s;
    memset(&c, 0, sizeof(c));
    spec_init(&s, LINEPROXYREQUEST_GETAGENTCAPS);
    s.fixed.GetAgentCaps.dwAddressID = dwAddressID;
    LONG rc;
    pthread_once(&who_once, who_init);
    if (ot_client_active()) {
        c.remote = true;
        ot_lock();
        rc = ot_app_get(hLineApp) ? 0 : LINEERR_INVALAPPHANDLE;
        ot_unlock();
        if (!rc)
            rc = ot_client_check(3, dwDeviceID);
    } else {
        ot_lock();
        rc = ot_check_started();
        if (!rc && !(c.app = ot_app_get(hLineApp)))
            rc = LINEERR_INVALAPPHANDLE;
        if (!rc && !(c.ld = ot_linedev_get(dwDeviceID)))
            rc = LINEERR_BADDEVICEID;
    }
    c.api = dwAppAPIVersion;
    if (!rc && (dwAppAPIVersion < API_2_0 || dwAppAPIVersion > API_2_2))
        rc = LINEERR_INCOMPATIBLEAPIVERSION;
    if (!rc)
        rc = check_address(dwAddressID);
    if (!rc)
        rc = want_out(&s, lpAgentCaps, sizeof(LINEAGENTCAPS),
                      offsetof(LINEPROXYREQUEST, GetAgentCaps.AgentCaps));
    return finish(&c, rc, &s);
}

/* ---- the proxy's side ---- */
static struct ot_open *proxy_open(HLINE h, LONG *rc)
{
    *rc = ot_check_started();
    struct ot_open *o = *rc ? NULL : ot_open_get(h);
    if (!*rc && !o)
        *rc = LINEERR_INVALLINEHANDLE;
    if (o && !o->proxy_types) {
        *rc = LINEERR_NOTREGISTERED;
        o = NULL;
    }
    return o;
}

/* The proxy's answer into the application's buffer.  0, or the proxy's
 * structure is not a structure of that room (the proxy's error). */
static LONG copy_back(const struct preq *q)
{
    const unsigned char *src = (const unsigned char *)q->buf + q->io_off;
    if (q->io_raw) {
        memcpy(q->out, src, q->io_len);
        return 0;
    }
    DWORD used;
    memcpy(&used, src + 2 * sizeof(DWORD), sizeof(used));
    if (used < q->io_fixed || used > q->io_len)
        return LINEERR_INVALPARAM;
    memcpy(q->out, src, used);
    memcpy(q->out, &q->out_total, sizeof(DWORD)); /* as the application sized it */
    return 0;
}

LONG lineProxyResponse(HLINE hLine, LPLINEPROXYREQUEST lpProxyRequest, DWORD dwResult)
{
    if (ot_client_active()) { /* no client's open is a proxy */
        LONG crc = ot_client_check(1, hLine);
        return crc ? crc : (LONG)LINEERR_NOTREGISTERED;
    }
    ot_lock();
    LONG rc;
    struct ot_open *o = proxy_open(hLine, &rc);
    struct preq *q = NULL;
    if (o) {
        struct ot_list *pos;
        for (pos = pending.next; pos != &pending; pos = pos->next) {
            struct preq *x = ot_container_of(pos, struct preq, link);
            if (x->buf == lpProxyRequest && x->proxy == hLine) {
                q = x;
                break;
            }
        }
        if (!q)
            rc = LINEERR_INVALPOINTER; /* not a request this line was given, or answered */
    }
    /* The result: success or a LINEERR_ value. */
    if (q && dwResult && (dwResult & 0xFFFF0000u) != 0x80000000u)
        rc = LINEERR_INVALPARAM;
    if (q && !rc) {
        struct ot_req *r = q->req;
        struct ot_app *app = ot_app_get(r->app);
        struct ot_open *ro = r->line ? ot_open_get(r->line) : NULL;
        bool deliver = app && (!r->line || (ro && ro->app == app));
        if (deliver && dwResult == 0 && q->out)
            rc = copy_back(q);
        if (!rc) {
            if (deliver && dwResult == 0 && q->out_handle)
                memcpy(q->out_handle, (const unsigned char *)q->buf + q->handle_off,
                       sizeof(DWORD));
            ot_req_complete(r, (LONG)dwResult);
            preq_free(q);
        }
    }
    ot_unlock();
    return rc;
}

static bool flags_in(DWORD v, DWORD mask) { return v && !(v & ~mask); }

LONG lineProxyMessage(HLINE hLine, HCALL hCall, DWORD dwMsg, DWORD dwParam1, DWORD dwParam2,
                      DWORD dwParam3)
{
    if (ot_client_active()) {
        LONG crc = ot_client_check(1, hLine);
        return crc ? crc : (LONG)LINEERR_NOTREGISTERED;
    }
    ot_lock();
    LONG rc;
    struct ot_open *o = proxy_open(hLine, &rc);
    DWORD min_api = API_2_2;
    if (o && hCall) {
        /* Every message a proxy may send is about the line, not a call. */
        struct ot_callref *cr = ot_callref_get(hCall);
        rc = cr && cr->open == o ? LINEERR_INVALPARAM : LINEERR_INVALCALLHANDLE;
    }
    if (!rc) {
        bool ok;
        switch (dwMsg) {
        case LINE_AGENTSTATUS: /* address, LINEAGENTSTATUS_, new state */
            ok = dwParam1 == 0 && flags_in(dwParam2, 0x1FFu);
            min_api = API_2_0;
            break;
        case LINE_AGENTSPECIFIC: /* extension index, handler-specific */
            ok = true;
            min_api = API_2_0;
            break;
        case LINE_AGENTSTATUSEX: /* hAgent, LINEAGENTSTATUSEX_, state */
        case LINE_AGENTSESSIONSTATUS: /* hAgentSession, LINEAGENTSESSIONSTATUS_, state */
        case LINE_QUEUESTATUS: /* queue ID, LINEQUEUESTATUS_ */
            ok = flags_in(dwParam2, 0x7u);
            break;
        case LINE_GROUPSTATUS: /* LINEGROUPSTATUS_ */
            ok = flags_in(dwParam1, 0x3u);
            break;
        case LINE_PROXYSTATUS: /* LINEPROXYSTATUS_, request type for OPEN/CLOSE */
            ok = flags_in(dwParam1, 0x7u) &&
                 (!(dwParam1 & (LINEPROXYSTATUS_OPEN | LINEPROXYSTATUS_CLOSE)) ||
                  is_type(dwParam2));
            break;
        default:
            ok = false;
        }
        if (!ok)
            rc = LINEERR_INVALPARAM;
    }
    if (!rc) {
        /* To every other open of the line (TAPI suppresses it on hLine). */
        struct ot_list *pos;
        for (pos = o->ld->opens.next; pos != &o->ld->opens; pos = pos->next) {
            struct ot_open *x = ot_container_of(pos, struct ot_open, ld_link);
            if (x != o && x->api_version >= min_api)
                ot_app_post(x->app, x->handle, dwMsg, x->instance, dwParam1, dwParam2, dwParam3);
        }
    }
    ot_unlock();
    return rc;
}

LONG lineGetProxyStatus(HLINEAPP hLineApp, DWORD dwDeviceID, DWORD dwAppAPIVersion,
                        LPLINEPROXYREQUESTLIST lpLineProxyReqestList)
{
    OT_REMOTE(lineGetProxyStatus, hLineApp, dwDeviceID, dwAppAPIVersion, lpLineProxyReqestList);
    ot_lock();
    LONG rc = ot_check_started();
    struct ot_linedev *ld = NULL;
    if (!rc && !ot_app_get(hLineApp))
        rc = LINEERR_INVALAPPHANDLE;
    if (!rc && !(ld = ot_linedev_get(dwDeviceID)))
        rc = LINEERR_BADDEVICEID;
    if (!rc && dwAppAPIVersion != API_2_2) /* a TAPI 2.2 function */
        rc = LINEERR_INCOMPATIBLEAPIVERSION;
    if (!rc && !lpLineProxyReqestList)
        rc = LINEERR_INVALPOINTER;
    if (!rc && lpLineProxyReqestList->dwTotalSize < sizeof(LINEPROXYREQUESTLIST))
        rc = LINEERR_STRUCTURETOOSMALL;
    if (!rc) {
        DWORD types = 0, list[PROXY_TYPE_MAX], n = 0;
        struct ot_list *pos;
        for (pos = ld->opens.next; pos != &ld->opens; pos = pos->next)
            types |= ot_container_of(pos, struct ot_open, ld_link)->proxy_types;
        for (DWORD t = 1; t <= PROXY_TYPE_MAX; t++)
            if (types & (1u << t))
                list[n++] = t;
        LINEPROXYREQUESTLIST h;
        memset(&h, 0, sizeof(h));
        h.dwTotalSize = lpLineProxyReqestList->dwTotalSize;
        struct ot_varbuf vb = {(unsigned char *)lpLineProxyReqestList, h.dwTotalSize, sizeof(h),
                               sizeof(h)};
        ot_varbuf_put(&vb, n ? list : NULL, n * (DWORD)sizeof(DWORD), &h.dwListSize,
                      &h.dwListOffset);
        h.dwNumEntries = h.dwListSize ? n : 0;
        h.dwNeededSize = vb.needed;
        h.dwUsedSize = vb.used;
        memcpy(lpLineProxyReqestList, &h, sizeof(h));
    }
    ot_unlock();
    return rc;
}
