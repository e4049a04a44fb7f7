/* Call objects (ITBasicCallControl + ITCallInfo on one object; ITCallInfo's
 * methods are in callinfo.c).  A call maps to one line API call handle
 * (hcall) of the TAPI object's hidden application; its CALL_STATE follows the
 * handle's LINECALLSTATE (the table in cs_of_line), and it keeps the handle
 * until its last Release, so that ITCallInfo reads live LINECALLINFO after
 * the disconnect.  After ITTAPI::Shutdown it reads the copy taken then
 * (snap).  This file: the call's lifetime, its states and their events, the
 * checks shared by the methods, and ITBasicCallControl.  Every method takes
 * the TAPI lock; methods that act on the line wait for the LINE_REPLY with
 * it released (ot3_req_run). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "t3.h"

static const ITBasicCallControlVtbl bcc_vtbl;

static struct ot3_call *call_of_bcc(ITBasicCallControl *p)
{
    return ot3_container_of(p, struct ot3_call, bcc_itf);
}

struct ot3_call *ot3_call_from(ITBasicCallControl *p)
{
    return p && p->lpVtbl == &bcc_vtbl ? call_of_bcc(p) : NULL;
}

/* ---- lifetime ---- */
struct ot3_call *ot3_call_new(struct ot3_tapi *t, struct ot3_address *a)
{
    struct ot3_call *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->bcc_itf.lpVtbl = &bcc_vtbl;
    c->info_itf.lpVtbl = &ot3_info_vtbl;
    c->lmc_itf.lpVtbl = &ot3_lmc_vtbl;
    c->lmc2_itf.lpVtbl = &ot3_lmc2_vtbl;
    atomic_init(&c->refs, 1);
    c->tapi = t;
    c->addr = a;
    c->drop_code = -1;
    c->state = CS_IDLE;
    c->next = t->calls;
    if (t->calls)
        t->calls->prev = c;
    t->calls = c;
    ot3_int_ref(t);
    atomic_fetch_add(&ot3_live_calls, 1);
    return c;
}

void ot3_call_addref(struct ot3_call *c) { atomic_fetch_add(&c->refs, 1); }

void ot3_call_unref_locked(struct ot3_tapi *t, struct ot3_call *c)
{
    if (atomic_fetch_sub(&c->refs, 1) != 1)
        return;
    if (c->prev)
        c->prev->next = c->next;
    else
        t->calls = c->next;
    if (c->next)
        c->next->prev = c->prev;
    if (c->hcall) {
        if (t->phase == OT3_RUNNING)
            lineDeallocateCall(c->hcall);
        c->hcall = 0;
        ot3_open_call_gone(t, c->open);
    }
    if (c->consult_of) {
        ot3_call_unref_locked(t, c->consult_of);
        c->consult_of = NULL;
    }
    c->zombie_next = t->zombies;
    t->zombies = c;
}

void ot3_call_release(struct ot3_call *c)
{
    struct ot3_tapi *t = c->tapi;
    ot3_lock(t);
    ot3_call_unref_locked(t, c);
    ot3_unlock(t);
}

void ot3_call_free(struct ot3_call *c)
{
    struct ot3_tapi *t = c->tapi;
    ot3_media_call_free(c);
    free(c->dest);
    free(c->uui);
    free(c->snap);
    free(c);
    atomic_fetch_sub(&ot3_live_calls, 1);
    ot3_int_unref(t);
}

struct ot3_call *ot3_call_find(struct ot3_tapi *t, HCALL h)
{
    for (struct ot3_call *c = t->calls; c; c = c->next)
        if (c->hcall == h)
            return c;
    return NULL;
}

void ot3_call_attach(struct ot3_tapi *t, struct ot3_call *c, struct ot3_open *o, HCALL h)
{
    (void)t;
    c->hcall = h;
    c->open = o;
    o->ncalls++;
    if (!c->snap) {
        LONG err;
        c->snap = ot3_get_callinfo(h, &err);
    }
    if (!c->held) {
        c->held = true;
        ot3_call_addref(c);
    }
}

/* Replaces the copy of the call's LINECALLINFO with the line's current one
 * (kept as it was if the line cannot give it). */
