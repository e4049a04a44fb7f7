/* Conference and transfer functions: lineSetupConference,
 * linePrepareAddToConference, lineAddToConference, lineRemoveFromConference,
 * lineGetConfRelatedCalls, lineSetupTransfer, lineCompleteTransfer,
 * lineBlindTransfer.  The core creates the new calls (conference parent,
 * consultation call) and their handles; the provider bridges and reports the
 * states.  A conference is a parent call plus the member calls in CONFERENCED
 * whose conf_parent is that parent (its members list), all on the parent's line. */
#include <stdlib.h>
#include <string.h>

#include "ot.h"
#include "rpc.h"

static LONG get_owner_ref(HCALL h, LONG bad_handle, struct ot_callref **rp)
{
    if (!ot_g.started)
        return LINEERR_UNINITIALIZED;
    struct ot_callref *r = ot_callref_get(h);
    if (!r)
        return bad_handle;
    if (r->privilege != LINECALLPRIVILEGE_OWNER)
        return LINEERR_NOTOWNER;
    *rp = r;
    return 0;
}

static bool active_connected(const struct ot_call *c)
{
    return c->state == LINECALLSTATE_CONNECTED && c->mode != LINECONNECTEDMODE_INACTIVE;
}

static unsigned conf_members(const struct ot_call *parent)
{
    unsigned n = 0;
    const struct ot_list *pos;
    for (pos = parent->members.next; pos != &parent->members; pos = pos->next)
        n++;
    return n;
}

/* A new call on the open's line with an owner handle for the requesting
 * application and monitor handles for the line's monitors (announced with
 * LINE_CALLSTATE(UNKNOWN) after the reply). */
static struct ot_call *new_call(struct ot_open *o, DWORD origin, HCALL *handle)
{
    struct ot_call *c = ot_call_create(o->ld, 0, origin);
    if (!c)
        return NULL;
    struct ot_callref *r = ot_callref_create(c, o, LINECALLPRIVILEGE_OWNER, false);
    if (!r) {
        c->provider_closed = true;
        ot_call_free_now(c);
        return NULL;
    }
    ot_call_attach_monitors(c, o, false);
    c->creator = o->app->handle;
    *handle = r->handle;
    return c;
}

static void discard_call(struct ot_call *c)
{
    if (!c)
        return;
    while (!ot_list_empty(&c->refs))
        ot_callref_destroy(ot_container_of(c->refs.next, struct ot_callref, call_link));
    c->provider_closed = true;
    ot_call_free_now(c);
}

/* Creates up to two calls and a request that hands their handles out on
 * success; runs op; undoes everything if op refuses at once. */
struct creation {
    struct ot_open *open;
    DWORD origin1, origin2; /* 0: no such call */
    LPHCALL out1, out2;
    struct ot_call *c1, *c2;
    struct ot_req *req;
    LONG id; /* the request may be completed (and freed) inside the operation */
};

static LONG create_begin(struct creation *k)
{
    HCALL h1 = 0, h2 = 0;
    if (k->origin1 && !(k->c1 = new_call(k->open, k->origin1, &h1)))
        return LINEERR_NOMEM;
    if (k->origin2 && !(k->c2 = new_call(k->open, k->origin2, &h2))) {
        discard_call(k->c1);
        return LINEERR_NOMEM;
    }
    k->req = ot_req_new(k->open, OT_REQ_SETUPCONF);
    if (!k->req) {
        discard_call(k->c1);
        discard_call(k->c2);
        return LINEERR_NOMEM;
    }
    if (k->c1 && k->c1->origin == LINECALLORIGIN_CONFERENCE)
        k->c1->is_conf_parent = true;
    k->id = k->req->id;
    k->req->out_call = k->out1;
    k->req->new_call = h1;
    k->req->out_call2 = k->out2;
    k->req->new_call2 = h2;
    return 0;
}

static LONG create_end(struct creation *k, LONG prc)
{
    if (prc >= 0)
        return k->id;
    ot_req_discard(k->req);
    discard_call(k->c1);
    discard_call(k->c2);
    return prc;
}

