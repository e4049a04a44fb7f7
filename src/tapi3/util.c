/* Small pieces of the TAPI 3 layer: strings (BSTR) and caller
 * memory, LINEERR -> HRESULT, names, live-object counters, LINECALLINFO
 * fetching.  The counters are atomics updated where objects are made and
 * freed; otTapi3GetStats reads them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "t3.h"

atomic_uint ot3_live_tapis, ot3_live_calls, ot3_live_events, ot3_live_enums, ot3_live_strings,
    ot3_live_taskmem;

/* ---- BSTR: [DWORD byte length][bytes][NUL]; the BSTR points at the bytes ---- */
OT3_EXPORT BSTR otSysAllocStringLen(const OLECHAR *pch, UINT cch)
{
    if (cch > UINT32_MAX - sizeof(DWORD) - 1)
        return NULL;
    unsigned char *p = malloc(sizeof(DWORD) + (size_t)cch + 1);
    if (!p)
        return NULL;
    DWORD len = cch;
    memcpy(p, &len, sizeof(len));
    if (pch)
        memcpy(p + sizeof(DWORD), pch, cch);
    else
        memset(p + sizeof(DWORD), 0, cch);
    p[sizeof(DWORD) + cch] = '\0';
    atomic_fetch_add(&ot3_live_strings, 1);
    return (BSTR)(p + sizeof(DWORD));
}

OT3_EXPORT BSTR otSysAllocString(const OLECHAR *psz)
{
    if (!psz)
        return NULL;
    return otSysAllocStringLen(psz, (UINT)strlen(psz));
}

OT3_EXPORT void otSysFreeString(BSTR bstr)
{
    if (!bstr)
        return;
    atomic_fetch_sub(&ot3_live_strings, 1);
    free((unsigned char *)bstr - sizeof(DWORD));
}

OT3_EXPORT UINT otSysStringLen(BSTR bstr)
{
    if (!bstr)
        return 0;
    DWORD len;
    memcpy(&len, (unsigned char *)bstr - sizeof(DWORD), sizeof(len));
    return len;
}

/* ---- memory handed to the caller ---- */
OT3_EXPORT void *otCoTaskMemAlloc(size_t cb)
{
    void *p = malloc(cb ? cb : 1);
    if (p)
        atomic_fetch_add(&ot3_live_taskmem, 1);
    return p;
}

OT3_EXPORT void otCoTaskMemFree(void *pv)
{
    if (!pv)
        return;
    atomic_fetch_sub(&ot3_live_taskmem, 1);
    free(pv);
}

OT3_EXPORT HRESULT otTapi3GetStats(OTTAPI3STATS *s)
{
    if (!s)
        return E_POINTER;
    s->dwTapiObjects = atomic_load(&ot3_live_tapis);
    s->dwCalls = atomic_load(&ot3_live_calls);
    s->dwEvents = atomic_load(&ot3_live_events);
    s->dwEnumerators = atomic_load(&ot3_live_enums);
    s->dwStrings = atomic_load(&ot3_live_strings);
    s->dwTaskMem = atomic_load(&ot3_live_taskmem);
    return S_OK;
}

