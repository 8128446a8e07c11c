# Tessera: `make demo` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
SEED ?= 2017
SIZE ?= small
HOST ?= 127.0.0.1:8000

.DEFAULT_GOAL := help
.PHONY: help venv deps dev-deps assets migrate demo-data demo serve test lint typecheck pytest \
        test-browser test-spark bench clean

help:
	@echo "make demo   - install everything, load the synthetic Eastbrook partnership, serve on http://$(HOST)"
	@echo "make test   - lint, type checks and the whole test suite"
	@echo "make bench  - benchmarks; writes bench/results.json"

$(PY):
	@command -v $(PYTHON) >/dev/null || { echo "Tessera needs Python 3.11 ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.deps: requirements/base.txt | $(PY)
	$(BIN)/pip install --quiet -r requirements/base.txt
	@touch $@

$(VENV)/.dev-deps: requirements/dev.txt requirements/base.txt | $(PY)
	$(BIN)/pip install --quiet -r requirements/dev.txt
	@touch $@ $(VENV)/.deps

$(VENV)/.spark-deps: requirements/spark.txt requirements/dev.txt | $(VENV)/.dev-deps
	$(BIN)/pip install --quiet -r requirements/spark.txt
	@touch $@

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "Tessera needs Node.js and npm to build its front end"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error

web/static/build/.built: node_modules/.package-lock.json scripts/build-assets.mjs $(wildcard assets/*.scss)
	npm run --silent build
	@touch $@

assets: web/static/build/.built

migrate: deps
	@mkdir -p var/staticfiles
	TESSERA_ENV=demo $(PY) manage.py migrate --no-input -v0

demo-data: migrate
	TESSERA_ENV=demo $(PY) manage.py load_demo --seed $(SEED) --size $(SIZE) --if-empty

demo: deps assets demo-data
	TESSERA_ENV=demo $(PY) manage.py demo_accounts --addrport $(HOST)
	@echo "Starting the web server, the background worker and the scheduler (Ctrl-C stops all)."
	HOST=$(HOST) TESSERA_ENV=demo PYTHONUNBUFFERED=1 $(BIN)/honcho -f Procfile.demo start

lint: dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/bandit -q -r . -x ./.venv,./node_modules,./var --severity-level high

typecheck: dev-deps
	$(BIN)/mypy .

pytest: dev-deps assets
	$(BIN)/pytest -q -m "not browser" -n 2 --dist load

test-browser: dev-deps assets
	@command -v chromium >/dev/null || { echo "Browser tests need Debian's chromium: apt-get install -y chromium"; exit 1; }
	$(BIN)/pytest -q -m browser -p no:xdist

# BROWSER=no leaves the browser tests out (CI runs them once, in the SQLite pass).
BROWSER ?= yes
test: lint typecheck pytest
	@if [ "$(BROWSER)" = "no" ]; then echo "NOTE: browser tests not run in this pass (BROWSER=no)"; \
	elif command -v chromium >/dev/null; then $(MAKE) --no-print-directory test-browser; \
	else echo "NOTE: chromium not installed, browser tests not run (apt-get install -y chromium)"; fi

# The record linkage on Splink's Spark backend (local mode): needs Java 17+ and pyspark.
test-spark: dev-deps
	@if ! command -v java >/dev/null && [ -z "$$JAVA_HOME" ]; then \
	  echo "NOTE: Java is not installed, the Spark linkage test is not run (Spark needs Java 17+)"; \
	else $(MAKE) --no-print-directory $(VENV)/.spark-deps && \
	  $(BIN)/pytest -q -p no:xdist -p no:cacheprovider matching/tests/test_engine_spark.py; fi

bench: dev-deps
	$(PY) -m bench

clean:
	rm -rf $(VENV) node_modules web/static/build var .pytest_cache .mypy_cache .ruff_cache .grimp_cache .import_linter_cache
