/* fuzz_config: arbitrary bytes as the configuration.  The parser must accept
 * them or refuse them with a message (never crash, hang or leak), and start-up
 * must agree with the checker: a configuration otCheckConfig accepts starts
 * and stops the library cleanly, one it refuses makes lineInitializeEx fail
 * with the same error.  The bytes are checked twice: as a text (up to the
 * first NUL byte, as otSetConfig sees them) and whole as a file (through
 * OPENTAPI_CONFIG and otCheckConfigFile), where a NUL byte must be refused.
 * A message never holds a control character but TAB (it goes to a terminal).
 * Configurations that mention "sip" or "client" are only checked, never
 * started: SIP lines would bind and send, a [client] server would connect,
 * wherever the input says.  Those that mention "kamailio" are started only
 * inside a network namespace of the harness's own (no interface up: the
 * provider's connection to its evapi address fails at once), where it can make
 * one (root, CLONE_NEWNET); elsewhere they are only checked.
 * Built with libFuzzer (-DOT_LIBFUZZER), or as a replay program:
 *   fuzz_config FILE...      each file once
 *   fuzz_config --random N SEED   N mutations of the default configuration */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

#include "opentapi.h"
#include "tapi.h"


/* Where the harness reports a finding: stderr, or in libFuzzer runs a copy of
 * it made before -close_fd_mask=2 silences the library's stderr. */
static FILE *report;
static FILE *rep(void) { return report ? report : stderr; }

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    int fd = dup(2);
    report = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (report)
        setvbuf(report, NULL, _IONBF, 0);
    return 0;
}

static void check_message(const char *what, LONG rc, const char *err)
{
    if (rc != 0 && !err[0]) {
        fprintf(rep(), "fuzz_config: %s refused without a message\n", what);
        abort();
    }
    for (const unsigned char *c = (const unsigned char *)err; *c; c++)
        if ((*c < 0x20 && *c != '\t') || *c == 0x7f) {
            fprintf(rep(), "fuzz_config: %s: control byte 0x%02x in the message\n", what, *c);
            abort();
        }
}

/* lineInitializeEx on the current source; must give what the check gave. */
static void start(const char *what, LONG checked)
{
    HLINEAPP app;
    DWORD n = 0, api = 0x00020002;
    LINEINITIALIZEEXPARAMS p;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = sizeof(p);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    LONG rc = lineInitializeEx(&app, NULL, NULL, "fuzz", &n, &api, &p);
    if (rc != checked) {
        fprintf(rep(), "fuzz_config: %s: checked %s but lineInitializeEx %s\n", what,
                otErrorName(checked), otErrorName(rc));
        abort();
    }
    if (rc == 0) {
        if (n == 0) {
            fprintf(rep(), "fuzz_config: %s: started with no line device\n", what);
            abort();
        }
        for (DWORD d = 0; d < n && d < 64; d++) {
            LINEDEVCAPS dc;
            memset(&dc, 0, sizeof(dc));
            dc.dwTotalSize = sizeof(dc);
            lineGetDevCaps(app, d, 0x00020002, 0, &dc);
        }
        lineShutdown(app);
    }
}

static int memfd = -1;

static void run(const unsigned char *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return;
    memcpy(text, data, size);
    text[size] = '\0';
    bool has_nul = strlen(text) != size;
    static int isolated = -1;
    if (isolated < 0)
        isolated = unshare(CLONE_NEWNET) == 0;
    bool startable = !memmem(data, size, "sip", 3) && !memmem(data, size, "client", 6) &&
                     (isolated || !memmem(data, size, "kamailio", 8));

    /* 1. as a text */
    char err[256];
    LONG ok_text = otCheckConfig(text, err, sizeof(err));
    check_message("text", ok_text, err);
    if (otSetConfig(text) != 0)
        abort();
    if (startable)
        start("text", ok_text);
    otSetConfig(NULL);

    /* 2. whole, as a file */
    if (memfd < 0)
        memfd = memfd_create("fuzz_config", MFD_CLOEXEC);
    if (memfd < 0 || ftruncate(memfd, 0) != 0 || pwrite(memfd, data, size, 0) != (ssize_t)size)
        abort();
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
    LONG ok_file = otCheckConfigFile(path, err, sizeof(err));
    check_message("file", ok_file, err);
    if ((has_nul || size == 0) ? ok_file != (LONG)LINEERR_INIFILECORRUPT : ok_file != ok_text) {
        fprintf(rep(), "fuzz_config: the text gives %s, the file %s (%s)\n",
                otErrorName(ok_text), otErrorName(ok_file), err);
        abort();
    }
    if (startable && (has_nul || size == 0)) {
        setenv("OPENTAPI_CONFIG", path, 1);
        start("file", ok_file);
        unsetenv("OPENTAPI_CONFIG");
    }
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
