# The commands a user and CI run. Go tools come from go.mod's tool
# directives (go tool ...); Node tooling from scripts/package.json.

GO        ?= go
ADDR      ?= 127.0.0.1:8080
NPM_DIR   := scripts
REDOCLY   := REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true npm --prefix $(NPM_DIR) run --silent lint:openapi

.PHONY: all mock generate lint vet lint-go check-generate lint-openapi lint-ci test unit contract contract-binary contract-drift contract-standin fidelity

all: lint test

## mock: serve every vendor on $(ADDR) with the embedded default accounts.
## Builds bin/mockserver, then the recipe's shell becomes it (exec), so the
## server is make's own child: stopping make (SIGTERM, Ctrl-C) stops it.
mock:
	$(GO) build -o bin/mockserver ./mock/cmd/mockserver
	exec bin/mockserver --addr $(ADDR)

## generate: assemble mock-control.yaml's vendor parts from
## openapi/fixtures/<vendor>.yaml, write openapi/json/ (each document as
## kin-openapi loads it, the form mockserver reads at startup), regenerate
## every generated/<name> package from openapi/, and the README's "What the
## mock infers" table from the documents' markers.
generate:
	$(GO) generate ./openapi/...
	$(GO) generate ./generated/...

## lint: go vet, golangci-lint (.golangci.yml), generated code and the
## README's inference table up to date, OpenAPI documents pass Redocly,
## the example CI workflow passes actionlint.
lint: vet lint-go check-generate lint-openapi lint-ci

vet:
	$(GO) vet ./...

