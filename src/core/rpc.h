/* The telephony service's wire protocol (docs/service.md): frames on a Unix
 * stream socket between libopentapi in client mode (client.c) and tapisrv
 * (src/server/).  One table, OT_RPC_FUNCTIONS, says for every tapi.h function
 * that travels which argument kinds it takes; the encoder (client) and the
 * decoder (server) are driven by it, so adding a function is one row.
 *
 * Invariants: the decoder never trusts a length, size, offset or handle that
 * came from the peer: every read is bounds-checked against the frame, every
 * size against the protocol's limits, and a frame that fails is malformed (the
 * server closes that connection, nothing else). */
#ifndef OT_CORE_RPC_H
#define OT_CORE_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tapi.h"

#define OT_RPC_MAGIC 0x5041544fu /* "OTAP" little-endian */
#define OT_RPC_VERSION 1u

/* Limits (the protocol's, documented in docs/service.md). */
#define OT_RPC_MAX_FRAME (2u * 1024u * 1024u) /* payload bytes of one frame */
#define OT_RPC_MAX_STRING 65536u              /* an LPCSTR argument, without its NUL */
#define OT_RPC_MAX_BUFFER (1024u * 1024u)     /* a sized buffer, in or out structure */
#define OT_RPC_MAX_ARGS 12
#define OT_RPC_MAX_ARRAY 64u /* elements of a T or M array (lines take at most 8) */

/* Frame: header (12 bytes, little-endian as the host: the socket is local),
 * then len bytes of payload. */
struct ot_rpc_hdr {
    uint32_t len;  /* payload bytes */
    uint16_t type; /* enum ot_rpc_type */
    uint16_t fn;   /* function (CALL, RESULT) */
    uint32_t seq;  /* the client's number of a CALL, echoed by its RESULT */
};

enum ot_rpc_type {
    OT_RPC_HELLO = 1,  /* c->s: magic, version; s->c: magic, version, server pid */
    OT_RPC_CALL = 2,   /* c->s: fn, seq, arguments */
    OT_RPC_RESULT = 3, /* s->c: seq, LONG result, out arguments */
    OT_RPC_MSG = 4,    /* s->c: one LINEMESSAGE for one application */
    OT_RPC_FORGET = 5, /* s->c: the request made by CALL seq will get no LINE_REPLY */
};

/* Argument kinds (one character each in a signature):
 *   u  DWORD                     p  DWORD_PTR (callback instance, 64 bits)
 *   a  HLINEAPP                  d  device ID (the server maps it to its own)
 *   l  HLINE                     c  HCALL          f  HCALL of a conference
 *   k  HCALL of a consultation   s  LPCSTR, NULL allowed
 *   b  buffer whose size is the next argument (a u), NULL allowed
 *   P  LPLINECALLPARAMS in (dwTotalSize bytes), NULL allowed
 *   V  variable-size structure out (dwTotalSize read, filled on success)
 *   o  LPDWORD out      h  LPHLINE out      x  LPLINEEXTENSIONID out
 *   X  a 16-byte structure in (LPLINEEXTENSIONID, LPLINEDIALPARAMS), NULL allowed
 *   H  LPHCALL written when the request's LINE_REPLY says success
 *   Q  LPLINEREQMAKECALL out (lineGetRequest: a fixed-size request buffer)
 *   g  lineGatherDigits' buffer: only whether it is NULL travels; the digits
 *      come back with the LINE_GATHERDIGITS message (client.c)
 *   T  LINEGENERATETONE array whose count is the argument before it (a u),
 *   M  LINEMONITORTONE array whose count is the argument after it (a u): at most OT_RPC_MAX_ARRAY elements travel, NULL allowed
 *   G  variable-size structure out, filled when the request completes (the
 *      agent functions): dwTotalSize read; the LINE_REPLY's MSG carries it
 *   Y  buffer in and out whose size is the next argument, written back when the
 *      request completes (lineAgentSpecific): sent as a b; the LINE_REPLY's MSG
 *      carries it back
 * Flags after the name: OT_RPC_NEEDS_OWNER means the caller must have the
 * owner right on the line of the first handle (it creates, takes or routes
 * calls, or changes the line: lineForward, lineSetLineDevStatus,
 * lineUncompleteCall). */
