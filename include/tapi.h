/* tapi.h - opentapi: the Microsoft TAPI 2.x line API for POSIX systems.
 *
 * Source compatible with the Windows SDK's tapi.h: every line*, phone* and
 * tapi* function Microsoft's header declares, with the same names and
 * parameter lists, the same structure layouts (byte for byte: structures are
 * packed to 1 as on Windows) and the same constant values, so a program
 * written from Microsoft's documentation compiles and links.  Only the ANSI
 * flavour exists; the plain names (lineMakeCall, lineInitializeEx, ...) are
 * the exported symbols and the Windows "...A" names are macros for them.
 * Functions whose feature is not available yet return the documented error
 * (LINEERR_OPERATIONUNAVAIL, or the PHONEERR_/TAPIERR_ equivalent) and the
 * capability structures (LINEDEVCAPS, LINEADDRESSCAPS) do not announce the
 * feature; docs/api.md lists every function with its status.
 *
 * Structure layout: every structure carries all members up to TAPI 3.1, as
 * the mingw-w64 header (whose default TAPI_CURRENT_VERSION is 0x00030001)
 * defines them; members newer than 1.0 are marked with the version that added
 * them.  TAPI_CURRENT_VERSION does not change any layout here: variable-size
 * structures start with dwTotalSize, and opentapi fills only what the
 * negotiated API version defines and dwTotalSize allows.
 *
 * Conventions that hold for every function below:
 *  - May be called from any thread, including from inside the LINECALLBACK.
 *  - Returns 0 (or, for asynchronous functions, a positive request ID) on
 *    success, a negative LINEERR_ value on failure.  Besides the errors each
 *    function lists, every function may return LINEERR_NOMEM,
 *    LINEERR_OPERATIONFAILED, LINEERR_RESOURCEUNAVAIL and
 *    LINEERR_UNINITIALIZED; a pointer argument that is NULL where one is
 *    required gives LINEERR_INVALPOINTER.
 *  - Asynchronous functions: every positive request ID is answered by exactly
 *    one LINE_REPLY (dwParam1 = request ID, dwParam2 = 0 or a LINEERR_ value),
 *    also when the request is overtaken by a drop.  Output parameters (for
 *    example *lphCall) are written when that LINE_REPLY reports success, so
 *    they must stay valid until then.  After lineClose/lineShutdown pending
 *    replies are not delivered.
 *  - A function that returns an error sends no message at all.
 *  - Handles are checked: a stale handle, or one of another application,
 *    gives the LINEERR_INVAL...HANDLE error of its kind.  A freed handle
 *    value is not handed out again before 67,108,864 further allocations of
 *    its kind (HLINEAPP, HLINE, HCALL) within one run of the library, so a
 *    stale handle cannot name a newer object.
 *  - Variable-size structures (first member dwTotalSize): the caller sets
 *    dwTotalSize; too small for the fixed part gives
 *    LINEERR_STRUCTURETOOSMALL, otherwise the fixed part is filled,
 *    dwNeededSize tells the size everything would need and dwUsedSize what
 *    was written.  Variable parts are found at byte offsets from the start
 *    of the structure (the ...Size/...Offset member pairs).
 *  - User-user information (UUI) is binary: a buffer and an exact length in
 *    bytes.  A protocol discriminator, if used, is its first byte and is
 *    counted; nothing else (no terminator) is counted or added.  A length
 *    above the operation's LINEDEVCAPS dwUUI...Size limit gives
 *    LINEERR_USERUSERINFOTOOBIG; a limit of 0 means the line does not carry
 *    UUI for that operation.  A NULL buffer means no UUI (dwSize ignored).
 */
#ifndef OPENTAPI_TAPI_H
#define OPENTAPI_TAPI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================
 * Versions
 * ====================================================================== */

/* The API version an application asks for by default.  opentapi implements
 * the semantics of 2.2 and negotiates any version from 1.4 to 2.2.  An
 * application may define TAPI_CURRENT_VERSION before including this file. */
#ifndef TAPI_CURRENT_VERSION
#define TAPI_CURRENT_VERSION            0x00020002
#endif

/* Names for the published API versions (opentapi convenience; the same
 * names appear in Microsoft's TAPI sources). */
#ifndef TAPI_VERSION1_0
#define TAPI_VERSION1_0                 0x00010003
#define TAPI_VERSION1_4                 0x00010004
#define TAPI_VERSION2_0                 0x00020000
#define TAPI_VERSION2_1                 0x00020001
#define TAPI_VERSION2_2                 0x00020002
#define TAPI_VERSION3_0                 0x00030000
#define TAPI_VERSION3_1                 0x00030001
#endif

/* ======================================================================
 * Compiler glue and Windows base types
 * ====================================================================== */

/* Marks the functions the library exports (it is built with
 * -fvisibility=hidden). */
#ifndef TAPI_API
#if defined(__GNUC__) || defined(__clang__)
#define TAPI_API __attribute__((visibility("default")))
#else
#define TAPI_API
#endif
#endif

/* Calling conventions do not exist on the POSIX targets. */
#ifndef WINAPI
#define WINAPI
#endif
#ifndef CALLBACK
#define CALLBACK
#endif

#ifndef TRUE
#define TRUE  1
#endif
#ifndef FALSE
#define FALSE 0
#endif
#ifndef INFINITE
#define INFINITE 0xFFFFFFFF
#endif

/* The Windows base types with their Windows (LLP64) sizes: DWORD and LONG
 * are 32 bits, DWORD_PTR is as wide as a pointer.  They are skipped when a
 * Windows-compatible windef.h was included first, or when the application
 * defines OPENTAPI_NO_WINTYPES because it provides identical types itself. */
#if !defined(OPENTAPI_NO_WINTYPES) && !defined(_WINDEF_) && \
    !defined(__WINE_WINDEF_H) && !defined(OPENTAPI_WINTYPES_DEFINED)
#define OPENTAPI_WINTYPES_DEFINED
typedef uint8_t         BYTE;
typedef uint16_t        WORD;
typedef uint32_t        DWORD;
typedef int32_t         LONG;
typedef int32_t         BOOL;
typedef uintptr_t       DWORD_PTR;
typedef DWORD          *LPDWORD;
typedef void           *LPVOID;
typedef const char     *LPCSTR;
typedef char           *LPSTR;
typedef void           *HANDLE;
typedef void           *HWND;
typedef void           *HINSTANCE;
typedef void           *HICON;
typedef uintptr_t       WPARAM;
#endif
typedef HICON *LPHICON;

/* The two OLE types of the agent structures (LINEAGENTINFO, ...). */
#if !defined(_OAIDL_H_) && !defined(OPENTAPI_OLETYPES_DEFINED)
#define OPENTAPI_OLETYPES_DEFINED
typedef double DATE;
typedef union tagCY {
    struct {
        uint32_t Lo;
        int32_t  Hi;
    } s;
    int64_t int64;
} CY, CURRENCY;
#endif

#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
    DWORD Data1;
    WORD  Data2;
    WORD  Data3;
    BYTE  Data4[8];
} GUID;
#endif
#ifndef __LPGUID_DEFINED__
#define __LPGUID_DEFINED__
typedef GUID *LPGUID;
#endif

/* Used by LINECALLSTATUS.tStateEntryTime (UTC, filled by opentapi). */
#ifndef _SYSTEMTIME_
#define _SYSTEMTIME_
typedef struct _SYSTEMTIME {
    WORD wYear;
    WORD wMonth;
    WORD wDayOfWeek;            /* 0 = Sunday */
    WORD wDay;
    WORD wHour;
    WORD wMinute;
    WORD wSecond;
    WORD wMilliseconds;
} SYSTEMTIME, *PSYSTEMTIME, *LPSYSTEMTIME;
#endif

/* ======================================================================
 * TAPI handles and the callback
 * ====================================================================== */

/* TAPI handles are 32-bit values on every platform; 0 is never valid. */
typedef DWORD HLINEAPP;
typedef HLINEAPP *LPHLINEAPP;
typedef DWORD HLINE;
typedef HLINE *LPHLINE;
typedef DWORD HCALL;
typedef HCALL *LPHCALL;
typedef DWORD HCALLHUB;
typedef HCALLHUB *LPHCALLHUB;
typedef DWORD HPHONEAPP;
typedef HPHONEAPP *LPHPHONEAPP;
typedef DWORD HPHONE;
typedef HPHONE *LPHPHONE;
typedef DWORD HAGENT;
typedef HAGENT *LPHAGENT;
typedef DWORD HAGENTSESSION;
typedef HAGENTSESSION *LPHAGENTSESSION;

/* Receives every message of a callback-model application (lineInitialize,
 * or lineInitializeEx with LINEINITIALIZEEXOPTION_USEHIDDENWINDOW).
 * hDevice is the HLINE or HCALL the message is about, dwInstance the
 * dwCallbackInstance given to lineOpen (0 for messages not tied to a line).
 * opentapi calls it on a thread of its own, one message at a time per
 * application, never with an internal lock held; it may call any function. */
typedef void (CALLBACK *LINECALLBACK)(DWORD hDevice, DWORD dwMessage,
                                      DWORD_PTR dwInstance,
                                      DWORD_PTR dwParam1,
                                      DWORD_PTR dwParam2,
                                      DWORD_PTR dwParam3);

/* The same for phone applications (phoneInitialize). */
typedef void (CALLBACK *PHONECALLBACK)(DWORD hDevice, DWORD dwMessage,
                                       DWORD_PTR dwInstance,
                                       DWORD_PTR dwParam1,
                                       DWORD_PTR dwParam2,
                                       DWORD_PTR dwParam3);

/* ======================================================================
 * Message IDs (LINEMESSAGE.dwMessageID, LINECALLBACK dwMessage)
 * The values 14-18, 20 and 26 belong to phone messages.
 * ====================================================================== */

#define LINE_ADDRESSSTATE               0   /* hLine; address, LINEADDRESSSTATE_ */
#define LINE_CALLINFO                   1   /* hCall; LINECALLINFOSTATE_ bits */
#define LINE_CALLSTATE                  2   /* hCall; state, mode, new privilege */
#define LINE_CLOSE                      3   /* hLine; the line was closed */
#define LINE_DEVSPECIFIC                4
#define LINE_DEVSPECIFICFEATURE         5
#define LINE_GATHERDIGITS               6
#define LINE_GENERATE                   7
#define LINE_LINEDEVSTATE               8   /* hLine; LINEDEVSTATE_ */
#define LINE_MONITORDIGITS              9
#define LINE_MONITORMEDIA               10
#define LINE_MONITORTONE                11
#define LINE_REPLY                      12  /* request ID, result */
#define LINE_REQUEST                    13
#define LINE_CREATE                     19  /* TAPI 1.4 */
#define LINE_AGENTSPECIFIC              21  /* TAPI 2.0 */
#define LINE_AGENTSTATUS                22  /* TAPI 2.0 */
#define LINE_APPNEWCALL                 23  /* TAPI 2.0: address, hCall, privilege */
#define LINE_PROXYREQUEST               24  /* TAPI 2.0 */
#define LINE_REMOVE                     25  /* TAPI 2.0 */
#define LINE_AGENTSESSIONSTATUS         27  /* TAPI 2.2 */
#define LINE_QUEUESTATUS                28  /* TAPI 2.2 */
#define LINE_AGENTSTATUSEX              29  /* TAPI 2.2 */
#define LINE_GROUPSTATUS                30  /* TAPI 2.2 */
#define LINE_PROXYSTATUS                31  /* TAPI 2.2 */
#define LINE_APPNEWCALLHUB              32  /* TAPI 3.0 */
#define LINE_CALLHUBCLOSE               33  /* TAPI 3.0 */
#define LINE_DEVSPECIFICEX              34  /* TAPI 3.0 */

/* ======================================================================
 * Error codes.  Functions return them as negative LONGs; LINE_REPLY
 * carries them in dwParam2.  0xC0000000 and up are device specific.
 * ====================================================================== */

#define LINEERR_ALLOCATED               0x80000001
#define LINEERR_BADDEVICEID             0x80000002
#define LINEERR_BEARERMODEUNAVAIL       0x80000003
#define LINEERR_CALLUNAVAIL             0x80000005
#define LINEERR_COMPLETIONOVERRUN       0x80000006
#define LINEERR_CONFERENCEFULL          0x80000007
#define LINEERR_DIALBILLING             0x80000008
#define LINEERR_DIALDIALTONE            0x80000009
#define LINEERR_DIALPROMPT              0x8000000A
#define LINEERR_DIALQUIET               0x8000000B
#define LINEERR_INCOMPATIBLEAPIVERSION  0x8000000C
#define LINEERR_INCOMPATIBLEEXTVERSION  0x8000000D
#define LINEERR_INIFILECORRUPT          0x8000000E
#define LINEERR_INUSE                   0x8000000F
#define LINEERR_INVALADDRESS            0x80000010
#define LINEERR_INVALADDRESSID          0x80000011
#define LINEERR_INVALADDRESSMODE        0x80000012
#define LINEERR_INVALADDRESSSTATE       0x80000013
#define LINEERR_INVALAPPHANDLE          0x80000014
#define LINEERR_INVALAPPNAME            0x80000015
#define LINEERR_INVALBEARERMODE         0x80000016
#define LINEERR_INVALCALLCOMPLMODE      0x80000017
#define LINEERR_INVALCALLHANDLE         0x80000018
#define LINEERR_INVALCALLPARAMS         0x80000019
#define LINEERR_INVALCALLPRIVILEGE      0x8000001A
#define LINEERR_INVALCALLSELECT         0x8000001B
#define LINEERR_INVALCALLSTATE          0x8000001C
#define LINEERR_INVALCALLSTATELIST      0x8000001D
#define LINEERR_INVALCARD               0x8000001E
#define LINEERR_INVALCOMPLETIONID       0x8000001F
#define LINEERR_INVALCONFCALLHANDLE     0x80000020
#define LINEERR_INVALCONSULTCALLHANDLE  0x80000021
#define LINEERR_INVALCOUNTRYCODE        0x80000022
#define LINEERR_INVALDEVICECLASS        0x80000023
#define LINEERR_INVALDEVICEHANDLE       0x80000024
#define LINEERR_INVALDIALPARAMS         0x80000025
#define LINEERR_INVALDIGITLIST          0x80000026
#define LINEERR_INVALDIGITMODE          0x80000027
#define LINEERR_INVALDIGITS             0x80000028
#define LINEERR_INVALEXTVERSION         0x80000029
#define LINEERR_INVALGROUPID            0x8000002A
#define LINEERR_INVALLINEHANDLE         0x8000002B
#define LINEERR_INVALLINESTATE          0x8000002C
#define LINEERR_INVALLOCATION           0x8000002D
#define LINEERR_INVALMEDIALIST          0x8000002E
#define LINEERR_INVALMEDIAMODE          0x8000002F
#define LINEERR_INVALMESSAGEID          0x80000030
#define LINEERR_INVALPARAM              0x80000032
#define LINEERR_INVALPARKID             0x80000033
#define LINEERR_INVALPARKMODE           0x80000034
#define LINEERR_INVALPOINTER            0x80000035
#define LINEERR_INVALPRIVSELECT         0x80000036
#define LINEERR_INVALRATE               0x80000037
#define LINEERR_INVALREQUESTMODE        0x80000038
#define LINEERR_INVALTERMINALID         0x80000039
#define LINEERR_INVALTERMINALMODE       0x8000003A
#define LINEERR_INVALTIMEOUT            0x8000003B
#define LINEERR_INVALTONE               0x8000003C
#define LINEERR_INVALTONELIST           0x8000003D
#define LINEERR_INVALTONEMODE           0x8000003E
#define LINEERR_INVALTRANSFERMODE       0x8000003F
#define LINEERR_LINEMAPPERFAILED        0x80000040
#define LINEERR_NOCONFERENCE            0x80000041
#define LINEERR_NODEVICE                0x80000042
#define LINEERR_NODRIVER                0x80000043
#define LINEERR_NOMEM                   0x80000044
#define LINEERR_NOREQUEST               0x80000045
#define LINEERR_NOTOWNER                0x80000046
#define LINEERR_NOTREGISTERED           0x80000047
#define LINEERR_OPERATIONFAILED         0x80000048
#define LINEERR_OPERATIONUNAVAIL        0x80000049
#define LINEERR_RATEUNAVAIL             0x8000004A
#define LINEERR_RESOURCEUNAVAIL         0x8000004B
#define LINEERR_REQUESTOVERRUN          0x8000004C
#define LINEERR_STRUCTURETOOSMALL       0x8000004D
#define LINEERR_TARGETNOTFOUND          0x8000004E
#define LINEERR_TARGETSELF              0x8000004F
#define LINEERR_UNINITIALIZED           0x80000050
#define LINEERR_USERUSERINFOTOOBIG      0x80000051
#define LINEERR_REINIT                  0x80000052
/* TAPI 2.0 */
#define LINEERR_ADDRESSBLOCKED          0x80000053
#define LINEERR_BILLINGREJECTED         0x80000054
#define LINEERR_INVALFEATURE            0x80000055
#define LINEERR_NOMULTIPLEINSTANCE      0x80000056
/* TAPI 2.2 */
#define LINEERR_INVALAGENTID            0x80000057
#define LINEERR_INVALAGENTGROUP         0x80000058
#define LINEERR_INVALPASSWORD           0x80000059
#define LINEERR_INVALAGENTSTATE         0x8000005A
#define LINEERR_INVALAGENTACTIVITY      0x8000005B
#define LINEERR_DIALVOICEDETECT         0x8000005C
/* TAPI 3.0 and later */
#define LINEERR_USERCANCELLED           0x8000005D
#define LINEERR_INVALADDRESSTYPE        0x8000005E
#define LINEERR_INVALAGENTSESSIONSTATE  0x8000005F
#define LINEERR_DISCONNECTED            0x80000060
#define LINEERR_SERVICE_NOT_RUNNING     0x80000061

/* Phone-device errors (phone* functions; values as on Windows). */
#define PHONEERR_ALLOCATED              0x90000001
#define PHONEERR_BADDEVICEID            0x90000002
#define PHONEERR_INCOMPATIBLEAPIVERSION 0x90000003
#define PHONEERR_INCOMPATIBLEEXTVERSION 0x90000004
#define PHONEERR_INIFILECORRUPT         0x90000005
#define PHONEERR_INUSE                  0x90000006
#define PHONEERR_INVALAPPHANDLE         0x90000007
#define PHONEERR_INVALAPPNAME           0x90000008
#define PHONEERR_INVALBUTTONLAMPID      0x90000009
#define PHONEERR_INVALBUTTONMODE        0x9000000A
#define PHONEERR_INVALBUTTONSTATE       0x9000000B
#define PHONEERR_INVALDATAID            0x9000000C
#define PHONEERR_INVALDEVICECLASS       0x9000000D
#define PHONEERR_INVALEXTVERSION        0x9000000E
#define PHONEERR_INVALHOOKSWITCHDEV     0x9000000F
#define PHONEERR_INVALHOOKSWITCHMODE    0x90000010
#define PHONEERR_INVALLAMPMODE          0x90000011
#define PHONEERR_INVALPARAM             0x90000012
#define PHONEERR_INVALPHONEHANDLE       0x90000013
#define PHONEERR_INVALPHONESTATE        0x90000014
#define PHONEERR_INVALPOINTER           0x90000015
#define PHONEERR_INVALPRIVILEGE         0x90000016
#define PHONEERR_INVALRINGMODE          0x90000017
#define PHONEERR_NODEVICE               0x90000018
#define PHONEERR_NODRIVER               0x90000019
#define PHONEERR_NOMEM                  0x9000001A
#define PHONEERR_NOTOWNER               0x9000001B
#define PHONEERR_OPERATIONFAILED        0x9000001C
#define PHONEERR_OPERATIONUNAVAIL       0x9000001D
#define PHONEERR_RESOURCEUNAVAIL        0x9000001F
#define PHONEERR_REQUESTOVERRUN         0x90000020
#define PHONEERR_STRUCTURETOOSMALL      0x90000021
#define PHONEERR_UNINITIALIZED          0x90000022
#define PHONEERR_REINIT                 0x90000023
#define PHONEERR_DISCONNECTED           0x90000024
#define PHONEERR_SERVICE_NOT_RUNNING    0x90000025

