/* Basic call life: make, offer, answer, drop with UUI, query after IDLE, deallocate. */
#include "test.h"

TEST(init_shutdown_default_topology)
{
    tapp a;
    t_init(&a, "basic");
    CHECK_EQ(a.ndevs, 15);
    t_expect_none(&a);
    t_shutdown(&a);
}

TEST(drop_connected_call_with_uui)
{
    tapp a, b;
    t_init(&a, "caller");
    t_init(&b, "callee");
    HLINE la = t_open(&a, 0, LINECALLPRIVILEGE_NONE);
    HLINE lb = t_open(&b, 1, LINECALLPRIVILEGE_OWNER);
    HCALL ha, hb;
    t_connect(&a, la, &b, lb, "101", &ha, &hb);

    static const unsigned char uui[] = {0x04, 'b', 'y', 'e', 0x00, 0xff};
    LONG req = lineDrop(ha, (LPCSTR)uui, sizeof(uui));
    CHECK_REQ(req);
    t_expect_state(&a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&a, req, 0);
    t_expect_callinfo(&b, hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    unsigned char got[256];
    CHECK_EQ(t_uui(hb, got, sizeof(got)), sizeof(uui));
    CHECK_MEM(got, uui, sizeof(uui));
    t_drop_idle(&b, hb);
    CHECK_RC(lineDeallocateCall(ha), 0);
    t_expect_none(&a);
    t_expect_none(&b);
    t_shutdown(&a);
    t_shutdown(&b);
}
