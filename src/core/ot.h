/* Internal definitions of the opentapi core: the objects behind the handles an
 * application sees, and the one lock that guards them all.
 *
 * Invariants: every field of every object below is read and written only with
 * ot_g.lock held (the core lock).  Providers are invoked with the core lock held
 * and report back through the ot_ev_* / ot_req_complete functions, which also
 * expect the lock held.  Application callbacks are never invoked with it held. */
#ifndef OT_CORE_OT_H
#define OT_CORE_OT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tapi.h"
#include "opentapi.h"
#include "provider.h"

#define OT_HIDDEN __attribute__((visibility("hidden")))

/* ---- intrusive doubly linked list ------------------------------------ */
struct ot_list {
    struct ot_list *prev, *next;
};
static inline void ot_list_init(struct ot_list *l) { l->prev = l->next = l; }
static inline bool ot_list_empty(const struct ot_list *l) { return l->next == l; }
static inline void ot_list_add_tail(struct ot_list *l, struct ot_list *n)
{
    n->prev = l->prev;
    n->next = l;
    l->prev->next = n;
    l->prev = n;
}
static inline void ot_list_del(struct ot_list *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = n;
}
#define ot_container_of(p, type, member) ((type *)(void *)((char *)(p)-offsetof(type, member)))
#define ot_list_foreach_safe(pos, tmp, head)                                    \
    for ((pos) = (head)->next, (tmp) = (pos)->next; (pos) != (head);           \
         (pos) = (tmp), (tmp) = (pos)->next)

/* ---- handle tables ----------------------------------------------------
 * A handle is tag(2 bits) | generation(10 bits) | slot index(20 bits); the tag
 * is never 0, so 0 is never a valid handle.  Freed slots go to the tail of a
 * FIFO free list and a slot is taken from it only once OT_HANDLE_QUARANTINE
 * handles of its type have been allocated since it was freed (until then a
 * never-used slot is taken).  So a freed slot is not reused before
 * OT_HANDLE_QUARANTINE allocations and a freed handle value (same slot, same
 * generation) not before 1,024 x OT_HANDLE_QUARANTINE = 67,108,864. */
#define OT_HANDLE_QUARANTINE 65536u
#define OT_HANDLE_MAX_SLOTS (1u << 20)
enum ot_htype { OT_H_APP = 1, OT_H_LINE = 2, OT_H_CALL = 3 };
struct ot_slot {
    void *obj;
    uint32_t gen;
    uint32_t next_free;
    uint32_t freed_at; /* the table's allocation count when it was freed */
};
struct ot_htable {
    struct ot_slot *slots;
    uint32_t cap, used, nlive; /* slots [used, cap) were never handed out */
    uint32_t free_head, free_tail; /* UINT32_MAX when empty */
    uint32_t allocs;               /* allocations so far (wraps; compared by difference) */
    enum ot_htype type;
};
OT_HIDDEN void ot_htable_init(struct ot_htable *t, enum ot_htype type);
OT_HIDDEN void ot_htable_free(struct ot_htable *t);
OT_HIDDEN uint32_t ot_handle_alloc(struct ot_htable *t, void *obj); /* 0: no memory */
OT_HIDDEN void *ot_handle_get(const struct ot_htable *t, uint32_t h);
OT_HIDDEN void ot_handle_release(struct ot_htable *t, uint32_t h);
/* The application (HLINEAPP) an HLINEAPP, HLINE or HCALL value belongs to, or 0
 * for a value that names nothing (also when the library is not started).  For
 * whoever must check that a handle is the caller's own (the telephony server).
 * Takes the core lock: call it without holding it. */
OT_HIDDEN HLINEAPP ot_handle_app(DWORD handle);

