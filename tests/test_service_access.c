/* The telephony service (docs/service.md) across processes, part 2: who may
 * use it and how it is found and started.  The [access] rules (lines and
 * privileges by user, uid and group, the default rule, a bad rule at start),
 * the service's sections checked with the rest of the configuration, a
 * client's configuration naming the service, `tapi lines` through it, a
 * socket already served, and systemd's socket activation. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_service.h"

/* ---- access rules ---- */
static void become_nobody(void)
{
    if (geteuid() != 0)
        FAIL("this test changes the client's user: run it as root (as CI does)");
    CHECK_RC(setgroups(0, NULL), 0);
    CHECK_RC(setresgid(65534, 65534, 65534), 0);
    CHECK_RC(setresuid(65534, 65534, 65534), 0);
}

static const char *number_of(tapp *a, DWORD dev)
{
    static union {
        LINEADDRESSCAPS ac;
        unsigned char raw[sizeof(LINEADDRESSCAPS) + 512];
    } u;
    memset(&u, 0, sizeof(u));
    u.ac.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetAddressCaps(a->h, dev, 0, T_API, 0, &u.ac), 0);
    return (const char *)u.raw + u.ac.dwAddressOffset;
}

static void role_restricted_user(void *arg)
{
    (void)arg;
    become_nobody();
    tapp a;
    t_init(&a, "nobody");
    /* [access]: 100 owner, 101 monitor, 102 owner by group: three lines, in the
     * service's order, numbered from 0 for this client. */
    CHECK_EQ(a.ndevs, 3);
    CHECK(!strcmp(number_of(&a, 0), "100"));
    CHECK(!strcmp(number_of(&a, 1), "101"));
    CHECK(!strcmp(number_of(&a, 2), "102"));
    union {
        LINEDEVCAPS dc;
        unsigned char raw[sizeof(LINEDEVCAPS) + 512];
    } u = {.dc.dwTotalSize = sizeof(u)};
    CHECK_RC(lineGetDevCaps(a.h, 3, T_API, 0, &u.dc), LINEERR_BADDEVICEID);
    HLINE l;
    CHECK_RC(lineOpen(a.h, 3, &l, T_API, 0, 0, LINECALLPRIVILEGE_MONITOR,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             LINEERR_BADDEVICEID);
    /* 101: monitor only. */
    CHECK_RC(lineOpen(a.h, 1, &l, T_API, 0, 0, LINECALLPRIVILEGE_OWNER,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             LINEERR_INVALPRIVSELECT);
    CHECK_RC(lineOpen(a.h, 1, &l, T_API, 0, 0, LINECALLPRIVILEGE_NONE,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             LINEERR_INVALPRIVSELECT);
    HLINE lm = t_open(&a, 1, LINECALLPRIVILEGE_MONITOR);
    HCALL h = 0;
    CHECK_RC(lineMakeCall(lm, &h, "100", 0, NULL), LINEERR_INVALPRIVSELECT);
    /* Nor may a monitor route the line's calls elsewhere (forwarding them all
     * to itself), lock the line or cancel its call completions. */
    union {
        LINEFORWARDLIST fl;
        unsigned char raw[sizeof(LINEFORWARDLIST) + 16];
    } fw;
    memset(&fw, 0, sizeof(fw));
    fw.fl.dwTotalSize = sizeof(fw);
    fw.fl.dwNumEntries = 1;
    fw.fl.ForwardList[0].dwForwardMode = LINEFORWARDMODE_UNCOND;
    fw.fl.ForwardList[0].dwDestAddressSize = 4;
    fw.fl.ForwardList[0].dwDestAddressOffset = sizeof(LINEFORWARDLIST);
    memcpy(fw.raw + sizeof(LINEFORWARDLIST), "102", 4);
    HCALL consult = 0;
    CHECK_RC(lineForward(lm, TRUE, 0, &fw.fl, 1, &consult, NULL), LINEERR_INVALPRIVSELECT);
    CHECK_RC(lineForward(lm, TRUE, 0, NULL, 1, &consult, NULL), LINEERR_INVALPRIVSELECT);
    CHECK_RC(lineUncompleteCall(lm, 1), LINEERR_INVALPRIVSELECT);
    CHECK_RC(lineSetLineDevStatus(lm, LINEDEVSTATUSFLAGS_LOCKED, TRUE), LINEERR_INVALPRIVSELECT);
    /* 100 and 102: owner. */
    HLINE lo = t_open(&a, 0, LINECALLPRIVILEGE_OWNER | LINECALLPRIVILEGE_MONITOR);
    HLINE lg = t_open(&a, 2, LINECALLPRIVILEGE_OWNER);
    /* A call from 100 to 101: our monitor handle on 101 cannot become owner. */
    HCALL ha = t_make_call(&a, lo, "101", NULL, 0);
    static const struct exp ringback[] = {{LINE_CALLSTATE, LINECALLSTATE_DIALING, 0},
                                          {LINE_CALLSTATE, LINECALLSTATE_PROCEEDING, 0},
                                          {LINE_CALLSTATE, LINECALLSTATE_RINGBACK, 0}};
    static const struct exp offer[] = {
        {LINE_APPNEWCALL, 0, ANY},
        {LINE_CALLSTATE, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE}};
    struct track t[2] = {{lo, ha, ringback, 3, 0}, {lm, 0, offer, 2, 0}};
    follow(&a, t, 2);
    HCALL hm = t[1].h;
    CHECK_RC(lineSetCallPrivilege(hm, LINECALLPRIVILEGE_OWNER), LINEERR_INVALPRIVSELECT);
    CHECK_RC(lineDrop(hm, NULL, 0), LINEERR_NOTOWNER);
    LONG req = lineDrop(ha, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(&a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_state(&a, hm, LINECALLSTATE_IDLE, 0); /* the offer goes with the caller */
    t_expect_reply(&a, req, 0);
    CHECK_RC(lineDeallocateCall(ha), 0);
    CHECK_RC(lineDeallocateCall(hm), 0);
    CHECK_RC(lineClose(lg), 0);
    sync_with_service(&a);
    t_expect_none(&a);
    t_shutdown(&a);
}

static void role_default_rules_user(void *arg)
{
    (void)arg;
    become_nobody();
    tapp a;
    t_init(&a, "nobody");
    CHECK_EQ(a.ndevs, 0); /* no rule: only root and the service's own user */
    HLINE l;
    CHECK_RC(lineOpen(a.h, 0, &l, T_API, 0, 0, LINECALLPRIVILEGE_MONITOR,
                      LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             LINEERR_BADDEVICEID);
    t_shutdown(&a);
}

TEST(service_access_rules_decide_lines_and_privileges)
{
    char conf[8192];
    snprintf(conf, sizeof(conf),
             "%s\n[access]\n100 = owner:nobody\n101 = monitor:65534,someone-else\n"
             "102 = monitor:root owner:@nogroup\n",
             otDefaultConfig());
    svc s;
    svc_start(&s, conf);
    svc_child c;
    svc_child_start(&c, &s, "nobody", role_restricted_user, NULL);
    svc_child_wait(&c);
    svc_finish(&s);
    svc_start(&s, NULL);
    svc_child_start(&c, &s, "nobody, default rules", role_default_rules_user, NULL);
    svc_child_wait(&c);
    svc_stop(&s);
    svc_cleanup(&s);
}

TEST(service_refuses_a_bad_access_rule_at_start)
{
    char conf[8192];
    snprintf(conf, sizeof(conf), "%s\n[access]\n100 = owner:nobody everybody\n",
             otDefaultConfig());
    svc s;
    memset(&s, 0, sizeof(s));
    snprintf(s.dir, sizeof(s.dir), "/tmp/otsvc.XXXXXX");
    CHECK(mkdtemp(s.dir) != NULL);
    char path[128], cmd[1500];
    snprintf(path, sizeof(path), "%s/bad.conf", s.dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    fputs(conf, f);
    fclose(f);
    char exe[1024];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    CHECK(n > 0);
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0';
    snprintf(cmd, sizeof(cmd), "%s/tapisrv --socket %s/s.sock --config %s 2>%s/tapisrv.log",
             exe, s.dir, path, s.dir);
    int st = system(cmd);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 2);
    CHECK(strstr(svc_log(&s), "[access] 100") != NULL);
    svc_cleanup(&s);
}

/* ---- the configuration may name the service instead of the environment ---- */
static void role_configured_client(void *arg)
{
    const char *conf_path = arg;
    unsetenv("OPENTAPI_SERVER");
    setenv("OPENTAPI_CONFIG", conf_path, 1);
    tapp a;
    t_init(&a, "configured");
    CHECK_EQ(a.ndevs, 15); /* the service's lines, not this file's one line */
    OTSTATS st;
    CHECK_RC(otGetServiceStats(&st), 0);
    CHECK_EQ(st.dwApps, 1);
    t_shutdown(&a);
    /* OPENTAPI_SERVER=none wins over the file: embedded, the file's line. */
    setenv("OPENTAPI_SERVER", "none", 1);
    t_init(&a, "embedded");
    CHECK_EQ(a.ndevs, 1);
    CHECK_RC(otGetServiceStats(&st), LINEERR_OPERATIONUNAVAIL);
    t_shutdown(&a);
}

TEST(service_named_by_the_client_configuration)
{
    svc s;
    svc_start(&s, NULL);
    char path[160];
    snprintf(path, sizeof(path), "%s/client.conf", s.dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    fprintf(f, "[client]\nserver = %s\n[line]\nname = mine\nnumber = 900\n", s.address);
    CHECK_EQ(fclose(f), 0);
    svc_child c;
    svc_child_start(&c, &s, "configured client", role_configured_client, path);
    svc_child_wait(&c);
    svc_finish(&s);
}

TEST(service_tapi_lines_lists_the_service_lines_of_the_user)
{
    svc s;
    svc_start(&s, NULL);
    svc_child c;
    const char *args[] = {"tapi", "lines", NULL};
    svc_exec(&c, &s, "tapi lines", args);
    CHECK(strstr(svc_hear(&c), "name") != NULL); /* the heading */
    for (int i = 0; i < 15; i++) {
        const char *l = svc_hear(&c);
        char want[16];
        snprintf(want, sizeof(want), "%-4d", i);
        if (strncmp(l, want, 4) != 0)
            FAIL("tapi lines: line %d is \"%s\"", i, l);
    }
    svc_exec_wait(&c);
    svc_stop(&s);
    svc_cleanup(&s);
}

/* ---- the service's sections are checked with the rest of the configuration ---- */
TEST(service_sections_checked_like_the_rest)
{
    static const struct {
        const char *text, *why;
    } bad[] = {
        {"[access]\n100 = owner:\n", "[access] 100"},
        {"[access]\n* = everybody\n", "[access] *"},
        {"[access]\n100 =\n", "[access] 100"},
        {"[server]\nmax_backlog_kb = 1\n", "max_backlog_kb"},
        {"[server]\nmax_backlog_kb = lots\n", "max_backlog_kb"},
        {"[server]\nport = 5\n", "unknown key port"},
        {"[client]\nserver = tcp:1.2.3.4:5\n", "unix:PATH or none"},
        {"[client]\nserver = unix:\n", "unix:PATH or none"},
        {"[client]\nbackup = unix:/x\n", "unknown key backup"},
    };
    char text[512], err[320];
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(text, sizeof(text), "[line]\nnumber = 100\n%s", bad[i].text);
        err[0] = '\0';
        LONG rc = otCheckConfig(text, err, sizeof(err));
        if (rc != (LONG)LINEERR_INIFILECORRUPT || !strstr(err, bad[i].why))
            FAIL("case %zu: %s \"%s\", expected INIFILECORRUPT \"...%s...\"", i, otErrorName(rc),
                 err, bad[i].why);
    }
    CHECK_RC(otCheckConfig("[line]\nnumber = 100\n[access]\n100 = owner:alice,@staff monitor:*\n"
                           "* = monitor:1000\n[server]\nsocket = /run/x.sock\n"
                           "max_backlog_kb = 64\n[client]\nserver = unix:/run/x.sock\n",
                           err, sizeof(err)),
             0);
    /* and start-up refuses what the checker refuses */
    t_config("[line]\nnumber = 100\n[access]\n100 = owner:\n");
    HLINEAPP h;
    DWORD n, api = T_API;
    LINEINITIALIZEEXPARAMS p = {.dwTotalSize = sizeof(p),
                                .dwOptions = LINEINITIALIZEEXOPTION_USEEVENT};
    CHECK_RC(lineInitializeEx(&h, NULL, NULL, "bad access", &n, &api, &p),
             LINEERR_INIFILECORRUPT);
    T_LOG_EXPECT("[access] 100");
}

/* ---- a socket already served is refused with a clear message; systemd's
 * socket activation hands the service its listening socket ---- */
static int run_tapisrv(const char *dir, const char *args, const char *log)
{
    char exe[1024], cmd[2600];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    CHECK(n > 0);
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0';
    snprintf(cmd, sizeof(cmd), "%s/tapisrv %s 2>%s/%s", exe, args, dir, log);
    int st = system(cmd);
    CHECK(WIFEXITED(st));
    return WEXITSTATUS(st);
}

TEST(service_refuses_a_socket_already_served)
{
    svc s;
    svc_start(&s, NULL);
    char args[200], path[200];
    snprintf(args, sizeof(args), "--socket %s", s.sock);
    CHECK_EQ(run_tapisrv(s.dir, args, "second.log"), 1);
    snprintf(path, sizeof(path), "%s/second.log", s.dir);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    char line[512] = "";
    size_t got = fread(line, 1, sizeof(line) - 1, f);
    fclose(f);
    line[got] = '\0';
    if (!strstr(line, "is already served by another tapisrv"))
        FAIL("the second tapisrv said: %s", line);
    /* the first one goes on serving */
    svc_finish(&s);
}

static void role_activated_client(void *arg)
{
    (void)arg;
    tapp a;
    t_init(&a, "activated");
    CHECK_EQ(a.ndevs, 15);
    t_shutdown(&a);
}

TEST(service_takes_the_socket_systemd_passes)
{
    svc s;
    memset(&s, 0, sizeof(s));
    snprintf(s.dir, sizeof(s.dir), "/tmp/otsvc.XXXXXX");
    CHECK(mkdtemp(s.dir) != NULL);
    snprintf(s.sock, sizeof(s.sock), "%s/activated.sock", s.dir);
    snprintf(s.address, sizeof(s.address), "unix:%s", s.sock);
    /* What systemd does for tapisrv.socket: bind and listen, then start the
     * service with the socket as descriptor 3 and LISTEN_PID/LISTEN_FDS. */
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(lfd >= 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", s.sock);
    CHECK_RC(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    CHECK_RC(listen(lfd, 16), 0);
    int ready[2];
    CHECK_RC(pipe(ready), 0);
    char exe[1024];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    CHECK(n > 0);
    exe[n] = '\0';
    strcpy(strrchr(exe, '/') + 1, "tapisrv");
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(lfd, 3);
        dup2(ready[1], 4);
        char num[16];
        snprintf(num, sizeof(num), "%d", (int)getpid());
        setenv("LISTEN_PID", num, 1);
        setenv("LISTEN_FDS", "1", 1);
        unsetenv("OPENTAPI_CONFIG");
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        execl(exe, exe, "--ready-fd", "4", (char *)NULL);
        _exit(127);
    }
    close(ready[1]);
    close(lfd);
    s.pid = pid;
    s.pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    struct pollfd pf = {ready[0], POLLIN, 0};
    char word[8] = "";
    CHECK(poll(&pf, 1, 10000) == 1 && read(ready[0], word, sizeof(word)) > 0);
    close(ready[0]);
    CHECK(!strncmp(word, "ready", 5));
    svc_child c;
    svc_child_start(&c, &s, "activated client", role_activated_client, NULL);
    svc_child_wait(&c);
    svc_stop(&s);
    /* a passed socket is systemd's: the service leaves the path alone */
    CHECK_RC(access(s.sock, F_OK), 0);
    svc_cleanup(&s);
}
