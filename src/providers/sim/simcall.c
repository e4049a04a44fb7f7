/* The embedded switch's basic call operations: the provider entry points
 * lineMakeCall, lineDial, lineAnswer, lineAccept, lineSendUserUserInfo,
 * lineHold, lineUnhold, lineDrop and the close of a call (TSPI_lineCloseCall),
 * each checked against the call's state and run at once or after [sim]
 * reply_delay_ms on the core's clock (struct sim_defer, sim.h); dialing a
 * whole number (route).  Split from sim.c, which keeps the numbers, the
 * appearances and connections, offering and ringing, and start/stop. */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

void sim_defer_free(struct sim_defer *d)
{
    ot_timer_stop(&d->timer);
    ot_list_del(&d->link);
    ot_list_del(&d->app_link);
    free(d->dest);
    free(d);
}

/* Requests of this appearance still waiting on the clock fail now (a drop
 * overtook them, or the call went away). */
void sim_fail_deferred(struct sim_app *a)
{
    while (!ot_list_empty(&a->deferred)) {
        struct sim_defer *d = ot_container_of(a->deferred.next, struct sim_defer, app_link);
        struct ot_req *r = d->req;
        sim_defer_free(d);
        ot_req_complete(r, (LONG)LINEERR_INVALCALLSTATE);
    }
}

/* Dial a whole number from end a. */
static void route(struct sim_conn *c, const char *dest, const void *uui, DWORD len)
{
    struct sim_app *caller = APP_OF(c->a.apps.next);
    struct sim_dn *d = sim_dn_find(dest);
    ot_ev_call_party_ex(caller->call, OT_PARTY_CALLED, d ? d->number : dest, NULL, false,
                        d != NULL);
    ot_ev_call_state(caller->call, LINECALLSTATE_DIALING, 0);
    if (!d) {
        c->phase = PH_DEAD;
        sim_end_disconnect(&c->a, LINEDISCONNECTMODE_BADADDRESS);
        return;
    }
    struct sim_fwd f = {LINECALLREASON_DIRECT, NULL};
    if (d != c->a.dn)
        d = sim_route_forward(c->a.dn, d, &f); /* lineForward of the stations called */
    if (d == c->a.dn || sim_dn_busy(d)) {
        c->phase = PH_DEAD;
        ot_ev_call_state(caller->call, LINECALLSTATE_BUSY, LINEBUSYMODE_STATION);
        sim_end_disconnect(&c->a, LINEDISCONNECTMODE_BUSY);
        return;
    }
    ot_ev_call_state(caller->call, LINECALLSTATE_PROCEEDING, 0);
    sim_offer_ex(c, &c->a, d, uui, len, &f, 0);
}

/* ---- operations (after any reply delay) ---- */
static LONG valid_for(const struct sim_app *a, enum sim_op op)
{
    DWORD s = ot_call_state(a->call), m = ot_call_mode(a->call);
    switch (op) {
    case OP_MAKECALL:
        return 0;
    case OP_DIAL:
        return s == LINECALLSTATE_DIALTONE ? 0 : (LONG)LINEERR_INVALCALLSTATE;
    case OP_ANSWER:
        if (s == LINECALLSTATE_OFFERING || s == LINECALLSTATE_ACCEPTED)
            return 0;
        if (s == LINECALLSTATE_CONNECTED && m == LINECONNECTEDMODE_INACTIVE &&
            a->end->dn->sharing == LINEADDRESSSHARING_BRIDGEDSHARED &&
            a->end->conn->phase == PH_CONNECTED)
            return 0; /* rejoin a bridged-shared call */
        return (LONG)LINEERR_INVALCALLSTATE;
    case OP_ACCEPT:
        return s == LINECALLSTATE_OFFERING ? 0 : (LONG)LINEERR_INVALCALLSTATE;
    case OP_SENDUUI:
        return (s == LINECALLSTATE_CONNECTED && a->active) || s == LINECALLSTATE_OFFERING ||
                       s == LINECALLSTATE_ACCEPTED || s == LINECALLSTATE_RINGBACK
                   ? 0
                   : (LONG)LINEERR_INVALCALLSTATE;
    case OP_HOLD:
        return s == LINECALLSTATE_CONNECTED && a->active && a->kind == SIM_PLAIN
                   ? 0
                   : (LONG)LINEERR_INVALCALLSTATE;
    case OP_UNHOLD:
        return s == LINECALLSTATE_ONHOLD ? 0 : (LONG)LINEERR_INVALCALLSTATE;
    }
    return (LONG)LINEERR_OPERATIONFAILED;
}

