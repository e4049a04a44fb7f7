/* The TAPI 2.2 line functions whose feature opentapi does not have yet
 * (docs/api.md marks them "not yet"): routing (forward, redirect, park,
 * pickup, swap hold, call completion, secure), digits and tones,
 * media control, quality of service, terminals, device-specific
 * extensions, provider installation, the obsolete assisted-telephony media
 * calls and the ACD (agent) functions.
 *
 * Each checks its handle as Microsoft documents (an application that passes
 * a stale handle learns that first) and then answers the documented
 * "cannot" error -- never success.  The capability structures agree: no
 * LINEDEVCAPS / LINEADDRESSCAPS bit announces any of these features
 * (dwForwardModes, dwParkModes, dwGenerateDigitModes, dwMonitorDigitModes,
 * dwGatherDigits..., dwLineFeatures and dwCallFeatures bits are 0). */
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

/* ---- routing ---- */
LONG lineForward(HLINE hLine, DWORD bAllAddresses, DWORD dwAddressID,
                 LPLINEFORWARDLIST const lpForwardList, DWORD dwNumRingsNoAnswer,
                 LPHCALL lphConsultCall, LPLINECALLPARAMS const lpCallParams)
{
    (void)bAllAddresses, (void)dwAddressID, (void)lpForwardList, (void)dwNumRingsNoAnswer;
    (void)lphConsultCall, (void)lpCallParams;
    return check(S_LINE, hLine);
}

LONG lineRedirect(HCALL hCall, LPCSTR lpszDestAddress, DWORD dwCountryCode)
{
    (void)lpszDestAddress, (void)dwCountryCode;
    return check(S_CALL, hCall);
}

LONG linePark(HCALL hCall, DWORD dwParkMode, LPCSTR lpszDirAddress,
              LPVARSTRING lpNonDirAddress)
{
    (void)dwParkMode, (void)lpszDirAddress, (void)lpNonDirAddress;
    return check(S_CALL, hCall);
}

LONG lineUnpark(HLINE hLine, DWORD dwAddressID, LPHCALL lphCall, LPCSTR lpszDestAddress)
{
    (void)dwAddressID, (void)lphCall, (void)lpszDestAddress;
    return check(S_LINE, hLine);
}

LONG linePickup(HLINE hLine, DWORD dwAddressID, LPHCALL lphCall, LPCSTR lpszDestAddress,
                LPCSTR lpszGroupID)
{
    (void)dwAddressID, (void)lphCall, (void)lpszDestAddress, (void)lpszGroupID;
    return check(S_LINE, hLine);
}

LONG lineSwapHold(HCALL hActiveCall, HCALL hHeldCall)
{
    LONG rc = check(S_CALL, hActiveCall);
    return rc == (LONG)LINEERR_OPERATIONUNAVAIL ? check(S_CALL, hHeldCall) : rc;
}

LONG lineCompleteCall(HCALL hCall, LPDWORD lpdwCompletionID, DWORD dwCompletionMode,
                      DWORD dwMessageID)
{
    (void)lpdwCompletionID, (void)dwCompletionMode, (void)dwMessageID;
    return check(S_CALL, hCall);
}

LONG lineUncompleteCall(HLINE hLine, DWORD dwCompletionID)
{
    (void)dwCompletionID;
    return check(S_LINE, hLine);
}

LONG lineSecureCall(HCALL hCall) { return check(S_CALL, hCall); }

/* ---- digits, tones and media ---- */
LONG lineGenerateDigits(HCALL hCall, DWORD dwDigitMode, LPCSTR lpszDigits, DWORD dwDuration)
{
    (void)dwDigitMode, (void)lpszDigits, (void)dwDuration;
    return check(S_CALL, hCall);
}

LONG lineGenerateTone(HCALL hCall, DWORD dwToneMode, DWORD dwDuration, DWORD dwNumTones,
                      LPLINEGENERATETONE const lpTones)
{
    (void)dwToneMode, (void)dwDuration, (void)dwNumTones, (void)lpTones;
    return check(S_CALL, hCall);
}

