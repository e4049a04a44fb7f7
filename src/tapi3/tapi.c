/* The TAPI object (ITTAPI): its locking and references, the waits, ITTAPI's
 * methods (Initialize starts the reader of reader.c and the sinker of
 * notify.c; Shutdown stops them), and the creation entry points
 * (otTapi3Create, otCoCreateInstance, otTapi3SetTimeout).  Invariants: the
 * reader runs from Initialize until Shutdown has called lineShutdown; no
 * event is queued after Shutdown; every request in t->reqs is either waited
 * for or abandoned (then the reader frees it). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "t3.h"

static struct ot3_tapi *tapi_of(ITTAPI *p) { return ot3_container_of(p, struct ot3_tapi, itf); }

static const ITTAPIVtbl tapi_vtbl;

struct ot3_tapi *ot3_tapi_from(ITTAPI *p)
{
    return p && p->lpVtbl == &tapi_vtbl ? tapi_of(p) : NULL;
}

/* ---- locking, references ---- */
void ot3_lock(struct ot3_tapi *t) { pthread_mutex_lock(&t->lock); }

void ot3_unlock(struct ot3_tapi *t)
{
    struct ot3_call *z = t->zombies;
    t->zombies = NULL;
    pthread_mutex_unlock(&t->lock);
    while (z) {
        struct ot3_call *n = z->zombie_next;
        ot3_call_free(z); /* drops the call's int ref: t may be gone after the last */
        z = n;
    }
}

void ot3_int_ref(struct ot3_tapi *t) { atomic_fetch_add(&t->int_refs, 1); }

static void tapi_free(struct ot3_tapi *t)
{
    for (DWORD i = 0; i < t->naddrs; i++)
        ot3_address_free(t->addrs[i]);
    free(t->addrs);
    free(t->hidden);
    pthread_cond_destroy(&t->cond);
    pthread_mutex_destroy(&t->lock);
    free(t);
    atomic_fetch_sub(&ot3_live_tapis, 1);
}

void ot3_int_unref(struct ot3_tapi *t)
{
    if (atomic_fetch_sub(&t->int_refs, 1) == 1)
        tapi_free(t);
}

static HRESULT tapi_shutdown(struct ot3_tapi *t);

/* External references may come back from 0: an address reached through a
 * call object that outlived the application's last ITTAPI reference.  Each
 * 0 -> 1 takes an internal reference again, each 1 -> 0 shuts down (once:
 * Shutdown is idempotent) and drops it. */
ULONG ot3_ext_ref(struct ot3_tapi *t)
{
    ULONG n = atomic_fetch_add(&t->ext_refs, 1);
    if (n == 0)
        ot3_int_ref(t);
    return n + 1;
}

void ot3_ext_unref(struct ot3_tapi *t)
{
    if (atomic_fetch_sub(&t->ext_refs, 1) == 1) {
        tapi_shutdown(t);
        ot3_int_unref(t);
    }
}

/* ---- waits ---- */
struct timespec ot3_deadline(const struct ot3_tapi *t)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    DWORD ms = t->timeout_ms;
    ts.tv_sec += ms / 1000u;
    ts.tv_nsec += (long)(ms % 1000u) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

bool ot3_wait_until(struct ot3_tapi *t, const struct timespec *deadline)
{
    return pthread_cond_timedwait(&t->cond, &t->lock, deadline) != ETIMEDOUT;
}

/* ---- ITTAPI ---- */
static HRESULT tapi_qi(struct ot3_tapi *t, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) ||
        IsEqualIID(riid, &IID_ITTAPI))
        *ppv = &t->itf;
    else if (IsEqualIID(riid, &IID_IConnectionPointContainer))
        *ppv = &t->cpc_itf;
    else
        return E_NOINTERFACE;
    ot3_ext_ref(t);
    return S_OK;
}

