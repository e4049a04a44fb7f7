/* tapisrv, the telephony service: what a connected client's frames ask.
 * The HELLO exchange, the service's own functions (INITIALIZE, SHUTDOWN,
 * CHECK, STATS) and every TAPI function of rpc.h: its arguments decoded, its
 * handles checked to be the client's own and its rights on the line checked
 * (access.c), the core function made, its outs and a request's pending
 * LPHCALL / structure outs kept until its LINE_REPLY, and the RESULT frame. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "srvint.h"

/* A device ID this client does not have (LINEERR_BADDEVICEID in the core);
 * not UINT32_MAX, which is LINEMAPPER. */
#define OT_SRV_NODEV 0xFFFFFFFEu

/* ---- handles: whose are they ---- */
static HLINEAPP app_of_handle(char kind, DWORD h, DWORD *line_dev, HLINE *hline)
{
    HLINEAPP app = 0;
    ot_lock();
    if (kind == 'l') {
        struct ot_open *o = ot_open_get(h);
        if (o) {
            app = o->app->handle;
            *line_dev = o->ld->id;
            *hline = o->handle;
        }
    } else {
        struct ot_callref *r = ot_callref_get(h);
        if (r) {
            app = r->open->app->handle;
            *line_dev = r->call->ld->id;
            *hline = r->open->handle;
        }
    }
    ot_unlock();
    return app;
}

static struct srv_app *conn_app(struct srv_conn *c, HLINEAPP h)
{
    for (struct srv_app *a = c->apps; a; a = a->next)
        if (a->h == h)
            return a;
    return NULL;
}

/* ---- calls ---- */
#define OT_RPC_THUNK(name, sig, flags, ...)                                                      \
    static LONG th_##name(const uintptr_t *a) { return name(__VA_ARGS__); }
OT_RPC_FUNCTIONS(OT_RPC_THUNK)
#undef OT_RPC_THUNK
static LONG (*const thunks[OT_RPC_FN_COUNT])(const uintptr_t *a) = {
#define OT_RPC_THUNKREF(name, sig, flags, ...) th_##name,
    OT_RPC_FUNCTIONS(OT_RPC_THUNKREF)
#undef OT_RPC_THUNKREF
};

static LONG handle_error(char kind)
{
    switch (kind) {
    case 'l': return LINEERR_INVALLINEHANDLE;
    case 'f': return LINEERR_INVALCONFCALLHANDLE;
    case 'k': return LINEERR_INVALCONSULTCALLHANDLE;
    default: return LINEERR_INVALCALLHANDLE;
    }
}

/* The generic call: arguments checked against the client's rights, then the
 * core function, then its outs. */
