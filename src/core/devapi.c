/* Device functions: lineGetID, lineGetProviderList, lineGetAppPriority /
 * lineSetAppPriority, lineSetNumRings / lineGetNumRings, lineGetDevConfig /
 * lineSetDevConfig. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ot.h"
#include "rpc.h"

static bool api_ok(DWORD v)
{
    return v == 0x00010004u || v == 0x00020000u || v == 0x00020001u || v == 0x00020002u;
}

/* A VARSTRING to fill: too small for its fixed part is an error; a string
 * that does not fit leaves dwStringSize 0 and says in dwNeededSize what it
 * needs. */
static LONG put_varstring(LPVARSTRING v, DWORD format, const void *data, DWORD len)
{
    if (!v)
        return LINEERR_INVALPOINTER;
    if (v->dwTotalSize < sizeof(VARSTRING))
        return LINEERR_STRUCTURETOOSMALL;
    VARSTRING h;
    struct ot_varbuf vb = {(unsigned char *)v, v->dwTotalSize, sizeof(h), sizeof(h)};
    memset(&h, 0, sizeof(h));
    h.dwTotalSize = v->dwTotalSize;
    h.dwStringFormat = format;
    ot_varbuf_put(&vb, data, len, &h.dwStringSize, &h.dwStringOffset);
    h.dwNeededSize = vb.needed;
    h.dwUsedSize = vb.used;
    memcpy(v, &h, sizeof(h));
    return 0;
}

/* ---- lineGetID: the device ID of a line, address or call for a device
 * class.  Only "tapi/line" exists (LINEDEVCAPS.dwDeviceClasses lists it);
 * there are no phone, wave or comm devices. ---- */
LONG lineGetID(HLINE hLine, DWORD dwAddressID, HCALL hCall, DWORD dwSelect,
               LPVARSTRING lpDeviceID, LPCSTR lpszDeviceClass)
{
    OT_REMOTE(lineGetID, hLine, dwAddressID, hCall, dwSelect, lpDeviceID, lpszDeviceClass);
    ot_lock();
    LONG rc = ot_check_started();
    struct ot_linedev *ld = NULL;
    if (rc)
        goto out;
    if (dwSelect == LINECALLSELECT_CALL) {
        struct ot_callref *r = ot_callref_get(hCall);
        if (!r) {
            rc = LINEERR_INVALCALLHANDLE;
            goto out;
        }
        ld = r->call->ld;
    } else if (dwSelect == LINECALLSELECT_LINE || dwSelect == LINECALLSELECT_ADDRESS) {
        struct ot_open *o = ot_open_get(hLine);
        if (!o) {
            rc = LINEERR_INVALLINEHANDLE;
            goto out;
        }
        if (dwSelect == LINECALLSELECT_ADDRESS && dwAddressID != 0) {
            rc = LINEERR_INVALADDRESSID;
            goto out;
        }
        ld = o->ld;
    } else {
        rc = LINEERR_INVALCALLSELECT;
        goto out;
    }
    if (!lpszDeviceClass || !lpDeviceID) {
        rc = LINEERR_INVALPOINTER;
        goto out;
    }
    if (strcasecmp(lpszDeviceClass, "tapi/line") != 0) {
        rc = LINEERR_INVALDEVICECLASS;
        goto out;
    }
    DWORD id = ld->id;
    rc = put_varstring(lpDeviceID, STRINGFORMAT_BINARY, &id, sizeof(id));
out:
    ot_unlock();
    return rc;
}

/* ---- lineGetProviderList: the providers built into the library, with
 * permanent provider IDs 1, 2, ... in build order. ---- */
