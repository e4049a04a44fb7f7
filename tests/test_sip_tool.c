/* The tapi tool as a newcomer meets it (tools/): every command's help, the
 * unknown-command message, the demo's exit status and summary, `tapi lines`
 * without binding SIP ports, OPENTAPI_LOG, `tapi call`/`answer` with UUI on
 * the INVITE, 180 and 200, a ring delay, hold and the far end's hold, a line
 * of OPENTAPI_CONFIG, the SIP message trace read back by `tapi trace` and the
 * pcap it writes decoded by tshark and read by sngrep.  The tool runs as a child process (tests/sip_helpers.c, so these
 * tests need the SIP build); SVG pictures are checked by
 * tests/pictures/check.py. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sip_helpers.h"
#include "sip_tls_helpers.h"

#define TOOL_WAIT_MS 20000u

/* Runs `tapi args...` to its exit; returns the exit status, *out its output. */
static int tool(const char *const *args, const char **out)
{
    sproc p;
    sh_tapi_start(&p, args, 0);
    int rc = sh_wait_exit(&p, TOOL_WAIT_MS);
    *out = sh_output(&p);
    return rc;
}

#define CHECK_HAS(text, needle)                                                                \
    do {                                                                                       \
        if (!strstr((text), (needle)))                                                         \
            FAIL("output lacks \"%s\":\n%s", (needle), (text));                                \
    } while (0)
#define CHECK_HASNT(text, needle)                                                              \
    do {                                                                                       \
        if (strstr((text), (needle)))                                                          \
            FAIL("output has \"%s\":\n%s", (needle), (text));                                  \
    } while (0)

static void check_no_trailing_spaces(const char *text)
{
    for (const char *p = strchr(text, '\n'); p; p = strchr(p + 1, '\n'))
        if (p > text && p[-1] == ' ') {
            const char *b = p - 1;
            while (b > text && b[-1] != '\n')
                b--;
            FAIL("a line ends with a space: \"%.*s\"", (int)(p - b), b);
        }
}

/* A file in the test's temporary directory with the given text. */
static const char *temp_file(const char *name, const char *text)
{
    static char path[4][400];
    static unsigned turn;
    char *p = path[turn++ % 4];
    snprintf(p, 400, "%s/%s", sh_tmpdir(), name);
    FILE *f = fopen(p, "w");
    if (!f)
        FAIL("%s: %s", p, strerror(errno));
    fputs(text, f);
    fclose(f);
    return p;
}

TEST(tool_unknown_command_help_version)
{
    const char *out;
    const char *bogus[] = {"bogus", NULL};
    CHECK_EQ(tool(bogus, &out), 2);
    CHECK_HAS(out, "tapi: unknown command \"bogus\" (tapi --help lists the commands)");
    static const char *const cmds[] = {"demo", "lines", "config", "call", "answer", "trace"};
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        const char *args[] = {cmds[i], "--help", NULL};
        int rc = tool(args, &out);
        if (rc != 0)
            FAIL("tapi %s --help: exit %d:\n%s", cmds[i], rc, out);
        char want[64];
        snprintf(want, sizeof(want), "usage: tapi %s", cmds[i]);
        CHECK_HAS(out, want);
        check_no_trailing_spaces(out);
    }
    /* -h after other options, too */
    const char *late[] = {"call", "--line", "sip:a@127.0.0.1:5", "-h", NULL};
    CHECK_EQ(tool(late, &out), 0);
    CHECK_HAS(out, "--ring-uui HEX");
    const char *help[] = {"--help", NULL};
    CHECK_EQ(tool(help, &out), 0);
    CHECK_HAS(out, "OPENTAPI_LOG=debug,sip=trace");
    CHECK_HAS(out, "tapi trace FILE");
    check_no_trailing_spaces(out);
    const char *v1[] = {"-v", NULL}, *v2[] = {"--version", NULL};
    CHECK_EQ(tool(v1, &out), 0);
    CHECK_HAS(out, "tapi (opentapi) " OPENTAPI_VERSION_STRING "\n");
    CHECK_EQ(tool(v2, &out), 0);
    CHECK_HAS(out, "tapi (opentapi) " OPENTAPI_VERSION_STRING "\n");
}

