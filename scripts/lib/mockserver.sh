# Sourced by the scripts that run the mockserver binary as a process of its
# own: builds it and the load generator into a temporary folder, starts it
# on a free loopback port, waits for its health answer, and stops every
# server it started when the calling script exits, even on failure.
#   build_mock_tools
#   start_mockserver [mockserver flags...]   # sets MOCK_URL, MOCK_PID, MOCK_LOG
#   loadgen_smoke                            # ~1 s per smoke workload; fails on errors
# GO names the go command (default: go).

GO=${GO:-go}
mock_tmp=$(mktemp -d)
mock_pids=()

mock_cleanup() {
	local p
	for p in "${mock_pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${mock_pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$mock_tmp"
}
trap mock_cleanup EXIT INT TERM

build_mock_tools() {
	"$GO" build -o "$mock_tmp/mockserver" ./mock/cmd/mockserver
	"$GO" build -o "$mock_tmp/loadgen" ./mock/cmd/loadgen
	LOADGEN="$mock_tmp/loadgen"
}

start_mockserver() {
	local port
	port=$("$LOADGEN" freeport)
	MOCK_URL="http://127.0.0.1:$port"
	MOCK_LOG="$mock_tmp/mockserver-$port.log"
	"$mock_tmp/mockserver" --addr "127.0.0.1:$port" "$@" 2>"$MOCK_LOG" &
	MOCK_PID=$!
	mock_pids+=("$MOCK_PID")
	if ! "$LOADGEN" wait --url "$MOCK_URL/__mock/health" --timeout 20s --pid "$MOCK_PID"; then
		echo "mockserver did not answer $MOCK_URL/__mock/health:" >&2
		cat "$MOCK_LOG" >&2
		return 1
	fi
}

# loadgen_smoke: the load generator and the running server work together:
# ~1 s of a write workload and of a documented-error workload, no errors.
loadgen_smoke() {
	local sc out errors requests fail=0
	for sc in update-email documented-400; do
		out=$("$LOADGEN" --url "$MOCK_URL" --workload "$sc" --duration 1s --concurrency 8 \
			--max-requests 50000 --server-pid "$MOCK_PID" --label smoke --json)
		echo "$out"
		errors=$(printf '%s' "$out" | sed -n 's/.*"errors":\([0-9]*\).*/\1/p')
		requests=$(printf '%s' "$out" | sed -n 's/.*"requests":\([0-9]*\).*/\1/p')
		if [ "${errors:-1}" != 0 ] || [ "${requests:-0}" = 0 ]; then
			echo "loadgen-smoke: $sc: ${errors:-?} errors in ${requests:-0} requests" >&2
			fail=1
		fi
	done
	return $fail
}
