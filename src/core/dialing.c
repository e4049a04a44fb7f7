/* Dialing rules: lineTranslateAddress, lineGetTranslateCaps,
 * lineSetCurrentLocation, lineSetTollList, lineGetCountry,
 * tapiGetLocationInfo and the GUI-only lineTranslateDialog.
 *
 * The locations come from the [location] sections of the configuration
 * (location.c), the countries from countries.c.  As on Windows these
 * functions work before lineInitialize(Ex) too (hLineApp 0), so the state
 * (the locations, the current one, the toll lists) is loaded from the
 * configuration in force on first use and kept, with the changes
 * lineSetCurrentLocation and lineSetTollList make, until the configuration
 * text changes.  It has its own lock (dial_lock), never taken with the core
 * lock held. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dialing.h"
#include "ot.h"

static pthread_mutex_t dial_lock = PTHREAD_MUTEX_INITIALIZER;
static char *state_text;             /* the configuration the state was read from */
static struct ot_locations *state;   /* NULL: no [location] */
static DWORD state_nlines;

#define OT_ADDR_MAX 256u

static bool api_ok(DWORD v)
{
    return v == 0x00010004u || v == 0x00020000u || v == 0x00020001u || v == 0x00020002u;
}

/* Brings the state up to date with the configuration; dial_lock held. */
static LONG load_state(void)
{
    LONG err;
    char *text = ot_config_text(&err);
    if (!text)
        return err;
    if (state_text && !strcmp(state_text, text)) {
        free(text);
        return 0;
    }
    struct ot_conf cf;
    struct ot_locations *ls;
    char msg[256];
    if (ot_conf_parse(text, strlen(text), &cf, msg, sizeof(msg))) {
        free(text);
        return LINEERR_INIFILECORRUPT;
    }
    DWORD nlines = cf.nlines;
    ot_conf_free(&cf);
    if (ot_loc_parse(text, &ls, msg, sizeof(msg))) {
        free(text);
        return LINEERR_INIFILECORRUPT;
    }
    free(state_text);
    free(state);
    state_text = text;
    state = ls;
    state_nlines = nlines;
    return 0;
}

/* hLineApp 0 is allowed (not initialized yet); otherwise it must be valid.
 * A device ID, when checked, is one of the running core or, before
 * initialization, of the configuration. */
static LONG check_app(HLINEAPP h)
{
    if (!h)
        return 0;
    ot_lock();
    LONG rc = ot_app_get(h) ? 0 : LINEERR_INVALAPPHANDLE;
    ot_unlock();
    return rc;
}

/* Takes dial_lock and loads the state; on success the caller unlocks. */
static LONG enter(HLINEAPP h, bool need_locations)
{
    LONG rc = check_app(h);
    if (rc)
        return rc;
    pthread_mutex_lock(&dial_lock);
    rc = load_state();
    if (!rc && need_locations && !state)
        rc = LINEERR_INIFILECORRUPT; /* no [location] in the configuration */
    if (rc)
        pthread_mutex_unlock(&dial_lock);
    return rc;
}

static struct ot_location *current_location(void)
{
    for (unsigned i = 0; i < state->n; i++)
        if (state->loc[i].id == state->current)
            return &state->loc[i];
    return &state->loc[0];
}

/* ---- canonical addresses: "+E [(F)] G[|subaddress][^name][CRLF...]" ---- */
struct canon {
    DWORD country;       /* E */
    char area[16];       /* F, "" if absent */
    char number[OT_ADDR_MAX + 1]; /* G without formatting characters */
    const char *rest;    /* from the first '|', '^', CR or LF on */
};

static bool is_fmt(char c) { return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')'; }

