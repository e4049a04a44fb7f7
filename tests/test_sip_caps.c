/* The capabilities follow the provider of each line: a SIP line announces
 * hold (a re-INVITE, siphold.c), the peer's hold (ACTIVEHELD) and transfer
 * (REFER, sipxfer.c), as a switch station next to it does.  Answering a call
 * holds the active one on the switch (LINEANSWERMODE_HOLD), not on a SIP line
 * (NONE). */
#include "sip_helpers.h"

TEST(sip_caps_follow_the_provider)
{
    sh_config_line(sh_free_port(), "[line]\nname = Station 100\nnumber = 100\n");
    tapp a;
    t_init(&a, "caps");
    CHECK_EQ(a.ndevs, 2);
    const DWORD hold = LINECALLFEATURE_HOLD | LINECALLFEATURE_UNHOLD;
    const DWORD xfer = LINECALLFEATURE_SETUPTRANSFER | LINECALLFEATURE_COMPLETETRANSF |
                       LINECALLFEATURE_BLINDTRANSFER;
    union {
        LINEADDRESSCAPS ac;
        unsigned char raw[4096];
    } u;
    for (DWORD dev = 0; dev < 2; dev++) {
        union {
            LINEDEVCAPS dc;
            unsigned char raw[4096];
        } d;
        memset(&d, 0, sizeof(d));
        d.dc.dwTotalSize = sizeof(d);
        CHECK_RC(lineGetDevCaps(a.h, dev, T_API, 0, &d.dc), 0);
        /* answering a second call holds the first on the switch, not on SIP */
        CHECK_EQ(d.dc.dwAnswerMode, dev == 0 ? LINEANSWERMODE_NONE : LINEANSWERMODE_HOLD);
        memset(&u, 0, sizeof(u));
        u.ac.dwTotalSize = sizeof(u);
        CHECK_RC(lineGetAddressCaps(a.h, dev, 0, T_API, 0, &u.ac), 0);
        CHECK_EQ(u.ac.dwCallFeatures & LINECALLFEATURE_DROP, LINECALLFEATURE_DROP);
        CHECK_EQ(u.ac.dwCallFeatures & LINECALLFEATURE_SETUPCONF, LINECALLFEATURE_SETUPCONF);
        if (dev == 0) { /* SIP */
            CHECK_EQ(u.ac.dwCallFeatures & (hold | xfer), hold | xfer);
            CHECK_EQ(u.ac.dwConnectedModes,
                     LINECONNECTEDMODE_ACTIVE | LINECONNECTEDMODE_ACTIVEHELD);
            CHECK_EQ(u.ac.dwTransferModes,
                     LINETRANSFERMODE_TRANSFER | LINETRANSFERMODE_CONFERENCE);
            CHECK_EQ(u.ac.dwCallFeatures2,
                     LINECALLFEATURE2_TRANSFERNORM | LINECALLFEATURE2_TRANSFERCONF);
            CHECK_EQ(u.ac.dwAddrCapFlags & LINEADDRCAPFLAGS_TRANSFERMAKE,
                     LINEADDRCAPFLAGS_TRANSFERMAKE);
            /* a transfer's progress comes as LINE_CALLINFO(DEVSPECIFIC) */
            CHECK_EQ(u.ac.dwCallInfoStates & LINECALLINFOSTATE_DEVSPECIFIC,
                     LINECALLINFOSTATE_DEVSPECIFIC);
            /* a transferred call names the referring party (Referred-By) */
            CHECK_EQ(u.ac.dwRedirectingIDFlags & (LINECALLPARTYID_ADDRESS | LINECALLPARTYID_NAME),
                     LINECALLPARTYID_ADDRESS | LINECALLPARTYID_NAME);
        } else { /* the switch */
            CHECK_EQ(u.ac.dwCallFeatures & (hold | xfer), hold | xfer);
            CHECK_EQ(u.ac.dwConnectedModes, LINECONNECTEDMODE_ACTIVE);
            CHECK_EQ(u.ac.dwTransferModes,
                     LINETRANSFERMODE_TRANSFER | LINETRANSFERMODE_CONFERENCE);
            /* a forwarded or redirected call names who sent it (lineForward, lineRedirect) */
            CHECK_EQ(u.ac.dwRedirectingIDFlags,
                     LINECALLPARTYID_ADDRESS | LINECALLPARTYID_NAME | LINECALLPARTYID_UNAVAIL);
            CHECK_EQ(u.ac.dwCallInfoStates & LINECALLINFOSTATE_DEVSPECIFIC, 0);
        }
    }
    t_shutdown(&a);
}