LONG lineSetupConference(HCALL hCall, HLINE hLine, LPHCALL lphConfCall, LPHCALL lphConsultCall,
                         DWORD dwNumParties, LPLINECALLPARAMS const lpCallParams)
{
    OT_REMOTE(lineSetupConference, hCall, hLine, lphConfCall, lphConsultCall, dwNumParties,
              lpCallParams);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc;
    if (!hCall) {
        /* LINEADDRCAPFLAGS_SETUPCONFNULL is not offered: a conference starts from a call. */
        rc = !ot_g.started ? LINEERR_UNINITIALIZED
                           : (ot_open_get(hLine) ? LINEERR_OPERATIONUNAVAIL
                                                 : LINEERR_INVALLINEHANDLE);
        goto out;
    }
    if ((rc = get_owner_ref(hCall, LINEERR_INVALCALLHANDLE, &r)))
        goto out;
    struct ot_call *c = r->call;
    const struct ot_line_conf *cf = &c->ld->conf;
    if (!lphConfCall || !lphConsultCall) {
        rc = LINEERR_INVALPOINTER;
        goto out;
    }
    if ((rc = ot_check_call_params(r->open, lpCallParams)))
        goto out;
    if (!cf->max_conf || !c->ld->prov->setup_conf) {
        rc = LINEERR_OPERATIONUNAVAIL;
        goto out;
    }
    if (!active_connected(c) || c->conf_parent || c->is_conf_parent) {
        rc = LINEERR_INVALCALLSTATE;
        goto out;
    }
    if (dwNumParties > cf->max_conf) {
        rc = LINEERR_CONFERENCEFULL;
        goto out;
    }
    {
        struct creation k = {r->open, LINECALLORIGIN_CONFERENCE, LINECALLORIGIN_OUTBOUND,
                             lphConfCall, lphConsultCall, NULL, NULL, NULL, 0};
        if ((rc = create_begin(&k)))
            goto out;
        k.req->call = c;
        rc = create_end(&k, c->ld->prov->setup_conf(k.req, c, k.c1, k.c2,
                                                    dwNumParties ? dwNumParties : 3));
    }
out:
    ot_unlock();
    return rc;
}

static struct ot_callref *get_parent(HCALL h, LONG *rc)
{
    struct ot_callref *r = NULL;
    *rc = get_owner_ref(h, LINEERR_INVALCONFCALLHANDLE, &r);
    if (*rc)
        return NULL;
    if (!r->call->is_conf_parent) {
        *rc = LINEERR_INVALCONFCALLHANDLE;
        return NULL;
    }
    return r;
}

LONG linePrepareAddToConference(HCALL hConfCall, LPHCALL lphConsultCall,
                                LPLINECALLPARAMS const lpCallParams)
{
    OT_REMOTE(linePrepareAddToConference, hConfCall, lphConsultCall, lpCallParams);
    ot_lock();
    LONG rc;
    struct ot_callref *r = get_parent(hConfCall, &rc);
    if (rc)
        goto out;
    struct ot_call *p = r->call;
    if (!lphConsultCall) {
        rc = LINEERR_INVALPOINTER;
        goto out;
    }
    if ((rc = ot_check_call_params(r->open, lpCallParams)))
        goto out;
    if (!p->ld->prov->prepare_add) {
        rc = LINEERR_OPERATIONUNAVAIL;
        goto out;
    }
    if (!active_connected(p)) {
        rc = LINEERR_INVALCALLSTATE;
        goto out;
    }
    if (conf_members(p) >= p->ld->conf.max_conf - 1) {
        rc = LINEERR_CONFERENCEFULL; /* the host is a party too */
        goto out;
    }
    {
        struct creation k = {r->open, LINECALLORIGIN_OUTBOUND, 0, lphConsultCall, NULL,
                             NULL, NULL, NULL, 0};
        if ((rc = create_begin(&k)))
            goto out;
        k.req->call = p;
        rc = create_end(&k, p->ld->prov->prepare_add(k.req, p, k.c1));
    }
out:
    ot_unlock();
    return rc;
}

