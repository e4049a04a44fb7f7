/* Internal declarations of the Kamailio provider (docs/kamailio.md), shared by
 * its files:
 *   kam.c      the provider: counters, configuration, start/stop, close_call
 *   kamconn.c  the connection to Kamailio: netstrings, JSON-RPC requests and
 *              their responses, timers, the provider thread
 *   kamdlg.c   dialogs and the TAPI calls they map to; Kamailio's events; the
 *              dialog list (dlg.list) learned at each (re)connection
 *   kamdrop.c  lineDrop: rejection, abandon, third-party drop (BYEs)
 *
 * Locking: every field below is guarded by the core lock (ot_lock); the
 * counters (kam_cnt) by their own mutex, through kam_cnt_add/kam_cnt_service. */
#ifndef OT_KAMINT_H
#define OT_KAMINT_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../../core/ot.h"
#include "kam.h"

#define KAM_MSG_MAX (16u << 20) /* largest netstring accepted (a long dialog list) */
#define KAM_ENDED_KEEP_MS 64000u /* an ended dialog waits this long for its final response */

struct kline {
    struct ot_linedev *ld;
    char user[128];
    char host[256];
};

enum kphase { KP_EARLY, KP_RINGING, KP_CONFIRMED, KP_ENDED };

struct kdlg;
struct kside {
    struct kdlg *d;
    struct kline *line;   /* NULL: this party has no line */
    struct ot_call *call; /* NULL once the core let go (or never made) */
};

struct kdlg {
    char *ci, *ft, *tt;
    char cseq[16];
    long long he, hi; /* the dialog module's h_entry, h_id */
    bool has_ids;
    bool acked;           /* the caller's ACK of the 2xx passed: a BYE may be sent */
    enum kphase phase;
    struct kside side[2]; /* 0: the caller's line, 1: the callee's */
    bool await_final;     /* ended by CANCEL or our rejection: a final response is still due */
    uint64_t ended_ms;
    unsigned rpc_pending; /* requests about it not answered yet (timed out included) */
    struct kdrop *drop;   /* the lineDrop being carried out, if any */
    unsigned born_sync;   /* sync generation when learned */
    bool listed;          /* seen in the dialog list being reconciled */
    struct ot_list link;
};

/* One lineDrop being carried out: a rejection is one request (tm.reply_callid);
 * a third-party drop of a connected call is the dialog's data (dlg.dlg_list),
 * then a BYE to each phone (tm.t_uac_start, both sent before either is
 * answered), then the dialog marked ended (dlg.set_state).  See
 * docs/kamailio.md for why not dlg.end_dlg. */
struct kdrop {
    struct ot_req *req;   /* NULL once answered */
    struct kdlg *d;
    int side;             /* the side lineDrop was called on */
    int status, cause;    /* the response of a rejection (0: BYEs) and its Q.850 cause */
    char *hdrs;           /* User-to-User and Reason lines for the BYEs */
    unsigned char *uui;   /* the drop's UUI (what the other party receives) */
    DWORD uui_len;
    unsigned outstanding; /* requests not answered */
    unsigned checks;      /* a rejection: times the dialog was found not ringing yet */
    bool failed;          /* one failed or timed out: nothing more is sent */
};

enum krpc_kind { RPC_SYNC, RPC_DLGINFO, RPC_BYE, RPC_EARLYCHECK, RPC_REJECT, RPC_SETSTATE };
struct krpc {
    long long id;
    enum krpc_kind kind;
    struct kdrop *op;     /* the drop it belongs to (NULL: none) */
    bool timed_out;       /* not answered in time: its drop failed */
    char *held;           /* not sent yet: waits for the ACK of the dialog (RFC 3261 15), */
    uint64_t send_at_ms;  /* or for this time (not 0) */
    uint64_t deadline_ms;
    struct ot_list link;
};

struct kam_state {
    struct kline *lines;
    unsigned nlines;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    char addr_text[80];
    char tag[48]; /* this process's name in the "ended" events it has relayed */
    unsigned rpc_timeout_ms, reconnect_ms;
    struct ot_list dlgs, rpcs;
    /* connection */
    int fd;
    bool connecting, synced;
    uint64_t next_connect_ms;
    unsigned sync_gen;
    long long next_rpc_id;
    unsigned long next_tag;
    char *out;
    size_t out_len, out_cap;
    char *in;
    size_t in_len, in_cap;
    int wake_fd;
    pthread_t thread;
    bool thread_running;
    bool logging;
};
extern struct kam_state K;
extern atomic_bool kam_stopping; /* kam_stop tells the provider thread to end */

static inline uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static inline void wake(void)
{
    uint64_t one = 1;
    ssize_t n = write(K.wake_fd, &one, sizeof(one));
    (void)n; /* a full counter still wakes the thread */
}

static inline const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static inline bool jint(json_t *o, const char *key, long long *out)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        return false;
    *out = json_integer_value(v);
    return true;
}

/* kam.c */
extern struct ot_kam_counters kam_cnt; /* change only through kam_cnt_add / kam_cnt_service */
void kam_cnt_add(unsigned long *field, long delta);
void kam_cnt_service(bool in);
/* "sip:user@host[:port][;params]" (or sips:, or user@host): user and host;
 * -1 when malformed. */
int kam_split_uri(const char *s, char *user, size_t ulen, char *host, size_t hlen);

/* kamconn.c */
/* Sends method(params) (params: a JSON array, stolen), or keeps it in
 * r->held when hold, with an "opentapi" member extra (stolen, may be NULL);
 * returns the entry or NULL (not connected, no memory). */
struct krpc *kam_rpc_send_doc(enum krpc_kind kind, const char *method, json_t *params, bool hold,
                              json_t *extra);
void kam_release_held(struct kdlg *d);
void kam_rpc_free(struct krpc *r);
void *kam_thread(void *arg);

/* kamdlg.c */
void kam_dlg_free(struct kdlg *d);
void kam_dlg_maybe_free(struct kdlg *d);
void kam_set_state(struct kdlg *d, int i, DWORD state, DWORD mode);
void kam_dlg_end(struct kdlg *d, int actor, DWORD mode);
void kam_handle_event(json_t *o);
void kam_set_service(bool in);
void kam_sync_done(json_t *result);

/* kamdrop.c */
void kam_drop_done(struct kdrop *op);
void kam_op_answer(struct kdrop *op, LONG result);
void kam_op_rpc_done(struct kdrop *op);
json_t *kam_ended_event(const struct kdrop *op);
void kam_send_byes(struct kdrop *op, json_t *result);
void kam_reject_when_ringing(struct kdrop *op, json_t *result);
LONG kam_drop(struct ot_req *req, struct ot_call *c, const void *uui, DWORD len);

#endif
