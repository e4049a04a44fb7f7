/* Event delivery of the TAPI object: its queue of events, the sinker
 * thread that hands them to the application's ITTAPIEventNotification sinks,
 * the sinks themselves (Advise/Unadvise), the connection point interfaces
 * that register them (IConnectionPointContainer, IConnectionPoint), and the
 * opentapi entry points otTapi3Advise, otTapi3Unadvise and otTapi3GetEvent
 * (events without a sink). */
#include <string.h>

#include "t3.h"

static struct ot3_tapi *tapi_of_cpc(IConnectionPointContainer *p)
{
    return ot3_container_of(p, struct ot3_tapi, cpc_itf);
}
static struct ot3_tapi *tapi_of_cp(IConnectionPoint *p)
{
    return ot3_container_of(p, struct ot3_tapi, cp_itf);
}

/* ---- events ---- */
bool ot3_wants(const struct ot3_tapi *t, TAPI_EVENT type)
{
    return t->phase == OT3_RUNNING && (t->filter & (LONG)type);
}

void ot3_push_event(struct ot3_tapi *t, struct ot3_event *ev)
{
    if (!ev)
        return;
    ev->qnext = NULL;
    *t->qtail = ev;
    t->qtail = &ev->qnext;
    pthread_cond_broadcast(&t->cond);
}

static struct ot3_event *pop_event(struct ot3_tapi *t)
{
    struct ot3_event *e = t->qhead;
    if (e) {
        t->qhead = e->qnext;
        if (!t->qhead)
            t->qtail = &t->qhead;
    }
    return e;
}

/* Delivers queued events to the sinks, one at a time, without the lock.
 * The sinks of one delivery are t->snap; a sink unadvised (or a TAPI object
 * shut down) meanwhile is only released once the delivery is over
 * (t->deferred), so no sink is called after its last release. */
void *ot3_sinker_main(void *arg)
{
    struct ot3_tapi *t = arg;
    ot3_lock(t);
    for (;;) {
        while (!t->sinker_stop && !(t->qhead && t->nsinks))
            pthread_cond_wait(&t->cond, &t->lock);
        if (t->sinker_stop)
            break;
        struct ot3_event *e = pop_event(t);
        t->nsnap = t->nsinks;
        for (unsigned i = 0; i < t->nsnap; i++)
            t->snap[i] = t->sinks[i].sink;
        ot3_unlock(t);
        for (unsigned i = 0; i < t->nsnap; i++)
            ITTAPIEventNotification_Event(t->snap[i], e->type, &e->itf.disp);
        ot3_event_release(e);
        ot3_lock(t);
        t->nsnap = 0;
        pthread_cond_broadcast(&t->cond); /* an Unadvise may wait for this */
        ITTAPIEventNotification *deferred[OT3_MAX_SINKS];
        unsigned nd = t->ndeferred;
        memcpy(deferred, t->deferred, nd * sizeof(deferred[0]));
        t->ndeferred = 0;
        if (nd) {
            ot3_unlock(t);
            for (unsigned i = 0; i < nd; i++)
                ITTAPIEventNotification_Release(deferred[i]);
            ot3_lock(t);
        }
    }
    bool detached = t->sinker_detached;
    ot3_unlock(t);
    if (detached)
        ot3_int_unref(t);
    return NULL;
}

/* A sink the TAPI object lets go of (lock held): true if the caller releases
 * it after unlocking, false if the sinker will. */
bool ot3_sink_let_go(struct ot3_tapi *t, ITTAPIEventNotification *s)
{
    for (unsigned i = 0; i < t->nsnap; i++)
        if (t->snap[i] == s) {
            t->deferred[t->ndeferred++] = s;
            return false;
        }
    return true;
}

