/* The callback model: lineInitializeEx with
 * USEHIDDENWINDOW and lineInitialize deliver messages on a library thread,
 * one at a time per application, in order; the callback may call any TAPI
 * function, lineShutdown of its own application included. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>

#include "test.h"

enum {
    ACT_ANSWER = 1,        /* lineAnswer an OFFERING call */
    ACT_DROP = 2,          /* lineDrop a DISCONNECTED call */
    ACT_DEALLOC = 4,       /* lineDeallocateCall an IDLE call */
    ACT_SHUTDOWN = 8,      /* lineShutdown at CONNECTED */
    ACT_CHECK_ORDER = 16,  /* per-call order of a stream of calls (stress) */
};

#define QMAX 64
#define NCALLS 64 /* calls tracked at once in ACT_CHECK_ORDER mode */

/* What one callback application saw and did.  Static storage: the library
 * thread may still be leaving the callback when a test ends. */
struct cbapp {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    HLINEAPP app;
    unsigned actions;
    LINEMESSAGE q[QMAX];
    unsigned n;     /* messages seen (only the first QMAX are kept) */
    int inside;     /* callbacks running right now */
    bool overlap;   /* two callbacks of this application at once */
    bool on_main;   /* a callback ran on the test's thread */
    pthread_t main_thread;
    LONG answer_req, drop_req, dealloc_rc, shutdown_rc;
    bool shut;
    char caller_id[16];
    struct th t;
    /* ACT_CHECK_ORDER: last state of each live call, and a semaphore per line */
    struct {
        HCALL h;
        HLINE line;
        DWORD state;
    } calls[NCALLS];
    HLINE lines[2];
    sem_t idle[2]; /* posted when a call on lines[i] was deallocated */
    unsigned completed;
};

static struct cbapp cb1 = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};

static void cb_reset(struct cbapp *c, unsigned actions)
{
    pthread_mutex_lock(&c->mu);
    /* Everything after the mutex and the condition variable. */
    memset((char *)c + offsetof(struct cbapp, app), 0, sizeof(*c) - offsetof(struct cbapp, app));
    c->actions = actions;
    c->main_thread = pthread_self();
    c->t.who = "callback";
    pthread_mutex_unlock(&c->mu);
}

/* ACT_CHECK_ORDER: each call must go APPNEWCALL, OFFERING, CONNECTED,
 * DISCONNECTED, IDLE. */
static void check_order(struct cbapp *c, DWORD msg, DWORD_PTR dev, DWORD_PTR p1, DWORD_PTR p2)
{
    HCALL h = msg == LINE_APPNEWCALL ? (HCALL)p2 : (HCALL)dev;
    if (msg != LINE_APPNEWCALL && msg != LINE_CALLSTATE)
        return;
    int slot = -1, free_slot = -1;
    for (int i = 0; i < NCALLS; i++) {
        if (c->calls[i].h == h)
            slot = i;
        else if (!c->calls[i].h && free_slot < 0)
            free_slot = i;
    }
    if (msg == LINE_APPNEWCALL) {
        if (slot >= 0 || free_slot < 0) {
            th_fail(&c->t, "LINE_APPNEWCALL for a known call %08x", (unsigned)h);
            return;
        }
        c->calls[free_slot].h = h;
        c->calls[free_slot].line = (HLINE)dev;
        c->calls[free_slot].state = 0;
        return;
    }
    if (slot < 0) {
        th_fail(&c->t, "LINE_CALLSTATE for unknown call %08x", (unsigned)h);
        return;
    }
    static const DWORD next[][2] = {
        {0, LINECALLSTATE_OFFERING},
        {LINECALLSTATE_OFFERING, LINECALLSTATE_CONNECTED},
        {LINECALLSTATE_CONNECTED, LINECALLSTATE_DISCONNECTED},
        {LINECALLSTATE_DISCONNECTED, LINECALLSTATE_IDLE},
    };
    DWORD prev = c->calls[slot].state;
    bool ok = false;
    for (size_t i = 0; i < sizeof(next) / sizeof(next[0]); i++)
        ok |= next[i][0] == prev && next[i][1] == p1;
    if (!ok)
        th_fail(&c->t, "call %08x: %s after %s", (unsigned)h, otCallStateName((DWORD)p1),
                prev ? otCallStateName(prev) : "LINE_APPNEWCALL");
    c->calls[slot].state = (DWORD)p1;
}

