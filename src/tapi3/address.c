/* Addresses (ITAddress, ITAddressCapabilities) and the two enumerators
 * (IEnumAddress, IEnumCall).  An address is made at Initialize from its
 * line's LINEDEVCAPS and LINEADDRESSCAPS, is immutable afterwards (but for
 * out_open, under the TAPI lock) and lives as long as its TAPI object: its
 * references are the TAPI object's external ones. */
#include <stdlib.h>
#include <string.h>

#include "t3.h"

static const ITAddressVtbl addr_vtbl;
static const ITAddressCapabilitiesVtbl caps_vtbl;

static struct ot3_address *addr_of(ITAddress *p)
{
    return ot3_container_of(p, struct ot3_address, itf);
}
static struct ot3_address *addr_of_caps(ITAddressCapabilities *p)
{
    return ot3_container_of(p, struct ot3_address, caps_itf);
}

struct ot3_address *ot3_address_from(ITAddress *p)
{
    return p && p->lpVtbl == &addr_vtbl ? addr_of(p) : NULL;
}

struct ot3_address *ot3_address_new(struct ot3_tapi *t, DWORD device, DWORD address_id,
                                    DWORD api_version, const LINEDEVCAPS *dc)
{
    struct ot3_address *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    a->itf.lpVtbl = &addr_vtbl;
    a->caps_itf.lpVtbl = &caps_vtbl;
    a->tapi = t;
    a->device = device;
    a->address_id = address_id;
    a->api_version = api_version;
    a->line_name = ot3_varstr(dc, dc->dwLineNameSize, dc->dwLineNameOffset);
    a->line_states = dc->dwLineStates;
    a->provider = ot3_varstr(dc, dc->dwProviderInfoSize, dc->dwProviderInfoOffset);
    a->switch_info = ot3_varstr(dc, dc->dwSwitchInfoSize, dc->dwSwitchInfoOffset);
    a->media_modes = dc->dwMediaModes;
    a->bearer_modes = dc->dwBearerModes;
    a->max_rate = dc->dwMaxRate;
    a->devcap_flags = dc->dwDevCapFlags;
    a->answer_modes = dc->dwAnswerMode;
    a->line_features = dc->dwLineFeatures;
    a->max_active_calls = dc->dwMaxNumActiveCalls;
    a->permanent_id = dc->dwPermanentLineID;
    a->uui_make = dc->dwUUIMakeCallSize;
    a->uui_answer = dc->dwUUIAnswerSize;
    a->uui_drop = dc->dwUUIDropSize;
    a->uui_callinfo = dc->dwUUICallInfoSize;

    DWORD size = sizeof(LINEADDRESSCAPS) + 1024;
    LINEADDRESSCAPS *ac = calloc(1, size);
    if (ac) {
        ac->dwTotalSize = size;
        if (lineGetAddressCaps(t->happ, device, address_id, api_version, 0, ac) == 0) {
            a->address = ot3_varstr(ac, ac->dwAddressSize, ac->dwAddressOffset);
            a->addr_cap_flags = ac->dwAddrCapFlags;
            a->address_states = ac->dwAddressStates;
            a->call_features = ac->dwCallFeatures;
            a->call_features2 = ac->dwCallFeatures2;
            a->max_num_conf = ac->dwMaxNumConference;
            a->max_transconf = ac->dwMaxNumTransConf;
            a->remove_conf_caps = ac->dwRemoveFromConfCaps;
            a->remove_conf_state = ac->dwRemoveFromConfState;
            a->transfer_modes = ac->dwTransferModes;
            a->max_onhold = ac->dwMaxNumOnHoldCalls;
            a->max_onhold_pend = ac->dwMaxNumOnHoldPendingCalls;
            a->max_active = ac->dwMaxNumActiveCalls;
            a->caller_id_flags = ac->dwCallerIDFlags;
            a->called_id_flags = ac->dwCalledIDFlags;
            a->connected_id_flags = ac->dwConnectedIDFlags;
            a->redirection_id_flags = ac->dwRedirectionIDFlags;
            a->redirecting_id_flags = ac->dwRedirectingIDFlags;
            a->addr_features = ac->dwAddressFeatures;
            a->forward_modes = ac->dwForwardModes;
            a->park_modes = ac->dwParkModes;
            a->max_call_data = ac->dwMaxCallDataSize;
            a->max_fwd_entries = ac->dwMaxForwardEntries;
            a->max_specific_entries = ac->dwMaxSpecificEntries;
            a->min_fwd_rings = ac->dwMinFwdNumRings;
            a->max_fwd_rings = ac->dwMaxFwdNumRings;
            a->max_completions = ac->dwMaxCallCompletions;
            a->completion_conds = ac->dwCallCompletionConds;
            a->completion_modes = ac->dwCallCompletionModes;
        }
        free(ac);
    }
    if (!a->address)
        a->address = ot3_strdup("");
    if (!a->line_name || !a->provider || !a->switch_info || !a->address) {
        ot3_address_free(a);
        return NULL;
    }
    return a;
}

