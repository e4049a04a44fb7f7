/* fuzz_config: arbitrary text as the configuration file.  The parser must
 * accept it or refuse it with a message (never crash, hang or leak), and a
 * configuration it accepts must start and stop the library cleanly.
 * Built with libFuzzer (-DOT_LIBFUZZER), or as a replay program:
 *   fuzz_config FILE...      each file once
 *   fuzz_config --random N SEED   N mutations of the default configuration */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentapi.h"
#include "tapi.h"

static void run(const unsigned char *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return;
    memcpy(text, data, size);
    text[size] = '\0';
    char err[256];
    LONG ok = otCheckConfig(text, err, sizeof(err));
    if (ok != 0 && !err[0]) {
        fprintf(stderr, "fuzz_config: refused without a message\n");
        abort();
    }
    if (otSetConfig(text) != 0)
        abort();
    HLINEAPP app;
    DWORD n = 0, api = 0x00020002;
    LINEINITIALIZEEXPARAMS p;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = sizeof(p);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    LONG rc = lineInitializeEx(&app, NULL, NULL, "fuzz", &n, &api, &p);
    if ((rc == 0) != (ok == 0) && rc != (LONG)LINEERR_NODRIVER) {
        fprintf(stderr, "fuzz_config: otCheckConfig %ld but lineInitializeEx %ld\n", (long)ok,
                (long)rc);
        abort();
    }
    if (rc == 0) {
        for (DWORD d = 0; d < n && d < 64; d++) {
            LINEDEVCAPS dc;
            memset(&dc, 0, sizeof(dc));
            dc.dwTotalSize = sizeof(dc);
            lineGetDevCaps(app, d, 0x00020002, 0, &dc);
        }
        lineShutdown(app);
    }
    otSetConfig(NULL);
    free(text);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size <= 65536)
        run(data, size);
    return 0;
}

#ifndef OT_LIBFUZZER
static unsigned long long rng;
static unsigned rnd(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)(rng >> 33);
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "--random")) {
        unsigned long n = strtoul(argv[2], NULL, 10);
        rng = strtoull(argv[3], NULL, 10);
        const char *base = otDefaultConfig();
        size_t blen = strlen(base);
        unsigned char *buf = malloc(blen + 64);
        static const char pieces[] = "[]=#\n line sim sip number sharing party uui 0 9999999 -";
        for (unsigned long i = 0; i < n; i++) {
            memcpy(buf, base, blen);
            size_t len = blen;
            for (unsigned m = 1 + rnd() % 8; m; m--) {
                size_t at = rnd() % len;
                switch (rnd() % 3) {
                case 0: buf[at] = (unsigned char)rnd(); break;
                case 1: buf[at] = (unsigned char)pieces[rnd() % (sizeof(pieces) - 1)]; break;
                default: len = at + 1; break; /* cut */
                }
            }
            run(buf, len);
        }
        free(buf);
        printf("fuzz_config: %lu mutated configurations ran clean\n", n);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            return 1;
        }
        static unsigned char buf[65536];
        size_t len = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        run(buf, len);
    }
    printf("fuzz_config: %d inputs replayed clean\n", argc - 1);
    return 0;
}
#endif
