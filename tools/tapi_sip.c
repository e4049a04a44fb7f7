/* `tapi answer` and `tapi call`: SIP calls from the command line, on an
 * ad-hoc SIP line (otSetConfig) or a SIP line of OPENTAPI_CONFIG, through the
 * public API only.
 *
 *   tapi answer [--line sip:USER@IP:PORT] [--reject] [--uui HEX] [--drop-after MS] [--calls N]
 *   tapi call   [--line sip:USER@IP:PORT] DEST_URI [--uui HEX] [--drop-after MS] [--calls N]
 *   either: --transfer-to ADDR (lineBlindTransfer once connected)
 *               [--digits STRING] (DTMF once connected; every call prints what it receives)
 *   more options: tapi answer --help (tapi_help_answer_call in tapi.c)
 *
 * answer answers every incoming call (or rejects it: lineDrop while offered),
 * call places calls to DEST_URI one after another.  An answered/connected
 * call is dropped MS ms after it connects (--drop-after), or the tool waits
 * for the far end to hang up.  --uui is sent with the drop or rejection.
 * Both exit after N calls (default 1): 0 when each call went as asked, 1
 * otherwise (or when no call was in progress for --timeout seconds, default
 * 30; 0 waits forever), 2 for a usage error.  A call in progress (offered,
 * dialling, ringing, connected, being cleared) is never ended by --timeout:
 * it ends by --drop-after, by the far end, by SIP's own timers or by a
 * signal.  The timeline goes to stdout, one line
 * per action and message: every LINE_CALLSTATE with its state and mode
 * names, received UUI as hex, and a verdict per call (or one JSON object per
 * line with --json).  --ladder / --svg draw the calls at the end as a ladder
 * diagram: the tool, its SIP line and the far end, with the TAPI functions and
 * messages and, from the SIP message trace, every SIP message.
 *
 * --hold-after MS holds a connected call (lineHold) MS ms after it connects,
 * --hold-for MS takes it off hold that long after the hold succeeded; the far
 * end's hold (CONNECTED ACTIVEHELD) is printed as "held by peer", its end as
 * "resumed by peer".
 *
 * "As asked": answer --reject: the offered call was rejected (our lineDrop
 * took it IDLE); answer --redirect-to ADDR: it was redirected there (our
 * lineRedirect took it IDLE); --transfer-to: the call connected and
 * lineBlindTransfer succeeded (the call IDLE here).  Otherwise: the call
 * connected, every hold and unhold asked for succeeded, and the call ended by
 * our drop or by the far end with DISCONNECTED NORMAL.
 *
 * This file: the calls, the messages and the main loop.  The options are
 * parsed in tapi_sip_args.c, the line opened in tapi_sip_line.c, the
 * timeline printed and drawn in tapi_sip_out.c (declarations: tapi_sip.h). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "opentapi.h"
#include "tapi.h"
#include "tapi_tool.h"
#include "tapi_sip.h"

#define SLICE_MS 200     /* longest single wait: signals are noticed this fast */

static volatile sig_atomic_t stop_signal;
long long t0;
HLINEAPP app;
/* The calls in progress: a table that grows with them (no fixed limit, so no
 * offer is ever left unhandled); a finished call's slot is reused. */
static struct tcall **calls;
static unsigned ncap;
static unsigned long started, finished, failed;

long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_signal(int sig) { stop_signal = sig; }

/* ---- calls ---------------------------------------------------------------------------- */
static struct tcall *call_new(void)
{
    unsigned i = 0;
    while (i < ncap && calls[i] && calls[i]->used)
        i++;
    if (i == ncap) {
        unsigned n = ncap ? ncap * 2 : 64;
        struct tcall **nc = realloc(calls, n * sizeof(*nc));
        if (!nc)
            return NULL;
        memset(nc + ncap, 0, (n - ncap) * sizeof(*nc));
        calls = nc;
        ncap = n;
    }
    struct tcall *c = i < ncap && calls[i] ? calls[i] : calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    memset(c, 0, sizeof(*c));
    c->used = true;
    c->slot = i;
    c->no = ++started;
    calls[i] = c;
    return c;
}