LONG lineMonitorDigits(HCALL hCall, DWORD dwDigitModes)
{
    (void)dwDigitModes;
    return check(S_CALL, hCall);
}

LONG lineGatherDigits(HCALL hCall, DWORD dwDigitModes, LPSTR lpsDigits, DWORD dwNumDigits,
                      LPCSTR lpszTerminationDigits, DWORD dwFirstDigitTimeout,
                      DWORD dwInterDigitTimeout)
{
    (void)dwDigitModes, (void)lpsDigits, (void)dwNumDigits, (void)lpszTerminationDigits;
    (void)dwFirstDigitTimeout, (void)dwInterDigitTimeout;
    return check(S_CALL, hCall);
}

LONG lineMonitorTones(HCALL hCall, LPLINEMONITORTONE const lpToneList, DWORD dwNumEntries)
{
    (void)lpToneList, (void)dwNumEntries;
    return check(S_CALL, hCall);
}

LONG lineMonitorMedia(HCALL hCall, DWORD dwMediaModes)
{
    (void)dwMediaModes;
    return check(S_CALL, hCall);
}

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

/* ---- call-centre (agent) functions: TAPI routes them to an ACD proxy, and
 * no line can be opened as a proxy yet (lineOpen refuses LINEOPENOPTION_PROXY). ---- */
LONG lineAgentSpecific(HLINE hLine, DWORD dwAddressID, DWORD dwAgentExtensionIDIndex,
                       LPVOID lpParams, DWORD dwSize)
{
    (void)dwAddressID, (void)dwAgentExtensionIDIndex, (void)lpParams, (void)dwSize;
    return check(S_LINE, hLine);
}

LONG lineCreateAgent(HLINE hLine, LPSTR lpszAgentID, LPSTR lpszAgentPIN, LPHAGENT lphAgent)
{
    (void)lpszAgentID, (void)lpszAgentPIN, (void)lphAgent;
    return check(S_LINE, hLine);
}

LONG lineCreateAgentSession(HLINE hLine, HAGENT hAgent, LPSTR lpszAgentPIN,
                            DWORD dwWorkingAddressID, LPGUID lpGroupID,
                            LPHAGENTSESSION lphAgentSession)
{
    (void)hAgent, (void)lpszAgentPIN, (void)dwWorkingAddressID, (void)lpGroupID;
    (void)lphAgentSession;
    return check(S_LINE, hLine);
}

LONG lineGetAgentActivityList(HLINE hLine, DWORD dwAddressID,
                              LPLINEAGENTACTIVITYLIST lpAgentActivityList)
{
    (void)dwAddressID, (void)lpAgentActivityList;
    return check(S_LINE, hLine);
}

LONG lineGetAgentCaps(HLINEAPP hLineApp, DWORD dwDeviceID, DWORD dwAddressID,
                      DWORD dwAppAPIVersion, LPLINEAGENTCAPS lpAgentCaps)
{
    (void)dwAddressID, (void)dwAppAPIVersion, (void)lpAgentCaps;
    LONG rc = check(S_APP, hLineApp);
    return rc == (LONG)LINEERR_OPERATIONUNAVAIL ? check(S_DEVICE, dwDeviceID) : rc;
}

LONG lineGetAgentGroupList(HLINE hLine, DWORD dwAddressID,
                           LPLINEAGENTGROUPLIST lpAgentGroupList)
{
    (void)dwAddressID, (void)lpAgentGroupList;
    return check(S_LINE, hLine);
}

LONG lineGetAgentInfo(HLINE hLine, HAGENT hAgent, LPLINEAGENTINFO lpAgentInfo)
{
    (void)hAgent, (void)lpAgentInfo;
    return check(S_LINE, hLine);
}

LONG lineGetAgentSessionInfo(HLINE hLine, HAGENTSESSION hAgentSession,
                             LPLINEAGENTSESSIONINFO lpAgentSessionInfo)
{
    (void)hAgentSession, (void)lpAgentSessionInfo;
    return check(S_LINE, hLine);
}

