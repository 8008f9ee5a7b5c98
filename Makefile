# Build, run and test CoreDNS.
GO        ?= go
BINARY    ?= coredns
COMMIT    := $(shell git rev-parse --short HEAD 2>/dev/null)
LDFLAGS   := -s -w -X github.com/coredns/coredns/coremain.GitCommit=$(COMMIT)
# Packages tested with the race detector: the server core and the plugin API.
RACE_PKGS := ./core/... ./coremain/... ./plugin ./request/... ./plugin/pkg/... ./plugin/metrics/...

.PHONY: all coredns run test test-unit test-race golden check generate bench clean

all: coredns

generate:
	$(GO) generate coredns.go

coredns: generate
	CGO_ENABLED=0 $(GO) build -ldflags "$(LDFLAGS)" -o $(BINARY) .

# Build and serve the Corefile in this directory (port 1053, no root needed).
run: coredns
	./$(BINARY) -conf Corefile

# Everything CI runs: static checks, unit and integration tests, race tests
# on the core, and the golden answers recorded from CoreDNS.
test: check test-unit test-race golden

test-unit:
	$(GO) test -count=1 -timeout 15m ./...

test-race:
	$(GO) test -count=1 -race -timeout 15m $(RACE_PKGS)

golden: coredns
	bash ../shared/golden/run.sh ./$(BINARY)

check:
	@bad=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go')); \
	if [ -n "$$bad" ]; then echo "gofmt needed: $$bad"; exit 1; fi
	$(GO) vet ./...
	@$(GO) generate coredns.go && \
	if ! git diff --quiet -- core/plugin/zplugin.go core/dnsserver/zdirectives.go; then \
		echo "generated files are stale: run 'go generate' and commit them"; \
		git diff -- core/plugin/zplugin.go core/dnsserver/zdirectives.go; exit 1; fi

bench: coredns
	bash bench/bench.sh

clean:
	rm -f $(BINARY)
