#!/usr/bin/env bash
# make soak: the mockserver binary under SOAK_CONNS (default 256)
# connections for SOAK_DURATION (default 60s) of mixed reads and writes
# across the default world and two sessions, killed with SIGKILL and
# restarted SOAK_KILLS (default 100) times, with --save-writes
# SOAK_SAVE_WRITES (default 1, the strongest durability mode). Prints
# requests served, 5xx, acknowledged writes lost and peak RSS; fails on
# any 5xx, or on a lost write in the strongest mode. Not part of make test.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$GO" build -o "$tmp/mockserver" ./mock/cmd/mockserver
"$GO" build -o "$tmp/soak" ./mock/cmd/soak
"$tmp/soak" --mockserver "$tmp/mockserver" --dir "$tmp" \
	--duration "${SOAK_DURATION:-60s}" --conns "${SOAK_CONNS:-256}" \
	--kills "${SOAK_KILLS:-100}" --save-writes "${SOAK_SAVE_WRITES:-1}"
