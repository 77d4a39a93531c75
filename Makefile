# Vetted: `make help` lists the targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.DEFAULT_GOAL := help
.PHONY: help venv lock serve dev test test-fast lint format bench lighthouse vendor clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-10s %s\n", $$1, $$2}'

# Exactly the locked versions (hashes checked), then the project itself without resolving
# anything: a release elsewhere cannot change what a fresh machine installs.
$(BIN)/vetted: requirements.lock pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(BIN)/vetted

venv: $(BIN)/vetted ## Create .venv and install the locked versions of everything

lock: venv ## Re-resolve requirements.lock from pyproject.toml (commit it on its own)
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 \
		--generate-hashes --quiet --output-file requirements.lock

serve: venv ## Set up and serve on http://$(HOST):$(PORT) with gunicorn (2 workers), demo data loaded
	$(BIN)/vetted setup
	$(BIN)/gunicorn --config gunicorn.conf.py --workers 2 --bind $(HOST):$(PORT) "directory:create_app()"

dev: venv ## Serve with Flask's development server (auto-reload)
	$(BIN)/vetted setup
	$(BIN)/vetted run --debug --host $(HOST) --port $(PORT)

lint: venv ## ruff lint and format check
	$(BIN)/ruff check directory index tests bench
	$(BIN)/ruff format --check directory index tests bench

format: venv ## Apply ruff fixes and formatting
	$(BIN)/ruff check --fix directory index tests bench
	$(BIN)/ruff format directory index tests bench

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Browser code from npm is served from our own static files (no CDN): `make vendor` copies the
# exact versions package-lock.json names; the copy is committed so the wheel and `make serve`
# need no npm, and tests/browser/test_maps.py checks it still matches node_modules.
vendor: node_modules/axe-core/axe.min.js ## Copy Leaflet from node_modules into directory/static/vendor
	rm -rf directory/static/vendor/leaflet
	mkdir -p directory/static/vendor/leaflet/images
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/LICENSE directory/static/vendor/leaflet/
	cp node_modules/leaflet/dist/images/*.png directory/static/vendor/leaflet/images/

test: venv lint node_modules/axe-core/axe.min.js ## Lint, then run the whole suite (browser tests and axe audit included)
	$(BIN)/python -m pytest --cov --cov-report=term:skip-covered

test-fast: venv ## The suite without the browser tests
	$(BIN)/python -m pytest -m "not browser" -q

bench: venv ## Run the benchmarks (import, search at 10k clinics, relevance)
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/search_bench.py --clinics 10000
	$(BIN)/python bench/relevance.py

lighthouse: venv node_modules/axe-core/axe.min.js ## Lighthouse mobile scores of the patient pages (home, search, clinic, compare, guide)
	$(BIN)/python bench/lighthouse.py

clean: ## Remove the virtual environment and caches (keeps instance/)
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .coverage htmlcov build dist *.egg-info
