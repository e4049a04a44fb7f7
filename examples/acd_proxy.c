/* acd_proxy.c - a small ACD (automatic call distribution) proxy, written with
 * the public TAPI API only (docs/api.md, "Writing an ACD proxy").
 *
 * TAPI 2.2 sends every call-centre function (lineSetAgentState,
 * lineGetAgentStatus, lineCreateAgent, sessions, groups, queues) of a line to
 * the application that opened that line with LINEOPENOPTION_PROXY: it gets a
 * LINE_PROXYREQUEST whose dwParam1 points to a LINEPROXYREQUEST, carries the
 * request out, fills the structure a Get* request asks for, and answers with
 * lineProxyResponse; the requesting application then gets its LINE_REPLY.
 * With lineProxyMessage the proxy tells every application on the line what
 * changed (LINE_AGENTSTATUS, LINE_AGENTSTATUSEX, LINE_AGENTSESSIONSTATUS,
 * LINE_QUEUESTATUS); it sends them before its answer, so an application sees
 * the change before the LINE_REPLY of the request that made it.
 *
 * This ACD knows two groups ("sales", "support"), three activities, one queue
 * ("general", ID 1) and the agents created with lineCreateAgent.  The agent of
 * address 0 (the TAPI 2.0 functions) starts LOGGEDOFF.
 *
 * Run as a program, it starts the proxy on a thread for line 0 (station 100
 * of the embedded switch) and plays an agent application against it in the
 * same process; exits 0 when every answer was as expected.  `acd_proxy
 * --serve [DEVICE]` runs only the proxy, until SIGTERM: with the telephony
 * service (OPENTAPI_SERVER) it serves the agent applications of every process.  The test suite
 * builds the same file with ACD_PROXY_NO_MAIN and drives the proxy itself
 * (tests/test_agent_example.c).  Build:
 *   cc acd_proxy.c $(pkg-config --cflags --libs opentapi) */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "tapi.h"

#define ACD_API 0x00020002u
#define ACD_MAX_AGENTS 16
#define ACD_MAX_SESSIONS 32
#define ACD_QUEUE_ID 1u

static const struct acd_group {
    GUID id;
    const char *name;
} acd_groups[] = {
    {{0x5a1e5000u, 1, 1, {1, 2, 3, 4, 5, 6, 7, 8}}, "sales"},
    {{0x5a1e5000u, 2, 2, {8, 7, 6, 5, 4, 3, 2, 1}}, "support"},
};
#define ACD_NGROUPS (sizeof(acd_groups) / sizeof(acd_groups[0]))

static const struct acd_activity {
    DWORD id;
    const char *name;
} acd_activities[] = {{1, "calls"}, {2, "email"}, {3, "break"}};
#define ACD_NACTIVITIES (sizeof(acd_activities) / sizeof(acd_activities[0]))

#define ACD_STATES                                                                             \
    (LINEAGENTSTATE_LOGGEDOFF | LINEAGENTSTATE_NOTREADY | LINEAGENTSTATE_READY |               \
     LINEAGENTSTATE_BUSYACD | LINEAGENTSTATE_BUSYINCOMING | LINEAGENTSTATE_BUSYOUTBOUND |      \
     LINEAGENTSTATE_BUSYOTHER | LINEAGENTSTATE_WORKINGAFTERCALL)

struct acd_agent {
    HAGENT h; /* 0: free slot */
    char id[64], pin[64];
    DWORD state, next_state; /* LINEAGENTSTATEEX_ */
    DWORD period;
};

struct acd_session {
    HAGENTSESSION h;
    HAGENT agent;
    GUID group;
    DWORD address, state, next_state; /* LINEAGENTSESSIONSTATE_ */
};

struct acd_proxy {
    HLINEAPP app;
    HLINE line;
    int fd;      /* the application's USEEVENT descriptor */
    int stop_fd; /* eventfd: the thread stops */
    pthread_t thread;
    /* the agent of address 0 (TAPI 2.0 functions) */
    DWORD state, next_state, activity;
    unsigned groups; /* bit i: member of acd_groups[i] */
    struct acd_agent agents[ACD_MAX_AGENTS];
    struct acd_session sessions[ACD_MAX_SESSIONS];
    DWORD next_handle;
    DWORD queue_period, queue_calls;
    unsigned answered; /* requests answered (read after acd_proxy_stop) */
};