LONG lineGetProviderList(DWORD dwAPIVersion, LPLINEPROVIDERLIST lpProviderList)
{
    OT_REMOTE(lineGetProviderList, dwAPIVersion, lpProviderList);
    if (!api_ok(dwAPIVersion))
        return LINEERR_INCOMPATIBLEAPIVERSION;
    if (!lpProviderList)
        return LINEERR_INVALPOINTER;
    if (lpProviderList->dwTotalSize < sizeof(LINEPROVIDERLIST))
        return LINEERR_STRUCTURETOOSMALL;
    DWORD total = lpProviderList->dwTotalSize, n = 0, strings = 0;
    char names[8][32];
    const struct ot_provider *p;
    for (unsigned i = 0; (p = ot_provider_at(i)) && n < 8; i++) {
        snprintf(names[n], sizeof(names[n]), "opentapi-%s", p->name);
        strings += (DWORD)strlen(names[n]) + 1;
        n++;
    }
    LINEPROVIDERLIST pl;
    memset(&pl, 0, sizeof(pl));
    pl.dwTotalSize = total;
    pl.dwNumProviders = n;
    pl.dwNeededSize = (DWORD)sizeof(pl) + n * (DWORD)sizeof(LINEPROVIDERENTRY) + strings;
    pl.dwUsedSize = sizeof(pl);
    if (total >= pl.dwNeededSize) {
        unsigned char *base = (unsigned char *)lpProviderList;
        DWORD off = (DWORD)sizeof(pl) + n * (DWORD)sizeof(LINEPROVIDERENTRY);
        pl.dwProviderListSize = n * (DWORD)sizeof(LINEPROVIDERENTRY);
        pl.dwProviderListOffset = sizeof(pl);
        for (DWORD i = 0; i < n; i++) {
            LINEPROVIDERENTRY e;
            DWORD len = (DWORD)strlen(names[i]) + 1;
            e.dwPermanentProviderID = i + 1;
            e.dwProviderFilenameSize = len;
            e.dwProviderFilenameOffset = off;
            memcpy(base + off, names[i], len);
            off += len;
            memcpy(base + sizeof(pl) + i * sizeof(e), &e, sizeof(e));
        }
        pl.dwUsedSize = off;
    }
    memcpy(lpProviderList, &pl, sizeof(pl));
    return 0;
}

/* ---- application priority lists: one per media mode (handoff) and one per
 * request mode (assisted telephony), highest priority first.  Kept for the
 * life of the process (Windows keeps them in the registry). ---- */
#define PRIO_NAME_MAX 260
struct prio_list {
    DWORD media_mode, request_mode;
    unsigned n;
    char **names;
    struct prio_list *next;
};
static pthread_mutex_t prio_lock = PTHREAD_MUTEX_INITIALIZER;
static struct prio_list *prio_lists;

#define OT_ALL_MEDIA_MODES 0x00FFFFFEu /* LINEMEDIAMODE_UNKNOWN .. VIDEO */

static LONG prio_check(LPCSTR app, DWORD media, LPLINEEXTENSIONID ext, DWORD request)
{
    (void)ext; /* no provider extensions exist */
    if (!app)
        return LINEERR_INVALPOINTER;
    size_t n = strnlen(app, PRIO_NAME_MAX);
    if (n == 0 || n >= PRIO_NAME_MAX)
        return LINEERR_INVALAPPNAME;
    if (media) {
        if ((media & (media - 1)) || (media & ~(DWORD)OT_ALL_MEDIA_MODES))
            return LINEERR_INVALMEDIAMODE;
    } else if (request != LINEREQUESTMODE_MAKECALL && request != LINEREQUESTMODE_MEDIACALL)
        return LINEERR_INVALREQUESTMODE;
    return 0;
}

static struct prio_list *prio_find(DWORD media, DWORD request, bool create)
{
    if (media)
        request = 0;
    for (struct prio_list *l = prio_lists; l; l = l->next)
        if (l->media_mode == media && l->request_mode == request)
            return l;
    if (!create)
        return NULL;
    struct prio_list *l = calloc(1, sizeof(*l));
    if (l) {
        l->media_mode = media;
        l->request_mode = request;
        l->next = prio_lists;
        prio_lists = l;
    }
    return l;
}

/* The position of name in a priority list (1 = first), 0 if not in it. */
DWORD ot_app_priority(const char *name, DWORD media, DWORD request)
{
    pthread_mutex_lock(&prio_lock);
    const struct prio_list *l = prio_find(media, request, false);
    DWORD prio = 0;
    for (unsigned i = 0; l && i < l->n && !prio; i++)
        if (!strcasecmp(l->names[i], name))
            prio = i + 1;
    pthread_mutex_unlock(&prio_lock);
    return prio;
}

