# cartotech — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: install demo serve test lint format bench lock clean

$(STAMP): pyproject.toml requirements.lock requirements-models.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements-models.txt
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install pinned dependencies

demo: install  ## build demo.db and serve it on http://127.0.0.1:$(PORT)
	$(BIN)/cartotech demo --db demo.db --port $(PORT)

test: install  ## install test services (PostgreSQL) if absent, lint, run every test
	bash scripts/install-test-deps.sh
	$(MAKE) lint
	$(BIN)/pytest

lint: install  ## ruff (lint + format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install  ## benchmarks (not part of make test): print figures beside their baselines
	$(BIN)/python bench/bench_directory.py
	$(BIN)/python bench/bench_pages.py
	$(BIN)/python bench/bench_extract.py

lock:  ## re-pin dependencies from a fresh resolution
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet '.[dev]'
	.lockenv/bin/pip freeze --exclude-editable | grep -v -E '^(cartotech|fr.core|en.core)' > requirements.lock
	rm -rf .lockenv

clean:
	rm -rf $(VENV) demo.db demo.db-* cartotech-data .pytest_cache .ruff_cache .mypy_cache

.PHONY: vendor
vendor:  ## re-vendor Leaflet, markercluster (served) and axe-core (tests) from npm; commit the result
	$(PYTHON) scripts/vendor_assets.py
