/* lineDrop of the Kamailio provider (kam.c, docs/kamailio.md): a rejection
 * (603) of an offered call or an abandon (487) through tm.reply_callid, once
 * the callee's phone rings; a third-party drop of a connected call: the
 * dialog's data (dlg.dlg_list), a BYE to each phone (tm.t_uac_start), then
 * the dialog marked ended (dlg.set_state); and the "ended" event Kamailio
 * relays to the other opentapi processes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sip/sip.h"
#include "kamint.h"

/* ---- drops ---------------------------------------------------------------------- */
void kam_drop_done(struct kdrop *op)
{
    struct kdlg *d = op->d;
    int me = op->side, other = 1 - op->side;
    if (d->phase == KP_ENDED) {
        /* ended on its own meanwhile: nothing more to report */
        kam_set_state(d, me, LINECALLSTATE_IDLE, 0);
        return;
    }
    if (d->side[other].call && op->uui_len)
        ot_ev_call_uui(d->side[other].call, op->uui, op->uui_len);
    if (op->status) {
        d->await_final = true;
        kam_dlg_end(d, me, ot_sip_status_mode(op->status, op->cause));
    } else
        kam_dlg_end(d, me, LINEDISCONNECTMODE_NORMAL);
}

/* The application's answer (once). */
void kam_op_answer(struct kdrop *op, LONG result)
{
    if (op->req)
        ot_req_complete(op->req, result);
    op->req = NULL;
}

/* A request of op is over (answered, failed, or never sent). */
void kam_op_rpc_done(struct kdrop *op)
{
    if (--op->outstanding)
        return;
    kam_op_answer(op, op->failed ? LINEERR_OPERATIONFAILED : 0);
    if (op->d->drop == op)
        op->d->drop = NULL;
    free(op->hdrs);
    free(op->uui);
    free(op);
}

static struct krpc *op_rpc_doc(struct kdrop *op, enum krpc_kind kind, const char *method,
                               json_t *params, bool hold, json_t *extra)
{
    struct krpc *r = kam_rpc_send_doc(kind, method, params, hold, extra);
    if (!r)
        return NULL;
    r->op = op;
    op->outstanding++;
    op->d->rpc_pending++;
    return r;
}

static struct krpc *op_rpc(struct kdrop *op, enum krpc_kind kind, const char *method,
                           json_t *params, bool hold)
{
    return op_rpc_doc(op, kind, method, params, hold, NULL);
}

/* The "ended" event of a drop, which Kamailio relays to the other opentapi
 * processes once its last command succeeded: the final status sent to the
 * caller (a rejection), or none (BYEs), with the drop's UUI and Reason. */
json_t *kam_ended_event(const struct kdrop *op)
{
    char reason[40];
    snprintf(reason, sizeof(reason), "Q.850;cause=%d", op->cause);
    json_t *e = json_pack("{s:s, s:s, s:s, s:s, s:s}", "ev", "ended", "ci", op->d->ci, "ft",
                          op->d->ft, "by", K.tag, "reason", reason);
    if (e && op->status)
        json_object_set_new(e, "st", json_integer(op->status));
    char *u = op->uui_len ? ot_sip_uui_header(op->uui, op->uui_len) : NULL;
    const char *colon = u ? strchr(u, ':') : NULL;
    if (e && colon)
        json_object_set_new(e, "uui", json_string(colon + 2));
    free(u);
    return e;
}

/* "<sip:a;lr>,<sip:b;lr>": the first URI, or "." when the set is empty. */
static void first_route(const char *set, char *out, size_t n)
{
    const char *lt = set ? strchr(set, '<') : NULL, *gt = lt ? strchr(lt, '>') : NULL;
    if (!lt || !gt || (size_t)(gt - lt - 1) >= n) {
        snprintf(out, n, ".");
        return;
    }
    memcpy(out, lt + 1, (size_t)(gt - lt - 1));
    out[gt - lt - 1] = '\0';
}

/* One BYE within the dialog, from the leg `from` to the leg `to` (objects of
 * dlg.dlg_list: tag, contact, cseq, route_set, socket). */
static bool send_bye(struct kdrop *op, const char *ci, const char *from_uri, json_t *from,
                     const char *to_uri, json_t *to)
{
    const char *ftag = jstr(from, "tag"), *cseq = jstr(from, "cseq"), *ttag = jstr(to, "tag");
    const char *contact = jstr(to, "contact"), *routes = jstr(to, "route_set");
    const char *sock = jstr(to, "socket");
    if (!ftag || !ttag || !contact || !*contact)
        return false;
    char *end;
    unsigned long n = cseq ? strtoul(cseq, &end, 10) : 0;
    char hop[512];
    first_route(routes, hop, sizeof(hop));
    size_t len = strlen(from_uri) + strlen(to_uri) + strlen(ftag) + strlen(ttag) + strlen(ci) +
                 (routes ? strlen(routes) : 0) + strlen(op->hdrs) + 160;
    char *h = malloc(len);
    if (!h)
        return false;
    snprintf(h, len,
             "From: <%s>;tag=%s\r\nTo: <%s>;tag=%s\r\nCall-ID: %s\r\nCSeq: %lu BYE\r\n"
             "%s%s%sMax-Forwards: 70\r\n%s",
             from_uri, ftag, to_uri, ttag, ci, n + 1, routes && *routes ? "Route: " : "",
             routes && *routes ? routes : "", routes && *routes ? "\r\n" : "", op->hdrs);
    json_t *params = json_pack("[s,s,s,s,s]", "BYE", contact, hop,
                               sock && *sock ? sock : ".", h);
    free(h);
    return params && op_rpc(op, RPC_BYE, "tm.t_uac_start", params, false);
}

