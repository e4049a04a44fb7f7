/* `tapi answer` and `tapi call` (tools/tapi_sip.c) as scripts use them: the
 * tool next to the runner is started as a child process against another
 * `tapi` or SIPp on 127.0.0.1, and the test checks exit codes and the printed
 * timeline (states with their mode names, received UUI as hex, the verdict
 * per call).  Every child is bounded by --timeout and waited for on its exit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip_helpers.h"

#define CLI_WAIT_MS 20000u

static void line_arg(char *buf, size_t n, const char *user, int port)
{
    snprintf(buf, n, "sip:%s@127.0.0.1:%d", user, port);
}

/* Two lines on fresh ports, alice's and bob's (bob's line is also the
 * address alice calls); returns bob's port.  Each buffer holds 64 bytes. */
static int alice_and_bob(char *la, char *lb)
{
    int pa = sh_free_port(), pb = sh_free_port();
    line_arg(la, 64, "alice", pa);
    line_arg(lb, 64, "bob", pb);
    return pb;
}

/* Occurrences of needle in text. */
static int count(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

#define CHECK_OUT(p, needle, times)                                                            \
    do {                                                                                       \
        const char *out_ = sh_output(p);                                                       \
        int got_ = count(out_, needle);                                                        \
        if (got_ != (times))                                                                   \
            FAIL("%s printed \"%s\" %d times, expected %d:\n%s", (p)->name, needle, got_,      \
                 (int)(times), out_);                                                          \
    } while (0)

/* The lines of call `no` in p's timeline contain the needles in this order
 * (NULL-terminated; other lines may come between). */
static void check_order_(const sproc *p, unsigned long no, const char *const *needles,
                         const char *f, int l)
{
    const char *out = sh_output(p);
    char tag[32];
    snprintf(tag, sizeof(tag), " call %-4lu ", no);
    size_t k = 0;
    for (const char *line = out; *line && needles[k];) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        char buf[512];
        if (n >= sizeof(buf))
            n = sizeof(buf) - 1;
        memcpy(buf, line, n);
        buf[n] = '\0';
        if (strstr(buf, tag) && strstr(buf, needles[k]))
            k++;
        line = end ? end + 1 : line + n;
    }
    if (needles[k])
        ot_test_fail(f, l, "%s, call %lu: \"%s\" missing or out of order:\n%s", p->name, no,
                     needles[k], out);
}
#define CHECK_ORDER(p, no, ...)                                                               \
    do {                                                                                       \
        const char *const needles_[] = {__VA_ARGS__, NULL};                                    \
        check_order_(p, no, needles_, __FILE__, __LINE__);                                     \
    } while (0)

static void expect_exit(sproc *p, int code)
{
    int rc = sh_wait_exit(p, CLI_WAIT_MS);
    if (rc != code)
        FAIL("tapi exited %d, expected %d:\n%s", rc, code, sh_output(p));
}

/* answer drops each call 50 ms after it connects, with UUI; call waits for
 * the far end: both succeed, the caller prints the UUI it received. */
