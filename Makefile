# selfheal: `make run` serves everything on :8000 (SQLite, simulated LLM); `make test` runs every test.
SHELL := /bin/bash
SWIFT ?= swift
PORT ?= 8000
DATABASE ?= sqlite:selfheal.db

.PHONY: deps deps-test build run test bench-overhead bench-rules rules-check clean

# What building and running need; deps-test adds what only the tests use.
deps:
	@bash scripts/install-deps.sh run

deps-test:
	@bash scripts/install-deps.sh test

# The Swift runtime and Foundation linked in, as the Docker image builds: calls into them
# (retain/release above all) are direct, not through the dynamic linker's tables. Measured:
# 0.750 -> 0.642 ms of CPU per /api/v1/request on 2 cores.
build: deps
	$(SWIFT) build -c release --product selfheal --static-swift-stdlib

run: build
	@echo "selfheal: serving every role on http://127.0.0.1:$(PORT) (database $(DATABASE), simulated LLM unless LLM_API_KEY is set)"
	@echo "selfheal: try  curl -s -X POST localhost:$(PORT)/api/v1/request -H 'Content-Type: application/json' -d '{\"user_input\":\"Write a fibonacci function\",\"task_type\":\"code_generation\"}'"
	.build/release/selfheal --role all --port $(PORT) --database $(DATABASE)

# Every test: Swift tests (the PostgreSQL ones against a database scripts/test-postgres.sh
# provides unless SELFHEAL_TEST_DATABASE_URL is set), then the manifest and dashboard checks.
test: deps-test
	bash scripts/check-layering.sh
	bash scripts/check-architecture.sh
	python3 scripts/check-package-graph.py
	$(SWIFT) build --build-tests
	@echo "selfheal: checking the verdict-truth corpus's labels (bench/truth)"
	python3 bench/truth/tools/truth.py self-test >/dev/null
	python3 bench/truth/tools/truth.py verify bench/truth --sample 40
	@python3 -c 'import openai' 2>/dev/null || pip install -q openai >/dev/null 2>&1 || \
		echo "selfheal: the openai Python client could not be installed; its compatibility test will be skipped"
	@url="$${SELFHEAL_TEST_DATABASE_URL:-}"; own=0; \
	if [ -z "$$url" ]; then url=$$(bash scripts/test-postgres.sh) || exit 1; own=1; fi; \
	SELFHEAL_TEST_DATABASE_URL="$$url" $(SWIFT) test --skip-build && \
	SELFHEAL_TEST_DATABASE_URL="$$url" SELFHEAL_BIN=.build/debug/selfheal bash scripts/ops-test.sh || exit 1; \
	if [ "$$own" = 1 ]; then \
		echo "selfheal: restarting the local PostgreSQL under load (after the other suites, which share it)"; \
		SELFHEAL_TEST_DATABASE_URL="$$url" SELFHEAL_TEST_POSTGRES_RESTART='pg_ctlcluster 15 main restart' \
		$(SWIFT) test --skip-build --filter 'FaultTests/postgresRestartUnderLoad' || exit 1; \
		SELFHEAL_TEST_DATABASE_URL="$$url" \
		SELFHEAL_TEST_POSTGRES_STOP='pg_ctlcluster 15 main stop' SELFHEAL_TEST_POSTGRES_START='pg_ctlcluster 15 main start' \
		$(SWIFT) test --skip-build --filter 'PostgresRestartTests' || exit 1; \
		SELFHEAL_TEST_DATABASE_URL="$$url" \
		SELFHEAL_TEST_POSTGRES_STOP='pg_ctlcluster 15 main stop' SELFHEAL_TEST_POSTGRES_START='pg_ctlcluster 15 main start' \
		$(SWIFT) test --skip-build --filter 'PostgresOutageTests'; \
	fi

rules-check: build
	.build/release/selfheal rules check

bench-rules: build
	.build/release/selfheal bench rules

bench-overhead: build
	.build/release/selfheal bench overhead

# Sends the easy, medium and hard samples to a running `make run` (in another terminal) and
# prints pass rates per category. SELFHEAL_URL overrides the address.
.PHONY: quick-test
quick-test:
	@bin=.build/release/selfheal; [ -x "$$bin" ] || bin=.build/debug/selfheal; \
	[ -x "$$bin" ] || { echo "selfheal: no binary yet; run 'make build' first" >&2; exit 1; }; \
	"$$bin" samples --categories easy medium hard --url "$${SELFHEAL_URL:-http://127.0.0.1:$(PORT)}"

# Steady load against --role all: every acknowledged request has one log row, stats agree,
# memory stays flat. RATE, DURATION, WARMUP override the defaults (20/s for 20 s).
.PHONY: load-test fuzz fault-test-postgres
load-test: build
	bash scripts/load-test.sh

# Schemathesis against /openapi.json plus an edge-case fuzzer over every POST route: no 5xx, no crash.
fuzz: build
	bash scripts/fuzz.sh

# Restarts the local PostgreSQL cluster under load; `make test` runs it too, after the suites
# that share the database, whenever it provided that database itself.
fault-test-postgres: deps-test
	$(SWIFT) build --build-tests
	@url="$${SELFHEAL_TEST_DATABASE_URL:-$$(bash scripts/test-postgres.sh)}"; \
	SELFHEAL_TEST_DATABASE_URL="$$url" SELFHEAL_TEST_POSTGRES_RESTART='pg_ctlcluster 15 main restart' \
	$(SWIFT) test --skip-build --filter 'FaultTests/postgresRestartUnderLoad'

clean:
	rm -rf .build
