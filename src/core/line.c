/* Line devices and the applications' opens of them: lineOpen, lineClose, the
 * capability and status queries, lineGetNewCalls and status-message masks.
 * An open (HLINE) belongs to one application; closing it kills its call
 * handles at once and drops the calls it owned alone (if the line drops on close). */
#include <stdlib.h>
#include <string.h>

#include <sched.h>

#include "ot.h"
#include "precond.h"
#include "rpc.h"

#define OT_MEDIA_MODES                                                                         \
    (LINEMEDIAMODE_INTERACTIVEVOICE | LINEMEDIAMODE_UNKNOWN | LINEMEDIAMODE_AUTOMATEDVOICE)
#define OT_API_LOW 0x00010004u
#define OT_API_HIGH 0x00020002u

/* provider-facing accessors */
const struct ot_line_conf *ot_linedev_conf(const struct ot_linedev *ld) { return &ld->conf; }
DWORD ot_linedev_id(const struct ot_linedev *ld) { return ld->id; }
void ot_linedev_set_drv(struct ot_linedev *ld, void *drv) { ld->drv = drv; }
void *ot_linedev_drv(const struct ot_linedev *ld) { return ld->drv; }
bool ot_linedev_is_open(const struct ot_linedev *ld) { return !ot_list_empty(&ld->opens); }

struct ot_open *ot_open_get(HLINE h)
{
    if (!ot_g.started)
        return NULL;
    return ot_handle_get(&ot_g.line_handles, h);
}

static LONG check_app_device(HLINEAPP happ, DWORD dev, struct ot_linedev **ldp)
{
    if (!ot_g.started)
        return LINEERR_UNINITIALIZED;
    if (!ot_app_get(happ))
        return LINEERR_INVALAPPHANDLE;
    if (dev == LINEMAPPER && ldp == NULL)
        return 0; /* lineOpen: chosen later (ot_line_mapper) */
    *ldp = ot_linedev_get(dev);
    return *ldp ? 0 : LINEERR_BADDEVICEID;
}

static LONG check_versions(DWORD api, DWORD ext)
{
    /* the published versions between 1.4 and 2.2 */
    if (api != 0x00010004u && api != 0x00020000u && api != 0x00020001u && api != 0x00020002u)
        return LINEERR_INCOMPATIBLEAPIVERSION;
    if (ext != 0)
        return LINEERR_INCOMPATIBLEEXTVERSION;
    return 0;
}

LONG lineOpen(HLINEAPP hLineApp, DWORD dwDeviceID, LPHLINE lphLine, DWORD dwAPIVersion,
              DWORD dwExtVersion, DWORD_PTR dwCallbackInstance, DWORD dwPrivileges,
              DWORD dwMediaModes, LPLINECALLPARAMS const lpCallParams)
{
    OT_REMOTE(lineOpen, hLineApp, dwDeviceID, lphLine, dwAPIVersion, dwExtVersion,
              dwCallbackInstance, dwPrivileges, dwMediaModes, lpCallParams);
    ot_lock();
    struct ot_linedev *ld = NULL;
    LONG rc = check_app_device(hLineApp, dwDeviceID, dwDeviceID == LINEMAPPER ? NULL : &ld);
    DWORD priv = dwPrivileges & ~(DWORD)(LINEOPENOPTION_SINGLEADDRESS | LINEOPENOPTION_PROXY);
    if (rc)
        goto out;
    if (!lphLine) {
        rc = LINEERR_INVALPOINTER;
        goto out;
    }
    if ((rc = check_versions(dwAPIVersion, dwExtVersion)))
        goto out;
    if (priv != LINECALLPRIVILEGE_NONE && priv != LINECALLPRIVILEGE_MONITOR &&
        priv != LINECALLPRIVILEGE_OWNER &&
        priv != (LINECALLPRIVILEGE_OWNER | LINECALLPRIVILEGE_MONITOR)) {
        rc = LINEERR_INVALPRIVSELECT;
        goto out;
    }
    DWORD proxy_types = 0; /* an ACD proxy's request types (agentapi.c) */
    if ((dwPrivileges & LINEOPENOPTION_PROXY) &&
        (rc = ot_proxy_open_check(priv, dwAPIVersion, lpCallParams, &proxy_types)))
        goto out;
    if (dwPrivileges & LINEOPENOPTION_SINGLEADDRESS) {
        if (!lpCallParams) {
            rc = LINEERR_INVALPOINTER;
            goto out;
        }
        if (lpCallParams->dwAddressID != 0) {
            rc = LINEERR_INVALADDRESSID;
            goto out;
        }
    }
    if (dwDeviceID == LINEMAPPER) {
        /* The first line with the media modes and call parameters asked for;
         * lineGetID("tapi/line") tells the application which. */
        DWORD dev = 0;
        if ((rc = ot_line_mapper(dwMediaModes, lpCallParams, NULL, 0, &dev)))
            goto out;
        ld = ot_linedev_get(dev);
    }
    if ((priv & LINECALLPRIVILEGE_OWNER) &&
        (!dwMediaModes || (dwMediaModes & ~(DWORD)OT_MEDIA_MODES))) {
        rc = LINEERR_INVALMEDIAMODE;
        goto out;
    }
    struct ot_open *o = calloc(1, sizeof(*o));
    if (!o) {
        rc = LINEERR_NOMEM;
        goto out;
    }
    o->handle = ot_handle_alloc(&ot_g.line_handles, o);
    if (!o->handle) {
        free(o);
        rc = LINEERR_NOMEM;
        goto out;
    }
    o->app = ot_app_get(hLineApp);
    o->ld = ld;
    o->privileges = priv == LINECALLPRIVILEGE_NONE ? 0 : priv;
    o->media_modes = dwMediaModes;
    o->api_version = dwAPIVersion;
    o->instance = dwCallbackInstance;
    ot_list_init(&o->refs);
    ot_list_add_tail(&o->app->opens, &o->app_link);
    ot_list_add_tail(&ld->opens, &o->ld_link);
    *lphLine = o->handle;
    ot_status_open_changed(o, LINEDEVSTATE_OPEN);
    o->proxy_types = proxy_types;
    if (proxy_types)
        ot_proxy_opened(o);
out:
    ot_unlock();
    return rc;
}

