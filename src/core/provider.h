/* The service-provider interface: what the core asks of a provider and how a
 * provider reports back.  The core never knows which provider it talks to.
 *
 * Rules:
 *  - Every operation is called with the core lock held and must not block.
 *  - An operation that returns a LINEERR_* (< 0) has done nothing and will
 *    never complete the request.  One that returns 0 completes the request
 *    exactly once with ot_req_complete(), possibly before it returns.
 *  - Events (ot_ev_*, ot_req_complete) are called with the core lock held:
 *    from inside an operation, from a timer, or from a provider thread after
 *    ot_lock().
 *  - close_call() is the provider's last sight of a call (TSPI_lineCloseCall):
 *    it must complete any request it still holds for it and forget the call. */
#ifndef OT_CORE_PROVIDER_H
#define OT_CORE_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>
#include "tapi.h"

struct ot_call;
struct ot_req;
struct ot_linedev;
struct ot_conf;

#define OT_KV_MAX 24
/* One [line] section of the configuration. */
struct ot_line_conf {
    char provider[16];
    char name[64];
    char number[128];
    DWORD sharing;   /* LINEADDRESSSHARING_ */
    bool party_line; /* "party": one physical line shared by several stations */
    bool can_reject;
    bool close_drop; /* LINEDEVCAPFLAGS_CLOSEDROP */
    DWORD uui_accept, uui_answer, uui_make_call, uui_drop, uui_send, uui_call_info;
    DWORD max_conf; /* parties in a conference, 0 = no conferences */
    unsigned lineno;  /* line of the file where this [line] starts */
    unsigned provider_lineno; /* line of its provider key (0: the default) */
    /* provider-specific keys, kept verbatim (owned by the parsed configuration) */
    unsigned nkv;
    struct ot_line_kv {
        char key[32];
        char value[256];
        unsigned lineno; /* line of the file */
    } * kv;
};
const char *ot_line_conf_get(const struct ot_line_conf *c, const char *key);
/* The same with the key's line in the file (0 when absent). */
const char *ot_line_conf_get_at(const struct ot_line_conf *c, const char *key, unsigned *lineno);

/* A parsed configuration as providers' check_config() sees it: every line
 * device in file order (device id = index), and the provider sections' keys. */
unsigned ot_conf_nlines(const struct ot_conf *cf);
const struct ot_line_conf *ot_conf_line(const struct ot_conf *cf, unsigned i);
/* The value of key in [section] (NULL: absent), and its line in the file. */
const char *ot_conf_get_at(const struct ot_conf *cf, const char *section, const char *key,
                           unsigned *lineno);
/* The i-th key of the provider sections, in file order (NULL past the last):
 * its section, value and line in the file. */
const char *ot_conf_key(const struct ot_conf *cf, unsigned i, const char **section,
                        const char **value, unsigned *lineno);

