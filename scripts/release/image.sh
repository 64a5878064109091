#!/usr/bin/env bash
# Builds the mockserver container image from a binary built on this host:
#   scripts/release/image.sh [image-ref...]
# Default refs: $IMAGE:$VERSION and $IMAGE:latest. Needs Go and a Docker
# daemon, and pulls nothing (the base is scratch unless BASE says otherwise).
#   GO       go command (default: go)
#   IMAGE    repository name (default: vendorsuite/mockserver)
#   VERSION  version stamped into the binary and the labels
#            (default: git describe, e.g. v1.2.0 or 1a2b3c4-dirty)
#   BASE     base image (default: scratch)
#   TRIMPATH false leaves build paths in the binary and so reuses more of
#            the compile cache of ordinary builds (the image test does)
set -euo pipefail
cd "$(dirname "$0")/../.."

GO=${GO:-go}
IMAGE=${IMAGE:-vendorsuite/mockserver}
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
BASE=${BASE:-scratch}
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
refs=("$@")
[ ${#refs[@]} -gt 0 ] || refs=("$IMAGE:$VERSION" "$IMAGE:latest")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
context=$tmp/context
mkdir -p "$context/data"
pkg=github.com/vendorsuite/contracts/mock/internal/buildinfo
# Static (no cgo): scratch has no C library. The daemon's architecture is
# the one to build for.
arch=$(docker version --format '{{.Server.Arch}}' 2>/dev/null || "$GO" env GOARCH)
trimpath=-trimpath
[ "${TRIMPATH:-true}" != false ] || trimpath=
CGO_ENABLED=0 GOOS=linux GOARCH=$arch "$GO" build $trimpath \
	-ldflags "-s -w -X $pkg.version=$VERSION -X $pkg.commit=$revision -X $pkg.date=$created" \
	-o "$context/mockserver" ./mock/cmd/mockserver
cp scripts/release/LICENSE "$context/LICENSE"

tags=()
for ref in "${refs[@]}"; do tags+=(--tag "$ref"); done
# The legacy builder is enough for this Dockerfile and needs no buildx;
# its deprecation notice is shown only when the build fails.
if ! DOCKER_BUILDKIT=0 docker build --quiet --file scripts/release/Dockerfile \
	--build-arg BASE="$BASE" --build-arg VERSION="$VERSION" \
	--build-arg REVISION="$revision" --build-arg CREATED="$created" \
	"${tags[@]}" "$context" >"$tmp/build.log" 2>&1; then
	cat "$tmp/build.log" >&2
	exit 1
fi
echo "built ${refs[*]} (mockserver $VERSION, linux/$arch, base $BASE)"
