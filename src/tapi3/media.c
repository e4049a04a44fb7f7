/* ITLegacyCallMediaControl of a call object: digits and media mode on the
 * call's line handle (lineMonitorDigits, lineGenerateDigits, lineSetMediaMode,
 * lineMonitorMedia).  The events they cause (LINE_MONITORDIGITS,
 * LINE_GENERATE) become TE_DIGITEVENT / TE_GENERATEEVENT in reader.c. */
#include <stdlib.h>
#include <string.h>

#include "t3.h"

#define OT3_TONES_MAX 64 /* entries of one DetectTones / GenerateCustomTones (lines take 8, 3) */

struct ot3_gather { /* a GatherDigits buffer the line fills */
    struct ot3_gather *next;
    DWORD n;
    char buf[];
};

static struct ot3_call *call_of_lmc(ITLegacyCallMediaControl *p)
{
    return ot3_container_of(p, struct ot3_call, lmc_itf);
}

static HRESULT WINAPI l_QueryInterface(ITLegacyCallMediaControl *This, REFIID riid, void **ppv)
{
    return ot3_call_qi(call_of_lmc(This), riid, ppv);
}
static ULONG WINAPI l_AddRef(ITLegacyCallMediaControl *This)
{
    return atomic_fetch_add(&call_of_lmc(This)->refs, 1) + 1;
}
static ULONG WINAPI l_Release(ITLegacyCallMediaControl *This)
{
    return ot3_call_release_ref(call_of_lmc(This));
}
OT3_DISPATCH_STUBS(l, ITLegacyCallMediaControl)

/* The TAPI object runs and the call has its line handle: *h. */
static HRESULT handle_of(struct ot3_call *c, HCALL *h)
{
    if (c->tapi->phase != OT3_RUNNING)
        return TAPI_E_NOT_INITIALIZED;
    if (!c->hcall)
        return TAPI_E_INVALCALLSTATE; /* not connected yet, or over */
    *h = c->hcall;
    return S_OK;
}

static HRESULT WINAPI l_DetectDigits(ITLegacyCallMediaControl *This, TAPI_DIGITMODE DigitMode)
{
    struct ot3_call *c = call_of_lmc(This);
    ot3_lock(c->tapi);
    HCALL h = 0;
    HRESULT hr = handle_of(c, &h);
    if (hr == S_OK)
        hr = ot3_hr(lineMonitorDigits(h, (DWORD)DigitMode));
    ot3_unlock(c->tapi);
    return hr;
}

static HRESULT WINAPI l_GenerateDigits(ITLegacyCallMediaControl *This, BSTR pDigits,
                                       TAPI_DIGITMODE DigitMode)
{
    struct ot3_call *c = call_of_lmc(This);
    ot3_lock(c->tapi);
    HCALL h = 0;
    HRESULT hr = handle_of(c, &h);
    if (hr == S_OK)
        hr = ot3_hr(lineGenerateDigits(h, (DWORD)DigitMode, pDigits, 0));
    ot3_unlock(c->tapi);
    return hr;
}

static HRESULT WINAPI l_GetID(ITLegacyCallMediaControl *This, BSTR pDeviceClass, DWORD *pdwSize,
                              BYTE **ppDeviceID)
{
    (void)This, (void)pDeviceClass;
    if (!pdwSize || !ppDeviceID)
        return E_POINTER;
    *pdwSize = 0;
    *ppDeviceID = NULL;
    return E_NOTIMPL; /* no device class but tapi/line (media streams: not here) */
}

/* TAPIMEDIATYPE_ bits as line media modes for lineSetMediaMode: one mode, or
 * UNKNOWN with the candidates. */
static HRESULT set_modes(struct ot3_call *c, LONG types, DWORD *modes)
{
    HRESULT hr = ot3_media_modes(c->addr, types, modes);
    if (hr == S_OK && (*modes & (*modes - 1)))
        *modes |= LINEMEDIAMODE_UNKNOWN;
    return hr;
}