static LONG parse_canonical(const char *a, struct canon *out)
{
    const char *p = a + 1;
    DWORD cc = 0;
    unsigned nd = 0;
    memset(out, 0, sizeof(*out));
    while (*p >= '0' && *p <= '9') {
        if (++nd > 3)
            return LINEERR_INVALADDRESS;
        cc = cc * 10 + (DWORD)(*p++ - '0');
    }
    if (nd == 0 || cc == 0 || *p != ' ')
        return LINEERR_INVALADDRESS;
    while (*p == ' ')
        p++;
    if (*p == '(') {
        p++;
        size_t n = 0;
        while (*p >= '0' && *p <= '9') {
            if (n + 1 >= sizeof(out->area))
                return LINEERR_INVALADDRESS;
            out->area[n++] = *p++;
        }
        if (*p != ')')
            return LINEERR_INVALADDRESS;
        p++;
        while (*p == ' ')
            p++;
    }
    size_t n = 0;
    bool digit = false;
    for (; *p && !strchr("|^\r\n", *p); p++) {
        if (is_fmt(*p))
            continue;
        if (!strchr("0123456789ABCDabcd*#!WwPpTt@$?,", *p))
            return LINEERR_INVALADDRESS;
        digit |= *p >= '0' && *p <= '9';
        out->number[n++] = *p;
    }
    if (!digit)
        return LINEERR_INVALADDRESS;
    out->number[n] = '\0';
    out->country = cc;
    out->rest = p;
    return 0;
}

static LONG check_address(const char *a)
{
    if (!a)
        return LINEERR_INVALPOINTER;
    size_t n = strnlen(a, OT_ADDR_MAX + 1);
    if (n == 0 || n > OT_ADDR_MAX)
        return LINEERR_INVALADDRESS;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)a[i] < 0x20 && a[i] != '\r' && a[i] != '\n') ||
            (unsigned char)a[i] >= 0x7f)
            return LINEERR_INVALADDRESS;
    return 0;
}

/* Expands a rule (E, F, G replaced, other characters kept) onto out. */
static void expand(char *out, size_t cap, const char *rule, DWORD e, const char *f, const char *g)
{
    size_t len = strlen(out);
    for (; *rule && len + 1 < cap; rule++) {
        char num[12];
        const char *ins = NULL;
        if (*rule == 'E') {
            snprintf(num, sizeof(num), "%u", (unsigned)e);
            ins = num;
        } else if (*rule == 'F')
            ins = f;
        else if (*rule == 'G')
            ins = g;
        if (ins) {
            size_t k = strlen(ins);
            if (len + k + 1 > cap)
                k = cap - 1 - len;
            memcpy(out + len, ins, k);
            len += k;
        } else
            out[len++] = *rule;
        out[len] = '\0';
    }
}

static bool in_toll_list(const struct ot_location *l, const char *number)
{
    for (unsigned i = 0; i < l->ntoll; i++)
        if (!strncmp(number, l->toll[i], strlen(l->toll[i])))
            return true;
    return false;
}

#define TRANSLATE_OPTIONS                                                                      \
    (LINETRANSLATEOPTION_CARDOVERRIDE | LINETRANSLATEOPTION_CANCELCALLWAITING |                \
     LINETRANSLATEOPTION_FORCELOCAL | LINETRANSLATEOPTION_FORCELD)

