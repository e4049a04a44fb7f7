/* Internal to the call-centre functions (agentapi.c: the agent functions and
 * their requests) and their proxies (proxy.c: registration, lineProxyResponse,
 * lineProxyMessage, lineGetProxyStatus).  Everything here is guarded by the
 * core lock. */
#ifndef OT_CORE_PROXY_H
#define OT_CORE_PROXY_H

#include "ot.h"
#include "rpc.h"

#define OT_PROXY_TYPE_MAX LINEPROXYREQUEST_SETAGENTSTATEEX
/* A structure the proxy fills gets at most this much room (its dwNeededSize
 * tells the application when that is not enough); with the request's header
 * and strings it stays within what the service's protocol carries back in
 * one argument (OT_RPC_MAX_BUFFER). */
#define OT_PROXY_IO_MAX (OT_RPC_MAX_BUFFER - 8192u)
/* The bounds on pending requests (docs/robustness.md), the [proxy] section of
 * the configuration: what one application may have pending at proxies
 * (max_app_requests) and what one proxy may have pending (max_requests).  An
 * agent function past either fails at once with LINEERR_RESOURCEUNAVAIL:
 * nothing is built, queued or sent.  A request counts until the proxy answers
 * it or closes; the application's count goes with the application. */
#define OT_PROXY_APP_REQUESTS 64u
#define OT_PROXY_REQUESTS 1024u
#define OT_PROXY_REQUESTS_LIMIT 65536u /* the most either may be set to */
#define OT_API_2_0 0x00020000u
#define OT_API_2_2 0x00020002u

/* One request given to a proxy and not answered yet. */
struct preq {
    struct ot_list link;
    LINEPROXYREQUEST *buf;
    HLINE proxy;          /* the proxy's open */
    struct ot_req *req;   /* the application's request: its LINE_REPLY */
    HLINEAPP app;         /* the application that made it (its proxy_requests) */
    struct ot_open *at;   /* the proxy's open (its proxy_pending; it outlives q) */
    size_t io_off;        /* structure (or AgentSpecific parameters) copied back */
    DWORD io_len;         /* its room in buf */
    DWORD io_fixed;       /* fixed part of the structure */
    bool io_raw;          /* parameters without a TAPI header (lineAgentSpecific) */
    void *out;            /* the application's structure or parameters */
    DWORD out_total;      /* its size (dwTotalSize, or dwSize) */
    DWORD *out_handle;    /* lphAgent / lphAgentSession */
    size_t handle_off;    /* where the proxy wrote it */
};

/* Every pending request, oldest first (proxy.c owns it: lineProxyResponse
 * finds a request's pointer here before reading anything through it). */
OT_HIDDEN extern struct ot_list ot_proxy_pending;
/* The proxy of a request type on a line: the first open that registered. */
OT_HIDDEN struct ot_open *ot_proxy_find(struct ot_linedev *ld, DWORD type);
/* 0 when app may give proxy one more request, else LINEERR_RESOURCEUNAVAIL
 * (the bounds above). */
OT_HIDDEN LONG ot_proxy_admit(const struct ot_app *app, const struct ot_open *proxy);
/* A new pending request q of app at proxy: on ot_proxy_pending, counted. */
OT_HIDDEN void ot_proxy_add(struct preq *q, struct ot_app *app, struct ot_open *proxy);

#endif
