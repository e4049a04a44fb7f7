/* Digits, tones and media modes between connected stations of the switch
 * (mediaapi.c, simdigits.c): the far station's applications hear what one
 * station generates.  The tests named timer_* drive the clock by hand (the
 * service stage leaves them out: the clock is the service's); the others run
 * on the real clock, waiting on messages only, and also through tapisrv. */
#include <stdlib.h>

#include "digit_helpers.h"

/* A monitor application of line 1 with its handle to the connected call. */
static HCALL monitor_of_call(tapp *m, HLINE lm)
{
    HCALL hm = t_expect_newcall(m, lm, LINECALLPRIVILEGE_MONITOR);
    t_expect_state_priv(m, hm, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE,
                        LINECALLPRIVILEGE_MONITOR);
    t_expect_state_priv(m, hm, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE, 0);
    return hm;
}

/* Digits: the far station's owner sees each digit start (DTMF) and end
 * (DTMFEND), its gather ends at the termination digit, the generator gets
 * LINE_GENERATE(DONE); a monitor application of the far line hears them too. */
TEST(digits_generate_monitor_and_gather)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    tapp m;
    t_init(&m, "monitor");
    HLINE lm = t_open(&m, 1, LINECALLPRIVILEGE_MONITOR);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    HCALL hm = monitor_of_call(&m, lm);

    CHECK_RC(lineMonitorDigits(hb, LINEDIGITMODE_DTMF | LINEDIGITMODE_DTMFEND), 0);
    CHECK_RC(lineMonitorDigits(hm, LINEDIGITMODE_DTMF), 0); /* a monitor may monitor */
    char buf[9];
    memset(buf, 'x', sizeof(buf));
    CHECK_RC(lineGatherDigits(hb, LINEDIGITMODE_DTMF, buf, 8, "#", 0, 0), 0);
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_DTMF, "1b#", 40), 0);
    t_expect_dtmf(&p.b, hb, '1');
    t_expect_dtmf(&p.b, hb, 'B'); /* given in either case, heard upper case */
    t_expect_digit(&p.b, hb, '#', LINEDIGITMODE_DTMF);
    t_expect_gather(&p.b, hb, LINEGATHERTERM_TERMDIGIT); /* the termination digit is in */
    CHECK_MEM(buf, "1B#", 4);
    t_expect_digit(&p.b, hb, '#', LINEDIGITMODE_DTMFEND);
    t_expect_digit(&m, hm, '1', LINEDIGITMODE_DTMF);
    t_expect_digit(&m, hm, 'B', LINEDIGITMODE_DTMF);
    t_expect_digit(&m, hm, '#', LINEDIGITMODE_DTMF);
    t_expect_generate(&p.a, ha, LINEGENERATETERM_DONE);
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    t_expect_none(&m);

    /* pulse digits: mode PULSE and no end; the monitor of DTMF hears nothing;
     * a pause (',') is silence */
    CHECK_RC(lineMonitorDigits(hb, LINEDIGITMODE_PULSE), 0);
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_PULSE, "7,0", 40), 0);
    t_expect_digit(&p.b, hb, '7', LINEDIGITMODE_PULSE);
    t_expect_digit(&p.b, hb, '0', LINEDIGITMODE_PULSE);
    t_expect_generate(&p.a, ha, LINEGENERATETERM_DONE);
    t_expect_none(&p.b);
    t_expect_none(&m);

    /* the far side generates back; dwDigitModes 0 ends monitoring */
    CHECK_RC(lineMonitorDigits(ha, LINEDIGITMODE_DTMF), 0);
    CHECK_RC(lineMonitorDigits(hb, 0), 0);
    CHECK_RC(lineMonitorDigits(hm, 0), 0);
    CHECK_RC(lineGenerateDigits(hb, LINEDIGITMODE_DTMF, "*", 40), 0);
    t_expect_digit(&p.a, ha, '*', LINEDIGITMODE_DTMF);
    t_expect_generate(&p.b, hb, LINEGENERATETERM_DONE);
    t_expect_none(&p.a);
    t_expect_none(&m);

    /* errors: handle, privilege, mode, digits */
    const LONG D = LINEERR_INVALDIGITS, M = LINEERR_INVALDIGITMODE;
    CHECK_RC(lineGenerateDigits(0, LINEDIGITMODE_DTMF, "1", 0), LINEERR_INVALCALLHANDLE);
    CHECK_RC(lineGenerateDigits(hm, LINEDIGITMODE_DTMF, "1", 0), LINEERR_NOTOWNER);
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_DTMFEND, "1", 0), M);
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_DTMF | LINEDIGITMODE_PULSE, "1", 0), M);
    CHECK_RC(lineGenerateDigits(ha, 0x100, "1", 0), M);
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_DTMF, "12x", 0), D);
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_DTMF, "", 0), D);
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_PULSE, "1*", 0), D);
    char many[300];
    memset(many, '5', sizeof(many) - 1);
    many[sizeof(many) - 1] = '\0';
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_DTMF, many, 0), LINEERR_RESOURCEUNAVAIL);
    CHECK_RC(lineMonitorDigits(hb, 0x100), M);
    CHECK_RC(lineMonitorDigits(0, LINEDIGITMODE_DTMF), LINEERR_INVALCALLHANDLE);
    CHECK_RC(lineGatherDigits(hm, LINEDIGITMODE_DTMF, buf, 8, NULL, 0, 0), LINEERR_NOTOWNER);
    CHECK_RC(lineGatherDigits(hb, LINEDIGITMODE_DTMFEND, buf, 8, NULL, 0, 0), M);
    CHECK_RC(lineGatherDigits(hb, 0, buf, 8, NULL, 0, 0), M);
    CHECK_RC(lineGatherDigits(hb, LINEDIGITMODE_DTMF, buf, 0, NULL, 0, 0), LINEERR_INVALPARAM);
    CHECK_RC(lineGatherDigits(hb, LINEDIGITMODE_DTMF, buf, 8, "#x", 0, 0), D);
    CHECK_RC(lineGatherDigits(hb, LINEDIGITMODE_PULSE, buf, 8, "#", 0, 0), D);
    CHECK_RC(lineGatherDigits(hb, LINEDIGITMODE_DTMF, buf, 8, NULL, 5, 0), LINEERR_INVALTIMEOUT);
    CHECK_RC(lineGatherDigits(hb, LINEDIGITMODE_DTMF, buf, 8, NULL, 0, 3600001),
             LINEERR_INVALTIMEOUT);
    /* cancels with nothing under way: nothing happens */
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_DTMF, NULL, 0), 0);
    CHECK_RC(lineGatherDigits(hb, LINEDIGITMODE_DTMF, NULL, 0, NULL, 0, 0), 0);
    t_expect_none(&p.a);
    t_expect_none(&p.b);

    /* on hold the call generates nothing */
    LONG req = lineHold(ha);
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_ONHOLD, 0);
    t_expect_reply(&p.a, req, 0);
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_DTMF, "1", 0), LINEERR_INVALCALLSTATE);
    LINECALLSTATUS st;
    t_status(ha, &st);
    CHECK_EQ(st.dwCallFeatures & LINECALLFEATURE_GENERATEDIGITS, 0);
    req = lineUnhold(ha);
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&p.a, req, 0);
    t_status(ha, &st);
    CHECK_EQ(st.dwCallFeatures & (LINECALLFEATURE_GENERATEDIGITS | LINECALLFEATURE_GENERATETONE |
                                  LINECALLFEATURE_MONITORDIGITS | LINECALLFEATURE_GATHERDIGITS |
                                  LINECALLFEATURE_MONITORTONES | LINECALLFEATURE_MONITORMEDIA),
             LINECALLFEATURE_GENERATEDIGITS | LINECALLFEATURE_GENERATETONE |
                 LINECALLFEATURE_MONITORDIGITS | LINECALLFEATURE_GATHERDIGITS |
                 LINECALLFEATURE_MONITORTONES | LINECALLFEATURE_MONITORMEDIA);

    t_drop_idle(&p.b, hb);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_state(&m, hm, LINECALLSTATE_IDLE, 0);
    CHECK_RC(lineDeallocateCall(hm), 0);
    t_drop_idle(&p.a, ha);
    t_expect_none(&m);
    t_shutdown(&m);
    t_pair_done(&p);
}

