# The two commands a newcomer needs: `make run` and `make test`.
# Everything else builds on the same pinned venv.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STAGE ?= dev
PYTEST_ARGS ?=

.PHONY: run test lint bench package deploy new-province token clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || "$$(scripts/find-python)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

## Run the whole service locally: moto server, chalice local, event runner.
run: $(STAMP)
	$(BIN)/python -m devstack --stage $(STAGE)

## Run lint and the whole test suite (unit, functional, integration, e2e).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python bench/cold_import.py
	$(BIN)/python bench/intake_calls.py

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache
