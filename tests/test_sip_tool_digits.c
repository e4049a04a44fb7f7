/* `tapi call --digits` sends DTMF once connected (SIP INFO), `tapi answer`
 * prints the digits it receives (tools/tapi_sip.c, docs/tools.md). */
#include <stdio.h>
#include <string.h>

#include "sip_helpers.h"

#define TOOL_WAIT_MS 20000u

TEST(tool_call_answer_digits)
{
    char la[64], lb[64];
    int pa = sh_free_port(), pb = sh_free_port();
    snprintf(la, sizeof(la), "sip:alice@127.0.0.1:%d", pa);
    snprintf(lb, sizeof(lb), "sip:bob@127.0.0.1:%d", pb);
    sproc ans, call;
    const char *aargs[] = {"answer", "--line", lb, "--timeout", "15", NULL};
    sh_tapi_start(&ans, aargs, pb);
    const char *cargs[] = {"call",      "--line", la, lb, "--digits", "12#", "--drop-after", "0",
                           "--timeout", "15",     NULL};
    sh_tapi_start(&call, cargs, 0);
    int rc = sh_wait_exit(&call, TOOL_WAIT_MS);
    char cout[65536];
    snprintf(cout, sizeof(cout), "%s", sh_output(&call));
    CHECK_EQ(sh_wait_exit(&ans, TOOL_WAIT_MS), 0);
    if (rc != 0)
        FAIL("tapi call exited %d:\n%s", rc, cout);
    const char *aout = sh_output(&ans);
    const char *d1 = strstr(aout, "LINE_MONITORDIGITS 1");
    const char *d2 = strstr(aout, "LINE_MONITORDIGITS 2");
    const char *d3 = strstr(aout, "LINE_MONITORDIGITS #");
    const char *disc = strstr(aout, "LINE_CALLSTATE DISCONNECTED");
    if (!d1 || !d2 || !d3 || !disc || !(d1 < d2 && d2 < d3 && d3 < disc))
        FAIL("the answering side lacks the digits 1, 2, # before the hang-up:\n%s", aout);
    CHECK(strstr(aout, "1 call: 1 ok, 0 failed") != NULL);
    const char *gen = strstr(cout, "lineGenerateDigits 12# -> SUCCESS");
    const char *done = strstr(cout, "LINE_GENERATE DONE");
    const char *drop = strstr(cout, "lineDrop");
    if (!gen || !done || !drop || !(gen < done && done < drop))
        FAIL("the caller did not send the digits, then drop:\n%s", cout);
    CHECK(strstr(cout, "1 call: 1 ok, 0 failed") != NULL);

    /* a bad --digits is a usage error */
    sproc bad;
    const char *bargs[] = {"call", "--line", la, lb, "--digits", "12x", NULL};
    sh_tapi_start(&bad, bargs, 0);
    CHECK_EQ(sh_wait_exit(&bad, TOOL_WAIT_MS), 2);
    if (!strstr(sh_output(&bad), "--digits: 1 to 256 of 0-9 A-D * # and ','"))
        FAIL("no usage message for --digits 12x:\n%s", sh_output(&bad));
}
