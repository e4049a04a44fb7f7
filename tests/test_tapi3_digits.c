/* TAPI 3 digits and media mode (src/tapi3/media.c): ITLegacyCallMediaControl
 * of a call object against a TAPI 2 application at the far station, and the
 * TE_DIGITEVENT / TE_GENERATEEVENT events. */
#include <string.h>

#include "test_tapi3.h"

/* The next event must be TE_DIGITEVENT of c with this digit and mode. */
static void expect_digit(t3app *x, ITBasicCallControl *c, unsigned char d, TAPI_DIGITMODE mode)
{
    TAPI_EVENT type;
    IDispatch *ev;
    CHECK_HR(otTapi3GetEvent(x->tapi, T_TIMEOUT_MS, &type, &ev), S_OK);
    CHECK_EQ(type, TE_DIGITEVENT);
    ITDigitDetectionEvent *de;
    CHECK_HR(IDispatch_QueryInterface(ev, &IID_ITDigitDetectionEvent, (void **)&de), S_OK);
    IDispatch_Release(ev);
    unsigned char got;
    TAPI_DIGITMODE gm;
    CHECK_HR(ITDigitDetectionEvent_get_Digit(de, &got), S_OK);
    CHECK_EQ(got, d);
    CHECK_HR(ITDigitDetectionEvent_get_DigitMode(de, &gm), S_OK);
    CHECK_EQ(gm, mode);
    LONG tick = -1;
    CHECK_HR(ITDigitDetectionEvent_get_TickCount(de, &tick), S_OK);
    CHECK_HR(ITDigitDetectionEvent_get_Digit(de, NULL), E_POINTER);
    ITCallInfo *ci;
    CHECK_HR(ITDigitDetectionEvent_get_Call(de, &ci), S_OK);
    ITBasicCallControl *b = t3_bcc(ci);
    CHECK(b == c);
    ITBasicCallControl_Release(b);
    ITCallInfo_Release(ci);
    ITDigitDetectionEvent_Release(de);
}

/* The next event must be TE_GENERATEEVENT of c ending with term. */
static void expect_generate(t3app *x, ITBasicCallControl *c, LONG term)
{
    TAPI_EVENT type;
    IDispatch *ev;
    CHECK_HR(otTapi3GetEvent(x->tapi, T_TIMEOUT_MS, &type, &ev), S_OK);
    CHECK_EQ(type, TE_GENERATEEVENT);
    ITDigitGenerationEvent *ge;
    CHECK_HR(IDispatch_QueryInterface(ev, &IID_ITDigitGenerationEvent, (void **)&ge), S_OK);
    IDispatch_Release(ev);
    LONG t;
    CHECK_HR(ITDigitGenerationEvent_get_GenerationTermination(ge, &t), S_OK);
    CHECK_EQ(t, term);
    ITCallInfo *ci;
    CHECK_HR(ITDigitGenerationEvent_get_Call(ge, &ci), S_OK);
    ITBasicCallControl *b = t3_bcc(ci);
    CHECK(b == c);
    ITBasicCallControl_Release(b);
    ITCallInfo_Release(ci);
    ITDigitGenerationEvent_Release(ge);
}