/* A new generation, a cancel (NULL digits) and the call leaving CONNECTED end
 * the generation under way with LINE_GENERATE(CANCEL); a gather is cancelled by
 * lpsDigits NULL and by the disconnect, with the digits it had. */
TEST(digits_cancelled)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    CHECK_RC(lineMonitorDigits(hb, LINEDIGITMODE_DTMF), 0);
    char buf[8];
    memset(buf, 'x', sizeof(buf));
    CHECK_RC(lineGatherDigits(hb, LINEDIGITMODE_DTMF, buf, 8, NULL, 0, 0), 0);
    /* 2 s per digit: the first is heard at once, the rest never */
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_DTMF, "123", 2000), 0);
    t_expect_digit(&p.b, hb, '1', LINEDIGITMODE_DTMF);
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_DTMF, "4", 40), 0);
    t_expect_generate(&p.a, ha, LINEGENERATETERM_CANCEL);
    t_expect_digit(&p.b, hb, '4', LINEDIGITMODE_DTMF);
    t_expect_generate(&p.a, ha, LINEGENERATETERM_DONE);
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_DTMF, "56", 2000), 0);
    t_expect_digit(&p.b, hb, '5', LINEDIGITMODE_DTMF);
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_DTMF, NULL, 0), 0);
    t_expect_generate(&p.a, ha, LINEGENERATETERM_CANCEL);
    /* a tone cancels digits too: one generation per call */
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_DTMF, "9", 2000), 0);
    t_expect_digit(&p.b, hb, '9', LINEDIGITMODE_DTMF);
    CHECK_RC(lineGenerateTone(ha, LINETONEMODE_BEEP, 5000, 0, NULL), 0);
    t_expect_generate(&p.a, ha, LINEGENERATETERM_CANCEL);
    CHECK_RC(lineGenerateTone(ha, 0, 0, 0, NULL), 0); /* tone mode 0 cancels */
    t_expect_generate(&p.a, ha, LINEGENERATETERM_CANCEL);
    /* the gather had 1, 4, 5 and 9; its cancel hands them over */
    CHECK_RC(lineGatherDigits(hb, LINEDIGITMODE_DTMF, NULL, 0, NULL, 0, 0), 0);
    t_expect_gather(&p.b, hb, LINEGATHERTERM_CANCEL);
    CHECK_MEM(buf, "1459", 5);
    /* the call ends under a generation and a gather */
    memset(buf, 'x', sizeof(buf));
    CHECK_RC(lineGatherDigits(ha, LINEDIGITMODE_DTMF, buf, 8, NULL, 0, 0), 0);
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_DTMF, "77", 2000), 0);
    t_expect_digit(&p.b, hb, '7', LINEDIGITMODE_DTMF);
    t_drop_idle(&p.b, hb);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_generate(&p.a, ha, LINEGENERATETERM_CANCEL);
    t_expect_gather(&p.a, ha, LINEGATHERTERM_CANCEL);
    CHECK_EQ(buf[0], '\0'); /* nothing gathered */
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_DTMF, "1", 0), LINEERR_INVALCALLSTATE);
    /* a gather on a disconnected call may be started (any state but IDLE) and
     * is dropped silently with its handle */
    CHECK_RC(lineGatherDigits(ha, LINEDIGITMODE_DTMF, buf, 8, NULL, 0, 0), 0);
    LONG req = lineDrop(ha, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_gather(&p.a, ha, LINEGATHERTERM_CANCEL); /* IDLE ends it */
    t_expect_reply(&p.a, req, 0);
    CHECK_RC(lineDeallocateCall(ha), 0);
    /* and one that its handle's deallocation ends gets no message */
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    CHECK_RC(lineGatherDigits(ha, LINEDIGITMODE_DTMF, buf, 8, NULL, 0, 0), 0);
    t_drop_idle(&p.b, hb);
    t_expect_state(&p.a, ha, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_gather(&p.a, ha, LINEGATHERTERM_CANCEL);
    CHECK_RC(lineGatherDigits(ha, LINEDIGITMODE_DTMF, buf, 8, NULL, 0, 0), 0);
    CHECK_RC(lineDeallocateCall(ha), 0);
    t_expect_none(&p.a);
    t_pair_done(&p);
}

/* Tones: the far station's lineMonitorTones entries match by frequencies
 * (in any order) and minimum duration; LINE_GENERATE(DONE) at the end. */
TEST(digits_tones_generate_and_monitor)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    LINEMONITORTONE mt[3];
    memset(mt, 0, sizeof(mt));
    mt[0].dwAppSpecific = 7, mt[0].dwDuration = 100, mt[0].dwFrequency1 = 620,
    mt[0].dwFrequency2 = 480;                                                /* busy */
    mt[1].dwAppSpecific = 8, mt[1].dwDuration = 0, mt[1].dwFrequency1 = 1000; /* beep */
    mt[2].dwAppSpecific = 9, mt[2].dwDuration = 500, mt[2].dwFrequency1 = 440,
    mt[2].dwFrequency2 = 480; /* ringback, at least 500 ms */
    CHECK_RC(lineMonitorTones(hb, mt, 3), 0);
    CHECK_RC(lineGenerateTone(ha, LINETONEMODE_BUSY, 120, 0, NULL), 0);
    t_expect_msg(&p.b, hb, LINE_MONITORTONE, 7, 0);
    t_expect_generate(&p.a, ha, LINEGENERATETERM_DONE);
    CHECK_RC(lineGenerateTone(ha, LINETONEMODE_BEEP, 0, 0, NULL), 0); /* 200 ms */
    t_expect_msg(&p.b, hb, LINE_MONITORTONE, 8, 0);
    t_expect_generate(&p.a, ha, LINEGENERATETERM_DONE);
    LINEGENERATETONE gt = {1000, 100, 100, 50};
    CHECK_RC(lineGenerateTone(ha, LINETONEMODE_CUSTOM, 50, 1, &gt), 0);
    t_expect_msg(&p.b, hb, LINE_MONITORTONE, 8, 0);
    t_expect_generate(&p.a, ha, LINEGENERATETERM_DONE);
    /* ringback too short for entry 9: heard, not reported */
    CHECK_RC(lineGenerateTone(ha, LINETONEMODE_RINGBACK, 100, 0, NULL), 0);
    t_expect_generate(&p.a, ha, LINEGENERATETERM_DONE);
    t_expect_none(&p.b);
    /* 1000 + 440 Hz is neither beep nor ringback */
    LINEGENERATETONE two[2] = {{1000, 0, 0, 50}, {440, 0, 0, 50}};
    CHECK_RC(lineGenerateTone(ha, LINETONEMODE_CUSTOM, 50, 2, two), 0);
    t_expect_generate(&p.a, ha, LINEGENERATETERM_DONE);
    t_expect_none(&p.b);
    /* a NULL list ends monitoring */
    CHECK_RC(lineMonitorTones(hb, NULL, 0), 0);
    CHECK_RC(lineGenerateTone(ha, LINETONEMODE_BEEP, 50, 0, NULL), 0);
    t_expect_generate(&p.a, ha, LINEGENERATETERM_DONE);
    t_expect_none(&p.b);

    /* errors */
    LINEGENERATETONE four[4] = {{400, 0, 0, 1}, {500, 0, 0, 1}, {600, 0, 0, 1}, {700, 0, 0, 1}};
    LINEGENERATETONE zero = {0, 0, 0, 1};
    CHECK_RC(lineGenerateTone(ha, LINETONEMODE_BILLING, 0, 0, NULL), LINEERR_INVALTONEMODE);
    CHECK_RC(lineGenerateTone(ha, LINETONEMODE_BEEP | LINETONEMODE_BUSY, 0, 0, NULL),
             LINEERR_INVALTONEMODE);
    CHECK_RC(lineGenerateTone(ha, LINETONEMODE_CUSTOM, 0, 1, NULL), LINEERR_INVALPOINTER);
    CHECK_RC(lineGenerateTone(ha, LINETONEMODE_CUSTOM, 0, 4, four), LINEERR_INVALTONE);
    CHECK_RC(lineGenerateTone(ha, LINETONEMODE_CUSTOM, 0, 0, four), LINEERR_INVALTONE);
    CHECK_RC(lineGenerateTone(ha, LINETONEMODE_CUSTOM, 0, 1, &zero), LINEERR_INVALTONE);
    CHECK_RC(lineGenerateTone(0, LINETONEMODE_BEEP, 0, 0, NULL), LINEERR_INVALCALLHANDLE);
    LINEMONITORTONE nine[9];
    memset(nine, 0, sizeof(nine));
    for (int i = 0; i < 9; i++)
        nine[i].dwFrequency1 = 400;
    CHECK_RC(lineMonitorTones(hb, nine, 9), LINEERR_INVALTONELIST);
    CHECK_RC(lineMonitorTones(hb, nine, 0), LINEERR_INVALTONELIST);
    nine[0].dwFrequency1 = 0; /* silence is not detected */
    CHECK_RC(lineMonitorTones(hb, nine, 1), LINEERR_INVALTONE);
    nine[0].dwFrequency1 = 30000;
    CHECK_RC(lineMonitorTones(hb, nine, 1), LINEERR_INVALTONE);
    t_expect_none(&p.a);
    t_expect_none(&p.b);
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.b, hb);
    t_pair_done(&p);
}

