/* DTMF on SIP lines as SIP INFO (docs/sip.md).  opentapi's SIP lines carry
 * no media, so RTP telephone-events (RFC 4733) are out of reach; the digits
 * travel as INFO requests in the dialog:
 *  - lineGenerateDigits sends one INFO per digit, Content-Type
 *    application/dtmf-relay, body "Signal=5\r\nDuration=160\r\n", the next one
 *    after the previous one's 2xx; a ',' waits twice the digit duration on
 *    the library clock.  The end is LINE_GENERATE(DONE); a failure response
 *    or the dialog ending first gives LINE_GENERATE(CANCEL).
 *  - a received INFO with application/dtmf-relay (Signal=, Duration= lines,
 *    keys in any case; a Signal of 10 is '*', 11 is '#') or application/dtmf
 *    (the digit alone) is the digit event (LINEDIGITMODE_DTMF, then
 *    LINEDIGITMODE_DTMFEND): LINE_MONITORDIGITS and lineGatherDigits.  NUA
 *    answers every INFO 200 OK; one whose body does not parse is ignored
 *    and counted (ot_sip_counters.dtmf_malformed). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sipint.h"

#define DTMF_BODY_MAX 1024u

struct sip_gen {
    struct sip_call *sc;
    struct ot_timer pause; /* a ',' */
    DWORD ms;
    unsigned idx, n;
    char digits[];
};

void sip_gen_free(struct sip_call *sc)
{
    if (!sc->gen)
        return;
    ot_timer_stop(&sc->gen->pause);
    free(sc->gen);
    sc->gen = NULL;
}

static void gen_end(struct sip_call *sc, DWORD term)
{
    sip_gen_free(sc);
    if (sc->call)
        ot_ev_call_generate_done(sc->call, term);
}

/* The next digit of the generation: an INFO, a pause, or the end. */
static void send_next(struct sip_call *sc)
{
    struct sip_gen *g = sc->gen;
    if (g->idx == g->n) {
        gen_end(sc, LINEGENERATETERM_DONE);
        return;
    }
    char d = g->digits[g->idx++];
    if (d == ',') {
        if (ot_timer_start(&g->pause, 2u * g->ms))
            gen_end(sc, LINEGENERATETERM_CANCEL);
        return;
    }
    struct sip_pending *p = calloc(1, sizeof(*p));
    if (!p || !sc->nh || sc->phase != PH_CONFIRMED) {
        free(p);
        gen_end(sc, LINEGENERATETERM_CANCEL);
        return;
    }
    char body[64];
    snprintf(body, sizeof(body), "Signal=%c\r\nDuration=%u\r\n", d, (unsigned)g->ms);
    nua_info(sc->nh, SIPTAG_CONTENT_TYPE_STR("application/dtmf-relay"), SIPTAG_PAYLOAD_STR(body),
             TAG_END());
    ot_list_add_tail(&sc->infos, &p->link); /* p->req NULL: ours */
}

static void pause_over(void *arg)
{
    struct sip_gen *g = arg;
    send_next(g->sc);
}

void sip_dtmf_response(struct sip_call *sc, int status)
{
    if (!sc->gen)
        return; /* cancelled meanwhile: the response is only consumed */
    if (status >= 300)
        gen_end(sc, LINEGENERATETERM_CANCEL);
    else
        send_next(sc);
}

LONG sip_generate_digits(struct ot_call *c, DWORD mode, const char *digits, DWORD duration)
{
    struct sip_call *sc = ot_call_drv(c);
    (void)mode; /* DTMF: the only mode the provider announces */
    if (!sc || sc->phase != PH_CONFIRMED || !sc->nh)
        return LINEERR_INVALCALLSTATE;
    size_t n = strlen(digits);
    struct sip_gen *g = calloc(1, sizeof(*g) + n + 1);
    if (!g)
        return LINEERR_NOMEM;
    g->sc = sc;
    g->ms = duration;
    g->n = (unsigned)n;
    memcpy(g->digits, digits, n + 1);
    ot_timer_init(&g->pause, pause_over, g);
    sip_gen_free(sc); /* the core cancelled the previous one */
    sc->gen = g;
    send_next(sc);
    return 0;
}

