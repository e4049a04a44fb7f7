/* TAPI 3 routing on top of the line API: ITForwardInformation and
 * ITAddress::CreateForwardInfoObject / Forward / get_CurrentForwardInfo
 * (lineForward, LINEADDRESSSTATUS), and ITBasicCallControl::SwapHold /
 * ParkDirect / ParkIndirect / Unpark / Pickup (lineSwapHold, linePark,
 * lineUnpark, linePickup).  Each waits for its request as the rest of the
 * layer does (ot3_req_run); the line decides what it can do.
 *
 * An ITForwardInformation object is the application's alone (no TAPI object
 * behind it): its own lock, one entry per forward type. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "t3.h"

#define FWD_TYPES 16u /* LINEFORWARDMODE_UNCOND (bit 0) .. BUSYNASPECIFIC (bit 15) */
#define FWD_SPECIFIC                                                                           \
    (LINEFORWARDMODE_UNCONDSPECIFIC | LINEFORWARDMODE_BUSYSPECIFIC |                           \
     LINEFORWARDMODE_NOANSWSPECIFIC | LINEFORWARDMODE_BUSYNASPECIFIC)

struct ot3_fwdinfo {
    ITForwardInformation itf;
    atomic_uint refs;
    pthread_mutex_t lock;
    LONG rings;
    char *dest[FWD_TYPES], *caller[FWD_TYPES];
};

static const ITForwardInformationVtbl fwd_vtbl;

static struct ot3_fwdinfo *fwd_of(ITForwardInformation *p)
{
    return ot3_container_of(p, struct ot3_fwdinfo, itf);
}

static struct ot3_fwdinfo *fwd_from(ITForwardInformation *p)
{
    return p && p->lpVtbl == &fwd_vtbl ? fwd_of(p) : NULL;
}

static void fwd_clear(struct ot3_fwdinfo *f)
{
    for (unsigned i = 0; i < FWD_TYPES; i++) {
        free(f->dest[i]);
        free(f->caller[i]);
        f->dest[i] = f->caller[i] = NULL;
    }
    f->rings = 0;
}

static struct ot3_fwdinfo *fwd_new(void)
{
    struct ot3_fwdinfo *f = calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    if (pthread_mutex_init(&f->lock, NULL)) {
        free(f);
        return NULL;
    }
    f->itf.lpVtbl = &fwd_vtbl;
    atomic_init(&f->refs, 1);
    atomic_fetch_add(&ot3_live_enums, 1);
    return f;
}

/* The slot of a forward type: one known LINEFORWARDMODE_ bit, else -1. */
static int fwd_slot(LONG type)
{
    DWORD t = (DWORD)type;
    if (!t || (t & (t - 1)) || t >= (1u << FWD_TYPES))
        return -1;
    int i = 0;
    while (!(t & 1u))
        t >>= 1, i++;
    return i;
}

static HRESULT WINAPI f_QueryInterface(ITForwardInformation *This, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_POINTER;
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IDispatch) &&
        !IsEqualIID(riid, &IID_ITForwardInformation))
        return E_NOINTERFACE;
    atomic_fetch_add(&fwd_of(This)->refs, 1);
    *ppv = This;
    return S_OK;
}

static ULONG WINAPI f_AddRef(ITForwardInformation *This)
{
    return atomic_fetch_add(&fwd_of(This)->refs, 1) + 1;
}

static ULONG WINAPI f_Release(ITForwardInformation *This)
{
    struct ot3_fwdinfo *f = fwd_of(This);
    unsigned n = atomic_fetch_sub(&f->refs, 1) - 1;
    if (!n) {
        fwd_clear(f);
        pthread_mutex_destroy(&f->lock);
        free(f);
        atomic_fetch_sub(&ot3_live_enums, 1);
    }
    return n;
}
OT3_DISPATCH_STUBS(f, ITForwardInformation)

static HRESULT WINAPI f_put_NumRingsNoAnswer(ITForwardInformation *This, LONG n)
{
    struct ot3_fwdinfo *f = fwd_of(This);
    if (n < 0)
        return E_INVALIDARG;
    pthread_mutex_lock(&f->lock);
    f->rings = n;
    pthread_mutex_unlock(&f->lock);
    return S_OK;
}

