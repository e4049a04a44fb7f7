/* The SIP provider ("sip"): a TAPI line per SIP user agent, built on
 * Sofia-SIP's NUA.  This header is shared by the provider's files and by the
 * tests (which link the static library): the mapping tables of sipmap.c are
 * pure functions, and the counters below let a test wait for the SIP side of
 * a call to finish (a dialog outlives the TAPI call that went IDLE).
 * Nothing here is part of the public API. */
#ifndef OT_SIP_H
#define OT_SIP_H

#include <stdbool.h>
#include <stddef.h>

#include "tapi.h"

/* ---- mapping tables (sipmap.c) ------------------------------------------ */

/* UUI on the wire is RFC 7433 User-to-User with the RFC 7434 isdn-uui
 * package: the octets (protocol discriminator first) as hex. */
#define OT_SIP_UUI_MAX 65536u /* the configuration's largest UUI size */

/* Lower-case hex of len bytes into out (2 * len + 1 bytes with the NUL).
 * Returns the number of characters, or 0 when out is too small. */
size_t ot_sip_hex_encode(const void *data, size_t len, char *out, size_t outlen);
/* Hex text (exactly hexlen characters, even, both cases) into bytes.
 * Returns the byte count, or -1 for odd length, a non-hex character or an
 * output buffer too small. */
long ot_sip_hex_decode(const char *hex, size_t hexlen, unsigned char *out, size_t outlen);

/* The whole header line for SIPTAG_HEADER_STR:
 * "User-to-User: <hex>;encoding=hex;purpose=isdn-uui".  Returns a malloc'd
 * string or NULL (no memory, or len 0). */
char *ot_sip_uui_header(const void *data, size_t len);

enum ot_sip_uui_result {
    OT_SIP_UUI_NONE = 0,  /* no isdn-uui value in this header */
    OT_SIP_UUI_OK = 1,    /* *outn bytes decoded */
    OT_SIP_UUI_MALFORMED, /* bad syntax, bad hex, empty data, unknown encoding */
    OT_SIP_UUI_TOOBIG,    /* valid, but more than outlen bytes (*outn: how many) */
};
/* Parses the value of one User-to-User header (the text after the colon):
 * comma-separated uui-values, each data *(";" param).  The first value whose
 * purpose is isdn-uui (or absent) and whose content is isdn-uui (or absent)
 * decides; its encoding must be hex (or absent, which means hex). */
enum ot_sip_uui_result ot_sip_uui_parse(const char *value, unsigned char *out, size_t outlen,
                                        size_t *outn);

/* The DevSpecific text of a call whose received UUI was dropped for its size
 * (printf format: the bytes received, the line's dwUUICallInfoSize). */
#define OT_SIP_UUI_DROPPED_FMT "UUI dropped: %zu bytes > %u"

/* Reason (RFC 3326): the Q.850 cause of a protocol/cause pair, or -1 when
 * the protocol is not Q.850 or the cause is not a number from 0 to 127. */
int ot_sip_q850_cause(const char *protocol, const char *cause);
/* A Q.850 cause as a LINEDISCONNECTMODE_, or 0 when the cause says nothing
 * more precise than a plain clearing. */
DWORD ot_sip_q850_mode(int cause);
/* A final response to our INVITE (>= 300) as a LINEDISCONNECTMODE_; q850 is
 * the cause of a Reason header in that response, or -1. */
DWORD ot_sip_status_mode(int status, int q850);
/* A final response Sofia-SIP made itself (no peer's): BADADDRESS for
 * "503 DNS Error", UNREACHABLE for any other 503 (no transport, ICMP
 * unreachable, connection or TLS refused) and for 408 (no response at all);
 * 0 for any other status. */
DWORD ot_sip_local_status_mode(int status, const char *phrase);
/* A BYE: NORMAL unless its Q.850 cause says more. */
DWORD ot_sip_bye_mode(int q850);

