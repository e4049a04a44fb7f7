/* tapi3.h - opentapi: the TAPI 3.x call-control objects, for C.
 *
 * Microsoft's TAPI 3 is a set of COM objects (TAPI, Address, Call, events).
 * This header gives them to C programs the way COM C headers do: every
 * interface is a struct whose only member is lpVtbl, a pointer to a table of
 * function pointers that starts with QueryInterface, AddRef and Release and
 * continues with the interface's methods in Microsoft's order; macros such as
 * ITBasicCallControl_Disconnect(p, DC_NORMAL) call through the table.  Names,
 * enumeration values, HRESULTs, IIDs and method order are Microsoft's
 * (tapi3if.h, tapi3err.h).  The objects are a thin layer over the TAPI 2 line
 * API of tapi.h: every ITTAPI object is one hidden line application, so
 * whatever provider serves a line (embedded switch, SIP) serves TAPI 3 too.
 * docs/tapi3.md describes the mapping in full.
 *
 * Differences from Windows, for every interface below:
 *  - Strings (BSTR) are UTF-8 `char` strings with a length prefix, allocated
 *    and freed with otSysAllocString/otSysFreeString (SysAllocString and
 *    SysFreeString are macros for them).  A BSTR a method returns belongs to
 *    the caller, who frees it with SysFreeString.
 *  - Buffers a method allocates for the caller (GetCallInfoBuffer) are freed
 *    with CoTaskMemFree (a macro for otCoTaskMemFree).
 *  - The IDispatch slots of every dual interface are present, so that every
 *    method has its Windows vtable index: GetTypeInfoCount answers 0 type
 *    infos (S_OK), GetTypeInfo, GetIDsOfNames and Invoke return E_NOTIMPL.
 *  - VARIANT is an incomplete type: the Automation variants of methods
 *    (get_Addresses, get_Calls, get_CallInfoBuffer, ...) keep their slot and
 *    return E_NOTIMPL; C programs use the enumerators and the Get/Set...Buffer
 *    methods, as Microsoft asks C and C++ programs to.
 *  - Methods this port does not implement return E_NOTIMPL (each is marked
 *    "not implemented" below).
 *  - The IIDs and CLSID_TAPI are static const objects of this header (one
 *    copy per translation unit): compare them with IsEqualIID, not by
 *    address.
 *  - Events reach the application through an ITTAPIEventNotification sink
 *    (IConnectionPointContainer/IConnectionPoint::Advise on the TAPI object,
 *    or otTapi3Advise) called on a library thread, or are pulled with
 *    otTapi3GetEvent.  Nothing needs CoInitialize or a message loop.
 *
 * Threads: every method may be called from any thread, including from inside
 * ITTAPIEventNotification::Event.  Methods that wait (Connect, Answer,
 * Disconnect, Hold, ...) wait for the line API's LINE_REPLY, at most two
 * minutes (TAPI_E_TIMEOUT; otTapi3SetTimeout changes the bound).
 *
 * Lifetimes: AddRef/Release are atomic.  After the Release that returns 0 the
 * pointer is invalid and must not be used again; the library itself never
 * touches an object after its last reference is gone (an event holds a
 * reference to its call, a call to its TAPI object).  A call keeps its line
 * API handle until its last Release, so ITCallInfo stays readable after the
 * call is disconnected, and even after ITTAPI::Shutdown (then from a copy of
 * the last LINECALLINFO).
 */
#ifndef OPENTAPI_TAPI3_H
#define OPENTAPI_TAPI3_H

#include "tapi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================
 * COM base types
 * ====================================================================== */

#ifndef _HRESULT_DEFINED
#define _HRESULT_DEFINED
typedef int32_t HRESULT;
#endif
#ifndef OPENTAPI_COMTYPES_DEFINED
#define OPENTAPI_COMTYPES_DEFINED
typedef uint32_t ULONG;
typedef unsigned int UINT;
typedef DWORD LCID;
typedef LONG DISPID;
typedef int16_t VARIANT_BOOL;
typedef char OLECHAR;               /* UTF-8 in this port */
typedef OLECHAR *BSTR;
typedef OLECHAR *LPOLESTR;
typedef const OLECHAR *LPCOLESTR;
typedef GUID IID;
typedef GUID CLSID;
typedef const IID *REFIID;
typedef const CLSID *REFCLSID;
#endif

#define VARIANT_TRUE  ((VARIANT_BOOL)-1)
#define VARIANT_FALSE ((VARIANT_BOOL)0)

/* VARIANT has Windows' size and layout so that the vtable slots that take
 * one by value keep their place; every method that takes or returns one
 * returns E_NOTIMPL in this port. */
typedef struct tagVARIANT {
    uint16_t vt;
    uint16_t wReserved1, wReserved2, wReserved3;
    union {
        int64_t llVal;
        double dblVal;
        void *byref;
        struct {
            void *pvRecord;
            void *pRecInfo;
        } brecVal;
    } u;
} VARIANT;

/* Types that only appear behind pointers in methods this port does not
 * implement; they stay incomplete. */
typedef struct tagDISPPARAMS DISPPARAMS;
typedef struct tagEXCEPINFO EXCEPINFO;
typedef struct ITypeInfo ITypeInfo;
typedef struct ITCallHub ITCallHub;
typedef struct IEnumCallHub IEnumCallHub;
typedef struct IEnumUnknown IEnumUnknown;
typedef struct IEnumBstr IEnumBstr;
typedef struct ITForwardInformation ITForwardInformation;
typedef struct IEnumConnectionPoints IEnumConnectionPoints;
typedef struct IEnumConnections IEnumConnections;

/* ---- HRESULT values (Windows values) ---- */
#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#define FAILED(hr)    (((HRESULT)(hr)) < 0)

#define S_OK            ((HRESULT)0x00000000)
#define S_FALSE         ((HRESULT)0x00000001)
#define E_NOTIMPL       ((HRESULT)0x80004001)
#define E_NOINTERFACE   ((HRESULT)0x80004002)
#define E_POINTER       ((HRESULT)0x80004003)
#define E_ABORT         ((HRESULT)0x80004004)
#define E_FAIL          ((HRESULT)0x80004005)
#define E_UNEXPECTED    ((HRESULT)0x8000FFFF)
#define E_OUTOFMEMORY   ((HRESULT)0x8007000E)
#define E_INVALIDARG    ((HRESULT)0x80070057)

#define CLASS_E_NOAGGREGATION   ((HRESULT)0x80040110)
#define CLASS_E_CLASSNOTAVAILABLE ((HRESULT)0x80040111)
#define CONNECT_E_NOCONNECTION  ((HRESULT)0x80040200)
#define CONNECT_E_ADVISELIMIT   ((HRESULT)0x80040201)
#define CONNECT_E_CANNOTCONNECT ((HRESULT)0x80040202)

/* ---- TAPI 3 errors (tapi3err.h values) ---- */
#define TAPI_E_NOTENOUGHMEMORY          ((HRESULT)0x80040001)
#define TAPI_E_NOITEMS                  ((HRESULT)0x80040002)
#define TAPI_E_NOTSUPPORTED             ((HRESULT)0x80040003)
#define TAPI_E_INVALIDMEDIATYPE         ((HRESULT)0x80040004)
#define TAPI_E_OPERATIONFAILED          ((HRESULT)0x80040005)
#define TAPI_E_ALLOCATED                ((HRESULT)0x80040006)
#define TAPI_E_CALLUNAVAIL              ((HRESULT)0x80040007)
#define TAPI_E_COMPLETIONOVERRUN        ((HRESULT)0x80040008)
#define TAPI_E_CONFERENCEFULL           ((HRESULT)0x80040009)
#define TAPI_E_DIALMODIFIERNOTSUPPORTED ((HRESULT)0x8004000A)
#define TAPI_E_INUSE                    ((HRESULT)0x8004000B)
#define TAPI_E_INVALADDRESS             ((HRESULT)0x8004000C)
#define TAPI_E_INVALADDRESSSTATE        ((HRESULT)0x8004000D)
#define TAPI_E_INVALCALLPARAMS          ((HRESULT)0x8004000E)
#define TAPI_E_INVALCALLPRIVILEGE       ((HRESULT)0x8004000F)
#define TAPI_E_INVALCALLSTATE           ((HRESULT)0x80040010)
#define TAPI_E_INVALCARD                ((HRESULT)0x80040011)
#define TAPI_E_INVALCOMPLETIONID        ((HRESULT)0x80040012)
#define TAPI_E_INVALCOUNTRYCODE         ((HRESULT)0x80040013)
#define TAPI_E_INVALDEVICECLASS         ((HRESULT)0x80040014)
#define TAPI_E_INVALDIALPARAMS          ((HRESULT)0x80040015)
#define TAPI_E_INVALDIGITS              ((HRESULT)0x80040016)
#define TAPI_E_INVALGROUPID             ((HRESULT)0x80040017)
#define TAPI_E_INVALLOCATION            ((HRESULT)0x80040018)
#define TAPI_E_INVALMESSAGEID           ((HRESULT)0x80040019)
#define TAPI_E_INVALPARKID              ((HRESULT)0x8004001A)
#define TAPI_E_INVALRATE                ((HRESULT)0x8004001B)
#define TAPI_E_INVALTIMEOUT             ((HRESULT)0x8004001C)
#define TAPI_E_INVALTONE                ((HRESULT)0x8004001D)
#define TAPI_E_INVALLIST                ((HRESULT)0x8004001E)
#define TAPI_E_INVALMODE                ((HRESULT)0x8004001F)
#define TAPI_E_NOCONFERENCE             ((HRESULT)0x80040020)
#define TAPI_E_NODEVICE                 ((HRESULT)0x80040021)
#define TAPI_E_NOREQUEST                ((HRESULT)0x80040022)
#define TAPI_E_NOTOWNER                 ((HRESULT)0x80040023)
#define TAPI_E_NOTREGISTERED            ((HRESULT)0x80040024)
#define TAPI_E_REQUESTOVERRUN           ((HRESULT)0x80040025)
#define TAPI_E_TARGETNOTFOUND           ((HRESULT)0x80040026)
#define TAPI_E_TARGETSELF               ((HRESULT)0x80040027)
#define TAPI_E_USERUSERINFOTOOBIG       ((HRESULT)0x80040028)
#define TAPI_E_REINIT                   ((HRESULT)0x80040029)
#define TAPI_E_ADDRESSBLOCKED           ((HRESULT)0x8004002A)
#define TAPI_E_BILLINGREJECTED          ((HRESULT)0x8004002B)
#define TAPI_E_INVALFEATURE             ((HRESULT)0x8004002C)
#define TAPI_E_INVALBUTTONLAMPID        ((HRESULT)0x8004002D)
#define TAPI_E_INVALBUTTONSTATE         ((HRESULT)0x8004002E)
#define TAPI_E_INVALDATAID              ((HRESULT)0x8004002F)
#define TAPI_E_INVALHOOKSWITCHDEV       ((HRESULT)0x80040030)
#define TAPI_E_DROPPED                  ((HRESULT)0x80040031)
#define TAPI_E_NOREQUESTRECIPIENT       ((HRESULT)0x80040032)
#define TAPI_E_REQUESTQUEUEFULL         ((HRESULT)0x80040033)
#define TAPI_E_DESTBUSY                 ((HRESULT)0x80040034)
#define TAPI_E_DESTNOANSWER             ((HRESULT)0x80040035)
#define TAPI_E_DESTUNAVAIL              ((HRESULT)0x80040036)
#define TAPI_E_REQUESTFAILED            ((HRESULT)0x80040037)
#define TAPI_E_REQUESTCANCELLED         ((HRESULT)0x80040038)
#define TAPI_E_INVALPRIVILEGE           ((HRESULT)0x80040039)
#define TAPI_E_INVALIDDIRECTION         ((HRESULT)0x8004003A)
#define TAPI_E_INVALIDTERMINAL          ((HRESULT)0x8004003B)
#define TAPI_E_INVALIDTERMINALCLASS     ((HRESULT)0x8004003C)
#define TAPI_E_NODRIVER                 ((HRESULT)0x8004003D)
#define TAPI_E_MAXSTREAMS               ((HRESULT)0x8004003E)
#define TAPI_E_NOTERMINALSELECTED       ((HRESULT)0x8004003F)
#define TAPI_E_TERMINALINUSE            ((HRESULT)0x80040040)
#define TAPI_E_NOTSTOPPED               ((HRESULT)0x80040041)
#define TAPI_E_MAXTERMINALS             ((HRESULT)0x80040042)
#define TAPI_E_INVALIDSTREAM            ((HRESULT)0x80040043)
#define TAPI_E_TIMEOUT                  ((HRESULT)0x80040044)
#define TAPI_E_CALLCENTER_GROUP_REMOVED ((HRESULT)0x80040045)
#define TAPI_E_CALLCENTER_QUEUE_REMOVED ((HRESULT)0x80040046)
#define TAPI_E_CALLCENTER_NO_AGENT_ID   ((HRESULT)0x80040047)
#define TAPI_E_CALLCENTER_INVALAGENTID  ((HRESULT)0x80040048)
#define TAPI_E_CALLCENTER_INVALAGENTGROUP ((HRESULT)0x80040049)
#define TAPI_E_CALLCENTER_INVALPASSWORD ((HRESULT)0x8004004A)
#define TAPI_E_CALLCENTER_INVALAGENTSTATE ((HRESULT)0x8004004B)
#define TAPI_E_CALLCENTER_INVALAGENTACTIVITY ((HRESULT)0x8004004C)
#define TAPI_E_REGISTRY_SETTING_CORRUPT ((HRESULT)0x8004004D)
#define TAPI_E_TERMINAL_PEER            ((HRESULT)0x8004004E)
#define TAPI_E_PEER_NOT_SET             ((HRESULT)0x8004004F)
#define TAPI_E_NOEVENT                  ((HRESULT)0x80040050)
#define TAPI_E_INVALADDRESSTYPE         ((HRESULT)0x80040051)
#define TAPI_E_RESOURCEUNAVAIL          ((HRESULT)0x80040052)
#define TAPI_E_PHONENOTOPEN             ((HRESULT)0x80040053)
#define TAPI_E_CALLNOTSELECTED          ((HRESULT)0x80040054)
#define TAPI_E_WRONGEVENT               ((HRESULT)0x80040055)
#define TAPI_E_NOFORMAT                 ((HRESULT)0x80040056)
#define TAPI_E_INVALIDSTREAMSTATE       ((HRESULT)0x80040057)
#define TAPI_E_WRONG_STATE              ((HRESULT)0x80040058)
#define TAPI_E_NOT_INITIALIZED          ((HRESULT)0x80040059)
#define TAPI_E_SERVICE_NOT_RUNNING      ((HRESULT)0x8004005A)

