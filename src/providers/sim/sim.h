/* The embedded switch's objects, shared by sim.c (stations, connections),
 * simcall.c (the basic call operations) and simconf.c (conferences and
 * transfers).
 *
 * Model: a connection (struct sim_conn) joins two ends.  An end belongs to a
 * directory number and has one appearance (struct sim_app, one TAPI call on
 * one station) per station that shows the call: one for a private number,
 * several for a shared one.  A conference is a bridge appearance (kind
 * SIM_BRIDGE, no connection of its own) on the host station; its members are
 * the host's appearances of the connections to each party (kind SIM_MEMBER).
 * Everything runs under the core lock. */
#ifndef OT_SIM_H
#define OT_SIM_H

#include "../../core/ot.h"

#define SIM_MAX_STATIONS_PER_DN 16

struct sim_dn;
struct sim_conn;
struct sim_end;

struct sim_station {
    struct ot_linedev *ld;
    const struct ot_line_conf *cf;
    struct sim_dn *dn;
    unsigned ncalls;     /* appearances in a connection */
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

enum sim_kind {
    SIM_PLAIN,        /* an ordinary call */
    SIM_BRIDGE,       /* a conference parent: no connection, members point to it */
    SIM_MEMBER,       /* a conference member: rel = its bridge */
    SIM_CONSULT_CONF, /* consultation call for a conference: rel = the bridge */
    SIM_CONSULT_XFER, /* consultation call for a transfer: rel = the held call */
    SIM_HELD_XFER,    /* the call on ONHOLDPENDTRANSFER: rel = its consultation call */
};

struct sim_app {
    struct ot_call *call;
    struct sim_station *st;
    struct sim_end *end; /* NULL once IDLE, and for bridges */
    struct sim_app *rel; /* see enum sim_kind; set only with sim_set_rel */
    uint8_t kind;
    bool active;              /* talking at this station (shared appearances) */
    bool bridge_idle;         /* a bridge that went IDLE */
    uint64_t seq;             /* creation order (relatives are kept in it) */
    struct ot_list relatives; /* the apps whose rel is this one, by seq (rel_link) */
    struct ot_list rel_link;  /* rel->relatives */
    struct ot_list deferred;  /* its requests waiting on the clock (sim_defer.app_link) */
    struct ot_list link;      /* end->apps */
    struct ot_list st_link;   /* st->apps */
    struct sim_gen *gen;      /* digits or a tone being generated (simdigits.c) */
};

struct sim_end {
    struct sim_conn *conn;
    struct sim_dn *dn;
    struct ot_list apps;
};

struct sim_conn {
    enum sim_phase phase;
    unsigned busy; /* entry points in progress: the connection outlives them */
    struct sim_end a, b;
    struct ot_timer no_answer;
    struct ot_timer ring; /* LINEDEVSTATE_RINGING every ring_ms while alerting */
    DWORD rings;          /* rings so far (the next ring's count) */
    struct ot_timer fwd_timer; /* forwarding on no answer (simroute.c) */
};

struct sim_state {
    struct sim_station *stations;
    unsigned nstations;
    struct sim_dn *dns;
    unsigned ndns;
    struct sim_dn **hash;
    unsigned hash_size;
    uint64_t no_answer_ms;
    uint64_t reply_delay_ms;
    uint64_t ring_ms; /* the ring cycle (0: one ring only, at the offer) */
    unsigned live_apps;
    uint64_t next_seq;
    struct ot_list deferred; /* struct sim_defer.link */
};
extern struct sim_state S;

#define APP_OF(pos) ot_container_of(pos, struct sim_app, link)
#define ST_APP_OF(pos) ot_container_of(pos, struct sim_app, st_link)
#define FOREACH_APP(pos, tmp, end) ot_list_foreach_safe(pos, tmp, &(end)->apps)

/* sim.c */
struct sim_dn *sim_dn_find(const char *number);
struct sim_app *sim_app_new(struct sim_station *st, struct sim_end *end);
struct sim_app *sim_bridge_new(struct sim_station *st, struct ot_call *call);
/* Frees an appearance that left its connection (end NULL or unlinked). */
void sim_app_free(struct sim_app *a);
struct sim_conn *sim_conn_new(struct sim_station *st, struct ot_call *call, struct sim_app **ap);
void sim_conn_hold(struct sim_conn *c);
void sim_conn_release(struct sim_conn *c);
void sim_conn_maybe_free(struct sim_conn *c);
struct sim_end *sim_other_end(struct sim_end *e);
void sim_app_idle(struct sim_app *a);
void sim_end_idle(struct sim_end *e);
void sim_end_uui(struct sim_end *e, const void *uui, DWORD len, bool active_only);
void sim_end_disconnect(struct sim_end *e, DWORD mode);
/* Clears a connection from one of its ends: that end's appearances IDLE, the
 * other end DISCONNECTED with mode (and the UUI). */
void sim_conn_clear(struct sim_end *from, DWORD mode, const void *uui, DWORD len);
/* Offers the connection at dn from end `from`; returns false if it failed
 * (the from end was told: BUSY / BADADDRESS). */
bool sim_offer(struct sim_conn *c, struct sim_end *from, struct sim_dn *d, const void *uui,
               DWORD len);
void sim_set_state(struct sim_app *a, DWORD state, DWORD mode);
bool sim_dn_busy(const struct sim_dn *d);

/* Why an offer arrives (LINECALLINFO dwReason) and from which number it was
 * forwarded or redirected (NULL: dialed directly). */
struct sim_fwd {
    DWORD reason;
    struct sim_dn *redirecting;
};
/* sim_offer with the reason, the redirecting number and a dwCompletionID
 * (0: none) on the offered calls; the caller's calls learn the redirection. */
bool sim_offer_ex(struct sim_conn *c, struct sim_end *from, struct sim_dn *d, const void *uui,
                  DWORD len, const struct sim_fwd *f, DWORD completion_id);

/* simcall.c: a request waiting on the clock ([sim] reply_delay_ms). */
enum sim_op { OP_MAKECALL, OP_DIAL, OP_ANSWER, OP_ACCEPT, OP_SENDUUI, OP_HOLD, OP_UNHOLD };
struct sim_defer {
    struct ot_list link;     /* S.deferred */
    struct ot_list app_link; /* app->deferred */
    struct ot_timer timer;
    struct ot_req *req;
    struct sim_app *app;
    enum sim_op op;
    DWORD len;
    char *dest;
    unsigned char uui[];
};
void sim_defer_free(struct sim_defer *d);
/* Requests of this appearance still waiting on the clock fail now (a drop
 * overtook them, or the call went away). */
void sim_fail_deferred(struct sim_app *a);
/* The provider entry points (ot_sim_provider in sim.c). */
LONG sim_make_call(struct ot_req *r, struct ot_call *call, const char *dest,
                   const LINECALLPARAMS *params, const void *uui, DWORD len);
LONG sim_dial(struct ot_req *r, struct ot_call *call, const char *dest);
LONG sim_answer(struct ot_req *r, struct ot_call *call, const void *uui, DWORD len);
LONG sim_accept(struct ot_req *r, struct ot_call *call, const void *uui, DWORD len);
LONG sim_send_uui(struct ot_req *r, struct ot_call *call, const void *uui, DWORD len);
LONG sim_hold(struct ot_req *r, struct ot_call *call);
LONG sim_unhold(struct ot_req *r, struct ot_call *call);
LONG sim_drop(struct ot_req *r, struct ot_call *call, const void *uui, DWORD len);
void sim_close_call(struct ot_call *call);
/* The station's call that is talking now (not except), if any. */
struct sim_app *sim_station_active(struct sim_station *st, const struct sim_app *except);

/* simroute.c */
#define SIM_RING_MS 6000u /* a ring for dwNumRingsNoAnswer when [sim] ring_ms is 0 */
/* Where a call dialed from `from` to d goes after unconditional and busy
 * forwarding (f says why). */
struct sim_dn *sim_route_forward(struct sim_dn *from, struct sim_dn *d, struct sim_fwd *f);
/* Arms c->fwd_timer when d forwards on no answer. */
void sim_route_arm_noanswer(struct sim_conn *c, struct sim_dn *d, struct sim_dn *from);
void sim_route_noanswer_fired(void *arg);
/* The station's last call left: call completions waiting for it go on. */
void sim_route_station_free(struct sim_station *st);
void sim_route_stop(void);
/* [line] pickup_group of a switch line: 0 or -1 with the reason in err. */
int sim_route_check_key(const struct ot_line_kv *kv, char *err, size_t errlen);
LONG sim_redirect(struct ot_req *r, struct ot_call *c, const char *dest);
LONG sim_park(struct ot_req *r, struct ot_call *c, DWORD mode, const char *dir, char *nondir,
              size_t *nondir_len);
LONG sim_unpark(struct ot_req *r, struct ot_call *c, const char *addr);
LONG sim_pickup(struct ot_req *r, struct ot_call *c, const char *dest, const char *group);
LONG sim_swap_hold(struct ot_req *r, struct ot_call *active, struct ot_call *held);
LONG sim_secure(struct ot_req *r, struct ot_call *c);
LONG sim_complete_call(struct ot_req *r, struct ot_call *c, DWORD mode, DWORD id);
LONG sim_uncomplete_call(struct ot_req *r, struct ot_linedev *ld, DWORD id);
/* a->rel = to, keeping to->relatives (so nothing walks a station to find who
 * points at an appearance: the cost of a call end does not grow with the
 * number of calls at the station). */
void sim_set_rel(struct sim_app *a, struct sim_app *to);

/* simdigits.c */
LONG sim_generate_digits(struct ot_call *call, DWORD mode, const char *digits, DWORD ms);
LONG sim_generate_tone(struct ot_call *call, DWORD mode, DWORD ms, DWORD ntones,
                       const LINEGENERATETONE *tones);
void sim_generate_cancel(struct ot_call *call);
void sim_media_mode_changed(struct ot_call *call, DWORD mode);
void sim_gen_stop(struct sim_app *a);

/* simconf.c */
LONG sim_setup_conf(struct ot_req *r, struct ot_call *c, struct ot_call *conf,
                    struct ot_call *consult, DWORD nparties);
LONG sim_prepare_add(struct ot_req *r, struct ot_call *conf, struct ot_call *consult);
LONG sim_add_to_conf(struct ot_req *r, struct ot_call *conf, struct ot_call *consult);
LONG sim_remove_from_conf(struct ot_req *r, struct ot_call *c);
LONG sim_setup_transfer(struct ot_req *r, struct ot_call *c, struct ot_call *consult);
LONG sim_complete_transfer(struct ot_req *r, struct ot_call *c, struct ot_call *consult,
                           struct ot_call *conf, DWORD mode);
LONG sim_blind_transfer(struct ot_req *r, struct ot_call *c, const char *dest);
/* lineDrop of a bridge, member or consultation call; false: not such a call. */
bool sim_conf_drop(struct sim_app *a, const void *uui, DWORD len);
/* An appearance left its connection (IDLE or DISCONNECTED): conference and
 * transfer relations are updated (a conference of two reverts to a call). */
void sim_conf_left(struct sim_app *a);

#endif
