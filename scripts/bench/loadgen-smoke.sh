#!/usr/bin/env bash
# make loadgen-smoke: the load generator and the binary work together: ~1 s
# of two workloads against a fresh mockserver, failing on any unexpected answer.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/mockserver.sh
build_mock_tools
# Logging on, as a real run has it; the lines themselves are not needed.
start_mockserver --log-level info

loadgen_smoke