static struct tcall *call_by_handle(HCALL h)
{
    for (unsigned i = 0; i < ncap; i++)
        if (calls[i] && calls[i]->used && calls[i]->h == h && h)
            return calls[i];
    return NULL;
}

static struct tcall *call_by_request(LONG id)
{
    for (unsigned i = 0; i < ncap; i++)
        if (calls[i] && calls[i]->used && id > 0 &&
            (calls[i]->make_req == id || calls[i]->answer_req == id || calls[i]->drop_req == id ||
             calls[i]->accept_req == id || calls[i]->hold_req == id ||
             calls[i]->unhold_req == id || calls[i]->xfer_req == id))
            return calls[i];
    return NULL;
}

/* Why the call failed, in the provider's words (LINECALLINFO's DevSpecific
 * text, e.g. "SIP 503 DNS Error (local)"); "" when it says nothing. */
static void call_cause(HCALL h, char *out, size_t n)
{
    union {
        LINECALLINFO ci;
        unsigned char raw[sizeof(LINECALLINFO) + 2048];
    } u;
    memset(&u, 0, sizeof(u));
    u.ci.dwTotalSize = sizeof(u);
    out[0] = '\0';
    if (lineGetCallInfo(h, &u.ci) == 0 && u.ci.dwDevSpecificSize > 1)
        snprintf(out, n, "%.*s", (int)u.ci.dwDevSpecificSize - 1,
                 (const char *)u.raw + u.ci.dwDevSpecificOffset);
}

static void call_fail(struct tcall *c, const char *why)
{
    if (!c->why[0])
        snprintf(c->why, sizeof(c->why), "%s", why);
}

/* The call is over for the tool: verdict, handle released. */
static void call_finish(struct tcall *c)
{
    if (c->h)
        lineDeallocateCall(c->h);
    if (c->why[0]) {
        failed++;
        say(c, "FAILED: %s", c->why);
    } else
        say(c, "ok");
    finished++;
    c->used = false;
}

/* --hold-after / --hold-for: lineHold or lineUnhold; the state and the reply
 * come as messages. */
static void hold(struct tcall *c, bool on)
{
    LONG r = on ? lineHold(c->h) : lineUnhold(c->h);
    *(on ? &c->hold_at : &c->unhold_at) = 0;
    if (r < 0) {
        say(c, "%s: %s", on ? "lineHold" : "lineUnhold", otErrorName(r));
        call_fail(c, on ? "lineHold failed" : "lineUnhold failed");
        return;
    }
    *(on ? &c->hold_req : &c->unhold_req) = r;
    say(c, "%s -> request %ld", on ? "lineHold" : "lineUnhold", (long)r);
}

static void drop(struct tcall *c, const unsigned char *uui, DWORD len, const char *what)
{
    LONG r = lineDrop(c->h, (LPCSTR)uui, len);
    c->drop_at = c->hold_at = c->unhold_at = 0;
    if (r < 0) {
        say(c, "%s: lineDrop: %s", what, otErrorName(r));
        call_fail(c, "lineDrop failed");
        call_finish(c); /* nothing more will happen to it */
        return;
    }
    c->drop_req = r;
    if (len) {
        char hx[2 * 64 + 1]; /* the first 64 bytes */
        hex(hx, sizeof(hx), uui, len);
        say(c, "%s: lineDrop, UUI %s%s -> request %ld", what, hx, len > 64 ? "..." : "",
            (long)r);
    } else
        say(c, "%s: lineDrop -> request %ld", what, (long)r);
}

