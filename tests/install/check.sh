#!/usr/bin/env bash
# tests/install/check.sh - `make install PREFIX=tmp`, then build the documented
# TAPI sample against the installed library with pkg-config, shared and static,
# and run both (the sample checks every message it gets, in order).  Then the
# TAPI 3 example (examples/tapi3_call.c) built against the installed tapi3.h and
# run.  Also checks that the shared library exports only TAPI names.
set -eu
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -s --no-print-directory install PREFIX="$tmp/prefix" >/dev/null
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
for f in include/tapi.h include/tapi3.h include/opentapi.h lib/libopentapi.a lib/libopentapi.so \
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
# TAPI 3: the installed tapi3.h compiles on its own (and as C++ where a C++
# compiler exists), and a TAPI 3 program built against it runs
printf '#include <tapi3.h>\nint t3_use(void);\nint t3_use(void) { return (int)sizeof(ITTAPI *) + (int)CS_IDLE; }\n' >"$tmp/t3.c"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -c -o "$tmp/t3.o" "$tmp/t3.c" $(pkg-config --cflags opentapi)
if command -v c++ >/dev/null 2>&1; then
    cp "$tmp/t3.c" "$tmp/t3.cpp"
    # shellcheck disable=SC2046
    c++ -std=c++11 -Wall -Wextra -Werror -c -o "$tmp/t3cpp.o" "$tmp/t3.cpp" $(pkg-config --cflags opentapi)
fi
# shellcheck disable=SC2046
cc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -o "$tmp/tapi3_call" examples/tapi3_call.c \
    $(pkg-config --cflags --libs opentapi)
LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/tapi3_call" >"$tmp/tapi3_call.out" ||
    { cat "$tmp/tapi3_call.out"; echo "install: the TAPI 3 example failed"; exit 1; }
bad=$(nm -D --defined-only "$tmp/prefix/lib/libopentapi.so" | awk '{print $3}' \
      | grep -Ev '^(line[A-Z]|ot[A-Z]|_init$|_fini$|__bss_start$|_edata$|_end$)' || true)
if [ -n "$bad" ]; then
    echo "install: the shared library exports non-API symbols:"; echo "$bad"; exit 1
fi
echo "install: ok (shared and static sample ran, every message checked; tapi3.h installed, compiled, TAPI 3 example ran; exports are TAPI and ot* only)"
