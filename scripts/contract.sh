#!/usr/bin/env bash
# Runs the contract specs with the ginkgo CLI against the target the
# CONTRACT_* variables name (none: an in-process mock) and writes a JUnit
# report. Always passes --keep-going --fail-on-empty --randomize-all
# --trace; then:
#   LABELS         a ginkgo label filter, e.g. 'care360 && !mutating'
#   GINKGO_FLAGS   more ginkgo flags, shell-quoted, added after the defaults
#   CONTRACT_REPORT  the JUnit report (default contracts/reports/contract-junit.xml)
# Extra arguments go to ginkgo as well.
set -euo pipefail
# ginkgo runs the suite inside contracts/: a relative fixtures path is
# meant from where the command was typed.
if [ -n "${CONTRACT_FIXTURES:-}" ] && [ "${CONTRACT_FIXTURES#/}" = "$CONTRACT_FIXTURES" ]; then
	CONTRACT_FIXTURES="$PWD/$CONTRACT_FIXTURES"
	export CONTRACT_FIXTURES
fi
cd "$(dirname "$0")/.."
GO=${GO:-go}
report=${CONTRACT_REPORT:-contracts/reports/contract-junit.xml}

args=(--keep-going --fail-on-empty --randomize-all --trace)
if [ -n "${LABELS:-}" ]; then
	args+=("--label-filter=$LABELS")
fi
if [ -n "${GINKGO_FLAGS:-}" ]; then
	# The flags are written as on a command line, quotes included.
	if ! eval "extra=($GINKGO_FLAGS)" 2>/dev/null; then
		echo "GINKGO_FLAGS is not a list of shell words: $GINKGO_FLAGS" >&2
		echo "quote a label filter inside it, or pass the filter as LABELS='care360 && !mutating'" >&2
		exit 2
	fi
	args+=("${extra[@]}")
fi

mkdir -p "$(dirname "$report")"
rm -f "$report"
status=0
"$GO" tool ginkgo "${args[@]}" "$@" --junit-report="$report" ./contracts/ || status=$?
if [ -f "$report" ]; then
	echo "JUnit report: $report"
else
	echo "no JUnit report was written (ginkgo stopped before running the suite)" >&2
fi
exit "$status"