static void show_uui(struct tcall *c)
{
    union {
        LINECALLINFO ci;
        unsigned char raw[sizeof(LINECALLINFO) + MAX_UUI + 4096];
    } *u = malloc(sizeof(*u));
    if (!u)
        return;
    memset(&u->ci, 0, sizeof(u->ci));
    u->ci.dwTotalSize = sizeof(*u);
    LONG r = lineGetCallInfo(c->h, &u->ci);
    if (r == 0 && u->ci.dwUserUserInfoSize &&
        (uint64_t)u->ci.dwUserUserInfoOffset + u->ci.dwUserUserInfoSize <= u->ci.dwUsedSize) {
        DWORD n = u->ci.dwUserUserInfoSize;
        char *hx = malloc(2 * (size_t)n + 1);
        if (hx) {
            hex(hx, 2 * (size_t)n + 1, u->raw + u->ci.dwUserUserInfoOffset, n);
            say(c, "  UUI %s (%u bytes)", hx, (unsigned)n);
            free(hx);
        }
        /* Read: let newer UUI (e.g. the drop's) through. */
        lineReleaseUserUserInfo(c->h);
    }
    free(u);
}

static void show_offer(struct tcall *c)
{
    union {
        LINECALLINFO ci;
        unsigned char raw[sizeof(LINECALLINFO) + 2048];
    } u;
    memset(&u, 0, sizeof(u));
    u.ci.dwTotalSize = sizeof(u);
    if (lineGetCallInfo(c->h, &u.ci) != 0)
        return;
    const char *id = "", *name = "";
    if (u.ci.dwCallerIDSize && u.ci.dwCallerIDOffset + u.ci.dwCallerIDSize <= u.ci.dwUsedSize &&
        u.raw[u.ci.dwCallerIDOffset + u.ci.dwCallerIDSize - 1] == '\0')
        id = (const char *)u.raw + u.ci.dwCallerIDOffset;
    if (u.ci.dwCallerIDNameSize &&
        u.ci.dwCallerIDNameOffset + u.ci.dwCallerIDNameSize <= u.ci.dwUsedSize &&
        u.raw[u.ci.dwCallerIDNameOffset + u.ci.dwCallerIDNameSize - 1] == '\0')
        name = (const char *)u.raw + u.ci.dwCallerIDNameOffset;
    say(c, "  from %s%s%s%s", id, name[0] ? " (" : "", name, name[0] ? ")" : "");
}

/* "what -> request N", with the UUI sent (the first 64 bytes as hex). */
static void say_uui(const struct tcall *c, const char *what, const struct hexopt *u, LONG req)
{
    if (u->len) {
        char hx[2 * 64 + 1];
        hex(hx, sizeof(hx), u->p, u->len);
        say(c, "%s, UUI %s%s -> request %ld", what, hx, u->len > 64 ? "..." : "", (long)req);
    } else
        say(c, "%s -> request %ld", what, (long)req);
}

/* --transfer-to: lineBlindTransfer of the connected call; the reply says how
 * it went (the call goes IDLE first when it succeeds). */
static void transfer(const struct opts *o, struct tcall *c)
{
    LONG r = lineBlindTransfer(c->h, o->transfer_to, 0);
    if (r < 0) {
        say(c, "lineBlindTransfer %s: %s", o->transfer_to, otErrorName(r));
        call_fail(c, "lineBlindTransfer failed");
        drop(c, NULL, 0, "clear");
        return;
    }
    c->xfer_req = r;
    say(c, "lineBlindTransfer %s -> request %ld", o->transfer_to, (long)r);
    say(c, "transfer: REFER sent, waiting for its outcome");
}

