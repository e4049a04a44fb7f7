/* The telephony service's argument codec: OT_RPC_FUNCTIONS (rpc.h) drives the
 * client's encoder and the server's decoder, one signature character per
 * argument.  Owns nothing beyond one call: the decoder's buffers are freed by
 * ot_rpc_args_free().  Every read is bounds-checked (ot_rbuf). */
#include <stdlib.h>
#include <string.h>

#include "rpc.h"

const struct ot_rpc_fninfo ot_rpc_fns[OT_RPC_FN_COUNT] = {
#define OT_RPC_INFO(name, sig, flags, ...) {#name, sig, flags},
    OT_RPC_FUNCTIONS(OT_RPC_INFO)
#undef OT_RPC_INFO
};

/* ---- cursors ---- */
static bool wbuf_reserve(struct ot_wbuf *w, size_t n)
{
    if (w->failed)
        return false;
    if (w->len + n <= w->cap)
        return true;
    size_t cap = w->cap ? w->cap : 256;
    while (cap < w->len + n)
        cap *= 2;
    unsigned char *d = realloc(w->data, cap);
    if (!d) {
        w->failed = true;
        return false;
    }
    w->data = d;
    w->cap = cap;
    return true;
}

void ot_wbuf_put(struct ot_wbuf *w, const void *p, size_t n)
{
    if (n && wbuf_reserve(w, n)) {
        memcpy(w->data + w->len, p, n);
        w->len += n;
    }
}
void ot_wbuf_u32(struct ot_wbuf *w, uint32_t v) { ot_wbuf_put(w, &v, sizeof(v)); }
void ot_wbuf_u64(struct ot_wbuf *w, uint64_t v) { ot_wbuf_put(w, &v, sizeof(v)); }

size_t ot_wbuf_begin_frame(struct ot_wbuf *w, uint16_t type, uint16_t fn, uint32_t seq)
{
    size_t start = w->len;
    struct ot_rpc_hdr h = {0, type, fn, seq};
    ot_wbuf_put(w, &h, sizeof(h));
    return start;
}

void ot_wbuf_end_frame(struct ot_wbuf *w, size_t start)
{
    if (w->failed)
        return;
    uint32_t len = (uint32_t)(w->len - start - sizeof(struct ot_rpc_hdr));
    memcpy(w->data + start, &len, sizeof(len));
}

void ot_wbuf_free(struct ot_wbuf *w)
{
    free(w->data);
    memset(w, 0, sizeof(*w));
}

const unsigned char *ot_rbuf_take(struct ot_rbuf *r, size_t n)
{
    if (r->bad || n > r->left) {
        r->bad = true;
        return NULL;
    }
    const unsigned char *p = r->p;
    r->p += n;
    r->left -= n;
    return p;
}

uint32_t ot_rbuf_u32(struct ot_rbuf *r)
{
    uint32_t v = 0;
    const unsigned char *p = ot_rbuf_take(r, sizeof(v));
    if (p)
        memcpy(&v, p, sizeof(v));
    return v;
}

uint64_t ot_rbuf_u64(struct ot_rbuf *r)
{
    uint64_t v = 0;
    const unsigned char *p = ot_rbuf_take(r, sizeof(v));
    if (p)
        memcpy(&v, p, sizeof(v));
    return v;
}

static DWORD read_total(const void *p)
{
    DWORD t;
    memcpy(&t, p, sizeof(t));
    return t;
}