/* ---- filling a variable-size TAPI structure (dwTotalSize given) ---- */
struct fill {
    unsigned char *base;
    DWORD total, used, needed;
};

static void fill_begin(struct fill *f, void *s, DWORD fixed)
{
    f->base = s;
    memcpy(&f->total, s, sizeof(DWORD));
    f->used = f->needed = fixed;
    memset(f->base + sizeof(DWORD), 0, fixed - sizeof(DWORD));
}

/* Reserves n bytes of the variable part; NULL (and only counted) if they do
 * not fit.  *off gets their offset from the start of the structure. */
static unsigned char *fill_take(struct fill *f, DWORD n, DWORD *off)
{
    f->needed += n;
    if (f->used + n > f->total || f->needed != f->used + n)
        return NULL; /* once something did not fit, nothing after it is placed */
    *off = f->used;
    f->used += n;
    return f->base + *off;
}

static void fill_str(struct fill *f, const char *s, DWORD *size, DWORD *off)
{
    DWORD n = (DWORD)strlen(s) + 1;
    unsigned char *p = fill_take(f, n, off);
    if (p) {
        memcpy(p, s, n);
        *size = n;
    } else {
        *size = *off = 0;
    }
}

static void fill_end(struct fill *f)
{
    memcpy(f->base + sizeof(DWORD), &f->needed, sizeof(DWORD));
    memcpy(f->base + 2 * sizeof(DWORD), &f->used, sizeof(DWORD));
}

/* A group list (LINEAGENTGROUPLIST or the one inside LINEAGENTSTATUS): the
 * groups of mask, entries first, then the names. */
static void fill_groups(struct fill *f, unsigned mask, DWORD *num, DWORD *size, DWORD *off)
{
    DWORD n = 0;
    for (unsigned i = 0; i < ACD_NGROUPS; i++)
        n += (mask >> i) & 1u;
    DWORD loff = 0;
    unsigned char *list = fill_take(f, n * (DWORD)sizeof(LINEAGENTGROUPENTRY), &loff);
    DWORD k = 0;
    for (unsigned i = 0; i < ACD_NGROUPS; i++) {
        if (!((mask >> i) & 1u))
            continue;
        LINEAGENTGROUPENTRY e;
        memset(&e, 0, sizeof(e));
        memcpy(&e.GroupID, &acd_groups[i].id, sizeof(GUID));
        fill_str(f, acd_groups[i].name, &e.dwNameSize, &e.dwNameOffset);
        if (list)
            memcpy(list + k++ * sizeof(e), &e, sizeof(e));
    }
    *num = list ? n : 0;
    *size = list ? n * (DWORD)sizeof(LINEAGENTGROUPENTRY) : 0;
    *off = list ? loff : 0;
}

static int group_index(const GUID *g)
{
    for (unsigned i = 0; i < ACD_NGROUPS; i++)
        if (!memcmp(&acd_groups[i].id, g, sizeof(GUID)))
            return (int)i;
    return -1;
}

static struct acd_agent *agent_of(struct acd_proxy *p, HAGENT h)
{
    for (unsigned i = 0; h && i < ACD_MAX_AGENTS; i++)
        if (p->agents[i].h == h)
            return &p->agents[i];
    return NULL;
}

static struct acd_session *session_of(struct acd_proxy *p, HAGENTSESSION h)
{
    for (unsigned i = 0; h && i < ACD_MAX_SESSIONS; i++)
        if (p->sessions[i].h == h)
            return &p->sessions[i];
    return NULL;
}

static const char *req_str(const LINEPROXYREQUEST *r, DWORD size, DWORD off)
{
    if (!size || off > r->dwSize || size > r->dwSize - off)
        return NULL;
    const char *s = (const char *)r + off;
    return s[size - 1] == '\0' ? s : NULL;
}

static void tell(struct acd_proxy *p, DWORD msg, DWORD p1, DWORD p2, DWORD p3)
{
    lineProxyMessage(p->line, 0, msg, p1, p2, p3);
}