static void CALLBACK on_message(DWORD dev, DWORD msg, DWORD_PTR inst, DWORD_PTR p1,
                                DWORD_PTR p2, DWORD_PTR p3)
{
    struct cbapp *c = (struct cbapp *)inst;
    pthread_mutex_lock(&c->mu);
    if (c->inside++)
        c->overlap = true;
    if (pthread_equal(pthread_self(), c->main_thread))
        c->on_main = true;
    if (c->n < QMAX) {
        LINEMESSAGE m = {dev, msg, inst, p1, p2, p3};
        c->q[c->n] = m;
    }
    c->n++;
    unsigned actions = c->actions;
    HLINEAPP app = c->app;
    if (actions & ACT_CHECK_ORDER)
        check_order(c, msg, dev, p1, p2);
    pthread_mutex_unlock(&c->mu);

    /* TAPI calls from inside the callback, without any lock of ours held. */
    LONG answer = 0, drop = 0, dealloc = 1, shutdown = 1;
    char caller[16] = "";
    if (msg == LINE_CALLSTATE && p1 == LINECALLSTATE_OFFERING && (actions & ACT_ANSWER)) {
        tcallinfo *u = calloc(1, sizeof(*u));
        if (u) {
            u->ci.dwTotalSize = sizeof(*u);
            if (lineGetCallInfo((HCALL)dev, &u->ci) == 0 && u->ci.dwCallerIDSize &&
                u->ci.dwCallerIDSize <= sizeof(caller))
                memcpy(caller, u->raw + u->ci.dwCallerIDOffset, u->ci.dwCallerIDSize);
            free(u);
        }
        answer = lineAnswer((HCALL)dev, NULL, 0);
    }
    if (msg == LINE_CALLSTATE && p1 == LINECALLSTATE_DISCONNECTED && (actions & ACT_DROP))
        drop = lineDrop((HCALL)dev, NULL, 0);
    if (msg == LINE_CALLSTATE && p1 == LINECALLSTATE_IDLE && (actions & ACT_DEALLOC))
        dealloc = lineDeallocateCall((HCALL)dev);
    if (msg == LINE_CALLSTATE && p1 == LINECALLSTATE_CONNECTED && (actions & ACT_SHUTDOWN))
        shutdown = lineShutdown(app);

    pthread_mutex_lock(&c->mu);
    if (answer) {
        c->answer_req = answer;
        if (caller[0])
            memcpy(c->caller_id, caller, sizeof(caller));
        if (answer < 0)
            th_fail(&c->t, "lineAnswer in the callback: %s", otErrorName(answer));
    }
    if (drop) {
        c->drop_req = drop;
        if (drop < 0)
            th_fail(&c->t, "lineDrop in the callback: %s", otErrorName(drop));
    }
    if (dealloc != 1) {
        c->dealloc_rc = dealloc;
        if (dealloc != 0)
            th_fail(&c->t, "lineDeallocateCall in the callback: %s", otErrorName(dealloc));
        if (actions & ACT_CHECK_ORDER) {
            for (int i = 0; i < NCALLS; i++) {
                if (c->calls[i].h != (HCALL)dev)
                    continue;
                c->calls[i].h = 0;
                for (int l = 0; l < 2; l++)
                    if (c->lines[l] == c->calls[i].line)
                        sem_post(&c->idle[l]);
            }
            c->completed++;
        }
    }
    if (shutdown != 1) {
        c->shutdown_rc = shutdown;
        c->shut = true;
    }
    c->inside--;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

/* Wait until the callback saw n messages (or shut down). */
static bool cb_wait(struct cbapp *c, unsigned n, bool for_shutdown)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += T_TIMEOUT_MS / 1000u;
    pthread_mutex_lock(&c->mu);
    int rc = 0;
    while (rc == 0 && (for_shutdown ? !c->shut : c->n < n))
        rc = pthread_cond_timedwait(&c->cv, &c->mu, &ts);
    bool ok = for_shutdown ? c->shut : c->n >= n;
    pthread_mutex_unlock(&c->mu);
    return ok;
}

