#!/bin/bash
# INVITE flood against `tapi answer` on 127.0.0.1 (not a test; see
# docs/robustness.md).  Usage: bench/sip-flood.sh RATE SECONDS [PORT]
#   RATE     new calls per second SIPp sends (e.g. 1000, 5000, 10000)
#   SECONDS  how long (bounded: at most 60)
# Prints SIPp's counts (calls answered, refused with 503/486, failed = no
# final response), the answerer's peak and after-flood RSS, and whether an
# ordinary call succeeds right after the flood (recovery).
set -u
rate=${1:?rate}; secs=${2:?seconds}; port=${3:-35060}
[ "$secs" -le 60 ] || { echo "at most 60 s" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
tapi=${TAPI:-$here/build/tapi}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
total=$((rate * secs))
"$tapi" answer --line "sip:flood@127.0.0.1:$port" --drop-after 0 --calls $((total + 1000)) \
    --timeout 30 > "$work/answer.log" 2>&1 &
ans=$!
sleep 1
peak=0
( while kill -0 $ans 2>/dev/null; do
      r=$(awk '/VmRSS/ {print $2}' /proc/$ans/status 2>/dev/null); echo "${r:-0}"; sleep 0.2
  done ) > "$work/rss" &
mon=$!
sipp 127.0.0.1:$port -sf "$here/bench/sipp/uac_flood.xml" -i 127.0.0.1 -p $((port + 1)) \
    -r "$rate" -m "$total" -l $((rate * 4)) -recv_timeout 32000 -nostdin -trace_stat \
    -stf "$work/stat.csv" -bg > /dev/null 2>&1
# wait for SIPp to end (bounded)
for _ in $(seq 1 $((secs + 60))); do pgrep -f "sipp 127.0.0.1:$port" > /dev/null || break; sleep 1; done
pkill -f "sipp 127.0.0.1:$port" 2> /dev/null
after_flood=$(awk '/VmRSS/ {print $2}' /proc/$ans/status 2>/dev/null)
# recovery: one ordinary call
t0=$(date +%s.%N)
sipp 127.0.0.1:$port -sf "$here/bench/sipp/uac_flood.xml" -i 127.0.0.1 -p $((port + 2)) -m 1 \
    -recv_timeout 10000 -nostdin > /dev/null 2>&1 && rec=ok || rec=failed
t1=$(date +%s.%N)
sleep 5
after5=$(awk '/VmRSS/ {print $2}' /proc/$ans/status 2>/dev/null)
# Sofia keeps a finished transaction up to 32 s; the provider trims every 10 s
keep_call() {  # one call every 4 s keeps the answerer from its idle timeout
    sipp 127.0.0.1:$port -sf "$here/bench/sipp/uac_flood.xml" -i 127.0.0.1 -p $((port + 3)) \
        -m 1 -recv_timeout 10000 -nostdin > /dev/null 2>&1
}
for _ in 1 2 3 4 5 6 7 8 9 10; do keep_call; sleep 4; done
after45=$(awk '/VmRSS/ {print $2}' /proc/$ans/status 2>/dev/null)
kill $ans 2>/dev/null; wait $ans 2>/dev/null; kill $mon 2>/dev/null
peak=$(sort -n "$work/rss" | tail -1)
last=$(tail -1 "$work/stat.csv" 2>/dev/null)
hdr=$(head -1 "$work/stat.csv" 2>/dev/null)
col() { echo "$hdr" | tr ';' '\n' | grep -n "^$1\$" | cut -d: -f1; }
get() { c=$(col "$1"); [ -n "$c" ] && echo "$last" | cut -d';' -f"$c"; }
echo "rate $rate/s for $secs s: $total calls"
echo "  successful (answered or refused with a final response): $(get SuccessfulCall\(C\))"
echo "  failed (no final response in 32 s, or unexpected): $(get FailedCall\(C\))"
answered=$(grep -c ' ok$' "$work/answer.log" || true)
echo "  answered by tapi answer: $answered (the rest of the successful ones were refused, 503/486)"
echo "  answerer RSS: peak ${peak:-?} kB, after flood ${after_flood:-?} kB, 5 s later ${after5:-?} kB, 45 s later ${after45:-?} kB"
echo "  ordinary call after the flood: $rec ($(echo "$t1 - $t0" | bc) s)"