void ot3_call_take_snap(struct ot3_call *c)
{
    LONG err;
    LINECALLINFO *ci = ot3_get_callinfo(c->hcall, &err);
    if (ci) {
        free(c->snap);
        c->snap = ci;
    }
}

/* ---- states ---- */
static CALL_STATE cs_of_line(DWORD state, CALL_STATE cur)
{
    switch (state) {
    case LINECALLSTATE_IDLE:
    case LINECALLSTATE_DISCONNECTED:
        return CS_DISCONNECTED;
    case LINECALLSTATE_OFFERING:
    case LINECALLSTATE_ACCEPTED:
        return CS_OFFERING;
    case LINECALLSTATE_DIALTONE:
    case LINECALLSTATE_DIALING:
    case LINECALLSTATE_PROCEEDING:
    case LINECALLSTATE_RINGBACK:
    case LINECALLSTATE_BUSY:
    case LINECALLSTATE_SPECIALINFO:
        return CS_INPROGRESS;
    case LINECALLSTATE_CONNECTED:
    case LINECALLSTATE_CONFERENCED:
        return CS_CONNECTED;
    case LINECALLSTATE_ONHOLD:
    case LINECALLSTATE_ONHOLDPENDCONF:
    case LINECALLSTATE_ONHOLDPENDTRANSFER:
        return CS_HOLD;
    default: /* UNKNOWN: no news */
        return cur;
    }
}

/* LINEDISCONNECTMODE_ -> CALL_STATE_EVENT_CAUSE: the modes of the same name
 * one to one, the rest (UNREACHABLE, CONGESTION, TEMPFAILURE, ...) FAILED. */
static CALL_STATE_EVENT_CAUSE cause_of_mode(DWORD mode)
{
    switch (mode & 0xFFFFu ? mode & 0xFFFFu : mode) {
    case LINEDISCONNECTMODE_NORMAL:
        return CEC_DISCONNECT_NORMAL;
    case LINEDISCONNECTMODE_REJECT:
        return CEC_DISCONNECT_REJECTED;
    case LINEDISCONNECTMODE_BUSY:
        return CEC_DISCONNECT_BUSY;
    case LINEDISCONNECTMODE_NOANSWER:
        return CEC_DISCONNECT_NOANSWER;
    case LINEDISCONNECTMODE_BADADDRESS:
        return CEC_DISCONNECT_BADADDRESS;
    case LINEDISCONNECTMODE_CANCELLED:
        return CEC_DISCONNECT_CANCELLED;
    case LINEDISCONNECTMODE_BLOCKED:
        return CEC_DISCONNECT_BLOCKED;
    default:
        return CEC_DISCONNECT_FAILED;
    }
}

static CALL_STATE_EVENT_CAUSE cause_of_code(int code)
{
    return code == DC_REJECTED   ? CEC_DISCONNECT_REJECTED
           : code == DC_NOANSWER ? CEC_DISCONNECT_NOANSWER
                                 : CEC_DISCONNECT_NORMAL;
}

static void set_state(struct ot3_tapi *t, struct ot3_call *c, CALL_STATE ns,
                      CALL_STATE_EVENT_CAUSE cause)
{
    c->state = ns;
    c->cause = cause;
    if (ot3_wants(t, TE_CALLSTATE))
        ot3_push_event(t, ot3_event_state(c, ns, cause));
    pthread_cond_broadcast(&t->cond);
}

void ot3_call_on_state(struct ot3_tapi *t, struct ot3_call *c, DWORD state, DWORD mode)
{
    c->line_state = state;
    c->line_mode = mode;
    if (c->state == CS_DISCONNECTED)
        return; /* final */
    CALL_STATE ns = cs_of_line(state, c->state);
    if (ns == c->state)
        return;
    CALL_STATE_EVENT_CAUSE cause = CEC_NONE;
    if (ns == CS_DISCONNECTED) {
        if (state == LINECALLSTATE_DISCONNECTED)
            cause = cause_of_mode(mode);
        else if (c->drop_code >= 0)
            cause = cause_of_code(c->drop_code);
        else if (c->state == CS_OFFERING)
            cause = CEC_DISCONNECT_CANCELLED; /* the offer went away: the caller gave up */
        else
            cause = CEC_DISCONNECT_NORMAL;
        ot3_call_take_snap(c); /* what the line knew at the end (e.g. UUI received with it) */
    }
    set_state(t, c, ns, cause);
    if (ns == CS_DISCONNECTED && c->held) {
        c->held = false;
        ot3_call_unref_locked(t, c); /* c may be a zombie from here on */
    }
}

