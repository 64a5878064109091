# Sourced by the scripts that run the mockserver binary as a process of its
# own: builds it and the load generator into a temporary folder, starts it
# on a free loopback port, waits for its health answer, and stops every
# server it started when the calling script exits, even on failure.
#   build_mock_tools
#   start_mockserver [mockserver flags...]   # sets MOCK_URL, MOCK_PID, MOCK_LOG
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