static void drop_on_close(struct ot_call *c)
{
    if (c->state == LINECALLSTATE_IDLE || c->provider_closed || !c->ld->prov->drop ||
        c->num_owners)
        return;
    /* Drop on close: nobody is left to hear the reply. */
    struct ot_req *q = ot_req_new(NULL, OT_REQ_GENERIC);
    if (!q) {
        ot_logc(OT_CAT_CORE, OTLOG_ERROR, "out of memory: call %u not dropped on close",
                (unsigned)c->call_id);
        return;
    }
    q->call = c;
    if (c->ld->prov->drop(q, c, NULL, 0) < 0)
        ot_req_discard(q);
}

/* lineClose / lineShutdown, so that closing an open with many calls never
 * holds the core lock for long:
 *
 * ot_open_close_begin (O(1)): the line handle goes, the open leaves its line
 * (no new call gets a handle on it) and is marked closing: from then on its
 * call handles are refused (LINEERR_INVALCALLHANDLE) and get no message, as
 * if they were gone, and no reply reaches the line.  An ACD proxy's open also
 * fails its pending proxy requests there (proxy.c: O(pending requests)).
 *
 * ot_teardown_finish: destroys the handles, then drops the calls the open
 * owned alone on a CLOSEDROP line (pinned meanwhile: kept even without
 * handles), conference calls first so that their parties go with them.  The
 * work goes in slices of OT_TEARDOWN_SLICE with the core lock released in
 * between, so the other applications' calls run meanwhile. */
#define OT_TEARDOWN_SLICE 256u

void ot_teardown_init(struct ot_teardown *t)
{
    memset(t, 0, sizeof(*t));
    ot_list_init(&t->opens);
}

static bool teardown_push(struct ot_teardown *t, struct ot_call *c)
{
    if (t->n == t->cap) {
        size_t ncap = t->cap ? t->cap * 2 : 64;
        struct ot_call **nc = realloc(t->calls, ncap * sizeof(*nc));
        if (!nc)
            return false;
        t->calls = nc;
        t->cap = ncap;
    }
    c->pins++;
    t->calls[t->n++] = c;
    return true;
}

void ot_open_close_begin(struct ot_open *o, struct ot_teardown *t)
{
    ot_handle_release(&ot_g.line_handles, o->handle);
    o->closing = true;
    ot_list_del(&o->ld_link);
    ot_status_open_changed(o, LINEDEVSTATE_CLOSE);
    ot_list_del(&o->app_link);
    ot_list_add_tail(&t->opens, &o->app_link);
    if (o->proxy_types)
        ot_proxy_closing(o);
}

/* Every so many units of work, the others get the lock: the mutex is not
 * fair (the unlocking thread would take it straight back), so this thread
 * waits, a bounded number of yields, until the threads that were waiting
 * for it have had it. */
static void teardown_yield(unsigned *work)
{
    if (++*work % OT_TEARDOWN_SLICE != 0)
        return;
    ot_unlock();
    for (unsigned i = 0;
         i < 1000u && atomic_load_explicit(&ot_g.lock_waiters, memory_order_relaxed) > 0; i++)
        sched_yield();
    ot_lock();
}

