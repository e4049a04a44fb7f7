/* Helpers of the SIP tests: the run's ports and directories, and child
 * processes (SIPp, Kamailio, the tapi tool): started (sh_spawn), watched by
 * a watchdog, waited for until they listen, print or exit, stopped with
 * their process group, their logs read.  Starting each program is in
 * sip_peers.c, the provider counters and message checks in sip_expect.c.
 * See sip_helpers.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sip_helpers.h"

/* ---- places -------------------------------------------------------------- */
/* The runner's slot: 20 ports at 20000 + 20 * slot, slot 0-599.  A slot
 * taken from the process id alone collided with another runner's one time in
 * 600 (both lines then bound the same port: "cannot bind", LINEERR_NODRIVER).
 * A runner holds its slot with a lock on that byte of one file shared by all
 * runners of the machine, starting at getpid() % 600 and taking the next free
 * one; fcntl locks end with the process and are not inherited by children.
 * Where the file cannot be used, the slot is the pid's, as before. */
#define SH_SLOTS 600
#define SH_SLOT_LOCK "/tmp/opentapi-sip-ports.lock"

static int reserve_slot(void)
{
    int first = (int)(getpid() % SH_SLOTS);
    int fd = open(SH_SLOT_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return first;
    for (int i = 0; i < SH_SLOTS; i++) {
        int slot = (first + i) % SH_SLOTS;
        struct flock fl;
        memset(&fl, 0, sizeof(fl));
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        fl.l_start = slot;
        fl.l_len = 1;
        if (fcntl(fd, F_SETLK, &fl) == 0)
            return slot; /* fd stays open: closing it would release the lock */
        if (errno != EACCES && errno != EAGAIN)
            break;
    }
    close(fd);
    return first;
}

int sh_port(int n)
{
    static int base;
    if (!base)
        base = 20000 + reserve_slot() * 20;
    return base + n;
}

int sh_free_port(void)
{
    /* The kernel picks a free UDP port; it must be free for TCP too. */
    for (int tries = 0; tries < 50; tries++) {
        int u = socket(AF_INET, SOCK_DGRAM, 0), t = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa;
        socklen_t len = sizeof(sa);
        memset(&sa, 0, sizeof(sa));
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int port = -1;
        if (u >= 0 && t >= 0 && bind(u, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
            getsockname(u, (struct sockaddr *)&sa, &len) == 0 &&
            bind(t, (struct sockaddr *)&sa, sizeof(sa)) == 0)
            port = ntohs(sa.sin_port);
        if (u >= 0)
            close(u);
        if (t >= 0)
            close(t);
        if (port > 0)
            return port;
    }
    FAIL("no free port on 127.0.0.1");
}

bool sh_group_gone(pid_t pgid) { return kill(-pgid, 0) != 0 && errno == ESRCH; }

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *sh_srcdir(void)
{
    static char dir[1024];
    if (dir[0])
        return dir;
    char probe[1100];
    if (is_dir("tests/sipp")) {
        if (!getcwd(dir, sizeof(dir)))
            FAIL("getcwd: %s", strerror(errno));
        return dir;
    }
    /* build/test-runner or build/asan/test-runner: look upwards. */
    char exe[1024];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        for (int up = 0; up < 4; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = '\0';
            snprintf(probe, sizeof(probe), "%s/tests/sipp", exe);
            if (is_dir(probe)) {
                snprintf(dir, sizeof(dir), "%s", exe);
                return dir;
            }
        }
    }
    FAIL("cannot find tests/sipp (run the runner from the source tree)");
}

static char tmpdir[200];

static void cleanup_at_exit(void);

const char *sh_tmpdir(void)
{
    if (!tmpdir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(tmpdir, sizeof(tmpdir), "%s/opentapi-sip-XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(tmpdir))
            FAIL("mkdtemp %s: %s", tmpdir, strerror(errno));
        atexit(cleanup_at_exit);
        if (getenv("OT_SIP_KEEP_LOGS"))
            fprintf(stderr, "SIP test logs in %s\n", tmpdir);
    }
    return tmpdir;
}

/* ---- children ------------------------------------------------------------- */
#define MAX_CHILDREN 16
static struct {
    pid_t pid;
    int pidfd;
} children[MAX_CHILDREN];

static void watchdog_send(int32_t rec);

static void child_forget(pid_t pid)
{
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i].pid == pid) {
            watchdog_send(-(int32_t)pid);
            if (children[i].pidfd >= 0)
                close(children[i].pidfd);
            children[i].pid = 0;
            children[i].pidfd = -1;
        }
}