/* ---- one request: the result for lineProxyResponse ---- */
static LONG handle(struct acd_proxy *p, LINEPROXYREQUEST *r)
{
    struct fill f;
    switch (r->dwRequestType) {
    case LINEPROXYREQUEST_SETAGENTGROUP: {
        LINEAGENTGROUPLIST *g = &r->SetAgentGroup.GroupList;
        unsigned mask = 0;
        for (DWORD i = 0; i < g->dwNumEntries; i++) {
            LINEAGENTGROUPENTRY e;
            memcpy(&e, (unsigned char *)g + g->dwListOffset + i * sizeof(e), sizeof(e));
            int k = group_index((const GUID *)&e.GroupID);
            if (k < 0)
                return LINEERR_INVALAGENTGROUP;
            mask |= 1u << k;
        }
        p->groups = mask;
        tell(p, LINE_AGENTSTATUS, 0, LINEAGENTSTATUS_GROUP | LINEAGENTSTATUS_GROUPLIST, 0);
        return 0;
    }
    case LINEPROXYREQUEST_SETAGENTSTATE: {
        DWORD s = r->SetAgentState.dwAgentState, n = r->SetAgentState.dwNextAgentState;
        if ((s & ~(DWORD)ACD_STATES) || (n & ~(DWORD)ACD_STATES))
            return LINEERR_INVALAGENTSTATE;
        if (s == LINEAGENTSTATE_READY && !p->groups)
            return LINEERR_INVALAGENTSTATE; /* ready for no group */
        DWORD what = 0;
        if (s && s != p->state) {
            p->state = s;
            what |= LINEAGENTSTATUS_STATE;
        }
        if (n && n != p->next_state) {
            p->next_state = n;
            what |= LINEAGENTSTATUS_NEXTSTATE;
        }
        if (what)
            tell(p, LINE_AGENTSTATUS, 0, what, p->state);
        return 0;
    }
    case LINEPROXYREQUEST_SETAGENTACTIVITY:
        for (unsigned i = 0; i < ACD_NACTIVITIES; i++)
            if (acd_activities[i].id == r->SetAgentActivity.dwActivityID) {
                p->activity = acd_activities[i].id;
                tell(p, LINE_AGENTSTATUS, 0, LINEAGENTSTATUS_ACTIVITY, 0);
                return 0;
            }
        return LINEERR_INVALAGENTACTIVITY;
    case LINEPROXYREQUEST_GETAGENTCAPS: {
        LINEAGENTCAPS *c = &r->GetAgentCaps.AgentCaps;
        fill_begin(&f, c, sizeof(*c));
        fill_str(&f, "opentapi example ACD", &c->dwAgentHandlerInfoSize,
                 &c->dwAgentHandlerInfoOffset);
        c->dwCapsVersion = ACD_API;
        c->dwFeatures = LINEAGENTFEATURE_SETAGENTGROUP | LINEAGENTFEATURE_SETAGENTSTATE |
                        LINEAGENTFEATURE_SETAGENTACTIVITY | LINEAGENTFEATURE_AGENTSPECIFIC |
                        LINEAGENTFEATURE_GETAGENTACTIVITYLIST | LINEAGENTFEATURE_GETAGENTGROUP;
        c->dwStates = c->dwNextStates = ACD_STATES;
        c->dwMaxNumGroupEntries = ACD_NGROUPS;
        c->dwAgentStatusMessages = LINEAGENTSTATUS_GROUP | LINEAGENTSTATUS_STATE |
                                   LINEAGENTSTATUS_NEXTSTATE | LINEAGENTSTATUS_ACTIVITY |
                                   LINEAGENTSTATUS_GROUPLIST;
        fill_end(&f);
        return 0;
    }
    case LINEPROXYREQUEST_GETAGENTSTATUS: {
        LINEAGENTSTATUS *s = &r->GetAgentStatus.AgentStatus;
        fill_begin(&f, s, sizeof(*s));
        fill_groups(&f, p->groups, &s->dwNumEntries, &s->dwGroupListSize,
                    &s->dwGroupListOffset);
        s->dwState = p->state;
        s->dwNextState = p->next_state;
        s->dwActivityID = p->activity;
        for (unsigned i = 0; i < ACD_NACTIVITIES; i++)
            if (acd_activities[i].id == p->activity)
                fill_str(&f, acd_activities[i].name, &s->dwActivitySize, &s->dwActivityOffset);
        s->dwAgentFeatures = LINEAGENTFEATURE_SETAGENTGROUP | LINEAGENTFEATURE_SETAGENTSTATE |
                             LINEAGENTFEATURE_SETAGENTACTIVITY;
        s->dwValidStates = s->dwValidNextStates = ACD_STATES;
        fill_end(&f);
        return 0;
    }
    case LINEPROXYREQUEST_AGENTSPECIFIC:
        /* extension 0, "ping": the parameter block comes back as "pong" */
        if (r->AgentSpecific.dwAgentExtensionIDIndex != 0 || r->AgentSpecific.dwSize < 4 ||
            memcmp(r->AgentSpecific.Params, "ping", 4) != 0)
            return LINEERR_INVALPARAM;
        memcpy(r->AgentSpecific.Params, "pong", 4);
        return 0;
    case LINEPROXYREQUEST_GETAGENTACTIVITYLIST: {
        LINEAGENTACTIVITYLIST *l = &r->GetAgentActivityList.ActivityList;
        fill_begin(&f, l, sizeof(*l));
        DWORD loff = 0, n = ACD_NACTIVITIES;
        unsigned char *list = fill_take(&f, n * (DWORD)sizeof(LINEAGENTACTIVITYENTRY), &loff);
        for (unsigned i = 0; i < ACD_NACTIVITIES; i++) {
            LINEAGENTACTIVITYENTRY e = {acd_activities[i].id, 0, 0};
            fill_str(&f, acd_activities[i].name, &e.dwNameSize, &e.dwNameOffset);
            if (list)
                memcpy(list + i * sizeof(e), &e, sizeof(e));
        }
        if (list) {
            l->dwNumEntries = n;
            l->dwListSize = n * (DWORD)sizeof(LINEAGENTACTIVITYENTRY);
            l->dwListOffset = loff;
        }
        fill_end(&f);
        return 0;
    }
    case LINEPROXYREQUEST_GETAGENTGROUPLIST:
    case LINEPROXYREQUEST_GETGROUPLIST: {
        LINEAGENTGROUPLIST *g = r->dwRequestType == LINEPROXYREQUEST_GETGROUPLIST
                                    ? &r->GetGroupList.GroupList
                                    : &r->GetAgentGroupList.GroupList;
        fill_begin(&f, g, sizeof(*g));
        fill_groups(&f, (1u << ACD_NGROUPS) - 1u, &g->dwNumEntries, &g->dwListSize,
                    &g->dwListOffset);
        fill_end(&f);
        return 0;
    }
    case LINEPROXYREQUEST_CREATEAGENT: {
        const char *id = req_str(r, r->CreateAgent.dwAgentIDSize, r->CreateAgent.dwAgentIDOffset);
        const char *pin =
            req_str(r, r->CreateAgent.dwAgentPINSize, r->CreateAgent.dwAgentPINOffset);
        if (!id || strlen(id) >= sizeof(p->agents[0].id))
            return LINEERR_INVALAGENTID;
        if (pin && strlen(pin) >= sizeof(p->agents[0].pin))
            return LINEERR_INVALPASSWORD;
        struct acd_agent *a = NULL;
        for (unsigned i = 0; i < ACD_MAX_AGENTS; i++) {
            if (p->agents[i].h && !strcmp(p->agents[i].id, id))
                return LINEERR_INVALAGENTID; /* exists */
            if (!p->agents[i].h && !a)
                a = &p->agents[i];
        }
        if (!a)
            return LINEERR_RESOURCEUNAVAIL;
        memset(a, 0, sizeof(*a));
        a->h = ++p->next_handle;
        snprintf(a->id, sizeof(a->id), "%s", id);
        snprintf(a->pin, sizeof(a->pin), "%s", pin ? pin : "");
        a->state = LINEAGENTSTATEEX_NOTREADY;
        a->period = 60;
        r->CreateAgent.hAgent = a->h;
        tell(p, LINE_AGENTSTATUSEX, a->h, LINEAGENTSTATUSEX_NEWAGENT, a->state);
        return 0;
    }
    case LINEPROXYREQUEST_SETAGENTSTATEEX: {
        struct acd_agent *a = agent_of(p, r->SetAgentStateEx.hAgent);
        if (!a)
            return LINEERR_INVALAGENTID;
        if (r->SetAgentStateEx.dwAgentState)
            a->state = r->SetAgentStateEx.dwAgentState;
        if (r->SetAgentStateEx.dwNextAgentState)
            a->next_state = r->SetAgentStateEx.dwNextAgentState;
        tell(p, LINE_AGENTSTATUSEX, a->h, LINEAGENTSTATUSEX_STATE, a->state);
        return 0;
    }
    case LINEPROXYREQUEST_SETAGENTMEASUREMENTPERIOD: {
        struct acd_agent *a = agent_of(p, r->SetAgentMeasurementPeriod.hAgent);
        if (!a)
            return LINEERR_INVALAGENTID;
        a->period = r->SetAgentMeasurementPeriod.dwMeasurementPeriod;
        tell(p, LINE_AGENTSTATUSEX, a->h, LINEAGENTSTATUSEX_UPDATEINFO, a->state);
        return 0;
    }
    case LINEPROXYREQUEST_GETAGENTINFO: {
        struct acd_agent *a = agent_of(p, r->GetAgentInfo.hAgent);
        if (!a)
            return LINEERR_INVALAGENTID;
        LINEAGENTINFO *i = &r->GetAgentInfo.AgentInfo;
        fill_begin(&f, i, sizeof(*i));
        i->dwAgentState = a->state;
        i->dwNextAgentState = a->next_state;
        i->dwMeasurementPeriod = a->period;
        fill_end(&f);
        return 0;
    }
    case LINEPROXYREQUEST_CREATEAGENTSESSION: {
        struct acd_agent *a = agent_of(p, r->CreateAgentSession.hAgent);
        if (!a)
            return LINEERR_INVALAGENTID;
        const char *pin = req_str(r, r->CreateAgentSession.dwAgentPINSize,
                                  r->CreateAgentSession.dwAgentPINOffset);
        if (strcmp(pin ? pin : "", a->pin) != 0)
            return LINEERR_INVALPASSWORD;
        if (group_index(&r->CreateAgentSession.GroupID) < 0)
            return LINEERR_INVALAGENTGROUP;
        struct acd_session *s = NULL;
        for (unsigned i = 0; i < ACD_MAX_SESSIONS && !s; i++)
            if (!p->sessions[i].h)
                s = &p->sessions[i];
        if (!s)
            return LINEERR_RESOURCEUNAVAIL;
        s->h = ++p->next_handle;
        s->agent = a->h;
        s->group = r->CreateAgentSession.GroupID;
        s->address = r->CreateAgentSession.dwWorkingAddressID;
        s->state = LINEAGENTSESSIONSTATE_NOTREADY;
        s->next_state = 0;
        r->CreateAgentSession.hAgentSession = s->h;
        tell(p, LINE_AGENTSESSIONSTATUS, s->h, LINEAGENTSESSIONSTATUS_NEWSESSION, s->state);
        return 0;
    }
    case LINEPROXYREQUEST_GETAGENTSESSIONLIST: {
        if (!agent_of(p, r->GetAgentSessionList.hAgent))
            return LINEERR_INVALAGENTID;
        LINEAGENTSESSIONLIST *l = &r->GetAgentSessionList.SessionList;
        fill_begin(&f, l, sizeof(*l));
        DWORD n = 0, loff = 0;
        for (unsigned i = 0; i < ACD_MAX_SESSIONS; i++)
            n += p->sessions[i].h && p->sessions[i].agent == r->GetAgentSessionList.hAgent;
        unsigned char *list = fill_take(&f, n * (DWORD)sizeof(LINEAGENTSESSIONENTRY), &loff);
        if (list) {
            DWORD k = 0;
            for (unsigned i = 0; i < ACD_MAX_SESSIONS; i++) {
                const struct acd_session *s = &p->sessions[i];
                if (!s->h || s->agent != r->GetAgentSessionList.hAgent)
                    continue;
                LINEAGENTSESSIONENTRY e;
                memset(&e, 0, sizeof(e));
                e.hAgentSession = s->h;
                e.hAgent = s->agent;
                e.GroupID = s->group;
                e.dwWorkingAddressID = s->address;
                memcpy(list + k++ * sizeof(e), &e, sizeof(e));
            }
            l->dwNumEntries = n;
            l->dwListSize = n * (DWORD)sizeof(LINEAGENTSESSIONENTRY);
            l->dwListOffset = loff;
        }
        fill_end(&f);
        return 0;
    }
    case LINEPROXYREQUEST_SETAGENTSESSIONSTATE: {
        struct acd_session *s = session_of(p, r->SetAgentSessionState.hAgentSession);
        if (!s)
            return LINEERR_INVALPARAM;
        if (r->SetAgentSessionState.dwAgentSessionState)
            s->state = r->SetAgentSessionState.dwAgentSessionState;
        if (r->SetAgentSessionState.dwNextAgentSessionState)
            s->next_state = r->SetAgentSessionState.dwNextAgentSessionState;
        tell(p, LINE_AGENTSESSIONSTATUS, s->h, LINEAGENTSESSIONSTATUS_STATE, s->state);
        return 0;
    }
    case LINEPROXYREQUEST_GETAGENTSESSIONINFO: {
        struct acd_session *s = session_of(p, r->GetAgentSessionInfo.hAgentSession);
        if (!s)
            return LINEERR_INVALPARAM;
        LINEAGENTSESSIONINFO *i = &r->GetAgentSessionInfo.SessionInfo;
        fill_begin(&f, i, sizeof(*i));
        i->dwAgentSessionState = s->state;
        i->dwNextAgentSessionState = s->next_state;
        fill_end(&f);
        return 0;
    }
    case LINEPROXYREQUEST_GETQUEUELIST: {
        int g = group_index(&r->GetQueueList.GroupID);
        if (g < 0)
            return LINEERR_INVALAGENTGROUP;
        LINEQUEUELIST *l = &r->GetQueueList.QueueList;
        fill_begin(&f, l, sizeof(*l));
        if (!strcmp(acd_groups[g].name, "support")) { /* the queue serves "support" */
            DWORD loff = 0;
            unsigned char *list = fill_take(&f, sizeof(LINEQUEUEENTRY), &loff);
            LINEQUEUEENTRY e = {ACD_QUEUE_ID, 0, 0};
            fill_str(&f, "general", &e.dwNameSize, &e.dwNameOffset);
            if (list) {
                memcpy(list, &e, sizeof(e));
                l->dwNumEntries = 1;
                l->dwListSize = sizeof(e);
                l->dwListOffset = loff;
            }
        }
        fill_end(&f);
        return 0;
    }
    case LINEPROXYREQUEST_SETQUEUEMEASUREMENTPERIOD:
        if (r->SetQueueMeasurementPeriod.dwQueueID != ACD_QUEUE_ID)
            return LINEERR_INVALPARAM;
        p->queue_period = r->SetQueueMeasurementPeriod.dwMeasurementPeriod;
        tell(p, LINE_QUEUESTATUS, ACD_QUEUE_ID, LINEQUEUESTATUS_UPDATEINFO, 0);
        return 0;
    case LINEPROXYREQUEST_GETQUEUEINFO: {
        if (r->GetQueueInfo.dwQueueID != ACD_QUEUE_ID)
            return LINEERR_INVALPARAM;
        LINEQUEUEINFO *q = &r->GetQueueInfo.QueueInfo;
        fill_begin(&f, q, sizeof(*q));
        q->dwMeasurementPeriod = p->queue_period;
        q->dwTotalCallsQueued = p->queue_calls;
        fill_end(&f);
        return 0;
    }
    default:
        return LINEERR_OPERATIONUNAVAIL;
    }
}

