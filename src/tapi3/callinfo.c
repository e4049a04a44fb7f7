/* ITCallInfo of the call objects of call.c: the call's address, state and
 * privilege, its LINECALLINFO read as CALLINFO_LONG / CALLINFO_STRING /
 * CALLINFO_BUFFER (live while the call has a line handle, else the last
 * copy), the user-user information staged for the next Connect, Answer or
 * Disconnect (SetCallInfoBuffer), and ReleaseUserUserInfo. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "t3.h"

static struct ot3_call *call_of_info(ITCallInfo *p)
{
    return ot3_container_of(p, struct ot3_call, info_itf);
}

/* ---- ITCallInfo ---- */
static HRESULT WINAPI i_QueryInterface(ITCallInfo *This, REFIID riid, void **ppv)
{
    return ot3_call_qi(call_of_info(This), riid, ppv);
}
static ULONG WINAPI i_AddRef(ITCallInfo *This)
{
    return atomic_fetch_add(&call_of_info(This)->refs, 1) + 1;
}
static ULONG WINAPI i_Release(ITCallInfo *This) { return ot3_call_release_ref(call_of_info(This)); }
OT3_DISPATCH_STUBS(i, ITCallInfo)

static HRESULT WINAPI i_get_Address(ITCallInfo *This, ITAddress **pp)
{
    if (!pp)
        return E_POINTER;
    struct ot3_call *c = call_of_info(This);
    ot3_ext_ref(c->tapi);
    *pp = &c->addr->itf;
    return S_OK;
}

static HRESULT WINAPI i_get_CallState(ITCallInfo *This, CALL_STATE *p)
{
    if (!p)
        return E_POINTER;
    struct ot3_call *c = call_of_info(This);
    ot3_lock(c->tapi);
    *p = c->state;
    ot3_unlock(c->tapi);
    return S_OK;
}

static HRESULT WINAPI i_get_Privilege(ITCallInfo *This, CALL_PRIVILEGE *p)
{
    if (!p)
        return E_POINTER;
    struct ot3_call *c = call_of_info(This);
    ot3_lock(c->tapi);
    *p = c->priv;
    ot3_unlock(c->tapi);
    return S_OK;
}

static HRESULT WINAPI i_get_CallHub(ITCallInfo *This, ITCallHub **pp)
{
    (void)This;
    if (pp)
        *pp = NULL;
    return E_NOTIMPL;
}

/* The current LINECALLINFO (lock held): live while the call has a handle,
 * else the last copy; NULL before the call reached the line. */
static const LINECALLINFO *info_now(struct ot3_call *c)
{
    if (c->hcall && c->tapi->phase == OT3_RUNNING)
        ot3_call_take_snap(c);
    return c->snap;
}

/* A variable part of LINECALLINFO: field is the offsetof its dw...Size (its
 * dw...Offset follows), 0 for none.  Returns its size (0: none, or not
 * within the copy) and sets *offset. */
static DWORD info_span(const LINECALLINFO *ci, size_t field, DWORD *offset)
{
    if (!ci || !field)
        return 0;
    DWORD size, off;
    memcpy(&size, (const unsigned char *)ci + field, sizeof(size));
    memcpy(&off, (const unsigned char *)ci + field + sizeof(DWORD), sizeof(off));
    if (!size || off > ci->dwUsedSize || size > ci->dwUsedSize - off)
        return 0;
    *offset = off;
    return size;
}

#define CI_FIELD(name) offsetof(LINECALLINFO, dw##name##Size)

static const size_t cis_field[CIS_CALLINGPARTYID + 1] = {
    [CIS_CALLERIDNAME] = CI_FIELD(CallerIDName),
    [CIS_CALLERIDNUMBER] = CI_FIELD(CallerID),
    [CIS_CALLEDIDNAME] = CI_FIELD(CalledIDName),
    [CIS_CALLEDIDNUMBER] = CI_FIELD(CalledID),
    [CIS_CONNECTEDIDNAME] = CI_FIELD(ConnectedIDName),
    [CIS_CONNECTEDIDNUMBER] = CI_FIELD(ConnectedID),
    [CIS_REDIRECTIONIDNAME] = CI_FIELD(RedirectionIDName),
    [CIS_REDIRECTIONIDNUMBER] = CI_FIELD(RedirectionID),
    [CIS_REDIRECTINGIDNAME] = CI_FIELD(RedirectingIDName),
    [CIS_REDIRECTINGIDNUMBER] = CI_FIELD(RedirectingID),
    [CIS_CALLEDPARTYFRIENDLYNAME] = CI_FIELD(CalledParty),
    [CIS_COMMENT] = CI_FIELD(Comment),
    [CIS_DISPLAYABLEADDRESS] = CI_FIELD(DisplayableAddress),
    [CIS_CALLINGPARTYID] = 0, /* not on the line API */
};

