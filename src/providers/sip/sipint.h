/* Internal structures of the SIP provider (sip.c, sipevent.c, sipcall.c,
 * sipops.c, sipconf.c and the others of this directory).
 *
 * Ownership and locking: every field below is read and written with the core
 * lock held (ot_lock), by provider operations on application threads and by
 * the NUA callback on the provider thread; the only exceptions are the
 * teardown paths described in sip.c, where no other thread is left.  NUA
 * handles are created on application threads (nua_handle is a local
 * allocation, every other nua_* call is a message post) but destroyed only on
 * the provider thread, so that no event can still be on its way to a
 * sip_call that is gone. */
#ifndef OT_SIPINT_H
#define OT_SIPINT_H

#include <stdatomic.h>
#include <stdbool.h>

struct sip_line;
struct sip_call;
#define NUA_MAGIC_T struct sip_line
#define NUA_HMAGIC_T struct sip_call

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/nta.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su.h>
#include <sofia-sip/su_log.h>
#include <sofia-sip/su_tag_io.h>
#include <sofia-sip/tport_tag.h>
#include <sofia-sip/url.h>
#pragma GCC diagnostic pop

#include "../../core/ot.h"
#include "sip.h"

/* The SIP side of a call, in the order a dialog goes through it. */
enum sip_phase {
    PH_NONE,      /* outgoing call in DIALTONE: no INVITE yet */
    PH_CALLING,   /* our INVITE is out, no final response yet */
    PH_OFFERED,   /* an INVITE came in, no final response sent */
    PH_ANSWERING, /* we sent 200 OK, the ACK has not come */
    PH_CONFIRMED, /* dialog established */
    PH_ENDING,    /* we sent BYE, CANCEL or a rejection (or a BYE waits for the ACK) */
    PH_DONE,      /* the dialog is over (BYE received, failure...) */
};

struct sip_pending {
    struct ot_list link;
    struct ot_req *req; /* NULL: a DTMF INFO of lineGenerateDigits (sipdigits.c) */
};

struct sip_call {
    struct sip_line *line;
    struct ot_call *call; /* NULL once the core let go (close_call) */
    nua_handle_t *nh;     /* NULL before the INVITE and after nua_handle_destroy */
    enum sip_phase phase;
    bool incoming;
    bool is_parent;       /* a conference parent: no dialog of its own */
    bool dropping;        /* parent being dropped: members leave without reverting */
    bool cancelled;       /* we sent CANCEL: a 2xx crossing it gets ACK + BYE */
    bool failed_reported; /* a final failure was reported: no generic DISCONNECTED */
    bool bye_on_ack;      /* dropped while our 200 OK waited for its ACK: BYE when it comes */
    bool stop_wait;       /* the provider's stop waits for this dialog (bye_on_ack) */
    unsigned auth_tries;
    int challenged;       /* the last 401/407 to our INVITE, 0 if none */
    char *late_bye_uui;   /* User-to-User header of that BYE (or of the one after a
                             2xx that crossed our CANCEL) */
    struct ot_req *answer_req;  /* lineAnswer waits for the ACK */
    struct ot_list infos;       /* lineSendUserUserInfo waiting for the INFO's response */
    struct sip_call *conf_consult; /* conference parent: its consultation call */
    struct sip_call *consult_for;  /* a consultation call: its parent (sip_set_consult) */
    /* hold (siphold.c): our offers say sendonly while we hold, the peer's
     * offers say whether it holds us */
    struct ot_req *hold_req; /* lineHold/lineUnhold waiting for the re-INVITE's answer */
    bool reinvite_out;       /* our re-INVITE is out, no final response yet */
    bool offer_hold;         /* what that re-INVITE offers */
    unsigned hold_auth_tries; /* credentials sent for it (401/407) */
    bool wire_hold;          /* our hold is in force (a 2xx accepted it) */
    bool want_hold;          /* what it should be (conferences keep it in step) */
    bool remote_hold;        /* the peer's last offer holds us (no RECV) */
    int invite_dir;          /* direction of the initial INVITE's offer, -1: none */
    int sdp_dir;             /* direction of the last SDP we sent */
    /* lineSwapHold (siphold.c): the two calls point at each other while it
     * runs; the request and the step are the active call's */
    struct sip_call *swap_with;
    struct ot_req *swap_req;
    int swap_step;
    unsigned sdp_version;    /* its o= version (RFC 3264 8: +1 on a change) */
    struct ot_timer fwd_timer;  /* forwarding on no answer (sipredirect.c) */
    char *fwd_dest;             /* its destination */
    /* transfers (sipxfer.c); a transfer's held call uses conf_consult/consult_for
     * for its consultation call, as a conference parent does */
    char *target;               /* the peer's URI: what we dialled, or the INVITE's From */
    struct ot_req *xfer_req;    /* lineBlindTransfer / lineCompleteTransfer: our REFER's outcome */
    bool xfer_held;             /* held by lineSetupTransfer (ONHOLDPENDTRANSFER, held on the wire) */
    bool xfer_silent_bye;       /* consultation call ended by its peer while our REFER ran */
    bool refer_final_sent;      /* a call made for a received REFER: final NOTIFY sent */
    struct sip_call *referrer;  /* that call: the call whose dialog gets the NOTIFYs */
    struct sip_call *referred;  /* the call made for a REFER received on this dialog */
    char *refer_event;          /* the Event of those NOTIFYs ("refer" or "refer;id=N") */
    struct ot_timer xfer_timer; /* our REFER's NOTIFYs are waited for (refer_timeout, expires) */
    bool xfer_notified;         /* a NOTIFY of our REFER came (the 2xx arms no timer then) */
    struct sip_call *replaces;  /* an INVITE with Replaces: the call it replaces, at the ACK */
    struct sip_call *replaced_by;
    struct ot_list link;        /* line->calls */
    struct sip_gen *gen;        /* lineGenerateDigits under way (sipdigits.c) */
    struct ot_timer ring;       /* the ring cycle of an offered call (sipring.c) */
    DWORD rings;                /* LINEDEVSTATE_RINGING's count, from 0 */
};