/* phoneInitializeEx options (the same values as LINEINITIALIZEEXOPTION_). */
#define PHONEINITIALIZEEXOPTION_USEHIDDENWINDOW   0x00000001
#define PHONEINITIALIZEEXOPTION_USEEVENT          0x00000002
#define PHONEINITIALIZEEXOPTION_USECOMPLETIONPORT 0x00000003

/* Assisted telephony results (tapiRequest*, tapiGetLocationInfo). */
#define TAPIERR_CONNECTED               0L
#define TAPIERR_DROPPED                 (-1L)
#define TAPIERR_NOREQUESTRECIPIENT      (-2L)
#define TAPIERR_REQUESTQUEUEFULL        (-3L)
#define TAPIERR_INVALDESTADDRESS        (-4L)
#define TAPIERR_INVALWINDOWHANDLE       (-5L)
#define TAPIERR_INVALDEVICECLASS        (-6L)
#define TAPIERR_INVALDEVICEID           (-7L)
#define TAPIERR_DEVICECLASSUNAVAIL      (-8L)
#define TAPIERR_DEVICEIDUNAVAIL         (-9L)
#define TAPIERR_DEVICEINUSE             (-10L)
#define TAPIERR_DESTBUSY                (-11L)
#define TAPIERR_DESTNOANSWER            (-12L)
#define TAPIERR_DESTUNAVAIL             (-13L)
#define TAPIERR_UNKNOWNWINHANDLE        (-14L)
#define TAPIERR_UNKNOWNREQUESTID        (-15L)
#define TAPIERR_REQUESTFAILED           (-16L)
#define TAPIERR_REQUESTCANCELLED        (-17L)
#define TAPIERR_INVALPOINTER            (-18L)
#define TAPIERR_NOTADMIN                (-19L)
#define TAPIERR_MMCWRITELOCKED          (-20L)
#define TAPIERR_PROVIDERALREADYINSTALLED (-21L)
#define TAPIERR_SCP_ALREADY_EXISTS      (-22L)
#define TAPIERR_SCP_DOES_NOT_EXIST      (-23L)

/* Sizes of the assisted-telephony request buffers (LINEREQMAKECALL, ...)
 * and of tapiGetLocationInfo's output strings. */
#define TAPIMAXDESTADDRESSSIZE          80
#define TAPIMAXAPPNAMESIZE              40
#define TAPIMAXCALLEDPARTYSIZE          40
#define TAPIMAXCOMMENTSIZE              80
#define TAPIMAXDEVICECLASSSIZE          40
#define TAPIMAXDEVICEIDSIZE             40

/* ======================================================================
 * Initialization and opening
 * ====================================================================== */

/* LINEINITIALIZEEXPARAMS.dwOptions: how messages reach the application. */
#define LINEINITIALIZEEXOPTION_USEHIDDENWINDOW   0x00000001 /* callback */
#define LINEINITIALIZEEXOPTION_USEEVENT          0x00000002 /* lineGetMessage */
#define LINEINITIALIZEEXOPTION_USECOMPLETIONPORT 0x00000003 /* refused */
#define LINEINITIALIZEEXOPTION_CALLHUBTRACKING   0x80000000 /* TAPI 3.0 flag */

/* lineOpen dwPrivileges flags, OR'ed with a LINECALLPRIVILEGE_ value. */
#define LINEOPENOPTION_SINGLEADDRESS    0x80000000
#define LINEOPENOPTION_PROXY            0x40000000

/* lineOpen dwDeviceID that asks TAPI to pick a suitable line. */
#define LINEMAPPER                      0xFFFFFFFF

/* LINECALLHUBTRACKINGINFO (TAPI 3.0). */
#define LINECALLHUBTRACKING_NONE          0x00000000
#define LINECALLHUBTRACKING_PROVIDERLEVEL 0x00000001
#define LINECALLHUBTRACKING_ALLCALLS      0x00000002

/* ======================================================================
 * Call states and the mode that comes with each (LINE_CALLSTATE
 * dwParam1/dwParam2, LINECALLSTATUS dwCallState/dwCallStateMode)
 * ====================================================================== */

#define LINECALLSTATE_IDLE               0x00000001
#define LINECALLSTATE_OFFERING           0x00000002
#define LINECALLSTATE_ACCEPTED           0x00000004
#define LINECALLSTATE_DIALTONE           0x00000008
#define LINECALLSTATE_DIALING            0x00000010
#define LINECALLSTATE_RINGBACK           0x00000020
#define LINECALLSTATE_BUSY               0x00000040
#define LINECALLSTATE_SPECIALINFO        0x00000080
#define LINECALLSTATE_CONNECTED          0x00000100
#define LINECALLSTATE_PROCEEDING         0x00000200
#define LINECALLSTATE_ONHOLD             0x00000400
#define LINECALLSTATE_CONFERENCED        0x00000800
#define LINECALLSTATE_ONHOLDPENDCONF     0x00001000
#define LINECALLSTATE_ONHOLDPENDTRANSFER 0x00002000
#define LINECALLSTATE_DISCONNECTED       0x00004000
#define LINECALLSTATE_UNKNOWN            0x00008000

/* Mode of OFFERING (TAPI 2.0). */
#define LINEOFFERINGMODE_ACTIVE         0x00000001
#define LINEOFFERINGMODE_INACTIVE       0x00000002

/* Mode of DIALTONE. */
#define LINEDIALTONEMODE_NORMAL         0x00000001
#define LINEDIALTONEMODE_SPECIAL        0x00000002
#define LINEDIALTONEMODE_INTERNAL       0x00000004
#define LINEDIALTONEMODE_EXTERNAL       0x00000008
#define LINEDIALTONEMODE_UNKNOWN        0x00000010
#define LINEDIALTONEMODE_UNAVAIL        0x00000020

/* Mode of BUSY. */
#define LINEBUSYMODE_STATION            0x00000001
#define LINEBUSYMODE_TRUNK              0x00000002
#define LINEBUSYMODE_UNKNOWN            0x00000004
#define LINEBUSYMODE_UNAVAIL            0x00000008

/* Mode of SPECIALINFO. */
#define LINESPECIALINFO_NOCIRCUIT       0x00000001
#define LINESPECIALINFO_CUSTIRREG       0x00000002
#define LINESPECIALINFO_REORDER         0x00000004
#define LINESPECIALINFO_UNKNOWN         0x00000008
#define LINESPECIALINFO_UNAVAIL         0x00000010

/* Mode of CONNECTED (TAPI 2.0); 0 means ACTIVE.  INACTIVE: the call is up
 * at another station of a shared address but not at this one. */
#define LINECONNECTEDMODE_ACTIVE        0x00000001
#define LINECONNECTEDMODE_INACTIVE      0x00000002
#define LINECONNECTEDMODE_ACTIVEHELD    0x00000004
#define LINECONNECTEDMODE_INACTIVEHELD  0x00000008
#define LINECONNECTEDMODE_CONFIRMED     0x00000010

/* Mode of DISCONNECTED.  The high 16 bits are device specific.  A mode
 * newer than the negotiated API version is never reported. */
#define LINEDISCONNECTMODE_NORMAL       0x00000001
#define LINEDISCONNECTMODE_UNKNOWN      0x00000002
#define LINEDISCONNECTMODE_REJECT       0x00000004
#define LINEDISCONNECTMODE_PICKUP       0x00000008
#define LINEDISCONNECTMODE_FORWARDED    0x00000010
#define LINEDISCONNECTMODE_BUSY         0x00000020
#define LINEDISCONNECTMODE_NOANSWER     0x00000040
#define LINEDISCONNECTMODE_BADADDRESS   0x00000080
#define LINEDISCONNECTMODE_UNREACHABLE  0x00000100
#define LINEDISCONNECTMODE_CONGESTION   0x00000200
#define LINEDISCONNECTMODE_INCOMPATIBLE 0x00000400
#define LINEDISCONNECTMODE_UNAVAIL      0x00000800
#define LINEDISCONNECTMODE_NODIALTONE   0x00001000 /* TAPI 1.4 */
/* TAPI 2.0 */
#define LINEDISCONNECTMODE_NUMBERCHANGED 0x00002000
#define LINEDISCONNECTMODE_OUTOFORDER   0x00004000
#define LINEDISCONNECTMODE_TEMPFAILURE  0x00008000
#define LINEDISCONNECTMODE_QOSUNAVAIL   0x00010000
#define LINEDISCONNECTMODE_BLOCKED      0x00020000
#define LINEDISCONNECTMODE_DONOTDISTURB 0x00040000
#define LINEDISCONNECTMODE_CANCELLED    0x00080000
/* TAPI 3.1 (Windows SDK; absent from the mingw-w64 and Wine headers) */
#define LINEDISCONNECTMODE_DESTINATIONBARRED 0x00100000
#define LINEDISCONNECTMODE_FDNRESTRICT  0x00200000

/* ======================================================================
 * Call privileges and selection
 * ====================================================================== */

/* An application's rights on a call (LINE_CALLSTATE dwParam3,
 * LINECALLSTATUS.dwCallPrivilege), and lineOpen's dwPrivileges. */
#define LINECALLPRIVILEGE_NONE          0x00000001
#define LINECALLPRIVILEGE_MONITOR       0x00000002
#define LINECALLPRIVILEGE_OWNER         0x00000004

/* Which calls a function selects (lineGetNewCalls dwSelect, ...). */
#define LINECALLSELECT_LINE             0x00000001
#define LINECALLSELECT_ADDRESS          0x00000002
#define LINECALLSELECT_CALL             0x00000004
#define LINECALLSELECT_DEVICEID         0x00000008 /* TAPI 3.0 */
#define LINECALLSELECT_CALLID           0x00000010 /* TAPI 3.0 */

/* ======================================================================
 * Call information (LINECALLINFO members and LINE_CALLINFO)
 * ====================================================================== */

/* LINE_CALLINFO dwParam1: which LINECALLINFO members changed. */
#define LINECALLINFOSTATE_OTHER         0x00000001
#define LINECALLINFOSTATE_DEVSPECIFIC   0x00000002
#define LINECALLINFOSTATE_BEARERMODE    0x00000004
#define LINECALLINFOSTATE_RATE          0x00000008
#define LINECALLINFOSTATE_MEDIAMODE     0x00000010
#define LINECALLINFOSTATE_APPSPECIFIC   0x00000020
#define LINECALLINFOSTATE_CALLID        0x00000040
#define LINECALLINFOSTATE_RELATEDCALLID 0x00000080
#define LINECALLINFOSTATE_ORIGIN        0x00000100
#define LINECALLINFOSTATE_REASON        0x00000200
#define LINECALLINFOSTATE_COMPLETIONID  0x00000400
#define LINECALLINFOSTATE_NUMOWNERINCR  0x00000800
#define LINECALLINFOSTATE_NUMOWNERDECR  0x00001000
#define LINECALLINFOSTATE_NUMMONITORS   0x00002000
#define LINECALLINFOSTATE_TRUNK         0x00004000
#define LINECALLINFOSTATE_CALLERID      0x00008000
#define LINECALLINFOSTATE_CALLEDID      0x00010000
#define LINECALLINFOSTATE_CONNECTEDID   0x00020000
#define LINECALLINFOSTATE_REDIRECTIONID 0x00040000
#define LINECALLINFOSTATE_REDIRECTINGID 0x00080000
#define LINECALLINFOSTATE_DISPLAY       0x00100000
#define LINECALLINFOSTATE_USERUSERINFO  0x00200000
#define LINECALLINFOSTATE_HIGHLEVELCOMP 0x00400000
#define LINECALLINFOSTATE_LOWLEVELCOMP  0x00800000
#define LINECALLINFOSTATE_CHARGINGINFO  0x01000000
#define LINECALLINFOSTATE_TERMINAL      0x02000000
#define LINECALLINFOSTATE_DIALPARAMS    0x04000000
#define LINECALLINFOSTATE_MONITORMODES  0x08000000
#define LINECALLINFOSTATE_TREATMENT     0x10000000 /* TAPI 2.0 */
#define LINECALLINFOSTATE_QOS           0x20000000 /* TAPI 2.0 */
#define LINECALLINFOSTATE_CALLDATA      0x40000000 /* TAPI 2.0 */

/* dw...IDFlags: what is known of a party's identity. */
#define LINECALLPARTYID_BLOCKED         0x00000001
#define LINECALLPARTYID_OUTOFAREA       0x00000002
#define LINECALLPARTYID_NAME            0x00000004
#define LINECALLPARTYID_ADDRESS         0x00000008
#define LINECALLPARTYID_PARTIAL         0x00000010
#define LINECALLPARTYID_UNKNOWN         0x00000020
#define LINECALLPARTYID_UNAVAIL         0x00000040

/* dwOrigin. */
#define LINECALLORIGIN_OUTBOUND         0x00000001
#define LINECALLORIGIN_INTERNAL         0x00000002
#define LINECALLORIGIN_EXTERNAL         0x00000004
#define LINECALLORIGIN_UNKNOWN          0x00000010
#define LINECALLORIGIN_UNAVAIL          0x00000020
#define LINECALLORIGIN_CONFERENCE       0x00000040
#define LINECALLORIGIN_INBOUND          0x00000080 /* TAPI 1.4 */

/* dwReason. */
#define LINECALLREASON_DIRECT           0x00000001
#define LINECALLREASON_FWDBUSY          0x00000002
#define LINECALLREASON_FWDNOANSWER      0x00000004
#define LINECALLREASON_FWDUNCOND        0x00000008
#define LINECALLREASON_PICKUP           0x00000010
#define LINECALLREASON_UNPARK           0x00000020
#define LINECALLREASON_REDIRECT         0x00000040
#define LINECALLREASON_CALLCOMPLETION   0x00000080
#define LINECALLREASON_TRANSFER         0x00000100
#define LINECALLREASON_REMINDER         0x00000200
#define LINECALLREASON_UNKNOWN          0x00000400
#define LINECALLREASON_UNAVAIL          0x00000800
#define LINECALLREASON_INTRUDE          0x00001000 /* TAPI 1.4 */
#define LINECALLREASON_PARKED           0x00002000 /* TAPI 1.4 */
#define LINECALLREASON_CAMPEDON         0x00004000 /* TAPI 2.0 */
#define LINECALLREASON_ROUTEREQUEST     0x00008000 /* TAPI 2.0 */

/* LINECALLPARAMS/LINECALLINFO dwCallParamFlags. */
#define LINECALLPARAMFLAGS_SECURE           0x00000001
#define LINECALLPARAMFLAGS_IDLE             0x00000002
#define LINECALLPARAMFLAGS_BLOCKID          0x00000004
#define LINECALLPARAMFLAGS_ORIGOFFHOOK      0x00000008
#define LINECALLPARAMFLAGS_DESTOFFHOOK      0x00000010
#define LINECALLPARAMFLAGS_NOHOLDCONFERENCE 0x00000020 /* TAPI 2.0 */
#define LINECALLPARAMFLAGS_PREDICTIVEDIAL   0x00000040 /* TAPI 2.0 */
#define LINECALLPARAMFLAGS_ONESTEPTRANSFER  0x00000080 /* TAPI 2.0 */

/* dwCallTreatment (TAPI 2.0). */
#define LINECALLTREATMENT_SILENCE       0x00000001
#define LINECALLTREATMENT_RINGBACK      0x00000002
#define LINECALLTREATMENT_BUSY          0x00000003
#define LINECALLTREATMENT_MUSIC         0x00000004

/* dw...AddressType (TAPI 3.0). */
#define LINEADDRESSTYPE_PHONENUMBER     0x00000001
#define LINEADDRESSTYPE_SDP             0x00000002
#define LINEADDRESSTYPE_EMAILNAME       0x00000004
#define LINEADDRESSTYPE_DOMAINNAME      0x00000008
#define LINEADDRESSTYPE_IPADDRESS       0x00000010

/* ======================================================================
 * Features: what can be done now (status) or at all (caps)
 * ====================================================================== */

/* LINECALLSTATUS/LINEADDRESSCAPS dwCallFeatures. */
#define LINECALLFEATURE_ACCEPT              0x00000001
#define LINECALLFEATURE_ADDTOCONF           0x00000002
#define LINECALLFEATURE_ANSWER              0x00000004
#define LINECALLFEATURE_BLINDTRANSFER       0x00000008
#define LINECALLFEATURE_COMPLETECALL        0x00000010
#define LINECALLFEATURE_COMPLETETRANSF      0x00000020
#define LINECALLFEATURE_DIAL                0x00000040
#define LINECALLFEATURE_DROP                0x00000080
#define LINECALLFEATURE_GATHERDIGITS        0x00000100
#define LINECALLFEATURE_GENERATEDIGITS      0x00000200
#define LINECALLFEATURE_GENERATETONE        0x00000400
#define LINECALLFEATURE_HOLD                0x00000800
#define LINECALLFEATURE_MONITORDIGITS       0x00001000
#define LINECALLFEATURE_MONITORMEDIA        0x00002000
#define LINECALLFEATURE_MONITORTONES        0x00004000
#define LINECALLFEATURE_PARK                0x00008000
#define LINECALLFEATURE_PREPAREADDCONF      0x00010000
#define LINECALLFEATURE_REDIRECT            0x00020000
#define LINECALLFEATURE_REMOVEFROMCONF      0x00040000
#define LINECALLFEATURE_SECURECALL          0x00080000
#define LINECALLFEATURE_SENDUSERUSER        0x00100000
#define LINECALLFEATURE_SETCALLPARAMS       0x00200000
#define LINECALLFEATURE_SETMEDIACONTROL     0x00400000
#define LINECALLFEATURE_SETTERMINAL         0x00800000
#define LINECALLFEATURE_SETUPCONF           0x01000000
#define LINECALLFEATURE_SETUPTRANSFER       0x02000000
#define LINECALLFEATURE_SWAPHOLD            0x04000000
#define LINECALLFEATURE_UNHOLD              0x08000000
#define LINECALLFEATURE_RELEASEUSERUSERINFO 0x10000000 /* TAPI 1.4 */
#define LINECALLFEATURE_SETTREATMENT        0x20000000 /* TAPI 2.0 */
#define LINECALLFEATURE_SETQOS              0x40000000 /* TAPI 2.0 */
#define LINECALLFEATURE_SETCALLDATA         0x80000000 /* TAPI 2.0 */

/* dwCallFeatures2 (TAPI 2.0). */
#define LINECALLFEATURE2_NOHOLDCONFERENCE   0x00000001
#define LINECALLFEATURE2_ONESTEPTRANSFER    0x00000002
#define LINECALLFEATURE2_COMPLCAMPON        0x00000004
#define LINECALLFEATURE2_COMPLCALLBACK      0x00000008
#define LINECALLFEATURE2_COMPLINTRUDE       0x00000010
#define LINECALLFEATURE2_COMPLMESSAGE       0x00000020
#define LINECALLFEATURE2_TRANSFERNORM       0x00000040
#define LINECALLFEATURE2_TRANSFERCONF       0x00000080
#define LINECALLFEATURE2_PARKDIRECT         0x00000100
#define LINECALLFEATURE2_PARKNONDIRECT      0x00000200

