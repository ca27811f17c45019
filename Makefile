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

.PHONY: setup run test test-postgres dev lint lock docs bench-ingest clean superset-venv chromium dashboards dashboards-down

# Both virtualenvs install exact versions from the lock files (make lock regenerates them; DEVELOPERS.md, "Locks").
LOCK := requirements/dev.lock
SUPERSET_LOCK := requirements/superset.lock

setup: $(STAMP)
	@command -v pdftoppm >/dev/null 2>&1 || { echo "installing poppler-utils (pdftoppm, pdftotext: report tests)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils; }

# The lock pins torch's CPU build (2.13.0+cpu, no nvidia-* packages); the project itself installs without deps.
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)
	@$(BIN)/python -m orchestration.defs.transform.resources >/dev/null  # the dbt manifest the definitions load

# Regenerate both locks from pyproject.toml and requirements/superset.in, keeping pins that still fit
# (make lock UPGRADE=--upgrade takes the newest versions allowed). Superset gets the project's duckdb.
lock: setup
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet $(UPGRADE) --extra dev --strip-extras \
		--allow-unsafe --no-emit-find-links --no-emit-index-url -o $(LOCK) pyproject.toml
	sed -i "s/^duckdb==.*/$$(grep '^duckdb==' $(LOCK))/" requirements/superset.in
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet $(UPGRADE) --strip-extras \
		--allow-unsafe --no-emit-find-links --no-emit-index-url -o $(SUPERSET_LOCK) requirements/superset.in
	@grep -q '^torch==.*+cpu$$' $(LOCK) && ! grep -qiE '^(nvidia-|cuda-|triton==)' $(LOCK) \
		|| { echo "$(LOCK) pulls a CUDA build of torch; it must pin the CPU build"; exit 1; }

run: setup
	@test -f $(DEMO)/zendesk/tickets.jsonl || $(BIN)/closedloop demo-data --out $(DEMO)
	$(BIN)/closedloop run --data $(DEMO)
	@$(BIN)/closedloop summary

test: setup superset-venv chromium lint
	$(BIN)/python -m pytest

# The tests marked postgres (the demo pipeline on a shared PostgreSQL warehouse, the copies between
# DuckDB and PostgreSQL, Superset reading the PostgreSQL marts in Chromium) against a throw-away
# PostgreSQL 15 server: .ci/with-postgres installs the Debian package when missing (root), starts it
# on 127.0.0.1 in a temporary folder, stops it after.
test-postgres: setup superset-venv chromium
	.ci/with-postgres $(BIN)/python -m pytest -m postgres

dev: setup
	@$(BIN)/python -c 'from closedloop.core.settings import prepare_environment; prepare_environment()'
	CLOSEDLOOP_DATA=$${CLOSEDLOOP_DATA:-$(DEMO)} $(BIN)/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

# Superset 6.1 runs in its own virtualenv (pins and why: requirements/superset.in and DEVELOPERS.md, "Superset").
SUPERSET_VENV := .venv-superset
SUPERSET_STAMP := $(SUPERSET_VENV)/.installed

superset-venv: setup $(SUPERSET_STAMP)

$(SUPERSET_STAMP): $(SUPERSET_LOCK)
	@test -x $(SUPERSET_VENV)/bin/python || $(PYTHON) -m venv $(SUPERSET_VENV)
	$(SUPERSET_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SUPERSET_VENV)/bin/python -m pip install --quiet -r $(SUPERSET_LOCK)
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

# dbt's documentation site for the warehouse the demo run built: generated into $(CLOSEDLOOP_HOME)/dbt-docs
# and served on http://127.0.0.1:8080 (DOCS_PORT=... to change). Builds the warehouse first if there is none.
DOCS_PORT ?= 8080
docs: setup
	@test -f $(CLOSEDLOOP_HOME)/warehouse.duckdb || $(MAKE) run
	cd dbt_project && CLOSEDLOOP_WAREHOUSE=$(CLOSEDLOOP_HOME)/warehouse.duckdb DBT_LOG_PATH=$(CLOSEDLOOP_HOME)/dbt/logs \
		../$(BIN)/dbt docs generate --profiles-dir . --project-dir . --target-path $(CLOSEDLOOP_HOME)/dbt-docs
	@echo "dbt docs on http://127.0.0.1:$(DOCS_PORT) (Ctrl-C stops)"
	$(BIN)/python -m http.server $(DOCS_PORT) --bind 127.0.0.1 --directory $(CLOSEDLOOP_HOME)/dbt-docs

bench-ingest: setup
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(CLOSEDLOOP_HOME) dbt_project/target dbt_project/logs