/* ---- client: arguments ---- */
LONG ot_rpc_encode_args(unsigned fn, const uintptr_t *a, struct ot_wbuf *w,
                        uint32_t (*map_app)(uint32_t local))
{
    const char *sig = ot_rpc_fns[fn].sig;
    for (unsigned i = 0; sig[i]; i++) {
        const void *p = (const void *)a[i];
        switch (sig[i]) {
        case 'a':
            ot_wbuf_u32(w, map_app((uint32_t)a[i]));
            break;
        case 'u': case 'd': case 'l': case 'c': case 'f': case 'k':
            ot_wbuf_u32(w, (uint32_t)a[i]);
            break;
        case 'p':
            ot_wbuf_u64(w, (uint64_t)a[i]);
            break;
        case 's': {
            if (!p) {
                ot_wbuf_u32(w, OT_RPC_NULL);
                break;
            }
            size_t n = strnlen(p, OT_RPC_MAX_STRING + 1);
            if (n > OT_RPC_MAX_STRING)
                return LINEERR_INVALADDRESS;
            ot_wbuf_u32(w, (uint32_t)n);
            ot_wbuf_put(w, p, n);
            break;
        }
        case 'b': {
            DWORD n = (DWORD)a[i + 1];
            if (!p) {
                ot_wbuf_u32(w, OT_RPC_NULL);
                break;
            }
            if (n > OT_RPC_MAX_BUFFER)
                return LINEERR_USERUSERINFOTOOBIG;
            ot_wbuf_u32(w, n);
            ot_wbuf_put(w, p, n);
            break;
        }
        case 'P': {
            if (!p) {
                ot_wbuf_u32(w, OT_RPC_NULL);
                break;
            }
            DWORD n = read_total(p);
            if (n > OT_RPC_MAX_BUFFER)
                return LINEERR_INVALPARAM;
            if (n < sizeof(DWORD))
                n = sizeof(DWORD); /* the server's copy says dwTotalSize as sent */
            ot_wbuf_u32(w, n);
            ot_wbuf_put(w, p, n);
            break;
        }
        case 'V': case 'G': {
            if (!p) {
                ot_wbuf_u32(w, OT_RPC_NULL);
                break;
            }
            DWORD n = read_total(p);
            ot_wbuf_u32(w, n > OT_RPC_MAX_BUFFER ? OT_RPC_MAX_BUFFER : n);
            break;
        }
        case 'Y': {
            DWORD n = (DWORD)a[i + 1];
            if (!p) {
                ot_wbuf_u32(w, OT_RPC_NULL);
                break;
            }
            if (n > OT_RPC_MAX_BUFFER)
                return LINEERR_INVALPARAM;
            ot_wbuf_u32(w, n);
            ot_wbuf_put(w, p, n);
            break;
        }
        case 'o': case 'h': case 'x': case 'H': case 'Q': case 'g':
            ot_wbuf_u32(w, p ? 1u : 0u);
            break;
        case 'T': case 'M': {
            if (!p) {
                ot_wbuf_u32(w, OT_RPC_NULL);
                break;
            }
            DWORD n = (DWORD)(sig[i] == 'T' ? a[i - 1] : a[i + 1]);
            size_t el = sig[i] == 'T' ? sizeof(LINEGENERATETONE) : sizeof(LINEMONITORTONE);
            if (n > OT_RPC_MAX_ARRAY)
                n = OT_RPC_MAX_ARRAY; /* more than any line takes: the core refuses the count */
            ot_wbuf_u32(w, n);
            ot_wbuf_put(w, p, n * el);
            break;
        }
        case 'X':
            ot_wbuf_u32(w, p ? 1u : 0u);
            if (p)
                ot_wbuf_put(w, p, 4 * sizeof(DWORD));
            break;
        default:
            return LINEERR_OPERATIONFAILED;
        }
    }
    return w->failed ? LINEERR_NOMEM : 0;
}

/* ---- server: arguments ---- */
static void *take_copy(struct ot_rbuf *in, uint32_t n, size_t alloc, bool nul)
{
    const unsigned char *src = ot_rbuf_take(in, n);
    if (!src)
        return NULL;
    unsigned char *b = calloc(1, alloc + (nul ? 1 : 0));
    if (!b) {
        in->bad = true;
        return NULL;
    }
    memcpy(b, src, n);
    return b;
}