/* ---- sinks ---- */
/* Takes over one reference to sink. */
static HRESULT advise_sink(struct ot3_tapi *t, ITTAPIEventNotification *sink, DWORD *pcookie)
{
    ot3_lock(t);
    HRESULT hr = S_OK;
    if (t->nsinks == OT3_MAX_SINKS)
        hr = CONNECT_E_ADVISELIMIT;
    else {
        DWORD cookie = ++t->next_cookie;
        t->sinks[t->nsinks].sink = sink;
        t->sinks[t->nsinks].cookie = cookie;
        t->nsinks++;
        *pcookie = cookie;
        pthread_cond_broadcast(&t->cond);
    }
    ot3_unlock(t);
    if (hr != S_OK)
        ITTAPIEventNotification_Release(sink);
    return hr;
}

static bool in_snap(const struct ot3_tapi *t, const ITTAPIEventNotification *s)
{
    for (unsigned i = 0; i < t->nsnap; i++)
        if (t->snap[i] == s)
            return true;
    return false;
}

/* Outside the sink, Unadvise waits for a delivery to that sink to end, so
 * that once it returns the sink is neither called nor held any more. */
static HRESULT unadvise(struct ot3_tapi *t, DWORD cookie)
{
    ITTAPIEventNotification *sink = NULL;
    ot3_lock(t);
    for (unsigned i = 0; i < t->nsinks; i++)
        if (t->sinks[i].cookie == cookie) {
            sink = t->sinks[i].sink;
            t->sinks[i] = t->sinks[--t->nsinks];
            break;
        }
    bool on_sinker = t->sinker_running && pthread_equal(pthread_self(), t->sinker);
    while (sink && !on_sinker && in_snap(t, sink))
        pthread_cond_wait(&t->cond, &t->lock);
    bool release = sink && ot3_sink_let_go(t, sink);
    ot3_unlock(t);
    if (!sink)
        return CONNECT_E_NOCONNECTION;
    if (release)
        ITTAPIEventNotification_Release(sink);
    return S_OK;
}

/* Application code (QueryInterface, AddRef) is called without the lock. */
static HRESULT advise(struct ot3_tapi *t, IUnknown *unk, DWORD *pcookie)
{
    if (!unk || !pcookie)
        return E_POINTER;
    void *pv = NULL;
    if (IUnknown_QueryInterface(unk, &IID_ITTAPIEventNotification, &pv) != S_OK || !pv)
        return CONNECT_E_CANNOTCONNECT;
    return advise_sink(t, pv, pcookie);
}

OT3_EXPORT HRESULT otTapi3Advise(ITTAPI *pTapi, ITTAPIEventNotification *pSink, DWORD *pdwCookie)
{
    struct ot3_tapi *t = ot3_tapi_from(pTapi);
    if (!t || !pSink || !pdwCookie)
        return E_POINTER;
    ITTAPIEventNotification_AddRef(pSink);
    return advise_sink(t, pSink, pdwCookie);
}

OT3_EXPORT HRESULT otTapi3Unadvise(ITTAPI *pTapi, DWORD dwCookie)
{
    struct ot3_tapi *t = ot3_tapi_from(pTapi);
    if (!t)
        return E_POINTER;
    return unadvise(t, dwCookie);
}

/* ---- IConnectionPointContainer ---- */
static HRESULT WINAPI cpc_QueryInterface(IConnectionPointContainer *This, REFIID riid, void **ppv)
{
    return ITTAPI_QueryInterface(&tapi_of_cpc(This)->itf, riid, ppv);
}
static ULONG WINAPI cpc_AddRef(IConnectionPointContainer *This)
{
    return ITTAPI_AddRef(&tapi_of_cpc(This)->itf);
}
static ULONG WINAPI cpc_Release(IConnectionPointContainer *This)
{
    return ITTAPI_Release(&tapi_of_cpc(This)->itf);
}
static HRESULT WINAPI cpc_EnumConnectionPoints(IConnectionPointContainer *This,
                                               IEnumConnectionPoints **pp)
{
    (void)This;
    if (pp)
        *pp = NULL;
    return E_NOTIMPL;
}
static HRESULT WINAPI cpc_FindConnectionPoint(IConnectionPointContainer *This, REFIID riid,
                                              IConnectionPoint **ppCP)
{
    if (!ppCP)
        return E_POINTER;
    *ppCP = NULL;
    if (!riid)
        return E_POINTER;
    if (!IsEqualIID(riid, &IID_ITTAPIEventNotification))
        return CONNECT_E_NOCONNECTION;
    struct ot3_tapi *t = tapi_of_cpc(This);
    ot3_ext_ref(t);
    *ppCP = &t->cp_itf;
    return S_OK;
}
const IConnectionPointContainerVtbl ot3_cpc_vtbl = {
    cpc_QueryInterface, cpc_AddRef, cpc_Release, cpc_EnumConnectionPoints,
    cpc_FindConnectionPoint};