TEST(tool_demo_exit_status_and_summary)
{
    const char *out;
    const char *all[] = {"demo", NULL};
    CHECK_EQ(tool(all, &out), 0);
    CHECK_HAS(out, "\n9 scenarios: 9 ok, 0 failed\n");
    CHECK_HASNT(out, "!!");
    check_no_trailing_spaces(out);
    const char *one[] = {"demo", "abandon", NULL};
    CHECK_EQ(tool(one, &out), 0);
    CHECK_HAS(out, "\n1 scenario: 1 ok, 0 failed\n");
    const char *nosuch[] = {"demo", "nosuch", NULL};
    CHECK_EQ(tool(nosuch, &out), 2);
    CHECK_HAS(out, "no scenario \"nosuch\"");
    /* Another topology: the numbers the script dials do not exist. */
    setenv("OPENTAPI_CONFIG", temp_file("two.conf", "[line]\nnumber = 500\n[line]\nnumber = 501\n"),
           1);
    const char *basic[] = {"demo", "basic", NULL};
    int rc = tool(basic, &out);
    unsetenv("OPENTAPI_CONFIG");
    CHECK_EQ(rc, 1);
    CHECK_HAS(out, "!! unexpected in this scenario: BADADDRESS");
    CHECK_HAS(out, "== FAILED: basic");
    CHECK_HAS(out, "\n1 scenario: 0 ok, 1 failed\n");
    CHECK_HASNT(out, "lineDrop"); /* stopped at the unexpected result */
    /* A configuration that does not start: the demo stops at once. */
    setenv("OPENTAPI_CONFIG", temp_file("bad.conf", "garbage\n"), 1);
    rc = tool(all, &out);
    unsetenv("OPENTAPI_CONFIG");
    CHECK_EQ(rc, 1);
    CHECK_HAS(out, "lineInitializeEx: LINEERR_INIFILECORRUPT");
    CHECK_HAS(out, "demo stopped: lineInitializeEx failed (1 of 9 scenarios ran, 1 failed)");
    CHECK_HASNT(out, "request"); /* no request numbers made up after the failure */
    CHECK_HASNT(out, "== reject");
}

TEST(tool_lines_shows_sip_lines_without_binding)
{
    /* The line's port is in use (as by a running application). */
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(fd >= 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int port = sh_free_port();
    sa.sin_port = htons((uint16_t)port);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        int e = errno;
        close(fd);
        FAIL("bind 127.0.0.1:%d: %s", port, strerror(e));
    }
    char conf[400];
    snprintf(conf, sizeof(conf),
             "[line]\nnumber = 100\n[line]\nnumber = 400\nreject = no\nuui = 0\n"
             "[line]\nprovider = sip\nname = Alice\nnumber = alice\n"
             "uri = sip:alice@127.0.0.1:%d\nuui_drop = 77\n",
             port);
    setenv("OPENTAPI_CONFIG", temp_file("lines.conf", conf), 1);
    const char *out;
    const char *text[] = {"lines", NULL};
    int rc = tool(text, &out);
    char copy[8192];
    snprintf(copy, sizeof(copy), "%s", out);
    const char *json[] = {"lines", "--json", NULL};
    int rcj = tool(json, &out);
    unsetenv("OPENTAPI_CONFIG");
    close(fd);
    CHECK_EQ(rc, 0);
    char want[400];
    snprintf(want, sizeof(want), "sip:alice@127.0.0.1:%d, 127.0.0.1:%d\n", port, port);
    CHECK_HAS(copy, want);
    CHECK_HAS(copy, "reject");
    CHECK_HAS(copy, "128/128/77/128");
    CHECK_HAS(copy, " no     0/0/0/0 ");
    check_no_trailing_spaces(copy);
    CHECK_EQ(rcj, 0);
    snprintf(want, sizeof(want),
             "{\"device\":2,\"name\":\"Alice\",\"number\":\"alice\",\"sharing\":\"private\","
             "\"can_reject\":true,\"uui\":{\"make_call\":128,\"answer\":128,\"accept\":128,"
             "\"drop\":77,\"send\":128,\"call_info\":128},\"conference\":8,\"provider\":\"sip\","
             "\"uri\":\"sip:alice@127.0.0.1:%d\",\"bind\":\"127.0.0.1:%d\"}\n",
             port, port);
    CHECK_HAS(out, want);
    CHECK_HAS(out, "\"device\":1,\"name\":\"Line 1\",\"number\":\"400\",\"sharing\":\"private\","
                   "\"can_reject\":false");
    int lines = 0;
    for (const char *p = out; *p; p++)
        lines += *p == '\n';
    CHECK_EQ(lines, 3); /* one object per line device, nothing else */
}

