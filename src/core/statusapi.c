/* Line and address status: the LINE_LINEDEVSTATE and LINE_ADDRESSSTATE
 * messages (each open gets the states it enabled with lineSetStatusMessages,
 * none by default, as on Windows), the call counts behind LINEDEVSTATUS /
 * LINEADDRESSSTATUS, lineSetLineDevStatus, and lineOpen(LINEMAPPER)'s choice
 * of a line.
 *
 * Invariants: ld->n_* count the line's calls by kind and change only through
 * ot_status_call_moved / ot_status_call_gone, so the status structures and
 * the NUMCALLS / INUSE messages always agree; everything runs under the core
 * lock. */
#include <string.h>

#include "ot.h"
#include "rpc.h"

#define OT_MEDIA_MODES                                                                         \
    (LINEMEDIAMODE_INTERACTIVEVOICE | LINEMEDIAMODE_UNKNOWN | LINEMEDIAMODE_AUTOMATEDVOICE)
#define OT_ALL_MEDIA 0x0000FFFEu /* LINEMEDIAMODE_UNKNOWN .. LINEMEDIAMODE_VIDEO */

/* What a call counts as on its line. */
enum kind { K_NONE, K_OFFERING, K_ACTIVE, K_HELD, K_PEND };

static enum kind kind_of(DWORD state, DWORD mode)
{
    switch (state) {
    case 0: /* no state yet */
    case LINECALLSTATE_IDLE:
        return K_NONE;
    case LINECALLSTATE_ONHOLD:
        return K_HELD;
    case LINECALLSTATE_ONHOLDPENDCONF:
    case LINECALLSTATE_ONHOLDPENDTRANSFER:
        return K_PEND;
    case LINECALLSTATE_CONNECTED:
        /* Another station of a shared number talks: not a call of this one. */
        return mode == LINECONNECTEDMODE_INACTIVE ? K_NONE : K_ACTIVE;
    case LINECALLSTATE_OFFERING:
        return K_OFFERING; /* active (dwNumActiveCalls), but the station is not in use */
    default:
        return K_ACTIVE;
    }
}

static DWORD *counter(struct ot_linedev *ld, enum kind k)
{
    switch (k) {
    case K_OFFERING:
        return &ld->n_offering;
    case K_ACTIVE:
        return &ld->n_active;
    case K_HELD:
        return &ld->n_held;
    case K_PEND:
        return &ld->n_pend;
    default:
        return NULL;
    }
}

/* Whether the station of this line device takes part in a call. */
static DWORD own_use(const struct ot_linedev *ld)
{
    return ld->n_active + ld->n_held + ld->n_pend ? 1 : 0;
}

static bool is_shared(const struct ot_linedev *ld)
{
    return ld->conf.sharing != LINEADDRESSSHARING_PRIVATE || ld->conf.party_line;
}

/* Another station (line device) of the same shared address. */
static bool sibling(const struct ot_linedev *ld, const struct ot_linedev *x)
{
    return x && x != ld && is_shared(x) && x->prov == ld->prov &&
           !strcmp(x->conf.number, ld->conf.number);
}

/* LINEADDRESSSTATUS.dwNumInUse: the stations using the address -- this
 * one, and on a shared address (bridged, party line) the others of its
 * number (O(lines), only for shared addresses). */
static DWORD num_in_use(const struct ot_linedev *ld)
{
    DWORD n = own_use(ld);
    if (is_shared(ld))
        for (DWORD i = 0; i < ot_g.nlines; i++)
            if (sibling(ld, ot_g.lines[i]))
                n += own_use(ot_g.lines[i]);
    return n;
}

void ot_linedev_counts(const struct ot_linedev *ld, DWORD *active, DWORD *held, DWORD *pend,
                       DWORD *inuse)
{
    *active = ld->n_active + ld->n_offering;
    *held = ld->n_held;
    *pend = ld->n_pend;
    *inuse = num_in_use(ld);
}

static DWORD inuse_state(DWORD n)
{
    return n == 0   ? LINEADDRESSSTATE_INUSEZERO
           : n == 1 ? LINEADDRESSSTATE_INUSEONE
                    : LINEADDRESSSTATE_INUSEMANY;
}

/* The address's use changed: INUSEZERO / INUSEONE / INUSEMANY, once per change. */
static DWORD inuse_changed(struct ot_linedev *ld)
{
    DWORD n = num_in_use(ld);
    if (n == ld->inuse_last)
        return 0;
    ld->inuse_last = n;
    return inuse_state(n);
}

/* ---- posting ---- */
void ot_ev_linedev_state(struct ot_linedev *ld, DWORD state, DWORD p2, DWORD p3)
{
    struct ot_list *pos;
    for (pos = ld->opens.next; pos != &ld->opens; pos = pos->next) {
        struct ot_open *o = ot_container_of(pos, struct ot_open, ld_link);
        /* REINIT cannot be disabled (Microsoft); the rest only as enabled. */
        DWORD m = state & (o->line_states | LINEDEVSTATE_REINIT);
        if (m && !o->closing)
            ot_app_post(o->app, o->handle, LINE_LINEDEVSTATE, o->instance, m, p2, p3);
    }
}