void ot_teardown_finish(struct ot_teardown *t)
{
    unsigned work = 0;
    while (!ot_list_empty(&t->opens)) {
        struct ot_open *o = ot_container_of(t->opens.next, struct ot_open, app_link);
        bool close_drop = o->ld->conf.close_drop;
        while (!ot_list_empty(&o->refs)) {
            struct ot_callref *r = ot_container_of(o->refs.next, struct ot_callref, open_link);
            struct ot_call *c = r->call;
            bool owner = r->privilege == LINECALLPRIVILEGE_OWNER;
            bool sole_owner = owner && c->num_owners == 1;
            ot_callref_destroy(r);
            if (sole_owner && close_drop && c->state != LINECALLSTATE_IDLE) {
                if (!teardown_push(t, c))
                    drop_on_close(c); /* no memory to order the drops: drop now */
            } else {
                /* As for lineDeallocateCall: the other handles hear of the change. */
                ot_call_post_callinfo(c, owner ? LINECALLINFOSTATE_NUMOWNERDECR
                                               : LINECALLINFOSTATE_NUMMONITORS,
                                      NULL);
            }
            ot_call_maybe_free(c);
            teardown_yield(&work);
        }
        struct ot_linedev *ld = o->ld;
        ot_list_del(&o->app_link);
        free(o);
        if (ot_list_empty(&ld->opens) && ld->prov->line_closed)
            ld->prov->line_closed(ld);
    }
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < t->n; i++) {
            struct ot_call *c = t->calls[i];
            if (!c || c->is_conf_parent != (pass == 0))
                continue;
            drop_on_close(c);
            /* Unpinned at once: its close goes with this slice's unlock (so
             * the list forgets it; the calls still listed are pinned). */
            t->calls[i] = NULL;
            c->pins--;
            ot_call_maybe_free(c);
            teardown_yield(&work);
        }
    free(t->calls);
    ot_teardown_init(t);
}

LONG lineClose(HLINE hLine)
{
    if (ot_client_active()) /* copies of proxy requests this process got on it */
        ot_client_proxy_forget(0, hLine);
    OT_REMOTE(lineClose, hLine);
    /* life_lock: the library cannot stop while the drops run unlocked. */
    pthread_mutex_lock(&ot_life_lock);
    ot_lock();
    LONG rc = ot_check_started();
    struct ot_open *o = rc ? NULL : ot_open_get(hLine);
    if (!rc && !o)
        rc = LINEERR_INVALLINEHANDLE;
    if (o) {
        struct ot_teardown t;
        ot_teardown_init(&t);
        ot_open_close_begin(o, &t);
        ot_teardown_finish(&t);
    }
    ot_unlock();
    pthread_mutex_unlock(&ot_life_lock);
    return rc;
}

/* Variable-size results: the fixed part must fit; variable parts follow it. */
static LONG var_begin(struct ot_varbuf *vb, void *p, DWORD fixed_min, DWORD fixed_full)
{
    DWORD total = *(DWORD *)p;
    if (total < fixed_min)
        return LINEERR_STRUCTURETOOSMALL;
    vb->base = p;
    vb->total = total;
    DWORD keep = total < fixed_full ? total : fixed_full;
    memset((unsigned char *)p + sizeof(DWORD), 0, keep - sizeof(DWORD));
    /* A short (older) fixed part has no room for the variable parts; what it
     * needs is the whole fixed part plus them, so that a buffer of dwNeededSize
     * bytes holds everything. */
    vb->used = keep;
    vb->needed = fixed_full;
    return 0;
}

static void var_end(struct ot_varbuf *vb)
{
    DWORD *hdr = (DWORD *)(void *)vb->base;
    hdr[1] = vb->needed;
    hdr[2] = vb->used;
}

/* Copy a filled local structure into the caller's, fixed part only up to its size. */
#define OT_FILL_BEGIN(type, local, user, minsize)                                              \
    type local;                                                                                \
    struct ot_varbuf vb;                                                                       \
    if (!(user)) {                                                                             \
        rc = LINEERR_INVALPOINTER;                                                             \
        goto out;                                                                              \
    }                                                                                          \
    if ((rc = var_begin(&vb, (user), (minsize), sizeof(type))))                                \
        goto out;                                                                              \
    memset(&local, 0, sizeof(local));                                                          \
    local.dwTotalSize = vb.total;

#define OT_FILL_END(local, user)                                                               \
    do {                                                                                       \
        DWORD keep_ = vb.total < sizeof(local) ? vb.total : (DWORD)sizeof(local);              \
        local.dwNeededSize = vb.needed;                                                        \
        local.dwUsedSize = vb.used;                                                            \
        memcpy((user), &local, keep_);                                                         \
        if (keep_ < sizeof(local))                                                             \
            var_end(&vb);                                                                      \
    } while (0)

