/* ACD proxies (TAPI 2.2): lineOpen(LINEOPENOPTION_PROXY) registration and
 * LINE_PROXYSTATUS, the proxy's lineProxyResponse and lineProxyMessage, and
 * lineGetProxyStatus.  The agent functions that make the requests are in
 * agentapi.c (its top comment describes the whole). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy.h"

struct ot_list ot_proxy_pending = {&ot_proxy_pending, &ot_proxy_pending};

/* ---- the bounds on pending requests (proxy.h) ---- */
static unsigned max_app_requests = OT_PROXY_APP_REQUESTS, max_requests = OT_PROXY_REQUESTS;

static int parse_bound(const char *v, unsigned *out)
{
    char *end;
    if (!v || *v < '0' || *v > '9')
        return -1;
    unsigned long n = strtoul(v, &end, 10);
    if (*end || n < 1 || n > OT_PROXY_REQUESTS_LIMIT)
        return -1;
    *out = (unsigned)n;
    return 0;
}

int ot_proxy_check_config(const struct ot_conf *cf, char *err, size_t errlen)
{
    const char *section, *value;
    unsigned lineno, n;
    for (unsigned i = 0;; i++) {
        const char *key = ot_conf_key(cf, i, &section, &value, &lineno);
        if (!key)
            return 0;
        if (strcmp(section, "proxy"))
            continue;
        if (strcmp(key, "max_app_requests") && strcmp(key, "max_requests")) {
            snprintf(err, errlen, "line %u: [proxy]: unknown key %s", lineno, key);
            return -1;
        }
        if (parse_bound(value, &n)) {
            snprintf(err, errlen, "line %u: [proxy] %s must be 1..%u", lineno, key,
                     OT_PROXY_REQUESTS_LIMIT);
            return -1;
        }
    }
}

void ot_proxy_configure(void)
{
    max_app_requests = OT_PROXY_APP_REQUESTS;
    max_requests = OT_PROXY_REQUESTS;
    (void)parse_bound(ot_setting("proxy", "max_app_requests"), &max_app_requests);
    (void)parse_bound(ot_setting("proxy", "max_requests"), &max_requests);
}

LONG ot_proxy_admit(const struct ot_app *app, const struct ot_open *proxy)
{
    if (app->proxy_requests >= max_app_requests || proxy->proxy_pending >= max_requests)
        return LINEERR_RESOURCEUNAVAIL;
    return 0;
}

void ot_proxy_add(struct preq *q, struct ot_app *app, struct ot_open *proxy)
{
    q->app = app->handle;
    q->at = proxy;
    app->proxy_requests++;
    proxy->proxy_pending++;
    ot_list_add_tail(&ot_proxy_pending, &q->link);
}

static bool is_type(DWORD t) { return t >= 1 && t <= OT_PROXY_TYPE_MAX; }

/* ---- registration (lineOpen / lineClose) ---- */
LONG ot_proxy_open_check(DWORD priv, DWORD api, const LINECALLPARAMS *p, DWORD *types)
{
    *types = 0;
    if (api < OT_API_2_0 || !(priv & LINECALLPRIVILEGE_OWNER))
        return LINEERR_INVALPRIVSELECT;
    if (!p)
        return LINEERR_INVALPOINTER;
    if (p->dwTotalSize < sizeof(LINECALLPARAMS))
        return LINEERR_STRUCTURETOOSMALL;
    DWORD size = p->dwDevSpecificSize, off = p->dwDevSpecificOffset;
    if (!size || size % sizeof(DWORD) || off > p->dwTotalSize || size > p->dwTotalSize - off)
        return LINEERR_INVALPARAM;
    const unsigned char *list = (const unsigned char *)p + off;
    for (DWORD i = 0; i < size / sizeof(DWORD); i++) {
        DWORD t;
        memcpy(&t, list + i * sizeof(DWORD), sizeof(t));
        if (!is_type(t))
            return LINEERR_INVALPARAM;
        *types |= 1u << t;
    }
    return 0;
}

