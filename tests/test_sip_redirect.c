/* Redirect and forward on SIP lines (docs/sip.md "Redirect and forward"):
 * lineRedirect of an offered call and lineForward (unconditional, busy, no
 * answer on the manual clock) answer the INVITE 302 with the new Contact and
 * Diversion (SIPp checks both, tests/sipp/uac_expect_302.xml); received
 * Diversion, History-Info and P-Asserted-Identity fill LINECALLINFO; a 302
 * to our own INVITE between two lines is reported with its Contact. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip_helpers.h"

/* ---- lineForward lists ---- */
typedef struct {
    union {
        LINEFORWARDLIST fl;
        unsigned char raw[1024];
    } u;
    DWORD at;
} tfwd;

static void fwd_one(tfwd *f, DWORD mode, const char *dest)
{
    memset(f, 0, sizeof(*f));
    f->u.fl.dwTotalSize = sizeof(f->u);
    f->u.fl.dwNumEntries = 1;
    f->at = (DWORD)(offsetof(LINEFORWARDLIST, ForwardList) + sizeof(LINEFORWARD));
    LINEFORWARD e;
    memset(&e, 0, sizeof(e));
    e.dwForwardMode = mode;
    e.dwDestAddressSize = (DWORD)strlen(dest) + 1;
    e.dwDestAddressOffset = f->at;
    memcpy(f->u.raw + f->at, dest, e.dwDestAddressSize);
    memcpy(f->u.raw + offsetof(LINEFORWARDLIST, ForwardList), &e, sizeof(e));
}

static void forward(tapp *a, HLINE hl, DWORD mode, const char *dest, DWORD rings)
{
    tfwd f;
    fwd_one(&f, mode, dest);
    HCALL consult = (HCALL)0x1234;
    LONG req = lineForward(hl, TRUE, 0, &f.u.fl, rings, &consult, NULL);
    CHECK_REQ(req);
    t_expect_reply(a, req, 0);
    CHECK_EQ(consult, 0);
}

static const char *target_of(char *buf, size_t n, int port)
{
    snprintf(buf, n, "sip:carol@127.0.0.1:%d", port);
    return buf;
}

/* SIPp's INVITE must get 302 to target with Diversion reason. */
static void start_expect_302(sproc *sipp, int port, const char *target, const char *reason)
{
    const char *subst[] = {"TARGET", target, "REASON", reason, "HEADERS", "X-Test: 1", NULL};
    sh_sipp_start(sipp, sh_sipp_template("uac_expect_302.xml", subst), sh_free_port(), port, 1,
                  NULL);
}

/* The capabilities say what the line does. */
static void check_caps(tapp *a)
{
    union {
        LINEADDRESSCAPS ac;
        unsigned char raw[4096];
    } caps;
    memset(&caps, 0, sizeof(caps));
    caps.ac.dwTotalSize = sizeof(caps);
    CHECK_RC(lineGetAddressCaps(a->h, 0, 0, T_API, 0, &caps.ac), 0);
    CHECK_EQ(caps.ac.dwForwardModes, 0xFFFF);
    CHECK(caps.ac.dwAddressFeatures & LINEADDRFEATURE_FORWARD);
    CHECK(caps.ac.dwCallFeatures & LINECALLFEATURE_REDIRECT);
}

/* lineRedirect of an offered call: 302 to the new address with Diversion
 * reason=deflection; the call goes IDLE here. */
TEST(sip_redirect_offered_call_302)
{
    int port = sh_free_port();
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    check_caps(&a);
    char target[64];
    target_of(target, sizeof(target), 5099);
    sproc sipp;
    start_expect_302(&sipp, port, target, "deflection");
    HCALL h = t_expect_offer(&a, hl);
    LONG req = lineRedirect(h, target, 0);
    CHECK_REQ(req);
    t_expect_state(&a, h, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&a, req, 0);
    char s[128];
    t_callinfo_str(h, offsetof(LINECALLINFO, dwRedirectionIDSize), s, sizeof(s));
    CHECK(!strcmp(s, target));
    CHECK_RC(lineRedirect(h, target, 0), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineDeallocateCall(h), 0);
    sh_finish(&a, &sipp);
}

/* lineForward unconditional: the INVITE gets 302 at once (reason
 * unconditional), the application is not offered the call; cancelled, the
 * next call rings here again. */
