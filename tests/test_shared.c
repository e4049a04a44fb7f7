/* Bridged-shared (200, devices 8-9), bridged-exclusive (201, devices 10-11)
 * and party-line (300, devices 12-13) appearances on the default topology:
 * a drop at one station may leave the call up (CONNECTED/INACTIVE there) while
 * another station is on it; the last station's drop clears it. */
#include "test.h"

typedef struct shared {
    tapp caller, x, y;
    HLINE lc, lx, ly;
    HCALL hc, hx, hy;
} shared;

/* caller (device 0) calls number; stations x and y (devices dx, dy) are offered. */
static void shared_offer(shared *s, const char *number, DWORD dx, DWORD dy)
{
    t_init(&s->caller, "caller");
    t_init(&s->x, "x");
    t_init(&s->y, "y");
    s->lc = t_open(&s->caller, 0, LINECALLPRIVILEGE_OWNER);
    s->lx = t_open(&s->x, dx, LINECALLPRIVILEGE_OWNER);
    s->ly = t_open(&s->y, dy, LINECALLPRIVILEGE_OWNER);
    s->hc = t_make_call(&s->caller, s->lc, number, NULL, 0);
    t_expect_state(&s->caller, s->hc, LINECALLSTATE_DIALING, 0);
    t_expect_state(&s->caller, s->hc, LINECALLSTATE_PROCEEDING, 0);
    t_expect_state(&s->caller, s->hc, LINECALLSTATE_RINGBACK, 0);
    s->hx = t_expect_offer(&s->x, s->lx);
    s->hy = t_expect_offer(&s->y, s->ly);
}

/* x answers: the caller is connected, y's appearance shows the call inactive. */
static void shared_x_answers(shared *s)
{
    LONG req = lineAnswer(s->hx, NULL, 0);
    CHECK_REQ(req);
    t_expect_callinfo(&s->caller, s->hc, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&s->caller, s->hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&s->x, s->hx, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&s->x, req, 0);
    t_expect_state(&s->y, s->hy, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_INACTIVE);
    t_expect_none(&s->caller);
}

static void shared_join(tapp *a, HCALL h)
{
    LONG req = lineAnswer(h, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(a, req, 0);
}

static void drop_to_inactive(tapp *a, HCALL h)
{
    LONG req = lineDrop(h, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_INACTIVE);
    t_expect_reply(a, req, 0);
}

static void check_features(HCALL h, DWORD state, DWORD mode, DWORD features)
{
    LINECALLSTATUS st;
    memset(&st, 0, sizeof(st));
    st.dwTotalSize = sizeof(st);
    CHECK_RC(lineGetCallStatus(h, &st), 0);
    CHECK_EQ(st.dwCallState, state);
    CHECK_EQ(st.dwCallStateMode, mode);
    CHECK_EQ(st.dwCallFeatures, features);
}

TEST(shared_caps_of_default_topology)
{
    tapp a;
    t_init(&a, "caps");
    static const struct {
        DWORD dev, sharing, closedrop;
    } want[] = {{0, LINEADDRESSSHARING_PRIVATE, 1},       {8, LINEADDRESSSHARING_BRIDGEDSHARED, 1},
                {9, LINEADDRESSSHARING_BRIDGEDSHARED, 1}, {10, LINEADDRESSSHARING_BRIDGEDEXCL, 1},
                {11, LINEADDRESSSHARING_BRIDGEDEXCL, 1},  {12, LINEADDRESSSHARING_BRIDGEDSHARED, 0},
                {13, LINEADDRESSSHARING_BRIDGEDSHARED, 0}, {14, LINEADDRESSSHARING_PRIVATE, 1}};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        union {
            LINEADDRESSCAPS ac;
            unsigned char raw[sizeof(LINEADDRESSCAPS) + 256];
        } u;
        LINEDEVCAPS dc;
        memset(&u, 0, sizeof(u));
        memset(&dc, 0, sizeof(dc));
        u.ac.dwTotalSize = sizeof(u);
        dc.dwTotalSize = sizeof(dc);
        CHECK_RC(lineGetAddressCaps(a.h, want[i].dev, 0, T_API, 0, &u.ac), 0);
        CHECK_RC(lineGetDevCaps(a.h, want[i].dev, T_API, 0, &dc), 0);
        CHECK_EQ(u.ac.dwAddressSharing, want[i].sharing);
        CHECK_EQ((dc.dwDevCapFlags & LINEDEVCAPFLAGS_CLOSEDROP) != 0, want[i].closedrop);
        if (want[i].sharing != LINEADDRESSSHARING_PRIVATE)
            CHECK(u.ac.dwConnectedModes & LINECONNECTEDMODE_INACTIVE);
    }
    t_shutdown(&a);
}

