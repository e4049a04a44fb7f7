/* Digits, tones and media modes of a call (Microsoft groups them as "media"
 * functions): lineGenerateDigits, lineGenerateTone, lineMonitorDigits,
 * lineGatherDigits, lineMonitorTones, lineMonitorMedia.
 *
 * The provider plays digits and tones to the far end (generate_digits,
 * generate_tone) and reports what it hears (ot_ev_call_digit, ot_ev_call_tone,
 * ot_ev_call_media).  Everything else is here, once for every provider:
 * which handle generates (LINE_GENERATE goes to it), which handles monitor
 * (LINE_MONITORDIGITS / LINE_MONITORTONE / LINE_MONITORMEDIA), the gather
 * buffer with its termination digits and timeouts on the library clock, and
 * the cancellations (a new request, the application's cancel, the call
 * leaving CONNECTED, the handle going away).
 *
 * One generation (digits or tone) per call: a new one cancels the one under
 * way (LINE_GENERATE(CANCEL) to its handle).  One gather per call.
 *
 * A service application's gather buffer is in another process: the digits
 * wait in the application's FIFO until the server sends them with the
 * LINE_GATHERDIGITS message (ot_app_take_gathered), and the client library
 * writes them into the buffer before it delivers the message (client.c). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ot.h"
#include "rpc.h"

#define DIGITS_MAX 256u           /* digits of one lineGenerateDigits */
#define DIGIT_MS_DEFAULT 100u     /* dwDuration 0 */
#define DIGIT_MS_MIN 40u          /* dwDuration is brought into [MIN, MAX] */
#define DIGIT_MS_MAX 2000u
#define TONE_MS_DEFAULT 1000u     /* dwDuration 0 (BEEP: 200) */
#define TONE_MS_MAX 60000u
#define TONE_FREQ_MAX 20000u      /* Hz */
#define GATHER_MAX 4096u          /* dwNumDigits */
#define GATHER_TERM_MAX 32u       /* termination digits */
#define GATHER_TIMEOUT_MIN 10u    /* LINEDEVCAPS.dwGatherDigitsMinTimeout */
#define GATHER_TIMEOUT_MAX 3600000u /* ... MaxTimeout */
#define MONITOR_TONES_MAX 8u      /* LINEDEVCAPS.dwMonitorToneMaxNumEntries */
#define MEDIA_MODES                                                                            \
    (LINEMEDIAMODE_INTERACTIVEVOICE | LINEMEDIAMODE_UNKNOWN | LINEMEDIAMODE_AUTOMATEDVOICE)

struct ot_gathered {
    struct ot_gathered *next;
    HCALL h;
    DWORD len;
    char digits[];
};

struct ot_media {
    struct ot_call *call;
    bool gen_active;
    HCALL gen_handle;
    bool gather_active;
    HCALL gather_handle;
    DWORD gather_modes, want, len;
    LPSTR user; /* the application's buffer (NULL for a service application) */
    char *buf;
    char term[GATHER_TERM_MAX + 1];
    DWORD first_to, inter_to;
    struct ot_timer timer;
    /* what each handle monitors (lineMonitorDigits / Media / Tones): kept
     * here, not in every call handle, which stays in a 64-byte malloc chunk */
    struct ot_mon {
        HCALL handle;
        DWORD digits, media;   /* LINEDIGITMODE_ / LINEMEDIAMODE_ */
        DWORD ntones;
        LINEMONITORTONE *tones;
        struct ot_mon *next;
    } *mons;
};

static void gather_timeout(void *arg);

static struct ot_media *media_of(struct ot_call *c)
{
    if (!c->media) {
        c->media = calloc(1, sizeof(*c->media));
        if (c->media) {
            c->media->call = c;
            ot_timer_init(&c->media->timer, gather_timeout, c->media);
        }
    }
    return c->media;
}

/* The monitoring of handle r (NULL: none; with create, made when missing:
 * NULL then means out of memory). */