TEST(tool_log_levels_and_categories)
{
    char la[64], lb[64];
    int pa = sh_free_port(), pb = sh_free_port();
    snprintf(la, sizeof(la), "sip:alice@127.0.0.1:%d", pa);
    snprintf(lb, sizeof(lb), "sip:bob@127.0.0.1:%d", pb);
    sproc ans, call;
    setenv("OPENTAPI_LOG", "warn,sip=trace", 1);
    const char *aargs[] = {"answer", "--line", lb, "--drop-after", "0", "--timeout", "15", NULL};
    sh_tapi_start(&ans, aargs, pb);
    /* a control character in the value: reported, not echoed raw */
    setenv("OPENTAPI_LOG", "info,sip=loud,\x01x", 1);
    const char *cargs[] = {"call", "--line", la, lb, "--timeout", "15", NULL};
    sh_tapi_start(&call, cargs, 0);
    unsetenv("OPENTAPI_LOG");
    int rc = sh_wait_exit(&call, TOOL_WAIT_MS);
    char cout[65536];
    snprintf(cout, sizeof(cout), "%s", sh_output(&call));
    CHECK_EQ(sh_wait_exit(&ans, TOOL_WAIT_MS), 0);
    CHECK_EQ(rc, 0);
    const char *aout = sh_output(&ans);
    /* sip=trace: every SIP message in full, in the log */
    CHECK_HAS(aout, "opentapi: trace: sip: recv udp 127.0.0.1:");
    CHECK_HAS(aout, "\nINVITE sip:bob@127.0.0.1:");
    CHECK_HAS(aout, "opentapi: debug: sip: line 0: ");
    CHECK_HASNT(aout, ": core: ");
    CHECK_HAS(cout, "opentapi: warn: core: OPENTAPI_LOG: \"sip=loud\" ignored");
    CHECK_HAS(cout, "opentapi: warn: core: OPENTAPI_LOG: \"?x\" ignored");
    CHECK_HASNT(cout, "\x01");
    CHECK_HASNT(cout, "opentapi: debug:"); /* info: no debug records */
    CHECK_HASNT(cout, "opentapi: trace:");
}

/* answer: 180 with UUI after --ring, 200 with UUI; call: INVITE with UUI.
 * Both sides see the other's UUI; the trace has every message, tshark
 * decodes the pcap. */
