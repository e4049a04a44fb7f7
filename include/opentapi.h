/* opentapi.h - opentapi's own extensions to the TAPI 2.x API in tapi.h.
 *
 * Nothing here exists on Windows.  These functions configure the library
 * (which service providers and lines exist), drive the embedded switch's clock
 * from tests, and turn TAPI constants into names for logs and tools.
 * All functions may be called from any thread. */
#ifndef OPENTAPI_H
#define OPENTAPI_H

#include "tapi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OPENTAPI_VERSION_STRING "0.1.0"

/* Configuration.  The configuration is read when the first application
 * initializes (lineInitialize/lineInitializeEx) and dropped when the last one
 * shuts down.  Its source, first match wins:
 *   1. the text given to otSetConfig() (NULL returns to the default);
 *   2. the file named by the environment variable OPENTAPI_CONFIG;
 *   3. the built-in default topology of the embedded switch (otDefaultConfig()).
 * The format is described in docs/configuration.md.  lineInitialize(Ex) fails
 *   - with LINEERR_OPERATIONFAILED when the OPENTAPI_CONFIG file cannot be read
 *     (missing, a directory, not readable: the reason, strerror's, is printed);
 *   - with LINEERR_INIFILECORRUPT when the configuration is not valid: it does
 *     not parse (an empty file, a NUL byte or any byte that is not UTF-8 text,
 *     an unknown key, a bad value...), it names a provider this build lacks, or
 *     a provider refuses its keys (e.g. a SIP line's "uri");
 *   - with LINEERR_NODRIVER when a valid configuration cannot start for a
 *     reason of the moment, e.g. a SIP line's address already in use.
 * The reason is printed on stderr, non-printable bytes escaped as \xNN.
 * otSetConfig returns LINEERR_INUSE while applications are initialized. */
TAPI_API LONG otSetConfig(LPCSTR lpszConfigText);
TAPI_API LPCSTR otDefaultConfig(void);
/* Check a configuration without using it, with exactly the checks start-up
 * makes (providers' keys included), so that 0 means lineInitialize(Ex) starts
 * it unless a run-time condition stops it.  Return 0 or the error start-up
 * would give (LINEERR_INIFILECORRUPT; for a file also LINEERR_OPERATIONFAILED),
 * with the reason in lpszError ("line 7: ..."; "" on success), truncated to
 * dwErrorSize.  otCheckConfig checks a text; otCheckConfigFile reads a file as
 * OPENTAPI_CONFIG is read, so it also sees NUL bytes and an empty file. */
TAPI_API LONG otCheckConfig(LPCSTR lpszConfigText, LPSTR lpszError, DWORD dwErrorSize);
TAPI_API LONG otCheckConfigFile(LPCSTR lpszPath, LPSTR lpszError, DWORD dwErrorSize);

/* The clock behind every timer of the library (e.g. the switch's no-answer
 * timer).  In manual mode time stands still until otClockAdvance() moves it;
 * due timers then fire on the calling thread before it returns.  The mode can
 * also be set with OPENTAPI_CLOCK=manual in the environment. */
TAPI_API LONG otClockSetManual(BOOL bManual);
TAPI_API LONG otClockAdvance(DWORD dwMilliseconds);

/* Counters of live internal objects, for leak checks in tests and tools. */
typedef struct otstats_tag {
    DWORD dwApps;
    DWORD dwCalls;       /* call objects, all lines */
    DWORD dwCallHandles; /* HCALLs held by applications */
    DWORD dwRequests;    /* asynchronous requests not yet completed */
    DWORD dwProviderCalls; /* calls the providers still hold */
} OTSTATS;
TAPI_API LONG otGetStats(OTSTATS *lpStats);
/* The same counters of the telephony service this process is connected to
 * (client mode, docs/service.md): dwApps counts the clients' applications.
 * LINEERR_OPERATIONUNAVAIL when no application of this process uses a service. */
TAPI_API LONG otGetServiceStats(OTSTATS *lpStats);

/* Logging.  The library writes what goes wrong (and, when asked, what it does)
 * to stderr, one line per record: "opentapi: LEVEL: CATEGORY: message".
 * OPENTAPI_LOG in the environment chooses what is written: a level (off,
 * error, warn, info, debug, trace; warn is the default) and/or CATEGORY=LEVEL
 * pairs, comma-separated, e.g. "debug,sip=trace" or "warn,config=error".
 * Categories: core, config, sim, sip.  "1" means debug and "0" off (older
 * spelling).  The environment is read once, at the first record.
 * otSetLogHandler sends the records that pass that filter to fn instead of
 * stderr (NULL returns to stderr).  fn is called on whatever thread logs,
 * possibly with library locks held, one record at a time: it must return
 * quickly and must not call opentapi functions. */
#define OTLOG_ERROR 1
#define OTLOG_WARN  2
#define OTLOG_INFO  3
#define OTLOG_DEBUG 4
#define OTLOG_TRACE 5
typedef void (*OTLOGHANDLER)(DWORD dwLevel, LPCSTR lpszCategory, LPCSTR lpszMessage,
                             void *pContext);
TAPI_API LONG otSetLogHandler(OTLOGHANDLER lpfnHandler, void *pContext);
/* The level a category logs at (OTLOG_*, 0 = off), as OPENTAPI_LOG set it;
 * lpszCategory NULL: the default level. */
TAPI_API DWORD otGetLogLevel(LPCSTR lpszCategory);

/* Names of constants ("CONNECTED", "NORMAL", "LINEERR_INVALCALLHANDLE"...).
 * Unknown values give "?" (never NULL). */
TAPI_API LPCSTR otCallStateName(DWORD dwCallState);
TAPI_API LPCSTR otCallStateModeName(DWORD dwCallState, DWORD dwMode);
TAPI_API LPCSTR otMessageName(DWORD dwMessageID);
TAPI_API LPCSTR otErrorName(LONG lResult);

#ifdef __cplusplus
}
#endif
#endif
