/* Stand-in for <oaidl.h>: the two OLE types mingw's tapi.h uses in its
 * agent structures (see windows.h in this directory). */
#ifndef ABI_SHIM_OAIDL_H
#define ABI_SHIM_OAIDL_H
typedef double DATE;
typedef union tagCY {
    struct {
        unsigned int Lo;
        int Hi;
    } s;
    long long int64;
} CY, CURRENCY;
#endif