TEST(tool_call_answer_uui_ring_trace_pcap)
{
    char la[64], lb[64], trace[400], pcap[400];
    int pa = sh_free_port(), pb = sh_free_port();
    snprintf(la, sizeof(la), "sip:alice@127.0.0.1:%d", pa);
    snprintf(lb, sizeof(lb), "sip:bob@127.0.0.1:%d", pb);
    snprintf(trace, sizeof(trace), "%s/answer.trace", sh_tmpdir());
    snprintf(pcap, sizeof(pcap), "%s/call.pcap", sh_tmpdir());
    sproc ans, call;
    const char *aargs[] = {"answer", "--line", lb, "--ring", "100", "--ring-uui", "04617272",
                           "--call-uui", "04616e73", "--uui", "04627965", "--drop-after", "20",
                           "--trace", trace, "--timeout", "15", NULL};
    sh_tapi_start(&ans, aargs, pb);
    const char *cargs[] = {"call", "--line", la, lb, "--call-uui", "04696e76", "--pcap", pcap,
                           "--timeout", "15", NULL};
    sh_tapi_start(&call, cargs, 0);
    int rc = sh_wait_exit(&call, TOOL_WAIT_MS);
    char cout[65536];
    snprintf(cout, sizeof(cout), "%s", sh_output(&call));
    CHECK_EQ(sh_wait_exit(&ans, TOOL_WAIT_MS), 0);
    if (rc != 0)
        FAIL("tapi call exited %d:\n%s", rc, cout);
    const char *aout = sh_output(&ans);
    CHECK_HAS(aout, "UUI 04696e76 (4 bytes)"); /* the INVITE's */
    CHECK_HAS(aout, "lineAccept, UUI 04617272 -> request");
    CHECK_HAS(aout, "lineAnswer, UUI 04616e73 -> request");
    CHECK_HAS(aout, "1 call: 1 ok, 0 failed");
    CHECK_HAS(cout, "lineMakeCall sip:bob@127.0.0.1:");
    CHECK_HAS(cout, ", UUI 04696e76 -> request 1");
    /* the 180's UUI before RINGBACK, the 200's before CONNECTED, the BYE's */
    const char *r = strstr(cout, "UUI 04617272 (4 bytes)");
    const char *ringback = strstr(cout, "LINE_CALLSTATE RINGBACK");
    const char *a = strstr(cout, "UUI 04616e73 (4 bytes)");
    const char *conn = strstr(cout, "LINE_CALLSTATE CONNECTED ACTIVE");
    const char *bye = strstr(cout, "UUI 04627965 (4 bytes)");
    if (!r || !ringback || !a || !conn || !bye || !(r < ringback && ringback < a && a < conn &&
                                                  conn < bye))
        FAIL("the caller's timeline lacks the UUI of the 180, 200 and BYE in order:\n%s", cout);
    CHECK_HAS(cout, "1 call: 1 ok, 0 failed");
    /* the answer side's trace, read back */
    const char *out;
    const char *targs[] = {"trace", trace, NULL};
    CHECK_EQ(tool(targs, &out), 0);
    static const char *const seq[] = {" recv udp ", "INVITE sip:bob@", "SIP/2.0 180 Ringing",
                                      "SIP/2.0 200 OK", "ACK sip:bob@", "BYE sip:alice@",
                                      "SIP/2.0 200 OK"};
    const char *at = out;
    for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
        const char *p = strstr(at, seq[i]);
        if (!p)
            FAIL("tapi trace: \"%s\" missing or out of order:\n%s", seq[i], out);
        at = p + 1;
    }
    /* the caller's pcap, decoded by tshark */
    char cmd[1200];
    snprintf(cmd, sizeof(cmd),
             "timeout 60 tshark -r '%s' -T fields -e sip.Method -e sip.Status-Code "
             "-E separator=, 2>/dev/null",
             pcap);
    FILE *f = popen(cmd, "r");
    if (!f)
        FAIL("popen tshark: %s", strerror(errno));
    char got[2000];
    size_t n = fread(got, 1, sizeof(got) - 1, f);
    got[n] = '\0';
    int st = pclose(f);
    if (st != 0)
        FAIL("tshark -r %s failed (status %d; Debian package tshark):\n%s", pcap, st, got);
    const char *want = "INVITE,\n,100\n,180\n,200\nACK,\nBYE,\n,200\n";
    if (strcmp(got, want))
        FAIL("tshark decoded:\n%s\nexpected:\n%s", got, want);
    snprintf(cmd, sizeof(cmd),
             "timeout 60 tshark -r '%s' -Y 'sip.Method == \"INVITE\"' -T fields -e sip.msg_hdr "
             "2>/dev/null",
             pcap);
    f = popen(cmd, "r");
    if (!f)
        FAIL("popen tshark: %s", strerror(errno));
    n = fread(got, 1, sizeof(got) - 1, f);
    got[n] = '\0';
    pclose(f);
    CHECK_HAS(got, "User-to-User: 04696e76;encoding=hex;purpose=isdn-uui");
    /* sngrep reads it as one dialog of seven SIP messages (what it keeps of the input) */
    char again[420];
    snprintf(again, sizeof(again), "%s/sngrep.pcap", sh_tmpdir());
    snprintf(cmd, sizeof(cmd), "timeout 60 sngrep -I '%s' -N -O '%s' 2>&1", pcap, again);
    f = popen(cmd, "r");
    if (!f)
        FAIL("popen sngrep: %s", strerror(errno));
    n = fread(got, 1, sizeof(got) - 1, f);
    got[n] = '\0';
    st = pclose(f);
    if (st != 0)
        FAIL("sngrep -I %s failed (status %d; Debian package sngrep):\n%s", pcap, st, got);
    CHECK_HAS(got, "Dialog count: 1");
    snprintf(cmd, sizeof(cmd), "timeout 60 tshark -r '%s' -T fields -e sip.CSeq 2>/dev/null",
             again);
    f = popen(cmd, "r");
    if (!f)
        FAIL("popen tshark: %s", strerror(errno));
    n = fread(got, 1, sizeof(got) - 1, f);
    got[n] = '\0';
    pclose(f);
    int msgs = 0;
    for (const char *q = got; *q; q++)
        msgs += *q == '\n';
    if (msgs != 7)
        FAIL("sngrep kept %d SIP messages of 7:\n%s", msgs, got);
}

/* --ring lets the caller give up while it rings: its CANCEL ends the offer. */
TEST(tool_answer_ring_then_caller_abandons)
{
    char la[64], lb[64];
    int pa = sh_free_port(), pb = sh_free_port();
    snprintf(la, sizeof(la), "sip:alice@127.0.0.1:%d", pa);
    snprintf(lb, sizeof(lb), "sip:bob@127.0.0.1:%d", pb);
    sproc ans, call;
    const char *aargs[] = {"answer", "--line", lb, "--ring", "60000", "--timeout", "15", NULL};
    sh_tapi_start(&ans, aargs, pb);
    const char *cargs[] = {"call", "--line", la, lb, "--timeout", "15", NULL};
    sh_tapi_start(&call, cargs, 0);
    sh_wait_output(&call, "LINE_CALLSTATE RINGBACK");
    sh_stop(&call); /* SIGTERM: the call is dropped at shutdown, a CANCEL */
    int rc = sh_wait_exit(&ans, TOOL_WAIT_MS);
    const char *aout = sh_output(&ans);
    if (rc != 1)
        FAIL("tapi answer exited %d, expected 1 (the call was abandoned):\n%s", rc, aout);
    CHECK_HAS(aout, "lineAccept -> request");
    CHECK_HAS(aout, "LINE_CALLSTATE ACCEPTED");
    CHECK_HAS(aout, "LINE_CALLSTATE IDLE");
    CHECK_HAS(aout, "FAILED: the caller abandoned the offer");
    CHECK_HASNT(aout, "lineAnswer");
}

