/* Phone devices (phone*).  No provider offers phone devices yet, and
 * phoneInitialize(Ex) says so honestly: it registers the application and
 * reports 0 devices.  So every device ID is PHONEERR_BADDEVICEID and no
 * HPHONE can exist (PHONEERR_INVALPHONEHANDLE); phoneGetMessage has nothing
 * to deliver.  Phone applications are independent of line applications and
 * have their own small table and lock. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "ot.h"

struct phone_app {
    HPHONEAPP handle;
    int efd;              /* USEEVENT: never readable, no message ever comes */
    bool event_model;
    unsigned waiters;     /* threads inside phoneGetMessage */
    bool closing;
    struct phone_app *next;
};

static pthread_mutex_t phone_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t phone_cond = PTHREAD_COND_INITIALIZER;
static struct phone_app *apps;
static DWORD next_handle = 1;

static struct phone_app *find(HPHONEAPP h)
{
    for (struct phone_app *a = apps; a; a = a->next)
        if (a->handle == h && !a->closing)
            return a;
    return NULL;
}

static LONG app_new(LPHPHONEAPP out, bool event_model, LPPHONEINITIALIZEEXPARAMS p)
{
    struct phone_app *a = calloc(1, sizeof(*a));
    if (!a)
        return PHONEERR_NOMEM;
    a->efd = -1;
    a->event_model = event_model;
    if (event_model && (a->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
        free(a);
        return PHONEERR_RESOURCEUNAVAIL;
    }
    pthread_mutex_lock(&phone_lock);
    do { /* 0 is never a handle; skip values still in use after a wrap */
        a->handle = next_handle++;
    } while (!a->handle || find(a->handle));
    a->next = apps;
    apps = a;
    pthread_mutex_unlock(&phone_lock);
    if (event_model)
        p->Handles.hEvent = (HANDLE)(intptr_t)a->efd;
    *out = a->handle;
    return 0;
}

LONG phoneInitialize(LPHPHONEAPP lphPhoneApp, HINSTANCE hInstance, PHONECALLBACK lpfnCallback,
                     LPCSTR lpszAppName, LPDWORD lpdwNumDevs)
{
    (void)hInstance, (void)lpszAppName;
    if (!lphPhoneApp || !lpdwNumDevs || !lpfnCallback)
        return PHONEERR_INVALPOINTER;
    LONG rc = app_new(lphPhoneApp, false, NULL);
    if (!rc)
        *lpdwNumDevs = 0;
    return rc;
}

LONG phoneInitializeEx(LPHPHONEAPP lphPhoneApp, HINSTANCE hInstance, PHONECALLBACK lpfnCallback,
                       LPCSTR lpszFriendlyAppName, LPDWORD lpdwNumDevs, LPDWORD lpdwAPIVersion,
                       LPPHONEINITIALIZEEXPARAMS lpPhoneInitializeExParams)
{
    (void)hInstance, (void)lpszFriendlyAppName;
    LPPHONEINITIALIZEEXPARAMS p = lpPhoneInitializeExParams;
    if (!lphPhoneApp || !lpdwNumDevs || !lpdwAPIVersion)
        return PHONEERR_INVALPOINTER;
    if (*lpdwAPIVersion < 0x00020000u)
        return PHONEERR_INCOMPATIBLEAPIVERSION;
    bool event_model = false;
    if (p) {
        if (p->dwTotalSize < sizeof(*p))
            return PHONEERR_STRUCTURETOOSMALL;
        if (p->dwOptions == PHONEINITIALIZEEXOPTION_USEEVENT)
            event_model = true;
        else if (p->dwOptions != PHONEINITIALIZEEXOPTION_USEHIDDENWINDOW)
            return PHONEERR_INVALPARAM; /* includes completion ports: none on POSIX */
    }
    if (!event_model && !lpfnCallback)
        return PHONEERR_INVALPOINTER;
    LONG rc = app_new(lphPhoneApp, event_model, p);
    if (rc)
        return rc;
    if (p) {
        p->dwNeededSize = p->dwUsedSize = sizeof(*p);
    }
    if (*lpdwAPIVersion > 0x00020002u)
        *lpdwAPIVersion = 0x00020002u;
    *lpdwNumDevs = 0;
    return 0;
}

LONG phoneShutdown(HPHONEAPP hPhoneApp)
{
    pthread_mutex_lock(&phone_lock);
    struct phone_app *a = find(hPhoneApp);
    if (!a) {
        pthread_mutex_unlock(&phone_lock);
        return PHONEERR_INVALAPPHANDLE;
    }
    a->closing = true;
    pthread_cond_broadcast(&phone_cond);
    while (a->waiters)
        pthread_cond_wait(&phone_cond, &phone_lock);
    for (struct phone_app **pp = &apps; *pp; pp = &(*pp)->next)
        if (*pp == a) {
            *pp = a->next;
            break;
        }
    pthread_mutex_unlock(&phone_lock);
    if (a->efd >= 0)
        close(a->efd);
    free(a);
    return 0;
}

/* No phone device exists, so no message ever arrives: the wait ends at the
 * timeout or when the application shuts down, with OPERATIONFAILED. */
LONG phoneGetMessage(HPHONEAPP hPhoneApp, LPPHONEMESSAGE lpMessage, DWORD dwTimeout)
{
    pthread_mutex_lock(&phone_lock);
    struct phone_app *a = find(hPhoneApp);
    LONG rc = !a || !a->event_model ? PHONEERR_INVALAPPHANDLE
              : !lpMessage          ? PHONEERR_INVALPOINTER
                                    : PHONEERR_OPERATIONFAILED;
    if (rc == (LONG)PHONEERR_OPERATIONFAILED && dwTimeout) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += dwTimeout / 1000u;
        until.tv_nsec += (long)(dwTimeout % 1000u) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        a->waiters++;
        while (!a->closing) {
            int e = dwTimeout == INFINITE ? pthread_cond_wait(&phone_cond, &phone_lock)
                                          : pthread_cond_timedwait(&phone_cond, &phone_lock,
                                                                   &until);
            if (e == ETIMEDOUT)
                break;
        }
        if (--a->waiters == 0 && a->closing)
            pthread_cond_broadcast(&phone_cond);
    }
    pthread_mutex_unlock(&phone_lock);
    return rc;
}

