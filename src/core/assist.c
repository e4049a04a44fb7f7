/* Assisted telephony: tapiRequestMakeCall from any application (or any
 * program thread) reaches the application registered as the request
 * recipient (lineRegisterRequestRecipient), which is told by LINE_REQUEST
 * and takes the request with lineGetRequest; it then places the call as it
 * wants.  Among several recipients the one first in lineSetAppPriority's
 * list for LINEREQUESTMODE_MAKECALL (by application name) gets it, else the
 * one that registered first.  State is guarded by the core lock. */
#include <stdlib.h>
#include <string.h>

#include "ot.h"
#include "rpc.h"

#define OT_REQUEST_QUEUE 16 /* pending requests per recipient */

struct recipient {
    struct ot_app *app;
    DWORD instance; /* dwRegistrationInstance: LINE_REQUEST's dwCallbackInstance */
    DWORD modes;    /* LINEREQUESTMODE_ bits */
    unsigned head, count;
    LINEREQMAKECALL queue[OT_REQUEST_QUEUE];
    struct recipient *next; /* in registration order */
};
static struct recipient *recipients;

static struct recipient **find(const struct ot_app *a)
{
    struct recipient **pp = &recipients;
    while (*pp && (*pp)->app != a)
        pp = &(*pp)->next;
    return pp;
}

void ot_assist_app_gone(struct ot_app *a)
{
    struct recipient **pp = find(a), *r = *pp;
    if (r) {
        *pp = r->next;
        free(r);
    }
}

#define REQUEST_MODES (LINEREQUESTMODE_MAKECALL | LINEREQUESTMODE_MEDIACALL)

LONG lineRegisterRequestRecipient(HLINEAPP hLineApp, DWORD dwRegistrationInstance,
                                  DWORD dwRequestMode, DWORD bEnable)
{
    OT_REMOTE(lineRegisterRequestRecipient, hLineApp, dwRegistrationInstance, dwRequestMode,
              bEnable);
    ot_lock();
    LONG rc = ot_check_started();
    struct ot_app *a = rc ? NULL : ot_app_get(hLineApp);
    if (!rc && !a)
        rc = LINEERR_INVALAPPHANDLE;
    else if (!rc && (!dwRequestMode || (dwRequestMode & ~(DWORD)REQUEST_MODES)))
        rc = LINEERR_INVALREQUESTMODE;
    if (rc)
        goto out;
    struct recipient **pp = find(a), *r = *pp;
    if (bEnable) {
        if (!r) {
            if (!(r = calloc(1, sizeof(*r)))) {
                rc = LINEERR_NOMEM;
                goto out;
            }
            r->app = a;
            *pp = r; /* at the end: registration order */
        }
        r->instance = dwRegistrationInstance;
        r->modes |= dwRequestMode;
    } else if (r) {
        r->modes &= ~dwRequestMode;
        if (!r->modes) { /* pending requests go with the registration */
            *pp = r->next;
            free(r);
        }
    }
out:
    ot_unlock();
    return rc;
}

LONG lineGetRequest(HLINEAPP hLineApp, DWORD dwRequestMode, LPVOID lpRequestBuffer)
{
    OT_REMOTE(lineGetRequest, hLineApp, dwRequestMode, lpRequestBuffer);
    ot_lock();
    LONG rc = ot_check_started();
    struct ot_app *a = rc ? NULL : ot_app_get(hLineApp);
    if (!rc && !a)
        rc = LINEERR_INVALAPPHANDLE;
    else if (!rc && dwRequestMode != LINEREQUESTMODE_MAKECALL &&
             dwRequestMode != LINEREQUESTMODE_MEDIACALL)
        rc = LINEERR_INVALREQUESTMODE;
    else if (!rc && !lpRequestBuffer)
        rc = LINEERR_INVALPOINTER;
    if (rc)
        goto out;
    struct recipient *r = *find(a);
    if (!r || !(r->modes & dwRequestMode))
        rc = LINEERR_NOTREGISTERED;
    else if (dwRequestMode != LINEREQUESTMODE_MAKECALL || !r->count)
        rc = LINEERR_NOREQUEST; /* media-call requests are never made (obsolete) */
    else {
        memcpy(lpRequestBuffer, &r->queue[r->head], sizeof(LINEREQMAKECALL));
        r->head = (r->head + 1) % OT_REQUEST_QUEUE;
        r->count--;
    }
out:
    ot_unlock();
    return rc;
}

static void copy_field(char *dst, size_t cap, const char *s)
{
    size_t n = s ? strnlen(s, cap - 1) : 0;
    if (n)
        memcpy(dst, s, n);
    dst[n] = '\0';
}

LONG tapiRequestMakeCall(LPCSTR lpszDestAddress, LPCSTR lpszAppName, LPCSTR lpszCalledParty,
                         LPCSTR lpszComment)
{
    if (!lpszDestAddress || !*lpszDestAddress ||
        strnlen(lpszDestAddress, TAPIMAXDESTADDRESSSIZE) >= TAPIMAXDESTADDRESSSIZE)
        return TAPIERR_INVALDESTADDRESS;
    for (const char *p = lpszDestAddress; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return TAPIERR_INVALDESTADDRESS;
    /* A client of the telephony service: the recipients are the service's. */
    OT_REMOTE(tapiRequestMakeCall, lpszDestAddress, lpszAppName, lpszCalledParty, lpszComment);
    ot_lock();
    /* The recipient: first on the MAKECALL priority list, else the first registered. */
    struct recipient *first = NULL, *best = NULL;
    DWORD best_prio = 0;
    for (struct recipient *r = ot_g.started ? recipients : NULL; r; r = r->next) {
        if (!(r->modes & LINEREQUESTMODE_MAKECALL))
            continue;
        if (!first)
            first = r;
        DWORD prio = ot_app_priority(r->app->name, 0, LINEREQUESTMODE_MAKECALL);
        if (prio && (!best_prio || prio < best_prio)) {
            best_prio = prio;
            best = r;
        }
    }
    struct recipient *to = best ? best : first;
    LONG rc = 0;
    if (!to)
        rc = TAPIERR_NOREQUESTRECIPIENT;
    else if (to->count == OT_REQUEST_QUEUE)
        rc = TAPIERR_REQUESTQUEUEFULL;
    else {
        LINEREQMAKECALL *q = &to->queue[(to->head + to->count) % OT_REQUEST_QUEUE];
        memset(q, 0, sizeof(*q));
        copy_field(q->szDestAddress, sizeof(q->szDestAddress), lpszDestAddress);
        copy_field(q->szAppName, sizeof(q->szAppName), lpszAppName);
        copy_field(q->szCalledParty, sizeof(q->szCalledParty), lpszCalledParty);
        copy_field(q->szComment, sizeof(q->szComment), lpszComment);
        to->count++;
        ot_app_post(to->app, 0, LINE_REQUEST, to->instance, LINEREQUESTMODE_MAKECALL, 0, 0);
    }
    ot_unlock();
    return rc;
}
