/* Helpers of the SIP tests: the peers they start as child processes (see
 * sip_helpers.c) - SIPp with a scenario of tests/sipp/ (or one written from
 * a template), the tapi tool built next to the runner, Kamailio with a
 * configuration of tests/kamailio/.  See sip_helpers.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sip_helpers.h"

static const char *find_program(const char *name)
{
    static char path[512];
    const char *env = getenv("PATH");
    char dirs[2048];
    snprintf(dirs, sizeof(dirs), "%s:/usr/sbin:/usr/local/sbin:/sbin", env ? env : "/usr/bin");
    for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        snprintf(path, sizeof(path), "%s/%s", d, name);
        if (access(path, X_OK) == 0)
            return path;
    }
    return NULL;
}

static void sipp_start(sproc *p, const char *scenario, int local_port, int remote_port,
                       unsigned calls, const char *const *extra);

void sh_sipp_start(sproc *p, const char *scenario, int local_port, int remote_port,
                   unsigned calls, const char *const *extra)
{
    sh_reset();
    sipp_start(p, scenario, local_port, remote_port, calls, extra);
}

void sh_sipp_start_another(sproc *p, const char *scenario, int local_port, int remote_port,
                           unsigned calls, const char *const *extra)
{
    sipp_start(p, scenario, local_port, remote_port, calls, extra);
}

static void sipp_start(sproc *p, const char *scenario, int local_port, int remote_port,
                       unsigned calls, const char *const *extra)
{
    const char *prog = find_program("sipp");
    if (!prog)
        FAIL("sipp is not installed (Debian package sip-tester): the SIP tests need it");
    static char progbuf[512], sf[1200], lport[16], remote[64], ncalls[16], errfile[300];
    static char msgfile[300];
    snprintf(progbuf, sizeof(progbuf), "%s", prog);
    if (scenario[0] == '/')
        snprintf(sf, sizeof(sf), "%s", scenario);
    else
        snprintf(sf, sizeof(sf), "%s/tests/sipp/%s", sh_srcdir(), scenario);
    snprintf(lport, sizeof(lport), "%d", local_port);
    snprintf(remote, sizeof(remote), "127.0.0.1:%d", remote_port);
    snprintf(ncalls, sizeof(ncalls), "%u", calls);
    static unsigned seq;
    snprintf(errfile, sizeof(errfile), "%s/sipp-errors-%u.log", sh_tmpdir(), ++seq);
    snprintf(msgfile, sizeof(msgfile), "%s/sipp-messages-%u.log", sh_tmpdir(), seq);
    char *argv[64];
    int n = 0;
    argv[n++] = progbuf;
    if (remote_port)
        argv[n++] = remote;
    char *fixed[] = {"-sf", sf, "-i", "127.0.0.1", "-p", lport, "-m", ncalls, "-nostdin",
                     "-timeout", "30s", "-timeout_error", "-recv_timeout", "10000",
                     "-trace_err", "-error_file", errfile, "-s", "opentapi"};
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        argv[n++] = fixed[i];
    if (getenv("OT_SIP_TRACE")) {
        argv[n++] = "-trace_msg";
        argv[n++] = "-message_file";
        argv[n++] = msgfile;
    }
    for (int i = 0; extra && extra[i] && n < 62; i++)
        argv[n++] = (char *)extra[i];
    argv[n] = NULL;
    sh_spawn(p, "sipp", argv);
    snprintf(p->errlog, sizeof(p->errlog), "%s", errfile);
    if (!remote_port)
        sh_wait_listening(p, local_port);
}

const char *sh_sipp_template(const char *tmpl, const char *const *subst)
{
    static char out[400];
    static unsigned seq;
    char in[1200];
    snprintf(in, sizeof(in), "%s/tests/sipp/%s", sh_srcdir(), tmpl);
    FILE *f = fopen(in, "r");
    if (!f)
        FAIL("cannot read %s", in);
    char text[16384];
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    snprintf(out, sizeof(out), "%s/scenario-%u-%s", sh_tmpdir(), ++seq, tmpl);
    FILE *o = fopen(out, "w");
    if (!o)
        FAIL("cannot write %s", out);
    for (const char *p = text; *p;) {
        bool done = false;
        for (int i = 0; subst && subst[i] && subst[i + 1]; i += 2) {
            char key[64];
            snprintf(key, sizeof(key), "@%s@", subst[i]);
            if (!strncmp(p, key, strlen(key))) {
                fputs(subst[i + 1], o);
                p += strlen(key);
                done = true;
                break;
            }
        }
        if (!done)
            fputc(*p++, o);
    }
    fclose(o);
    return out;
}

const char *sh_tapi_path(void)
{
    static char path[1100];
    char exe[1024];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        FAIL("readlink /proc/self/exe: %s", strerror(errno));
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    snprintf(path, sizeof(path), "%s/tapi", exe);
    if (access(path, X_OK) != 0)
        FAIL("%s is missing (built with the test runner)", path);
    return path;
}

void sh_tapi_start(sproc *p, const char *const *args, int listen_port)
{
    static char prog[1100];
    snprintf(prog, sizeof(prog), "%s", sh_tapi_path());
    char *argv[40];
    int n = 0;
    argv[n++] = prog;
    for (int i = 0; args[i] && n < 39; i++)
        argv[n++] = (char *)args[i];
    argv[n] = NULL;
    sh_spawn(p, "tapi", argv);
    if (!listen_port)
        return;
    /* A bound port is not enough: the tool's port is bound in
     * lineInitializeEx, and until its lineOpen a call gets 480 (no
     * application has the line).  It prints its first line once the line is
     * open. */
    sh_wait_output(p, ") open, ");
    if (!sh_udp_bound(listen_port))
        FAIL("%s has its line open but does not listen on udp 127.0.0.1:%d", p->name,
             listen_port);
}

void sh_kamailio_start(sproc *p, int port)
{
    sh_reset();
    sh_kamailio_start_cfg(p, "kamailio.cfg", port, NULL);
}

void sh_kamailio_start_cfg(sproc *p, const char *cfgname, int port, const char *const *defines)
{
    const char *prog = find_program("kamailio");
    if (!prog)
        FAIL("kamailio is not installed (Debian package kamailio): the SIP tests need it");
    static char progbuf[512], cfg[1200], listen[64], pidfile[300];
    snprintf(progbuf, sizeof(progbuf), "%s", prog);
    snprintf(cfg, sizeof(cfg), "%s/tests/kamailio/%s", sh_srcdir(), cfgname);
    snprintf(listen, sizeof(listen), "udp:127.0.0.1:%d", port);
    snprintf(pidfile, sizeof(pidfile), "%s/kamailio-%d.pid", sh_tmpdir(), port);
    char *argv[40] = {progbuf, "-f", cfg,     "-DD", "-E",    "-n", "1", "-m", "32", "-M", "4",
                      "-Y",    (char *)sh_tmpdir(), "-P", pidfile, "-w", (char *)sh_tmpdir(),
                      "-l",    listen};
    int n = 19;
    for (int i = 0; defines && defines[i] && n < 37; i++) {
        argv[n++] = "-A";
        argv[n++] = (char *)defines[i];
    }
    argv[n] = NULL;
    sh_spawn(p, "kamailio", argv);
    sh_wait_listening(p, port);
}
