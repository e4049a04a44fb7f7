/* t3.h - private to the TAPI 3 layer (src/tapi3/).  The layer is a client of
 * the public line API only: every TAPI object is one hidden line application
 * (lineInitializeEx, USEEVENT) whose messages a reader thread turns into call
 * object updates and events; a second thread (the "sinker") hands events to
 * the application's ITTAPIEventNotification sinks.
 *
 * Locking: each TAPI object has one mutex (ot3_tapi.lock) guarding everything
 * in it, its addresses, opens, calls, requests and event queue.  Line API
 * functions are called with it held (lock order: this mutex, then the core's
 * lock; the core never calls back into this layer).  Application code (event
 * sinks, their AddRef/Release/QueryInterface) is never called with it held.
 * Every wait uses ot3_tapi.cond (CLOCK_MONOTONIC).
 *
 * Lifetimes: a TAPI object counts two kinds of references.  ext_refs are the
 * application's (ITTAPI, ITAddress, ITAddressCapabilities, the connection
 * point interfaces); when they reach 0 the object shuts down.  int_refs keep
 * the memory: one while ext_refs > 0, one per call object, one for a sinker
 * thread that was detached.  A call object's refs count the application's
 * references, its events', and one "held" reference the TAPI object keeps
 * while the call is active (it has a line handle and is not CS_DISCONNECTED).
 * refs are incremented atomically by anyone who already holds one (or holds
 * the lock and found the call in the registry) but decremented only with the
 * lock held (ot3_call_unref_locked), so a call found in the registry cannot
 * be freed under the finder.  At 0 the call leaves the registry, gives its
 * line handle back (lineDeallocateCall) and becomes a zombie that ot3_unlock
 * frees after releasing the lock. */
#ifndef OT_TAPI3_T3_H
#define OT_TAPI3_T3_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "tapi3.h"

#define OT3_API_LOW 0x00010004u
#define OT3_API_HIGH 0x00020002u
#define OT3_DEFAULT_TIMEOUT_MS 120000u

#define OT3_EXPORT __attribute__((visibility("default")))

#define ot3_container_of(p, type, member) ((type *)(void *)((char *)(p)-offsetof(type, member)))

struct ot3_tapi;
struct ot3_call;
struct ot3_address;

/* One lineOpen of one address: the line for outgoing calls (reg_id 0), or a
 * RegisterCallNotifications registration. */
struct ot3_open {
    struct ot3_open *next;
    struct ot3_address *addr;
    HLINE hline;
    DWORD key;              /* dwCallbackInstance of lineOpen: finds the open */
    LONG reg_id;            /* 0: the outgoing-call open */
    LONG instance;          /* lCallbackInstance of the registration */
    DWORD privileges;       /* LINECALLPRIVILEGE_ bits it was opened with */
    bool closing;           /* unregistered: lineClose when ncalls reaches 0 */
    unsigned ncalls;        /* call objects holding a handle of this open */
};

struct ot3_address {
    ITAddress itf;
    ITAddressCapabilities caps_itf;
    struct ot3_tapi *tapi;
    DWORD device, address_id, api_version;
    char *line_name, *provider, *switch_info, *address;
    DWORD media_modes, bearer_modes, max_rate, devcap_flags, answer_modes, line_features;
    DWORD max_active_calls, permanent_id;
    DWORD uui_make, uui_answer, uui_drop, uui_callinfo;
    /* LINEADDRESSCAPS values */
    DWORD addr_cap_flags, call_features, call_features2, max_num_conf, remove_conf_caps,
        remove_conf_state, transfer_modes, max_onhold, max_onhold_pend, max_active,
        caller_id_flags, called_id_flags, connected_id_flags, redirection_id_flags,
        redirecting_id_flags, addr_features, max_transconf, forward_modes, park_modes,
        max_call_data;
    /* LINEADDRESSCAPS routing limits (route.c's methods use the lines') */
    DWORD max_fwd_entries, max_specific_entries, min_fwd_rings, max_fwd_rings,
        max_completions, completion_conds, completion_modes;
    struct ot3_open *out_open; /* opened at the first Connect */
    /* Address events (reader.c): LINEDEVCAPS.dwLineStates and
     * LINEADDRESSCAPS.dwAddressStates; the one open of the address whose
     * status messages make its TE_ADDRESS events (NULL: none open); the
     * line's service as last seen (ITAddress::get_State). */
    DWORD line_states, address_states;
    struct ot3_open *status_open;
    bool out_of_service;
};