TEST(bridged_shared_drop_leaves_call_to_other_station)
{
    shared s;
    shared_offer(&s, "200", 8, 9);
    shared_x_answers(&s);
    check_features(s.hy, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_INACTIVE,
                   LINECALLFEATURE_ANSWER);
    shared_join(&s.y, s.hy);
    t_expect_none(&s.caller);
    t_expect_none(&s.x);
    /* x leaves: its appearance is inactive, nobody else hears anything. */
    drop_to_inactive(&s.x, s.hx);
    t_expect_none(&s.caller);
    t_expect_none(&s.y);
    CHECK_EQ(t_state(s.hc, NULL), LINECALLSTATE_CONNECTED);
    /* an inactive appearance is not on the call: nothing to drop there */
    CHECK_RC(lineDrop(s.hx, NULL, 0), LINEERR_INVALCALLSTATE);
    t_expect_none(&s.x);
    /* y is the last station: its drop (with UUI) clears the call everywhere. */
    LONG req = lineDrop(s.hy, "last", 4);
    CHECK_REQ(req);
    t_expect_state(&s.y, s.hy, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&s.y, req, 0);
    t_expect_state(&s.x, s.hx, LINECALLSTATE_IDLE, 0);
    t_expect_callinfo(&s.caller, s.hc, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&s.caller, s.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    unsigned char got[8];
    CHECK_EQ(t_uui(s.hc, got, sizeof(got)), 4);
    CHECK_MEM(got, "last", 4);
    t_drop_idle(&s.caller, s.hc);
    s.hc = 0;
    CHECK_RC(lineDeallocateCall(s.hx), 0);
    CHECK_RC(lineDeallocateCall(s.hy), 0);
    t_shutdown(&s.caller);
    t_shutdown(&s.x);
    t_shutdown(&s.y);
}

TEST(bridged_shared_rejoin_after_drop)
{
    shared s;
    shared_offer(&s, "200", 8, 9);
    shared_x_answers(&s);
    shared_join(&s.y, s.hy);
    drop_to_inactive(&s.x, s.hx);
    shared_join(&s.x, s.hx); /* lineAnswer re-joins an inactive appearance */
    drop_to_inactive(&s.y, s.hy);
    t_expect_none(&s.caller);
    /* the caller hangs up: every appearance is told */
    LONG req = lineDrop(s.hc, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&s.caller, s.hc, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&s.caller, req, 0);
    t_expect_state(&s.x, s.hx, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&s.y, s.hy, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&s.x, s.hx);
    t_drop_idle(&s.y, s.hy);
    CHECK_RC(lineDeallocateCall(s.hc), 0);
    t_shutdown(&s.caller);
    t_shutdown(&s.x);
    t_shutdown(&s.y);
}

TEST(bridged_shared_only_station_on_call_clears_it)
{
    shared s;
    shared_offer(&s, "200", 8, 9);
    shared_x_answers(&s);
    /* y never joined: x is the last (only) station on the call */
    LONG req = lineDrop(s.hx, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&s.x, s.hx, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&s.x, req, 0);
    t_expect_state(&s.y, s.hy, LINECALLSTATE_IDLE, 0);
    t_expect_state(&s.caller, s.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&s.caller, s.hc);
    s.hc = 0;
    CHECK_RC(lineDeallocateCall(s.hx), 0);
    CHECK_RC(lineDeallocateCall(s.hy), 0);
    t_shutdown(&s.caller);
    t_shutdown(&s.x);
    t_shutdown(&s.y);
}

TEST(bridged_shared_reject_at_one_station_keeps_ringing)
{
    shared s;
    shared_offer(&s, "200", 8, 9);
    LONG req = lineDrop(s.hx, "no", 2);
    CHECK_REQ(req);
    t_expect_state(&s.x, s.hx, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&s.x, req, 0);
    t_expect_none(&s.caller);
    t_expect_none(&s.y);
    CHECK_EQ(t_state(s.hy, NULL), LINECALLSTATE_OFFERING);
    CHECK_EQ(t_state(s.hc, NULL), LINECALLSTATE_RINGBACK);
    /* the last station to reject rejects the call */
    req = lineDrop(s.hy, "busy", 4);
    CHECK_REQ(req);
    t_expect_state(&s.y, s.hy, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&s.y, req, 0);
    t_expect_callinfo(&s.caller, s.hc, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&s.caller, s.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_REJECT);
    unsigned char got[8];
    CHECK_EQ(t_uui(s.hc, got, sizeof(got)), 4);
    CHECK_MEM(got, "busy", 4);
    t_drop_idle(&s.caller, s.hc);
    s.hc = 0;
    CHECK_RC(lineDeallocateCall(s.hx), 0);
    CHECK_RC(lineDeallocateCall(s.hy), 0);
    t_shutdown(&s.caller);
    t_shutdown(&s.x);
    t_shutdown(&s.y);
}

TEST(bridged_exclusive_first_station_owns_call)
{
    shared s;
    shared_offer(&s, "201", 10, 11);
    shared_x_answers(&s);
    /* the other appearance reflects the call but cannot join or drop it */
    check_features(s.hy, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_INACTIVE, 0);
    CHECK_RC(lineAnswer(s.hy, NULL, 0), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineDrop(s.hy, NULL, 0), LINEERR_INVALCALLSTATE);
    t_expect_none(&s.y);
    /* the owning station's drop clears the call */
    LONG req = lineDrop(s.hx, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&s.x, s.hx, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&s.x, req, 0);
    t_expect_state(&s.y, s.hy, LINECALLSTATE_IDLE, 0);
    t_expect_state(&s.caller, s.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&s.caller, s.hc);
    s.hc = 0;
    CHECK_RC(lineDeallocateCall(s.hx), 0);
    CHECK_RC(lineDeallocateCall(s.hy), 0);
    t_shutdown(&s.caller);
    t_shutdown(&s.x);
    t_shutdown(&s.y);
}

TEST(party_line_drop_same_rule_as_bridged)
{
    shared s;
    shared_offer(&s, "300", 12, 13);
    shared_x_answers(&s);
    shared_join(&s.y, s.hy);
    drop_to_inactive(&s.y, s.hy);
    t_expect_none(&s.caller);
    t_expect_none(&s.x);
    LONG req = lineDrop(s.hx, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&s.x, s.hx, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&s.x, req, 0);
    t_expect_state(&s.y, s.hy, LINECALLSTATE_IDLE, 0);
    t_expect_state(&s.caller, s.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&s.caller, s.hc);
    s.hc = 0;
    CHECK_RC(lineDeallocateCall(s.hx), 0);
    CHECK_RC(lineDeallocateCall(s.hy), 0);
    t_shutdown(&s.caller);
    t_shutdown(&s.x);
    t_shutdown(&s.y);
}

TEST(party_line_close_does_not_clear_call_held_elsewhere)
{
    shared s;
    shared_offer(&s, "300", 12, 13);
    shared_x_answers(&s);
    shared_join(&s.y, s.hy);
    /* x's application closes its line while both stations talk: no CLOSEDROP on
     * a party line, so nothing changes for y or the caller. */
    CHECK_RC(lineClose(s.lx), 0);
    CHECK_RC(lineGetCallStatus(s.hx, &(LINECALLSTATUS){.dwTotalSize = sizeof(LINECALLSTATUS)}),
             LINEERR_INVALCALLHANDLE);
    t_expect_none(&s.caller);
    t_expect_none(&s.y);
    t_expect_none(&s.x);
    CHECK_EQ(t_state(s.hy, NULL), LINECALLSTATE_CONNECTED);
    /* x's set is still off-hook on the line: y's drop only leaves */
    drop_to_inactive(&s.y, s.hy);
    /* the caller hangs up: y is told, x's unattended appearance clears */
    LONG req = lineDrop(s.hc, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&s.caller, s.hc, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&s.caller, req, 0);
    t_expect_state(&s.y, s.hy, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&s.y, s.hy);
    CHECK_RC(lineDeallocateCall(s.hc), 0);
    t_expect_none(&s.x);
    t_shutdown(&s.caller);
    t_shutdown(&s.x);
    t_shutdown(&s.y);
}

TEST(bridged_shared_close_drops_only_this_station)
{
    shared s;
    shared_offer(&s, "200", 8, 9);
    shared_x_answers(&s);
    shared_join(&s.y, s.hy);
    /* CLOSEDROP is set on 200: closing x's line drops x's appearance only */
    CHECK_RC(lineClose(s.lx), 0);
    t_expect_none(&s.caller);
    t_expect_none(&s.y);
    t_expect_none(&s.x);
    /* y is now the last station on the call */
    LONG req = lineDrop(s.hy, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&s.y, s.hy, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&s.y, req, 0);
    t_expect_state(&s.caller, s.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&s.caller, s.hc);
    CHECK_RC(lineDeallocateCall(s.hy), 0);
    t_shutdown(&s.caller);
    t_shutdown(&s.x);
    t_shutdown(&s.y);
}

TEST(bridged_monitor_sees_every_appearance_change)
{
    shared s;
    tapp m;
    t_init(&m, "monitor");
    HLINE lm = 0;
    CHECK_RC(lineOpen(m.h, 9, &lm, T_API, 0, 0, LINECALLPRIVILEGE_MONITOR, 0, NULL), 0);
    shared_offer(&s, "200", 8, 9);
    HCALL hm = t_expect_newcall(&m, lm, LINECALLPRIVILEGE_MONITOR);
    t_expect_state_priv(&m, hm, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE,
                        LINECALLPRIVILEGE_MONITOR);
    shared_x_answers(&s);
    t_expect_state(&m, hm, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_INACTIVE);
    shared_join(&s.y, s.hy);
    t_expect_state(&m, hm, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    CHECK_RC(lineDrop(hm, NULL, 0), LINEERR_NOTOWNER);
    drop_to_inactive(&s.y, s.hy);
    t_expect_state(&m, hm, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_INACTIVE);
    LONG req = lineDrop(s.hx, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&s.x, s.hx, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&s.x, req, 0);
    t_expect_state(&s.y, s.hy, LINECALLSTATE_IDLE, 0);
    t_expect_state(&m, hm, LINECALLSTATE_IDLE, 0);
    t_expect_state(&s.caller, s.hc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&s.caller, s.hc);
    s.hc = 0;
    CHECK_RC(lineDeallocateCall(hm), 0);
    t_expect_none(&m);
    CHECK_RC(lineDeallocateCall(s.hx), 0);
    CHECK_RC(lineDeallocateCall(s.hy), 0);
    t_shutdown(&m);
    t_shutdown(&s.caller);
    t_shutdown(&s.x);
    t_shutdown(&s.y);
}
