# The project's vocabulary: run the desk, test it, measure it, keep it clean.
# Every target installs what it needs first (.venv from requirements-dev.txt, node_modules from
# package-lock.json), so a fresh clone needs only Python 3.11, Node 20 and npm.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PYTEST := $(BIN)/python -m pytest
# The browser of the portal's end-to-end test: Debian's Chromium (Playwright's own download cannot
# be fetched here), installed by the test targets when it is missing.
CHROMIUM := /usr/bin/chromium

.PHONY: run test unit integration e2e bench lint format check deps browser clean

## run: serve the whole app on http://127.0.0.1:7071/api against Azurite (Ctrl-C stops all)
run: deps
	$(BIN)/python -m devhost serve --demo

## test: every layer (unit, integration, e2e); starts Azurite when none is listening
test: deps browser
	$(PYTEST)

unit: deps
	$(PYTEST) -m unit

integration: deps
	$(PYTEST) -m integration

e2e: deps browser
	$(PYTEST) -m e2e

## bench: the benchmarks in benchmarks/, printing their figures
bench: deps
	$(BIN)/python benchmarks/bench_calendar.py
	$(BIN)/python benchmarks/bench_api.py
	$(BIN)/python benchmarks/bench_notifications.py
	$(BIN)/python benchmarks/bench_escalation.py

## lint: ruff (rules and format) and mypy
lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: deps
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: lint test

deps: $(VENV)/.installed node_modules/.installed

## browser: headless Chromium for the portal's browser test (apt-get, as root, when missing)
browser: $(CHROMIUM)

$(CHROMIUM):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) node_modules .local .pytest_cache .mypy_cache .ruff_cache .hypothesis
