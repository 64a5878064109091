#!/usr/bin/env bash
# Runs the contract specs against the mockserver binary, started as a
# separate process on a free loopback port and reached only by URL, seeded,
# mutations allowed. LABELS and GINKGO_FLAGS work as for scripts/contract.sh;
# extra arguments go to ginkgo (e.g. --label-filter=care360).
set -euo pipefail

cd "$(dirname "$0")/.."
. scripts/lib/mockserver.sh
build_mock_tools
start_mockserver --log-level warn

status=0
CONTRACT_BASE_URL="$MOCK_URL" CONTRACT_SEED=true CONTRACT_ALLOW_MUTATIONS=true \
	CONTRACT_REPORT=contracts/reports/contract-binary-junit.xml \
	bash scripts/contract.sh "$@" || status=$?
exit "$status"
