/* Redirection on SIP lines (docs/sip.md "Redirect and forward"):
 *  - lineRedirect of an offered call: 302 Moved Temporarily, Contact the new
 *    destination, Diversion (RFC 5806) reason=deflection;
 *  - lineForward: an INVITE the core's forwarding state sends elsewhere
 *    (unconditional; busy = the line has max_calls calls; no answer after
 *    dwNumRingsNoAnswer rings of OT_SIP_RING_MS on the library clock) is
 *    answered 302 with Diversion reason=unconditional / user-busy / no-answer;
 *  - a received Diversion or History-Info (RFC 7044, with RFC 4458's cause)
 *    fills LINECALLINFO's redirecting and redirection IDs and dwReason, and a
 *    P-Asserted-Identity (RFC 3325) the caller ID.
 * Everything runs with the core lock held (NUA callback, provider operation
 * or core timer). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sipint.h"

/* RFC 5806 reason tokens and what they mean to TAPI. */
static const struct {
    const char *token;
    DWORD reason;
} diversion_reasons[] = {
    {"unconditional", LINECALLREASON_FWDUNCOND},
    {"user-busy", LINECALLREASON_FWDBUSY},
    {"no-answer", LINECALLREASON_FWDNOANSWER},
    {"deflection", LINECALLREASON_REDIRECT},
};

/* RFC 4458 cause values (History-Info) and what they mean to TAPI. */
static const struct {
    int cause;
    DWORD reason;
} hi_causes[] = {
    {302, LINECALLREASON_FWDUNCOND},   /* unconditional */
    {486, LINECALLREASON_FWDBUSY},     /* user busy */
    {408, LINECALLREASON_FWDNOANSWER}, /* no reply */
    {480, LINECALLREASON_REDIRECT},    /* deflection immediate response */
    {487, LINECALLREASON_REDIRECT},    /* deflection during alerting */
};

DWORD sip_diversion_reason(const char *token)
{
    if (!token)
        return LINECALLREASON_UNKNOWN;
    char t[32];
    size_t n = strlen(token);
    if (n >= 2 && token[0] == '"' && token[n - 1] == '"')
        token++, n -= 2;
    if (n >= sizeof(t))
        return LINECALLREASON_UNKNOWN;
    memcpy(t, token, n);
    t[n] = '\0';
    for (size_t i = 0; i < sizeof(diversion_reasons) / sizeof(diversion_reasons[0]); i++)
        if (!strcasecmp(t, diversion_reasons[i].token))
            return diversion_reasons[i].reason;
    return LINECALLREASON_UNKNOWN;
}

DWORD sip_hi_cause_reason(int cause)
{
    for (size_t i = 0; i < sizeof(hi_causes) / sizeof(hi_causes[0]); i++)
        if (hi_causes[i].cause == cause)
            return hi_causes[i].reason;
    return LINECALLREASON_UNKNOWN;
}

/* ---- reading ------------------------------------------------------------------ */
/* The values of every header called name (a comma-separated list each),
 * one at a time: *pos walks them.  Returns a malloc'd value or NULL. */
struct hdr_iter {
    const sip_unknown_t *u;
    const char *p;
};

static char *next_value(const sip_t *sip, const char *name, struct hdr_iter *it)
{
    for (;;) {
        if (!it->p || !*it->p) {
            it->u = it->u ? it->u->un_next : sip->sip_unknown;
            while (it->u && (!it->u->un_name || strcasecmp(it->u->un_name, name)))
                it->u = it->u->un_next;
            if (!it->u)
                return NULL;
            it->p = it->u->un_value ? it->u->un_value : "";
        }
        /* up to a comma outside <> and quotes */
        const char *s = it->p;
        bool q = false;
        int angle = 0;
        size_t i = 0;
        for (; s[i]; i++) {
            if (q) {
                if (s[i] == '\\' && s[i + 1])
                    i++;
                else if (s[i] == '"')
                    q = false;
            } else if (s[i] == '"')
                q = true;
            else if (s[i] == '<')
                angle++;
            else if (s[i] == '>' && angle)
                angle--;
            else if (s[i] == ',' && !angle)
                break;
        }
        it->p = s[i] ? s + i + 1 : s + i;
        while (i && isspace((unsigned char)s[i - 1]))
            i--;
        while (i && isspace((unsigned char)*s))
            s++, i--;
        if (!i)
            continue;
        char *v = malloc(i + 1);
        if (!v)
            return NULL;
        memcpy(v, s, i);
        v[i] = '\0';
        return v;
    }
}

