/* The configuration as start-up and the checker read it: one reading of every
 * byte (NUL and non-text bytes refused with their line), the same verdict from
 * otCheckConfig / otCheckConfigFile as from lineInitializeEx, the errors of an
 * OPENTAPI_CONFIG file that cannot be read, and messages that never carry a raw
 * control byte. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

static LONG init_event(HLINEAPP *h, DWORD *ndevs)
{
    LINEINITIALIZEEXPARAMS p;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = sizeof(p);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    DWORD api = T_API;
    *h = 0;
    return lineInitializeEx(h, NULL, NULL, "config", ndevs, &api, &p);
}

/* Starts the current configuration: lineInitializeEx's result (shut down
 * again when it started); what it printed goes to msg. */
static LONG start_once(char *msg, size_t msglen)
{
    HLINEAPP h;
    DWORD n = 0;
    t_log_clear();
    LONG rc = init_event(&h, &n);
    t_log_take(msg, msglen);
    if (rc == 0) {
        CHECK(n > 0);
        CHECK_RC(lineShutdown(h), 0);
    } else
        CHECK_EQ(h, 0);
    OTSTATS st;
    CHECK_RC(otGetStats(&st), 0);
    CHECK_EQ(st.dwApps, 0);
    return rc;
}

static void write_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        FAIL("open %s: %s", path, strerror(errno));
    CHECK_EQ(write(fd, data, len), (long long)len);
    close(fd);
}

static void no_control_bytes(const char *what, const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if ((*c < 0x20 && *c != '\n') || *c == 0x7f)
            FAIL("%s: raw control byte 0x%02x in \"%s\"", what, *c, s);
}

#define CHECK_HAS(hay, needle)                                                                 \
    do {                                                                                       \
        if (!strstr((hay), (needle)))                                                          \
            FAIL("\"%s\" does not contain \"%s\"", (hay), (needle));                           \
    } while (0)

/* The fuzzer's reproducer (issue 14): NUL bytes inside the value of
 * `provider`.  otCheckConfig accepted the text before the first NUL ("b?")
 * while start-up refused it; a file holding it was read up to the NUL. */
static const unsigned char repro[] =
    "# op(ntapi d-excntapi e of 200ring = bridged-exclusive\n[line]\nname = ge 202 (B)\n"
    "number = 201\nprovider = b?\0\0\0ridged-+xcl\xc2sive\n:\n# Dec Br\nsharing = br\n#ine]\nname";

TEST(config_reproducer_nul_in_provider)
{
    size_t len = sizeof(repro) - 1;
    CHECK_EQ(len, 160);
    char path[] = "/tmp/opentapi-test-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    write_file(path, repro, len);
    /* The file, whole: the NUL byte is an error with its line and column. */
    char err[256] = "", msg[1024];
    CHECK_RC(otCheckConfigFile(path, err, sizeof(err)), LINEERR_INIFILECORRUPT);
    if (strcmp(err, "line 5, column 14: a NUL byte (the configuration is text)"))
        FAIL("otCheckConfigFile: \"%s\"", err);
    setenv("OPENTAPI_CONFIG", path, 1);
    LONG rc = start_once(msg, sizeof(msg));
    unsetenv("OPENTAPI_CONFIG");
    unlink(path);
    CHECK_RC(rc, LINEERR_INIFILECORRUPT);
    CHECK_HAS(msg, "line 5, column 14: a NUL byte");
    /* As a text it ends at the first NUL: provider "b?", which both refuse. */
    CHECK_RC(otCheckConfig((const char *)repro, err, sizeof(err)), LINEERR_INIFILECORRUPT);
    CHECK_HAS(err, "line 5: [line] (device 0): no provider \"b?\" in this build");
    t_config((const char *)repro);
    rc = start_once(msg, sizeof(msg));
    CHECK_RC(otSetConfig(NULL), 0);
    CHECK_RC(rc, LINEERR_INIFILECORRUPT);
    CHECK_HAS(msg, "no provider \"b?\"");
}

/* Bytes a value cannot hold, anywhere in the file (a value, a key, a comment):
 * refused with the line, the column and the byte escaped. */
