/* Calls, the applications' handles to them, and the asynchronous requests that
 * act on them: everything a provider reports goes through here and becomes
 * LINE_CALLSTATE / LINE_CALLINFO / LINE_APPNEWCALL / LINE_REPLY messages.
 * Invariants: a call lives while a handle names it or it is not IDLE; an IDLE
 * call without handles goes back to its provider (close_call) at the next
 * unlock; every request is completed exactly once. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ot.h"
#include "precond.h"

#define CALLSTATE_NONE 0u /* before the provider's first state */

static uint64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- provider-facing accessors ---- */
void ot_call_set_drv(struct ot_call *c, void *drv) { c->drv = drv; }
void *ot_call_drv(const struct ot_call *c) { return c->drv; }
struct ot_linedev *ot_call_linedev(const struct ot_call *c) { return c->ld; }
DWORD ot_call_state(const struct ot_call *c) { return c->state; }
DWORD ot_call_mode(const struct ot_call *c) { return c->mode; }
DWORD ot_call_id(const struct ot_call *c) { return c->call_id; }
bool ot_call_has_owner(const struct ot_call *c) { return c->num_owners > 0; }
struct ot_call *ot_call_conf_parent(const struct ot_call *c) { return c->conf_parent; }

void ot_call_set_conf_parent(struct ot_call *c, struct ot_call *parent)
{
    ot_list_del(&c->member_link);
    c->conf_parent = parent;
    if (!parent)
        return;
    /* Kept in creation order (lineGetConfRelatedCalls lists them so); a
     * conference has few members, so the walk from the tail is short. */
    struct ot_list *pos = parent->members.prev;
    while (pos != &parent->members &&
           ot_container_of(pos, struct ot_call, member_link)->seq > c->seq)
        pos = pos->prev;
    ot_list_add_tail(pos->next, &c->member_link);
}

struct ot_call *ot_call_next_member(const struct ot_call *parent, const struct ot_call *prev)
{
    const struct ot_list *next = prev ? prev->member_link.next : parent->members.next;
    return next == &parent->members ? NULL
                                     : ot_container_of(next, struct ot_call, member_link);
}

struct ot_call *ot_linedev_next_connected(const struct ot_linedev *ld, const struct ot_call *prev)
{
    const struct ot_list *next = prev ? prev->conn_link.next : ld->connected.next;
    return next == &ld->connected ? NULL : ot_container_of(next, struct ot_call, conn_link);
}

/* ---- objects ---- */
struct ot_call *ot_call_create(struct ot_linedev *ld, DWORD address_id, DWORD origin)
{
    struct ot_call *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->ld = ld;
    c->address_id = address_id;
    c->origin = origin;
    c->reason = LINECALLREASON_DIRECT;
    c->call_id = ot_g.next_call_id++;
    if (!ot_g.next_call_id)
        ot_g.next_call_id = 1;
    c->state = CALLSTATE_NONE;
    ot_list_init(&c->refs);
    ot_list_init(&c->conn_link);
    ot_list_init(&c->members);
    ot_list_init(&c->member_link);
    c->seq = ot_g.next_call_seq++;
    ot_list_add_tail(&ld->calls, &c->ld_link);
    ot_g.calls_alive++;
    return c;
}

