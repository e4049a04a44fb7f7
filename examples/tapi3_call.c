/* tapi3_call.c - a TAPI 3 application, written the way one is written on
 * Windows (COM from C), running on opentapi's embedded switch.
 *
 * One program plays both ends: station 100 calls station 101.
 *   1. Create the TAPI object, Initialize, choose the events (put_EventFilter).
 *   2. Enumerate the addresses; find 100 and 101 by their dialable address.
 *   3. Advise an ITTAPIEventNotification sink through the connection point,
 *      and RegisterCallNotifications on 101 as owner.
 *   4. CreateCall on 100, stage UUI (SetCallInfoBuffer), Connect.
 *   5. The sink answers the offered call on 101; the caller sees CS_CONNECTED.
 *   6. The caller stages UUI and Disconnect(DC_NORMAL); the callee's call goes
 *      CS_DISCONNECTED/CEC_DISCONNECT_NORMAL and it reads the UUI.
 *   7. Release everything, Shutdown.
 * Exits 0 when every step happened as expected.  Build:
 *   cc tapi3_call.c $(pkg-config --cflags --libs opentapi) */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tapi3.h"

#define WAIT_MS 5000

/* ---- the event sink: an object with an ITTAPIEventNotification vtable ---- */
typedef struct app_sink {
    ITTAPIEventNotification itf;
    atomic_uint refs;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    ITBasicCallControl *incoming; /* the call offered on 101 (our reference) */
    CALL_STATE caller_state, callee_state;
    CALL_STATE_EVENT_CAUSE callee_cause;
    ITCallInfo *caller; /* to tell the two calls apart */
    HRESULT answer_hr;
} app_sink;

static HRESULT WINAPI sink_QueryInterface(ITTAPIEventNotification *This, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_ITTAPIEventNotification)) {
        *ppv = This;
        This->lpVtbl->AddRef(This);
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}
static ULONG WINAPI sink_AddRef(ITTAPIEventNotification *This)
{
    return atomic_fetch_add(&((app_sink *)(void *)This)->refs, 1) + 1;
}
static ULONG WINAPI sink_Release(ITTAPIEventNotification *This)
{
    return atomic_fetch_sub(&((app_sink *)(void *)This)->refs, 1) - 1;
}

/* Called on a library thread, one event at a time. */
static HRESULT WINAPI sink_Event(ITTAPIEventNotification *This, TAPI_EVENT type, IDispatch *ev)
{
    app_sink *s = (app_sink *)(void *)This;
    if (type == TE_CALLNOTIFICATION) {
        ITCallNotificationEvent *ne;
        if (IDispatch_QueryInterface(ev, &IID_ITCallNotificationEvent, (void **)&ne) != S_OK)
            return S_OK;
        ITCallInfo *ci;
        ITCallNotificationEvent_get_Call(ne, &ci);
        pthread_mutex_lock(&s->mu);
        if (!s->incoming)
            ITCallInfo_QueryInterface(ci, &IID_ITBasicCallControl, (void **)&s->incoming);
        pthread_mutex_unlock(&s->mu);
        printf("  event  TE_CALLNOTIFICATION  a new call for us on 101\n");
        ITCallInfo_Release(ci);
        ITCallNotificationEvent_Release(ne);
    } else if (type == TE_CALLSTATE) {
        ITCallStateEvent *se;
        if (IDispatch_QueryInterface(ev, &IID_ITCallStateEvent, (void **)&se) != S_OK)
            return S_OK;
        CALL_STATE st;
        CALL_STATE_EVENT_CAUSE cause;
        ITCallInfo *ci;
        ITCallStateEvent_get_State(se, &st);
        ITCallStateEvent_get_Cause(se, &cause);
        ITCallStateEvent_get_Call(se, &ci);
        pthread_mutex_lock(&s->mu);
        bool is_caller = ci == s->caller;
        const char *who = is_caller ? "100" : "101";
        printf("  event  TE_CALLSTATE         %s  %s  %s\n", who, otTapi3CallStateName(st),
               otTapi3CauseName(cause));
        if (is_caller)
            s->caller_state = st;
        else {
            s->callee_state = st;
            s->callee_cause = cause;
        }
        ITBasicCallControl *answer = !is_caller && st == CS_OFFERING ? s->incoming : NULL;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->mu);
        if (answer) {
            /* The UUI of the offer; releasing it lets newer UUI (the
             * disconnect's) take its place.  A sink may call any method,
             * blocking ones included. */
            DWORD size = 0;
            BYTE *uui = NULL;
            if (ITCallInfo_GetCallInfoBuffer(ci, CIB_USERUSERINFO, &size, &uui) == S_OK && size)
                printf("  101    offered with UUI \"%.*s\"\n", (int)size - 1, (const char *)uui + 1);
            CoTaskMemFree(uui);
            ITCallInfo_ReleaseUserUserInfo(ci);
            HRESULT hr = ITBasicCallControl_Answer(answer);
            printf("  101    Answer -> %s\n", otTapi3ErrorName(hr));
            pthread_mutex_lock(&s->mu);
            s->answer_hr = hr;
            pthread_mutex_unlock(&s->mu);
        }
        ITCallInfo_Release(ci);
        ITCallStateEvent_Release(se);
    }
    return S_OK;
}

