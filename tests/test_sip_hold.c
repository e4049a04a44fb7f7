/* Hold on SIP lines (src/providers/sip/siphold.c, docs/sip.md "Hold"):
 * lineHold / lineUnhold as a re-INVITE offering sendonly / sendrecv, the
 * peer's hold as CONNECTED/ACTIVEHELD, against SIPp (which checks the SDP on
 * the wire) and between two opentapi SIP lines of this process (with a
 * monitor).  The SDP direction parser is fed what a network can send. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/providers/sip/sip.h"
#include "sip_helpers.h"

static void expect_mode(HCALL h, DWORD state, DWORD mode)
{
    DWORD m = 0;
    CHECK_EQ(t_state(h, &m), state);
    CHECK_EQ(m, mode);
}

/* ---- the SDP direction parser ------------------------------------------------- */
TEST(sip_sdp_direction_parser)
{
    static const struct {
        const char *sdp;
        int dir;
    } cases[] = {
        {"v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 5 RTP/AVP 0\r\n", 3},
        {"v=0\r\nm=audio 5 RTP/AVP 0\r\na=sendonly\r\n", OT_SIP_SDP_SEND},
        {"v=0\r\nm=audio 5 RTP/AVP 0\r\na=recvonly\r\n", OT_SIP_SDP_RECV},
        {"v=0\r\nm=audio 5 RTP/AVP 0\r\na=inactive\r\n", 0},
        {"v=0\na=sendonly\nm=audio 5 RTP/AVP 0\n", OT_SIP_SDP_SEND}, /* session level, LF */
        {"v=0\na=sendonly\nm=audio 5 RTP/AVP 0\na=sendrecv\n", 3},   /* media level wins */
        {"v=0\r\nc=IN IP4 0.0.0.0\r\nm=audio 5 RTP/AVP 0\r\n", OT_SIP_SDP_SEND},
        {"v=0\r\nc=IN IP4 0.0.0.0/127\r\nm=audio 5 RTP/AVP 0\r\n", OT_SIP_SDP_SEND},
        {"v=0\r\nc=IN IP4 0.0.0.0\r\nm=audio 5 RTP/AVP 0\r\nc=IN IP4 1.2.3.4\r\n", 3},
        {"v=0\r\nc=IN IP4 0.0.0.01\r\nm=audio 5 RTP/AVP 0\r\n", 3},
        {"v=0\r\nm=audio 5 RTP/AVP 0\r\na=recvonly\r\nc=IN IP4 0.0.0.0\r\n", 0},
        /* only the first stream counts; what follows it is not read */
        {"v=0\r\nm=audio 5 RTP/AVP 0\r\nm=video 7 RTP/AVP 31\r\na=inactive\r\n@@\r\n", 3},
        {"v=0\r\nm=audio 5 RTP/AVP 0\r\na=sendonlyx\r\n", 3}, /* not the attribute */
        {"v=0\r\nm=audio 5 RTP/AVP 0\r\n\r\n\r\n", 3},          /* empty lines */
        {"v=0\r\nm=audio 5 RTP/AVP 0", 3},                      /* no final newline */
        /* no SDP */
        {"", -1},
        {"hello", -1},
        {"v=1\r\nm=audio 5 RTP/AVP 0\r\n", -1},
        {"v=0\r\ns=-\r\n", -1},                        /* no m= */
        {"v=0\r\nxx\r\nm=audio 5 RTP/AVP 0\r\n", -1},  /* not x= */
        {"v=0\r\nA=b\r\nm=audio 5 RTP/AVP 0\r\n", -1}, /* type not a-z */
        {"v=0\r\n=\r\nm=audio 5 RTP/AVP 0\r\n", -1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int d = ot_sip_sdp_direction(cases[i].sdp, strlen(cases[i].sdp));
        if (d != cases[i].dir)
            FAIL("case %zu: %d, expected %d", i, d, cases[i].dir);
    }
    /* a NUL inside, and a length that cuts the text: only len bytes are read */
    static const char nul[] = "v=0\r\nm=audio 5 RTP/AVP 0\r\na=send\0only\r\n";
    CHECK_EQ(ot_sip_sdp_direction(nul, sizeof(nul) - 1), -1);
    static const char cut[] = "v=0\r\nm=audio 5 RTP/AVP 0\r\na=sendonly\r\n";
    CHECK_EQ(ot_sip_sdp_direction(cut, sizeof(cut) - 1 - 10), 3); /* "a=se" */
    CHECK_EQ(ot_sip_sdp_direction(NULL, 5), -1);
    CHECK_EQ(ot_sip_sdp_direction(cut, 2), -1);
    CHECK(!strcmp(ot_sip_sdp_dir_name(OT_SIP_SDP_SEND), "sendonly"));
    CHECK(!strcmp(ot_sip_sdp_dir_name(OT_SIP_SDP_RECV), "recvonly"));
    CHECK(!strcmp(ot_sip_sdp_dir_name(0), "inactive"));
    CHECK(!strcmp(ot_sip_sdp_dir_name(3), "sendrecv"));
}

/* ---- against SIPp ------------------------------------------------------------- */
/* We call SIPp (scenario), it answers: the call CONNECTED. */
static HCALL call_sipp(tapp *a, HLINE hl, int sipp_port)
{
    char dest[64];
    snprintf(dest, sizeof(dest), "sip:sipp@127.0.0.1:%d", sipp_port);
    HCALL h = t_make_call(a, hl, dest, NULL, 0);
    t_expect_state(a, h, LINECALLSTATE_DIALING, 0);
    sh_wait_state(a, h, LINECALLSTATE_CONNECTED);
    /* the connected party's LINE_CALLINFO came before it */
    expect_mode(h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    return h;
}

static DWORD call_features(HCALL h)
{
    LINECALLSTATUS s;
    t_status(h, &s);
    return s.dwCallFeatures;
}

/* lineHold: the re-INVITE offers sendonly (SDP version 2, checked by SIPp),
 * ONHOLD and the reply after its 200; lineUnhold: sendrecv (version 3),
 * CONNECTED again; lineDrop of the connected call: BYE.  A monitor on the
 * line sees every state. */
TEST_THREADED(sip_hold_sipp_hold_unhold)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a, mon;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, "uas_hold.xml", sh_port(1), 0, 1, NULL);
    HCALL h = call_sipp(&a, hl, sh_port(1)), hm;
    t_init(&mon, "monitor"); /* a monitor that comes later: lineGetNewCalls */
    HLINE lm = t_open(&mon, 0, LINECALLPRIVILEGE_MONITOR);
    t_monitor_handles(lm, &h, &hm, 1);
    t_expect_callinfo(&a, h, LINECALLINFOSTATE_NUMMONITORS);
    CHECK_EQ(call_features(h) & (LINECALLFEATURE_HOLD | LINECALLFEATURE_UNHOLD),
             LINECALLFEATURE_HOLD);
    /* wrong states, and a monitor, are refused before anything is sent */
    CHECK_RC(lineUnhold(h), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineHold(hm), LINEERR_NOTOWNER);

    sh_reinvites base = sh_reinvites_now();
    LONG req = lineHold(h);
    CHECK_REQ(req);
    CHECK_RC(lineHold(h), LINEERR_INVALCALLSTATE); /* one re-INVITE at a time */
    t_expect_state(&a, h, LINECALLSTATE_ONHOLD, 0);
    t_expect_reply(&a, req, 0);
    t_expect_state(&mon, hm, LINECALLSTATE_ONHOLD, 0);
    const DWORD hud = LINECALLFEATURE_HOLD | LINECALLFEATURE_UNHOLD | LINECALLFEATURE_DROP;
    CHECK_EQ(call_features(h) & hud, LINECALLFEATURE_UNHOLD | LINECALLFEATURE_DROP);
    CHECK_RC(lineHold(h), LINEERR_INVALCALLSTATE);
    CHECK_RC(lineSendUserUserInfo(h, "\x04x", 2), LINEERR_INVALCALLSTATE);

    req = lineUnhold(h);
    CHECK_REQ(req);
    t_expect_state(&a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&a, req, 0);
    t_expect_state(&mon, hm, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    sh_wait_reinvites(base, 2, 0);

    sh_drop_idle_uui(&a, h, NULL, 0);
    t_expect_state(&mon, hm, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hm), 0);
    t_expect_none(&mon);
    t_shutdown(&mon);
    sh_finish(&a, &sipp);
}

