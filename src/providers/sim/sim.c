/* The embedded switch ("sim"): an in-process PBX that connects the configured
 * stations to each other.  It owns directory numbers, connections and the
 * appearances of a connection at each station, and reports every change to the
 * core.  It runs with the core lock held (provider rules in core/provider.h),
 * has no thread of its own, and its timers run on the core's clock.
 *
 * Model: a connection (struct sim_conn) joins two ends, the caller's (a) and
 * the callee's (b).  An end belongs to a directory number and has one
 * appearance (struct sim_app, one TAPI call on one station) per station that
 * shows the call: one for a private number, several for shared ones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/ot.h"

#define SIM_MAX_STATIONS_PER_DN 16

struct sim_dn;
struct sim_conn;
struct sim_end;

struct sim_station {
    struct ot_linedev *ld;
    const struct ot_line_conf *cf;
    struct sim_dn *dn;
    unsigned ncalls; /* appearances not yet IDLE */
    struct ot_list apps; /* struct sim_app.st_link, until the core closes the call */
};

struct sim_dn {
    const char *number;
    DWORD sharing;
    bool party;
    struct sim_station *st[SIM_MAX_STATIONS_PER_DN];
    unsigned nst;
    struct sim_dn *hash_next;
};

enum sim_phase { PH_DIALTONE, PH_ALERTING, PH_CONNECTED, PH_DEAD };

struct sim_app {
    struct ot_call *call;
    struct sim_station *st;
    struct sim_end *end;
    bool active;          /* talking at this station (shared appearances) */
    struct ot_list link;  /* end->apps */
    struct ot_list st_link; /* st->apps */
    unsigned ndeferred;     /* its requests waiting on the clock (in S.deferred) */
};

struct sim_end {
    struct sim_conn *conn;
    struct sim_dn *dn;
    struct ot_list apps;
};

struct sim_conn {
    enum sim_phase phase;
    struct sim_end a, b;
    struct ot_timer no_answer;
    unsigned busy; /* entry points in progress: the connection outlives them */
};

enum sim_op { OP_MAKECALL, OP_DIAL, OP_ANSWER, OP_ACCEPT, OP_SENDUUI, OP_HOLD, OP_UNHOLD };
struct sim_defer {
    struct ot_list link;
    struct ot_timer timer;
    struct ot_req *req;
    struct sim_app *app;
    enum sim_op op;
    DWORD len;
    char *dest;
    unsigned char uui[];
};

static struct {
    struct sim_station *stations;
    unsigned nstations;
    struct sim_dn *dns;
    unsigned ndns;
    struct sim_dn **hash;
    unsigned hash_size;
    uint64_t no_answer_ms;
    uint64_t reply_delay_ms;
    unsigned live_apps;
    struct ot_list deferred; /* struct sim_defer.link */
} S;