struct ot_provider {
    size_t size; /* sizeof(struct ot_provider): new members go at the end */
    const char *name;
    /* start: called once per core start with every line configured for it;
     * 0, or -1 (it could not start, e.g. bad settings: LINEERR_NODRIVER) or
     * -2 (out of memory: LINEERR_NOMEM). */
    int (*start)(struct ot_linedev **lines, unsigned nlines);
    void (*stop)(void);
    LONG (*make_call)(struct ot_req *r, struct ot_call *c, const char *dest,
                      const LINECALLPARAMS *params, const void *uui, DWORD uui_len);
    LONG (*dial)(struct ot_req *r, struct ot_call *c, const char *dest);
    LONG (*answer)(struct ot_req *r, struct ot_call *c, const void *uui, DWORD len);
    LONG (*accept)(struct ot_req *r, struct ot_call *c, const void *uui, DWORD len);
    LONG (*drop)(struct ot_req *r, struct ot_call *c, const void *uui, DWORD len);
    LONG (*send_uui)(struct ot_req *r, struct ot_call *c, const void *uui, DWORD len);
    LONG (*hold)(struct ot_req *r, struct ot_call *c);
    LONG (*unhold)(struct ot_req *r, struct ot_call *c);
    void (*close_call)(struct ot_call *c);
    /* last application closed the line (CLOSEDROP decisions are the provider's) */
    void (*line_closed)(struct ot_linedev *ld);
    /* conferences and transfers (NULL: LINEERR_OPERATIONUNAVAIL) */
    LONG (*setup_conf)(struct ot_req *r, struct ot_call *c, struct ot_call *conf,
                       struct ot_call *consult, DWORD nparties);
    LONG (*prepare_add)(struct ot_req *r, struct ot_call *conf, struct ot_call *consult);
    LONG (*add_to_conf)(struct ot_req *r, struct ot_call *conf, struct ot_call *consult);
    LONG (*remove_from_conf)(struct ot_req *r, struct ot_call *c);
    LONG (*setup_transfer)(struct ot_req *r, struct ot_call *c, struct ot_call *consult);
    LONG (*complete_transfer)(struct ot_req *r, struct ot_call *c, struct ot_call *consult,
                              struct ot_call *conf, DWORD mode);
    LONG (*blind_transfer)(struct ot_req *r, struct ot_call *c, const char *dest);
    /* calls the provider still holds (leak checks) */
    unsigned (*live_calls)(void);
    /* check_config (optional): checks the provider's part of a parsed
     * configuration (the [line]s whose provider it is, its own section) with the
     * very rules start() applies, without touching the system (no socket, no
     * thread, no lock needed).  Start-up calls it before start(), otCheckConfig()
     * alone, so a configuration it accepts starts unless a run-time condition
     * (an address in use) stops it.  On error: -1 and the reason in err, with
     * the line of the file ("line 7: ..."). */
    /* 0, -1 (the reason in err), or -2 when out of memory */
    int (*check_config)(const struct ot_conf *cf, char *err, size_t errlen);
    /* ---- routing (read through ot_prov_redirect / ot_prov_forward_modes,
     * which honour size) ---- */
    /* redirect (optional): deflect an offered call to dest (lineRedirect):
     * the call leaves this station (IDLE here) and is offered at dest.  NULL:
     * LINEERR_OPERATIONUNAVAIL and no LINECALLFEATURE_REDIRECT. */
    LONG (*redirect)(struct ot_req *r, struct ot_call *c, const char *dest);
    /* The LINEFORWARDMODE_ bits this provider applies to its lines
     * (LINEADDRESSCAPS.dwForwardModes); 0: lineForward answers
     * LINEERR_OPERATIONUNAVAIL on its lines.  The forwarding state itself is
     * the core's: the provider asks ot_linedev_forward_dest(). */
    DWORD forward_modes;
    /* The other routing functions (all optional; NULL / 0: the function is
     * LINEERR_OPERATIONUNAVAIL on its lines and no capability bit says it). */
    DWORD park_modes; /* LINEPARKMODE_ (LINEADDRESSCAPS.dwParkModes) */
    /* linePark of a connected call: this station leaves it, the far party stays.
     * DIRECTED parks at dir; NONDIRECTED: the provider chooses the place and
     * writes it to nondir (room *nondir_len bytes with the NUL); when it does
     * not fit it parks nothing, sets *nondir_len to the room needed and
     * returns LINEERR_STRUCTURETOOSMALL. */
    LONG (*park)(struct ot_req *r, struct ot_call *c, DWORD mode, const char *dir, char *nondir,
                 size_t *nondir_len);
    /* lineUnpark / linePickup: c is a new call at the station (no state yet),
     * the request completes when it is there. */
    LONG (*unpark)(struct ot_req *r, struct ot_call *c, const char *addr);
    LONG (*pickup)(struct ot_req *r, struct ot_call *c, const char *dest, const char *group);
    LONG (*swap_hold)(struct ot_req *r, struct ot_call *active, struct ot_call *held);
    LONG (*secure)(struct ot_req *r, struct ot_call *c); /* lineSecureCall */
    DWORD completion_modes; /* LINECALLCOMPLMODE_ (dwCallCompletionModes) */
#define OT_MAX_CALL_COMPLETIONS 16u
    /* lineCompleteCall: id is the core's dwCompletionID; a station keeps at
     * most OT_MAX_CALL_COMPLETIONS (LINEADDRESSCAPS.dwMaxCallCompletions)
     * waiting, one more is LINEERR_COMPLETIONOVERRUN.  lineUncompleteCall. */
    LONG (*complete_call)(struct ot_req *r, struct ot_call *c, DWORD mode, DWORD id);
    LONG (*uncomplete_call)(struct ot_req *r, struct ot_linedev *ld, DWORD id);
    /* LINEADDRESSCAPS.dwRedirectingIDFlags of its lines (0: LINECALLPARTYID_UNAVAIL
     * only): the LINECALLPARTYID_ bits of the redirecting IDs it reports */
    DWORD redirecting_id_flags;
    /* LINECALLINFOSTATE_ bits it posts besides the core's own (e.g. DEVSPECIFIC),
     * added to LINEADDRESSCAPS.dwCallInfoStates */
    DWORD call_info_states;
    /* ---- digits and tones to the far end (mediaapi.c; NULL: the provider
     * cannot, and the capability structures say so).  generate_digits plays
     * digits (one mode of generate_digit_modes; ',' a pause), generate_tone a
     * tone (one mode of generate_tone_modes; CUSTOM: ntones frequencies), on
     * a CONNECTED call; duration is per digit / of the tone, in ms, already
     * in range.  0: started, and the provider reports its end exactly once
     * with ot_ev_call_generate_done() -- unless generate_cancel() comes first
     * (a new generation, the application's cancel, the call leaving
     * CONNECTED): then it stops and reports nothing.  At most one generation
     * per call is under way. */
    LONG (*generate_digits)(struct ot_call *c, DWORD mode, const char *digits, DWORD duration);
    LONG (*generate_tone)(struct ot_call *c, DWORD mode, DWORD duration, DWORD ntones,
                          const LINEGENERATETONE *tones);
    void (*generate_cancel)(struct ot_call *c);
    DWORD generate_digit_modes; /* LINEDIGITMODE_ generate_digits takes */
    DWORD detect_digit_modes;   /* LINEDIGITMODE_ it reports with ot_ev_call_digit */
    DWORD generate_tone_modes;  /* LINETONEMODE_ generate_tone takes */
    DWORD tone_max_freqs;       /* frequencies of a tone it generates / reports (0: none) */
    bool detects_tones;         /* it reports tones with ot_ev_call_tone */
    /* lineSetMediaMode on this call: the far end learns it (it reports
     * ot_ev_call_media on the far call).  NULL: the change stays local. */
    void (*media_mode_changed)(struct ot_call *c, DWORD mode);
};