# golangci-lint runs pinned with go run rather than as a go.mod tool: as a
# tool its ~200 modules would join the product's module graph and raise
# ten of the product's own dependencies (golang.org/x/net, x/sys,
# x/crypto, ...), so the shipped binary would change because of a linter.
GOLANGCI := $(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
lint-go:
	$(GOLANGCI) run ./...

check-generate: generate
	@if [ -n "$$(git status --porcelain -- generated README.md openapi/mock-control.yaml openapi/json)" ]; then \
		echo "make generate changed generated/, openapi/mock-control.yaml, openapi/json/ or README.md; commit the result:"; \
		git status --porcelain -- generated README.md openapi/mock-control.yaml openapi/json; git --no-pager diff --stat -- generated README.md openapi/mock-control.yaml openapi/json; exit 1; \
	fi

$(NPM_DIR)/node_modules/.package-lock.json: $(NPM_DIR)/package.json $(NPM_DIR)/package-lock.json
	npm --prefix $(NPM_DIR) ci --no-audit --no-fund

lint-openapi: $(NPM_DIR)/node_modules/.package-lock.json
	$(REDOCLY)

lint-ci:
	$(GO) tool actionlint contracts/ci/github-actions.yml

## test: everything CI runs, each once. unit runs the contract specs
## in-process (go test ./contracts/), against a stand-in vendor (a
## mockserver binary) by URL with the fidelity proof (./contracts/standin/)
## and the drift proof; load-check runs the loadgen smoke workloads too.
test: unit alloc-budget fuzz-short load-check image-test

## contract: the contract specs against the target the CONTRACT_* variables
## name (unset: an in-process mock); writes a JUnit report. LABELS is a
## label filter (make contract LABELS='care360 && !mutating'); GINKGO_FLAGS
## adds ginkgo flags to the defaults (--keep-going --fail-on-empty
## --randomize-all --trace).
CONTRACT_REPORT ?= contracts/reports/contract-junit.xml
LABELS          ?=
GINKGO_FLAGS    ?=
export LABELS GINKGO_FLAGS CONTRACT_REPORT

contract:
	@GO="$(GO)" bash scripts/contract.sh

## contract-binary: the contract specs against the mockserver binary, by URL.
contract-binary:
	GO=$(GO) bash scripts/contract-binary.sh

## contract-standin: the contract specs by URL against a stand-in vendor
## (other accounts, control API out of reach): they must pass and leave its
## state as it was; fidelity must catch a drift injected there. Part of unit.
contract-standin:
	$(GO) test -count=1 -v ./contracts/standin/

## fidelity: the contract specs against the mock and against the target
## CONTRACT_BASE_URL* names, with the same CONTRACT_FIXTURES; writes
## contracts/reports/fidelity.md and fidelity.html; exits 1 when a spec
## passes on one side and fails on the other. LABELS filters both sides.
fidelity:
	$(GO) run ./contracts/cmd/fidelity --out contracts/reports

## contract-drift: proof that the contract specs fail when the mock drifts.
contract-drift:
	$(GO) test -count=1 ./contracts/drift/

unit:
	$(GO) test -race -count=1 ./...

## bench: the mock against a ceiling server (same answers, no validation or
## state) in one run, Go benchmarks, startup time and bytes per user;
## results/bench.json and results/bench-go.txt. BENCH_DURATION=5s per run.
.PHONY: bench loadgen-smoke alloc-budget
bench:
	GO="$(GO)" bash scripts/bench.sh

## alloc-budget: allocations per request of each bench workload through the
## whole mock handler against mock/testdata/alloc-budget.json; fails on more
## than 20% growth (without -race, which changes the counts).
alloc-budget:
	$(GO) test -count=1 -run '^TestAllocationBudget$$' ./mock/

## loadgen-smoke: loadgen against a fresh mockserver for ~1 s per workload; fails on errors.
loadgen-smoke:
	GO="$(GO)" bash scripts/bench/loadgen-smoke.sh

## fuzz: every fuzz target for FUZZTIME (default 30s) each, then the
## executions per target; crashers land in the package's testdata/fuzz/.
## fuzz-short: the same, each target by a count of inputs (scripts/fuzz.sh gives them; part of make test).
## load-check: the mixed loadgen workload for LOAD_DURATION (default 3s)
## against a fresh mockserver; fails on any 5xx or lost write.
## soak: 256 connections for 60 s across three sessions with 100 kill -9
## restarts in the strongest durability mode (--save-writes 1); prints
## requests served, 5xx, acknowledged writes lost and peak RSS. Not in
## make test (about 90 s). SOAK_DURATION, SOAK_CONNS, SOAK_KILLS,
## SOAK_SAVE_WRITES change it.
.PHONY: soak
soak:
	GO="$(GO)" bash scripts/soak.sh

.PHONY: fuzz fuzz-short load-check
FUZZTIME      ?= 30s
LOAD_DURATION ?= 3s
fuzz:
	GO="$(GO)" FUZZTIME="$(FUZZTIME)" bash scripts/fuzz.sh
fuzz-short:
	GO="$(GO)" FUZZ_SHORT=1 bash scripts/fuzz.sh
load-check:
	GO="$(GO)" LOAD_DURATION="$(LOAD_DURATION)" bash scripts/bench/load-without-loss.sh

## release-snapshot: GoReleaser (pinned, run with go run) builds mockserver
## and mock-record for linux, darwin and windows on amd64 and arm64, one
## archive each with README and LICENSE, and checksums.txt, into
## bin/release/; nothing is published. release: the same from a version
## tag, published as a GitHub release (needs GITHUB_TOKEN).
## image: the container image from a binary built here (IMAGE, VERSION, BASE).
## image-test: that image end to end; skipped when no Docker daemon runs.
GORELEASER        := $(GO) run github.com/goreleaser/goreleaser/v2@v2.15.1
GORELEASER_CONFIG := scripts/release/goreleaser.yaml
.PHONY: release-snapshot release image image-test
# A snapshot in a clone without a remote would lose the commit (GoReleaser
# then stamps "none"); name the project's URL for that one command.
NO_REMOTE_ENV := $(if $(shell git remote 2>/dev/null),,GIT_CONFIG_COUNT=1 \
	GIT_CONFIG_KEY_0=remote.origin.url GIT_CONFIG_VALUE_0=https://github.com/vendorsuite/contracts.git)
release-snapshot:
	$(NO_REMOTE_ENV) $(GORELEASER) release --snapshot --clean --config $(GORELEASER_CONFIG)
release:
	$(GORELEASER) release --clean --config $(GORELEASER_CONFIG)
image:
	GO="$(GO)" bash scripts/release/image.sh
image-test:
	GO="$(GO)" bash scripts/release/image-test.sh

## console-screenshots: run the console's browser test and copy its journal
## and state screenshots to mock/console/screenshots/ (shown in README.md).
.PHONY: console-screenshots
console-screenshots:
	CONSOLE_SCREENSHOTS=update $(GO) test -count=1 -run TestConsoleInBrowser ./mock/console/
