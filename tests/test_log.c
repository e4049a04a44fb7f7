/* The library's log records in the test runner (tests/main.c): captured per
 * test, asserted with T_LOG_EXPECT (which consumes up to the record it found)
 * or taken whole with t_log_take. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <unistd.h>

#include "test.h"

static LONG init_bad(const char *text)
{
    t_config(text);
    HLINEAPP h = 0;
    DWORD n = 0, api = T_API;
    LINEINITIALIZEEXPARAMS p;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = sizeof(p);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    LONG rc = lineInitializeEx(&h, NULL, NULL, "log", &n, &api, &p);
    CHECK_EQ(h, 0);
    return rc;
}

TEST(log_records_captured_per_test)
{
    CHECK_RC(init_bad("[line]\nnumber = 1\nreject = perhaps\n"), LINEERR_INIFILECORRUPT);
    T_LOG_EXPECT("line 3: reject");
    /* each expectation consumes the records up to the one it found */
    CHECK_RC(init_bad("[line]\nnumber = 1\nuui = -1\n"), LINEERR_INIFILECORRUPT);
    T_LOG_EXPECT("line 3: uui");
    /* consumed: a second start logs it again, t_log_take gets it whole */
    CHECK_RC(init_bad("[line]\nnumber = 1\nsharing = sometimes\n"), LINEERR_INIFILECORRUPT);
    char all[1024];
    t_log_take(all, sizeof(all));
    if (!strstr(all, "opentapi: error: config: ") || !strstr(all, "line 3: sharing") ||
        strstr(all, "reject"))
        FAIL("t_log_take gave \"%s\"", all);
    CHECK_RC(otSetConfig(NULL), 0);
}
