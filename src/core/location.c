/* The [location] sections of the configuration: the dialing locations of
 * lineTranslateAddress, lineGetTranslateCaps and tapiGetLocationInfo.
 * config.c calls ot_loc_check() so that a bad [location] fails the whole
 * configuration; dialing.c calls ot_loc_parse() to use them.
 * docs/configuration.md describes the keys. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialing.h"

#define ERR(...)                                                                               \
    do {                                                                                       \
        if (err && errlen)                                                                     \
            snprintf(err, errlen, __VA_ARGS__);                                                \
        goto fail;                                                                             \
    } while (0)

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

static bool all_digits(const char *s)
{
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* Characters a prefix may hold: digits, * and the pauses/waits of the
 * dialable address format (a '#' would start a comment in this file). */
static bool dialable(const char *s)
{
    for (; *s; s++)
        if (!strchr("0123456789*,WwPpTt!", *s))
            return false;
    return true;
}

static int set_str(char *dst, size_t cap, const char *v, bool ok)
{
    if (!ok || strlen(v) >= cap)
        return -1;
    strcpy(dst, v);
    return 0;
}

static int parse_tolls(struct ot_location *l, const char *v)
{
    l->ntoll = 0;
    while (*v) {
        const char *c = strchr(v, ',');
        size_t n = c ? (size_t)(c - v) : strlen(v);
        char tmp[16];
        if (n == 0 || n >= sizeof(l->toll[0]) || l->ntoll == OT_TOLL_MAX)
            return -1;
        memcpy(tmp, v, n);
        tmp[n] = '\0';
        if (!all_digits(tmp))
            return -1;
        strcpy(l->toll[l->ntoll++], tmp);
        v = c ? c + 1 : v + n;
        if (c && !*v)
            return -1;
    }
    return 0;
}

static int loc_key(struct ot_location *l, bool *current, const char *k, const char *v)
{
    if (!strcmp(k, "id")) {
        char *end;
        unsigned long long n = strtoull(v, &end, 10);
        if (!*v || *v == '-' || *end || n == 0 || n > 0x7fffffffu)
            return -1;
        l->id = (DWORD)n;
        return 0;
    }
    if (!strcmp(k, "name"))
        return set_str(l->name, sizeof(l->name), v, *v != '\0');
    if (!strcmp(k, "country")) {
        char *end;
        unsigned long long n = strtoull(v, &end, 10);
        if (!*v || *v == '-' || *end || n > 0xffffffffu || !ot_country_by_id((DWORD)n))
            return -1;
        l->country_id = (DWORD)n;
        return 0;
    }
    if (!strcmp(k, "area"))
        return set_str(l->area, sizeof(l->area), v, all_digits(v) && strlen(v) <= 7);
    if (!strcmp(k, "local_prefix"))
        return set_str(l->local_prefix, sizeof(l->local_prefix), v, dialable(v));
    if (!strcmp(k, "long_distance_prefix"))
        return set_str(l->ld_prefix, sizeof(l->ld_prefix), v, dialable(v));
    if (!strcmp(k, "cancel_call_waiting"))
        return set_str(l->cancel_cw, sizeof(l->cancel_cw), v, dialable(v));
    if (!strcmp(k, "toll_prefixes"))
        return parse_tolls(l, v);
    if (!strcmp(k, "pulse") || !strcmp(k, "current")) {
        bool b;
        if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "on"))
            b = true;
        else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0") ||
                 !strcmp(v, "off"))
            b = false;
        else
            return -1;
        if (k[0] == 'p')
            l->pulse = b;
        else
            *current = b;
        return 0;
    }
    return -2;
}

static const char *const key_help =
    "id (1..2147483647), name, country (an ID of lineGetCountry), area (up to 7 digits), "
    "local_prefix, long_distance_prefix, cancel_call_waiting (digits , * W P T !), "
    "toll_prefixes (digits,digits,...), pulse, current (yes/no)";

int ot_loc_parse(const char *text, struct ot_locations **out, char *err, size_t errlen)
{
    struct ot_locations *ls = NULL;
    bool in_loc = false, cur = false;
    int cur_idx = -1;
    bool country_set[OT_LOC_MAX] = {false};
    unsigned lineno = 0;
    char buf[512];
    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    while (text && *text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        lineno++;
        if (n >= sizeof(buf))
            ERR("line %u: longer than %zu characters", lineno, sizeof(buf) - 1);
        memcpy(buf, text, n);
        buf[n] = '\0';
        text = nl ? nl + 1 : text + n;
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = '\0';
        char *s = trim(buf);
        if (!*s)
            continue;
        if (*s == '[') {
            char *e = strchr(s, ']');
            if (e)
                *e = '\0';
            in_loc = !strcmp(trim(s + 1), "location");
            if (!in_loc)
                continue;
            if (!ls && !(ls = calloc(1, sizeof(*ls))))
                ERR("out of memory");
            if (ls->n == OT_LOC_MAX)
                ERR("line %u: more than %u [location] sections", lineno, OT_LOC_MAX);
            struct ot_location *l = &ls->loc[ls->n++];
            l->id = ls->n;
            snprintf(l->name, sizeof(l->name), "Location %u", ls->n);
            continue;
        }
        if (!in_loc)
            continue;
        char *eq = strchr(s, '=');
        if (!eq)
            continue; /* config.c reports it */
        *eq = '\0';
        char *k = trim(s), *v = trim(eq + 1);
        struct ot_location *l = &ls->loc[ls->n - 1];
        cur = false;
        int rc = loc_key(l, &cur, k, v);
        if (rc == -2)
            ERR("line %u: unknown key %s in [location] (keys: %s)", lineno, k, key_help);
        if (rc)
            ERR("line %u: bad value for %s in [location] (keys: %s)", lineno, k, key_help);
        if (!strcmp(k, "country"))
            country_set[ls->n - 1] = true;
        if (!strcmp(k, "current") && cur) {
            if (cur_idx >= 0 && cur_idx != (int)ls->n - 1)
                ERR("line %u: only one [location] can be current", lineno);
            cur_idx = (int)ls->n - 1;
        }
    }
    if (ls) {
        for (unsigned i = 0; i < ls->n; i++) {
            if (!country_set[i])
                ERR("[location] %u (%s): country missing", i + 1, ls->loc[i].name);
            for (unsigned j = 0; j < i; j++)
                if (ls->loc[j].id == ls->loc[i].id)
                    ERR("[location] %u (%s): id %u used twice", i + 1, ls->loc[i].name,
                        (unsigned)ls->loc[i].id);
        }
        ls->current = ls->loc[cur_idx >= 0 ? cur_idx : 0].id;
    }
    *out = ls;
    return 0;
fail:
    free(ls);
    return -1;
}

int ot_loc_check(const char *text, char *err, size_t errlen)
{
    struct ot_locations *ls;
    if (ot_loc_parse(text, &ls, err, errlen))
        return -1;
    free(ls);
    return 0;
}