/* The offered call: answered (with --call-uui's UUI) or rejected. */
static void answer_or_reject(const struct opts *o, struct tcall *c)
{
    c->answer_at = 0;
    if (o->reject) {
        drop(c, o->uui, o->uui_len, "reject");
        return;
    }
    if (o->redirect_to) {
        /* the request that takes the call IDLE, as a drop's would */
        LONG r = lineRedirect(c->h, o->redirect_to, 0);
        if (r < 0) {
            say(c, "lineRedirect %s: %s", o->redirect_to, otErrorName(r));
            call_fail(c, "lineRedirect failed");
            drop(c, NULL, 0, "give up");
            return;
        }
        c->drop_req = r;
        c->redirecting = true;
        say(c, "lineRedirect %s -> request %ld", o->redirect_to, (long)r);
        return;
    }
    LONG r = lineAnswer(c->h, (LPCSTR)o->call_uui.p, o->call_uui.len);
    if (r < 0) {
        say(c, "lineAnswer: %s", otErrorName(r));
        call_fail(c, "lineAnswer failed");
        drop(c, NULL, 0, "give up");
    } else {
        c->answer_req = r;
        say_uui(c, "lineAnswer", &o->call_uui, r);
    }
}

static void on_state(const struct opts *o, struct tcall *c, DWORD state, DWORD mode)
{
    const char *mname = otCallStateModeName(state, mode);
    say(c, "LINE_CALLSTATE %s%s%s", otCallStateName(state), mname[0] ? " " : "", mname);
    if (!c->monitoring && state != LINECALLSTATE_IDLE && state != LINECALLSTATE_DISCONNECTED) {
        /* from the first state on, so that no digit of the far end is missed;
         * a line that detects none says so once */
        c->monitoring = true;
        LONG r = lineMonitorDigits(c->h, LINEDIGITMODE_DTMF);
        if (r)
            say(c, "lineMonitorDigits: %s", otErrorName(r));
    }
    switch (state) {
    case LINECALLSTATE_OFFERING:
        c->offered = true;
        show_offer(c);
        show_uui(c);
        if (o->ring >= 0 || o->ring_uui.len) {
            /* 180 Ringing (with --ring-uui's UUI), then answer after --ring ms */
            LONG r = lineAccept(c->h, (LPCSTR)o->ring_uui.p, o->ring_uui.len);
            if (r < 0) {
                say(c, "lineAccept: %s", otErrorName(r));
                call_fail(c, "lineAccept failed");
            } else {
                c->accept_req = r;
                say_uui(c, "lineAccept", &o->ring_uui, r);
            }
            if (o->ring > 0) {
                c->answer_at = now_ms() + o->ring;
                break;
            }
        }
        answer_or_reject(o, c);
        break;
    case LINECALLSTATE_CONNECTED:
        if (!c->connected && o->transfer_to && !o->reject)
            transfer(o, c);
        else if (!c->connected && o->digits) {
            LONG r = lineGenerateDigits(c->h, LINEDIGITMODE_DTMF, o->digits, 0);
            say(c, "lineGenerateDigits %s -> %s", o->digits, otErrorName(r));
            if (r) {
                call_fail(c, "lineGenerateDigits failed");
                if (o->drop_after >= 0)
                    c->drop_at = now_ms() + o->drop_after;
            } /* else the drop is timed from LINE_GENERATE */
        } else if (!c->connected && o->drop_after >= 0)
            c->drop_at = now_ms() + o->drop_after;
        if (!c->connected && o->hold_after >= 0)
            c->hold_at = now_ms() + o->hold_after;
        if (mode == LINECONNECTEDMODE_ACTIVEHELD && !c->peer_held)
            say(c, "held by peer");
        else if (mode != LINECONNECTEDMODE_ACTIVEHELD && c->peer_held)
            say(c, "resumed by peer");
        c->peer_held = mode == LINECONNECTEDMODE_ACTIVEHELD;
        c->connected = true;
        if (o->reject)
            call_fail(c, "connected although rejected");
        break;
    case LINECALLSTATE_DISCONNECTED:
        c->disconnected = true;
        c->disc_mode = mode;
        c->drop_at = c->answer_at = c->hold_at = c->unhold_at = 0;
        /* A drop already asked for crossed the far end's: as asked. */
        if (!c->drop_req) {
            char why[192], cause[128];
            call_cause(c->h, cause, sizeof(cause));
            if (cause[0]) /* e.g. "failed: SIP 503 DNS Error (local) -> BADADDRESS" */
                snprintf(why, sizeof(why), "%s -> %s", cause, mname);
            else
                snprintf(why, sizeof(why), "the far end ended it: DISCONNECTED %s", mname);
            if (!c->connected || mode != LINEDISCONNECTMODE_NORMAL || o->reject)
                call_fail(c, why);
            drop(c, NULL, 0, "clear");
        }
        break;
    case LINECALLSTATE_IDLE:
        c->idle = true;
        c->drop_at = c->answer_at = c->hold_at = c->unhold_at = 0;
        if (!c->drop_req && !c->disconnected && !c->xfer_req)
            call_fail(c, c->offered ? "the caller abandoned the offer" : "went IDLE");
        break;
    default:
        break;
    }
}

