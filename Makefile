# zwfw — make targets. From a fresh clone on Debian, only python3 and make are needed:
# the targets create .venv, install the project and, as root, the Debian packages they use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP     := $(VENV)/.dev-installed
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help demo test serve worker bench lint openapi clean

help: ## Show the targets
	@echo "zwfw — 全国一体化在线政务服务平台"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-8s %s\n", $$1, $$2}'

$(VENV)/bin/python:
	@scripts/system-deps.sh venv
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(RUNTIME_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install -q -e ".[redis]"
	@touch $@

$(DEV_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install -q -e ".[dev,redis]"
	@touch $(RUNTIME_STAMP) $@

demo: $(RUNTIME_STAMP) ## Create the venv, migrate, seed demo data and serve on http://127.0.0.1:8000
	@scripts/system-deps.sh demo
	$(BIN)/zwfw demo --host $(HOST) --port $(PORT)

serve: $(RUNTIME_STAMP) ## Production server (granian; set ZWFW_SECRET_KEY, DATABASE_URL, ...)
	$(BIN)/zwfw serve --host $(HOST) --port $(PORT)

worker: $(RUNTIME_STAMP) ## Background job worker
	$(BIN)/zwfw worker

# Test workers: one per CPU, at least 2, at most 4 (each has its own test database and browser).
# xdist's default scheduling hands each worker its tests in collection order, which keeps the browser
# tests (live_server: pytest-django runs them after the other database tests) after the tests that
# sign PDFs: Playwright's event loop stays open in a worker once its first browser test ran, and
# pyhanko's asyncio.run refuses to run inside it. (--dist worksteal breaks that order.)
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -lt 2 ] && n=2; [ $$n -gt 4 ] && n=4; echo $$n)
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS)

MYPY_ENV := ZWFW_DEMO=1 ZWFW_DATA_DIR=$${TMPDIR:-/tmp}/zwfw-mypy

lint: $(DEV_STAMP) ## ruff, mypy (services, selectors, API, schemas) and the import-linter layer contracts
	$(BIN)/ruff check .
	$(MYPY_ENV) $(BIN)/mypy
	$(BIN)/lint-imports

test: $(DEV_STAMP) ## Lint and type-check, then the whole suite on SQLite and on a throwaway PostgreSQL, browser tests included
	@scripts/system-deps.sh test
	$(BIN)/ruff check .
	$(MYPY_ENV) $(BIN)/mypy
	$(BIN)/lint-imports
	@echo "== test suite on SQLite =="
	ZWFW_REQUIRE_BROWSER=1 $(PYTEST)
	@echo "== test suite on PostgreSQL =="
	ZWFW_REQUIRE_BROWSER=1 $(BIN)/python scripts/pgtmp.py -- $(PYTEST)

bench: $(DEV_STAMP) ## Benchmarks: search, guide pages (100,000 generated items), sign-ins, refresh grants, bearer-token reads, seals (ES256/SM2 sign and verify beside the raw libraries, PDF signing), licences (QR verification page and API, single and batch issuance, PDF files; --only licenses), cases (submission and status read through the API, workbench queue over 100,000 cases; --only cases)
	@scripts/system-deps.sh bench
	$(BIN)/python bench/run.py

openapi: $(DEV_STAMP) ## Write the committed OpenAPI document docs/openapi.json
	ZWFW_DEMO=1 ZWFW_DATA_DIR=$${TMPDIR:-/tmp}/zwfw-openapi $(BIN)/zwfw manage export_openapi docs/openapi.json

clean: ## Remove the venv, data dir and test artifacts
	rm -rf $(VENV) var test-artifacts bench/results
