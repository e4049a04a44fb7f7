/* The SIP provider: a call's SIP side, shared by the NUA events (sipevent.c),
 * the provider operations (sipops.c) and transfers (sipxfer.c): the
 * consultation links and the end of a call record, the requests that fail
 * when a call moves on, reading received messages (Reason, User-to-User,
 * From/To), sending (our INVITE, the hang-up: CANCEL, rejection, BYE, and the
 * BYE held back for an ACK), and the bookkeeping of conferences (a member or
 * the consultation call leaving, a conference reverting to a plain call), with
 * IDLE and DISCONNECTED.  Provider thread or provider operations, with the
 * core lock held (sip.c describes the threads). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sipint.h"

/* ---- calls --------------------------------------------------------------------- */
/* p->conf_consult = k, and k->consult_for = p (no search for a consultation
 * call's parent when it ends). */
void sip_set_consult(struct sip_call *p, struct sip_call *k)
{
    if (p->conf_consult)
        p->conf_consult->consult_for = NULL;
    p->conf_consult = k;
    if (k) {
        if (k->consult_for && k->consult_for != p)
            k->consult_for->conf_consult = NULL;
        k->consult_for = p;
    }
}

/* Freed once neither the core nor NUA knows it. */
void sip_sc_maybe_free(struct sip_call *sc)
{
    if (!sc->call && !sc->nh && !sc->answer_req && !sc->hold_req && !sc->xfer_req &&
        !sc->swap_req && ot_list_empty(&sc->infos))
        sip_sc_free(sc);
}

/* Requests still waiting for the network fail when the call moves on. */
void sip_sc_fail_requests(struct sip_call *sc, LONG result)
{
    if (sc->answer_req) {
        struct ot_req *r = sc->answer_req;
        sc->answer_req = NULL;
        ot_req_complete(r, result);
    }
    if (sc->hold_req) { /* its re-INVITE's answer is not waited for */
        struct ot_req *r = sc->hold_req;
        sc->hold_req = NULL;
        ot_req_complete(r, result);
    }
    sip_swap_fail(sc, result);
    while (!ot_list_empty(&sc->infos)) {
        struct sip_pending *p = ot_container_of(sc->infos.next, struct sip_pending, link);
        ot_list_del(&p->link);
        struct ot_req *r = p->req;
        free(p);
        if (r)
            ot_req_complete(r, result);
        else
            sip_dtmf_response(sc, 500); /* the generation ends (CANCEL) */
    }
    sip_xfer_fail(sc, result);
}

/* ---- reading messages ------------------------------------------------------------ */
int sip_reason_q850(const sip_t *sip)
{
    if (!sip)
        return -1;
    for (const sip_reason_t *re = sip->sip_reason; re; re = re->re_next) {
        int q = ot_sip_q850_cause(re->re_protocol, re->re_cause);
        if (q >= 0)
            return q;
    }
    return -1;
}

/* The User-to-User of a received message, into the call's LINECALLINFO.
 * Malformed or oversized values are dropped whole, counted and logged; an
 * oversized one also leaves its text in DevSpecific (sipuui.c).  True when
 * one was dropped for its size. */
