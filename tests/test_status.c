/* Status messages and status functions through the public API:
 * LINE_ADDRESSSTATE (INUSEZERO / INUSEONE, NUMCALLS) and LINE_LINEDEVSTATE
 * (NUMCALLS, OPEN / CLOSE, RINGING, MSGWAITON / MSGWAITOFF, LOCK), each only
 * to the opens that enabled it with lineSetStatusMessages, and agreeing with
 * LINEADDRESSSTATUS / LINEDEVSTATUS; lineSetLineDevStatus; lineOpen(LINEMAPPER). */
#include "test.h"

#define INUSE (LINEADDRESSSTATE_INUSEZERO | LINEADDRESSSTATE_INUSEONE)

static void expect_msg_(tapp *a, DWORD id, DWORD dev, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3,
                        const char *f, int l)
{
    LINEMESSAGE m = t_next(a);
    if (m.dwMessageID != id || m.hDevice != dev || m.dwParam1 != p1 || m.dwParam2 != p2 ||
        m.dwParam3 != p3)
        ot_test_fail(f, l,
                     "%s: expected message %u dev %#x (%#lx, %#lx, %#lx), got %u dev %#lx "
                     "(%#lx, %#lx, %#lx)",
                     a->name, (unsigned)id, (unsigned)dev, (unsigned long)p1, (unsigned long)p2,
                     (unsigned long)p3, (unsigned)m.dwMessageID, (unsigned long)m.hDevice,
                     (unsigned long)m.dwParam1, (unsigned long)m.dwParam2,
                     (unsigned long)m.dwParam3);
}
#define expect_addr(a, hl, st) \
    expect_msg_(a, LINE_ADDRESSSTATE, hl, 0, st, 0, __FILE__, __LINE__)
#define expect_dev(a, hl, st, p2, p3) \
    expect_msg_(a, LINE_LINEDEVSTATE, hl, st, p2, p3, __FILE__, __LINE__)

static void addr_status(HLINE hl, DWORD *active, DWORD *held, DWORD *inuse)
{
    LINEADDRESSSTATUS as;
    memset(&as, 0, sizeof(as));
    as.dwTotalSize = sizeof(as);
    CHECK_RC(lineGetAddressStatus(hl, 0, &as), 0);
    *active = as.dwNumActiveCalls;
    *held = as.dwNumOnHoldCalls;
    *inuse = as.dwNumInUse;
}

static void dev_status(HLINE hl, LINEDEVSTATUS *ds)
{
    memset(ds, 0, sizeof(*ds));
    ds->dwTotalSize = sizeof(*ds);
    CHECK_RC(lineGetLineDevStatus(hl, ds), 0);
}

#define CHECK_COUNTS(hl, act, hld, use)                                                        \
    do {                                                                                       \
        DWORD a_, h_, u_;                                                                      \
        LINEDEVSTATUS ds_;                                                                     \
        addr_status(hl, &a_, &h_, &u_);                                                        \
        CHECK_EQ(a_, act);                                                                     \
        CHECK_EQ(h_, hld);                                                                     \
        CHECK_EQ(u_, use);                                                                     \
        dev_status(hl, &ds_);                                                                  \
        CHECK_EQ(ds_.dwNumActiveCalls, act);                                                   \
        CHECK_EQ(ds_.dwNumOnHoldCalls, hld);                                                   \
    } while (0)

/* A call's life at station 103 as its owner (INUSE only) and a monitor
 * (INUSE, NUMCALLS and the line's NUMCALLS) see it; the caller's line, which
 * enabled nothing, hears no status at all. */