static HRESULT WINAPI t_QueryInterface(ITTAPI *This, REFIID riid, void **ppv)
{
    return tapi_qi(tapi_of(This), riid, ppv);
}
static ULONG WINAPI t_AddRef(ITTAPI *This) { return ot3_ext_ref(tapi_of(This)); }
static ULONG WINAPI t_Release(ITTAPI *This)
{
    struct ot3_tapi *t = tapi_of(This);
    ULONG n = atomic_load(&t->ext_refs) - 1;
    ot3_ext_unref(t);
    return n;
}
OT3_DISPATCH_STUBS(t, ITTAPI)

static HRESULT WINAPI t_Initialize(ITTAPI *This)
{
    struct ot3_tapi *t = tapi_of(This);
    ot3_lock(t);
    if (t->phase != OT3_NEW) {
        ot3_unlock(t);
        return E_UNEXPECTED;
    }
    LINEINITIALIZEEXPARAMS p;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = sizeof(p);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    DWORD ndevs = 0, api = OT3_API_HIGH;
    LONG rc = lineInitializeEx(&t->happ, NULL, NULL, "opentapi TAPI3", &ndevs, &api, &p);
    if (rc) {
        ot3_unlock(t);
        return ot3_hr(rc);
    }
    HRESULT hr = S_OK;
    for (DWORD d = 0; d < ndevs && hr == S_OK; d++) {
        DWORD ver;
        LINEEXTENSIONID ext;
        if (lineNegotiateAPIVersion(t->happ, d, OT3_API_LOW, OT3_API_HIGH, &ver, &ext))
            continue;
        DWORD size = sizeof(LINEDEVCAPS) + 1024;
        LINEDEVCAPS *dc = calloc(1, size);
        if (!dc) {
            hr = E_OUTOFMEMORY;
            break;
        }
        dc->dwTotalSize = size;
        if (lineGetDevCaps(t->happ, d, ver, 0, dc) == 0 && dc->dwNeededSize > size) {
            size = dc->dwNeededSize;
            LINEDEVCAPS *bigger = realloc(dc, size);
            if (!bigger) {
                free(dc);
                hr = E_OUTOFMEMORY;
                break;
            }
            dc = bigger;
            memset(dc, 0, size);
            dc->dwTotalSize = size;
            if (lineGetDevCaps(t->happ, d, ver, 0, dc)) {
                free(dc);
                continue;
            }
        }
        for (DWORD i = 0; i < dc->dwNumAddresses && hr == S_OK; i++) {
            struct ot3_address *a = ot3_address_new(t, d, i, ver, dc);
            struct ot3_address **arr =
                a ? realloc(t->addrs, (t->naddrs + 1) * sizeof(*arr)) : NULL;
            if (!arr) {
                ot3_address_free(a);
                hr = E_OUTOFMEMORY;
                break;
            }
            t->addrs = arr;
            t->addrs[t->naddrs++] = a;
        }
        free(dc);
    }
    if (hr == S_OK && pthread_create(&t->reader, NULL, ot3_reader_main, t))
        hr = E_OUTOFMEMORY;
    else if (hr == S_OK)
        t->reader_running = true;
    if (hr == S_OK && pthread_create(&t->sinker, NULL, ot3_sinker_main, t))
        hr = E_OUTOFMEMORY;
    else if (hr == S_OK)
        t->sinker_running = true;
    if (hr != S_OK) {
        lineShutdown(t->happ); /* the reader, if it started, returns */
        t->sinker_stop = true;
        t->phase = OT3_DOWN; /* no second attempt */
        pthread_cond_broadcast(&t->cond);
        ot3_unlock(t);
        if (t->reader_running)
            pthread_join(t->reader, NULL);
        t->reader_running = false;
        for (DWORD i = 0; i < t->naddrs; i++)
            ot3_address_free(t->addrs[i]);
        free(t->addrs);
        t->addrs = NULL;
        t->naddrs = 0;
        return hr;
    }
    t->phase = OT3_RUNNING;
    ot3_unlock(t);
    return S_OK;
}

