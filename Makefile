# Plateward: `make run` starts the demo, `make test` runs the suite. Both set everything up first.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean browser-deps

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/plateward demo --host 127.0.0.1 --port 8000 --data-dir var

browser-deps:
	@test -x /usr/bin/chromium || { echo "Installing Debian's Chromium for browser tests"; \
	  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || \
	  echo "Chromium could not be installed: browser tests will fail"; }

test: $(STAMP) browser-deps
	$(BIN)/ruff check
	$(BIN)/mypy
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/ingest.py --reads 200000

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
