#!/usr/bin/env bash
# make fuzz / make fuzz-short: run every fuzz target for FUZZTIME (default
# 30s) each, one after the other, and print the executions per target.
# A crasher is written by go test under the package's
# testdata/fuzz/<FuzzName>/, where plain go test then replays it.
set -uo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-30s}

# The short run (FUZZ_SHORT=1, make fuzz-short, part of make test) runs
# every target by count, not by time: with a 3 s deadline, Go's fuzzer can
# stop a worker in the middle of an input and report the deadline itself
# as a failure ("context deadline exceeded"), which happened to targets
# with slow inputs (a whole call sequence, a fixture document checked
# against its limits) and to the vendor targets in ./mock/, whose large
# coverage map slows the engine to a few hundred inputs a second. A count
# also keeps the short run's share of make test fixed whatever the
# machine's load. Each count is about 1–3 s of fuzzing here.
declare -A short_execs=([FuzzRoundTrip]=600x [FuzzControlDocument]=300x
	[FuzzCare360Update]=3000x [FuzzCare360List]=3000x [FuzzCL2CUpdate]=300x [FuzzR1Update]=400x
	[FuzzFixturesParse]=5000x [FuzzDecodeCursor]=5000x
	[FuzzAppendString]=2000x [FuzzCare360Encode]=2000x [FuzzCL2CEncode]=2000x [FuzzR1Encode]=2000x
	[FuzzFastPath]=2000x)

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
	"./mock/jsonresp/ FuzzAppendString"
	"./mock/care360/ FuzzCare360Encode"
	"./mock/cl2c/ FuzzCL2CEncode"
	"./mock/r1discover/ FuzzR1Encode"
	"./mock/validation/ FuzzFastPath"
)

log=$(mktemp)
trap 'rm -f "$log"' EXIT
summary=()
fail=0
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	fuzztime=$FUZZTIME
	if [ "${FUZZ_SHORT:-}" = 1 ] && [ -n "${short_execs[$name]:-}" ]; then
		fuzztime=${short_execs[$name]}
	fi
	echo "== $name ($pkg) for $fuzztime"
	$GO test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" "$pkg" >"$log" 2>&1
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
if [ "${FUZZ_SHORT:-}" = 1 ]; then
	echo "fuzz summary (short run: every target by count):"
else
	echo "fuzz summary (FUZZTIME=$FUZZTIME each):"
fi
printf '  %s\n' "${summary[@]}"
exit $fail
