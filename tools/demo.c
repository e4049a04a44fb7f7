/* `tapi demo`: scripted scenarios on the embedded switch, printed as a
 * timeline.  Every action an application takes is a line starting with its
 * name; under it, indented, every message each application received because of
 * it, in the order received.  Call handles are shown as name#n labels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentapi.h"
#include "tapi.h"
#include "tapi_tool.h"

#define MAX_APPS 6
#define MAX_LABELS 32

struct dapp {
    const char *name;
    HLINEAPP h;
    HLINE line;
    DWORD dev;
    HCALL labels[MAX_LABELS];
    unsigned nlabels;
};

static struct dapp apps[MAX_APPS];
static unsigned napps;
static bool failed;            /* this scenario did not go as scripted */
static const char *allowed;    /* its unusual results that are part of the script */
static const char *sc_name;    /* the scenario running */
static jmp_buf abort_scenario; /* an application could not start: nothing more to show */
static bool init_failed;       /* lineInitializeEx failed: stop the demo */
static bool opt_json, opt_ladder, print_ladder; /* opt_ladder: record the diagrams */

/* ---- output: the timeline (text or JSON) and the ladder diagram ---- */
static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        s[--n] = '\0';
}

static void json_event(const char *kind, const char *from, const char *to, const char *text)
{
    printf("{\"scenario\":");
    json_str(stdout, sc_name);
    printf(",\"kind\":\"%s\"", kind);
    if (from) {
        printf(",\"from\":");
        json_str(stdout, from);
    }
    if (to) {
        printf(",\"to\":");
        json_str(stdout, to);
    }
    printf(",\"text\":");
    json_str(stdout, text);
    printf("}\n");
}

/* An unusual result (an error, a disconnect other than NORMAL): part of the
 * script when the scenario lists it, otherwise the scenario failed. */
