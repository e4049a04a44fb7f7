/* tapisrv, the telephony service: who may do what.  The [access] rules (and
 * the check of the service's sections of a configuration: [server], [client],
 * [access]), a client's view of the line devices computed at its HELLO (the
 * lines its rules show it, numbered from 0, and its rights on each), and the
 * device IDs that cross the socket in the client's numbering: lineOpen with
 * LINEMAPPER and lineGetID("tapi/line"). */
#define _GNU_SOURCE
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "srvint.h"

/* ---- access rules ([access] in the configuration) ----
 * key: a line's number, or * for every line; value: "owner:LIST monitor:LIST",
 * LIST = comma-separated user names, uids, @group names, @gids or *. */
static bool entry_matches(const struct srv_conn *c, const char *e, size_t n)
{
    char name[128];
    if (!n || n >= sizeof(name))
        return false;
    memcpy(name, e, n);
    name[n] = '\0';
    if (!strcmp(name, "*"))
        return true;
    bool group = name[0] == '@';
    const char *id = group ? name + 1 : name;
    char *end;
    unsigned long num = strtoul(id, &end, 10);
    bool numeric = *id && !*end;
    if (!group) {
        if (numeric)
            return num == c->uid;
        struct passwd *pw = getpwnam(id);
        return pw && pw->pw_uid == c->uid;
    }
    gid_t g;
    if (numeric)
        g = (gid_t)num;
    else {
        struct group *gr = getgrnam(id);
        if (!gr)
            return false;
        g = gr->gr_gid;
    }
    if (g == c->gid)
        return true;
    for (int i = 0; i < c->ngroups; i++)
        if (c->groups[i] == g)
            return true;
    return false;
}

static bool list_matches(const struct srv_conn *c, const char *list, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && list[j] != ',')
            j++;
        if (entry_matches(c, list + i, j - i))
            return true;
        i = j + 1;
    }
    return false;
}

static unsigned rights_for(const struct srv_conn *c, const struct ot_linedev *ld)
{
    if (c->uid == 0 || c->uid == srv_state.my_uid)
        return RIGHT_OWNER | RIGHT_MONITOR;
    const char *rule = ot_setting("access", ld->conf.number);
    if (!rule)
        rule = ot_setting("access", "*");
    if (!rule)
        return 0; /* no rule: only root and the service's own user */
    unsigned r = 0;
    const char *p = rule;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        const char *w = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        size_t n = (size_t)(p - w);
        if (n > 6 && !strncmp(w, "owner:", 6) && list_matches(c, w + 6, n - 6))
            r |= RIGHT_OWNER | RIGHT_MONITOR;
        else if (n > 8 && !strncmp(w, "monitor:", 8) && list_matches(c, w + 8, n - 8))
            r |= RIGHT_MONITOR;
    }
    return r;
}

/* An [access] rule's syntax: words owner:LIST or monitor:LIST, lists not empty. */
static int check_rule(const char *rule)
{
    const char *p = rule;
    int words = 0;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        const char *w = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        size_t n = (size_t)(p - w);
        if (!((n > 6 && !strncmp(w, "owner:", 6)) || (n > 8 && !strncmp(w, "monitor:", 8))))
            return -1;
        words++;
    }
    return words ? 0 : -1;
}

/* The telephony service's sections, checked with the rest of the configuration
 * (start-up and otCheckConfig alike, so `tapi config --check` knows them):
 * [server] socket / max_backlog_kb, [client] server, [access] rules. */
