/* Helpers of the telephony service's tests (tests/test_service*.c, see
 * svc_helpers.h for the service and its client processes): a monitor that
 * follows several calls message by message, a round trip that brings every
 * message queued for a client, and the end of a test (nothing left in the
 * service, which stops cleanly). */
#ifndef OT_TEST_SERVICE_H
#define OT_TEST_SERVICE_H

#include "svc_helpers.h"

/* ---- per-handle expectations for a monitor that watches several calls ---- */
struct exp {
    DWORD msg, p1, p2;
};
#define ANY 0xFFFFFFFFu
struct track {
    HLINE line;
    HCALL h; /* learned from LINE_APPNEWCALL or the first message on the line */
    const struct exp *seq;
    unsigned n, at;
};

static inline HLINE line_of(HCALL h)
{
    tcallinfo u;
    t_callinfo(h, &u);
    return u.ci.hLine;
}

/* Reads messages until every track has seen its whole sequence; each message
 * must be the next expected one of its call. */
static inline void follow(tapp *m, struct track *t, unsigned nt)
{
    for (;;) {
        bool all = true;
        for (unsigned i = 0; i < nt; i++)
            all &= t[i].at == t[i].n;
        if (all)
            return;
        LINEMESSAGE x = t_next(m);
        struct track *k = NULL;
        HCALL h = x.dwMessageID == LINE_APPNEWCALL ? (HCALL)x.dwParam2 : (HCALL)x.hDevice;
        for (unsigned i = 0; i < nt && !k; i++)
            if (t[i].h == h)
                k = &t[i];
        if (!k) { /* a call not seen before: which line is it on? */
            HLINE l = x.dwMessageID == LINE_APPNEWCALL ? (HLINE)x.hDevice : line_of(h);
            for (unsigned i = 0; i < nt && !k; i++)
                if (!t[i].h && t[i].line == l) {
                    k = &t[i];
                    k->h = h;
                }
        }
        if (!k)
            FAIL("%s: message 0x%x for unexpected handle %08x", m->name,
                 (unsigned)x.dwMessageID, (unsigned)h);
        if (k->at == k->n)
            FAIL("%s: extra message %s (0x%x, 0x%x) on %08x", m->name,
                 otMessageName(x.dwMessageID), (unsigned)x.dwParam1, (unsigned)x.dwParam2,
                 (unsigned)h);
        const struct exp *e = &k->seq[k->at++];
        if (x.dwMessageID != e->msg || (e->p1 != ANY && x.dwParam1 != e->p1) ||
            (e->p2 != ANY && x.dwParam2 != e->p2))
            FAIL("%s: call %08x message %u: got %s (0x%x, 0x%x), expected %s (0x%x, 0x%x)",
                 m->name, (unsigned)h, k->at, otMessageName(x.dwMessageID),
                 (unsigned)x.dwParam1, (unsigned)x.dwParam2, otMessageName(e->msg),
                 (unsigned)e->p1, (unsigned)e->p2);
    }
}

/* A lineGetDevCaps round trip: every message queued for this process before
 * it is here when it returns (the service sends them before the result). */
static inline void sync_with_service(tapp *a)
{
    union {
        LINEDEVCAPS dc;
        unsigned char raw[sizeof(LINEDEVCAPS) + 1024];
    } u;
    memset(&u, 0, sizeof(u));
    u.dc.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetDevCaps(a->h, 0, T_API, 0, &u.dc), 0);
}

/* The service holds nothing for the clients that went (its own application
 * aside, which otGetServiceStats does not count). */
static inline void role_stats(void *arg)
{
    (void)arg;
    tapp p;
    t_init(&p, "stats");
    OTSTATS st;
    CHECK_RC(otGetServiceStats(&st), 0);
    CHECK_EQ(st.dwApps, 1); /* this probe */
    CHECK_EQ(st.dwCalls, 0);
    CHECK_EQ(st.dwCallHandles, 0);
    CHECK_EQ(st.dwRequests, 0);
    CHECK_EQ(st.dwProviderCalls, 0);
    t_shutdown(&p);
    CHECK_RC(otGetServiceStats(&st), LINEERR_OPERATIONUNAVAIL);
}

static inline void expect_service_empty(const svc *s)
{
    svc_child p;
    svc_child_start(&p, s, "stats", role_stats, NULL);
    svc_child_wait(&p);
}

/* The end of a test: nothing left in the service, which stops cleanly. */
static inline void svc_finish(svc *s)
{
    expect_service_empty(s);
    svc_stop(s);
    svc_cleanup(s);
}

#endif
