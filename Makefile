# Synoptic: `make demo` analyses the example corpus, `make test` runs every check.
# Both create .venv and install the pinned dependencies themselves (registries only).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT := build/demo

.PHONY: setup demo test lint typecheck unit bench serve clean browser screenshots

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

demo: setup
	@mkdir -p $(OUT)
	$(BIN)/synoptic analyze examples/corpus --db $(OUT)/synoptic.db --json $(OUT)/analysis.json --report $(OUT)/report
	@echo "Analysis JSON: $(OUT)/analysis.json"
	@echo "Report:        $(OUT)/report/index.html and $(OUT)/report/report.md"

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/python -m pytest -q

# Browser tests drive Debian's chromium through Playwright (Playwright's own browser download never runs).
# Installed only when missing; if apt cannot run here, the browser tests report themselves skipped.
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium) \
		|| echo "warning: could not install chromium; browser tests will be skipped"

test: lint typecheck browser unit

# Refresh the screenshots committed under docs/screenshots from the browser tests.
screenshots: setup browser
	SYNOPTIC_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/test_browser_ui.py

bench: setup
	$(BIN)/python -m benchmarks.run_all

serve: setup
	$(BIN)/synoptic serve --db $(OUT)/synoptic.db

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
