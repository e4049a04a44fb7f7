/* The agent functions through the telephony service, across users: the
 * LINEPROXYREQUEST an ACD proxy gets names the user the requesting client
 * runs as (dwClientUserName, as Windows' TAPI fills it), not the service's
 * own user -- a proxy decides by it what an agent may do. */
#define _GNU_SOURCE
#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svc_helpers.h"

#define NOBODY 65534u

struct proxy_cp {
    LINECALLPARAMS cp;
    DWORD types[1];
};

/* Root: the proxy of SETAGENTSTATE on line 100; reports the user name of
 * the request it gets. */
static void role_proxy(void *arg)
{
    (void)arg;
    tapp p;
    t_init(&p, "proxy");
    struct proxy_cp u;
    memset(&u, 0, sizeof(u));
    u.cp.dwTotalSize = sizeof(u);
    u.types[0] = LINEPROXYREQUEST_SETAGENTSTATE;
    u.cp.dwDevSpecificSize = sizeof(DWORD);
    u.cp.dwDevSpecificOffset = offsetof(struct proxy_cp, types);
    HLINE pl = 0;
    CHECK_RC(lineOpen(p.h, 0, &pl, T_API, 0, 0, LINECALLPRIVILEGE_OWNER | LINEOPENOPTION_PROXY,
                      LINEMEDIAMODE_INTERACTIVEVOICE, &u.cp),
             0);
    svc_say("registered");
    CHECK(!strcmp(svc_wait_word(), "answer"));
    LINEMESSAGE m = t_next(&p);
    CHECK_EQ(m.dwMessageID, LINE_PROXYREQUEST);
    LINEPROXYREQUEST *r = (LINEPROXYREQUEST *)(uintptr_t)m.dwParam1;
    CHECK_EQ(r->dwRequestType, LINEPROXYREQUEST_SETAGENTSTATE);
    DWORD n = r->dwClientUserNameSize, off = r->dwClientUserNameOffset;
    CHECK(n > 0 && off < r->dwSize && n <= r->dwSize - off);
    const char *user = (const char *)r + off;
    CHECK_EQ(user[n - 1], '\0');
    struct passwd *pw = getpwuid(NOBODY);
    CHECK(pw != NULL);
    if (strcmp(user, pw->pw_name))
        FAIL("the request names user \"%s\", the client runs as \"%s\"", user, pw->pw_name);
    CHECK_RC(lineProxyResponse(pl, r, 0), 0);
    svc_say("answered");
    CHECK(!strcmp(svc_wait_word(), "done")); /* the agent has gone: no LINE_PROXYSTATUS to it */
    t_shutdown(&p);
}

/* nobody: an agent application on line 100. */
static void role_agent(void *arg)
{
    (void)arg;
    CHECK_RC(setgroups(0, NULL), 0);
    CHECK_RC(setresgid(NOBODY, NOBODY, NOBODY), 0);
    CHECK_RC(setresuid(NOBODY, NOBODY, NOBODY), 0);
    tapp a;
    t_init(&a, "agent");
    HLINE la = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    LONG req = lineSetAgentState(la, 0, LINEAGENTSTATE_READY, 0);
    CHECK_REQ(req);
    svc_say("asked");
    CHECK(!strcmp(svc_wait_word(), "reply"));
    t_expect_reply(&a, req, 0);
    CHECK_RC(lineClose(la), 0);
    t_shutdown(&a);
}

TEST(service_agent_request_names_the_clients_user)
{
    if (geteuid() != 0)
        FAIL("this test changes the client's user: run it as root (as CI does)");
    char conf[8192];
    snprintf(conf, sizeof(conf), "%s\n[access]\n100 = owner:%u\n", otDefaultConfig(), NOBODY);
    svc s;
    svc_start(&s, conf);
    svc_child p, a;
    svc_child_start(&p, &s, "proxy", role_proxy, NULL);
    svc_expect(&p, "registered");
    svc_child_start(&a, &s, "agent", role_agent, NULL);
    svc_expect(&a, "asked");
    svc_tell(&p, "answer");
    svc_expect(&p, "answered");
    svc_tell(&a, "reply");
    svc_child_wait(&a);
    svc_tell(&p, "done");
    svc_child_wait(&p);
    svc_stop(&s);
    svc_cleanup(&s);
}