TEST(sip_cli_answer_drops_caller_waits)
{
    char la[64], lb[64];
    int pb = alice_and_bob(la, lb);
    sproc ans, call;
    const char *aargs[] = {"answer", "--line", lb, "--uui", "04627965", "--drop-after", "50",
                           "--calls", "3", "--timeout", "15", NULL};
    sh_tapi_start(&ans, aargs, pb);
    const char *cargs[] = {"call", "--line", la, lb, "--calls", "3", "--timeout", "15", NULL};
    sh_tapi_start(&call, cargs, 0);
    expect_exit(&call, 0);
    expect_exit(&ans, 0);
    CHECK_OUT(&call, "LINE_CALLSTATE DIALING", 3);
    CHECK_OUT(&call, "LINE_CALLSTATE CONNECTED ACTIVE", 3);
    CHECK_OUT(&call, "LINE_CALLINFO USERUSERINFO", 3);
    CHECK_OUT(&call, "UUI 04627965 (4 bytes)", 3);
    CHECK_OUT(&call, "LINE_CALLSTATE DISCONNECTED NORMAL", 3);
    CHECK_OUT(&call, "LINE_CALLSTATE IDLE", 3);
    CHECK_OUT(&call, "3 calls: 3 ok, 0 failed", 1);
    CHECK_OUT(&ans, "LINE_CALLSTATE OFFERING", 3);
    CHECK_OUT(&ans, "lineDrop, UUI 04627965", 3);
    CHECK_OUT(&ans, "LINE_CALLSTATE IDLE", 3);
    CHECK_OUT(&ans, "3 calls: 3 ok, 0 failed", 1);
    for (unsigned long no = 1; no <= 3; no++) {
        /* The UUI is announced (and printed) before the state it came with. */
        CHECK_ORDER(&call, no, "lineMakeCall", "LINE_CALLSTATE DIALING",
                    "LINE_CALLSTATE CONNECTED ACTIVE", "LINE_CALLINFO USERUSERINFO",
                    "UUI 04627965 (4 bytes)", "LINE_CALLSTATE DISCONNECTED NORMAL",
                    "clear: lineDrop", "LINE_CALLSTATE IDLE", "ok");
        CHECK_ORDER(&ans, no, "LINE_APPNEWCALL", "LINE_CALLSTATE OFFERING", "lineAnswer",
                    "LINE_CALLSTATE CONNECTED ACTIVE", "drop: lineDrop, UUI 04627965",
                    "LINE_CALLSTATE IDLE", "ok");
    }
}

/* call drops at once with UUI; answer waits for the far end and reads it. */
TEST(sip_cli_caller_drops_answer_waits)
{
    char la[64], lb[64];
    int pb = alice_and_bob(la, lb);
    sproc ans, call;
    const char *aargs[] = {"answer", "--line", lb, "--timeout", "15", NULL};
    sh_tapi_start(&ans, aargs, pb);
    const char *cargs[] = {"call",         "--line", la, lb, "--uui", "00ff10", "--drop-after",
                           "0",            "--timeout", "15", NULL};
    sh_tapi_start(&call, cargs, 0);
    expect_exit(&call, 0);
    expect_exit(&ans, 0);
    CHECK_OUT(&ans, "UUI 00ff10 (3 bytes)", 1);
    CHECK_OUT(&ans, "LINE_CALLSTATE DISCONNECTED NORMAL", 1);
    CHECK_OUT(&ans, "1 call: 1 ok, 0 failed", 1);
    CHECK_OUT(&call, "LINE_CALLSTATE CONNECTED ACTIVE", 1);
    CHECK_OUT(&call, "lineDrop, UUI 00ff10", 1);
    CHECK_OUT(&call, "1 call: 1 ok, 0 failed", 1);
    CHECK_ORDER(&ans, 1, "LINE_CALLSTATE OFFERING", "LINE_CALLSTATE CONNECTED ACTIVE",
                "LINE_CALLINFO USERUSERINFO", "UUI 00ff10 (3 bytes)",
                "LINE_CALLSTATE DISCONNECTED NORMAL", "LINE_CALLSTATE IDLE", "ok");
    CHECK_ORDER(&call, 1, "LINE_CALLSTATE CONNECTED ACTIVE", "drop: lineDrop, UUI 00ff10",
                "LINE_CALLSTATE IDLE", "ok");
}

/* answer --reject: the caller's call ends DISCONNECTED REJECT with the UUI,
 * which is not what `tapi call` was asked for (exit 1); answer did as asked. */