enum ot3_req_kind {
    OT3_REQ_GENERIC,
    OT3_REQ_MAKECALL,  /* out1: the new call's handle -> call */
    OT3_REQ_SETUPCONF, /* out1: conference parent (hidden), out2: consult -> call */
    OT3_REQ_PREPAREADD, /* out1: consult -> call (also lineSetupTransfer's) */
    OT3_REQ_XFERCONF    /* lineCompleteTransfer(CONFERENCE): out1: conference parent (hidden) */
};

/* An asynchronous line request being waited for.  out1/out2 are written by
 * the core when it posts the LINE_REPLY, so the request stays in memory until
 * its reply was read (or the application shut down). */
struct ot3_req {
    struct ot3_req *next;
    LONG id;
    enum ot3_req_kind kind;
    bool done;      /* the reply was processed (or shutdown) */
    bool abandoned; /* the waiter gave up: the reader frees it */
    LONG result;
    HCALL out1, out2;
    struct ot3_open *open;  /* where the new handles live */
    struct ot3_call *call;  /* referenced; receives the new handle */
};

struct ot3_call {
    ITBasicCallControl bcc_itf;
    ITCallInfo info_itf;
    ITLegacyCallMediaControl lmc_itf; /* media.c */
    ITLegacyCallMediaControl2 lmc2_itf;
    struct ot3_gather *gathers; /* GatherDigits buffers, oldest first (media.c) */
    atomic_uint refs;
    struct ot3_tapi *tapi;
    struct ot3_address *addr;
    struct ot3_open *open;        /* the open its handle belongs to */
    struct ot3_call *next, *prev; /* the TAPI object's registry */
    struct ot3_call *zombie_next;
    HCALL hcall;                  /* 0: none (yet, or any more) */
    CALL_PRIVILEGE priv;
    bool outgoing;                /* made with CreateCall */
    bool held;                    /* the TAPI object holds a reference */
    bool busy;                    /* a Connect/Conference is under way */
    int drop_code;                /* DISCONNECT_CODE of our drop, -1 none */
    CALL_STATE state;
    CALL_STATE_EVENT_CAUSE cause;
    DWORD line_state, line_mode;
    LONG instance;
    char *dest;                   /* CreateCall destination */
    DWORD media_modes;            /* LINEMEDIAMODE_ of CreateCall */
    unsigned char *uui;           /* staged by SetCallInfoBuffer */
    DWORD uui_len;
    LINECALLINFO *snap;           /* last LINECALLINFO read */
    HCALL hconf;                  /* conference parent (a hidden handle) */
    struct ot3_call *consult_of;  /* a consultation call: the conference call (referenced) */
    bool xfer;                    /* consult_of is the call it transfers (Transfer) */
};

/* An event object: one of three interfaces, all starting with IDispatch.  It
 * holds a reference to its call; qnext links it into the TAPI object's queue
 * (an event is queued once, so queuing cannot fail). */
struct ot3_event {
    union {
        IDispatch disp;
        ITCallStateEvent state;
        ITCallNotificationEvent notify;
        ITCallInfoChangeEvent info;
        ITDigitDetectionEvent digit;
        ITDigitGenerationEvent gen;
        ITDigitsGatheredEvent gathered;
        ITToneDetectionEvent tone;
        ITAddressEvent address;
    } itf;
    atomic_uint refs;
    TAPI_EVENT type;
    struct ot3_call *call;        /* NULL for TE_ADDRESS */
    struct ot3_address *addr;     /* TE_ADDRESS: holds an internal reference of its TAPI */
    ADDRESS_EVENT ae;
    CALL_STATE state;
    CALL_STATE_EVENT_CAUSE cause;
    CALL_NOTIFICATION_EVENT cne;
    CALLINFOCHANGE_CAUSE cic;
    unsigned char digit;     /* TE_DIGITEVENT */
    TAPI_DIGITMODE digit_mode;
    LONG gen_term;           /* TE_GENERATEEVENT */
    LONG tick;               /* digit, generate, gather, tone: the message's dwParam3 */
    char *digits;            /* TE_GATHERDIGITS (owned) */
    DWORD ndigits;
    TAPI_GATHERTERM gather_term;
    LONG app_specific;       /* TE_TONEEVENT */
    LONG instance;
    struct ot3_event *qnext;
};

struct ot3_sink {
    ITTAPIEventNotification *sink;
    DWORD cookie;
};

enum ot3_phase { OT3_NEW, OT3_RUNNING, OT3_DOWN };

#define OT3_MAX_SINKS 16

