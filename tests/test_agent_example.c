/* The example ACD proxy (examples/acd_proxy.c, built in here) serving an
 * agent application: on a thread of this process, and as a process of its own
 * for an agent process through the telephony service. */
#define ACD_PROXY_NO_MAIN
#include "../examples/acd_proxy.c"

#include <signal.h>
#include <stdlib.h>

#include "agent_test.h"
#include "svc_helpers.h"
#include "test.h"

#define U LINEERR_OPERATIONUNAVAIL

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
