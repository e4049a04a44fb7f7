/* Event objects: ITCallStateEvent (TE_CALLSTATE), ITCallNotificationEvent
 * (TE_CALLNOTIFICATION), ITCallInfoChangeEvent (TE_CALLINFOCHANGE),
 * ITDigitDetectionEvent (TE_DIGITEVENT), ITDigitGenerationEvent (TE_GENERATEEVENT),
 * ITDigitsGatheredEvent (TE_GATHERDIGITS), ITToneDetectionEvent (TE_TONEEVENT),
 * ITAddressEvent (TE_ADDRESS).  An event is immutable after creation and
 * holds one reference to its call (an address event: an internal reference
 * of the TAPI object, which keeps its addresses), dropped when the event is
 * freed (never with the TAPI lock held). */
#include <stdlib.h>
#include <string.h>

#include "t3.h"

static struct ot3_event *ev_of(void *itf) { return (struct ot3_event *)itf; }

static ULONG ev_addref(struct ot3_event *e) { return atomic_fetch_add(&e->refs, 1) + 1; }

static void ev_free(struct ot3_event *e)
{
    struct ot3_call *c = e->call;
    free(e->digits);
    struct ot3_tapi *t = e->addr ? e->addr->tapi : NULL;
    free(e);
    atomic_fetch_sub(&ot3_live_events, 1);
    if (c)
        ot3_call_release(c);
    if (t)
        ot3_int_unref(t);
}

static ULONG ev_release(struct ot3_event *e)
{
    ULONG n = atomic_fetch_sub(&e->refs, 1) - 1;
    if (n == 0)
        ev_free(e);
    return n;
}

void ot3_event_release(struct ot3_event *e) { ev_release(e); }

static HRESULT ev_qi(struct ot3_event *e, const IID *own, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    if (!riid) {
        *ppv = NULL;
        return E_POINTER;
    }
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) ||
        IsEqualIID(riid, own)) {
        ev_addref(e);
        *ppv = &e->itf;
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}

static HRESULT ev_get_call(struct ot3_event *e, ITCallInfo **pp)
{
    if (!pp)
        return E_POINTER;
    ot3_call_addref(e->call);
    *pp = &e->call->info_itf;
    return S_OK;
}

static HRESULT ev_get_instance(struct ot3_event *e, LONG *pl)
{
    if (!pl)
        return E_POINTER;
    *pl = e->instance;
    return S_OK;
}