struct sip_line {
    struct ot_linedev *ld;
    const struct ot_line_conf *cf;
    DWORD id;
    /* configuration (sipconf.c) */
    char *aor, *user, *domain, *bind_url, *sdp, *proxy, *registrar, *username, *password,
        *from, *display;
    char *bind_host, *bind_port; /* of bind_url, for sip_line_probe_bind */
    char *media_ip;              /* the SDP's address (the bound one; 127.0.0.1 for any) */
    bool media_v6;
    unsigned expires;
    bool tcp; /* a stream transport: tcp, or tls */
    bool tls; /* transport = tls (siptls.c) */
    char *tls_cert, *tls_key, *tls_ca; /* checked files (tls_ca NULL: none) */
    unsigned tls_verify;               /* TPTLS_VERIFY_* */
    char *tls_dir; /* the files Sofia reads, while the line starts */
    const struct ot_sip_reject *reject;
    /* run time */
    nua_t *nua;
    nua_handle_t *reg_nh;
    unsigned reg_auth_tries;
    bool registered;
    bool shutdown_done;
    bool reg_pending;   /* our REGISTER (not a refresh of Sofia's) has no final response */
    bool unregistering; /* stop() sent the un-REGISTER, no final response yet */
    bool reg_waiting;   /* stop() waits for reg_pending's final response */
    struct ot_list calls; /* struct sip_call.link */
    unsigned max_calls;   /* overload control: concurrent calls (max_calls key) */
    unsigned session_expires; /* RFC 4028 session interval, s; 0 = no session timer */
    unsigned t1x64_ms;        /* no_response_timeout (timers B, F, H); 0: Sofia's 32 s */
    unsigned ncalls;      /* its sip_calls with a dialog side (not conference parents) */
    unsigned ring_ms;     /* ring cycle of an offered call, ms (ring_ms key); 0 = one ring */
    unsigned refer_timeout_ms; /* refer_timeout: our REFER's first NOTIFY after its 2xx */
};

/* Overload control (docs/sip.md): defaults of the line's max_calls and of
 * [sip] max_calls / max_invite_rate, and the Retry-After of a 503. */
#define OT_SIP_DEFAULT_LINE_CALLS 1000u
#define OT_SIP_DEFAULT_CALLS 4000u
#define OT_SIP_DEFAULT_INVITE_RATE 500u /* new INVITEs per second, 0 = no limit */
#define OT_SIP_RETRY_AFTER_FULL "5"   /* seconds: process at max_calls */
#define OT_SIP_RETRY_AFTER_RATE "1"   /* seconds: over max_invite_rate */
/* The largest SIP message a line accepts is this plus twice its
 * dwUUICallInfoSize (hex): larger ones are refused before they are parsed. */
