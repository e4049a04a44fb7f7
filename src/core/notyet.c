/* The TAPI 2.2 line functions whose feature opentapi does not have yet
 * (docs/api.md marks them "not yet"): media control, quality of service, terminals, device-specific
 * extensions, provider installation and the obsolete assisted-telephony media
 * calls.  (The ACD agent functions are in agentapi.c.)
 *
 * Each checks its handle as Microsoft documents (an application that passes
 * a stale handle learns that first) and then answers the documented
 * "cannot" error -- never success.  The capability structures agree: no
 * LINEDEVCAPS / LINEADDRESSCAPS bit announces any of these features
 * (dwMedCtl..., dwSettableDevStatus..., dwLineFeatures and dwCallFeatures bits
 * are 0).  Digits, tones and media: mediaapi.c; routing: routeapi.c. */
#include "ot.h"
#include "rpc.h"

/* What a function names first: the handle it checks before answering. */
enum subject { S_APP, S_LINE, S_CALL, S_DEVICE, S_NONE };

static LONG check(enum subject s, DWORD h)
{
    /* A client of the telephony service holds no lines or calls: the service
     * knows whether the handle is this process's. */
    if (ot_client_active() && (s == S_LINE || s == S_CALL || s == S_DEVICE)) {
        LONG crc = ot_client_check(s == S_LINE ? 1u : s == S_CALL ? 2u : 3u, h);
        return crc ? crc : (LONG)LINEERR_OPERATIONUNAVAIL;
    }
    ot_lock();
    LONG rc = s == S_NONE ? 0 : ot_check_started();
    if (!rc) {
        switch (s) {
        case S_APP:
            rc = ot_app_get(h) ? 0 : LINEERR_INVALAPPHANDLE;
            break;
        case S_LINE:
            rc = ot_open_get(h) ? 0 : LINEERR_INVALLINEHANDLE;
            break;
        case S_CALL:
            rc = ot_callref_get(h) ? 0 : LINEERR_INVALCALLHANDLE;
            break;
        case S_DEVICE:
            rc = ot_linedev_get(h) ? 0 : LINEERR_BADDEVICEID;
            break;
        case S_NONE:
            break;
        }
    }
    ot_unlock();
    return rc ? rc : (LONG)LINEERR_OPERATIONUNAVAIL;
}

/* ---- media control (digits, tones and media: mediaapi.c) ---- */
LONG lineSetMediaControl(HLINE hLine, DWORD dwAddressID, HCALL hCall, DWORD dwSelect,
                         LPLINEMEDIACONTROLDIGIT const lpDigitList, DWORD dwDigitNumEntries,
                         LPLINEMEDIACONTROLMEDIA const lpMediaList, DWORD dwMediaNumEntries,
                         LPLINEMEDIACONTROLTONE const lpToneList, DWORD dwToneNumEntries,
                         LPLINEMEDIACONTROLCALLSTATE const lpCallStateList,
                         DWORD dwCallStateNumEntries)
{
    (void)dwAddressID, (void)lpDigitList, (void)dwDigitNumEntries, (void)lpMediaList;
    (void)dwMediaNumEntries, (void)lpToneList, (void)dwToneNumEntries, (void)lpCallStateList;
    (void)dwCallStateNumEntries;
    if (dwSelect == LINECALLSELECT_CALL)
        return check(S_CALL, hCall);
    if (dwSelect != LINECALLSELECT_LINE && dwSelect != LINECALLSELECT_ADDRESS) {
        LONG rc = check(S_LINE, hLine);
        return rc == (LONG)LINEERR_OPERATIONUNAVAIL ? (LONG)LINEERR_INVALCALLSELECT : rc;
    }
    return check(S_LINE, hLine);
}

LONG lineSetCallQualityOfService(HCALL hCall, LPVOID lpSendingFlowspec,
                                 DWORD dwSendingFlowspecSize, LPVOID lpReceivingFlowspec,
                                 DWORD dwReceivingFlowspecSize)
{
    (void)lpSendingFlowspec, (void)dwSendingFlowspecSize, (void)lpReceivingFlowspec;
    (void)dwReceivingFlowspecSize;
    return check(S_CALL, hCall);
}

