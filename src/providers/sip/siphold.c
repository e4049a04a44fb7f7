/* Hold on SIP lines (docs/sip.md, "Hold"): lineHold / lineUnhold as a
 * re-INVITE whose SDP offer says sendonly / sendrecv (RFC 3264 section 8.4,
 * RFC 6337 section 5), and the peer's hold, read from the SDP of its
 * re-INVITE and reported as LINECONNECTEDMODE_ACTIVEHELD ("the remote party
 * has placed the call on hold", Microsoft's LINECONNECTEDMODE_ constants).
 *
 * Media stays out of scope: the SDP names port 9 and no RTP is sent or read;
 * only its direction attribute changes.  The direction of a stream is kept as
 * OT_SIP_SDP_SEND | OT_SIP_SDP_RECV bits: ours is SEND | RECV, or SEND alone
 * while we hold; a peer whose offer does not RECV holds us, and then we do
 * not send either (recvonly, or inactive when both hold).
 *
 * Everything runs with the core lock held: the operations on application
 * threads, the NUA events on the provider thread (sipevent.c calls in). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sipint.h"

#define DIR_BOTH (OT_SIP_SDP_SEND | OT_SIP_SDP_RECV)

/* ---- SDP (the direction parser is sipmap.c's, with the other pure functions) ---- */
char *sip_sdp_make(const struct sip_line *l, unsigned version, int dir)
{
    const char *af = l->media_v6 ? "IP6" : "IP4";
    char buf[512];
    int n = snprintf(buf, sizeof(buf),
                     "v=0\r\n"
                     "o=opentapi 1 %u IN %s %s\r\n"
                     "s=opentapi\r\n"
                     "c=IN %s %s\r\n"
                     "t=0 0\r\n"
                     "m=audio 9 RTP/AVP 0 8\r\n"
                     "a=rtpmap:0 PCMU/8000\r\n"
                     "a=rtpmap:8 PCMA/8000\r\n"
                     "a=%s\r\n",
                     version, af, l->media_ip, af, l->media_ip, ot_sip_sdp_dir_name(dir));
    return n > 0 && (size_t)n < sizeof(buf) ? ot_strdup(buf) : NULL;
}

void sip_hold_init(struct sip_call *sc)
{
    sc->invite_dir = -1;
    sc->sdp_dir = DIR_BOTH; /* the line's sdp, version OT_SIP_SDP_VERSION0 */
    sc->sdp_version = OT_SIP_SDP_VERSION0;
}

static int reverse(int dir)
{
    return ((dir & OT_SIP_SDP_SEND) ? OT_SIP_SDP_RECV : 0) |
           ((dir & OT_SIP_SDP_RECV) ? OT_SIP_SDP_SEND : 0);
}

/* The SDP of our next offer (peer_offer < 0) or of our answer to the peer's
 * offer of that direction, with hold as given.  An offer asks for what we
 * want (sendonly while we hold, sendrecv else) without sending to a peer
 * that holds us (RFC 3264 8.4: recvonly, inactive); an answer is that
 * intersected with the reverse of the offer (RFC 3264 6.1).  Its version
 * goes up when its direction differs from the last one sent. */
static char *next_sdp(struct sip_call *sc, bool hold, int peer_offer)
{
    int dir = hold ? OT_SIP_SDP_SEND : DIR_BOTH;
    if (peer_offer >= 0)
        dir &= reverse(peer_offer);
    else if (sc->remote_hold)
        dir &= ~OT_SIP_SDP_SEND;
    unsigned version = sc->sdp_version + (dir != sc->sdp_dir);
    char *sdp = sip_sdp_make(sc->line, version, dir);
    if (sdp) {
        sc->sdp_version = version;
        sc->sdp_dir = dir;
    }
    return sdp;
}

DWORD sip_connected_mode(const struct sip_call *sc)
{
    return sc->remote_hold ? LINECONNECTEDMODE_ACTIVEHELD : LINECONNECTEDMODE_ACTIVE;
}

