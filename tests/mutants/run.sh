#!/usr/bin/env bash
# tests/mutants/run.sh - tests of the tests (`make mutants`, docs/testing.md).
#
#   tests/mutants/run.sh [--ci] [MUTANT...]     (a MUTANT with a / is a file path)
#
# Each tests/mutants/*.mut is one deliberate breakage of the library:
#
#   what: <the behaviour it breaks, one line>
#   file: <a file of the tree, e.g. src/core/call.c>
#   tests: <tests that name that behaviour; at least one of them must catch it>
#   ci: yes                       (optional: part of the CI stage)
#   run: abi                      (optional: tests/abi/check.sh instead of the runner)
#   run: fuzz_sip                 (optional: the fuzz_sip replay of CI's fuzz stage instead:
#                                  its corpus under ASan and a SIGALRM storm)
#   <<<<
#   <the exact original text: it must occur exactly once in the file>
#   ====
#   <its replacement>
#   >>>>
#
# For each mutant: the tree is copied once to build/mutants/tree (the working
# tree is never touched), the original text is replaced, the runner is rebuilt
# and the suite runs (plain runner: every test, the SIP tests only for mutants
# in src/providers/sip; with --ci only the mutant's `tests:`), then the file is
# restored.  A mutant is CAUGHT when the run fails and at least one of its
# `tests:` is among the failures; SURVIVED otherwise.  A mutant whose original
# text is not found exactly once stops everything (exit 2): the mutant must be
# brought up to date with the code.  Exit 0 only if every mutant was caught.
set -u
cd "$(dirname "$0")/../.."
SRC=$PWD
WORK=$SRC/build/mutants
TREE=$WORK/tree
ci=0
names=()
for a in "$@"; do
    case $a in
        --ci) ci=1 ;;
        -*) echo "usage: tests/mutants/run.sh [--ci] [MUTANT...]" >&2; exit 2 ;;
        *) names+=("$a") ;;
    esac
done

field() { # file, key
    sed -n "s/^$2: *//p" "$1" | head -n 1
}
section() { # file, start marker, end marker: the lines between, without the last newline
    awk -v s="$2" -v e="$3" '$0 == s {on = 1; n = 0; next} $0 == e {on = 0} on {printf "%s%s", (n++ ? "\n" : ""), $0}' "$1"
}