LONG lineGetDevCaps(HLINEAPP hLineApp, DWORD dwDeviceID, DWORD dwAPIVersion, DWORD dwExtVersion,
                    LPLINEDEVCAPS lpLineDevCaps)
{
    OT_REMOTE(lineGetDevCaps, hLineApp, dwDeviceID, dwAPIVersion, dwExtVersion, lpLineDevCaps);
    ot_lock();
    struct ot_linedev *ld = NULL;
    LONG rc = check_app_device(hLineApp, dwDeviceID, &ld);
    if (rc || (rc = check_versions(dwAPIVersion, dwExtVersion)))
        goto out;
    {
        OT_FILL_BEGIN(LINEDEVCAPS, dc, lpLineDevCaps, offsetof(LINEDEVCAPS, dwSettableDevStatus))
        const struct ot_line_conf *cf = &ld->conf;
        char info[96];
        static const char classes[] = "tapi/line\0";
        strcpy(info, "opentapi ");
        strncat(info, cf->provider, sizeof(info) - strlen(info) - 1);
        ot_varbuf_put_str(&vb, info, &dc.dwProviderInfoSize, &dc.dwProviderInfoOffset);
        ot_varbuf_put_str(&vb, cf->party_line ? "party line" : "station", &dc.dwSwitchInfoSize,
                          &dc.dwSwitchInfoOffset);
        dc.dwPermanentLineID = ld->perm_id;
        ot_varbuf_put_str(&vb, cf->name, &dc.dwLineNameSize, &dc.dwLineNameOffset);
        dc.dwStringFormat = STRINGFORMAT_ASCII;
        dc.dwAddressModes = LINEADDRESSMODE_ADDRESSID;
        dc.dwNumAddresses = 1;
        dc.dwBearerModes = LINEBEARERMODE_VOICE;
        dc.dwMediaModes = OT_MEDIA_MODES;
        dc.dwDevCapFlags = LINEDEVCAPFLAGS_DIALBILLING | LINEDEVCAPFLAGS_DIALQUIET |
                           LINEDEVCAPFLAGS_DIALDIALTONE |
                           (cf->close_drop ? LINEDEVCAPFLAGS_CLOSEDROP : 0);
        dc.dwMaxNumActiveCalls = 1;
        dc.dwAnswerMode = ld->answer_mode ? ld->answer_mode : LINEANSWERMODE_HOLD;
        dc.dwRingModes = 1;
        dc.dwLineStates = ot_linedev_line_states(ld);
        dc.dwSettableDevStatus = ld->settable_status;
        dc.dwUUIAcceptSize = cf->uui_accept;
        dc.dwUUIAnswerSize = cf->uui_answer;
        dc.dwUUIMakeCallSize = cf->uui_make_call;
        dc.dwUUIDropSize = cf->uui_drop;
        dc.dwUUISendUserUserInfoSize = cf->uui_send;
        dc.dwUUICallInfoSize = cf->uui_call_info;
        dc.dwLineFeatures = LINEFEATURE_MAKECALL | ot_route_line_features(ld) |
                            (ld->settable_status ? LINEFEATURE_SETDEVSTATUS : 0);
        ot_media_devcaps(ld->prov, &dc);
        ot_varbuf_put(&vb, classes, sizeof(classes), &dc.dwDeviceClassesSize,
                      &dc.dwDeviceClassesOffset);
        dc.PermanentLineGuid.Data1 = ld->perm_id;
        OT_FILL_END(dc, lpLineDevCaps);
    }
out:
    ot_unlock();
    return rc;
}

/* Address capabilities depend on the line's configuration only. */
static DWORD addr_call_features(const struct ot_line_conf *cf)
{
    DWORD f = LINECALLFEATURE_ACCEPT | LINECALLFEATURE_ANSWER | LINECALLFEATURE_DIAL |
              LINECALLFEATURE_DROP | LINECALLFEATURE_HOLD | LINECALLFEATURE_UNHOLD |
              LINECALLFEATURE_SETCALLDATA | LINECALLFEATURE_SETCALLPARAMS;
    if (cf->uui_send)
        f |= LINECALLFEATURE_SENDUSERUSER | LINECALLFEATURE_RELEASEUSERUSERINFO;
    if (cf->max_conf)
        f |= LINECALLFEATURE_SETUPCONF | LINECALLFEATURE_PREPAREADDCONF |
             LINECALLFEATURE_ADDTOCONF | LINECALLFEATURE_REMOVEFROMCONF |
             LINECALLFEATURE_SETUPTRANSFER | LINECALLFEATURE_COMPLETETRANSF |
             LINECALLFEATURE_BLINDTRANSFER;
    return f;
}