struct ot3_tapi {
    ITTAPI itf;
    IConnectionPointContainer cpc_itf;
    IConnectionPoint cp_itf;
    atomic_uint ext_refs, int_refs;
    pthread_mutex_t lock;
    pthread_cond_t cond; /* any change: replies, states, events, shutdown */
    enum ot3_phase phase;
    HLINEAPP happ;
    struct ot3_address **addrs;
    DWORD naddrs;
    struct ot3_open *opens;
    struct ot3_call *calls;           /* registry (weak: no reference) */
    struct ot3_call *zombies;         /* freed by ot3_unlock */
    struct ot3_req *reqs;
    HCALL *hidden;                    /* conference parents we hold handles of */
    unsigned nhidden, cap_hidden;
    struct ot3_event *qhead, **qtail; /* events not yet delivered */
    struct ot3_sink sinks[OT3_MAX_SINKS];
    unsigned nsinks;
    ITTAPIEventNotification *snap[OT3_MAX_SINKS];     /* being called by the sinker */
    unsigned nsnap;
    ITTAPIEventNotification *deferred[OT3_MAX_SINKS]; /* the sinker releases them */
    unsigned ndeferred;
    DWORD next_cookie;
    LONG filter;
    LONG next_reg;
    DWORD next_key;
    DWORD timeout_ms;
    pthread_t reader, sinker;
    bool reader_running, sinker_running, sinker_stop, sinker_detached;
};

/* ---- tapi.c: the TAPI object, ITTAPI ---- */
void ot3_lock(struct ot3_tapi *t);
void ot3_unlock(struct ot3_tapi *t); /* frees zombies after unlocking */
void ot3_int_ref(struct ot3_tapi *t);
void ot3_int_unref(struct ot3_tapi *t);
ULONG ot3_ext_ref(struct ot3_tapi *t); /* the new count */
void ot3_ext_unref(struct ot3_tapi *t);
struct timespec ot3_deadline(const struct ot3_tapi *t);
bool ot3_wait_until(struct ot3_tapi *t, const struct timespec *deadline);
struct ot3_tapi *ot3_tapi_from(ITTAPI *p);

/* ---- reader.c: requests, line opens, the reader thread ---- */
struct ot3_req *ot3_req_new(enum ot3_req_kind kind);
void ot3_req_add(struct ot3_tapi *t, struct ot3_req *q, LONG id);
/* Waits (lock held) for q's reply; frees q unless it timed out.  S_OK with
 * *result = the reply's result, TAPI_E_TIMEOUT or TAPI_E_NOT_INITIALIZED. */
HRESULT ot3_req_wait(struct ot3_tapi *t, struct ot3_req *q, LONG *result);
/* Issues a request whose id is `id` (or an error) and waits for its reply:
 * the HRESULT of the whole operation.  q is consumed. */
HRESULT ot3_req_run(struct ot3_tapi *t, struct ot3_req *q, LONG id);
void ot3_req_unlink(struct ot3_tapi *t, struct ot3_req *q);      /* from t->reqs */
void ot3_req_free_locked(struct ot3_tapi *t, struct ot3_req *q); /* and its call ref */
/* lineOpen of a's line with these privileges and media modes: a new open
 * in t->opens (the address's status open if it has none). */
HRESULT ot3_open_line(struct ot3_tapi *t, struct ot3_address *a, DWORD privileges,
                      DWORD modes, struct ot3_open **po);
void ot3_open_close(struct ot3_tapi *t, struct ot3_open *o); /* frees o */
HRESULT ot3_out_open(struct ot3_tapi *t, struct ot3_address *a, struct ot3_open **po);
void ot3_open_call_gone(struct ot3_tapi *t, struct ot3_open *o);
bool ot3_hidden_add(struct ot3_tapi *t, HCALL h);
void *ot3_reader_main(void *arg); /* arg: the TAPI object */

/* ---- notify.c: event queue, sinker thread, sinks, connection points ---- */
void ot3_push_event(struct ot3_tapi *t, struct ot3_event *ev); /* NULL ignored */
bool ot3_wants(const struct ot3_tapi *t, TAPI_EVENT type);
void *ot3_sinker_main(void *arg); /* arg: the TAPI object */
/* A sink the TAPI object lets go of (lock held): true if the caller releases
 * it after unlocking, false if the sinker will. */
bool ot3_sink_let_go(struct ot3_tapi *t, ITTAPIEventNotification *s);
extern const IConnectionPointContainerVtbl ot3_cpc_vtbl;
extern const IConnectionPointVtbl ot3_cp_vtbl;

/* ---- address.c ---- */
struct ot3_address *ot3_address_new(struct ot3_tapi *t, DWORD device, DWORD address_id,
                                    DWORD api_version, const LINEDEVCAPS *dc);