LONG lineAddToConference(HCALL hConfCall, HCALL hConsultCall)
{
    OT_REMOTE(lineAddToConference, hConfCall, hConsultCall);
    ot_lock();
    LONG rc;
    struct ot_callref *r = get_parent(hConfCall, &rc), *q = NULL;
    if (rc)
        goto out;
    struct ot_call *p = r->call;
    if ((rc = get_owner_ref(hConsultCall, LINEERR_INVALCONSULTCALLHANDLE, &q)))
        goto out;
    struct ot_call *c = q->call;
    /* Both handles must be this application's (another application's call on
     * the same line device is not its to add). */
    if (q->open->app != r->open->app || c->ld != p->ld || c == p || c->is_conf_parent ||
        c->conf_parent) {
        rc = LINEERR_INVALCONSULTCALLHANDLE;
        goto out;
    }
    if (p->state != LINECALLSTATE_ONHOLDPENDCONF && p->state != LINECALLSTATE_ONHOLD) {
        rc = LINEERR_INVALCALLSTATE;
        goto out;
    }
    if (!(c->state & (LINECALLSTATE_CONNECTED | LINECALLSTATE_ONHOLD |
                      LINECALLSTATE_PROCEEDING | LINECALLSTATE_RINGBACK)) ||
        (c->state == LINECALLSTATE_CONNECTED && c->mode == LINECONNECTEDMODE_INACTIVE)) {
        rc = LINEERR_INVALCALLSTATE;
        goto out;
    }
    if (conf_members(p) >= p->ld->conf.max_conf - 1) {
        rc = LINEERR_CONFERENCEFULL;
        goto out;
    }
    if (!p->ld->prov->add_to_conf) {
        rc = LINEERR_OPERATIONUNAVAIL;
        goto out;
    }
    {
        struct ot_req *req = ot_req_new(r->open, OT_REQ_GENERIC);
        if (!req) {
            rc = LINEERR_NOMEM;
            goto out;
        }
        req->call = p;
        rc = req->id;
        LONG prc = p->ld->prov->add_to_conf(req, p, c);
        if (prc < 0) {
            ot_req_discard(req);
            rc = prc;
        }
    }
out:
    ot_unlock();
    return rc;
}

LONG lineRemoveFromConference(HCALL hCall)
{
    OT_REMOTE(lineRemoveFromConference, hCall);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = get_owner_ref(hCall, LINEERR_INVALCALLHANDLE, &r);
    if (rc)
        goto out;
    struct ot_call *c = r->call;
    if (c->state != LINECALLSTATE_CONFERENCED || !c->conf_parent) {
        rc = LINEERR_INVALCALLSTATE;
        goto out;
    }
    if (!c->ld->prov->remove_from_conf) {
        rc = LINEERR_OPERATIONUNAVAIL;
        goto out;
    }
    {
        struct ot_req *req = ot_req_new(r->open, OT_REQ_GENERIC);
        if (!req) {
            rc = LINEERR_NOMEM;
            goto out;
        }
        req->call = c;
        rc = req->id;
        LONG prc = c->ld->prov->remove_from_conf(req, c);
        if (prc < 0) {
            ot_req_discard(req);
            rc = prc;
        }
    }
out:
    ot_unlock();
    return rc;
}

/* This application's handle to c on open o, or a new monitor handle. */
static HCALL handle_for(struct ot_call *c, struct ot_open *o, LONG *rc)
{
    struct ot_list *pos;
    for (pos = c->refs.next; pos != &c->refs; pos = pos->next) {
        struct ot_callref *x = ot_container_of(pos, struct ot_callref, call_link);
        if (x->open->app == o->app && !x->open->closing)
            return x->handle;
    }
    struct ot_callref *n = ot_callref_create(c, o, LINECALLPRIVILEGE_MONITOR, false);
    if (!n) {
        *rc = LINEERR_NOMEM;
        return 0;
    }
    ot_call_post_callinfo(c, LINECALLINFOSTATE_NUMMONITORS, n);
    return n->handle;
}

