#!/usr/bin/env bash
# make load-check: the "mixed" loadgen scenario (pages of users, Care360
# profile updates, CL2C and R1 updates of per-worker users) against a fresh
# mockserver on a free loopback port for LOAD_DURATION (default 3s) at
# LOAD_CONCURRENCY (default 16). Reports throughput, p50/p99 and errors;
# fails on any 5xx, any unexpected answer, or any acknowledged write the
# final GET /__mock/state does not show (a lost write).
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}
LOAD_DURATION=${LOAD_DURATION:-3s}
LOAD_CONCURRENCY=${LOAD_CONCURRENCY:-16}

tmp=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

$GO build -o "$tmp/mockserver" ./mock/cmd/mockserver
$GO build -o "$tmp/loadgen" ./mock/cmd/loadgen
port=$("$tmp/loadgen" freeport)
"$tmp/mockserver" --addr "127.0.0.1:$port" 2>"$tmp/server.log" &
pid=$!
"$tmp/loadgen" wait --url "http://127.0.0.1:$port/__mock/health" --timeout 20s --pid "$pid"

out=$("$tmp/loadgen" --url "http://127.0.0.1:$port" --scenario mixed --duration "$LOAD_DURATION" \
	--concurrency "$LOAD_CONCURRENCY" --server-pid "$pid" --label load-check --json)
echo "$out"
field() { printf '%s' "$out" | sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p"; }
requests=$(field requests) rps=$(field rps) p50=$(field p50_us) p99=$(field p99_us)
errors=$(field errors) fivexx=$(field server_errors) lost=$(field lost_writes) verified=$(field verified_writes)
printf 'load-check: %s requests, %.0f req/s, p50 %.0fµs, p99 %.0fµs, errors %s, 5xx %s, lost writes %s of %s verified\n' \
	"${requests:-0}" "${rps:-0}" "${p50:-0}" "${p99:-0}" "${errors:-?}" "${fivexx:-?}" "${lost:-?}" "${verified:-0}"

fail=0
if [ "${requests:-0}" = 0 ]; then echo "load-check: no requests were made" >&2; fail=1; fi
if [ "${fivexx:-1}" != 0 ]; then echo "load-check: ${fivexx:-?} answers were 5xx" >&2; fail=1; fi
if [ "${errors:-1}" != 0 ]; then echo "load-check: ${errors:-?} unexpected answers" >&2; fail=1; fi
if [ "${lost:-1}" != 0 ]; then echo "load-check: ${lost:-?} acknowledged writes were lost" >&2; fail=1; fi
if [ "${verified:-0}" = 0 ]; then echo "load-check: no write was verified" >&2; fail=1; fi
if ! kill -0 "$pid" 2>/dev/null; then echo "load-check: the server died" >&2; cat "$tmp/server.log" >&2; fail=1; fi
exit $fail