/* lineSetMediaMode on one station: the far station's call takes the mode
 * (LINE_CALLINFO(MEDIAMODE)) and its handles that monitor the mode get
 * LINE_MONITORMEDIA. */
TEST(digits_monitor_media)
{
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    CHECK_RC(lineMonitorMedia(hb, LINEMEDIAMODE_AUTOMATEDVOICE), 0);
    CHECK_RC(lineSetMediaMode(ha, LINEMEDIAMODE_AUTOMATEDVOICE), 0);
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_MEDIAMODE);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_MEDIAMODE);
    t_expect_msg(&p.b, hb, LINE_MONITORMEDIA, LINEMEDIAMODE_AUTOMATEDVOICE, 0);
    tcallinfo u;
    t_callinfo(hb, &u);
    CHECK_EQ(u.ci.dwMediaMode, LINEMEDIAMODE_AUTOMATEDVOICE);
    /* back to voice: not monitored */
    CHECK_RC(lineSetMediaMode(ha, LINEMEDIAMODE_INTERACTIVEVOICE), 0);
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_MEDIAMODE);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_MEDIAMODE);
    t_expect_none(&p.b);
    CHECK_RC(lineMonitorMedia(hb, LINEMEDIAMODE_G3FAX), LINEERR_INVALMEDIAMODE);
    CHECK_RC(lineMonitorMedia(0, LINEMEDIAMODE_AUTOMATEDVOICE), LINEERR_INVALCALLHANDLE);
    CHECK_RC(lineMonitorMedia(hb, 0), 0);
    CHECK_RC(lineSetMediaMode(ha, LINEMEDIAMODE_AUTOMATEDVOICE), 0);
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_MEDIAMODE);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_MEDIAMODE);
    t_expect_none(&p.b);
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.b, hb);
    t_pair_done(&p);
}