void ot3_address_free(struct ot3_address *a);
/* TAPIMEDIATYPE_ bits -> LINEMEDIAMODE_ bits the address supports. */
HRESULT ot3_media_modes(const struct ot3_address *a, LONG media_types, DWORD *modes);
LONG ot3_media_types(DWORD line_modes);
struct ot3_address *ot3_address_from(ITAddress *p); /* NULL if not ours */
/* Enumerators over n interface pointers (ITAddress *, ITCallInfo *), each
 * AddRef'd by the enumerator. */
IEnumAddress *ot3_enum_addresses(void **items, ULONG n);
IEnumCall *ot3_enum_calls(void **items, ULONG n);

/* ---- call.c: call objects, ITBasicCallControl ---- */
struct ot3_call *ot3_call_new(struct ot3_tapi *t, struct ot3_address *a); /* lock held */
struct ot3_call *ot3_call_from(ITBasicCallControl *p); /* NULL if not ours */
/* call.c helpers (lock held): the checks before an owner's request on c's
 * handle (running, owner, a handle in a state the request takes); a request
 * with no output if *hr is S_OK; waiting for one of the states of mask
 * (1 << CS_...); dialling a consultation call's destination. */
HRESULT ot3_owner_may(const struct ot3_call *c, bool state_ok);
struct ot3_req *ot3_generic_req(HRESULT *hr);
HRESULT ot3_wait_states(struct ot3_tapi *t, struct ot3_call *c, unsigned mask);
HRESULT ot3_dial_consult(struct ot3_tapi *t, struct ot3_call *k, VARIANT_BOOL fSync);
/* xfer.c: Transfer, BlindTransfer, HandoffDirect (name) / HandoffIndirect
 * (media type), and Finish of a Transfer's consultation call (lock held). */
HRESULT ot3_transfer(struct ot3_call *c, ITBasicCallControl *pCall, VARIANT_BOOL fSync);
HRESULT ot3_blind_transfer(struct ot3_call *c, BSTR dest);
HRESULT ot3_handoff(struct ot3_call *c, bool direct, BSTR name, LONG media);
HRESULT ot3_finish_transfer(struct ot3_call *k, FINISH_MODE mode);
void ot3_call_addref(struct ot3_call *c);
void ot3_call_release(struct ot3_call *c); /* lock not held */
void ot3_call_unref_locked(struct ot3_tapi *t, struct ot3_call *c);
struct ot3_call *ot3_call_find(struct ot3_tapi *t, HCALL h);
/* Gives c its line handle h on open o and the TAPI object's held reference. */
void ot3_call_attach(struct ot3_tapi *t, struct ot3_call *c, struct ot3_open *o, HCALL h);
void ot3_call_on_state(struct ot3_tapi *t, struct ot3_call *c, DWORD state, DWORD mode);
void ot3_call_on_info(struct ot3_tapi *t, struct ot3_call *c, DWORD states);
/* The line is gone (Shutdown, LINE_CLOSE): keep the last information, read
 * as CS_DISCONNECTED, no handle. */
void ot3_call_detach(struct ot3_tapi *t, struct ot3_call *c, bool with_event);
void ot3_call_connected(struct ot3_tapi *t, struct ot3_call *c); /* Connect's reply */
void ot3_call_free(struct ot3_call *c); /* a zombie, lock not held */
/* S_OK while the TAPI object runs, else TAPI_E_NOT_INITIALIZED. */
HRESULT ot3_call_running(const struct ot3_call *c);
/* Replaces c's copy of its LINECALLINFO with the line's current one (lock held). */
void ot3_call_take_snap(struct ot3_call *c);
/* QueryInterface and Release shared by the call object's interfaces. */
HRESULT ot3_call_qi(struct ot3_call *c, REFIID riid, void **ppv);
ULONG ot3_call_release_ref(struct ot3_call *c);

/* ---- callinfo.c: ITCallInfo of the call objects ---- */
extern const ITCallInfoVtbl ot3_info_vtbl;

/* ---- route.c: routing methods of the ITAddress and ITBasicCallControl vtables ---- */
HRESULT WINAPI ot3_a_CreateForwardInfoObject(ITAddress *This, ITForwardInformation **pp);
HRESULT WINAPI ot3_a_Forward(ITAddress *This, ITForwardInformation *pInfo,
                             ITBasicCallControl *pCall);