TEST(sip_cli_reject)
{
    char la[64], lb[64];
    int pb = alice_and_bob(la, lb);
    sproc ans, call;
    const char *aargs[] = {"answer", "--line", lb,  "--reject", "--uui", "046e6f",
                           "--calls", "2", "--timeout", "15", NULL};
    sh_tapi_start(&ans, aargs, pb);
    const char *cargs[] = {"call", "--line", la, lb, "--calls", "2", "--timeout", "15", NULL};
    sh_tapi_start(&call, cargs, 0);
    expect_exit(&call, 1);
    expect_exit(&ans, 0);
    CHECK_OUT(&call, "UUI 046e6f (3 bytes)", 2);
    CHECK_OUT(&call, "LINE_CALLSTATE DISCONNECTED REJECT", 2);
    CHECK_OUT(&call, "FAILED: SIP 603 Decline -> REJECT", 2);
    CHECK_OUT(&call, "2 calls: 0 ok, 2 failed", 1);
    CHECK_OUT(&call, "CONNECTED ACTIVE", 0);
    CHECK_OUT(&ans, "reject: lineDrop, UUI 046e6f", 2);
    CHECK_OUT(&ans, "2 calls: 2 ok, 0 failed", 1);
    for (unsigned long no = 1; no <= 2; no++) {
        CHECK_ORDER(&call, no, "LINE_CALLSTATE DIALING", "LINE_CALLINFO USERUSERINFO",
                    "UUI 046e6f (3 bytes)", "LINE_CALLSTATE DISCONNECTED REJECT",
                    "LINE_CALLSTATE IDLE", "FAILED: SIP 603 Decline -> REJECT");
        CHECK_ORDER(&ans, no, "LINE_CALLSTATE OFFERING", "reject: lineDrop, UUI 046e6f",
                    "LINE_CALLSTATE IDLE", "ok");
    }
}

/* tapi answer against SIPp: SIPp's INVITE UUI is printed; SIPp checks the
 * BYE's User-to-User and Reason. */
TEST(sip_cli_answer_sipp)
{
    int pb = sh_free_port();
    char lb[64];
    line_arg(lb, sizeof(lb), "opentapi", pb);
    sproc ans, sipp;
    /* The tool first, ready to answer, then SIPp's call.  (SIPp first, its
     * INVITE retransmitted until the tool listened, could come between the
     * tool's bind and its lineOpen and get 480.)  sh_sipp_start would end the
     * tool with the children of earlier tests: those go first. */
    sh_reset();
    const char *aargs[] = {"answer", "--line", lb,  "--uui", "0462796521", "--drop-after", "0",
                           "--timeout", "15", NULL};
    sh_tapi_start(&ans, aargs, pb);
    sh_sipp_start_another(&sipp, "uac_we_drop.xml", sh_free_port(), pb, 1, NULL);
    sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS);
    expect_exit(&ans, 0);
    CHECK_OUT(&ans, "from sipp (SIPp Caller)", 1);
    CHECK_OUT(&ans, "UUI 04696e76697465 (7 bytes)", 1);
    CHECK_OUT(&ans, "1 call: 1 ok, 0 failed", 1);
    CHECK_ORDER(&ans, 1, "LINE_APPNEWCALL", "LINE_CALLSTATE OFFERING", "from sipp (SIPp Caller)",
                "UUI 04696e76697465 (7 bytes)", "lineAnswer", "LINE_CALLSTATE CONNECTED ACTIVE",
                "drop: lineDrop, UUI 0462796521", "LINE_CALLSTATE IDLE", "ok");
}

