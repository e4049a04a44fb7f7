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