/* tapi call --hold-after / --hold-for: lineHold as soon as the call connects,
 * lineUnhold as soon as the hold succeeded, the drop 2 s after connecting
 * (far more than a hold and an unhold take: only a hang would lose the
 * race); tapi answer prints the far end's hold and its end.  The options'
 * usage errors. */
TEST(tool_call_holds_answer_sees_peer_hold)
{
    char la[64], lb[64];
    int pa = sh_free_port(), pb = sh_free_port();
    snprintf(la, sizeof(la), "sip:alice@127.0.0.1:%d", pa);
    snprintf(lb, sizeof(lb), "sip:bob@127.0.0.1:%d", pb);
    sproc ans, call;
    const char *aargs[] = {"answer", "--line", lb, "--timeout", "15", NULL};
    sh_tapi_start(&ans, aargs, pb);
    const char *cargs[] = {"call", "--line", la, lb, "--hold-after", "0", "--hold-for", "0",
                           "--drop-after", "2000", "--timeout", "15", NULL};
    sh_tapi_start(&call, cargs, 0);
    sh_wait_output(&ans, "held by peer");
    sh_wait_output(&ans, "resumed by peer");
    int rc = sh_wait_exit(&call, TOOL_WAIT_MS);
    char cout[65536];
    snprintf(cout, sizeof(cout), "%s", sh_output(&call));
    int arc = sh_wait_exit(&ans, TOOL_WAIT_MS);
    const char *aout = sh_output(&ans);
    if (rc != 0 || arc != 0)
        FAIL("tapi call exited %d, tapi answer %d:\n%s\n%s", rc, arc, cout, aout);
    /* the caller: hold, ONHOLD, its reply, unhold, CONNECTED, its reply, in order */
    const char *order[] = {"LINE_CALLSTATE CONNECTED ACTIVE", "lineHold -> request 2",
                           "LINE_CALLSTATE ONHOLD",           "LINE_REPLY request 2 SUCCESS",
                           "lineUnhold -> request 3",         "LINE_CALLSTATE CONNECTED ACTIVE",
                           "LINE_REPLY request 3 SUCCESS",    "drop: lineDrop -> request 4",
                           "1 call: 1 ok, 0 failed"};
    const char *at = cout;
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        const char *f = strstr(at, order[i]);
        if (!f)
            FAIL("tapi call: \"%s\" missing or out of order:\n%s", order[i], cout);
        at = f + strlen(order[i]);
    }
    CHECK_HASNT(cout, "held by peer");
    const char *aorder[] = {"LINE_CALLSTATE CONNECTED ACTIVE",
                            "LINE_CALLSTATE CONNECTED ACTIVEHELD",
                            "held by peer",
                            "LINE_CALLSTATE CONNECTED ACTIVE",
                            "resumed by peer",
                            "LINE_CALLSTATE DISCONNECTED NORMAL",
                            "1 call: 1 ok, 0 failed"};
    at = aout;
    for (size_t i = 0; i < sizeof(aorder) / sizeof(aorder[0]); i++) {
        const char *f = strstr(at, aorder[i]);
        if (!f)
            FAIL("tapi answer: \"%s\" missing or out of order:\n%s", aorder[i], aout);
        at = f + strlen(aorder[i]);
    }
    CHECK_HASNT(aout, "lineHold");

    const char *out;
    const char *nohold[] = {"call", "--line", la, lb, "--hold-for", "5", NULL};
    CHECK_EQ(tool(nohold, &out), 2);
    CHECK_HAS(out, "tapi: --hold-for needs --hold-after");
    const char *bad[] = {"call", "--line", la, lb, "--hold-after", "soon", NULL};
    CHECK_EQ(tool(bad, &out), 2);
    CHECK_HAS(out, "tapi: --hold-after must be milliseconds (0-86400000)");
    const char *rej[] = {"answer", "--line", lb, "--reject", "--hold-after", "5", NULL};
    CHECK_EQ(tool(rej, &out), 2);
    CHECK_HAS(out, "tapi: --hold-after holds a connected call: not with --reject");
    const char *help[] = {"call", "--help", NULL};
    CHECK_EQ(tool(help, &out), 0);
    CHECK_HAS(out, "--hold-after MS");
    CHECK_HAS(out, "--hold-for MS");
}

/* Without --line the tool uses a SIP line of OPENTAPI_CONFIG (the first, or
 * --device). */
