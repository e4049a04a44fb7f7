#!/usr/bin/env bash
# tests/abi/check.sh - compares include/tapi.h with mingw-w64's Windows tapi.h.
#
# What is compared (lists are taken from the headers themselves, so anything
# added to include/tapi.h is checked without editing this script):
#   constants   every numeric #define of ours named LINE*, LAST_LINE* or
#               STRINGFORMAT_*: value, signedness and size of its type; and,
#               the other way round, every such define of mingw must be ours.
#   structures  every typedef'd struct of ours that mingw's tapi.h also
#               declares: member names and order, sizeof, and the offset and
#               size of every member (nested union members included).
#   prototypes  every "LONG WINAPI line...(...)" of ours against mingw's
#               declaration of the same name (or of its ...A variant), text
#               equal after whitespace normalization; and every ...A variant
#               mingw has must be a #define alias in ours.
#   the other   every line function mingw declares (by its name without the
#   way round   A/W suffix) and every structure it declares must be declared
#               by ours, unless tests/abi/absent.txt lists it as not
#               implemented yet: a lost prototype or structure is a mismatch.
#   hygiene     include/tapi.h compiles alone with -std=c11 -Wall -Wextra
#               -Wpedantic -Werror, and as C++11 with the same flags.
#
# How: mingw's tapi.h is compiled by the host compiler against the stand-in
# Windows headers in tests/abi/shim/ (DWORD/LONG 32-bit, pointers 64-bit:
# the Win64 LLP64 model).  One program prints the layout of its structures
# and the values of its constants, a second program does the same for ours;
# the two outputs are compared line by line.
#
# Environment: CC (default cc), CXX (default: the C++ driver matching CC),
# MINGW_TAPI_H (default /usr/share/mingw-w64/include/tapi.h), TAPI_H (the
# header to check, default include/tapi.h), ABI_KEEP=1 keeps the work
# directory (generated programs and their output) and prints its path.
# Exit status: 0 all equal, 1 mismatches (listed), 2 a tool failed,
# 77 skipped because the mingw-w64 header is not installed.
# CC and CXX may hold a command with arguments ("ccache gcc"), so they are
# expanded unquoted on purpose.
# shellcheck disable=SC2086

set -u
set -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ours="${TAPI_H:-$root/include/tapi.h}"
mingw="${MINGW_TAPI_H:-/usr/share/mingw-w64/include/tapi.h}"
CC="${CC:-cc}"
if [ -z "${CXX:-}" ]; then
    case "$CC" in
    *clang*) CXX="${CC/clang/clang++}" ;;
    *gcc*)   CXX="${CC/gcc/g++}" ;;
    *)       CXX="c++" ;;
    esac
fi
awkx="$here/extract.awk"

# ---- allowlists ----------------------------------------------------------
# Constants of ours that mingw-w64 does not define (documented in tapi.h).
EXTRA_OK="
LINEDISCONNECTMODE_DESTINATIONBARRED
LINEDISCONNECTMODE_FDNRESTRICT
"
# Constants of mingw's (checked prefixes) deliberately not in ours.
OMITTED_OK="
"
# Structures of ours that mingw's tapi.h does not declare (SYSTEMTIME comes
# from <windows.h> there; LINECALLSTATUS checks its size and place).
EXTRA_STRUCT_OK="
SYSTEMTIME
"

checked_prefix='^(LINE|LAST_LINE|STRINGFORMAT_)'

if [ ! -r "$mingw" ]; then
    echo "abi: SKIP: $mingw not found (install mingw-w64-common or set MINGW_TAPI_H)"
    exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/opentapi-abi.XXXXXX") || exit 2
if [ -n "${ABI_KEEP:-}" ]; then
    echo "abi: work directory $work"
else
    trap 'rm -rf "$work"' EXIT
fi

