#!/usr/bin/env bash
# Runs the contract specs against the mockserver binary, started as a
# separate process on a free loopback port and reached only by URL.
# Extra arguments go to ginkgo (e.g. --label-filter=care360).
set -euo pipefail

cd "$(dirname "$0")/.."
GO=${GO:-go}

tmp=$(mktemp -d)
pid=""
cleanup() {
	if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"$GO" build -o "$tmp/mockserver" ./mock/cmd/mockserver

# A free loopback port: bind port 0, read the port, release it.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || true)
if [[ -z "$port" ]]; then
	port=$(( (RANDOM % 20000) + 40000 ))
fi
base="http://127.0.0.1:$port"

"$tmp/mockserver" --addr "127.0.0.1:$port" --log-level warn 2>"$tmp/mockserver.log" &
pid=$!

for _ in $(seq 1 100); do
	if curl -fsS "$base/__mock/health" >/dev/null 2>&1; then
		break
	fi
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "contract-binary: mockserver exited early:" >&2
		cat "$tmp/mockserver.log" >&2
		exit 1
	fi
	sleep 0.1
done
if ! curl -fsS "$base/__mock/health" >/dev/null 2>&1; then
	echo "contract-binary: mockserver did not answer $base/__mock/health" >&2
	cat "$tmp/mockserver.log" >&2
	exit 1
fi

mkdir -p contracts/reports
report=contracts/reports/contract-binary-junit.xml
status=0
CONTRACT_BASE_URL="$base" CONTRACT_SEED=true CONTRACT_ALLOW_MUTATIONS=true \
	"$GO" tool ginkgo --randomize-all --keep-going --fail-on-empty --trace \
	--junit-report="$report" "$@" ./contracts/ || status=$?
echo "JUnit report: $report"
exit "$status"
