# tradescreen: `make run` sets up and serves; `make test` runs every check.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck bench venv clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	touch $(STAMP)

venv: $(STAMP)

SHARED_DATA ?= $(abspath $(CURDIR)/../shared/data)

# Loads the curated data that ships; also the official files of ../shared/data when that
# folder is there (as `update --mirror` would). Local-only auth: requests from this
# machine need no API key (printed on start).
run: $(STAMP)
	$(BIN)/tradescreen init
	if [ -d "$(SHARED_DATA)" ]; then $(BIN)/tradescreen update --mirror "$(SHARED_DATA)"; fi
	TRADESCREEN_LOCAL_AUTH=1 $(BIN)/tradescreen serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src

typecheck: lint

test: $(STAMP)
	bash scripts/test-services.sh
	$(MAKE) lint
	source scripts/test-env.sh && $(BIN)/pytest -n 2 -q

bench: $(STAMP)
	TRADESCREEN_SHARED_DATA="$(SHARED_DATA)" $(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