/* The capabilities of a switch line say what it does. */
TEST(digits_switch_capabilities)
{
    tapp a;
    t_init(&a, "caps");
    union {
        LINEDEVCAPS dc;
        LINEADDRESSCAPS ac;
        unsigned char raw[4096];
    } caps;
    memset(&caps, 0, sizeof(caps));
    caps.dc.dwTotalSize = sizeof(caps);
    CHECK_RC(lineGetDevCaps(a.h, 1, T_API, 0, &caps.dc), 0);
    CHECK_EQ(caps.dc.dwGenerateDigitModes, LINEDIGITMODE_DTMF | LINEDIGITMODE_PULSE);
    CHECK_EQ(caps.dc.dwMonitorDigitModes,
             LINEDIGITMODE_DTMF | LINEDIGITMODE_PULSE | LINEDIGITMODE_DTMFEND);
    CHECK_EQ(caps.dc.dwGenerateToneModes, LINETONEMODE_CUSTOM | LINETONEMODE_RINGBACK |
                                              LINETONEMODE_BUSY | LINETONEMODE_BEEP);
    CHECK_EQ(caps.dc.dwGenerateToneMaxNumFreq, 3);
    CHECK_EQ(caps.dc.dwMonitorToneMaxNumFreq, 3);
    CHECK_EQ(caps.dc.dwMonitorToneMaxNumEntries, 8);
    CHECK_EQ(caps.dc.dwGatherDigitsMinTimeout, 10);
    CHECK_EQ(caps.dc.dwGatherDigitsMaxTimeout, 3600000);
    memset(&caps, 0, sizeof(caps));
    caps.ac.dwTotalSize = sizeof(caps);
    CHECK_RC(lineGetAddressCaps(a.h, 1, 0, T_API, 0, &caps.ac), 0);
    const DWORD all = LINECALLFEATURE_GENERATEDIGITS | LINECALLFEATURE_GENERATETONE |
                      LINECALLFEATURE_MONITORDIGITS | LINECALLFEATURE_GATHERDIGITS |
                      LINECALLFEATURE_MONITORTONES | LINECALLFEATURE_MONITORMEDIA;
    CHECK_EQ(caps.ac.dwCallFeatures & all, all);
    t_shutdown(&a);
}