/* ---- IConnectionPoint ---- */
static HRESULT WINAPI cp_QueryInterface(IConnectionPoint *This, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_POINTER;
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IConnectionPoint))
        return E_NOINTERFACE;
    ot3_ext_ref(tapi_of_cp(This));
    *ppv = This;
    return S_OK;
}
static ULONG WINAPI cp_AddRef(IConnectionPoint *This)
{
    return ITTAPI_AddRef(&tapi_of_cp(This)->itf);
}
static ULONG WINAPI cp_Release(IConnectionPoint *This)
{
    return ITTAPI_Release(&tapi_of_cp(This)->itf);
}
static HRESULT WINAPI cp_GetConnectionInterface(IConnectionPoint *This, IID *pIID)
{
    (void)This;
    if (!pIID)
        return E_POINTER;
    *pIID = IID_ITTAPIEventNotification;
    return S_OK;
}
static HRESULT WINAPI cp_GetConnectionPointContainer(IConnectionPoint *This,
                                                     IConnectionPointContainer **pp)
{
    if (!pp)
        return E_POINTER;
    struct ot3_tapi *t = tapi_of_cp(This);
    ot3_ext_ref(t);
    *pp = &t->cpc_itf;
    return S_OK;
}
static HRESULT WINAPI cp_Advise(IConnectionPoint *This, IUnknown *pUnkSink, DWORD *pdwCookie)
{
    return advise(tapi_of_cp(This), pUnkSink, pdwCookie);
}
static HRESULT WINAPI cp_Unadvise(IConnectionPoint *This, DWORD dwCookie)
{
    return unadvise(tapi_of_cp(This), dwCookie);
}
static HRESULT WINAPI cp_EnumConnections(IConnectionPoint *This, IEnumConnections **pp)
{
    (void)This;
    if (pp)
        *pp = NULL;
    return E_NOTIMPL;
}
const IConnectionPointVtbl ot3_cp_vtbl = {
    cp_QueryInterface, cp_AddRef,   cp_Release,         cp_GetConnectionInterface,
    cp_GetConnectionPointContainer, cp_Advise, cp_Unadvise, cp_EnumConnections};

OT3_EXPORT HRESULT otTapi3GetEvent(ITTAPI *pTapi, DWORD dwTimeout, TAPI_EVENT *pEventType,
                                   IDispatch **ppEvent)
{
    struct ot3_tapi *t = ot3_tapi_from(pTapi);
    if (!t || !pEventType || !ppEvent)
        return E_POINTER;
    *ppEvent = NULL;
    struct timespec dl;
    clock_gettime(CLOCK_MONOTONIC, &dl);
    dl.tv_sec += dwTimeout / 1000u;
    dl.tv_nsec += (long)(dwTimeout % 1000u) * 1000000L;
    if (dl.tv_nsec >= 1000000000L) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000L;
    }
    ot3_lock(t);
    HRESULT hr = S_FALSE;
    for (;;) {
        if (t->phase != OT3_RUNNING) {
            hr = TAPI_E_NOT_INITIALIZED;
            break;
        }
        if (t->qhead && !t->nsinks) {
            struct ot3_event *e = pop_event(t);
            *pEventType = e->type;
            *ppEvent = &e->itf.disp;
            hr = S_OK;
            break;
        }
        if (dwTimeout == 0)
            break;
        if (dwTimeout == INFINITE)
            pthread_cond_wait(&t->cond, &t->lock);
        else if (!ot3_wait_until(t, &dl))
            dwTimeout = 0; /* one last look */
    }
    ot3_unlock(t);
    return hr;
}
