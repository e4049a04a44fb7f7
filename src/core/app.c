/* Applications: lineInitialize(Ex), lineShutdown, lineGetMessage, the
 * callback dispatcher threads, and the start and stop of the core itself
 * (configuration, line devices, providers, timer thread).
 * The core runs while at least one application is initialized; life_lock
 * serializes its start and stop (lock order: life_lock, then the core lock). */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "ot.h"
#include "rpc.h"
#include "server.h"

struct ot_core ot_g = {.lock = PTHREAD_MUTEX_INITIALIZER};
pthread_mutex_t ot_life_lock = PTHREAD_MUTEX_INITIALIZER;
#define life_lock ot_life_lock
static char *config_override; /* otSetConfig() text, guarded by life_lock */
static struct ot_conf current_conf;

extern const struct ot_provider ot_sim_provider;
#ifdef OT_WITH_SIP
extern const struct ot_provider ot_sip_provider;
#endif
#ifdef OT_WITH_KAMAILIO
extern const struct ot_provider ot_kamailio_provider;
#endif
static const struct ot_provider *const providers[] = {
    &ot_sim_provider,
#ifdef OT_WITH_SIP
    &ot_sip_provider,
#endif
#ifdef OT_WITH_KAMAILIO
    &ot_kamailio_provider,
#endif
};
#define NPROVIDERS (sizeof(providers) / sizeof(providers[0]))

#define OT_API_LOW 0x00010004u
#define OT_API_HIGH 0x00020002u

const char *ot_setting(const char *section, const char *key)
{
    return ot_conf_get(&current_conf, section, key);
}

struct ot_app *ot_app_get(HLINEAPP h)
{
    if (!ot_g.started)
        return NULL;
    struct ot_app *a = ot_handle_get(&ot_g.app_handles, h);
    return a && !a->shutting_down ? a : NULL;
}

const struct ot_provider *ot_provider_at(unsigned i)
{
    return i < NPROVIDERS ? providers[i] : NULL;
}

HLINEAPP ot_handle_app(DWORD handle)
{
    HLINEAPP owner = 0;
    ot_lock();
    if (ot_g.started) {
        const struct ot_app *a = ot_handle_get(&ot_g.app_handles, handle);
        const struct ot_open *o = ot_handle_get(&ot_g.line_handles, handle);
        const struct ot_callref *r = ot_handle_get(&ot_g.call_handles, handle);
        if (a)
            owner = a->shutting_down ? 0 : a->handle;
        else if (o)
            owner = o->app->handle;
        else if (r)
            owner = r->open->app->handle;
    }
    ot_unlock();
    return owner;
}

struct ot_linedev *ot_linedev_get(DWORD id)
{
    return id < ot_g.nlines ? ot_g.lines[id] : NULL;
}

/* ---- the configuration: one reading for start-up and otCheckConfig ---- */
static const struct ot_provider *provider_named(const char *name)
{
    for (unsigned p = 0; p < NPROVIDERS; p++)
        if (!strcmp(providers[p]->name, name))
            return providers[p];
    return NULL;
}

/* A client's core has no lines and no providers: its applications only hold
 * the messages that the telephony service sends them (client.c). */
static bool core_is_client;

static LONG core_start_client(void)
{
    ot_lock();
    ot_list_init(&ot_g.apps);
    ot_g.close_head = NULL;
    ot_htable_init(&ot_g.app_handles, OT_H_APP);
    ot_htable_init(&ot_g.line_handles, OT_H_LINE);
    ot_htable_init(&ot_g.call_handles, OT_H_CALL);
    ot_g.nlines = 0;
    ot_g.lines = NULL;
    ot_g.started = true;
    core_is_client = true;
    ot_unlock();
    return 0;
}

/* Parses len bytes and runs every check start-up runs before it starts the
 * providers: each line's provider exists, and each provider accepts its part. */
