#!/usr/bin/env bash
# make loadgen-smoke: the load generator and the binary work together: ~1 s
# of two scenarios against a fresh mockserver, failing on any unexpected answer.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/mockserver.sh
build_mock_tools
# Logging on, as a real run has it; the lines themselves are not needed.
start_mockserver --log-level info

fail=0
for sc in update-email documented-400; do
	out=$("$LOADGEN" --url "$MOCK_URL" --scenario "$sc" --duration 1s --concurrency 8 \
		--max-requests 50000 --server-pid "$MOCK_PID" --label smoke --json)
	echo "$out"
	errors=$(printf '%s' "$out" | sed -n 's/.*"errors":\([0-9]*\).*/\1/p')
	requests=$(printf '%s' "$out" | sed -n 's/.*"requests":\([0-9]*\).*/\1/p')
	if [ "${errors:-1}" != 0 ] || [ "${requests:-0}" = 0 ]; then
		echo "loadgen-smoke: $sc: ${errors:-?} errors in ${requests:-0} requests" >&2
		fail=1
	fi
done
exit $fail
