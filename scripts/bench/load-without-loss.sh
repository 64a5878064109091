#!/usr/bin/env bash
# make load-check: the "mixed" loadgen workload (pages of users, Care360
# profile updates, CL2C and R1 updates of per-worker users) against a fresh
# mockserver on a free loopback port for LOAD_DURATION (default 3s) at
# LOAD_CONCURRENCY (default 16). Reports throughput, p50/p99 and errors;
# fails on any 5xx, any unexpected answer, or any acknowledged write the
# final GET /__mock/state does not show (a lost write). The loadgen smoke
# workloads run first on the same server (make test runs this, not
# loadgen-smoke).
set -euo pipefail
cd "$(dirname "$0")/../.."
LOAD_DURATION=${LOAD_DURATION:-3s}
LOAD_CONCURRENCY=${LOAD_CONCURRENCY:-16}

. scripts/lib/mockserver.sh
build_mock_tools
start_mockserver
loadgen_smoke

out=$("$LOADGEN" --url "$MOCK_URL" --workload mixed --duration "$LOAD_DURATION" \
	--concurrency "$LOAD_CONCURRENCY" --server-pid "$MOCK_PID" --label load-check --json)
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
if ! kill -0 "$MOCK_PID" 2>/dev/null; then echo "load-check: the server died" >&2; cat "$MOCK_LOG" >&2; fail=1; fi
exit $fail