/* The re-INVITE refused (488, or 491 glare): the request fails with
 * LINEERR_OPERATIONFAILED and the call stays CONNECTED (no state message);
 * then lineDrop sends the BYE SIPp waits for. */
static void hold_refused(const char *status, const char *phrase)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    const char *subst[] = {"STATUS", status, "PHRASE", phrase, NULL};
    sh_sipp_start(&sipp, sh_sipp_template("uas_hold_refused.xml", subst), sh_port(1), 0, 1,
                  NULL);
    HCALL h = call_sipp(&a, hl, sh_port(1));
    sh_reinvites base = sh_reinvites_now();
    LONG req = lineHold(h);
    CHECK_REQ(req);
    t_expect_reply(&a, req, LINEERR_OPERATIONFAILED);
    sh_wait_reinvites(base, 1, 0);
    t_expect_none(&a);
    expect_mode(h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    CHECK_EQ(call_features(h) & LINECALLFEATURE_HOLD, LINECALLFEATURE_HOLD);
    sh_drop_idle_uui(&a, h, NULL, 0);
    sh_finish(&a, &sipp);
}

TEST(sip_hold_sipp_refuses_488) { hold_refused("488", "Not Acceptable Here"); }
TEST(sip_hold_sipp_refuses_491) { hold_refused("491", "Request Pending"); }