static void on_reply(const struct opts *o, struct tcall *c, LONG id, LONG result)
{
    say(c, "LINE_REPLY request %ld %s", (long)id, otErrorName(result));
    if (id == c->make_req) {
        if (result) {
            call_fail(c, "lineMakeCall failed");
            c->h = 0;
            call_finish(c);
        }
    } else if (id == c->answer_req) {
        if (result)
            call_fail(c, "lineAnswer failed");
    } else if (id == c->accept_req) {
        if (result)
            call_fail(c, "lineAccept failed");
    } else if (id == c->xfer_req) {
        c->xfer_answered = true;
        if (result) {
            say(c, "transfer: failed (%s), the call stays", otErrorName(result));
            call_fail(c, "the transfer failed");
            if (!c->idle && !c->drop_req)
                drop(c, NULL, 0, "clear");
        } else
            say(c, "transfer: done, the call is the transfer target's now");
    } else if (id == c->drop_req) {
        c->drop_answered = true;
        if (result)
            call_fail(c, c->redirecting ? "lineRedirect failed" : "lineDrop failed");
    } else if (id == c->hold_req) {
        if (result)
            call_fail(c, "lineHold failed");
        else if (o->hold_for >= 0 && !c->disconnected && !c->drop_req)
            c->unhold_at = now_ms() + o->hold_for;
    } else if (id == c->unhold_req) {
        if (result)
            call_fail(c, "lineUnhold failed");
    }
}

/* A call is over for the tool once it is IDLE and the drop that took it
 * there (if any) has its reply, or once that drop failed. */
static void maybe_finish(struct tcall *c)
{
    if (c->used && ((c->idle && (!c->drop_req || c->drop_answered) &&
                     (!c->xfer_req || c->xfer_answered)) ||
                    (c->drop_answered && c->why[0])))
        call_finish(c);
}

