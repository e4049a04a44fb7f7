/* Forwarding (lineForward): the core keeps each address's forward list; the
 * provider of the line asks ot_linedev_forward_dest() when a call arrives or
 * rings unanswered, and routes the call there.  LINEADDRESSCAPS.dwForwardModes
 * is the provider's forward_modes (0: lineForward is LINEERR_OPERATIONUNAVAIL
 * on its lines).
 *
 * Invariants: every function here runs with the core lock held; a line's list
 * is replaced whole (lineForward sets the complete list, NULL cancels it). */
#include <stdlib.h>
#include <string.h>

#include "ot.h"
#include "rpc.h"

struct ot_fwd_entry {
    DWORD mode;   /* one LINEFORWARDMODE_ bit */
    char *caller; /* SPECIFIC modes: the caller it applies to */
    char *dest;
};

struct ot_fwd_state {
    DWORD num_rings; /* dwNumRingsNoAnswer */
    unsigned n;
    struct ot_fwd_entry e[];
};

static void fwd_state_free(struct ot_fwd_state *s)
{
    if (!s)
        return;
    for (unsigned i = 0; i < s->n; i++) {
        free(s->e[i].caller);
        free(s->e[i].dest);
    }
    free(s);
}

void ot_linedev_forward_free(struct ot_linedev *ld)
{
    fwd_state_free(ld->fwd);
    ld->fwd = NULL;
}

/* A caller whose number is a line of this configuration is internal. */
static bool caller_internal(const char *caller)
{
    if (!caller || !*caller)
        return false;
    for (DWORD i = 0; i < ot_g.nlines; i++)
        if (ot_g.lines[i]->conf.number[0] && !strcmp(ot_g.lines[i]->conf.number, caller))
            return true;
    return false;
}

/* How well entry mode m matches condition (one of UNCOND, BUSY, NOANSW) for
 * this caller: 0 no, 1 general, 2 internal/external, 3 specific. */
static int match_rank(const struct ot_fwd_entry *e, DWORD condition, const char *caller,
                      bool internal)
{
    DWORD base; /* the four variants of a condition are base << 0..3 */
    DWORD m = e->mode;
    if (condition == LINEFORWARDMODE_UNCOND)
        base = LINEFORWARDMODE_UNCOND;
    else if (condition == LINEFORWARDMODE_BUSY)
        base = (m & 0xF000u) ? LINEFORWARDMODE_BUSYNA : LINEFORWARDMODE_BUSY;
    else if (condition == LINEFORWARDMODE_NOANSW)
        base = (m & 0xF000u) ? LINEFORWARDMODE_BUSYNA : LINEFORWARDMODE_NOANSW;
    else
        return 0;
    if (m == base)
        return 1;
    if (m == base << 1)
        return internal ? 2 : 0;
    if (m == base << 2)
        return internal ? 0 : 2;
    if (m == base << 3)
        return caller && e->caller && !strcmp(caller, e->caller) ? 3 : 0;
    return 0;
}

bool ot_linedev_forward_dest(struct ot_linedev *ld, DWORD address_id, DWORD condition,
                             const char *caller, char *dest, size_t destlen, DWORD *num_rings)
{
    const struct ot_fwd_state *s = ld ? ld->fwd : NULL;
    if (!s || address_id != 0)
        return false;
    bool internal = caller_internal(caller);
    const struct ot_fwd_entry *best = NULL;
    int best_rank = 0;
    for (unsigned i = 0; i < s->n; i++) {
        int rank = match_rank(&s->e[i], condition, caller, internal);
        if (rank > best_rank)
            best = &s->e[i], best_rank = rank;
    }
    if (!best)
        return false;
    if (dest && destlen) {
        size_t n = strlen(best->dest);
        if (n >= destlen)
            n = destlen - 1;
        memcpy(dest, best->dest, n);
        dest[n] = '\0';
    }
    if (num_rings)
        *num_rings = s->num_rings;
    return true;
}

/* ---- lineForward ---- */
#define FWD_MAX_ENTRIES 64u
#define FWD_ADDR_MAX 256u
#define OT_FWD_MAX_RINGS 99u /* LINEADDRESSCAPS.dwMaxFwdNumRings */

#define FWD_ALL_MODES 0xFFFFu /* UNCOND .. BUSYNASPECIFIC */
#define FWD_SPECIFIC_MODES                                                                     \
    (LINEFORWARDMODE_UNCONDSPECIFIC | LINEFORWARDMODE_BUSYSPECIFIC |                           \
     LINEFORWARDMODE_NOANSWSPECIFIC | LINEFORWARDMODE_BUSYNASPECIFIC)