#define OT_SIP_MESSAGE_BASE 8192u
/* The receive buffer of a line's UDP socket (SO_RCVBUF; the kernel caps it at
 * net.core.rmem_max unless the process may force it): the default 208 KiB
 * holds about 200 INVITEs, dropped by the kernel while the provider thread
 * is busy during a flood; then every sender retransmits (docs/robustness.md). */
#define OT_SIP_UDP_RMEM (4u << 20)
/* RFC 4028 session timer: the interval we ask for, and the floor of Min-SE. */
#define OT_SIP_DEFAULT_SESSION_EXPIRES 1800u
#define OT_SIP_MIN_SE 90u
/* TLS: the longest certificate chain a peer may present (Sofia's default, 0,
 * would accept a certificate only when it is itself a trusted CA's). */
#define OT_SIP_TLS_DEPTH 5u
/* One ring, for lineForward's dwNumRingsNoAnswer (as on the switch). */
#define OT_SIP_RING_MS 6000u
/* refer_timeout: 64*T1 (RFC 6665 4.1.2.4: the first NOTIFY of a REFER's
 * implicit subscription must come within it after the 2xx), in seconds. */
#define OT_SIP_DEFAULT_REFER_TIMEOUT 32u
/* The longest implicit subscription a NOTIFY's Subscription-State expires
 * makes us wait for the next NOTIFY, seconds. */
#define OT_SIP_MAX_REFER_EXPIRES 86400u

/* Checks a SIP [line] and fills l's configuration strings (free them with
 * sip_line_unconfigure, also after a failure); -1 and the reason in err. */
int sip_line_configure(struct sip_line *l, const struct ot_line_conf *cf, DWORD id, char *err,
                       size_t errlen);
/* The provider's whole configuration check (the provider table in sipops.c uses it). */
int sip_check_config(const struct ot_conf *cf, char *err, size_t errlen);
/* [sip] log_level: 0..9, or -1. */
int sip_log_level(const char *v);
/* A [sip] number key (max_calls, max_invite_rate): 0 and *out, or -1 when it
 * is out of its range; 1 when key is no number key of [sip]. */
int sip_number_key(const char *key, const char *value, unsigned long *out);
void sip_line_unconfigure(struct sip_line *l);
/* 0 when the line's address can be bound now (else -1, the reason in why:
 * strerror's or getaddrinfo's) (checked before nua_create,
 * whose failure path leaks in Sofia-SIP 1.12.11). */
int sip_line_probe_bind(const struct sip_line *l, char *why, size_t whylen);
char *sp_target(const struct sip_line *l, const char *dest);

/* ---- hold (siphold.c), with the core lock held ----
 * Our SDP: the line's address, port 9, PCMU/PCMA and a direction; every
 * call starts at version 1, sendrecv (the line's sdp string). */
#define OT_SIP_SDP_VERSION0 1u
char *sip_sdp_make(const struct sip_line *l, unsigned version, int dir);
void sip_hold_init(struct sip_call *sc);
/* Puts the call on hold (sendonly, or inactive while the peer holds us) or
 * takes it off (sendrecv, or recvonly) with a re-INVITE.  With a request:
 * r completes after the final response (2xx: 0, and a CONNECTED call goes
 * ONHOLD, an ONHOLD call CONNECTED; else LINEERR_OPERATIONFAILED and nothing
 * changes); LINEERR_INVALCALLSTATE at once when the dialog is not confirmed
 * or another re-INVITE of ours is out.  Without one (conferences,
 * transfers): the wire follows, the TAPI states are the caller's; a
 * re-INVITE already out is followed by another when it ends. */
LONG ot_sip_hold(struct sip_call *sc, bool hold, struct ot_req *r);
/* The provider operations lineHold / lineUnhold. */
LONG sip_op_hold(struct ot_req *r, struct ot_call *c);
LONG sip_op_unhold(struct ot_req *r, struct ot_call *c);
/* lineSwapHold: a hold re-INVITE on active, after its 2xx an unhold one on
 * held; after both, active ONHOLD and held CONNECTED (in a transfer's pair:
 * active ONHOLDPENDTRANSFER, the roles changed), then the reply.  A
 * refusal fails it (LINEERR_OPERATIONFAILED) and puts the wire back as the
 * TAPI states were (docs/sip.md, "Swap hold"). */