void ot3_address_free(struct ot3_address *a)
{
    if (!a)
        return;
    free(a->line_name);
    free(a->provider);
    free(a->switch_info);
    free(a->address);
    free(a);
}

/* TAPIMEDIATYPE_AUDIO is the two voice modes; the others are the same bit. */
HRESULT ot3_media_modes(const struct ot3_address *a, LONG media_types, DWORD *modes)
{
    const DWORD known = TAPIMEDIATYPE_AUDIO | TAPIMEDIATYPE_VIDEO | TAPIMEDIATYPE_DATAMODEM |
                        TAPIMEDIATYPE_G3FAX | TAPIMEDIATYPE_MULTITRACK;
    DWORD mt = (DWORD)media_types;
    if (!mt || (mt & ~known))
        return TAPI_E_INVALIDMEDIATYPE;
    DWORD m = mt & ~(DWORD)TAPIMEDIATYPE_AUDIO;
    if (mt & TAPIMEDIATYPE_AUDIO)
        m |= LINEMEDIAMODE_INTERACTIVEVOICE | LINEMEDIAMODE_AUTOMATEDVOICE;
    m &= a->media_modes;
    if (!m)
        return TAPI_E_INVALIDMEDIATYPE;
    *modes = m;
    return S_OK;
}

LONG ot3_media_types(DWORD line_modes)
{
    DWORD mt = line_modes & (TAPIMEDIATYPE_VIDEO | TAPIMEDIATYPE_DATAMODEM | TAPIMEDIATYPE_G3FAX |
                             TAPIMEDIATYPE_MULTITRACK);
    if (line_modes & (LINEMEDIAMODE_INTERACTIVEVOICE | LINEMEDIAMODE_AUTOMATEDVOICE))
        mt |= TAPIMEDIATYPE_AUDIO;
    return (LONG)mt;
}

static HRESULT bstr_out(const char *s, BSTR *pp)
{
    if (!pp)
        return E_POINTER;
    *pp = otSysAllocString(s);
    return *pp ? S_OK : E_OUTOFMEMORY;
}

/* ---- ITAddress ---- */
static HRESULT addr_qi(struct ot3_address *a, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) ||
        IsEqualIID(riid, &IID_ITAddress))
        *ppv = &a->itf;
    else if (IsEqualIID(riid, &IID_ITAddressCapabilities))
        *ppv = &a->caps_itf;
    else
        return E_NOINTERFACE;
    ot3_ext_ref(a->tapi);
    return S_OK;
}

static HRESULT WINAPI a_QueryInterface(ITAddress *This, REFIID riid, void **ppv)
{
    return addr_qi(addr_of(This), riid, ppv);
}
static ULONG WINAPI a_AddRef(ITAddress *This)
{
    return ITTAPI_AddRef(&addr_of(This)->tapi->itf);
}
static ULONG WINAPI a_Release(ITAddress *This)
{
    return ITTAPI_Release(&addr_of(This)->tapi->itf);
}
OT3_DISPATCH_STUBS(a, ITAddress)

/* As the line last said while the application had it open (a registration
 * or an outgoing call): AE_STATE tells each change. */
static HRESULT WINAPI a_get_State(ITAddress *This, ADDRESS_STATE *p)
{
    if (!p)
        return E_POINTER;
    struct ot3_address *a = addr_of(This);
    ot3_lock(a->tapi);
    *p = a->out_of_service ? AS_OUTOFSERVICE : AS_INSERVICE;
    ot3_unlock(a->tapi);
    return S_OK;
}
static HRESULT WINAPI a_get_AddressName(ITAddress *This, BSTR *pp)
{
    return bstr_out(addr_of(This)->line_name, pp);
}
static HRESULT WINAPI a_get_ServiceProviderName(ITAddress *This, BSTR *pp)
{
    return bstr_out(addr_of(This)->provider, pp);
}
static HRESULT WINAPI a_get_TAPIObject(ITAddress *This, ITTAPI **pp)
{
    if (!pp)
        return E_POINTER;
    struct ot3_tapi *t = addr_of(This)->tapi;
    ot3_ext_ref(t);
    *pp = &t->itf;
    return S_OK;
}

