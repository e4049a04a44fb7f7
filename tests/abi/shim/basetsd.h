/* Stand-in for <basetsd.h> (see windows.h in this directory). */
#ifndef ABI_SHIM_BASETSD_H
#define ABI_SHIM_BASETSD_H
#include <stdint.h>
typedef uintptr_t ULONG_PTR;
typedef uintptr_t DWORD_PTR;
typedef uintptr_t UINT_PTR;
#endif