static LONG conf_load(const char *text, size_t len, struct ot_conf *cf, char *err, size_t errlen)
{
    int prc = ot_conf_parse(text, len, cf, err, errlen);
    if (prc != 0)
        return prc == -2 ? LINEERR_NOMEM : LINEERR_INIFILECORRUPT;
    for (unsigned i = 0; i < cf->nlines; i++)
        if (!provider_named(cf->lines[i].provider)) {
            char name[sizeof(cf->lines[i].provider) * 4];
            ot_escape(name, sizeof(name), cf->lines[i].provider, strlen(cf->lines[i].provider));
            snprintf(err, errlen, "line %u: [line] (device %u): no provider \"%s\" in this build",
                     cf->lines[i].provider_lineno, i, name);
            ot_conf_free(cf);
            return LINEERR_INIFILECORRUPT;
        }
    for (unsigned p = 0; p < NPROVIDERS; p++) {
        int crc = providers[p]->size > offsetof(struct ot_provider, check_config) &&
                          providers[p]->check_config
                      ? providers[p]->check_config(cf, err, errlen)
                      : 0;
        if (crc != 0) {
            ot_conf_free(cf);
            return crc == -2 ? LINEERR_NOMEM : LINEERR_INIFILECORRUPT;
        }
    }
    if (ot_proxy_check_config(cf, err, errlen) != 0 ||
        ot_conf_check_service(cf, err, errlen) != 0) {
        ot_conf_free(cf);
        return LINEERR_INIFILECORRUPT;
    }
    return 0;
}

/* The configuration's source (otSetConfig text, OPENTAPI_CONFIG, the default),
 * loaded; on error the reason is printed. */
static LONG conf_load_current(struct ot_conf *cf)
{
    char err[320];
    const char *path = getenv("OPENTAPI_CONFIG");
    if (config_override || !path || !*path) {
        const char *text = config_override ? config_override : ot_conf_default_text();
        LONG rc = conf_load(text, strlen(text), cf, err, sizeof(err));
        if (rc)
            ot_logc(OT_CAT_CONFIG, OTLOG_ERROR, "%s", err);
        return rc;
    }
    char *text;
    size_t len;
    LONG rc = ot_conf_read_file(path, &text, &len, err, sizeof(err));
    if (!rc) {
        rc = conf_load(text, len, cf, err, sizeof(err));
        free(text);
    }
    if (rc) {
        char epath[256];
        ot_escape(epath, sizeof(epath), path, strlen(path));
        ot_logc(OT_CAT_CONFIG, OTLOG_ERROR, "OPENTAPI_CONFIG=%s: %s", epath, err);
    }
    return rc;
}

/* ---- core start / stop (life_lock held) ---- */
/* The configuration text in force (otSetConfig, OPENTAPI_CONFIG, default), as
 * a copy for readers outside core start (the dialing rules); NULL with *err
 * set when it cannot be read. */
char *ot_config_text(LONG *err)
{
    pthread_mutex_lock(&life_lock);
    const char *path = getenv("OPENTAPI_CONFIG");
    char *t = NULL;
    char why[320];
    size_t len;
    if (config_override || !(path && *path)) {
        t = ot_strdup(config_override ? config_override : ot_conf_default_text());
        *err = t ? 0 : LINEERR_NOMEM;
    } else
        *err = ot_conf_read_file(path, &t, &len, why, sizeof(why));
    pthread_mutex_unlock(&life_lock);
    return t;
}