TEST(sip_forward_unconditional_302)
{
    int port = sh_free_port();
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    char target[64];
    target_of(target, sizeof(target), 5098);
    forward(&a, hl, LINEFORWARDMODE_UNCOND, target, 0);
    sproc sipp;
    start_expect_302(&sipp, port, target, "unconditional");
    sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS);
    sh_wait_dialogs(0);
    t_expect_none(&a);
    /* forwarding off: offered here, rejected by the test */
    HCALL consult = 0;
    LONG req = lineForward(hl, TRUE, 0, NULL, 0, &consult, NULL);
    CHECK_REQ(req);
    t_expect_reply(&a, req, 0);
    const char *subst[] = {"HEADERS", "X-Test: 1", NULL};
    sh_sipp_start(&sipp, sh_sipp_template("uac_headers_rejected.xml", subst), sh_free_port(),
                  port, 1, NULL);
    HCALL h = t_expect_offer(&a, hl);
    sh_drop_idle_uui(&a, h, NULL, 0);
    sh_finish(&a, &sipp);
}

/* lineForward busy: with max_calls = 1 and a call on the line, the next
 * INVITE gets 302 (reason user-busy) instead of 486. */
TEST(sip_forward_busy_302)
{
    int port = sh_free_port();
    sh_config_line(port, "max_calls = 1\n");
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    char target[64];
    target_of(target, sizeof(target), 5097);
    forward(&a, hl, LINEFORWARDMODE_BUSY, target, 0);
    /* not busy: offered here */
    const char *subst[] = {"HEADERS", "X-Test: 1", NULL};
    sproc first, second;
    sh_sipp_start(&first, sh_sipp_template("uac_headers_rejected.xml", subst), sh_free_port(),
                  port, 1, NULL);
    HCALL h = t_expect_offer(&a, hl);
    /* busy now */
    const char *s302[] = {"TARGET", target, "REASON", "user-busy", "HEADERS", "X-Test: 1", NULL};
    sh_sipp_start_another(&second, sh_sipp_template("uac_expect_302.xml", s302),
                          sh_free_port(), port, 1, NULL);
    sh_expect_success(&second, SH_SIPP_TIMEOUT_MS);
    t_expect_none(&a);
    sh_drop_idle_uui(&a, h, NULL, 0);
    sh_finish(&a, &first);
}

/* lineForward no answer, 2 rings: the offered call rings 2 x 6 s on the
 * library's clock (driven here), then the INVITE gets 302 (reason
 * no-answer) and the call goes IDLE here. */
TEST(sip_forward_no_answer_302)
{
    int port = sh_free_port();
    sh_config_line(port, NULL);
    CHECK_RC(otClockSetManual(TRUE), 0);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    char target[64];
    target_of(target, sizeof(target), 5096);
    forward(&a, hl, LINEFORWARDMODE_NOANSW, target, 2);
    sproc sipp;
    start_expect_302(&sipp, port, target, "no-answer");
    HCALL h = t_expect_offer(&a, hl);
    CHECK_RC(otClockAdvance(11999), 0);
    t_expect_none(&a); /* still ringing here */
    CHECK_RC(otClockAdvance(1), 0);
    t_expect_state(&a, h, LINECALLSTATE_IDLE, 0);
    char s[128];
    t_callinfo_str(h, offsetof(LINECALLINFO, dwRedirectionIDSize), s, sizeof(s));
    CHECK(!strcmp(s, target));
    CHECK_RC(lineDeallocateCall(h), 0);
    sh_finish(&a, &sipp);
    CHECK_RC(otClockSetManual(FALSE), 0);
}

/* An INVITE with headers: the offered call's caller, redirecting and
 * redirection IDs and dwReason. */
static void incoming(const char *headers, const char *caller, const char *caller_name,
                     const char *redirecting, DWORD reason)
{
    int port = sh_free_port();
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    const char *subst[] = {"HEADERS", headers, NULL};
    sproc sipp;
    sh_sipp_start(&sipp, sh_sipp_template("uac_headers_rejected.xml", subst), sh_free_port(),
                  port, 1, NULL);
    HCALL h = t_expect_offer(&a, hl);
    tcallinfo u;
    t_callinfo(h, &u);
    const char *got = t_ci_str(&u, u.ci.dwCallerIDSize, u.ci.dwCallerIDOffset);
    if (strcmp(got, caller))
        FAIL("caller ID \"%s\", expected \"%s\"", got, caller);
    got = t_ci_str(&u, u.ci.dwCallerIDNameSize, u.ci.dwCallerIDNameOffset);
    if (strcmp(got, caller_name))
        FAIL("caller name \"%s\", expected \"%s\"", got, caller_name);
    got = t_ci_str(&u, u.ci.dwRedirectingIDSize, u.ci.dwRedirectingIDOffset);
    if (strcmp(got, redirecting))
        FAIL("redirecting ID \"%s\", expected \"%s\"", got, redirecting);
    got = t_ci_str(&u, u.ci.dwRedirectionIDSize, u.ci.dwRedirectionIDOffset);
    if (strcmp(got, redirecting[0] ? "opentapi" : ""))
        FAIL("redirection ID \"%s\"", got);
    CHECK_EQ(u.ci.dwReason, reason);
    sh_drop_idle_uui(&a, h, NULL, 0);
    sh_finish(&a, &sipp);
}