TEST(status_address_states_follow_the_calls)
{
    tpair p;
    t_pair_init(&p, 0, 3);
    tapp m;
    t_init(&m, "monitor");
    HLINE lm = t_open(&m, 3, LINECALLPRIVILEGE_MONITOR);
    CHECK_RC(lineSetStatusMessages(lm, LINEDEVSTATE_NUMCALLS,
                                   INUSE | LINEADDRESSSTATE_NUMCALLS),
             0);
    CHECK_RC(lineSetStatusMessages(p.lb, 0, INUSE), 0);
    DWORD ls = 0, as = 0;
    CHECK_RC(lineGetStatusMessages(lm, &ls, &as), 0);
    CHECK_EQ(ls, LINEDEVSTATE_NUMCALLS);
    CHECK_EQ(as, INUSE | LINEADDRESSSTATE_NUMCALLS);
    CHECK_COUNTS(p.lb, 0, 0, 0);

    /* Offered: one active call, the station not in use yet. */
    HCALL ha, hb;
    t_ring(&p, "103", NULL, 0, &ha, &hb);
    HCALL hm = t_expect_newcall(&m, lm, LINECALLPRIVILEGE_MONITOR);
    t_expect_state_priv(&m, hm, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE,
                        LINECALLPRIVILEGE_MONITOR);
    expect_addr(&m, lm, LINEADDRESSSTATE_NUMCALLS);
    expect_dev(&m, lm, LINEDEVSTATE_NUMCALLS, 0, 0);
    t_expect_none(&m);
    CHECK_COUNTS(p.lb, 1, 0, 0);

    /* Answered: in use, the number of calls the same. */
    LONG req = lineAnswer(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&p.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&p.b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    expect_addr(&p.b, p.lb, LINEADDRESSSTATE_INUSEONE);
    t_expect_reply(&p.b, req, 0);
    t_expect_state(&m, hm, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    expect_addr(&m, lm, LINEADDRESSSTATE_INUSEONE);
    t_expect_none(&m);
    CHECK_COUNTS(p.lb, 1, 0, 1);

    /* On hold: one held call instead of an active one; still in use. */
    req = lineHold(hb);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_ONHOLD, 0);
    t_expect_reply(&p.b, req, 0);
    t_expect_state(&m, hm, LINECALLSTATE_ONHOLD, 0);
    expect_addr(&m, lm, LINEADDRESSSTATE_NUMCALLS);
    expect_dev(&m, lm, LINEDEVSTATE_NUMCALLS, 0, 0);
    CHECK_COUNTS(p.lb, 0, 1, 1);
    req = lineUnhold(hb);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&p.b, req, 0);
    t_expect_state(&m, hm, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    expect_addr(&m, lm, LINEADDRESSSTATE_NUMCALLS);
    expect_dev(&m, lm, LINEDEVSTATE_NUMCALLS, 0, 0);
    CHECK_COUNTS(p.lb, 1, 0, 1);

    /* The caller hangs up: DISCONNECTED is still a call of the station. */
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&m, hm, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_none(&m);
    CHECK_COUNTS(p.lb, 1, 0, 1);
    /* IDLE: no call, not in use. */
    req = lineDrop(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    expect_addr(&p.b, p.lb, LINEADDRESSSTATE_INUSEZERO);
    t_expect_reply(&p.b, req, 0);
    t_expect_state(&m, hm, LINECALLSTATE_IDLE, 0);
    expect_addr(&m, lm, LINEADDRESSSTATE_NUMCALLS | LINEADDRESSSTATE_INUSEZERO);
    expect_dev(&m, lm, LINEDEVSTATE_NUMCALLS, 0, 0);
    CHECK_COUNTS(p.lb, 0, 0, 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    CHECK_RC(lineDeallocateCall(hm), 0);

    /* Filters: states the line does not report are refused; 0 turns them off. */
    CHECK_RC(lineSetStatusMessages(lm, LINEDEVSTATE_BATTERY, 0), LINEERR_INVALLINESTATE);
    CHECK_RC(lineSetStatusMessages(lm, 0, LINEADDRESSSTATE_FORWARD), LINEERR_INVALADDRESSSTATE);
    CHECK_RC(lineSetStatusMessages(0, 0, 0), LINEERR_INVALLINEHANDLE);
    CHECK_RC(lineSetStatusMessages(lm, 0, 0), 0);
    t_ring(&p, "103", NULL, 0, &ha, &hb);
    hm = t_expect_newcall(&m, lm, LINECALLPRIVILEGE_MONITOR);
    t_expect_state_priv(&m, hm, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE,
                        LINECALLPRIVILEGE_MONITOR);
    t_expect_none(&m); /* no status any more */
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0); /* an abandoned offer disappears */
    t_expect_state(&m, hm, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    CHECK_RC(lineDeallocateCall(hm), 0);
    t_expect_none(&m);
    t_shutdown(&m);
    t_pair_done(&p);
}

/* LINEDEVSTATE_OPEN / CLOSE: another application opened / closed the line. */
TEST(status_open_and_close_reach_the_other_applications)
{
    tapp a, b, c;
    t_init(&a, "watcher");
    t_init(&b, "other");
    t_init(&c, "third");
    HLINE la = t_open(&a, 1, LINECALLPRIVILEGE_NONE);
    CHECK_RC(lineSetStatusMessages(la, LINEDEVSTATE_OPEN | LINEDEVSTATE_CLOSE, 0), 0);
    /* The watcher's own second open is not "another application". */
    HLINE la2 = t_open(&a, 1, LINECALLPRIVILEGE_MONITOR);
    t_expect_none(&a);
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    expect_dev(&a, la, LINEDEVSTATE_OPEN, 0, 0);
    t_expect_none(&a);
    CHECK_RC(lineSetStatusMessages(lb, LINEDEVSTATE_CLOSE, 0), 0);
    HLINE lc = t_open(&c, 1, LINECALLPRIVILEGE_NONE);
    expect_dev(&a, la, LINEDEVSTATE_OPEN, 0, 0);
    t_expect_none(&b); /* b did not enable OPEN */
    LINEDEVSTATUS ds;
    dev_status(la, &ds);
    CHECK_EQ(ds.dwNumOpens, 4);
    /* An open of another line is no business of this one. */
    HLINE lc2 = t_open(&c, 2, LINECALLPRIVILEGE_NONE);
    t_expect_none(&a);
    CHECK_RC(lineClose(lc2), 0);
    t_expect_none(&a);
    CHECK_RC(lineClose(lc), 0);
    expect_dev(&a, la, LINEDEVSTATE_CLOSE, 0, 0);
    expect_dev(&b, lb, LINEDEVSTATE_CLOSE, 0, 0);
    /* The watcher closes its second open: b hears of it; then its shutdown
     * closes the first. */
    CHECK_RC(lineClose(la2), 0);
    expect_dev(&b, lb, LINEDEVSTATE_CLOSE, 0, 0);
    t_expect_none(&a);
    t_shutdown(&a);
    expect_dev(&b, lb, LINEDEVSTATE_CLOSE, 0, 0);
    dev_status(lb, &ds);
    CHECK_EQ(ds.dwNumOpens, 1);
    t_expect_none(&b);
    t_expect_none(&c);
    t_shutdown(&b);
    t_shutdown(&c);
}

/* What the line announces: LINEDEVCAPS.dwLineStates and dwSettableDevStatus,
 * LINEADDRESSCAPS.dwAddressStates; lineSetStatusMessages accepts exactly those. */
TEST(status_capabilities_announce_the_messages)
{
    tapp a;
    t_init(&a, "caps");
    union {
        LINEDEVCAPS dc;
        LINEADDRESSCAPS ac;
        unsigned char raw[4096];
    } u;
    memset(&u, 0, sizeof(u));
    u.dc.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetDevCaps(a.h, 0, T_API, 0, &u.dc), 0);
    CHECK_EQ(u.dc.dwLineStates,
             LINEDEVSTATE_RINGING | LINEDEVSTATE_MSGWAITON | LINEDEVSTATE_MSGWAITOFF |
                 LINEDEVSTATE_OPEN | LINEDEVSTATE_CLOSE | LINEDEVSTATE_NUMCALLS |
                 LINEDEVSTATE_REINIT | LINEDEVSTATE_LOCK);
    CHECK_EQ(u.dc.dwSettableDevStatus, LINEDEVSTATUSFLAGS_MSGWAIT | LINEDEVSTATUSFLAGS_LOCKED);
    CHECK(u.dc.dwLineFeatures & LINEFEATURE_SETDEVSTATUS);
    CHECK_EQ(u.dc.dwRingModes, 1);
    memset(&u, 0, sizeof(u));
    u.ac.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetAddressCaps(a.h, 0, 0, T_API, 0, &u.ac), 0);
    CHECK_EQ(u.ac.dwAddressStates, INUSE | LINEADDRESSSTATE_INUSEMANY |
                                       LINEADDRESSSTATE_NUMCALLS);
    HLINE hl = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    CHECK_RC(lineSetStatusMessages(hl, 0x01FFFFFFu & ~(DWORD)(LINEDEVSTATE_CONNECTED |
                                                            LINEDEVSTATE_DISCONNECTED |
                                                            LINEDEVSTATE_INSERVICE),
                                   0),
             LINEERR_INVALLINESTATE);
    CHECK_RC(lineSetStatusMessages(hl,
                                   LINEDEVSTATE_RINGING | LINEDEVSTATE_MSGWAITON |
                                       LINEDEVSTATE_MSGWAITOFF | LINEDEVSTATE_LOCK |
                                       LINEDEVSTATE_OTHER | LINEDEVSTATE_OPEN |
                                       LINEDEVSTATE_CLOSE | LINEDEVSTATE_NUMCALLS |
                                       LINEDEVSTATE_REINIT,
                                   INUSE | LINEADDRESSSTATE_INUSEMANY |
                                       LINEADDRESSSTATE_NUMCALLS | LINEADDRESSSTATE_OTHER),
             0);
    CHECK_RC(lineSetStatusMessages(hl, LINEDEVSTATE_INSERVICE, 0), LINEERR_INVALLINESTATE);
    CHECK_RC(lineSetStatusMessages(hl, 0, LINEADDRESSSTATE_CAPSCHANGE),
             LINEERR_INVALADDRESSSTATE);
    LINEDEVSTATUS ds;
    dev_status(hl, &ds);
    CHECK(ds.dwLineFeatures & LINEFEATURE_SETDEVSTATUS);
    CHECK_EQ(ds.dwDevStatusFlags, LINEDEVSTATUSFLAGS_CONNECTED | LINEDEVSTATUSFLAGS_INSERVICE);
    t_shutdown(&a);
}

/* lineSetLineDevStatus on the switch: the message-waiting lamp and the lock
 * of a station; the change reaches every open that enabled its state, the
 * requester's included, then the reply; no change, no message. */
TEST(status_set_line_dev_status_msgwait_and_lock)
{
    tapp a, b, c;
    t_init(&a, "setter");
    t_init(&b, "watcher");
    t_init(&c, "deaf");
    HLINE la = t_open(&a, 2, LINECALLPRIVILEGE_NONE);
    HLINE lb = t_open(&b, 2, LINECALLPRIVILEGE_MONITOR);
    HLINE lc = t_open(&c, 2, LINECALLPRIVILEGE_OWNER);
    CHECK_RC(lineSetStatusMessages(lb, LINEDEVSTATE_MSGWAITON | LINEDEVSTATE_MSGWAITOFF |
                                           LINEDEVSTATE_LOCK,
                                   0),
             0);
    CHECK_RC(lineSetStatusMessages(la, LINEDEVSTATE_LOCK, 0), 0);

    LONG req = lineSetLineDevStatus(la, LINEDEVSTATUSFLAGS_MSGWAIT, TRUE);
    CHECK_REQ(req);
    t_expect_reply(&a, req, 0);
    expect_dev(&b, lb, LINEDEVSTATE_MSGWAITON, 0, 0);
    t_expect_none(&c);
    LINEDEVSTATUS ds;
    dev_status(lc, &ds);
    CHECK_EQ(ds.dwDevStatusFlags, LINEDEVSTATUSFLAGS_CONNECTED | LINEDEVSTATUSFLAGS_INSERVICE |
                                      LINEDEVSTATUSFLAGS_MSGWAIT);
    /* Already on: nothing changes, only the reply. */
    req = lineSetLineDevStatus(lc, LINEDEVSTATUSFLAGS_MSGWAIT, 5);
    CHECK_REQ(req);
    t_expect_reply(&c, req, 0);
    t_expect_none(&b);
    /* Both at once: one message, each open sees the part it enabled. */
    req = lineSetLineDevStatus(lb, LINEDEVSTATUSFLAGS_MSGWAIT | LINEDEVSTATUSFLAGS_LOCKED, FALSE);
    CHECK_REQ(req);
    expect_dev(&b, lb, LINEDEVSTATE_MSGWAITOFF, 0, 0);
    t_expect_reply(&b, req, 0);
    t_expect_none(&a); /* LOCKED was not set: no LOCK */
    req = lineSetLineDevStatus(lc, LINEDEVSTATUSFLAGS_LOCKED, TRUE);
    CHECK_REQ(req);
    t_expect_reply(&c, req, 0);
    expect_dev(&a, la, LINEDEVSTATE_LOCK, 0, 0);
    expect_dev(&b, lb, LINEDEVSTATE_LOCK, 0, 0);
    dev_status(la, &ds);
    CHECK_EQ(ds.dwDevStatusFlags, LINEDEVSTATUSFLAGS_CONNECTED | LINEDEVSTATUSFLAGS_INSERVICE |
                                      LINEDEVSTATUSFLAGS_LOCKED);
    /* The status is the line's, not the open's: another line is untouched. */
    HLINE la3 = t_open(&a, 3, LINECALLPRIVILEGE_NONE);
    dev_status(la3, &ds);
    CHECK_EQ(ds.dwDevStatusFlags, LINEDEVSTATUSFLAGS_CONNECTED | LINEDEVSTATUSFLAGS_INSERVICE);
    /* Not settable here, or nothing to set: LINEERR_INVALPARAM, no reply. */
    CHECK_RC(lineSetLineDevStatus(la, LINEDEVSTATUSFLAGS_INSERVICE, FALSE), LINEERR_INVALPARAM);
    CHECK_RC(lineSetLineDevStatus(la, LINEDEVSTATUSFLAGS_CONNECTED, TRUE), LINEERR_INVALPARAM);
    CHECK_RC(lineSetLineDevStatus(la, LINEDEVSTATUSFLAGS_LOCKED | 0x100, TRUE),
             LINEERR_INVALPARAM);
    CHECK_RC(lineSetLineDevStatus(la, 0, TRUE), LINEERR_INVALPARAM);
    CHECK_RC(lineSetLineDevStatus(0, LINEDEVSTATUSFLAGS_LOCKED, TRUE), LINEERR_INVALLINEHANDLE);
    /* Unlocked again (the line keeps its status while the library runs). */
    req = lineSetLineDevStatus(la, LINEDEVSTATUSFLAGS_LOCKED, FALSE);
    CHECK_REQ(req);
    expect_dev(&a, la, LINEDEVSTATE_LOCK, 0, 0);
    t_expect_reply(&a, req, 0);
    expect_dev(&b, lb, LINEDEVSTATE_LOCK, 0, 0);
    dev_status(lb, &ds);
    CHECK_EQ(ds.dwDevStatusFlags, LINEDEVSTATUSFLAGS_CONNECTED | LINEDEVSTATUSFLAGS_INSERVICE);
    CHECK_RC(lineClose(la3), 0);
    t_expect_none(&a);
    t_expect_none(&b);
    t_expect_none(&c);
    t_shutdown(&a);
    t_shutdown(&b);
    t_shutdown(&c);
}

/* The switch rings an offered call on the library clock: LINEDEVSTATE_RINGING
 * (ring mode 1, count from 0) at the offer and every ring_ms (6 s), at every
 * station of the number, to the opens that enabled it, until answered. */
TEST(status_ringing_on_the_switch_clock)
{
    CHECK_RC(otClockSetManual(TRUE), 0);
    tpair p;
    t_pair_init(&p, 0, 8); /* 200, bridged-shared on devices 8 and 9 */
    tapp w;
    t_init(&w, "second-station");
    HLINE lw = t_open(&w, 9, LINECALLPRIVILEGE_OWNER);
    CHECK_RC(lineSetStatusMessages(p.lb, LINEDEVSTATE_RINGING, 0), 0);
    CHECK_RC(lineSetStatusMessages(lw, LINEDEVSTATE_RINGING, 0), 0);
    CHECK_RC(lineSetStatusMessages(p.la, LINEDEVSTATE_RINGING, 0), 0); /* the caller's: silent */
    HCALL ha = t_make_call(&p.a, p.la, "200", NULL, 0);
    t_expect_ringback(&p.a, ha);
    HCALL hb = t_expect_offer(&p.b, p.lb);
    expect_dev(&p.b, p.lb, LINEDEVSTATE_RINGING, 1, 0);
    HCALL hw = t_expect_offer(&w, lw);
    expect_dev(&w, lw, LINEDEVSTATE_RINGING, 1, 0);
    t_expect_none(&p.a);
    CHECK_RC(otClockAdvance(5999), 0);
    t_expect_none(&p.b);
    t_expect_none(&w);
    CHECK_RC(otClockAdvance(1), 0);
    expect_dev(&p.b, p.lb, LINEDEVSTATE_RINGING, 1, 1);
    expect_dev(&w, lw, LINEDEVSTATE_RINGING, 1, 1);
    /* One station stops listening: the other still hears every ring. */
    CHECK_RC(lineSetStatusMessages(lw, 0, 0), 0);
    CHECK_RC(otClockAdvance(6000), 0);
    expect_dev(&p.b, p.lb, LINEDEVSTATE_RINGING, 1, 2);
    t_expect_none(&w);
    /* Answered at 200 (device 8): no more rings. */
    LONG req = lineAnswer(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&p.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    LINEMESSAGE mm;
    while (t_poll(&p.b, &mm)) /* CONNECTED, the reply */
        CHECK(mm.dwMessageID != LINE_LINEDEVSTATE);
    while (t_poll(&w, &mm))
        CHECK(mm.dwMessageID != LINE_LINEDEVSTATE);
    CHECK_RC(otClockAdvance(60000), 0);
    t_expect_none(&p.b);
    t_expect_none(&w);
    t_expect_none(&p.a);
    (void)hw;
    t_shutdown_with_calls(&w); /* the call goes with the applications */
    t_shutdown_with_calls(&p.b);
    t_shutdown_with_calls(&p.a);
}

/* An offer nobody answers rings until the switch's no-answer time; the ring
 * cycle from [sim] ring_ms. */
TEST(status_ringing_stops_when_the_caller_gives_up)
{
    t_config("[sim]\nring_ms = 1000\nno_answer_ms = 3500\n"
             "[line]\nname = A\nnumber = 100\n[line]\nname = B\nnumber = 104\n");
    CHECK_RC(otClockSetManual(TRUE), 0);
    tpair p;
    t_pair_init(&p, 0, 1);
    CHECK_RC(lineSetStatusMessages(p.lb, LINEDEVSTATE_RINGING, 0), 0);
    HCALL ha, hb;
    ha = t_make_call(&p.a, p.la, "104", NULL, 0);
    t_expect_ringback(&p.a, ha);
    hb = t_expect_offer(&p.b, p.lb);
    expect_dev(&p.b, p.lb, LINEDEVSTATE_RINGING, 1, 0);
    for (DWORD i = 1; i <= 3; i++) {
        CHECK_RC(otClockAdvance(1000), 0);
        expect_dev(&p.b, p.lb, LINEDEVSTATE_RINGING, 1, i);
    }
    t_expect_none(&p.b);
    /* 3.5 s: the switch gives up (no answer); the offer disappears, the ringing stops. */
    CHECK_RC(otClockAdvance(500), 0);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NOANSWER);
    CHECK_RC(otClockAdvance(5000), 0);
    t_expect_none(&p.b);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_drop_idle(&p.a, ha);
    t_pair_done(&p);
}

static HLINE mapper_open(tapp *a, DWORD priv, DWORD media, const LINECALLPARAMS *cp, LONG want)
{
    HLINE hl = 0;
    CHECK_RC(lineOpen(a->h, LINEMAPPER, &hl, T_API, 0, 0, priv, media,
                      (LPLINECALLPARAMS)(uintptr_t)cp),
             want);
    return hl;
}

static DWORD line_id(HLINE hl)
{
    union {
        VARSTRING v;
        unsigned char raw[sizeof(VARSTRING) + 16];
    } u;
    memset(&u, 0, sizeof(u));
    u.v.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetID(hl, 0, 0, LINECALLSELECT_LINE, &u.v, "tapi/line"), 0);
    CHECK_EQ(u.v.dwStringSize, sizeof(DWORD));
    DWORD id;
    memcpy(&id, u.raw + u.v.dwStringOffset, sizeof(id));
    return id;
}

