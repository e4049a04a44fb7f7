/* The SIP provider: the provider operations (application threads, core lock
 * held): lineMakeCall, lineDial, lineAnswer, lineAccept,
 * lineSendUserUserInfo, lineDrop (a conference's CONFDROP too), lineRedirect,
 * the closing of a call, the conference operations (lineSetupConference,
 * linePrepareAddToConference, lineAddToConference, lineRemoveFromConference),
 * and the provider table (ot_sip_provider) with the operations of the other
 * files (siphold.c, sipxfer.c, sipdigits.c, sipconf.c). */
#include <stdlib.h>

#include "sipint.h"

/* ---- provider operations (application threads, core lock held) ------------------ */
static struct sip_call *call_sc(struct ot_call *c) { return ot_call_drv(c); }

static LONG sp_make_call(struct ot_req *r, struct ot_call *c, const char *dest,
                          const LINECALLPARAMS *params, const void *uui, DWORD len)
{
    (void)params;
    struct sip_line *l = ot_linedev_drv(ot_call_linedev(c));
    if (!l || !l->nua)
        return LINEERR_OPERATIONFAILED;
    LONG admit = sip_outgoing_admitted(l);
    if (admit)
        return admit;
    struct sip_call *sc = sip_sc_new(l, c, false);
    if (!sc)
        return LINEERR_NOMEM;
    if (dest) {
        LONG rc = sip_sc_invite(sc, dest, uui, len, NULL);
        if (rc) {
            sip_sc_free(sc);
            return rc;
        }
    }
    ot_call_set_drv(c, sc);
    ot_req_complete(r, 0); /* the handle is valid before its first state */
    ot_ev_call_party(c, OT_PARTY_CALLER, l->user, l->display, false);
    if (!dest) {
        ot_ev_call_state(c, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
        return 0;
    }
    ot_ev_call_party(c, OT_PARTY_CALLED, dest, NULL, false);
    ot_ev_call_state(c, LINECALLSTATE_DIALING, 0);
    return 0;
}

static LONG sp_dial(struct ot_req *r, struct ot_call *c, const char *dest)
{
    struct sip_call *sc = call_sc(c);
    if (!sc || ot_call_state(c) != LINECALLSTATE_DIALTONE || sc->phase != PH_NONE)
        return LINEERR_OPERATIONUNAVAIL; /* no overlap dialling in SIP */
    LONG rc = sip_sc_invite(sc, dest, NULL, 0, NULL);
    if (rc)
        return rc;
    ot_req_complete(r, 0);
    ot_ev_call_party(c, OT_PARTY_CALLED, dest, NULL, false);
    ot_ev_call_state(c, LINECALLSTATE_DIALING, 0);
    return 0;
}

static LONG sp_answer(struct ot_req *r, struct ot_call *c, const void *uui, DWORD len)
{
    struct sip_call *sc = call_sc(c);
    if (!sc || sc->phase != PH_OFFERED || sc->answer_req)
        return LINEERR_INVALCALLSTATE;
    char *hdr, *sdp;
    LONG rc = sip_uui_header(uui, len, &hdr);
    if (!rc && (rc = sip_hold_answer_sdp(sc, &sdp)) != 0)
        free(hdr);
    if (rc)
        return rc;
    nua_respond(sc->nh, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR("application/sdp"),
                SIPTAG_PAYLOAD_STR(sdp ? sdp : sc->line->sdp),
                TAG_IF(hdr, SIPTAG_HEADER_STR(hdr)), TAG_END());
    free(hdr);
    free(sdp);
    /* CONNECTED, and the reply, when the ACK arrives (on_ready). */
    sc->phase = PH_ANSWERING;
    sc->answer_req = r;
    return 0;
}

static LONG sp_accept(struct ot_req *r, struct ot_call *c, const void *uui, DWORD len)
{
    struct sip_call *sc = call_sc(c);
    if (!sc || sc->phase != PH_OFFERED)
        return LINEERR_INVALCALLSTATE;
    char *hdr;
    LONG rc = sip_uui_header(uui, len, &hdr);
    if (rc)
        return rc;
    nua_respond(sc->nh, SIP_180_RINGING, TAG_IF(hdr, SIPTAG_HEADER_STR(hdr)), TAG_END());
    free(hdr);
    ot_ev_call_state(c, LINECALLSTATE_ACCEPTED, 0);
    ot_req_complete(r, 0);
    return 0;
}

static LONG sp_send_uui(struct ot_req *r, struct ot_call *c, const void *uui, DWORD len)
{
    struct sip_call *sc = call_sc(c);
    if (!sc || sc->phase != PH_CONFIRMED || ot_call_state(c) != LINECALLSTATE_CONNECTED)
        return LINEERR_OPERATIONUNAVAIL; /* INFO only in a confirmed dialog */
    char *hdr;
    struct sip_pending *p = malloc(sizeof(*p));
    LONG rc = p ? sip_uui_header(uui, len, &hdr) : (LONG)LINEERR_NOMEM;
    if (rc) {
        free(p);
        return rc;
    }
    nua_info(sc->nh, SIPTAG_HEADER_STR(hdr), TAG_END());
    free(hdr);
    p->req = r;
    ot_list_add_tail(&sc->infos, &p->link);
    return 0;
}

static LONG sp_drop(struct ot_req *r, struct ot_call *c, const void *uui, DWORD len)
{
    struct sip_call *sc = call_sc(c);
    DWORD s = ot_call_state(c);
    if (sc && (s == LINECALLSTATE_OFFERING || s == LINECALLSTATE_ACCEPTED) &&
        sc->phase == PH_OFFERED && !sc->line->cf->can_reject)
        return LINEERR_OPERATIONUNAVAIL;
    char *hdr;
    LONG rc = sip_uui_header(uui, len, &hdr);
    if (rc)
        return rc;
    if (!sc) {
        ot_ev_call_state(c, LINECALLSTATE_IDLE, 0);
    } else if (sc->is_parent) {
        /* CONFDROP: every party goes, one BYE each, each call its own IDLE. */
        sc->dropping = true;
        /* The members in creation order, then the consultation call (always
         * the newest): from the core's member list, not the line's calls. */
        struct ot_call *mc = ot_call_next_member(c, NULL);
        struct sip_call *consult = sc->conf_consult;
        while (mc || consult) {
            struct sip_call *m;
            if (mc) {
                m = ot_call_drv(mc);
                mc = ot_call_next_member(c, mc); /* before m leaves the list */
            } else {
                m = consult;
                consult = NULL;
            }
            if (!m || !m->call || (sip_conf_of(m) != sc && sc->conf_consult != m))
                continue;
            if (sip_sc_hangup(m, hdr) != 0) {
                ot_logc(OT_CAT_SIP, OTLOG_ERROR,
                        "call %u: out of memory keeping the drop's UUI, sent without it",
                        (unsigned)ot_call_id(m->call));
                sip_sc_hangup(m, NULL);
            }
            sip_sc_fail_requests(m, LINEERR_INVALCALLSTATE);
            if (sip_conf_of(m))
                ot_ev_call_conf_parent(m->call, NULL);
            ot_ev_call_state(m->call, LINECALLSTATE_IDLE, 0);
        }
        sip_set_consult(sc, NULL);
        sc->dropping = false;
        ot_ev_call_state(c, LINECALLSTATE_IDLE, 0);
    } else {
        rc = sip_sc_hangup(sc, hdr);
        if (rc) {
            free(hdr);
            return rc;
        }
        sip_sc_fail_requests(sc, LINEERR_INVALCALLSTATE);
        sip_sc_idle(sc);
    }
    free(hdr);
    ot_req_complete(r, 0);
    return 0;
}

static LONG sp_redirect(struct ot_req *r, struct ot_call *c, const char *dest)
{
    return sip_redirect(r, call_sc(c), dest);
}

static void sp_close_call(struct ot_call *c)
{
    struct sip_call *sc = call_sc(c);
    if (!sc)
        return;
    sip_sc_fail_requests(sc, LINEERR_INVALCALLSTATE);
    sip_gen_free(sc);
    /* The core let go while the dialog is still up (e.g. the line closed). */
    sip_sc_hangup(sc, NULL);
    struct sip_call *p = sip_consult_parent(sc);
    if (p)
        sip_set_consult(p, NULL);
    ot_call_set_drv(c, NULL);
    sc->call = NULL;
    sip_sc_maybe_free(sc);
}

/* ---- conference operations -------------------------------------------------------- */
struct sip_call *sip_parent_new(struct sip_line *l, struct ot_call *conf)
{
    struct sip_call *p = sip_sc_new(l, conf, false);
    if (p) {
        p->is_parent = true;
        l->ncalls--; /* no dialog of its own: not a call for max_calls */
    }
    return p;
}

static LONG sp_setup_conf(struct ot_req *r, struct ot_call *c, struct ot_call *conf,
                          struct ot_call *consult, DWORD nparties)
{
    struct sip_call *sc = call_sc(c);
    if (!sc || sc->is_parent || sc->phase != PH_CONFIRMED || sip_conf_of(sc) || sip_swap_busy(sc))
        return LINEERR_INVALCALLSTATE; /* a conference starts from a connected call */
    struct sip_line *l = sc->line;
    if (nparties > l->cf->max_conf)
        return LINEERR_CONFERENCEFULL;
    LONG admit = sip_outgoing_admitted(l);
    if (admit)
        return admit;
    struct sip_call *p = sip_parent_new(l, conf);
    struct sip_call *k = p ? sip_sc_new(l, consult, false) : NULL;
    if (!k) {
        if (p)
            sip_sc_free(p);
        return LINEERR_NOMEM;
    }
    ot_call_set_drv(conf, p);
    ot_call_set_drv(consult, k);
    sip_set_consult(p, k);
    ot_ev_call_party(consult, OT_PARTY_CALLER, l->user, l->display, false);
    ot_req_complete(r, 0);
    ot_sip_hold(sc, true, NULL); /* the party waits on hold, as on the switch */
    ot_ev_call_conf_parent(c, conf);
    ot_ev_call_state(c, LINECALLSTATE_CONFERENCED, 0);
    ot_ev_call_state(conf, LINECALLSTATE_ONHOLDPENDCONF, 0);
    ot_ev_call_state(consult, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    return 0;
}

static LONG sp_prepare_add(struct ot_req *r, struct ot_call *conf, struct ot_call *consult)
{
    struct sip_call *p = call_sc(conf);
    if (!p || !p->is_parent || p->conf_consult ||
        ot_call_state(conf) != LINECALLSTATE_CONNECTED)
        return LINEERR_INVALCALLSTATE;
    LONG admit = sip_outgoing_admitted(p->line);
    if (admit)
        return admit;
    struct sip_call *k = sip_sc_new(p->line, consult, false);
    if (!k)
        return LINEERR_NOMEM;
    ot_call_set_drv(consult, k);
    sip_set_consult(p, k);
    ot_ev_call_party(consult, OT_PARTY_CALLER, p->line->user, p->line->display, false);
    ot_req_complete(r, 0);
    sip_conf_hold_members(p, true);
    ot_ev_call_state(conf, LINECALLSTATE_ONHOLDPENDCONF, 0);
    ot_ev_call_state(consult, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    return 0;
}

static LONG sp_add_to_conf(struct ot_req *r, struct ot_call *conf, struct ot_call *consult)
{
    struct sip_call *p = call_sc(conf), *k = call_sc(consult);
    if (!p || !p->is_parent || !k || k->is_parent || k->line != p->line || sip_conf_of(k) ||
        sip_swap_busy(k) ||
        (k->phase != PH_CONFIRMED && k->phase != PH_CALLING))
        return LINEERR_INVALCALLSTATE;
    if (sip_consult_parent(k) && sip_consult_parent(k) != p)
        return LINEERR_INVALCALLSTATE; /* another conference's consultation call */
    if (sip_conf_members(p, NULL) + 1 >= p->line->cf->max_conf)
        return LINEERR_CONFERENCEFULL;
    if (p->conf_consult == k)
        sip_set_consult(p, NULL);
    ot_ev_call_conf_parent(consult, conf);
    sip_conf_hold_members(p, false); /* the new party too: it may have been held */
    ot_ev_call_state(consult, LINECALLSTATE_CONFERENCED, 0);
    ot_ev_call_state(conf, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    ot_req_complete(r, 0);
    return 0;
}

static LONG sp_remove_from_conf(struct ot_req *r, struct ot_call *c)
{
    struct sip_call *sc = call_sc(c);
    if (!sc || !sip_conf_of(sc) || ot_call_state(c) != LINECALLSTATE_CONFERENCED)
        return LINEERR_INVALCALLSTATE;
    /* dwRemoveFromConfState is IDLE: the removed party is dropped, one BYE. */
    sip_sc_hangup(sc, NULL);
    sip_sc_fail_requests(sc, LINEERR_INVALCALLSTATE);
    sip_sc_idle(sc);
    ot_req_complete(r, 0);
    return 0;
}

const struct ot_provider ot_sip_provider = {
    .size = sizeof(struct ot_provider),
    .name = "sip",
    .start = sp_start,
    .stop = sp_stop,
    .make_call = sp_make_call,
    .dial = sp_dial,
    .answer = sp_answer,
    .accept = sp_accept,
    .drop = sp_drop,
    .send_uui = sp_send_uui,
    .hold = sip_op_hold,
    .unhold = sip_op_unhold,
    .close_call = sp_close_call,
    .setup_conf = sp_setup_conf,
    .prepare_add = sp_prepare_add,
    .add_to_conf = sp_add_to_conf,
    .remove_from_conf = sp_remove_from_conf,
    .setup_transfer = sip_setup_transfer,
    .complete_transfer = sip_complete_transfer,
    .blind_transfer = sip_blind_transfer,
    .live_calls = sp_live_calls,
    .check_config = sip_check_config,
    .redirect = sp_redirect,
    .swap_hold = sip_op_swap_hold,
    /* every LINEFORWARDMODE_ from UNCOND to BUSYNASPECIFIC: the core matches
     * the variants, the line asks for UNCOND, BUSY and NOANSW */
    .forward_modes = 0xFFFFu,
    /* the referring party of a transferred call (sipxfer.c) */
    .redirecting_id_flags = LINECALLPARTYID_ADDRESS | LINECALLPARTYID_NAME,
    /* a transfer's progress in LINECALLINFO's DevSpecific text (sipxfer.c) */
    .call_info_states = LINECALLINFOSTATE_DEVSPECIFIC,
    .generate_digits = sip_generate_digits,
    .generate_cancel = sip_generate_cancel,
    .generate_digit_modes = LINEDIGITMODE_DTMF,
    .detect_digit_modes = LINEDIGITMODE_DTMF | LINEDIGITMODE_DTMFEND,
};
