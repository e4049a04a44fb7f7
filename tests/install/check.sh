#!/usr/bin/env bash
# tests/install/check.sh - `make install PREFIX=tmp`, then build the documented
# TAPI sample against the installed library with pkg-config, shared and static,
# and run both.  Also checks that the shared library exports only TAPI names.
set -eu
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -s --no-print-directory install PREFIX="$tmp/prefix" >/dev/null
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
for f in include/tapi.h include/opentapi.h lib/libopentapi.a lib/libopentapi.so \
         lib/pkgconfig/opentapi.pc bin/tapi; do
    [ -e "$tmp/prefix/$f" ] || { echo "install: $f missing"; exit 1; }
done
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -o "$tmp/sample" tests/install/sample.c \
    $(pkg-config --cflags --libs opentapi)
LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/sample"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -o "$tmp/sample-static" tests/install/sample.c \
    $(pkg-config --cflags opentapi) "$tmp/prefix/lib/libopentapi.a" \
    $(pkg-config --static --libs-only-l opentapi | sed 's/-lopentapi//')
"$tmp/sample-static"
bad=$(nm -D --defined-only "$tmp/prefix/lib/libopentapi.so" | awk '{print $3}' \
      | grep -Ev '^(line[A-Z]|phone[A-Z]|tapi[A-Z]|ot[A-Z]|_init$|_fini$|__bss_start$|_edata$|_end$)' || true)
if [ -n "$bad" ]; then
    echo "install: the shared library exports non-API symbols:"; echo "$bad"; exit 1
fi
# Every function of Microsoft's tapi.h links, shared and static (tests/link/link.sh).
# shellcheck disable=SC2046
LD_LIBRARY_PATH="$tmp/prefix/lib" bash tests/link/link.sh $(pkg-config --cflags opentapi) \
    -- $(pkg-config --libs opentapi) \
    -- "$tmp/prefix/lib/libopentapi.a" $(pkg-config --static --libs-only-l opentapi | sed 's/-lopentapi//') ||
    { r=$?; [ $r = 77 ] || exit 1; }
echo "install: ok (shared and static sample ran; exports are TAPI and ot* only)"
