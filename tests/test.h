/* The test runner's helpers.  Every test runs through the public API only
 * (tapi.h, opentapi.h), starts from a fresh lineInitializeEx and must leave no
 * application, call, handle or request behind: the runner checks otGetStats()
 * after each test.  Waiting is always on messages, with a timeout that only
 * catches hangs; time-driven behaviour uses the manual clock. */
#ifndef OT_TEST_H
#define OT_TEST_H

#include <semaphore.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "opentapi.h"
#include "tapi.h"

struct ot_test {
    const char *name;
    void (*fn)(void);
    bool threaded; /* also run under ThreadSanitizer (--threaded) */
    struct ot_test *next;
};
void ot_test_register(struct ot_test *t);

#define TEST_(name, thr)                                                                       \
    static void test_##name(void);                                                             \
    static struct ot_test reg_##name = {#name, test_##name, thr, NULL};                        \
    __attribute__((constructor)) static void register_##name(void)                             \
    {                                                                                          \
        ot_test_register(&reg_##name);                                                         \
    }                                                                                          \
    static void test_##name(void)
#define TEST(name) TEST_(name, false)
#define TEST_THREADED(name) TEST_(name, true)

/* ---- assertions: print both sides and abandon the test ---- */
void ot_test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));
#define FAIL(...) ot_test_fail(__FILE__, __LINE__, __VA_ARGS__)
#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond))                                                                           \
            FAIL("CHECK(%s) failed", #cond);                                                   \
    } while (0)
#define CHECK_EQ(a, b)                                                                         \
    do {                                                                                       \
        long long va_ = (long long)(a), vb_ = (long long)(b);                                  \
        if (va_ != vb_)                                                                        \
            FAIL("%s == %s: got %lld (0x%llx), expected %lld (0x%llx)", #a, #b, va_,           \
                 (unsigned long long)va_, vb_, (unsigned long long)vb_);                       \
    } while (0)
/* LONG results: names for LINEERR codes */
#define CHECK_RC(a, b)                                                                         \
    do {                                                                                       \
        LONG ra_ = (LONG)(a), rb_ = (LONG)(b);                                                 \
        if (ra_ != rb_)                                                                        \
            FAIL("%s: got %s (0x%08x), expected %s (0x%08x)", #a, otErrorName(ra_),            \
                 (unsigned)ra_, otErrorName(rb_), (unsigned)rb_);                              \
    } while (0)
#define CHECK_REQ(a)                                                                           \
    do {                                                                                       \
        LONG rq_ = (LONG)(a);                                                                  \
        if (rq_ <= 0)                                                                          \
            FAIL("%s: expected a request id, got %s (0x%08x)", #a, otErrorName(rq_),           \
                 (unsigned)rq_);                                                               \
    } while (0)