LONG sip_op_swap_hold(struct ot_req *r, struct ot_call *active, struct ot_call *held);
/* A call of a running swap (holds and conference changes wait for its end). */
bool sip_swap_busy(const struct sip_call *sc);
/* The call moves on (dropped, gone, its dialog over): a swap it is in fails
 * with result, the other call's wire follows its TAPI state again. */
void sip_swap_fail(struct sip_call *sc, LONG result);
/* Provider stop: the swap's request dropped, not answered. */
void sip_swap_discard(struct sip_call *sc);
/* A re-INVITE received in a confirmed dialog: answered here (200 with our
 * answer, 491 while ours is out, 415/488 for a body that is no SDP); a
 * change of the peer's hold is reported (CONNECTED ACTIVEHELD / ACTIVE). */
void sip_hold_i_invite(struct sip_call *sc, nua_handle_t *nh, const sip_t *sip);
/* The initial INVITE's SDP offer (if any): a peer that calls on hold
 * (sendonly, inactive, c=0.0.0.0) makes the call CONNECTED/ACTIVEHELD when
 * answered, and the 200's SDP answers its direction. */
void sip_hold_offer(struct sip_call *sc, const sip_t *sip);
/* The SDP of lineAnswer's 200: *out NULL for the line's own (sendrecv
 * offered), else a malloc'd answer; LINEERR_NOMEM when it cannot be made. */
LONG sip_hold_answer_sdp(struct sip_call *sc, char **out);
/* nua_r_invite: true when it answers our re-INVITE (handled here; a 401/407
 * is answered with the line's credentials, twice at most). */
bool sip_hold_r_invite(struct sip_call *sc, int status, const char *phrase, const sip_t *sip);
/* Answers a 401/407 on nh with the line's credentials (sipevent.c): false when
 * the line has none or the challenge is unusable. */
bool sip_auth_reply(struct sip_line *l, nua_handle_t *nh, const sip_t *sip);
/* The mode of a CONNECTED call: ACTIVEHELD while the peer holds us. */
DWORD sip_connected_mode(const struct sip_call *sc);
/* Received UUI of `bytes` bytes refused for the line's limit (sipuui.c):
 * DevSpecific "UUI dropped: <bytes> bytes > <limit>" and
 * LINE_CALLINFO(DEVSPECIFIC). */
void sip_uui_dropped(struct ot_call *c, size_t bytes, DWORD limit);

/* Redirect and forward (sipredirect.c). */
/* LINECALLREASON_ of an RFC 5806 Diversion reason / an RFC 4458 cause. */
DWORD sip_diversion_reason(const char *token);
DWORD sip_hi_cause_reason(int cause);
/* P-Asserted-Identity, Diversion, History-Info of an incoming INVITE into
 * the call's caller, redirecting and redirection IDs and dwReason. */
void sip_redirect_read(struct ot_call *c, const sip_t *sip);
/* lineRedirect of an offered call: 302 + Diversion; IDLE here. */
LONG sip_redirect(struct ot_req *r, struct sip_call *sc, const char *dest);
/* An incoming INVITE that lineForward sends elsewhere (unconditional, or busy
 * when busy): 302 sent, true. */
bool sip_forward_invite(struct sip_line *l, nua_handle_t *nh, const sip_t *sip, bool busy);
/* No-answer forwarding of an offered call: init (sip_sc_new), arm (after
 * OFFERING), done (the call is freed or the provider stops). */
void sip_forward_init(struct sip_call *sc);
void sip_forward_arm(struct sip_call *sc, const sip_t *sip);
void sip_forward_done(struct sip_call *sc);
/* A 3xx to our INVITE: its Contact as the redirection ID. */
void sip_redirect_response(struct ot_call *c, const sip_t *sip);

/* "udp", "tcp" or "tls". */
const char *sip_transport_name(const struct sip_line *l);

/* TLS (siptls.c).  The [line] keys of TLS, NULL-terminated. */
extern const char *const sip_tls_keys[];
/* Checks and keeps the TLS keys of l (l->tls already set from transport);
 * with another transport, any TLS key is an error.  -1 and the reason. */
int sip_tls_configure(struct sip_line *l, const struct ot_line_conf *cf, char *err,
                      size_t errlen);
void sip_tls_unconfigure(struct sip_line *l);
/* Writes the files of TPTAG_CERTIFICATE into a private directory
 * (l->tls_dir) for nua_create; sip_tls_unstage removes them. */
