# Lobby: `make run` serves the demo kiosk, `make test` runs everything CI checks.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app kiosk
HOST ?= 127.0.0.1
PORT ?= 5000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test install translations translations-update lint typecheck pytest chromium services bench clean

## Fresh machine → venv, install, migrate, demo data, print worker, server on $(HOST):$(PORT).
# The one-box demo runs as "development": keys are generated into instance/ (never debug mode).
run: export LOBBY_ENV_NAME ?= development
run: export LOBBY_PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
run: install
	$(FLASK) db upgrade
	$(FLASK) audit seal
	@echo "Demo staff sign in at $(LOBBY_PUBLIC_BASE_URL)/staff/ with the details below."
	$(FLASK) seed-demo
	@echo "Open one of these links in a kiosk's browser to make it that kiosk:"
	$(FLASK) kiosk enroll --all
	@echo "Receipts from the dummy printer are saved under instance/receipts/."
	$(FLASK) print-worker --printer dummy:// & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

## Everything CI checks: lint, types, unit + data tests on SQLite and PostgreSQL (and Redis),
## Chromium tests over HTTP and HTTPS.
test: install chromium services lint typecheck pytest

install: $(VENV)/.installed translations

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Lobby needs Python 3.11 or newer: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## Compiled catalogs are build output (git-ignored), made at install so a fresh clone speaks Spanish.
translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d kiosk/translations --statistics
	@if [ -d wayfinding/locale ]; then \
		$(BIN)/pybabel compile -d wayfinding/locale -D wayfinding --statistics; \
	fi

## Re-extract messages after changing user-facing text, then translate the new entries.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -o kiosk/translations/messages.pot --sort-output --width=100 --project=Lobby .
	$(BIN)/pybabel update -i kiosk/translations/messages.pot -d kiosk/translations --width=100

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed
	$(BIN)/mypy

pytest: $(VENV)/.installed
	$(BIN)/pytest

## The browser tests need Debian's Chromium; they are never skipped.
chromium:
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "Chromium is needed for the browser tests. Install it with:"; \
		echo "    sudo apt-get install -y chromium"; \
		exit 1; \
	fi

## PostgreSQL and Redis on 127.0.0.1, installed (as root) and started if needed, before any test;
## without root this stops with the one command to run.
services:
	@bash .ci/test-services

bench: install
	@for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