fail() { echo "abi: ERROR: $*" >&2; exit 2; }
in_list() { case "$2" in *"
$1
"*) return 0 ;; esac; return 1; }

mismatches=0
report() { echo "MISMATCH: $*"; mismatches=$((mismatches + 1)); }

# ---- extract ---------------------------------------------------------------
for side in ours mingw; do
    if [ $side = ours ]; then h=$ours; else h=$mingw; fi
    awk -v mode=defines -f "$awkx" "$h" | grep -E "$checked_prefix" | sort -k1,1 >"$work/$side.defs" ||
        [ $? -eq 1 ] || fail "extracting defines from $h"
    awk -v mode=structs -f "$awkx" "$h" >"$work/$side.structs" || fail "extracting structs from $h"
    awk -v mode=protos -f "$awkx" "$h" >"$work/$side.protos" || fail "extracting prototypes from $h"
    awk -v mode=aliases -f "$awkx" "$h" >"$work/$side.aliases" || fail "extracting aliases from $h"
done
[ -s "$work/ours.defs" ] || fail "no constants found in $ours"

# ---- constants: presence ---------------------------------------------------
cut -d' ' -f1 "$work/ours.defs" >"$work/ours.names"
cut -d' ' -f1 "$work/mingw.defs" >"$work/mingw.names"
comm -12 "$work/ours.names" "$work/mingw.names" >"$work/common.names"
while read -r n; do
    if in_list "$n" "$EXTRA_OK"; then
        echo "extra (ok, documented): $n"
    else
        report "$n is defined by us but not by mingw (add it to EXTRA_OK in $0 if intended)"
    fi
done < <(comm -23 "$work/ours.names" "$work/mingw.names")
while read -r n; do
    if in_list "$n" "$OMITTED_OK"; then
        echo "omitted (ok, documented): $n"
    else
        report "$n is defined by mingw ($(grep "^$n " "$work/mingw.defs" | cut -d' ' -f2-)) but missing in include/tapi.h"
    fi
done < <(comm -13 "$work/ours.names" "$work/mingw.names")

# ---- structures: names and member lists -----------------------------------
grep '^S ' "$work/ours.structs" | cut -d' ' -f2 | sort >"$work/ours.snames"
grep '^S ' "$work/mingw.structs" | cut -d' ' -f2 | sort >"$work/mingw.snames"
comm -12 "$work/ours.snames" "$work/mingw.snames" >"$work/common.snames"
while read -r s; do
    in_list "$s" "$EXTRA_STRUCT_OK" ||
        report "struct $s is ours but not in mingw's tapi.h (add it to EXTRA_STRUCT_OK if intended)"
done < <(comm -23 "$work/ours.snames" "$work/mingw.snames")

: >"$work/common.fields"
while read -r s; do
    grep "^[FP] $s " "$work/ours.structs" >"$work/o.list"
    grep "^[FP] $s " "$work/mingw.structs" >"$work/m.list"
    if ! cmp -s "$work/o.list" "$work/m.list"; then
        report "struct $s: member names/order or pointer typedefs differ (- mingw, + ours):"
        diff -u "$work/m.list" "$work/o.list" | tail -n +3 | grep '^[-+]' | sed 's/^/    /'
    fi
    # members present on both sides get their offsets compared below
    awk 'NR == FNR { m[$0]; next } $1 == "F" && ($0 in m) { print $2, $3 }' \
        "$work/m.list" "$work/o.list" >>"$work/common.fields"
done <"$work/common.snames"

# ---- generate and run the two dump programs ------------------------------
gen() { # $1 = include line
    echo '#include <stdio.h>'
    echo '#include <stddef.h>'
    echo "$1"
    cat <<'EOF'
/* C_: value, size and signedness of a constant; S_: size of a structure;
 * F_: offset and size of a member; P_: the LP typedef points to the type. */
#define C_(n) printf("C %s %lld %u %d\n", #n, (long long)(n), (unsigned)sizeof(n), (int)(((n) - (n) - 1) < 0));
#define S_(t) printf("S %s %u\n", #t, (unsigned)sizeof(t));
#define F_(t, f) printf("F %s.%s %u %u\n", #t, #f, (unsigned)offsetof(t, f), (unsigned)sizeof(((t *)0)->f));
#define P_(t, p) { p p_ = (t *)0; (void)p_; }
int main(void) {
EOF
    sed 's/.*/C_(&)/' "$work/common.names"
    awk 'FILENAME == ARGV[1] { if ($1 == "P") mp[$2 " " $3]; next }
         FILENAME == ARGV[2] { common[$1]; print "S_(" $1 ")"; next }
         FILENAME == ARGV[3] { print "F_(" $1 ", " $2 ")"; next }
         $1 == "P" && ($2 in common) && (($2 " " $3) in mp) { print "P_(" $2 ", " $3 ")" }' \
        "$work/mingw.structs" "$work/common.snames" "$work/common.fields" "$work/ours.structs"
    echo 'return 0; }'
}
gen "#include \"$mingw\"" >"$work/dump_mingw.c"
gen "#include \"$ours\"" >"$work/dump_ours.c"

$CC -std=gnu11 -w -I"$here/shim" -o "$work/dump_mingw" "$work/dump_mingw.c" 2>"$work/cc.err" ||
    { cat "$work/cc.err"; fail "$CC could not compile mingw's tapi.h with the shim headers"; }
$CC -std=c11 -w -o "$work/dump_ours" "$work/dump_ours.c" 2>"$work/cc.err" ||
    { cat "$work/cc.err"; fail "$CC could not compile the dump of $ours"; }
"$work/dump_mingw" >"$work/mingw.dump" || fail "running the mingw dump"
"$work/dump_ours" >"$work/ours.dump" || fail "running our dump"

# Compare record by record (both programs print the same keys in the same order).
paste -d'\n' "$work/mingw.dump" "$work/ours.dump" | awk '
    NR % 2 == 1 { m = $0; next }
    m != $0 {
        split(m, a, " "); split($0, b, " ")
        if (a[1] == "C")
            printf "MISMATCH: %s: mingw %s (size %s, signed %s), ours %s (size %s, signed %s)\n", a[2], a[3], a[4], a[5], b[3], b[4], b[5]
        else if (a[1] == "S")
            printf "MISMATCH: sizeof(%s): mingw %s, ours %s\n", a[2], a[3], b[3]
        else
            printf "MISMATCH: %s: mingw offset %s size %s, ours offset %s size %s\n", a[2], a[3], a[4], b[3], b[4]
    }' >"$work/dump.diff"
if [ -s "$work/dump.diff" ]; then
    cat "$work/dump.diff"
    mismatches=$((mismatches + $(wc -l <"$work/dump.diff")))
fi
nconst=$(grep -c '^C ' "$work/ours.dump")
nfield=$(grep -c '^F ' "$work/ours.dump")
nstruct=$(grep -c '^S ' "$work/ours.dump")

# ---- prototypes and A aliases ------------------------------------------------
nproto=$(wc -l <"$work/ours.protos")
awk -F'\t' '
    FILENAME == ARGV[1] { ref[$1] = $2; next }
    FILENAME == ARGV[2] { split($0, a, " "); alias[a[1]] = a[2]; next }
    {
        fn = $1; decl = $2; r = ""
        if (fn in ref)
            r = ref[fn]
        else if ((fn "A") in ref) {
            r = ref[fn "A"]
            sub("WINAPI " fn "A[(]", "WINAPI " fn "(", r)
        }
        if (r == "")
            printf "MISMATCH: prototype %s: not declared by mingw\n", fn
        else if (r != decl)
            printf "MISMATCH: prototype %s differs:\n    mingw: %s\n    ours:  %s\n", fn, r, decl
        if (((fn "A") in ref) && alias[fn "A"] != fn)
            printf "MISMATCH: mingw declares %sA; ours needs #define %sA %s\n", fn, fn, fn
    }' "$work/mingw.protos" "$work/ours.aliases" "$work/ours.protos" >"$work/proto.diff"
if [ -s "$work/proto.diff" ]; then
    cat "$work/proto.diff"
    mismatches=$((mismatches + $(grep -c '^MISMATCH' "$work/proto.diff")))
fi

# ---- the other way round: what mingw declares must be ours, or listed absent --
absent="$here/absent.txt"
[ -r "$absent" ] || fail "$absent not found"
cut -f1 "$work/mingw.protos" | awk '
    { have[$1] = 1; names[NR] = $1 }
    END {
        for (i = 1; i <= NR; i++) {
            n = names[i]; b = n
            if (n ~ /[AW]$/) {
                s = substr(n, 1, length(n) - 1)
                if ((s "A") in have && (s "W") in have) b = s
            }
            print b
        }
    }' | sort -u >"$work/mingw.fnames"
cut -f1 "$work/ours.protos" | sort -u >"$work/ours.fnames"
grep '^S ' "$work/mingw.structs" | cut -d' ' -f2 | sort -u >"$work/mingw.allstructs"
grep '^S ' "$work/ours.structs" | cut -d' ' -f2 | sort -u >"$work/ours.allstructs"
awk '$1 == "function" {print $2}' "$absent" | sort -u >"$work/absent.fnames"
awk '$1 == "struct" {print $2}' "$absent" | sort -u >"$work/absent.snames"
nabsent=$(($(wc -l <"$work/absent.fnames") + $(wc -l <"$work/absent.snames")))
while read -r n; do
    report "prototype $n: declared by mingw, missing in include/tapi.h (and not listed in tests/abi/absent.txt)"
done < <(comm -23 "$work/mingw.fnames" "$work/ours.fnames" | comm -23 - "$work/absent.fnames")
while read -r n; do
    report "struct $n: declared by mingw, missing in include/tapi.h (and not listed in tests/abi/absent.txt)"
done < <(comm -23 "$work/mingw.allstructs" "$work/ours.allstructs" | comm -23 - "$work/absent.snames")
while read -r n; do
    echo "note: $n is listed in tests/abi/absent.txt but include/tapi.h declares it: delete its line"
done < <(comm -12 "$work/absent.fnames" "$work/ours.fnames"; comm -12 "$work/absent.snames" "$work/ours.allstructs")
while read -r n; do
    report "tests/abi/absent.txt lists $n, which mingw's tapi.h does not declare"
done < <(comm -23 "$work/absent.fnames" "$work/mingw.fnames"; comm -23 "$work/absent.snames" "$work/mingw.allstructs")

# ---- the header on its own, strict -------------------------------------------
flags=(-Wall -Wextra -Wpedantic -Werror)
printf '#include "tapi.h"\nint abi_use(void);\nint abi_use(void) { LINEMESSAGE m = {0, 0, 0, 0, 0, 0}; return (int)sizeof m + LINE_REPLY; }\n' >"$work/alone.c"
cp "$work/alone.c" "$work/alone.cpp"
if ! $CC -std=c11 "${flags[@]}" -I"$(dirname "$ours")" -c -o "$work/alone.o" "$work/alone.c" 2>"$work/cc.err"; then
    cat "$work/cc.err"
    report "$ours does not compile cleanly with $CC -std=c11 ${flags[*]}"
fi
if command -v "${CXX%% *}" >/dev/null 2>&1; then
    if ! $CXX -std=c++11 "${flags[@]}" -I"$(dirname "$ours")" -c -o "$work/alone_cpp.o" "$work/alone.cpp" 2>"$work/cc.err"; then
        cat "$work/cc.err"
        report "$ours does not compile cleanly with $CXX -std=c++11 ${flags[*]}"
    fi
else
    echo "note: $CXX not found, C++ compile check skipped"
fi

echo "abi: $nconst constants, $nfield struct fields ($nstruct structs), $nproto prototypes compared; $(wc -l <"$work/mingw.fnames") functions and $(wc -l <"$work/mingw.allstructs") structures of mingw's checked present ($nabsent listed absent in tests/abi/absent.txt); $mismatches mismatches"
[ "$mismatches" -eq 0 ]
