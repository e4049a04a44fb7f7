/* The line side of the TAPI object: the asynchronous line requests being
 * waited for (and their LINE_REPLYs), the line opens of the addresses
 * (outgoing calls, RegisterCallNotifications; the one open of each address
 * whose status messages make its TE_ADDRESS events), the conference parents
 * held hidden, and the reader thread: line messages -> call objects and
 * events (lock held). */
#include <stdlib.h>
#include <string.h>

#include "t3.h"

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

void ot3_req_unlink(struct ot3_tapi *t, struct ot3_req *q)
{
    for (struct ot3_req **pp = &t->reqs; *pp; pp = &(*pp)->next)
        if (*pp == q) {
            *pp = q->next;
            return;
        }
}

void ot3_req_free_locked(struct ot3_tapi *t, struct ot3_req *q)
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
    ot3_req_unlink(t, q);
    bool down = t->phase != OT3_RUNNING && q->result == (LONG)LINEERR_UNINITIALIZED;
    *result = q->result;
    ot3_req_free_locked(t, q);
    return down ? TAPI_E_NOT_INITIALIZED : S_OK;
}

HRESULT ot3_req_run(struct ot3_tapi *t, struct ot3_req *q, LONG id)
{
    if (id < 0) {
        ot3_req_free_locked(t, q);
        return ot3_hr(id);
    }
    ot3_req_add(t, q, id);
    LONG result;
    HRESULT hr = ot3_req_wait(t, q, &result);
    return hr == S_OK ? ot3_hr(result) : hr;
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

HRESULT ot3_open_line(struct ot3_tapi *t, struct ot3_address *a, DWORD privileges,
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

void ot3_open_close(struct ot3_tapi *t, struct ot3_open *o)
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
    HRESULT hr = ot3_open_line(t, a, LINECALLPRIVILEGE_NONE, modes, po);
    if (hr == S_OK)
        a->out_open = *po;
    return hr;
}

void ot3_open_call_gone(struct ot3_tapi *t, struct ot3_open *o)
{
    if (o->ncalls)
        o->ncalls--;
    if (o->closing && !o->ncalls)
        ot3_open_close(t, o);
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
        ot3_req_unlink(t, q);
        ot3_req_free_locked(t, q);
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
        ot3_open_close(t, o);
        break;
    }
    default:
        break;
    }
}

void *ot3_reader_main(void *arg)
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