LONG lineGetAppPriority(LPCSTR lpszAppFilename, DWORD dwMediaMode,
                        LPLINEEXTENSIONID lpExtensionID, DWORD dwRequestMode,
                        LPVARSTRING lpExtensionName, LPDWORD lpdwPriority)
{
    OT_REMOTE(lineGetAppPriority, lpszAppFilename, dwMediaMode, lpExtensionID, dwRequestMode, lpExtensionName, lpdwPriority);
    LONG rc = prio_check(lpszAppFilename, dwMediaMode, lpExtensionID, dwRequestMode);
    if (rc)
        return rc;
    if (!lpdwPriority)
        return LINEERR_INVALPOINTER;
    if (lpExtensionName && (rc = put_varstring(lpExtensionName, STRINGFORMAT_ASCII, NULL, 0)))
        return rc;
    pthread_mutex_lock(&prio_lock);
    const struct prio_list *l = prio_find(dwMediaMode, dwRequestMode, false);
    DWORD prio = 0;
    for (unsigned i = 0; l && i < l->n; i++)
        if (!strcasecmp(l->names[i], lpszAppFilename))
            prio = i + 1;
    pthread_mutex_unlock(&prio_lock);
    *lpdwPriority = prio;
    return 0;
}

LONG lineSetAppPriority(LPCSTR lpszAppFilename, DWORD dwMediaMode,
                        LPLINEEXTENSIONID lpExtensionID, DWORD dwRequestMode,
                        LPCSTR lpszExtensionName, DWORD dwPriority)
{
    OT_REMOTE(lineSetAppPriority, lpszAppFilename, dwMediaMode, lpExtensionID, dwRequestMode, lpszExtensionName, dwPriority);
    (void)lpszExtensionName;
    LONG rc = prio_check(lpszAppFilename, dwMediaMode, lpExtensionID, dwRequestMode);
    if (rc)
        return rc;
    if (dwPriority > 1)
        return LINEERR_INVALPARAM; /* 1: first in the list, 0: out of it */
    char *copy = dwPriority ? ot_strdup(lpszAppFilename) : NULL;
    if (dwPriority && !copy)
        return LINEERR_NOMEM;
    pthread_mutex_lock(&prio_lock);
    struct prio_list *l = prio_find(dwMediaMode, dwRequestMode, dwPriority != 0);
    if (l) {
        for (unsigned i = 0; i < l->n; i++)
            if (!strcasecmp(l->names[i], lpszAppFilename)) {
                free(l->names[i]);
                memmove(&l->names[i], &l->names[i + 1], (l->n - i - 1) * sizeof(char *));
                l->n--;
                break;
            }
        if (copy) {
            char **nn = realloc(l->names, (l->n + 1) * sizeof(char *));
            if (!nn)
                rc = LINEERR_NOMEM;
            else {
                l->names = nn;
                memmove(&nn[1], &nn[0], l->n * sizeof(char *));
                nn[0] = copy;
                l->n++;
                copy = NULL;
            }
        }
    } else if (dwPriority)
        rc = LINEERR_NOMEM;
    pthread_mutex_unlock(&prio_lock);
    free(copy);
    return rc;
}

/* ---- number of rings: what each open asked for; the line reports the
 * smallest (Microsoft: the application answers after that many rings). ---- */
LONG lineSetNumRings(HLINE hLine, DWORD dwAddressID, DWORD dwNumRings)
{
    OT_REMOTE(lineSetNumRings, hLine, dwAddressID, dwNumRings);
    ot_lock();
    LONG rc = ot_check_started();
    struct ot_open *o = rc ? NULL : ot_open_get(hLine);
    if (!rc && !o)
        rc = LINEERR_INVALLINEHANDLE;
    else if (!rc && dwAddressID != 0)
        rc = LINEERR_INVALADDRESSID;
    if (!rc) {
        o->num_rings = dwNumRings;
        o->num_rings_set = true;
    }
    ot_unlock();
    return rc;
}

