# The two commands of the README: `make practice` and `make test`.
# Each creates the virtualenv and installs what it needs on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: practice run test fuzz lint format bench locales lock clean

# Installs exactly the versions in requirements.lock (refresh it with `make lock`).
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
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

# Long generated runs (not in CI): the ladder's model with fresh seeds, many examples.
fuzz: $(STAMP)
	OMKIJK_MODEL_RANDOM=1 OMKIJK_MODEL_EXAMPLES=$${OMKIJK_MODEL_EXAMPLES:-1000} \
	OMKIJK_MODEL_STEPS=$${OMKIJK_MODEL_STEPS:-50} \
	$(BIN)/pytest -q -p no:cacheprovider tests/test_ladder_model.py --hypothesis-show-statistics
	# 100 kills of the bot process mid-way, on several seeds (CI runs 20 on a fresh one).
	for seed in 641428 1 2024 777; do \
		OMKIJK_CRASH_KILLS=100 OMKIJK_CRASH_SEED=$$seed \
		$(BIN)/pytest -q -p no:cacheprovider tests/test_crash_safety.py -k random_kills || exit 1; \
	done

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python -m bench

locales: $(STAMP)
	$(BIN)/python -m core.i18n extract

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# The pinned versions CI and `make practice` install, from pyproject.toml's ranges.
lock: $(STAMP)
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --no-header --no-emit-index-url \
		--no-emit-find-links --output-file requirements.lock pyproject.toml
