/* Expectations for the digit, tone and media messages (test_digits.c and the
 * SIP digit tests). */
#ifndef OT_DIGIT_HELPERS_H
#define OT_DIGIT_HELPERS_H
#include "test.h"

/* The next message must be msg for hCall h with dwParam1 p1 and dwParam2 p2. */
static inline void t_expect_msg_(tapp *a, HCALL h, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
                                 const char *f, int l)
{
    LINEMESSAGE m = t_next(a);
    if (m.dwMessageID != msg || m.hDevice != h || m.dwParam1 != p1 || m.dwParam2 != p2)
        ot_test_fail(f, l,
                     "%s: expected message %lu(h=%08x p1=%#lx p2=%#lx), got %lu(h=%08x p1=%#lx "
                     "p2=%#lx)",
                     a->name, (unsigned long)msg, (unsigned)h, (unsigned long)p1,
                     (unsigned long)p2, (unsigned long)m.dwMessageID, (unsigned)m.hDevice,
                     (unsigned long)m.dwParam1, (unsigned long)m.dwParam2);
}
#define t_expect_msg(a, h, msg, p1, p2) t_expect_msg_(a, h, msg, p1, p2, __FILE__, __LINE__)
#define t_expect_digit(a, h, d, mode) t_expect_msg(a, h, LINE_MONITORDIGITS, (DWORD)(d), mode)
#define t_expect_generate(a, h, term) t_expect_msg(a, h, LINE_GENERATE, term, 0)
#define t_expect_gather(a, h, term) t_expect_msg(a, h, LINE_GATHERDIGITS, term, 0)
/* A DTMF digit as a monitor of DTMF | DTMFEND sees it: its start, then its end. */
#define t_expect_dtmf(a, h, d)                                                                 \
    do {                                                                                       \
        t_expect_digit(a, h, d, LINEDIGITMODE_DTMF);                                           \
        t_expect_digit(a, h, d, LINEDIGITMODE_DTMFEND);                                        \
    } while (0)
#endif