LONG lineTranslateAddress(HLINEAPP hLineApp, DWORD dwDeviceID, DWORD dwAPIVersion,
                          LPCSTR lpszAddressIn, DWORD dwCard, DWORD dwTranslateOptions,
                          LPLINETRANSLATEOUTPUT lpTranslateOutput)
{
    (void)dwCard;
    if (!api_ok(dwAPIVersion))
        return LINEERR_INCOMPATIBLEAPIVERSION;
    LONG rc = check_address(lpszAddressIn);
    if (rc)
        return rc;
    if (!lpTranslateOutput)
        return LINEERR_INVALPOINTER;
    if (lpTranslateOutput->dwTotalSize < sizeof(LINETRANSLATEOUTPUT))
        return LINEERR_STRUCTURETOOSMALL;
    if ((dwTranslateOptions & ~(DWORD)TRANSLATE_OPTIONS) ||
        ((dwTranslateOptions & LINETRANSLATEOPTION_FORCELOCAL) &&
         (dwTranslateOptions & LINETRANSLATEOPTION_FORCELD)))
        return LINEERR_INVALPARAM;
    /* No calling cards are configured, so no card can override. */
    if (dwTranslateOptions & LINETRANSLATEOPTION_CARDOVERRIDE)
        return LINEERR_INVALCARD;
    if ((rc = enter(hLineApp, true)))
        return rc;
    if (dwDeviceID >= state_nlines) {
        pthread_mutex_unlock(&dial_lock);
        return LINEERR_BADDEVICEID;
    }
    const struct ot_location *l = current_location();
    const struct ot_country *home = ot_country_by_id(l->country_id);
    char out[2 * OT_ADDR_MAX + 64] = "";
    DWORD results = 0, dest = 0;
    if (dwTranslateOptions & LINETRANSLATEOPTION_CANCELCALLWAITING)
        strcat(out, l->cancel_cw);
    if (lpszAddressIn[0] != '+') {
        /* not canonical: dialed as given */
        size_t k = strlen(out);
        snprintf(out + k, sizeof(out) - k, "%s", lpszAddressIn);
    } else {
        struct canon c;
        if ((rc = parse_canonical(lpszAddressIn, &c))) {
            pthread_mutex_unlock(&dial_lock);
            return rc;
        }
        char same[8], ld[16], intl[24];
        ot_country_rules(home, same, ld, intl);
        dest = c.country;
        results = LINETRANSLATERESULT_CANONICAL;
        if (c.country != home->code) {
            strcat(out, l->ld_prefix);
            expand(out, sizeof(out), intl, c.country, c.area, c.number);
            results |= LINETRANSLATERESULT_INTERNATIONAL;
        } else {
            bool local = c.area[0] ? !strcmp(c.area, l->area) : !l->area[0];
            bool toll = false;
            if (dwTranslateOptions & LINETRANSLATEOPTION_FORCELOCAL)
                local = true;
            else if (dwTranslateOptions & LINETRANSLATEOPTION_FORCELD)
                local = false;
            else if (local && in_toll_list(l, c.number))
                toll = true;
            if (local && !toll) {
                strcat(out, l->local_prefix);
                expand(out, sizeof(out), same, c.country, c.area, c.number);
                results |= LINETRANSLATERESULT_LOCAL | LINETRANSLATERESULT_NOTINTOLLLIST;
            } else {
                strcat(out, l->ld_prefix);
                expand(out, sizeof(out), ld, c.country, c.area, c.number);
                results |= toll ? LINETRANSLATERESULT_LOCAL | LINETRANSLATERESULT_INTOLLLIST
                                : LINETRANSLATERESULT_LONGDISTANCE;
            }
        }
        size_t k = strlen(out);
        snprintf(out + k, sizeof(out) - k, "%s", c.rest);
    }
    DWORD cur_code = home->code;
    pthread_mutex_unlock(&dial_lock);

    LINETRANSLATEOUTPUT to;
    struct ot_varbuf vb = {(unsigned char *)lpTranslateOutput, lpTranslateOutput->dwTotalSize,
                           sizeof(to), sizeof(to)};
    memset(&to, 0, sizeof(to));
    to.dwTotalSize = lpTranslateOutput->dwTotalSize;
    /* No calling-card digits to hide: the displayable string is the dialable one. */
    ot_varbuf_put_str(&vb, out, &to.dwDialableStringSize, &to.dwDialableStringOffset);
    ot_varbuf_put_str(&vb, out, &to.dwDisplayableStringSize, &to.dwDisplayableStringOffset);
    to.dwCurrentCountry = cur_code;
    to.dwDestCountry = dest;
    to.dwTranslateResults = results;
    to.dwNeededSize = vb.needed;
    to.dwUsedSize = vb.used;
    memcpy(lpTranslateOutput, &to, sizeof(to));
    return 0;
}