/* LINEADDRESSSTATUS/LINEADDRESSCAPS dwAddressFeatures. */
#define LINEADDRFEATURE_FORWARD             0x00000001
#define LINEADDRFEATURE_MAKECALL            0x00000002
#define LINEADDRFEATURE_PICKUP              0x00000004
#define LINEADDRFEATURE_SETMEDIACONTROL     0x00000008
#define LINEADDRFEATURE_SETTERMINAL         0x00000010
#define LINEADDRFEATURE_SETUPCONF           0x00000020
#define LINEADDRFEATURE_UNCOMPLETECALL      0x00000040
#define LINEADDRFEATURE_UNPARK              0x00000080
#define LINEADDRFEATURE_PICKUPHELD          0x00000100 /* TAPI 2.0 */
#define LINEADDRFEATURE_PICKUPGROUP         0x00000200 /* TAPI 2.0 */
#define LINEADDRFEATURE_PICKUPDIRECT        0x00000400 /* TAPI 2.0 */
#define LINEADDRFEATURE_PICKUPWAITING       0x00000800 /* TAPI 2.0 */
#define LINEADDRFEATURE_FORWARDFWD          0x00001000 /* TAPI 2.0 */
#define LINEADDRFEATURE_FORWARDDND          0x00002000 /* TAPI 2.0 */

/* LINEDEVSTATUS/LINEDEVCAPS dwLineFeatures. */
#define LINEFEATURE_DEVSPECIFIC             0x00000001
#define LINEFEATURE_DEVSPECIFICFEAT         0x00000002
#define LINEFEATURE_FORWARD                 0x00000004
#define LINEFEATURE_MAKECALL                0x00000008
#define LINEFEATURE_SETMEDIACONTROL         0x00000010
#define LINEFEATURE_SETTERMINAL             0x00000020
#define LINEFEATURE_SETDEVSTATUS            0x00000040 /* TAPI 2.0 */
#define LINEFEATURE_FORWARDFWD              0x00000080 /* TAPI 2.0 */
#define LINEFEATURE_FORWARDDND              0x00000100 /* TAPI 2.0 */

/* ======================================================================
 * Addresses
 * ====================================================================== */

/* LINEADDRESSCAPS.dwAddrCapFlags. */
#define LINEADDRCAPFLAGS_FWDNUMRINGS        0x00000001
#define LINEADDRCAPFLAGS_PICKUPGROUPID      0x00000002
#define LINEADDRCAPFLAGS_SECURE             0x00000004
#define LINEADDRCAPFLAGS_BLOCKIDDEFAULT     0x00000008
#define LINEADDRCAPFLAGS_BLOCKIDOVERRIDE    0x00000010
#define LINEADDRCAPFLAGS_DIALED             0x00000020
#define LINEADDRCAPFLAGS_ORIGOFFHOOK        0x00000040
#define LINEADDRCAPFLAGS_DESTOFFHOOK        0x00000080
#define LINEADDRCAPFLAGS_FWDCONSULT         0x00000100
#define LINEADDRCAPFLAGS_SETUPCONFNULL      0x00000200
#define LINEADDRCAPFLAGS_AUTORECONNECT      0x00000400
#define LINEADDRCAPFLAGS_COMPLETIONID       0x00000800
#define LINEADDRCAPFLAGS_TRANSFERHELD       0x00001000
#define LINEADDRCAPFLAGS_TRANSFERMAKE       0x00002000
#define LINEADDRCAPFLAGS_CONFERENCEHELD     0x00004000
#define LINEADDRCAPFLAGS_CONFERENCEMAKE     0x00008000
#define LINEADDRCAPFLAGS_PARTIALDIAL        0x00010000
#define LINEADDRCAPFLAGS_FWDSTATUSVALID     0x00020000
#define LINEADDRCAPFLAGS_FWDINTEXTADDR      0x00040000
#define LINEADDRCAPFLAGS_FWDBUSYNAADDR      0x00080000
#define LINEADDRCAPFLAGS_ACCEPTTOALERT      0x00100000
#define LINEADDRCAPFLAGS_CONFDROP           0x00200000
#define LINEADDRCAPFLAGS_PICKUPCALLWAIT     0x00400000
/* TAPI 2.0 */
#define LINEADDRCAPFLAGS_PREDICTIVEDIALER   0x00800000
#define LINEADDRCAPFLAGS_QUEUE              0x01000000
#define LINEADDRCAPFLAGS_ROUTEPOINT         0x02000000
#define LINEADDRCAPFLAGS_HOLDMAKESNEW       0x04000000
#define LINEADDRCAPFLAGS_NOINTERNALCALLS    0x08000000
#define LINEADDRCAPFLAGS_NOEXTERNALCALLS    0x10000000
#define LINEADDRCAPFLAGS_SETCALLINGID       0x20000000
/* TAPI 2.2 and later */
#define LINEADDRCAPFLAGS_ACDGROUP           0x40000000
#define LINEADDRCAPFLAGS_NOPSTNADDRESSTRANSLATION 0x80000000

/* LINEADDRESSCAPS.dwAddressSharing. */
#define LINEADDRESSSHARING_PRIVATE          0x00000001
#define LINEADDRESSSHARING_BRIDGEDEXCL      0x00000002
#define LINEADDRESSSHARING_BRIDGEDNEW       0x00000004
#define LINEADDRESSSHARING_BRIDGEDSHARED    0x00000008
#define LINEADDRESSSHARING_MONITORED        0x00000010

/* LINE_ADDRESSSTATE dwParam2; lineSetStatusMessages dwAddressStates. */
#define LINEADDRESSSTATE_OTHER              0x00000001
#define LINEADDRESSSTATE_DEVSPECIFIC        0x00000002
#define LINEADDRESSSTATE_INUSEZERO          0x00000004
#define LINEADDRESSSTATE_INUSEONE           0x00000008
#define LINEADDRESSSTATE_INUSEMANY          0x00000010
#define LINEADDRESSSTATE_NUMCALLS           0x00000020
#define LINEADDRESSSTATE_FORWARD            0x00000040
#define LINEADDRESSSTATE_TERMINALS          0x00000080
#define LINEADDRESSSTATE_CAPSCHANGE         0x00000100 /* TAPI 1.4 */

/* How an address is named (lineGetAddressID dwAddressMode, LINECALLPARAMS). */
#define LINEADDRESSMODE_ADDRESSID           0x00000001
#define LINEADDRESSMODE_DIALABLEADDR        0x00000002

/* ======================================================================
 * Line devices
 * ====================================================================== */

/* LINEDEVCAPS.dwDevCapFlags. */
#define LINEDEVCAPFLAGS_CROSSADDRCONF       0x00000001
#define LINEDEVCAPFLAGS_HIGHLEVCOMP         0x00000002
#define LINEDEVCAPFLAGS_LOWLEVCOMP          0x00000004
#define LINEDEVCAPFLAGS_MEDIACONTROL        0x00000008
#define LINEDEVCAPFLAGS_MULTIPLEADDR        0x00000010
#define LINEDEVCAPFLAGS_CLOSEDROP           0x00000020
#define LINEDEVCAPFLAGS_DIALBILLING         0x00000040
#define LINEDEVCAPFLAGS_DIALQUIET           0x00000080
#define LINEDEVCAPFLAGS_DIALDIALTONE        0x00000100
/* TAPI 3.0 */
#define LINEDEVCAPFLAGS_MSP                 0x00000200
#define LINEDEVCAPFLAGS_CALLHUB             0x00000400
#define LINEDEVCAPFLAGS_CALLHUBTRACKING     0x00000800
#define LINEDEVCAPFLAGS_PRIVATEOBJECTS      0x00001000
#define LINEDEVCAPFLAGS_LOCAL               0x00002000

/* LINE_LINEDEVSTATE dwParam1; lineSetStatusMessages dwLineStates. */
#define LINEDEVSTATE_OTHER                  0x00000001
#define LINEDEVSTATE_RINGING                0x00000002
#define LINEDEVSTATE_CONNECTED              0x00000004
#define LINEDEVSTATE_DISCONNECTED           0x00000008
#define LINEDEVSTATE_MSGWAITON              0x00000010
#define LINEDEVSTATE_MSGWAITOFF             0x00000020
#define LINEDEVSTATE_INSERVICE              0x00000040
#define LINEDEVSTATE_OUTOFSERVICE           0x00000080
#define LINEDEVSTATE_MAINTENANCE            0x00000100
#define LINEDEVSTATE_OPEN                   0x00000200
#define LINEDEVSTATE_CLOSE                  0x00000400
#define LINEDEVSTATE_NUMCALLS               0x00000800
#define LINEDEVSTATE_NUMCOMPLETIONS         0x00001000
#define LINEDEVSTATE_TERMINALS              0x00002000
#define LINEDEVSTATE_ROAMMODE               0x00004000
#define LINEDEVSTATE_BATTERY                0x00008000
#define LINEDEVSTATE_SIGNAL                 0x00010000
#define LINEDEVSTATE_DEVSPECIFIC            0x00020000
#define LINEDEVSTATE_REINIT                 0x00040000
#define LINEDEVSTATE_LOCK                   0x00080000
#define LINEDEVSTATE_CAPSCHANGE             0x00100000 /* TAPI 1.4 */
#define LINEDEVSTATE_CONFIGCHANGE           0x00200000 /* TAPI 1.4 */
#define LINEDEVSTATE_TRANSLATECHANGE        0x00400000 /* TAPI 1.4 */
#define LINEDEVSTATE_COMPLCANCEL            0x00800000 /* TAPI 1.4 */
#define LINEDEVSTATE_REMOVED                0x01000000 /* TAPI 1.4 */

/* LINEDEVSTATUS.dwDevStatusFlags. */
#define LINEDEVSTATUSFLAGS_CONNECTED        0x00000001
#define LINEDEVSTATUSFLAGS_MSGWAIT          0x00000002
#define LINEDEVSTATUSFLAGS_INSERVICE        0x00000004
#define LINEDEVSTATUSFLAGS_LOCKED           0x00000008

/* LINEDEVSTATUS.dwRoamMode. */
#define LINEROAMMODE_UNKNOWN                0x00000001
#define LINEROAMMODE_UNAVAIL                0x00000002
#define LINEROAMMODE_HOME                   0x00000004
#define LINEROAMMODE_ROAMA                  0x00000008
#define LINEROAMMODE_ROAMB                  0x00000010

/* LINEDEVCAPS.dwAnswerMode: what answering does to a call already active. */
#define LINEANSWERMODE_NONE                 0x00000001
#define LINEANSWERMODE_DROP                 0x00000002
#define LINEANSWERMODE_HOLD                 0x00000004

/* dwStringFormat of LINEDEVCAPS and VARSTRING (no LINE prefix on Windows). */
#define STRINGFORMAT_ASCII                  0x00000001
#define STRINGFORMAT_DBCS                   0x00000002
#define STRINGFORMAT_UNICODE                0x00000003
#define STRINGFORMAT_BINARY                 0x00000004

/* ======================================================================
 * Media and bearer
 * ====================================================================== */

/* Media modes (lineOpen dwMediaModes, LINECALLINFO.dwMediaMode, ...). */
#define LINEMEDIAMODE_UNKNOWN               0x00000002
#define LINEMEDIAMODE_INTERACTIVEVOICE      0x00000004
#define LINEMEDIAMODE_AUTOMATEDVOICE        0x00000008
#define LINEMEDIAMODE_DATAMODEM             0x00000010
#define LINEMEDIAMODE_G3FAX                 0x00000020
#define LINEMEDIAMODE_TDD                   0x00000040
#define LINEMEDIAMODE_G4FAX                 0x00000080
#define LINEMEDIAMODE_DIGITALDATA           0x00000100
#define LINEMEDIAMODE_TELETEX               0x00000200
#define LINEMEDIAMODE_VIDEOTEX              0x00000400
#define LINEMEDIAMODE_TELEX                 0x00000800
#define LINEMEDIAMODE_MIXED                 0x00001000
#define LINEMEDIAMODE_ADSI                  0x00002000
#define LINEMEDIAMODE_VOICEVIEW             0x00004000 /* TAPI 1.4 */
#define LINEMEDIAMODE_VIDEO                 0x00008000 /* TAPI 3.0 */
#define LAST_LINEMEDIAMODE                  0x00008000

/* Bearer modes. */
#define LINEBEARERMODE_VOICE                0x00000001
#define LINEBEARERMODE_SPEECH               0x00000002
#define LINEBEARERMODE_MULTIUSE             0x00000004
#define LINEBEARERMODE_DATA                 0x00000008
#define LINEBEARERMODE_ALTSPEECHDATA        0x00000010
#define LINEBEARERMODE_NONCALLSIGNALING     0x00000020
#define LINEBEARERMODE_PASSTHROUGH          0x00000040 /* TAPI 1.4 */
#define LINEBEARERMODE_RESTRICTEDDATA       0x00000080 /* TAPI 2.0 */

/* lineSetMediaControl actions. */
#define LINEMEDIACONTROL_NONE               0x00000001
#define LINEMEDIACONTROL_START              0x00000002
#define LINEMEDIACONTROL_RESET              0x00000004
#define LINEMEDIACONTROL_PAUSE              0x00000008
#define LINEMEDIACONTROL_RESUME             0x00000010
#define LINEMEDIACONTROL_RATEUP             0x00000020
#define LINEMEDIACONTROL_RATEDOWN           0x00000040
#define LINEMEDIACONTROL_RATENORMAL         0x00000080
#define LINEMEDIACONTROL_VOLUMEUP           0x00000100
#define LINEMEDIACONTROL_VOLUMEDOWN         0x00000200
#define LINEMEDIACONTROL_VOLUMENORMAL       0x00000400

/* ======================================================================
 * Digits and tones
 * ====================================================================== */

#define LINEDIGITMODE_PULSE                 0x00000001
#define LINEDIGITMODE_DTMF                  0x00000002
#define LINEDIGITMODE_DTMFEND               0x00000004

/* LINE_GATHERDIGITS dwParam1: why gathering ended. */
#define LINEGATHERTERM_BUFFERFULL           0x00000001
#define LINEGATHERTERM_TERMDIGIT            0x00000002
#define LINEGATHERTERM_FIRSTTIMEOUT         0x00000004
#define LINEGATHERTERM_INTERTIMEOUT         0x00000008
#define LINEGATHERTERM_CANCEL               0x00000010

/* LINE_GENERATE dwParam1: why generation ended. */
#define LINEGENERATETERM_DONE               0x00000001
#define LINEGENERATETERM_CANCEL             0x00000002

#define LINETONEMODE_CUSTOM                 0x00000001
#define LINETONEMODE_RINGBACK               0x00000002
#define LINETONEMODE_BUSY                   0x00000004
#define LINETONEMODE_BEEP                   0x00000008
#define LINETONEMODE_BILLING                0x00000010

/* ======================================================================
 * Conference, transfer, park, forwarding, call completion
 * ====================================================================== */

/* LINEADDRESSCAPS.dwRemoveFromConfCaps. */
#define LINEREMOVEFROMCONF_NONE             0x00000001
#define LINEREMOVEFROMCONF_LAST             0x00000002
#define LINEREMOVEFROMCONF_ANY              0x00000003

/* lineCompleteTransfer dwTransferMode. */
#define LINETRANSFERMODE_TRANSFER           0x00000001
#define LINETRANSFERMODE_CONFERENCE         0x00000002

#define LINEPARKMODE_DIRECTED               0x00000001
#define LINEPARKMODE_NONDIRECTED            0x00000002

/* LINEFORWARD.dwForwardMode. */
#define LINEFORWARDMODE_UNCOND              0x00000001
#define LINEFORWARDMODE_UNCONDINTERNAL      0x00000002
#define LINEFORWARDMODE_UNCONDEXTERNAL      0x00000004
#define LINEFORWARDMODE_UNCONDSPECIFIC      0x00000008
#define LINEFORWARDMODE_BUSY                0x00000010
#define LINEFORWARDMODE_BUSYINTERNAL        0x00000020
#define LINEFORWARDMODE_BUSYEXTERNAL        0x00000040
#define LINEFORWARDMODE_BUSYSPECIFIC        0x00000080
#define LINEFORWARDMODE_NOANSW              0x00000100
#define LINEFORWARDMODE_NOANSWINTERNAL      0x00000200
#define LINEFORWARDMODE_NOANSWEXTERNAL      0x00000400
#define LINEFORWARDMODE_NOANSWSPECIFIC      0x00000800
#define LINEFORWARDMODE_BUSYNA              0x00001000
#define LINEFORWARDMODE_BUSYNAINTERNAL      0x00002000
#define LINEFORWARDMODE_BUSYNAEXTERNAL      0x00004000
#define LINEFORWARDMODE_BUSYNASPECIFIC      0x00008000
#define LINEFORWARDMODE_UNKNOWN             0x00010000 /* TAPI 1.4 */
#define LINEFORWARDMODE_UNAVAIL             0x00020000 /* TAPI 1.4 */

#define LINECALLCOMPLCOND_BUSY              0x00000001
#define LINECALLCOMPLCOND_NOANSWER          0x00000002

#define LINECALLCOMPLMODE_CAMPON            0x00000001
#define LINECALLCOMPLMODE_CALLBACK          0x00000002
#define LINECALLCOMPLMODE_INTRUDE           0x00000004
#define LINECALLCOMPLMODE_MESSAGE           0x00000008

/* ======================================================================
 * Terminals
 * ====================================================================== */

#define LINETERMDEV_PHONE                   0x00000001
#define LINETERMDEV_HEADSET                 0x00000002
#define LINETERMDEV_SPEAKER                 0x00000004

#define LINETERMMODE_BUTTONS                0x00000001
#define LINETERMMODE_LAMPS                  0x00000002
#define LINETERMMODE_DISPLAY                0x00000004
#define LINETERMMODE_RINGER                 0x00000008
#define LINETERMMODE_HOOKSWITCH             0x00000010
#define LINETERMMODE_MEDIATOLINE            0x00000020
#define LINETERMMODE_MEDIAFROMLINE          0x00000040
#define LINETERMMODE_MEDIABIDIRECT          0x00000080

#define LINETERMSHARING_PRIVATE             0x00000001
#define LINETERMSHARING_SHAREDEXCL          0x00000002
#define LINETERMSHARING_SHAREDCONF          0x00000004

/* ======================================================================
 * Not implemented by opentapi; the values are kept so that Windows code
 * using them compiles: assisted-telephony requests, dialing locations and
 * address translation, ACD agents and proxies.
 * ====================================================================== */

#define LINEREQUESTMODE_MAKECALL            0x00000001
#define LINEREQUESTMODE_MEDIACALL           0x00000002
#define LINEREQUESTMODE_DROP                0x00000004
#define LAST_LINEREQUESTMODE                LINEREQUESTMODE_MEDIACALL

#define LINECARDOPTION_PREDEFINED           0x00000001
#define LINECARDOPTION_HIDDEN               0x00000002

#define LINELOCATIONOPTION_PULSEDIAL        0x00000001

#define LINETOLLLISTOPTION_ADD              0x00000001
#define LINETOLLLISTOPTION_REMOVE           0x00000002

#define LINETRANSLATEOPTION_CARDOVERRIDE    0x00000001
#define LINETRANSLATEOPTION_CANCELCALLWAITING 0x00000002
#define LINETRANSLATEOPTION_FORCELOCAL      0x00000004
#define LINETRANSLATEOPTION_FORCELD         0x00000008

#define LINETRANSLATERESULT_CANONICAL       0x00000001
#define LINETRANSLATERESULT_INTERNATIONAL   0x00000002
#define LINETRANSLATERESULT_LONGDISTANCE    0x00000004
#define LINETRANSLATERESULT_LOCAL           0x00000008
#define LINETRANSLATERESULT_INTOLLLIST      0x00000010
#define LINETRANSLATERESULT_NOTINTOLLLIST   0x00000020
#define LINETRANSLATERESULT_DIALBILLING     0x00000040
#define LINETRANSLATERESULT_DIALQUIET       0x00000080
#define LINETRANSLATERESULT_DIALDIALTONE    0x00000100
#define LINETRANSLATERESULT_DIALPROMPT      0x00000200
#define LINETRANSLATERESULT_VOICEDETECT     0x00000400
#define LINETRANSLATERESULT_NOTRANSLATION   0x00000800

