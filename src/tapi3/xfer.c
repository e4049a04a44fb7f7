/* ITBasicCallControl's transfers and handoffs on the line API:
 *   Transfer(consult, fSync)   lineSetupTransfer on this call (it goes
 *                              ONHOLDPENDTRANSFER: CS_HOLD), the consultation
 *                              call gets the new handle and dials its
 *                              CreateCall destination (fSync: until it is
 *                              connected); Finish(FM_ASTRANSFER) on the
 *                              consultation call = lineCompleteTransfer
 *                              (TRANSFER: both calls CS_DISCONNECTED),
 *                              Finish(FM_ASCONFERENCE) = the same as a
 *                              conference of the three;
 *   BlindTransfer(dest)        lineBlindTransfer (the call CS_DISCONNECTED);
 *   HandoffDirect(name)        lineHandoff to the application of that name,
 *   HandoffIndirect(type)      ... or by media type; then this application
 *                              keeps the call as a monitor (it "no longer
 *                              needs ownership").
 * Errors are Microsoft's: E_INVALIDARG for a consultation call that is not
 * one (or has no destination), E_POINTER for a NULL string, E_FAIL when the
 * address cannot transfer (LINEADDRESSCAPS dwTransferModes / the
 * BLINDTRANSFER call feature), TAPI_E_TARGETNOTFOUND / TAPI_E_TARGETSELF
 * for a handoff nobody can take. */
#include "t3.h"

/* The line says it cannot: the feature is not there (E_FAIL, Microsoft's
 * "transfers not supported"). */
static HRESULT not_there(HRESULT hr) { return hr == TAPI_E_NOTSUPPORTED ? E_FAIL : hr; }

HRESULT ot3_transfer(struct ot3_call *c, ITBasicCallControl *pCall, VARIANT_BOOL fSync)
{
    struct ot3_tapi *t = c->tapi;
    struct ot3_call *k = pCall ? ot3_call_from(pCall) : NULL;
    if (!k || k == c || k->tapi != t || k->addr != c->addr)
        return E_INVALIDARG;
    ot3_lock(t);
    HRESULT hr = ot3_owner_may(c, c->state == CS_CONNECTED && !c->busy);
    if (hr == S_OK && (!k->outgoing || k->state != CS_IDLE || k->hcall || k->busy ||
                       k->consult_of))
        hr = TAPI_E_INVALCALLSTATE;
    if (hr == S_OK && !k->dest[0])
        hr = E_INVALIDARG; /* nowhere to consult */
    if (hr == S_OK && !(c->addr->transfer_modes & LINETRANSFERMODE_TRANSFER))
        hr = E_FAIL;
    struct ot3_req *q = NULL;
    if (hr == S_OK && !(q = ot3_req_new(OT3_REQ_PREPAREADD)))
        hr = E_OUTOFMEMORY;
    if (hr != S_OK) {
        ot3_unlock(t);
        return hr;
    }
    q->call = k;
    ot3_call_addref(k);
    q->open = c->open;
    k->consult_of = c;
    k->xfer = true;
    ot3_call_addref(c);
    LONG id = lineSetupTransfer(c->hcall, &q->out1, NULL);
    c->busy = k->busy = true;
    hr = not_there(ot3_req_run(t, q, id));
    if (hr == S_OK)
        hr = ot3_dial_consult(t, k, fSync);
    c->busy = k->busy = false;
    pthread_cond_broadcast(&t->cond);
    if (hr != S_OK && !k->hcall) {
        ot3_call_unref_locked(t, k->consult_of); /* c: the application holds it */
        k->consult_of = NULL;
        k->xfer = false;
    }
    ot3_unlock(t);
    return hr;
}

HRESULT ot3_finish_transfer(struct ot3_call *k, FINISH_MODE mode)
{
    struct ot3_tapi *t = k->tapi;
    struct ot3_call *c = k->consult_of;
    HRESULT hr = S_OK;
    if (!c || !c->hcall || !k->hcall || k->busy || c->state != CS_HOLD)
        hr = TAPI_E_INVALCALLSTATE;
    else if (mode == FM_ASCONFERENCE && !(c->addr->transfer_modes & LINETRANSFERMODE_CONFERENCE))
        hr = E_FAIL;
    struct ot3_req *q = NULL;
    if (hr == S_OK && !(q = ot3_req_new(mode == FM_ASTRANSFER ? OT3_REQ_GENERIC
                                                               : OT3_REQ_XFERCONF)))
        hr = E_OUTOFMEMORY;
    if (hr != S_OK)
        return hr;
    q->call = k;
    ot3_call_addref(k);
    LONG id = mode == FM_ASTRANSFER
                  ? lineCompleteTransfer(c->hcall, k->hcall, NULL, LINETRANSFERMODE_TRANSFER)
                  : lineCompleteTransfer(c->hcall, k->hcall, &q->out1,
                                         LINETRANSFERMODE_CONFERENCE);
    hr = not_there(ot3_req_run(t, q, id));
    if (hr == S_OK && mode == FM_ASCONFERENCE)
        k->xfer = false; /* a conference party now, as Conference's */
    return hr;
}

HRESULT ot3_blind_transfer(struct ot3_call *c, BSTR dest)
{
    struct ot3_tapi *t = c->tapi;
    if (!dest)
        return E_POINTER;
    ot3_lock(t);
    HRESULT hr = ot3_owner_may(c, c->state == CS_CONNECTED && !c->busy);
    if (hr == S_OK && !(c->addr->call_features & LINECALLFEATURE_BLINDTRANSFER))
        hr = E_FAIL;
    struct ot3_req *q = ot3_generic_req(&hr);
    if (q)
        hr = not_there(ot3_req_run(t, q, lineBlindTransfer(c->hcall, dest, 0)));
    ot3_unlock(t);
    return hr;
}

/* TAPIMEDIATYPE_ (one) -> the LINEMEDIAMODE_ lineHandoff looks for. */
static DWORD line_mode_of(LONG media)
{
    switch ((DWORD)media) {
    case TAPIMEDIATYPE_AUDIO:
        return LINEMEDIAMODE_INTERACTIVEVOICE;
    case TAPIMEDIATYPE_DATAMODEM:
        return LINEMEDIAMODE_DATAMODEM;
    case TAPIMEDIATYPE_G3FAX:
        return LINEMEDIAMODE_G3FAX;
    case TAPIMEDIATYPE_VIDEO:
        return LINEMEDIAMODE_VIDEO;
    default:
        return 0;
    }
}

HRESULT ot3_handoff(struct ot3_call *c, bool direct, BSTR name, LONG media)
{
    struct ot3_tapi *t = c->tapi;
    DWORD mode = 0;
    if (direct && !name)
        return E_POINTER;
    if (!direct) {
        mode = line_mode_of(media);
        if (!mode)
            return TAPI_E_INVALIDMEDIATYPE;
    } else if (!name[0])
        return E_INVALIDARG;
    ot3_lock(t);
    HRESULT hr = ot3_owner_may(c, c->state != CS_DISCONNECTED && !c->busy);
    if (hr == S_OK) {
        hr = ot3_hr(lineHandoff(c->hcall, name, mode));
        /* It was given away: this application watches it from now on. */
        if (hr == S_OK && lineSetCallPrivilege(c->hcall, LINECALLPRIVILEGE_MONITOR) == 0)
            c->priv = CP_MONITOR;
    }
    ot3_unlock(t);
    return hr;
}
