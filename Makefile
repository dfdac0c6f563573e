# Two commands on a fresh clone: `make serve` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: serve test lint format install install-test clean fuzz bench

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
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

format: $(VENV)/.installed-test
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

test: $(VENV)/.installed-test lint
	$(BIN)/python -m pytest $(ARGS)

# The long campaign: every phase and check over every spec against a live mock.
FUZZ_EXAMPLES ?= 300
fuzz: $(VENV)/.installed
	$(BIN)/servicestub contract --self --api all --seed 1 --max-examples $(FUZZ_EXAMPLES) \
	  --junit-xml fuzz-report.xml --report fuzz-report.md

# Load figures of the running mock (wrk) against Stoplight Prism on the same specs.
bench: $(VENV)/.installed
	$(BIN)/python tests/benchmarks/bench.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