static HRESULT tapi_shutdown(struct ot3_tapi *t)
{
    ot3_lock(t);
    if (t->phase != OT3_RUNNING) {
        ot3_unlock(t);
        return TAPI_E_NOT_INITIALIZED;
    }
    t->phase = OT3_DOWN;
    /* Calls keep what they know; their line handles die with lineShutdown. */
    for (struct ot3_call *c = t->calls, *n; c; c = n) {
        n = c->next;
        ot3_call_detach(t, c, false);
    }
    for (struct ot3_req *q = t->reqs, *n; q; q = n) {
        n = q->next;
        if (q->abandoned) {
            ot3_req_unlink(t, q);
            ot3_req_free_locked(t, q);
        } else if (!q->done) {
            q->done = true;
            q->result = (LONG)LINEERR_UNINITIALIZED;
        }
    }
    lineShutdown(t->happ); /* the reader's lineGetMessage returns */
    while (t->opens) {
        struct ot3_open *o = t->opens;
        t->opens = o->next;
        free(o);
    }
    for (DWORD i = 0; i < t->naddrs; i++)
        t->addrs[i]->out_open = NULL;
    t->nhidden = 0;
    struct ot3_event *q = t->qhead;
    t->qhead = NULL;
    t->qtail = &t->qhead;
    ITTAPIEventNotification *sinks[OT3_MAX_SINKS];
    unsigned nsinks = 0;
    for (unsigned i = 0; i < t->nsinks; i++)
        if (ot3_sink_let_go(t, t->sinks[i].sink))
            sinks[nsinks++] = t->sinks[i].sink;
    t->nsinks = 0;
    t->sinker_stop = true;
    bool on_sinker = t->sinker_running && pthread_equal(pthread_self(), t->sinker);
    bool join_sinker = t->sinker_running && !on_sinker;
    if (on_sinker) {
        ot3_int_ref(t); /* the detached sinker's, dropped as it exits */
        t->sinker_detached = true;
        pthread_detach(t->sinker);
    }
    t->sinker_running = false;
    pthread_cond_broadcast(&t->cond);
    ot3_unlock(t);
    if (t->reader_running) {
        pthread_join(t->reader, NULL);
        t->reader_running = false;
    }
    if (join_sinker)
        pthread_join(t->sinker, NULL);
    while (q) {
        struct ot3_event *n = q->qnext;
        ot3_event_release(q);
        q = n;
    }
    for (unsigned i = 0; i < nsinks; i++)
        ITTAPIEventNotification_Release(sinks[i]);
    return S_OK;
}

static HRESULT WINAPI t_Shutdown(ITTAPI *This) { return tapi_shutdown(tapi_of(This)); }

static HRESULT WINAPI t_get_Addresses(ITTAPI *This, VARIANT *pVariant)
{
    (void)This;
    (void)pVariant;
    return E_NOTIMPL;
}

static HRESULT WINAPI t_EnumerateAddresses(ITTAPI *This, IEnumAddress **ppEnum)
{
    struct ot3_tapi *t = tapi_of(This);
    if (!ppEnum)
        return E_POINTER;
    *ppEnum = NULL;
    ot3_lock(t);
    if (t->phase != OT3_RUNNING) {
        ot3_unlock(t);
        return TAPI_E_NOT_INITIALIZED;
    }
    void **items = malloc((t->naddrs ? t->naddrs : 1) * sizeof(*items));
    if (!items) {
        ot3_unlock(t);
        return E_OUTOFMEMORY;
    }
    for (DWORD i = 0; i < t->naddrs; i++)
        items[i] = &t->addrs[i]->itf;
    ULONG n = t->naddrs;
    ot3_unlock(t);
    /* Addresses live as long as the TAPI object; the enumerator's AddRefs
     * are on it (no lock needed). */
    *ppEnum = ot3_enum_addresses(items, n);
    free(items);
    return *ppEnum ? S_OK : E_OUTOFMEMORY;
}

