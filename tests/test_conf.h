/* Helpers of the conference and transfer tests on the embedded switch
 * (tests/test_conf.c, tests/test_conf_transfer.c; defined in test_conf.c):
 * the host (device 0, 100) and the parties bob (101), carol (102) and
 * dave (103), each line opened by its own owner application. */
#ifndef OT_TEST_CONF_H
#define OT_TEST_CONF_H

#include "test.h"

typedef struct conf {
    tapp host, bob, carol, dave;
    HLINE lh, lb, lc, ld;
    HCALL hb_host, hb;       /* host's call to bob, bob's call */
    HCALL hconf, hk, hc;     /* conference call, host's consultation call to carol, carol's */
} conf;

/* The four applications initialized, each with its line open as owner. */
void conf_init(conf *k);
/* Nothing more is queued for any of the four; each shuts down. */
void conf_done(conf *k);
/* The host dials on a consultation call hk; the party on line lp answers. */
HCALL consult_reaches(tapp *host, HCALL hk, const char *number, tapp *p, HLINE lp);
/* host-bob connected, then lineSetupConference: bob's call CONFERENCED. */
void conf_setup(conf *k);
/* lineDeallocateCall of each of the n calls. */
void dealloc_all(HCALL *h, unsigned n);

#endif
