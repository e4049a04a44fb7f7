/* Stand-in for <windows.h>, just enough to compile mingw-w64's tapi.h with
 * the host compiler (tests/abi/check.sh).  Types have their Windows LLP64
 * sizes: DWORD/LONG 32-bit, pointers and *_PTR pointer-sized. */
#ifndef ABI_SHIM_WINDOWS_H
#define ABI_SHIM_WINDOWS_H

#include "basetsd.h"

/* mingw-w64 helper macros.  On Windows "long" is 32-bit, so a
 * __MSABI_LONG(n) constant is a 32-bit signed value like a plain int here. */
#define __LONG32 int
#define __MSABI_LONG(x) x
#define __C89_NAMELESS
#define WINAPI
#define CALLBACK
#define WM_USER 0x0400

typedef unsigned char BYTE;
typedef unsigned short WORD;
typedef unsigned int DWORD;
typedef int LONG;
typedef int BOOL;
typedef unsigned short WCHAR;
typedef void *HANDLE;
typedef void *HWND;
typedef void *HICON;
typedef void *HINSTANCE;
typedef void *LPVOID;
typedef DWORD *LPDWORD;
typedef const char *LPCSTR;
typedef char *LPSTR;
typedef const WCHAR *LPCWSTR;
typedef WCHAR *LPWSTR;
typedef UINT_PTR WPARAM;

typedef struct _SYSTEMTIME {
    WORD wYear;
    WORD wMonth;
    WORD wDayOfWeek;
    WORD wDay;
    WORD wHour;
    WORD wMinute;
    WORD wSecond;
    WORD wMilliseconds;
} SYSTEMTIME, *PSYSTEMTIME, *LPSYSTEMTIME;

#endif
