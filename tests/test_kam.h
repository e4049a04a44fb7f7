/* Helpers of the Kamailio provider's tests (tests/test_kam*.c, which are
 * built with both the Kamailio and the SIP provider; defined in
 * tests/test_kamailio.c): Kamailio (tests/kamailio/tpcc.cfg) and SIPp
 * "phones" on 127.0.0.1, lines configured for them, and the expectations
 * the tests share.  Every wait is on an event (a message, the provider's
 * counters, a child's exit), bounded. */
#ifndef OT_TEST_KAM_H
#define OT_TEST_KAM_H

#include <stdbool.h>

#include "../src/providers/kamailio/kam.h"
#include "sip_helpers.h"

/* A test's Kamailio: its SIP port, its evapi port (OPENTAPI_EVAPI, the
 * "-A" define of evdefine), and the ports of alice's and bob's phones. */
struct kenv {
    sproc kam;
    int port, evport, alice, bob;
    char evdefine[64];
};

/* Starts (or starts again, on the same ports) the test's Kamailio. */
void kam_run(struct kenv *e);
/* Free ports, Kamailio started, bob's phone registered, counters reset. */
void env_start(struct kenv *e);
/* Stops Kamailio; nothing of its process group is left. */
void env_stop(struct kenv *e);
/* [kamailio] evapi at the test's port (plus the lines of extra); a
 * kamailio line for each of the NULL-terminated users. */
void config_lines(const struct kenv *e, const char *const *users, const char *extra);
/* The provider in service (in) or out of service, within 10 s. */
void wait_service(bool in);
/* The provider tracks no dialog, within 10 s. */
void wait_no_dialogs(void);
/* bob's phone (the UAS scenario uas), then alice's (uac) calling bob. */
void start_phones(struct kenv *e, sproc *alice, const char *uac, sproc *bob, const char *uas);

/* The User-to-User of the tests' drops. */
extern const unsigned char drop_uui[5];

/* The caller's line: a new call (owner), PROCEEDING, RINGBACK. */
HCALL expect_outgoing(tapp *a, HLINE hl);
/* Both lines see the call connect: the caller hears the answer's UUI. */
void expect_connected(tapp *a, HCALL ha, tapp *b, HCALL hb);
/* The next message of a is LINE_LINEDEVSTATE(state) on line hl. */
void expect_devstate(tapp *a, HLINE hl, DWORD state);
/* LINEDEVSTATUS's dwDevStatusFlags of the line. */
DWORD dev_status_flags(HLINE hl);
/* ot_kam_counters_wait condition: events == *(unsigned long *)arg. */
bool events_are(const struct ot_kam_counters *c, void *arg);

#endif