void ot_ev_address_state(struct ot_linedev *ld, DWORD address_id, DWORD state)
{
    struct ot_list *pos;
    for (pos = ld->opens.next; pos != &ld->opens; pos = pos->next) {
        struct ot_open *o = ot_container_of(pos, struct ot_open, ld_link);
        DWORD m = state & o->address_states;
        if (m && !o->closing)
            ot_app_post(o->app, o->handle, LINE_ADDRESSSTATE, o->instance, address_id, m, 0);
    }
}

void ot_ev_line_link(struct ot_linedev *ld, bool up)
{
    DWORD st = 0;
    if (ld->disconnected == up)
        st |= up ? LINEDEVSTATE_CONNECTED : LINEDEVSTATE_DISCONNECTED;
    if (ld->out_of_service == up)
        st |= up ? LINEDEVSTATE_INSERVICE : LINEDEVSTATE_OUTOFSERVICE;
    ld->disconnected = !up;
    ld->out_of_service = !up;
    if (st)
        ot_ev_linedev_state(ld, st, 0, 0);
}

void ot_status_open_changed(struct ot_open *o, DWORD state)
{
    /* "The line has been opened / closed by another application." */
    struct ot_list *pos;
    for (pos = o->ld->opens.next; pos != &o->ld->opens; pos = pos->next) {
        struct ot_open *x = ot_container_of(pos, struct ot_open, ld_link);
        if (x->app != o->app && !x->closing && (x->line_states & state))
            ot_app_post(x->app, x->handle, LINE_LINEDEVSTATE, x->instance, state, 0, 0);
    }
}

static void moved(struct ot_linedev *ld, DWORD address_id, enum kind from, enum kind to)
{
    if (from == to)
        return;
    DWORD a0 = ld->n_active + ld->n_offering, h0 = ld->n_held, p0 = ld->n_pend;
    DWORD own0 = own_use(ld);
    DWORD *f = counter(ld, from), *t = counter(ld, to);
    if (f) {
        if (!*f) {
            ot_logc(OT_CAT_CORE, OTLOG_ERROR, "line %u: call counts out of step",
                    (unsigned)ld->id);
            return;
        }
        (*f)--;
    }
    if (t)
        (*t)++;
    bool num = a0 != ld->n_active + ld->n_offering || h0 != ld->n_held || p0 != ld->n_pend;
    DWORD as = (num ? LINEADDRESSSTATE_NUMCALLS : 0) | inuse_changed(ld);
    if (as)
        ot_ev_address_state(ld, address_id, as);
    if (num)
        ot_ev_linedev_state(ld, LINEDEVSTATE_NUMCALLS, 0, 0);
    /* The other stations of a shared address see it used by one more or less. */
    if (own0 != own_use(ld) && is_shared(ld))
        for (DWORD i = 0; i < ot_g.nlines; i++) {
            struct ot_linedev *x = ot_g.lines[i];
            DWORD st = sibling(ld, x) ? inuse_changed(x) : 0;
            if (st)
                ot_ev_address_state(x, 0, st);
        }
}

void ot_status_call_moved(struct ot_call *c, DWORD old_state, DWORD old_mode)
{
    moved(c->ld, c->address_id, kind_of(old_state, old_mode), kind_of(c->state, c->mode));
}

void ot_status_call_gone(struct ot_call *c)
{
    moved(c->ld, c->address_id, kind_of(c->state, c->mode), K_NONE);
}

/* ---- what a line reports ---- */
void ot_linedev_add_address_states(struct ot_linedev *ld, DWORD states)
{
    ld->extra_address_states |= states;
}

void ot_linedev_set_settable_status(struct ot_linedev *ld, DWORD flags)
{
    /* Only the flags whose change has a message of its own. */
    ld->settable_status = flags & (LINEDEVSTATUSFLAGS_MSGWAIT | LINEDEVSTATUSFLAGS_LOCKED);
}

DWORD ot_linedev_line_states(const struct ot_linedev *ld)
{
    return LINEDEVSTATE_OPEN | LINEDEVSTATE_CLOSE | LINEDEVSTATE_NUMCALLS | LINEDEVSTATE_REINIT |
           ld->extra_line_states |
           (ld->settable_status & LINEDEVSTATUSFLAGS_MSGWAIT
                ? LINEDEVSTATE_MSGWAITON | LINEDEVSTATE_MSGWAITOFF
                : 0) |
           (ld->settable_status & LINEDEVSTATUSFLAGS_LOCKED ? LINEDEVSTATE_LOCK : 0);
}

DWORD ot_linedev_address_states(const struct ot_linedev *ld)
{
    return LINEADDRESSSTATE_INUSEZERO | LINEADDRESSSTATE_INUSEONE | LINEADDRESSSTATE_INUSEMANY |
           LINEADDRESSSTATE_NUMCALLS | ld->extra_address_states;
}

