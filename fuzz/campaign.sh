#!/usr/bin/env bash
# fuzz/campaign.sh SECONDS [TARGET...] - a fuzzing campaign (`make fuzz-campaign SECONDS=3600`).
#
# Runs each libFuzzer target (built by `make fuzz`) for SECONDS, one after the other, at the
# lowest CPU priority (nice 19) so that a shared machine stays usable.  Each target starts from
# its committed corpus fuzz/corpus/<target> and writes what it finds into a scratch directory;
# after the run, `-merge=1` adds to fuzz/corpus/<target> only the inputs that bring new coverage
# (the committed corpus is never reduced, so merging branches that both grew it is a union).
# The corpus is bounded: inputs are at most MAX_LEN bytes, and a target whose corpus would grow
# beyond FUZZ_CORPUS_MAX_KB (default 2048) is left as it was (the script says so and fails).
#
# A crash, leak or broken invariant does not end the campaign: the input is kept in
# build/fuzz-campaign/<target>/artifacts/, the target is restarted for the time left, and the
# script exits non-zero at the end.  Per target it prints (and appends to
# build/fuzz-campaign/summary.txt) the seconds run, executions, libFuzzer's final cov/ft, the
# corpus before and after (files, KiB) and the findings.
#
# A dictionary fuzz/<target>.dict, when there is one, is passed to libFuzzer.
# Targets: api config sipmap sip frame (default: all that are built).
#
# FUZZ_PARALLEL=1 (`make fuzz-campaign PARALLEL=1`) runs the targets at the same time instead, one
# process per target (each still nice 19, each its own directory and corpus), so a campaign of an
# hour per target takes an hour of wall time; the CPU is then shared, and the executions per target
# say how much each got.
set -u
cd "$(dirname "$0")/.."

secs=${1:-3600}
shift || true
targets=${*:-api config sipmap sip frame}
max_kb=${FUZZ_CORPUS_MAX_KB:-2048}
out=build/fuzz-campaign
mkdir -p "$out"
status=0

max_len_of() {
    case $1 in
    config) echo 8192 ;;
    sip) echo 4096 ;;
    *) echo 2048 ;;
    esac
}

# Sofia-SIP keeps every transaction 32 s (to absorb retransmissions), so fuzz_sip at ~100 inputs/s
# holds about 1.5 GiB under ASan: more than libFuzzer's default limit of 2 GiB leaves no room.
rss_of() {
    case $1 in
    sip) echo 4096 ;;
    *) echo 2048 ;;
    esac
}

if [ "${FUZZ_PARALLEL:-0}" = 1 ]; then
    pids=""
    for t in $targets; do
        FUZZ_PARALLEL=0 bash "$0" "$secs" "$t" >"$out/$t.out" 2>&1 &
        pids="$pids $!"
    done
    for p in $pids; do wait "$p" || status=1; done
    for t in $targets; do cat "$out/$t.out"; done
    exit $status
fi

count_files() { find "$1" -maxdepth 1 -type f | wc -l; }
size_kb() { du -sk --apparent-size "$1" | cut -f1; }

for t in $targets; do
    bin=build/fuzz/fuzz_$t
    corpus=fuzz/corpus/$t
    if [ ! -x "$bin" ]; then
        echo "fuzz-campaign: $bin is not built (make fuzz), skipped"
        continue
    fi
    mkdir -p "$corpus"
    dir=$out/$t
    rm -rf "$dir"
    mkdir -p "$dir/new" "$dir/artifacts"
    n0=$(count_files "$corpus")
    kb0=$(size_kb "$corpus")
    start=$(date +%s)
    end=$((start + secs))
    runs=0 execs=0 findings=0 last=""
    echo "fuzz-campaign: $t for ${secs}s from $n0 inputs (${kb0} KiB), started $(date -u +%H:%M:%S) UTC"
    while :; do
        left=$((end - $(date +%s)))
        [ "$left" -gt 0 ] || break
        runs=$((runs + 1))
        log=$dir/run$runs.log
        dict=
        [ -f "fuzz/$t.dict" ] && dict=-dict=fuzz/$t.dict
        nice -n 19 "$bin" -max_total_time="$left" -max_len="$(max_len_of "$t")" -close_fd_mask=2 \
            -rss_limit_mb="$(rss_of "$t")" \
            $dict -print_final_stats=1 -artifact_prefix="$dir/artifacts/" "$dir/new" "$corpus" \
            >"$log" 2>&1
        rc=$?
        e=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        execs=$((execs + ${e:-0}))
        l=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1)
        [ -z "$l" ] || last=$l
        if [ "$rc" != 0 ]; then
            findings=$((findings + 1))
            status=1
            echo "fuzz-campaign: $t: finding (exit $rc), see $log:"
            grep -E 'ERROR|SUMMARY|fuzz_|abort|Test unit written' "$log" | head -n 8
            [ "$runs" -lt 50 ] || break
        fi
    done
    took=$(($(date +%s) - start))
    # Minimize: add to the committed corpus only what brings new coverage.
    rm -rf "$dir/merged"
    mkdir -p "$dir/merged"
    cp -p "$corpus"/* "$dir/merged"/ 2>/dev/null
    nice -n 19 "$bin" -merge=1 -max_len="$(max_len_of "$t")" -close_fd_mask=2 \
        -rss_limit_mb="$(rss_of "$t")" -artifact_prefix="$dir/artifacts/merge-" "$dir/merged" "$dir/new" \
        >"$dir/merge.log" 2>&1 || { echo "fuzz-campaign: $t: merge failed, see $dir/merge.log"; status=1; }
    kb1=$(size_kb "$dir/merged")
    if [ "$kb1" -gt "$max_kb" ]; then
        echo "fuzz-campaign: $t: merged corpus would be ${kb1} KiB (> FUZZ_CORPUS_MAX_KB=$max_kb), not kept"
        status=1
    else
        cp -p "$dir/merged"/* "$corpus"/ 2>/dev/null || true
    fi
    n1=$(count_files "$corpus")
    kb1=$(size_kb "$corpus")
    cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
    line="$t: ${took}s, $execs executions, cov ${cov:-?} ft ${ft:-?}, corpus $n0 -> $n1 inputs (${kb0} -> ${kb1} KiB), $findings finding(s), ended $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "fuzz-campaign: $line"
    echo "$line" >>"$out/summary.txt"
done
exit $status
