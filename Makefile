# Traject: the two quick-start commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
DEMO_DB := sqlite:///demo.db

.PHONY: setup demo demo-fresh test lint bench bench-quick clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

# Seeds a demo database with generated people (Faker nl_NL) relative to today and opens the caseworker
# app on it. A second run keeps the existing demo (and says so); `make demo-fresh` replaces it.
demo: setup
	$(BIN)/traject --db $(DEMO_DB) demo --people 50
	$(BIN)/traject --db $(DEMO_DB) --user demo tui

demo-fresh: setup
	$(BIN)/traject --db $(DEMO_DB) demo --people 50 --fresh
	$(BIN)/traject --db $(DEMO_DB) --user demo tui

test: setup
	$(BIN)/pytest -q -n auto

lint: setup
	$(BIN)/ruff check engine tui tests bench

bench: setup
	$(BIN)/python -m bench

bench-quick: setup
	$(BIN)/python -m bench --quick

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm .pytest_cache