static HRESULT WINAPI l_SetMediaType(ITLegacyCallMediaControl *This, LONG lMediaType)
{
    struct ot3_call *c = call_of_lmc(This);
    ot3_lock(c->tapi);
    HCALL h = 0;
    DWORD modes = 0;
    HRESULT hr = handle_of(c, &h);
    if (hr == S_OK)
        hr = set_modes(c, lMediaType, &modes);
    if (hr == S_OK)
        hr = ot3_hr(lineSetMediaMode(h, modes));
    ot3_unlock(c->tapi);
    return hr;
}

static HRESULT WINAPI l_MonitorMedia(ITLegacyCallMediaControl *This, LONG lMediaType)
{
    struct ot3_call *c = call_of_lmc(This);
    ot3_lock(c->tapi);
    HCALL h = 0;
    DWORD modes = 0;
    HRESULT hr = handle_of(c, &h);
    if (hr == S_OK && lMediaType) /* 0: monitoring ends */
        hr = ot3_media_modes(c->addr, lMediaType, &modes);
    if (hr == S_OK)
        hr = ot3_hr(lineMonitorMedia(h, modes));
    ot3_unlock(c->tapi);
    return hr;
}

const ITLegacyCallMediaControlVtbl ot3_lmc_vtbl = {
    l_QueryInterface, l_AddRef,  l_Release,      OT3_DISPATCH_ENTRIES(l),
    l_DetectDigits,   l_GenerateDigits, l_GetID, l_SetMediaType, l_MonitorMedia};

/* ---- ITLegacyCallMediaControl2: the same five, then its own ---- */
static struct ot3_call *call_of_lmc2(ITLegacyCallMediaControl2 *p)
{
    return ot3_container_of(p, struct ot3_call, lmc2_itf);
}
static ITLegacyCallMediaControl *v1(ITLegacyCallMediaControl2 *p)
{
    return &call_of_lmc2(p)->lmc_itf;
}
static HRESULT WINAPI m_QueryInterface(ITLegacyCallMediaControl2 *This, REFIID riid, void **ppv)
{
    return ot3_call_qi(call_of_lmc2(This), riid, ppv);
}
static ULONG WINAPI m_AddRef(ITLegacyCallMediaControl2 *This)
{
    return atomic_fetch_add(&call_of_lmc2(This)->refs, 1) + 1;
}
static ULONG WINAPI m_Release(ITLegacyCallMediaControl2 *This)
{
    return ot3_call_release_ref(call_of_lmc2(This));
}
OT3_DISPATCH_STUBS(m, ITLegacyCallMediaControl2)
static HRESULT WINAPI m_DetectDigits(ITLegacyCallMediaControl2 *This, TAPI_DIGITMODE mode)
{
    return l_DetectDigits(v1(This), mode);
}
static HRESULT WINAPI m_GenerateDigits(ITLegacyCallMediaControl2 *This, BSTR d,
                                       TAPI_DIGITMODE mode)
{
    return l_GenerateDigits(v1(This), d, mode);
}
static HRESULT WINAPI m_GetID(ITLegacyCallMediaControl2 *This, BSTR cls, DWORD *ps, BYTE **pp)
{
    return l_GetID(v1(This), cls, ps, pp);
}
static HRESULT WINAPI m_SetMediaType(ITLegacyCallMediaControl2 *This, LONG t)
{
    return l_SetMediaType(v1(This), t);
}
static HRESULT WINAPI m_MonitorMedia(ITLegacyCallMediaControl2 *This, LONG t)
{
    return l_MonitorMedia(v1(This), t);
}

