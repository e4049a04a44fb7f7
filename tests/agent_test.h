/* Helpers shared by the agent tests (test_agent.c, test_agent_example.c,
 * test_proxy_limits.c). */
#ifndef OT_AGENT_TEST_H
#define OT_AGENT_TEST_H

#include "test.h"

/* The next message must be msg on hDevice dev with these parameters. */
void expect_msg_(tapp *a, DWORD msg, DWORD dev, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3,
                 const char *f, int l);
#define expect_msg(a, msg, dev, p1, p2, p3) expect_msg_(a, msg, dev, p1, p2, p3, __FILE__, __LINE__)
/* The next message must be the LINE_REPLY of req (a request ID); its result. */
LONG wait_reply_on(tapp *a, LONG req);
/* lineOpen as a proxy of the n request types (LINECALLPARAMS' DevSpecific: the list). */
struct popen {
    LINECALLPARAMS cp;
    DWORD types[24];
};
LONG open_proxy(tapp *a, DWORD dev, const DWORD *types, DWORD n, DWORD_PTR inst, HLINE *hl);
/* The LINE_PROXYREQUEST the proxy must get next, on its line pl: the request. */
LINEPROXYREQUEST *expect_request_(tapp *p, HLINE pl, DWORD_PTR inst, DWORD type, const char *f,
                                  int l);
#define expect_request(p, pl, inst, type) expect_request_(p, pl, inst, type, __FILE__, __LINE__)
/* A string of a variable-size structure (size/offset from base), checked. */
const char *entry_name(const unsigned char *base, DWORD size, DWORD off);

#endif
