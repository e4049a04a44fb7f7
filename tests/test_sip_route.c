/* The routing features of the switch are not announced on a SIP line, whose
 * provider does not carry them out (park, pickup, swap hold, secure, call
 * completion), and the functions say so there; the station next to it has
 * them.  (Redirect and forwarding on SIP lines are the SIP provider's.) */
#include "sip_helpers.h"

TEST(sip_route_features_follow_the_provider)
{
    sh_config_line(sh_free_port(), "[line]\nname = Station 100\nnumber = 100\n");
    tapp a;
    t_init(&a, "route");
    CHECK_EQ(a.ndevs, 2);
    const DWORD calls = LINECALLFEATURE_PARK | LINECALLFEATURE_SWAPHOLD |
                        LINECALLFEATURE_SECURECALL | LINECALLFEATURE_COMPLETECALL;
    const DWORD addrs = LINEADDRFEATURE_PICKUP | LINEADDRFEATURE_UNPARK |
                        LINEADDRFEATURE_UNCOMPLETECALL;
    union {
        LINEADDRESSCAPS ac;
        unsigned char raw[4096];
    } u;
    for (DWORD dev = 0; dev < 2; dev++) {
        memset(&u, 0, sizeof(u));
        u.ac.dwTotalSize = sizeof(u);
        CHECK_RC(lineGetAddressCaps(a.h, dev, 0, T_API, 0, &u.ac), 0);
        if (dev == 0) { /* SIP */
            CHECK_EQ(u.ac.dwCallFeatures & calls, 0);
            CHECK_EQ(u.ac.dwAddressFeatures & addrs, 0);
            CHECK_EQ(u.ac.dwParkModes, 0);
            /* forwarding is the SIP provider's to announce: not checked here */
            CHECK_EQ(u.ac.dwCallCompletionModes, 0);
            CHECK_EQ(u.ac.dwCallFeatures2 &
                         (LINECALLFEATURE2_PARKDIRECT | LINECALLFEATURE2_PARKNONDIRECT),
                     0);
        } else { /* the switch */
            CHECK_EQ(u.ac.dwCallFeatures & calls, calls);
            CHECK_EQ(u.ac.dwAddressFeatures & addrs, addrs);
            CHECK_EQ(u.ac.dwParkModes, LINEPARKMODE_DIRECTED | LINEPARKMODE_NONDIRECTED);
            CHECK_EQ(u.ac.dwCallCompletionModes,
                     LINECALLCOMPLMODE_CAMPON | LINECALLCOMPLMODE_CALLBACK);
        }
    }
    HLINE sip = t_open(&a, 0, LINECALLPRIVILEGE_OWNER);
    HCALL h = 0;
    CHECK_RC(lineUnpark(sip, 0, &h, "*701"), LINEERR_OPERATIONUNAVAIL);
    CHECK_RC(linePickup(sip, 0, &h, "100", NULL), LINEERR_OPERATIONUNAVAIL);
    CHECK_RC(lineUncompleteCall(sip, 1), LINEERR_OPERATIONUNAVAIL);
    CHECK(h == 0);
    t_shutdown(&a);
}