#define OT_RPC_NEEDS_OWNER 1u

/* name, signature, flags, then the call made by the server with the decoded
 * arguments a[0..]. */
#define OT_RPC_FUNCTIONS(X)                                                                      \
    X(lineNegotiateAPIVersion, "aduuox", 0,                                                      \
      (HLINEAPP)a[0], (DWORD)a[1], (DWORD)a[2], (DWORD)a[3], (LPDWORD)a[4],                      \
      (LPLINEEXTENSIONID)a[5])                                                                   \
    X(lineGetDevCaps, "aduuV", 0, (HLINEAPP)a[0], (DWORD)a[1], (DWORD)a[2], (DWORD)a[3],         \
      (LPLINEDEVCAPS)a[4])                                                                       \
    X(lineGetAddressCaps, "aduuuV", 0, (HLINEAPP)a[0], (DWORD)a[1], (DWORD)a[2], (DWORD)a[3],    \
      (DWORD)a[4], (LPLINEADDRESSCAPS)a[5])                                                      \
    X(lineGetAddressStatus, "luV", 0, (HLINE)a[0], (DWORD)a[1], (LPLINEADDRESSSTATUS)a[2])       \
    X(lineGetLineDevStatus, "lV", 0, (HLINE)a[0], (LPLINEDEVSTATUS)a[1])                         \
    X(lineGetAddressID, "loubu", 0, (HLINE)a[0], (LPDWORD)a[1], (DWORD)a[2], (LPCSTR)a[3],       \
      (DWORD)a[4])                                                                               \
    X(lineSetStatusMessages, "luu", 0, (HLINE)a[0], (DWORD)a[1], (DWORD)a[2])                    \
    X(lineGetStatusMessages, "loo", 0, (HLINE)a[0], (LPDWORD)a[1], (LPDWORD)a[2])                \
    X(lineOpen, "adhuupuuP", 0, (HLINEAPP)a[0], (DWORD)a[1], (LPHLINE)a[2], (DWORD)a[3],         \
      (DWORD)a[4], (DWORD_PTR)a[5], (DWORD)a[6], (DWORD)a[7], (LPLINECALLPARAMS)a[8])            \
    X(lineClose, "l", 0, (HLINE)a[0])                                                            \
    X(lineMakeCall, "lHsuP", OT_RPC_NEEDS_OWNER, (HLINE)a[0], (LPHCALL)a[1], (LPCSTR)a[2],       \
      (DWORD)a[3], (LPLINECALLPARAMS)a[4])                                                       \
    X(lineDial, "csu", 0, (HCALL)a[0], (LPCSTR)a[1], (DWORD)a[2])                                \
    X(lineAccept, "cbu", 0, (HCALL)a[0], (LPCSTR)a[1], (DWORD)a[2])                              \
    X(lineAnswer, "cbu", 0, (HCALL)a[0], (LPCSTR)a[1], (DWORD)a[2])                              \
    X(lineDrop, "cbu", 0, (HCALL)a[0], (LPCSTR)a[1], (DWORD)a[2])                                \
    X(lineDeallocateCall, "c", 0, (HCALL)a[0])                                                   \
    X(lineGetCallInfo, "cV", 0, (HCALL)a[0], (LPLINECALLINFO)a[1])                               \
    X(lineGetCallStatus, "cV", 0, (HCALL)a[0], (LPLINECALLSTATUS)a[1])                           \
    X(lineSetCallPrivilege, "cu", 0, (HCALL)a[0], (DWORD)a[1])                                   \
    X(lineSetAppSpecific, "cu", 0, (HCALL)a[0], (DWORD)a[1])                                     \
    X(lineGetNewCalls, "luuV", 0, (HLINE)a[0], (DWORD)a[1], (DWORD)a[2], (LPLINECALLLIST)a[3])   \
    X(lineSendUserUserInfo, "cbu", 0, (HCALL)a[0], (LPCSTR)a[1], (DWORD)a[2])                    \
    X(lineReleaseUserUserInfo, "c", 0, (HCALL)a[0])                                              \
    X(lineHold, "c", 0, (HCALL)a[0])                                                             \
    X(lineUnhold, "c", 0, (HCALL)a[0])                                                           \
    X(lineSetupConference, "clHHuP", OT_RPC_NEEDS_OWNER, (HCALL)a[0], (HLINE)a[1],               \
      (LPHCALL)a[2], (LPHCALL)a[3], (DWORD)a[4], (LPLINECALLPARAMS)a[5])                         \
    X(linePrepareAddToConference, "fHP", OT_RPC_NEEDS_OWNER, (HCALL)a[0], (LPHCALL)a[1],         \
      (LPLINECALLPARAMS)a[2])                                                                    \
    X(lineAddToConference, "fk", 0, (HCALL)a[0], (HCALL)a[1])                                    \
    X(lineRemoveFromConference, "c", 0, (HCALL)a[0])                                             \
    X(lineGetConfRelatedCalls, "cV", 0, (HCALL)a[0], (LPLINECALLLIST)a[1])                       \
    X(lineSetupTransfer, "cHP", OT_RPC_NEEDS_OWNER, (HCALL)a[0], (LPHCALL)a[1],                  \
      (LPLINECALLPARAMS)a[2])                                                                    \
    X(lineCompleteTransfer, "ckHu", 0, (HCALL)a[0], (HCALL)a[1], (LPHCALL)a[2], (DWORD)a[3])     \
    X(lineBlindTransfer, "csu", 0, (HCALL)a[0], (LPCSTR)a[1], (DWORD)a[2])                        \
    X(lineGetID, "lucuVs", 0, (HLINE)a[0], (DWORD)a[1], (HCALL)a[2], (DWORD)a[3],                \
      (LPVARSTRING)a[4], (LPCSTR)a[5])                                                           \
    X(lineGetProviderList, "uV", 0, (DWORD)a[0], (LPLINEPROVIDERLIST)a[1])                       \
    X(lineGetAppPriority, "suXuVo", 0, (LPCSTR)a[0], (DWORD)a[1], (LPLINEEXTENSIONID)a[2],       \
      (DWORD)a[3], (LPVARSTRING)a[4], (LPDWORD)a[5])                                             \
    X(lineSetAppPriority, "suXusu", 0, (LPCSTR)a[0], (DWORD)a[1], (LPLINEEXTENSIONID)a[2],       \
      (DWORD)a[3], (LPCSTR)a[4], (DWORD)a[5])                                                    \
    X(lineSetNumRings, "luu", 0, (HLINE)a[0], (DWORD)a[1], (DWORD)a[2])                          \
    X(lineGetNumRings, "luo", 0, (HLINE)a[0], (DWORD)a[1], (LPDWORD)a[2])                        \
    X(lineGetDevConfig, "dVs", 0, (DWORD)a[0], (LPVARSTRING)a[1], (LPCSTR)a[2])                  \
    X(lineSetDevConfig, "dbus", 0, (DWORD)a[0], (LPVOID)a[1], (DWORD)a[2], (LPCSTR)a[3])         \
    X(lineSetCallData, "cbu", 0, (HCALL)a[0], (LPVOID)a[1], (DWORD)a[2])                         \
    X(lineSetCallParams, "cuuuX", 0, (HCALL)a[0], (DWORD)a[1], (DWORD)a[2], (DWORD)a[3],         \
      (LPLINEDIALPARAMS)a[4])                                                                    \
    X(lineSetMediaMode, "cu", 0, (HCALL)a[0], (DWORD)a[1])                                       \
    X(lineSetCallTreatment, "cu", 0, (HCALL)a[0], (DWORD)a[1])                                   \
    X(lineHandoff, "csu", 0, (HCALL)a[0], (LPCSTR)a[1], (DWORD)a[2])                             \
    X(lineRegisterRequestRecipient, "auuu", 0, (HLINEAPP)a[0], (DWORD)a[1], (DWORD)a[2],         \
      (DWORD)a[3])                                                                               \
    X(lineGetRequest, "auQ", 0, (HLINEAPP)a[0], (DWORD)a[1], (LPVOID)a[2])                       \
    X(lineGetAgentStatus, "luG", 0, (HLINE)a[0], (DWORD)a[1], (LPLINEAGENTSTATUS)a[2])            \
    X(lineGetAgentActivityList, "luG", 0, (HLINE)a[0], (DWORD)a[1],                              \
      (LPLINEAGENTACTIVITYLIST)a[2])                                                             \
    X(lineGetAgentGroupList, "luG", 0, (HLINE)a[0], (DWORD)a[1], (LPLINEAGENTGROUPLIST)a[2])     \
    X(lineGetGroupList, "lG", 0, (HLINE)a[0], (LPLINEAGENTGROUPLIST)a[1])                         \
    X(lineGetAgentInfo, "luG", 0, (HLINE)a[0], (HAGENT)a[1], (LPLINEAGENTINFO)a[2])               \
    X(lineGetAgentSessionInfo, "luG", 0, (HLINE)a[0], (HAGENTSESSION)a[1],                       \
      (LPLINEAGENTSESSIONINFO)a[2])                                                              \
    X(lineGetAgentSessionList, "luG", 0, (HLINE)a[0], (HAGENT)a[1], (LPLINEAGENTSESSIONLIST)a[2]) \
    X(lineGetQueueInfo, "luG", 0, (HLINE)a[0], (DWORD)a[1], (LPLINEQUEUEINFO)a[2])                \
    X(lineGetQueueList, "lXG", 0, (HLINE)a[0], (LPGUID)a[1], (LPLINEQUEUELIST)a[2])               \
    X(lineGetAgentCaps, "aduuG", 0, (HLINEAPP)a[0], (DWORD)a[1], (DWORD)a[2], (DWORD)a[3],        \
      (LPLINEAGENTCAPS)a[4])                                                                     \
    X(lineSetAgentState, "luuu", 0, (HLINE)a[0], (DWORD)a[1], (DWORD)a[2], (DWORD)a[3])           \
    X(lineSetAgentStateEx, "luuu", 0, (HLINE)a[0], (HAGENT)a[1], (DWORD)a[2], (DWORD)a[3])        \
    X(lineSetAgentActivity, "luu", 0, (HLINE)a[0], (DWORD)a[1], (DWORD)a[2])                      \
    X(lineSetAgentGroup, "luP", 0, (HLINE)a[0], (DWORD)a[1], (LPLINEAGENTGROUPLIST)a[2])          \
    X(lineSetAgentMeasurementPeriod, "luu", 0, (HLINE)a[0], (HAGENT)a[1], (DWORD)a[2])            \
    X(lineSetQueueMeasurementPeriod, "luu", 0, (HLINE)a[0], (DWORD)a[1], (DWORD)a[2])             \
    X(lineSetAgentSessionState, "luuu", 0, (HLINE)a[0], (HAGENTSESSION)a[1], (DWORD)a[2],         \
      (DWORD)a[3])                                                                               \
    X(lineCreateAgent, "lssH", 0, (HLINE)a[0], (LPSTR)a[1], (LPSTR)a[2], (LPHAGENT)a[3])          \
    X(lineCreateAgentSession, "lusuXH", 0, (HLINE)a[0], (HAGENT)a[1], (LPSTR)a[2], (DWORD)a[3],   \
      (LPGUID)a[4], (LPHAGENTSESSION)a[5])                                                       \
    X(lineAgentSpecific, "luuYu", 0, (HLINE)a[0], (DWORD)a[1], (DWORD)a[2], (LPVOID)a[3],         \
      (DWORD)a[4])                                                                               \
    X(lineProxyMessage, "luuuuu", 0, (HLINE)a[0], (HCALL)a[1], (DWORD)a[2], (DWORD)a[3],          \
      (DWORD)a[4], (DWORD)a[5])                                                                  \
    /* lineProxyResponse of a client: its copy of the request goes back */                      \
    X(ot_proxy_response_remote, "lpbuu", 0, (HLINE)a[0], (DWORD_PTR)a[1], (const void *)a[2],     \
      (DWORD)a[3], (DWORD)a[4])                                                                  \
    X(lineGetProxyStatus, "aduV", 0, (HLINEAPP)a[0], (DWORD)a[1], (DWORD)a[2],                   \
      (LPLINEPROXYREQUESTLIST)a[3])                                                              \
    X(tapiRequestMakeCall, "ssss", 0, (LPCSTR)a[0], (LPCSTR)a[1], (LPCSTR)a[2], (LPCSTR)a[3])  \
    X(lineSetLineDevStatus, "luu", OT_RPC_NEEDS_OWNER, (HLINE)a[0], (DWORD)a[1],                 \
      (DWORD)a[2])                                                                               \
    X(lineGenerateDigits, "cusu", 0, (HCALL)a[0], (DWORD)a[1], (LPCSTR)a[2], (DWORD)a[3])       \
    X(lineGenerateTone, "cuuuT", 0, (HCALL)a[0], (DWORD)a[1], (DWORD)a[2], (DWORD)a[3],          \
      (LPLINEGENERATETONE)a[4])                                                                  \
    X(lineMonitorDigits, "cu", 0, (HCALL)a[0], (DWORD)a[1])                                      \
    X(lineMonitorTones, "cMu", 0, (HCALL)a[0], (LPLINEMONITORTONE)a[1], (DWORD)a[2])             \
    X(lineMonitorMedia, "cu", 0, (HCALL)a[0], (DWORD)a[1])                                       \
    X(lineGatherDigits, "cugusuu", 0, (HCALL)a[0], (DWORD)a[1], (LPSTR)a[2], (DWORD)a[3],        \
      (LPCSTR)a[4], (DWORD)a[5], (DWORD)a[6])                                                   \
    OT_RPC_ROUTING(X)

