/* The routing functions of the line API (Microsoft's "call routing" group
 * besides lineForward, which is in forward.c): lineRedirect, linePark,
 * lineUnpark, linePickup, lineSwapHold, lineCompleteCall, lineUncompleteCall,
 * lineSecureCall.  The core checks the arguments and the call state and asks
 * the line's provider; a provider without the operation makes the function
 * LINEERR_OPERATIONUNAVAIL on its lines, and the capability and status
 * structures (routing parts built here) announce exactly what it has.
 *
 * Invariants: as the rest of the core (ot.h); the provider completes each
 * request it accepted exactly once. */
#include <stdlib.h>
#include <string.h>

#include "ot.h"
#include "rpc.h"

#define ROUTE_ADDR_MAX 256u
#define NO_STATE_YET 0u /* a call before its provider's first state (call.c's CALLSTATE_NONE) */

static LONG check_addr(LPCSTR a)
{
    if (!a)
        return LINEERR_INVALPOINTER;
    size_t n = strnlen(a, ROUTE_ADDR_MAX + 1);
    if (n == 0 || n > ROUTE_ADDR_MAX)
        return LINEERR_INVALADDRESS;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)a[i] < 0x20 || a[i] == 0x7f)
            return LINEERR_INVALADDRESS;
    return 0;
}

/* A call handle of the caller's, with the owner privilege. */
static LONG owner_ref(HCALL h, struct ot_callref **out)
{
    LONG rc = ot_check_started();
    if (rc)
        return rc;
    struct ot_callref *r = ot_callref_get(h);
    if (!r)
        return LINEERR_INVALCALLHANDLE;
    if (r->privilege != LINECALLPRIVILEGE_OWNER)
        return LINEERR_NOTOWNER;
    *out = r;
    return 0;
}

static bool active_connected(const struct ot_call *c)
{
    return c->state == LINECALLSTATE_CONNECTED && c->mode != LINECONNECTEDMODE_INACTIVE;
}

/* The result of a request given to the provider: its id (read before the
 * call: a provider may complete, and so free, the request at once), or the
 * provider's refusal, when the request never existed. */
static LONG submit_result(struct ot_req *q, LONG id, LONG prc)
{
    if (prc < 0) {
        ot_req_discard(q);
        return prc;
    }
    return id;
}

/* ---- lineRedirect ---- */
LONG lineRedirect(HCALL hCall, LPCSTR lpszDestAddress, DWORD dwCountryCode)
{
    OT_REMOTE(lineRedirect, hCall, lpszDestAddress, dwCountryCode);
    (void)dwCountryCode;
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = owner_ref(hCall, &r);
    if (rc || (rc = check_addr(lpszDestAddress)))
        goto out;
    struct ot_call *c = r->call;
    LONG (*redirect)(struct ot_req *, struct ot_call *, const char *) =
        ot_prov_redirect(c->ld->prov);
    if (!redirect) {
        rc = LINEERR_OPERATIONUNAVAIL;
        goto out;
    }
    if (c->state != LINECALLSTATE_OFFERING && c->state != LINECALLSTATE_ACCEPTED) {
        rc = LINEERR_INVALCALLSTATE;
        goto out;
    }
    {
        struct ot_req *q = ot_req_new(r->open, OT_REQ_GENERIC);
        if (!q) {
            rc = LINEERR_NOMEM;
            goto out;
        }
        q->call = c;
        LONG id = q->id;
        LONG prc = redirect(q, c, lpszDestAddress);
        rc = submit_result(q, id, prc);
    }
out:
    ot_unlock();
    return rc;
}