#define LINEAGENTFEATURE_SETAGENTGROUP      0x00000001
#define LINEAGENTFEATURE_SETAGENTSTATE      0x00000002
#define LINEAGENTFEATURE_SETAGENTACTIVITY   0x00000004
#define LINEAGENTFEATURE_AGENTSPECIFIC      0x00000008
#define LINEAGENTFEATURE_GETAGENTACTIVITYLIST 0x00000010
#define LINEAGENTFEATURE_GETAGENTGROUP      0x00000020

#define LINEAGENTSTATE_LOGGEDOFF            0x00000001
#define LINEAGENTSTATE_NOTREADY             0x00000002
#define LINEAGENTSTATE_READY                0x00000004
#define LINEAGENTSTATE_BUSYACD              0x00000008
#define LINEAGENTSTATE_BUSYINCOMING         0x00000010
#define LINEAGENTSTATE_BUSYOUTBOUND         0x00000020
#define LINEAGENTSTATE_BUSYOTHER            0x00000040
#define LINEAGENTSTATE_WORKINGAFTERCALL     0x00000080
#define LINEAGENTSTATE_UNKNOWN              0x00000100
#define LINEAGENTSTATE_UNAVAIL              0x00000200

#define LINEAGENTSTATUS_GROUP               0x00000001
#define LINEAGENTSTATUS_STATE               0x00000002
#define LINEAGENTSTATUS_NEXTSTATE           0x00000004
#define LINEAGENTSTATUS_ACTIVITY            0x00000008
#define LINEAGENTSTATUS_ACTIVITYLIST        0x00000010
#define LINEAGENTSTATUS_GROUPLIST           0x00000020
#define LINEAGENTSTATUS_CAPSCHANGE          0x00000040
#define LINEAGENTSTATUS_VALIDSTATES         0x00000080
#define LINEAGENTSTATUS_VALIDNEXTSTATES     0x00000100

#define LINEAGENTSTATEEX_NOTREADY           0x00000001
#define LINEAGENTSTATEEX_READY              0x00000002
#define LINEAGENTSTATEEX_BUSYACD            0x00000004
#define LINEAGENTSTATEEX_BUSYINCOMING       0x00000008
#define LINEAGENTSTATEEX_BUSYOUTGOING       0x00000010
#define LINEAGENTSTATEEX_UNKNOWN            0x00000020
#define LINEAGENTSTATEEX_RELEASED           0x00000040

#define LINEAGENTSTATUSEX_NEWAGENT          0x00000001
#define LINEAGENTSTATUSEX_STATE             0x00000002
#define LINEAGENTSTATUSEX_UPDATEINFO        0x00000004

#define LINEAGENTSESSIONSTATE_NOTREADY      0x00000001
#define LINEAGENTSESSIONSTATE_READY         0x00000002
#define LINEAGENTSESSIONSTATE_BUSYONCALL    0x00000004
#define LINEAGENTSESSIONSTATE_BUSYWRAPUP    0x00000008
#define LINEAGENTSESSIONSTATE_ENDED         0x00000010
#define LINEAGENTSESSIONSTATE_RELEASED      0x00000020

#define LINEAGENTSESSIONSTATUS_NEWSESSION   0x00000001
#define LINEAGENTSESSIONSTATUS_STATE        0x00000002
#define LINEAGENTSESSIONSTATUS_UPDATEINFO   0x00000004

#define LINEQUEUESTATUS_UPDATEINFO          0x00000001
#define LINEQUEUESTATUS_NEWQUEUE            0x00000002
#define LINEQUEUESTATUS_QUEUEREMOVED        0x00000004

#define LINEGROUPSTATUS_NEWGROUP            0x00000001
#define LINEGROUPSTATUS_GROUPREMOVED        0x00000002

#define LINEPROXYSTATUS_OPEN                0x00000001
#define LINEPROXYSTATUS_CLOSE               0x00000002
#define LINEPROXYSTATUS_ALLOPENFORACD       0x00000004

#define LINEPROXYREQUEST_SETAGENTGROUP      0x00000001
#define LINEPROXYREQUEST_SETAGENTSTATE      0x00000002
#define LINEPROXYREQUEST_SETAGENTACTIVITY   0x00000003
#define LINEPROXYREQUEST_GETAGENTCAPS       0x00000004
#define LINEPROXYREQUEST_GETAGENTSTATUS     0x00000005
#define LINEPROXYREQUEST_AGENTSPECIFIC      0x00000006
#define LINEPROXYREQUEST_GETAGENTACTIVITYLIST 0x00000007
#define LINEPROXYREQUEST_GETAGENTGROUPLIST  0x00000008
#define LINEPROXYREQUEST_CREATEAGENT        0x00000009
#define LINEPROXYREQUEST_SETAGENTMEASUREMENTPERIOD 0x0000000A
#define LINEPROXYREQUEST_GETAGENTINFO       0x0000000B
#define LINEPROXYREQUEST_CREATEAGENTSESSION 0x0000000C
#define LINEPROXYREQUEST_GETAGENTSESSIONLIST 0x0000000D
#define LINEPROXYREQUEST_SETAGENTSESSIONSTATE 0x0000000E
#define LINEPROXYREQUEST_GETAGENTSESSIONINFO 0x0000000F
#define LINEPROXYREQUEST_GETQUEUELIST       0x00000010
#define LINEPROXYREQUEST_SETQUEUEMEASUREMENTPERIOD 0x00000011
#define LINEPROXYREQUEST_GETQUEUEINFO       0x00000012
#define LINEPROXYREQUEST_GETGROUPLIST       0x00000013
#define LINEPROXYREQUEST_SETAGENTSTATEEX    0x00000014

/* ======================================================================
 * Structures.  Packed to 1 byte, as Windows compiles them.  Each comment
 * names the version that added members beyond TAPI 1.0; the whole
 * structure up to its last (TAPI 3.x) member is always declared.
 * ====================================================================== */

#pragma pack(push, 1)

/* A variable-size result of unspecified type (string, binary, ...). */
typedef struct varstring_tag {
    DWORD dwTotalSize;
    DWORD dwNeededSize;
    DWORD dwUsedSize;
    DWORD dwStringFormat;           /* STRINGFORMAT_ */
    DWORD dwStringSize;
    DWORD dwStringOffset;
} VARSTRING, *LPVARSTRING;

/* Dialing timing, in milliseconds. */
typedef struct linedialparams_tag {
    DWORD dwDialPause;
    DWORD dwDialSpeed;
    DWORD dwDigitDuration;
    DWORD dwWaitForDialtone;
} LINEDIALPARAMS, *LPLINEDIALPARAMS;

/* Provider extension ID returned by lineNegotiateAPIVersion (all zero
 * for opentapi's providers). */
typedef struct lineextensionid_tag {
    DWORD dwExtensionID0;
    DWORD dwExtensionID1;
    DWORD dwExtensionID2;
    DWORD dwExtensionID3;
} LINEEXTENSIONID, *LPLINEEXTENSIONID;

/* lineInitializeEx options (TAPI 2.0).  With USEEVENT opentapi stores a
 * file descriptor in Handles.hEvent, as (HANDLE)(intptr_t)fd: it polls
 * readable while messages are queued.  It belongs to the library (do not
 * read from or close it) and is valid until lineShutdown. */
typedef struct lineinitializeexparams_tag {
    DWORD dwTotalSize;
    DWORD dwNeededSize;
    DWORD dwUsedSize;
    DWORD dwOptions;                /* LINEINITIALIZEEXOPTION_ */
    union {
        HANDLE hEvent;
        HANDLE hCompletionPort;
    } Handles;
    DWORD dwCompletionKey;
} LINEINITIALIZEEXPARAMS, *LPLINEINITIALIZEEXPARAMS;

/* One message, as lineGetMessage returns it (TAPI 2.0). */
typedef struct linemessage_tag {
    DWORD     hDevice;              /* HLINE or HCALL */
    DWORD     dwMessageID;          /* LINE_ */
    DWORD_PTR dwCallbackInstance;
    DWORD_PTR dwParam1;
    DWORD_PTR dwParam2;
    DWORD_PTR dwParam3;
} LINEMESSAGE, *LPLINEMESSAGE;

/* An application that has a line open (LINEDEVSTATUS.dwAppInfo..., 2.0). */
typedef struct lineappinfo_tag {
    DWORD dwMachineNameSize;
    DWORD dwMachineNameOffset;
    DWORD dwUserNameSize;
    DWORD dwUserNameOffset;
    DWORD dwModuleFilenameSize;
    DWORD dwModuleFilenameOffset;
    DWORD dwFriendlyNameSize;
    DWORD dwFriendlyNameOffset;
    DWORD dwMediaModes;
    DWORD dwAddressID;
} LINEAPPINFO, *LPLINEAPPINFO;

/* One terminal of a line (LINEDEVCAPS.dwTerminalCaps... array). */
typedef struct linetermcaps_tag {
    DWORD dwTermDev;                /* LINETERMDEV_ */
    DWORD dwTermModes;              /* LINETERMMODE_ */
    DWORD dwTermSharing;            /* LINETERMSHARING_ */
} LINETERMCAPS, *LPLINETERMCAPS;

/* Capabilities of a line device (lineGetDevCaps). */
typedef struct linedevcaps_tag {
    DWORD dwTotalSize;
    DWORD dwNeededSize;
    DWORD dwUsedSize;
    DWORD dwProviderInfoSize;
    DWORD dwProviderInfoOffset;
    DWORD dwSwitchInfoSize;
    DWORD dwSwitchInfoOffset;
    DWORD dwPermanentLineID;
    DWORD dwLineNameSize;
    DWORD dwLineNameOffset;
    DWORD dwStringFormat;           /* STRINGFORMAT_ */
    DWORD dwAddressModes;           /* LINEADDRESSMODE_ */
    DWORD dwNumAddresses;
    DWORD dwBearerModes;            /* LINEBEARERMODE_ */
    DWORD dwMaxRate;
    DWORD dwMediaModes;             /* LINEMEDIAMODE_ */
    DWORD dwGenerateToneModes;
    DWORD dwGenerateToneMaxNumFreq;
    DWORD dwGenerateDigitModes;
    DWORD dwMonitorToneMaxNumFreq;
    DWORD dwMonitorToneMaxNumEntries;
    DWORD dwMonitorDigitModes;
    DWORD dwGatherDigitsMinTimeout;
    DWORD dwGatherDigitsMaxTimeout;
    DWORD dwMedCtlDigitMaxListSize;
    DWORD dwMedCtlMediaMaxListSize;
    DWORD dwMedCtlToneMaxListSize;
    DWORD dwMedCtlCallStateMaxListSize;
    DWORD dwDevCapFlags;            /* LINEDEVCAPFLAGS_ */
    DWORD dwMaxNumActiveCalls;
    DWORD dwAnswerMode;             /* LINEANSWERMODE_ */
    DWORD dwRingModes;
    DWORD dwLineStates;             /* LINEDEVSTATE_ */
    /* Largest UUI, in bytes, per operation (0: not supported). */
    DWORD dwUUIAcceptSize;          /* lineAccept */
    DWORD dwUUIAnswerSize;          /* lineAnswer */
    DWORD dwUUIMakeCallSize;        /* lineMakeCall (LINECALLPARAMS) */
    DWORD dwUUIDropSize;            /* lineDrop */
    DWORD dwUUISendUserUserInfoSize; /* lineSendUserUserInfo */
    DWORD dwUUICallInfoSize;        /* received, kept in LINECALLINFO */
    LINEDIALPARAMS MinDialParams;
    LINEDIALPARAMS MaxDialParams;
    LINEDIALPARAMS DefaultDialParams;
    DWORD dwNumTerminals;
    DWORD dwTerminalCapsSize;       /* LINETERMCAPS array */
    DWORD dwTerminalCapsOffset;
    DWORD dwTerminalTextEntrySize;
    DWORD dwTerminalTextSize;
    DWORD dwTerminalTextOffset;
    DWORD dwDevSpecificSize;
    DWORD dwDevSpecificOffset;
    DWORD dwLineFeatures;           /* 1.4: LINEFEATURE_ */
    DWORD dwSettableDevStatus;      /* 2.0 */
    DWORD dwDeviceClassesSize;      /* 2.0 */
    DWORD dwDeviceClassesOffset;    /* 2.0 */
    GUID  PermanentLineGuid;        /* 2.2 */
    DWORD dwAddressTypes;           /* 3.0: LINEADDRESSTYPE_ */
    GUID  ProtocolGuid;             /* 3.0 */
    DWORD dwAvailableTracking;      /* 3.0 */
} LINEDEVCAPS, *LPLINEDEVCAPS;

/* Current state of a line device (lineGetLineDevStatus). */
typedef struct linedevstatus_tag {
    DWORD dwTotalSize;
    DWORD dwNeededSize;
    DWORD dwUsedSize;
    DWORD dwNumOpens;
    DWORD dwOpenMediaModes;
    DWORD dwNumActiveCalls;
    DWORD dwNumOnHoldCalls;
    DWORD dwNumOnHoldPendCalls;
    DWORD dwLineFeatures;           /* LINEFEATURE_ */
    DWORD dwNumCallCompletions;
    DWORD dwRingMode;
    DWORD dwSignalLevel;
    DWORD dwBatteryLevel;
    DWORD dwRoamMode;               /* LINEROAMMODE_ */
    DWORD dwDevStatusFlags;         /* LINEDEVSTATUSFLAGS_ */
    DWORD dwTerminalModesSize;
    DWORD dwTerminalModesOffset;
    DWORD dwDevSpecificSize;
    DWORD dwDevSpecificOffset;
    DWORD dwAvailableMediaModes;    /* 2.0 */
    DWORD dwAppInfoSize;            /* 2.0: LINEAPPINFO array */
    DWORD dwAppInfoOffset;          /* 2.0 */
} LINEDEVSTATUS, *LPLINEDEVSTATUS;

/* One call treatment (LINEADDRESSCAPS.dwCallTreatmentList..., 2.0). */
typedef struct linecalltreatmententry_tag {
    DWORD dwCallTreatmentID;        /* LINECALLTREATMENT_ */
    DWORD dwCallTreatmentNameSize;
    DWORD dwCallTreatmentNameOffset;
} LINECALLTREATMENTENTRY, *LPLINECALLTREATMENTENTRY;

/* Capabilities of one address of a line (lineGetAddressCaps). */
typedef struct lineaddresscaps_tag {
    DWORD dwTotalSize;
    DWORD dwNeededSize;
    DWORD dwUsedSize;
    DWORD dwLineDeviceID;
    DWORD dwAddressSize;
    DWORD dwAddressOffset;
    DWORD dwDevSpecificSize;
    DWORD dwDevSpecificOffset;
    DWORD dwAddressSharing;         /* LINEADDRESSSHARING_ */
    DWORD dwAddressStates;          /* LINEADDRESSSTATE_ */
    DWORD dwCallInfoStates;         /* LINECALLINFOSTATE_ */
    DWORD dwCallerIDFlags;          /* LINECALLPARTYID_ */
    DWORD dwCalledIDFlags;
    DWORD dwConnectedIDFlags;
    DWORD dwRedirectionIDFlags;
    DWORD dwRedirectingIDFlags;
    DWORD dwCallStates;             /* LINECALLSTATE_ */
    DWORD dwDialToneModes;
    DWORD dwBusyModes;
    DWORD dwSpecialInfo;
    DWORD dwDisconnectModes;
    DWORD dwMaxNumActiveCalls;
    DWORD dwMaxNumOnHoldCalls;
    DWORD dwMaxNumOnHoldPendingCalls;
    DWORD dwMaxNumConference;
    DWORD dwMaxNumTransConf;
    DWORD dwAddrCapFlags;           /* LINEADDRCAPFLAGS_ */
    DWORD dwCallFeatures;           /* LINECALLFEATURE_ */
    DWORD dwRemoveFromConfCaps;     /* LINEREMOVEFROMCONF_ */
    DWORD dwRemoveFromConfState;    /* LINECALLSTATE_ */
    DWORD dwTransferModes;
    DWORD dwParkModes;
    DWORD dwForwardModes;
    DWORD dwMaxForwardEntries;
    DWORD dwMaxSpecificEntries;
    DWORD dwMinFwdNumRings;
    DWORD dwMaxFwdNumRings;
    DWORD dwMaxCallCompletions;
    DWORD dwCallCompletionConds;
    DWORD dwCallCompletionModes;
    DWORD dwNumCompletionMessages;
    DWORD dwCompletionMsgTextEntrySize;
    DWORD dwCompletionMsgTextSize;
    DWORD dwCompletionMsgTextOffset;
    DWORD dwAddressFeatures;        /* 1.4: LINEADDRFEATURE_ */
    DWORD dwPredictiveAutoTransferStates; /* 2.0 */
    DWORD dwNumCallTreatments;      /* 2.0 */
    DWORD dwCallTreatmentListSize;  /* 2.0: LINECALLTREATMENTENTRY array */
    DWORD dwCallTreatmentListOffset; /* 2.0 */
    DWORD dwDeviceClassesSize;      /* 2.0 */
    DWORD dwDeviceClassesOffset;    /* 2.0 */
    DWORD dwMaxCallDataSize;        /* 2.0 */
    DWORD dwCallFeatures2;          /* 2.0: LINECALLFEATURE2_ */
    DWORD dwMaxNoAnswerTimeout;     /* 2.0 */
    DWORD dwConnectedModes;         /* 2.0: LINECONNECTEDMODE_ */
    DWORD dwOfferingModes;          /* 2.0: LINEOFFERINGMODE_ */
    DWORD dwAvailableMediaModes;    /* 2.0 */
} LINEADDRESSCAPS, *LPLINEADDRESSCAPS;

/* Current state of one address (lineGetAddressStatus). */
typedef struct lineaddressstatus_tag {
    DWORD dwTotalSize;
    DWORD dwNeededSize;
    DWORD dwUsedSize;
    DWORD dwNumInUse;
    DWORD dwNumActiveCalls;
    DWORD dwNumOnHoldCalls;
    DWORD dwNumOnHoldPendCalls;
    DWORD dwAddressFeatures;        /* LINEADDRFEATURE_ */
    DWORD dwNumRingsNoAnswer;
    DWORD dwForwardNumEntries;
    DWORD dwForwardSize;            /* LINEFORWARD array */
    DWORD dwForwardOffset;
    DWORD dwTerminalModesSize;
    DWORD dwTerminalModesOffset;
    DWORD dwDevSpecificSize;
    DWORD dwDevSpecificOffset;
} LINEADDRESSSTATUS, *LPLINEADDRESSSTATUS;

/* Parameters of a new call (lineMakeCall, lineOpen, ...).  The UUI sent
 * with lineMakeCall is dwUserUserInfoSize bytes at dwUserUserInfoOffset. */