/* ---- devices: terminals, extensions, providers ---- */
LONG lineSetTerminal(HLINE hLine, DWORD dwAddressID, HCALL hCall, DWORD dwSelect,
                     DWORD dwTerminalModes, DWORD dwTerminalID, DWORD bEnable)
{
    (void)dwAddressID, (void)dwTerminalModes, (void)dwTerminalID, (void)bEnable;
    return dwSelect == LINECALLSELECT_CALL ? check(S_CALL, hCall) : check(S_LINE, hLine);
}

LONG lineNegotiateExtVersion(HLINEAPP hLineApp, DWORD dwDeviceID, DWORD dwAPIVersion,
                             DWORD dwExtLowVersion, DWORD dwExtHighVersion,
                             LPDWORD lpdwExtVersion)
{
    (void)dwAPIVersion, (void)dwExtLowVersion, (void)dwExtHighVersion, (void)lpdwExtVersion;
    LONG rc = check(S_APP, hLineApp);
    return rc == (LONG)LINEERR_OPERATIONUNAVAIL ? check(S_DEVICE, dwDeviceID) : rc;
}

LONG lineDevSpecific(HLINE hLine, DWORD dwAddressID, HCALL hCall, LPVOID lpParams, DWORD dwSize)
{
    (void)dwAddressID, (void)hCall, (void)lpParams, (void)dwSize;
    return check(S_LINE, hLine);
}

LONG lineDevSpecificFeature(HLINE hLine, DWORD dwFeature, LPVOID lpParams, DWORD dwSize)
{
    (void)dwFeature, (void)lpParams, (void)dwSize;
    return check(S_LINE, hLine);
}

/* Windows' provider and device dialogs are GUI; here providers are built in
 * and configured by the configuration file. */
LONG lineConfigDialog(DWORD dwDeviceID, HWND hwndOwner, LPCSTR lpszDeviceClass)
{
    (void)hwndOwner, (void)lpszDeviceClass;
    return check(S_DEVICE, dwDeviceID);
}

LONG lineConfigDialogEdit(DWORD dwDeviceID, HWND hwndOwner, LPCSTR lpszDeviceClass,
                          LPVOID const lpDeviceConfigIn, DWORD dwSize,
                          LPVARSTRING lpDeviceConfigOut)
{
    (void)hwndOwner, (void)lpszDeviceClass, (void)lpDeviceConfigIn, (void)dwSize;
    (void)lpDeviceConfigOut;
    return check(S_DEVICE, dwDeviceID);
}

LONG lineAddProvider(LPCSTR lpszProviderFilename, HWND hwndOwner,
                     LPDWORD lpdwPermanentProviderID)
{
    (void)lpszProviderFilename, (void)hwndOwner, (void)lpdwPermanentProviderID;
    return check(S_NONE, 0);
}

LONG lineConfigProvider(HWND hwndOwner, DWORD dwPermanentProviderID)
{
    (void)hwndOwner, (void)dwPermanentProviderID;
    return check(S_NONE, 0);
}

LONG lineRemoveProvider(DWORD dwPermanentProviderID, HWND hwndOwner)
{
    (void)dwPermanentProviderID, (void)hwndOwner;
    return check(S_NONE, 0);
}

/* No icons on this platform. */
LONG lineGetIcon(DWORD dwDeviceID, LPCSTR lpszDeviceClass, LPHICON lphIcon)
{
    (void)lpszDeviceClass;
    if (!lphIcon)
        return LINEERR_INVALPOINTER;
    *lphIcon = NULL;
    return check(S_DEVICE, dwDeviceID);
}

/* ---- assisted telephony (assist.c has the rest) ---- */
/* Obsolete on Windows too ("should not be used"); never carried out here. */
LONG tapiRequestMediaCall(HWND hwnd, WPARAM wRequestID, LPCSTR lpszDeviceClass,
                          LPCSTR lpDeviceID, DWORD dwSize, DWORD dwSecure,
                          LPCSTR lpszDestAddress, LPCSTR lpszAppName, LPCSTR lpszCalledParty,
                          LPCSTR lpszComment)
{
    (void)hwnd, (void)wRequestID, (void)lpszDeviceClass, (void)lpDeviceID, (void)dwSize;
    (void)dwSecure, (void)lpszDestAddress, (void)lpszAppName, (void)lpszCalledParty;
    (void)lpszComment;
    return TAPIERR_REQUESTFAILED;
}

LONG tapiRequestDrop(HWND hwnd, WPARAM wRequestID)
{
    (void)hwnd, (void)wRequestID;
    return TAPIERR_REQUESTFAILED;
}