TEST(sip_incoming_diversion_and_pai)
{
    incoming("Diversion: \"Bob\" <sip:bob@example.org>;reason=user-busy;counter=1\r\n"
             "      Diversion: <sip:dave@example.org>;reason=no-answer;counter=1\r\n"
             "      P-Asserted-Identity: \"Carol C\" <sip:+15551234@example.org>",
             "+15551234", "Carol C", "bob", LINECALLREASON_FWDBUSY);
    incoming("Diversion: <sip:bob@example.org>;reason=unconditional", "sipp", "SIPp", "bob",
             LINECALLREASON_FWDUNCOND);
    incoming("Diversion: <sip:bob@example.org>;reason=deflection", "sipp", "SIPp", "bob",
             LINECALLREASON_REDIRECT);
    incoming("Diversion: <sip:bob@example.org>;reason=time-of-day", "sipp", "SIPp", "bob",
             LINECALLREASON_UNKNOWN);
    /* nothing redirected: a direct call, the From's caller */
    incoming("X-Test: 1", "sipp", "SIPp", "", LINECALLREASON_DIRECT);
    /* a malformed Diversion is ignored */
    incoming("Diversion: <<>>;;", "sipp", "SIPp", "", LINECALLREASON_DIRECT);
}

TEST(sip_incoming_history_info)
{
    incoming("History-Info: <sip:alice@example.org>;index=1, "
             "<sip:bob@example.org?Reason=SIP%3Bcause%3D408>;index=1.1, "
             "<sip:opentapi@127.0.0.1;cause=408>;index=1.1.1",
             "sipp", "SIPp", "bob", LINECALLREASON_FWDNOANSWER);
    incoming("History-Info: <sip:bob@example.org>;index=1\r\n"
             "      History-Info: <sip:opentapi@127.0.0.1;cause=486>;index=1.1",
             "sipp", "SIPp", "bob", LINECALLREASON_FWDBUSY);
    incoming("History-Info: <sip:bob@example.org>;index=1, <sip:opentapi@127.0.0.1>;index=1.1",
             "sipp", "SIPp", "bob", LINECALLREASON_UNKNOWN);
    /* one entry: nobody sent the call on */
    incoming("History-Info: <sip:opentapi@127.0.0.1>;index=1", "sipp", "SIPp", "",
             LINECALLREASON_DIRECT);
}

/* A 302 to our INVITE (a line that redirects), between two lines: reported
 * FORWARDED with the Contact as the redirection ID, not followed. */
TEST(sip_redirect_response_reported)
{
    int pa = sh_free_port(), pb = sh_free_port();
    char text[600];
    snprintf(text, sizeof(text),
             "[line]\nprovider = sip\nnumber = alice\nuri = sip:alice@127.0.0.1:%d\n"
             "[line]\nprovider = sip\nnumber = bob\nuri = sip:bob@127.0.0.1:%d\n",
             pa, pb);
    t_config(text);
    tpair p;
    t_pair_init(&p, 0, 1);
    char dest[64];
    snprintf(dest, sizeof(dest), "sip:bob@127.0.0.1:%d", pb);
    HCALL ha = t_make_call(&p.a, p.la, dest, NULL, 0);
    t_expect_state(&p.a, ha, LINECALLSTATE_DIALING, 0);
    HCALL hb = t_expect_offer(&p.b, p.lb);
    LONG req = lineRedirect(hb, "carol@127.0.0.1:5095", 0);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.b, req, 0);
    CHECK_RC(lineDeallocateCall(hb), 0);
    sh_wait_state(&p.a, ha, LINECALLSTATE_DISCONNECTED);
    DWORD mode = 0;
    CHECK_EQ(t_state(ha, &mode), LINECALLSTATE_DISCONNECTED);
    CHECK_EQ(mode, LINEDISCONNECTMODE_FORWARDED);
    char s[128];
    t_callinfo_str(ha, offsetof(LINECALLINFO, dwRedirectionIDSize), s, sizeof(s));
    CHECK(!strcmp(s, "carol@127.0.0.1"));
    t_drop_idle(&p.a, ha);
    sh_wait_dialogs(0);
    t_pair_done(&p);
}
