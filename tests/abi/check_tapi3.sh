#!/usr/bin/env bash
# tests/abi/check_tapi3.sh - compares include/tapi3.h with mingw-w64's TAPI 3
# headers (tapi3if.h, tapi3err.h, tapi3ds.h) and the COM headers its base
# interfaces and HRESULTs come from (unknwn.h, oaidl.h, ocidl.h, winerror.h,
# olectl.h, wtypes.h, wtypesbase.h).
#
# What is compared (lists are taken from the headers themselves, so anything
# added to include/tapi3.h is checked without editing this script):
#   enumerations  every "typedef enum ... TYPE;" of ours must be one of
#                 mingw's with the same enumerators in the same order; each
#                 enumerator's value, size and signedness must be equal.
#   constants     every object-like #define of ours with a value (HRESULTs,
#                 VARIANT_TRUE, TAPIMEDIATYPE_*, ...; not aliases of another
#                 name such as SysAllocString -> otSysAllocString) must be
#                 defined by mingw (as a macro or an enumerator) with the same
#                 value, size and signedness; every TAPI_E_* of mingw's
#                 tapi3err.h must be ours.
#   vtables       every "typedef struct IFACEVtbl" of ours must be mingw's:
#                 the same methods in the same slots (names, order, count)
#                 and the same number of parameters each.
#
# How: tests/abi/extract3.awk lists the declarations of both sides (ours after
# the preprocessor, since its vtables start with slot macros).  The values are
# printed by two generated programs, one compiled with our header, one with
# mingw's declarations (the enum declarations and the #defines the names need,
# with their dependencies) pasted after a small prelude of Windows types; the
# two outputs are compared line by line.
#
# Environment: CC (default cc), MINGW_INCLUDE (default
# /usr/share/mingw-w64/include), TAPI3_H (the header to check, default
# include/tapi3.h), ABI_KEEP=1 keeps the work directory.
# Exit status: 0 all equal, 1 mismatches (listed), 2 a tool failed,
# 77 skipped because the mingw-w64 headers are not installed.
# CC may hold a command with arguments ("ccache gcc"), and $(paths ...) lists
# mingw's space-free header paths: both are expanded unquoted on purpose.
# shellcheck disable=SC2086,SC2046,SC2013

set -u
set -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ours="${TAPI3_H:-$root/include/tapi3.h}"
inc="${MINGW_INCLUDE:-/usr/share/mingw-w64/include}"
CC="${CC:-cc}"
awkx="$here/extract3.awk"

# ---- allowlists ----------------------------------------------------------
# Numeric #defines of ours that mingw does not have (none today).
EXTRA_OK="
"
# Headers, in the order their definitions win.
ENUM_H="tapi3if.h tapi3ds.h wtypesbase.h"
DEFINE_H="tapi3err.h tapi3if.h tapi3ds.h winerror.h olectl.h wtypes.h"
VTBL_H="tapi3if.h tapi3ds.h unknwn.h oaidl.h ocidl.h"

for h in tapi3if.h tapi3err.h; do
    if [ ! -r "$inc/$h" ]; then
        echo "abi-tapi3: SKIP: $inc/$h not found (install mingw-w64-common or set MINGW_INCLUDE)"
        exit 77
    fi
done
paths() { local h; for h in "$@"; do [ -r "$inc/$h" ] && echo "$inc/$h"; done; }

work=$(mktemp -d "${TMPDIR:-/tmp}/opentapi-abi3.XXXXXX") || exit 2
if [ -n "${ABI_KEEP:-}" ]; then
    echo "abi-tapi3: work directory $work"
else
    trap 'rm -rf "$work"' EXIT
fi

