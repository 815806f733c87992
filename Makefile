# Two commands for a newcomer: `make run` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint unit model clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (Python 3.11) on PATH"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## migrate, install the default feeds and serve API + scheduler on SQLite
	$(BIN)/ceasewatch serve

lint: $(STAMP)
	$(BIN)/ruff check --no-cache service classifiers feeds migrations tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint  ## the whole suite, on SQLite and (when it answers) PostgreSQL
	$(BIN)/python -m pytest

model: $(STAMP)  ## rebuild the shipped model from ../shared/data, reproducibly
	$(BIN)/python -m classifiers.build_default --data ../shared/data

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