/* IUnknown of event interface T, methods named prefix_QueryInterface ... */
#define EV_IUNKNOWN(prefix, T)                                                                  \
    static HRESULT WINAPI prefix##_QueryInterface(T *This, REFIID riid, void **ppv)           \
    {                                                                                          \
        return ev_qi(ev_of(This), &IID_##T, riid, ppv);                                        \
    }                                                                                          \
    static ULONG WINAPI prefix##_AddRef(T *This) { return ev_addref(ev_of(This)); }           \
    static ULONG WINAPI prefix##_Release(T *This) { return ev_release(ev_of(This)); }

/* ---- ITCallStateEvent ---- */
EV_IUNKNOWN(cs, ITCallStateEvent)
OT3_DISPATCH_STUBS(cs, ITCallStateEvent)
static HRESULT WINAPI cs_get_Call(ITCallStateEvent *This, ITCallInfo **pp)
{
    return ev_get_call(ev_of(This), pp);
}
static HRESULT WINAPI cs_get_State(ITCallStateEvent *This, CALL_STATE *p)
{
    if (!p)
        return E_POINTER;
    *p = ev_of(This)->state;
    return S_OK;
}
static HRESULT WINAPI cs_get_Cause(ITCallStateEvent *This, CALL_STATE_EVENT_CAUSE *p)
{
    if (!p)
        return E_POINTER;
    *p = ev_of(This)->cause;
    return S_OK;
}
static HRESULT WINAPI cs_get_CallbackInstance(ITCallStateEvent *This, LONG *pl)
{
    return ev_get_instance(ev_of(This), pl);
}
static const ITCallStateEventVtbl cs_vtbl = {
    cs_QueryInterface, cs_AddRef,    cs_Release, OT3_DISPATCH_ENTRIES(cs),
    cs_get_Call,       cs_get_State, cs_get_Cause, cs_get_CallbackInstance};

/* ---- ITCallNotificationEvent ---- */
EV_IUNKNOWN(cn, ITCallNotificationEvent)
OT3_DISPATCH_STUBS(cn, ITCallNotificationEvent)
static HRESULT WINAPI cn_get_Call(ITCallNotificationEvent *This, ITCallInfo **pp)
{
    return ev_get_call(ev_of(This), pp);
}
static HRESULT WINAPI cn_get_Event(ITCallNotificationEvent *This, CALL_NOTIFICATION_EVENT *p)
{
    if (!p)
        return E_POINTER;
    *p = ev_of(This)->cne;
    return S_OK;
}
static HRESULT WINAPI cn_get_CallbackInstance(ITCallNotificationEvent *This, LONG *pl)
{
    return ev_get_instance(ev_of(This), pl);
}
static const ITCallNotificationEventVtbl cn_vtbl = {
    cn_QueryInterface, cn_AddRef,    cn_Release, OT3_DISPATCH_ENTRIES(cn),
    cn_get_Call,       cn_get_Event, cn_get_CallbackInstance};

/* ---- ITCallInfoChangeEvent ---- */
EV_IUNKNOWN(ic, ITCallInfoChangeEvent)
OT3_DISPATCH_STUBS(ic, ITCallInfoChangeEvent)
static HRESULT WINAPI ic_get_Call(ITCallInfoChangeEvent *This, ITCallInfo **pp)
{
    return ev_get_call(ev_of(This), pp);
}
static HRESULT WINAPI ic_get_Cause(ITCallInfoChangeEvent *This, CALLINFOCHANGE_CAUSE *p)
{
    if (!p)
        return E_POINTER;
    *p = ev_of(This)->cic;
    return S_OK;
}
static HRESULT WINAPI ic_get_CallbackInstance(ITCallInfoChangeEvent *This, LONG *pl)
{
    return ev_get_instance(ev_of(This), pl);
}
static const ITCallInfoChangeEventVtbl ic_vtbl = {
    ic_QueryInterface, ic_AddRef,    ic_Release, OT3_DISPATCH_ENTRIES(ic),
    ic_get_Call,       ic_get_Cause, ic_get_CallbackInstance};

/* ---- ITDigitDetectionEvent ---- */
EV_IUNKNOWN(dd, ITDigitDetectionEvent)
OT3_DISPATCH_STUBS(dd, ITDigitDetectionEvent)
static HRESULT WINAPI dd_get_Call(ITDigitDetectionEvent *This, ITCallInfo **pp)
{
    return ev_get_call(ev_of(This), pp);
}
static HRESULT WINAPI dd_get_Digit(ITDigitDetectionEvent *This, unsigned char *p)
{
    if (!p)
        return E_POINTER;
    *p = ev_of(This)->digit;
    return S_OK;
}
static HRESULT WINAPI dd_get_DigitMode(ITDigitDetectionEvent *This, TAPI_DIGITMODE *p)
{
    if (!p)
        return E_POINTER;
    *p = ev_of(This)->digit_mode;
    return S_OK;
}
static HRESULT WINAPI dd_get_TickCount(ITDigitDetectionEvent *This, LONG *p)
{
    if (!p)
        return E_POINTER;
    *p = ev_of(This)->tick;
    return S_OK;
}
static HRESULT WINAPI dd_get_CallbackInstance(ITDigitDetectionEvent *This, LONG *pl)
{
    return ev_get_instance(ev_of(This), pl);
}
static const ITDigitDetectionEventVtbl dd_vtbl = {
    dd_QueryInterface, dd_AddRef,        dd_Release,       OT3_DISPATCH_ENTRIES(dd),
    dd_get_Call,       dd_get_Digit,     dd_get_DigitMode, dd_get_TickCount,
    dd_get_CallbackInstance};

/* ---- ITDigitGenerationEvent ---- */
EV_IUNKNOWN(dg, ITDigitGenerationEvent)
OT3_DISPATCH_STUBS(dg, ITDigitGenerationEvent)
static HRESULT WINAPI dg_get_Call(ITDigitGenerationEvent *This, ITCallInfo **pp)
{
    return ev_get_call(ev_of(This), pp);
}
static HRESULT WINAPI dg_get_GenerationTermination(ITDigitGenerationEvent *This, LONG *p)
{
    if (!p)
        return E_POINTER;
    *p = ev_of(This)->gen_term;
    return S_OK;
}
static HRESULT WINAPI dg_get_TickCount(ITDigitGenerationEvent *This, LONG *p)
{
    if (!p)
        return E_POINTER;
    *p = ev_of(This)->tick;
    return S_OK;
}
static HRESULT WINAPI dg_get_CallbackInstance(ITDigitGenerationEvent *This, LONG *pl)
{
    return ev_get_instance(ev_of(This), pl);
}
static const ITDigitGenerationEventVtbl dg_vtbl = {
    dg_QueryInterface, dg_AddRef, dg_Release, OT3_DISPATCH_ENTRIES(dg),
    dg_get_Call, dg_get_GenerationTermination, dg_get_TickCount, dg_get_CallbackInstance};

/* ---- ITDigitsGatheredEvent ---- */
EV_IUNKNOWN(gd, ITDigitsGatheredEvent)
OT3_DISPATCH_STUBS(gd, ITDigitsGatheredEvent)
static HRESULT WINAPI gd_get_Call(ITDigitsGatheredEvent *This, ITCallInfo **pp)
{
    return ev_get_call(ev_of(This), pp);
}
static HRESULT WINAPI gd_get_Digits(ITDigitsGatheredEvent *This, BSTR *pp)
{
    if (!pp)
        return E_POINTER;
    struct ot3_event *e = ev_of(This);
    *pp = otSysAllocStringLen(e->digits ? e->digits : "", (UINT)e->ndigits);
    return *pp ? S_OK : E_OUTOFMEMORY;
}
static HRESULT WINAPI gd_get_GatherTermination(ITDigitsGatheredEvent *This, TAPI_GATHERTERM *p)
{
    if (!p)
        return E_POINTER;
    *p = ev_of(This)->gather_term;
    return S_OK;
}
static HRESULT WINAPI gd_get_TickCount(ITDigitsGatheredEvent *This, LONG *p)
{
    if (!p)
        return E_POINTER;
    *p = ev_of(This)->tick;
    return S_OK;
}
static HRESULT WINAPI gd_get_CallbackInstance(ITDigitsGatheredEvent *This, LONG *pl)
{
    return ev_get_instance(ev_of(This), pl);
}
static const ITDigitsGatheredEventVtbl gd_vtbl = {
    gd_QueryInterface, gd_AddRef,     gd_Release,       OT3_DISPATCH_ENTRIES(gd),
    gd_get_Call,       gd_get_Digits, gd_get_GatherTermination, gd_get_TickCount,
    gd_get_CallbackInstance};

/* ---- ITToneDetectionEvent ---- */
EV_IUNKNOWN(td, ITToneDetectionEvent)
OT3_DISPATCH_STUBS(td, ITToneDetectionEvent)
static HRESULT WINAPI td_get_Call(ITToneDetectionEvent *This, ITCallInfo **pp)
{
    return ev_get_call(ev_of(This), pp);
}
static HRESULT WINAPI td_get_AppSpecific(ITToneDetectionEvent *This, LONG *p)
{
    if (!p)
        return E_POINTER;
    *p = ev_of(This)->app_specific;
    return S_OK;
}
static HRESULT WINAPI td_get_TickCount(ITToneDetectionEvent *This, LONG *p)
{
    if (!p)
        return E_POINTER;
    *p = ev_of(This)->tick;
    return S_OK;
}
static HRESULT WINAPI td_get_CallbackInstance(ITToneDetectionEvent *This, LONG *pl)
{
    return ev_get_instance(ev_of(This), pl);
}
static const ITToneDetectionEventVtbl td_vtbl = {
    td_QueryInterface, td_AddRef, td_Release, OT3_DISPATCH_ENTRIES(td),
    td_get_Call, td_get_AppSpecific, td_get_TickCount, td_get_CallbackInstance};
/* ---- ITAddressEvent ---- */
EV_IUNKNOWN(ae, ITAddressEvent)
OT3_DISPATCH_STUBS(ae, ITAddressEvent)
static HRESULT WINAPI ae_get_Address(ITAddressEvent *This, ITAddress **pp)
{
    if (!pp)
        return E_POINTER;
    struct ot3_address *a = ev_of(This)->addr;
    ITAddress_AddRef(&a->itf);
    *pp = &a->itf;
    return S_OK;
}
static HRESULT WINAPI ae_get_Event(ITAddressEvent *This, ADDRESS_EVENT *p)
{
    if (!p)
        return E_POINTER;
    *p = ev_of(This)->ae;
    return S_OK;
}
static HRESULT WINAPI ae_get_Terminal(ITAddressEvent *This, ITTerminal **pp)
{
    (void)This;
    if (!pp)
        return E_POINTER;
    *pp = NULL;
    return S_OK;
}
static const ITAddressEventVtbl ae_vtbl = {ae_QueryInterface, ae_AddRef,
                                           ae_Release,        OT3_DISPATCH_ENTRIES(ae),
                                           ae_get_Address,    ae_get_Event,
                                           ae_get_Terminal};

/* ---- creation (TAPI lock held: only an atomic AddRef of the call) ---- */
static struct ot3_event *ev_new(struct ot3_call *c, TAPI_EVENT type, const void *vtbl)
{
    struct ot3_event *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->itf.disp.lpVtbl = vtbl;
    atomic_init(&e->refs, 1);
    e->type = type;
    e->call = c;
    e->instance = c->instance;
    ot3_call_addref(c);
    atomic_fetch_add(&ot3_live_events, 1);
    return e;
}

struct ot3_event *ot3_event_state(struct ot3_call *c, CALL_STATE state,
                                  CALL_STATE_EVENT_CAUSE cause)
{
    struct ot3_event *e = ev_new(c, TE_CALLSTATE, &cs_vtbl);
    if (e) {
        e->state = state;
        e->cause = cause;
    }
    return e;
}

struct ot3_event *ot3_event_notify(struct ot3_call *c, CALL_NOTIFICATION_EVENT what)
{
    struct ot3_event *e = ev_new(c, TE_CALLNOTIFICATION, &cn_vtbl);
    if (e)
        e->cne = what;
    return e;
}

struct ot3_event *ot3_event_address(struct ot3_address *a, ADDRESS_EVENT what)
{
    struct ot3_event *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->itf.disp.lpVtbl = (const void *)&ae_vtbl;
    atomic_init(&e->refs, 1);
    e->type = TE_ADDRESS;
    e->addr = a;
    e->ae = what;
    ot3_int_ref(a->tapi);
    atomic_fetch_add(&ot3_live_events, 1);
    return e;
}

struct ot3_event *ot3_event_infochange(struct ot3_call *c, CALLINFOCHANGE_CAUSE cause)
{
    struct ot3_event *e = ev_new(c, TE_CALLINFOCHANGE, &ic_vtbl);
    if (e)
        e->cic = cause;
    return e;
}

struct ot3_event *ot3_event_digit(struct ot3_call *c, unsigned char digit, TAPI_DIGITMODE mode,
                                  LONG tick)
{
    struct ot3_event *e = ev_new(c, TE_DIGITEVENT, &dd_vtbl);
    if (e) {
        e->digit = digit;
        e->digit_mode = mode;
        e->tick = tick;
    }
    return e;
}

struct ot3_event *ot3_event_generate(struct ot3_call *c, LONG term, LONG tick)
{
    struct ot3_event *e = ev_new(c, TE_GENERATEEVENT, &dg_vtbl);
    if (e) {
        e->gen_term = term;
        e->tick = tick;
    }
    return e;
}

struct ot3_event *ot3_event_gathered(struct ot3_call *c, const char *digits, DWORD n,
                                     TAPI_GATHERTERM term, LONG tick)
{
    char *copy = malloc(n + 1);
    if (!copy)
        return NULL;
    memcpy(copy, digits, n);
    copy[n] = '\0';
    struct ot3_event *e = ev_new(c, TE_GATHERDIGITS, &gd_vtbl);
    if (!e) {
        free(copy);
        return NULL;
    }
    e->digits = copy;
    e->ndigits = n;
    e->gather_term = term;
    e->tick = tick;
    return e;
}

struct ot3_event *ot3_event_tone(struct ot3_call *c, LONG app_specific, LONG tick)
{
    struct ot3_event *e = ev_new(c, TE_TONEEVENT, &td_vtbl);
    if (e) {
        e->app_specific = app_specific;
        e->tick = tick;
    }
    return e;
}