static LONG core_start(void)
{
    core_is_client = false;
    LONG crc = conf_load_current(&current_conf);
    if (crc)
        return crc;
    const char *clk = getenv("OPENTAPI_CLOCK");

    ot_lock();
    if (clk && !strcmp(clk, "manual") && !ot_g.manual_clock) {
        ot_g.manual_now = ot_clock_now();
        ot_g.manual_clock = true;
    }
    ot_list_init(&ot_g.apps);
    ot_g.close_head = NULL;
    ot_htable_init(&ot_g.app_handles, OT_H_APP);
    ot_htable_init(&ot_g.line_handles, OT_H_LINE);
    ot_htable_init(&ot_g.call_handles, OT_H_CALL);
    ot_g.next_request_id = 1;
    ot_g.next_call_id = 1;
    ot_proxy_configure(); /* [proxy]: conf_load checked it */
    ot_g.nlines = 0;
    ot_g.lines = calloc(current_conf.nlines ? current_conf.nlines : 1, sizeof(*ot_g.lines));
    LONG result = ot_g.lines ? 0 : LINEERR_NOMEM;
    for (unsigned i = 0; !result && i < current_conf.nlines; i++) {
        struct ot_linedev *ld = calloc(1, sizeof(*ld));
        if (!ld) {
            result = LINEERR_NOMEM;
            break;
        }
        ld->id = i;
        ld->perm_id = 0x10000u + i;
        ld->conf = current_conf.lines[i];
        ot_list_init(&ld->opens);
        ot_list_init(&ld->calls);
        ot_list_init(&ld->connected);
        ld->prov = provider_named(ld->conf.provider); /* conf_load checked it */
        ot_g.lines[ot_g.nlines++] = ld;
    }
    ot_g.started = true;
    /* Only providers that have lines were started, and only those stop. */
    bool prov_started[NPROVIDERS] = {false};
    for (unsigned p = 0; !result && p < NPROVIDERS; p++) {
        struct ot_linedev **mine = calloc(ot_g.nlines ? ot_g.nlines : 1, sizeof(*mine));
        unsigned n = 0;
        if (!mine) {
            result = LINEERR_NOMEM;
            break;
        }
        for (DWORD i = 0; i < ot_g.nlines; i++)
            if (ot_g.lines[i]->prov == providers[p])
                mine[n++] = ot_g.lines[i];
        int src = n ? providers[p]->start(mine, n) : 0;
        if (src != 0) {
            ot_logc(OT_CAT_CORE, OTLOG_ERROR, "provider %s failed to start", providers[p]->name);
            result = src == -2 ? LINEERR_NOMEM : LINEERR_NODRIVER;
        } else if (n)
            prov_started[p] = true;
        free(mine);
    }
    if (!result && ot_timers_start_thread() != 0)
        result = LINEERR_NOMEM;
    if (result) {
        for (unsigned p = 0; p < NPROVIDERS; p++)
            if (prov_started[p])
                providers[p]->stop();
        for (DWORD i = 0; i < ot_g.nlines; i++)
            free(ot_g.lines[i]);
        free(ot_g.lines);
        ot_g.lines = NULL;
        ot_g.nlines = 0;
        ot_g.started = false;
        ot_htable_free(&ot_g.app_handles);
        ot_htable_free(&ot_g.line_handles);
        ot_htable_free(&ot_g.call_handles);
        ot_conf_free(&current_conf);
    }
    ot_unlock();
    return result;
}

static void core_stop(void)
{
    ot_lock();
    ot_timers_stop_thread();
    for (unsigned p = 0; p < NPROVIDERS; p++) {
        bool used = false;
        for (DWORD i = 0; i < ot_g.nlines; i++)
            used |= ot_g.lines[i]->prov == providers[p];
        if (used)
            providers[p]->stop();
    }
    /* Calls nobody holds a handle to (unopened lines, ownerless calls). */
    for (DWORD i = 0; i < ot_g.nlines; i++) {
        struct ot_linedev *ld = ot_g.lines[i];
        struct ot_list *pos, *tmp;
        ot_list_foreach_safe(pos, tmp, &ld->calls)
        {
            struct ot_call *c = ot_container_of(pos, struct ot_call, ld_link);
            c->provider_closed = true;
            ot_call_free_now(c);
        }
        ot_linedev_forward_free(ld);
        free(ld);
        ot_g.lines[i] = NULL; /* statusapi.c looks at a shared address's other lines */
    }
    free(ot_g.lines);
    ot_g.lines = NULL;
    ot_g.nlines = 0;
    ot_htable_free(&ot_g.app_handles);
    ot_htable_free(&ot_g.line_handles);
    ot_htable_free(&ot_g.call_handles);
    free(ot_g.heap);
    ot_g.heap = NULL;
    ot_g.heap_len = ot_g.heap_cap = 0;
    ot_g.started = false;
    ot_conf_free(&current_conf);
    ot_unlock();
}

