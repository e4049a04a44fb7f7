/* The configuration file: an INI-like text of [line] sections (one line device
 * each, numbered in file order) and provider sections such as [sim].  This file
 * owns parsing and validation; docs/configuration.md is its user manual.
 * The built-in default topology is written in the same format. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "dialing.h"

static const char default_config[] =
    "# opentapi default topology: the embedded switch (provider \"sim\").\n"
    "[sim]\n"
    "no_answer_ms = 60000\n"
    "reply_delay_ms = 0\n"
    "\n"
    "# Devices 0-7: private stations 100-107, 128 bytes of UUI everywhere, can reject.\n"
    "[line]\nname = Station 100\nnumber = 100\n"
    "[line]\nname = Station 101\nnumber = 101\n"
    "[line]\nname = Station 102\nnumber = 102\n"
    "[line]\nname = Station 103\nnumber = 103\n"
    "[line]\nname = Station 104\nnumber = 104\n"
    "[line]\nname = Station 105\nnumber = 105\n"
    "[line]\nname = Station 106\nnumber = 106\n"
    "[line]\nname = Station 107\nnumber = 107\n"
    "\n"
    "# Devices 8-9: two stations with a bridged-shared appearance of 200.\n"
    "[line]\nname = Bridge 200 (A)\nnumber = 200\nsharing = bridged-shared\n"
    "[line]\nname = Bridge 200 (B)\nnumber = 200\nsharing = bridged-shared\n"
    "\n"
    "# Devices 10-11: two stations with a bridged-exclusive appearance of 201.\n"
    "[line]\nname = Bridge 201 (A)\nnumber = 201\nsharing = bridged-exclusive\n"
    "[line]\nname = Bridge 201 (B)\nnumber = 201\nsharing = bridged-exclusive\n"
    "\n"
    "# Devices 12-13: two stations on party line 300.\n"
    "[line]\nname = Party line 300 (A)\nnumber = 300\nsharing = party\n"
    "[line]\nname = Party line 300 (B)\nnumber = 300\nsharing = party\n"
    "\n"
    "# Device 14: a basic station, no UUI, cannot reject an offered call.\n"
    "[line]\nname = Basic 400\nnumber = 400\nuui = 0\nreject = no\nconference = 0\n";

const char *ot_conf_default_text(void) { return default_config; }

/* A key given twice: the last one counts (so the lookups go backwards). */
const char *ot_line_conf_get_at(const struct ot_line_conf *c, const char *key, unsigned *lineno)
{
    for (unsigned i = c->nkv; i-- > 0;)
        if (!strcmp(c->kv[i].key, key)) {
            if (lineno)
                *lineno = c->kv[i].lineno;
            return c->kv[i].value;
        }
    if (lineno)
        *lineno = 0;
    return NULL;
}

const char *ot_line_conf_get(const struct ot_line_conf *c, const char *key)
{
    return ot_line_conf_get_at(c, key, NULL);
}

const char *ot_conf_get_at(const struct ot_conf *cf, const char *section, const char *key,
                           unsigned *lineno)
{
    for (unsigned i = cf->nkv; i-- > 0;)
        if (!strcmp(cf->kv[i].section, section) && !strcmp(cf->kv[i].key, key)) {
            if (lineno)
                *lineno = cf->kv[i].lineno;
            return cf->kv[i].value;
        }
    if (lineno)
        *lineno = 0;
    return NULL;
}

const char *ot_conf_get(const struct ot_conf *cf, const char *section, const char *key)
{
    return ot_conf_get_at(cf, section, key, NULL);
}

unsigned ot_conf_nlines(const struct ot_conf *cf) { return cf->nlines; }

const char *ot_conf_key(const struct ot_conf *cf, unsigned i, const char **section,
                        const char **value, unsigned *lineno)
{
    if (i >= cf->nkv)
        return NULL;
    *section = cf->kv[i].section;
    *value = cf->kv[i].value;
    *lineno = cf->kv[i].lineno;
    return cf->kv[i].key;
}

const struct ot_line_conf *ot_conf_line(const struct ot_conf *cf, unsigned i)
{
    return i < cf->nlines ? &cf->lines[i] : NULL;
}

void ot_escape(char *out, size_t outlen, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    if (!outlen)
        return;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char tmp[4];
        size_t k = 0;
        if (c == '\\')
            tmp[k++] = '\\', tmp[k++] = '\\';
        else if (c >= 0x20 && c < 0x7f)
            tmp[k++] = (char)c;
        else
            tmp[k++] = '\\', tmp[k++] = 'x', tmp[k++] = hex[c >> 4], tmp[k++] = hex[c & 15];
        if (o + k >= outlen)
            break;
        memcpy(out + o, tmp, k);
        o += k;
    }
    out[o] = '\0';
}