/* ---- our hold --------------------------------------------------------------- */
static LONG send_reinvite(struct sip_call *sc, bool hold)
{
    char *sdp = next_sdp(sc, hold, -1);
    if (!sdp)
        return LINEERR_NOMEM;
    /* NUTAG_DIALOG(0): its 2xx does not move the dialog's remote target
     * (docs/sip.md, "Sofia-SIP and a Contact it cannot send to"). */
    nua_invite(sc->nh, SIPTAG_CONTENT_TYPE_STR("application/sdp"), SIPTAG_PAYLOAD_STR(sdp),
               NUTAG_DIALOG(0), TAG_END());
    free(sdp);
    sc->reinvite_out = true;
    sc->offer_hold = hold;
    return 0;
}

LONG ot_sip_hold(struct sip_call *sc, bool hold, struct ot_req *r)
{
    if (!sc || sc->is_parent || sc->phase != PH_CONFIRMED || !sc->nh)
        return LINEERR_INVALCALLSTATE;
    if (r && (sc->hold_req || sc->reinvite_out || sc->swap_with))
        return LINEERR_INVALCALLSTATE; /* one re-INVITE at a time */
    if (!r && (sc->reinvite_out || sc->wire_hold == hold)) {
        sc->want_hold = hold; /* sent when the one out ends, if still needed */
        return 0;
    }
    LONG rc = send_reinvite(sc, hold);
    if (rc)
        return rc;
    sc->want_hold = hold;
    sc->hold_req = r;
    return 0;
}

static LONG hold_op(struct ot_req *r, struct ot_call *c, bool hold)
{
    struct sip_call *sc = ot_call_drv(c);
    DWORD s = ot_call_state(c);
    if (!sc || (hold ? s != LINECALLSTATE_CONNECTED : s != LINECALLSTATE_ONHOLD))
        return LINEERR_INVALCALLSTATE;
    return ot_sip_hold(sc, hold, r);
}

LONG sip_op_hold(struct ot_req *r, struct ot_call *c) { return hold_op(r, c, true); }
LONG sip_op_unhold(struct ot_req *r, struct ot_call *c) { return hold_op(r, c, false); }

static void swap_next(struct sip_call *sc, bool ok);
static void swap_transfer_roles(struct sip_call *a, struct sip_call *h);

bool sip_hold_r_invite(struct sip_call *sc, int status, const char *phrase, const sip_t *sip)
{
    if (!sc->reinvite_out)
        return false;
    if (status < 200)
        return true;
    if ((status == 401 || status == 407) && sc->phase == PH_CONFIRMED &&
        sc->hold_auth_tries++ < 2 && sip_auth_reply(sc->line, sc->nh, sip))
        return true; /* the same re-INVITE again, with credentials */
    sc->hold_auth_tries = 0;
    sc->reinvite_out = false;
    struct ot_req *r = sc->hold_req;
    sc->hold_req = NULL;
    bool ok = status < 300;
    if (ok)
        sc->wire_hold = sc->offer_hold;
    else {
        ot_logc(OT_CAT_SIP, OTLOG_INFO, "call %u: %s refused: %d %s",
                sc->call ? (unsigned)ot_call_id(sc->call) : 0u,
                sc->offer_hold ? "hold" : "unhold", status, phrase ? phrase : "");
        sc->want_hold = sc->wire_hold; /* no retry: the application decides */
    }
    if (sc->swap_with) {
        swap_next(sc, ok);
        return true;
    }
    if (sc->phase != PH_CONFIRMED) {
        /* dropped meanwhile: its request was failed then */
        if (r)
            ot_req_complete(r, LINEERR_INVALCALLSTATE);
        return true;
    }
    if (r) {
        struct ot_call *c = sc->call;
        if (ok && c) {
            DWORD s = ot_call_state(c);
            if (sc->wire_hold && s == LINECALLSTATE_CONNECTED)
                ot_ev_call_state(c, LINECALLSTATE_ONHOLD, 0);
            else if (!sc->wire_hold && s == LINECALLSTATE_ONHOLD)
                ot_ev_call_state(c, LINECALLSTATE_CONNECTED, sip_connected_mode(sc));
        }
        ot_req_complete(r, ok ? 0 : LINEERR_OPERATIONFAILED);
    }
    if (sc->want_hold != sc->wire_hold && send_reinvite(sc, sc->want_hold) != 0)
        sc->want_hold = sc->wire_hold;
    return true;
}