/* lineOpen(LINEMAPPER): the first line that supports the media modes and the
 * LINECALLPARAMS; lineGetID("tapi/line") names it. */
TEST(status_linemapper_opens_the_first_fitting_line)
{
    tapp a, w;
    t_init(&a, "mapper");
    t_init(&w, "watcher");
    union {
        LINECALLPARAMS cp;
        unsigned char raw[sizeof(LINECALLPARAMS) + 64];
    } u;
    HLINE hl = mapper_open(&a, LINECALLPRIVILEGE_NONE, LINEMEDIAMODE_INTERACTIVEVOICE, NULL, 0);
    CHECK_EQ(line_id(hl), 0);
    /* By address: the line whose number is dwOrigAddress. */
    HLINE lw = t_open(&w, 5, LINECALLPRIVILEGE_NONE);
    CHECK_RC(lineSetStatusMessages(lw, LINEDEVSTATE_OPEN, 0), 0);
    memset(&u, 0, sizeof(u));
    u.cp.dwTotalSize = sizeof(u);
    u.cp.dwBearerMode = LINEBEARERMODE_VOICE;
    u.cp.dwMediaMode = LINEMEDIAMODE_INTERACTIVEVOICE;
    u.cp.dwMaxRate = 64000;
    u.cp.dwAddressMode = LINEADDRESSMODE_DIALABLEADDR;
    u.cp.dwOrigAddressSize = 4;
    u.cp.dwOrigAddressOffset = sizeof(LINECALLPARAMS);
    memcpy(u.raw + sizeof(LINECALLPARAMS), "105", 4);
    HLINE h5 = mapper_open(&a, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_INTERACTIVEVOICE, &u.cp, 0);
    CHECK_EQ(line_id(h5), 5);
    expect_dev(&w, lw, LINEDEVSTATE_OPEN, 0, 0);
    /* It is a real open: a call to 105 is offered to it. */
    HCALL hw = 0;
    LONG req = lineMakeCall(hl, &hw, "105", 0, NULL);
    CHECK_REQ(req);
    t_expect_reply(&a, req, 0);
    t_expect_state(&a, hw, LINECALLSTATE_DIALING, 0);
    t_expect_state(&a, hw, LINECALLSTATE_PROCEEDING, 0);
    HCALL h105 = t_expect_offer(&a, h5);
    t_expect_state(&a, hw, LINECALLSTATE_RINGBACK, 0);
    req = lineDrop(hw, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&a, hw, LINECALLSTATE_IDLE, 0);
    t_expect_state(&a, h105, LINECALLSTATE_IDLE, 0); /* the abandoned offer */
    t_expect_reply(&a, req, 0);
    CHECK_RC(lineDeallocateCall(hw), 0);
    CHECK_RC(lineDeallocateCall(h105), 0);
    /* Nothing fits: LINEERR_LINEMAPPERFAILED. */
    memcpy(u.raw + sizeof(LINECALLPARAMS), "999", 4);
    mapper_open(&a, LINECALLPRIVILEGE_NONE, 0, &u.cp, LINEERR_LINEMAPPERFAILED);
    u.cp.dwAddressMode = LINEADDRESSMODE_ADDRESSID;
    u.cp.dwAddressID = 1; /* one address per line */
    mapper_open(&a, LINECALLPRIVILEGE_NONE, 0, &u.cp, LINEERR_LINEMAPPERFAILED);
    u.cp.dwAddressID = 0;
    u.cp.dwBearerMode = LINEBEARERMODE_DATA;
    mapper_open(&a, LINECALLPRIVILEGE_NONE, 0, &u.cp, LINEERR_LINEMAPPERFAILED);
    u.cp.dwBearerMode = LINEBEARERMODE_VOICE;
    u.cp.dwMinRate = 9600;
    mapper_open(&a, LINECALLPRIVILEGE_NONE, 0, &u.cp, LINEERR_LINEMAPPERFAILED);
    u.cp.dwMinRate = 0;
    u.cp.dwMediaMode = LINEMEDIAMODE_G3FAX;
    mapper_open(&a, LINECALLPRIVILEGE_NONE, 0, &u.cp, LINEERR_LINEMAPPERFAILED);
    u.cp.dwMediaMode = LINEMEDIAMODE_INTERACTIVEVOICE;
    mapper_open(&a, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DATAMODEM, &u.cp,
                LINEERR_LINEMAPPERFAILED);
    /* Not media modes, or a broken structure. */
    mapper_open(&a, LINECALLPRIVILEGE_NONE, 0x40000000u, NULL, LINEERR_INVALMEDIAMODE);
    u.cp.dwMediaMode = 0x40000000u;
    mapper_open(&a, LINECALLPRIVILEGE_NONE, 0, &u.cp, LINEERR_INVALMEDIAMODE);
    u.cp.dwMediaMode = LINEMEDIAMODE_INTERACTIVEVOICE;
    u.cp.dwAddressMode = 0x40;
    mapper_open(&a, LINECALLPRIVILEGE_NONE, 0, &u.cp, LINEERR_INVALADDRESSMODE);
    u.cp.dwAddressMode = LINEADDRESSMODE_DIALABLEADDR;
    u.cp.dwOrigAddressOffset = sizeof(u) - 2;
    mapper_open(&a, LINECALLPRIVILEGE_NONE, 0, &u.cp, LINEERR_INVALCALLPARAMS);
    u.cp.dwTotalSize = 16;
    mapper_open(&a, LINECALLPRIVILEGE_NONE, 0, &u.cp, LINEERR_STRUCTURETOOSMALL);
    /* The usual checks still come first. */
    CHECK_RC(lineOpen(a.h, LINEMAPPER, NULL, T_API, 0, 0, LINECALLPRIVILEGE_NONE, 0, NULL),
             LINEERR_INVALPOINTER);
    HLINE x;
    CHECK_RC(lineOpen(0, LINEMAPPER, &x, T_API, 0, 0, LINECALLPRIVILEGE_NONE, 0, NULL),
             LINEERR_INVALAPPHANDLE);
    CHECK_RC(lineOpen(a.h, LINEMAPPER, &x, 0x00030000u, 0, 0, LINECALLPRIVILEGE_NONE, 0, NULL),
             LINEERR_INCOMPATIBLEAPIVERSION);
    /* An owner needs a media mode, LINEMAPPER or not. */
    mapper_open(&a, LINECALLPRIVILEGE_OWNER, 0, NULL, LINEERR_INVALMEDIAMODE);
    t_expect_none(&a);
    t_expect_none(&w);
    t_shutdown(&a);
    t_shutdown(&w);
}