/* The routing functions (routeapi.c, forward.c).  linePark's VARSTRING and
 * lineCompleteCall's completion id are filled when the request is made, so
 * their outs travel with a request id too (ot_rpc_encode_outs). */
#define OT_RPC_ROUTING(X)                                                                        \
    X(lineForward, "luuPuHP", OT_RPC_NEEDS_OWNER, (HLINE)a[0], (DWORD)a[1], (DWORD)a[2],         \
      (LPLINEFORWARDLIST)a[3], (DWORD)a[4], (LPHCALL)a[5], (LPLINECALLPARAMS)a[6])               \
    X(lineRedirect, "csu", 0, (HCALL)a[0], (LPCSTR)a[1], (DWORD)a[2])                            \
    X(linePark, "cusV", 0, (HCALL)a[0], (DWORD)a[1], (LPCSTR)a[2], (LPVARSTRING)a[3])            \
    X(lineUnpark, "luHs", OT_RPC_NEEDS_OWNER, (HLINE)a[0], (DWORD)a[1], (LPHCALL)a[2],           \
      (LPCSTR)a[3])                                                                              \
    X(linePickup, "luHss", OT_RPC_NEEDS_OWNER, (HLINE)a[0], (DWORD)a[1], (LPHCALL)a[2],          \
      (LPCSTR)a[3], (LPCSTR)a[4])                                                                \
    X(lineSwapHold, "cc", 0, (HCALL)a[0], (HCALL)a[1])                                           \
    X(lineCompleteCall, "couu", 0, (HCALL)a[0], (LPDWORD)a[1], (DWORD)a[2], (DWORD)a[3])         \
    X(lineUncompleteCall, "lu", OT_RPC_NEEDS_OWNER, (HLINE)a[0], (DWORD)a[1])                    \
    X(lineSecureCall, "c", 0, (HCALL)a[0])