/* ---- on the manual clock ---- */
static void manual(void) { CHECK_RC(otClockSetManual(TRUE), 0); }

/* Each digit sounds dwDuration and is followed by a pause as long. */
TEST(timer_digits_generation_timing)
{
    manual();
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    CHECK_RC(lineMonitorDigits(hb, LINEDIGITMODE_DTMF | LINEDIGITMODE_DTMFEND), 0);
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_DTMF, "12", 100), 0);
    t_expect_digit(&p.b, hb, '1', LINEDIGITMODE_DTMF);
    CHECK_RC(otClockAdvance(99), 0);
    t_expect_none(&p.b);
    CHECK_RC(otClockAdvance(1), 0);
    t_expect_digit(&p.b, hb, '1', LINEDIGITMODE_DTMFEND);
    CHECK_RC(otClockAdvance(100), 0);
    t_expect_digit(&p.b, hb, '2', LINEDIGITMODE_DTMF);
    CHECK_RC(otClockAdvance(100), 0);
    t_expect_digit(&p.b, hb, '2', LINEDIGITMODE_DTMFEND);
    CHECK_RC(otClockAdvance(99), 0);
    t_expect_none(&p.a);
    CHECK_RC(otClockAdvance(1), 0);
    t_expect_generate(&p.a, ha, LINEGENERATETERM_DONE);
    /* durations are brought into 40..2000 ms; 0 is 100 ms */
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_DTMF, "3", 1), 0);
    t_expect_digit(&p.b, hb, '3', LINEDIGITMODE_DTMF);
    CHECK_RC(otClockAdvance(40), 0);
    t_expect_digit(&p.b, hb, '3', LINEDIGITMODE_DTMFEND);
    CHECK_RC(otClockAdvance(40), 0);
    t_expect_generate(&p.a, ha, LINEGENERATETERM_DONE);
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_DTMF, "4", 0), 0);
    t_expect_digit(&p.b, hb, '4', LINEDIGITMODE_DTMF);
    CHECK_RC(otClockAdvance(199), 0);
    t_expect_digit(&p.b, hb, '4', LINEDIGITMODE_DTMFEND);
    t_expect_none(&p.a);
    CHECK_RC(otClockAdvance(1), 0);
    t_expect_generate(&p.a, ha, LINEGENERATETERM_DONE);
    /* a tone is heard when it has sounded its duration */
    LINEMONITORTONE mt = {5, 0, 1000, 0, 0};
    CHECK_RC(lineMonitorTones(hb, &mt, 1), 0);
    CHECK_RC(lineGenerateTone(ha, LINETONEMODE_BEEP, 0, 0, NULL), 0);
    CHECK_RC(otClockAdvance(199), 0);
    t_expect_none(&p.b);
    t_expect_none(&p.a);
    CHECK_RC(otClockAdvance(1), 0);
    t_expect_msg(&p.b, hb, LINE_MONITORTONE, 5, 0);
    t_expect_generate(&p.a, ha, LINEGENERATETERM_DONE);
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_drop_idle(&p.b, hb);
    t_pair_done(&p);
}