/* ---- variable-size TAPI structures ------------------------------------ */
struct ot_varbuf {
    unsigned char *base; /* the application's structure */
    DWORD total;         /* its dwTotalSize */
    DWORD used, needed;  /* running dwUsedSize / dwNeededSize */
};
/* Appends len bytes at the end; writes size/offset (0/0 if it does not fit). */
OT_HIDDEN void ot_varbuf_put(struct ot_varbuf *vb, const void *data, DWORD len, DWORD *size,
                             DWORD *offset);
OT_HIDDEN void ot_varbuf_put_str(struct ot_varbuf *vb, const char *s, DWORD *size, DWORD *offset);

/* ---- clock and timers ---------------------------------------------------
 * One monotonic millisecond clock, either real or driven by otClockAdvance().
 * Timer callbacks run with the core lock held. */
struct ot_timer {
    uint64_t due;
    uint32_t heap_index; /* UINT32_MAX when not armed */
    void (*fn)(void *arg);
    void *arg;
};
OT_HIDDEN uint64_t ot_clock_now(void);
/* CLOCK_MONOTONIC now + ms, for pthread_cond_timedwait on the library's
 * condition variables (all made with CLOCK_MONOTONIC). */
OT_HIDDEN struct timespec ot_deadline_ms(uint64_t ms);
OT_HIDDEN void ot_timer_init(struct ot_timer *t, void (*fn)(void *), void *arg);
OT_HIDDEN int ot_timer_start(struct ot_timer *t, uint64_t delay_ms);
OT_HIDDEN void ot_timer_stop(struct ot_timer *t);
OT_HIDDEN void ot_timers_run_due(void);
OT_HIDDEN int ot_timers_start_thread(void);
OT_HIDDEN void ot_timers_stop_thread(void);

#define OT_CALL_DATA_MAX 4096u /* LINEADDRESSCAPS.dwMaxCallDataSize */

/* ---- objects ------------------------------------------------------------ */
/* An application's messages: a ring of at most OT_MSGQ_LIMIT.  A message that
 * finds the queue one short of the limit is replaced by LINE_LINEDEVSTATE
 * (LINEDEVSTATE_REINIT, dwParam2 = the lost message's id, dwParam3 = its
 * dwParam1), the last message queued; from then on messages are discarded
 * (counted in lost) until the application has read the queue empty. */
#define OT_MSGQ_LIMIT 65536u
struct ot_msgq {
    LINEMESSAGE *buf;
    uint32_t cap, head, count;
    uint32_t reserved; /* room kept for the LINE_REPLY of each pending request */
    bool overflowed;
    uint64_t lost;
};

struct ot_app {
    HLINEAPP handle;
    LINECALLBACK callback; /* callback model, or NULL for USEEVENT */
    DWORD api_version;
    int efd; /* USEEVENT: eventfd readable while the queue is non-empty; else -1 */
    bool efd_signalled;
    struct ot_msgq queue;
    pthread_cond_t cond;  /* signalled on new messages and on shutdown */
    unsigned waiters;     /* threads inside lineGetMessage */
    bool shutting_down;
    bool has_thread;      /* callback model: a dispatcher thread */
    bool in_callback;
    pthread_t thread;
    struct ot_list opens; /* struct ot_open.app_link */
    struct ot_list link;  /* ot_g.apps */
    char name[64];
    bool server_app; /* a client of tapisrv: lineGatherDigits digits wait in gathered */
    struct ot_gathered *gathered; /* mediaapi.c: FIFO of finished gathers' digits */
    unsigned proxy_requests; /* its agent requests pending at proxies (proxy.h: bounded) */
};

