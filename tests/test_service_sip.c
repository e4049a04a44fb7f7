/* The telephony service with a SIP line: stopping the service (SIGTERM)
 * closes its lines as lineShutdown would, so a call on a line with CLOSEDROP
 * is dropped and the SIP peer gets its BYE. */
#include "sip_helpers.h"
#include "svc_helpers.h"

static void role_sip_answerer(void *arg)
{
    (void)arg;
    tapp a;
    t_init(&a, "sip answerer");
    CHECK_EQ(a.ndevs, 1);
    HLINE hl = t_open(&a, 0, LINECALLPRIVILEGE_OWNER);
    svc_say("open");
    HCALL h = t_expect_offer(&a, hl);
    LONG req = lineAnswer(h, NULL, 0);
    CHECK_REQ(req);
    sh_wait_state(&a, h, LINECALLSTATE_CONNECTED);
    svc_say("connected");
    /* The service stops: the call goes with it; we are told to re-initialize. */
    for (;;) {
        LINEMESSAGE m = t_next(&a);
        if (m.dwMessageID == LINE_LINEDEVSTATE && m.dwParam1 == LINEDEVSTATE_REINIT)
            break;
    }
    CHECK_RC(lineDrop(h, NULL, 0), LINEERR_REINIT);
    t_shutdown(&a);
}

TEST(service_sigterm_drops_sip_calls_of_closedrop_lines)
{
    int port = sh_port(0);
    char conf[512];
    snprintf(conf, sizeof(conf),
             "[line]\nprovider = sip\nname = service\nnumber = service\n"
             "uri = sip:service@127.0.0.1:%d\n",
             port);
    svc s;
    svc_start(&s, conf);
    svc_child c;
    svc_child_start(&c, &s, "sip answerer", role_sip_answerer, NULL);
    svc_expect(&c, "open");
    sproc sipp;
    sh_sipp_start_another(&sipp, "uac_service_stops.xml", sh_port(1), port, 1, NULL);
    svc_expect(&c, "connected");
    svc_stop(&s); /* SIGTERM: exits 0 after the providers stopped */
    sh_expect_success(&sipp, 10000);
    svc_child_wait(&c);
    svc_cleanup(&s);
}