static HRESULT WINAPI f_get_NumRingsNoAnswer(ITForwardInformation *This, LONG *pn)
{
    struct ot3_fwdinfo *f = fwd_of(This);
    if (!pn)
        return E_POINTER;
    pthread_mutex_lock(&f->lock);
    *pn = f->rings;
    pthread_mutex_unlock(&f->lock);
    return S_OK;
}

static HRESULT WINAPI f_SetForwardType(ITForwardInformation *This, LONG type, BSTR dest,
                                       BSTR caller)
{
    struct ot3_fwdinfo *f = fwd_of(This);
    int i = fwd_slot(type);
    if (i < 0)
        return E_INVALIDARG;
    if (!dest)
        return E_POINTER;
    bool specific = ((DWORD)type & FWD_SPECIFIC) != 0;
    if (!*dest || (specific && (!caller || !*caller)))
        return E_INVALIDARG;
    char *d = ot3_strdup(dest), *c = specific ? ot3_strdup(caller) : NULL;
    if (!d || (specific && !c)) {
        free(d);
        free(c);
        return E_OUTOFMEMORY;
    }
    pthread_mutex_lock(&f->lock);
    free(f->dest[i]);
    free(f->caller[i]);
    f->dest[i] = d;
    f->caller[i] = c;
    pthread_mutex_unlock(&f->lock);
    return S_OK;
}

/* A new BSTR of s (NULL stays NULL). */
static HRESULT bstr_or_null(const char *s, BSTR *pp)
{
    *pp = s ? otSysAllocString(s) : NULL;
    return s && !*pp ? E_OUTOFMEMORY : S_OK;
}

static HRESULT WINAPI f_GetForwardType(ITForwardInformation *This, LONG type, BSTR *ppDest,
                                       BSTR *ppCaller)
{
    struct ot3_fwdinfo *f = fwd_of(This);
    if (!ppDest || !ppCaller)
        return E_POINTER;
    *ppDest = *ppCaller = NULL;
    int i = fwd_slot(type);
    if (i < 0)
        return E_INVALIDARG;
    pthread_mutex_lock(&f->lock);
    HRESULT hr = bstr_or_null(f->dest[i], ppDest);
    if (hr == S_OK)
        hr = bstr_or_null(f->caller[i], ppCaller);
    pthread_mutex_unlock(&f->lock);
    if (hr != S_OK) {
        otSysFreeString(*ppDest);
        *ppDest = NULL;
    }
    return hr;
}

static HRESULT WINAPI f_get_ForwardTypeDestination(ITForwardInformation *This, LONG type,
                                                   BSTR *pp)
{
    if (!pp)
        return E_POINTER;
    BSTR caller = NULL;
    HRESULT hr = f_GetForwardType(This, type, pp, &caller);
    otSysFreeString(caller);
    return hr;
}

static HRESULT WINAPI f_get_ForwardTypeCaller(ITForwardInformation *This, LONG type, BSTR *pp)
{
    if (!pp)
        return E_POINTER;
    BSTR dest = NULL;
    HRESULT hr = f_GetForwardType(This, type, &dest, pp);
    otSysFreeString(dest);
    return hr;
}

static HRESULT WINAPI f_Clear(ITForwardInformation *This)
{
    struct ot3_fwdinfo *f = fwd_of(This);
    pthread_mutex_lock(&f->lock);
    fwd_clear(f);
    pthread_mutex_unlock(&f->lock);
    return S_OK;
}

static const ITForwardInformationVtbl fwd_vtbl = {
    f_QueryInterface,       f_AddRef,
    f_Release,              OT3_DISPATCH_ENTRIES(f),
    f_put_NumRingsNoAnswer, f_get_NumRingsNoAnswer,
    f_SetForwardType,       f_get_ForwardTypeDestination,
    f_get_ForwardTypeCaller, f_GetForwardType,
    f_Clear,
};

