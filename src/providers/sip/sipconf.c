/* Configuration of SIP lines: the provider-specific keys of a [line] with
 * provider = sip (see docs/sip.md), checked once at start and turned into the
 * strings the NUA calls need (bind URL, From, SDP, target of a dialled
 * address).  Runs with the core lock held, before the provider thread exists. */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sipint.h"

static const char *const known_keys[] = {
    "uri", "bind", "transport", "proxy", "registrar", "username", "password",
    "expires", "display", "reject_status", "max_calls", "session_expires",
    "no_response_timeout", "ring_ms", "refer_timeout", NULL,
};

static char *dupstr(const char *s) { return s ? ot_strdup(s) : NULL; }

const char *sip_transport_name(const struct sip_line *l)
{
    return l->tls ? "tls" : l->tcp ? "tcp" : "udp";
}

/* A SIP or SIPS URI with a host; *u receives it (allocated in home). */
static int parse_sip_url(su_home_t *home, const char *s, url_t **u)
{
    if (!s || !*s || strpbrk(s, "<>\" \t\r\n"))
        return -1;
    url_t *x = url_make(home, s);
    if (!x || (x->url_type != url_sip && x->url_type != url_sips) || !x->url_host ||
        !*x->url_host)
        return -1;
    *u = x;
    return 0;
}

static bool has_scheme(const char *s)
{
    return !strncasecmp(s, "sip:", 4) || !strncasecmp(s, "sips:", 5);
}

/* A port number 1..65535 (Sofia takes any digits). */
static bool good_port(const char *p)
{
    if (!p)
        return true; /* the default, 5060 */
    char *end;
    unsigned long n = strtoul(p, &end, 10);
    return *p >= '0' && *p <= '9' && !*end && n >= 1 && n <= 65535;
}

/* The reason of a refusal: "line N: [line] (device D, sip): ...", N the line
 * of the key in the file (of the [line] header when the key is missing). */
#define BAD(key, ...)                                                                           \
    do {                                                                                        \
        unsigned ln_;                                                                           \
        if (!ot_line_conf_get_at(cf, key, &ln_))                                                \
            ln_ = cf->lineno;                                                                   \
        int o_ = snprintf(err, errlen, "line %u: [line] (device %u, sip): ", ln_, (unsigned)id); \
        if (o_ >= 0 && (size_t)o_ < errlen)                                                     \
            snprintf(err + o_, errlen - (size_t)o_, __VA_ARGS__);                                \
        goto out;                                                                               \
    } while (0)