static HRESULT WINAPI m_GenerateDigits2(ITLegacyCallMediaControl2 *This, BSTR pDigits,
                                        TAPI_DIGITMODE DigitMode, LONG lDuration)
{
    struct ot3_call *c = call_of_lmc2(This);
    if (lDuration < 0)
        return E_INVALIDARG;
    ot3_lock(c->tapi);
    HCALL h = 0;
    HRESULT hr = handle_of(c, &h);
    if (hr == S_OK)
        hr = ot3_hr(lineGenerateDigits(h, (DWORD)DigitMode, pDigits, (DWORD)lDuration));
    ot3_unlock(c->tapi);
    return hr;
}

/* The buffer goes to the end of c's list before the line has it, so that
 * the LINE_GATHERDIGITS of an earlier gather (cancelled by this one) takes
 * the earlier buffer. */
static HRESULT WINAPI m_GatherDigits(ITLegacyCallMediaControl2 *This, TAPI_DIGITMODE DigitMode,
                                     LONG lNumDigits, BSTR pTerminationDigits,
                                     LONG lFirstDigitTimeout, LONG lInterDigitTimeout)
{
    struct ot3_call *c = call_of_lmc2(This);
    if (DigitMode && (lNumDigits <= 0 || lFirstDigitTimeout < 0 || lInterDigitTimeout < 0))
        return E_INVALIDARG;
    ot3_lock(c->tapi);
    HCALL h = 0;
    HRESULT hr = handle_of(c, &h);
    if (hr == S_OK && !DigitMode) { /* cancels the gathering under way */
        hr = ot3_hr(lineGatherDigits(h, 0, NULL, 0, NULL, 0, 0));
    } else if (hr == S_OK) {
        struct ot3_gather *g = calloc(1, sizeof(*g) + (size_t)lNumDigits + 1);
        if (!g) {
            hr = E_OUTOFMEMORY;
        } else {
            g->n = (DWORD)lNumDigits;
            struct ot3_gather **pp = &c->gathers;
            while (*pp)
                pp = &(*pp)->next;
            *pp = g;
            LONG rc = lineGatherDigits(h, (DWORD)DigitMode, g->buf, g->n, pTerminationDigits,
                                       (DWORD)lFirstDigitTimeout, (DWORD)lInterDigitTimeout);
            if (rc) { /* no message will come for it */
                *pp = NULL;
                free(g);
            }
            hr = ot3_hr(rc);
        }
    }
    ot3_unlock(c->tapi);
    return hr;
}

void ot3_media_gathered(struct ot3_tapi *t, struct ot3_call *c, DWORD term, LONG tick)
{
    struct ot3_gather *g = c->gathers;
    if (!g)
        return;
    c->gathers = g->next;
    if (ot3_wants(t, TE_GATHERDIGITS))
        ot3_push_event(t, ot3_event_gathered(c, g->buf, (DWORD)strnlen(g->buf, g->n),
                                             (TAPI_GATHERTERM)term, tick));
    free(g);
}

void ot3_media_call_free(struct ot3_call *c)
{
    while (c->gathers) {
        struct ot3_gather *g = c->gathers;
        c->gathers = g->next;
        free(g);
    }
}

static HRESULT WINAPI m_DetectTones(ITLegacyCallMediaControl2 *This, TAPI_DETECTTONE *pToneList,
                                    LONG lNumTones)
{
    struct ot3_call *c = call_of_lmc2(This);
    if (pToneList && (lNumTones <= 0 || lNumTones > OT3_TONES_MAX))
        return E_INVALIDARG;
    ot3_lock(c->tapi);
    HCALL h = 0;
    HRESULT hr = handle_of(c, &h);
    if (hr == S_OK) {
        LINEMONITORTONE list[OT3_TONES_MAX];
        DWORD n = pToneList ? (DWORD)lNumTones : 0;
        for (DWORD i = 0; i < n; i++) {
            list[i].dwAppSpecific = pToneList[i].dwAppSpecific;
            list[i].dwDuration = pToneList[i].dwDuration;
            list[i].dwFrequency1 = pToneList[i].dwFrequency1;
            list[i].dwFrequency2 = pToneList[i].dwFrequency2;
            list[i].dwFrequency3 = pToneList[i].dwFrequency3;
        }
        hr = ot3_hr(lineMonitorTones(h, pToneList ? list : NULL, n));
    }
    ot3_unlock(c->tapi);
    return hr;
}

