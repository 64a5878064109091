#!/usr/bin/env bash
# End-to-end test of the container image: builds it, runs it as a user
# would (host network, a free loopback port, a control token, a named
# volume for /data), waits for its own HEALTHCHECK, runs the contract suite
# against it by URL, and checks that it runs as non-root, keeps its state
# in the volume, refuses to start with an unprotected control API and
# starts with an explicit opt-out. Containers and volumes go on exit.
# Without a usable Docker daemon it says so in one line and succeeds, so the
# rest of CI goes on.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
	echo "image test skipped: no Docker daemon answers here (bash .ci/run installs and starts one)"
	exit 0
fi

. scripts/lib/mockserver.sh
run_id=$$-$RANDOM
image=vendorsuite/mockserver-test:$run_id
volume=mockserver-test-data-$run_id
containers=()
image_cleanup() {
	local c
	for c in "${containers[@]}"; do docker rm -f -v "$c" >/dev/null 2>&1 || true; done
	docker volume rm "$volume" >/dev/null 2>&1 || true
	docker image rm "$image" >/dev/null 2>&1 || true
	mock_cleanup
}
trap image_cleanup EXIT INT TERM

fail() {
	echo "image test: $*" >&2
	exit 1
}

started=$SECONDS
VERSION=image-test-$run_id TRIMPATH=false bash scripts/release/image.sh "$image"
build_mock_tools # the host's own mockserver and loadgen: free ports, probes

# Labels and user come from the image itself.
labels=$(docker image inspect "$image" --format '{{index .Config.Labels "org.opencontainers.image.version"}} {{index .Config.Labels "org.opencontainers.image.licenses"}} {{index .Config.Labels "org.opencontainers.image.source"}} {{.Config.User}}')
[ "$labels" = "image-test-$run_id LicenseRef-Proprietary https://github.com/vendorsuite/contracts 65532:65532" ] ||
	fail "unexpected labels or user: $labels"

# 1. Safe by default: on its default address (0.0.0.0:8080) with no token
# and no opt-out, the server must refuse to start and say why. No network,
# so nothing can reach it even if it did start.
name=mockserver-test-refuse-$run_id
containers+=("$name")
status=0
timeout 20 docker run --name "$name" --network none "$image" >/dev/null 2>"$mock_tmp/refuse.log" || status=$?
if [ "$status" -eq 0 ] || [ "$status" -eq 124 ] ||
	! grep -q "refusing to serve the control API without a token on 0.0.0.0:8080" "$mock_tmp/refuse.log" ||
	! grep -q "MOCK_CONTROL_TOKEN.*MOCK_NO_CONTROL=true.*MOCK_INSECURE_CONTROL=true" "$mock_tmp/refuse.log"; then
	cat "$mock_tmp/refuse.log" >&2
	fail "the image started an unprotected control API (exit $status)"
fi
echo "refuses an unprotected control API (exit $status): $(cat "$mock_tmp/refuse.log")"

# wait_healthy NAME: until the container's own HEALTHCHECK passes (30 s).
wait_healthy() {
	local health="" _
	for _ in $(seq 1 60); do
		health=$(docker inspect "$1" --format '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}')
		case $health in
		"running healthy") return 0 ;;
		running*) sleep 0.5 ;;
		*) break ;;
		esac
	done
	docker logs "$1" >&2 || true
	docker inspect "$1" --format '{{json .State.Health}}' >&2 || true
	fail "container $1 not healthy: $health"
}

# The explicit opt-out starts, and its healthcheck copes without a control
# API (no network: nothing outside can reach it).
name=mockserver-test-no-control-$run_id
containers+=("$name")
docker run --detach --name "$name" --network none --env MOCK_NO_CONTROL=true \
	--health-interval 1s --health-start-period 1s "$image" >/dev/null
wait_healthy "$name"
docker rm -f -v "$name" >/dev/null
echo "starts with MOCK_NO_CONTROL=true, healthy without a control API"

# 2. As a user runs it: token, volume, host network on a free loopback port.
port=$("$LOADGEN" freeport)
url=http://127.0.0.1:$port
token=token-$run_id-$RANDOM
name=mockserver-test-$run_id
containers+=("$name")
launched=$SECONDS
docker run --detach --name "$name" --network host \
	--env MOCK_ADDR="127.0.0.1:$port" --env MOCK_CONTROL_TOKEN="$token" --env MOCK_LOG_LEVEL=warn \
	--volume "$volume:/data" --health-interval 1s --health-start-period 1s \
	"$image" >/dev/null

wait_healthy "$name"
echo "healthy on $url $((SECONDS - launched)) s after docker run (its own HEALTHCHECK)"

pid=$(docker inspect "$name" --format '{{.State.Pid}}')
uids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$pid/status")
[ "$uids" = "65532 65532 65532 65532" ] || fail "the server runs as uid $uids, want 65532"
echo "runs as uid 65532, not root"

version=$(docker exec "$name" /mockserver --version)
case $version in
"mockserver image-test-$run_id (commit "*) echo "$version" ;;
*) fail "--version in the image printed: $version" ;;
esac

# The control API wants the token: the host binary's healthcheck without it
# must be turned away with 401.
if out=$("$mock_tmp/mockserver" healthcheck --addr "127.0.0.1:$port" --control-token "" 2>&1) ||
	[[ $out != *"answered 401"* ]]; then
	fail "control API without the token: $out"
fi
echo "control API without the token: 401"

mkdir -p contracts/reports
report=contracts/reports/contract-image-junit.xml
status=0
CONTRACT_BASE_URL="$url" CONTRACT_CONTROL_TOKEN="$token" CONTRACT_SEED=true CONTRACT_ALLOW_MUTATIONS=true \
	"$GO" tool ginkgo --randomize-all --keep-going --fail-on-empty \
	--junit-report="$report" --succinct --no-color ./contracts/ || status=$?
echo "JUnit report: $report"
[ "$status" -eq 0 ] || {
	docker logs "$name" 2>&1 | tail -20 >&2
	fail "contract suite against the container failed"
}

# 3. The state lives in the volume: a stop (SIGTERM) saves it there, as the
# non-root user.
docker stop --time 10 "$name" >/dev/null
code=$(docker inspect "$name" --format '{{.State.ExitCode}}')
[ "$code" = 0 ] || {
	docker logs "$name" >&2
	fail "the server exited with $code on SIGTERM"
}
state=$(docker volume inspect "$volume" --format '{{.Mountpoint}}')/state.json
[ -s "$state" ] && [ "$(stat -c %u "$state")" = 65532 ] || fail "no state file saved in the volume"
echo "state saved in the volume on stop ($(stat -c %s "$state") bytes, owner 65532)"
echo "image test passed in $((SECONDS - started)) s"
