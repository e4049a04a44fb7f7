#!/usr/bin/env bash
# tests/install/check.sh - `make install PREFIX=tmp`, then build the documented
# TAPI sample against the installed library with pkg-config, shared and static,
# and run both (the sample checks every message it gets, in order).  Then the
# TAPI 3 example (examples/tapi3_call.c) built against the installed tapi3.h and
# run, and the ACD proxy example (examples/acd_proxy.c).  Also checks that the shared library exports only TAPI names.
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
# The ACD proxy example (examples/acd_proxy.c): a proxy and an agent application.
# shellcheck disable=SC2046
cc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -pthread -o "$tmp/acd_proxy" \
    examples/acd_proxy.c $(pkg-config --cflags --libs opentapi)
LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/acd_proxy" >"$tmp/acd_proxy.out" ||
    { cat "$tmp/acd_proxy.out"; echo "install: the ACD proxy example failed"; exit 1; }
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
echo "install: shared and static sample ran, every message checked; tapi3.h installed, compiled, TAPI 3 example ran; exports are TAPI and ot* only"

# --- rpath, static link, CMake, man page, uninstall (issue 13) ------------------------------
# A program linked as the README says runs as it is: opentapi.pc hands out an rpath for a
# prefix outside the linker's search path, so no LD_LIBRARY_PATH is needed.
case " $(pkg-config --libs opentapi) " in
    *" -Wl,-rpath,$tmp/prefix/lib "*) ;;
    *) echo "install: opentapi.pc gives no rpath: $(pkg-config --libs opentapi)"; exit 1 ;;
esac
out=$(env -u LD_LIBRARY_PATH "$tmp/sample" 2>&1) || {
    echo "install: the pkg-config-linked sample does not run without LD_LIBRARY_PATH:"
    echo "$out"; exit 1; }
lib=$(ldd "$tmp/sample" | awk '/libopentapi/ {print $3}')
[ "$lib" = "$tmp/prefix/lib/libopentapi.so.0" ] || {
    echo "install: the sample loads libopentapi from '$lib', not $tmp/prefix/lib"; exit 1; }
# Static: `pkg-config --static --libs` names everything (Requires.private: sofia-sip-ua brings
# OpenSSL), so a fully static program links and runs.
if grep -q '^Requires.private: sofia-sip-ua' "$tmp/prefix/lib/pkgconfig/opentapi.pc"; then
    for want in -lsofia-sip-ua -lssl -lcrypto; do
        case " $(pkg-config --static --libs opentapi) " in
            *" $want "*) ;;
            *) echo "install: --static --libs lacks $want: $(pkg-config --static --libs opentapi)"
               exit 1 ;;
        esac
    done
fi
# shellcheck disable=SC2046
cc -static -std=c11 -Wall -Wextra -Werror -o "$tmp/sample-full-static" tests/install/sample.c \
    $(pkg-config --cflags --static --libs opentapi) 2>"$tmp/static.log" || {
    echo "install: cc -static \$(pkg-config --static --libs opentapi) does not link:"
    cat "$tmp/static.log"; exit 1; }
if readelf -l "$tmp/sample-full-static" | grep -q INTERP; then
    echo "install: sample-full-static asks for a dynamic loader (not static)"; exit 1
fi
"$tmp/sample-full-static" >/dev/null
# CMake: find_package(opentapi) gives opentapi::opentapi; the program runs as built.
mkdir -p "$tmp/cm"
cp tests/install/sample.c "$tmp/cm/"
cat > "$tmp/cm/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.13)
project(sample C)
find_package(opentapi 0.1 REQUIRED)
add_executable(sample sample.c)
target_link_libraries(sample PRIVATE opentapi::opentapi)
CMAKE
cmake -S "$tmp/cm" -B "$tmp/cm/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" >"$tmp/cmake.log" 2>&1 &&
    cmake --build "$tmp/cm/build" >>"$tmp/cmake.log" 2>&1 || {
    echo "install: the CMake consumer does not build:"; cat "$tmp/cmake.log"; exit 1; }
env -u LD_LIBRARY_PATH "$tmp/cm/build/sample" >/dev/null || {
    echo "install: the CMake-built sample does not run"; exit 1; }
readelf -d "$tmp/cm/build/sample" | grep -Eq "R(UN)?PATH.*$tmp/prefix/lib" || {
    echo "install: the CMake-built sample has no rpath to $tmp/prefix/lib"; exit 1; }
# The man page is installed and formats.
[ -f "$tmp/prefix/share/man/man1/tapi.1" ] || { echo "install: man page tapi.1 missing"; exit 1; }
man_text=$(MANWIDTH=80 man -l "$tmp/prefix/share/man/man1/tapi.1" 2>&1 | col -b)
for want in "tapi demo" "tapi lines" "tapi config" "tapi call" "tapi answer" OPENTAPI_LOG OPENTAPI_CONFIG; do
    grep -q -- "$want" <<<"$man_text" || { echo "install: tapi(1) does not mention '$want'"; exit 1; }
done
# make uninstall removes every installed file.
make -s --no-print-directory uninstall PREFIX="$tmp/prefix" >/dev/null
left=$(find "$tmp/prefix" -type f -o -type l)
[ -z "$left" ] || { echo "install: make uninstall left:"; echo "$left"; exit 1; }
echo "install: ok (rpath, static, CMake consumer, man page, uninstall)"

# --- a system prefix (issue 13): no rpath handed out, ldconfig instead --------------------
# Staged with DESTDIR (as a package build does), so nothing outside $tmp is touched and
# ldconfig is left to the real install.
make -s --no-print-directory install PREFIX=/usr/local DESTDIR="$tmp/stage" >/dev/null
pc="$tmp/stage/usr/local/lib/pkgconfig/opentapi.pc"
grep -q '^Libs: -L${libdir} -lopentapi$' "$pc" || {
    echo "install: opentapi.pc for /usr/local should have no rpath:"; grep '^Libs' "$pc"; exit 1; }
grep -q 'if(FALSE)' "$tmp/stage/usr/local/lib/cmake/opentapi/opentapi-config.cmake" || {
    echo "install: the CMake target for /usr/local should hand out no rpath"; exit 1; }
make -s --no-print-directory uninstall PREFIX=/usr/local DESTDIR="$tmp/stage" >/dev/null
left=$(find "$tmp/stage" -type f -o -type l)
[ -z "$left" ] || { echo "install: make uninstall (DESTDIR) left:"; echo "$left"; exit 1; }
# the install itself (dry run): ldconfig for /usr/local, none for a private prefix
make -n --no-print-directory install PREFIX=/usr/local | grep -q 'then ldconfig; fi' || {
    echo "install: make install PREFIX=/usr/local runs no ldconfig"; exit 1; }
if make -n --no-print-directory install PREFIX="$tmp/prefix" | grep -q ldconfig; then
    echo "install: make install PREFIX=$tmp/prefix runs ldconfig"; exit 1
fi
echo "install: ok (a system prefix gets ldconfig and no rpath; staged install and uninstall)"