bool sip_report_uui(struct sip_call *sc, const sip_t *sip)
{
    if (!sip || !sc->call)
        return false;
    DWORD limit = sc->line->cf->uui_call_info;
    bool foreign = false;
    for (const sip_unknown_t *u = sip->sip_unknown; u; u = u->un_next) {
        if (!u->un_name || strcasecmp(u->un_name, "User-to-User") != 0)
            continue;
        unsigned char *buf = malloc(limit ? limit : 1);
        size_t n = 0;
        if (!buf) {
            ot_logc(OT_CAT_SIP, OTLOG_ERROR, "out of memory reading UUI of call %u",
                    (unsigned)ot_call_id(sc->call));
            return false;
        }
        enum ot_sip_uui_result r = ot_sip_uui_parse(u->un_value, buf, limit, &n);
        if (r == OT_SIP_UUI_OK)
            ot_ev_call_uui(sc->call, buf, (DWORD)n);
        else if (r == OT_SIP_UUI_MALFORMED) {
            ot_logc(OT_CAT_SIP, OTLOG_WARN, "call %u: malformed User-to-User ignored",
                    (unsigned)ot_call_id(sc->call));
            /* after the record: a test that sees it finds both */
            sip_cnt_add(&sip_counters()->uui_malformed, 1);
        } else if (r == OT_SIP_UUI_TOOBIG) {
            ot_logc(OT_CAT_SIP, OTLOG_WARN,
                    "call %u: User-to-User larger than dwUUICallInfoSize (%u) ignored",
                    (unsigned)ot_call_id(sc->call), (unsigned)limit);
            sip_cnt_add(&sip_counters()->uui_oversized, 1);
            sip_uui_dropped(sc->call, n, limit);
        }
        free(buf);
        if (r != OT_SIP_UUI_NONE)
            return r == OT_SIP_UUI_TOOBIG;
        /* Not TAPI's: counted once per message below, unless a later
         * User-to-User header is. */
        foreign = true;
    }
    if (foreign) {
        sip_cnt_add(&sip_counters()->uui_foreign, 1);
        ot_logc(OT_CAT_SIP, OTLOG_INFO, "call %u: User-to-User of another package ignored",
               (unsigned)ot_call_id(sc->call));
    }
    return false;
}

void sip_party(struct ot_call *c, enum ot_party which, const char *display, const url_t *url,
               bool notify)
{
    char name[128] = "";
    if (display) {
        /* Display names arrive quoted or as tokens. */
        const char *d = display;
        size_t n = strlen(d);
        if (n >= 2 && d[0] == '"' && d[n - 1] == '"')
            d++, n -= 2;
        if (n >= sizeof(name))
            n = sizeof(name) - 1;
        memcpy(name, d, n);
        name[n] = '\0';
    }
    const char *number = url->url_user ? url->url_user : url->url_host;
    ot_ev_call_party(c, which, number, name[0] ? name : NULL, notify);
}

void sip_party_from_addr(struct ot_call *c, enum ot_party which, const sip_addr_t *a,
                         bool notify)
{
    if (a && c)
        sip_party(c, which, a->a_display, a->a_url, notify);
}

/* ---- sending -------------------------------------------------------------------- */
#define SDP_TAGS(l) SIPTAG_CONTENT_TYPE_STR("application/sdp"), SIPTAG_PAYLOAD_STR((l)->sdp)

LONG sip_uui_header(const void *uui, DWORD len, char **out)
{
    *out = NULL;
    if (!uui || !len)
        return 0;
    *out = ot_sip_uui_header(uui, len);
    return *out ? 0 : LINEERR_NOMEM;
}

/* Posts the INVITE of an outgoing call (provider operation context), with a
 * Replaces header when replaces is not NULL (a transfer, sipxfer.c). */
LONG sip_sc_invite(struct sip_call *sc, const char *dest, const void *uui, DWORD len,
                   const char *replaces)
{
    struct sip_line *l = sc->line;
    char *target = sp_target(l, dest);
    if (!target)
        return LINEERR_INVALADDRESS;
    char *hdr;
    LONG rc = sip_uui_header(uui, len, &hdr);
    if (rc) {
        free(target);
        return rc;
    }
    size_t tl = strlen(target) + 3;
    char *to = malloc(tl);
    nua_handle_t *nh = to ? nua_handle(l->nua, sc, NUTAG_URL(target), TAG_END()) : NULL;
    if (!nh) {
        free(to);
        free(target);
        free(hdr);
        return LINEERR_NOMEM;
    }
    snprintf(to, tl, "<%s>", target);
    sip_sc_set_handle(sc, nh);
    sc->phase = PH_CALLING;
    nua_invite(nh, SIPTAG_TO_STR(to), SDP_TAGS(l), TAG_IF(hdr, SIPTAG_HEADER_STR(hdr)),
               TAG_IF(replaces, SIPTAG_REPLACES_STR(replaces)), TAG_END());
    free(to);
    free(sc->target);
    sc->target = target; /* a transfer's Refer-To */
    free(hdr);
    return 0;
}

