# The two quick-start commands (`make demo`, `make test`) and the developer checks.
PYTHON ?= $(shell bash scripts/find-python.sh)
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test check lint benchmark bundle translations install-desktop clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

translations: $(STAMP)
	VENV=$(VENV) bash scripts/build-translations.sh

## Installs what is needed and opens the program on the built-in sandbox (no WeChat account).
## The Debian packages come first (as root or with sudo; else it prints the apt-get line),
## so Qt never starts without its libraries; without a display the program says so.
demo: $(STAMP) translations
	bash scripts/install-system-deps.sh --run
	$(VENV)/bin/waybill-printer --demo

## Adds the program to the desktop's menu with its icon, for this user (no root).
install-desktop: $(STAMP) translations
	$(VENV)/bin/waybill-printer install-desktop

## Installs what is needed and runs the whole test suite headless.
test: $(STAMP) translations
	bash scripts/install-system-deps.sh
	bash scripts/run-tests.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check app tests
	$(VENV)/bin/ruff format --check app tests
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

benchmark: $(STAMP) translations
	bash scripts/install-system-deps.sh
	xvfb-run -a -s "-screen 0 1400x900x24" $(PY) -m tests.benchmarks.run

## Builds the packing-station bundle (dist/waybill-printer/); see docs/BUNDLE.md.
bundle: $(STAMP) translations
	VENV=$(VENV) bash scripts/build-bundle.sh

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
