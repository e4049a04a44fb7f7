/* Helpers of the telephony service's multi-process tests (svc_helpers.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "svc_helpers.h"

extern int t_child_fail_fd; /* main.c */

#define HANG_MS 10000

static const char *bindir(void)
{
    static char dir[1024];
    if (!dir[0]) {
        ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
        if (n <= 0)
            FAIL("readlink /proc/self/exe: %s", strerror(errno));
        dir[n] = '\0';
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
    }
    return dir;
}

static void close_from(int from, int keep)
{
    for (int fd = from; fd < 1024; fd++)
        if (fd != keep)
            close(fd);
}

static int wait_pidfd(int pidfd, pid_t pid, unsigned ms, int *status)
{
    struct pollfd p = {pidfd, POLLIN, 0};
    if (poll(&p, 1, (int)ms) != 1)
        return -1;
    if (waitpid(pid, status, 0) != pid)
        return -1;
    return 0;
}

static void spawn_server(svc *s, const char *config)
{
    char conf[128] = "";
    if (config) {
        snprintf(conf, sizeof(conf), "%s/tapisrv.conf", s->dir);
        FILE *f = fopen(conf, "w");
        if (!f || fputs(config, f) < 0 || fclose(f) != 0)
            FAIL("cannot write %s", conf);
    }
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0)
        FAIL("pipe: %s", strerror(errno));
    char prog[1100], logp[128], fdarg[16];
    snprintf(prog, sizeof(prog), "%s/tapisrv", bindir());
    snprintf(logp, sizeof(logp), "%s/tapisrv.log", s->dir);
    snprintf(fdarg, sizeof(fdarg), "%d", ready[1]);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        FAIL("fork: %s", strerror(errno));
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        setpgid(0, 0);
        int out = open(logp, O_WRONLY | O_CREAT | O_APPEND, 0644);
        int in = open("/dev/null", O_RDONLY);
        if (out < 0 || in < 0)
            _exit(126);
        dup2(in, 0);
        dup2(out, 1);
        dup2(out, 2);
        fcntl(ready[1], F_SETFD, 0);
        close_from(3, ready[1]);
        unsetenv("OPENTAPI_SERVER");
        unsetenv("OPENTAPI_CONFIG");
        if (config)
            execl(prog, prog, "--socket", s->sock, "--ready-fd", fdarg, "--config", conf,
                  (char *)NULL);
        else
            execl(prog, prog, "--socket", s->sock, "--ready-fd", fdarg, (char *)NULL);
        _exit(127);
    }
    close(ready[1]);
    s->pid = pid;
    s->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    struct pollfd p = {ready[0], POLLIN, 0};
    char word[16] = "";
    ssize_t n = poll(&p, 1, HANG_MS) == 1 ? read(ready[0], word, sizeof(word) - 1) : -1;
    close(ready[0]);
    if (n <= 0 || strncmp(word, "ready", 5) != 0)
        FAIL("tapisrv did not start: %s", svc_log(s));
}

void svc_start(svc *s, const char *config)
{
    memset(s, 0, sizeof(*s));
    snprintf(s->dir, sizeof(s->dir), "/tmp/otsvc.XXXXXX");
    if (!mkdtemp(s->dir))
        FAIL("mkdtemp: %s", strerror(errno));
    chmod(s->dir, 0755);
    snprintf(s->sock, sizeof(s->sock), "%s/tapisrv.sock", s->dir);
    snprintf(s->address, sizeof(s->address), "unix:%s", s->sock);
    spawn_server(s, config);
}

void svc_restart(svc *s, const char *config) { spawn_server(s, config); }

void svc_stop(svc *s)
{
    if (s->pid <= 0)
        return;
    kill(s->pid, SIGTERM);
    int st;
    int rc = wait_pidfd(s->pidfd, s->pid, HANG_MS, &st);
    close(s->pidfd);
    pid_t pid = s->pid;
    s->pid = 0;
    if (rc != 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        FAIL("tapisrv did not stop on SIGTERM: %s", svc_log(s));
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        FAIL("tapisrv stopped with status 0x%x: %s", (unsigned)st, svc_log(s));
}

void svc_kill(svc *s)
{
    if (s->pid <= 0)
        return;
    kill(s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
    close(s->pidfd);
    s->pid = 0;
}

const char *svc_log(const svc *s)
{
    static char buf[2048];
    char path[128];
    snprintf(path, sizeof(path), "%s/tapisrv.log", s->dir);
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f) {
        size_t n = fread(buf, 1, sizeof(buf) - 1, f);
        buf[n] = '\0';
        fclose(f);
    }
    return buf;
}

void svc_cleanup(svc *s)
{
    if (s->pid > 0)
        svc_kill(s);
    DIR *d = opendir(s->dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char path[400];
        snprintf(path, sizeof(path), "%s/%s", s->dir, e->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(s->dir);
}

/* ---- client processes ---- */
static int child_in = -1, child_out = -1;

void svc_child_start(svc_child *c, const svc *s, const char *name, void (*role)(void *arg),
                     void *arg)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->name, sizeof(c->name), "%s", name);
    int down[2], up[2];
    if (pipe2(down, O_CLOEXEC) != 0 || pipe2(up, O_CLOEXEC) != 0)
        FAIL("pipe: %s", strerror(errno));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        FAIL("fork: %s", strerror(errno));
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close(down[1]);
        close(up[0]);
        child_in = down[0];
        child_out = up[1];
        t_child_fail_fd = up[1];
        setenv("OPENTAPI_SERVER", s->address, 1);
        role(arg);
        svc_say("DONE");
        _exit(0);
    }
    close(down[0]);
    close(up[1]);
    c->pid = pid;
    c->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    c->to = down[1];
    c->from = up[0];
}

