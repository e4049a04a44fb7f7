/* Helpers of the TAPI 3 tests (tests/test_tapi3*.c, tests/test_sip_tapi3*.c):
 * a TAPI object per simulated application, events pulled with
 * otTapi3GetEvent and checked in order (type, state, cause, call), and the
 * live-object counters of both layers.  Public headers only. */
#ifndef OT_TEST_TAPI3_H
#define OT_TEST_TAPI3_H

#include "tapi3.h"
#include "test.h"

#define CHECK_HR(a, b)                                                                         \
    do {                                                                                       \
        HRESULT ha_ = (HRESULT)(a), hb_ = (HRESULT)(b);                                        \
        if (ha_ != hb_)                                                                        \
            FAIL("%s: got %s (0x%08x), expected %s (0x%08x)", #a, otTapi3ErrorName(ha_),       \
                 (unsigned)ha_, otTapi3ErrorName(hb_), (unsigned)hb_);                         \
    } while (0)

/* Every event class the layer generates. */
#define T3_EVENTS (TE_CALLNOTIFICATION | TE_CALLSTATE | TE_CALLINFOCHANGE)

typedef struct t3app {
    ITTAPI *tapi;
    const char *name;
} t3app;

/* otTapi3Create + Initialize + put_EventFilter(filter). */
void t3_init(t3app *x, const char *name, LONG filter);
/* The address of line device dev (AddRef'd). */
ITAddress *t3_address(t3app *x, DWORD dev);
/* RegisterCallNotifications for audio calls; returns the registration. */
LONG t3_register(t3app *x, ITAddress *a, bool owner, bool monitor);
/* CreateCall(dest, PHONENUMBER, AUDIO). */
ITBasicCallControl *t3_create(ITAddress *a, const char *dest);
/* The ITCallInfo of a call (AddRef'd). */
ITCallInfo *t3_info(ITBasicCallControl *c);
ITBasicCallControl *t3_bcc(ITCallInfo *ci);

/* The next event must be a TE_CALLSTATE of call c (NULL: any call) with the
 * state and cause; returns the event's call (AddRef'd) if want_call. */
void t3_expect_state_(t3app *x, ITBasicCallControl *c, CALL_STATE s, CALL_STATE_EVENT_CAUSE cause,
                      const char *f, int l);
#define t3_expect_state(x, c, s, cause) t3_expect_state_(x, c, s, cause, __FILE__, __LINE__)
/* The next event must be TE_CALLINFOCHANGE(cic) of c. */
void t3_expect_info_(t3app *x, ITBasicCallControl *c, CALLINFOCHANGE_CAUSE cic, const char *f,
                     int l);
#define t3_expect_info(x, c, cic) t3_expect_info_(x, c, cic, __FILE__, __LINE__)
/* The next event must be TE_CALLNOTIFICATION(cne); returns its call (one
 * reference, the caller's).  Then TE_CALLSTATE(CS_OFFERING) if offering. */
ITBasicCallControl *t3_expect_notify_(t3app *x, CALL_NOTIFICATION_EVENT cne, LONG instance,
                                      const char *f, int l);
#define t3_expect_notify(x, cne, inst) t3_expect_notify_(x, cne, inst, __FILE__, __LINE__)
/* The next event must be TE_ADDRESS(ae) of address a (ITAddress identity),
 * with no terminal. */
void t3_expect_address_(t3app *x, ITAddress *a, ADDRESS_EVENT ae, const char *f, int l);
#define t3_expect_address(x, a, ae) t3_expect_address_(x, a, ae, __FILE__, __LINE__)
/* ITAddress::get_State. */
ADDRESS_STATE t3_address_state(ITAddress *a);
/* No event is queued. */
void t3_expect_none_(t3app *x, const char *f, int l);
#define t3_expect_none(x) t3_expect_none_(x, __FILE__, __LINE__)
/* Shutdown and the last Release (events must all have been consumed). */
void t3_done(t3app *x);
/* The test ends x's object itself (its own Shutdown/Release), not t3_done:
 * the runner's cleanup after a failure must then leave it alone. */
void t3_forget(t3app *x);

CALL_STATE t3_state(ITBasicCallControl *c);
/* The received UUI equals (p, n). */
void t3_check_uui_(ITBasicCallControl *c, const void *p, DWORD n, const char *f, int l);
#define t3_check_uui(c, p, n) t3_check_uui_(c, p, n, __FILE__, __LINE__)
void t3_stage_uui(ITBasicCallControl *c, const void *p, DWORD n);
/* Release that must free the object: it was the last reference. */
void t3_release_last_(ITBasicCallControl *c, const char *f, int l);
#define t3_release_last(c) t3_release_last_(c, __FILE__, __LINE__)
/* otTapi3GetStats less what failed tests before this one left behind. */
void t3_stats(OTTAPI3STATS *s);
/* Every TAPI 3 object and allocation of the test is gone. */
void t3_check_stats_(const char *f, int l);
#define t3_check_stats() t3_check_stats_(__FILE__, __LINE__)

/* T3 caller (x, address ax) calls dest; T2 callee b (line lb) answers: both
 * connected, all queues empty; *hb the callee's handle. */
ITBasicCallControl *t3_call_t2(t3app *x, ITAddress *ax, const char *dest, tapp *b, HLINE lb,
                               HCALL *hb);

#endif