static struct ot_mon *mon_of(struct ot_callref *r, bool create)
{
    struct ot_media *m = create ? media_of(r->call) : r->call->media;
    if (!m)
        return NULL;
    for (struct ot_mon *k = m->mons; k; k = k->next)
        if (k->handle == r->handle)
            return k;
    if (!create)
        return NULL;
    struct ot_mon *k = calloc(1, sizeof(*k));
    if (k) {
        k->handle = r->handle;
        k->next = m->mons;
        m->mons = k;
    }
    return k;
}

static void mon_free(struct ot_media *m, HCALL h)
{
    for (struct ot_mon **pp = &m->mons; *pp; pp = &(*pp)->next)
        if ((*pp)->handle == h) {
            struct ot_mon *k = *pp;
            *pp = k->next;
            free(k->tones);
            free(k);
            return;
        }
}

/* A message about the call to one handle (dwParam3: the library clock in ms). */
static void post(struct ot_callref *r, DWORD msg, DWORD_PTR p1, DWORD_PTR p2)
{
    if (r->open->closing || r->announce_newcall || r->announce_unknown)
        return;
    ot_app_post(r->open->app, r->handle, msg, r->open->instance, p1, p2,
                (DWORD)ot_clock_now());
}

static LONG get_ref(HCALL h, bool owner, struct ot_callref **out)
{
    if (!ot_g.started)
        return LINEERR_UNINITIALIZED;
    struct ot_callref *r = ot_callref_get(h);
    if (!r)
        return LINEERR_INVALCALLHANDLE;
    if (owner && r->privilege != LINECALLPRIVILEGE_OWNER)
        return LINEERR_NOTOWNER;
    *out = r;
    return 0;
}

static bool talking(const struct ot_call *c)
{
    return c->state == LINECALLSTATE_CONNECTED && c->mode != LINECONNECTEDMODE_INACTIVE;
}

/* Is ch a digit of modes (LINEDIGITMODE_ bits)?  Upper case only. */
static bool digit_ok(char ch, DWORD modes)
{
    if (ch >= '0' && ch <= '9')
        return true;
    return (modes & (LINEDIGITMODE_DTMF | LINEDIGITMODE_DTMFEND)) && ch && strchr("ABCD*#", ch);
}

/* ---- generation ---- */
static void gen_end(struct ot_call *c, DWORD term)
{
    struct ot_media *m = c->media;
    if (!m || !m->gen_active)
        return;
    m->gen_active = false;
    struct ot_callref *r = ot_callref_get(m->gen_handle);
    if (r && r->call == c)
        post(r, LINE_GENERATE, term, 0);
}

/* The generation under way stops (the provider is told) and its handle gets
 * LINE_GENERATE(CANCEL) when post. */
static void gen_cancel(struct ot_call *c, bool notify)
{
    struct ot_media *m = c->media;
    if (!m || !m->gen_active)
        return;
    if (!c->provider_closed && c->ld->prov->generate_cancel)
        c->ld->prov->generate_cancel(c);
    if (notify)
        gen_end(c, LINEGENERATETERM_CANCEL);
    else
        m->gen_active = false;
}

static LONG gen_start(struct ot_callref *r)
{
    struct ot_call *c = r->call;
    gen_cancel(c, true);
    return media_of(c) ? 0 : (LONG)LINEERR_NOMEM;
}