/* LINECALLINFOSTATE_ bit -> CALLINFOCHANGE_CAUSE. */
static const struct {
    DWORD bit;
    CALLINFOCHANGE_CAUSE cic;
} info_bits[] = {
    {LINECALLINFOSTATE_OTHER, CIC_OTHER},
    {LINECALLINFOSTATE_DEVSPECIFIC, CIC_DEVSPECIFIC},
    {LINECALLINFOSTATE_BEARERMODE, CIC_BEARERMODE},
    {LINECALLINFOSTATE_RATE, CIC_RATE},
    {LINECALLINFOSTATE_MEDIAMODE, CIC_MEDIATYPE},
    {LINECALLINFOSTATE_APPSPECIFIC, CIC_APPSPECIFIC},
    {LINECALLINFOSTATE_CALLID, CIC_CALLID},
    {LINECALLINFOSTATE_RELATEDCALLID, CIC_RELATEDCALLID},
    {LINECALLINFOSTATE_ORIGIN, CIC_ORIGIN},
    {LINECALLINFOSTATE_REASON, CIC_REASON},
    {LINECALLINFOSTATE_COMPLETIONID, CIC_COMPLETIONID},
    {LINECALLINFOSTATE_NUMOWNERINCR, CIC_NUMOWNERINCR},
    {LINECALLINFOSTATE_NUMOWNERDECR, CIC_NUMOWNERDECR},
    {LINECALLINFOSTATE_NUMMONITORS, CIC_NUMMONITORS},
    {LINECALLINFOSTATE_TRUNK, CIC_TRUNK},
    {LINECALLINFOSTATE_CALLERID, CIC_CALLERID},
    {LINECALLINFOSTATE_CALLEDID, CIC_CALLEDID},
    {LINECALLINFOSTATE_CONNECTEDID, CIC_CONNECTEDID},
    {LINECALLINFOSTATE_REDIRECTIONID, CIC_REDIRECTIONID},
    {LINECALLINFOSTATE_REDIRECTINGID, CIC_REDIRECTINGID},
    {LINECALLINFOSTATE_USERUSERINFO, CIC_USERUSERINFO},
    {LINECALLINFOSTATE_HIGHLEVELCOMP, CIC_HIGHLEVELCOMP},
    {LINECALLINFOSTATE_LOWLEVELCOMP, CIC_LOWLEVELCOMP},
    {LINECALLINFOSTATE_CHARGINGINFO, CIC_CHARGINGINFO},
    {LINECALLINFOSTATE_TREATMENT, CIC_TREATMENT},
    {LINECALLINFOSTATE_CALLDATA, CIC_CALLDATA},
};

void ot3_call_on_info(struct ot3_tapi *t, struct ot3_call *c, DWORD states)
{
    if (!ot3_wants(t, TE_CALLINFOCHANGE))
        return;
    for (size_t i = 0; i < sizeof(info_bits) / sizeof(info_bits[0]); i++)
        if (states & info_bits[i].bit)
            ot3_push_event(t, ot3_event_infochange(c, info_bits[i].cic));
}

/* A Connect succeeded: the call exists on the line, so it is in progress
 * from now on even if the line's first LINE_CALLSTATE is still queued
 * (Microsoft: a call never goes back to CS_IDLE). */
void ot3_call_connected(struct ot3_tapi *t, struct ot3_call *c)
{
    if (c->state == CS_IDLE)
        set_state(t, c, CS_INPROGRESS, CEC_NONE);
}

void ot3_call_detach(struct ot3_tapi *t, struct ot3_call *c, bool with_event)
{
    if (c->hcall) {
        ot3_call_take_snap(c);
        c->hcall = 0;
        ot3_open_call_gone(t, c->open);
        c->open = NULL;
    }
    if (c->state != CS_DISCONNECTED && c->state != CS_IDLE) {
        if (with_event)
            set_state(t, c, CS_DISCONNECTED, CEC_DISCONNECT_FAILED);
        else {
            c->state = CS_DISCONNECTED;
            c->cause = CEC_DISCONNECT_FAILED;
        }
    }
    if (c->held) {
        c->held = false;
        ot3_call_unref_locked(t, c);
    }
}