/* ---- applications ---- */
static void app_free(struct ot_app *a)
{
    ot_media_app_free(a);
    ot_msgq_free(&a->queue);
    if (a->efd >= 0)
        close(a->efd);
    pthread_cond_destroy(&a->cond);
    free(a);
}

/* Set on the callback dispatcher threads: lineShutdown called there must not
 * wait for a dispatcher (its own, or another one that may be waiting for it). */
static _Thread_local bool on_dispatcher;

static void *dispatcher_main(void *arg)
{
    struct ot_app *a = arg;
    bool free_self;
    on_dispatcher = true;
    ot_lock();
    for (;;) {
        LINEMESSAGE m;
        while (!a->shutting_down && a->queue.count == 0)
            pthread_cond_wait(&a->cond, &ot_g.lock);
        if (a->shutting_down)
            break;
        ot_msgq_pop(&a->queue, &m);
        LINECALLBACK cb = a->callback;
        a->in_callback = true;
        ot_unlock();
        cb(m.hDevice, m.dwMessageID, m.dwCallbackInstance, m.dwParam1, m.dwParam2, m.dwParam3);
        ot_lock();
        a->in_callback = false;
    }
    /* lineShutdown called from inside the callback detached us: we free. */
    free_self = !a->has_thread;
    ot_unlock();
    if (free_self)
        app_free(a);
    return NULL;
}

/* The telephony service this process should use, if any: OPENTAPI_SERVER, else
 * the configuration's [client] server.  Decided while no application is
 * initialized (life_lock held); the server itself never is a client. */
static bool server_address(char *buf, size_t n)
{
    if (ot_client_disabled())
        return false;
    const char *env = getenv("OPENTAPI_SERVER");
    if (env && *env) {
        if (!strcmp(env, "none"))
            return false;
        snprintf(buf, n, "%s", env);
        return true;
    }
    const char *text = config_override;
    size_t len = text ? strlen(text) : 0;
    char *file_text = NULL;
    char err[320];
    const char *path = getenv("OPENTAPI_CONFIG");
    if (!text && path && *path && ot_conf_read_file(path, &file_text, &len, err, sizeof(err)) == 0)
        text = file_text;
    bool found = false;
    struct ot_conf cf;
    /* A configuration that does not parse is reported by the embedded start-up
     * that follows; here it only names no service. */
    if (text && ot_conf_parse(text, len, &cf, err, sizeof(err)) == 0) {
        const char *v = ot_conf_get(&cf, "client", "server");
        if (v && *v && strcmp(v, "none") != 0) {
            snprintf(buf, n, "%s", v);
            found = true;
        }
        ot_conf_free(&cf);
    }
    free(file_text);
    return found;
}