LONG lineGenerateDigits(HCALL hCall, DWORD dwDigitMode, LPCSTR lpszDigits, DWORD dwDuration)
{
    OT_REMOTE(lineGenerateDigits, hCall, dwDigitMode, lpszDigits, dwDuration);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = get_ref(hCall, true, &r);
    if (rc)
        goto out;
    struct ot_call *c = r->call;
    const struct ot_provider *p = c->ld->prov;
    char digits[DIGITS_MAX + 1];
    size_t n = 0;
    if (!lpszDigits) { /* cancels the generation under way, if any */
        gen_cancel(c, true);
        goto out;
    }
    if (!p->generate_digits) {
        rc = LINEERR_OPERATIONUNAVAIL;
        goto out;
    }
    if (!dwDigitMode || (dwDigitMode & (dwDigitMode - 1)) ||
        !(dwDigitMode & p->generate_digit_modes & (LINEDIGITMODE_DTMF | LINEDIGITMODE_PULSE))) {
        rc = LINEERR_INVALDIGITMODE;
        goto out;
    }
    if (!talking(c)) {
        rc = LINEERR_INVALCALLSTATE;
        goto out;
    }
    for (; lpszDigits[n]; n++) {
        if (n == DIGITS_MAX) {
            rc = LINEERR_RESOURCEUNAVAIL; /* more than one request plays */
            goto out;
        }
        char ch = (char)toupper((unsigned char)lpszDigits[n]);
        if (ch != ',' && !digit_ok(ch, dwDigitMode)) {
            rc = LINEERR_INVALDIGITS;
            goto out;
        }
        digits[n] = ch;
    }
    digits[n] = '\0';
    if (!n) {
        rc = LINEERR_INVALDIGITS;
        goto out;
    }
    DWORD ms = !dwDuration ? DIGIT_MS_DEFAULT
                           : dwDuration < DIGIT_MS_MIN ? DIGIT_MS_MIN
                                                       : dwDuration > DIGIT_MS_MAX ? DIGIT_MS_MAX
                                                                                   : dwDuration;
    if ((rc = gen_start(r)))
        goto out;
    rc = p->generate_digits(c, dwDigitMode, digits, ms);
    if (!rc) {
        c->media->gen_active = true;
        c->media->gen_handle = hCall;
    }
out:
    ot_unlock();
    return rc;
}

LONG lineGenerateTone(HCALL hCall, DWORD dwToneMode, DWORD dwDuration, DWORD dwNumTones,
                      LPLINEGENERATETONE const lpTones)
{
    OT_REMOTE(lineGenerateTone, hCall, dwToneMode, dwDuration, dwNumTones, lpTones);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = get_ref(hCall, true, &r);
    if (rc)
        goto out;
    struct ot_call *c = r->call;
    const struct ot_provider *p = c->ld->prov;
    if (!dwToneMode) { /* cancels the generation under way, if any */
        gen_cancel(c, true);
        goto out;
    }
    if (!p->generate_tone) {
        rc = LINEERR_OPERATIONUNAVAIL;
        goto out;
    }
    if ((dwToneMode & (dwToneMode - 1)) || !(dwToneMode & p->generate_tone_modes)) {
        rc = LINEERR_INVALTONEMODE;
        goto out;
    }
    if (!talking(c)) {
        rc = LINEERR_INVALCALLSTATE;
        goto out;
    }
    if (dwToneMode == LINETONEMODE_CUSTOM) {
        if (!lpTones) {
            rc = LINEERR_INVALPOINTER;
            goto out;
        }
        if (!dwNumTones || dwNumTones > p->tone_max_freqs) {
            rc = LINEERR_INVALTONE;
            goto out;
        }
        for (DWORD i = 0; i < dwNumTones; i++)
            if (!lpTones[i].dwFrequency || lpTones[i].dwFrequency > TONE_FREQ_MAX) {
                rc = LINEERR_INVALTONE;
                goto out;
            }
    }
    DWORD ms = dwDuration ? (dwDuration > TONE_MS_MAX ? TONE_MS_MAX : dwDuration)
                          : dwToneMode == LINETONEMODE_BEEP ? 200u : TONE_MS_DEFAULT;
    if ((rc = gen_start(r)))
        goto out;
    rc = p->generate_tone(c, dwToneMode, ms, dwToneMode == LINETONEMODE_CUSTOM ? dwNumTones : 0,
                          dwToneMode == LINETONEMODE_CUSTOM ? lpTones : NULL);
    if (!rc) {
        c->media->gen_active = true;
        c->media->gen_handle = hCall;
    }
out:
    ot_unlock();
    return rc;
}

void ot_ev_call_generate_done(struct ot_call *c, DWORD term)
{
    gen_end(c, term);
}