/* LINE_PROXYSTATUS(what, type) to the other TAPI 2.2 opens of the line. */
static void announce(struct ot_open *proxy, DWORD what)
{
    struct ot_list *pos;
    for (DWORD t = 1; t <= OT_PROXY_TYPE_MAX; t++) {
        if (!(proxy->proxy_types & (1u << t)))
            continue;
        for (pos = proxy->ld->opens.next; pos != &proxy->ld->opens; pos = pos->next) {
            struct ot_open *x = ot_container_of(pos, struct ot_open, ld_link);
            if (x != proxy && x->api_version >= OT_API_2_2)
                ot_app_post(x->app, x->handle, LINE_PROXYSTATUS, x->instance, what, t, 0);
        }
    }
}

void ot_proxy_opened(struct ot_open *o) { announce(o, LINEPROXYSTATUS_OPEN); }

/* Off the list, uncounted and freed (its request completed or not: q->req is
 * not read).  The application may be gone (its count with it). */
static void preq_free(struct preq *q)
{
    struct ot_app *app = ot_handle_get(&ot_g.app_handles, q->app);
    if (app && app->proxy_requests)
        app->proxy_requests--;
    if (q->at->proxy_pending)
        q->at->proxy_pending--;
    ot_list_del(&q->link);
    free(q->buf);
    free(q);
}

void ot_proxy_closing(struct ot_open *o)
{
    struct ot_list *pos, *tmp;
    ot_list_foreach_safe(pos, tmp, &ot_proxy_pending)
    {
        struct preq *q = ot_container_of(pos, struct preq, link);
        if (q->proxy != o->handle)
            continue;
        ot_req_complete(q->req, LINEERR_OPERATIONFAILED);
        preq_free(q);
    }
    announce(o, LINEPROXYSTATUS_CLOSE);
}

struct ot_open *ot_proxy_find(struct ot_linedev *ld, DWORD type)
{
    struct ot_list *pos;
    for (pos = ld->opens.next; pos != &ld->opens; pos = pos->next) {
        struct ot_open *x = ot_container_of(pos, struct ot_open, ld_link);
        if (x->proxy_types & (1u << type))
            return x;
    }
    return NULL;
}

/* ---- the proxy's side ---- */
static struct ot_open *proxy_open(HLINE h, LONG *rc)
{
    *rc = ot_check_started();
    struct ot_open *o = *rc ? NULL : ot_open_get(h);
    if (!*rc && !o)
        *rc = LINEERR_INVALLINEHANDLE;
    if (o && !o->proxy_types) {
        *rc = LINEERR_NOTREGISTERED;
        o = NULL;
    }
    return o;
}

/* The proxy's answer into the application's buffer.  0, or the proxy's
 * structure is not a structure of that room (the proxy's error). */
static LONG copy_back(const struct preq *q)
{
    const unsigned char *src = (const unsigned char *)q->buf + q->io_off;
    if (q->io_raw) {
        memcpy(q->out, src, q->io_len);
        return 0;
    }
    DWORD used;
    memcpy(&used, src + 2 * sizeof(DWORD), sizeof(used));
    if (used < q->io_fixed || used > q->io_len)
        return LINEERR_INVALPARAM;
    memcpy(q->out, src, used);
    memcpy(q->out, &q->out_total, sizeof(DWORD)); /* as the application sized it */
    return 0;
}

/* The pending request of proxy line hLine whose buffer is at ptr (compared, never
 * read before it is found); *rc says why not. */
static struct preq *find_request(HLINE hLine, uintptr_t ptr, LONG *rc)
{
    struct ot_open *o = proxy_open(hLine, rc);
    if (!o)
        return NULL;
    struct ot_list *pos;
    for (pos = ot_proxy_pending.next; pos != &ot_proxy_pending; pos = pos->next) {
        struct preq *x = ot_container_of(pos, struct preq, link);
        if ((uintptr_t)x->buf == ptr && x->proxy == hLine)
            return x;
    }
    *rc = LINEERR_INVALPOINTER; /* not a request this line was given, or answered */
    return NULL;
}