static LONG do_call(struct srv_conn *c, unsigned fn, uint32_t seq, struct ot_rpc_args *args,
                    struct ot_wbuf *res)
{
    const char *sig = ot_rpc_fns[fn].sig;
    DWORD line_dev = UINT32_MAX; /* line of the first handle */
    HLINE line = 0;
    HLINEAPP app = 0;
    struct pending *pend = NULL;
    LONG rc = 0;
    for (unsigned i = 0; sig[i] && !rc; i++) {
        switch (sig[i]) {
        case 'a':
            app = conn_app(c, (HLINEAPP)args->a[i]) ? (HLINEAPP)args->a[i] : 0;
            args->a[i] = app; /* 0: the core answers LINEERR_INVALAPPHANDLE */
            break;
        case 'd':
            if (fn == OT_RPC_lineOpen && args->a[i] == LINEMAPPER) {
                /* The first of this client's lines it may open so that fits. */
                rc = srv_map_line(c, args);
                if (rc)
                    break;
            } else
                args->a[i] = args->a[i] < c->ndevs ? c->devs[args->a[i]] : OT_SRV_NODEV;
            if (line_dev == UINT32_MAX)
                line_dev = (DWORD)args->a[i];
            break;
        case 'l': case 'c': case 'f': case 'k': {
            if (!args->a[i])
                break; /* NULL handles mean what the function says */
            DWORD dev = 0;
            HLINE hl = 0;
            HLINEAPP owner = app_of_handle(sig[i] == 'l' ? 'l' : 'c', (DWORD)args->a[i], &dev, &hl);
            if (!owner || !conn_app(c, owner)) {
                rc = handle_error(sig[i]);
                srv_state.counters.foreign_handles++;
                break;
            }
            if (line_dev == UINT32_MAX) {
                line_dev = dev;
                line = hl;
                app = owner;
            }
            break;
        }
        case 'H': case 'G': case 'Y':
            if (args->a[i] && !pend && !(pend = calloc(1, sizeof(*pend))))
                rc = LINEERR_NOMEM;
            break;
        default:
            break;
        }
    }
    /* LPHCALL outs: the first H is out[0], the second out[1]. */
    if (!rc && pend) {
        unsigned k = 0;
        for (unsigned i = 0; sig[i]; i++)
            if (sig[i] == 'H') {
                if (args->a[i])
                    args->a[i] = (uintptr_t)&pend->out[k];
                k++;
            } else if ((sig[i] == 'G' || sig[i] == 'Y') && args->a[i] && !pend->buf) {
                /* filled when the request completes: kept until its LINE_REPLY
                 * (or until it is forgotten: its line or application went) */
                pend->buf = args->owned[i];
                args->owned[i] = NULL;
                pend->total = args->vb_total[i];
                pend->kind = sig[i];
            }
    }
    /* Rights on the line: opening it with a privilege, creating or taking calls. */
    if (!rc && fn == OT_RPC_lineOpen && line_dev != UINT32_MAX && line_dev < ot_g.nlines) {
        DWORD priv = (DWORD)args->a[6] & 0xFFFFu;
        unsigned r = srv_rights_on_line(c, line_dev);
        if (((priv & LINECALLPRIVILEGE_MONITOR) && !(r & RIGHT_MONITOR)) ||
            (((priv & LINECALLPRIVILEGE_OWNER) || (priv & LINECALLPRIVILEGE_NONE)) &&
             !(r & RIGHT_OWNER)))
            rc = LINEERR_INVALPRIVSELECT;
    }
    if (!rc && line_dev != UINT32_MAX &&
        ((ot_rpc_fns[fn].flags & OT_RPC_NEEDS_OWNER) ||
         (fn == OT_RPC_lineSetCallPrivilege && args->a[1] == LINECALLPRIVILEGE_OWNER)) &&
        !(srv_rights_on_line(c, line_dev) & RIGHT_OWNER))
        rc = LINEERR_INVALPRIVSELECT;
    if (!rc) {
        ot_agent_client_user(c->user); /* the agent functions' requests name it */
        rc = thunks[fn](args->a);
        ot_agent_client_user(NULL);
    }
    if (pend && rc > 0) {
        pend->req = rc;
        pend->seq = seq;
        pend->app = app;
        pend->line = line;
        pend->next = c->pend;
        c->pend = pend;
    } else
        pend_free(pend);
    if (fn == OT_RPC_lineGetID && rc == 0)
        srv_map_device_id_out(c, (LPVARSTRING)args->a[4]);
    ot_rpc_encode_outs(fn, args, rc, res);
    return rc;
}

static void send_result(struct srv_conn *c, uint32_t seq, uint16_t fn, struct ot_wbuf *res)
{
    size_t f = ot_wbuf_begin_frame(&c->out, OT_RPC_RESULT, fn, seq);
    ot_wbuf_put(&c->out, res->data, res->len);
    ot_wbuf_end_frame(&c->out, f);
}

