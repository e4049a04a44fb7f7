/* Helpers of the SIP tests (tests/test_sip*.c), defined in tests/sip_helpers.c
 * (ports, children), tests/sip_peers.c (SIPp, tapi, Kamailio) and
 * tests/sip_expect.c (counters, messages): SIPp and Kamailio started as
 * child processes on 127.0.0.1, waited for on their exit (pidfd + poll, no
 * sleeps, every wait bounded), and message checks that tolerate what SIP
 * makes optional (e.g. PROCEEDING only when a 100 Trying arrives first).
 *
 * A missing sipp or kamailio binary fails the test: CI installs them.
 * A test that fails leaves its children to the next sh_reset() (called by
 * every helper that starts one) and to an atexit handler. */
#ifndef OT_SIP_HELPERS_H
#define OT_SIP_HELPERS_H

#include <stdbool.h>
#include <sys/types.h>

#include "test.h"

#define SH_SIPP_TIMEOUT_MS 20000u /* a SIPp run that takes longer is a hang */

typedef struct sproc {
    pid_t pid;
    int pidfd;
    char name[32];
    char log[320];
    char errlog[320]; /* SIPp's -error_file */
} sproc;

/* A port of this run: base + n (n < 20), the base reserved per process so
 * that runners on one machine (plain and ASan stages in parallel) do not
 * collide (a lock in /tmp/opentapi-sip-ports.lock, see sip_helpers.c). */
int sh_port(int n);
/* A port free for UDP and TCP on 127.0.0.1 now (chosen by the kernel). */
int sh_free_port(void);
/* No process of the process group pgid exists any more (children lead
 * their own group, so this covers whatever they forked). */
bool sh_group_gone(pid_t pgid);
/* The directory holding tests/ (found from the working directory or the
 * runner's own path). */
const char *sh_srcdir(void);
/* A private temporary directory for logs and Kamailio's runtime files. */
const char *sh_tmpdir(void);

/* Kills the children a failed test left behind. */
void sh_reset(void);

/* sipp -sf tests/sipp/<scenario> -i 127.0.0.1 -p local_port [remote] -m calls
 * plus extra arguments (NULL-terminated), bounded by -timeout.  remote_port 0
 * runs it as a server (UAS), which returns once it listens. */
void sh_sipp_start(sproc *p, const char *scenario, int local_port, int remote_port,
                   unsigned calls, const char *const *extra);
/* The same, keeping the children this test started before (sh_sipp_start
 * ends every child, as left behind by an earlier test). */
void sh_sipp_start_another(sproc *p, const char *scenario, int local_port, int remote_port,
                           unsigned calls, const char *const *extra);
/* A scenario written from tests/sipp/<tmpl> with "@KEY@" replaced by values
 * (pairs KEY, value, NULL-terminated); returns its path (a scenario name that
 * starts with '/' is used as it is by sh_sipp_start). */
const char *sh_sipp_template(const char *tmpl, const char *const *subst);
/* Waits for the child's exit; FAIL (with the log's tail) unless it exits 0. */
void sh_expect_success(sproc *p, unsigned timeout_ms);
/* SIGTERM, then waits (SIGKILL after 5 s); on return no process of its
 * group is left (the runner reaps what the leader left behind). */
void sh_stop(sproc *p);

/* The tapi tool next to the test runner (FAIL if missing). */
const char *sh_tapi_path(void);
/* tapi args... (NULL-terminated), stdout and stderr to its log; when
 * listen_port is not 0, returns once its line is open (its first line,
 * "line ... open, ...", is printed after lineOpen) and it listens there (UDP). */
void sh_tapi_start(sproc *p, const char *const *args, int listen_port);
/* Waits for the child's exit and returns its status (FAIL on timeout). */
int sh_wait_exit(sproc *p, unsigned timeout_ms);
/* Returns once the child's log (its first 4 KiB) holds needle; FAIL if it
 * exits first or does not print it within T_TIMEOUT_MS. */
void sh_wait_output(sproc *p, const char *needle);
/* Everything the child wrote (its log; up to 64 KiB). */
const char *sh_output(const sproc *p);

/* kamailio -f tests/kamailio/kamailio.cfg listening on udp:127.0.0.1:port;
 * returns once it listens. */