static const size_t cib_field[CIB_LOWLEVELCOMPATIBILITYBUFFER + 1] = {
    [CIB_USERUSERINFO] = CI_FIELD(UserUserInfo),
    [CIB_DEVSPECIFICBUFFER] = CI_FIELD(DevSpecific),
    [CIB_CALLDATABUFFER] = CI_FIELD(CallData),
    [CIB_CHARGINGINFOBUFFER] = CI_FIELD(ChargingInfo),
    [CIB_HIGHLEVELCOMPATIBILITYBUFFER] = CI_FIELD(HighLevelComp),
    [CIB_LOWLEVELCOMPATIBILITYBUFFER] = CI_FIELD(LowLevelComp),
};

static HRESULT WINAPI i_get_CallInfoLong(ITCallInfo *This, CALLINFO_LONG what, LONG *pl)
{
    struct ot3_call *c = call_of_info(This);
    if (!pl)
        return E_POINTER;
    if ((unsigned)what > CIL_MONITORMEDIAMODES)
        return E_INVALIDARG;
    ot3_lock(c->tapi);
    const LINECALLINFO *ci = info_now(c);
    HRESULT hr = S_OK;
    DWORD v = 0;
    if (!ci)
        hr = TAPI_E_INVALCALLSTATE;
    else
        switch (what) {
        case CIL_MEDIATYPESAVAILABLE: v = (DWORD)ot3_media_types(ci->dwMediaMode); break;
        case CIL_BEARERMODE: v = ci->dwBearerMode; break;
        case CIL_CALLERIDADDRESSTYPE:
        case CIL_CALLEDIDADDRESSTYPE:
        case CIL_CONNECTEDIDADDRESSTYPE:
        case CIL_REDIRECTIONIDADDRESSTYPE:
        case CIL_REDIRECTINGIDADDRESSTYPE: v = LINEADDRESSTYPE_PHONENUMBER; break;
        case CIL_ORIGIN: v = ci->dwOrigin; break;
        case CIL_REASON: v = ci->dwReason; break;
        case CIL_APPSPECIFIC: v = ci->dwAppSpecific; break;
        case CIL_CALLPARAMSFLAGS: v = ci->dwCallParamFlags; break;
        case CIL_CALLTREATMENT: v = ci->dwCallTreatment; break;
        case CIL_MINRATE:
        case CIL_MAXRATE:
        case CIL_RATE: v = ci->dwRate; break;
        case CIL_COUNTRYCODE: v = ci->dwCountryCode; break;
        case CIL_CALLID: v = ci->dwCallID; break;
        case CIL_RELATEDCALLID: v = ci->dwRelatedCallID; break;
        case CIL_COMPLETIONID: v = ci->dwCompletionID; break;
        case CIL_NUMBEROFOWNERS: v = ci->dwNumOwners; break;
        case CIL_NUMBEROFMONITORS: v = ci->dwNumMonitors; break;
        case CIL_TRUNK: v = ci->dwTrunk; break;
        case CIL_MONITORDIGITMODES: v = ci->dwMonitorDigitModes; break;
        case CIL_MONITORMEDIAMODES: v = ci->dwMonitorMediaModes; break;
        default: hr = E_NOTIMPL; break;
        }
    if (hr == S_OK)
        *pl = (LONG)v;
    ot3_unlock(c->tapi);
    return hr;
}

static HRESULT WINAPI i_put_CallInfoLong(ITCallInfo *This, CALLINFO_LONG what, LONG value)
{
    struct ot3_call *c = call_of_info(This);
    if ((unsigned)what > CIL_MONITORMEDIAMODES)
        return E_INVALIDARG;
    if (what != CIL_APPSPECIFIC)
        return E_NOTIMPL;
    ot3_lock(c->tapi);
    HRESULT hr = ot3_call_running(c);
    if (hr == S_OK && !c->hcall)
        hr = TAPI_E_INVALCALLSTATE;
    if (hr == S_OK)
        hr = ot3_hr(lineSetAppSpecific(c->hcall, (DWORD)value));
    ot3_unlock(c->tapi);
    return hr;
}

static HRESULT WINAPI i_get_CallInfoString(ITCallInfo *This, CALLINFO_STRING what, BSTR *pp)
{
    struct ot3_call *c = call_of_info(This);
    if (!pp)
        return E_POINTER;
    *pp = NULL;
    if ((unsigned)what > CIS_CALLINGPARTYID)
        return E_INVALIDARG;
    ot3_lock(c->tapi);
    const LINECALLINFO *ci = info_now(c);
    DWORD offset = 0, size = info_span(ci, cis_field[what], &offset);
    if (size) {
        const char *s = (const char *)ci + offset;
        *pp = otSysAllocStringLen(s, (UINT)strnlen(s, size));
    } else if (!ci && what == CIS_CALLEDIDNUMBER && c->dest)
        *pp = otSysAllocString(c->dest);
    else
        *pp = otSysAllocString("");
    ot3_unlock(c->tapi);
    return *pp ? S_OK : E_OUTOFMEMORY;
}

