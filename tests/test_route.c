/* The routing functions on the embedded switch: lineForward (unconditional,
 * busy, no answer, specific callers, cancel, the address status and
 * LINE_ADDRESSSTATE), lineRedirect, linePark / lineUnpark, linePickup
 * (directed and group), lineSwapHold, lineSecureCall and lineCompleteCall /
 * lineUncompleteCall, with the messages every party gets, the capability and
 * feature bits, and the errors for bad arguments and wrong states. */
#include <stddef.h>
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

static void fwd_init(tfwd *f)
{
    memset(f, 0, sizeof(*f));
    f->u.fl.dwTotalSize = sizeof(f->u);
    f->at = FWD_STRINGS;
}

static DWORD fwd_str(tfwd *f, const char *s, DWORD *off)
{
    DWORD n = (DWORD)strlen(s) + 1;
    CHECK(f->at + n <= sizeof(f->u));
    memcpy(f->u.raw + f->at, s, n);
    *off = f->at;
    f->at += n;
    return n;
}

/* Entry i of the list (written through a copy: ForwardList is declared [1]). */
static void fwd_set(tfwd *f, DWORD i, const LINEFORWARD *e)
{
    memcpy(f->u.raw + offsetof(LINEFORWARDLIST, ForwardList) + i * sizeof(LINEFORWARD), e,
           sizeof(*e));
}

static void fwd_add(tfwd *f, DWORD mode, const char *dest, const char *caller)
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
static void forward_ok(tapp *a, HLINE hl, const tfwd *f, DWORD rings)
{
    HCALL consult = (HCALL)0x1234;
    LONG req = lineForward(hl, TRUE, 0, f ? (LPLINEFORWARDLIST)(void *)&f->u.fl : NULL, rings,
                           &consult, NULL);
    CHECK_REQ(req);
    t_expect_reply(a, req, 0);
    CHECK_EQ(consult, 0); /* the switch needs no consultation call */
}

static void expect_addrstate(tapp *a, HLINE hl, DWORD state)
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

static void addr_status(HLINE hl, tas *u)
{
    memset(u, 0, sizeof(*u));
    u->as.dwTotalSize = sizeof(*u);
    CHECK_RC(lineGetAddressStatus(hl, 0, &u->as), 0);
}

static LINEFORWARD status_entry(const tas *u, DWORD i)
{
    LINEFORWARD e;
    CHECK(i < u->as.dwForwardNumEntries);
    CHECK_EQ(u->as.dwForwardSize >= (i + 1) * sizeof(LINEFORWARD), 1);
    memcpy(&e, u->raw + u->as.dwForwardOffset + i * sizeof(LINEFORWARD), sizeof(e));
    return e;
}

static const char *status_str(const tas *u, DWORD size, DWORD off)
{
    CHECK(size > 0 && off + size <= u->as.dwUsedSize);
    CHECK_EQ(u->raw[off + size - 1], 0);
    return (const char *)u->raw + off;
}

static const char *ci_str(HCALL h, size_t size_field, tcallinfo *u)
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

static void four_init(four *f, unsigned n)
{
    static const char *names[] = {"s100", "s101", "s102", "s103"};
    for (unsigned i = 0; i < n; i++) {
        t_init(&f->app[i], names[i]);
        f->l[i] = t_open(&f->app[i], i, LINECALLPRIVILEGE_OWNER);
    }
}

static void four_done(four *f, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        t_shutdown(&f->app[i]);
}

/* app[from] calls dest: reply, DIALING, PROCEEDING (the rest is the test's). */
static HCALL dial(four *f, unsigned from, const char *dest)
{
    HCALL h = t_make_call(&f->app[from], f->l[from], dest, NULL, 0);
    t_expect_state(&f->app[from], h, LINECALLSTATE_DIALING, 0);
    t_expect_state(&f->app[from], h, LINECALLSTATE_PROCEEDING, 0);
    return h;
}

static void answer(tapp *a, HCALL h)
{
    LONG req = lineAnswer(h, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(a, req, 0);
}

/* Both ends of a connected call hang up: x drops, y sees DISCONNECTED and drops. */
static void hang_up(tapp *x, HCALL hx, tapp *y, HCALL hy)
{
    t_drop_idle(x, hx);
    t_expect_state(y, hy, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(y, hy);
}

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
static void connect_pair(four *f, unsigned x, unsigned y, HCALL *hx, HCALL *hy)
{
    char num[8];
    snprintf(num, sizeof(num), "%u", 100 + y);
    t_connect(&f->app[x], f->l[x], &f->app[y], f->l[y], num, hx, hy);
}

typedef union {
    VARSTRING v;
    unsigned char raw[sizeof(VARSTRING) + 64];
} tvs;

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
    CHECK_RC(lineSwapHold(hb2, ha), LINEERR_INVALCALLSTATE);  /* another line's call */
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
