/* fuzz_sipmap: what a SIP peer can put in the headers the provider reads.
 * The input is split into the value of a User-to-User header (the text after
 * the colon), a Reason protocol/cause pair and a response status; the
 * mapping functions of src/providers/sip/sipmap.c must take any of it
 * without crashing, and keep their contracts:
 *   - ot_sip_uui_parse: OK means 1..outlen bytes were written, and the same
 *     bytes, encoded again by ot_sip_uui_header, parse back to themselves;
 *     TOOBIG only ever for an output buffer smaller than the value;
 *   - ot_sip_hex_decode / ot_sip_hex_encode: inverse of each other;
 *   - ot_sip_q850_cause: -1 or 0..127;
 *   - ot_sip_status_mode / ot_sip_bye_mode: exactly one LINEDISCONNECTMODE_
 *     bit, whatever the status and cause;
 *   - ot_sip_sdp_direction (the whole text as an SDP body): -1..3, the same
 *     with a newline appended, and never reading past the length given.
 * Built with libFuzzer (-DOT_LIBFUZZER), or as a replay program:
 *   fuzz_sipmap FILE...            each file once
 *   fuzz_sipmap --random N SEED    N mutations of well-formed header values */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../src/providers/sip/sip.h"

static void fail(const char *what, const unsigned char *data, size_t size)
{
    fprintf(stderr, "fuzz_sipmap: %s; input (%zu bytes): ", what, size);
    for (size_t i = 0; i < size && i < 200; i++)
        fprintf(stderr, "%02x", data[i]);
    fputc('\n', stderr);
    abort();
}

static bool one_mode_bit(DWORD m)
{
    /* every LINEDISCONNECTMODE_ of TAPI 2.2 is one bit from 0x1 to 0x80000 */
    return m != 0 && (m & (m - 1)) == 0 && m <= 0x80000;
}

static unsigned long results[4]; /* by ot_sip_uui_result, for the replay's summary */

static void check_uui(const char *value, size_t outlen, const unsigned char *data, size_t size)
{
    unsigned char *out = malloc(outlen ? outlen : 1);
    if (!out)
        return;
    size_t n = (size_t)-1;
    enum ot_sip_uui_result r = ot_sip_uui_parse(value, out, outlen, &n);
    if ((unsigned)r < 4)
        results[r]++;
    switch (r) {
    case OT_SIP_UUI_NONE:
    case OT_SIP_UUI_MALFORMED:
        break;
    case OT_SIP_UUI_TOOBIG: {
        /* the same value fits a buffer of the largest size there is */
        unsigned char *big = malloc(OT_SIP_UUI_MAX);
        size_t bn = 0;
        if (big && ot_sip_uui_parse(value, big, OT_SIP_UUI_MAX, &bn) == OT_SIP_UUI_OK &&
            bn <= outlen)
            fail("TOOBIG for a value that fits", data, size);
        free(big);
        break;
    }
    case OT_SIP_UUI_OK: {
        if (n == 0 || n > outlen)
            fail("OK with a byte count out of range", data, size);
        char *hdr = ot_sip_uui_header(out, n);
        if (!hdr)
            break; /* out of memory */
        const char *colon = strchr(hdr, ':');
        if (!colon)
            fail("ot_sip_uui_header without a colon", data, size);
        unsigned char *again = malloc(n);
        size_t n2 = 0;
        if (again && (ot_sip_uui_parse(colon + 1, again, n, &n2) != OT_SIP_UUI_OK || n2 != n ||
                      memcmp(again, out, n) != 0))
            fail("our own User-to-User header does not parse back", data, size);
        free(again);
        free(hdr);
        break;
    }
    default:
        fail("unknown result", data, size);
    }
    free(out);
}

static void check_hex(const char *text, size_t len, const unsigned char *data, size_t size)
{
    size_t cap = len / 2 + 1;
    unsigned char *bytes = malloc(cap);
    char *hex = malloc(len + 2);
    if (bytes && hex) {
        long n = ot_sip_hex_decode(text, len, bytes, cap);
        if (n >= 0) {
            if ((size_t)n * 2 != len)
                fail("hex decode count", data, size);
            if (ot_sip_hex_encode(bytes, (size_t)n, hex, len + 2) != len ||
                strncasecmp(hex, text, len) != 0)
                fail("hex encode is not the inverse of decode", data, size);
        }
    }
    free(bytes);
    free(hex);
}

static unsigned long sdp_dirs[5]; /* -1..3, for the replay's summary */

static void check_sdp(const unsigned char *body, size_t len, const unsigned char *data,
                      size_t size)
{
    /* a copy of exactly len bytes: a read past it is ASan's to see */
    char *b = malloc(len + 1);
    if (!b)
        return;
    memcpy(b, body, len);
    int d = ot_sip_sdp_direction(b, len);
    if (d < -1 || d > 3)
        fail("SDP direction out of range", data, size);
    sdp_dirs[d + 1]++;
    b[len] = '\n';
    if (ot_sip_sdp_direction(b, len + 1) != d)
        fail("SDP direction changes with a final newline", data, size);
    free(b);
}