/* ---- monitoring ---- */
LONG lineMonitorDigits(HCALL hCall, DWORD dwDigitModes)
{
    OT_REMOTE(lineMonitorDigits, hCall, dwDigitModes);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = get_ref(hCall, false, &r);
    if (rc)
        goto out;
    const struct ot_provider *p = r->call->ld->prov;
    if (dwDigitModes && !p->detect_digit_modes)
        rc = LINEERR_OPERATIONUNAVAIL;
    else if (dwDigitModes & ~p->detect_digit_modes)
        rc = LINEERR_INVALDIGITMODE;
    else if (r->call->state == LINECALLSTATE_IDLE)
        rc = LINEERR_INVALCALLSTATE;
    else {
        struct ot_mon *k = mon_of(r, dwDigitModes != 0);
        if (k)
            k->digits = dwDigitModes; /* 0: monitoring ends */
        else if (dwDigitModes)
            rc = LINEERR_NOMEM;
    }
out:
    ot_unlock();
    return rc;
}

/* Are the frequencies of entry e (0 = unused) those of the tone heard? */
static bool tone_match(const LINEMONITORTONE *e, const DWORD freq[3], DWORD duration)
{
    DWORD want[3] = {e->dwFrequency1, e->dwFrequency2, e->dwFrequency3};
    bool used[3] = {false, false, false};
    if (e->dwDuration > duration)
        return false;
    for (int i = 0; i < 3; i++) {
        if (!want[i])
            continue;
        int j;
        for (j = 0; j < 3; j++)
            if (!used[j] && freq[j] == want[i])
                break;
        if (j == 3)
            return false;
        used[j] = true;
    }
    for (int j = 0; j < 3; j++)
        if (freq[j] && !used[j])
            return false;
    return true;
}

LONG lineMonitorTones(HCALL hCall, LPLINEMONITORTONE const lpToneList, DWORD dwNumEntries)
{
    OT_REMOTE(lineMonitorTones, hCall, lpToneList, dwNumEntries);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = get_ref(hCall, false, &r);
    if (rc)
        goto out;
    const struct ot_provider *p = r->call->ld->prov;
    if (!lpToneList) { /* monitoring ends */
        struct ot_mon *k = mon_of(r, false);
        if (k) {
            free(k->tones);
            k->tones = NULL;
            k->ntones = 0;
        }
        goto out;
    }
    if (!p->detects_tones) {
        rc = LINEERR_OPERATIONUNAVAIL;
        goto out;
    }
    if (!dwNumEntries || dwNumEntries > MONITOR_TONES_MAX) {
        rc = LINEERR_INVALTONELIST;
        goto out;
    }
    for (DWORD i = 0; i < dwNumEntries; i++) {
        const LINEMONITORTONE *e = &lpToneList[i];
        DWORD f[3] = {e->dwFrequency1, e->dwFrequency2, e->dwFrequency3};
        unsigned nf = 0;
        for (int k = 0; k < 3; k++) {
            if (f[k] > TONE_FREQ_MAX) {
                rc = LINEERR_INVALTONE;
                goto out;
            }
            nf += f[k] != 0;
        }
        /* silence (no frequency) is not detected; nor more than the provider hears */
        if (!nf || nf > p->tone_max_freqs) {
            rc = LINEERR_INVALTONE;
            goto out;
        }
    }
    if (r->call->state == LINECALLSTATE_IDLE) {
        rc = LINEERR_INVALCALLSTATE;
        goto out;
    }
    struct ot_mon *k = mon_of(r, true);
    LINEMONITORTONE *copy = k ? malloc(dwNumEntries * sizeof(*copy)) : NULL;
    if (!copy) {
        rc = LINEERR_NOMEM;
        goto out;
    }
    memcpy(copy, lpToneList, dwNumEntries * sizeof(*copy));
    free(k->tones);
    k->tones = copy;
    k->ntones = dwNumEntries;
out:
    ot_unlock();
    return rc;
}

LONG lineMonitorMedia(HCALL hCall, DWORD dwMediaModes)
{
    OT_REMOTE(lineMonitorMedia, hCall, dwMediaModes);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = get_ref(hCall, false, &r);
    if (rc)
        goto out;
    if (dwMediaModes && !r->call->ld->prov->media_mode_changed)
        rc = LINEERR_OPERATIONUNAVAIL;
    else if (dwMediaModes & ~(DWORD)MEDIA_MODES)
        rc = LINEERR_INVALMEDIAMODE;
    else if (r->call->state == LINECALLSTATE_IDLE)
        rc = LINEERR_INVALCALLSTATE;
    else {
        struct ot_mon *k = mon_of(r, dwMediaModes != 0);
        if (k)
            k->media = dwMediaModes;
        else if (dwMediaModes)
            rc = LINEERR_NOMEM;
    }
out:
    ot_unlock();
    return rc;
}