/* ======================================================================
 * Enumerations (tapi3if.h values)
 * ====================================================================== */

/* Media types (RegisterCallNotifications, CreateCall).  TAPIMEDIATYPE_AUDIO
 * is LINEMEDIAMODE_INTERACTIVEVOICE | LINEMEDIAMODE_AUTOMATEDVOICE on the
 * line; the others are the LINEMEDIAMODE_ bit of the same value. */
#define TAPIMEDIATYPE_AUDIO      0x00000008
#define TAPIMEDIATYPE_VIDEO      0x00008000
#define TAPIMEDIATYPE_DATAMODEM  0x00000010
#define TAPIMEDIATYPE_G3FAX      0x00000020
#define TAPIMEDIATYPE_MULTITRACK 0x00010000

/* Digit modes of ITLegacyCallMediaControl: the LINEDIGITMODE_ values (tapi.h). */
typedef LONG TAPI_DIGITMODE;
/* ITLegacyCallMediaControl2::GenerateTone: the LINETONEMODE_ values. */
typedef enum TAPI_TONEMODE {
    TTM_RINGBACK = 0x2,
    TTM_BUSY = 0x4,
    TTM_BEEP = 0x8,
    TTM_BILLING = 0x10
} TAPI_TONEMODE;
/* ITDigitsGatheredEvent: why gathering ended (the LINEGATHERTERM_ values). */
typedef enum TAPI_GATHERTERM {
    TGT_BUFFERFULL = 0x1,
    TGT_TERMDIGIT = 0x2,
    TGT_FIRSTTIMEOUT = 0x4,
    TGT_INTERTIMEOUT = 0x8,
    TGT_CANCEL = 0x10
} TAPI_GATHERTERM;
/* GenerateCustomTones: LINEGENERATETONE's layout. */
typedef struct TAPI_CUSTOMTONE {
    DWORD dwFrequency;
    DWORD dwCadenceOn;
    DWORD dwCadenceOff;
    DWORD dwVolume;
} TAPI_CUSTOMTONE;
/* DetectTones: LINEMONITORTONE's layout. */
typedef struct TAPI_DETECTTONE {
    DWORD dwAppSpecific;
    DWORD dwDuration;
    DWORD dwFrequency1;
    DWORD dwFrequency2;
    DWORD dwFrequency3;
} TAPI_DETECTTONE;

typedef enum ADDRESS_STATE { AS_INSERVICE = 0, AS_OUTOFSERVICE } ADDRESS_STATE;

/* What happened on an address (ITAddressEvent::get_Event, TE_ADDRESS). */
typedef enum ADDRESS_EVENT {
    AE_STATE = 0, /* ITAddress::get_State changed (the line in / out of service) */
    AE_CAPSCHANGE,
    AE_RINGING,   /* one ring cycle of an offered call */
    AE_CONFIGCHANGE,
    AE_FORWARD,
    AE_NEWTERMINAL,
    AE_REMOVETERMINAL,
    AE_MSGWAITON,
    AE_MSGWAITOFF,
    AE_LASTITEM = AE_MSGWAITOFF
} ADDRESS_EVENT;

/* The state of a call object.  CS_IDLE: created by CreateCall, not yet
 * connected (a call never returns to it).  CS_DISCONNECTED is final. */
typedef enum CALL_STATE {
    CS_IDLE = 0,
    CS_INPROGRESS,
    CS_CONNECTED,
    CS_DISCONNECTED,
    CS_OFFERING,
    CS_HOLD,
    CS_QUEUED,
    CS_LASTITEM = CS_QUEUED
} CALL_STATE;

/* Why a call changed state (ITCallStateEvent::get_Cause). */
typedef enum CALL_STATE_EVENT_CAUSE {
    CEC_NONE = 0,
    CEC_DISCONNECT_NORMAL,
    CEC_DISCONNECT_BUSY,
    CEC_DISCONNECT_BADADDRESS,
    CEC_DISCONNECT_NOANSWER,
    CEC_DISCONNECT_CANCELLED,
    CEC_DISCONNECT_REJECTED,
    CEC_DISCONNECT_FAILED,
    CEC_DISCONNECT_BLOCKED
} CALL_STATE_EVENT_CAUSE;

/* ITBasicCallControl::Disconnect. */
typedef enum DISCONNECT_CODE { DC_NORMAL = 0, DC_NOANSWER, DC_REJECTED } DISCONNECT_CODE;

typedef enum CALL_PRIVILEGE { CP_OWNER = 0, CP_MONITOR } CALL_PRIVILEGE;

/* Event classes: ITTAPIEventNotification::Event, ITTAPI::put_EventFilter.
 * opentapi generates TE_CALLNOTIFICATION, TE_CALLSTATE and TE_CALLINFOCHANGE. */
typedef enum TAPI_EVENT {
    TE_TAPIOBJECT = 0x1,
    TE_ADDRESS = 0x2,
    TE_CALLNOTIFICATION = 0x4,
    TE_CALLSTATE = 0x8,
    TE_CALLMEDIA = 0x10,
    TE_CALLHUB = 0x20,
    TE_CALLINFOCHANGE = 0x40,
    TE_PRIVATE = 0x80,
    TE_REQUEST = 0x100,
    TE_AGENT = 0x200,
    TE_AGENTSESSION = 0x400,
    TE_QOSEVENT = 0x800,
    TE_AGENTHANDLER = 0x1000,
    TE_ACDGROUP = 0x2000,
    TE_QUEUE = 0x4000,
    TE_DIGITEVENT = 0x8000,
    TE_GENERATEEVENT = 0x10000,
    TE_ASRTERMINAL = 0x20000,
    TE_TTSTERMINAL = 0x40000,
    TE_FILETERMINAL = 0x80000,
    TE_TONETERMINAL = 0x100000,
    TE_PHONEEVENT = 0x200000,
    TE_TONEEVENT = 0x400000,
    TE_GATHERDIGITS = 0x800000,
    TE_ADDRESSDEVSPECIFIC = 0x1000000,
    TE_PHONEDEVSPECIFIC = 0x2000000
} TAPI_EVENT;

typedef enum CALL_NOTIFICATION_EVENT {
    CNE_OWNER = 0,
    CNE_MONITOR,
    CNE_LASTITEM = CNE_MONITOR
} CALL_NOTIFICATION_EVENT;

/* ITCallInfoChangeEvent::get_Cause: which call information changed. */
typedef enum CALLINFOCHANGE_CAUSE {
    CIC_OTHER = 0,
    CIC_DEVSPECIFIC,
    CIC_BEARERMODE,
    CIC_RATE,
    CIC_APPSPECIFIC,
    CIC_CALLID,
    CIC_RELATEDCALLID,
    CIC_ORIGIN,
    CIC_REASON,
    CIC_COMPLETIONID,
    CIC_NUMOWNERINCR,
    CIC_NUMOWNERDECR,
    CIC_NUMMONITORS,
    CIC_TRUNK,
    CIC_CALLERID,
    CIC_CALLEDID,
    CIC_CONNECTEDID,
    CIC_REDIRECTIONID,
    CIC_REDIRECTINGID,
    CIC_USERUSERINFO,
    CIC_HIGHLEVELCOMP,
    CIC_LOWLEVELCOMP,
    CIC_CHARGINGINFO,
    CIC_TREATMENT,
    CIC_CALLDATA,
    CIC_PRIVILEGE,
    CIC_MEDIATYPE,
    CIC_LASTITEM = CIC_MEDIATYPE
} CALLINFOCHANGE_CAUSE;

typedef enum CALLINFO_LONG {
    CIL_MEDIATYPESAVAILABLE = 0,
    CIL_BEARERMODE,
    CIL_CALLERIDADDRESSTYPE,
    CIL_CALLEDIDADDRESSTYPE,
    CIL_CONNECTEDIDADDRESSTYPE,
    CIL_REDIRECTIONIDADDRESSTYPE,
    CIL_REDIRECTINGIDADDRESSTYPE,
    CIL_ORIGIN,
    CIL_REASON,
    CIL_APPSPECIFIC,
    CIL_CALLPARAMSFLAGS,
    CIL_CALLTREATMENT,
    CIL_MINRATE,
    CIL_MAXRATE,
    CIL_COUNTRYCODE,
    CIL_CALLID,
    CIL_RELATEDCALLID,
    CIL_COMPLETIONID,
    CIL_NUMBEROFOWNERS,
    CIL_NUMBEROFMONITORS,
    CIL_TRUNK,
    CIL_RATE,
    CIL_GENERATEDIGITDURATION,
    CIL_MONITORDIGITMODES,
    CIL_MONITORMEDIAMODES
} CALLINFO_LONG;

typedef enum CALLINFO_STRING {
    CIS_CALLERIDNAME = 0,
    CIS_CALLERIDNUMBER,
    CIS_CALLEDIDNAME,
    CIS_CALLEDIDNUMBER,
    CIS_CONNECTEDIDNAME,
    CIS_CONNECTEDIDNUMBER,
    CIS_REDIRECTIONIDNAME,
    CIS_REDIRECTIONIDNUMBER,
    CIS_REDIRECTINGIDNAME,
    CIS_REDIRECTINGIDNUMBER,
    CIS_CALLEDPARTYFRIENDLYNAME,
    CIS_COMMENT,
    CIS_DISPLAYABLEADDRESS,
    CIS_CALLINGPARTYID
} CALLINFO_STRING;

typedef enum CALLINFO_BUFFER {
    CIB_USERUSERINFO = 0,
    CIB_DEVSPECIFICBUFFER,
    CIB_CALLDATABUFFER,
    CIB_CHARGINGINFOBUFFER,
    CIB_HIGHLEVELCOMPATIBILITYBUFFER,
    CIB_LOWLEVELCOMPATIBILITYBUFFER
} CALLINFO_BUFFER;

typedef enum ADDRESS_CAPABILITY {
    AC_ADDRESSTYPES = 0,
    AC_BEARERMODES,
    AC_MAXACTIVECALLS,
    AC_MAXONHOLDCALLS,
    AC_MAXONHOLDPENDINGCALLS,
    AC_MAXNUMCONFERENCE,
    AC_MAXNUMTRANSCONF,
    AC_MONITORDIGITSUPPORT,
    AC_GENERATEDIGITSUPPORT,
    AC_GENERATETONEMODES,
    AC_GENERATETONEMAXNUMFREQ,
    AC_MONITORTONEMAXNUMFREQ,
    AC_MONITORTONEMAXNUMENTRIES,
    AC_DEVCAPFLAGS,
    AC_ANSWERMODES,
    AC_LINEFEATURES,
    AC_SETTABLEDEVSTATUS,
    AC_PARKSUPPORT,
    AC_CALLERIDSUPPORT,
    AC_CALLEDIDSUPPORT,
    AC_CONNECTEDIDSUPPORT,
    AC_REDIRECTIONIDSUPPORT,
    AC_REDIRECTINGIDSUPPORT,
    AC_ADDRESSCAPFLAGS,
    AC_CALLFEATURES1,
    AC_CALLFEATURES2,
    AC_REMOVEFROMCONFCAPS,
    AC_REMOVEFROMCONFSTATE,
    AC_TRANSFERMODES,
    AC_ADDRESSFEATURES,
    AC_PREDICTIVEAUTOTRANSFERSTATES,
    AC_MAXCALLDATASIZE,
    AC_LINEID,
    AC_ADDRESSID,
    AC_FORWARDMODES,
    AC_MAXFORWARDENTRIES,
    AC_MAXSPECIFICENTRIES,
    AC_MINFWDNUMRINGS,
    AC_MAXFWDNUMRINGS,
    AC_MAXCALLCOMPLETIONS,
    AC_CALLCOMPLETIONCONDITIONS,
    AC_CALLCOMPLETIONMODES,
    AC_PERMANENTDEVICEID,
    AC_GATHERDIGITSMINTIMEOUT,
    AC_GATHERDIGITSMAXTIMEOUT,
    AC_GENERATEDIGITMINDURATION,
    AC_GENERATEDIGITMAXDURATION,
    AC_GENERATEDIGITDEFAULTDURATION
} ADDRESS_CAPABILITY;