LONG lineGetAgentSessionList(HLINE hLine, HAGENT hAgent,
                             LPLINEAGENTSESSIONLIST lpAgentSessionList)
{
    (void)hAgent, (void)lpAgentSessionList;
    return check(S_LINE, hLine);
}

LONG lineGetAgentStatus(HLINE hLine, DWORD dwAddressID, LPLINEAGENTSTATUS lpAgentStatus)
{
    (void)dwAddressID, (void)lpAgentStatus;
    return check(S_LINE, hLine);
}

LONG lineGetGroupList(HLINE hLine, LPLINEAGENTGROUPLIST lpGroupList)
{
    (void)lpGroupList;
    return check(S_LINE, hLine);
}

LONG lineGetProxyStatus(HLINEAPP hLineApp, DWORD dwDeviceID, DWORD dwAppAPIVersion,
                        LPLINEPROXYREQUESTLIST lpLineProxyReqestList)
{
    (void)dwAppAPIVersion, (void)lpLineProxyReqestList;
    LONG rc = check(S_APP, hLineApp);
    return rc == (LONG)LINEERR_OPERATIONUNAVAIL ? check(S_DEVICE, dwDeviceID) : rc;
}

LONG lineGetQueueInfo(HLINE hLine, DWORD dwQueueID, LPLINEQUEUEINFO lpLineQueueInfo)
{
    (void)dwQueueID, (void)lpLineQueueInfo;
    return check(S_LINE, hLine);
}

LONG lineGetQueueList(HLINE hLine, LPGUID lpGroupID, LPLINEQUEUELIST lpQueueList)
{
    (void)lpGroupID, (void)lpQueueList;
    return check(S_LINE, hLine);
}

LONG lineProxyMessage(HLINE hLine, HCALL hCall, DWORD dwMsg, DWORD dwParam1, DWORD dwParam2,
                      DWORD dwParam3)
{
    (void)hCall, (void)dwMsg, (void)dwParam1, (void)dwParam2, (void)dwParam3;
    return check(S_LINE, hLine);
}

LONG lineProxyResponse(HLINE hLine, LPLINEPROXYREQUEST lpProxyRequest, DWORD dwResult)
{
    (void)lpProxyRequest, (void)dwResult;
    return check(S_LINE, hLine);
}

LONG lineSetAgentActivity(HLINE hLine, DWORD dwAddressID, DWORD dwActivityID)
{
    (void)dwAddressID, (void)dwActivityID;
    return check(S_LINE, hLine);
}

LONG lineSetAgentGroup(HLINE hLine, DWORD dwAddressID, LPLINEAGENTGROUPLIST lpAgentGroupList)
{
    (void)dwAddressID, (void)lpAgentGroupList;
    return check(S_LINE, hLine);
}

LONG lineSetAgentMeasurementPeriod(HLINE hLine, HAGENT hAgent, DWORD dwMeasurementPeriod)
{
    (void)hAgent, (void)dwMeasurementPeriod;
    return check(S_LINE, hLine);
}

LONG lineSetAgentSessionState(HLINE hLine, HAGENTSESSION hAgentSession,
                              DWORD dwAgentSessionState, DWORD dwNextAgentSessionState)
{
    (void)hAgentSession, (void)dwAgentSessionState, (void)dwNextAgentSessionState;
    return check(S_LINE, hLine);
}

LONG lineSetAgentState(HLINE hLine, DWORD dwAddressID, DWORD dwAgentState,
                       DWORD dwNextAgentState)
{
    (void)dwAddressID, (void)dwAgentState, (void)dwNextAgentState;
    return check(S_LINE, hLine);
}

LONG lineSetAgentStateEx(HLINE hLine, HAGENT hAgent, DWORD dwAgentState, DWORD dwNextAgentState)
{
    (void)hAgent, (void)dwAgentState, (void)dwNextAgentState;
    return check(S_LINE, hLine);
}

LONG lineSetQueueMeasurementPeriod(HLINE hLine, DWORD dwQueueID, DWORD dwMeasurementPeriod)
{
    (void)dwQueueID, (void)dwMeasurementPeriod;
    return check(S_LINE, hLine);
}
