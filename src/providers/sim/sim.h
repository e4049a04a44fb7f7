/* The embedded switch's objects, shared by sim.c (stations, connections, the
 * basic call operations) and simconf.c (conferences and transfers).
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
/* a->rel = to, keeping to->relatives (so nothing walks a station to find who
 * points at an appearance: the cost of a call end does not grow with the
 * number of calls at the station). */
void sim_set_rel(struct sim_app *a, struct sim_app *to);

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
