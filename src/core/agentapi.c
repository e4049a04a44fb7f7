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
 * for the request type the function fails with LINEERR_OPERATIONUNAVAIL.  The
 * requests pending are bounded, per application and per proxy (proxy.h, the
 * [proxy] section): past either the function fails at once with
 * LINEERR_RESOURCEUNAVAIL, nothing sent.
 *
 * The proxy of a type is the first open of the line that registered for it
 * (Microsoft: LINE_PROXYREQUEST goes "only to the first application that
 * registered"); a later registration takes over when it closes.
 *
 * Client mode: every function travels to the telephony service (rpc.h), whose
 * core runs the same code.  The service keeps a Get* structure until the
 * request's LINE_REPLY, which carries it back to the application's buffer
 * (kinds G and Y); a LINE_PROXYREQUEST for a proxy that is a client carries a
 * copy of the request, and the proxy's lineProxyResponse sends its copy back
 * (ot_proxy_response_remote).  See docs/service.md.
 *
 * Invariant: every pending request is on ot_proxy_pending (proxy.h), named by
 * its buffer, and is touched only with the core lock held; lineProxyResponse
 * (proxy.c) looks the pointer up there before reading anything through it. */
#define _GNU_SOURCE
#include <pthread.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proxy.h"

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
 * held. */
struct caller {
    struct ot_open *o;     /* NULL for lineGetAgentCaps */
    struct ot_app *app;
    struct ot_linedev *ld;
    DWORD api;
};

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
 * up once (a user database lookup must not run under the core lock each time);
 * through the telephony service the user is the client's (ot_agent_client_user). */
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

/* The telephony service's client whose call this is (its thread only). */
static _Thread_local const char *client_user;
void ot_agent_client_user(const char *user) { client_user = user; }

static LINEPROXYREQUEST *build(const struct pspec *s, DWORD api)
{
    const char *host = who_host, *user = client_user ? client_user : who_user;
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
    struct ot_open *p = ot_proxy_find(c->ld, s->fixed.dwRequestType);
    if (!p)
        return LINEERR_OPERATIONUNAVAIL; /* no proxy handles this request on this line */
    LONG full = ot_proxy_admit(c->app, p); /* proxy.h: the bounds on pending requests */
    if (full)
        return full;
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
    ot_proxy_add(q, c->app, p);
    ot_app_post(p->app, p->handle, LINE_PROXYREQUEST, p->instance, (DWORD_PTR)buf, 0, 0);
    return r->id;
}

/* ---- the common steps of every agent function ---- */
static LONG begin_line(struct caller *c, HLINE h)
{
    memset(c, 0, sizeof(*c));
    pthread_once(&who_once, who_init);
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
 * application's structure (its fixed part) goes into the request with room of
 * its dwTotalSize (at most OT_PROXY_IO_MAX, zeroed) and comes back filled. */
static LONG want_out(struct pspec *s, void *p, DWORD fixed, size_t at)
{
    if (!p)
        return LINEERR_INVALPOINTER;
    DWORD total;
    memcpy(&total, p, sizeof(total));
    if (total < fixed)
        return LINEERR_STRUCTURETOOSMALL;
    s->io_off = at;
    s->io_len = total > OT_PROXY_IO_MAX ? OT_PROXY_IO_MAX : total;
    s->io_fixed = fixed;
    s->in = p; /* its fixed part: the rest is the proxy's to fill */
    s->in_len = fixed;
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
    OT_REMOTE(lineGetAgentStatus, hLine, dwAddressID, lpAgentStatus);
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
    OT_REMOTE(lineGetAgentActivityList, hLine, dwAddressID, lpAgentActivityList);
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
    OT_REMOTE(lineGetAgentGroupList, hLine, dwAddressID, lpAgentGroupList);
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
    OT_REMOTE(lineGetGroupList, hLine, lpGroupList);
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
    OT_REMOTE(lineGetAgentInfo, hLine, hAgent, lpAgentInfo);
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
    OT_REMOTE(lineGetAgentSessionInfo, hLine, hAgentSession, lpAgentSessionInfo);
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
    OT_REMOTE(lineGetAgentSessionList, hLine, hAgent, lpAgentSessionList);
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
    OT_REMOTE(lineGetQueueInfo, hLine, dwQueueID, lpLineQueueInfo);
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
    OT_REMOTE(lineGetQueueList, hLine, lpGroupID, lpQueueList);
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
    OT_REMOTE(lineSetAgentState, hLine, dwAddressID, dwAgentState, dwNextAgentState);
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
    OT_REMOTE(lineSetAgentStateEx, hLine, hAgent, dwAgentState, dwNextAgentState);
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
    OT_REMOTE(lineSetAgentActivity, hLine, dwAddressID, dwActivityID);
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
    if (total > OT_PROXY_IO_MAX)
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
    OT_REMOTE(lineSetAgentGroup, hLine, dwAddressID, lpAgentGroupList);
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
    OT_REMOTE(lineSetAgentMeasurementPeriod, hLine, hAgent, dwMeasurementPeriod);
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
    OT_REMOTE(lineSetQueueMeasurementPeriod, hLine, dwQueueID, dwMeasurementPeriod);
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
    OT_REMOTE(lineSetAgentSessionState, hLine, hAgentSession, dwAgentSessionState, dwNextAgentSessionState);
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
    OT_REMOTE(lineCreateAgent, hLine, lpszAgentID, lpszAgentPIN, lphAgent);
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
    OT_REMOTE(lineCreateAgentSession, hLine, hAgent, lpszAgentPIN, dwWorkingAddressID, lpGroupID, lphAgentSession);
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
    OT_REMOTE(lineAgentSpecific, hLine, dwAddressID, dwAgentExtensionIDIndex, lpParams, dwSize);
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
    if (!rc && dwSize > OT_PROXY_IO_MAX)
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
    OT_REMOTE(lineGetAgentCaps, hLineApp, dwDeviceID, dwAddressID, dwAppAPIVersion, lpAgentCaps);
    struct caller c;
    struct pspec s;
    memset(&c, 0, sizeof(c));
    spec_init(&s, LINEPROXYREQUEST_GETAGENTCAPS);
    s.fixed.GetAgentCaps.dwAddressID = dwAddressID;
    LONG rc;
    pthread_once(&who_once, who_init);
    ot_lock();
    rc = ot_check_started();
    if (!rc && !(c.app = ot_app_get(hLineApp)))
        rc = LINEERR_INVALAPPHANDLE;
    if (!rc && !(c.ld = ot_linedev_get(dwDeviceID)))
        rc = LINEERR_BADDEVICEID;
    c.api = dwAppAPIVersion;
    if (!rc && (dwAppAPIVersion < OT_API_2_0 || dwAppAPIVersion > OT_API_2_2))
        rc = LINEERR_INCOMPATIBLEAPIVERSION;
    if (!rc)
        rc = check_address(dwAddressID);
    if (!rc)
        rc = want_out(&s, lpAgentCaps, sizeof(LINEAGENTCAPS),
                      offsetof(LINEPROXYREQUEST, GetAgentCaps.AgentCaps));
    return finish(&c, rc, &s);
}