/* One frame from a client; -1 closes the connection. */
int srv_on_frame(struct srv_conn *c, const struct ot_rpc_hdr *h, const unsigned char *payload)
{
    struct ot_rbuf in = {payload, h->len, false};
    if (!c->hello) {
        uint32_t magic = ot_rbuf_u32(&in), version = ot_rbuf_u32(&in);
        if (h->type != OT_RPC_HELLO || in.bad || magic != OT_RPC_MAGIC)
            return -1;
        struct ot_wbuf *o = &c->out;
        size_t f = ot_wbuf_begin_frame(o, OT_RPC_HELLO, 0, 0);
        ot_wbuf_u32(o, OT_RPC_MAGIC);
        ot_wbuf_u32(o, OT_RPC_VERSION);
        ot_wbuf_u32(o, (uint32_t)getpid());
        ot_wbuf_end_frame(o, f);
        if (version != OT_RPC_VERSION)
            return -1; /* it reads our version, then sees the close */
        c->hello = true;
        return srv_compute_view(c);
    }
    if (h->type != OT_RPC_CALL)
        return -1;
    struct ot_wbuf res = {0};
    LONG rc;
    srv_state.counters.calls++;
    if (h->fn == OT_RPC_INITIALIZE) {
        uint32_t n = ot_rbuf_u32(&in);
        const unsigned char *name = n <= 255 ? ot_rbuf_take(&in, n) : NULL;
        DWORD api = ot_rbuf_u32(&in);
        if (!name || in.bad || in.left || memchr(name, '\0', n))
            return -1;
        char buf[256];
        memcpy(buf, name, n);
        buf[n] = '\0';
        HLINEAPP app = 0;
        rc = srv_app_open(c, buf, api, &app);
        ot_wbuf_u32(&res, (uint32_t)rc);
        ot_wbuf_u32(&res, app);
        ot_wbuf_u32(&res, c->ndevs);
    } else if (h->fn == OT_RPC_SHUTDOWN) {
        HLINEAPP happ = ot_rbuf_u32(&in);
        if (in.bad || in.left)
            return -1;
        struct srv_app *a = conn_app(c, happ);
        rc = a ? 0 : LINEERR_INVALAPPHANDLE;
        if (a) {
            srv_drain_conn(c); /* what was queued before still goes out, in order */
            srv_app_close(c, a);
        }
        ot_wbuf_u32(&res, (uint32_t)rc);
    } else if (h->fn == OT_RPC_CHECK) {
        uint32_t kind = ot_rbuf_u32(&in), handle = ot_rbuf_u32(&in);
        if (in.bad || in.left || kind < 1 || kind > 3)
            return -1;
        DWORD dev = 0;
        HLINE hl = 0;
        if (kind == 3)
            rc = handle < c->ndevs ? 0 : LINEERR_BADDEVICEID;
        else {
            HLINEAPP owner = app_of_handle(kind == 1 ? 'l' : 'c', handle, &dev, &hl);
            rc = owner && conn_app(c, owner) ? 0
                 : kind == 1                 ? LINEERR_INVALLINEHANDLE
                                             : LINEERR_INVALCALLHANDLE;
        }
        ot_wbuf_u32(&res, (uint32_t)rc);
    } else if (h->fn == OT_RPC_STATS) {
        if (in.left)
            return -1;
        OTSTATS st;
        otGetStats(&st);
        st.dwApps = st.dwApps ? st.dwApps - 1 : 0; /* the service's own application */
        ot_wbuf_u32(&res, 0);
        ot_wbuf_put(&res, &st, sizeof(st));
    } else {
        struct ot_rpc_args args;
        if (h->fn >= OT_RPC_FN_COUNT || ot_rpc_decode_args(h->fn, &in, &args) != 0)
            return -1;
        rc = do_call(c, h->fn, h->seq, &args, &res);
        HLINE closed = h->fn == OT_RPC_lineClose && rc == 0 ? (HLINE)args.a[0] : 0;
        ot_rpc_args_free(&args);
        if (closed) { /* replies already queued still carry their handles */
            srv_drain_conn(c);
            srv_forget_pending(c, 0, closed);
        }
    }
    /* Messages the call caused reach the client before its result. */
    srv_drain_conn(c);
    send_result(c, h->seq, h->fn, &res);
    bool failed = res.failed;
    ot_wbuf_free(&res);
    return failed ? -1 : 0;
}
