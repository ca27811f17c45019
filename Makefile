# closedloop: every target sets up what it needs (a .venv with the project installed).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export CLOSEDLOOP_HOME ?= $(CURDIR)/state
export DAGSTER_HOME := $(CLOSEDLOOP_HOME)/dagster
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export DO_NOT_TRACK := 1
DEMO := $(CLOSEDLOOP_HOME)/demo

.PHONY: setup run test dev lint bench-ingest clean superset-venv chromium dashboards dashboards-down

setup: $(STAMP)
	@command -v pdftoppm >/dev/null 2>&1 || { echo "installing poppler-utils (pdftoppm, pdftotext: report tests)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils; }

# torch is installed first, pinned, so pip takes the CPU build rather than a multi-GB CUDA one.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)
	@$(BIN)/python -m orchestration.defs.transform.resources >/dev/null  # the dbt manifest the definitions load

run: setup
	@test -f $(DEMO)/zendesk/tickets.jsonl || $(BIN)/closedloop demo-data --out $(DEMO)
	$(BIN)/closedloop run --data $(DEMO)
	@$(BIN)/closedloop summary

test: setup superset-venv chromium lint
	$(BIN)/python -m pytest

dev: setup
	@$(BIN)/python -c 'from closedloop.core.settings import prepare_environment; prepare_environment()'
	CLOSEDLOOP_DATA=$${CLOSEDLOOP_DATA:-$(DEMO)} $(BIN)/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

# Superset 6.1 runs in its own virtualenv (pins and why: DEVELOPERS.md, "Superset"). Its packaging misses
# duckdb-engine and duckdb; flask-caching 2.5 breaks start-up; duckdb is the project venv's version.
SUPERSET_VENV := .venv-superset
SUPERSET_STAMP := $(SUPERSET_VENV)/.installed
SUPERSET_PINS := apache-superset==6.1.0 duckdb-engine==0.17.0 rich cachetools flask-caching==2.3.1

superset-venv: setup $(SUPERSET_STAMP)

$(SUPERSET_STAMP):
	@test -x $(SUPERSET_VENV)/bin/python || $(PYTHON) -m venv $(SUPERSET_VENV)
	$(SUPERSET_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SUPERSET_VENV)/bin/python -m pip install --quiet $(SUPERSET_PINS) \
		"duckdb==$$($(BIN)/python -c 'import duckdb; print(duckdb.__version__)')"
	@touch $(SUPERSET_STAMP)

# Headless Chromium for the dashboard browser tests (Debian packages; needs root, as in CI).
chromium:
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || { \
		echo "installing chromium and chromium-driver (dashboard browser tests)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

# Superset on http://127.0.0.1:8088 with the three dashboards (builds the warehouse first if there is none).
dashboards: superset-venv
	@test -f $(CLOSEDLOOP_HOME)/warehouse.duckdb || $(MAKE) run
	CLOSEDLOOP_SUPERSET_VENV=$(abspath $(SUPERSET_VENV)) $(BIN)/closedloop dashboards up

dashboards-down: setup
	CLOSEDLOOP_SUPERSET_VENV=$(abspath $(SUPERSET_VENV)) $(BIN)/closedloop dashboards down

# ruff over everything; mypy over the packages, and --strict over the pure library and the shared core.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/mypy --strict topics closedloop/core

bench-ingest: setup
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(CLOSEDLOOP_HOME) dbt_project/target dbt_project/logs