/* Glare: SIPp's own re-INVITE crosses our hold re-INVITE; it is answered 491
 * (SIPp checks; Sofia-SIP's NUA sends it itself, before the provider sees
 * the request) and changes nothing here (no ACTIVEHELD), and SIPp's 200 to
 * ours puts the call ONHOLD; lineDrop then sends the BYE. */
TEST(sip_hold_sipp_glare_gets_491)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, "uas_hold_glare.xml", sh_port(1), 0, 1, NULL);
    HCALL h = call_sipp(&a, hl, sh_port(1));
    sh_reinvites base = sh_reinvites_now();
    LONG req = lineHold(h);
    CHECK_REQ(req);
    t_expect_state(&a, h, LINECALLSTATE_ONHOLD, 0);
    t_expect_reply(&a, req, 0);
    sh_wait_reinvites(base, 1, 0);
    CHECK_EQ(sh_reinvites_now().received, base.received); /* NUA's 491: never ours to see */
    t_expect_none(&a);
    sh_drop_idle_uui(&a, h, NULL, 0);
    sh_finish(&a, &sipp);
}

/* SIPp challenges the hold re-INVITE (407).  A line without a password:
 * the hold fails (LINEERR_OPERATIONFAILED, still CONNECTED) and lineDrop's
 * BYE still goes (SIPp waits for it).  With a password the re-INVITE goes
 * again with Proxy-Authorization (checked by SIPp) and the hold succeeds. */
