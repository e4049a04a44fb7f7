/* The routing functions on the embedded switch, part 2: linePark /
 * lineUnpark, linePickup (directed and group), lineSwapHold, lineSecureCall
 * and lineCompleteCall / lineUncompleteCall, with the messages every party
 * gets, the capability and feature bits and the errors of wrong states and
 * bad arguments. */
#include "test_route.h"

/* ---- linePark / lineUnpark ---- */
TEST(route_park_nondirected_and_unpark_elsewhere)
{
    four f;
    four_init(&f, 3);
    HCALL ha, hb;
    connect_pair(&f, 0, 1, &ha, &hb);
    LINECALLSTATUS cs;
    t_status(hb, &cs);
    CHECK(cs.dwCallFeatures & LINECALLFEATURE_PARK);
    tvs u;
    memset(&u, 0, sizeof(u));
    u.v.dwTotalSize = sizeof(VARSTRING) - 1;
    CHECK_RC(linePark(hb, LINEPARKMODE_NONDIRECTED, NULL, &u.v), LINEERR_STRUCTURETOOSMALL);
    CHECK_RC(linePark(hb, LINEPARKMODE_NONDIRECTED, NULL, NULL), LINEERR_INVALPOINTER);
    CHECK_RC(linePark(hb, 4, NULL, &u.v), LINEERR_INVALPARKMODE);
    /* room for the header only: nothing parked, the size needed said */
    u.v.dwTotalSize = sizeof(VARSTRING) + 2;
    CHECK_RC(linePark(hb, LINEPARKMODE_NONDIRECTED, NULL, &u.v), LINEERR_STRUCTURETOOSMALL);
    CHECK_EQ(u.v.dwNeededSize, sizeof(VARSTRING) + 5); /* "*701" */
    CHECK_EQ(u.v.dwStringSize, 0);
    t_expect_none(&f.app[1]);
    CHECK_EQ(t_state(hb, NULL), LINECALLSTATE_CONNECTED);
    u.v.dwTotalSize = sizeof(u);
    LONG req = linePark(hb, LINEPARKMODE_NONDIRECTED, NULL, &u.v);
    CHECK_REQ(req);
    t_expect_reply(&f.app[1], req, 0);
    t_expect_state(&f.app[1], hb, LINECALLSTATE_IDLE, 0);
    CHECK_EQ(u.v.dwStringFormat, STRINGFORMAT_ASCII);
    CHECK_EQ(u.v.dwStringSize, 5);
    CHECK(!strcmp((const char *)u.raw + u.v.dwStringOffset, "*701"));
    CHECK_EQ(u.v.dwUsedSize, sizeof(VARSTRING) + 5);
    CHECK_RC(lineDeallocateCall(hb), 0);
    /* the far party stays connected throughout */
    t_expect_none(&f.app[0]);
    CHECK_EQ(t_state(ha, NULL), LINECALLSTATE_CONNECTED);
    /* unparked at 102 */
    HCALL hc = 0;
    CHECK_RC(lineUnpark(f.l[2], 0, &hc, "*702"), LINEERR_INVALADDRESS);
    CHECK_RC(lineUnpark(f.l[2], 1, &hc, "*701"), LINEERR_INVALADDRESSID);
    CHECK_RC(lineUnpark(f.l[2], 0, NULL, "*701"), LINEERR_INVALPOINTER);
    CHECK_RC(lineUnpark(f.l[2], 0, &hc, NULL), LINEERR_INVALPOINTER);
    req = lineUnpark(f.l[2], 0, &hc, "*701");
    CHECK_REQ(req);
    t_expect_reply(&f.app[2], req, 0);
    CHECK(hc != 0);
    t_expect_state(&f.app[2], hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_callinfo(&f.app[0], ha, LINECALLINFOSTATE_CONNECTEDID);
    tcallinfo ci;
    CHECK(!strcmp(ci_str(hc, offsetof(LINECALLINFO, dwConnectedIDSize), &ci), "100"));
    CHECK_EQ(ci.ci.dwReason, LINECALLREASON_UNPARK);
    CHECK(!strcmp(ci_str(ha, offsetof(LINECALLINFO, dwConnectedIDSize), &ci), "102"));
    /* the orbit is empty again */
    HCALL hx = 0;
    CHECK_RC(lineUnpark(f.l[1], 0, &hx, "*701"), LINEERR_INVALADDRESS);
    hang_up(&f.app[2], hc, &f.app[0], ha);
    four_done(&f, 3);
}

TEST(route_park_directed_and_far_party_hangs_up)
{
    four f;
    four_init(&f, 3);
    HCALL ha, hb, hc, hx;
    connect_pair(&f, 0, 1, &ha, &hb);
    CHECK_RC(linePark(hb, LINEPARKMODE_DIRECTED, NULL, NULL), LINEERR_INVALPOINTER);
    CHECK_RC(linePark(hb, LINEPARKMODE_DIRECTED, "", NULL), LINEERR_INVALADDRESS);
    LONG req = linePark(hb, LINEPARKMODE_DIRECTED, "555", NULL);
    CHECK_REQ(req);
    t_expect_reply(&f.app[1], req, 0);
    t_expect_state(&f.app[1], hb, LINECALLSTATE_IDLE, 0);
    CHECK_RC(linePark(hb, LINEPARKMODE_DIRECTED, "556", NULL), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineDeallocateCall(hb), 0);
    /* a second call cannot go to the occupied orbit */
    connect_pair(&f, 2, 1, &hc, &hb);
    CHECK_RC(linePark(hb, LINEPARKMODE_DIRECTED, "555", NULL), LINEERR_INVALADDRESS);
    hang_up(&f.app[1], hb, &f.app[2], hc);
    /* the parked party hangs up: the orbit empties */
    t_drop_idle(&f.app[0], ha);
    CHECK_RC(lineUnpark(f.l[2], 0, &hx, "555"), LINEERR_INVALADDRESS);
    /* a call not connected cannot be parked */
    ha = dial(&f, 0, "101");
    t_expect_state(&f.app[0], ha, LINECALLSTATE_RINGBACK, 0);
    hb = t_expect_offer(&f.app[1], f.l[1]);
    CHECK_RC(linePark(ha, LINEPARKMODE_DIRECTED, "557", NULL), LINEERR_INVALCALLSTATE);
    LINECALLSTATUS cs;
    t_status(ha, &cs);
    CHECK_EQ(cs.dwCallFeatures & LINECALLFEATURE_PARK, 0);
    t_drop_idle(&f.app[0], ha);
    t_expect_state(&f.app[1], hb, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    four_done(&f, 3);
}

/* ---- linePickup ---- */
static const char pickup_config[] =
    "[sim]\nno_answer_ms = 60000\n"
    "[line]\nname = A\nnumber = 100\n"
    "[line]\nname = B\nnumber = 101\npickup_group = sales\n"
    "[line]\nname = C\nnumber = 102\npickup_group = sales\n"
    "[line]\nname = D\nnumber = 103\n";

TEST(route_pickup_group_and_directed)
{
    t_config(pickup_config);
    four f;
    four_init(&f, 4);
    union {
        LINEADDRESSCAPS ac;
        unsigned char raw[4096];
    } caps;
    memset(&caps, 0, sizeof(caps));
    caps.ac.dwTotalSize = sizeof(caps);
    CHECK_RC(lineGetAddressCaps(f.app[2].h, 2, 0, T_API, 0, &caps.ac), 0);
    CHECK(caps.ac.dwAddressFeatures & LINEADDRFEATURE_PICKUP);
    CHECK(caps.ac.dwAddrCapFlags & LINEADDRCAPFLAGS_PICKUPGROUPID);
    HCALL hx = 0;
    /* nothing rings yet */
    CHECK_RC(linePickup(f.l[2], 0, &hx, "101", NULL), LINEERR_OPERATIONFAILED);
    CHECK_RC(linePickup(f.l[2], 0, &hx, NULL, "sales"), LINEERR_OPERATIONFAILED);
    CHECK_RC(linePickup(f.l[2], 0, &hx, NULL, "nosuch"), LINEERR_INVALGROUPID);
    CHECK_RC(linePickup(f.l[2], 0, &hx, NULL, NULL), LINEERR_INVALPOINTER);
    CHECK_RC(linePickup(f.l[2], 0, &hx, "999", NULL), LINEERR_INVALADDRESS);
    CHECK_RC(linePickup(f.l[2], 0, &hx, "102", NULL), LINEERR_INVALADDRESS);
    CHECK_RC(linePickup(f.l[2], 1, &hx, "101", NULL), LINEERR_INVALADDRESSID);

    /* directed: 103 (no group) picks up the call ringing at 101 */
    HCALL ha = dial(&f, 0, "101");
    t_expect_state(&f.app[0], ha, LINECALLSTATE_RINGBACK, 0);
    HCALL hb = t_expect_offer(&f.app[1], f.l[1]);
    CHECK_RC(linePickup(f.l[2], 0, &hx, "100", "sales"), LINEERR_INVALADDRESS); /* not in it */
    HCALL hd = 0;
    LONG req = linePickup(f.l[3], 0, &hd, "101", NULL);
    CHECK_REQ(req);
    t_expect_state(&f.app[1], hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&f.app[3], req, 0);
    t_expect_state(&f.app[3], hd, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_callinfo(&f.app[0], ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&f.app[0], ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    tcallinfo ci;
    CHECK(!strcmp(ci_str(hd, offsetof(LINECALLINFO, dwCallerIDSize), &ci), "100"));
    CHECK_EQ(ci.ci.dwReason, LINECALLREASON_PICKUP);
    CHECK(!strcmp(ci_str(hd, offsetof(LINECALLINFO, dwCalledIDSize), &ci), "101"));
    CHECK(!strcmp(ci_str(ha, offsetof(LINECALLINFO, dwConnectedIDSize), &ci), "103"));
    CHECK_RC(lineDeallocateCall(hb), 0);
    hang_up(&f.app[0], ha, &f.app[3], hd);

    /* group: 102 picks up whatever rings in "sales" */
    ha = dial(&f, 0, "101");
    t_expect_state(&f.app[0], ha, LINECALLSTATE_RINGBACK, 0);
    hb = t_expect_offer(&f.app[1], f.l[1]);
    HCALL hc = 0;
    req = linePickup(f.l[2], 0, &hc, NULL, "sales");
    CHECK_REQ(req);
    t_expect_state(&f.app[1], hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&f.app[2], req, 0);
    t_expect_state(&f.app[2], hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_callinfo(&f.app[0], ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&f.app[0], ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    CHECK(!strcmp(ci_str(ha, offsetof(LINECALLINFO, dwConnectedIDSize), &ci), "102"));
    CHECK_RC(lineDeallocateCall(hb), 0);
    hang_up(&f.app[2], hc, &f.app[0], ha);
    four_done(&f, 4);
}

TEST(route_pickup_group_is_checked_by_the_configuration_checker)
{
    char err[256];
    static const char bad[] = "[line]\nname = A\nnumber = 100\npickup_group =\n";
    static const char spaced[] = "[line]\nname = A\nnumber = 100\npickup_group = a b\n";
    static const char unknown[] = "[line]\nname = A\nnumber = 100\npickup = x\n";
    CHECK_RC(otCheckConfig(pickup_config, err, sizeof(err)), 0);
    CHECK(otCheckConfig(bad, err, sizeof(err)) != 0);
    CHECK(strstr(err, "line 4: pickup_group") != NULL);
    CHECK(otCheckConfig(spaced, err, sizeof(err)) != 0);
    CHECK(strstr(err, "pickup_group") != NULL);
    CHECK(otCheckConfig(unknown, err, sizeof(err)) != 0);
    CHECK(strstr(err, "unknown key pickup") != NULL);
    /* start-up applies the same rule */
    t_log_quiet();
    LONG rc = otSetConfig(spaced);
    if (rc == 0) {
        LINEINITIALIZEEXPARAMS p;
        memset(&p, 0, sizeof(p));
        p.dwTotalSize = sizeof(p);
        p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
        DWORD api = T_API, n = 0;
        HLINEAPP h = 0;
        rc = lineInitializeEx(&h, NULL, NULL, "route", &n, &api, &p);
        if (rc == 0)
            lineShutdown(h);
    }
    CHECK(rc != 0);
}

/* ---- lineSwapHold ---- */
TEST(route_swap_hold_between_two_calls)
{
    four f;
    four_init(&f, 3);
    HCALL ha, hb1, hb2, hc;
    connect_pair(&f, 0, 1, &ha, &hb1);
    LINECALLSTATUS cs;
    t_status(hb1, &cs);
    CHECK_EQ(cs.dwCallFeatures & LINECALLFEATURE_SWAPHOLD, 0); /* nothing held */
    LONG req = lineHold(hb1);
    CHECK_REQ(req);
    t_expect_state(&f.app[1], hb1, LINECALLSTATE_ONHOLD, 0);
    t_expect_reply(&f.app[1], req, 0);
    connect_pair(&f, 1, 2, &hb2, &hc);
    t_status(hb2, &cs);
    CHECK(cs.dwCallFeatures & LINECALLFEATURE_SWAPHOLD);
    t_status(hb1, &cs);
    CHECK(cs.dwCallFeatures & LINECALLFEATURE_SWAPHOLD);
    CHECK_RC(lineSwapHold(hb2, hb2), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineSwapHold(hb1, hb2), LINEERR_INVALCALLSTATE); /* the wrong way round */
    CHECK_RC(lineSwapHold(hb2, ha), LINEERR_INVALCALLHANDLE); /* another application's */
    CHECK_RC(lineSwapHold(hb2, 0), LINEERR_INVALCALLHANDLE);
    CHECK_RC(lineSwapHold(0, hb1), LINEERR_INVALCALLHANDLE);
    req = lineSwapHold(hb2, hb1);
    CHECK_REQ(req);
    t_expect_state(&f.app[1], hb2, LINECALLSTATE_ONHOLD, 0);
    t_expect_state(&f.app[1], hb1, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&f.app[1], req, 0);
    t_expect_none(&f.app[0]); /* the far parties hear nothing of it */
    t_expect_none(&f.app[2]);
    /* and back */
    req = lineSwapHold(hb1, hb2);
    CHECK_REQ(req);
    t_expect_state(&f.app[1], hb1, LINECALLSTATE_ONHOLD, 0);
    t_expect_state(&f.app[1], hb2, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&f.app[1], req, 0);
    /* a monitor cannot */
    tapp m;
    t_init(&m, "monitor");
    HLINE lm = t_open(&m, 1, LINECALLPRIVILEGE_MONITOR);
    HCALL owners[2] = {hb1, hb2}, mons[2];
    t_monitor_handles(lm, owners, mons, 2);
    t_expect_callinfo_each(&f.app[1], owners, 2, LINECALLINFOSTATE_NUMMONITORS);
    CHECK_RC(lineSwapHold(mons[1], mons[0]), LINEERR_NOTOWNER);
    CHECK_RC(lineDeallocateCall(mons[0]), 0);
    CHECK_RC(lineDeallocateCall(mons[1]), 0);
    t_expect_callinfo_each(&f.app[1], owners, 2, LINECALLINFOSTATE_NUMMONITORS);
    t_shutdown(&m);
    hang_up(&f.app[1], hb2, &f.app[2], hc);
    hang_up(&f.app[1], hb1, &f.app[0], ha);
    four_done(&f, 3);
}

/* ---- lineSecureCall ---- */
TEST(route_secure_call_both_ends_show_it)
{
    four f;
    four_init(&f, 2);
    HCALL ha, hb;
    connect_pair(&f, 0, 1, &ha, &hb);
    LINECALLSTATUS cs;
    t_status(hb, &cs);
    CHECK(cs.dwCallFeatures & LINECALLFEATURE_SECURECALL);
    tcallinfo ci;
    t_callinfo(hb, &ci);
    CHECK_EQ(ci.ci.dwCallParamFlags & LINECALLPARAMFLAGS_SECURE, 0);
    LONG req = lineSecureCall(hb);
    CHECK_REQ(req);
    t_expect_callinfo(&f.app[1], hb, LINECALLINFOSTATE_OTHER);
    t_expect_reply(&f.app[1], req, 0);
    t_expect_callinfo(&f.app[0], ha, LINECALLINFOSTATE_OTHER);
    t_callinfo(hb, &ci);
    CHECK(ci.ci.dwCallParamFlags & LINECALLPARAMFLAGS_SECURE);
    t_callinfo(ha, &ci);
    CHECK(ci.ci.dwCallParamFlags & LINECALLPARAMFLAGS_SECURE);
    t_status(hb, &cs);
    CHECK_EQ(cs.dwCallFeatures & LINECALLFEATURE_SECURECALL, 0);
    /* again: nothing changes, no message */
    req = lineSecureCall(ha);
    CHECK_REQ(req);
    t_expect_reply(&f.app[0], req, 0);
    t_expect_none(&f.app[1]);
    CHECK_RC(lineSecureCall(0), LINEERR_INVALCALLHANDLE);
    t_drop_idle(&f.app[0], ha);
    t_expect_state(&f.app[1], hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    CHECK_RC(lineSecureCall(hb), LINEERR_INVALCALLSTATE);
    t_drop_idle(&f.app[1], hb);
    four_done(&f, 2);
}

/* ---- lineCompleteCall / lineUncompleteCall ---- */
/* app[0] calls 101, busy with a call to 102: BUSY, DISCONNECTED(BUSY). */
static HCALL call_busy(four *f)
{
    HCALL h = t_make_call(&f->app[0], f->l[0], "101", NULL, 0);
    t_expect_state(&f->app[0], h, LINECALLSTATE_DIALING, 0);
    t_expect_state(&f->app[0], h, LINECALLSTATE_BUSY, LINEBUSYMODE_STATION);
    t_expect_state(&f->app[0], h, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_BUSY);
    return h;
}

TEST(route_complete_call_camp_on)
{
    four f;
    four_init(&f, 3);
    HCALL hb, hc;
    connect_pair(&f, 1, 2, &hb, &hc);
    HCALL ha = call_busy(&f);
    LINECALLSTATUS cs;
    t_status(ha, &cs);
    CHECK(cs.dwCallFeatures & LINECALLFEATURE_COMPLETECALL);
    DWORD id = 0;
    CHECK_RC(lineCompleteCall(ha, NULL, LINECALLCOMPLMODE_CAMPON, 0), LINEERR_INVALPOINTER);
    CHECK_RC(lineCompleteCall(ha, &id, 0x10, 0), LINEERR_INVALCALLCOMPLMODE);
    CHECK_RC(lineCompleteCall(ha, &id, LINECALLCOMPLMODE_INTRUDE, 0), LINEERR_OPERATIONUNAVAIL);
    CHECK_RC(lineCompleteCall(hb, &id, LINECALLCOMPLMODE_CAMPON, 0), LINEERR_INVALCALLSTATE);
    LONG req = lineCompleteCall(ha, &id, LINECALLCOMPLMODE_CAMPON, 0);
    CHECK_REQ(req);
    t_expect_reply(&f.app[0], req, 0);
    CHECK(id != 0);
    /* 101 frees: the camped call is offered there at once */
    t_drop_idle(&f.app[2], hc);
    t_expect_state(&f.app[1], hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_none(&f.app[0]); /* not free yet: the call is still there */
    HCALL old = hb;
    req = lineDrop(old, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&f.app[1], old, LINECALLSTATE_IDLE, 0);
    hb = t_expect_offer(&f.app[1], f.l[1]);
    t_expect_reply(&f.app[1], req, 0);
    CHECK_RC(lineDeallocateCall(old), 0);
    t_expect_state(&f.app[0], ha, LINECALLSTATE_RINGBACK, 0);
    tcallinfo ci;
    t_callinfo(hb, &ci);
    CHECK_EQ(ci.ci.dwReason, LINECALLREASON_CAMPEDON);
    CHECK_EQ(ci.ci.dwCompletionID, id);
    CHECK(!strcmp(ci_str(hb, offsetof(LINECALLINFO, dwCallerIDSize), &ci), "100"));
    answer(&f.app[1], hb);
    t_expect_callinfo(&f.app[0], ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&f.app[0], ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    hang_up(&f.app[0], ha, &f.app[1], hb);
    /* done: the id is no more */
    CHECK_RC(lineUncompleteCall(f.l[0], id), LINEERR_INVALCOMPLETIONID);
    four_done(&f, 3);
}

TEST(route_complete_call_callback_and_uncomplete)
{
    four f;
    four_init(&f, 3);
    HCALL hb, hc;
    connect_pair(&f, 1, 2, &hb, &hc);
    /* one completion cancelled, one carried out */
    HCALL ha = call_busy(&f);
    DWORD id1 = 0, id2 = 0;
    LONG req = lineCompleteCall(ha, &id1, LINECALLCOMPLMODE_CALLBACK, 0);
    CHECK_REQ(req);
    t_expect_reply(&f.app[0], req, 0);
    req = lineUncompleteCall(f.l[0], id1);
    CHECK_REQ(req);
    t_expect_reply(&f.app[0], req, 0);
    CHECK_RC(lineUncompleteCall(f.l[0], id1), LINEERR_INVALCOMPLETIONID);
    CHECK_RC(lineUncompleteCall(f.l[1], 12345), LINEERR_INVALCOMPLETIONID);
    req = lineCompleteCall(ha, &id2, LINECALLCOMPLMODE_CALLBACK, 0);
    CHECK_REQ(req);
    t_expect_reply(&f.app[0], req, 0);
    CHECK(id2 != 0 && id2 != id1);
    t_drop_idle(&f.app[0], ha); /* a callback does not need the busy call */
    /* 101 frees: the switch calls again from 100 */
    t_drop_idle(&f.app[2], hc);
    t_expect_state(&f.app[1], hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    HCALL old = hb;
    req = lineDrop(old, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&f.app[1], old, LINECALLSTATE_IDLE, 0);
    hb = t_expect_offer(&f.app[1], f.l[1]);
    t_expect_reply(&f.app[1], req, 0);
    CHECK_RC(lineDeallocateCall(old), 0);
    HCALL hn = t_expect_newcall(&f.app[0], f.l[0], LINECALLPRIVILEGE_OWNER);
    t_expect_state_priv(&f.app[0], hn, LINECALLSTATE_PROCEEDING, 0, LINECALLPRIVILEGE_OWNER);
    t_expect_state(&f.app[0], hn, LINECALLSTATE_RINGBACK, 0);
    tcallinfo ci;
    t_callinfo(hn, &ci);
    CHECK_EQ(ci.ci.dwReason, LINECALLREASON_CALLCOMPLETION);
    CHECK_EQ(ci.ci.dwCompletionID, id2);
    t_callinfo(hb, &ci);
    CHECK_EQ(ci.ci.dwReason, LINECALLREASON_CALLCOMPLETION);
    CHECK_EQ(ci.ci.dwCompletionID, id2);
    answer(&f.app[1], hb);
    t_expect_callinfo(&f.app[0], hn, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&f.app[0], hn, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    hang_up(&f.app[1], hb, &f.app[0], hn);
    four_done(&f, 3);
}

/* Directed pickup needs no group: the default topology (also through tapisrv). */
TEST(route_pickup_directed_default_topology)
{
    four f;
    four_init(&f, 3);
    HCALL hx = 0;
    CHECK_RC(linePickup(f.l[2], 0, &hx, NULL, "sales"), LINEERR_INVALGROUPID);
    CHECK_RC(linePickup(f.l[2], 0, &hx, "101", NULL), LINEERR_OPERATIONFAILED);
    tas st;
    addr_status(f.l[2], &st);
    CHECK_EQ(st.as.dwAddressFeatures & (LINEADDRFEATURE_PICKUP | LINEADDRFEATURE_UNPARK),
             LINEADDRFEATURE_PICKUP | LINEADDRFEATURE_UNPARK);
    HCALL ha = dial(&f, 0, "101");
    t_expect_state(&f.app[0], ha, LINECALLSTATE_RINGBACK, 0);
    HCALL hb = t_expect_offer(&f.app[1], f.l[1]);
    HCALL hc = 0;
    LONG req = linePickup(f.l[2], 0, &hc, "101", NULL);
    CHECK_REQ(req);
    t_expect_state(&f.app[1], hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&f.app[2], req, 0);
    CHECK(hc != 0);
    t_expect_state(&f.app[2], hc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_callinfo(&f.app[0], ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&f.app[0], ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    addr_status(f.l[2], &st); /* it talks now: nothing more to pick up here */
    CHECK_EQ(st.as.dwAddressFeatures & (LINEADDRFEATURE_PICKUP | LINEADDRFEATURE_UNPARK), 0);
    CHECK(st.as.dwAddressFeatures & LINEADDRFEATURE_FORWARD);
    tcallinfo ci;
    t_callinfo(hc, &ci);
    CHECK_EQ(ci.ci.dwReason, LINECALLREASON_PICKUP);
    CHECK(!strcmp(ci_str(hc, offsetof(LINECALLINFO, dwRedirectingIDSize), &ci), "101"));
    CHECK_RC(lineDeallocateCall(hb), 0);
    hang_up(&f.app[2], hc, &f.app[0], ha);
    four_done(&f, 3);
}

/* Swap hold in a transfer: the consultation call and the call waiting for
 * it change places and roles; completing the transfer joins the same two. */
TEST(route_swap_hold_during_a_transfer)
{
    four f;
    four_init(&f, 3);
    HCALL ha, hb, hk = 0, hc;
    connect_pair(&f, 0, 1, &ha, &hb);
    LONG req = lineSetupTransfer(hb, &hk, NULL);
    CHECK_REQ(req);
    t_expect_reply(&f.app[1], req, 0);
    t_expect_state(&f.app[1], hb, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    t_expect_state(&f.app[1], hk, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    req = lineDial(hk, "102", 0);
    CHECK_REQ(req);
    t_expect_reply(&f.app[1], req, 0);
    t_expect_state(&f.app[1], hk, LINECALLSTATE_DIALING, 0);
    t_expect_state(&f.app[1], hk, LINECALLSTATE_PROCEEDING, 0);
    t_expect_state(&f.app[1], hk, LINECALLSTATE_RINGBACK, 0);
    hc = t_expect_offer(&f.app[2], f.l[2]);
    answer(&f.app[2], hc);
    t_expect_callinfo(&f.app[1], hk, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&f.app[1], hk, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    LINECALLSTATUS cs;
    t_status(hb, &cs);
    CHECK(cs.dwCallFeatures & LINECALLFEATURE_SWAPHOLD);
    req = lineSwapHold(hk, hb);
    CHECK_REQ(req);
    t_expect_state(&f.app[1], hk, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    t_expect_state(&f.app[1], hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&f.app[1], req, 0);
    t_expect_none(&f.app[0]);
    t_expect_none(&f.app[2]);
    /* the roles follow: completing with the call now waiting joins 100 and 102 */
    req = lineCompleteTransfer(hk, hb, NULL, LINETRANSFERMODE_TRANSFER);
    CHECK_REQ(req);
    t_expect_state(&f.app[1], hk, LINECALLSTATE_IDLE, 0);
    t_expect_state(&f.app[1], hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&f.app[1], req, 0);
    t_expect_callinfo(&f.app[2], hc, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_callinfo(&f.app[0], ha, LINECALLINFOSTATE_CONNECTEDID);
    tcallinfo ci;
    CHECK(!strcmp(ci_str(ha, offsetof(LINECALLINFO, dwConnectedIDSize), &ci), "102"));
    CHECK_RC(lineDeallocateCall(hk), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    hang_up(&f.app[0], ha, &f.app[2], hc);
    four_done(&f, 3);
}

/* The library stops with a call parked and a completion waiting: nothing is
 * left behind (the runner's counts, and ASan's leak check). */
TEST(route_stop_with_a_parked_call_and_a_waiting_completion)
{
    four f;
    four_init(&f, 4);
    HCALL ha, hb, hc, hb2;
    connect_pair(&f, 0, 1, &ha, &hb);
    LONG req = linePark(hb, LINEPARKMODE_DIRECTED, "600", NULL);
    CHECK_REQ(req);
    t_expect_reply(&f.app[1], req, 0);
    t_expect_state(&f.app[1], hb, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    connect_pair(&f, 2, 1, &hc, &hb2);
    HCALL hx = t_make_call(&f.app[3], f.l[3], "101", NULL, 0);
    t_expect_state(&f.app[3], hx, LINECALLSTATE_DIALING, 0);
    t_expect_state(&f.app[3], hx, LINECALLSTATE_BUSY, LINEBUSYMODE_STATION);
    t_expect_state(&f.app[3], hx, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_BUSY);
    DWORD id = 0;
    req = lineCompleteCall(hx, &id, LINECALLCOMPLMODE_CAMPON, 0);
    CHECK_REQ(req);
    t_expect_reply(&f.app[3], req, 0);
    t_shutdown_with_calls(&f.app[3]);
    t_shutdown_with_calls(&f.app[0]);
    t_shutdown_with_calls(&f.app[1]);
    t_shutdown_with_calls(&f.app[2]);
}

/* A call offered at a shared number leaves every station of it when one of
 * them redirects it; a monitor cannot redirect. */

/* LINEADDRESSCAPS.dwMaxCallCompletions is a limit: one more is
 * LINEERR_COMPLETIONOVERRUN (Microsoft), and a cancelled one makes room. */
TEST(route_complete_call_overrun_past_the_maximum)
{
    four f;
    four_init(&f, 3);
    HCALL hb, hc;
    connect_pair(&f, 1, 2, &hb, &hc);
    HCALL ha = call_busy(&f);
    union {
        LINEADDRESSCAPS ac;
        unsigned char raw[4096];
    } u;
    memset(&u, 0, sizeof(u));
    u.ac.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetAddressCaps(f.app[0].h, 0, 0, T_API, 0, &u.ac), 0);
    DWORD max = u.ac.dwMaxCallCompletions;
    CHECK(max >= 1 && max <= 64);
    DWORD ids[64];
    for (DWORD i = 0; i < max; i++) {
        LONG req = lineCompleteCall(ha, &ids[i], LINECALLCOMPLMODE_CALLBACK, 0);
        CHECK_REQ(req);
        t_expect_reply(&f.app[0], req, 0);
    }
    DWORD extra = 0xDEADu;
    CHECK_RC(lineCompleteCall(ha, &extra, LINECALLCOMPLMODE_CALLBACK, 0),
             LINEERR_COMPLETIONOVERRUN);
    CHECK_EQ(extra, 0xDEADu);
    LONG req = lineUncompleteCall(f.l[0], ids[0]);
    CHECK_REQ(req);
    t_expect_reply(&f.app[0], req, 0);
    req = lineCompleteCall(ha, &ids[0], LINECALLCOMPLMODE_CALLBACK, 0);
    CHECK_REQ(req);
    t_expect_reply(&f.app[0], req, 0);
    for (DWORD i = 0; i < max; i++) {
        req = lineUncompleteCall(f.l[0], ids[i]);
        CHECK_REQ(req);
        t_expect_reply(&f.app[0], req, 0);
    }
    t_drop_idle(&f.app[0], ha);
    hang_up(&f.app[1], hb, &f.app[2], hc);
    four_done(&f, 3);
}

/* A camp-on whose caller went (lineShutdown) before the number freed: the
 * completion goes with it, nothing is offered at the number. */
TEST(route_complete_call_after_the_caller_went)
{
    four f;
    four_init(&f, 3);
    HCALL hb, hc;
    connect_pair(&f, 1, 2, &hb, &hc);
    HCALL ha = call_busy(&f);
    DWORD id = 0;
    LONG req = lineCompleteCall(ha, &id, LINECALLCOMPLMODE_CAMPON, 0);
    CHECK_REQ(req);
    t_expect_reply(&f.app[0], req, 0);
    t_shutdown_with_calls(&f.app[0]);
    t_drop_idle(&f.app[2], hc);
    t_expect_state(&f.app[1], hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&f.app[1], hb);
    t_expect_none(&f.app[1]); /* the camped call is gone: nothing offered */
    t_shutdown(&f.app[1]);
    t_shutdown(&f.app[2]);
}

/* A callback of a station no application has open any more: the switch
 * still calls the number from it (a station is a telephone), and everything
 * goes when the library stops. */
TEST(route_complete_call_callback_after_the_caller_went)
{
    four f;
    four_init(&f, 3);
    HCALL hb, hc;
    connect_pair(&f, 1, 2, &hb, &hc);
    HCALL ha = call_busy(&f);
    DWORD id = 0;
    LONG req = lineCompleteCall(ha, &id, LINECALLCOMPLMODE_CALLBACK, 0);
    CHECK_REQ(req);
    t_expect_reply(&f.app[0], req, 0);
    t_shutdown_with_calls(&f.app[0]);
    t_drop_idle(&f.app[2], hc);
    t_expect_state(&f.app[1], hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    HCALL old = hb;
    req = lineDrop(old, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&f.app[1], old, LINECALLSTATE_IDLE, 0);
    hb = t_expect_offer(&f.app[1], f.l[1]);
    t_expect_reply(&f.app[1], req, 0);
    CHECK_RC(lineDeallocateCall(old), 0);
    tcallinfo ci;
    t_callinfo(hb, &ci);
    CHECK_EQ(ci.ci.dwReason, LINECALLREASON_CALLCOMPLETION);
    CHECK_EQ(ci.ci.dwCompletionID, id);
    answer(&f.app[1], hb);
    t_drop_idle(&f.app[1], hb);
    t_shutdown(&f.app[1]);
    t_shutdown(&f.app[2]);
}
