#!/usr/bin/env bash
# make fuzz / make fuzz-short: run every fuzz target for FUZZTIME (default
# 30s) each, one after the other, and print the executions per target.
# A crasher is written by go test under the package's
# testdata/fuzz/<FuzzName>/, where plain go test then replays it.
set -uo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-30s}

# package target
targets=(
	"./mock/ FuzzCare360Update"
	"./mock/ FuzzCare360List"
	"./mock/ FuzzCL2CUpdate"
	"./mock/ FuzzR1Update"
	"./mock/ FuzzControlDocument"
	"./mock/ FuzzRoundTrip"
	"./mock/fixtures/ FuzzFixturesParse"
	"./mock/care360/ FuzzDecodeCursor"
)

log=$(mktemp)
trap 'rm -f "$log"' EXIT
summary=()
fail=0
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	echo "== $name ($pkg) for $FUZZTIME"
	$GO test -run='^$' -fuzz="^${name}\$" -fuzztime="$FUZZTIME" "$pkg" >"$log" 2>&1
	status=$?
	# The last progress line carries the total, e.g.
	# "fuzz: elapsed: 3s, execs: 12345 (4115/sec), new interesting: 3 (total: 17)".
	execs=$(sed -n 's/.*execs: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
	interesting=$(sed -n 's/.*new interesting: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
	if [ "$status" -ne 0 ]; then
		fail=1
		cat "$log"
		summary+=("$(printf '%-20s %12s execs  FAILED (crasher under %stestdata/fuzz/%s/)' "$name" "${execs:-?}" "${pkg#./}" "$name")")
	else
		tail -n 2 "$log"
		summary+=("$(printf '%-20s %12s execs  %4s new interesting  ok' "$name" "${execs:-0}" "${interesting:-0}")")
	fi
done
echo
echo "fuzz summary (FUZZTIME=$FUZZTIME each):"
printf '  %s\n' "${summary[@]}"
exit $fail