/* The text a configuration may hold: UTF-8 without control characters (TAB
 * is a blank).  Returns the length of the character at s (1..4; at most n
 * bytes are looked at), or 0 when s does not start one: NUL and the other C0
 * controls, DEL, the C1 controls (U+0080..U+009F, which a terminal may obey),
 * and every byte sequence that is not UTF-8 (overlong, surrogates, > U+10FFFF). */
static size_t text_char(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c == '\t' || (c >= 0x20 && c < 0x7f))
        return 1;
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, lo = c == 0xc2 ? 0xa0 : 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
    else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return len;
}

#define OT_CONF_FILE_MAX (16u << 20)

LONG ot_conf_read_file(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
    *text = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC), e = 0;
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0)
        e = errno;
    else if (S_ISDIR(st.st_mode))
        e = EISDIR;
    if (e) {
        snprintf(err, errlen, "cannot read the file: %s", strerror(e));
        if (fd >= 0)
            close(fd);
        return LINEERR_OPERATIONFAILED;
    }
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            close(fd);
            snprintf(err, errlen, "out of memory");
            return LINEERR_NOMEM;
        }
        if (n == cap - 1) {
            if (cap >= OT_CONF_FILE_MAX) {
                free(buf);
                close(fd);
                snprintf(err, errlen, "larger than %u MiB: not a configuration",
                         OT_CONF_FILE_MAX >> 20);
                return LINEERR_INIFILECORRUPT;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb)
                free(buf);
            buf = nb;
            cap *= 2;
            continue;
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            e = errno;
            free(buf);
            close(fd);
            snprintf(err, errlen, "cannot read the file: %s", strerror(e));
            return LINEERR_OPERATIONFAILED;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (n == 0) {
        free(buf);
        snprintf(err, errlen, "the file is empty");
        return LINEERR_INIFILECORRUPT;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}

void ot_conf_free(struct ot_conf *cf)
{
    for (unsigned i = 0; i < cf->nlines; i++)
        free(cf->lines[i].kv);
    free(cf->lines);
    free(cf->kv);
    memset(cf, 0, sizeof(*cf));
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* Keys and section names: ASCII letters, digits, '_' and '-'. */
static bool is_name(const char *s)
{
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
            return false;
    return true;
}

/* The sections a configuration may have (a provider's section is known even
 * in a build without that provider: its lines are what such a build refuses);
 * also the list the error message gives. */
static const char section_help[] =
    "line, sim, sip, kamailio, proxy, location, server, client, access";
static bool is_section(const char *s)
{
    size_t n = strlen(s);
    for (const char *p = section_help; (p = strstr(p, s)) != NULL; p += n)
        if ((p == section_help || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
            return true;
    return false;
}

/* A key of [access] is a line's number (an address: +, *, # and the like)
 * or * for every line: printable ASCII, no space, '=', brackets or comment. */
static bool is_access_key(const char *s)
{
    for (; *s; s++)
        if (*s <= ' ' || *s > '~' || strchr("=[];#", *s))
            return false;
    return true;
}

static int parse_bool(const char *v, bool *out)
{
    if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "on"))
        *out = true;
    else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "off"))
        *out = false;
    else
        return -1;
    return 0;
}

static int parse_dword(const char *v, DWORD max, DWORD *out)
{
    char *end;
    if (!*v || *v == '-')
        return -1;
    unsigned long long n = strtoull(v, &end, 10);
    if (*end || n > max)
        return -1;
    *out = (DWORD)n;
    return 0;
}

static void line_defaults(struct ot_line_conf *l)
{
    memset(l, 0, sizeof(*l));
    strcpy(l->provider, "sim");
    l->sharing = LINEADDRESSSHARING_PRIVATE;
    l->can_reject = true;
    l->close_drop = true;
    l->uui_accept = l->uui_answer = l->uui_make_call = l->uui_drop = l->uui_send =
        l->uui_call_info = 128;
    l->max_conf = 8;
}

#define OT_UUI_MAX 65536u
#define OT_MAX_LINES 1048576u
#define ERR(...)                                                                               \
    do {                                                                                       \
        if (err && errlen)                                                                     \
            snprintf(err, errlen, __VA_ARGS__);                                                \
        goto fail;                                                                             \
    } while (0)