enum ot_rpc_fn {
#define OT_RPC_ENUM(name, sig, flags, ...) OT_RPC_##name,
    OT_RPC_FUNCTIONS(OT_RPC_ENUM)
#undef OT_RPC_ENUM
    OT_RPC_FN_COUNT,
    /* functions with their own code on both ends */
    OT_RPC_INITIALIZE = 200, /* s name, u api version -> server HLINEAPP, device count */
    OT_RPC_SHUTDOWN,         /* a */
    OT_RPC_STATS,            /* -> OTSTATS of the service */
    OT_RPC_CHECK,            /* u kind (1 line, 2 call, 3 device), u handle -> 0 or LINEERR_* */
};

struct ot_rpc_fninfo {
    const char *name;
    const char *sig;
    unsigned flags;
};
extern const struct ot_rpc_fninfo ot_rpc_fns[OT_RPC_FN_COUNT];

/* ---- byte cursors ---- */
struct ot_wbuf { /* growable output */
    unsigned char *data;
    size_t len, cap;
    bool failed; /* out of memory */
};
void ot_wbuf_put(struct ot_wbuf *w, const void *p, size_t n);
void ot_wbuf_u32(struct ot_wbuf *w, uint32_t v);
void ot_wbuf_u64(struct ot_wbuf *w, uint64_t v);
/* Starts a frame; ot_wbuf_end_frame() writes its length. Returns the offset. */
size_t ot_wbuf_begin_frame(struct ot_wbuf *w, uint16_t type, uint16_t fn, uint32_t seq);
void ot_wbuf_end_frame(struct ot_wbuf *w, size_t start);
void ot_wbuf_free(struct ot_wbuf *w);