static void hold_challenged(bool password)
{
    int port = sh_port(0);
    sh_config_line(port, password ? "password = secret\n" : NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, password ? "uas_hold_challenged_auth.xml" : "uas_hold_challenged.xml",
                  sh_port(1), 0, 1, NULL);
    HCALL h = call_sipp(&a, hl, sh_port(1));
    sh_reinvites base = sh_reinvites_now();
    LONG req = lineHold(h);
    CHECK_REQ(req);
    if (password) {
        t_expect_state(&a, h, LINECALLSTATE_ONHOLD, 0);
        t_expect_reply(&a, req, 0);
    } else {
        t_expect_reply(&a, req, LINEERR_OPERATIONFAILED);
        expect_mode(h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    }
    sh_wait_reinvites(base, 1, 0);
    t_expect_none(&a);
    sh_drop_idle_uui(&a, h, NULL, 0);
    sh_finish(&a, &sipp);
}

TEST(sip_hold_challenged_without_password_fails) { hold_challenged(false); }
TEST(sip_hold_challenged_with_password_retries) { hold_challenged(true); }

/* SIPp holds us (sendonly; later c=0.0.0.0) and resumes: CONNECTED/ACTIVEHELD
 * and back to ACTIVE, our answers recvonly / sendrecv (checked by SIPp);
 * a re-INVITE whose body is no SDP gets 488 and one of another type 415,
 * both changing nothing.  Its BYE then ends the call. */
TEST_THREADED(sip_hold_sipp_holds_us)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    union {
        LINEADDRESSCAPS ac;
        unsigned char raw[4096];
    } u;
    memset(&u, 0, sizeof(u));
    u.ac.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetAddressCaps(a.h, 0, 0, T_API, 0, &u.ac), 0);
    CHECK_EQ(u.ac.dwConnectedModes, LINECONNECTEDMODE_ACTIVE | LINECONNECTEDMODE_ACTIVEHELD);
    sproc sipp;
    sh_reinvites base = sh_reinvites_now();
    sh_sipp_start(&sipp, "uac_holds_us.xml", sh_port(1), port, 1, NULL);
    HCALL h = t_expect_offer(&a, hl);
    LONG req = lineAnswer(h, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&a, req, 0);
    t_expect_state(&a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    t_expect_state(&a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    t_expect_state(&a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&a, h, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    /* six re-INVITEs answered: four 200s, the 488 and the 415 */
    sh_wait_reinvites(base, 0, 6);
    sh_drop_idle_uui(&a, h, NULL, 0);
    sh_finish(&a, &sipp);
}

/* SIPp calls us on hold (the INVITE offers sendonly): our 200 answers
 * recvonly (SDP version 1, checked by SIPp) and the answered call is
 * CONNECTED/ACTIVEHELD at once; SIPp resumes (ACTIVE), then hangs up. */
TEST(sip_hold_sipp_calls_on_hold)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, "uac_calls_held.xml", sh_port(1), port, 1, NULL);
    HCALL h = t_expect_offer(&a, hl);
    LONG req = lineAnswer(h, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    t_expect_reply(&a, req, 0);
    t_expect_state(&a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&a, h, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    sh_drop_idle_uui(&a, h, NULL, 0);
    sh_finish(&a, &sipp);
}

/* ---- two opentapi lines ---------------------------------------------------------- */
static void config_pair(int pa, int pb)
{
    char text[512];
    snprintf(text, sizeof(text),
             "[line]\nprovider = sip\nname = Alice\nnumber = alice\nuri = sip:alice@127.0.0.1:%d\n"
             "[line]\nprovider = sip\nname = Bob\nnumber = bob\nuri = sip:bob@127.0.0.1:%d\n",
             pa, pb);
    t_config(text);
}

/* alice calls bob, bob answers: both CONNECTED/ACTIVE, queues empty. */
static void connect_lines(tpair *p, int pb, HCALL *ha, HCALL *hb)
{
    char dest[64];
    snprintf(dest, sizeof(dest), "sip:bob@127.0.0.1:%d", pb);
    *ha = t_make_call(&p->a, p->la, dest, NULL, 0);
    t_expect_state(&p->a, *ha, LINECALLSTATE_DIALING, 0);
    *hb = t_expect_offer(&p->b, p->lb);
    LONG req = lineAnswer(*hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p->b, *hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&p->b, req, 0);
    LINEMESSAGE m = t_next(&p->a);
    if (m.dwMessageID == LINE_CALLSTATE && m.dwParam1 == LINECALLSTATE_PROCEEDING)
        m = t_next(&p->a);
    CHECK_EQ(m.dwMessageID, LINE_CALLINFO);
    CHECK_EQ(m.dwParam1, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&p->a, *ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_none(&p->a);
    t_expect_none(&p->b);
}

/* alice holds bob: alice ONHOLD, bob (and bob's monitor) CONNECTED/ACTIVEHELD.
 * bob holds too: bob ONHOLD, alice sees nothing (she holds).  alice
 * resumes: CONNECTED/ACTIVEHELD, as bob still holds; bob resumes: both
 * CONNECTED/ACTIVE.  Then bob drops the call: BYE, alice DISCONNECTED. */
TEST_THREADED(sip_hold_between_lines)
{
    int pa = sh_free_port(), pb = sh_free_port();
    config_pair(pa, pb);
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb, hm;
    connect_lines(&p, pb, &ha, &hb);
    tapp mon;
    t_init(&mon, "bob-monitor");
    HLINE lm = t_open(&mon, 1, LINECALLPRIVILEGE_MONITOR);
    t_monitor_handles(lm, &hb, &hm, 1);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_NUMMONITORS);
    sh_reinvites base = sh_reinvites_now();

    LONG req = lineHold(ha);
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_ONHOLD, 0);
    t_expect_reply(&p.a, req, 0);
    t_expect_state(&p.b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    t_expect_state(&mon, hm, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    sh_wait_reinvites(base, 1, 1);
    /* a call held by its peer can be held, not unheld */
    CHECK_RC(lineUnhold(hb), LINEERR_INVALCALLSTATE);
    CHECK_EQ(call_features(hb) & (LINECALLFEATURE_HOLD | LINECALLFEATURE_UNHOLD),
             LINECALLFEATURE_HOLD);

    req = lineHold(hb); /* offers inactive: alice holds */
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_ONHOLD, 0);
    t_expect_reply(&p.b, req, 0);
    t_expect_state(&mon, hm, LINECALLSTATE_ONHOLD, 0);
    sh_wait_reinvites(base, 2, 2);
    t_expect_none(&p.a); /* alice's call is on hold here: no mode to change */

    req = lineUnhold(ha);
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    t_expect_reply(&p.a, req, 0);
    sh_wait_reinvites(base, 3, 3);
    t_expect_none(&p.b);
    t_expect_none(&mon);

    req = lineUnhold(hb);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&p.b, req, 0);
    t_expect_state(&mon, hm, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(&p.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    sh_wait_reinvites(base, 4, 4);

    req = lineDrop(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.b, req, 0);
    t_expect_state(&mon, hm, LINECALLSTATE_IDLE, 0);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.a, ha);
    CHECK_RC(lineDeallocateCall(hb), 0);
    CHECK_RC(lineDeallocateCall(hm), 0);
    sh_wait_dialogs(0);
    t_expect_none(&mon);
    t_shutdown(&mon);
    t_pair_done(&p);
}

/* Everything a's queue holds now for h: the reply to req (its result in
 * *result), an ONHOLD state, CONNECTED modes; anything else fails. */
static void drain_hold(tapp *a, HCALL h, LONG req, LONG *result, bool *onhold, DWORD *mode)
{
    LINEMESSAGE m;
    bool replied = false;
    while (t_poll(a, &m)) {
        if (m.dwMessageID == LINE_REPLY && (LONG)m.dwParam1 == req && !replied) {
            replied = true;
            *result = (LONG)m.dwParam2;
        } else if (m.dwMessageID == LINE_CALLSTATE && m.hDevice == h && !replied &&
                   m.dwParam1 == LINECALLSTATE_ONHOLD && !*onhold)
            *onhold = true; /* before its reply */
        else if (m.dwMessageID == LINE_CALLSTATE && m.hDevice == h &&
                 m.dwParam1 == LINECALLSTATE_CONNECTED)
            *mode = (DWORD)m.dwParam2;
        else
            FAIL("unexpected %s(%08x %lx %lx)", otMessageName(m.dwMessageID),
                 (unsigned)m.hDevice, (unsigned long)m.dwParam1, (unsigned long)m.dwParam2);
    }
    if (!replied)
        FAIL("no reply to request %ld", (long)req);
}

/* Both lines hold at once: the two re-INVITEs usually cross (glare, each
 * answered 491 by Sofia-SIP's NUA), or one arrives first.  Whatever the
 * timing, each request ends either SUCCESS with the call ONHOLD or
 * LINEERR_OPERATIONFAILED with the call still CONNECTED, and a side whose
 * hold failed sees the other's hold (ACTIVEHELD) exactly when that one
 * succeeded.  A failed side then holds alone, which succeeds. */
TEST(sip_hold_between_lines_both_at_once)
{
    int pa = sh_free_port(), pb = sh_free_port();
    config_pair(pa, pb);
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    connect_lines(&p, pb, &ha, &hb);
    sh_reinvites base = sh_reinvites_now();
    LONG qa = lineHold(ha), qb = lineHold(hb);
    CHECK_REQ(qa);
    CHECK_REQ(qb);
    sh_wait_reinvites(base, 2, 0); /* both final responses handled: all is queued */
    LONG ra = 1, rb = 1;
    bool ha_held = false, hb_held = false;
    DWORD ma = LINECONNECTEDMODE_ACTIVE, mb = LINECONNECTEDMODE_ACTIVE;
    drain_hold(&p.a, ha, qa, &ra, &ha_held, &ma);
    drain_hold(&p.b, hb, qb, &rb, &hb_held, &mb);
    const LONG failed = (LONG)LINEERR_OPERATIONFAILED;
    if ((ra != 0 && ra != failed) || (rb != 0 && rb != failed))
        FAIL("replies %s, %s", otErrorName(ra), otErrorName(rb));
    CHECK_EQ(ha_held, ra == 0);
    CHECK_EQ(hb_held, rb == 0);
    CHECK_EQ(t_state(ha, NULL), ra == 0 ? LINECALLSTATE_ONHOLD : LINECALLSTATE_CONNECTED);
    CHECK_EQ(t_state(hb, NULL), rb == 0 ? LINECALLSTATE_ONHOLD : LINECALLSTATE_CONNECTED);
    if (ra != 0)
        CHECK_EQ(ma, rb == 0 ? LINECONNECTEDMODE_ACTIVEHELD : LINECONNECTEDMODE_ACTIVE);
    if (rb != 0)
        CHECK_EQ(mb, ra == 0 ? LINECONNECTEDMODE_ACTIVEHELD : LINECONNECTEDMODE_ACTIVE);
    /* the side(s) whose hold failed hold again, alone: it works */
    tapp *apps[2] = {&p.a, &p.b};
    HCALL hs[2] = {ha, hb};
    LONG rs[2] = {ra, rb};
    for (int i = 0; i < 2; i++) {
        if (rs[i] == 0)
            continue;
        LONG q = lineHold(hs[i]);
        CHECK_REQ(q);
        t_expect_state(apps[i], hs[i], LINECALLSTATE_ONHOLD, 0);
        t_expect_reply(apps[i], q, 0);
        if (rs[1 - i] != 0 && i == 0) /* the other still talks: it sees the hold */
            t_expect_state(apps[1], hs[1], LINECALLSTATE_CONNECTED,
                           LINECONNECTEDMODE_ACTIVEHELD);
    }
    sh_wait_dialogs(2);
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    /* both on hold: a drop of one ends the other */
    LONG req = lineDrop(ha, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.b, hb);
    CHECK_RC(lineDeallocateCall(ha), 0);
    sh_wait_dialogs(0);
    t_pair_done(&p);
}

/* An application that negotiated TAPI 1.4 does not know ACTIVEHELD (a 2.0
 * mode): for it the call held by its peer stays CONNECTED/ACTIVE (no
 * message for the hold or its end, lineGetCallStatus says ACTIVE), while a
 * 2.x application on the same line sees ACTIVEHELD. */
TEST(sip_hold_tapi14_app_sees_active)
{
    int pa = sh_free_port(), pb = sh_free_port();
    config_pair(pa, pb);
    tpair p;
    t_pair_init(&p, 0, 1);
    tapp old;
    t_init(&old, "tapi14-monitor");
    HLINE lo = 0;
    CHECK_RC(lineOpen(old.h, 1, &lo, 0x00010004, 0, 0, LINECALLPRIVILEGE_MONITOR,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             0);
    HCALL ha, hb;
    connect_lines(&p, pb, &ha, &hb);
    /* the 1.4 monitor: no LINE_APPNEWCALL, its handle comes with OFFERING */
    LINEMESSAGE m = t_next(&old);
    CHECK_EQ(m.dwMessageID, LINE_CALLSTATE);
    CHECK_EQ(m.dwParam1, LINECALLSTATE_OFFERING);
    CHECK_EQ(m.dwParam3, LINECALLPRIVILEGE_MONITOR);
    HCALL ho = (HCALL)m.hDevice;
    t_expect_state(&old, ho, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);

    LONG req = lineHold(ha);
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_ONHOLD, 0);
    t_expect_reply(&p.a, req, 0);
    t_expect_state(&p.b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    LINECALLSTATUS st;
    t_status(ho, &st);
    CHECK_EQ(st.dwCallState, LINECALLSTATE_CONNECTED);
    CHECK_EQ(st.dwCallStateMode, LINECONNECTEDMODE_ACTIVE);
    t_status(hb, &st);
    CHECK_EQ(st.dwCallStateMode, LINECONNECTEDMODE_ACTIVEHELD);
    req = lineUnhold(ha);
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&p.a, req, 0);
    t_expect_state(&p.b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_none(&old); /* neither the hold nor its end */

    req = lineDrop(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.b, req, 0);
    t_expect_state(&old, ho, LINECALLSTATE_IDLE, 0);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.a, ha);
    CHECK_RC(lineDeallocateCall(hb), 0);
    CHECK_RC(lineDeallocateCall(ho), 0);
    sh_wait_dialogs(0);
    t_expect_none(&old);
    t_shutdown(&old);
    t_pair_done(&p);
}

/* lineDrop of a held call sends BYE: the far end (held) DISCONNECTED. */
TEST(sip_hold_drop_held_call_sends_bye)
{
    int pa = sh_free_port(), pb = sh_free_port();
    config_pair(pa, pb);
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    connect_lines(&p, pb, &ha, &hb);
    LONG req = lineHold(ha);
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_ONHOLD, 0);
    t_expect_reply(&p.a, req, 0);
    t_expect_state(&p.b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVEHELD);
    static const unsigned char bye[] = {0x04, 'h', 'e', 'l', 'd'};
    req = lineDrop(ha, (LPCSTR)bye, sizeof(bye));
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    sh_check_uui(hb, bye, sizeof(bye));
    t_drop_idle(&p.b, hb);
    CHECK_RC(lineDeallocateCall(ha), 0);
    sh_wait_dialogs(0);
    t_pair_done(&p);
}

/* A drop while our hold re-INVITE is out: the hold request fails
 * (LINEERR_INVALCALLSTATE), the drop succeeds, nothing is left. */
TEST(sip_hold_drop_while_reinvite_out)
{
    int pa = sh_free_port(), pb = sh_free_port();
    config_pair(pa, pb);
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    connect_lines(&p, pb, &ha, &hb);
    LONG hold = lineHold(ha);
    CHECK_REQ(hold);
    LONG req = lineDrop(ha, NULL, 0);
    CHECK_REQ(req);
    t_expect_reply(&p.a, hold, LINEERR_INVALCALLSTATE);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    /* bob may or may not have seen the re-INVITE before the BYE */
    sh_wait_state(&p.b, hb, LINECALLSTATE_DISCONNECTED);
    t_drop_idle(&p.b, hb);
    CHECK_RC(lineDeallocateCall(ha), 0);
    sh_wait_dialogs(0);
    t_pair_done(&p);
}
