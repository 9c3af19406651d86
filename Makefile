# Tenantry's front door. `make run` and `make test` are all a newcomer needs.
.DEFAULT_GOAL := help
SHELL := /bin/bash

GO      ?= go
DB      ?= data/tenantry.db
# loopback only: the demo's passwords are public (ADDR=:8080 to listen on every interface)
ADDR    ?= 127.0.0.1:8080
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: help run build generate test test-short lint bench browser-deps clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# run builds first, saying so, rather than a silent `go run`; then the shell
# execs the portal, which on Ctrl-C finishes in-flight requests and exits 0
run: ## start the portal with demo data on an embedded SQLite file (data/tenantry.db), on 127.0.0.1:8080
	@mkdir -p $(dir $(DB)) bin
	@echo "compiling bin/tenantry (the first time takes a minute or two; packages are listed as they build)…"
	@$(GO) build -v -ldflags "$(LDFLAGS)" -o bin/tenantry ./cmd/tenantry
	@exec bin/tenantry serve --db $(DB) --addr $(ADDR) --demo

build: ## build bin/tenantry
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/tenantry ./cmd/tenantry

generate: ## regenerate templ components (*_templ.go, committed)
	$(GO) tool templ generate

test: browser-deps ## run every test, browser tests in headless Chromium included
	$(GO) test -count=1 ./...

test-short: ## run the tests without the browser tests
	$(GO) test -count=1 -short ./...

lint: ## gofmt, go vet, staticcheck, and generated code up to date
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '_templ.go$$')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) tool templ generate >/dev/null
	@git diff --exit-code --stat -- '*_templ.go' || { echo "generated templ files were stale: commit them"; exit 1; }

# the go test benchmarks (compare runs with benchstat), then the real
# server on 127.0.0.1 under load: one table, also in bench/results.json
bench: ## run the benchmarks: testing.B hot paths, then the built server under load (bench/)
	$(GO) test -run '^$$' -bench . -benchmem ./...
	@mkdir -p bin
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/tenantry ./cmd/tenantry
	$(GO) run ./bench -binary bin/tenantry -out bench/results.json

browser-deps: ## install Chromium (Debian package) when it is missing
	@bash .ci/install-chromium

clean: ## remove build output and the demo database
	rm -rf bin data