/* ---- lineSetLineDevStatus: asynchronous; the flags the line's provider
 * lets applications set (LINEDEVCAPS.dwSettableDevStatus), others
 * LINEERR_INVALPARAM.  Each change goes to every open that enabled its state
 * (the requester's too, as Windows' TAPI sends it), then the LINE_REPLY. ---- */
LONG lineSetLineDevStatus(HLINE hLine, DWORD dwStatusToChange, DWORD fStatus)
{
    OT_REMOTE(lineSetLineDevStatus, hLine, dwStatusToChange, fStatus);
    ot_lock();
    LONG rc = ot_check_started();
    struct ot_open *o = rc ? NULL : ot_open_get(hLine);
    if (!rc && !o)
        rc = LINEERR_INVALLINEHANDLE;
    else if (!rc && (!dwStatusToChange || (dwStatusToChange & ~o->ld->settable_status)))
        rc = LINEERR_INVALPARAM;
    if (!rc) {
        struct ot_req *q = ot_req_new(o, OT_REQ_GENERIC);
        if (!q) {
            rc = LINEERR_NOMEM;
            goto out;
        }
        rc = q->id;
        struct ot_linedev *ld = o->ld;
        DWORD before = ld->dev_status;
        if (fStatus)
            ld->dev_status |= dwStatusToChange;
        else
            ld->dev_status &= ~dwStatusToChange;
        DWORD diff = before ^ ld->dev_status, st = 0;
        if (diff & LINEDEVSTATUSFLAGS_MSGWAIT)
            st |= ld->dev_status & LINEDEVSTATUSFLAGS_MSGWAIT ? LINEDEVSTATE_MSGWAITON
                                                              : LINEDEVSTATE_MSGWAITOFF;
        if (diff & LINEDEVSTATUSFLAGS_LOCKED)
            st |= LINEDEVSTATE_LOCK;
        if (st)
            ot_ev_linedev_state(ld, st, 0, 0);
        ot_req_complete(q, 0);
    }
out:
    ot_unlock();
    return rc;
}

/* ---- LINEMAPPER ---- */
static bool line_fits(const struct ot_linedev *ld, DWORD media, const LINECALLPARAMS *p)
{
    if (ld->out_of_service || (media & ~(DWORD)OT_MEDIA_MODES))
        return false;
    if (!p)
        return true;
    if (p->dwBearerMode && p->dwBearerMode != LINEBEARERMODE_VOICE &&
        p->dwBearerMode != LINEBEARERMODE_SPEECH)
        return false;
    if (p->dwMinRate != 0) /* no data rate (LINEDEVCAPS.dwMaxRate 0) */
        return false;
    if (p->dwMediaMode & ~(DWORD)OT_MEDIA_MODES)
        return false;
    if (p->dwAddressMode == LINEADDRESSMODE_DIALABLEADDR) {
        /* the offset is checked (ot_line_mapper) only when there is a size */
        size_t n = p->dwOrigAddressSize ? strnlen((const char *)p + p->dwOrigAddressOffset,
                                                  p->dwOrigAddressSize)
                                        : 0;
        const char *a = n ? (const char *)p + p->dwOrigAddressOffset : "";
        return n == strlen(ld->conf.number) && !memcmp(a, ld->conf.number, n);
    }
    return p->dwAddressID == 0; /* one address per line */
}

LONG ot_line_mapper(DWORD media, const LINECALLPARAMS *p, const DWORD *devs, DWORD n,
                    DWORD *dev)
{
    if (media & ~(DWORD)OT_ALL_MEDIA)
        return LINEERR_INVALMEDIAMODE;
    if (p) {
        if (p->dwTotalSize < offsetof(LINECALLPARAMS, dwPredictiveAutoTransferStates))
            return LINEERR_STRUCTURETOOSMALL;
        if (p->dwMediaMode & ~(DWORD)OT_ALL_MEDIA)
            return LINEERR_INVALMEDIAMODE;
        if (p->dwAddressMode != 0 && p->dwAddressMode != LINEADDRESSMODE_ADDRESSID &&
            p->dwAddressMode != LINEADDRESSMODE_DIALABLEADDR)
            return LINEERR_INVALADDRESSMODE;
        if (p->dwOrigAddressSize &&
            (p->dwOrigAddressOffset < offsetof(LINECALLPARAMS, dwPredictiveAutoTransferStates) ||
             (uint64_t)p->dwOrigAddressOffset + p->dwOrigAddressSize > p->dwTotalSize))
            return LINEERR_INVALCALLPARAMS;
    }
    DWORD count = devs ? n : ot_g.nlines;
    for (DWORD i = 0; i < count; i++) {
        DWORD id = devs ? devs[i] : i;
        const struct ot_linedev *ld = ot_linedev_get(id);
        if (ld && line_fits(ld, media, p)) {
            *dev = id;
            return 0;
        }
    }
    return LINEERR_LINEMAPPERFAILED;
}