/* Message i seen by the callback. */
static void cb_msg_(struct cbapp *c, unsigned i, DWORD id, DWORD dev, DWORD_PTR p1,
                    DWORD_PTR p2, const char *f, int l)
{
    pthread_mutex_lock(&c->mu);
    LINEMESSAGE m = c->q[i];
    pthread_mutex_unlock(&c->mu);
    if (m.dwMessageID != id || m.hDevice != dev || m.dwParam1 != p1 || m.dwParam2 != p2)
        ot_test_fail(f, l, "callback message %u: expected %s(%08x %lx %lx), got %s(%08x %lx %lx)",
                     i, otMessageName(id), (unsigned)dev, (unsigned long)p1, (unsigned long)p2,
                     otMessageName(m.dwMessageID), (unsigned)m.hDevice,
                     (unsigned long)m.dwParam1, (unsigned long)m.dwParam2);
    if (m.dwCallbackInstance != (DWORD_PTR)c)
        ot_test_fail(f, l, "callback message %u: instance %lx", i,
                     (unsigned long)m.dwCallbackInstance);
}
#define cb_msg(c, i, id, dev, p1, p2) cb_msg_(c, i, id, dev, p1, p2, __FILE__, __LINE__)

static void cb_check_threads(struct cbapp *c)
{
    pthread_mutex_lock(&c->mu);
    bool overlap = c->overlap, on_main = c->on_main;
    pthread_mutex_unlock(&c->mu);
    CHECK(!overlap);
    CHECK(!on_main);
    th_report(&c->t);
}

static HLINEAPP init_hidden_window(void)
{
    LINEINITIALIZEEXPARAMS p;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = sizeof(p);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEHIDDENWINDOW;
    DWORD n = 0, api = T_API;
    HLINEAPP h = 0;
    CHECK_RC(lineInitializeEx(&h, NULL, on_message, "callback", &n, &api, &p), 0);
    CHECK_EQ(n, 15);
    CHECK(h != 0);
    /* Messages do not go through lineGetMessage in this model. */
    LINEMESSAGE m;
    CHECK_RC(lineGetMessage(h, &m, 0), LINEERR_INVALAPPHANDLE);
    return h;
}

static void set_app(struct cbapp *c, HLINEAPP h)
{
    pthread_mutex_lock(&c->mu);
    c->app = h;
    pthread_mutex_unlock(&c->mu);
}

