/* Thread safety (behaviour 7): TAPI functions from many threads at once, the
 * messages of each call in the order its states happened, lineGetMessage
 * released by lineShutdown from another thread, stale handles under
 * concurrent deallocation.  Threads never call FAIL (it longjmps): they record
 * their first failure and the test thread reports it after joining.  Nothing
 * sleeps; waits are on messages or semaphores, with a timeout against hangs. */
#define _GNU_SOURCE /* gettid through syscall(), for /proc/self/task */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

#define CYCLES 200

/* ---- one thread drives a caller app and a callee app through whole calls ---- */
struct pair_job {
    struct th t;
    DWORD dev; /* the caller's device; the callee is dev + 1 */
};

static bool pair_cycle(struct th *t, HLINEAPP a, HLINE la, HLINEAPP b, HLINE lb,
                       const char *dest, int i)
{
    HCALL ha = 0;
    LONG req = lineMakeCall(la, &ha, dest, 0, NULL);
    if (!TH_OK(t, req > 0) || !TH_REPLY(t, a, req, 0) || !TH_OK(t, ha != 0) ||
        !TH_STATE(t, a, ha, DIALING, 0) || !TH_STATE(t, a, ha, PROCEEDING, 0) ||
        !TH_STATE(t, a, ha, RINGBACK, 0))
        return false;
    LINEMESSAGE m;
    if (!th_get(t, b, &m) || !TH_OK(t, m.dwMessageID == LINE_APPNEWCALL) ||
        !TH_OK(t, m.hDevice == lb))
        return false;
    HCALL hb = (HCALL)m.dwParam2;
    if (!TH_STATE(t, b, hb, OFFERING, LINEOFFERINGMODE_ACTIVE))
        return false;
    req = lineAnswer(hb, NULL, 0);
    if (!TH_OK(t, req > 0) || !TH_INFO(t, a, ha, LINECALLINFOSTATE_CONNECTEDID) ||
        !TH_STATE(t, a, ha, CONNECTED, LINECONNECTEDMODE_ACTIVE) ||
        !TH_STATE(t, b, hb, CONNECTED, LINECONNECTEDMODE_ACTIVE) || !TH_REPLY(t, b, req, 0))
        return false;
    /* Alternate who hangs up first. */
    HLINEAPP x = i & 1 ? b : a, y = i & 1 ? a : b;
    HCALL hx = i & 1 ? hb : ha, hy = i & 1 ? ha : hb;
    req = lineDrop(hx, NULL, 0);
    if (!TH_OK(t, req > 0) || !TH_STATE(t, x, hx, IDLE, 0) || !TH_REPLY(t, x, req, 0) ||
        !TH_STATE(t, y, hy, DISCONNECTED, LINEDISCONNECTMODE_NORMAL))
        return false;
    req = lineDrop(hy, NULL, 0);
    if (!TH_OK(t, req > 0) || !TH_STATE(t, y, hy, IDLE, 0) || !TH_REPLY(t, y, req, 0))
        return false;
    return TH_OK(t, lineDeallocateCall(ha) == 0) && TH_OK(t, lineDeallocateCall(hb) == 0);
}

static void *pair_main(void *arg)
{
    struct pair_job *j = arg;
    HLINEAPP a = 0, b = 0;
    HLINE la = 0, lb = 0;
    char dest[8];
    snprintf(dest, sizeof(dest), "%u", (unsigned)(100 + j->dev + 1));
    if (TH_OK(&j->t, th_init(&a, "caller") == 0) && TH_OK(&j->t, th_init(&b, "callee") == 0) &&
        TH_OK(&j->t, th_open(a, j->dev, LINECALLPRIVILEGE_NONE, &la) == 0) &&
        TH_OK(&j->t, th_open(b, j->dev + 1, LINECALLPRIVILEGE_OWNER, &lb) == 0))
        for (int i = 0; i < CYCLES && pair_cycle(&j->t, a, la, b, lb, dest, i); i++)
            ;
    LINEMESSAGE m;
    if (a && !j->t.err[0] && lineGetMessage(a, &m, 0) == 0)
        th_fail(&j->t, "caller: stray message %s", otMessageName(m.dwMessageID));
    if (b && !j->t.err[0] && lineGetMessage(b, &m, 0) == 0)
        th_fail(&j->t, "callee: stray message %s", otMessageName(m.dwMessageID));
    if (a)
        lineShutdown(a);
    if (b)
        lineShutdown(b);
    return NULL;
}

