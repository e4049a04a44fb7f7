/* The TAPI object (ITTAPI, IConnectionPointContainer, IConnectionPoint): one
 * hidden line application, its reader thread (line messages -> call updates
 * and events), its sinker thread (events -> the application's sinks), the
 * requests being waited for, and the line opens.  Invariants: the reader runs
 * from Initialize until Shutdown has called lineShutdown; no event is queued
 * after Shutdown; every request in t->reqs is either waited for or abandoned
 * (then the reader frees it). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "t3.h"

static struct ot3_tapi *tapi_of(ITTAPI *p) { return ot3_container_of(p, struct ot3_tapi, itf); }
static struct ot3_tapi *tapi_of_cpc(IConnectionPointContainer *p)
{
    return ot3_container_of(p, struct ot3_tapi, cpc_itf);
}
static struct ot3_tapi *tapi_of_cp(IConnectionPoint *p)
{
    return ot3_container_of(p, struct ot3_tapi, cp_itf);
}

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

/* ---- requests ---- */
struct ot3_req *ot3_req_new(enum ot3_req_kind kind)
{
    struct ot3_req *q = calloc(1, sizeof(*q));
    if (q)
        q->kind = kind;
    return q;
}

void ot3_req_add(struct ot3_tapi *t, struct ot3_req *q, LONG id)
{
    q->id = id;
    q->next = t->reqs;
    t->reqs = q;
}

static void req_unlink(struct ot3_tapi *t, struct ot3_req *q)
{
    for (struct ot3_req **pp = &t->reqs; *pp; pp = &(*pp)->next)
        if (*pp == q) {
            *pp = q->next;
            return;
        }
}

static void req_free_locked(struct ot3_tapi *t, struct ot3_req *q)
{
    if (q->call)
        ot3_call_unref_locked(t, q->call);
    free(q);
}

HRESULT ot3_req_wait(struct ot3_tapi *t, struct ot3_req *q, LONG *result)
{
    struct timespec dl = ot3_deadline(t);
    while (!q->done)
        if (!ot3_wait_until(t, &dl) && !q->done) {
            q->abandoned = true; /* the reader frees it when the reply comes */
            return TAPI_E_TIMEOUT;
        }
    req_unlink(t, q);
    bool down = t->phase != OT3_RUNNING && q->result == (LONG)LINEERR_UNINITIALIZED;
    *result = q->result;
    req_free_locked(t, q);
    return down ? TAPI_E_NOT_INITIALIZED : S_OK;
}

