# Plateward: `make run` starts the demo, `make test` runs the suite. Both set everything up first.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint lock bench clean browser-deps

# Exact versions come from requirements.lock (every dependency, dev tools included), so every
# machine and CI run the same code; the package itself is then installed without resolving again.
$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# Re-pin after changing dependencies in pyproject.toml (pip-tools in a throwaway environment).
lock:
	$(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/pip install --quiet pip-tools
	$(VENV)-lock/bin/pip-compile --quiet --upgrade --extra dev --strip-extras \
	  --no-emit-index-url --no-emit-find-links --output-file requirements.lock pyproject.toml
	rm -rf $(VENV)-lock

run: $(STAMP)
	$(BIN)/plateward demo --host 127.0.0.1 --port 8000 --data-dir var

browser-deps:
	@test -x /usr/bin/chromium || { echo "Installing Debian's Chromium for browser tests"; \
	  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || \
	  echo "Chromium could not be installed: browser tests will fail"; }

test: $(STAMP) browser-deps
	$(BIN)/ruff check
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --durations=15

bench: $(STAMP)
	$(BIN)/python bench/ingest.py --reads 200000

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