/* Every child leads its own process group (Kamailio forks workers): SIGTERM
 * to the leader, which stops its workers; SIGKILL to the whole group if it
 * does not exit within 5 s, and to any member left after it exited.  The
 * runner is a child subreaper (see sh_spawn), so members that outlive the
 * leader become its children: they are reaped here, and on return no member
 * of the group exists.  (Without that, a worker killed after its leader gave
 * up was still dying, or a zombie waiting for init, when the test checked
 * sh_group_gone: seen twice in 20 loaded runs, each time after Kamailio's
 * main process did not finish its shutdown within 5 s.) */
static void kill_and_reap(pid_t pid, int pidfd)
{
    kill(pid, SIGTERM);
    struct pollfd pfd = {pidfd, POLLIN, 0};
    if (pidfd < 0 || poll(&pfd, 1, 5000) != 1)
        kill(-pid, SIGKILL);
    waitpid(pid, NULL, 0);
    kill(-pid, SIGKILL);
    /* The leader's exit made its remaining descendants ours; each one's
     * exit hands its own children to us before it can be reaped. */
    while (waitpid(-pid, NULL, 0) > 0 || errno == EINTR)
        ;
}

void sh_reset(void)
{
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i].pid > 0) {
            kill_and_reap(children[i].pid, children[i].pidfd);
            child_forget(children[i].pid);
        }
}

static void cleanup_at_exit(void)
{
    sh_reset();
    if (tmpdir[0] && !getenv("OT_SIP_KEEP_LOGS")) {
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", tmpdir);
    }
}

/* Closes every descriptor from `from` on (in a child before exec). */
static void close_from(int from)
{
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)from, ~0u, 0u) == 0)
        return;
#endif
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536)
        max = 65536;
    for (int fd = from; fd < (int)max; fd++)
        close(fd);
}

/* ---- the watchdog ----------------------------------------------------------
 * PR_SET_PDEATHSIG kills a child when the runner dies, but not what the child
 * forked (Kamailio's workers): a run killed with SIGKILL or by a timeout would
 * leave them behind.  So the first spawn forks a watchdog in its own process
 * group (a Ctrl-C or a kill of the runner's group does not reach it) that
 * reads the process group of every child from a pipe ("+pgid", "-pgid" as
 * 32-bit values) and, when the pipe reaches EOF (the runner exited, however),
 * sends SIGKILL to every group still listed. */
static int watchdog_fd = -1;

static void close_from(int from);

static void watchdog_main(int rfd)
{
    setpgid(0, 0);
    struct sigaction ign;
    memset(&ign, 0, sizeof(ign));
    ign.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ign, NULL);
    sigaction(SIGTERM, &ign, NULL);
    sigaction(SIGHUP, &ign, NULL);
    sigaction(SIGPIPE, &ign, NULL);
    int null = open("/dev/null", O_RDWR);
    dup2(rfd, 0);
    if (null >= 0) {
        dup2(null, 1);
        dup2(null, 2);
    }
    close_from(3);
    pid_t groups[MAX_CHILDREN * 4];
    int n = 0;
    int32_t rec;
    while (read(0, &rec, sizeof(rec)) == (ssize_t)sizeof(rec)) {
        if (rec > 0 && n < (int)(sizeof(groups) / sizeof(groups[0])))
            groups[n++] = (pid_t)rec;
        else if (rec < 0)
            for (int i = 0; i < n; i++)
                if (groups[i] == (pid_t)-rec) {
                    groups[i] = groups[--n];
                    break;
                }
    }
    for (int i = 0; i < n; i++)
        kill(-groups[i], SIGKILL);
    _exit(0);
}

static void watchdog_send(int32_t rec)
{
    if (watchdog_fd >= 0 && write(watchdog_fd, &rec, sizeof(rec)) != (ssize_t)sizeof(rec))
        fprintf(stderr, "sip_helpers: watchdog write: %s\n", strerror(errno));
}