static const ITTAPIEventNotificationVtbl sink_vtbl = {sink_QueryInterface, sink_AddRef,
                                                      sink_Release, sink_Event};

/* Waits until *state == want (bounded). */
static bool wait_state(app_sink *s, const CALL_STATE *state, CALL_STATE want)
{
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += WAIT_MS / 1000;
    pthread_mutex_lock(&s->mu);
    int rc = 0;
    while (*state != want && rc == 0)
        rc = pthread_cond_timedwait(&s->cond, &s->mu, &dl);
    bool ok = *state == want;
    pthread_mutex_unlock(&s->mu);
    return ok;
}

#define TRY(what)                                                                              \
    do {                                                                                       \
        HRESULT hr_ = (what);                                                                  \
        if (FAILED(hr_)) {                                                                     \
            fprintf(stderr, "%s failed: %s (0x%08x)\n", #what, otTapi3ErrorName(hr_),          \
                    (unsigned)hr_);                                                            \
            return 1;                                                                          \
        }                                                                                      \
    } while (0)

/* The address whose dialable address is number (one reference), or NULL. */
static ITAddress *find_address(ITTAPI *tapi, const char *number)
{
    IEnumAddress *e;
    if (ITTAPI_EnumerateAddresses(tapi, &e) != S_OK)
        return NULL;
    ITAddress *a, *found = NULL;
    while (!found && IEnumAddress_Next(e, 1, &a, NULL) == S_OK) {
        BSTR dial = NULL;
        if (ITAddress_get_DialableAddress(a, &dial) == S_OK && !strcmp(dial, number))
            found = a;
        else
            ITAddress_Release(a);
        SysFreeString(dial);
    }
    IEnumAddress_Release(e);
    return found;
}

