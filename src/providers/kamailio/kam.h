/* The Kamailio provider ("kamailio"): third-party call control of the phones
 * whose calls pass through a Kamailio proxy (docs/kamailio.md).  This header
 * is shared by the provider and by the tests, which link the static library
 * to read the counters.  Nothing here is part of the public API. */
#ifndef OT_KAM_H
#define OT_KAM_H

#include <stdbool.h>

/* Kept across core restarts; reset only by ot_kam_counters_reset(). */
struct ot_kam_counters {
    unsigned long events;     /* call events received from Kamailio */
    unsigned long unknown;    /* events about dialogs the provider does not track (ignored) */
    unsigned long malformed;  /* messages that are not JSON objects of the expected shape */
    unsigned long rpc_sent;   /* JSON-RPC requests sent */
    unsigned long rpc_failed; /* requests answered with an error, or not answered in time */
    unsigned long rpc_late;   /* answers to requests that had already timed out (ignored) */
    unsigned long connects;   /* connections to Kamailio that completed their synchronisation */
    unsigned long disconnects; /* connections lost (or refused) */
    unsigned long learned;    /* dialogs learned from Kamailio's dialog list */
    unsigned long dialogs;    /* dialogs tracked now */
    bool in_service;          /* connected and synchronised */
};

void ot_kam_counters_get(struct ot_kam_counters *out);
void ot_kam_counters_reset(void);
/* Waits until pred(counters, arg) is true (re-checked at every change) or
 * timeout_ms passes; returns the last result. */
bool ot_kam_counters_wait(bool (*pred)(const struct ot_kam_counters *, void *), void *arg,
                          unsigned timeout_ms);

#endif