/* ---- linePark / lineUnpark ---- */
LONG linePark(HCALL hCall, DWORD dwParkMode, LPCSTR lpszDirAddress, LPVARSTRING lpNonDirAddress)
{
    OT_REMOTE(linePark, hCall, dwParkMode, lpszDirAddress, lpNonDirAddress);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = owner_ref(hCall, &r);
    if (rc)
        goto out;
    struct ot_call *c = r->call;
    const struct ot_provider *p = c->ld->prov;
    DWORD modes = OT_PROV(p, park_modes, 0u);
    if (dwParkMode != LINEPARKMODE_DIRECTED && dwParkMode != LINEPARKMODE_NONDIRECTED) {
        rc = LINEERR_INVALPARKMODE;
        goto out;
    }
    if (!(modes & dwParkMode) || !OT_PROV(p, park, NULL)) {
        rc = LINEERR_OPERATIONUNAVAIL;
        goto out;
    }
    if (dwParkMode == LINEPARKMODE_DIRECTED) {
        if ((rc = check_addr(lpszDirAddress)))
            goto out;
    } else {
        if (!lpNonDirAddress) {
            rc = LINEERR_INVALPOINTER;
            goto out;
        }
        if (lpNonDirAddress->dwTotalSize < sizeof(VARSTRING)) {
            rc = LINEERR_STRUCTURETOOSMALL;
            goto out;
        }
    }
    if (!active_connected(c) || c->conf_parent || c->is_conf_parent) {
        rc = LINEERR_INVALCALLSTATE;
        goto out;
    }
    {
        struct ot_req *q = ot_req_new(r->open, OT_REQ_GENERIC);
        if (!q) {
            rc = LINEERR_NOMEM;
            goto out;
        }
        q->call = c;
        char where[ROUTE_ADDR_MAX + 1];
        size_t room = 0;
        if (dwParkMode == LINEPARKMODE_NONDIRECTED) {
            room = lpNonDirAddress->dwTotalSize - sizeof(VARSTRING);
            if (room > sizeof(where))
                room = sizeof(where);
        }
        size_t len = room;
        LONG id = q->id;
        LONG prc = p->park(q, c, dwParkMode,
                           dwParkMode == LINEPARKMODE_DIRECTED ? lpszDirAddress : NULL, where,
                           &len);
        if (dwParkMode == LINEPARKMODE_NONDIRECTED && (prc >= 0 || prc == (LONG)LINEERR_STRUCTURETOOSMALL)) {
            /* The place the call went (or the room it needs), as a VARSTRING. */
            VARSTRING v;
            memcpy(&v, lpNonDirAddress, sizeof(v));
            v.dwNeededSize = (DWORD)(sizeof(VARSTRING) + len);
            v.dwStringFormat = STRINGFORMAT_ASCII;
            if (prc >= 0) {
                memcpy((unsigned char *)lpNonDirAddress + sizeof(VARSTRING), where, len);
                v.dwStringSize = (DWORD)len;
                v.dwStringOffset = sizeof(VARSTRING);
                v.dwUsedSize = v.dwNeededSize;
            } else {
                v.dwStringSize = v.dwStringOffset = 0;
                v.dwUsedSize = sizeof(VARSTRING);
            }
            memcpy(lpNonDirAddress, &v, sizeof(v));
        }
        rc = submit_result(q, id, prc);
    }
out:
    ot_unlock();
    return rc;
}

/* lineUnpark and linePickup: a new call at the station, as lineMakeCall
 * makes one; the provider brings the parked / ringing call to it. */
