/* Multi-process tests of the telephony service: a tapisrv started for the
 * test on a socket of its own, and client processes forked from the runner
 * that run a role (a function using the ordinary test helpers) in client mode
 * (OPENTAPI_SERVER).  A child's failed CHECK ends the child with its message,
 * which the parent reports.  Parent and child talk in lines over two pipes;
 * every wait has a limit that only catches hangs. */
#ifndef OT_SVC_HELPERS_H
#define OT_SVC_HELPERS_H

#include <stdbool.h>
#include <sys/types.h>

#include "test.h"

typedef struct svc {
    pid_t pid;
    int pidfd;
    char dir[64];  /* the test's temporary directory */
    char sock[96]; /* dir/tapisrv.sock */
    char address[112]; /* unix:... */
} svc;

/* Starts tapisrv with the configuration text (NULL: the default topology) and
 * waits until it accepts clients. */
void svc_start(svc *s, const char *config);
/* SIGTERM; it must exit 0 within the hang limit. The directory stays. */
void svc_stop(svc *s);
/* SIGKILL and reap (the server "crashes"). */
void svc_kill(svc *s);
/* Start again on the same socket (after svc_stop or svc_kill). */
void svc_restart(svc *s, const char *config);
/* The server's log (stderr), for checks. */
const char *svc_log(const svc *s);
void svc_cleanup(svc *s); /* removes the directory */

typedef struct svc_child {
    pid_t pid;
    int pidfd;
    int to, from; /* pipes: parent -> child, child -> parent */
    char name[16];
    char buf[4096];
    size_t len;
} svc_child;

/* Forks a client process running role(arg) against s; the child exits 0 when
 * role returns. */
void svc_child_start(svc_child *c, const svc *s, const char *name, void (*role)(void *arg),
                     void *arg);
/* Parent: the next line the child said (FAILs on a child's failure or a hang). */
const char *svc_hear(svc_child *c);
/* Parent: the next line must start with prefix; returns the rest. */
const char *svc_expect(svc_child *c, const char *prefix);
void svc_tell(svc_child *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parent: the child must exit with status 0. */
void svc_child_wait(svc_child *c);
void svc_child_kill(svc_child *c); /* SIGKILL and reap */

/* Runs a program of the build directory (e.g. "tapi") as a client of s; its
 * standard output is what svc_hear reads; svc_exec_wait wants exit status 0. */
void svc_exec(svc_child *c, const svc *s, const char *name, const char *const *args);
void svc_exec_wait(svc_child *c);

/* In a child: say a line to the parent; wait for the parent's next line. */
void svc_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *svc_wait_word(void);

#endif