typedef enum ADDRESS_CAPABILITY_STRING {
    ACS_PROTOCOL = 0,
    ACS_ADDRESSDEVICESPECIFIC,
    ACS_LINEDEVICESPECIFIC,
    ACS_PROVIDERSPECIFIC,
    ACS_SWITCHSPECIFIC,
    ACS_PERMANENTDEVICEGUID
} ADDRESS_CAPABILITY_STRING;

typedef enum FINISH_MODE { FM_ASTRANSFER = 0, FM_ASCONFERENCE } FINISH_MODE;

typedef enum QOS_SERVICE_LEVEL {
    QSL_NEEDED = 1,
    QSL_IF_AVAILABLE = 2,
    QSL_BEST_EFFORT = 3
} QOS_SERVICE_LEVEL;

/* ======================================================================
 * Interfaces.  Each: forward typedef, vtable, struct, call macros.
 * ====================================================================== */

typedef struct IUnknown IUnknown;
typedef struct IDispatch IDispatch;
typedef struct ITTAPI ITTAPI;
typedef struct ITAddress ITAddress;
typedef struct ITAddressCapabilities ITAddressCapabilities;
typedef struct ITBasicCallControl ITBasicCallControl;
typedef struct ITCallInfo ITCallInfo;
typedef struct ITCallStateEvent ITCallStateEvent;
typedef struct ITCallNotificationEvent ITCallNotificationEvent;
typedef struct ITCallInfoChangeEvent ITCallInfoChangeEvent;
typedef struct ITAddressEvent ITAddressEvent;
typedef struct ITTerminal ITTerminal; /* no terminals here: media is out of scope */
typedef struct ITTAPIEventNotification ITTAPIEventNotification;
typedef struct IEnumAddress IEnumAddress;
typedef struct IEnumCall IEnumCall;
typedef struct IConnectionPointContainer IConnectionPointContainer;
typedef struct IConnectionPoint IConnectionPoint;
typedef struct ITLegacyCallMediaControl ITLegacyCallMediaControl;
typedef struct ITDigitDetectionEvent ITDigitDetectionEvent;
typedef struct ITDigitGenerationEvent ITDigitGenerationEvent;
typedef struct ITLegacyCallMediaControl2 ITLegacyCallMediaControl2;
typedef struct ITDigitsGatheredEvent ITDigitsGatheredEvent;
typedef struct ITToneDetectionEvent ITToneDetectionEvent;
typedef struct ITCollection2 ITCollection2; /* not implemented: no methods declared */
typedef struct ITDetectTone ITDetectTone;   /* ditto */
typedef struct ITCustomTone ITCustomTone;   /* ditto */

/* The first three slots of every interface. */
#define OT3_IUNKNOWN_SLOTS(T)                                                                  \
    HRESULT (WINAPI *QueryInterface)(T *This, REFIID riid, void **ppvObject);                  \
    ULONG (WINAPI *AddRef)(T *This);                                                           \
    ULONG (WINAPI *Release)(T *This)
/* ...and the four of IDispatch, which every dual interface has next. */
#define OT3_IDISPATCH_SLOTS(T)                                                                 \
    OT3_IUNKNOWN_SLOTS(T);                                                                     \
    HRESULT (WINAPI *GetTypeInfoCount)(T *This, UINT *pctinfo);                                \
    HRESULT (WINAPI *GetTypeInfo)(T *This, UINT iTInfo, LCID lcid, ITypeInfo **ppTInfo);       \
    HRESULT (WINAPI *GetIDsOfNames)(T *This, REFIID riid, LPOLESTR *rgszNames, UINT cNames,    \
                                    LCID lcid, DISPID *rgDispId);                              \
    HRESULT (WINAPI *Invoke)(T *This, DISPID dispIdMember, REFIID riid, LCID lcid, WORD wFlags, \
                             DISPPARAMS *pDispParams, VARIANT *pVarResult,                     \
                             EXCEPINFO *pExcepInfo, UINT *puArgErr)

#define IUnknown_QueryInterface(p, riid, ppv) (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define IUnknown_AddRef(p) (p)->lpVtbl->AddRef(p)
#define IUnknown_Release(p) (p)->lpVtbl->Release(p)

/* ---- IUnknown ---------------------------------------------------------- */
typedef struct IUnknownVtbl {
    OT3_IUNKNOWN_SLOTS(IUnknown);
} IUnknownVtbl;
struct IUnknown {
    const IUnknownVtbl *lpVtbl;
};

/* ---- IDispatch: every event is passed as one ---------------------------- */
typedef struct IDispatchVtbl {
    OT3_IDISPATCH_SLOTS(IDispatch);
} IDispatchVtbl;
struct IDispatch {
    const IDispatchVtbl *lpVtbl;
};
#define IDispatch_QueryInterface(p, riid, ppv) (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define IDispatch_AddRef(p) (p)->lpVtbl->AddRef(p)
#define IDispatch_Release(p) (p)->lpVtbl->Release(p)

/* ---- ITTAPI: the TAPI object ---------------------------------------------
 * Initialize: starts the object (one hidden TAPI 2 application, its line
 *   devices become ITAddress objects).  E_UNEXPECTED if called twice or after
 *   Shutdown; line API failures map to HRESULTs (docs/tapi3.md).
 * Shutdown: ends it: every line closes (calls this object owns alone are
 *   dropped, as lineShutdown does), call objects keep their last information
 *   and read as CS_DISCONNECTED, queued events are released, no event follows.
 *   Waiting methods on other threads return TAPI_E_NOT_INITIALIZED.  Releasing
 *   the last reference to ITTAPI (and its addresses) without Shutdown shuts
 *   it down.  Shutdown may be called from inside the event sink.
 *   TAPI_E_NOT_INITIALIZED before Initialize and after a first Shutdown.
 * EnumerateAddresses: one ITAddress per address of every line device.
 * RegisterCallNotifications: opens the address's line with monitor and/or
 *   owner privilege for lMediaTypes; new calls there become call objects with
 *   a TE_CALLNOTIFICATION event (CNE_OWNER or CNE_MONITOR), and their events
 *   carry lCallbackInstance.  *plRegister is for UnregisterNotifications.
 *   Errors: E_POINTER, E_INVALIDARG (neither privilege, foreign address),
 *   TAPI_E_INVALIDMEDIATYPE, TAPI_E_NOT_INITIALIZED.
 * UnregisterNotifications: no new calls are reported for that registration;
 *   its line closes when no call object uses it any more (calls offered to it
 *   meanwhile are refused).  E_INVALIDARG for an unknown value.
 * put_EventFilter / get_EventFilter: the TAPI_EVENT classes delivered; 0
 *   (nothing) until put_EventFilter is called.  E_INVALIDARG for unknown bits.
 * Not implemented: get_Addresses, get_CallHubs, EnumerateCallHubs,
 *   SetCallHubTracking, EnumeratePrivateTAPIObjects, get_PrivateTAPIObjects,
 *   RegisterRequestRecipient, SetAssistedTelephonyPriority,
 *   SetApplicationPriority.
 * QueryInterface also gives IConnectionPointContainer (for the event sink). */
typedef struct ITTAPIVtbl {
    OT3_IDISPATCH_SLOTS(ITTAPI);
    HRESULT (WINAPI *Initialize)(ITTAPI *This);
    HRESULT (WINAPI *Shutdown)(ITTAPI *This);
    HRESULT (WINAPI *get_Addresses)(ITTAPI *This, VARIANT *pVariant);
    HRESULT (WINAPI *EnumerateAddresses)(ITTAPI *This, IEnumAddress **ppEnumAddress);
    HRESULT (WINAPI *RegisterCallNotifications)(ITTAPI *This, ITAddress *pAddress,
                                                VARIANT_BOOL fMonitor, VARIANT_BOOL fOwner,
                                                LONG lMediaTypes, LONG lCallbackInstance,
                                                LONG *plRegister);
    HRESULT (WINAPI *UnregisterNotifications)(ITTAPI *This, LONG lRegister);
    HRESULT (WINAPI *get_CallHubs)(ITTAPI *This, VARIANT *pVariant);
    HRESULT (WINAPI *EnumerateCallHubs)(ITTAPI *This, IEnumCallHub **ppEnumCallHub);
    HRESULT (WINAPI *SetCallHubTracking)(ITTAPI *This, VARIANT pAddresses,
                                         VARIANT_BOOL bTracking);
    HRESULT (WINAPI *EnumeratePrivateTAPIObjects)(ITTAPI *This, IEnumUnknown **ppEnumUnknown);
    HRESULT (WINAPI *get_PrivateTAPIObjects)(ITTAPI *This, VARIANT *pVariant);
    HRESULT (WINAPI *RegisterRequestRecipient)(ITTAPI *This, LONG lRegistrationInstance,
                                               LONG lRequestMode, VARIANT_BOOL fEnable);
    HRESULT (WINAPI *SetAssistedTelephonyPriority)(ITTAPI *This, BSTR pAppFilename,
                                                   VARIANT_BOOL fPriority);
    HRESULT (WINAPI *SetApplicationPriority)(ITTAPI *This, BSTR pAppFilename,
                                             LONG lMediaType, VARIANT_BOOL fPriority);
    HRESULT (WINAPI *put_EventFilter)(ITTAPI *This, LONG lFilterMask);
    HRESULT (WINAPI *get_EventFilter)(ITTAPI *This, LONG *plFilterMask);
} ITTAPIVtbl;
struct ITTAPI {
    const ITTAPIVtbl *lpVtbl;
};
#define ITTAPI_QueryInterface(p, riid, ppv) (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define ITTAPI_AddRef(p) (p)->lpVtbl->AddRef(p)
#define ITTAPI_Release(p) (p)->lpVtbl->Release(p)
#define ITTAPI_GetTypeInfoCount(p, pc) (p)->lpVtbl->GetTypeInfoCount(p, pc)
#define ITTAPI_Initialize(p) (p)->lpVtbl->Initialize(p)
#define ITTAPI_Shutdown(p) (p)->lpVtbl->Shutdown(p)
#define ITTAPI_get_Addresses(p, pv) (p)->lpVtbl->get_Addresses(p, pv)
#define ITTAPI_EnumerateAddresses(p, ppe) (p)->lpVtbl->EnumerateAddresses(p, ppe)
#define ITTAPI_RegisterCallNotifications(p, a, mon, own, media, inst, preg)                    \
    (p)->lpVtbl->RegisterCallNotifications(p, a, mon, own, media, inst, preg)
#define ITTAPI_UnregisterNotifications(p, reg) (p)->lpVtbl->UnregisterNotifications(p, reg)
#define ITTAPI_get_CallHubs(p, pv) (p)->lpVtbl->get_CallHubs(p, pv)
#define ITTAPI_EnumerateCallHubs(p, ppe) (p)->lpVtbl->EnumerateCallHubs(p, ppe)
#define ITTAPI_SetCallHubTracking(p, v, b) (p)->lpVtbl->SetCallHubTracking(p, v, b)
#define ITTAPI_EnumeratePrivateTAPIObjects(p, ppe) (p)->lpVtbl->EnumeratePrivateTAPIObjects(p, ppe)
#define ITTAPI_get_PrivateTAPIObjects(p, pv) (p)->lpVtbl->get_PrivateTAPIObjects(p, pv)
#define ITTAPI_RegisterRequestRecipient(p, i, m, e) (p)->lpVtbl->RegisterRequestRecipient(p, i, m, e)
#define ITTAPI_SetAssistedTelephonyPriority(p, f, b)                                           \
    (p)->lpVtbl->SetAssistedTelephonyPriority(p, f, b)
#define ITTAPI_SetApplicationPriority(p, f, m, b) (p)->lpVtbl->SetApplicationPriority(p, f, m, b)
#define ITTAPI_put_EventFilter(p, mask) (p)->lpVtbl->put_EventFilter(p, mask)
#define ITTAPI_get_EventFilter(p, pmask) (p)->lpVtbl->get_EventFilter(p, pmask)

/* ---- ITAddress: one address of a line device -----------------------------
 * An address belongs to its TAPI object: AddRef/Release count on the TAPI
 * object, and the address lives as long as it does.
 * get_State: AS_INSERVICE.
 * get_AddressName: the line's name (LINEDEVCAPS line name).
 * get_ServiceProviderName: the provider's name (LINEDEVCAPS provider info).
 * get_DialableAddress: the address (LINEADDRESSCAPS address, e.g. "101").
 * CreateCall: a new outgoing call object in CS_IDLE, owned by the caller
 *   (pDestAddress may be NULL or "" for a call that dials later with Dial).
 *   lAddressType is one LINEADDRESSTYPE_ bit (else TAPI_E_INVALADDRESSTYPE;
 *   the line itself decides what a destination means: a number on the
 *   embedded switch, a SIP URI on a SIP line); lMediaTypes TAPIMEDIATYPE_
 *   bits the line supports (else TAPI_E_INVALIDMEDIATYPE).  Nothing reaches
 *   the line until ITBasicCallControl::Connect, which places the call on the
 *   address's RegisterCallNotifications line if there is one.
 * EnumerateCalls: the call objects of this address still alive.
 * CreateForwardInfoObject: a new, empty ITForwardInformation (the caller's
 *   reference).
 * Forward: lineForward of the address with the object's entries and rings
 *   (NULL or an empty object cancels forwarding); pCall is ignored (the
 *   switch needs no consultation call).  TAPI_E_NOTSUPPORTED where the line
 *   does not forward (LINEADDRESSCAPS.dwForwardModes 0); lineForward's other
 *   errors mapped as everywhere (TAPI_E_INVALADDRESS...).
 * get_CurrentForwardInfo: a new ITForwardInformation holding the address's
 *   forwarding now (LINEADDRESSSTATUS).
 * Not implemented: get_Calls, put/get_MessageWaiting, put/get_DoNotDisturb.
 * QueryInterface also gives ITAddressCapabilities. */