struct ot_linedev {
    DWORD id;
    struct ot_line_conf conf;
    const struct ot_provider *prov;
    void *drv;           /* the provider's line */
    struct ot_list opens; /* struct ot_open.ld_link */
    struct ot_list calls; /* struct ot_call.ld_link */
    struct ot_list connected; /* struct ot_call.conn_link: calls in CONNECTED */
    DWORD perm_id;
    DWORD extra_line_states; /* LINEDEVSTATE_ the provider reports beyond the core's */
    DWORD extra_connected_modes; /* LINECONNECTEDMODE_ the provider reports beyond the core's */
    DWORD answer_mode;           /* LINEANSWERMODE_ the provider set, 0: HOLD (the switch's) */
    bool out_of_service;     /* the provider said LINEDEVSTATE_OUTOFSERVICE */
    bool disconnected;       /* the provider's link to the switch is down (ot_ev_line_link) */
    /* statusapi.c: the line's calls by kind, kept as their states change (so
     * LINEADDRESSSTATUS / LINEDEVSTATUS and the NUMCALLS / INUSE messages
     * agree, at O(1) per change) */
    DWORD n_active, n_offering, n_held, n_pend;
    DWORD inuse_last; /* dwNumInUse as last reported (INUSEZERO/ONE/MANY) */
    DWORD extra_address_states; /* LINEADDRESSSTATE_ a provider or feature reports */
    DWORD settable_status;      /* LINEDEVSTATUSFLAGS_ lineSetLineDevStatus may change */
    DWORD dev_status;           /* those of them that are set */
    struct ot_fwd_state *fwd; /* lineForward's list (forward.c); NULL: none */
};

struct ot_open {
    HLINE handle;
    struct ot_app *app;
    struct ot_linedev *ld;
    DWORD privileges; /* LINECALLPRIVILEGE_ bits */
    DWORD media_modes;
    DWORD api_version;
    DWORD_PTR instance;
    DWORD line_states, address_states; /* lineSetStatusMessages */
    bool num_rings_set;                /* lineSetNumRings (devapi.c) */
    DWORD num_rings;
    DWORD proxy_types; /* LINEOPENOPTION_PROXY: bit n set = handles LINEPROXYREQUEST_ n (agentapi.c) */
    unsigned proxy_pending; /* a proxy: requests given to it and not answered (bounded) */
    bool closing; /* lineClose/lineShutdown under way: its handles are invisible */
    struct ot_list app_link, ld_link;
    struct ot_list refs; /* struct ot_callref.open_link */
};

struct ot_uui {
    unsigned char *data;
    DWORD len;
};

/* A call as one line device sees it (TAPI's "call"); the provider links the
 * calls that belong to one connection. */
struct ot_call {
    struct ot_linedev *ld;
    DWORD address_id;
    DWORD state, mode;
    uint64_t state_time_ms; /* wall clock, for tStateEntryTime */
    DWORD call_id, related_call_id;
    DWORD origin, reason;
    HLINEAPP creator; /* the application that made the call (LINECALLINFO app name) */
    DWORD states_seen;
    DWORD app_specific;
    /* party ids; a bit of strings_owned set means the core allocated it */
    char *caller_id, *caller_name, *called_id, *called_name, *connected_id, *connected_name;
    char *redirecting_id, *redirecting_name, *redirection_id, *redirection_name;
    struct ot_uui remote_uui;   /* what LINECALLINFO shows */
    struct ot_uui *pending_uui; /* newer UUI held until lineReleaseUserUserInfo */
    struct ot_uui call_data;    /* lineSetCallData (callparams.c), at most OT_CALL_DATA_MAX */
    char *cause; /* the provider's words for why the call failed (LINECALLINFO DevSpecific) */
    DWORD media_mode;           /* lineSetMediaMode; 0 = LINEMEDIAMODE_INTERACTIVEVOICE */
    DWORD completion_id;        /* LINECALLINFO.dwCompletionID (routeapi.c) */
    bool secure;                /* lineSecureCall: LINECALLPARAMFLAGS_SECURE */
    bool uui_unreleased;
    uint16_t strings_owned;
    struct ot_list refs; /* struct ot_callref.call_link */
    DWORD num_owners, num_monitors;
    void *drv; /* the provider's call */
    struct ot_list ld_link;
    struct ot_list conn_link; /* ld->connected while CONNECTED */
    uint64_t seq;             /* creation order */
    /* conference membership (provider decides, core reports); members of a
     * conference are on the parent's line, so the parent finds them there */
    struct ot_call *conf_parent;
    struct ot_list members;     /* a parent's: calls whose conf_parent it is, by seq */
    struct ot_list member_link; /* conf_parent->members */
    bool is_conf_parent;  /* created as a conference parent (hConfCall) */
    bool had_handles;     /* an application held a handle to it once */
    bool provider_closed; /* the provider let go; no more provider calls */
    bool close_queued;    /* on ot_g.close_head */
    unsigned pins;        /* kept while a teardown still has to drop it */
    struct ot_call *close_next;
    struct ot_media *media; /* mediaapi.c: generation and gathering under way, or NULL */
};