void sip_generate_cancel(struct ot_call *c)
{
    struct sip_call *sc = ot_call_drv(c);
    if (sc)
        sip_gen_free(sc); /* an INFO still out is only consumed when answered */
}

/* ---- receiving ---- */
bool sip_info_is_dtmf(const sip_t *sip)
{
    const sip_content_type_t *ct = sip ? sip->sip_content_type : NULL;
    if (!ct || !ct->c_type)
        return false;
    return !strcasecmp(ct->c_type, "application/dtmf-relay") ||
           !strcasecmp(ct->c_type, "application/dtmf");
}

static bool is_digit_char(char c)
{
    return (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D');
}

/* Trims [*b, *e) of blanks. */
static void trim(const char **b, const char **e)
{
    while (*b < *e && (**b == ' ' || **b == '\t'))
        (*b)++;
    while (*e > *b && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
        (*e)--;
}

/* The digit of a Signal value, or 0. */
static char signal_digit(const char *b, const char *e)
{
    size_t n = (size_t)(e - b);
    if (n == 1) {
        char c = (char)toupper((unsigned char)*b);
        return is_digit_char(c) ? c : 0;
    }
    if (n == 2 && b[0] == '1' && (b[1] == '0' || b[1] == '1'))
        return b[1] == '0' ? '*' : '#'; /* RFC 4733 event numbers 10, 11 */
    return 0;
}

static bool all_digits(const char *b, const char *e)
{
    if (b == e || e - b > 9)
        return false;
    for (; b < e; b++)
        if (!isdigit((unsigned char)*b))
            return false;
    return true;
}

/* application/dtmf-relay: "Signal=d" and optionally "Duration=ms" lines. */
static char parse_relay(const char *p, size_t len)
{
    const char *end = p + len;
    char digit = 0;
    bool have_signal = false, have_duration = false;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *le = eol ? eol : end;
        const char *lb = p;
        p = eol ? eol + 1 : end;
        if (le > lb && le[-1] == '\r')
            le--;
        trim(&lb, &le);
        if (lb == le)
            continue;
        const char *eq = memchr(lb, '=', (size_t)(le - lb));
        if (!eq)
            return 0;
        const char *kb = lb, *ke = eq, *vb = eq + 1, *ve = le;
        trim(&kb, &ke);
        trim(&vb, &ve);
        size_t kn = (size_t)(ke - kb);
        if (kn == 6 && !strncasecmp(kb, "Signal", 6)) {
            if (have_signal || !(digit = signal_digit(vb, ve)))
                return 0;
            have_signal = true;
        } else if (kn == 8 && !strncasecmp(kb, "Duration", 8)) {
            if (have_duration || !all_digits(vb, ve))
                return 0;
            have_duration = true;
        } /* other keys: ignored */
    }
    return have_signal ? digit : 0;
}

/* application/dtmf: the digit alone (blanks and line ends around it). */
static char parse_plain(const char *p, size_t len)
{
    const char *b = p, *e = p + len;
    while (b < e && isspace((unsigned char)*b))
        b++;
    while (e > b && isspace((unsigned char)e[-1]))
        e--;
    return signal_digit(b, e);
}

bool sip_dtmf_received(struct sip_call *sc, const sip_t *sip)
{
    const sip_payload_t *pl = sip->sip_payload;
    if (!pl || !pl->pl_data || !pl->pl_len || pl->pl_len > DTMF_BODY_MAX) {
        ot_logc(OT_CAT_SIP, OTLOG_INFO, "call %u: DTMF INFO without a usable body ignored",
                (unsigned)ot_call_id(sc->call));
        return false;
    }
    bool relay = !strcasecmp(sip->sip_content_type->c_type, "application/dtmf-relay");
    char d = relay ? parse_relay(pl->pl_data, pl->pl_len) : parse_plain(pl->pl_data, pl->pl_len);
    if (!d) {
        ot_logc(OT_CAT_SIP, OTLOG_INFO, "call %u: malformed DTMF INFO body ignored",
                (unsigned)ot_call_id(sc->call));
        return false;
    }
    ot_ev_call_digit(sc->call, d, LINEDIGITMODE_DTMF);
    ot_ev_call_digit(sc->call, d, LINEDIGITMODE_DTMFEND);
    return true;
}