static HRESULT WINAPI t_RegisterCallNotifications(ITTAPI *This, ITAddress *pAddress,
                                                  VARIANT_BOOL fMonitor, VARIANT_BOOL fOwner,
                                                  LONG lMediaTypes, LONG lCallbackInstance,
                                                  LONG *plRegister)
{
    struct ot3_tapi *t = tapi_of(This);
    if (!plRegister || !pAddress)
        return E_POINTER;
    struct ot3_address *a = ot3_address_from(pAddress);
    if (!a || a->tapi != t)
        return E_INVALIDARG;
    DWORD priv = (fMonitor ? LINECALLPRIVILEGE_MONITOR : 0) | (fOwner ? LINECALLPRIVILEGE_OWNER : 0);
    if (!priv)
        return E_INVALIDARG;
    DWORD modes;
    HRESULT hr = ot3_media_modes(a, lMediaTypes, &modes);
    if (hr != S_OK)
        return hr;
    ot3_lock(t);
    if (t->phase != OT3_RUNNING) {
        ot3_unlock(t);
        return TAPI_E_NOT_INITIALIZED;
    }
    struct ot3_open *o;
    hr = ot3_open_line(t, a, priv, modes, &o);
    if (hr == S_OK) {
        o->reg_id = ++t->next_reg;
        o->instance = lCallbackInstance;
        *plRegister = o->reg_id;
    }
    ot3_unlock(t);
    return hr;
}

static HRESULT WINAPI t_UnregisterNotifications(ITTAPI *This, LONG lRegister)
{
    struct ot3_tapi *t = tapi_of(This);
    ot3_lock(t);
    struct ot3_open *o = t->opens;
    while (o && (o->reg_id == 0 || o->reg_id != lRegister || o->closing))
        o = o->next;
    if (!o) {
        ot3_unlock(t);
        return E_INVALIDARG;
    }
    o->closing = true;
    if (!o->ncalls)
        ot3_open_close(t, o);
    ot3_unlock(t);
    return S_OK;
}

static HRESULT WINAPI t_get_CallHubs(ITTAPI *This, VARIANT *v)
{
    (void)This, (void)v;
    return E_NOTIMPL;
}
static HRESULT WINAPI t_EnumerateCallHubs(ITTAPI *This, IEnumCallHub **pp)
{
    (void)This;
    if (pp)
        *pp = NULL;
    return E_NOTIMPL;
}
static HRESULT WINAPI t_SetCallHubTracking(ITTAPI *This, VARIANT v, VARIANT_BOOL b)
{
    (void)This, (void)v, (void)b;
    return E_NOTIMPL;
}
static HRESULT WINAPI t_EnumeratePrivateTAPIObjects(ITTAPI *This, IEnumUnknown **pp)
{
    (void)This;
    if (pp)
        *pp = NULL;
    return E_NOTIMPL;
}
static HRESULT WINAPI t_get_PrivateTAPIObjects(ITTAPI *This, VARIANT *v)
{
    (void)This, (void)v;
    return E_NOTIMPL;
}
static HRESULT WINAPI t_RegisterRequestRecipient(ITTAPI *This, LONG i, LONG m, VARIANT_BOOL e)
{
    (void)This, (void)i, (void)m, (void)e;
    return E_NOTIMPL;
}
static HRESULT WINAPI t_SetAssistedTelephonyPriority(ITTAPI *This, BSTR f, VARIANT_BOOL p)
{
    (void)This, (void)f, (void)p;
    return E_NOTIMPL;
}
static HRESULT WINAPI t_SetApplicationPriority(ITTAPI *This, BSTR f, LONG m, VARIANT_BOOL p)
{
    (void)This, (void)f, (void)m, (void)p;
    return E_NOTIMPL;
}

/* Every TAPI_EVENT bit Microsoft defines. */
#define OT3_ALL_EVENTS 0x03FFFFFF