static LONG app_create(LPHLINEAPP lphLineApp, LINECALLBACK cb, LPCSTR name, LPDWORD lpdwNumDevs,
                       DWORD api, bool use_event, HANDLE *event_out)
{
    pthread_mutex_lock(&life_lock);
    LONG rc = 0;
    bool started_here = false;
    HLINEAPP remote = 0;
    DWORD remote_devs = 0;
    char address[300];
    bool client = ot_g.started ? core_is_client : server_address(address, sizeof(address));
    if (client && ot_g.started && !ot_client_active())
        client = false; /* cannot happen: a client core stops with its last application */
    if (client) {
        rc = ot_client_open_app(ot_g.started ? NULL : address, name, api, &remote, &remote_devs);
        if (rc) {
            pthread_mutex_unlock(&life_lock);
            return rc;
        }
    }
    if (!ot_g.started) {
        rc = client ? core_start_client() : core_start();
        if (rc) {
            pthread_mutex_unlock(&life_lock);
            return rc;
        }
        started_here = true;
    }
    struct ot_app *a = calloc(1, sizeof(*a));
    if (!a) {
        rc = LINEERR_NOMEM;
        goto out;
    }
    a->efd = -1;
    a->callback = cb;
    a->api_version = api;
    ot_list_init(&a->opens);
    snprintf(a->name, sizeof(a->name), "%s", name && *name ? name : "app");
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&a->cond, &ca);
    pthread_condattr_destroy(&ca);
    if (use_event) {
        a->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (a->efd < 0) {
            rc = LINEERR_RESOURCEUNAVAIL;
            app_free(a);
            goto out;
        }
    }
    ot_lock();
    a->handle = ot_handle_alloc(&ot_g.app_handles, a);
    if (!a->handle) {
        ot_unlock();
        app_free(a);
        rc = LINEERR_NOMEM;
        goto out;
    }
    if (!use_event) {
        a->has_thread = true;
        if (pthread_create(&a->thread, NULL, dispatcher_main, a) != 0) {
            ot_handle_release(&ot_g.app_handles, a->handle);
            ot_unlock();
            a->has_thread = false;
            app_free(a);
            rc = LINEERR_RESOURCEUNAVAIL;
            goto out;
        }
    }
    ot_list_add_tail(&ot_g.apps, &a->link);
    ot_g.napps++;
    *lphLineApp = a->handle;
    *lpdwNumDevs = client ? remote_devs : ot_g.nlines;
    if (event_out)
        *event_out = (HANDLE)(intptr_t)a->efd;
    ot_unlock();
    if (client && ot_client_bind_app(a->handle, remote) != 0) {
        pthread_mutex_unlock(&life_lock);
        lineShutdown(a->handle); /* not bound: the local side only */
        pthread_mutex_lock(&life_lock);
        rc = LINEERR_NOMEM;
    }
out:
    if (rc && client)
        ot_client_close_app(0, remote);
    if (rc && started_here && ot_g.started && ot_g.napps == 0)
        core_stop();
    pthread_mutex_unlock(&life_lock);
    return rc;
}

LONG lineInitializeEx(LPHLINEAPP lphLineApp, HINSTANCE hInstance, LINECALLBACK lpfnCallback,
                      LPCSTR lpszFriendlyAppName, LPDWORD lpdwNumDevs, LPDWORD lpdwAPIVersion,
                      LPLINEINITIALIZEEXPARAMS lpLineInitializeExParams)
{
    (void)hInstance;
    if (!lphLineApp || !lpdwNumDevs || !lpdwAPIVersion)
        return LINEERR_INVALPOINTER;
    DWORD api = *lpdwAPIVersion;
    if (api < 0x00020000u)
        return LINEERR_INCOMPATIBLEAPIVERSION;
    bool use_event = false;
    if (lpLineInitializeExParams) {
        if (lpLineInitializeExParams->dwTotalSize < sizeof(LINEINITIALIZEEXPARAMS))
            return LINEERR_STRUCTURETOOSMALL;
        DWORD opt = lpLineInitializeExParams->dwOptions & ~LINEINITIALIZEEXOPTION_CALLHUBTRACKING;
        if (opt == LINEINITIALIZEEXOPTION_USEEVENT)
            use_event = true;
        else if (opt != LINEINITIALIZEEXOPTION_USEHIDDENWINDOW)
            return LINEERR_INVALPARAM; /* includes USECOMPLETIONPORT: no ports on POSIX */
    }
    if (!use_event && !lpfnCallback)
        return LINEERR_INVALPOINTER;
    HANDLE ev = NULL;
    LONG rc = app_create(lphLineApp, use_event ? NULL : lpfnCallback, lpszFriendlyAppName,
                         lpdwNumDevs, api > OT_API_HIGH ? OT_API_HIGH : api, use_event, &ev);
    if (rc)
        return rc;
    if (lpLineInitializeExParams) {
        lpLineInitializeExParams->dwNeededSize = sizeof(LINEINITIALIZEEXPARAMS);
        lpLineInitializeExParams->dwUsedSize = sizeof(LINEINITIALIZEEXPARAMS);
        if (use_event)
            lpLineInitializeExParams->Handles.hEvent = ev;
    }
    *lpdwAPIVersion = OT_API_HIGH;
    return 0;
}