typedef struct ITAddressVtbl {
    OT3_IDISPATCH_SLOTS(ITAddress);
    HRESULT (WINAPI *get_State)(ITAddress *This, ADDRESS_STATE *pAddressState);
    HRESULT (WINAPI *get_AddressName)(ITAddress *This, BSTR *ppName);
    HRESULT (WINAPI *get_ServiceProviderName)(ITAddress *This, BSTR *ppName);
    HRESULT (WINAPI *get_TAPIObject)(ITAddress *This, ITTAPI **ppTapiObject);
    HRESULT (WINAPI *CreateCall)(ITAddress *This, BSTR pDestAddress, LONG lAddressType,
                                 LONG lMediaTypes, ITBasicCallControl **ppCall);
    HRESULT (WINAPI *get_Calls)(ITAddress *This, VARIANT *pVariant);
    HRESULT (WINAPI *EnumerateCalls)(ITAddress *This, IEnumCall **ppCallEnum);
    HRESULT (WINAPI *get_DialableAddress)(ITAddress *This, BSTR *pDialableAddress);
    HRESULT (WINAPI *CreateForwardInfoObject)(ITAddress *This,
                                              ITForwardInformation **ppForwardInfo);
    HRESULT (WINAPI *Forward)(ITAddress *This, ITForwardInformation *pForwardInfo,
                              ITBasicCallControl *pCall);
    HRESULT (WINAPI *get_CurrentForwardInfo)(ITAddress *This,
                                             ITForwardInformation **ppForwardInfo);
    HRESULT (WINAPI *put_MessageWaiting)(ITAddress *This, VARIANT_BOOL fMessageWaiting);
    HRESULT (WINAPI *get_MessageWaiting)(ITAddress *This, VARIANT_BOOL *pfMessageWaiting);
    HRESULT (WINAPI *put_DoNotDisturb)(ITAddress *This, VARIANT_BOOL fDoNotDisturb);
    HRESULT (WINAPI *get_DoNotDisturb)(ITAddress *This, VARIANT_BOOL *pfDoNotDisturb);
} ITAddressVtbl;
struct ITAddress {
    const ITAddressVtbl *lpVtbl;
};
#define ITAddress_QueryInterface(p, riid, ppv) (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define ITAddress_AddRef(p) (p)->lpVtbl->AddRef(p)
#define ITAddress_Release(p) (p)->lpVtbl->Release(p)
#define ITAddress_get_State(p, ps) (p)->lpVtbl->get_State(p, ps)
#define ITAddress_get_AddressName(p, pn) (p)->lpVtbl->get_AddressName(p, pn)
#define ITAddress_get_ServiceProviderName(p, pn) (p)->lpVtbl->get_ServiceProviderName(p, pn)
#define ITAddress_get_TAPIObject(p, pt) (p)->lpVtbl->get_TAPIObject(p, pt)
#define ITAddress_CreateCall(p, dest, type, media, ppc)                                        \
    (p)->lpVtbl->CreateCall(p, dest, type, media, ppc)
#define ITAddress_get_Calls(p, pv) (p)->lpVtbl->get_Calls(p, pv)
#define ITAddress_EnumerateCalls(p, ppe) (p)->lpVtbl->EnumerateCalls(p, ppe)
#define ITAddress_get_DialableAddress(p, pa) (p)->lpVtbl->get_DialableAddress(p, pa)
#define ITAddress_CreateForwardInfoObject(p, ppf) (p)->lpVtbl->CreateForwardInfoObject(p, ppf)
#define ITAddress_Forward(p, f, c) (p)->lpVtbl->Forward(p, f, c)
#define ITAddress_get_CurrentForwardInfo(p, ppf) (p)->lpVtbl->get_CurrentForwardInfo(p, ppf)
#define ITAddress_put_MessageWaiting(p, b) (p)->lpVtbl->put_MessageWaiting(p, b)
#define ITAddress_get_MessageWaiting(p, pb) (p)->lpVtbl->get_MessageWaiting(p, pb)
#define ITAddress_put_DoNotDisturb(p, b) (p)->lpVtbl->put_DoNotDisturb(p, b)
#define ITAddress_get_DoNotDisturb(p, pb) (p)->lpVtbl->get_DoNotDisturb(p, pb)

/* ---- ITForwardInformation: a forward list (ITAddress::Forward) ------------
 * One entry per forward type (LINEFORWARDMODE_ bit): SetForwardType sets or
 * replaces it (pDestAddress must be a non-empty address, pCallerAddress is
 * required by the ..SPECIFIC types and ignored by the others); an unknown or
 * combined type is E_INVALIDARG.  get_ForwardTypeDestination /
 * get_ForwardTypeCaller / GetForwardType give the entry's addresses as new
 * BSTRs (NULL for a type without an entry, or an entry without a caller).
 * put/get_NumRingsNoAnswer: the rings
 * before no-answer forwarding.  Clear empties it.  Counted among
 * OTTAPI3STATS.dwEnumerators (helper objects). */
typedef struct ITForwardInformationVtbl {
    OT3_IDISPATCH_SLOTS(ITForwardInformation);
    HRESULT (WINAPI *put_NumRingsNoAnswer)(ITForwardInformation *This, LONG lNumRings);
    HRESULT (WINAPI *get_NumRingsNoAnswer)(ITForwardInformation *This, LONG *plNumRings);
    HRESULT (WINAPI *SetForwardType)(ITForwardInformation *This, LONG ForwardType,
                                     BSTR pDestAddress, BSTR pCallerAddress);
    HRESULT (WINAPI *get_ForwardTypeDestination)(ITForwardInformation *This, LONG ForwardType,
                                                 BSTR *ppDestAddress);
    HRESULT (WINAPI *get_ForwardTypeCaller)(ITForwardInformation *This, LONG Forwardtype,
                                            BSTR *ppCallerAddress);
    HRESULT (WINAPI *GetForwardType)(ITForwardInformation *This, LONG ForwardType,
                                     BSTR *ppDestinationAddress, BSTR *ppCallerAddress);
    HRESULT (WINAPI *Clear)(ITForwardInformation *This);
} ITForwardInformationVtbl;
struct ITForwardInformation {
    const ITForwardInformationVtbl *lpVtbl;
};
#define ITForwardInformation_QueryInterface(p, riid, ppv) (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define ITForwardInformation_AddRef(p) (p)->lpVtbl->AddRef(p)
#define ITForwardInformation_Release(p) (p)->lpVtbl->Release(p)
#define ITForwardInformation_put_NumRingsNoAnswer(p, n) (p)->lpVtbl->put_NumRingsNoAnswer(p, n)
#define ITForwardInformation_get_NumRingsNoAnswer(p, pn) (p)->lpVtbl->get_NumRingsNoAnswer(p, pn)
#define ITForwardInformation_SetForwardType(p, t, d, c) (p)->lpVtbl->SetForwardType(p, t, d, c)
#define ITForwardInformation_get_ForwardTypeDestination(p, t, pd)                             \
    (p)->lpVtbl->get_ForwardTypeDestination(p, t, pd)
#define ITForwardInformation_get_ForwardTypeCaller(p, t, pc)                                  \
    (p)->lpVtbl->get_ForwardTypeCaller(p, t, pc)
#define ITForwardInformation_GetForwardType(p, t, pd, pc) (p)->lpVtbl->GetForwardType(p, t, pd, pc)
#define ITForwardInformation_Clear(p) (p)->lpVtbl->Clear(p)

/* ---- ITAddressCapabilities (QueryInterface of an ITAddress) ----------------
 * get_AddressCapability: the LINEDEVCAPS/LINEADDRESSCAPS value behind the
 *   AC_ constants docs/tapi3.md lists (AC_LINEID is the line device ID,
 *   AC_ADDRESSTYPES is LINEADDRESSTYPE_PHONENUMBER); E_NOTIMPL for the
 *   others, E_INVALIDARG for an unknown value.
 * get_AddressCapabilityString: ACS_PROVIDERSPECIFIC (provider info),
 *   ACS_SWITCHSPECIFIC (switch info); E_NOTIMPL for the others.
 * Not implemented: the call treatment, completion message and device class
 *   lists. */
