/* DTMF on SIP lines as SIP INFO (sipdigits.c, docs/sip.md): against SIPp
 * (it checks the INFOs we send, and sends the kinds we must read, a
 * malformed one among them) and between two SIP lines of this process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/providers/sip/sip.h"
#include "digit_helpers.h"
#include "sip_helpers.h"

/* SIPp calls us and sends 5 (dtmf-relay), 9 (application/dtmf), a malformed
 * body (ignored and counted) and # (Signal=11); monitoring and a gather of
 * three digits were set up while the call was offered. */
TEST(sip_sipp_dtmf_received)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    ot_sip_counters_reset();
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, "uac_dtmf.xml", sh_port(1), port, 1, NULL);
    HCALL h = t_expect_offer(&a, hl);
    CHECK_RC(lineMonitorDigits(h, LINEDIGITMODE_DTMF), 0);
    char buf[4];
    memset(buf, 'x', sizeof(buf));
    CHECK_RC(lineGatherDigits(h, LINEDIGITMODE_DTMF, buf, 3, NULL, 0, 0), 0);
    LONG req = lineAnswer(h, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&a, h, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&a, req, 0);
    t_expect_digit(&a, h, '5', LINEDIGITMODE_DTMF);
    t_expect_digit(&a, h, '9', LINEDIGITMODE_DTMF);
    t_expect_digit(&a, h, '#', LINEDIGITMODE_DTMF);
    t_expect_gather(&a, h, LINEGATHERTERM_BUFFERFULL);
    CHECK_MEM(buf, "59#x", 4);
    t_expect_state(&a, h, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    struct ot_sip_counters c;
    ot_sip_counters_get(&c);
    CHECK_EQ(c.dtmf_received, 3);
    CHECK_EQ(c.dtmf_malformed, 1);
    CHECK_EQ(c.infos_received, 0); /* no UUI INFO among them */
    sh_drop_idle_uui(&a, h, NULL, 0);
    sh_finish(&a, &sipp);
}

/* We call SIPp and generate "4,2" (an INFO per digit, SIPp checks type and
 * body), then "78": SIPp answers the 7 with 500, the generation ends
 * CANCEL and the 8 is never sent (SIPp expects the BYE next). */
TEST(sip_sipp_dtmf_generated)
{
    int port = sh_port(0);
    sh_config_line(port, NULL);
    tapp a;
    HLINE hl;
    sh_app_open(&a, &hl);
    sproc sipp;
    sh_sipp_start(&sipp, "uas_dtmf.xml", sh_port(1), 0, 1, NULL);
    char dest[64];
    snprintf(dest, sizeof(dest), "sip:sipp@127.0.0.1:%d", sh_port(1));
    HCALL h = t_make_call(&a, hl, dest, NULL, 0);
    t_expect_state(&a, h, LINECALLSTATE_DIALING, 0);
    sh_wait_state(&a, h, LINECALLSTATE_CONNECTED);
    CHECK_RC(lineGenerateDigits(h, LINEDIGITMODE_DTMF, "4,2", 160), 0);
    t_expect_generate(&a, h, LINEGENERATETERM_DONE);
    CHECK_RC(lineGenerateDigits(h, LINEDIGITMODE_DTMF, "78", 160), 0);
    t_expect_generate(&a, h, LINEGENERATETERM_CANCEL);
    sh_drop_idle_uui(&a, h, NULL, 0);
    sh_finish(&a, &sipp);
}

/* Lines 0 (alice) and 1 (bob) on 127.0.0.1. */
static void config_pair(int pa, int pb)
{
    char text[512];
    snprintf(text, sizeof(text),
             "[line]\nprovider = sip\nname = Alice\nnumber = alice\n"
             "uri = sip:alice@127.0.0.1:%d\n"
             "[line]\nprovider = sip\nname = Bob\nnumber = bob\n"
             "uri = sip:bob@127.0.0.1:%d\n",
             pa, pb);
    t_config(text);
}

/* Two SIP lines: digits generated on one are monitored and gathered on the
 * other; what a SIP line cannot do (pulse, tones, media) it neither
 * announces nor does; a drop under a generation cancels it. */