/* tapi call against SIPp answering 486: BUSY, then DISCONNECTED BUSY; exit 1. */
TEST(sip_cli_call_busy_sipp)
{
    int pa = sh_free_port(), ps = sh_free_port();
    char la[64], dest[64];
    line_arg(la, sizeof(la), "alice", pa);
    line_arg(dest, sizeof(dest), "sipp", ps);
    const char *subst[] = {"STATUS", "486", "PHRASE", "Busy Here", "CAUSE", "17",
                           "UUI",    "0462757379", NULL};
    sproc sipp, call;
    sh_sipp_start(&sipp, sh_sipp_template("uas_final.xml", subst), ps, 0, 1, NULL);
    const char *cargs[] = {"call", "--line", la, dest, "--timeout", "15", NULL};
    sh_tapi_start(&call, cargs, 0);
    expect_exit(&call, 1);
    sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS);
    CHECK_OUT(&call, "LINE_CALLSTATE BUSY STATION", 1);
    CHECK_OUT(&call, "LINE_CALLSTATE DISCONNECTED BUSY", 1);
    CHECK_OUT(&call, "UUI 0462757379 (5 bytes)", 1);
    CHECK_OUT(&call, "1 call: 0 ok, 1 failed", 1);
    CHECK_ORDER(&call, 1, "LINE_CALLSTATE DIALING", "LINE_CALLINFO USERUSERINFO",
                "UUI 0462757379 (5 bytes)", "LINE_CALLSTATE BUSY STATION",
                "LINE_CALLSTATE DISCONNECTED BUSY", "LINE_CALLSTATE IDLE", "FAILED");
}

/* --timeout counts only while no call is in progress: a connected call that
 * waits for the far end lasts longer than it (2 s against 1 s), and the tool
 * waiting for the far end succeeds.  Both directions: the answering side
 * waits while the caller drops after 2 s, then the reverse. */
static void long_call(bool answer_waits)
{
    char la[64], lb[64];
    int pb = alice_and_bob(la, lb);
    sproc ans, call;
    /* The waiting side's arguments end at the NULL in place of --drop-after. */
    const char *aargs[] = {"answer", "--line", lb, "--timeout", "1",
                           answer_waits ? NULL : "--drop-after", "2000", "--uui", "04616e73",
                           NULL};
    sh_tapi_start(&ans, aargs, pb);
    const char *cargs[] = {"call", "--line", la, lb, "--timeout", "1",
                           answer_waits ? "--drop-after" : NULL, "2000", "--uui", "0463616c",
                           NULL};
    sh_tapi_start(&call, cargs, 0);
    expect_exit(&call, 0);
    expect_exit(&ans, 0);
    sproc *waiter = answer_waits ? &ans : &call, *dropper = answer_waits ? &call : &ans;
    const char *uui = answer_waits ? "UUI 0463616c (4 bytes)" : "UUI 04616e73 (4 bytes)";
    CHECK_OUT(waiter, "timeout", 0);
    CHECK_OUT(waiter, "1 call: 1 ok, 0 failed", 1);
    CHECK_OUT(dropper, "1 call: 1 ok, 0 failed", 1);
    CHECK_ORDER(waiter, 1, "LINE_CALLSTATE CONNECTED ACTIVE", "LINE_CALLINFO USERUSERINFO", uui,
                "LINE_CALLSTATE DISCONNECTED NORMAL", "clear: lineDrop", "LINE_CALLSTATE IDLE",
                "ok");
    CHECK_ORDER(dropper, 1, "LINE_CALLSTATE CONNECTED ACTIVE", "drop: lineDrop, UUI",
                "LINE_CALLSTATE IDLE", "ok");
}

TEST(sip_cli_answer_waits_past_timeout) { long_call(true); }
TEST(sip_cli_caller_waits_past_timeout) { long_call(false); }

/* No call comes: the tool gives up after --timeout. */
TEST(sip_cli_answer_timeout)
{
    char lb[64];
    line_arg(lb, sizeof(lb), "bob", sh_free_port());
    sproc ans;
    const char *aargs[] = {"answer", "--line", lb, "--timeout", "1", NULL};
    sh_tapi_start(&ans, aargs, 0);
    expect_exit(&ans, 1);
    CHECK_OUT(&ans, "timeout: no call in progress for 1 s", 1);
    CHECK_OUT(&ans, "0 calls: 0 ok, 0 failed, not all calls happened", 1);
}