/* The dialog's data came: a BYE to each phone. */
void kam_send_byes(struct kdrop *op, json_t *result)
{
    json_t *dl = json_is_array(result) ? json_array_get(result, 0) : result;
    const char *ci = json_is_object(dl) ? jstr(dl, "call-id") : NULL;
    const char *fu = ci ? jstr(dl, "from_uri") : NULL, *tu = ci ? jstr(dl, "to_uri") : NULL;
    json_t *caller = ci ? json_object_get(dl, "caller") : NULL;
    json_t *callee = ci ? json_object_get(dl, "callee") : NULL;
    if (!fu || !tu || !json_is_object(caller) || !json_is_object(callee) ||
        !send_bye(op, ci, fu, caller, tu, callee) || !send_bye(op, ci, tu, callee, fu, caller)) {
        ot_log("kamailio: call %s: cannot build the BYEs from the dialog's data", op->d->ci);
        op->failed = true;
    }
}

/* The response of a rejection (tm.reply_callid), or NULL. */
static struct krpc *send_reject(struct kdrop *op)
{
    struct kdlg *d = op->d;
    char tag[40];
    snprintf(tag, sizeof(tag), "ot%lx.%lu", (unsigned long)getpid(), ++K.next_tag);
    json_t *params = json_pack("[i,s,s,s,s,s]", op->status,
                               op->status == 603 ? "Decline" : "Request Terminated", d->ci,
                               d->cseq, tag, op->hdrs);
    return params ? op_rpc_doc(op, RPC_REJECT, "tm.reply_callid", params, false,
                               kam_ended_event(op))
                  : NULL;
}

/* dlg.dlg_list of an offered call, before it is rejected: tm answers the
 * caller and kills the callee's branch without a CANCEL when that branch has
 * no provisional response yet; so the rejection waits until the dialog
 * module has seen the phone ring (state 2, early), asking again every
 * 20 ms, at most 50 times (then it goes anyway). */
void kam_reject_when_ringing(struct kdrop *op, json_t *result)
{
    json_t *dl = json_is_array(result) ? json_array_get(result, 0) : result;
    long long state = 0;
    if (!json_is_object(dl) || !jint(dl, "state", &state)) {
        op->failed = true;
        return;
    }
    if (state >= 2 || ++op->checks > 50) {
        if (!send_reject(op))
            op->failed = true;
        return;
    }
    struct kdlg *d = op->d;
    json_t *params = json_pack("[s,s]", d->ci, d->ft);
    struct krpc *r = params ? op_rpc(op, RPC_EARLYCHECK, "dlg.dlg_list", params, true) : NULL;
    if (!r) {
        op->failed = true;
        return;
    }
    r->send_at_ms = now_ms() + 20;
    r->deadline_ms = r->send_at_ms + K.rpc_timeout_ms;
}

/* ---- operations ------------------------------------------------------------------ */
static char *uui_and_reason(const void *uui, DWORD len, int cause)
{
    char *u = len ? ot_sip_uui_header(uui, len) : NULL;
    if (len && !u)
        return NULL;
    size_t n = (u ? strlen(u) + 2 : 0) + 40;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%sReason: Q.850;cause=%d\r\n", u ? u : "", u ? "\r\n" : "", cause);
    free(u);
    return s;
}

LONG kam_drop(struct ot_req *req, struct ot_call *c, const void *uui, DWORD len)
{
    struct kside *s = ot_call_drv(c);
    if (!s)
        return LINEERR_INVALCALLSTATE;
    struct kdlg *d = s->d;
    int me = (int)(s - d->side);
    if (d->phase == KP_ENDED) {
        ot_ev_call_state(c, LINECALLSTATE_IDLE, 0);
        ot_req_complete(req, 0);
        return 0;
    }
    if (!K.synced)
        return LINEERR_OPERATIONFAILED; /* Kamailio out of reach: nothing was done */
    if (d->drop)
        return LINEERR_INVALCALLSTATE; /* a drop is on its way */
    const struct ot_line_conf *cf = ot_linedev_conf(ot_call_linedev(c));
    struct kdrop *op = calloc(1, sizeof(*op));
    if (!op)
        return LINEERR_NOMEM;
    op->d = d;
    op->side = me;
    op->cause = OT_SIP_Q850_NORMAL;
    LONG rc = LINEERR_NOMEM;
    if (d->phase != KP_CONFIRMED) {
        /* not answered yet: the proxy answers the caller itself, and cancels
         * the ringing branch.  On the callee's line that is a rejection
         * (603), on the caller's an abandon (487). */
        rc = LINEERR_OPERATIONUNAVAIL;
        if (me == 1 && !cf->can_reject)
            goto fail;
        rc = LINEERR_OPERATIONFAILED;
        if (!d->cseq[0])
            goto fail;
        op->status = me == 1 ? 603 : 487;
        op->cause = me == 1 ? 21 : OT_SIP_Q850_NORMAL;
    }
    rc = LINEERR_NOMEM;
    op->hdrs = uui_and_reason(uui, len, op->cause);
    if (!op->hdrs || (len && !(op->uui = malloc(len))))
        goto fail;
    if (len)
        memcpy(op->uui, uui, len);
    op->uui_len = len;
    /* both start with the dialog's data: a rejection to see whether the
     * phone rings yet, a drop for the BYEs */
    json_t *params = json_pack("[s,s]", d->ci, d->ft);
    rc = LINEERR_OPERATIONFAILED;
    if (!params || !op_rpc(op, op->status ? RPC_EARLYCHECK : RPC_DLGINFO, "dlg.dlg_list", params,
                           !op->status && !d->acked))
        goto fail;
    op->req = req;
    d->drop = op;
    return 0;
fail:
    free(op->hdrs);
    free(op->uui);
    free(op);
    return rc;
}