static LONG new_call_op(HLINE hLine, DWORD dwAddressID, LPHCALL lphCall, LPCSTR a1, LPCSTR a2,
                        bool pickup)
{
    ot_lock();
    LONG rc = ot_check_started();
    struct ot_open *o = rc ? NULL : ot_open_get(hLine);
    if (!rc && !o)
        rc = LINEERR_INVALLINEHANDLE;
    if (rc)
        goto out;
    if (dwAddressID != 0) {
        rc = LINEERR_INVALADDRESSID;
        goto out;
    }
    const struct ot_provider *p = o->ld->prov;
    LONG (*unpark)(struct ot_req *, struct ot_call *, const char *) = OT_PROV(p, unpark, NULL);
    LONG (*pick)(struct ot_req *, struct ot_call *, const char *, const char *) =
        OT_PROV(p, pickup, NULL);
    if (pickup ? !pick : !unpark) {
        rc = LINEERR_OPERATIONUNAVAIL;
        goto out;
    }
    if (!lphCall) {
        rc = LINEERR_INVALPOINTER;
        goto out;
    }
    if (pickup) {
        if (!a1 && !a2) {
            rc = LINEERR_INVALPOINTER; /* an address or a group is needed */
            goto out;
        }
        if (a1 && (rc = check_addr(a1)))
            goto out;
        if (a2 && (rc = check_addr(a2))) {
            rc = rc == (LONG)LINEERR_INVALADDRESS ? (LONG)LINEERR_INVALGROUPID : rc;
            goto out;
        }
    } else if ((rc = check_addr(a1))) {
        goto out;
    }
    /* Like lineMakeCall, any open may: the application owns the call it gets. */
    {
        struct ot_call *c = ot_call_create(o->ld, 0, LINECALLORIGIN_INTERNAL);
        struct ot_callref *r = c ? ot_callref_create(c, o, LINECALLPRIVILEGE_OWNER, false) : NULL;
        struct ot_req *q = r ? ot_req_new(o, OT_REQ_MAKECALL) : NULL;
        if (!q) {
            if (r)
                ot_callref_destroy(r);
            if (c) {
                c->provider_closed = true;
                ot_call_free_now(c);
            }
            rc = LINEERR_NOMEM;
            goto out;
        }
        ot_call_attach_monitors(c, o, false);
        c->creator = o->app->handle;
        c->reason = pickup ? LINECALLREASON_PICKUP : LINECALLREASON_UNPARK;
        q->call = c;
        q->out_call = lphCall;
        q->new_call = r->handle;
        rc = q->id;
        LONG prc = pickup ? pick(q, c, a1, a2) : unpark(q, c, a1);
        if (prc >= 0)
            goto out;
        rc = prc;
        ot_req_discard(q);
        while (!ot_list_empty(&c->refs))
            ot_callref_destroy(ot_container_of(c->refs.next, struct ot_callref, call_link));
        c->provider_closed = true;
        ot_call_free_now(c);
    }
out:
    ot_unlock();
    return rc;
}

LONG lineUnpark(HLINE hLine, DWORD dwAddressID, LPHCALL lphCall, LPCSTR lpszDestAddress)
{
    OT_REMOTE(lineUnpark, hLine, dwAddressID, lphCall, lpszDestAddress);
    return new_call_op(hLine, dwAddressID, lphCall, lpszDestAddress, NULL, false);
}

LONG linePickup(HLINE hLine, DWORD dwAddressID, LPHCALL lphCall, LPCSTR lpszDestAddress,
                LPCSTR lpszGroupID)
{
    OT_REMOTE(linePickup, hLine, dwAddressID, lphCall, lpszDestAddress, lpszGroupID);
    return new_call_op(hLine, dwAddressID, lphCall, lpszDestAddress, lpszGroupID, true);
}

/* ---- lineSwapHold ---- */
LONG lineSwapHold(HCALL hActiveCall, HCALL hHeldCall)
{
    OT_REMOTE(lineSwapHold, hActiveCall, hHeldCall);
    ot_lock();
    struct ot_callref *ra = NULL, *rh = NULL;
    LONG rc = owner_ref(hActiveCall, &ra);
    if (rc || (rc = owner_ref(hHeldCall, &rh)))
        goto out;
    if (ra->open->app != rh->open->app) { /* both must be the caller's own */
        rc = LINEERR_INVALCALLHANDLE;
        goto out;
    }
    struct ot_call *a = ra->call, *h = rh->call;
    LONG (*swap)(struct ot_req *, struct ot_call *, struct ot_call *) =
        OT_PROV(a->ld->prov, swap_hold, NULL);
    if (!swap) {
        rc = LINEERR_OPERATIONUNAVAIL;
        goto out;
    }
    if (a == h || a->ld != h->ld || !active_connected(a) || a->conf_parent ||
        a->is_conf_parent ||
        (h->state != LINECALLSTATE_ONHOLD && h->state != LINECALLSTATE_ONHOLDPENDTRANSFER) ||
        h->conf_parent ||
        h->is_conf_parent) {
        rc = LINEERR_INVALCALLSTATE;
        goto out;
    }
    {
        struct ot_req *q = ot_req_new(ra->open, OT_REQ_GENERIC);
        if (!q) {
            rc = LINEERR_NOMEM;
            goto out;
        }
        q->call = a;
        LONG id = q->id;
        LONG prc = swap(q, a, h);
        rc = submit_result(q, id, prc);
    }
out:
    ot_unlock();
    return rc;
}