typedef struct linecallparams_tag {
    DWORD dwTotalSize;
    DWORD dwBearerMode;             /* LINEBEARERMODE_ */
    DWORD dwMinRate;
    DWORD dwMaxRate;
    DWORD dwMediaMode;              /* LINEMEDIAMODE_ */
    DWORD dwCallParamFlags;         /* LINECALLPARAMFLAGS_ */
    DWORD dwAddressMode;            /* LINEADDRESSMODE_ */
    DWORD dwAddressID;
    LINEDIALPARAMS DialParams;
    DWORD dwOrigAddressSize;
    DWORD dwOrigAddressOffset;
    DWORD dwDisplayableAddressSize;
    DWORD dwDisplayableAddressOffset;
    DWORD dwCalledPartySize;
    DWORD dwCalledPartyOffset;
    DWORD dwCommentSize;
    DWORD dwCommentOffset;
    DWORD dwUserUserInfoSize;
    DWORD dwUserUserInfoOffset;
    DWORD dwHighLevelCompSize;
    DWORD dwHighLevelCompOffset;
    DWORD dwLowLevelCompSize;
    DWORD dwLowLevelCompOffset;
    DWORD dwDevSpecificSize;
    DWORD dwDevSpecificOffset;
    DWORD dwPredictiveAutoTransferStates; /* 2.0 */
    DWORD dwTargetAddressSize;      /* 2.0 */
    DWORD dwTargetAddressOffset;    /* 2.0 */
    DWORD dwSendingFlowspecSize;    /* 2.0 */
    DWORD dwSendingFlowspecOffset;  /* 2.0 */
    DWORD dwReceivingFlowspecSize;  /* 2.0 */
    DWORD dwReceivingFlowspecOffset; /* 2.0 */
    DWORD dwDeviceClassSize;        /* 2.0 */
    DWORD dwDeviceClassOffset;      /* 2.0 */
    DWORD dwDeviceConfigSize;       /* 2.0 */
    DWORD dwDeviceConfigOffset;     /* 2.0 */
    DWORD dwCallDataSize;           /* 2.0 */
    DWORD dwCallDataOffset;         /* 2.0 */
    DWORD dwNoAnswerTimeout;        /* 2.0 */
    DWORD dwCallingPartyIDSize;     /* 2.0 */
    DWORD dwCallingPartyIDOffset;   /* 2.0 */
    DWORD dwAddressType;            /* 3.0: LINEADDRESSTYPE_ */
} LINECALLPARAMS, *LPLINECALLPARAMS;

/* Mostly fixed information about a call (lineGetCallInfo).  Received UUI
 * is dwUserUserInfoSize bytes at dwUserUserInfoOffset (binary, exact). */
typedef struct linecallinfo_tag {
    DWORD dwTotalSize;
    DWORD dwNeededSize;
    DWORD dwUsedSize;
    HLINE hLine;
    DWORD dwLineDeviceID;
    DWORD dwAddressID;
    DWORD dwBearerMode;             /* LINEBEARERMODE_ */
    DWORD dwRate;
    DWORD dwMediaMode;              /* LINEMEDIAMODE_ */
    DWORD dwAppSpecific;
    DWORD dwCallID;
    DWORD dwRelatedCallID;
    DWORD dwCallParamFlags;         /* LINECALLPARAMFLAGS_ */
    DWORD dwCallStates;             /* LINECALLSTATE_ */
    DWORD dwMonitorDigitModes;
    DWORD dwMonitorMediaModes;
    LINEDIALPARAMS DialParams;
    DWORD dwOrigin;                 /* LINECALLORIGIN_ */
    DWORD dwReason;                 /* LINECALLREASON_ */
    DWORD dwCompletionID;
    DWORD dwNumOwners;
    DWORD dwNumMonitors;
    DWORD dwCountryCode;
    DWORD dwTrunk;
    DWORD dwCallerIDFlags;          /* LINECALLPARTYID_ */
    DWORD dwCallerIDSize;
    DWORD dwCallerIDOffset;
    DWORD dwCallerIDNameSize;
    DWORD dwCallerIDNameOffset;
    DWORD dwCalledIDFlags;
    DWORD dwCalledIDSize;
    DWORD dwCalledIDOffset;
    DWORD dwCalledIDNameSize;
    DWORD dwCalledIDNameOffset;
    DWORD dwConnectedIDFlags;
    DWORD dwConnectedIDSize;
    DWORD dwConnectedIDOffset;
    DWORD dwConnectedIDNameSize;
    DWORD dwConnectedIDNameOffset;
    DWORD dwRedirectionIDFlags;
    DWORD dwRedirectionIDSize;
    DWORD dwRedirectionIDOffset;
    DWORD dwRedirectionIDNameSize;
    DWORD dwRedirectionIDNameOffset;
    DWORD dwRedirectingIDFlags;
    DWORD dwRedirectingIDSize;
    DWORD dwRedirectingIDOffset;
    DWORD dwRedirectingIDNameSize;
    DWORD dwRedirectingIDNameOffset;
    DWORD dwAppNameSize;
    DWORD dwAppNameOffset;
    DWORD dwDisplayableAddressSize;
    DWORD dwDisplayableAddressOffset;
    DWORD dwCalledPartySize;
    DWORD dwCalledPartyOffset;
    DWORD dwCommentSize;
    DWORD dwCommentOffset;
    DWORD dwDisplaySize;
    DWORD dwDisplayOffset;
    DWORD dwUserUserInfoSize;
    DWORD dwUserUserInfoOffset;
    DWORD dwHighLevelCompSize;
    DWORD dwHighLevelCompOffset;
    DWORD dwLowLevelCompSize;
    DWORD dwLowLevelCompOffset;
    DWORD dwChargingInfoSize;
    DWORD dwChargingInfoOffset;
    DWORD dwTerminalModesSize;
    DWORD dwTerminalModesOffset;
    DWORD dwDevSpecificSize;
    DWORD dwDevSpecificOffset;
    DWORD dwCallTreatment;          /* 2.0: LINECALLTREATMENT_ */
    DWORD dwCallDataSize;           /* 2.0 */
    DWORD dwCallDataOffset;         /* 2.0 */
    DWORD dwSendingFlowspecSize;    /* 2.0 */
    DWORD dwSendingFlowspecOffset;  /* 2.0 */
    DWORD dwReceivingFlowspecSize;  /* 2.0 */
    DWORD dwReceivingFlowspecOffset; /* 2.0 */
    DWORD dwCallerIDAddressType;    /* 3.0: LINEADDRESSTYPE_ */
    DWORD dwCalledIDAddressType;    /* 3.0 */
    DWORD dwConnectedIDAddressType; /* 3.0 */
    DWORD dwRedirectionIDAddressType; /* 3.0 */
    DWORD dwRedirectingIDAddressType; /* 3.0 */
} LINECALLINFO, *LPLINECALLINFO;

/* Changing state of a call (lineGetCallStatus). */
typedef struct linecallstatus_tag {
    DWORD dwTotalSize;
    DWORD dwNeededSize;
    DWORD dwUsedSize;
    DWORD dwCallState;              /* LINECALLSTATE_ */
    DWORD dwCallStateMode;          /* mode of that state */
    DWORD dwCallPrivilege;          /* LINECALLPRIVILEGE_ */
    DWORD dwCallFeatures;           /* LINECALLFEATURE_, allowed now */
    DWORD dwDevSpecificSize;
    DWORD dwDevSpecificOffset;
    DWORD dwCallFeatures2;          /* 2.0: LINECALLFEATURE2_ */
    SYSTEMTIME tStateEntryTime;     /* 2.0: when dwCallState was entered */
} LINECALLSTATUS, *LPLINECALLSTATUS;

/* A list of call handles (lineGetNewCalls, lineGetConfRelatedCalls): an
 * array of dwCallsNumEntries HCALLs at dwCallsOffset. */
typedef struct linecalllist_tag {
    DWORD dwTotalSize;
    DWORD dwNeededSize;
    DWORD dwUsedSize;
    DWORD dwCallsNumEntries;
    DWORD dwCallsSize;
    DWORD dwCallsOffset;
} LINECALLLIST, *LPLINECALLLIST;

/* One forwarding instruction. */
typedef struct lineforward_tag {
    DWORD dwForwardMode;            /* LINEFORWARDMODE_ */
    DWORD dwCallerAddressSize;
    DWORD dwCallerAddressOffset;
    DWORD dwDestCountryCode;
    DWORD dwDestAddressSize;
    DWORD dwDestAddressOffset;
    DWORD dwCallerAddressType;      /* 3.0: LINEADDRESSTYPE_ */
    DWORD dwDestAddressType;        /* 3.0 */
} LINEFORWARD, *LPLINEFORWARD;

/* A variable-size list of forwarding instructions. */
typedef struct lineforwardlist_tag {
    DWORD dwTotalSize;
    DWORD dwNumEntries;
    LINEFORWARD ForwardList[1];
} LINEFORWARDLIST, *LPLINEFORWARDLIST;

/* A tone to detect (lineMonitorTones); frequencies in Hz, 0 = unused. */
typedef struct linemonitortone_tag {
    DWORD dwAppSpecific;
    DWORD dwDuration;
    DWORD dwFrequency1;
    DWORD dwFrequency2;
    DWORD dwFrequency3;
} LINEMONITORTONE, *LPLINEMONITORTONE;

/* A tone to generate (lineGenerateTone with LINETONEMODE_CUSTOM). */
typedef struct linegeneratetone_tag {
    DWORD dwFrequency;
    DWORD dwCadenceOn;
    DWORD dwCadenceOff;
    DWORD dwVolume;
} LINEGENERATETONE, *LPLINEGENERATETONE;

/* ---- Structures of the functions docs/api.md lists (dialing rules,
 * providers, media control, assisted telephony, agents, phones). ---- */

typedef struct lineagentactivityentry_tag {
  DWORD dwID;
  DWORD dwNameSize;
  DWORD dwNameOffset;
} LINEAGENTACTIVITYENTRY, *LPLINEAGENTACTIVITYENTRY;

typedef struct lineagentactivitylist_tag {
  DWORD dwTotalSize;
  DWORD dwNeededSize;
  DWORD dwUsedSize;
  DWORD dwNumEntries;
  DWORD dwListSize;
  DWORD dwListOffset;
} LINEAGENTACTIVITYLIST, *LPLINEAGENTACTIVITYLIST;

typedef struct lineagentcaps_tag {
  DWORD dwTotalSize;
  DWORD dwNeededSize;
  DWORD dwUsedSize;
  DWORD dwAgentHandlerInfoSize;
  DWORD dwAgentHandlerInfoOffset;
  DWORD dwCapsVersion;
  DWORD dwFeatures;
  DWORD dwStates;
  DWORD dwNextStates;
  DWORD dwMaxNumGroupEntries;
  DWORD dwAgentStatusMessages;
  DWORD dwNumAgentExtensionIDs;
  DWORD dwAgentExtensionIDListSize;
  DWORD dwAgentExtensionIDListOffset;
  GUID ProxyGUID;
} LINEAGENTCAPS, *LPLINEAGENTCAPS;

typedef struct lineagentgroupentry_tag {
  struct {
    DWORD dwGroupID1;
    DWORD dwGroupID2;
    DWORD dwGroupID3;
    DWORD dwGroupID4;
  } GroupID;
  DWORD dwNameSize;
  DWORD dwNameOffset;
} LINEAGENTGROUPENTRY, *LPLINEAGENTGROUPENTRY;

typedef struct lineagentgrouplist_tag {
  DWORD dwTotalSize;
  DWORD dwNeededSize;
  DWORD dwUsedSize;
  DWORD dwNumEntries;
  DWORD dwListSize;
  DWORD dwListOffset;
} LINEAGENTGROUPLIST, *LPLINEAGENTGROUPLIST;

typedef struct lineagentstatus_tag {
  DWORD dwTotalSize;
  DWORD dwNeededSize;
  DWORD dwUsedSize;
  DWORD dwNumEntries;
  DWORD dwGroupListSize;
  DWORD dwGroupListOffset;
  DWORD dwState;
  DWORD dwNextState;
  DWORD dwActivityID;
  DWORD dwActivitySize;
  DWORD dwActivityOffset;
  DWORD dwAgentFeatures;
  DWORD dwValidStates;
  DWORD dwValidNextStates;
} LINEAGENTSTATUS, *LPLINEAGENTSTATUS;

typedef struct lineagententry_tag {
  HAGENT hAgent;
  DWORD dwNameSize;
  DWORD dwNameOffset;
  DWORD dwIDSize;
  DWORD dwIDOffset;
  DWORD dwPINSize;
  DWORD dwPINOffset;
} LINEAGENTENTRY, *LPLINEAGENTENTRY;

typedef struct lineagentlist_tag {
  DWORD dwTotalSize;
  DWORD dwNeededSize;
  DWORD dwUsedSize;
  DWORD dwNumEntries;
  DWORD dwListSize;
  DWORD dwListOffset;
} LINEAGENTLIST, *LPLINEAGENTLIST;

typedef struct lineagentinfo_tag {
  DWORD dwTotalSize;
  DWORD dwNeededSize;
  DWORD dwUsedSize;
  DWORD dwAgentState;
  DWORD dwNextAgentState;
  DWORD dwMeasurementPeriod;
  CURRENCY cyOverallCallRate;
  DWORD dwNumberOfACDCalls;
  DWORD dwNumberOfIncomingCalls;
  DWORD dwNumberOfOutgoingCalls;
  DWORD dwTotalACDTalkTime;
  DWORD dwTotalACDCallTime;
  DWORD dwTotalACDWrapUpTime;
} LINEAGENTINFO, *LPLINEAGENTINFO;

typedef struct lineagentsession_tag {
  HAGENTSESSION hAgentSession;
  HAGENT hAgent;
  GUID GroupID;
  DWORD dwWorkingAddressID;
} LINEAGENTSESSIONENTRY, *LPLINEAGENTSESSIONENTRY;

typedef struct lineagentsessionlist_tag {
  DWORD dwTotalSize;
  DWORD dwNeededSize;
  DWORD dwUsedSize;
  DWORD dwNumEntries;
  DWORD dwListSize;
  DWORD dwListOffset;
} LINEAGENTSESSIONLIST, *LPLINEAGENTSESSIONLIST;

typedef struct lineagentsessioninfo_tag {
  DWORD dwTotalSize;
  DWORD dwNeededSize;
  DWORD dwUsedSize;
  DWORD dwAgentSessionState;
  DWORD dwNextAgentSessionState;
  DATE dateSessionStartTime;
  DWORD dwSessionDuration;
  DWORD dwNumberOfCalls;
  DWORD dwTotalTalkTime;
  DWORD dwAverageTalkTime;
  DWORD dwTotalCallTime;
  DWORD dwAverageCallTime;
  DWORD dwTotalWrapUpTime;
  DWORD dwAverageWrapUpTime;
  CURRENCY cyACDCallRate;
  DWORD dwLongestTimeToAnswer;
  DWORD dwAverageTimeToAnswer;
} LINEAGENTSESSIONINFO, *LPLINEAGENTSESSIONINFO;

typedef struct linequeueentry_tag {
  DWORD dwQueueID;
  DWORD dwNameSize;
  DWORD dwNameOffset;
} LINEQUEUEENTRY, *LPLINEQUEUEENTRY;

typedef struct linequeuelist_tag {
  DWORD dwTotalSize;
  DWORD dwNeededSize;
  DWORD dwUsedSize;
  DWORD dwNumEntries;
  DWORD dwListSize;
  DWORD dwListOffset;
} LINEQUEUELIST, *LPLINEQUEUELIST;

typedef struct linequeueinfo_tag {
  DWORD dwTotalSize;
  DWORD dwNeededSize;
  DWORD dwUsedSize;
  DWORD dwMeasurementPeriod;
  DWORD dwTotalCallsQueued;
  DWORD dwCurrentCallsQueued;
  DWORD dwTotalCallsAbandoned;
  DWORD dwTotalCallsFlowedIn;
  DWORD dwTotalCallsFlowedOut;
  DWORD dwLongestEverWaitTime;
  DWORD dwCurrentLongestWaitTime;
  DWORD dwAverageWaitTime;
  DWORD dwFinalDisposition;
} LINEQUEUEINFO, *LPLINEQUEUEINFO;

typedef struct lineproxyrequestlist_tag {
  DWORD dwTotalSize;
  DWORD dwNeededSize;
  DWORD dwUsedSize;
  DWORD dwNumEntries;
  DWORD dwListSize;
  DWORD dwListOffset;
} LINEPROXYREQUESTLIST, *LPLINEPROXYREQUESTLIST;

typedef struct linecardentry_tag {
  DWORD dwPermanentCardID;
  DWORD dwCardNameSize;
  DWORD dwCardNameOffset;
  DWORD dwCardNumberDigits;
  DWORD dwSameAreaRuleSize;
  DWORD dwSameAreaRuleOffset;
  DWORD dwLongDistanceRuleSize;
  DWORD dwLongDistanceRuleOffset;
  DWORD dwInternationalRuleSize;
  DWORD dwInternationalRuleOffset;
  DWORD dwOptions;
} LINECARDENTRY, *LPLINECARDENTRY;

typedef struct linecountryentry_tag {
  DWORD dwCountryID;
  DWORD dwCountryCode;
  DWORD dwNextCountryID;
  DWORD dwCountryNameSize;
  DWORD dwCountryNameOffset;
  DWORD dwSameAreaRuleSize;
  DWORD dwSameAreaRuleOffset;
  DWORD dwLongDistanceRuleSize;
  DWORD dwLongDistanceRuleOffset;
  DWORD dwInternationalRuleSize;
  DWORD dwInternationalRuleOffset;
} LINECOUNTRYENTRY, *LPLINECOUNTRYENTRY;

typedef struct linecountrylist_tag {
  DWORD dwTotalSize;
  DWORD dwNeededSize;
  DWORD dwUsedSize;
  DWORD dwNumCountries;
  DWORD dwCountryListSize;
  DWORD dwCountryListOffset;
} LINECOUNTRYLIST, *LPLINECOUNTRYLIST;

typedef struct linelocationentry_tag {
  DWORD dwPermanentLocationID;
  DWORD dwLocationNameSize;
  DWORD dwLocationNameOffset;
  DWORD dwCountryCode;
  DWORD dwCityCodeSize;
  DWORD dwCityCodeOffset;
  DWORD dwPreferredCardID;
  DWORD dwLocalAccessCodeSize;
  DWORD dwLocalAccessCodeOffset;
  DWORD dwLongDistanceAccessCodeSize;
  DWORD dwLongDistanceAccessCodeOffset;
  DWORD dwTollPrefixListSize;
  DWORD dwTollPrefixListOffset;
  DWORD dwCountryID;
  DWORD dwOptions;
  DWORD dwCancelCallWaitingSize;
  DWORD dwCancelCallWaitingOffset;
} LINELOCATIONENTRY, *LPLINELOCATIONENTRY;

typedef struct linemediacontrolcallstate_tag {
  DWORD dwCallStates;
  DWORD dwMediaControl;
} LINEMEDIACONTROLCALLSTATE, *LPLINEMEDIACONTROLCALLSTATE;

typedef struct linemediacontroldigit_tag {
  DWORD dwDigit;
  DWORD dwDigitModes;
  DWORD dwMediaControl;
} LINEMEDIACONTROLDIGIT, *LPLINEMEDIACONTROLDIGIT;

typedef struct linemediacontrolmedia_tag {
  DWORD dwMediaModes;
  DWORD dwDuration;
  DWORD dwMediaControl;
} LINEMEDIACONTROLMEDIA, *LPLINEMEDIACONTROLMEDIA;

typedef struct linemediacontroltone_tag {
  DWORD dwAppSpecific;
  DWORD dwDuration;
  DWORD dwFrequency1;
  DWORD dwFrequency2;
  DWORD dwFrequency3;
  DWORD dwMediaControl;
} LINEMEDIACONTROLTONE, *LPLINEMEDIACONTROLTONE;

typedef struct lineproviderentry_tag {
  DWORD dwPermanentProviderID;
  DWORD dwProviderFilenameSize;
  DWORD dwProviderFilenameOffset;
} LINEPROVIDERENTRY, *LPLINEPROVIDERENTRY;

typedef struct lineproviderlist_tag {
  DWORD dwTotalSize;
  DWORD dwNeededSize;
  DWORD dwUsedSize;
  DWORD dwNumProviders;
  DWORD dwProviderListSize;
  DWORD dwProviderListOffset;
} LINEPROVIDERLIST, *LPLINEPROVIDERLIST;