struct ot_rbuf { /* bounds-checked input */
    const unsigned char *p;
    size_t left;
    bool bad; /* a read went past the end, or a value was out of range */
};
uint32_t ot_rbuf_u32(struct ot_rbuf *r);
uint64_t ot_rbuf_u64(struct ot_rbuf *r);
const unsigned char *ot_rbuf_take(struct ot_rbuf *r, size_t n);

#define OT_RPC_NULL 0xffffffffu /* length of a NULL pointer argument */

/* ---- the server's decoding of one CALL ----
 * Decoded arguments live in the decode context until ot_rpc_args_free(). */
struct ot_rpc_args {
    uintptr_t a[OT_RPC_MAX_ARGS];
    unsigned n;
    void *owned[OT_RPC_MAX_ARGS]; /* buffers the context allocated */
    DWORD outs[OT_RPC_MAX_ARGS][4]; /* o, h, x outs (x: 16 bytes) */
    DWORD vb_total[OT_RPC_MAX_ARGS]; /* V: the client's dwTotalSize */
    DWORD hcall[OT_RPC_MAX_ARGS];    /* H: where the core writes the new handle */
};
/* Decodes the arguments of function fn from the payload; 0 or -1 (malformed).
 * Handle arguments are returned as sent: the caller checks whose they are. */