/* ---- lineSwapHold -------------------------------------------------------------------
 * One re-INVITE at a time, in the order a desk phone would: the active call
 * is held first (so that the station never talks to both), then the held
 * one is taken off hold.  The TAPI states change once, when both were
 * accepted.  A refusal of the first fails the request with nothing changed;
 * a refusal of the second takes the first off hold again (the roll-back),
 * and when that is refused too the first stays held on the wire and goes
 * ONHOLD here, so that the states say what the wire does. */
enum { SW_HOLD, SW_UNHOLD, SW_ROLLBACK };

/* The wire of a plain call (or of a transfer's pair) follows its TAPI state again (after a swap that
 * ended early, one of its re-INVITEs may have gone the other way). */
static void swap_resync(struct sip_call *sc)
{
    if (!sc || sc->phase != PH_CONFIRMED || !sc->call || !sc->nh)
        return;
    DWORD s = ot_call_state(sc->call);
    if (s != LINECALLSTATE_CONNECTED && s != LINECALLSTATE_ONHOLD &&
        s != LINECALLSTATE_ONHOLDPENDTRANSFER)
        return;
    sc->want_hold = s != LINECALLSTATE_CONNECTED;
    if (!sc->reinvite_out && sc->want_hold != sc->wire_hold &&
        send_reinvite(sc, sc->want_hold) != 0)
        sc->want_hold = sc->wire_hold;
}

/* a is the active call (it holds the request); skip: a call not to touch
 * (the one going away). */
static void swap_end(struct sip_call *a, LONG result, const struct sip_call *skip)
{
    struct sip_call *h = a->swap_with;
    struct ot_req *r = a->swap_req;
    a->swap_with = NULL;
    a->swap_req = NULL;
    if (h)
        h->swap_with = NULL;
    if (a != skip)
        swap_resync(a);
    if (h != skip)
        swap_resync(h);
    if (r)
        ot_req_complete(r, result);
}

static void swap_rollback_failed(struct sip_call *a)
{
    if (a->swap_with && a->consult_for == a->swap_with) {
        /* A transfer's consultation call: its role stays; the resync of
         * swap_end asks once more for the sendrecv its state says. */
        ot_logc(OT_CAT_SIP, OTLOG_INFO, "call %u: swap hold: the roll-back was refused too",
                (unsigned)ot_call_id(a->call));
        swap_end(a, LINEERR_OPERATIONFAILED, NULL);
        return;
    }
    ot_logc(OT_CAT_SIP, OTLOG_INFO,
            "call %u: swap hold: the roll-back was refused too, the call stays on hold",
            (unsigned)ot_call_id(a->call));
    ot_ev_call_state(a->call, LINECALLSTATE_ONHOLD, 0);
    swap_end(a, LINEERR_OPERATIONFAILED, NULL);
}

static void swap_rollback(struct sip_call *a)
{
    a->swap_step = SW_ROLLBACK;
    if (send_reinvite(a, false) != 0) {
        swap_rollback_failed(a);
        return;
    }
    a->want_hold = false;
}

