/* The embedded switch's routing features: forwarding (the core keeps the
 * lists, the switch applies them), redirection of an offered call, park and
 * unpark, directed and group pickup, swap hold, secure calls and call
 * completion (camp-on and callback).  Model and rules as in sim.h; everything
 * runs under the core lock.
 *
 * Park orbits: a parked call is a connection whose parking end has no
 * appearance; the switch holds it (sim_conn_hold) in an orbit named by the
 * directed address or, non-directed, "*70<n>".  Completions wait for the
 * station they target to be free (sim_route_station_free, called when a
 * station's last call leaves). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define SIM_FWD_MAX_HOPS 8 /* a forwarding chain longer than this stops where it is */
#define SIM_ORBIT_MAX 64

struct orbit {
    struct orbit *next;
    char name[SIM_ORBIT_MAX];
    struct sim_end *end; /* the parking end: no appearance while parked */
};

struct completion {
    struct completion *next;
    DWORD id, mode;
    struct sim_station *st; /* the caller's station */
    struct sim_dn *target;
    DWORD call_id; /* CAMPON: the camped call (dwCallID), found again by it */
};

static struct orbit *orbits;
static struct completion *completions;
static bool in_station_free;

/* ---- forwarding ---- */
static struct sim_dn *fwd_target(struct sim_dn *d, DWORD cond, const char *caller, DWORD *rings)
{
    char dest[260];
    for (unsigned i = 0; i < d->nst; i++)
        if (ot_linedev_forward_dest(d->st[i]->ld, 0, cond, caller, dest, sizeof(dest), rings))
            return sim_dn_find(dest);
    return NULL;
}

struct sim_dn *sim_route_forward(struct sim_dn *from, struct sim_dn *d, struct sim_fwd *f)
{
    const char *caller = from ? from->number : NULL;
    f->reason = LINECALLREASON_DIRECT;
    f->redirecting = NULL;
    for (unsigned hop = 0; hop < SIM_FWD_MAX_HOPS; hop++) {
        struct sim_dn *n = fwd_target(d, LINEFORWARDMODE_UNCOND, caller, NULL);
        DWORD reason = LINECALLREASON_FWDUNCOND;
        if (!n && sim_dn_busy(d)) {
            n = fwd_target(d, LINEFORWARDMODE_BUSY, caller, NULL);
            reason = LINECALLREASON_FWDBUSY;
        }
        if (!n || n == d || n == from)
            break;
        if (!f->redirecting)
            f->redirecting = d;
        f->reason = reason;
        d = n;
    }
    return d;
}

void sim_route_arm_noanswer(struct sim_conn *c, struct sim_dn *d, struct sim_dn *from)
{
    DWORD rings = 0;
    if (fwd_target(d, LINEFORWARDMODE_NOANSW, from ? from->number : NULL, &rings)) {
        if (rings < 1)
            rings = 1;
        /* the switch's ring cycle ([sim] ring_ms; a single ring counts 6 s) */
        uint64_t ring = S.ring_ms ? S.ring_ms : SIM_RING_MS;
        ot_timer_start(&c->fwd_timer, (uint64_t)rings * ring);
    } else {
        ot_timer_stop(&c->fwd_timer); /* an earlier station's, if it rang there */
    }
}

/* The offer at callee's number goes to d instead (reason, and who sent it). */
static void reoffer(struct sim_conn *c, struct sim_end *callee, struct sim_dn *d, DWORD reason)
{
    struct sim_end *from = sim_other_end(callee);
    struct sim_dn *orig = callee->dn;
    sim_conn_hold(c);
    ot_timer_stop(&c->fwd_timer);
    sim_end_idle(callee);
    struct sim_fwd f = {reason, orig};
    if (d == from->dn || sim_dn_busy(d)) {
        c->phase = PH_DEAD;
        ot_timer_stop(&c->no_answer);
        struct ot_list *pos, *tmp;
        FOREACH_APP(pos, tmp, from) sim_set_state(APP_OF(pos), LINECALLSTATE_BUSY,
                                                  LINEBUSYMODE_STATION);
        sim_end_disconnect(from, LINEDISCONNECTMODE_BUSY);
    } else {
        sim_offer_ex(c, from, d, NULL, 0, &f, 0);
    }
    sim_conn_release(c);
}

/* The end whose appearances are offered the call (NULL: none is, e.g. only
 * an unattended set of a party line rings). */
