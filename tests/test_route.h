/* Helpers of the routing tests (tests/test_route*.c): forward lists,
 * LINEADDRESSSTATUS, LINECALLINFO strings, and four stations 100..103 each
 * opened by its own owner application.  Public headers only. */
#ifndef OT_TEST_ROUTE_H
#define OT_TEST_ROUTE_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "test.h"

/* ---- helpers ---- */
#define FWD_STRINGS (offsetof(LINEFORWARDLIST, ForwardList) + 8 * sizeof(LINEFORWARD))
typedef struct {
    union {
        LINEFORWARDLIST fl;
        unsigned char raw[1024];
    } u;
    DWORD at; /* next free byte for strings */
} tfwd;

static inline void fwd_init(tfwd *f)
{
    memset(f, 0, sizeof(*f));
    f->u.fl.dwTotalSize = sizeof(f->u);
    f->at = FWD_STRINGS;
}

static inline DWORD fwd_str(tfwd *f, const char *s, DWORD *off)
{
    DWORD n = (DWORD)strlen(s) + 1;
    CHECK(f->at + n <= sizeof(f->u));
    memcpy(f->u.raw + f->at, s, n);
    *off = f->at;
    f->at += n;
    return n;
}

/* Entry i of the list (written through a copy: ForwardList is declared [1]). */
static inline void fwd_set(tfwd *f, DWORD i, const LINEFORWARD *e)
{
    memcpy(f->u.raw + offsetof(LINEFORWARDLIST, ForwardList) + i * sizeof(LINEFORWARD), e,
           sizeof(*e));
}

static inline void fwd_add(tfwd *f, DWORD mode, const char *dest, const char *caller)
{
    LINEFORWARD e;
    memset(&e, 0, sizeof(e));
    e.dwForwardMode = mode;
    if (dest)
        e.dwDestAddressSize = fwd_str(f, dest, &e.dwDestAddressOffset);
    if (caller)
        e.dwCallerAddressSize = fwd_str(f, caller, &e.dwCallerAddressOffset);
    CHECK(f->u.fl.dwNumEntries < 8);
    fwd_set(f, f->u.fl.dwNumEntries++, &e);
}

/* lineForward that succeeds: reply, no consultation call. */
static inline void forward_ok(tapp *a, HLINE hl, const tfwd *f, DWORD rings)
{
    HCALL consult = (HCALL)0x1234;
    LONG req = lineForward(hl, TRUE, 0, f ? (LPLINEFORWARDLIST)(void *)&f->u.fl : NULL, rings,
                           &consult, NULL);
    CHECK_REQ(req);
    t_expect_reply(a, req, 0);
    CHECK_EQ(consult, 0); /* the switch needs no consultation call */
}

static inline void expect_addrstate(tapp *a, HLINE hl, DWORD state)
{
    LINEMESSAGE m = t_next(a);
    CHECK_EQ(m.dwMessageID, LINE_ADDRESSSTATE);
    CHECK_EQ(m.hDevice, hl);
    CHECK_EQ(m.dwParam1, 0);
    CHECK_EQ(m.dwParam2, state);
}

typedef union {
    LINEADDRESSSTATUS as;
    unsigned char raw[2048];
} tas;

static inline void addr_status(HLINE hl, tas *u)
{
    memset(u, 0, sizeof(*u));
    u->as.dwTotalSize = sizeof(*u);
    CHECK_RC(lineGetAddressStatus(hl, 0, &u->as), 0);
}

static inline LINEFORWARD status_entry(const tas *u, DWORD i)
{
    LINEFORWARD e;
    CHECK(i < u->as.dwForwardNumEntries);
    CHECK_EQ(u->as.dwForwardSize >= (i + 1) * sizeof(LINEFORWARD), 1);
    memcpy(&e, u->raw + u->as.dwForwardOffset + i * sizeof(LINEFORWARD), sizeof(e));
    return e;
}

static inline const char *status_str(const tas *u, DWORD size, DWORD off)
{
    CHECK(size > 0 && off + size <= u->as.dwUsedSize);
    CHECK_EQ(u->raw[off + size - 1], 0);
    return (const char *)u->raw + off;
}

static inline const char *ci_str(HCALL h, size_t size_field, tcallinfo *u)
{
    t_callinfo(h, u);
    DWORD size, off;
    memcpy(&size, u->raw + size_field, sizeof(size));
    memcpy(&off, u->raw + size_field + sizeof(DWORD), sizeof(off));
    return t_ci_str(u, size, off);
}

/* Four stations 100..103, each opened by its own owner application. */
typedef struct {
    tapp app[4];
    HLINE l[4];
} four;

static inline void four_init(four *f, unsigned n)
{
    static const char *names[] = {"s100", "s101", "s102", "s103"};
    for (unsigned i = 0; i < n; i++) {
        t_init(&f->app[i], names[i]);
        f->l[i] = t_open(&f->app[i], i, LINECALLPRIVILEGE_OWNER);
    }
}

static inline void four_done(four *f, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        t_shutdown(&f->app[i]);
}

/* app[from] calls dest: reply, DIALING, PROCEEDING (the rest is the test's). */
static inline HCALL dial(four *f, unsigned from, const char *dest)
{
    HCALL h = t_make_call(&f->app[from], f->l[from], dest, NULL, 0);
    t_expect_state(&f->app[from], h, LINECALLSTATE_DIALING, 0);
    t_expect_state(&f->app[from], h, LINECALLSTATE_PROCEEDING, 0);
    return h;
}

static inline void answer(tapp *a, HCALL h)
{
    LONG req = lineAnswer(h, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(a, req, 0);
}

/* Both ends of a connected call hang up: x drops, y sees DISCONNECTED and drops. */
static inline void hang_up(tapp *x, HCALL hx, tapp *y, HCALL hy)
{
    t_drop_idle(x, hx);
    t_expect_state(y, hy, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(y, hy);
}

static inline void connect_pair(four *f, unsigned x, unsigned y, HCALL *hx, HCALL *hy)
{
    char num[8];
    snprintf(num, sizeof(num), "%u", 100 + y);
    t_connect(&f->app[x], f->l[x], &f->app[y], f->l[y], num, hx, hy);
}

typedef union {
    VARSTRING v;
    unsigned char raw[sizeof(VARSTRING) + 64];
} tvs;

#endif