int ot_rpc_decode_args(unsigned fn, struct ot_rbuf *in, struct ot_rpc_args *out);
void ot_rpc_args_free(struct ot_rpc_args *args);
/* Encodes the out arguments of a completed call (after its result). */
void ot_rpc_encode_outs(unsigned fn, const struct ot_rpc_args *args, LONG result,
                        struct ot_wbuf *w);

/* ---- the client's side ---- */
/* Encodes the arguments; returns 0, or a LINEERR_* for an argument the protocol
 * cannot carry (a buffer over OT_RPC_MAX_BUFFER, a string over OT_RPC_MAX_STRING). */
LONG ot_rpc_encode_args(unsigned fn, const uintptr_t *a, struct ot_wbuf *w,
                        uint32_t (*map_app)(uint32_t local));
/* Writes the out arguments of a RESULT into the caller's pointers. -1: malformed. */
int ot_rpc_decode_outs(unsigned fn, const uintptr_t *a, LONG result, struct ot_rbuf *in);

/* Client mode (client.c).  ot_client_active(): this process talks to a server. */
bool ot_client_active(void);
LONG ot_client_call(unsigned fn, const uintptr_t *a);
/* lineGatherDigits in client mode: the buffer is remembered here and filled
 * from the LINE_GATHERDIGITS message that ends the gathering. */