void ot_ev_call_tone(struct ot_call *c, const DWORD freq[3], DWORD duration)
{
    if (c->state == LINECALLSTATE_IDLE)
        return;
    struct ot_list *pos, *tmp;
    ot_list_foreach_safe(pos, tmp, &c->refs)
    {
        struct ot_callref *r = ot_container_of(pos, struct ot_callref, call_link);
        const struct ot_mon *k = mon_of(r, false);
        for (DWORD i = 0; k && i < k->ntones; i++)
            if (tone_match(&k->tones[i], freq, duration)) {
                post(r, LINE_MONITORTONE, k->tones[i].dwAppSpecific, 0);
                break;
            }
    }
}

void ot_ev_call_media(struct ot_call *c, DWORD mode)
{
    if (c->state == LINECALLSTATE_IDLE || !mode || (mode & ~(DWORD)MEDIA_MODES))
        return;
    DWORD old = c->media_mode ? c->media_mode : LINEMEDIAMODE_INTERACTIVEVOICE;
    if (old == mode)
        return;
    c->media_mode = mode;
    ot_call_post_callinfo(c, LINECALLINFOSTATE_MEDIAMODE, NULL);
    struct ot_list *pos, *tmp;
    ot_list_foreach_safe(pos, tmp, &c->refs)
    {
        struct ot_callref *r = ot_container_of(pos, struct ot_callref, call_link);
        const struct ot_mon *k = mon_of(r, false);
        if (k && (k->media & mode))
            post(r, LINE_MONITORMEDIA, mode, 0);
    }
}

/* ---- gathering ---- */
static void gather_end(struct ot_call *c, DWORD term)
{
    struct ot_media *m = c->media;
    if (!m || !m->gather_active)
        return;
    m->gather_active = false;
    ot_timer_stop(&m->timer);
    struct ot_callref *r = ot_callref_get(m->gather_handle);
    if (r && r->call == c && !r->open->closing) {
        struct ot_app *a = r->open->app;
        bool delivered = true;
        if (a->server_app) {
            struct ot_gathered *g = malloc(sizeof(*g) + m->len + 1);
            if (g) {
                g->next = NULL;
                g->h = r->handle;
                g->len = m->len;
                memcpy(g->digits, m->buf, m->len);
                struct ot_gathered **pp = &a->gathered;
                while (*pp)
                    pp = &(*pp)->next;
                *pp = g;
            } else {
                delivered = false;
            }
        } else {
            memcpy(m->user, m->buf, m->len);
            if (m->len < m->want)
                m->user[m->len] = '\0';
        }
        if (delivered)
            post(r, LINE_GATHERDIGITS, term, 0);
        else
            ot_logc(OT_CAT_CORE, OTLOG_ERROR, "out of memory: gathered digits of call %u lost",
                    (unsigned)c->call_id);
    }
    free(m->buf);
    m->buf = NULL;
    m->user = NULL;
}

static void gather_timeout(void *arg)
{
    struct ot_media *m = arg;
    gather_end(m->call, m->len ? LINEGATHERTERM_INTERTIMEOUT : LINEGATHERTERM_FIRSTTIMEOUT);
}

/* The common part of the local and the service path (the service passes a
 * marker buffer for a client's, never written: server_app). */
