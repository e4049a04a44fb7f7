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
#include "replay.h"

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "--random")) {
        unsigned long n = strtoul(argv[2], NULL, 10);
        replay_seed(argv[3]);
        const char *base = otDefaultConfig();
        size_t blen = strlen(base);
        unsigned char *buf = malloc(blen + 64);
        static const char pieces[] = "[]=#\n line sim sip number sharing party uui 0 9999999 -";
        for (unsigned long i = 0; i < n; i++) {
            memcpy(buf, base, blen);
            size_t len = blen;
            for (unsigned m = 1 + replay_rnd() % 8; m; m--) {
                size_t at = replay_rnd() % len;
                switch (replay_rnd() % 3) {
                case 0: buf[at] = (unsigned char)replay_rnd(); break;
                case 1: buf[at] = (unsigned char)pieces[replay_rnd() % (sizeof(pieces) - 1)]; break;
                default: len = at + 1; break; /* cut */
                }
            }
            run(buf, len);
        }
        free(buf);
        printf("fuzz_config: %lu mutated configurations ran clean\n", n);
        return 0;
    }
    return replay_files("fuzz_config", argc - 1, argv + 1, run, 65536);
}
#endif
