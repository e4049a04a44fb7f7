/* The embedded switch's digits, tones and media modes between connected
 * stations.  A generation plays on the core's clock: each digit sounds for
 * the requested duration and is followed by a pause as long (',' is a pause
 * of both), so n digits take 2 x n x duration; the far station's appearances
 * that are talking hear the digit when it starts (LINEDIGITMODE_DTMF or
 * _PULSE) and, for DTMF, its end (_DTMFEND).  A tone is heard by the far
 * station when it has sounded its whole duration, with its frequencies: BEEP
 * 1000 Hz, BUSY 480+620 Hz, RINGBACK 440+480 Hz, CUSTOM those of the
 * LINEGENERATETONE list (up to 3).  Then the generating call's provider reports the end
 * (LINEGENERATETERM_DONE).  lineSetMediaMode on one station's call sets the
 * far station's call to that media mode (LINE_MONITORMEDIA there). */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

struct sim_gen {
    struct ot_timer timer;
    struct sim_app *a;
    DWORD mode;     /* LINEDIGITMODE_ (digits), 0 for a tone */
    DWORD ms;
    DWORD freq[3];  /* a tone */
    unsigned idx, n;
    bool on;        /* the current digit sounds */
    char digits[];
};

void sim_gen_stop(struct sim_app *a)
{
    if (!a->gen)
        return;
    ot_timer_stop(&a->gen->timer);
    free(a->gen);
    a->gen = NULL;
}

/* The far station's appearances that take part in the call. */
static void to_far(struct sim_app *a, char digit, DWORD mode, const DWORD *freq, DWORD ms)
{
    if (!a->end)
        return;
    struct sim_end *far = sim_other_end(a->end);
    struct ot_list *pos, *tmp;
    FOREACH_APP(pos, tmp, far)
    {
        struct sim_app *b = APP_OF(pos);
        if (!b->active || !b->call || ot_call_state(b->call) != LINECALLSTATE_CONNECTED)
            continue;
        if (freq)
            ot_ev_call_tone(b->call, freq, ms);
        else
            ot_ev_call_digit(b->call, digit, mode);
    }
}

static void gen_done(struct sim_app *a)
{
    struct ot_call *call = a->call;
    sim_gen_stop(a);
    if (call)
        ot_ev_call_generate_done(call, LINEGENERATETERM_DONE);
}

static void gen_step(void *arg)
{
    struct sim_gen *g = arg;
    struct sim_app *a = g->a;
    if (!g->mode) { /* a tone has sounded */
        DWORD freq[3], ms = g->ms;
        memcpy(freq, g->freq, sizeof(freq));
        sim_conn_hold(a->end->conn);
        struct sim_conn *conn = a->end->conn;
        to_far(a, 0, 0, freq, ms);
        sim_conn_release(conn);
        gen_done(a);
        return;
    }
    if (g->on) { /* the digit ends, the pause begins */
        char d = g->digits[g->idx];
        g->on = false;
        g->idx++;
        if (ot_timer_start(&g->timer, g->ms)) {
            gen_done(a); /* out of memory: the rest is not played */
            return;
        }
        if (d != ',' && g->mode == LINEDIGITMODE_DTMF)
            to_far(a, d, LINEDIGITMODE_DTMFEND, NULL, 0);
        return;
    }
    if (g->idx == g->n) {
        gen_done(a);
        return;
    }
    char d = g->digits[g->idx];
    g->on = true;
    if (ot_timer_start(&g->timer, g->ms)) {
        gen_done(a);
        return;
    }
    if (d != ',')
        to_far(a, d, g->mode, NULL, 0);
}

static struct sim_app *talking_app(struct ot_call *call)
{
    struct sim_app *a = ot_call_drv(call);
    return a && a->end && a->end->conn->phase == PH_CONNECTED && a->active ? a : NULL;
}

static struct sim_gen *gen_new(struct sim_app *a, const char *digits, DWORD mode, DWORD ms)
{
    size_t n = digits ? strlen(digits) : 0;
    struct sim_gen *g = calloc(1, sizeof(*g) + n + 1);
    if (!g)
        return NULL;
    ot_timer_init(&g->timer, gen_step, g);
    g->a = a;
    g->mode = mode;
    g->ms = ms;
    g->n = (unsigned)n;
    if (n)
        memcpy(g->digits, digits, n + 1);
    sim_gen_stop(a);
    a->gen = g;
    return g;
}

LONG sim_generate_digits(struct ot_call *call, DWORD mode, const char *digits, DWORD ms)
{
    struct sim_app *a = talking_app(call);
    if (!a)
        return LINEERR_INVALCALLSTATE;
    struct sim_gen *g = gen_new(a, digits, mode, ms);
    if (!g)
        return LINEERR_NOMEM;
    /* The first digit starts now: its far station hears it before the
     * function returns. */
    sim_conn_hold(a->end->conn);
    struct sim_conn *conn = a->end->conn;
    gen_step(g);
    sim_conn_release(conn);
    return 0;
}

LONG sim_generate_tone(struct ot_call *call, DWORD mode, DWORD ms, DWORD ntones,
                       const LINEGENERATETONE *tones)
{
    struct sim_app *a = talking_app(call);
    if (!a)
        return LINEERR_INVALCALLSTATE;
    DWORD freq[3] = {0, 0, 0};
    switch (mode) {
    case LINETONEMODE_BEEP:
        freq[0] = 1000;
        break;
    case LINETONEMODE_BUSY:
        freq[0] = 480, freq[1] = 620;
        break;
    case LINETONEMODE_RINGBACK:
        freq[0] = 440, freq[1] = 480;
        break;
    default: /* CUSTOM: the core checked the list (1..3 frequencies) */
        for (DWORD i = 0; i < ntones && i < 3; i++)
            freq[i] = tones[i].dwFrequency;
        break;
    }
    struct sim_gen *g = gen_new(a, NULL, 0, ms);
    if (!g)
        return LINEERR_NOMEM;
    memcpy(g->freq, freq, sizeof(freq));
    if (ot_timer_start(&g->timer, ms)) {
        sim_gen_stop(a);
        return LINEERR_NOMEM;
    }
    return 0;
}

void sim_generate_cancel(struct ot_call *call)
{
    struct sim_app *a = ot_call_drv(call);
    if (a)
        sim_gen_stop(a);
}

void sim_media_mode_changed(struct ot_call *call, DWORD mode)
{
    struct sim_app *a = talking_app(call);
    if (!a)
        return;
    struct sim_end *far = sim_other_end(a->end);
    struct ot_list *pos, *tmp;
    FOREACH_APP(pos, tmp, far)
    {
        struct sim_app *b = APP_OF(pos);
        if (b->call)
            ot_ev_call_media(b->call, mode);
    }
}