/* The telephony service's application for one client application: messages
 * by descriptor whatever the client's model, with the client's API version
 * (lineInitialize is TAPI 1.4). */
LONG ot_app_create_for_server(HLINEAPP *h, LPCSTR name, DWORD api, DWORD *ndevs, int *efd)
{
    HANDLE ev = NULL;
    if (api < OT_API_LOW)
        return LINEERR_INCOMPATIBLEAPIVERSION;
    LONG rc = app_create(h, NULL, name, ndevs, api > OT_API_HIGH ? OT_API_HIGH : api, true, &ev);
    if (!rc) {
        *efd = (int)(intptr_t)ev;
        ot_app_mark_server(*h);
    }
    return rc;
}

LONG lineInitialize(LPHLINEAPP lphApp, HINSTANCE hInstance, LINECALLBACK lpfnCallback,
                    LPCSTR lpszAppName, LPDWORD lpdwNumDevs)
{
    (void)hInstance;
    if (!lphApp || !lpdwNumDevs || !lpfnCallback)
        return LINEERR_INVALPOINTER;
    return app_create(lphApp, lpfnCallback, lpszAppName, lpdwNumDevs, OT_API_LOW, false, NULL);
}

LONG lineShutdown(HLINEAPP hLineApp)
{
    if (ot_client_active()) {
        LONG rc = ot_client_shutdown(hLineApp);
        if (rc != (LONG)LINEERR_INVALAPPHANDLE)
            return rc;
    }
    return ot_app_shutdown_local(hLineApp);
}

LONG ot_app_shutdown_local(HLINEAPP hLineApp)
{
    pthread_mutex_lock(&life_lock);
    ot_lock();
    struct ot_app *a = ot_app_get(hLineApp);
    if (!a) {
        LONG rc = ot_g.started ? LINEERR_INVALAPPHANDLE : LINEERR_UNINITIALIZED;
        ot_unlock();
        pthread_mutex_unlock(&life_lock);
        return rc;
    }
    /* Close every line as lineClose would: drops calls owned alone, kills handles,
     * suppresses pending replies. Then no message reaches this application. */
    struct ot_teardown td;
    ot_teardown_init(&td);
    while (!ot_list_empty(&a->opens))
        ot_open_close_begin(ot_container_of(a->opens.next, struct ot_open, app_link), &td);
    a->shutting_down = true;
    ot_assist_app_gone(a); /* its request-recipient registration */
    ot_handle_release(&ot_g.app_handles, a->handle);
    ot_list_del(&a->link);
    ot_g.napps--;
    pthread_cond_broadcast(&a->cond);
    ot_teardown_finish(&td); /* drops, the core lock released between slices */
    pthread_mutex_unlock(&life_lock);
    /* From here the application is unreachable; wait for its threads without
     * life_lock, since a callback may still call lineInitialize/lineShutdown. */
    bool free_now = true;
    if (a->has_thread) {
        if (on_dispatcher) {
            /* Called from a callback: the target's dispatcher may be this thread,
             * or be inside a callback that shuts down this thread's application.
             * Do not wait: that dispatcher frees the app when its callback returns. */
            pthread_detach(a->thread);
            a->has_thread = false;
            free_now = false;
        } else {
            pthread_t t = a->thread;
            ot_unlock();
            pthread_join(t, NULL);
            ot_lock();
        }
    }
    while (a->waiters) /* lineGetMessage callers leave with LINEERR_INVALAPPHANDLE */
        pthread_cond_wait(&a->cond, &ot_g.lock);
    ot_unlock();
    if (free_now)
        app_free(a);
    pthread_mutex_lock(&life_lock);
    if (ot_g.started && ot_g.napps == 0)
        core_stop();
    pthread_mutex_unlock(&life_lock);
    return 0;
}