typedef struct lineproxyrequest_tag {
  DWORD dwSize;
  DWORD dwClientMachineNameSize;
  DWORD dwClientMachineNameOffset;
  DWORD dwClientUserNameSize;
  DWORD dwClientUserNameOffset;
  DWORD dwClientAppAPIVersion;
  DWORD dwRequestType;
  union {
    struct {
        DWORD dwAddressID;
        LINEAGENTGROUPLIST GroupList;
    } SetAgentGroup;
    struct {
        DWORD dwAddressID;
        DWORD dwAgentState;
        DWORD dwNextAgentState;
    } SetAgentState;
    struct {
        DWORD dwAddressID;
        DWORD dwActivityID;
    } SetAgentActivity;
    struct {
        DWORD dwAddressID;
        LINEAGENTCAPS AgentCaps;
    } GetAgentCaps;
    struct {
        DWORD dwAddressID;
        LINEAGENTSTATUS AgentStatus;
    } GetAgentStatus;
    struct {
        DWORD dwAddressID;
        DWORD dwAgentExtensionIDIndex;
        DWORD dwSize;
        BYTE Params[1];
    } AgentSpecific;
    struct {
        DWORD dwAddressID;
        LINEAGENTACTIVITYLIST ActivityList;
    } GetAgentActivityList;
    struct {
        DWORD dwAddressID;
        LINEAGENTGROUPLIST GroupList;
    } GetAgentGroupList;
    struct {
        HAGENT hAgent;
        DWORD dwAgentIDSize;
        DWORD dwAgentIDOffset;
        DWORD dwAgentPINSize;
        DWORD dwAgentPINOffset;
    } CreateAgent;
    struct {
        HAGENT hAgent;
        DWORD dwAgentState;
        DWORD dwNextAgentState;
    } SetAgentStateEx;
    struct {
        HAGENT hAgent;
        DWORD dwMeasurementPeriod;
    } SetAgentMeasurementPeriod;
    struct {
        HAGENT hAgent;
        LINEAGENTINFO AgentInfo;
    } GetAgentInfo;
    struct {
        HAGENTSESSION hAgentSession;
        DWORD dwAgentPINSize;
        DWORD dwAgentPINOffset;
        HAGENT hAgent;
        GUID GroupID;
        DWORD dwWorkingAddressID;
    } CreateAgentSession;
    struct {
        HAGENT hAgent;
        LINEAGENTSESSIONLIST SessionList;
    } GetAgentSessionList;
    struct {
        HAGENTSESSION hAgentSession;
        LINEAGENTSESSIONINFO SessionInfo;
    } GetAgentSessionInfo;
    struct {
        HAGENTSESSION hAgentSession;
        DWORD dwAgentSessionState;
        DWORD dwNextAgentSessionState;
    } SetAgentSessionState;
    struct {
        GUID GroupID;
        LINEQUEUELIST QueueList;
    } GetQueueList;
    struct {
        DWORD dwQueueID;
        DWORD dwMeasurementPeriod;
    } SetQueueMeasurementPeriod;
    struct {
        DWORD dwQueueID;
        LINEQUEUEINFO QueueInfo;
    } GetQueueInfo;
    struct {
        LINEAGENTGROUPLIST GroupList;
    } GetGroupList;
  };
} LINEPROXYREQUEST, *LPLINEPROXYREQUEST;

typedef struct linereqmakecall_tag {
  char szDestAddress[TAPIMAXDESTADDRESSSIZE];
  char szAppName[TAPIMAXAPPNAMESIZE];
  char szCalledParty[TAPIMAXCALLEDPARTYSIZE];
  char szComment[TAPIMAXCOMMENTSIZE];
} LINEREQMAKECALL, *LPLINEREQMAKECALL;

typedef struct linereqmediacall_tag {
  HWND hWnd;
  WPARAM wRequestID;
  char szDeviceClass[TAPIMAXDEVICECLASSSIZE];
  unsigned char ucDeviceID[TAPIMAXDEVICEIDSIZE];
  DWORD dwSize;
  DWORD dwSecure;
  char szDestAddress[TAPIMAXDESTADDRESSSIZE];
  char szAppName[TAPIMAXAPPNAMESIZE];
  char szCalledParty[TAPIMAXCALLEDPARTYSIZE];
  char szComment[TAPIMAXCOMMENTSIZE];
} LINEREQMEDIACALL, *LPLINEREQMEDIACALL;

typedef struct linetranslatecaps_tag {
  DWORD dwTotalSize;
  DWORD dwNeededSize;
  DWORD dwUsedSize;
  DWORD dwNumLocations;
  DWORD dwLocationListSize;
  DWORD dwLocationListOffset;
  DWORD dwCurrentLocationID;
  DWORD dwNumCards;
  DWORD dwCardListSize;
  DWORD dwCardListOffset;
  DWORD dwCurrentPreferredCardID;
} LINETRANSLATECAPS, *LPLINETRANSLATECAPS;

typedef struct linetranslateoutput_tag {
  DWORD dwTotalSize;
  DWORD dwNeededSize;
  DWORD dwUsedSize;
  DWORD dwDialableStringSize;
  DWORD dwDialableStringOffset;
  DWORD dwDisplayableStringSize;
  DWORD dwDisplayableStringOffset;
  DWORD dwCurrentCountry;
  DWORD dwDestCountry;
  DWORD dwTranslateResults;
} LINETRANSLATEOUTPUT, *LPLINETRANSLATEOUTPUT;

typedef struct phonebuttoninfo_tag {
  DWORD dwTotalSize;
  DWORD dwNeededSize;
  DWORD dwUsedSize;
  DWORD dwButtonMode;
  DWORD dwButtonFunction;
  DWORD dwButtonTextSize;
  DWORD dwButtonTextOffset;
  DWORD dwDevSpecificSize;
  DWORD dwDevSpecificOffset;
  DWORD dwButtonState;
} PHONEBUTTONINFO, *LPPHONEBUTTONINFO;

typedef struct phonecaps_tag {
  DWORD dwTotalSize;
  DWORD dwNeededSize;
  DWORD dwUsedSize;
  DWORD dwProviderInfoSize;
  DWORD dwProviderInfoOffset;
  DWORD dwPhoneInfoSize;
  DWORD dwPhoneInfoOffset;
  DWORD dwPermanentPhoneID;
  DWORD dwPhoneNameSize;
  DWORD dwPhoneNameOffset;
  DWORD dwStringFormat;
  DWORD dwPhoneStates;
  DWORD dwHookSwitchDevs;
  DWORD dwHandsetHookSwitchModes;
  DWORD dwSpeakerHookSwitchModes;
  DWORD dwHeadsetHookSwitchModes;
  DWORD dwVolumeFlags;
  DWORD dwGainFlags;
  DWORD dwDisplayNumRows;
  DWORD dwDisplayNumColumns;
  DWORD dwNumRingModes;
  DWORD dwNumButtonLamps;
  DWORD dwButtonModesSize;
  DWORD dwButtonModesOffset;
  DWORD dwButtonFunctionsSize;
  DWORD dwButtonFunctionsOffset;
  DWORD dwLampModesSize;
  DWORD dwLampModesOffset;
  DWORD dwNumSetData;
  DWORD dwSetDataSize;
  DWORD dwSetDataOffset;
  DWORD dwNumGetData;
  DWORD dwGetDataSize;
  DWORD dwGetDataOffset;
  DWORD dwDevSpecificSize;
  DWORD dwDevSpecificOffset;
  DWORD dwDeviceClassesSize;
  DWORD dwDeviceClassesOffset;
  DWORD dwPhoneFeatures;
  DWORD dwSettableHandsetHookSwitchModes;
  DWORD dwSettableSpeakerHookSwitchModes;
  DWORD dwSettableHeadsetHookSwitchModes;
  DWORD dwMonitoredHandsetHookSwitchModes;
  DWORD dwMonitoredSpeakerHookSwitchModes;
  DWORD dwMonitoredHeadsetHookSwitchModes;
  GUID PermanentPhoneGuid;
} PHONECAPS, *LPPHONECAPS;

typedef struct phoneextensionid_tag {
  DWORD dwExtensionID0;
  DWORD dwExtensionID1;
  DWORD dwExtensionID2;
  DWORD dwExtensionID3;
} PHONEEXTENSIONID, *LPPHONEEXTENSIONID;

typedef struct phoneinitializeexparams_tag {
  DWORD dwTotalSize;
  DWORD dwNeededSize;
  DWORD dwUsedSize;
  DWORD dwOptions;
  union {
    HANDLE hEvent;
    HANDLE hCompletionPort;
  } Handles;
  DWORD dwCompletionKey;
} PHONEINITIALIZEEXPARAMS, *LPPHONEINITIALIZEEXPARAMS;

typedef struct phonemessage_tag {
  DWORD hDevice;
  DWORD dwMessageID;
  DWORD_PTR dwCallbackInstance;
  DWORD_PTR dwParam1;
  DWORD_PTR dwParam2;
  DWORD_PTR dwParam3;
} PHONEMESSAGE, *LPPHONEMESSAGE;

typedef struct phonestatus_tag {
  DWORD dwTotalSize;
  DWORD dwNeededSize;
  DWORD dwUsedSize;
  DWORD dwStatusFlags;
  DWORD dwNumOwners;
  DWORD dwNumMonitors;
  DWORD dwRingMode;
  DWORD dwRingVolume;
  DWORD dwHandsetHookSwitchMode;
  DWORD dwHandsetVolume;
  DWORD dwHandsetGain;
  DWORD dwSpeakerHookSwitchMode;
  DWORD dwSpeakerVolume;
  DWORD dwSpeakerGain;
  DWORD dwHeadsetHookSwitchMode;
  DWORD dwHeadsetVolume;
  DWORD dwHeadsetGain;
  DWORD dwDisplaySize;
  DWORD dwDisplayOffset;
  DWORD dwLampModesSize;
  DWORD dwLampModesOffset;
  DWORD dwOwnerNameSize;
  DWORD dwOwnerNameOffset;
  DWORD dwDevSpecificSize;
  DWORD dwDevSpecificOffset;
  DWORD dwPhoneFeatures;
} PHONESTATUS, *LPPHONESTATUS;

#pragma pack(pop)

/* Compile-time check of the assumptions above (C11 / C++11 only). */
#if defined(__cplusplus) && __cplusplus >= 201103L
#define OPENTAPI_ASSERT_(e, m) static_assert(e, m)
#elif !defined(__cplusplus) && defined(__STDC_VERSION__) && \
    __STDC_VERSION__ >= 201112L
#define OPENTAPI_ASSERT_(e, m) _Static_assert(e, m)
#endif
#ifdef OPENTAPI_ASSERT_
OPENTAPI_ASSERT_(sizeof(DWORD) == 4 && sizeof(LONG) == 4,
                 "tapi.h: DWORD and LONG must be 32-bit");
OPENTAPI_ASSERT_(sizeof(DWORD_PTR) == sizeof(void *),
                 "tapi.h: DWORD_PTR must be pointer-sized");
OPENTAPI_ASSERT_(sizeof(HCALL) == 4, "tapi.h: handles must be 32-bit");
OPENTAPI_ASSERT_(sizeof(LINEINITIALIZEEXPARAMS) == 20 + sizeof(HANDLE),
                 "tapi.h: structures must be packed to 1 byte");
#undef OPENTAPI_ASSERT_
#endif

/* ======================================================================
 * Functions.  See the conventions at the top of this file: any thread,
 * common errors (NOMEM, OPERATIONFAILED, RESOURCEUNAVAIL, UNINITIALIZED,
 * INVALPOINTER) not repeated, one LINE_REPLY per request ID.
 * ====================================================================== */

/* ---- Initialization and shutdown ------------------------------------- */

/* lineInitialize - TAPI 1.x start-up: registers the application with the
 * callback model.  Synchronous.  *lphLineApp receives the application
 * handle, *lpdwNumDevs the number of line devices; hInstance is ignored.
 * lpfnCallback is invoked on a library-owned thread (see LINECALLBACK).
 * Errors: INVALAPPNAME, INIFILECORRUPT, NODRIVER, NODEVICE, REINIT. */
TAPI_API LONG WINAPI lineInitialize(LPHLINEAPP lphLineApp,
                                    HINSTANCE hInstance,
                                    LINECALLBACK lpfnCallback,
                                    LPCSTR lpszAppName,
                                    LPDWORD lpdwNumDevs);

/* lineInitializeEx - TAPI 2.x start-up.  Synchronous.  *lpdwAPIVersion is
 * in: the highest version the application supports, out: 0x00020002.
 * dwOptions USEHIDDENWINDOW: lpfnCallback on a library thread; USEEVENT:
 * messages via lineGetMessage, Handles.hEvent = (HANDLE)(intptr_t)fd that
 * polls readable while messages are queued; USECOMPLETIONPORT: refused
 * with INVALPARAM.  Errors: INVALAPPNAME, INVALPARAM, INIFILECORRUPT,
 * REINIT.  An application's queue holds at most 65,536 messages: a message
 * that does not fit is replaced by LINE_LINEDEVSTATE (dwParam1 =
 * LINEDEVSTATE_REINIT, dwParam2 = the lost message's id, dwParam3 = its
 * dwParam1), and later ones are discarded until the application has read
 * its queue empty; it should then lineShutdown and start again, as for any
 * REINIT. */
TAPI_API LONG WINAPI lineInitializeEx(LPHLINEAPP lphLineApp,
                                      HINSTANCE hInstance,
                                      LINECALLBACK lpfnCallback,
                                      LPCSTR lpszFriendlyAppName,
                                      LPDWORD lpdwNumDevs,
                                      LPDWORD lpdwAPIVersion,
                                      LPLINEINITIALIZEEXPARAMS lpLineInitializeExParams);

/* lineShutdown - ends the application's use of TAPI.  Synchronous.  Closes
 * every line it opened as lineClose does, frees all its call handles and
 * cancels its pending requests (their LINE_REPLY is not delivered); a
 * thread waiting in lineGetMessage returns LINEERR_INVALAPPHANDLE.
 * Errors: INVALAPPHANDLE. */
TAPI_API LONG WINAPI lineShutdown(HLINEAPP hLineApp);

/* lineNegotiateAPIVersion - agrees on the API version for one line device.
 * Synchronous.  opentapi supports 0x00010004 to 0x00020002 and returns the
 * highest version in both ranges; *lpExtensionID is zeroed.
 * Errors: INVALAPPHANDLE, BADDEVICEID, INCOMPATIBLEAPIVERSION, NODEVICE. */
TAPI_API LONG WINAPI lineNegotiateAPIVersion(HLINEAPP hLineApp,
                                             DWORD dwDeviceID,
                                             DWORD dwAPILowVersion,
                                             DWORD dwAPIHighVersion,
                                             LPDWORD lpdwAPIVersion,
                                             LPLINEEXTENSIONID lpExtensionID);

/* lineGetMessage - dequeues the next message of a USEEVENT application.
 * Synchronous; waits up to dwTimeout ms (0: poll, INFINITE: no limit).
 * Returns LINEERR_OPERATIONFAILED when the timeout expires with nothing
 * queued, LINEERR_INVALAPPHANDLE at once if lineShutdown runs meanwhile.
 * The event fd stays readable while more messages are queued.
 * Errors: INVALAPPHANDLE, OPERATIONFAILED. */
TAPI_API LONG WINAPI lineGetMessage(HLINEAPP hLineApp,
                                    LPLINEMESSAGE lpMessage,
                                    DWORD dwTimeout);

/* ---- Capabilities and status ----------------------------------------- */

/* lineGetDevCaps - capabilities of a line device.  Synchronous; needs no
 * open line.  Fills what the negotiated dwAPIVersion defines.
 * Errors: INVALAPPHANDLE, BADDEVICEID, NODEVICE, INCOMPATIBLEAPIVERSION,
 * INCOMPATIBLEEXTVERSION, STRUCTURETOOSMALL. */
TAPI_API LONG WINAPI lineGetDevCaps(HLINEAPP hLineApp, DWORD dwDeviceID,
                                    DWORD dwAPIVersion, DWORD dwExtVersion,
                                    LPLINEDEVCAPS lpLineDevCaps);

/* lineGetAddressCaps - capabilities of one address of a line device.
 * Synchronous; needs no open line.
 * Errors: INVALAPPHANDLE, BADDEVICEID, NODEVICE, INVALADDRESSID,
 * INCOMPATIBLEAPIVERSION, INCOMPATIBLEEXTVERSION, STRUCTURETOOSMALL. */
TAPI_API LONG WINAPI lineGetAddressCaps(HLINEAPP hLineApp,
                                        DWORD dwDeviceID,
                                        DWORD dwAddressID,
                                        DWORD dwAPIVersion,
                                        DWORD dwExtVersion,
                                        LPLINEADDRESSCAPS lpAddressCaps);

/* lineGetAddressStatus - current status of an address of an open line.
 * Synchronous.
 * Errors: INVALLINEHANDLE, INVALADDRESSID, STRUCTURETOOSMALL. */
TAPI_API LONG WINAPI lineGetAddressStatus(HLINE hLine, DWORD dwAddressID,
                                          LPLINEADDRESSSTATUS lpAddressStatus);

/* lineGetLineDevStatus - current status of an open line.  Synchronous.
 * Errors: INVALLINEHANDLE, STRUCTURETOOSMALL. */
TAPI_API LONG WINAPI lineGetLineDevStatus(HLINE hLine,
                                          LPLINEDEVSTATUS lpLineDevStatus);

/* lineGetAddressID - finds the address ID of an address given by its
 * dialable form (dwAddressMode LINEADDRESSMODE_DIALABLEADDR; lpsAddress is
 * dwSize bytes).  Synchronous.
 * Errors: INVALLINEHANDLE, INVALADDRESSMODE, INVALADDRESS. */
TAPI_API LONG WINAPI lineGetAddressID(HLINE hLine, LPDWORD lpdwAddressID,
                                      DWORD dwAddressMode, LPCSTR lpsAddress,
                                      DWORD dwSize);

/* lineSetStatusMessages - chooses which LINE_LINEDEVSTATE (LINEDEVSTATE_)
 * and LINE_ADDRESSSTATE (LINEADDRESSSTATE_) messages this open line gets;
 * all are off after lineOpen.  Synchronous.  LINE_CALLSTATE, LINE_CALLINFO
 * and LINE_REPLY cannot be turned off.
 * Errors: INVALLINEHANDLE, INVALLINESTATE, INVALADDRESSSTATE. */
TAPI_API LONG WINAPI lineSetStatusMessages(HLINE hLine, DWORD dwLineStates,
                                           DWORD dwAddressStates);

/* lineGetStatusMessages - reads the settings of lineSetStatusMessages.
 * Synchronous.  Errors: INVALLINEHANDLE. */
TAPI_API LONG WINAPI lineGetStatusMessages(HLINE hLine,
                                           LPDWORD lpdwLineStates,
                                           LPDWORD lpdwAddressStates);

/* ---- Opening lines ---------------------------------------------------- */

/* lineOpen - opens a line device.  Synchronous.  dwPrivileges is
 * LINECALLPRIVILEGE_NONE, or _MONITOR and/or _OWNER (owner of incoming calls
 * of dwMediaModes), optionally OR'ed with LINEOPENOPTION_SINGLEADDRESS
 * (address in lpCallParams->dwAddressID).  dwCallbackInstance comes back
 * with every message about the line and its calls.
 * Errors: INVALAPPHANDLE, BADDEVICEID, NODEVICE, INCOMPATIBLEAPIVERSION,
 * INCOMPATIBLEEXTVERSION, INVALPRIVSELECT, INVALMEDIAMODE, INVALCALLPARAMS,
 * INVALADDRESSID, ALLOCATED, OPERATIONUNAVAIL, REINIT. */