static void on_message(const struct opts *o, const LINEMESSAGE *m)
{
    switch (m->dwMessageID) {
    case LINE_APPNEWCALL: {
        if (!o->answer || started >= o->calls)
            break; /* not ours to take: left offering, dropped at shutdown */
        struct tcall *c = call_new();
        if (!c) {
            /* Never left ringing unanswered: refused, and counted as failed. */
            say(NULL, "out of memory: call refused");
            lineDrop((HCALL)m->dwParam2, NULL, 0);
            lineDeallocateCall((HCALL)m->dwParam2);
            failed++;
            finished++;
            started++;
            break;
        }
        c->h = (HCALL)m->dwParam2;
        say(c, "LINE_APPNEWCALL");
        break;
    }
    case LINE_CALLSTATE: {
        struct tcall *c = call_by_handle((HCALL)m->hDevice);
        if (!c)
            break;
        on_state(o, c, (DWORD)m->dwParam1, (DWORD)m->dwParam2);
        maybe_finish(c);
        break;
    }
    case LINE_CALLINFO: {
        struct tcall *c = call_by_handle((HCALL)m->hDevice);
        if (c && (m->dwParam1 & LINECALLINFOSTATE_USERUSERINFO)) {
            say(c, "LINE_CALLINFO USERUSERINFO");
            show_uui(c);
        }
        if (c && (m->dwParam1 & LINECALLINFOSTATE_DEVSPECIFIC)) {
            /* a transfer's progress ("transfer: SIP 180 Ringing"), or received
             * UUI the line could not take ("UUI dropped: ...", docs/sip.md) */
            char text[160];
            call_cause(c->h, text, sizeof(text));
            say(c, "LINE_CALLINFO DEVSPECIFIC%s%s", text[0] ? " " : "", text);
            if (!strncmp(text, "UUI dropped", 11))
                say(c, "  warning: %s", text);
        }
        break;
    }
    case LINE_MONITORDIGITS: {
        struct tcall *c = call_by_handle((HCALL)m->hDevice);
        if (c)
            say(c, "LINE_MONITORDIGITS %c", (char)(m->dwParam1 & 0xff));
        break;
    }
    case LINE_GENERATE: {
        struct tcall *c = call_by_handle((HCALL)m->hDevice);
        if (!c)
            break;
        bool done = m->dwParam1 == LINEGENERATETERM_DONE;
        say(c, "LINE_GENERATE %s", done ? "DONE" : "CANCEL");
        if (!done)
            call_fail(c, "the digits were not all sent");
        if (o->drop_after >= 0 && c->connected && !c->disconnected && !c->drop_req)
            c->drop_at = now_ms() + o->drop_after;
        break;
    }
    case LINE_REPLY: {
        struct tcall *c = call_by_request((LONG)m->dwParam1);
        if (!c)
            break; /* lineReleaseUserUserInfo */
        on_reply(o, c, (LONG)m->dwParam1, (LONG)m->dwParam2);
        maybe_finish(c);
        break;
    }
    default:
        break;
    }
}

static bool place_call(const struct opts *o, HLINE hl)
{
    struct tcall *c = call_new();
    if (!c)
        return false;
    LINECALLPARAMS *cp = NULL;
    if (o->call_uui.len) {
        cp = calloc(1, sizeof(LINECALLPARAMS) + o->call_uui.len);
        if (!cp) {
            say(c, "out of memory");
            call_fail(c, "out of memory");
            c->h = 0;
            call_finish(c);
            return true;
        }
        cp->dwTotalSize = (DWORD)(sizeof(LINECALLPARAMS) + o->call_uui.len);
        cp->dwUserUserInfoSize = o->call_uui.len;
        cp->dwUserUserInfoOffset = sizeof(LINECALLPARAMS);
        memcpy((unsigned char *)cp + sizeof(LINECALLPARAMS), o->call_uui.p, o->call_uui.len);
    }
    LONG r = lineMakeCall(hl, &c->h, o->dest, 0, cp);
    free(cp);
    if (r < 0) {
        say(c, "lineMakeCall %s: %s", o->dest, otErrorName(r));
        call_fail(c, "lineMakeCall failed");
        c->h = 0;
        call_finish(c);
        return true;
    }
    c->make_req = r;
    char what[460];
    snprintf(what, sizeof(what), "lineMakeCall %s", o->dest);
    say_uui(c, what, &o->call_uui, r);
    return true;
}

/* Every call in calls[] was started (call_new) and is not finished yet
 * (call_finish frees its slot). */
static unsigned long active_calls(void) { return started - finished; }

