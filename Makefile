# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
# Test processes (pytest-xdist), each with its own test database: one per core and one more, since the browser
# tests spend much of their time waiting on Chromium. `make test TEST_WORKERS=0` runs the suite in one process.
# Whole files go to a worker, in the order tests/conftest.py sorts them (long files first): xdist's own reordering,
# by number of tests, is off.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

.PHONY: demo test test-fast e2e bench lint format messages install browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/clientcentric demo

# The browser tests drive Debian's chromium; install it when it is missing.
browser:
	@command -v $(CHROMIUM) >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

test: $(STAMP) browser
	$(PYTEST)

test-fast: $(STAMP)
	$(PYTEST) -m "not e2e"

# Each benchmark prints its figures against the issue's target; all run even if one misses.
bench: $(STAMP)
	@status=0; \
	$(BIN)/python bench/run.py || status=1; \
	$(BIN)/python bench/classify.py || status=1; \
	$(BIN)/python bench/intake.py --with-model 8000 || status=1; \
	$(BIN)/python bench/kb.py --splits 10 || status=1; \
	$(BIN)/python bench/search.py || status=1; \
	$(BIN)/python bench/readability.py || status=1; \
	$(BIN)/python bench/notify.py || status=1; \
	$(BIN)/python bench/feedback.py || status=1; \
	$(BIN)/python bench/delivery.py || status=1; \
	$(BIN)/python bench/apply.py || status=1; \
	$(BIN)/python bench/eligibility.py --sizes 1000000,10000000 || status=1; \
	$(BIN)/python bench/journey_map.py || status=1; \
	$(BIN)/python bench/business.py || status=1; \
	$(BIN)/python bench/business_list.py || status=1; \
	$(BIN)/python bench/risk.py || status=1; \
	$(BIN)/python bench/masking.py || status=1; \
	$(BIN)/python bench/cli_start.py || status=1; \
	exit $$status

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(STAMP)
	cd src/clientcentric && ../../$(BIN)/django-admin makemessages -l ru -l en --no-obsolete && ../../$(BIN)/django-admin compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache
