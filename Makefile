# The two commands of the README: `make practice` and `make test`.
# Each creates the virtualenv and installs what it needs on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: practice run test lint format bench locales clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

practice: $(STAMP)
	$(BIN)/omkijkbot practice

run: $(STAMP)
	$(BIN)/omkijkbot run

test: $(STAMP)
	bash scripts/ensure-chromium.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python -m bench

locales: $(STAMP)
	$(BIN)/python -m bot.i18n extract

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