LONG lineGetTranslateCaps(HLINEAPP hLineApp, DWORD dwAPIVersion,
                          LPLINETRANSLATECAPS lpTranslateCaps)
{
    if (!api_ok(dwAPIVersion))
        return LINEERR_INCOMPATIBLEAPIVERSION;
    if (!lpTranslateCaps)
        return LINEERR_INVALPOINTER;
    if (lpTranslateCaps->dwTotalSize < sizeof(LINETRANSLATECAPS))
        return LINEERR_STRUCTURETOOSMALL;
    LONG rc = enter(hLineApp, true);
    if (rc)
        return rc;
    DWORD total = lpTranslateCaps->dwTotalSize;
    unsigned char *base = (unsigned char *)lpTranslateCaps;
    LINETRANSLATECAPS tc;
    memset(&tc, 0, sizeof(tc));
    tc.dwTotalSize = total;
    tc.dwNumLocations = state->n;
    tc.dwCurrentLocationID = state->current;
    /* The location entries first, then their strings; all or nothing. */
    DWORD list = (DWORD)(state->n * sizeof(LINELOCATIONENTRY));
    DWORD need = (DWORD)sizeof(tc) + list;
    for (unsigned i = 0; i < state->n; i++) {
        const struct ot_location *l = &state->loc[i];
        need += (DWORD)(strlen(l->name) + strlen(l->area) + strlen(l->local_prefix) +
                        strlen(l->ld_prefix) + strlen(l->cancel_cw) + 5);
        for (unsigned t = 0; t < l->ntoll; t++)
            need += (DWORD)strlen(l->toll[t]) + 1;
        need += l->ntoll ? 0 : 1;
    }
    tc.dwNeededSize = need;
    tc.dwUsedSize = sizeof(tc);
    if (total >= need) {
        DWORD off = (DWORD)sizeof(tc) + list;
        tc.dwLocationListSize = list;
        tc.dwLocationListOffset = sizeof(tc);
#define PUT(str, sz, of)                                                                       \
    do {                                                                                       \
        DWORD n_ = (DWORD)strlen(str) + 1;                                                     \
        memcpy(base + off, (str), n_);                                                         \
        e.sz = n_;                                                                             \
        e.of = off;                                                                            \
        off += n_;                                                                             \
    } while (0)
        for (unsigned i = 0; i < state->n; i++) {
            const struct ot_location *l = &state->loc[i];
            LINELOCATIONENTRY e;
            char tolls[OT_TOLL_MAX * 8 + 1] = "";
            memset(&e, 0, sizeof(e));
            e.dwPermanentLocationID = l->id;
            PUT(l->name, dwLocationNameSize, dwLocationNameOffset);
            e.dwCountryCode = ot_country_by_id(l->country_id)->code;
            e.dwCountryID = l->country_id;
            PUT(l->area, dwCityCodeSize, dwCityCodeOffset);
            PUT(l->local_prefix, dwLocalAccessCodeSize, dwLocalAccessCodeOffset);
            PUT(l->ld_prefix, dwLongDistanceAccessCodeSize, dwLongDistanceAccessCodeOffset);
            for (unsigned t = 0; t < l->ntoll; t++) {
                if (t)
                    strcat(tolls, ",");
                strcat(tolls, l->toll[t]);
            }
            PUT(tolls, dwTollPrefixListSize, dwTollPrefixListOffset);
            PUT(l->cancel_cw, dwCancelCallWaitingSize, dwCancelCallWaitingOffset);
            e.dwOptions = l->pulse ? LINELOCATIONOPTION_PULSEDIAL : 0;
            memcpy(base + sizeof(tc) + i * sizeof(e), &e, sizeof(e));
        }
#undef PUT
        tc.dwUsedSize = off;
    }
    pthread_mutex_unlock(&dial_lock);
    memcpy(lpTranslateCaps, &tc, sizeof(tc));
    return 0;
}