/* 56 bytes on LP64 (a 64-byte malloc chunk; with a DWORD privilege and the
 * flags after the pointers it was 64, an 80-byte chunk): two per call. */
struct ot_callref {
    HCALL handle;
    uint8_t privilege;       /* LINECALLPRIVILEGE_ (MONITOR or OWNER) */
    bool announce_privilege; /* next LINE_CALLSTATE carries it in dwParam3 */
    bool announce_newcall;   /* LINE_APPNEWCALL goes before the next LINE_CALLSTATE */
    bool announce_unknown;   /* monitor of a call another app made: UNKNOWN at its reply */
    struct ot_call *call;
    struct ot_open *open;
    /* (lineMonitorDigits/Media/Tones: the call's media block, mediaapi.c) */
    struct ot_list call_link, open_link;
};

enum ot_req_kind { OT_REQ_GENERIC, OT_REQ_MAKECALL, OT_REQ_SETUPCONF, OT_REQ_CONSULT };
struct ot_req {
    LONG id;
    HLINEAPP app;
    HLINE line; /* the open the request is made on; its close suppresses the reply */
    DWORD_PTR instance;
    enum ot_req_kind kind;
    /* lineMakeCall & co: where the new handles go when the request succeeds */
    LPHCALL out_call, out_call2;
    HCALL new_call, new_call2; /* looked up again at completion */
    struct ot_call *call; /* the call it acts on, if any */
    bool reserved;        /* holds room in its application's queue for the reply */
};

/* ---- the core ----------------------------------------------------------- */
struct ot_core {
    pthread_mutex_t lock;
    atomic_uint lock_waiters; /* threads inside ot_lock(): a long job lets them in */
    bool started;
    struct ot_list apps;
    unsigned napps;
    struct ot_htable app_handles, line_handles, call_handles;
    struct ot_linedev **lines;
    DWORD nlines;
    LONG next_request_id;
    DWORD next_call_id;
    uint64_t next_call_seq;
    uint64_t calls_alive, refs_alive, reqs_alive;
    struct ot_call *close_head; /* calls to hand back to their provider at unlock */
    /* clock */
    bool manual_clock;
    uint64_t manual_now;
    struct ot_timer **heap;
    uint32_t heap_len, heap_cap;
    pthread_t timer_thread;
    bool timer_thread_running, timer_thread_stop;
    pthread_cond_t timer_cond;
};
extern struct ot_core ot_g;
OT_HIDDEN extern pthread_mutex_t ot_life_lock; /* core start/stop; taken before the core lock */

OT_HIDDEN void ot_flush_closes(void);
static inline void ot_lock(void)
{
    atomic_fetch_add_explicit(&ot_g.lock_waiters, 1, memory_order_relaxed);
    pthread_mutex_lock(&ot_g.lock);
    atomic_fetch_sub_explicit(&ot_g.lock_waiters, 1, memory_order_relaxed);
}
/* Calls that became free during this locked section are closed here, so that a
 * provider never sees its call freed in the middle of its own operation. */
static inline void ot_unlock(void)
{
    if (ot_g.close_head)
        ot_flush_closes();
    pthread_mutex_unlock(&ot_g.lock);
}