void sh_kamailio_start(sproc *p, int port);
/* The same with tests/kamailio/<cfgname> and preprocessor defines ("-A d"
 * for each of the NULL-terminated defines), keeping this test's other
 * children. */
void sh_kamailio_start_cfg(sproc *p, const char *cfgname, int port, const char *const *defines);

/* The SIP provider's counters (see src/providers/sip/sip.h). */
void sh_wait_dialogs(unsigned long n);    /* dialogs alive == n, within 10 s */
void sh_wait_registered(unsigned long n); /* registered lines == n */
void sh_wait_register_failed(unsigned long n); /* final REGISTER failures == n */
/* Re-INVITEs (hold): ours that got their final response, the peer's we
 * answered.  sh_reinvites_now() is a base; sh_wait_reinvites waits until
 * both counters have gone at least that far past it (within T_TIMEOUT_MS). */
typedef struct sh_reinvites {
    unsigned long answered, received;
} sh_reinvites;
sh_reinvites sh_reinvites_now(void);
void sh_wait_reinvites(sh_reinvites base, unsigned long answered, unsigned long received);

/* Messages: skips LINE_CALLSTATE PROCEEDING and RINGBACK of h (optional in
 * SIP) until the expected message. */
void sh_expect_state_(tapp *a, HCALL h, DWORD state, DWORD mode, const char *f, int l);
#define sh_expect_state(a, h, s, m) sh_expect_state_(a, h, s, m, __FILE__, __LINE__)
/* Waits for LINE_CALLSTATE(state) of h, ignoring LINE_CALLINFO and other
 * states of h on the way (but nothing of other calls). */
void sh_wait_state_(tapp *a, HCALL h, DWORD state, const char *f, int l);
#define sh_wait_state(a, h, s) sh_wait_state_(a, h, s, __FILE__, __LINE__)

/* The configuration of one SIP line "opentapi" on 127.0.0.1:port, with the
 * extra lines of [line] given in extra (NULL: none). */
void sh_config_line(int port, const char *extra);
/* lineInitializeEx as "sip" and lineOpen of device 0 as owner. */
void sh_app_open(tapp *a, HLINE *hl);
/* lineDrop with the UUI: IDLE and the reply, then lineDeallocateCall. */
void sh_drop_idle_uui(tapp *a, HCALL h, const void *uui, DWORD len);
/* SIPp exits as scripted, no dialog is left, nothing else is queued for a;
 * then a shuts down. */
void sh_finish(tapp *a, sproc *sipp);

/* UUI of a call equals the given bytes. */
void sh_check_uui_(HCALL h, const void *uui, DWORD len, const char *f, int l);
#define sh_check_uui(h, u, n) sh_check_uui_(h, u, n, __FILE__, __LINE__)

/* carol, the transfer target of the attended-transfer tests: a second SIP
 * line of ours on a free port; line is its [line] (to add to the
 * configuration), uri its address, replaces_re a SIPp pattern for that
 * address with any ?Replaces=. */
typedef struct sh_carol {
    int port;
    char line[160], uri[64], replaces_re[160];
} sh_carol;
void sh_carol_init(sh_carol *k);
/* The consultation leg of an attended transfer of a's connected call h (its
 * far end SIPp): lineSetupTransfer (h ONHOLDPENDTRANSFER, SIPp's answer to the
 * hold re-INVITE awaited; *base the re-INVITE counts before it), the
 * consultation call from DIALTONE dialled to carol, who answers on c's line
 * lc: both CONNECTED.  Returns the consultation call, carol's in *hc. */
HCALL sh_consult_carol(tapp *a, HCALL h, tapp *c, HLINE lc, const sh_carol *k, HCALL *hc,
                       sh_reinvites *base);

/* ---- for the helpers' own files: sip_peers.c starts its programs with
 * these of sip_helpers.c ---- */
/* Forks argv[0] (a path) as a child of this test: its own process group,
 * stdin /dev/null, stdout and stderr to p->log, in sh_tmpdir(); known to the
 * watchdog and to sh_reset(). */
void sh_spawn(sproc *p, const char *name, char *const argv[]);
/* Is 127.0.0.1:port bound (UDP)?  (Read from /proc: never takes the port.) */
bool sh_udp_bound(int port);
/* Returns once the child listens on UDP port; FAIL if it exits first. */
void sh_wait_listening(sproc *p, int port);

#endif