/* The caller's side of a call answered by the callback. */
static HCALL call_answered_by_callback(tapp *a, HLINE la, const char *dest)
{
    HCALL ha = t_make_call(a, la, dest, NULL, 0);
    t_expect_ringback(a, ha);
    t_expect_callinfo(a, ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    return ha;
}

TEST_THREADED(callback_answers_drops_and_deallocates_from_inside)
{
    struct cbapp *c = &cb1;
    cb_reset(c, ACT_ANSWER | ACT_DROP | ACT_DEALLOC);
    HLINEAPP h = init_hidden_window();
    set_app(c, h);
    HLINE lb = 0;
    CHECK_RC(lineOpen(h, 1, &lb, T_API, 0, (DWORD_PTR)c, LINECALLPRIVILEGE_OWNER,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             0);
    tapp a;
    t_init(&a, "caller");
    HLINE la = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    HCALL ha = call_answered_by_callback(&a, la, "101");
    CHECK(cb_wait(c, 4, false));
    HCALL hb = (HCALL)c->q[0].dwParam2;
    cb_msg(c, 0, LINE_APPNEWCALL, lb, 0, hb);
    CHECK_EQ(c->q[0].dwParam3, LINECALLPRIVILEGE_OWNER);
    cb_msg(c, 1, LINE_CALLSTATE, hb, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE);
    cb_msg(c, 2, LINE_CALLSTATE, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    cb_msg(c, 3, LINE_REPLY, 0, (DWORD_PTR)c->answer_req, 0);
    CHECK(!strcmp(c->caller_id, "100"));
    /* The caller hangs up: the callback drops, then deallocates at IDLE. */
    t_drop_idle(&a, ha);
    CHECK(cb_wait(c, 7, false));
    cb_msg(c, 4, LINE_CALLSTATE, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    cb_msg(c, 5, LINE_CALLSTATE, hb, LINECALLSTATE_IDLE, 0);
    cb_msg(c, 6, LINE_REPLY, 0, (DWORD_PTR)c->drop_req, 0);
    CHECK_RC(c->dealloc_rc, 0);
    CHECK_RC(lineGetCallInfo(hb, NULL), LINEERR_INVALCALLHANDLE);
    CHECK_RC(lineShutdown(h), 0);
    /* lineShutdown returned: no callback runs any more. */
    CHECK_EQ(c->n, 7);
    cb_check_threads(c);
    t_expect_none(&a);
    t_shutdown(&a);
}

TEST_THREADED(callback_line_initialize_api_1_4)
{
    struct cbapp *c = &cb1;
    cb_reset(c, ACT_ANSWER | ACT_DROP | ACT_DEALLOC);
    HLINEAPP h = 0;
    DWORD n = 0, v = 0;
    CHECK_RC(lineInitialize(&h, NULL, on_message, "tapi 1.4", &n), 0);
    CHECK_EQ(n, 15);
    set_app(c, h);
    LINEEXTENSIONID ext;
    CHECK_RC(lineNegotiateAPIVersion(h, 1, 0x00010004, 0x00010004, &v, &ext), 0);
    CHECK_EQ(v, 0x00010004);
    HLINE lb = 0;
    CHECK_RC(lineOpen(h, 1, &lb, v, 0, (DWORD_PTR)c, LINECALLPRIVILEGE_OWNER,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             0);
    tapp a;
    t_init(&a, "caller");
    HLINE la = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    HCALL ha = call_answered_by_callback(&a, la, "101");
    /* Before 2.0 there is no LINE_APPNEWCALL: the first state brings the
     * handle and the privilege. */
    CHECK(cb_wait(c, 3, false));
    HCALL hb = (HCALL)c->q[0].hDevice;
    cb_msg(c, 0, LINE_CALLSTATE, hb, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE);
    CHECK_EQ(c->q[0].dwParam3, LINECALLPRIVILEGE_OWNER);
    cb_msg(c, 1, LINE_CALLSTATE, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    cb_msg(c, 2, LINE_REPLY, 0, (DWORD_PTR)c->answer_req, 0);
    t_drop_idle(&a, ha);
    CHECK(cb_wait(c, 6, false));
    cb_msg(c, 3, LINE_CALLSTATE, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    cb_msg(c, 4, LINE_CALLSTATE, hb, LINECALLSTATE_IDLE, 0);
    cb_msg(c, 5, LINE_REPLY, 0, (DWORD_PTR)c->drop_req, 0);
    CHECK_RC(lineShutdown(h), 0);
    CHECK_EQ(c->n, 6);
    cb_check_threads(c);
    t_expect_none(&a);
    t_shutdown(&a);
}

TEST_THREADED(callback_shutdown_from_inside_the_callback)
{
    struct cbapp *c = &cb1;
    cb_reset(c, ACT_ANSWER | ACT_SHUTDOWN);
    HLINEAPP h = init_hidden_window();
    set_app(c, h);
    HLINE lb = 0;
    CHECK_RC(lineOpen(h, 1, &lb, T_API, 0, (DWORD_PTR)c, LINECALLPRIVILEGE_OWNER,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             0);
    tapp a;
    t_init(&a, "caller");
    HLINE la = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    HCALL ha = call_answered_by_callback(&a, la, "101");
    /* At CONNECTED the callback shuts its application down: the call it owned
     * alone is dropped, and its queued LINE_REPLY is never delivered. */
    t_expect_state(&a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    CHECK(cb_wait(c, 0, true));
    CHECK_RC(c->shutdown_rc, 0);
    CHECK_EQ(c->n, 3);
    HCALL hb = (HCALL)c->q[0].dwParam2;
    cb_msg(c, 2, LINE_CALLSTATE, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    CHECK_RC(lineShutdown(h), LINEERR_INVALAPPHANDLE);
    CHECK_RC(lineGetCallStatus(hb, NULL), LINEERR_INVALCALLHANDLE);
    t_drop_idle(&a, ha);
    cb_check_threads(c);
    t_expect_none(&a);
    t_shutdown(&a);
}

/* ---- a stream of calls from two caller threads to one callback application ---- */
struct caller_job {
    struct th t;
    HLINEAPP app;
    HLINE line;
    const char *dest;
    int cycles;
    sem_t *callee_idle;
};

static void *caller_main(void *arg)
{
    struct caller_job *j = arg;
    struct th *t = &j->t;
    for (int i = 0; i < j->cycles; i++) {
        HCALL h = 0;
        LONG req = lineMakeCall(j->line, &h, j->dest, 0, NULL);
        if (!TH_OK(t, req > 0) || !TH_REPLY(t, j->app, req, 0) ||
            !TH_STATE(t, j->app, h, DIALING, 0) || !TH_STATE(t, j->app, h, PROCEEDING, 0) ||
            !TH_STATE(t, j->app, h, RINGBACK, 0) ||
            !TH_INFO(t, j->app, h, LINECALLINFOSTATE_CONNECTEDID) ||
            !TH_STATE(t, j->app, h, CONNECTED, LINECONNECTEDMODE_ACTIVE))
            break;
        req = lineDrop(h, NULL, 0);
        if (!TH_OK(t, req > 0) || !TH_STATE(t, j->app, h, IDLE, 0) ||
            !TH_REPLY(t, j->app, req, 0) || !TH_OK(t, lineDeallocateCall(h) == 0))
            break;
        /* The next call waits until the callback has cleared this one. */
        if (!TH_OK(t, t_sem_wait(j->callee_idle, T_TIMEOUT_MS)))
            break;
    }
    return NULL;
}

TEST_THREADED(callback_keeps_per_call_order_under_concurrency)
{
    static struct cbapp cb2 = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};
    struct cbapp *c = &cb2;
    cb_reset(c, ACT_ANSWER | ACT_DROP | ACT_DEALLOC | ACT_CHECK_ORDER);
    HLINEAPP h = init_hidden_window();
    set_app(c, h);
    HLINE lines[2];
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(sem_init(&c->idle[i], 0, 0), 0);
        CHECK_RC(lineOpen(h, (DWORD)(2 * i + 1), &lines[i], T_API, 0, (DWORD_PTR)c,
                          LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
                 0);
        pthread_mutex_lock(&c->mu);
        c->lines[i] = lines[i];
        pthread_mutex_unlock(&c->mu);
    }
    enum { CYC = 100 };
    static const char *const dests[2] = {"101", "103"};
    tapp callers[2];
    struct caller_job jobs[2];
    pthread_t tid[2];
    for (int i = 0; i < 2; i++) {
        t_init(&callers[i], "caller");
        memset(&jobs[i], 0, sizeof(jobs[i]));
        jobs[i].t.who = "caller";
        jobs[i].app = callers[i].h;
        jobs[i].line = t_open(&callers[i], (DWORD)(2 * i), LINECALLPRIVILEGE_NONE);
        jobs[i].dest = dests[i];
        jobs[i].cycles = CYC;
        jobs[i].callee_idle = &c->idle[i];
        CHECK_EQ(pthread_create(&tid[i], NULL, caller_main, &jobs[i]), 0);
    }
    for (int i = 0; i < 2; i++)
        pthread_join(tid[i], NULL);
    for (int i = 0; i < 2; i++)
        th_report(&jobs[i].t);
    /* Every call the callback got was cleared by it. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += T_TIMEOUT_MS / 1000u;
    pthread_mutex_lock(&c->mu);
    while (c->completed < 2 * CYC && pthread_cond_timedwait(&c->cv, &c->mu, &ts) == 0)
        ;
    unsigned done = c->completed;
    pthread_mutex_unlock(&c->mu);
    CHECK_EQ(done, 2 * CYC);
    CHECK_RC(lineShutdown(h), 0);
    for (int i = 0; i < 2; i++)
        sem_destroy(&c->idle[i]);
    cb_check_threads(c);
    for (int i = 0; i < 2; i++) {
        t_expect_none(&callers[i]);
        t_shutdown(&callers[i]);
    }
}