/* messages (queue.c) */
OT_HIDDEN int ot_app_post(struct ot_app *app, DWORD hdevice, DWORD msg, DWORD_PTR inst,
                          DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3);
OT_HIDDEN bool ot_msgq_pop(struct ot_msgq *q, LINEMESSAGE *out);
/* Room for one more LINE_REPLY, taken when a request is made (so that no
 * reply can be lost to an allocation failure later); -1: no memory. */
OT_HIDDEN int ot_msgq_reserve(struct ot_msgq *q);
OT_HIDDEN void ot_msgq_unreserve(struct ot_msgq *q);
OT_HIDDEN void ot_msgq_free(struct ot_msgq *q);

/* lookups (app.c) */
OT_HIDDEN struct ot_app *ot_app_get(HLINEAPP h);
OT_HIDDEN LONG ot_check_started(void);
OT_HIDDEN LONG ot_app_shutdown_local(HLINEAPP h); /* lineShutdown of this process's core */
OT_HIDDEN LONG ot_app_create_for_server(HLINEAPP *h, LPCSTR name, DWORD api, DWORD *ndevs,
                                        int *efd);
OT_HIDDEN struct ot_linedev *ot_linedev_get(DWORD id);
OT_HIDDEN const struct ot_provider *ot_provider_at(unsigned i); /* built in; NULL past the end */

/* lines (line.c) */
OT_HIDDEN struct ot_open *ot_open_get(HLINE h);
/* lineClose/lineShutdown (line.c): ot_open_close_begin makes each open and its
 * handles invisible at once (O(1)); ot_teardown_finish destroys the handles
 * and drops the calls in slices, the core lock released between them
 * (life_lock held by the caller, so the library cannot stop meanwhile). */
struct ot_teardown {
    struct ot_list opens;   /* closing opens (ot_open.app_link) */
    struct ot_call **calls; /* pinned calls to drop */
    size_t n, cap;
};
OT_HIDDEN void ot_teardown_init(struct ot_teardown *t);
OT_HIDDEN void ot_open_close_begin(struct ot_open *o, struct ot_teardown *t);
OT_HIDDEN void ot_teardown_finish(struct ot_teardown *t);

/* calls (call.c) */
OT_HIDDEN struct ot_callref *ot_callref_get(HCALL h);
OT_HIDDEN struct ot_call *ot_call_create(struct ot_linedev *ld, DWORD address_id, DWORD origin);
OT_HIDDEN struct ot_callref *ot_callref_create(struct ot_call *c, struct ot_open *o, DWORD priv,
                                               bool announce);
OT_HIDDEN void ot_callref_destroy(struct ot_callref *r);
OT_HIDDEN void ot_callref_post_state(struct ot_callref *r); /* LINE_CALLSTATE now */
OT_HIDDEN void ot_call_maybe_free(struct ot_call *c);
OT_HIDDEN void ot_call_free_now(struct ot_call *c);
OT_HIDDEN DWORD ot_mode_for_version(const struct ot_call *c, DWORD api_version);
OT_HIDDEN DWORD ot_call_features(const struct ot_call *c, DWORD privilege);
OT_HIDDEN void ot_call_release_uui(struct ot_call *c);
/* c->conf_parent = parent, keeping parent->members */
OT_HIDDEN void ot_call_set_conf_parent(struct ot_call *c, struct ot_call *parent);
OT_HIDDEN void ot_call_post_callinfo(struct ot_call *c, DWORD states,
                                     const struct ot_callref *except);
OT_HIDDEN void ot_call_attach_monitors(struct ot_call *c, struct ot_open *except, bool announce);

/* status messages and counts (statusapi.c) */
/* The call's state or mode changed from old_state/old_mode (CALLSTATE 0 =
 * none yet) to its current one: the line's counts follow, and the opens that
 * asked get LINE_ADDRESSSTATE (INUSEZERO/INUSEONE, NUMCALLS) and
 * LINE_LINEDEVSTATE(NUMCALLS).  ot_status_call_gone: a call freed while not IDLE. */
