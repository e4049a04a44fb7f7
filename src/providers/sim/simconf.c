/* Conferences and transfers on the embedded switch.
 *
 * A conference is a bridge appearance (SIM_BRIDGE) on the host station, with
 * no connection of its own; each party is on its own connection to the host,
 * whose appearance there is a member (SIM_MEMBER, rel = the bridge).  The
 * switch has LINEADDRCAPFLAGS_CONFDROP: dropping the bridge drops every member
 * (and its far end).  A member that leaves (dropped, removed, or its far end
 * hung up) leaves only its own connection; a conference left with one party
 * reverts to a plain call (bridge IDLE, the survivor CONNECTED).  Dropping a
 * consultation call gives back the held call (LINEADDRCAPFLAGS_AUTORECONNECT).
 * Conference and transfer requests take effect at once (no reply delay). */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define REL_OF(pos) ot_container_of(pos, struct sim_app, rel_link)

static bool connected_or_held(const struct sim_app *a)
{
    return a->end && a->call && a->end->conn->phase == PH_CONNECTED;
}

static bool connected_app(const struct sim_app *a)
{
    return a && a->end && a->active && a->kind == SIM_PLAIN && a->call &&
           a->end->conn->phase == PH_CONNECTED &&
           ot_call_state(a->call) == LINECALLSTATE_CONNECTED;
}

/* Live members of a bridge, and the first of them. */
static unsigned members(struct sim_app *bridge, struct sim_app **first)
{
    unsigned n = 0;
    struct ot_list *pos;
    if (first)
        *first = NULL;
    for (pos = bridge->relatives.next; pos != &bridge->relatives; pos = pos->next) {
        struct sim_app *m = REL_OF(pos);
        if (m->kind == SIM_MEMBER && m->end) {
            if (!n && first)
                *first = m;
            n++;
        }
    }
    return n;
}

static struct sim_app *pending_consult(struct sim_app *bridge)
{
    struct ot_list *pos;
    for (pos = bridge->relatives.next; pos != &bridge->relatives; pos = pos->next) {
        struct sim_app *m = REL_OF(pos);
        if (m->kind == SIM_CONSULT_CONF && m->end)
            return m;
    }
    return NULL;
}

static void bridge_idle(struct sim_app *p)
{
    if (p->bridge_idle)
        return;
    p->bridge_idle = true;
    if (p->call)
        ot_ev_call_state(p->call, LINECALLSTATE_IDLE, 0);
}

static void make_plain(struct sim_app *m)
{
    m->kind = SIM_PLAIN;
    sim_set_rel(m, NULL);
    if (m->call)
        ot_ev_call_conf_parent(m->call, NULL);
}

