#!/usr/bin/env bash
# The Kamailio provider's benchmark (docs/kamailio.md): Kamailio
# (tests/kamailio/tpcc.cfg, with src/providers/kamailio/opentapi.cfg) as
# registrar and proxy on 127.0.0.1, a SIPp phone "bob" answering every call,
# a SIPp phone "alice" calling bob at a steady rate (bounded: CALLS calls),
# and build/bench-kamailio watching both lines and dropping SHARE percent of
# the calls (the rest alice hangs up after 1 s).  Prints the program's
# figures and Kamailio's CPU time per call.
#   bench/kamailio.sh            RATE=50 CALLS=1000 SHARE=50 by default; KEEP=1 keeps the logs
set -eu
cd "$(dirname "$0")/.."
RATE=${RATE:-50}
CALLS=${CALLS:-1000}
SHARE=${SHARE:-50}
make -s build/bench-kamailio
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ -n "${KEEP:-}" ]; then echo "logs in $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
KP=$(free_port); EP=$(free_port); BP=$(free_port); AP=$(free_port)

kamailio -f tests/kamailio/tpcc.cfg -DD -E -n 1 -m 512 -M 16 -Y "$tmp" -P "$tmp/k.pid" -w "$tmp" \
    -l "udp:127.0.0.1:$KP" -A "OPENTAPI_EVAPI=\"127.0.0.1:$EP\"" > "$tmp/kamailio.log" 2>&1 &
kpid=$!
pids+=("$kpid")
for _ in $(seq 100); do
    ss -lun | grep -q "127.0.0.1:$KP " && break
    sleep 0.05
done

sipp 127.0.0.1:"$KP" -sf tests/sipp/kam_register.xml -i 127.0.0.1 -p "$BP" -s bob -m 1 \
    -nostdin -timeout 10s > /dev/null 2>&1
sipp -sf bench/sipp/kam_bench_uas.xml -i 127.0.0.1 -p "$BP" -nostdin -timeout 600s \
    -trace_err -error_file "$tmp/bob.err" > /dev/null 2>&1 &
pids+=("$!")

# bounded: the calls' duration plus 30 s (calls SIPp gave up on never end)
build/bench-kamailio --evapi "$EP" --calls "$CALLS" --share "$SHARE" \
    --timeout $((CALLS / RATE + 30)) > "$tmp/bench.out" 2> "$tmp/bench.err" &
bpid=$!
pids+=("$bpid")
for _ in $(seq 200); do
    grep -q ready "$tmp/bench.out" 2>/dev/null && break
    sleep 0.05
done

kcpu() { # Kamailio's CPU time (utime + stime of all its processes), ms
    local t=0 p
    for p in $kpid $(ps -o pid= --ppid "$kpid"); do
        t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
    done
    echo $((t * 1000 / $(getconf CLK_TCK)))
}
k0=$(kcpu)
sipp 127.0.0.1:"$KP" -sf bench/sipp/kam_bench_uac.xml -i 127.0.0.1 -p "$AP" -s bob \
    -r "$RATE" -m "$CALLS" -l $((RATE * 3)) -nostdin -timeout 600s \
    -trace_err -error_file "$tmp/alice.err" > /dev/null 2>&1 || echo "alice's SIPp: some calls failed (see below)"
rc=0
wait "$bpid" || rc=$?
k1=$(kcpu)
echo "rate $RATE calls/s, $CALLS calls, drop share $SHARE %"
grep -v ready "$tmp/bench.out"
grep -h "RPC\|lost\|bench-kamailio" "$tmp/bench.err" | sed "s/RPC [0-9]*/RPC N/" | sort | uniq -c | sort -rn | head -5
awk -v k=$((k1 - k0)) -v n="$CALLS" 'BEGIN { printf "Kamailio CPU %d ms: %.3f ms per call\n", k, k / n }'
for f in "$tmp/alice.err" "$tmp/bob.err"; do
    [ -f "$f" ] || continue
    # a call alice hangs up herself is logged as a receive timeout: not a failure
    if grep -v -e "jumping to label" -e "^The following events occurred:" -e "^$" "$f" | grep -q .; then
        echo "== $f"; head -c 2000 "$f"; echo
    fi
done
exit "$rc"