static HRESULT WINAPI a_CreateCall(ITAddress *This, BSTR pDestAddress, LONG lAddressType,
                                   LONG lMediaTypes, ITBasicCallControl **ppCall)
{
    struct ot3_address *a = addr_of(This);
    struct ot3_tapi *t = a->tapi;
    if (!ppCall)
        return E_POINTER;
    *ppCall = NULL;
    DWORD at = (DWORD)lAddressType;
    if (!at || (at & (at - 1)) || at > LINEADDRESSTYPE_IPADDRESS)
        return TAPI_E_INVALADDRESSTYPE;
    DWORD modes;
    HRESULT hr = ot3_media_modes(a, lMediaTypes, &modes);
    if (hr != S_OK)
        return hr;
    char *dest = ot3_strdup(pDestAddress ? pDestAddress : "");
    if (!dest)
        return E_OUTOFMEMORY;
    ot3_lock(t);
    if (t->phase != OT3_RUNNING) {
        ot3_unlock(t);
        free(dest);
        return TAPI_E_NOT_INITIALIZED;
    }
    struct ot3_call *c = ot3_call_new(t, a);
    if (!c) {
        ot3_unlock(t);
        free(dest);
        return E_OUTOFMEMORY;
    }
    c->outgoing = true;
    c->priv = CP_OWNER;
    c->dest = dest;
    c->media_modes = modes;
    ot3_unlock(t);
    *ppCall = &c->bcc_itf; /* the creation reference is the caller's */
    return S_OK;
}

static HRESULT WINAPI a_get_Calls(ITAddress *This, VARIANT *v)
{
    (void)This, (void)v;
    return E_NOTIMPL;
}

static HRESULT WINAPI a_EnumerateCalls(ITAddress *This, IEnumCall **ppEnum)
{
    struct ot3_address *a = addr_of(This);
    struct ot3_tapi *t = a->tapi;
    if (!ppEnum)
        return E_POINTER;
    *ppEnum = NULL;
    ot3_lock(t);
    ULONG n = 0;
    for (struct ot3_call *c = t->calls; c; c = c->next)
        n += c->addr == a;
    void **items = malloc((n ? n : 1) * sizeof(*items));
    if (!items) {
        ot3_unlock(t);
        return E_OUTOFMEMORY;
    }
    n = 0;
    for (struct ot3_call *c = t->calls; c; c = c->next)
        if (c->addr == a) {
            ot3_call_addref(c); /* the enumerator's, taken over below */
            items[n++] = &c->info_itf;
        }
    ot3_unlock(t);
    *ppEnum = ot3_enum_calls(items, n);
    /* The enumerator took its own references: give back ours. */
    for (ULONG i = 0; i < n; i++)
        ITCallInfo_Release((ITCallInfo *)items[i]);
    free(items);
    return *ppEnum ? S_OK : E_OUTOFMEMORY;
}

static HRESULT WINAPI a_get_DialableAddress(ITAddress *This, BSTR *pp)
{
    return bstr_out(addr_of(This)->address, pp);
}
static HRESULT WINAPI a_put_MessageWaiting(ITAddress *This, VARIANT_BOOL b)
{
    (void)This, (void)b;
    return E_NOTIMPL;
}
static HRESULT WINAPI a_get_MessageWaiting(ITAddress *This, VARIANT_BOOL *pb)
{
    (void)This, (void)pb;
    return E_NOTIMPL;
}
static HRESULT WINAPI a_put_DoNotDisturb(ITAddress *This, VARIANT_BOOL b)
{
    (void)This, (void)b;
    return E_NOTIMPL;
}
static HRESULT WINAPI a_get_DoNotDisturb(ITAddress *This, VARIANT_BOOL *pb)
{
    (void)This, (void)pb;
    return E_NOTIMPL;
}

