/* Configuration of SIP lines: the provider-specific keys of a [line] with
 * provider = sip (see docs/sip.md), checked once at start and turned into the
 * strings the NUA calls need (bind URL, From, SDP, target of a dialled
 * address).  Runs with the core lock held, before the provider thread exists. */
#include <ctype.h>
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
    "expires", "display", "reject_status", NULL,
};

static char *dupstr(const char *s) { return s ? ot_strdup(s) : NULL; }

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

int sip_line_configure(struct sip_line *l, const struct ot_line_conf *cf, DWORD id)
{
    su_home_t home[1] = {SU_HOME_INIT(home)};
    int rc = -1;
    char buf[512];
    url_t *uri = NULL, *u = NULL;

    for (unsigned i = 0; i < cf->nkv; i++) {
        bool known = false;
        for (const char *const *k = known_keys; *k; k++)
            known |= !strcmp(*k, cf->kv[i].key);
        if (!known) {
            ot_logc(OT_CAT_CONFIG, OTLOG_ERROR, "[line] %u (sip): unknown key %s", (unsigned)id,
                    cf->kv[i].key);
            goto out;
        }
    }
    const char *v = ot_line_conf_get(cf, "uri");
    if (!v || parse_sip_url(home, v, &uri)) {
        ot_logc(OT_CAT_CONFIG, OTLOG_ERROR, "[line] %u (sip): uri must be a SIP URI such as "
                        "sip:alice@127.0.0.1:5070", (unsigned)id);
        goto out;
    }
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
    else {
        ot_logc(OT_CAT_CONFIG, OTLOG_ERROR, "[line] %u (sip): transport must be udp or tcp",
                (unsigned)id);
        goto out;
    }

    /* bind: where the user agent listens; by default the uri's host and port. */
    v = ot_line_conf_get(cf, "bind");
    const char *host, *port;
    if (v) {
        snprintf(buf, sizeof(buf), "%s%s", has_scheme(v) ? "" : "sip:", v);
        if (parse_sip_url(home, buf, &u) || u->url_user) {
            ot_logc(OT_CAT_CONFIG, OTLOG_ERROR, "[line] %u (sip): bind must be IP:PORT", (unsigned)id);
            goto out;
        }
        host = u->url_host, port = u->url_port;
    } else
        host = uri->url_host, port = uri->url_port;
    snprintf(buf, sizeof(buf), "sip:%s:%s;transport=%s", host, port ? port : "5060",
             l->tcp ? "tcp" : "udp");
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
    l->bind_port = dupstr(port ? port : "5060");
    if (!strcmp(ip, "*") || !strcmp(ip, "0.0.0.0"))
        snprintf(ip, sizeof(ip), "%s", "127.0.0.1");
    snprintf(buf, sizeof(buf),
             "v=0\r\n"
             "o=opentapi 1 1 IN %s %s\r\n"
             "s=opentapi\r\n"
             "c=IN %s %s\r\n"
             "t=0 0\r\n"
             "m=audio 9 RTP/AVP 0 8\r\n"
             "a=rtpmap:0 PCMU/8000\r\n"
             "a=rtpmap:8 PCMA/8000\r\n"
             "a=inactive\r\n",
             v6 ? "IP6" : "IP4", ip, v6 ? "IP6" : "IP4", ip);
    l->sdp = dupstr(buf);

    v = ot_line_conf_get(cf, "proxy");
    if (v) {
        if (parse_sip_url(home, v, &u)) {
            ot_logc(OT_CAT_CONFIG, OTLOG_ERROR, "[line] %u (sip): proxy must be a SIP URI", (unsigned)id);
            goto out;
        }
        l->proxy = dupstr(v);
    }
    v = ot_line_conf_get(cf, "registrar");
    if (v) {
        if (parse_sip_url(home, v, &u)) {
            ot_logc(OT_CAT_CONFIG, OTLOG_ERROR, "[line] %u (sip): registrar must be a SIP URI",
                    (unsigned)id);
            goto out;
        }
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
        if (*end || *v == '-' || e < 10 || e > 86400) {
            ot_logc(OT_CAT_CONFIG, OTLOG_ERROR, "[line] %u (sip): expires must be 10..86400 seconds",
                    (unsigned)id);
            goto out;
        }
        l->expires = (unsigned)e;
    }
    v = ot_line_conf_get(cf, "display");
    if (v && strpbrk(v, "\"\\\r\n")) {
        ot_logc(OT_CAT_CONFIG, OTLOG_ERROR, "[line] %u (sip): display may not contain quotes",
                (unsigned)id);
        goto out;
    }
    if (v && *v)
        snprintf(buf, sizeof(buf), "\"%s\" <%s>", v, l->aor);
    else
        snprintf(buf, sizeof(buf), "<%s>", l->aor);
    l->from = dupstr(buf);
    l->display = dupstr(v && *v ? v : NULL);
    l->reject = ot_sip_reject_lookup(603);
    v = ot_line_conf_get(cf, "reject_status");
    if (v) {
        l->reject = ot_sip_reject_lookup(atoi(v));
        if (!l->reject) {
            ot_logc(OT_CAT_CONFIG, OTLOG_ERROR,
                    "[line] %u (sip): reject_status must be 403, 480, 486, 600 or 603",
                    (unsigned)id);
            goto out;
        }
    }
    if (!l->aor || !l->user || !l->domain || !l->bind_url || !l->sdp || !l->from ||
        !l->username || !l->bind_host || !l->bind_port) {
        ot_logc(OT_CAT_CONFIG, OTLOG_ERROR, "out of memory configuring SIP line %u", (unsigned)id);
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
}

int sip_line_probe_bind(const struct sip_line *l)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = l->tcp ? SOCK_STREAM : SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    bool any = !strcmp(l->bind_host, "*");
    if (getaddrinfo(any ? NULL : l->bind_host, l->bind_port, &hints, &res) != 0 || !res)
        return -1;
    int fd = socket(res->ai_family, res->ai_socktype, 0), rc = -1;
    if (fd >= 0) {
        /* A TCP port in TIME_WAIT is free for Sofia's listener (which reuses
         * addresses), one with a listener is not. */
        int one = 1;
        if (l->tcp)
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        rc = bind(fd, res->ai_addr, res->ai_addrlen);
        close(fd);
    }
    freeaddrinfo(res);
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
    if (has_scheme(dest))
        snprintf(buf, sizeof(buf), "%s", dest);
    else if (strchr(dest, '@'))
        snprintf(buf, sizeof(buf), "sip:%s", dest);
    else
        snprintf(buf, sizeof(buf), "sip:%s@%s", dest, l->domain);
    char *r = NULL;
    if (strlen(buf) < sizeof(buf) - 16 && parse_sip_url(home, buf, &u) == 0) {
        if (l->tcp && !l->proxy && !url_has_param(u, "transport"))
            strcat(buf, ";transport=tcp");
        r = ot_strdup(buf);
    }
    su_home_deinit(home);
    return r;
}