static HRESULT WINAPI t_put_EventFilter(ITTAPI *This, LONG lFilterMask)
{
    struct ot3_tapi *t = tapi_of(This);
    if (lFilterMask & ~(LONG)OT3_ALL_EVENTS)
        return E_INVALIDARG;
    ot3_lock(t);
    HRESULT hr = t->phase == OT3_RUNNING ? S_OK : TAPI_E_NOT_INITIALIZED;
    if (hr == S_OK)
        t->filter = lFilterMask;
    ot3_unlock(t);
    return hr;
}

static HRESULT WINAPI t_get_EventFilter(ITTAPI *This, LONG *plFilterMask)
{
    struct ot3_tapi *t = tapi_of(This);
    if (!plFilterMask)
        return E_POINTER;
    ot3_lock(t);
    HRESULT hr = t->phase == OT3_RUNNING ? S_OK : TAPI_E_NOT_INITIALIZED;
    if (hr == S_OK)
        *plFilterMask = t->filter;
    ot3_unlock(t);
    return hr;
}

static const ITTAPIVtbl tapi_vtbl = {
    t_QueryInterface,
    t_AddRef,
    t_Release,
    OT3_DISPATCH_ENTRIES(t),
    t_Initialize,
    t_Shutdown,
    t_get_Addresses,
    t_EnumerateAddresses,
    t_RegisterCallNotifications,
    t_UnregisterNotifications,
    t_get_CallHubs,
    t_EnumerateCallHubs,
    t_SetCallHubTracking,
    t_EnumeratePrivateTAPIObjects,
    t_get_PrivateTAPIObjects,
    t_RegisterRequestRecipient,
    t_SetAssistedTelephonyPriority,
    t_SetApplicationPriority,
    t_put_EventFilter,
    t_get_EventFilter,
};

/* ---- creation ---- */
OT3_EXPORT HRESULT otTapi3Create(ITTAPI **ppTapi)
{
    if (!ppTapi)
        return E_POINTER;
    *ppTapi = NULL;
    struct ot3_tapi *t = calloc(1, sizeof(*t));
    if (!t)
        return E_OUTOFMEMORY;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&t->cond, &ca);
    pthread_condattr_destroy(&ca);
    if (rc) {
        free(t);
        return E_OUTOFMEMORY;
    }
    pthread_mutex_init(&t->lock, NULL);
    t->itf.lpVtbl = &tapi_vtbl;
    t->cpc_itf.lpVtbl = &ot3_cpc_vtbl;
    t->cp_itf.lpVtbl = &ot3_cp_vtbl;
    atomic_init(&t->ext_refs, 1);
    atomic_init(&t->int_refs, 1);
    t->phase = OT3_NEW;
    t->qtail = &t->qhead;
    t->timeout_ms = OT3_DEFAULT_TIMEOUT_MS;
    atomic_fetch_add(&ot3_live_tapis, 1);
    *ppTapi = &t->itf;
    return S_OK;
}

OT3_EXPORT HRESULT otCoCreateInstance(REFCLSID rclsid, IUnknown *pUnkOuter, DWORD dwClsContext,
                                      REFIID riid, void **ppv)
{
    (void)dwClsContext;
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!rclsid || !riid)
        return E_POINTER;
    if (pUnkOuter)
        return CLASS_E_NOAGGREGATION;
    if (!IsEqualGUID(rclsid, &CLSID_TAPI))
        return CLASS_E_CLASSNOTAVAILABLE;
    ITTAPI *tapi;
    HRESULT hr = otTapi3Create(&tapi);
    if (hr != S_OK)
        return hr;
    hr = ITTAPI_QueryInterface(tapi, riid, ppv);
    ITTAPI_Release(tapi);
    return hr;
}

OT3_EXPORT HRESULT otTapi3SetTimeout(ITTAPI *pTapi, DWORD dwMilliseconds)
{
    struct ot3_tapi *t = ot3_tapi_from(pTapi);
    if (!t)
        return E_POINTER;
    ot3_lock(t);
    t->timeout_ms = dwMilliseconds ? dwMilliseconds : OT3_DEFAULT_TIMEOUT_MS;
    ot3_unlock(t);
    return S_OK;
}