TEST(tool_call_uses_opentapi_config)
{
    char lb[64], conf[400];
    int pa = sh_free_port(), pb = sh_free_port();
    snprintf(lb, sizeof(lb), "sip:bob@127.0.0.1:%d", pb);
    snprintf(conf, sizeof(conf),
             "[line]\nnumber = 100\n"
             "[line]\nprovider = sip\nname = Configured\nnumber = alice\n"
             "uri = sip:alice@127.0.0.1:%d\n",
             pa);
    const char *path = temp_file("call.conf", conf);
    sproc ans, call;
    const char *aargs[] = {"answer", "--line", lb, "--drop-after", "0", "--timeout", "15", NULL};
    sh_tapi_start(&ans, aargs, pb);
    setenv("OPENTAPI_CONFIG", path, 1);
    const char *cargs[] = {"call", lb, "--timeout", "15", "--json", NULL};
    sh_tapi_start(&call, cargs, 0);
    int rc = sh_wait_exit(&call, TOOL_WAIT_MS);
    char cout[65536];
    snprintf(cout, sizeof(cout), "%s", sh_output(&call));
    CHECK_EQ(sh_wait_exit(&ans, TOOL_WAIT_MS), 0);
    /* once the line's port is free again: the wrong device, options for --line */
    const char *dev0[] = {"call", lb, "--device", "0", NULL};
    const char *out;
    int rc0 = tool(dev0, &out);
    char out0[4096];
    snprintf(out0, sizeof(out0), "%s", out);
    const char *proxy[] = {"call", lb, "--proxy", "sip:127.0.0.1:9", NULL};
    int rc2 = tool(proxy, &out);
    unsetenv("OPENTAPI_CONFIG");
    if (rc != 0)
        FAIL("tapi call exited %d:\n%s", rc, cout);
    /* --json: one object per line */
    CHECK_HAS(cout, "\"call\":null,\"text\":\"line device 1 \\\"Configured\\\" (configured) open, "
                    "placing calls\"}\n");
    CHECK_HAS(cout, "\"call\":1,\"text\":\"LINE_CALLSTATE CONNECTED ACTIVE\"}\n");
    CHECK_HAS(cout, "\"call\":null,\"text\":\"1 call: 1 ok, 0 failed\"}\n");
    for (const char *line = cout; *line; line = strchr(line, '\n') + 1) {
        const char *end = strchr(line, '\n');
        if (!end || strncmp(line, "{\"time\":", 8) || end[-1] != '}')
            FAIL("not one JSON object per line:\n%s", cout);
    }
    CHECK_EQ(rc0, 1);
    CHECK_HAS(out0, "tapi: line device 0 is not a SIP line (opentapi sim)");
    CHECK_EQ(rc2, 2);
    CHECK_HAS(out, "describe the --line line");
}

/* --registrar, --username, --password, --proxy: through Kamailio
 * (tests/kamailio/kamailio.cfg), which challenges REGISTER and the INVITE and
 * relays to the registered callee.  A wrong password: the registration fails
 * with a warning at the default log level. */
TEST(tool_call_answer_credentials_via_kamailio)
{
    sproc kam;
    int k = sh_free_port();
    sh_kamailio_start(&kam, k);
    char proxy[64], la[64], lb[64], bob[64];
    snprintf(proxy, sizeof(proxy), "sip:127.0.0.1:%d", k);
    snprintf(la, sizeof(la), "sip:alice@127.0.0.1:%d", sh_free_port());
    int pb = sh_free_port();
    snprintf(lb, sizeof(lb), "sip:bob@127.0.0.1:%d", pb);
    snprintf(bob, sizeof(bob), "sip:bob@127.0.0.1:%d", k); /* bob at the proxy */
    sproc ans, call, wrong;
    setenv("OPENTAPI_LOG", "warn,sip=debug", 1); /* the REGISTER's answer is logged */
    const char *aargs[] = {"answer", "--line", lb, "--proxy", proxy, "--registrar", proxy,
                           "--username", "bob", "--password", "secret", "--drop-after", "0",
                           "--timeout", "15", NULL};
    sh_tapi_start(&ans, aargs, pb);
    unsetenv("OPENTAPI_LOG");
    sh_wait_output(&ans, "nua_r_register 200");
    const char *cargs[] = {"call", "--line", la, bob, "--proxy", proxy, "--username", "alice",
                           "--password", "secret", "--timeout", "15", NULL};
    sh_tapi_start(&call, cargs, 0);
    int rc = sh_wait_exit(&call, TOOL_WAIT_MS);
    char cout[65536];
    snprintf(cout, sizeof(cout), "%s", sh_output(&call));
    int arc = sh_wait_exit(&ans, TOOL_WAIT_MS);
    char aout[65536];
    snprintf(aout, sizeof(aout), "%s", sh_output(&ans));
    /* the same line with a wrong password: the registration fails, said at warn */
    const char *wargs[] = {"answer", "--line", lb, "--registrar", proxy, "--username", "bob",
                           "--password", "wrong", "--timeout", "15", NULL};
    sh_tapi_start(&wrong, wargs, pb);
    char want[160];
    snprintf(want, sizeof(want), "opentapi: warn: sip: line 0: registration at %s failed", proxy);
    sh_wait_output(&wrong, want);
    sh_stop(&wrong);
    const char *klog = sh_output(&kam);
    bool authorized = strstr(klog, "test: INVITE authorized (alice)") != NULL;
    sh_stop(&kam);
    if (rc != 0 || arc != 0)
        FAIL("tapi call exited %d, answer %d:\n%s\n%s", rc, arc, cout, aout);
    CHECK_HAS(cout, "LINE_CALLSTATE CONNECTED ACTIVE");
    CHECK_HAS(cout, "1 call: 1 ok, 0 failed");
    CHECK_HAS(aout, "1 call: 1 ok, 0 failed");
    if (!authorized)
        FAIL("Kamailio did not authorize alice's INVITE (its credentials):\n%s", klog);
}