LONG lineGetMessage(HLINEAPP hLineApp, LPLINEMESSAGE lpMessage, DWORD dwTimeout)
{
    ot_lock();
    struct ot_app *a = ot_app_get(hLineApp);
    if (!a || a->efd < 0) {
        LONG rc = !ot_g.started ? LINEERR_UNINITIALIZED : LINEERR_INVALAPPHANDLE;
        ot_unlock();
        return rc;
    }
    if (!lpMessage) {
        ot_unlock();
        return LINEERR_INVALPOINTER;
    }
    if (a->queue.count == 0 && a->efd_signalled) {
        /* The fd is reset lazily, when the application sees the queue empty:
         * a burst of messages costs one write and one read, not one per message. */
        uint64_t v;
        ssize_t n = read(a->efd, &v, sizeof(v));
        (void)n;
        a->efd_signalled = false;
    }
    if (a->queue.count == 0 && dwTimeout) {
        struct timespec ts = ot_deadline_ms(dwTimeout == INFINITE ? 0 : dwTimeout);
        a->waiters++;
        while (a->queue.count == 0 && !a->shutting_down) {
            int w = dwTimeout == INFINITE ? pthread_cond_wait(&a->cond, &ot_g.lock)
                                          : pthread_cond_timedwait(&a->cond, &ot_g.lock, &ts);
            if (w == ETIMEDOUT)
                break;
        }
        a->waiters--;
        if (a->shutting_down) {
            pthread_cond_broadcast(&a->cond);
            ot_unlock();
            return LINEERR_INVALAPPHANDLE;
        }
    }
    if (!ot_msgq_pop(&a->queue, lpMessage)) {
        ot_unlock();
        return LINEERR_OPERATIONFAILED;
    }
    ot_unlock();
    return 0;
}

LONG lineNegotiateAPIVersion(HLINEAPP hLineApp, DWORD dwDeviceID, DWORD dwAPILowVersion,
                             DWORD dwAPIHighVersion, LPDWORD lpdwAPIVersion,
                             LPLINEEXTENSIONID lpExtensionID)
{
    OT_REMOTE(lineNegotiateAPIVersion, hLineApp, dwDeviceID, dwAPILowVersion, dwAPIHighVersion,
              lpdwAPIVersion, lpExtensionID);
    ot_lock();
    LONG rc = ot_check_started();
    struct ot_app *a = rc ? NULL : ot_app_get(hLineApp);
    if (!rc && !a)
        rc = LINEERR_INVALAPPHANDLE;
    else if (!rc && !ot_linedev_get(dwDeviceID))
        rc = LINEERR_BADDEVICEID;
    else if (!rc && (!lpdwAPIVersion || !lpExtensionID))
        rc = LINEERR_INVALPOINTER;
    /* The highest published version in both ranges: 0x00010005 is no version. */
    static const DWORD published[] = {0x00020002u, 0x00020001u, 0x00020000u, OT_API_LOW};
    DWORD v = 0;
    for (size_t i = 0; !rc && !v && i < sizeof(published) / sizeof(published[0]); i++)
        if (published[i] >= dwAPILowVersion && published[i] <= dwAPIHighVersion)
            v = published[i];
    if (!rc && !v)
        rc = LINEERR_INCOMPATIBLEAPIVERSION;
    if (!rc) {
        *lpdwAPIVersion = v;
        memset(lpExtensionID, 0, sizeof(*lpExtensionID));
    }
    ot_unlock();
    return rc;
}

LONG ot_check_started(void)
{
    return ot_g.started ? 0 : LINEERR_UNINITIALIZED;
}