/* A name-addr (display <uri>;params) as an address; NULL if it does not parse. */
static sip_addr_t *parse_addr(su_home_t *home, const char *value)
{
    sip_addr_t *a = sip_from_make(home, value);
    return a && a->a_url->url_host ? a : NULL;
}

static void party(struct ot_call *c, enum ot_party which, const sip_addr_t *a)
{
    sip_party(c, which, a->a_display, a->a_url, false);
}

/* RFC 4458: the cause of a History-Info entry, from its URI's cause
 * parameter, or -1. */
static int hi_cause(const url_t *u)
{
    char v[8];
    if (u->url_params && url_param(u->url_params, "cause", v, sizeof(v)) > 0) {
        char *end;
        long n = strtol(v, &end, 10);
        if (!*end && n >= 100 && n <= 699)
            return (int)n;
    }
    return -1;
}

/* The caller, redirecting and redirection parties and dwReason of an
 * incoming INVITE, before OFFERING (no message: the call has no handles). */
void sip_redirect_read(struct ot_call *c, const sip_t *sip)
{
    if (!sip || !c)
        return;
    su_home_t home[1] = {SU_HOME_INIT(home)};
    struct hdr_iter it = {0};
    char *v;
    /* P-Asserted-Identity: the network's word for who calls (the first SIP
     * or tel value); trusted as it comes (docs/sip.md). */
    while ((v = next_value(sip, "P-Asserted-Identity", &it)) != NULL) {
        sip_addr_t *a = parse_addr(home, v);
        free(v);
        if (a) {
            party(c, OT_PARTY_CALLER, a);
            break;
        }
    }
    /* Diversion: the top value is the last diversion (RFC 5806 4.). */
    memset(&it, 0, sizeof(it));
    bool diverted = false;
    while (!diverted && (v = next_value(sip, "Diversion", &it)) != NULL) {
        sip_addr_t *a = parse_addr(home, v);
        free(v);
        if (!a)
            continue;
        diverted = true;
        party(c, OT_PARTY_REDIRECTING, a);
        ot_ev_call_reason(c, sip_diversion_reason(msg_params_find(a->a_params, "reason=")));
    }
    if (!diverted) {
        /* History-Info: the entries in order; the last is this target, the
         * one before it who sent the call on.  The cause (RFC 4458) is on
         * the new target's URI. */
        memset(&it, 0, sizeof(it));
        sip_addr_t *prev = NULL, *last = NULL;
        unsigned n = 0;
        while ((v = next_value(sip, "History-Info", &it)) != NULL) {
            sip_addr_t *a = parse_addr(home, v);
            free(v);
            if (!a)
                continue;
            prev = last;
            last = a;
            n++;
        }
        if (n >= 2 && prev && last) {
            diverted = true;
            party(c, OT_PARTY_REDIRECTING, prev);
            int cause = hi_cause(last->a_url);
            ot_ev_call_reason(c, cause > 0 ? sip_hi_cause_reason(cause)
                                           : LINECALLREASON_UNKNOWN);
        }
    }
    if (diverted && sip->sip_request) {
        const url_t *u = sip->sip_request->rq_url;
        const char *number = u->url_user ? u->url_user : u->url_host;
        if (number)
            ot_ev_call_party(c, OT_PARTY_REDIRECTION, number, NULL, false);
    }
    su_home_deinit(home);
}

/* ---- sending 302 ---------------------------------------------------------------- */
/* Answers the INVITE of nh with 302 to dest, our own address in Diversion
 * with the reason token.  0, or LINEERR_INVALADDRESS / LINEERR_NOMEM and
 * nothing sent. */
static LONG respond_302(struct sip_line *l, nua_handle_t *nh, const char *dest,
                        const char *reason)
{
    char *target = sp_target(l, dest);
    if (!target)
        return LINEERR_INVALADDRESS;
    size_t cn = strlen(target) + 3, dn = strlen(l->aor) + strlen(reason) + 48;
    char *contact = malloc(cn), *div = malloc(dn);
    if (!contact || !div) {
        free(contact);
        free(div);
        free(target);
        return LINEERR_NOMEM;
    }
    snprintf(contact, cn, "<%s>", target);
    snprintf(div, dn, "Diversion: <%s>;reason=%s;counter=1", l->aor, reason);
    nua_respond(nh, SIP_302_MOVED_TEMPORARILY, SIPTAG_CONTACT_STR(contact),
                SIPTAG_REASON_STR("Q.850;cause=23"), SIPTAG_HEADER_STR(div), TAG_END());
    free(contact);
    free(div);
    free(target);
    return 0;
}