int ot_rpc_decode_args(unsigned fn, struct ot_rbuf *in, struct ot_rpc_args *out)
{
    memset(out, 0, sizeof(*out));
    if (fn >= OT_RPC_FN_COUNT)
        return -1;
    const char *sig = ot_rpc_fns[fn].sig;
    unsigned i;
    for (i = 0; sig[i] && !in->bad; i++) {
        uint32_t n;
        switch (sig[i]) {
        case 'a': case 'u': case 'd': case 'l': case 'c': case 'f': case 'k':
            out->a[i] = ot_rbuf_u32(in);
            break;
        case 'p':
            out->a[i] = (uintptr_t)ot_rbuf_u64(in);
            break;
        case 's':
            n = ot_rbuf_u32(in);
            if (n == OT_RPC_NULL)
                break;
            if (n > OT_RPC_MAX_STRING) {
                in->bad = true;
                break;
            }
            out->owned[i] = take_copy(in, n, n, true);
            /* A NUL inside the string would make the server read less than the
             * client meant: refuse it as the core refuses control characters. */
            if (out->owned[i] && memchr(out->owned[i], '\0', n))
                in->bad = true;
            out->a[i] = (uintptr_t)out->owned[i];
            break;
        case 'b': case 'Y':
            n = ot_rbuf_u32(in);
            if (n == OT_RPC_NULL)
                break;
            if (n > OT_RPC_MAX_BUFFER) {
                in->bad = true;
                break;
            }
            out->owned[i] = take_copy(in, n, n ? n : 1, false);
            out->a[i] = (uintptr_t)out->owned[i];
            out->vb_total[i] = n;
            break;
        case 'P':
            n = ot_rbuf_u32(in);
            if (n == OT_RPC_NULL)
                break;
            if (n < sizeof(DWORD) || n > OT_RPC_MAX_BUFFER) {
                in->bad = true;
                break;
            }
            out->owned[i] =
                take_copy(in, n, n < sizeof(LINECALLPARAMS) ? sizeof(LINECALLPARAMS) : n, false);
            if (out->owned[i]) /* the size is what arrived, whatever the bytes claim */
                memcpy(out->owned[i], &n, sizeof(n));
            out->a[i] = (uintptr_t)out->owned[i];
            break;
        case 'V': case 'G':
            n = ot_rbuf_u32(in);
            if (n == OT_RPC_NULL)
                break;
            if (n > OT_RPC_MAX_BUFFER) {
                in->bad = true;
                break;
            }
            /* At least the three header fields, so that a too-small size is
             * answered by the core (LINEERR_STRUCTURETOOSMALL), not by us. */
            out->owned[i] = calloc(1, n < 3 * sizeof(DWORD) ? 3 * sizeof(DWORD) : n);
            if (!out->owned[i]) {
                in->bad = true;
                break;
            }
            memcpy(out->owned[i], &n, sizeof(n));
            out->vb_total[i] = n;
            out->a[i] = (uintptr_t)out->owned[i];
            break;
        case 'o': case 'h': case 'x': case 'g':
            /* g: a lineGatherDigits buffer; the core never writes into it for
             * a service application (the digits travel with LINE_GATHERDIGITS) */
            n = ot_rbuf_u32(in);
            if (n > 1)
                in->bad = true;
            out->a[i] = n ? (uintptr_t)out->outs[i] : 0;
            break;
        case 'T': case 'M': {
            n = ot_rbuf_u32(in);
            if (n == OT_RPC_NULL)
                break;
            size_t el = sig[i] == 'T' ? sizeof(LINEGENERATETONE) : sizeof(LINEMONITORTONE);
            if (n > OT_RPC_MAX_ARRAY) {
                in->bad = true;
                break;
            }
            /* Room for OT_RPC_MAX_ARRAY elements whatever arrived: the core
             * reads as many as the count argument says (at most 8). */
            out->owned[i] = take_copy(in, (uint32_t)(n * el), OT_RPC_MAX_ARRAY * el, false);
            out->a[i] = (uintptr_t)out->owned[i];
            out->vb_total[i] = n; /* checked against the count below */
            break;
        }
        case 'H':
            n = ot_rbuf_u32(in);
            if (n > 1)
                in->bad = true;
            out->a[i] = n; /* the server gives it storage that outlives the call */
            break;
        case 'Q':
            n = ot_rbuf_u32(in);
            if (n > 1) {
                in->bad = true;
                break;
            }
            if (n && !(out->owned[i] = calloc(1, sizeof(LINEREQMAKECALL)))) {
                in->bad = true;
                break;
            }
            out->a[i] = (uintptr_t)out->owned[i];
            break;
        case 'X': {
            n = ot_rbuf_u32(in);
            if (n > 1)
                in->bad = true;
            const unsigned char *src = n == 1 ? ot_rbuf_take(in, 4 * sizeof(DWORD)) : NULL;
            if (src)
                memcpy(out->outs[i], src, 4 * sizeof(DWORD));
            out->a[i] = src ? (uintptr_t)out->outs[i] : 0;
            break;
        }
        default:
            in->bad = true;
        }
    }
    out->n = i;
    /* A sized buffer must be exactly as long as the size argument says. */
    for (unsigned j = 0; sig[j] && !in->bad; j++)
        if ((sig[j] == 'b' || sig[j] == 'Y') && out->owned[j] &&
            (DWORD)out->a[j + 1] != out->vb_total[j])
            in->bad = true;
        else if ((sig[j] == 'T' || sig[j] == 'M') && out->owned[j]) {
            /* as many elements as the client's encoder sends for the count */
            DWORD count = (DWORD)(sig[j] == 'T' ? out->a[j - 1] : out->a[j + 1]);
            if (out->vb_total[j] != (count > OT_RPC_MAX_ARRAY ? OT_RPC_MAX_ARRAY : count))
                in->bad = true;
        }
    if (in->bad || in->left) {
        ot_rpc_args_free(out);
        return -1;
    }
    return 0;
}