static void watchdog_start(void)
{
    if (watchdog_fd >= 0)
        return;
    int fds[2];
    if (pipe(fds) != 0)
        FAIL("pipe: %s", strerror(errno));
    fflush(stdout);
    fflush(stderr);
    pid_t w = fork();
    if (w < 0)
        FAIL("fork: %s", strerror(errno));
    if (w == 0)
        watchdog_main(fds[0]);
    close(fds[0]);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    watchdog_fd = fds[1];
}

void sh_spawn(sproc *p, const char *name, char *const argv[])
{
    watchdog_start();
    /* Orphaned descendants of our children (Kamailio's workers) come to us,
     * not to init: kill_and_reap can wait for them. */
    static bool subreaper;
    if (!subreaper) {
        if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
            FAIL("prctl(PR_SET_CHILD_SUBREAPER): %s", strerror(errno));
        subreaper = true;
    }
    memset(p, 0, sizeof(*p));
    p->pidfd = -1;
    snprintf(p->name, sizeof(p->name), "%s", name);
    static unsigned seq;
    snprintf(p->log, sizeof(p->log), "%s/%s-%u.log", sh_tmpdir(), name, ++seq);
    int slot = -1;
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i].pid <= 0) {
            slot = i;
            break;
        }
    if (slot < 0)
        FAIL("too many child processes");
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        FAIL("fork: %s", strerror(errno));
    if (pid == 0) {
        /* The child dies with the runner; signals are the defaults. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        setpgid(0, 0);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        int in = open("/dev/null", O_RDONLY);
        int out = open(p->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || out < 0)
            _exit(126);
        dup2(in, 0);
        dup2(out, 1);
        dup2(out, 2);
        /* Nothing else of the runner: Sofia-SIP's sockets are not
         * close-on-exec, and a child holding a copy keeps the runner's
         * SIP port bound after the provider closed it (a child that outlives
         * a failed test then made the next test's lineInitializeEx fail). */
        close_from(3);
        if (chdir(sh_tmpdir()) != 0)
            _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    setpgid(pid, pid); /* also here, so that it holds before either side runs on */
    watchdog_send((int32_t)pid);
    p->pid = pid;
    p->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (p->pidfd < 0)
        FAIL("pidfd_open: %s", strerror(errno));
    children[slot].pid = pid;
    children[slot].pidfd = p->pidfd;
}

static void file_tail(const char *path, char *out, size_t n)
{
    out[0] = '\0';
    FILE *f = path[0] ? fopen(path, "r") : NULL;
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    long from = size > (long)n - 1 ? size - (long)n + 1 : 0;
    fseek(f, from, SEEK_SET);
    size_t got = fread(out, 1, n - 1, f);
    out[got] = '\0';
    fclose(f);
}

