#!/usr/bin/env bash
# tests/link/link.sh - the link test: every line*, phone* and tapi* function
# that Microsoft's tapi.h declares (as Debian's mingw-w64 header has it) must
# link against opentapi, shared and static.
#
# A C file is generated at test time from the function declarations of the
# mingw-w64 tapi.h: it takes the address of every ANSI function (the "...A"
# names through include/tapi.h's aliases, the "...W" Unicode ones are
# Windows-only and left out) and is compiled against include/tapi.h.  It is
# then linked with the library both ways and run: it checks that every
# address is non-NULL and calls nothing else.
#
# Usage: tests/link/link.sh CFLAGS... -- SHARED_LINK_ARGS... -- STATIC_LINK_ARGS...
# (tests/install/check.sh passes the installed library's pkg-config flags).
# Environment: CC (default cc), MINGW_TAPI_H (default
# /usr/share/mingw-w64/include/tapi.h), LD_LIBRARY_PATH for the shared run.
# Exit status: 0 all linked and ran, 1 a failure, 77 skipped (no mingw header).
set -u
CC="${CC:-cc}"
mingw="${MINGW_TAPI_H:-/usr/share/mingw-w64/include/tapi.h}"
if [ ! -r "$mingw" ]; then
    echo "link: SKIP: $mingw not found (install mingw-w64-common)"
    exit 77
fi
cflags=() shared=() static=()
part=0
for a in "$@"; do
    if [ "$a" = "--" ]; then part=$((part + 1)); continue; fi
    case $part in 0) cflags+=("$a") ;; 1) shared+=("$a") ;; *) static+=("$a") ;; esac
done
work=$(mktemp -d "${TMPDIR:-/tmp}/opentapi-link.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

# Every "LONG WINAPI name(" of the header, without the Unicode variants.
grep -oE 'WINAPI[[:space:]]+(line|phone|tapi)[A-Za-z0-9_]*[[:space:]]*\(' "$mingw" |
    sed -E 's/WINAPI[[:space:]]+//; s/[[:space:]]*\($//' | grep -v 'W$' | sort -u >"$work/names"
n=$(wc -l <"$work/names")
[ "$n" -gt 100 ] || { echo "link: only $n functions found in $mingw"; exit 1; }
{
    echo '#include <stdio.h>'
    echo '#include "tapi.h"'
    echo 'typedef void (*fn)(void);'
    echo 'static const struct { const char *name; fn f; } all[] = {'
    sed 's/.*/    {"&", (fn)\&&},/' "$work/names"
    echo '};'
    echo 'int main(void) {'
    echo '    unsigned bad = 0, n = (unsigned)(sizeof(all) / sizeof(all[0]));'
    echo '    for (unsigned i = 0; i < n; i++)'
    echo '        if (!all[i].f) { printf("link: %s is NULL\n", all[i].name); bad++; }'
    echo '    printf("link: %u functions referenced, %u missing\n", n, bad);'
    echo '    return bad != 0;'
    echo '}'
} >"$work/link.c"

rc=0
if ! $CC -std=c11 -Wall -Wextra -Werror -Wno-cast-function-type "${cflags[@]}" -o "$work/link-shared" \
        "$work/link.c" "${shared[@]}" 2>"$work/err"; then
    echo "link: shared link failed:"; grep -E 'undefined reference|error' "$work/err" | head -50
    rc=1
elif ! "$work/link-shared"; then rc=1; fi
if ! $CC -std=c11 -Wall -Wextra -Werror -Wno-cast-function-type "${cflags[@]}" -o "$work/link-static" \
        "$work/link.c" "${static[@]}" 2>"$work/err"; then
    echo "link: static link failed:"; grep -E 'undefined reference|error' "$work/err" | head -50
    rc=1
elif ! "$work/link-static"; then rc=1; fi
[ $rc = 0 ] && echo "link: ok ($n functions of $mingw, shared and static)"
exit $rc
