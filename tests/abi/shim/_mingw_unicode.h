/* Stand-in for mingw-w64's <_mingw_unicode.h>: ANSI build (no UNICODE). */
#ifndef ABI_SHIM_MINGW_UNICODE_H
#define ABI_SHIM_MINGW_UNICODE_H
#define __MINGW_NAME_AW(func) func##A
#endif