TEST(tapi3_digits_detect_generate_and_media)
{
    t3app x;
    t3_init(&x, "t3", T3_EVENTS | TE_DIGITEVENT | TE_GENERATEEVENT);
    tapp b;
    t_init(&b, "t2");
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    ITAddress *a = t3_address(&x, 0);
    HCALL hb;
    ITBasicCallControl *c = t3_call_t2(&x, a, "101", &b, lb, &hb);
    ITLegacyCallMediaControl *m;
    CHECK_HR(ITBasicCallControl_QueryInterface(c, &IID_ITLegacyCallMediaControl, (void **)&m),
             S_OK);

    /* the far station's digits */
    CHECK_HR(ITLegacyCallMediaControl_DetectDigits(m, LINEDIGITMODE_DTMF), S_OK);
    CHECK_RC(lineGenerateDigits(hb, LINEDIGITMODE_DTMF, "4#", 40), 0);
    expect_digit(&x, c, '4', LINEDIGITMODE_DTMF);
    expect_digit(&x, c, '#', LINEDIGITMODE_DTMF);
    LINEMESSAGE msg = t_next(&b);
    CHECK_EQ(msg.dwMessageID, LINE_GENERATE);
    CHECK_EQ(msg.dwParam1, LINEGENERATETERM_DONE);

    /* ours to the far station */
    CHECK_RC(lineMonitorDigits(hb, LINEDIGITMODE_DTMF), 0);
    CHECK_HR(ITLegacyCallMediaControl_GenerateDigits(m, "9", LINEDIGITMODE_DTMF), S_OK);
    msg = t_next(&b);
    CHECK_EQ(msg.dwMessageID, LINE_MONITORDIGITS);
    CHECK_EQ(msg.dwParam1, '9');
    expect_generate(&x, c, LINEGENERATETERM_DONE);
    /* a NULL string cancels what is under way */
    CHECK_HR(ITLegacyCallMediaControl_GenerateDigits(m, "12", LINEDIGITMODE_DTMF), S_OK);
    msg = t_next(&b);
    CHECK_EQ(msg.dwParam1, '1');
    CHECK_HR(ITLegacyCallMediaControl_GenerateDigits(m, NULL, LINEDIGITMODE_DTMF), S_OK);
    expect_generate(&x, c, LINEGENERATETERM_CANCEL);
    CHECK_HR(ITLegacyCallMediaControl_GenerateDigits(m, "1x", LINEDIGITMODE_DTMF),
             TAPI_E_INVALDIGITS);
    CHECK_HR(ITLegacyCallMediaControl_GenerateDigits(m, "1", LINEDIGITMODE_DTMFEND),
             TAPI_E_INVALMODE);
    CHECK_HR(ITLegacyCallMediaControl_DetectDigits(m, 0x100), TAPI_E_INVALMODE);
    DWORD size = 1;
    BYTE *id = (BYTE *)&size;
    CHECK_HR(ITLegacyCallMediaControl_GetID(m, "wave/in", &size, &id), E_NOTIMPL);
    CHECK(id == NULL);

    /* media: the far station sets automated voice, monitored here */
    CHECK_HR(ITLegacyCallMediaControl_MonitorMedia(m, TAPIMEDIATYPE_AUDIO), S_OK);
    CHECK_HR(ITLegacyCallMediaControl_MonitorMedia(m, TAPIMEDIATYPE_VIDEO),
             TAPI_E_INVALIDMEDIATYPE);
    CHECK_RC(lineSetMediaMode(hb, LINEMEDIAMODE_AUTOMATEDVOICE), 0);
    t_expect_callinfo(&b, hb, LINECALLINFOSTATE_MEDIAMODE);
    t3_expect_info(&x, c, CIC_MEDIATYPE);
    /* and ours reaches the far station */
    CHECK_HR(ITLegacyCallMediaControl_SetMediaType(m, TAPIMEDIATYPE_AUDIO), S_OK);
    t3_expect_info(&x, c, CIC_MEDIATYPE);
    t_expect_callinfo(&b, hb, LINECALLINFOSTATE_MEDIAMODE);
    tcallinfo u;
    t_callinfo(hb, &u);
    CHECK_EQ(u.ci.dwMediaMode, LINEMEDIAMODE_UNKNOWN | LINEMEDIAMODE_INTERACTIVEVOICE |
                                   LINEMEDIAMODE_AUTOMATEDVOICE);
    t3_expect_none(&x);
    t_expect_none(&b);

    /* after the call: the handle is gone */
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NORMAL), S_OK);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    t_expect_state(&b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    CHECK_HR(ITLegacyCallMediaControl_GenerateDigits(m, "1", LINEDIGITMODE_DTMF),
             TAPI_E_INVALCALLSTATE);
    ITLegacyCallMediaControl_Release(m);
    ITBasicCallControl_Release(c);
    t_drop_idle(&b, hb);
    ITAddress_Release(a);
    t3_expect_none(&x);
    t3_done(&x);
    t_shutdown(&b);
    t3_check_stats();
}

