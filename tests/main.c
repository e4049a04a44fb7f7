/* The test runner: runs every registered test (or those named on the command
 * line), checks after each that nothing was left behind, and ends with the
 * line "N passed, N failed".
 *   test-runner [--list] [--threaded] [NAME...] */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

static struct ot_test *tests_head, **tests_tail = &tests_head;

/* ---- the library's log records of the running test ---- */
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static char *log_buf;
static size_t log_len, log_cap;
static bool log_checked;

static void on_log(DWORD level, LPCSTR category, LPCSTR message, void *ctx)
{
    (void)ctx;
    static const char *const names[] = {"off", "error", "warn", "info", "debug", "trace"};
    char line[1200];
    int n = snprintf(line, sizeof(line), "opentapi: %s: %s: %s\n", level < 6 ? names[level] : "?",
                     category, message);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
    pthread_mutex_lock(&log_mu);
    if (log_len + len + 1 > log_cap && log_len + len < (1u << 20)) {
        size_t cap = log_cap ? log_cap * 2 : 4096;
        while (cap < log_len + len + 1)
            cap *= 2;
        char *b = realloc(log_buf, cap);
        if (b) {
            log_buf = b;
            log_cap = cap;
        }
    }
    if (log_len + len + 1 <= log_cap) {
        memcpy(log_buf + log_len, line, len);
        log_len += len;
        log_buf[log_len] = '\0';
    }
    pthread_mutex_unlock(&log_mu);
}

void t_log_expect_(const char *needle, const char *file, int line)
{
    pthread_mutex_lock(&log_mu);
    const char *at = log_buf ? strstr(log_buf, needle) : NULL;
    char copy[2048];
    snprintf(copy, sizeof(copy), "%s", log_buf ? log_buf : "");
    log_checked = true;
    if (at) { /* consumed up to its line: the next expectation sees later records */
        const char *nl = strchr(at, '\n');
        size_t used = nl ? (size_t)(nl + 1 - log_buf) : log_len;
        memmove(log_buf, log_buf + used, log_len - used + 1);
        log_len -= used;
    }
    pthread_mutex_unlock(&log_mu);
    if (!at)
        ot_test_fail(file, line, "the library's log has no \"%s\"; it has:\n%s", needle,
                     copy[0] ? copy : "(nothing)");
}

void t_log_take(char *out, size_t outlen)
{
    pthread_mutex_lock(&log_mu);
    snprintf(out, outlen, "%s", log_buf ? log_buf : "");
    if (log_buf)
        log_buf[0] = '\0';
    log_len = 0;
    log_checked = true;
    pthread_mutex_unlock(&log_mu);
}

void t_log_clear(void)
{
    char none[1];
    t_log_take(none, sizeof(none));
}

void t_log_quiet(void)
{
    pthread_mutex_lock(&log_mu);
    log_checked = true;
    pthread_mutex_unlock(&log_mu);
}

/* After a test: records nobody asserted on go to stderr, so they are seen. */
static void log_flush(const char *test)
{
    pthread_mutex_lock(&log_mu);
    if (log_len && !log_checked)
        fprintf(stderr, "[%s] %s", test, log_buf);
    log_len = 0;
    if (log_buf)
        log_buf[0] = '\0';
    log_checked = false;
    pthread_mutex_unlock(&log_mu);
}
static jmp_buf fail_jmp;
static char fail_msg[1024];

/* Every application a test initialized (t_init on the test's thread, th_init
 * on any thread), so that the cleanup after a failed test shuts down what it
 * left, threads' applications included; shutting down one already gone is a
 * harmless LINEERR_INVALAPPHANDLE.  A full table forgets its oldest entry. */
#define MAX_APPS 1024
static HLINEAPP live_apps[MAX_APPS];
static unsigned live_next;
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;

static void live_add(HLINEAPP h)
{
    pthread_mutex_lock(&live_lock);
    unsigned i;
    for (i = 0; i < MAX_APPS && live_apps[(live_next + i) % MAX_APPS]; i++)
        ;
    live_apps[(live_next + i) % MAX_APPS] = h; /* full: the oldest is overwritten */
    live_next = (live_next + i + 1) % MAX_APPS;
    pthread_mutex_unlock(&live_lock);
}

