/* The SIP provider: the NUA callback (provider thread) and the events it
 * dispatches: an incoming INVITE (admission, offering), the responses to our
 * INVITE, BYE, CANCEL, INFO, the end of a dialog and the responses to
 * REGISTER; re-INVITEs go to siphold.c, REFER and NOTIFY to sipxfer.c.  The
 * callback takes the core lock for the whole event, unless the provider is
 * being torn down (sip.c). */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipint.h"

/* ---- NUA events (provider thread, core lock held) ---------------------------------- */
/* A Contact Sofia-SIP can send the dialog's requests to: a SIP or SIPS URI
 * (RFC 3261 8.1.1.8, 12.1).  Sofia-SIP fails every request to any other
 * target at once, and 1.12.11 answers such a failed BYE of its own with
 * another, without end (docs/sip.md): such a dialog is not kept.  Without a
 * Contact the target does not change (a re-INVITE, an UPDATE); an INVITE
 * that starts a call must have one. */
static bool contact_usable(const sip_t *sip, bool required)
{
    if (!sip || !sip->sip_contact)
        return !required;
    enum url_type_e t = sip->sip_contact->m_url->url_type;
    return t == url_sip || t == url_sips;
}

/* A re-INVITE or UPDATE of the peer moved the dialog's target to a URI
 * Sofia-SIP cannot send to: the call ends here, with our BYE, which Sofia
 * fails at once and so ends the dialog (its own BYE would not end). */
static bool target_lost(struct sip_call *sc, nua_handle_t *nh, const sip_t *sip, bool reinvite)
{
    if (contact_usable(sip, false))
        return false;
    ot_logc(OT_CAT_SIP, OTLOG_WARN, "call %u: the peer's new Contact is not a SIP URI: ended",
            sc->call ? (unsigned)ot_call_id(sc->call) : 0u);
    if (reinvite)
        nua_respond(nh, 400, "Contact Not a SIP URI", TAG_END());
    if (sip_sc_hangup(sc, NULL) == 0)
        sip_sc_disconnect(sc, LINEDISCONNECTMODE_UNAVAIL);
    return true;
}

static void on_invite(struct sip_line *l, nua_handle_t *nh, const sip_t *sip)
{
    struct sip_call *old = NULL;
    if (!contact_usable(sip, true)) {
        ot_logc(OT_CAT_SIP, OTLOG_INFO, "line %u: INVITE whose Contact is not a SIP URI: 400",
                (unsigned)l->id);
        nua_respond(nh, 400, "Contact Not a SIP URI", TAG_END());
        nua_handle_destroy(nh);
        return;
    }
    if (!sip_invite_admitted(l, nh, sip) || !sip_xfer_check_replaces(l, nh, sip, &old))
        return;
    struct sip_call *sc = sip_sc_new(l, NULL, true);
    if (!sc) {
        nua_respond(nh, SIP_500_INTERNAL_SERVER_ERROR, TAG_END());
        nua_handle_destroy(nh);
        return;
    }
    nua_handle_bind(nh, sc);
    sip_sc_set_handle(sc, nh);
    sc->phase = PH_OFFERED;
    struct ot_call *c = ot_ev_new_call(l->ld, 0, LINECALLORIGIN_EXTERNAL, sc);
    if (!c) {
        ot_logc(OT_CAT_SIP, OTLOG_ERROR, "out of memory offering a call on line %u",
                (unsigned)l->id);
        nua_respond(nh, SIP_500_INTERNAL_SERVER_ERROR, TAG_END());
        sc->phase = PH_ENDING;
        return; /* freed when NUA reports the dialog terminated */
    }
    sc->call = c;
    if (sip) {
        sip_party_from_addr(c, OT_PARTY_CALLER, sip->sip_from, false);
        sip_party_from_addr(c, OT_PARTY_CALLED, sip->sip_to, false);
        sip_redirect_read(c, sip); /* P-Asserted-Identity, Diversion, History-Info */
    }
    sip_xfer_incoming(sc, sip, old);
    /* UUI that came with the INVITE is in LINECALLINFO when OFFERING arrives. */
    bool dropped = sip_report_uui(sc, sip);
    sip_hold_offer(sc, sip); /* a call that starts on hold */
    ot_ev_call_state(c, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE);
    if (dropped) /* announced once the call has handles */
        ot_ev_call_info(c, LINECALLINFOSTATE_DEVSPECIFIC);
    if (!ot_call_has_owner(c)) {
        /* Nobody could answer (the line is not open with owner privilege). */
        nua_respond(nh, SIP_480_TEMPORARILY_UNAVAILABLE, SIPTAG_REASON_STR("Q.850;cause=18"),
                    TAG_END());
        sc->phase = PH_ENDING;
        ot_ev_call_state(c, LINECALLSTATE_IDLE, 0);
    } else if (!sip_xfer_answer_replacing(sc)) {
        sip_forward_arm(sc, sip); /* lineForward on no answer */
        sip_ring_start(sc);
    }
}

