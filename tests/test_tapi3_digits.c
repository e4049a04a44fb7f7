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