/* The proxy's message loop (its own thread). */
static void *acd_proxy_main(void *arg)
{
    struct acd_proxy *p = arg;
    for (;;) {
        struct pollfd fds[2] = {{.fd = p->fd, .events = POLLIN}, {.fd = p->stop_fd, .events = POLLIN}};
        if (poll(fds, 2, -1) < 0)
            continue;
        if (fds[1].revents || (fds[0].revents & (POLLNVAL | POLLERR)))
            break; /* stopped, or the application is gone */
        LINEMESSAGE m;
        while (lineGetMessage(p->app, &m, 0) == 0) {
            if (m.dwMessageID != LINE_PROXYREQUEST)
                continue;
            LINEPROXYREQUEST *r = (LINEPROXYREQUEST *)(uintptr_t)m.dwParam1;
            lineProxyResponse(p->line, r, (DWORD)handle(p, r));
            p->answered++;
        }
    }
    return NULL;
}

/* Registers as the proxy of every request type on line `device` and starts
 * the thread that answers.  0, or the TAPI error. */
static LONG acd_proxy_start(DWORD device, struct acd_proxy *p)
{
    memset(p, 0, sizeof(*p));
    p->state = LINEAGENTSTATE_LOGGEDOFF;
    p->queue_period = 300;
    p->queue_calls = 0;
    DWORD ndev = 0, api = ACD_API;
    LINEINITIALIZEEXPARAMS ip;
    memset(&ip, 0, sizeof(ip));
    ip.dwTotalSize = sizeof(ip);
    ip.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    LONG rc = lineInitializeEx(&p->app, NULL, NULL, "acd_proxy", &ndev, &api, &ip);
    if (rc)
        return rc;
    p->fd = (int)(intptr_t)ip.Handles.hEvent;
    /* LINECALLPARAMS whose DevSpecific area lists the request types handled. */
    struct proxy_params {
        LINECALLPARAMS cp;
        DWORD types[LINEPROXYREQUEST_SETAGENTSTATEEX];
    } pp;
    memset(&pp, 0, sizeof(pp));
    pp.cp.dwTotalSize = sizeof(pp);
    for (DWORD t = 1; t <= LINEPROXYREQUEST_SETAGENTSTATEEX; t++)
        pp.types[t - 1] = t;
    pp.cp.dwDevSpecificSize = sizeof(pp.types);
    pp.cp.dwDevSpecificOffset = offsetof(struct proxy_params, types);
    rc = lineOpen(p->app, device, &p->line, ACD_API, 0, 0,
                  LINECALLPRIVILEGE_OWNER | LINEOPENOPTION_PROXY, LINEMEDIAMODE_INTERACTIVEVOICE,
                  &pp.cp);
    if (!rc && (p->stop_fd = eventfd(0, EFD_CLOEXEC)) < 0)
        rc = LINEERR_RESOURCEUNAVAIL;
    if (!rc && pthread_create(&p->thread, NULL, acd_proxy_main, p) != 0) {
        close(p->stop_fd);
        rc = LINEERR_RESOURCEUNAVAIL;
    }
    if (rc)
        lineShutdown(p->app);
    return rc;
}