/* Gathering: first-digit timeout, inter-digit timeout, buffer full. */
TEST(timer_digits_gather_timeouts)
{
    manual();
    tpair p;
    t_pair_init(&p, 0, 1);
    HCALL ha, hb;
    t_connect(&p.a, p.la, &p.b, p.lb, "101", &ha, &hb);
    char buf[8];
    memset(buf, 'x', sizeof(buf));
    CHECK_RC(lineGatherDigits(hb, LINEDIGITMODE_DTMF, buf, 4, "#", 1000, 500), 0);
    CHECK_RC(otClockAdvance(999), 0);
    t_expect_none(&p.b);
    CHECK_RC(otClockAdvance(1), 0);
    t_expect_gather(&p.b, hb, LINEGATHERTERM_FIRSTTIMEOUT);
    CHECK_EQ(buf[0], '\0');

    /* inter-digit: 500 ms after the last digit; the first timeout stops at the first digit */
    memset(buf, 'x', sizeof(buf));
    CHECK_RC(lineGatherDigits(hb, LINEDIGITMODE_DTMF, buf, 4, "#", 1000, 500), 0);
    CHECK_RC(otClockAdvance(900), 0);
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_DTMF, "12", 100), 0); /* '2' at +200 */
    CHECK_RC(otClockAdvance(400), 0);
    t_expect_generate(&p.a, ha, LINEGENERATETERM_DONE);
    CHECK_RC(otClockAdvance(299), 0); /* 499 ms after '2' */
    t_expect_none(&p.b);
    CHECK_RC(otClockAdvance(1), 0);
    t_expect_gather(&p.b, hb, LINEGATHERTERM_INTERTIMEOUT);
    CHECK_MEM(buf, "12", 3);

    /* buffer full: no terminator written when the buffer is full */
    memset(buf, 'x', sizeof(buf));
    CHECK_RC(lineGatherDigits(hb, LINEDIGITMODE_DTMF, buf, 2, NULL, 0, 0), 0);
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_DTMF, "345", 100), 0);
    CHECK_RC(otClockAdvance(200), 0);
    t_expect_gather(&p.b, hb, LINEGATHERTERM_BUFFERFULL);
    CHECK_MEM(buf, "34x", 3);
    CHECK_RC(otClockAdvance(400), 0);
    t_expect_generate(&p.a, ha, LINEGENERATETERM_DONE);
    /* pulse digits are not gathered by a DTMF gather */
    memset(buf, 'x', sizeof(buf));
    CHECK_RC(lineGatherDigits(hb, LINEDIGITMODE_DTMF, buf, 2, NULL, 0, 0), 0);
    CHECK_RC(lineGenerateDigits(ha, LINEDIGITMODE_PULSE, "9", 100), 0);
    CHECK_RC(otClockAdvance(200), 0);
    t_expect_generate(&p.a, ha, LINEGENERATETERM_DONE);
    t_expect_none(&p.b);
    /* the far end hangs up under the gather */
    t_drop_idle(&p.a, ha);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    t_expect_gather(&p.b, hb, LINEGATHERTERM_CANCEL);
    CHECK_EQ(buf[0], '\0');
    t_drop_idle(&p.b, hb);
    t_pair_done(&p);
}