/* Usage errors exit 2 and say why. */
TEST(sip_cli_usage_errors)
{
    static const char *const bad[][8] = {
        {"answer", NULL},
        {"answer", "--line", "bob@127.0.0.1:5060", NULL},
        {"answer", "--line", "sip:bob@127.0.0.1", NULL},
        {"answer", "--line", "sip:bob@127.0.0.1:5060\nproxy", NULL},
        {"answer", "--line", "sip:bob@127.0.0.1:5060", "--uui", "abc", NULL},
        {"answer", "--line", "sip:bob@127.0.0.1:5060", "--uui", "zz", NULL},
        {"answer", "--line", "sip:bob@127.0.0.1:5060", "--calls", "0", NULL},
        {"answer", "--line", "sip:bob@127.0.0.1:5060", "--drop-after", "-1", NULL},
        {"call", "--line", "sip:bob@127.0.0.1:5060", NULL},
        {"call", "--line", "sip:bob@127.0.0.1:5060", "sip:x@127.0.0.1", "--reject", NULL},
        {"answer", "--line", "sip:bob@127.0.0.1:5060", "--bogus", "1", NULL},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        sproc p;
        sh_tapi_start(&p, bad[i], 0);
        int rc = sh_wait_exit(&p, CLI_WAIT_MS);
        if (rc != 2)
            FAIL("case %zu: exit %d, expected 2:\n%s", i, rc, sh_output(&p));
        CHECK(strstr(sh_output(&p), "usage: tapi answer") != NULL);
    }
}

/* tapi answer holds more calls at once than its old fixed table (256): 300
 * SIPp calls, all up together for a while, every one answered and dropped. */
TEST(sip_cli_answer_300_at_once)
{
    int pb = sh_free_port();
    char lb[64];
    line_arg(lb, sizeof(lb), "opentapi", pb);
    sproc ans, sipp;
    sh_reset();
    const char *aargs[] = {"answer",       "--line", lb,   "--uui",     "0462796521",
                           "--drop-after", "2500",   "--calls", "300", "--timeout",
                           "30",           NULL};
    sh_tapi_start(&ans, aargs, pb);
    const char *extra[] = {"-r", "150", "-l", "400", NULL};
    sh_sipp_start_another(&sipp, "uac_we_drop.xml", sh_free_port(), pb, 300, extra);
    sh_expect_success(&sipp, 30000);
    expect_exit(&ans, 0);
    /* The summary is the last line of a long output: read its end. */
    char tail[512];
    FILE *f = fopen(ans.log, "r");
    CHECK(f != NULL);
    fseek(f, -(long)(sizeof(tail) - 1), SEEK_END);
    size_t n = fread(tail, 1, sizeof(tail) - 1, f);
    fclose(f);
    tail[n] = '\0';
    if (!strstr(tail, "300 calls: 300 ok, 0 failed"))
        FAIL("tapi answer's summary is not \"300 calls: 300 ok, 0 failed\": ...%s", tail);
}

/* tapi call --transfer-to: SIPp answers, the tool blind-transfers the call
 * (REFER, Refer-To checked by SIPp) and SIPp's NOTIFYs end in final: exit 0
 * with "transfer: done" and the call IDLE here when final is 2xx (SIPp then
 * gets our BYE), exit 1 with "transfer: failed" and the call dropped
 * otherwise. */