/* Stops the thread; lineShutdown ends the registration (LINE_PROXYSTATUS
 * CLOSE to the applications on the line). */
static LONG acd_proxy_stop(struct acd_proxy *p)
{
    uint64_t one = 1;
    if (write(p->stop_fd, &one, sizeof(one)) != sizeof(one))
        return LINEERR_OPERATIONFAILED;
    pthread_join(p->thread, NULL);
    close(p->stop_fd);
    return lineShutdown(p->app);
}

#ifndef ACD_PROXY_NO_MAIN
/* ---- the demo: an agent application against the proxy ---- */
static int failures;
#define EXPECT(cond)                                                                           \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "acd_proxy: line %d: %s\n", __LINE__, #cond);                      \
            failures++;                                                                        \
        }                                                                                      \
    } while (0)

static HLINEAPP agent_app;
static int agent_fd;

static int next_msg(LINEMESSAGE *m)
{
    struct pollfd pf = {.fd = agent_fd, .events = POLLIN};
    for (;;) {
        if (lineGetMessage(agent_app, m, 0) == 0)
            return 0;
        if (poll(&pf, 1, 5000) != 1)
            return -1;
    }
}

/* Messages until the LINE_REPLY of req (printed); its result. */
static LONG wait_reply(LONG req)
{
    LINEMESSAGE m;
    if (req <= 0)
        return req;
    while (next_msg(&m) == 0) {
        if (m.dwMessageID == LINE_REPLY && (LONG)m.dwParam1 == req)
            return (LONG)m.dwParam2;
        printf("  message %lu (%lu, %lu, %lu)\n", (unsigned long)m.dwMessageID,
               (unsigned long)m.dwParam1, (unsigned long)m.dwParam2, (unsigned long)m.dwParam3);
    }
    return LINEERR_OPERATIONFAILED;
}