typedef struct ITAddressCapabilitiesVtbl {
    OT3_IDISPATCH_SLOTS(ITAddressCapabilities);
    HRESULT (WINAPI *get_AddressCapability)(ITAddressCapabilities *This,
                                            ADDRESS_CAPABILITY AddressCap, LONG *plCapability);
    HRESULT (WINAPI *get_AddressCapabilityString)(ITAddressCapabilities *This,
                                                  ADDRESS_CAPABILITY_STRING AddressCapString,
                                                  BSTR *ppCapabilityString);
    HRESULT (WINAPI *get_CallTreatments)(ITAddressCapabilities *This, VARIANT *pVariant);
    HRESULT (WINAPI *EnumerateCallTreatments)(ITAddressCapabilities *This,
                                              IEnumBstr **ppEnumCallTreatment);
    HRESULT (WINAPI *get_CompletionMessages)(ITAddressCapabilities *This, VARIANT *pVariant);
    HRESULT (WINAPI *EnumerateCompletionMessages)(ITAddressCapabilities *This,
                                                  IEnumBstr **ppEnumCompletionMessage);
    HRESULT (WINAPI *get_DeviceClasses)(ITAddressCapabilities *This, VARIANT *pVariant);
    HRESULT (WINAPI *EnumerateDeviceClasses)(ITAddressCapabilities *This,
                                             IEnumBstr **ppEnumDeviceClass);
} ITAddressCapabilitiesVtbl;
struct ITAddressCapabilities {
    const ITAddressCapabilitiesVtbl *lpVtbl;
};
#define ITAddressCapabilities_QueryInterface(p, riid, ppv)                                     \
    (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define ITAddressCapabilities_AddRef(p) (p)->lpVtbl->AddRef(p)
#define ITAddressCapabilities_Release(p) (p)->lpVtbl->Release(p)
#define ITAddressCapabilities_get_AddressCapability(p, cap, pl)                                \
    (p)->lpVtbl->get_AddressCapability(p, cap, pl)
#define ITAddressCapabilities_get_AddressCapabilityString(p, cap, ps)                          \
    (p)->lpVtbl->get_AddressCapabilityString(p, cap, ps)

/* ---- ITBasicCallControl: acting on a call ----------------------------------
 * The call object also has ITCallInfo (QueryInterface).  Common errors:
 * TAPI_E_NOTOWNER on a call this application only monitors,
 * TAPI_E_INVALCALLSTATE in a state where the method makes no sense,
 * TAPI_E_TIMEOUT when the line API did not answer in time,
 * TAPI_E_NOT_INITIALIZED after ITTAPI::Shutdown, and the line API's own
 * errors mapped as docs/tapi3.md lists.  Every method that acts on the line
 * waits for the request's LINE_REPLY.
 * Connect: CS_IDLE only.  Places the call (lineMakeCall, with UUI staged by
 *   SetCallInfoBuffer).  fSync VARIANT_FALSE returns once the line accepted
 *   the request (progress follows as events); VARIANT_TRUE returns when the
 *   call is CS_CONNECTED (S_OK) or CS_DISCONNECTED (TAPI_E_DESTBUSY,
 *   TAPI_E_DESTNOANSWER, TAPI_E_DESTUNAVAIL for a bad or unreachable
 *   destination, TAPI_E_DROPPED otherwise).
 * Answer: CS_OFFERING only (lineAnswer, with staged UUI).
 * Disconnect: ends the call with lineDrop, sending the UUI staged by
 *   SetCallInfoBuffer(CIB_USERUSERINFO).
 *     DC_NORMAL   any state but CS_IDLE/CS_DISCONNECTED (on CS_OFFERING it
 *                 rejects the call, as lineDrop does);
 *     DC_REJECTED CS_OFFERING only: rejects the offered call;
 *     DC_NOANSWER CS_INPROGRESS of an outgoing call only: gives up waiting.
 *   Returns S_OK once the drop completed: the call goes (or has gone)
 *   CS_DISCONNECTED and its event's cause is CEC_DISCONNECT_NORMAL,
 *   _REJECTED or _NOANSWER for the three codes; the far end sees the cause
 *   its line reports (a TAPI 3 far end: _NORMAL after a drop, _REJECTED
 *   after a rejection, _CANCELLED when an offered call goes away).
 *   S_FALSE, doing nothing, when the call is CS_IDLE or already
 *   CS_DISCONNECTED (or has no line handle any more, e.g. after Shutdown);
 *   while a Connect on another thread waits for the line to create the
 *   call, Disconnect first waits for that.
 *   E_INVALIDARG for an unknown code; TAPI_E_NOTOWNER for a monitor;
 *   TAPI_E_INVALCALLSTATE for a code not legal in the state, or while
 *   another Disconnect of the call is under way; TAPI_E_NOTSUPPORTED when
 *   the line cannot reject; TAPI_E_USERUSERINFOTOOBIG when the staged UUI
 *   exceeds the line's drop limit.
 * Hold: VARIANT_TRUE puts a CS_CONNECTED call on hold (lineHold),
 *   VARIANT_FALSE takes a CS_HOLD call back (lineUnhold).
 * Conference: pCall is a consultation call from CreateCall on the same
 *   address, still CS_IDLE, with a destination; this call is CS_CONNECTED
 *   (or already in a conference).  Starts the conference
 *   (lineSetupConference, or linePrepareAddToConference for a further party;
 *   the conference parent call stays hidden) and dials pCall's destination
 *   (lineDial); fSync waits until pCall is connected.  Finish(FM_ASCONFERENCE)
 *   on pCall then joins it (lineAddToConference).  Each party leaves with its
 *   own Disconnect; a conference left with two parties reverts to a plain
 *   call.  E_POINTER, E_INVALIDARG (pCall not a call of this address).
 * Dial: lineDial (more digits, or the number of a call connected with an
 *   empty destination).
 * Finish: FM_ASCONFERENCE on a consultation call made by Conference;
 *   TAPI_E_INVALCALLSTATE if it is not one, TAPI_E_NOTSUPPORTED for
 *   FM_ASTRANSFER.
 * RemoveFromConference: lineRemoveFromConference of a party.
 * SwapHold: pCall (a CS_HOLD call of the same address) becomes active and
 *   this CS_CONNECTED call goes on hold (lineSwapHold).
 * ParkDirect: linePark(DIRECTED) at pParkAddress; ParkIndirect:
 *   linePark(NONDIRECTED), *ppNonDirAddress the address the line chose (a
 *   BSTR for SysFreeString).  The call leaves this station: the object
 *   goes CS_DISCONNECTED (CEC_DISCONNECT_NORMAL); the far party stays.
 * Unpark: on a call object from CreateCall(parked address), still CS_IDLE:
 *   lineUnpark; the call becomes CS_CONNECTED here.
 * Pickup: on a call object from CreateCall(address or ""), still CS_IDLE:
 *   linePickup of the call ringing at that address, or (pGroupID) in that
 *   pickup group; the call becomes CS_CONNECTED here.
 * The line functions' errors map as everywhere (TAPI_E_INVALCALLSTATE,
 *   TAPI_E_INVALADDRESS, TAPI_E_NOTSUPPORTED where the line cannot).
 * Not implemented: HandoffDirect, HandoffIndirect, Transfer, BlindTransfer,
 *   SetQOS. */
typedef struct ITBasicCallControlVtbl {
    OT3_IDISPATCH_SLOTS(ITBasicCallControl);
    HRESULT (WINAPI *Connect)(ITBasicCallControl *This, VARIANT_BOOL fSync);
    HRESULT (WINAPI *Answer)(ITBasicCallControl *This);
    HRESULT (WINAPI *Disconnect)(ITBasicCallControl *This, DISCONNECT_CODE code);
    HRESULT (WINAPI *Hold)(ITBasicCallControl *This, VARIANT_BOOL fHold);
    HRESULT (WINAPI *HandoffDirect)(ITBasicCallControl *This, BSTR pApplicationName);
    HRESULT (WINAPI *HandoffIndirect)(ITBasicCallControl *This, LONG lMediaType);
    HRESULT (WINAPI *Conference)(ITBasicCallControl *This, ITBasicCallControl *pCall,
                                 VARIANT_BOOL fSync);
    HRESULT (WINAPI *Transfer)(ITBasicCallControl *This, ITBasicCallControl *pCall,
                               VARIANT_BOOL fSync);
    HRESULT (WINAPI *BlindTransfer)(ITBasicCallControl *This, BSTR pDestAddress);
    HRESULT (WINAPI *SwapHold)(ITBasicCallControl *This, ITBasicCallControl *pCall);
    HRESULT (WINAPI *ParkDirect)(ITBasicCallControl *This, BSTR pParkAddress);
    HRESULT (WINAPI *ParkIndirect)(ITBasicCallControl *This, BSTR *ppNonDirAddress);
    HRESULT (WINAPI *Unpark)(ITBasicCallControl *This);
    HRESULT (WINAPI *SetQOS)(ITBasicCallControl *This, LONG lMediaType,
                             QOS_SERVICE_LEVEL ServiceLevel);
    HRESULT (WINAPI *Pickup)(ITBasicCallControl *This, BSTR pGroupID);
    HRESULT (WINAPI *Dial)(ITBasicCallControl *This, BSTR pDestAddress);
    HRESULT (WINAPI *Finish)(ITBasicCallControl *This, FINISH_MODE finishMode);
    HRESULT (WINAPI *RemoveFromConference)(ITBasicCallControl *This);
} ITBasicCallControlVtbl;
struct ITBasicCallControl {
    const ITBasicCallControlVtbl *lpVtbl;
};
#define ITBasicCallControl_QueryInterface(p, riid, ppv) (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define ITBasicCallControl_AddRef(p) (p)->lpVtbl->AddRef(p)
#define ITBasicCallControl_Release(p) (p)->lpVtbl->Release(p)
#define ITBasicCallControl_Connect(p, sync) (p)->lpVtbl->Connect(p, sync)
#define ITBasicCallControl_Answer(p) (p)->lpVtbl->Answer(p)
#define ITBasicCallControl_Disconnect(p, code) (p)->lpVtbl->Disconnect(p, code)
#define ITBasicCallControl_Hold(p, hold) (p)->lpVtbl->Hold(p, hold)
#define ITBasicCallControl_HandoffDirect(p, name) (p)->lpVtbl->HandoffDirect(p, name)
#define ITBasicCallControl_HandoffIndirect(p, media) (p)->lpVtbl->HandoffIndirect(p, media)
#define ITBasicCallControl_Conference(p, call, sync) (p)->lpVtbl->Conference(p, call, sync)
#define ITBasicCallControl_Transfer(p, call, sync) (p)->lpVtbl->Transfer(p, call, sync)
#define ITBasicCallControl_BlindTransfer(p, dest) (p)->lpVtbl->BlindTransfer(p, dest)
#define ITBasicCallControl_SwapHold(p, call) (p)->lpVtbl->SwapHold(p, call)
#define ITBasicCallControl_ParkDirect(p, addr) (p)->lpVtbl->ParkDirect(p, addr)
#define ITBasicCallControl_ParkIndirect(p, paddr) (p)->lpVtbl->ParkIndirect(p, paddr)
#define ITBasicCallControl_Unpark(p) (p)->lpVtbl->Unpark(p)
#define ITBasicCallControl_SetQOS(p, media, level) (p)->lpVtbl->SetQOS(p, media, level)
#define ITBasicCallControl_Pickup(p, group) (p)->lpVtbl->Pickup(p, group)
#define ITBasicCallControl_Dial(p, dest) (p)->lpVtbl->Dial(p, dest)
#define ITBasicCallControl_Finish(p, mode) (p)->lpVtbl->Finish(p, mode)
#define ITBasicCallControl_RemoveFromConference(p) (p)->lpVtbl->RemoveFromConference(p)

/* ---- ITCallInfo: what is known about a call --------------------------------
 * Readable in every state, also after CS_DISCONNECTED and after
 * ITTAPI::Shutdown, until the last Release.
 * get_Address: the address the call is on (AddRef'd).
 * get_CallState: the state of the latest state change processed (the state
 *   event about it may still be on its way).
 * get_Privilege: CP_OWNER or CP_MONITOR.
 * get_CallInfoLong: the LINECALLINFO member behind each CIL_ constant
 *   (CIL_MEDIATYPESAVAILABLE as TAPIMEDIATYPE_ bits; CIL_MINRATE/MAXRATE are
 *   the rate; the ...ADDRESSTYPE ones LINEADDRESSTYPE_PHONENUMBER);
 *   E_NOTIMPL for CIL_GENERATEDIGITDURATION; TAPI_E_INVALCALLSTATE before
 *   Connect (the call has no line information yet).
 * put_CallInfoLong: CIL_APPSPECIFIC only (lineSetAppSpecific); E_NOTIMPL for
 *   the others.
 * get_CallInfoString: the LINECALLINFO string behind each CIS_ constant, ""
 *   when the line has none (CIS_CALLINGPARTYID is always "").  Before
 *   Connect only CIS_CALLEDIDNUMBER is known (the destination).
 * GetCallInfoBuffer: a copy of the LINECALLINFO buffer (CIB_USERUSERINFO: the
 *   UUI received, binary, exact length), allocated for the caller (free it
 *   with CoTaskMemFree); *ppCallInfoBuffer is NULL when *pdwSize is 0.
 * SetCallInfoBuffer(CIB_USERUSERINFO): stages UUI for the next operation that
 *   carries UUI: Connect in CS_IDLE, Answer or Disconnect (a rejection) in
 *   CS_OFFERING, Disconnect otherwise.  The operation consumes it.  dwSize 0
 *   clears it.  TAPI_E_INVALCALLSTATE in CS_DISCONNECTED, TAPI_E_NOTOWNER for
 *   a monitor, TAPI_E_USERUSERINFOTOOBIG above the line's LINEDEVCAPS limit
 *   for those operations (a limit of 0: the line carries no UUI), E_NOTIMPL
 *   for the other buffers.
 * ReleaseUserUserInfo: lineReleaseUserUserInfo: the UUI received has been
 *   read; newer UUI may then arrive (TE_CALLINFOCHANGE, CIC_USERUSERINFO).
 * Not implemented: get_CallHub, put_CallInfoString, get_CallInfoBuffer,
 *   put_CallInfoBuffer. */
typedef struct ITCallInfoVtbl {
    OT3_IDISPATCH_SLOTS(ITCallInfo);
    HRESULT (WINAPI *get_Address)(ITCallInfo *This, ITAddress **ppAddress);
    HRESULT (WINAPI *get_CallState)(ITCallInfo *This, CALL_STATE *pCallState);
    HRESULT (WINAPI *get_Privilege)(ITCallInfo *This, CALL_PRIVILEGE *pPrivilege);
    HRESULT (WINAPI *get_CallHub)(ITCallInfo *This, ITCallHub **ppCallHub);
    HRESULT (WINAPI *get_CallInfoLong)(ITCallInfo *This, CALLINFO_LONG CallInfoLong,
                                       LONG *plCallInfoLongVal);
    HRESULT (WINAPI *put_CallInfoLong)(ITCallInfo *This, CALLINFO_LONG CallInfoLong,
                                       LONG lCallInfoLongVal);
    HRESULT (WINAPI *get_CallInfoString)(ITCallInfo *This, CALLINFO_STRING CallInfoString,
                                         BSTR *ppCallInfoString);
    HRESULT (WINAPI *put_CallInfoString)(ITCallInfo *This, CALLINFO_STRING CallInfoString,
                                         BSTR pCallInfoString);
    HRESULT (WINAPI *get_CallInfoBuffer)(ITCallInfo *This, CALLINFO_BUFFER CallInfoBuffer,
                                         VARIANT *ppCallInfoBuffer);
    HRESULT (WINAPI *put_CallInfoBuffer)(ITCallInfo *This, CALLINFO_BUFFER CallInfoBuffer,
                                         VARIANT pCallInfoBuffer);
    HRESULT (WINAPI *GetCallInfoBuffer)(ITCallInfo *This, CALLINFO_BUFFER CallInfoBuffer,
                                        DWORD *pdwSize, BYTE **ppCallInfoBuffer);
    HRESULT (WINAPI *SetCallInfoBuffer)(ITCallInfo *This, CALLINFO_BUFFER CallInfoBuffer,
                                        DWORD dwSize, BYTE *pCallInfoBuffer);
    HRESULT (WINAPI *ReleaseUserUserInfo)(ITCallInfo *This);
} ITCallInfoVtbl;
struct ITCallInfo {
    const ITCallInfoVtbl *lpVtbl;
};
#define ITCallInfo_QueryInterface(p, riid, ppv) (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define ITCallInfo_AddRef(p) (p)->lpVtbl->AddRef(p)
#define ITCallInfo_Release(p) (p)->lpVtbl->Release(p)
#define ITCallInfo_get_Address(p, ppa) (p)->lpVtbl->get_Address(p, ppa)
#define ITCallInfo_get_CallState(p, ps) (p)->lpVtbl->get_CallState(p, ps)
#define ITCallInfo_get_Privilege(p, pp) (p)->lpVtbl->get_Privilege(p, pp)
#define ITCallInfo_get_CallHub(p, pph) (p)->lpVtbl->get_CallHub(p, pph)
#define ITCallInfo_get_CallInfoLong(p, what, pl) (p)->lpVtbl->get_CallInfoLong(p, what, pl)
#define ITCallInfo_put_CallInfoLong(p, what, l) (p)->lpVtbl->put_CallInfoLong(p, what, l)
#define ITCallInfo_get_CallInfoString(p, what, ps) (p)->lpVtbl->get_CallInfoString(p, what, ps)
#define ITCallInfo_put_CallInfoString(p, what, s) (p)->lpVtbl->put_CallInfoString(p, what, s)
#define ITCallInfo_get_CallInfoBuffer(p, what, pv) (p)->lpVtbl->get_CallInfoBuffer(p, what, pv)
#define ITCallInfo_put_CallInfoBuffer(p, what, v) (p)->lpVtbl->put_CallInfoBuffer(p, what, v)
#define ITCallInfo_GetCallInfoBuffer(p, what, psize, ppbuf)                                    \
    (p)->lpVtbl->GetCallInfoBuffer(p, what, psize, ppbuf)
#define ITCallInfo_SetCallInfoBuffer(p, what, size, buf)                                       \
    (p)->lpVtbl->SetCallInfoBuffer(p, what, size, buf)
#define ITCallInfo_ReleaseUserUserInfo(p) (p)->lpVtbl->ReleaseUserUserInfo(p)

/* ---- Events (the IDispatch given to ITTAPIEventNotification::Event) --------
 * Each event holds a reference to its call; get_Call returns it AddRef'd.
 * get_CallbackInstance: the lCallbackInstance of the RegisterCallNotifications
 * that reported the call (0 for calls made with CreateCall). */

/* TE_CALLSTATE: the call entered get_State for get_Cause. */
typedef struct ITCallStateEventVtbl {
    OT3_IDISPATCH_SLOTS(ITCallStateEvent);
    HRESULT (WINAPI *get_Call)(ITCallStateEvent *This, ITCallInfo **ppCallInfo);
    HRESULT (WINAPI *get_State)(ITCallStateEvent *This, CALL_STATE *pCallState);
    HRESULT (WINAPI *get_Cause)(ITCallStateEvent *This, CALL_STATE_EVENT_CAUSE *pCEC);
    HRESULT (WINAPI *get_CallbackInstance)(ITCallStateEvent *This, LONG *plCallbackInstance);
} ITCallStateEventVtbl;
struct ITCallStateEvent {
    const ITCallStateEventVtbl *lpVtbl;
};
#define ITCallStateEvent_QueryInterface(p, riid, ppv) (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define ITCallStateEvent_AddRef(p) (p)->lpVtbl->AddRef(p)
#define ITCallStateEvent_Release(p) (p)->lpVtbl->Release(p)
#define ITCallStateEvent_get_Call(p, ppc) (p)->lpVtbl->get_Call(p, ppc)
#define ITCallStateEvent_get_State(p, ps) (p)->lpVtbl->get_State(p, ps)
#define ITCallStateEvent_get_Cause(p, pc) (p)->lpVtbl->get_Cause(p, pc)
#define ITCallStateEvent_get_CallbackInstance(p, pl) (p)->lpVtbl->get_CallbackInstance(p, pl)

/* TE_CALLNOTIFICATION: a new call this application owns (CNE_OWNER) or
 * monitors (CNE_MONITOR). */
typedef struct ITCallNotificationEventVtbl {
    OT3_IDISPATCH_SLOTS(ITCallNotificationEvent);
    HRESULT (WINAPI *get_Call)(ITCallNotificationEvent *This, ITCallInfo **ppCall);
    HRESULT (WINAPI *get_Event)(ITCallNotificationEvent *This,
                                CALL_NOTIFICATION_EVENT *pCallNotificationEvent);
    HRESULT (WINAPI *get_CallbackInstance)(ITCallNotificationEvent *This,
                                           LONG *plCallbackInstance);
} ITCallNotificationEventVtbl;
struct ITCallNotificationEvent {
    const ITCallNotificationEventVtbl *lpVtbl;
};
#define ITCallNotificationEvent_QueryInterface(p, riid, ppv)                                   \
    (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define ITCallNotificationEvent_AddRef(p) (p)->lpVtbl->AddRef(p)
#define ITCallNotificationEvent_Release(p) (p)->lpVtbl->Release(p)
#define ITCallNotificationEvent_get_Call(p, ppc) (p)->lpVtbl->get_Call(p, ppc)
#define ITCallNotificationEvent_get_Event(p, pe) (p)->lpVtbl->get_Event(p, pe)
#define ITCallNotificationEvent_get_CallbackInstance(p, pl)                                    \
    (p)->lpVtbl->get_CallbackInstance(p, pl)

/* TE_CALLINFOCHANGE: one item of call information changed (one event per
 * LINECALLINFOSTATE_ bit; CIC_USERUSERINFO when UUI arrived, before the state
 * event it came with). */
typedef struct ITCallInfoChangeEventVtbl {
    OT3_IDISPATCH_SLOTS(ITCallInfoChangeEvent);
    HRESULT (WINAPI *get_Call)(ITCallInfoChangeEvent *This, ITCallInfo **ppCall);
    HRESULT (WINAPI *get_Cause)(ITCallInfoChangeEvent *This, CALLINFOCHANGE_CAUSE *pCIC);
    HRESULT (WINAPI *get_CallbackInstance)(ITCallInfoChangeEvent *This,
                                           LONG *plCallbackInstance);
} ITCallInfoChangeEventVtbl;
struct ITCallInfoChangeEvent {
    const ITCallInfoChangeEventVtbl *lpVtbl;
};
#define ITCallInfoChangeEvent_QueryInterface(p, riid, ppv) (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define ITCallInfoChangeEvent_AddRef(p) (p)->lpVtbl->AddRef(p)
#define ITCallInfoChangeEvent_Release(p) (p)->lpVtbl->Release(p)
#define ITCallInfoChangeEvent_get_Call(p, ppc) (p)->lpVtbl->get_Call(p, ppc)
#define ITCallInfoChangeEvent_get_Cause(p, pc) (p)->lpVtbl->get_Cause(p, pc)
#define ITCallInfoChangeEvent_get_CallbackInstance(p, pl) (p)->lpVtbl->get_CallbackInstance(p, pl)

/* ---- ITLegacyCallMediaControl: digits and media mode of a call -------------
 * QueryInterface of a call object.  DetectDigits(modes) is lineMonitorDigits
 * (0 ends it; TE_DIGITEVENT events follow), GenerateDigits(digits, mode)
 * lineGenerateDigits with the line's default duration (NULL digits cancels;
 * a TE_GENERATEEVENT ends it), SetMediaType(TAPIMEDIATYPE_) lineSetMediaMode,
 * MonitorMedia(TAPIMEDIATYPE_) lineMonitorMedia.  GetID: E_NOTIMPL (no
 * device classes but tapi/line).  Errors: the TAPI_E_ of the line error
 * (TAPI_E_NOTSUPPORTED where the line cannot, e.g. tones on SIP lines). */
typedef struct ITLegacyCallMediaControlVtbl {
    OT3_IDISPATCH_SLOTS(ITLegacyCallMediaControl);
    HRESULT (WINAPI *DetectDigits)(ITLegacyCallMediaControl *This, TAPI_DIGITMODE DigitMode);
    HRESULT (WINAPI *GenerateDigits)(ITLegacyCallMediaControl *This, BSTR pDigits,
                                     TAPI_DIGITMODE DigitMode);
    HRESULT (WINAPI *GetID)(ITLegacyCallMediaControl *This, BSTR pDeviceClass, DWORD *pdwSize,
                            BYTE **ppDeviceID);
    HRESULT (WINAPI *SetMediaType)(ITLegacyCallMediaControl *This, LONG lMediaType);
    HRESULT (WINAPI *MonitorMedia)(ITLegacyCallMediaControl *This, LONG lMediaType);
} ITLegacyCallMediaControlVtbl;
struct ITLegacyCallMediaControl {
    const ITLegacyCallMediaControlVtbl *lpVtbl;
};
#define ITLegacyCallMediaControl_QueryInterface(p, riid, ppv) (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define ITLegacyCallMediaControl_AddRef(p) (p)->lpVtbl->AddRef(p)
#define ITLegacyCallMediaControl_Release(p) (p)->lpVtbl->Release(p)
#define ITLegacyCallMediaControl_DetectDigits(p, m) (p)->lpVtbl->DetectDigits(p, m)
#define ITLegacyCallMediaControl_GenerateDigits(p, d, m) (p)->lpVtbl->GenerateDigits(p, d, m)
#define ITLegacyCallMediaControl_GetID(p, c, ps, pp) (p)->lpVtbl->GetID(p, c, ps, pp)
#define ITLegacyCallMediaControl_SetMediaType(p, t) (p)->lpVtbl->SetMediaType(p, t)
#define ITLegacyCallMediaControl_MonitorMedia(p, t) (p)->lpVtbl->MonitorMedia(p, t)

/* TE_DIGITEVENT: a digit the far end sent (LINE_MONITORDIGITS), on a call
 * that DetectDigits enabled. */
typedef struct ITDigitDetectionEventVtbl {
    OT3_IDISPATCH_SLOTS(ITDigitDetectionEvent);
    HRESULT (WINAPI *get_Call)(ITDigitDetectionEvent *This, ITCallInfo **ppCallInfo);
    HRESULT (WINAPI *get_Digit)(ITDigitDetectionEvent *This, unsigned char *pucDigit);
    HRESULT (WINAPI *get_DigitMode)(ITDigitDetectionEvent *This, TAPI_DIGITMODE *pDigitMode);
    HRESULT (WINAPI *get_TickCount)(ITDigitDetectionEvent *This, LONG *plTickCount);
    HRESULT (WINAPI *get_CallbackInstance)(ITDigitDetectionEvent *This,
                                           LONG *plCallbackInstance);
} ITDigitDetectionEventVtbl;
struct ITDigitDetectionEvent {
    const ITDigitDetectionEventVtbl *lpVtbl;
};
#define ITDigitDetectionEvent_QueryInterface(p, riid, ppv) (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define ITDigitDetectionEvent_AddRef(p) (p)->lpVtbl->AddRef(p)
#define ITDigitDetectionEvent_Release(p) (p)->lpVtbl->Release(p)
#define ITDigitDetectionEvent_get_Call(p, ppc) (p)->lpVtbl->get_Call(p, ppc)
#define ITDigitDetectionEvent_get_Digit(p, pd) (p)->lpVtbl->get_Digit(p, pd)
#define ITDigitDetectionEvent_get_DigitMode(p, pm) (p)->lpVtbl->get_DigitMode(p, pm)
#define ITDigitDetectionEvent_get_TickCount(p, pl) (p)->lpVtbl->get_TickCount(p, pl)
#define ITDigitDetectionEvent_get_CallbackInstance(p, pl) (p)->lpVtbl->get_CallbackInstance(p, pl)

/* TE_GENERATEEVENT: a GenerateDigits ended (LINE_GENERATE): the
 * LINEGENERATETERM_ (DONE, CANCEL). */
typedef struct ITDigitGenerationEventVtbl {
    OT3_IDISPATCH_SLOTS(ITDigitGenerationEvent);
    HRESULT (WINAPI *get_Call)(ITDigitGenerationEvent *This, ITCallInfo **ppCallInfo);
    HRESULT (WINAPI *get_GenerationTermination)(ITDigitGenerationEvent *This,
                                                LONG *plGenerationTermination);
    HRESULT (WINAPI *get_TickCount)(ITDigitGenerationEvent *This, LONG *plTickCount);
    HRESULT (WINAPI *get_CallbackInstance)(ITDigitGenerationEvent *This,
                                           LONG *plCallbackInstance);
} ITDigitGenerationEventVtbl;
struct ITDigitGenerationEvent {
    const ITDigitGenerationEventVtbl *lpVtbl;
};
#define ITDigitGenerationEvent_QueryInterface(p, riid, ppv) (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define ITDigitGenerationEvent_AddRef(p) (p)->lpVtbl->AddRef(p)
#define ITDigitGenerationEvent_Release(p) (p)->lpVtbl->Release(p)
#define ITDigitGenerationEvent_get_Call(p, ppc) (p)->lpVtbl->get_Call(p, ppc)
#define ITDigitGenerationEvent_get_GenerationTermination(p, pl)                                \
    (p)->lpVtbl->get_GenerationTermination(p, pl)
#define ITDigitGenerationEvent_get_TickCount(p, pl) (p)->lpVtbl->get_TickCount(p, pl)
#define ITDigitGenerationEvent_get_CallbackInstance(p, pl)                                     \
    (p)->lpVtbl->get_CallbackInstance(p, pl)

/* ---- ITLegacyCallMediaControl2 (QueryInterface of a call object) -----------
 * The five methods of ITLegacyCallMediaControl, then: GenerateDigits2 (with a
 * duration per digit, lineGenerateDigits), GatherDigits (lineGatherDigits
 * into a buffer of the layer, TE_GATHERDIGITS with the digits at its end;
 * DigitMode 0 cancels the gathering under way, lNumDigits <= 0 otherwise is
 * E_INVALIDARG), DetectTones
 * (lineMonitorTones; TE_TONEEVENT; NULL cancels), GenerateTone and
 * GenerateCustomTones (lineGenerateTone; TE_GENERATEEVENT at the end; mode 0
 * cancels).  Not implemented (E_NOTIMPL): the collection forms
 * (DetectTonesByCollection, GenerateCustomTonesByCollection,
 * CreateDetectToneObject, CreateCustomToneObject) and GetIDAsVariant. */
typedef struct ITLegacyCallMediaControl2Vtbl {
    OT3_IDISPATCH_SLOTS(ITLegacyCallMediaControl2);
    HRESULT (WINAPI *DetectDigits)(ITLegacyCallMediaControl2 *This, TAPI_DIGITMODE DigitMode);
    HRESULT (WINAPI *GenerateDigits)(ITLegacyCallMediaControl2 *This, BSTR pDigits,
                                     TAPI_DIGITMODE DigitMode);
    HRESULT (WINAPI *GetID)(ITLegacyCallMediaControl2 *This, BSTR pDeviceClass, DWORD *pdwSize,
                            BYTE **ppDeviceID);
    HRESULT (WINAPI *SetMediaType)(ITLegacyCallMediaControl2 *This, LONG lMediaType);
    HRESULT (WINAPI *MonitorMedia)(ITLegacyCallMediaControl2 *This, LONG lMediaType);
    HRESULT (WINAPI *GenerateDigits2)(ITLegacyCallMediaControl2 *This, BSTR pDigits,
                                      TAPI_DIGITMODE DigitMode, LONG lDuration);
    HRESULT (WINAPI *GatherDigits)(ITLegacyCallMediaControl2 *This, TAPI_DIGITMODE DigitMode,
                                   LONG lNumDigits, BSTR pTerminationDigits,
                                   LONG lFirstDigitTimeout, LONG lInterDigitTimeout);
    HRESULT (WINAPI *DetectTones)(ITLegacyCallMediaControl2 *This, TAPI_DETECTTONE *pToneList,
                                  LONG lNumTones);
    HRESULT (WINAPI *DetectTonesByCollection)(ITLegacyCallMediaControl2 *This,
                                              ITCollection2 *pDetectToneCollection);
    HRESULT (WINAPI *GenerateTone)(ITLegacyCallMediaControl2 *This, TAPI_TONEMODE ToneMode,
                                   LONG lDuration);
    HRESULT (WINAPI *GenerateCustomTones)(ITLegacyCallMediaControl2 *This,
                                          TAPI_CUSTOMTONE *pToneList, LONG lNumTones,
                                          LONG lDuration);
    HRESULT (WINAPI *GenerateCustomTonesByCollection)(ITLegacyCallMediaControl2 *This,
                                                      ITCollection2 *pCustomToneCollection,
                                                      LONG lDuration);
    HRESULT (WINAPI *CreateDetectToneObject)(ITLegacyCallMediaControl2 *This,
                                             ITDetectTone **ppDetectTone);
    HRESULT (WINAPI *CreateCustomToneObject)(ITLegacyCallMediaControl2 *This,
                                             ITCustomTone **ppCustomTone);
    HRESULT (WINAPI *GetIDAsVariant)(ITLegacyCallMediaControl2 *This, BSTR bstrDeviceClass,
                                     VARIANT *pVarDeviceID);
} ITLegacyCallMediaControl2Vtbl;
struct ITLegacyCallMediaControl2 {
    const ITLegacyCallMediaControl2Vtbl *lpVtbl;
};
#define ITLegacyCallMediaControl2_QueryInterface(p, riid, ppv)                                 \
    (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define ITLegacyCallMediaControl2_AddRef(p) (p)->lpVtbl->AddRef(p)
#define ITLegacyCallMediaControl2_Release(p) (p)->lpVtbl->Release(p)
#define ITLegacyCallMediaControl2_DetectDigits(p, m) (p)->lpVtbl->DetectDigits(p, m)
#define ITLegacyCallMediaControl2_GenerateDigits(p, d, m) (p)->lpVtbl->GenerateDigits(p, d, m)
#define ITLegacyCallMediaControl2_GenerateDigits2(p, d, m, l)                                   \
    (p)->lpVtbl->GenerateDigits2(p, d, m, l)
#define ITLegacyCallMediaControl2_GatherDigits(p, m, n, t, f, i)                                \
    (p)->lpVtbl->GatherDigits(p, m, n, t, f, i)
#define ITLegacyCallMediaControl2_DetectTones(p, l, n) (p)->lpVtbl->DetectTones(p, l, n)
#define ITLegacyCallMediaControl2_GenerateTone(p, m, l) (p)->lpVtbl->GenerateTone(p, m, l)
#define ITLegacyCallMediaControl2_GenerateCustomTones(p, t, n, l)                               \
    (p)->lpVtbl->GenerateCustomTones(p, t, n, l)

/* TE_GATHERDIGITS: a GatherDigits ended: the digits (a BSTR the application
 * frees), the TAPI_GATHERTERM. */
typedef struct ITDigitsGatheredEventVtbl {
    OT3_IDISPATCH_SLOTS(ITDigitsGatheredEvent);
    HRESULT (WINAPI *get_Call)(ITDigitsGatheredEvent *This, ITCallInfo **ppCallInfo);
    HRESULT (WINAPI *get_Digits)(ITDigitsGatheredEvent *This, BSTR *ppDigits);
    HRESULT (WINAPI *get_GatherTermination)(ITDigitsGatheredEvent *This,
                                            TAPI_GATHERTERM *pGatherTermination);
    HRESULT (WINAPI *get_TickCount)(ITDigitsGatheredEvent *This, LONG *plTickCount);
    HRESULT (WINAPI *get_CallbackInstance)(ITDigitsGatheredEvent *This,
                                           LONG *plCallbackInstance);
} ITDigitsGatheredEventVtbl;
struct ITDigitsGatheredEvent {
    const ITDigitsGatheredEventVtbl *lpVtbl;
};
#define ITDigitsGatheredEvent_QueryInterface(p, riid, ppv) (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define ITDigitsGatheredEvent_Release(p) (p)->lpVtbl->Release(p)
#define ITDigitsGatheredEvent_get_Call(p, ppc) (p)->lpVtbl->get_Call(p, ppc)
#define ITDigitsGatheredEvent_get_Digits(p, pd) (p)->lpVtbl->get_Digits(p, pd)
#define ITDigitsGatheredEvent_get_GatherTermination(p, pt) (p)->lpVtbl->get_GatherTermination(p, pt)
#define ITDigitsGatheredEvent_get_TickCount(p, pl) (p)->lpVtbl->get_TickCount(p, pl)

/* TE_TONEEVENT: a tone of the DetectTones list was heard: its dwAppSpecific. */
typedef struct ITToneDetectionEventVtbl {
    OT3_IDISPATCH_SLOTS(ITToneDetectionEvent);
    HRESULT (WINAPI *get_Call)(ITToneDetectionEvent *This, ITCallInfo **ppCallInfo);
    HRESULT (WINAPI *get_AppSpecific)(ITToneDetectionEvent *This, LONG *plAppSpecific);
    HRESULT (WINAPI *get_TickCount)(ITToneDetectionEvent *This, LONG *plTickCount);
    HRESULT (WINAPI *get_CallbackInstance)(ITToneDetectionEvent *This,
                                           LONG *plCallbackInstance);
} ITToneDetectionEventVtbl;
struct ITToneDetectionEvent {
    const ITToneDetectionEventVtbl *lpVtbl;
};
#define ITToneDetectionEvent_QueryInterface(p, riid, ppv) (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define ITToneDetectionEvent_Release(p) (p)->lpVtbl->Release(p)
#define ITToneDetectionEvent_get_Call(p, ppc) (p)->lpVtbl->get_Call(p, ppc)
#define ITToneDetectionEvent_get_AppSpecific(p, pl) (p)->lpVtbl->get_AppSpecific(p, pl)
#define ITToneDetectionEvent_get_TickCount(p, pl) (p)->lpVtbl->get_TickCount(p, pl)
/* TE_ADDRESS: something happened on an address the application has a
 * registration (RegisterCallNotifications) or an outgoing call on.
 * get_Terminal gives NULL (no terminals). */
typedef struct ITAddressEventVtbl {
    OT3_IDISPATCH_SLOTS(ITAddressEvent);
    HRESULT (WINAPI *get_Address)(ITAddressEvent *This, ITAddress **ppAddress);
    HRESULT (WINAPI *get_Event)(ITAddressEvent *This, ADDRESS_EVENT *pEvent);
    HRESULT (WINAPI *get_Terminal)(ITAddressEvent *This, ITTerminal **ppTerminal);
} ITAddressEventVtbl;
struct ITAddressEvent {
    const ITAddressEventVtbl *lpVtbl;
};
#define ITAddressEvent_QueryInterface(p, riid, ppv) (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define ITAddressEvent_AddRef(p) (p)->lpVtbl->AddRef(p)
#define ITAddressEvent_Release(p) (p)->lpVtbl->Release(p)
#define ITAddressEvent_get_Address(p, ppa) (p)->lpVtbl->get_Address(p, ppa)
#define ITAddressEvent_get_Event(p, pe) (p)->lpVtbl->get_Event(p, pe)
#define ITAddressEvent_get_Terminal(p, ppt) (p)->lpVtbl->get_Terminal(p, ppt)

/* ---- ITTAPIEventNotification: the application's event sink -----------------
 * Implemented by the application.  Event is called on a thread of the
 * library, one event at a time, never with an internal lock held; it may call
 * any method (including blocking ones and ITTAPI::Shutdown).  pEvent is
 * valid during the call; AddRef it to keep it. */
typedef struct ITTAPIEventNotificationVtbl {
    OT3_IUNKNOWN_SLOTS(ITTAPIEventNotification);
    HRESULT (WINAPI *Event)(ITTAPIEventNotification *This, TAPI_EVENT TapiEvent,
                            IDispatch *pEvent);
} ITTAPIEventNotificationVtbl;
struct ITTAPIEventNotification {
    const ITTAPIEventNotificationVtbl *lpVtbl;
};
#define ITTAPIEventNotification_QueryInterface(p, riid, ppv)                                   \
    (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define ITTAPIEventNotification_AddRef(p) (p)->lpVtbl->AddRef(p)
#define ITTAPIEventNotification_Release(p) (p)->lpVtbl->Release(p)
#define ITTAPIEventNotification_Event(p, type, ev) (p)->lpVtbl->Event(p, type, ev)

/* ---- Enumerators ------------------------------------------------------------
 * Next: up to celt elements (AddRef'd) into ppElements; S_FALSE when fewer
 * than celt were left.  pceltFetched may be NULL when celt is 1. */
typedef struct IEnumAddressVtbl {
    OT3_IUNKNOWN_SLOTS(IEnumAddress);
    HRESULT (WINAPI *Next)(IEnumAddress *This, ULONG celt, ITAddress **ppElements,
                           ULONG *pceltFetched);
    HRESULT (WINAPI *Reset)(IEnumAddress *This);
    HRESULT (WINAPI *Skip)(IEnumAddress *This, ULONG celt);
    HRESULT (WINAPI *Clone)(IEnumAddress *This, IEnumAddress **ppEnum);
} IEnumAddressVtbl;
struct IEnumAddress {
    const IEnumAddressVtbl *lpVtbl;
};
#define IEnumAddress_QueryInterface(p, riid, ppv) (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define IEnumAddress_AddRef(p) (p)->lpVtbl->AddRef(p)
#define IEnumAddress_Release(p) (p)->lpVtbl->Release(p)
#define IEnumAddress_Next(p, n, pp, pf) (p)->lpVtbl->Next(p, n, pp, pf)
#define IEnumAddress_Reset(p) (p)->lpVtbl->Reset(p)
#define IEnumAddress_Skip(p, n) (p)->lpVtbl->Skip(p, n)
#define IEnumAddress_Clone(p, ppe) (p)->lpVtbl->Clone(p, ppe)

typedef struct IEnumCallVtbl {
    OT3_IUNKNOWN_SLOTS(IEnumCall);
    HRESULT (WINAPI *Next)(IEnumCall *This, ULONG celt, ITCallInfo **ppElements,
                           ULONG *pceltFetched);
    HRESULT (WINAPI *Reset)(IEnumCall *This);
    HRESULT (WINAPI *Skip)(IEnumCall *This, ULONG celt);
    HRESULT (WINAPI *Clone)(IEnumCall *This, IEnumCall **ppEnum);
} IEnumCallVtbl;
struct IEnumCall {
    const IEnumCallVtbl *lpVtbl;
};
#define IEnumCall_QueryInterface(p, riid, ppv) (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define IEnumCall_AddRef(p) (p)->lpVtbl->AddRef(p)
#define IEnumCall_Release(p) (p)->lpVtbl->Release(p)
#define IEnumCall_Next(p, n, pp, pf) (p)->lpVtbl->Next(p, n, pp, pf)
#define IEnumCall_Reset(p) (p)->lpVtbl->Reset(p)
#define IEnumCall_Skip(p, n) (p)->lpVtbl->Skip(p, n)
#define IEnumCall_Clone(p, ppe) (p)->lpVtbl->Clone(p, ppe)

/* ---- Connection points: how a sink is registered, as on Windows -------------
 * ITTAPI's QueryInterface gives IConnectionPointContainer; FindConnectionPoint
 * with IID_ITTAPIEventNotification gives the IConnectionPoint whose Advise
 * takes the sink (QueryInterface'd for ITTAPIEventNotification and kept with a
 * reference) and returns a cookie for Unadvise (CONNECT_E_CANNOTCONNECT if
 * the sink has no ITTAPIEventNotification, CONNECT_E_ADVISELIMIT past 16
 * sinks).  Every sink receives every event.  Unadvise called outside the
 * sink waits until a call to that sink in progress has returned, so that
 * afterwards the sink is neither called nor referenced; called from inside
 * a sink it returns at once and the reference goes when the delivery ends.
 * EnumConnectionPoints and EnumConnections are not implemented. */
typedef struct IConnectionPointContainerVtbl {
    OT3_IUNKNOWN_SLOTS(IConnectionPointContainer);
    HRESULT (WINAPI *EnumConnectionPoints)(IConnectionPointContainer *This,
                                           IEnumConnectionPoints **ppEnum);
    HRESULT (WINAPI *FindConnectionPoint)(IConnectionPointContainer *This, REFIID riid,
                                          IConnectionPoint **ppCP);
} IConnectionPointContainerVtbl;
struct IConnectionPointContainer {
    const IConnectionPointContainerVtbl *lpVtbl;
};
#define IConnectionPointContainer_QueryInterface(p, riid, ppv)                                 \
    (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define IConnectionPointContainer_AddRef(p) (p)->lpVtbl->AddRef(p)
#define IConnectionPointContainer_Release(p) (p)->lpVtbl->Release(p)
#define IConnectionPointContainer_EnumConnectionPoints(p, ppe)                                 \
    (p)->lpVtbl->EnumConnectionPoints(p, ppe)
#define IConnectionPointContainer_FindConnectionPoint(p, riid, ppcp)                           \
    (p)->lpVtbl->FindConnectionPoint(p, riid, ppcp)

typedef struct IConnectionPointVtbl {
    OT3_IUNKNOWN_SLOTS(IConnectionPoint);
    HRESULT (WINAPI *GetConnectionInterface)(IConnectionPoint *This, IID *pIID);
    HRESULT (WINAPI *GetConnectionPointContainer)(IConnectionPoint *This,
                                                  IConnectionPointContainer **ppCPC);
    HRESULT (WINAPI *Advise)(IConnectionPoint *This, IUnknown *pUnkSink, DWORD *pdwCookie);
    HRESULT (WINAPI *Unadvise)(IConnectionPoint *This, DWORD dwCookie);
    HRESULT (WINAPI *EnumConnections)(IConnectionPoint *This, IEnumConnections **ppEnum);
} IConnectionPointVtbl;
struct IConnectionPoint {
    const IConnectionPointVtbl *lpVtbl;
};
#define IConnectionPoint_QueryInterface(p, riid, ppv) (p)->lpVtbl->QueryInterface(p, riid, ppv)
#define IConnectionPoint_AddRef(p) (p)->lpVtbl->AddRef(p)
#define IConnectionPoint_Release(p) (p)->lpVtbl->Release(p)
#define IConnectionPoint_GetConnectionInterface(p, piid) (p)->lpVtbl->GetConnectionInterface(p, piid)
#define IConnectionPoint_GetConnectionPointContainer(p, ppc)                                   \
    (p)->lpVtbl->GetConnectionPointContainer(p, ppc)
#define IConnectionPoint_Advise(p, sink, pcookie) (p)->lpVtbl->Advise(p, sink, pcookie)
#define IConnectionPoint_Unadvise(p, cookie) (p)->lpVtbl->Unadvise(p, cookie)
#define IConnectionPoint_EnumConnections(p, ppe) (p)->lpVtbl->EnumConnections(p, ppe)

/* ======================================================================
 * Interface and class identifiers (Microsoft's values)
 * ====================================================================== */

/* Defined here, one copy per translation unit (compared by value with
 * IsEqualIID, never by address), so that the library exports no data. */
static const IID IID_IUnknown =
    {0x00000000, 0x0000, 0x0000, {0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};
static const IID IID_IDispatch =
    {0x00020400, 0x0000, 0x0000, {0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};
static const IID IID_ITTAPI =
    {0xB1EFC382, 0x9355, 0x11D0, {0x83, 0x5C, 0x00, 0xAA, 0x00, 0x3C, 0xCA, 0xBD}};
static const IID IID_ITAddress =
    {0xB1EFC386, 0x9355, 0x11D0, {0x83, 0x5C, 0x00, 0xAA, 0x00, 0x3C, 0xCA, 0xBD}};
static const IID IID_ITForwardInformation =
    {0x449F659E, 0x88A3, 0x11D1, {0xBB, 0x5D, 0x00, 0xC0, 0x4F, 0xB6, 0x80, 0x9F}};
static const IID IID_ITAddressCapabilities =
    {0x8DF232F5, 0x821B, 0x11D1, {0xBB, 0x5C, 0x00, 0xC0, 0x4F, 0xB6, 0x80, 0x9F}};
static const IID IID_ITBasicCallControl =
    {0xB1EFC389, 0x9355, 0x11D0, {0x83, 0x5C, 0x00, 0xAA, 0x00, 0x3C, 0xCA, 0xBD}};
static const IID IID_ITCallInfo =
    {0x350F85D1, 0x1227, 0x11D3, {0x83, 0xD4, 0x00, 0xC0, 0x4F, 0xB6, 0x80, 0x9F}};
static const IID IID_ITCallStateEvent =
    {0x62F47097, 0x95C9, 0x11D0, {0x83, 0x5D, 0x00, 0xAA, 0x00, 0x3C, 0xCA, 0xBD}};
static const IID IID_ITCallNotificationEvent =
    {0x895801DF, 0x3DD6, 0x11D1, {0x8F, 0x30, 0x00, 0xC0, 0x4F, 0xB6, 0x80, 0x9F}};
static const IID IID_ITCallInfoChangeEvent =
    {0x5D4B65F9, 0xE51C, 0x11D1, {0xA0, 0x2F, 0x00, 0xC0, 0x4F, 0xB6, 0x80, 0x9F}};
static const IID IID_ITLegacyCallMediaControl =
    {0xD624582F, 0xCC23, 0x4436, {0xB8, 0xA5, 0x47, 0xC6, 0x25, 0xC8, 0x04, 0x5D}};
static const IID IID_ITDigitDetectionEvent =
    {0x80D3BFAC, 0x57D9, 0x11D2, {0xA0, 0x4A, 0x00, 0xC0, 0x4F, 0xB6, 0x80, 0x9F}};
static const IID IID_ITDigitGenerationEvent =
    {0x80D3BFAD, 0x57D9, 0x11D2, {0xA0, 0x4A, 0x00, 0xC0, 0x4F, 0xB6, 0x80, 0x9F}};
static const IID IID_ITLegacyCallMediaControl2 =
    {0x57CA332D, 0x7BC2, 0x44F1, {0xA6, 0x0C, 0x93, 0x6F, 0xE8, 0xD7, 0xCE, 0x73}};
static const IID IID_ITDigitsGatheredEvent =
    {0xE52EC4C1, 0xCBA3, 0x441A, {0x9E, 0x6A, 0x93, 0xCB, 0x90, 0x9E, 0x97, 0x24}};
static const IID IID_ITToneDetectionEvent =
    {0x407E0FAF, 0xD047, 0x4753, {0xB0, 0xC6, 0x8E, 0x06, 0x03, 0x73, 0xFE, 0xCD}};
static const IID IID_ITAddressEvent =
    {0x831CE2D1, 0x83B5, 0x11D1, {0xBB, 0x5C, 0x00, 0xC0, 0x4F, 0xB6, 0x80, 0x9F}};
static const IID IID_ITTAPIEventNotification =
    {0xEDDB9426, 0x3B91, 0x11D1, {0x8F, 0x30, 0x00, 0xC0, 0x4F, 0xB6, 0x80, 0x9F}};
static const IID IID_IEnumAddress =
    {0x1666FCA1, 0x9363, 0x11D0, {0x83, 0x5C, 0x00, 0xAA, 0x00, 0x3C, 0xCA, 0xBD}};
static const IID IID_IEnumCall =
    {0xAE269CF6, 0x935E, 0x11D0, {0x83, 0x5C, 0x00, 0xAA, 0x00, 0x3C, 0xCA, 0xBD}};
static const IID IID_IConnectionPointContainer =
    {0xB196B284, 0xBAB4, 0x101A, {0xB6, 0x9C, 0x00, 0xAA, 0x00, 0x34, 0x1D, 0x07}};
static const IID IID_IConnectionPoint =
    {0xB196B286, 0xBAB4, 0x101A, {0xB6, 0x9C, 0x00, 0xAA, 0x00, 0x34, 0x1D, 0x07}};
static const CLSID CLSID_TAPI =
    {0x21D6D48E, 0xA88B, 0x11D0, {0x83, 0xDD, 0x00, 0xAA, 0x00, 0x3C, 0xCA, 0xBD}};

/* GUID comparison. */
static inline int otIsEqualGUID(const GUID *a, const GUID *b)
{
    int same = a->Data1 == b->Data1 && a->Data2 == b->Data2 && a->Data3 == b->Data3;
    for (int i = 0; same && i < 8; i++)
        same = a->Data4[i] == b->Data4[i];
    return same;
}
#ifndef IsEqualGUID
#define IsEqualGUID(a, b) otIsEqualGUID(a, b)
#endif
#ifndef IsEqualIID
#define IsEqualIID(a, b) otIsEqualGUID(a, b)
#endif

/* ======================================================================
 * opentapi functions (not in Windows' TAPI 3)
 * ====================================================================== */

/* Creates a TAPI object (Windows: CoCreateInstance(CLSID_TAPI, ...,
 * IID_ITTAPI)).  *ppTapi has one reference; call Initialize next.
 * otCoCreateInstance does the same for code written for Windows: rclsid
 * must be CLSID_TAPI (else CLASS_E_CLASSNOTAVAILABLE), pUnkOuter NULL (else
 * CLASS_E_NOAGGREGATION), riid any interface of the TAPI object;
 * dwClsContext is ignored. */
TAPI_API HRESULT otTapi3Create(ITTAPI **ppTapi);
TAPI_API HRESULT otCoCreateInstance(REFCLSID rclsid, IUnknown *pUnkOuter, DWORD dwClsContext,
                                    REFIID riid, void **ppv);
#define CLSCTX_INPROC_SERVER 0x1

/* Events without a sink: the next event (TE_... in *pEventType, the event
 * object, one reference, in *ppEvent), waiting up to dwTimeout ms (0: poll,
 * INFINITE: no limit).  S_FALSE with *ppEvent NULL when the time ran out,
 * TAPI_E_NOT_INITIALIZED before Initialize or after Shutdown (also for a
 * waiting caller).  While a sink is advised the sink thread takes the events;
 * use one model or the other. */
TAPI_API HRESULT otTapi3GetEvent(ITTAPI *pTapi, DWORD dwTimeout, TAPI_EVENT *pEventType,
                                 IDispatch **ppEvent);

/* The sink registration of IConnectionPoint::Advise/Unadvise, as functions. */
TAPI_API HRESULT otTapi3Advise(ITTAPI *pTapi, ITTAPIEventNotification *pSink, DWORD *pdwCookie);
TAPI_API HRESULT otTapi3Unadvise(ITTAPI *pTapi, DWORD dwCookie);

/* The bound on every wait for the line API (default 120000 ms, Windows' two
 * minutes); past it a method returns TAPI_E_TIMEOUT.  0 restores the default. */
TAPI_API HRESULT otTapi3SetTimeout(ITTAPI *pTapi, DWORD dwMilliseconds);

/* Strings.  A BSTR here is a UTF-8 string preceded by its byte length (a
 * DWORD); otSysStringLen returns that length, embedded NULs allowed.  NULL
 * is a valid empty BSTR for otSysStringLen and otSysFreeString. */
TAPI_API BSTR otSysAllocString(const OLECHAR *psz);
TAPI_API BSTR otSysAllocStringLen(const OLECHAR *pch, UINT cch);
TAPI_API void otSysFreeString(BSTR bstr);
TAPI_API UINT otSysStringLen(BSTR bstr);

/* Memory handed to the caller (GetCallInfoBuffer). */
TAPI_API void *otCoTaskMemAlloc(size_t cb);
TAPI_API void otCoTaskMemFree(void *pv);

/* The Windows names, unless the application asks for none. */
#ifndef OPENTAPI_NO_COM_NAMES
#define SysAllocString otSysAllocString
#define SysAllocStringLen otSysAllocStringLen
#define SysFreeString otSysFreeString
#define SysStringLen otSysStringLen
#define CoTaskMemAlloc otCoTaskMemAlloc
#define CoTaskMemFree otCoTaskMemFree
#define CoCreateInstance otCoCreateInstance
#endif

/* Live objects, for leak checks in tests: every count is 0 once an
 * application released everything it got. */
typedef struct ottapi3stats_tag {
    DWORD dwTapiObjects;  /* TAPI objects (with their addresses) */
    DWORD dwCalls;        /* call objects */
    DWORD dwEvents;       /* event objects */
    DWORD dwEnumerators;  /* IEnumAddress / IEnumCall / ITForwardInformation */
    DWORD dwStrings;      /* BSTRs from otSysAllocString* not freed */
    DWORD dwTaskMem;      /* blocks from otCoTaskMemAlloc not freed */
} OTTAPI3STATS;
TAPI_API HRESULT otTapi3GetStats(OTTAPI3STATS *pStats);

/* Names for logs ("CS_CONNECTED", "CEC_DISCONNECT_NORMAL", "TE_CALLSTATE",
 * "TAPI_E_INVALCALLSTATE"...); "?" for unknown values, never NULL. */
TAPI_API LPCSTR otTapi3CallStateName(CALL_STATE state);
TAPI_API LPCSTR otTapi3CauseName(CALL_STATE_EVENT_CAUSE cause);
TAPI_API LPCSTR otTapi3EventName(TAPI_EVENT event);
TAPI_API LPCSTR otTapi3ErrorName(HRESULT hr);

#ifdef __cplusplus
}
#endif

#endif /* OPENTAPI_TAPI3_H */