int sip_line_configure(struct sip_line *l, const struct ot_line_conf *cf, DWORD id, char *err,
                       size_t errlen)
{
    su_home_t home[1] = {SU_HOME_INIT(home)};
    int rc = -1;
    char buf[512];
    url_t *uri = NULL, *u = NULL;

    l->id = id;
    for (unsigned i = 0; i < cf->nkv; i++) {
        bool known = false;
        for (const char *const *k = known_keys; *k; k++)
            known |= !strcmp(*k, cf->kv[i].key);
        for (const char *const *k = sip_tls_keys; *k; k++)
            known |= !strcmp(*k, cf->kv[i].key);
        if (!known) {
            snprintf(err, errlen, "line %u: [line] (device %u, sip): unknown key %s",
                     cf->kv[i].lineno, (unsigned)id, cf->kv[i].key);
            goto out;
        }
    }
    const char *v = ot_line_conf_get(cf, "uri");
    if (!v || parse_sip_url(home, v, &uri) || !good_port(uri->url_port))
        BAD("uri", "uri must be a SIP URI such as sip:alice@127.0.0.1:5070");
    l->aor = dupstr(v);
    l->user = dupstr(uri->url_user ? uri->url_user : cf->number);
    snprintf(buf, sizeof(buf), "%s%s%s", uri->url_host, uri->url_port ? ":" : "",
             uri->url_port ? uri->url_port : "");
    l->domain = dupstr(buf);

    v = ot_line_conf_get(cf, "transport");
    if (!v || !strcasecmp(v, "udp"))
        l->tcp = false;
    else if (!strcasecmp(v, "tcp"))
        l->tcp = true;
    else if (!strcasecmp(v, "tls"))
        l->tcp = l->tls = true;
    else
        BAD("transport", "transport must be udp, tcp or tls");
    if (sip_tls_configure(l, cf, err, errlen) != 0)
        goto out;

    /* bind: where the user agent listens; by default the uri's host and port. */
    v = ot_line_conf_get(cf, "bind");
    const char *host, *port;
    if (v) {
        snprintf(buf, sizeof(buf), "%s%s", has_scheme(v) ? "" : "sip:", v);
        if (parse_sip_url(home, buf, &u) || u->url_user || !good_port(u->url_port))
            BAD("bind", "bind must be IP:PORT");
        host = u->url_host, port = u->url_port;
    } else
        host = uri->url_host, port = uri->url_port;
    const char *defport = l->tls ? "5061" : "5060";
    /* Sofia binds TLS for a sips: URL only. */
    if (l->tls)
        snprintf(buf, sizeof(buf), "sips:%s:%s", host, port ? port : defport);
    else
        snprintf(buf, sizeof(buf), "sip:%s:%s;transport=%s", host, port ? port : defport,
                 sip_transport_name(l));
    l->bind_url = dupstr(buf);
    /* The SDP names the bound address; media itself is out of scope. */
    bool v6 = strchr(host, ':') != NULL;
    char ip[128];
    snprintf(ip, sizeof(ip), "%s", host);
    if (ip[0] == '[') {
        memmove(ip, ip + 1, strlen(ip));
        char *e = strchr(ip, ']');
        if (e)
            *e = '\0';
    }
    l->bind_host = dupstr(ip);
    l->bind_port = dupstr(port ? port : defport);
    if (!strcmp(ip, "*") || !strcmp(ip, "0.0.0.0"))
        snprintf(ip, sizeof(ip), "%s", "127.0.0.1");
    l->media_ip = dupstr(ip);
    l->media_v6 = v6;
    l->sdp = l->media_ip ? sip_sdp_make(l, OT_SIP_SDP_VERSION0,
                                        OT_SIP_SDP_SEND | OT_SIP_SDP_RECV)
                         : NULL;

    v = ot_line_conf_get(cf, "proxy");
    if (v) {
        if (parse_sip_url(home, v, &u))
            BAD("proxy", "proxy must be a SIP URI");
        l->proxy = dupstr(v);
    }
    v = ot_line_conf_get(cf, "registrar");
    if (v) {
        if (parse_sip_url(home, v, &u))
            BAD("registrar", "registrar must be a SIP URI");
        l->registrar = dupstr(v);
    }
    l->username = dupstr(ot_line_conf_get(cf, "username") ? ot_line_conf_get(cf, "username")
                                                          : l->user);
    l->password = dupstr(ot_line_conf_get(cf, "password"));
    l->expires = 3600;
    v = ot_line_conf_get(cf, "expires");
    if (v) {
        char *end;
        unsigned long e = strtoul(v, &end, 10);
        if (*v < '0' || *v > '9' || *end || e < 10 || e > 86400)
            BAD("expires", "expires must be 10..86400 seconds");
        l->expires = (unsigned)e;
    }
    l->max_calls = OT_SIP_DEFAULT_LINE_CALLS;
    v = ot_line_conf_get(cf, "max_calls");
    if (v) {
        char *end;
        unsigned long m = strtoul(v, &end, 10);
        if (*end || *v == '-' || !*v || m < 1 || m > 100000)
            BAD("max_calls", "max_calls must be 1..100000");
        l->max_calls = (unsigned)m;
    }
    l->ring_ms = OT_SIP_DEFAULT_RING_MS;
    v = ot_line_conf_get(cf, "ring_ms");
    if (v) {
        char *end;
        unsigned long m = strtoul(v, &end, 10);
        if (*end || *v < '0' || *v > '9' || m > 86400000)
            BAD("ring_ms", "ring_ms must be 0..86400000 ms");
        l->ring_ms = (unsigned)m;
    }
    l->session_expires = OT_SIP_DEFAULT_SESSION_EXPIRES;
    v = ot_line_conf_get(cf, "session_expires");
    if (v) {
        char *end;
        unsigned long m = strtoul(v, &end, 10);
        if (*end || *v == '-' || !*v || m > 86400)
            BAD("session_expires", "session_expires must be 0..86400 seconds");
        l->session_expires = (unsigned)m;
    }
    v = ot_line_conf_get(cf, "no_response_timeout");
    if (v) {
        char *end;
        unsigned long m = strtoul(v, &end, 10);
        if (*end || *v == '-' || !*v || m < 1 || m > 300)
            BAD("no_response_timeout", "no_response_timeout must be 1..300 seconds");
        l->t1x64_ms = (unsigned)m * 1000u;
    }
    l->refer_timeout_ms = OT_SIP_DEFAULT_REFER_TIMEOUT * 1000u;
    v = ot_line_conf_get(cf, "refer_timeout");
    if (v) {
        char *end;
        unsigned long m = strtoul(v, &end, 10);
        if (*end || *v < '0' || *v > '9' || m < 1 || m > 300)
            BAD("refer_timeout", "refer_timeout must be 1..300 seconds");
        l->refer_timeout_ms = (unsigned)m * 1000u;
    }
    v = ot_line_conf_get(cf, "display");
    if (v && strpbrk(v, "\"\\\r\n"))
        BAD("display", "display may not contain quotes or backslashes");
    if (v && *v)
        snprintf(buf, sizeof(buf), "\"%s\" <%s>", v, l->aor);
    else
        snprintf(buf, sizeof(buf), "<%s>", l->aor);
    l->from = dupstr(buf);
    l->display = dupstr(v && *v ? v : NULL);
    l->reject = ot_sip_reject_lookup(603);
    v = ot_line_conf_get(cf, "reject_status");
    if (v) {
        char *end;
        unsigned long st = strtoul(v, &end, 10);
        l->reject = *v >= '0' && *v <= '9' && !*end && st < 1000 ? ot_sip_reject_lookup((int)st)
                                                                 : NULL;
        if (!l->reject)
            BAD("reject_status", "reject_status must be 403, 480, 486, 600 or 603");
    }
    if (!l->aor || !l->user || !l->domain || !l->bind_url || !l->sdp || !l->from ||
        !l->username || !l->bind_host || !l->bind_port || !l->media_ip) {
        snprintf(err, errlen, "out of memory configuring SIP line %u", (unsigned)id);
        goto out;
    }
    rc = 0;
out:
    su_home_deinit(home);
    return rc;
}

