# Two entry points on a fresh machine: `make demo` and `make test`. Each creates .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean browser virtuoso
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/complygraph demo

# Debian's Chromium + ChromeDriver for the GraphiQL browser test (which fails without them).
browser:
	@command -v chromedriver >/dev/null && command -v chromium >/dev/null || { \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    --no-install-recommends chromium chromium-driver >/dev/null ; } || echo "could not install chromium and chromium-driver: the GraphiQL browser test will fail"

# Debian's Virtuoso Open Source for the tests that run complygraph on it (tests/test_virtuoso.py, any_store):
# the tests start their own server on a free loopback port; the package's own service is not started.
virtuoso:
	@command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null || { \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    --no-install-recommends virtuoso-opensource >/dev/null ; } || echo "could not install virtuoso-opensource: the Virtuoso tests will fail"

test: $(VENV)/.installed-test browser virtuoso
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/load.py
	$(BIN)/python benchmarks/validate.py

clean:
	rm -rf $(VENV) build *.egg-info