static void call_transfer_to(const char *final, bool ok)
{
    int pa = sh_free_port(), ps = sh_free_port();
    char la[64], dest[64];
    line_arg(la, sizeof(la), "alice", pa);
    line_arg(dest, sizeof(dest), "sipp", ps);
    const char *subst[] = {"FINAL", final, "REFERTO", "sip:carol@127\\.0\\.0\\.1:5999", NULL};
    sproc sipp, call;
    sh_sipp_start(&sipp, sh_sipp_template("uas_refer_accept.xml", subst), ps, 0, 1, NULL);
    const char *cargs[] = {"call",        "--line",  la, dest, "--transfer-to",
                           "sip:carol@127.0.0.1:5999", "--timeout", "15", NULL};
    sh_tapi_start(&call, cargs, 0);
    expect_exit(&call, ok ? 0 : 1);
    sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS);
    CHECK_OUT(&call, "lineBlindTransfer sip:carol@127.0.0.1:5999 -> request", 1);
    /* the progress: one LINE_CALLINFO per NOTIFY (100, then the final) */
    CHECK_OUT(&call, "LINE_CALLINFO DEVSPECIFIC transfer: SIP ", 2);
    if (ok) {
        CHECK_OUT(&call, "1 call: 1 ok, 0 failed", 1);
        CHECK_ORDER(&call, 1, "LINE_CALLSTATE CONNECTED ACTIVE", "lineBlindTransfer",
                    "transfer: REFER sent", "LINE_CALLINFO DEVSPECIFIC transfer: SIP 200 OK",
                    "LINE_CALLSTATE IDLE", "SUCCESS", "transfer: done", "ok");
    } else {
        CHECK_OUT(&call, "1 call: 0 ok, 1 failed", 1);
        CHECK_ORDER(&call, 1, "LINE_CALLSTATE CONNECTED ACTIVE", "lineBlindTransfer",
                    "LINE_CALLINFO DEVSPECIFIC transfer: SIP 603 Declined",
                    "LINEERR_OPERATIONFAILED", "transfer: failed (LINEERR_OPERATIONFAILED)",
                    "clear: lineDrop", "LINE_CALLSTATE IDLE", "FAILED: the transfer failed");
    }
}

TEST(sip_cli_call_transfer_to_done) { call_transfer_to("200 OK", true); }
TEST(sip_cli_call_transfer_to_failed) { call_transfer_to("603 Declined", false); }

/* --transfer-to needs an address: a usage error (exit 2). */
TEST(sip_cli_transfer_to_usage)
{
    sproc call;
    const char *cargs[] = {"call", "--line", "sip:alice@127.0.0.1:5999", "sip:b@127.0.0.1:5998",
                           "--transfer-to", NULL};
    sh_tapi_start(&call, cargs, 0);
    expect_exit(&call, 2);
    CHECK_OUT(&call, "tapi: --transfer-to needs a value", 1);
}

/* tapi answer --transfer-to: SIPp calls, the tool answers and blind-transfers
 * the call; SIPp checks the REFER, NOTIFYs 100 and 200, and gets our BYE: the
 * tool prints the progress and exits 0. */
TEST(sip_cli_answer_transfer_to_sipp)
{
    int pb = sh_free_port();
    char lb[64];
    line_arg(lb, sizeof(lb), "opentapi", pb);
    sproc ans, sipp;
    sh_reset(); /* as sip_cli_answer_sipp: the tool first, then SIPp's call */
    const char *aargs[] = {"answer",   "--line",    lb, "--transfer-to", "carol@127.0.0.1:5999",
                           "--timeout", "15", NULL};
    sh_tapi_start(&ans, aargs, pb);
    const char *subst[] = {"REFERTO", "sip:carol@127\\.0\\.0\\.1:5999", NULL};
    sh_sipp_start_another(&sipp, sh_sipp_template("uac_accepts_refer.xml", subst),
                          sh_free_port(), pb, 1, NULL);
    sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS);
    expect_exit(&ans, 0);
    CHECK_OUT(&ans, "LINE_CALLINFO DEVSPECIFIC transfer: SIP ", 2);
    CHECK_OUT(&ans, "1 call: 1 ok, 0 failed", 1);
    CHECK_ORDER(&ans, 1, "LINE_CALLSTATE OFFERING", "lineAnswer", "LINE_CALLSTATE CONNECTED",
                "lineBlindTransfer carol@127.0.0.1:5999 -> request",
                "LINE_CALLINFO DEVSPECIFIC transfer: SIP 200 OK", "LINE_CALLSTATE IDLE",
                "transfer: done", "ok");
}