/* Functions that name a device: the application's handle, then the device. */
static LONG no_device(HPHONEAPP h)
{
    pthread_mutex_lock(&phone_lock);
    LONG rc = find(h) ? PHONEERR_BADDEVICEID : PHONEERR_INVALAPPHANDLE;
    pthread_mutex_unlock(&phone_lock);
    return rc;
}

LONG phoneNegotiateAPIVersion(HPHONEAPP hPhoneApp, DWORD dwDeviceID, DWORD dwAPILowVersion,
                              DWORD dwAPIHighVersion, LPDWORD lpdwAPIVersion,
                              LPPHONEEXTENSIONID lpExtensionID)
{
    (void)dwDeviceID, (void)dwAPILowVersion, (void)dwAPIHighVersion, (void)lpdwAPIVersion;
    (void)lpExtensionID;
    return no_device(hPhoneApp);
}

LONG phoneNegotiateExtVersion(HPHONEAPP hPhoneApp, DWORD dwDeviceID, DWORD dwAPIVersion,
                              DWORD dwExtLowVersion, DWORD dwExtHighVersion,
                              LPDWORD lpdwExtVersion)
{
    (void)dwDeviceID, (void)dwAPIVersion, (void)dwExtLowVersion, (void)dwExtHighVersion;
    (void)lpdwExtVersion;
    return no_device(hPhoneApp);
}

LONG phoneGetDevCaps(HPHONEAPP hPhoneApp, DWORD dwDeviceID, DWORD dwAPIVersion,
                     DWORD dwExtVersion, LPPHONECAPS lpPhoneCaps)
{
    (void)dwDeviceID, (void)dwAPIVersion, (void)dwExtVersion, (void)lpPhoneCaps;
    return no_device(hPhoneApp);
}

LONG phoneOpen(HPHONEAPP hPhoneApp, DWORD dwDeviceID, LPHPHONE lphPhone, DWORD dwAPIVersion,
               DWORD dwExtVersion, DWORD_PTR dwCallbackInstance, DWORD dwPrivilege)
{
    (void)dwDeviceID, (void)lphPhone, (void)dwAPIVersion, (void)dwExtVersion;
    (void)dwCallbackInstance, (void)dwPrivilege;
    return no_device(hPhoneApp);
}

LONG phoneGetIcon(DWORD dwDeviceID, LPCSTR lpszDeviceClass, LPHICON lphIcon)
{
    (void)dwDeviceID, (void)lpszDeviceClass, (void)lphIcon;
    return PHONEERR_BADDEVICEID;
}

LONG phoneConfigDialog(DWORD dwDeviceID, HWND hwndOwner, LPCSTR lpszDeviceClass)
{
    (void)dwDeviceID, (void)hwndOwner, (void)lpszDeviceClass;
    return PHONEERR_BADDEVICEID;
}

/* Functions on an open phone: no HPHONE can exist. */
#define NO_PHONE return PHONEERR_INVALPHONEHANDLE

LONG phoneClose(HPHONE hPhone)
{
    (void)hPhone;
    NO_PHONE;
}

LONG phoneGetID(HPHONE hPhone, LPVARSTRING lpDeviceID, LPCSTR lpszDeviceClass)
{
    (void)hPhone, (void)lpDeviceID, (void)lpszDeviceClass;
    NO_PHONE;
}

LONG phoneDevSpecific(HPHONE hPhone, LPVOID lpParams, DWORD dwSize)
{
    (void)hPhone, (void)lpParams, (void)dwSize;
    NO_PHONE;
}

