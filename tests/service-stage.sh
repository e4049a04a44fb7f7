#!/usr/bin/env bash
# tests/service-stage.sh BUILD_DIR - the "service" stage of the suite: the
# runner's tests run again as clients of a tapisrv (OPENTAPI_SERVER), unchanged,
# to show that an application cannot tell the service from embedded mode.
# Left out: tests that configure the library in-process (otSetConfig, the
# manual clock, [sim] settings, locations), fail its allocations one by one
# (the sweep is of the embedded library's allocations), count its objects with otGetStats
# or read its log (OPENTAPI_LOG records are the service's, in its process),
# which a client's library does not hold; the SIP, Kamailio and tool tests
# (they configure their own lines); the service's own tests (they start their
# own tapisrv); and the routing tests that configure pickup groups or use the
# manual clock (route_pickup_group_and_directed, route_pickup_group_is_checked_*, route_forward_no_answer_after_rings).
set -u
build=${1:-build}
dir=$(mktemp -d /tmp/otsvc-stage.XXXXXX)
trap 'kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null; rm -rf "$dir"' EXIT
mkfifo "$dir/ready"
"$build/tapisrv" --socket "$dir/s.sock" --ready-fd 3 3>"$dir/ready" 2>"$dir/tapisrv.log" &
srv=$!
# tapisrv writes "ready" on descriptor 3 once it accepts clients (or exits).
read -r -t 20 word < "$dir/ready" || word=
[ "$word" = ready ] || { echo "tapisrv did not start"; cat "$dir/tapisrv.log"; exit 1; }
skip='^(alloc_|api_config_|config_|log_|dialing_|timer_|pending_|sip_|kam_|service_|teardown_|tool_)|^(uui_station_400_carries_none|uui_station_400_answer_accept_drop_too_big|handle_app_tells_whose_handle|abandon_call_to_unopened_station|errors_new_calls_list_too_small|monitor_hears_nothing_of_a_refused_make_call|reject_unavailable_when_400_closes_or_deallocates|tapi3_refcounts_and_release_of_an_active_call|status_ringing_on_the_switch_clock|status_ringing_stops_when_the_caller_gives_up|route_forward_no_answer_after_rings|route_pickup_group_and_directed|route_pickup_group_is_checked_by_the_configuration_checker|tapi3_address_ringing_until_answered)$'
tests=$("$build/test-runner" --list | awk '{print $1}' | grep -Ev "$skip")
OPENTAPI_SERVER="unix:$dir/s.sock" "$build/test-runner" $tests
rc=$?
kill -TERM "$srv"
wait "$srv"
src=$?
trap 'rm -rf "$dir"' EXIT
[ "$src" = 0 ] || { echo "tapisrv exited with $src"; cat "$dir/tapisrv.log"; exit 1; }
exit $rc
