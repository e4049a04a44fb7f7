/* The library's log records in the test runner (tests/main.c): captured per
 * test and asserted with T_LOG_EXPECT; written to fd 2 instead while a test
 * points fd 2 elsewhere itself, so a test can read them as stderr. */
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
    T_LOG_EXPECT("opentapi: error: config: line 3: reject");
    CHECK_RC(otSetConfig(NULL), 0);
}

TEST(log_records_follow_a_redirected_stderr)
{
    char path[] = "/tmp/opentapi-test-log-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    unlink(path);
    fflush(stderr);
    int saved = dup(2);
    CHECK(saved >= 0);
    CHECK(dup2(fd, 2) == 2);
    LONG rc = init_bad("[line]\nnumber = 1\nsharing = sometimes\n");
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char text[1024];
    ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
    close(fd);
    text[n > 0 ? n : 0] = '\0';
    CHECK_RC(otSetConfig(NULL), 0);
    CHECK_RC(rc, LINEERR_INIFILECORRUPT);
    if (!strstr(text, "opentapi: error: config: line 3: sharing"))
        FAIL("the redirected stderr has \"%s\", not the configuration error", text);
}