char *ot3_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* A string of a variable-size line structure (size counts the NUL, if any). */
char *ot3_varstr(const void *base, DWORD size, DWORD offset)
{
    const char *s = (const char *)base + offset;
    size_t n = size ? strnlen(s, size) : 0;
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* The whole LINECALLINFO of a call handle, in a buffer of the right size. */
LINECALLINFO *ot3_get_callinfo(HCALL h, LONG *err)
{
    DWORD size = sizeof(LINECALLINFO) + 512;
    for (int tries = 0; tries < 4; tries++) {
        LINECALLINFO *ci = calloc(1, size);
        if (!ci) {
            *err = LINEERR_NOMEM;
            return NULL;
        }
        ci->dwTotalSize = size;
        LONG rc = lineGetCallInfo(h, ci);
        if (rc) {
            free(ci);
            *err = rc;
            return NULL;
        }
        if (ci->dwNeededSize <= ci->dwTotalSize)
            return ci;
        size = ci->dwNeededSize;
        free(ci);
    }
    *err = LINEERR_OPERATIONFAILED;
    return NULL;
}

/* ---- LINEERR -> HRESULT: the TAPI_E_ of the same name where there is one ---- */
HRESULT ot3_hr(LONG e)
{
    switch ((DWORD)e) {
    case 0:
        return S_OK;
    case LINEERR_NOMEM:
        return E_OUTOFMEMORY;
    case LINEERR_INVALPOINTER:
        return E_POINTER;
    case LINEERR_INVALPARAM:
        return E_INVALIDARG;
    case LINEERR_OPERATIONUNAVAIL:
        return TAPI_E_NOTSUPPORTED;
    case LINEERR_OPERATIONFAILED:
        return TAPI_E_OPERATIONFAILED;
    case LINEERR_UNINITIALIZED:
    case LINEERR_INVALAPPHANDLE:
        return TAPI_E_NOT_INITIALIZED;
    case LINEERR_INVALMEDIAMODE:
        return TAPI_E_INVALIDMEDIATYPE;
    case LINEERR_INVALPRIVSELECT:
        return TAPI_E_INVALPRIVILEGE;
    case LINEERR_INVALCALLHANDLE:
    case LINEERR_INVALCONFCALLHANDLE:
    case LINEERR_INVALCONSULTCALLHANDLE:
        return TAPI_E_INVALCALLSTATE; /* the handle is gone: the call is over */
    case LINEERR_ALLOCATED:
        return TAPI_E_ALLOCATED;
    case LINEERR_CALLUNAVAIL:
        return TAPI_E_CALLUNAVAIL;
    case LINEERR_COMPLETIONOVERRUN:
        return TAPI_E_COMPLETIONOVERRUN;
    case LINEERR_CONFERENCEFULL:
        return TAPI_E_CONFERENCEFULL;
    case LINEERR_INUSE:
        return TAPI_E_INUSE;
    case LINEERR_INVALADDRESS:
        return TAPI_E_INVALADDRESS;
    case LINEERR_INVALADDRESSSTATE:
        return TAPI_E_INVALADDRESSSTATE;
    case LINEERR_INVALCALLPARAMS:
        return TAPI_E_INVALCALLPARAMS;
    case LINEERR_INVALCALLPRIVILEGE:
        return TAPI_E_INVALCALLPRIVILEGE;
    case LINEERR_INVALCALLSTATE:
        return TAPI_E_INVALCALLSTATE;
    case LINEERR_INVALCARD:
        return TAPI_E_INVALCARD;
    case LINEERR_INVALCOMPLETIONID:
        return TAPI_E_INVALCOMPLETIONID;
    case LINEERR_INVALCOUNTRYCODE:
        return TAPI_E_INVALCOUNTRYCODE;
    case LINEERR_INVALDEVICECLASS:
        return TAPI_E_INVALDEVICECLASS;
    case LINEERR_INVALDIALPARAMS:
        return TAPI_E_INVALDIALPARAMS;
    case LINEERR_INVALDIGITS:
        return TAPI_E_INVALDIGITS;
    case LINEERR_INVALDIGITMODE:
    case LINEERR_INVALTONEMODE:
        return TAPI_E_INVALMODE;
    case LINEERR_INVALTONELIST:
        return TAPI_E_INVALLIST;
    case LINEERR_INVALGROUPID:
        return TAPI_E_INVALGROUPID;
    case LINEERR_INVALLOCATION:
        return TAPI_E_INVALLOCATION;
    case LINEERR_INVALMESSAGEID:
        return TAPI_E_INVALMESSAGEID;
    case LINEERR_INVALPARKID:
        return TAPI_E_INVALPARKID;
    case LINEERR_INVALRATE:
        return TAPI_E_INVALRATE;
    case LINEERR_INVALTIMEOUT:
        return TAPI_E_INVALTIMEOUT;
    case LINEERR_INVALTONE:
        return TAPI_E_INVALTONE;
    case LINEERR_NOCONFERENCE:
        return TAPI_E_NOCONFERENCE;
    case LINEERR_NODEVICE:
    case LINEERR_BADDEVICEID:
        return TAPI_E_NODEVICE;
    case LINEERR_NOREQUEST:
        return TAPI_E_NOREQUEST;
    case LINEERR_NOTOWNER:
        return TAPI_E_NOTOWNER;
    case LINEERR_NOTREGISTERED:
        return TAPI_E_NOTREGISTERED;
    case LINEERR_REQUESTOVERRUN:
        return TAPI_E_REQUESTOVERRUN;
    case LINEERR_TARGETNOTFOUND:
        return TAPI_E_TARGETNOTFOUND;
    case LINEERR_TARGETSELF:
        return TAPI_E_TARGETSELF;
    case LINEERR_USERUSERINFOTOOBIG:
        return TAPI_E_USERUSERINFOTOOBIG;
    case LINEERR_REINIT:
        return TAPI_E_REINIT;
    case LINEERR_ADDRESSBLOCKED:
        return TAPI_E_ADDRESSBLOCKED;
    case LINEERR_BILLINGREJECTED:
        return TAPI_E_BILLINGREJECTED;
    case LINEERR_INVALFEATURE:
        return TAPI_E_INVALFEATURE;
    case LINEERR_NODRIVER:
        return TAPI_E_NODRIVER;
    case LINEERR_INVALADDRESSTYPE:
        return TAPI_E_INVALADDRESSTYPE;
    case LINEERR_RESOURCEUNAVAIL:
        return TAPI_E_RESOURCEUNAVAIL;
    case LINEERR_SERVICE_NOT_RUNNING:
        return TAPI_E_SERVICE_NOT_RUNNING;
    case LINEERR_INIFILECORRUPT:
        return TAPI_E_REGISTRY_SETTING_CORRUPT;
    case LINEERR_INCOMPATIBLEAPIVERSION:
    case LINEERR_INCOMPATIBLEEXTVERSION:
        return TAPI_E_NOTSUPPORTED;
    default:
        return TAPI_E_OPERATIONFAILED;
    }
}

/* ---- names ---- */
OT3_EXPORT LPCSTR otTapi3CallStateName(CALL_STATE s)
{
    static const char *const n[] = {"CS_IDLE",         "CS_INPROGRESS", "CS_CONNECTED",
                                    "CS_DISCONNECTED", "CS_OFFERING",   "CS_HOLD",
                                    "CS_QUEUED"};
    return (unsigned)s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

OT3_EXPORT LPCSTR otTapi3CauseName(CALL_STATE_EVENT_CAUSE c)
{
    static const char *const n[] = {"CEC_NONE",
                                    "CEC_DISCONNECT_NORMAL",
                                    "CEC_DISCONNECT_BUSY",
                                    "CEC_DISCONNECT_BADADDRESS",
                                    "CEC_DISCONNECT_NOANSWER",
                                    "CEC_DISCONNECT_CANCELLED",
                                    "CEC_DISCONNECT_REJECTED",
                                    "CEC_DISCONNECT_FAILED",
                                    "CEC_DISCONNECT_BLOCKED"};
    return (unsigned)c < sizeof(n) / sizeof(n[0]) ? n[c] : "?";
}

OT3_EXPORT LPCSTR otTapi3EventName(TAPI_EVENT e)
{
    static const char *const n[] = {
        "TE_TAPIOBJECT",   "TE_ADDRESS",         "TE_CALLNOTIFICATION", "TE_CALLSTATE",
        "TE_CALLMEDIA",    "TE_CALLHUB",         "TE_CALLINFOCHANGE",   "TE_PRIVATE",
        "TE_REQUEST",      "TE_AGENT",           "TE_AGENTSESSION",     "TE_QOSEVENT",
        "TE_AGENTHANDLER", "TE_ACDGROUP",        "TE_QUEUE",            "TE_DIGITEVENT",
        "TE_GENERATEEVENT", "TE_ASRTERMINAL",    "TE_TTSTERMINAL",      "TE_FILETERMINAL",
        "TE_TONETERMINAL", "TE_PHONEEVENT",      "TE_TONEEVENT",        "TE_GATHERDIGITS",
        "TE_ADDRESSDEVSPECIFIC", "TE_PHONEDEVSPECIFIC"};
    DWORD v = (DWORD)e;
    if (!v || (v & (v - 1)))
        return "?";
    unsigned bit = 0;
    while (!(v & 1u)) {
        v >>= 1;
        bit++;
    }
    return bit < sizeof(n) / sizeof(n[0]) ? n[bit] : "?";
}

OT3_EXPORT LPCSTR otTapi3ErrorName(HRESULT hr)
{
    static const struct {
        HRESULT hr;
        const char *name;
    } named[] = {
        {S_OK, "S_OK"},
        {S_FALSE, "S_FALSE"},
        {E_NOTIMPL, "E_NOTIMPL"},
        {E_NOINTERFACE, "E_NOINTERFACE"},
        {E_POINTER, "E_POINTER"},
        {E_ABORT, "E_ABORT"},
        {E_FAIL, "E_FAIL"},
        {E_UNEXPECTED, "E_UNEXPECTED"},
        {E_OUTOFMEMORY, "E_OUTOFMEMORY"},
        {E_INVALIDARG, "E_INVALIDARG"},
        {CLASS_E_NOAGGREGATION, "CLASS_E_NOAGGREGATION"},
        {CLASS_E_CLASSNOTAVAILABLE, "CLASS_E_CLASSNOTAVAILABLE"},
        {CONNECT_E_NOCONNECTION, "CONNECT_E_NOCONNECTION"},
        {CONNECT_E_ADVISELIMIT, "CONNECT_E_ADVISELIMIT"},
        {CONNECT_E_CANNOTCONNECT, "CONNECT_E_CANNOTCONNECT"},
    };
    for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
        if (named[i].hr == hr)
            return named[i].name;
    /* TAPI_E_: 0x80040001..0x8004005A, in tapi3err.h order */
    static const char *const tapi_e[] = {
        "TAPI_E_NOTENOUGHMEMORY", "TAPI_E_NOITEMS", "TAPI_E_NOTSUPPORTED",
        "TAPI_E_INVALIDMEDIATYPE", "TAPI_E_OPERATIONFAILED", "TAPI_E_ALLOCATED",
        "TAPI_E_CALLUNAVAIL", "TAPI_E_COMPLETIONOVERRUN", "TAPI_E_CONFERENCEFULL",
        "TAPI_E_DIALMODIFIERNOTSUPPORTED", "TAPI_E_INUSE", "TAPI_E_INVALADDRESS",
        "TAPI_E_INVALADDRESSSTATE", "TAPI_E_INVALCALLPARAMS", "TAPI_E_INVALCALLPRIVILEGE",
        "TAPI_E_INVALCALLSTATE", "TAPI_E_INVALCARD", "TAPI_E_INVALCOMPLETIONID",
        "TAPI_E_INVALCOUNTRYCODE", "TAPI_E_INVALDEVICECLASS", "TAPI_E_INVALDIALPARAMS",
        "TAPI_E_INVALDIGITS", "TAPI_E_INVALGROUPID", "TAPI_E_INVALLOCATION",
        "TAPI_E_INVALMESSAGEID", "TAPI_E_INVALPARKID", "TAPI_E_INVALRATE",
        "TAPI_E_INVALTIMEOUT", "TAPI_E_INVALTONE", "TAPI_E_INVALLIST", "TAPI_E_INVALMODE",
        "TAPI_E_NOCONFERENCE", "TAPI_E_NODEVICE", "TAPI_E_NOREQUEST", "TAPI_E_NOTOWNER",
        "TAPI_E_NOTREGISTERED", "TAPI_E_REQUESTOVERRUN", "TAPI_E_TARGETNOTFOUND",
        "TAPI_E_TARGETSELF", "TAPI_E_USERUSERINFOTOOBIG", "TAPI_E_REINIT",
        "TAPI_E_ADDRESSBLOCKED", "TAPI_E_BILLINGREJECTED", "TAPI_E_INVALFEATURE",
        "TAPI_E_INVALBUTTONLAMPID", "TAPI_E_INVALBUTTONSTATE", "TAPI_E_INVALDATAID",
        "TAPI_E_INVALHOOKSWITCHDEV", "TAPI_E_DROPPED", "TAPI_E_NOREQUESTRECIPIENT",
        "TAPI_E_REQUESTQUEUEFULL", "TAPI_E_DESTBUSY", "TAPI_E_DESTNOANSWER",
        "TAPI_E_DESTUNAVAIL", "TAPI_E_REQUESTFAILED", "TAPI_E_REQUESTCANCELLED",
        "TAPI_E_INVALPRIVILEGE", "TAPI_E_INVALIDDIRECTION", "TAPI_E_INVALIDTERMINAL",
        "TAPI_E_INVALIDTERMINALCLASS", "TAPI_E_NODRIVER", "TAPI_E_MAXSTREAMS",
        "TAPI_E_NOTERMINALSELECTED", "TAPI_E_TERMINALINUSE", "TAPI_E_NOTSTOPPED",
        "TAPI_E_MAXTERMINALS", "TAPI_E_INVALIDSTREAM", "TAPI_E_TIMEOUT",
        "TAPI_E_CALLCENTER_GROUP_REMOVED", "TAPI_E_CALLCENTER_QUEUE_REMOVED",
        "TAPI_E_CALLCENTER_NO_AGENT_ID", "TAPI_E_CALLCENTER_INVALAGENTID",
        "TAPI_E_CALLCENTER_INVALAGENTGROUP", "TAPI_E_CALLCENTER_INVALPASSWORD",
        "TAPI_E_CALLCENTER_INVALAGENTSTATE", "TAPI_E_CALLCENTER_INVALAGENTACTIVITY",
        "TAPI_E_REGISTRY_SETTING_CORRUPT", "TAPI_E_TERMINAL_PEER", "TAPI_E_PEER_NOT_SET",
        "TAPI_E_NOEVENT", "TAPI_E_INVALADDRESSTYPE", "TAPI_E_RESOURCEUNAVAIL",
        "TAPI_E_PHONENOTOPEN", "TAPI_E_CALLNOTSELECTED", "TAPI_E_WRONGEVENT",
        "TAPI_E_NOFORMAT", "TAPI_E_INVALIDSTREAMSTATE", "TAPI_E_WRONG_STATE",
        "TAPI_E_NOT_INITIALIZED", "TAPI_E_SERVICE_NOT_RUNNING"};
    uint32_t v = (uint32_t)hr;
    if (v >= 0x80040001u && v - 0x80040001u < sizeof(tapi_e) / sizeof(tapi_e[0]))
        return tapi_e[v - 0x80040001u];
    return "?";
}