/* The LINEFORWARDLIST of f (NULL with *empty when it has no entry). */
static LINEFORWARDLIST *fwd_list(struct ot3_fwdinfo *f, bool *empty, DWORD *rings)
{
    pthread_mutex_lock(&f->lock);
    DWORD n = 0;
    size_t strings = 0;
    for (unsigned i = 0; i < FWD_TYPES; i++)
        if (f->dest[i]) {
            n++;
            strings += strlen(f->dest[i]) + 1 + (f->caller[i] ? strlen(f->caller[i]) + 1 : 0);
        }
    *empty = n == 0;
    *rings = (DWORD)f->rings;
    LINEFORWARDLIST *l = NULL;
    size_t head = offsetof(LINEFORWARDLIST, ForwardList) + n * sizeof(LINEFORWARD);
    if (n && (l = calloc(1, head + strings))) {
        unsigned char *base = (unsigned char *)l;
        l->dwTotalSize = (DWORD)(head + strings);
        l->dwNumEntries = n;
        DWORD at = (DWORD)head, k = 0;
        for (unsigned i = 0; i < FWD_TYPES; i++) {
            if (!f->dest[i])
                continue;
            LINEFORWARD e;
            memset(&e, 0, sizeof(e));
            e.dwForwardMode = 1u << i;
            e.dwDestAddressSize = (DWORD)strlen(f->dest[i]) + 1;
            e.dwDestAddressOffset = at;
            memcpy(base + at, f->dest[i], e.dwDestAddressSize);
            at += e.dwDestAddressSize;
            if (f->caller[i]) {
                e.dwCallerAddressSize = (DWORD)strlen(f->caller[i]) + 1;
                e.dwCallerAddressOffset = at;
                memcpy(base + at, f->caller[i], e.dwCallerAddressSize);
                at += e.dwCallerAddressSize;
            }
            memcpy(base + offsetof(LINEFORWARDLIST, ForwardList) + k++ * sizeof(LINEFORWARD), &e,
                   sizeof(e));
        }
    }
    pthread_mutex_unlock(&f->lock);
    return l;
}

/* ---- ITAddress ---- */
HRESULT WINAPI ot3_a_CreateForwardInfoObject(ITAddress *This, ITForwardInformation **pp)
{
    (void)This;
    if (!pp)
        return E_POINTER;
    struct ot3_fwdinfo *f = fwd_new();
    *pp = f ? &f->itf : NULL;
    return f ? S_OK : E_OUTOFMEMORY;
}

HRESULT WINAPI ot3_a_Forward(ITAddress *This, ITForwardInformation *pInfo,
                             ITBasicCallControl *pCall)
{
    (void)pCall; /* the switch needs no consultation call */
    struct ot3_address *a = ot3_address_from(This);
    struct ot3_fwdinfo *f = pInfo ? fwd_from(pInfo) : NULL;
    if (!a || (pInfo && !f))
        return E_INVALIDARG;
    bool empty = true;
    DWORD rings = 0;
    LINEFORWARDLIST *l = f ? fwd_list(f, &empty, &rings) : NULL;
    if (!empty && !l)
        return E_OUTOFMEMORY;
    struct ot3_tapi *t = a->tapi;
    ot3_lock(t);
    HRESULT hr = t->phase == OT3_RUNNING ? S_OK : TAPI_E_NOT_INITIALIZED;
    struct ot3_open *o = NULL;
    if (hr == S_OK && !(a->forward_modes))
        hr = TAPI_E_NOTSUPPORTED;
    if (hr == S_OK)
        hr = ot3_out_open(t, a, &o);
    struct ot3_req *q = NULL;
    if (hr == S_OK && !(q = ot3_req_new(OT3_REQ_GENERIC)))
        hr = E_OUTOFMEMORY;
    if (hr == S_OK) {
        /* q->out1 outlives a wait that times out: the consultation handle
         * (none on the switch) is written there. */
        LONG id = lineForward(o->hline, FALSE, a->address_id, l, rings, &q->out1, NULL);
        hr = ot3_req_run(t, q, id);
    }
    ot3_unlock(t);
    free(l);
    return hr;
}