static struct sim_end *offered_end(struct sim_conn *c)
{
    struct sim_end *ends[2] = {&c->b, &c->a};
    for (int i = 0; i < 2; i++) {
        struct ot_list *pos;
        for (pos = ends[i]->apps.next; pos != &ends[i]->apps; pos = pos->next) {
            struct sim_app *x = APP_OF(pos);
            DWORD s = x->call ? ot_call_state(x->call) : 0;
            if (s == LINECALLSTATE_OFFERING || s == LINECALLSTATE_ACCEPTED)
                return ends[i];
        }
    }
    return NULL;
}

void sim_route_noanswer_fired(void *arg)
{
    struct sim_conn *c = arg;
    struct sim_end *callee = c->phase == PH_ALERTING ? offered_end(c) : NULL;
    if (!callee)
        return;
    struct sim_end *from = sim_other_end(callee);
    struct sim_dn *d = fwd_target(callee->dn, LINEFORWARDMODE_NOANSW,
                                  from->dn ? from->dn->number : NULL, NULL);
    if (!d || d == callee->dn || d == from->dn || sim_dn_busy(d))
        return; /* nowhere to go: it keeps ringing here */
    reoffer(c, callee, d, LINECALLREASON_FWDNOANSWER);
}

/* ---- lineRedirect ---- */
LONG sim_redirect(struct ot_req *r, struct ot_call *call, const char *dest)
{
    struct sim_app *a = ot_call_drv(call);
    if (!a || !a->end || a->kind != SIM_PLAIN || a->end->conn->phase != PH_ALERTING)
        return LINEERR_INVALCALLSTATE;
    struct sim_dn *d = sim_dn_find(dest);
    if (!d)
        return LINEERR_INVALADDRESS;
    if (d == a->end->dn)
        return LINEERR_INVALADDRESS; /* it is already here */
    reoffer(a->end->conn, a->end, d, LINECALLREASON_REDIRECT);
    ot_req_complete(r, 0);
    return 0;
}

/* ---- swap hold and secure ---- */
/* Two plain calls of the station (one active, one ONHOLD), or a transfer's
 * consultation call and the call waiting for it (ONHOLDPENDTRANSFER): they
 * change places, and for a transfer their roles too, so that
 * lineCompleteTransfer(the call now waiting, the call now active) joins the
 * same two parties. */