LONG lineGetAddressCaps(HLINEAPP hLineApp, DWORD dwDeviceID, DWORD dwAddressID,
                        DWORD dwAPIVersion, DWORD dwExtVersion,
                        LPLINEADDRESSCAPS lpAddressCaps)
{
    OT_REMOTE(lineGetAddressCaps, hLineApp, dwDeviceID, dwAddressID, dwAPIVersion, dwExtVersion,
              lpAddressCaps);
    ot_lock();
    struct ot_linedev *ld = NULL;
    LONG rc = check_app_device(hLineApp, dwDeviceID, &ld);
    if (rc || (rc = check_versions(dwAPIVersion, dwExtVersion)))
        goto out;
    if (dwAddressID != 0) {
        rc = LINEERR_INVALADDRESSID;
        goto out;
    }
    {
        OT_FILL_BEGIN(LINEADDRESSCAPS, ac, lpAddressCaps,
                      offsetof(LINEADDRESSCAPS, dwPredictiveAutoTransferStates))
        const struct ot_line_conf *cf = &ld->conf;
        ac.dwLineDeviceID = ld->id;
        ot_varbuf_put_str(&vb, cf->number, &ac.dwAddressSize, &ac.dwAddressOffset);
        ac.dwAddressSharing = cf->sharing;
        ac.dwAddressStates = ot_linedev_address_states(ld);
        ac.dwCallInfoStates = LINECALLINFOSTATE_CALLERID | LINECALLINFOSTATE_CALLEDID |
                              LINECALLINFOSTATE_CONNECTEDID | LINECALLINFOSTATE_USERUSERINFO |
                              LINECALLINFOSTATE_NUMOWNERINCR | LINECALLINFOSTATE_NUMOWNERDECR |
                              LINECALLINFOSTATE_NUMMONITORS | LINECALLINFOSTATE_RELATEDCALLID |
                              LINECALLINFOSTATE_APPSPECIFIC | LINECALLINFOSTATE_CALLDATA |
                              LINECALLINFOSTATE_MEDIAMODE;
        ac.dwCallerIDFlags = ac.dwCalledIDFlags = ac.dwConnectedIDFlags =
            LINECALLPARTYID_ADDRESS | LINECALLPARTYID_NAME | LINECALLPARTYID_UNKNOWN;
        ac.dwRedirectionIDFlags = ac.dwRedirectingIDFlags = LINECALLPARTYID_UNAVAIL;
        if (ld->prov->size > offsetof(struct ot_provider, redirecting_id_flags))
            ac.dwRedirectingIDFlags |= ld->prov->redirecting_id_flags;
        if (ld->prov->size > offsetof(struct ot_provider, call_info_states))
            ac.dwCallInfoStates |= ld->prov->call_info_states;
        ac.dwCallStates = LINECALLSTATE_IDLE | LINECALLSTATE_OFFERING | LINECALLSTATE_ACCEPTED |
                          LINECALLSTATE_DIALTONE | LINECALLSTATE_DIALING |
                          LINECALLSTATE_RINGBACK | LINECALLSTATE_BUSY |
                          LINECALLSTATE_CONNECTED | LINECALLSTATE_PROCEEDING |
                          LINECALLSTATE_ONHOLD | LINECALLSTATE_DISCONNECTED |
                          (cf->max_conf ? LINECALLSTATE_CONFERENCED |
                                              LINECALLSTATE_ONHOLDPENDCONF |
                                              LINECALLSTATE_ONHOLDPENDTRANSFER
                                        : 0);
        ac.dwDialToneModes = LINEDIALTONEMODE_NORMAL;
        ac.dwBusyModes = LINEBUSYMODE_STATION;
        ac.dwSpecialInfo = LINESPECIALINFO_UNAVAIL;
        ac.dwDisconnectModes = LINEDISCONNECTMODE_NORMAL | LINEDISCONNECTMODE_UNKNOWN |
                               LINEDISCONNECTMODE_REJECT | LINEDISCONNECTMODE_BUSY |
                               LINEDISCONNECTMODE_NOANSWER | LINEDISCONNECTMODE_BADADDRESS |
                               LINEDISCONNECTMODE_UNAVAIL | LINEDISCONNECTMODE_CANCELLED;
        ac.dwMaxNumActiveCalls = 1;
        ac.dwMaxNumOnHoldCalls = 1;
        ac.dwMaxNumOnHoldPendingCalls = cf->max_conf ? 1 : 0;
        ac.dwMaxNumConference = cf->max_conf;
        ac.dwMaxNumTransConf = cf->max_conf ? 3 : 0;
        ac.dwAddrCapFlags = LINEADDRCAPFLAGS_DIALED | LINEADDRCAPFLAGS_ORIGOFFHOOK |
                            (cf->max_conf ? LINEADDRCAPFLAGS_CONFDROP |
                                                LINEADDRCAPFLAGS_CONFERENCEMAKE |
                                                LINEADDRCAPFLAGS_TRANSFERMAKE |
                                                LINEADDRCAPFLAGS_TRANSFERHELD |
                                                LINEADDRCAPFLAGS_CONFERENCEHELD |
                                                LINEADDRCAPFLAGS_AUTORECONNECT
                                          : 0);
        ac.dwCallFeatures = (addr_call_features(cf) | ot_media_call_features(ld->prov)) &
                            ot_provider_call_features(ld->prov);
        if (!ld->prov->setup_transfer)
            ac.dwAddrCapFlags &= ~(DWORD)(LINEADDRCAPFLAGS_TRANSFERMAKE |
                                          LINEADDRCAPFLAGS_TRANSFERHELD);
        ac.dwRemoveFromConfCaps =
            cf->max_conf ? LINEREMOVEFROMCONF_ANY : LINEREMOVEFROMCONF_NONE;
        ac.dwRemoveFromConfState = LINECALLSTATE_IDLE;
        ac.dwTransferModes = cf->max_conf && ld->prov->setup_transfer
                                 ? LINETRANSFERMODE_TRANSFER | LINETRANSFERMODE_CONFERENCE
                                 : 0;
        ac.dwAddressFeatures = LINEADDRFEATURE_MAKECALL |
                               (cf->max_conf ? LINEADDRFEATURE_SETUPCONF : 0);
        ac.dwCallFeatures2 = cf->max_conf && ld->prov->setup_transfer
                                 ? LINECALLFEATURE2_TRANSFERNORM | LINECALLFEATURE2_TRANSFERCONF
                                 : 0;
        ac.dwConnectedModes = LINECONNECTEDMODE_ACTIVE |
                              (cf->sharing != LINEADDRESSSHARING_PRIVATE
                                   ? LINECONNECTEDMODE_INACTIVE
                                   : 0) |
                              ld->extra_connected_modes;
        ac.dwOfferingModes = LINEOFFERINGMODE_ACTIVE |
                             (cf->sharing != LINEADDRESSSHARING_PRIVATE ? LINEOFFERINGMODE_INACTIVE
                                                                        : 0);
        ac.dwAvailableMediaModes = OT_MEDIA_MODES;
        ac.dwMaxCallDataSize = OT_CALL_DATA_MAX;
        ot_route_address_caps(ld, &ac);
        OT_FILL_END(ac, lpAddressCaps);
    }
out:
    ot_unlock();
    return rc;
}