/* Completes q with dwResult (core lock held). */
static LONG respond(struct preq *q, DWORD dwResult)
{
    /* The result: success or a LINEERR_ value. */
    if (dwResult && (dwResult & 0xFFFF0000u) != 0x80000000u)
        return LINEERR_INVALPARAM;
    struct ot_req *r = q->req;
    struct ot_app *app = ot_app_get(r->app);
    struct ot_open *ro = r->line ? ot_open_get(r->line) : NULL;
    bool deliver = app && (!r->line || (ro && ro->app == app));
    if (deliver && dwResult == 0 && q->out) {
        LONG rc = copy_back(q);
        if (rc)
            return rc;
    }
    if (deliver && dwResult == 0 && q->out_handle)
        memcpy(q->out_handle, (const unsigned char *)q->buf + q->handle_off, sizeof(DWORD));
    ot_req_complete(r, (LONG)dwResult);
    preq_free(q);
    return 0;
}

LONG lineProxyResponse(HLINE hLine, LPLINEPROXYREQUEST lpProxyRequest, DWORD dwResult)
{
    if (ot_client_active())
        return ot_client_proxy_response(hLine, lpProxyRequest, dwResult);
    ot_lock();
    LONG rc;
    struct preq *q = find_request(hLine, (uintptr_t)lpProxyRequest, &rc);
    if (q)
        rc = respond(q, dwResult);
    ot_unlock();
    return rc;
}

/* The telephony service: a client proxy's lineProxyResponse, with the bytes of
 * its copy of the request (the request it got in its LINE_PROXYREQUEST, as it
 * filled them).  Everything after the header is taken; the header (size, type,
 * client names) stays ours. */
LONG ot_proxy_response_remote(HLINE hLine, DWORD_PTR token, const void *bytes, DWORD size,
                              DWORD dwResult)
{
    ot_lock();
    LONG rc;
    struct preq *q = find_request(hLine, (uintptr_t)token, &rc);
    const size_t head = offsetof(LINEPROXYREQUEST, SetAgentGroup);
    if (q && (!bytes || size != q->buf->dwSize))
        rc = LINEERR_INVALPARAM;
    else if (q) {
        /* a failed response leaves the request as it was */
        unsigned char *keep = malloc(size - head);
        if (!keep)
            rc = LINEERR_NOMEM;
        else {
            memcpy(keep, (unsigned char *)q->buf + head, size - head);
            memcpy((unsigned char *)q->buf + head, (const unsigned char *)bytes + head, size - head);
            rc = respond(q, dwResult);
            if (rc)
                memcpy((unsigned char *)q->buf + head, keep, size - head);
            free(keep);
        }
    }
    ot_unlock();
    return rc;
}

/* The telephony service: the request a LINE_PROXYREQUEST for the proxy line
 * hLine names, appended to w as a length and its bytes; false when it is no
 * longer pending (the message is then not sent). */
bool ot_proxy_request_copy(HLINE hLine, DWORD_PTR ptr, struct ot_wbuf *w)
{
    ot_lock();
    LONG rc;
    struct preq *q = find_request(hLine, (uintptr_t)ptr, &rc);
    if (q) {
        ot_wbuf_u32(w, q->buf->dwSize);
        ot_wbuf_put(w, q->buf, q->buf->dwSize);
    }
    ot_unlock();
    return q != NULL;
}

static bool flags_in(DWORD v, DWORD mask) { return v && !(v & ~mask); }

