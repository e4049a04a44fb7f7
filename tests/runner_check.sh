#!/usr/bin/env bash
# tests/runner_check.sh - checks of the test runner itself (the "runner" stage
# of tests/run-all.sh).  The selftest_* tests fail on purpose and run only
# when named.  Each check prints "ok" or "FAIL"; the last line is the sum.
set -u
cd "$(dirname "$0")/.."
R=build/test-runner
pass=0
fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1: $2"; fail=$((fail + 1)); }

# 1. A name that names no test: an error (exit 2), not "0 passed, 0 failed".
out=$($R no_such_test 2>&1); rc=$?
if [ "$rc" = 2 ] && echo "$out" | grep -q "no test named no_such_test"; then
    ok "unknown test name refused"
else bad "unknown test name refused" "exit $rc, output: $out"; fi
out=$($R drop_twice_is_invalcallstate no_such_test 2>&1); rc=$?
if [ "$rc" = 2 ] && ! echo "$out" | grep -q "passed"; then
    ok "unknown name among known ones refused, nothing run"
else bad "unknown name among known ones refused" "exit $rc, output: $out"; fi
out=$($R --bogus 2>&1); rc=$?
if [ "$rc" = 2 ]; then ok "unknown option refused"; else bad "unknown option refused" "exit $rc"; fi

# 2. Selftests are not part of a normal run.
if $R --list | grep -q '^selftest_'; then bad "selftests left out of --list" "listed"
else ok "selftests left out of --list"; fi

# 3. A TAPI 3 test failing with a sink advised and a call live: reported, and
#    the runner goes on (the test after it uses a sink too).
out=$($R selftest_fails_with_sink_advised tapi3_shutdown_and_last_release_from_inside_sink 2>&1)
rc=$?
if [ "$rc" = 1 ] && echo "$out" | grep -q "^FAIL selftest_fails_with_sink_advised .*deliberate failure" &&
    echo "$out" | grep -q "^ok   tapi3_shutdown_and_last_release_from_inside_sink" &&
    echo "$out" | tail -n 1 | grep -qx "1 passed, 1 failed"; then
    ok "runner survives a failing TAPI 3 test with a sink advised"
else bad "runner survives a failing TAPI 3 test with a sink advised" "exit $rc, output: $out"; fi

# 4. A call never deallocated is seen before the last lineShutdown frees it.
out=$($R selftest_forgets_to_deallocate drop_twice_is_invalcallstate 2>&1); rc=$?
if [ "$rc" = 1 ] &&
    echo "$out" | grep -q "^FAIL selftest_forgets_to_deallocate .*lineShutdown freed 1 call handles" &&
    echo "$out" | tail -n 1 | grep -qx "1 passed, 1 failed"; then
    ok "leak check sees an undeallocated call"
else bad "leak check sees an undeallocated call" "exit $rc, output: $out"; fi

# 5. A run killed with SIGKILL while Kamailio runs leaves none of its processes.
if $R --list | grep -q '^sip_kamailio'; then
    out=$($R selftest_killed_with_kamailio_running 2>/dev/null)
    pgid=$(echo "$out" | awk '/^kamailio process group/ {print $4}')
    left=1
    for _ in $(seq 1 100); do # at most 10 s
        left=$(ps -eo pgid= | awk -v k="$pgid" '$1 == k' | wc -l)
        [ "$left" = 0 ] && break
        sleep 0.1
    done
    if [ -n "$pgid" ] && [ "$left" = 0 ]; then
        ok "killed run leaves no Kamailio process"
    else
        bad "killed run leaves no Kamailio process" "group '${pgid}': $left processes left"
        [ -n "$pgid" ] && kill -KILL -- "-$pgid" 2>/dev/null
    fi
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
