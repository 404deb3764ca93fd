# Two entry points (see README):  `make run`  and  `make test`.
# Both set up .venv from scratch when needed (Python 3.11+ and this Makefile are all it takes).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
OUT    := out

.PHONY: run test test-fast setup lint clean data lab

setup: $(STAMP)

$(STAMP): pyproject.toml tools/jupyter/default_setting_overrides.json
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "govstats needs Python 3.11+"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip >/dev/null || true
	test -x $(BIN)/uv || $(BIN)/python -m pip install -q --disable-pip-version-check uv || true
	if test -x $(BIN)/uv; then \
	  $(BIN)/uv pip install -q --python $(BIN)/python --compile-bytecode -e '.[dev]'; \
	else \
	  $(BIN)/python -m pip install -q --disable-pip-version-check --compile -e '.[dev]'; \
	fi
	# JupyterLab (in this venv only) opens the percent notebooks as notebooks on a double click
	mkdir -p $(VENV)/etc/jupyter/labconfig
	cp tools/jupyter/default_setting_overrides.json $(VENV)/etc/jupyter/labconfig/
	touch $(STAMP)

# The main job on the bundled data: load and check the panel (data/), summarise its
# validation, parse and check the bundled example table, execute the four notebooks and
# write every figure (figures/*.pdf, *.png).  Executed notebooks go to out/notebooks/.
run: $(STAMP)
	mkdir -p $(OUT)
	$(BIN)/govstats panel --csv $(OUT)/findings-per-rule.csv
	$(BIN)/govstats validate data/examples --csv $(OUT)/examples-findings.csv
	$(BIN)/govstats notebooks --figures figures --out $(OUT)/notebooks
	@echo "figures in figures/, executed notebooks in $(OUT)/notebooks/, summaries in $(OUT)/"

# Rebuild data/ from the development corpus, the further reports without truth and the seed
# (needs ../shared; deterministic).
data: $(STAMP)
	$(BIN)/govstats build ../shared/corpus ../shared/extra ../shared/seed --out data --bundled

# JupyterLab on this folder: open notebooks/ and double-click a notebook (a percent .py file).
# Set GOVSTATS_DATA / GOVSTATS_FOCUS before it to run the notebooks on your own panel.
lab: $(STAMP)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root)

lint: $(STAMP)
	$(BIN)/ruff check src tests tools benchmarks notebooks

test: $(STAMP) lint
	$(BIN)/python -m pytest -q

# The everyday lane: no notebook runs, no rebuild of the whole panel, no OCR engine runs, property
# tests with a tenth of their examples.  CI runs `make test`.
test-fast: $(STAMP)
	GOVSTATS_FAST_TESTS=1 $(BIN)/python -m pytest -q -m "not slow"

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