OT_HIDDEN void ot_status_call_moved(struct ot_call *c, DWORD old_state, DWORD old_mode);
OT_HIDDEN void ot_status_call_gone(struct ot_call *c);
OT_HIDDEN void ot_linedev_counts(const struct ot_linedev *ld, DWORD *active, DWORD *held,
                                 DWORD *pend, DWORD *inuse);
/* LINEDEVSTATE_OPEN / CLOSE: o was opened / is closing; the opens of the
 * line's other applications hear of it. */
OT_HIDDEN void ot_status_open_changed(struct ot_open *o, DWORD state);
/* The LINEDEVSTATE_ / LINEADDRESSSTATE_ the line reports (caps, filters). */
OT_HIDDEN DWORD ot_linedev_line_states(const struct ot_linedev *ld);
OT_HIDDEN DWORD ot_linedev_address_states(const struct ot_linedev *ld);
/* lineOpen(LINEMAPPER): the first of devs[0..n) (all lines when devs is NULL)
 * that supports the media modes and call parameters: 0 and *dev, or
 * LINEERR_INVALMEDIAMODE / LINEERR_INVALCALLPARAMS / LINEERR_STRUCTURETOOSMALL
 * / LINEERR_LINEMAPPERFAILED.  Core lock held. */
OT_HIDDEN LONG ot_line_mapper(DWORD media, const LINECALLPARAMS *p, const DWORD *devs, DWORD n,
                              DWORD *dev);
/* routing (forward.c) */
OT_HIDDEN void ot_linedev_forward_free(struct ot_linedev *ld); /* core stop */
/* provider members added after size was first fixed (NULL / 0 when absent) */
static inline LONG (*ot_prov_redirect(const struct ot_provider *p))(struct ot_req *,
                                                                   struct ot_call *,
                                                                   const char *)
{
    return p->size > offsetof(struct ot_provider, redirect) ? p->redirect : NULL;
}
static inline DWORD ot_prov_forward_modes(const struct ot_provider *p)
{
    return p->size > offsetof(struct ot_provider, forward_modes) ? p->forward_modes : 0;
}
/* Any later member m of p, or none (NULL, 0) when p predates it. */
#define OT_PROV(p, m, none) ((p)->size > offsetof(struct ot_provider, m) ? (p)->m : (none))
/* Routing parts of the status and capability structures (routeapi.c, forward.c). */
OT_HIDDEN void ot_route_address_status(const struct ot_open *o, LINEADDRESSSTATUS *as,
                                       struct ot_varbuf *vb);
OT_HIDDEN void ot_route_address_caps(const struct ot_linedev *ld, LINEADDRESSCAPS *ac);
OT_HIDDEN void ot_route_fwd_caps(LINEADDRESSCAPS *ac); /* forward.c: list and ring limits */
OT_HIDDEN DWORD ot_route_addr_features(const struct ot_linedev *ld);
OT_HIDDEN DWORD ot_route_line_features(const struct ot_linedev *ld); /* LINEFEATURE_FORWARD.. */
OT_HIDDEN DWORD ot_route_call_features(const struct ot_call *c);
/* LINEADDRESSSTATE_ acceptable in lineSetStatusMessages for this line. */
OT_HIDDEN DWORD ot_route_address_states(const struct ot_linedev *ld);


/* requests (request.c) */
OT_HIDDEN struct ot_req *ot_req_new(struct ot_open *o, enum ot_req_kind kind);
OT_HIDDEN void ot_req_discard(struct ot_req *r); /* sync failure: no reply */

/* LINECALLPARAMS of a new call on open o (callapi.c); NULL is valid */
OT_HIDDEN LONG ot_check_call_params(const struct ot_open *o, const LINECALLPARAMS *p);

