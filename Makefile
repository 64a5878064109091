# The commands a user and CI run. Go tools come from go.mod's tool
# directives (go tool ...); Node tooling from scripts/package.json.

GO        ?= go
ADDR      ?= 127.0.0.1:8080
NPM_DIR   := scripts
REDOCLY   := REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true npm --prefix $(NPM_DIR) run --silent lint:openapi

.PHONY: all generate lint vet check-generate lint-openapi test unit

all: lint test

## generate: regenerate every generated/<name> package from openapi/.
generate:
	$(GO) generate ./generated/...

## lint: go vet, generated code up to date, OpenAPI documents pass Redocly.
lint: vet check-generate lint-openapi

vet:
	$(GO) vet ./...

check-generate: generate
	@if [ -n "$$(git status --porcelain -- generated)" ]; then \
		echo "make generate changed generated/; commit the result:"; \
		git status --porcelain -- generated; git --no-pager diff --stat -- generated; exit 1; \
	fi

$(NPM_DIR)/node_modules/.package-lock.json: $(NPM_DIR)/package.json $(NPM_DIR)/package-lock.json
	npm --prefix $(NPM_DIR) ci --no-audit --no-fund

lint-openapi: $(NPM_DIR)/node_modules/.package-lock.json
	$(REDOCLY)

## test: everything CI runs.
test: unit

unit:
	$(GO) test -race -count=1 ./...
