/* The Kamailio provider's dialogs (kam.c, docs/kamailio.md): a dialog whose
 * From or To is a configured line becomes one TAPI call per configured party;
 * Kamailio's events (invite, reply, cancel, bye, ack, and the "ended" of
 * another opentapi process) move those calls through their states; the
 * dialog list (dlg.list) asked for at each connection is reconciled with the
 * known dialogs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../sip/sip.h"
#include "kamint.h"

static char *dupstr(const char *s) { return s ? ot_strdup(s) : NULL; }

/* ---- lines --------------------------------------------------------------------- */
static struct kline *find_line(const char *user, const char *host)
{
    if (!user || !host)
        return NULL;
    for (unsigned i = 0; i < K.nlines; i++)
        if (!strcmp(K.lines[i].user, user) && !strcasecmp(K.lines[i].host, host))
            return &K.lines[i];
    return NULL;
}

/* ---- dialogs ------------------------------------------------------------------ */
static struct kdlg *find_dlg(const char *ci, const char *ft)
{
    struct ot_list *pos;
    for (pos = K.dlgs.next; pos != &K.dlgs; pos = pos->next) {
        struct kdlg *d = ot_container_of(pos, struct kdlg, link);
        if (!strcmp(d->ci, ci) && (!ft || !strcmp(d->ft, ft)))
            return d;
    }
    return NULL;
}

void kam_dlg_free(struct kdlg *d)
{
    ot_list_del(&d->link);
    free(d->ci);
    free(d->ft);
    free(d->tt);
    free(d);
    kam_cnt_add(&kam_cnt.dialogs, -1);
}

/* Forgets d once nothing refers to it any more. */
void kam_dlg_maybe_free(struct kdlg *d)
{
    if (!d->side[0].call && !d->side[1].call && !d->rpc_pending &&
        (d->phase != KP_ENDED || !d->await_final))
        kam_dlg_free(d);
}

void kam_set_state(struct kdlg *d, int i, DWORD state, DWORD mode)
{
    if (d->side[i].call)
        ot_ev_call_state(d->side[i].call, state, mode);
}

/* The dialog is over.  actor: the side whose phone ended it (its call goes
 * IDLE), or -1; the other sides go DISCONNECTED(mode), then IDLE. */
void kam_dlg_end(struct kdlg *d, int actor, DWORD mode)
{
    d->phase = KP_ENDED;
    d->ended_ms = now_ms();
    for (int i = 0; i < 2; i++) {
        if (!d->side[i].call)
            continue;
        if (i != actor)
            kam_set_state(d, i, LINECALLSTATE_DISCONNECTED, mode);
        kam_set_state(d, i, LINECALLSTATE_IDLE, 0);
    }
}

/* UUI from a User-to-User value, for the party that received it. */
static void deliver_uui(struct kdlg *d, int i, const char *value)
{
    struct ot_call *c = d->side[i].call;
    if (!value || !c)
        return;
    DWORD max = ot_linedev_conf(ot_call_linedev(c))->uui_call_info;
    unsigned char *buf = malloc(max ? max : 1);
    if (!buf)
        return;
    size_t n = 0;
    enum ot_sip_uui_result r = ot_sip_uui_parse(value, buf, max, &n);
    if (r == OT_SIP_UUI_OK && n)
        ot_ev_call_uui(c, buf, (DWORD)n);
    else if (K.logging && r != OT_SIP_UUI_OK)
        ot_log("kamailio: call %u: User-to-User ignored (%s)", (unsigned)ot_call_id(c),
               r == OT_SIP_UUI_TOOBIG ? "larger than dwUUICallInfoSize"
                                      : r == OT_SIP_UUI_NONE ? "another package" : "malformed");
    free(buf);
}

/* The Q.850 cause of a Reason value ("Q.850;cause=16;text=..."), or -1. */
static int reason_cause(const char *v)
{
    if (!v)
        return -1;
    /* several reasons may be comma-separated: the Q.850 one counts */
    char buf[256];
    while (*v) {
        size_t n = strcspn(v, ",");
        if (n < sizeof(buf)) {
            memcpy(buf, v, n);
            buf[n] = '\0';
            char *semi = strchr(buf, ';');
            char *proto = buf;
            while (*proto == ' ' || *proto == '\t')
                proto++;
            if (semi) {
                *semi = '\0';
                char *e = semi;
                while (e > proto && (e[-1] == ' ' || e[-1] == '\t'))
                    *--e = '\0';
                char *p = semi + 1;
                while (p && *p) {
                    while (*p == ' ' || *p == '\t')
                        p++;
                    char *next = strchr(p, ';');
                    if (next)
                        *next++ = '\0';
                    if (!strncasecmp(p, "cause=", 6)) {
                        char *c = p + 6;
                        c[strcspn(c, " \t")] = '\0';
                        int q = ot_sip_q850_cause(proto, c);
                        if (q >= 0)
                            return q;
                    }
                    p = next;
                }
            }
        }
        v += n;
        if (*v == ',')
            v++;
    }
    return -1;
}

