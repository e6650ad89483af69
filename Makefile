# Two entry points: `make run` (dashboard) and `make test` (whole suite).
# Each creates its own virtualenv with nothing but python3 (3.11+).
# Tiers: `make test-fast` (all but the browser), `make e2e` (browser only), `make lint`.
# The interpreter .venv is made from (override: `make PYTHON=/path/to/python3`): the system's
# /usr/bin/python3 when it is 3.11+ with venv and ensurepip, else `python3` on PATH. Distributions
# build CPython with profile-guided and link-time optimisation and a statically linked interpreter;
# pyenv's default build, first on PATH on this machine, has neither (about 6 % slower on the fast
# tier: README, Test tiers). Delete .venv (`make clean`) to switch.
ifeq ($(origin PYTHON),undefined)
PYTHON := $(or $(shell /usr/bin/python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' \
                2>/dev/null && echo /usr/bin/python3),python3)
endif
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
# Two workers: this is a 2-core machine (pytest-xdist).
WORKERS ?= 2

.PHONY: run test test-fast e2e lint bench golden clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/dataset-diagnostics app --port $(PORT)

# Tests write bytecode even where PYTHONDONTWRITEBYTECODE is set (it is on this machine): pytest
# then keeps each test module's rewritten asserts and Python each module's compiled code in
# __pycache__/ (git-ignored) instead of redoing both in every worker on every run (~6 s a worker).
test test-fast e2e: export PYTHONDONTWRITEBYTECODE :=

test: $(VENV)/.installed
	$(PY) -m pytest -n $(WORKERS) --dist loadgroup

# The fast tier draws a quarter of each property test's examples (tests/tiers.py).
test-fast: $(VENV)/.installed
	DD_TEST_TIER=fast $(PY) -m pytest -n $(WORKERS) --dist loadgroup -m "not e2e"

e2e: $(VENV)/.installed
	$(PY) -m pytest -m e2e tests/e2e

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: $(VENV)/.installed
	$(PY) benchmarks/bench_report.py

# Re-capture the golden CLI outputs (only when a number is meant to change: say why in the commit).
golden: $(VENV)/.installed
	PYTHONPATH=tests $(PY) -m golden.capture

clean:
	rm -rf $(VENV) build *.egg-info