TEST_THREADED(threads_app_pairs_make_and_drop_concurrently)
{
    enum { N = 4 };
    struct pair_job jobs[N];
    pthread_t tid[N];
    tapp keeper; /* the library stays up while threads come and go */
    t_init(&keeper, "keeper");
    for (int i = 0; i < N; i++) {
        memset(&jobs[i], 0, sizeof(jobs[i]));
        jobs[i].t.who = "pair";
        jobs[i].dev = (DWORD)(2 * i);
        CHECK_EQ(pthread_create(&tid[i], NULL, pair_main, &jobs[i]), 0);
    }
    for (int i = 0; i < N; i++)
        pthread_join(tid[i], NULL);
    for (int i = 0; i < N; i++)
        th_report(&jobs[i].t);
    t_expect_none(&keeper);
    t_shutdown(&keeper);
}

/* ---- caller and callee of each pair on different threads ---- */
struct side_job {
    struct th t;
    HLINEAPP app;
    HLINE line;
    const char *dest;
    sem_t *callee_idle; /* posted by the callee when its call is IDLE */
};

static bool caller_cycle(struct side_job *j, int i)
{
    struct th *t = &j->t;
    HLINEAPP a = j->app;
    HCALL h = 0;
    LONG req = lineMakeCall(j->line, &h, j->dest, 0, NULL);
    if (!TH_OK(t, req > 0) || !TH_REPLY(t, a, req, 0) || !TH_STATE(t, a, h, DIALING, 0) ||
        !TH_STATE(t, a, h, PROCEEDING, 0) || !TH_STATE(t, a, h, RINGBACK, 0) ||
        !TH_INFO(t, a, h, LINECALLINFOSTATE_CONNECTEDID) ||
        !TH_STATE(t, a, h, CONNECTED, LINECONNECTEDMODE_ACTIVE))
        return false;
    if (i & 1) { /* the callee hangs up */
        if (!TH_STATE(t, a, h, DISCONNECTED, LINEDISCONNECTMODE_NORMAL))
            return false;
    }
    req = lineDrop(h, NULL, 0);
    if (!TH_OK(t, req > 0) || !TH_STATE(t, a, h, IDLE, 0) || !TH_REPLY(t, a, req, 0) ||
        !TH_OK(t, lineDeallocateCall(h) == 0))
        return false;
    return TH_OK(t, t_sem_wait(j->callee_idle, T_TIMEOUT_MS));
}

static bool callee_cycle(struct side_job *j, int i)
{
    struct th *t = &j->t;
    HLINEAPP b = j->app;
    LINEMESSAGE m;
    if (!th_get(t, b, &m) || !TH_OK(t, m.dwMessageID == LINE_APPNEWCALL))
        return false;
    HCALL h = (HCALL)m.dwParam2;
    if (!TH_STATE(t, b, h, OFFERING, LINEOFFERINGMODE_ACTIVE))
        return false;
    LONG req = lineAnswer(h, NULL, 0);
    if (!TH_OK(t, req > 0) || !TH_STATE(t, b, h, CONNECTED, LINECONNECTEDMODE_ACTIVE) ||
        !TH_REPLY(t, b, req, 0))
        return false;
    if (!(i & 1) && !TH_STATE(t, b, h, DISCONNECTED, LINEDISCONNECTMODE_NORMAL))
        return false;
    req = lineDrop(h, NULL, 0);
    if (!TH_OK(t, req > 0) || !TH_STATE(t, b, h, IDLE, 0) || !TH_REPLY(t, b, req, 0) ||
        !TH_OK(t, lineDeallocateCall(h) == 0))
        return false;
    sem_post(j->callee_idle);
    return true;
}

static void *caller_main(void *arg)
{
    struct side_job *j = arg;
    for (int i = 0; i < CYCLES && caller_cycle(j, i); i++)
        ;
    return NULL;
}

static void *callee_main(void *arg)
{
    struct side_job *j = arg;
    for (int i = 0; i < CYCLES && callee_cycle(j, i); i++)
        ;
    if (j->t.err[0])
        sem_post(j->callee_idle); /* let the caller give up */
    return NULL;
}