/* --transport tls with the --tls-* options: a call between two tools over
 * TLS with UUI both ways; the same caller trusting another CA fails,
 * UNREACHABLE, and says why. */
TEST(tool_call_answer_tls)
{
    char dir[300];
    snprintf(dir, sizeof(dir), "%s/tooltls-XXXXXX", sh_tmpdir());
    CHECK(mkdtemp(dir) != NULL);
    th_make_cas(dir);
    th_make_party(dir, "alice", "127.0.0.1", "DNS:127.0.0.1", false);
    th_make_party(dir, "bob", "127.0.0.1", "DNS:127.0.0.1", false);
    th_free_cas();
    char la[64], lb[64], bob[64], acert[400], akey[400], bcert[400], bkey[400], ca[400],
        rogue[400];
    int pa = sh_free_port(), pb = sh_free_port();
    snprintf(la, sizeof(la), "sips:alice@127.0.0.1:%d", pa);
    snprintf(lb, sizeof(lb), "sip:bob@127.0.0.1:%d", pb);
    snprintf(bob, sizeof(bob), "sips:bob@127.0.0.1:%d", pb);
    snprintf(acert, sizeof(acert), "%s/alice.pem", dir);
    snprintf(akey, sizeof(akey), "%s/alice.key", dir);
    snprintf(bcert, sizeof(bcert), "%s/bob.pem", dir);
    snprintf(bkey, sizeof(bkey), "%s/bob.key", dir);
    snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
    snprintf(rogue, sizeof(rogue), "%s/rogue-ca.pem", dir);
    sproc ans, call;
    const char *aargs[] = {"answer", "--line", lb, "--transport", "tls", "--tls-certificate",
                           bcert, "--tls-key", bkey, "--tls-ca", ca, "--uui", "04627965",
                           "--drop-after", "0", "--timeout", "15", NULL};
    sh_tapi_start(&ans, aargs, 0);
    sh_wait_output(&ans, "(tls) open, answering calls");
    const char *cargs[] = {"call", "--line", la, bob, "--transport", "tls", "--tls-certificate",
                           acert, "--tls-key", akey, "--tls-ca", ca, "--call-uui", "04696e76",
                           "--timeout", "15", NULL};
    sh_tapi_start(&call, cargs, 0);
    int rc = sh_wait_exit(&call, TOOL_WAIT_MS);
    char cout[65536];
    snprintf(cout, sizeof(cout), "%s", sh_output(&call));
    CHECK_EQ(sh_wait_exit(&ans, TOOL_WAIT_MS), 0);
    if (rc != 0)
        FAIL("tapi call exited %d:\n%s", rc, cout);
    const char *aout = sh_output(&ans);
    CHECK_HAS(aout, "UUI 04696e76 (4 bytes)");
    CHECK_HAS(aout, "1 call: 1 ok, 0 failed");
    CHECK_HAS(cout, "(tls) open, placing calls");
    CHECK_HAS(cout, "UUI 04627965 (4 bytes)");
    CHECK_HAS(cout, "1 call: 1 ok, 0 failed");
    /* bob's certificate is not of the CA this caller trusts */
    sh_tapi_start(&ans, aargs, 0);
    sh_wait_output(&ans, "(tls) open, answering calls");
    const char *rargs[] = {"call", "--line", la, bob, "--transport", "tls", "--tls-certificate",
                           acert, "--tls-key", akey, "--tls-ca", rogue, "--timeout", "15", NULL};
    sh_tapi_start(&call, rargs, 0);
    rc = sh_wait_exit(&call, TOOL_WAIT_MS);
    snprintf(cout, sizeof(cout), "%s", sh_output(&call));
    sh_stop(&ans);
    CHECK_EQ(rc, 1);
    CHECK_HAS(cout, "LINE_CALLSTATE DISCONNECTED UNREACHABLE");
    CHECK_HAS(cout, "FAILED: SIP 503 Service Unavailable (local) -> UNREACHABLE");
    /* the options describe a TLS --line line only */
    const char *out;
    const char *bad[] = {"call", "--line", la, bob, "--tls-ca", ca, NULL};
    CHECK_EQ(tool(bad, &out), 2);
    CHECK_HAS(out, "describe a --line line with --transport tls");
    const char *nocert[] = {"call", "--line", la, bob, "--transport", "tls", NULL};
    CHECK_EQ(tool(nocert, &out), 2);
    CHECK_HAS(out, "--transport tls needs --tls-certificate FILE");
}