/* ---- lineSecureCall ---- */
LONG lineSecureCall(HCALL hCall)
{
    OT_REMOTE(lineSecureCall, hCall);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = owner_ref(hCall, &r);
    if (rc)
        goto out;
    struct ot_call *c = r->call;
    LONG (*secure)(struct ot_req *, struct ot_call *) = OT_PROV(c->ld->prov, secure, NULL);
    if (!secure) {
        rc = LINEERR_OPERATIONUNAVAIL;
        goto out;
    }
    /* Microsoft: any state but IDLE. */
    if (c->state == LINECALLSTATE_IDLE || c->state == NO_STATE_YET) {
        rc = LINEERR_INVALCALLSTATE;
        goto out;
    }
    {
        struct ot_req *q = ot_req_new(r->open, OT_REQ_GENERIC);
        if (!q) {
            rc = LINEERR_NOMEM;
            goto out;
        }
        q->call = c;
        LONG id = q->id;
        LONG prc = secure(q, c);
        rc = submit_result(q, id, prc);
    }
out:
    ot_unlock();
    return rc;
}

void ot_ev_call_secure(struct ot_call *c)
{
    if (c->secure)
        return;
    c->secure = true;
    ot_call_post_callinfo(c, LINECALLINFOSTATE_OTHER, NULL);
}

/* ---- lineCompleteCall / lineUncompleteCall ---- */
static DWORD next_completion_id = 1;

LONG lineCompleteCall(HCALL hCall, LPDWORD lpdwCompletionID, DWORD dwCompletionMode,
                      DWORD dwMessageID)
{
    OT_REMOTE(lineCompleteCall, hCall, lpdwCompletionID, dwCompletionMode, dwMessageID);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = owner_ref(hCall, &r);
    if (rc)
        goto out;
    struct ot_call *c = r->call;
    const struct ot_provider *p = c->ld->prov;
    DWORD modes = OT_PROV(p, completion_modes, 0u);
    LONG (*complete)(struct ot_req *, struct ot_call *, DWORD, DWORD) =
        OT_PROV(p, complete_call, NULL);
    if (!lpdwCompletionID) {
        rc = LINEERR_INVALPOINTER;
        goto out;
    }
    if (dwCompletionMode != LINECALLCOMPLMODE_CAMPON &&
        dwCompletionMode != LINECALLCOMPLMODE_CALLBACK &&
        dwCompletionMode != LINECALLCOMPLMODE_INTRUDE &&
        dwCompletionMode != LINECALLCOMPLMODE_MESSAGE) {
        rc = LINEERR_INVALCALLCOMPLMODE;
        goto out;
    }
    if (!complete || !(modes & dwCompletionMode)) {
        rc = LINEERR_OPERATIONUNAVAIL;
        goto out;
    }
    if (dwCompletionMode == LINECALLCOMPLMODE_MESSAGE && dwMessageID != 0) {
        rc = LINEERR_INVALMESSAGEID; /* no completion messages (dwNumCompletionMessages 0) */
        goto out;
    }
    /* Busy (the busy signal may already have disconnected it). */
    if (c->state != LINECALLSTATE_BUSY &&
        !(c->state == LINECALLSTATE_DISCONNECTED && c->mode == LINEDISCONNECTMODE_BUSY)) {
        rc = LINEERR_INVALCALLSTATE;
        goto out;
    }
    {
        struct ot_req *q = ot_req_new(r->open, OT_REQ_GENERIC);
        if (!q) {
            rc = LINEERR_NOMEM;
            goto out;
        }
        q->call = c;
        DWORD cid = next_completion_id++;
        if (!next_completion_id)
            next_completion_id = 1;
        LONG id = q->id;
        LONG prc = complete(q, c, dwCompletionMode, cid);
        rc = submit_result(q, id, prc);
        if (rc > 0)
            *lpdwCompletionID = cid;
    }
out:
    ot_unlock();
    return rc;
}