/* An address inside the list: size bytes at offset, within total, the NUL
 * counted if present; no control characters.  *out: a copy. */
static LONG fwd_addr(const LINEFORWARDLIST *fl, DWORD size, DWORD offset, char **out)
{
    *out = NULL;
    if (!size)
        return LINEERR_INVALADDRESS;
    if ((uint64_t)offset + size > fl->dwTotalSize ||
        offset < offsetof(LINEFORWARDLIST, ForwardList))
        return LINEERR_INVALPARAM;
    const char *p = (const char *)fl + offset;
    DWORD n = size;
    if (p[n - 1] == '\0')
        n--;
    if (!n || n > FWD_ADDR_MAX)
        return LINEERR_INVALADDRESS;
    for (DWORD i = 0; i < n; i++)
        if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
            return LINEERR_INVALADDRESS;
    char *s = malloc(n + 1);
    if (!s)
        return LINEERR_NOMEM;
    memcpy(s, p, n);
    s[n] = '\0';
    *out = s;
    return 0;
}

/* The list as the core keeps it; NULL list or no entries: *out NULL (cancel). */
static LONG fwd_parse(const LINEFORWARDLIST *fl, DWORD supported, DWORD num_rings,
                      struct ot_fwd_state **out)
{
    *out = NULL;
    if (!fl)
        return 0;
    if (fl->dwTotalSize < offsetof(LINEFORWARDLIST, ForwardList))
        return LINEERR_STRUCTURETOOSMALL;
    if (fl->dwNumEntries > FWD_MAX_ENTRIES ||
        offsetof(LINEFORWARDLIST, ForwardList) + (uint64_t)fl->dwNumEntries * sizeof(LINEFORWARD) >
            fl->dwTotalSize)
        return LINEERR_INVALPARAM;
    if (!fl->dwNumEntries)
        return 0;
    struct ot_fwd_state *s =
        calloc(1, sizeof(*s) + fl->dwNumEntries * sizeof(struct ot_fwd_entry));
    if (!s)
        return LINEERR_NOMEM;
    s->num_rings = num_rings;
    DWORD seen = 0;
    LONG rc = 0;
    for (DWORD i = 0; i < fl->dwNumEntries && !rc; i++) {
        LINEFORWARD e;
        memcpy(&e, (const unsigned char *)fl + offsetof(LINEFORWARDLIST, ForwardList) +
                       i * sizeof(LINEFORWARD),
               sizeof(e));
        /* one known mode per entry, each mode once */
        if (!e.dwForwardMode || (e.dwForwardMode & (e.dwForwardMode - 1)) ||
            !(e.dwForwardMode & FWD_ALL_MODES) || (seen & e.dwForwardMode)) {
            rc = LINEERR_INVALPARAM;
            break;
        }
        if (!(e.dwForwardMode & supported)) {
            rc = LINEERR_OPERATIONUNAVAIL;
            break;
        }
        seen |= e.dwForwardMode;
        struct ot_fwd_entry *d = &s->e[s->n++];
        d->mode = e.dwForwardMode;
        rc = fwd_addr(fl, e.dwDestAddressSize, e.dwDestAddressOffset, &d->dest);
        if (!rc && (e.dwForwardMode & FWD_SPECIFIC_MODES))
            rc = fwd_addr(fl, e.dwCallerAddressSize, e.dwCallerAddressOffset, &d->caller);
    }
    if (rc) {
        fwd_state_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

LONG lineForward(HLINE hLine, DWORD bAllAddresses, DWORD dwAddressID,
                 LPLINEFORWARDLIST const lpForwardList, DWORD dwNumRingsNoAnswer,
                 LPHCALL lphConsultCall, LPLINECALLPARAMS const lpCallParams)
{
    OT_REMOTE(lineForward, hLine, bAllAddresses, dwAddressID, lpForwardList, dwNumRingsNoAnswer,
              lphConsultCall, lpCallParams);
    ot_lock();
    LONG rc = ot_check_started();
    struct ot_open *o = rc ? NULL : ot_open_get(hLine);
    struct ot_fwd_state *s = NULL;
    if (!rc && !o)
        rc = LINEERR_INVALLINEHANDLE;
    if (rc)
        goto out;
    if (!bAllAddresses && dwAddressID != 0) { /* one address per line */
        rc = LINEERR_INVALADDRESSID;
        goto out;
    }
    DWORD supported = ot_prov_forward_modes(o->ld->prov);
    if (!supported) {
        rc = LINEERR_OPERATIONUNAVAIL;
        goto out;
    }
    if (!lphConsultCall) {
        rc = LINEERR_INVALPOINTER;
        goto out;
    }
    /* Out of range: the nearest allowed value (Microsoft), 1..OT_FWD_MAX_RINGS. */
    DWORD rings = dwNumRingsNoAnswer < 1                  ? 1
                  : dwNumRingsNoAnswer > OT_FWD_MAX_RINGS ? OT_FWD_MAX_RINGS
                                                          : dwNumRingsNoAnswer;
    if ((rc = fwd_parse(lpForwardList, supported, rings, &s)) ||
        (rc = ot_check_call_params(o, lpCallParams)))
        goto out;
    {
        /* The switch needs no consultation call: *lphConsultCall is NULL
         * when the request succeeds (LINE_REPLY). */
        struct ot_req *q = ot_req_new(o, OT_REQ_MAKECALL);
        if (!q) {
            rc = LINEERR_NOMEM;
            goto out;
        }
        q->out_call = lphConsultCall;
        rc = q->id;
        fwd_state_free(o->ld->fwd);
        o->ld->fwd = s;
        s = NULL;
        ot_log("line %u: forwarding %s", (unsigned)o->ld->id, o->ld->fwd ? "set" : "cancelled");
        ot_req_complete(q, 0);
        /* to every open that enabled it (lineSetStatusMessages) */
        ot_ev_address_state(o->ld, 0, LINEADDRESSSTATE_FORWARD);
    }
out:
    fwd_state_free(s);
    ot_unlock();
    return rc;
}

/* LINEADDRESSSTATUS: the forward list (LINEFORWARD entries, then their
 * strings; offsets from the start of LINEADDRESSSTATUS) and the routing
 * features of the address. */
void ot_route_address_status(const struct ot_open *o, LINEADDRESSSTATUS *as, struct ot_varbuf *vb)
{
    /* Pickup and unpark bring a call here: not while the station has one. */
    DWORD f = ot_route_addr_features(o->ld);
    if (as->dwNumActiveCalls)
        f &= ~(DWORD)(LINEADDRFEATURE_PICKUP | LINEADDRFEATURE_PICKUPDIRECT |
                      LINEADDRFEATURE_PICKUPGROUP | LINEADDRFEATURE_UNPARK);
    as->dwAddressFeatures |= f;
    const struct ot_fwd_state *s = o->ld->fwd;
    if (!s)
        return;
    as->dwNumRingsNoAnswer = s->num_rings;
    as->dwForwardNumEntries = s->n;
    size_t len = s->n * sizeof(LINEFORWARD);
    for (unsigned i = 0; i < s->n; i++)
        len += strlen(s->e[i].dest) + 1 + (s->e[i].caller ? strlen(s->e[i].caller) + 1 : 0);
    unsigned char *blob = calloc(1, len);
    if (!blob) {
        /* no room to say it: the caller learns the size it would need */
        vb->needed += (DWORD)len;
        return;
    }
    DWORD base = vb->used, at = (DWORD)(s->n * sizeof(LINEFORWARD));
    for (unsigned i = 0; i < s->n; i++) {
        LINEFORWARD e;
        memset(&e, 0, sizeof(e));
        e.dwForwardMode = s->e[i].mode;
        e.dwDestAddressSize = (DWORD)strlen(s->e[i].dest) + 1;
        e.dwDestAddressOffset = base + at;
        memcpy(blob + at, s->e[i].dest, e.dwDestAddressSize);
        at += e.dwDestAddressSize;
        if (s->e[i].caller) {
            e.dwCallerAddressSize = (DWORD)strlen(s->e[i].caller) + 1;
            e.dwCallerAddressOffset = base + at;
            memcpy(blob + at, s->e[i].caller, e.dwCallerAddressSize);
            at += e.dwCallerAddressSize;
        }
        e.dwCallerAddressType = e.dwDestAddressType = LINEADDRESSTYPE_PHONENUMBER;
        memcpy(blob + i * sizeof(LINEFORWARD), &e, sizeof(e));
    }
    ot_varbuf_put(vb, blob, (DWORD)len, &as->dwForwardSize, &as->dwForwardOffset);
    free(blob);
}

void ot_route_fwd_caps(LINEADDRESSCAPS *ac)
{
    ac->dwMaxForwardEntries = FWD_MAX_ENTRIES;
    ac->dwMaxSpecificEntries = FWD_MAX_ENTRIES;
    ac->dwMinFwdNumRings = 1;
    ac->dwMaxFwdNumRings = OT_FWD_MAX_RINGS;
}
