# Two entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SEED := cases/iraq-2006/case.yaml
CHROMIUM ?= /usr/bin/chromium

.PHONY: demo test lint typecheck install install-test install-report install-web serve chromium postgresql clean fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The install stamps re-run pip only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[fast]"
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed $(VENV)/.installed-report $(VENV)/.installed-web

# The HTML report's extra (matplotlib, Jinja2); the test extra includes it.
$(VENV)/.installed-report: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[report]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

install-report: $(VENV)/.installed-report

# The workbench's extra (FastAPI, uvicorn, the run store); the test extra includes it.
$(VENV)/.installed-web: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[web]"
	touch $@ $(VENV)/.installed $(VENV)/.installed-report

install-web: $(VENV)/.installed-web

serve: install-web
	$(BIN)/parley serve

demo: install-report
	$(BIN)/parley forecast $(SEED)
	$(BIN)/parley ensemble $(SEED) -n 1000 -m compromise -m median -m eum --threshold "withdrawal<=2"
	$(BIN)/parley report $(SEED) -o report.html --front iai,rev_1920,baathists,mujahideen_army
	@echo "report: $(CURDIR)/report.html"

# The report's browser test needs Debian's Chromium: install it when missing and we can (root with
# apt-get); otherwise, or if the install fails, say so: that test is then skipped, nothing fails.
chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "installing chromium (apt-get) for the report's browser test"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	    >/tmp/parley-chromium-install.log 2>&1 \
	  || echo "warning: apt-get install chromium failed (see /tmp/parley-chromium-install.log); the report's browser test will be skipped"; \
	else \
	  echo "note: $(CHROMIUM) is missing and cannot be installed here (needs root and apt-get); the report's browser test will be skipped"; \
	fi

# The run store's tests start a throwaway PostgreSQL server (initdb in a temporary folder): install
# Debian's server when missing and we can; otherwise those tests are skipped with the reason.
postgresql:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "installing postgresql (apt-get) for the run store's tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) \
	    >/tmp/parley-postgresql-install.log 2>&1 \
	  || echo "warning: apt-get install postgresql failed (see /tmp/parley-postgresql-install.log); the PostgreSQL store tests will be skipped"; \
	else \
	  echo "note: PostgreSQL's server is missing and cannot be installed here (needs root and apt-get); the PostgreSQL store tests will be skipped"; \
	fi

lint: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

# mypy on src/ (configured in pyproject.toml, [tool.mypy])
typecheck: install-test
	$(BIN)/mypy

test: lint typecheck chromium postgresql
	$(BIN)/python -m pytest

# the readers' fuzz properties (tests/hostile/fuzz.py) for longer than the suite: `make fuzz MINUTES=30`
MINUTES ?= 10
fuzz: install-test
	$(BIN)/python benchmarks/fuzz_readers.py --minutes $(MINUTES)

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