static void count_calls(const struct ot_linedev *ld, DWORD *active, DWORD *held, DWORD *pend,
                        DWORD *inuse)
{
    /* Every state but idle and the hold states, OFFERING included
     * (LINEADDRESSSTATUS.dwNumActiveCalls); a ringing station is not in use
     * yet; kept as the calls change (statusapi.c). */
    ot_linedev_counts(ld, active, held, pend, inuse);
}

LONG lineGetAddressStatus(HLINE hLine, DWORD dwAddressID, LPLINEADDRESSSTATUS lpAddressStatus)
{
    OT_REMOTE(lineGetAddressStatus, hLine, dwAddressID, lpAddressStatus);
    ot_lock();
    LONG rc = ot_check_started();
    struct ot_open *o = rc ? NULL : ot_open_get(hLine);
    if (!rc && !o)
        rc = LINEERR_INVALLINEHANDLE;
    if (rc)
        goto out;
    if (dwAddressID != 0) {
        rc = LINEERR_INVALADDRESSID;
        goto out;
    }
    {
        OT_FILL_BEGIN(LINEADDRESSSTATUS, as, lpAddressStatus, sizeof(LINEADDRESSSTATUS))
        count_calls(o->ld, &as.dwNumActiveCalls, &as.dwNumOnHoldCalls,
                    &as.dwNumOnHoldPendCalls, &as.dwNumInUse);
        as.dwAddressFeatures =
            as.dwNumActiveCalls ? 0
                                : LINEADDRFEATURE_MAKECALL |
                                      (o->ld->conf.max_conf ? LINEADDRFEATURE_SETUPCONF : 0);
        ot_route_address_status(o, &as, &vb);
        OT_FILL_END(as, lpAddressStatus);
    }
out:
    ot_unlock();
    return rc;
}