int main(void)
{
    static const unsigned char hello[] = {0x04, 'h', 'e', 'l', 'l', 'o'};
    static const unsigned char bye[] = {0x04, 'g', 'o', 'o', 'd', 'b', 'y', 'e'};
    app_sink sink = {.itf.lpVtbl = &sink_vtbl};
    atomic_init(&sink.refs, 1);
    pthread_mutex_init(&sink.mu, NULL);
    pthread_cond_init(&sink.cond, NULL);
    sink.caller_state = sink.callee_state = CS_IDLE;

    /* 1. The TAPI object. */
    ITTAPI *tapi;
    TRY(CoCreateInstance(&CLSID_TAPI, NULL, CLSCTX_INPROC_SERVER, &IID_ITTAPI, (void **)&tapi));
    TRY(ITTAPI_Initialize(tapi));
    TRY(ITTAPI_put_EventFilter(tapi, TE_CALLNOTIFICATION | TE_CALLSTATE));

    /* 2. Addresses. */
    ITAddress *a100 = find_address(tapi, "100"), *a101 = find_address(tapi, "101");
    if (!a100 || !a101) {
        fprintf(stderr, "addresses 100 and 101 not found\n");
        return 1;
    }
    BSTR name;
    TRY(ITAddress_get_AddressName(a100, &name));
    printf("address 100: %s\n", name);
    SysFreeString(name);

    /* 3. The sink, and incoming calls on 101. */
    IConnectionPointContainer *cpc;
    IConnectionPoint *cp;
    DWORD cookie;
    TRY(ITTAPI_QueryInterface(tapi, &IID_IConnectionPointContainer, (void **)&cpc));
    TRY(IConnectionPointContainer_FindConnectionPoint(cpc, &IID_ITTAPIEventNotification, &cp));
    TRY(IConnectionPoint_Advise(cp, (IUnknown *)(void *)&sink.itf, &cookie));
    LONG reg;
    TRY(ITTAPI_RegisterCallNotifications(tapi, a101, VARIANT_FALSE, VARIANT_TRUE,
                                         TAPIMEDIATYPE_AUDIO, 0, &reg));

    /* 4. The call, with UUI at setup. */
    ITBasicCallControl *call;
    BSTR dest = SysAllocString("101");
    TRY(ITAddress_CreateCall(a100, dest, LINEADDRESSTYPE_PHONENUMBER, TAPIMEDIATYPE_AUDIO, &call));
    SysFreeString(dest);
    ITCallInfo *info;
    TRY(ITBasicCallControl_QueryInterface(call, &IID_ITCallInfo, (void **)&info));
    pthread_mutex_lock(&sink.mu);
    sink.caller = info;
    pthread_mutex_unlock(&sink.mu);
    TRY(ITCallInfo_SetCallInfoBuffer(info, CIB_USERUSERINFO, sizeof(hello), (BYTE *)hello));
    printf("  100    Connect to 101 with UUI \"hello\"\n");
    TRY(ITBasicCallControl_Connect(call, VARIANT_FALSE));

    /* 5. The sink answers; both ends connected. */
    if (!wait_state(&sink, &sink.caller_state, CS_CONNECTED) ||
        !wait_state(&sink, &sink.callee_state, CS_CONNECTED)) {
        fprintf(stderr, "the call did not connect\n");
        return 1;
    }

    /* 6. Disconnect with UUI; the far end reads it. */
    TRY(ITCallInfo_SetCallInfoBuffer(info, CIB_USERUSERINFO, sizeof(bye), (BYTE *)bye));
    printf("  100    Disconnect(DC_NORMAL) with UUI \"goodbye\"\n");
    TRY(ITBasicCallControl_Disconnect(call, DC_NORMAL));
    if (!wait_state(&sink, &sink.callee_state, CS_DISCONNECTED)) {
        fprintf(stderr, "the far end did not see the disconnect\n");
        return 1;
    }
    pthread_mutex_lock(&sink.mu);
    ITBasicCallControl *incoming = sink.incoming;
    sink.incoming = NULL;
    CALL_STATE_EVENT_CAUSE cause = sink.callee_cause;
    pthread_mutex_unlock(&sink.mu);
    ITCallInfo *in_info;
    TRY(ITBasicCallControl_QueryInterface(incoming, &IID_ITCallInfo, (void **)&in_info));
    DWORD size;
    BYTE *uui;
    TRY(ITCallInfo_GetCallInfoBuffer(in_info, CIB_USERUSERINFO, &size, &uui));
    bool uui_ok = size == sizeof(bye) && !memcmp(uui, bye, size);
    printf("  101    received UUI \"%.*s\" (%u bytes), cause %s\n", size ? (int)size - 1 : 0,
           size ? (const char *)uui + 1 : "", (unsigned)size, otTapi3CauseName(cause));
    CoTaskMemFree(uui);
    HRESULT again = ITBasicCallControl_Disconnect(incoming, DC_NORMAL);
    printf("  101    Disconnect on a disconnected call -> %s\n", otTapi3ErrorName(again));

    /* 7. Release everything. */
    ITCallInfo_Release(in_info);
    ITBasicCallControl_Release(incoming);
    ITCallInfo_Release(info);
    ITBasicCallControl_Release(call);
    TRY(IConnectionPoint_Unadvise(cp, cookie));
    IConnectionPoint_Release(cp);
    IConnectionPointContainer_Release(cpc);
    ITAddress_Release(a100);
    ITAddress_Release(a101);
    TRY(ITTAPI_Shutdown(tapi));
    ITTAPI_Release(tapi);

    OTTAPI3STATS st;
    otTapi3GetStats(&st);
    bool clean = !st.dwTapiObjects && !st.dwCalls && !st.dwEvents && !st.dwStrings &&
                 !st.dwTaskMem && atomic_load(&sink.refs) == 1;
    pthread_mutex_lock(&sink.mu);
    bool answered = sink.answer_hr == S_OK;
    pthread_mutex_unlock(&sink.mu);
    bool ok = uui_ok && cause == CEC_DISCONNECT_NORMAL && again == S_FALSE && answered && clean;
    printf("%s\n", ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