TEST_THREADED(threads_caller_and_callee_on_separate_threads)
{
    enum { N = 4 };
    static const char *const dests[N] = {"101", "103", "105", "107"};
    struct side_job jobs[2 * N];
    sem_t idle[N];
    tapp apps[2 * N];
    pthread_t tid[2 * N];
    for (int i = 0; i < N; i++) {
        CHECK_EQ(sem_init(&idle[i], 0, 0), 0);
        for (int k = 0; k < 2; k++) {
            struct side_job *j = &jobs[2 * i + k];
            memset(j, 0, sizeof(*j));
            j->t.who = k ? "callee" : "caller";
            t_init(&apps[2 * i + k], j->t.who);
            j->app = apps[2 * i + k].h;
            j->line = t_open(&apps[2 * i + k], (DWORD)(2 * i + k),
                             k ? LINECALLPRIVILEGE_OWNER : LINECALLPRIVILEGE_NONE);
            j->dest = dests[i];
            j->callee_idle = &idle[i];
        }
    }
    for (int i = 0; i < 2 * N; i++)
        CHECK_EQ(pthread_create(&tid[i], NULL, i & 1 ? callee_main : caller_main, &jobs[i]), 0);
    for (int i = 0; i < 2 * N; i++)
        pthread_join(tid[i], NULL);
    for (int i = 0; i < N; i++)
        sem_destroy(&idle[i]);
    for (int i = 0; i < 2 * N; i++)
        th_report(&jobs[i].t);
    for (int i = 0; i < 2 * N; i++) {
        t_expect_none(&apps[i]);
        t_shutdown(&apps[i]);
    }
}

/* ---- lineGetMessage(INFINITE) released by lineShutdown ---- */
struct waiter {
    HLINEAPP app;
    DWORD timeout;
    sem_t *started;
    atomic_long tid;
    LONG rc;
};

static void wait_thread_sleeping(atomic_long *tid);

static void *waiter_main(void *arg)
{
    struct waiter *w = arg;
    LINEMESSAGE m;
    atomic_store(&w->tid, (long)syscall(SYS_gettid));
    sem_post(w->started);
    w->rc = lineGetMessage(w->app, &m, w->timeout);
    return NULL;
}

TEST_THREADED(threads_shutdown_releases_blocked_get_message)
{
    tapp keeper, a;
    t_init(&keeper, "keeper"); /* so the old handle is invalid, not uninitialized */
    t_init(&a, "waited on");
    enum { N = 3 };
    static struct waiter w[N]; /* static: threads may outlive a failed check */
    pthread_t tid[N];
    sem_t started;
    CHECK_EQ(sem_init(&started, 0, 0), 0);
    for (int i = 0; i < N; i++) {
        w[i].app = a.h;
        w[i].timeout = i == 0 ? INFINITE : 600000u;
        w[i].started = &started;
        w[i].rc = 1;
        atomic_init(&w[i].tid, 0);
        CHECK_EQ(pthread_create(&tid[i], NULL, waiter_main, &w[i]), 0);
    }
    for (int i = 0; i < N; i++)
        CHECK(t_sem_wait(&started, T_TIMEOUT_MS));
    /* every waiter is asleep in lineGetMessage before the shutdown */
    for (int i = 0; i < N; i++)
        wait_thread_sleeping(&w[i].tid);
    t_shutdown(&a); /* returns only when no thread is left inside */
    for (int i = 0; i < N; i++) {
        pthread_join(tid[i], NULL);
        CHECK_RC(w[i].rc, LINEERR_INVALAPPHANDLE);
    }
    sem_destroy(&started);
    t_expect_none(&keeper);
    t_shutdown(&keeper);
}

/* ---- a thread blocked in lineGetMessage, woken by another thread ---- */
struct blocked_waiter {
    HLINEAPP app;
    sem_t done;      /* posted when lineGetMessage returned */
    atomic_long tid; /* the kernel's id of the thread, once it runs */
    LINEMESSAGE m;   /* the message that woke it */
    LONG rc;
};

static void *blocked_waiter_main(void *arg)
{
    struct blocked_waiter *w = arg;
    atomic_store(&w->tid, (long)syscall(SYS_gettid));
    w->rc = lineGetMessage(w->app, &w->m, INFINITE);
    sem_post(&w->done);
    return NULL;
}

/* The state letter of thread tid ('R' running, 'S' sleeping...), from
 * /proc/self/task/TID/stat (the field after the parenthesized name). */
static char thread_state(long tid)
{
    char path[64], buf[512];
    snprintf(path, sizeof(path), "/proc/self/task/%ld/stat", tid);
    FILE *f = fopen(path, "r");
    if (!f)
        return '?';
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')');
    return p && p[1] == ' ' ? p[2] : '?';
}