static void check_result(const char *what)
{
    size_t n = strlen(what);
    for (const char *p = allowed ? strstr(allowed, what) : NULL; p; p = strstr(p + 1, what))
        if ((p == allowed || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return;
    failed = true;
    if (opt_json)
        json_event("unexpected", NULL, NULL, what);
    else
        printf("  !! unexpected in this scenario: %s\n", what);
    longjmp(abort_scenario, 2); /* what follows in the script would make no sense */
}

/* An application's action (a TAPI call and its result). */
static void out_action(const struct dapp *a, const char *text)
{
    if (opt_json)
        json_event("action", a->name, "switch", text);
    else
        printf("  %-6s %s\n", a->name, text);
    if (opt_ladder)
        ladder_event(a->name, "switch", "%s", text);
}

/* A message the switch (the library) queued for an application. */
static void out_message(const struct dapp *a, const char *text)
{
    if (opt_json)
        json_event("message", "switch", a->name, text);
    else
        printf("      %-6s %s\n", a->name, text);
    if (opt_ladder)
        ladder_event("switch", a->name, "%s", text);
}

static const char *label(struct dapp *a, HCALL h)
{
    static char buf[4][40];
    static unsigned turn;
    char *b = buf[turn++ % 4];
    if (!h)
        return "NULL";
    for (unsigned i = 0; i < a->nlabels; i++)
        if (a->labels[i] == h) {
            snprintf(b, 40, "%s#%u", a->name, i + 1);
            return b;
        }
    if (a->nlabels < MAX_LABELS) {
        a->labels[a->nlabels++] = h;
        snprintf(b, 40, "%s#%u", a->name, a->nlabels);
        return b;
    }
    snprintf(b, 40, "%08x", (unsigned)h);
    return b;
}

static void hexdump(char *out, size_t n, const unsigned char *p, DWORD len)
{
    size_t k = 0;
    out[0] = '\0';
    for (DWORD i = 0; i < len && k + 4 < n; i++)
        k += (size_t)snprintf(out + k, n - k, "%02x", p[i]);
    if (k + 4 < n) {
        k += (size_t)snprintf(out + k, n - k, " \"");
        for (DWORD i = 0; i < len && k + 3 < n; i++)
            out[k++] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '.';
        snprintf(out + k, n - k, "\"");
    }
}

/* LINECALLINFOSTATE_ bits as names joined with '|' (also `tapi monitor`'s). */
void tapi_info_names(DWORD s, char *out, size_t n)
{
    static const struct {
        DWORD bit;
        const char *name;
    } bits[] = {{LINECALLINFOSTATE_USERUSERINFO, "USERUSERINFO"},
                {LINECALLINFOSTATE_CALLERID, "CALLERID"},
                {LINECALLINFOSTATE_CALLEDID, "CALLEDID"},
                {LINECALLINFOSTATE_CONNECTEDID, "CONNECTEDID"},
                {LINECALLINFOSTATE_NUMOWNERINCR, "NUMOWNERINCR"},
                {LINECALLINFOSTATE_NUMOWNERDECR, "NUMOWNERDECR"},
                {LINECALLINFOSTATE_NUMMONITORS, "NUMMONITORS"},
                {LINECALLINFOSTATE_RELATEDCALLID, "RELATEDCALLID"},
                {LINECALLINFOSTATE_APPSPECIFIC, "APPSPECIFIC"},
                {LINECALLINFOSTATE_CALLDATA, "CALLDATA"}};
    out[0] = '\0';
    for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
        if (s & bits[i].bit) {
            if (out[0])
                strncat(out, "|", n - strlen(out) - 1);
            strncat(out, bits[i].name, n - strlen(out) - 1);
        }
}

/* Show every queued message of every application. */
static void pump(void)
{
    for (unsigned i = 0; i < napps; i++) {
        struct dapp *a = &apps[i];
        LINEMESSAGE m;
        while (lineGetMessage(a->h, &m, 0) == 0) {
            char extra[160] = "", line[400];
            switch (m.dwMessageID) {
            case LINE_CALLSTATE: {
                DWORD st = (DWORD)m.dwParam1;
                const char *mode = otCallStateModeName(st, (DWORD)m.dwParam2);
                if (st == LINECALLSTATE_CONFERENCED)
                    mode = m.dwParam2 ? label(a, (HCALL)m.dwParam2) : "";
                else if (st == LINECALLSTATE_DISCONNECTED &&
                         m.dwParam2 != LINEDISCONNECTMODE_NORMAL)
                    check_result(mode);
                if (m.dwParam3)
                    snprintf(extra, sizeof(extra), "  (new handle, %s)",
                             m.dwParam3 == LINECALLPRIVILEGE_OWNER ? "owner" : "monitor");
                snprintf(line, sizeof(line), "LINE_CALLSTATE   %-9s %-13s %s%s",
                         label(a, m.hDevice), otCallStateName(st), mode, extra);
                break;
            }
            case LINE_CALLINFO:
                tapi_info_names((DWORD)m.dwParam1, extra, sizeof(extra));
                snprintf(line, sizeof(line), "LINE_CALLINFO    %-9s %s", label(a, m.hDevice),
                         extra);
                break;
            case LINE_APPNEWCALL:
                snprintf(line, sizeof(line), "LINE_APPNEWCALL  %-9s %s",
                         label(a, (HCALL)m.dwParam2),
                         m.dwParam3 == LINECALLPRIVILEGE_OWNER ? "owner" : "monitor");
                break;
            case LINE_REPLY:
                if (m.dwParam2)
                    check_result(otErrorName((LONG)m.dwParam2));
                snprintf(line, sizeof(line), "LINE_REPLY       request %lu: %s",
                         (unsigned long)m.dwParam1, otErrorName((LONG)m.dwParam2));
                break;
            default:
                snprintf(line, sizeof(line), "%s", otMessageName(m.dwMessageID));
            }
            trim(line);
            out_message(a, line);
        }
    }
}

static void act(struct dapp *a, LONG rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void act(struct dapp *a, LONG rc, const char *fmt, ...)
{
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    char line[300];
    if (rc > 0)
        snprintf(line, sizeof(line), "%s -> request %ld", what, (long)rc);
    else {
        if (rc < 0)
            check_result(otErrorName(rc));
        snprintf(line, sizeof(line), "%s -> %s", what, otErrorName(rc));
    }
    out_action(a, line);
    pump();
}

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
    char text[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (opt_json)
        json_event("note", NULL, NULL, text);
    else
        printf("  -- %s\n", text);
}

static struct dapp *app_new(const char *name, DWORD dev, DWORD priv)
{
    struct dapp *a = &apps[napps++];
    memset(a, 0, sizeof(*a));
    a->name = name;
    a->dev = dev;
    LINEINITIALIZEEXPARAMS p;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = sizeof(p);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    DWORD ndev = 0, api = 0x00020002;
    LONG rc = lineInitializeEx(&a->h, NULL, NULL, name, &ndev, &api, &p);
    if (rc) {
        /* The configuration does not start: no scenario can run. */
        fprintf(stderr, "tapi demo: %s: lineInitializeEx: %s\n", name, otErrorName(rc));
        napps--;
        failed = init_failed = true;
        longjmp(abort_scenario, 1);
    }
    if (opt_ladder) {
        ladder_party(name);
        ladder_party("switch"); /* after the first application: alice | switch | bob */
    }
    rc = lineOpen(a->h, dev, &a->line, 0x00020002, 0, 0, priv, LINEMEDIAMODE_INTERACTIVEVOICE,
                  NULL);
    char line[120];
    snprintf(line, sizeof(line), "lineOpen(line %u, %s) -> %s", (unsigned)dev,
             priv & LINECALLPRIVILEGE_OWNER ? "owner" : "monitor", otErrorName(rc));
    out_action(a, line);
    if (rc) {
        fprintf(stderr, "tapi demo: %s: lineOpen(line %u): %s (the scenario needs the default "
                        "topology)\n", name, (unsigned)dev, otErrorName(rc));
        failed = true;
        longjmp(abort_scenario, 1);
    }
    return a;
}

static void apps_close(void)
{
    for (unsigned i = 0; i < napps; i++)
        lineShutdown(apps[i].h);
    napps = 0;
}

/* lineMakeCall and the handle from its LINE_REPLY (printed by pump). */
static HCALL make_call(struct dapp *a, const char *dest, const char *uui)
{
    unsigned char buf[sizeof(LINECALLPARAMS) + 128];
    LINECALLPARAMS *p = NULL;
    if (uui) {
        memset(buf, 0, sizeof(buf));
        p = (LINECALLPARAMS *)(void *)buf;
        p->dwTotalSize = (DWORD)(sizeof(LINECALLPARAMS) + strlen(uui));
        p->dwUserUserInfoSize = (DWORD)strlen(uui);
        p->dwUserUserInfoOffset = sizeof(LINECALLPARAMS);
        memcpy(buf + sizeof(LINECALLPARAMS), uui, strlen(uui));
    }
    HCALL h = 0;
    LONG rc = lineMakeCall(a->line, &h, dest, 0, p);
    char what[120];
    snprintf(what, sizeof(what), "lineMakeCall(to %s%s%s%s)", dest, uui ? ", UUI \"" : "",
             uui ? uui : "", uui ? "\"" : "");
    char line[200];
    if (rc > 0)
        snprintf(line, sizeof(line), "%s -> request %ld", what, (long)rc);
    else {
        check_result(otErrorName(rc));
        snprintf(line, sizeof(line), "%s -> %s", what, otErrorName(rc));
    }
    out_action(a, line);
    if (h && !opt_json)
        printf("      (hCall from the reply: %s)\n", label(a, h));
    pump();
    return h;
}

/* The application whose line received the newest LINE_APPNEWCALL: its handle. */
static HCALL last_label(struct dapp *a) { return a->nlabels ? a->labels[a->nlabels - 1] : 0; }

static void show_info(struct dapp *a, HCALL h)
{
    union {
        LINECALLINFO ci;
        unsigned char raw[sizeof(LINECALLINFO) + 1024];
    } u;
    LINECALLSTATUS cs;
    memset(&u, 0, sizeof(u));
    memset(&cs, 0, sizeof(cs));
    u.ci.dwTotalSize = sizeof(u);
    cs.dwTotalSize = sizeof(cs);
    LONG rc = lineGetCallInfo(h, &u.ci);
    LONG rs = lineGetCallStatus(h, &cs);
    char line[600];
    if (rc || rs) {
        if (rc)
            check_result(otErrorName(rc));
        if (rs)
            check_result(otErrorName(rs));
        snprintf(line, sizeof(line), "lineGetCallInfo(%s) -> %s, lineGetCallStatus -> %s",
                 label(a, h), otErrorName(rc), otErrorName(rs));
        out_action(a, line);
        return;
    }
    char uui[300];
    hexdump(uui, sizeof(uui), u.raw + u.ci.dwUserUserInfoOffset, u.ci.dwUserUserInfoSize);
    snprintf(line, sizeof(line),
             "lineGetCallStatus(%s): %s %s; lineGetCallInfo: call id %u, caller \"%s\", "
             "called \"%s\", UUI %s",
             label(a, h), otCallStateName(cs.dwCallState),
           otCallStateModeName(cs.dwCallState, cs.dwCallStateMode), (unsigned)u.ci.dwCallID,
           u.ci.dwCallerIDSize ? (char *)u.raw + u.ci.dwCallerIDOffset : "",
           u.ci.dwCalledIDSize ? (char *)u.raw + u.ci.dwCalledIDOffset : "",
           u.ci.dwUserUserInfoSize ? uui : "(none)");
    out_action(a, line);
}

static void drop(struct dapp *a, HCALL h, const char *uui)
{
    act(a, lineDrop(h, uui, uui ? (DWORD)strlen(uui) : 0), "lineDrop(%s%s%s%s)", label(a, h),
        uui ? ", UUI \"" : "", uui ? uui : "", uui ? "\"" : "");
}

static void dealloc(struct dapp *a, HCALL h)
{
    act(a, lineDeallocateCall(h), "lineDeallocateCall(%s)", label(a, h));
}

/* ---- scenarios ---- */
static void sc_basic(void)
{
    struct dapp *alice = app_new("alice", 0, LINECALLPRIVILEGE_OWNER);
    struct dapp *bob = app_new("bob", 1, LINECALLPRIVILEGE_OWNER);
    HCALL ha = make_call(alice, "101", "hello");
    HCALL hb = last_label(bob);
    show_info(bob, hb);
    note("bob has read the UUI: releasing it lets the switch deliver the next one");
    act(bob, lineReleaseUserUserInfo(hb), "lineReleaseUserUserInfo(%s)", label(bob, hb));
    act(bob, lineAnswer(hb, NULL, 0), "lineAnswer(%s)", label(bob, hb));
    drop(alice, ha, "bye-from-alice");
    note("bob's call is DISCONNECTED; the UUI sent with the drop is in LINECALLINFO");
    show_info(bob, hb);
    drop(bob, hb, NULL);
    dealloc(alice, ha);
    dealloc(bob, hb);
    apps_close();
}

static void sc_reject(void)
{
    struct dapp *alice = app_new("alice", 0, LINECALLPRIVILEGE_OWNER);
    struct dapp *bob = app_new("bob", 1, LINECALLPRIVILEGE_OWNER);
    struct dapp *basic = app_new("basic", 14, LINECALLPRIVILEGE_OWNER);
    HCALL ha = make_call(alice, "101", NULL);
    HCALL hb = last_label(bob);
    note("lineDrop on an OFFERING call rejects it");
    drop(bob, hb, "busy-now");
    show_info(alice, ha);
    drop(alice, ha, NULL);
    dealloc(alice, ha);
    dealloc(bob, hb);
    note("station 400 cannot reject: the drop fails and the call keeps ringing");
    ha = make_call(alice, "400", NULL);
    HCALL h4 = last_label(basic);
    drop(basic, h4, NULL);
    show_info(basic, h4);
    note("the caller gives up instead");
    drop(alice, ha, NULL);
    dealloc(alice, ha);
    dealloc(basic, h4);
    apps_close();
}

static void sc_abandon(void)
{
    struct dapp *alice = app_new("alice", 0, LINECALLPRIVILEGE_OWNER);
    struct dapp *bob = app_new("bob", 1, LINECALLPRIVILEGE_OWNER);
    HCALL ha = make_call(alice, "101", NULL);
    HCALL hb = last_label(bob);
    note("alice hangs up while it rings: bob's offer disappears (IDLE)");
    drop(alice, ha, NULL);
    dealloc(alice, ha);
    dealloc(bob, hb);
    apps_close();
}

static void sc_query(void)
{
    struct dapp *alice = app_new("alice", 0, LINECALLPRIVILEGE_OWNER);
    struct dapp *bob = app_new("bob", 1, LINECALLPRIVILEGE_OWNER);
    HCALL ha = make_call(alice, "101", NULL);
    HCALL hb = last_label(bob);
    act(bob, lineAnswer(hb, "ok", 2), "lineAnswer(%s, UUI \"ok\")", label(bob, hb));
    show_info(alice, ha);
    act(alice, lineReleaseUserUserInfo(ha), "lineReleaseUserUserInfo(%s)", label(alice, ha));
    drop(bob, hb, "thanks");
    note("after the drop both handles still answer queries");
    show_info(bob, hb);
    show_info(alice, ha);
    drop(alice, ha, NULL);
    show_info(alice, ha);
    dealloc(alice, ha);
    dealloc(bob, hb);
    note("after lineDeallocateCall the handles are gone");
    show_info(alice, ha);
    apps_close();
}

static void sc_errors(void)
{
    struct dapp *alice = app_new("alice", 0, LINECALLPRIVILEGE_OWNER);
    struct dapp *bob = app_new("bob", 1, LINECALLPRIVILEGE_OWNER);
    struct dapp *carol = app_new("carol", 2, LINECALLPRIVILEGE_OWNER);
    note("an unknown number, then a busy station");
    HCALL h1 = make_call(alice, "999", NULL);
    drop(alice, h1, NULL);
    dealloc(alice, h1);
    HCALL ha = make_call(alice, "101", NULL);
    HCALL hb = last_label(bob);
    act(bob, lineAnswer(hb, NULL, 0), "lineAnswer(%s)", label(bob, hb));
    HCALL hc = make_call(carol, "101", NULL);
    drop(carol, hc, NULL);
    dealloc(carol, hc);
    note("UUI larger than dwUUIDropSize (128 bytes) is refused; the call is untouched");
    char big[130];
    memset(big, 'x', sizeof(big));
    act(alice, lineDrop(ha, big, sizeof(big)), "lineDrop(%s, 130 bytes of UUI)", label(alice, ha));
    drop(alice, ha, NULL);
    act(alice, lineDrop(ha, NULL, 0), "lineDrop(%s) again, now IDLE", label(alice, ha));
    drop(bob, hb, NULL);
    dealloc(alice, ha);
    dealloc(bob, hb);
    apps_close();
}

/* Set up a three-party conference hosted by alice: bob (101) and carol (102). */
static HCALL conference_of_three(struct dapp *alice, struct dapp *bob, struct dapp *carol,
                                 HCALL *ha, HCALL *hb, HCALL *hconsult, HCALL *hc)
{
    HCALL hconf = 0;
    *ha = make_call(alice, "101", NULL);
    *hb = last_label(bob);
    act(bob, lineAnswer(*hb, NULL, 0), "lineAnswer(%s)", label(bob, *hb));
    note("alice sets up a conference: her call is CONFERENCED, the conference call waits "
         "(ONHOLDPENDCONF), a consultation call gets dial tone");
    LONG rc = lineSetupConference(*ha, 0, &hconf, hconsult, 3, NULL);
    char line[200];
    if (rc < 0)
        check_result(otErrorName(rc));
    snprintf(line, sizeof(line), "lineSetupConference(%s) -> %s%ld", label(alice, *ha),
             rc > 0 ? "request " : "", (long)rc);
    out_action(alice, line);
    const char *lconf = label(alice, hconf);
    if (!opt_json)
        printf("      (hConfCall %s, hConsultCall %s from the reply)\n", lconf,
               label(alice, *hconsult));
    pump();
    act(alice, lineDial(*hconsult, "102", 0), "lineDial(%s, 102)", label(alice, *hconsult));
    *hc = last_label(carol);
    act(carol, lineAnswer(*hc, NULL, 0), "lineAnswer(%s)", label(carol, *hc));
    act(alice, lineAddToConference(hconf, *hconsult), "lineAddToConference(%s, %s)",
        label(alice, hconf), label(alice, *hconsult));
    return hconf;
}

static void sc_conf_drop(void)
{
    struct dapp *alice = app_new("alice", 0, LINECALLPRIVILEGE_OWNER);
    struct dapp *bob = app_new("bob", 1, LINECALLPRIVILEGE_OWNER);
    struct dapp *carol = app_new("carol", 2, LINECALLPRIVILEGE_OWNER);
    struct dapp *mon = app_new("mon", 0, LINECALLPRIVILEGE_MONITOR);
    HCALL ha, hb, hk, hc;
    HCALL hconf = conference_of_three(alice, bob, carol, &ha, &hb, &hk, &hc);
    note("alice drops the conference call: every party is dropped (CONFDROP), every call "
         "of every application gets its state message");
    drop(alice, hconf, "conference over");
    drop(bob, hb, NULL);
    drop(carol, hc, NULL);
    HCALL all_a[] = {ha, hk, hconf};
    for (unsigned i = 0; i < 3; i++)
        dealloc(alice, all_a[i]);
    for (unsigned i = 0; i < mon->nlabels; i++)
        dealloc(mon, mon->labels[i]);
    dealloc(bob, hb);
    dealloc(carol, hc);
    apps_close();
}

static void sc_conf_remove(void)
{
    struct dapp *alice = app_new("alice", 0, LINECALLPRIVILEGE_OWNER);
    struct dapp *bob = app_new("bob", 1, LINECALLPRIVILEGE_OWNER);
    struct dapp *carol = app_new("carol", 2, LINECALLPRIVILEGE_OWNER);
    HCALL ha, hb, hk, hc;
    HCALL hconf = conference_of_three(alice, bob, carol, &ha, &hb, &hk, &hc);
    note("alice removes carol: only carol is dropped; two parties are left, so the "
         "conference reverts to a plain call (conference IDLE, bob's call CONNECTED)");
    act(alice, lineRemoveFromConference(hk), "lineRemoveFromConference(%s)", label(alice, hk));
    drop(carol, hc, NULL);
    note("bob and alice still talk: bob hangs up");
    drop(bob, hb, NULL);
    drop(alice, ha, NULL);
    dealloc(alice, ha);
    dealloc(alice, hk);
    dealloc(alice, hconf);
    dealloc(bob, hb);
    dealloc(carol, hc);
    apps_close();
}

/* alice (100) calls a shared number answered at two stations x and y. */
static void shared_drop(const char *number, DWORD dev_x, DWORD dev_y, bool both_join)
{
    struct dapp *alice = app_new("alice", 0, LINECALLPRIVILEGE_OWNER);
    struct dapp *x = app_new("x", dev_x, LINECALLPRIVILEGE_OWNER);
    struct dapp *y = app_new("y", dev_y, LINECALLPRIVILEGE_OWNER);
    HCALL ha = make_call(alice, number, NULL);
    HCALL hx = last_label(x), hy = last_label(y);
    act(x, lineAnswer(hx, NULL, 0), "lineAnswer(%s)", label(x, hx));
    act(y, lineAnswer(hy, NULL, 0), "lineAnswer(%s)%s", label(y, hy),
        both_join ? ": y joins the call" : ": the call is x's alone");
    if (both_join) {
        note("x drops while y is still on the call: x's appearance goes INACTIVE, nothing "
             "else changes (alice hears nothing)");
        drop(x, hx, NULL);
        note("y, the last station on the call, drops: the call is cleared");
        drop(y, hy, NULL);
    } else {
        note("x drops: the call is cleared everywhere");
        drop(x, hx, NULL);
    }
    drop(alice, ha, NULL);
    dealloc(alice, ha);
    dealloc(x, hx);
    dealloc(y, hy);
    apps_close();
}

static void sc_bridged(void)
{
    shared_drop("200", 8, 9, true);
    note("the same on the bridged-exclusive appearance 201");
    shared_drop("201", 10, 11, false);
}

static void sc_party(void)
{
    struct dapp *alice = app_new("alice", 0, LINECALLPRIVILEGE_OWNER);
    struct dapp *x = app_new("x", 12, LINECALLPRIVILEGE_OWNER);
    struct dapp *y = app_new("y", 13, LINECALLPRIVILEGE_OWNER);
    HCALL ha = make_call(alice, "300", NULL);
    HCALL hx = last_label(x), hy = last_label(y);
    act(x, lineAnswer(hx, NULL, 0), "lineAnswer(%s)", label(x, hx));
    act(y, lineAnswer(hy, NULL, 0), "lineAnswer(%s): both stations on the party line",
        label(y, hy));
    note("x drops: the party line stays up for y, x is INACTIVE");
    drop(x, hx, NULL);
    note("x's application closes its line: a party line has no CLOSEDROP, y's call goes on");
    act(x, lineClose(x->line), "lineClose");
    note("y hangs up last: the call is cleared");
    drop(y, hy, NULL);
    drop(alice, ha, NULL);
    dealloc(alice, ha);
    dealloc(y, hy);
    apps_close();
}

/* allowed: the unusual results (errors, disconnect modes other than NORMAL)
 * the scenario shows on purpose; any other one fails it. */
struct scenario {
    const char *name;
    const char *title;
    void (*run)(void);
    const char *allowed;
};
static const struct scenario scenarios[] = {
    {"basic", "alice (100) calls bob (101) with UUI, bob answers, alice drops with UUI",
     sc_basic, ""},
    {"reject", "lineDrop on an offered call rejects it; station 400 cannot reject", sc_reject,
     "REJECT LINEERR_OPERATIONUNAVAIL"},
    {"abandon", "the caller drops while the call rings", sc_abandon, ""},
    {"drop-query-deallocate", "handles stay queryable after the drop until deallocated",
     sc_query, "LINEERR_INVALCALLHANDLE"},
    {"errors", "unknown number, busy station, UUI too big, drop on IDLE", sc_errors,
     "BADADDRESS BUSY LINEERR_USERUSERINFOTOOBIG LINEERR_INVALCALLSTATE"},
    {"conference-drop", "dropping a three-party conference drops every party", sc_conf_drop,
     ""},
    {"conference-remove", "removing a party; a conference of two reverts to a call",
     sc_conf_remove, ""},
    {"bridged-drop", "drop on bridged-shared 200 and bridged-exclusive 201 appearances",
     sc_bridged, "LINEERR_INVALCALLSTATE"},
    {"party-line-drop", "drop and close on party line 300 while another station talks",
     sc_party, ""},
};
#define NSCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

static void demo_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "tapi demo: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nusage: tapi demo [--list] [--ladder] [--svg FILE] [--json] "
                    "[SCENARIO...] (tapi demo --help)\n");
}

/* Runs one scenario; false when it did not go as scripted. */
static bool run_one(const struct scenario *sc)
{
    failed = false;
    allowed = sc->allowed;
    sc_name = sc->name;
    char title[160];
    snprintf(title, sizeof(title), "%s: %s", sc->name, sc->title);
    if (opt_json)
        json_event("scenario", NULL, NULL, sc->title);
    else
        printf("== %s\n", title);
    if (opt_ladder)
        ladder_begin(title);
    switch (setjmp(abort_scenario)) { /* setjmp only as a controlling expression (C11 7.13.1.1) */
    case 0:
        sc->run();
        break;
    case 1:
        if (!opt_json)
            printf("  !! the scenario stopped: an application could not start\n");
        break;
    default:
        if (!opt_json)
            printf("  !! the scenario stopped: it did not go as scripted\n");
    }
    apps_close();
    OTSTATS st;
    if (otGetStats(&st) == 0 && (st.dwCalls || st.dwCallHandles || st.dwRequests)) {
        fprintf(stderr, "tapi demo: %s: objects left behind\n", sc->name);
        failed = true;
    }
    if (!opt_json) {
        printf("%s %s\n\n", failed ? "== FAILED:" : "== ok:", sc->name);
        if (print_ladder)
            ladder_print_last(stdout);
    }
    return !failed;
}

int tapi_cmd_demo(int argc, char **argv)
{
    const char *svg = NULL;
    bool list = false, want[NSCENARIOS] = {false}, any = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--list"))
            list = true;
        else if (!strcmp(a, "--ladder"))
            opt_ladder = true;
        else if (!strcmp(a, "--json"))
            opt_json = true;
        else if (!strcmp(a, "--svg")) {
            if (i + 1 == argc) {
                demo_usage("--svg needs a file name%s", "");
                return 2;
            }
            svg = argv[++i];
        } else if (a[0] == '-') {
            demo_usage("unknown option %.40s", a);
            return 2;
        } else {
            size_t k = 0;
            while (k < NSCENARIOS && strcmp(a, scenarios[k].name))
                k++;
            if (k == NSCENARIOS) {
                demo_usage("no scenario \"%.40s\" (tapi demo --list lists them)", a);
                return 2;
            }
            want[k] = any = true;
        }
    }
    if (list) {
        for (size_t i = 0; i < NSCENARIOS; i++)
            printf("%-24s %s\n", scenarios[i].name, scenarios[i].title);
        return 0;
    }
    print_ladder = opt_ladder && !opt_json;
    if (svg)
        opt_ladder = true; /* record the diagrams; print them only with --ladder */
    unsigned ran = 0, bad = 0;
    for (size_t i = 0; i < NSCENARIOS && !init_failed; i++) {
        if (any && !want[i])
            continue;
        ran++;
        if (!run_one(&scenarios[i]))
            bad++;
    }
    int rc = bad ? 1 : 0;
    if (svg && ladder_write_svg(svg) != 0) {
        fprintf(stderr, "tapi demo: cannot write %s\n", svg);
        rc = 1;
    }
    ladder_free();
    char sum[120];
    if (init_failed)
        snprintf(sum, sizeof(sum), "demo stopped: lineInitializeEx failed (%u of %u scenarios "
                 "ran, %u failed)", ran, (unsigned)(any ? ran : NSCENARIOS), bad);
    else
        snprintf(sum, sizeof(sum), "%u scenario%s: %u ok, %u failed", ran, ran == 1 ? "" : "s",
                 ran - bad, bad);
    if (opt_json)
        json_event("summary", NULL, NULL, sum);
    else
        printf("%s\n", sum);
    return rc;
}