LONG lineGetLineDevStatus(HLINE hLine, LPLINEDEVSTATUS lpLineDevStatus)
{
    OT_REMOTE(lineGetLineDevStatus, hLine, lpLineDevStatus);
    ot_lock();
    LONG rc = ot_check_started();
    struct ot_open *o = rc ? NULL : ot_open_get(hLine);
    if (!rc && !o)
        rc = LINEERR_INVALLINEHANDLE;
    if (rc)
        goto out;
    {
        OT_FILL_BEGIN(LINEDEVSTATUS, ds, lpLineDevStatus,
                      offsetof(LINEDEVSTATUS, dwAvailableMediaModes))
        DWORD inuse;
        const struct ot_list *pos;
        for (pos = o->ld->opens.next; pos != &o->ld->opens; pos = pos->next) {
            const struct ot_open *x = ot_container_of(pos, struct ot_open, ld_link);
            ds.dwNumOpens++;
            ds.dwOpenMediaModes |= x->media_modes;
        }
        count_calls(o->ld, &ds.dwNumActiveCalls, &ds.dwNumOnHoldCalls, &ds.dwNumOnHoldPendCalls,
                    &inuse);
        ds.dwLineFeatures = LINEFEATURE_MAKECALL | ot_route_line_features(o->ld) |
                            (o->ld->settable_status ? LINEFEATURE_SETDEVSTATUS : 0);
        ds.dwRoamMode = LINEROAMMODE_UNAVAIL;
        ds.dwDevStatusFlags = (o->ld->disconnected ? 0 : LINEDEVSTATUSFLAGS_CONNECTED) |
                              (o->ld->out_of_service ? 0 : LINEDEVSTATUSFLAGS_INSERVICE) |
                              o->ld->dev_status;
        ds.dwAvailableMediaModes = OT_MEDIA_MODES;
        OT_FILL_END(ds, lpLineDevStatus);
    }
out:
    ot_unlock();
    return rc;
}

LONG lineGetNewCalls(HLINE hLine, DWORD dwAddressID, DWORD dwSelect, LPLINECALLLIST lpCallList)
{
    OT_REMOTE(lineGetNewCalls, hLine, dwAddressID, dwSelect, lpCallList);
    ot_lock();
    LONG rc = ot_check_started();
    struct ot_open *o = rc ? NULL : ot_open_get(hLine);
    if (!rc && !o)
        rc = LINEERR_INVALLINEHANDLE;
    if (rc)
        goto out;
    if (dwSelect != LINECALLSELECT_LINE && dwSelect != LINECALLSELECT_ADDRESS) {
        rc = LINEERR_INVALCALLSELECT;
        goto out;
    }
    if (dwSelect == LINECALLSELECT_ADDRESS && dwAddressID != 0) {
        rc = LINEERR_INVALADDRESSID;
        goto out;
    }
    if (!lpCallList) {
        rc = LINEERR_INVALPOINTER;
        goto out;
    }
    if (lpCallList->dwTotalSize < sizeof(LINECALLLIST)) {
        rc = LINEERR_STRUCTURETOOSMALL;
        goto out;
    }
    {
        /* Every call on the line this open has no handle to gets a monitor handle;
         * the list holds them all, if it fits. */
        DWORD n = 0, total = lpCallList->dwTotalSize;
        DWORD room = (total - (DWORD)sizeof(LINECALLLIST)) / sizeof(HCALL);
        unsigned char *base = (unsigned char *)lpCallList;
        struct ot_list *pos;
        for (pos = o->ld->calls.next; pos != &o->ld->calls; pos = pos->next) {
            struct ot_call *c = ot_container_of(pos, struct ot_call, ld_link);
            bool has = false;
            for (struct ot_list *q = c->refs.next; q != &c->refs; q = q->next)
                has |= ot_container_of(q, struct ot_callref, call_link)->open == o;
            if (!has && c->state != LINECALLSTATE_IDLE)
                n++;
        }
        memset(base + sizeof(DWORD), 0, sizeof(LINECALLLIST) - sizeof(DWORD));
        lpCallList->dwNeededSize = (DWORD)sizeof(LINECALLLIST) + n * (DWORD)sizeof(HCALL);
        lpCallList->dwUsedSize = sizeof(LINECALLLIST);
        if (n > room)
            goto out; /* nothing created: the caller retries with dwNeededSize */
        DWORD i = 0;
        for (pos = o->ld->calls.next; pos != &o->ld->calls; pos = pos->next) {
            struct ot_call *c = ot_container_of(pos, struct ot_call, ld_link);
            bool has = false;
            for (struct ot_list *q = c->refs.next; q != &c->refs; q = q->next)
                has |= ot_container_of(q, struct ot_callref, call_link)->open == o;
            if (has || c->state == LINECALLSTATE_IDLE)
                continue;
            struct ot_callref *r = ot_callref_create(c, o, LINECALLPRIVILEGE_MONITOR, false);
            if (!r) {
                rc = LINEERR_NOMEM;
                break;
            }
            ot_call_post_callinfo(c, LINECALLINFOSTATE_NUMMONITORS, r);
            HCALL h = r->handle;
            memcpy(base + sizeof(LINECALLLIST) + i * sizeof(HCALL), &h, sizeof(h));
            i++;
        }
        lpCallList->dwCallsNumEntries = i;
        lpCallList->dwCallsSize = i * (DWORD)sizeof(HCALL);
        lpCallList->dwCallsOffset = i ? (DWORD)sizeof(LINECALLLIST) : 0;
        lpCallList->dwUsedSize = (DWORD)sizeof(LINECALLLIST) + i * (DWORD)sizeof(HCALL);
    }
out:
    ot_unlock();
    return rc;
}

