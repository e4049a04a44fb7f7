/* lineOpen(LINEMAPPER) and lineGetID for a client of the telephony service
 * whose [access] rules show it some lines only: the mapper chooses among the
 * lines the client may open with the privilege asked for, and lineGetID
 * answers the client's own device IDs. */
#define _GNU_SOURCE
#include <grp.h>
#include <stdlib.h>
#include <unistd.h>

#include "svc_helpers.h"

static void become_nobody(void)
{
    if (geteuid() != 0)
        FAIL("this test changes the client's user: run it as root (as CI does)");
    CHECK_RC(setgroups(0, NULL), 0);
    CHECK_RC(setresgid(65534, 65534, 65534), 0);
    CHECK_RC(setresuid(65534, 65534, 65534), 0);
}

static DWORD device_of(HLINE hl)
{
    union {
        VARSTRING v;
        unsigned char raw[sizeof(VARSTRING) + 16];
    } u;
    memset(&u, 0, sizeof(u));
    u.v.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetID(hl, 0, 0, LINECALLSELECT_LINE, &u.v, "tapi/line"), 0);
    CHECK_EQ(u.v.dwStringSize, sizeof(DWORD));
    DWORD id;
    memcpy(&id, u.raw + u.v.dwStringOffset, sizeof(id));
    return id;
}

static LONG mapper(tapp *a, DWORD priv, const char *number, HLINE *hl)
{
    union {
        LINECALLPARAMS cp;
        unsigned char raw[sizeof(LINECALLPARAMS) + 16];
    } u;
    memset(&u, 0, sizeof(u));
    u.cp.dwTotalSize = sizeof(u);
    if (number) {
        u.cp.dwAddressMode = LINEADDRESSMODE_DIALABLEADDR;
        u.cp.dwOrigAddressSize = (DWORD)strlen(number) + 1;
        u.cp.dwOrigAddressOffset = sizeof(LINECALLPARAMS);
        memcpy(u.raw + sizeof(LINECALLPARAMS), number, strlen(number) + 1);
    }
    return lineOpen(a->h, LINEMAPPER, hl, T_API, 0, 0, priv, LINEMEDIAMODE_INTERACTIVEVOICE,
                    &u.cp);
}

static void role_mapper(void *arg)
{
    (void)arg;
    become_nobody();
    tapp a;
    t_init(&a, "nobody");
    /* [access]: 103 owner, 105 monitor: this client's devices 0 and 1. */
    CHECK_EQ(a.ndevs, 2);
    HLINE h1 = 0, h2 = 0, h3 = 0, x = 0;
    CHECK_RC(mapper(&a, LINECALLPRIVILEGE_OWNER, NULL, &h1), 0);
    CHECK_EQ(device_of(h1), 0); /* 103, the service's device 3 */
    CHECK_RC(mapper(&a, LINECALLPRIVILEGE_MONITOR, "105", &h2), 0);
    CHECK_EQ(device_of(h2), 1); /* 105, the service's device 5 */
    /* 105 is not ours to own; 100 is not ours at all. */
    CHECK_RC(mapper(&a, LINECALLPRIVILEGE_OWNER, "105", &x), LINEERR_LINEMAPPERFAILED);
    CHECK_RC(mapper(&a, LINECALLPRIVILEGE_MONITOR, "100", &x), LINEERR_LINEMAPPERFAILED);
    CHECK_RC(mapper(&a, LINECALLPRIVILEGE_MONITOR, "103", &h3), 0);
    CHECK_EQ(device_of(h3), 0);
    /* lineGetID of a call: the client's device ID too. */
    HCALL hc = t_make_call(&a, h1, "105", NULL, 0);
    union {
        VARSTRING v;
        unsigned char raw[sizeof(VARSTRING) + 16];
    } u;
    memset(&u, 0, sizeof(u));
    u.v.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetID(0, 0, hc, LINECALLSELECT_CALL, &u.v, "tapi/line"), 0);
    DWORD id;
    memcpy(&id, u.raw + u.v.dwStringOffset, sizeof(id));
    CHECK_EQ(id, 0);
    LONG req = lineDrop(hc, NULL, 0);
    CHECK_REQ(req);
    t_shutdown_with_calls(&a); /* the call's messages and monitor handles go with it */
}

TEST(service_linemapper_among_the_clients_lines)
{
    char conf[8192];
    snprintf(conf, sizeof(conf), "%s\n[access]\n103 = owner:nobody\n105 = monitor:nobody\n",
             otDefaultConfig());
    svc s;
    svc_start(&s, conf);
    svc_child c;
    svc_child_start(&c, &s, "nobody", role_mapper, NULL);
    svc_child_wait(&c);
    svc_stop(&s);
    svc_cleanup(&s);
}
