#!/usr/bin/env bash
# Runs the contract specs against the mockserver binary, started as a
# separate process on a free loopback port and reached only by URL.
# Extra arguments go to ginkgo (e.g. --label-filter=care360).
set -euo pipefail

cd "$(dirname "$0")/.."
. scripts/lib/mockserver.sh
build_mock_tools
start_mockserver --log-level warn
base=$MOCK_URL

mkdir -p contracts/reports
report=contracts/reports/contract-binary-junit.xml
status=0
CONTRACT_BASE_URL="$base" CONTRACT_SEED=true CONTRACT_ALLOW_MUTATIONS=true \
	"$GO" tool ginkgo --randomize-all --keep-going --fail-on-empty --trace \
	--junit-report="$report" "$@" ./contracts/ || status=$?
echo "JUnit report: $report"
exit "$status"
