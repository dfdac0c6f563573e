# Two commands on a fresh clone: `make serve` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: serve test lint format install install-test clean fuzz bench bench-quick examples \
	typecheck imports architecture

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

serve: $(VENV)/.installed
	$(BIN)/servicestub serve $(ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff format src tests scripts
	$(BIN)/ruff check --fix src tests scripts

# The suite on both cores (pytest-xdist, whole files per worker), then the
# schemathesis file on its own: xdist's workers do not collect schemathesis's
# per-operation tests alike and would run 7 of its 62 tests. lint has run mypy
# already, so the suite leaves out its typecheck test.
TEST_JOBS ?= 2
test: $(VENV)/.installed-test lint
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile --ignore=tests/test_schemathesis.py \
	  -m "not typecheck" $(ARGS)
	$(BIN)/python -m pytest tests/test_schemathesis.py $(ARGS)

# Rewrite the spec examples that quote seeded records with what a fresh mock answers
# (a test runs it with --check, so examples that drift from the seed fail `make test`).
examples: $(VENV)/.installed
	$(BIN)/python scripts/regenerate_examples.py $(ARGS)

# The long campaign: every phase and check, each spec against its own live mock,
# with enough examples per operation that every API gets over 10,000 requests.
FUZZ_EXAMPLES_orders ?= 300
FUZZ_EXAMPLES_services ?= 700
FUZZ_EXAMPLES_admin ?= 1000
FUZZ_SEED ?= 1
fuzz: fuzz-orders fuzz-services fuzz-admin

fuzz-%: $(VENV)/.installed
	$(BIN)/servicestub contract --self --api $* --seed $(FUZZ_SEED) \
	  --max-examples $(FUZZ_EXAMPLES_$*) --junit-xml fuzz-$*.xml --report fuzz-$*.md

# Load figures of the running mock (wrk) against Stoplight Prism on the same specs.
bench: $(VENV)/.installed
	$(BIN)/python tests/benchmarks/bench.py

# The architecture's checks, each on its own (tests/test_architecture.py runs them all
# and names what breaks each rule; ARCHITECTURE.md says what the rules are).
typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

imports: $(VENV)/.installed-test
	$(BIN)/lint-imports --no-cache

architecture: $(VENV)/.installed-test
	$(BIN)/python -m pytest tests/test_architecture.py $(ARGS)

# `make bench` with short runs (3 s per wrk case, 10 s of invented tenants): about
# 100 s in all (the #13 baseline was measured so); figures to compare, not to quote.
bench-quick: $(VENV)/.installed
	BENCH_DURATION=3s BENCH_TENANT_SECONDS=10 $(BIN)/python tests/benchmarks/bench.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