void sip_line_unconfigure(struct sip_line *l)
{
    free(l->aor);
    free(l->user);
    free(l->domain);
    free(l->bind_url);
    free(l->sdp);
    free(l->proxy);
    free(l->registrar);
    free(l->username);
    free(l->password);
    free(l->from);
    free(l->display);
    free(l->bind_host);
    free(l->bind_port);
    free(l->media_ip);
    sip_tls_unconfigure(l);
}

int sip_line_probe_bind(const struct sip_line *l, char *why, size_t whylen)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = l->tcp ? SOCK_STREAM : SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    bool any = !strcmp(l->bind_host, "*");
    int g = getaddrinfo(any ? NULL : l->bind_host, l->bind_port, &hints, &res);
    if (g != 0 || !res) {
        snprintf(why, whylen, "%s", g ? gai_strerror(g) : "no address");
        return -1;
    }
    int fd = socket(res->ai_family, res->ai_socktype, 0), rc = -1, e = errno;
    if (fd >= 0) {
        /* A TCP port in TIME_WAIT is free for Sofia's listener (which reuses
         * addresses), one with a listener is not. */
        int one = 1;
        if (l->tcp)
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        rc = bind(fd, res->ai_addr, res->ai_addrlen);
        e = errno;
        close(fd);
    }
    freeaddrinfo(res);
    if (rc != 0)
        snprintf(why, whylen, "%s", strerror(e));
    return rc == 0 ? 0 : -1;
}

/* A dialled address as a request URI: a SIP URI as given; user@host gets the
 * scheme; a bare user is at the line's own domain (the host and port of its
 * uri, which is the proxy's domain when there is one). */
char *sp_target(const struct sip_line *l, const char *dest)
{
    char buf[600];
    su_home_t home[1] = {SU_HOME_INIT(home)};
    url_t *u;
    /* A TLS line's own addresses are sips: (RFC 3261 26.2.2). */
    const char *scheme = l->tls ? "sips" : "sip";
    if (has_scheme(dest))
        snprintf(buf, sizeof(buf), "%s", dest);
    else if (strchr(dest, '@'))
        snprintf(buf, sizeof(buf), "%s:%s", scheme, dest);
    else
        snprintf(buf, sizeof(buf), "%s:%s@%s", scheme, dest, l->domain);
    char *r = NULL;
    if (strlen(buf) < sizeof(buf) - 16 && parse_sip_url(home, buf, &u) == 0) {
        if (l->tcp && !l->proxy && u->url_type == url_sip && !url_has_param(u, "transport"))
            strcat(buf, l->tls ? ";transport=tls" : ";transport=tcp");
        r = ot_strdup(buf);
    }
    su_home_deinit(home);
    return r;
}