static const ITAddressVtbl addr_vtbl = {
    a_QueryInterface,      a_AddRef,
    a_Release,             OT3_DISPATCH_ENTRIES(a),
    a_get_State,           a_get_AddressName,
    a_get_ServiceProviderName, a_get_TAPIObject,
    a_CreateCall,          a_get_Calls,
    a_EnumerateCalls,      a_get_DialableAddress,
    ot3_a_CreateForwardInfoObject, ot3_a_Forward,
    ot3_a_get_CurrentForwardInfo, a_put_MessageWaiting,
    a_get_MessageWaiting,  a_put_DoNotDisturb,
    a_get_DoNotDisturb,
};

/* ---- ITAddressCapabilities ---- */
static HRESULT WINAPI ac_QueryInterface(ITAddressCapabilities *This, REFIID riid, void **ppv)
{
    return addr_qi(addr_of_caps(This), riid, ppv);
}
static ULONG WINAPI ac_AddRef(ITAddressCapabilities *This)
{
    return ITTAPI_AddRef(&addr_of_caps(This)->tapi->itf);
}
static ULONG WINAPI ac_Release(ITAddressCapabilities *This)
{
    return ITTAPI_Release(&addr_of_caps(This)->tapi->itf);
}
OT3_DISPATCH_STUBS(ac, ITAddressCapabilities)

static HRESULT WINAPI ac_get_AddressCapability(ITAddressCapabilities *This,
                                               ADDRESS_CAPABILITY cap, LONG *pl)
{
    const struct ot3_address *a = addr_of_caps(This);
    if (!pl)
        return E_POINTER;
    DWORD v;
    switch (cap) {
    case AC_ADDRESSTYPES: v = LINEADDRESSTYPE_PHONENUMBER; break;
    case AC_BEARERMODES: v = a->bearer_modes; break;
    case AC_MAXACTIVECALLS: v = a->max_active; break;
    case AC_MAXONHOLDCALLS: v = a->max_onhold; break;
    case AC_MAXONHOLDPENDINGCALLS: v = a->max_onhold_pend; break;
    case AC_MAXNUMCONFERENCE: v = a->max_num_conf; break;
    case AC_MAXNUMTRANSCONF: v = a->max_transconf; break;
    case AC_DEVCAPFLAGS: v = a->devcap_flags; break;
    case AC_ANSWERMODES: v = a->answer_modes; break;
    case AC_LINEFEATURES: v = a->line_features; break;
    case AC_CALLERIDSUPPORT: v = a->caller_id_flags; break;
    case AC_CALLEDIDSUPPORT: v = a->called_id_flags; break;
    case AC_CONNECTEDIDSUPPORT: v = a->connected_id_flags; break;
    case AC_REDIRECTIONIDSUPPORT: v = a->redirection_id_flags; break;
    case AC_REDIRECTINGIDSUPPORT: v = a->redirecting_id_flags; break;
    case AC_ADDRESSCAPFLAGS: v = a->addr_cap_flags; break;
    case AC_CALLFEATURES1: v = a->call_features; break;
    case AC_CALLFEATURES2: v = a->call_features2; break;
    case AC_REMOVEFROMCONFCAPS: v = a->remove_conf_caps; break;
    case AC_REMOVEFROMCONFSTATE: v = a->remove_conf_state; break;
    case AC_TRANSFERMODES: v = a->transfer_modes; break;
    case AC_ADDRESSFEATURES: v = a->addr_features; break;
    case AC_MAXCALLDATASIZE: v = a->max_call_data; break;
    case AC_LINEID: v = a->device; break;
    case AC_ADDRESSID: v = a->address_id; break;
    case AC_FORWARDMODES: v = a->forward_modes; break;
    case AC_PARKSUPPORT: v = a->park_modes; break;
    case AC_MAXFORWARDENTRIES: v = a->max_fwd_entries; break;
    case AC_MAXSPECIFICENTRIES: v = a->max_specific_entries; break;
    case AC_MINFWDNUMRINGS: v = a->min_fwd_rings; break;
    case AC_MAXFWDNUMRINGS: v = a->max_fwd_rings; break;
    case AC_MAXCALLCOMPLETIONS: v = a->max_completions; break;
    case AC_CALLCOMPLETIONCONDITIONS: v = a->completion_conds; break;
    case AC_CALLCOMPLETIONMODES: v = a->completion_modes; break;
    case AC_PERMANENTDEVICEID: v = a->permanent_id; break;
    default:
        if ((unsigned)cap > AC_GENERATEDIGITDEFAULTDURATION)
            return E_INVALIDARG;
        return E_NOTIMPL;
    }
    *pl = (LONG)v;
    return S_OK;
}