/* No open asked for a number of rings: the line answers this. */
#define OT_NUMRINGS_NONE 0xFFFFFFFFu

LONG lineGetNumRings(HLINE hLine, DWORD dwAddressID, LPDWORD lpdwNumRings)
{
    OT_REMOTE(lineGetNumRings, hLine, dwAddressID, lpdwNumRings);
    ot_lock();
    LONG rc = ot_check_started();
    struct ot_open *o = rc ? NULL : ot_open_get(hLine);
    if (!rc && !o)
        rc = LINEERR_INVALLINEHANDLE;
    else if (!rc && dwAddressID != 0)
        rc = LINEERR_INVALADDRESSID;
    else if (!rc && !lpdwNumRings)
        rc = LINEERR_INVALPOINTER;
    if (!rc) {
        DWORD n = OT_NUMRINGS_NONE;
        const struct ot_list *pos;
        for (pos = o->ld->opens.next; pos != &o->ld->opens; pos = pos->next) {
            const struct ot_open *x = ot_container_of(pos, struct ot_open, ld_link);
            if (x->num_rings_set && x->num_rings < n)
                n = x->num_rings;
        }
        *lpdwNumRings = n;
    }
    ot_unlock();
    return rc;
}

/* ---- device configuration ("tapi/line"): the line's settings from the
 * configuration file, as text.  lineSetDevConfig restores a configuration
 * lineGetDevConfig returned; changing it means editing the configuration
 * file, so any other content is refused. ---- */
static const char *sharing_name(const struct ot_line_conf *c)
{
    if (c->party_line)
        return "party";
    switch (c->sharing) {
    case LINEADDRESSSHARING_BRIDGEDSHARED:
        return "bridged-shared";
    case LINEADDRESSSHARING_BRIDGEDEXCL:
        return "bridged-exclusive";
    default:
        return "private";
    }
}

static LONG dev_config(DWORD dev, LPCSTR cls, char *buf, size_t cap)
{
    LONG rc = ot_check_started();
    const struct ot_linedev *ld = rc ? NULL : ot_linedev_get(dev);
    if (rc)
        return rc;
    if (!ld)
        return LINEERR_BADDEVICEID;
    if (!cls)
        return LINEERR_INVALPOINTER;
    if (strcasecmp(cls, "tapi/line") != 0)
        return LINEERR_INVALDEVICECLASS;
    snprintf(buf, cap, "provider = %s\nname = %s\nnumber = %s\nsharing = %s\n", ld->conf.provider,
             ld->conf.name, ld->conf.number, sharing_name(&ld->conf));
    return 0;
}

LONG lineGetDevConfig(DWORD dwDeviceID, LPVARSTRING lpDeviceConfig, LPCSTR lpszDeviceClass)
{
    OT_REMOTE(lineGetDevConfig, dwDeviceID, lpDeviceConfig, lpszDeviceClass);
    char buf[512];
    ot_lock();
    LONG rc = dev_config(dwDeviceID, lpszDeviceClass, buf, sizeof(buf));
    if (!rc)
        rc = put_varstring(lpDeviceConfig, STRINGFORMAT_ASCII, buf, (DWORD)strlen(buf) + 1);
    ot_unlock();
    return rc;
}

LONG lineSetDevConfig(DWORD dwDeviceID, LPVOID const lpDeviceConfig, DWORD dwSize,
                      LPCSTR lpszDeviceClass)
{
    OT_REMOTE(lineSetDevConfig, dwDeviceID, lpDeviceConfig, dwSize, lpszDeviceClass);
    char buf[512];
    ot_lock();
    LONG rc = dev_config(dwDeviceID, lpszDeviceClass, buf, sizeof(buf));
    if (!rc && !lpDeviceConfig)
        rc = LINEERR_INVALPOINTER;
    else if (!rc && (dwSize != strlen(buf) + 1 || memcmp(lpDeviceConfig, buf, dwSize) != 0))
        rc = LINEERR_INVALPARAM; /* not a configuration of this device */
    ot_unlock();
    return rc;
}