void ot_rpc_args_free(struct ot_rpc_args *args)
{
    for (unsigned i = 0; i < OT_RPC_MAX_ARGS; i++) {
        free(args->owned[i]);
        args->owned[i] = NULL;
    }
}

void ot_rpc_encode_outs(unsigned fn, const struct ot_rpc_args *args, LONG result,
                        struct ot_wbuf *w)
{
    const char *sig = ot_rpc_fns[fn].sig;
    ot_wbuf_u32(w, (uint32_t)result);
    for (unsigned i = 0; sig[i]; i++) {
        /* A request id (> 0) carries what the function filled when it was made
         * (linePark's VARSTRING, lineCompleteCall's id); STRUCTURETOOSMALL the
         * size a VARSTRING needs (linePark). */
        bool have = args->a[i] != 0 &&
                    (result >= 0 || (sig[i] == 'V' && result == (LONG)LINEERR_STRUCTURETOOSMALL));
        switch (sig[i]) {
        case 'o': case 'h':
            ot_wbuf_u32(w, have);
            if (have)
                ot_wbuf_u32(w, args->outs[i][0]);
            break;
        case 'x':
            ot_wbuf_u32(w, have);
            if (have)
                ot_wbuf_put(w, args->outs[i], sizeof(LINEEXTENSIONID));
            break;
        case 'Q':
            ot_wbuf_u32(w, have);
            if (have)
                ot_wbuf_put(w, args->owned[i], sizeof(LINEREQMAKECALL));
            break;
        case 'V': {
            if (!have || !args->owned[i]) {
                ot_wbuf_u32(w, 0);
                break;
            }
            DWORD used;
            memcpy(&used, (const unsigned char *)args->owned[i] + 2 * sizeof(DWORD), sizeof(used));
            if (used > args->vb_total[i])
                used = args->vb_total[i];
            ot_wbuf_u32(w, used);
            ot_wbuf_put(w, args->owned[i], used);
            break;
        }
        default:
            break;
        }
    }
}

/* ---- client: results ---- */
int ot_rpc_decode_outs(unsigned fn, const uintptr_t *a, LONG result, struct ot_rbuf *in)
{
    (void)result;
    const char *sig = ot_rpc_fns[fn].sig;
    for (unsigned i = 0; sig[i] && !in->bad; i++) {
        void *p = (void *)a[i];
        uint32_t n;
        switch (sig[i]) {
        case 'o': case 'h':
            if (ot_rbuf_u32(in)) {
                uint32_t v = ot_rbuf_u32(in);
                if (p && !in->bad)
                    memcpy(p, &v, sizeof(v));
            }
            break;
        case 'x':
            if (ot_rbuf_u32(in)) {
                const unsigned char *src = ot_rbuf_take(in, sizeof(LINEEXTENSIONID));
                if (p && src)
                    memcpy(p, src, sizeof(LINEEXTENSIONID));
            }
            break;
        case 'Q':
            if (ot_rbuf_u32(in)) {
                const unsigned char *src = ot_rbuf_take(in, sizeof(LINEREQMAKECALL));
                if (p && src)
                    memcpy(p, src, sizeof(LINEREQMAKECALL));
            }
            break;
        case 'V':
            n = ot_rbuf_u32(in);
            if (!n)
                break;
            if (!p || n < 3 * sizeof(DWORD) || n > read_total(p)) {
                in->bad = true;
                break;
            }
            {
                DWORD total = read_total(p);
                const unsigned char *src = ot_rbuf_take(in, n);
                if (src) {
                    memcpy(p, src, n);
                    memcpy(p, &total, sizeof(total)); /* as the application sized it */
                }
            }
            break;
        default:
            break;
        }
    }
    return in->bad || in->left ? -1 : 0;
}