static HRESULT WINAPI ac_get_AddressCapabilityString(ITAddressCapabilities *This,
                                                     ADDRESS_CAPABILITY_STRING cap, BSTR *pp)
{
    const struct ot3_address *a = addr_of_caps(This);
    if (!pp)
        return E_POINTER;
    *pp = NULL;
    switch (cap) {
    case ACS_PROVIDERSPECIFIC:
        return bstr_out(a->provider, pp);
    case ACS_SWITCHSPECIFIC:
        return bstr_out(a->switch_info, pp);
    case ACS_PROTOCOL:
    case ACS_ADDRESSDEVICESPECIFIC:
    case ACS_LINEDEVICESPECIFIC:
    case ACS_PERMANENTDEVICEGUID:
        return E_NOTIMPL;
    default:
        return E_INVALIDARG;
    }
}
static HRESULT WINAPI ac_get_CallTreatments(ITAddressCapabilities *This, VARIANT *v)
{
    (void)This, (void)v;
    return E_NOTIMPL;
}
static HRESULT WINAPI ac_EnumerateCallTreatments(ITAddressCapabilities *This, IEnumBstr **pp)
{
    (void)This;
    if (pp)
        *pp = NULL;
    return E_NOTIMPL;
}
static HRESULT WINAPI ac_get_CompletionMessages(ITAddressCapabilities *This, VARIANT *v)
{
    (void)This, (void)v;
    return E_NOTIMPL;
}
static HRESULT WINAPI ac_EnumerateCompletionMessages(ITAddressCapabilities *This, IEnumBstr **pp)
{
    (void)This;
    if (pp)
        *pp = NULL;
    return E_NOTIMPL;
}
static HRESULT WINAPI ac_get_DeviceClasses(ITAddressCapabilities *This, VARIANT *v)
{
    (void)This, (void)v;
    return E_NOTIMPL;
}
static HRESULT WINAPI ac_EnumerateDeviceClasses(ITAddressCapabilities *This, IEnumBstr **pp)
{
    (void)This;
    if (pp)
        *pp = NULL;
    return E_NOTIMPL;
}
static const ITAddressCapabilitiesVtbl caps_vtbl = {
    ac_QueryInterface,          ac_AddRef,
    ac_Release,                 OT3_DISPATCH_ENTRIES(ac),
    ac_get_AddressCapability,   ac_get_AddressCapabilityString,
    ac_get_CallTreatments,      ac_EnumerateCallTreatments,
    ac_get_CompletionMessages,  ac_EnumerateCompletionMessages,
    ac_get_DeviceClasses,       ac_EnumerateDeviceClasses,
};

/* ---- enumerators: one implementation over IUnknown-shaped pointers ---- */
struct ot3_enum {
    union {
        IEnumAddress addr;
        IEnumCall call;
    } itf;
    atomic_uint refs;
    bool of_calls;
    ULONG n, pos;
    void *items[]; /* ITAddress * or ITCallInfo * */
};

static struct ot3_enum *enum_new(bool of_calls, void **items, ULONG n, ULONG pos);

static void item_addref(const struct ot3_enum *e, void *p)
{
    if (e->of_calls)
        ITCallInfo_AddRef((ITCallInfo *)p);
    else
        ITAddress_AddRef((ITAddress *)p);
}
static void item_release(const struct ot3_enum *e, void *p)
{
    if (e->of_calls)
        ITCallInfo_Release((ITCallInfo *)p);
    else
        ITAddress_Release((ITAddress *)p);
}