LONG lineGatherDigits(HCALL hCall, DWORD dwDigitModes, LPSTR lpsDigits, DWORD dwNumDigits,
                      LPCSTR lpszTerminationDigits, DWORD dwFirstDigitTimeout,
                      DWORD dwInterDigitTimeout)
{
    if (ot_client_active())
        return ot_client_gather(hCall, dwDigitModes, lpsDigits, dwNumDigits,
                                lpszTerminationDigits, dwFirstDigitTimeout, dwInterDigitTimeout);
    ot_lock();
    struct ot_callref *r = NULL;
    LONG rc = get_ref(hCall, true, &r);
    if (rc)
        goto out;
    struct ot_call *c = r->call;
    const struct ot_provider *p = c->ld->prov;
    if (!lpsDigits) { /* cancels the gathering under way, if any */
        gather_end(c, LINEGATHERTERM_CANCEL);
        goto out;
    }
    if (!p->detect_digit_modes) {
        rc = LINEERR_OPERATIONUNAVAIL;
        goto out;
    }
    if (!dwDigitModes || (dwDigitModes & ~(DWORD)(LINEDIGITMODE_DTMF | LINEDIGITMODE_PULSE)) ||
        (dwDigitModes & ~p->detect_digit_modes)) {
        rc = LINEERR_INVALDIGITMODE;
        goto out;
    }
    if (!dwNumDigits || dwNumDigits > GATHER_MAX) {
        rc = LINEERR_INVALPARAM;
        goto out;
    }
    char term[GATHER_TERM_MAX + 1];
    size_t nt = 0;
    for (; lpszTerminationDigits && lpszTerminationDigits[nt]; nt++) {
        char ch = (char)toupper((unsigned char)lpszTerminationDigits[nt]);
        if (nt == GATHER_TERM_MAX || !digit_ok(ch, dwDigitModes)) {
            rc = LINEERR_INVALDIGITS;
            goto out;
        }
        term[nt] = ch;
    }
    term[nt] = '\0';
    if ((dwFirstDigitTimeout &&
         (dwFirstDigitTimeout < GATHER_TIMEOUT_MIN || dwFirstDigitTimeout > GATHER_TIMEOUT_MAX)) ||
        (dwInterDigitTimeout &&
         (dwInterDigitTimeout < GATHER_TIMEOUT_MIN || dwInterDigitTimeout > GATHER_TIMEOUT_MAX))) {
        rc = LINEERR_INVALTIMEOUT;
        goto out;
    }
    if (c->state == LINECALLSTATE_IDLE) {
        rc = LINEERR_INVALCALLSTATE;
        goto out;
    }
    struct ot_media *m = media_of(c);
    char *buf = m ? malloc(dwNumDigits + 1) : NULL;
    if (!buf) {
        rc = LINEERR_NOMEM;
        goto out;
    }
    gather_end(c, LINEGATHERTERM_CANCEL); /* the one under way, if any */
    m->gather_active = true;
    m->gather_handle = hCall;
    m->gather_modes = dwDigitModes;
    m->want = dwNumDigits;
    m->len = 0;
    m->buf = buf;
    m->user = r->open->app->server_app ? NULL : lpsDigits;
    memcpy(m->term, term, nt + 1);
    m->first_to = dwFirstDigitTimeout;
    m->inter_to = dwInterDigitTimeout;
    if (m->first_to && ot_timer_start(&m->timer, m->first_to)) {
        m->gather_active = false;
        free(m->buf);
        m->buf = NULL;
        rc = LINEERR_NOMEM;
    }
out:
    ot_unlock();
    return rc;
}

void ot_ev_call_digit(struct ot_call *c, char digit, DWORD mode)
{
    /* one mode, and a digit of it (providers report what they parsed) */
    if (c->state == LINECALLSTATE_IDLE || !mode || (mode & (mode - 1)) ||
        !digit_ok(digit, mode))
        return;
    struct ot_list *pos, *tmp;
    ot_list_foreach_safe(pos, tmp, &c->refs)
    {
        struct ot_callref *r = ot_container_of(pos, struct ot_callref, call_link);
        const struct ot_mon *k = mon_of(r, false);
        if (k && (k->digits & mode))
            post(r, LINE_MONITORDIGITS, (DWORD)(unsigned char)digit, mode);
    }
    struct ot_media *m = c->media;
    if (!m || !m->gather_active || !(m->gather_modes & mode))
        return;
    m->buf[m->len++] = digit;
    if (strchr(m->term, digit))
        gather_end(c, LINEGATHERTERM_TERMDIGIT);
    else if (m->len == m->want)
        gather_end(c, LINEGATHERTERM_BUFFERFULL);
    else if (m->inter_to)
        ot_timer_start(&m->timer, m->inter_to); /* re-armed (cannot fail: it was armed or the heap has room) */
    else
        ot_timer_stop(&m->timer);
}