static HRESULT tone(struct ot3_call *c, DWORD mode, LONG duration, DWORD n,
                    const TAPI_CUSTOMTONE *tones)
{
    if (duration < 0 || n > OT3_TONES_MAX)
        return E_INVALIDARG;
    ot3_lock(c->tapi);
    HCALL h = 0;
    HRESULT hr = handle_of(c, &h);
    if (hr == S_OK) {
        LINEGENERATETONE list[OT3_TONES_MAX];
        for (DWORD i = 0; i < n; i++) {
            list[i].dwFrequency = tones[i].dwFrequency;
            list[i].dwCadenceOn = tones[i].dwCadenceOn;
            list[i].dwCadenceOff = tones[i].dwCadenceOff;
            list[i].dwVolume = tones[i].dwVolume;
        }
        hr = ot3_hr(lineGenerateTone(h, mode, (DWORD)duration, n, n ? list : NULL));
    }
    ot3_unlock(c->tapi);
    return hr;
}

static HRESULT WINAPI m_GenerateTone(ITLegacyCallMediaControl2 *This, TAPI_TONEMODE ToneMode,
                                     LONG lDuration)
{
    if ((DWORD)ToneMode == LINETONEMODE_CUSTOM)
        return E_INVALIDARG; /* GenerateCustomTones */
    return tone(call_of_lmc2(This), (DWORD)ToneMode, lDuration, 0, NULL);
}

static HRESULT WINAPI m_GenerateCustomTones(ITLegacyCallMediaControl2 *This,
                                            TAPI_CUSTOMTONE *pToneList, LONG lNumTones,
                                            LONG lDuration)
{
    if (!pToneList)
        return E_POINTER;
    if (lNumTones <= 0)
        return E_INVALIDARG;
    return tone(call_of_lmc2(This), LINETONEMODE_CUSTOM, lDuration, (DWORD)lNumTones, pToneList);
}

static HRESULT WINAPI m_DetectTonesByCollection(ITLegacyCallMediaControl2 *This,
                                                ITCollection2 *p)
{
    (void)This, (void)p;
    return E_NOTIMPL; /* collections: DetectTones takes the array */
}
static HRESULT WINAPI m_GenerateCustomTonesByCollection(ITLegacyCallMediaControl2 *This,
                                                        ITCollection2 *p, LONG l)
{
    (void)This, (void)p, (void)l;
    return E_NOTIMPL;
}
static HRESULT WINAPI m_CreateDetectToneObject(ITLegacyCallMediaControl2 *This, ITDetectTone **pp)
{
    (void)This;
    if (pp)
        *pp = NULL;
    return E_NOTIMPL;
}
static HRESULT WINAPI m_CreateCustomToneObject(ITLegacyCallMediaControl2 *This, ITCustomTone **pp)
{
    (void)This;
    if (pp)
        *pp = NULL;
    return E_NOTIMPL;
}
static HRESULT WINAPI m_GetIDAsVariant(ITLegacyCallMediaControl2 *This, BSTR cls, VARIANT *pv)
{
    (void)This, (void)cls, (void)pv;
    return E_NOTIMPL;
}

const ITLegacyCallMediaControl2Vtbl ot3_lmc2_vtbl = {
    m_QueryInterface, m_AddRef, m_Release, OT3_DISPATCH_ENTRIES(m),
    m_DetectDigits, m_GenerateDigits, m_GetID, m_SetMediaType, m_MonitorMedia,
    m_GenerateDigits2, m_GatherDigits, m_DetectTones, m_DetectTonesByCollection,
    m_GenerateTone, m_GenerateCustomTones, m_GenerateCustomTonesByCollection,
    m_CreateDetectToneObject, m_CreateCustomToneObject, m_GetIDAsVariant};