#define REASON_NORMAL "Q.850;cause=16" /* normal call clearing */

/* The BYE that was held back: after a 2xx that crossed our CANCEL, or after
 * the ACK of a 200 OK the application dropped before it came.  It carries
 * the drop's User-to-User and the normal-clearing Reason. */
void sip_sc_late_bye(struct sip_call *sc)
{
    nua_bye(sc->nh, SIPTAG_REASON_STR(REASON_NORMAL),
            TAG_IF(sc->late_bye_uui, SIPTAG_HEADER_STR(sc->late_bye_uui)), TAG_END());
}

/* Ends the SIP side of a call the application dropped (or let go), with the
 * UUI of the drop: CANCEL before an answer, the configured rejection of an
 * offered call, BYE on a dialog.  hdr is a User-to-User header line or NULL.
 * LINEERR_NOMEM (nothing done) when hdr cannot be kept for a later BYE. */
LONG sip_sc_hangup(struct sip_call *sc, const char *hdr)
{
    struct sip_line *l = sc->line;
    char reason[32];
    char *keep = NULL;
    if (hdr && (sc->phase == PH_CALLING || sc->phase == PH_ANSWERING) &&
        !(keep = ot_strdup(hdr)))
        return LINEERR_NOMEM;
    switch (sc->phase) {
    case PH_CALLING:
        nua_cancel(sc->nh, SIPTAG_REASON_STR(REASON_NORMAL),
                   TAG_IF(hdr, SIPTAG_HEADER_STR(hdr)), TAG_END());
        sc->cancelled = true;
        free(sc->late_bye_uui);
        sc->late_bye_uui = keep;
        sc->phase = PH_ENDING;
        break;
    case PH_OFFERED:
        snprintf(reason, sizeof(reason), "Q.850;cause=%d", l->reject->q850);
        nua_respond(sc->nh, l->reject->status, l->reject->phrase, SIPTAG_REASON_STR(reason),
                    TAG_IF(hdr, SIPTAG_HEADER_STR(hdr)), TAG_END());
        sc->phase = PH_ENDING;
        break;
    case PH_ANSWERING:
        /* Our 200 OK waits for its ACK, and the callee must not send BYE
         * before it (RFC 3261 13.3.1.4, 15): on_ready sends it when the ACK
         * comes.  If none comes, the dialog ends without one (on_terminated). */
        free(sc->late_bye_uui);
        sc->late_bye_uui = keep;
        sc->bye_on_ack = true;
        sc->phase = PH_ENDING;
        break;
    case PH_CONFIRMED:
        nua_bye(sc->nh, SIPTAG_REASON_STR(REASON_NORMAL), TAG_IF(hdr, SIPTAG_HEADER_STR(hdr)),
                TAG_END());
        sc->phase = PH_ENDING;
        break;
    default:
        break; /* nothing on the wire, or already ending */
    }
    return 0;
}

/* ---- conferences: one TAPI parent call holding several dialogs -------------------
 * The parent is a sip_call without a handle (is_parent); its members are the
 * calls whose core conf_parent is the parent; conf_consult is the
 * consultation call being set up for it.  Signalling only: nothing mixes
 * media.  As on the embedded switch (LINEADDRCAPFLAGS_CONFDROP), dropping the
 * parent drops every member (one BYE each); a member that leaves (dropped,
 * removed, or hung up by its far end) leaves alone, and a conference left
 * with one party reverts to a plain call (parent IDLE, the survivor
 * CONNECTED). */
struct sip_call *sip_conf_of(const struct sip_call *sc)
{
    struct ot_call *p = sc->call ? ot_call_conf_parent(sc->call) : NULL;
    return p ? ot_call_drv(p) : NULL;
}

/* The parent's members, from the core's list of them (no walk over the
 * line's calls). */