/* ---- the core's hooks ---- */
void ot_media_call_state(struct ot_call *c)
{
    if (!talking(c))
        gen_cancel(c, true);
    if (c->state == LINECALLSTATE_DISCONNECTED || c->state == LINECALLSTATE_IDLE)
        gather_end(c, LINEGATHERTERM_CANCEL);
}

void ot_media_ref_gone(struct ot_callref *r)
{
    struct ot_media *m = r->call->media;
    if (!m)
        return;
    mon_free(m, r->handle);
    if (m->gen_active && m->gen_handle == r->handle)
        gen_cancel(r->call, false);
    if (m->gather_active && m->gather_handle == r->handle) {
        m->gather_active = false;
        ot_timer_stop(&m->timer);
        free(m->buf);
        m->buf = NULL;
        m->user = NULL;
    }
}

void ot_media_call_free(struct ot_call *c)
{
    struct ot_media *m = c->media;
    if (!m)
        return;
    ot_timer_stop(&m->timer);
    free(m->buf);
    while (m->mons)
        mon_free(m, m->mons->handle);
    free(m);
    c->media = NULL;
}

void ot_media_app_free(struct ot_app *a)
{
    while (a->gathered) {
        struct ot_gathered *g = a->gathered;
        a->gathered = g->next;
        free(g);
    }
}

void ot_app_mark_server(HLINEAPP h)
{
    ot_lock();
    struct ot_app *a = ot_app_get(h);
    if (a)
        a->server_app = true;
    ot_unlock();
}

int ot_app_take_gathered(HLINEAPP h, HCALL hc, char *buf, size_t cap)
{
    int n = -1;
    ot_lock();
    struct ot_app *a = ot_app_get(h);
    for (struct ot_gathered **pp = a ? &a->gathered : NULL; pp && *pp; pp = &(*pp)->next)
        if ((*pp)->h == hc) {
            struct ot_gathered *g = *pp;
            n = (int)(g->len < cap ? g->len : cap);
            memcpy(buf, g->digits, (size_t)n);
            *pp = g->next;
            free(g);
            break;
        }
    ot_unlock();
    return n;
}

/* ---- capabilities ---- */
DWORD ot_media_call_features(const struct ot_provider *p)
{
    return (p->generate_digits ? LINECALLFEATURE_GENERATEDIGITS : 0) |
           (p->generate_tone ? LINECALLFEATURE_GENERATETONE : 0) |
           (p->detect_digit_modes ? LINECALLFEATURE_MONITORDIGITS | LINECALLFEATURE_GATHERDIGITS
                                  : 0) |
           (p->detects_tones ? LINECALLFEATURE_MONITORTONES : 0) |
           (p->media_mode_changed ? LINECALLFEATURE_MONITORMEDIA : 0);
}

void ot_media_devcaps(const struct ot_provider *p, LINEDEVCAPS *dc)
{
    dc->dwGenerateDigitModes = p->generate_digits ? p->generate_digit_modes : 0;
    dc->dwMonitorDigitModes = p->detect_digit_modes;
    dc->dwGenerateToneModes = p->generate_tone ? p->generate_tone_modes : 0;
    dc->dwGenerateToneMaxNumFreq = p->generate_tone ? p->tone_max_freqs : 0;
    dc->dwMonitorToneMaxNumFreq = p->detects_tones ? p->tone_max_freqs : 0;
    dc->dwMonitorToneMaxNumEntries = p->detects_tones ? MONITOR_TONES_MAX : 0;
    if (p->detect_digit_modes) {
        dc->dwGatherDigitsMinTimeout = GATHER_TIMEOUT_MIN;
        dc->dwGatherDigitsMaxTimeout = GATHER_TIMEOUT_MAX;
    }
}