/* ---- extensions (opentapi.h) ---- */
LONG otSetConfig(LPCSTR text)
{
    pthread_mutex_lock(&life_lock);
    LONG rc = 0;
    if (ot_g.started)
        rc = LINEERR_INUSE;
    else if (!text) {
        free(config_override);
        config_override = NULL;
    } else {
        char *copy = ot_strdup(text);
        if (!copy)
            rc = LINEERR_NOMEM;
        else {
            free(config_override);
            config_override = copy;
        }
    }
    pthread_mutex_unlock(&life_lock);
    return rc;
}

LPCSTR otDefaultConfig(void) { return ot_conf_default_text(); }

static LONG check_result(LONG rc, const char *msg, LPSTR err, DWORD errsize)
{
    if (err && errsize)
        snprintf(err, errsize, "%s", rc ? msg : "");
    return rc;
}

LONG otCheckConfig(LPCSTR text, LPSTR err, DWORD errsize)
{
    if (!text)
        return LINEERR_INVALPOINTER;
    struct ot_conf cf;
    char buf[320];
    LONG rc = conf_load(text, strlen(text), &cf, buf, sizeof(buf));
    if (!rc)
        ot_conf_free(&cf);
    return check_result(rc, buf, err, errsize);
}

LONG otCheckConfigFile(LPCSTR path, LPSTR err, DWORD errsize)
{
    if (!path)
        return LINEERR_INVALPOINTER;
    struct ot_conf cf;
    char buf[320];
    char *text;
    size_t len;
    LONG rc = ot_conf_read_file(path, &text, &len, buf, sizeof(buf));
    if (!rc) {
        rc = conf_load(text, len, &cf, buf, sizeof(buf));
        free(text);
        if (!rc)
            ot_conf_free(&cf);
    }
    return check_result(rc, buf, err, errsize);
}

LONG otClockSetManual(BOOL manual)
{
    ot_lock();
    if (manual && !ot_g.manual_clock)
        ot_g.manual_now = ot_clock_now();
    if (!manual && ot_g.manual_clock && ot_g.timer_thread_running) {
        /* Armed timers keep their remaining time on the real clock. */
        uint64_t real;
        ot_g.manual_clock = false;
        real = ot_clock_now();
        for (uint32_t i = 0; i < ot_g.heap_len; i++)
            ot_g.heap[i]->due = ot_g.heap[i]->due - ot_g.manual_now + real;
        pthread_cond_signal(&ot_g.timer_cond);
    }
    ot_g.manual_clock = manual != 0;
    ot_unlock();
    return 0;
}

LONG otClockAdvance(DWORD ms)
{
    ot_lock();
    if (!ot_g.manual_clock) {
        ot_unlock();
        return LINEERR_OPERATIONUNAVAIL;
    }
    /* Step from deadline to deadline so that timers armed by timers fire in order. */
    uint64_t end = ot_g.manual_now + ms;
    while (ot_g.started && ot_g.heap_len && ot_g.heap[0]->due <= end) {
        if (ot_g.heap[0]->due > ot_g.manual_now)
            ot_g.manual_now = ot_g.heap[0]->due;
        ot_timers_run_due();
    }
    ot_g.manual_now = end;
    ot_unlock();
    return 0;
}

LONG otGetServiceStats(OTSTATS *st)
{
    if (!st)
        return LINEERR_INVALPOINTER;
    return ot_client_stats(st);
}

LONG otGetStats(OTSTATS *st)
{
    if (!st)
        return LINEERR_INVALPOINTER;
    ot_lock();
    memset(st, 0, sizeof(*st));
    st->dwApps = ot_g.napps;
    st->dwCalls = (DWORD)ot_g.calls_alive;
    st->dwCallHandles = (DWORD)ot_g.refs_alive;
    st->dwRequests = (DWORD)ot_g.reqs_alive;
    if (ot_g.started)
        for (unsigned p = 0; p < NPROVIDERS; p++)
            if (providers[p]->live_calls)
                st->dwProviderCalls += providers[p]->live_calls();
    ot_unlock();
    return 0;
}