/* The next event must be TE_GATHERDIGITS of c with these digits and term. */
static void expect_gathered(t3app *x, const char *digits, TAPI_GATHERTERM term)
{
    TAPI_EVENT type;
    IDispatch *ev;
    CHECK_HR(otTapi3GetEvent(x->tapi, T_TIMEOUT_MS, &type, &ev), S_OK);
    CHECK_EQ(type, TE_GATHERDIGITS);
    ITDigitsGatheredEvent *ge;
    CHECK_HR(IDispatch_QueryInterface(ev, &IID_ITDigitsGatheredEvent, (void **)&ge), S_OK);
    IDispatch_Release(ev);
    BSTR got;
    CHECK_HR(ITDigitsGatheredEvent_get_Digits(ge, &got), S_OK);
    if (strcmp(got, digits))
        FAIL("gathered \"%s\", expected \"%s\"", got, digits);
    SysFreeString(got);
    TAPI_GATHERTERM t;
    CHECK_HR(ITDigitsGatheredEvent_get_GatherTermination(ge, &t), S_OK);
    CHECK_EQ(t, term);
    ITDigitsGatheredEvent_Release(ge);
}

static void expect_tone(t3app *x, LONG app_specific)
{
    TAPI_EVENT type;
    IDispatch *ev;
    CHECK_HR(otTapi3GetEvent(x->tapi, T_TIMEOUT_MS, &type, &ev), S_OK);
    CHECK_EQ(type, TE_TONEEVENT);
    ITToneDetectionEvent *te;
    CHECK_HR(IDispatch_QueryInterface(ev, &IID_ITToneDetectionEvent, (void **)&te), S_OK);
    IDispatch_Release(ev);
    LONG as;
    CHECK_HR(ITToneDetectionEvent_get_AppSpecific(te, &as), S_OK);
    CHECK_EQ(as, app_specific);
    ITToneDetectionEvent_Release(te);
}

/* ITLegacyCallMediaControl2: GatherDigits (TE_GATHERDIGITS with the digits),
 * GenerateDigits2, DetectTones (TE_TONEEVENT), GenerateTone and
 * GenerateCustomTones (TE_GENERATEEVENT), against a TAPI 2 far station. */
