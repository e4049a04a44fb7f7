/* SIP lines in the configuration: the checker (otCheckConfig, `tapi config
 * --check`) runs the SIP provider's own rules, so what it accepts starts,
 * unless the address is in use at that moment (LINEERR_NODRIVER, with
 * strerror's reason).  Nothing here sends a SIP message. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sip_helpers.h"
#include "test.h"

extern char **environ;

static LONG start_once(char *msg, size_t msglen)
{
    LINEINITIALIZEEXPARAMS p;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = sizeof(p);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    DWORD api = T_API, n = 0;
    HLINEAPP h = 0;
    t_log_clear();
    LONG rc = lineInitializeEx(&h, NULL, NULL, "sip config", &n, &api, &p);
    t_log_take(msg, msglen);
    if (rc == 0)
        CHECK_RC(lineShutdown(h), 0);
    return rc;
}

#define CHECK_HAS(hay, needle)                                                                 \
    do {                                                                                       \
        if (!strstr((hay), (needle)))                                                          \
            FAIL("\"%s\" does not contain \"%s\"", (hay), (needle));                           \
    } while (0)

/* Each bad SIP key or value: the checker and start-up refuse it alike, with
 * the line of the key in the file. */
TEST(sip_config_check_agrees_with_startup)
{
    int port = sh_free_port();
    static const struct {
        const char *extra;
        const char *msg;
    } cases[] = {
        {"bogus = 1\n", "line 5: [line] (device 0, sip): unknown key bogus"},
        {"transport = sctp\n", "line 5: [line] (device 0, sip): transport must be udp, tcp or tls"},
        {"expires = 5\n", "line 5: [line] (device 0, sip): expires must be 10..86400"},
        {"expires = +60\n", "line 5: [line] (device 0, sip): expires must be 10..86400"},
        {"ring_ms = -1\n", "line 5: [line] (device 0, sip): ring_ms must be 0..86400000"},
        {"ring_ms = 86400001\n", "line 5: [line] (device 0, sip): ring_ms must be 0..86400000"},
        {"refer_timeout = 0\n", "line 5: [line] (device 0, sip): refer_timeout must be 1..300"},
        {"refer_timeout = 301\n", "line 5: [line] (device 0, sip): refer_timeout must be 1..300"},
        {"refer_timeout = 5s\n", "line 5: [line] (device 0, sip): refer_timeout must be 1..300"},
        {"refer_timeout = -1\n", "line 5: [line] (device 0, sip): refer_timeout must be 1..300"},
        {"refer_timeout =\n", "line 5: [line] (device 0, sip): refer_timeout must be 1..300"},
        {"reject_status = 404\n", "line 5: [line] (device 0, sip): reject_status must be"},
        {"session_expires = 90000\n",
         "line 5: [line] (device 0, sip): session_expires must be 0..86400"},
        {"reject_status = 603x\n", "line 5: [line] (device 0, sip): reject_status must be"},
        {"proxy = http://x\n", "line 5: [line] (device 0, sip): proxy must be a SIP URI"},
        {"registrar = sip:\n", "line 5: [line] (device 0, sip): registrar must be a SIP URI"},
        {"display = a\"b\n", "line 5: [line] (device 0, sip): display may not contain"},
        {"bind = sip:u@127.0.0.1:5\n", "line 5: [line] (device 0, sip): bind must be IP:PORT"},
        {"bind = 127.0.0.1:70000\n", "line 5: [line] (device 0, sip): bind must be IP:PORT"},
        {"uri = sip:a@127.0.0.1:0\n", "line 5: [line] (device 0, sip): uri must be a SIP URI"},
        {"[sip]\nlog_level = 10\n", "line 6: [sip] log_level must be 0 (off) to 9"},
        {"[sip]\nlog_levle = 1\n", "line 6: [sip]: unknown key log_levle"},
        {"[line]\nprovider = sip\nnumber = b\nuri = sip:b@127.0.0.1:%d\n",
         "line 5: [line] (sip): listens on 127.0.0.1:"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[600], extra[200], err[256] = "", msg[2048];
        snprintf(extra, sizeof(extra), cases[i].extra, port);
        snprintf(text, sizeof(text),
                 "[line]\nprovider = sip\nnumber = a\nuri = sip:a@127.0.0.1:%d\n%s", port, extra);
        LONG crc = otCheckConfig(text, err, sizeof(err));
        if (crc != (LONG)LINEERR_INIFILECORRUPT || !strstr(err, cases[i].msg))
            FAIL("case %zu: otCheckConfig %s \"%s\", expected \"%s\"", i, otErrorName(crc), err,
                 cases[i].msg);
        t_config(text);
        LONG rc = start_once(msg, sizeof(msg));
        if (rc != (LONG)LINEERR_INIFILECORRUPT || !strstr(msg, cases[i].msg))
            FAIL("case %zu: lineInitializeEx %s \"%s\", expected \"%s\"", i, otErrorName(rc),
                 msg, cases[i].msg);
    }
    /* A good one: accepted and started. */
    char text[300], err[256] = "?", msg[2048];
    snprintf(text, sizeof(text),
             "[sip]\nlog_level = 0\n[line]\nprovider = sip\nnumber = a\nuri = sip:a@127.0.0.1:%d\n"
             "expires = 60\nreject_status = 486\ndisplay = Alice\nring_ms = 0\nrefer_timeout = 300\n",
             port);
    CHECK_RC(otCheckConfig(text, err, sizeof(err)), 0);
    CHECK_EQ(err[0], '\0');
    t_config(text);
    CHECK_RC(start_once(msg, sizeof(msg)), 0);
    CHECK_RC(otSetConfig(NULL), 0);
}

/* The address taken by someone else: a condition of the moment, which only
 * start-up can see.  The checker says ok; lineInitializeEx fails with
 * LINEERR_NODRIVER and says why (strerror). */
TEST(sip_config_port_in_use_is_nodriver_with_reason)
{
    int port = sh_free_port();
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
        FAIL("bind 127.0.0.1:%d: %s", port, strerror(errno));
    char text[300], err[256] = "?", msg[2048];
    snprintf(text, sizeof(text), "[line]\nprovider = sip\nnumber = a\nuri = sip:a@127.0.0.1:%d\n",
             port);
    CHECK_RC(otCheckConfig(text, err, sizeof(err)), 0);
    t_config(text);
    LONG rc = start_once(msg, sizeof(msg));
    close(fd);
    CHECK_RC(rc, LINEERR_NODRIVER);
    CHECK_HAS(msg, "cannot bind");
    CHECK_HAS(msg, strerror(EADDRINUSE));
    /* Free again: it starts. */
    CHECK_RC(start_once(msg, sizeof(msg)), 0);
    CHECK_RC(otSetConfig(NULL), 0);
}

/* Runs the tapi tool with args; its stdout and stderr (together) go to out. */
static int run_tapi(const char *const *args, char *out, size_t outlen)
{
    char path[] = "/tmp/opentapi-test-out-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    unlink(path);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd, 1);
    posix_spawn_file_actions_adddup2(&fa, fd, 2);
    char *argv[8];
    int n = 0;
    argv[n++] = (char *)sh_tapi_path();
    for (int i = 0; args[i] && n < 7; i++)
        argv[n++] = (char *)args[i];
    argv[n] = NULL;
    pid_t pid;
    int e = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (e)
        FAIL("posix_spawn %s: %s", argv[0], strerror(e));
    int st;
    while (waitpid(pid, &st, 0) < 0)
        CHECK(errno == EINTR);
    ssize_t r = pread(fd, out, outlen - 1, 0);
    close(fd);
    out[r > 0 ? r : 0] = '\0';
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void write_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        FAIL("open %s: %s", path, strerror(errno));
    CHECK_EQ(write(fd, data, len), (long long)len);
    close(fd);
}

/* `tapi config --check FILE`: what start-up says, providers' keys included;
 * nothing of the file or its name reaches the terminal raw. */
TEST(sip_config_tool_check)
{
    char dir[] = "/tmp/opentapi-test-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char f[200], out[2048], text[300];
    int port = sh_free_port();
    snprintf(f, sizeof(f), "%s/sip.conf", dir);
    snprintf(text, sizeof(text),
             "[line]\nprovider = sip\nnumber = a\nuri = sip:a@127.0.0.1:%d\nbogus = 1\n", port);
    write_file(f, text, strlen(text));
    const char *check[] = {"config", "--check", f, NULL};
    CHECK_EQ(run_tapi(check, out, sizeof(out)), 1);
    CHECK_HAS(out, "line 5: [line] (device 0, sip): unknown key bogus (LINEERR_INIFILECORRUPT)");
    /* without the key: ok */
    snprintf(text, sizeof(text), "[line]\nprovider = sip\nnumber = a\nuri = sip:a@127.0.0.1:%d\n",
             port);
    write_file(f, text, strlen(text));
    CHECK_EQ(run_tapi(check, out, sizeof(out)), 0);
    char want[300];
    snprintf(want, sizeof(want), "%s: ok\n", f);
    if (strcmp(out, want))
        FAIL("\"%s\", expected \"%s\"", out, want);
    /* garbage: escaped, never raw */
    static const char garbage[] = "[line]\nnumber = 1\nname = \x1b]0;pwned\x07\n";
    write_file(f, garbage, sizeof(garbage) - 1);
    CHECK_EQ(run_tapi(check, out, sizeof(out)), 1);
    CHECK_HAS(out, "line 3, column 8: byte \\x1b");
    for (const char *c = out; *c; c++)
        if ((unsigned char)*c < 0x20 && *c != '\n')
            FAIL("raw control byte 0x%02x in \"%s\"", (unsigned char)*c, out);
    /* a missing file, a directory, an empty file, a name with control bytes */
    char missing[200], empty[200], odd[200];
    snprintf(missing, sizeof(missing), "%s/missing", dir);
    snprintf(empty, sizeof(empty), "%s/empty", dir);
    snprintf(odd, sizeof(odd), "%s/\x1b[2J", dir);
    write_file(empty, "", 0);
    const struct {
        const char *path, *want;
    } cases[] = {
        {missing, "cannot read the file: No such file or directory (LINEERR_OPERATIONFAILED)"},
        {dir, "cannot read the file: Is a directory (LINEERR_OPERATIONFAILED)"},
        {empty, "the file is empty (LINEERR_INIFILECORRUPT)"},
        {odd, "/\\x1b[2J: cannot read the file: No such file"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *args[] = {"config", "--check", cases[i].path, NULL};
        int rc = run_tapi(args, out, sizeof(out));
        if (rc != 1 || !strstr(out, cases[i].want))
            FAIL("case %zu: exit %d \"%s\", expected 1 \"%s\"", i, rc, out, cases[i].want);
        for (const char *c = out; *c; c++)
            if ((unsigned char)*c < 0x20 && *c != '\n')
                FAIL("case %zu: raw control byte 0x%02x in \"%s\"", i, (unsigned char)*c, out);
    }
    unlink(f);
    unlink(empty);
    rmdir(dir);
}