fail() { echo "abi-tapi3: ERROR: $*" >&2; exit 2; }
in_list() { case "$2" in *"
$1
"*) return 0 ;; esac; return 1; }

mismatches=0
report() { echo "MISMATCH: $*"; mismatches=$((mismatches + 1)); }

# ---- extract ---------------------------------------------------------------
awk -v mode=enums -f "$awkx" "$ours" >"$work/ours.enums" || fail "extracting enums from $ours"
awk -v mode=enums -f "$awkx" $(paths $ENUM_H) >"$work/mingw.enums" || fail "extracting mingw's enums"
awk -v mode=defines -f "$awkx" "$ours" >"$work/ours.defines" || fail "extracting defines from $ours"
awk -v mode=defines -f "$awkx" $(paths $DEFINE_H) >"$work/mingw.defines" ||
    fail "extracting mingw's defines"
$CC -E -P -I"$(dirname "$ours")" "$ours" >"$work/ours.i" 2>"$work/cc.err" ||
    { cat "$work/cc.err"; fail "$CC -E $ours"; }
awk -v mode=vtbls -f "$awkx" "$work/ours.i" >"$work/ours.vtbls" || fail "extracting our vtables"
awk -v mode=vtbls -f "$awkx" $(paths $VTBL_H) >"$work/mingw.vtbls" || fail "extracting mingw's vtables"
[ -s "$work/ours.enums" ] || fail "no enumerations found in $ours"
[ -s "$work/ours.vtbls" ] || fail "no vtables found in $ours"

# ---- enumerations: names and order -----------------------------------------
: >"$work/names"
for t in $(awk '$1 == "B" { print $2 }' "$work/ours.enums"); do
    awk -v t="$t" '$1 == "E" && $2 == t { print $3 }' "$work/ours.enums" >"$work/o.list"
    awk -v t="$t" '$1 == "E" && $2 == t { print $3 }' "$work/mingw.enums" >"$work/m.list"
    if [ ! -s "$work/m.list" ]; then
        report "enum $t is ours but not mingw's"
        continue
    fi
    if ! cmp -s "$work/o.list" "$work/m.list"; then
        report "enum $t: enumerators or their order differ (- mingw, + ours):"
        diff -u "$work/m.list" "$work/o.list" | tail -n +3 | grep '^[-+]' | sed 's/^/    /'
    fi
    # enumerators of both sides get their values compared
    grep -Fxf "$work/m.list" "$work/o.list" >>"$work/names"
done
nenum=$(awk '$1 == "B"' "$work/ours.enums" | wc -l)

# ---- numeric constants of ours: present in mingw ----------------------------
# (object-like defines with a value that is not just another name: the
# aliases such as "#define SysAllocString otSysAllocString" are left out)
cut -f2 "$work/ours.defines" |
    awk 'NF >= 3 && $2 !~ /[(]/ && !(NF == 3 && $3 ~ /^[A-Za-z_][A-Za-z_0-9]*$/) { print $2 }' |
    sort >"$work/ours.consts"
[ -s "$work/ours.consts" ] || fail "no numeric constants found in $ours"
cut -f1 "$work/mingw.defines" | sort >"$work/mingw.defnames"
awk '$1 == "E" { print $3 }' "$work/mingw.enums" | sort -u >"$work/mingw.enumnames"
while read -r n; do
    if grep -qxF "$n" "$work/mingw.defnames" || grep -qxF "$n" "$work/mingw.enumnames"; then
        echo "$n" >>"$work/names"
    elif in_list "$n" "$EXTRA_OK"; then
        echo "extra (ok, documented): $n"
    else
        report "$n is defined by us but not by mingw (add it to EXTRA_OK in $0 if intended)"
    fi
done <"$work/ours.consts"
while read -r n; do
    grep -qxF "$n" "$work/ours.consts" ||
        report "$n is defined by mingw's tapi3err.h but missing in $(basename "$ours")"
done < <(awk -v mode=defines -f "$awkx" "$inc/tapi3err.h" | cut -f1 | grep '^TAPI_E_')

# ---- vtables ----------------------------------------------------------------
nvtbl=0
for i in $(awk '{ print $2 }' "$work/ours.vtbls" | uniq); do
    awk -v i="$i" '$2 == i { print $3, $4 }' "$work/ours.vtbls" >"$work/o.list"
    awk -v i="$i" '$2 == i { print $3, $4 }' "$work/mingw.vtbls" >"$work/m.list"
    nvtbl=$((nvtbl + 1))
    if [ ! -s "$work/m.list" ]; then
        report "vtable $i is ours but not declared by mingw"
    elif ! cmp -s "$work/o.list" "$work/m.list"; then
        report "vtable $i: slots differ, \"method parameters\" (- mingw, + ours):"
        diff -u "$work/m.list" "$work/o.list" | tail -n +3 | grep '^[-+]' | sed 's/^/    /'
    fi
done
nslot=$(wc -l <"$work/ours.vtbls")

# ---- generate and run the two value programs -------------------------------
# mingw's side: the enum declarations holding a needed name, and the
# #defines of the needed names with everything their bodies refer to.
awk -F'\t' '
    FILENAME == ARGV[1] { need[$1]; next }
    FILENAME == ARGV[2] { def[$1] = $2; order[++n] = $1; next }
    END {
        do {
            added = 0
            for (k in need) {
                if (!(k in def) || (k in done))
                    continue
                done[k] = 1
                body = def[k]
                sub(/^#define [A-Za-z_0-9]+/, "", body)
                while (match(body, /[A-Za-z_][A-Za-z_0-9]*/)) {
                    id = substr(body, RSTART, RLENGTH)
                    body = substr(body, RSTART + RLENGTH)
                    if ((id in def) && !(id in need)) { need[id]; added = 1 }
                }
            }
        } while (added)
        for (i = 1; i <= n; i++)
            if (order[i] in done)
                print def[order[i]]
    }' "$work/names" "$work/mingw.defines" >"$work/mingw.needed_defines"
awk -F'\t' '
    FILENAME == ARGV[1] { need[$1]; next }
    /^E / { split($0, a, " "); if (a[3] in need) want[a[2]]; next }
    $1 ~ /^B / { t = substr($1, 3); if (t in want) print $2 }' \
    "$work/names" - <"$work/mingw.enums" >"$work/mingw.needed_enums"

gen() { # $1 = declarations (file)
    echo '#include <stdio.h>'
    echo '#include <stdint.h>'
    cat "$1"
    cat <<'EOF'
/* C_: value, size and signedness of a constant. */
#define C_(n) printf("C %s %lld %u %d\n", #n, (long long)(n), (unsigned)sizeof(n), (int)(((n) - (n) - 1) < 0));
int main(void) {
EOF
    sed 's/.*/C_(&)/' "$work/names"
    echo 'return 0; }'
}
{
    cat <<'EOF'
/* Windows types (LLP64) that the pasted declarations of mingw-w64 use. */
typedef int32_t HRESULT;
typedef int32_t SCODE;
typedef int16_t VARIANT_BOOL;
#define __LONG32 int
#define _HRESULT_TYPEDEF_(sc) ((HRESULT)sc)
#define __MSABI_LONG(x) x ## l
EOF
    grep -v '^#define \(_HRESULT_TYPEDEF_\|__MSABI_LONG\|__LONG32\)\b' "$work/mingw.needed_defines"
    cat "$work/mingw.needed_enums"
} >"$work/mingw_decls.h"
echo "#include \"$ours\"" >"$work/ours_decls.h"
gen "$work/mingw_decls.h" >"$work/dump_mingw.c"
gen "$work/ours_decls.h" >"$work/dump_ours.c"
$CC -std=gnu11 -w -o "$work/dump_mingw" "$work/dump_mingw.c" 2>"$work/cc.err" ||
    { cat "$work/cc.err"; fail "$CC could not compile mingw's declarations ($work/dump_mingw.c)"; }
$CC -std=c11 -w -I"$(dirname "$ours")" -o "$work/dump_ours" "$work/dump_ours.c" 2>"$work/cc.err" ||
    { cat "$work/cc.err"; fail "$CC could not compile the dump of $ours"; }
"$work/dump_mingw" >"$work/mingw.dump" || fail "running the mingw dump"
"$work/dump_ours" >"$work/ours.dump" || fail "running our dump"

paste -d'\n' "$work/mingw.dump" "$work/ours.dump" | awk '
    NR % 2 == 1 { m = $0; next }
    m != $0 {
        split(m, a, " "); split($0, b, " ")
        printf "MISMATCH: %s: mingw %s (size %s, signed %s), ours %s (size %s, signed %s)\n", a[2], a[3], a[4], a[5], b[3], b[4], b[5]
    }' >"$work/dump.diff"
if [ -s "$work/dump.diff" ]; then
    cat "$work/dump.diff"
    mismatches=$((mismatches + $(wc -l <"$work/dump.diff")))
fi
nconst=$(grep -c '^C ' "$work/ours.dump")

echo "abi-tapi3: $nconst values ($nenum enums, $(wc -l <"$work/ours.consts") constants), $nvtbl vtables ($nslot slots) compared, $mismatches mismatches"
[ "$mismatches" -eq 0 ]