/* After a member or the consultation call left: reconnect, or revert. */
static void conf_check(struct sim_app *p)
{
    if (p->bridge_idle)
        return;
    struct sim_app *first;
    unsigned n = members(p, &first);
    struct sim_app *consult = pending_consult(p);
    if (consult) {
        if (n == 0) { /* nothing left to add the consultation call to */
            make_plain(consult);
            bridge_idle(p);
        }
        return;
    }
    if (n >= 2) {
        if (p->call && ot_call_state(p->call) == LINECALLSTATE_ONHOLDPENDCONF)
            ot_ev_call_state(p->call, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        return;
    }
    bridge_idle(p);
    if (n == 1) {
        /* Two parties left (host and one): a plain call again. */
        make_plain(first);
        bool up = first->end->conn->phase == PH_CONNECTED;
        first->active = true;
        if (first->call)
            ot_ev_call_state(first->call, up ? LINECALLSTATE_CONNECTED : LINECALLSTATE_RINGBACK,
                             up ? LINECONNECTEDMODE_ACTIVE : 0);
    }
}

void sim_conf_left(struct sim_app *a)
{
    struct sim_app *rel = a->rel;
    switch (a->kind) {
    case SIM_MEMBER:
    case SIM_CONSULT_CONF:
        make_plain(a);
        if (rel)
            conf_check(rel);
        break;
    case SIM_CONSULT_XFER:
        make_plain(a);
        if (rel && rel->kind == SIM_HELD_XFER) {
            make_plain(rel);
            if (connected_or_held(rel))
                ot_ev_call_state(rel->call, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        }
        break;
    case SIM_HELD_XFER:
        make_plain(a);
        if (rel && rel->kind == SIM_CONSULT_XFER)
            make_plain(rel);
        break;
    case SIM_BRIDGE:
        while (!ot_list_empty(&a->relatives))
            make_plain(REL_OF(a->relatives.next));
        break;
    default:
        break;
    }
}

/* lineDrop of a conference-related call. */
bool sim_conf_drop(struct sim_app *a, const void *uui, DWORD len)
{
    switch (a->kind) {
    case SIM_BRIDGE: {
        if (a->bridge_idle)
            return true;
        /* CONFDROP: every party goes, each with its own state messages. */
        a->bridge_idle = true; /* no reverting while the members go */
        for (;;) {
            struct sim_app *m = NULL;
            struct ot_list *pos;
            for (pos = a->relatives.next; pos != &a->relatives; pos = pos->next) {
                struct sim_app *x = REL_OF(pos);
                if (x->end &&
                    (x->kind == SIM_MEMBER || x->kind == SIM_CONSULT_CONF)) {
                    m = x;
                    break;
                }
            }
            if (!m)
                break;
            if (m->end->conn->phase == PH_DEAD)
                sim_app_idle(m);
            else
                sim_conn_clear(m->end, LINEDISCONNECTMODE_NORMAL, uui, len);
        }
        a->bridge_idle = false;
        bridge_idle(a);
        return true;
    }
    case SIM_MEMBER:
    case SIM_CONSULT_CONF:
    case SIM_CONSULT_XFER:
    case SIM_HELD_XFER:
        if (!a->end) {
            ot_ev_call_state(a->call, LINECALLSTATE_IDLE, 0);
            return true;
        }
        if (a->end->conn->phase == PH_DEAD || a->end->conn->phase == PH_DIALTONE)
            sim_app_idle(a);
        else
            sim_conn_clear(a->end, LINEDISCONNECTMODE_NORMAL, uui, len);
        return true;
    default:
        return false;
    }
}

LONG sim_setup_conf(struct ot_req *r, struct ot_call *c, struct ot_call *conf,
                    struct ot_call *consult, DWORD nparties)
{
    struct sim_app *a = ot_call_drv(c), *k = NULL;
    if (!connected_app(a))
        return LINEERR_INVALCALLSTATE;
    if (nparties > a->st->cf->max_conf)
        return LINEERR_CONFERENCEFULL;
    struct sim_app *p = sim_bridge_new(a->st, conf);
    if (!p)
        return LINEERR_NOMEM;
    if (!sim_conn_new(a->st, consult, &k)) {
        ot_call_set_drv(conf, NULL);
        ot_list_del(&p->st_link);
        S.live_apps--;
        free(p);
        return LINEERR_NOMEM;
    }
    k->kind = SIM_CONSULT_CONF;
    sim_set_rel(k, p);
    ot_ev_call_party_ex(consult, OT_PARTY_CALLER, a->st->cf->number, a->st->cf->name, false,
                        true);
    ot_req_complete(r, 0);
    a->kind = SIM_MEMBER;
    sim_set_rel(a, p);
    ot_ev_call_conf_parent(c, conf);
    ot_ev_call_state(c, LINECALLSTATE_CONFERENCED, 0);
    ot_ev_call_state(conf, LINECALLSTATE_ONHOLDPENDCONF, 0);
    ot_ev_call_state(consult, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    return 0;
}

LONG sim_prepare_add(struct ot_req *r, struct ot_call *conf, struct ot_call *consult)
{
    struct sim_app *p = ot_call_drv(conf), *k = NULL;
    if (!p || p->kind != SIM_BRIDGE || p->bridge_idle || pending_consult(p))
        return LINEERR_INVALCALLSTATE;
    if (!sim_conn_new(p->st, consult, &k))
        return LINEERR_NOMEM;
    k->kind = SIM_CONSULT_CONF;
    sim_set_rel(k, p);
    ot_ev_call_party_ex(consult, OT_PARTY_CALLER, p->st->cf->number, p->st->cf->name, false,
                        true);
    ot_req_complete(r, 0);
    ot_ev_call_state(conf, LINECALLSTATE_ONHOLDPENDCONF, 0);
    ot_ev_call_state(consult, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    return 0;
}

LONG sim_add_to_conf(struct ot_req *r, struct ot_call *conf, struct ot_call *consult)
{
    struct sim_app *p = ot_call_drv(conf), *k = ot_call_drv(consult);
    if (!p || p->kind != SIM_BRIDGE || p->bridge_idle || !k || !k->end || k->st != p->st)
        return LINEERR_INVALCALLSTATE;
    if ((k->kind != SIM_PLAIN && !(k->kind == SIM_CONSULT_CONF && k->rel == p)) ||
        (k->end->conn->phase != PH_CONNECTED && k->end->conn->phase != PH_ALERTING))
        return LINEERR_INVALCALLSTATE;
    if (members(p, NULL) + 1 >= p->st->cf->max_conf)
        return LINEERR_CONFERENCEFULL;
    k->kind = SIM_MEMBER;
    sim_set_rel(k, p);
    ot_ev_call_conf_parent(consult, conf);
    ot_ev_call_state(consult, LINECALLSTATE_CONFERENCED, 0);
    ot_ev_call_state(conf, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    ot_req_complete(r, 0);
    return 0;
}

LONG sim_remove_from_conf(struct ot_req *r, struct ot_call *c)
{
    struct sim_app *m = ot_call_drv(c);
    if (!m || m->kind != SIM_MEMBER || !m->end)
        return LINEERR_INVALCALLSTATE;
    /* dwRemoveFromConfState is IDLE: the removed party is dropped. */
    sim_conf_drop(m, NULL, 0);
    ot_req_complete(r, 0);
    return 0;
}

LONG sim_setup_transfer(struct ot_req *r, struct ot_call *c, struct ot_call *consult)
{
    struct sim_app *a = ot_call_drv(c), *k = NULL;
    if (!connected_app(a))
        return LINEERR_INVALCALLSTATE;
    if (!sim_conn_new(a->st, consult, &k))
        return LINEERR_NOMEM;
    k->kind = SIM_CONSULT_XFER;
    sim_set_rel(k, a);
    ot_ev_call_party_ex(consult, OT_PARTY_CALLER, a->st->cf->number, a->st->cf->name, false,
                        true);
    ot_req_complete(r, 0);
    a->kind = SIM_HELD_XFER;
    sim_set_rel(a, k);
    ot_ev_call_state(c, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
    ot_ev_call_state(consult, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    return 0;
}

/* The parties at end `to` learn who they are connected to now. */
static void tell_party(struct sim_end *to, struct sim_end *other, bool alerting)
{
    struct sim_app *o = ot_list_empty(&other->apps) ? NULL : APP_OF(other->apps.next);
    struct ot_list *pos, *tmp;
    FOREACH_APP(pos, tmp, to)
    {
        struct sim_app *x = APP_OF(pos);
        if (!x->call)
            continue;
        DWORD s = ot_call_state(x->call);
        enum ot_party which = s == LINECALLSTATE_OFFERING || s == LINECALLSTATE_ACCEPTED
                                  ? OT_PARTY_CALLER
                                  : (alerting ? OT_PARTY_CALLED : OT_PARTY_CONNECTED);
        ot_ev_call_party_ex(x->call, which, other->dn ? other->dn->number : NULL,
                            o ? o->st->cf->name : NULL, true, true);
    }
}

LONG sim_complete_transfer(struct ot_req *r, struct ot_call *c, struct ot_call *consult,
                           struct ot_call *conf, DWORD mode)
{
    struct sim_app *a = ot_call_drv(c), *k = ot_call_drv(consult);
    if (!a || !a->end || !k || !k->end || a->st != k->st)
        return LINEERR_INVALCALLSTATE;
    struct sim_conn *ca = a->end->conn, *ck = k->end->conn;
    if (ca->phase != PH_CONNECTED ||
        (ck->phase != PH_CONNECTED && ck->phase != PH_ALERTING))
        return LINEERR_INVALCALLSTATE;
    if (mode == LINETRANSFERMODE_CONFERENCE) {
        if (a->st->cf->max_conf < 3)
            return LINEERR_CONFERENCEFULL;
        struct sim_app *p = sim_bridge_new(a->st, conf);
        if (!p)
            return LINEERR_NOMEM;
        ot_req_complete(r, 0);
        a->kind = k->kind = SIM_MEMBER;
        sim_set_rel(a, p);
        sim_set_rel(k, p);
        ot_ev_call_conf_parent(c, conf);
        ot_ev_call_conf_parent(consult, conf);
        ot_ev_call_state(c, LINECALLSTATE_CONFERENCED, 0);
        ot_ev_call_state(consult, LINECALLSTATE_CONFERENCED, 0);
        ot_ev_call_state(conf, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        return 0;
    }
    /* Transfer: the held party and the consulted party are joined; this
     * station's two calls go IDLE. */
    struct sim_end *host = a->end, *x = sim_other_end(host);
    struct sim_end *kend = k->end, *y = sim_other_end(kend);
    bool alerting = ck->phase == PH_ALERTING;
    sim_conn_hold(ca);
    sim_conn_hold(ck);
    a->kind = k->kind = SIM_PLAIN;
    sim_set_rel(a, NULL);
    sim_set_rel(k, NULL);
    sim_app_idle(a);
    sim_app_idle(k);
    sim_end_idle(host); /* other appearances of the host, if any */
    while (!ot_list_empty(&y->apps)) {
        struct sim_app *m = APP_OF(y->apps.next);
        ot_list_del(&m->link);
        ot_list_add_tail(&host->apps, &m->link);
        m->end = host;
    }
    host->dn = y->dn;
    ck->phase = PH_DEAD;
    ot_timer_stop(&ck->no_answer);
    ot_timer_stop(&ck->ring);
    ca->phase = alerting ? PH_ALERTING : PH_CONNECTED;
    tell_party(x, host, alerting);
    tell_party(host, x, false);
    if (alerting) {
        struct ot_list *pos, *tmp;
        FOREACH_APP(pos, tmp, x) sim_set_state(APP_OF(pos), LINECALLSTATE_RINGBACK, 0);
        if (S.no_answer_ms)
            ot_timer_start(&ca->no_answer, S.no_answer_ms);
    }
    sim_conn_release(ck);
    sim_conn_release(ca);
    ot_req_complete(r, 0);
    return 0;
}

LONG sim_blind_transfer(struct ot_req *r, struct ot_call *c, const char *dest)
{
    struct sim_app *a = ot_call_drv(c);
    if (!connected_app(a))
        return LINEERR_INVALCALLSTATE;
    struct sim_dn *d = sim_dn_find(dest);
    if (!d)
        return LINEERR_INVALADDRESS;
    struct sim_end *host = a->end, *x = sim_other_end(host);
    struct sim_conn *conn = host->conn;
    sim_conn_hold(conn);
    sim_app_idle(a);
    sim_end_idle(host);
    bool busy = d == x->dn;
    for (unsigned i = 0; i < d->nst && !busy; i++)
        busy = d->st[i]->ncalls != 0;
    if (busy) {
        conn->phase = PH_DEAD;
        struct ot_list *pos, *tmp;
        FOREACH_APP(pos, tmp, x) sim_set_state(APP_OF(pos), LINECALLSTATE_BUSY,
                                               LINEBUSYMODE_STATION);
        sim_end_disconnect(x, LINEDISCONNECTMODE_BUSY);
    } else {
        if (sim_offer(conn, x, d, NULL, 0))
            tell_party(x, host, true);
    }
    sim_conn_release(conn);
    ot_req_complete(r, 0);
    return 0;
}