/* ---- shared checks ---- */
HRESULT ot3_call_running(const struct ot3_call *c)
{
    return c->tapi->phase == OT3_RUNNING ? S_OK : TAPI_E_NOT_INITIALIZED;
}

/* The checks before an owner's request on c's handle: running, owner, and a
 * handle in a state the request takes (state_ok). */
HRESULT ot3_owner_may(const struct ot3_call *c, bool state_ok)
{
    HRESULT hr = ot3_call_running(c);
    if (hr == S_OK && c->priv != CP_OWNER)
        hr = TAPI_E_NOTOWNER;
    if (hr == S_OK && (!c->hcall || !state_ok))
        hr = TAPI_E_INVALCALLSTATE;
    return hr;
}

/* A request with no output, if *hr is S_OK so far (else NULL; *hr becomes
 * E_OUTOFMEMORY if there is no memory). */
struct ot3_req *ot3_generic_req(HRESULT *hr)
{
    if (*hr != S_OK)
        return NULL;
    struct ot3_req *q = ot3_req_new(OT3_REQ_GENERIC);
    if (!q)
        *hr = E_OUTOFMEMORY;
    return q;
}

/* Waits (lock held) until c is in one of the states of mask (1 << CS_...). */
HRESULT ot3_wait_states(struct ot3_tapi *t, struct ot3_call *c, unsigned mask)
{
    struct timespec dl = ot3_deadline(t);
    while (!(mask & (1u << c->state))) {
        if (t->phase != OT3_RUNNING)
            return TAPI_E_NOT_INITIALIZED;
        if (!ot3_wait_until(t, &dl) && !(mask & (1u << c->state)))
            return TAPI_E_TIMEOUT;
    }
    return S_OK;
}

static void take_uui(struct ot3_call *c)
{
    free(c->uui);
    c->uui = NULL;
    c->uui_len = 0;
}

/* ---- ITBasicCallControl ---- */
HRESULT ot3_call_qi(struct ot3_call *c, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) ||
        IsEqualIID(riid, &IID_ITBasicCallControl))
        *ppv = &c->bcc_itf;
    else if (IsEqualIID(riid, &IID_ITCallInfo))
        *ppv = &c->info_itf;
    else if (IsEqualIID(riid, &IID_ITLegacyCallMediaControl))
        *ppv = &c->lmc_itf;
    else if (IsEqualIID(riid, &IID_ITLegacyCallMediaControl2))
        *ppv = &c->lmc2_itf;
    else
        return E_NOINTERFACE;
    ot3_call_addref(c);
    return S_OK;
}

ULONG ot3_call_release_ref(struct ot3_call *c)
{
    /* The value after the decrement, read before it: another reference may
     * go at the same time, so it is informative only (as in COM). */
    ULONG n = atomic_load(&c->refs) - 1;
    ot3_call_release(c);
    return n;
}

static HRESULT WINAPI b_QueryInterface(ITBasicCallControl *This, REFIID riid, void **ppv)
{
    return ot3_call_qi(call_of_bcc(This), riid, ppv);
}
static ULONG WINAPI b_AddRef(ITBasicCallControl *This)
{
    return atomic_fetch_add(&call_of_bcc(This)->refs, 1) + 1;
}
static ULONG WINAPI b_Release(ITBasicCallControl *This) { return ot3_call_release_ref(call_of_bcc(This)); }
OT3_DISPATCH_STUBS(b, ITBasicCallControl)