LONG phoneGetButtonInfo(HPHONE hPhone, DWORD dwButtonLampID, LPPHONEBUTTONINFO lpButtonInfo)
{
    (void)hPhone, (void)dwButtonLampID, (void)lpButtonInfo;
    NO_PHONE;
}

LONG phoneSetButtonInfo(HPHONE hPhone, DWORD dwButtonLampID,
                        LPPHONEBUTTONINFO const lpButtonInfo)
{
    (void)hPhone, (void)dwButtonLampID, (void)lpButtonInfo;
    NO_PHONE;
}

LONG phoneGetData(HPHONE hPhone, DWORD dwDataID, LPVOID lpData, DWORD dwSize)
{
    (void)hPhone, (void)dwDataID, (void)lpData, (void)dwSize;
    NO_PHONE;
}

LONG phoneSetData(HPHONE hPhone, DWORD dwDataID, LPVOID const lpData, DWORD dwSize)
{
    (void)hPhone, (void)dwDataID, (void)lpData, (void)dwSize;
    NO_PHONE;
}

LONG phoneGetDisplay(HPHONE hPhone, LPVARSTRING lpDisplay)
{
    (void)hPhone, (void)lpDisplay;
    NO_PHONE;
}

LONG phoneSetDisplay(HPHONE hPhone, DWORD dwRow, DWORD dwColumn, LPCSTR lpsDisplay, DWORD dwSize)
{
    (void)hPhone, (void)dwRow, (void)dwColumn, (void)lpsDisplay, (void)dwSize;
    NO_PHONE;
}

LONG phoneGetGain(HPHONE hPhone, DWORD dwHookSwitchDev, LPDWORD lpdwGain)
{
    (void)hPhone, (void)dwHookSwitchDev, (void)lpdwGain;
    NO_PHONE;
}

LONG phoneSetGain(HPHONE hPhone, DWORD dwHookSwitchDev, DWORD dwGain)
{
    (void)hPhone, (void)dwHookSwitchDev, (void)dwGain;
    NO_PHONE;
}

LONG phoneGetHookSwitch(HPHONE hPhone, LPDWORD lpdwHookSwitchDevs)
{
    (void)hPhone, (void)lpdwHookSwitchDevs;
    NO_PHONE;
}

LONG phoneSetHookSwitch(HPHONE hPhone, DWORD dwHookSwitchDevs, DWORD dwHookSwitchMode)
{
    (void)hPhone, (void)dwHookSwitchDevs, (void)dwHookSwitchMode;
    NO_PHONE;
}

LONG phoneGetLamp(HPHONE hPhone, DWORD dwButtonLampID, LPDWORD lpdwLampMode)
{
    (void)hPhone, (void)dwButtonLampID, (void)lpdwLampMode;
    NO_PHONE;
}

LONG phoneSetLamp(HPHONE hPhone, DWORD dwButtonLampID, DWORD dwLampMode)
{
    (void)hPhone, (void)dwButtonLampID, (void)dwLampMode;
    NO_PHONE;
}

LONG phoneGetRing(HPHONE hPhone, LPDWORD lpdwRingMode, LPDWORD lpdwVolume)
{
    (void)hPhone, (void)lpdwRingMode, (void)lpdwVolume;
    NO_PHONE;
}

LONG phoneSetRing(HPHONE hPhone, DWORD dwRingMode, DWORD dwVolume)
{
    (void)hPhone, (void)dwRingMode, (void)dwVolume;
    NO_PHONE;
}

LONG phoneGetStatus(HPHONE hPhone, LPPHONESTATUS lpPhoneStatus)
{
    (void)hPhone, (void)lpPhoneStatus;
    NO_PHONE;
}

LONG phoneGetStatusMessages(HPHONE hPhone, LPDWORD lpdwPhoneStates, LPDWORD lpdwButtonModes,
                            LPDWORD lpdwButtonStates)
{
    (void)hPhone, (void)lpdwPhoneStates, (void)lpdwButtonModes, (void)lpdwButtonStates;
    NO_PHONE;
}

LONG phoneSetStatusMessages(HPHONE hPhone, DWORD dwPhoneStates, DWORD dwButtonModes,
                            DWORD dwButtonStates)
{
    (void)hPhone, (void)dwPhoneStates, (void)dwButtonModes, (void)dwButtonStates;
    NO_PHONE;
}

LONG phoneGetVolume(HPHONE hPhone, DWORD dwHookSwitchDev, LPDWORD lpdwVolume)
{
    (void)hPhone, (void)dwHookSwitchDev, (void)lpdwVolume;
    NO_PHONE;
}

LONG phoneSetVolume(HPHONE hPhone, DWORD dwHookSwitchDev, DWORD dwVolume)
{
    (void)hPhone, (void)dwHookSwitchDev, (void)dwVolume;
    NO_PHONE;
}