/* Provider settings: keys of a provider section such as [sim], valid while the
 * core runs (from start() to stop()). NULL when absent. */
const char *ot_setting(const char *section, const char *key);

/* ---- what providers may use ---- */
const struct ot_line_conf *ot_linedev_conf(const struct ot_linedev *ld);
DWORD ot_linedev_id(const struct ot_linedev *ld);
void ot_linedev_set_drv(struct ot_linedev *ld, void *drv);
void *ot_linedev_drv(const struct ot_linedev *ld);
bool ot_linedev_is_open(const struct ot_linedev *ld);
/* The line's calls in LINECALLSTATE_CONNECTED, in the order they got there:
 * prev NULL gives the first, NULL ends.  Costs O(connected calls), not
 * O(calls of the line). */
struct ot_call *ot_linedev_next_connected(const struct ot_linedev *ld, const struct ot_call *prev);

void ot_req_complete(struct ot_req *r, LONG result);
struct ot_call *ot_req_call(const struct ot_req *r);

/* Incoming or provider-created call: no message is sent until its first state. */
struct ot_call *ot_ev_new_call(struct ot_linedev *ld, DWORD address_id, DWORD origin, void *drv);
void ot_call_set_drv(struct ot_call *c, void *drv);
void *ot_call_drv(const struct ot_call *c);
struct ot_linedev *ot_call_linedev(const struct ot_call *c);
DWORD ot_call_state(const struct ot_call *c);
DWORD ot_call_mode(const struct ot_call *c);
DWORD ot_call_id(const struct ot_call *c);
bool ot_call_has_owner(const struct ot_call *c);
/* A conference parent's members (calls whose conf_parent it is), in creation
 * order: prev NULL gives the first, NULL ends. */
struct ot_call *ot_call_next_member(const struct ot_call *parent, const struct ot_call *prev);