HRESULT ot3_req_run(struct ot3_tapi *t, struct ot3_req *q, LONG id)
{
    if (id < 0) {
        req_free_locked(t, q);
        return ot3_hr(id);
    }
    ot3_req_add(t, q, id);
    LONG result;
    HRESULT hr = ot3_req_wait(t, q, &result);
    return hr == S_OK ? ot3_hr(result) : hr;
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
static void *sinker_main(void *arg)
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
static bool sink_let_go(struct ot3_tapi *t, ITTAPIEventNotification *s)
{
    for (unsigned i = 0; i < t->nsnap; i++)
        if (t->snap[i] == s) {
            t->deferred[t->ndeferred++] = s;
            return false;
        }
    return true;
}

/* ---- opens ---- */
static struct ot3_open *open_find_key(struct ot3_tapi *t, DWORD key)
{
    for (struct ot3_open *o = t->opens; o; o = o->next)
        if (o->key == key)
            return o;
    return NULL;
}

/* Address events come from one open of each address (the others would
 * repeat them): o asks for the line states behind them, as far as the line
 * reports them, and the line's service is read. */
static void status_enable(struct ot3_address *a, struct ot3_open *o)
{
    DWORD ls = a->line_states & (LINEDEVSTATE_RINGING | LINEDEVSTATE_INSERVICE |
                                 LINEDEVSTATE_OUTOFSERVICE | LINEDEVSTATE_CAPSCHANGE |
                                 LINEDEVSTATE_CONFIGCHANGE | LINEDEVSTATE_MSGWAITON |
                                 LINEDEVSTATE_MSGWAITOFF);
    DWORD as = a->address_states & (LINEADDRESSSTATE_FORWARD | LINEADDRESSSTATE_CAPSCHANGE);
    if (lineSetStatusMessages(o->hline, ls, as) != 0)
        return;
    a->status_open = o;
    LINEDEVSTATUS ds;
    memset(&ds, 0, sizeof(ds));
    ds.dwTotalSize = sizeof(ds);
    if (lineGetLineDevStatus(o->hline, &ds) == 0)
        a->out_of_service = !(ds.dwDevStatusFlags & LINEDEVSTATUSFLAGS_INSERVICE);
}

static HRESULT open_line(struct ot3_tapi *t, struct ot3_address *a, DWORD privileges,
                         DWORD modes, struct ot3_open **po)
{
    struct ot3_open *o = calloc(1, sizeof(*o));
    if (!o)
        return E_OUTOFMEMORY;
    o->addr = a;
    o->key = ++t->next_key;
    o->privileges = privileges;
    LONG rc = lineOpen(t->happ, a->device, &o->hline, a->api_version, 0, o->key, privileges,
                       modes, NULL);
    if (rc) {
        free(o);
        return ot3_hr(rc);
    }
    o->next = t->opens;
    t->opens = o;
    if (!a->status_open)
        status_enable(a, o);
    *po = o;
    return S_OK;
}

static void open_close(struct ot3_tapi *t, struct ot3_open *o)
{
    for (struct ot3_open **pp = &t->opens; *pp; pp = &(*pp)->next)
        if (*pp == o) {
            *pp = o->next;
            break;
        }
    struct ot3_address *a = o->addr;
    bool was_status = a->status_open == o;
    if (a->out_open == o)
        a->out_open = NULL;
    if (t->phase == OT3_RUNNING && o->hline)
        lineClose(o->hline);
    free(o);
    if (was_status) {
        a->status_open = NULL;
        for (struct ot3_open *x = t->opens; x && t->phase == OT3_RUNNING; x = x->next)
            if (x->addr == a && x->hline) {
                status_enable(a, x);
                break;
            }
    }
}

/* Outgoing calls go on a registration's open of the address if there is one
 * (the line would otherwise give that open a second, monitor handle to the
 * same call), else on an open of their own. */
HRESULT ot3_out_open(struct ot3_tapi *t, struct ot3_address *a, struct ot3_open **po)
{
    for (struct ot3_open *o = t->opens; o; o = o->next)
        if (o->addr == a && o->reg_id && !o->closing) {
            *po = o;
            return S_OK;
        }
    if (a->out_open) {
        *po = a->out_open;
        return S_OK;
    }
    DWORD modes = a->media_modes & LINEMEDIAMODE_INTERACTIVEVOICE ? LINEMEDIAMODE_INTERACTIVEVOICE
                                                                  : a->media_modes;
    HRESULT hr = open_line(t, a, LINECALLPRIVILEGE_NONE, modes, po);
    if (hr == S_OK)
        a->out_open = *po;
    return hr;
}

void ot3_open_call_gone(struct ot3_tapi *t, struct ot3_open *o)
{
    if (o->ncalls)
        o->ncalls--;
    if (o->closing && !o->ncalls)
        open_close(t, o);
}

bool ot3_hidden_add(struct ot3_tapi *t, HCALL h)
{
    if (t->nhidden == t->cap_hidden) {
        unsigned cap = t->cap_hidden ? 2 * t->cap_hidden : 4;
        HCALL *n = realloc(t->hidden, cap * sizeof(*n));
        if (!n)
            return false;
        t->hidden = n;
        t->cap_hidden = cap;
    }
    t->hidden[t->nhidden++] = h;
    return true;
}

/* Whether h is one of our conference parents; one that went IDLE is let go. */
static bool hidden_on_state(struct ot3_tapi *t, HCALL h, DWORD state)
{
    for (unsigned i = 0; i < t->nhidden; i++)
        if (t->hidden[i] == h) {
            if (state == LINECALLSTATE_IDLE) {
                t->hidden[i] = t->hidden[--t->nhidden];
                lineDeallocateCall(h);
            }
            return true;
        }
    return false;
}

/* ---- the reader: line messages -> call objects and events (lock held) ---- */
static void on_reply(struct ot3_tapi *t, LONG id, LONG result)
{
    struct ot3_req *q = NULL;
    for (q = t->reqs; q && q->id != id; q = q->next)
        ;
    if (!q)
        return;
    q->done = true;
    q->result = result;
    if (result == 0) {
        switch (q->kind) {
        case OT3_REQ_MAKECALL:
        case OT3_REQ_PREPAREADD:
            if (q->out1 && q->call && !q->abandoned) {
                ot3_call_attach(t, q->call, q->open, q->out1);
                if (q->kind == OT3_REQ_MAKECALL)
                    ot3_call_connected(t, q->call);
            } else if (q->out1)
                lineDeallocateCall(q->out1);
            break;
        case OT3_REQ_SETUPCONF:
            if (q->out1 && !ot3_hidden_add(t, q->out1))
                lineDeallocateCall(q->out1);
            if (q->out2 && q->call && !q->abandoned)
                ot3_call_attach(t, q->call, q->open, q->out2);
            else if (q->out2)
                lineDeallocateCall(q->out2);
            if (q->call && q->call->consult_of)
                q->call->consult_of->hconf = q->out1;
            break;
        case OT3_REQ_XFERCONF:
            /* The transfer became a conference: its parent, hidden as
             * Conference's, lets the next Conference add to it. */
            if (q->out1 && !ot3_hidden_add(t, q->out1))
                lineDeallocateCall(q->out1);
            else if (q->out1 && q->call && q->call->consult_of)
                q->call->consult_of->hconf = q->out1;
            break;
        case OT3_REQ_GENERIC:
            break;
        }
    }
    if (q->abandoned) {
        req_unlink(t, q);
        req_free_locked(t, q);
    }
    pthread_cond_broadcast(&t->cond);
}

/* A call handle we did not know: a new call object on open o. */
static struct ot3_call *new_incoming(struct ot3_tapi *t, struct ot3_open *o, HCALL h, DWORD priv)
{
    if (!o || o->closing || o->reg_id == 0) {
        lineDeallocateCall(h);
        return NULL;
    }
    /* The same call seen through another open of this application (e.g. our
     * own outgoing call on a monitored address): one call object only. */
    LONG err;
    LINECALLINFO *ci = ot3_get_callinfo(h, &err);
    if (ci)
        for (struct ot3_call *c = t->calls; c; c = c->next)
            if (c->addr == o->addr && c->hcall && c->snap && c->snap->dwCallID == ci->dwCallID) {
                free(ci);
                lineDeallocateCall(h);
                return NULL;
            }
    struct ot3_call *c = ot3_call_new(t, o->addr);
    if (!c) {
        free(ci);
        lineDeallocateCall(h);
        return NULL;
    }
    c->priv = priv == LINECALLPRIVILEGE_OWNER ? CP_OWNER : CP_MONITOR;
    c->instance = o->instance;
    c->snap = ci;
    ot3_call_attach(t, c, o, h);
    if (ot3_wants(t, TE_CALLNOTIFICATION))
        ot3_push_event(t, ot3_event_notify(c, c->priv == CP_OWNER ? CNE_OWNER : CNE_MONITOR));
    ot3_call_unref_locked(t, c); /* the creation reference: the held one remains */
    return c;
}

static void address_event(struct ot3_tapi *t, struct ot3_address *a, ADDRESS_EVENT what)
{
    if (ot3_wants(t, TE_ADDRESS))
        ot3_push_event(t, ot3_event_address(a, what));
}

/* LINE_LINEDEVSTATE / LINE_ADDRESSSTATE of an address's status open: its
 * TE_ADDRESS events, in the order of the bits below. */
static void on_line_state(struct ot3_tapi *t, struct ot3_address *a, DWORD s)
{
    if (s & (LINEDEVSTATE_INSERVICE | LINEDEVSTATE_OUTOFSERVICE)) {
        bool out = (s & LINEDEVSTATE_OUTOFSERVICE) != 0;
        if (a->out_of_service != out) {
            a->out_of_service = out;
            address_event(t, a, AE_STATE);
        }
    }
    static const struct {
        DWORD bit;
        ADDRESS_EVENT ae;
    } map[] = {{LINEDEVSTATE_CAPSCHANGE, AE_CAPSCHANGE},
               {LINEDEVSTATE_CONFIGCHANGE, AE_CONFIGCHANGE},
               {LINEDEVSTATE_MSGWAITON, AE_MSGWAITON},
               {LINEDEVSTATE_MSGWAITOFF, AE_MSGWAITOFF},
               {LINEDEVSTATE_RINGING, AE_RINGING}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (s & map[i].bit)
            address_event(t, a, map[i].ae);
}

static void on_message(struct ot3_tapi *t, const LINEMESSAGE *m)
{
    switch (m->dwMessageID) {
    case LINE_REPLY:
        on_reply(t, (LONG)m->dwParam1, (LONG)m->dwParam2);
        break;
    case LINE_APPNEWCALL: {
        struct ot3_open *o = open_find_key(t, (DWORD)m->dwCallbackInstance);
        new_incoming(t, o, (HCALL)m->dwParam2, (DWORD)m->dwParam3);
        break;
    }
    case LINE_CALLSTATE: {
        HCALL h = (HCALL)m->hDevice;
        struct ot3_call *c = ot3_call_find(t, h);
        if (!c) {
            if (hidden_on_state(t, h, (DWORD)m->dwParam1))
                break;
            if (!m->dwParam3) /* not a new handle: a call we gave back */
                break;
            c = new_incoming(t, open_find_key(t, (DWORD)m->dwCallbackInstance), h,
                             (DWORD)m->dwParam3);
            if (!c)
                break;
        }
        ot3_call_on_state(t, c, (DWORD)m->dwParam1, (DWORD)m->dwParam2);
        break;
    }
    case LINE_CALLINFO: {
        struct ot3_call *c = ot3_call_find(t, (HCALL)m->hDevice);
        if (c)
            ot3_call_on_info(t, c, (DWORD)m->dwParam1);
        break;
    }
    case LINE_MONITORDIGITS: {
        struct ot3_call *c = ot3_call_find(t, (HCALL)m->hDevice);
        if (c && ot3_wants(t, TE_DIGITEVENT))
            ot3_push_event(t, ot3_event_digit(c, (unsigned char)(m->dwParam1 & 0xff),
                                              (TAPI_DIGITMODE)m->dwParam2, (LONG)m->dwParam3));
        break;
    }
    case LINE_GENERATE: {
        struct ot3_call *c = ot3_call_find(t, (HCALL)m->hDevice);
        if (c && ot3_wants(t, TE_GENERATEEVENT))
            ot3_push_event(t, ot3_event_generate(c, (LONG)m->dwParam1, (LONG)m->dwParam3));
        break;
    }
    case LINE_GATHERDIGITS: {
        struct ot3_call *c = ot3_call_find(t, (HCALL)m->hDevice);
        if (c)
            ot3_media_gathered(t, c, (DWORD)m->dwParam1, (LONG)m->dwParam3);
        break;
    }
    case LINE_MONITORTONE: {
        struct ot3_call *c = ot3_call_find(t, (HCALL)m->hDevice);
        if (c && ot3_wants(t, TE_TONEEVENT))
            ot3_push_event(t, ot3_event_tone(c, (LONG)m->dwParam1, (LONG)m->dwParam3));
        break;
    }
    case LINE_LINEDEVSTATE: {
        struct ot3_open *o = open_find_key(t, (DWORD)m->dwCallbackInstance);
        if (o && o->addr->status_open == o)
            on_line_state(t, o->addr, (DWORD)m->dwParam1);
        break;
    }
    case LINE_ADDRESSSTATE: {
        struct ot3_open *o = open_find_key(t, (DWORD)m->dwCallbackInstance);
        if (!o || o->addr->status_open != o || (DWORD)m->dwParam1 != o->addr->address_id)
            break;
        if (m->dwParam2 & LINEADDRESSSTATE_FORWARD)
            address_event(t, o->addr, AE_FORWARD);
        if (m->dwParam2 & LINEADDRESSSTATE_CAPSCHANGE)
            address_event(t, o->addr, AE_CAPSCHANGE);
        break;
    }
    case LINE_CLOSE: {
        struct ot3_open *o = open_find_key(t, (DWORD)m->dwCallbackInstance);
        if (!o)
            break;
        o->ncalls++; /* keeps o while its calls let go of it */
        for (struct ot3_call *c = t->calls, *n; c; c = n) {
            n = c->next;
            if (c->open == o && c->hcall)
                ot3_call_detach(t, c, true);
        }
        o->hline = 0; /* already closed by the line */
        open_close(t, o);
        break;
    }
    default:
        break;
    }
}

static void *reader_main(void *arg)
{
    struct ot3_tapi *t = arg;
    HLINEAPP happ = t->happ; /* set before the thread started, never changed */
    for (;;) {
        LINEMESSAGE m;
        LONG rc = lineGetMessage(happ, &m, INFINITE);
        if (rc == (LONG)LINEERR_OPERATIONFAILED)
            continue;
        if (rc)
            break; /* lineShutdown: INVALAPPHANDLE */
        ot3_lock(t);
        if (t->phase == OT3_RUNNING)
            on_message(t, &m);
        ot3_unlock(t);
    }
    return NULL;
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
    if (hr == S_OK && pthread_create(&t->reader, NULL, reader_main, t))
        hr = E_OUTOFMEMORY;
    else if (hr == S_OK)
        t->reader_running = true;
    if (hr == S_OK && pthread_create(&t->sinker, NULL, sinker_main, t))
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
            req_unlink(t, q);
            req_free_locked(t, q);
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
        if (sink_let_go(t, t->sinks[i].sink))
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
    hr = open_line(t, a, priv, modes, &o);
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
        open_close(t, o);
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
    bool release = sink && sink_let_go(t, sink);
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
    return tapi_qi(tapi_of_cpc(This), riid, ppv);
}
static ULONG WINAPI cpc_AddRef(IConnectionPointContainer *This)
{
    return t_AddRef(&tapi_of_cpc(This)->itf);
}
static ULONG WINAPI cpc_Release(IConnectionPointContainer *This)
{
    return t_Release(&tapi_of_cpc(This)->itf);
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
static const IConnectionPointContainerVtbl cpc_vtbl = {
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
static ULONG WINAPI cp_AddRef(IConnectionPoint *This) { return t_AddRef(&tapi_of_cp(This)->itf); }
static ULONG WINAPI cp_Release(IConnectionPoint *This)
{
    return t_Release(&tapi_of_cp(This)->itf);
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
static const IConnectionPointVtbl cp_vtbl = {
    cp_QueryInterface, cp_AddRef,   cp_Release,         cp_GetConnectionInterface,
    cp_GetConnectionPointContainer, cp_Advise, cp_Unadvise, cp_EnumConnections};

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
    t->cpc_itf.lpVtbl = &cpc_vtbl;
    t->cp_itf.lpVtbl = &cp_vtbl;
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
