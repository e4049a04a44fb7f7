/* The routing functions on the embedded switch, part 1: lineForward
 * (unconditional, busy, no answer, specific callers, cancel, the address
 * status and LINE_ADDRESSSTATE) and lineRedirect, with the messages every
 * party gets, the capability bits and the errors for bad arguments.  Part 2
 * (park, pickup, swap hold, secure, completion): tests/test_route_calls.c. */
#include "test_route.h"

/* ---- lineForward ---- */
TEST(route_forward_unconditional_and_cancel)
{
    four f;
    four_init(&f, 3);
    tapp m, q; /* a monitor that asked for FORWARD, and one that did not */
    t_init(&m, "monitor");
    t_init(&q, "quiet");
    HLINE lm = t_open(&m, 1, LINECALLPRIVILEGE_MONITOR);
    HLINE lq = t_open(&q, 1, LINECALLPRIVILEGE_MONITOR);
    CHECK_RC(lineSetStatusMessages(lm, 0, LINEADDRESSSTATE_FORWARD), 0);
    CHECK_RC(lineSetStatusMessages(f.l[1], 0, LINEADDRESSSTATE_FORWARD), 0);
    /* the capabilities say what the switch does */
    union {
        LINEADDRESSCAPS ac;
        unsigned char raw[4096];
    } caps;
    memset(&caps, 0, sizeof(caps));
    caps.ac.dwTotalSize = sizeof(caps);
    CHECK_RC(lineGetAddressCaps(f.app[1].h, 1, 0, T_API, 0, &caps.ac), 0);
    CHECK_EQ(caps.ac.dwForwardModes, 0xFFFF);
    CHECK(caps.ac.dwAddressFeatures & LINEADDRFEATURE_FORWARD);
    CHECK(caps.ac.dwAddressStates & LINEADDRESSSTATE_FORWARD);
    CHECK(caps.ac.dwAddrCapFlags & LINEADDRCAPFLAGS_FWDNUMRINGS);
    CHECK(caps.ac.dwMaxForwardEntries >= 8);
    union {
        LINEDEVCAPS dc;
        unsigned char raw[4096];
    } dcaps;
    memset(&dcaps, 0, sizeof(dcaps));
    dcaps.dc.dwTotalSize = sizeof(dcaps);
    CHECK_RC(lineGetDevCaps(f.app[1].h, 1, T_API, 0, &dcaps.dc), 0);
    CHECK(dcaps.dc.dwLineFeatures & LINEFEATURE_FORWARD);
    CHECK_EQ(caps.ac.dwMinFwdNumRings, 1);
    CHECK_EQ(caps.ac.dwMaxFwdNumRings, 99);

    tfwd fl;
    fwd_init(&fl);
    fwd_add(&fl, LINEFORWARDMODE_UNCOND, "102", NULL);
    forward_ok(&f.app[1], f.l[1], &fl, 3);
    expect_addrstate(&f.app[1], f.l[1], LINEADDRESSSTATE_FORWARD);
    expect_addrstate(&m, lm, LINEADDRESSSTATE_FORWARD);
    t_expect_none(&q);
    tas st;
    addr_status(lq, &st);
    CHECK_EQ(st.as.dwForwardNumEntries, 1);
    CHECK_EQ(st.as.dwNumRingsNoAnswer, 3);
    CHECK(st.as.dwAddressFeatures & LINEADDRFEATURE_FORWARD);
    LINEFORWARD e = status_entry(&st, 0);
    CHECK_EQ(e.dwForwardMode, LINEFORWARDMODE_UNCOND);
    CHECK(!strcmp(status_str(&st, e.dwDestAddressSize, e.dwDestAddressOffset), "102"));
    CHECK_EQ(e.dwCallerAddressSize, 0);

    /* a call to 101 rings at 102; 101 sees nothing of it */
    HCALL ha = dial(&f, 0, "101");
    t_expect_callinfo(&f.app[0], ha, LINECALLINFOSTATE_REDIRECTIONID);
    t_expect_state(&f.app[0], ha, LINECALLSTATE_RINGBACK, 0);
    HCALL hc = t_expect_offer(&f.app[2], f.l[2]);
    t_expect_none(&f.app[1]);
    t_expect_none(&m);
    tcallinfo ci;
    CHECK(!strcmp(ci_str(hc, offsetof(LINECALLINFO, dwRedirectingIDSize), &ci), "101"));
    CHECK_EQ(ci.ci.dwReason, LINECALLREASON_FWDUNCOND);
    CHECK_EQ(ci.ci.dwRedirectingIDFlags, LINECALLPARTYID_ADDRESS);
    CHECK(!strcmp(ci_str(hc, offsetof(LINECALLINFO, dwCallerIDSize), &ci), "100"));
    CHECK(!strcmp(ci_str(ha, offsetof(LINECALLINFO, dwRedirectionIDSize), &ci), "102"));
    CHECK_EQ(ci.ci.dwRedirectionIDFlags, LINECALLPARTYID_ADDRESS);
    CHECK(!strcmp(ci_str(ha, offsetof(LINECALLINFO, dwCalledIDSize), &ci), "101"));
    answer(&f.app[2], hc);
    t_expect_callinfo(&f.app[0], ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&f.app[0], ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    hang_up(&f.app[0], ha, &f.app[2], hc);

    /* cancelled: 101 rings again */
    forward_ok(&f.app[1], f.l[1], NULL, 0);
    expect_addrstate(&f.app[1], f.l[1], LINEADDRESSSTATE_FORWARD);
    expect_addrstate(&m, lm, LINEADDRESSSTATE_FORWARD);
    addr_status(f.l[1], &st);
    CHECK_EQ(st.as.dwForwardNumEntries, 0);
    CHECK_EQ(st.as.dwForwardSize, 0);
    ha = dial(&f, 0, "101");
    t_expect_state(&f.app[0], ha, LINECALLSTATE_RINGBACK, 0);
    HCALL hb = t_expect_offer(&f.app[1], f.l[1]);
    HCALL hm = t_expect_newcall(&m, lm, LINECALLPRIVILEGE_MONITOR);
    t_expect_state(&m, hm, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE);
    HCALL hq = t_expect_newcall(&q, lq, LINECALLPRIVILEGE_MONITOR);
    t_expect_state(&q, hq, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE);
    t_callinfo(hb, &ci);
    CHECK_EQ(ci.ci.dwReason, LINECALLREASON_DIRECT);
    CHECK_EQ(ci.ci.dwRedirectingIDFlags, LINECALLPARTYID_UNAVAIL);
    t_drop_idle(&f.app[0], ha);
    t_expect_state(&f.app[1], hb, LINECALLSTATE_IDLE, 0);
    t_expect_state(&m, hm, LINECALLSTATE_IDLE, 0);
    t_expect_state(&q, hq, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    CHECK_RC(lineDeallocateCall(hm), 0);
    CHECK_RC(lineDeallocateCall(hq), 0);
    t_shutdown(&m);
    t_shutdown(&q);
    four_done(&f, 3);
}

TEST(route_forward_busy_and_specific_callers)
{
    four f;
    four_init(&f, 4);
    tfwd fl;
    fwd_init(&fl);
    fwd_add(&fl, LINEFORWARDMODE_BUSY, "102", NULL);
    fwd_add(&fl, LINEFORWARDMODE_UNCONDSPECIFIC, "103", "102");
    forward_ok(&f.app[1], f.l[1], &fl, 1000);
    tas st;
    addr_status(f.l[1], &st);
    CHECK_EQ(st.as.dwNumRingsNoAnswer, 99); /* the nearest allowed value */
    forward_ok(&f.app[1], f.l[1], &fl, 0);
    addr_status(f.l[1], &st);
    CHECK_EQ(st.as.dwNumRingsNoAnswer, 1);
    CHECK_EQ(st.as.dwForwardNumEntries, 2);
    LINEFORWARD e = status_entry(&st, 1);
    CHECK_EQ(e.dwForwardMode, LINEFORWARDMODE_UNCONDSPECIFIC);
    CHECK(!strcmp(status_str(&st, e.dwCallerAddressSize, e.dwCallerAddressOffset), "102"));
    CHECK(!strcmp(status_str(&st, e.dwDestAddressSize, e.dwDestAddressOffset), "103"));

    /* 102 calling 101 goes to 103 (its specific entry) */
    HCALL hc = dial(&f, 2, "101");
    t_expect_callinfo(&f.app[2], hc, LINECALLINFOSTATE_REDIRECTIONID);
    t_expect_state(&f.app[2], hc, LINECALLSTATE_RINGBACK, 0);
    HCALL hd = t_expect_offer(&f.app[3], f.l[3]);
    tcallinfo ci;
    t_callinfo(hd, &ci);
    CHECK_EQ(ci.ci.dwReason, LINECALLREASON_FWDUNCOND);
    t_drop_idle(&f.app[2], hc);
    t_expect_state(&f.app[3], hd, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hd), 0);

    /* 100 calling a free 101 rings there; busy, it goes to 102 */
    HCALL ha = dial(&f, 0, "101");
    t_expect_state(&f.app[0], ha, LINECALLSTATE_RINGBACK, 0);
    HCALL hb = t_expect_offer(&f.app[1], f.l[1]);
    answer(&f.app[1], hb);
    t_expect_callinfo(&f.app[0], ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&f.app[0], ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    HCALL hd2 = dial(&f, 3, "101");
    t_expect_callinfo(&f.app[3], hd2, LINECALLINFOSTATE_REDIRECTIONID);
    t_expect_state(&f.app[3], hd2, LINECALLSTATE_RINGBACK, 0);
    hc = t_expect_offer(&f.app[2], f.l[2]);
    t_callinfo(hc, &ci);
    CHECK_EQ(ci.ci.dwReason, LINECALLREASON_FWDBUSY);
    CHECK(!strcmp(ci_str(hc, offsetof(LINECALLINFO, dwRedirectingIDSize), &ci), "101"));
    CHECK(!strcmp(ci_str(hc, offsetof(LINECALLINFO, dwCallerIDSize), &ci), "103"));
    t_expect_none(&f.app[1]);
    t_drop_idle(&f.app[3], hd2);
    t_expect_state(&f.app[2], hc, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hc), 0);
    hang_up(&f.app[0], ha, &f.app[1], hb);
    forward_ok(&f.app[1], f.l[1], NULL, 0);
    four_done(&f, 4);
}

/* Internal callers (a configured number) skip an EXTERNAL entry; BUSYNA
 * covers busy. */
TEST(route_forward_internal_external_and_busyna)
{
    four f;
    four_init(&f, 4);
    tfwd fl;
    fwd_init(&fl);
    fwd_add(&fl, LINEFORWARDMODE_UNCONDEXTERNAL, "102", NULL);
    fwd_add(&fl, LINEFORWARDMODE_BUSYNA, "103", NULL);
    forward_ok(&f.app[1], f.l[1], &fl, 5);
    HCALL ha = dial(&f, 0, "101");
    t_expect_state(&f.app[0], ha, LINECALLSTATE_RINGBACK, 0);
    HCALL hb = t_expect_offer(&f.app[1], f.l[1]); /* 100 is internal: it rings here */
    t_expect_none(&f.app[2]);
    t_drop_idle(&f.app[0], ha);
    t_expect_state(&f.app[1], hb, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    /* 101 busy with 102: 100's call goes to 103 */
    HCALL hc;
    connect_pair(&f, 1, 2, &hb, &hc);
    ha = dial(&f, 0, "101");
    t_expect_callinfo(&f.app[0], ha, LINECALLINFOSTATE_REDIRECTIONID);
    t_expect_state(&f.app[0], ha, LINECALLSTATE_RINGBACK, 0);
    HCALL hd = t_expect_offer(&f.app[3], f.l[3]);
    tcallinfo ci;
    t_callinfo(hd, &ci);
    CHECK_EQ(ci.ci.dwReason, LINECALLREASON_FWDBUSY);
    t_drop_idle(&f.app[0], ha);
    t_expect_state(&f.app[3], hd, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hd), 0);
    hang_up(&f.app[1], hb, &f.app[2], hc);
    forward_ok(&f.app[1], f.l[1], NULL, 0);
    four_done(&f, 4);
}

/* No answer after dwNumRingsNoAnswer rings (6 s each on the library clock). */
TEST(route_forward_no_answer_after_rings)
{
    CHECK_RC(otClockSetManual(TRUE), 0);
    four f;
    four_init(&f, 3);
    tfwd fl;
    fwd_init(&fl);
    fwd_add(&fl, LINEFORWARDMODE_NOANSW, "102", NULL);
    forward_ok(&f.app[1], f.l[1], &fl, 2);
    HCALL ha = dial(&f, 0, "101");
    t_expect_state(&f.app[0], ha, LINECALLSTATE_RINGBACK, 0);
    HCALL hb = t_expect_offer(&f.app[1], f.l[1]);
    CHECK_RC(otClockAdvance(2 * 6000 - 1), 0);
    t_expect_none(&f.app[0]);
    t_expect_none(&f.app[1]);
    CHECK_RC(otClockAdvance(1), 0);
    t_expect_state(&f.app[1], hb, LINECALLSTATE_IDLE, 0);
    t_expect_callinfo(&f.app[0], ha, LINECALLINFOSTATE_REDIRECTIONID);
    HCALL hc = t_expect_offer(&f.app[2], f.l[2]);
    tcallinfo ci;
    t_callinfo(hc, &ci);
    CHECK_EQ(ci.ci.dwReason, LINECALLREASON_FWDNOANSWER);
    CHECK(!strcmp(ci_str(hc, offsetof(LINECALLINFO, dwRedirectingIDSize), &ci), "101"));
    CHECK(!strcmp(ci_str(ha, offsetof(LINECALLINFO, dwRedirectionIDSize), &ci), "102"));
    t_expect_none(&f.app[0]);
    answer(&f.app[2], hc);
    t_expect_callinfo(&f.app[0], ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&f.app[0], ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    hang_up(&f.app[2], hc, &f.app[0], ha);
    CHECK_RC(lineDeallocateCall(hb), 0);

    /* 101 and 102 forward to each other after 7 rings: the caller still
     * gives up after no_answer_ms (60 s) in all, not at each hop */
    fwd_init(&fl);
    fwd_add(&fl, LINEFORWARDMODE_NOANSW, "101", NULL);
    forward_ok(&f.app[2], f.l[2], &fl, 7);
    fwd_init(&fl);
    fwd_add(&fl, LINEFORWARDMODE_NOANSW, "102", NULL);
    forward_ok(&f.app[1], f.l[1], &fl, 7);
    ha = dial(&f, 0, "101");
    t_expect_state(&f.app[0], ha, LINECALLSTATE_RINGBACK, 0);
    hb = t_expect_offer(&f.app[1], f.l[1]);
    CHECK_RC(otClockAdvance(42000), 0);
    t_expect_state(&f.app[1], hb, LINECALLSTATE_IDLE, 0);
    t_expect_callinfo(&f.app[0], ha, LINECALLINFOSTATE_REDIRECTIONID);
    hc = t_expect_offer(&f.app[2], f.l[2]);
    CHECK_RC(otClockAdvance(60000 - 42000 - 1), 0);
    t_expect_none(&f.app[0]);
    t_expect_none(&f.app[2]);
    CHECK_RC(otClockAdvance(1), 0);
    t_expect_state(&f.app[2], hc, LINECALLSTATE_IDLE, 0);
    t_expect_state(&f.app[0], ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NOANSWER);
    t_drop_idle(&f.app[0], ha);
    CHECK_RC(lineDeallocateCall(hb), 0);
    CHECK_RC(lineDeallocateCall(hc), 0);
    forward_ok(&f.app[1], f.l[1], NULL, 0);
    forward_ok(&f.app[2], f.l[2], NULL, 0);
    four_done(&f, 3);
}

TEST(route_forward_bad_lists_refused)
{
    four f;
    four_init(&f, 2);
    CHECK_RC(lineSetStatusMessages(f.l[1], 0, LINEADDRESSSTATE_FORWARD), 0);
    HCALL consult = 0;
    tfwd fl;
    LPLINEFORWARDLIST p = &fl.u.fl;
    fwd_init(&fl);
    fwd_add(&fl, LINEFORWARDMODE_UNCOND, "102", NULL);
    CHECK_RC(lineForward(0, TRUE, 0, p, 0, &consult, NULL), LINEERR_INVALLINEHANDLE);
    CHECK_RC(lineForward(f.l[1], FALSE, 1, p, 0, &consult, NULL), LINEERR_INVALADDRESSID);
    CHECK_RC(lineForward(f.l[1], TRUE, 0, p, 0, NULL, NULL), LINEERR_INVALPOINTER);
    fl.u.fl.dwTotalSize = offsetof(LINEFORWARDLIST, ForwardList) - 1;
    CHECK_RC(lineForward(f.l[1], TRUE, 0, p, 0, &consult, NULL), LINEERR_STRUCTURETOOSMALL);
    /* the entries past dwTotalSize */
    fl.u.fl.dwTotalSize = offsetof(LINEFORWARDLIST, ForwardList) + sizeof(LINEFORWARD) - 1;
    CHECK_RC(lineForward(f.l[1], TRUE, 0, p, 0, &consult, NULL), LINEERR_INVALPARAM);
    fl.u.fl.dwTotalSize = sizeof(fl.u);
    fl.u.fl.dwNumEntries = 0x40000000;
    CHECK_RC(lineForward(f.l[1], TRUE, 0, p, 0, &consult, NULL), LINEERR_INVALPARAM);
    /* a destination past dwTotalSize */
    fl.u.fl.dwNumEntries = 1;
    fl.u.fl.dwTotalSize = FWD_STRINGS + 2;
    CHECK_RC(lineForward(f.l[1], TRUE, 0, p, 0, &consult, NULL), LINEERR_INVALPARAM);
    /* unknown, combined or repeated modes */
    static const DWORD bad_modes[] = {0, LINEFORWARDMODE_UNKNOWN, LINEFORWARDMODE_UNAVAIL,
                                      LINEFORWARDMODE_UNCOND | LINEFORWARDMODE_BUSY, 0x80000000};
    for (unsigned i = 0; i < sizeof(bad_modes) / sizeof(bad_modes[0]); i++) {
        fwd_init(&fl);
        fwd_add(&fl, bad_modes[i], "102", NULL);
        CHECK_RC(lineForward(f.l[1], TRUE, 0, p, 0, &consult, NULL), LINEERR_INVALPARAM);
    }
    fwd_init(&fl);
    fwd_add(&fl, LINEFORWARDMODE_BUSY, "102", NULL);
    fwd_add(&fl, LINEFORWARDMODE_BUSY, "103", NULL);
    CHECK_RC(lineForward(f.l[1], TRUE, 0, p, 0, &consult, NULL), LINEERR_INVALPARAM);
    /* an empty destination, a specific entry without its caller, control characters */
    fwd_init(&fl);
    fwd_add(&fl, LINEFORWARDMODE_UNCOND, NULL, NULL);
    CHECK_RC(lineForward(f.l[1], TRUE, 0, p, 0, &consult, NULL), LINEERR_INVALADDRESS);
    fwd_init(&fl);
    fwd_add(&fl, LINEFORWARDMODE_UNCOND, "", NULL);
    CHECK_RC(lineForward(f.l[1], TRUE, 0, p, 0, &consult, NULL), LINEERR_INVALADDRESS);
    fwd_init(&fl);
    fwd_add(&fl, LINEFORWARDMODE_BUSYSPECIFIC, "102", NULL);
    CHECK_RC(lineForward(f.l[1], TRUE, 0, p, 0, &consult, NULL), LINEERR_INVALADDRESS);
    fwd_init(&fl);
    fwd_add(&fl, LINEFORWARDMODE_UNCOND, "10\n2", NULL);
    CHECK_RC(lineForward(f.l[1], TRUE, 0, p, 0, &consult, NULL), LINEERR_INVALADDRESS);
    /* bad call parameters */
    fwd_init(&fl);
    fwd_add(&fl, LINEFORWARDMODE_UNCOND, "102", NULL);
    LINECALLPARAMS cp;
    memset(&cp, 0, sizeof(cp));
    cp.dwTotalSize = 8;
    CHECK_RC(lineForward(f.l[1], TRUE, 0, p, 0, &consult, &cp), LINEERR_STRUCTURETOOSMALL);
    /* nothing happened: no forwarding, no message */
    tas st;
    addr_status(f.l[1], &st);
    CHECK_EQ(st.as.dwForwardNumEntries, 0);
    t_expect_none(&f.app[1]);
    /* an address state the line does not have */
    CHECK_RC(lineSetStatusMessages(f.l[1], 0, LINEADDRESSSTATE_TERMINALS),
             LINEERR_INVALADDRESSSTATE);
    four_done(&f, 2);
}

/* ---- lineRedirect ---- */
TEST(route_redirect_offered_call)
{
    four f;
    four_init(&f, 3);
    HCALL ha = dial(&f, 0, "101");
    t_expect_state(&f.app[0], ha, LINECALLSTATE_RINGBACK, 0);
    HCALL hb = t_expect_offer(&f.app[1], f.l[1]);
    LINECALLSTATUS cs;
    t_status(hb, &cs);
    CHECK(cs.dwCallFeatures & LINECALLFEATURE_REDIRECT);
    CHECK_RC(lineRedirect(hb, NULL, 0), LINEERR_INVALPOINTER);
    CHECK_RC(lineRedirect(hb, "", 0), LINEERR_INVALADDRESS);
    CHECK_RC(lineRedirect(hb, "999", 0), LINEERR_INVALADDRESS);
    CHECK_RC(lineRedirect(hb, "101", 0), LINEERR_INVALADDRESS);
    CHECK_RC(lineRedirect(ha, "102", 0), LINEERR_INVALCALLSTATE); /* not offered */
    t_expect_none(&f.app[0]);
    t_expect_none(&f.app[1]);
    LONG req = lineRedirect(hb, "102", 0);
    CHECK_REQ(req);
    t_expect_state(&f.app[1], hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&f.app[1], req, 0);
    HCALL hc = t_expect_offer(&f.app[2], f.l[2]);
    t_expect_callinfo(&f.app[0], ha, LINECALLINFOSTATE_REDIRECTIONID);
    tcallinfo ci;
    CHECK(!strcmp(ci_str(hc, offsetof(LINECALLINFO, dwRedirectingIDSize), &ci), "101"));
    CHECK_EQ(ci.ci.dwReason, LINECALLREASON_REDIRECT);
    CHECK(!strcmp(ci_str(hc, offsetof(LINECALLINFO, dwCallerIDSize), &ci), "100"));
    CHECK(!strcmp(ci_str(ha, offsetof(LINECALLINFO, dwRedirectionIDSize), &ci), "102"));
    CHECK_RC(lineDeallocateCall(hb), 0);
    answer(&f.app[2], hc);
    t_expect_callinfo(&f.app[0], ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&f.app[0], ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_status(hc, &cs);
    CHECK_EQ(cs.dwCallFeatures & LINECALLFEATURE_REDIRECT, 0);
    CHECK_RC(lineRedirect(hc, "101", 0), LINEERR_INVALCALLSTATE);
    hang_up(&f.app[0], ha, &f.app[2], hc);
    four_done(&f, 3);
}

/* app[x] calls app[y]'s station, which answers: both CONNECTED, queues empty. */
TEST(route_redirect_from_a_shared_number)
{
    tapp a, s1, s2, d, m;
    t_init(&a, "a100");
    t_init(&s1, "s200a");
    t_init(&s2, "s200b");
    t_init(&d, "d102");
    t_init(&m, "monitor");
    HLINE la = t_open(&a, 0, LINECALLPRIVILEGE_OWNER);
    HLINE l1 = t_open(&s1, 8, LINECALLPRIVILEGE_OWNER);
    HLINE l2 = t_open(&s2, 9, LINECALLPRIVILEGE_OWNER);
    HLINE ld = t_open(&d, 2, LINECALLPRIVILEGE_OWNER);
    HLINE lm = t_open(&m, 8, LINECALLPRIVILEGE_MONITOR);
    HCALL ha = t_make_call(&a, la, "200", NULL, 0);
    t_expect_ringback(&a, ha);
    HCALL h1 = t_expect_offer(&s1, l1);
    HCALL h2 = t_expect_offer(&s2, l2);
    HCALL hm = t_expect_newcall(&m, lm, LINECALLPRIVILEGE_MONITOR);
    t_expect_state(&m, hm, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE);
    CHECK_RC(lineRedirect(hm, "102", 0), LINEERR_NOTOWNER);
    LONG req = lineRedirect(h2, "102", 0);
    CHECK_REQ(req);
    t_expect_state(&s2, h2, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&s2, req, 0);
    t_expect_state(&s1, h1, LINECALLSTATE_IDLE, 0);
    t_expect_state(&m, hm, LINECALLSTATE_IDLE, 0);
    HCALL hd = t_expect_offer(&d, ld);
    t_expect_callinfo(&a, ha, LINECALLINFOSTATE_REDIRECTIONID);
    tcallinfo ci;
    CHECK(!strcmp(ci_str(hd, offsetof(LINECALLINFO, dwRedirectingIDSize), &ci), "200"));
    CHECK_EQ(ci.ci.dwReason, LINECALLREASON_REDIRECT);
    t_drop_idle(&a, ha);
    t_expect_state(&d, hd, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hd), 0);
    CHECK_RC(lineDeallocateCall(h1), 0);
    CHECK_RC(lineDeallocateCall(h2), 0);
    CHECK_RC(lineDeallocateCall(hm), 0);
    t_shutdown(&a);
    t_shutdown(&s1);
    t_shutdown(&s2);
    t_shutdown(&d);
    t_shutdown(&m);
}