LONG ot_client_gather(HCALL h, DWORD modes, LPSTR buf, DWORD num, LPCSTR term, DWORD first,
                      DWORD inter);
void ot_client_disable(void); /* the server: never a client */
bool ot_client_disabled(void);
LONG ot_client_open_app(const char *address, LPCSTR name, DWORD api, HLINEAPP *remote,
                        DWORD *ndevs);
LONG ot_client_bind_app(HLINEAPP local, HLINEAPP remote);
void ot_client_close_app(HLINEAPP local, HLINEAPP remote);
LONG ot_client_shutdown(HLINEAPP local);
struct otstats_tag;
LONG ot_client_stats(struct otstats_tag *st);
/* Is this handle (kind 1 HLINE, 2 HCALL, 3 device ID) one of the service's for
 * this process?  0, or the LINEERR_* the core would give. */
LONG ot_client_check(unsigned kind, DWORD handle);
/* lineProxyResponse of a client proxy: its copy of the request goes back. */
LONG ot_client_proxy_response(HLINE hLine, LPLINEPROXYREQUEST req, DWORD result);
/* lineClose / lineShutdown of a client: its copies of proxy requests go
 * (line 0: every copy of application app; app 0: of the line). */
void ot_client_proxy_forget(HLINEAPP app, HLINE line);

/* The hook at the top of every public function that travels. */
#define OT_RPC_CAST_(x) (uintptr_t)(x)
#define OT_RPC_MAP1_(m, x) m(x)
#define OT_RPC_MAP2_(m, x, ...) m(x), OT_RPC_MAP1_(m, __VA_ARGS__)
#define OT_RPC_MAP3_(m, x, ...) m(x), OT_RPC_MAP2_(m, __VA_ARGS__)
#define OT_RPC_MAP4_(m, x, ...) m(x), OT_RPC_MAP3_(m, __VA_ARGS__)
#define OT_RPC_MAP5_(m, x, ...) m(x), OT_RPC_MAP4_(m, __VA_ARGS__)
#define OT_RPC_MAP6_(m, x, ...) m(x), OT_RPC_MAP5_(m, __VA_ARGS__)
#define OT_RPC_MAP7_(m, x, ...) m(x), OT_RPC_MAP6_(m, __VA_ARGS__)
#define OT_RPC_MAP8_(m, x, ...) m(x), OT_RPC_MAP7_(m, __VA_ARGS__)
#define OT_RPC_MAP9_(m, x, ...) m(x), OT_RPC_MAP8_(m, __VA_ARGS__)
#define OT_RPC_NTH_(_1, _2, _3, _4, _5, _6, _7, _8, _9, N, ...) N
#define OT_RPC_MAP_(m, ...)                                                                      \
    OT_RPC_NTH_(__VA_ARGS__, OT_RPC_MAP9_, OT_RPC_MAP8_, OT_RPC_MAP7_, OT_RPC_MAP6_,            \
                OT_RPC_MAP5_, OT_RPC_MAP4_, OT_RPC_MAP3_, OT_RPC_MAP2_, OT_RPC_MAP1_)           \
    (m, __VA_ARGS__)
#define OT_REMOTE(name, ...)                                                                     \
    do {                                                                                         \
        if (ot_client_active()) {                                                                \
            const uintptr_t ot_rpc_a_[] = {OT_RPC_MAP_(OT_RPC_CAST_, __VA_ARGS__)};              \
            return ot_client_call(OT_RPC_##name, ot_rpc_a_);                                      \
        }                                                                                        \
    } while (0)

#endif