static HRESULT WINAPI b_Connect(ITBasicCallControl *This, VARIANT_BOOL fSync)
{
    struct ot3_call *c = call_of_bcc(This);
    struct ot3_tapi *t = c->tapi;
    ot3_lock(t);
    HRESULT hr = ot3_call_running(c);
    if (hr == S_OK && (!c->outgoing || c->state != CS_IDLE || c->hcall || c->busy))
        hr = TAPI_E_INVALCALLSTATE;
    struct ot3_open *o = NULL;
    if (hr == S_OK)
        hr = ot3_out_open(t, c->addr, &o);
    LINECALLPARAMS *cp = NULL;
    struct ot3_req *q = NULL;
    if (hr == S_OK) {
        size_t size = sizeof(LINECALLPARAMS) + c->uui_len;
        cp = calloc(1, size);
        q = ot3_req_new(OT3_REQ_MAKECALL);
        if (!cp || !q)
            hr = E_OUTOFMEMORY;
    }
    if (hr != S_OK) {
        free(cp);
        free(q);
        ot3_unlock(t);
        return hr;
    }
    cp->dwTotalSize = (DWORD)(sizeof(LINECALLPARAMS) + c->uui_len);
    cp->dwBearerMode = LINEBEARERMODE_VOICE;
    cp->dwMediaMode = c->media_modes & LINEMEDIAMODE_INTERACTIVEVOICE
                          ? LINEMEDIAMODE_INTERACTIVEVOICE
                          : c->media_modes & (~c->media_modes + 1); /* its lowest bit */
    if (c->uui_len) {
        cp->dwUserUserInfoSize = c->uui_len;
        cp->dwUserUserInfoOffset = sizeof(LINECALLPARAMS);
        memcpy((unsigned char *)cp + sizeof(LINECALLPARAMS), c->uui, c->uui_len);
    }
    q->call = c;
    ot3_call_addref(c);
    q->open = o;
    LONG id = lineMakeCall(o->hline, &q->out1, c->dest[0] ? c->dest : NULL, 0, cp);
    free(cp);
    c->busy = true;
    hr = ot3_req_run(t, q, id);
    c->busy = false;
    pthread_cond_broadcast(&t->cond); /* a Disconnect may wait for this */
    if (hr == S_OK)
        take_uui(c);
    if (hr == S_OK && fSync) {
        hr = ot3_wait_states(t, c, 1u << CS_CONNECTED | 1u << CS_DISCONNECTED);
        if (hr == S_OK && c->state == CS_DISCONNECTED)
            hr = c->cause == CEC_DISCONNECT_BUSY          ? TAPI_E_DESTBUSY
                 : c->cause == CEC_DISCONNECT_NOANSWER    ? TAPI_E_DESTNOANSWER
                 : c->cause == CEC_DISCONNECT_BADADDRESS  ? TAPI_E_DESTUNAVAIL
                                                          : TAPI_E_DROPPED;
    }
    ot3_unlock(t);
    return hr;
}

static HRESULT WINAPI b_Answer(ITBasicCallControl *This)
{
    struct ot3_call *c = call_of_bcc(This);
    struct ot3_tapi *t = c->tapi;
    ot3_lock(t);
    /* Microsoft: E_UNEXPECTED for a call that is not offering (also when the
     * line has moved on before our CS_ state caught up). */
    HRESULT hr = ot3_owner_may(c, true);
    if (hr == TAPI_E_INVALCALLSTATE || (hr == S_OK && c->state != CS_OFFERING))
        hr = E_UNEXPECTED;
    struct ot3_req *q = ot3_generic_req(&hr);
    if (q) {
        LONG id = lineAnswer(c->hcall, (LPCSTR)c->uui, c->uui_len);
        hr = ot3_req_run(t, q, id);
        if (hr == S_OK)
            take_uui(c);
        else if (id == (LONG)LINEERR_INVALCALLSTATE)
            hr = E_UNEXPECTED;
    }
    ot3_unlock(t);
    return hr;
}

static HRESULT WINAPI b_Disconnect(ITBasicCallControl *This, DISCONNECT_CODE code)
{
    struct ot3_call *c = call_of_bcc(This);
    struct ot3_tapi *t = c->tapi;
    if (code != DC_NORMAL && code != DC_NOANSWER && code != DC_REJECTED)
        return E_INVALIDARG;
    ot3_lock(t);
    /* A Connect (or Conference) on another thread is waiting for the line
     * to create the call: wait for its handle before deciding. */
    struct timespec dl = ot3_deadline(t);
    while (c->busy && !c->hcall && c->state == CS_IDLE && t->phase == OT3_RUNNING)
        if (!ot3_wait_until(t, &dl))
            break;
    HRESULT hr = S_OK;
    if (c->state == CS_IDLE || c->state == CS_DISCONNECTED || !c->hcall)
        hr = S_FALSE; /* nothing to end (also after Shutdown: no handle) */
    else if (c->priv != CP_OWNER)
        hr = TAPI_E_NOTOWNER;
    else if (code == DC_REJECTED && c->state != CS_OFFERING)
        hr = TAPI_E_INVALCALLSTATE;
    else if (code == DC_NOANSWER && !(c->outgoing ? c->state == CS_INPROGRESS
                                                   : c->state == CS_OFFERING))
        hr = TAPI_E_INVALCALLSTATE; /* unanswered: ours ringing there, or theirs here */
    else if (c->drop_code >= 0)
        hr = TAPI_E_INVALCALLSTATE; /* a Disconnect is under way */
    struct ot3_req *q = ot3_generic_req(&hr);
    if (q) {
        c->drop_code = (int)code;
        hr = ot3_req_run(t, q, lineDrop(c->hcall, (LPCSTR)c->uui, c->uui_len));
        if (hr == S_OK)
            take_uui(c);
        else if (c->state != CS_DISCONNECTED)
            c->drop_code = -1;
    }
    ot3_unlock(t);
    return hr;
}

