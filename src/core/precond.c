/* The preconditions of the call functions as one table (precond.h). */
#include <stddef.h>
#include <string.h>

#include "precond.h"

#define S(x) LINECALLSTATE_##x
/* Every state a call can be in but IDLE. */
#define NOT_IDLE                                                                               \
    (S(OFFERING) | S(ACCEPTED) | S(DIALTONE) | S(DIALING) | S(RINGBACK) | S(BUSY) |           \
     S(SPECIALINFO) | S(CONNECTED) | S(PROCEEDING) | S(ONHOLD) | S(CONFERENCED) |             \
     S(ONHOLDPENDCONF) | S(ONHOLDPENDTRANSFER) | S(DISCONNECTED) | S(UNKNOWN))
#define ANY_STATE 0xFFFFFFFFu /* not checked (a call not yet in a state too) */

/* CONNECTED calls: which connected modes the function takes. */
enum conn { CONN_ACTIVE, /* any mode but INACTIVE */ CONN_INACTIVE /* only INACTIVE */ };

#define NO_UUI ((size_t)-1)
#define UUI(field) offsetof(struct ot_line_conf, field)

static const struct ot_precond {
    bool owner;        /* LINECALLPRIVILEGE_OWNER needed (else any handle) */
    DWORD states;      /* LINECALLSTATE_ bits the call may be in */
    enum conn conn;    /* when CONNECTED is among them */
    size_t uui_limit;  /* the struct ot_line_conf limit of its UUI, or NO_UUI */
    bool uui_required; /* a UUI buffer and a size > 0 must be given */
} table[OT_FN_COUNT] = {
    [OT_FN_DIAL] = {true, S(DIALTONE) | S(DIALING) | S(PROCEEDING), CONN_ACTIVE, NO_UUI, false},
    /* answering a CONNECTED/INACTIVE appearance rejoins a bridged call */
    [OT_FN_ANSWER] = {true, S(OFFERING) | S(ACCEPTED) | S(CONNECTED), CONN_INACTIVE,
                      UUI(uui_answer), false},
    [OT_FN_ACCEPT] = {true, S(OFFERING), CONN_ACTIVE, UUI(uui_accept), false},
    /* an inactive shared appearance is not on the call here */
    [OT_FN_DROP] = {true, NOT_IDLE, CONN_ACTIVE, UUI(uui_drop), false},
    [OT_FN_SENDUUI] = {true, S(CONNECTED) | S(OFFERING) | S(ACCEPTED) | S(RINGBACK), CONN_ACTIVE,
                       UUI(uui_send), true},
    [OT_FN_RELEASEUUI] = {true, ANY_STATE, CONN_ACTIVE, NO_UUI, false},
    [OT_FN_HOLD] = {true, S(CONNECTED), CONN_ACTIVE, NO_UUI, false},
    [OT_FN_UNHOLD] = {true, S(ONHOLD), CONN_ACTIVE, NO_UUI, false},
    [OT_FN_SETCALLDATA] = {true, NOT_IDLE, CONN_ACTIVE, NO_UUI, false},
    [OT_FN_SETCALLPARAMS] = {true, NOT_IDLE, CONN_ACTIVE, NO_UUI, false},
    /* Microsoft: "the call state of hCall can be any state" */
    [OT_FN_SETMEDIAMODE] = {true, ANY_STATE, CONN_ACTIVE, NO_UUI, false},
    [OT_FN_SETTREATMENT] = {true, ANY_STATE, CONN_ACTIVE, NO_UUI, false},
    [OT_FN_HANDOFF] = {true, ANY_STATE, CONN_ACTIVE, NO_UUI, false},
};

LONG ot_precheck(enum ot_fn fn, HCALL hCall, const void *uui, DWORD size,
                 struct ot_callref **out)
{
    const struct ot_precond *p = &table[fn];
    if (!ot_g.started)
        return LINEERR_UNINITIALIZED;
    struct ot_callref *r = ot_callref_get(hCall);
    if (!r)
        return LINEERR_INVALCALLHANDLE;
    if (p->owner && r->privilege != LINECALLPRIVILEGE_OWNER)
        return LINEERR_NOTOWNER;
    const struct ot_call *c = r->call;
    bool inactive = c->state == LINECALLSTATE_CONNECTED && c->mode == LINECONNECTEDMODE_INACTIVE;
    if ((p->states != ANY_STATE && !(c->state & p->states)) ||
        (c->state == LINECALLSTATE_CONNECTED && inactive != (p->conn == CONN_INACTIVE)))
        return LINEERR_INVALCALLSTATE;
    if (p->uui_required) {
        if (!uui)
            return LINEERR_INVALPOINTER;
        if (size == 0)
            return LINEERR_INVALPARAM;
    }
    if (p->uui_limit != NO_UUI) {
        DWORD limit;
        memcpy(&limit, (const char *)&c->ld->conf + p->uui_limit, sizeof(limit));
        LONG rc = ot_check_uui(uui, size, limit);
        if (rc)
            return rc;
    }
    *out = r;
    return 0;
}

DWORD ot_provider_call_features(const struct ot_provider *p)
{
    /* Every LINECALLFEATURE_ bit that needs a provider operation, with it;
     * bits not listed are the core's own. */
    const struct {
        DWORD bits;
        bool have;
    } needs[] = {
        {LINECALLFEATURE_ACCEPT, p->accept != NULL},
        {LINECALLFEATURE_ANSWER, p->answer != NULL},
        {LINECALLFEATURE_DIAL, p->dial != NULL},
        {LINECALLFEATURE_DROP, p->drop != NULL},
        {LINECALLFEATURE_HOLD, p->hold != NULL},
        {LINECALLFEATURE_UNHOLD, p->unhold != NULL},
        {LINECALLFEATURE_SENDUSERUSER, p->send_uui != NULL},
        {LINECALLFEATURE_SETUPCONF, p->setup_conf != NULL},
        {LINECALLFEATURE_PREPAREADDCONF, p->prepare_add != NULL},
        {LINECALLFEATURE_ADDTOCONF, p->add_to_conf != NULL},
        {LINECALLFEATURE_REMOVEFROMCONF, p->remove_from_conf != NULL},
        {LINECALLFEATURE_SETUPTRANSFER, p->setup_transfer != NULL},
        {LINECALLFEATURE_COMPLETETRANSF, p->complete_transfer != NULL},
        {LINECALLFEATURE_BLINDTRANSFER, p->blind_transfer != NULL},
        {LINECALLFEATURE_GENERATEDIGITS | LINECALLFEATURE_GENERATETONE |
             LINECALLFEATURE_MONITORDIGITS | LINECALLFEATURE_GATHERDIGITS |
             LINECALLFEATURE_MONITORTONES | LINECALLFEATURE_MONITORMEDIA,
         false},
    };
    DWORD mask = 0xFFFFFFFFu;
    for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++)
        if (!needs[i].have)
            mask &= ~needs[i].bits;
    return mask | ot_media_call_features(p);
}