static void live_remove(HLINEAPP h)
{
    pthread_mutex_lock(&live_lock);
    for (int i = 0; i < MAX_APPS; i++)
        if (live_apps[i] == h)
            live_apps[i] = 0;
    pthread_mutex_unlock(&live_lock);
}

void ot_test_register(struct ot_test *t)
{
    *tests_tail = t;
    tests_tail = &t->next;
}

/* >= 0 in a child process of a multi-process test (svc_helpers.c): a failure
 * is written there and ends the child, which the test then reports. */
int t_child_fail_fd = -1;

void ot_test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(fail_msg, sizeof(fail_msg), "%s:%d: ", file, line);
    va_start(ap, fmt);
    vsnprintf(fail_msg + n, sizeof(fail_msg) - (size_t)n, fmt, ap);
    va_end(ap);
    if (t_child_fail_fd >= 0) {
        char line_buf[sizeof(fail_msg) + 8];
        int len = snprintf(line_buf, sizeof(line_buf), "FAIL %s\n", fail_msg);
        ssize_t w = write(t_child_fail_fd, line_buf, (size_t)len);
        (void)w;
        _exit(1);
    }
    longjmp(fail_jmp, 1);
}

/* ---- applications ---- */
void t_init(tapp *a, const char *name)
{
    LINEINITIALIZEEXPARAMS p;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = sizeof(p);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    DWORD api = T_API;
    memset(a, 0, sizeof(*a));
    snprintf(a->name, sizeof(a->name), "%s", name);
    CHECK_RC(lineInitializeEx(&a->h, NULL, NULL, name, &a->ndevs, &api, &p), 0);
    CHECK(a->h != 0);
    a->fd = (int)(intptr_t)p.Handles.hEvent;
    CHECK(a->fd >= 0);
    live_add(a->h);
}

/* The runner's leak check runs after the last lineShutdown, which frees every
 * handle: a call the test forgot to deallocate would pass it.  So t_shutdown
 * counts the call handles lineShutdown freed (otGetStats before and after; an
 * application's shutdown frees only its own handles): any is a failure, and
 * tests that end with calls on purpose use t_shutdown_with_calls. */
static void shutdown_app(tapp *a, bool calls_allowed, const char *f, int l)
{
    OTSTATS before, after;
    otGetStats(&before);
    LONG rc = lineShutdown(a->h);
    if (rc != 0)
        ot_test_fail(f, l, "lineShutdown(%s): got %s, expected 0", a->name, otErrorName(rc));
    live_remove(a->h);
    a->h = 0;
    otGetStats(&after);
    if (!calls_allowed && after.dwCallHandles < before.dwCallHandles)
        ot_test_fail(f, l,
                     "%s: lineShutdown freed %u call handles, expected 0: a call not "
                     "deallocated before the last lineShutdown",
                     a->name, (unsigned)(before.dwCallHandles - after.dwCallHandles));
}

void t_shutdown_(tapp *a, const char *f, int l) { shutdown_app(a, false, f, l); }
void t_shutdown_with_calls_(tapp *a, const char *f, int l) { shutdown_app(a, true, f, l); }