/* uui size checks */
OT_HIDDEN LONG ot_check_uui(const void *p, DWORD size, DWORD limit);

/* ACD proxies (agentapi.c): lineOpen with LINEOPENOPTION_PROXY checks its
 * request types here; an open that registered is announced (LINE_PROXYSTATUS)
 * and, when it closes, its pending requests fail and its close is announced. */
OT_HIDDEN LONG ot_proxy_open_check(DWORD priv, DWORD api, const LINECALLPARAMS *p, DWORD *types);
OT_HIDDEN void ot_proxy_opened(struct ot_open *o);
OT_HIDDEN void ot_proxy_closing(struct ot_open *o); /* o has left its line's opens */
/* The [proxy] section (the bounds on pending requests): checked with the rest
 * of the configuration (0, or -1 and the reason), taken at start-up. */
struct ot_conf;
OT_HIDDEN int ot_proxy_check_config(const struct ot_conf *cf, char *err, size_t errlen);
OT_HIDDEN void ot_proxy_configure(void);
/* The telephony service's side of a client proxy (proxy.c): its response with
 * its copy of the request, and the copy a LINE_PROXYREQUEST carries to it. */
struct ot_wbuf;
OT_HIDDEN LONG ot_proxy_response_remote(HLINE hLine, DWORD_PTR token, const void *bytes,
                                        DWORD size, DWORD dwResult);
OT_HIDDEN bool ot_proxy_request_copy(HLINE hLine, DWORD_PTR ptr, struct ot_wbuf *w);
/* The telephony service, around one client's call: the user that client runs
 * as, for the requests its agent functions make (LINEPROXYREQUEST's
 * dwClientUserName); NULL again after it.  Without it: this process's user. */
OT_HIDDEN void ot_agent_client_user(const char *user);
/* digits, tones, media (mediaapi.c) */
OT_HIDDEN void ot_media_call_state(struct ot_call *c); /* after a state change */
OT_HIDDEN void ot_media_ref_gone(struct ot_callref *r);
OT_HIDDEN void ot_media_call_free(struct ot_call *c);
OT_HIDDEN void ot_media_app_free(struct ot_app *a);
/* The digits of the oldest finished lineGatherDigits of a service application
 * for hCall (the server sends them with LINE_GATHERDIGITS): their length, or
 * -1 when there is none.  Takes the core lock. */
OT_HIDDEN int ot_app_take_gathered(HLINEAPP app, HCALL h, char *buf, size_t cap);
OT_HIDDEN void ot_app_mark_server(HLINEAPP app);
/* LINECALLFEATURE_ bits of digits/tones/media provider p can do, and its
 * LINEDEVCAPS digit and tone fields. */
OT_HIDDEN DWORD ot_media_call_features(const struct ot_provider *p);
OT_HIDDEN void ot_media_devcaps(const struct ot_provider *p, LINEDEVCAPS *dc);

/* misc */
OT_HIDDEN char *ot_config_text(LONG *err); /* app.c: a copy of the configuration */
OT_HIDDEN void ot_assist_app_gone(struct ot_app *a); /* assist.c: at lineShutdown */
OT_HIDDEN DWORD ot_app_priority(const char *name, DWORD media, DWORD request); /* devapi.c */
OT_HIDDEN char *ot_strdup(const char *s);
OT_HIDDEN int ot_set_str(char **dst, const char *s);
/* Logging (log.c): categories and levels of OPENTAPI_LOG (opentapi.h). */
enum ot_log_cat { OT_CAT_CORE, OT_CAT_CONFIG, OT_CAT_SIM, OT_CAT_SIP, OT_NCATS };
OT_HIDDEN bool ot_log_on(enum ot_log_cat cat, int level);
OT_HIDDEN void ot_logc(enum ot_log_cat cat, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* ot_log: a core record at debug level (what the library does). */
OT_HIDDEN void ot_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
