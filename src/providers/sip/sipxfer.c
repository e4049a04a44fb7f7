/* Transfers on SIP lines (docs/sip.md, "Transfers"):
 *
 *  - lineBlindTransfer: REFER (RFC 3515) on the call's dialog, Refer-To the
 *    destination built as for an INVITE; the NOTIFYs' message/sipfrag bodies
 *    decide: 2xx = success (our BYE, the call IDLE, LINE_REPLY 0), a final
 *    failure or a refused REFER = LINEERR_OPERATIONFAILED, the call as it was.
 *  - lineSetupTransfer holds the call (ONHOLDPENDTRANSFER; on the wire a
 *    re-INVITE a=sendonly, sent as a conference's consultation does: the
 *    request completes at once) and makes the consultation call (DIALTONE,
 *    then lineDial); lineCompleteTransfer(TRANSFER) sends the held party,
 *    still held, a REFER whose Refer-To carries the consultation dialog as
 *    ?Replaces= (RFC 3891); the NOTIFY 200 ends both our calls.  CONFERENCE
 *    makes a local conference and takes the held call off hold (sendrecv),
 *    as does the end of the consultation call (the reconnection).
 *  - The NOTIFYs are waited for (RFC 3515 2.4.4, RFC 6665 4.1.2.4): the first
 *    within refer_timeout (64*T1, 32 s) after the 2xx to the REFER, each next
 *    one before the implicit subscription expires (the last NOTIFY's
 *    Subscription-State expires; refer_timeout again without one).  A wait
 *    that runs out fails the transfer as a failed NOTIFY does.
 *  - A received REFER in a connected call is answered 202 and becomes a new
 *    outgoing call of the line (LINECALLREASON_TRANSFER, the referrer in the
 *    redirecting ID), whose progress goes back as NOTIFYs; one we cannot
 *    honour is refused (400, 403, 501, 603) and counted.
 *  - A received INVITE with Replaces replaces the matching connected call: the
 *    new call is offered and answered by the line itself, and at its ACK the
 *    replaced call gets our BYE and goes DISCONNECTED (NORMAL); 481 when no
 *    call matches.
 *
 * Everything here runs with the core lock held: provider operations on
 * application threads, NUA events on the provider thread (sipevent.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sipint.h"

#define SIPFRAG_TYPE "message/sipfrag;version=2.0"

static struct sip_call *call_sc(struct ot_call *c) { return c ? ot_call_drv(c) : NULL; }

/* The status of a NOTIFY's sipfrag body ("SIP/2.0 200 OK"), -1 if none. */
static int sipfrag_status(const sip_t *sip)
{
    if (!sip || !sip->sip_payload || !sip->sip_payload->pl_data)
        return -1;
    if (sip->sip_content_type && sip->sip_content_type->c_type &&
        strncasecmp(sip->sip_content_type->c_type, "message/sipfrag", 15) != 0)
        return -1;
    const char *p = sip->sip_payload->pl_data;
    size_t n = sip->sip_payload->pl_len;
    while (n && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++, n--;
    if (n < 11 || strncasecmp(p, "SIP/2.0 ", 8) != 0)
        return -1;
    p += 8, n -= 8;
    int st = 0;
    for (int i = 0; i < 3; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        st = st * 10 + (p[i] - '0');
    }
    if (n > 3 && p[3] != ' ' && p[3] != '\r' && p[3] != '\n')
        return -1;
    return st >= 100 && st <= 699 ? st : -1;
}

/* A transfer's progress for the application: LINECALLINFO's DevSpecific
 * text becomes "transfer: SIP <status line of the sipfrag>" (printable
 * characters only, at most 100 of them), announced by
 * LINE_CALLINFO(DEVSPECIFIC). */
static void report_progress(struct sip_call *sc, const sip_t *sip, int st)
{
    if (!sc->call || ot_call_state(sc->call) == LINECALLSTATE_IDLE)
        return;
    char text[128];
    int n = snprintf(text, sizeof(text), "transfer: SIP %d", st);
    const char *p = sip->sip_payload->pl_data;
    size_t len = sip->sip_payload->pl_len;
    while (len && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++, len--; /* as sipfrag_status */
    /* the reason phrase: after "SIP/2.0 NNN " up to the end of the line */
    const char *q = memchr(p, ' ', len);
    if (q && (size_t)(q - p) + 5 < len && q[4] == ' ') {
        const char *ph = q + 5, *end = p + len;
        text[n++] = ' ';
        while (ph < end && *ph != '\r' && *ph != '\n' && n < (int)sizeof(text) - 1)
            text[n++] = (*ph >= 0x20 && *ph < 0x7f) ? *ph : '?', ph++;
        text[n] = '\0';
    }
    ot_ev_call_cause(sc->call, text);
    ot_ev_call_info(sc->call, LINECALLINFOSTATE_DEVSPECIFIC);
}

/* Percent-encodes everything but RFC 3986's unreserved characters. */
static char *escape_hvalue(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(3 * n + 1), *o = out;
    if (!out)
        return NULL;
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~')
            *o++ = (char)*p;
        else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

/* The REFER: Refer-To <uri>, Referred-By our address. */
static LONG send_refer(struct sip_call *sc, const char *uri)
{
    size_t n = strlen(uri) + 3;
    char *hdr = malloc(n);
    if (!hdr)
        return LINEERR_NOMEM;
    snprintf(hdr, n, "<%s>", uri);
    nua_refer(sc->nh, SIPTAG_REFER_TO_STR(hdr), SIPTAG_REFERRED_BY_STR(sc->line->from),
              TAG_END());
    free(hdr);
    return 0;
}

/* ---- our REFER's outcome ------------------------------------------------------------ */
/* The held call of a transfer whose consultation call is gone goes back to
 * CONNECTED (LINEADDRCAPFLAGS_AUTORECONNECT), off hold on the wire. */
static void reconnect_held(struct sip_call *h)
{
    if (!h->xfer_held || h->conf_consult || h->xfer_req || !h->call ||
        h->phase != PH_CONFIRMED || ot_call_state(h->call) != LINECALLSTATE_ONHOLDPENDTRANSFER)
        return;
    h->xfer_held = false;
    ot_sip_hold(h, false, NULL); /* re-INVITE sendrecv (after the one out, if any) */
    ot_ev_call_state(h->call, LINECALLSTATE_CONNECTED, sip_connected_mode(h));
}

static void xfer_failed(struct sip_call *sc, LONG result)
{
    ot_timer_stop(&sc->xfer_timer);
    struct ot_req *r = sc->xfer_req;
    if (!r)
        return;
    sc->xfer_req = NULL;
    struct sip_call *k = sc->xfer_held ? sc->conf_consult : NULL;
    ot_logc(OT_CAT_SIP, OTLOG_INFO, "call %u: transfer failed",
            sc->call ? (unsigned)ot_call_id(sc->call) : 0u);
    if (k && k->xfer_silent_bye) {
        /* Its peer hung up while the REFER ran: now the application hears it. */
        k->xfer_silent_bye = false;
        sip_sc_disconnect(k, LINEDISCONNECTMODE_NORMAL);
    }
    reconnect_held(sc);
    ot_req_complete(r, result);
}

static void xfer_succeeded(struct sip_call *sc)
{
    ot_timer_stop(&sc->xfer_timer);
    struct ot_req *r = sc->xfer_req;
    sc->xfer_req = NULL;
    struct sip_call *k = sc->xfer_held ? sc->conf_consult : NULL;
    if (k)
        sip_set_consult(sc, NULL);
    sc->xfer_held = false;
    /* Our part is over: BYE (the transferee may send its own; they cross
     * harmlessly), the call IDLE on this station. */
    sip_sc_hangup(sc, NULL);
    sip_sc_fail_requests(sc, LINEERR_INVALCALLSTATE);
    sip_sc_idle(sc);
    if (k) {
        k->xfer_silent_bye = false;
        sip_sc_hangup(k, NULL); /* nothing if the transfer target's BYE came first */
        sip_sc_fail_requests(k, LINEERR_INVALCALLSTATE);
        sip_sc_idle(k);
    }
    ot_req_complete(r, 0);
}

/* ---- waiting for the NOTIFYs ------------------------------------------------------- */
/* The wait ran out: no NOTIFY within refer_timeout after the 2xx, or the
 * implicit subscription expired without a final one.  The transfer failed
 * (the same path as a NOTIFY with a failure); a late NOTIFY is answered 200
 * by Sofia and changes nothing. */
static void xfer_timeout(void *arg)
{
    struct sip_call *sc = arg;
    if (!sc->xfer_req)
        return;
    ot_logc(OT_CAT_SIP, OTLOG_INFO, "call %u: no NOTIFY of the transfer in time",
            sc->call ? (unsigned)ot_call_id(sc->call) : 0u);
    xfer_failed(sc, LINEERR_OPERATIONFAILED);
    sip_count(&sip_counters()->refer_timeouts); /* after the reply: a test that sees it finds both */
}

void sip_xfer_init(struct sip_call *sc) { ot_timer_init(&sc->xfer_timer, xfer_timeout, sc); }

/* The next NOTIFY must come within ms (the timer restarts). */
static void xfer_wait(struct sip_call *sc, uint64_t ms)
{
    if (ot_timer_start(&sc->xfer_timer, ms))
        ot_logc(OT_CAT_SIP, OTLOG_ERROR, "out of memory: call %u waits for its transfer's NOTIFY "
                "without a time limit", sc->call ? (unsigned)ot_call_id(sc->call) : 0u);
}

/* How long the implicit subscription lasts after this NOTIFY, in ms: its
 * Subscription-State's expires (RFC 6665 4.1.3: authoritative), at most
 * OT_SIP_MAX_REFER_EXPIRES; refer_timeout when it has none or it does not parse. */
static uint64_t subscription_left_ms(const struct sip_call *sc, const sip_t *sip)
{
    const sip_subscription_state_t *ss = sip ? sip->sip_subscription_state : NULL;
    const char *e = ss ? ss->ss_expires : NULL;
    if (e && *e >= '0' && *e <= '9') {
        char *end;
        unsigned long n = strtoul(e, &end, 10);
        if (!*end)
            return (uint64_t)(n < OT_SIP_MAX_REFER_EXPIRES ? n : OT_SIP_MAX_REFER_EXPIRES) * 1000u;
    }
    return sc->line->refer_timeout_ms;
}

void sip_xfer_on_r_refer(struct sip_call *sc, int status)
{
    if (status < 200 || !sc->xfer_req)
        return;
    if (status >= 300) {
        xfer_failed(sc, LINEERR_OPERATIONFAILED); /* e.g. 405, 603: nothing changed */
        return;
    }
    /* 2xx (202): the NOTIFYs tell the rest; the first must come within
     * refer_timeout (unless one came before the 2xx: its expires counts). */
    if (!sc->xfer_notified)
        xfer_wait(sc, sc->line->refer_timeout_ms);
    sip_count(&sip_counters()->refers_accepted);
}

void sip_xfer_on_notify(struct sip_call *sc, const sip_t *sip, tagi_t tags[])
{
    if (!sc->xfer_req || !sip || !sip->sip_event || !sip->sip_event->o_type ||
        strcasecmp(sip->sip_event->o_type, "refer") != 0)
        return;
    int substate = -1;
    tl_gets(tags, NUTAG_SUBSTATE_REF(substate), TAG_END());
    int st = sipfrag_status(sip);
    ot_logc(OT_CAT_SIP, OTLOG_DEBUG, "call %u: transfer progress %d",
            sc->call ? (unsigned)ot_call_id(sc->call) : 0u, st);
    if (st > 0)
        report_progress(sc, sip, st);
    if (st >= 200 && st < 300)
        xfer_succeeded(sc);
    else if (st >= 300 || substate == nua_substate_terminated)
        xfer_failed(sc, LINEERR_OPERATIONFAILED);
    else { /* the transfer goes on: the next NOTIFY before the subscription expires */
        sc->xfer_notified = true;
        xfer_wait(sc, subscription_left_ms(sc, sip));
    }
}

void sip_xfer_fail(struct sip_call *sc, LONG result)
{
    (void)result; /* whatever ended the call, the transfer did not happen */
    xfer_failed(sc, LINEERR_OPERATIONFAILED);
}

bool sip_xfer_absorb_bye(struct sip_call *sc)
{
    struct sip_call *h = sc->consult_for;
    if (!h || h->is_parent || !h->xfer_req)
        return false;
    /* The transfer target ends the consultation dialog it replaced: the
     * outcome of the REFER says what happens to this call. */
    sc->xfer_silent_bye = true;
    return true;
}

void sip_xfer_consult_left(struct sip_call *k)
{
    struct sip_call *h = k->consult_for;
    if (!h || h->is_parent)
        return;
    sip_set_consult(h, NULL);
    reconnect_held(h);
}

/* ---- provider operations -------------------------------------------------------------- */
LONG sip_blind_transfer(struct ot_req *r, struct ot_call *c, const char *dest)
{
    struct sip_call *sc = call_sc(c);
    if (!sc || sc->is_parent || sc->phase != PH_CONFIRMED || !sc->nh || sc->xfer_req ||
        sc->conf_consult || sc->consult_for || sip_swap_busy(sc))
        return LINEERR_INVALCALLSTATE;
    char *target = sp_target(sc->line, dest);
    if (!target)
        return LINEERR_INVALADDRESS;
    LONG rc = send_refer(sc, target);
    free(target);
    if (rc)
        return rc;
    sc->xfer_req = r;
    sc->xfer_notified = false;
    return 0;
}

LONG sip_setup_transfer(struct ot_req *r, struct ot_call *c, struct ot_call *consult)
{
    struct sip_call *sc = call_sc(c);
    if (!sc || sc->is_parent || sc->phase != PH_CONFIRMED || sc->xfer_req || sc->conf_consult ||
        sc->consult_for || sip_swap_busy(sc))
        return LINEERR_INVALCALLSTATE;
    struct sip_line *l = sc->line;
    struct sip_call *k = sip_sc_new(l, consult, false);
    if (!k)
        return LINEERR_NOMEM;
    ot_call_set_drv(consult, k);
    sip_set_consult(sc, k);
    sc->xfer_held = true;
    ot_ev_call_party(consult, OT_PARTY_CALLER, l->user, l->display, false);
    ot_req_complete(r, 0);
    /* The party waits on hold, as on the switch and as a conference's
     * consultation does: the re-INVITE (sendonly) goes out, its answer
     * changes no TAPI state (a refusal leaves the wire as it was). */
    ot_sip_hold(sc, true, NULL);
    ot_ev_call_state(c, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    ot_ev_call_state(consult, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    return 0;
}

/* Refer-To of an attended transfer: the consultation peer's URI with the
 * consultation dialog as ?Replaces=callid;to-tag=..;from-tag=.. (escaped). */
static char *replaces_uri(struct sip_call *k)
{
    su_home_t home[1] = {SU_HOME_INIT(home)};
    char *uri = NULL;
    sip_replaces_t *rp = nua_handle_make_replaces(k->nh, home, 0);
    if (rp && rp->rp_call_id && rp->rp_to_tag && rp->rp_from_tag) {
        size_t n = strlen(rp->rp_call_id) + strlen(rp->rp_to_tag) + strlen(rp->rp_from_tag) + 32;
        char *v = malloc(n);
        char *e = NULL;
        if (v) {
            snprintf(v, n, "%s;to-tag=%s;from-tag=%s", rp->rp_call_id, rp->rp_to_tag,
                     rp->rp_from_tag);
            e = escape_hvalue(v);
        }
        if (e) {
            n = strlen(k->target) + strlen(e) + 16;
            uri = malloc(n);
            if (uri)
                snprintf(uri, n, "%s?Replaces=%s", k->target, e);
        }
        free(v);
        free(e);
    }
    su_home_deinit(home);
    return uri;
}

LONG sip_complete_transfer(struct ot_req *r, struct ot_call *c, struct ot_call *consult,
                           struct ot_call *conf, DWORD mode)
{
    struct sip_call *h = call_sc(c), *k = call_sc(consult);
    if (!h || !k || h->is_parent || k->is_parent || h->line != k->line || h->xfer_req ||
        k->xfer_req || h->phase != PH_CONFIRMED || !h->nh || sip_swap_busy(h) || sip_swap_busy(k))
        return LINEERR_INVALCALLSTATE;
    if (k->consult_for && k->consult_for != h)
        return LINEERR_INVALCONSULTCALLHANDLE; /* another transfer's or conference's */
    struct sip_line *l = h->line;
    if (mode == LINETRANSFERMODE_CONFERENCE) {
        if (k->phase != PH_CONFIRMED && k->phase != PH_CALLING)
            return LINEERR_INVALCALLSTATE;
        if (l->cf->max_conf < 3)
            return LINEERR_CONFERENCEFULL;
        struct sip_call *p = sip_parent_new(l, conf);
        if (!p)
            return LINEERR_NOMEM;
        ot_call_set_drv(conf, p);
        if (h->conf_consult == k)
            sip_set_consult(h, NULL);
        h->xfer_held = k->xfer_held = false;
        ot_req_complete(r, 0);
        /* The parties talk: off hold on the wire (nothing for one that
         * is not on hold, or whose dialog is not confirmed yet). */
        ot_sip_hold(h, false, NULL);
        ot_sip_hold(k, false, NULL);
        ot_ev_call_conf_parent(c, conf);
        ot_ev_call_conf_parent(consult, conf);
        ot_ev_call_state(c, LINECALLSTATE_CONFERENCED, 0);
        ot_ev_call_state(consult, LINECALLSTATE_CONFERENCED, 0);
        ot_ev_call_state(conf, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        return 0;
    }
    /* Replaces names a confirmed dialog: the consultation call must be answered. */
    if (k->phase != PH_CONFIRMED || !k->nh || !k->target)
        return LINEERR_INVALCALLSTATE;
    char *uri = replaces_uri(k);
    if (!uri)
        return LINEERR_NOMEM;
    LONG rc = send_refer(h, uri);
    free(uri);
    if (rc)
        return rc;
    if (h->conf_consult != k)
        sip_set_consult(h, k);
    h->xfer_held = true;
    h->xfer_req = r;
    h->xfer_notified = false;
    return 0;
}

/* The referring party (Referred-By) as the redirecting ID: user part (or
 * host) and display name (sip_party), as From is read. */
static void party_referrer(struct ot_call *c, const sip_referred_by_t *by)
{
    sip_party(c, OT_PARTY_REDIRECTING, by->b_display, by->b_url, false);
}

/* ---- a REFER we receive ---------------------------------------------------------------- */
static void notify_referrer(struct sip_call *k, int status, const char *phrase, bool final)
{
    struct sip_call *old = k->referrer;
    if (!old || !old->nh || !k->refer_event || k->refer_final_sent)
        return;
    char frag[160];
    snprintf(frag, sizeof(frag), "SIP/2.0 %d %.100s\r\n", status, phrase ? phrase : "");
    nua_notify(old->nh, NUTAG_SUBSTATE(final ? nua_substate_terminated : nua_substate_active),
               SIPTAG_EVENT_STR(k->refer_event), SIPTAG_CONTENT_TYPE_STR(SIPFRAG_TYPE),
               SIPTAG_PAYLOAD_STR(frag), TAG_END());
    if (final) {
        k->refer_final_sent = true;
        old->referred = NULL;
        k->referrer = NULL;
    }
}

void sip_xfer_progress(struct sip_call *k, int status, const char *phrase)
{
    if (status <= 100)
        return; /* our NOTIFY "100 Trying" went with the 202 */
    notify_referrer(k, status, phrase, status >= 200);
}

/* The Replaces header value of a Refer-To URI's headers (?Replaces=...),
 * unescaped; NULL when there is none (*bad when it cannot be read). */
static char *refer_to_replaces(const url_t *u, bool *bad)
{
    *bad = false;
    if (!u->url_headers)
        return NULL;
    const char *h = u->url_headers;
    while (*h) {
        size_t len = strcspn(h, "&");
        if (len > 9 && strncasecmp(h, "Replaces=", 9) == 0) {
            char *v = malloc(len - 9 + 1);
            if (!v) {
                *bad = true;
                return NULL;
            }
            memcpy(v, h + 9, len - 9);
            v[len - 9] = '\0';
            url_unescape(v, v);
            if (!*v || strpbrk(v, "\r\n")) {
                free(v);
                *bad = true;
                return NULL;
            }
            return v;
        }
        h += len;
        if (*h)
            h++;
    }
    return NULL;
}

static void refuse_refer(nua_t *nua, nua_handle_t *nh, int status, const char *phrase,
                         const char *why, const struct sip_line *l)
{
    nua_respond(nh, status, phrase, NUTAG_WITH_THIS(nua), TAG_END());
    sip_count(&sip_counters()->refer_refused);
    ot_logc(OT_CAT_SIP, OTLOG_INFO, "line %u: REFER refused with %d: %s",
            l ? (unsigned)l->id : 0u, status, why);
}

void sip_xfer_on_refer(struct sip_line *l, nua_t *nua, nua_handle_t *nh, struct sip_call *sc,
                       const sip_t *sip, tagi_t tags[])
{
    if (!nh)
        return;
    if (!sc || !sc->call || sc->is_parent) {
        refuse_refer(nua, nh, 403, "Forbidden", "outside a call", l);
        return;
    }
    const sip_refer_to_t *rt = sip ? sip->sip_refer_to : NULL;
    if (rt && rt->r_url->url_type != url_sip) {
        refuse_refer(nua, nh, 501, "Not Implemented", "Refer-To not a sip: URI", l);
        return;
    }
    if (!rt || !rt->r_url->url_host) {
        refuse_refer(nua, nh, 400, "Bad Request", "no usable Refer-To", l);
        return;
    }
    if (sc->phase != PH_CONFIRMED || ot_call_state(sc->call) != LINECALLSTATE_CONNECTED ||
        sc->referred || sc->xfer_req) {
        refuse_refer(nua, nh, 603, "Decline", "call not connected or already transferring", l);
        return;
    }
    if (l->ncalls >= l->max_calls || sip_process_full()) {
        refuse_refer(nua, nh, 603, "Decline", "line or process at max_calls", l);
        return;
    }
    bool bad;
    char *replaces = refer_to_replaces(rt->r_url, &bad);
    if (bad) {
        refuse_refer(nua, nh, 400, "Bad Request", "bad Replaces in Refer-To", l);
        return;
    }
    /* The target without its headers and method. */
    url_t u = *rt->r_url;
    u.url_headers = NULL;
    su_home_t home[1] = {SU_HOME_INIT(home)};
    char *t = url_as_string(home, &u);
    char *target = t ? ot_strdup(t) : NULL;
    su_home_deinit(home);
    const sip_event_t *ev = NULL;
    tl_gets(tags, NUTAG_REFER_EVENT_REF(ev), TAG_END());
    char evs[96];
    if (ev && ev->o_id)
        snprintf(evs, sizeof(evs), "refer;id=%.80s", ev->o_id);
    else
        snprintf(evs, sizeof(evs), "refer");
    struct sip_call *k = target ? sip_sc_new(l, NULL, false) : NULL;
    char *evcopy = k ? ot_strdup(evs) : NULL;
    struct ot_call *c = evcopy ? ot_ev_new_call(l->ld, 0, LINECALLORIGIN_OUTBOUND, k) : NULL;
    if (!c) {
        free(evcopy);
        ot_logc(OT_CAT_SIP, OTLOG_ERROR, "line %u: out of memory for a REFER", (unsigned)l->id);
        nua_respond(nh, SIP_500_INTERNAL_SERVER_ERROR, NUTAG_WITH_THIS(nua), TAG_END());
        free(target);
        free(replaces);
        if (k)
            sip_sc_maybe_free(k); /* no call, no handle yet */
        return;
    }
    k->call = c;
    if (!ot_call_has_owner(c)) {
        /* Nobody could take the new call (no owner of the line). */
        free(evcopy);
        free(target);
        free(replaces);
        refuse_refer(nua, nh, 603, "Decline", "no owner of the line", l);
        ot_ev_call_state(c, LINECALLSTATE_IDLE, 0);
        return;
    }
    k->refer_event = evcopy;
    k->referrer = sc;
    sc->referred = k;
    ot_ev_call_reason(c, LINECALLREASON_TRANSFER);
    ot_ev_call_related(c, ot_call_id(sc->call));
    ot_ev_call_party(c, OT_PARTY_CALLER, l->user, l->display, false);
    const sip_referred_by_t *by = sip->sip_referred_by;
    if (by)
        party_referrer(c, by);
    else
        sip_party_from_addr(c, OT_PARTY_REDIRECTING, sip->sip_from, false);
    LONG rc = sip_sc_invite(k, target, NULL, 0, replaces);
    if (rc) {
        sc->referred = NULL;
        k->referrer = NULL;
        free(target);
        free(replaces);
        refuse_refer(nua, nh, 603, "Decline", "cannot call the Refer-To", l);
        ot_ev_call_state(c, LINECALLSTATE_IDLE, 0);
        return;
    }
    nua_respond(nh, SIP_202_ACCEPTED, NUTAG_WITH_THIS(nua), TAG_END());
    nua_notify(sc->nh, NUTAG_SUBSTATE(nua_substate_active), SIPTAG_EVENT_STR(k->refer_event),
               SIPTAG_CONTENT_TYPE_STR(SIPFRAG_TYPE), SIPTAG_PAYLOAD_STR("SIP/2.0 100 Trying\r\n"),
               TAG_END());
    sip_count(&sip_counters()->refers_received);
    ot_ev_call_party(c, OT_PARTY_CALLED, target, NULL, false);
    ot_ev_call_state(c, LINECALLSTATE_DIALING, 0);
    free(target);
    free(replaces);
}

/* ---- an INVITE with Replaces ----------------------------------------------------------- */
bool sip_xfer_check_replaces(struct sip_line *l, nua_handle_t *nh, const sip_t *sip,
                             struct sip_call **old)
{
    *old = NULL;
    if (!sip || !sip->sip_replaces)
        return true;
    nua_handle_t *nh0 = nua_handle_by_replaces(l->nua, sip->sip_replaces);
    struct sip_call *sc0 = nh0 ? nua_handle_magic(nh0) : NULL;
    if (nh0)
        nua_handle_unref(nh0);
    if (!sc0 || sc0->line != l || !sc0->call || sc0->is_parent || sc0->phase != PH_CONFIRMED ||
        sc0->replaced_by || ot_call_state(sc0->call) != LINECALLSTATE_CONNECTED) {
        nua_respond(nh, 481, "Call/Transaction Does Not Exist", TAG_END());
        nua_handle_destroy(nh);
        sip_count(&sip_counters()->replaces_unmatched);
        ot_logc(OT_CAT_SIP, OTLOG_INFO, "line %u: INVITE with Replaces matches no call: 481",
                (unsigned)l->id);
        return false;
    }
    *old = sc0;
    return true;
}

void sip_xfer_incoming(struct sip_call *sc, const sip_t *sip, struct sip_call *old)
{
    if (!sip || !sc->call)
        return;
    if (sip->sip_from) {
        su_home_t home[1] = {SU_HOME_INIT(home)};
        url_t u = *sip->sip_from->a_url;
        u.url_params = u.url_headers = NULL;
        char *t = url_as_string(home, &u);
        free(sc->target);
        sc->target = t ? ot_strdup(t) : NULL;
        su_home_deinit(home);
    }
    const sip_referred_by_t *by = sip->sip_referred_by;
    if (by) {
        /* A call someone transferred to us. */
        party_referrer(sc->call, by);
        ot_ev_call_reason(sc->call, LINECALLREASON_TRANSFER);
    }
    if (old) {
        sc->replaces = old;
        old->replaced_by = sc;
        ot_ev_call_reason(sc->call, LINECALLREASON_TRANSFER);
        ot_ev_call_related(sc->call, ot_call_id(old->call));
    }
}

bool sip_xfer_answer_replacing(struct sip_call *sc)
{
    if (!sc->replaces || sc->phase != PH_OFFERED)
        return false;
    nua_respond(sc->nh, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR("application/sdp"),
                SIPTAG_PAYLOAD_STR(sc->line->sdp), TAG_END());
    sc->phase = PH_ANSWERING; /* CONNECTED at the ACK (on_ready) */
    return true;
}

void sip_xfer_on_ready(struct sip_call *sc)
{
    struct sip_call *old = sc->replaces;
    if (!old)
        return;
    sc->replaces = NULL;
    old->replaced_by = NULL;
    if (old->phase != PH_CONFIRMED || !old->call)
        return;
    sip_sc_hangup(old, NULL);
    sip_sc_fail_requests(old, LINEERR_INVALCALLSTATE);
    sip_sc_disconnect(old, LINEDISCONNECTMODE_NORMAL);
}

void sip_xfer_unlink(struct sip_call *sc)
{
    if (sc->referrer) { /* never got its final response: the referrer hears 487 */
        notify_referrer(sc, 487, "Request Terminated", true);
        /* (no NOTIFY when the referrer's dialog is gone: the links go anyway) */
        if (sc->referrer) {
            sc->referrer->referred = NULL;
            sc->referrer = NULL;
        }
    }
    if (sc->referred) {
        sc->referred->referrer = NULL;
        sc->referred = NULL;
    }
    if (sc->replaces)
        sc->replaces->replaced_by = NULL;
    if (sc->replaced_by)
        sc->replaced_by->replaces = NULL;
    sc->replaces = sc->replaced_by = NULL;
    ot_timer_stop(&sc->xfer_timer); /* before sc is freed */
    if (sc->xfer_req) { /* the provider stops: no application is left */
        ot_req_discard(sc->xfer_req);
        sc->xfer_req = NULL;
    }
    free(sc->refer_event);
    sc->refer_event = NULL;
}