static void run(const unsigned char *data, size_t size)
{
    if (size < 3)
        return;
    /* byte 0: the output size class; byte 1-2: a status; the rest: text with
     * '\n' separating the User-to-User value, the Reason protocol and cause */
    static const size_t sizes[] = {0, 1, 2, 4, 16, 128, 129, 255, 4096, OT_SIP_UUI_MAX};
    size_t outlen = sizes[data[0] % (sizeof(sizes) / sizeof(sizes[0]))];
    int status = 100 + (data[1] << 8 | data[2]) % 600;
    char *text = malloc(size - 3 + 1);
    if (!text)
        return;
    memcpy(text, data + 3, size - 3);
    text[size - 3] = '\0';
    char *proto = strchr(text, '\n');
    char *cause = NULL;
    if (proto) {
        *proto++ = '\0';
        cause = strchr(proto, '\n');
        if (cause)
            *cause++ = '\0';
    }
    check_sdp(data + 3, size - 3, data, size);
    check_uui(text, outlen, data, size);
    check_hex(text, strlen(text), data, size);
    int q = ot_sip_q850_cause(proto, cause);
    if (q < -1 || q > 127)
        fail("Q.850 cause out of range", data, size);
    if (status >= 300 && !one_mode_bit(ot_sip_status_mode(status, q)))
        fail("status mode is not one LINEDISCONNECTMODE_", data, size);
    if (!one_mode_bit(ot_sip_bye_mode(q)))
        fail("BYE mode is not one LINEDISCONNECTMODE_", data, size);
    free(text);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size <= 200000)
        run(data, size);
    return 0;
}

#ifndef OT_LIBFUZZER
#include "replay.h"

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "--random")) {
        unsigned long n = strtoul(argv[2], NULL, 10);
        replay_seed(argv[3]);
        static const char *const seeds[] = {
            "\x05\x01\xf4 04616263;encoding=hex;purpose=isdn-uui\nQ.850\n16",
            "\x04\x01\xe6 0462796521 ; purpose=isdn-uui ; content=isdn-uui\nQ.850\n17",
            "\x02\x02\x5b 01;purpose=foo, 0aFF;encoding=hex\nSIP\n200",
            "\x03\x01\x90 \"quoted\";purpose=isdn-uui;encoding=\"hex\"\nq.850\n041",
            "\x06\x02\x00 04;encoding=base64,04aa\nQ.850\n127",
            "\x01\x01\xf4v=0\r\nc=IN IP4 0.0.0.0\r\nm=audio 9 RTP/AVP 0\r\na=sendonly\r\n",
            "\x01\x01\xf4v=0\na=inactive\nm=audio 9 RTP/AVP 0\nc=IN IP4 1.2.3.4/5\na=recvonly",
        };
        static const char pieces[] =
            "0123456789abcdefABCDEF;,=\" \t\n\\purposeencodinghexisdn-uuiv=0m=a=c=\r";
        unsigned char buf[512];
        for (unsigned long i = 0; i < n; i++) {
            const char *s = seeds[replay_rnd() % (sizeof(seeds) / sizeof(seeds[0]))];
            size_t len = strlen(s);
            memcpy(buf, s, len);
            for (unsigned m = 1 + replay_rnd() % 6; m; m--) {
                size_t at = replay_rnd() % len;
                switch (replay_rnd() % 4) {
                case 0: buf[at] = (unsigned char)replay_rnd(); break;
                case 1: buf[at] = (unsigned char)pieces[replay_rnd() % (sizeof(pieces) - 1)]; break;
                case 2: /* duplicate a stretch */
                    if (len < sizeof(buf) / 2) {
                        size_t k = 1 + replay_rnd() % (len - at);
                        memmove(buf + at + k, buf + at, len - at);
                        len += k;
                    }
                    break;
                default: len = at + 1; break; /* cut */
                }
            }
            run(buf, len);
        }
        printf("fuzz_sipmap: %lu mutated header sets ran clean (User-to-User: %lu none, %lu ok, "
               "%lu malformed, %lu too big)\n",
               n, results[OT_SIP_UUI_NONE], results[OT_SIP_UUI_OK], results[OT_SIP_UUI_MALFORMED],
               results[OT_SIP_UUI_TOOBIG]);
        printf("fuzz_sipmap: SDP directions: %lu not SDP, %lu inactive, %lu sendonly, "
               "%lu recvonly, %lu sendrecv\n",
               sdp_dirs[0], sdp_dirs[1], sdp_dirs[2], sdp_dirs[3], sdp_dirs[4]);
        return 0;
    }
    return replay_files("fuzz_sipmap", argc - 1, argv + 1, run, 200000);
}
#endif