/* ---- directory numbers ---- */
static unsigned hash_str(const char *s)
{
    unsigned h = 2166136261u;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

static struct sim_dn *dn_find(const char *number)
{
    if (!S.hash_size)
        return NULL;
    for (struct sim_dn *d = S.hash[hash_str(number) % S.hash_size]; d; d = d->hash_next)
        if (!strcmp(d->number, number))
            return d;
    return NULL;
}

static uint64_t setting_ms(const char *key, uint64_t def)
{
    const char *v = ot_setting("sim", key);
    if (!v)
        return def;
    char *end;
    unsigned long long n = strtoull(v, &end, 10);
    if (*end || *v == '-' || n > 86400000ull) {
        fprintf(stderr, "opentapi: [sim] %s = %s: expected milliseconds (0..86400000)\n", key, v);
        return UINT64_MAX;
    }
    return n;
}

static void sim_stop(void);

static int sim_start(struct ot_linedev **lines, unsigned n)
{
    memset(&S, 0, sizeof(S));
    S.no_answer_ms = setting_ms("no_answer_ms", 60000);
    S.reply_delay_ms = setting_ms("reply_delay_ms", 0);
    ot_list_init(&S.deferred);
    if (S.no_answer_ms == UINT64_MAX || S.reply_delay_ms == UINT64_MAX)
        return -1;
    S.stations = calloc(n, sizeof(*S.stations));
    S.dns = calloc(n, sizeof(*S.dns));
    S.hash_size = n * 2 + 1;
    S.hash = calloc(S.hash_size, sizeof(*S.hash));
    if (!S.stations || !S.dns || !S.hash)
        goto fail;
    S.nstations = n;
    for (unsigned i = 0; i < n; i++) {
        struct sim_station *st = &S.stations[i];
        st->ld = lines[i];
        st->cf = ot_linedev_conf(lines[i]);
        ot_list_init(&st->apps);
        ot_linedev_set_drv(lines[i], st);
        struct sim_dn *d = dn_find(st->cf->number);
        if (!d) {
            d = &S.dns[S.ndns++];
            d->number = st->cf->number;
            d->sharing = st->cf->sharing;
            d->party = st->cf->party_line;
            unsigned h = hash_str(d->number) % S.hash_size;
            d->hash_next = S.hash[h];
            S.hash[h] = d;
        } else if (d->sharing == LINEADDRESSSHARING_PRIVATE || d->sharing != st->cf->sharing ||
                   d->party != st->cf->party_line) {
            fprintf(stderr,
                    "opentapi: [sim] number %s appears on several lines with different or "
                    "private sharing\n",
                    d->number);
            goto fail;
        }
        if (d->nst == SIM_MAX_STATIONS_PER_DN) {
            fprintf(stderr, "opentapi: [sim] number %s: more than %d stations\n", d->number,
                    SIM_MAX_STATIONS_PER_DN);
            goto fail;
        }
        d->st[d->nst++] = st;
        st->dn = d;
    }
    return 0;
fail:
    sim_stop();
    return -1;
}

/* ---- appearances and connections ---- */
static struct sim_app *app_new(struct sim_station *st, struct sim_end *end)
{
    struct sim_app *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    a->st = st;
    a->end = end;
    ot_list_add_tail(&end->apps, &a->link);
    ot_list_add_tail(&st->apps, &a->st_link);
    st->ncalls++;
    S.live_apps++;
    return a;
}

static void conn_maybe_free(struct sim_conn *c)
{
    if (!c->busy && ot_list_empty(&c->a.apps) && ot_list_empty(&c->b.apps)) {
        ot_timer_stop(&c->no_answer);
        free(c);
    }
}

static void conn_hold(struct sim_conn *c) { c->busy++; }
static void conn_release(struct sim_conn *c)
{
    c->busy--;
    conn_maybe_free(c);
}

static void defer_free(struct sim_defer *d)
{
    ot_timer_stop(&d->timer);
    ot_list_del(&d->link);
    d->app->ndeferred--;
    free(d->dest);
    free(d);
}

/* The appearance left the call: it goes IDLE and leaves its connection.
 * Requests still waiting for it fail (a drop overtook them). */
/* Requests of this appearance still waiting on the clock fail now. */
static void fail_deferred(struct sim_app *a)
{
    while (a->ndeferred) {
        struct ot_list *pos;
        for (pos = S.deferred.next; pos != &S.deferred; pos = pos->next) {
            struct sim_defer *d = ot_container_of(pos, struct sim_defer, link);
            if (d->app == a) {
                struct ot_req *r = d->req;
                defer_free(d);
                ot_req_complete(r, (LONG)LINEERR_INVALCALLSTATE);
                break;
            }
        }
    }
}

static void app_idle(struct sim_app *a)
{
    fail_deferred(a);
    struct sim_end *e = a->end;
    if (e) {
        ot_list_del(&a->link);
        a->end = NULL;
        a->active = false;
        a->st->ncalls--;
        if (a->call)
            ot_ev_call_state(a->call, LINECALLSTATE_IDLE, 0);
        conn_maybe_free(e->conn);
    }
}

static struct sim_end *other_end(struct sim_end *e)
{
    return e == &e->conn->a ? &e->conn->b : &e->conn->a;
}

#define FOREACH_APP(pos, tmp, end) ot_list_foreach_safe(pos, tmp, &(end)->apps)
#define APP_OF(pos) ot_container_of(pos, struct sim_app, link)

static void end_set_state(struct sim_end *e, DWORD state, DWORD mode)
{
    struct ot_list *pos, *tmp;
    FOREACH_APP(pos, tmp, e) ot_ev_call_state(APP_OF(pos)->call, state, mode);
}

static void end_uui(struct sim_end *e, const void *uui, DWORD len, bool active_only)
{
    if (!uui || !len)
        return;
    struct ot_list *pos, *tmp;
    FOREACH_APP(pos, tmp, e)
    {
        if (!active_only || APP_OF(pos)->active)
            ot_ev_call_uui(APP_OF(pos)->call, uui, len);
    }
}

/* Appearances without an owner have nobody to hang up: a DISCONNECTED call
 * there is cleared at once, as a telephone set on-hook would. */
static void end_disconnect(struct sim_end *e, DWORD mode)
{
    struct ot_list *pos, *tmp;
    FOREACH_APP(pos, tmp, e) ot_ev_call_state(APP_OF(pos)->call, LINECALLSTATE_DISCONNECTED, mode);
    FOREACH_APP(pos, tmp, e)
    {
        if (!ot_call_has_owner(APP_OF(pos)->call))
            app_idle(APP_OF(pos));
    }
}

static void end_idle(struct sim_end *e)
{
    while (!ot_list_empty(&e->apps))
        app_idle(APP_OF(e->apps.next));
}

static bool dn_busy(const struct sim_dn *d)
{
    for (unsigned i = 0; i < d->nst; i++)
        if (d->st[i]->ncalls)
            return true;
    return false;
}

static void no_answer_fired(void *arg)
{
    struct sim_conn *c = arg;
    if (c->phase != PH_ALERTING)
        return;
    conn_hold(c);
    c->phase = PH_DEAD;
    end_idle(&c->b);
    end_disconnect(&c->a, LINEDISCONNECTMODE_NOANSWER);
    conn_release(c);
}

/* Route a dialled number from end a.  Returns 0, or a disconnect already reported. */
static void route(struct sim_conn *c, const char *dest, const void *uui, DWORD len)
{
    struct sim_app *caller = APP_OF(c->a.apps.next);
    struct sim_dn *d = dn_find(dest);
    /* Configuration strings live until stop(): the core may keep pointers. */
    ot_ev_call_party_ex(caller->call, OT_PARTY_CALLED, d ? d->number : dest, NULL, false, d != NULL);
    ot_ev_call_state(caller->call, LINECALLSTATE_DIALING, 0);
    if (!d) {
        c->phase = PH_DEAD;
        end_disconnect(&c->a, LINEDISCONNECTMODE_BADADDRESS);
        return;
    }
    if (d == c->a.dn || dn_busy(d)) {
        c->phase = PH_DEAD;
        ot_ev_call_state(caller->call, LINECALLSTATE_BUSY, LINEBUSYMODE_STATION);
        end_disconnect(&c->a, LINEDISCONNECTMODE_BUSY);
        return;
    }
    ot_ev_call_state(caller->call, LINECALLSTATE_PROCEEDING, 0);
    c->b.dn = d;
    const struct ot_line_conf *ccf = caller->st->cf;
    for (unsigned i = 0; i < d->nst; i++) {
        struct sim_app *b = app_new(d->st[i], &c->b);
        struct ot_call *bc =
            b ? ot_ev_new_call(d->st[i]->ld, 0, LINECALLORIGIN_INTERNAL, b) : NULL;
        if (!bc) {
            if (b) {
                ot_list_del(&b->link);
                ot_list_del(&b->st_link);
                b->st->ncalls--;
                S.live_apps--;
                free(b);
            }
            ot_log("sim: out of memory offering a call to %s", d->number);
            continue;
        }
        b->call = bc;
        ot_ev_call_party_ex(bc, OT_PARTY_CALLER, ccf->number, ccf->name, false, true);
        ot_ev_call_party_ex(bc, OT_PARTY_CALLED, d->number, d->st[i]->cf->name, false, true);
        /* UUI that came with the call is in LINECALLINFO when OFFERING arrives. */
        ot_ev_call_uui(bc, uui, len);
    }
    if (ot_list_empty(&c->b.apps)) {
        c->phase = PH_DEAD;
        end_disconnect(&c->a, LINEDISCONNECTMODE_CONGESTION);
        return;
    }
    c->phase = PH_ALERTING;
    DWORD offer_mode = d->nst > 1 ? LINEOFFERINGMODE_ACTIVE : LINEOFFERINGMODE_ACTIVE;
    end_set_state(&c->b, LINECALLSTATE_OFFERING, offer_mode);
    ot_ev_call_state(caller->call, LINECALLSTATE_RINGBACK, 0);
    if (S.no_answer_ms)
        ot_timer_start(&c->no_answer, S.no_answer_ms);
}

/* ---- operations (after any reply delay) ---- */
static void do_make_call(struct ot_req *r, struct sim_app *a, const char *dest, const void *uui,
                         DWORD len)
{
    struct sim_conn *c = a->end->conn;
    ot_req_complete(r, 0); /* the handle is valid before its first state */
    if (!dest) {
        ot_ev_call_state(a->call, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
        return;
    }
    route(c, dest, uui, len);
}

static LONG valid_for(const struct sim_app *a, enum sim_op op)
{
    DWORD s = ot_call_state(a->call), m = ot_call_mode(a->call);
    switch (op) {
    case OP_MAKECALL:
        return 0;
    case OP_DIAL:
        return s == LINECALLSTATE_DIALTONE ? 0 : LINEERR_INVALCALLSTATE;
    case OP_ANSWER:
        if (s == LINECALLSTATE_OFFERING || s == LINECALLSTATE_ACCEPTED)
            return 0;
        if (s == LINECALLSTATE_CONNECTED && m == LINECONNECTEDMODE_INACTIVE)
            return a->end->dn->sharing == LINEADDRESSSHARING_BRIDGEDSHARED
                       ? 0
                       : LINEERR_INVALCALLSTATE;
        return LINEERR_INVALCALLSTATE;
    case OP_ACCEPT:
        return s == LINECALLSTATE_OFFERING ? 0 : LINEERR_INVALCALLSTATE;
    case OP_SENDUUI:
        return (s == LINECALLSTATE_CONNECTED && a->active) || s == LINECALLSTATE_OFFERING ||
                       s == LINECALLSTATE_ACCEPTED || s == LINECALLSTATE_RINGBACK
                   ? 0
                   : LINEERR_INVALCALLSTATE;
    case OP_HOLD:
        return s == LINECALLSTATE_CONNECTED && a->active ? 0 : LINEERR_INVALCALLSTATE;
    case OP_UNHOLD:
        return s == LINECALLSTATE_ONHOLD ? 0 : LINEERR_INVALCALLSTATE;
    }
    return LINEERR_OPERATIONFAILED;
}

#define ST_APP_OF(pos) ot_container_of(pos, struct sim_app, st_link)

/* The station's call that is talking now, if any. */
static struct sim_app *station_active(struct sim_station *st, const struct sim_app *except)
{
    struct ot_list *pos;
    for (pos = st->apps.next; pos != &st->apps; pos = pos->next) {
        struct sim_app *o = ST_APP_OF(pos);
        if (o != except && o->end && o->active && o->call &&
            ot_call_state(o->call) == LINECALLSTATE_CONNECTED)
            return o;
    }
    return NULL;
}

static void hold_other_calls(struct sim_app *a)
{
    /* LINEANSWERMODE_HOLD: answering puts this station's active call on hold. */
    struct sim_app *o = station_active(a->st, a);
    if (o)
        ot_ev_call_state(o->call, LINECALLSTATE_ONHOLD, 0);
}

static void perform(struct ot_req *r, struct sim_app *a, enum sim_op op, const char *dest,
                    const void *uui, DWORD len);

static void execute(struct ot_req *r, struct sim_app *a, enum sim_op op, const char *dest,
                    const void *uui, DWORD len)
{
    LONG v = a->end ? valid_for(a, op) : (LONG)LINEERR_INVALCALLSTATE;
    if (v) {
        ot_req_complete(r, v);
        return;
    }
    struct sim_conn *c = a->end->conn;
    conn_hold(c);
    perform(r, a, op, dest, uui, len);
    conn_release(c);
}

static void perform(struct ot_req *r, struct sim_app *a, enum sim_op op, const char *dest,
                    const void *uui, DWORD len)
{
    struct sim_end *e = a->end, *far = other_end(e);
    struct sim_conn *c = e->conn;
    switch (op) {
    case OP_DIAL:
        ot_req_complete(r, 0);
        route(c, dest, NULL, 0);
        return;
    case OP_ANSWER: {
        bool rejoin = c->phase == PH_CONNECTED;
        hold_other_calls(a);
        a->active = true;
        if (!rejoin) {
            c->phase = PH_CONNECTED;
            ot_timer_stop(&c->no_answer);
            struct sim_app *caller = ot_list_empty(&far->apps) ? NULL : APP_OF(far->apps.next);
            struct ot_list *pos, *tmp;
            FOREACH_APP(pos, tmp, far) APP_OF(pos)->active = true;
            end_uui(far, uui, len, false);
            if (caller)
                ot_ev_call_party_ex(caller->call, OT_PARTY_CONNECTED, e->dn->number,
                                    a->st->cf->name, true, true);
            ot_ev_call_party_ex(a->call, OT_PARTY_CONNECTED,
                                caller ? caller->st->cf->number : NULL,
                                caller ? caller->st->cf->name : NULL, false, true);
            ot_ev_call_state(a->call, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
            /* Other appearances of the number show the call, inactive here. */
            FOREACH_APP(pos, tmp, e)
            {
                struct sim_app *o = APP_OF(pos);
                if (o != a)
                    ot_ev_call_state(o->call, LINECALLSTATE_CONNECTED,
                                     LINECONNECTEDMODE_INACTIVE);
            }
            end_set_state(far, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        } else {
            ot_ev_call_state(a->call, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        }
        ot_req_complete(r, 0);
        return;
    }
    case OP_ACCEPT:
        end_uui(far, uui, len, false);
        ot_ev_call_state(a->call, LINECALLSTATE_ACCEPTED, 0);
        ot_req_complete(r, 0);
        return;
    case OP_SENDUUI:
        end_uui(far, uui, len, c->phase == PH_CONNECTED);
        ot_req_complete(r, 0);
        return;
    case OP_HOLD:
        ot_ev_call_state(a->call, LINECALLSTATE_ONHOLD, 0);
        ot_req_complete(r, 0);
        return;
    case OP_UNHOLD:
        ot_ev_call_state(a->call, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        ot_req_complete(r, 0);
        return;
    case OP_MAKECALL:
        do_make_call(r, a, dest, uui, len);
        return;
    }
}

static void defer_fired(void *arg)
{
    struct sim_defer *d = arg;
    struct ot_req *r = d->req;
    struct sim_app *a = d->app;
    enum sim_op op = d->op;
    /* Detach before running: the operation may idle the appearance. */
    ot_list_del(&d->link);
    a->ndeferred--;
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
    struct sim_defer *d = calloc(1, sizeof(*d) + len);
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
    a->ndeferred++;
    return 0;
}

/* ---- provider operations ---- */
static LONG sim_make_call(struct ot_req *r, struct ot_call *call, const char *dest,
                          const LINECALLPARAMS *params, const void *uui, DWORD len)
{
    (void)params;
    struct sim_station *st = ot_linedev_drv(ot_call_linedev(call));
    /* One call at a time per private station, as dwMaxNumActiveCalls says. */
    if (station_active(st, NULL))
        return LINEERR_CALLUNAVAIL;
    struct sim_conn *c = calloc(1, sizeof(*c));
    if (!c)
        return LINEERR_NOMEM;
    c->a.conn = c->b.conn = c;
    c->a.dn = st->dn;
    ot_list_init(&c->a.apps);
    ot_list_init(&c->b.apps);
    ot_timer_init(&c->no_answer, no_answer_fired, c);
    c->phase = PH_DIALTONE;
    struct sim_app *a = app_new(st, &c->a);
    if (!a) {
        free(c);
        return LINEERR_NOMEM;
    }
    a->call = call;
    a->active = true;
    ot_call_set_drv(call, a);
    ot_ev_call_party_ex(call, OT_PARTY_CALLER, st->cf->number, st->cf->name, false, true);
    LONG rc = submit(r, a, OP_MAKECALL, dest, uui, len);
    if (rc) {
        ot_call_set_drv(call, NULL);
        ot_list_del(&a->link);
        ot_list_del(&a->st_link);
        st->ncalls--;
        S.live_apps--;
        free(a);
        free(c);
    }
    return rc;
}

static LONG sim_dial(struct ot_req *r, struct ot_call *call, const char *dest)
{
    struct sim_app *a = ot_call_drv(call);
    if (!a || !a->end || ot_call_state(call) != LINECALLSTATE_DIALTONE)
        return LINEERR_INVALCALLSTATE; /* the switch takes whole numbers once */
    return submit(r, a, OP_DIAL, dest, NULL, 0);
}

static LONG sim_answer(struct ot_req *r, struct ot_call *call, const void *uui, DWORD len)
{
    struct sim_app *a = ot_call_drv(call);
    if (!a || !a->end)
        return LINEERR_INVALCALLSTATE;
    LONG v = valid_for(a, OP_ANSWER);
    return v ? v : submit(r, a, OP_ANSWER, NULL, uui, len);
}

static LONG sim_accept(struct ot_req *r, struct ot_call *call, const void *uui, DWORD len)
{
    struct sim_app *a = ot_call_drv(call);
    if (!a || !a->end)
        return LINEERR_INVALCALLSTATE;
    return submit(r, a, OP_ACCEPT, NULL, uui, len);
}

static LONG sim_send_uui(struct ot_req *r, struct ot_call *call, const void *uui, DWORD len)
{
    struct sim_app *a = ot_call_drv(call);
    if (!a || !a->end)
        return LINEERR_INVALCALLSTATE;
    LONG v = valid_for(a, OP_SENDUUI);
    return v ? v : submit(r, a, OP_SENDUUI, NULL, uui, len);
}

static LONG sim_hold(struct ot_req *r, struct ot_call *call)
{
    struct sim_app *a = ot_call_drv(call);
    if (!a || !a->end)
        return LINEERR_INVALCALLSTATE;
    LONG v = valid_for(a, OP_HOLD);
    return v ? v : submit(r, a, OP_HOLD, NULL, NULL, 0);
}

static LONG sim_unhold(struct ot_req *r, struct ot_call *call)
{
    struct sim_app *a = ot_call_drv(call);
    if (!a || !a->end)
        return LINEERR_INVALCALLSTATE;
    return submit(r, a, OP_UNHOLD, NULL, NULL, 0);
}

/* lineDrop.  Immediate, whatever the reply delay: a drop overtakes requests. */
static LONG sim_drop(struct ot_req *r, struct ot_call *call, const void *uui, DWORD len)
{
    struct sim_app *a = ot_call_drv(call);
    if (!a || !a->end) {
        /* Nothing left at the switch (e.g. the provider cleared it): just go IDLE. */
        ot_ev_call_state(call, LINECALLSTATE_IDLE, 0);
        ot_req_complete(r, 0);
        return 0;
    }
    struct sim_end *e = a->end, *far = other_end(e);
    struct sim_conn *c = e->conn;
    DWORD s = ot_call_state(call);
    if ((s == LINECALLSTATE_OFFERING || s == LINECALLSTATE_ACCEPTED) && !a->st->cf->can_reject)
        return LINEERR_OPERATIONUNAVAIL;
    conn_hold(c);
    if (s == LINECALLSTATE_OFFERING || s == LINECALLSTATE_ACCEPTED) {
        /* Reject: the caller hears it, with the UUI. */
        c->phase = PH_DEAD;
        ot_timer_stop(&c->no_answer);
        end_idle(e);
        end_uui(far, uui, len, false);
        end_disconnect(far, LINEDISCONNECTMODE_REJECT);
    } else if (s == LINECALLSTATE_DISCONNECTED || c->phase == PH_DEAD ||
               c->phase == PH_DIALTONE) {
        app_idle(a);
    } else if (c->phase == PH_ALERTING) {
        /* Abandon: the caller gives up before an answer; the offer disappears. */
        c->phase = PH_DEAD;
        ot_timer_stop(&c->no_answer);
        app_idle(a);
        end_idle(far);
    } else {
        /* Connected.  On a shared appearance with another station still on the
         * call, this station only leaves: CONNECTED/INACTIVE, far end undisturbed. */
        bool others_active = false;
        struct ot_list *pos, *tmp;
        FOREACH_APP(pos, tmp, e)
        {
            if (APP_OF(pos) != a && APP_OF(pos)->active)
                others_active = true;
        }
        if (others_active && a->active) {
            a->active = false;
            ot_ev_call_state(call, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_INACTIVE);
        } else {
            c->phase = PH_DEAD;
            end_idle(e);
            end_uui(far, uui, len, true);
            end_disconnect(far, LINEDISCONNECTMODE_NORMAL);
        }
    }
    conn_release(c);
    ot_req_complete(r, 0);
    return 0;
}

static void sim_close_call(struct ot_call *call)
{
    struct sim_app *a = ot_call_drv(call);
    if (!a)
        return;
    if (a->end) {
        /* Closed while still in a connection (e.g. the core stops): leave quietly. */
        a->call = NULL;
        app_idle(a);
    } else {
        fail_deferred(a);
    }
    ot_call_set_drv(call, NULL);
    ot_list_del(&a->st_link);
    S.live_apps--;
    free(a);
}

static void sim_stop(void)
{
    /* The core stops with no application left: every call it still has is
     * freed by the core after this; here only the switch's own objects go. */
    for (DWORD i = 0; i < S.nstations; i++) {
        struct sim_station *st = &S.stations[i];
        while (!ot_list_empty(&st->apps)) {
            struct sim_app *a = ST_APP_OF(st->apps.next);
            while (a->ndeferred) {
                struct ot_list *pos;
                for (pos = S.deferred.next; pos != &S.deferred; pos = pos->next) {
                    struct sim_defer *d = ot_container_of(pos, struct sim_defer, link);
                    if (d->app == a) {
                        struct ot_req *r = d->req;
                        defer_free(d);
                        ot_req_discard(r);
                        break;
                    }
                }
            }
            if (a->end) {
                struct sim_conn *c = a->end->conn;
                ot_list_del(&a->link);
                a->end = NULL;
                c->busy = 0;
                conn_maybe_free(c);
            }
            if (a->call)
                ot_call_set_drv(a->call, NULL);
            ot_list_del(&a->st_link);
            free(a);
            S.live_apps--;
        }
    }
    free(S.stations);
    free(S.dns);
    free(S.hash);
    memset(&S, 0, sizeof(S));
}

static unsigned sim_live_calls(void) { return S.live_apps; }

const struct ot_provider ot_sim_provider = {
    .size = sizeof(struct ot_provider),
    .name = "sim",
    .start = sim_start,
    .stop = sim_stop,
    .make_call = sim_make_call,
    .dial = sim_dial,
    .answer = sim_answer,
    .accept = sim_accept,
    .drop = sim_drop,
    .send_uui = sim_send_uui,
    .hold = sim_hold,
    .unhold = sim_unhold,
    .close_call = sim_close_call,
    .live_calls = sim_live_calls,
};