/* The LINE_ADDRESSSTATE messages now queued for a, exactly (line, state) of
 * want[0..n) in order; its other messages (call states) are consumed. */
static void expect_addr_seq_(tapp *a, const DWORD (*want)[2], unsigned n, const char *f, int l)
{
    LINEMESSAGE m;
    unsigned i = 0;
    while (t_poll(a, &m)) {
        if (m.dwMessageID == LINE_LINEDEVSTATE)
            ot_test_fail(f, l, "%s: unexpected LINE_LINEDEVSTATE(%#lx)", a->name,
                         (unsigned long)m.dwParam1);
        if (m.dwMessageID != LINE_ADDRESSSTATE)
            continue;
        if (i >= n || m.hDevice != want[i][0] || m.dwParam2 != want[i][1] || m.dwParam1 != 0)
            ot_test_fail(f, l, "%s: address state %u: got line %#lx state %#lx", a->name, i,
                         (unsigned long)m.hDevice, (unsigned long)m.dwParam2);
        i++;
    }
    if (i != n)
        ot_test_fail(f, l, "%s: %u address states, expected %u", a->name, i, n);
}
#define expect_addr_seq(a, ...)                                                                \
    do {                                                                                       \
        const DWORD w_[][2] = {__VA_ARGS__};                                                   \
        expect_addr_seq_(a, w_, sizeof(w_) / sizeof(w_[0]), __FILE__, __LINE__);               \
    } while (0)