static const char *next_line(svc_child *c)
{
    for (;;) {
        char *nl = memchr(c->buf, '\n', c->len);
        if (nl) {
            static char line[4096];
            size_t n = (size_t)(nl - c->buf);
            memcpy(line, c->buf, n);
            line[n] = '\0';
            memmove(c->buf, nl + 1, c->len - n - 1);
            c->len -= n + 1;
            return line;
        }
        struct pollfd p = {c->from, POLLIN, 0};
        if (poll(&p, 1, HANG_MS) != 1)
            FAIL("%s: said nothing within %d ms", c->name, HANG_MS);
        ssize_t r = read(c->from, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
        if (r <= 0) {
            int st = 0;
            waitpid(c->pid, &st, 0);
            c->pid = 0;
            FAIL("%s: exited without a word (status 0x%x)", c->name, (unsigned)st);
        }
        c->len += (size_t)r;
    }
}

const char *svc_hear(svc_child *c)
{
    const char *l = next_line(c);
    if (!strncmp(l, "FAIL ", 5))
        FAIL("%s: %s", c->name, l + 5);
    return l;
}

const char *svc_expect(svc_child *c, const char *prefix)
{
    const char *l = svc_hear(c);
    size_t n = strlen(prefix);
    if (strncmp(l, prefix, n) != 0)
        FAIL("%s: said \"%s\", expected \"%s...\"", c->name, l, prefix);
    return l + n;
}

void svc_tell(svc_child *c, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    line[n++] = '\n';
    if (write(c->to, line, (size_t)n) != n)
        FAIL("%s: cannot write to it", c->name);
}

void svc_child_wait(svc_child *c)
{
    svc_expect(c, "DONE");
    int st;
    if (wait_pidfd(c->pidfd, c->pid, HANG_MS, &st) != 0)
        FAIL("%s: did not exit", c->name);
    close(c->pidfd);
    close(c->to);
    close(c->from);
    c->pid = 0;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        FAIL("%s: exit status 0x%x", c->name, (unsigned)st);
}

void svc_child_kill(svc_child *c)
{
    if (c->pid <= 0)
        return;
    kill(c->pid, SIGKILL);
    waitpid(c->pid, NULL, 0);
    close(c->pidfd);
    if (c->to >= 0)
        close(c->to);
    close(c->from);
    c->pid = 0;
}

void svc_say(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    line[n++] = '\n';
    ssize_t w = write(child_out, line, (size_t)n);
    (void)w;
}

const char *svc_wait_word(void)
{
    static char line[512];
    size_t n = 0;
    while (n < sizeof(line) - 1) {
        struct pollfd p = {child_in, POLLIN, 0};
        if (poll(&p, 1, HANG_MS) != 1)
            FAIL("the test said nothing within %d ms", HANG_MS);
        char ch;
        if (read(child_in, &ch, 1) != 1)
            FAIL("the test went away");
        if (ch == '\n')
            break;
        line[n++] = ch;
    }
    line[n] = '\0';
    return line;
}

void svc_exec(svc_child *c, const svc *s, const char *name, const char *const *args)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->name, sizeof(c->name), "%s", name);
    int up[2];
    if (pipe2(up, O_CLOEXEC) != 0)
        FAIL("pipe: %s", strerror(errno));
    char prog[1100], logp[160];
    snprintf(prog, sizeof(prog), "%s/%s", bindir(), args[0]);
    const char *base = strrchr(args[0], '/'); /* e.g. examples/acd_proxy */
    snprintf(logp, sizeof(logp), "%s/%s.err", s->dir, base ? base + 1 : args[0]);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        FAIL("fork: %s", strerror(errno));
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int in = open("/dev/null", O_RDONLY);
        int err = open(logp, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (in < 0 || err < 0)
            _exit(126);
        dup2(in, 0);
        dup2(up[1], 1);
        dup2(err, 2);
        close_from(3, -1);
        setenv("OPENTAPI_SERVER", s->address, 1);
        execv(prog, (char *const *)args);
        _exit(127);
    }
    close(up[1]);
    c->pid = pid;
    c->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    c->to = -1;
    c->from = up[0];
}

void svc_exec_wait(svc_child *c)
{
    int st;
    if (wait_pidfd(c->pidfd, c->pid, HANG_MS, &st) != 0)
        FAIL("%s: did not exit", c->name);
    close(c->pidfd);
    close(c->from);
    c->pid = 0;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        FAIL("%s: exit status 0x%x", c->name, (unsigned)st);
}