LONG sim_swap_hold(struct ot_req *r, struct ot_call *active, struct ot_call *held)
{
    struct sim_app *a = ot_call_drv(active), *h = ot_call_drv(held);
    if (!a || !a->end || !h || !h->end || a->st != h->st || !a->active ||
        h->end->conn->phase != PH_CONNECTED)
        return LINEERR_INVALCALLSTATE;
    DWORD hs = ot_call_state(held);
    bool plain = a->kind == SIM_PLAIN && h->kind == SIM_PLAIN && hs == LINECALLSTATE_ONHOLD;
    bool xfer = a->kind == SIM_CONSULT_XFER && h->kind == SIM_HELD_XFER && a->rel == h &&
                h->rel == a && hs == LINECALLSTATE_ONHOLDPENDTRANSFER;
    if (!plain && !xfer)
        return LINEERR_INVALCALLSTATE;
    if (xfer) {
        a->kind = SIM_HELD_XFER;
        h->kind = SIM_CONSULT_XFER;
    }
    ot_ev_call_state(active, hs, 0);
    ot_ev_call_state(held, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    ot_req_complete(r, 0);
    return 0;
}

LONG sim_secure(struct ot_req *r, struct ot_call *call)
{
    struct sim_app *a = ot_call_drv(call);
    if (!a || !a->end || a->end->conn->phase == PH_DEAD)
        return LINEERR_INVALCALLSTATE;
    /* The connection is secured: every appearance of both ends shows it. */
    struct sim_conn *c = a->end->conn;
    struct sim_end *ends[2] = {&c->a, &c->b};
    for (int i = 0; i < 2; i++) {
        struct ot_list *pos, *tmp;
        FOREACH_APP(pos, tmp, ends[i])
        {
            if (APP_OF(pos)->call)
                ot_ev_call_secure(APP_OF(pos)->call);
        }
    }
    ot_req_complete(r, 0);
    return 0;
}

/* ---- park / unpark ---- */
static struct orbit **orbit_find(const char *name)
{
    struct orbit **pp;
    for (pp = &orbits; *pp; pp = &(*pp)->next)
        if (!strcmp((*pp)->name, name))
            break;
    return pp;
}

static void orbit_free(struct orbit **pp)
{
    struct orbit *o = *pp;
    *pp = o->next;
    sim_conn_release(o->end->conn);
    free(o);
}

/* Orbits whose far party hung up are empty again. */
static void orbits_gc(void)
{
    for (struct orbit **pp = &orbits; *pp;) {
        if ((*pp)->end->conn->phase == PH_DEAD)
            orbit_free(pp);
        else
            pp = &(*pp)->next;
    }
}

LONG sim_park(struct ot_req *r, struct ot_call *call, DWORD mode, const char *dir, char *nondir,
              size_t *nondir_len)
{
    struct sim_app *a = ot_call_drv(call);
    if (!a || !a->end || a->kind != SIM_PLAIN || !a->active ||
        a->end->conn->phase != PH_CONNECTED)
        return LINEERR_INVALCALLSTATE;
    orbits_gc();
    char name[SIM_ORBIT_MAX];
    if (mode == LINEPARKMODE_DIRECTED) {
        if (strlen(dir) >= sizeof(name))
            return LINEERR_INVALADDRESS;
        if (*orbit_find(dir))
            return LINEERR_INVALADDRESS; /* a call is parked there already */
        snprintf(name, sizeof(name), "%s", dir);
    } else {
        for (unsigned n = 1;; n++) {
            snprintf(name, sizeof(name), "*70%u", n);
            if (!*orbit_find(name))
                break;
        }
        size_t need = strlen(name) + 1;
        if (need > *nondir_len) {
            *nondir_len = need;
            return LINEERR_STRUCTURETOOSMALL;
        }
        memcpy(nondir, name, need);
        *nondir_len = need;
    }
    struct orbit *o = calloc(1, sizeof(*o));
    if (!o)
        return LINEERR_NOMEM;
    memcpy(o->name, name, sizeof(name));
    struct sim_end *e = a->end;
    o->end = e;
    o->next = orbits;
    orbits = o;
    sim_conn_hold(e->conn); /* until unparked or dead */
    ot_req_complete(r, 0);
    sim_end_idle(e); /* the station (and any other appearance of it) leaves */
    return 0;
}

static void join_end(struct sim_app *a, struct sim_end *e, struct ot_call *call)
{
    (void)e;
    a->call = call;
    a->active = true;
    ot_call_set_drv(call, a);
}

/* Tell the far end who it talks to now. */
static void tell_far(struct sim_end *far, struct sim_station *st)
{
    struct ot_list *pos, *tmp;
    FOREACH_APP(pos, tmp, far)
    {
        struct sim_app *x = APP_OF(pos);
        if (x->call)
            ot_ev_call_party_ex(x->call, OT_PARTY_CONNECTED, st->dn->number, st->cf->name, true,
                                true);
    }
}

static const char *far_name(struct sim_end *far)
{
    return ot_list_empty(&far->apps) ? NULL : APP_OF(far->apps.next)->st->cf->name;
}

LONG sim_unpark(struct ot_req *r, struct ot_call *call, const char *addr)
{
    struct sim_station *st = ot_linedev_drv(ot_call_linedev(call));
    orbits_gc();
    struct orbit **pp = orbit_find(addr);
    if (!*pp)
        return LINEERR_INVALADDRESS; /* nothing parked there */
    if (sim_station_active(st, NULL))
        return LINEERR_CALLUNAVAIL;
    struct sim_end *e = (*pp)->end, *far = sim_other_end(e);
    struct sim_app *a = sim_app_new(st, e);
    if (!a)
        return LINEERR_NOMEM;
    e->dn = st->dn;
    join_end(a, e, call);
    ot_ev_call_party_ex(call, OT_PARTY_CONNECTED, far->dn ? far->dn->number : NULL,
                        far_name(far), false, true);
    ot_req_complete(r, 0);
    ot_ev_call_state(call, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    tell_far(far, st);
    orbit_free(pp);
    return 0;
}

/* ---- pickup ---- */
static const char *station_group(const struct sim_station *st)
{
    return ot_line_conf_get(st->cf, "pickup_group");
}

static bool group_exists(const char *g)
{
    for (unsigned i = 0; i < S.nstations; i++) {
        const char *x = station_group(&S.stations[i]);
        if (x && !strcmp(x, g))
            return true;
    }
    return false;
}

/* The oldest call ringing at station st (an offered plain appearance). */
static struct sim_app *ringing_at(struct sim_station *st, struct sim_app *best)
{
    struct ot_list *pos;
    for (pos = st->apps.next; pos != &st->apps; pos = pos->next) {
        struct sim_app *x = ST_APP_OF(pos);
        DWORD s = x->call ? ot_call_state(x->call) : 0;
        if (x->end && x->kind == SIM_PLAIN && x->end->conn->phase == PH_ALERTING &&
            (s == LINECALLSTATE_OFFERING || s == LINECALLSTATE_ACCEPTED) &&
            (!best || x->seq < best->seq))
            best = x;
    }
    return best;
}

LONG sim_pickup(struct ot_req *r, struct ot_call *call, const char *dest, const char *group)
{
    struct sim_station *st = ot_linedev_drv(ot_call_linedev(call));
    if (group && !group_exists(group))
        return LINEERR_INVALGROUPID;
    struct sim_app *x = NULL;
    if (dest) {
        struct sim_dn *d = sim_dn_find(dest);
        if (!d || d == st->dn)
            return LINEERR_INVALADDRESS;
        for (unsigned i = 0; i < d->nst; i++) {
            const char *g = station_group(d->st[i]);
            if (group && (!g || strcmp(g, group)))
                return LINEERR_INVALADDRESS; /* not a station of that group */
            x = ringing_at(d->st[i], x);
        }
    } else {
        for (unsigned i = 0; i < S.nstations; i++) {
            struct sim_station *o = &S.stations[i];
            const char *g = station_group(o);
            if (o->dn != st->dn && g && !strcmp(g, group))
                x = ringing_at(o, x);
        }
    }
    if (!x)
        return LINEERR_OPERATIONFAILED; /* nothing rings there */
    if (sim_station_active(st, NULL))
        return LINEERR_CALLUNAVAIL;
    struct sim_end *e = x->end, *far = sim_other_end(e);
    struct sim_conn *c = e->conn;
    struct sim_dn *orig = e->dn;
    sim_conn_hold(c);
    ot_timer_stop(&c->no_answer);
    ot_timer_stop(&c->fwd_timer);
    sim_end_idle(e); /* it stops ringing there */
    struct sim_app *a = sim_app_new(st, e);
    if (!a) {
        /* Out of memory: the caller is told, as a failed offer. */
        c->phase = PH_DEAD;
        sim_end_disconnect(far, LINEDISCONNECTMODE_CONGESTION);
        sim_conn_release(c);
        return LINEERR_NOMEM;
    }
    e->dn = st->dn;
    join_end(a, e, call);
    c->phase = PH_CONNECTED;
    ot_ev_call_party_ex(call, OT_PARTY_CALLER, far->dn ? far->dn->number : NULL, far_name(far),
                        false, true);
    ot_ev_call_party_ex(call, OT_PARTY_CALLED, orig->number, NULL, false, true);
    ot_ev_call_party_ex(call, OT_PARTY_CONNECTED, far->dn ? far->dn->number : NULL,
                        far_name(far), false, true);
    ot_ev_call_party_ex(call, OT_PARTY_REDIRECTING, orig->number, NULL, false, true);
    ot_req_complete(r, 0);
    ot_ev_call_state(call, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    struct ot_list *pos, *tmp;
    FOREACH_APP(pos, tmp, far) APP_OF(pos)->active = true;
    tell_far(far, st);
    FOREACH_APP(pos, tmp, far)
    sim_set_state(APP_OF(pos), LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    sim_conn_release(c);
    return 0;
}

/* ---- call completion ---- */
LONG sim_complete_call(struct ot_req *r, struct ot_call *call, DWORD mode, DWORD id)
{
    struct sim_app *a = ot_call_drv(call);
    if (!a || !a->end || a->kind != SIM_PLAIN)
        return LINEERR_INVALCALLSTATE;
    DWORD s = ot_call_state(call);
    /* The busy signal ended the call (DISCONNECTED, mode BUSY). */
    if (s != LINECALLSTATE_DISCONNECTED || ot_call_mode(call) != LINEDISCONNECTMODE_BUSY)
        return LINEERR_INVALCALLSTATE;
    struct sim_dn *d = call->called_id ? sim_dn_find(call->called_id) : NULL;
    if (!d || d == a->st->dn)
        return LINEERR_INVALCALLSTATE;
    unsigned waiting = 0;
    for (const struct completion *x = completions; x; x = x->next)
        waiting += x->st == a->st;
    if (waiting >= OT_MAX_CALL_COMPLETIONS)
        return LINEERR_COMPLETIONOVERRUN; /* LINEADDRESSCAPS.dwMaxCallCompletions */
    struct completion *k = calloc(1, sizeof(*k));
    if (!k)
        return LINEERR_NOMEM;
    k->id = id;
    k->mode = mode;
    k->st = a->st;
    k->target = d;
    k->call_id = ot_call_id(call);
    k->next = completions;
    completions = k;
    ot_req_complete(r, 0);
    if (!sim_dn_busy(d))
        sim_route_station_free(d->st[0]); /* it freed meanwhile */
    return 0;
}

LONG sim_uncomplete_call(struct ot_req *r, struct ot_linedev *ld, DWORD id)
{
    struct sim_station *st = ot_linedev_drv(ld);
    for (struct completion **pp = &completions; *pp; pp = &(*pp)->next)
        if ((*pp)->id == id && (*pp)->st == st) {
            struct completion *k = *pp;
            *pp = k->next;
            free(k);
            ot_req_complete(r, 0);
            return 0;
        }
    return LINEERR_INVALCOMPLETIONID;
}

/* CAMPON: the camped call, still at its station, disconnected by the busy
 * signal; NULL when its application let it go. */
static struct sim_app *camped_app(const struct completion *k)
{
    struct ot_list *pos;
    for (pos = k->st->apps.next; pos != &k->st->apps; pos = pos->next) {
        struct sim_app *x = ST_APP_OF(pos);
        if (x->call && x->end && ot_call_id(x->call) == k->call_id &&
            x->end->conn->phase == PH_DEAD &&
            ot_call_state(x->call) == LINECALLSTATE_DISCONNECTED)
            return x;
    }
    return NULL;
}

/* Carry out completion k now that its target is free; false: not possible
 * now (keep waiting), or it was dropped (*gone). */
static bool fire(struct completion *k, bool *gone)
{
    *gone = false;
    if (k->mode == LINECALLCOMPLMODE_CAMPON) {
        struct sim_app *a = camped_app(k);
        if (!a) {
            *gone = true; /* the camped call is gone: so is the completion */
            return false;
        }
        struct sim_fwd f = {LINECALLREASON_CAMPEDON, NULL};
        struct sim_conn *c = a->end->conn;
        sim_conn_hold(c);
        sim_offer_ex(c, a->end, k->target, NULL, 0, &f, k->id);
        sim_conn_release(c);
        return true;
    }
    /* CALLBACK: the switch places the call again from the caller's station. */
    if (sim_station_active(k->st, NULL))
        return false;
    struct ot_call *call = ot_ev_new_call(k->st->ld, 0, LINECALLORIGIN_OUTBOUND, NULL);
    if (!call)
        return false;
    struct sim_app *a;
    struct sim_conn *c = sim_conn_new(k->st, call, &a);
    if (!c) {
        ot_ev_call_gone(call);
        return false;
    }
    c->phase = PH_ALERTING;
    ot_ev_call_party_ex(call, OT_PARTY_CALLER, k->st->dn->number, k->st->cf->name, false, true);
    ot_ev_call_party_ex(call, OT_PARTY_CALLED, k->target->number, NULL, false, true);
    ot_ev_call_reason(call, LINECALLREASON_CALLCOMPLETION);
    ot_ev_call_completion_id(call, k->id);
    ot_ev_call_state(call, LINECALLSTATE_PROCEEDING, 0);
    struct sim_fwd f = {LINECALLREASON_CALLCOMPLETION, NULL};
    sim_offer_ex(c, &c->a, k->target, NULL, 0, &f, k->id);
    return true;
}

void sim_route_station_free(struct sim_station *st)
{
    if (in_station_free || !completions)
        return;
    in_station_free = true;
    for (struct completion **pp = &completions; *pp;) {
        struct completion *k = *pp;
        bool gone = false;
        if ((k->st == st || k->target == st->dn) && !sim_dn_busy(k->target) &&
            (fire(k, &gone) || gone)) {
            *pp = k->next;
            free(k);
            continue;
        }
        pp = &k->next;
    }
    in_station_free = false;
}

void sim_route_stop(void)
{
    /* Before the switch frees its appearances: a parked connection the far
     * party left has none, so only its orbit's hold keeps it. */
    while (orbits)
        orbit_free(&orbits);
    while (completions) {
        struct completion *k = completions;
        completions = k->next;
        free(k);
    }
    in_station_free = false;
}

/* ---- configuration ---- */
int sim_route_check_key(const struct ot_line_kv *kv, char *err, size_t errlen)
{
    if (strcmp(kv->key, "pickup_group")) {
        snprintf(err, errlen, "line %u: unknown key %s for a [line] of the switch (sim)",
                 kv->lineno, kv->key);
        return -1;
    }
    size_t n = strlen(kv->value);
    bool ok = n > 0 && n <= 64;
    for (size_t i = 0; ok && i < n; i++)
        ok = (unsigned char)kv->value[i] > 0x20 && kv->value[i] != 0x7f;
    if (!ok) {
        snprintf(err, errlen,
                 "line %u: pickup_group: expected a group name (1 to 64 characters, no space)",
                 kv->lineno);
        return -1;
    }
    return 0;
}