int sip_tls_stage(struct sip_line *l, char *why, size_t whylen);
void sip_tls_unstage(struct sip_line *l);
/* sipdigits.c: DTMF as SIP INFO (application/dtmf-relay, docs/sip.md). */
/* Is this INFO a DTMF one (Content-Type application/dtmf-relay or application/dtmf)? */
bool sip_info_is_dtmf(const sip_t *sip);
/* A DTMF INFO received: its digit becomes the call's digit event (DTMF, then
 * DTMFEND); false when its body is malformed (ignored, counted). */
bool sip_dtmf_received(struct sip_call *sc, const sip_t *sip);
/* The response to one of our DTMF INFOs (its sip_pending already taken). */
void sip_dtmf_response(struct sip_call *sc, int status);
/* The generation of this call ends without a report (close_call, free). */
void sip_gen_free(struct sip_call *sc);
LONG sip_generate_digits(struct ot_call *c, DWORD mode, const char *digits, DWORD duration);
void sip_generate_cancel(struct ot_call *c);
/* the counters of DTMF INFOs received (sip.c) */
void sip_count_dtmf(bool ok);
/* Ringing (sipring.c): an offered call rings, LINE_LINEDEVSTATE(RINGING, ring
 * mode 1, count from 0), at the offer and every ring_ms on the library clock
 * while it is offered (OFFERING or ACCEPTED, no final response sent).
 * sip_ring_init from sip_sc_new, sip_ring_start once OFFERING is reported,
 * sip_ring_stop before the sip_call is freed. */
#define OT_SIP_DEFAULT_RING_MS 6000u
void sip_ring_init(struct sip_call *sc);
void sip_ring_start(struct sip_call *sc);
void sip_ring_stop(struct sip_call *sc);
/* ---- shared by sip.c, sipevent.c, sipcall.c, sipops.c and sipxfer.c (provider
 * thread or operations, core lock held) ---- */
/* sip.c: the provider's state, its call records, overload control, the counters. */
/* A call record on l (counted in the process's and the line's calls); freed
 * by sip_sc_free, or by sip_sc_maybe_free once neither the core nor NUA knows it. */
struct sip_call *sip_sc_new(struct sip_line *l, struct ot_call *c, bool incoming);
void sip_sc_free(struct sip_call *sc);
/* The call's NUA handle is nh (counted in ot_sip_counters.dialogs); released
 * (nua_handle_destroy) on the provider thread only. */
void sip_sc_set_handle(struct sip_call *sc, nua_handle_t *nh);
void sip_sc_release_handle(struct sip_call *sc);
/* Overload control (docs/sip.md): an incoming INVITE before anything is
 * allocated for it (false: answered with 503, 486 or lineForward's 302, nh
 * destroyed); an outgoing call (0, LINEERR_RESOURCEUNAVAIL or LINEERR_CALLUNAVAIL). */
bool sip_invite_admitted(struct sip_line *l, nua_handle_t *nh, const sip_t *sip);
LONG sip_outgoing_admitted(const struct sip_line *l);
bool sip_process_full(void); /* the process has [sip] max_calls SIP calls */
/* The provider is being torn down: the callback reports nothing and hands
 * its events to sip_detached_event (which takes no core lock). */
extern atomic_bool sip_detached;
void sip_detached_event(nua_event_t ev, int status, struct sip_line *l, struct sip_call *sc,
                        tagi_t tags[]);
/* The provider's start and stop, and its live calls (the provider table). */
int sp_start(struct ot_linedev **lines, unsigned n);
void sp_stop(void);
unsigned sp_live_calls(void);
void sip_count(unsigned long *field);
struct ot_sip_counters *sip_counters(void); /* fields for sip_count */
/* A counter of ot_sip_counters changed by delta / set (waiters are woken). */
void sip_cnt_add(unsigned long *field, long delta);
void sip_cnt_set(unsigned long *field, unsigned long value);
/* sipevent.c: the NUA callback of every line (nua_create). */
void sip_provider_event(nua_event_t ev, int status, char const *phrase, nua_t *nua,
                        struct sip_line *l, nua_handle_t *nh, struct sip_call *sc,
                        sip_t const *sip, tagi_t tags[]);
