#!/bin/bash
# INVITE flood against `tapi answer` on 127.0.0.1 (see docs/robustness.md).
# Usage: bench/sip-flood.sh RATE SECONDS [PORT]
#   RATE     new calls per second SIPp sends (e.g. 1000, 5000, 10000)
#   SECONDS  how long (bounded: at most 60)
# Prints SIPp's counts (calls answered, refused with 503/486, failed = no
# final response), the answerer's peak and after-flood RSS (also 45 s later,
# unless FLOOD_QUICK=1), and whether an ordinary call succeeds right after
# the flood (recovery).  Exit status 0 when every INVITE got a final response
# and the ordinary call succeeded (`make soak` runs a short one).
set -u
rate=${1:?rate}; secs=${2:?seconds}; port=${3:-$((20000 + RANDOM % 20000))}
[ "$secs" -le 60 ] || { echo "at most 60 s" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
tapi=${TAPI:-$here/build/tapi}
work=$(mktemp -d)
# FLOOD_KEEP=1 keeps SIPp's files (statistics, errors, answerer log) and says where
if [ "${FLOOD_KEEP:-0}" = 1 ]; then trap 'echo "  files kept in $work"' EXIT
else trap 'rm -rf "$work"' EXIT; fi
# the kernel's UDP counters (of this network namespace: every process in it counts)
udp() { awk '/^Udp:/ { if (n) { for (i = 2; i <= NF; i++) if (h[i] == k) print $i } else n = split($0, h) }' \
        k="$1" /proc/net/snmp; }
rcvbuf0=$(udp RcvbufErrors); sndbuf0=$(udp SndbufErrors)
# datagrams the kernel dropped at one socket (its receive buffer full): /proc/net/udp's last column
sock_drops() { awk -v p="$(printf ':%04X' "$1")" '$2 ~ p"$" { d += $NF } END { print d + 0 }' \
        /proc/net/udp; }
total=$((rate * secs))
"$tapi" answer --line "sip:flood@127.0.0.1:$port" --drop-after 0 --calls $((total + 1000)) \
    --timeout 30 > "$work/answer.log" 2>&1 &
ans=$!
sleep 1
peak=0
( while kill -0 $ans 2>/dev/null; do
      r=$(awk '/VmRSS/ {print $2}' /proc/$ans/status 2>/dev/null); echo "${r:-0}"
      echo "$(sock_drops $port) $(sock_drops $((port + 1)))" >> "$work/drops"; sleep 0.2
  done ) > "$work/rss" &
mon=$!
sipp 127.0.0.1:$port -sf "$here/bench/sipp/uac_flood.xml" -i 127.0.0.1 -p $((port + 1)) \
    -r "$rate" -m "$total" -l $((rate * 4)) -recv_timeout 32000 -nostdin -trace_stat \
    -stf "$work/stat.csv" -trace_err -error_file "$work/errors.log" > /dev/null 2>&1 &
sipp=$!
# wait for SIPp to end (bounded), then end it by its process id
for _ in $(seq 1 $((secs + 60))); do kill -0 $sipp 2>/dev/null || break; sleep 1; done
kill $sipp 2>/dev/null; wait $sipp 2>/dev/null
rcvbuf1=$(udp RcvbufErrors); sndbuf1=$(udp SndbufErrors)
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
after45=skipped
if [ "${FLOOD_QUICK:-0}" != 1 ]; then
    for _ in 1 2 3 4 5 6 7 8 9 10; do keep_call; sleep 4; done
    after45=$(awk '/VmRSS/ {print $2}' /proc/$ans/status 2>/dev/null)
fi
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
# why calls failed, as SIPp counts it (only the causes that occurred)
why=""
for c in FailedCannotSendMessage FailedMaxUDPRetrans FailedUnexpectedMessage FailedCallRejected \
         FailedCmdNotSent FailedRegexpDoesntMatch FailedOutboundCongestion FailedTimeoutOnRecv \
         FailedTimeoutOnSend; do
    v=$(get "$c(C)"); [ -n "$v" ] && [ "$v" != 0 ] && why="$why ${c#Failed}=$v"
done
echo "  failure causes (SIPp):${why:- none}; SIPp retransmissions $(get Retransmissions\(C\)), out-of-call messages $(get OutOfCallMsgs\(C\)), dead-call messages $(get DeadCallMsgs\(C\))"
echo "  UDP datagrams dropped by the kernel during the flood (receive buffer full, whole namespace): $((rcvbuf1 - rcvbuf0)); send buffer: $((sndbuf1 - sndbuf0))"
read -r dans dsipp < <(sort -n -k1,1 "$work/drops" | tail -1)
dsipp=$(sort -n -k2,2 "$work/drops" | tail -1 | cut -d' ' -f2)
echo "  of them at the answerer's socket: ${dans:-?}; at SIPp's socket: ${dsipp:-?}"
if [ -s "$work/errors.log" ]; then
    # one line per event: "<date> <time> <stamp>: <what>", a message quoted on the lines after
    echo "  SIPp's error file, by kind (count; dead call = a message after SIPp ended the call):"
    grep -aoE '[0-9]{4}-[0-9]{2}-[0-9]{2}.[0-9:.]+.[0-9.]+: [^'"'"']*('"'"'[^ ]+ [^ ]+ ?[^ ]*)?' \
        "$work/errors.log" | sed -E 's/^[^:]*:[^:]*:[^:]*: //; s/[0-9]+-[0-9]+@[0-9.]+/CALL/g; s/sip:[^ ]*/URI/g' |
        cut -c1-110 | sort | uniq -c | sort -rn | head -8 | sed 's/^/    /'
fi
failed=$(get FailedCall\(C\))
[ "$rec" = ok ] && [ "${failed:-1}" = 0 ]