/* State change: LINE_CALLSTATE to every handle of the call.  Going IDLE
 * releases the provider's hold on the call when no handle is left. */
void ot_ev_call_state(struct ot_call *c, DWORD state, DWORD mode);
enum ot_party {
    OT_PARTY_CALLER,
    OT_PARTY_CALLED,
    OT_PARTY_CONNECTED,
    OT_PARTY_REDIRECTING, /* who redirected / forwarded the call here */
    OT_PARTY_REDIRECTION, /* where it was redirected / forwarded to */
};
/* Party ids: LINE_CALLINFO(CALLERID/CALLEDID/CONNECTEDID/REDIRECTINGID/
 * REDIRECTIONID) when notify. */
void ot_ev_call_party(struct ot_call *c, enum ot_party which, const char *number,
                      const char *name, bool notify);
/* The same, keeping the provider's strings instead of copies: they must stay
 * valid until the provider's stop() (e.g. strings of the configuration). */
void ot_ev_call_party_ex(struct ot_call *c, enum ot_party which, const char *number,
                         const char *name, bool notify, bool borrowed);
/* Why the call is here (LINECALLINFO.dwReason, a LINECALLREASON_): sends
 * LINE_CALLINFO(LINECALLINFOSTATE_REASON) when the call already has handles. */
void ot_ev_call_reason(struct ot_call *c, DWORD reason);
/* The call is secure (lineSecureCall): LINECALLINFO.dwCallParamFlags has
 * LINECALLPARAMFLAGS_SECURE; LINE_CALLINFO(LINECALLINFOSTATE_OTHER). */
void ot_ev_call_secure(struct ot_call *c);
/* LINECALLINFO.dwCompletionID of a call that call completion brought
 * (dwReason LINECALLREASON_CALLCOMPLETION / CAMPEDON); before its first state. */
void ot_ev_call_completion_id(struct ot_call *c, DWORD id);
/* Received UUI: stored for LINECALLINFO, LINE_CALLINFO(USERUSERINFO) sent. */
void ot_ev_call_uui(struct ot_call *c, const void *data, DWORD len);
void ot_ev_call_related(struct ot_call *c, DWORD related_call_id);
void ot_ev_call_info(struct ot_call *c, DWORD infostates);
/* Conference membership as the provider sees it (NULL parent: not a member). */
void ot_ev_call_conf_parent(struct ot_call *c, struct ot_call *parent);
struct ot_call *ot_call_conf_parent(const struct ot_call *c);
/* Why a call failed, in the provider's words (e.g. "SIP 503 DNS Error (local)"):
 * LINECALLINFO's DevSpecific part shows it, NUL-terminated, until the call is
 * deallocated.  Set it before the DISCONNECTED it explains; no message. */
void ot_ev_call_cause(struct ot_call *c, const char *text);
/* Digits and tones from the far end (mediaapi.c): LINE_MONITORDIGITS to
 * every handle that monitors the mode, and the digit into the call's
 * lineGatherDigits.  mode: LINEDIGITMODE_DTMF or _PULSE when the digit is
 * detected, LINEDIGITMODE_DTMFEND when a DTMF digit ends. */
void ot_ev_call_digit(struct ot_call *c, char digit, DWORD mode);
/* A tone heard for duration ms (frequencies in Hz, 0 = unused): LINE_MONITORTONE
 * to every handle whose lineMonitorTones list has an entry of the same
 * frequencies and a duration at most this long. */
void ot_ev_call_tone(struct ot_call *c, const DWORD freq[3], DWORD duration);
/* The generation started by generate_digits/generate_tone ended (LINEGENERATETERM_). */
void ot_ev_call_generate_done(struct ot_call *c, DWORD term);
/* The far end changed the call's media mode: LINECALLINFO's dwMediaMode,
 * LINE_CALLINFO(MEDIAMODE) and LINE_MONITORMEDIA to the handles that monitor it. */
void ot_ev_call_media(struct ot_call *c, DWORD mode);
/* A provider that closes a call on its own (e.g. its line went away). */
void ot_ev_call_gone(struct ot_call *c);

/* Line states this provider reports (e.g. LINEDEVSTATE_INSERVICE |
 * LINEDEVSTATE_OUTOFSERVICE): added to LINEDEVCAPS.dwLineStates and accepted
 * by lineSetStatusMessages.  Called from start(). */
