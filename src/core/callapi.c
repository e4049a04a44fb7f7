/* The TAPI functions that act on calls: validation in the order Microsoft
 * documents (handle, privilege, state, sizes), then one provider operation.
 * A function that returns an error has queued nothing; a positive result is a
 * request ID that gets exactly one LINE_REPLY. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ot.h"
#include "precond.h"
#include "rpc.h"

#define OT_DEST_MAX 256u

/* Common prologue: the handle, then (optionally) owner privilege. */
static LONG get_ref(HCALL h, bool need_owner, struct ot_callref **rp)
{
    if (!ot_g.started)
        return LINEERR_UNINITIALIZED;
    struct ot_callref *r = ot_callref_get(h);
    if (!r)
        return LINEERR_INVALCALLHANDLE;
    if (need_owner && r->privilege != LINECALLPRIVILEGE_OWNER)
        return LINEERR_NOTOWNER;
    *rp = r;
    return 0;
}

typedef LONG (*uui_op)(struct ot_req *, struct ot_call *, const void *, DWORD);

/* Start a provider operation on a call; returns the request id or an error. */
static LONG start_uui_op(struct ot_callref *r, uui_op op, const void *uui, DWORD len)
{
    if (!op)
        return LINEERR_OPERATIONUNAVAIL;
    struct ot_req *q = ot_req_new(r->open, OT_REQ_GENERIC);
    if (!q)
        return LINEERR_NOMEM;
    q->call = r->call;
    LONG id = q->id;
    LONG rc = op(q, r->call, uui, uui ? len : 0);
    if (rc < 0) {
        ot_req_discard(q);
        return rc;
    }
    return id;
}

static LONG check_dest(LPCSTR dest)
{
    if (!dest)
        return LINEERR_INVALPOINTER;
    size_t n = strnlen(dest, OT_DEST_MAX + 1);
    if (n == 0 || n > OT_DEST_MAX)
        return LINEERR_INVALADDRESS;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)dest[i] < 0x20 || dest[i] == 0x7f)
            return LINEERR_INVALADDRESS;
    return 0;
}

/* LINECALLPARAMS: every variable part inside dwTotalSize, supported modes only
 * (lineMakeCall, lineSetupTransfer, lineSetupConference, linePrepareAddToConference). */
LONG ot_check_call_params(const struct ot_open *o, const LINECALLPARAMS *p)
{
    if (!p)
        return 0;
    if (p->dwTotalSize < offsetof(LINECALLPARAMS, dwPredictiveAutoTransferStates))
        return LINEERR_STRUCTURETOOSMALL;
    const DWORD pairs[][2] = {
        {p->dwOrigAddressSize, p->dwOrigAddressOffset},
        {p->dwUserUserInfoSize, p->dwUserUserInfoOffset},
        {p->dwHighLevelCompSize, p->dwHighLevelCompOffset},
        {p->dwLowLevelCompSize, p->dwLowLevelCompOffset},
        {p->dwDevSpecificSize, p->dwDevSpecificOffset},
        {p->dwDisplayableAddressSize, p->dwDisplayableAddressOffset},
        {p->dwCalledPartySize, p->dwCalledPartyOffset},
        {p->dwCommentSize, p->dwCommentOffset},
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        if (!pairs[i][0])
            continue;
        if (pairs[i][1] < offsetof(LINECALLPARAMS, dwPredictiveAutoTransferStates) ||
            (uint64_t)pairs[i][1] + pairs[i][0] > p->dwTotalSize)
            return LINEERR_INVALCALLPARAMS;
    }
    if (p->dwBearerMode && p->dwBearerMode != LINEBEARERMODE_VOICE &&
        p->dwBearerMode != LINEBEARERMODE_SPEECH)
        return LINEERR_INVALBEARERMODE;
    if (p->dwMediaMode & ~(DWORD)(LINEMEDIAMODE_INTERACTIVEVOICE | LINEMEDIAMODE_UNKNOWN |
                                  LINEMEDIAMODE_AUTOMATEDVOICE))
        return LINEERR_INVALMEDIAMODE;
    if (p->dwAddressMode == LINEADDRESSMODE_DIALABLEADDR) {
        /* dwOrigAddress names the address; ours has one, the line's number. */
        const char *a = (const char *)p + p->dwOrigAddressOffset;
        size_t n = p->dwOrigAddressSize ? strnlen(a, p->dwOrigAddressSize) : 0;
        if (n != strlen(o->ld->conf.number) || memcmp(a, o->ld->conf.number, n))
            return LINEERR_INVALADDRESS;
    } else if (p->dwAddressID != 0)
        return LINEERR_INVALADDRESSID;
    return 0;
}