TEST(sip_lines_dtmf_between_lines)
{
    config_pair(sh_port(10), sh_port(11));
    tpair p;
    t_pair_init(&p, 0, 1);
    char dest[64];
    snprintf(dest, sizeof(dest), "sip:bob@127.0.0.1:%d", sh_port(11));
    HCALL ha = t_make_call(&p.a, p.la, dest, NULL, 0);
    t_expect_state(&p.a, ha, LINECALLSTATE_DIALING, 0);
    HCALL hb = t_expect_offer(&p.b, p.lb);
    LONG req = lineAnswer(hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&p.b, req, 0);
    sh_wait_state(&p.a, ha, LINECALLSTATE_CONNECTED);

    CHECK_RC(lineMonitorDigits(hb, LINEDIGITMODE_DTMF | LINEDIGITMODE_DTMFEND), 0);
    char buf[9];
    memset(buf, 'x', sizeof(buf));
    CHECK_RC(lineGatherDigits(hb, LINEDIGITMODE_DTMF, buf, 8, "#", 0, 0), 0);
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_DTMF, "1*#", 0), 0);
    t_expect_dtmf(&p.b, hb, '1');
    t_expect_dtmf(&p.b, hb, '*');
    t_expect_digit(&p.b, hb, '#', LINEDIGITMODE_DTMF);
    t_expect_gather(&p.b, hb, LINEGATHERTERM_TERMDIGIT);
    t_expect_digit(&p.b, hb, '#', LINEDIGITMODE_DTMFEND);
    CHECK_MEM(buf, "1*#", 4);
    t_expect_generate(&p.a, ha, LINEGENERATETERM_DONE);

    /* what SIP lines do not do */
    LINEMONITORTONE mt = {1, 0, 440, 0, 0};
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_PULSE, "1", 0), LINEERR_INVALDIGITMODE);
    CHECK_RC(lineGenerateTone(ha, LINETONEMODE_BEEP, 0, 0, NULL), LINEERR_OPERATIONUNAVAIL);
    CHECK_RC(lineMonitorTones(hb, &mt, 1), LINEERR_OPERATIONUNAVAIL);
    CHECK_RC(lineMonitorMedia(hb, LINEMEDIAMODE_AUTOMATEDVOICE), LINEERR_OPERATIONUNAVAIL);
    CHECK_RC(lineMonitorDigits(hb, LINEDIGITMODE_PULSE), LINEERR_INVALDIGITMODE);
    union {
        LINEDEVCAPS dc;
        unsigned char raw[4096];
    } caps;
    memset(&caps, 0, sizeof(caps));
    caps.dc.dwTotalSize = sizeof(caps);
    CHECK_RC(lineGetDevCaps(p.a.h, 0, T_API, 0, &caps.dc), 0);
    CHECK_EQ(caps.dc.dwGenerateDigitModes, LINEDIGITMODE_DTMF);
    CHECK_EQ(caps.dc.dwMonitorDigitModes, LINEDIGITMODE_DTMF | LINEDIGITMODE_DTMFEND);
    CHECK_EQ(caps.dc.dwGenerateToneModes, 0);
    CHECK_EQ(caps.dc.dwMonitorToneMaxNumFreq, 0);
    CHECK_EQ(caps.dc.dwMonitorToneMaxNumEntries, 0);
    LINECALLSTATUS st;
    t_status(ha, &st);
    CHECK_EQ(st.dwCallFeatures & (LINECALLFEATURE_GENERATEDIGITS | LINECALLFEATURE_GENERATETONE |
                                  LINECALLFEATURE_MONITORDIGITS | LINECALLFEATURE_GATHERDIGITS |
                                  LINECALLFEATURE_MONITORTONES | LINECALLFEATURE_MONITORMEDIA),
             LINECALLFEATURE_GENERATEDIGITS | LINECALLFEATURE_MONITORDIGITS |
                 LINECALLFEATURE_GATHERDIGITS);

    /* the caller hangs up while its digits are on their way */
    CHECK_RC(lineMonitorDigits(hb, 0), 0);
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_DTMF, "123456", 0), 0);
    req = lineDrop(ha, NULL, 0);
    CHECK_REQ(req);
    /* an INFO is always out while digits remain: the drop fails it first */
    t_expect_generate(&p.a, ha, LINEGENERATETERM_CANCEL);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    CHECK_RC(lineDeallocateCall(ha), 0);
    sh_wait_state(&p.b, hb, LINECALLSTATE_DISCONNECTED);
    t_drop_idle(&p.b, hb);
    sh_wait_dialogs(0);
    t_pair_done(&p);
}