LONG lineSetCurrentLocation(HLINEAPP hLineApp, DWORD dwLocation)
{
    LONG rc = enter(hLineApp, true);
    if (rc)
        return rc;
    rc = LINEERR_INVALLOCATION;
    for (unsigned i = 0; i < state->n; i++)
        if (state->loc[i].id == dwLocation) {
            state->current = dwLocation;
            rc = 0;
        }
    pthread_mutex_unlock(&dial_lock);
    return rc;
}

/* The toll prefix of an address: the first three digits of its number. */
#define OT_TOLL_DIGITS 3

LONG lineSetTollList(HLINEAPP hLineApp, DWORD dwDeviceID, LPCSTR lpszAddressIn,
                     DWORD dwTollListOption)
{
    LONG rc = check_address(lpszAddressIn);
    if (rc)
        return rc;
    if (dwTollListOption != LINETOLLLISTOPTION_ADD &&
        dwTollListOption != LINETOLLLISTOPTION_REMOVE)
        return LINEERR_INVALPARAM;
    struct canon c;
    if (lpszAddressIn[0] != '+' || parse_canonical(lpszAddressIn, &c))
        return LINEERR_INVALADDRESS;
    char prefix[OT_TOLL_DIGITS + 1];
    size_t n = 0;
    for (const char *p = c.number; *p && n < OT_TOLL_DIGITS; p++)
        if (*p >= '0' && *p <= '9')
            prefix[n++] = *p;
    prefix[n] = '\0';
    if (n < OT_TOLL_DIGITS)
        return LINEERR_INVALADDRESS;
    if ((rc = enter(hLineApp, true)))
        return rc;
    struct ot_location *l = current_location();
    if (dwDeviceID >= state_nlines)
        rc = LINEERR_BADDEVICEID;
    else if (c.country != ot_country_by_id(l->country_id)->code ||
             (c.area[0] && strcmp(c.area, l->area)))
        rc = LINEERR_INVALADDRESS; /* not in the current location's area */
    else {
        unsigned at = l->ntoll;
        for (unsigned i = 0; i < l->ntoll; i++)
            if (!strcmp(l->toll[i], prefix))
                at = i;
        if (dwTollListOption == LINETOLLLISTOPTION_ADD && at == l->ntoll) {
            if (l->ntoll == OT_TOLL_MAX)
                rc = LINEERR_RESOURCEUNAVAIL;
            else
                strcpy(l->toll[l->ntoll++], prefix);
        } else if (dwTollListOption == LINETOLLLISTOPTION_REMOVE && at < l->ntoll) {
            memmove(l->toll[at], l->toll[at + 1], (l->ntoll - at - 1) * sizeof(l->toll[0]));
            l->ntoll--;
        }
    }
    pthread_mutex_unlock(&dial_lock);
    return rc;
}