/* Rejections the provider can send for lineDrop on an offered call, with
 * their phrase and the Q.850 cause that goes in the Reason header. */
struct ot_sip_reject {
    int status;
    const char *phrase;
    int q850;
};
/* The entry for a status, or NULL if the status is not one of them. */
const struct ot_sip_reject *ot_sip_reject_lookup(int status);

/* Q.850 causes the provider sends. */
#define OT_SIP_Q850_NORMAL 16 /* BYE and CANCEL from lineDrop */

/* ---- SDP direction (sipmap.c; siphold.c uses it) -------------------------------------------
 * A media stream's direction as bits, from the point of view of the SDP's
 * sender: sendrecv = SEND | RECV, sendonly = SEND, recvonly = RECV,
 * inactive = 0 (RFC 3264 section 6.1). */
#define OT_SIP_SDP_SEND 1
#define OT_SIP_SDP_RECV 2
/* The direction of the first m= stream of an SDP body of len bytes (no NUL
 * needed): its media-level attribute, else the session-level one, else
 * sendrecv; a connection address 0.0.0.0 (the RFC 2543 way to hold) clears
 * RECV.  -1 when the body is no SDP: it does not start with "v=0", has no
 * m= line, holds a NUL, or a line before the second m= is not "x=...". */
int ot_sip_sdp_direction(const char *sdp, size_t len);
/* The attribute of a direction (0..3): "inactive", "sendonly"... */
const char *ot_sip_sdp_dir_name(int dir);

/* ---- counters (sip.c) ----------------------------------------------------
 * Kept across core restarts; reset only by ot_sip_counters_reset(). */
struct ot_sip_counters {
    unsigned long uui_malformed; /* User-to-User headers ignored: did not parse */
    unsigned long uui_oversized; /* ignored: more than dwUUICallInfoSize bytes */
    unsigned long uui_foreign;   /* ignored: another package (purpose/content not isdn-uui) */
    unsigned long dialogs;       /* SIP calls (NUA handles) alive now */
    unsigned long registered;    /* lines whose registration is current */
    unsigned long register_failed; /* final REGISTER failures */
    unsigned long infos_received;  /* INFO requests that carried UUI */
    /* The CSeq number of the last OPTIONS a line received.  Its event comes
     * after the events of every message received before it, so a test or the
     * SIP fuzzer waits for its own OPTIONS to know those were all handled. */
    unsigned long options_cseq;
    unsigned long refused_busy;     /* INVITEs answered 486: the line had max_calls */
    unsigned long refused_overload; /* INVITEs answered 503: [sip] max_calls or max_invite_rate */
    /* Hold (siphold.c): final responses to our re-INVITEs, counted after the
     * response was handled (its LINE_REPLY posted), and re-INVITEs received
     * in a confirmed dialog, counted after they were answered and reported. */
    unsigned long reinvites_answered;
    unsigned long reinvites_received;
    unsigned long refer_refused;    /* received REFERs refused (400, 403, 501, 603) */
    unsigned long replaces_unmatched; /* INVITEs with Replaces answered 481 */
    unsigned long refers_received;  /* received REFERs accepted (202) */
    /* Our REFERs (sipxfer.c): those the transferee accepted (2xx; counted
     * once the wait for the first NOTIFY runs), and the transfers that
     * failed because no NOTIFY came in time (counted after the LINE_REPLY). */
    unsigned long refers_accepted;
    unsigned long refer_timeouts;
    unsigned long dtmf_received;  /* DTMF INFOs whose digit was reported */
    unsigned long dtmf_malformed; /* DTMF INFOs ignored: their body did not parse */
};
void ot_sip_counters_get(struct ot_sip_counters *out);
void ot_sip_counters_reset(void);
/* Waits until pred(counters, arg) is true; false after timeout_ms. */
bool ot_sip_counters_wait(bool (*pred)(const struct ot_sip_counters *, void *), void *arg,
                          unsigned timeout_ms);

#endif