int sip_log_level(const char *v)
{
    return v && v[0] >= '0' && v[0] <= '9' && !v[1] ? v[0] - '0' : -1;
}

static bool same_address(const struct sip_line *a, const struct sip_line *b)
{
    return a->tcp == b->tcp && !strcmp(a->bind_host, b->bind_host) &&
           !strcmp(a->bind_port, b->bind_port);
}

/* By transport, host and port, then file order. */
static int by_address(const void *pa, const void *pb)
{
    const struct sip_line *a = *(const struct sip_line *const *)pa,
                          *b = *(const struct sip_line *const *)pb;
    int c = (int)a->tcp - (int)b->tcp;
    if (!c)
        c = strcmp(a->bind_host, b->bind_host);
    if (!c)
        c = strcmp(a->bind_port, b->bind_port);
    return c ? c : (a->cf->lineno > b->cf->lineno) - (a->cf->lineno < b->cf->lineno);
}

static const struct {
    const char *key;
    unsigned long min, max;
} number_keys[] = {{"max_calls", 1, 1000000}, {"max_invite_rate", 0, 1000000}};

int sip_number_key(const char *key, const char *value, unsigned long *out)
{
    for (size_t i = 0; i < sizeof(number_keys) / sizeof(number_keys[0]); i++)
        if (!strcmp(key, number_keys[i].key)) {
            char *end;
            unsigned long n = strtoul(value, &end, 10);
            if (!*value || *end || *value == '-' || n < number_keys[i].min ||
                n > number_keys[i].max)
                return -1;
            *out = n;
            return 0;
        }
    return 1;
}

/* What start() refuses, without binding anything: the [sip] section's keys,
 * each SIP [line] (sip_line_configure), and two lines on one address. */
int sip_check_config(const struct ot_conf *cf, char *err, size_t errlen)
{
    const char *section, *value;
    unsigned lineno;
    for (unsigned i = 0;; i++) {
        const char *key = ot_conf_key(cf, i, &section, &value, &lineno);
        if (!key)
            break;
        if (strcmp(section, "sip"))
            continue;
        unsigned long num;
        int nk = strcmp(key, "log_level") ? sip_number_key(key, value, &num) : 1;
        if (nk == 0)
            continue;
        if (nk < 0) {
            snprintf(err, errlen, "line %u: [sip] %s: out of range", lineno, key);
            return -1;
        }
        if (strcmp(key, "log_level")) {
            snprintf(err, errlen, "line %u: [sip]: unknown key %s", lineno, key);
            return -1;
        }
        if (sip_log_level(value) < 0) {
            snprintf(err, errlen, "line %u: [sip] log_level must be 0 (off) to 9", lineno);
            return -1;
        }
    }
    unsigned total = ot_conf_nlines(cf), n = 0;
    struct sip_line *ls = calloc(total ? total : 1, sizeof(*ls));
    if (!ls) {
        snprintf(err, errlen, "out of memory");
        return -2;
    }
    int rc = 0;
    for (unsigned i = 0; i < total && !rc; i++) {
        const struct ot_line_conf *lc = ot_conf_line(cf, i);
        if (strcmp(lc->provider, "sip"))
            continue;
        ls[n].cf = lc;
        rc = sip_line_configure(&ls[n++], lc, i, err, errlen);
    }
    /* Two lines on one address and transport: the second could never bind. */
    if (!rc && n > 1) {
        struct sip_line **by = malloc(n * sizeof(*by));
        if (!by) {
            snprintf(err, errlen, "out of memory");
            rc = -2;
        } else {
            for (unsigned i = 0; i < n; i++)
                by[i] = &ls[i];
            qsort(by, n, sizeof(*by), by_address);
            for (unsigned i = 1; !rc && i < n; i++)
                if (same_address(by[i - 1], by[i])) {
                    snprintf(err, errlen,
                             "line %u: [line] (sip): listens on %s:%s (%s) like the [line] of "
                             "line %u",
                             by[i]->cf->lineno, by[i]->bind_host, by[i]->bind_port,
                             sip_transport_name(by[i]), by[i - 1]->cf->lineno);
                    rc = -1;
                }
            free(by);
        }
    }
    for (unsigned i = 0; i < n; i++)
        sip_line_unconfigure(&ls[i]);
    free(ls);
    return rc;
}