#define CHECK_MEM(a, b, n)                                                                     \
    do {                                                                                       \
        if (memcmp((a), (b), (n)))                                                             \
            FAIL("%s and %s differ in their first %zu bytes", #a, #b, (size_t)(n));            \
    } while (0)

/* ---- the library's log (captured per test by the runner) ---- */
/* The records of this test after the last expectation's record contain
 * needle (FAIL otherwise, with what they contain); the records up to the one
 * that matched are consumed, and the test's records are not printed. */
void t_log_expect_(const char *needle, const char *file, int line);
#define T_LOG_EXPECT(needle) t_log_expect_(needle, __FILE__, __LINE__)
/* The records of this test so far (consumed: a test that takes them checks
 * them itself), and forgetting them. */
void t_log_take(char *out, size_t outlen);
void t_log_clear(void);
/* This test's records are expected and checked otherwise: not printed. */
void t_log_quiet(void);

/* ---- applications and messages ---- */
#define T_TIMEOUT_MS 5000u /* only a hang takes this long */
#define T_API 0x00020002u

typedef struct tapp {
    HLINEAPP h;
    int fd;
    DWORD ndevs;
    char name[32];
} tapp;

/* Registers a function the runner calls after every test, before it shuts
 * down the applications a failed test left (a layer's own cleanup, so that
 * one failure does not fail the tests after it).  At most 8. */
void t_at_cleanup(void (*fn)(void));
void t_init(tapp *a, const char *name);         /* lineInitializeEx, USEEVENT */
/* lineShutdown, must succeed.  The last live application of the test first
 * checks that no call, call handle or request is left: every HCALL must have
 * been deallocated (the runner's own check after the test cannot see that,
 * lineShutdown frees them all). */
void t_shutdown_(tapp *a, const char *f, int l);
#define t_shutdown(a) t_shutdown_(a, __FILE__, __LINE__)
/* lineShutdown of an application that still holds calls on purpose. */
void t_shutdown_with_calls_(tapp *a, const char *f, int l);
#define t_shutdown_with_calls(a) t_shutdown_with_calls_(a, __FILE__, __LINE__)
HLINE t_open(tapp *a, DWORD dev, DWORD priv);    /* lineOpen, INTERACTIVEVOICE */
LINEMESSAGE t_next(tapp *a);                     /* next message, fails on timeout */
bool t_poll(tapp *a, LINEMESSAGE *m);            /* a message if one is queued now */
void t_expect_none(tapp *a);                     /* the queue is empty */
/* Next message must be LINE_CALLSTATE for hCall with state and mode. */
void t_expect_state_(tapp *a, HCALL h, DWORD state, DWORD mode, const char *f, int l);
#define t_expect_state(a, h, s, m) t_expect_state_(a, h, s, m, __FILE__, __LINE__)
/* ...with dwParam3 (privilege) too */
void t_expect_state_priv_(tapp *a, HCALL h, DWORD state, DWORD mode, DWORD priv,
                          const char *f, int l);
#define t_expect_state_priv(a, h, s, m, p) t_expect_state_priv_(a, h, s, m, p, __FILE__, __LINE__)
void t_expect_reply_(tapp *a, LONG req, LONG result, const char *f, int l);
#define t_expect_reply(a, r, res) t_expect_reply_(a, r, res, __FILE__, __LINE__)
void t_expect_callinfo_(tapp *a, HCALL h, DWORD states, const char *f, int l);
#define t_expect_callinfo(a, h, s) t_expect_callinfo_(a, h, s, __FILE__, __LINE__)
/* LINE_APPNEWCALL on hLine; returns the new call handle. */
HCALL t_expect_newcall_(tapp *a, HLINE hl, DWORD priv, const char *f, int l);
#define t_expect_newcall(a, hl, p) t_expect_newcall_(a, hl, p, __FILE__, __LINE__)

/* Two applications: "caller" opens device da with no privilege, "callee"
 * opens device db as owner. */
typedef struct tpair {
    tapp a, b;
    HLINE la, lb;
} tpair;
void t_pair_init(tpair *p, DWORD da, DWORD db);
/* Both queues must be empty; then both applications shut down. */
void t_pair_done(tpair *p);
/* The same when the test ends with calls on purpose (shutdown frees them). */
void t_pair_done_with_calls(tpair *p);

/* lineMakeCall with optional UUI in LINECALLPARAMS; waits for the reply. */
HCALL t_make_call(tapp *a, HLINE hl, const char *dest, const void *uui, DWORD len);
/* Offers at the callee: LINE_APPNEWCALL + OFFERING; returns the callee's handle. */
HCALL t_expect_offer(tapp *a, HLINE hl);
/* DIALING, PROCEEDING, RINGBACK: a call reaching a free station. */
void t_expect_ringback_(tapp *a, HCALL h, const char *f, int l);
#define t_expect_ringback(a, h) t_expect_ringback_(a, h, __FILE__, __LINE__)
/* p->a calls dest (UUI in LINECALLPARAMS if uui); the callee app p->b is offered
 * the call (unless hb is NULL: nobody there); both queues are empty after. */
void t_ring(tpair *p, const char *dest, const void *uui, DWORD len, HCALL *ha, HCALL *hb);
/* Caller a on line la calls dest, callee b answers on lb: both CONNECTED, queues empty. */
void t_connect(tapp *a, HLINE la, tapp *b, HLINE lb, const char *dest, HCALL *ha, HCALL *hb);
/* Drop an IDLE-bound call and consume its IDLE + reply; then deallocate. */
void t_drop_idle(tapp *a, HCALL h);

/* The dwCallID of a call (the same for every handle of one call). */
DWORD t_call_id(HCALL h);
/* lineGetNewCalls on line hl must give exactly n monitor handles, one for the
 * call of each owners[i] (matched by dwCallID): out[i]. */
void t_monitor_handles_(HLINE hl, const HCALL *owners, HCALL *out, unsigned n, const char *f,
                        int l);
#define t_monitor_handles(hl, o, out, n) t_monitor_handles_(hl, o, out, n, __FILE__, __LINE__)
/* The next n messages: LINE_CALLINFO(states) exactly once for each of hs[0..n). */
void t_expect_callinfo_each_(tapp *a, const HCALL *hs, unsigned n, DWORD states, const char *f,
                             int l);
#define t_expect_callinfo_each(a, hs, n, s) t_expect_callinfo_each_(a, hs, n, s, __FILE__, __LINE__)

/* Call status and info helpers */
DWORD t_state(HCALL h, DWORD *mode);
/* Received UUI from LINECALLINFO into buf; returns its length. */
DWORD t_uui(HCALL h, void *buf, DWORD size);
/* A string field of LINECALLINFO (e.g. offsetof(LINECALLINFO, dwCallerIDSize)). */
void t_callinfo_str(HCALL h, size_t size_field_offset, char *out, size_t outlen);

/* The whole LINECALLINFO of a call, variable part included. */
typedef union tcallinfo {
    LINECALLINFO ci;
    unsigned char raw[sizeof(LINECALLINFO) + 4096];
} tcallinfo;
void t_callinfo(HCALL h, tcallinfo *u);
/* A string of a size/offset pair of u ("" when empty); checks its terminator. */
const char *t_ci_str(const tcallinfo *u, DWORD size, DWORD offset);
/* LINECALLSTATUS of a call (must succeed). */
void t_status(HCALL h, LINECALLSTATUS *s);

/* Configuration for one test (reset to the default after the test). */
void t_config(const char *text);
/* The default topology with one key of its [sim] section set to value,
 * e.g. t_config_sim("reply_delay_ms", "100"). */
void t_config_sim(const char *key, const char *value);

/* ---- checks on other threads ----
 * FAIL longjmps and must only be used on the test's own thread.  Other threads
 * record their first failure in a struct th and return false; the test thread
 * reports it with th_report() after joining them. */
struct th {
    const char *who;
    char err[320];
};
bool th_fail_(struct th *t, const char *f, int l, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define th_fail(t, ...) th_fail_(t, __FILE__, __LINE__, __VA_ARGS__)
#define TH_OK(t, cond) ((cond) ? true : th_fail((t), "%s", #cond))
void th_report(const struct th *t); /* FAIL with the recorded failure, if any */
/* The next message (lineGetMessage with the hang timeout). */
bool th_get_(struct th *t, HLINEAPP app, LINEMESSAGE *m, const char *f, int l);
#define th_get(t, app, m) th_get_(t, app, m, __FILE__, __LINE__)
/* The next message must be id for hDevice dev with dwParam1/dwParam2. */
bool th_expect_(struct th *t, HLINEAPP app, DWORD id, DWORD dev, DWORD_PTR p1, DWORD_PTR p2,
                const char *f, int l);
#define TH_STATE(t, app, h, s, mode)                                                           \
    th_expect_(t, app, LINE_CALLSTATE, h, LINECALLSTATE_##s, mode, __FILE__, __LINE__)
#define TH_REPLY(t, app, req, res)                                                             \
    th_expect_(t, app, LINE_REPLY, 0, (DWORD_PTR)(req), (DWORD_PTR)(LONG)(res), __FILE__,      \
               __LINE__)
#define TH_INFO(t, app, h, bits) th_expect_(t, app, LINE_CALLINFO, h, bits, 0, __FILE__, __LINE__)
/* lineInitializeEx (USEEVENT) and lineOpen without assertions, for threads. */
LONG th_init(HLINEAPP *h, const char *name);
LONG th_open(HLINEAPP app, DWORD dev, DWORD priv, HLINE *hl);
/* Wait for a semaphore at most ms milliseconds. */
bool t_sem_wait(sem_t *s, unsigned ms);

#endif
