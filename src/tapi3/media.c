/* ITLegacyCallMediaControl of a call object: digits and media mode on the
 * call's line handle (lineMonitorDigits, lineGenerateDigits, lineSetMediaMode,
 * lineMonitorMedia).  The events they cause (LINE_MONITORDIGITS,
 * LINE_GENERATE) become TE_DIGITEVENT / TE_GENERATEEVENT in tapi.c. */
#include "t3.h"

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
