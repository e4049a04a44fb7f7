/* Internal structures of the SIP provider (sip.c, sipconf.c).
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
    struct sip_call *consult_for;  /* a consultation call: its parent (set_consult) */
    struct ot_list link;        /* line->calls */
    struct sip_gen *gen;        /* lineGenerateDigits under way (sipdigits.c) */
};

struct sip_line {
    struct ot_linedev *ld;
    const struct ot_line_conf *cf;
    DWORD id;
    /* configuration (sipconf.c) */
    char *aor, *user, *domain, *bind_url, *sdp, *proxy, *registrar, *username, *password,
        *from, *display;
    char *bind_host, *bind_port; /* of bind_url, for sip_line_probe_bind */
    unsigned expires;
    bool tcp;
    const struct ot_sip_reject *reject;
    /* run time */
    nua_t *nua;
    nua_handle_t *reg_nh;
    unsigned reg_auth_tries;
    bool registered;
    bool shutdown_done;
    bool unregistering; /* stop() sent the un-REGISTER, no final response yet */
    struct ot_list calls; /* struct sip_call.link */
    unsigned max_calls;   /* overload control: concurrent calls (max_calls key) */
    unsigned session_expires; /* RFC 4028 session interval, s; 0 = no session timer */
    unsigned ncalls;      /* its sip_calls with a dialog side (not conference parents) */
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
/* RFC 4028 session timer: the interval we ask for, and the floor of Min-SE. */
#define OT_SIP_DEFAULT_SESSION_EXPIRES 1800u
#define OT_SIP_MIN_SE 90u

/* Checks a SIP [line] and fills l's configuration strings (free them with
 * sip_line_unconfigure, also after a failure); -1 and the reason in err. */
int sip_line_configure(struct sip_line *l, const struct ot_line_conf *cf, DWORD id, char *err,
                       size_t errlen);
/* The provider's whole configuration check (sp_check_config in sip.c uses it). */
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

#endif