int ot_conf_check_service(const struct ot_conf *cf, char *err, size_t errlen)
{
    const char *section, *value;
    unsigned lineno;
    for (unsigned i = 0;; i++) {
        const char *key = ot_conf_key(cf, i, &section, &value, &lineno);
        if (!key)
            return 0;
        if (!strcmp(section, "access")) {
            if (check_rule(value) != 0) {
                snprintf(err, errlen, "line %u: [access] %s: each word is owner:LIST or "
                         "monitor:LIST (LIST: users, uids, @groups, @gids or *)", lineno, key);
                return -1;
            }
        } else if (!strcmp(section, "server")) {
            char *end;
            unsigned long kb = strtoul(value, &end, 10);
            if (!strcmp(key, "socket")) {
                if (!*value || strlen(value) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
                    snprintf(err, errlen, "line %u: [server] socket: a path of at most %zu bytes",
                             lineno, sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
                    return -1;
                }
            } else if (!strcmp(key, "max_backlog_kb")) {
                if (!*value || *end || *value == '-' || kb < 16 || kb > 1048576) {
                    snprintf(err, errlen, "line %u: [server] max_backlog_kb must be 16..1048576",
                             lineno);
                    return -1;
                }
            } else {
                snprintf(err, errlen, "line %u: [server]: unknown key %s", lineno, key);
                return -1;
            }
        } else if (!strcmp(section, "client")) {
            if (strcmp(key, "server")) {
                snprintf(err, errlen, "line %u: [client]: unknown key %s", lineno, key);
                return -1;
            }
            if (strcmp(value, "none") && (strncmp(value, "unix:", 5) || !value[5])) {
                snprintf(err, errlen, "line %u: [client] server must be unix:PATH or none",
                         lineno);
                return -1;
            }
        }
    }
}

int srv_compute_view(struct srv_conn *c)
{
    struct passwd *pw = getpwuid(c->uid);
    if (pw && strlen(pw->pw_name) < sizeof(c->user))
        snprintf(c->user, sizeof(c->user), "%s", pw->pw_name);
    else
        snprintf(c->user, sizeof(c->user), "%lu", (unsigned long)c->uid);
    if (pw) {
        int n = 64;
        for (int tries = 0; tries < 4; tries++) {
            gid_t *g = realloc(c->groups, (size_t)n * sizeof(*g));
            if (!g)
                return -1;
            c->groups = g;
            int want = n;
            if (getgrouplist(pw->pw_name, c->gid, g, &want) >= 0) {
                c->ngroups = want;
                break;
            }
            n = want > n ? want : n * 2;
        }
    }
    ot_lock();
    c->devs = calloc(ot_g.nlines ? ot_g.nlines : 1, sizeof(*c->devs));
    c->rights = calloc(ot_g.nlines ? ot_g.nlines : 1, 1);
    if (c->devs && c->rights)
        for (DWORD i = 0; i < ot_g.nlines; i++) {
            unsigned r = rights_for(c, ot_g.lines[i]);
            if (r) {
                c->devs[c->ndevs] = i;
                c->rights[c->ndevs++] = (unsigned char)r;
            }
        }
    ot_unlock();
    return c->devs && c->rights ? 0 : -1;
}

unsigned srv_rights_on_line(const struct srv_conn *c, DWORD server_dev)
{
    for (DWORD i = 0; i < c->ndevs; i++)
        if (c->devs[i] == server_dev)
            return c->rights[i];
    return 0;
}

/* lineOpen(LINEMAPPER) of a client: the core's choice among the lines the
 * client may open with the privilege asked for (server numbering, in a[1]). */
LONG srv_map_line(const struct srv_conn *c, struct ot_rpc_args *args)
{
    DWORD priv = (DWORD)args->a[6] & 0xFFFFu;
    DWORD *ok = calloc(c->ndevs ? c->ndevs : 1, sizeof(*ok)), n = 0, dev = 0;
    if (!ok)
        return LINEERR_NOMEM;
    for (DWORD i = 0; i < c->ndevs; i++) {
        unsigned r = c->rights[i];
        if ((priv & LINECALLPRIVILEGE_MONITOR) && !(r & RIGHT_MONITOR))
            continue;
        if ((priv & LINECALLPRIVILEGE_OWNER || priv & LINECALLPRIVILEGE_NONE) &&
            !(r & RIGHT_OWNER))
            continue;
        ok[n++] = c->devs[i];
    }
    ot_lock();
    LONG rc = ot_g.started ? ot_line_mapper((DWORD)args->a[7],
                                            (const LINECALLPARAMS *)args->a[8], ok, n, &dev)
                           : (LONG)LINEERR_UNINITIALIZED;
    ot_unlock();
    free(ok);
    if (!rc)
        args->a[1] = dev;
    return rc;
}

/* lineGetID("tapi/line") answers the service's device ID: the client
 * numbers its lines from 0 (srv_compute_view), so it gets its own. */
void srv_map_device_id_out(const struct srv_conn *c, LPVARSTRING v)
{
    DWORD id;
    if (!v || v->dwStringFormat != STRINGFORMAT_BINARY || v->dwStringSize != sizeof(id) ||
        v->dwStringOffset > v->dwUsedSize || v->dwUsedSize - v->dwStringOffset < sizeof(id))
        return;
    unsigned char *p = (unsigned char *)v + v->dwStringOffset;
    memcpy(&id, p, sizeof(id));
    for (DWORD i = 0; i < c->ndevs; i++)
        if (c->devs[i] == id) {
            memcpy(p, &i, sizeof(i));
            return;
        }
}