HRESULT WINAPI ot3_a_get_CurrentForwardInfo(ITAddress *This, ITForwardInformation **pp)
{
    struct ot3_address *a = ot3_address_from(This);
    if (!pp)
        return E_POINTER;
    *pp = NULL;
    if (!a)
        return E_INVALIDARG;
    struct ot3_tapi *t = a->tapi;
    ot3_lock(t);
    HRESULT hr = t->phase == OT3_RUNNING ? S_OK : TAPI_E_NOT_INITIALIZED;
    struct ot3_open *o = NULL;
    if (hr == S_OK)
        hr = ot3_out_open(t, a, &o);
    LINEADDRESSSTATUS *as = NULL;
    DWORD size = sizeof(LINEADDRESSSTATUS) + 1024;
    while (hr == S_OK) {
        free(as);
        if (!(as = calloc(1, size))) {
            hr = E_OUTOFMEMORY;
            break;
        }
        as->dwTotalSize = size;
        hr = ot3_hr(lineGetAddressStatus(o->hline, a->address_id, as));
        if (hr != S_OK || as->dwNeededSize <= size)
            break;
        size = as->dwNeededSize;
    }
    ot3_unlock(t);
    struct ot3_fwdinfo *f = hr == S_OK ? fwd_new() : NULL;
    if (hr == S_OK && !f)
        hr = E_OUTOFMEMORY;
    if (f) {
        const unsigned char *base = (const unsigned char *)as;
        f->rings = (LONG)as->dwNumRingsNoAnswer;
        for (DWORD k = 0; hr == S_OK && k < as->dwForwardNumEntries &&
                          (k + 1) * sizeof(LINEFORWARD) <= as->dwForwardSize;
             k++) {
            LINEFORWARD e;
            memcpy(&e, base + as->dwForwardOffset + k * sizeof(LINEFORWARD), sizeof(e));
            int i = fwd_slot((LONG)e.dwForwardMode);
            if (i < 0)
                continue;
            f->dest[i] = ot3_varstr(as, e.dwDestAddressSize, e.dwDestAddressOffset);
            if (e.dwCallerAddressSize)
                f->caller[i] = ot3_varstr(as, e.dwCallerAddressSize, e.dwCallerAddressOffset);
            if (!f->dest[i] || (e.dwCallerAddressSize && !f->caller[i]))
                hr = E_OUTOFMEMORY;
        }
        if (hr == S_OK)
            *pp = &f->itf;
        else
            f_Release(&f->itf);
    }
    free(as);
    return hr;
}

/* ---- ITBasicCallControl ---- */
/* The checks of call.c's owner operations: running, owner, a handle in a
 * state the operation takes. */
static HRESULT owner_may(const struct ot3_call *c, bool state_ok)
{
    if (c->tapi->phase != OT3_RUNNING)
        return TAPI_E_NOT_INITIALIZED;
    if (c->priv != CP_OWNER)
        return TAPI_E_NOTOWNER;
    return c->hcall && state_ok ? S_OK : TAPI_E_INVALCALLSTATE;
}

static HRESULT run_generic(struct ot3_tapi *t, HRESULT hr, LONG (*op)(struct ot3_call *, void *),
                           struct ot3_call *c, void *arg)
{
    if (hr != S_OK)
        return hr;
    struct ot3_req *q = ot3_req_new(OT3_REQ_GENERIC);
    if (!q)
        return E_OUTOFMEMORY;
    return ot3_req_run(t, q, op(c, arg));
}

static LONG op_swap(struct ot3_call *c, void *arg)
{
    return lineSwapHold(c->hcall, ((struct ot3_call *)arg)->hcall);
}

HRESULT WINAPI ot3_b_SwapHold(ITBasicCallControl *This, ITBasicCallControl *pCall)
{
    struct ot3_call *c = ot3_call_from(This), *h = ot3_call_from(pCall);
    if (!pCall)
        return E_POINTER;
    if (!c || !h || h == c || h->tapi != c->tapi || h->addr != c->addr)
        return E_INVALIDARG;
    struct ot3_tapi *t = c->tapi;
    ot3_lock(t);
    HRESULT hr = owner_may(c, c->state == CS_CONNECTED && !c->busy);
    if (hr == S_OK)
        hr = owner_may(h, h->state == CS_HOLD && !h->busy);
    hr = run_generic(t, hr, op_swap, c, h);
    ot3_unlock(t);
    return hr;
}

static LONG op_park_direct(struct ot3_call *c, void *arg)
{
    return linePark(c->hcall, LINEPARKMODE_DIRECTED, (LPCSTR)arg, NULL);
}

HRESULT WINAPI ot3_b_ParkDirect(ITBasicCallControl *This, BSTR addr)
{
    struct ot3_call *c = ot3_call_from(This);
    if (!addr)
        return E_POINTER;
    if (!c)
        return E_INVALIDARG;
    struct ot3_tapi *t = c->tapi;
    ot3_lock(t);
    HRESULT hr = owner_may(c, c->state == CS_CONNECTED && !c->busy);
    hr = run_generic(t, hr, op_park_direct, c, addr);
    ot3_unlock(t);
    return hr;
}

