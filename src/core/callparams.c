/* Call data and parameters: lineSetCallData, lineSetMediaMode,
 * lineSetCallParams, lineSetCallTreatment.  They change what LINECALLINFO
 * reports and tell the applications that hold the call (LINE_CALLINFO);
 * nothing here goes to the far end, so they work on every provider. */
#include <stdlib.h>
#include <string.h>

#include "ot.h"
#include "rpc.h"
#include "precond.h"

/* The media modes our lines carry (LINEDEVCAPS.dwMediaModes). */
#define OT_CALL_MEDIA                                                                          \
    (LINEMEDIAMODE_INTERACTIVEVOICE | LINEMEDIAMODE_UNKNOWN | LINEMEDIAMODE_AUTOMATEDVOICE)

/* Asynchronous, any state but IDLE: the change is made at once, then LINE_CALLINFO(CALLDATA)
 * goes to every application with a handle to the call (this one too), then
 * the LINE_REPLY. */
LONG lineSetCallData(HCALL hCall, LPVOID lpCallData, DWORD dwSize)
{
    OT_REMOTE(lineSetCallData, hCall, lpCallData, dwSize);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = ot_precheck(OT_FN_SETCALLDATA, hCall, NULL, 0, &r);
    if (rc)
        goto out;
    if (dwSize && !lpCallData) {
        rc = LINEERR_INVALPOINTER;
        goto out;
    }
    if (dwSize > OT_CALL_DATA_MAX) { /* LINEADDRESSCAPS.dwMaxCallDataSize */
        rc = LINEERR_INVALPARAM;
        goto out;
    }
    {
        struct ot_call *c = r->call;
        unsigned char *copy = NULL;
        if (dwSize && !(copy = malloc(dwSize))) {
            rc = LINEERR_NOMEM;
            goto out;
        }
        struct ot_req *q = ot_req_new(r->open, OT_REQ_GENERIC);
        if (!q) {
            free(copy);
            rc = LINEERR_NOMEM;
            goto out;
        }
        if (dwSize)
            memcpy(copy, lpCallData, dwSize);
        free(c->call_data.data);
        c->call_data.data = copy;
        c->call_data.len = dwSize;
        rc = q->id;
        ot_call_post_callinfo(c, LINECALLINFOSTATE_CALLDATA, NULL);
        ot_req_complete(q, 0);
    }
out:
    ot_unlock();
    return rc;
}

/* Synchronous, any state (Microsoft); LINE_CALLINFO(MEDIAMODE) to every
 * application with a handle when the mode changes. */
LONG lineSetMediaMode(HCALL hCall, DWORD dwMediaModes)
{
    OT_REMOTE(lineSetMediaMode, hCall, dwMediaModes);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = ot_precheck(OT_FN_SETMEDIAMODE, hCall, NULL, 0, &r);
    if (rc)
        goto out;
    /* One mode, or UNKNOWN with the modes it may still turn out to be. */
    if (!dwMediaModes || (dwMediaModes & ~(DWORD)OT_CALL_MEDIA) ||
        (!(dwMediaModes & LINEMEDIAMODE_UNKNOWN) && (dwMediaModes & (dwMediaModes - 1)))) {
        rc = LINEERR_INVALMEDIAMODE;
        goto out;
    }
    {
        struct ot_call *c = r->call;
        DWORD old = c->media_mode ? c->media_mode : LINEMEDIAMODE_INTERACTIVEVOICE;
        c->media_mode = dwMediaModes;
        if (old != dwMediaModes) {
            ot_call_post_callinfo(c, LINECALLINFOSTATE_MEDIAMODE, NULL);
            /* the far end's call takes the mode (LINE_MONITORMEDIA there) */
            if (c->ld->prov->media_mode_changed && !c->provider_closed)
                c->ld->prov->media_mode_changed(c, dwMediaModes);
        }
    }
out:
    ot_unlock();
    return rc;
}

/* Our lines have one bearer mode (voice), no data rate and no settable
 * dialing parameters (LINEDEVCAPS dwBearerModes, dwMaxRate 0, Min/MaxDialParams
 * all 0): the only parameters a call can be given are the ones it has, and
 * anything else gets the error Microsoft documents for it. */
LONG lineSetCallParams(HCALL hCall, DWORD dwBearerMode, DWORD dwMinRate, DWORD dwMaxRate,
                       LPLINEDIALPARAMS const lpDialParams)
{
    OT_REMOTE(lineSetCallParams, hCall, dwBearerMode, dwMinRate, dwMaxRate, lpDialParams);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = ot_precheck(OT_FN_SETCALLPARAMS, hCall, NULL, 0, &r);
    if (rc)
        goto out;
    if (!dwBearerMode || (dwBearerMode & (dwBearerMode - 1)))
        rc = LINEERR_INVALBEARERMODE;
    else if (dwBearerMode != LINEBEARERMODE_VOICE)
        rc = LINEERR_BEARERMODEUNAVAIL;
    else if (dwMinRate > dwMaxRate)
        rc = LINEERR_INVALRATE;
    else if (dwMaxRate != 0)
        rc = LINEERR_RATEUNAVAIL;
    else if (lpDialParams && (lpDialParams->dwDialPause || lpDialParams->dwDialSpeed ||
                              lpDialParams->dwDigitDuration || lpDialParams->dwWaitForDialtone))
        rc = LINEERR_INVALPARAM; /* outside LINEDEVCAPS Min/MaxDialParams */
    if (rc)
        goto out;
    {
        struct ot_req *q = ot_req_new(r->open, OT_REQ_GENERIC);
        if (!q) {
            rc = LINEERR_NOMEM;
            goto out;
        }
        rc = q->id;
        /* The call already has exactly these parameters: no LINE_CALLINFO. */
        ot_req_complete(q, 0);
    }
out:
    ot_unlock();
    return rc;
}

/* The switch plays no treatments (silence, ringback, busy, music) to
 * unanswered calls: LINEADDRESSCAPS.dwNumCallTreatments is 0. */
LONG lineSetCallTreatment(HCALL hCall, DWORD dwTreatment)
{
    OT_REMOTE(lineSetCallTreatment, hCall, dwTreatment);
    (void)dwTreatment;
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = ot_precheck(OT_FN_SETTREATMENT, hCall, NULL, 0, &r);
    ot_unlock();
    return rc ? rc : (LONG)LINEERR_OPERATIONUNAVAIL;
}