LONG sip_redirect(struct ot_req *r, struct sip_call *sc, const char *dest)
{
    if (!sc || sc->is_parent || sc->phase != PH_OFFERED || !sc->nh || !sc->call)
        return LINEERR_INVALCALLSTATE;
    LONG rc = respond_302(sc->line, sc->nh, dest, "deflection");
    if (rc)
        return rc;
    sc->phase = PH_ENDING;
    ot_ev_call_party(sc->call, OT_PARTY_REDIRECTION, dest, NULL, false);
    ot_ev_call_state(sc->call, LINECALLSTATE_IDLE, 0);
    ot_req_complete(r, 0);
    return 0;
}

/* The caller as forwarding matches it: From's user part. */
static const char *caller_of(const sip_t *sip)
{
    return sip && sip->sip_from ? sip->sip_from->a_url->url_user : NULL;
}

bool sip_forward_invite(struct sip_line *l, nua_handle_t *nh, const sip_t *sip, bool busy)
{
    char dest[256];
    const char *caller = caller_of(sip);
    const char *reason = NULL;
    if (ot_linedev_forward_dest(l->ld, 0, LINEFORWARDMODE_UNCOND, caller, dest, sizeof(dest),
                                NULL))
        reason = "unconditional";
    else if (busy && ot_linedev_forward_dest(l->ld, 0, LINEFORWARDMODE_BUSY, caller, dest,
                                             sizeof(dest), NULL))
        reason = "user-busy";
    if (!reason)
        return false;
    if (respond_302(l, nh, dest, reason) != 0) {
        ot_logc(OT_CAT_SIP, OTLOG_WARN, "line %u: cannot forward to %s", (unsigned)l->id, dest);
        return false; /* handled as if not forwarded */
    }
    return true;
}

static void noanswer_fire(void *arg)
{
    struct sip_call *sc = arg;
    if (!sc->fwd_dest || sc->phase != PH_OFFERED || !sc->nh || !sc->call)
        return;
    if (respond_302(sc->line, sc->nh, sc->fwd_dest, "no-answer") != 0)
        return; /* it keeps ringing here */
    sc->phase = PH_ENDING;
    ot_ev_call_party(sc->call, OT_PARTY_REDIRECTION, sc->fwd_dest, NULL, false);
    ot_ev_call_state(sc->call, LINECALLSTATE_IDLE, 0);
}

void sip_forward_init(struct sip_call *sc) { ot_timer_init(&sc->fwd_timer, noanswer_fire, sc); }

void sip_forward_arm(struct sip_call *sc, const sip_t *sip)
{
    char dest[256];
    DWORD rings = 0;
    if (!ot_linedev_forward_dest(sc->line->ld, 0, LINEFORWARDMODE_NOANSW, caller_of(sip), dest,
                                 sizeof(dest), &rings))
        return;
    free(sc->fwd_dest);
    sc->fwd_dest = ot_strdup(dest);
    if (!sc->fwd_dest)
        return;
    if (rings < 1)
        rings = 1;
    ot_timer_start(&sc->fwd_timer, (uint64_t)rings * OT_SIP_RING_MS);
}

void sip_forward_done(struct sip_call *sc)
{
    ot_timer_stop(&sc->fwd_timer);
    free(sc->fwd_dest);
    sc->fwd_dest = NULL;
}

/* A 3xx to our INVITE: where the far end says the call should go, as the
 * redirection ID (not followed: docs/sip.md). */
void sip_redirect_response(struct ot_call *c, const sip_t *sip)
{
    if (!c || !sip || !sip->sip_contact)
        return;
    const url_t *u = sip->sip_contact->m_url;
    char buf[300];
    if (u->url_host)
        snprintf(buf, sizeof(buf), "%s%s%s", u->url_user ? u->url_user : "",
                 u->url_user ? "@" : "", u->url_host);
    else
        return;
    ot_ev_call_party(c, OT_PARTY_REDIRECTION, buf, NULL, true);
}
