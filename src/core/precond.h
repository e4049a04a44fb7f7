/* Preconditions of the call functions, as data (precond.c): which privilege
 * a function needs, which call states it acts in, and which LINEDEVCAPS UUI
 * limit applies to the user-user information it carries.  One checker applies
 * them in the order Microsoft documents: handle, privilege, state, UUI. */
#ifndef OT_CORE_PRECOND_H
#define OT_CORE_PRECOND_H
#include "ot.h"

enum ot_fn {
    OT_FN_DIAL,
    OT_FN_ANSWER,
    OT_FN_ACCEPT,
    OT_FN_DROP,
    OT_FN_SENDUUI,
    OT_FN_RELEASEUUI,
    OT_FN_HOLD,
    OT_FN_UNHOLD,
    OT_FN_SETCALLDATA,
    OT_FN_SETCALLPARAMS,
    OT_FN_SETMEDIAMODE,
    OT_FN_SETTREATMENT,
    OT_FN_HANDOFF,
    OT_FN_COUNT
};

/* Checks hCall against fn's row: the core is started, the handle is valid,
 * the privilege and the call state are right and (for functions that carry
 * UUI) the UUI fits the line's limit.  Returns 0 with *out set, or the
 * LINEERR_ of the first check that fails.  Core lock held. */
OT_HIDDEN LONG ot_precheck(enum ot_fn fn, HCALL hCall, const void *uui, DWORD size,
                           struct ot_callref **out);
/* The LINECALLFEATURE_ bits provider p can carry out (its operations that
 * exist); the capability structures announce no others. */
OT_HIDDEN DWORD ot_provider_call_features(const struct ot_provider *p);
#endif
