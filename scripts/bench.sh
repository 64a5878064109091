#!/usr/bin/env bash
# make bench: the mock measured against the ceiling server (same answers,
# no validation or state) in one run, plus Go benchmarks, startup time and
# memory per Care360 user. Writes results/bench.json and results/bench-go.txt.
#
# Env: BENCH_DURATION (per load run, default 5s), BENCH_CONCURRENCY (32),
# BENCH_ROUNDS (ceiling/mock alternations per workload, 1),
# BENCH_USERS (users for the memory check, 1000000), BENCH_GO_COUNT (3; 0 skips),
# BENCH_ENGINE (load generator: wrk when installed, else loadgen),
# BENCH_STRICT (1: exit non-zero when a performance target is missed).
#
# wrk (Debian's package: apt-get install wrk) drives the load when present,
# so figures compare with published ones; loadgen still seeds the records
# and reads the servers' CPU time around each run.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
DURATION=${BENCH_DURATION:-5s}
CONCURRENCY=${BENCH_CONCURRENCY:-32}
ROUNDS=${BENCH_ROUNDS:-1}
USERS=${BENCH_USERS:-1000000}
GO_COUNT=${BENCH_GO_COUNT:-3}
ENGINE=${BENCH_ENGINE:-}
if [ -z "$ENGINE" ]; then
	if command -v wrk >/dev/null; then
		ENGINE=wrk
	else
		ENGINE=loadgen
		echo "wrk not found (apt-get install wrk); driving the load with loadgen"
	fi
fi

tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "== building"
$GO build -o "$tmp/mockserver" ./mock/cmd/mockserver
$GO build -o "$tmp/ceiling" ./mock/cmd/ceiling
$GO build -o "$tmp/loadgen" ./mock/cmd/loadgen
lg="$tmp/loadgen"
mkdir -p results
jsonl="$tmp/results.jsonl"
: >"$jsonl"

cport=$("$lg" freeport)
"$tmp/ceiling" --addr "127.0.0.1:$cport" &
cpid=$!
pids+=("$cpid")
mport=$("$lg" freeport)
# Logging on, as users run it; the log lines are written and thrown away.
"$tmp/mockserver" --addr "127.0.0.1:$mport" --log-level info 2>/dev/null &
mpid=$!
pids+=("$mpid")
"$lg" wait --url "http://127.0.0.1:$cport/__mock/health" --pid "$cpid"
"$lg" wait --url "http://127.0.0.1:$mport/__mock/health" --pid "$mpid"

echo "== load with $ENGINE: $DURATION per run, concurrency $CONCURRENCY, $ROUNDS round(s), ceiling and mock alternating"
for ((round = 1; round <= ROUNDS; round++)); do
	for sc in get-users update-profile update-email documented-400 cl2c-update r1-update; do
		for target in ceiling mock; do
			if [ "$target" = ceiling ]; then port=$cport pid=$cpid; else port=$mport pid=$mpid; fi
			"$lg" --engine "$ENGINE" --url "http://127.0.0.1:$port" --workload "$sc" --duration "$DURATION" \
				--concurrency "$CONCURRENCY" --server-pid "$pid" --label "$target" --json >>"$jsonl"
		done
	done
done
kill "$cpid" "$mpid"
wait "$cpid" "$mpid" 2>/dev/null || true
pids=()

echo "== startup and memory"
# Startup is timed to the first vendor answer (a 200 listing Care360
# users), with the default fixtures and with a fixtures file of 1,000 users.
"$lg" gen-fixtures --users 1000 --out "$tmp/u1000.json"
"$lg" startup --bin "$tmp/mockserver" --runs 11 --label startup --json \
	--probe '/api/v1/users?limit=1' --header 'cv-api-key: cv-demo-key' >>"$jsonl"
"$lg" startup --bin "$tmp/mockserver" --runs 11 --label startup-1000 --json \
	--fixtures "$tmp/u1000.json" --users 1000 --probe '/api/v1/users?limit=1' --header 'cv-api-key: big-key' >>"$jsonl"
"$lg" gen-fixtures --users "$USERS" --out "$tmp/many.json"
# Both RSS readings wait the same 2 s after the first healthy answer, so
# the garbage of startup is treated alike.
"$lg" startup --bin "$tmp/mockserver" --runs 1 --settle 2s --label rss-default --json >>"$jsonl"
"$lg" startup --bin "$tmp/mockserver" --runs 1 --settle 2s --fixtures "$tmp/many.json" --users "$USERS" --label rss-many --json >>"$jsonl"
rm -f "$tmp/many.json"

if [ "$GO_COUNT" -gt 0 ]; then
	echo "== go benchmarks (count $GO_COUNT) -> results/bench-go.txt"
	$GO test -run '^$' -bench . -benchmem -count "$GO_COUNT" \
		./mock/ ./mock/care360/ ./mock/fixtures/ ./mock/validation/ | tee results/bench-go.txt
fi

echo
echo "== results (ratios are mock / ceiling) -> results/bench.json"
strict=()
if [ "${BENCH_STRICT:-0}" = 1 ]; then strict=(--strict); fi
"$lg" report --out results/bench.json "${strict[@]}" <"$jsonl"