unsigned sip_conf_members(struct sip_call *parent, struct sip_call **first)
{
    unsigned n = 0;
    if (first)
        *first = NULL;
    if (!parent->call)
        return 0;
    for (struct ot_call *mc = ot_call_next_member(parent->call, NULL); mc;
         mc = ot_call_next_member(parent->call, mc)) {
        struct sip_call *m = ot_call_drv(mc);
        if (m && m != parent && m->call == mc) {
            if (!n && first)
                *first = m;
            n++;
        }
    }
    return n;
}

struct sip_call *sip_consult_parent(const struct sip_call *sc)
{
    return sc->consult_for && sc->consult_for->is_parent ? sc->consult_for : NULL;
}

/* Conference members on hold (the conference waits for its consultation
 * call) or off it: a re-INVITE each, as lineHold would send. */
void sip_conf_hold_members(struct sip_call *p, bool hold)
{
    if (!p->call)
        return;
    for (struct ot_call *mc = ot_call_next_member(p->call, NULL); mc;
         mc = ot_call_next_member(p->call, mc)) {
        struct sip_call *m = ot_call_drv(mc);
        if (m && m != p && m->call == mc)
            ot_sip_hold(m, hold, NULL); /* a member with no confirmed dialog: nothing to send */
    }
}

/* After a member or the consultation call left: reconnect, or revert. */
static void conf_check(struct sip_call *p)
{
    if (!p->call || p->dropping || ot_call_state(p->call) == LINECALLSTATE_IDLE)
        return;
    struct sip_call *first;
    unsigned n = sip_conf_members(p, &first);
    if (p->conf_consult) {
        if (n == 0) { /* nothing left to add the consultation call to */
            sip_set_consult(p, NULL);
            ot_ev_call_state(p->call, LINECALLSTATE_IDLE, 0);
        }
        return;
    }
    if (n >= 2) {
        if (ot_call_state(p->call) == LINECALLSTATE_ONHOLDPENDCONF) {
            sip_conf_hold_members(p, false);
            ot_ev_call_state(p->call, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        }
        return;
    }
    ot_ev_call_state(p->call, LINECALLSTATE_IDLE, 0);
    if (n == 1) {
        /* Two parties left (this station and one): a plain call again. */
        ot_ev_call_conf_parent(first->call, NULL);
        ot_sip_hold(first, false, NULL); /* held while the conference waited */
        if (first->phase == PH_CONFIRMED)
            ot_ev_call_state(first->call, LINECALLSTATE_CONNECTED, sip_connected_mode(first));
        else if (first->phase == PH_CALLING)
            ot_ev_call_state(first->call, LINECALLSTATE_RINGBACK, 0);
    }
}

/* sc is no longer in its conference, nor its consultation call. */
static void conf_left(struct sip_call *sc)
{
    struct sip_call *p = sip_conf_of(sc);
    if (p) {
        ot_ev_call_conf_parent(sc->call, NULL);
        conf_check(p);
        return;
    }
    p = sip_consult_parent(sc);
    if (p) {
        sip_set_consult(p, NULL);
        conf_check(p);
    } else if (sc->consult_for)
        sip_xfer_consult_left(sc);
}

void sip_sc_idle(struct sip_call *sc)
{
    if (!sc->call)
        return;
    ot_ev_call_state(sc->call, LINECALLSTATE_IDLE, 0);
    conf_left(sc);
}

/* DISCONNECTED; a call nobody owns has nobody to drop it, so it goes on to IDLE. */
void sip_sc_disconnect(struct sip_call *sc, DWORD mode)
{
    struct ot_call *c = sc->call;
    if (!c)
        return;
    DWORD s = ot_call_state(c);
    if (s == LINECALLSTATE_IDLE || s == LINECALLSTATE_DISCONNECTED)
        return;
    ot_ev_call_state(c, LINECALLSTATE_DISCONNECTED, mode);
    conf_left(sc);
    if (!ot_call_has_owner(c))
        ot_ev_call_state(c, LINECALLSTATE_IDLE, 0);
}
