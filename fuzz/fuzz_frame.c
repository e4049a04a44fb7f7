/* fuzz_frame: the telephony service's frame decoder (src/core/rpc.c), fed what
 * a hostile client can send: a stream of frames (12-byte header + payload).
 * For every CALL frame of a table function the server's decoder must either
 * refuse it or accept it such that the client's encoder, given the decoded
 * arguments, writes the very same payload back (nothing read past the frame,
 * no size believed that the bytes do not back); the decoded arguments must
 * survive being made into a result (ot_rpc_encode_outs) as after a call.
 * Built with libFuzzer (-DOT_LIBFUZZER), or as a replay program:
 *   fuzz_frame FILE...            replay inputs
 *   fuzz_frame --random N SEED    N generated streams from a fixed seed */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc.h"

static unsigned long accepted, refused;

static uint32_t same_app(uint32_t a) { return a; }

static void one_call(uint16_t fn, const unsigned char *p, size_t n)
{
    struct ot_rbuf in = {p, n, false};
    struct ot_rpc_args args;
    if (ot_rpc_decode_args(fn, &in, &args) != 0) {
        refused++;
        return;
    }
    accepted++;
    const char *sig = ot_rpc_fns[fn].sig;
    /* The client's encoder on the decoded arguments writes the same payload,
     * except dwTotalSize of an LINECALLPARAMS, which the server sets to what
     * arrived. */
    uintptr_t a[OT_RPC_MAX_ARGS];
    memcpy(a, args.a, sizeof(a));
    struct ot_wbuf w = {0};
    LONG rc = ot_rpc_encode_args(fn, a, &w, same_app);
    if (rc != 0 || w.len != n) {
        fprintf(stderr, "fuzz_frame: %s: re-encoding gave %ld, %zu bytes for %zu\n",
                ot_rpc_fns[fn].name, (long)rc, w.len, n);
        abort();
    }
    if (!strchr(sig, 'P') && memcmp(w.data, p, n) != 0) {
        fprintf(stderr, "fuzz_frame: %s: re-encoding differs\n", ot_rpc_fns[fn].name);
        abort();
    }
    ot_wbuf_free(&w);
    /* A result as the server would make it, success and failure. */
    for (unsigned i = 0; sig[i]; i++)
        if (sig[i] == 'V' && args.owned[i]) { /* as the core fills it: used <= total */
            DWORD used = args.vb_total[i] < 12 ? args.vb_total[i] : 12;
            if (args.vb_total[i] >= 12)
                memcpy((unsigned char *)args.owned[i] + 8, &used, sizeof(used));
        }
    struct ot_wbuf r = {0};
    ot_rpc_encode_outs(fn, &args, 0, &r);
    ot_rpc_encode_outs(fn, &args, (LONG)LINEERR_INVALCALLHANDLE, &r);
    ot_wbuf_free(&r);
    ot_rpc_args_free(&args);
}

static void run(const unsigned char *data, size_t size)
{
    /* Frames as the server splits its input. */
    while (size >= sizeof(struct ot_rpc_hdr)) {
        struct ot_rpc_hdr h;
        memcpy(&h, data, sizeof(h));
        data += sizeof(h);
        size -= sizeof(h);
        if (h.len > OT_RPC_MAX_FRAME || h.len > size)
            return; /* the server closes the connection */
        if (h.type == OT_RPC_CALL && h.fn < OT_RPC_FN_COUNT)
            one_call(h.fn, data, h.len);
        data += h.len;
        size -= h.len;
    }
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size <= 4u * 1024u * 1024u)
        run(data, size);
    return 0;
}

#ifndef OT_LIBFUZZER
#include "replay.h"