/* The station's call that is talking now, if any: among the line's CONNECTED
 * calls only (the core keeps them listed), not all of the station's calls. */
struct sim_app *sim_station_active(struct sim_station *st, const struct sim_app *except)
{
    for (struct ot_call *c = ot_linedev_next_connected(st->ld, NULL); c;
         c = ot_linedev_next_connected(st->ld, c)) {
        struct sim_app *o = ot_call_drv(c);
        if (o && o != except && o->st == st && o->end && o->active && o->call == c &&
            o->kind == SIM_PLAIN)
            return o;
    }
    return NULL;
}

static void perform(struct ot_req *r, struct sim_app *a, enum sim_op op, const char *dest,
                    const void *uui, DWORD len)
{
    struct sim_end *e = a->end, *far = sim_other_end(e);
    struct sim_conn *c = e->conn;
    switch (op) {
    case OP_MAKECALL:
        ot_req_complete(r, 0); /* the handle is valid before its first state */
        if (!dest)
            ot_ev_call_state(a->call, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
        else
            route(c, dest, uui, len);
        return;
    case OP_DIAL:
        ot_req_complete(r, 0);
        route(c, dest, NULL, 0);
        return;
    case OP_ANSWER: {
        /* LINEANSWERMODE_HOLD: answering puts this station's active call on hold. */
        struct sim_app *busy = sim_station_active(a->st, a);
        if (busy)
            ot_ev_call_state(busy->call, LINECALLSTATE_ONHOLD, 0);
        a->active = true;
        if (c->phase != PH_CONNECTED) {
            c->phase = PH_CONNECTED;
            ot_timer_stop(&c->no_answer);
            ot_timer_stop(&c->fwd_timer);
            ot_timer_stop(&c->ring);
            struct sim_app *caller = ot_list_empty(&far->apps) ? NULL : APP_OF(far->apps.next);
            struct ot_list *pos, *tmp;
            FOREACH_APP(pos, tmp, far) APP_OF(pos)->active = true;
            sim_end_uui(far, uui, len, false);
            if (caller && caller->call)
                ot_ev_call_party_ex(caller->call, OT_PARTY_CONNECTED, e->dn->number,
                                    a->st->cf->name, true, true);
            ot_ev_call_party_ex(a->call, OT_PARTY_CONNECTED, far->dn ? far->dn->number : NULL,
                                caller ? caller->st->cf->name : NULL, false, true);
            ot_ev_call_state(a->call, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
            /* Other appearances of the number show the call, inactive here. */
            FOREACH_APP(pos, tmp, e)
            {
                struct sim_app *o = APP_OF(pos);
                if (o != a)
                    sim_set_state(o, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_INACTIVE);
            }
            FOREACH_APP(pos, tmp, far)
            sim_set_state(APP_OF(pos), LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        } else {
            ot_ev_call_state(a->call, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        }
        ot_req_complete(r, 0);
        return;
    }
    case OP_ACCEPT:
        sim_end_uui(far, uui, len, false);
        ot_ev_call_state(a->call, LINECALLSTATE_ACCEPTED, 0);
        ot_req_complete(r, 0);
        return;
    case OP_SENDUUI:
        sim_end_uui(far, uui, len, c->phase == PH_CONNECTED);
        ot_req_complete(r, 0);
        return;
    case OP_HOLD:
        ot_ev_call_state(a->call, LINECALLSTATE_ONHOLD, 0);
        ot_req_complete(r, 0);
        return;
    case OP_UNHOLD: {
        struct sim_app *busy = sim_station_active(a->st, a);
        if (busy) {
            ot_req_complete(r, (LONG)LINEERR_INVALCALLSTATE);
            return;
        }
        ot_ev_call_state(a->call, c->phase == PH_DEAD ? LINECALLSTATE_DISCONNECTED
                                                      : LINECALLSTATE_CONNECTED,
                         c->phase == PH_DEAD ? LINEDISCONNECTMODE_NORMAL
                                             : LINECONNECTEDMODE_ACTIVE);
        ot_req_complete(r, 0);
        return;
    }
    }
}

static void execute(struct ot_req *r, struct sim_app *a, enum sim_op op, const char *dest,
                    const void *uui, DWORD len)
{
    LONG v = a->end ? valid_for(a, op) : (LONG)LINEERR_INVALCALLSTATE;
    if (v) {
        ot_req_complete(r, v);
        return;
    }
    struct sim_conn *c = a->end->conn;
    sim_conn_hold(c);
    perform(r, a, op, dest, uui, len);
    sim_conn_release(c);
}

static void defer_fired(void *arg)
{
    struct sim_defer *d = arg;
    struct ot_req *r = d->req;
    struct sim_app *a = d->app;
    enum sim_op op = d->op;
    /* Detach before running: the operation may idle the appearance. */
    ot_list_del(&d->link);
    ot_list_del(&d->app_link);
    execute(r, a, op, d->dest, d->len ? d->uui : NULL, d->len);
    free(d->dest);
    free(d);
}

/* Run now, or after [sim] reply_delay_ms on the core clock. */
static LONG submit(struct ot_req *r, struct sim_app *a, enum sim_op op, const char *dest,
                   const void *uui, DWORD len)
{
    if (!S.reply_delay_ms) {
        execute(r, a, op, dest, uui, len);
        return 0;
    }
    struct sim_defer *d = calloc(1, sizeof(*d) + (uui ? len : 0));
    if (!d)
        return LINEERR_NOMEM;
    if (dest && !(d->dest = ot_strdup(dest))) {
        free(d);
        return LINEERR_NOMEM;
    }
    d->req = r;
    d->app = a;
    d->op = op;
    d->len = uui ? len : 0;
    if (d->len)
        memcpy(d->uui, uui, len);
    ot_timer_init(&d->timer, defer_fired, d);
    if (ot_timer_start(&d->timer, S.reply_delay_ms)) {
        free(d->dest);
        free(d);
        return LINEERR_NOMEM;
    }
    ot_list_add_tail(&S.deferred, &d->link);
    ot_list_add_tail(&a->deferred, &d->app_link);
    return 0;
}

/* ---- provider operations ---- */
LONG sim_make_call(struct ot_req *r, struct ot_call *call, const char *dest,
                   const LINECALLPARAMS *params, const void *uui, DWORD len)
{
    (void)params;
    struct sim_station *st = ot_linedev_drv(ot_call_linedev(call));
    /* One active call at a time per station, as dwMaxNumActiveCalls says. */
    if (sim_station_active(st, NULL))
        return LINEERR_CALLUNAVAIL;
    struct sim_app *a;
    struct sim_conn *c = sim_conn_new(st, call, &a);
    if (!c)
        return LINEERR_NOMEM;
    ot_ev_call_party_ex(call, OT_PARTY_CALLER, st->cf->number, st->cf->name, false, true);
    LONG rc = submit(r, a, OP_MAKECALL, dest, uui, len);
    if (rc) {
        ot_call_set_drv(call, NULL);
        ot_list_del(&a->link);
        st->ncalls--;
        sim_app_free(a);
        free(c);
    }
    return rc;
}

static struct sim_app *live_app(struct ot_call *call)
{
    struct sim_app *a = ot_call_drv(call);
    return a && a->end ? a : NULL;
}

LONG sim_dial(struct ot_req *r, struct ot_call *call, const char *dest)
{
    struct sim_app *a = live_app(call);
    if (!a || ot_call_state(call) != LINECALLSTATE_DIALTONE)
        return LINEERR_INVALCALLSTATE; /* the switch takes whole numbers, once */
    return submit(r, a, OP_DIAL, dest, NULL, 0);
}

LONG sim_answer(struct ot_req *r, struct ot_call *call, const void *uui, DWORD len)
{
    struct sim_app *a = live_app(call);
    if (!a)
        return LINEERR_INVALCALLSTATE;
    LONG v = valid_for(a, OP_ANSWER);
    return v ? v : submit(r, a, OP_ANSWER, NULL, uui, len);
}

LONG sim_accept(struct ot_req *r, struct ot_call *call, const void *uui, DWORD len)
{
    struct sim_app *a = live_app(call);
    if (!a)
        return LINEERR_INVALCALLSTATE;
    return submit(r, a, OP_ACCEPT, NULL, uui, len);
}

LONG sim_send_uui(struct ot_req *r, struct ot_call *call, const void *uui, DWORD len)
{
    struct sim_app *a = live_app(call);
    if (!a)
        return LINEERR_INVALCALLSTATE;
    LONG v = valid_for(a, OP_SENDUUI);
    return v ? v : submit(r, a, OP_SENDUUI, NULL, uui, len);
}

LONG sim_hold(struct ot_req *r, struct ot_call *call)
{
    struct sim_app *a = live_app(call);
    if (!a)
        return LINEERR_INVALCALLSTATE;
    LONG v = valid_for(a, OP_HOLD);
    return v ? v : submit(r, a, OP_HOLD, NULL, NULL, 0);
}

LONG sim_unhold(struct ot_req *r, struct ot_call *call)
{
    struct sim_app *a = live_app(call);
    if (!a)
        return LINEERR_INVALCALLSTATE;
    return submit(r, a, OP_UNHOLD, NULL, NULL, 0);
}

/* The switch side of a drop, for lineDrop and for a call closed while up.
 * LINEERR_OPERATIONUNAVAIL: an offered call this station cannot reject. */
static LONG drop_app(struct sim_app *a, const void *uui, DWORD len)
{
    if (a->kind != SIM_PLAIN && sim_conf_drop(a, uui, len))
        return 0;
    if (!a->end) {
        /* Nothing left at the switch for this call: it just goes IDLE. */
        if (a->call)
            ot_ev_call_state(a->call, LINECALLSTATE_IDLE, 0);
        return 0;
    }
    struct sim_end *e = a->end;
    struct sim_conn *c = e->conn;
    DWORD s = a->call ? ot_call_state(a->call) : 0;
    bool offered = s == LINECALLSTATE_OFFERING || s == LINECALLSTATE_ACCEPTED;
    if (offered && !a->st->cf->can_reject)
        return LINEERR_OPERATIONUNAVAIL;
    sim_conn_hold(c);
    if (offered) {
        /* Reject.  On a shared number the call keeps ringing at the other
         * stations; the last one to reject rejects the call. */
        bool others = false;
        struct ot_list *pos, *tmp;
        FOREACH_APP(pos, tmp, e) others |= APP_OF(pos) != a;
        if (others)
            sim_app_idle(a);
        else
            sim_conn_clear(e, LINEDISCONNECTMODE_REJECT, uui, len);
    } else if (s == LINECALLSTATE_DISCONNECTED || c->phase == PH_DEAD ||
               c->phase == PH_DIALTONE) {
        sim_app_idle(a);
    } else if (c->phase == PH_ALERTING) {
        /* Abandon: the caller gives up before an answer; the offer disappears. */
        sim_conn_clear(e, LINEDISCONNECTMODE_NORMAL, NULL, 0);
    } else {
        /* Connected.  On a shared appearance with another station still on the
         * call, this station only leaves: CONNECTED/INACTIVE, far end undisturbed. */
        bool others_active = false;
        struct ot_list *pos, *tmp;
        FOREACH_APP(pos, tmp, e) others_active |= APP_OF(pos) != a && APP_OF(pos)->active;
        if (others_active) {
            a->active = false;
            if (a->call)
                ot_ev_call_state(a->call, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_INACTIVE);
        } else {
            sim_conn_clear(e, LINEDISCONNECTMODE_NORMAL, uui, len);
        }
    }
    sim_conn_release(c);
    return 0;
}

/* lineDrop.  Immediate, whatever the reply delay: a drop overtakes requests. */
LONG sim_drop(struct ot_req *r, struct ot_call *call, const void *uui, DWORD len)
{
    struct sim_app *a = ot_call_drv(call);
    if (!a)
        ot_ev_call_state(call, LINECALLSTATE_IDLE, 0);
    else {
        LONG rc = drop_app(a, uui, len);
        if (rc)
            return rc;
    }
    ot_req_complete(r, 0);
    return 0;
}

/* TSPI_lineCloseCall: the last handle to the call is gone.  With CLOSEDROP the
 * switch drops what is still up; otherwise (a party line) the set stays on the
 * line unattended, and the appearance lives on without a TAPI call until the
 * connection ends. */
void sim_close_call(struct ot_call *call)
{
    struct sim_app *a = ot_call_drv(call);
    if (!a)
        return;
    if (a->end && a->st->cf->close_drop && ot_call_state(call) != LINECALLSTATE_IDLE)
        drop_app(a, NULL, 0);
    sim_fail_deferred(a);
    if (a->kind != SIM_PLAIN)
        sim_conf_left(a);
    /* Nobody may point at this appearance any more (its relatives: no walk
     * over the station's calls). */
    while (!ot_list_empty(&a->relatives))
        sim_set_rel(ot_container_of(a->relatives.next, struct sim_app, rel_link), NULL);
    sim_gen_stop(a);
    ot_call_set_drv(call, NULL);
    a->call = NULL;
    if (!a->end)
        sim_app_free(a);
}