bool sip_auth_reply(struct sip_line *l, nua_handle_t *nh, const sip_t *sip)
{
    if (!l->password || !sip)
        return false;
    const msg_auth_t *au = sip->sip_www_authenticate ? sip->sip_www_authenticate
                                                     : sip->sip_proxy_authenticate;
    if (!au || !au->au_scheme)
        return false;
    const char *realm = msg_params_find(au->au_params, "realm=");
    if (!realm)
        return false;
    size_t n = strlen(au->au_scheme) + strlen(realm) + strlen(l->username) +
               strlen(l->password) + 8;
    char *cred = malloc(n);
    if (!cred)
        return false;
    /* scheme:"realm":user:password; the realm parameter keeps its quotes. */
    snprintf(cred, n, "%s:%s%s%s:%s:%s", au->au_scheme, realm[0] == '"' ? "" : "\"", realm,
             realm[0] == '"' ? "" : "\"", l->username, l->password);
    nua_authenticate(nh, NUTAG_AUTH(cred), TAG_END());
    free(cred);
    return true;
}

static void on_r_invite(struct sip_call *sc, int status, const char *phrase, const sip_t *sip)
{
    struct ot_call *c = sc->call;
    if (status == 100 && sip && sip->sip_status && sip->sip_status->st_status != 100)
        return; /* NUA restarting the request (e.g. with credentials) */
    if (sc->phase == PH_ENDING) {
        if (status >= 200 && status < 300 && sc->cancelled) {
            /* A 2xx crossed our CANCEL.  NUA has sent the ACK; the BYE that
             * follows carries the UUI the application gave to lineDrop. */
            sip_sc_late_bye(sc);
        }
        return;
    }
    if (sc->phase != PH_CALLING)
        return;
    if (status < 300 && sc->referrer)
        sip_xfer_progress(sc, status, phrase); /* NOTIFY the referrer (sipxfer.c) */
    if (status < 200) {
        if (!c)
            return;
        DWORD s = ot_call_state(c);
        if (status > 100)
            sip_report_uui(sc, sip); /* e.g. lineAccept's UUI in a 180 */
        if (status == 180 || status == 183)
            ot_ev_call_state(c, LINECALLSTATE_RINGBACK, 0);
        else if (s == LINECALLSTATE_DIALING)
            ot_ev_call_state(c, LINECALLSTATE_PROCEEDING, 0);
        return;
    }
    if (status < 300) {
        sc->phase = PH_CONFIRMED;
        if (c) {
            sip_report_uui(sc, sip); /* lineAnswer's UUI */
            if (sip)
                sip_party_from_addr(c, OT_PARTY_CONNECTED, sip->sip_to, true);
            ot_ev_call_state(c, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        }
        return;
    }
    if (status == 401 || status == 407)
        sc->challenged = status;
    if ((status == 401 || status == 407) && sc->auth_tries++ < 2 &&
        sip_auth_reply(sc->line, sc->nh, sip))
        return;
    sc->phase = PH_DONE;
    if (sc->referrer)
        sip_xfer_progress(sc, status, phrase);
    if (c) {
        int q = sip_reason_q850(sip);
        /* Sofia answers a repeated challenge for credentials it already sent
         * with its own 904 (no matching challenge): the proxy refused them,
         * which is the challenge's status for the application. */
        int st = status == 904 && sc->challenged ? sc->challenged : status;
        /* Made by our own stack (NTA flags its responses), not the peer's. */
        bool local = !sip || nta_sip_is_internal(sip);
        DWORD mode = local ? ot_sip_local_status_mode(st, phrase) : 0;
        if (!mode)
            mode = ot_sip_status_mode(st, q);
        char cause[160];
        snprintf(cause, sizeof(cause), "SIP %d %.100s%s", st, phrase ? phrase : "",
                 local ? " (local)" : "");
        ot_ev_call_cause(c, cause);
        if (st >= 300 && st < 400)
            sip_redirect_response(c, sip); /* reported, not followed */
        sip_report_uui(sc, sip);
        if (mode == LINEDISCONNECTMODE_BUSY)
            ot_ev_call_state(c, LINECALLSTATE_BUSY,
                             status == 600 ? LINEBUSYMODE_UNKNOWN : LINEBUSYMODE_STATION);
        sip_sc_disconnect(sc, mode);
    }
    if (status == 401 || status == 407)
        sip_sc_release_handle(sc); /* NUA waits for credentials that will not come */
}

static void on_bye(struct sip_call *sc, const sip_t *sip)
{
    sc->bye_on_ack = false; /* the far end ended the dialog first */
    if (sc->phase == PH_ENDING || sc->phase == PH_DONE)
        return; /* our own BYE crossed it: the call is already IDLE */
    sc->phase = PH_DONE;
    if (!sc->call || sip_xfer_absorb_bye(sc))
        return;
    sip_report_uui(sc, sip);
    sip_sc_disconnect(sc, ot_sip_bye_mode(sip_reason_q850(sip)));
}

static void on_cancel(struct sip_call *sc, const sip_t *sip)
{
    if (sc->phase != PH_OFFERED && sc->phase != PH_ANSWERING)
        return;
    sc->phase = PH_DONE;
    /* An answer that lost the race against the CANCEL fails. */
    sip_sc_fail_requests(sc, LINEERR_INVALCALLSTATE);
    if (sc->call && ot_call_state(sc->call) != LINECALLSTATE_IDLE) {
        sip_report_uui(sc, sip);
        sip_sc_idle(sc);
    }
}

static void on_info(struct sip_call *sc, const sip_t *sip)
{
    if (!sc->call || ot_call_state(sc->call) == LINECALLSTATE_IDLE)
        return;
    if (sip_info_is_dtmf(sip)) { /* NUA answers it 200 OK, malformed or not */
        sip_count_dtmf(sip_dtmf_received(sc, sip));
        return;
    }
    sip_cnt_add(&sip_counters()->infos_received, 1);
    sip_report_uui(sc, sip);
}

static void on_r_info(struct sip_call *sc, int status)
{
    if (status < 200 || ot_list_empty(&sc->infos))
        return;
    struct sip_pending *p = ot_container_of(sc->infos.next, struct sip_pending, link);
    ot_list_del(&p->link);
    struct ot_req *r = p->req;
    free(p);
    if (r)
        ot_req_complete(r, status < 300 ? 0 : LINEERR_OPERATIONFAILED);
    else
        sip_dtmf_response(sc, status);
}

static void on_ready(struct sip_call *sc)
{
    if (sc->bye_on_ack) {
        /* The ACK of a 200 OK the application dropped (or let go) before
         * it came: now the BYE it asked for. */
        sc->bye_on_ack = false;
        sip_sc_late_bye(sc);
        return;
    }
    if (sc->phase != PH_ANSWERING)
        return;
    sc->phase = PH_CONFIRMED;
    if (sc->call) {
        ot_ev_call_state(sc->call, LINECALLSTATE_CONNECTED, sip_connected_mode(sc));
        if (sc->answer_req) {
            struct ot_req *r = sc->answer_req;
            sc->answer_req = NULL;
            ot_req_complete(r, 0);
        }
    }
    sip_xfer_on_ready(sc); /* a replacing call: the replaced one ends */
}

/* The dialog is over on the SIP side: whatever the call has not been told
 * yet (an ACK that never came, a transport failure) becomes DISCONNECTED, and
 * the handle goes back to NUA. */
static void on_terminated(struct sip_call *sc, int status)
{
    enum sip_phase was = sc->phase;
    sc->phase = PH_DONE;
    sc->bye_on_ack = false; /* no ACK came: no BYE is needed (RFC 3261 13.3.1.4) */
    sip_sc_fail_requests(sc, LINEERR_OPERATIONFAILED);
    if (sc->call && was != PH_ENDING && was != PH_DONE) {
        ot_logc(OT_CAT_SIP, OTLOG_INFO,
                "call %u: dialog ended (%d) without a BYE or final response",
                (unsigned)ot_call_id(sc->call), status);
        sip_sc_disconnect(sc, status >= 300 ? ot_sip_status_mode(status, -1)
                                        : LINEDISCONNECTMODE_UNAVAIL);
    }
    sip_sc_release_handle(sc);
    sip_sc_maybe_free(sc);
}

static void on_register(struct sip_line *l, nua_event_t ev, int status, const sip_t *sip)
{
    if (ev == nua_r_unregister || status < 200)
        return;
    l->reg_pending = false; /* stop() reads it (under the core lock) */
    if (status < 300) {
        l->reg_auth_tries = 0;
        if (!l->registered) {
            l->registered = true;
            sip_cnt_add(&sip_counters()->registered, 1);
        }
        return;
    }
    if ((status == 401 || status == 407) && l->reg_auth_tries++ < 2 &&
        sip_auth_reply(l, l->reg_nh, sip)) {
        l->reg_pending = true;
        return;
    }
    ot_logc(OT_CAT_SIP, OTLOG_WARN, "line %u: registration at %s failed: %d", (unsigned)l->id,
            l->registrar, status);
    if (l->registered) {
        l->registered = false;
        sip_cnt_add(&sip_counters()->registered, -1);
    }
    sip_cnt_add(&sip_counters()->register_failed, 1);
}

void sip_provider_event(nua_event_t ev, int status, char const *phrase, nua_t *nua,
                        struct sip_line *l, nua_handle_t *nh, struct sip_call *sc,
                        sip_t const *sip, tagi_t tags[])
{
    if (atomic_load(&sip_detached)) {
        sip_detached_event(ev, status, l, sc, tags);
        return;
    }
    ot_lock();
    if (atomic_load(&sip_detached)) {
        /* stop() began while we waited for the lock. */
        ot_unlock();
        sip_detached_event(ev, status, l, sc, tags);
        return;
    }
    /* sc->call is read under the lock: an application thread clears it
     * (close_call) and the core may free the call right after. */
    ot_logc(OT_CAT_SIP, OTLOG_DEBUG, "line %u: %s %d %s (call %u)", l ? (unsigned)l->id : 0u,
            nua_event_name(ev), status, phrase ? phrase : "",
            sc && sc->call ? (unsigned)ot_call_id(sc->call) : 0u);
    switch (ev) {
    case nua_i_invite:
        if (!sc)
            on_invite(l, nh, sip);
        else if (target_lost(sc, nh, sip, true))
            break;
        else if (sc->phase == PH_CONFIRMED) { /* re-INVITE (refresh, hold): siphold.c */
            sip_hold_i_invite(sc, nh, sip);
            sip_cnt_add(&sip_counters()->reinvites_received, 1);
        }
        else
            nua_respond(nh, SIP_491_REQUEST_PENDING, TAG_END());
        break;
    case nua_r_invite:
        if (sc && sip_hold_r_invite(sc, status, phrase, sip)) {
            if (status >= 200)
                sip_cnt_add(&sip_counters()->reinvites_answered, 1);
        } else if (sc)
            on_r_invite(sc, status, phrase, sip);
        break;
    case nua_i_state:
        if (sc) {
            int cs = -1;
            tl_gets(tags, NUTAG_CALLSTATE_REF(cs), TAG_END());
            if (cs == nua_callstate_ready)
                on_ready(sc);
            else if (cs == nua_callstate_terminated)
                on_terminated(sc, status);
        }
        break;
    case nua_i_update: /* answered by NUA */
        if (sc)
            (void)target_lost(sc, nh, sip, false);
        break;
    case nua_i_bye:
        if (sc)
            on_bye(sc, sip);
        break;
    case nua_i_cancel:
        if (sc)
            on_cancel(sc, sip);
        break;
    case nua_i_info:
        if (sc)
            on_info(sc, sip);
        break;
    case nua_r_info:
        if (sc)
            on_r_info(sc, status);
        break;
    case nua_r_refer:
        if (sc)
            sip_xfer_on_r_refer(sc, status);
        break;
    case nua_i_notify:
        if (sc)
            sip_xfer_on_notify(sc, sip, tags);
        break;
    case nua_i_refer:
        sip_xfer_on_refer(l, nua, nh, sc, sip, tags);
        break;
    case nua_r_register:
    case nua_r_unregister:
        if (nh && nh == l->reg_nh)
            on_register(l, ev, status, sip);
        break;
    case nua_i_options:
        if (sip && sip->sip_cseq)
            sip_cnt_set(&sip_counters()->options_cseq, sip->sip_cseq->cs_seq);
        break;
    case nua_i_error:
        ot_logc(OT_CAT_SIP, OTLOG_DEBUG, "line %u: %d %s", l ? (unsigned)l->id : 0u, status,
                phrase ? phrase : "");
        break;
    case nua_r_bye:
    case nua_r_cancel:
    case nua_i_ack:
    case nua_i_active:
    case nua_i_terminated:
    case nua_r_shutdown:
    case nua_i_prack:
    case nua_r_prack:
        break;
    default:
        break;
    }
    /* A request outside any call (OPTIONS, INFO, MESSAGE...): NUA answered it;
     * the handle it made for it is ours to release.  A REFER outside a call
     * has a NOTIFY of Sofia's own on its way: its handle goes with that
     * NOTIFY's final response (destroying it before crashes Sofia 1.12.11). */
    bool indication = ev <= nua_i_media_error || ev >= nua_i_network_changed;
    if (nh && !sc && indication && ev != nua_i_invite && ev != nua_i_error &&
        ev != nua_i_refer && (!l || nh != l->reg_nh))
        nua_handle_destroy(nh);
    else if (nh && !sc && ev == nua_r_notify && status >= 200 && (!l || nh != l->reg_nh))
        nua_handle_destroy(nh);
    ot_unlock();
}