/* UUI larger than the line takes (uui_call_info = 16): `tapi answer` says so
 * (LINE_CALLINFO DEVSPECIFIC and a warning), and the call goes on. */
TEST(tool_answer_warns_dropped_uui)
{
    char conf[300];
    int pb = sh_free_port();
    snprintf(conf, sizeof(conf),
             "[line]\nprovider = sip\nnumber = bob\nuri = sip:bob@127.0.0.1:%d\n"
             "uui_call_info = 16\n",
             pb);
    setenv("OPENTAPI_CONFIG", temp_file("small-uui.conf", conf), 1);
    sproc ans;
    const char *aargs[] = {"answer", "--timeout", "15", NULL};
    sh_tapi_start(&ans, aargs, pb);
    unsetenv("OPENTAPI_CONFIG");
    char big[100];
    size_t k = 0;
    for (int i = 0; i < 20; i++)
        k += (size_t)snprintf(big + k, sizeof(big) - k, "%02x", i + 4);
    const char *extra[] = {"-set", "invite_uui", big, "-set", "bye_uui", "0462796521", NULL};
    sproc sipp;
    sh_sipp_start_another(&sipp, "uac_bad_uui.xml", sh_free_port(), pb, 1, extra);
    sh_expect_success(&sipp, SH_SIPP_TIMEOUT_MS);
    int rc = sh_wait_exit(&ans, TOOL_WAIT_MS);
    const char *aout = sh_output(&ans);
    if (rc != 0)
        FAIL("tapi answer exited %d:\n%s", rc, aout);
    CHECK_HAS(aout, "LINE_CALLINFO DEVSPECIFIC");
    CHECK_HAS(aout, "warning: UUI dropped: 20 bytes > 16");
    CHECK_HAS(aout, "UUI 0462796521 (5 bytes)"); /* the BYE's, which fits */
    CHECK_HAS(aout, "1 call: 1 ok, 0 failed");
}

/* answer --redirect-to: every offered call is redirected (302 to the
 * address); the caller's call ends FORWARDED with that address as its
 * redirection; answer counts it as asked. */
TEST(tool_answer_redirect_to)
{
    char la[64], lb[64];
    int pa = sh_free_port(), pb = sh_free_port();
    snprintf(la, sizeof(la), "sip:alice@127.0.0.1:%d", pa);
    snprintf(lb, sizeof(lb), "sip:bob@127.0.0.1:%d", pb);
    sproc ans, call;
    const char *aargs[] = {"answer", "--line", lb, "--redirect-to", "sip:carol@127.0.0.1:5093",
                           "--timeout", "15", NULL};
    sh_tapi_start(&ans, aargs, pb);
    const char *cargs[] = {"call", "--line", la, lb, "--timeout", "15", NULL};
    sh_tapi_start(&call, cargs, 0);
    int rc = sh_wait_exit(&call, TOOL_WAIT_MS);
    char cout[65536];
    snprintf(cout, sizeof(cout), "%s", sh_output(&call));
    int arc = sh_wait_exit(&ans, TOOL_WAIT_MS);
    const char *aout = sh_output(&ans);
    if (arc != 0)
        FAIL("tapi answer exited %d:\n%s", arc, aout);
    CHECK_HAS(aout, "lineRedirect sip:carol@127.0.0.1:5093 -> request");
    CHECK_HAS(aout, "LINE_CALLSTATE IDLE");
    CHECK_HAS(aout, "1 call: 1 ok, 0 failed");
    CHECK_EQ(rc, 1); /* not connected: not as asked for the caller */
    CHECK_HAS(cout, "LINE_CALLSTATE DISCONNECTED FORWARDED");
    CHECK_HAS(cout, "FAILED: SIP 302 Moved Temporarily -> FORWARDED");
    const char *out;
    const char *both[] = {"answer", "--line", lb, "--reject", "--redirect-to", "sip:x@y", NULL};
    CHECK_EQ(tool(both, &out), 2);
    CHECK_HAS(out, "--redirect-to or --reject, not both");
    const char *oncall[] = {"call", "--line", la, lb, "--redirect-to", "sip:x@y", NULL};
    CHECK_EQ(tool(oncall, &out), 2);
    CHECK_HAS(out, "--redirect-to is an option of tapi answer");
}