LONG lineGetCountry(DWORD dwCountryID, DWORD dwAPIVersion, LPLINECOUNTRYLIST lpLineCountryList)
{
    if (!api_ok(dwAPIVersion))
        return LINEERR_INCOMPATIBLEAPIVERSION;
    if (!lpLineCountryList)
        return LINEERR_INVALPOINTER;
    if (dwCountryID && !ot_country_by_id(dwCountryID))
        return LINEERR_INVALCOUNTRYCODE;
    if (lpLineCountryList->dwTotalSize < sizeof(LINECOUNTRYLIST))
        return LINEERR_STRUCTURETOOSMALL;
    DWORD total = lpLineCountryList->dwTotalSize;
    unsigned char *base = (unsigned char *)lpLineCountryList;
    LINECOUNTRYLIST cl;
    memset(&cl, 0, sizeof(cl));
    cl.dwTotalSize = total;
    DWORD count = 0, strings = 0;
    const struct ot_country *c;
    for (size_t i = 0; (c = ot_country_at(i)); i++) {
        if (dwCountryID && c->id != dwCountryID)
            continue;
        char same[8], ld[16], intl[24];
        ot_country_rules(c, same, ld, intl);
        count++;
        strings += (DWORD)(strlen(c->name) + strlen(same) + strlen(ld) + strlen(intl) + 4);
    }
    DWORD list = count * (DWORD)sizeof(LINECOUNTRYENTRY);
    cl.dwNumCountries = count;
    cl.dwNeededSize = (DWORD)sizeof(cl) + list + strings;
    cl.dwUsedSize = sizeof(cl);
    if (total >= cl.dwNeededSize) {
        DWORD off = (DWORD)sizeof(cl) + list, k = 0;
        cl.dwCountryListSize = list;
        cl.dwCountryListOffset = sizeof(cl);
        for (size_t i = 0; (c = ot_country_at(i)); i++) {
            if (dwCountryID && c->id != dwCountryID)
                continue;
            LINECOUNTRYENTRY e;
            char same[8], ld[16], intl[24];
            const struct ot_country *next = ot_country_at(i + 1);
            ot_country_rules(c, same, ld, intl);
            memset(&e, 0, sizeof(e));
            e.dwCountryID = c->id;
            e.dwCountryCode = c->code;
            e.dwNextCountryID = next ? next->id : 0;
#define PUT(str, sz, of)                                                                       \
    do {                                                                                       \
        DWORD n_ = (DWORD)strlen(str) + 1;                                                     \
        memcpy(base + off, (str), n_);                                                         \
        e.sz = n_;                                                                             \
        e.of = off;                                                                            \
        off += n_;                                                                             \
    } while (0)
            PUT(c->name, dwCountryNameSize, dwCountryNameOffset);
            PUT(same, dwSameAreaRuleSize, dwSameAreaRuleOffset);
            PUT(ld, dwLongDistanceRuleSize, dwLongDistanceRuleOffset);
            PUT(intl, dwInternationalRuleSize, dwInternationalRuleOffset);
#undef PUT
            memcpy(base + sizeof(cl) + k++ * sizeof(e), &e, sizeof(e));
        }
        cl.dwUsedSize = off;
    }
    memcpy(lpLineCountryList, &cl, sizeof(cl));
    return 0;
}

LONG tapiGetLocationInfo(LPSTR lpszCountryCode, LPSTR lpszCityCode)
{
    if (!lpszCountryCode || !lpszCityCode)
        return TAPIERR_INVALPOINTER;
    if (enter(0, true))
        return TAPIERR_REQUESTFAILED; /* no readable configuration or no [location] */
    const struct ot_location *l = current_location();
    /* Windows documents buffers of at least 8 bytes for each. */
    snprintf(lpszCountryCode, 8, "%u", (unsigned)ot_country_by_id(l->country_id)->code);
    size_t n = strnlen(l->area, 7); /* [location] area has at most 7 digits */
    memcpy(lpszCityCode, l->area, n);
    lpszCityCode[n] = '\0';
    pthread_mutex_unlock(&dial_lock);
    return 0;
}

/* The dialing-properties dialog is a Windows GUI; there is none here. */
LONG lineTranslateDialog(HLINEAPP hLineApp, DWORD dwDeviceID, DWORD dwAPIVersion,
                         HWND hwndOwner, LPCSTR lpszAddressIn)
{
    (void)hwndOwner;
    if (!api_ok(dwAPIVersion))
        return LINEERR_INCOMPATIBLEAPIVERSION;
    if (lpszAddressIn && check_address(lpszAddressIn))
        return LINEERR_INVALADDRESS;
    LONG rc = enter(hLineApp, false);
    if (rc)
        return rc;
    rc = dwDeviceID >= state_nlines ? LINEERR_BADDEVICEID : LINEERR_OPERATIONUNAVAIL;
    pthread_mutex_unlock(&dial_lock);
    return rc;
}