/* Exit status, or -1 if the child is still running after timeout_ms. */
static int wait_exit(sproc *p, unsigned timeout_ms)
{
    struct pollfd pfd = {p->pidfd, POLLIN, 0};
    if (poll(&pfd, 1, (int)timeout_ms) != 1)
        return -1;
    int st = 0;
    if (waitpid(p->pid, &st, 0) != p->pid)
        return -1;
    child_forget(p->pid);
    p->pid = 0;
    p->pidfd = -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void sh_expect_success(sproc *p, unsigned timeout_ms)
{
    int rc = wait_exit(p, timeout_ms);
    if (rc == 0)
        return;
    char tail[1200], errs[1200];
    if (rc < 0) {
        kill_and_reap(p->pid, p->pidfd);
        child_forget(p->pid);
    }
    file_tail(p->log, tail, sizeof(tail));
    file_tail(p->errlog, errs, sizeof(errs));
    FAIL("%s %s (exit %d, log %s):\n%s\n%s", p->name,
         rc < 0 ? "did not finish in time" : rc == 127 ? "could not be started" : "failed", rc,
         p->log, errs[0] ? errs : "", errs[0] ? "" : tail);
}

void sh_stop(sproc *p)
{
    if (p->pid > 0) {
        kill_and_reap(p->pid, p->pidfd);
        child_forget(p->pid);
        p->pid = 0;
        p->pidfd = -1;
    }
}

/* Is 127.0.0.1:port bound (UDP)?  Read from /proc so that the probe never
 * takes the port itself. */
bool sh_udp_bound(int port)
{
    FILE *f = fopen("/proc/net/udp", "r");
    if (!f)
        FAIL("cannot read /proc/net/udp");
    char line[512];
    bool found = false;
    while (fgets(line, sizeof(line), f)) {
        unsigned addr, lport;
        if (sscanf(line, " %*u: %8X:%4X", &addr, &lport) == 2 && (int)lport == port &&
            (addr == 0x0100007Fu || addr == 0))
            found = true;
    }
    fclose(f);
    return found;
}

/* Returns once the child listens on UDP port; fails if it exits first. */
void sh_wait_listening(sproc *p, int port)
{
    for (int i = 0; i < 1000; i++) {
        if (sh_udp_bound(port))
            return;
        /* Waiting on the child's exit, briefly: it is binding its socket. */
        struct pollfd pfd = {p->pidfd, POLLIN, 0};
        if (poll(&pfd, 1, 5) == 1)
            sh_expect_success(p, 0), FAIL("%s exited before listening", p->name);
    }
    char tail[1500];
    file_tail(p->log, tail, sizeof(tail));
    FAIL("%s does not listen on udp 127.0.0.1:%d (log %s):\n%s", p->name, port, p->log, tail);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Does the child's log hold needle?  (The child creates its log: it may not
 * be there yet.) */
static bool log_has(const sproc *p, const char *needle)
{
    char text[4096];
    FILE *f = fopen(p->log, "r");
    if (!f)
        return false;
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    return strstr(text, needle) != NULL;
}

/* Returns once the child's log holds needle (in its first 4 KiB); fails if
 * the child exits first or after T_TIMEOUT_MS (a hang).  Woken by inotify:
 * the child creating and writing its log are events of the logs directory. */
static void wait_output(sproc *p, const char *needle)
{
    int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (in < 0)
        FAIL("inotify_init1: %s", strerror(errno));
    if (inotify_add_watch(in, sh_tmpdir(), IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE) < 0) {
        int e = errno;
        close(in);
        FAIL("inotify_add_watch %s: %s", sh_tmpdir(), strerror(e));
    }
    int64_t deadline = mono_ms() + T_TIMEOUT_MS;
    /* The watch is in place before each look at the log: no write is missed. */
    while (!log_has(p, needle)) {
        int64_t left = deadline - mono_ms();
        struct pollfd pfd[2] = {{in, POLLIN, 0}, {p->pidfd, POLLIN, 0}};
        int n = left > 0 ? poll(pfd, 2, (int)left) : 0;
        if (n < 0 && errno == EINTR)
            continue;
        if (n > 0 && !pfd[1].revents) {
            /* Consume the events; the loop looks at the log again. */
            union {
                struct inotify_event ev;
                char raw[4096];
            } buf;
            while (read(in, &buf, sizeof(buf)) > 0)
                ;
            continue;
        }
        close(in);
        if (log_has(p, needle))
            return; /* printed it, then exited */
        if (n > 0)
            sh_expect_success(p, 0), FAIL("%s exited before printing \"%s\"", p->name, needle);
        char tail[1500];
        file_tail(p->log, tail, sizeof(tail));
        FAIL("%s did not print \"%s\" within %u ms (log %s):\n%s", p->name, needle,
             T_TIMEOUT_MS, p->log, tail);
    }
    close(in);
}

void sh_wait_output(sproc *p, const char *needle) { wait_output(p, needle); }

int sh_wait_exit(sproc *p, unsigned timeout_ms)
{
    int rc = wait_exit(p, timeout_ms);
    if (rc < 0) {
        kill_and_reap(p->pid, p->pidfd);
        child_forget(p->pid);
        p->pid = 0;
        p->pidfd = -1;
        char tail[1500];
        file_tail(p->log, tail, sizeof(tail));
        FAIL("%s did not finish in %u ms (log %s):\n%s", p->name, timeout_ms, p->log, tail);
    }
    return rc;
}

const char *sh_output(const sproc *p)
{
    static char text[65536];
    text[0] = '\0';
    FILE *f = fopen(p->log, "r");
    if (!f)
        FAIL("cannot read %s", p->log);
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    return text;
}