/* The final response to a re-INVITE of the swap, on sc. */
static void swap_next(struct sip_call *sc, bool ok)
{
    struct sip_call *a = sc->swap_req ? sc : sc->swap_with, *h = a->swap_with;
    if (!h || a->phase != PH_CONFIRMED || h->phase != PH_CONFIRMED || !a->call || !h->call) {
        swap_end(a, LINEERR_INVALCALLSTATE, NULL); /* one of them went meanwhile */
        return;
    }
    switch (a->swap_step) {
    case SW_HOLD:
        if (sc != a)
            return;
        if (!ok) {
            swap_end(a, LINEERR_OPERATIONFAILED, NULL); /* nothing changed */
            return;
        }
        a->swap_step = SW_UNHOLD;
        if (send_reinvite(h, false) != 0) {
            swap_rollback(a);
            return;
        }
        h->want_hold = false;
        return;
    case SW_UNHOLD:
        if (sc != h)
            return;
        if (!ok) {
            swap_rollback(a);
            return;
        }
        if (ot_call_state(h->call) == LINECALLSTATE_ONHOLDPENDTRANSFER) {
            swap_transfer_roles(a, h);
        } else {
            ot_ev_call_state(a->call, LINECALLSTATE_ONHOLD, 0);
            ot_ev_call_state(h->call, LINECALLSTATE_CONNECTED, sip_connected_mode(h));
        }
        swap_end(a, 0, NULL);
        return;
    default: /* SW_ROLLBACK */
        if (sc != a)
            return;
        if (!ok)
            swap_rollback_failed(a);
        else
            swap_end(a, LINEERR_OPERATIONFAILED, NULL); /* both as they were */
        return;
    }
}

/* A transfer's pair: the consultation call (active) and the call waiting
 * for it (ONHOLDPENDTRANSFER, held on the wire since lineSetupTransfer).
 * The re-INVITEs are those of the plain swap; at the end the two change
 * places and roles, as on the switch, so that lineCompleteTransfer(the call
 * now waiting, the call now active) joins the same two parties. */
static bool swap_is_transfer(const struct sip_call *a, const struct sip_call *h)
{
    return h->xfer_held && h->conf_consult == a && a->consult_for == h && !a->conf_consult &&
           !h->xfer_req && !a->xfer_req;
}