static HRESULT WINAPI i_put_CallInfoString(ITCallInfo *This, CALLINFO_STRING what, BSTR s)
{
    (void)This, (void)what, (void)s;
    return E_NOTIMPL;
}
static HRESULT WINAPI i_get_CallInfoBuffer(ITCallInfo *This, CALLINFO_BUFFER what, VARIANT *v)
{
    (void)This, (void)what, (void)v;
    return E_NOTIMPL;
}
static HRESULT WINAPI i_put_CallInfoBuffer(ITCallInfo *This, CALLINFO_BUFFER what, VARIANT v)
{
    (void)This, (void)what, (void)v;
    return E_NOTIMPL;
}

static HRESULT WINAPI i_GetCallInfoBuffer(ITCallInfo *This, CALLINFO_BUFFER what, DWORD *pdwSize,
                                          BYTE **ppBuf)
{
    struct ot3_call *c = call_of_info(This);
    if (!pdwSize || !ppBuf)
        return E_POINTER;
    *ppBuf = NULL;
    *pdwSize = 0;
    if ((unsigned)what > CIB_LOWLEVELCOMPATIBILITYBUFFER)
        return E_INVALIDARG;
    ot3_lock(c->tapi);
    const LINECALLINFO *ci = info_now(c);
    DWORD offset = 0, size = info_span(ci, cib_field[what], &offset);
    HRESULT hr = S_OK;
    if (size) {
        BYTE *b = otCoTaskMemAlloc(size);
        if (!b)
            hr = E_OUTOFMEMORY;
        else {
            memcpy(b, (const unsigned char *)ci + offset, size);
            *ppBuf = b;
            *pdwSize = size;
        }
    }
    ot3_unlock(c->tapi);
    return hr;
}

static HRESULT WINAPI i_SetCallInfoBuffer(ITCallInfo *This, CALLINFO_BUFFER what, DWORD dwSize,
                                          BYTE *pBuf)
{
    struct ot3_call *c = call_of_info(This);
    if ((unsigned)what > CIB_LOWLEVELCOMPATIBILITYBUFFER)
        return E_INVALIDARG;
    if (what != CIB_USERUSERINFO)
        return E_NOTIMPL;
    if (dwSize && !pBuf)
        return E_POINTER;
    ot3_lock(c->tapi);
    HRESULT hr = S_OK;
    const struct ot3_address *a = c->addr;
    DWORD limit = a->uui_make > a->uui_answer ? a->uui_make : a->uui_answer;
    if (a->uui_drop > limit)
        limit = a->uui_drop;
    if (c->state == CS_DISCONNECTED)
        hr = TAPI_E_INVALCALLSTATE;
    else if (c->priv != CP_OWNER)
        hr = TAPI_E_NOTOWNER;
    else if (dwSize > limit)
        hr = TAPI_E_USERUSERINFOTOOBIG;
    unsigned char *copy = NULL;
    if (hr == S_OK && dwSize) {
        copy = malloc(dwSize);
        if (!copy)
            hr = E_OUTOFMEMORY;
        else
            memcpy(copy, pBuf, dwSize);
    }
    if (hr == S_OK) {
        free(c->uui);
        c->uui = copy;
        c->uui_len = dwSize;
    }
    ot3_unlock(c->tapi);
    return hr;
}

static HRESULT WINAPI i_ReleaseUserUserInfo(ITCallInfo *This)
{
    struct ot3_call *c = call_of_info(This);
    struct ot3_tapi *t = c->tapi;
    ot3_lock(t);
    HRESULT hr = ot3_owner_may(c, true);
    struct ot3_req *q = ot3_generic_req(&hr);
    if (q)
        hr = ot3_req_run(t, q, lineReleaseUserUserInfo(c->hcall));
    ot3_unlock(t);
    return hr;
}

const ITCallInfoVtbl ot3_info_vtbl = {
    i_QueryInterface,     i_AddRef,
    i_Release,            OT3_DISPATCH_ENTRIES(i),
    i_get_Address,        i_get_CallState,
    i_get_Privilege,      i_get_CallHub,
    i_get_CallInfoLong,   i_put_CallInfoLong,
    i_get_CallInfoString, i_put_CallInfoString,
    i_get_CallInfoBuffer, i_put_CallInfoBuffer,
    i_GetCallInfoBuffer,  i_SetCallInfoBuffer,
    i_ReleaseUserUserInfo,
};