/* A display name without its quotes (Kamailio's $fn keeps them). */
static void unquote(const char *s, char *out, size_t n)
{
    size_t len = s ? strlen(s) : 0;
    if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
        s++;
        len -= 2;
    }
    if (len >= n)
        len = n - 1;
    if (len)
        memcpy(out, s, len);
    out[len] = '\0';
}

/* A new dialog seen from its INVITE (or the dialog list); NULL when no party
 * has a line (or out of memory). */
static struct kdlg *dlg_new(const char *ci, const char *ft, const char *fu, const char *fd,
                            const char *tu, const char *td, const char *fn)
{
    struct kline *lc = find_line(fu, fd), *le = find_line(tu, td);
    if (!lc && !le)
        return NULL;
    struct kdlg *d = calloc(1, sizeof(*d));
    if (!d || !(d->ci = dupstr(ci)) || !(d->ft = dupstr(ft))) {
        if (d) {
            free(d->ci);
            free(d);
        }
        ot_log("kamailio: out of memory tracking call %s", ci);
        return NULL;
    }
    d->born_sync = K.sync_gen;
    d->side[0].d = d->side[1].d = d;
    d->side[0].line = lc;
    d->side[1].line = le;
    ot_list_add_tail(&K.dlgs, &d->link);
    kam_cnt_add(&kam_cnt.dialogs, 1);
    char name[128];
    unquote(fn, name, sizeof(name));
    for (int i = 0; i < 2; i++) {
        struct kline *l = d->side[i].line;
        if (!l)
            continue;
        struct ot_call *c = ot_ev_new_call(l->ld, 0,
                                           i == 0 ? LINECALLORIGIN_OUTBOUND
                                                  : LINECALLORIGIN_INBOUND,
                                           &d->side[i]);
        if (!c) {
            ot_log("kamailio: out of memory offering call %s on line %u", ci,
                   (unsigned)ot_linedev_id(l->ld));
            continue;
        }
        d->side[i].call = c;
        ot_ev_call_party(c, OT_PARTY_CALLER, fu, name[0] ? name : NULL, false);
        ot_ev_call_party(c, OT_PARTY_CALLED, tu, NULL, false);
    }
    if (d->side[0].call && d->side[1].call) {
        ot_ev_call_related(d->side[0].call, ot_call_id(d->side[1].call));
        ot_ev_call_related(d->side[1].call, ot_call_id(d->side[0].call));
    }
    return d;
}