LONG lineProxyMessage(HLINE hLine, HCALL hCall, DWORD dwMsg, DWORD dwParam1, DWORD dwParam2,
                      DWORD dwParam3)
{
    OT_REMOTE(lineProxyMessage, hLine, hCall, dwMsg, dwParam1, dwParam2, dwParam3);
    ot_lock();
    LONG rc;
    struct ot_open *o = proxy_open(hLine, &rc);
    DWORD min_api = OT_API_2_2;
    if (o && hCall) {
        /* Every message a proxy may send is about the line, not a call. */
        struct ot_callref *cr = ot_callref_get(hCall);
        rc = cr && cr->open == o ? LINEERR_INVALPARAM : LINEERR_INVALCALLHANDLE;
    }
    if (!rc) {
        bool ok;
        switch (dwMsg) {
        case LINE_AGENTSTATUS: /* address, LINEAGENTSTATUS_, new state */
            ok = dwParam1 == 0 && flags_in(dwParam2, 0x1FFu);
            min_api = OT_API_2_0;
            break;
        case LINE_AGENTSPECIFIC: /* extension index, handler-specific */
            ok = true;
            min_api = OT_API_2_0;
            break;
        case LINE_AGENTSTATUSEX: /* hAgent, LINEAGENTSTATUSEX_, state */
        case LINE_AGENTSESSIONSTATUS: /* hAgentSession, LINEAGENTSESSIONSTATUS_, state */
        case LINE_QUEUESTATUS: /* queue ID, LINEQUEUESTATUS_ */
            ok = flags_in(dwParam2, 0x7u);
            break;
        case LINE_GROUPSTATUS: /* LINEGROUPSTATUS_ */
            ok = flags_in(dwParam1, 0x3u);
            break;
        case LINE_PROXYSTATUS: /* LINEPROXYSTATUS_, request type for OPEN/CLOSE */
            ok = flags_in(dwParam1, 0x7u) &&
                 (!(dwParam1 & (LINEPROXYSTATUS_OPEN | LINEPROXYSTATUS_CLOSE)) ||
                  is_type(dwParam2));
            break;
        default:
            ok = false;
        }
        if (!ok)
            rc = LINEERR_INVALPARAM;
    }
    if (!rc) {
        /* To every other open of the line (TAPI suppresses it on hLine). */
        struct ot_list *pos;
        for (pos = o->ld->opens.next; pos != &o->ld->opens; pos = pos->next) {
            struct ot_open *x = ot_container_of(pos, struct ot_open, ld_link);
            if (x != o && x->api_version >= min_api)
                ot_app_post(x->app, x->handle, dwMsg, x->instance, dwParam1, dwParam2, dwParam3);
        }
    }
    ot_unlock();
    return rc;
}

LONG lineGetProxyStatus(HLINEAPP hLineApp, DWORD dwDeviceID, DWORD dwAppAPIVersion,
                        LPLINEPROXYREQUESTLIST lpLineProxyReqestList)
{
    OT_REMOTE(lineGetProxyStatus, hLineApp, dwDeviceID, dwAppAPIVersion, lpLineProxyReqestList);
    ot_lock();
    LONG rc = ot_check_started();
    struct ot_linedev *ld = NULL;
    if (!rc && !ot_app_get(hLineApp))
        rc = LINEERR_INVALAPPHANDLE;
    if (!rc && !(ld = ot_linedev_get(dwDeviceID)))
        rc = LINEERR_BADDEVICEID;
    if (!rc && dwAppAPIVersion != OT_API_2_2) /* a TAPI 2.2 function */
        rc = LINEERR_INCOMPATIBLEAPIVERSION;
    if (!rc && !lpLineProxyReqestList)
        rc = LINEERR_INVALPOINTER;
    if (!rc && lpLineProxyReqestList->dwTotalSize < sizeof(LINEPROXYREQUESTLIST))
        rc = LINEERR_STRUCTURETOOSMALL;
    if (!rc) {
        DWORD types = 0, list[OT_PROXY_TYPE_MAX], n = 0;
        struct ot_list *pos;
        for (pos = ld->opens.next; pos != &ld->opens; pos = pos->next)
            types |= ot_container_of(pos, struct ot_open, ld_link)->proxy_types;
        for (DWORD t = 1; t <= OT_PROXY_TYPE_MAX; t++)
            if (types & (1u << t))
                list[n++] = t;
        LINEPROXYREQUESTLIST h;
        memset(&h, 0, sizeof(h));
        h.dwTotalSize = lpLineProxyReqestList->dwTotalSize;
        struct ot_varbuf vb = {(unsigned char *)lpLineProxyReqestList, h.dwTotalSize, sizeof(h),
                               sizeof(h)};
        ot_varbuf_put(&vb, n ? list : NULL, n * (DWORD)sizeof(DWORD), &h.dwListSize,
                      &h.dwListOffset);
        h.dwNumEntries = h.dwListSize ? n : 0;
        h.dwNeededSize = vb.needed;
        h.dwUsedSize = vb.used;
        memcpy(lpLineProxyReqestList, &h, sizeof(h));
    }
    ot_unlock();
    return rc;
}