static HRESULT WINAPI b_Hold(ITBasicCallControl *This, VARIANT_BOOL fHold)
{
    struct ot3_call *c = call_of_bcc(This);
    struct ot3_tapi *t = c->tapi;
    ot3_lock(t);
    HRESULT hr = ot3_owner_may(c, c->state == (fHold ? CS_CONNECTED : CS_HOLD));
    struct ot3_req *q = ot3_generic_req(&hr);
    if (q)
        hr = ot3_req_run(t, q, fHold ? lineHold(c->hcall) : lineUnhold(c->hcall));
    ot3_unlock(t);
    return hr;
}

static HRESULT WINAPI b_HandoffDirect(ITBasicCallControl *This, BSTR name)
{
    return ot3_handoff(call_of_bcc(This), true, name, 0);
}
static HRESULT WINAPI b_HandoffIndirect(ITBasicCallControl *This, LONG media)
{
    return ot3_handoff(call_of_bcc(This), false, NULL, media);
}

/* Dials k's destination on its new consultation handle; fSync waits for it
 * to connect. */
HRESULT ot3_dial_consult(struct ot3_tapi *t, struct ot3_call *k, VARIANT_BOOL fSync)
{
    if (!k->hcall)
        return TAPI_E_INVALCALLSTATE;
    struct ot3_req *q = ot3_req_new(OT3_REQ_GENERIC);
    if (!q)
        return E_OUTOFMEMORY;
    HRESULT hr = ot3_req_run(t, q, lineDial(k->hcall, k->dest, 0));
    if (hr == S_OK && fSync) {
        hr = ot3_wait_states(t, k, 1u << CS_CONNECTED | 1u << CS_DISCONNECTED);
        if (hr == S_OK && k->state == CS_DISCONNECTED)
            hr = TAPI_E_DROPPED;
    }
    return hr;
}

static HRESULT WINAPI b_Conference(ITBasicCallControl *This, ITBasicCallControl *pCall,
                                   VARIANT_BOOL fSync)
{
    struct ot3_call *c = call_of_bcc(This);
    struct ot3_tapi *t = c->tapi;
    if (!pCall)
        return E_POINTER;
    struct ot3_call *k = ot3_call_from(pCall);
    if (!k || k == c || k->tapi != t || k->addr != c->addr)
        return E_INVALIDARG;
    ot3_lock(t);
    HRESULT hr = ot3_owner_may(c, c->state == CS_CONNECTED && !c->busy);
    if (hr == S_OK && (!k->outgoing || k->state != CS_IDLE || k->hcall || k->busy ||
                       k->consult_of || !k->dest[0]))
        hr = TAPI_E_INVALCALLSTATE;
    struct ot3_req *q = NULL;
    if (hr == S_OK) {
        q = ot3_req_new(c->hconf ? OT3_REQ_PREPAREADD : OT3_REQ_SETUPCONF);
        if (!q)
            hr = E_OUTOFMEMORY;
    }
    if (hr != S_OK) {
        ot3_unlock(t);
        return hr;
    }
    q->call = k;
    ot3_call_addref(k);
    q->open = c->open;
    k->consult_of = c;
    ot3_call_addref(c);
    LONG id = c->hconf ? linePrepareAddToConference(c->hconf, &q->out1, NULL)
                       : lineSetupConference(c->hcall, 0, &q->out1, &q->out2, 3, NULL);
    c->busy = k->busy = true;
    hr = ot3_req_run(t, q, id);
    if (hr == S_OK)
        hr = ot3_dial_consult(t, k, fSync);
    c->busy = k->busy = false;
    pthread_cond_broadcast(&t->cond);
    if (hr != S_OK && !k->hcall) {
        ot3_call_unref_locked(t, k->consult_of); /* c: the application holds it */
        k->consult_of = NULL;
    }
    ot3_unlock(t);
    return hr;
}