static void drain(tapp *a)
{
    LINEMESSAGE m;
    while (t_poll(a, &m))
        CHECK(m.dwMessageID != LINE_ADDRESSSTATE && m.dwMessageID != LINE_LINEDEVSTATE);
}

static DWORD in_use(HLINE hl)
{
    DWORD act, held, use;
    addr_status(hl, &act, &held, &use);
    return use;
}

/* A bridged-shared address (200 on devices 8 and 9): dwNumInUse counts the
 * stations on the call, and each station's opens hear INUSEZERO / INUSEONE /
 * INUSEMANY as the other station joins and leaves. */
TEST(status_shared_address_in_use_by_one_or_many)
{
    tapp c, x, y, m;
    t_init(&c, "caller");
    t_init(&x, "x");
    t_init(&y, "y");
    t_init(&m, "monitor");
    HLINE lc = t_open(&c, 0, LINECALLPRIVILEGE_NONE);
    HLINE lx = t_open(&x, 8, LINECALLPRIVILEGE_OWNER);
    HLINE ly = t_open(&y, 9, LINECALLPRIVILEGE_OWNER);
    HLINE m8 = t_open(&m, 8, LINECALLPRIVILEGE_MONITOR);
    HLINE m9 = t_open(&m, 9, LINECALLPRIVILEGE_MONITOR);
    CHECK_RC(lineSetStatusMessages(m8, 0, INUSE | LINEADDRESSSTATE_INUSEMANY), 0);
    CHECK_RC(lineSetStatusMessages(m9, 0, INUSE | LINEADDRESSSTATE_INUSEMANY), 0);
    HCALL hc = t_make_call(&c, lc, "200", NULL, 0);
    HCALL hx = t_expect_offer(&x, lx);
    HCALL hy = t_expect_offer(&y, ly);
    drain(&c);
    drain(&m);
    CHECK_EQ(in_use(m8), 0);
    /* x answers: one station on the call, for both. */
    LONG req = lineAnswer(hx, NULL, 0);
    CHECK_REQ(req);
    expect_addr_seq(&m, {m8, LINEADDRESSSTATE_INUSEONE}, {m9, LINEADDRESSSTATE_INUSEONE});
    CHECK_EQ(in_use(m8), 1);
    CHECK_EQ(in_use(m9), 1);
    /* y joins: two. */
    drain(&y);
    req = lineAnswer(hy, NULL, 0);
    CHECK_REQ(req);
    expect_addr_seq(&m, {m9, LINEADDRESSSTATE_INUSEMANY}, {m8, LINEADDRESSSTATE_INUSEMANY});
    CHECK_EQ(in_use(m8), 2);
    CHECK_EQ(in_use(lx), 2);
    /* x leaves (its appearance inactive): one again. */
    drain(&x);
    req = lineDrop(hx, NULL, 0);
    CHECK_REQ(req);
    expect_addr_seq(&m, {m8, LINEADDRESSSTATE_INUSEONE}, {m9, LINEADDRESSSTATE_INUSEONE});
    CHECK_EQ(in_use(ly), 1);
    /* y, the last station, clears the call: none. */
    drain(&x);
    drain(&y);
    req = lineDrop(hy, NULL, 0);
    CHECK_REQ(req);
    expect_addr_seq(&m, {m9, LINEADDRESSSTATE_INUSEZERO}, {m8, LINEADDRESSSTATE_INUSEZERO});
    CHECK_EQ(in_use(m8), 0);
    CHECK_EQ(in_use(m9), 0);
    drain(&x);
    drain(&y);
    drain(&c);
    CHECK_RC(lineDeallocateCall(hx), 0);
    CHECK_RC(lineDeallocateCall(hy), 0);
    t_drop_idle(&c, hc);
    t_shutdown_with_calls(&m); /* its monitor handles (drained above) go with it */
    t_shutdown(&c);
    t_shutdown(&x);
    t_shutdown(&y);
}