#define PARK_ROOM 256u
static LONG op_park_indirect(struct ot3_call *c, void *arg)
{
    return linePark(c->hcall, LINEPARKMODE_NONDIRECTED, NULL, (LPVARSTRING)arg);
}

HRESULT WINAPI ot3_b_ParkIndirect(ITBasicCallControl *This, BSTR *pp)
{
    struct ot3_call *c = ot3_call_from(This);
    if (!pp)
        return E_POINTER;
    *pp = NULL;
    if (!c)
        return E_INVALIDARG;
    VARSTRING *v = calloc(1, sizeof(VARSTRING) + PARK_ROOM);
    if (!v)
        return E_OUTOFMEMORY;
    v->dwTotalSize = sizeof(VARSTRING) + PARK_ROOM;
    struct ot3_tapi *t = c->tapi;
    ot3_lock(t);
    HRESULT hr = owner_may(c, c->state == CS_CONNECTED && !c->busy);
    hr = run_generic(t, hr, op_park_indirect, c, v);
    ot3_unlock(t);
    if (hr == S_OK) {
        char *where = v->dwStringFormat == STRINGFORMAT_ASCII
                          ? ot3_varstr(v, v->dwStringSize, v->dwStringOffset)
                          : NULL;
        *pp = where ? otSysAllocString(where) : NULL;
        free(where);
        if (!*pp)
            hr = E_OUTOFMEMORY; /* parked, but the address could not be told */
    }
    free(v);
    return hr;
}

/* Unpark and Pickup: a call object from CreateCall, not yet placed, gets the
 * new line call (attached at the reply, as a conference's consultation call
 * is), and waits for it to be connected. */
static HRESULT take_call(ITBasicCallControl *This, bool pickup, BSTR group)
{
    struct ot3_call *c = ot3_call_from(This);
    if (!c)
        return E_INVALIDARG;
    struct ot3_tapi *t = c->tapi;
    ot3_lock(t);
    HRESULT hr = t->phase == OT3_RUNNING ? S_OK : TAPI_E_NOT_INITIALIZED;
    if (hr == S_OK && (!c->outgoing || c->state != CS_IDLE || c->hcall || c->busy))
        hr = TAPI_E_INVALCALLSTATE;
    if (hr == S_OK && !pickup && !c->dest[0])
        hr = TAPI_E_INVALADDRESS; /* Unpark needs the address the call is parked at */
    struct ot3_open *o = NULL;
    if (hr == S_OK)
        hr = ot3_out_open(t, c->addr, &o);
    struct ot3_req *q = NULL;
    if (hr == S_OK && !(q = ot3_req_new(OT3_REQ_PREPAREADD)))
        hr = E_OUTOFMEMORY;
    if (hr != S_OK) {
        ot3_unlock(t);
        return hr;
    }
    q->call = c;
    ot3_call_addref(c);
    q->open = o;
    const char *dest = c->dest[0] ? c->dest : NULL;
    LONG id = pickup ? linePickup(o->hline, c->addr->address_id, &q->out1, dest,
                                  group && *group ? group : NULL)
                     : lineUnpark(o->hline, c->addr->address_id, &q->out1, dest);
    c->busy = true;
    hr = ot3_req_run(t, q, id);
    c->busy = false;
    pthread_cond_broadcast(&t->cond);
    if (hr == S_OK) {
        struct timespec dl = ot3_deadline(t);
        while (c->state != CS_CONNECTED && c->state != CS_DISCONNECTED && hr == S_OK) {
            if (t->phase != OT3_RUNNING)
                hr = TAPI_E_NOT_INITIALIZED;
            else if (!ot3_wait_until(t, &dl) && c->state != CS_CONNECTED &&
                     c->state != CS_DISCONNECTED)
                hr = TAPI_E_TIMEOUT;
        }
        if (hr == S_OK && c->state == CS_DISCONNECTED)
            hr = TAPI_E_DROPPED;
    }
    ot3_unlock(t);
    return hr;
}

HRESULT WINAPI ot3_b_Unpark(ITBasicCallControl *This) { return take_call(This, false, NULL); }

HRESULT WINAPI ot3_b_Pickup(ITBasicCallControl *This, BSTR group)
{
    return take_call(This, true, group);
}