/* Out of memory: told apart from a bad text (ot_conf_parse returns -2). */
#define ERR_NOMEM()                                                                            \
    do {                                                                                       \
        nomem = true;                                                                          \
        ERR("out of memory");                                                                  \
    } while (0)

static int line_key(struct ot_line_conf *l, const char *k, const char *v, char *err,
                    size_t errlen, unsigned lineno)
{
    bool nomem = false;
    DWORD n;
    if (!strcmp(k, "provider")) {
        if (strlen(v) >= sizeof(l->provider) || !*v)
            ERR("line %u: bad provider name", lineno);
        strcpy(l->provider, v);
        l->provider_lineno = lineno;
        /* Third-party lines watch phones: closing the line leaves their calls. */
        if (!strcmp(v, "kamailio"))
            l->close_drop = false;
    } else if (!strcmp(k, "name")) {
        if (strlen(v) >= sizeof(l->name))
            ERR("line %u: name longer than %zu characters", lineno, sizeof(l->name) - 1);
        strcpy(l->name, v);
    } else if (!strcmp(k, "number")) {
        if (!*v || strlen(v) >= sizeof(l->number))
            ERR("line %u: number empty or longer than %zu characters", lineno,
                sizeof(l->number) - 1);
        strcpy(l->number, v);
    } else if (!strcmp(k, "sharing")) {
        l->party_line = false;
        if (!strcmp(v, "private"))
            l->sharing = LINEADDRESSSHARING_PRIVATE;
        else if (!strcmp(v, "bridged-shared"))
            l->sharing = LINEADDRESSSHARING_BRIDGEDSHARED;
        else if (!strcmp(v, "bridged-exclusive"))
            l->sharing = LINEADDRESSSHARING_BRIDGEDEXCL;
        else if (!strcmp(v, "party")) {
            /* TAPI has no sharing constant for a party line: the appearances
             * behave as bridged-shared, and calls survive a close (no CLOSEDROP). */
            l->sharing = LINEADDRESSSHARING_BRIDGEDSHARED;
            l->party_line = true;
            l->close_drop = false;
        } else
            ERR("line %u: sharing must be private, bridged-shared, bridged-exclusive or party",
                lineno);
    } else if (!strcmp(k, "reject")) {
        if (parse_bool(v, &l->can_reject))
            ERR("line %u: reject must be yes or no", lineno);
    } else if (!strcmp(k, "close_drop")) {
        if (parse_bool(v, &l->close_drop))
            ERR("line %u: close_drop must be yes or no", lineno);
    } else if (!strcmp(k, "conference")) {
        if (parse_dword(v, 32, &n) || n == 1 || n == 2)
            ERR("line %u: conference must be 0 (none) or 3..32 parties", lineno);
        l->max_conf = n;
    } else if (!strncmp(k, "uui", 3)) {
        if (parse_dword(v, OT_UUI_MAX, &n))
            ERR("line %u: %s must be a number of bytes from 0 to %u", lineno, k, OT_UUI_MAX);
        if (!strcmp(k, "uui"))
            l->uui_accept = l->uui_answer = l->uui_make_call = l->uui_drop = l->uui_send =
                l->uui_call_info = n;
        else if (!strcmp(k, "uui_accept"))
            l->uui_accept = n;
        else if (!strcmp(k, "uui_answer"))
            l->uui_answer = n;
        else if (!strcmp(k, "uui_make_call"))
            l->uui_make_call = n;
        else if (!strcmp(k, "uui_drop"))
            l->uui_drop = n;
        else if (!strcmp(k, "uui_send"))
            l->uui_send = n;
        else if (!strcmp(k, "uui_call_info"))
            l->uui_call_info = n;
        else
            ERR("line %u: unknown key %s", lineno, k);
    } else {
        /* provider-specific key, checked by the provider */
        if (l->nkv == OT_KV_MAX)
            ERR("line %u: too many keys in one [line]", lineno);
        if (strlen(k) >= sizeof(l->kv[0].key) || strlen(v) >= sizeof(l->kv[0].value))
            ERR("line %u: key or value too long", lineno);
        struct ot_line_kv *nkv = realloc(l->kv, (l->nkv + 1) * sizeof(*nkv));
        if (!nkv)
            ERR_NOMEM();
        l->kv = nkv;
        strcpy(l->kv[l->nkv].key, k);
        strcpy(l->kv[l->nkv].value, v);
        l->kv[l->nkv].lineno = lineno;
        l->nkv++;
    }
    return 0;
fail:
    return nomem ? -2 : -1;
}