/* Waits (bounded) until the thread sleeps in the kernel: a thread that set
 * its id and then called lineGetMessage on an empty queue, with nobody else
 * holding the library's lock, can only sleep in lineGetMessage's wait. */
static void wait_thread_sleeping(atomic_long *tid)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        long id = atomic_load(tid);
        char st = id ? thread_state(id) : '?';
        if (st == 'S')
            return;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 > T_TIMEOUT_MS)
            FAIL("the waiting thread (tid %ld) never blocked: state %c", id, st);
        sched_yield();
    }
}

TEST_THREADED(threads_get_message_wakes_on_message_from_other_thread)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    static struct blocked_waiter w; /* static: the thread may outlive a failed check */
    memset(&w, 0, sizeof(w));
    w.app = p.b.h;
    w.rc = 1;
    atomic_init(&w.tid, 0);
    CHECK_EQ(sem_init(&w.done, 0, 0), 0);
    /* The callee's thread is asleep in lineGetMessage(INFINITE) before the
     * caller's call exists; the offer made on this thread wakes it. */
    pthread_t tid;
    CHECK_EQ(pthread_create(&tid, NULL, blocked_waiter_main, &w), 0);
    wait_thread_sleeping(&w.tid);
    CHECK_EQ(thread_state(atomic_load(&w.tid)), 'S'); /* still blocked: nothing queued */
    HCALL ha = t_make_call(&p.a, p.la, "101", NULL, 0);
    if (!t_sem_wait(&w.done, T_TIMEOUT_MS)) {
        /* never woken: the runner's cleanup (lineShutdown) releases it */
        pthread_detach(tid);
        FAIL("the waiting thread was not woken by the offer within %u ms", T_TIMEOUT_MS);
    }
    pthread_join(tid, NULL);
    sem_destroy(&w.done);
    CHECK_RC(w.rc, 0);
    /* it took the LINE_APPNEWCALL of the offer, for the callee's line */
    CHECK_EQ(w.m.dwMessageID, LINE_APPNEWCALL);
    CHECK_EQ(w.m.hDevice, p.lb);
    CHECK_EQ(w.m.dwParam3, LINECALLPRIVILEGE_OWNER);
    HCALL hb = (HCALL)w.m.dwParam2;
    CHECK(hb != 0);
    t_expect_state_priv(&p.b, hb, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE,
                        LINECALLPRIVILEGE_OWNER);
    t_expect_ringback(&p.a, ha);
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_pair_done(&p);
}

/* ---- stale handles while another thread deallocates ----
 * The prober queries the monitor's handle in a loop while the test thread
 * ends the call and deallocates the handle.  Semaphores force both sides of
 * the race to run: the deallocation waits until the prober has queried the
 * live handle, and the prober is stopped only after it has seen the handle
 * invalid; the counters prove it. */
struct prober {
    struct th t;
    HCALL h;
    atomic_bool stop;
    atomic_ulong ok, invalid;
    sem_t first_ok, first_invalid;
};

static void *prober_main(void *arg)
{
    struct prober *p = arg;
    bool gone = false;
    while (!atomic_load(&p->stop)) {
        LINECALLSTATUS s;
        memset(&s, 0, sizeof(s));
        s.dwTotalSize = sizeof(s);
        LONG rc = lineGetCallStatus(p->h, &s);
        if (rc == 0) {
            if (gone) {
                th_fail(&p->t, "handle %08x valid again", (unsigned)p->h);
                break;
            }
            if (atomic_fetch_add(&p->ok, 1) == 0)
                sem_post(&p->first_ok);
        } else if (rc == (LONG)LINEERR_INVALCALLHANDLE) {
            gone = true;
            if (atomic_fetch_add(&p->invalid, 1) == 0)
                sem_post(&p->first_invalid);
        } else {
            th_fail(&p->t, "lineGetCallStatus: %s", otErrorName(rc));
            break;
        }
        rc = lineDrop(p->h, NULL, 0); /* never a request: the owner drops first */
        if (rc != (LONG)LINEERR_NOTOWNER && rc != (LONG)LINEERR_INVALCALLHANDLE) {
            th_fail(&p->t, "lineDrop: %s", otErrorName(rc));
            break;
        }
    }
    /* never leave the test thread waiting on a semaphore after a failure */
    sem_post(&p->first_ok);
    sem_post(&p->first_invalid);
    return NULL;
}