TEST(config_non_text_bytes_refused)
{
    static const struct {
        const char *line;
        const char *msg;
    } bad[] = {
        {"name = a\x01z", "line 3, column 9: byte \\x01"},
        {"name = a\x7fz", "line 3, column 9: byte \\x7f"},
        {"name = \x1b[31mred", "line 3, column 8: byte \\x1b"},
        {"name = \xc2\x85", "line 3, column 8: byte \\xc2"},         /* C1 control NEL */
        {"name = \xc0\x80", "line 3, column 8: byte \\xc0"},         /* overlong NUL */
        {"name = \xed\xa0\x80", "line 3, column 8: byte \\xed"},     /* surrogate */
        {"name = \xf4\x90\x80\x80", "line 3, column 8: byte \\xf4"}, /* > U+10FFFF */
        {"name = caf\xe9", "line 3, column 11: byte \\xe9"},         /* Latin-1 */
        {"name = \xe2\x98", "line 3, column 8: byte \\xe2"},         /* cut short */
        {"# a comment \x02", "line 3, column 13: byte \\x02"},
        {"na\x0bme = x", "line 3, column 3: byte \\x0b"},
        {"name = a\rb", "line 3, column 9: byte \\x0d"}, /* CR only ends a line */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char text[256], err[256] = "", msg[1024];
        snprintf(text, sizeof(text), "[line]\nnumber = 1\n%s\n", bad[i].line);
        LONG crc = otCheckConfig(text, err, sizeof(err));
        if (crc != (LONG)LINEERR_INIFILECORRUPT || !strstr(err, bad[i].msg))
            FAIL("case %zu: otCheckConfig %s \"%s\", expected LINEERR_INIFILECORRUPT \"%s\"", i,
                 otErrorName(crc), err, bad[i].msg);
        no_control_bytes("otCheckConfig", err);
        t_config(text);
        LONG rc = start_once(msg, sizeof(msg));
        if (rc != (LONG)LINEERR_INIFILECORRUPT || !strstr(msg, bad[i].msg))
            FAIL("case %zu: lineInitializeEx %s \"%s\"", i, otErrorName(rc), msg);
        no_control_bytes("stderr", msg);
    }
    CHECK_RC(otSetConfig(NULL), 0);
    /* UTF-8 text, tabs and CRLF line ends are fine. */
    static const char good[] = "[line]\r\nnumber = 1\r\nname =\tCaf\xc3\xa9 \xe2\x98\x8e "
                               "\xf0\x9f\x93\x9e\r\n# \xe2\x82\xac\r\n";
    char err[256] = "x";
    CHECK_RC(otCheckConfig(good, err, sizeof(err)), 0);
    CHECK_EQ(err[0], '\0');
    t_config(good);
    tapp a;
    t_init(&a, "utf-8");
    CHECK_EQ(a.ndevs, 1);
    union {
        LINEDEVCAPS dc;
        unsigned char raw[sizeof(LINEDEVCAPS) + 256];
    } u;
    memset(&u, 0, sizeof(u));
    u.dc.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetDevCaps(a.h, 0, T_API, 0, &u.dc), 0);
    const char *name = (const char *)u.raw + u.dc.dwLineNameOffset;
    if (strcmp(name, "Caf\xc3\xa9 \xe2\x98\x8e \xf0\x9f\x93\x9e"))
        FAIL("line name \"%s\"", name);
    t_shutdown(&a);
    CHECK_RC(otSetConfig(NULL), 0);
}

/* Every rule start-up applies, the checker applies: the same result for each
 * configuration, providers' rules included. */