int ot_conf_parse(const char *text, size_t len, struct ot_conf *cf, char *err, size_t errlen)
{
    memset(cf, 0, sizeof(*cf));
    bool nomem = false;
    char section[16] = "";
    unsigned lineno = 0, lines_cap = 0;
    const char *p = text, *end = text + len;
    char buf[512];
    if (err && errlen)
        err[0] = '\0';
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        lineno++;
        if (n >= sizeof(buf))
            ERR("line %u: longer than %zu characters", lineno, sizeof(buf) - 1);
        memcpy(buf, p, n);
        p = nl ? nl + 1 : end;
        if (n && buf[n - 1] == '\r') /* CRLF line ends */
            n--;
        buf[n] = '\0';
        for (size_t i = 0, k; i < n; i += k) {
            k = text_char((const unsigned char *)buf + i, n - i);
            if (!k) {
                unsigned char c = (unsigned char)buf[i];
                if (c == 0)
                    ERR("line %u, column %zu: a NUL byte (the configuration is text)", lineno,
                        i + 1);
                ERR("line %u, column %zu: byte \\x%02x: the configuration is UTF-8 text "
                    "without control characters",
                    lineno, i + 1, c);
            }
        }
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = '\0';
        char *s = trim(buf);
        if (!*s)
            continue;
        if (*s == '[') {
            char *e = strchr(s, ']');
            if (!e || e[1] != '\0')
                ERR("line %u: a section header is [name]", lineno);
            *e = '\0';
            char *name = trim(s + 1);
            if (!*name || strlen(name) >= sizeof(section) || !is_name(name))
                ERR("line %u: bad section name (letters, digits, _ and -, at most %zu)", lineno,
                    sizeof(section) - 1);
            if (!is_section(name))
                ERR("line %u: unknown section [%s] (sections: %s)", lineno, name, section_help);
            strcpy(section, name);
            if (!strcmp(section, "line")) {
                if (cf->nlines >= OT_MAX_LINES)
                    ERR("line %u: more than %u line devices", lineno, OT_MAX_LINES);
                if (cf->nlines == lines_cap) {
                    unsigned ncap = lines_cap ? lines_cap * 2 : 16;
                    struct ot_line_conf *nlp = realloc(cf->lines, ncap * sizeof(*cf->lines));
                    if (!nlp)
                        ERR_NOMEM();
                    cf->lines = nlp;
                    lines_cap = ncap;
                }
                line_defaults(&cf->lines[cf->nlines]);
                cf->lines[cf->nlines++].lineno = lineno;
            }
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq)
            ERR("line %u: expected key = value", lineno);
        *eq = '\0';
        char *k = trim(s), *v = trim(eq + 1);
        if (!*k)
            ERR("line %u: empty key", lineno);
        if (!is_name(k) && !(!strcmp(section, "access") && is_access_key(k)))
            ERR("line %u: a key is letters, digits, _ and -", lineno);
        if (!*section)
            ERR("line %u: key %s outside a section", lineno, k);
        if (!strcmp(section, "line")) {
            int lk = line_key(&cf->lines[cf->nlines - 1], k, v, err, errlen, lineno);
            nomem = lk == -2;
            if (lk)
                goto fail;
        } else {
            if (strlen(k) >= sizeof(cf->kv[0].key) || strlen(v) >= sizeof(cf->kv[0].value))
                ERR("line %u: key or value too long", lineno);
            void *nkv = realloc(cf->kv, (cf->nkv + 1) * sizeof(*cf->kv));
            if (!nkv)
                ERR_NOMEM();
            cf->kv = nkv;
            strcpy(cf->kv[cf->nkv].section, section);
            strcpy(cf->kv[cf->nkv].key, k);
            strcpy(cf->kv[cf->nkv].value, v);
            cf->kv[cf->nkv].lineno = lineno;
            cf->nkv++;
        }
    }
    if (!cf->nlines)
        ERR("no [line] section: a configuration has at least one line device");
    for (unsigned i = 0; i < cf->nlines; i++) {
        if (!cf->lines[i].number[0])
            ERR("line %u: [line] (device %u) has no number", cf->lines[i].lineno, i);
        if (!cf->lines[i].name[0])
            snprintf(cf->lines[i].name, sizeof(cf->lines[i].name), "Line %u", i);
    }
    if (ot_loc_check(text, err, errlen)) /* the [location] sections (location.c) */
        goto fail;
    return 0;
fail:
    ot_conf_free(cf);
    return nomem ? -2 : -1;
}
