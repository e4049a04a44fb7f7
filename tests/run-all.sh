#!/usr/bin/env bash
# tests/run-all.sh - the whole suite (`make test`): every stage runs even if an
# earlier one failed; the last line is the sum over all stages,
# "N passed, N failed".  Stages:
#   plain    build/test-runner                  every test
#   service  the plain tests again as clients of a tapisrv (tests/service-stage.sh)
#   runner   tests/runner_check.sh              the runner's own checks (one per check)
#   asan     ASan + UBSan + LeakSanitizer       every test, a leak fails it
#   tsan     ThreadSanitizer                    the threaded tests
#   fuzz     fuzz/ replay programs under ASan   corpora + generated inputs      (1 test)
#   abi      tests/abi/check.sh, check_tapi3.sh tapi.h, tapi3.h against mingw-w64's (1 test)
#   install  tests/install/check.sh             make install + pkg-config app   (1 test)
#   mutants  tests/mutants/run.sh --ci          the CI set of mutants, each caught (one per mutant)
#   demo     build/tapi demo                    the main job exits 0            (1 test)
#   pictures tests/pictures/check.py            ladder SVGs parsed, rendered by Chromium (1 test)
#   example-*  each program in examples/ runs and exits 0                   (1 test each)
set -u
cd "$(dirname "$0")/.."
export WERROR=${WERROR:-1}
total_pass=0
total_fail=0
failed_stages=""

count() { # stage name, log file, exit status
    local line p f
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$2" | tail -n 1)
    if [ -n "$line" ]; then
        p=$(echo "$line" | cut -d' ' -f1)
        f=$(echo "$line" | cut -d' ' -f3)
    elif [ "$3" = 0 ]; then
        p=1 f=0
    else
        p=0 f=1
    fi
    # a runner that exits non-zero with no failed test (crash, sanitizer) counts a failure
    if [ "$3" != 0 ] && [ "$f" = 0 ]; then f=1; fi
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    [ "$f" = 0 ] || failed_stages="$failed_stages $1"
    echo "== stage $1: $p passed, $f failed"
}

stage() { # name, command...
    local name=$1 log rc
    shift
    log=$(mktemp)
    echo "== stage $name: $*"
    "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    count "$name" "$log" "$rc"
    rm -f "$log"
}

stage plain build/test-runner
stage service bash tests/service-stage.sh build
stage runner bash tests/runner_check.sh
stage asan make -s --no-print-directory check-asan
stage tsan make -s --no-print-directory check-tsan
stage fuzz make -s --no-print-directory check-fuzz
stage abi sh -c 'bash tests/abi/check.sh; a=$?; bash tests/abi/check_tapi3.sh && [ "$a" = 0 ]'
stage install bash tests/install/check.sh
stage mutants bash tests/mutants/run.sh --ci
stage demo sh -c 'build/tapi demo > build/demo.out && tail -n 3 build/demo.out'
stage pictures python3 tests/pictures/check.py
for ex in build/examples/*; do
    [ -x "$ex" ] && stage "example-$(basename "$ex")" "$ex"
done

[ -z "$failed_stages" ] || echo "failed stages:$failed_stages"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