void ot_linedev_add_line_states(struct ot_linedev *ld, DWORD states);
/* LINECONNECTEDMODE_ values this provider reports beyond ACTIVE (and INACTIVE
 * on shared lines), e.g. ACTIVEHELD: added to LINEADDRESSCAPS.dwConnectedModes.
 * Called from start(). */
void ot_linedev_add_connected_modes(struct ot_linedev *ld, DWORD modes);
/* LINEDEVCAPS.dwAnswerMode: what answering a call does to the line's active
 * one (default LINEANSWERMODE_HOLD, the switch's).  Called from start(). */
void ot_linedev_set_answer_mode(struct ot_linedev *ld, DWORD mode);
/* LINEDEVSTATE_INSERVICE or LINEDEVSTATE_OUTOFSERVICE: LINEDEVSTATUS's
 * INSERVICE flag follows, and LINE_LINEDEVSTATE goes to every open of the
 * line that enabled the state (lineSetStatusMessages).  Nothing is posted
 * when the line is already in that state. */
void ot_ev_line_service(struct ot_linedev *ld, DWORD state);
/* The provider's link to the switch that controls the line (third-party
 * control) came up or went down.  Down: TAPI cannot operate the line, so
 * LINEDEVSTATUS loses CONNECTED and INSERVICE; up: both again.  Each open
 * gets one LINE_LINEDEVSTATE(CONNECTED | INSERVICE, or DISCONNECTED |
 * OUTOFSERVICE) masked by the states it enabled; nothing when nothing changed.
 * The provider reports these four states (ot_linedev_add_line_states). */
void ot_ev_line_link(struct ot_linedev *ld, bool up);
/* LINE_LINEDEVSTATE(state, p2, p3) to every open of the line that enabled
 * the state (lineSetStatusMessages; REINIT always), dwParam1 masked by that
 * open's filter: e.g. LINEDEVSTATE_RINGING with p2 = the ring mode (1..
 * dwRingModes) and p3 = the ring count (from 0).  No status is changed: the
 * provider keeps what lineGetLineDevStatus must show. */
void ot_ev_linedev_state(struct ot_linedev *ld, DWORD state, DWORD p2, DWORD p3);
/* LINE_ADDRESSSTATE(address_id, state) the same way (e.g. LINEADDRESSSTATE_
 * FORWARD after a forwarding change, CAPSCHANGE). */
void ot_ev_address_state(struct ot_linedev *ld, DWORD address_id, DWORD state);
/* Address states this provider reports beyond the core's (INUSE*, NUMCALLS):
 * added to LINEADDRESSCAPS.dwAddressStates and accepted by
 * lineSetStatusMessages.  Called from start(). */
void ot_linedev_add_address_states(struct ot_linedev *ld, DWORD states);
/* LINEDEVSTATUSFLAGS_ that lineSetLineDevStatus may change on this line
 * (MSGWAIT, LOCKED): LINEDEVCAPS.dwSettableDevStatus, LINEFEATURE_SETDEVSTATUS,
 * and the LINEDEVSTATE_ messages of those changes.  Called from start(). */
void ot_linedev_set_settable_status(struct ot_linedev *ld, DWORD flags);

/* Forwarding (lineForward; the state is the core's, per address).  A provider
 * asks when a call arrives (condition LINEFORWARDMODE_UNCOND, or
 * LINEFORWARDMODE_BUSY when the station is busy) or rings unanswered
 * (LINEFORWARDMODE_NOANSW).  The core matches the internal / external /
 * specific variants of each (and BUSYNA for both BUSY and NOANSW): a caller
 * whose number is a line of this configuration is internal, any other
 * (NULL included) external; a SPECIFIC entry needs caller equal to its
 * caller address.  The most specific entry wins.  True: forwarding applies,
 * dest holds the destination (NUL-terminated, truncated to destlen) and
 * *num_rings (if not NULL) the rings before NOANSW forwarding. */
bool ot_linedev_forward_dest(struct ot_linedev *ld, DWORD address_id, DWORD condition,
                             const char *caller, char *dest, size_t destlen, DWORD *num_rings);

#endif
