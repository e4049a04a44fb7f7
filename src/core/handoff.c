/* lineHandoff: gives ownership of a call to another application, either the
 * one named (directed: the name it gave lineInitialize(Ex)) or the one that
 * should handle a media mode (the first on lineSetAppPriority's list for
 * that mode among the applications that opened the call's line as owner for
 * it, else the first such open).  The target gets an owner handle
 * (LINE_APPNEWCALL, then LINE_CALLSTATE with the owner privilege in
 * dwParam3), or its monitor handle becomes an owner one; the other
 * applications with a handle get LINE_CALLINFO(NUMOWNERINCR).  The caller
 * keeps its handle. */
#include <string.h>
#include <strings.h>

#include "ot.h"
#include "rpc.h"
#include "precond.h"

/* The media modes an application can be handed a call for. */
#define OT_HANDOFF_MEDIA 0x00FFFFFEu

/* The target open on the call's line, or NULL; *self tells whether the
 * caller's application would have been one. */
static struct ot_open *find_target(struct ot_call *c, const struct ot_app *me, LPCSTR name,
                                   DWORD media, bool *self)
{
    struct ot_open *best = NULL, *first = NULL;
    DWORD best_prio = 0;
    *self = false;
    struct ot_list *pos;
    for (pos = c->ld->opens.next; pos != &c->ld->opens; pos = pos->next) {
        struct ot_open *o = ot_container_of(pos, struct ot_open, ld_link);
        if (name) {
            if (strcasecmp(o->app->name, name) != 0)
                continue;
            if (o->app == me) {
                *self = true;
                continue;
            }
            /* an owner open of the target first */
            if (!first || (!(first->privileges & LINECALLPRIVILEGE_OWNER) &&
                           (o->privileges & LINECALLPRIVILEGE_OWNER)))
                first = o;
            continue;
        }
        if (!(o->privileges & LINECALLPRIVILEGE_OWNER) || !(o->media_modes & media))
            continue;
        if (o->app == me) {
            *self = true;
            continue;
        }
        if (!first)
            first = o;
        DWORD prio = ot_app_priority(o->app->name, media, 0);
        if (prio && (!best_prio || prio < best_prio)) {
            best_prio = prio;
            best = o;
        }
    }
    return best ? best : first;
}

LONG lineHandoff(HCALL hCall, LPCSTR lpszFileName, DWORD dwMediaMode)
{
    OT_REMOTE(lineHandoff, hCall, lpszFileName, dwMediaMode);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = ot_precheck(OT_FN_HANDOFF, hCall, NULL, 0, &r);
    if (rc)
        goto out;
    if (lpszFileName && !*lpszFileName) {
        rc = LINEERR_INVALPARAM;
        goto out;
    }
    if (!lpszFileName &&
        (!dwMediaMode || (dwMediaMode & (dwMediaMode - 1)) || (dwMediaMode & ~OT_HANDOFF_MEDIA))) {
        rc = LINEERR_INVALMEDIAMODE;
        goto out;
    }
    {
        struct ot_call *c = r->call;
        bool self;
        struct ot_open *to = find_target(c, r->open->app, lpszFileName, dwMediaMode, &self);
        if (!to) {
            rc = self ? LINEERR_TARGETSELF : LINEERR_TARGETNOTFOUND;
            goto out;
        }
        /* Its handle to the call, if it has one. */
        struct ot_callref *t = NULL;
        struct ot_list *pos;
        for (pos = c->refs.next; pos != &c->refs; pos = pos->next) {
            struct ot_callref *x = ot_container_of(pos, struct ot_callref, call_link);
            if (x->open->app == to->app)
                t = x;
        }
        if (t && t->privilege == LINECALLPRIVILEGE_OWNER)
            goto out; /* it owns the call already */
        bool upgraded = t != NULL;
        if (t) {
            t->call->num_monitors--;
            t->call->num_owners++;
            t->privilege = LINECALLPRIVILEGE_OWNER;
            t->announce_privilege = true;
        } else {
            t = ot_callref_create(c, to, LINECALLPRIVILEGE_OWNER, true);
            if (!t) {
                rc = LINEERR_NOMEM;
                goto out;
            }
            t->announce_newcall = true;
        }
        ot_callref_post_state(t);
        ot_call_post_callinfo(c, LINECALLINFOSTATE_NUMOWNERINCR |
                                     (upgraded ? LINECALLINFOSTATE_NUMMONITORS : 0),
                              t);
    }
out:
    ot_unlock();
    return rc;
}