LONG lineGetConfRelatedCalls(HCALL hCall, LPLINECALLLIST lpCallList)
{
    OT_REMOTE(lineGetConfRelatedCalls, hCall, lpCallList);
    ot_lock();
    LONG rc = ot_check_started();
    struct ot_callref *r = rc ? NULL : ot_callref_get(hCall);
    if (!rc && !r)
        rc = LINEERR_INVALCALLHANDLE;
    if (rc)
        goto out;
    if (!lpCallList) {
        rc = LINEERR_INVALPOINTER;
        goto out;
    }
    if (lpCallList->dwTotalSize < sizeof(LINECALLLIST)) {
        rc = LINEERR_STRUCTURETOOSMALL;
        goto out;
    }
    {
        struct ot_call *c = r->call;
        struct ot_call *p = c->is_conf_parent ? c : c->conf_parent;
        if (!p) {
            rc = LINEERR_NOCONFERENCE;
            goto out;
        }
        /* Element 0 is the parent, then every member, in line order. */
        struct ot_call *calls[33];
        DWORD n = 0;
        calls[n++] = p;
        struct ot_list *pos;
        for (pos = p->members.next; pos != &p->members && n < 33; pos = pos->next)
            calls[n++] = ot_container_of(pos, struct ot_call, member_link);
        DWORD need = (DWORD)sizeof(LINECALLLIST) + n * (DWORD)sizeof(HCALL);
        unsigned char *base = (unsigned char *)lpCallList;
        memset(base + sizeof(DWORD), 0, sizeof(LINECALLLIST) - sizeof(DWORD));
        lpCallList->dwNeededSize = need;
        lpCallList->dwUsedSize = sizeof(LINECALLLIST);
        if (need > lpCallList->dwTotalSize)
            goto out; /* no handle created: retry with dwNeededSize */
        for (DWORD i = 0; i < n; i++) {
            HCALL h = handle_for(calls[i], r->open, &rc);
            if (rc)
                goto out;
            memcpy(base + sizeof(LINECALLLIST) + i * sizeof(HCALL), &h, sizeof(h));
        }
        lpCallList->dwCallsNumEntries = n;
        lpCallList->dwCallsSize = n * (DWORD)sizeof(HCALL);
        lpCallList->dwCallsOffset = sizeof(LINECALLLIST);
        lpCallList->dwUsedSize = need;
    }
out:
    ot_unlock();
    return rc;
}

LONG lineSetupTransfer(HCALL hCall, LPHCALL lphConsultCall, LPLINECALLPARAMS const lpCallParams)
{
    OT_REMOTE(lineSetupTransfer, hCall, lphConsultCall, lpCallParams);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = get_owner_ref(hCall, LINEERR_INVALCALLHANDLE, &r);
    if (rc)
        goto out;
    struct ot_call *c = r->call;
    if (!lphConsultCall) {
        rc = LINEERR_INVALPOINTER;
        goto out;
    }
    if ((rc = ot_check_call_params(r->open, lpCallParams)))
        goto out;
    if (!c->ld->conf.max_conf || !c->ld->prov->setup_transfer) {
        rc = LINEERR_OPERATIONUNAVAIL;
        goto out;
    }
    if (!active_connected(c) || c->conf_parent || c->is_conf_parent) {
        rc = LINEERR_INVALCALLSTATE;
        goto out;
    }
    {
        struct creation k = {r->open, LINECALLORIGIN_OUTBOUND, 0, lphConsultCall, NULL,
                             NULL, NULL, NULL, 0};
        if ((rc = create_begin(&k)))
            goto out;
        k.req->call = c;
        rc = create_end(&k, c->ld->prov->setup_transfer(k.req, c, k.c1));
    }
out:
    ot_unlock();
    return rc;
}