TEST(tapi3_digits_gather_and_tones)
{
    t3app x;
    t3_init(&x, "t3", T3_EVENTS | TE_GENERATEEVENT | TE_GATHERDIGITS | TE_TONEEVENT);
    tapp b;
    t_init(&b, "t2");
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    ITAddress *a = t3_address(&x, 0);
    HCALL hb;
    ITBasicCallControl *c = t3_call_t2(&x, a, "101", &b, lb, &hb);
    ITLegacyCallMediaControl2 *m;
    CHECK_HR(ITBasicCallControl_QueryInterface(c, &IID_ITLegacyCallMediaControl2, (void **)&m),
             S_OK);

    /* gathering: a cancelled gather, then one ended by '#' */
    CHECK_HR(ITLegacyCallMediaControl2_GatherDigits(m, LINEDIGITMODE_DTMF, 4, NULL, 0, 0), S_OK);
    CHECK_HR(ITLegacyCallMediaControl2_GatherDigits(m, LINEDIGITMODE_DTMF, 8, "#", 0, 0), S_OK);
    expect_gathered(&x, "", TGT_CANCEL); /* the first, cancelled by the second */
    CHECK_RC(lineGenerateDigits(hb, LINEDIGITMODE_DTMF, "12#3", 40), 0);
    expect_gathered(&x, "12#", TGT_TERMDIGIT);
    LINEMESSAGE msg = t_next(&b);
    CHECK_EQ(msg.dwMessageID, LINE_GENERATE);
    CHECK_HR(ITLegacyCallMediaControl2_GatherDigits(m, LINEDIGITMODE_DTMF, 0, NULL, 0, 0),
             E_INVALIDARG);
    CHECK_HR(ITLegacyCallMediaControl2_GatherDigits(m, LINEDIGITMODE_DTMF, 4, "x", 0, 0),
             TAPI_E_INVALDIGITS);
    CHECK_HR(ITLegacyCallMediaControl2_GatherDigits(m, LINEDIGITMODE_DTMF, 4, NULL, 5, 0),
             TAPI_E_INVALTIMEOUT);
    CHECK_HR(ITLegacyCallMediaControl2_GatherDigits(m, LINEDIGITMODE_DTMF, 4, NULL, 0, 0), S_OK);
    CHECK_HR(ITLegacyCallMediaControl2_GatherDigits(m, 0, 0, NULL, 0, 0), S_OK); /* cancel */
    expect_gathered(&x, "", TGT_CANCEL);

    /* digits with a duration */
    CHECK_RC(lineMonitorDigits(hb, LINEDIGITMODE_DTMF), 0);
    CHECK_HR(ITLegacyCallMediaControl2_GenerateDigits2(m, "7", LINEDIGITMODE_DTMF, 40), S_OK);
    msg = t_next(&b);
    CHECK_EQ(msg.dwMessageID, LINE_MONITORDIGITS);
    CHECK_EQ(msg.dwParam1, '7');
    expect_generate(&x, c, LINEGENERATETERM_DONE);
    CHECK_HR(ITLegacyCallMediaControl2_GenerateDigits2(m, "7", LINEDIGITMODE_DTMF, -1),
             E_INVALIDARG);

    /* tones both ways */
    TAPI_DETECTTONE dt[2] = {{21, 0, 1000, 0, 0}, {22, 0, 480, 620, 0}};
    CHECK_HR(ITLegacyCallMediaControl2_DetectTones(m, dt, 2), S_OK);
    CHECK_RC(lineGenerateTone(hb, LINETONEMODE_BUSY, 50, 0, NULL), 0);
    expect_tone(&x, 22);
    msg = t_next(&b);
    CHECK_EQ(msg.dwMessageID, LINE_GENERATE);
    LINEMONITORTONE mt = {31, 0, 440, 0, 0};
    CHECK_RC(lineMonitorTones(hb, &mt, 1), 0);
    TAPI_CUSTOMTONE ct = {440, 0, 0, 10};
    CHECK_HR(ITLegacyCallMediaControl2_GenerateCustomTones(m, &ct, 1, 50), S_OK);
    msg = t_next(&b);
    CHECK_EQ(msg.dwMessageID, LINE_MONITORTONE);
    CHECK_EQ(msg.dwParam1, 31);
    expect_generate(&x, c, LINEGENERATETERM_DONE);
    CHECK_HR(ITLegacyCallMediaControl2_GenerateTone(m, TTM_BILLING, 0), TAPI_E_INVALMODE);
    TAPI_CUSTOMTONE four[4] = {{400, 0, 0, 1}, {500, 0, 0, 1}, {600, 0, 0, 1}, {700, 0, 0, 1}};
    CHECK_HR(ITLegacyCallMediaControl2_GenerateCustomTones(m, four, 4, 0), TAPI_E_INVALTONE);
    TAPI_DETECTTONE many[9];
    memset(many, 0, sizeof(many));
    for (int i = 0; i < 9; i++)
        many[i].dwFrequency1 = 400;
    CHECK_HR(ITLegacyCallMediaControl2_DetectTones(m, many, 9), TAPI_E_INVALLIST);
    CHECK_HR(m->lpVtbl->DetectTonesByCollection(m, NULL), E_NOTIMPL);
    /* a long beep, cancelled by the call's end */
    CHECK_HR(ITLegacyCallMediaControl2_GenerateTone(m, TTM_BEEP, 5000), S_OK);
    t3_expect_none(&x);
    t_expect_none(&b);
    CHECK_HR(ITBasicCallControl_Disconnect(c, DC_NORMAL), S_OK);
    t3_expect_state(&x, c, CS_DISCONNECTED, CEC_DISCONNECT_NORMAL);
    expect_generate(&x, c, LINEGENERATETERM_CANCEL); /* after the state that ended it */
    t_expect_state(&b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    ITLegacyCallMediaControl2_Release(m);
    ITBasicCallControl_Release(c);
    t_drop_idle(&b, hb);
    ITAddress_Release(a);
    t3_expect_none(&x);
    t3_done(&x);
    t_shutdown(&b);
    t3_check_stats();
}