/* A well-formed CALL of function fn with plausible arguments, then mutated. */
static size_t make_call(unsigned char *buf, size_t cap, uint16_t fn)
{
    struct ot_wbuf w = {0};
    size_t f = ot_wbuf_begin_frame(&w, OT_RPC_CALL, fn, replay_rnd());
    const char *sig = ot_rpc_fns[fn].sig;
    uint32_t last = 0; /* the last DWORD written: a T array's count */
    for (unsigned i = 0; sig[i]; i++) {
        unsigned r = replay_rnd();
        switch (sig[i]) {
        case 'p': ot_wbuf_u64(&w, r); break;
        case 'g': ot_wbuf_u32(&w, r % 2); break;
        case 'T': case 'M': { /* tone arrays: T's count came before, M's follows */
            size_t el = sig[i] == 'T' ? sizeof(LINEGENERATETONE) : sizeof(LINEMONITORTONE);
            uint32_t n = sig[i] == 'T' ? (last > OT_RPC_MAX_ARRAY ? OT_RPC_MAX_ARRAY : last)
                                       : r % 5;
            bool null = r % 4 == 0;
            ot_wbuf_u32(&w, null ? OT_RPC_NULL : n);
            for (size_t k = 0; !null && k < n * el; k++) {
                unsigned char ch = (unsigned char)replay_rnd();
                ot_wbuf_put(&w, &ch, 1);
            }
            if (sig[i] == 'M') {
                ot_wbuf_u32(&w, n);
                i++;
            }
            break;
        }
        case 's': case 'b': case 'P': case 'Y': {
            uint32_t n = r % 3 == 0 ? OT_RPC_NULL : (sig[i] == 'P' ? 4 + r % 200 : r % 40);
            ot_wbuf_u32(&w, n);
            for (uint32_t k = 0; n != OT_RPC_NULL && k < n; k++) {
                unsigned char ch = (unsigned char)('0' + replay_rnd() % 10);
                if (sig[i] == 'P' && k < 4)
                    ch = (unsigned char)(n >> (8 * k));
                ot_wbuf_put(&w, &ch, 1);
            }
            if (sig[i] == 'b' || sig[i] == 'Y') { /* the size argument that follows */
                ot_wbuf_u32(&w, n == OT_RPC_NULL ? r % 50 : n);
                i++;
            }
            break;
        }
        case 'V': case 'G': ot_wbuf_u32(&w, r % 4 == 0 ? OT_RPC_NULL : r % 5000); break;
        case 'o': case 'h': case 'x': case 'H': ot_wbuf_u32(&w, r % 2); break;
        case 'X':
            ot_wbuf_u32(&w, r % 2);
            for (unsigned k = 0; r % 2 && k < 4; k++)
                ot_wbuf_u32(&w, replay_rnd());
            break;
        default:
            last = r % 7 == 0 ? r : r % 20;
            ot_wbuf_u32(&w, last);
            break;
        }
    }
    ot_wbuf_end_frame(&w, f);
    size_t n = w.len < cap ? w.len : cap;
    memcpy(buf, w.data, n);
    ot_wbuf_free(&w);
    return n;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "--random")) {
        unsigned long n = strtoul(argv[2], NULL, 10);
        replay_seed(argv[3]);
        static unsigned char buf[16384];
        for (unsigned long i = 0; i < n; i++) {
            size_t len = 0;
            for (unsigned k = 1 + replay_rnd() % 3; k; k--)
                len += make_call(buf + len, sizeof(buf) - len,
                                 (uint16_t)(replay_rnd() % OT_RPC_FN_COUNT));
            for (unsigned m = replay_rnd() % 4; m && len; m--) {
                size_t at = replay_rnd() % len;
                switch (replay_rnd() % 3) {
                case 0: buf[at] = (unsigned char)replay_rnd(); break;
                case 1: len = at; break; /* cut */
                default: buf[at] ^= (unsigned char)(1u << (replay_rnd() % 8)); break;
                }
            }
            run(buf, len);
        }
        printf("fuzz_frame: %lu generated streams ran clean (%lu calls accepted, %lu refused)\n",
               n, accepted, refused);
        return 0;
    }
    return replay_files("fuzz_frame", argc - 1, argv + 1, run, 4u * 1024u * 1024u);
}
#endif