LONG lineCompleteTransfer(HCALL hCall, HCALL hConsultCall, LPHCALL lphConfCall,
                          DWORD dwTransferMode)
{
    OT_REMOTE(lineCompleteTransfer, hCall, hConsultCall, lphConfCall, dwTransferMode);
    ot_lock();
    struct ot_callref *r = NULL, *q = NULL;
    LONG rc = get_owner_ref(hCall, LINEERR_INVALCALLHANDLE, &r);
    if (rc)
        goto out;
    if ((rc = get_owner_ref(hConsultCall, LINEERR_INVALCONSULTCALLHANDLE, &q)))
        goto out;
    struct ot_call *c = r->call, *k2 = q->call;
    if (dwTransferMode != LINETRANSFERMODE_TRANSFER &&
        dwTransferMode != LINETRANSFERMODE_CONFERENCE) {
        rc = LINEERR_INVALTRANSFERMODE;
        goto out;
    }
    if (dwTransferMode == LINETRANSFERMODE_CONFERENCE && !lphConfCall) {
        rc = LINEERR_INVALPOINTER;
        goto out;
    }
    if (k2 == c || k2->ld != c->ld || q->open->app != r->open->app) {
        rc = LINEERR_INVALCONSULTCALLHANDLE;
        goto out;
    }
    if (!c->ld->prov->complete_transfer) {
        rc = LINEERR_OPERATIONUNAVAIL;
        goto out;
    }
    if (!(c->state & (LINECALLSTATE_ONHOLDPENDTRANSFER | LINECALLSTATE_ONHOLD)) ||
        !(k2->state & (LINECALLSTATE_CONNECTED | LINECALLSTATE_RINGBACK |
                       LINECALLSTATE_PROCEEDING | LINECALLSTATE_ONHOLD))) {
        rc = LINEERR_INVALCALLSTATE;
        goto out;
    }
    {
        struct creation k = {r->open,
                             dwTransferMode == LINETRANSFERMODE_CONFERENCE
                                 ? LINECALLORIGIN_CONFERENCE
                                 : 0,
                             0,
                             dwTransferMode == LINETRANSFERMODE_CONFERENCE ? lphConfCall : NULL,
                             NULL,
                             NULL,
                             NULL,
                             NULL,
                             0};
        if ((rc = create_begin(&k)))
            goto out;
        k.req->call = c;
        rc = create_end(&k, c->ld->prov->complete_transfer(k.req, c, k2, k.c1, dwTransferMode));
    }
out:
    ot_unlock();
    return rc;
}

LONG lineBlindTransfer(HCALL hCall, LPCSTR lpszDestAddress, DWORD dwCountryCode)
{
    OT_REMOTE(lineBlindTransfer, hCall, lpszDestAddress, dwCountryCode);
    (void)dwCountryCode;
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = get_owner_ref(hCall, LINEERR_INVALCALLHANDLE, &r);
    if (rc)
        goto out;
    struct ot_call *c = r->call;
    if (!lpszDestAddress) {
        rc = LINEERR_INVALPOINTER;
        goto out;
    }
    if (!*lpszDestAddress || strnlen(lpszDestAddress, 257) > 256) {
        rc = LINEERR_INVALADDRESS;
        goto out;
    }
    if (!c->ld->conf.max_conf || !c->ld->prov->blind_transfer) {
        rc = LINEERR_OPERATIONUNAVAIL;
        goto out;
    }
    if (!active_connected(c) || c->conf_parent || c->is_conf_parent) {
        rc = LINEERR_INVALCALLSTATE;
        goto out;
    }
    {
        struct ot_req *req = ot_req_new(r->open, OT_REQ_GENERIC);
        if (!req) {
            rc = LINEERR_NOMEM;
            goto out;
        }
        req->call = c;
        rc = req->id;
        LONG prc = c->ld->prov->blind_transfer(req, c, lpszDestAddress);
        if (prc < 0) {
            ot_req_discard(req);
            rc = prc;
        }
    }
out:
    ot_unlock();
    return rc;
}