mutants=()
if [ ${#names[@]} -gt 0 ]; then
    for n in "${names[@]}"; do
        f=tests/mutants/$n.mut
        [[ $n == */* ]] && f=$n # a path: a mutant file kept elsewhere
        [ -f "$f" ] || { echo "no mutant $n ($f)" >&2; exit 2; }
        mutants+=("$f")
    done
else
    for f in tests/mutants/*.mut; do
        if [ $ci = 1 ] && [ "$(field "$f" ci)" != yes ]; then continue; fi
        mutants+=("$f")
    done
fi

# Check every mutant applies before building anything.
for f in "${mutants[@]}"; do
    file=$(field "$f" file)
    orig=$(section "$f" '<<<<' '====')
    for k in what file tests; do
        [ -n "$(field "$f" $k)" ] || { echo "MUTANT $f: no '$k:' line" >&2; exit 2; }
    done
    [ -f "$file" ] || { echo "MUTANT $f: no file $file" >&2; exit 2; }
    [ -n "$orig" ] || { echo "MUTANT $f: empty original text" >&2; exit 2; }
    IFS= read -r -d '' content < "$file"
    rest=${content#*"$orig"}
    if [ "$rest" = "$content" ]; then
        echo "MUTANT $f NO LONGER APPLIES: its original text is not in $file" >&2
        exit 2
    fi
    if [[ $rest == *"$orig"* ]]; then
        echo "MUTANT $f NO LONGER APPLIES: its original text occurs more than once in $file" >&2
        exit 2
    fi
done

mkdir -p "$TREE"
for d in include src tests tools fuzz examples; do
    rm -rf "${TREE:?}/$d"
    cp -r "$d" "$TREE/$d"
done
cp Makefile opentapi.pc.in "$TREE/"
jobs=${MUTANT_JOBS:-2}
make -s -C "$TREE" -j"$jobs" WERROR=1 build/test-runner >"$WORK/build.log" 2>&1 ||
    { cat "$WORK/build.log"; echo "the unmutated tree does not build" >&2; exit 2; }

caught=0
survived=0
report=$WORK/report.txt
: >"$report"
: >"$WORK/failures.txt"
for f in "${mutants[@]}"; do
    name=$(basename "$f" .mut)
    file=$(field "$f" file)
    what=$(field "$f" what)
    want=$(field "$f" tests)
    run=$(field "$f" run)
    orig=$(section "$f" '<<<<' '====')
    repl=$(section "$f" '====' '>>>>')
    IFS= read -r -d '' content < "$SRC/$file"
    printf '%s' "${content/"$orig"/"$repl"}" >"$TREE/$file"
    log=$WORK/$name.log
    if [ "$run" = abi ]; then
        # a header mutant is checked by the ABI check alone (the library may
        # not even build without the declaration)
        if (cd "$TREE" && bash tests/abi/check.sh) >"$log" 2>&1; then by=""; else by="abi-check"; fi
    elif [ "$run" = fuzz_sip ]; then
        # a mutant of the harness itself: the replay CI runs must catch it
        if (cd "$TREE" && make -s -j"$jobs" BUILD=build/asan SAN=address build/asan/fuzz_sip &&
            FUZZ_SIP_ALARM_US=1000 timeout 300 build/asan/fuzz_sip fuzz/corpus/sip/*) >"$log" 2>&1
        then by=""; else by="fuzz_sip"; fi
    elif ! make -s -C "$TREE" -j"$jobs" WERROR=1 build/test-runner >"$log" 2>&1; then
        echo "MUTANT $name does not build: a mutant must compile (log: $log)" >&2
        result=BROKEN by="does not build"
    else
        if [ $ci = 1 ]; then
            # shellcheck disable=SC2086
            set -- $want
        elif [[ $file == src/providers/sip/* ]]; then
            set --
        else
            # shellcheck disable=SC2046
            set -- $("$TREE/build/test-runner" --list | awk '{print $1}' | grep -v '^sip_')
        fi
        (cd "$TREE" && timeout 300 build/test-runner "$@") >"$log" 2>&1
        by=$(awk '/^FAIL / {print $2}' "$log" | tr '\n' ' ')
        if ! tail -n 1 "$log" | grep -qE '^[0-9]+ passed, [0-9]+ failed$'; then
            by="$by(runner did not finish)"
        fi
    fi
    printf '%s' "$content" >"$TREE/$file"
    [ -n "${result:-}" ] || result=SURVIVED
    if [ "$result" != BROKEN ] && [ -n "$by" ]; then
        named=0
        for t in $want; do
            [[ " $by " == *" $t "* ]] && named=1
        done
        [ "$run" = abi ] && named=1
        if [ $named = 1 ]; then result=CAUGHT; else result="CAUGHT-BY-OTHERS"; fi
    fi
    case $result in CAUGHT) caught=$((caught + 1)) ;; *) survived=$((survived + 1)) ;; esac
    # the named tests that failed first, then how many others did
    shown="" others=0
    for t in $by; do
        if [[ " $want " == *" $t "* ]]; then shown="$shown $t"; else others=$((others + 1)); fi
    done
    [ $others = 0 ] || shown="$shown (+$others other tests)"
    [ -n "$by" ] || shown=" nothing failed"
    printf '%-16s %-34s%s\n' "$result" "$name" "$shown" | tee -a "$report"
    printf '    all failures: %s\n' "${by:-none}" >>"$WORK/failures.txt"
    printf '    breaks: %s\n' "$what" | tee -a "$report"
    unset result
done
# put the last file back in the copy's build (the next run starts clean)
make -s -C "$TREE" -j"$jobs" WERROR=1 build/test-runner >/dev/null 2>&1
echo "mutants: $caught caught, $survived not caught (report: build/mutants/report.txt)"
if [ $ci = 1 ]; then echo "$caught passed, $survived failed"; fi
[ "$survived" = 0 ]