/* acd_proxy --serve [DEVICE]: only the proxy, until SIGTERM or SIGINT (with
 * OPENTAPI_SERVER, for the applications of every process). */
static int serve(DWORD device)
{
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL); /* the library's threads too */
    struct acd_proxy proxy;
    LONG rc = acd_proxy_start(device, &proxy);
    if (rc) {
        fprintf(stderr, "acd_proxy: cannot start the proxy: 0x%08x\n", (unsigned)rc);
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    int sig = 0;
    sigwait(&stop, &sig);
    rc = acd_proxy_stop(&proxy);
    printf("answered %u\n", proxy.answered);
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "--serve"))
        return serve(argc > 2 ? (DWORD)strtoul(argv[2], NULL, 10) : 0);
    struct acd_proxy proxy;
    LONG rc = acd_proxy_start(0, &proxy);
    if (rc) {
        fprintf(stderr, "acd_proxy: cannot start the proxy: 0x%08x\n", (unsigned)rc);
        return 1;
    }
    DWORD ndev = 0, api = ACD_API;
    LINEINITIALIZEEXPARAMS ip;
    memset(&ip, 0, sizeof(ip));
    ip.dwTotalSize = sizeof(ip);
    ip.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    HLINE line = 0;
    EXPECT(lineInitializeEx(&agent_app, NULL, NULL, "agent", &ndev, &api, &ip) == 0);
    agent_fd = (int)(intptr_t)ip.Handles.hEvent;
    EXPECT(lineOpen(agent_app, 0, &line, ACD_API, 0, 0, LINECALLPRIVILEGE_NONE,
                    LINEMEDIAMODE_INTERACTIVEVOICE, NULL) == 0);

    HAGENT agent = 0;
    EXPECT(wait_reply(lineCreateAgent(line, "1001", "4321", &agent)) == 0 && agent != 0);
    printf("lineCreateAgent(1001): agent %lu\n", (unsigned long)agent);
    EXPECT(wait_reply(lineSetAgentStateEx(line, agent, LINEAGENTSTATEEX_READY, 0)) == 0);

    struct group_set {
        LINEAGENTGROUPLIST l;
        LINEAGENTGROUPENTRY e;
    } set;
    memset(&set, 0, sizeof(set));
    set.l.dwTotalSize = sizeof(set);
    set.l.dwNumEntries = 1;
    set.l.dwListSize = sizeof(set.e);
    set.l.dwListOffset = offsetof(struct group_set, e);
    memcpy(&set.e.GroupID, &acd_groups[0].id, sizeof(GUID));
    EXPECT(wait_reply(lineSetAgentGroup(line, 0, &set.l)) == 0);
    EXPECT(wait_reply(lineSetAgentState(line, 0, LINEAGENTSTATE_READY, 0)) == 0);

    union {
        LINEAGENTSTATUS s;
        unsigned char raw[1024];
    } st;
    memset(&st, 0, sizeof(st));
    st.s.dwTotalSize = sizeof(st);
    EXPECT(wait_reply(lineGetAgentStatus(line, 0, &st.s)) == 0);
    EXPECT(st.s.dwState == LINEAGENTSTATE_READY && st.s.dwNumEntries == 1);
    if (st.s.dwNumEntries == 1) {
        LINEAGENTGROUPENTRY e;
        memcpy(&e, st.raw + st.s.dwGroupListOffset, sizeof(e));
        printf("lineGetAgentStatus: READY in group %s\n", (const char *)st.raw + e.dwNameOffset);
    }
    union {
        LINEQUEUEINFO q;
        unsigned char raw[256];
    } qi;
    memset(&qi, 0, sizeof(qi));
    qi.q.dwTotalSize = sizeof(qi);
    EXPECT(wait_reply(lineGetQueueInfo(line, ACD_QUEUE_ID, &qi.q)) == 0);
    EXPECT(qi.q.dwMeasurementPeriod == 300);
    printf("lineGetQueueInfo(1): measurement period %lu s\n",
           (unsigned long)qi.q.dwMeasurementPeriod);

    EXPECT(acd_proxy_stop(&proxy) == 0);
    /* without the proxy the agent functions are unavailable */
    EXPECT(lineSetAgentState(line, 0, LINEAGENTSTATE_NOTREADY, 0) ==
           (LONG)LINEERR_OPERATIONUNAVAIL);
    EXPECT(lineShutdown(agent_app) == 0);
    printf("%s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
#endif