void ot_call_free_now(struct ot_call *c)
{
    if (c->close_queued) /* rare: only when the core stops */
        for (struct ot_call **pp = &ot_g.close_head; *pp; pp = &(*pp)->close_next)
            if (*pp == c) {
                *pp = c->close_next;
                break;
            }
    /* A parent going away leaves its members without one (its own list: no
     * walk over the line's calls). */
    while (!ot_list_empty(&c->members))
        ot_call_set_conf_parent(ot_container_of(c->members.next, struct ot_call, member_link),
                                NULL);
    ot_call_set_conf_parent(c, NULL);
    ot_status_call_gone(c); /* freed while not IDLE: the line's counts follow */
    ot_list_del(&c->ld_link);
    ot_list_del(&c->conn_link);
    ot_media_call_free(c);
    char **strs[] = {&c->caller_id,      &c->caller_name,      &c->called_id,
                     &c->called_name,    &c->connected_id,     &c->connected_name,
                     &c->redirecting_id, &c->redirecting_name, &c->redirection_id,
                     &c->redirection_name};
    for (unsigned i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
        if (c->strings_owned & (1u << i))
            free(*strs[i]);
    free(c->remote_uui.data);
    free(c->call_data.data);
    free(c->cause);
    if (c->pending_uui)
        free(c->pending_uui->data);
    free(c->pending_uui);
    free(c);
    ot_g.calls_alive--;
}

static bool call_closable(const struct ot_call *c)
{
    /* The last handle gone closes the call whatever its state (TSPI_lineCloseCall:
     * the provider drops it if the line drops on close).  A call no application
     * ever saw (e.g. ringing an unopened line) stays until it is IDLE. */
    return ot_list_empty(&c->refs) && !c->pins &&
           (c->provider_closed || c->had_handles || c->state == LINECALLSTATE_IDLE ||
            c->state == CALLSTATE_NONE);
}

void ot_call_maybe_free(struct ot_call *c)
{
    if (!c->close_queued && call_closable(c)) {
        c->close_queued = true;
        c->close_next = ot_g.close_head;
        ot_g.close_head = c;
    }
}

void ot_flush_closes(void)
{
    while (ot_g.close_head) {
        struct ot_call *c = ot_g.close_head;
        ot_g.close_head = c->close_next;
        c->close_queued = false;
        if (!call_closable(c))
            continue; /* it got a handle again (e.g. lineGetNewCalls) */
        if (!c->provider_closed) {
            c->provider_closed = true;
            if (c->ld->prov->close_call)
                c->ld->prov->close_call(c);
        }
        ot_call_free_now(c);
    }
}

struct ot_callref *ot_callref_get(HCALL h)
{
    if (!ot_g.started)
        return NULL;
    struct ot_callref *r = ot_handle_get(&ot_g.call_handles, h);
    return r && !r->open->closing ? r : NULL; /* a closing line's handles are gone */
}

_Static_assert(sizeof(void *) != 8 || sizeof(struct ot_callref) <= 56,
               "a call handle fits a 64-byte malloc chunk (docs/robustness.md)");

struct ot_callref *ot_callref_create(struct ot_call *c, struct ot_open *o, DWORD priv,
                                     bool announce)
{
    struct ot_callref *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->handle = ot_handle_alloc(&ot_g.call_handles, r);
    if (!r->handle) {
        free(r);
        return NULL;
    }
    r->call = c;
    r->open = o;
    r->privilege = (uint8_t)priv; /* MONITOR or OWNER */
    r->announce_privilege = announce;
    c->had_handles = true;
    ot_list_add_tail(&c->refs, &r->call_link);
    ot_list_add_tail(&o->refs, &r->open_link);
    if (priv == LINECALLPRIVILEGE_OWNER)
        c->num_owners++;
    else
        c->num_monitors++;
    ot_g.refs_alive++;
    return r;
}

void ot_callref_destroy(struct ot_callref *r)
{
    struct ot_call *c = r->call;
    ot_media_ref_gone(r);
    if (r->privilege == LINECALLPRIVILEGE_OWNER)
        c->num_owners--;
    else
        c->num_monitors--;
    ot_list_del(&r->call_link);
    ot_list_del(&r->open_link);
    ot_handle_release(&ot_g.call_handles, r->handle);
    free(r);
    ot_g.refs_alive--;
}

/* LINE_CALLINFO to every handle of the call but `except` (the one whose own
 * action caused the change).  None after IDLE. */
static void post_callinfo(struct ot_call *c, DWORD states, const struct ot_callref *except)
{
    if (c->state == LINECALLSTATE_IDLE || !states)
        return;
    struct ot_list *pos;
    for (pos = c->refs.next; pos != &c->refs; pos = pos->next) {
        struct ot_callref *r = ot_container_of(pos, struct ot_callref, call_link);
        if (r == except || r->announce_newcall || r->announce_unknown || r->open->closing)
            continue; /* not yet introduced to the application, or going */
        ot_app_post(r->open->app, r->handle, LINE_CALLINFO, r->open->instance, states, 0, 0);
    }
}

/* Handles for the monitors of the line (and the owner, for incoming calls). */
void ot_call_attach_monitors(struct ot_call *c, struct ot_open *except, bool announce)
{
    struct ot_list *pos;
    for (pos = c->ld->opens.next; pos != &c->ld->opens; pos = pos->next) {
        struct ot_open *o = ot_container_of(pos, struct ot_open, ld_link);
        if (o == except || !(o->privileges & LINECALLPRIVILEGE_MONITOR))
            continue;
        struct ot_callref *r = ot_callref_create(c, o, LINECALLPRIVILEGE_MONITOR, announce);
        if (!r) {
            ot_logc(OT_CAT_CORE, OTLOG_ERROR, "out of memory: monitor handle for call %u lost",
                    (unsigned)c->call_id);
            continue;
        }
        if (announce)
            r->announce_newcall = true;
        else
            r->announce_unknown = true;
    }
}

/* ---- provider events ---- */
struct ot_call *ot_ev_new_call(struct ot_linedev *ld, DWORD address_id, DWORD origin, void *drv)
{
    struct ot_call *c = ot_call_create(ld, address_id, origin);
    if (!c)
        return NULL;
    c->drv = drv;
    /* The first open with owner privilege (in open order) owns the call. */
    struct ot_open *owner = NULL;
    struct ot_list *pos;
    for (pos = ld->opens.next; pos != &ld->opens; pos = pos->next) {
        struct ot_open *o = ot_container_of(pos, struct ot_open, ld_link);
        if (o->privileges & LINECALLPRIVILEGE_OWNER) {
            owner = o;
            break;
        }
    }
    if (owner) {
        struct ot_callref *r = ot_callref_create(c, owner, LINECALLPRIVILEGE_OWNER, true);
        if (r)
            r->announce_newcall = true;
    }
    ot_call_attach_monitors(c, owner, true);
    return c;
}

/* The mode as an application of that API version may see it: no disconnect
 * mode newer than its version (TAPI 1.4 knows NORMAL .. NODIALTONE). */
/* A state's mode as an application of that API version knows it: TAPI 1.4
 * has neither the 2.0 disconnect modes nor the connected modes ACTIVEHELD /
 * INACTIVEHELD (the peer's hold), which it sees as ACTIVE / INACTIVE. */
static DWORD mode_for_version(DWORD state, DWORD mode, DWORD api_version)
{
    if (api_version >= 0x00020000u)
        return mode;
    if (state == LINECALLSTATE_DISCONNECTED && (mode & 0xFFFFu) > LINEDISCONNECTMODE_NODIALTONE)
        return LINEDISCONNECTMODE_UNKNOWN;
    if (state == LINECALLSTATE_CONNECTED && mode == LINECONNECTEDMODE_ACTIVEHELD)
        return LINECONNECTEDMODE_ACTIVE;
    if (state == LINECALLSTATE_CONNECTED && mode == LINECONNECTEDMODE_INACTIVEHELD)
        return LINECONNECTEDMODE_INACTIVE;
    return mode;
}

DWORD ot_mode_for_version(const struct ot_call *c, DWORD api_version)
{
    return mode_for_version(c->state, c->mode, api_version);
}

static DWORD_PTR conf_param(const struct ot_call *c, const struct ot_open *o)
{
    /* CONFERENCED carries this application's handle to the parent, if it has one. */
    if (!c->conf_parent)
        return 0;
    const struct ot_list *pos;
    for (pos = c->conf_parent->refs.next; pos != &c->conf_parent->refs; pos = pos->next) {
        const struct ot_callref *r = ot_container_of(pos, struct ot_callref, call_link);
        if (r->open == o)
            return r->handle;
    }
    return 0;
}

static void post_state(struct ot_callref *r)
{
    struct ot_call *c = r->call;
    struct ot_open *o = r->open;
    if (o->closing)
        return; /* its line is being closed: the handle is as good as gone */
    if (r->announce_newcall) {
        r->announce_newcall = false;
        if (o->api_version >= 0x00020000u)
            ot_app_post(o->app, o->handle, LINE_APPNEWCALL, o->instance, c->address_id,
                        r->handle, r->privilege);
    }
    DWORD_PTR p2 = c->state == LINECALLSTATE_CONFERENCED ? conf_param(c, o)
                                                         : ot_mode_for_version(c, o->api_version);
    DWORD_PTR p3 = r->announce_privilege ? r->privilege : 0;
    r->announce_privilege = false;
    ot_app_post(o->app, r->handle, LINE_CALLSTATE, o->instance, c->state, p2, p3);
}

/* The call's current state to one handle (handoff.c: a handle given to an application). */
void ot_callref_post_state(struct ot_callref *r) { post_state(r); }

void ot_ev_call_state(struct ot_call *c, DWORD state, DWORD mode)
{
    if (c->state == LINECALLSTATE_IDLE)
        return; /* IDLE is final */
    if (c->state == state && c->mode == mode)
        return;
    DWORD was_state = c->state, was_mode = c->mode;
    if (c->state != state && state == LINECALLSTATE_CONNECTED)
        ot_list_add_tail(&c->ld->connected, &c->conn_link);
    else if (c->state != state && c->state == LINECALLSTATE_CONNECTED)
        ot_list_del(&c->conn_link);
    DWORD old_state = c->state, old_mode = c->mode;
    c->state = state;
    c->mode = mode;
    c->states_seen |= state;
    c->state_time_ms = wall_ms();
    struct ot_list *pos;
    for (pos = c->refs.next; pos != &c->refs; pos = pos->next) {
        struct ot_callref *r = ot_container_of(pos, struct ot_callref, call_link);
        if (r->announce_unknown)
            continue; /* introduced at the make-call reply */
        DWORD v = r->open->api_version;
        if (was_state == state &&
            mode_for_version(state, was_mode, v) == mode_for_version(state, mode, v))
            continue; /* a change this application's version cannot show */
        post_state(r);
    }
    ot_status_call_moved(c, old_state, old_mode); /* NUMCALLS, INUSE* */
    if (c->media)
        ot_media_call_state(c);
    if (state == LINECALLSTATE_IDLE)
        ot_call_maybe_free(c);
}

static int party_set(struct ot_call *c, char **dst, unsigned bit, const char *s, bool borrowed)
{
    char *n = NULL;
    if (s && *s) {
        n = borrowed ? (char *)(uintptr_t)s : ot_strdup(s);
        if (!n)
            return -1;
    }
    if (c->strings_owned & (1u << bit))
        free(*dst);
    *dst = n;
    c->strings_owned = (uint16_t)((c->strings_owned & ~(1u << bit)) |
                                 ((n && !borrowed) ? (1u << bit) : 0u));
    return 0;
}

void ot_ev_call_party_ex(struct ot_call *c, enum ot_party which, const char *number,
                         const char *name, bool notify, bool borrowed)
{
    unsigned bit;
    char **num, **nam;
    DWORD state;
    switch (which) {
    case OT_PARTY_CALLER:
        num = &c->caller_id, nam = &c->caller_name, bit = 0, state = LINECALLINFOSTATE_CALLERID;
        break;
    case OT_PARTY_CALLED:
        num = &c->called_id, nam = &c->called_name, bit = 2, state = LINECALLINFOSTATE_CALLEDID;
        break;
    case OT_PARTY_REDIRECTING:
        num = &c->redirecting_id, nam = &c->redirecting_name, bit = 6;
        state = LINECALLINFOSTATE_REDIRECTINGID;
        break;
    case OT_PARTY_REDIRECTION:
        num = &c->redirection_id, nam = &c->redirection_name, bit = 8;
        state = LINECALLINFOSTATE_REDIRECTIONID;
        break;
    default:
        num = &c->connected_id, nam = &c->connected_name, bit = 4;
        state = LINECALLINFOSTATE_CONNECTEDID;
        break;
    }
    if (party_set(c, num, bit, number, borrowed) || party_set(c, nam, bit + 1, name, borrowed))
        ot_logc(OT_CAT_CORE, OTLOG_ERROR, "out of memory: party id of call %u lost",
                (unsigned)c->call_id);
    if (notify)
        post_callinfo(c, state, NULL);
}

void ot_ev_call_party(struct ot_call *c, enum ot_party which, const char *number,
                      const char *name, bool notify)
{
    ot_ev_call_party_ex(c, which, number, name, notify, false);
}

void ot_ev_call_reason(struct ot_call *c, DWORD reason)
{
    if (c->reason == reason)
        return;
    c->reason = reason;
    post_callinfo(c, LINECALLINFOSTATE_REASON, NULL);
}

static int uui_set(struct ot_uui *u, const void *data, DWORD len)
{
    unsigned char *p = NULL;
    if (len) {
        p = malloc(len);
        if (!p)
            return -1;
        memcpy(p, data, len);
    }
    free(u->data);
    u->data = p;
    u->len = len;
    return 0;
}

void ot_ev_call_uui(struct ot_call *c, const void *data, DWORD len)
{
    if (!data || !len)
        return;
    if (len > c->ld->conf.uui_call_info) {
        /* Never truncated: an application must get the bytes sent or none. */
        ot_logc(OT_CAT_CORE, OTLOG_WARN,
                "call %u: received UUI of %u bytes exceeds dwUUICallInfoSize %u: ignored",
                (unsigned)c->call_id, (unsigned)len, (unsigned)c->ld->conf.uui_call_info);
        return;
    }
    if (c->uui_unreleased) {
        /* The application has not released the UUI it was shown: keep the newest
         * until lineReleaseUserUserInfo (docs/design.md). */
        if (!c->pending_uui)
            c->pending_uui = calloc(1, sizeof(*c->pending_uui));
        if (!c->pending_uui || uui_set(c->pending_uui, data, len))
            ot_logc(OT_CAT_CORE, OTLOG_ERROR, "out of memory: UUI of call %u lost",
                    (unsigned)c->call_id);
        return;
    }
    if (uui_set(&c->remote_uui, data, len)) {
        ot_logc(OT_CAT_CORE, OTLOG_ERROR, "out of memory: UUI of call %u lost",
                (unsigned)c->call_id);
        return;
    }
    c->uui_unreleased = true;
    post_callinfo(c, LINECALLINFOSTATE_USERUSERINFO, NULL);
}

/* lineReleaseUserUserInfo's effect: the held UUI (if any) becomes visible. */
static void call_release_uui(struct ot_call *c)
{
    c->uui_unreleased = false;
    if (c->pending_uui && c->pending_uui->len) {
        free(c->remote_uui.data);
        c->remote_uui = *c->pending_uui;
        c->pending_uui->data = NULL;
        c->pending_uui->len = 0;
        c->uui_unreleased = true;
        post_callinfo(c, LINECALLINFOSTATE_USERUSERINFO, NULL);
    }
}

void ot_ev_call_related(struct ot_call *c, DWORD related)
{
    c->related_call_id = related;
    post_callinfo(c, LINECALLINFOSTATE_RELATEDCALLID, NULL);
}

void ot_ev_call_info(struct ot_call *c, DWORD infostates) { post_callinfo(c, infostates, NULL); }

void ot_ev_call_conf_parent(struct ot_call *c, struct ot_call *parent)
{
    ot_call_set_conf_parent(c, parent);
}

void ot_ev_call_cause(struct ot_call *c, const char *text)
{
    char *copy = text ? ot_strdup(text) : NULL;
    if (text && !copy)
        return; /* out of memory: the cause stays unknown */
    free(c->cause);
    c->cause = copy;
}

void ot_ev_call_gone(struct ot_call *c)
{
    ot_ev_call_state(c, LINECALLSTATE_IDLE, 0);
    c->provider_closed = true;
    ot_call_maybe_free(c);
}

/* ---- requests ---- */
struct ot_req *ot_req_new(struct ot_open *o, enum ot_req_kind kind)
{
    struct ot_req *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->id = ot_g.next_request_id++;
    if (ot_g.next_request_id <= 0) /* 1 .. 0x7FFFFFFF */
        ot_g.next_request_id = 1;
    r->kind = kind;
    if (o) {
        if (ot_msgq_reserve(&o->app->queue) != 0) {
            free(r);
            return NULL; /* the function fails with LINEERR_NOMEM */
        }
        r->reserved = true;
        r->app = o->app->handle;
        r->line = o->handle;
        r->instance = o->instance;
    }
    ot_g.reqs_alive++;
    return r;
}

/* The room kept for the reply goes back (the reply is being posted, or will
 * not be). */
static void req_unreserve(struct ot_req *r)
{
    if (!r->reserved)
        return;
    r->reserved = false;
    struct ot_app *a = ot_g.started ? ot_handle_get(&ot_g.app_handles, r->app) : NULL;
    if (a)
        ot_msgq_unreserve(&a->queue);
}

void ot_req_discard(struct ot_req *r)
{
    req_unreserve(r);
    free(r);
    ot_g.reqs_alive--;
}

struct ot_call *ot_req_call(const struct ot_req *r) { return r->call; }

static void destroy_new_call(HCALL h)
{
    struct ot_callref *r = ot_callref_get(h);
    if (!r)
        return;
    struct ot_call *c = r->call;
    /* The call never reached the application: all its handles go silently. */
    while (!ot_list_empty(&c->refs))
        ot_callref_destroy(ot_container_of(c->refs.next, struct ot_callref, call_link));
    if (c->state != CALLSTATE_NONE && c->state != LINECALLSTATE_IDLE) {
        ot_list_del(&c->conn_link);
        ot_status_call_gone(c);
        c->state = LINECALLSTATE_IDLE;
    }
    ot_call_maybe_free(c);
}

void ot_req_complete(struct ot_req *r, LONG result)
{
    struct ot_app *app = r->app ? ot_app_get(r->app) : NULL;
    struct ot_open *o = r->line ? ot_open_get(r->line) : NULL;
    bool deliver = app && (!r->line || (o && o->app == app));
    if (result > 0)
        result = LINEERR_OPERATIONFAILED; /* a provider must not invent request ids */
    if (r->kind != OT_REQ_GENERIC) {
        if (result == 0 && deliver) {
            struct ot_callref *n1 = r->new_call ? ot_callref_get(r->new_call) : NULL;
            struct ot_callref *n2 = r->new_call2 ? ot_callref_get(r->new_call2) : NULL;
            if (r->out_call)
                *r->out_call = n1 ? n1->handle : 0;
            if (r->out_call2)
                *r->out_call2 = n2 ? n2->handle : 0;
        } else if (result != 0) {
            destroy_new_call(r->new_call);
            destroy_new_call(r->new_call2);
        }
    }
    req_unreserve(r);
    if (deliver)
        ot_app_post(app, 0, LINE_REPLY, r->instance, (DWORD_PTR)r->id, (DWORD_PTR)(LONG)result,
                    0);
    if (result == 0 && r->kind != OT_REQ_GENERIC) {
        /* Monitors learn of calls another application made, after its reply. */
        HCALL made[2] = {r->new_call, r->new_call2};
        for (int i = 0; i < 2; i++) {
            struct ot_callref *n = made[i] ? ot_callref_get(made[i]) : NULL;
            struct ot_call *c = n ? n->call : NULL;
            if (!c)
                continue;
            struct ot_list *pos;
            for (pos = c->refs.next; pos != &c->refs; pos = pos->next) {
                struct ot_callref *m = ot_container_of(pos, struct ot_callref, call_link);
                if (!m->announce_unknown || m->open->closing)
                    continue;
                m->announce_unknown = false;
                ot_app_post(m->open->app, m->handle, LINE_CALLSTATE, m->open->instance,
                            LINECALLSTATE_UNKNOWN, 0, LINECALLPRIVILEGE_MONITOR);
                if (c->state != CALLSTATE_NONE)
                    ot_app_post(m->open->app, m->handle, LINE_CALLSTATE, m->open->instance,
                                c->state, c->mode, 0);
            }
        }
    }
    ot_req_discard(r);
}

/* ---- call features (LINECALLSTATUS.dwCallFeatures) ---- */
DWORD ot_call_features(const struct ot_call *c, DWORD privilege)
{
    if (privilege != LINECALLPRIVILEGE_OWNER)
        return 0;
    const struct ot_line_conf *cf = &c->ld->conf;
    DWORD uui = cf->uui_send ? LINECALLFEATURE_SENDUSERUSER : 0;
    DWORD conf = cf->max_conf ? LINECALLFEATURE_SETUPCONF | LINECALLFEATURE_SETUPTRANSFER |
                                    LINECALLFEATURE_BLINDTRANSFER
                              : 0;
    DWORD f = 0;
    switch (c->state) {
    case LINECALLSTATE_OFFERING:
        f = LINECALLFEATURE_ACCEPT | LINECALLFEATURE_ANSWER | uui |
            (cf->can_reject ? LINECALLFEATURE_DROP : 0);
        break;
    case LINECALLSTATE_ACCEPTED:
        f = LINECALLFEATURE_ANSWER | uui | (cf->can_reject ? LINECALLFEATURE_DROP : 0);
        break;
    case LINECALLSTATE_DIALTONE:
    case LINECALLSTATE_DIALING:
    case LINECALLSTATE_PROCEEDING:
        f = LINECALLFEATURE_DIAL | LINECALLFEATURE_DROP;
        break;
    case LINECALLSTATE_RINGBACK:
        f = LINECALLFEATURE_DROP | uui;
        break;
    case LINECALLSTATE_CONNECTED:
        if (c->mode == LINECONNECTEDMODE_INACTIVE)
            f = cf->sharing == LINEADDRESSSHARING_BRIDGEDSHARED ? LINECALLFEATURE_ANSWER
                                                                 : 0; /* rejoin */
        else
            f = LINECALLFEATURE_DROP | LINECALLFEATURE_HOLD | uui | conf |
                ot_media_call_features(c->ld->prov);
        break;
    case LINECALLSTATE_ONHOLD:
        f = LINECALLFEATURE_UNHOLD | LINECALLFEATURE_DROP;
        break;
    case LINECALLSTATE_CONFERENCED:
        f = LINECALLFEATURE_DROP | LINECALLFEATURE_REMOVEFROMCONF;
        break;
    case LINECALLSTATE_ONHOLDPENDCONF:
        f = LINECALLFEATURE_DROP;
        break;
    case LINECALLSTATE_ONHOLDPENDTRANSFER: /* the held call of lineSetupTransfer */
        f = LINECALLFEATURE_DROP | (cf->max_conf ? LINECALLFEATURE_COMPLETETRANSF : 0);
        break;
    case LINECALLSTATE_BUSY:
    case LINECALLSTATE_SPECIALINFO:
    case LINECALLSTATE_DISCONNECTED:
    case LINECALLSTATE_UNKNOWN:
        f = LINECALLFEATURE_DROP;
        break;
    default:
        f = 0;
    }
    if (c->uui_unreleased)
        f |= LINECALLFEATURE_RELEASEUSERUSERINFO;
    f &= ot_provider_call_features(c->ld->prov); /* what its provider can do */
    f |= ot_route_call_features(c);               /* routeapi.c */
    if (f && c->state != LINECALLSTATE_IDLE && /* a call this station takes part in */
        !(c->state == LINECALLSTATE_CONNECTED && c->mode == LINECONNECTEDMODE_INACTIVE))
        f |= LINECALLFEATURE_SETCALLDATA | LINECALLFEATURE_SETCALLPARAMS;
    return f;
}

void ot_call_release_uui(struct ot_call *c) { call_release_uui(c); }
void ot_call_post_callinfo(struct ot_call *c, DWORD states, const struct ot_callref *except)
{
    post_callinfo(c, states, except);
}
