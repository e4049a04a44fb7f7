/* Internal to `tapi answer` and `tapi call` (tools/tapi_sip*.c, built only
 * with the SIP provider): the options, a call in progress, and what the files
 * share.  Not in tapi_tool.h: the other subcommands have their own now_ms(). */
#ifndef TAPI_SIP_H
#define TAPI_SIP_H
#include <stdbool.h>
#include <stddef.h>

#include "tapi.h"
#include "tapi_tool.h"

#define MAX_UUI 65536u

struct hexopt {
    unsigned char *p;
    DWORD len;
};

struct opts {
    bool answer;
    const char *line, *dest, *transport, *proxy, *registrar, *username, *password;
    const char *tls_cert, *tls_key, *tls_ca, *tls_verify; /* --tls-*: a TLS --line line */
    const char *redirect_to; /* answer: lineRedirect every offered call there */
    const char *trace, *pcap, *svg;
    const char *transfer_to; /* blind-transfer each call there once connected */
    bool reject, ladder, json;
    bool service_line; /* --line names a line of the telephony service */
    long device; /* -1: the first SIP line of OPENTAPI_CONFIG */
    unsigned char *uui;
    DWORD uui_len;
    struct hexopt call_uui, ring_uui;
    long ring;       /* ms to ring before answering, -1 = no lineAccept */
    long drop_after; /* ms, -1 = wait for the far end */
    long hold_after; /* ms after connecting to lineHold, -1 = never */
    long hold_for;   /* ms on hold before lineUnhold, -1 = stay on hold */
    const char *digits; /* --digits: DTMF sent once connected */
    unsigned long calls;
    unsigned timeout_s;
    int sip_log;
    char user[128];
};

struct tcall {
    bool used;        /* false once finished (freed when its slot is reused) */
    unsigned slot;    /* its index in calls[] */
    unsigned long no; /* 1, 2, ... in the order calls began */
    HCALL h;
    LONG make_req, answer_req, drop_req, accept_req, hold_req, unhold_req, xfer_req;
    bool offered, connected, disconnected, idle, drop_answered, xfer_answered;
    bool peer_held; /* the far end holds the call (CONNECTED ACTIVEHELD) */
    bool redirecting; /* drop_req is --redirect-to's lineRedirect */
    bool monitoring; /* lineMonitorDigits asked for */
    DWORD disc_mode;
    long long drop_at;   /* monotonic ms, 0 = no drop scheduled */
    long long answer_at; /* monotonic ms, 0 = no answer scheduled (--ring) */
    long long hold_at, unhold_at; /* monotonic ms, 0 = none scheduled (--hold-after/-for) */
    char why[192];     /* first reason the call did not go as asked */
};

/* tools/tapi_sip.c */
extern long long t0; /* now_ms() when the run began */
extern HLINEAPP app;
long long now_ms(void);

/* tools/tapi_sip_args.c: 0, or 2 after a usage error (printed). */
int parse_args(int argc, char **argv, struct opts *o);

/* tools/tapi_sip_line.c: opens the line (lineInitializeEx into app): 0, 1, 2. */
int open_line(const struct opts *o, HLINE *hl);

/* tools/tapi_sip_out.c: the timeline, printed (as JSON with out_json) and
 * kept for the ladder diagram (keep_timeline); hex text; the pictures. */
struct tl_event;
extern bool out_json, keep_timeline;
extern struct tl_event *timeline;
void say(const struct tcall *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hex(char *out, size_t outlen, const unsigned char *p, DWORD len);
/* After the run: the trace as pcap, the ladder diagram.  0 or 1. */
int pictures(const struct opts *o, const char *trace_path);
#endif