static void dlg_connected(struct kdlg *d)
{
    if (d->phase == KP_CONFIRMED || d->phase == KP_ENDED)
        return;
    d->phase = KP_CONFIRMED;
    for (int i = 0; i < 2; i++) {
        struct ot_call *c = d->side[i].call;
        if (!c)
            continue;
        kam_set_state(d, i, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    }
}
/* ---- events --------------------------------------------------------------------- */
static void ev_invite(json_t *o)
{
    const char *ci = jstr(o, "ci"), *ft = jstr(o, "ft");
    const char *fu = jstr(o, "fu"), *fd = jstr(o, "fd"), *tu = jstr(o, "tu"), *td = jstr(o, "td");
    if (!ci || !ft || !fu || !fd || !tu || !td) {
        kam_cnt_add(&kam_cnt.malformed, 1);
        return;
    }
    if (find_dlg(ci, ft))
        return; /* already known (from the dialog list) */
    struct kdlg *d = dlg_new(ci, ft, fu, fd, tu, td, jstr(o, "fn"));
    if (!d) {
        kam_cnt_add(&kam_cnt.unknown, 1);
        return;
    }
    const char *cseq = jstr(o, "cseq");
    if (cseq && strlen(cseq) < sizeof(d->cseq))
        strcpy(d->cseq, cseq);
    if (jint(o, "he", &d->he) && jint(o, "hi", &d->hi))
        d->has_ids = true;
    deliver_uui(d, 1, jstr(o, "uui"));
    kam_set_state(d, 0, LINECALLSTATE_PROCEEDING, 0);
    kam_set_state(d, 1, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE);
}

static void ev_reply(json_t *o, struct kdlg *d)
{
    long long st;
    if (!jint(o, "st", &st) || st < 100 || st > 699) {
        kam_cnt_add(&kam_cnt.malformed, 1);
        return;
    }
    if (d->phase == KP_ENDED) {
        if (st >= 300)
            d->await_final = false;
        kam_dlg_maybe_free(d);
        return;
    }
    const char *uui = jstr(o, "uui");
    if (st < 200) {
        if (d->phase == KP_EARLY) {
            d->phase = KP_RINGING;
            deliver_uui(d, 0, uui);
            kam_set_state(d, 0, LINECALLSTATE_RINGBACK, 0);
        }
        return;
    }
    if (st < 300) {
        if (d->phase == KP_CONFIRMED)
            return; /* a retransmission, or another branch */
        const char *tt = jstr(o, "tt");
        if (tt && !d->tt)
            d->tt = dupstr(tt);
        deliver_uui(d, 0, uui);
        if (d->side[0].call && d->side[1].line)
            ot_ev_call_party(d->side[0].call, OT_PARTY_CONNECTED, d->side[1].line->user, NULL,
                             true);
        else if (d->side[0].call)
            ot_ev_call_party(d->side[0].call, OT_PARTY_CONNECTED, jstr(o, "tu"), NULL, true);
        if (d->side[1].call)
            ot_ev_call_party(d->side[1].call, OT_PARTY_CONNECTED, jstr(o, "fu"), NULL, true);
        dlg_connected(d);
        return;
    }
    /* a final failure: the caller's call is DISCONNECTED with the status's
     * mode; the offer on the callee's line goes away (IDLE) */
    deliver_uui(d, 0, uui);
    DWORD mode = ot_sip_status_mode((int)st, reason_cause(jstr(o, "reason")));
    d->phase = KP_ENDED;
    d->ended_ms = now_ms();
    if (st == 486 || st == 600)
        kam_set_state(d, 0, LINECALLSTATE_BUSY, LINEBUSYMODE_STATION);
    kam_set_state(d, 0, LINECALLSTATE_DISCONNECTED, mode);
    kam_set_state(d, 0, LINECALLSTATE_IDLE, 0);
    kam_set_state(d, 1, LINECALLSTATE_IDLE, 0);
    kam_dlg_maybe_free(d);
}

static void ev_cancel(json_t *o, struct kdlg *d)
{
    if (d->phase == KP_ENDED || d->phase == KP_CONFIRMED)
        return;
    /* the caller abandoned: its own call is IDLE, the offer goes away */
    deliver_uui(d, 1, jstr(o, "uui"));
    d->await_final = true;
    kam_dlg_end(d, 0, LINEDISCONNECTMODE_CANCELLED);
    kam_set_state(d, 1, LINECALLSTATE_IDLE, 0);
    kam_dlg_maybe_free(d);
}

static void ev_bye(json_t *o, struct kdlg *d, const char *ft)
{
    if (d->phase == KP_ENDED)
        return;
    int from = !strcmp(ft, d->ft) ? 0 : 1;
    deliver_uui(d, 1 - from, jstr(o, "uui"));
    kam_dlg_end(d, from, ot_sip_bye_mode(reason_cause(jstr(o, "reason"))));
    kam_dlg_maybe_free(d);
}

/* Another opentapi process dropped this call through Kamailio. */
static void ev_ended(json_t *o, struct kdlg *d)
{
    if (d->phase == KP_ENDED)
        return;
    const char *uui = jstr(o, "uui");
    int cause = reason_cause(jstr(o, "reason"));
    long long st;
    if (jint(o, "st", &st) && st >= 300 && st < 700) {
        /* the caller got the final response; the offer goes away */
        deliver_uui(d, 0, uui);
        d->phase = KP_ENDED;
        d->ended_ms = now_ms();
        d->await_final = true;
        kam_set_state(d, 0, LINECALLSTATE_DISCONNECTED, ot_sip_status_mode((int)st, cause));
        kam_set_state(d, 0, LINECALLSTATE_IDLE, 0);
        kam_set_state(d, 1, LINECALLSTATE_IDLE, 0);
    } else {
        deliver_uui(d, 0, uui);
        deliver_uui(d, 1, uui);
        kam_dlg_end(d, -1, ot_sip_bye_mode(cause));
    }
    kam_dlg_maybe_free(d);
}

void kam_handle_event(json_t *o)
{
    const char *ev = jstr(o, "ev"), *ci = jstr(o, "ci"), *ft = jstr(o, "ft");
    if (!ev || !ci || !ft) {
        kam_cnt_add(&kam_cnt.malformed, 1);
        return;
    }
    kam_cnt_add(&kam_cnt.events, 1);
    if (K.logging)
        ot_log("kamailio: event %s %s", ev, ci);
    if (!strcmp(ev, "invite")) {
        ev_invite(o);
        return;
    }
    const char *by = jstr(o, "by");
    if (!strcmp(ev, "ended") && by && !strcmp(by, K.tag))
        return; /* our own drop, already reported */
    /* a BYE from the callee carries the callee's tag as From tag */
    struct kdlg *d = find_dlg(ci, strcmp(ev, "bye") ? ft : NULL);
    if (d && !strcmp(ev, "bye") && strcmp(d->ft, ft) && (!d->tt || strcmp(d->tt, ft)))
        d = NULL;
    if (!d) {
        kam_cnt_add(&kam_cnt.unknown, 1);
        return;
    }
    if (!strcmp(ev, "reply"))
        ev_reply(o, d);
    else if (!strcmp(ev, "cancel"))
        ev_cancel(o, d);
    else if (!strcmp(ev, "bye"))
        ev_bye(o, d, ft);
    else if (!strcmp(ev, "ended"))
        ev_ended(o, d);
    else if (!strcmp(ev, "ack")) {
        /* the ACK of a 2xx: the call is up even if its 2xx went unseen */
        if (d->phase != KP_ENDED)
            dlg_connected(d);
        if (!d->acked) {
            d->acked = true;
            kam_release_held(d);
        }
    }
    else
        kam_cnt_add(&kam_cnt.malformed, 1);
}
/* ---- RPC results ---------------------------------------------------------------- */
static void learn(json_t *item)
{
    const char *ci = jstr(item, "call-id");
    json_t *caller = json_object_get(item, "caller"), *callee = json_object_get(item, "callee");
    const char *ft = json_is_object(caller) ? jstr(caller, "tag") : NULL;
    long long state, he, hi;
    if (!ci || !ft || !jint(item, "state", &state) || !jint(item, "h_entry", &he) ||
        !jint(item, "h_id", &hi)) {
        kam_cnt_add(&kam_cnt.malformed, 1);
        return;
    }
    if (state < 1 || state > 4)
        return; /* deleted */
    struct kdlg *d = find_dlg(ci, ft);
    if (d) {
        d->listed = true;
        if (state >= 3 && d->phase != KP_ENDED)
            dlg_connected(d);
        if (state == 4 && !d->acked) {
            d->acked = true;
            kam_release_held(d);
        }
        return;
    }
    char fu[128], fd[256], tu[128], td[256];
    if (kam_split_uri(jstr(item, "from_uri"), fu, sizeof(fu), fd, sizeof(fd)) ||
        kam_split_uri(jstr(item, "to_uri"), tu, sizeof(tu), td, sizeof(td)))
        return; /* not a user's dialog */
    d = dlg_new(ci, ft, fu, fd, tu, td, NULL);
    if (!d)
        return;
    d->listed = true;
    d->he = he;
    d->hi = hi;
    d->has_ids = true;
    const char *cseq = jstr(caller, "cseq");
    if (cseq && strlen(cseq) < sizeof(d->cseq))
        strcpy(d->cseq, cseq);
    const char *tt = json_is_object(callee) ? jstr(callee, "tag") : NULL;
    if (tt && *tt)
        d->tt = dupstr(tt);
    kam_cnt_add(&kam_cnt.learned, 1);
    d->acked = state == 4;
    if (state >= 3) {
        kam_set_state(d, 0, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        kam_set_state(d, 1, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        d->phase = KP_CONFIRMED;
    } else {
        d->phase = state == 2 ? KP_RINGING : KP_EARLY;
        kam_set_state(d, 0, state == 2 ? LINECALLSTATE_RINGBACK : LINECALLSTATE_PROCEEDING, 0);
        kam_set_state(d, 1, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE);
    }
}

void kam_set_service(bool in)
{
    for (unsigned i = 0; i < K.nlines; i++)
        ot_ev_line_link(K.lines[i].ld, in);
    kam_cnt_service(in);
}

void kam_sync_done(json_t *result)
{
    unsigned gen = K.sync_gen; /* dialogs born since the list was asked for have this */
    struct ot_list *pos, *tmp;
    for (pos = K.dlgs.next; pos != &K.dlgs; pos = pos->next)
        ot_container_of(pos, struct kdlg, link)->listed = false;
    size_t i;
    json_t *item;
    json_array_foreach(result, i, item)
    {
        if (json_is_object(item))
            learn(item);
    }
    /* dialogs known before the list was asked for and missing from it ended
     * while we could not see them */
    ot_list_foreach_safe(pos, tmp, &K.dlgs)
    {
        struct kdlg *d = ot_container_of(pos, struct kdlg, link);
        if (!d->listed && d->born_sync < gen && d->phase != KP_ENDED) {
            d->await_final = false;
            kam_dlg_end(d, -1, LINEDISCONNECTMODE_UNKNOWN);
            kam_dlg_maybe_free(d);
        }
    }
    K.synced = true;
    kam_cnt_add(&kam_cnt.connects, 1);
    kam_set_service(true);
}