TEST(config_check_agrees_with_startup)
{
    static char many[2048];
    size_t o = 0;
    for (int i = 0; i < 17; i++)
        o += (size_t)snprintf(many + o, sizeof(many) - o,
                              "[line]\nnumber = 7\nsharing = bridged-shared\n");
    static const struct {
        const char *text;
        LONG rc;
        const char *msg;
    } cases[] = {
        {"[line]\nnumber = 1\n", 0, ""},
        {"", LINEERR_INIFILECORRUPT, "no [line] section"},
        {"# only a comment\n[sim]\nno_answer_ms = 5\n", LINEERR_INIFILECORRUPT,
         "no [line] section"},
        {"[line]\nnumber = 1\nprovider = nosuchprovider\n", LINEERR_INIFILECORRUPT,
         "line 3: [line] (device 0): no provider \"nosuchprovider\" in this build"},
        {"[sim]\nreply_delay_ms = soon\n[line]\nnumber = 1\n", LINEERR_INIFILECORRUPT,
         "line 2: [sim] reply_delay_ms: expected milliseconds"},
        {"[sim]\nno_answer_ms = 86400001\n[line]\nnumber = 1\n", LINEERR_INIFILECORRUPT,
         "line 2: [sim] no_answer_ms"},
        {"[sim]\nno_answer_ms = +5\n[line]\nnumber = 1\n", LINEERR_INIFILECORRUPT,
         "line 2: [sim] no_answer_ms"},
        {"[sim]\nno_anwser_ms = 5\n[line]\nnumber = 1\n", LINEERR_INIFILECORRUPT,
         "line 2: [sim]: unknown key no_anwser_ms"},
        {"[line]\nnumber = 1\nnum\tber = 2\n", LINEERR_INIFILECORRUPT,
         "line 3: a key is letters, digits, _ and -"},
        {"[line]\nnumber = 1\n[s im]\n", LINEERR_INIFILECORRUPT, "line 3: bad section name"},
        {"[line]\nnumber = 1\n[lines]\nnumber = 2\n", LINEERR_INIFILECORRUPT,
         "line 3: unknown section [lines]"},
        {"[foo]\n[line]\nnumber = 1\n", LINEERR_INIFILECORRUPT, "line 1: unknown section [foo]"},
        {"[line]\nnumber = 1\n[Sim]\nno_answer_ms = 5\n", LINEERR_INIFILECORRUPT,
         "line 3: unknown section [Sim]"},
        {"[line]\nnumber = 1\nsharng = party\n", LINEERR_INIFILECORRUPT,
         "line 3: unknown key sharng for a [line] of the switch"},
        {"[line]\nnumber = 1\n[line]\nnumber = 1\n", LINEERR_INIFILECORRUPT,
         "line 3: number 1 is also on the [line] of line 1"},
        {"[line]\nnumber = 1\nsharing = party\n[line]\nnumber = 2\n[line]\nnumber = 1\n"
         "sharing = bridged-shared\n",
         LINEERR_INIFILECORRUPT, "line 6: number 1 is also on the [line] of line 1"},
        {many, LINEERR_INIFILECORRUPT, "line 49: number 7: more than 16 stations"},
        {"[line]\nnumber = 1\nsharing = bridged-exclusive\n[line]\nnumber = 1\n"
         "sharing = bridged-exclusive\n",
         0, ""},
        {"[line]\nnumber = 1\n[sim]\nno_answer_ms = 0\nreply_delay_ms = 86400000\n", 0, ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char err[256] = "?", msg[1024];
        LONG crc = otCheckConfig(cases[i].text, err, sizeof(err));
        if (crc != cases[i].rc || (cases[i].rc ? !strstr(err, cases[i].msg) : err[0] != '\0'))
            FAIL("case %zu: otCheckConfig %s \"%s\", expected %s \"%s\"", i, otErrorName(crc),
                 err, otErrorName(cases[i].rc), cases[i].msg);
        t_config(cases[i].text);
        LONG rc = start_once(msg, sizeof(msg));
        if (rc != cases[i].rc || (cases[i].rc && !strstr(msg, cases[i].msg)))
            FAIL("case %zu: lineInitializeEx %s \"%s\", expected %s \"%s\"", i,
                 otErrorName(rc), msg, otErrorName(cases[i].rc), cases[i].msg);
    }
    CHECK_RC(otSetConfig(NULL), 0);
}

/* OPENTAPI_CONFIG naming what is not a configuration file: a missing file or
 * a directory cannot be read (LINEERR_OPERATIONFAILED, strerror's reason); an
 * empty file is not a configuration (LINEERR_INIFILECORRUPT), never 0 lines.
 * The name is shown with its control bytes escaped. */
TEST(config_file_unreadable_empty_directory)
{
    char dir[] = "/tmp/opentapi-test-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char missing[128], empty[128], odd[128], odd_shown[128];
    snprintf(missing, sizeof(missing), "%s/missing.conf", dir);
    snprintf(empty, sizeof(empty), "%s/empty.conf", dir);
    snprintf(odd, sizeof(odd), "%s/\x1b[2J\x07.conf", dir);
    snprintf(odd_shown, sizeof(odd_shown), "%s/\\x1b[2J\\x07.conf", dir);
    write_file(empty, "", 0);
    const struct {
        const char *path, *shown;
        LONG rc;
        const char *why;
    } cases[] = {
        {missing, missing, LINEERR_OPERATIONFAILED, strerror(ENOENT)},
        {dir, dir, LINEERR_OPERATIONFAILED, strerror(EISDIR)},
        {empty, empty, LINEERR_INIFILECORRUPT, "the file is empty"},
        {odd, odd_shown, LINEERR_OPERATIONFAILED, strerror(ENOENT)},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char err[256] = "", msg[1024];
        LONG crc = otCheckConfigFile(cases[i].path, err, sizeof(err));
        if (crc != cases[i].rc || !strstr(err, cases[i].why))
            FAIL("case %zu: otCheckConfigFile %s \"%s\", expected %s \"%s\"", i,
                 otErrorName(crc), err, otErrorName(cases[i].rc), cases[i].why);
        setenv("OPENTAPI_CONFIG", cases[i].path, 1);
        LONG rc = start_once(msg, sizeof(msg));
        unsetenv("OPENTAPI_CONFIG");
        char want[300];
        snprintf(want, sizeof(want), "OPENTAPI_CONFIG=%s: ", cases[i].shown);
        if (rc != cases[i].rc || !strstr(msg, want) || !strstr(msg, cases[i].why))
            FAIL("case %zu: lineInitializeEx %s \"%s\", expected %s \"%s...%s\"", i,
                 otErrorName(rc), msg, otErrorName(cases[i].rc), want, cases[i].why);
        no_control_bytes("stderr", msg);
    }
    unlink(empty);
    rmdir(dir);
    char err[8];
    CHECK_RC(otCheckConfigFile(NULL, err, sizeof(err)), LINEERR_INVALPOINTER);
    /* A readable file: the same verdict as its text. */
    static const char text[] = "[line]\nnumber = 1\n";
    char path[] = "/tmp/opentapi-test-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    write_file(path, text, sizeof(text) - 1);
    CHECK_RC(otCheckConfigFile(path, NULL, 0), 0);
    unlink(path);
}
