# selfheal: `make run` serves everything on :8000 (SQLite, simulated LLM); `make test` runs every test.
SHELL := /bin/bash
SWIFT ?= swift
PORT ?= 8000
DATABASE ?= sqlite:selfheal.db

.PHONY: deps build run test bench-overhead bench-rules rules-check clean

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product selfheal

run: build
	@echo "selfheal: serving every role on http://127.0.0.1:$(PORT) (database $(DATABASE), simulated LLM unless LLM_API_KEY is set)"
	@echo "selfheal: try  curl -s -X POST localhost:$(PORT)/api/v1/request -H 'Content-Type: application/json' -d '{\"user_input\":\"Write a fibonacci function\",\"task_type\":\"code_generation\"}'"
	.build/release/selfheal --role all --port $(PORT) --database $(DATABASE)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

rules-check: build
	.build/release/selfheal rules check

bench-rules: build
	.build/release/selfheal bench rules

bench-overhead: build
	.build/release/selfheal bench overhead

clean:
	rm -rf .build