static int run(const struct opts *o)
{
    HLINE hl = 0;
    int rc = open_line(o, &hl);
    if (rc)
        return rc;
    /* --timeout counts only while no call is in progress: a connected call
     * waiting for the far end (no --drop-after) is never cut short. */
    long long idle_since = now_ms();
    bool timed_out = false;
    while (finished < o->calls && !stop_signal) {
        if (!o->answer && active_calls() == 0 && started < o->calls)
            place_call(o, hl);
        /* Due drops first, then wait for a message until the next one. */
        long long now = now_ms(), next = now + SLICE_MS;
        for (unsigned i = 0; i < ncap; i++) {
            struct tcall *c = calls[i];
            if (c && c->used && c->answer_at) {
                if (c->answer_at <= now)
                    answer_or_reject(o, c);
                else if (c->answer_at < next)
                    next = c->answer_at;
            }
            if (c && c->used && c->hold_at) {
                if (c->hold_at <= now)
                    hold(c, true);
                else if (c->hold_at < next)
                    next = c->hold_at;
            }
            if (c && c->used && c->unhold_at) {
                if (c->unhold_at <= now)
                    hold(c, false);
                else if (c->unhold_at < next)
                    next = c->unhold_at;
            }
            if (!c || !c->used || !c->drop_at)
                continue;
            if (c->drop_at <= now)
                drop(c, o->uui, o->uui_len, "drop");
            else if (c->drop_at < next)
                next = c->drop_at;
        }
        if (finished >= o->calls)
            break;
        LINEMESSAGE m;
        DWORD wait = (DWORD)(next > now ? next - now : 0);
        if (lineGetMessage(app, &m, wait) == 0) {
            bool busy = active_calls() > 0;
            on_message(o, &m);
            if (busy || active_calls())
                idle_since = now_ms();
            continue;
        }
        if (active_calls()) {
            idle_since = now_ms();
            continue;
        }
        if (o->timeout_s && now_ms() - idle_since > (long long)o->timeout_s * 1000) {
            timed_out = true;
            break;
        }
    }
    if (stop_signal)
        say(NULL, "stopped by signal %d", (int)stop_signal);
    else if (timed_out)
        say(NULL, "timeout: no call in progress for %u s", o->timeout_s);
    unsigned long unfinished = o->calls - finished;
    for (unsigned i = 0; i < ncap; i++) {
        if (calls[i] && calls[i]->used) {
            call_fail(calls[i], "not finished");
            call_finish(calls[i]);
        }
        free(calls[i]);
    }
    free(calls);
    calls = NULL;
    ncap = 0;
    lineShutdown(app);
    otSetConfig(NULL);
    say(NULL, "%lu call%s: %lu ok, %lu failed%s", finished, finished == 1 ? "" : "s",
        finished - failed, failed, unfinished ? ", not all calls happened" : "");
    return failed == 0 && finished == o->calls && !unfinished ? 0 : 1;
}

static int cmd(int argc, char **argv)
{
    struct opts o;
    memset(&o, 0, sizeof(o));
    int rc = parse_args(argc, argv, &o);
    char tmp_trace[] = "/tmp/tapi-trace-XXXXXX";
    const char *trace_path = NULL;
    bool tmp_made = false;
    if (rc == 0) {
        out_json = o.json;
        keep_timeline = o.ladder || o.svg;
        /* The SIP message trace: asked for, or needed for the pcap and the ladder. */
        if (o.trace) {
            FILE *f = fopen(o.trace, "w");
            if (!f) {
                fprintf(stderr, "tapi: %.200s: %s\n", o.trace, strerror(errno));
                rc = 1;
            } else {
                fclose(f);
                trace_path = o.trace;
            }
        } else if (o.pcap || keep_timeline) {
            int fd = mkstemp(tmp_trace);
            if (fd < 0) {
                fprintf(stderr, "tapi: a temporary trace file: %s\n", strerror(errno));
                rc = 1;
            } else {
                close(fd);
                tmp_made = true;
                trace_path = tmp_trace;
            }
        }
        if (trace_path)
            setenv("OPENTAPI_SIP_TRACE", trace_path, 1);
    }
    if (rc == 0) {
        t0 = now_ms();
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        rc = run(&o);
        int prc = pictures(&o, trace_path);
        if (rc == 0)
            rc = prc;
    }
    if (tmp_made)
        unlink(tmp_trace);
    free(timeline);
    free(o.uui);
    free(o.call_uui.p);
    free(o.ring_uui.p);
    return rc;
}

int tapi_cmd_answer(int argc, char **argv) { return cmd(argc, argv); }
int tapi_cmd_call(int argc, char **argv) { return cmd(argc, argv); }