HRESULT WINAPI ot3_a_get_CurrentForwardInfo(ITAddress *This, ITForwardInformation **pp);
HRESULT WINAPI ot3_b_SwapHold(ITBasicCallControl *This, ITBasicCallControl *pCall);
HRESULT WINAPI ot3_b_ParkDirect(ITBasicCallControl *This, BSTR addr);
HRESULT WINAPI ot3_b_ParkIndirect(ITBasicCallControl *This, BSTR *pp);
HRESULT WINAPI ot3_b_Unpark(ITBasicCallControl *This);
HRESULT WINAPI ot3_b_Pickup(ITBasicCallControl *This, BSTR group);

/* ---- event.c ---- */
/* New events (one reference, which the queue takes); NULL when out of memory. */
struct ot3_event *ot3_event_state(struct ot3_call *c, CALL_STATE state,
                                  CALL_STATE_EVENT_CAUSE cause);
struct ot3_event *ot3_event_notify(struct ot3_call *c, CALL_NOTIFICATION_EVENT what);
struct ot3_event *ot3_event_infochange(struct ot3_call *c, CALLINFOCHANGE_CAUSE cause);
struct ot3_event *ot3_event_digit(struct ot3_call *c, unsigned char digit, TAPI_DIGITMODE mode,
                                  LONG tick);
struct ot3_event *ot3_event_generate(struct ot3_call *c, LONG term, LONG tick);
/* digits: n bytes, copied */
struct ot3_event *ot3_event_gathered(struct ot3_call *c, const char *digits, DWORD n,
                                     TAPI_GATHERTERM term, LONG tick);
struct ot3_event *ot3_event_tone(struct ot3_call *c, LONG app_specific, LONG tick);
struct ot3_event *ot3_event_address(struct ot3_address *a, ADDRESS_EVENT what);
void ot3_event_release(struct ot3_event *e); /* lock not held */

/* ---- media.c ---- */
extern const ITLegacyCallMediaControlVtbl ot3_lmc_vtbl;
extern const ITLegacyCallMediaControl2Vtbl ot3_lmc2_vtbl;
/* LINE_GATHERDIGITS of c: the oldest GatherDigits buffer becomes a
 * TE_GATHERDIGITS event (lock held). */
void ot3_media_gathered(struct ot3_tapi *t, struct ot3_call *c, DWORD term, LONG tick);
void ot3_media_call_free(struct ot3_call *c); /* its buffers */

/* ---- util.c ---- */
HRESULT ot3_hr(LONG lineerr);
LINECALLINFO *ot3_get_callinfo(HCALL h, LONG *err); /* malloc'ed, whole */
char *ot3_strdup(const char *s);
char *ot3_varstr(const void *base, DWORD size, DWORD offset); /* malloc'ed copy */

extern atomic_uint ot3_live_tapis, ot3_live_calls, ot3_live_events, ot3_live_enums,
    ot3_live_strings, ot3_live_taskmem;

/* IDispatch's four methods for interface T, as file statics named
 * prefix_GetTypeInfoCount... */
#define OT3_DISPATCH_STUBS(prefix, T)                                                          \
    static HRESULT WINAPI prefix##_GetTypeInfoCount(T *This, UINT *pctinfo)                    \
    {                                                                                          \
        (void)This;                                                                            \
        if (!pctinfo)                                                                          \
            return E_POINTER;                                                                  \
        *pctinfo = 0;                                                                          \
        return S_OK;                                                                           \
    }                                                                                          \
    static HRESULT WINAPI prefix##_GetTypeInfo(T *This, UINT i, LCID l, ITypeInfo **pp)        \
    {                                                                                          \
        (void)This, (void)i, (void)l;                                                          \
        if (pp)                                                                                \
            *pp = NULL;                                                                        \
        return E_NOTIMPL;                                                                      \
    }                                                                                          \
    static HRESULT WINAPI prefix##_GetIDsOfNames(T *This, REFIID r, LPOLESTR *n, UINT c,       \
                                                 LCID l, DISPID *d)                            \
    {                                                                                          \
        (void)This, (void)r, (void)n, (void)c, (void)l, (void)d;                               \
        return E_NOTIMPL;                                                                      \
    }                                                                                          \
    static HRESULT WINAPI prefix##_Invoke(T *This, DISPID d, REFIID r, LCID l, WORD f,         \
                                          DISPPARAMS *p, VARIANT *v, EXCEPINFO *e, UINT *a)    \
    {                                                                                          \
        (void)This, (void)d, (void)r, (void)l, (void)f, (void)p, (void)v, (void)e, (void)a;    \
        return E_NOTIMPL;                                                                      \
    }
#define OT3_DISPATCH_ENTRIES(prefix)                                                           \
    prefix##_GetTypeInfoCount, prefix##_GetTypeInfo, prefix##_GetIDsOfNames, prefix##_Invoke

#endif