LONG lineUncompleteCall(HLINE hLine, DWORD dwCompletionID)
{
    OT_REMOTE(lineUncompleteCall, hLine, dwCompletionID);
    ot_lock();
    LONG rc = ot_check_started();
    struct ot_open *o = rc ? NULL : ot_open_get(hLine);
    if (!rc && !o)
        rc = LINEERR_INVALLINEHANDLE;
    if (rc)
        goto out;
    LONG (*uncomplete)(struct ot_req *, struct ot_linedev *, DWORD) =
        OT_PROV(o->ld->prov, uncomplete_call, NULL);
    if (!uncomplete) {
        rc = LINEERR_OPERATIONUNAVAIL;
        goto out;
    }
    {
        struct ot_req *q = ot_req_new(o, OT_REQ_GENERIC);
        if (!q) {
            rc = LINEERR_NOMEM;
            goto out;
        }
        LONG id = q->id;
        LONG prc = uncomplete(q, o->ld, dwCompletionID);
        rc = submit_result(q, id, prc);
    }
out:
    ot_unlock();
    return rc;
}

void ot_ev_call_completion_id(struct ot_call *c, DWORD id)
{
    if (c->completion_id == id)
        return;
    c->completion_id = id;
    ot_call_post_callinfo(c, LINECALLINFOSTATE_COMPLETIONID, NULL);
}

/* ---- what the capability and status structures say ---- */
DWORD ot_route_addr_features(const struct ot_linedev *ld)
{
    const struct ot_provider *p = ld->prov;
    DWORD f = 0;
    if (ot_prov_forward_modes(p))
        f |= LINEADDRFEATURE_FORWARD | LINEADDRFEATURE_FORWARDFWD;
    if (OT_PROV(p, pickup, NULL))
        f |= LINEADDRFEATURE_PICKUP | LINEADDRFEATURE_PICKUPDIRECT | LINEADDRFEATURE_PICKUPGROUP;
    if (OT_PROV(p, unpark, NULL))
        f |= LINEADDRFEATURE_UNPARK;
    if (OT_PROV(p, uncomplete_call, NULL))
        f |= LINEADDRFEATURE_UNCOMPLETECALL;
    return f;
}

/* lineForward with bAllAddresses: a line feature too (LINEDEVCAPS, LINEDEVSTATUS). */
DWORD ot_route_line_features(const struct ot_linedev *ld)
{
    return ot_prov_forward_modes(ld->prov) ? LINEFEATURE_FORWARD | LINEFEATURE_FORWARDFWD : 0;
}

DWORD ot_route_address_states(const struct ot_linedev *ld)
{
    return ot_prov_forward_modes(ld->prov) ? LINEADDRESSSTATE_FORWARD : 0;
}

void ot_route_address_caps(const struct ot_linedev *ld, LINEADDRESSCAPS *ac)
{
    const struct ot_provider *p = ld->prov;
    DWORD fwd = ot_prov_forward_modes(p);
    ac->dwAddressStates |= ot_route_address_states(ld);
    ac->dwAddressFeatures |= ot_route_addr_features(ld);
    ac->dwCallInfoStates |= LINECALLINFOSTATE_REASON;
    if (fwd || ot_prov_redirect(p)) {
        ac->dwRedirectingIDFlags = ac->dwRedirectionIDFlags =
            LINECALLPARTYID_ADDRESS | LINECALLPARTYID_NAME | LINECALLPARTYID_UNAVAIL;
        ac->dwCallInfoStates |= LINECALLINFOSTATE_REDIRECTINGID | LINECALLINFOSTATE_REDIRECTIONID;
    }
    if (fwd) {
        ac->dwForwardModes = fwd;
        ot_route_fwd_caps(ac);
        ac->dwAddrCapFlags |= LINEADDRCAPFLAGS_FWDNUMRINGS | LINEADDRCAPFLAGS_FWDSTATUSVALID;
    }
    if (ot_prov_redirect(p))
        ac->dwCallFeatures |= LINECALLFEATURE_REDIRECT;
    if (OT_PROV(p, park, NULL) && OT_PROV(p, park_modes, 0u)) {
        ac->dwParkModes = OT_PROV(p, park_modes, 0u);
        ac->dwCallFeatures |= LINECALLFEATURE_PARK;
        ac->dwCallFeatures2 |=
            (ac->dwParkModes & LINEPARKMODE_DIRECTED ? LINECALLFEATURE2_PARKDIRECT : 0) |
            (ac->dwParkModes & LINEPARKMODE_NONDIRECTED ? LINECALLFEATURE2_PARKNONDIRECT : 0);
    }
    if (OT_PROV(p, swap_hold, NULL))
        ac->dwCallFeatures |= LINECALLFEATURE_SWAPHOLD;
    if (OT_PROV(p, secure, NULL)) {
        ac->dwCallFeatures |= LINECALLFEATURE_SECURECALL;
        ac->dwAddrCapFlags |= LINEADDRCAPFLAGS_SECURE;
        ac->dwCallInfoStates |= LINECALLINFOSTATE_OTHER;
    }
    if (OT_PROV(p, pickup, NULL))
        ac->dwAddrCapFlags |= LINEADDRCAPFLAGS_PICKUPGROUPID;
    if (OT_PROV(p, complete_call, NULL) && OT_PROV(p, completion_modes, 0u)) {
        ac->dwCallFeatures |= LINECALLFEATURE_COMPLETECALL;
        ac->dwCallCompletionModes = OT_PROV(p, completion_modes, 0u);
        ac->dwCallCompletionConds = LINECALLCOMPLCOND_BUSY;
        ac->dwMaxCallCompletions = OT_MAX_CALL_COMPLETIONS;
        ac->dwAddrCapFlags |= LINEADDRCAPFLAGS_COMPLETIONID;
        ac->dwCallInfoStates |= LINECALLINFOSTATE_COMPLETIONID;
    }
}