LONG lineSetStatusMessages(HLINE hLine, DWORD dwLineStates, DWORD dwAddressStates)
{
    OT_REMOTE(lineSetStatusMessages, hLine, dwLineStates, dwAddressStates);
    ot_lock();
    LONG rc = ot_check_started();
    struct ot_open *o = rc ? NULL : ot_open_get(hLine);
    if (!rc && !o)
        rc = LINEERR_INVALLINEHANDLE;
    else if (!rc && (dwLineStates & ~(DWORD)(LINEDEVSTATE_OTHER | ot_linedev_line_states(o->ld))))
        rc = LINEERR_INVALLINESTATE;
    else if (!rc && (dwAddressStates & ~(DWORD)(LINEADDRESSSTATE_OTHER |
                                               ot_linedev_address_states(o->ld) |
                                               ot_route_address_states(o->ld))))
        rc = LINEERR_INVALADDRESSSTATE;
    if (!rc) {
        o->line_states = dwLineStates;
        o->address_states = dwAddressStates;
    }
    ot_unlock();
    return rc;
}

LONG lineGetStatusMessages(HLINE hLine, LPDWORD lpdwLineStates, LPDWORD lpdwAddressStates)
{
    OT_REMOTE(lineGetStatusMessages, hLine, lpdwLineStates, lpdwAddressStates);
    ot_lock();
    LONG rc = ot_check_started();
    struct ot_open *o = rc ? NULL : ot_open_get(hLine);
    if (!rc && !o)
        rc = LINEERR_INVALLINEHANDLE;
    else if (!rc && (!lpdwLineStates || !lpdwAddressStates))
        rc = LINEERR_INVALPOINTER;
    if (!rc) {
        *lpdwLineStates = o->line_states;
        *lpdwAddressStates = o->address_states;
    }
    ot_unlock();
    return rc;
}

LONG lineGetAddressID(HLINE hLine, LPDWORD lpdwAddressID, DWORD dwAddressMode, LPCSTR lpsAddress,
                      DWORD dwSize)
{
    OT_REMOTE(lineGetAddressID, hLine, lpdwAddressID, dwAddressMode, lpsAddress, dwSize);
    ot_lock();
    LONG rc = ot_check_started();
    struct ot_open *o = rc ? NULL : ot_open_get(hLine);
    if (!rc && !o)
        rc = LINEERR_INVALLINEHANDLE;
    else if (!rc && (!lpdwAddressID || !lpsAddress))
        rc = LINEERR_INVALPOINTER;
    else if (!rc && dwAddressMode != LINEADDRESSMODE_DIALABLEADDR)
        rc = LINEERR_INVALADDRESSMODE;
    if (!rc) {
        size_t n = strnlen(lpsAddress, dwSize);
        if (n == strlen(o->ld->conf.number) && !memcmp(lpsAddress, o->ld->conf.number, n))
            *lpdwAddressID = 0;
        else
            rc = LINEERR_INVALADDRESS;
    }
    ot_unlock();
    return rc;
}

void ot_linedev_add_line_states(struct ot_linedev *ld, DWORD states)
{
    ld->extra_line_states |= states;
}

void ot_linedev_add_connected_modes(struct ot_linedev *ld, DWORD modes)
{
    ld->extra_connected_modes |= modes;
}

void ot_linedev_set_answer_mode(struct ot_linedev *ld, DWORD mode) { ld->answer_mode = mode; }

void ot_ev_line_service(struct ot_linedev *ld, DWORD state)
{
    bool out = state == LINEDEVSTATE_OUTOFSERVICE;
    if (ld->out_of_service == out)
        return;
    ld->out_of_service = out;
    struct ot_list *pos;
    for (pos = ld->opens.next; pos != &ld->opens; pos = pos->next) {
        struct ot_open *o = ot_container_of(pos, struct ot_open, ld_link);
        if (o->line_states & state)
            ot_app_post(o->app, o->handle, LINE_LINEDEVSTATE, o->instance, state, 0, 0);
    }
}