LONG lineMakeCall(HLINE hLine, LPHCALL lphCall, LPCSTR lpszDestAddress, DWORD dwCountryCode,
                  LPLINECALLPARAMS const lpCallParams)
{
    OT_REMOTE(lineMakeCall, hLine, lphCall, lpszDestAddress, dwCountryCode, lpCallParams);
    (void)dwCountryCode;
    ot_lock();
    LONG rc = ot_check_started();
    struct ot_open *o = rc ? NULL : ot_open_get(hLine);
    const void *uui = NULL;
    DWORD uui_len = 0;
    if (!rc && !o)
        rc = LINEERR_INVALLINEHANDLE;
    if (rc)
        goto out;
    if (!lphCall) {
        rc = LINEERR_INVALPOINTER;
        goto out;
    }
    if (lpszDestAddress && *lpszDestAddress && (rc = check_dest(lpszDestAddress)))
        goto out;
    if ((rc = ot_check_call_params(o, lpCallParams)))
        goto out;
    if (lpCallParams && lpCallParams->dwUserUserInfoSize) {
        uui = (const unsigned char *)lpCallParams + lpCallParams->dwUserUserInfoOffset;
        uui_len = lpCallParams->dwUserUserInfoSize;
        if ((rc = ot_check_uui(uui, uui_len, o->ld->conf.uui_make_call)))
            goto out;
    }
    if (!o->ld->prov->make_call) {
        rc = LINEERR_OPERATIONUNAVAIL;
        goto out;
    }
    {
        struct ot_call *c = ot_call_create(o->ld, 0, LINECALLORIGIN_OUTBOUND);
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
        {
            q->call = c;
            q->out_call = lphCall;
            q->new_call = r->handle;
            rc = q->id;
            LONG prc = o->ld->prov->make_call(q, c, lpszDestAddress && *lpszDestAddress
                                                        ? lpszDestAddress
                                                        : NULL,
                                              lpCallParams, uui, uui_len);
            if (prc >= 0)
                goto out;
            rc = prc;
        }
        /* Refused at once: the call never existed for anybody. */
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

LONG lineDial(HCALL hCall, LPCSTR lpszDestAddress, DWORD dwCountryCode)
{
    OT_REMOTE(lineDial, hCall, lpszDestAddress, dwCountryCode);
    (void)dwCountryCode;
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = ot_precheck(OT_FN_DIAL, hCall, NULL, 0, &r);
    if (rc)
        goto out;
    if ((rc = check_dest(lpszDestAddress)))
        goto out;
    if (!r->call->ld->prov->dial) {
        rc = LINEERR_OPERATIONUNAVAIL;
        goto out;
    }
    {
        struct ot_req *q = ot_req_new(r->open, OT_REQ_GENERIC);
        if (!q) {
            rc = LINEERR_NOMEM;
            goto out;
        }
        q->call = r->call;
        rc = q->id;
        LONG prc = r->call->ld->prov->dial(q, r->call, lpszDestAddress);
        if (prc < 0) {
            ot_req_discard(q);
            rc = prc;
        }
    }
out:
    ot_unlock();
    return rc;
}

LONG lineAnswer(HCALL hCall, LPCSTR lpsUserUserInfo, DWORD dwSize)
{
    OT_REMOTE(lineAnswer, hCall, lpsUserUserInfo, dwSize);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = ot_precheck(OT_FN_ANSWER, hCall, lpsUserUserInfo, dwSize, &r);
    if (!rc)
        rc = start_uui_op(r, r->call->ld->prov->answer, lpsUserUserInfo, dwSize);
    ot_unlock();
    return rc;
}

LONG lineAccept(HCALL hCall, LPCSTR lpsUserUserInfo, DWORD dwSize)
{
    OT_REMOTE(lineAccept, hCall, lpsUserUserInfo, dwSize);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = ot_precheck(OT_FN_ACCEPT, hCall, lpsUserUserInfo, dwSize, &r);
    if (!rc)
        rc = start_uui_op(r, r->call->ld->prov->accept, lpsUserUserInfo, dwSize);
    ot_unlock();
    return rc;
}

LONG lineDrop(HCALL hCall, LPCSTR lpsUserUserInfo, DWORD dwSize)
{
    OT_REMOTE(lineDrop, hCall, lpsUserUserInfo, dwSize);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = ot_precheck(OT_FN_DROP, hCall, lpsUserUserInfo, dwSize, &r);
    if (!rc)
        rc = start_uui_op(r, r->call->ld->prov->drop, lpsUserUserInfo, dwSize);
    ot_unlock();
    return rc;
}

LONG lineSendUserUserInfo(HCALL hCall, LPCSTR lpsUserUserInfo, DWORD dwSize)
{
    OT_REMOTE(lineSendUserUserInfo, hCall, lpsUserUserInfo, dwSize);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = ot_precheck(OT_FN_SENDUUI, hCall, lpsUserUserInfo, dwSize, &r);
    if (!rc)
        rc = start_uui_op(r, r->call->ld->prov->send_uui, lpsUserUserInfo, dwSize);
    ot_unlock();
    return rc;
}

LONG lineReleaseUserUserInfo(HCALL hCall)
{
    OT_REMOTE(lineReleaseUserUserInfo, hCall);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = ot_precheck(OT_FN_RELEASEUUI, hCall, NULL, 0, &r);
    if (rc)
        goto out;
    {
        /* The core holds received UUI, so the release completes here. */
        struct ot_req *q = ot_req_new(r->open, OT_REQ_GENERIC);
        if (!q) {
            rc = LINEERR_NOMEM;
            goto out;
        }
        rc = q->id;
        struct ot_call *c = r->call;
        ot_req_complete(q, 0);
        ot_call_release_uui(c);
    }
out:
    ot_unlock();
    return rc;
}

static LONG hold_op(HCALL hCall, bool hold)
{
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = ot_precheck(hold ? OT_FN_HOLD : OT_FN_UNHOLD, hCall, NULL, 0, &r);
    if (rc)
        goto out;
    struct ot_call *c = r->call;
    LONG (*op)(struct ot_req *, struct ot_call *) =
        hold ? c->ld->prov->hold : c->ld->prov->unhold;
    if (!op) {
        rc = LINEERR_OPERATIONUNAVAIL;
        goto out;
    }
    struct ot_req *q = ot_req_new(r->open, OT_REQ_GENERIC);
    if (!q) {
        rc = LINEERR_NOMEM;
        goto out;
    }
    q->call = c;
    rc = q->id;
    LONG prc = op(q, c);
    if (prc < 0) {
        ot_req_discard(q);
        rc = prc;
    }
out:
    ot_unlock();
    return rc;
}

LONG lineHold(HCALL hCall)
{
    OT_REMOTE(lineHold, hCall);
    return hold_op(hCall, true);
}
LONG lineUnhold(HCALL hCall)
{
    OT_REMOTE(lineUnhold, hCall);
    return hold_op(hCall, false);
}

LONG lineDeallocateCall(HCALL hCall)
{
    OT_REMOTE(lineDeallocateCall, hCall);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = get_ref(hCall, false, &r);
    if (rc)
        goto out;
    struct ot_call *c = r->call;
    bool sole_owner = r->privilege == LINECALLPRIVILEGE_OWNER && c->num_owners == 1;
    if (sole_owner && c->state != LINECALLSTATE_IDLE && r->open->api_version < 0x00020000u) {
        rc = LINEERR_INVALCALLSTATE; /* before 2.0 the sole owner must drop first */
        goto out;
    }
    DWORD info = r->privilege == LINECALLPRIVILEGE_OWNER ? LINECALLINFOSTATE_NUMOWNERDECR
                                                         : LINECALLINFOSTATE_NUMMONITORS;
    ot_callref_destroy(r);
    ot_call_post_callinfo(c, info, NULL);
    ot_call_maybe_free(c);
out:
    ot_unlock();
    return rc;
}

LONG lineSetCallPrivilege(HCALL hCall, DWORD dwCallPrivilege)
{
    OT_REMOTE(lineSetCallPrivilege, hCall, dwCallPrivilege);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = get_ref(hCall, false, &r);
    if (rc)
        goto out;
    if (dwCallPrivilege != LINECALLPRIVILEGE_OWNER &&
        dwCallPrivilege != LINECALLPRIVILEGE_MONITOR) {
        rc = LINEERR_INVALCALLPRIVILEGE;
        goto out;
    }
    struct ot_call *c = r->call;
    if (dwCallPrivilege == r->privilege)
        goto out;
    if (dwCallPrivilege == LINECALLPRIVILEGE_MONITOR && c->num_owners == 1 &&
        c->state != LINECALLSTATE_IDLE) {
        rc = LINEERR_INVALCALLSTATE; /* the sole owner of a live call: drop it first */
        goto out;
    }
    if (dwCallPrivilege == LINECALLPRIVILEGE_OWNER) {
        c->num_monitors--;
        c->num_owners++;
        r->privilege = LINECALLPRIVILEGE_OWNER;
        ot_call_post_callinfo(c, LINECALLINFOSTATE_NUMOWNERINCR | LINECALLINFOSTATE_NUMMONITORS,
                              r);
    } else {
        c->num_owners--;
        c->num_monitors++;
        r->privilege = LINECALLPRIVILEGE_MONITOR;
        ot_call_post_callinfo(c, LINECALLINFOSTATE_NUMOWNERDECR | LINECALLINFOSTATE_NUMMONITORS,
                              r);
    }
out:
    ot_unlock();
    return rc;
}

LONG lineSetAppSpecific(HCALL hCall, DWORD dwAppSpecific)
{
    OT_REMOTE(lineSetAppSpecific, hCall, dwAppSpecific);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = get_ref(hCall, true, &r);
    if (!rc) {
        r->call->app_specific = dwAppSpecific;
        /* "all other applications with call handles are sent a LINE_CALLINFO" */
        ot_call_post_callinfo(r->call, LINECALLINFOSTATE_APPSPECIFIC, r);
    }
    ot_unlock();
    return rc;
}

static void to_systemtime(uint64_t ms, SYSTEMTIME *st)
{
    time_t t = (time_t)(ms / 1000u);
    struct tm tm;
    gmtime_r(&t, &tm);
    st->wYear = (WORD)(tm.tm_year + 1900);
    st->wMonth = (WORD)(tm.tm_mon + 1);
    st->wDayOfWeek = (WORD)tm.tm_wday;
    st->wDay = (WORD)tm.tm_mday;
    st->wHour = (WORD)tm.tm_hour;
    st->wMinute = (WORD)tm.tm_min;
    st->wSecond = (WORD)tm.tm_sec;
    st->wMilliseconds = (WORD)(ms % 1000u);
}

LONG lineGetCallStatus(HCALL hCall, LPLINECALLSTATUS lpCallStatus)
{
    OT_REMOTE(lineGetCallStatus, hCall, lpCallStatus);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = get_ref(hCall, false, &r);
    if (rc)
        goto out;
    if (!lpCallStatus) {
        rc = LINEERR_INVALPOINTER;
        goto out;
    }
    DWORD min = r->open->api_version >= 0x00020000u ? (DWORD)sizeof(LINECALLSTATUS)
                                                    : offsetof(LINECALLSTATUS, dwCallFeatures2);
    if (lpCallStatus->dwTotalSize < min) {
        rc = LINEERR_STRUCTURETOOSMALL;
        goto out;
    }
    {
        struct ot_call *c = r->call;
        LINECALLSTATUS s;
        memset(&s, 0, sizeof(s));
        s.dwTotalSize = lpCallStatus->dwTotalSize;
        s.dwNeededSize = sizeof(s);
        s.dwUsedSize = min;
        s.dwCallState = c->state ? c->state : LINECALLSTATE_UNKNOWN;
        s.dwCallStateMode = c->state == LINECALLSTATE_CONFERENCED
                                ? 0
                                : ot_mode_for_version(c, r->open->api_version);
        s.dwCallPrivilege = r->privilege;
        s.dwCallFeatures = ot_call_features(c, r->privilege);
        to_systemtime(c->state_time_ms, &s.tStateEntryTime);
        memcpy(lpCallStatus, &s, min);
    }
out:
    ot_unlock();
    return rc;
}

LONG lineGetCallInfo(HCALL hCall, LPLINECALLINFO lpCallInfo)
{
    OT_REMOTE(lineGetCallInfo, hCall, lpCallInfo);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = get_ref(hCall, false, &r);
    if (rc)
        goto out;
    if (!lpCallInfo) {
        rc = LINEERR_INVALPOINTER;
        goto out;
    }
    /* 2.x applications know the structure up to the 3.0 address types. */
    if (lpCallInfo->dwTotalSize < offsetof(LINECALLINFO, dwCallerIDAddressType)) {
        rc = LINEERR_STRUCTURETOOSMALL;
        goto out;
    }
    {
        struct ot_call *c = r->call;
        const struct ot_line_conf *cf = &c->ld->conf;
        DWORD fixed = lpCallInfo->dwTotalSize < sizeof(LINECALLINFO)
                          ? offsetof(LINECALLINFO, dwCallerIDAddressType)
                          : (DWORD)sizeof(LINECALLINFO);
        LINECALLINFO ci;
        /* dwNeededSize counts the whole fixed part, so that a buffer of that size
         * (which then gets the whole fixed part) holds every variable part too. */
        struct ot_varbuf vb = {(unsigned char *)lpCallInfo, lpCallInfo->dwTotalSize, fixed,
                               (DWORD)sizeof(LINECALLINFO)};
        memset(&ci, 0, sizeof(ci));
        ci.dwTotalSize = lpCallInfo->dwTotalSize;
        ci.hLine = r->open->handle;
        ci.dwLineDeviceID = c->ld->id;
        ci.dwAddressID = c->address_id;
        ci.dwBearerMode = LINEBEARERMODE_VOICE;
        ci.dwMediaMode = c->media_mode ? c->media_mode : LINEMEDIAMODE_INTERACTIVEVOICE;
        ci.dwAppSpecific = c->app_specific;
        ci.dwCallID = c->call_id;
        ci.dwRelatedCallID = c->related_call_id;
        ci.dwCallStates = LINECALLSTATE_IDLE | LINECALLSTATE_OFFERING | LINECALLSTATE_ACCEPTED |
                          LINECALLSTATE_DIALTONE | LINECALLSTATE_DIALING |
                          LINECALLSTATE_RINGBACK | LINECALLSTATE_BUSY |
                          LINECALLSTATE_CONNECTED | LINECALLSTATE_PROCEEDING |
                          LINECALLSTATE_ONHOLD | LINECALLSTATE_DISCONNECTED |
                          (cf->max_conf ? LINECALLSTATE_CONFERENCED |
                                              LINECALLSTATE_ONHOLDPENDCONF |
                                              LINECALLSTATE_ONHOLDPENDTRANSFER
                                        : 0);
        ci.dwOrigin = c->origin;
        ci.dwReason = c->reason;
        ci.dwCompletionID = c->completion_id;
        ci.dwCallParamFlags |= c->secure ? LINECALLPARAMFLAGS_SECURE : 0;
        ci.dwNumOwners = c->num_owners;
        ci.dwNumMonitors = c->num_monitors;
        ci.dwCallerIDFlags = c->caller_id ? LINECALLPARTYID_ADDRESS : 0;
        ci.dwCallerIDFlags |= c->caller_name ? LINECALLPARTYID_NAME : 0;
        if (!ci.dwCallerIDFlags)
            ci.dwCallerIDFlags = LINECALLPARTYID_UNKNOWN;
        ci.dwCalledIDFlags = (c->called_id ? LINECALLPARTYID_ADDRESS : 0) |
                             (c->called_name ? LINECALLPARTYID_NAME : 0);
        if (!ci.dwCalledIDFlags)
            ci.dwCalledIDFlags = LINECALLPARTYID_UNKNOWN;
        ci.dwConnectedIDFlags = (c->connected_id ? LINECALLPARTYID_ADDRESS : 0) |
                                (c->connected_name ? LINECALLPARTYID_NAME : 0);
        if (!ci.dwConnectedIDFlags)
            ci.dwConnectedIDFlags = LINECALLPARTYID_UNKNOWN;
        ci.dwRedirectingIDFlags = (c->redirecting_id ? LINECALLPARTYID_ADDRESS : 0) |
                                  (c->redirecting_name ? LINECALLPARTYID_NAME : 0);
        if (!ci.dwRedirectingIDFlags)
            ci.dwRedirectingIDFlags = LINECALLPARTYID_UNAVAIL;
        ci.dwRedirectionIDFlags = (c->redirection_id ? LINECALLPARTYID_ADDRESS : 0) |
                                  (c->redirection_name ? LINECALLPARTYID_NAME : 0);
        if (!ci.dwRedirectionIDFlags)
            ci.dwRedirectionIDFlags = LINECALLPARTYID_UNAVAIL;
        ot_varbuf_put_str(&vb, c->caller_id, &ci.dwCallerIDSize, &ci.dwCallerIDOffset);
        ot_varbuf_put_str(&vb, c->caller_name, &ci.dwCallerIDNameSize, &ci.dwCallerIDNameOffset);
        ot_varbuf_put_str(&vb, c->called_id, &ci.dwCalledIDSize, &ci.dwCalledIDOffset);
        ot_varbuf_put_str(&vb, c->called_name, &ci.dwCalledIDNameSize, &ci.dwCalledIDNameOffset);
        ot_varbuf_put_str(&vb, c->connected_id, &ci.dwConnectedIDSize, &ci.dwConnectedIDOffset);
        ot_varbuf_put_str(&vb, c->redirecting_id, &ci.dwRedirectingIDSize,
                          &ci.dwRedirectingIDOffset);
        ot_varbuf_put_str(&vb, c->redirecting_name, &ci.dwRedirectingIDNameSize,
                          &ci.dwRedirectingIDNameOffset);
        ot_varbuf_put_str(&vb, c->connected_name, &ci.dwConnectedIDNameSize,
                          &ci.dwConnectedIDNameOffset);
        ot_varbuf_put_str(&vb, c->redirection_id, &ci.dwRedirectionIDSize,
                          &ci.dwRedirectionIDOffset);
        ot_varbuf_put_str(&vb, c->redirection_name, &ci.dwRedirectionIDNameSize,
                          &ci.dwRedirectionIDNameOffset);
        ot_varbuf_put_str(&vb, c->redirecting_id, &ci.dwRedirectingIDSize,
                          &ci.dwRedirectingIDOffset);
        ot_varbuf_put_str(&vb, c->redirecting_name, &ci.dwRedirectingIDNameSize,
                          &ci.dwRedirectingIDNameOffset);
        struct ot_app *creator = c->creator ? ot_app_get(c->creator) : NULL;
        ot_varbuf_put_str(&vb, creator ? creator->name : NULL, &ci.dwAppNameSize,
                          &ci.dwAppNameOffset);
        ot_varbuf_put_str(&vb, c->origin == LINECALLORIGIN_OUTBOUND ? c->called_id : c->caller_id,
                          &ci.dwDisplayableAddressSize, &ci.dwDisplayableAddressOffset);
        ot_varbuf_put(&vb, c->remote_uui.data, c->remote_uui.len, &ci.dwUserUserInfoSize,
                      &ci.dwUserUserInfoOffset);
        ot_varbuf_put(&vb, c->call_data.data, c->call_data.len, &ci.dwCallDataSize,
                      &ci.dwCallDataOffset);
        ot_varbuf_put_str(&vb, c->cause, &ci.dwDevSpecificSize, &ci.dwDevSpecificOffset);
        ci.dwNeededSize = vb.needed;
        ci.dwUsedSize = vb.used;
        memcpy(lpCallInfo, &ci, fixed);
    }
out:
    ot_unlock();
    return rc;
}