TAPI_API LONG WINAPI lineOpen(HLINEAPP hLineApp, DWORD dwDeviceID,
                              LPHLINE lphLine, DWORD dwAPIVersion,
                              DWORD dwExtVersion,
                              DWORD_PTR dwCallbackInstance,
                              DWORD dwPrivileges, DWORD dwMediaModes,
                              LPLINECALLPARAMS const lpCallParams);

/* lineClose - closes an open line.  Synchronous.  Calls this application
 * owns alone are dropped, every call handle on the line becomes invalid
 * and pending requests on it get no LINE_REPLY.  Other applications see
 * the resulting LINE_CALLSTATE messages.  Errors: INVALLINEHANDLE. */
TAPI_API LONG WINAPI lineClose(HLINE hLine);

/* ---- Making and answering calls --------------------------------------- */

/* lineMakeCall - places a call.  Asynchronous; *lphCall is written (owner
 * privilege) when LINE_REPLY reports success.  A NULL lpszDestAddress
 * leaves the call in DIALTONE for lineDial.  UUI travels in lpCallParams
 * (limit dwUUIMakeCallSize).  Then LINE_CALLSTATE: DIALING, PROCEEDING,
 * RINGBACK, CONNECTED... or DISCONNECTED with its LINEDISCONNECTMODE_.
 * Errors: INVALLINEHANDLE, INVALADDRESS, INVALADDRESSID, INVALCALLPARAMS,
 * INVALMEDIAMODE, INVALCOUNTRYCODE, CALLUNAVAIL, ADDRESSBLOCKED,
 * USERUSERINFOTOOBIG, STRUCTURETOOSMALL, OPERATIONUNAVAIL. */
TAPI_API LONG WINAPI lineMakeCall(HLINE hLine, LPHCALL lphCall,
                                  LPCSTR lpszDestAddress,
                                  DWORD dwCountryCode,
                                  LPLINECALLPARAMS const lpCallParams);

/* lineDial - dials (more) digits on a call, e.g. one left in DIALTONE.
 * Asynchronous; owner only.  LINE_CALLSTATE follows as for lineMakeCall.
 * Errors: INVALCALLHANDLE, INVALCALLSTATE, NOTOWNER, INVALADDRESS,
 * INVALCOUNTRYCODE, ADDRESSBLOCKED, OPERATIONUNAVAIL. */
TAPI_API LONG WINAPI lineDial(HCALL hCall, LPCSTR lpszDestAddress,
                              DWORD dwCountryCode);

/* lineAccept - accepts an OFFERING call (it goes ACCEPTED, the caller keeps
 * hearing ringback), sending dwSize bytes of UUI.  Asynchronous; owner only.
 * Errors: INVALCALLHANDLE, INVALCALLSTATE, NOTOWNER, USERUSERINFOTOOBIG
 * (limit dwUUIAcceptSize), OPERATIONUNAVAIL. */
TAPI_API LONG WINAPI lineAccept(HCALL hCall, LPCSTR lpsUserUserInfo,
                                DWORD dwSize);

/* lineAnswer - answers an OFFERING or ACCEPTED call, or rejoins one that is
 * CONNECTED/INACTIVE on a shared address, sending dwSize bytes of UUI.
 * Asynchronous; owner only.  Then LINE_CALLSTATE(CONNECTED); another active
 * call is treated as LINEDEVCAPS.dwAnswerMode says.
 * Errors: INVALCALLHANDLE, INVALCALLSTATE, NOTOWNER, USERUSERINFOTOOBIG
 * (limit dwUUIAnswerSize), OPERATIONUNAVAIL. */
TAPI_API LONG WINAPI lineAnswer(HCALL hCall, LPCSTR lpsUserUserInfo,
                                DWORD dwSize);

/* ---- Ending calls ------------------------------------------------------ */

/* lineDrop - hangs up a call in any state but IDLE, sending dwSize bytes
 * of UUI (limit dwUUIDropSize).  Asynchronous; owner only.  Normally
 * LINE_CALLSTATE(IDLE) follows; an OFFERING call is rejected (the caller
 * sees LINEDISCONNECTMODE_REJECT), or OPERATIONUNAVAIL if the line cannot
 * reject; on a shared address the call may stay CONNECTED/INACTIVE; a
 * conference parent with LINEADDRCAPFLAGS_CONFDROP drops every party.
 * Errors: INVALCALLHANDLE, INVALCALLSTATE, NOTOWNER, USERUSERINFOTOOBIG,
 * OPERATIONUNAVAIL. */
TAPI_API LONG WINAPI lineDrop(HCALL hCall, LPCSTR lpsUserUserInfo,
                              DWORD dwSize);

/* lineDeallocateCall - frees this application's handle of a call.
 * Synchronous.  While other handles (owners or monitors, in this or other
 * applications) name the call, the call itself is not affected.  When this
 * was the last handle of a call that is not IDLE, the call is handed back to
 * its provider (TSPI's lineCloseCall), which drops it on a line with
 * LINEDEVCAPFLAGS_CLOSEDROP: deallocating the sole owner's handle of a
 * connected call hangs it up (the far end sees DISCONNECTED).  On a line
 * without CLOSEDROP (a party line) the station stays on the call
 * unattended.  The sole owner of a call that is not IDLE gets
 * INVALCALLSTATE when the negotiated version is below 2.0 (TAPI 1.x refused
 * it); from 2.0 on it is allowed, with the effect above, and pending
 * LINE_REPLYs are still delivered.
 * Errors: INVALCALLHANDLE, INVALCALLSTATE. */
TAPI_API LONG WINAPI lineDeallocateCall(HCALL hCall);

/* ---- Call information and privileges ---------------------------------- */

/* lineGetCallInfo - fixed information about a call, including the UUI
 * received (binary, exact length).  Synchronous; valid in any state, also
 * after IDLE, until the handle is deallocated.
 * Errors: INVALCALLHANDLE, STRUCTURETOOSMALL. */
TAPI_API LONG WINAPI lineGetCallInfo(HCALL hCall, LPLINECALLINFO lpCallInfo);

/* lineGetCallStatus - current state, mode, privilege and features of a
 * call.  Synchronous; valid also after IDLE, until deallocation.
 * Errors: INVALCALLHANDLE, STRUCTURETOOSMALL. */
TAPI_API LONG WINAPI lineGetCallStatus(HCALL hCall,
                                       LPLINECALLSTATUS lpCallStatus);

/* lineSetCallPrivilege - makes this application MONITOR or OWNER of a call.
 * Synchronous.  Other applications with a handle get LINE_CALLINFO
 * (NUMOWNERINCR / NUMOWNERDECR / NUMMONITORS).
 * Errors: INVALCALLHANDLE, INVALCALLSTATE, INVALCALLPRIVILEGE. */
TAPI_API LONG WINAPI lineSetCallPrivilege(HCALL hCall,
                                          DWORD dwCallPrivilege);

/* lineSetAppSpecific - sets LINECALLINFO.dwAppSpecific.  Synchronous;
 * owner only.  Every other application with a handle to the call gets
 * LINE_CALLINFO(LINECALLINFOSTATE_APPSPECIFIC).
 * Errors: INVALCALLHANDLE, NOTOWNER. */
TAPI_API LONG WINAPI lineSetAppSpecific(HCALL hCall, DWORD dwAppSpecific);

/* lineGetNewCalls - handles for the calls on a line (dwSelect
 * LINECALLSELECT_LINE) or one address (_ADDRESS) that this application has
 * none for yet; new handles have monitor privilege.  Synchronous.
 * Errors: INVALLINEHANDLE, INVALADDRESSID, INVALCALLSELECT,
 * STRUCTURETOOSMALL. */
TAPI_API LONG WINAPI lineGetNewCalls(HLINE hLine, DWORD dwAddressID,
                                     DWORD dwSelect,
                                     LPLINECALLLIST lpCallList);

/* ---- User-user information -------------------------------------------- */

/* lineSendUserUserInfo - sends dwSize bytes of UUI on a CONNECTED,
 * OFFERING, ACCEPTED or RINGBACK call (limit dwUUISendUserUserInfoSize).
 * Asynchronous; owner only.  The far end gets
 * LINE_CALLINFO(LINECALLINFOSTATE_USERUSERINFO).
 * Errors: INVALCALLHANDLE, INVALCALLSTATE, NOTOWNER, USERUSERINFOTOOBIG,
 * OPERATIONUNAVAIL. */
TAPI_API LONG WINAPI lineSendUserUserInfo(HCALL hCall,
                                          LPCSTR lpsUserUserInfo,
                                          DWORD dwSize);

/* lineReleaseUserUserInfo - says the UUI now in LINECALLINFO has been read,
 * so that newer UUI (held back until now) can replace it, announced by
 * another LINE_CALLINFO(USERUSERINFO).  Asynchronous; owner only; any
 * state; API 1.4 or later.
 * Errors: INVALCALLHANDLE, NOTOWNER, OPERATIONUNAVAIL. */
TAPI_API LONG WINAPI lineReleaseUserUserInfo(HCALL hCall);

/* ---- Hold ------------------------------------------------------------- */

/* lineHold - puts a CONNECTED call ONHOLD.  Asynchronous; owner only.
 * Errors: INVALCALLHANDLE, INVALCALLSTATE, NOTOWNER, OPERATIONUNAVAIL. */
TAPI_API LONG WINAPI lineHold(HCALL hCall);

/* lineUnhold - reconnects a call that is ONHOLD (or ONHOLDPENDCONF /
 * ONHOLDPENDTRANSFER) to CONNECTED.  Asynchronous; owner only.
 * Errors: INVALCALLHANDLE, INVALCALLSTATE, NOTOWNER, OPERATIONUNAVAIL. */
TAPI_API LONG WINAPI lineUnhold(HCALL hCall);

/* ---- Conferences ------------------------------------------------------ */

/* lineSetupConference - starts a conference from CONNECTED hCall (or from
 * nothing, hCall 0 and hLine, with LINEADDRCAPFLAGS_SETUPCONFNULL).
 * Asynchronous; on success *lphConfCall (parent, ONHOLDPENDCONF) and
 * *lphConsultCall (DIALTONE) are written, both owned by the caller alone,
 * and hCall goes CONFERENCED.
 * Errors: INVALCALLHANDLE, INVALLINEHANDLE, INVALCALLSTATE, NOTOWNER,
 * CONFERENCEFULL, INVALCALLPARAMS, USERUSERINFOTOOBIG, OPERATIONUNAVAIL. */
TAPI_API LONG WINAPI lineSetupConference(HCALL hCall, HLINE hLine,
                                         LPHCALL lphConfCall,
                                         LPHCALL lphConsultCall,
                                         DWORD dwNumParties,
                                         LPLINECALLPARAMS const lpCallParams);

/* linePrepareAddToConference - puts a CONNECTED conference parent
 * ONHOLDPENDCONF and creates a consultation call (*lphConsultCall, in
 * DIALTONE) to add another party.  Asynchronous; owner only.
 * Errors: INVALCONFCALLHANDLE, INVALCALLSTATE, NOTOWNER, CONFERENCEFULL,
 * INVALCALLPARAMS, OPERATIONUNAVAIL. */
TAPI_API LONG WINAPI linePrepareAddToConference(HCALL hConfCall,
                                                LPHCALL lphConsultCall,
                                                LPLINECALLPARAMS const lpCallParams);

/* lineAddToConference - adds hConsultCall (CONNECTED, ONHOLD, PROCEEDING
 * or RINGBACK; not itself in a conference) to the conference hConfCall
 * (ONHOLDPENDCONF or ONHOLD).  Asynchronous; owner only.  The added call
 * goes CONFERENCED, the parent CONNECTED.
 * Errors: INVALCONFCALLHANDLE, INVALCONSULTCALLHANDLE, INVALCALLHANDLE,
 * INVALCALLSTATE, NOTOWNER, CONFERENCEFULL, OPERATIONUNAVAIL. */
TAPI_API LONG WINAPI lineAddToConference(HCALL hConfCall,
                                         HCALL hConsultCall);

/* lineRemoveFromConference - removes a CONFERENCED party; it goes to
 * LINEADDRESSCAPS.dwRemoveFromConfState (dwRemoveFromConfCaps says which
 * parties may be removed).  A conference left with two parties reverts to
 * a plain call.  Asynchronous; owner only.
 * Errors: INVALCALLHANDLE, INVALCALLSTATE, NOTOWNER, OPERATIONUNAVAIL. */
TAPI_API LONG WINAPI lineRemoveFromConference(HCALL hCall);

/* lineGetConfRelatedCalls - the calls of the conference that hCall (parent
 * or participant) belongs to; element 0 is the parent.  Handles new to
 * this application have monitor privilege.  Synchronous.
 * Errors: INVALCALLHANDLE, NOCONFERENCE, STRUCTURETOOSMALL. */
TAPI_API LONG WINAPI lineGetConfRelatedCalls(HCALL hCall,
                                             LPLINECALLLIST lpCallList);

/* ---- Transfer --------------------------------------------------------- */

/* lineSetupTransfer - puts CONNECTED hCall ONHOLDPENDTRANSFER and creates a
 * consultation call (*lphConsultCall, in DIALTONE).  Asynchronous; owner
 * only.  Errors: INVALCALLHANDLE, INVALCALLSTATE, NOTOWNER,
 * INVALCALLPARAMS, CALLUNAVAIL, OPERATIONUNAVAIL. */
TAPI_API LONG WINAPI lineSetupTransfer(HCALL hCall, LPHCALL lphConsultCall,
                                       LPLINECALLPARAMS const lpCallParams);

/* lineCompleteTransfer - joins hCall's party and hConsultCall's party.
 * Asynchronous; owner only.  LINETRANSFERMODE_TRANSFER: both calls go IDLE
 * (deallocate them); LINETRANSFERMODE_CONFERENCE: *lphConfCall receives a
 * new parent (CONNECTED) and both calls go CONFERENCED.
 * Errors: INVALCALLHANDLE, INVALCONSULTCALLHANDLE, INVALCALLSTATE,
 * INVALTRANSFERMODE, NOTOWNER, OPERATIONUNAVAIL. */
TAPI_API LONG WINAPI lineCompleteTransfer(HCALL hCall, HCALL hConsultCall,
                                          LPHCALL lphConfCall,
                                          DWORD dwTransferMode);

/* lineBlindTransfer - transfers a CONNECTED call to lpszDestAddress without
 * consultation; this application's call goes IDLE.  Asynchronous; owner
 * only.  Errors: INVALCALLHANDLE, INVALCALLSTATE, NOTOWNER, INVALADDRESS,
 * INVALCOUNTRYCODE, ADDRESSBLOCKED, OPERATIONUNAVAIL. */
TAPI_API LONG WINAPI lineBlindTransfer(HCALL hCall, LPCSTR lpszDestAddress,
                                       DWORD dwCountryCode);

/* ======================================================================
 * The rest of Microsoft's TAPI 2.2 functions.  docs/api.md has, for each,
 * whether it is implemented, what it does on the embedded switch and on SIP
 * lines, and the error and capability bit when it is not available.
 * ====================================================================== */

/* ---- Devices and provider management (see docs/api.md for what each does here) --- */
TAPI_API LONG WINAPI lineGetID(HLINE hLine, DWORD dwAddressID, HCALL hCall,
                               DWORD dwSelect, LPVARSTRING lpDeviceID,
                               LPCSTR lpszDeviceClass);
TAPI_API LONG WINAPI lineGetProviderList(DWORD dwAPIVersion,
                                         LPLINEPROVIDERLIST lpProviderList);
TAPI_API LONG WINAPI lineGetAppPriority(LPCSTR lpszAppFilename, DWORD dwMediaMode,
                                        LPLINEEXTENSIONID lpExtensionID,
                                        DWORD dwRequestMode, LPVARSTRING lpExtensionName,
                                        LPDWORD lpdwPriority);
TAPI_API LONG WINAPI lineSetAppPriority(LPCSTR lpszAppFilename, DWORD dwMediaMode,
                                        LPLINEEXTENSIONID lpExtensionID,
                                        DWORD dwRequestMode, LPCSTR lpszExtensionName,
                                        DWORD dwPriority);
TAPI_API LONG WINAPI lineGetNumRings(HLINE hLine, DWORD dwAddressID,
                                     LPDWORD lpdwNumRings);
TAPI_API LONG WINAPI lineSetNumRings(HLINE hLine, DWORD dwAddressID, DWORD dwNumRings);
TAPI_API LONG WINAPI lineGetDevConfig(DWORD dwDeviceID, LPVARSTRING lpDeviceConfig,
                                      LPCSTR lpszDeviceClass);
TAPI_API LONG WINAPI lineSetDevConfig(DWORD dwDeviceID, LPVOID const lpDeviceConfig,
                                      DWORD dwSize, LPCSTR lpszDeviceClass);
TAPI_API LONG WINAPI lineSetLineDevStatus(HLINE hLine, DWORD dwStatusToChange,
                                          DWORD fStatus);
TAPI_API LONG WINAPI lineSetTerminal(HLINE hLine, DWORD dwAddressID, HCALL hCall,
                                     DWORD dwSelect, DWORD dwTerminalModes,
                                     DWORD dwTerminalID, DWORD bEnable);
TAPI_API LONG WINAPI lineGetIcon(DWORD dwDeviceID, LPCSTR lpszDeviceClass,
                                 LPHICON lphIcon);
TAPI_API LONG WINAPI lineNegotiateExtVersion(HLINEAPP hLineApp, DWORD dwDeviceID,
                                             DWORD dwAPIVersion, DWORD dwExtLowVersion,
                                             DWORD dwExtHighVersion,
                                             LPDWORD lpdwExtVersion);
TAPI_API LONG WINAPI lineDevSpecific(HLINE hLine, DWORD dwAddressID, HCALL hCall,
                                     LPVOID lpParams, DWORD dwSize);
TAPI_API LONG WINAPI lineDevSpecificFeature(HLINE hLine, DWORD dwFeature, LPVOID lpParams,
                                            DWORD dwSize);
TAPI_API LONG WINAPI lineConfigDialog(DWORD dwDeviceID, HWND hwndOwner,
                                      LPCSTR lpszDeviceClass);
TAPI_API LONG WINAPI lineConfigDialogEdit(DWORD dwDeviceID, HWND hwndOwner,
                                          LPCSTR lpszDeviceClass,
                                          LPVOID const lpDeviceConfigIn, DWORD dwSize,
                                          LPVARSTRING lpDeviceConfigOut);
TAPI_API LONG WINAPI lineAddProvider(LPCSTR lpszProviderFilename, HWND hwndOwner,
                                     LPDWORD lpdwPermanentProviderID);
TAPI_API LONG WINAPI lineConfigProvider(HWND hwndOwner, DWORD dwPermanentProviderID);
TAPI_API LONG WINAPI lineRemoveProvider(DWORD dwPermanentProviderID, HWND hwndOwner);

/* ---- Call data, parameters and media ----------------------------------- */
TAPI_API LONG WINAPI lineSetCallData(HCALL hCall, LPVOID lpCallData, DWORD dwSize);
TAPI_API LONG WINAPI lineSetCallParams(HCALL hCall, DWORD dwBearerMode, DWORD dwMinRate,
                                       DWORD dwMaxRate,
                                       LPLINEDIALPARAMS const lpDialParams);
TAPI_API LONG WINAPI lineSetCallTreatment(HCALL hCall, DWORD dwTreatment);
TAPI_API LONG WINAPI lineSetCallQualityOfService(HCALL hCall, LPVOID lpSendingFlowspec,
                                                 DWORD dwSendingFlowspecSize,
                                                 LPVOID lpReceivingFlowspec,
                                                 DWORD dwReceivingFlowspecSize);
