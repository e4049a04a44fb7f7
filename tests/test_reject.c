/* lineDrop on an OFFERING or ACCEPTED call rejects it (behaviour 3): the
 * caller goes DISCONNECTED/REJECT with the rejecting side's UUI, the callee
 * IDLE.  Station 400 cannot reject: OPERATIONUNAVAIL and the call rings on. */
#include "test.h"

static const unsigned char no_thanks[] = {0x04, 'n', 'o', 0x00, 't', 'h', 'x', 0x00};

/* The callee rejects hb with UUI; the caller reads it after DISCONNECTED/REJECT. */
static void reject_with_uui(tpair *p, HCALL ha, HCALL hb)
{
    LONG req = lineDrop(hb, (LPCSTR)no_thanks, sizeof(no_thanks));
    CHECK_REQ(req);
    t_expect_state(&p->b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p->b, req, 0);
    t_expect_callinfo(&p->a, ha, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&p->a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_REJECT);
    t_expect_none(&p->a);
    t_expect_none(&p->b);
    unsigned char got[256];
    CHECK_EQ(t_uui(ha, got, sizeof(got)), sizeof(no_thanks));
    CHECK_MEM(got, no_thanks, sizeof(no_thanks));
    DWORD mode;
    CHECK_EQ(t_state(ha, &mode), LINECALLSTATE_DISCONNECTED);
    CHECK_EQ(mode, LINEDISCONNECTMODE_REJECT);
    t_drop_idle(&p->a, ha);
    CHECK_RC(lineDeallocateCall(hb), 0);
}

TEST(reject_offering_call_with_uui)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_ring(&p, "101", NULL, 0, &ha, &hb);
    LINECALLSTATUS s;
    t_status(hb, &s);
    CHECK(s.dwCallFeatures & LINECALLFEATURE_DROP); /* line 1 can reject */
    reject_with_uui(&p, ha, hb);
    t_pair_done(&p);
}

TEST(reject_accepted_call_with_uui)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_ring(&p, "101", NULL, 0, &ha, &hb);
    LONG req = lineAccept(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_ACCEPTED, 0);
    t_expect_reply(&p.b, req, 0);
    t_expect_none(&p.a); /* the caller keeps hearing ringback */
    CHECK_EQ(t_state(ha, NULL), LINECALLSTATE_RINGBACK);
    reject_with_uui(&p, ha, hb);
    t_pair_done(&p);
}

TEST(reject_without_uui)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_ring(&p, "101", NULL, 0, &ha, &hb);
    LONG req = lineDrop(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.b, req, 0);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_REJECT);
    unsigned char got[8];
    CHECK_EQ(t_uui(ha, got, sizeof(got)), 0);
    t_drop_idle(&p.a, ha);
    CHECK_RC(lineDeallocateCall(hb), 0);
    t_pair_done(&p);
}

/* Station 400 cannot reject: the drop is refused, nothing changes. */
static void refuse_reject(tpair *p, HCALL ha, HCALL hb, DWORD callee_state)
{
    CHECK_RC(lineDrop(hb, NULL, 0), LINEERR_OPERATIONUNAVAIL);
    t_expect_none(&p->a);
    t_expect_none(&p->b);
    CHECK_EQ(t_state(hb, NULL), callee_state);
    CHECK_EQ(t_state(ha, NULL), LINECALLSTATE_RINGBACK);
    LINECALLSTATUS s;
    t_status(hb, &s);
    CHECK_EQ(s.dwCallFeatures & LINECALLFEATURE_DROP, 0);
    CHECK(s.dwCallFeatures & LINECALLFEATURE_ANSWER);
    /* The caller gives up instead: the offer disappears at 400. */
    LONG req = lineDrop(ha, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p->a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p->a, req, 0);
    t_expect_state(&p->b, hb, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(ha), 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
}

TEST(reject_unavailable_on_station_400)
{
    tpair p;
    t_pair_init(&p, 0, 14);
    HCALL ha, hb;
    t_ring(&p, "400", NULL, 0, &ha, &hb);
    refuse_reject(&p, ha, hb, LINECALLSTATE_OFFERING);
    t_pair_done(&p);
}

TEST(reject_unavailable_on_station_400_accepted)
{
    tpair p;
    t_pair_init(&p, 0, 14);
    HCALL ha, hb;
    t_ring(&p, "400", NULL, 0, &ha, &hb);
    LONG req = lineAccept(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_ACCEPTED, 0);
    t_expect_reply(&p.b, req, 0);
    refuse_reject(&p, ha, hb, LINECALLSTATE_ACCEPTED);
    t_pair_done(&p);
}

TEST(reject_then_station_free_again)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_ring(&p, "101", NULL, 0, &ha, &hb);
    reject_with_uui(&p, ha, hb);
    /* The rejected offer left nothing behind at 101: the next call rings. */
    t_ring(&p, "101", NULL, 0, &ha, &hb);
    reject_with_uui(&p, ha, hb);
    t_pair_done(&p);
}

TEST(reject_unavailable_when_400_closes_or_deallocates)
{
    /* Station 400's application goes away while its call rings: the call cannot
     * be rejected, so it rings on unattended until the caller gives up. */
    for (int how = 0; how < 2; how++) {
        tpair p;
        t_pair_init(&p, 0, 14);
        HCALL ha, hb;
        t_ring(&p, "400", NULL, 0, &ha, &hb);
        if (how == 0)
            CHECK_RC(lineClose(p.lb), 0);
        else
            CHECK_RC(lineDeallocateCall(hb), 0);
        t_expect_none(&p.a);
        t_expect_none(&p.b);
        CHECK_EQ(t_state(ha, NULL), LINECALLSTATE_RINGBACK);
        OTSTATS st;
        CHECK_RC(otGetStats(&st), 0);
        CHECK_EQ(st.dwCallHandles, 1);
        LONG req = lineDrop(ha, NULL, 0);
        CHECK_REQ(req);
        t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
        t_expect_reply(&p.a, req, 0);
        CHECK_RC(lineDeallocateCall(ha), 0);
        CHECK_RC(otGetStats(&st), 0);
        CHECK_EQ(st.dwCalls, 0);
        CHECK_EQ(st.dwProviderCalls, 0);
        t_pair_done(&p);
    }
}

TEST(reject_when_callee_closes_its_line)
{
    /* A station that can reject does so when its application closes the line. */
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_ring(&p, "101", NULL, 0, &ha, &hb);
    CHECK_RC(lineClose(p.lb), 0);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_REJECT);
    CHECK_RC(lineGetCallStatus(hb, NULL), LINEERR_INVALCALLHANDLE);
    t_drop_idle(&p.a, ha);
    t_pair_done(&p);
}
