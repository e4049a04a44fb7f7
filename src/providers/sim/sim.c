/* The embedded switch ("sim"): an in-process PBX that connects the configured
 * stations to each other.  It owns directory numbers, connections and the
 * appearances of a connection at each station (model in sim.h), and reports
 * every change to the core.  It runs with the core lock held (provider rules
 * in core/provider.h), has no thread of its own, and its timers run on the
 * core's clock.  The basic call operations (lineMakeCall to lineDrop, with
 * [sim] reply_delay_ms) are in simcall.c, conferences and transfers in
 * simconf.c. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

struct sim_state S;

/* ---- directory numbers ---- */
static unsigned hash_str(const char *s)
{
    unsigned h = 2166136261u;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

struct sim_dn *sim_dn_find(const char *number)
{
    if (!S.hash_size)
        return NULL;
    for (struct sim_dn *d = S.hash[hash_str(number) % S.hash_size]; d; d = d->hash_next)
        if (!strcmp(d->number, number))
            return d;
    return NULL;
}

/* [sim] milliseconds: 0..86400000. */
static int parse_ms(const char *v, uint64_t *out)
{
    char *end;
    unsigned long long n = strtoull(v, &end, 10);
    if (!*v || *end || *v == '-' || *v == '+' || isspace((unsigned char)*v) || n > 86400000ull)
        return -1;
    *out = n;
    return 0;
}

static uint64_t setting_ms(const char *key, uint64_t def)
{
    const char *v = ot_setting("sim", key);
    uint64_t n = def;
    if (v && parse_ms(v, &n)) {
        ot_logc(OT_CAT_CONFIG, OTLOG_ERROR, "[sim] %s = %s: expected milliseconds (0..86400000)",
                key, v);
        return UINT64_MAX;
    }
    return n;
}

/* ---- the configuration check (the rules sim_start applies) ---- */
static int by_number(const void *a, const void *b)
{
    const struct ot_line_conf *x = *(const struct ot_line_conf *const *)a,
                              *y = *(const struct ot_line_conf *const *)b;
    int c = strcmp(x->number, y->number);
    return c ? c : (x->lineno > y->lineno) - (x->lineno < y->lineno);
}

static int sim_check_config(const struct ot_conf *cf, char *err, size_t errlen)
{
    const char *section, *value;
    unsigned lineno;
    for (unsigned i = 0;; i++) {
        const char *key = ot_conf_key(cf, i, &section, &value, &lineno);
        if (!key)
            break;
        if (strcmp(section, "sim"))
            continue;
        uint64_t ms;
        if (strcmp(key, "no_answer_ms") && strcmp(key, "reply_delay_ms") &&
            strcmp(key, "ring_ms")) {
            snprintf(err, errlen, "line %u: [sim]: unknown key %s", lineno, key);
            return -1;
        }
        if (parse_ms(value, &ms)) {
            snprintf(err, errlen, "line %u: [sim] %s: expected milliseconds (0..86400000)",
                     lineno, key);
            return -1;
        }
    }
    unsigned n = 0, total = ot_conf_nlines(cf);
    const struct ot_line_conf **st = malloc((total ? total : 1) * sizeof(*st));
    if (!st) {
        snprintf(err, errlen, "out of memory");
        return -2;
    }
    int rc = 0;
    for (unsigned i = 0; i < total && !rc; i++) {
        const struct ot_line_conf *l = ot_conf_line(cf, i);
        if (strcmp(l->provider, "sim"))
            continue;
        st[n++] = l;
        for (unsigned k = 0; k < l->nkv && !rc; k++)
            rc = sim_route_check_key(&l->kv[k], err, errlen);
    }
    /* Stations of one number (in file order after the sort): the same sharing,
     * not private, at most SIM_MAX_STATIONS_PER_DN of them. */
    if (!rc)
        qsort(st, n, sizeof(*st), by_number);
    for (unsigned i = 0, j; !rc && i < n; i = j) {
        for (j = i + 1; j < n && !strcmp(st[i]->number, st[j]->number); j++)
            if (st[i]->sharing == LINEADDRESSSHARING_PRIVATE ||
                st[i]->sharing != st[j]->sharing || st[i]->party_line != st[j]->party_line) {
                snprintf(err, errlen,
                         "line %u: number %s is also on the [line] of line %u: the stations "
                         "of a number must all share it the same way (not private)",
                         st[j]->lineno, st[j]->number, st[i]->lineno);
                rc = -1;
                break;
            }
        if (!rc && j - i > SIM_MAX_STATIONS_PER_DN) {
            snprintf(err, errlen, "line %u: number %s: more than %d stations",
                     st[i + SIM_MAX_STATIONS_PER_DN]->lineno, st[i]->number,
                     SIM_MAX_STATIONS_PER_DN);
            rc = -1;
        }
    }
    free(st);
    return rc;
}

static void sim_stop(void);

static int sim_start(struct ot_linedev **lines, unsigned n)
{
    memset(&S, 0, sizeof(S));
    ot_list_init(&S.deferred);
    S.no_answer_ms = setting_ms("no_answer_ms", 60000);
    S.reply_delay_ms = setting_ms("reply_delay_ms", 0);
    S.ring_ms = setting_ms("ring_ms", 6000);
    if (S.no_answer_ms == UINT64_MAX || S.reply_delay_ms == UINT64_MAX ||
        S.ring_ms == UINT64_MAX)
        return -1;
    S.stations = calloc(n, sizeof(*S.stations));
    S.dns = calloc(n, sizeof(*S.dns));
    S.hash_size = n * 2 + 1;
    S.hash = calloc(S.hash_size, sizeof(*S.hash));
    if (!S.stations || !S.dns || !S.hash) {
        sim_stop();
        return -2; /* out of memory */
    }
    S.nstations = n;
    for (unsigned i = 0; i < n; i++)
        ot_list_init(&S.stations[i].apps); /* sim_stop may run on any failure below */
    for (unsigned i = 0; i < n; i++) {
        struct sim_station *st = &S.stations[i];
        st->ld = lines[i];
        st->cf = ot_linedev_conf(lines[i]);
        ot_linedev_set_drv(lines[i], st);
        /* The switch rings its stations and keeps a message-waiting lamp and a
         * lock per station (lineSetLineDevStatus). */
        ot_linedev_add_line_states(lines[i], LINEDEVSTATE_RINGING);
        ot_linedev_set_settable_status(lines[i],
                                       LINEDEVSTATUSFLAGS_MSGWAIT | LINEDEVSTATUSFLAGS_LOCKED);
        struct sim_dn *d = sim_dn_find(st->cf->number);
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
            ot_logc(OT_CAT_CONFIG, OTLOG_ERROR,
                    "[sim] number %s is on several lines: they must all share it "
                    "the same way (not private)",
                    d->number);
            goto fail;
        }
        if (d->nst == SIM_MAX_STATIONS_PER_DN) {
            ot_logc(OT_CAT_CONFIG, OTLOG_ERROR, "[sim] number %s: more than %d stations", d->number,
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
static void app_init(struct sim_app *a, struct sim_station *st)
{
    a->st = st;
    a->seq = S.next_seq++;
    ot_list_init(&a->relatives);
    ot_list_init(&a->rel_link);
    ot_list_init(&a->deferred);
}

void sim_set_rel(struct sim_app *a, struct sim_app *to)
{
    if (a->rel == to)
        return;
    ot_list_del(&a->rel_link);
    a->rel = to;
    if (!to)
        return;
    /* In creation order, as the station lists its appearances: members are
     * few (max_conf), so the walk from the tail is short. */
    struct ot_list *pos = to->relatives.prev;
    while (pos != &to->relatives && ot_container_of(pos, struct sim_app, rel_link)->seq > a->seq)
        pos = pos->prev;
    ot_list_add_tail(pos->next, &a->rel_link);
}

/* Nobody points at a any more, and a at nobody. */
static void rel_forget(struct sim_app *a)
{
    sim_set_rel(a, NULL);
    while (!ot_list_empty(&a->relatives))
        sim_set_rel(ot_container_of(a->relatives.next, struct sim_app, rel_link), NULL);
}

struct sim_app *sim_app_new(struct sim_station *st, struct sim_end *end)
{
    struct sim_app *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    app_init(a, st);
    a->end = end;
    ot_list_add_tail(&end->apps, &a->link);
    ot_list_add_tail(&st->apps, &a->st_link);
    st->ncalls++;
    S.live_apps++;
    return a;
}

struct sim_app *sim_bridge_new(struct sim_station *st, struct ot_call *call)
{
    struct sim_app *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    app_init(a, st);
    a->kind = SIM_BRIDGE;
    a->call = call;
    ot_list_init(&a->link);
    ot_list_add_tail(&st->apps, &a->st_link);
    S.live_apps++;
    ot_call_set_drv(call, a);
    return a;
}

void sim_app_free(struct sim_app *a)
{
    sim_gen_stop(a);
    rel_forget(a);
    ot_list_del(&a->st_link);
    S.live_apps--;
    free(a);
}

static void no_answer_fired(void *arg);
static void ring_fired(void *arg);

/* A new connection with this station's call as its end a. */
struct sim_conn *sim_conn_new(struct sim_station *st, struct ot_call *call, struct sim_app **ap)
{
    struct sim_conn *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->a.conn = c->b.conn = c;
    c->a.dn = st->dn;
    ot_list_init(&c->a.apps);
    ot_list_init(&c->b.apps);
    ot_timer_init(&c->no_answer, no_answer_fired, c);
    ot_timer_init(&c->ring, ring_fired, c);
    ot_timer_init(&c->fwd_timer, sim_route_noanswer_fired, c);
    c->phase = PH_DIALTONE;
    struct sim_app *a = sim_app_new(st, &c->a);
    if (!a) {
        free(c);
        return NULL;
    }
    a->call = call;
    a->active = true;
    ot_call_set_drv(call, a);
    *ap = a;
    return c;
}

void sim_conn_maybe_free(struct sim_conn *c)
{
    if (!c->busy && ot_list_empty(&c->a.apps) && ot_list_empty(&c->b.apps)) {
        ot_timer_stop(&c->no_answer);
        ot_timer_stop(&c->ring);
        ot_timer_stop(&c->fwd_timer);
        free(c);
    }
}

void sim_conn_hold(struct sim_conn *c) { c->busy++; }
void sim_conn_release(struct sim_conn *c)
{
    c->busy--;
    sim_conn_maybe_free(c);
}

struct sim_end *sim_other_end(struct sim_end *e)
{
    return e == &e->conn->a ? &e->conn->b : &e->conn->a;
}

/* A state the connection causes.  Calls held or conferenced at this station
 * keep their local state when the far end answers. */
void sim_set_state(struct sim_app *a, DWORD state, DWORD mode)
{
    if (!a->call)
        return;
    DWORD cur = ot_call_state(a->call);
    if (state == LINECALLSTATE_CONNECTED &&
        (cur == LINECALLSTATE_CONFERENCED || cur == LINECALLSTATE_ONHOLD ||
         cur == LINECALLSTATE_ONHOLDPENDTRANSFER || cur == LINECALLSTATE_ONHOLDPENDCONF))
        return;
    ot_ev_call_state(a->call, state, mode);
}

/* The appearance leaves its connection and goes IDLE. */
void sim_app_idle(struct sim_app *a)
{
    sim_fail_deferred(a);
    sim_gen_stop(a);
    struct sim_end *e = a->end;
    if (!e)
        return;
    ot_list_del(&a->link);
    a->end = NULL;
    a->active = false;
    struct sim_station *st = a->st;
    st->ncalls--;
    if (a->call)
        ot_ev_call_state(a->call, LINECALLSTATE_IDLE, 0);
    sim_conf_left(a);
    sim_conn_maybe_free(e->conn);
    if (!a->call)
        sim_app_free(a); /* an unattended appearance: no TAPI call will close it */
    if (!st->ncalls)
        sim_route_station_free(st); /* call completions waiting for it */
}

void sim_end_idle(struct sim_end *e)
{
    while (!ot_list_empty(&e->apps))
        sim_app_idle(APP_OF(e->apps.next));
}

void sim_end_uui(struct sim_end *e, const void *uui, DWORD len, bool active_only)
{
    if (!uui || !len)
        return;
    struct ot_list *pos, *tmp;
    FOREACH_APP(pos, tmp, e)
    {
        if ((!active_only || APP_OF(pos)->active) && APP_OF(pos)->call)
            ot_ev_call_uui(APP_OF(pos)->call, uui, len);
    }
}

/* The far end left: DISCONNECTED here.  Appearances without an owner have
 * nobody to hang up, so they are cleared at once, as a telephone set on-hook. */
void sim_end_disconnect(struct sim_end *e, DWORD mode)
{
    struct ot_list *pos, *tmp;
    FOREACH_APP(pos, tmp, e)
    {
        struct sim_app *a = APP_OF(pos);
        a->active = false;
        sim_set_state(a, LINECALLSTATE_DISCONNECTED, mode);
    }
    FOREACH_APP(pos, tmp, e) sim_conf_left(APP_OF(pos));
    FOREACH_APP(pos, tmp, e)
    {
        struct sim_app *a = APP_OF(pos);
        if (!a->call || !ot_call_has_owner(a->call))
            sim_app_idle(a);
    }
}

void sim_conn_clear(struct sim_end *from, DWORD mode, const void *uui, DWORD len)
{
    struct sim_conn *c = from->conn;
    struct sim_end *far = sim_other_end(from);
    bool was_connected = c->phase == PH_CONNECTED;
    sim_conn_hold(c);
    c->phase = PH_DEAD;
    ot_timer_stop(&c->no_answer);
    ot_timer_stop(&c->ring);
    ot_timer_stop(&c->fwd_timer);
    sim_end_idle(from);
    if (was_connected || mode == LINEDISCONNECTMODE_REJECT) {
        sim_end_uui(far, uui, len, false);
        sim_end_disconnect(far, mode);
    } else {
        sim_end_idle(far); /* an abandoned offer disappears */
    }
    sim_conn_release(c);
}

bool sim_dn_busy(const struct sim_dn *d)
{
    for (unsigned i = 0; i < d->nst; i++)
        if (d->st[i]->ncalls)
            return true;
    return false;
}

static struct sim_end *ringing_end(struct sim_conn *c)
{
    /* The end being offered is the one whose appearances are OFFERING/ACCEPTED. */
    if (!ot_list_empty(&c->b.apps)) {
        struct sim_app *x = APP_OF(c->b.apps.next);
        DWORD s = x->call ? ot_call_state(x->call) : 0;
        if (s == LINECALLSTATE_OFFERING || s == LINECALLSTATE_ACCEPTED)
            return &c->b;
    }
    return &c->a;
}

static void no_answer_fired(void *arg)
{
    struct sim_conn *c = arg;
    if (c->phase != PH_ALERTING)
        return;
    struct sim_end *callee = ringing_end(c);
    sim_conn_hold(c);
    c->phase = PH_DEAD;
    ot_timer_stop(&c->fwd_timer);
    sim_end_idle(callee);
    sim_end_disconnect(sim_other_end(callee), LINEDISCONNECTMODE_NOANSWER);
    sim_conn_release(c);
}

/* One ring at every station the connection is offered to (ring mode 1 of
 * LINEDEVCAPS.dwRingModes 1; the count from 0), then the next in ring_ms. */
static void ring(struct sim_conn *c)
{
    struct sim_end *callee = ringing_end(c);
    struct ot_list *pos, *tmp;
    FOREACH_APP(pos, tmp, callee)
    {
        struct sim_app *a = APP_OF(pos);
        DWORD s = a->call ? ot_call_state(a->call) : 0;
        if (s == LINECALLSTATE_OFFERING || s == LINECALLSTATE_ACCEPTED)
            ot_ev_linedev_state(a->st->ld, LINEDEVSTATE_RINGING, 1, c->rings);
    }
    c->rings++;
    if (S.ring_ms && ot_timer_start(&c->ring, S.ring_ms))
        ot_logc(OT_CAT_SIM, OTLOG_ERROR, "out of memory: the ringing stops");
}

static void ring_fired(void *arg)
{
    struct sim_conn *c = arg;
    if (c->phase == PH_ALERTING)
        ring(c);
}

bool sim_offer(struct sim_conn *c, struct sim_end *from, struct sim_dn *d, const void *uui,
               DWORD len)
{
    struct sim_fwd f = {LINECALLREASON_DIRECT, NULL};
    return sim_offer_ex(c, from, d, uui, len, &f, 0);
}

bool sim_offer_ex(struct sim_conn *c, struct sim_end *from, struct sim_dn *d, const void *uui,
                  DWORD len, const struct sim_fwd *f, DWORD completion_id)
{
    struct sim_end *to = sim_other_end(from);
    struct sim_app *caller = ot_list_empty(&from->apps) ? NULL : APP_OF(from->apps.next);
    const struct ot_line_conf *ccf = caller ? caller->st->cf : NULL;
    to->dn = d;
    for (unsigned i = 0; i < d->nst; i++) {
        struct sim_app *b = sim_app_new(d->st[i], to);
        struct ot_call *bc =
            b ? ot_ev_new_call(d->st[i]->ld, 0, LINECALLORIGIN_INTERNAL, b) : NULL;
        if (!bc) {
            if (b) {
                ot_list_del(&b->link);
                b->st->ncalls--;
                sim_app_free(b);
            }
            ot_logc(OT_CAT_SIM, OTLOG_ERROR, "out of memory offering a call to %s", d->number);
            continue;
        }
        b->call = bc;
        /* Configuration strings live until stop(): the core may keep pointers. */
        if (ccf)
            ot_ev_call_party_ex(bc, OT_PARTY_CALLER, from->dn->number, ccf->name, false, true);
        ot_ev_call_party_ex(bc, OT_PARTY_CALLED, d->number, d->st[i]->cf->name, false, true);
        ot_ev_call_reason(bc, f->reason);
        if (f->redirecting)
            ot_ev_call_party_ex(bc, OT_PARTY_REDIRECTING, f->redirecting->number, NULL, false,
                                true);
        if (completion_id)
            ot_ev_call_completion_id(bc, completion_id);
        /* UUI that came with the call is in LINECALLINFO when OFFERING arrives. */
        ot_ev_call_uui(bc, uui, len);
    }
    if (ot_list_empty(&to->apps)) {
        c->phase = PH_DEAD;
        sim_end_disconnect(from, LINEDISCONNECTMODE_CONGESTION);
        return false;
    }
    c->phase = PH_ALERTING;
    struct ot_list *pos, *tmp;
    FOREACH_APP(pos, tmp, to) sim_set_state(APP_OF(pos), LINECALLSTATE_OFFERING,
                                            LINEOFFERINGMODE_ACTIVE);
    FOREACH_APP(pos, tmp, from)
    {
        struct sim_app *x = APP_OF(pos);
        if (f->redirecting && x->call)
            ot_ev_call_party_ex(x->call, OT_PARTY_REDIRECTION, d->number, NULL, true, true);
        sim_set_state(x, LINECALLSTATE_RINGBACK, 0);
    }
    /* A call forwarded or redirected while it rings keeps its deadline: the
     * caller gives up after no_answer_ms in all (no endless forwarding loop). */
    if (S.no_answer_ms && c->no_answer.heap_index == UINT32_MAX)
        ot_timer_start(&c->no_answer, S.no_answer_ms);
    c->rings = 0;
    ring(c);
    sim_route_arm_noanswer(c, d, from->dn);
    return true;
}

static void sim_stop(void)
{
    sim_route_stop();
    /* The core stops with no application left: every call it still has is
     * freed by the core after this; here only the switch's own objects go. */
    while (!ot_list_empty(&S.deferred)) {
        struct sim_defer *d = ot_container_of(S.deferred.next, struct sim_defer, link);
        struct ot_req *r = d->req;
        sim_defer_free(d);
        ot_req_discard(r);
    }
    for (DWORD i = 0; i < S.nstations; i++) {
        struct sim_station *st = &S.stations[i];
        while (!ot_list_empty(&st->apps)) {
            struct sim_app *a = ST_APP_OF(st->apps.next);
            if (a->end) {
                struct sim_conn *c = a->end->conn;
                ot_list_del(&a->link);
                a->end = NULL;
                c->busy = 0;
                sim_conn_maybe_free(c);
            }
            if (a->call)
                ot_call_set_drv(a->call, NULL);
            sim_app_free(a);
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
    .setup_conf = sim_setup_conf,
    .prepare_add = sim_prepare_add,
    .add_to_conf = sim_add_to_conf,
    .remove_from_conf = sim_remove_from_conf,
    .setup_transfer = sim_setup_transfer,
    .complete_transfer = sim_complete_transfer,
    .blind_transfer = sim_blind_transfer,
    .live_calls = sim_live_calls,
    .check_config = sim_check_config,
    .redirect = sim_redirect,
    .forward_modes = 0xFFFFu, /* every LINEFORWARDMODE_ from UNCOND to BUSYNASPECIFIC */
    .park_modes = LINEPARKMODE_DIRECTED | LINEPARKMODE_NONDIRECTED,
    .park = sim_park,
    .unpark = sim_unpark,
    .pickup = sim_pickup,
    .swap_hold = sim_swap_hold,
    .secure = sim_secure,
    .completion_modes = LINECALLCOMPLMODE_CAMPON | LINECALLCOMPLMODE_CALLBACK,
    .complete_call = sim_complete_call,
    .uncomplete_call = sim_uncomplete_call,
    .generate_digits = sim_generate_digits,
    .generate_tone = sim_generate_tone,
    .generate_cancel = sim_generate_cancel,
    .generate_digit_modes = LINEDIGITMODE_DTMF | LINEDIGITMODE_PULSE,
    .detect_digit_modes = LINEDIGITMODE_DTMF | LINEDIGITMODE_PULSE | LINEDIGITMODE_DTMFEND,
    .generate_tone_modes =
        LINETONEMODE_CUSTOM | LINETONEMODE_RINGBACK | LINETONEMODE_BUSY | LINETONEMODE_BEEP,
    .tone_max_freqs = 3,
    .detects_tones = true,
    .media_mode_changed = sim_media_mode_changed,
};
