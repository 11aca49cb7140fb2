# One command each: `make run` opens the app on the embedded sample, `make test`
# runs the whole test suite (what CI runs), `make test-fast` all but the tests
# marked slow (the inner loop). They create .venv and install what is missing,
# system libraries for Qt included (apt-get, when run as root or with sudo).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: run test test-fast test-min lint system-deps install bench clean package package-onefile smoke

run: install
	$(BIN)/mnist-desktop gui --source sample

test: install
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: install
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

# The fast suite against the lowest versions pyproject.toml declares (ci/min-versions.txt),
# in a second venv so that .venv keeps the newest.
MIN_VENV ?= .venv-min
test-min: system-deps
	$(PYTHON) -m venv $(MIN_VENV)
	$(MIN_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(MIN_VENV)/bin/python -m pip install --quiet --constraint ci/min-versions.txt -e '.[test]'
	QT_QPA_PLATFORM=offscreen $(MIN_VENV)/bin/python -m pytest -m "not slow" $(PYTEST_ARGS)

install: system-deps $(STAMP)

system-deps:
	@sh scripts/install-system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

bench: install
	for b in benchmarks/bench_*.py; do QT_QPA_PLATFORM=offscreen $(BIN)/python $$b || exit 1; done

# Standalone executable (PyInstaller, see packaging/): dist/mnist-desktop/mnist-desktop,
# or one file dist/onefile/mnist-desktop; `make smoke` runs it headless and checks it.
package: install
	bash packaging/build.sh

package-onefile: install
	bash packaging/build.sh --onefile

smoke:
	bash packaging/smoke_test.sh
	@if [ -x dist/onefile/mnist-desktop ]; then bash packaging/smoke_test.sh dist/onefile/mnist-desktop; fi

clean:
	rm -rf $(VENV) $(MIN_VENV) build dist .pytest_cache
