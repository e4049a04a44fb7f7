/* Logging: OPENTAPI_LOG's levels and categories, and where records go
 * (stderr, or the handler of otSetLogHandler).  The filter is read from the
 * environment once; records are written whole, one at a time (a mutex), so
 * lines of different threads never interleave. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ot.h"

static const char *const cat_names[OT_NCATS] = {"core", "config", "sim", "sip"};
static const char *const level_names[] = {"off", "error", "warn", "info", "debug", "trace"};
#define NLEVELS ((int)(sizeof(level_names) / sizeof(level_names[0])))

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int levels[OT_NCATS]; /* written once (pthread_once), then read only */
static int default_level;
static OTLOGHANDLER handler; /* under mu */
static void *handler_ctx;

static int level_of(const char *s, size_t n)
{
    if (n == 1 && s[0] == '0')
        return 0;
    if (n == 1 && s[0] == '1')
        return OTLOG_DEBUG;
    for (int i = 0; i < NLEVELS; i++)
        if (strlen(level_names[i]) == n && !strncmp(s, level_names[i], n))
            return i;
    return -1;
}

/* A piece of OPENTAPI_LOG that is not understood, shown printable and bounded. */
static void bad_token(const char *s, size_t n)
{
    char shown[41];
    size_t k = 0;
    for (size_t i = 0; i < n && k < sizeof(shown) - 1; i++)
        shown[k++] = isprint((unsigned char)s[i]) ? s[i] : '?';
    shown[k] = '\0';
    fprintf(stderr,
            "opentapi: warn: core: OPENTAPI_LOG: \"%s%s\" ignored (expected LEVEL or "
            "CATEGORY=LEVEL; levels off, error, warn, info, debug, trace; categories core, "
            "config, sim, sip)\n",
            shown, n > k ? "..." : "");
}

static void parse_env(void)
{
    default_level = OTLOG_WARN;
    int cat_level[OT_NCATS];
    for (int c = 0; c < OT_NCATS; c++)
        cat_level[c] = -1;
    const char *e = getenv("OPENTAPI_LOG");
    for (const char *p = e ? e : ""; *p;) {
        size_t n = strcspn(p, ",");
        const char *eq = memchr(p, '=', n);
        if (!eq) {
            int l = level_of(p, n);
            if (l >= 0)
                default_level = l;
            else if (n)
                bad_token(p, n);
        } else {
            int c = 0;
            while (c < OT_NCATS && !(strlen(cat_names[c]) == (size_t)(eq - p) &&
                                     !strncmp(p, cat_names[c], (size_t)(eq - p))))
                c++;
            int l = level_of(eq + 1, n - (size_t)(eq + 1 - p));
            if (c < OT_NCATS && l >= 0)
                cat_level[c] = l;
            else
                bad_token(p, n);
        }
        p += n;
        if (*p == ',')
            p++;
    }
    for (int c = 0; c < OT_NCATS; c++)
        levels[c] = cat_level[c] >= 0 ? cat_level[c] : default_level;
}

bool ot_log_on(enum ot_log_cat cat, int level)
{
    pthread_once(&once, parse_env);
    return (unsigned)cat < OT_NCATS && level > 0 && level <= levels[cat];
}

static void vlog(enum ot_log_cat cat, int level, const char *fmt, va_list ap)
{
    char msg[8192]; /* a SIP message at sip=trace */
    vsnprintf(msg, sizeof(msg), fmt, ap);
    pthread_mutex_lock(&mu);
    if (handler)
        handler((DWORD)level, cat_names[cat], msg, handler_ctx);
    else
        fprintf(stderr, "opentapi: %s: %s: %s\n", level_names[level], cat_names[cat], msg);
    pthread_mutex_unlock(&mu);
}

void ot_logc(enum ot_log_cat cat, int level, const char *fmt, ...)
{
    if (!ot_log_on(cat, level))
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog(cat, level, fmt, ap);
    va_end(ap);
}

void ot_log(const char *fmt, ...)
{
    if (!ot_log_on(OT_CAT_CORE, OTLOG_DEBUG))
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog(OT_CAT_CORE, OTLOG_DEBUG, fmt, ap);
    va_end(ap);
}

LONG otSetLogHandler(OTLOGHANDLER fn, void *ctx)
{
    pthread_once(&once, parse_env);
    pthread_mutex_lock(&mu);
    handler = fn;
    handler_ctx = fn ? ctx : NULL;
    pthread_mutex_unlock(&mu);
    return 0;
}

DWORD otGetLogLevel(LPCSTR category)
{
    pthread_once(&once, parse_env);
    if (!category)
        return (DWORD)default_level;
    for (int c = 0; c < OT_NCATS; c++)
        if (!strcmp(category, cat_names[c]))
            return (DWORD)levels[c];
    return 0;
}