HLINE t_open(tapp *a, DWORD dev, DWORD priv)
{
    HLINE hl = 0;
    CHECK_RC(lineOpen(a->h, dev, &hl, T_API, 0, 0, priv, LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
             0);
    CHECK(hl != 0);
    return hl;
}

static const char *describe(const LINEMESSAGE *m, char *buf, size_t n)
{
    if (m->dwMessageID == LINE_CALLSTATE)
        snprintf(buf, n, "LINE_CALLSTATE(h=%08x %s %s p3=%lu)", (unsigned)m->hDevice,
                 otCallStateName((DWORD)m->dwParam1),
                 otCallStateModeName((DWORD)m->dwParam1, (DWORD)m->dwParam2),
                 (unsigned long)m->dwParam3);
    else if (m->dwMessageID == LINE_REPLY)
        snprintf(buf, n, "LINE_REPLY(id=%lu %s)", (unsigned long)m->dwParam1,
                 otErrorName((LONG)m->dwParam2));
    else
        snprintf(buf, n, "%s(h=%08x %lx %lx %lx)", otMessageName(m->dwMessageID),
                 (unsigned)m->hDevice, (unsigned long)m->dwParam1, (unsigned long)m->dwParam2,
                 (unsigned long)m->dwParam3);
    return buf;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

LINEMESSAGE t_next(tapp *a)
{
    LINEMESSAGE m;
    /* The event fd must be readable whenever a message is queued.  It is reset
     * lazily (when lineGetMessage finds the queue empty), so it may also be
     * readable once with nothing queued: then poll again. */
    int64_t deadline = now_ms() + T_TIMEOUT_MS;
    for (;;) {
        int64_t left = deadline - now_ms();
        struct pollfd pfd = {a->fd, POLLIN, 0};
        if (left < 0 || poll(&pfd, 1, (int)left) != 1)
            FAIL("%s: no message within %u ms (event fd not readable)", a->name, T_TIMEOUT_MS);
        LONG rc = lineGetMessage(a->h, &m, 0);
        if (rc == 0)
            return m;
        if (rc != (LONG)LINEERR_OPERATIONFAILED)
            FAIL("%s: event fd readable but lineGetMessage returned %s", a->name,
                 otErrorName(rc));
    }
}

bool t_poll(tapp *a, LINEMESSAGE *m) { return lineGetMessage(a->h, m, 0) == 0; }

void t_expect_none(tapp *a)
{
    LINEMESSAGE m;
    char buf[160];
    if (lineGetMessage(a->h, &m, 0) == 0)
        FAIL("%s: unexpected message %s", a->name, describe(&m, buf, sizeof(buf)));
    struct pollfd pfd = {a->fd, POLLIN, 0};
    if (poll(&pfd, 1, 0) != 0)
        FAIL("%s: event fd readable with an empty queue", a->name);
}

void t_expect_state_priv_(tapp *a, HCALL h, DWORD state, DWORD mode, DWORD priv, const char *f,
                          int l)
{
    LINEMESSAGE m = t_next(a);
    char buf[160];
    if (m.dwMessageID != LINE_CALLSTATE || m.hDevice != h || m.dwParam1 != state ||
        m.dwParam2 != mode || (priv != (DWORD)-1 && m.dwParam3 != priv))
        ot_test_fail(f, l, "%s: expected LINE_CALLSTATE(h=%08x %s %s p3=%ld), got %s", a->name,
                     (unsigned)h, otCallStateName(state), otCallStateModeName(state, mode),
                     (long)(int)priv, describe(&m, buf, sizeof(buf)));
}

void t_expect_state_(tapp *a, HCALL h, DWORD state, DWORD mode, const char *f, int l)
{
    t_expect_state_priv_(a, h, state, mode, (DWORD)-1, f, l);
}

void t_expect_reply_(tapp *a, LONG req, LONG result, const char *f, int l)
{
    LINEMESSAGE m = t_next(a);
    char buf[160];
    if (m.dwMessageID != LINE_REPLY || (LONG)m.dwParam1 != req || (LONG)m.dwParam2 != result)
        ot_test_fail(f, l, "%s: expected LINE_REPLY(id=%ld %s), got %s", a->name, (long)req,
                     otErrorName(result), describe(&m, buf, sizeof(buf)));
}

void t_expect_callinfo_(tapp *a, HCALL h, DWORD states, const char *f, int l)
{
    LINEMESSAGE m = t_next(a);
    char buf[160];
    if (m.dwMessageID != LINE_CALLINFO || m.hDevice != h || m.dwParam1 != states)
        ot_test_fail(f, l, "%s: expected LINE_CALLINFO(h=%08x %lx), got %s", a->name,
                     (unsigned)h, (unsigned long)states, describe(&m, buf, sizeof(buf)));
}

HCALL t_expect_newcall_(tapp *a, HLINE hl, DWORD priv, const char *f, int l)
{
    LINEMESSAGE m = t_next(a);
    char buf[160];
    if (m.dwMessageID != LINE_APPNEWCALL || m.hDevice != hl || m.dwParam1 != 0 ||
        m.dwParam3 != priv || !m.dwParam2)
        ot_test_fail(f, l, "%s: expected LINE_APPNEWCALL(hLine=%08x priv %lu), got %s", a->name,
                     (unsigned)hl, (unsigned long)priv, describe(&m, buf, sizeof(buf)));
    return (HCALL)m.dwParam2;
}

DWORD t_call_id(HCALL h)
{
    LINECALLINFO ci;
    memset(&ci, 0, sizeof(ci));
    ci.dwTotalSize = sizeof(ci);
    LONG rc = lineGetCallInfo(h, &ci);
    if (rc != 0 && rc != (LONG)LINEERR_STRUCTURETOOSMALL)
        FAIL("lineGetCallInfo(%08x): %s", (unsigned)h, otErrorName(rc));
    return ci.dwCallID;
}

void t_monitor_handles_(HLINE hl, const HCALL *owners, HCALL *out, unsigned n, const char *f,
                        int l)
{
    union {
        LINECALLLIST cl;
        unsigned char raw[sizeof(LINECALLLIST) + 16 * sizeof(HCALL)];
    } u;
    memset(&u, 0, sizeof(u));
    u.cl.dwTotalSize = sizeof(u);
    LONG rc = lineGetNewCalls(hl, 0, LINECALLSELECT_LINE, &u.cl);
    if (rc != 0)
        ot_test_fail(f, l, "lineGetNewCalls: got %s, expected 0", otErrorName(rc));
    if (u.cl.dwCallsNumEntries != n)
        ot_test_fail(f, l, "lineGetNewCalls: %u calls, expected %u",
                     (unsigned)u.cl.dwCallsNumEntries, n);
    for (unsigned i = 0; i < n; i++) {
        DWORD want = t_call_id(owners[i]);
        out[i] = 0;
        for (unsigned j = 0; j < n; j++) {
            HCALL h;
            memcpy(&h, u.raw + u.cl.dwCallsOffset + j * sizeof(HCALL), sizeof(h));
            if (t_call_id(h) == want) {
                if (out[i])
                    ot_test_fail(f, l, "two monitor handles for call id %u", (unsigned)want);
                out[i] = h;
            }
        }
        if (!out[i])
            ot_test_fail(f, l, "no monitor handle for the call of %08x (id %u)",
                         (unsigned)owners[i], (unsigned)want);
        LINECALLSTATUS s;
        t_status(out[i], &s);
        if (s.dwCallPrivilege != LINECALLPRIVILEGE_MONITOR)
            ot_test_fail(f, l, "monitor handle %08x: privilege %lx, expected MONITOR",
                         (unsigned)out[i], (unsigned long)s.dwCallPrivilege);
    }
}

void t_expect_callinfo_each_(tapp *a, const HCALL *hs, unsigned n, DWORD states, const char *f,
                             int l)
{
    bool seen[16] = {false};
    if (n > 16)
        ot_test_fail(f, l, "t_expect_callinfo_each: at most 16 handles");
    for (unsigned k = 0; k < n; k++) {
        LINEMESSAGE m = t_next(a);
        char buf[160];
        unsigned i = 0;
        while (i < n && !(m.dwMessageID == LINE_CALLINFO && m.hDevice == hs[i] &&
                          m.dwParam1 == states && !seen[i]))
            i++;
        if (i == n)
            ot_test_fail(f, l, "%s: expected LINE_CALLINFO(%lx) once for each of %u calls, got %s",
                         a->name, (unsigned long)states, n, describe(&m, buf, sizeof(buf)));
        seen[i] = true;
    }
}

HCALL t_make_call(tapp *a, HLINE hl, const char *dest, const void *uui, DWORD len)
{
    unsigned char buf[sizeof(LINECALLPARAMS) + 512];
    LINECALLPARAMS *p = NULL;
    if (uui) {
        CHECK(len <= 512);
        memset(buf, 0, sizeof(buf));
        p = (LINECALLPARAMS *)(void *)buf;
        p->dwTotalSize = (DWORD)(sizeof(LINECALLPARAMS) + len);
        p->dwBearerMode = LINEBEARERMODE_VOICE;
        p->dwMediaMode = LINEMEDIAMODE_INTERACTIVEVOICE;
        p->dwUserUserInfoSize = len;
        p->dwUserUserInfoOffset = sizeof(LINECALLPARAMS);
        memcpy(buf + sizeof(LINECALLPARAMS), uui, len);
    }
    HCALL h = 0;
    LONG req = lineMakeCall(hl, &h, dest, 0, p);
    CHECK_REQ(req);
    t_expect_reply(a, req, 0);
    CHECK(h != 0);
    return h;
}

HCALL t_expect_offer(tapp *a, HLINE hl)
{
    HCALL h = t_expect_newcall(a, hl, LINECALLPRIVILEGE_OWNER);
    t_expect_state_priv(a, h, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE,
                        LINECALLPRIVILEGE_OWNER);
    return h;
}

void t_expect_ringback_(tapp *a, HCALL h, const char *f, int l)
{
    t_expect_state_(a, h, LINECALLSTATE_DIALING, 0, f, l);
    t_expect_state_(a, h, LINECALLSTATE_PROCEEDING, 0, f, l);
    t_expect_state_(a, h, LINECALLSTATE_RINGBACK, 0, f, l);
}

void t_ring(tpair *p, const char *dest, const void *uui, DWORD len, HCALL *ha, HCALL *hb)
{
    *ha = t_make_call(&p->a, p->la, dest, uui, len);
    t_expect_ringback(&p->a, *ha);
    if (hb)
        *hb = t_expect_offer(&p->b, p->lb);
    t_expect_none(&p->a);
    t_expect_none(&p->b);
}

void t_connect(tapp *a, HLINE la, tapp *b, HLINE lb, const char *dest, HCALL *ha, HCALL *hb)
{
    *ha = t_make_call(a, la, dest, NULL, 0);
    t_expect_ringback(a, *ha);
    *hb = t_expect_offer(b, lb);
    LONG req = lineAnswer(*hb, NULL, 0);
    CHECK_REQ(req);
    t_expect_callinfo(a, *ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(a, *ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_state(b, *hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(b, req, 0);
    t_expect_none(a);
    t_expect_none(b);
}

void t_drop_idle(tapp *a, HCALL h)
{
    LONG req = lineDrop(h, NULL, 0);
    CHECK_REQ(req);
    t_expect_state(a, h, LINECALLSTATE_IDLE, 0);
    t_expect_reply(a, req, 0);
    CHECK_RC(lineDeallocateCall(h), 0);
}

DWORD t_state(HCALL h, DWORD *mode)
{
    LINECALLSTATUS s;
    memset(&s, 0, sizeof(s));
    s.dwTotalSize = sizeof(s);
    CHECK_RC(lineGetCallStatus(h, &s), 0);
    if (mode)
        *mode = s.dwCallStateMode;
    return s.dwCallState;
}

DWORD t_uui(HCALL h, void *out, DWORD size)
{
    union {
        LINECALLINFO ci;
        unsigned char raw[sizeof(LINECALLINFO) + 4096];
    } u;
    memset(&u, 0, sizeof(u));
    u.ci.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetCallInfo(h, &u.ci), 0);
    CHECK(u.ci.dwUserUserInfoSize <= size);
    if (u.ci.dwUserUserInfoSize)
        memcpy(out, u.raw + u.ci.dwUserUserInfoOffset, u.ci.dwUserUserInfoSize);
    return u.ci.dwUserUserInfoSize;
}

void t_callinfo_str(HCALL h, size_t size_field_offset, char *out, size_t outlen)
{
    union {
        LINECALLINFO ci;
        unsigned char raw[sizeof(LINECALLINFO) + 4096];
    } u;
    memset(&u, 0, sizeof(u));
    u.ci.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetCallInfo(h, &u.ci), 0);
    DWORD size, off;
    memcpy(&size, u.raw + size_field_offset, sizeof(size));
    memcpy(&off, u.raw + size_field_offset + sizeof(DWORD), sizeof(off));
    out[0] = '\0';
    if (size) {
        CHECK(size <= outlen);
        CHECK(u.raw[off + size - 1] == '\0');
        memcpy(out, u.raw + off, size);
    }
}

void t_callinfo(HCALL h, tcallinfo *u)
{
    memset(u, 0, sizeof(*u));
    u->ci.dwTotalSize = sizeof(*u);
    CHECK_RC(lineGetCallInfo(h, &u->ci), 0);
    CHECK(u->ci.dwNeededSize <= u->ci.dwTotalSize);
    CHECK_EQ(u->ci.dwUsedSize, u->ci.dwNeededSize);
}

const char *t_ci_str(const tcallinfo *u, DWORD size, DWORD offset)
{
    if (!size)
        return "";
    CHECK((uint64_t)offset + size <= u->ci.dwUsedSize);
    CHECK(u->raw[offset + size - 1] == '\0');
    CHECK_EQ(strlen((const char *)u->raw + offset) + 1, size);
    return (const char *)u->raw + offset;
}

void t_status(HCALL h, LINECALLSTATUS *s)
{
    memset(s, 0, sizeof(*s));
    s->dwTotalSize = sizeof(*s);
    CHECK_RC(lineGetCallStatus(h, s), 0);
}

void t_pair_init(tpair *p, DWORD da, DWORD db)
{
    t_init(&p->a, "caller");
    t_init(&p->b, "callee");
    p->la = t_open(&p->a, da, LINECALLPRIVILEGE_NONE);
    p->lb = t_open(&p->b, db, LINECALLPRIVILEGE_OWNER);
}

void t_pair_done(tpair *p)
{
    t_expect_none(&p->a);
    t_expect_none(&p->b);
    t_shutdown(&p->a);
    t_shutdown(&p->b);
}

void t_pair_done_with_calls(tpair *p)
{
    t_expect_none(&p->a);
    t_expect_none(&p->b);
    t_shutdown_with_calls(&p->a);
    t_shutdown_with_calls(&p->b);
}

void t_config(const char *text) { CHECK_RC(otSetConfig(text), 0); }

void t_config_sim(const char *key, const char *value)
{
    const char *def = otDefaultConfig();
    char pat[64];
    snprintf(pat, sizeof(pat), "\n%s = ", key);
    const char *at = strstr(def, pat);
    CHECK(at != NULL);
    at += strlen(pat);
    const char *eol = strchr(at, '\n');
    CHECK(eol != NULL);
    size_t n = strlen(def) + strlen(value) + 1;
    char *text = malloc(n);
    CHECK(text != NULL);
    snprintf(text, n, "%.*s%s%s", (int)(at - def), def, value, eol);
    LONG rc = otSetConfig(text);
    free(text);
    CHECK_RC(rc, 0);
}

/* ---- checks on other threads ---- */
bool th_fail_(struct th *t, const char *f, int l, const char *fmt, ...)
{
    if (t->err[0])
        return false;
    int n = snprintf(t->err, sizeof(t->err), "%s: %s:%d: ", t->who, f, l);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->err + n, sizeof(t->err) - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

void th_report(const struct th *t)
{
    if (t->err[0])
        FAIL("%s", t->err);
}

bool th_get_(struct th *t, HLINEAPP app, LINEMESSAGE *m, const char *f, int l)
{
    LONG rc = lineGetMessage(app, m, T_TIMEOUT_MS);
    return rc == 0 ? true : th_fail_(t, f, l, "lineGetMessage: %s", otErrorName(rc));
}

bool th_expect_(struct th *t, HLINEAPP app, DWORD id, DWORD dev, DWORD_PTR p1, DWORD_PTR p2,
                const char *f, int l)
{
    LINEMESSAGE m;
    char buf[160];
    if (!th_get_(t, app, &m, f, l))
        return false;
    if (m.dwMessageID == id && m.hDevice == dev && m.dwParam1 == p1 && m.dwParam2 == p2)
        return true;
    return th_fail_(t, f, l, "expected %s(%08x %lx %lx), got %s", otMessageName(id),
                    (unsigned)dev, (unsigned long)p1, (unsigned long)p2,
                    describe(&m, buf, sizeof(buf)));
}

LONG th_init(HLINEAPP *h, const char *name)
{
    LINEINITIALIZEEXPARAMS p;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = sizeof(p);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    DWORD n = 0, api = T_API;
    LONG rc = lineInitializeEx(h, NULL, NULL, name, &n, &api, &p);
    if (rc == 0)
        live_add(*h);
    return rc;
}

LONG th_open(HLINEAPP app, DWORD dev, DWORD priv, HLINE *hl)
{
    return lineOpen(app, dev, hl, T_API, 0, 0, priv, LINEMEDIAMODE_INTERACTIVEVOICE, NULL);
}

bool t_sem_wait(sem_t *s, unsigned ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000u;
    ts.tv_nsec += (long)(ms % 1000u) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    int rc;
    while ((rc = sem_timedwait(s, &ts)) != 0 && errno == EINTR)
        ;
    return rc == 0;
}

/* ---- the runner ---- */
static void (*cleanups[8])(void);

void t_at_cleanup(void (*fn)(void))
{
    for (size_t i = 0; i < sizeof(cleanups) / sizeof(cleanups[0]); i++)
        if (!cleanups[i]) {
            cleanups[i] = fn;
            return;
        }
    fprintf(stderr, "t_at_cleanup: too many cleanup functions\n");
    abort();
}

static void cleanup_after_failure(void)
{
    for (size_t i = 0; i < sizeof(cleanups) / sizeof(cleanups[0]) && cleanups[i]; i++)
        cleanups[i]();
    static HLINEAPP left[MAX_APPS];
    unsigned n = 0;
    pthread_mutex_lock(&live_lock);
    for (int i = 0; i < MAX_APPS; i++)
        if (live_apps[i]) {
            left[n++] = live_apps[i];
            live_apps[i] = 0;
        }
    live_next = 0;
    pthread_mutex_unlock(&live_lock);
    for (unsigned i = 0; i < n; i++)
        lineShutdown(left[i]);
}

static bool run_one(struct ot_test *t)
{
    fail_msg[0] = '\0';
    volatile bool ok = true;
    if (setjmp(fail_jmp) == 0) {
        t->fn();
        OTSTATS st;
        otGetStats(&st);
        if (st.dwApps || st.dwCalls || st.dwCallHandles || st.dwRequests || st.dwProviderCalls) {
            snprintf(fail_msg, sizeof(fail_msg),
                     "left behind: %u apps, %u calls, %u call handles, %u requests, %u provider "
                     "calls",
                     (unsigned)st.dwApps, (unsigned)st.dwCalls, (unsigned)st.dwCallHandles,
                     (unsigned)st.dwRequests, (unsigned)st.dwProviderCalls);
            ok = false;
        }
    } else
        ok = false;
    cleanup_after_failure();
    otSetConfig(NULL);
    otClockSetManual(FALSE);
    return ok;
}

/* Tests named selftest_* check the runner itself (they fail on purpose): they
 * run only when named. */
static bool is_selftest(const struct ot_test *t) { return !strncmp(t->name, "selftest_", 9); }

int main(int argc, char **argv)
{
    bool list = false, threaded_only = false;
    int nnames = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--list"))
            list = true;
        else if (!strcmp(argv[i], "--threaded"))
            threaded_only = true;
        else if (argv[i][0] == '-') {
            fprintf(stderr, "test-runner: unknown option %s\n"
                            "usage: test-runner [--list] [--threaded] [NAME...]\n", argv[i]);
            return 2;
        } else
            nnames++;
    }
    /* A name that names no test is an error, not an empty run that passes. */
    int unknown = 0;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-')
            continue;
        bool found = false;
        for (struct ot_test *t = tests_head; t && !found; t = t->next)
            found = !strcmp(argv[i], t->name);
        if (!found) {
            fprintf(stderr, "test-runner: no test named %s (--list lists them)\n", argv[i]);
            unknown++;
        }
    }
    if (unknown)
        return 2;
    unsigned passed = 0, failed = 0;
    /* The library's records are captured per test: a negative test asserts
     * the errors it provokes (T_LOG_EXPECT); the rest are printed. */
    otSetLogHandler(on_log, NULL);
    for (struct ot_test *t = tests_head; t; t = t->next) {
        if (threaded_only && !t->threaded)
            continue;
        if (nnames) {
            bool named = false;
            for (int i = 1; i < argc; i++)
                named |= !strcmp(argv[i], t->name);
            if (!named)
                continue;
        } else if (is_selftest(t))
            continue;
        if (list) {
            printf("%s%s\n", t->name, t->threaded ? " (threaded)" : "");
            continue;
        }
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        bool ok = run_one(t);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        log_flush(t->name);
        double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
        if (ok) {
            passed++;
            printf("ok   %-48s %8.1f ms\n", t->name, ms);
        } else {
            failed++;
            printf("FAIL %-48s %s\n", t->name, fail_msg);
        }
        fflush(stdout);
    }
    otSetLogHandler(NULL, NULL);
    free(log_buf);
    if (!list)
        printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