static ULONG enum_addref(struct ot3_enum *e) { return atomic_fetch_add(&e->refs, 1) + 1; }
static ULONG enum_release(struct ot3_enum *e)
{
    ULONG n = atomic_fetch_sub(&e->refs, 1) - 1;
    if (n == 0) {
        for (ULONG i = 0; i < e->n; i++)
            item_release(e, e->items[i]);
        free(e);
        atomic_fetch_sub(&ot3_live_enums, 1);
    }
    return n;
}
static HRESULT enum_qi(struct ot3_enum *e, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_POINTER;
    if (!IsEqualIID(riid, &IID_IUnknown) &&
        !IsEqualIID(riid, e->of_calls ? &IID_IEnumCall : &IID_IEnumAddress))
        return E_NOINTERFACE;
    enum_addref(e);
    *ppv = &e->itf;
    return S_OK;
}
static HRESULT enum_next(struct ot3_enum *e, ULONG celt, void **out, ULONG *fetched)
{
    if (!out || (!fetched && celt != 1))
        return E_POINTER;
    ULONG k = 0;
    while (k < celt && e->pos < e->n) {
        out[k] = e->items[e->pos++];
        item_addref(e, out[k]);
        k++;
    }
    if (fetched)
        *fetched = k;
    return k == celt ? S_OK : S_FALSE;
}
static HRESULT enum_skip(struct ot3_enum *e, ULONG celt)
{
    ULONG left = e->n - e->pos;
    e->pos += celt < left ? celt : left;
    return celt <= left ? S_OK : S_FALSE;
}
static HRESULT enum_clone(struct ot3_enum *e, void **pp)
{
    if (!pp)
        return E_POINTER;
    struct ot3_enum *c = enum_new(e->of_calls, e->items, e->n, e->pos);
    *pp = c ? &c->itf : NULL;
    return c ? S_OK : E_OUTOFMEMORY;
}

#define ENUM_METHODS(prefix, T, Item)                                                          \
    static HRESULT WINAPI prefix##_QueryInterface(T *This, REFIID riid, void **ppv)            \
    {                                                                                          \
        return enum_qi((struct ot3_enum *)(void *)This, riid, ppv);                            \
    }                                                                                          \
    static ULONG WINAPI prefix##_AddRef(T *This)                                               \
    {                                                                                          \
        return enum_addref((struct ot3_enum *)(void *)This);                                   \
    }                                                                                          \
    static ULONG WINAPI prefix##_Release(T *This)                                              \
    {                                                                                          \
        return enum_release((struct ot3_enum *)(void *)This);                                  \
    }                                                                                          \
    static HRESULT WINAPI prefix##_Next(T *This, ULONG celt, Item **pp, ULONG *pf)             \
    {                                                                                          \
        return enum_next((struct ot3_enum *)(void *)This, celt, (void **)pp, pf);              \
    }                                                                                          \
    static HRESULT WINAPI prefix##_Reset(T *This)                                              \
    {                                                                                          \
        ((struct ot3_enum *)(void *)This)->pos = 0;                                            \
        return S_OK;                                                                           \
    }                                                                                          \
    static HRESULT WINAPI prefix##_Skip(T *This, ULONG celt)                                   \
    {                                                                                          \
        return enum_skip((struct ot3_enum *)(void *)This, celt);                               \
    }                                                                                          \
    static HRESULT WINAPI prefix##_Clone(T *This, T **pp)                                      \
    {                                                                                          \
        return enum_clone((struct ot3_enum *)(void *)This, (void **)pp);                       \
    }

ENUM_METHODS(ea, IEnumAddress, ITAddress)
ENUM_METHODS(ec, IEnumCall, ITCallInfo)

static const IEnumAddressVtbl ea_vtbl = {ea_QueryInterface, ea_AddRef, ea_Release, ea_Next,
                                         ea_Reset,          ea_Skip,   ea_Clone};
static const IEnumCallVtbl ec_vtbl = {ec_QueryInterface, ec_AddRef, ec_Release, ec_Next,
                                      ec_Reset,          ec_Skip,   ec_Clone};

static struct ot3_enum *enum_new(bool of_calls, void **items, ULONG n, ULONG pos)
{
    struct ot3_enum *e = malloc(sizeof(*e) + n * sizeof(e->items[0]));
    if (!e)
        return NULL;
    if (of_calls)
        e->itf.call.lpVtbl = &ec_vtbl;
    else
        e->itf.addr.lpVtbl = &ea_vtbl;
    atomic_init(&e->refs, 1);
    e->of_calls = of_calls;
    e->n = n;
    e->pos = pos;
    for (ULONG i = 0; items && i < n; i++) {
        e->items[i] = items[i];
        item_addref(e, items[i]);
    }
    atomic_fetch_add(&ot3_live_enums, 1);
    return e;
}

IEnumAddress *ot3_enum_addresses(void **items, ULONG n)
{
    struct ot3_enum *e = enum_new(false, items, n, 0);
    return e ? &e->itf.addr : NULL;
}

IEnumCall *ot3_enum_calls(void **items, ULONG n)
{
    struct ot3_enum *e = enum_new(true, items, n, 0);
    return e ? &e->itf.call : NULL;
}
