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
# Debian's Chromium is installed as root (CI), or through sudo by a developer.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# checkov lives in its own virtualenv: its pins clash with the app's (requirements-checkov.txt).
CHECKOV_VENV := .tools/checkov
# The Azure SDK packages whose models the type check reads (requirements-azure-sdk.txt), kept
# apart from the app, which deploys none of them.
AZURE_SDK_VENV := .tools/azure-sdk

.PHONY: run test unit integration e2e bench lint infra-lint format check deps checkov-deps azure-sdk-deps browser clean

## run: serve the whole app on http://127.0.0.1:7071/api against Azurite (Ctrl-C stops all)
run: deps
	$(BIN)/python -m devhost serve --demo

## test: every layer (unit, integration, e2e); starts Azurite when none is listening
test: deps azure-sdk-deps browser
	$(PYTEST)

unit: deps azure-sdk-deps
	$(PYTEST) -m unit

integration: deps
	$(PYTEST) -m integration

e2e: deps browser
	$(PYTEST) -m e2e

## bench: every benchmarks/bench_*.py to the end, printing their figures, then one line each
## (PASS or FAIL, duration); fails when any missed a target
bench: deps
	$(BIN)/python benchmarks/run_all.py

## lint: ruff (rules and format), mypy, and the infrastructure checks (infra-lint)
lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(MAKE) --no-print-directory infra-lint

## infra-lint: every .bicep parses (pycep) and keeps our rules and every resource name its type's
## naming rule, the postdeploy hook fails loudly (the gate), every resource body and property read
## matches Azure's types as the pinned SDK's models define them (infra/azure_types, its allow-list),
## then checkov with no failed check; the gate in infra/checkov_gate.py also fails when checkov
## parsed nothing
infra-lint: deps checkov-deps azure-sdk-deps
	$(PYTEST) -q tests/unit/infra/test_infra.py tests/unit/infra/test_infra_names.py tests/unit/infra/test_infra_warnings.py \
		tests/unit/infra/test_infra_mail_sender.py tests/unit/infra/test_postdeploy_hook.py
	$(BIN)/python -m infra.azure_types
	$(BIN)/python infra/checkov_gate.py --checkov $(CHECKOV_VENV)/bin/checkov --directory infra

format: deps
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: lint test

deps: $(VENV)/.installed node_modules/.installed

## browser: headless Chromium for the portal's browser test (apt-get, as root, when missing)
browser: $(CHROMIUM)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium

checkov-deps: $(CHECKOV_VENV)/.installed

$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r requirements-checkov.txt
	touch $@

## azure-sdk-deps: the pinned Azure SDK packages of requirements-azure-sdk.txt in .tools/azure-sdk
azure-sdk-deps: $(AZURE_SDK_VENV)/.installed

$(AZURE_SDK_VENV)/.installed: requirements-azure-sdk.txt
	test -x $(AZURE_SDK_VENV)/bin/python || $(PYTHON) -m venv $(AZURE_SDK_VENV)
	$(AZURE_SDK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(AZURE_SDK_VENV)/bin/python -m pip install --quiet -r requirements-azure-sdk.txt
	touch $@

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) node_modules .tools .local .pytest_cache .mypy_cache .ruff_cache .hypothesis
