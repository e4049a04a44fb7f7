/* The test runner's helpers.  Every test runs through the public API only
 * (tapi.h, opentapi.h), starts from a fresh lineInitializeEx and must leave no
 * application, call, handle or request behind: the runner checks otGetStats()
 * after each test.  Waiting is always on messages, with a timeout that only
 * catches hangs; time-driven behaviour uses the manual clock. */
#ifndef OT_TEST_H
#define OT_TEST_H

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

/* ---- applications and messages ---- */
#define T_TIMEOUT_MS 5000u /* only a hang takes this long */
#define T_API 0x00020002u

typedef struct tapp {
    HLINEAPP h;
    int fd;
    DWORD ndevs;
    char name[32];
} tapp;

void t_init(tapp *a, const char *name);         /* lineInitializeEx, USEEVENT */
void t_shutdown(tapp *a);                        /* lineShutdown, must succeed */
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

/* lineMakeCall with optional UUI in LINECALLPARAMS; waits for the reply. */
HCALL t_make_call(tapp *a, HLINE hl, const char *dest, const void *uui, DWORD len);
/* Offers at the callee: LINE_APPNEWCALL + OFFERING; returns the callee's handle. */
HCALL t_expect_offer(tapp *a, HLINE hl);
/* Caller a on line la calls dest, callee b answers on lb: both CONNECTED, queues empty. */
void t_connect(tapp *a, HLINE la, tapp *b, HLINE lb, const char *dest, HCALL *ha, HCALL *hb);
/* Drop an IDLE-bound call and consume its IDLE + reply; then deallocate. */
void t_drop_idle(tapp *a, HCALL h);

/* Call status and info helpers */
DWORD t_state(HCALL h, DWORD *mode);
/* Received UUI from LINECALLINFO into buf; returns its length. */
DWORD t_uui(HCALL h, void *buf, DWORD size);
/* A string field of LINECALLINFO (e.g. offsetof(LINECALLINFO, dwCallerIDSize)). */
void t_callinfo_str(HCALL h, size_t size_field_offset, char *out, size_t outlen);

/* Configuration for one test (reset to the default after the test). */
void t_config(const char *text);

#endif