TEST_THREADED(threads_stale_handles_under_concurrent_deallocation)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    tapp m;
    t_init(&m, "monitor");
    HLINE lm = t_open(&m, 1, LINECALLPRIVILEGE_MONITOR);
    for (int round = 0; round < 20; round++) {
        HCALL ha, hb;
        t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
        HCALL hm = t_expect_newcall(&m, lm, LINECALLPRIVILEGE_MONITOR);
        t_expect_state(&m, hm, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE);
        t_expect_state(&m, hm, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        static struct prober pr; /* static: a failed check must not leave it dangling */
        memset(&pr, 0, sizeof(pr));
        pr.t.who = "prober";
        pr.h = hm;
        atomic_init(&pr.stop, false);
        atomic_init(&pr.ok, 0);
        atomic_init(&pr.invalid, 0);
        CHECK_EQ(sem_init(&pr.first_ok, 0, 0), 0);
        CHECK_EQ(sem_init(&pr.first_invalid, 0, 0), 0);
        pthread_t tid;
        CHECK_EQ(pthread_create(&tid, NULL, prober_main, &pr), 0);
        bool probed_live = t_sem_wait(&pr.first_ok, T_TIMEOUT_MS);
        t_drop_idle(&p.a, ha);
        t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
        t_expect_state(&m, hm, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
        t_drop_idle(&p.b, hb);
        t_expect_state(&m, hm, LINECALLSTATE_IDLE, 0);
        CHECK_RC(lineDeallocateCall(hm), 0);
        bool probed_stale = t_sem_wait(&pr.first_invalid, T_TIMEOUT_MS);
        atomic_store(&pr.stop, true);
        pthread_join(tid, NULL);
        sem_destroy(&pr.first_ok);
        sem_destroy(&pr.first_invalid);
        th_report(&pr.t);
        CHECK(probed_live);
        CHECK(probed_stale);
        if (atomic_load(&pr.ok) < 1 || atomic_load(&pr.invalid) < 1)
            FAIL("round %d: the prober queried the live handle %lu times and the stale one %lu "
                 "times, expected at least once each",
                 round, atomic_load(&pr.ok), atomic_load(&pr.invalid));
        CHECK_RC(lineGetCallStatus(hm, NULL), LINEERR_INVALCALLHANDLE);
    }
    t_expect_none(&m);
    t_shutdown(&m);
    t_pair_done(&p);
}

/* ---- applications initialized and shut down from many threads ---- */
struct churn {
    struct th t;
    DWORD dev;
};

static void *churn_main(void *arg)
{
    struct churn *c = arg;
    for (int i = 0; i < 50; i++) {
        HLINEAPP h = 0;
        HLINE hl = 0;
        if (!TH_OK(&c->t, th_init(&h, "churn") == 0))
            return NULL;
        bool ok = TH_OK(&c->t, th_open(h, c->dev, LINECALLPRIVILEGE_OWNER, &hl) == 0);
        if (ok && i & 1) {
            HCALL hc = 0;
            LONG req = lineMakeCall(hl, &hc, NULL, 0, NULL);
            ok = TH_OK(&c->t, req > 0) && TH_REPLY(&c->t, h, req, 0) &&
                 TH_STATE(&c->t, h, hc, DIALTONE, LINEDIALTONEMODE_NORMAL);
            /* Left to lineShutdown: it drops the call and frees the handle. */
        } else if (ok) {
            ok = TH_OK(&c->t, lineClose(hl) == 0);
        }
        LONG rc = lineShutdown(h);
        if (!ok || !TH_OK(&c->t, rc == 0))
            return NULL;
    }
    return NULL;
}

TEST_THREADED(threads_initialize_and_shutdown_concurrently)
{
    enum { N = 8 };
    struct churn c[N];
    pthread_t tid[N];
    for (int i = 0; i < N; i++) {
        memset(&c[i], 0, sizeof(c[i]));
        c[i].t.who = "churn";
        c[i].dev = (DWORD)i;
        CHECK_EQ(pthread_create(&tid[i], NULL, churn_main, &c[i]), 0);
    }
    for (int i = 0; i < N; i++)
        pthread_join(tid[i], NULL);
    for (int i = 0; i < N; i++)
        th_report(&c[i].t);
    OTSTATS st;
    CHECK_RC(otGetStats(&st), 0);
    CHECK_EQ(st.dwApps, 0);
    CHECK_EQ(st.dwCalls, 0);
}
