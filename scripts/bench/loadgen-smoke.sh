#!/usr/bin/env bash
# make loadgen-smoke: the load generator and the binary work together: ~1 s
# of two scenarios against a fresh mockserver, failing on any unexpected answer.
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}

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
"$tmp/mockserver" --addr "127.0.0.1:$port" --log-level info 2>/dev/null &
pid=$!
"$tmp/loadgen" wait --url "http://127.0.0.1:$port/__mock/health" --timeout 20s --pid "$pid"

fail=0
for sc in update-email documented-400; do
	out=$("$tmp/loadgen" --url "http://127.0.0.1:$port" --scenario "$sc" --duration 1s --concurrency 8 \
		--max-requests 50000 --server-pid "$pid" --label smoke --json)
	echo "$out"
	errors=$(printf '%s' "$out" | sed -n 's/.*"errors":\([0-9]*\).*/\1/p')
	requests=$(printf '%s' "$out" | sed -n 's/.*"requests":\([0-9]*\).*/\1/p')
	if [ "${errors:-1}" != 0 ] || [ "${requests:-0}" = 0 ]; then
		echo "loadgen-smoke: $sc: ${errors:-?} errors in ${requests:-0} requests" >&2
		fail=1
	fi
done
exit $fail