static HRESULT WINAPI b_Transfer(ITBasicCallControl *This, ITBasicCallControl *pCall,
                                 VARIANT_BOOL fSync)
{
    return ot3_transfer(call_of_bcc(This), pCall, fSync);
}
static HRESULT WINAPI b_BlindTransfer(ITBasicCallControl *This, BSTR dest)
{
    return ot3_blind_transfer(call_of_bcc(This), dest);
}
static HRESULT WINAPI b_SetQOS(ITBasicCallControl *This, LONG media, QOS_SERVICE_LEVEL level)
{
    (void)This, (void)media, (void)level;
    return E_NOTIMPL;
}

static HRESULT WINAPI b_Dial(ITBasicCallControl *This, BSTR pDestAddress)
{
    struct ot3_call *c = call_of_bcc(This);
    struct ot3_tapi *t = c->tapi;
    if (!pDestAddress)
        return E_POINTER;
    ot3_lock(t);
    HRESULT hr = ot3_owner_may(c, c->state != CS_DISCONNECTED);
    struct ot3_req *q = ot3_generic_req(&hr);
    if (q)
        hr = ot3_req_run(t, q, lineDial(c->hcall, pDestAddress, 0));
    ot3_unlock(t);
    return hr;
}

static HRESULT WINAPI b_Finish(ITBasicCallControl *This, FINISH_MODE mode)
{
    struct ot3_call *k = call_of_bcc(This);
    struct ot3_tapi *t = k->tapi;
    if (mode != FM_ASTRANSFER && mode != FM_ASCONFERENCE)
        return E_INVALIDARG;
    ot3_lock(t);
    HRESULT hr = ot3_call_running(k);
    if (hr == S_OK && k->xfer) { /* a consultation call of Transfer (xfer.c) */
        hr = ot3_finish_transfer(k, mode);
        ot3_unlock(t);
        return hr;
    }
    if (hr == S_OK && (!k->consult_of || !k->hcall || !k->consult_of->hconf))
        hr = TAPI_E_INVALCALLSTATE;
    if (hr == S_OK && mode == FM_ASTRANSFER)
        hr = TAPI_E_NOTSUPPORTED; /* a consultation of Conference joins it */
    struct ot3_req *q = ot3_generic_req(&hr);
    if (q)
        hr = ot3_req_run(t, q, lineAddToConference(k->consult_of->hconf, k->hcall));
    ot3_unlock(t);
    return hr;
}

static HRESULT WINAPI b_RemoveFromConference(ITBasicCallControl *This)
{
    struct ot3_call *c = call_of_bcc(This);
    struct ot3_tapi *t = c->tapi;
    ot3_lock(t);
    HRESULT hr = ot3_call_running(c);
    if (hr == S_OK && (!c->hcall || c->line_state != LINECALLSTATE_CONFERENCED))
        hr = TAPI_E_INVALCALLSTATE;
    struct ot3_req *q = ot3_generic_req(&hr);
    if (q)
        hr = ot3_req_run(t, q, lineRemoveFromConference(c->hcall));
    ot3_unlock(t);
    return hr;
}

static const ITBasicCallControlVtbl bcc_vtbl = {
    b_QueryInterface, b_AddRef,          b_Release,      OT3_DISPATCH_ENTRIES(b),
    b_Connect,        b_Answer,          b_Disconnect,   b_Hold,
    b_HandoffDirect,  b_HandoffIndirect, b_Conference,   b_Transfer,
    b_BlindTransfer,  ot3_b_SwapHold,        ot3_b_ParkDirect,   ot3_b_ParkIndirect,
    ot3_b_Unpark,         b_SetQOS,          ot3_b_Pickup,       b_Dial,
    b_Finish,         b_RemoveFromConference,
};