TAPI_API LONG WINAPI lineSetMediaMode(HCALL hCall, DWORD dwMediaModes);
TAPI_API LONG WINAPI lineMonitorMedia(HCALL hCall, DWORD dwMediaModes);
TAPI_API LONG WINAPI lineSetMediaControl(HLINE hLine, DWORD dwAddressID, HCALL hCall,
                                         DWORD dwSelect,
                                         LPLINEMEDIACONTROLDIGIT const lpDigitList,
                                         DWORD dwDigitNumEntries,
                                         LPLINEMEDIACONTROLMEDIA const lpMediaList,
                                         DWORD dwMediaNumEntries,
                                         LPLINEMEDIACONTROLTONE const lpToneList,
                                         DWORD dwToneNumEntries,
                                         LPLINEMEDIACONTROLCALLSTATE const lpCallStateList,
                                         DWORD dwCallStateNumEntries);

/* ---- Routing features -------------------------------------------------- */
TAPI_API LONG WINAPI lineForward(HLINE hLine, DWORD bAllAddresses, DWORD dwAddressID,
                                 LPLINEFORWARDLIST const lpForwardList,
                                 DWORD dwNumRingsNoAnswer, LPHCALL lphConsultCall,
                                 LPLINECALLPARAMS const lpCallParams);
TAPI_API LONG WINAPI lineRedirect(HCALL hCall, LPCSTR lpszDestAddress,
                                  DWORD dwCountryCode);
TAPI_API LONG WINAPI linePark(HCALL hCall, DWORD dwParkMode, LPCSTR lpszDirAddress,
                              LPVARSTRING lpNonDirAddress);
TAPI_API LONG WINAPI lineUnpark(HLINE hLine, DWORD dwAddressID, LPHCALL lphCall,
                                LPCSTR lpszDestAddress);
TAPI_API LONG WINAPI linePickup(HLINE hLine, DWORD dwAddressID, LPHCALL lphCall,
                                LPCSTR lpszDestAddress, LPCSTR lpszGroupID);
TAPI_API LONG WINAPI lineSwapHold(HCALL hActiveCall, HCALL hHeldCall);
TAPI_API LONG WINAPI lineCompleteCall(HCALL hCall, LPDWORD lpdwCompletionID,
                                      DWORD dwCompletionMode, DWORD dwMessageID);
TAPI_API LONG WINAPI lineUncompleteCall(HLINE hLine, DWORD dwCompletionID);
TAPI_API LONG WINAPI lineHandoff(HCALL hCall, LPCSTR lpszFileName, DWORD dwMediaMode);
TAPI_API LONG WINAPI lineSecureCall(HCALL hCall);

/* ---- Digits and tones -------------------------------------------------- */
TAPI_API LONG WINAPI lineGenerateDigits(HCALL hCall, DWORD dwDigitMode, LPCSTR lpszDigits,
                                        DWORD dwDuration);
TAPI_API LONG WINAPI lineGenerateTone(HCALL hCall, DWORD dwToneMode, DWORD dwDuration,
                                      DWORD dwNumTones, LPLINEGENERATETONE const lpTones);
TAPI_API LONG WINAPI lineMonitorDigits(HCALL hCall, DWORD dwDigitModes);
TAPI_API LONG WINAPI lineGatherDigits(HCALL hCall, DWORD dwDigitModes, LPSTR lpsDigits,
                                      DWORD dwNumDigits, LPCSTR lpszTerminationDigits,
                                      DWORD dwFirstDigitTimeout,
                                      DWORD dwInterDigitTimeout);
TAPI_API LONG WINAPI lineMonitorTones(HCALL hCall, LPLINEMONITORTONE const lpToneList,
                                      DWORD dwNumEntries);

/* ---- Dialing rules (locations from the [location] sections of the configuration) --- */
TAPI_API LONG WINAPI lineTranslateAddress(HLINEAPP hLineApp, DWORD dwDeviceID,
                                          DWORD dwAPIVersion, LPCSTR lpszAddressIn,
                                          DWORD dwCard, DWORD dwTranslateOptions,
                                          LPLINETRANSLATEOUTPUT lpTranslateOutput);
TAPI_API LONG WINAPI lineGetTranslateCaps(HLINEAPP hLineApp, DWORD dwAPIVersion,
                                          LPLINETRANSLATECAPS lpTranslateCaps);
TAPI_API LONG WINAPI lineSetCurrentLocation(HLINEAPP hLineApp, DWORD dwLocation);
TAPI_API LONG WINAPI lineSetTollList(HLINEAPP hLineApp, DWORD dwDeviceID,
                                     LPCSTR lpszAddressIn, DWORD dwTollListOption);
TAPI_API LONG WINAPI lineGetCountry(DWORD dwCountryID, DWORD dwAPIVersion,
                                    LPLINECOUNTRYLIST lpLineCountryList);
TAPI_API LONG WINAPI tapiGetLocationInfo(LPSTR lpszCountryCode, LPSTR lpszCityCode);
TAPI_API LONG WINAPI lineTranslateDialog(HLINEAPP hLineApp, DWORD dwDeviceID,
                                         DWORD dwAPIVersion, HWND hwndOwner,
                                         LPCSTR lpszAddressIn);

/* ---- Assisted telephony ------------------------------------------------ */
TAPI_API LONG WINAPI tapiRequestMakeCall(LPCSTR lpszDestAddress, LPCSTR lpszAppName,
                                         LPCSTR lpszCalledParty, LPCSTR lpszComment);
TAPI_API LONG WINAPI tapiRequestMediaCall(HWND hwnd, WPARAM wRequestID,
                                          LPCSTR lpszDeviceClass, LPCSTR lpDeviceID,
                                          DWORD dwSize, DWORD dwSecure,
                                          LPCSTR lpszDestAddress, LPCSTR lpszAppName,
                                          LPCSTR lpszCalledParty, LPCSTR lpszComment);
TAPI_API LONG WINAPI tapiRequestDrop(HWND hwnd, WPARAM wRequestID);
TAPI_API LONG WINAPI lineRegisterRequestRecipient(HLINEAPP hLineApp,
                                                  DWORD dwRegistrationInstance,
                                                  DWORD dwRequestMode, DWORD bEnable);
TAPI_API LONG WINAPI lineGetRequest(HLINEAPP hLineApp, DWORD dwRequestMode,
                                    LPVOID lpRequestBuffer);

/* ---- Call-centre (agent) functions and the ACD proxy ------------------- */
TAPI_API LONG WINAPI lineAgentSpecific(HLINE hLine, DWORD dwAddressID,
                                       DWORD dwAgentExtensionIDIndex, LPVOID lpParams,
                                       DWORD dwSize);
TAPI_API LONG WINAPI lineCreateAgent(HLINE hLine, LPSTR lpszAgentID, LPSTR lpszAgentPIN,
                                     LPHAGENT lphAgent);
TAPI_API LONG WINAPI lineCreateAgentSession(HLINE hLine, HAGENT hAgent,
                                            LPSTR lpszAgentPIN, DWORD dwWorkingAddressID,
                                            LPGUID lpGroupID,
                                            LPHAGENTSESSION lphAgentSession);
TAPI_API LONG WINAPI lineGetAgentActivityList(HLINE hLine, DWORD dwAddressID,
                                              LPLINEAGENTACTIVITYLIST lpAgentActivityList);
TAPI_API LONG WINAPI lineGetAgentCaps(HLINEAPP hLineApp, DWORD dwDeviceID,
                                      DWORD dwAddressID, DWORD dwAppAPIVersion,
                                      LPLINEAGENTCAPS lpAgentCaps);
TAPI_API LONG WINAPI lineGetAgentGroupList(HLINE hLine, DWORD dwAddressID,
                                           LPLINEAGENTGROUPLIST lpAgentGroupList);
TAPI_API LONG WINAPI lineGetAgentInfo(HLINE hLine, HAGENT hAgent,
                                      LPLINEAGENTINFO lpAgentInfo);
TAPI_API LONG WINAPI lineGetAgentSessionInfo(HLINE hLine, HAGENTSESSION hAgentSession,
                                             LPLINEAGENTSESSIONINFO lpAgentSessionInfo);
TAPI_API LONG WINAPI lineGetAgentSessionList(HLINE hLine, HAGENT hAgent,
                                             LPLINEAGENTSESSIONLIST lpAgentSessionList);
TAPI_API LONG WINAPI lineGetAgentStatus(HLINE hLine, DWORD dwAddressID,
                                        LPLINEAGENTSTATUS lpAgentStatus);
TAPI_API LONG WINAPI lineGetGroupList(HLINE hLine, LPLINEAGENTGROUPLIST lpGroupList);
TAPI_API LONG WINAPI lineGetProxyStatus(HLINEAPP hLineApp, DWORD dwDeviceID,
                                        DWORD dwAppAPIVersion,
                                        LPLINEPROXYREQUESTLIST lpLineProxyReqestList);
TAPI_API LONG WINAPI lineGetQueueInfo(HLINE hLine, DWORD dwQueueID,
                                      LPLINEQUEUEINFO lpLineQueueInfo);
TAPI_API LONG WINAPI lineGetQueueList(HLINE hLine, LPGUID lpGroupID,
                                      LPLINEQUEUELIST lpQueueList);
TAPI_API LONG WINAPI lineProxyMessage(HLINE hLine, HCALL hCall, DWORD dwMsg,
                                      DWORD dwParam1, DWORD dwParam2, DWORD dwParam3);
TAPI_API LONG WINAPI lineProxyResponse(HLINE hLine, LPLINEPROXYREQUEST lpProxyRequest,
                                       DWORD dwResult);
TAPI_API LONG WINAPI lineSetAgentActivity(HLINE hLine, DWORD dwAddressID,
                                          DWORD dwActivityID);
TAPI_API LONG WINAPI lineSetAgentGroup(HLINE hLine, DWORD dwAddressID,
                                       LPLINEAGENTGROUPLIST lpAgentGroupList);
TAPI_API LONG WINAPI lineSetAgentMeasurementPeriod(HLINE hLine, HAGENT hAgent,
                                                   DWORD dwMeasurementPeriod);
TAPI_API LONG WINAPI lineSetAgentSessionState(HLINE hLine, HAGENTSESSION hAgentSession,
                                              DWORD dwAgentSessionState,
                                              DWORD dwNextAgentSessionState);
TAPI_API LONG WINAPI lineSetAgentState(HLINE hLine, DWORD dwAddressID, DWORD dwAgentState,
                                       DWORD dwNextAgentState);
TAPI_API LONG WINAPI lineSetAgentStateEx(HLINE hLine, HAGENT hAgent, DWORD dwAgentState,
                                         DWORD dwNextAgentState);
TAPI_API LONG WINAPI lineSetQueueMeasurementPeriod(HLINE hLine, DWORD dwQueueID,
                                                   DWORD dwMeasurementPeriod);

/* ---- Phone devices ----------------------------------------------------- */
TAPI_API LONG WINAPI phoneInitialize(LPHPHONEAPP lphPhoneApp, HINSTANCE hInstance,
                                     PHONECALLBACK lpfnCallback, LPCSTR lpszAppName,
                                     LPDWORD lpdwNumDevs);
TAPI_API LONG WINAPI phoneInitializeEx(LPHPHONEAPP lphPhoneApp, HINSTANCE hInstance,
                                       PHONECALLBACK lpfnCallback,
                                       LPCSTR lpszFriendlyAppName, LPDWORD lpdwNumDevs,
                                       LPDWORD lpdwAPIVersion,
                                       LPPHONEINITIALIZEEXPARAMS lpPhoneInitializeExParams);
TAPI_API LONG WINAPI phoneShutdown(HPHONEAPP hPhoneApp);
TAPI_API LONG WINAPI phoneGetMessage(HPHONEAPP hPhoneApp, LPPHONEMESSAGE lpMessage,
                                     DWORD dwTimeout);
TAPI_API LONG WINAPI phoneNegotiateAPIVersion(HPHONEAPP hPhoneApp, DWORD dwDeviceID,
                                              DWORD dwAPILowVersion,
                                              DWORD dwAPIHighVersion,
                                              LPDWORD lpdwAPIVersion,
                                              LPPHONEEXTENSIONID lpExtensionID);
TAPI_API LONG WINAPI phoneNegotiateExtVersion(HPHONEAPP hPhoneApp, DWORD dwDeviceID,
                                              DWORD dwAPIVersion, DWORD dwExtLowVersion,
                                              DWORD dwExtHighVersion,
                                              LPDWORD lpdwExtVersion);
TAPI_API LONG WINAPI phoneGetDevCaps(HPHONEAPP hPhoneApp, DWORD dwDeviceID,
                                     DWORD dwAPIVersion, DWORD dwExtVersion,
                                     LPPHONECAPS lpPhoneCaps);
TAPI_API LONG WINAPI phoneGetIcon(DWORD dwDeviceID, LPCSTR lpszDeviceClass,
                                  LPHICON lphIcon);
TAPI_API LONG WINAPI phoneConfigDialog(DWORD dwDeviceID, HWND hwndOwner,
                                       LPCSTR lpszDeviceClass);
TAPI_API LONG WINAPI phoneOpen(HPHONEAPP hPhoneApp, DWORD dwDeviceID, LPHPHONE lphPhone,
                               DWORD dwAPIVersion, DWORD dwExtVersion,
                               DWORD_PTR dwCallbackInstance, DWORD dwPrivilege);
TAPI_API LONG WINAPI phoneClose(HPHONE hPhone);
TAPI_API LONG WINAPI phoneGetID(HPHONE hPhone, LPVARSTRING lpDeviceID,
                                LPCSTR lpszDeviceClass);
TAPI_API LONG WINAPI phoneDevSpecific(HPHONE hPhone, LPVOID lpParams, DWORD dwSize);
TAPI_API LONG WINAPI phoneGetButtonInfo(HPHONE hPhone, DWORD dwButtonLampID,
                                        LPPHONEBUTTONINFO lpButtonInfo);
TAPI_API LONG WINAPI phoneSetButtonInfo(HPHONE hPhone, DWORD dwButtonLampID,
                                        LPPHONEBUTTONINFO const lpButtonInfo);
TAPI_API LONG WINAPI phoneGetData(HPHONE hPhone, DWORD dwDataID, LPVOID lpData,
                                  DWORD dwSize);
TAPI_API LONG WINAPI phoneSetData(HPHONE hPhone, DWORD dwDataID, LPVOID const lpData,
                                  DWORD dwSize);
TAPI_API LONG WINAPI phoneGetDisplay(HPHONE hPhone, LPVARSTRING lpDisplay);
TAPI_API LONG WINAPI phoneSetDisplay(HPHONE hPhone, DWORD dwRow, DWORD dwColumn,
                                     LPCSTR lpsDisplay, DWORD dwSize);
TAPI_API LONG WINAPI phoneGetGain(HPHONE hPhone, DWORD dwHookSwitchDev, LPDWORD lpdwGain);
TAPI_API LONG WINAPI phoneSetGain(HPHONE hPhone, DWORD dwHookSwitchDev, DWORD dwGain);
TAPI_API LONG WINAPI phoneGetHookSwitch(HPHONE hPhone, LPDWORD lpdwHookSwitchDevs);
TAPI_API LONG WINAPI phoneSetHookSwitch(HPHONE hPhone, DWORD dwHookSwitchDevs,
                                        DWORD dwHookSwitchMode);
TAPI_API LONG WINAPI phoneGetLamp(HPHONE hPhone, DWORD dwButtonLampID,
                                  LPDWORD lpdwLampMode);
TAPI_API LONG WINAPI phoneSetLamp(HPHONE hPhone, DWORD dwButtonLampID, DWORD dwLampMode);
TAPI_API LONG WINAPI phoneGetRing(HPHONE hPhone, LPDWORD lpdwRingMode,
                                  LPDWORD lpdwVolume);
TAPI_API LONG WINAPI phoneSetRing(HPHONE hPhone, DWORD dwRingMode, DWORD dwVolume);
TAPI_API LONG WINAPI phoneGetStatus(HPHONE hPhone, LPPHONESTATUS lpPhoneStatus);
TAPI_API LONG WINAPI phoneGetStatusMessages(HPHONE hPhone, LPDWORD lpdwPhoneStates,
                                            LPDWORD lpdwButtonModes,
                                            LPDWORD lpdwButtonStates);
TAPI_API LONG WINAPI phoneSetStatusMessages(HPHONE hPhone, DWORD dwPhoneStates,
                                            DWORD dwButtonModes, DWORD dwButtonStates);
TAPI_API LONG WINAPI phoneGetVolume(HPHONE hPhone, DWORD dwHookSwitchDev,
                                    LPDWORD lpdwVolume);
TAPI_API LONG WINAPI phoneSetVolume(HPHONE hPhone, DWORD dwHookSwitchDev, DWORD dwVolume);

/* ======================================================================
 * The Windows ANSI names.  (Windows also has "...W" Unicode functions;
 * opentapi has none.)
 * ====================================================================== */

#define lineBlindTransferA          lineBlindTransfer
#define lineDialA                   lineDial
#define lineGetAddressCapsA         lineGetAddressCaps
#define lineGetAddressIDA           lineGetAddressID
#define lineGetAddressStatusA       lineGetAddressStatus
#define lineGetCallInfoA            lineGetCallInfo
#define lineGetDevCapsA             lineGetDevCaps
#define lineGetLineDevStatusA       lineGetLineDevStatus
#define lineInitializeExA           lineInitializeEx
#define lineMakeCallA               lineMakeCall
#define lineOpenA                   lineOpen
#define linePrepareAddToConferenceA linePrepareAddToConference
#define lineSetupConferenceA        lineSetupConference
#define lineSetupTransferA          lineSetupTransfer

#define lineAddProviderA               lineAddProvider
#define lineConfigDialogA              lineConfigDialog
#define lineConfigDialogEditA          lineConfigDialogEdit
#define lineCreateAgentA               lineCreateAgent
#define lineCreateAgentSessionA        lineCreateAgentSession
#define lineForwardA                   lineForward
#define lineGatherDigitsA              lineGatherDigits
#define lineGenerateDigitsA            lineGenerateDigits
#define lineGetAgentActivityListA      lineGetAgentActivityList
#define lineGetAgentCapsA              lineGetAgentCaps
#define lineGetAgentGroupListA         lineGetAgentGroupList
#define lineGetAgentStatusA            lineGetAgentStatus
#define lineGetAppPriorityA            lineGetAppPriority
#define lineGetCountryA                lineGetCountry
#define lineGetDevConfigA              lineGetDevConfig
#define lineGetGroupListA              lineGetGroupList
#define lineGetIDA                     lineGetID
#define lineGetIconA                   lineGetIcon
#define lineGetProviderListA           lineGetProviderList
#define lineGetQueueListA              lineGetQueueList
#define lineGetRequestA                lineGetRequest
#define lineGetTranslateCapsA          lineGetTranslateCaps
#define lineHandoffA                   lineHandoff
#define lineParkA                      linePark
#define linePickupA                    linePickup
#define lineRedirectA                  lineRedirect
#define lineSetAppPriorityA            lineSetAppPriority
#define lineSetDevConfigA              lineSetDevConfig
#define lineSetTollListA               lineSetTollList
#define lineTranslateAddressA          lineTranslateAddress
#define lineTranslateDialogA           lineTranslateDialog
#define lineUnparkA                    lineUnpark
#define phoneConfigDialogA             phoneConfigDialog
#define phoneGetButtonInfoA            phoneGetButtonInfo
#define phoneGetDevCapsA               phoneGetDevCaps
#define phoneGetIDA                    phoneGetID
#define phoneGetIconA                  phoneGetIcon
#define phoneGetStatusA                phoneGetStatus
#define phoneInitializeExA             phoneInitializeEx
#define phoneSetButtonInfoA            phoneSetButtonInfo
#define tapiGetLocationInfoA           tapiGetLocationInfo
#define tapiRequestMakeCallA           tapiRequestMakeCall
#define tapiRequestMediaCallA          tapiRequestMediaCall

#ifdef __cplusplus
}
#endif

#endif /* OPENTAPI_TAPI_H */
