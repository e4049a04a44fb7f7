/* Ringing of offered SIP calls: LINE_LINEDEVSTATE(RINGING) at the offer and
 * every ring_ms (the line's key) on the library clock, as the switch rings its
 * stations, so that an application counting rings (lineSetNumRings /
 * lineGetNumRings) works on SIP lines.  Runs with the core lock held (timer
 * callbacks and NUA events both hold it). */
#include "sipint.h"

/* Still ringing: no final response sent (answer, reject, CANCEL and failures
 * all move the phase on) and the call still offered to the application. */
static bool still_offered(const struct sip_call *sc)
{
    if (sc->phase != PH_OFFERED || !sc->call)
        return false;
    DWORD s = ot_call_state(sc->call);
    return s == LINECALLSTATE_OFFERING || s == LINECALLSTATE_ACCEPTED;
}

static void ring(struct sip_call *sc)
{
    if (!still_offered(sc))
        return;
    ot_ev_linedev_state(sc->line->ld, LINEDEVSTATE_RINGING, 1, sc->rings);
    sc->rings++;
    if (sc->line->ring_ms && ot_timer_start(&sc->ring, sc->line->ring_ms))
        ot_logc(OT_CAT_SIP, OTLOG_ERROR, "out of memory: the ringing of line %u stops",
                (unsigned)sc->line->id);
}

static void ring_fired(void *arg) { ring(arg); }

void sip_ring_init(struct sip_call *sc) { ot_timer_init(&sc->ring, ring_fired, sc); }

void sip_ring_start(struct sip_call *sc)
{
    sc->rings = 0;
    ring(sc);
}

void sip_ring_stop(struct sip_call *sc) { ot_timer_stop(&sc->ring); }