/* sipcall.c: a call's SIP side. */
void sip_set_consult(struct sip_call *p, struct sip_call *k);
void sip_sc_fail_requests(struct sip_call *sc, LONG result);
void sip_sc_maybe_free(struct sip_call *sc);
/* The first Q.850 cause of a message's Reason headers, -1 if none. */
int sip_reason_q850(const sip_t *sip);
/* A received message's User-to-User into the call's LINECALLINFO; true when
 * one was dropped for its size. */
bool sip_report_uui(struct sip_call *sc, const sip_t *sip);
/* A party's ID (number: the URI's user, or its host; name: the display name
 * without its quotes), from its parts or a whole address. */
void sip_party(struct ot_call *c, enum ot_party which, const char *display, const url_t *url,
               bool notify);
void sip_party_from_addr(struct ot_call *c, enum ot_party which, const sip_addr_t *a, bool notify);
/* The User-to-User header line of uui (*out NULL when there is none). */
LONG sip_uui_header(const void *uui, DWORD len, char **out);
LONG sip_sc_invite(struct sip_call *sc, const char *dest, const void *uui, DWORD len,
                   const char *replaces);
LONG sip_sc_hangup(struct sip_call *sc, const char *hdr);
void sip_sc_late_bye(struct sip_call *sc); /* the BYE held back (CANCEL crossed, ACK awaited) */
/* Conferences: a member's parent, the parent's members (and the first),
 * a consultation call's parent, the members put on hold or taken off. */
struct sip_call *sip_conf_of(const struct sip_call *sc);
unsigned sip_conf_members(struct sip_call *parent, struct sip_call **first);
struct sip_call *sip_consult_parent(const struct sip_call *sc);
void sip_conf_hold_members(struct sip_call *p, bool hold);
void sip_sc_idle(struct sip_call *sc);
void sip_sc_disconnect(struct sip_call *sc, DWORD mode);
/* sipops.c: a conference parent (no dialog of its own). */
struct sip_call *sip_parent_new(struct sip_line *l, struct ot_call *conf);

/* ---- transfers (sipxfer.c) ---- */
LONG sip_blind_transfer(struct ot_req *r, struct ot_call *c, const char *dest);
LONG sip_setup_transfer(struct ot_req *r, struct ot_call *c, struct ot_call *consult);
LONG sip_complete_transfer(struct ot_req *r, struct ot_call *c, struct ot_call *consult,
                           struct ot_call *conf, DWORD mode);
/* NUA events: nua_r_refer, nua_i_notify, nua_i_refer (sc may be NULL: outside a dialog) */
void sip_xfer_on_r_refer(struct sip_call *sc, int status);
void sip_xfer_on_notify(struct sip_call *sc, const sip_t *sip, tagi_t tags[]);
void sip_xfer_on_refer(struct sip_line *l, nua_t *nua, nua_handle_t *nh, struct sip_call *sc,
                       const sip_t *sip, tagi_t tags[]);
/* An incoming INVITE before its call exists: false when it was answered
 * (481: its Replaces names no call of ours); *old is the call it replaces. */
bool sip_xfer_check_replaces(struct sip_line *l, nua_handle_t *nh, const sip_t *sip,
                             struct sip_call **old);
/* The new call exists (sc->call set, OFFERING not yet reported): keeps the
 * peer's URI, and for an INVITE with Replaces links the two calls. */
void sip_xfer_incoming(struct sip_call *sc, const sip_t *sip, struct sip_call *old);
/* After OFFERING of a replacing call: it is answered at once (true). */
bool sip_xfer_answer_replacing(struct sip_call *sc);
/* The ACK of a replacing call's 200: the replaced call ends. */
void sip_xfer_on_ready(struct sip_call *sc);
/* A response to the INVITE of a call made for a REFER: NOTIFY the referrer. */
void sip_xfer_progress(struct sip_call *sc, int status, const char *phrase);
/* A BYE on a call: true when it is a transfer's to keep quiet about. */
bool sip_xfer_absorb_bye(struct sip_call *sc);
/* A transfer's consultation call left (DISCONNECTED or IDLE): the held call reconnects. */
void sip_xfer_consult_left(struct sip_call *sc);
/* From sc_new: the timer of our REFERs' NOTIFYs (stopped by sip_xfer_unlink). */
void sip_xfer_init(struct sip_call *sc);
/* Requests still waiting (sip_sc_fail_requests), and the links, before sc is freed. */
void sip_xfer_fail(struct sip_call *sc, LONG result);
void sip_xfer_unlink(struct sip_call *sc);

#endif
