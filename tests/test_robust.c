/* Robustness of handles: a freed handle value is not handed out again for a
 * long time (docs/design.md: not before 67,108,864 allocations of its type, a
 * slot not before 65,536), and the core can tell whose handle a value is. */
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