/* The routing LINECALLFEATURE_ bits of an owner's call, by its state. */
DWORD ot_route_call_features(const struct ot_call *c)
{
    const struct ot_provider *p = c->ld->prov;
    DWORD f = 0;
    switch (c->state) {
    case LINECALLSTATE_OFFERING:
    case LINECALLSTATE_ACCEPTED:
        if (ot_prov_redirect(p))
            f |= LINECALLFEATURE_REDIRECT;
        break;
    case LINECALLSTATE_CONNECTED:
        if (c->mode == LINECONNECTEDMODE_INACTIVE || c->conf_parent || c->is_conf_parent)
            return 0;
        if (OT_PROV(p, park, NULL) && OT_PROV(p, park_modes, 0u))
            f |= LINECALLFEATURE_PARK;
        break;
    case LINECALLSTATE_BUSY:
    case LINECALLSTATE_DISCONNECTED:
        if ((c->state != LINECALLSTATE_DISCONNECTED || c->mode == LINEDISCONNECTMODE_BUSY) &&
            OT_PROV(p, complete_call, NULL) && OT_PROV(p, completion_modes, 0u))
            f |= LINECALLFEATURE_COMPLETECALL;
        break;
    default:
        break;
    }
    /* SWAPHOLD: this call active and another held on the line, or the reverse. */
#define HELD(s) ((s) == LINECALLSTATE_ONHOLD || (s) == LINECALLSTATE_ONHOLDPENDTRANSFER)
    if (OT_PROV(p, swap_hold, NULL) && (c->state == LINECALLSTATE_CONNECTED || HELD(c->state)) &&
        !c->conf_parent && !c->is_conf_parent) {
        bool active = c->state == LINECALLSTATE_CONNECTED;
        const struct ot_list *pos;
        for (pos = c->ld->calls.next; pos != &c->ld->calls; pos = pos->next) {
            const struct ot_call *o = ot_container_of(pos, struct ot_call, ld_link);
            if (o == c || o->conf_parent || o->is_conf_parent)
                continue;
            if (active ? HELD(o->state)
                       : (o->state == LINECALLSTATE_CONNECTED &&
                          o->mode != LINECONNECTEDMODE_INACTIVE)) {
                f |= LINECALLFEATURE_SWAPHOLD;
                break;
            }
        }
    }
#undef HELD
    if (OT_PROV(p, secure, NULL) && !c->secure && c->state != LINECALLSTATE_IDLE &&
        c->state != LINECALLSTATE_DISCONNECTED && c->state != NO_STATE_YET)
        f |= LINECALLFEATURE_SECURECALL;
    return f;
}