static void swap_transfer_roles(struct sip_call *a, struct sip_call *h)
{
    sip_set_consult(h, NULL);
    h->xfer_held = false;
    sip_set_consult(a, h);
    a->xfer_held = true;
    ot_ev_call_state(a->call, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    ot_ev_call_state(h->call, LINECALLSTATE_CONNECTED, sip_connected_mode(h));
}

LONG sip_op_swap_hold(struct ot_req *r, struct ot_call *active, struct ot_call *held)
{
    struct sip_call *a = ot_call_drv(active), *h = ot_call_drv(held);
    DWORD hs = ot_call_state(held);
    if (!a || !h || a == h || a->is_parent || h->is_parent || a->line != h->line ||
        a->phase != PH_CONFIRMED || h->phase != PH_CONFIRMED || !a->nh || !h->nh ||
        ot_call_state(active) != LINECALLSTATE_CONNECTED ||
        (hs != LINECALLSTATE_ONHOLD && hs != LINECALLSTATE_ONHOLDPENDTRANSFER) ||
        a->reinvite_out || h->reinvite_out || a->hold_req || h->hold_req || a->swap_with ||
        h->swap_with)
        return LINEERR_INVALCALLSTATE;
    if (hs == LINECALLSTATE_ONHOLDPENDTRANSFER && !swap_is_transfer(a, h))
        return LINEERR_INVALCALLSTATE;
    LONG rc = send_reinvite(a, true);
    if (rc)
        return rc;
    a->want_hold = true;
    a->swap_with = h;
    h->swap_with = a;
    a->swap_req = r;
    a->swap_step = SW_HOLD;
    return 0;
}

bool sip_swap_busy(const struct sip_call *sc) { return sc && sc->swap_with; }

void sip_swap_fail(struct sip_call *sc, LONG result)
{
    struct sip_call *o = sc->swap_with;
    if (!o)
        return;
    swap_end(sc->swap_req ? sc : o, result, sc);
}

void sip_swap_discard(struct sip_call *sc)
{
    if (sc->swap_req)
        ot_req_discard(sc->swap_req);
    sc->swap_req = NULL;
    if (sc->swap_with)
        sc->swap_with->swap_with = NULL;
    sc->swap_with = NULL;
}

/* ---- the peer's offers ------------------------------------------------------------ */
/* The direction of an SDP offer in a request: -1 for none, -2 for a body
 * that is not SDP (of another type, or not parsing). */
static int offer_dir(const sip_t *sip)
{
    const sip_payload_t *pl = sip ? sip->sip_payload : NULL;
    if (!pl || !pl->pl_data || !pl->pl_len)
        return -1;
    if (sip->sip_content_type && sip->sip_content_type->c_type &&
        strcasecmp(sip->sip_content_type->c_type, "application/sdp") != 0)
        return -2;
    int d = ot_sip_sdp_direction(pl->pl_data, pl->pl_len);
    return d < 0 ? -2 : d;
}

void sip_hold_offer(struct sip_call *sc, const sip_t *sip)
{
    int d = offer_dir(sip);
    if (d < 0)
        return; /* no offer, or none we read: answered sendrecv, as ever */
    sc->invite_dir = d;
    sc->remote_hold = !(d & OT_SIP_SDP_RECV);
}

LONG sip_hold_answer_sdp(struct sip_call *sc, char **out)
{
    *out = NULL;
    if (sc->invite_dir < 0 || sc->invite_dir == DIR_BOTH)
        return 0;
    int dir = DIR_BOTH & reverse(sc->invite_dir);
    *out = sip_sdp_make(sc->line, OT_SIP_SDP_VERSION0, dir);
    if (!*out)
        return LINEERR_NOMEM;
    sc->sdp_dir = dir; /* our first SDP: version OT_SIP_SDP_VERSION0 */
    return 0;
}

/* ---- the peer's re-INVITE ------------------------------------------------------ */
void sip_hold_i_invite(struct sip_call *sc, nua_handle_t *nh, const sip_t *sip)
{
    if (sc->reinvite_out) {
        /* RFC 3261 14.2: ours is in progress (glare). */
        nua_respond(nh, SIP_491_REQUEST_PENDING, TAG_END());
        return;
    }
    const sip_payload_t *pl = sip ? sip->sip_payload : NULL;
    bool offer = pl && pl->pl_data && pl->pl_len;
    if (offer && sip->sip_content_type && sip->sip_content_type->c_type &&
        strcasecmp(sip->sip_content_type->c_type, "application/sdp") != 0) {
        nua_respond(nh, SIP_415_UNSUPPORTED_MEDIA, SIPTAG_ACCEPT_STR("application/sdp"),
                    TAG_END());
        return;
    }
    int dir = offer_dir(sip);
    if (dir == -2) {
        nua_respond(nh, SIP_488_NOT_ACCEPTABLE, TAG_END());
        return;
    }
    /* Without an offer ours goes in the 200 and the peer answers in the ACK
     * (not read: the peer holds with an offer). */
    char *sdp = next_sdp(sc, sc->wire_hold, offer ? dir : -1);
    if (!sdp) {
        nua_respond(nh, SIP_500_INTERNAL_SERVER_ERROR, TAG_END());
        return;
    }
    nua_respond(nh, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR("application/sdp"),
                SIPTAG_PAYLOAD_STR(sdp), TAG_END());
    free(sdp);
    if (!offer)
        return;
    bool held = !(dir & OT_SIP_SDP_RECV);
    if (held == sc->remote_hold)
        return;
    sc->remote_hold = held;
    struct ot_call *c = sc->call;
    if (c)
        ot_logc(OT_CAT_SIP, OTLOG_DEBUG, "call %u: %s by the peer (%s)",
                (unsigned)ot_call_id(c), held ? "held" : "resumed", ot_sip_sdp_dir_name(dir));
    /* Only a CONNECTED call shows it; one on hold here or in a conference
     * shows it when it is CONNECTED again. */
    if (c && ot_call_state(c) == LINECALLSTATE_CONNECTED &&
        ot_call_mode(c) != LINECONNECTEDMODE_INACTIVE)
        ot_ev_call_state(c, LINECALLSTATE_CONNECTED, sip_connected_mode(sc));
}
