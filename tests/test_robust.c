/* Robustness of handles: a freed handle value is not handed out again for a
 * long time (docs/design.md: not before 67,108,864 allocations of its type, a
 * slot not before 65,536), and the core can tell whose handle a value is. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "test.h"

/* The core's internal owner lookup (src/core/ot.h), for the telephony server's
 * per-client handle checks; linked from the static library. */
HLINEAPP ot_handle_app(DWORD handle);

static int cmp_dword(const void *a, const void *b)
{
    DWORD x = *(const DWORD *)a, y = *(const DWORD *)b;
    return x < y ? -1 : x > y;
}

#define CYCLES 100000u /* 12 x the 8,192 cycles after which values repeated before */

TEST(handle_values_distinct_over_100000_calls)
{
    tapp a;
    t_init(&a, "cycler");
    HLINE l = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    HCALL stale = t_make_call(&a, l, NULL, NULL, 0);
    t_expect_state(&a, stale, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    t_drop_idle(&a, stale);
    DWORD *seen = malloc(CYCLES * sizeof(*seen));
    CHECK(seen != NULL);
    for (unsigned i = 0; i < CYCLES; i++) {
        HCALL h = 0;
        LONG req = lineMakeCall(l, &h, NULL, 0, NULL);
        if (req <= 0) {
            free(seen);
            FAIL("cycle %u: lineMakeCall returned %s", i, otErrorName(req));
        }
        t_expect_reply(&a, req, 0);
        t_expect_state(&a, h, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
        seen[i] = h;
        if (h == stale) {
            free(seen);
            FAIL("cycle %u: the stale handle %08x was handed out again", i, (unsigned)stale);
        }
        t_drop_idle(&a, h);
    }
    /* The stale handle still names nothing. */
    CHECK_RC(lineDrop(stale, NULL, 0), LINEERR_INVALCALLHANDLE);
    CHECK_RC(lineDeallocateCall(stale), LINEERR_INVALCALLHANDLE);
    CHECK_EQ(ot_handle_app(stale), 0);
    /* No value came twice in 100,000 allocations. */
    qsort(seen, CYCLES, sizeof(*seen), cmp_dword);
    for (unsigned i = 1; i < CYCLES; i++)
        if (seen[i] == seen[i - 1]) {
            DWORD v = seen[i];
            free(seen);
            FAIL("handle %08x handed out twice in %u allocations", (unsigned)v, CYCLES);
        }
    free(seen);
    t_expect_none(&a);
    t_shutdown(&a);
}

TEST(handle_app_tells_whose_handle)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    CHECK_EQ(ot_handle_app(p.a.h), p.a.h);
    CHECK_EQ(ot_handle_app(p.b.h), p.b.h);
    CHECK_EQ(ot_handle_app(p.la), p.a.h);
    CHECK_EQ(ot_handle_app(p.lb), p.b.h);
    CHECK_EQ(ot_handle_app(ha), p.a.h);
    CHECK_EQ(ot_handle_app(hb), p.b.h);
    const DWORD bad[] = {0, 0xFFFFFFFFu, 0xDEADBEEFu, 1u, ha ^ 0x00100000u, hb + 0x1000u};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (ot_handle_app(bad[i]) != 0)
            FAIL("ot_handle_app(%08x): got %08x, expected 0", (unsigned)bad[i],
                 (unsigned)ot_handle_app(bad[i]));
    t_drop_idle(&p.a, ha);
    CHECK_EQ(ot_handle_app(ha), 0); /* deallocated */
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    CHECK_EQ(ot_handle_app(hb), p.b.h); /* still allocated after the far end left */
    t_drop_idle(&p.b, hb);
    HLINEAPP old = p.a.h;
    HLINE old_line = p.la;
    t_shutdown(&p.a);
    CHECK_EQ(ot_handle_app(old), 0);
    CHECK_EQ(ot_handle_app(old_line), 0);
    t_expect_none(&p.b);
    t_shutdown(&p.b);
    CHECK_EQ(ot_handle_app(p.lb), 0); /* library stopped */
}

/* ---- teardown of a line with many calls (done in slices, the core lock
 * released between them): the result is the same as in one piece ---- */
#define MANY 1000u /* several slices of OT_TEARDOWN_SLICE (256) */

/* n dial-tone calls on hl, their messages read. */
static HCALL *dialtones(tapp *a, HLINE hl, unsigned n)
{
    HCALL *h = calloc(n, sizeof(*h));
    CHECK(h != NULL);
    for (unsigned i = 0; i < n; i++) {
        LONG req = lineMakeCall(hl, &h[i], NULL, 0, NULL);
        CHECK_REQ(req);
        t_expect_reply(a, req, 0);
        t_expect_state(a, h[i], LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    }
    return h;
}

static void close_many(bool shutdown)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    CHECK_RC(lineClose(p.la), 0);
    p.la = t_open(&p.a, 0, LINECALLPRIVILEGE_OWNER);
    HCALL *h = dialtones(&p.a, p.la, MANY);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    OTSTATS st;
    CHECK_RC(otGetStats(&st), 0);
    CHECK_EQ(st.dwCalls, MANY + 2);
    HLINEAPP old_app = p.a.h;
    if (shutdown)
        t_shutdown_with_calls(&p.a);
    else
        CHECK_RC(lineClose(p.la), 0);
    /* The far end hears the drop once; the closer hears nothing. */
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_none(&p.b);
    if (!shutdown)
        t_expect_none(&p.a);
    for (unsigned i = 0; i < MANY; i++)
        if (lineDrop(h[i], NULL, 0) != (LONG)LINEERR_INVALCALLHANDLE) {
            unsigned stale = (unsigned)h[i];
            free(h);
            FAIL("handle %u (%08x) of the closed line still accepted", i, stale);
        }
    free(h);
    CHECK_RC(lineDrop(ha, NULL, 0), LINEERR_INVALCALLHANDLE);
    CHECK_RC(otGetStats(&st), 0);
    CHECK_EQ(st.dwCalls, 1); /* the far end's, DISCONNECTED */
    CHECK_EQ(st.dwCallHandles, 1);
    CHECK_EQ(st.dwProviderCalls, 1);
    t_drop_idle(&p.b, hb);
    if (shutdown)
        CHECK_RC(lineShutdown(old_app), LINEERR_INVALAPPHANDLE);
    else
        t_shutdown(&p.a);
    t_expect_none(&p.b);
    t_shutdown(&p.b);
}

TEST(teardown_close_many_calls) { close_many(false); }
TEST(teardown_shutdown_many_calls) { close_many(true); }

TEST(teardown_conference_dropped_whole_across_slices)
{
    /* A conference among many dial tones (the teardown spans several slices):
     * every party hears exactly one drop and nothing is left. */
    tapp host, bob, carol;
    t_init(&host, "host");
    t_init(&bob, "bob");
    t_init(&carol, "carol");
    HLINE lh = t_open(&host, 0, LINECALLPRIVILEGE_OWNER);
    HLINE lb = t_open(&bob, 1, LINECALLPRIVILEGE_OWNER);
    HLINE lc = t_open(&carol, 2, LINECALLPRIVILEGE_OWNER);
    HCALL *h = dialtones(&host, lh, MANY);
    free(h);
    HCALL hbh, hb, hconf, hk, hc;
    t_connect(&host, lh, &bob, lb, "101", &hbh, &hb);
    LONG req = lineSetupConference(hbh, 0, &hconf, &hk, 3, NULL);
    CHECK_REQ(req);
    t_expect_reply(&host, req, 0);
    t_expect_state(&host, hbh, LINECALLSTATE_CONFERENCED, hconf);
    t_expect_state(&host, hconf, LINECALLSTATE_ONHOLDPENDCONF, 0);
    t_expect_state(&host, hk, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    req = lineDial(hk, "102", 0);
    CHECK_REQ(req);
    t_expect_reply(&host, req, 0);
    hc = t_expect_offer(&carol, lc);
    req = lineAnswer(hc, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&carol, hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&carol, req, 0);
    req = lineAddToConference(hconf, hk);
    CHECK_REQ(req);
    LINEMESSAGE m;
    while (t_poll(&host, &m))
        ;
    t_shutdown_with_calls(&host);
    t_expect_state(&bob, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&carol, hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_none(&bob);
    t_expect_none(&carol);
    t_drop_idle(&bob, hb);
    t_drop_idle(&carol, hc);
    t_shutdown(&bob);
    t_shutdown(&carol);
}

/* Another application calls on its own lines (on a thread of its own) while
 * one with many calls shuts down: under ThreadSanitizer this checks the
 * teardown's unlocked windows. */
struct other_job {
    struct th t;
    sem_t started;
    atomic_bool stop;
    unsigned cycles;
};

static void *other_main(void *arg)
{
    struct other_job *j = arg;
    HLINEAPP b = 0;
    HLINE l2 = 0, l3 = 0;
    if (!TH_OK(&j->t, th_init(&b, "other") == 0) ||
        !TH_OK(&j->t, th_open(b, 2, LINECALLPRIVILEGE_OWNER, &l2) == 0) ||
        !TH_OK(&j->t, th_open(b, 3, LINECALLPRIVILEGE_OWNER, &l3) == 0)) {
        sem_post(&j->started);
        if (b)
            lineShutdown(b);
        return NULL;
    }
    sem_post(&j->started);
    /* At least a few cycles, then until the shutdown is over (bounded). */
    for (unsigned i = 0; i < 5000 && (i < 20 || !atomic_load(&j->stop)); i++) {
        HCALL h2 = 0;
        LONG req = lineMakeCall(l2, &h2, "103", 0, NULL);
        if (!TH_OK(&j->t, req > 0) || !TH_REPLY(&j->t, b, req, 0) ||
            !TH_STATE(&j->t, b, h2, DIALING, 0) || !TH_STATE(&j->t, b, h2, PROCEEDING, 0))
            break;
        LINEMESSAGE m;
        if (!th_get(&j->t, b, &m) || !TH_OK(&j->t, m.dwMessageID == LINE_APPNEWCALL))
            break;
        HCALL h3 = (HCALL)m.dwParam2;
        if (!TH_STATE(&j->t, b, h3, OFFERING, LINEOFFERINGMODE_ACTIVE) ||
            !TH_STATE(&j->t, b, h2, RINGBACK, 0))
            break;
        /* The caller gives up: its IDLE and reply, and the offered call
         * ends (IDLE or DISCONNECTED, as the switch treats an abandoned offer). */
        req = lineDrop(h2, NULL, 0);
        if (!TH_OK(&j->t, req > 0))
            break;
        bool replied = false, idle2 = false;
        DWORD s3 = 0;
        while (!(replied && idle2 && s3) && th_get(&j->t, b, &m)) {
            if (m.dwMessageID == LINE_REPLY && (LONG)m.dwParam1 == req)
                replied = TH_OK(&j->t, m.dwParam2 == 0);
            else if (m.dwMessageID == LINE_CALLSTATE && m.hDevice == h2)
                idle2 = TH_OK(&j->t, m.dwParam1 == LINECALLSTATE_IDLE);
            else if (m.dwMessageID == LINE_CALLSTATE && m.hDevice == h3)
                s3 = (DWORD)m.dwParam1;
            else
                th_fail(&j->t, "unexpected %s", otMessageName(m.dwMessageID));
        }
        if (j->t.err[0] || !TH_OK(&j->t, s3 == LINECALLSTATE_IDLE ||
                                              s3 == LINECALLSTATE_DISCONNECTED))
            break;
        if (s3 != LINECALLSTATE_IDLE) {
            req = lineDrop(h3, NULL, 0);
            if (!TH_OK(&j->t, req > 0) || !TH_STATE(&j->t, b, h3, IDLE, 0) ||
                !TH_REPLY(&j->t, b, req, 0))
                break;
        }
        if (!TH_OK(&j->t, lineDeallocateCall(h2) == 0) ||
            !TH_OK(&j->t, lineDeallocateCall(h3) == 0))
            break;
        j->cycles++;
    }
    lineShutdown(b);
    return NULL;
}

TEST_THREADED(teardown_shutdown_while_another_application_calls)
{
    tapp x;
    t_init(&x, "many");
    HLINE lx = t_open(&x, 0, LINECALLPRIVILEGE_OWNER);
    free(dialtones(&x, lx, 2000));
    struct other_job j;
    memset(&j, 0, sizeof(j));
    j.t.who = "other";
    CHECK_EQ(sem_init(&j.started, 0, 0), 0);
    pthread_t tid;
    CHECK_EQ(pthread_create(&tid, NULL, other_main, &j), 0);
    CHECK(t_sem_wait(&j.started, T_TIMEOUT_MS));
    t_shutdown_with_calls(&x);
    atomic_store(&j.stop, true);
    pthread_join(tid, NULL);
    sem_destroy(&j.started);
    th_report(&j.t);
    CHECK(j.cycles >= 20);
}

/* ---- an application that does not read: its queue is bounded ---- */
#define QUEUE_LIMIT 65536u /* docs/robustness.md */

TEST(queue_bounded_for_an_application_that_does_not_read)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    /* 4 messages per cycle (make reply, DIALTONE, IDLE, drop reply), never read:
     * 20,000 cycles would queue 80,000. */
    LONG first_req = 0;
    for (unsigned i = 0; i < 20000; i++) {
        HCALL h = 0;
        LONG req = lineMakeCall(p.la, &h, NULL, 0, NULL);
        CHECK_REQ(req);
        if (!first_req)
            first_req = req;
        CHECK_REQ(lineDrop(h, NULL, 0));
        CHECK_RC(lineDeallocateCall(h), 0);
    }
    /* The other application is not affected. */
    HCALL ha, hb;
    LINEMESSAGE m;
    tapp c;
    t_init(&c, "third");
    HLINE lc = t_open(&c, 2, LINECALLPRIVILEGE_OWNER);
    t_connect(&p.b, p.lb, &c, lc, "102", &ha, &hb);
    t_drop_idle(&p.b, ha);
    t_expect_state(&c, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&c, hb);
    t_expect_none(&c);
    t_shutdown(&c);
    /* The queue holds the limit: the oldest messages in order, and last the
     * REINIT that stands for everything lost. */
    CHECK(t_poll(&p.a, &m));
    CHECK_EQ(m.dwMessageID, LINE_REPLY);
    CHECK_EQ(m.dwParam1, first_req);
    unsigned n = 1;
    LINEMESSAGE last = m, before_last = m;
    while (t_poll(&p.a, &m)) {
        before_last = last;
        last = m;
        n++;
    }
    CHECK_EQ(n, QUEUE_LIMIT);
    CHECK_EQ(last.dwMessageID, LINE_LINEDEVSTATE);
    CHECK_EQ(last.dwParam1, LINEDEVSTATE_REINIT);
    CHECK(last.dwParam2 == LINE_REPLY || last.dwParam2 == LINE_CALLSTATE);
    CHECK(before_last.dwMessageID == LINE_REPLY || before_last.dwMessageID == LINE_CALLSTATE);
    t_expect_none(&p.a);
    /* Read empty, the application gets its messages again. */
    HCALL h = t_make_call(&p.a, p.la, NULL, NULL, 0);
    t_expect_state(&p.a, h, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    t_drop_idle(&p.a, h);
    t_expect_none(&p.a);
    t_pair_done(&p);
    T_LOG_EXPECT("does not read its messages");
}

TEST(queue_overflow_then_shutdown)
{
    /* An application that never reads and shuts down with a full queue. */
    tapp a;
    t_init(&a, "deaf");
    HLINE l = t_open(&a, 0, LINECALLPRIVILEGE_OWNER);
    for (unsigned i = 0; i < QUEUE_LIMIT / 2 + 10; i++) {
        HCALL h = 0;
        CHECK_REQ(lineMakeCall(l, &h, NULL, 0, NULL));
        CHECK_REQ(lineDrop(h, NULL, 0));
        CHECK_RC(lineDeallocateCall(h), 0);
    }
    t_shutdown(&a);
    T_LOG_EXPECT("does not read its messages");
}
