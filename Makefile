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

.PHONY: setup run test dev lint bench-ingest clean

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

run: setup
	@test -f $(DEMO)/zendesk/tickets.jsonl || $(BIN)/closedloop demo-data --out $(DEMO)
	$(BIN)/closedloop run --data $(DEMO)
	@$(BIN)/closedloop summary

test: setup
	$(BIN)/python -m pytest

dev: setup
	@mkdir -p $(DAGSTER_HOME)
	@test -f $(DAGSTER_HOME)/dagster.yaml || printf 'telemetry:\n  enabled: false\n' > $(DAGSTER_HOME)/dagster.yaml
	CLOSEDLOOP_DATA=$${CLOSEDLOOP_DATA:-$(DEMO)} $(BIN)/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

lint: setup
	$(BIN)/ruff check .

bench-ingest: setup
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(CLOSEDLOOP_HOME) dbt_project/target dbt_project/logs
